//! Conversions to AI as a market: firms bid, the open demand is allocated monthly.
//!
//! At its decision a firm values converting each AI-suitable site (module
//! `hashshift_models::firms::valuation`) and, when the best AI option clears its hurdle and it
//! can pay its equity share, bids for the site's MW with its surplus per MW,
//! `PV_ai + salvage - hurdle x (capex + V_mining)`. On the first day of each month the market
//! allocates the open demand to the bids in decreasing order of surplus (ties by firm and site),
//! so the sites with the most to gain (the least valuable mining, the cheapest conversions)
//! convert first rather than the firms that happen to decide first. A winning bid converts the
//! whole site (or, with hybrid operation, the part the remaining open demand takes); bids that
//! do not fit wait for the next month's decision.

use hashshift_models::firms::valuation::{AiTerms, AiValue, FirmView, Outlook};
use hashshift_models::mining::fleet::Fleet;

use super::decide::{SiteValues, MIN_MW, SELL_FRICTION};
use super::{Agents, ContractKind, Event, EventKind, MarketView};

/// The AI options valued at the last decision: colocation by (firm, time, colocation rate,
/// cloud revenue), cloud by that key and the energy price (bits of the `f64`s).
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct AiValueMemo {
    colocation: Option<(MemoKey, AiValue)>,
    cloud: Option<((MemoKey, u64), AiValue)>,
}

type MemoKey = (u32, u64, u64, u64);

/// The value in `slot` if it was computed for `key`, else `value()`, kept in `slot`.
fn memo<K: PartialEq + Copy>(
    slot: &mut Option<(K, AiValue)>,
    key: K,
    value: impl FnOnce() -> AiValue,
) -> AiValue {
    match *slot {
        Some((k, v)) if k == key => v,
        _ => {
            let v = value();
            *slot = Some((key, v));
            v
        }
    }
}

/// A firm's bid to convert a site.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Bid {
    pub firm: u32,
    pub site: u32,
    /// Gross MW asked for.
    pub mw: f64,
    pub kind: ContractKind,
    /// Locked revenue, USD per MW of critical IT per year.
    pub revenue_usd_per_mw_year: f64,
    pub tenor_years: f64,
    /// Capex per gross MW, USD.
    pub capex_per_mw: f64,
    /// Surplus over the hurdle per gross MW, USD (the bid's rank).
    pub surplus_per_mw: f64,
    /// The firm's hurdle (reported with the conversion).
    pub hurdle: f64,
}

impl Agents {
    /// Re-lets vacant colocation shells at the current rate.
    pub(super) fn relet(&mut self, f: usize, s: usize, v: &MarketView<'_>) {
        let site = &self.sites[s];
        let vacant = site.ai_colo_mw - site.leased_colo_mw;
        if vacant < MIN_MW {
            return;
        }
        let p = self.spec.ai.as_ref().expect("market");
        let (gross_to_it, tenor_years) = (p.gross_to_it, p.tenor_years);
        let m = self.market.as_ref().expect("market");
        let open = m.open_demand_mw(v.t_years()) / gross_to_it;
        let mw = vacant.min(open);
        if mw < MIN_MW {
            return;
        }
        let rate = m.colocation_rate(v.t_years());
        self.sign(
            f,
            s,
            mw,
            ContractKind::Colocation,
            rate,
            v.now_days,
            tenor_years,
            false,
            v,
        );
        let c = self.contracts.len() - 1;
        self.energize(c, v);
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn consider_conversion(
        &mut self,
        f: usize,
        s: usize,
        outlook: &Outlook<'_>,
        view: FirmView,
        sv: &SiteValues,
        hurdle: f64,
        fleet: &mut Fleet,
        v: &MarketView<'_>,
    ) {
        let p = self.spec.ai.as_ref().expect("market");
        let t = v.t_years();
        let site = &self.sites[s];
        let convertible = site.mining_mw + site.free_mw();
        if convertible < MIN_MW {
            return;
        }
        let m = self.market.as_ref().expect("market");
        let open_gross = m.open_demand_mw(t) / p.gross_to_it;
        let mw = if self.spec.hybrid {
            convertible.min(open_gross)
        } else if convertible <= open_gross {
            convertible
        } else {
            0.0
        };
        if mw < MIN_MW {
            return;
        }
        // The cheapest option (colocation) must be affordable before anything is valued.
        let firm = &self.firms[f];
        let min_equity =
            mw * p.gross_to_it * p.colo_capex_usd_per_mw_it * (1.0 - firm.project_finance);
        if min_equity > firm.cash.max(0.0) + firm.available_credit() {
            return;
        }
        let costs = sv.costs;
        // Mining value and salvage per MW: the installed machines on their MW, a new cycle on
        // free MW.
        let (e, rem, salvage_total) = self.site_fleet_profile(s, fleet, v);
        let installed_value = if site.mining_mw > 0.0 {
            outlook.mining_value(&view, &costs, e, rem)
        } else {
            0.0
        };
        let free_value = sv.new_cycle.max(0.0);
        let w = site.mining_mw / convertible;
        let v_mining = w * installed_value + (1.0 - w) * free_value;
        // Sold at the price sellers net (after removal, shipping and the dealer's spread).
        let salvage = SELL_FRICTION * salvage_total / convertible;
        let terms = AiTerms {
            colo_rate: m.colocation_rate(t),
            cloud_revenue: p.cloud_revenue_usd_per_mw_year(m.gpu_hour_usd(t)),
            gross_to_it: p.gross_to_it,
            colo_capex_per_mw_it: p.colo_capex_usd_per_mw_it,
            gpu_capex_per_mw_it: p.gpu_capex_usd_per_mw_it,
            lead_years: p.lead_time_months / 12.0,
            noi_margin: p.noi_margin,
            default_hazard: p.default_hazard_per_year,
            gpu_life_years: p.gpu_life_years,
            cloud_opex_share: p.cloud_opex_share,
            gpu_utilization: p.gpu_utilization,
        };
        // AI cash flows are contracted and project-financed: they are discounted at the
        // project's cost of capital (debt share at the debt rate, the rest at the firm's), over
        // the shell's life (contract renewed or re-let at the same rate after the tenor).
        let pf = self.firms[f].project_finance;
        let ai_view = |tenor: f64| FirmView {
            discount_rate: pf * self.spec.debt_interest_rate + (1.0 - pf) * view.discount_rate,
            horizon_years: terms.lead_years + tenor,
            price_drift: 0.0,
        };
        // Colocation depends on the firm and the market terms only, cloud on the site's energy
        // price too: valued once per decision (and energy price) for all the firm's sites.
        let key = (
            f as u32,
            v.now_days.to_bits(),
            terms.colo_rate.to_bits(),
            terms.cloud_revenue.to_bits(),
        );
        let energy = costs.energy_usd_per_kwh.to_bits();
        let colo = memo(&mut self.ai_values.colocation, key, || {
            terms.colocation(&ai_view(p.shell_life_years))
        });
        let cloud = memo(&mut self.ai_values.cloud, (key, energy), || {
            terms.cloud(&ai_view(p.shell_life_years), costs.energy_usd_per_kwh)
        });
        let options = [
            (
                ContractKind::Colocation,
                colo,
                terms.colo_rate,
                p.tenor_years,
            ),
            (
                ContractKind::Cloud,
                cloud,
                terms.cloud_revenue,
                p.gpu_life_years,
            ),
        ];
        let best = options
            .iter()
            .filter(|o| o.1.pv + salvage >= hurdle * (o.1.capex + v_mining.max(0.0)))
            .max_by(|a, b| {
                let ea = a.1.pv + salvage - hurdle * (a.1.capex + v_mining.max(0.0));
                let eb = b.1.pv + salvage - hurdle * (b.1.capex + v_mining.max(0.0));
                ea.total_cmp(&eb)
            })
            .copied();
        let Some((kind, value, revenue, tenor)) = best else {
            return;
        };
        let capex = value.capex * mw;
        let firm = &self.firms[f];
        if capex * (1.0 - firm.project_finance) > firm.cash.max(0.0) + firm.available_credit() {
            return;
        }
        let surplus = value.pv + salvage - hurdle * (value.capex + v_mining.max(0.0));
        self.bids.push(Bid {
            firm: f as u32,
            site: s as u32,
            mw,
            kind,
            revenue_usd_per_mw_year: revenue,
            tenor_years: tenor,
            capex_per_mw: value.capex,
            surplus_per_mw: surplus,
            hurdle,
        });
    }

    /// Allocates the open demand to this month's bids, best surplus first.
    pub fn clear_bids(&mut self, fleet: &mut Fleet, v: &MarketView<'_>) {
        let mut bids = std::mem::take(&mut self.bids);
        bids.sort_by(|a, b| {
            b.surplus_per_mw
                .total_cmp(&a.surplus_per_mw)
                .then(a.firm.cmp(&b.firm))
                .then(a.site.cmp(&b.site))
        });
        let Some(p) = self.spec.ai.clone() else {
            return;
        };
        for bid in &bids {
            let m = self.market.as_ref().expect("market");
            let open_gross = m.open_demand_mw(v.t_years()) / p.gross_to_it;
            if open_gross < MIN_MW {
                break;
            }
            self.execute(bid, open_gross, fleet, v);
        }
        bids.clear();
        self.bids = bids;
    }

    /// Converts what a winning bid asks for, if the site, the open demand (`open_gross`, gross
    /// MW) and the firm's finances still allow: sells the machines on the MW, pays the capex
    /// (project debt for its share), signs the contract and starts the lead time.
    fn execute(&mut self, bid: &Bid, open_gross: f64, fleet: &mut Fleet, v: &MarketView<'_>) {
        let p = self.spec.ai.clone().expect("market");
        let (f, s) = (bid.firm as usize, bid.site as usize);
        let site = &self.sites[s];
        if self.firms[f].bankrupt || site.shut || site.owner != bid.firm {
            return;
        }
        // The site may have changed since the bid: convert what it still has, all of it
        // without hybrid operation.
        let convertible = site.mining_mw + site.free_mw();
        let mw = if self.spec.hybrid {
            bid.mw.min(convertible).min(open_gross)
        } else if convertible <= open_gross {
            convertible
        } else {
            0.0
        };
        if mw < MIN_MW {
            return;
        }
        let capex = bid.capex_per_mw * mw;
        let firm = &self.firms[f];
        let equity = capex * (1.0 - firm.project_finance);
        if equity > firm.cash.max(0.0) + firm.available_credit() {
            return;
        }
        let (kind, revenue, tenor, hurdle) = (
            bid.kind,
            bid.revenue_usd_per_mw_year,
            bid.tenor_years,
            bid.hurdle,
        );
        // Sell the machines on the converted MW, least efficient first.
        let mut to_clear = (mw - self.sites[s].free_mw()).max(0.0);
        let mut units = self.sites[s].units.clone();
        units.sort_by(|&a, &b| {
            fleet.units()[b as usize]
                .j_per_th
                .total_cmp(&fleet.units()[a as usize].j_per_th)
        });
        for u in units {
            if to_clear <= 1e-12 {
                break;
            }
            let unit = fleet.units()[u as usize];
            if unit.ths <= 0.0 {
                continue;
            }
            let unit_mw = unit.ths * unit.j_per_th * unit.pue / 1e6;
            let take = unit_mw.min(to_clear);
            self.sell_unit(f, s, u as usize, take / unit_mw * unit.ths, fleet, v);
            to_clear -= take;
        }
        let mw = mw
            .min(self.sites[s].idle_mw() - self.sites[s].reserved_mw)
            .max(0.0);
        if mw < MIN_MW {
            return;
        }
        let capex = bid.capex_per_mw * mw;
        let debt = capex * self.firms[f].project_finance;
        {
            let firm = &mut self.firms[f];
            firm.construction_debt += debt;
            firm.cash += debt;
            firm.ledger.borrowed += debt;
        }
        let paid = self.pay(f, capex);
        debug_assert!(paid, "financing checked above");
        self.sites[s].converting_mw += mw;
        self.totals.converting += mw;
        let start = v.now_days + p.lead_time_months / 12.0 * 365.25;
        self.sign(f, s, mw, kind, revenue, start, tenor, true, v);
        let c = self.contracts.len() - 1;
        self.contracts[c].construction_debt = debt;
        self.schedule(start, Event::ConversionComplete { contract: c as u32 });
        let e = self.event(v, EventKind::ConversionStarted, f as u32, s as u32);
        e.mw = mw;
        e.usd = capex;
        e.detail = kind.name();
        e.value = hurdle;
    }
}
