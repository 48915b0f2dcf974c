//! A firm's decision, every `decision_interval_days`:
//!
//! 1. Settle the period's cash flows; draw on the credit line if cash is negative; bankrupt if
//!    that is not enough (`settle.rs`).
//! 2. Observe the price (beliefs); tenants of energized contracts default with probability
//!    `1 - exp(-lambda dt)` (`contracts.rs`).
//! 3. For each site, in order:
//!    - a banned site (machines forced offline) sells its machines and moves to another
//!      region, where the firm rebuilds its capacity by expansions when they pay (its machines
//!      may come back through the secondary market: lots bought back run there after
//!      `relocation_lead_time_days`, new machines after the expansion lead time); one with AI
//!      on it shuts;
//!    - AI (suitable sites, open demand): re-let vacant colocation shells at the current rate;
//!      bid to convert the site's mining and free MW (all of it, or with `hybrid` the part the
//!      open demand takes) to the better of colocation and cloud when
//!      `PV_ai + salvage >= hurdle x (capex + V_mining)` and the equity share of the capex is
//!      covered by cash plus credit (`convert.rs`; module
//!      `hashshift_models::firms::valuation`);
//!    - mining: sell machines worth less kept than sold now (kept, they run while they pay
//!      and are scrapped when they stop); fill free MW with secondary-market
//!      machines or new frontier machines, refresh the least efficient vintage, and expand the
//!      site, each when its profitability index (PV of margins / capex) reaches the firm's
//!      mining hurdle and it can pay. New machines arrive after the lead time the
//!      manufacturers quote (longer when the order book is full), which lowers their value.
//!      Firms that buy only on the secondary market (`firms.secondary_only_share` of the
//!      private ones) fill and grow with secondary lots only, and never refresh. A refresh waits for the site's fill and refresh orders
//!      in transit; an expansion waits only for the site's previous build-out (a firm builds
//!      new capacity while machines for its existing MW are on order) and for the firm's
//!      free MW to be filled.
//! 4. Report the firm's row and schedule the next decision.

use hashshift_models::firms::valuation::{
    real_option_multiple, FirmFactors, FirmView, Outlook, SiteCosts,
};
use hashshift_models::hardware::scrap_usd_per_th;

use super::machines::network_ths;
use super::orders::OrderKind;
use super::outlook::outlook;
use super::secondary::SELL_FRICTION;
use super::{Agents, Cx, Event};
use crate::record::EventKind;

/// A site grows by expansions to at most this multiple of its initial capacity
/// (ASSUMPTION: grid interconnection limits; new firms and sites are not generated).
pub(super) const MAX_SITE_GROWTH: f64 = 5.0;
/// Smallest conversion or order, MW.
pub(super) const MIN_MW: f64 = 0.05;

/// What a deciding firm values a site's options with: its outlook and view, the site's mining
/// costs and the value per MW of a new frontier cycle bought now
/// ([`Outlook::refresh_cycle_value`]), valued once per decision for both the conversion and
/// the mining decisions.
#[derive(Debug, Clone, Copy)]
pub(super) struct SiteValuation<'a> {
    pub outlook: &'a Outlook<'a>,
    pub view: FirmView,
    pub costs: SiteCosts,
    pub new_cycle: f64,
}

impl Agents {
    /// Firm `f`'s decision (see the module doc).
    pub(super) fn decide(&mut self, f: usize, cx: &mut Cx) {
        if self.finance.is_bankrupt(f) {
            return;
        }
        if !self.settle(f, cx) {
            self.bankrupt(f, cx);
            self.push_row(f, cx);
            return;
        }
        let v = cx.v;
        let t = v.t_years();
        self.registry.firm_mut(f).beliefs.observe(v.price, t);
        self.tenant_defaults(f, cx);
        let ratios = self.rewards.at(&self.spec, v);
        let firm = self.registry.firm(f);
        let view = FirmView {
            discount_rate: firm.strategy.discount_rate,
            horizon_years: firm.strategy.horizon_years,
            price_drift: firm.beliefs.expected_drift(),
        };
        let hurdle = 1.0
            + firm.strategy.risk_aversion
                * (real_option_multiple(self.vol.annual(), 0.0, view.discount_rate) - 1.0);
        // The firm's step factors, shared by all its valuations from now.
        let without = outlook(&self.spec, v, &ratios, None, &[]);
        let factors = FirmFactors::with_discount(&without, &view, &firm.discount);
        let mut path = std::mem::take(&mut self.scratch.path);
        factors.fill_path(&without, view.horizon_years, &mut path);
        let outlook = outlook(&self.spec, v, &ratios, Some(factors), &path);
        for k in 0..self.registry.firm(f).sites.len() {
            let Some(&s) = self.registry.firm(f).sites.get(k) else {
                break;
            };
            let s = s as usize;
            if self.registry.site(s).shut {
                continue;
            }
            if self.sell_if_banned(f, s, cx) {
                continue;
            }
            let site = self.registry.site(s);
            let costs = SiteCosts {
                pue: site.pue,
                energy_usd_per_kwh: v.site_energy(site),
                mining_opex_usd_per_mw_year: self.spec.mining_opex_usd_per_mw_year,
                idle_usd_per_mw_year: self.spec.idle_usd_per_mw_year,
            };
            let sv = SiteValuation {
                outlook: &outlook,
                view,
                costs,
                new_cycle: outlook.refresh_cycle_value(&view, &costs, 0.0),
            };
            if self.ai.market().is_some() && site.ai_suitable {
                self.relet(f, s, cx);
                self.consider_conversion(f, s, &sv, hurdle, cx);
            }
            self.mining_investments(f, s, &sv, cx);
        }
        self.scratch.path = path;
        self.push_row(f, cx);
        let next = v.now_days() + self.spec.decision_interval_days;
        cx.schedule(next, Event::FirmDecision { firm: f as u32 });
    }

    /// Sells the machines of a banned site (forced offline) and relocates the site: it moves
    /// to another region, drawn with probability proportional to the capacity of the working
    /// sites there (capacity goes where the industry already is: after China's 2021 ban it
    /// went mostly to the US, Kazakhstan and Russia, ASSUMPTION), with no capacity until the
    /// firm rebuilds what it lost, `relocating_mw`, by expansions (machines and build-out,
    /// each when it pays: step 4 of the mining decisions). A site with AI on it, or with
    /// nowhere to go, shuts instead. Returns whether the site was banned.
    fn sell_if_banned(&mut self, f: usize, s: usize, cx: &mut Cx) -> bool {
        let units = &self.registry.site(s).units;
        if units.is_empty() || !units.iter().all(|&u| cx.fleet.is_offline(u as usize)) {
            return false;
        }
        for u in units.clone() {
            let ths = cx.fleet.units()[u as usize].ths;
            self.sell_unit(f, s, u as usize, ths, cx);
        }
        let site = self.registry.site(s);
        let to = if site.ai_mw() == 0.0 && site.units.is_empty() {
            self.registry.relocation_region(f, s)
        } else {
            None
        };
        match to {
            Some(r) if cx.fleet.move_site(s, r.index() as u16) => {
                let lost = self.registry.relocate(s, r);
                let e = cx.event(EventKind::SiteRelocated, f as u32, s as u32);
                e.mw = lost;
                e.detail = r.name();
                e.value = r.index() as f64;
            }
            // Shut as a bankrupt firm's unsold site is (abandoned conversions, vacant shells
            // idle, reported), but still the firm's: its served AI tenants pay it.
            _ => self.shut_site(f, s, cx),
        }
        true
    }

    /// Hashrate-weighted J/TH, remaining life (years) and secondary value (USD) of a site's
    /// machines.
    pub(super) fn site_fleet_profile(&self, s: usize, cx: &Cx) -> (f64, f64, f64) {
        let v = cx.v;
        let (mut ths, mut w_e, mut w_rem, mut value) = (0.0, 0.0, 0.0, 0.0);
        for &u in &self.registry.site(s).units {
            let unit = &cx.fleet.units()[u as usize];
            if unit.ths <= 0.0 {
                continue;
            }
            let rem = self.remaining_life(self.registry.installed_year(u as usize), v);
            ths += unit.ths;
            w_e += unit.ths * unit.j_per_th;
            w_rem += unit.ths * rem;
            value += unit.ths * self.secondary_usd_per_th(unit.j_per_th, v);
        }
        if ths > 0.0 {
            (w_e / ths, w_rem / ths, value)
        } else {
            (v.frontier.0, self.spec.asic_life_years, 0.0)
        }
    }

    /// The mining decisions at site `s` (step 3 of the module doc): sell, fill, refresh,
    /// expand.
    fn mining_investments(&mut self, f: usize, s: usize, sv: &SiteValuation<'_>, cx: &mut Cx) {
        let v = cx.v;
        let (outlook, view, costs) = (sv.outlook, sv.view, sv.costs);
        let hurdle = self.registry.firm(f).strategy.mining_hurdle;
        // Firms that buy only on the secondary market order nothing from the manufacturers:
        // no new machines for free MW, no refresh, no expansion with new machines.
        let buys_new = self.registry.firm(f).strategy.buys_new;
        // 1. Sell machines worth more sold than kept (over a copy of the list: sales remove
        // units from it).
        let mut units = std::mem::take(&mut self.scratch.units);
        units.clear();
        units.extend_from_slice(&self.registry.site(s).units);
        // The keep value per MW of each unit kept, reused by the refresh test of step 3.
        let mut kept = std::mem::take(&mut self.scratch.kept);
        kept.clear();
        for &u in &units {
            let unit = cx.fleet.units()[u as usize];
            if unit.ths <= 0.0 {
                continue;
            }
            let rem = self.remaining_life(self.registry.installed_year(u as usize), v);
            let mw = unit.ths * unit.j_per_th * unit.pue / 1e6;
            let keep_per_mw = outlook.keep_value(&view, &costs, unit.j_per_th, rem);
            let sell = self.secondary_usd_per_th(unit.j_per_th, v) * unit.ths;
            // Selling costs (removal, shipping, the dealer's spread): sell only when keeping
            // is worth less than SELL_FRICTION of the price. Machines can be scrapped later
            // as well: selling now must beat running them while they pay and scrapping them
            // when they stop (so machines that pay until a halving run until it). The later
            // scrap value is never negative, so it is valued only when the first test passes.
            let (keep, sell_now) = (keep_per_mw * mw, SELL_FRICTION * sell);
            let scrap_later = || {
                SELL_FRICTION
                    * scrap_usd_per_th(unit.j_per_th)
                    * unit.ths
                    * outlook.stop_discount(&view, &costs, unit.j_per_th, rem)
            };
            if keep < sell_now && keep + scrap_later() < sell_now {
                self.sell_unit(f, s, u as usize, unit.ths, cx);
            } else {
                kept.push((u, rem, keep_per_mw));
            }
        }
        self.scratch.units = units;
        let (ef, cf, _) = v.frontier;
        let pue = self.registry.site(s).pue;
        let ths_per_mw = 1e6 / (ef * pue);
        let capex_per_mw = cf * ths_per_mw;
        // PV of a new frontier cycle's margins per MW, arriving after the lead time the
        // manufacturers quote now (a full order book delays them).
        let lead = self.quoted_lead_days(network_ths(cx));
        let new_margins =
            (sv.new_cycle + capex_per_mw) * self.late_delivery_factor(lead, view.discount_rate);
        let new_pi = new_margins / capex_per_mw;
        // PV of a new cycle's margins per MW over its machines plus the build-out: the
        // profitability index of new capacity (expansions and rebuilding).
        let built_pi = new_margins / (capex_per_mw + self.spec.expansion_capex_usd_per_mw);
        // 2. Fill free MW: the best secondary lot first (installed at once), then new machines.
        let free = self.registry.site(s).free_mw();
        if free >= MIN_MW {
            self.buy_secondary((f, s), free, (outlook, &view), &costs, hurdle, cx);
            let free = self.registry.site(s).free_mw();
            if buys_new && free >= MIN_MW && new_pi >= hurdle {
                self.order(f, s, OrderKind::Fill, free, cx);
            }
        }
        // 3. Refresh the least efficient vintage when new machines on its MW pay.
        let units = cx.fleet.units();
        let worst = self
            .registry
            .site(s)
            .units
            .iter()
            .copied()
            .filter(|&u| units[u as usize].ths > 0.0)
            .max_by(|&a, &b| {
                units[a as usize]
                    .j_per_th
                    .total_cmp(&units[b as usize].j_per_th)
            });
        if let Some(u) = worst.filter(|_| buys_new) {
            let unit = cx.fleet.units()[u as usize];
            if self.registry.site(s).pending_machine_orders == 0 && unit.j_per_th > 1.25 * ef {
                let rem = self.remaining_life(self.registry.installed_year(u as usize), v);
                // Valued in step 1 unless a secondary lot of step 2 joined or made the unit.
                let keep = match kept.iter().find(|k| k.0 == u && k.1 == rem) {
                    Some(&(_, _, keep)) => keep,
                    None => outlook.keep_value(&view, &costs, unit.j_per_th, rem),
                };
                let salvage =
                    self.secondary_usd_per_th(unit.j_per_th, v) * 1e6 / (unit.j_per_th * pue);
                let pi = (new_margins - keep + salvage) / capex_per_mw;
                if pi >= hurdle {
                    let mw = unit.ths * unit.j_per_th * unit.pue / 1e6;
                    self.order(f, s, OrderKind::Refresh { unit: u }, mw, cx);
                }
            }
        }
        self.scratch.kept = kept;
        // 4. Expand the site when new capacity pays, build-out included.
        let site = self.registry.site(s);
        let no_ai = site.ai_mw() == 0.0;
        let room = MAX_SITE_GROWTH * site.initial_capacity_mw - site.capacity_mw;
        if site.relocating_mw >= MIN_MW && no_ai {
            let built_pi = if buys_new { built_pi } else { 0.0 };
            self.rebuild((f, s), sv, hurdle, built_pi, cx);
            return;
        }
        // The firm's free MW elsewhere (summed last: it visits all the firm's sites).
        let firm_free = || -> f64 {
            self.registry
                .firm(f)
                .sites
                .iter()
                .map(|&x| self.registry.site(x as usize))
                .filter(|x| !x.shut)
                .map(|x| x.free_mw())
                .sum()
        };
        if no_ai
            && site.pending_expansions == 0
            && room >= MIN_MW
            && self.spec.expansion_step > 0.0
            && firm_free() < MIN_MW
        {
            let mw = (site.capacity_mw * self.spec.expansion_step)
                .max(1.0)
                .min(room);
            // Relocation first: machines on the secondary market (sold by banned, converting or
            // bankrupt sites) installed on new capacity here, if they pay for the build-out.
            let lead = self.spec.expansion_lead_time_days;
            if self.relocate((f, s), mw, lead, (outlook, &view), &costs, hurdle, cx) {
                return;
            }
            if buys_new && built_pi >= hurdle {
                self.order(f, s, OrderKind::Expand, mw, cx);
            }
        }
    }

    /// Rebuilds what a ban took from relocated site `s` (`relocating_mw`), whatever the
    /// firm's free MW elsewhere and its orders in transit: secondary-market lots first (the
    /// banned machines may come back), best first, then new frontier machines for the rest,
    /// each with its build-out when it pays (`built_pi`: the profitability index of new
    /// capacity, build-out included) and the firm can pay.
    fn rebuild(
        &mut self,
        (f, s): (usize, usize),
        sv: &SiteValuation<'_>,
        hurdle: f64,
        built_pi: f64,
        cx: &mut Cx,
    ) {
        // Each lot bought lowers relocating_mw; a bounded number of lots per decision. They run
        // after the relocation lead time (shipped to hosting capacity), not a greenfield
        // build's.
        let lead = self.spec.relocation_lead_time_days;
        let valuation = (sv.outlook, &sv.view);
        for _ in 0..16 {
            let mw = self.registry.site(s).relocating_mw;
            if mw < MIN_MW || !self.relocate((f, s), mw, lead, valuation, &sv.costs, hurdle, cx) {
                break;
            }
        }
        let mw = self.registry.site(s).relocating_mw;
        if mw >= MIN_MW && built_pi >= hurdle {
            self.order(f, s, OrderKind::Expand, mw, cx);
        }
    }
}
