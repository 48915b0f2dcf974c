//! Runs one scenario end to end into a run folder: stage, simulate, write, mark complete.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::engine::{Progress, SimError, SimulationBuilder};
use crate::output::{OutputError, ParquetRecorder, RunDir};
use crate::record::{RunMetadata, RunSummary};
use crate::scenario::Scenario;

/// The crate version written into every output file.
pub const VERSION: &str = env!("CARGO_PKG_VERSION");

/// Why a run failed (after its scenario was valid): an output or simulation failure.
#[derive(Debug)]
pub enum RunError {
    /// Writing output failed.
    Output(OutputError),
    /// The simulation failed.
    Sim(SimError),
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Output(e) => e.fmt(f),
            RunError::Sim(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for RunError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RunError::Output(e) => Some(e),
            RunError::Sim(e) => Some(e),
        }
    }
}

impl From<OutputError> for RunError {
    fn from(e: OutputError) -> Self {
        RunError::Output(e)
    }
}

impl From<SimError> for RunError {
    fn from(e: SimError) -> Self {
        RunError::Sim(e)
    }
}

/// What a finished run produced.
#[derive(Debug, Clone)]
pub struct RunOutcome {
    /// The complete run folder.
    pub dir: PathBuf,
    /// The run's summary.
    pub summary: RunSummary,
}

/// Metadata for a run of `scenario` with id `run_id`.
pub fn run_metadata(scenario: &Scenario, run_id: u64) -> RunMetadata {
    RunMetadata {
        version: VERSION.to_string(),
        run_id,
        seed: scenario.seed,
        scenario_name: scenario.name.clone(),
        resolved_scenario_toml: scenario.resolved_toml(),
    }
}

/// Simulates `scenario` into `<out_parent>/<scenario.name>/`. The folder appears only when
/// the run is complete (written in a staging folder, marked complete, then renamed); a
/// failed run leaves nothing behind, and an earlier complete run of the same name is
/// replaced only by a complete one.
pub fn run_to_dir<P: Progress + ?Sized>(
    scenario: &Scenario,
    out_parent: &Path,
    progress: &mut P,
) -> Result<RunOutcome, RunError> {
    // Build first: an input the simulation rejects must leave no folder behind.
    let mut sim = SimulationBuilder::new(scenario).build()?;
    let final_dir = out_parent.join(&scenario.name);
    let stage = RunDir::stage(&final_dir)?;
    let meta = run_metadata(scenario, 0);
    let mut recorder = ParquetRecorder::create(stage.path(), &meta, scenario.tables)?;
    let summary = sim.run(&mut recorder, progress)?;
    recorder.finish()?;
    stage.commit()?;
    Ok(RunOutcome {
        dir: final_dir,
        summary,
    })
}
