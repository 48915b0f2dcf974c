//! BTC/USD price processes, stepped once a day (`dt = 1/365.25` year).
//!
//! **Geometric Brownian motion** (drift `mu` and volatility `sigma`, both per year):
//!
//! ```text
//! S_{t+dt} = S_t exp((mu - sigma^2/2) dt + sigma sqrt(dt) Z),      Z ~ N(0, 1),
//! ```
//!
//! so daily log-returns are `N((mu - sigma^2/2) dt, sigma^2 dt)` and `E[S_{t+dt}/S_t] = e^{mu dt}`.
//!
//! **Merton jump-diffusion**: GBM plus `N ~ Poisson(lambda dt)` jumps per step, each log-jump
//! `Y_i ~ N(jump_mean, jump_sd^2)`, with the drift compensated so that the expected gross return
//! is still `e^{mu dt}`:
//!
//! ```text
//! k = exp(jump_mean + jump_sd^2/2) - 1,
//! S_{t+dt} = S_t exp((mu - sigma^2/2 - lambda k) dt + sigma sqrt(dt) Z + sum_{i<=N} Y_i).
//! ```
//!
//! The sum of the `N` log-jumps is drawn as one normal, `N jump_mean + jump_sd sqrt(N) Z'`.
//!
//! **Regime switching**: a two-state Markov chain (bull/bear) with daily transition
//! probabilities `p_bull_to_bear` and `p_bear_to_bull`; each regime has its own GBM `(mu, sigma)`.
//! Each step first moves the chain, then moves the price with the new regime's parameters. The
//! stationary bull share is `p_bear_to_bull / (p_bull_to_bear + p_bear_to_bull)` and the
//! chain's lag-1 autocorrelation is `1 - p_bull_to_bear - p_bear_to_bull`.
//!
//! **Replay**: a daily series keyed by unix day number (days since 1970-01-01), consecutive and
//! strictly increasing; each step advances one day. After the last day the last price is held.
//!
//! **Long-horizon models**, each in its own module with its calibration: a log price
//! mean-reverting to a trend ([`MeanReverting`], the suggested default for 20-year runs), bull
//! and bear phases of lognormal length ([`BullBearPhases`]), a GBM whose volatility decays
//! ([`DecayingVolGbm`]), and a block bootstrap of real daily log-returns ([`BlockBootstrap`],
//! built with [`PriceProcess::bootstrap`] since it holds the returns).
//!
//! [`PriceProcess::apply_shock`] multiplies the current level by a factor (> 0); the process
//! continues from the shocked level (for a replay, every later price is scaled too).
//!
//! Suggested defaults (below) are computed from `shared/reference/btc_daily.csv` (Coin Metrics
//! `PriceUSD`, 2016-01-01 to 2026-05-23, 3,795 daily log-returns, annualized with
//! `sqrt(365.25)`): volatility 0.673 per year (calendar years range from 0.42 in 2025 to 0.93
//! in 2017), excess kurtosis of daily log-returns 12.1 (3.9 over 2021-2026).

use rand::distr::StandardUniform;
use rand::Rng;
use rand_distr::{Distribution, Poisson, StandardNormal};

use super::bootstrap::{BlockBootstrap, BootstrapState};
use super::decaying_vol::{DecayingVolGbm, DecayingVolState};
use super::error::Bounds::{Closed, OpenClosed};
use super::error::{check_in, check_positive, MarketParamError};
use super::phases::{BullBearPhases, PhasesState};
pub use super::replay::PriceReplay;
use super::reverting::{MeanReverting, RevertingState};
use super::DT_YEARS;

/// Suggested GBM volatility, per year: 0.673, the annualized standard deviation of daily
/// log-returns of Coin Metrics `PriceUSD` over 2016-01-01 to 2026-05-23 (`btc_daily.csv`).
pub const DEFAULT_SIGMA: f64 = 0.67;
/// Suggested GBM drift, per year: 0 (no view on the price's direction). The same data give an
/// arithmetic drift of 0.72 per year (log drift 0.50 plus `sigma^2/2`), which is history and
/// not a forecast.
pub const DEFAULT_MU: f64 = 0.0;
/// Suggested Merton diffusive volatility, per year: 0.49, the annualized standard deviation of
/// the daily log-returns of 2016-01-01 to 2026-05-23 left after removing "jump days" (returns
/// more than 3 standard deviations of the remaining returns from zero, iterated to a fixed
/// point; threshold 7.7 % a day).
pub const DEFAULT_MERTON_SIGMA: f64 = 0.49;
/// Suggested Merton jump intensity, per year: 17.3 (180 jump days, same method, in 10.39 years).
pub const DEFAULT_MERTON_LAMBDA: f64 = 17.3;
/// Suggested Merton mean log-jump: 0 (the 180 jump days average +0.004).
pub const DEFAULT_MERTON_JUMP_MEAN: f64 = 0.0;
/// Suggested Merton log-jump standard deviation: 0.114 (the 180 jump days, same method).
pub const DEFAULT_MERTON_JUMP_SD: f64 = 0.114;
/// Suggested bull-regime drift, per year: 1.11 (arithmetic drift of the daily log-returns of the
/// calendar years 2016-2026 other than 2018 and 2022, `btc_daily.csv`; a coarse split).
pub const DEFAULT_BULL_MU: f64 = 1.11;
/// Suggested bull-regime volatility, per year: 0.65 (same split).
pub const DEFAULT_BULL_SIGMA: f64 = 0.65;
/// Suggested bear-regime drift, per year: -0.90 (calendar years 2018 and 2022).
pub const DEFAULT_BEAR_MU: f64 = -0.90;
/// Suggested bear-regime volatility, per year: 0.75 (calendar years 2018 and 2022).
pub const DEFAULT_BEAR_SIGMA: f64 = 0.75;
/// Suggested daily bull-to-bear probability: 1/(3 x 365.25), a mean bull run of three years
/// (the three bull runs 2016-17, 2019-21 and 2023-26 of the same data last 8.4 years together).
pub const DEFAULT_P_BULL_TO_BEAR: f64 = 1.0 / (3.0 * 365.25);
/// Suggested daily bear-to-bull probability: 1/365.25, a mean bear market of one year (2018,
/// 2022).
pub const DEFAULT_P_BEAR_TO_BULL: f64 = 1.0 / 365.25;

const MU_RANGE: &str = "[-5, 5] per year";
const SIGMA_RANGE: &str = "[0, 5] per year";

/// Geometric Brownian motion parameters (validated).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gbm {
    mu: f64,
    sigma: f64,
}

impl Gbm {
    /// GBM with annual drift `mu` in [-5, 5] and annual volatility `sigma` in [0, 5].
    pub fn new(mu: f64, sigma: f64) -> Result<Self, MarketParamError> {
        Ok(Self {
            mu: check_in("mu", mu, Closed(-5.0, 5.0), MU_RANGE)?,
            sigma: check_in("sigma", sigma, Closed(0.0, 5.0), SIGMA_RANGE)?,
        })
    }

    /// Annual drift.
    pub fn mu(&self) -> f64 {
        self.mu
    }

    /// Annual volatility.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    /// Per-step log drift `(mu - sigma^2/2) dt` and log volatility `sigma sqrt(dt)`.
    pub(super) fn step_coefficients(&self) -> Diffusion {
        Diffusion {
            log_drift: (self.mu - 0.5 * self.sigma * self.sigma) * DT_YEARS,
            log_vol: self.sigma * DT_YEARS.sqrt(),
        }
    }
}

/// Merton jump-diffusion parameters (validated).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Merton {
    mu: f64,
    sigma: f64,
    lambda: f64,
    jump_mean: f64,
    jump_sd: f64,
}

impl Merton {
    /// Merton jump-diffusion with annual drift `mu` in [-5, 5] (the compensated drift: the
    /// expected gross return per step is `e^{mu dt}`), diffusive volatility `sigma` in [0, 5]
    /// per year, jump intensity `lambda` in [0, 365] per year, and log-jumps
    /// `N(jump_mean, jump_sd^2)` with `jump_mean` in [-2, 2] and `jump_sd` in [0, 2].
    pub fn new(
        mu: f64,
        sigma: f64,
        lambda: f64,
        jump_mean: f64,
        jump_sd: f64,
    ) -> Result<Self, MarketParamError> {
        Ok(Self {
            mu: check_in("mu", mu, Closed(-5.0, 5.0), MU_RANGE)?,
            sigma: check_in("sigma", sigma, Closed(0.0, 5.0), SIGMA_RANGE)?,
            lambda: check_in(
                "lambda",
                lambda,
                Closed(0.0, 365.0),
                "[0, 365] jumps per year",
            )?,
            jump_mean: check_in("jump_mean", jump_mean, Closed(-2.0, 2.0), "[-2, 2] (log)")?,
            jump_sd: check_in("jump_sd", jump_sd, Closed(0.0, 2.0), "[0, 2] (log)")?,
        })
    }

    /// Annual (compensated) drift.
    pub fn mu(&self) -> f64 {
        self.mu
    }

    /// Annual diffusive volatility.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    /// Jump intensity, per year.
    pub fn lambda(&self) -> f64 {
        self.lambda
    }

    /// Mean log-jump.
    pub fn jump_mean(&self) -> f64 {
        self.jump_mean
    }

    /// Standard deviation of a log-jump.
    pub fn jump_sd(&self) -> f64 {
        self.jump_sd
    }

    /// Jump compensator `k = E[e^Y] - 1 = exp(jump_mean + jump_sd^2/2) - 1`.
    pub fn compensator(&self) -> f64 {
        (self.jump_mean + 0.5 * self.jump_sd * self.jump_sd).exp_m1()
    }
}

/// State of the bull/bear chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Regime {
    /// Bull market.
    Bull,
    /// Bear market.
    Bear,
}

/// Two-state regime-switching GBM parameters (validated).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegimeSwitching {
    bull: Gbm,
    bear: Gbm,
    p_bull_to_bear: f64,
    p_bear_to_bull: f64,
    initial: Regime,
}

impl RegimeSwitching {
    /// Bull and bear GBMs with daily transition probabilities `p_bull_to_bear` and
    /// `p_bear_to_bull`, each in (0, 1]. The chain starts in [`Regime::Bull`] unless
    /// [`RegimeSwitching::starting_in`] says otherwise.
    pub fn new(
        bull: Gbm,
        bear: Gbm,
        p_bull_to_bear: f64,
        p_bear_to_bull: f64,
    ) -> Result<Self, MarketParamError> {
        const P: &str = "(0, 1] per day";
        Ok(Self {
            bull,
            bear,
            p_bull_to_bear: check_in("p_bull_to_bear", p_bull_to_bear, OpenClosed(0.0, 1.0), P)?,
            p_bear_to_bull: check_in("p_bear_to_bull", p_bear_to_bull, OpenClosed(0.0, 1.0), P)?,
            initial: Regime::Bull,
        })
    }

    /// The same chain starting in `regime`.
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

    /// Daily probability of moving from bull to bear.
    pub fn p_bull_to_bear(&self) -> f64 {
        self.p_bull_to_bear
    }

    /// Daily probability of moving from bear to bull.
    pub fn p_bear_to_bull(&self) -> f64 {
        self.p_bear_to_bull
    }

    /// Initial regime.
    pub fn initial(&self) -> Regime {
        self.initial
    }

    /// Long-run share of days in the bull regime, `p_bear_to_bull / (p_bull_to_bear +
    /// p_bear_to_bull)`.
    pub fn stationary_bull_share(&self) -> f64 {
        self.p_bear_to_bull / (self.p_bull_to_bear + self.p_bear_to_bull)
    }
}

/// A stochastic price model (the replay is built with [`PriceProcess::replay`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum PriceModel {
    /// Geometric Brownian motion.
    Gbm(Gbm),
    /// Merton jump-diffusion.
    Merton(Merton),
    /// Two-state regime-switching GBM.
    RegimeSwitching(RegimeSwitching),
    /// Log price mean-reverting to a trend.
    MeanReverting(MeanReverting),
    /// Bull and bear phases of lognormal length.
    Phases(BullBearPhases),
    /// GBM with decaying volatility.
    DecayingVol(DecayingVolGbm),
}

impl PriceModel {
    /// Annual volatility of log returns: `sigma` (GBM); `sqrt(sigma^2 + lambda (m^2 + s^2))`
    /// (Merton, diffusion plus jumps); the stationary mix of the two regimes' variances
    /// (regime switching, phases); `sigma`, the volatility of daily log-returns (mean
    /// reverting); the volatility at the start (decaying volatility).
    pub fn volatility(&self) -> f64 {
        match self {
            PriceModel::Gbm(g) => g.sigma(),
            PriceModel::Merton(m) => (m.sigma().powi(2)
                + m.lambda() * (m.jump_mean().powi(2) + m.jump_sd().powi(2)))
            .sqrt(),
            PriceModel::RegimeSwitching(r) => {
                let w = r.stationary_bull_share();
                (w * r.bull().sigma().powi(2) + (1.0 - w) * r.bear().sigma().powi(2)).sqrt()
            }
            PriceModel::MeanReverting(m) => m.sigma(),
            PriceModel::Phases(p) => p.volatility(),
            PriceModel::DecayingVol(d) => d.sigma_start(),
        }
    }
}

/// Per-step log drift and log volatility of a GBM.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Diffusion {
    log_drift: f64,
    log_vol: f64,
}

impl Diffusion {
    fn log_return<R: Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        let z: f64 = StandardNormal.sample(rng);
        self.log_return_for(z)
    }

    /// The log-return for the standard normal `z`.
    #[inline]
    pub(super) fn log_return_for(&self, z: f64) -> f64 {
        self.log_drift + self.log_vol * z
    }
}

#[derive(Debug, Clone)]
enum Dynamics {
    Gbm(Diffusion),
    Merton {
        diffusion: Diffusion,
        /// `None` when `lambda = 0`.
        jumps: Option<Poisson<f64>>,
        jump_mean: f64,
        jump_sd: f64,
    },
    Regime {
        bull: Diffusion,
        bear: Diffusion,
        p_bull_to_bear: f64,
        p_bear_to_bull: f64,
        regime: Regime,
    },
    Replay {
        series: PriceReplay,
        day: i64,
        scale: f64,
    },
    Reverting(RevertingState),
    Phases(PhasesState),
    DecayingVol(DecayingVolState),
    Bootstrap(BootstrapState),
}

/// The BTC/USD price state: a model, precomputed per-step coefficients and the current price.
#[derive(Debug, Clone)]
pub struct PriceProcess {
    price: f64,
    dynamics: Dynamics,
    last_jumps: u32,
}

impl PriceProcess {
    /// A stochastic process starting at `initial_price` (USD, finite and > 0).
    pub fn new(model: PriceModel, initial_price: f64) -> Result<Self, MarketParamError> {
        let price = check_positive("initial_price", initial_price)?;
        let dynamics = match model {
            PriceModel::Gbm(g) => Dynamics::Gbm(g.step_coefficients()),
            PriceModel::Merton(m) => {
                let diffusion = Gbm {
                    mu: m.mu - m.lambda * m.compensator(),
                    sigma: m.sigma,
                }
                .step_coefficients();
                // lambda dt <= 365/365.25 < 1, so Poisson::new only fails for lambda = 0.
                let jumps = Poisson::new(m.lambda * DT_YEARS).ok();
                Dynamics::Merton {
                    diffusion,
                    jumps,
                    jump_mean: m.jump_mean,
                    jump_sd: m.jump_sd,
                }
            }
            PriceModel::RegimeSwitching(r) => Dynamics::Regime {
                bull: r.bull.step_coefficients(),
                bear: r.bear.step_coefficients(),
                p_bull_to_bear: r.p_bull_to_bear,
                p_bear_to_bull: r.p_bear_to_bull,
                regime: r.initial,
            },
            PriceModel::MeanReverting(m) => Dynamics::Reverting(m.state()),
            PriceModel::Phases(p) => Dynamics::Phases(p.state()),
            PriceModel::DecayingVol(d) => Dynamics::DecayingVol(d.state()),
        };
        Ok(Self {
            price,
            dynamics,
            last_jumps: 0,
        })
    }

    /// A block bootstrap of `bootstrap`'s returns starting at `initial_price` (USD, finite and
    /// > 0).
    pub fn bootstrap(
        bootstrap: &BlockBootstrap,
        initial_price: f64,
    ) -> Result<Self, MarketParamError> {
        Ok(Self {
            price: check_positive("initial_price", initial_price)?,
            dynamics: Dynamics::Bootstrap(bootstrap.state()),
            last_jumps: 0,
        })
    }

    /// A GBM starting at `initial_price`: shorthand for `new(PriceModel::Gbm(Gbm::new(mu,
    /// sigma)?), initial_price)`.
    pub fn gbm(initial_price: f64, mu: f64, sigma: f64) -> Result<Self, MarketParamError> {
        Self::new(PriceModel::Gbm(Gbm::new(mu, sigma)?), initial_price)
    }

    /// A replay of `series` whose current day is `start_day` (so [`PriceProcess::price`] is the
    /// series' price on `start_day` and the first [`PriceProcess::step`] moves to the next day).
    pub fn replay(series: PriceReplay, start_day: i64) -> Result<Self, MarketParamError> {
        let price = series
            .price_on(start_day)
            .ok_or(MarketParamError::ReplayStartOutside {
                start_day,
                first_day: series.first_day(),
                last_day: series.last_day(),
            })?;
        Ok(Self {
            price,
            dynamics: Dynamics::Replay {
                series,
                day: start_day,
                scale: 1.0,
            },
            last_jumps: 0,
        })
    }

    /// Advances one day and returns the new price, USD. Draws from `rng` (a replay does not).
    pub fn step<R: Rng + ?Sized>(&mut self, rng: &mut R) -> f64 {
        self.last_jumps = 0;
        let log_return = match &mut self.dynamics {
            Dynamics::Gbm(d) => d.log_return(rng),
            Dynamics::Merton {
                diffusion,
                jumps,
                jump_mean,
                jump_sd,
            } => {
                let mut x = diffusion.log_return(rng);
                if let Some(poisson) = jumps {
                    let n: f64 = poisson.sample(rng);
                    if n > 0.0 {
                        let z: f64 = StandardNormal.sample(rng);
                        x += n * *jump_mean + *jump_sd * n.sqrt() * z;
                        self.last_jumps = n as u32;
                    }
                }
                x
            }
            Dynamics::Regime {
                bull,
                bear,
                p_bull_to_bear,
                p_bear_to_bull,
                regime,
            } => {
                let u: f64 = StandardUniform.sample(rng);
                *regime = match *regime {
                    Regime::Bull if u < *p_bull_to_bear => Regime::Bear,
                    Regime::Bear if u < *p_bear_to_bull => Regime::Bull,
                    r => r,
                };
                match regime {
                    Regime::Bull => bull.log_return(rng),
                    Regime::Bear => bear.log_return(rng),
                }
            }
            Dynamics::Replay { series, day, scale } => {
                if *day < series.last_day() {
                    *day += 1;
                }
                // The day is inside the series by construction; past its end the last price
                // is held.
                self.price = series.price_on(*day).unwrap_or(self.price) * *scale;
                return self.price;
            }
            Dynamics::Reverting(s) => s.log_return(rng),
            Dynamics::Phases(s) => s.log_return(rng),
            Dynamics::DecayingVol(s) => s.log_return(rng),
            Dynamics::Bootstrap(s) => s.log_return(rng),
        };
        self.price *= log_return.exp();
        self.price
    }

    /// Current price, USD.
    pub fn price(&self) -> f64 {
        self.price
    }

    /// Multiplies the current level by `factor` (finite, > 0); the process continues from the
    /// shocked level. For a replay, every later replayed price is multiplied too.
    pub fn apply_shock(&mut self, factor: f64) -> Result<(), MarketParamError> {
        let factor = check_positive("factor", factor)?;
        self.price *= factor;
        if let Dynamics::Replay { scale, .. } = &mut self.dynamics {
            *scale *= factor;
        }
        Ok(())
    }

    /// Current regime of a regime-switching or phase process (the one that produced the
    /// latest step), `None` for the other models.
    pub fn regime(&self) -> Option<Regime> {
        match &self.dynamics {
            Dynamics::Regime { regime, .. } => Some(*regime),
            Dynamics::Phases(s) => Some(s.regime()),
            _ => None,
        }
    }

    /// Days left in the current phase after the latest step (phase model; `None` for the
    /// others).
    pub fn phase_days_left(&self) -> Option<u32> {
        match &self.dynamics {
            Dynamics::Phases(s) => Some(s.days_left()),
            _ => None,
        }
    }

    /// Log deviation of the price from its trend (mean-reverting model; `None` for the
    /// others). A shock moves the trend with the price, so it does not change the deviation.
    pub fn trend_deviation(&self) -> Option<f64> {
        match &self.dynamics {
            Dynamics::Reverting(s) => Some(s.deviation()),
            _ => None,
        }
    }

    /// Index of the latest return replayed by a bootstrap (0 before its first step; `None`
    /// for the other models).
    pub fn bootstrap_index(&self) -> Option<usize> {
        match &self.dynamics {
            Dynamics::Bootstrap(s) => Some(s.index()),
            _ => None,
        }
    }

    /// Number of jumps in the latest step (Merton; 0 for the other models).
    pub fn last_jumps(&self) -> u32 {
        self.last_jumps
    }

    /// Current day of a replay (days since 1970-01-01), `None` for the stochastic models.
    pub fn replay_day(&self) -> Option<i64> {
        match self.dynamics {
            Dynamics::Replay { day, .. } => Some(day),
            _ => None,
        }
    }
}
