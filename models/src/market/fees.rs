//! Fees paid to the miner per block, in satoshi.
//!
//! **Lognormal** with mean `m` (BTC per block) and log standard deviation `sigma`:
//!
//! ```text
//! X = m exp(sigma Z - sigma^2/2),      Z ~ N(0, 1),
//! E[X] = m,   Var[X] = m^2 (e^{sigma^2} - 1),   ln X ~ N(ln m - sigma^2/2, sigma^2),
//! ```
//!
//! drawn independently for each block and rounded to whole satoshi (capped at the 21 M BTC
//! money supply, which only matters for absurd draws). The factor `m e^{-sigma^2/2}` in satoshi
//! is precomputed, so a draw is one standard normal, one `exp` and one multiplication.
//!
//! **Constant**: the same fee for every block; draws nothing from the RNG.
//!
//! Suggested defaults: mean 0.066 BTC per block (between the 2025 medians of the daily fee per block, see `hashshift::scenario::defaults`);
//! log-sd 0.74, the standard deviation of the log of the daily mean fee per block over
//! 2024-05-02 to 2025-05-01 in `shared/reference/btc_daily.csv` (`FeeTotNtv / BlkCnt`, 299
//! days with fee data). That figure measures day-to-day variation of daily means; independent
//! per-block draws at the same `sigma` vary less from day to day than the data (a day's mean
//! over ~144 blocks averages the noise out), so it is a lower bound for per-block dispersion.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use super::error::Bounds::Closed;
use super::error::{check_in, MarketParamError};
use crate::consensus::{COIN, MAX_MONEY};

/// Suggested mean fees per block, BTC (the scenario default).
pub const DEFAULT_MEAN_BTC: f64 = 0.066;
/// Suggested log standard deviation: 0.74 (see the module doc for the computation and its
/// caveat).
pub const DEFAULT_LOG_SD: f64 = 0.74;

const MEAN_RANGE: &str = "[0, 100] BTC per block";
/// Largest mean fees per block, BTC.
const MAX_MEAN_BTC: f64 = 100.0;

#[derive(Debug, Clone, Copy, PartialEq)]
enum Kind {
    Constant(u64),
    Lognormal {
        /// `m e^{-sigma^2/2}`, satoshi.
        scale_sat: f64,
        sigma: f64,
    },
}

/// Fees per block (validated; precomputed for sampling).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FeeModel {
    mean_btc: f64,
    sigma: f64,
    kind: Kind,
}

impl FeeModel {
    /// Lognormal fees with mean `mean_btc` in [0, 100] BTC per block and log standard
    /// deviation `sigma` in [0, 3].
    pub fn lognormal(mean_btc: f64, sigma: f64) -> Result<Self, MarketParamError> {
        let mean_btc = check_in("mean_btc", mean_btc, Closed(0.0, 100.0), MEAN_RANGE)?;
        let sigma = check_in("sigma", sigma, Closed(0.0, 3.0), "[0, 3] (log)")?;
        Ok(Self {
            mean_btc,
            sigma,
            kind: Kind::Lognormal {
                scale_sat: mean_btc * COIN as f64 * (-0.5 * sigma * sigma).exp(),
                sigma,
            },
        })
    }

    /// The same fee, `mean_btc` in [0, 100] BTC rounded to whole satoshi, for every block.
    pub fn constant(mean_btc: f64) -> Result<Self, MarketParamError> {
        let mean_btc = check_in("mean_btc", mean_btc, Closed(0.0, 100.0), MEAN_RANGE)?;
        Ok(Self {
            mean_btc,
            sigma: 0.0,
            kind: Kind::Constant((mean_btc * COIN as f64).round() as u64),
        })
    }

    /// Fees of one block, satoshi. A lognormal model draws one standard normal; a constant
    /// one draws nothing.
    #[inline]
    pub fn sample_sat<R: Rng + ?Sized>(&self, rng: &mut R) -> u64 {
        match self.kind {
            Kind::Constant(sat) => sat,
            Kind::Lognormal { scale_sat, sigma } => {
                let z: f64 = StandardNormal.sample(rng);
                // `as` saturates; the cap keeps absurd tails below the money supply.
                (scale_sat * (sigma * z).exp())
                    .round()
                    .min(MAX_MONEY as f64) as u64
            }
        }
    }

    /// The same model with every block's fees multiplied by `factor` (finite, >= 0: a fee
    /// spike, [`super::FeeSpikes`]): the mean becomes `factor x mean_btc`, at most 100 BTC (the
    /// models' range; the factor is cut to fit), the log-sd is kept. Draws the same randoms.
    pub fn scaled(&self, factor: f64) -> Self {
        let factor = if self.mean_btc * factor > MAX_MEAN_BTC {
            MAX_MEAN_BTC / self.mean_btc
        } else {
            factor
        };
        let kind = match self.kind {
            Kind::Constant(sat) => {
                Kind::Constant((sat as f64 * factor).round().min(MAX_MONEY as f64) as u64)
            }
            Kind::Lognormal { scale_sat, sigma } => Kind::Lognormal {
                scale_sat: scale_sat * factor,
                sigma,
            },
        };
        Self {
            mean_btc: self.mean_btc * factor,
            sigma: self.sigma,
            kind,
        }
    }

    /// Expected fees per block, satoshi (`mean_btc x 10^8`; the constant model's rounded value).
    pub fn mean_sat(&self) -> f64 {
        match self.kind {
            Kind::Constant(sat) => sat as f64,
            Kind::Lognormal { .. } => self.mean_btc * COIN as f64,
        }
    }

    /// Configured mean, BTC per block.
    pub fn mean_btc(&self) -> f64 {
        self.mean_btc
    }

    /// Configured log standard deviation (0 for the constant model).
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    /// Whether every block gets the same fee.
    pub fn is_constant(&self) -> bool {
        matches!(self.kind, Kind::Constant(_))
    }
}
