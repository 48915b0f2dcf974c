//! Difficulty retargeting: Bitcoin Core `CalculateNextWorkRequired` (`src/pow.cpp`) with
//! mainnet parameters.
//!
//! ```text
//! actual  = last_block_time - first_block_time          (first/last block of the ending epoch)
//! clamped = min(max(actual, 1209600/4), 1209600*4)     = clamp to [302400, 4838400]
//! target  = SetCompact(last_bits) * clamped / 1209600  (256-bit, multiply then floor-divide)
//! target  = min(target, powLimit)
//! bits    = GetCompact(target)                          (truncating)
//! ```
//!
//! Only 2015 inter-block intervals lie between the first and the last block of an epoch,
//! so perfectly regular 600 s blocks give `actual = 2015 * 600 = 1209000` and difficulty
//! rises by 1209600/1209000 (about +0.05 %) per epoch (the off-by-one that also enables the time-warp attack).

use core::num::NonZeroU64;

use super::compact::{decode_compact, encode_compact, pow_limit};
use super::POW_TARGET_TIMESPAN;

/// Smallest timespan used by the retarget (`nPowTargetTimespan / 4` = 302 400 s).
pub const MIN_ACTUAL_TIMESPAN: i64 = POW_TARGET_TIMESPAN / 4;
/// Largest timespan used by the retarget (`nPowTargetTimespan * 4` = 4 838 400 s).
pub const MAX_ACTUAL_TIMESPAN: i64 = POW_TARGET_TIMESPAN * 4;

const TIMESPAN_DIVISOR: NonZeroU64 = match NonZeroU64::new(POW_TARGET_TIMESPAN as u64) {
    Some(d) => d,
    None => panic!("nPowTargetTimespan must be nonzero"),
};

/// Which side of the `[302400, 4838400]` clamp, if any, applied to the measured timespan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clamp {
    /// The timespan was used as measured.
    None,
    /// The timespan was below 302 400 s and raised to it: difficulty rises by the maximum,
    /// a factor of 4.
    Lower,
    /// The timespan was above 4 838 400 s and lowered to it: difficulty falls by the
    /// maximum, a factor of 4 (unless already capped at the proof-of-work limit).
    Upper,
}

/// The details of one retarget computation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retarget {
    /// The new compact target (`nBits`) for the next epoch.
    pub bits: u32,
    /// The measured timespan `last_block_time - first_block_time` in seconds (saturating
    /// at the `i64` range; can be negative with out-of-order timestamps).
    pub timespan: i64,
    /// The timespan after clamping to `[302400, 4838400]`, the factor actually used.
    pub clamped_timespan: i64,
    /// Which clamp applied.
    pub clamp: Clamp,
}

/// Bitcoin Core `CalculateNextWorkRequired` with mainnet parameters, with details.
///
/// * `last_bits`: `nBits` of the last block of the epoch that just ended.
/// * `first_block_time`: timestamp of the *first* block of that epoch (height `h - 2015`).
/// * `last_block_time`: timestamp of its last block (height `h`, `(h + 1) % 2016 == 0`).
///
/// Total and panic-free for every input. As in Core, the sign and overflow flags of
/// `last_bits` are ignored (the decoded magnitude is used), and the 256-bit product wraps
/// modulo 2^256 like `arith_uint256` (this can only happen for targets far above powLimit;
/// for valid targets the product is below 2^247). The timespan subtraction saturates
/// (Core's block times are 32-bit, so it never overflows there).
pub fn retarget(last_bits: u32, first_block_time: i64, last_block_time: i64) -> Retarget {
    let timespan = last_block_time.saturating_sub(first_block_time);
    let (clamped_timespan, clamp) = if timespan < MIN_ACTUAL_TIMESPAN {
        (MIN_ACTUAL_TIMESPAN, Clamp::Lower)
    } else if timespan > MAX_ACTUAL_TIMESPAN {
        (MAX_ACTUAL_TIMESPAN, Clamp::Upper)
    } else {
        (timespan, Clamp::None)
    };
    let old_target = decode_compact(last_bits).target;
    // clamped_timespan is in [302400, 4838400], so the conversion is exact.
    let product = old_target.wrapping_mul_u64(clamped_timespan.unsigned_abs());
    let (mut new_target, _) = product.div_rem_u64(TIMESPAN_DIVISOR);
    let limit = pow_limit();
    if new_target > limit {
        new_target = limit;
    }
    Retarget {
        bits: encode_compact(&new_target, false),
        timespan,
        clamped_timespan,
        clamp,
    }
}

/// Bitcoin Core `CalculateNextWorkRequired` with mainnet parameters: the `nBits` of the
/// first block of the next epoch. See [`retarget`] for the arguments and edge cases.
pub fn next_work_required(last_bits: u32, first_block_time: i64, last_block_time: i64) -> u32 {
    retarget(last_bits, first_block_time, last_block_time).bits
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bitcoin Core `pow_tests.cpp` (also `pow_vectors.json` / `calculate_next_work_required`):
    /// (last bits, nFirstBlockTime, last block time, expected bits, expected clamp).
    const CORE_VECTORS: &[(u32, i64, i64, u32, Clamp)] = &[
        // get_next_work: no constraint applies (real epoch 15 -> 16).
        (
            0x1d00_ffff,
            1_261_130_161,
            1_262_152_739,
            0x1d00_d86a,
            Clamp::None,
        ),
        // get_next_work_pow_limit: capped at powLimit (real epoch 0 -> 1).
        (
            0x1d00_ffff,
            1_231_006_505,
            1_233_061_996,
            0x1d00_ffff,
            Clamp::None,
        ),
        // get_next_work_lower_limit_actual: x4 clamp (real epoch 33 -> 34).
        (
            0x1c05_a3f4,
            1_279_008_237,
            1_279_297_671,
            0x1c01_68fd,
            Clamp::Lower,
        ),
        // get_next_work_upper_limit_actual: /4 clamp (fabricated first time).
        (
            0x1c38_7f6f,
            1_263_163_443,
            1_269_211_443,
            0x1d00_e1fd,
            Clamp::Upper,
        ),
    ];

    #[test]
    fn core_pow_tests_vectors() {
        for &(bits, first, last, expected, clamp) in CORE_VECTORS {
            let r = retarget(bits, first, last);
            assert_eq!(r.bits, expected, "{bits:#x} {first} {last}");
            assert_eq!(r.clamp, clamp);
            assert_eq!(r.timespan, last - first);
            assert_eq!(next_work_required(bits, first, last), expected);
        }
        let r = retarget(0x1c05_a3f4, 1_279_008_237, 1_279_297_671);
        assert_eq!(r.timespan, 289_434);
        assert_eq!(r.clamped_timespan, 302_400);
        let r = retarget(0x1c38_7f6f, 1_263_163_443, 1_269_211_443);
        assert_eq!(r.timespan, 6_048_000);
        assert_eq!(r.clamped_timespan, 4_838_400);
    }

    #[test]
    fn regular_blocks_and_identity() {
        // Exactly the target timespan keeps canonical bits unchanged.
        for bits in [0x1d00_ffffu32, 0x1c05_a3f4, 0x1703_4219, 0x1702_0f79] {
            assert_eq!(next_work_required(bits, 0, POW_TARGET_TIMESPAN), bits);
        }
        // 2015 x 600 s (the off-by-one): target x 1209000/1209600, truncated.
        let r = retarget(0x1703_4219, 0, 2015 * 600);
        assert_eq!(r.clamp, Clamp::None);
        let expected = (decode_compact(0x1703_4219).target * 1_209_000u64) / 1_209_600u64;
        assert_eq!(r.bits, encode_compact(&expected, false));
    }

    #[test]
    fn clamps_and_limits() {
        assert_eq!(retarget(0x1703_4219, 100, 100).clamp, Clamp::Lower);
        assert_eq!(
            retarget(0x1703_4219, 100, 100 + 302_399).clamp,
            Clamp::Lower
        );
        assert_eq!(retarget(0x1703_4219, 100, 100 + 302_400).clamp, Clamp::None);
        assert_eq!(
            retarget(0x1703_4219, 100, 100 + 4_838_400).clamp,
            Clamp::None
        );
        assert_eq!(
            retarget(0x1703_4219, 100, 100 + 4_838_401).clamp,
            Clamp::Upper
        );
        // Negative timespans (out-of-order timestamps) clamp like Core.
        assert_eq!(
            next_work_required(0x1703_4219, 1_000_000, 0),
            next_work_required(0x1703_4219, 0, 302_400)
        );
        // Easiest possible result is powLimit's compact form.
        assert_eq!(next_work_required(0x1d00_ffff, 0, i64::MAX), 0x1d00_ffff);
    }

    #[test]
    fn arbitrary_inputs_do_not_panic() {
        let times = [i64::MIN, -1, 0, 1, 302_400, 1_209_600, 4_838_401, i64::MAX];
        for bits in [
            0u32,
            1,
            0x2100_ffff,
            0x2200_00ff,
            0x2300_0001,
            0xff12_3456,
            0xffff_ffff,
            0x1d80_ffff,
        ] {
            for &a in &times {
                for &b in &times {
                    let r = retarget(bits, a, b);
                    assert!(
                        (MIN_ACTUAL_TIMESPAN..=MAX_ACTUAL_TIMESPAN).contains(&r.clamped_timespan)
                    );
                }
            }
        }
        // 0x2100ffff * 4838400 wraps modulo 2^256 exactly like arith_uint256.
        let t = decode_compact(0x2100_ffff).target;
        let wrapped = (t * 4_838_400u64) / 1_209_600u64;
        let expected = if wrapped > pow_limit() {
            pow_limit()
        } else {
            wrapped
        };
        assert_eq!(
            next_work_required(0x2100_ffff, 0, 10_000_000),
            encode_compact(&expected, false)
        );
        // Zero target stays zero.
        assert_eq!(next_work_required(0, 0, 1_209_600), 0);
    }
}
