//! The run-time economy: BTC price, fees, regional energy prices, the fleet of machines, the
//! agents and scheduled shocks, advanced once per simulated day (and the fleet again at each
//! retarget).
//!
//! # Parts
//!
//! | part | file | owns |
//! |---|---|---|
//! | [`Market`] | `market.rs` | the parts below, the hashprice in force, the clock; builds the agents' market view |
//! | `BtcMarket` | `btc.rs` | BTC price, fees, fee spikes, price feedback |
//! | `Energy` | `energy.rs` | energy prices, carbon taxes and intensities by region |
//! | `FrontierState` | `frontier.rs` | the ASIC frontier and its last synthetic generation |
//! | [`FleetState`] | `fleet.rs` | the machines, bans, the idle supply, the firms' hashprice outlook |
//! | [`Shocks`] | `shocks.rs` | scheduled shocks and what is in force |
//! | `Agents` | `../agents.rs` | firms, sites, contracts, the secondary market |
//!
//! `build.rs` builds the economy (and the population), `dispatch.rs` hands agent events and
//! the agents' daily work to the agents with the market view, the fleet and the outbox, and
//! `security.rs` computes the security metrics. Events (shocks, fee spikes, price drops) go to
//! the outbox the simulation lends.
//!
//! # The day
//!
//! Daily order at midnight UTC: (1) the day that ended is reported; (2) the price steps one day
//! on its stream; (3) shocks due by now take effect (price jumps multiply the new price,
//! energy-price factors, carbon taxes); (4) the day's fee mean (fee replay) and each region's
//! energy price are set, the latter stepping one day on its own stream; (5) bans progress;
//! (6) the agents observe the price and do their daily work; (7) the fleet re-decides which
//! machines run (CBECI threshold) at the hashprice implied by the difficulty in force, the next
//! block's subsidy, the mean fee and the new price. The engine then applies the new running
//! hashrate (booking work and rescheduling the pending block). Shocks therefore act with a
//! resolution of one day; shocks due at the start act from the first day. The hashprice is also
//! recomputed at every retarget (and the fleet re-decides), but not at a halving block: the
//! next midnight picks the new subsidy up.
//!
//! # Within the day
//!
//! Under a per-block difficulty rule (ASERT, LWMA) with `difficulty.reaction = "intraday"` (the
//! default), the fleet also re-decides after any block whose successor's difficulty lies
//! outside `[D (1 - h), D (1 + h)]`, `D` the difficulty of the last operation pass and `h` the
//! fleet's hysteresis (`network.hysteresis`): the hashprice is recomputed at the new difficulty
//! and the pass runs ([`Economy::on_difficulty`]); the engine compares the difficulty with the
//! band ([`Economy::difficulty_moved`]) once per block, and only under a per-block rule. Under
//! Bitcoin's rule the difficulty moves only at epoch ends, where the fleet re-decides anyway,
//! so nothing changes there. The pass is deterministic and draws nothing.
//!
//! What a miner knows when it switches, within the day as at midnight: the difficulty of the
//! next block (exact: it is in the chain), the subsidy of the next block, the day's BTC price
//! and mean fee, and the day's energy price at its site. ASSUMPTION: the BTC price, fees and
//! energy prices move once a day in the model, so only the difficulty moves within it; a
//! miner switches at once (no ramp, no cost), curtailment taking minutes in practice.
//! ASSUMPTION: moves smaller than the band wait for the next midnight or the next move past it,
//! although they may flip machines already near their threshold: the band is the one the
//! machines' own rule uses, so a pass is due once the hashprice has moved by about the band's
//! width (hashprice is proportional to `1 / D` at a fixed price and fees). With
//! `difficulty.reaction = "daily"` the fleet re-decides only at midnights and epoch ends.
//!
//! Calibration (fleet runs): the population is generated on its own stream, operated once at
//! the start conditions without shocks, and scaled so that its running hashrate equals
//! `network.target_ehs` exactly (see `hashshift_models::mining::population`); shocks due at the
//! start then apply.

mod btc;
mod build;
mod dispatch;
mod energy;
mod fleet;
mod frontier;
mod market;
mod security;
mod shocks;

use hashshift_models::consensus::COIN;
use hashshift_models::mining::economics::{revenue_usd_per_mw_year, DAYS_PER_YEAR};

use self::fleet::FleetState;
use self::market::Market;
use self::shocks::{shock_label, Shocks};
use super::agents::Agents;
use super::clock::{day_of_year, year_fraction};
use super::outbox::Outbox;
use crate::record::{DayRecord, EventKind, RegionDayRecord};
use crate::scenario::{Reaction, SecuritySpec, Shock};

/// 2^32, the expected hashes per block at difficulty 1.
const TWO_POW_32: f64 = 4_294_967_296.0;

/// The hashrate that finds blocks every 600 s at `difficulty`, H/s: `D x 2^32 / 600`.
fn implied_hashrate_hs(difficulty: f64) -> f64 {
    difficulty * TWO_POW_32 / 600.0
}

/// Per-day accumulators, filled by the engine on each block.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct DayTally {
    pub blocks: u64,
    pub fees_sat: u64,
    pub subsidy_sat: u64,
    pub revenue_usd: f64,
}

/// The economy of a run.
#[derive(Debug, Clone)]
pub(crate) struct Economy {
    market: Market,
    shocks: Shocks,
    /// The network's machines (fleet runs).
    fleet: Option<FleetState>,
    /// Firms and the AI market (fleet runs with agents).
    agents: Option<Agents>,
    pub(crate) tally: DayTally,
    /// Parameters of the security metrics.
    security: SecuritySpec,
    /// Reused buffers of the security metrics.
    security_scratch: security::Scratch,
    /// Whether the fleet re-decides within the day when the difficulty moves.
    intraday: bool,
    /// The difficulties within which no intra-day pass is due, `(low, high)` (inclusive):
    /// the last pass's difficulty times `1 -/+ hysteresis`; everything without a fleet or
    /// with daily reactions.
    reaction_band: (f64, f64),
}

impl Economy {
    /// Current BTC price, USD.
    #[inline]
    pub fn price(&self) -> f64 {
        self.market.btc.price()
    }

    /// Fees of the next block, satoshi (draws from the fee stream unless constant).
    #[inline]
    pub fn sample_fees(&mut self) -> u64 {
        self.market.btc.sample_fees()
    }

    /// Running hashrate of the fleet, H/s (None without a fleet).
    pub fn fleet_hashrate_hs(&self) -> Option<f64> {
        self.fleet.as_ref().map(FleetState::hashrate_hs)
    }

    /// The fleet's operation pass under the market now; the reaction band follows.
    fn operate(&mut self) {
        let with_firms = self.agents.is_some();
        if let Some(fs) = self.fleet.as_mut() {
            let m = &self.market;
            fs.operate(m.conditions(fs.hysteresis()), m.difficulty, with_firms);
        }
        self.set_reaction_band();
    }

    /// Sets when the fleet reacts to a difficulty move within the day (see the module docs).
    pub fn set_reaction(&mut self, reaction: Reaction) {
        self.intraday = reaction == Reaction::Intraday;
        self.set_reaction_band();
    }

    /// The band around the last pass's difficulty within which no intra-day pass is due.
    fn set_reaction_band(&mut self) {
        self.reaction_band = match &self.fleet {
            Some(fs) if self.intraday => {
                let (d, h) = (self.market.difficulty, fs.hysteresis());
                (d * (1.0 - h), d * (1.0 + h))
            }
            _ => (f64::NEG_INFINITY, f64::INFINITY),
        };
    }

    /// Whether `difficulty` has moved past the reaction band since the last pass: the fleet
    /// then re-decides ([`Economy::on_difficulty`]). Called once per block under a per-block
    /// rule; always false without a fleet or with daily reactions.
    #[inline]
    pub fn difficulty_moved(&self, difficulty: f64) -> bool {
        let (low, high) = self.reaction_band;
        difficulty < low || difficulty > high
    }

    /// Re-decides which machines run at a new difficulty (retargets, and under a per-block
    /// rule a move past the reaction band) at `now_unix`, with `subsidy_sat` the next block's
    /// subsidy. Returns the new running hashrate, H/s, for fleet runs.
    pub fn on_difficulty(
        &mut self,
        now_unix: i64,
        difficulty: f64,
        subsidy_sat: u64,
    ) -> Option<f64> {
        self.market.set_time(now_unix);
        self.market.set_hashprice(difficulty, subsidy_sat);
        self.fleet.as_ref()?;
        self.operate();
        self.fleet_hashrate_hs()
    }

    /// Midnight `now_unix`: shocks, one day of price and energy, the agents' day, fleet
    /// decisions. Returns the new running hashrate, H/s, for fleet runs.
    pub fn new_day(
        &mut self,
        now_unix: i64,
        difficulty: f64,
        subsidy_sat: u64,
        out: &mut Outbox,
    ) -> Option<f64> {
        self.market.set_time(now_unix);
        self.market.btc.step_price();
        self.apply_shocks(now_unix, out);
        self.market.btc.apply_price_feedback(now_unix, out);
        self.market.btc.set_replay_fees(now_unix);
        self.market.btc.step_fee_spikes(now_unix, out);
        self.market.energy.step_day(day_of_year(now_unix));
        self.market.set_hashprice(difficulty, subsidy_sat);
        self.progress_bans(now_unix);
        self.agents_new_day(out);
        self.operate();
        self.fleet_hashrate_hs()
    }

    /// Observes the day that just ended (`length_s` seconds, `blocks` found, `hashrate_hs`
    /// running at its end) for the price feedback.
    pub fn observe_day(&mut self, length_s: f64, blocks: u64, hashrate_hs: f64) {
        self.market.btc.observe_day(length_s, blocks, hashrate_hs);
    }

    /// Shocks starting by `now_unix` take effect (with their events), then the factors in
    /// force are set: energy prices by region, AI demand and rates.
    fn apply_shocks(&mut self, now_unix: i64, out: &mut Outbox) {
        while let Some(s) = self.shocks.next_due(now_unix) {
            let (name, value) = shock_label(&s);
            out.network_event(s.at(), EventKind::Shock, name, value);
            match s {
                Shock::BtcPrice { factor, .. } => self.market.btc.scale_price(factor),
                Shock::CarbonTax {
                    region, usd_per_t, ..
                } => self.market.energy.set_carbon_tax(region, usd_per_t),
                Shock::EnergyPrice { .. }
                | Shock::Ban { .. }
                | Shock::AiDemand { .. }
                | Shock::AiRate { .. } => {}
            }
        }
        let shocks = &self.shocks;
        self.market
            .energy
            .set_shock_factors(|i| shocks.energy_factor(i, now_unix));
        if let Some(a) = &mut self.agents {
            let (demand, rate) = self.shocks.ai_factors(now_unix);
            a.set_ai_factors(demand, rate);
        }
    }

    /// Banned sites go offline up to each ban's target at `now_unix`.
    fn progress_bans(&mut self, now_unix: i64) {
        if let Some(fs) = self.fleet.as_mut() {
            fs.progress_bans(now_unix, self.agents.as_ref());
        }
    }

    /// The record of the day that started at `day_unix` and ends at `now_unix`, with
    /// `hashrate_hs` and `difficulty` in force and `height` the next block; resets the tally.
    /// Region rows are pushed to `regions_out`. The engine fills in the block intervals and
    /// the difficulty rule.
    pub fn end_day(
        &mut self,
        (day_unix, now_unix): (i64, i64),
        hashrate_hs: f64,
        difficulty: f64,
        height: u64,
        regions_out: &mut Vec<RegionDayRecord>,
    ) -> DayRecord {
        let t = std::mem::take(&mut self.tally);
        let security = self.security_snapshot(hashrate_hs, now_unix, height);
        let mut rec = DayRecord {
            date_unix: day_unix,
            price_usd: self.price(),
            blocks: t.blocks,
            fees_btc: t.fees_sat as f64 / COIN as f64,
            fee_multiplier: self.market.btc.fee_multiplier(),
            subsidy_btc: t.subsidy_sat as f64 / COIN as f64,
            miner_revenue_usd: t.revenue_usd,
            difficulty,
            hashprice_usd_per_ph_day: self.market.hashprice * 1000.0,
            hashrate_ehs: hashrate_hs / 1e18,
            implied_hashrate_ehs: implied_hashrate_hs(difficulty) / 1e18,
            intervals: None,
            fee_share: (t.blocks > 0)
                .then(|| t.fees_sat as f64 / (t.fees_sat + t.subsidy_sat).max(1) as f64),
            difficulty_rule: "",
            security,
            idle_ehs: None,
            offline_ehs: None,
            power_gw: None,
            fleet_efficiency_j_per_th: None,
            energy_twh_per_year: None,
            emissions_t_per_day: None,
            marginal_breakeven_usd_per_kwh: None,
            marginal_energy_usd_per_kwh: None,
            revenue_usd_per_mw_year: None,
            frontier_j_per_th: None,
            frontier_usd_per_th: None,
            new_machine_usd_per_th: None,
            agents: None,
        };
        if let Some(f) = self.market.frontier.at(year_fraction(now_unix)) {
            rec.frontier_j_per_th = Some(f.j_per_th);
            rec.frontier_usd_per_th = Some(f.launch_usd_per_th);
            if self.agents.is_some() {
                let outlook = self.hashprice_outlook();
                rec.new_machine_usd_per_th = Some(self.firms_frontier(Some(f), height, outlook).1);
            }
        }
        regions_out.clear();
        if let Some(fs) = &self.fleet {
            let s = fs.totals();
            let energy = &self.market.energy;
            rec.idle_ehs = Some(s.idle_ths / 1e6);
            rec.offline_ehs = Some(s.offline_ths / 1e6);
            rec.power_gw = Some(s.power_w / 1e9);
            if s.running_ths > 0.0 {
                rec.fleet_efficiency_j_per_th = Some(fs.fleet.running_efficiency_j_per_th());
            }
            rec.energy_twh_per_year = Some(s.power_w / 1e12 * 24.0 * DAYS_PER_YEAR);
            rec.emissions_t_per_day = Some(
                (0..energy.regions().len())
                    .map(|r| energy.emissions_t_per_day(r, s.region_power_w[r]))
                    .sum(),
            );
            rec.marginal_breakeven_usd_per_kwh = s.marginal.map(|m| m.breakeven_usd_per_kwh);
            rec.marginal_energy_usd_per_kwh = s.marginal.map(|m| m.site_usd_per_kwh);
            if s.power_w > 0.0 {
                // Fleet-average J/TH x PUE = W per TH/s.
                let w_per_ths = s.power_w / s.running_ths;
                rec.revenue_usd_per_mw_year = Some(revenue_usd_per_mw_year(
                    self.market.hashprice,
                    w_per_ths,
                    1.0,
                ));
            }
            rec.agents = self.agent_day(s.power_w, s.running_ths, s.running_ths + s.idle_ths);
            for (r, region) in energy.regions().iter().enumerate() {
                let power_gw = s.region_power_w[r] / 1e9;
                regions_out.push(RegionDayRecord {
                    date_unix: day_unix,
                    region: region.name(),
                    energy_usd_per_kwh: energy.price[r],
                    carbon_tax_usd_per_t: energy.carbon_tax[r],
                    hashrate_ehs: s.region_running_ths[r] / 1e6,
                    power_gw,
                    emissions_t_per_day: energy.emissions_t_per_day(r, s.region_power_w[r]),
                    energy_twh_per_year: power_gw * 24.0 * DAYS_PER_YEAR / 1000.0,
                });
            }
        }
        rec
    }
}
