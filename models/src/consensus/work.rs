//! Proof-of-work validity and block work: Bitcoin Core `DeriveTarget` / `CheckProofOfWork`
//! (`src/pow.cpp`) and `GetBlockProof` (`src/chain.cpp`).
//!
//! ```text
//! target valid  <=>  !negative && target != 0 && !overflow && target <= powLimit
//! CheckProofOfWork(hash, bits)  =  target valid && hash <= target
//! GetBlockProof(target)  =  floor(2^256 / (target + 1))  =  (~target / (target + 1)) + 1
//! ```
//!
//! `GetBlockProof` is the expected number of hashes needed to find a block at that target
//! (each hash is uniform on `[0, 2^256)` and succeeds if `<= target`). At difficulty `D`
//! it is approximately `D * 2^32`.

use core::fmt;

use super::compact::{decode_compact, pow_limit};
use super::u256::U256;
use super::POW_LIMIT_BITS;

/// Why a compact `nBits` value is not a valid mainnet proof-of-work target.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BitsError {
    /// The sign bit (0x00800000) is set with a nonzero mantissa.
    Negative {
        /// The rejected compact value.
        bits: u32,
    },
    /// The encoded number does not fit in 256 bits.
    Overflow {
        /// The rejected compact value.
        bits: u32,
    },
    /// The target decodes to zero (no hash could ever satisfy it).
    Zero {
        /// The rejected compact value.
        bits: u32,
    },
    /// The target is easier than the mainnet proof-of-work limit (`0x1d00ffff`).
    AbovePowLimit {
        /// The rejected compact value.
        bits: u32,
    },
}

impl BitsError {
    /// The compact value that was rejected.
    pub fn bits(&self) -> u32 {
        match *self {
            BitsError::Negative { bits }
            | BitsError::Overflow { bits }
            | BitsError::Zero { bits }
            | BitsError::AbovePowLimit { bits } => bits,
        }
    }
}

impl fmt::Display for BitsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            BitsError::Negative { bits } => write!(
                f,
                "{bits:#010x} has the compact sign bit 0x00800000 set, so it decodes to a \
                 negative target, which is never a valid proof-of-work target"
            ),
            BitsError::Overflow { bits } => write!(
                f,
                "{bits:#010x} encodes a target that does not fit in 256 bits (exponent {} too \
                 large for its mantissa)",
                bits >> 24
            ),
            BitsError::Zero { bits } => write!(
                f,
                "{bits:#010x} decodes to a zero target, which no block hash can meet"
            ),
            BitsError::AbovePowLimit { bits } => write!(
                f,
                "{bits:#010x} decodes to a target above the mainnet proof-of-work limit \
                 {POW_LIMIT_BITS:#010x}"
            ),
        }
    }
}

impl std::error::Error for BitsError {}

/// The target for `bits` if it is a valid mainnet proof-of-work target (Core's
/// `DeriveTarget` range check: not negative, not zero, no overflow, `<= powLimit`).
///
/// When several problems apply, the first in the order Negative, Overflow, Zero,
/// AbovePowLimit is reported (Core only reports "invalid").
pub fn target_from_bits(bits: u32) -> Result<U256, BitsError> {
    let c = decode_compact(bits);
    if c.negative {
        Err(BitsError::Negative { bits })
    } else if c.overflow {
        Err(BitsError::Overflow { bits })
    } else if c.target.is_zero() {
        Err(BitsError::Zero { bits })
    } else if c.target > pow_limit() {
        Err(BitsError::AbovePowLimit { bits })
    } else {
        Ok(c.target)
    }
}

/// Bitcoin Core `CheckProofOfWork(hash, nBits)`: `false` for negative, zero, overflowing
/// or above-limit targets, otherwise `hash <= target`.
///
/// `hash` is the block hash as a number, i.e. `U256::from_be_hex` of the hash as it is
/// displayed (RPC / explorers show the little-endian bytes reversed, which is the
/// big-endian number Core compares via `UintToArith256`).
pub fn check_proof_of_work(hash: &U256, bits: u32) -> bool {
    match target_from_bits(bits) {
        Ok(target) => *hash <= target,
        Err(_) => false,
    }
}

/// Bitcoin Core `GetBlockProof`: `floor(2^256 / (target + 1))`, computed as
/// `(~target / (target + 1)) + 1` so it fits in 256 bits.
///
/// Edge cases follow the formula with wrapping arithmetic: `target = 0` gives 0 (Core's
/// `GetBlockProof` also returns 0 there), and `target = 2^256 - 1` gives 1 (= 2^256 / 2^256;
/// Core would divide by zero, but no compact value decodes to it).
pub fn block_proof(target: &U256) -> U256 {
    match (!*target).checked_div(target.wrapping_add(U256::ONE)) {
        Some(q) => q.wrapping_add(U256::ONE),
        None => U256::ONE,
    }
}

/// Expected number of hashes to find one block at `bits`: Core's
/// `GetBlockProof(CBlockIndex)` converted with `arith_uint256::getdouble`.
///
/// Mirrors Core for unusual inputs: negative, overflowing or zero targets give `0.0`
/// (no work); the powLimit is *not* checked (use [`target_from_bits`] for that).
/// For valid targets this is `floor(2^256 / (target + 1))`, about `difficulty * 2^32`.
pub fn expected_hashes_per_block(bits: u32) -> f64 {
    let c = decode_compact(bits);
    if c.negative || c.overflow || c.target.is_zero() {
        return 0.0;
    }
    block_proof(&c.target).to_f64()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::consensus::u256::tests::h;

    #[test]
    fn target_validity_and_messages() {
        assert_eq!(
            target_from_bits(0x1d00_ffff),
            Ok(U256::from_u64(0xffff) << 208)
        );
        assert_eq!(
            target_from_bits(0x1d01_ffff),
            Err(BitsError::AbovePowLimit { bits: 0x1d01_ffff })
        );
        assert_eq!(
            target_from_bits(0x1d01_ffff).unwrap_err().to_string(),
            "0x1d01ffff decodes to a target above the mainnet proof-of-work limit 0x1d00ffff"
        );
        assert_eq!(
            target_from_bits(0x1d80_ffff),
            Err(BitsError::Negative { bits: 0x1d80_ffff })
        );
        assert_eq!(
            target_from_bits(0xff7f_ffff),
            Err(BitsError::Overflow { bits: 0xff7f_ffff })
        );
        assert_eq!(target_from_bits(0), Err(BitsError::Zero { bits: 0 }));
        assert_eq!(
            target_from_bits(0x0100_3456),
            Err(BitsError::Zero { bits: 0x0100_3456 })
        );
        for e in [
            BitsError::Negative { bits: 1 },
            BitsError::Overflow { bits: 2 },
            BitsError::Zero { bits: 3 },
            BitsError::AbovePowLimit { bits: 4 },
        ] {
            assert!(!e.to_string().is_empty());
            assert!(e.bits() <= 4);
        }
    }

    #[test]
    fn core_check_proof_of_work_must_fail() {
        let one = U256::ONE;
        assert!(!check_proof_of_work(&one, 0x1d80_ffff)); // negative
        assert!(!check_proof_of_work(&one, 0xff7f_ffff)); // overflow
        assert!(!check_proof_of_work(&one, 0x1d01_ffff)); // too easy
        assert!(!check_proof_of_work(&(pow_limit() * 2u64), 0x1d00_ffff)); // hash > target
        assert!(!check_proof_of_work(&U256::ZERO, 0)); // zero target
    }

    #[test]
    fn real_block_hashes_pass() {
        let genesis = h("000000000019d6689c085ae165831e934ff763ae46a2a6c172b3f1b60a8ce26f");
        assert!(check_proof_of_work(&genesis, 0x1d00_ffff));
        let b840000 = h("0000000000000000000320283a032748cef8227873ff4872689bf23f1cda83a5");
        assert!(check_proof_of_work(&b840000, 0x1703_4219));
        // ... but the 840000 target is far too hard for the genesis hash.
        assert!(!check_proof_of_work(&genesis, 0x1703_4219));
        let target = target_from_bits(0x1703_4219).expect("valid");
        assert!(check_proof_of_work(&target, 0x1703_4219));
        assert!(!check_proof_of_work(&(target + U256::ONE), 0x1703_4219));
    }

    #[test]
    fn block_proof_values() {
        // Difficulty 1: floor(2^256 / (0xffff * 2^208 + 1)) = 0x100010001.
        let t1 = decode_compact(0x1d00_ffff).target;
        assert_eq!(block_proof(&t1), U256::from_u64(0x1_0001_0001));
        assert_eq!(expected_hashes_per_block(0x1d00_ffff), 4_295_032_833.0);
        // Chainwork at block 2016 (bitcoinj checkpoint, includes the block): 2017 blocks at diff 1.
        assert_eq!(block_proof(&t1) * 2017u64, h("7e107e107e1"));
        // Chain work 838656 -> 840000: 1344 blocks at 0x17034219 (ordinals/ord + bitcoinj).
        let t = decode_compact(0x1703_4219).target;
        let w838656 = h("739f5b15b3757c13af5b1a6b");
        let w840000 = h("0000000000000000000000000000000000000000753bdab0e0d745453677442b");
        assert_eq!(w838656 + block_proof(&t) * 1344u64, w840000);
        // Edges.
        assert_eq!(block_proof(&U256::ZERO), U256::ZERO);
        assert_eq!(block_proof(&U256::MAX), U256::ONE);
        assert_eq!(block_proof(&U256::ONE), U256::ONE << 255);
        assert_eq!(block_proof(&(U256::MAX >> 1)), U256::from_u64(2));
        assert_eq!(expected_hashes_per_block(0), 0.0);
        assert_eq!(expected_hashes_per_block(0x1d80_ffff), 0.0);
        assert_eq!(expected_hashes_per_block(0xff12_3456), 0.0);
    }
}
