//! The compact ("nBits") target encoding: Bitcoin Core `arith_uint256::SetCompact` and
//! `arith_uint256::GetCompact` (`src/arith_uint256.cpp`), bit for bit.
//!
//! A compact value is `size << 24 | sign << 23 | word`, where `size` is the byte length of
//! the number, `word` its (up to) three most significant bytes and `sign` a sign bit
//! (from the OpenSSL `BN_bn2mpi` heritage):
//!
//! ```text
//! SetCompact(n):  size = n >> 24;  word = n & 0x007fffff
//!                 value = word >> 8*(3-size)   if size <= 3
//!                       = word << 8*(size-3)   otherwise (bits past 2^256 are lost)
//!                 negative = word != 0 && (n & 0x00800000) != 0
//!                 overflow = word != 0 && (size > 34 || (word > 0xff && size > 33)
//!                                                    || (word > 0xffff && size > 32))
//! GetCompact(v):  size = (bits(v) + 7) / 8
//!                 c = low64(v) << 8*(3-size)    if size <= 3
//!                   = low64(v >> 8*(size-3))    otherwise    (truncation, never rounding up)
//!                 if c & 0x00800000 { c >>= 8; size += 1 }   (never emit the sign bit)
//!                 c | size << 24 | (0x00800000 if negative && c != 0)
//! ```
//!
//! (`word` in the flags is the value *after* the `size <= 3` shift, as in Core.)

use super::u256::U256;

/// Result of decoding a compact value (`SetCompact` with both out-flags).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Compact {
    /// The decoded magnitude, wrapped modulo 2^256 exactly as Core's shift would leave it.
    pub target: U256,
    /// `fNegative`: the sign bit is set and the mantissa is nonzero.
    pub negative: bool,
    /// `fOverflow`: the encoded number does not fit in 256 bits.
    pub overflow: bool,
}

/// The mainnet proof-of-work limit `00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff`
/// (`consensus.powLimit` in `src/kernel/chainparams.cpp`). Its compact form is `0x1d00ffff`
/// (encoding truncates it to `0x00000000ffff0000...`).
pub const fn pow_limit() -> U256 {
    U256::from_limbs([u64::MAX, u64::MAX, u64::MAX, 0x0000_0000_ffff_ffff])
}

/// Decodes `bits` with Bitcoin Core `SetCompact` semantics, including the `negative` and
/// `overflow` flags. Total: defined (and panic-free) for every `u32`.
pub fn decode_compact(bits: u32) -> Compact {
    let size = bits >> 24;
    let mut word = bits & 0x007f_ffff;
    let target = if size <= 3 {
        word >>= 8 * (3 - size);
        U256::from_u64(u64::from(word))
    } else {
        U256::from_u64(u64::from(word)).wrapping_shl(8 * (size - 3))
    };
    let negative = word != 0 && (bits & 0x0080_0000) != 0;
    let overflow =
        word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
    Compact {
        target,
        negative,
        overflow,
    }
}

/// Encodes `target` with Bitcoin Core `GetCompact(fNegative)` semantics: keeps the three
/// most significant bytes (truncating), avoids setting the sign bit by moving to a larger
/// exponent, and sets the sign bit only if `negative` is requested and the mantissa is
/// nonzero. `decode_compact(encode_compact(x, false)).target <= x` always holds.
pub fn encode_compact(target: &U256, negative: bool) -> u32 {
    let mut size = target.bits().div_ceil(8);
    let mut compact: u32 = if size <= 3 {
        // Value < 2^24 here, so the truncation to u32 is exact.
        (target.low_u64() << (8 * (3 - size))) as u32
    } else {
        // After the shift only the top three bytes remain (< 2^24).
        target.wrapping_shr(8 * (size - 3)).low_u64() as u32
    };
    if compact & 0x0080_0000 != 0 {
        compact >>= 8;
        size += 1;
    }
    // size <= 33, so this never touches bits past the exponent byte.
    compact |= size << 24;
    if negative && (compact & 0x007f_ffff) != 0 {
        compact |= 0x0080_0000;
    }
    compact
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Bitcoin Core `arith_uint256_tests.cpp` bignum_SetCompact vectors
    /// (also `pow_vectors.json` / `compact_setcompact_getcompact`):
    /// (compact, decoded hex, GetCompact(negative flag) result, negative flag used/expected, overflow).
    const VECTORS: &[(u32, &str, u32, bool, bool)] = &[
        (0x0000_0000, "0", 0, false, false),
        (0x0012_3456, "0", 0, false, false),
        (0x0100_3456, "0", 0, false, false),
        (0x0200_0056, "0", 0, false, false),
        (0x0300_0000, "0", 0, false, false),
        (0x0400_0000, "0", 0, false, false),
        (0x0092_3456, "0", 0, false, false),
        (0x0180_3456, "0", 0, false, false),
        (0x0280_0056, "0", 0, false, false),
        (0x0380_0000, "0", 0, false, false),
        (0x0480_0000, "0", 0, false, false),
        (0x0112_3456, "12", 0x0112_0000, false, false),
        (0x01fe_dcba, "7e", 0x01fe_0000, true, false),
        (0x0212_3456, "1234", 0x0212_3400, false, false),
        (0x0312_3456, "123456", 0x0312_3456, false, false),
        (0x0412_3456, "12345600", 0x0412_3456, false, false),
        (0x0492_3456, "12345600", 0x0492_3456, true, false),
        (0x0500_9234, "92340000", 0x0500_9234, false, false),
        (
            0x2012_3456,
            "1234560000000000000000000000000000000000000000000000000000000000",
            0x2012_3456,
            false,
            false,
        ),
    ];

    #[test]
    fn core_setcompact_getcompact_vectors() {
        for &(bits, hex, get, negative, overflow) in VECTORS {
            let c = decode_compact(bits);
            let expected = U256::from_be_hex(hex).expect("hex");
            assert_eq!(c.target, expected, "value of {bits:#010x}");
            assert_eq!(c.negative, negative, "negative of {bits:#010x}");
            assert_eq!(c.overflow, overflow, "overflow of {bits:#010x}");
            assert_eq!(
                encode_compact(&c.target, negative),
                get,
                "GetCompact of {bits:#010x}"
            );
        }
        // 0xff123456 overflows (value wraps to zero through the 2016-bit shift).
        let c = decode_compact(0xff12_3456);
        assert!(!c.negative);
        assert!(c.overflow);
        // GetCompact of 0x80 must not set the sign bit.
        assert_eq!(encode_compact(&U256::from_u64(0x80), false), 0x0200_8000);
    }

    #[test]
    fn pow_limit_compact() {
        let limit = pow_limit();
        assert_eq!(
            limit.to_be_hex(),
            "00000000ffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
        );
        assert_eq!(encode_compact(&limit, false), 0x1d00_ffff);
        assert_eq!(encode_compact(&limit, true), 0x1d80_ffff);
        assert_eq!(encode_compact(&(limit * 2u64), false), 0x1d01_ffff);
        let d1 = decode_compact(0x1d00_ffff);
        assert_eq!(d1.target, U256::from_u64(0xffff) << 208);
        assert!(!d1.negative && !d1.overflow);
    }

    #[test]
    fn round_trips() {
        // Every canonical compact value re-encodes to itself.
        for bits in [
            0x1d00_ffffu32,
            0x1c05_a3f4,
            0x1c01_68fd,
            0x1b04_04cb,
            0x1703_4219,
            0x1702_0f79,
            0x0300_8000,
            0x2100_ffff,
            0x0101_0000,
        ] {
            let c = decode_compact(bits);
            assert!(!c.negative && !c.overflow, "{bits:#x}");
            assert_eq!(encode_compact(&c.target, false), bits, "{bits:#x}");
        }
        // Largest non-overflowing forms.
        assert!(decode_compact(0x2200_00ff).target == U256::from_u64(0xff) << 248);
        // ... which is not canonical: GetCompact spends the top byte on avoiding the sign bit.
        assert_eq!(
            encode_compact(&(U256::from_u64(0xff) << 248), false),
            0x2100_ff00
        );
        assert!(decode_compact(0x2200_0100).overflow);
        assert!(decode_compact(0x2100_ffff).target == U256::from_u64(0xffff) << 240);
        assert!(decode_compact(0x2101_0000).overflow);
        assert!(!decode_compact(0x2000_0000 | 0x7f_ffff).overflow);
        // Truncation: encoding drops low bytes and never rounds up.
        let x = U256::from_be_hex("123456789a").expect("hex");
        assert_eq!(encode_compact(&x, false), 0x0512_3456);
        assert_eq!(
            decode_compact(0x0512_3456).target,
            U256::from_be_hex("1234560000").expect("hex")
        );
        // Top byte >= 0x80: only two significant bytes survive.
        let y = U256::from_u64(0x00ff_fffe_ffff);
        assert_eq!(encode_compact(&y, false), 0x0600_ffff);
        assert_eq!(
            decode_compact(0x0600_ffff).target,
            U256::from_u64(0x00ff_ff00_0000)
        );
        // Every size byte decodes without panicking.
        for size in 0..=255u32 {
            let _ = decode_compact(size << 24 | 0x00ff_ffff);
        }
    }
}
