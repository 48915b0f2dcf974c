//! Security metrics and difficulty rules, end to end (issue: security impact).
//!
//! * `daa-comparison`: after a sudden 40 % hashrate loss ASERT and LWMA keep daily mean block
//!   intervals much closer to 600 s than Bitcoin's 2016-block retarget (several seeds).
//! * `daa-comparison-fleet`: under ASERT the fleet switches idle machines on within the day as
//!   the difficulty falls (`difficulty.reaction = "intraday"`), not at the next midnight;
//!   under Bitcoin's rule the reaction setting changes nothing.
//! * A `difficulty_rule` shock switches rules at its height.
//! * The halving study (fixed fleet): the overhang and the block-interval stretch rise after
//!   the halving and fall after the retarget.
//! * Identities every day of a run with firms: the overhang is idle + unsold, the double-spend
//!   probabilities are the model's at the day's shares, the cheapest attack is the minimum, the
//!   new-ASIC attack prices the whole network at one machine's cost.

use crate::common;

use std::path::Path;

use common::run;
use hashshift::record::{BlockRecord, DayRecord, MemoryRecorder};
use hashshift::scenario::Scenario;
use hashshift_models::security::rosenfeld_attacker_success;

fn daa(rule: &str, extra: &[String]) -> Scenario {
    let mut sets = vec![format!("difficulty.rule={rule}")];
    sets.extend_from_slice(extra);
    Scenario::load(&common::repo().join("scenarios/daa-comparison.toml"), &sets)
        .expect("daa-comparison is valid")
}

/// Mean absolute deviation from 600 s of the daily mean intervals from the shock
/// (2026-07-01) for 45 days, and the days above 900 s.
fn after_shock(rec: &MemoryRecorder) -> (f64, usize) {
    let shock = 1_782_864_000; // 2026-07-01T00:00:00Z
    let days: Vec<&DayRecord> = rec
        .days
        .iter()
        .filter(|d| d.date_unix >= shock && d.date_unix < shock + 45 * 86_400)
        .collect();
    assert_eq!(days.len(), 45);
    let means: Vec<f64> = days
        .iter()
        .map(|d| d.intervals.expect("blocks every day").mean_s)
        .collect();
    let mad = means.iter().map(|m| (m - 600.0).abs()).sum::<f64>() / means.len() as f64;
    (mad, means.iter().filter(|m| **m > 900.0).count())
}

#[test]
fn asert_and_lwma_keep_intervals_closer_to_600s_after_a_sudden_loss() {
    for seed in [1, 2, 3] {
        let (btc, btc_slow) = after_shock(&run(&daa("bitcoin", &[]), seed));
        let (asert, asert_slow) = after_shock(&run(&daa("asert", &[]), seed));
        let (lwma, lwma_slow) = after_shock(&run(&daa("lwma", &[]), seed));
        // Bitcoin: ~16 days at 1000 s until the retarget, so a deviation well above the
        // noise of a daily mean (600 / sqrt(144) = 50 s); the per-block rules adjust within
        // days (ASERT, 2-day half-life) or hours (LWMA, 45 blocks).
        assert!(
            btc > 120.0 && btc_slow >= 5,
            "seed {seed}: bitcoin {btc} s, {btc_slow} slow days"
        );
        assert!(
            asert < 0.6 * btc,
            "seed {seed}: asert {asert} vs bitcoin {btc}"
        );
        assert!(
            lwma < 0.6 * btc,
            "seed {seed}: lwma {lwma} vs bitcoin {btc}"
        );
        // A day of the shock itself may average above 900 s under ASERT.
        assert!(
            asert_slow <= 2 && lwma_slow <= 1,
            "seed {seed}: {asert_slow}, {lwma_slow}"
        );
    }
}

/// 2026-07-01T00:00:00Z, the loss of daa-comparison(-fleet).
const LOSS: i64 = 1_782_864_000;

fn daa_fleet(rule: &str, reaction: &str, seed: u64) -> MemoryRecorder {
    let sc = common::shipped(
        "daa-comparison-fleet",
        &[
            &format!("difficulty.rule={rule}"),
            &format!("difficulty.reaction={reaction}"),
        ],
    );
    run(&sc, seed)
}

/// The pairs of consecutive blocks of the same day whose hashrates differ, leaving out each
/// epoch's first block (the fleet re-decides at every epoch end): a pass within the day.
fn changes_within_days(rec: &MemoryRecorder) -> impl Iterator<Item = (&BlockRecord, &BlockRecord)> {
    rec.blocks
        .windows(2)
        .filter(|w| w[1].time_unix / 86_400 == w[0].time_unix / 86_400)
        .filter(|w| w[1].height % 2016 != 0 && w[1].hashrate_hs != w[0].hashrate_hs)
        .map(|w| (&w[0], &w[1]))
}

#[test]
fn under_asert_idle_machines_switch_on_within_the_day_after_the_loss() {
    for seed in [1, 2] {
        let intraday = daa_fleet("asert", "intraday", seed);
        let daily = daa_fleet("asert", "daily", seed);
        // The loss: 40 % of the capacity goes offline at midnight 2026-07-01.
        let day = |rec: &MemoryRecorder, at: i64| {
            *rec.days.iter().find(|d| d.date_unix == at).expect("day")
        };
        let (before, first) = (day(&daily, LOSS - 86_400), day(&daily, LOSS));
        assert!(
            first.offline_ehs.unwrap() > 0.3 * before.hashrate_ehs,
            "seed {seed}: {:?} EH/s offline",
            first.offline_ehs
        );
        // Midnight decisions only: the hashrate never changes within a day (but at epoch
        // ends).
        assert_eq!(changes_within_days(&daily).count(), 0, "seed {seed}");
        // Intra-day: ASERT lowers the difficulty block by block as blocks come slow; once it
        // has moved by more than the 5 % hysteresis since the last pass, the idle machines that
        // now pay switch on there and then, within the first days after the loss.
        let (prev, rise) = changes_within_days(&intraday)
            .find(|(a, b)| b.time_unix >= LOSS && b.hashrate_hs > a.hashrate_hs)
            .unwrap_or_else(|| panic!("seed {seed}: no rise within a day after the loss"));
        assert!(
            rise.time_unix < LOSS + 5 * 86_400,
            "seed {seed}: {}",
            rise.time_unix
        );
        assert!(rise.difficulty < prev.difficulty, "seed {seed}");
        // The daily fleet waits for the next midnight: at that moment it runs less.
        let daily_then = daily
            .blocks
            .iter()
            .rev()
            .find(|b| b.time_unix <= rise.time_unix)
            .expect("a block");
        assert!(
            rise.hashrate_hs > daily_then.hashrate_hs,
            "seed {seed}: {} vs {} H/s",
            rise.hashrate_hs,
            daily_then.hashrate_hs
        );
    }
}

#[test]
fn under_bitcoins_rule_the_reaction_setting_changes_nothing() {
    let intraday = daa_fleet("bitcoin", "intraday", 1);
    let daily = daa_fleet("bitcoin", "daily", 1);
    // Bit for bit (Debug prints every float exactly, NaN included).
    assert_eq!(format!("{:?}", intraday.days), format!("{:?}", daily.days));
    assert_eq!(
        format!("{:?}", intraday.blocks),
        format!("{:?}", daily.blocks)
    );
    assert_eq!(
        format!("{:?}", intraday.epochs),
        format!("{:?}", daily.epochs)
    );
    // And the fleet did move with the loss and the retarget after it.
    assert!(daily.days.iter().any(|d| d.offline_ehs.unwrap() > 0.0));
    assert!(daily.epochs.iter().any(|e| e.difficulty_change_pct < -20.0));
}

#[test]
fn a_difficulty_rule_shock_switches_at_its_height() {
    let switch_height = 951_552 + 3_000;
    let sc = Scenario::from_toml(
        &format!(
            "{}\n[[shocks]]\nkind = \"difficulty_rule\"\nheight = {switch_height}\nrule = \"asert\"\n",
            std::fs::read_to_string(common::repo().join("scenarios/daa-comparison.toml")).unwrap()
        ),
        Path::new("switch.toml"),
        &[],
    )
    .unwrap();
    let rec = run(&sc, 1);
    let rules: Vec<&str> = rec.days.iter().map(|d| d.difficulty_rule).collect();
    let first_asert = rules.iter().position(|r| *r == "asert").expect("switched");
    assert!(first_asert > 10, "{first_asert}");
    assert!(rules[..first_asert].iter().all(|r| *r == "bitcoin"));
    assert!(rules[first_asert..].iter().all(|r| *r == "asert"));
    // From the switch on the bits change from block to block, not only at epoch ends.
    let after: Vec<_> = rec
        .blocks
        .iter()
        .filter(|b| b.height > switch_height && b.height % 2016 != 0)
        .collect();
    let changes = after.windows(2).filter(|w| w[0].bits != w[1].bits).count();
    assert!(changes > 100, "{changes} per-block changes");
    // Before it, only retargets change them.
    let before: Vec<_> = rec
        .blocks
        .iter()
        .filter(|b| b.height < switch_height)
        .collect();
    assert!(before
        .windows(2)
        .all(|w| w[0].bits == w[1].bits || w[1].height % 2016 == 0));
}

/// Mean of `f` over the days in `[from, to)` (unix seconds).
fn mean_over(rec: &MemoryRecorder, from: i64, to: i64, f: impl Fn(&DayRecord) -> f64) -> f64 {
    let v: Vec<f64> = rec
        .days
        .iter()
        .filter(|d| d.date_unix >= from && d.date_unix < to)
        .map(f)
        .collect();
    v.iter().sum::<f64>() / v.len() as f64
}

#[test]
fn halving_raises_overhang_and_stretch_until_the_retarget() {
    // The 2026 machines face the halving as they are (firms off): what is no longer paid
    // switches off at once, the next retarget brings part of it back.
    let sc = common::shipped("halving-2028", &["firms.enabled=false"]);
    assert_halving_stretch(&run(&sc, 1), 1.3);
}

#[test]
fn with_firms_the_halving_stretch_comes_after_it_too() {
    // halving-2028 as shipped: firms and the AI market. Machines that pay until the halving
    // run until it (they can be scrapped then as well as now), so the overhang and the block
    // intervals rise after the halving, not before, and fall after the retarget.
    let sc = common::shipped("halving-2028", &[]);
    for seed in [1, 2] {
        // Some of the machines are sold or converted ahead: a smaller stretch than without
        // firms (seeds 1 and 2: about 1.48x and 1.25x from the daily table). Larger than in
        // 2024, when hashrate fell about 7 % around the halving (btc_daily.csv): issue 29.
        assert_halving_stretch(&run(&sc, seed), 1.2);
    }
}

/// The overhang share and the mean block interval rise from the two weeks before the
/// halving to the days between it and the retarget that sees them (the first at least a week
/// after it: one a few days after the halving has seen only a few slow blocks and cuts little),
/// and fall in the week after that retarget, the intervals by at least `min_stretch`; the
/// attack from the overhang gets cheaper while the overhang is large.
fn assert_halving_stretch(rec: &MemoryRecorder, min_stretch: f64) {
    let day = 86_400;
    let halving = rec
        .blocks
        .iter()
        .find(|b| b.height == 1_050_000)
        .expect("the halving happens")
        .time_unix;
    let retarget = rec
        .epochs
        .iter()
        .find(|e| e.last_block_time_unix > halving + 7 * day)
        .expect("a retarget follows")
        .last_block_time_unix;
    let overhang = |d: &DayRecord| d.security.overhang_share.unwrap();
    let interval = |d: &DayRecord| d.intervals.map_or(f64::NAN, |i| i.mean_s);
    let before = halving - 14 * day;
    let (o_before, o_between, o_after) = (
        mean_over(rec, before, halving - day, overhang),
        mean_over(rec, halving + day, retarget - day, overhang),
        mean_over(rec, retarget + day, retarget + 8 * day, overhang),
    );
    assert!(o_between > 2.0 * o_before, "{o_before} -> {o_between}");
    assert!(o_after < o_between, "{o_between} -> {o_after}");
    let (i_before, i_between, i_after) = (
        mean_over(rec, before, halving - day, interval),
        mean_over(rec, halving + day, retarget - day, interval),
        mean_over(rec, retarget + day, retarget + 8 * day, interval),
    );
    assert!(
        i_between > min_stretch * i_before,
        "{i_before} -> {i_between}"
    );
    assert!(i_after < i_between, "{i_between} -> {i_after}");
    // The attack from the overhang gets cheaper while the overhang is large.
    let cost = |d: &DayRecord| d.security.attack_cost_min_usd.unwrap();
    assert!(
        mean_over(rec, halving + day, retarget - day, cost)
            < mean_over(rec, before, halving - day, cost)
    );
}

#[test]
fn daily_security_identities_hold_with_firms() {
    let sc = common::shipped(
        "ai-boom",
        &["horizon_years=1.5", "network.sites=600", "firms.count=300"],
    );
    let rec = run(&sc, 2);
    let mut unsold_seen = false;
    for d in &rec.days {
        let s = &d.security;
        let (idle, unsold) = (s.idle_ehs.unwrap(), s.unsold_ehs.unwrap());
        assert!((idle - d.idle_ehs.unwrap()).abs() <= 1e-12 * idle.max(1.0));
        assert!(unsold >= 0.0);
        unsold_seen |= unsold > 0.0;
        let share = s.overhang_share.unwrap();
        assert!((share - (idle + unsold) / d.hashrate_ehs).abs() <= 1e-12 * share.max(1.0));
        let top1 = s.top1_share.unwrap();
        assert!(top1 > 0.0 && top1 <= s.top5_share.unwrap() && s.top5_share.unwrap() <= 1.0);
        assert!(s.hhi.unwrap() >= top1 * top1 && s.hhi.unwrap() <= top1 + 1e-12);
        assert!(s.nakamoto_coefficient.unwrap() >= 1);
        assert_eq!(
            s.double_spend_top1_6conf,
            Some(rosenfeld_attacker_success(top1, 6).unwrap())
        );
        let q = (idle + unsold) / (idle + unsold + d.hashrate_ehs);
        let p = s.double_spend_overhang_1conf.unwrap();
        assert!(
            (p - rosenfeld_attacker_success(q, 1).unwrap()).abs() <= 1e-9,
            "{p} at q {q}"
        );
        let costs = [s.attack_cost_new_usd, s.attack_cost_overhang_usd];
        let min = s.attack_cost_min_usd.unwrap();
        assert!(costs.iter().all(|c| c.unwrap() >= min) && costs.contains(&Some(min)));
        // New ASICs: the network's TH/s at one price per TH/s (machine + a day of energy),
        // the machine at most its launch price (it depreciates), at least its energy.
        let per_th = s.attack_cost_new_usd.unwrap() / (d.hashrate_ehs * 1e6);
        let energy = d.frontier_j_per_th.unwrap() * 1.1 * 24.0 / 1000.0 * 0.05;
        assert!(per_th > energy && per_th <= d.frontier_usd_per_th.unwrap() + energy + 1e-9);
        // The overhang never costs more than buying new.
        assert!(
            s.attack_cost_overhang_usd.unwrap() <= s.attack_cost_new_usd.unwrap() * (1.0 + 1e-12)
        );
        assert!(s.attack_cost_rental_usd.is_none());
    }
    assert!(
        unsold_seen,
        "converting firms put machines on the secondary market"
    );
    let sum = rec.summary.as_ref().unwrap().security;
    let max_top1 = rec
        .days
        .iter()
        .map(|d| d.security.top1_share.unwrap())
        .fold(0.0, f64::max);
    assert_eq!(sum.max_top1_share, max_top1);
    assert!(sum.min_attack_cost_usd > 0.0 && sum.max_double_spend_6conf >= 0.0);
}

#[test]
fn rental_market_caps_the_attack_cost() {
    // Without a fleet only the new-ASIC and rental costs exist; renting 5 % of the network
    // at the hashprice is far cheaper per TH/s than buying machines.
    let sc = common::shipped("daa-comparison", &["security.rental_share=0.05"]);
    let rec = run(&sc, 1);
    for d in &rec.days {
        let s = &d.security;
        let (new, rent) = (
            s.attack_cost_new_usd.unwrap(),
            s.attack_cost_rental_usd.unwrap(),
        );
        assert!(rent < new && s.attack_cost_min_usd == Some(rent));
        // 5 % rented at the hashprice for a day, 95 % bought new.
        let ths = d.hashrate_ehs * 1e6;
        let want = 0.05 * ths * d.hashprice_usd_per_ph_day / 1000.0 + 0.95 * new;
        assert!((rent - want).abs() <= 1e-9 * want, "{rent} vs {want}");
        assert!(s.overhang_share.is_none() && s.top1_share.is_none());
    }
}
