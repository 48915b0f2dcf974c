//! Running a sweep: a rayon pool of `--jobs` workers over the runs of this shard, each run
//! streamed into its own `run=<id>/` folder through [`crate::runner::run_in_dir`] (staged,
//! marked complete, renamed), resume, clean stops and the final `runs` table.
//!
//! * Output root `<out>/<name>/`: `_sweep.json` (the resolved sweep and its hash) is written
//!   before any run. An existing root is used only if its `_sweep.json` has the same hash,
//!   and then only with `--resume` (or, for `--shard`, when none of the shard's runs is
//!   there yet); anything else is refused, so runs of two sweeps never mix and nothing is
//!   clobbered.
//! * Locks: the process holds `<out>/.<name>.lock` from start to end, alone; the shards of a
//!   sweep share it and each holds `<out>/.<name>.shard-<K>-of-<N>.lock` alone
//!   ([`crate::storage::lock`]). A second sweep, `--resume` or `--finalize` of the same
//!   folder, or the same shard twice, is refused at once ([`ExecError::InUse`], exit 2).
//! * Whose runs: `_sweep.json` must be exactly what its hash stands for (a hand-edited one is
//!   refused), and each run folder's [`RUN_FILE`] must name this sweep's hash, the run's id
//!   and seed (a folder copied from another sweep, swapped or linked is not this run).
//! * Resume: runs whose completion marker exists and whose files still have the SHA-256 it
//!   lists are skipped; a run damaged since it finished (a truncated or corrupted file), or
//!   not this sweep's run, is reported, removed and redone, as are runs whose staging
//!   folders a killed process left (`.run=<id>.partial-<pid>`, removed, only this shard's).
//!   Runs are redone from scratch, so the result is the same bytes as an uninterrupted
//!   sweep. `--finalize` checks every run the same way and refuses damaged ones.
//! * Disk full: a run that fails for want of space (or a file-size or quota limit) stops
//!   the sweep from starting further runs, which would fail the same way.
//! * Stop: when the stop flag is raised (Ctrl-C), no new run starts and the runs in flight
//!   are abandoned at their next simulated day, their staging folders removed; finished runs
//!   stay complete.
//! * Shards: `--shard K/N` runs the ids with `id % N == K`. Without `--shard` the sweep is
//!   finalized at the end (`runs.parquet`, then the root `_SUCCESS`); with it, after all
//!   shards, by `hashshift sweep FILE --finalize`.
//! * Memory: a worker holds one run at a time and the runs table is streamed from the runs'
//!   files, so memory does not grow with the number of runs.

use std::fs;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

use super::root::{
    conflict, damaged_runs, io, lock_root, prepare_root, remove_dead_temp_files, remove_stale,
    run_tag, write_atomic,
};
use super::runs_table::{write_runs_table, RUNS_FILE};
use super::Sweep;
use crate::engine::{NoProgress, SimError};
use crate::output::manifest::{self, Damage};
use crate::output::{is_complete, OutputError, COMPLETION_MARKER};
use crate::runner::{run_in_dir, RunError};
use crate::scenario::ScenarioError;
use crate::storage::InUse;

/// Name of the manifest at the sweep's root.
pub const MANIFEST_FILE: &str = "_sweep.json";

/// Name of the file in each run folder of a sweep saying which run of which sweep it is
/// (the sweep hash, run id, point, replicate and seed), listed in the run's marker;
/// `--resume` redoes, and `--finalize` refuses, a run folder whose file does not match.
pub const RUN_FILE: &str = "_run.json";

/// The folder of run `id` under `root`: `run=<id>` (not zero-padded, so Hive readers type the
/// key as an integer).
pub fn run_dir(root: &Path, id: u64) -> PathBuf {
    root.join(format!("run={id}"))
}

/// `--shard K/N`: the runs with `id % N == K`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, 0-based.
    pub k: u64,
    /// Number of shards.
    pub n: u64,
}

impl Shard {
    /// Whether run `id` belongs to this shard.
    pub fn contains(&self, id: u64) -> bool {
        id % self.n == self.k
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let usage = || format!("{s:?}: expected K/N with N >= 1 and 0 <= K < N, e.g. 0/4");
        let (k, n) = s.split_once('/').ok_or_else(usage)?;
        let (k, n): (u64, u64) = (
            k.trim().parse().map_err(|_| usage())?,
            n.trim().parse().map_err(|_| usage())?,
        );
        if n == 0 {
            return Err(format!("{s:?}: the number of shards N must be at least 1"));
        }
        if k >= n {
            return Err(format!(
                "{s:?}: shard K must be in [0, {}] for N = {n} (shards are numbered from 0, \
                 like SLURM_ARRAY_TASK_ID with --array=0-{})",
                n - 1,
                n - 1
            ));
        }
        Ok(Shard { k, n })
    }
}

/// How to run a sweep.
#[derive(Debug, Clone)]
pub struct Options {
    /// Parent of the sweep's folder.
    pub out: PathBuf,
    /// Runs in parallel.
    pub jobs: usize,
    /// Only this shard's runs.
    pub shard: Option<Shard>,
    /// Continue an existing output of the same sweep.
    pub resume: bool,
    /// Only assemble `runs.parquet` from finished runs.
    pub finalize_only: bool,
    /// No progress bar.
    pub quiet: bool,
}

/// Why a sweep did not finish.
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// The output folder cannot be used (bad `--out`, another sweep, no `--resume`): exit 2.
    #[error("{0}")]
    Conflict(String),
    /// Another process is writing the sweep's folder (or this shard of it): exit 2.
    #[error(transparent)]
    InUse(#[from] InUse),
    /// Writing output failed.
    #[error(transparent)]
    Output(#[from] OutputError),
    /// A finished run's file is not what this version writes.
    #[error("{path}: {message}", path = .path.display())]
    Corrupt {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// Some runs failed (the others are complete; `--resume` retries the failed ones).
    #[error("{} of {total} runs failed (the others are complete; rerun with --resume to retry): {}", .failed.len(), summarize_failed(.failed))]
    Failed {
        /// The failed runs, in id order.
        failed: Vec<FailedRun>,
        /// Runs attempted.
        total: u64,
    },
    /// The stop flag was raised.
    #[error("interrupted: {done} of {total} runs of this sweep are complete in {root}; rerun with --resume to finish", root = .root.display())]
    Interrupted {
        /// Complete runs (of this shard).
        done: u64,
        /// Runs (of this shard).
        total: u64,
        /// The sweep's folder.
        root: PathBuf,
    },
    /// Writing a run failed for want of space; no further run was started.
    #[error("out of disk space (or over a file-size or quota limit) writing run {run}: {error}; no further run was started: {done} of {total} runs of this sweep are complete in {root}; free space, then rerun with --resume to finish", root = .root.display())]
    NoSpace {
        /// The run that failed first.
        run: u64,
        /// Its error.
        error: String,
        /// Complete runs (of this shard).
        done: u64,
        /// Runs (of this shard).
        total: u64,
        /// The sweep's folder.
        root: PathBuf,
    },
    /// `--finalize` found finished runs whose files changed since they finished, or that
    /// are not this sweep's.
    #[error("{root}: {} finished runs are damaged ({}); rerun the sweep with --resume to redo them", .damaged.len(), summarize(.damaged), root = .root.display())]
    Damaged {
        /// The sweep's folder.
        root: PathBuf,
        /// `(run id, what is wrong)`, in id order.
        damaged: Vec<(u64, String)>,
        /// Whether every one is intact but not this sweep's (exit 2: the folder holds
        /// another sweep's runs; otherwise exit 1).
        foreign_only: bool,
    },
    /// `--finalize` while runs are missing.
    #[error("{root}: {} of {total} runs are not complete (ids {}); run the missing shards or --resume before --finalize", .missing_count, list_ids(.missing), root = .root.display())]
    Incomplete {
        /// The sweep's folder.
        root: PathBuf,
        /// Number of missing runs.
        missing_count: u64,
        /// The first missing ids.
        missing: Vec<u64>,
        /// Runs of the sweep.
        total: u64,
    },
}

/// A run of the sweep that failed.
#[derive(Debug)]
pub struct FailedRun {
    /// Its id.
    pub run: u64,
    /// Why.
    pub error: RunFailure,
}

/// Why one run of a sweep failed (typed, so that `crate::exit` can tell bad input from a
/// failure).
#[derive(Debug)]
pub enum RunFailure {
    /// The scenario of its point is invalid.
    Scenario(ScenarioError),
    /// The run itself failed.
    Run(RunError),
}

impl std::fmt::Display for RunFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunFailure::Scenario(e) => write!(f, "invalid input: {e}"),
            RunFailure::Run(RunError::Sim(SimError::Invalid(m))) => write!(f, "invalid input: {m}"),
            RunFailure::Run(e) => e.fmt(f),
        }
    }
}

fn list_ids(ids: &[u64]) -> String {
    let s: Vec<String> = ids.iter().map(u64::to_string).collect();
    s.join(", ")
}

fn summarize(failed: &[(u64, String)]) -> String {
    let mut s: Vec<String> = failed
        .iter()
        .take(3)
        .map(|(id, e)| format!("run {id}: {e}"))
        .collect();
    if failed.len() > 3 {
        s.push(format!("... ({} more)", failed.len() - 3));
    }
    s.join("; ")
}

fn summarize_failed(failed: &[FailedRun]) -> String {
    let pairs: Vec<(u64, String)> = failed
        .iter()
        .map(|f| (f.run, f.error.to_string()))
        .collect();
    summarize(&pairs)
}

/// What a sweep invocation did.
#[derive(Debug, Clone)]
pub struct Report {
    /// The sweep's folder.
    pub root: PathBuf,
    /// Runs of this shard (all runs without `--shard`).
    pub mine: u64,
    /// Runs this invocation simulated.
    pub ran: u64,
    /// Runs already complete (resumed).
    pub skipped: u64,
    /// `runs.parquet` when the sweep was finalized.
    pub runs_table: Option<PathBuf>,
    /// Wall time.
    pub elapsed: Duration,
}

fn progress_bar(len: u64, quiet: bool) -> ProgressBar {
    if quiet || !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(len);
    bar.set_style(
        ProgressStyle::with_template(
            "{spinner} {elapsed_precise} [{wide_bar}] {pos}/{len} runs · {per_sec} · ETA {eta}",
        )
        .expect("static template is valid"),
    );
    bar.enable_steady_tick(Duration::from_millis(200));
    bar
}

/// Runs (this shard of) `sweep` under `opts`; see the module docs. `stop` is the Ctrl-C flag.
pub fn execute(sweep: &Sweep, opts: &Options, stop: &AtomicBool) -> Result<Report, ExecError> {
    let t0 = Instant::now();
    let root = opts.out.join(&sweep.name);
    if opts.finalize_only && !root.exists() {
        return Err(conflict(format!(
            "{}: no sweep output to finalize (run the sweep or its shards first)",
            root.display()
        )));
    }
    // Held to the end: no other process writes the folder (or this shard of it) meanwhile.
    let _locks = lock_root(&root, opts)?;
    prepare_root(sweep, &root, opts)?;
    let hash = sweep.hash();
    let n = sweep.n_runs();
    let mine: Vec<u64> = (0..n)
        .filter(|&id| opts.shard.is_none_or(|s| s.contains(id)))
        .collect();
    let mut report = Report {
        root: root.clone(),
        mine: mine.len() as u64,
        ran: 0,
        skipped: 0,
        runs_table: None,
        elapsed: Duration::ZERO,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(opts.jobs.max(1))
        .thread_name(|i| format!("sweep-{i}"))
        .stack_size(16 << 20)
        .build()
        .map_err(|e| conflict(format!("cannot start {} worker threads: {e}", opts.jobs)))?;
    if !opts.finalize_only {
        remove_stale(&root, opts.shard)?;
        if opts.resume {
            for (id, damage) in pool.install(|| damaged_runs(sweep, &root, &mine)) {
                let dir = run_dir(&root, id);
                eprintln!("warning: {}: {damage}; redoing this run", dir.display());
                crate::storage::remove_any(&dir).map_err(io("removing damaged run", &dir))?;
            }
        }
        let todo: Vec<u64> = mine
            .iter()
            .copied()
            .filter(|&id| !is_complete(&run_dir(&root, id)))
            .collect();
        report.skipped = report.mine - todo.len() as u64;
        let sweep_marker = root.join(COMPLETION_MARKER);
        if !todo.is_empty() && sweep_marker.exists() {
            // The sweep is not complete until its runs are again.
            fs::remove_file(&sweep_marker).map_err(io("removing", &sweep_marker))?;
        }
        let bar = progress_bar(todo.len() as u64, opts.quiet);
        let next = AtomicUsize::new(0);
        let ran = AtomicU64::new(0);
        let failed = Mutex::new(Vec::new());
        let no_space = Mutex::new(None);
        let full = AtomicBool::new(false);
        let jobs = opts.jobs.clamp(1, todo.len().max(1));
        pool.scope(|s| {
            for _ in 0..jobs {
                s.spawn(|_| loop {
                    if stop.load(Ordering::Relaxed) || full.load(Ordering::Relaxed) {
                        break;
                    }
                    let Some(&id) = todo.get(next.fetch_add(1, Ordering::Relaxed)) else {
                        break;
                    };
                    let result = sweep
                        .scenario(id)
                        .map_err(RunFailure::Scenario)
                        .and_then(|sc| {
                            let tag = [(RUN_FILE, run_tag(sweep, &hash, id))];
                            let dir = run_dir(&root, id);
                            run_in_dir(&sc, &dir, id, &tag, &mut NoProgress, Some(stop)).map_err(
                                |e| {
                                    if e.is_out_of_space() {
                                        full.store(true, Ordering::Relaxed);
                                        let mut first =
                                            no_space.lock().unwrap_or_else(|p| p.into_inner());
                                        first.get_or_insert((id, e.to_string()));
                                    }
                                    RunFailure::Run(e)
                                },
                            )
                        });
                    match result {
                        Ok(_) => {
                            ran.fetch_add(1, Ordering::Relaxed);
                            bar.inc(1);
                        }
                        Err(_) if stop.load(Ordering::Relaxed) => break,
                        Err(e) => {
                            failed
                                .lock()
                                .unwrap_or_else(|p| p.into_inner())
                                .push(FailedRun { run: id, error: e });
                            bar.inc(1);
                        }
                    }
                });
            }
        });
        bar.finish_and_clear();
        report.ran = ran.into_inner();
        let done = || {
            mine.iter()
                .filter(|&&id| is_complete(&run_dir(&root, id)))
                .count() as u64
        };
        if stop.load(Ordering::Relaxed) {
            return Err(ExecError::Interrupted {
                done: done(),
                total: report.mine,
                root,
            });
        }
        if let Some((run, error)) = no_space.into_inner().unwrap_or_else(|p| p.into_inner()) {
            return Err(ExecError::NoSpace {
                run,
                error,
                done: done(),
                total: report.mine,
                root,
            });
        }
        let mut failed = failed.into_inner().unwrap_or_else(|p| p.into_inner());
        if !failed.is_empty() {
            failed.sort_by_key(|f| f.run);
            return Err(ExecError::Failed {
                failed,
                total: todo.len() as u64,
            });
        }
    }
    if opts.finalize_only {
        // Shards may have been copied in from elsewhere: check every run's bytes.
        let all: Vec<u64> = (0..sweep.n_runs()).collect();
        let damaged = pool.install(|| damaged_runs(sweep, &root, &all));
        if !damaged.is_empty() {
            return Err(ExecError::Damaged {
                root,
                foreign_only: damaged
                    .iter()
                    .all(|(_, d)| matches!(d, Damage::Foreign { .. })),
                damaged: damaged
                    .into_iter()
                    .map(|(id, d)| (id, d.to_string()))
                    .collect(),
            });
        }
    }
    if opts.finalize_only || opts.shard.is_none() {
        report.runs_table = Some(finalize(sweep, &root)?);
    }
    report.elapsed = t0.elapsed();
    Ok(report)
}

/// Assembles `runs.parquet` and writes the sweep's `_SUCCESS`; every run must be complete.
fn finalize(sweep: &Sweep, root: &Path) -> Result<PathBuf, ExecError> {
    let n = sweep.n_runs();
    let missing: Vec<u64> = (0..n)
        .filter(|&id| !is_complete(&run_dir(root, id)))
        .collect();
    if !missing.is_empty() {
        return Err(ExecError::Incomplete {
            root: root.to_path_buf(),
            missing_count: missing.len() as u64,
            missing: missing.into_iter().take(10).collect(),
            total: n,
        });
    }
    remove_dead_temp_files(root)?;
    let path = write_runs_table(sweep, root)?;
    let marker = manifest::manifest_of(root, &[MANIFEST_FILE, RUNS_FILE])
        .map_err(io("hashing the files of", root))?;
    write_atomic(&root.join(COMPLETION_MARKER), marker.as_bytes())?;
    Ok(path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shards_parse_and_partition() {
        assert_eq!("1/3".parse::<Shard>(), Ok(Shard { k: 1, n: 3 }));
        assert!("3/3".parse::<Shard>().unwrap_err().contains("[0, 2]"));
        assert!("0/0".parse::<Shard>().is_err());
        assert!("a/2".parse::<Shard>().is_err());
        assert!("1".parse::<Shard>().is_err());
        let shards: Vec<Shard> = (0..3).map(|k| Shard { k, n: 3 }).collect();
        for id in 0..100 {
            assert_eq!(shards.iter().filter(|s| s.contains(id)).count(), 1);
        }
    }
}
