//! Exact Bitcoin consensus arithmetic (mainnet): block subsidy, difficulty retargeting,
//! the compact `nBits` encoding, proof-of-work checks, block work and RPC difficulty.
//!
//! Everything here is a bit-exact port of Bitcoin Core (read from the `bitcoin/bitcoin`
//! master tree, mirror `bitcoin-core/gui` @ `58a7869f`), allocation-free and panic-free on
//! every input:
//!
//! | item | Bitcoin Core source |
//! |---|---|
//! | [`block_subsidy`] | `src/validation.cpp` `GetBlockSubsidy` |
//! | [`next_work_required`], [`retarget`] | `src/pow.cpp` `CalculateNextWorkRequired` |
//! | [`check_proof_of_work`], [`target_from_bits`] | `src/pow.cpp` `CheckProofOfWork` / `DeriveTarget` |
//! | [`decode_compact`], [`encode_compact`], [`U256`] | `src/arith_uint256.cpp` `SetCompact` / `GetCompact`, `arith_uint256` |
//! | [`block_proof`], [`expected_hashes_per_block`] | `src/chain.cpp` `GetBlockProof` |
//! | [`bits_to_difficulty`] | `src/rpc/blockchain.cpp` `GetDifficulty` |
//! | constants | `src/kernel/chainparams.cpp` (`CMainParams`), `src/consensus/amount.h` |
//!
//! # Equations
//!
//! Subsidy (satoshi) at height `h`:
//! ```text
//! subsidy(h) = (50 * 10^8) >> (h / 210000)     if h / 210000 < 64, else 0
//! ```
//! Summed over all heights this is 2 099 999 997 690 000 sat; the last subsidised height
//! is 6 929 999 (1 sat).
//!
//! Retarget at the end of an epoch of 2016 blocks (first block time `t0`, last `t1`):
//! ```text
//! T'     = clamp(t1 - t0, 1209600/4, 1209600*4)
//! target = min(powLimit, floor(SetCompact(bits) * T' / 1209600))
//! bits'  = GetCompact(target)                         (truncates to a 3-byte mantissa)
//! ```
//! Block work and difficulty:
//! ```text
//! work(target)  = floor(2^256 / (target + 1))          (expected hashes per block)
//! difficulty    = 0xffff * 2^208 / target  (as doubles, in Core's operation order)
//! work          ~ difficulty * 2^32
//! ```
//!
//! Reference data and test vectors (`../shared/reference/pow_vectors.json`,
//! `subsidy.json`, `retargets.csv`) are checked by `models/tests/consensus_reference.rs`.
#![deny(missing_docs)]

mod compact;
mod difficulty;
mod retarget;
mod u256;
mod u256_traits;
mod work;

use core::num::NonZeroU64;

pub use compact::{decode_compact, encode_compact, pow_limit, Compact};
pub use difficulty::bits_to_difficulty;
pub use retarget::{
    next_work_required, retarget, Clamp, Retarget, MAX_ACTUAL_TIMESPAN, MIN_ACTUAL_TIMESPAN,
};
pub use u256::U256;
pub use work::{
    block_proof, check_proof_of_work, expected_hashes_per_block, target_from_bits, BitsError,
};

/// Target block interval, seconds (`nPowTargetSpacing`).
pub const POW_TARGET_SPACING: i64 = 600;
/// Target duration of one difficulty epoch, seconds (`nPowTargetTimespan`, two weeks).
pub const POW_TARGET_TIMESPAN: i64 = 1_209_600;
/// Blocks per difficulty epoch (`DifficultyAdjustmentInterval()` = timespan / spacing).
pub const DIFFICULTY_ADJUSTMENT_INTERVAL: u64 = 2016;
/// Blocks between subsidy halvings (`nSubsidyHalvingInterval`).
pub const SUBSIDY_HALVING_INTERVAL: u64 = 210_000;
/// Compact form of the mainnet proof-of-work limit (genesis `nBits`, difficulty 1).
pub const POW_LIMIT_BITS: u32 = 0x1d00_ffff;
/// Satoshi per bitcoin.
pub const COIN: u64 = 100_000_000;
/// Subsidy of the first era, satoshi (50 BTC).
pub const INITIAL_SUBSIDY: u64 = 50 * COIN;
/// Bitcoin Core `MAX_MONEY` (21 000 000 BTC, a sanity bound; the actual total issuance
/// is [`TOTAL_SUBSIDY_SAT`]).
pub const MAX_MONEY: u64 = 21_000_000 * COIN;
/// Sum of [`block_subsidy`] over all heights, satoshi (Core `subsidy_limit_test`).
pub const TOTAL_SUBSIDY_SAT: u64 = 2_099_999_997_690_000;

const _: () =
    assert!(POW_TARGET_TIMESPAN / POW_TARGET_SPACING == DIFFICULTY_ADJUSTMENT_INTERVAL as i64);

/// Block subsidy in satoshi at `height` (Bitcoin Core `GetBlockSubsidy`, mainnet):
/// `(50 x 10^8 sat) >> (height / 210,000)`; 0 from 64 halvings on.
pub const fn block_subsidy(height: u64) -> u64 {
    subsidy_for_halvings(height / SUBSIDY_HALVING_INTERVAL)
}

/// `GetBlockSubsidy` with another halving interval (regtest uses 150): the subsidy after
/// `height / halving_interval` halvings.
pub const fn block_subsidy_with_interval(height: u64, halving_interval: NonZeroU64) -> u64 {
    subsidy_for_halvings(height / halving_interval.get())
}

/// Satoshi issued by the blocks below `height` (heights `0 .. height`): the supply when block
/// `height` is next; [`TOTAL_SUBSIDY_SAT`] from height 6,930,000 on.
pub const fn subsidy_issued_below(height: u64) -> u64 {
    let mut total = 0u64;
    let mut era = 0u64;
    while era < 64 && era * SUBSIDY_HALVING_INTERVAL < height {
        let era_start = era * SUBSIDY_HALVING_INTERVAL;
        let end = if height < era_start + SUBSIDY_HALVING_INTERVAL {
            height
        } else {
            era_start + SUBSIDY_HALVING_INTERVAL
        };
        total += (end - era_start) * subsidy_for_halvings(era);
        era += 1;
    }
    total
}

const fn subsidy_for_halvings(halvings: u64) -> u64 {
    // Force block reward to zero when the right shift is undefined (Core comment).
    if halvings >= 64 {
        0
    } else {
        INITIAL_SUBSIDY >> halvings
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subsidy_key_heights() {
        assert_eq!(block_subsidy(0), 5_000_000_000);
        assert_eq!(block_subsidy(209_999), 5_000_000_000);
        assert_eq!(block_subsidy(210_000), 2_500_000_000);
        assert_eq!(block_subsidy(840_000), 312_500_000);
        assert_eq!(block_subsidy(6_929_999), 1);
        assert_eq!(block_subsidy(6_930_000), 0);
        assert_eq!(block_subsidy(64 * SUBSIDY_HALVING_INTERVAL), 0);
        assert_eq!(block_subsidy(u64::MAX), 0);
    }

    /// Core `block_subsidy_test`: each halving height halves the previous subsidy.
    #[test]
    fn core_block_subsidy_test() {
        for interval in [210_000u64, 150, 1000] {
            let interval = NonZeroU64::new(interval).expect("nonzero");
            let mut previous = INITIAL_SUBSIDY * 2;
            for k in 0..64u64 {
                let s = block_subsidy_with_interval(k * interval.get(), interval);
                assert!(s <= INITIAL_SUBSIDY);
                assert_eq!(s, previous / 2);
                previous = s;
            }
            assert_eq!(
                block_subsidy_with_interval(64 * interval.get(), interval),
                0
            );
        }
    }

    #[test]
    fn subsidy_issued_below_sums_the_block_subsidies() {
        assert_eq!(subsidy_issued_below(0), 0);
        assert_eq!(subsidy_issued_below(1), INITIAL_SUBSIDY);
        assert_eq!(subsidy_issued_below(210_000), 210_000 * INITIAL_SUBSIDY);
        assert_eq!(
            subsidy_issued_below(210_001),
            210_000 * INITIAL_SUBSIDY + INITIAL_SUBSIDY / 2
        );
        // 19,687,500 BTC when the fifth era (3.125 BTC) starts at the 2024 halving, 840,000.
        assert_eq!(subsidy_issued_below(840_000), 1_968_750_000_000_000);
        assert_eq!(subsidy_issued_below(6_930_000), TOTAL_SUBSIDY_SAT);
        assert_eq!(subsidy_issued_below(u64::MAX), TOTAL_SUBSIDY_SAT);
        let by_blocks: u64 = (900_000..900_500).map(block_subsidy).sum();
        assert_eq!(
            subsidy_issued_below(900_500) - subsidy_issued_below(900_000),
            by_blocks
        );
    }

    #[test]
    fn total_subsidy_by_eras_and_by_core_loop() {
        let by_eras: u64 = (0..64u64)
            .map(|era| block_subsidy(era * SUBSIDY_HALVING_INTERVAL) * SUBSIDY_HALVING_INTERVAL)
            .sum();
        assert_eq!(by_eras, TOTAL_SUBSIDY_SAT);
        assert_eq!(by_eras, 2_099_999_997_690_000);
        // Core subsidy_limit_test: heights 0, 1000, ..., 13 999 000, each counted 1000 times.
        let mut sum = 0u64;
        let mut height = 0u64;
        while height < 14_000_000 {
            let s = block_subsidy(height);
            assert!(s <= 50 * COIN);
            sum += s * 1000;
            assert!(sum <= MAX_MONEY);
            height += 1000;
        }
        assert_eq!(sum, 2_099_999_997_690_000);
    }
}
