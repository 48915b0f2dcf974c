//! Statistical and exactness properties of the block-arrival engine.
//!
//! Every test uses fixed seeds, so it is deterministic; the tolerances are chosen so that a
//! correct engine fails with probability below 0.1% for a random seed choice (stated per test).

use crate::common;

use common::{run, scenario};
use hashshift::record::BlockRecord;
use hashshift_models::consensus::{self, bits_to_difficulty};

const TWO_POW_32: f64 = 4_294_967_296.0;
const START_BITS: u32 = 0x1702068f;

/// Difficulty-implied hashrate of `bits` in EH/s: D x 2^32 / 600.
fn implied_ehs(bits: u32) -> f64 {
    bits_to_difficulty(bits) * TWO_POW_32 / 600.0 / 1e18
}

/// Kolmogorov-Smirnov distance between the sample and Exp(1).
fn ks_exp1(mut u: Vec<f64>) -> f64 {
    u.sort_by(f64::total_cmp);
    let n = u.len() as f64;
    u.iter()
        .enumerate()
        .map(|(i, &x)| {
            let f = 1.0 - (-x).exp();
            (f - i as f64 / n).abs().max(((i + 1) as f64 / n - f).abs())
        })
        .fold(0.0, f64::max)
}

/// KS critical value at alpha = 0.001: sqrt(-ln(alpha/2)/2) / sqrt(n).
fn ks_critical(n: usize) -> f64 {
    (-(0.001f64 / 2.0).ln() / 2.0).sqrt() / (n as f64).sqrt()
}

/// Interval of each block in units of its expected interval D x 2^32 / H: Exp(1) when the
/// hashrate was constant over the interval.
fn normalized(blocks: &[BlockRecord]) -> Vec<f64> {
    blocks
        .iter()
        .map(|b| b.interval_s * b.hashrate_hs / (b.difficulty * TWO_POW_32))
        .collect()
}

#[test]
fn constant_implied_hashrate_gives_600s_exponential_intervals() {
    // 100 seeds x the 2016 blocks of the first epoch, at the difficulty-implied hashrate.
    let ehs = implied_ehs(START_BITS);
    let sc = scenario(&format!("horizon_years = 0.06\n[hashrate]\nehs = {ehs}\n"));
    let mut intervals = Vec::new();
    for seed in 0..100 {
        let rec = run(&sc, seed);
        intervals.extend(
            rec.blocks
                .iter()
                .filter(|b| b.bits == START_BITS)
                .map(|b| b.interval_s),
        );
    }
    let n = intervals.len();
    assert!(n >= 100 * 2016, "only {n} first-epoch blocks");
    let mean = intervals.iter().sum::<f64>() / n as f64;
    // Exp(600): sd of the mean = 600/sqrt(n) = 1.34 s; 4 sd (p < 1e-4).
    let tol = 4.0 * 600.0 / (n as f64).sqrt();
    assert!(
        (mean - 600.0).abs() < tol,
        "mean interval {mean} s, expected 600 +- {tol}"
    );
    let u: Vec<f64> = intervals.iter().map(|x| x / 600.0).collect();
    let d = ks_exp1(u);
    assert!(
        d < ks_critical(n),
        "KS distance {d} >= {} (n = {n})",
        ks_critical(n)
    );
}

#[test]
fn long_run_mean_interval_matches_the_2015_interval_quirk() {
    // With constant hashrate the retarget sets m' = 1,209,600 / G with G ~ Gamma(2015, 1), so
    // the expected interval is 1,209,600 / 2014 = 600.596 s (the off-by-one window and
    // Jensen's inequality), not 600 s. Over 20 years (~1.05M blocks, ~520 epochs) the sd of
    // the mean is about sqrt(600^2/1.05e6 + 13.4^2/520) = 0.83 s; tolerance 4 sd.
    let sc = scenario("[hashrate]\nehs = 1000\n");
    let rec = run(&sc, 7);
    let s = rec.summary.unwrap();
    let expected = 1_209_600.0 / 2014.0;
    assert!(
        (s.mean_interval_s - expected).abs() < 3.4,
        "{} vs {expected}",
        s.mean_interval_s
    );
    // Every block's normalized interval is Exp(1) (the hashrate never changes).
    let u = normalized(&rec.blocks);
    let n = u.len();
    assert!(ks_exp1(u) < ks_critical(n));
    // Exactly five halvings from height 951,552 over 20 years at ~600 s.
    assert_eq!(s.halvings, 5);
    // A run without firms still logs them as network events, at their blocks' times with
    // their heights.
    let halvings: Vec<_> = rec
        .events
        .iter()
        .filter(|e| e.kind.name() == "halving")
        .map(|e| (e.time_unix, e.value, e.firm))
        .collect();
    let expected: Vec<_> = rec
        .blocks
        .iter()
        .filter(|b| b.height % consensus::SUBSIDY_HALVING_INTERVAL == 0)
        .map(|b| (b.time_unix, b.height as f64, None))
        .collect();
    assert_eq!(halvings.len(), 5);
    assert_eq!(halvings, expected);
    let issued: u64 = rec.blocks.iter().map(|b| b.subsidy_sat).sum();
    assert_eq!(issued, s.subsidy_issued_sat);
    assert!(rec
        .blocks
        .iter()
        .all(|b| b.subsidy_sat == consensus::block_subsidy(b.height)));
}

#[test]
fn every_retarget_is_the_exact_consensus_rule_on_header_times() {
    let sc = scenario("horizon_years = 3\n[hashrate]\nehs = 1000\n");
    let rec = run(&sc, 11);
    assert!(rec.epochs.len() >= 70);
    let time_of = |h: u64| rec.blocks[(h - rec.blocks[0].height) as usize].time_unix;
    for e in &rec.epochs {
        let (first, last) = (time_of(e.start_height), time_of(e.end_height));
        assert_eq!(
            (e.first_block_time_unix, e.last_block_time_unix),
            (first, last)
        );
        assert_eq!(e.timespan_s, last - first);
        assert_eq!(
            e.next_bits,
            consensus::next_work_required(e.bits, first, last)
        );
        // The next block is mined at the new bits.
        let next = &rec.blocks[(e.end_height + 1 - rec.blocks[0].height) as usize];
        assert_eq!(next.bits, e.next_bits);
    }
    // Header times never decrease, and equal the floor of the exact clock.
    assert!(rec
        .blocks
        .windows(2)
        .all(|w| w[1].time_unix >= w[0].time_unix));
    let mut clock = 0.0;
    for b in &rec.blocks {
        clock += b.interval_s;
        assert!((sc.start_unix + clock.floor() as i64 - b.time_unix).abs() <= 1);
    }
}

#[test]
fn halving_hashrate_mid_epoch_doubles_intervals_until_the_retarget() {
    // Start at an epoch boundary at the implied rate; at day 7 (mid-epoch) the hashrate
    // halves. Pooled over 30 seeds: intervals after the drop and before the retarget have
    // mean 1200 s; the retarget reflects the measured timespan exactly.
    let ehs = implied_ehs(START_BITS);
    let sc = scenario(&format!(
        "start = \"2026-05-29\"\nend = \"2026-07-20\"\n[hashrate]\nkind = \"piecewise\"\n\
         points = [{{ at = \"2026-05-29\", ehs = {ehs} }}, {{ at = \"2026-06-05\", ehs = {} }}]\n",
        ehs / 2.0
    ));
    let drop_t = sc.start_unix + 7 * 86_400;
    let (mut before, mut after) = (Vec::new(), Vec::new());
    for seed in 100..130 {
        let rec = run(&sc, seed);
        let e = &rec.epochs[0];
        assert_eq!(e.epoch, 472);
        // Drop mid-epoch: the epoch takes 7 days + (remaining blocks) x 1200 s.
        assert_eq!(
            e.next_bits,
            consensus::next_work_required(
                START_BITS,
                e.first_block_time_unix,
                e.last_block_time_unix
            )
        );
        assert!(
            e.timespan_s > 1_500_000 && e.timespan_s < 2_100_000,
            "{}",
            e.timespan_s
        );
        let implied_ratio = 1_209_600.0 / e.timespan_s as f64;
        assert!((e.next_difficulty / e.difficulty - implied_ratio).abs() < 1e-4);
        for w in rec.blocks.windows(2) {
            let (prev, b) = (&w[0], &w[1]);
            if b.bits != START_BITS {
                break;
            }
            if b.time_unix < drop_t {
                before.push(b.interval_s);
            } else if prev.time_unix >= drop_t {
                after.push(b.interval_s);
            }
        }
    }
    let mean = |v: &[f64]| v.iter().sum::<f64>() / v.len() as f64;
    let (mb, ma) = (mean(&before), mean(&after));
    // 4 sd of each mean.
    assert!(
        (mb - 600.0).abs() < 4.0 * 600.0 / (before.len() as f64).sqrt(),
        "before {mb}"
    );
    assert!(
        (ma - 1200.0).abs() < 4.0 * 1200.0 / (after.len() as f64).sqrt(),
        "after {ma}"
    );
    let u: Vec<f64> = after.iter().map(|x| x / 1200.0).collect();
    let n = u.len();
    assert!(ks_exp1(u) < ks_critical(n));
}

#[test]
fn hashrate_changes_beyond_4x_hit_the_clamp() {
    // x5 hashrate from the start: the first retarget is clamped at x4 difficulty.
    let ehs = implied_ehs(START_BITS) * 5.0;
    let sc = scenario(&format!("horizon_years = 0.1\n[hashrate]\nehs = {ehs}\n"));
    let rec = run(&sc, 3);
    let e = &rec.epochs[0];
    assert!(e.clamped && e.timespan_s < 302_400 && e.timespan_clamped_s == 302_400);
    let r = e.next_difficulty / e.difficulty;
    assert!((r - 4.0).abs() < 1e-4, "ratio {r}");
    assert_eq!(
        rec.summary.unwrap().clamped_retargets,
        rec.epochs.iter().filter(|e| e.clamped).count() as u64
    );

    // /5 hashrate: the first epoch takes ~10 weeks and difficulty falls by exactly /4.
    let sc = scenario(&format!(
        "horizon_years = 0.3\n[hashrate]\nehs = {}\n",
        ehs / 25.0
    ));
    let rec = run(&sc, 4);
    let e = &rec.epochs[0];
    assert!(e.clamped && e.timespan_s > 4_838_400 && e.timespan_clamped_s == 4_838_400);
    let r = e.difficulty / e.next_difficulty;
    assert!((r - 4.0).abs() < 1e-4, "ratio {r}");
}

#[test]
fn splitting_a_constant_path_does_not_redraw_blocks() {
    // The same constant hashrate given as one step or as 360 equal steps (one a minute for
    // six hours): the pending block is rescheduled at every (no-op) change, never redrawn,
    // so block times agree to floating-point rounding.
    let one = scenario("start = \"2026-05-29\"\nend = \"2026-07-01\"\n[hashrate]\nehs = 900\n");
    let pts: Vec<String> = (0..360)
        .map(|k| {
            format!(
                "{{ at = \"2026-05-29T{:02}:{:02}:00Z\", ehs = 900 }}",
                k / 60,
                k % 60
            )
        })
        .collect();
    let many = scenario(&format!(
        "start = \"2026-05-29\"\nend = \"2026-07-01\"\n[hashrate]\nkind = \"piecewise\"\npoints = [{}]\n",
        pts.join(", ")
    ));
    assert_eq!(many.hashrate.as_ref().unwrap().len(), 360);
    let (a, b) = (run(&one, 5), run(&many, 5));
    assert_eq!(a.blocks.len(), b.blocks.len());
    for (x, y) in a.blocks.iter().zip(&b.blocks) {
        assert_eq!((x.height, x.bits), (y.height, y.bits));
        assert!(
            (x.interval_s - y.interval_s).abs() < 1e-6,
            "{} vs {}",
            x.interval_s,
            y.interval_s
        );
    }
}

#[test]
fn zero_hashrate_stops_blocks_and_resumes_with_the_remaining_work() {
    // Hashrate 0 for two days: no block is found in the gap; afterwards the pending block
    // resumes with its remaining work, so its interval is (work before + work after) / H + gap.
    let sc = scenario(
        "start = \"2026-05-29\"\nend = \"2026-06-10\"\n[hashrate]\nkind = \"piecewise\"\n\
         points = [{ at = \"2026-05-29\", ehs = 1000 }, { at = \"2026-06-02\", ehs = 0 }, \
         { at = \"2026-06-04\", ehs = 1000 }]\n",
    );
    let (gap_a, gap_b) = (sc.start_unix + 4 * 86_400, sc.start_unix + 6 * 86_400);
    for seed in 0..20 {
        let rec = run(&sc, seed);
        assert!(rec
            .blocks
            .iter()
            .all(|b| b.time_unix < gap_a || b.time_unix >= gap_b));
        let straddle = rec.blocks.iter().find(|b| b.time_unix >= gap_b).unwrap();
        assert!(straddle.interval_s >= 2.0 * 86_400.0);
        assert_eq!(straddle.hashrate_hs, 1e21);
    }
    // A run whose hashrate is always 0 finds no block and still completes.
    let sc = scenario("horizon_years = 1\n[hashrate]\nehs = 0\n");
    let rec = run(&sc, 1);
    assert!(rec.blocks.is_empty());
    assert_eq!(rec.summary.unwrap().blocks, 0);
}

#[test]
fn runs_are_reproducible_and_seed_dependent() {
    let sc = scenario("horizon_years = 0.5\n");
    let (a, b, c) = (run(&sc, 9), run(&sc, 9), run(&sc, 10));
    assert_eq!(a.blocks, b.blocks);
    assert_eq!(a.epochs, b.epochs);
    assert_ne!(a.blocks[0].interval_s, c.blocks[0].interval_s);
}
