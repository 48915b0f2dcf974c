//! Scenario errors: each names the file, the key, the bad value and what is allowed.

use std::fmt;
use std::path::PathBuf;

/// Why a scenario could not be loaded. Every variant is a user-input problem (exit code 2).
#[derive(Debug, Clone, PartialEq)]
pub enum ScenarioError {
    /// The file could not be read.
    Read {
        /// The scenario file.
        file: PathBuf,
        /// The operating system's message.
        message: String,
    },
    /// TOML syntax error, unknown key or wrong type (stage one).
    Parse {
        /// The scenario file.
        file: PathBuf,
        /// The parser's message (with line and column where known).
        message: String,
    },
    /// A value outside its allowed range, or keys that do not go together (stage two).
    Invalid {
        /// The scenario file.
        file: PathBuf,
        /// Dotted key path, e.g. `hashrate.ehs`.
        key: String,
        /// The offending value as written.
        value: String,
        /// What is allowed.
        allowed: String,
    },
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

/// The messages a scenario file and a sweep file share.
pub(crate) mod message {
    use std::fmt;
    use std::path::Path;

    /// The file could not be read.
    pub fn read(f: &mut fmt::Formatter<'_>, what: &str, file: &Path, message: &str) -> fmt::Result {
        write!(f, "cannot read {what} file {}: {message}", file.display())
    }

    /// TOML syntax error, unknown key or wrong type.
    pub fn parse(f: &mut fmt::Formatter<'_>, file: &Path, message: &str) -> fmt::Result {
        write!(f, "{}: {}", file.display(), message.trim_end())
    }

    /// A value outside its allowed range.
    pub fn invalid(
        f: &mut fmt::Formatter<'_>,
        file: &Path,
        key: &str,
        value: &str,
        allowed: &str,
    ) -> fmt::Result {
        write!(
            f,
            "{}: `{key}` = {value} is not allowed: {allowed}",
            file.display()
        )
    }
}

impl fmt::Display for ScenarioError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScenarioError::Read { file, message } => message::read(f, "scenario", file, message),
            ScenarioError::Parse { file, message } => message::parse(f, file, message),
            ScenarioError::Invalid {
                file,
                key,
                value,
                allowed,
            } => message::invalid(f, file, key, value, allowed),
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
