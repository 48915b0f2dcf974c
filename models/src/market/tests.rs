//! Unit tests of the market processes: parameter validation, determinism, shocks, replay
//! stepping. The statistical tests are in `models/tests/market_statistics.rs`.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

use super::price::{
    DEFAULT_BEAR_MU, DEFAULT_BEAR_SIGMA, DEFAULT_BULL_MU, DEFAULT_BULL_SIGMA,
    DEFAULT_MERTON_JUMP_MEAN, DEFAULT_MERTON_JUMP_SD, DEFAULT_MERTON_LAMBDA, DEFAULT_MERTON_SIGMA,
    DEFAULT_MU, DEFAULT_P_BEAR_TO_BULL, DEFAULT_P_BULL_TO_BEAR, DEFAULT_SIGMA,
};
use super::*;

/// Asserts that `r` is an out-of-range error naming `param` and that its message names the
/// parameter and the value.
fn rejects<T: std::fmt::Debug>(r: Result<T, MarketParamError>, param: &str) {
    let e = r.expect_err(param);
    match &e {
        MarketParamError::OutOfRange { param: p, .. } => assert_eq!(*p, param, "{e}"),
        other => panic!("expected OutOfRange for {param}, got {other:?}"),
    }
    let msg = e.to_string();
    assert!(msg.contains(&format!("`{param}`")), "{msg}");
    assert!(msg.contains("allowed"), "{msg}");
}

fn rng(seed: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(seed)
}

#[test]
fn gbm_validation() {
    assert!(Gbm::new(DEFAULT_MU, DEFAULT_SIGMA).is_ok());
    assert!(Gbm::new(-5.0, 0.0).is_ok() && Gbm::new(5.0, 5.0).is_ok());
    rejects(Gbm::new(5.1, 0.5), "mu");
    rejects(Gbm::new(f64::NAN, 0.5), "mu");
    rejects(Gbm::new(0.0, -0.1), "sigma");
    rejects(Gbm::new(0.0, 5.5), "sigma");
    rejects(Gbm::new(0.0, f64::INFINITY), "sigma");
    let msg = Gbm::new(0.0, 7.0).unwrap_err().to_string();
    assert!(msg.contains('7') && msg.contains("[0, 5]"), "{msg}");
    rejects(PriceProcess::gbm(0.0, 0.0, 0.5), "initial_price");
    rejects(PriceProcess::gbm(f64::NAN, 0.0, 0.5), "initial_price");
}

#[test]
fn merton_validation() {
    let ok = Merton::new(
        DEFAULT_MU,
        DEFAULT_MERTON_SIGMA,
        DEFAULT_MERTON_LAMBDA,
        DEFAULT_MERTON_JUMP_MEAN,
        DEFAULT_MERTON_JUMP_SD,
    );
    assert!(ok.is_ok());
    rejects(Merton::new(-6.0, 0.5, 10.0, 0.0, 0.1), "mu");
    rejects(Merton::new(0.0, 6.0, 10.0, 0.0, 0.1), "sigma");
    rejects(Merton::new(0.0, 0.5, -1.0, 0.0, 0.1), "lambda");
    rejects(Merton::new(0.0, 0.5, 366.0, 0.0, 0.1), "lambda");
    rejects(Merton::new(0.0, 0.5, 10.0, -2.5, 0.1), "jump_mean");
    rejects(Merton::new(0.0, 0.5, 10.0, 0.0, -0.1), "jump_sd");
    rejects(Merton::new(0.0, 0.5, 10.0, 0.0, f64::NAN), "jump_sd");
    // Boundary values are accepted and give a working process (lambda = 0: no jumps).
    let m = Merton::new(0.0, 0.5, 0.0, 0.0, 0.0).unwrap();
    let mut p = PriceProcess::new(PriceModel::Merton(m), 100.0).unwrap();
    let mut r = rng(1);
    for _ in 0..1000 {
        p.step(&mut r);
        assert_eq!(p.last_jumps(), 0);
    }
    let m = Merton::new(0.0, 0.5, 365.0, -0.1, 0.2).unwrap();
    assert!((m.compensator() - ((-0.1f64 + 0.02).exp() - 1.0)).abs() < 1e-15);
    let mut p = PriceProcess::new(PriceModel::Merton(m), 100.0).unwrap();
    assert!(p.step(&mut r).is_finite());
}

#[test]
fn regime_validation() {
    let bull = Gbm::new(DEFAULT_BULL_MU, DEFAULT_BULL_SIGMA).unwrap();
    let bear = Gbm::new(DEFAULT_BEAR_MU, DEFAULT_BEAR_SIGMA).unwrap();
    let r = RegimeSwitching::new(bull, bear, DEFAULT_P_BULL_TO_BEAR, DEFAULT_P_BEAR_TO_BULL);
    assert!((r.unwrap().stationary_bull_share() - 0.75).abs() < 1e-12);
    rejects(RegimeSwitching::new(bull, bear, 0.0, 0.5), "p_bull_to_bear");
    rejects(RegimeSwitching::new(bull, bear, 1.5, 0.5), "p_bull_to_bear");
    rejects(
        RegimeSwitching::new(bull, bear, 0.5, -0.1),
        "p_bear_to_bull",
    );
    rejects(
        RegimeSwitching::new(bull, bear, 0.5, f64::NAN),
        "p_bear_to_bull",
    );
    // p = 1 both ways: the chain alternates deterministically.
    let r = RegimeSwitching::new(bull, bear, 1.0, 1.0).unwrap();
    let mut p = PriceProcess::new(PriceModel::RegimeSwitching(r), 1.0).unwrap();
    assert_eq!(p.regime(), Some(Regime::Bull));
    let mut g = rng(2);
    p.step(&mut g);
    assert_eq!(p.regime(), Some(Regime::Bear));
    p.step(&mut g);
    assert_eq!(p.regime(), Some(Regime::Bull));
    let r = r.starting_in(Regime::Bear);
    let p = PriceProcess::new(PriceModel::RegimeSwitching(r), 1.0).unwrap();
    assert_eq!(p.regime(), Some(Regime::Bear));
    assert_eq!(PriceProcess::gbm(1.0, 0.0, 0.1).unwrap().regime(), None);
}

#[test]
fn fee_validation() {
    assert!(FeeModel::lognormal(fees::DEFAULT_MEAN_BTC, fees::DEFAULT_LOG_SD).is_ok());
    rejects(FeeModel::lognormal(-0.1, 0.5), "mean_btc");
    rejects(FeeModel::lognormal(101.0, 0.5), "mean_btc");
    rejects(FeeModel::lognormal(0.1, 3.5), "sigma");
    rejects(FeeModel::lognormal(0.1, -1.0), "sigma");
    rejects(FeeModel::constant(f64::NAN), "mean_btc");
    // Zero mean gives zero fees; the money-supply cap holds at the extremes.
    let zero = FeeModel::lognormal(0.0, 3.0).unwrap();
    let big = FeeModel::lognormal(100.0, 3.0).unwrap();
    let mut r = rng(3);
    for _ in 0..10_000 {
        assert_eq!(zero.sample_sat(&mut r), 0);
        assert!(big.sample_sat(&mut r) <= crate::consensus::MAX_MONEY);
    }
}

#[test]
fn energy_validation() {
    assert!(EnergyPrice::new(0.05, 10.0, 0.8, 0.2, 15.0).is_ok());
    rejects(EnergyPrice::new(0.0, 10.0, 0.8, 0.2, 15.0), "level");
    rejects(EnergyPrice::new(11.0, 10.0, 0.8, 0.2, 15.0), "level");
    rejects(EnergyPrice::new(0.05, 0.0, 0.8, 0.2, 15.0), "kappa");
    rejects(EnergyPrice::new(0.05, 400.0, 0.8, 0.2, 15.0), "kappa");
    rejects(EnergyPrice::new(0.05, 10.0, -0.8, 0.2, 15.0), "sigma");
    rejects(EnergyPrice::new(0.05, 10.0, 0.8, 1.2, 15.0), "amplitude");
    rejects(EnergyPrice::new(0.05, 10.0, 0.8, 0.2, -1.0), "peak_day");
    rejects(EnergyPrice::new(0.05, 10.0, 0.8, 0.2, 400.0), "peak_day");
    let mut e = EnergyPrice::new(0.05, 10.0, 0.8, 0.2, 15.0).unwrap();
    rejects(e.set_shock_factor(0.0), "factor");
    rejects(e.set_shock_factor(f64::NAN), "factor");
    rejects(e.set_deviation(f64::INFINITY), "x");
}

#[test]
fn energy_season_and_shock() {
    let mut e = EnergyPrice::new(0.05, 10.0, 0.8, 0.2, 15.0).unwrap();
    assert!((e.price_at_day(15.0) - 0.05 * 0.2f64.exp()).abs() < 1e-15);
    let trough = 15.0 + DAYS_PER_YEAR / 2.0;
    assert!((e.price_at_day(trough) - 0.05 * (-0.2f64).exp()).abs() < 1e-15);
    e.set_shock_factor(2.0).unwrap();
    e.set_shock_factor(3.0).unwrap(); // replaces, does not compound
    assert!((e.price_at_day(15.0) - 0.15 * 0.2f64.exp()).abs() < 1e-15);
    // With sigma = 0 the deviation decays exactly by e^{-kappa dt} a day.
    let mut e = EnergyPrice::new(0.05, 10.0, 0.0, 0.0, 0.0).unwrap();
    e.set_deviation(1.0).unwrap();
    let mut r = rng(4);
    e.step(1.0, &mut r);
    assert!((e.deviation() - (-10.0 * DT_YEARS).exp()).abs() < 1e-15);
    assert_eq!(e.daily_autocorrelation(), (-10.0 * DT_YEARS).exp());
}

#[test]
fn shocks_multiply_the_level() {
    let mut p = PriceProcess::gbm(100.0, 0.0, 0.0).unwrap();
    p.apply_shock(0.5).unwrap();
    assert_eq!(p.price(), 50.0);
    rejects(p.apply_shock(0.0), "factor");
    rejects(p.apply_shock(-1.0), "factor");
    // sigma = 0, mu = 0: the shocked level persists.
    let mut r = rng(5);
    assert!((p.step(&mut r) - 50.0).abs() < 1e-12);
}

#[test]
fn replay_steps_through_the_series_and_holds_the_last_price() {
    let series = PriceReplay::new(&[(100, 10.0), (101, 11.0), (102, 12.0)]).unwrap();
    let e = PriceProcess::replay(series.clone(), 99).unwrap_err();
    assert!(matches!(
        e,
        MarketParamError::ReplayStartOutside { start_day: 99, .. }
    ));
    let mut p = PriceProcess::replay(series, 100).unwrap();
    let mut r = rng(6);
    assert_eq!((p.price(), p.replay_day()), (10.0, Some(100)));
    assert_eq!(p.step(&mut r), 11.0);
    p.apply_shock(2.0).unwrap();
    assert_eq!(p.price(), 22.0);
    assert_eq!(p.step(&mut r), 24.0);
    assert_eq!(p.step(&mut r), 24.0);
    assert_eq!(p.replay_day(), Some(102));
    assert_eq!(p.regime(), None);
}

/// Runs `n` steps of every stochastic model from one seed and returns the paths.
fn paths(seed: u64, n: usize) -> Vec<Vec<f64>> {
    let models = [
        PriceModel::Gbm(Gbm::new(0.1, 0.7).unwrap()),
        PriceModel::Merton(Merton::new(0.1, 0.5, 20.0, -0.02, 0.1).unwrap()),
        PriceModel::RegimeSwitching(
            RegimeSwitching::new(
                Gbm::new(1.0, 0.6).unwrap(),
                Gbm::new(-1.0, 0.8).unwrap(),
                0.01,
                0.03,
            )
            .unwrap(),
        ),
    ];
    let mut out = Vec::new();
    for model in models {
        let mut r = rng(seed);
        let mut p = PriceProcess::new(model, 50_000.0).unwrap();
        out.push((0..n).map(|_| p.step(&mut r)).collect());
    }
    let fees = FeeModel::lognormal(0.066, 0.8).unwrap();
    let mut r = rng(seed);
    out.push((0..n).map(|_| fees.sample_sat(&mut r) as f64).collect());
    let mut e = EnergyPrice::new(0.05, 10.0, 0.8, 0.2, 15.0).unwrap();
    let mut r = rng(seed);
    e.draw_stationary(&mut r);
    out.push(
        (0..n)
            .map(|d| e.step((d % 365 + 1) as f64, &mut r))
            .collect(),
    );
    out
}

#[test]
fn deterministic_for_a_seed() {
    let a = paths(42, 2000);
    assert_eq!(a, paths(42, 2000));
    let b = paths(43, 2000);
    for (x, y) in a.iter().zip(&b) {
        assert_ne!(x, y);
    }
    for path in &a {
        assert!(path.iter().all(|v| v.is_finite() && *v >= 0.0));
    }
}

#[test]
fn constant_fees_draw_nothing() {
    let f = FeeModel::constant(0.066).unwrap();
    assert!(f.is_constant());
    let mut r = rng(7);
    let before = r.clone();
    assert_eq!(f.sample_sat(&mut r), 6_600_000);
    assert_eq!(r, before);
    assert_eq!(f.mean_sat(), 6_600_000.0);
    // sigma = 0 lognormal: exactly the mean every block.
    let f = FeeModel::lognormal(0.066, 0.0).unwrap();
    assert_eq!(f.sample_sat(&mut r), 6_600_000);
}

#[test]
fn rng_may_be_unsized() {
    let mut r = rng(8);
    let dyn_rng: &mut dyn rand::RngCore = &mut r;
    let mut p = PriceProcess::gbm(1.0, 0.0, 0.5).unwrap();
    assert!(p.step(dyn_rng) > 0.0);
}
