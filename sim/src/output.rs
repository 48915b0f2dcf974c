//! Parquet output of a run.
//!
//! A run writes one folder holding a Parquet file per table of [`tables::RUN_TABLES`] (the
//! optional ones only when its [`TableSelection`] selects them) and a completion marker,
//! `_SUCCESS`, written last: the SHA-256 of each file (`sha256sum -c` format); the folder
//! appears under its final name only then. `outputs/README.md` lists the tables and every
//! column.
//!
//! * [`columns`]: [`columns::Columns`], a table's column list: each column defined once
//!   (name, Arrow type, nullability, unit, description, how to fill it from its record);
//! * [`schema`]: what a column is apart from its fill ([`schema::ColumnDoc`], [`schema::NullWhen`]),
//!   the `unit` / `description` field metadata keys and the units;
//! * [`tables`]: the registry of the run's tables ([`tables::RUN_TABLES`]: name, file,
//!   description, optional or not, writer settings) and one column list per table, from
//!   which the Arrow schemas, the arrays, the docs and the checks derive;
//! * [`doc`]: the column reference of `outputs/README.md` and its JSON form, generated from
//!   the registry (`hashshift schema --outputs [--format json]`);
//! * [`ParquetRecorder`]: a [`crate::record::Recorder`] streaming records into the files in
//!   fixed-size batches (flat memory for any number of blocks);
//! * [`RunDir`]: stages the folder under a hidden sibling name and renames it into place on
//!   [`RunDir::commit`], so readers never see a half-written run.
//!
//! Files are byte-deterministic: the same records and [`crate::record::RunMetadata`] give
//! identical bytes (no timestamps of the writing, fixed `created_by`).

use std::path::{Path, PathBuf};

pub mod columns;
pub mod doc;
mod encode;
pub mod manifest;
mod parquet_sink;
mod run_dir;
pub mod schema;
pub mod tables;

#[cfg(test)]
mod tests;

pub use crate::record::TableSelection;
pub use encode::{encode_rows, RowBuffer};
pub use manifest::{is_complete, COMPLETION_MARKER};
pub use parquet_sink::{
    writer_properties, writer_properties_with, ParquetRecorder, Tuning, AGENT_ZSTD_LEVEL,
    KV_RUN_ID, KV_SCENARIO, KV_SCENARIO_NAME, KV_SEED, KV_TABLE, KV_VERSION, MAX_ROW_GROUP_ROWS,
    ZSTD_LEVEL,
};
pub use run_dir::RunDir;
pub use tables::{RunTable, RUN_TABLES, SUMMARY_FILE};

/// The Arrow schema of the `summary` table (a sweep's `runs` table repeats its columns).
pub fn summary_schema() -> arrow_schema::SchemaRef {
    tables::SUMMARY.schema()
}

/// Error writing run output; always names the file or folder concerned.
#[derive(Debug, thiserror::Error)]
pub enum OutputError {
    /// A file-system operation failed.
    #[error("{op} {path}: {source}", path = .path.display())]
    Io {
        /// What was being done ("creating", "renaming ... to", ...).
        op: &'static str,
        /// The file or folder concerned.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// The Parquet encoder failed.
    #[error("writing Parquet file {path}: {source}", path = .path.display())]
    Parquet {
        /// The file concerned.
        path: PathBuf,
        /// The cause.
        #[source]
        source: parquet::errors::ParquetError,
    },
    /// Building an Arrow record batch failed (a bug: the schemas are fixed).
    #[error("building a record batch for {path}: {source}", path = .path.display())]
    Arrow {
        /// The file concerned.
        path: PathBuf,
        /// The cause.
        #[source]
        source: arrow_schema::ArrowError,
    },
    /// [`ParquetRecorder::finish`] was called before the run summary was recorded.
    #[error("{path}: run summary was never recorded", path = .path.display())]
    MissingSummary {
        /// The summary file.
        path: PathBuf,
    },
    /// The run summary was recorded more than once.
    #[error("{path}: run summary recorded twice", path = .path.display())]
    DuplicateSummary {
        /// The summary file.
        path: PathBuf,
    },
    /// A run-folder path is unusable (no final component, or it is `..`).
    #[error("{path}: not usable as a run folder: {reason}", path = .path.display())]
    InvalidRunDir {
        /// The path given.
        path: PathBuf,
        /// Why.
        reason: &'static str,
    },
    /// The final run folder exists but is not a completed run of hashshift (not a folder,
    /// folders inside it such as a sweep's runs, no completion marker, or files the marker
    /// does not list), so it is not replaced.
    #[error(
        "{path} exists and is not a completed hashshift run ({reason}); refusing to replace \
         it: choose another --out or scenario name, or remove it",
        path = .path.display()
    )]
    WouldClobber {
        /// The existing folder.
        path: PathBuf,
        /// Why it is not a run, e.g. "it holds x.csv, which its _SUCCESS does not list".
        reason: String,
    },
    /// Another process is writing the same run folder.
    #[error(transparent)]
    InUse(#[from] crate::storage::InUse),
}

impl OutputError {
    pub(crate) fn io(op: &'static str, path: &Path, source: std::io::Error) -> Self {
        OutputError::Io {
            op,
            path: path.to_path_buf(),
            source,
        }
    }
}
