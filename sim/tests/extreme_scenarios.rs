//! Extreme scenarios (issue "Hardening"): each one either runs to its horizon with finite,
//! non-negative output and the engine's invariant checks on, or is refused at validation with
//! a clear message (exit 2, nothing written). None may hang or panic.

use crate::common;

use common::{assert_bad_input, repo, shipped};
use hashshift::engine::{NoProgress, SimulationBuilder};
use hashshift::record::MemoryRecorder;
use hashshift::scenario::Scenario;
use hashshift_models::consensus::{self, TOTAL_SUBSIDY_SAT};

/// Runs to the horizon with invariant checks; checks that every daily number is finite and
/// non-negative, the run ends at its horizon and the supply is within the cap.
fn run_checked(what: &str, sc: &Scenario) -> MemoryRecorder {
    let mut rec = MemoryRecorder::default();
    SimulationBuilder::new(sc)
        .seed(7)
        .build()
        .unwrap_or_else(|e| panic!("{what}: {e}"))
        .with_invariant_checks()
        .run(&mut rec, &mut NoProgress)
        .unwrap_or_else(|e| panic!("{what}: {e}"));
    let s = rec.summary.clone().unwrap();
    assert_eq!(s.end_time_unix, sc.end_unix, "{what}: ends at its horizon");
    assert!(
        consensus::subsidy_issued_below(s.start_height + s.blocks) <= TOTAL_SUBSIDY_SAT,
        "{what}"
    );
    for d in &rec.days {
        let numbers = common::day_numbers(d);
        assert!(
            numbers.iter().all(|x| x.is_finite() && *x >= 0.0),
            "{what}: day {}: {numbers:?}",
            d.date_unix
        );
        if let Some(a) = d.agents {
            assert!(a.ai_share_of_initial_mining_mw.is_finite(), "{what}: {a:?}");
        }
    }
    for r in &rec.firm_months {
        assert!(
            r.cash_usd.is_finite() && r.debt_usd.is_finite(),
            "{what}: {r:?}"
        );
    }
    rec
}

#[test]
fn btc_price_falling_to_near_zero() {
    // A 99.9999 % crash after ten days: every machine switches off, firms fail, and the run
    // goes on to its horizon with (almost) no blocks.
    let sc = shipped(
        "baseline",
        &[
            "horizon_years=0.25",
            "network.sites=300",
            "firms.count=150",
            "shocks=[{ kind = \"btc_price\", at = \"2026-06-08\", factor = 1e-6 }]",
        ],
    );
    let rec = run_checked("price crash", &sc);
    let last = rec.days.last().unwrap();
    assert!(last.price_usd < 1.0, "price {}", last.price_usd);
    assert!(
        last.hashrate_ehs < 1e-3 * rec.days[0].hashrate_ehs,
        "hashrate {} EH/s after the crash",
        last.hashrate_ehs
    );
}

#[test]
fn energy_price_spike_of_100x_everywhere() {
    let regions = [
        "us",
        "china",
        "russia",
        "kazakhstan",
        "canada",
        "paraguay",
        "ethiopia",
        "middle_east",
        "nordics",
        "rest_of_world",
    ];
    let shocks: Vec<String> = regions
        .iter()
        .map(|r| {
            format!(
                "{{ kind = \"energy_price\", region = \"{r}\", at = \"2026-06-08\", \
                 until = \"2026-07-08\", factor = 100.0 }}"
            )
        })
        .collect();
    let shocks = format!("shocks=[{}]", shocks.join(", "));
    let sc = shipped(
        "baseline",
        &[
            "horizon_years=0.25",
            "network.sites=300",
            "firms.count=150",
            &shocks,
        ],
    );
    let rec = run_checked("energy x100", &sc);
    // The spiked regions' machines stop during the spike and come back after it.
    let during = rec.days[20].hashrate_ehs;
    let before = rec.days[5].hashrate_ehs;
    assert!(
        during < before,
        "hashrate {during} during vs {before} before"
    );
}

#[test]
fn all_firms_converting_at_once() {
    // AI pays far more than mining everywhere (GPU-hours at $50, colocation at the cap of
    // $3M per MW-year, unlimited demand, no lead time): the firms convert what they can, which
    // is their AI-suitable sites, as far as their cash and credit reach (seed 7: 5,906 of
    // 12,172 suitable MW within six months).
    let sc = shipped(
        "ai-boom",
        &[
            "horizon_years=0.5",
            "network.sites=400",
            "firms.count=200",
            "ai.gpu_hour_usd=50.0",
            "ai.gpu_price_decline_per_year=0.0",
            "ai.demand_mw=1e7",
            "ai.reference_rate_usd_per_mw_year=3.0e6",
            "ai.rate_max_usd_per_mw_year=3.0e6",
            "ai.lead_time_months=0.0",
        ],
    );
    let mut rec = MemoryRecorder::default();
    let mut sim = SimulationBuilder::new(&sc)
        .seed(7)
        .build()
        .unwrap()
        .with_invariant_checks();
    let start = sim.sites();
    sim.run(&mut rec, &mut NoProgress).unwrap();
    let end = sim.sites();
    let suitable: f64 = start
        .iter()
        .filter(|s| s.ai_suitable)
        .map(|s| s.capacity_mw)
        .sum();
    let ai: f64 = end.iter().map(|s| s.ai_mw + s.converting_mw).sum();
    assert!(
        ai > 0.3 * suitable,
        "{ai} MW in AI of {suitable} AI-suitable MW"
    );
    assert!(end
        .iter()
        .all(|s| s.ai_suitable || s.ai_mw + s.converting_mw == 0.0));
    run_checked("all convert", &sc);
}

#[test]
fn a_single_firm_holding_all_hashrate() {
    let sc = shipped(
        "baseline",
        &["horizon_years=0.5", "network.sites=200", "firms.count=1"],
    );
    let rec = run_checked("one firm", &sc);
    let d = rec.days.last().unwrap();
    assert!(rec.firm_months.iter().all(|r| r.firm == 0));
    let top1 = d
        .security
        .top1_share
        .expect("firm concentration with firms");
    assert!(
        d.hashrate_ehs == 0.0 || (top1 - 1.0).abs() < 1e-9,
        "top-1 share {top1} with one firm"
    );
}

#[test]
fn one_hundred_thousand_firms() {
    let sc = shipped(
        "baseline",
        &[
            "horizon_years=0.09",
            "network.sites=100000",
            "firms.count=100000",
        ],
    );
    let rec = run_checked("100k firms", &sc);
    // Staggered monthly decisions: every firm has decided (and reported) within 33 days.
    let firms: std::collections::BTreeSet<u32> = rec.firm_months.iter().map(|r| r.firm).collect();
    assert_eq!(firms.len(), 100_000);
}

#[test]
fn a_hundred_year_horizon_past_the_last_subsidy() {
    // From height 2,999,808 (2026's difficulty), 100 years of blocks pass height 6,930,000,
    // where the subsidy reaches zero: the whole supply is issued and blocks pay fees only.
    let sc = shipped(
        "constant-hashrate",
        &[
            "horizon_years=100",
            "chain.height=2999808",
            "output.blocks=false",
        ],
    );
    let rec = run_checked("100 years", &sc);
    let s = rec.summary.clone().unwrap();
    assert!(s.start_height + s.blocks > 6_930_000, "{} blocks", s.blocks);
    assert_eq!(
        consensus::subsidy_issued_below(s.start_height + s.blocks),
        TOTAL_SUBSIDY_SAT
    );
    let last = rec.days.last().unwrap();
    assert_eq!(last.subsidy_btc, 0.0);
    assert!(last.fees_btc > 0.0);
    // A hardware-driven network over 100 years (the price is scaled so the era's subsidy
    // pays): it completes, whatever its fate.
    let sc = shipped(
        "baseline",
        &[
            "horizon_years=100",
            "chain.height=2999808",
            "price.initial_usd=5e7",
            "network.sites=200",
            "firms.count=100",
        ],
    );
    run_checked("100 years with firms", &sc);
}

#[test]
fn an_empty_population_is_refused_at_validation() {
    let base = std::fs::read_to_string(repo().join("scenarios/baseline.toml")).unwrap();
    assert_bad_input(
        "no-sites",
        Some(&base),
        &["--set", "network.sites=0"],
        &["network.sites", "must be an integer in [1, 1000000]"],
    );
    assert_bad_input(
        "no-firms",
        Some(&base),
        &["--set", "firms.count=0"],
        &[
            "firms.count",
            "must be an integer in [1, 1000000] firms, at most one per site",
        ],
    );
}
