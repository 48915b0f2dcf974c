//! The `hashshift` command line: one function per verb (`run`, `sweep`, `validate`, `schema`,
//! `list`). Exit codes come from one mapping, [`hashshift::exit`]: 0 ok, 2 bad input, 1 any
//! other failure, 130 stopped by Ctrl-C (or SIGTERM, SIGHUP).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use hashshift::calendar::{format_date, DAY_S};
use hashshift::engine::{Progress, SimulationBuilder};
use hashshift::exit::{Exit, ExitStatus};
use hashshift::output::doc::{replace_generated, BEGIN_MARKER, END_MARKER};
use hashshift::runner::{run_to_dir, RunError, RunOutcome};
use hashshift::scenario::{raw::RawScenario, Scenario, ScenarioError};
use hashshift::sweep::doc::{outputs_json, outputs_markdown};
use hashshift::sweep::exec::{execute, Options, Shard};
use hashshift::sweep::raw::RawSweep;
use hashshift::sweep::{Sweep, SweepError};

/// Writes to standard output. A closed pipe (`hashshift list | head -1`) ends the program
/// quietly with exit code 0, as the reader asked for no more; any other write error (a full
/// disk) is a failure (exit 1).
fn write_stdout(args: std::fmt::Arguments<'_>) -> Result<(), Failure> {
    let mut out = std::io::stdout().lock();
    match out.write_fmt(args).and_then(|()| out.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => std::process::exit(0),
        Err(e) => Err(Failure::new(
            Exit::Failure,
            anyhow::anyhow!("writing to standard output: {e}"),
        )),
    }
}

/// `print!` through [`write_stdout`]; returns from the enclosing function on failure.
macro_rules! say {
    ($($arg:tt)*) => {
        write_stdout(format_args!($($arg)*))?
    };
}

/// `println!` through [`write_stdout`]; returns from the enclosing function on failure.
macro_rules! sayln {
    ($($arg:tt)*) => {
        write_stdout(format_args!("{}\n", format_args!($($arg)*)))?
    };
}

#[derive(Parser)]
#[command(
    name = "hashshift",
    version,
    about = "Discrete-event simulator of the migration of compute from Bitcoin mining to AI",
    long_about = "Discrete-event simulator of the migration of compute from Bitcoin mining to AI.\n\
                  Exit codes: 0 ok, 2 bad input, 1 failure, 130 interrupted."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one scenario and write its Parquet tables to <OUT>/<name>/.
    Run(RunArgs),
    /// Run a sweep: many runs of a base scenario over a design of parameter points and
    /// replicate seeds, into <OUT>/<name>/run=<id>/ plus a runs.parquet table.
    Sweep(SweepArgs),
    /// Check scenario and sweep files without running them.
    Validate(ValidateArgs),
    /// Print the JSON Schema of the scenario file format, or with --outputs the columns of
    /// the output tables (Markdown, or JSON with --format json).
    Schema(SchemaArgs),
    /// List the scenarios in a folder (default: scenarios/).
    List(ListArgs),
}

#[derive(Args)]
struct RunArgs {
    /// Scenario TOML file.
    scenario: PathBuf,
    /// Parent folder of the run folder.
    #[arg(long, default_value = "outputs")]
    out: PathBuf,
    /// Master seed (overrides the scenario's `seed`), 0..=2^63-1.
    #[arg(long, value_parser = clap::value_parser!(u64).range(..=i64::MAX as u64))]
    seed: Option<u64>,
    /// Override a scenario value: key.path=value (repeatable), e.g. hashrate.ehs=800.
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// No progress bar and no summary line.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args)]
struct SweepArgs {
    /// Sweep TOML file (see scenarios/sweeps/).
    file: PathBuf,
    /// Parent folder of the sweep folder.
    #[arg(long, default_value = "outputs")]
    out: PathBuf,
    /// Runs in parallel (default: the number of CPUs).
    #[arg(long, short, value_parser = clap::value_parser!(u32).range(1..=4096))]
    jobs: Option<u32>,
    /// Run only the runs with id % N == K (K from 0), e.g. $SLURM_ARRAY_TASK_ID/N.
    #[arg(long, value_name = "K/N")]
    shard: Option<Shard>,
    /// Continue an interrupted sweep: skip complete runs, redo partial ones.
    #[arg(long)]
    resume: bool,
    /// List the runs (of the shard) without running them.
    #[arg(long)]
    dry_run: bool,
    /// Only assemble runs.parquet once every run (of every shard) is complete.
    #[arg(long, conflicts_with_all = ["shard", "dry_run"])]
    finalize: bool,
    /// No progress bar and no summary line.
    #[arg(long, short)]
    quiet: bool,
}

#[derive(Args)]
struct ValidateArgs {
    /// Scenario or sweep TOML files.
    #[arg(required = true)]
    files: Vec<PathBuf>,
}

#[derive(Args)]
struct SchemaArgs {
    /// Print the column reference of every output table (from the table registry: type,
    /// unit, nullability, meaning) instead.
    #[arg(long)]
    outputs: bool,
    /// Format of the column reference: markdown, or json (the tables with their files
    /// and columns, each column's type, unit, nullability and when it is null, and the
    /// event kinds: for scripts).
    #[arg(long, value_enum, default_value_t = SchemaFormat::Markdown, requires = "outputs")]
    format: SchemaFormat,
    /// Replace the generated block of FILE (between its marker lines) with the column
    /// reference (Markdown) instead of printing it, e.g. --write outputs/README.md.
    #[arg(long, value_name = "FILE", requires = "outputs")]
    write: Option<PathBuf>,
}

#[derive(Args)]
struct ListArgs {
    /// Folder to list.
    #[arg(default_value = "scenarios")]
    dir: PathBuf,
}

/// Format of `hashshift schema --outputs`.
#[derive(Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum SchemaFormat {
    /// The Markdown column reference (the generated block of outputs/README.md).
    Markdown,
    /// JSON, for scripts.
    Json,
}

/// A failure and how it ends the process ([`Exit`], decided by the error's type in
/// [`hashshift::exit`], or here for what only the command line refuses).
struct Failure {
    exit: Exit,
    error: anyhow::Error,
}

impl Failure {
    fn new(exit: Exit, error: anyhow::Error) -> Self {
        Failure { exit, error }
    }

    /// Input the command line itself refuses (exit 2).
    fn bad_input(error: anyhow::Error) -> Self {
        Failure::new(Exit::BadInput, error)
    }

    /// A library error, exiting as its type says; `context` prefixes its message.
    fn of<E: ExitStatus + std::fmt::Display>(e: &E, context: std::fmt::Arguments<'_>) -> Self {
        Failure::new(e.exit(), anyhow::anyhow!("{context}{e}"))
    }
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure::of(&e, format_args!(""))
    }
}

impl From<SweepError> for Failure {
    fn from(e: SweepError) -> Self {
        Failure::of(&e, format_args!(""))
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Failure::new(Exit::Failure, error)
    }
}

fn main() -> ExitCode {
    // A file-size limit (`ulimit -f`) then fails the write like a full disk (exit 1, message).
    hashshift::storage::ignore_file_size_signal();
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Run(args) => run(args),
        Command::Sweep(args) => sweep(args),
        Command::Validate(args) => validate(&args.files),
        Command::Schema(args) => schema(args),
        Command::List(args) => list(&args.dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            // Library errors carry their causes in their own message; print it once.
            eprintln!("error: {}", f.error);
            ExitCode::from(f.exit.code())
        }
    }
}

/// `hashshift run`: one scenario into `<out>/<name>/`.
fn run(args: RunArgs) -> Result<(), Failure> {
    let RunArgs {
        scenario,
        out,
        seed,
        mut set,
        quiet,
    } = args;
    if let Some(s) = seed {
        set.push(format!("seed={s}"));
    }
    let sc = Scenario::load(&scenario, &set)?;
    check_out_folder(&out)?;
    install_stop_handler();
    let mut progress = CliProgress::new(&sc, quiet);
    let outcome = run_to_dir(&sc, &out, &mut progress, Some(&STOP)).map_err(|e| {
        progress.finish();
        let dir = out.join(&sc.name);
        let what = scenario.display();
        let error = match &e {
            RunError::Stopped => anyhow::anyhow!(
                "interrupted: the run of {what} was stopped before it finished; nothing was \
                 written to {} (an earlier complete run there is unchanged)",
                dir.display()
            ),
            e if e.is_out_of_space() => anyhow::anyhow!(
                "run of {what} failed: out of disk space (or over a file-size or quota limit); \
                 nothing was written to {} and the partial files were removed: {e}",
                dir.display()
            ),
            e => anyhow::anyhow!("run of {what} failed: {e}"),
        };
        Failure::new(e.exit(), error)
    })?;
    progress.finish();
    if !quiet {
        print_outcome(&outcome)?;
    }
    Ok(())
}

/// `hashshift sweep`: the runs of a sweep (or of one shard), then `runs.parquet`.
fn sweep(args: SweepArgs) -> Result<(), Failure> {
    let SweepArgs {
        file,
        out,
        jobs,
        shard,
        resume,
        dry_run,
        finalize,
        quiet,
    } = args;
    let sweep = Sweep::load(&file)?;
    if dry_run {
        let mut ids = (0..sweep.n_runs()).filter(|&id| shard.is_none_or(|s| s.contains(id)));
        say!("{}", sweep.listing(&mut ids));
        return Ok(());
    }
    check_out_folder(&out)?;
    install_stop_handler();
    let opts = Options {
        out,
        jobs: jobs.map_or_else(
            || std::thread::available_parallelism().map_or(1, |n| n.get()),
            |j| j as usize,
        ),
        shard,
        resume,
        finalize_only: finalize,
        quiet,
    };
    let report = execute(&sweep, &opts, &STOP)
        .map_err(|e| Failure::of(&e, format_args!("sweep {}: ", file.display())))?;
    if !quiet {
        let shard_text = shard.map_or(String::new(), |s| format!(" (shard {}/{})", s.k, s.n));
        match &report.runs_table {
            Some(t) => sayln!(
                "sweep {}: {} runs{shard_text} ({} run now, {} already complete) in {:.1} s; wrote {}",
                sweep.name, report.mine, report.ran, report.skipped,
                report.elapsed.as_secs_f64(), t.display()
            ),
            None => sayln!(
                "sweep {}: {} runs{shard_text} ({} run now, {} already complete) in {:.1} s into {}; \
                 once every shard is done: hashshift sweep {} --finalize --out {}",
                sweep.name, report.mine, report.ran, report.skipped,
                report.elapsed.as_secs_f64(), report.root.display(),
                file.display(), opts.out.display()
            ),
        }
    }
    Ok(())
}

/// `hashshift validate`: each file checked as far as a run would check it before writing;
/// every invalid file is reported, then exit 2 if any was.
fn validate(files: &[PathBuf]) -> Result<(), Failure> {
    let mut failed = 0;
    for f in files {
        let checked = if is_sweep_file(f) {
            validate_sweep(f)
        } else {
            validate_scenario(f)
        };
        match checked {
            Ok(msg) => sayln!("ok: {} ({msg})", f.display()),
            Err(e) => {
                eprintln!("error: {e}");
                failed += 1;
            }
        }
    }
    if failed > 0 {
        return Err(Failure::bad_input(anyhow::anyhow!(
            "{failed} of {} files are invalid",
            files.len()
        )));
    }
    Ok(())
}

/// `hashshift schema`: the scenario format's JSON Schema, or the output tables' columns.
fn schema(args: SchemaArgs) -> Result<(), Failure> {
    match (args.outputs, args.format, args.write) {
        (false, ..) => {
            let schema = schemars::schema_for!(RawScenario);
            sayln!(
                "{}",
                serde_json::to_string_pretty(&schema)
                    .map_err(|e| anyhow::anyhow!("serializing the schema: {e}"))?
            );
            Ok(())
        }
        (true, SchemaFormat::Markdown, Some(file)) => write_generated(&file, &outputs_markdown()),
        (true, SchemaFormat::Markdown, None) => {
            say!("{}", outputs_markdown());
            Ok(())
        }
        (true, SchemaFormat::Json, None) => {
            let json = serde_json::to_string_pretty(&outputs_json())
                .map_err(|e| anyhow::anyhow!("serializing the column reference: {e}"))?;
            sayln!("{json}");
            Ok(())
        }
        (true, SchemaFormat::Json, Some(_)) => Err(Failure::bad_input(anyhow::anyhow!(
            "--write replaces a Markdown block; it cannot be used with --format json"
        ))),
    }
}

/// Refuses an `--out` that goes through a file (exit 2, nothing written): the first part of
/// the path that exists must be a folder, and no part may be a symbolic link to nothing
/// (creating the folder would fail with a bare "File exists").
fn check_out_folder(out: &Path) -> Result<(), Failure> {
    let dangling = out.ancestors().find(|p| {
        !p.as_os_str().is_empty()
            && !p.exists()
            && std::fs::symlink_metadata(p).is_ok_and(|m| m.file_type().is_symlink())
    });
    if let Some(link) = dangling {
        let target = std::fs::read_link(link).unwrap_or_default();
        return Err(Failure::bad_input(anyhow::anyhow!(
            "--out {}: {} is a symbolic link to {}, which does not exist; create it or choose \
             another --out",
            out.display(),
            link.display(),
            target.display()
        )));
    }
    match out
        .ancestors()
        .find(|p| !p.as_os_str().is_empty() && p.exists())
    {
        Some(p) if !p.is_dir() => Err(Failure::bad_input(anyhow::anyhow!(
            "--out {}: {} is a file, not a folder; choose another --out",
            out.display(),
            p.display()
        ))),
        _ => Ok(()),
    }
}

/// Replaces the generated block of `file` with `generated`, atomically (a temporary file in
/// the same folder, renamed over it); leaves the file alone when it is already up to date.
fn write_generated(file: &Path, generated: &str) -> Result<(), Failure> {
    let bad = Failure::bad_input;
    let text = hashshift::storage::read_text(file)
        .map_err(|e| bad(anyhow::anyhow!("cannot read {}: {e}", file.display())))?;
    let new = replace_generated(&text, generated).map_err(|e| {
        bad(anyhow::anyhow!(
            "{} has no generated block to replace: {e} (add the lines `{BEGIN_MARKER}` and \
             `{END_MARKER}` where the column reference goes)",
            file.display()
        ))
    })?;
    if new == text {
        sayln!("{} is up to date", file.display());
        return Ok(());
    }
    if file.file_name().is_none() {
        return Err(bad(anyhow::anyhow!("{}: not a file name", file.display())));
    }
    let perms = std::fs::metadata(file)
        .map_err(|e| anyhow::anyhow!("reading {}: {e}", file.display()))?
        .permissions();
    hashshift::storage::replace_file(
        file,
        Some(perms),
        |mut f| f.write_all(new.as_bytes()).map(|()| f),
        |op, p, e| std::io::Error::new(e.kind(), format!("{op} {}: {e}", p.display())),
    )
    .map_err(|e| anyhow::anyhow!("writing {}: {e}", file.display()))?;
    sayln!("updated the generated block of {}", file.display());
    Ok(())
}

/// `hashshift list`: the scenario and sweep files of a folder with their descriptions.
fn list(dir: &Path) -> Result<(), Failure> {
    let entries = std::fs::read_dir(dir)
        .map_err(|e| Failure::bad_input(anyhow::anyhow!("cannot list {}: {e}", dir.display())))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for f in files {
        let text = hashshift::storage::read_text(&f).unwrap_or_default();
        let desc = toml::from_str::<RawScenario>(&text)
            .ok()
            .and_then(|r| r.description)
            .or_else(|| {
                toml::from_str::<RawSweep>(&text)
                    .ok()
                    .and_then(|r| r.description)
            })
            .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|| "(no description or invalid; run `hashshift validate`)".into());
        sayln!("{:<32} {desc}", f.display());
    }
    Ok(())
}

/// Set by Ctrl-C: a run is abandoned at the end of its simulated day; a sweep starts no new
/// run and abandons the runs in flight.
static STOP: AtomicBool = AtomicBool::new(false);

/// First Ctrl-C (SIGINT; also SIGTERM and SIGHUP, as Slurm sends on scancel or a time limit):
/// stop cleanly (finished runs stay complete, runs in flight are removed);
/// a second one exits at once (the hidden staging folders it leaves are removed by the next
/// run of the same output, or by a sweep's --resume).
fn install_stop_handler() {
    let result = ctrlc::set_handler(|| {
        if STOP.swap(true, Ordering::SeqCst) {
            eprintln!(
                "\nsecond interrupt: exiting now (for a sweep, rerun with --resume to finish)"
            );
            std::process::exit(130);
        }
        eprintln!("\ninterrupt: stopping (finished runs stay complete; Ctrl-C again to exit now)");
    });
    if let Err(e) = result {
        eprintln!("warning: cannot install the Ctrl-C handler ({e}); Ctrl-C will end the program abruptly (a hidden staging folder may stay behind)");
    }
}

/// A sweep file names its base `scenario`; a scenario file has no such key.
fn is_sweep_file(f: &Path) -> bool {
    hashshift::storage::read_text(f)
        .ok()
        .and_then(|t| toml::from_str::<toml::Table>(&t).ok())
        .is_some_and(|t| t.contains_key("scenario"))
}

/// Validates a sweep: the file, every point's scenario, and the simulation of every point
/// (built when the sweep is loaded).
fn validate_sweep(f: &Path) -> Result<String, String> {
    let sweep = Sweep::load(f).map_err(|e| e.to_string())?;
    Ok(format!(
        "sweep {}, {} points x {} replicates = {} runs of {}",
        sweep.name,
        sweep.points.len(),
        sweep.seeds.len(),
        sweep.n_runs(),
        sweep.base_file.display()
    ))
}

/// Validates a scenario: the file, then building its simulation, which also catches what only
/// generating the network reveals (e.g. no machine profitable at the start).
fn validate_scenario(f: &Path) -> Result<String, String> {
    let sc = Scenario::load(f, &[]).map_err(|e| e.to_string())?;
    SimulationBuilder::new(&sc)
        .build()
        .map_err(|e| format!("{}: {e}", f.display()))?;
    Ok(format!(
        "name {}, {} to {}",
        sc.name,
        format_date(sc.start_unix),
        format_date(sc.end_unix)
    ))
}

fn print_outcome(o: &RunOutcome) -> Result<(), Failure> {
    let s = &o.summary;
    sayln!(
        "wrote {}: {} blocks (heights {}..={}), {} retargets ({} clamped), {} halvings, \
         mean interval {:.1} s, difficulty {:.4e} -> {:.4e}",
        o.dir.display(),
        s.blocks,
        s.start_height,
        s.end_height,
        s.retargets,
        s.clamped_retargets,
        s.halvings,
        s.mean_interval_s,
        s.start_difficulty,
        s.end_difficulty
    );
    Ok(())
}

/// indicatif progress over simulated days; hidden with --quiet or when stderr is not a
/// terminal.
struct CliProgress {
    bar: ProgressBar,
    start_unix: i64,
}

impl CliProgress {
    fn new(sc: &Scenario, quiet: bool) -> Self {
        let days = ((sc.end_unix - sc.start_unix) / DAY_S).max(1) as u64;
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::hidden()
        } else {
            let b = ProgressBar::new(days);
            b.set_style(
                ProgressStyle::with_template("{spinner} {elapsed_precise} {wide_bar} {msg}")
                    .expect("static template is valid"),
            );
            b
        };
        Self {
            bar,
            start_unix: sc.start_unix,
        }
    }

    fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for CliProgress {
    fn update(&mut self, time_unix: i64, height: u64) {
        if self.bar.is_hidden() {
            return;
        }
        self.bar
            .set_position(((time_unix - self.start_unix) / DAY_S) as u64);
        self.bar
            .set_message(format!("{} · block {height}", format_date(time_unix)));
    }
}
