//! AI contracts: signing, energization (converting MW become AI MW, the construction loan
//! becomes project debt), tenor ends and tenant defaults.

use rand::Rng;

use super::{Agents, Contract, ContractKind, Event, EventKind, MarketView};

impl Agents {
    pub(super) fn tenant_defaults(&mut self, f: usize, v: &MarketView<'_>) {
        let Some(p) = &self.spec.ai else { return };
        let lambda = p.default_hazard_per_year;
        let dt = self.spec.decision_interval_days / 365.25;
        let prob = 1.0 - (-lambda * dt).exp();
        for k in 0..self.firms[f].sites.len() {
            let s = self.firms[f].sites[k] as usize;
            // Ending a contract keeps it in the site's list (until settled): index by position.
            for j in 0..self.sites[s].contracts.len() {
                let c = self.sites[s].contracts[j] as usize;
                let ct = self.contracts[c];
                if ct.active && ct.energized && self.firms[f].rng.random::<f64>() < prob {
                    self.end_contract(c, v, true);
                }
            }
        }
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
            let with_interest = built * (1.0 + self.spec.debt_interest_rate).powf(years);
            firm.project_debt += with_interest;
            // The period reports the capitalized interest as interest paid with money the
            // loan lends: cash is unchanged and the debt's roll-forward closes
            // (debt change = borrowed - repaid).
            let capitalized = with_interest - built;
            firm.ledger.interest += capitalized;
            firm.ledger.borrowed += capitalized;
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

    /// The AI shells of site `s` that no tenant leases become idle MW (a shut site's).
    pub(super) fn idle_vacant_shells(&mut self, s: usize) {
        let site = &mut self.sites[s];
        let vacant = (site.ai_colo_mw - site.leased_colo_mw).max(0.0);
        site.ai_colo_mw -= vacant;
        self.totals.ai_colo -= vacant;
    }

    pub(super) fn end_contract(&mut self, c: usize, v: &MarketView<'_>, default: bool) {
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
            if site.shut {
                // Nobody re-lets the shell of a shut site: its MW fall idle.
                self.idle_vacant_shells(s);
            }
        }
        let f = self.sites[s].owner;
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
}
