//! BTC/USD through alternating bull and bear phases of random length (a semi-Markov
//! regime-switching GBM).
//!
//! The phases alternate bull, bear, bull, ...; each lasts a lognormal number of days with the
//! regime's mean `m` and sd `s` (log-mean `ln m - w^2/2`, log-sd `w = sqrt(ln(1 + s^2/m^2))`),
//! rounded to whole days, at least one. Within a phase the price is the regime's GBM
//! ([`Gbm`]: `S' = S exp((mu - sigma^2/2) dt + sigma sqrt(dt) Z)`). Unlike the Markov chain of
//! [`super::RegimeSwitching`], whose phase lengths are geometric (memoryless: a bull market is
//! as likely to end on its first day as on its five hundredth), a lognormal length has a mode
//! and a spread of its own.
//!
//! Each step draws two standard normals, the first for the length of a phase that starts on
//! that step (unused on the other days: the streams stay aligned whatever the parameters) and
//! the second for the return; a phase that ended on the previous day hands over to the other
//! regime at the start of the step. By renewal theory the long-run share of days in bull
//! phases is `m_bull / (m_bull + m_bear)` (up to the rounding to whole days), and the long-run
//! log drift is the share-weighted mix of the regimes' `mu - sigma^2/2`.
//!
//! Suggested defaults (`models/calibration/price_fees.py`, section 2). Phases of
//! `shared/reference/btc_daily.csv` by a peak-trough rule: a bull phase ends at a peak from
//! which the price falls 50 % before rising above it again, a bear phase at a trough from which
//! it rises 100 % (symmetric in log, ln 2 each way; a 20 %/25 % rule splits the training window
//! into 22 bull and 22 bear "phases" of 68 and 41 days on average, the corrections inside the
//! cycles). The complete phases of the training window 2016-01-01..2022-12-31:
//!
//! | bull | days | change | bear | days | change |
//! |---|---|---|---|---|---|
//! | 2016-01-31 | 685 | +5,261 % | 2017-12-16 | 364 | -83.8 % |
//! | 2018-12-15 | 193 | +304 % | 2019-06-26 | 260 | -61.4 % |
//! | 2020-03-12 | 397 | +1,179 % | 2021-04-13 | 98 | -53.1 % |
//! | 2021-07-20 | 111 | +127 % | 2021-11-08 | 366 | -76.7 % |
//!
//! Bull phases last 346.5 days on average (sd 255.7), bear phases 272.0 (sd 126.1): a bull
//! share of 0.560. Four phases each cannot tell the duration laws apart (AIC: bull exponential
//! 56.8, gamma 57.4, lognormal 57.4; bear 54.9, 53.7, 54.3), but bear phases are more regular
//! than memoryless ones (coefficient of variation 0.46; 10 % of samples of four exponential
//! lengths are as regular), so the lengths are lognormal with the fitted means and sds. Daily
//! log-returns inside the phases: bull log drift +2.305 per year, volatility 0.707; bear -1.673
//! and 0.803. Their long-run mix is +0.555 per year, the history of 2016-2022; ASSUMPTION (no
//! view, flat median): both log drifts are shifted by -0.555, to +1.749 (bull, `mu` 1.999) and
//! -2.229 (bear, `mu` -1.906), which keeps the swing between the phases.
//!
//! Checked on 2023-01-01..2026-05-23 (not fitted): the bull phase from 2022-11-09 had lasted
//! 1,291 days by 2026-05-23 (the 2025-10-06 to 2026-02-05 fall, -49.1 %, just misses the rule),
//! far beyond the fitted lengths (the lognormal gives a bull phase that long a probability of
//! 1.0 %). Over 20 years the phases random-walk: the 95th over the 5th percentile of the price
//! is about 3 x 10^8 (200 simulated paths, section 4b of the script), with 4-year drawdowns of
//! -93 % at the median (-77 % in 2016-2026), which is why the long-horizon default is
//! [`super::MeanReverting`].

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use super::error::Bounds::Closed;
use super::error::{check_in, MarketParamError};
use super::price::{Diffusion, Gbm, Regime};

/// Suggested bull `mu` (arithmetic, per year; module doc).
pub const DEFAULT_BULL_MU: f64 = 1.999;
/// Suggested bull volatility, per year (module doc).
pub const DEFAULT_BULL_SIGMA: f64 = 0.707;
/// Suggested bear `mu` (arithmetic, per year; module doc).
pub const DEFAULT_BEAR_MU: f64 = -1.906;
/// Suggested bear volatility, per year (module doc).
pub const DEFAULT_BEAR_SIGMA: f64 = 0.803;
/// Suggested mean bull phase, days (module doc).
pub const DEFAULT_BULL_MEAN_DAYS: f64 = 346.5;
/// Suggested sd of the bull phase length, days (module doc).
pub const DEFAULT_BULL_SD_DAYS: f64 = 255.7;
/// Suggested mean bear phase, days (module doc).
pub const DEFAULT_BEAR_MEAN_DAYS: f64 = 272.0;
/// Suggested sd of the bear phase length, days (module doc).
pub const DEFAULT_BEAR_SD_DAYS: f64 = 126.1;

/// Longest phase drawn, days (a million years would not matter; keeps the count finite).
const MAX_PHASE_DAYS: f64 = 1e7;

/// Lognormal phase lengths of one regime (validated).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PhaseLength {
    mean_days: f64,
    sd_days: f64,
    log_mean: f64,
    log_sd: f64,
}

impl PhaseLength {
    /// Lognormal lengths with mean `mean_days` in [1, 36525] days and sd `sd_days` in
    /// [0, 36525] days (0: every phase lasts the mean).
    pub fn new(mean_days: f64, sd_days: f64) -> Result<Self, MarketParamError> {
        let mean_days = check_in(
            "mean_days",
            mean_days,
            Closed(1.0, 36_525.0),
            "[1, 36525] days",
        )?;
        let sd_days = check_in("sd_days", sd_days, Closed(0.0, 36_525.0), "[0, 36525] days")?;
        let w2 = (sd_days / mean_days).powi(2).ln_1p();
        Ok(Self {
            mean_days,
            sd_days,
            log_mean: mean_days.ln() - 0.5 * w2,
            log_sd: w2.sqrt(),
        })
    }

    /// Mean length, days.
    pub fn mean_days(&self) -> f64 {
        self.mean_days
    }

    /// Sd of the length, days.
    pub fn sd_days(&self) -> f64 {
        self.sd_days
    }

    /// The length for the standard normal `z`: `exp(log_mean + log_sd z)` rounded, at least 1.
    fn days(&self, z: f64) -> u32 {
        (self.log_mean + self.log_sd * z)
            .exp()
            .round()
            .clamp(1.0, MAX_PHASE_DAYS) as u32
    }
}

/// Parameters of the bull/bear phase model (validated).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BullBearPhases {
    bull: Gbm,
    bear: Gbm,
    bull_length: PhaseLength,
    bear_length: PhaseLength,
    initial: Regime,
}

impl BullBearPhases {
    /// Bull and bear GBMs with their phase lengths. The first phase is a bull phase of full
    /// length unless [`BullBearPhases::starting_in`] says otherwise.
    pub fn new(bull: Gbm, bear: Gbm, bull_length: PhaseLength, bear_length: PhaseLength) -> Self {
        Self {
            bull,
            bear,
            bull_length,
            bear_length,
            initial: Regime::Bull,
        }
    }

    /// The suggested defaults (module doc).
    pub fn calibrated() -> Self {
        let gbm = |mu, sigma| Gbm::new(mu, sigma).expect("the defaults are valid");
        let length = |m, s| PhaseLength::new(m, s).expect("the defaults are valid");
        Self::new(
            gbm(DEFAULT_BULL_MU, DEFAULT_BULL_SIGMA),
            gbm(DEFAULT_BEAR_MU, DEFAULT_BEAR_SIGMA),
            length(DEFAULT_BULL_MEAN_DAYS, DEFAULT_BULL_SD_DAYS),
            length(DEFAULT_BEAR_MEAN_DAYS, DEFAULT_BEAR_SD_DAYS),
        )
    }

    /// The same model whose first phase (of full length) is `regime`.
    pub fn starting_in(mut self, regime: Regime) -> Self {
        self.initial = regime;
        self
    }

    /// Bull-regime GBM.
    pub fn bull(&self) -> Gbm {
        self.bull
    }

    /// Bear-regime GBM.
    pub fn bear(&self) -> Gbm {
        self.bear
    }

    /// Bull phase lengths.
    pub fn bull_length(&self) -> PhaseLength {
        self.bull_length
    }

    /// Bear phase lengths.
    pub fn bear_length(&self) -> PhaseLength {
        self.bear_length
    }

    /// First regime.
    pub fn initial(&self) -> Regime {
        self.initial
    }

    /// Long-run share of days in bull phases, `m_bull / (m_bull + m_bear)`.
    pub fn stationary_bull_share(&self) -> f64 {
        let (b, r) = (self.bull_length.mean_days, self.bear_length.mean_days);
        b / (b + r)
    }

    /// Long-run log drift, per year: the share-weighted mix of the regimes' `mu - sigma^2/2`.
    pub fn long_run_log_drift(&self) -> f64 {
        let w = self.stationary_bull_share();
        let log_drift = |g: Gbm| g.mu() - 0.5 * g.sigma() * g.sigma();
        w * log_drift(self.bull) + (1.0 - w) * log_drift(self.bear)
    }

    /// Annual volatility of daily log-returns, the share-weighted mix of the regimes'
    /// variances.
    pub fn volatility(&self) -> f64 {
        let w = self.stationary_bull_share();
        (w * self.bull.sigma().powi(2) + (1.0 - w) * self.bear.sigma().powi(2)).sqrt()
    }

    pub(super) fn state(&self) -> PhasesState {
        PhasesState {
            bull: self.bull.step_coefficients(),
            bear: self.bear.step_coefficients(),
            bull_length: self.bull_length,
            bear_length: self.bear_length,
            regime: self.initial,
            days_left: 0,
            started: false,
        }
    }
}

/// The stepping state of [`BullBearPhases`] inside a price process.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct PhasesState {
    bull: Diffusion,
    bear: Diffusion,
    bull_length: PhaseLength,
    bear_length: PhaseLength,
    regime: Regime,
    /// Days left in the current phase (0: a phase starts on the next step).
    days_left: u32,
    started: bool,
}

impl PhasesState {
    /// One day's log-return. Draws two standard normals (phase length, return).
    #[inline]
    pub(super) fn log_return<R: Rng + ?Sized>(&mut self, rng: &mut R) -> f64 {
        let z_length: f64 = StandardNormal.sample(rng);
        let z: f64 = StandardNormal.sample(rng);
        if self.days_left == 0 {
            if self.started {
                self.regime = match self.regime {
                    Regime::Bull => Regime::Bear,
                    Regime::Bear => Regime::Bull,
                };
            }
            self.started = true;
            self.days_left = match self.regime {
                Regime::Bull => self.bull_length.days(z_length),
                Regime::Bear => self.bear_length.days(z_length),
            };
        }
        self.days_left -= 1;
        match self.regime {
            Regime::Bull => self.bull.log_return_for(z),
            Regime::Bear => self.bear.log_return_for(z),
        }
    }

    /// Regime of the latest step (the initial one before the first).
    pub(super) fn regime(&self) -> Regime {
        self.regime
    }

    /// Days left in the current phase after the latest step.
    pub(super) fn days_left(&self) -> u32 {
        self.days_left
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn lengths_and_closed_forms() {
        let l = PhaseLength::new(300.0, 0.0).unwrap();
        assert_eq!(l.days(-3.0), 300);
        assert_eq!(l.days(5.0), 300);
        let l = PhaseLength::new(1.0, 50.0).unwrap();
        assert_eq!(l.days(-10.0), 1, "at least one day");
        let d = BullBearPhases::calibrated();
        assert!((d.stationary_bull_share() - 0.560).abs() < 1e-3);
        // The flat-median assumption: the fitted drifts were shifted to a long-run 0.
        assert!(
            d.long_run_log_drift().abs() < 2e-3,
            "{}",
            d.long_run_log_drift()
        );
        for (r, name) in [
            (PhaseLength::new(0.5, 10.0), "mean_days"),
            (PhaseLength::new(f64::NAN, 10.0), "mean_days"),
            (PhaseLength::new(100.0, -1.0), "sd_days"),
            (PhaseLength::new(100.0, f64::INFINITY), "sd_days"),
        ] {
            match r {
                Err(MarketParamError::OutOfRange { param, .. }) => assert_eq!(param, name),
                other => panic!("{name}: {other:?}"),
            }
        }
    }

    #[test]
    fn fixed_lengths_alternate_on_schedule() {
        let g = Gbm::new(0.0, 0.0).unwrap();
        let m = BullBearPhases::new(
            g,
            g,
            PhaseLength::new(3.0, 0.0).unwrap(),
            PhaseLength::new(2.0, 0.0).unwrap(),
        )
        .starting_in(Regime::Bear);
        let mut s = m.state();
        let mut rng = ChaCha8Rng::seed_from_u64(1);
        let seen: Vec<Regime> = (0..10)
            .map(|_| {
                s.log_return(&mut rng);
                s.regime()
            })
            .collect();
        use Regime::{Bear as R, Bull as B};
        assert_eq!(seen, [R, R, B, B, B, R, R, B, B, B]);
    }
}
