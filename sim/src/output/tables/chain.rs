//! The columns of the chain's tables: `blocks` (one row per block), `epochs` (one row per
//! completed difficulty epoch) and `summary` (the run's single row).

use super::super::columns::{ColumnList, Columns};
use super::super::schema::{
    HS_PER_EHS, UNIT_DIMENSIONLESS, UNIT_EHS, UNIT_PERCENT, UNIT_SAT, UNIT_SECONDS, UNIT_TEXT,
    UNIT_USD_PER_BTC,
};
use super::security;
use crate::record::{BlockRecord, EpochRecord, RunSummary};

/// The columns of `blocks`.
pub fn blocks() -> Box<dyn ColumnList<BlockRecord>> {
    let columns = Columns::<BlockRecord>::new()
        .u64("height", UNIT_DIMENSIONLESS, "Block height.", |r| r.height)
        .time(
            "time",
            "Header timestamp (UTC): scenario start + floor(simulation clock).",
            |r| r.time_unix,
        )
        .f64(
            "interval_s",
            UNIT_SECONDS,
            "Exact simulated time since the previous block (or since the run start for the \
             first simulated block), seconds.",
            |r| r.interval_s,
        )
        .u32(
            "bits",
            UNIT_DIMENSIONLESS,
            "Compact target (nBits) this block was mined at.",
            |r| r.bits,
        )
        .f64(
            "difficulty",
            UNIT_DIMENSIONLESS,
            "Difficulty of `bits` (Bitcoin Core GetDifficulty), dimensionless.",
            |r| r.difficulty,
        )
        .f64(
            "hashrate_ehs",
            UNIT_EHS,
            "Network hashrate in force when the block was found, EH/s (1e18 hashes per \
             second).",
            |r| r.hashrate_hs / HS_PER_EHS,
        )
        .u64("subsidy_sat", UNIT_SAT, "Block subsidy, satoshi.", |r| {
            r.subsidy_sat
        })
        .u64(
            "fees_sat",
            UNIT_SAT,
            "Transaction fees paid to the miner, satoshi.",
            |r| r.fees_sat,
        )
        .f64(
            "price_usd",
            UNIT_USD_PER_BTC,
            "BTC price when the block was found, USD per BTC.",
            |r| r.price_usd,
        );
    Box::new(columns)
}

/// The columns of `epochs`.
pub fn epochs() -> Box<dyn ColumnList<EpochRecord>> {
    let columns = Columns::<EpochRecord>::new()
        .u64(
            "epoch",
            UNIT_DIMENSIONLESS,
            "Epoch index = start_height / 2016.",
            |r| r.epoch,
        )
        .u64(
            "start_height",
            UNIT_DIMENSIONLESS,
            "Height of the epoch's first block.",
            |r| r.start_height,
        )
        .u64(
            "end_height",
            UNIT_DIMENSIONLESS,
            "Height of the epoch's last block (start_height + 2015).",
            |r| r.end_height,
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
        .i64(
            "timespan_s",
            UNIT_SECONDS,
            "Measured timespan last - first (2015 intervals, the consensus quirk), seconds.",
            |r| r.timespan_s,
        )
        .i64(
            "timespan_clamped_s",
            UNIT_SECONDS,
            "Timespan after the [302,400, 4,838,400] s clamp, seconds.",
            |r| r.timespan_clamped_s,
        )
        .bool(
            "clamped",
            UNIT_DIMENSIONLESS,
            "Whether the clamp changed the timespan (a 4x-limited retarget).",
            |r| r.clamped,
        )
        .u32(
            "bits",
            UNIT_DIMENSIONLESS,
            "nBits in force during this epoch.",
            |r| r.bits,
        )
        .u32(
            "next_bits",
            UNIT_DIMENSIONLESS,
            "nBits of the next epoch (result of the retarget).",
            |r| r.next_bits,
        )
        .f64(
            "difficulty",
            UNIT_DIMENSIONLESS,
            "Difficulty during this epoch.",
            |r| r.difficulty,
        )
        .f64(
            "next_difficulty",
            UNIT_DIMENSIONLESS,
            "Difficulty of the next epoch.",
            |r| r.next_difficulty,
        )
        .f64(
            "difficulty_change_pct",
            UNIT_PERCENT,
            "Relative change next/this - 1, percent.",
            |r| r.difficulty_change_pct,
        )
        .u64(
            "blocks_simulated",
            UNIT_DIMENSIONLESS,
            "Number of blocks of this epoch simulated in this run (2016 unless the run started \
             mid-epoch).",
            |r| r.blocks_simulated,
        )
        .f64(
            "mean_interval_s",
            UNIT_SECONDS,
            "Mean exact interval over the simulated blocks of the epoch, seconds.",
            |r| r.mean_interval_s,
        )
        .f64(
            "mean_hashrate_ehs",
            UNIT_EHS,
            "Time-weighted mean network hashrate over the simulated part of the epoch, EH/s.",
            |r| r.mean_hashrate_hs / HS_PER_EHS,
        )
        .f64(
            "implied_hashrate_ehs",
            UNIT_EHS,
            "Hashrate implied by this epoch's difficulty, difficulty x 2^32 / 600, EH/s.",
            |r| r.implied_hashrate_hs / HS_PER_EHS,
        )
        .f64(
            "p95_interval_s",
            UNIT_SECONDS,
            "95th percentile (nearest rank) of the simulated blocks' exact intervals.",
            |r| r.p95_interval_s,
        )
        .f64(
            "max_interval_s",
            UNIT_SECONDS,
            "Longest exact interval of the simulated blocks.",
            |r| r.max_interval_s,
        )
        .f64(
            "blocks_per_day",
            "1/day",
            "Simulated blocks per day of simulated epoch time.",
            |r| r.blocks_per_day,
        )
        .f64(
            "miner_revenue_usd_per_day",
            "USD/day",
            "Subsidy + fees at each block's price per day of the epoch (the security budget).",
            |r| r.miner_revenue_usd_per_day,
        )
        .f64(
            "fee_share",
            UNIT_DIMENSIONLESS,
            "Fees over subsidy + fees of the epoch's simulated blocks.",
            |r| r.fee_share,
        )
        .text(
            "difficulty_rule",
            UNIT_TEXT,
            "Rule that set next_bits: bitcoin, asert or lwma (under a per-block rule the epoch \
             is a reporting window of 2016 blocks and nothing is clamped).",
            |r| r.difficulty_rule,
        )
        .then(security::snapshot_columns);
    Box::new(columns)
}

/// The columns of `summary`.
pub fn summary() -> Box<dyn ColumnList<RunSummary>> {
    let columns = Columns::<RunSummary>::new()
        .u64(
            "run_id",
            UNIT_DIMENSIONLESS,
            "Run id (0 for a single `hashshift run`; the sweep's run id otherwise).",
            |r| r.run_id,
        )
        .u64("seed", UNIT_DIMENSIONLESS, "Master seed of the run.", |r| {
            r.seed
        })
        .text("scenario", UNIT_TEXT, "Scenario name.", |r| {
            r.scenario.as_str()
        })
        .time("start_time", "Scenario start (UTC).", |r| r.start_time_unix)
        .time("end_time", "Scenario end (horizon) (UTC).", |r| {
            r.end_time_unix
        })
        .u64(
            "start_height",
            UNIT_DIMENSIONLESS,
            "Height of the first simulated block.",
            |r| r.start_height,
        )
        .u64(
            "end_height",
            UNIT_DIMENSIONLESS,
            "Height of the last simulated block (start_height - 1 if no block was found).",
            |r| r.end_height,
        )
        .u64("blocks", UNIT_DIMENSIONLESS, "Blocks simulated.", |r| {
            r.blocks
        })
        .u64(
            "retargets",
            UNIT_DIMENSIONLESS,
            "Retargets performed.",
            |r| r.retargets,
        )
        .u64(
            "clamped_retargets",
            UNIT_DIMENSIONLESS,
            "Retargets whose timespan hit the 4x clamp.",
            |r| r.clamped_retargets,
        )
        .u64(
            "halvings",
            UNIT_DIMENSIONLESS,
            "Halvings crossed during the run.",
            |r| r.halvings,
        )
        .u32(
            "start_bits",
            UNIT_DIMENSIONLESS,
            "nBits in force at the start.",
            |r| r.start_bits,
        )
        .u32(
            "end_bits",
            UNIT_DIMENSIONLESS,
            "nBits in force at the end.",
            |r| r.end_bits,
        )
        .f64(
            "start_difficulty",
            UNIT_DIMENSIONLESS,
            "Difficulty at the start.",
            |r| r.start_difficulty,
        )
        .f64(
            "end_difficulty",
            UNIT_DIMENSIONLESS,
            "Difficulty at the end.",
            |r| r.end_difficulty,
        )
        .f64(
            "mean_interval_s",
            UNIT_SECONDS,
            "Mean exact block interval, seconds (NaN if no block).",
            |r| r.mean_interval_s,
        )
        .f64(
            "max_interval_s",
            UNIT_SECONDS,
            "Longest exact block interval, seconds (NaN if no block).",
            |r| r.max_interval_s,
        )
        .u64(
            "subsidy_issued_sat",
            UNIT_SAT,
            "Subsidy issued during the run, satoshi.",
            |r| r.subsidy_issued_sat,
        )
        .u64(
            "fees_paid_sat",
            UNIT_SAT,
            "Fees paid during the run, satoshi.",
            |r| r.fees_paid_sat,
        )
        .then(security::summary_columns);
    Box::new(columns)
}
