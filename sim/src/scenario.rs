//! Scenarios: TOML files loaded in two stages.
//!
//! 1. [`raw::RawScenario`], a serde mirror of the file with unknown keys rejected
//!    (`--set key.path=value` overrides are applied to the TOML tree before this stage);
//! 2. [`Scenario`], validated: every value checked against its allowed range, defaults
//!    ([`defaults`]) filled, dates turned into unix seconds, data files read.
//!
//! Errors ([`ScenarioError`]) name the file, the key path, the bad value and the allowed range.
//! The resolved form (defaults filled, overrides applied) is kept as TOML and written into
//! every output file's metadata, so a result always carries the exact inputs that made it.

pub mod agents;
mod chain;
pub mod csv;
pub mod defaults;
pub mod economy;
pub(crate) mod error;
mod hashrate;
pub mod keys;
pub mod raw;
pub mod raw_agents;
pub mod raw_market;
pub mod raw_network;
pub mod raw_security;
pub mod security;

use std::path::{Path, PathBuf};

use hashshift_models::hashrate_path::HashratePath;

use crate::calendar;
pub use agents::AgentsSpec;
pub use economy::{EconomySpec, FeeSpec, NetworkSpec, PriceSpec, Shock};
pub use error::{FileError, ScenarioError};
use raw::{HashrateKind, OutputKeys, RawOutput, RawScenario, ScenarioKeys};
pub use security::{DifficultyRule, DifficultySpec, Reaction, SecuritySpec};

/// The chain at the start of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ChainStart {
    /// Height of the next block to be mined.
    pub height: u64,
    /// nBits in force for that block.
    pub bits: u32,
    /// Header time (unix s) of the current epoch's first block when the run starts mid-epoch;
    /// `None` when `height` is the first block of an epoch.
    pub epoch_start_time: Option<i64>,
}

pub use crate::record::TableSelection;

/// A validated scenario, ready to simulate.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    /// Name (output folder name).
    pub name: String,
    /// Master seed.
    pub seed: u64,
    /// Start, unix seconds (UTC).
    pub start_unix: i64,
    /// End (horizon), unix seconds (UTC); > start.
    pub end_unix: i64,
    /// Chain state at the start.
    pub chain: ChainStart,
    /// How the hashrate path was given.
    pub hashrate_kind: HashrateKind,
    /// Exogenous network hashrate path, H/s against seconds since `start_unix`; `None` when
    /// hashrate comes from the generated fleet (`economy.network`).
    pub hashrate: Option<HashratePath>,
    /// Price, fees, energy, the generated network and shocks.
    pub economy: EconomySpec,
    /// The difficulty rule and its scheduled switches.
    pub difficulty: DifficultySpec,
    /// Tables to write.
    pub tables: TableSelection,
    /// The resolved scenario (defaults filled, overrides applied, data paths resolved).
    pub resolved: RawScenario,
    /// The data files the scenario read, as `(path as the scenario names it, relative to its
    /// folder; SHA-256 of the content)`, sorted: what a sweep's hash covers beside the
    /// scenario text, so a resumed sweep does not mix runs made from a changed data file (and
    /// the same sweep run from another working directory has the same hash).
    pub data_files: Vec<(String, String)>,
}

impl Scenario {
    /// Simulated horizon, seconds.
    pub fn horizon_s(&self) -> f64 {
        (self.end_unix - self.start_unix) as f64
    }

    /// The resolved scenario as TOML text.
    pub fn resolved_toml(&self) -> String {
        toml::to_string(&self.resolved).expect("a RawScenario always serializes to TOML")
    }

    /// Loads and validates a scenario file, applying `--set` overrides.
    pub fn load(file: &Path, overrides: &[String]) -> Result<Self, ScenarioError> {
        let text = crate::storage::read_text(file)
            .map_err(|e| ScenarioError::File(FileError::read("scenario", file, &e)))?;
        Self::from_toml(&text, file, overrides)
    }

    /// Validates scenario `text` as if read from `file` (used for names and relative paths).
    pub fn from_toml(text: &str, file: &Path, overrides: &[String]) -> Result<Self, ScenarioError> {
        let parse_err = |message: String| ScenarioError::File(FileError::parse(file, message));
        let raw: RawScenario = if overrides.is_empty() {
            toml::from_str(text).map_err(|e| parse_err(e.to_string()))?
        } else {
            let mut table: toml::Table =
                toml::from_str(text).map_err(|e| parse_err(e.to_string()))?;
            for spec in overrides {
                apply_override(&mut table, spec)?;
            }
            RawScenario::deserialize_table(table).map_err(|(e, text_after)| {
                // An error the file has without the overrides is reported as without them,
                // with the file's line.
                if let Err(own) = toml::from_str::<RawScenario>(text) {
                    if own.message() == e.message() {
                        return parse_err(own.to_string());
                    }
                }
                // The error's line is in the re-serialized text, not the file: name the key.
                let key = e.span().and_then(|s| key_at(&text_after, s.start));
                parse_err(match key {
                    Some(key) => format!("after --set overrides: `{key}`: {}", e.message()),
                    None => format!("after --set overrides: {}", e.message()),
                })
            })?
        };
        validate(raw, file)
    }
}

impl RawScenario {
    /// Deserializes `table`; on error, the error and the text it refers to.
    fn deserialize_table(table: toml::Table) -> Result<Self, (toml::de::Error, String)> {
        // Round-trip through text keeps the parser's key names in error messages.
        let text = toml::to_string(&table).expect("a toml::Table always serializes");
        toml::from_str(&text).map_err(|e| (e, text))
    }
}

/// The dotted key of the `key = value` line of TOML `text` that holds byte `pos` (under the
/// last `[table]` header before it), or the table of the header line that holds it, for
/// messages about re-serialized text.
fn key_at(text: &str, pos: usize) -> Option<String> {
    let mut table = String::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let t = line.trim();
        let header = t.starts_with('[');
        if header {
            table = t.trim_matches(|c| c == '[' || c == ']').trim().to_string();
        }
        start += line.len();
        if pos < start {
            if header {
                return Some(table);
            }
            let key = t.split_once('=')?.0.trim();
            return Some(if table.is_empty() {
                key.to_string()
            } else {
                format!("{table}.{key}")
            });
        }
    }
    None
}

/// Applies one `key.path=value` override to a TOML tree. The value is read as a TOML value
/// (`3`, `1.5`, `true`, `"text"`, `[1, 2]`); anything that is not valid TOML is taken as a
/// string, so `--set hashrate.kind=csv` works without quotes.
pub fn apply_override(table: &mut toml::Table, spec: &str) -> Result<(), ScenarioError> {
    let err = |message: &str| ScenarioError::Override {
        spec: spec.to_string(),
        message: message.to_string(),
    };
    let (path, value_text) = spec
        .split_once('=')
        .ok_or_else(|| err("expected key.path=value"))?;
    if spec.chars().any(char::is_control) {
        // A newline would let the rest of the text pass as more TOML, unchecked.
        return Err(err(
            "key and value must be on one line, without control characters",
        ));
    }
    let keys: Vec<&str> = path.trim().split('.').collect();
    if keys.iter().any(|k| k.is_empty()) {
        return Err(err("empty key in the key path"));
    }
    let value_text = value_text.trim();
    let value = match toml::from_str::<toml::Table>(&format!("v = {value_text}")) {
        // Dates are strings in the scenario format (`end = "2030-01-01"`).
        Ok(mut t) => match t.remove("v").expect("parsed table has key v") {
            toml::Value::Datetime(d) => toml::Value::String(d.to_string()),
            v => v,
        },
        Err(_) if value_text.parse::<f64>().is_ok_and(f64::is_finite) => {
            let digits = value_text.trim_start_matches(['+', '-']);
            return Err(err(if digits.bytes().all(|b| b.is_ascii_digit()) {
                "not a valid TOML number (integers are 64-bit, at most 9223372036854775807)"
            } else {
                "not a valid TOML number (a decimal point needs a digit on each side: 0.5, \
                 not .5; 5.0, not 5.)"
            }));
        }
        Err(_) => toml::Value::String(value_text.to_string()),
    };
    let (last, parents) = keys.split_last().expect("split yields at least one key");
    let mut node = table;
    for k in parents {
        let entry = node
            .entry(k.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        node = entry
            .as_table_mut()
            .ok_or_else(|| err(&format!("`{k}` is not a table in the scenario")))?;
    }
    node.insert(last.to_string(), value);
    Ok(())
}

/// A data file a scenario names, read.
pub(crate) struct DataFile {
    scenario: PathBuf,
    key: String,
    path: PathBuf,
    /// The file's contents.
    pub text: String,
}

impl DataFile {
    /// An error about this file's contents.
    pub(crate) fn err(&self, message: impl Into<String>) -> ScenarioError {
        ScenarioError::Data {
            file: self.scenario.clone(),
            key: self.key.clone(),
            data_file: self.path.clone(),
            message: message.into(),
        }
    }
}

/// A value as an error message shows it: numbers far from 1 in scientific notation
/// ([`keys::show_number`]), everything else as displayed.
pub(crate) trait Shown {
    /// The value for a message.
    fn shown(&self) -> String;
}

impl Shown for f64 {
    fn shown(&self) -> String {
        keys::show_number(*self)
    }
}

macro_rules! shown_as_displayed {
    ($($t:ty),*) => {$(
        impl Shown for $t {
            fn shown(&self) -> String {
                self.to_string()
            }
        }
    )*};
}
shown_as_displayed!(u64, u32, i64, usize, bool, &str, String, &String);

pub(crate) struct Ctx<'a> {
    file: &'a Path,
    /// The data files read so far: `(path as written, SHA-256)`.
    data_files: std::cell::RefCell<Vec<(String, String)>>,
}

impl Ctx<'_> {
    pub(crate) fn invalid(
        &self,
        key: impl AsRef<str>,
        value: impl Shown,
        allowed: impl ToString,
    ) -> ScenarioError {
        ScenarioError::File(FileError::Invalid {
            file: self.file.to_path_buf(),
            key: key.as_ref().to_string(),
            value: value.shown(),
            allowed: allowed.to_string(),
        })
    }

    /// Reads the data file that `key` names, which `needed_by` (e.g. `kind = "csv"`) requires.
    pub(crate) fn required_data_file(
        &self,
        key: &str,
        rel: Option<&str>,
        needed_by: &str,
    ) -> Result<DataFile, ScenarioError> {
        let rel = rel.ok_or_else(|| {
            self.invalid(
                key,
                "(missing)",
                format!("{needed_by} needs `csv = \"path/to/file.csv\"`"),
            )
        })?;
        self.data_file(key, rel)
    }

    /// Reads the data file that `key` names (`rel`, relative to the scenario file's folder).
    pub(crate) fn data_file(&self, key: &str, rel: &str) -> Result<DataFile, ScenarioError> {
        let path = self
            .file
            .parent()
            .unwrap_or_else(|| Path::new("."))
            .join(rel);
        let mut data = DataFile {
            scenario: self.file.to_path_buf(),
            key: key.to_string(),
            path,
            text: String::new(),
        };
        data.text = crate::storage::read_data(&data.path)
            .map_err(|e| data.err(format!("cannot read it: {e}")))?;
        let hex = crate::storage::sha256_hex(data.text.as_bytes());
        self.data_files.borrow_mut().push((rel.to_string(), hex));
        Ok(data)
    }

    pub(crate) fn date(&self, key: &str, text: &str) -> Result<i64, ScenarioError> {
        calendar::parse_utc(text).map_err(|e| self.invalid(key, format!("{text:?}"), e))
    }
}

/// What an output folder name may be.
pub(crate) const NAME_ALLOWED: &str =
    "letters, digits, '-', '_' and '.' only, not starting with '.', at most 200 characters";

/// A kind or model as a scenario file spells it, quoted: `"btc_price"`, `"gbm"`.
pub(crate) fn file_spelling<T: serde::Serialize>(variant: &T) -> String {
    serde_json::to_value(variant)
        .expect("a unit variant serializes")
        .to_string()
}

/// Longest scenario or sweep name: its folder's staging name (`.<name>.partial-<pid>`) must fit
/// the 255 bytes most file systems allow in a name.
pub(crate) const NAME_MAX_CHARS: usize = 200;

/// The output folder name of a scenario or sweep file: `given`, or the file name without its
/// extension (`fallback` if it has none). `Err` holds the name when it is not allowed
/// ([`NAME_ALLOWED`]).
pub(crate) fn folder_name(
    given: Option<&str>,
    file: &Path,
    fallback: &str,
) -> Result<String, String> {
    let name = match given {
        Some(n) => n.to_string(),
        None => file
            .file_stem()
            .map_or_else(|| fallback.into(), |s| s.to_string_lossy().into_owned()),
    };
    let valid = !name.is_empty()
        && name.len() <= NAME_MAX_CHARS
        && !name.starts_with('.')
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if valid {
        Ok(name)
    } else {
        Err(name)
    }
}

/// Stage two: resolves each section (defaults filled, every value checked).
fn validate(mut raw: RawScenario, file: &Path) -> Result<Scenario, ScenarioError> {
    let cx = Ctx {
        file,
        data_files: Default::default(),
    };
    let k = ScenarioKeys::DEFS;

    // Name and seed.
    let name = folder_name(raw.name.as_deref(), file, "scenario")
        .map_err(|name| cx.invalid("name", format!("{name:?}"), NAME_ALLOWED))?;
    raw.name = Some(name.clone());
    let seed = cx.value(&k.seed, &mut raw.seed)?;

    // Time window.
    let start_text = cx.value(&k.start, &mut raw.start)?;
    let start_unix = cx.date("start", &start_text)?;
    let (first, last) = (defaults::EARLIEST_START_UNIX, defaults::LATEST_END_UNIX);
    let window = || {
        format!(
            "must be from {} (the genesis block) to {} (pandas' nanosecond timestamps end in \
             April 2262)",
            calendar::format_utc(first),
            calendar::format_utc(last)
        )
    };
    if !(first..last).contains(&start_unix) {
        return Err(cx.invalid("start", format!("{start_text:?}"), window()));
    }
    let end_unix = match (&raw.end, raw.horizon_years) {
        (Some(_), Some(y)) => {
            return Err(cx.invalid(
                "horizon_years",
                y,
                "give either `end` or `horizon_years`, not both",
            ))
        }
        (Some(end), None) => {
            let e = cx.date("end", end)?;
            if e <= start_unix {
                return Err(cx.invalid(
                    "end",
                    format!("{end:?}"),
                    format!("must be after start {start_text}"),
                ));
            }
            if (e - start_unix) as f64 > defaults::MAX_HORIZON_YEARS * defaults::YEAR_S {
                return Err(cx.invalid(
                    "end",
                    format!("{end:?}"),
                    format!("at most {} years after start", defaults::MAX_HORIZON_YEARS),
                ));
            }
            e
        }
        (None, _) => {
            let y = cx.value(&k.horizon_years, &mut raw.horizon_years)?;
            let end = start_unix + (y * defaults::YEAR_S).round() as i64;
            if end <= start_unix {
                return Err(cx.invalid(
                    "horizon_years",
                    y,
                    format!(
                        "{}; this one is shorter than half a second, so the run would end at \
                         its start",
                        k.horizon_years.allowed()
                    ),
                ));
            }
            end
        }
    };
    if end_unix > last {
        let key = if raw.end.is_some() {
            "end"
        } else {
            "horizon_years"
        };
        return Err(cx.invalid(
            key,
            format!("(ends {})", calendar::format_utc(end_unix)),
            window(),
        ));
    }

    let chain = chain::resolve(&cx, &mut raw.chain, start_unix, &start_text)?;
    let difficulty =
        security::resolve_difficulty(&cx, &mut raw.difficulty, &raw.shocks, chain.height)?;
    let (kind, hashrate) = hashrate::resolve(&cx, &mut raw.hashrate, start_unix, end_unix)?;
    let economy = economy::resolve(
        &cx,
        economy::Sections {
            price: &mut raw.price,
            fees: &mut raw.fees,
            energy: &mut raw.energy,
            network: &mut raw.network,
            hardware: &mut raw.hardware,
            shocks: &raw.shocks,
            firms: &mut raw.firms,
            ai: &mut raw.ai,
            security: &mut raw.security,
        },
        start_unix,
        end_unix,
        kind == HashrateKind::Fleet,
    )?;
    let tables = resolve_output(&cx, &mut raw.output)?;

    Ok(Scenario {
        name,
        seed,
        start_unix,
        end_unix,
        chain,
        hashrate_kind: kind,
        hashrate,
        economy,
        difficulty,
        tables,
        resolved: raw,
        data_files: {
            let mut files = cx.data_files.into_inner();
            files.sort();
            files.dedup();
            files
        },
    })
}

/// Resolves `[output]`: the tables to write.
fn resolve_output(cx: &Ctx<'_>, o: &mut RawOutput) -> Result<TableSelection, ScenarioError> {
    let k = OutputKeys::DEFS;
    Ok(TableSelection {
        blocks: cx.value(&k.blocks, &mut o.blocks)?,
        epochs: cx.value(&k.epochs, &mut o.epochs)?,
        firms: cx.value(&k.firms, &mut o.firms)?,
        events: cx.value(&k.events, &mut o.events)?,
    })
}

#[cfg(test)]
mod tests;
