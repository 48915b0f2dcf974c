//! [`ParquetRecorder`]: streams simulation records into Parquet files, one
//! [`TableWriter`] per table of the registry ([`super::tables`]).
//!
//! Each record is appended column by column to preallocated buffers (capacity: the table's
//! batch size, [`super::tables::BATCH_ROWS`] for blocks); when they are full, the buffers are
//! moved (no copy) into Arrow arrays, handed to the Parquet encoder as one record batch, and
//! replaced by fresh buffers of the same capacity. So the per-block call only writes nine
//! values into reserved memory, and memory stays bounded by one batch plus one compressed
//! row group whatever the run length.

use std::fmt;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::{ArrayRef, RecordBatch};
use arrow_schema::{DataType, Schema, SchemaRef};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::metadata::KeyValue;
use parquet::file::properties::{
    EnabledStatistics, WriterProperties, WriterVersion, DEFAULT_CREATED_BY,
};
use parquet::schema::types::ColumnPath;

use super::encode::RowBuffer;
use super::tables::{
    Table, TableMeta, BLOCKS, DAILY, DAILY_REGIONS, EPOCHS, EVENTS, FIRMS, SUMMARY,
};
use super::{OutputError, TableSelection};
use crate::record::{
    BlockRecord, DayRecord, EpochRecord, EventRecord, FirmMonthRecord, RecordError, Recorder,
    RegionDayRecord, RunMetadata, RunSummary,
};

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

/// Maximum rows per Parquet row group: 128 Ki rows = two block batches.
///
/// A row group is the unit readers parallelise over and skip with min/max statistics, and
/// the encoder holds one row group (compressed) in memory until it is flushed. 128 Ki rows
/// is ~2.5 years of blocks: a 20-year run gives ~8 row groups, so polars/DuckDB can scan it
/// on several threads and prune by `height`/`time`, while each column chunk is still large
/// (~1 MiB raw) for good compression and small footers. With 1 Mi rows most runs would be
/// a single row group (no read parallelism) and the writer would buffer ~8x more.
pub const MAX_ROW_GROUP_ROWS: usize = 2 * super::tables::BATCH_ROWS;

/// ZSTD level 3 (zstd's own default). On the benchmark data level 1 was ~10% faster at
/// the same size; 3 is kept as the conventional, widely tested choice.
pub const ZSTD_LEVEL: i32 = 3;

/// ZSTD level of the agent tables ([`Tuning::AGENT`]).
pub const AGENT_ZSTD_LEVEL: i32 = 1;

/// A table's compression and float encoding.
///
/// Parquet encodings are chosen for speed and size on simulation output (measured on 1.05M
/// blocks: about 40% faster to write than dictionary + PLAIN, and 14% smaller, after ZSTD):
/// * integers and timestamps: `DELTA_BINARY_PACKED` (heights and times are monotone,
///   bits/subsidy constant over long runs, fees small: a few bits per value);
/// * floats: `BYTE_STREAM_SPLIT` by default (groups sign/exponent bytes so ZSTD finds them);
/// * dictionaries are off: after ZSTD they saved nothing here and cost ~15% of the time.
///
/// pyarrow, pandas, polars and DuckDB read both encodings (checked by
/// `.ci/check_outputs.py`); very old readers may not support `BYTE_STREAM_SPLIT`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Tuning {
    /// ZSTD level.
    pub zstd_level: i32,
    /// Encoding of the Float64 columns.
    pub float_encoding: Encoding,
}

impl Tuning {
    /// ZSTD level [`ZSTD_LEVEL`], `BYTE_STREAM_SPLIT` floats.
    pub const DEFAULT: Tuning = Tuning {
        zstd_level: ZSTD_LEVEL,
        float_encoding: Encoding::BYTE_STREAM_SPLIT,
    };

    /// The agent tables' settings: ZSTD level [`AGENT_ZSTD_LEVEL`] and PLAIN floats. They are
    /// the largest tables with thousands of firms (a row per firm and month) and their floats
    /// (cash, flows, MW) have few repeated bytes: measured on the `firms` table of 5,000 firms
    /// over 20 years (1.2M rows), level 1 with PLAIN floats writes in about 40% of the time of
    /// level 3 with `BYTE_STREAM_SPLIT`, and the file is 7% smaller.
    pub const AGENT: Tuning = Tuning {
        zstd_level: AGENT_ZSTD_LEVEL,
        float_encoding: Encoding::PLAIN,
    };

    /// Parquet encoding of a column of Arrow type `dt`, or `None` for the writer's default.
    fn encoding_for(&self, dt: &DataType) -> Option<Encoding> {
        match dt {
            DataType::UInt32
            | DataType::UInt64
            | DataType::Int32
            | DataType::Int64
            | DataType::Timestamp(..) => Some(Encoding::DELTA_BINARY_PACKED),
            DataType::Float32 => Some(Encoding::BYTE_STREAM_SPLIT),
            DataType::Float64 => Some(self.float_encoding),
            _ => None,
        }
    }
}

/// Writer properties of a run's table: [`writer_properties_with`] the run's key-value
/// metadata (`hashshift.*`, with `hashshift.table` = the table's name).
pub fn writer_properties(
    meta: &RunMetadata,
    table: &TableMeta,
    schema: &Schema,
) -> WriterProperties {
    writer_properties_with(&table.tuning, run_key_values(meta, table.name), schema)
}

/// Writer properties of a table with `schema`: ZSTD at `tuning`'s level, chunk and page
/// statistics, [`MAX_ROW_GROUP_ROWS`], per-column encodings ([`Tuning`]), the key-value
/// metadata `kv` and a constant `created_by`. Also for tables that do not belong to one run,
/// like a sweep's `runs` table.
pub fn writer_properties_with(
    tuning: &Tuning,
    kv: Vec<(String, String)>,
    schema: &Schema,
) -> WriterProperties {
    let level = ZstdLevel::try_new(tuning.zstd_level).expect("valid zstd level");
    let mut builder = WriterProperties::builder()
        // Data page v1: readable by every Parquet reader.
        .set_writer_version(WriterVersion::PARQUET_1_0)
        .set_compression(Compression::ZSTD(level))
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
        if let Some(enc) = tuning.encoding_for(f.data_type()) {
            builder = builder.set_column_encoding(ColumnPath::from(f.name().as_str()), enc);
        }
    }
    builder.build()
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

/// One Parquet file being written.
struct TableFile {
    path: PathBuf,
    schema: SchemaRef,
    writer: ArrowWriter<File>,
}

impl TableFile {
    fn create(
        dir: &Path,
        table: &TableMeta,
        schema: SchemaRef,
        meta: &RunMetadata,
    ) -> Result<Self, OutputError> {
        let path = dir.join(table.file);
        // The run's key-value pairs also go on the Arrow schema, which is embedded in the
        // file (`ARROW:schema`): pyarrow and others take `schema.metadata` from there.
        let schema: SchemaRef = Arc::new(
            schema.as_ref().clone().with_metadata(
                run_key_values(meta, table.name)
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

    fn write(&mut self, columns: Vec<ArrayRef>) -> Result<(), OutputError> {
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
    fn finish(self) -> Result<(), OutputError> {
        let TableFile { path, writer, .. } = self;
        let file = writer.into_inner().map_err(|source| OutputError::Parquet {
            path: path.clone(),
            source,
        })?;
        file.sync_all()
            .map_err(|e| OutputError::io("syncing", &path, e))
    }
}

/// One table being written: its rows not yet written, column by column, and its file.
pub(super) struct TableWriter<R: 'static> {
    table: &'static Table<R>,
    rows: Box<dyn RowBuffer<R>>,
    file: TableFile,
}

impl<R> TableWriter<R> {
    /// Creates the file of `table` in `dir` and writes its header.
    fn create(
        table: &'static Table<R>,
        dir: &Path,
        meta: &RunMetadata,
    ) -> Result<Self, OutputError> {
        Ok(TableWriter {
            table,
            rows: table.columns().rows(table.meta.batch_rows),
            file: TableFile::create(dir, &table.meta, table.schema(), meta)?,
        })
    }

    /// [`TableWriter::create`] when `selection` selects `table`, `None` otherwise.
    fn create_if_selected(
        table: &'static Table<R>,
        (dir, meta): (&Path, &RunMetadata),
        selection: &TableSelection,
    ) -> Result<Option<Self>, OutputError> {
        table
            .meta
            .is_written(selection)
            .then(|| Self::create(table, dir, meta))
            .transpose()
    }

    /// Appends a row; writes a batch when the buffers are full.
    #[inline]
    fn push(&mut self, r: &R) -> Result<(), OutputError> {
        let n = self.table.meta.batch_rows;
        if self.rows.push(r) == n {
            self.file.write(self.rows.take_arrays(n))?;
        }
        Ok(())
    }

    /// Writes the rows left, the footer, and fsyncs the file.
    fn finish(mut self) -> Result<(), OutputError> {
        if !self.rows.is_empty() {
            self.file.write(self.rows.take_arrays(0))?;
        }
        self.file.finish()
    }
}

/// `(table writer, rows buffered)` of an optional table, for `Debug`.
fn rows_of<R>(w: &Option<TableWriter<R>>) -> Option<(&Path, usize)> {
    w.as_ref().map(|w| (w.file.path.as_path(), w.rows.len()))
}

/// A [`Recorder`] writing the tables of [`super::tables::RUN_TABLES`] that the run's
/// [`TableSelection`] selects into a folder (normally [`super::RunDir::path`]).
///
/// Call [`ParquetRecorder::finish`] after the run; a recorder dropped without it leaves
/// truncated files behind (which a dropped, uncommitted `RunDir` then removes).
pub struct ParquetRecorder {
    blocks: Option<TableWriter<BlockRecord>>,
    epochs: Option<TableWriter<EpochRecord>>,
    daily: Option<TableWriter<DayRecord>>,
    daily_regions: Option<TableWriter<RegionDayRecord>>,
    firms: Option<TableWriter<FirmMonthRecord>>,
    events: Option<TableWriter<EventRecord>>,
    summary: Option<TableWriter<RunSummary>>,
    summary_path: PathBuf,
    summary_written: bool,
}

impl fmt::Debug for ParquetRecorder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ParquetRecorder")
            .field("blocks", &rows_of(&self.blocks))
            .field("epochs", &rows_of(&self.epochs))
            .field("daily", &rows_of(&self.daily))
            .field("daily_regions", &rows_of(&self.daily_regions))
            .field("firms", &rows_of(&self.firms))
            .field("events", &rows_of(&self.events))
            .field("summary", &self.summary_path)
            .field("summary_written", &self.summary_written)
            .finish()
    }
}

/// Appends `rec` to the table `w` if it is written.
#[inline]
fn push<R>(w: &mut Option<TableWriter<R>>, rec: &R) -> Result<(), OutputError> {
    match w {
        Some(w) => w.push(rec),
        None => Ok(()),
    }
}

/// Finishes the table `w` if it is written.
fn finish<R>(w: Option<TableWriter<R>>) -> Result<(), OutputError> {
    w.map_or(Ok(()), TableWriter::finish)
}

impl ParquetRecorder {
    /// Creates the files of the tables that `tables` selects in `dir` (which must exist) and
    /// writes their headers. The tables every run writes (`summary`, `daily`,
    /// `daily_regions`) are always created.
    pub fn create(
        dir: &Path,
        meta: &RunMetadata,
        tables: TableSelection,
    ) -> Result<Self, OutputError> {
        let at = (dir, meta);
        let sel = &tables;
        Ok(ParquetRecorder {
            blocks: TableWriter::create_if_selected(&BLOCKS, at, sel)?,
            epochs: TableWriter::create_if_selected(&EPOCHS, at, sel)?,
            daily: TableWriter::create_if_selected(&DAILY, at, sel)?,
            daily_regions: TableWriter::create_if_selected(&DAILY_REGIONS, at, sel)?,
            firms: TableWriter::create_if_selected(&FIRMS, at, sel)?,
            events: TableWriter::create_if_selected(&EVENTS, at, sel)?,
            summary: TableWriter::create_if_selected(&SUMMARY, at, sel)?,
            summary_path: dir.join(SUMMARY.meta.file),
            summary_written: false,
        })
    }

    /// Which tables this recorder writes.
    pub fn tables(&self) -> TableSelection {
        TableSelection {
            blocks: self.blocks.is_some(),
            epochs: self.epochs.is_some(),
            firms: self.firms.is_some(),
            events: self.events.is_some(),
        }
    }

    /// Records one block (the [`Recorder::block`] body, with the typed error).
    #[inline]
    pub fn push_block(&mut self, rec: &BlockRecord) -> Result<(), OutputError> {
        push(&mut self.blocks, rec)
    }

    /// Records one completed epoch (the [`Recorder::epoch`] body, with the typed error).
    pub fn push_epoch(&mut self, rec: &EpochRecord) -> Result<(), OutputError> {
        push(&mut self.epochs, rec)
    }

    /// Records the run summary (the [`Recorder::summary`] body, with the typed error).
    /// Only one summary may be recorded.
    pub fn push_summary(&mut self, rec: &RunSummary) -> Result<(), OutputError> {
        if self.summary_written {
            return Err(OutputError::DuplicateSummary {
                path: self.summary_path.clone(),
            });
        }
        push(&mut self.summary, rec)?;
        self.summary_written = true;
        Ok(())
    }

    /// Flushes the buffered rows, writes the footers and fsyncs every file. Fails (without
    /// finishing any file) if the summary was not recorded.
    pub fn finish(self) -> Result<(), OutputError> {
        if !self.summary_written {
            return Err(OutputError::MissingSummary {
                path: self.summary_path,
            });
        }
        finish(self.blocks)?;
        finish(self.epochs)?;
        finish(self.daily)?;
        finish(self.daily_regions)?;
        finish(self.firms)?;
        finish(self.events)?;
        finish(self.summary)
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
        push(&mut self.daily, rec).map_err(RecordError::new)
    }

    fn region_day(&mut self, rec: &RegionDayRecord) -> Result<(), RecordError> {
        push(&mut self.daily_regions, rec).map_err(RecordError::new)
    }

    fn firm_month(&mut self, rec: &FirmMonthRecord) -> Result<(), RecordError> {
        push(&mut self.firms, rec).map_err(RecordError::new)
    }

    fn event(&mut self, rec: &EventRecord) -> Result<(), RecordError> {
        push(&mut self.events, rec).map_err(RecordError::new)
    }

    fn summary(&mut self, rec: &RunSummary) -> Result<(), RecordError> {
        self.push_summary(rec).map_err(RecordError::new)
    }
}
