//! Price feedback from security events end to end: drops after slow days and after a
//! hashrate drawdown, their cooldown, their events, and the scenario keys' validation.

use crate::common::{assert_bad_input, run, scenario};

/// 1.0 ZH/s, then half of it from 2026-06-10 on (constant price 76,600; the chain's
/// difficulty is calibrated to about 1.0 ZH/s, so blocks come every ~1,200 s after the fall
/// until the retarget).
const HALF_GONE: &str = "start = \"2026-05-29\"\nend = \"2026-07-10\"\n\
    [hashrate]\nkind = \"piecewise\"\n\
    points = [{ at = \"2026-05-29\", ehs = 1000.0 }, { at = \"2026-06-10\", ehs = 500.0 }]\n\
    [price]\nmodel = \"constant\"\ninitial_usd = 76600.0\n";

/// The days whose price differs from the day before, as (index, ratio).
fn price_moves(rec: &hashshift::record::MemoryRecorder) -> Vec<(usize, f64)> {
    rec.days
        .windows(2)
        .enumerate()
        .filter(|(_, w)| w[1].price_usd != w[0].price_usd)
        .map(|(i, w)| (i + 1, w[1].price_usd / w[0].price_usd))
        .collect()
}

#[test]
fn slow_days_drop_the_price_after_a_cooldown() {
    let fb = "[price.feedback]\nslow_blocks_s = 900.0\ndrop = 0.2\ncooldown_days = 5\n";
    let rec = run(&scenario(&format!("{HALF_GONE}{fb}")), 4);
    let moves = price_moves(&rec);
    assert!(!moves.is_empty());
    let slow = |i: usize| {
        let d = &rec.days[i];
        (d.blocks as f64) * 900.0 < 86_400.0
    };
    // The rule replayed on the days: a drop the midnight after a slow day at least 5 days
    // after the day that triggered the previous one.
    let mut expected = Vec::new();
    let mut last: Option<usize> = None;
    for i in 0..rec.days.len() - 1 {
        if slow(i) && last.is_none_or(|l| i - l >= 5) {
            expected.push(i + 1);
            last = Some(i);
        }
    }
    let days: Vec<usize> = moves.iter().map(|m| m.0).collect();
    assert_eq!(days, expected);
    assert!(days.len() >= 2, "{days:?}");
    // Nothing is slow before the fall (2026-06-10); each drop is exactly 20 %.
    assert!(rec.days[days[0] - 1].date_unix >= 1_781_049_600);
    assert!(
        moves.iter().all(|&(_, r)| (r - 0.8).abs() < 1e-12),
        "{moves:?}"
    );
    // Without the table the price never moves.
    assert!(price_moves(&run(&scenario(HALF_GONE), 4)).is_empty());
}

#[test]
fn a_drawdown_drops_the_price_once_per_cooldown() {
    let fb = "[price.feedback]\ndrawdown = 0.4\ncooldown_days = 30\n";
    let longer = HALF_GONE.replace("2026-07-10", "2026-08-01");
    let rec = run(&scenario(&format!("{longer}{fb}")), 4);
    // The network runs 500 EH/s, 50 % below its 90-day high, from the fall on: a drop of 10 %
    // (the default) the midnight after the first day that ends below, then one every 30 days.
    let fall = rec
        .days
        .iter()
        .position(|d| d.hashrate_ehs < 600.0)
        .unwrap();
    let moves = price_moves(&rec);
    assert_eq!(moves.len(), 2, "{moves:?}");
    assert_eq!(moves[0].0, fall + 1);
    assert_eq!(moves[1].0, fall + 31);
    assert!(moves.iter().all(|&(_, r)| (r - 0.9).abs() < 1e-12));
}

#[test]
fn firms_see_a_feedback_event() {
    // A generated fleet with firms at a constant price; a -60 % price shock switches machines
    // off, the hashrate drawdown triggers, and the price falls 10 % more the next midnight.
    let text = "start = \"2026-05-29\"\nend = \"2026-07-29\"\n\
        [hashrate]\nkind = \"fleet\"\n[network]\nsites = 300\n[firms]\ncount = 150\n\
        [price]\nmodel = \"constant\"\ninitial_usd = 76600.0\n\
        [price.feedback]\ndrawdown = 0.25\ncooldown_days = 60\n\
        [[shocks]]\nkind = \"btc_price\"\nat = \"2026-06-15\"\nfactor = 0.4\n";
    let rec = run(&scenario(text), 1);
    let events: Vec<_> = rec
        .events
        .iter()
        .filter(|e| e.kind.name() == "price_feedback")
        .collect();
    assert_eq!(events.len(), 1, "{events:?}");
    let e = events[0];
    assert_eq!((e.detail, e.value), ("hashrate_drawdown", 0.9));
    let day = rec
        .days
        .iter()
        .position(|d| d.date_unix == e.time_unix)
        .unwrap();
    let ratio = rec.days[day].price_usd / rec.days[day - 1].price_usd;
    assert!((ratio - 0.9).abs() < 1e-12, "{ratio}");
    assert!(rec.days[day - 1].hashrate_ehs < 0.75 * rec.days[0].hashrate_ehs);
}

#[test]
fn bad_feedback_keys_name_the_key_and_the_range() {
    assert_bad_input(
        "fbnone",
        Some("[price.feedback]\ndrop = 0.2\n"),
        &[],
        &["price.feedback", "no trigger"],
    );
    assert_bad_input(
        "fbdrop",
        Some("[price.feedback]\ndrawdown = 0.3\ndrop = 0.95\n"),
        &[],
        &["price.feedback.drop", "0.95", "(0, 0.9]"],
    );
    assert_bad_input(
        "fbslow",
        Some("[price.feedback]\nslow_blocks_s = 300.0\n"),
        &[],
        &["price.feedback.slow_blocks_s", "(600, 86400] s"],
    );
    assert_bad_input(
        "fbwindow",
        Some("[price.feedback]\ndrawdown = 0.3\nwindow_days = 0\n"),
        &[],
        &["price.feedback.window_days", "[1, 3650] days"],
    );
    assert_bad_input(
        "fbkey",
        Some("[price.feedback]\nthreshold = 0.3\n"),
        &[],
        &["threshold"],
    );
}
