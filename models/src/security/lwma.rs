//! LWMA: zawy12's linearly weighted moving average difficulty rule, in the integer form
//! deployed by Bitcoin Gold, bit for bit.
//!
//! Sources: zawy12/difficulty-algorithms issue #3 (algorithm by zawy, "a modification of
//! WT-144 by Tom Harding"; code by h4x3rotab of Bitcoin Gold) and Bitcoin Gold's
//! `src/pow.cpp` `LwmaCalculateNextWorkRequired` (BTCGPU/BTCGPU), whose mainnet parameters
//! are [`LwmaParams::BITCOIN_GOLD_MAINNET`].
//!
//! # The rule
//!
//! Over the last `N` blocks, numbered `j = 1..N` from oldest to newest, with solvetimes
//! `st_j = time_j - time_{j-1}` and targets `target_j`, LWMA weights recent solvetimes more:
//!
//! ```text
//! next_target = avg_j(target_j) * sum_j j st_j / (N (N+1) T / 2)          (LWMA-1, ideal)
//! ```
//!
//! With ideal solvetimes `st_j = T` the target is unchanged. Bitcoin Gold's integer form
//! replaces `(N+1) T / 2` by an adjusted weight `k` (13,772 on mainnet, about
//! `(N+1)/2 * 0.998 * T`), caps solvetimes and the weighted sum, and divides each target
//! before summing to avoid overflow:
//!
//! ```text
//! st_j  = min(st_j, 6 T)                     (if the solvetime limitation is on; no lower cap)
//! t     = max(sum_j j st_j, floor(N k / dnorm))
//! sum   = sum_j floor(target_j / (k N^2))
//! next  = min(powLimit, t * sum);   nBits = GetCompact(next)
//! ```
//!
//! On mainnet `k N = 619,740` against `N (N+1) T / 2 = 621,000`, so ideal 600 s blocks raise
//! the target by a factor 1.00203 (the 0.998 adjustment).
//!
//! # Deviation from the C++
//!
//! Bitcoin Gold accumulates `t` in a 32-bit `int`, which would wrap only if the weighted sum
//! of solvetimes left `±2^31` (with the 6T cap it is at most `3T N (N+1)`, i.e. 3,726,000 on
//! mainnet, so only absurd negative solvetimes could). Here `t` is an `i128` and `t * sum` is
//! exact (an overflow past 2^256 clamps to `powLimit`), so the two agree wherever the C++
//! does not overflow. Compact values with the sign or overflow flag are rejected instead of
//! being decoded silently.

use std::fmt;
use std::num::NonZeroU64;

use crate::consensus::{decode_compact, encode_compact, U256};

/// One block as LWMA sees it: header timestamp and nBits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LwmaBlock {
    /// Header timestamp, Unix seconds.
    pub time: i64,
    /// Compact target (nBits).
    pub bits: u32,
}

/// Why LWMA parameters or an LWMA evaluation were rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LwmaError {
    /// The target spacing `T` is not positive.
    NonPositiveTargetSpacing {
        /// The rejected spacing, seconds.
        target_spacing: i64,
    },
    /// The averaging window `N` is zero.
    EmptyAveragingWindow,
    /// The adjusted weight `k` is not positive.
    NonPositiveAdjustedWeight {
        /// The rejected weight.
        adjusted_weight: i64,
    },
    /// The minimum denominator `dnorm` is not positive.
    NonPositiveMinDenominator {
        /// The rejected denominator.
        min_denominator: i64,
    },
    /// `k N^2` does not fit in 64 bits.
    WeightTooLarge,
    /// The proof-of-work limit is zero.
    ZeroPowLimit,
    /// Fewer than `N + 1` blocks were given (`N` solvetimes need `N + 1` timestamps).
    WindowTooShort {
        /// Blocks needed.
        required: usize,
        /// Blocks given.
        given: usize,
    },
    /// A block's nBits has the sign or overflow flag set.
    InvalidBits {
        /// Position of the block in the slice given.
        index: usize,
        /// The rejected nBits.
        bits: u32,
    },
}

impl fmt::Display for LwmaError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            LwmaError::NonPositiveTargetSpacing { target_spacing } => {
                write!(f, "LWMA target spacing {target_spacing} s must be positive")
            }
            LwmaError::EmptyAveragingWindow => {
                write!(f, "LWMA averaging window must hold at least one block")
            }
            LwmaError::NonPositiveAdjustedWeight { adjusted_weight } => write!(
                f,
                "LWMA adjusted weight k = {adjusted_weight} must be positive"
            ),
            LwmaError::NonPositiveMinDenominator { min_denominator } => write!(
                f,
                "LWMA minimum denominator {min_denominator} must be positive"
            ),
            LwmaError::WeightTooLarge => {
                write!(f, "LWMA k * N^2 does not fit in 64 bits")
            }
            LwmaError::ZeroPowLimit => write!(f, "LWMA proof-of-work limit must be nonzero"),
            LwmaError::WindowTooShort { required, given } => write!(
                f,
                "LWMA needs the last {required} blocks (N + 1), got {given}"
            ),
            LwmaError::InvalidBits { index, bits } => write!(
                f,
                "block {index}: nBits {bits:#010x} is negative or overflows 256 bits"
            ),
        }
    }
}

impl std::error::Error for LwmaError {}

/// Validated LWMA parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LwmaParams {
    target_spacing: i64,
    averaging_window: u32,
    adjusted_weight: i64,
    min_denominator: i64,
    limit_solvetime: bool,
    pow_limit: U256,
    /// `k N^2`, the per-target divisor.
    target_divisor: NonZeroU64,
}

impl LwmaParams {
    /// Bitcoin Gold mainnet (`CMainParams`): `T = 600`, `N = 45`, `k = 13772`, `dnorm = 10`,
    /// solvetimes capped at `6T`, `powLimit = 0x0007ff..ff` (2^237 - 1).
    pub const BITCOIN_GOLD_MAINNET: LwmaParams = LwmaParams {
        target_spacing: 600,
        averaging_window: 45,
        adjusted_weight: 13_772,
        min_denominator: 10,
        limit_solvetime: true,
        pow_limit: U256::from_limbs([u64::MAX, u64::MAX, u64::MAX, 0x0007_ffff_ffff_ffff]),
        target_divisor: match NonZeroU64::new(13_772 * 45 * 45) {
            Some(d) => d,
            None => panic!("nonzero"),
        },
    };

    /// Parameters: target spacing `T` (s), averaging window `N` (blocks), adjusted weight
    /// `k`, minimum denominator `dnorm`, whether solvetimes are capped at `6T`, and the
    /// proof-of-work limit.
    ///
    /// # Errors
    /// One of the parameter variants of [`LwmaError`].
    pub fn new(
        target_spacing: i64,
        averaging_window: u32,
        adjusted_weight: i64,
        min_denominator: i64,
        limit_solvetime: bool,
        pow_limit: U256,
    ) -> Result<Self, LwmaError> {
        if target_spacing <= 0 {
            return Err(LwmaError::NonPositiveTargetSpacing { target_spacing });
        }
        if averaging_window == 0 {
            return Err(LwmaError::EmptyAveragingWindow);
        }
        if adjusted_weight <= 0 {
            return Err(LwmaError::NonPositiveAdjustedWeight { adjusted_weight });
        }
        if min_denominator <= 0 {
            return Err(LwmaError::NonPositiveMinDenominator { min_denominator });
        }
        if pow_limit.is_zero() {
            return Err(LwmaError::ZeroPowLimit);
        }
        let window = u64::from(averaging_window);
        let target_divisor = (adjusted_weight as u64)
            .checked_mul(window * window)
            .and_then(NonZeroU64::new)
            .ok_or(LwmaError::WeightTooLarge)?;
        Ok(LwmaParams {
            target_spacing,
            averaging_window,
            adjusted_weight,
            min_denominator,
            limit_solvetime,
            pow_limit,
            target_divisor,
        })
    }

    /// Target spacing `T`, seconds.
    pub fn target_spacing(&self) -> i64 {
        self.target_spacing
    }

    /// Averaging window `N`, blocks.
    pub fn averaging_window(&self) -> u32 {
        self.averaging_window
    }

    /// Adjusted weight `k`.
    pub fn adjusted_weight(&self) -> i64 {
        self.adjusted_weight
    }

    /// Minimum denominator `dnorm` (the weighted solvetime sum is at least `N k / dnorm`).
    pub fn min_denominator(&self) -> i64 {
        self.min_denominator
    }

    /// Whether solvetimes are capped at `6T`.
    pub fn limit_solvetime(&self) -> bool {
        self.limit_solvetime
    }

    /// Proof-of-work limit (largest target).
    pub fn pow_limit(&self) -> U256 {
        self.pow_limit
    }
}

/// The nBits of the next block by LWMA. `chain` holds the blocks up to and including the new
/// block's parent, oldest first; only the last `N + 1` are read.
///
/// # Errors
/// [`LwmaError::WindowTooShort`] if `chain` has fewer than `N + 1` blocks;
/// [`LwmaError::InvalidBits`] if a block in the window has negative or overflowing nBits.
pub fn lwma_next_bits(params: &LwmaParams, chain: &[LwmaBlock]) -> Result<u32, LwmaError> {
    let window = params.averaging_window as usize;
    let required = window + 1;
    let Some(first) = chain.len().checked_sub(required) else {
        return Err(LwmaError::WindowTooShort {
            required,
            given: chain.len(),
        });
    };
    let max_solvetime = 6 * i128::from(params.target_spacing);
    let mut weighted_solvetimes: i128 = 0;
    let mut target_sum = U256::ZERO;
    for (j, pair) in chain[first..].windows(2).enumerate() {
        let (previous, block) = (pair[0], pair[1]);
        let mut solvetime = i128::from(block.time) - i128::from(previous.time);
        if params.limit_solvetime && solvetime > max_solvetime {
            solvetime = max_solvetime;
        }
        weighted_solvetimes += solvetime * (j as i128 + 1);
        let decoded = decode_compact(block.bits);
        if decoded.negative || decoded.overflow {
            return Err(LwmaError::InvalidBits {
                index: first + j + 1,
                bits: block.bits,
            });
        }
        // Each quotient is < 2^256 / N^2, so N of them cannot wrap.
        target_sum = target_sum + decoded.target.div_rem_u64(params.target_divisor).0;
    }
    let floor = i128::from(params.averaging_window) * i128::from(params.adjusted_weight)
        / i128::from(params.min_denominator);
    // floor > 0 is not guaranteed (N k < dnorm), but t is never negative after this.
    let weighted_solvetimes = weighted_solvetimes.max(floor).max(0) as u128;
    let next = match mul_u128(target_sum, weighted_solvetimes) {
        Some(product) if product <= params.pow_limit => product,
        _ => params.pow_limit,
    };
    Ok(encode_compact(&next, false))
}

/// `x * y`, or `None` if the product does not fit in 256 bits.
fn mul_u128(x: U256, y: u128) -> Option<U256> {
    let low = x.checked_mul_u64(y as u64)?;
    let high = x.checked_mul_u64((y >> 64) as u64)?;
    if high.bits() > 256 - 64 {
        return None;
    }
    low.checked_add(high.wrapping_shl(64))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn steady_chain(count: i64, spacing: i64, bits: u32) -> Vec<LwmaBlock> {
        (0..count)
            .map(|i| LwmaBlock {
                time: 1_269_211_443 + spacing * i,
                bits,
            })
            .collect()
    }

    /// Bitcoin Gold `LwmaCalculateNextWorkRequired_test`: 50 blocks 600 s apart at
    /// 0x1d00ffff give 0x1d010084.
    #[test]
    fn bitcoin_gold_unit_vector() {
        let chain = steady_chain(50, 600, 0x1d00_ffff);
        let params = LwmaParams::BITCOIN_GOLD_MAINNET;
        assert_eq!(lwma_next_bits(&params, &chain), Ok(0x1d01_0084));
        // Exactly N + 1 blocks suffice; N do not.
        assert_eq!(lwma_next_bits(&params, &chain[4..]), Ok(0x1d01_0084));
        assert_eq!(
            lwma_next_bits(&params, &chain[5..]),
            Err(LwmaError::WindowTooShort {
                required: 46,
                given: 45
            })
        );
        // The legacy testnet weight k = 13632 gives another answer (the vector checks k).
        let legacy = LwmaParams::new(600, 45, 13_632, 10, true, params.pow_limit()).unwrap();
        assert_ne!(lwma_next_bits(&legacy, &chain), Ok(0x1d01_0084));
    }

    #[test]
    fn const_params_equal_validated_ones() {
        let p = LwmaParams::BITCOIN_GOLD_MAINNET;
        let q = LwmaParams::new(
            600,
            45,
            13_772,
            10,
            true,
            U256::from_be_hex("0007ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff")
                .unwrap(),
        );
        assert_eq!(q, Ok(p));
    }

    #[test]
    fn slow_blocks_raise_target_and_are_capped() {
        let p = LwmaParams::BITCOIN_GOLD_MAINNET;
        let bits = 0x1c0f_ffff;
        let steady = lwma_next_bits(&p, &steady_chain(46, 600, bits)).unwrap();
        let slow = lwma_next_bits(&p, &steady_chain(46, 1200, bits)).unwrap();
        let capped = lwma_next_bits(&p, &steady_chain(46, 6 * 600, bits)).unwrap();
        let very_slow = lwma_next_bits(&p, &steady_chain(46, 100 * 600, bits)).unwrap();
        let target = |b| decode_compact(b).target;
        assert!(target(slow) > target(steady));
        assert_eq!(very_slow, capped);
        // Timestamps going backwards hit the floor N k / dnorm instead of a negative target.
        let backwards = lwma_next_bits(&p, &steady_chain(46, -600, bits)).unwrap();
        assert!(!decode_compact(backwards).target.is_zero());
        // Huge targets clamp to powLimit.
        let easy = lwma_next_bits(&p, &steady_chain(46, 3600, 0x2007_ffff)).unwrap();
        assert_eq!(easy, encode_compact(&p.pow_limit(), false));
    }

    #[test]
    fn errors() {
        let limit = U256::ONE << 200;
        assert!(LwmaParams::new(0, 45, 1, 1, true, limit).is_err());
        assert_eq!(
            LwmaParams::new(600, 0, 1, 1, true, limit),
            Err(LwmaError::EmptyAveragingWindow)
        );
        assert!(LwmaParams::new(600, 45, 0, 1, true, limit).is_err());
        assert!(LwmaParams::new(600, 45, 1, 0, true, limit).is_err());
        assert_eq!(
            LwmaParams::new(600, 45, 1, 1, true, U256::ZERO),
            Err(LwmaError::ZeroPowLimit)
        );
        assert_eq!(
            LwmaParams::new(600, u32::MAX, i64::MAX, 1, true, limit),
            Err(LwmaError::WeightTooLarge)
        );
        let p = LwmaParams::new(600, 2, 1, 1, false, limit).unwrap();
        let mut chain = steady_chain(3, 600, 0x1d00_ffff);
        chain[2].bits = 0x0480_0001; // sign bit
        assert_eq!(
            lwma_next_bits(&p, &chain),
            Err(LwmaError::InvalidBits {
                index: 2,
                bits: 0x0480_0001
            })
        );
        assert!(lwma_next_bits(&p, &[]).is_err());
    }

    #[test]
    fn wide_multiplication() {
        assert_eq!(
            mul_u128(U256::ONE, u128::MAX),
            Some(U256::from_limbs([u64::MAX, u64::MAX, 0, 0]))
        );
        assert_eq!(mul_u128(U256::MAX, 2), None);
        assert_eq!(mul_u128(U256::ONE << 130, 1 << 126), None);
        assert_eq!(mul_u128(U256::ONE << 129, 1 << 126), Some(U256::ONE << 255));
    }
}
