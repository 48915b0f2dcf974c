//! The security metrics (see the README's security section), computed once a day and at each
//! retarget from the state the economy already keeps: never on the per-block path.
//!
//! With `H` the network's running hashrate (TH/s) and `O` the overhang (idle machines plus
//! machines unsold on the secondary market):
//!
//! * attack costs ([`hashshift_models::security::attack`]): new ASICs (the frontier model
//!   at the catalog price in force that day, `Frontier::price_usd_per_th`), the overhang at
//!   secondary-market prices (the firms' dealer price with firms; without firms a buyer's
//!   payback price, `security.secondary_payback_years` of margin at $0.05/kWh), and rental;
//! * overhang share `O / H`;
//! * concentration of the firms' running hashrate (each site is its own owner without
//!   firms): HHI, Nakamoto coefficient, top-1 and top-5 shares;
//! * double-spend success after 1 and 6 confirmations for an attacker with the largest firm's
//!   share `q = top1`, and one with the whole overhang, `q = O / (H + O)` (the overhang is not
//!   part of `H`).
//!
//! Cost: one pass over the sites (hashrate by owner), then one over the firms and a sort of
//! the hundred or so largest ([`Summarizer`]), a day. The idle machines' mix of efficiencies
//! (which prices the overhang) takes a pass over the fleet's units with machines
//! ([`Fleet::live_units`]), so it is refreshed every [`IDLE_MIX_REFRESH_DAYS`] days and scaled to the
//! day's idle total in between (the total is exact every day: the fleet's idle hashrate as of
//! its last operation pass, the `idle_ehs` column). Units accumulate over a run with firms
//! (refreshes, relocations), so a daily pass would cost more than the rest of the simulation
//! (measured: a fifth of a 20-year run with 5,000 firms).

use hashshift_models::security::attack::{
    new_asic_cost, overhang_cost, payback_price_usd_per_th, rental_cost, HashrateLot,
};
use hashshift_models::security::{attacker_success_probability, Summarizer};

use hashshift_models::hardware::scrap_usd_per_th;
use hashshift_models::mining::fleet::Fleet;

use super::frontier::FrontierNow;
use super::Economy;
use crate::engine::clock::year_fraction;
use crate::record::SecuritySnapshot;
use crate::scenario::SecuritySpec;

/// Reference PUE and energy price of a secondary-market buyer without firms (as the firms'
/// dealer, `engine::agents`).
const PAYBACK_REF_PUE: f64 = 1.1;
const PAYBACK_REF_USD_PER_KWH: f64 = 0.05;

/// Days between two passes over the fleet's units to refresh the idle machines' mix.
pub(crate) const IDLE_MIX_REFRESH_DAYS: i64 = 30;

/// Buffers reused from day to day.
#[derive(Debug, Clone, Default)]
pub(crate) struct Scratch {
    /// Idle machines by model: (share of the idle TH/s, J/TH), as of `idle_mix_day`.
    idle_mix: Vec<(f64, f64)>,
    /// Unix day of the last refresh of `idle_mix` (None: never).
    idle_mix_day: Option<i64>,
    /// Running hashrate per owner (firm or site), TH/s.
    weights: Vec<f64>,
    /// Idle TH/s and sum of TH/s x J/TH per model id.
    by_model: Vec<(f64, f64)>,
    /// Model ids with idle machines this pass.
    touched: Vec<u16>,
    /// Overhang lots (idle by model, then unsold).
    lots: Vec<HashrateLot>,
    /// Concentration measures, with the threshold of the last day's majority candidates.
    concentration: Summarizer,
}

fn double_spend(spec: &SecuritySpec, q: f64, z: u32) -> Option<f64> {
    attacker_success_probability(spec.double_spend, q.clamp(0.0, 1.0), z).ok()
}

/// Recomputes the idle machines' mix by model: one pass over the fleet's units with machines.
fn refresh_idle_mix(scratch: &mut Scratch, fleet: &Fleet) {
    for i in fleet.live_units() {
        let u = &fleet.units()[i];
        if u.ths <= 0.0 || fleet.is_running(i) || fleet.is_offline(i) {
            continue;
        }
        let m = usize::from(u.model);
        if scratch.by_model.len() <= m {
            scratch.by_model.resize(m + 1, (0.0, 0.0));
        }
        let e = &mut scratch.by_model[m];
        if e.0 == 0.0 {
            scratch.touched.push(u.model);
        }
        e.0 += u.ths;
        e.1 += u.ths * u.j_per_th;
    }
    let total: f64 = scratch
        .touched
        .iter()
        .map(|&m| scratch.by_model[usize::from(m)].0)
        .sum();
    scratch.idle_mix.clear();
    for &m in &scratch.touched {
        let (ths, jsum) = std::mem::take(&mut scratch.by_model[usize::from(m)]);
        if ths > 0.0 {
            scratch.idle_mix.push((ths / total, jsum / ths));
        }
    }
    scratch.touched.clear();
}

impl Economy {
    /// The security metrics now, with the network running `hashrate_hs` H/s, at `now_unix`
    /// (`height`: the next block's).
    pub(crate) fn security_snapshot(
        &mut self,
        hashrate_hs: f64,
        now_unix: i64,
        height: u64,
    ) -> SecuritySnapshot {
        let spec = self.security;
        let p = &spec.attack;
        let honest_ths = hashrate_hs / 1e12;
        let mut snap = SecuritySnapshot::default();
        let frontier = self.market.frontier.at(year_fraction(now_unix));
        let new_cost_per_th = frontier.map(|f| p.cost_per_th(f.usd_per_th, f.j_per_th));
        if let Some(f) = frontier {
            snap.attack_cost_new_usd = Some(new_asic_cost(p, honest_ths, f.usd_per_th, f.j_per_th));
        }
        if let (Some(new), true) = (new_cost_per_th, spec.rental_share > 0.0) {
            let rent = self.market.hashprice * (1.0 + spec.rental_premium);
            let rentable = spec.rental_share * honest_ths;
            snap.attack_cost_rental_usd = Some(rental_cost(p, honest_ths, rentable, rent, new).usd);
        }
        if self.fleet.is_some() {
            self.fleet_security(
                &mut snap,
                honest_ths,
                new_cost_per_th,
                frontier,
                (now_unix, height),
            );
        }
        snap.attack_cost_min_usd = [
            snap.attack_cost_new_usd,
            snap.attack_cost_overhang_usd,
            snap.attack_cost_rental_usd,
        ]
        .into_iter()
        .flatten()
        .reduce(f64::min);
        snap
    }

    /// The metrics that need the fleet: overhang, its attack cost, concentration, double
    /// spends.
    fn fleet_security(
        &mut self,
        snap: &mut SecuritySnapshot,
        honest_ths: f64,
        new_cost_per_th: Option<f64>,
        frontier: Option<FrontierNow>,
        (now_unix, height): (i64, u64),
    ) {
        let spec = self.security;
        let mut scratch = std::mem::take(&mut self.security_scratch);
        let fs = self.fleet.as_ref().expect("checked by the caller");
        let fleet = &fs.fleet;

        // Idle machines: the exact total, in the mix of the last refresh.
        let today = now_unix.div_euclid(86_400);
        let idle_ths = fleet.state().idle_ths;
        if scratch
            .idle_mix_day
            .is_none_or(|d| today - d >= IDLE_MIX_REFRESH_DAYS)
        {
            refresh_idle_mix(&mut scratch, fleet);
            scratch.idle_mix_day = Some(today);
        }
        scratch.lots.clear();
        let running_j = fleet.running_efficiency_j_per_th();
        if scratch.idle_mix.is_empty() && idle_ths > 0.0 && running_j.is_finite() {
            // Nothing was idle at the refresh: these machines are priced at the running
            // fleet's efficiency until the next one.
            scratch.idle_mix.push((1.0, running_j));
        }
        scratch.lots.extend(
            scratch
                .idle_mix
                .iter()
                .map(|&(share, j_per_th)| HashrateLot {
                    ths: share * idle_ths,
                    j_per_th,
                    usd_per_th: f64::NAN,
                }),
        );
        let mut unsold_ths = 0.0;
        if let Some(a) = &self.agents {
            for (j_per_th, ths) in a.unsold_machines() {
                unsold_ths += ths;
                scratch.lots.push(HashrateLot {
                    ths,
                    j_per_th,
                    usd_per_th: f64::NAN,
                });
            }
        }
        // Prices: the firms' dealer, or a buyer's payback without firms.
        match &self.agents {
            Some(a) => {
                let outlook = self.hashprice_outlook();
                let f = self.firms_frontier(frontier, height, outlook);
                let view = self.market.view(height, f, outlook);
                for l in &mut scratch.lots {
                    l.usd_per_th = a.machine_price_usd_per_th(l.j_per_th, &view);
                }
            }
            None => {
                let new = frontier.map_or((f64::NAN, f64::NAN), |f| (f.usd_per_th, f.j_per_th));
                for l in &mut scratch.lots {
                    l.usd_per_th = payback_price_usd_per_th(
                        // A buyer values machines at the long-run fees, not a spike's.
                        self.market.btc.at_outlook_fees(self.market.hashprice),
                        l.j_per_th,
                        PAYBACK_REF_USD_PER_KWH,
                        PAYBACK_REF_PUE,
                        spec.secondary_payback_years,
                        new,
                        scrap_usd_per_th(l.j_per_th),
                    );
                }
            }
        }
        let overhang_ths = idle_ths + unsold_ths;
        snap.idle_ehs = Some(idle_ths / 1e6);
        snap.unsold_ehs = Some(unsold_ths / 1e6);
        snap.overhang_ehs = Some(idle_ths / 1e6 + unsold_ths / 1e6);
        if honest_ths > 0.0 {
            snap.overhang_share = Some(overhang_ths / honest_ths);
        }
        if let Some(new) = new_cost_per_th {
            snap.attack_cost_overhang_usd =
                Some(overhang_cost(&spec.attack, honest_ths, &mut scratch.lots, new).usd);
        }

        // Concentration of running hashrate by owner.
        match &self.agents {
            Some(a) => a.firm_running_ths(fleet, &mut scratch.weights),
            None => fs.site_running_ths(&mut scratch.weights),
        }
        if let Ok(c) = scratch.concentration.summarize(&scratch.weights) {
            snap.hhi = Some(c.hhi);
            snap.nakamoto_coefficient = Some(c.nakamoto_coefficient as u32);
            snap.top1_share = Some(c.top1_share);
            snap.top5_share = Some(c.top5_share);
            snap.double_spend_top1_1conf = double_spend(&spec, c.top1_share, 1);
            snap.double_spend_top1_6conf = double_spend(&spec, c.top1_share, 6);
        }
        if honest_ths + overhang_ths > 0.0 {
            let q = overhang_ths / (honest_ths + overhang_ths);
            snap.double_spend_overhang_1conf = double_spend(&spec, q, 1);
            snap.double_spend_overhang_6conf = double_spend(&spec, q, 6);
        }
        self.security_scratch = scratch;
    }
}
