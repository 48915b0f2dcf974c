//! The ASIC catalog: Bitcoin SHA-256 miner models with their specs.
//!
//! Each model has a release date, a nominal hash rate `h` (TH/s) and wall power `P` (W), so an
//! efficiency
//!
//! ```text
//! e = P / h            [W / (TH/s) = J/TH]
//! ```
//!
//! a price per TH/s of a new unit at release (USD/TH), and an economic lifetime (years).
//!
//! The default catalog ([`Catalog::default_catalog`]) is `models/data/asic_catalog.csv`, embedded
//! at compile time (no I/O at run time). Its specs come from the reference ASIC table
//! (`shared/reference/asic_models.csv`: F2Pool miner list of 2020-03, the asics-tools power table,
//! a reseller catalogue, 2025 retail listings); each row names its source. `verified = true` only
//! where the hash rate, the power and the release month all come from a sourced row (the F2Pool
//! list); every post-2020 release month is unverified. Prices at release and lifetimes are
//! assumptions for every row (see the file header for the basis). Scenarios can supply their own
//! catalog through [`Catalog::from_csv_str`] (same format).
//!
//! # Default fleet mix 2026
//!
//! [`DEFAULT_FLEET_MIX_2026`] is the proposed vintage mix of the network in 2026, as shares of
//! network hash rate (not of machine counts). It is an ASSUMPTION weighted toward the S19 XP / S21
//! classes that post-2024-halving economics favour, with a tail of S19-class machines on cheap
//! power:
//!
//! | class | models (id: share) | share |
//! |---|---|---|
//! | S19 / M30 (29.5-32.8 J/TH) | S19 Pro 19: 6%, S19j Pro 22: 6%, M30S++ 20: 4% | 16% |
//! | S19 XP / M50 (21.5-23 J/TH) | S19 XP 25: 12%, M50S++ 26: 5%, S19k Pro 28: 5% | 22% |
//! | S21 / M60 (17.5-19.9 J/TH) | S21 29: 16%, M60 31: 5%, M66 32: 4% | 25% |
//! | S21 Pro / S21+ (15 J/TH) | S21 Pro 33: 9%, S21+ 34: 8% | 17% |
//! | S21 XP / Hyd (12-16 J/TH) | S21 XP 35: 13%, S21 XP Hyd 36: 4%, S21 Hyd 30: 3% | 20% |
//!
//! Hash-rate-weighted efficiency `sum_i w_i e_i` = 19.55 J/TH, against CBECI's best-guess network
//! efficiency of 19.53 J/TH on its last date (2025-03-10); `tests/hardware_calibration.rs` checks
//! it stays within 15%.

use std::collections::HashSet;
use std::fmt;

use serde::Serialize;

pub use super::asic::{AsicModel, AsicSpec};
pub use super::catalog_csv::COLUMNS;

/// The default catalog file, embedded at compile time.
pub const DEFAULT_CATALOG_CSV: &str = include_str!("../../data/asic_catalog.csv");

/// Proposed 2026 network vintage mix: `(model id, share of network hash rate)`; shares sum to 1.
/// See the module docs for the basis (an assumption).
pub const DEFAULT_FLEET_MIX_2026: &[(u16, f64)] = &[
    (19, 0.06), // Antminer S19 Pro
    (22, 0.06), // Antminer S19j Pro
    (20, 0.04), // Whatsminer M30S++
    (25, 0.12), // Antminer S19 XP
    (26, 0.05), // Whatsminer M50S++
    (28, 0.05), // Antminer S19k Pro
    (29, 0.16), // Antminer S21
    (31, 0.05), // Whatsminer M60
    (32, 0.04), // Whatsminer M66
    (33, 0.09), // Antminer S21 Pro
    (34, 0.08), // Antminer S21+
    (35, 0.13), // Antminer S21 XP
    (36, 0.04), // Antminer S21 XP Hyd
    (30, 0.03), // Antminer S21 Hyd
];

/// Why a catalog, a model or a fleet mix could not be built. `line` is the 1-based line of the
/// CSV text where there is one (`None` for models built in code).
#[derive(Debug, Clone, PartialEq)]
pub enum CatalogError {
    /// The text has no header line.
    MissingHeader,
    /// A header column is not one of the known columns, or appears twice.
    BadColumn {
        column: String,
        reason: &'static str,
    },
    /// A required column is missing from the header.
    MissingColumn(&'static str),
    /// A data line has the wrong number of fields or unbalanced quotes.
    BadLine { line: usize, reason: String },
    /// A field could not be parsed.
    BadField {
        line: Option<usize>,
        field: &'static str,
        value: String,
        expected: &'static str,
    },
    /// A number parsed but is not allowed.
    OutOfRange {
        line: Option<usize>,
        field: &'static str,
        value: f64,
        rule: &'static str,
    },
    /// Two models share an id.
    DuplicateId { line: Option<usize>, id: u16 },
    /// Two models share a name (compared case-insensitively).
    DuplicateName { line: Option<usize>, name: String },
    /// The catalog has no models.
    Empty,
    /// A fleet mix names a model id that is not in the catalog.
    UnknownModel(u16),
    /// A fleet-mix share is negative or not finite, or the shares do not sum to 1.
    BadMix(String),
}

fn at(line: Option<usize>) -> String {
    line.map(|l| format!("line {l}: ")).unwrap_or_default()
}

impl fmt::Display for CatalogError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CatalogError::MissingHeader => write!(f, "the catalog has no header line"),
            CatalogError::BadColumn { column, reason } => {
                write!(
                    f,
                    "header: column {column:?} {reason} (columns: {})",
                    COLUMNS.join(",")
                )
            }
            CatalogError::MissingColumn(c) => write!(f, "header: required column {c:?} is missing"),
            CatalogError::BadLine { line, reason } => write!(f, "line {line}: {reason}"),
            CatalogError::BadField {
                line,
                field,
                value,
                expected,
            } => write!(f, "{}{field} = {value:?} is not {expected}", at(*line)),
            CatalogError::OutOfRange {
                line,
                field,
                value,
                rule,
            } => write!(
                f,
                "{}{field} = {} is not allowed ({rule})",
                at(*line),
                crate::param::show_number(*value)
            ),
            CatalogError::DuplicateId { line, id } => {
                write!(f, "{}id {id} is used by another model", at(*line))
            }
            CatalogError::DuplicateName { line, name } => {
                write!(
                    f,
                    "{}model name {name:?} is used by another model",
                    at(*line)
                )
            }
            CatalogError::Empty => write!(f, "the catalog has no models"),
            CatalogError::UnknownModel(id) => write!(f, "fleet mix: no model with id {id}"),
            CatalogError::BadMix(reason) => write!(f, "fleet mix: {reason}"),
        }
    }
}

impl std::error::Error for CatalogError {}

/// A set of ASIC models with unique ids and names, sorted by (release year, id).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Catalog {
    models: Vec<AsicModel>,
}

impl Catalog {
    /// A catalog from models: at least one; ids and names (case-insensitive) unique.
    pub fn new(models: Vec<AsicModel>) -> Result<Self, CatalogError> {
        Self::from_located(models.into_iter().map(|m| (None, m)).collect())
    }

    fn from_located(located: Vec<(Option<usize>, AsicModel)>) -> Result<Self, CatalogError> {
        if located.is_empty() {
            return Err(CatalogError::Empty);
        }
        let mut ids = HashSet::new();
        let mut names = HashSet::new();
        for (line, m) in &located {
            if !ids.insert(m.id()) {
                return Err(CatalogError::DuplicateId {
                    line: *line,
                    id: m.id(),
                });
            }
            if !names.insert(m.name().to_ascii_lowercase()) {
                return Err(CatalogError::DuplicateName {
                    line: *line,
                    name: m.name().to_string(),
                });
            }
        }
        let mut models: Vec<AsicModel> = located.into_iter().map(|(_, m)| m).collect();
        models.sort_by(|a, b| {
            a.release_year()
                .total_cmp(&b.release_year())
                .then(a.id().cmp(&b.id()))
        });
        Ok(Self { models })
    }

    /// The project's default catalog (`models/data/asic_catalog.csv`, embedded).
    pub fn default_catalog() -> Catalog {
        Self::from_csv_str(DEFAULT_CATALOG_CSV)
            .expect("the embedded models/data/asic_catalog.csv is valid (unit-tested)")
    }

    /// Parses a catalog in the format of `models/data/asic_catalog.csv`: `#` comment lines and
    /// blank lines are skipped, the first other line is the header (columns [`COLUMNS`] in any
    /// order; `note` optional), `release` is `YYYY-MM`, `verified` is `true`/`false`. Errors
    /// name the line and field.
    pub fn from_csv_str(text: &str) -> Result<Catalog, CatalogError> {
        Self::from_located(super::catalog_csv::parse(text)?)
    }

    /// All models, sorted by (release year, id).
    pub fn models(&self) -> &[AsicModel] {
        &self.models
    }

    /// Number of models.
    pub fn len(&self) -> usize {
        self.models.len()
    }

    /// Always false: a catalog has at least one model.
    pub fn is_empty(&self) -> bool {
        self.models.is_empty()
    }

    /// The model with this id.
    pub fn get(&self, id: u16) -> Option<&AsicModel> {
        self.models.iter().find(|m| m.id() == id)
    }

    /// The model with this name (case-insensitive, surrounding whitespace ignored).
    pub fn by_name(&self, name: &str) -> Option<&AsicModel> {
        let name = name.trim();
        self.models
            .iter()
            .find(|m| m.name().eq_ignore_ascii_case(name))
    }

    /// Largest model id (synthetic frontier generations get ids above it).
    pub fn max_id(&self) -> u16 {
        self.models.iter().map(|m| m.id()).max().unwrap_or(0)
    }

    /// Release year of the newest model.
    pub fn last_release_year(&self) -> f64 {
        self.models.last().map_or(f64::NAN, |m| m.release_year())
    }

    /// Models released at or before `year` (decimal year), in release order.
    pub fn available_at(&self, year: f64) -> impl Iterator<Item = &AsicModel> + '_ {
        self.models
            .iter()
            .take_while(move |m| m.release_year() <= year)
    }

    /// The most efficient model (lowest J/TH) released at or before `year`; ties go to the
    /// earlier release. `None` before the first release.
    pub fn best_efficiency_at(&self, year: f64) -> Option<&AsicModel> {
        self.available_at(year)
            .min_by(|a, b| a.efficiency_j_per_th().total_cmp(&b.efficiency_j_per_th()))
    }

    /// Network efficiency (J/TH) of a fleet mix given as `(model id, share of hash rate)`:
    /// `sum_i w_i e_i`. Shares must be finite, >= 0 and sum to 1 (within 1e-6).
    pub fn weighted_efficiency(&self, mix: &[(u16, f64)]) -> Result<f64, CatalogError> {
        let mut sum = 0.0;
        let mut e = 0.0;
        for &(id, w) in mix {
            let m = self.get(id).ok_or(CatalogError::UnknownModel(id))?;
            if !(w.is_finite() && w >= 0.0) {
                return Err(CatalogError::BadMix(format!(
                    "share {w} of model {id} is not allowed (must be finite and >= 0)"
                )));
            }
            sum += w;
            e += w * m.efficiency_j_per_th();
        }
        if (sum - 1.0).abs() > 1e-6 {
            return Err(CatalogError::BadMix(format!("shares sum to {sum}, not 1")));
        }
        Ok(e)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_catalog_parses_and_is_consistent() {
        let c = Catalog::default_catalog();
        assert!((20..=40).contains(&c.len()), "{}", c.len());
        let s9 = c.by_name("antminer s9").unwrap();
        assert_eq!(s9.id(), 1);
        assert_eq!(s9.release_year(), 2016.5);
        assert!((s9.efficiency_j_per_th() - 100.0).abs() < 1e-12);
        for m in c.models() {
            assert!((m.efficiency_j_per_th() - m.power_w() / m.hashrate_ths()).abs() < 1e-12);
            // Every post-2020-02 release month is unverified in the reference data.
            if m.release_year() > 2020.1 {
                assert!(!m.verified(), "{} must be unverified", m.name());
            }
        }
        let mix = c.weighted_efficiency(DEFAULT_FLEET_MIX_2026).unwrap();
        assert!((mix - 19.55).abs() < 0.01, "{mix}");
    }

    #[test]
    fn available_and_best() {
        let c = Catalog::default_catalog();
        assert_eq!(c.available_at(2016.0).count(), 0);
        assert!(c.best_efficiency_at(2016.0).is_none());
        assert_eq!(c.best_efficiency_at(2016.5).unwrap().name(), "Antminer S9");
        assert_eq!(
            c.best_efficiency_at(2020.5).unwrap().name(),
            "Antminer S19 Pro"
        );
        assert_eq!(
            c.best_efficiency_at(2030.0).unwrap().name(),
            "Antminer S21 XP Hyd"
        );
        assert_eq!(c.available_at(2030.0).count(), c.len());
        assert_eq!(c.get(19).unwrap().name(), "Antminer S19 Pro");
        assert!(c.get(9999).is_none());
    }

    #[test]
    fn fleet_mix_errors() {
        let c = Catalog::default_catalog();
        assert_eq!(
            c.weighted_efficiency(&[(999, 1.0)]),
            Err(CatalogError::UnknownModel(999))
        );
        assert!(c.weighted_efficiency(&[(1, 0.5)]).is_err());
        assert!(c.weighted_efficiency(&[(1, -0.5), (2, 1.5)]).is_err());
        assert!((c.weighted_efficiency(&[(1, 1.0)]).unwrap() - 100.0).abs() < 1e-12);
    }
}
