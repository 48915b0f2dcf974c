//! The columns of the chain's tables: `blocks` (one row per block), `epochs` (one row per
//! completed difficulty epoch) and `summary` (the run's single row).

use super::super::schema::Fill::{Bool, Text, F64, I64, U32, U64};
use super::super::schema::{
    Columns, HS_PER_EHS, UNIT_DIMENSIONLESS, UNIT_EHS, UNIT_PERCENT, UNIT_SAT, UNIT_SECONDS,
    UNIT_TEXT, UNIT_USD_PER_BTC,
};
use super::security;
use crate::record::{BlockRecord, EpochRecord, RunSummary};

/// The columns of `blocks`.
pub fn blocks() -> Columns<BlockRecord> {
    Columns::<BlockRecord>::new()
        .col(
            "height",
            UNIT_DIMENSIONLESS,
            "Block height.",
            U64(|r| r.height),
        )
        .time(
            "time",
            "Header timestamp (UTC): scenario start + floor(simulation clock).",
            |r| r.time_unix,
        )
        .col(
            "interval_s",
            UNIT_SECONDS,
            "Exact simulated time since the previous block (or since the run start for the \
             first simulated block), seconds.",
            F64(|r| r.interval_s),
        )
        .col(
            "bits",
            UNIT_DIMENSIONLESS,
            "Compact target (nBits) this block was mined at.",
            U32(|r| r.bits),
        )
        .col(
            "difficulty",
            UNIT_DIMENSIONLESS,
            "Difficulty of `bits` (Bitcoin Core GetDifficulty), dimensionless.",
            F64(|r| r.difficulty),
        )
        .col(
            "hashrate_ehs",
            UNIT_EHS,
            "Network hashrate in force when the block was found, EH/s (1e18 hashes per \
             second).",
            F64(|r| r.hashrate_hs / HS_PER_EHS),
        )
        .col(
            "subsidy_sat",
            UNIT_SAT,
            "Block subsidy, satoshi.",
            U64(|r| r.subsidy_sat),
        )
        .col(
            "fees_sat",
            UNIT_SAT,
            "Transaction fees paid to the miner, satoshi.",
            U64(|r| r.fees_sat),
        )
        .col(
            "price_usd",
            UNIT_USD_PER_BTC,
            "BTC price when the block was found, USD per BTC.",
            F64(|r| r.price_usd),
        )
}

/// The columns of `epochs`.
pub fn epochs() -> Columns<EpochRecord> {
    Columns::<EpochRecord>::new()
        .col(
            "epoch",
            UNIT_DIMENSIONLESS,
            "Epoch index = start_height / 2016.",
            U64(|r| r.epoch),
        )
        .col(
            "start_height",
            UNIT_DIMENSIONLESS,
            "Height of the epoch's first block.",
            U64(|r| r.start_height),
        )
        .col(
            "end_height",
            UNIT_DIMENSIONLESS,
            "Height of the epoch's last block (start_height + 2015).",
            U64(|r| r.end_height),
        )
        .time(
            "first_block_time",
            "Header time of the epoch's first block (UTC).",
            |r| r.first_block_time_unix,
        )
        .time(
            "last_block_time",
            "Header time of the epoch's last block (UTC).",
            |r| r.last_block_time_unix,
        )
        .col(
            "timespan_s",
            UNIT_SECONDS,
            "Measured timespan last - first (2015 intervals, the consensus quirk), seconds.",
            I64(|r| r.timespan_s),
        )
        .col(
            "timespan_clamped_s",
            UNIT_SECONDS,
            "Timespan after the [302,400, 4,838,400] s clamp, seconds.",
            I64(|r| r.timespan_clamped_s),
        )
        .col(
            "clamped",
            UNIT_DIMENSIONLESS,
            "Whether the clamp changed the timespan (a 4x-limited retarget).",
            Bool(|r| r.clamped),
        )
        .col(
            "bits",
            UNIT_DIMENSIONLESS,
            "nBits in force during this epoch.",
            U32(|r| r.bits),
        )
        .col(
            "next_bits",
            UNIT_DIMENSIONLESS,
            "nBits of the next epoch (result of the retarget).",
            U32(|r| r.next_bits),
        )
        .col(
            "difficulty",
            UNIT_DIMENSIONLESS,
            "Difficulty during this epoch.",
            F64(|r| r.difficulty),
        )
        .col(
            "next_difficulty",
            UNIT_DIMENSIONLESS,
            "Difficulty of the next epoch.",
            F64(|r| r.next_difficulty),
        )
        .col(
            "difficulty_change_pct",
            UNIT_PERCENT,
            "Relative change next/this - 1, percent.",
            F64(|r| r.difficulty_change_pct),
        )
        .col(
            "blocks_simulated",
            UNIT_DIMENSIONLESS,
            "Number of blocks of this epoch simulated in this run (2016 unless the run started \
             mid-epoch).",
            U64(|r| r.blocks_simulated),
        )
        .col(
            "mean_interval_s",
            UNIT_SECONDS,
            "Mean exact interval over the simulated blocks of the epoch, seconds.",
            F64(|r| r.mean_interval_s),
        )
        .col(
            "mean_hashrate_ehs",
            UNIT_EHS,
            "Time-weighted mean network hashrate over the simulated part of the epoch, EH/s.",
            F64(|r| r.mean_hashrate_hs / HS_PER_EHS),
        )
        .col(
            "implied_hashrate_ehs",
            UNIT_EHS,
            "Hashrate implied by this epoch's difficulty, difficulty x 2^32 / 600, EH/s.",
            F64(|r| r.implied_hashrate_hs / HS_PER_EHS),
        )
        .col(
            "p95_interval_s",
            UNIT_SECONDS,
            "95th percentile (nearest rank) of the simulated blocks' exact intervals.",
            F64(|r| r.p95_interval_s),
        )
        .col(
            "max_interval_s",
            UNIT_SECONDS,
            "Longest exact interval of the simulated blocks.",
            F64(|r| r.max_interval_s),
        )
        .col(
            "blocks_per_day",
            "1/day",
            "Simulated blocks per day of simulated epoch time.",
            F64(|r| r.blocks_per_day),
        )
        .col(
            "miner_revenue_usd_per_day",
            "USD/day",
            "Subsidy + fees at each block's price per day of the epoch (the security budget).",
            F64(|r| r.miner_revenue_usd_per_day),
        )
        .col(
            "fee_share",
            UNIT_DIMENSIONLESS,
            "Fees over subsidy + fees of the epoch's simulated blocks.",
            F64(|r| r.fee_share),
        )
        .col(
            "difficulty_rule",
            UNIT_TEXT,
            "Rule that set next_bits: bitcoin, asert or lwma (under a per-block rule the epoch \
             is a reporting window of 2016 blocks and nothing is clamped).",
            Text(|r| r.difficulty_rule),
        )
        .extend(security::snapshot_columns())
}

/// The columns of `summary`.
pub fn summary() -> Columns<RunSummary> {
    Columns::<RunSummary>::new()
        .col(
            "run_id",
            UNIT_DIMENSIONLESS,
            "Run id (0 for a single `hashshift run`; the sweep's run id otherwise).",
            U64(|r| r.run_id),
        )
        .col(
            "seed",
            UNIT_DIMENSIONLESS,
            "Master seed of the run.",
            U64(|r| r.seed),
        )
        .col(
            "scenario",
            UNIT_TEXT,
            "Scenario name.",
            Text(|r| r.scenario.as_str()),
        )
        .time("start_time", "Scenario start (UTC).", |r| r.start_time_unix)
        .time("end_time", "Scenario end (horizon) (UTC).", |r| {
            r.end_time_unix
        })
        .col(
            "start_height",
            UNIT_DIMENSIONLESS,
            "Height of the first simulated block.",
            U64(|r| r.start_height),
        )
        .col(
            "end_height",
            UNIT_DIMENSIONLESS,
            "Height of the last simulated block (start_height - 1 if no block was found).",
            U64(|r| r.end_height),
        )
        .col(
            "blocks",
            UNIT_DIMENSIONLESS,
            "Blocks simulated.",
            U64(|r| r.blocks),
        )
        .col(
            "retargets",
            UNIT_DIMENSIONLESS,
            "Retargets performed.",
            U64(|r| r.retargets),
        )
        .col(
            "clamped_retargets",
            UNIT_DIMENSIONLESS,
            "Retargets whose timespan hit the 4x clamp.",
            U64(|r| r.clamped_retargets),
        )
        .col(
            "halvings",
            UNIT_DIMENSIONLESS,
            "Halvings crossed during the run.",
            U64(|r| r.halvings),
        )
        .col(
            "start_bits",
            UNIT_DIMENSIONLESS,
            "nBits in force at the start.",
            U32(|r| r.start_bits),
        )
        .col(
            "end_bits",
            UNIT_DIMENSIONLESS,
            "nBits in force at the end.",
            U32(|r| r.end_bits),
        )
        .col(
            "start_difficulty",
            UNIT_DIMENSIONLESS,
            "Difficulty at the start.",
            F64(|r| r.start_difficulty),
        )
        .col(
            "end_difficulty",
            UNIT_DIMENSIONLESS,
            "Difficulty at the end.",
            F64(|r| r.end_difficulty),
        )
        .col(
            "mean_interval_s",
            UNIT_SECONDS,
            "Mean exact block interval, seconds (NaN if no block).",
            F64(|r| r.mean_interval_s),
        )
        .col(
            "max_interval_s",
            UNIT_SECONDS,
            "Longest exact block interval, seconds (NaN if no block).",
            F64(|r| r.max_interval_s),
        )
        .col(
            "subsidy_issued_sat",
            UNIT_SAT,
            "Subsidy issued during the run, satoshi.",
            U64(|r| r.subsidy_issued_sat),
        )
        .col(
            "fees_paid_sat",
            UNIT_SAT,
            "Fees paid during the run, satoshi.",
            U64(|r| r.fees_paid_sat),
        )
        .extend(security::summary_columns())
}
