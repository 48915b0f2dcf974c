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
//!   (bull/bear) regime-switching GBM, or a replay of a daily series.
//! - [`fees`]: fees per block in satoshi, lognormal with a given mean, or constant.
//! - [`fee_spikes`]: episodes of congestion that multiply the fees for days at a time.
//! - [`feedback`]: price drops triggered by slow blocks or a hashrate drawdown (stress studies).
//! - [`volatility`]: the firms' running estimate of BTC's volatility (EWMA of daily returns).
//! - [`energy`]: energy price per region, USD/kWh: log price mean-reverting
//!   (Ornstein-Uhlenbeck, exact discretization) around a level with a yearly cosine season.

pub mod energy;
mod error;
pub mod fee_spikes;
pub mod feedback;
pub mod fees;
pub mod price;
mod replay;
#[cfg(test)]
mod tests;
pub mod volatility;

pub use energy::EnergyPrice;
pub use error::MarketParamError;
pub use fee_spikes::FeeSpikes;
pub use feedback::{FeedbackTrigger, PriceFeedback};
pub use fees::FeeModel;
pub use price::{Gbm, Merton, PriceModel, PriceProcess, PriceReplay, Regime, RegimeSwitching};
pub use volatility::EwmaVolatility;

/// Days per year (Julian year); the annualization used by every market process.
pub const DAYS_PER_YEAR: f64 = 365.25;

/// One step, in years: `1 / 365.25`.
pub const DT_YEARS: f64 = 1.0 / DAYS_PER_YEAR;
