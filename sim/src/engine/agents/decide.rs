//! Agent events: a firm's monthly decision, ASIC deliveries, energized conversions and
//! contract ends; settlement, bankruptcy and the secondary ASIC market.
//!
//! # A firm's decision (every `decision_interval_days`)
//!
//! 1. Settle the period's cash flows; draw on the credit line if cash is negative; bankrupt if
//!    that is not enough.
//! 2. Observe the price (beliefs); tenants of energized contracts default with probability
//!    `1 - exp(-lambda dt)`.
//! 3. For each site, in order:
//!    - a banned site (machines forced offline) sells its machines and moves to another
//!      region, where the firm rebuilds its capacity by expansions when they pay (its machines
//!      may come back through the secondary market: lots bought back run there after
//!      `relocation_lead_time_days`, new machines after the expansion lead time); one with AI
//!      on it shuts;
//!    - AI (suitable sites, open demand): re-let vacant colocation shells at the current rate;
//!      convert the site's mining and free MW (all of it, or with `hybrid` the part the open
//!      demand takes) to the better of colocation and cloud when
//!      `PV_ai + salvage >= hurdle x (capex + V_mining)` and the equity share of the capex is
//!      covered by cash plus credit (module `hashshift_models::firms::valuation`);
//!    - mining: sell machines worth less kept than sold now (kept, they run while they pay
//!      and are scrapped when they stop); fill free MW with secondary-market
//!      machines or new frontier machines, refresh the least efficient vintage, and expand the
//!      site, each when its profitability index (PV of margins / capex) reaches the firm's
//!      mining hurdle and it can pay. A refresh waits for the site's fill and refresh orders
//!      in transit; an expansion waits only for the site's previous build-out (a firm builds
//!      new capacity while machines for its existing MW are on order) and for the firm's
//!      free MW to be filled.
//! 4. Report the firm's row and schedule the next decision.
//!
//! # Secondary market
//!
//! Machines sold (by converting, refreshing or bankrupt firms) are bought at once by a dealer
//! at `min(new-equivalent, payback) ` per TH/s: the price of the same hashrate new, scaled by
//! relative efficiency `c_f e_f / e`, capped at `secondary_payback_years` of the machine's
//! margin at a reference $0.05/kWh and PUE 1.1, floored at the scrap value: about $15 per kW
//! of the machines' power ([`hashshift_models::hardware::scrap_usd_per_th`]), so the floor
//! falls as boxes get more hashrate and never ends up above the price of new machines
//! (ASSUMPTIONS). Firms filling free MW buy from it at that price before ordering new
//! machines; lots unsold after `secondary_shelf_days` are scrapped.

use std::sync::Arc;

use hashshift_models::firms::valuation::{
    real_option_multiple, steps, FirmFactors, FirmView, Outlook, RewardPath, SiteCosts,
};
use hashshift_models::hardware::{scrap_usd_per_th, Region};
use hashshift_models::mining::fleet::Fleet;
use rand::Rng;

use super::{Agents, Event, EventKind, EventRecord, MarketView, OrderKind, DAY_S};

/// Reference energy price of the secondary market's buyer, USD/kWh (ASSUMPTION).
pub(super) const SECONDARY_REF_USD_PER_KWH: f64 = 0.05;
/// Reference PUE of the secondary market's buyer (ASSUMPTION).
pub(super) const SECONDARY_REF_PUE: f64 = 1.1;
/// Share of the secondary price a seller nets (ASSUMPTION: removal, shipping, dealer spread).
pub(super) const SELL_FRICTION: f64 = 0.8;
/// Remaining life a machine is valued over at least, years: machines past their nominal life
/// keep running while they pay (S9s ran for seven years and more), so a fixed end of life
/// would make firms dump working machines (ASSUMPTION).
pub(super) const MIN_REMAINING_LIFE_YEARS: f64 = 2.0;
/// A site grows by expansions to at most this multiple of its initial capacity
/// (ASSUMPTION: grid interconnection limits; new firms and sites are not generated).
pub(super) const MAX_SITE_GROWTH: f64 = 5.0;
/// Smallest conversion or order, MW.
pub(super) const MIN_MW: f64 = 0.05;

/// A site's mining costs and the value per MW of a new frontier cycle bought now
/// ([`Outlook::refresh_cycle_value`]), valued once per decision for both the conversion and
/// the mining decisions.
#[derive(Debug, Clone, Copy)]
pub(super) struct SiteValues {
    pub costs: SiteCosts,
    pub new_cycle: f64,
}

impl Agents {
    /// Handles an agent event at `v.now_days`.
    pub fn handle(&mut self, ev: Event, fleet: &mut Fleet, v: &MarketView<'_>) {
        match ev {
            Event::FirmDecision { firm } => self.decide(firm as usize, fleet, v),
            Event::AsicDelivery { order } => self.deliver(order as usize, fleet, v),
            Event::ConversionComplete { contract } => self.energize(contract as usize, v),
            Event::ContractEnd { contract } => self.end_contract(contract as usize, v, false),
            _ => {}
        }
    }

    /// Daily housekeeping: clear last month's conversion bids on the first day of a month,
    /// scrap unsold secondary-market lots.
    pub fn on_day(&mut self, fleet: &mut Fleet, v: &MarketView<'_>) {
        let (y, m, _) = crate::calendar::civil_from_days(v.now_unix().div_euclid(86_400));
        let month = y * 12 + i64::from(m);
        if month != self.cleared_month {
            if self.cleared_month != i64::MIN {
                self.clear_bids(fleet, v);
            }
            self.cleared_month = month;
        }
        let shelf = self.spec.secondary_shelf_days;
        let mut scrapped = 0.0;
        self.pool.retain(|l| {
            let keep = v.now_days - l.listed_days < shelf;
            if !keep {
                scrapped += l.ths;
            }
            keep
        });
        if scrapped > 0.0 {
            self.events.push(EventRecord {
                time_unix: v.now_unix(),
                kind: EventKind::AsicScrapped,
                firm: None,
                site: None,
                mw: 0.0,
                ths: scrapped,
                usd: 0.0,
                detail: "",
                value: 0.0,
            });
        }
    }

    pub(super) fn event(
        &mut self,
        v: &MarketView<'_>,
        kind: EventKind,
        firm: u32,
        site: u32,
    ) -> &mut EventRecord {
        self.events.push(EventRecord {
            time_unix: v.now_unix(),
            kind,
            firm: Some(firm),
            site: Some(site),
            mw: 0.0,
            ths: 0.0,
            usd: 0.0,
            detail: "",
            value: 0.0,
        });
        self.events.last_mut().expect("just pushed")
    }

    pub(super) fn schedule(&mut self, at_days: f64, ev: Event) {
        self.scheduled.push((at_days * DAY_S, ev));
    }

    /// The block-reward path of the valuation grid at `v` (cached per day).
    pub(super) fn reward_path(&mut self, v: &MarketView<'_>) -> Arc<RewardPath> {
        // Keyed by day: the height moves by about 144 blocks a day, which changes no reward
        // ratio except within a day of a halving.
        let day = v.now_days.floor() as i64;
        if self.reward_cache.0 != day {
            let n = steps(self.spec.firms.horizon_years.1.max(50.0));
            let path = RewardPath::new(v.height, v.fee_mean_btc, n);
            self.reward_cache = (day, v.height, Arc::new(path));
        }
        Arc::clone(&self.reward_cache.2)
    }

    /// The market outlook at `v` over the reward path `rewards`, with a deciding firm's step
    /// factors and path ([`FirmFactors::fill_path`]) if any.
    pub(super) fn outlook<'a>(
        &self,
        v: &MarketView<'_>,
        rewards: &'a RewardPath,
        firm: Option<FirmFactors>,
        firm_path: &'a [(f64, f64)],
    ) -> Outlook<'a> {
        Outlook {
            hashprice: v.hashprice_outlook,
            reward_ratio: &rewards.ratios,
            split_steps: &rewards.splits,
            difficulty_growth: self.spec.difficulty_growth_per_year,
            frontier_j_per_th: v.frontier.0,
            frontier_usd_per_th: v.frontier.1,
            frontier_improvement: v.frontier_improvement,
            frontier_price_trend: v.frontier_price_trend,
            asic_life_years: self.spec.asic_life_years,
            firm,
            firm_path,
        }
    }

    pub(super) fn decide(&mut self, f: usize, fleet: &mut Fleet, v: &MarketView<'_>) {
        if self.firms[f].bankrupt {
            return;
        }
        if !self.settle(f, fleet, v) {
            self.bankrupt(f, fleet, v);
            self.push_row(f, fleet, v);
            return;
        }
        let t = v.t_years();
        self.firms[f].beliefs.observe(v.price, t);
        self.tenant_defaults(f, v);
        let ratios = self.reward_path(v);
        let firm = &self.firms[f];
        let view = FirmView {
            discount_rate: firm.strategy.discount_rate,
            horizon_years: firm.strategy.horizon_years,
            price_drift: firm.beliefs.expected_drift(),
        };
        let hurdle = 1.0
            + firm.strategy.risk_aversion
                * (real_option_multiple(self.vol.annual(), 0.0, view.discount_rate) - 1.0);
        // The firm's step factors, shared by all its valuations from now.
        let without = self.outlook(v, &ratios, None, &[]);
        let factors = FirmFactors::with_discount(&without, &view, &self.firms[f].discount);
        let mut path = std::mem::take(&mut self.scratch_path);
        factors.fill_path(&without, view.horizon_years, &mut path);
        let outlook = self.outlook(v, &ratios, Some(factors), &path);
        for k in 0..self.firms[f].sites.len() {
            let Some(&s) = self.firms[f].sites.get(k) else {
                break;
            };
            let s = s as usize;
            if self.sites[s].shut {
                continue;
            }
            if self.sell_if_banned(f, s, fleet, v) {
                continue;
            }
            let site = &self.sites[s];
            let costs = SiteCosts {
                pue: site.pue,
                energy_usd_per_kwh: v.site_energy(site),
                mining_opex_usd_per_mw_year: self.spec.mining_opex_usd_per_mw_year,
            };
            let sv = SiteValues {
                costs,
                new_cycle: outlook.refresh_cycle_value(&view, &costs, 0.0),
            };
            if self.market.is_some() && self.sites[s].ai_suitable {
                self.relet(f, s, v);
                self.consider_conversion(f, s, &outlook, view, &sv, hurdle, fleet, v);
            }
            self.mining_investments(f, s, &outlook, view, &sv, fleet, v);
        }
        self.scratch_path = path;
        self.push_row(f, fleet, v);
        let next = v.now_days + self.spec.decision_interval_days;
        self.schedule(next, Event::FirmDecision { firm: f as u32 });
    }

    /// Sells the machines of a banned site (forced offline) and relocates the site: it moves
    /// to another region, drawn with probability proportional to the capacity of the working
    /// sites there (capacity goes where the industry already is: after China's 2021 ban it
    /// went mostly to the US, Kazakhstan and Russia, ASSUMPTION), with no capacity until the
    /// firm rebuilds what it lost, `relocating_mw`, by expansions (machines and build-out,
    /// each when it pays: step 4 of the mining decisions). A site with AI on it, or with
    /// nowhere to go, shuts instead.
    pub(super) fn sell_if_banned(
        &mut self,
        f: usize,
        s: usize,
        fleet: &mut Fleet,
        v: &MarketView<'_>,
    ) -> bool {
        let units = &self.sites[s].units;
        if units.is_empty() || !units.iter().all(|&u| fleet.is_offline(u as usize)) {
            return false;
        }
        for u in units.clone() {
            let ths = fleet.units()[u as usize].ths;
            self.sell_unit(f, s, u as usize, ths, fleet, v);
        }
        let site = &self.sites[s];
        let ai_mw = site.converting_mw + site.ai_colo_mw + site.ai_cloud_mw;
        let to = if ai_mw == 0.0 && site.units.is_empty() {
            self.relocation_region(f, s)
        } else {
            None
        };
        match to {
            Some(r) if fleet.move_site(s, r.index() as u16) => {
                let site = &mut self.sites[s];
                let lost = site.capacity_mw;
                site.region = r;
                site.capacity_mw = 0.0;
                site.relocating_mw += lost;
                self.totals.capacity -= lost;
                let e = self.event(v, EventKind::SiteRelocated, f as u32, s as u32);
                e.mw = lost;
                e.detail = r.name();
                e.value = r.index() as f64;
            }
            _ => self.sites[s].shut = true,
        }
        true
    }

    /// The region banned site `s` moves to: another region, drawn with firm `f`'s stream with
    /// probability proportional to the capacity of the working sites there; None if there is
    /// none.
    fn relocation_region(&mut self, f: usize, s: usize) -> Option<Region> {
        let from = self.sites[s].region;
        let mut weights = [0.0f64; Region::ALL.len()];
        for site in &self.sites {
            if !site.shut && site.region != from {
                weights[site.region.index()] += site.capacity_mw;
            }
        }
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            return None;
        }
        let mut u = self.firms[f].rng.random::<f64>() * total;
        for (r, w) in Region::ALL.iter().zip(weights) {
            if w > 0.0 && u < w {
                return Some(*r);
            }
            u -= w;
        }
        Region::ALL
            .iter()
            .zip(weights)
            .rev()
            .find(|(_, w)| *w > 0.0)
            .map(|(r, _)| *r)
    }

    /// Remaining life, years, of machines installed in `installed_year`: valued over at
    /// least [`MIN_REMAINING_LIFE_YEARS`].
    pub(super) fn remaining_life(&self, installed_year: f64, v: &MarketView<'_>) -> f64 {
        (installed_year + self.spec.asic_life_years - v.year).max(MIN_REMAINING_LIFE_YEARS)
    }

    /// Hashrate-weighted J/TH, remaining life (years) and secondary value (USD) of a site's
    /// machines.
    pub(super) fn site_fleet_profile(
        &self,
        s: usize,
        fleet: &Fleet,
        v: &MarketView<'_>,
    ) -> (f64, f64, f64) {
        let (mut ths, mut w_e, mut w_rem, mut value) = (0.0, 0.0, 0.0, 0.0);
        for &u in &self.sites[s].units {
            let unit = &fleet.units()[u as usize];
            if unit.ths <= 0.0 {
                continue;
            }
            let rem = self.remaining_life(self.unit_installed[u as usize], v);
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

    #[allow(clippy::too_many_arguments)]
    pub(super) fn mining_investments(
        &mut self,
        f: usize,
        s: usize,
        outlook: &Outlook<'_>,
        view: FirmView,
        sv: &SiteValues,
        fleet: &mut Fleet,
        v: &MarketView<'_>,
    ) {
        let site = &self.sites[s];
        let costs = sv.costs;
        let hurdle = self.firms[f].strategy.mining_hurdle;
        // 1. Sell machines worth more sold than kept (over a copy of the list: sales remove
        // units from it).
        let mut units = std::mem::take(&mut self.scratch_units);
        units.clear();
        units.extend_from_slice(&site.units);
        // The keep value per MW of each unit kept, reused by the refresh test of step 3.
        let mut kept = std::mem::take(&mut self.scratch_kept);
        kept.clear();
        for &u in &units {
            let unit = fleet.units()[u as usize];
            if unit.ths <= 0.0 {
                continue;
            }
            let rem = self.remaining_life(self.unit_installed[u as usize], v);
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
                self.sell_unit(f, s, u as usize, unit.ths, fleet, v);
            } else {
                kept.push((u, rem, keep_per_mw));
            }
        }
        self.scratch_units = units;
        let (ef, cf, _) = v.frontier;
        let pue = self.sites[s].pue;
        let ths_per_mw = 1e6 / (ef * pue);
        let capex_per_mw = cf * ths_per_mw;
        // PV of a new frontier cycle's margins per MW.
        let new_margins = sv.new_cycle + capex_per_mw;
        let new_pi = new_margins / capex_per_mw;
        // PV of a new cycle's margins per MW over its machines plus the build-out: the
        // profitability index of new capacity (expansions and rebuilding).
        let built_pi = new_margins / (capex_per_mw + self.spec.expansion_capex_usd_per_mw);
        // 2. Fill free MW: the best secondary lot first (installed at once), then new machines.
        let free = self.sites[s].free_mw();
        if free >= MIN_MW {
            self.buy_secondary(f, s, free, outlook, &view, &costs, hurdle, fleet, v);
            let free = self.sites[s].free_mw();
            if free >= MIN_MW && new_pi >= hurdle {
                self.order(f, s, OrderKind::Fill, free, v);
            }
        }
        // 3. Refresh the least efficient vintage when new machines on its MW pay.
        let worst = self.sites[s]
            .units
            .iter()
            .copied()
            .filter(|&u| fleet.units()[u as usize].ths > 0.0)
            .max_by(|&a, &b| {
                fleet.units()[a as usize]
                    .j_per_th
                    .total_cmp(&fleet.units()[b as usize].j_per_th)
            });
        if let Some(u) = worst {
            let unit = fleet.units()[u as usize];
            if self.sites[s].pending_machine_orders == 0 && unit.j_per_th > 1.25 * ef {
                let rem = self.remaining_life(self.unit_installed[u as usize], v);
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
                    self.order(f, s, OrderKind::Refresh { unit: u }, mw, v);
                }
            }
        }
        self.scratch_kept = kept;
        // 4. Expand the site when new capacity pays, build-out included.
        let site = &self.sites[s];
        let no_ai = site.converting_mw + site.ai_colo_mw + site.ai_cloud_mw == 0.0;
        let room = MAX_SITE_GROWTH * site.initial_capacity_mw - site.capacity_mw;
        if site.relocating_mw >= MIN_MW && no_ai {
            self.rebuild(f, s, outlook, view, &costs, hurdle, built_pi, v);
            return;
        }
        // The firm's free MW elsewhere (summed last: it visits all the firm's sites).
        let firm_free = || -> f64 {
            self.firms[f]
                .sites
                .iter()
                .map(|&x| &self.sites[x as usize])
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
            if self.relocate(f, s, mw, lead, outlook, &view, &costs, hurdle, v) {
                return;
            }
            if built_pi >= hurdle {
                self.order(f, s, OrderKind::Expand, mw, v);
            }
        }
    }
    /// Rebuilds what a ban took from relocated site `s` (`relocating_mw`), whatever the
    /// firm's free MW elsewhere and its orders in transit: secondary-market lots first (the
    /// banned machines may come back), best first, then new frontier machines for the rest,
    /// each with its build-out when it pays (`built_pi`: the profitability index of new
    /// capacity, build-out included) and the firm can pay.
    #[allow(clippy::too_many_arguments)]
    fn rebuild(
        &mut self,
        f: usize,
        s: usize,
        outlook: &Outlook<'_>,
        view: FirmView,
        costs: &SiteCosts,
        hurdle: f64,
        built_pi: f64,
        v: &MarketView<'_>,
    ) {
        // Each lot bought lowers relocating_mw; a bounded number of lots per decision. They run
        // after the relocation lead time (shipped to hosting capacity), not a greenfield
        // build's.
        let lead = self.spec.relocation_lead_time_days;
        for _ in 0..16 {
            let mw = self.sites[s].relocating_mw;
            if mw < MIN_MW || !self.relocate(f, s, mw, lead, outlook, &view, costs, hurdle, v) {
                break;
            }
        }
        let mw = self.sites[s].relocating_mw;
        if mw >= MIN_MW && built_pi >= hurdle {
            self.order(f, s, OrderKind::Expand, mw, v);
        }
    }
}
