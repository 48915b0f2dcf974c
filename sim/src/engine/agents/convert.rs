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
//! do not fit wait for the next month's decision. Vacant colocation shells are re-let at the
//! current rate at their owner's decision.

use hashshift_models::firms::valuation::{AiTerms, FirmView};

use super::ai_book::{Bid, ContractKind};
use super::contracts::Signing;
use super::decide::{SiteValuation, MIN_MW};
use super::secondary::SELL_FRICTION;
use super::{Agents, Cx, Event};
use crate::record::EventKind;

impl Agents {
    /// Re-lets vacant colocation shells at the current rate.
    pub(super) fn relet(&mut self, f: usize, s: usize, cx: &mut Cx) {
        let v = cx.v;
        let site = self.registry.site(s);
        let vacant = site.ai_colo_mw - site.leased_colo_mw;
        if vacant < MIN_MW {
            return;
        }
        let p = self.spec.ai.as_ref().expect("market");
        let (gross_to_it, tenor_years) = (p.gross_to_it, p.tenor_years);
        let m = self.ai.market().expect("market");
        let open = m.open_demand_mw(v.t_years()) / gross_to_it;
        let mw = vacant.min(open);
        if mw < MIN_MW {
            return;
        }
        let rate = m.colocation_rate(v.t_years());
        let signing = Signing {
            gross_mw: mw,
            kind: ContractKind::Colocation,
            revenue_usd_per_mw_year: rate,
            start_days: v.now_days(),
            tenor_years,
            from_conversion: false,
        };
        let c = self.sign(f, s, signing, cx);
        self.energize(c as usize, cx);
    }

    /// The MW a conversion takes of `asked` MW at a site with `convertible` MW (its machines'
    /// and free MW) when `open_gross` MW of demand are open: with hybrid operation what the
    /// demand takes, otherwise the whole site or nothing.
    fn conversion_mw(&self, asked: f64, convertible: f64, open_gross: f64) -> f64 {
        if self.spec.hybrid {
            asked.min(convertible).min(open_gross)
        } else if convertible <= open_gross {
            convertible
        } else {
            0.0
        }
    }

    /// Values converting site `s` of firm `f` (`hurdle`: the firm's real-option hurdle) and
    /// files a bid when the best AI option clears it and the firm can pay its equity share.
    pub(super) fn consider_conversion(
        &mut self,
        f: usize,
        s: usize,
        sv: &SiteValuation<'_>,
        hurdle: f64,
        cx: &mut Cx,
    ) {
        let v = cx.v;
        let p = self.spec.ai.as_ref().expect("market");
        let t = v.t_years();
        let site = self.registry.site(s);
        let convertible = site.mining_mw + site.free_mw();
        if convertible < MIN_MW {
            return;
        }
        let m = self.ai.market().expect("market");
        let open_gross = m.open_demand_mw(t) / p.gross_to_it;
        let mw = self.conversion_mw(convertible, convertible, open_gross);
        if mw < MIN_MW {
            return;
        }
        // The cheapest option (colocation) must be affordable before anything is valued.
        let account = self.finance.account(f);
        let min_equity =
            mw * p.gross_to_it * p.colo_capex_usd_per_mw_it * (1.0 - account.project_finance);
        if min_equity > account.funds() {
            return;
        }
        let (outlook, view, costs) = (sv.outlook, sv.view, sv.costs);
        // Mining value and salvage per MW: the installed machines on their MW, a new cycle on
        // free MW.
        let (e, rem, salvage_total) = self.site_fleet_profile(s, cx);
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
        let pf = account.project_finance;
        let debt_rate = self.spec.debt_interest_rate;
        let ai_view = |tenor: f64| FirmView {
            discount_rate: pf * debt_rate + (1.0 - pf) * view.discount_rate,
            horizon_years: terms.lead_years + tenor,
            price_drift: 0.0,
        };
        // Colocation depends on the firm and the market terms only, cloud on the site's energy
        // price too: valued once per decision (and energy price) for all the firm's sites.
        let key = (
            f as u32,
            v.now_days().to_bits(),
            terms.colo_rate.to_bits(),
            terms.cloud_revenue.to_bits(),
        );
        let energy = costs.energy_usd_per_kwh.to_bits();
        let shell_life = p.shell_life_years;
        let (tenor_years, gpu_life_years) = (p.tenor_years, p.gpu_life_years);
        let colo = self
            .ai
            .colocation_value(key, || terms.colocation(&ai_view(shell_life)));
        let cloud = self.ai.cloud_value(key, energy, || {
            terms.cloud(&ai_view(shell_life), costs.energy_usd_per_kwh)
        });
        let options = [
            (ContractKind::Colocation, colo, terms.colo_rate, tenor_years),
            (
                ContractKind::Cloud,
                cloud,
                terms.cloud_revenue,
                gpu_life_years,
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
        let account = self.finance.account(f);
        if capex * (1.0 - account.project_finance) > account.funds() {
            return;
        }
        let surplus = value.pv + salvage - hurdle * (value.capex + v_mining.max(0.0));
        self.ai.bid(Bid {
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
    pub(super) fn clear_bids(&mut self, cx: &mut Cx) {
        let bids = self.ai.take_bids();
        let Some(gross_to_it) = self.spec.ai.as_ref().map(|p| p.gross_to_it) else {
            return;
        };
        for bid in &bids {
            let m = self.ai.market().expect("market");
            let open_gross = m.open_demand_mw(cx.v.t_years()) / gross_to_it;
            if open_gross < MIN_MW {
                break;
            }
            self.execute(bid, open_gross, cx);
        }
        self.ai.return_bids(bids);
    }

    /// Converts what a winning bid asks for, if the site, the open demand (`open_gross`, gross
    /// MW) and the firm's finances still allow: sells the machines on the MW, pays the capex
    /// (project debt for its share), signs the contract and starts the lead time.
    fn execute(&mut self, bid: &Bid, open_gross: f64, cx: &mut Cx) {
        let lead_time_months = self.spec.ai.as_ref().expect("market").lead_time_months;
        let (f, s) = (bid.firm as usize, bid.site as usize);
        let site = self.registry.site(s);
        if self.finance.is_bankrupt(f) || site.shut || site.owner != bid.firm {
            return;
        }
        // The site may have changed since the bid: convert what it still has, all of it
        // without hybrid operation.
        let convertible = site.mining_mw + site.free_mw();
        let mw = self.conversion_mw(bid.mw, convertible, open_gross);
        if mw < MIN_MW {
            return;
        }
        let capex = bid.capex_per_mw * mw;
        let account = self.finance.account(f);
        let equity = capex * (1.0 - account.project_finance);
        if equity > account.funds() {
            return;
        }
        // Sell the machines on the converted MW, least efficient first.
        let mut to_clear = (mw - site.free_mw()).max(0.0);
        let mut units = site.units.clone();
        let fleet_units = cx.fleet.units();
        units.sort_by(|&a, &b| {
            fleet_units[b as usize]
                .j_per_th
                .total_cmp(&fleet_units[a as usize].j_per_th)
        });
        for u in units {
            if to_clear <= 1e-12 {
                break;
            }
            let unit = cx.fleet.units()[u as usize];
            if unit.ths <= 0.0 {
                continue;
            }
            let unit_mw = unit.ths * unit.j_per_th * unit.pue / 1e6;
            let take = unit_mw.min(to_clear);
            self.sell_unit(f, s, u as usize, take / unit_mw * unit.ths, cx);
            to_clear -= take;
        }
        let site = self.registry.site(s);
        let mw = mw.min(site.idle_mw() - site.reserved_mw).max(0.0);
        if mw < MIN_MW {
            return;
        }
        let capex = bid.capex_per_mw * mw;
        let debt = self.finance.borrow_construction(f, capex);
        let paid = self.finance.pay(f, capex);
        debug_assert!(paid, "financing checked above");
        self.registry.start_converting(s, mw);
        let start = cx.v.now_days() + lead_time_months / 12.0 * 365.25;
        let signing = Signing {
            gross_mw: mw,
            kind: bid.kind,
            revenue_usd_per_mw_year: bid.revenue_usd_per_mw_year,
            start_days: start,
            tenor_years: bid.tenor_years,
            from_conversion: true,
        };
        let c = self.sign(f, s, signing, cx);
        self.ai.set_construction_debt(c as usize, debt);
        cx.schedule(start, Event::ConversionComplete { contract: c });
        let e = cx.event(EventKind::ConversionStarted, f as u32, s as u32);
        e.mw = mw;
        e.usd = capex;
        e.detail = bid.kind.name();
        e.value = bid.hurdle;
    }
}
