//! The one mapping from an error to the process exit code: 0 ok, 2 bad input (scenario, sweep,
//! flags, data files, an output folder that is not the run's or the sweep's, or that another
//! hashshift process is writing), 1 any other failure, 130 stopped by Ctrl-C (or SIGTERM,
//! SIGHUP).
//!
//! Every error type the command line can meet says which [`Exit`] it is, here and nowhere
//! else; `main` only asks. A sweep's failed run keeps its typed error, so a sweep whose every
//! failed run is bad input is bad input too.

use crate::engine::SimError;
use crate::output::OutputError;
use crate::runner::RunError;
use crate::scenario::ScenarioError;
use crate::sweep::exec::{ExecError, RunFailure};
use crate::sweep::SweepError;

/// How a command ended, other than success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exit {
    /// Anything that is not the user's input: I/O, a full disk, a broken invariant (exit 1).
    Failure,
    /// The input is at fault: scenario, sweep, flags, data files, the output folder (exit 2).
    BadInput,
    /// Stopped by a signal before it finished (exit 130).
    Interrupted,
}

impl Exit {
    /// The process exit code.
    pub const fn code(self) -> u8 {
        match self {
            Exit::Failure => 1,
            Exit::BadInput => 2,
            Exit::Interrupted => 130,
        }
    }
}

/// An error that knows which [`Exit`] it is.
pub trait ExitStatus {
    /// The exit this error ends a command with.
    fn exit(&self) -> Exit;
}

impl ExitStatus for ScenarioError {
    /// Every scenario error names a file, a key or a value the user gave.
    fn exit(&self) -> Exit {
        Exit::BadInput
    }
}

impl ExitStatus for SweepError {
    /// Every sweep-load error names a file, a key or a point the user gave.
    fn exit(&self) -> Exit {
        Exit::BadInput
    }
}

impl ExitStatus for SimError {
    /// Inputs the engine cannot simulate are bad input (e.g. nothing profitable at the start);
    /// a broken invariant, a second run or a recorder failure is not.
    fn exit(&self) -> Exit {
        match self {
            SimError::Invalid(_) => Exit::BadInput,
            SimError::Invariant(_) | SimError::AlreadyRun | SimError::Record(_) => Exit::Failure,
        }
    }
}

impl ExitStatus for OutputError {
    /// Refusing to replace a folder that is not a run, or one another process is writing, is a
    /// bad `--out`; the rest (I/O, Parquet, a full disk) is a failure.
    fn exit(&self) -> Exit {
        match self {
            OutputError::WouldClobber { .. } | OutputError::InUse(_) => Exit::BadInput,
            OutputError::Io { .. }
            | OutputError::Parquet { .. }
            | OutputError::Arrow { .. }
            | OutputError::MissingSummary { .. }
            | OutputError::DuplicateSummary { .. }
            | OutputError::InvalidRunDir { .. } => Exit::Failure,
        }
    }
}

impl ExitStatus for RunError {
    fn exit(&self) -> Exit {
        match self {
            RunError::Output(e) => e.exit(),
            RunError::Sim(e) => e.exit(),
            RunError::Stopped => Exit::Interrupted,
        }
    }
}

impl ExitStatus for RunFailure {
    fn exit(&self) -> Exit {
        match self {
            RunFailure::Scenario(e) => e.exit(),
            RunFailure::Run(e) => e.exit(),
        }
    }
}

impl ExitStatus for ExecError {
    /// Bad input: the output folder (in use, another sweep's, runs of another sweep), or runs
    /// that all failed as bad input; interrupted when stopped; a failure otherwise.
    fn exit(&self) -> Exit {
        match self {
            ExecError::Conflict(_) | ExecError::InUse(_) => Exit::BadInput,
            ExecError::Output(e) => e.exit(),
            ExecError::Damaged { foreign_only, .. } => {
                if *foreign_only {
                    Exit::BadInput
                } else {
                    Exit::Failure
                }
            }
            ExecError::Interrupted { .. } => Exit::Interrupted,
            ExecError::Failed { failed, .. } => {
                if failed.iter().all(|f| f.error.exit() == Exit::BadInput) {
                    Exit::BadInput
                } else {
                    Exit::Failure
                }
            }
            ExecError::Corrupt { .. }
            | ExecError::NoSpace { .. }
            | ExecError::Incomplete { .. } => Exit::Failure,
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use super::*;
    use crate::engine::InvalidInput;
    use crate::sweep::exec::FailedRun;

    /// A run failed as bad input (`true`: the simulation refused its input) or not.
    fn failed(bad_input: &[bool]) -> ExecError {
        ExecError::Failed {
            failed: bad_input
                .iter()
                .enumerate()
                .map(|(i, &bad)| FailedRun {
                    run: i as u64,
                    error: RunFailure::Run(RunError::Sim(if bad {
                        SimError::Invalid(InvalidInput::EndNotAfterStart)
                    } else {
                        SimError::AlreadyRun
                    })),
                })
                .collect(),
            total: 10,
        }
    }

    #[test]
    fn codes() {
        assert_eq!(
            [Exit::Failure, Exit::BadInput, Exit::Interrupted].map(Exit::code),
            [1, 2, 130]
        );
    }

    #[test]
    fn a_run_exits_as_its_cause() {
        let invalid = RunError::Sim(SimError::Invalid(InvalidInput::EndNotAfterStart));
        assert_eq!(invalid.exit(), Exit::BadInput);
        assert_eq!(RunError::Sim(SimError::AlreadyRun).exit(), Exit::Failure);
        assert_eq!(RunError::Stopped.exit(), Exit::Interrupted);
        let clobber = OutputError::WouldClobber {
            path: PathBuf::from("out/x"),
            reason: "it holds x.csv".into(),
        };
        assert_eq!(RunError::Output(clobber).exit(), Exit::BadInput);
        let io = OutputError::io(
            "creating",
            &PathBuf::from("out/x"),
            std::io::Error::other("x"),
        );
        assert_eq!(RunError::Output(io).exit(), Exit::Failure);
    }

    #[test]
    fn a_sweep_is_bad_input_only_when_every_failed_run_is() {
        assert_eq!(failed(&[true, true]).exit(), Exit::BadInput);
        assert_eq!(failed(&[true, false]).exit(), Exit::Failure);
        let damaged = |foreign_only| ExecError::Damaged {
            root: PathBuf::from("out/s"),
            damaged: Vec::new(),
            foreign_only,
        };
        assert_eq!(damaged(true).exit(), Exit::BadInput);
        assert_eq!(damaged(false).exit(), Exit::Failure);
        assert_eq!(ExecError::Conflict(String::new()).exit(), Exit::BadInput);
    }
}
