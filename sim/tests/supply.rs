//! The hashrate supply's mechanisms (issue 29), each shown on a small run with firms: idle
//! capacity pays its fixed costs, a full order book lengthens the lead time the manufacturers
//! quote, and firms that buy only on the secondary market never order new machines.

use std::collections::{BTreeMap, BTreeSet};

use crate::common;

use common::{run, scenario};
use hashshift::record::EventKind;

/// 300 sites of 150 firms from the default start, no AI market, deterministic energy, with
/// `sets` (TOML lines of `[firms]`) and a BTC crash of `crash` (price factor) after 60 days.
fn small(years: f64, crash: f64, firms: &str) -> String {
    format!(
        "start = \"2026-05-29\"\nhorizon_years = {years}\n[hashrate]\nkind = \"fleet\"\n\
         [network]\nsites = 300\n[energy]\nsigma = 0.0\n[ai]\nenabled = false\n\
         [firms]\ncount = 150\n{firms}\n\
         [[shocks]]\nkind = \"btc_price\"\nat = \"2026-07-28\"\nfactor = {crash}\n"
    )
}

#[test]
fn idle_capacity_pays_its_fixed_costs() {
    // A 50 % crash stops the dearest machines: their MW stand idle.
    let rate = 60_000.0;
    let with = run(
        &scenario(&small(1.0, 0.5, &format!("idle_usd_per_mw_year = {rate}"))),
        1,
    );
    let without = run(&scenario(&small(1.0, 0.5, "idle_usd_per_mw_year = 0")), 1);
    assert!(without.firm_months.iter().all(|r| r.idle_cost_usd == 0.0));
    let paid: f64 = with.firm_months.iter().map(|r| r.idle_cost_usd).sum();
    assert!(paid > 0.0, "no idle costs paid after a crash");
    // No firm pays more than its whole capacity idle for the period since its last row (the
    // larger of its capacity then and now: a bankrupt firm's last row has no sites).
    let mut last: BTreeMap<u32, (i64, f64)> = BTreeMap::new();
    for r in &with.firm_months {
        if let Some((t0, mw0)) = last.insert(r.firm, (r.time_unix, r.capacity_mw)) {
            let years = (r.time_unix - t0) as f64 / (365.25 * 86_400.0);
            let most = rate * r.capacity_mw.max(mw0) * years;
            assert!(
                r.idle_cost_usd <= most * (1.0 + 1e-9) + 1e-6,
                "firm {} paid {} for at most {} MW over {years} years",
                r.firm,
                r.idle_cost_usd,
                r.capacity_mw.max(mw0)
            );
        }
    }
    // The cash the idle costs take is in the active firms' accounts: cash moves by the flows
    // net of them (`common::accounts_close`; a bankruptcy writes the rest off).
    let mut prev: BTreeMap<u32, &hashshift::record::FirmMonthRecord> = BTreeMap::new();
    for r in &with.firm_months {
        if let Some(a) = prev.insert(r.firm, r) {
            if r.state == "active" {
                common::accounts_close(a, r).unwrap();
            }
        }
    }
}

#[test]
fn a_full_order_book_lengthens_the_quoted_lead_time() {
    // Factories that make 1 % of the network a month, and a price that doubles: firms order
    // more than the factories make in 120 days.
    let share = 0.01;
    let rec = run(
        &scenario(&small(
            1.0,
            2.0,
            &format!("factory_share_per_month = {share}"),
        )),
        1,
    );
    let mut longer = 0;
    for d in &rec.days {
        let a = d.agents.expect("a run with firms");
        let installed_ehs = d.hashrate_ehs + d.idle_ehs.unwrap();
        let working_off = a.order_book_ehs / (share * installed_ehs / (365.25 / 12.0));
        let expected = working_off.max(120.0);
        assert!(
            (a.asic_lead_time_days - expected).abs() <= 1e-6 * expected,
            "{}: quoted {} days, order book {} EH/s of {installed_ehs} EH/s",
            d.date_unix,
            a.asic_lead_time_days,
            a.order_book_ehs
        );
        longer += usize::from(a.asic_lead_time_days > 121.0);
    }
    assert!(longer > 0, "the order book never outgrew the factories");
}

#[test]
fn firms_that_buy_only_second_hand_never_order_new_machines() {
    // Every private firm buys only on the secondary market: only public ones order new
    // machines (anyone may buy secondary lots, also onto new capacity: `relocate`).
    let rec = run(&scenario(&small(1.0, 2.0, "secondary_only_share = 1.0")), 1);
    let public: BTreeSet<u32> = rec
        .firm_months
        .iter()
        .filter(|r| r.public)
        .map(|r| r.firm)
        .collect();
    let buyers: BTreeSet<u32> = rec
        .events
        .iter()
        .filter(|e| e.kind == EventKind::AsicPurchase && e.detail != "relocate")
        .filter_map(|e| e.firm)
        .collect();
    assert!(!buyers.is_empty(), "nobody ordered in a price doubling");
    assert!(
        buyers.is_subset(&public),
        "{buyers:?} not all in {public:?}"
    );
    // With the default share, private firms order too.
    let rec = run(&scenario(&small(1.0, 2.0, "")), 1);
    let private_buyers = rec
        .events
        .iter()
        .filter(|e| e.kind == EventKind::AsicPurchase && e.detail != "relocate")
        .filter_map(|e| e.firm)
        .filter(|f| !public.contains(f))
        .count();
    assert!(private_buyers > 0);
}
