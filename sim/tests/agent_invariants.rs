//! Invariants of the agents over random scenarios (property tests): every site's MW add up to
//! its capacity (checked by the engine at every midnight: mining + converting + AI + idle =
//! capacity, nothing negative), each firm's cash moves exactly by its reported flows between
//! two of its rows, fleets are never negative and every number is finite.

use crate::common;

use common::accounts_close;
use hashshift::engine::{NoProgress, SimulationBuilder};
use hashshift::record::{FirmMonthRecord, MemoryRecorder};
use proptest::prelude::*;

#[allow(clippy::too_many_arguments)]
fn scenario_text(
    sites: u32,
    firms: u32,
    months: u32,
    sigma: f64,
    mu: f64,
    demand_mw: f64,
    growth: f64,
    rate: f64,
    hybrid: bool,
    tax: bool,
) -> String {
    let mut t = format!(
        r#"start = "2026-05-29"
horizon_years = {h}
[hashrate]
kind = "fleet"
[network]
sites = {sites}
[price]
model = "gbm"
initial_usd = 76600.0
sigma = {sigma}
mu = {mu}
[fees]
model = "lognormal"
mean_btc = 0.066
log_sd = 0.7
[firms]
count = {firms}
hybrid = {hybrid}
decision_interval_days = 30
[ai]
demand_mw = {demand_mw}
demand_growth_per_year = {growth}
reference_rate_usd_per_mw_year = {rate}
rate_max_usd_per_mw_year = 3.0e6
"#,
        h = f64::from(months) / 12.0
    );
    if tax {
        t += "[[shocks]]\nkind = \"carbon_tax\"\nat = \"2026-09-01\"\nusd_per_t = 150.0\n";
    }
    t
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn agents_keep_their_invariants(
        sites in 20u32..250,
        firm_share in 0.2f64..1.0,
        months in 3u32..24,
        sigma in 0.0f64..1.5,
        mu in -0.5f64..1.0,
        demand_mw in 0.0f64..20_000.0,
        growth in -0.3f64..1.0,
        rate in 0.9e6f64..2.5e6,
        hybrid in any::<bool>(),
        tax in any::<bool>(),
        seed in 0u64..1000,
    ) {
        let firms = ((f64::from(sites) * firm_share) as u32).max(1);
        let text = scenario_text(sites, firms, months, sigma, mu, demand_mw, growth, rate, hybrid, tax);
        let sc = common::scenario(&text);
        let mut sim = SimulationBuilder::new(&sc).seed(seed).build().unwrap().with_invariant_checks();
        let mut rec = MemoryRecorder::default();
        let r = sim.run(&mut rec, &mut NoProgress);
        prop_assert!(r.is_ok(), "{:?}", r.err().map(|e| e.to_string()));
        prop_assert!(!rec.firm_months.is_empty());
        let mut last: std::collections::HashMap<u32, &FirmMonthRecord> = Default::default();
        for row in &rec.firm_months {
            let numbers = [
                row.capacity_mw, row.mining_mw, row.converting_mw, row.ai_colo_mw, row.ai_cloud_mw,
                row.idle_mw, row.installed_ths, row.running_ths, row.cash_usd, row.debt_usd,
                row.mining_revenue_usd, row.colo_revenue_usd, row.cloud_revenue_usd, row.sales_usd,
                row.energy_usd, row.opex_usd, row.interest_usd, row.capex_usd, row.borrowed_usd,
                row.repaid_usd, row.idle_cost_usd,
            ];
            prop_assert!(numbers.iter().all(|x| x.is_finite()), "{:?}", row);
            prop_assert!(numbers[..8].iter().all(|x| *x >= -1e-9), "negative MW or TH/s: {:?}", row);
            prop_assert!(numbers[10..].iter().all(|x| *x >= 0.0), "negative flow: {:?}", row);
            prop_assert!(row.running_ths <= row.installed_ths * (1.0 + 1e-9) + 1e-9, "running {} installed {} {:?}", row.running_ths, row.installed_ths, row);
            let sum = row.mining_mw + row.converting_mw + row.ai_colo_mw + row.ai_cloud_mw + row.idle_mw;
            prop_assert!((sum - row.capacity_mw).abs() <= 1e-6 * row.capacity_mw.max(1.0),
                "firm {}: MW {} vs capacity {}", row.firm, sum, row.capacity_mw);
            if let Some(prev) = last.get(&row.firm) {
                if row.state == "active" {
                    let closes = accounts_close(prev, row);
                    prop_assert!(closes.is_ok(), "{}", closes.unwrap_err());
                }
            }
            last.insert(row.firm, row);
        }
        for d in &rec.days {
            prop_assert!(d.hashrate_ehs.is_finite() && d.hashrate_ehs >= 0.0, "hashrate {}", d.hashrate_ehs);
            let a = d.agents.expect("agent columns");
            prop_assert!(a.mining_mw >= 0.0 && a.ai_mw >= 0.0 && a.converting_mw >= 0.0 && a.idle_mw >= 0.0);
            prop_assert!(a.ai_share_of_initial_mining_mw.is_finite());
        }
    }
}
