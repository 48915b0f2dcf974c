//! The daily fee level (`hashshift_models::market::fee_level`): the process's spread and
//! persistence, and those of the simulated daily fee per block. Same conventions as the parent
//! file.

use hashshift_models::market::{fee_level, FeeLevel, FeeSpikes};

use super::long_horizon::ac1_sd;
use super::{moments, rng, within};

#[test]
fn fee_level_has_the_configured_spread_and_autocorrelation() {
    let mut f = FeeLevel::calibrated();
    let (s, a) = (f.log_sd(), f.autocorrelation());
    let mut r = rng(39);
    f.draw_stationary(&mut r);
    let n = 400_000;
    let logs: Vec<f64> = (0..n).map(|_| f.step(&mut r).ln()).collect();
    let nf = n as f64;
    let (mean, var, _) = moments(&logs);
    // AR(1): SE of the mean sqrt(s^2 (1+a)/((1-a) n)); of the variance
    // s^2 sqrt(2 (1+a^2)/((1-a^2) n)); of the lag-1 autocorrelation sqrt((1-a^2)/n).
    within(
        "fee level: mean log",
        mean,
        fee_level::DEFAULT_MEDIAN_BTC.ln(),
        (s * s * (1.0 + a) / ((1.0 - a) * nf)).sqrt(),
        4.0,
    );
    within(
        "fee level: variance of the log",
        var,
        s * s,
        s * s * (2.0 * (1.0 + a * a) / ((1.0 - a * a) * nf)).sqrt(),
        4.0,
    );
    let (ac, sd) = ac1_sd(&logs);
    within(
        "fee level: lag-1 autocorrelation",
        ac,
        a,
        ((1.0 - a * a) / nf).sqrt(),
        4.0,
    );
    // Issue 32's tolerances on the same figures.
    assert!(
        (sd - 0.74).abs() <= 0.1 && (ac - 0.97).abs() <= 0.02,
        "{sd} {ac}"
    );
}

/// The day's mean fee per block of 144 blocks drawn from each day's model: the series the
/// issue measured (spread 0.07 and lag-1 autocorrelation -0.02 with independent per-block
/// draws). With the daily level it has spread 0.74 +- 0.1 and autocorrelation 0.97 +- 0.02
/// (issue 32's tolerances; 20,000 days give SEs of 0.02 and 0.002). With fee spikes on top and
/// the spread fitted without spike days (0.66), the total spread stays at 0.74 +- 0.1.
#[test]
fn simulated_daily_fee_per_block_has_the_real_spread_and_persistence() {
    let days = 20_000;
    for (label, log_sd, spikes) in [
        ("fee level", fee_level::DEFAULT_LOG_SD, None),
        (
            "fee level with spikes",
            fee_level::DEFAULT_LOG_SD_WITH_SPIKES,
            Some(FeeSpikes::calibrated()),
        ),
    ] {
        let mut f = FeeLevel::new(
            fee_level::DEFAULT_MEDIAN_BTC,
            log_sd,
            fee_level::DEFAULT_AUTOCORRELATION,
            fee_level::DEFAULT_BLOCK_LOG_SD,
        )
        .unwrap();
        let (mut r, mut spike_rng) = (rng(40), rng(41));
        f.draw_stationary(&mut r);
        let mut spike = None;
        let daily: Vec<f64> = (0..days)
            .map(|_| {
                f.step(&mut r);
                let mut model = f.day_model();
                if let Some(s) = &spikes {
                    spike = s.step_day(spike, &mut spike_rng);
                    if let Some(m) = spike {
                        model = model.scaled(m);
                    }
                }
                let total: u64 = (0..144).map(|_| model.sample_sat(&mut r)).sum();
                (total as f64 / 144.0).ln()
            })
            .collect();
        let (ac, sd) = ac1_sd(&daily);
        println!(
            "{label}: simulated daily fee per block: spread {sd:.3}, lag-1 autocorrelation {ac:.3}"
        );
        assert!((sd - 0.74).abs() <= 0.1, "{label}: spread {sd}");
        if spikes.is_none() {
            assert!((ac - 0.97).abs() <= 0.02, "{label}: autocorrelation {ac}");
        } else {
            // Spike days switch on and off, which lowers the lag-1 autocorrelation (module doc
            // of fee_level: the data's is 0.966 with spikes, 0.897 in 2024-25).
            assert!(ac > 0.85 && ac < 0.97, "{label}: autocorrelation {ac}");
        }
    }
}
