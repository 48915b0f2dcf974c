//! The `hashshift` command line.
//!
//! Exit codes: 0 ok, 2 bad input (scenario, flags, data files), 1 any other failure.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};

use hashshift::calendar::{format_date, DAY_S};
use hashshift::engine::{Progress, SimError, SimulationBuilder};
use hashshift::output::OutputError;
use hashshift::runner::{run_to_dir, RunError, RunOutcome};
use hashshift::scenario::{raw::RawScenario, Scenario, ScenarioError};

#[derive(Parser)]
#[command(
    name = "hashshift",
    version,
    about = "Discrete-event simulator of the migration of compute from Bitcoin mining to AI",
    long_about = "Discrete-event simulator of the migration of compute from Bitcoin mining to AI.\n\
                  Exit codes: 0 ok, 2 bad input, 1 failure."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run one scenario and write its Parquet tables to <OUT>/<name>/.
    Run {
        /// Scenario TOML file.
        scenario: PathBuf,
        /// Parent folder of the run folder.
        #[arg(long, default_value = "outputs")]
        out: PathBuf,
        /// Master seed (overrides the scenario's `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Override a scenario value: key.path=value (repeatable), e.g. hashrate.ehs=800.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// No progress bar and no summary line.
        #[arg(long, short)]
        quiet: bool,
    },
    /// Check scenario files without running them.
    Validate {
        /// Scenario TOML files.
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Print the JSON Schema of the scenario file format.
    Schema,
    /// List the scenarios in a folder (default: scenarios/).
    List {
        /// Folder to list.
        #[arg(default_value = "scenarios")]
        dir: PathBuf,
    },
}

/// A failure and the exit code it maps to.
struct Failure {
    code: u8,
    error: anyhow::Error,
}

impl From<ScenarioError> for Failure {
    fn from(e: ScenarioError) -> Self {
        Failure {
            code: 2,
            error: e.into(),
        }
    }
}

impl From<anyhow::Error> for Failure {
    fn from(error: anyhow::Error) -> Self {
        Failure { code: 1, error }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(f) => {
            // Library errors carry their causes in their own message; print it once.
            eprintln!("error: {}", f.error);
            ExitCode::from(f.code)
        }
    }
}

fn dispatch(cmd: Command) -> Result<(), Failure> {
    match cmd {
        Command::Run {
            scenario,
            out,
            seed,
            mut set,
            quiet,
        } => {
            if let Some(s) = seed {
                set.push(format!("seed={s}"));
            }
            let sc = Scenario::load(&scenario, &set)?;
            let mut progress = CliProgress::new(&sc, quiet);
            let outcome = run_to_dir(&sc, &out, &mut progress).map_err(|e| Failure {
                // Refusing to replace a folder that is not a run is a bad `--out`; an invalid
                // simulation input (e.g. nothing profitable at the start) is bad input too.
                code: if matches!(
                    e,
                    RunError::Output(OutputError::WouldClobber { .. })
                        | RunError::Sim(SimError::Invalid(_))
                ) {
                    2
                } else {
                    1
                },
                error: anyhow::anyhow!("run of {} failed: {e}", scenario.display()),
            })?;
            progress.finish();
            if !quiet {
                print_outcome(&outcome);
            }
            Ok(())
        }
        Command::Validate { files } => {
            let mut failed = 0;
            for f in &files {
                // Building the simulation also catches what only generating the network
                // reveals (e.g. no machine profitable at the start).
                let checked = Scenario::load(f, &[])
                    .map_err(|e| e.to_string())
                    .and_then(|sc| {
                        SimulationBuilder::new(&sc)
                            .build()
                            .map(|_| sc)
                            .map_err(|e| format!("{}: {e}", f.display()))
                    });
                match checked {
                    Ok(sc) => println!(
                        "ok: {} (name {}, {} to {})",
                        f.display(),
                        sc.name,
                        format_date(sc.start_unix),
                        format_date(sc.end_unix)
                    ),
                    Err(e) => {
                        eprintln!("error: {e}");
                        failed += 1;
                    }
                }
            }
            if failed > 0 {
                return Err(Failure {
                    code: 2,
                    error: anyhow::anyhow!(
                        "{failed} of {} scenario files are invalid",
                        files.len()
                    ),
                });
            }
            Ok(())
        }
        Command::Schema => {
            let schema = schemars::schema_for!(RawScenario);
            println!(
                "{}",
                serde_json::to_string_pretty(&schema)
                    .map_err(|e| anyhow::anyhow!("serializing the schema: {e}"))?
            );
            Ok(())
        }
        Command::List { dir } => list(&dir),
    }
}

fn list(dir: &Path) -> Result<(), Failure> {
    let entries = std::fs::read_dir(dir).map_err(|e| Failure {
        code: 2,
        error: anyhow::anyhow!("cannot list {}: {e}", dir.display()),
    })?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "toml"))
        .collect();
    files.sort();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let desc = toml::from_str::<RawScenario>(&text)
            .ok()
            .and_then(|r| r.description)
            .map(|d| d.split_whitespace().collect::<Vec<_>>().join(" "))
            .unwrap_or_else(|| "(no description or invalid; run `hashshift validate`)".into());
        println!("{:<32} {desc}", f.display());
    }
    Ok(())
}

fn print_outcome(o: &RunOutcome) {
    let s = &o.summary;
    println!(
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
