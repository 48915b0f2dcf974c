//! [`ParquetRecorder`]: streams simulation records into Parquet files.
//!
//! Per-block values are appended to preallocated column vectors (capacity [`BATCH_ROWS`]);
//! when they are full, the vectors are moved (no copy) into Arrow arrays, handed to the
//! Parquet encoder as one record batch, and replaced by fresh vectors of the same capacity.
//! So the per-block call only writes nine values into reserved memory, and memory stays
//! bounded by one batch plus one compressed row group whatever the run length.

use std::fmt;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, Int64Array, RecordBatch, StringArray,
    TimestampMillisecondArray, UInt32Array, UInt64Array,
};
use arrow_schema::{DataType, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{
    EnabledStatistics, WriterProperties, WriterVersion, DEFAULT_CREATED_BY,
};
use parquet::schema::types::ColumnPath;

use super::agents::AgentTables;
use super::daily::DailyTables;
use super::schema::{
    blocks_schema, epochs_schema, summary_schema, BLOCKS_TABLE, EPOCHS_TABLE, HS_PER_EHS,
    SUMMARY_TABLE,
};
use super::{OutputError, TableSelection};
use crate::record::{
    BlockRecord, DayRecord, EpochRecord, EventRecord, FirmMonthRecord, RecordError, Recorder,
    RegionDayRecord, RunMetadata, RunSummary,
};

/// File name of the blocks table.
pub const BLOCKS_FILE: &str = "blocks.parquet";
/// File name of the epochs table.
pub const EPOCHS_FILE: &str = "epochs.parquet";
/// File name of the summary table.
pub const SUMMARY_FILE: &str = "summary.parquet";

/// Key-value metadata key: hashshift version.
pub const KV_VERSION: &str = "hashshift.version";
/// Key-value metadata key: run id (decimal).
pub const KV_RUN_ID: &str = "hashshift.run_id";
/// Key-value metadata key: master seed (decimal).
pub const KV_SEED: &str = "hashshift.seed";
/// Key-value metadata key: scenario name.
pub const KV_SCENARIO_NAME: &str = "hashshift.scenario_name";
/// Key-value metadata key: the fully resolved scenario, as TOML.
pub const KV_SCENARIO: &str = "hashshift.scenario";
/// Key-value metadata key: table name (`blocks`, `epochs`, `summary`).
pub const KV_TABLE: &str = "hashshift.table";

/// Rows buffered per block batch (68 B per row: about 4.3 MiB of column data).
pub const BATCH_ROWS: usize = 64 * 1024;
/// Rows buffered per epoch batch (an epoch row is ~130 B; 4096 epochs ~ 8.3M blocks).
const EPOCH_BATCH_ROWS: usize = 4096;

/// Maximum rows per Parquet row group: 128 Ki rows = two block batches.
///
/// A row group is the unit readers parallelise over and skip with min/max statistics, and
/// the encoder holds one row group (compressed) in memory until it is flushed. 128 Ki rows
/// is ~2.5 years of blocks: a 20-year run gives ~8 row groups, so polars/DuckDB can scan it
/// on several threads and prune by `height`/`time`, while each column chunk is still large
/// (~1 MiB raw) for good compression and small footers. With 1 Mi rows most runs would be
/// a single row group (no read parallelism) and the writer would buffer ~8x more.
pub const MAX_ROW_GROUP_ROWS: usize = 2 * BATCH_ROWS;

/// ZSTD level 3 (zstd's own default). On the benchmark data level 1 was ~10% faster at
/// the same size; 3 is kept as the conventional, widely tested choice.
pub const ZSTD_LEVEL: i32 = 3;

/// Parquet encoding of a column of Arrow type `dt`, or `None` for the writer's default.
///
/// Chosen for speed and size on simulation output (measured on 1.05M blocks: about 40%
/// faster to write than dictionary + PLAIN, and 14% smaller, after ZSTD):
/// * integers and timestamps: `DELTA_BINARY_PACKED` (heights and times are monotone,
///   bits/subsidy constant over long runs, fees small: a few bits per value);
/// * floats: `BYTE_STREAM_SPLIT` (groups sign/exponent bytes so ZSTD finds them);
/// * dictionaries are off: after ZSTD they saved nothing here and cost ~15% of the time.
///
/// pyarrow, pandas, polars and DuckDB read both encodings (checked by
/// `.ci/check_outputs.py`); very old readers may not support `BYTE_STREAM_SPLIT`.
fn encoding_for(dt: &DataType) -> Option<Encoding> {
    match dt {
        DataType::UInt32
        | DataType::UInt64
        | DataType::Int32
        | DataType::Int64
        | DataType::Timestamp(..) => Some(Encoding::DELTA_BINARY_PACKED),
        DataType::Float32 | DataType::Float64 => Some(Encoding::BYTE_STREAM_SPLIT),
        _ => None,
    }
}

/// Writer properties of a table with `schema`: ZSTD level [`ZSTD_LEVEL`], chunk and page
/// statistics, [`MAX_ROW_GROUP_ROWS`], per-column encodings, the run's key-value metadata
/// (`hashshift.*`, with `hashshift.table` = `table`) and a constant `created_by`.
pub fn writer_properties(meta: &RunMetadata, table: &str, schema: &Schema) -> WriterProperties {
    writer_properties_with(table, run_key_values(meta, table), schema)
}

/// Writer properties as [`writer_properties`], with the key-value metadata `kv` (for tables
/// that do not belong to one run, like a sweep's `runs` table).
pub fn writer_properties_with(
    table: &str,
    kv: Vec<(String, String)>,
    schema: &Schema,
) -> WriterProperties {
    let mut builder = WriterProperties::builder()
        // Data page v1: readable by every Parquet reader.
        .set_writer_version(WriterVersion::PARQUET_1_0)
        .set_compression(Compression::ZSTD(
            ZstdLevel::try_new(ZSTD_LEVEL).expect("valid zstd level"),
        ))
        .set_statistics_enabled(EnabledStatistics::Page)
        .set_max_row_group_row_count(Some(MAX_ROW_GROUP_ROWS))
        .set_dictionary_enabled(false)
        // The default already is this constant ("parquet-rs version <crate version>");
        // set it explicitly so nothing run- or time-specific can ever end up in it.
        .set_created_by(DEFAULT_CREATED_BY.to_string())
        .set_key_value_metadata(Some(
            kv.into_iter().map(|(k, v)| KeyValue::new(k, v)).collect(),
        ));
    for f in schema.fields() {
        if let Some(enc) = encoding_for(f.data_type()) {
            builder = builder.set_column_encoding(ColumnPath::from(f.name().as_str()), enc);
        }
    }
    super::agents::tune(table, schema, builder).build()
}

/// The `hashshift.*` key-value pairs of a run's table `table`.
pub fn run_key_values(meta: &RunMetadata, table: &str) -> Vec<(String, String)> {
    [
        (KV_VERSION, meta.version.clone()),
        (KV_RUN_ID, meta.run_id.to_string()),
        (KV_SEED, meta.seed.to_string()),
        (KV_SCENARIO_NAME, meta.scenario_name.clone()),
        (KV_SCENARIO, meta.resolved_scenario_toml.clone()),
        (KV_TABLE, table.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

pub(super) fn secs_to_ms(unix_s: i64) -> i64 {
    // Saturates ~292 million years from 1970; simulated times are nowhere near.
    unix_s.saturating_mul(1000)
}

/// One Parquet file being written.
pub(super) struct TableFile {
    path: PathBuf,
    schema: SchemaRef,
    writer: ArrowWriter<File>,
}

impl TableFile {
    pub(super) fn create(
        dir: &Path,
        file_name: &str,
        table: &str,
        schema: SchemaRef,
        meta: &RunMetadata,
    ) -> Result<Self, OutputError> {
        let path = dir.join(file_name);
        // The run's key-value pairs also go on the Arrow schema, which is embedded in the
        // file (`ARROW:schema`): pyarrow and others take `schema.metadata` from there.
        let schema: SchemaRef = Arc::new(
            schema.as_ref().clone().with_metadata(
                run_key_values(meta, table)
                    .into_iter()
                    .collect::<std::collections::HashMap<_, _>>(),
            ),
        );
        let file = File::create(&path).map_err(|e| OutputError::io("creating", &path, e))?;
        let writer = ArrowWriter::try_new(
            file,
            schema.clone(),
            Some(writer_properties(meta, table, &schema)),
        )
        .map_err(|source| OutputError::Parquet {
            path: path.clone(),
            source,
        })?;
        Ok(TableFile {
            path,
            schema,
            writer,
        })
    }

    pub(super) fn write(&mut self, columns: Vec<ArrayRef>) -> Result<(), OutputError> {
        let batch = RecordBatch::try_new(self.schema.clone(), columns).map_err(|source| {
            OutputError::Arrow {
                path: self.path.clone(),
                source,
            }
        })?;
        self.writer
            .write(&batch)
            .map_err(|source| OutputError::Parquet {
                path: self.path.clone(),
                source,
            })
    }

    /// Writes the footer, flushes and fsyncs the file.
    pub(super) fn finish(self) -> Result<(), OutputError> {
        let TableFile { path, writer, .. } = self;
        let file = writer.into_inner().map_err(|source| OutputError::Parquet {
            path: path.clone(),
            source,
        })?;
        file.sync_all()
            .map_err(|e| OutputError::io("syncing", &path, e))
    }
}

/// Moves `v` out (as an Arrow buffer, no copy), leaving an empty vector of `capacity`.
pub(super) fn take<T>(v: &mut Vec<T>, capacity: usize) -> Vec<T> {
    std::mem::replace(v, Vec::with_capacity(capacity))
}

/// Column buffers of the `blocks` table, in schema order.
struct BlockColumns {
    height: Vec<u64>,
    time_ms: Vec<i64>,
    interval_s: Vec<f64>,
    bits: Vec<u32>,
    difficulty: Vec<f64>,
    hashrate_ehs: Vec<f64>,
    subsidy_sat: Vec<u64>,
    fees_sat: Vec<u64>,
    price_usd: Vec<f64>,
}

impl BlockColumns {
    fn with_capacity(n: usize) -> Self {
        BlockColumns {
            height: Vec::with_capacity(n),
            time_ms: Vec::with_capacity(n),
            interval_s: Vec::with_capacity(n),
            bits: Vec::with_capacity(n),
            difficulty: Vec::with_capacity(n),
            hashrate_ehs: Vec::with_capacity(n),
            subsidy_sat: Vec::with_capacity(n),
            fees_sat: Vec::with_capacity(n),
            price_usd: Vec::with_capacity(n),
        }
    }

    fn len(&self) -> usize {
        self.height.len()
    }

    #[inline]
    fn push(&mut self, r: &BlockRecord) {
        self.height.push(r.height);
        self.time_ms.push(secs_to_ms(r.time_unix));
        self.interval_s.push(r.interval_s);
        self.bits.push(r.bits);
        self.difficulty.push(r.difficulty);
        self.hashrate_ehs.push(r.hashrate_hs / HS_PER_EHS);
        self.subsidy_sat.push(r.subsidy_sat);
        self.fees_sat.push(r.fees_sat);
        self.price_usd.push(r.price_usd);
    }

    fn take_arrays(&mut self, next_capacity: usize) -> Vec<ArrayRef> {
        let n = next_capacity;
        vec![
            Arc::new(UInt64Array::from(take(&mut self.height, n))),
            Arc::new(
                TimestampMillisecondArray::from(take(&mut self.time_ms, n)).with_timezone("UTC"),
            ),
            Arc::new(Float64Array::from(take(&mut self.interval_s, n))),
            Arc::new(UInt32Array::from(take(&mut self.bits, n))),
            Arc::new(Float64Array::from(take(&mut self.difficulty, n))),
            Arc::new(Float64Array::from(take(&mut self.hashrate_ehs, n))),
            Arc::new(UInt64Array::from(take(&mut self.subsidy_sat, n))),
            Arc::new(UInt64Array::from(take(&mut self.fees_sat, n))),
            Arc::new(Float64Array::from(take(&mut self.price_usd, n))),
        ]
    }
}

/// The `epochs` table's rows not yet written.
struct EpochColumns {
    rows: Vec<EpochRecord>,
}

impl EpochColumns {
    fn with_capacity(n: usize) -> Self {
        EpochColumns {
            rows: Vec::with_capacity(n),
        }
    }

    fn len(&self) -> usize {
        self.rows.len()
    }

    fn push(&mut self, r: &EpochRecord) {
        self.rows.push(*r);
    }

    /// The buffered rows as arrays in schema order; the buffer is emptied.
    fn take_arrays(&mut self) -> Vec<ArrayRef> {
        let d = &self.rows;
        let u64s = |f: fn(&EpochRecord) -> u64| -> ArrayRef {
            Arc::new(UInt64Array::from_iter_values(d.iter().map(f)))
        };
        let i64s = |f: fn(&EpochRecord) -> i64| -> ArrayRef {
            Arc::new(Int64Array::from_iter_values(d.iter().map(f)))
        };
        let u32s = |f: fn(&EpochRecord) -> u32| -> ArrayRef {
            Arc::new(UInt32Array::from_iter_values(d.iter().map(f)))
        };
        let f64s = |f: fn(&EpochRecord) -> f64| -> ArrayRef {
            Arc::new(Float64Array::from_iter_values(d.iter().map(f)))
        };
        let times = |f: fn(&EpochRecord) -> i64| -> ArrayRef {
            Arc::new(
                TimestampMillisecondArray::from_iter_values(d.iter().map(|r| secs_to_ms(f(r))))
                    .with_timezone("UTC"),
            )
        };
        let mut cols = vec![
            u64s(|r| r.epoch),
            u64s(|r| r.start_height),
            u64s(|r| r.end_height),
            times(|r| r.first_block_time_unix),
            times(|r| r.last_block_time_unix),
            i64s(|r| r.timespan_s),
            i64s(|r| r.timespan_clamped_s),
            Arc::new(BooleanArray::from_iter(d.iter().map(|r| Some(r.clamped)))),
            u32s(|r| r.bits),
            u32s(|r| r.next_bits),
            f64s(|r| r.difficulty),
            f64s(|r| r.next_difficulty),
            f64s(|r| r.difficulty_change_pct),
            u64s(|r| r.blocks_simulated),
            f64s(|r| r.mean_interval_s),
            f64s(|r| r.mean_hashrate_hs / HS_PER_EHS),
            f64s(|r| r.implied_hashrate_hs / HS_PER_EHS),
            f64s(|r| r.p95_interval_s),
            f64s(|r| r.max_interval_s),
            f64s(|r| r.blocks_per_day),
            f64s(|r| r.miner_revenue_usd_per_day),
            f64s(|r| r.fee_share),
            Arc::new(StringArray::from_iter_values(
                d.iter().map(|r| r.difficulty_rule),
            )),
        ];
        cols.extend(super::security::security_arrays(
            d.iter().map(|r| &r.security),
        ));
        self.rows.clear();
        cols
    }
}

fn summary_arrays(s: &RunSummary) -> Vec<ArrayRef> {
    let u64a = |v: u64| -> ArrayRef { Arc::new(UInt64Array::from(vec![v])) };
    let u32a = |v: u32| -> ArrayRef { Arc::new(UInt32Array::from(vec![v])) };
    let f64a = |v: f64| -> ArrayRef { Arc::new(Float64Array::from(vec![v])) };
    let ts = |v: i64| -> ArrayRef {
        Arc::new(TimestampMillisecondArray::from(vec![secs_to_ms(v)]).with_timezone("UTC"))
    };
    vec![
        u64a(s.run_id),
        u64a(s.seed),
        Arc::new(StringArray::from(vec![s.scenario.as_str()])),
        ts(s.start_time_unix),
        ts(s.end_time_unix),
        u64a(s.start_height),
        u64a(s.end_height),
        u64a(s.blocks),
        u64a(s.retargets),
        u64a(s.clamped_retargets),
        u64a(s.halvings),
        u32a(s.start_bits),
        u32a(s.end_bits),
        f64a(s.start_difficulty),
        f64a(s.end_difficulty),
        f64a(s.mean_interval_s),
        f64a(s.max_interval_s),
        u64a(s.subsidy_issued_sat),
        u64a(s.fees_paid_sat),
    ]
    .into_iter()
    .chain(super::security::summary_security_arrays(&s.security))
    .collect()
}

/// A [`Recorder`] writing `blocks.parquet`, `epochs.parquet` (each if selected) and
/// `summary.parquet` into a folder (normally [`super::RunDir::path`]).
///
/// Call [`ParquetRecorder::finish`] after the run; a recorder dropped without it leaves
/// truncated files behind (which a dropped, uncommitted `RunDir` then removes).
pub struct ParquetRecorder {
    blocks: Option<(BlockColumns, TableFile)>,
    epochs: Option<(EpochColumns, TableFile)>,
    summary: TableFile,
    summary_written: bool,
    daily: DailyTables,
    agents: AgentTables,
}

impl fmt::Debug for ParquetRecorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParquetRecorder")
            .field(
                "blocks",
                &self.blocks.as_ref().map(|(c, t)| (&t.path, c.len())),
            )
            .field(
                "epochs",
                &self.epochs.as_ref().map(|(c, t)| (&t.path, c.len())),
            )
            .field("summary", &self.summary.path)
            .field("summary_written", &self.summary_written)
            .finish()
    }
}

impl ParquetRecorder {
    /// Creates the selected table files in `dir` (which must exist) and writes their
    /// headers. `summary.parquet` is always created.
    pub fn create(
        dir: &Path,
        meta: &RunMetadata,
        tables: TableSelection,
    ) -> Result<Self, OutputError> {
        let blocks = if tables.blocks {
            Some((
                BlockColumns::with_capacity(BATCH_ROWS),
                TableFile::create(dir, BLOCKS_FILE, BLOCKS_TABLE, blocks_schema(), meta)?,
            ))
        } else {
            None
        };
        let epochs = if tables.epochs {
            Some((
                EpochColumns::with_capacity(EPOCH_BATCH_ROWS),
                TableFile::create(dir, EPOCHS_FILE, EPOCHS_TABLE, epochs_schema(), meta)?,
            ))
        } else {
            None
        };
        let summary = TableFile::create(dir, SUMMARY_FILE, SUMMARY_TABLE, summary_schema(), meta)?;
        let daily = DailyTables::create(dir, meta)?;
        let agents = AgentTables::create(dir, meta, tables)?;
        Ok(ParquetRecorder {
            agents,
            blocks,
            epochs,
            summary,
            summary_written: false,
            daily,
        })
    }

    /// Which tables this recorder writes.
    pub fn tables(&self) -> TableSelection {
        TableSelection {
            blocks: self.blocks.is_some(),
            epochs: self.epochs.is_some(),
            firms: self.agents.writes_firms(),
            events: self.agents.writes_events(),
        }
    }

    /// Records one block (the [`Recorder::block`] body, with the typed error).
    #[inline]
    pub fn push_block(&mut self, rec: &BlockRecord) -> Result<(), OutputError> {
        if let Some((cols, file)) = &mut self.blocks {
            cols.push(rec);
            if cols.len() == BATCH_ROWS {
                file.write(cols.take_arrays(BATCH_ROWS))?;
            }
        }
        Ok(())
    }

    /// Records one completed epoch (the [`Recorder::epoch`] body, with the typed error).
    pub fn push_epoch(&mut self, rec: &EpochRecord) -> Result<(), OutputError> {
        if let Some((cols, file)) = &mut self.epochs {
            cols.push(rec);
            if cols.len() == EPOCH_BATCH_ROWS {
                file.write(cols.take_arrays())?;
            }
        }
        Ok(())
    }

    /// Records the run summary (the [`Recorder::summary`] body, with the typed error).
    /// Only one summary may be recorded.
    pub fn push_summary(&mut self, rec: &RunSummary) -> Result<(), OutputError> {
        if self.summary_written {
            return Err(OutputError::DuplicateSummary {
                path: self.summary.path.clone(),
            });
        }
        self.summary.write(summary_arrays(rec))?;
        self.summary_written = true;
        Ok(())
    }

    /// Flushes the buffered rows, writes the footers and fsyncs every file. Fails (without
    /// finishing any file) if the summary was not recorded.
    pub fn finish(self) -> Result<(), OutputError> {
        if !self.summary_written {
            return Err(OutputError::MissingSummary {
                path: self.summary.path.clone(),
            });
        }
        if let Some((mut cols, mut file)) = self.blocks {
            if cols.len() > 0 {
                file.write(cols.take_arrays(0))?;
            }
            file.finish()?;
        }
        if let Some((mut cols, mut file)) = self.epochs {
            if cols.len() > 0 {
                file.write(cols.take_arrays())?;
            }
            file.finish()?;
        }
        self.daily.finish()?;
        self.agents.finish()?;
        self.summary.finish()
    }
}

impl Recorder for ParquetRecorder {
    #[inline]
    fn block(&mut self, rec: &BlockRecord) -> Result<(), RecordError> {
        self.push_block(rec).map_err(RecordError::new)
    }

    fn epoch(&mut self, rec: &EpochRecord) -> Result<(), RecordError> {
        self.push_epoch(rec).map_err(RecordError::new)
    }

    fn day(&mut self, rec: &DayRecord) -> Result<(), RecordError> {
        self.daily.push_day(rec).map_err(RecordError::new)
    }

    fn region_day(&mut self, rec: &RegionDayRecord) -> Result<(), RecordError> {
        self.daily.push_region_day(rec).map_err(RecordError::new)
    }

    fn firm_month(&mut self, rec: &FirmMonthRecord) -> Result<(), RecordError> {
        self.agents.push_firm(rec).map_err(RecordError::new)
    }

    fn event(&mut self, rec: &EventRecord) -> Result<(), RecordError> {
        self.agents.push_event(rec).map_err(RecordError::new)
    }

    fn summary(&mut self, rec: &RunSummary) -> Result<(), RecordError> {
        self.push_summary(rec).map_err(RecordError::new)
    }
}
