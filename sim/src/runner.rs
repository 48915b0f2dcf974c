//! Runs one scenario end to end into a run folder: stage, simulate, write, mark complete.

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use crate::engine::{Progress, RunOptions, SimError, SimulationBuilder};
use crate::output::{OutputError, ParquetRecorder, RunDir};
use crate::record::{
    BlockRecord, DayRecord, EpochRecord, EventRecord, FirmMonthRecord, RecordError, Recorder,
    RegionDayRecord, RunMetadata, RunSummary,
};
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
    /// The run was abandoned because its stop flag was raised (see [`run_in_dir`]).
    Stopped,
}

impl fmt::Display for RunError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RunError::Output(e) => e.fmt(f),
            RunError::Sim(e) => e.fmt(f),
            RunError::Stopped => f.write_str("run stopped before it finished"),
        }
    }
}

impl RunError {
    /// Whether the run failed for want of space: the disk is full, or a file-size or quota
    /// limit was hit (an I/O error anywhere in the cause chain).
    pub fn is_out_of_space(&self) -> bool {
        use std::io::ErrorKind::{FileTooLarge, QuotaExceeded, StorageFull};
        let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(self);
        while let Some(e) = cause {
            if let Some(io) = e.downcast_ref::<std::io::Error>() {
                if matches!(io.kind(), StorageFull | FileTooLarge | QuotaExceeded) {
                    return true;
                }
            }
            cause = e.source();
        }
        false
    }
}

impl std::error::Error for RunError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            RunError::Output(e) => Some(e),
            RunError::Sim(e) => Some(e),
            RunError::Stopped => None,
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
/// failed or stopped run leaves nothing behind, and an earlier complete run of the same
/// name is replaced only by a complete one. `stop` as in [`run_in_dir`].
pub fn run_to_dir<P: Progress + ?Sized>(
    scenario: &Scenario,
    out_parent: &Path,
    progress: &mut P,
    stop: Option<&AtomicBool>,
) -> Result<RunOutcome, RunError> {
    run_in_dir(
        scenario,
        &out_parent.join(&scenario.name),
        0,
        &[],
        progress,
        stop,
    )
}

/// Simulates `scenario` as run `run_id` into the run folder `final_dir`, with the same
/// staging and completion guarantees as [`run_to_dir`], and writes `extra_files` (name,
/// content) beside the tables (a sweep's `_run.json`), listed in the completion marker like
/// them. With `stop`, the run is abandoned (its staging folder removed,
/// [`RunError::Stopped`] returned) at the first simulated day that ends after the flag is
/// raised.
pub fn run_in_dir<P: Progress + ?Sized>(
    scenario: &Scenario,
    final_dir: &Path,
    run_id: u64,
    extra_files: &[(&str, String)],
    progress: &mut P,
    stop: Option<&AtomicBool>,
) -> Result<RunOutcome, RunError> {
    // Build first: an input the simulation rejects must leave no folder behind.
    let options = RunOptions {
        firm_rows: scenario.tables.firms,
    };
    let mut sim = SimulationBuilder::new(scenario)
        .run_id(run_id)
        .options(options)
        .build()?;
    let stage = RunDir::stage(final_dir)?;
    let meta = run_metadata(scenario, run_id);
    static NEVER: AtomicBool = AtomicBool::new(false);
    let flag = stop.unwrap_or(&NEVER);
    let mut recorder = Stoppable {
        inner: ParquetRecorder::create(stage.path(), &meta, scenario.tables)?,
        flag,
    };
    let summary = match sim.run(&mut recorder, progress) {
        Ok(s) => s,
        Err(_) if flag.load(Ordering::Relaxed) => return Err(RunError::Stopped),
        Err(e) => return Err(e.into()),
    };
    recorder.inner.finish()?;
    for (name, content) in extra_files {
        let path = stage.path().join(name);
        let write = || -> std::io::Result<()> {
            let mut f = std::fs::File::create(&path)?;
            std::io::Write::write_all(&mut f, content.as_bytes())?;
            f.sync_all()
        };
        write().map_err(|e| OutputError::Io {
            op: "writing",
            path,
            source: e,
        })?;
    }
    stage.commit()?;
    Ok(RunOutcome {
        dir: final_dir.to_path_buf(),
        summary,
    })
}

/// A recorder that fails at the end of a simulated day once `flag` is raised, so a run can
/// be abandoned mid-way (the per-block path is forwarded untouched).
struct Stoppable<'a, R> {
    inner: R,
    flag: &'a AtomicBool,
}

impl<R: Recorder> Recorder for Stoppable<'_, R> {
    #[inline]
    fn block(&mut self, rec: &BlockRecord) -> Result<(), RecordError> {
        self.inner.block(rec)
    }
    fn epoch(&mut self, rec: &EpochRecord) -> Result<(), RecordError> {
        self.inner.epoch(rec)
    }
    fn day(&mut self, rec: &DayRecord) -> Result<(), RecordError> {
        if self.flag.load(Ordering::Relaxed) {
            return Err(RecordError::new(StoppedError));
        }
        self.inner.day(rec)
    }
    fn region_day(&mut self, rec: &RegionDayRecord) -> Result<(), RecordError> {
        self.inner.region_day(rec)
    }
    fn firm_month(&mut self, rec: &FirmMonthRecord) -> Result<(), RecordError> {
        self.inner.firm_month(rec)
    }
    fn event(&mut self, rec: &EventRecord) -> Result<(), RecordError> {
        self.inner.event(rec)
    }
    fn summary(&mut self, rec: &RunSummary) -> Result<(), RecordError> {
        self.inner.summary(rec)
    }
}

#[derive(Debug, thiserror::Error)]
#[error("run stopped")]
struct StoppedError;
