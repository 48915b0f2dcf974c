//! Machines: their prices (the secondary market's dealer, new machines), sales to the secondary
//! market, purchases from it (onto free MW, or relocated onto new capacity), new ASIC orders
//! and their delivery. Each job takes the parts it needs: the registry (what is on the sites),
//! the secondary market, the order book and the firms' finances.

use hashshift_models::firms::secondary::Dealer;
use hashshift_models::firms::valuation::{FirmView, Outlook, SiteCosts};
use hashshift_models::hardware::frontier::{delay_factor, quoted_lead_days};

use super::decide::MIN_MW;
use super::orders::{Order, OrderKind};
use super::outlook::outlook;
use super::secondary::Lot;
use super::{Agents, Cx, Event, MarketView};
use crate::record::EventKind;

/// Remaining life a machine is valued over at least, years: machines past their nominal life
/// keep running while they pay (S9s ran for seven years and more), so a fixed end of life
/// would make firms dump working machines (ASSUMPTION).
pub(super) const MIN_REMAINING_LIFE_YEARS: f64 = 2.0;

/// Mean days in a month.
const DAYS_PER_MONTH: f64 = 365.25 / 12.0;

/// The network's installed hashrate (running and idle, not offline), TH/s: what the factories'
/// output is a share of.
pub(super) fn network_ths(cx: &Cx) -> f64 {
    let s = cx.fleet.state();
    s.running_ths + s.idle_ths
}

impl Agents {
    /// The secondary market's dealer.
    fn dealer(&self) -> Dealer {
        Dealer {
            payback_years: self.spec.secondary_payback_years,
            mining_opex_usd_per_mw_year: self.spec.mining_opex_usd_per_mw_year,
        }
    }

    /// Secondary-market price of machines of efficiency `j_per_th`, USD per TH/s
    /// ([`Dealer::price_usd_per_th`] with the firms' last reward path), remembered per market
    /// state.
    pub(super) fn secondary_usd_per_th(&self, j_per_th: f64, v: &MarketView<'_>) -> f64 {
        let key = (
            v.hashprice_outlook.to_bits(),
            v.frontier.0.to_bits(),
            v.frontier.1.to_bits(),
            self.rewards.day(),
        );
        self.secondary.price(key, j_per_th, || {
            let o = outlook(&self.spec, v, self.rewards.last(), None, &[]);
            self.dealer().price_usd_per_th(&o, j_per_th)
        })
    }

    /// The price of the frontier machine of `v` (J/TH in `v.frontier.0`), USD per TH/s, whose
    /// list price is `list_usd_per_th`, with the order book's `premium`
    /// ([`Dealer::new_machine_usd_per_th`]).
    pub fn new_machine_usd_per_th(
        &self,
        list_usd_per_th: f64,
        premium: f64,
        v: &MarketView<'_>,
    ) -> f64 {
        let o = outlook(&self.spec, v, self.rewards.last(), None, &[]);
        self.dealer()
            .new_machine_usd_per_th(&o, list_usd_per_th, premium)
    }

    /// Remaining life, years, of machines installed in `installed_year`: valued over at
    /// least [`MIN_REMAINING_LIFE_YEARS`].
    pub(super) fn remaining_life(&self, installed_year: f64, v: &MarketView<'_>) -> f64 {
        (installed_year + self.spec.asic_life_years - v.year).max(MIN_REMAINING_LIFE_YEARS)
    }

    /// The lead time manufacturers quote now for new machines, days: the normal
    /// `asic_lead_time_days`, or the time the factories (making `factory_share_per_month` of
    /// the network's installed `network_ths` TH/s a month) need to work through the order
    /// book, whichever is longer. ASSUMPTION: deliveries are first come, first served.
    pub fn quoted_lead_days(&self, network_ths: f64) -> f64 {
        quoted_lead_days(
            self.spec.asic_lead_time_days,
            self.orders.backlog_ths(),
            self.spec.factory_share_per_month * network_ths / DAYS_PER_MONTH,
        )
    }

    /// The value of a new machine's margins when it arrives after the quoted `lead_days`
    /// rather than the normal lead time, relative to the normal ([`delay_factor`] at the
    /// firm's `discount_rate` and the difficulty growth firms expect).
    pub(super) fn late_delivery_factor(&self, lead_days: f64, discount_rate: f64) -> f64 {
        delay_factor(
            lead_days - self.spec.asic_lead_time_days,
            discount_rate,
            self.spec.difficulty_growth_per_year,
        )
    }

    /// Sells `ths` TH/s of unit `u` (at site `s`, owned by `f`) to the secondary market.
    pub(super) fn sell_unit(&mut self, f: usize, s: usize, u: usize, ths: f64, cx: &mut Cx) {
        let unit = cx.fleet.units()[u];
        let (ths, mw) = self.registry.uninstall(s, u, ths, cx.fleet);
        if ths <= 0.0 {
            return;
        }
        let price = self.secondary_usd_per_th(unit.j_per_th, cx.v) * ths;
        self.secondary.list(Lot {
            model: unit.model,
            j_per_th: unit.j_per_th,
            ths,
            installed_year: self.registry.installed_year(u),
            listed_days: cx.v.now_days(),
        });
        self.finance.receive_asic_sale(f, price);
        let e = cx.event(EventKind::AsicSale, f as u32, s as u32);
        e.mw = mw;
        e.ths = ths;
        e.usd = price;
    }

    /// The secondary-market lot that pays best at a site of `costs`, with `infra` USD per MW
    /// of build-out on top of its price: the lot with the best first-year margin per dollar
    /// ([`super::secondary::SecondaryMarket::best_ranked`]), then its full profitability
    /// index over its remaining life, which must reach `hurdle` (one valuation per call, not
    /// one per lot). Returns the lot and its price per MW.
    fn best_lot(
        &self,
        (outlook, view): (&Outlook<'_>, &FirmView),
        costs: &SiteCosts,
        hurdle: f64,
        infra: f64,
        v: &MarketView<'_>,
    ) -> Option<(usize, f64)> {
        let per_mw =
            |l: &Lot| self.secondary_usd_per_th(l.j_per_th, v) * 1e6 / (l.j_per_th * costs.pue);
        let (i, _) = self
            .secondary
            .best_ranked(outlook.hashprice, costs, infra, per_mw)?;
        let l = &self.secondary.lots()[i];
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
        (f, s): (usize, usize),
        mw: f64,
        lead_days: f64,
        valuation: (&Outlook<'_>, &FirmView),
        costs: &SiteCosts,
        hurdle: f64,
        cx: &mut Cx,
    ) -> bool {
        let infra = self.spec.expansion_capex_usd_per_mw;
        let best = self.best_lot(valuation, costs, hurdle, infra, cx.v);
        let Some((i, per_mw)) = best else {
            return false;
        };
        let l = self.secondary.lots()[i];
        let lot_mw = l.ths * l.j_per_th * costs.pue / 1e6;
        let mw = mw.min(lot_mw);
        let ths = l.ths * mw / lot_mw;
        let cost = (per_mw + infra) * mw;
        if mw < MIN_MW || !self.finance.pay(f, cost) {
            return false;
        }
        self.secondary.take(i, ths);
        let site = self.registry.site_mut(s);
        site.expansion_ordered(mw);
        site.pending_expansions += 1;
        let o = self.orders.place(Order {
            site: s as u32,
            kind: OrderKind::Expand,
            mw,
            model: l.model,
            j_per_th: l.j_per_th,
            ths,
            installed_year: l.installed_year,
        });
        cx.schedule(
            cx.v.now_days() + lead_days,
            Event::AsicDelivery { order: o },
        );
        let e = cx.event(EventKind::AsicPurchase, f as u32, s as u32);
        e.mw = mw;
        e.ths = ths;
        e.usd = cost;
        e.detail = "relocate";
        true
    }

    /// Buys secondary-market lots that pay (PI >= hurdle) into up to `free` MW, best first.
    pub(super) fn buy_secondary(
        &mut self,
        (f, s): (usize, usize),
        mut free: f64,
        valuation: (&Outlook<'_>, &FirmView),
        costs: &SiteCosts,
        hurdle: f64,
        cx: &mut Cx,
    ) {
        while free >= MIN_MW && !self.secondary.lots().is_empty() {
            let best = self.best_lot(valuation, costs, hurdle, 0.0, cx.v);
            let Some((i, _)) = best else { return };
            let l = self.secondary.lots()[i];
            let lot_mw = l.ths * l.j_per_th * costs.pue / 1e6;
            let mw = lot_mw.min(free);
            let ths = l.ths * mw / lot_mw;
            let price = self.secondary_usd_per_th(l.j_per_th, cx.v) * ths;
            if ths <= 1e-9 || !self.finance.pay(f, price) {
                return;
            }
            self.registry
                .install(s, (l.model, l.j_per_th), ths, l.installed_year, cx.fleet);
            self.secondary.take(i, ths);
            free -= mw;
            let e = cx.event(EventKind::AsicSecondaryPurchase, f as u32, s as u32);
            e.mw = mw;
            e.ths = ths;
            e.usd = price;
        }
    }

    /// Orders frontier machines for `mw` at site `s`, paid now, if the firm can pay.
    pub(super) fn order(&mut self, f: usize, s: usize, kind: OrderKind, mw: f64, cx: &mut Cx) {
        let (ef, cf, model) = cx.v.frontier;
        let pue = self.registry.site(s).pue;
        let ths = mw * 1e6 / (ef * pue);
        let mut cost = cf * ths;
        let machines = self.quoted_lead_days(network_ths(cx));
        let lead = match kind {
            OrderKind::Expand => {
                cost += mw * self.spec.expansion_capex_usd_per_mw;
                self.spec.expansion_lead_time_days.max(machines)
            }
            _ => machines,
        };
        if !self.finance.pay(f, cost) {
            return;
        }
        let site = self.registry.site_mut(s);
        if kind == OrderKind::Fill {
            site.reserved_mw += mw;
        }
        if kind == OrderKind::Expand {
            site.expansion_ordered(mw);
            site.pending_expansions += 1;
        } else {
            site.pending_machine_orders += 1;
        }
        let o = self.orders.place(Order {
            site: s as u32,
            kind,
            mw,
            model,
            j_per_th: ef,
            ths,
            installed_year: f64::NAN,
        });
        cx.schedule(cx.v.now_days() + lead, Event::AsicDelivery { order: o });
        let e = cx.event(EventKind::AsicPurchase, f as u32, s as u32);
        e.mw = mw;
        e.ths = ths;
        e.usd = cost;
        e.detail = kind.name();
    }

    /// Delivers order `o`: the machines are installed on the MW the site can still hold (a
    /// conversion may have taken MW meanwhile), the rest listed on the secondary market, as is
    /// all of it at a shut site or for a bankrupt firm. A refresh sells the machines it
    /// replaces; an expansion adds its capacity.
    pub(super) fn deliver(&mut self, o: usize, cx: &mut Cx) {
        let order = self.orders.deliver(o);
        let s = order.site as usize;
        let site = self.registry.site_mut(s);
        let f = site.owner as usize;
        if order.kind == OrderKind::Fill {
            site.reserved_mw = (site.reserved_mw - order.mw).max(0.0);
        }
        if order.kind == OrderKind::Expand {
            site.pending_expansions -= 1;
        } else {
            site.pending_machine_orders -= 1;
        }
        if site.shut || self.finance.is_bankrupt(f) {
            self.secondary.list(Lot {
                model: order.model,
                j_per_th: order.j_per_th,
                ths: order.ths,
                installed_year: cx.v.year,
                listed_days: cx.v.now_days(),
            });
            return;
        }
        match order.kind {
            OrderKind::Fill => {}
            OrderKind::Refresh { unit } => {
                let old = cx.fleet.units()[unit as usize];
                let ths = (order.mw * 1e6 / (old.j_per_th * old.pue)).min(old.ths);
                self.sell_unit(f, s, unit as usize, ths, cx);
            }
            OrderKind::Expand => {
                self.registry.expand(s, order.mw);
                let e = cx.event(EventKind::SiteExpanded, f as u32, s as u32);
                e.mw = order.mw;
            }
        }
        // Whatever the site can hold now (a conversion may have taken MW meanwhile).
        let site = self.registry.site(s);
        let room = site.idle_mw() - site.reserved_mw;
        let mw = order.mw.min(room.max(0.0));
        if mw < order.mw {
            let spare = order.ths * (1.0 - mw / order.mw);
            self.secondary.list(Lot {
                model: order.model,
                j_per_th: order.j_per_th,
                ths: spare,
                installed_year: cx.v.year,
                listed_days: cx.v.now_days(),
            });
        }
        if mw > 1e-9 {
            let ths = order.ths * mw / order.mw;
            let year = if order.installed_year.is_finite() {
                order.installed_year
            } else {
                cx.v.year
            };
            self.registry
                .install(s, (order.model, order.j_per_th), ths, year, cx.fleet);
            let e = cx.event(EventKind::AsicDelivery, f as u32, s as u32);
            e.mw = mw;
            e.ths = ths;
        }
    }
}
