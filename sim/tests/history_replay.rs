//! History replay: the shipped `scenarios/history-2016.toml` drives the engine with the real
//! daily hashrate from 2016-01-01; the simulated difficulty must track the real retargets of
//! `shared/reference/retargets.csv`.
//!
//! Needs `../shared/reference` (or `HASHSHIFT_REFERENCE_DIR`). Without it the test prints that
//! it did not run; with `HASHSHIFT_REQUIRE_REFERENCE=1` (as `.ci/run` sets) a missing
//! reference is a failure.

use crate::common;

use std::collections::BTreeMap;

#[test]
fn history_replay_tracks_real_difficulty() {
    let Some((dir, sc)) =
        common::reference_scenario("HISTORY REPLAY", "history-2016", "hashrate.csv")
    else {
        return;
    };
    let real = common::real_retargets(&dir);

    let rec = common::run_own_seed(&sc);

    // Compare the difficulty each simulated retarget sets with the real one of that epoch.
    let mut errors: Vec<(u64, f64)> = rec
        .epochs
        .iter()
        .filter_map(|e| {
            real.get(&(e.epoch + 1))
                .map(|r| (e.epoch + 1, e.next_difficulty / r.difficulty - 1.0))
        })
        .collect();
    assert!(
        errors.len() >= 270,
        "only {} retargets compared",
        errors.len()
    );
    let mut abs: Vec<f64> = errors.iter().map(|(_, e)| e.abs()).collect();
    abs.sort_by(f64::total_cmp);
    let median = abs[abs.len() / 2];
    let p90 = abs[abs.len() * 9 / 10];
    errors.sort_by(|a, b| b.1.abs().total_cmp(&a.1.abs()));
    let worst = errors[0];
    eprintln!(
        "history replay: {} retargets 2016-2026, |relative difficulty error| median {:.3}%, \
         p90 {:.3}%, worst {:.3}% at epoch {}",
        abs.len(),
        median * 100.0,
        p90 * 100.0,
        worst.1 * 100.0,
        worst.0
    );
    // Poisson noise alone gives ~2.2% sd per epoch (1/sqrt(2016)); the simulated epochs also
    // fall on slightly different dates than the real ones.
    assert!(median < 0.03, "median error {median}");
    assert!(p90 < 0.06, "p90 error {p90}");
    assert!(worst.1.abs() < 0.15, "worst error {worst:?}");

    // The China-ban retarget of 2021-07-03 (real: epoch 342, -27.94%) is visible: the largest
    // simulated cut lands on the same epoch (+-1) and is at least -20%.
    let cut = rec
        .epochs
        .iter()
        .min_by(|a, b| a.difficulty_change_pct.total_cmp(&b.difficulty_change_pct))
        .unwrap();
    eprintln!(
        "largest simulated cut: {:.2}% setting epoch {} (real: -27.94% at epoch 342)",
        cut.difficulty_change_pct,
        cut.epoch + 1
    );
    assert!((341..=343).contains(&(cut.epoch + 1)), "{cut:?}");
    assert!(cut.difficulty_change_pct < -20.0, "{cut:?}");

    // The price replay reproduces the file's PriceUSD on every simulated day.
    let csv = common::ReferenceCsv::read(&dir, "btc_daily.csv");
    let [cd, cp] = csv.columns(["date", "PriceUSD"]);
    let prices: BTreeMap<String, f64> = csv
        .rows
        .iter()
        .map(|c| (c[cd].clone(), c[cp].parse().unwrap()))
        .collect();
    assert!(rec.days.len() > 3_700);
    for d in &rec.days {
        let date = hashshift::calendar::format_date(d.date_unix);
        assert_eq!(Some(&d.price_usd), prices.get(&date), "price on {date}");
    }
}
