//! Statistical validation of `hashshift_models::market` with fixed seeds.
//!
//! Every test compares a sample statistic with its theoretical value and accepts a deviation
//! of at most 4 standard errors (two-sided false-alarm rate 6e-5 for a normal estimator), the
//! standard error being stated next to each check. Serially correlated samples (the regime
//! chain, the OU process) use the chain's autocorrelation or independent batches for the
//! standard error. `--nocapture` prints each statistic against its expectation.
//!
//! The replay tests also read `shared/reference/btc_daily.csv` (`$HASHSHIFT_REFERENCE_DIR` or
//! `<CARGO_MANIFEST_DIR>/../../shared/reference`); when it is missing they print a note and
//! pass, unless `HASHSHIFT_REQUIRE_REFERENCE=1`.

use std::path::PathBuf;

use hashshift_models::market::{
    EnergyPrice, FeeModel, Gbm, Merton, PriceModel, PriceProcess, PriceReplay, Regime,
    RegimeSwitching, DT_YEARS,
};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

#[path = "market_statistics/fee_level.rs"]
mod fee_level;
#[path = "market_statistics/long_horizon.rs"]
mod long_horizon;

/// Mean, unbiased variance, and the central fourth moment of a sample.
fn moments(xs: &[f64]) -> (f64, f64, f64) {
    let n = xs.len() as f64;
    let mean = xs.iter().sum::<f64>() / n;
    let (mut m2, mut m4) = (0.0, 0.0);
    for &x in xs {
        let d = (x - mean) * (x - mean);
        m2 += d;
        m4 += d * d;
    }
    (mean, m2 / (n - 1.0), m4 / n)
}

/// Asserts `|estimate - expected| <= k * se` and prints the comparison.
fn within(what: &str, estimate: f64, expected: f64, se: f64, k: f64) {
    let z = (estimate - expected) / se;
    println!("{what}: {estimate:.6e} vs {expected:.6e} (SE {se:.3e}, {z:+.2} SE)");
    assert!(
        z.abs() <= k,
        "{what}: {estimate} differs from {expected} by {z:.2} standard errors ({se})"
    );
}

fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

#[test]
fn gbm_daily_log_returns_have_the_configured_mean_and_sd() {
    let (mu, sigma, n) = (0.3, 0.6, 200_000);
    let mut p = PriceProcess::gbm(50_000.0, mu, sigma).unwrap();
    let mut r = rng(11);
    let mut prev = p.price();
    let mut log_returns = Vec::with_capacity(n);
    let mut ratios = Vec::with_capacity(n);
    for _ in 0..n {
        let s = p.step(&mut r);
        log_returns.push((s / prev).ln());
        ratios.push(s / prev);
        prev = s;
    }
    let (mean, var, _) = moments(&log_returns);
    let sd_step = sigma * DT_YEARS.sqrt();
    // SE of the mean: sigma sqrt(dt) / sqrt(n).
    let se_mean = sd_step / (n as f64).sqrt();
    within(
        "GBM mean log-return",
        mean,
        (mu - 0.5 * sigma * sigma) * DT_YEARS,
        se_mean,
        4.0,
    );
    // SE of the sample variance of normal data: sigma^2 dt sqrt(2 / (n - 1)).
    let var_expected = sd_step * sd_step;
    let se_var = var_expected * (2.0 / (n as f64 - 1.0)).sqrt();
    within("GBM log-return variance", var, var_expected, se_var, 4.0);
    println!("GBM log-return sd {:.6} vs {:.6}", var.sqrt(), sd_step);
    // E[S'/S] = e^{mu dt}; SE from the sample sd of the ratio.
    let (mean_ratio, var_ratio, _) = moments(&ratios);
    let se_ratio = (var_ratio / n as f64).sqrt();
    within(
        "GBM mean gross return",
        mean_ratio,
        (mu * DT_YEARS).exp(),
        se_ratio,
        4.0,
    );
}

#[test]
fn merton_jumps_have_the_configured_intensity_and_the_drift_is_compensated() {
    let (mu, sigma, lambda, jump_mean, jump_sd) = (0.2, 0.5, 50.0, -0.05, 0.1);
    let n = 400_000;
    let model = Merton::new(mu, sigma, lambda, jump_mean, jump_sd).unwrap();
    let mut p = PriceProcess::new(PriceModel::Merton(model), 50_000.0).unwrap();
    let mut r = rng(12);
    let mut prev = p.price();
    let (mut jumps, mut jump_steps) = (0u64, 0u64);
    let mut ratios = Vec::with_capacity(n);
    let mut log_returns = Vec::with_capacity(n);
    for _ in 0..n {
        let s = p.step(&mut r);
        jumps += u64::from(p.last_jumps());
        jump_steps += u64::from(p.last_jumps() > 0);
        ratios.push(s / prev);
        log_returns.push((s / prev).ln());
        prev = s;
    }
    let nf = n as f64;
    let ldt = lambda * DT_YEARS;
    // Jumps per step ~ Poisson(lambda dt): SE of the mean sqrt(lambda dt / n).
    within(
        "Merton jumps per step",
        jumps as f64 / nf,
        ldt,
        (ldt / nf).sqrt(),
        4.0,
    );
    // Share of steps with a jump ~ Binomial(n, 1 - e^{-lambda dt}) / n.
    let q = -(-ldt).exp_m1();
    within(
        "Merton share of steps with a jump",
        jump_steps as f64 / nf,
        q,
        (q * (1.0 - q) / nf).sqrt(),
        4.0,
    );
    // E[S'/S] = e^{mu dt}; SE from the sample sd of the gross return.
    let (mean_ratio, var_ratio, _) = moments(&ratios);
    let se = (var_ratio / nf).sqrt();
    within(
        "Merton mean gross return",
        mean_ratio,
        (mu * DT_YEARS).exp(),
        se,
        4.0,
    );
    // The check discriminates: without the compensator the mean would be e^{(mu + lambda k) dt},
    // more than 20 SE away.
    let uncompensated = ((mu + lambda * model.compensator()) * DT_YEARS).exp();
    assert!((uncompensated - (mu * DT_YEARS).exp()).abs() > 20.0 * se);
    // Log-return cumulants: k2 = sigma^2 dt + lambda dt E[Y^2], k4 = lambda dt E[Y^4].
    let ey2 = jump_mean * jump_mean + jump_sd * jump_sd;
    let ey4 =
        jump_mean.powi(4) + 6.0 * jump_mean * jump_mean * jump_sd * jump_sd + 3.0 * jump_sd.powi(4);
    let k2 = sigma * sigma * DT_YEARS + ldt * ey2;
    let (_, var, m4) = moments(&log_returns);
    // SE of the sample variance: sqrt((m4 - var^2) / n).
    within(
        "Merton log-return variance",
        var,
        k2,
        ((m4 - var * var) / nf).sqrt(),
        4.0,
    );
    // Excess kurtosis: expected k4 / k2^2 (about 10.7 here); SE from 40 independent batches.
    let kurt = |xs: &[f64]| {
        let (_, v, m4) = moments(xs);
        m4 / (v * v) - 3.0
    };
    let batch_kurt: Vec<f64> = log_returns.chunks(n / 40).map(kurt).collect();
    let (_, batch_var, _) = moments(&batch_kurt);
    let excess = kurt(&log_returns);
    let expected = ldt * ey4 / (k2 * k2);
    within(
        "Merton excess kurtosis",
        excess,
        expected,
        (batch_var / 40.0).sqrt(),
        4.0,
    );
    assert!(excess > 1.0);
}

fn regime_model(p_bull_to_bear: f64, p_bear_to_bull: f64) -> RegimeSwitching {
    RegimeSwitching::new(
        Gbm::new(1.0, 0.6).unwrap(),
        Gbm::new(-1.0, 0.9).unwrap(),
        p_bull_to_bear,
        p_bear_to_bull,
    )
    .unwrap()
}

#[test]
fn regime_share_across_independent_chains_is_the_stationary_share() {
    // 20,000 chains started in Bull; after 200 days the start is forgotten (the bias
    // (1 - p - q)^200 = 0.93^200 = 5e-7 is far below the SE). Each chain's regime on day 200 is
    // an independent Bernoulli(pi): SE sqrt(pi (1 - pi) / chains).
    let model = regime_model(0.02, 0.05);
    let pi = model.stationary_bull_share();
    let chains = 20_000;
    let mut r = rng(13);
    let mut bull = 0u32;
    for _ in 0..chains {
        let mut p = PriceProcess::new(PriceModel::RegimeSwitching(model), 1.0).unwrap();
        for _ in 0..200 {
            p.step(&mut r);
        }
        bull += u32::from(p.regime() == Some(Regime::Bull));
    }
    let se = (pi * (1.0 - pi) / chains as f64).sqrt();
    within(
        "bull share, independent chains",
        f64::from(bull) / chains as f64,
        pi,
        se,
        4.0,
    );
}

#[test]
fn regime_share_along_one_chain_and_per_regime_returns() {
    let (p_bb, p_bu) = (0.02, 0.05);
    let model = regime_model(p_bb, p_bu);
    let pi = model.stationary_bull_share();
    let rho = 1.0 - p_bb - p_bu;
    let n = 2_000_000;
    let mut p = PriceProcess::new(PriceModel::RegimeSwitching(model), 1.0).unwrap();
    let mut r = rng(14);
    let mut indicator = Vec::with_capacity(n);
    let (mut bull_ret, mut bear_ret) = (Vec::new(), Vec::new());
    let (mut from_bull, mut bull_to_bear) = (0u64, 0u64);
    let mut prev_regime = p.regime().unwrap();
    let mut prev = p.price();
    for _ in 0..n {
        let s = p.step(&mut r);
        let regime = p.regime().unwrap();
        if prev_regime == Regime::Bull {
            from_bull += 1;
            bull_to_bear += u64::from(regime == Regime::Bear);
        }
        match regime {
            Regime::Bull => bull_ret.push((s / prev).ln()),
            Regime::Bear => bear_ret.push((s / prev).ln()),
        }
        indicator.push(if regime == Regime::Bull { 1.0 } else { 0.0 });
        // Renormalize so the level neither overflows nor underflows over 2 M steps.
        p.apply_shock(1.0 / s).unwrap();
        prev = 1.0;
        prev_regime = regime;
    }
    let share = indicator.iter().sum::<f64>() / n as f64;
    // The indicator is a stationary AR(1)-like chain with lag-k autocorrelation rho^k, so the
    // SE of its mean is sqrt(pi (1 - pi) (1 + rho) / ((1 - rho) n)).
    let se = (pi * (1.0 - pi) * (1.0 + rho) / ((1.0 - rho) * n as f64)).sqrt();
    within("bull share, one chain", share, pi, se, 4.0);
    // Batch means (100 batches of 20,000 days, ~700 correlation times each) agree with it.
    let batches: Vec<f64> = indicator
        .chunks(n / 100)
        .map(|c| c.iter().sum::<f64>() / c.len() as f64)
        .collect();
    let (_, batch_var, _) = moments(&batches);
    let batch_se = (batch_var / 100.0).sqrt();
    println!("bull share SE: analytic {se:.3e}, batch means {batch_se:.3e}");
    assert!(batch_se / se > 0.6 && batch_se / se < 1.6);
    // Transition frequency from bull: Binomial(from_bull, p_bull_to_bear).
    within(
        "bull-to-bear transition frequency",
        bull_to_bear as f64 / from_bull as f64,
        p_bb,
        (p_bb * (1.0 - p_bb) / from_bull as f64).sqrt(),
        4.0,
    );
    // Each regime's log-returns are N((mu - sigma^2/2) dt, sigma^2 dt).
    gbm_log_returns("bull", &bull_ret, 1.0, 0.6);
    gbm_log_returns("bear", &bear_ret, -1.0, 0.9);
}

/// Checks that `rets` are a GBM's daily log-returns, `N((mu - sigma^2/2) dt, sigma^2 dt)`:
/// SE `sigma sqrt(dt / m)` for the mean, `sigma^2 dt sqrt(2 / (m - 1))` for the variance.
fn gbm_log_returns(name: &str, rets: &[f64], mu: f64, sigma: f64) {
    let (mean, var, _) = moments(rets);
    let m = rets.len() as f64;
    let v = sigma * sigma * DT_YEARS;
    within(
        &format!("{name} mean log-return"),
        mean,
        (mu - 0.5 * sigma * sigma) * DT_YEARS,
        (v / m).sqrt(),
        4.0,
    );
    within(
        &format!("{name} log-return variance"),
        var,
        v,
        v * (2.0 / (m - 1.0)).sqrt(),
        4.0,
    );
}

#[test]
fn lognormal_fees_have_the_configured_mean_and_log_sd() {
    for (seed, mean_btc, sigma) in [(15, 0.066, 0.74), (16, 0.066, 1.5), (17, 2.0, 0.3)] {
        let fees = FeeModel::lognormal(mean_btc, sigma).unwrap();
        let n = 200_000;
        let mut r = rng(seed);
        let samples: Vec<f64> = (0..n).map(|_| fees.sample_sat(&mut r) as f64).collect();
        let m_sat = mean_btc * 1e8;
        let nf = n as f64;
        // SE of the mean: the lognormal sd m sqrt(e^{sigma^2} - 1) over sqrt(n).
        let sd = m_sat * (sigma * sigma).exp_m1().sqrt();
        let (mean, _, _) = moments(&samples);
        within(
            &format!("fees mean (sigma {sigma}), sat"),
            mean,
            m_sat,
            sd / nf.sqrt(),
            4.0,
        );
        // ln X ~ N(ln m - sigma^2/2, sigma^2): SE sigma/sqrt(n) for the mean and
        // sigma^2 sqrt(2/(n-1)) for the variance (rounding to whole sat is negligible here).
        let logs: Vec<f64> = samples.iter().map(|x| x.ln()).collect();
        let (lmean, lvar, _) = moments(&logs);
        within(
            &format!("fees mean log (sigma {sigma})"),
            lmean,
            m_sat.ln() - 0.5 * sigma * sigma,
            sigma / nf.sqrt(),
            4.0,
        );
        within(
            &format!("fees log variance (sigma {sigma})"),
            lvar,
            sigma * sigma,
            sigma * sigma * (2.0 / (nf - 1.0)).sqrt(),
            4.0,
        );
        println!("fees log-sd {:.5} vs {sigma}", lvar.sqrt());
    }
}

#[test]
fn energy_log_price_is_stationary_around_the_level_with_the_exact_autocorrelation() {
    // kappa = 5 (a = 0.9864, close to Euler) and kappa = 300 (a = 0.440, where Euler's
    // 1 - kappa dt = 0.179 and its stationary variance would be far off).
    for (seed, kappa, sigma) in [(18u64, 5.0, 0.8), (19, 300.0, 3.0)] {
        let level = 0.06;
        let mut e = EnergyPrice::new(level, kappa, sigma, 0.0, 0.0).unwrap();
        let mut r = rng(seed);
        e.draw_stationary(&mut r);
        let n = 500_000;
        let mut log_p = Vec::with_capacity(n);
        let mut xs = Vec::with_capacity(n);
        for d in 0..n {
            log_p.push(e.step((d % 365 + 1) as f64, &mut r).ln());
            xs.push(e.deviation());
        }
        let a = (-kappa * DT_YEARS).exp();
        let var_x = sigma * sigma / (2.0 * kappa);
        let nf = n as f64;
        // Mean of an AR(1) with coefficient a: SE sqrt(var (1 + a) / ((1 - a) n)).
        let (mean, _, _) = moments(&log_p);
        let se = (var_x * (1.0 + a) / ((1.0 - a) * nf)).sqrt();
        within(
            &format!("energy mean ln p (kappa {kappa})"),
            mean,
            level.ln(),
            se,
            4.0,
        );
        // Lag-1 autocorrelation (x has known mean 0): SE sqrt((1 - a^2) / n).
        let num: f64 = xs.windows(2).map(|w| w[0] * w[1]).sum();
        let den: f64 = xs.iter().map(|x| x * x).sum();
        within(
            &format!("energy lag-1 autocorrelation (kappa {kappa})"),
            num / den,
            a,
            ((1.0 - a * a) / nf).sqrt(),
            4.0,
        );
        // Stationary variance: SE var sqrt(2 (1 + a^2) / ((1 - a^2) n)) for an AR(1).
        within(
            &format!("energy variance of x (kappa {kappa})"),
            den / nf,
            var_x,
            var_x * (2.0 * (1.0 + a * a) / ((1.0 - a * a) * nf)).sqrt(),
            4.0,
        );
    }
}

#[test]
fn energy_monthly_means_follow_the_cosine_season() {
    let (level, amplitude, peak_day) = (0.06, 0.25, 15.0);
    let mut e = EnergyPrice::new(level, 5.0, 0.8, amplitude, peak_day).unwrap();
    let mut r = rng(20);
    e.draw_stationary(&mut r);
    const MONTH_DAYS: [u32; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let years = 300;
    // per_year[m][y]: mean of ln(p / level) over month m of year y.
    let mut per_year: Vec<Vec<f64>> = (0..12).map(|_| Vec::with_capacity(years)).collect();
    for _ in 0..years {
        let mut day = 0u32;
        for (m, &len) in MONTH_DAYS.iter().enumerate() {
            let mut sum = 0.0;
            for _ in 0..len {
                day += 1;
                sum += (e.step(f64::from(day), &mut r) / level).ln();
            }
            per_year[m].push(sum / f64::from(len));
        }
    }
    let mut day = 0u32;
    let mut expected_by_month = [0.0; 12];
    for (m, &len) in MONTH_DAYS.iter().enumerate() {
        let mut sum = 0.0;
        for _ in 0..len {
            day += 1;
            sum += amplitude
                * (2.0 * std::f64::consts::PI * (f64::from(day) - peak_day) / 365.25).cos();
        }
        expected_by_month[m] = sum / f64::from(len);
    }
    for (m, means) in per_year.iter().enumerate() {
        // Years are nearly independent (correlation e^{-kappa} = 0.007 across a year), so the
        // SE is the sd of the 300 yearly monthly means over sqrt(300).
        let (mean, var, _) = moments(means);
        within(
            &format!("energy month {} mean ln(p/level)", m + 1),
            mean,
            expected_by_month[m],
            (var / years as f64).sqrt(),
            4.0,
        );
    }
}

#[test]
fn replay_reproduces_the_given_prices_and_rejects_bad_series() {
    let points: Vec<(i64, f64)> = (0..50).map(|i| (20_000 + i, 1000.0 + i as f64)).collect();
    let series = PriceReplay::new(&points).unwrap();
    for &(day, price) in &points {
        assert_eq!(series.price_on(day), Some(price));
    }
    let mut p = PriceProcess::replay(series, 20_000).unwrap();
    let mut r = rng(21);
    assert_eq!(p.price(), 1000.0);
    for &(day, price) in &points[1..] {
        assert_eq!(p.step(&mut r), price);
        assert_eq!(p.replay_day(), Some(day));
    }
    let mut gap = points.clone();
    gap.remove(10);
    let e = PriceReplay::new(&gap).unwrap_err();
    assert!(e.to_string().contains("day 20010"), "{e}");
    let mut unsorted = points.clone();
    unsorted.swap(3, 4);
    assert!(PriceReplay::new(&unsorted).is_err());
}

fn reference_csv() -> Option<PathBuf> {
    let dir = match std::env::var_os("HASHSHIFT_REFERENCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference"),
    };
    let path = dir.join("btc_daily.csv");
    if path.is_file() {
        return Some(path);
    }
    if std::env::var("HASHSHIFT_REQUIRE_REFERENCE").is_ok_and(|v| v.trim() == "1") {
        panic!(
            "HASHSHIFT_REQUIRE_REFERENCE=1 but {} is missing",
            path.display()
        );
    }
    eprintln!(
        "REFERENCE VALIDATION DID NOT RUN: {} not found",
        path.display()
    );
    None
}

/// Days since 1970-01-01 of `YYYY-MM-DD` (H. Hinnant's days_from_civil).
fn unix_day(date: &str) -> i64 {
    let y: i64 = date[0..4].parse().unwrap();
    let m: i64 = date[5..7].parse().unwrap();
    let d: i64 = date[8..10].parse().unwrap();
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let doy = (153 * ((m + 9) % 12) + 2) / 5 + d - 1;
    era * 146_097 + yoe * 365 + yoe / 4 - yoe / 100 + doy - 719_468
}

#[test]
fn replay_of_the_reference_prices_and_their_volatility() {
    let Some(path) = reference_csv() else { return };
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let col = header.iter().position(|h| *h == "PriceUSD").unwrap();
    let points: Vec<(i64, f64)> = lines
        .map(|l| {
            let f: Vec<&str> = l.split(',').collect();
            (unix_day(f[0]), f[col].parse().unwrap())
        })
        .collect();
    assert_eq!(points.first().unwrap().0, 16_801); // 2016-01-01
    let series = PriceReplay::new(&points).unwrap();
    let mut p = PriceProcess::replay(series, points[0].0).unwrap();
    let mut r = rng(22);
    let mut log_returns = Vec::new();
    for w in points.windows(2) {
        assert_eq!(p.step(&mut r), w[1].1);
        log_returns.push((w[1].1 / w[0].1).ln());
    }
    // The module doc's figure: annualized volatility 0.673 over 2016-01-01..2026-05-23.
    let (_, var, _) = moments(&log_returns);
    let vol = (var * 365.25).sqrt();
    println!(
        "reference BTC volatility {vol:.4} per year over {} daily log-returns",
        log_returns.len()
    );
    assert!((vol - 0.673).abs() < 0.0005, "{vol}");
    // A gap in the real series is named.
    let mut gap = points.clone();
    gap.remove(100);
    let e = PriceReplay::new(&gap).unwrap_err().to_string();
    assert!(e.contains("2016-04-10"), "{e}");
}
