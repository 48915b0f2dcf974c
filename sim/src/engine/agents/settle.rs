//! A firm's period: the settlement of its sites' and contracts' flows (the fleet's exact
//! accrual of mining revenue and energy, mining opex on the MW that ran, AI revenue and costs)
//! through its account, its bankruptcy (machines to the secondary market, sites sold or shut),
//! and its row of the `firms` table.

use hashshift_models::firms::Ledger;

use super::{Agents, Cx};
use crate::record::{EventKind, FirmMonthRecord};

impl Agents {
    /// Settles firm `f`'s flows up to now; returns false if it went bankrupt.
    pub(super) fn settle(&mut self, f: usize, cx: &mut Cx) -> bool {
        let now = cx.v.now_days();
        let dt_days = self.finance.period_days(f, now);
        let mut l = Ledger::default();
        let ai = self.spec.ai.as_ref();
        for k in 0..self.registry.firm(f).sites.len() {
            let s = self.registry.firm(f).sites[k] as usize;
            let acc = cx.fleet.take_site_accrual(s, now);
            l.mining_revenue += acc.revenue_usd;
            l.energy += acc.energy_usd + acc.carbon_usd;
            let site = self.registry.site(s);
            // Mining opex on the MW that runs now (stopped machines cost nothing to keep).
            let installed: f64 = site
                .units
                .iter()
                .map(|&u| cx.fleet.units()[u as usize].ths)
                .sum();
            let running_share = if installed > 0.0 {
                (cx.fleet.site_running_ths(s) / installed).min(1.0)
            } else {
                0.0
            };
            l.opex +=
                site.mining_mw * running_share * self.spec.mining_opex_usd_per_mw_year * dt_days
                    / 365.25;
            // The fixed cost of the mining MW that stand idle: stopped machines' and empty.
            l.idle += (site.mining_mw * (1.0 - running_share) + site.idle_mw())
                * self.spec.idle_usd_per_mw_year
                * dt_days
                / 365.25;
            let energy = cx.v.site_energy(site);
            self.ai.accrue(
                &mut self.registry.site_mut(s).contracts,
                now,
                energy,
                ai,
                &mut l,
            );
        }
        self.finance.settle(f, l, dt_days, now)
    }

    /// Firm `f` goes bankrupt: its machines go to the secondary market, each of its sites is
    /// sold (with its AI contracts) to the firm with the most cash that can pay
    /// `0.5 x build-out cost x capacity + 3 x yearly contract revenue` for it, or shut; the
    /// creditors take the estate and write off the rest.
    pub(super) fn bankrupt(&mut self, f: usize, cx: &mut Cx) {
        self.finance.declare_bankrupt(f);
        let sites = self.registry.take_sites(f);
        let sold_or_shut_contracts: Vec<u32> = sites
            .iter()
            .flat_map(|&s| self.registry.site(s as usize).contracts.iter().copied())
            .collect();
        let debt = self.finance.account(f).debt();
        let e = cx.event(EventKind::Bankruptcy, f as u32, 0);
        e.usd = debt;
        e.site = None;
        for s in sites {
            let s = s as usize;
            for u in self.registry.site(s).units.clone() {
                let ths = cx.fleet.units()[u as usize].ths;
                self.sell_unit(f, s, u as usize, ths, cx);
            }
            // The sale proceeds go to the creditors.
            let site = self.registry.site(s);
            let noi = self.ai.running_revenue_usd_per_year(&site.contracts);
            let price = 0.5 * self.spec.expansion_capex_usd_per_mw * site.capacity_mw + 3.0 * noi;
            match self.finance.site_buyer(price) {
                Some(b) => {
                    self.finance.buy_site(b, price);
                    self.registry.transfer(s, b);
                    let mw = self.registry.site(s).capacity_mw;
                    let e = cx.event(EventKind::SiteSold, b as u32, s as u32);
                    e.mw = mw;
                    e.usd = price;
                    e.value = f as f64;
                }
                // Shut: the creditors collect from the tenants already served.
                None => self.shut_site(f, s, cx),
            }
        }
        // The estate's cash (and the sale proceeds) go to the creditors, who write off the
        // rest, construction loans of unfinished conversions included (a buyer takes the sites
        // free of them).
        for &c in &sold_or_shut_contracts {
            self.ai.write_off_construction(c as usize);
        }
        self.finance.write_off(f);
    }

    /// Records firm `f`'s row of the month (when the outbox keeps firm rows) and starts its
    /// next ledger period.
    pub(super) fn push_row(&mut self, f: usize, cx: &mut Cx) {
        if cx.out.keeps_firm_rows() {
            let row = self.firm_row(f, cx);
            cx.out.firm_row(row);
        }
        self.finance.reset_ledger(f);
    }

    /// Shuts site `s` of firm `f` (its machines already sold): the unfinished conversions are
    /// abandoned; the AI tenants already served keep their contracts until the tenor or a
    /// default ends them, and only then does their MW fall idle (see `end_contract`); vacant
    /// AI shells are idle at once.
    pub(super) fn shut_site(&mut self, f: usize, s: usize, cx: &mut Cx) {
        for c in self.registry.site(s).contracts.clone() {
            if !self.ai.contract(c as usize).energized {
                self.end_contract(c as usize, cx, true);
            }
        }
        self.registry.shut(s);
        let mw = self.registry.site(s).capacity_mw;
        let e = cx.event(EventKind::SiteShut, f as u32, s as u32);
        e.mw = mw;
    }

    /// Firm `f`'s row of the `firms` table now: its sites' MW and machines, its cash, debt and
    /// the period's flows.
    fn firm_row(&self, f: usize, cx: &Cx) -> FirmMonthRecord {
        let firm = self.registry.firm(f);
        let account = self.finance.account(f);
        let ledger = &account.ledger;
        let mut r = FirmMonthRecord {
            time_unix: cx.v.now_unix(),
            firm: firm.id,
            ticker: firm.ticker.clone(),
            public: firm.public,
            state: if account.bankrupt {
                "bankrupt"
            } else {
                "active"
            },
            sites: firm.sites.len() as u32,
            capacity_mw: 0.0,
            mining_mw: 0.0,
            converting_mw: 0.0,
            ai_colo_mw: 0.0,
            ai_cloud_mw: 0.0,
            idle_mw: 0.0,
            installed_ths: 0.0,
            running_ths: 0.0,
            efficiency_j_per_th: None,
            cash_usd: account.cash,
            debt_usd: account.debt(),
            mining_revenue_usd: ledger.mining_revenue,
            colo_revenue_usd: ledger.colo_revenue,
            cloud_revenue_usd: ledger.cloud_revenue,
            sales_usd: ledger.asic_sales + ledger.site_sales,
            energy_usd: ledger.energy,
            opex_usd: ledger.opex,
            idle_cost_usd: ledger.idle,
            interest_usd: ledger.interest,
            capex_usd: ledger.capex + ledger.site_purchases,
            borrowed_usd: ledger.borrowed,
            repaid_usd: ledger.repaid,
            expected_drift: firm.beliefs.expected_drift(),
        };
        let mut w_e = 0.0;
        for &s in &firm.sites {
            let site = self.registry.site(s as usize);
            r.capacity_mw += site.capacity_mw;
            r.mining_mw += site.mining_mw;
            r.converting_mw += site.converting_mw;
            r.ai_colo_mw += site.ai_colo_mw;
            r.ai_cloud_mw += site.ai_cloud_mw;
            r.idle_mw += site.idle_mw();
            r.running_ths += cx.fleet.site_running_ths(s as usize);
            for &u in &site.units {
                let unit = &cx.fleet.units()[u as usize];
                r.installed_ths += unit.ths;
                w_e += unit.ths * unit.j_per_th;
            }
        }
        if r.installed_ths > 0.0 {
            r.efficiency_j_per_th = Some(w_e / r.installed_ths);
        }
        r
    }
}
