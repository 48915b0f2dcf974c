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
//!    - a banned site (machines forced offline) sells its machines (relocation happens
//!      through the secondary market, where other firms buy them) and shuts;
//!    - AI (suitable sites, open demand): re-let vacant colocation shells at the current rate;
//!      convert the site's mining and free MW (all of it, or with `hybrid` the part the open
//!      demand takes) to the better of colocation and cloud when
//!      `PV_ai + salvage >= hurdle x (capex + V_mining)` and the equity share of the capex is
//!      covered by cash plus credit (module `hashshift_models::firms::valuation`);
//!    - mining: sell machines worth less kept than sold; fill free MW with secondary-market
//!      machines or new frontier machines, refresh the least efficient vintage, and expand the
//!      site, each when its profitability index (PV of margins / capex) reaches the firm's
//!      mining hurdle and it can pay.
//! 4. Report the firm's row and schedule the next decision.
//!
//! # Secondary market
//!
//! Machines sold (by converting, refreshing or bankrupt firms) are bought at once by a dealer
//! at `min(new-equivalent, payback) ` per TH/s: the price of the same hashrate new, scaled by
//! relative efficiency `c_f e_f / e`, capped at `secondary_payback_years` of the machine's
//! margin at a reference $0.05/kWh and PUE 1.1, floored at the scrap value $0.5 per TH/s
//! (ASSUMPTIONS). Firms filling free MW buy from it at that price before ordering new machines;
//! lots unsold after `secondary_shelf_days` are scrapped.

use hashshift_models::consensus::{block_subsidy, COIN};
use hashshift_models::firms::valuation::{
    real_option_multiple, steps, FirmView, Outlook, SiteCosts, STEP_YEARS,
};
use hashshift_models::firms::Ledger;
use hashshift_models::mining::fleet::{Fleet, Unit};
use rand::Rng;

use super::{
    Agents, Contract, ContractKind, Event, EventKind, EventRecord, FirmMonthRecord, Lot,
    MarketView, Order, OrderKind, DAY_S,
};

/// Reference energy price of the secondary market's buyer, USD/kWh (ASSUMPTION).
const SECONDARY_REF_USD_PER_KWH: f64 = 0.05;
/// Reference PUE of the secondary market's buyer (ASSUMPTION).
const SECONDARY_REF_PUE: f64 = 1.1;
/// Scrap floor of the secondary market, USD per TH/s.
const SCRAP_USD_PER_TH: f64 = 0.5;
/// Share of the secondary price a seller nets (ASSUMPTION: removal, shipping, dealer spread).
pub(super) const SELL_FRICTION: f64 = 0.8;
/// Remaining life a machine is valued over at least, years: machines past their nominal life
/// keep running while they pay (S9s ran for seven years and more), so a fixed end of life
/// would make firms dump working machines (ASSUMPTION).
const MIN_REMAINING_LIFE_YEARS: f64 = 2.0;
/// A site grows by expansions to at most this multiple of its initial capacity
/// (ASSUMPTION: grid interconnection limits; new firms and sites are not generated).
const MAX_SITE_GROWTH: f64 = 5.0;
/// Smallest conversion or order, MW.
pub(super) const MIN_MW: f64 = 0.05;

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

    /// Secondary-market price of machines of efficiency `j_per_th`, USD per TH/s: what a
    /// buyer at reference costs ($0.05/kWh, PUE 1.1) earns with them over two years with the
    /// firms' outlook (halvings, difficulty growth, no price drift) discounted at 20 %, at
    /// most the price of the same hashrate new (scaled by relative efficiency), at least the
    /// scrap value. Valuing machines as the firms do keeps the dealer from paying more than
    /// they are worth to their owners (no arbitrage churn).
    pub(super) fn secondary_usd_per_th(&self, j_per_th: f64, v: &MarketView<'_>) -> f64 {
        let (ef, cf, _) = v.frontier;
        let new_equivalent = if cf.is_finite() && ef.is_finite() {
            cf * ef / j_per_th
        } else {
            f64::INFINITY
        };
        let ratios = &self.reward_cache.2;
        let earn = if ratios.is_empty() {
            let cost = j_per_th * SECONDARY_REF_PUE * 24.0 / 1000.0 * SECONDARY_REF_USD_PER_KWH;
            self.spec.secondary_payback_years * 365.25 * (v.hashprice_outlook - cost).max(0.0)
        } else {
            let o = self.outlook(v, ratios);
            let buyer = FirmView {
                discount_rate: 0.2,
                horizon_years: self.spec.secondary_payback_years.max(STEP_YEARS),
                price_drift: 0.0,
            };
            let costs = SiteCosts {
                pue: SECONDARY_REF_PUE,
                energy_usd_per_kwh: SECONDARY_REF_USD_PER_KWH,
                mining_opex_usd_per_mw_year: self.spec.mining_opex_usd_per_mw_year,
            };
            let per_mw = o.keep_value(&buyer, &costs, j_per_th, buyer.horizon_years);
            per_mw * j_per_th * SECONDARY_REF_PUE / 1e6
        };
        new_equivalent.min(earn).max(SCRAP_USD_PER_TH)
    }

    /// The block-reward ratios `s_k` of the valuation grid at `v` (cached per day).
    fn reward_ratios(&mut self, v: &MarketView<'_>) -> Vec<f64> {
        // Keyed by day: the height moves by about 144 blocks a day, which changes no reward
        // ratio except within a day of a halving.
        let day = v.now_days.floor() as i64;
        if self.reward_cache.0 != day {
            let n = steps(self.spec.firms.horizon_years.1.max(50.0));
            let reward = |h: u64| block_subsidy(h) as f64 / COIN as f64 + v.fee_mean_btc;
            let r0 = reward(v.height).max(1e-12);
            let ratios = (0..n)
                .map(|k| {
                    let t = (k as f64 + 0.5) * STEP_YEARS;
                    reward(v.height + (t * 365.25 * 144.0) as u64) / r0
                })
                .collect();
            self.reward_cache = (day, v.height, ratios);
        }
        self.reward_cache.2.clone()
    }

    pub(super) fn outlook<'a>(&self, v: &MarketView<'_>, ratios: &'a [f64]) -> Outlook<'a> {
        Outlook {
            hashprice: v.hashprice_outlook,
            reward_ratio: ratios,
            difficulty_growth: self.spec.difficulty_growth_per_year,
            frontier_j_per_th: v.frontier.0,
            frontier_usd_per_th: v.frontier.1,
            frontier_improvement: v.frontier_improvement,
            frontier_price_trend: v.frontier_price_trend,
            asic_life_years: self.spec.asic_life_years,
        }
    }

    /// Settles firm `f`'s flows up to now; returns false if it went bankrupt.
    fn settle(&mut self, f: usize, fleet: &mut Fleet, v: &MarketView<'_>) -> bool {
        let now = v.now_days;
        let dt_days = (now - self.firms[f].last_settled_days).max(0.0);
        let mut l = Ledger::default();
        let ai = self.spec.ai.clone();
        for k in 0..self.firms[f].sites.len() {
            let s = self.firms[f].sites[k] as usize;
            let acc = fleet.take_site_accrual(s, now);
            l.mining_revenue += acc.revenue_usd;
            l.energy += acc.energy_usd + acc.carbon_usd;
            let site = &self.sites[s];
            // Mining opex on the MW that runs now (stopped machines cost nothing to keep).
            let installed: f64 = site
                .units
                .iter()
                .map(|&u| fleet.units()[u as usize].ths)
                .sum();
            let running_share = if installed > 0.0 {
                (fleet.site_running_ths(s) / installed).min(1.0)
            } else {
                0.0
            };
            l.opex +=
                site.mining_mw * running_share * self.spec.mining_opex_usd_per_mw_year * dt_days
                    / 365.25;
            let energy = v.site_energy(site);
            let mut keep = Vec::with_capacity(site.contracts.len());
            for &c in &self.sites[s].contracts {
                let ct = &mut self.contracts[c as usize];
                if ct.energized {
                    let from = ct.accounted_days.max(ct.start_days);
                    let to = now.min(ct.end_days);
                    if to > from {
                        let years = (to - from) / 365.25;
                        let rev = ct.revenue_usd_per_mw_year * ct.it_mw * years;
                        let p = ai.as_ref().expect("contracts exist only with a market");
                        match ct.kind {
                            ContractKind::Colocation => {
                                l.colo_revenue += rev;
                                l.opex += (1.0 - p.noi_margin) * rev;
                            }
                            ContractKind::Cloud => {
                                l.cloud_revenue += rev;
                                l.opex += p.cloud_opex_share * rev
                                    + ct.gross_mw
                                        * 1000.0
                                        * 8_766.0
                                        * years
                                        * p.gpu_utilization
                                        * energy;
                            }
                        }
                    }
                    ct.accounted_days = ct.accounted_days.max(to);
                }
                if ct.active || ct.accounted_days < ct.end_days {
                    keep.push(c);
                }
            }
            self.sites[s].contracts = keep;
        }
        let firm = &mut self.firms[f];
        let years = dt_days / 365.25;
        l.interest =
            (firm.corporate_debt + firm.project_debt) * self.spec.debt_interest_rate * years;
        let corp = (firm.corporate_debt * years / self.spec.debt_amortization_years)
            .min(firm.corporate_debt);
        let tenor = self.spec.ai.as_ref().map_or(10.0, |p| p.tenor_years);
        let proj = (firm.project_debt * years / tenor).min(firm.project_debt);
        l.repaid = corp + proj;
        firm.corporate_debt -= corp;
        firm.project_debt -= proj;
        firm.cash += l.net();
        if firm.cash < 0.0 {
            let draw = (-firm.cash).min(firm.available_credit());
            firm.corporate_debt += draw;
            firm.cash += draw;
            l.borrowed += draw;
        }
        firm.ledger.add(&l);
        firm.last_settled_days = now;
        firm.cash >= -1e-6
    }

    /// Pays `usd` from firm `f`'s cash, drawing credit if needed; false if it cannot.
    pub(super) fn pay(&mut self, f: usize, usd: f64) -> bool {
        let firm = &mut self.firms[f];
        if usd > firm.cash.max(0.0) + firm.available_credit() {
            return false;
        }
        firm.cash -= usd;
        firm.ledger.capex += usd;
        if firm.cash < 0.0 {
            let draw = -firm.cash;
            firm.corporate_debt += draw;
            firm.cash = 0.0;
            firm.ledger.borrowed += draw;
        }
        true
    }

    /// Sells `ths` TH/s of unit `u` (at site `s`, owned by `f`) to the secondary market.
    pub(super) fn sell_unit(
        &mut self,
        f: usize,
        s: usize,
        u: usize,
        ths: f64,
        fleet: &mut Fleet,
        v: &MarketView<'_>,
    ) {
        let unit = fleet.units()[u];
        let ths = ths.min(unit.ths);
        if ths <= 0.0 {
            return;
        }
        let price = self.secondary_usd_per_th(unit.j_per_th, v) * ths;
        fleet.set_unit_ths(u, unit.ths - ths);
        if unit.ths - ths <= 0.0 {
            self.sites[s].units.retain(|&x| x as usize != u);
        }
        self.fleet_changed = true;
        let mw = ths * unit.j_per_th * unit.pue / 1e6;
        self.sites[s].mining_mw = (self.sites[s].mining_mw - mw).max(0.0);
        self.totals.mining -= mw;
        self.list(Lot {
            model: unit.model,
            j_per_th: unit.j_per_th,
            ths,
            installed_year: self.unit_installed[u],
            listed_days: v.now_days,
        });
        let firm = &mut self.firms[f];
        firm.cash += price;
        firm.ledger.asic_sales += price;
        let e = self.event(v, EventKind::AsicSale, f as u32, s as u32);
        e.mw = mw;
        e.ths = ths;
        e.usd = price;
    }

    /// Puts machines on the secondary market, merged with a lot of the same model and
    /// installation year (within half a year) if there is one (the newer listing date wins).
    fn list(&mut self, lot: Lot) {
        if lot.ths <= 1e-9 {
            return;
        }
        match self.pool.iter_mut().find(|l| {
            l.model == lot.model
                && l.j_per_th == lot.j_per_th
                && (l.installed_year - lot.installed_year).abs() < 0.5
        }) {
            Some(l) => {
                l.installed_year =
                    (l.installed_year * l.ths + lot.installed_year * lot.ths) / (l.ths + lot.ths);
                l.ths += lot.ths;
                // The lot's age on the shelf is the hashrate-weighted mean of its parts.
                l.listed_days =
                    (l.listed_days * l.ths + lot.listed_days * lot.ths) / (l.ths + lot.ths);
            }
            None => {
                let at = self.pool.partition_point(|l| l.j_per_th <= lot.j_per_th);
                self.pool.insert(at, lot);
            }
        }
    }

    /// Installs `ths` TH/s of `model` at site `s`.
    fn install(
        &mut self,
        s: usize,
        model: u16,
        j_per_th: f64,
        ths: f64,
        installed_year: f64,
        fleet: &mut Fleet,
    ) {
        if ths.is_nan() || ths <= 1e-6 {
            return;
        }
        // Machines of a model the site already runs join that vintage (one unit per model and
        // site keeps the fleet small); its installation year becomes the hashrate-weighted mean.
        let same = self.sites[s].units.iter().copied().find(|&u| {
            let x = &fleet.units()[u as usize];
            x.model == model && x.j_per_th == j_per_th && x.ths > 0.0
        });
        if let Some(u) = same {
            let old = fleet.units()[u as usize].ths;
            let y = &mut self.unit_installed[u as usize];
            *y = (*y * old + installed_year * ths) / (old + ths);
            fleet.set_unit_ths(u as usize, old + ths);
            let mw = ths * j_per_th * self.sites[s].pue / 1e6;
            self.sites[s].mining_mw += mw;
            self.totals.mining += mw;
            self.fleet_changed = true;
            return;
        }
        let site = &self.sites[s];
        let unit = Unit {
            site: s as u32,
            region: site.region.index() as u16,
            model,
            ths,
            j_per_th,
            pue: site.pue,
            price_factor: site.price_factor,
        };
        let i = fleet.add_unit(unit).expect("valid unit");
        self.unit_installed.push(installed_year);
        debug_assert_eq!(self.unit_installed.len(), fleet.units().len());
        let mw = ths * j_per_th * site.pue / 1e6;
        let site = &mut self.sites[s];
        site.units.push(i as u32);
        site.mining_mw += mw;
        self.totals.mining += mw;
        self.fleet_changed = true;
    }

    fn decide(&mut self, f: usize, fleet: &mut Fleet, v: &MarketView<'_>) {
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
        let ratios = self.reward_ratios(v);
        let firm = &self.firms[f];
        let view = FirmView {
            discount_rate: firm.strategy.discount_rate,
            horizon_years: firm.strategy.horizon_years,
            price_drift: firm.beliefs.expected_drift(),
        };
        let hurdle = 1.0
            + firm.strategy.risk_aversion
                * (real_option_multiple(self.vol.annual(), 0.0, view.discount_rate) - 1.0);
        let sites = firm.sites.clone();
        for s in sites {
            let s = s as usize;
            if self.sites[s].shut {
                continue;
            }
            if self.sell_if_banned(f, s, fleet, v) {
                continue;
            }
            if self.market.is_some() && self.sites[s].ai_suitable {
                self.relet(f, s, v);
                self.consider_conversion(f, s, &ratios, view, hurdle, fleet, v);
            }
            self.mining_investments(f, s, &ratios, view, fleet, v);
        }
        self.push_row(f, fleet, v);
        let next = v.now_days + self.spec.decision_interval_days;
        self.schedule(next, Event::FirmDecision { firm: f as u32 });
    }

    fn tenant_defaults(&mut self, f: usize, v: &MarketView<'_>) {
        let Some(p) = &self.spec.ai else { return };
        let lambda = p.default_hazard_per_year;
        let dt = self.spec.decision_interval_days / 365.25;
        let prob = 1.0 - (-lambda * dt).exp();
        let sites = self.firms[f].sites.clone();
        for s in sites {
            let cs = self.sites[s as usize].contracts.clone();
            for c in cs {
                let ct = self.contracts[c as usize];
                if ct.active && ct.energized && self.firms[f].rng.random::<f64>() < prob {
                    self.end_contract(c as usize, v, true);
                }
            }
        }
    }

    /// Sells the machines of a banned site (forced offline) and shuts it.
    fn sell_if_banned(
        &mut self,
        f: usize,
        s: usize,
        fleet: &mut Fleet,
        v: &MarketView<'_>,
    ) -> bool {
        let units = self.sites[s].units.clone();
        if units.is_empty() || !units.iter().all(|&u| fleet.is_offline(u as usize)) {
            return false;
        }
        for u in units {
            let ths = fleet.units()[u as usize].ths;
            self.sell_unit(f, s, u as usize, ths, fleet, v);
        }
        self.sites[s].shut = true;
        true
    }

    /// Signs a contract for `gross_mw` starting (energized) at `start_days`.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn sign(
        &mut self,
        f: usize,
        s: usize,
        gross_mw: f64,
        kind: ContractKind,
        revenue_usd_per_mw_year: f64,
        start_days: f64,
        tenor_years: f64,
        from_conversion: bool,
        v: &MarketView<'_>,
    ) {
        let p = self.spec.ai.as_ref().expect("market");
        let it_mw = gross_mw * p.gross_to_it;
        let end_days = start_days + tenor_years * 365.25;
        let c = self.contracts.len() as u32;
        self.contracts.push(Contract {
            site: s as u32,
            kind,
            gross_mw,
            it_mw,
            revenue_usd_per_mw_year,
            start_days,
            end_days,
            active: true,
            energized: false,
            accounted_days: start_days,
            from_conversion,
            construction_debt: 0.0,
        });
        self.sites[s].contracts.push(c);
        self.market.as_mut().expect("market").add_contracted(it_mw);
        self.schedule(end_days, Event::ContractEnd { contract: c });
        let e = self.event(v, EventKind::ContractSigned, f as u32, s as u32);
        e.mw = gross_mw;
        e.usd = revenue_usd_per_mw_year * it_mw;
        e.detail = kind.name();
        e.value = revenue_usd_per_mw_year;
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
            let rem = (self.unit_installed[u as usize] + self.spec.asic_life_years - v.year)
                .max(MIN_REMAINING_LIFE_YEARS);
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

    fn mining_investments(
        &mut self,
        f: usize,
        s: usize,
        ratios: &[f64],
        view: FirmView,
        fleet: &mut Fleet,
        v: &MarketView<'_>,
    ) {
        let outlook = self.outlook(v, ratios);
        let site = &self.sites[s];
        let costs = SiteCosts {
            pue: site.pue,
            energy_usd_per_kwh: v.site_energy(site),
            mining_opex_usd_per_mw_year: self.spec.mining_opex_usd_per_mw_year,
        };
        let hurdle = self.firms[f].strategy.mining_hurdle;
        // 1. Sell machines worth more sold than kept.
        for u in site.units.clone() {
            let unit = fleet.units()[u as usize];
            if unit.ths <= 0.0 {
                continue;
            }
            let rem = (self.unit_installed[u as usize] + self.spec.asic_life_years - v.year)
                .max(MIN_REMAINING_LIFE_YEARS);
            let mw = unit.ths * unit.j_per_th * unit.pue / 1e6;
            let keep = outlook.keep_value(&view, &costs, unit.j_per_th, rem) * mw;
            let sell = self.secondary_usd_per_th(unit.j_per_th, v) * unit.ths;
            // Selling costs (removal, shipping, the dealer's spread): sell only when keeping
            // is worth less than SELL_FRICTION of the price.
            if keep < SELL_FRICTION * sell {
                self.sell_unit(f, s, u as usize, unit.ths, fleet, v);
            }
        }
        let (ef, cf, _) = v.frontier;
        let pue = self.sites[s].pue;
        let ths_per_mw = 1e6 / (ef * pue);
        let capex_per_mw = cf * ths_per_mw;
        // PV of a new frontier cycle's margins per MW.
        let new_margins = outlook.refresh_cycle_value(&view, &costs, 0.0) + capex_per_mw;
        let new_pi = new_margins / capex_per_mw;
        // 2. Fill free MW: the best secondary lot first (installed at once), then new machines.
        let free = self.sites[s].free_mw();
        if free >= MIN_MW {
            self.buy_secondary(f, s, free, &outlook, &view, &costs, hurdle, fleet, v);
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
            if self.sites[s].pending_orders == 0 && unit.j_per_th > 1.25 * ef {
                let rem = (self.unit_installed[u as usize] + self.spec.asic_life_years - v.year)
                    .max(MIN_REMAINING_LIFE_YEARS);
                let keep = outlook.keep_value(&view, &costs, unit.j_per_th, rem);
                let salvage =
                    self.secondary_usd_per_th(unit.j_per_th, v) * 1e6 / (unit.j_per_th * pue);
                let pi = (new_margins - keep + salvage) / capex_per_mw;
                if pi >= hurdle {
                    let mw = unit.ths * unit.j_per_th * unit.pue / 1e6;
                    self.order(f, s, OrderKind::Refresh { unit: u }, mw, v);
                }
            }
        }
        // 4. Expand the site when new capacity pays, build-out included.
        let site = &self.sites[s];
        let no_ai = site.converting_mw + site.ai_colo_mw + site.ai_cloud_mw == 0.0;
        let firm_free: f64 = self.firms[f]
            .sites
            .iter()
            .map(|&x| self.sites[x as usize].free_mw())
            .sum();
        let room = MAX_SITE_GROWTH * site.initial_capacity_mw - site.capacity_mw;
        if no_ai
            && site.pending_orders == 0
            && firm_free < MIN_MW
            && room >= MIN_MW
            && self.spec.expansion_step > 0.0
        {
            let infra = self.spec.expansion_capex_usd_per_mw;
            let mw = (site.capacity_mw * self.spec.expansion_step)
                .max(1.0)
                .min(room);
            // Relocation first: machines on the secondary market (sold by banned, converting or
            // bankrupt sites) installed on new capacity here, if they pay for the build-out.
            if self.relocate(f, s, mw, &outlook, &view, &costs, hurdle, v) {
                return;
            }
            let pi = new_margins / (capex_per_mw + infra);
            if pi >= hurdle {
                self.order(f, s, OrderKind::Expand, mw, v);
            }
        }
    }

    /// Expands site `s` by up to `mw` with the secondary-market lot that pays best for it, build
    /// cost included (PI >= hurdle): the machines are bought now and installed when the new
    /// capacity is energized (relocation with delay and cost). Returns whether it did.
    #[allow(clippy::too_many_arguments)]
    fn relocate(
        &mut self,
        f: usize,
        s: usize,
        mw: f64,
        outlook: &Outlook<'_>,
        view: &FirmView,
        costs: &SiteCosts,
        hurdle: f64,
        v: &MarketView<'_>,
    ) -> bool {
        let infra = self.spec.expansion_capex_usd_per_mw;
        // The lot with the best first-year margin per dollar (build-out included), then its
        // full profitability index: one valuation per call, not one per lot.
        let hp = outlook.hashprice;
        let best = self
            .pool
            .iter()
            .enumerate()
            .map(|(i, l)| {
                let per_mw =
                    self.secondary_usd_per_th(l.j_per_th, v) * 1e6 / (l.j_per_th * costs.pue);
                let cost = l.j_per_th * costs.pue * 24.0 / 1000.0 * costs.energy_usd_per_kwh;
                let margin_per_mw = (hp - cost) * 1e6 / (l.j_per_th * costs.pue);
                (i, margin_per_mw / (per_mw + infra), per_mw)
            })
            .filter(|x| x.1 > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .and_then(|(i, _, per_mw)| {
                let l = &self.pool[i];
                let rem = (l.installed_year + self.spec.asic_life_years - v.year)
                    .max(MIN_REMAINING_LIFE_YEARS);
                let pi = outlook.keep_value(view, costs, l.j_per_th, rem) / (per_mw + infra);
                (pi >= hurdle).then_some((i, pi, per_mw))
            });
        let Some((i, _, per_mw)) = best else {
            return false;
        };
        let l = self.pool[i];
        let lot_mw = l.ths * l.j_per_th * costs.pue / 1e6;
        let mw = mw.min(lot_mw);
        let ths = l.ths * mw / lot_mw;
        let cost = (per_mw + infra) * mw;
        if mw < MIN_MW || !self.pay(f, cost) {
            return false;
        }
        if ths >= l.ths * (1.0 - 1e-12) {
            self.pool.remove(i);
        } else {
            self.pool[i].ths -= ths;
        }
        self.sites[s].pending_orders += 1;
        let o = self.orders.len() as u32;
        self.orders.push(Order {
            site: s as u32,
            kind: OrderKind::Expand,
            mw,
            model: l.model,
            j_per_th: l.j_per_th,
            ths,
            installed_year: l.installed_year,
            cancelled: false,
        });
        self.schedule(
            v.now_days + self.spec.expansion_lead_time_days,
            Event::AsicDelivery { order: o },
        );
        let e = self.event(v, EventKind::AsicPurchase, f as u32, s as u32);
        e.mw = mw;
        e.ths = ths;
        e.usd = cost;
        e.detail = "relocate";
        true
    }

    /// Buys secondary-market lots that pay (PI >= hurdle) into up to `free` MW, best first.
    #[allow(clippy::too_many_arguments)]
    fn buy_secondary(
        &mut self,
        f: usize,
        s: usize,
        mut free: f64,
        outlook: &Outlook<'_>,
        view: &FirmView,
        costs: &SiteCosts,
        hurdle: f64,
        fleet: &mut Fleet,
        v: &MarketView<'_>,
    ) {
        while free >= MIN_MW && !self.pool.is_empty() {
            // The lot with the best profitability index at this site.
            // The lot with the best first-year margin per dollar at this site, then its full
            // profitability index over its remaining life.
            let hp = outlook.hashprice;
            let best = self
                .pool
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let cost = l.j_per_th * costs.pue * 24.0 / 1000.0 * costs.energy_usd_per_kwh;
                    (i, (hp - cost) / self.secondary_usd_per_th(l.j_per_th, v))
                })
                .filter(|x| x.1 > 0.0)
                .max_by(|a, b| a.1.total_cmp(&b.1))
                .and_then(|(i, _)| {
                    let l = &self.pool[i];
                    let rem = (l.installed_year + self.spec.asic_life_years - v.year)
                        .max(MIN_REMAINING_LIFE_YEARS);
                    let price =
                        self.secondary_usd_per_th(l.j_per_th, v) * 1e6 / (l.j_per_th * costs.pue);
                    let pi = outlook.keep_value(view, costs, l.j_per_th, rem) / price;
                    (pi >= hurdle).then_some((i, pi))
                });
            let Some((i, _)) = best else { return };
            let l = self.pool[i];
            let lot_mw = l.ths * l.j_per_th * costs.pue / 1e6;
            let mw = lot_mw.min(free);
            let ths = l.ths * mw / lot_mw;
            let price = self.secondary_usd_per_th(l.j_per_th, v) * ths;
            if ths <= 1e-9 || !self.pay(f, price) {
                return;
            }
            self.install(s, l.model, l.j_per_th, ths, l.installed_year, fleet);
            if ths >= l.ths * (1.0 - 1e-12) {
                self.pool.remove(i);
            } else {
                self.pool[i].ths -= ths;
            }
            free -= mw;
            let e = self.event(v, EventKind::AsicSecondaryPurchase, f as u32, s as u32);
            e.mw = mw;
            e.ths = ths;
            e.usd = price;
        }
    }

    /// Orders frontier machines for `mw` at site `s`, paid now, if the firm can pay.
    fn order(&mut self, f: usize, s: usize, kind: OrderKind, mw: f64, v: &MarketView<'_>) {
        let (ef, cf, model) = v.frontier;
        let pue = self.sites[s].pue;
        let ths = mw * 1e6 / (ef * pue);
        let mut cost = cf * ths;
        let lead = match kind {
            OrderKind::Expand => {
                cost += mw * self.spec.expansion_capex_usd_per_mw;
                self.spec.expansion_lead_time_days
            }
            _ => self.spec.asic_lead_time_days,
        };
        if !self.pay(f, cost) {
            return;
        }
        if kind == OrderKind::Fill {
            self.sites[s].reserved_mw += mw;
        }
        self.sites[s].pending_orders += 1;
        let o = self.orders.len() as u32;
        self.orders.push(Order {
            site: s as u32,
            kind,
            mw,
            model,
            j_per_th: ef,
            ths,
            installed_year: f64::NAN,
            cancelled: false,
        });
        self.schedule(v.now_days + lead, Event::AsicDelivery { order: o });
        let e = self.event(v, EventKind::AsicPurchase, f as u32, s as u32);
        e.mw = mw;
        e.ths = ths;
        e.usd = cost;
        e.detail = match kind {
            OrderKind::Fill => "fill",
            OrderKind::Refresh { .. } => "refresh",
            OrderKind::Expand => "expand",
        };
    }

    fn deliver(&mut self, o: usize, fleet: &mut Fleet, v: &MarketView<'_>) {
        let order = self.orders[o];
        self.orders[o].cancelled = true; // done
        let s = order.site as usize;
        let f = self.sites[s].owner as usize;
        if order.kind == OrderKind::Fill {
            self.sites[s].reserved_mw = (self.sites[s].reserved_mw - order.mw).max(0.0);
        }
        if self.sites[s].shut || self.firms[f].bankrupt {
            self.sites[s].pending_orders -= 1;
            self.list(Lot {
                model: order.model,
                j_per_th: order.j_per_th,
                ths: order.ths,
                installed_year: v.year,
                listed_days: v.now_days,
            });
            return;
        }
        self.sites[s].pending_orders -= 1;
        match order.kind {
            OrderKind::Fill => {}
            OrderKind::Refresh { unit } => {
                let old = fleet.units()[unit as usize];
                let ths = (order.mw * 1e6 / (old.j_per_th * old.pue)).min(old.ths);
                self.sell_unit(f, s, unit as usize, ths, fleet, v);
            }
            OrderKind::Expand => {
                self.sites[s].capacity_mw += order.mw;
                self.totals.capacity += order.mw;
                let e = self.event(v, EventKind::SiteExpanded, f as u32, s as u32);
                e.mw = order.mw;
            }
        }
        // Whatever the site can hold now (a conversion may have taken MW meanwhile).
        let room = self.sites[s].idle_mw() - self.sites[s].reserved_mw;
        let mw = order.mw.min(room.max(0.0));
        if mw < order.mw {
            let spare = order.ths * (1.0 - mw / order.mw);
            self.list(Lot {
                model: order.model,
                j_per_th: order.j_per_th,
                ths: spare,
                installed_year: v.year,
                listed_days: v.now_days,
            });
        }
        if mw > 1e-9 {
            let ths = order.ths * mw / order.mw;
            let year = if order.installed_year.is_finite() {
                order.installed_year
            } else {
                v.year
            };
            self.install(s, order.model, order.j_per_th, ths, year, fleet);
            let e = self.event(v, EventKind::AsicDelivery, f as u32, s as u32);
            e.mw = mw;
            e.ths = ths;
        }
    }

    pub(super) fn energize(&mut self, c: usize, v: &MarketView<'_>) {
        let ct = self.contracts[c];
        if !ct.active || ct.energized {
            return;
        }
        let s = ct.site as usize;
        let site = &mut self.sites[s];
        if ct.from_conversion {
            site.converting_mw = (site.converting_mw - ct.gross_mw).max(0.0);
            self.totals.converting -= ct.gross_mw;
            match ct.kind {
                ContractKind::Colocation => {
                    site.ai_colo_mw += ct.gross_mw;
                    self.totals.ai_colo += ct.gross_mw;
                }
                ContractKind::Cloud => {
                    site.ai_cloud_mw += ct.gross_mw;
                    self.totals.ai_cloud += ct.gross_mw;
                }
            }
            let f = site.owner;
            // The construction loan becomes project debt with its interest capitalized.
            let built = ct.construction_debt;
            let firm = &mut self.firms[f as usize];
            let years = self
                .spec
                .ai
                .as_ref()
                .map_or(0.0, |p| p.lead_time_months / 12.0);
            firm.construction_debt = (firm.construction_debt - built).max(0.0);
            firm.project_debt += built * (1.0 + self.spec.debt_interest_rate).powf(years);
            let e = self.event(v, EventKind::ConversionCompleted, f, s as u32);
            e.mw = ct.gross_mw;
            e.detail = ct.kind.name();
        }
        if ct.kind == ContractKind::Colocation {
            self.sites[s].leased_colo_mw += ct.gross_mw;
        }
        self.contracts[c].energized = true;
        self.contracts[c].accounted_days = v.now_days;
    }

    fn end_contract(&mut self, c: usize, v: &MarketView<'_>, default: bool) {
        let ct = self.contracts[c];
        if !ct.active {
            return;
        }
        self.contracts[c].active = false;
        self.contracts[c].end_days = ct.end_days.min(v.now_days);
        self.market
            .as_mut()
            .expect("market")
            .add_contracted(-ct.it_mw);
        let s = ct.site as usize;
        let site = &mut self.sites[s];
        if ct.energized {
            match ct.kind {
                ContractKind::Colocation => {
                    site.leased_colo_mw = (site.leased_colo_mw - ct.gross_mw).max(0.0);
                }
                ContractKind::Cloud => {
                    // The GPUs are spent; the shell remains, vacant.
                    site.ai_cloud_mw = (site.ai_cloud_mw - ct.gross_mw).max(0.0);
                    site.ai_colo_mw += ct.gross_mw;
                    self.totals.ai_cloud -= ct.gross_mw;
                    self.totals.ai_colo += ct.gross_mw;
                }
            }
        }
        let f = site.owner;
        let kind = if default {
            EventKind::ContractDefaulted
        } else {
            EventKind::ContractEnded
        };
        let e = self.event(v, kind, f, s as u32);
        e.mw = ct.gross_mw;
        e.detail = ct.kind.name();
        e.value = ct.revenue_usd_per_mw_year;
    }

    fn bankrupt(&mut self, f: usize, fleet: &mut Fleet, v: &MarketView<'_>) {
        self.firms[f].bankrupt = true;
        let sites = std::mem::take(&mut self.firms[f].sites);
        let sold_or_shut_contracts: Vec<u32> = sites
            .iter()
            .flat_map(|&s| self.sites[s as usize].contracts.iter().copied())
            .collect();
        let debt = self.firms[f].debt();
        let e = self.event(v, EventKind::Bankruptcy, f as u32, 0);
        e.usd = debt;
        e.site = None;
        for s in sites {
            let s = s as usize;
            for u in self.sites[s].units.clone() {
                let ths = fleet.units()[u as usize].ths;
                self.sell_unit(f, s, u as usize, ths, fleet, v);
            }
            // The sale proceeds go to the creditors.
            let site = &self.sites[s];
            let noi: f64 = site
                .contracts
                .iter()
                .map(|&c| &self.contracts[c as usize])
                .filter(|c| c.active)
                .map(|c| c.revenue_usd_per_mw_year * c.it_mw)
                .sum();
            let price = 0.5 * self.spec.expansion_capex_usd_per_mw * site.capacity_mw + 3.0 * noi;
            let buyer = self
                .firms
                .iter()
                .filter(|b| !b.bankrupt && b.cash >= price)
                .max_by(|a, b| a.cash.total_cmp(&b.cash).then(b.id.cmp(&a.id)))
                .map(|b| b.id as usize);
            match buyer {
                Some(b) => {
                    let buyer = &mut self.firms[b];
                    buyer.cash -= price;
                    buyer.ledger.site_purchases += price;
                    buyer.sites.push(s as u32);
                    self.sites[s].owner = b as u32;
                    let mw = self.sites[s].capacity_mw;
                    let e = self.event(v, EventKind::SiteSold, b as u32, s as u32);
                    e.mw = mw;
                    e.usd = price;
                    e.value = f as f64;
                }
                None => {
                    for c in self.sites[s].contracts.clone() {
                        self.end_contract(c as usize, v, true);
                    }
                    let site = &mut self.sites[s];
                    site.shut = true;
                    let mw = self.sites[s].capacity_mw;
                    let e = self.event(v, EventKind::SiteShut, f as u32, s as u32);
                    e.mw = mw;
                }
            }
        }
        // The estate's cash (and the sale proceeds) go to the creditors, who write off the
        // rest, construction loans of unfinished conversions included (a buyer takes the sites
        // free of them).
        for &c in sold_or_shut_contracts.iter() {
            self.contracts[c as usize].construction_debt = 0.0;
        }
        let firm = &mut self.firms[f];
        firm.cash = 0.0;
        firm.corporate_debt = 0.0;
        firm.project_debt = 0.0;
        firm.construction_debt = 0.0;
    }

    fn push_row(&mut self, f: usize, fleet: &Fleet, v: &MarketView<'_>) {
        let firm = &self.firms[f];
        let mut r = FirmMonthRecord {
            time_unix: v.now_unix(),
            firm: firm.id,
            ticker: firm.ticker.clone(),
            public: firm.public,
            state: if firm.bankrupt { "bankrupt" } else { "active" },
            sites: firm.sites.len() as u32,
            capacity_mw: 0.0,
            mining_mw: 0.0,
            converting_mw: 0.0,
            ai_colo_mw: 0.0,
            ai_cloud_mw: 0.0,
            idle_mw: 0.0,
            installed_ths: 0.0,
            running_ths: 0.0,
            efficiency_j_per_th: f64::NAN,
            cash_usd: firm.cash,
            debt_usd: firm.debt(),
            mining_revenue_usd: firm.ledger.mining_revenue,
            colo_revenue_usd: firm.ledger.colo_revenue,
            cloud_revenue_usd: firm.ledger.cloud_revenue,
            sales_usd: firm.ledger.asic_sales + firm.ledger.site_sales,
            energy_usd: firm.ledger.energy,
            opex_usd: firm.ledger.opex,
            interest_usd: firm.ledger.interest,
            capex_usd: firm.ledger.capex + firm.ledger.site_purchases,
            borrowed_usd: firm.ledger.borrowed,
            repaid_usd: firm.ledger.repaid,
            expected_drift: firm.beliefs.expected_drift(),
        };
        let mut w_e = 0.0;
        for &s in &firm.sites {
            let site = &self.sites[s as usize];
            r.capacity_mw += site.capacity_mw;
            r.mining_mw += site.mining_mw;
            r.converting_mw += site.converting_mw;
            r.ai_colo_mw += site.ai_colo_mw;
            r.ai_cloud_mw += site.ai_cloud_mw;
            r.idle_mw += site.idle_mw();
            r.running_ths += fleet.site_running_ths(s as usize);
            for &u in &site.units {
                let unit = &fleet.units()[u as usize];
                r.installed_ths += unit.ths;
                w_e += unit.ths * unit.j_per_th;
            }
        }
        if r.installed_ths > 0.0 {
            r.efficiency_j_per_th = w_e / r.installed_ths;
        }
        self.firm_rows.push(r);
        self.firms[f].ledger = Ledger::default();
    }
}
