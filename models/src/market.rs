//! Exogenous market processes: BTC price, fees per block, regional energy prices,
//! with the multiplicative shocks that scenarios schedule.
//!
//! Every process is a plain state machine: it validates its parameters when built
//! (`Result<_, MarketParamError>`, the error names the parameter, the value and the allowed
//! range), takes the RNG as an argument (`&mut R` with `R: rand::Rng + ?Sized`, one stream per
//! component in the engine) and does no allocation when stepped.
//!
//! Time unit: one step is one day,
//!
//! ```text
//! dt = 1 / 365.25 year,
//! ```
//!
//! and every drift, volatility, intensity and mean-reversion speed is annualized (per year).
//!
//! - [`price`]: BTC/USD as geometric Brownian motion, Merton jump-diffusion, a two-state
//!   (bull/bear) regime-switching GBM, or a replay of a daily series; and the long-horizon
//!   models, calibrated on 2016-2026 (`models/calibration/price_fees.py` prints every fitted
//!   number): [`reverting`] (log price mean-reverting to a trend, the suggested default for
//!   long runs), [`phases`] (bull and bear phases of lognormal length), [`decaying_vol`] (a GBM
//!   whose volatility decays) and [`bootstrap`] (a block bootstrap of real daily returns).
//! - [`fees`]: fees per block in satoshi, lognormal with a given mean, or constant.
//! - [`fee_level`]: the day's fee level as a persistent daily process (Ornstein-Uhlenbeck in the
//!   log of the mean fee per block), with per-block fees around it.
//! - [`fee_spikes`]: episodes of congestion that multiply the fees for days at a time.
//! - [`feedback`]: price drops triggered by slow blocks or a hashrate drawdown (stress studies).
//! - [`volatility`]: the firms' running estimate of BTC's volatility (EWMA of daily returns).
//! - [`energy`]: energy price per region, USD/kWh: log price mean-reverting
//!   (Ornstein-Uhlenbeck, exact discretization) around a level with a yearly cosine season.

pub mod bootstrap;
pub mod decaying_vol;
pub mod energy;
mod error;
pub mod fee_level;
pub mod fee_spikes;
pub mod feedback;
pub mod fees;
pub mod phases;
pub mod price;
mod replay;
pub mod reverting;
#[cfg(test)]
mod tests;
pub mod volatility;

pub use bootstrap::{BlockBootstrap, BlockScheme};
pub use decaying_vol::DecayingVolGbm;
pub use energy::EnergyPrice;
pub use error::MarketParamError;
pub use fee_level::FeeLevel;
pub use fee_spikes::FeeSpikes;
pub use feedback::{FeedbackTrigger, PriceFeedback};
pub use fees::FeeModel;
pub use phases::{BullBearPhases, PhaseLength};
pub use price::{Gbm, Merton, PriceModel, PriceProcess, PriceReplay, Regime, RegimeSwitching};
pub use reverting::MeanReverting;
pub use volatility::EwmaVolatility;

/// Days per year (Julian year); the annualization used by every market process.
pub const DAYS_PER_YEAR: f64 = 365.25;

/// One step, in years: `1 / 365.25`.
pub const DT_YEARS: f64 = 1.0 / DAYS_PER_YEAR;
