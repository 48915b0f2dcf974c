//! Fee spikes end to end: what the blocks pay during a spike, how the fleet answers it, and
//! the scenario keys' validation.

use crate::common::{assert_bad_input, run, scenario};

/// Two years of an exogenous network with constant fees of 0.1 BTC and spikes of exactly 4x
/// (log-sd 0: `M = 1 + (4 - 1) e^0`).
const EXOGENOUS: &str = "start = \"2026-05-29\"\nend = \"2028-05-29\"\n\
    [fees]\nmodel = \"constant\"\nmean_btc = 0.1\n";

#[test]
fn blocks_pay_the_spike_multiple_of_the_fees() {
    let spikes = "[fees.spikes]\nrate_per_year = 20.0\nmean_days = 5.0\n\
                  multiplier_median = 4.0\nlog_sd = 0.0\n";
    let rec = run(&scenario(&format!("{EXOGENOUS}{spikes}")), 3);
    let mut spike_days = 0;
    let mut episodes = 0;
    let mut previous = 1.0;
    for d in &rec.days {
        assert!(d.fee_multiplier == 1.0 || d.fee_multiplier == 4.0, "{d:?}");
        // Every block of the day pays 0.1 BTC times the day's multiplier, to the satoshi.
        let expected = d.blocks as f64 * 0.1 * d.fee_multiplier;
        assert!((d.fees_btc - expected).abs() < 1e-9, "{d:?}");
        spike_days += usize::from(d.fee_multiplier > 1.0);
        episodes += usize::from(d.fee_multiplier > 1.0 && previous == 1.0);
        previous = d.fee_multiplier;
    }
    // 20 episodes a year of 5 days: 40 episodes in two years and 27.4 % of the days. Cycles of
    // 18.3 days with sd ~13.5: the count has sd ~4.7 and the share sd ~0.041; the bounds are
    // about 4 sd.
    assert!((20..=60).contains(&episodes), "{episodes} episodes");
    let share = spike_days as f64 / rec.days.len() as f64;
    assert!((0.11..0.44).contains(&share), "share {share}");
}

#[test]
fn no_arrivals_change_nothing() {
    // Lognormal fees (their stream must not be shared with the spikes') and firms deciding
    // (their outlook must come out the same).
    let text = "start = \"2026-05-29\"\nend = \"2026-11-29\"\n\
        [hashrate]\nkind = \"fleet\"\n[network]\nsites = 300\n[firms]\ncount = 150\n\
        [fees]\nmodel = \"lognormal\"\n";
    let base = run(&scenario(text), 5);
    let off = run(
        &scenario(&format!("{text}[fees.spikes]\nrate_per_year = 0.0\n")),
        5,
    );
    assert!(!base.firm_months.is_empty());
    assert_eq!(base.days, off.days);
    assert_eq!(base.blocks, off.blocks);
    // Compared as text: a firm without machines has a NaN efficiency.
    let text = |r: &hashshift::record::MemoryRecorder| format!("{:?}{:?}", r.firm_months, r.events);
    assert_eq!(text(&base), text(&off));
    assert!(off.days.iter().all(|d| d.fee_multiplier == 1.0));
}

#[test]
fn a_spike_switches_idle_machines_on() {
    // A generated fleet without firms at a constant price, constant fees and steady energy:
    // only the spikes (30x the fees: 2 BTC on top of the 3.125 BTC subsidy) move revenue.
    let text = "start = \"2026-05-29\"\nend = \"2027-05-29\"\n\
        [hashrate]\nkind = \"fleet\"\n[network]\nsites = 600\n[firms]\nenabled = false\n\
        [price]\nmodel = \"constant\"\ninitial_usd = 76600.0\n\
        [fees]\nmodel = \"constant\"\nmean_btc = 0.066\n\
        [fees.spikes]\nrate_per_year = 6.0\nmean_days = 4.0\nmultiplier_median = 30.0\nlog_sd = 0.0\n\
        [energy]\nsigma = 0.0\n";
    let rec = run(&scenario(text), 2);
    let (mut starts, mut switched_on) = (0, 0);
    for w in rec.days.windows(2) {
        let (before, day) = (&w[0], &w[1]);
        if before.fee_multiplier == 1.0 && day.fee_multiplier > 1.0 {
            starts += 1;
            let (idle_before, idle) = (before.idle_ehs.unwrap(), day.idle_ehs.unwrap());
            assert!(
                day.hashprice_usd_per_ph_day > 1.2 * before.hashprice_usd_per_ph_day,
                "{before:?}\n{day:?}"
            );
            assert!(
                idle_before == 0.0 || idle < idle_before,
                "idle {idle_before} -> {idle} EH/s"
            );
            switched_on += usize::from(idle < idle_before);
            assert!(
                day.hashrate_ehs >= before.hashrate_ehs,
                "{before:?}\n{day:?}"
            );
        }
    }
    // The first spike switches the start's idle overhang on (95 EH/s on seed 2); those
    // machines then stay on within the hysteresis band, so later spikes find none idle.
    assert!(
        starts >= 2 && switched_on >= 1,
        "{starts} spikes, {switched_on} with machines switched on"
    );
}

#[test]
fn bad_spike_keys_name_the_key_and_the_range() {
    assert_bad_input(
        "spikedays",
        Some("[fees]\nmodel = \"lognormal\"\n[fees.spikes]\nmean_days = 0.5\n"),
        &[],
        &["fees.spikes.mean_days", "0.5", "[1, 365] days"],
    );
    assert_bad_input(
        "spikemedian",
        Some("[fees.spikes]\nmultiplier_median = 0.5\n"),
        &[],
        &["fees.spikes.multiplier_median", "[1, 1000]"],
    );
    assert_bad_input(
        "spikedense",
        Some("[fees.spikes]\nrate_per_year = 100.0\nmean_days = 5.0\n"),
        &[],
        &["fees.spikes.rate_per_year", "365.25 / (mean_days + 1)"],
    );
    assert_bad_input(
        "spikecsv",
        Some("[fees]\nmodel = \"csv\"\ncsv = \"fees.csv\"\n[fees.spikes]\n"),
        &[],
        &["fees.spikes", "csv"],
    );
    assert_bad_input(
        "spikekey",
        Some("[fees.spikes]\nrate = 3.0\n"),
        &[],
        &["rate"],
    );
    assert_bad_input(
        "spikeset",
        Some("name = \"s\"\n"),
        &["--set", "fees.spikes.log_sd=-1"],
        &["fees.spikes.log_sd", "[0, 3]"],
    );
}
