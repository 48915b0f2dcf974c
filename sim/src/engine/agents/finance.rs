//! A firm's cash: the monthly settlement (flows by source, credit line, bankruptcy test),
//! payments, bankruptcy (machines to the secondary market, sites sold or shut) and the firm's
//! row of the `firms` table. The identity the flows obey is in `hashshift_models::firms::ledger`.

use hashshift_models::firms::Ledger;
use hashshift_models::mining::fleet::Fleet;

use super::{Agents, ContractKind, EventKind, FirmMonthRecord, MarketView};

impl Agents {
    /// Settles firm `f`'s flows up to now; returns false if it went bankrupt.
    pub(super) fn settle(&mut self, f: usize, fleet: &mut Fleet, v: &MarketView<'_>) -> bool {
        let now = v.now_days;
        let dt_days = (now - self.firms[f].last_settled_days).max(0.0);
        let mut l = Ledger::default();
        let ai = self.spec.ai.as_ref();
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
            let contracts = &mut self.contracts;
            self.sites[s].contracts.retain(|&c| {
                let ct = &mut contracts[c as usize];
                if ct.energized {
                    let from = ct.accounted_days.max(ct.start_days);
                    let to = now.min(ct.end_days);
                    if to > from {
                        let years = (to - from) / 365.25;
                        let rev = ct.revenue_usd_per_mw_year * ct.it_mw * years;
                        let p = ai.expect("contracts exist only with a market");
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
                ct.active || ct.accounted_days < ct.end_days
            });
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

    pub(super) fn bankrupt(&mut self, f: usize, fleet: &mut Fleet, v: &MarketView<'_>) {
        self.firms[f].bankrupt = true;
        self.bankruptcies += 1;
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
                    self.site_owners[s] = b as u32;
                    let mw = self.sites[s].capacity_mw;
                    let e = self.event(v, EventKind::SiteSold, b as u32, s as u32);
                    e.mw = mw;
                    e.usd = price;
                    e.value = f as f64;
                }
                None => {
                    // Shut: the creditors abandon the unfinished conversions and the machines
                    // are sold; the AI tenants already served keep their contracts (the
                    // creditors collect) until the tenor or a default ends them, and only
                    // then does their MW fall idle (see `end_contract`). Vacant AI shells are
                    // idle at once.
                    for c in self.sites[s].contracts.clone() {
                        if !self.contracts[c as usize].energized {
                            self.end_contract(c as usize, v, true);
                        }
                    }
                    let site = &mut self.sites[s];
                    site.shut = true;
                    self.totals.converting -= site.converting_mw;
                    site.converting_mw = 0.0;
                    self.idle_vacant_shells(s);
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

    /// Records firm `f`'s row of the month (when rows are recorded) and starts its next
    /// ledger period.
    pub(super) fn push_row(&mut self, f: usize, fleet: &Fleet, v: &MarketView<'_>) {
        if !self.record_firm_rows {
            self.firms[f].ledger = Ledger::default();
            return;
        }
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
            efficiency_j_per_th: None,
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
            r.efficiency_j_per_th = Some(w_e / r.installed_ths);
        }
        self.firm_rows.push(r);
        self.firms[f].ledger = Ledger::default();
    }
}
