//! Batch sweeps: many runs of one base scenario over a design of parameter points and
//! replicate seeds, written as one Hive-style Parquet dataset.
//!
//! A sweep file (TOML) is loaded in two stages like a scenario: [`raw::RawSweep`] (unknown
//! keys rejected), then [`Sweep`], validated: every axis names a scenario key path (derived
//! from the scenario format, [`paths`]), the design is checked and generated ([`design`],
//! [`sobol`]), and the scenario of every point is validated through the same `--set`
//! override machinery as `hashshift run`, so a sweep that loads cannot fail on bad input
//! later. Errors ([`SweepError`]) name the file, the key, the value and what is allowed.
//!
//! Runs ([`plan`]): `points x replicates` runs with dense ids, point-major:
//! `run = point x replicates + replicate`. Replicate `r` has the same seed at every point
//! (common random numbers), and a run's scenario depends only on its id, so the same id gives
//! the same bytes whatever the thread count, shard or order.
//!
//! Execution ([`exec`]) and the dataset layout:
//!
//! ```text
//! <out>/<sweep name>/
//!   _sweep.json        the resolved sweep and its hash (written first; guards --resume)
//!   run=<id>/          one folder per run, written atomically (see crate::output::RunDir)
//!     daily.parquet ... summary.parquet _run.json _SUCCESS
//!   runs.parquet       one row per run: ids, seed, typed parameters, summary metrics
//!   _SUCCESS           written after runs.parquet: the sweep is complete
//! ```
//!
//! The `runs` table ([`runs_table`]) is assembled from the runs' own `summary.parquet` files
//! when the sweep is finalized, so it holds whatever the summary schema holds.

pub mod design;
pub mod doc;
pub mod exec;
pub mod paths;
pub mod plan;
pub mod raw;
mod root;
pub mod runs_table;
pub mod sobol;
mod validate;

use std::fmt;
use std::path::{Path, PathBuf};

use crate::scenario::{FileError, ScenarioError};
use design::{AxisSpec, ParamType, ParamValue};
use raw::{DesignKind, RawSweep};

pub use plan::{replicate_seed, RunSpec};

/// Most runs a sweep may have.
pub const MAX_RUNS: u64 = 1_000_000;
/// Largest Sobol' base sample count N.
pub const MAX_SOBOL_N: u64 = 1 << 20;

/// Columns of the `runs` table that come before the parameters.
pub const ID_COLUMNS: [&str; 3] = ["run", "point", "replicate"];

/// Why a sweep file could not be loaded. Every variant is a user-input problem (exit code 2).
#[derive(Debug, Clone, PartialEq)]
pub enum SweepError {
    /// The sweep file could not be read, does not parse, or holds a value not allowed.
    File(FileError),
    /// The base scenario (with `[set]`) or the scenario of a point is invalid.
    Scenario {
        /// The sweep file.
        file: PathBuf,
        /// Where: "the base scenario with [set]" or "point 3 (price.sigma = 6.0)".
        context: String,
        /// The scenario's error.
        source: Box<ScenarioError>,
    },
    /// The scenario of a point is valid key by key, but its simulation cannot start (e.g. no
    /// machine of the generated network is profitable at the start).
    Simulation {
        /// The sweep file.
        file: PathBuf,
        /// Where: "point 3 (price.initial_usd = 1e-9)".
        context: String,
        /// The simulation's message.
        message: String,
    },
}

impl fmt::Display for SweepError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SweepError::File(e) => e.fmt(f),
            SweepError::Scenario {
                file,
                context,
                source,
            } => write!(f, "{}: {context}: {source}", file.display()),
            SweepError::Simulation {
                file,
                context,
                message,
            } => write!(f, "{}: {context}: {message}", file.display()),
        }
    }
}

impl std::error::Error for SweepError {}

/// A validated axis.
#[derive(Debug, Clone, PartialEq)]
pub struct Axis {
    /// Scenario key path.
    pub path: String,
    /// Column name in the `runs` table.
    pub column: String,
    /// Column type (from the scenario key's type).
    pub ty: ParamType,
    /// Values, range or bounds.
    pub spec: AxisSpec,
}

/// A validated sweep: everything needed to list, run and finalize its runs.
#[derive(Debug, Clone)]
pub struct Sweep {
    /// The sweep file.
    pub file: PathBuf,
    /// Name (output folder name).
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// Sweep seed.
    pub seed: u64,
    /// The base scenario file.
    pub base_file: PathBuf,
    /// Its text.
    pub base_text: String,
    /// `[set]` overrides, as `key.path=value`.
    pub set: Vec<String>,
    /// The resolved base scenario (with `[set]`) as TOML.
    pub base_resolved: String,
    /// The data files the points read, as `(path as the base scenario names it, SHA-256)`,
    /// sorted (in the hash: a changed CSV makes a different sweep; where the sweep is run from
    /// does not).
    pub data_files: Vec<(String, String)>,
    /// Design kind.
    pub design: DesignKind,
    /// The resolved design parameters (for the manifest).
    pub design_params: serde_json::Value,
    /// The axes, in column order.
    pub axes: Vec<Axis>,
    /// The points: one value per axis.
    pub points: Vec<Vec<ParamValue>>,
    /// Replicate seeds (replicate r uses `seeds[r]` at every point).
    pub seeds: Vec<u64>,
}

impl Sweep {
    /// Loads and validates a sweep file (see the module docs).
    pub fn load(file: &Path) -> Result<Sweep, SweepError> {
        let text = crate::storage::read_text(file)
            .map_err(|e| SweepError::File(FileError::read("sweep", file, &e)))?;
        Self::from_toml(&text, file)
    }

    /// Validates sweep `text` as if read from `file`.
    pub fn from_toml(text: &str, file: &Path) -> Result<Sweep, SweepError> {
        let raw: RawSweep =
            toml::from_str(text).map_err(|e| SweepError::File(FileError::parse(file, e)))?;
        validate::validate(raw, file)
    }

    /// Number of runs (points x replicates).
    pub fn n_runs(&self) -> u64 {
        self.points.len() as u64 * self.seeds.len() as u64
    }
}

#[cfg(test)]
mod tests;
