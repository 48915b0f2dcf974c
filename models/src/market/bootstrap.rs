//! BTC/USD by a block bootstrap of real daily log-returns.
//!
//! The returns are a series the caller loaded (a scenario's returns file, e.g.
//! `shared/reference/btc_daily.csv` or a Coin Metrics download), read circularly (after the
//! last return comes the first). Each step replays the next return of the current block;
//! blocks start at a uniformly drawn return:
//!
//! - **stationary** (Politis & Romano 1994): a new block starts on a step with probability
//!   `1 / L`, so blocks have geometric lengths of mean `L` days and the resampled series is
//!   stationary;
//! - **fixed** (the circular block bootstrap, Politis & Romano 1992): blocks of exactly `L`
//!   days.
//!
//! The first step always starts a block. Each step draws two uniforms (whether a block starts,
//! and where), used or not, so the streams stay aligned whatever `L`.
//!
//! Drift: by default the returns are replayed as they are, so the paths inherit the sample's
//! mean log-return (+0.498 a year over 2016-2026: 20 years of it multiply the price by 21,000).
//! With a log drift `m` the sample mean is subtracted from every return and `m dt` added: the
//! median path then grows at `m` a year (0: flat, ASSUMPTION of no view, like the other
//! models' defaults).
//!
//! Block length: returns of `shared/reference/btc_daily.csv` (3,795 daily log-returns,
//! 2016-01-01..2026-05-23) are nearly uncorrelated (lag-1 -0.04), but their squares are not
//! (0.11, 0.06, 0.04, 0.07, 0.08 at lags 1, 2, 3, 5, 7; the band of insignificance is 0.061):
//! volatility clusters. The automatic selection of Politis & White (2004, with the correction
//! of Patton, Politis & White 2009) applied to the squared returns gives a mean block of 28.9
//! days for the stationary bootstrap (33.1 for fixed blocks), and 3.0 days applied to the
//! returns themselves: the suggested `L` is 30 days, which keeps a month of volatility
//! clustering in each block (`models/calibration/price_fees.py`, section 1). The absolute
//! returns decay more slowly (115 days by the same rule): a bootstrap keeps the clustering
//! within blocks, not the long memory across them.

use std::sync::Arc;

use rand::Rng;

use super::error::Bounds::Closed;
use super::error::{check_in, MarketParamError};
use super::DAYS_PER_YEAR;
use super::DT_YEARS;

/// Suggested block length, days (module doc).
pub const DEFAULT_BLOCK_DAYS: f64 = 30.0;

/// How blocks start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockScheme {
    /// Geometric block lengths of mean `L` (Politis-Romano stationary bootstrap).
    Stationary,
    /// Blocks of exactly `L` days (circular block bootstrap).
    Fixed,
}

/// A block bootstrap of daily log-returns (validated; the returns are shared, so clones are
/// cheap).
#[derive(Debug, Clone, PartialEq)]
pub struct BlockBootstrap {
    returns: Arc<[f64]>,
    scheme: BlockScheme,
    block_days: f64,
    log_drift: Option<f64>,
    sample_mean: f64,
}

impl BlockBootstrap {
    /// Resamples `returns` (daily log-returns, finite, at least one) in blocks of `block_days`
    /// (the mean length for [`BlockScheme::Stationary`], in [1, n]; the exact length for
    /// [`BlockScheme::Fixed`], a whole number in [1, n]; `n` the number of returns). With
    /// `log_drift = Some(m)` (`m` in [-5, 5] per year) the returns are de-meaned and `m dt` is
    /// added to each; with `None` they are replayed as given.
    pub fn new(
        returns: &[f64],
        scheme: BlockScheme,
        block_days: f64,
        log_drift: Option<f64>,
    ) -> Result<Self, MarketParamError> {
        if returns.is_empty() {
            return Err(MarketParamError::EmptyReturns);
        }
        if let Some((index, &value)) = returns.iter().enumerate().find(|(_, r)| !r.is_finite()) {
            return Err(MarketParamError::BadReturn { index, value });
        }
        let n = returns.len() as f64;
        let block_days = check_in(
            "block_days",
            block_days,
            Closed(1.0, n),
            "[1, number of returns] days",
        )?;
        if scheme == BlockScheme::Fixed && block_days.fract() != 0.0 {
            return Err(MarketParamError::OutOfRange {
                param: "block_days",
                value: block_days,
                allowed: "a whole number of days for fixed blocks",
            });
        }
        let log_drift = log_drift
            .map(|m| check_in("log_drift", m, Closed(-5.0, 5.0), "[-5, 5] per year (log)"))
            .transpose()?;
        let sample_mean = returns.iter().sum::<f64>() / n;
        let returns: Arc<[f64]> = match log_drift {
            None => returns.into(),
            Some(m) => returns
                .iter()
                .map(|r| r - sample_mean + m * DT_YEARS)
                .collect(),
        };
        Ok(Self {
            returns,
            scheme,
            block_days,
            log_drift,
            sample_mean,
        })
    }

    /// The returns replayed (de-meaned and shifted when a log drift is set).
    pub fn returns(&self) -> &[f64] {
        &self.returns
    }

    /// Block scheme.
    pub fn scheme(&self) -> BlockScheme {
        self.scheme
    }

    /// Block length, days (the mean for the stationary scheme).
    pub fn block_days(&self) -> f64 {
        self.block_days
    }

    /// The log drift replacing the sample's, per year (`None`: the sample's).
    pub fn log_drift(&self) -> Option<f64> {
        self.log_drift
    }

    /// Mean of the given returns, per day.
    pub fn sample_mean(&self) -> f64 {
        self.sample_mean
    }

    /// Annual volatility of the resampled returns: their sd times `sqrt(365.25)`.
    pub fn volatility(&self) -> f64 {
        let n = self.returns.len() as f64;
        let mean = self.returns.iter().sum::<f64>() / n;
        let var = self.returns.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / n;
        (var * DAYS_PER_YEAR).sqrt()
    }

    pub(super) fn state(&self) -> BootstrapState {
        BootstrapState {
            returns: Arc::clone(&self.returns),
            fixed: self.scheme == BlockScheme::Fixed,
            restart_probability: 1.0 / self.block_days,
            block_days: self.block_days as u32,
            index: 0,
            day_in_block: 0,
        }
    }
}

/// The stepping state of [`BlockBootstrap`] inside a price process.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct BootstrapState {
    returns: Arc<[f64]>,
    fixed: bool,
    restart_probability: f64,
    block_days: u32,
    /// Index of the latest return replayed.
    index: usize,
    /// Days of the current block replayed so far (0 before the first step).
    day_in_block: u32,
}

impl BootstrapState {
    /// One day's log-return. Draws two uniforms.
    #[inline]
    pub(super) fn log_return<R: Rng + ?Sized>(&mut self, rng: &mut R) -> f64 {
        let u: f64 = rng.random();
        let v: f64 = rng.random();
        let n = self.returns.len();
        let restart = self.day_in_block == 0
            || if self.fixed {
                self.day_in_block >= self.block_days
            } else {
                u < self.restart_probability
            };
        if restart {
            // v in [0, 1): the index is in [0, n) (the min guards the rounding of v n).
            self.index = ((v * n as f64) as usize).min(n - 1);
            self.day_in_block = 1;
        } else {
            self.index = if self.index + 1 == n {
                0
            } else {
                self.index + 1
            };
            self.day_in_block += 1;
        }
        self.returns[self.index]
    }

    /// Index of the latest return replayed.
    pub(super) fn index(&self) -> usize {
        self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn validation_names_the_problem() {
        let r = [0.01, -0.02, 0.0, 0.03];
        assert_eq!(
            BlockBootstrap::new(&[], BlockScheme::Stationary, 1.0, None),
            Err(MarketParamError::EmptyReturns)
        );
        match BlockBootstrap::new(&[0.0, f64::NAN], BlockScheme::Stationary, 1.0, None) {
            Err(MarketParamError::BadReturn { index: 1, value }) => assert!(value.is_nan()),
            other => panic!("{other:?}"),
        }
        for (b, scheme, drift, name) in [
            (0.0, BlockScheme::Stationary, None, "block_days"),
            (-3.0, BlockScheme::Fixed, None, "block_days"),
            (0.5, BlockScheme::Stationary, None, "block_days"),
            (f64::NAN, BlockScheme::Stationary, None, "block_days"),
            (5.0, BlockScheme::Stationary, None, "block_days"),
            (2.5, BlockScheme::Fixed, None, "block_days"),
            (2.0, BlockScheme::Fixed, Some(f64::INFINITY), "log_drift"),
            (2.0, BlockScheme::Fixed, Some(-6.0), "log_drift"),
        ] {
            match BlockBootstrap::new(&r, scheme, b, drift) {
                Err(MarketParamError::OutOfRange { param, .. }) => assert_eq!(param, name),
                other => panic!("{name} {b}: {other:?}"),
            }
        }
        let e = BlockBootstrap::new(&r, BlockScheme::Stationary, 0.0, None).unwrap_err();
        assert!(e.to_string().contains("`block_days` = 0"), "{e}");
    }

    #[test]
    fn fixed_blocks_replay_consecutive_returns() {
        let r: Vec<f64> = (0..100).map(f64::from).collect();
        let b = BlockBootstrap::new(&r, BlockScheme::Fixed, 7.0, None).unwrap();
        let mut s = b.state();
        let mut rng = ChaCha8Rng::seed_from_u64(3);
        let xs: Vec<f64> = (0..700).map(|_| s.log_return(&mut rng)).collect();
        for block in xs.chunks(7) {
            for w in block.windows(2) {
                // Consecutive within a block, wrapping from 99 to 0.
                assert_eq!(w[1], (w[0] + 1.0) % 100.0, "{block:?}");
            }
        }
        // Blocks start at different places.
        let starts: std::collections::BTreeSet<u64> = xs.chunks(7).map(|c| c[0] as u64).collect();
        assert!(starts.len() > 50, "{}", starts.len());
    }

    #[test]
    fn demeaning_sets_the_drift() {
        let r = [0.01, 0.03, -0.01, 0.05];
        let b = BlockBootstrap::new(&r, BlockScheme::Stationary, 2.0, Some(0.365_25)).unwrap();
        let mean = b.returns().iter().sum::<f64>() / 4.0;
        assert!((mean - 0.001).abs() < 1e-15, "{mean}");
        assert!((b.sample_mean() - 0.02).abs() < 1e-15);
        // Replayed as given without a drift.
        let b = BlockBootstrap::new(&r, BlockScheme::Stationary, 2.0, None).unwrap();
        assert_eq!(b.returns(), &r);
        // L = 1: every step starts a block.
        let b = BlockBootstrap::new(&r, BlockScheme::Stationary, 1.0, None).unwrap();
        let mut s = b.state();
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let mut seen = [0u32; 4];
        for _ in 0..4_000 {
            s.log_return(&mut rng);
            seen[s.index()] += 1;
        }
        assert!(seen.iter().all(|&c| c > 900 && c < 1100), "{seen:?}");
    }
}
