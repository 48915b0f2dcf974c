//! AI contracts through their life: signing (re-lets and conversions), energization
//! (converting MW become AI MW, the construction loan becomes project debt), tenor ends and
//! tenant defaults. Each step takes the AI book, the registry (the site's MW) and, at
//! energization, the firm's finances.

use rand::Rng;

use super::ai_book::{Contract, ContractKind};
use super::registry::AiUse;
use super::{Agents, Cx, Event};
use crate::record::EventKind;

/// The terms of a contract to sign.
#[derive(Debug, Clone, Copy)]
pub(super) struct Signing {
    /// Gross MW it occupies.
    pub gross_mw: f64,
    pub kind: ContractKind,
    /// Locked revenue, USD per MW of critical IT per year.
    pub revenue_usd_per_mw_year: f64,
    /// Start of revenue (energization), days since the run start.
    pub start_days: f64,
    pub tenor_years: f64,
    /// Signed with a conversion (energizing moves MW from converting to AI), not a re-let.
    pub from_conversion: bool,
}

impl Agents {
    /// Tenants of firm `f`'s energized contracts default with probability `1 - exp(-lambda dt)`
    /// over a decision interval (drawn with the firm's stream).
    pub(super) fn tenant_defaults(&mut self, f: usize, cx: &mut Cx) {
        let Some(p) = &self.spec.ai else { return };
        let lambda = p.default_hazard_per_year;
        let dt = self.spec.decision_interval_days / 365.25;
        let prob = 1.0 - (-lambda * dt).exp();
        for k in 0..self.registry.firm(f).sites.len() {
            let s = self.registry.firm(f).sites[k] as usize;
            // Ending a contract keeps it in the site's list (until settled): index by position.
            for j in 0..self.registry.site(s).contracts.len() {
                let c = self.registry.site(s).contracts[j] as usize;
                let ct = *self.ai.contract(c);
                if ct.active && ct.energized && self.registry.firm_mut(f).rng.random::<f64>() < prob
                {
                    self.end_contract(c, cx, true);
                }
            }
        }
    }

    /// Firm `f` signs a contract at site `s` on `terms` (energized at its start); its end is
    /// scheduled. Returns the contract's index.
    pub(super) fn sign(&mut self, f: usize, s: usize, terms: Signing, cx: &mut Cx) -> u32 {
        let p = self.spec.ai.as_ref().expect("market");
        let it_mw = terms.gross_mw * p.gross_to_it;
        let end_days = terms.start_days + terms.tenor_years * 365.25;
        let c = self.ai.sign(Contract {
            site: s as u32,
            kind: terms.kind,
            gross_mw: terms.gross_mw,
            it_mw,
            revenue_usd_per_mw_year: terms.revenue_usd_per_mw_year,
            start_days: terms.start_days,
            end_days,
            active: true,
            energized: false,
            accounted_days: terms.start_days,
            from_conversion: terms.from_conversion,
            construction_debt: 0.0,
        });
        self.registry.site_mut(s).contracts.push(c);
        cx.schedule(end_days, Event::ContractEnd { contract: c });
        let e = cx.event(EventKind::ContractSigned, f as u32, s as u32);
        e.mw = terms.gross_mw;
        e.usd = terms.revenue_usd_per_mw_year * it_mw;
        e.detail = terms.kind.name();
        e.value = terms.revenue_usd_per_mw_year;
        c
    }

    /// Energizes contract `c` (a conversion completes or a re-let starts): a conversion's MW
    /// move from converting to AI and its construction loan becomes project debt.
    pub(super) fn energize(&mut self, c: usize, cx: &mut Cx) {
        let ct = *self.ai.contract(c);
        if !ct.active || ct.energized {
            return;
        }
        let s = ct.site as usize;
        if ct.from_conversion {
            let to = match ct.kind {
                ContractKind::Colocation => AiUse::Colocation,
                ContractKind::Cloud => AiUse::Cloud,
            };
            self.registry.energize(s, ct.gross_mw, to);
            let f = self.registry.site(s).owner;
            let years = self
                .spec
                .ai
                .as_ref()
                .map_or(0.0, |p| p.lead_time_months / 12.0);
            self.finance
                .energize_loan(f as usize, ct.construction_debt, years);
            let e = cx.event(EventKind::ConversionCompleted, f, s as u32);
            e.mw = ct.gross_mw;
            e.detail = ct.kind.name();
        }
        if ct.kind == ContractKind::Colocation {
            self.registry.site_mut(s).leased_colo_mw += ct.gross_mw;
        }
        self.ai.energized(c, cx.v.now_days());
    }

    /// Ends contract `c` now, at its tenor or by the tenant's `default`: a colocation shell
    /// falls vacant, a cloud contract's GPUs are spent and its shell falls vacant; at a shut
    /// site nobody re-lets the shell and its MW fall idle.
    pub(super) fn end_contract(&mut self, c: usize, cx: &mut Cx, default: bool) {
        let Some(ct) = self.ai.end(c, cx.v.now_days()) else {
            return;
        };
        let s = ct.site as usize;
        if ct.energized {
            match ct.kind {
                ContractKind::Colocation => {
                    let site = self.registry.site_mut(s);
                    site.leased_colo_mw = (site.leased_colo_mw - ct.gross_mw).max(0.0);
                }
                ContractKind::Cloud => self.registry.cloud_to_shell(s, ct.gross_mw),
            }
            if self.registry.site(s).shut {
                self.registry.idle_vacant_shells(s);
            }
        }
        let f = self.registry.site(s).owner;
        let kind = if default {
            EventKind::ContractDefaulted
        } else {
            EventKind::ContractEnded
        };
        let e = cx.event(kind, f, s as u32);
        e.mw = ct.gross_mw;
        e.detail = ct.kind.name();
        e.value = ct.revenue_usd_per_mw_year;
    }
}
