//! History 2020-2026: the shipped `scenarios/history-2020.toml` starts from the real chain of
//! 2020-01-01, replays the real daily BTC price, and lets the hashrate emerge from a generated
//! early-2020 fleet whose firms buy, refresh and expand machines every month (no AI market,
//! the 2021 China ban as a shock). The simulated network must grow through 2020-2025; the
//! difficulty set at each simulated retarget is compared with the real one of the same epoch
//! in `shared/reference/retargets.csv`, and the per-year error table is printed.
//!
//! The bounds below are REGRESSION BOUNDS taken from the run (seeds 1-3) with some margin, not
//! statements that the model tracks history that well or that badly: the simulated network
//! grows about 10.3-10.8-fold from the first week of 2020 to the last of 2025 against the real
//! 9.5-fold (109 -> 1043 EH/s; the simulated start is lower, 96 EH/s); the median difficulty
//! error is 3-5% in 2022 (27-33% before relocated machines ran after
//! `relocation_lead_time_days` instead of a greenfield build's lead time), 25-29% in 2023-2024
//! and 9-12% in 2025 (31-34% and 21-26% while a site's build-out waited for every machine
//! order in transit there, not only for its previous build-out; 25-46% before new machines
//! sold below their list price when the hashprice is low): the real network doubled in the
//! 2023 bear market, more than the simulated firms, valuing with their beliefs, invested. The
//! scenario file says why (model limits, not inputs).
//!
//! Needs `../shared/reference` (or `HASHSHIFT_REFERENCE_DIR`). Without it the test prints that
//! it did not run; with `HASHSHIFT_REQUIRE_REFERENCE=1` (as `.ci/run` sets) a missing
//! reference is a failure.

use crate::common;

use std::collections::BTreeMap;
use std::path::Path;

use hashshift::calendar::{civil_from_days, parse_utc};

/// Epoch of the scenario's first simulated block (height 610,696).
const START_EPOCH: u64 = 302;

/// Per calendar year (of the real retarget): the largest allowed median and worst absolute
/// relative error of the simulated difficulty. Seeds 1-3 gave (median %, worst %), with the
/// supply of issue 29 (cheap-energy tail, idle fixed costs, factories of limited output,
/// per-firm beliefs, second-hand-only private firms) and the replay to 2026-05-23:
/// 2020 16-19 / 30-34, 2021 12-16 / 34-42, 2022 6-8 / 13-17, 2023 20-24 / 36-38,
/// 2024 34-35 / 44-47, 2025 22-24 / 28-31, 2026 (to May) 5-6 / 15-18; before them:
/// 2020 15-16 / 31-34, 2021 18-20 / 35-40, 2022 3-5 / 12-16, 2023 25-28 / 35-40,
/// 2024 26-29 / 42-45, 2025 9-12 / 18-22 (while a build-out waited for every order in
/// transit at its site: 2020 12-16 / 31-34, 2021 19-22 / 35-43, 2022 2-8 / 19-24, 2023 32-33
/// / 39-41, 2024 31-32 / 47-48, 2025 21-25 / 27-31; before steps with a halving were valued
/// on each side of it and machines run until they stop paying: 2020 14-16 / 43-48, 2022 4-7 /
/// 19-24, 2023 32-33 / 39-41, 2024 31-32 / 47-48, 2025 22-24 / 28-29; with new machines at
/// list price too: 2021 15-23 / 36-41, 2022 11-20 / 27-33, 2023 39-43 / 51-53, 2024 36-37 /
/// 56-59, 2025 27-29 / 33-35; and with the greenfield lead time for relocated machines too:
/// 2020 12-16 / 43-47, 2021 21-23 / 42-43, 2022 27-33 / 45, 2023 42-46 / 51-52, 2024 32-35 /
/// 57-59, 2025 25-28 / 30-33).
/// REGRESSION BOUNDS: about 10 points above the worst seed.
const YEAR_BOUNDS: [(i64, f64, f64); 7] = [
    (2020, 0.29, 0.45),
    (2021, 0.31, 0.51),
    (2022, 0.19, 0.26),
    (2023, 0.38, 0.50),
    (2024, 0.46, 0.55),
    (2025, 0.33, 0.41),
    (2026, 0.18, 0.30),
];
/// Smallest allowed growth of the simulated hashrate, last week of 2025 over the first week
/// of 2020 (seeds 1-3: 9.1-9.4 with the supply of issue 29; before it 10.3-10.8; 8.4-8.9 while a build-out waited for every order in
/// transit at its site; 8.1-8.2 with new machines at list price; 8.1-8.5 with the greenfield
/// lead time for relocated machines too; before banned sites relocated 4.9-5.2; real: 9.5).
/// REGRESSION BOUND.
const MIN_GROWTH: f64 = 8.5;
/// Smallest allowed simulated / real hashrate in the last week of 2025 (seeds 1-3: 0.84-0.87
/// with the supply of issue 29; before it 0.95-1.00;
/// 0.77-0.82 while a build-out waited for every order in transit at its site; 0.73-0.75 with
/// new machines at list price; 0.74-0.78 with the greenfield lead time for relocated machines
/// too; before banned sites relocated 0.45-0.48). REGRESSION BOUND.
const MIN_END_RATIO: f64 = 0.75;
/// Epochs set by the retargets around the real China-ban cuts (-27.94% setting epoch 342).
const BAN_EPOCHS: std::ops::RangeInclusive<u64> = 340..=343;
/// The largest of those simulated cuts must be at least this, percent (seeds 1-3: -38.2%,
/// -39.2%, -41.1%; -40.7%, -38.6%, -41.6%, all setting epoch 342, with new machines at list
/// price and the greenfield lead time for relocated machines; the simulated cut is deeper than
/// the real one because
/// China holds 68% of the simulated network at the ban against about 46% in CBECI's April 2021
/// map, recalled, not checked).
const MIN_BAN_CUT_PCT: f64 = 15.0;

const DAY_S: i64 = 86_400;

fn year_of(unix: i64) -> i64 {
    civil_from_days(unix.div_euclid(DAY_S)).0
}

/// One day of btc_daily.csv: (unix day, network hashrate EH/s, first height, last height).
struct RealDay {
    day_unix: i64,
    hashrate_ehs: f64,
    height_first: u64,
    height_last: u64,
}

fn real_days(dir: &Path) -> Vec<RealDay> {
    let csv = common::ReferenceCsv::read(dir, "btc_daily.csv");
    let [cd, ch, cf, cl] = csv.columns(["date", "HashRate_THs", "height_first", "height_last"]);
    csv.rows
        .iter()
        .map(|c| RealDay {
            day_unix: parse_utc(&c[cd]).unwrap(),
            hashrate_ehs: c[ch].parse::<f64>().unwrap() / 1e6,
            height_first: c[cf].parse().unwrap(),
            height_last: c[cl].parse().unwrap(),
        })
        .collect()
}

/// Real epochs: difficulty and the time its first block was mined. retargets.csv has block
/// times to epoch 436 (2025-01); later epochs are dated by the btc_daily.csv day whose height
/// range holds their first height (heights there are good to +-3 blocks).
fn real_epochs(dir: &Path, days: &[RealDay]) -> BTreeMap<u64, (i64, f64)> {
    common::real_retargets(dir)
        .into_iter()
        .filter_map(|(epoch, r)| {
            let time = r.start_unix.or_else(|| {
                days.iter()
                    .find(|d| (d.height_first..=d.height_last).contains(&r.start_height))
                    .map(|d| d.day_unix)
            })?;
            Some((epoch, (time, r.difficulty)))
        })
        .collect()
}

/// Mean of the values whose day lies in [from, to] (dates `YYYY-MM-DD`).
fn mean_between(rows: impl Iterator<Item = (i64, f64)>, from: &str, to: &str) -> f64 {
    let (a, b) = (parse_utc(from).unwrap(), parse_utc(to).unwrap());
    let v: Vec<f64> = rows
        .filter(|(d, _)| (a..=b).contains(d))
        .map(|r| r.1)
        .collect();
    assert!(!v.is_empty(), "no rows between {from} and {to}");
    v.iter().sum::<f64>() / v.len() as f64
}

#[test]
fn history_2020_grows_and_tracks_difficulty_within_regression_bounds() {
    let Some((dir, sc)) = common::reference_scenario("HISTORY 2020", "history-2020", "price.csv")
    else {
        return;
    };
    assert!(
        sc.end_unix >= parse_utc("2026-05-24").unwrap(),
        "the scenario must run through 2026-05-23, the last day of btc_daily.csv"
    );
    let days = real_days(&dir);
    let real = real_epochs(&dir, &days);

    let started = std::time::Instant::now();
    let rec = common::run_own_seed(&sc);
    let runtime = started.elapsed().as_secs_f64();

    // The run starts on the real chain: epoch 302 at its real difficulty.
    let first = rec.epochs.first().expect("at least one retarget");
    assert_eq!(first.epoch, START_EPOCH);
    assert!((first.difficulty / real[&START_EPOCH].1 - 1.0).abs() < 1e-9);

    // Difficulty error of every simulated retarget against the real epoch it sets, grouped by
    // the calendar year of the real retarget.
    let mut by_year: BTreeMap<i64, Vec<(u64, f64)>> = BTreeMap::new();
    for e in &rec.epochs {
        let set = e.epoch + 1;
        if let Some(&(time, difficulty)) = real.get(&set) {
            by_year
                .entry(year_of(time))
                .or_default()
                .push((set, e.next_difficulty / difficulty - 1.0));
        }
    }

    // Hashrate: 7-day means at each year's end, and yearly means, simulated vs real.
    let sim = || rec.days.iter().map(|d| (d.date_unix, d.hashrate_ehs));
    let realh = || days.iter().map(|d| (d.day_unix, d.hashrate_ehs));
    let sim_start = mean_between(sim(), "2020-01-01", "2020-01-07");
    let real_start = mean_between(realh(), "2020-01-01", "2020-01-07");

    eprintln!(
        "\nhistory-2020 (seed {}): {} retargets compared, run {runtime:.1} s",
        sc.seed,
        by_year.values().map(Vec::len).sum::<usize>()
    );
    eprintln!(
        "{:>5} {:>3} | {:>12} {:>10} {:>6} {:>10} | {:>10} {:>10} {:>6} | {:>9} {:>9}",
        "year",
        "n",
        "median|err|%",
        "worst err%",
        "epoch",
        "mean err%",
        "sim EH/s*",
        "real EH/s*",
        "ratio",
        "sim mean",
        "real mean"
    );
    let mut table = Vec::new();
    let mut year_end = BTreeMap::new();
    for (&year, errs) in &by_year {
        let mut abs: Vec<f64> = errs.iter().map(|e| e.1.abs()).collect();
        abs.sort_by(f64::total_cmp);
        let median = if abs.len() % 2 == 1 {
            abs[abs.len() / 2]
        } else {
            0.5 * (abs[abs.len() / 2 - 1] + abs[abs.len() / 2])
        };
        let worst = *errs
            .iter()
            .max_by(|a, b| a.1.abs().total_cmp(&b.1.abs()))
            .unwrap();
        let mean = errs.iter().map(|e| e.1).sum::<f64>() / errs.len() as f64;
        // The replay ends with btc_daily.csv on 2026-05-23: 2026's "year end" is its last week.
        let last = if year == 2026 { "05-23" } else { "12-31" };
        let first = if year == 2026 { "05-17" } else { "12-25" };
        let (a, b) = (format!("{year}-{first}"), format!("{year}-{last}"));
        let (ya, yb) = (format!("{year}-01-01"), format!("{year}-{last}"));
        let (s_end, r_end) = (mean_between(sim(), &a, &b), mean_between(realh(), &a, &b));
        let (s_mean, r_mean) = (
            mean_between(sim(), &ya, &yb),
            mean_between(realh(), &ya, &yb),
        );
        eprintln!(
            "{year:>5} {:>3} | {:>12.1} {:>10.1} {:>6} {:>10.1} | {s_end:>10.1} {r_end:>10.1} \
             {:>6.2} | {s_mean:>9.1} {r_mean:>9.1}",
            errs.len(),
            median * 100.0,
            worst.1 * 100.0,
            worst.0,
            mean * 100.0,
            s_end / r_end,
        );
        table.push((year, errs.len(), median, worst));
        year_end.insert(year, (s_end, r_end));
    }
    eprintln!("* 7-day mean hashrate of Dec 25-31");
    let (sim_end, real_end) = year_end[&2025];
    eprintln!(
        "hashrate growth, last week of 2025 over the first of 2020: simulated {sim_end:.0} / \
         {sim_start:.0} = {:.2}x, real {real_end:.0} / {real_start:.0} = {:.2}x",
        sim_end / sim_start,
        real_end / real_start
    );

    // 1. Every year 2020-2025 has its retargets compared (about 26 a year), and 2026 to May
    //    (10).
    let years: Vec<i64> = table.iter().map(|t| t.0).collect();
    assert_eq!(years, vec![2020, 2021, 2022, 2023, 2024, 2025, 2026]);
    for &(year, n, _, _) in &table {
        let least = if year == 2026 { 9 } else { 20 };
        assert!(n >= least, "{year}: only {n} retargets compared");
    }

    // 2. The network grows: by at least MIN_GROWTH over 2020-2025 (real: 9.5x), year on year
    //    from 2022 on (as the real one did), and ends at least MIN_END_RATIO of the real one.
    assert!(
        sim_end / sim_start >= MIN_GROWTH,
        "simulated hashrate grew {:.2}x (want >= {MIN_GROWTH}x; real {:.2}x)",
        sim_end / sim_start,
        real_end / real_start
    );
    for year in 2023..=2025 {
        assert!(
            year_end[&year].0 > year_end[&(year - 1)].0,
            "simulated year-end hashrate fell from {} to {year}: {:?} -> {:?}",
            year - 1,
            year_end[&(year - 1)],
            year_end[&year]
        );
    }
    assert!(
        sim_end / real_end >= MIN_END_RATIO,
        "end of 2025: simulated {sim_end:.0} EH/s vs real {real_end:.0} (want >= \
         {MIN_END_RATIO} of it)"
    );

    // 3. Per-year difficulty errors within the regression bounds.
    for (&(year, _, median, worst), &(by, max_median, max_worst)) in
        table.iter().zip(YEAR_BOUNDS.iter())
    {
        assert_eq!(year, by);
        assert!(
            median <= max_median,
            "{year}: median |difficulty error| {:.1}% > bound {:.0}%",
            median * 100.0,
            max_median * 100.0
        );
        assert!(
            worst.1.abs() <= max_worst,
            "{year}: worst difficulty error {:.1}% (epoch {}) beyond bound {:.0}%",
            worst.1 * 100.0,
            worst.0,
            max_worst * 100.0
        );
    }

    // 4. The China ban shows: a cut of at least MIN_BAN_CUT_PCT among the retargets setting
    //    epochs 340-343 (real: -15.97%, -5.30%, -27.94%, -4.81% setting epochs 340-343).
    let cut = rec
        .epochs
        .iter()
        .filter(|e| BAN_EPOCHS.contains(&(e.epoch + 1)))
        .map(|e| e.difficulty_change_pct)
        .fold(f64::INFINITY, f64::min);
    eprintln!("largest simulated cut setting epochs 340-343: {cut:.2}% (real -27.94% at 342)");
    assert!(cut <= -MIN_BAN_CUT_PCT, "largest ban cut {cut:.2}%");
}
