//! Machines: the secondary market (its price, listing, purchases and relocation onto new
//! capacity), new ASIC orders and their delivery, installation and sale of units.

use hashshift_models::firms::valuation::{FirmView, Outlook, SiteCosts, STEP_YEARS};
use hashshift_models::mining::fleet::{Fleet, Unit};

use super::{Agents, Event, EventKind, Lot, MarketView, Order, OrderKind};

use super::decide::{MIN_MW, SECONDARY_REF_PUE, SECONDARY_REF_USD_PER_KWH};
use hashshift_models::hardware::scrap_usd_per_th;

/// Secondary-market prices by machine efficiency (J/TH bits) for one market state: the
/// outlook hashprice, the frontier machine and the day of the reward ratios, everything the
/// price depends on. A handful of efficiencies are on the market at any time.
#[derive(Debug, Clone, Default)]
pub(crate) struct PriceMemo {
    key: (u64, u64, u64, i64),
    prices: Vec<(u64, f64)>,
}

impl PriceMemo {
    fn get(&self, key: (u64, u64, u64, i64), j_per_th: f64) -> Option<f64> {
        if self.key != key {
            return None;
        }
        let j = j_per_th.to_bits();
        self.prices.iter().find(|x| x.0 == j).map(|x| x.1)
    }

    fn put(&mut self, key: (u64, u64, u64, i64), j_per_th: f64, price: f64) {
        if self.key != key {
            self.key = key;
            self.prices.clear();
        }
        self.prices.push((j_per_th.to_bits(), price));
    }
}

/// Lowest price of new machines as a share of their list price: the manufacturers' cost
/// (ASSUMPTION: gross margins of about 35-55% in 2017-2021, Bitmain's 2018 prospectus,
/// recalled, not in reference/). Calibrated with `history-2020` (seed 1, when introduced,
/// build 2f4ead8): with 0.6 the median difficulty errors of 2023, 2024 and 2025 were 33%, 31%
/// and 22% (39%, 37% and 28% at list price); 0.4 fit history better (27%, 27%, 18%) but let
/// the baseline's far future overbuild thin-margin machines (sub-1 J/TH, energy near the
/// hashprice) that then switch on and off together: 232 days with mean intervals over 15
/// minutes in 2045 and two clamped retargets, against 29 days in 20 years and none with 0.6.
pub const MIN_NEW_PRICE_SHARE: f64 = 0.6;

impl Agents {
    /// Secondary-market price of machines of efficiency `j_per_th`, USD per TH/s: what a
    /// buyer at reference costs ($0.05/kWh, PUE 1.1) earns with them over
    /// `secondary_payback_years` (default 1) with the firms' outlook (halvings, difficulty
    /// growth, no price drift) discounted at 20 %, at most the price of the same hashrate new
    /// (scaled by relative efficiency), at least the scrap value. Valuing machines as the firms
    /// do keeps the dealer from paying more than they are worth to their owners (no arbitrage
    /// churn).
    pub(super) fn secondary_usd_per_th(&self, j_per_th: f64, v: &MarketView<'_>) -> f64 {
        let key = (
            v.hashprice_outlook.to_bits(),
            v.frontier.0.to_bits(),
            v.frontier.1.to_bits(),
            self.reward_cache.0,
        );
        if let Some(p) = self.secondary_prices.borrow().get(key, j_per_th) {
            return p;
        }
        let p = self.secondary_price(j_per_th, v);
        self.secondary_prices.borrow_mut().put(key, j_per_th, p);
        p
    }

    /// The price of the frontier machine of `v` (J/TH in `v.frontier.0`), USD per TH/s: its
    /// list price, at most what the secondary market pays for the same machine (what it earns
    /// its buyer over `secondary_payback_years`: nobody pays more for it new) and at least
    /// [`MIN_NEW_PRICE_SHARE`] of the list price (the manufacturers' cost), times the order
    /// book's `premium` (a rush of orders raises it whatever the hashprice). Machine prices
    /// follow the hashprice (Hashrate Index's ASIC price index fell about 80% from late 2021 to
    /// late 2022 with the hashprice, recalled), so a bear market cheapens the machines firms
    /// buy instead of stopping their investment.
    pub fn new_machine_usd_per_th(
        &self,
        list_usd_per_th: f64,
        premium: f64,
        v: &MarketView<'_>,
    ) -> f64 {
        let ef = v.frontier.0;
        if !(ef.is_finite() && list_usd_per_th.is_finite()) {
            return list_usd_per_th * premium;
        }
        let market = list_usd_per_th
            .min(self.secondary_earn(ef, v))
            .max(MIN_NEW_PRICE_SHARE * list_usd_per_th);
        market * premium
    }

    /// [`Agents::secondary_usd_per_th`] computed.
    fn secondary_price(&self, j_per_th: f64, v: &MarketView<'_>) -> f64 {
        let (ef, cf, _) = v.frontier;
        let new_equivalent = if cf.is_finite() && ef.is_finite() {
            cf * ef / j_per_th
        } else {
            f64::INFINITY
        };
        new_equivalent
            .min(self.secondary_earn(j_per_th, v))
            .max(scrap_usd_per_th(j_per_th))
    }

    /// What machines of efficiency `j_per_th` earn the secondary market's buyer, USD per TH/s.
    fn secondary_earn(&self, j_per_th: f64, v: &MarketView<'_>) -> f64 {
        let rewards = &self.reward_cache.2;
        if rewards.ratios.is_empty() {
            let cost = j_per_th * SECONDARY_REF_PUE * 24.0 / 1000.0 * SECONDARY_REF_USD_PER_KWH;
            self.spec.secondary_payback_years * 365.25 * (v.hashprice_outlook - cost).max(0.0)
        } else {
            let o = self.outlook(v, rewards, None, &[]);
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
        }
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
    pub(super) fn list(&mut self, lot: Lot) {
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
    pub(super) fn install(
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

    /// Takes `ths` TH/s out of lot `i` (the whole lot when that is all of it).
    fn take_from_pool(&mut self, i: usize, ths: f64) {
        if ths >= self.pool[i].ths * (1.0 - 1e-12) {
            self.pool.remove(i);
        } else {
            self.pool[i].ths -= ths;
        }
    }

    /// The secondary-market lot that pays best at a site of `costs`, with `infra` USD per MW
    /// of build-out on top of its price: the lot with the best first-year margin per dollar,
    /// then its full profitability index over its remaining life, which must reach `hurdle`
    /// (one valuation per call, not one per lot). Returns the lot and its price per MW.
    #[allow(clippy::too_many_arguments)]
    fn best_lot(
        &self,
        outlook: &Outlook<'_>,
        view: &FirmView,
        costs: &SiteCosts,
        hurdle: f64,
        infra: f64,
        v: &MarketView<'_>,
    ) -> Option<(usize, f64)> {
        let hp = outlook.hashprice;
        let per_mw =
            |l: &Lot| self.secondary_usd_per_th(l.j_per_th, v) * 1e6 / (l.j_per_th * costs.pue);
        // The rank depends on the efficiency alone, and the pool is sorted by efficiency: one
        // rank per run of equal efficiencies. Ties go to the last lot (as `max_by` does).
        let mut run: Option<(u64, f64)> = None;
        let mut best: Option<(usize, f64)> = None;
        for (i, l) in self.pool.iter().enumerate() {
            let j = l.j_per_th.to_bits();
            let rank = match run {
                Some((rj, rank)) if rj == j => rank,
                _ => {
                    let cost = costs.power_usd_per_th_day(l.j_per_th);
                    // A lot that does not cover its energy ranks <= 0, and so does every lot
                    // after it: the cost rises with J/TH (rounding is monotone), and the pool
                    // is sorted by J/TH.
                    if hp <= cost {
                        break;
                    }
                    let margin_per_mw = (hp - cost) * 1e6 / (l.j_per_th * costs.pue);
                    let rank = margin_per_mw / (per_mw(l) + infra);
                    run = Some((j, rank));
                    rank
                }
            };
            if rank > 0.0 && best.is_none_or(|b| rank.total_cmp(&b.1).is_ge()) {
                best = Some((i, rank));
            }
        }
        let (i, _) = best?;
        let l = &self.pool[i];
        let rem = self.remaining_life(l.installed_year, v);
        let price = per_mw(l);
        let pi = outlook.keep_value(view, costs, l.j_per_th, rem) / (price + infra);
        (pi >= hurdle).then_some((i, price))
    }

    /// Expands site `s` by up to `mw` with the secondary-market lot that pays best for it, build
    /// cost included (PI >= hurdle): the machines are bought now and installed when the new
    /// capacity is energized, `lead_days` from now (relocation with delay and cost). Returns
    /// whether it did.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn relocate(
        &mut self,
        f: usize,
        s: usize,
        mw: f64,
        lead_days: f64,
        outlook: &Outlook<'_>,
        view: &FirmView,
        costs: &SiteCosts,
        hurdle: f64,
        v: &MarketView<'_>,
    ) -> bool {
        let infra = self.spec.expansion_capex_usd_per_mw;
        let best = self.best_lot(outlook, view, costs, hurdle, infra, v);
        let Some((i, per_mw)) = best else {
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
        self.take_from_pool(i, ths);
        self.sites[s].expansion_ordered(mw);
        self.sites[s].pending_expansions += 1;
        let o = self.orders.len() as u32;
        self.orders.push(Order {
            site: s as u32,
            kind: OrderKind::Expand,
            mw,
            model: l.model,
            j_per_th: l.j_per_th,
            ths,
            installed_year: l.installed_year,
        });
        self.schedule(v.now_days + lead_days, Event::AsicDelivery { order: o });
        let e = self.event(v, EventKind::AsicPurchase, f as u32, s as u32);
        e.mw = mw;
        e.ths = ths;
        e.usd = cost;
        e.detail = "relocate";
        true
    }

    /// Buys secondary-market lots that pay (PI >= hurdle) into up to `free` MW, best first.
    #[allow(clippy::too_many_arguments)]
    pub(super) fn buy_secondary(
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
            let best = self.best_lot(outlook, view, costs, hurdle, 0.0, v);
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
            self.take_from_pool(i, ths);
            free -= mw;
            let e = self.event(v, EventKind::AsicSecondaryPurchase, f as u32, s as u32);
            e.mw = mw;
            e.ths = ths;
            e.usd = price;
        }
    }

    /// Orders frontier machines for `mw` at site `s`, paid now, if the firm can pay.
    pub(super) fn order(
        &mut self,
        f: usize,
        s: usize,
        kind: OrderKind,
        mw: f64,
        v: &MarketView<'_>,
    ) {
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
        if kind == OrderKind::Expand {
            self.sites[s].expansion_ordered(mw);
            self.sites[s].pending_expansions += 1;
        } else {
            self.sites[s].pending_machine_orders += 1;
        }
        self.backlog_ths += ths;
        let o = self.orders.len() as u32;
        self.orders.push(Order {
            site: s as u32,
            kind,
            mw,
            model,
            j_per_th: ef,
            ths,
            installed_year: f64::NAN,
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

    pub(super) fn deliver(&mut self, o: usize, fleet: &mut Fleet, v: &MarketView<'_>) {
        let order = self.orders[o];
        if order.installed_year.is_nan() {
            // New machines (secondary lots carry their installation year).
            self.backlog_ths = (self.backlog_ths - order.ths).max(0.0);
        }
        let s = order.site as usize;
        let f = self.sites[s].owner as usize;
        if order.kind == OrderKind::Fill {
            self.sites[s].reserved_mw = (self.sites[s].reserved_mw - order.mw).max(0.0);
        }
        if order.kind == OrderKind::Expand {
            self.sites[s].pending_expansions -= 1;
        } else {
            self.sites[s].pending_machine_orders -= 1;
        }
        if self.sites[s].shut || self.firms[f].bankrupt {
            self.list(Lot {
                model: order.model,
                j_per_th: order.j_per_th,
                ths: order.ths,
                installed_year: v.year,
                listed_days: v.now_days,
            });
            return;
        }
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
}
