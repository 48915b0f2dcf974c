//! The fixed Arrow schemas of the output tables (`blocks`, `epochs`, `summary`).
//!
//! Every field carries two metadata entries:
//!
//! * [`UNIT_KEY`] (`unit`): the physical unit, one of the `UNIT_*` constants of this module
//!   (`"1"` for dimensionless quantities, counts, indices and flags);
//! * [`DESCRIPTION_KEY`] (`description`): a one-sentence description (the doc comment of the
//!   corresponding field in [`crate::record`], adapted where the unit is converted).
//!
//! Timestamps are `Timestamp(Millisecond, "UTC")`. The records hold whole unix seconds, but
//! Parquet has no second-resolution timestamp logical type: an Arrow `Timestamp(Second, _)`
//! column is written as a bare INT64, which pandas/polars/DuckDB then read as an integer.
//! Milliseconds map onto `TIMESTAMP(MILLIS, isAdjustedToUTC = true)`, which every reader
//! recognises as a UTC instant; the values are exact (seconds x 1000).
//!
//! Hashrates are stored in EH/s (1e18 H/s) for readability; the records carry H/s.

use std::sync::{Arc, OnceLock};

use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// Field metadata key holding the unit.
pub const UNIT_KEY: &str = "unit";
/// Field metadata key holding the description.
pub const DESCRIPTION_KEY: &str = "description";

/// Unit of durations: seconds.
pub const UNIT_SECONDS: &str = "s";
/// Unit of amounts of bitcoin: satoshi (1e-8 BTC).
pub const UNIT_SAT: &str = "sat";
/// Unit of prices: US dollars per bitcoin.
pub const UNIT_USD_PER_BTC: &str = "USD/BTC";
/// Unit of hashrates: exahashes per second (1e18 H/s).
pub const UNIT_EHS: &str = "EH/s";
/// Unit of relative changes: percent.
pub const UNIT_PERCENT: &str = "%";
/// Unit of dimensionless quantities, counts, indices, flags and compact encodings.
pub const UNIT_DIMENSIONLESS: &str = "1";
/// Unit of instants (timestamp columns).
pub const UNIT_UNIX_TIME_UTC: &str = "unix time, UTC";
/// Unit of free text (no physical unit).
pub const UNIT_TEXT: &str = "text";

/// Name of the per-block table (file `blocks.parquet`).
pub const BLOCKS_TABLE: &str = "blocks";
/// Name of the per-epoch table (file `epochs.parquet`).
pub const EPOCHS_TABLE: &str = "epochs";
/// Name of the one-row summary table (file `summary.parquet`).
pub const SUMMARY_TABLE: &str = "summary";

/// Hashes per second in one EH/s.
pub const HS_PER_EHS: f64 = 1e18;

/// The Arrow type of every timestamp column.
pub fn timestamp_type() -> DataType {
    DataType::Timestamp(TimeUnit::Millisecond, Some(Arc::from("UTC")))
}

pub(super) fn field(name: &str, data_type: DataType, unit: &str, description: &str) -> Field {
    Field::new(name, data_type, false)
        .with_metadata([(UNIT_KEY, unit), (DESCRIPTION_KEY, description)])
}

pub(super) fn u64_field(name: &str, unit: &str, description: &str) -> Field {
    field(name, DataType::UInt64, unit, description)
}

pub(super) fn u32_field(name: &str, unit: &str, description: &str) -> Field {
    field(name, DataType::UInt32, unit, description)
}

pub(super) fn i64_field(name: &str, unit: &str, description: &str) -> Field {
    field(name, DataType::Int64, unit, description)
}

pub(super) fn f64_field(name: &str, unit: &str, description: &str) -> Field {
    field(name, DataType::Float64, unit, description)
}

pub(super) fn time_field(name: &str, description: &str) -> Field {
    field(name, timestamp_type(), UNIT_UNIX_TIME_UTC, description)
}

/// Schema of the `blocks` table: one row per mined block, in height order.
pub fn blocks_schema() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            Arc::new(Schema::new(vec![
                u64_field("height", UNIT_DIMENSIONLESS, "Block height."),
                time_field(
                    "time",
                    "Header timestamp (UTC): scenario start + floor(simulation clock).",
                ),
                f64_field(
                    "interval_s",
                    UNIT_SECONDS,
                    "Exact simulated time since the previous block (or since the run start for \
                     the first simulated block), seconds.",
                ),
                u32_field(
                    "bits",
                    UNIT_DIMENSIONLESS,
                    "Compact target (nBits) this block was mined at.",
                ),
                f64_field(
                    "difficulty",
                    UNIT_DIMENSIONLESS,
                    "Difficulty of `bits` (Bitcoin Core GetDifficulty), dimensionless.",
                ),
                f64_field(
                    "hashrate_ehs",
                    UNIT_EHS,
                    "Network hashrate in force when the block was found, EH/s (1e18 hashes per \
                     second).",
                ),
                u64_field("subsidy_sat", UNIT_SAT, "Block subsidy, satoshi."),
                u64_field(
                    "fees_sat",
                    UNIT_SAT,
                    "Transaction fees paid to the miner, satoshi.",
                ),
                f64_field(
                    "price_usd",
                    UNIT_USD_PER_BTC,
                    "BTC price when the block was found, USD per BTC.",
                ),
            ]))
        })
        .clone()
}

/// Schema of the `epochs` table: one row per completed difficulty epoch (2016 blocks).
pub fn epochs_schema() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            Arc::new(Schema::new(
                vec![
                u64_field(
                    "epoch",
                    UNIT_DIMENSIONLESS,
                    "Epoch index = start_height / 2016.",
                ),
                u64_field(
                    "start_height",
                    UNIT_DIMENSIONLESS,
                    "Height of the epoch's first block.",
                ),
                u64_field(
                    "end_height",
                    UNIT_DIMENSIONLESS,
                    "Height of the epoch's last block (start_height + 2015).",
                ),
                time_field(
                    "first_block_time",
                    "Header time of the epoch's first block (UTC).",
                ),
                time_field(
                    "last_block_time",
                    "Header time of the epoch's last block (UTC).",
                ),
                i64_field(
                    "timespan_s",
                    UNIT_SECONDS,
                    "Measured timespan last - first (2015 intervals, the consensus quirk), \
                     seconds.",
                ),
                i64_field(
                    "timespan_clamped_s",
                    UNIT_SECONDS,
                    "Timespan after the [302,400, 4,838,400] s clamp, seconds.",
                ),
                field(
                    "clamped",
                    DataType::Boolean,
                    UNIT_DIMENSIONLESS,
                    "Whether the clamp changed the timespan (a 4x-limited retarget).",
                ),
                u32_field(
                    "bits",
                    UNIT_DIMENSIONLESS,
                    "nBits in force during this epoch.",
                ),
                u32_field(
                    "next_bits",
                    UNIT_DIMENSIONLESS,
                    "nBits of the next epoch (result of the retarget).",
                ),
                f64_field(
                    "difficulty",
                    UNIT_DIMENSIONLESS,
                    "Difficulty during this epoch.",
                ),
                f64_field(
                    "next_difficulty",
                    UNIT_DIMENSIONLESS,
                    "Difficulty of the next epoch.",
                ),
                f64_field(
                    "difficulty_change_pct",
                    UNIT_PERCENT,
                    "Relative change next/this - 1, percent.",
                ),
                u64_field(
                    "blocks_simulated",
                    UNIT_DIMENSIONLESS,
                    "Number of blocks of this epoch simulated in this run (2016 unless the run \
                     started mid-epoch).",
                ),
                f64_field(
                    "mean_interval_s",
                    UNIT_SECONDS,
                    "Mean exact interval over the simulated blocks of the epoch, seconds.",
                ),
                f64_field(
                    "mean_hashrate_ehs",
                    UNIT_EHS,
                    "Time-weighted mean network hashrate over the simulated part of the epoch, \
                     EH/s.",
                ),
                f64_field(
                    "implied_hashrate_ehs",
                    UNIT_EHS,
                    "Hashrate implied by this epoch's difficulty, difficulty x 2^32 / 600, EH/s.",
                ),
                f64_field(
                    "p95_interval_s",
                    UNIT_SECONDS,
                    "95th percentile (nearest rank) of the simulated blocks' exact intervals.",
                ),
                f64_field(
                    "max_interval_s",
                    UNIT_SECONDS,
                    "Longest exact interval of the simulated blocks.",
                ),
                f64_field(
                    "blocks_per_day",
                    "1/day",
                    "Simulated blocks per day of simulated epoch time.",
                ),
                f64_field(
                    "miner_revenue_usd_per_day",
                    "USD/day",
                    "Subsidy + fees at each block's price per day of the epoch (the security \
                     budget).",
                ),
                f64_field(
                    "fee_share",
                    UNIT_DIMENSIONLESS,
                    "Fees over subsidy + fees of the epoch's simulated blocks.",
                ),
                field(
                    "difficulty_rule",
                    DataType::Utf8,
                    UNIT_TEXT,
                    "Rule that set next_bits: bitcoin, asert or lwma (under a per-block rule \
                     the epoch is a reporting window of 2016 blocks and nothing is clamped).",
                ),
            ]
                .into_iter()
                .chain(super::security::security_fields())
                .collect::<Vec<_>>(),
            ))
        })
        .clone()
}

/// Schema of the `summary` table: the single row of headline numbers of a run.
pub fn summary_schema() -> SchemaRef {
    static SCHEMA: OnceLock<SchemaRef> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            Arc::new(Schema::new(
                vec![
                    u64_field(
                        "run_id",
                        UNIT_DIMENSIONLESS,
                        "Run id (0 for a single `hashshift run`; the sweep's run id otherwise).",
                    ),
                    u64_field("seed", UNIT_DIMENSIONLESS, "Master seed of the run."),
                    field("scenario", DataType::Utf8, UNIT_TEXT, "Scenario name."),
                    time_field("start_time", "Scenario start (UTC)."),
                    time_field("end_time", "Scenario end (horizon) (UTC)."),
                    u64_field(
                        "start_height",
                        UNIT_DIMENSIONLESS,
                        "Height of the first simulated block.",
                    ),
                    u64_field(
                        "end_height",
                        UNIT_DIMENSIONLESS,
                        "Height of the last simulated block (start_height - 1 if no block was \
                     found).",
                    ),
                    u64_field("blocks", UNIT_DIMENSIONLESS, "Blocks simulated."),
                    u64_field("retargets", UNIT_DIMENSIONLESS, "Retargets performed."),
                    u64_field(
                        "clamped_retargets",
                        UNIT_DIMENSIONLESS,
                        "Retargets whose timespan hit the 4x clamp.",
                    ),
                    u64_field(
                        "halvings",
                        UNIT_DIMENSIONLESS,
                        "Halvings crossed during the run.",
                    ),
                    u32_field(
                        "start_bits",
                        UNIT_DIMENSIONLESS,
                        "nBits in force at the start.",
                    ),
                    u32_field("end_bits", UNIT_DIMENSIONLESS, "nBits in force at the end."),
                    f64_field(
                        "start_difficulty",
                        UNIT_DIMENSIONLESS,
                        "Difficulty at the start.",
                    ),
                    f64_field(
                        "end_difficulty",
                        UNIT_DIMENSIONLESS,
                        "Difficulty at the end.",
                    ),
                    f64_field(
                        "mean_interval_s",
                        UNIT_SECONDS,
                        "Mean exact block interval, seconds (NaN if no block).",
                    ),
                    f64_field(
                        "max_interval_s",
                        UNIT_SECONDS,
                        "Longest exact block interval, seconds (NaN if no block).",
                    ),
                    u64_field(
                        "subsidy_issued_sat",
                        UNIT_SAT,
                        "Subsidy issued during the run, satoshi.",
                    ),
                    u64_field(
                        "fees_paid_sat",
                        UNIT_SAT,
                        "Fees paid during the run, satoshi.",
                    ),
                ]
                .into_iter()
                .chain(super::security::summary_security_fields())
                .collect::<Vec<_>>(),
            ))
        })
        .clone()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_field_has_unit_and_description_and_is_required() {
        // The tables whose every column is required but for the security metrics (the daily,
        // agent and region tables have more nullable columns, documented as such).
        let required = [
            (BLOCKS_TABLE, blocks_schema()),
            (EPOCHS_TABLE, epochs_schema()),
            (SUMMARY_TABLE, summary_schema()),
        ];
        for (table, schema) in required {
            assert!(!schema.fields().is_empty(), "{table}");
            for f in schema.fields() {
                let md = f.metadata();
                assert!(
                    md.get(UNIT_KEY).is_some_and(|u| !u.is_empty()),
                    "{table}.{} lacks a unit",
                    f.name()
                );
                assert!(
                    md.get(DESCRIPTION_KEY).is_some_and(|d| !d.is_empty()),
                    "{table}.{} lacks a description",
                    f.name()
                );
                // Only the security metrics may be null (where a run cannot compute them).
                let security = super::super::security::security_fields();
                assert!(
                    !f.is_nullable() || security.iter().any(|s| s.name() == f.name()),
                    "{table}.{} is nullable",
                    f.name()
                );
                if matches!(f.data_type(), DataType::Timestamp(..)) {
                    assert_eq!(md[UNIT_KEY], UNIT_UNIX_TIME_UTC);
                }
            }
        }
    }

    #[test]
    fn schemas_are_cached_and_stable() {
        assert!(Arc::ptr_eq(&blocks_schema(), &blocks_schema()));
        assert_eq!(blocks_schema().fields().len(), 9);
        assert_eq!(epochs_schema().fields().len(), 38);
        assert_eq!(summary_schema().fields().len(), 27);
        assert_eq!(
            blocks_schema().field_with_name("time").unwrap().data_type(),
            &timestamp_type()
        );
    }
}
