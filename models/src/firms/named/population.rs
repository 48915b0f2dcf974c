//! How named firms enter a run: their sites and machines, a population beside the generated
//! one ([`named_population`]), and each firm's finances and strategy ([`named_firm_spec`]).
//!
//! Each firm's self-mining hashrate is spread over its sites in proportion to capacity, at its
//! fleet-average efficiency, on the catalog model closest in efficiency (for ids and
//! lifetimes), at most what a site can power. A named firm is public, with the generated
//! public firms' cash, debt and credit per MW and project finance, and the midpoint of each
//! strategy range with naive beliefs (ASSUMPTION: the table says nothing about strategies).

use super::NamedFirm;
use crate::firms::{BeliefModel, FirmPopulationParams, FirmSpec, Strategy};
use crate::hardware::Catalog;
use crate::mining::fleet::Unit;
use crate::mining::population::{Population, Site};

/// PUE of named firms' sites (ASSUMPTION: large modern sites).
pub const NAMED_PUE: f64 = 1.08;

/// The named firms' sites and machines at calendar year `year` (with fraction), numbered from
/// 0 in table order (each firm's sites in order): each firm's self-mining hashrate spread over
/// its sites in proportion to capacity, at its efficiency, on the model of `catalog` released
/// by `year` closest in efficiency (id 0 when none is), at most `capacity x 10^6 / (J/TH x PUE)`
/// TH/s per site. A site without machines has no unit.
pub fn named_population(firms: &[NamedFirm], catalog: &Catalog, year: f64) -> Population {
    let mut pop = Population {
        sites: Vec::new(),
        units: Vec::new(),
    };
    for f in firms {
        let model = catalog
            .available_at(year)
            .min_by(|x, y| {
                (x.efficiency_j_per_th() - f.efficiency_j_per_th)
                    .abs()
                    .total_cmp(&(y.efficiency_j_per_th() - f.efficiency_j_per_th).abs())
            })
            .map_or(0, |m| m.id());
        let cap = f.capacity_mw();
        let ths_total = f.self_mining_ehs * 1e6;
        for s in &f.sites {
            let id = pop.sites.len() as u32;
            pop.sites.push(Site {
                id,
                region: s.region,
                capacity_mw: s.capacity_mw,
                pue: NAMED_PUE,
                price_factor: 1.0,
            });
            let ths = ths_total * s.capacity_mw / cap;
            // Machines at the meter cannot exceed the site.
            let ths = ths.min(s.capacity_mw * 1e6 / (f.efficiency_j_per_th * NAMED_PUE));
            if ths > 0.0 {
                pop.units.push(Unit {
                    site: id,
                    region: s.region.index() as u16,
                    model,
                    ths,
                    j_per_th: f.efficiency_j_per_th,
                    pue: NAMED_PUE,
                    price_factor: 1.0,
                });
            }
        }
    }
    pop
}

/// A named firm's strategy: the midpoint of each of the generated firms' ranges (public cost of
/// capital), naive beliefs; it buys new machines (as public firms do).
pub fn named_strategy(p: &FirmPopulationParams) -> Strategy {
    Strategy {
        discount_rate: 0.5 * (p.discount_rate_public.0 + p.discount_rate_public.1),
        horizon_years: 0.5 * (p.horizon_years.0 + p.horizon_years.1),
        risk_aversion: 0.5 * (p.risk_aversion.0 + p.risk_aversion.1),
        mining_hurdle: 0.5 * (p.mining_hurdle.0 + p.mining_hurdle.1),
        belief: BeliefModel::Naive,
        buys_new: true,
    }
}

/// A named firm owning `sites` of `capacity_mw` MW in all: public, with the mean cash and debt
/// per MW of `p`, the public credit line per MW and project finance, and [`named_strategy`].
pub fn named_firm_spec(p: &FirmPopulationParams, sites: Vec<u32>, capacity_mw: f64) -> FirmSpec {
    FirmSpec {
        sites,
        public: true,
        cash_usd: p.cash_usd_per_mw * capacity_mw,
        debt_usd: p.debt_usd_per_mw * capacity_mw,
        credit_usd: p.credit_usd_per_mw_public * capacity_mw,
        project_finance: p.project_finance_public,
        strategy: named_strategy(p),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firms::named::public_miners;
    use crate::hardware::Region;

    fn firm(ehs: f64, j_per_th: f64, sites: &[(Region, f64)]) -> NamedFirm {
        let mut f = public_miners().remove(0);
        f.self_mining_ehs = ehs;
        f.efficiency_j_per_th = j_per_th;
        f.sites.truncate(1);
        let proto = f.sites.pop().unwrap();
        f.sites = sites
            .iter()
            .map(|&(region, capacity_mw)| super::super::NamedSite {
                region,
                capacity_mw,
                ..proto.clone()
            })
            .collect();
        f
    }

    #[test]
    fn hashrate_is_spread_by_capacity_and_capped_by_power() {
        // 2 EH/s at 20 J/TH = 40 MW over 100 + 50 MW: 2/3 and 1/3 of the hashrate.
        let a = firm(2.0, 20.0, &[(Region::US, 100.0), (Region::Canada, 50.0)]);
        // 10 EH/s at 20 J/TH on a 10 MW site: capped at 10 MW / (20 J/TH x PUE).
        let b = firm(10.0, 20.0, &[(Region::US, 10.0)]);
        let catalog = Catalog::default_catalog();
        let pop = named_population(&[a, b], &catalog, 2026.4);
        assert_eq!(pop.sites.len(), 3);
        assert_eq!(
            pop.sites.iter().map(|s| s.id).collect::<Vec<_>>(),
            vec![0, 1, 2]
        );
        assert!(pop.sites.iter().all(|s| s.pue == NAMED_PUE));
        let ths: Vec<f64> = pop.units.iter().map(|u| u.ths).collect();
        assert!((ths[0] - 2e6 * 2.0 / 3.0).abs() < 1e-6);
        assert!((ths[1] - 2e6 / 3.0).abs() < 1e-6);
        assert!((ths[2] - 10.0 * 1e6 / (20.0 * NAMED_PUE)).abs() < 1e-6);
        // A catalog model closest to 20 J/TH among those released by then.
        let gap = |e: f64| (e - 20.0).abs();
        let best = catalog
            .available_at(2026.4)
            .map(|m| gap(m.efficiency_j_per_th()))
            .fold(f64::INFINITY, f64::min);
        for u in &pop.units {
            let m = catalog.get(u.model).unwrap();
            assert!(m.release_year() <= 2026.4);
            assert_eq!(gap(m.efficiency_j_per_th()), best);
        }
        // A firm that mines nothing has sites but no units.
        let idle = firm(0.0, 20.0, &[(Region::US, 10.0)]);
        let pop = named_population(&[idle], &catalog, 2026.4);
        assert_eq!((pop.sites.len(), pop.units.len()), (1, 0));
    }

    #[test]
    fn named_firms_take_the_midpoints_of_the_public_ranges() {
        // The engine's defaults (public cost of capital 8-12 %, horizons 8-15 years, ...).
        let p = crate::firms::population::tests::params(1);
        let f = named_firm_spec(&p, vec![3, 4], 10.0);
        assert_eq!(f.sites, vec![3, 4]);
        assert!(f.public);
        assert_eq!((f.cash_usd, f.debt_usd, f.credit_usd), (1.5e6, 2e6, 1e7));
        assert_eq!(f.project_finance, 0.85);
        let s = f.strategy;
        let got = [
            s.discount_rate,
            s.horizon_years,
            s.risk_aversion,
            s.mining_hurdle,
        ];
        for (g, want) in got.into_iter().zip([0.1, 11.5, 0.65, 1.3]) {
            assert!((g - want).abs() < 1e-12, "{g} vs {want}");
        }
        assert_eq!(s.belief, BeliefModel::Naive);
    }
}
