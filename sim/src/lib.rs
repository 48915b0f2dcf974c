//! hashshift: a discrete-event, agent-based simulator of the migration of compute from
//! Bitcoin mining to AI.
//!
//! - [`scenario`]: TOML scenarios, two-stage validation, defaults with sources.
//! - [`engine`]: the event queue, RNG streams and the block-by-block simulation.
//! - [`record`]: what a run reports, behind the [`record::Recorder`] trait.
//! - [`output`]: Parquet tables and atomic run folders.
//! - [`runner`]: one scenario end to end into a run folder.
//! - [`storage`]: content hashes and atomic file replacement.
//! - [`sweep`]: batch sweeps (grids, Monte Carlo, Latin hypercube, Sobol) into one dataset.
//! - `fuzzing` (hidden): the input loaders on arbitrary bytes, for `fuzz/` and its corpus test.
//!
//! The pure domain models (exact consensus, hashrate paths) live in `hashshift_models`.

pub mod calendar;
pub mod engine;
#[doc(hidden)]
pub mod fuzzing;
pub mod output;
pub mod record;
pub mod runner;
pub mod scenario;
pub mod storage;
pub mod sweep;
