//! Difficulty as reported by Bitcoin Core's `getdifficulty` / `getblockheader` RPCs:
//! `GetDifficulty` in `src/rpc/blockchain.cpp`, reproduced operation for operation.
//!
//! ```text
//! nShift = (bits >> 24) & 0xff
//! dDiff  = (double)0x0000ffff / (double)(bits & 0x00ffffff)
//! while nShift < 29 { dDiff *= 256.0; nShift++ }
//! while nShift > 29 { dDiff /= 256.0; nShift-- }
//! ```
//!
//! Mathematically `difficulty = diff1_target / target` with
//! `diff1_target = 0x00000000ffff0000...` (`0xffff * 2^208`), the target of `0x1d00ffff`.
//! The formula uses the raw 24-bit field (sign bit included) and ignores validity; a zero
//! mantissa gives `+inf`, exactly as the C++ double division would.

/// Bitcoin Core `GetDifficulty` (RPC floating-point difficulty) for a compact `nBits`.
///
/// Bit-exact with Core (same double operations in the same order). Never panics; a zero
/// mantissa yields `f64::INFINITY`.
pub fn bits_to_difficulty(bits: u32) -> f64 {
    let mut shift = (bits >> 24) & 0xff;
    let mut diff = f64::from(0x0000_ffffu32) / f64::from(bits & 0x00ff_ffff);
    while shift < 29 {
        diff *= 256.0;
        shift += 1;
    }
    while shift > 29 {
        diff /= 256.0;
        shift -= 1;
    }
    diff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff1_and_block_840000() {
        assert_eq!(bits_to_difficulty(0x1d00_ffff), 1.0);
        // Block 840000 (ordinals/ord docs: getblock JSON).
        assert_eq!(bits_to_difficulty(0x1703_4219), 86_388_558_925_171.02);
        assert_eq!(bits_to_difficulty(0x1c05_a3f4), 45.38582234101263);
        assert!(bits_to_difficulty(0x1d00_0000).is_infinite());
    }

    /// Bitcoin Core `blockchain_tests.cpp` get_difficulty_* with its absolute tolerance 1e-5.
    #[test]
    fn core_blockchain_tests_vectors() {
        let cases = [
            (0x1f11_1111u32, 0.000001),
            (0x1ef8_8f6f, 0.000016),
            (0x1df8_8f6f, 0.004023),
            (0x1cf8_8f6f, 1.029916),
            (0x1234_5678, 5_913_134_931_067_755_359_633_408.0),
        ];
        for (bits, expected) in cases {
            let d = bits_to_difficulty(bits);
            assert!(
                (d - expected).abs() < 0.00001,
                "{bits:#x}: {d} vs {expected}"
            );
        }
    }
}
