//! Scenario errors: each names the file, the key, the bad value and what is allowed. The
//! errors of reading, parsing and checking a TOML file ([`FileError`]) are a sweep file's too.

use std::fmt;
use std::path::{Path, PathBuf};

/// Why a TOML input file (a scenario or a sweep file) was refused: it could not be read, its
/// syntax, a key or a type is wrong (stage one), or a value is not allowed (stage two).
#[derive(Debug, Clone, PartialEq)]
pub enum FileError {
    /// The file could not be read.
    Read {
        /// What the file is: `"scenario"` or `"sweep"`.
        kind: &'static str,
        /// The file.
        file: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// TOML syntax error, unknown key or wrong type (stage one).
    Parse {
        /// The file.
        file: PathBuf,
        /// The parser's message (with line and column where known).
        message: String,
    },
    /// A value outside its allowed range, or keys that do not go together (stage two).
    Invalid {
        /// The file.
        file: PathBuf,
        /// Dotted key path, e.g. `hashrate.ehs` or `axis[1].step`.
        key: String,
        /// The offending value as written.
        value: String,
        /// What is allowed.
        allowed: String,
    },
}

impl FileError {
    /// The `kind` file `file` could not be read.
    pub(crate) fn read(kind: &'static str, file: &Path, e: &std::io::Error) -> Self {
        FileError::Read {
            kind,
            file: file.to_path_buf(),
            message: e.to_string(),
        }
    }

    /// `file` does not parse as TOML, or has an unknown key or a wrong type: the parser's
    /// `message`.
    pub(crate) fn parse(file: &Path, message: impl ToString) -> Self {
        FileError::Parse {
            file: file.to_path_buf(),
            message: message.to_string(),
        }
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FileError::Read {
                kind,
                file,
                message,
            } => write!(f, "cannot read {kind} file {}: {message}", file.display()),
            FileError::Parse { file, message } => {
                write!(f, "{}: {}", file.display(), message.trim_end())
            }
            FileError::Invalid {
                file,
                key,
                value,
                allowed,
            } => write!(
                f,
                "{}: `{key}` = {value} is not allowed: {allowed}",
                file.display()
            ),
        }
    }
}

impl std::error::Error for FileError {}

/// Why a scenario could not be loaded. Every variant is a user-input problem (exit code 2).
#[derive(Debug, Clone, PartialEq)]
pub enum ScenarioError {
    /// The scenario file could not be read, does not parse, or holds a value not allowed.
    File(FileError),
    /// A data file named by the scenario is missing or malformed.
    Data {
        /// The scenario file.
        file: PathBuf,
        /// Dotted key path that names the data file.
        key: String,
        /// The data file.
        data_file: PathBuf,
        /// What is wrong with it.
        message: String,
    },
    /// A `--set key.path=value` override is malformed.
    Override {
        /// The override as given.
        spec: String,
        /// What is wrong.
        message: String,
    },
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::File(e) => e.fmt(f),
            ScenarioError::Data {
                file,
                key,
                data_file,
                message,
            } => write!(
                f,
                "{}: `{key}` names {}: {message}",
                file.display(),
                data_file.display()
            ),
            ScenarioError::Override { spec, message } => {
                write!(f, "--set {spec}: {message}")
            }
        }
    }
}

impl std::error::Error for ScenarioError {}
