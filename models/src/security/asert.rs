//! aserti3-2d: the "absolutely scheduled exponentially rising targets" difficulty rule
//! deployed on Bitcoin Cash on 2020-11-15 (activation MTP >= 1605441600), bit for bit.
//!
//! Sources: the BCH upgrade specification `spec/2020-11-15-asert.md` v0.5.1
//! (bitcoincashorg/bitcoincash.org, by freetrader, J. Toomim, C. Culianu, M. Lundeberg) and
//! the Bitcoin Cash Node implementation `src/pow.cpp` `CalculateASERT` /
//! `GetNextASERTWorkRequired` (identical to Bitcoin ABC `src/pow/aserti32d.cpp`).
//!
//! # The rule
//!
//! The target is a function of the *anchor* block alone (no moving window): with the anchor's
//! target `target_ref`, the timestamp `t_ref` of the anchor's **parent**, the anchor height
//! `h_ref`, and the parent of the block being built at height `h` with time `t`,
//!
//! ```text
//! target = target_ref * 2^((t - t_ref - T (h - h_ref + 1)) / tau)
//! ```
//!
//! with ideal spacing `T = 600 s` and half-life `tau` (172,800 s = 2 days on mainnet): each
//! `tau` seconds the chain falls behind its ideal schedule the target doubles (difficulty
//! halves), and each `tau` ahead it halves. Hashrate leaving therefore lowers difficulty
//! continuously, block by block, instead of at the end of a 2016-block epoch.
//!
//! # Integer evaluation (as deployed)
//!
//! ```text
//! exponent = trunc((time_diff - 600 (height_diff + 1)) * 65536 / tau)     (toward zero)
//! shifts   = exponent >> 16                                (floor; arithmetic shift)
//! frac     = exponent - 65536 shifts                       (0 <= frac < 65536)
//! factor   = 65536 + ((195766423245049 frac + 971821376 frac^2 + 5127 frac^3 + 2^47) >> 48)
//! next     = (target_ref * factor) * 2^shifts >> 16        (shifts right floor at every step;
//!                                                           left-shift overflow -> powLimit)
//! next     = 1 if next == 0;  powLimit if next > powLimit;  nBits = GetCompact(next)
//! ```
//!
//! where `time_diff = t - t_ref` (signed; may be negative) and `height_diff = h - h_ref`. The
//! cubic approximates `2^x` on `[0, 1)` to within 0.013% and is exact at both ends. `powLimit`
//! is `2^224 - 1` (BCH mainnet, the same as Bitcoin's), whose compact form is `0x1d00ffff`.
//!
//! Everything is integer: 256-bit targets ([`U256`]) and `i128` for the exponent, so the
//! function is total; the C++ precondition `|time_diff - 600 height_diff| < 2^47` (beyond
//! which `int64` would overflow) is not needed here, and inside it the results are identical.
//!
//! Not modelled: choosing the anchor (the first block whose median-time-past reaches the
//! activation time; see [`Asert::bch_mainnet`] for the real one) and the testnet-only rule
//! that a block more than 20 minutes after its parent may use `0x1d00ffff`.

use std::fmt;

use crate::consensus::{encode_compact, pow_limit, target_from_bits, BitsError, U256};

/// Ideal block spacing of the rule, seconds (BCH `nPowTargetSpacing`).
pub const ASERT_TARGET_SPACING: i64 = 600;
/// Half-life on BCH mainnet (and scalenet), seconds: 2 days.
pub const ASERT_HALF_LIFE_MAINNET: u64 = 172_800;
/// Half-life on BCH testnet3, testnet4 and chipnet, seconds: 1 hour.
pub const ASERT_HALF_LIFE_TESTNET: u64 = 3_600;
/// Coefficients of the cubic approximation of `2^x - 1` in 48-bit fixed point
/// (linear, quadratic, cubic).
pub const ASERT_POLYNOMIAL_COEFFICIENTS: [u64; 3] = [195_766_423_245_049, 971_821_376, 5_127];
/// BCH mainnet anchor height (last block mined under the previous rule; Bitcoin Cash Node
/// `chainparams.cpp` `asertAnchorParams`).
pub const BCH_MAINNET_ANCHOR_HEIGHT: u64 = 661_647;
/// nTime of the BCH mainnet anchor's parent, block 661,646 (Unix seconds).
pub const BCH_MAINNET_ANCHOR_PARENT_TIME: i64 = 1_605_447_844;
/// nBits of the BCH mainnet anchor block 661,647.
pub const BCH_MAINNET_ANCHOR_BITS: u32 = 0x1804_dafe;

/// Fractional bits of the exponent (radix 65536).
const RADIX_BITS: u32 = 16;
/// Rounding term and shift of the fixed-point polynomial.
const POLYNOMIAL_ROUNDING: u128 = 1 << 47;
const POLYNOMIAL_SHIFT: u32 = 48;
/// `powLimit` must leave room for the multiplication by `factor < 2^17` (BCHN asserts it).
const MAX_POW_LIMIT_BITS: u32 = 224;

/// Why an ASERT target could not be computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AsertError {
    /// The half-life is zero.
    ZeroHalfLife,
    /// The anchor's nBits do not decode to a valid target at or below `0x1d00ffff`.
    InvalidAnchorBits(BitsError),
    /// The anchor target is zero or above the proof-of-work limit.
    AnchorTargetOutOfRange {
        /// The rejected target.
        anchor_target: U256,
    },
    /// The proof-of-work limit is zero or not below `2^224`.
    PowLimitOutOfRange {
        /// The rejected limit.
        pow_limit: U256,
    },
    /// The parent block is below the anchor (the rule only applies after the anchor).
    HeightBeforeAnchor {
        /// The anchor height.
        anchor_height: u64,
        /// The parent height that was asked for.
        parent_height: u64,
    },
}

impl fmt::Display for AsertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AsertError::ZeroHalfLife => write!(f, "the ASERT half-life must be positive"),
            AsertError::InvalidAnchorBits(e) => write!(f, "invalid ASERT anchor nBits: {e}"),
            AsertError::AnchorTargetOutOfRange { anchor_target } => write!(
                f,
                "ASERT anchor target {anchor_target:#x} must be nonzero and at most the \
                 proof-of-work limit"
            ),
            AsertError::PowLimitOutOfRange { pow_limit } => write!(
                f,
                "ASERT proof-of-work limit {pow_limit:#x} must be nonzero and below 2^224"
            ),
            AsertError::HeightBeforeAnchor {
                anchor_height,
                parent_height,
            } => write!(
                f,
                "parent height {parent_height} is below the ASERT anchor height {anchor_height}"
            ),
        }
    }
}

impl std::error::Error for AsertError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            AsertError::InvalidAnchorBits(e) => Some(e),
            _ => None,
        }
    }
}

/// Bitcoin Cash Node `CalculateASERT`: the next target from the anchor target, with
/// `time_diff = t_parent - t_anchor_parent`, `height_diff = h_parent - h_anchor`, the
/// half-life in seconds and the proof-of-work limit the result is clamped to (BCH:
/// [`crate::consensus::pow_limit`], `2^224 - 1`).
///
/// # Errors
/// [`AsertError::ZeroHalfLife`], [`AsertError::PowLimitOutOfRange`] (zero or `>= 2^224`),
/// [`AsertError::AnchorTargetOutOfRange`] (zero or above `pow_limit`).
pub fn asert_next_target(
    anchor_target: U256,
    time_diff: i64,
    height_diff: u64,
    half_life: u64,
    pow_limit: U256,
) -> Result<U256, AsertError> {
    if half_life == 0 {
        return Err(AsertError::ZeroHalfLife);
    }
    if pow_limit.is_zero() || pow_limit.bits() > MAX_POW_LIMIT_BITS {
        return Err(AsertError::PowLimitOutOfRange { pow_limit });
    }
    if anchor_target.is_zero() || anchor_target > pow_limit {
        return Err(AsertError::AnchorTargetOutOfRange { anchor_target });
    }
    Ok(scaled_target(
        anchor_target,
        i128::from(time_diff),
        height_diff,
        half_life,
        pow_limit,
    ))
}

/// The nBits of the next block by aserti3-2d on BCH mainnet parameters: anchor nBits,
/// `time_diff = t_parent - t_anchor_parent`, `height_diff = h_parent - h_anchor`, half-life
/// in seconds ([`ASERT_HALF_LIFE_MAINNET`] on mainnet). Clamped to `0x1d00ffff`.
///
/// # Errors
/// [`AsertError::ZeroHalfLife`]; [`AsertError::InvalidAnchorBits`] if `anchor_bits` is
/// negative, overflowing, zero or above `0x1d00ffff`.
pub fn asert_next_bits(
    anchor_bits: u32,
    time_diff: i64,
    height_diff: u64,
    half_life: u64,
) -> Result<u32, AsertError> {
    let anchor_target = target_from_bits(anchor_bits).map_err(AsertError::InvalidAnchorBits)?;
    let target = asert_next_target(
        anchor_target,
        time_diff,
        height_diff,
        half_life,
        pow_limit(),
    )?;
    Ok(encode_compact(&target, false))
}

/// The integer evaluation of the module docs. Preconditions (checked by callers):
/// `half_life > 0`, `0 < anchor_target <= pow_limit < 2^224`.
fn scaled_target(
    anchor_target: U256,
    time_diff: i128,
    height_diff: u64,
    half_life: u64,
    pow_limit: U256,
) -> U256 {
    // |time_diff| <= 2^64 and the schedule term <= 600 * 2^64, so the product with 2^16 is
    // far inside i128. Rust's `/` truncates toward zero, as C++ does (spec note 3).
    let schedule = i128::from(ASERT_TARGET_SPACING) * (i128::from(height_diff) + 1);
    let exponent = ((time_diff - schedule) << RADIX_BITS) / i128::from(half_life);
    let whole_doublings = exponent >> RADIX_BITS; // floor
    let frac = (exponent & 0xffff) as u128; // exponent - 65536 * whole_doublings
    let [c1, c2, c3] = ASERT_POLYNOMIAL_COEFFICIENTS.map(u128::from);
    let polynomial = c1 * frac + c2 * frac * frac + c3 * frac * frac * frac + POLYNOMIAL_ROUNDING;
    // < 2^64 for every frac (max 18446563080438344768 at 65535), so factor < 2^17.
    let factor = (1u64 << RADIX_BITS) + (polynomial >> POLYNOMIAL_SHIFT) as u64;

    // anchor_target < 2^224 and factor < 2^17: the product cannot wrap.
    let scaled = anchor_target.wrapping_mul_u64(factor);
    // Multiply by 2^whole_doublings / 2^16.
    let shift = whole_doublings - i128::from(RADIX_BITS);
    let next = if shift <= 0 {
        // Shifts of 256 or more give 0 (then 1 below).
        scaled.wrapping_shr(u32::try_from(-shift).unwrap_or(u32::MAX))
    } else {
        let shift = u32::try_from(shift).unwrap_or(u32::MAX);
        let shifted = scaled.wrapping_shl(shift);
        if shifted.wrapping_shr(shift) == scaled {
            shifted
        } else {
            // High bits were lost: the true value is >= 2^256 > powLimit.
            pow_limit
        }
    };
    if next.is_zero() {
        U256::ONE
    } else if next > pow_limit {
        pow_limit
    } else {
        next
    }
}

/// An aserti3-2d schedule fixed by its anchor: the state a chain needs to compute every
/// later block's nBits. Built by [`Asert::new`] (validated) or [`Asert::bch_mainnet`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Asert {
    anchor_height: u64,
    anchor_parent_time: i64,
    anchor_bits: u32,
    anchor_target: U256,
    half_life: u64,
}

impl Asert {
    /// A schedule anchored at the block at `anchor_height` with nBits `anchor_bits`, whose
    /// parent has timestamp `anchor_parent_time`, with `half_life` seconds.
    ///
    /// # Errors
    /// [`AsertError::ZeroHalfLife`]; [`AsertError::InvalidAnchorBits`] if `anchor_bits` is
    /// negative, overflowing, zero or above `0x1d00ffff`.
    pub fn new(
        anchor_height: u64,
        anchor_parent_time: i64,
        anchor_bits: u32,
        half_life: u64,
    ) -> Result<Self, AsertError> {
        if half_life == 0 {
            return Err(AsertError::ZeroHalfLife);
        }
        let anchor_target = target_from_bits(anchor_bits).map_err(AsertError::InvalidAnchorBits)?;
        Ok(Asert {
            anchor_height,
            anchor_parent_time,
            anchor_bits,
            anchor_target,
            half_life,
        })
    }

    /// The schedule in force on Bitcoin Cash mainnet since 2020-11-15: anchor block 661,647
    /// (nBits `0x1804dafe`, parent time 1605447844), half-life 2 days.
    pub fn bch_mainnet() -> Self {
        Asert {
            anchor_height: BCH_MAINNET_ANCHOR_HEIGHT,
            anchor_parent_time: BCH_MAINNET_ANCHOR_PARENT_TIME,
            anchor_bits: BCH_MAINNET_ANCHOR_BITS,
            // 0x04dafe << 8 * (0x18 - 3): valid (checked by a unit test against `new`).
            anchor_target: U256::from_u64(0x04_dafe).wrapping_shl(8 * (0x18 - 3)),
            half_life: ASERT_HALF_LIFE_MAINNET,
        }
    }

    /// The target required of a new block whose parent is at `parent_height` with header
    /// time `parent_time`.
    ///
    /// # Errors
    /// [`AsertError::HeightBeforeAnchor`] if `parent_height < anchor_height`.
    pub fn next_target(&self, parent_height: u64, parent_time: i64) -> Result<U256, AsertError> {
        let height_diff = parent_height.checked_sub(self.anchor_height).ok_or(
            AsertError::HeightBeforeAnchor {
                anchor_height: self.anchor_height,
                parent_height,
            },
        )?;
        let time_diff = i128::from(parent_time) - i128::from(self.anchor_parent_time);
        Ok(scaled_target(
            self.anchor_target,
            time_diff,
            height_diff,
            self.half_life,
            pow_limit(),
        ))
    }

    /// The nBits required of a new block whose parent is at `parent_height` with header time
    /// `parent_time` (`GetNextASERTWorkRequired` without the testnet rule).
    ///
    /// # Errors
    /// [`AsertError::HeightBeforeAnchor`] if `parent_height < anchor_height`.
    pub fn next_bits(&self, parent_height: u64, parent_time: i64) -> Result<u32, AsertError> {
        Ok(encode_compact(
            &self.next_target(parent_height, parent_time)?,
            false,
        ))
    }

    /// Height of the anchor block.
    pub fn anchor_height(&self) -> u64 {
        self.anchor_height
    }

    /// Header time of the anchor block's parent, Unix seconds.
    pub fn anchor_parent_time(&self) -> i64 {
        self.anchor_parent_time
    }

    /// nBits of the anchor block.
    pub fn anchor_bits(&self) -> u32 {
        self.anchor_bits
    }

    /// Target of the anchor block.
    pub fn anchor_target(&self) -> U256 {
        self.anchor_target
    }

    /// Half-life, seconds.
    pub fn half_life(&self) -> u64 {
        self.half_life
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bch_mainnet_anchor_is_valid_and_gives_block_661648() {
        let mainnet = Asert::bch_mainnet();
        assert_eq!(
            Asert::new(661_647, 1_605_447_844, 0x1804_dafe, 172_800),
            Ok(mainnet)
        );
        // First ASERT block 661648 (parent 661647, nTime 1605449609) and the next two.
        assert_eq!(mainnet.next_bits(661_647, 1_605_449_609), Ok(0x1804_e0d0));
        assert_eq!(mainnet.next_bits(661_648, 1_605_449_817), Ok(0x1804_dedc));
        assert_eq!(mainnet.next_bits(661_649, 1_605_450_897), Ok(0x1804_e145));
        assert_eq!(
            mainnet.next_bits(661_646, 1_605_449_609),
            Err(AsertError::HeightBeforeAnchor {
                anchor_height: 661_647,
                parent_height: 661_646
            })
        );
    }

    /// BCHN `calculate_asert_test` facts (powLimit = 2^224 - 1).
    #[test]
    fn calculate_asert_facts() {
        let limit = pow_limit();
        let next = |r: U256, t, h| asert_next_target(r, t, h, 172_800, limit).unwrap();
        // 288 blocks (2 days) ahead of schedule: the target halves exactly.
        assert_eq!(next(limit, 600, 288), limit >> 1);
        // Truncating division: exponent -113.78 -> -113.
        assert_eq!(encode_compact(&next(limit, 900, 1), false), 0x1d00_ffb1);
        // Far ahead of schedule: target floors at 1; far behind: overflow clamps to powLimit.
        assert_eq!(next(limit, 600, 64_224), U256::ONE);
        assert_eq!(next(U256::ONE, 44_237_400, 0), limit);
        assert_eq!(
            next(U256::ONE, 38_707_799, 0),
            U256::from_be_hex("ffff8000000000000000000000000000000000000000000000000000").unwrap()
        );
    }

    #[test]
    fn official_run_facts() {
        // run05 row 1: one block at time 0 (600 s ahead of schedule) from powLimit.
        assert_eq!(asert_next_bits(0x1d00_ffff, 0, 1, 172_800), Ok(0x1d00_fec5));
        // run12 row 2: timestamps going backwards.
        assert_eq!(
            asert_next_bits(0x1802_aee8, 11_199 - 10_000, 2, 172_800),
            Ok(0x1802_ad44)
        );
        // Activation case 4: parent time before the anchor's parent.
        assert_eq!(
            asert_next_bits(0x1801_1111, -2_499, 0, 172_800),
            Ok(0x1801_0db3)
        );
    }

    #[test]
    fn errors() {
        assert_eq!(
            Asert::new(1, 0, 0x1d00_ffff, 0),
            Err(AsertError::ZeroHalfLife)
        );
        assert!(matches!(
            Asert::new(1, 0, 0x1d01_0000, 600),
            Err(AsertError::InvalidAnchorBits(
                BitsError::AbovePowLimit { .. }
            ))
        ));
        assert!(matches!(
            asert_next_bits(0, 0, 0, 600),
            Err(AsertError::InvalidAnchorBits(BitsError::Zero { .. }))
        ));
        let limit = pow_limit();
        assert!(matches!(
            asert_next_target(U256::ZERO, 0, 0, 600, limit),
            Err(AsertError::AnchorTargetOutOfRange { .. })
        ));
        assert!(matches!(
            asert_next_target(U256::ONE, 0, 0, 600, U256::ONE << 224),
            Err(AsertError::PowLimitOutOfRange { .. })
        ));
        let e = AsertError::InvalidAnchorBits(BitsError::Zero { bits: 0 });
        assert!(std::error::Error::source(&e).is_some());
    }

    #[test]
    fn extreme_inputs_do_not_panic() {
        let s = Asert::new(0, i64::MIN, 0x1d00_ffff, 1).unwrap();
        assert_eq!(s.next_bits(u64::MAX, i64::MIN), Ok(0x0101_0000));
        assert_eq!(s.next_bits(0, i64::MAX), Ok(0x1d00_ffff));
        let t = Asert::new(0, i64::MAX, 0x0101_0000, u64::MAX).unwrap();
        assert_eq!(t.next_bits(0, i64::MIN), Ok(0x0101_0000));
    }
}
