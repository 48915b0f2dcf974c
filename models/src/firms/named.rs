//! Named real firms: the large public bitcoin miners, from `models/data/public_miners.csv`.
//!
//! # What the table is
//!
//! One row per site (or per regional cluster of sites where finer data is not at hand) of each
//! large listed bitcoin miner: MARA, Riot, CleanSpark, Core Scientific, Cipher Mining,
//! TeraWulf, IREN, Hut 8, Bitfarms, HIVE, Bitdeer and Cango (12 firms, 67 rows). A scenario can
//! add these firms beside its generated population, so that the largest real actors, and the
//! sites they have already leased for AI/HPC, appear by name.
//!
//! Columns (the header must be exactly these, in this order; blank lines are skipped; there are
//! no comment lines; fields may be wrapped in double quotes, as in the ASIC catalog):
//!
//! | column | meaning | rule |
//! |---|---|---|
//! | `ticker` | exchange ticker; rows are grouped by it | non-empty |
//! | `firm` | firm name (firm-level) | non-empty, equal on every row of a ticker |
//! | `site` | site or regional cluster of sites | non-empty, unique within a ticker |
//! | `region` | a [`Region`] name (`us`, `canada`, `nordics`, ...) | a known region |
//! | `capacity_mw` | gross power of the site (MW at the meter), energized or contracted at `as_of` | finite, > 0 |
//! | `ai_suitable` | the site plausibly serves AI/HPC (grid, fiber, size; true for sites under AI contracts) | `true` / `false` |
//! | `self_mining_ehs` | the firm's own mining hash rate, EH/s (firm-level) | finite, >= 0, equal within a ticker |
//! | `efficiency_j_per_th` | the firm's fleet-average efficiency, J/TH (firm-level) | finite, in (5, 200), equal within a ticker |
//! | `as_of` | month of the snapshot, `YYYY-MM` (firm-level) | a month, equal within a ticker |
//! | `approximate` | some figure on the row is an estimate, recalled or unverified | `true` / `false` |
//! | `source` | short citation | non-empty |
//!
//! The power the firm's miners draw, `self_mining_ehs x efficiency_j_per_th` (EH/s x J/TH = MW),
//! must not exceed [`CAPACITY_TOLERANCE`] (1.05) times the sum of its sites' `capacity_mw`; a
//! firm that fails this has inconsistent figures and the table is rejected. A firm is
//! approximate when any of its rows is; its `source` is its rows' distinct sources joined by
//! `"; "`.
//!
//! # Where the figures come from (every row is `approximate = true`)
//!
//! - **Firm-level hash rate and efficiency** (all firms): RECALLED from the firms' 2024-2025
//!   monthly production updates and quarterly reports, not checked against any filing or any file
//!   in this project. Cango's fleet is mostly hosted by third parties; its rows are a regional
//!   split of that fleet (ESTIMATE), not sites it owns.
//! - **Site capacities from `shared/reference/ai_pivot_facts.md`** (press releases and
//!   re-prints; that file says nothing in it was checked against 10-K/10-Q filings):
//!   Core Scientific Muskogee 100 MW gross (press, consistent); Cipher Barber Lake 244 MW gross
//!   for Fluidstack (press, consistent) plus 56 MW gross expansion (press, single) = 300 MW;
//!   TeraWulf Lake Mariner HPC 360 MW critical IT (press, consistent), grossed up to 450 MW at the
//!   file's 250/200 gross/IT ratio (derived here); IREN Childress 750 MW campus (press,
//!   consistent) and IREN's ~2.9 GW of secured power (total of its rows); Hut 8 River Bend
//!   ~330 MW utility power for tranche 1 (press, consistent); Bitfarms Panther Creek 350 MW, the
//!   lower bound of 350-410 MW planned (press, single; UNVERIFIED) and the 18 MW Washington-state
//!   site (press, consistent); HIVE's 7.2 MW Toronto property (press, single). These sites
//!   are `ai_suitable = true`.
//! - **All other site capacities and `ai_suitable` flags**: RECALLED from company presentations
//!   and news of 2024-2025, or ESTIMATED (e.g. MARA's "other US hosted sites" is the balance of
//!   its ~1.6 GW reported total; Core Scientific's other CoreWeave sites beyond Muskogee are
//!   recalled, unverified). `ai_suitable` is a judgement (size, grid, fiber) except where a
//!   contract is cited. Treat capacities as +-30% and firm figures as +-15% (a judgement, not a
//!   measured error).
//!
//! Left out: Bitfufu and Canaan (self-mining of a few EH/s, largely at third-party sites, with no
//! site figures at hand); Applied Digital (no self-mining: its hosted miners belong to customers
//! such as MARA, so its mining sites would double count); planned capacity without a power
//! contract (Cipher's 1 GW Colchis JV, HIVE's 320 MW Toronto-area AI campus); sites divested
//! before `as_of` (Bitfarms' Paraguay sites, TeraWulf's Nautilus stake). Since every row is
//! approximate, the table says who is large and where, not what any firm will report.
//!
//! The firms' self-mining sums to 365 EH/s (mixed `as_of` dates, 2025-06 to 2025-12): about a
//! third of a network of 1.0-1.1 ZH/s, in line with public miners' reported 25-35% share in 2025.
//! Their sites sum to about 16.3 GW, of which many are contracted, not yet energized (IREN
//! Sweetwater, Riot Corsicana), or already leased for AI.
//!
//! # Use in a scenario
//!
//! Each [`NamedFirm`] becomes one firm of the population: each [`NamedSite`] a site in its
//! region with `capacity_mw` of power and the site's `ai_suitable` flag, and the firm's fleet
//! sized to `self_mining_ehs` at `efficiency_j_per_th` (that fleet draws
//! [`NamedFirm::implied_mining_mw`], spread over the sites in proportion to capacity; the rest of
//! the capacity is headroom, hosting, AI leases or not yet energized). The generated population
//! is then reduced by the same hash rate so that the network total is unchanged.

use std::fmt;

mod population;

pub use population::{named_firm_spec, named_population, named_strategy, NAMED_PUE};

use crate::hardware::catalog_csv::{split_csv_line, split_csv_row};
use crate::hardware::{Region, RegionError};

/// The table's columns: the header must be exactly these, in this order.
pub const COLUMNS: [&str; 11] = [
    "ticker",
    "firm",
    "site",
    "region",
    "capacity_mw",
    "ai_suitable",
    "self_mining_ehs",
    "efficiency_j_per_th",
    "as_of",
    "approximate",
    "source",
];

/// A firm's miners may draw at most this multiple of its sites' total capacity.
pub const CAPACITY_TOLERANCE: f64 = 1.05;

/// Efficiency must lie strictly between these bounds, J/TH.
pub const EFFICIENCY_RANGE_J_PER_TH: (f64, f64) = (5.0, 200.0);

/// The shipped table.
const PUBLIC_MINERS_CSV: &str = include_str!("../../data/public_miners.csv");

/// One site of a named firm.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedSite {
    pub name: String,
    pub region: Region,
    pub capacity_mw: f64,
    pub ai_suitable: bool,
}

/// A real firm, from the table.
#[derive(Debug, Clone, PartialEq)]
pub struct NamedFirm {
    pub ticker: String,
    pub name: String,
    pub sites: Vec<NamedSite>,
    pub self_mining_ehs: f64,
    pub efficiency_j_per_th: f64,
    pub as_of: String,
    pub approximate: bool,
    pub source: String,
}

impl NamedFirm {
    /// Total gross power capacity of the firm's sites, MW.
    pub fn capacity_mw(&self) -> f64 {
        self.sites.iter().map(|s| s.capacity_mw).sum()
    }

    /// Capacity of the sites flagged `ai_suitable`, MW.
    pub fn ai_suitable_mw(&self) -> f64 {
        self.sites
            .iter()
            .filter(|s| s.ai_suitable)
            .map(|s| s.capacity_mw)
            .sum()
    }

    /// Power the firm's own miners draw, MW: EH/s x J/TH (1e6 TH/s x J/TH = 1e6 W).
    pub fn implied_mining_mw(&self) -> f64 {
        self.self_mining_ehs * self.efficiency_j_per_th
    }
}

/// Why a named-firm table is not valid. Every row error names its 1-based line and its column.
#[derive(Debug, Clone, PartialEq)]
pub enum NamedFirmError {
    /// The text has no non-blank line.
    MissingHeader,
    /// The header is not exactly [`COLUMNS`]: at 1-based `column`, `found` (None: too few
    /// columns) instead of `expected` (None: too many columns).
    BadHeader {
        line: usize,
        column: usize,
        found: Option<String>,
        expected: Option<&'static str>,
    },
    /// A line has the wrong number of fields or unbalanced quotes.
    BadLine { line: usize, reason: String },
    /// A field could not be parsed.
    BadField {
        line: usize,
        column: &'static str,
        value: String,
        expected: &'static str,
    },
    /// A number parsed but is out of its range.
    OutOfRange {
        line: usize,
        column: &'static str,
        value: f64,
        rule: &'static str,
    },
    /// The region is not a [`Region`] name.
    UnknownRegion { line: usize, error: RegionError },
    /// A firm-level column differs from the ticker's first row.
    FirmMismatch {
        line: usize,
        column: &'static str,
        ticker: String,
        value: String,
        first_line: usize,
        first_value: String,
    },
    /// A ticker lists the same site twice.
    DuplicateSite {
        line: usize,
        ticker: String,
        site: String,
        first_line: usize,
    },
    /// The firm's miners would draw more than [`CAPACITY_TOLERANCE`] x its sites' capacity
    /// (`line` is the ticker's first row).
    PowerExceedsCapacity {
        line: usize,
        ticker: String,
        self_mining_ehs: f64,
        efficiency_j_per_th: f64,
        capacity_mw: f64,
    },
    /// The table has a header but no rows.
    Empty,
}

impl fmt::Display for NamedFirmError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NamedFirmError::MissingHeader => write!(f, "the named-firm table has no header line"),
            NamedFirmError::BadHeader {
                line,
                column,
                found,
                expected,
            } => {
                write!(f, "line {line}, header column {column}: ")?;
                match found {
                    Some(v) => write!(f, "found {v:?}")?,
                    None => write!(f, "found nothing")?,
                }
                match expected {
                    Some(e) => write!(f, ", expected {e:?}")?,
                    None => write!(f, ", expected no more columns")?,
                }
                write!(f, " (the header must be exactly {})", COLUMNS.join(","))
            }
            NamedFirmError::BadLine { line, reason } => write!(f, "line {line}: {reason}"),
            NamedFirmError::BadField {
                line,
                column,
                value,
                expected,
            } => write!(
                f,
                "line {line}, column {column}: {value:?} is not {expected}"
            ),
            NamedFirmError::OutOfRange {
                line,
                column,
                value,
                rule,
            } => write!(
                f,
                "line {line}, column {column}: {value} is not allowed ({rule})"
            ),
            NamedFirmError::UnknownRegion { line, error } => {
                write!(f, "line {line}, column region: {error}")
            }
            NamedFirmError::FirmMismatch {
                line,
                column,
                ticker,
                value,
                first_line,
                first_value,
            } => write!(
                f,
                "line {line}, column {column}: {value:?} differs from {first_value:?} on line \
                 {first_line} ({column} is firm-level: equal on every row of ticker {ticker})"
            ),
            NamedFirmError::DuplicateSite {
                line,
                ticker,
                site,
                first_line,
            } => write!(
                f,
                "line {line}, column site: ticker {ticker} already has site {site:?} (line \
                 {first_line})"
            ),
            NamedFirmError::PowerExceedsCapacity {
                line,
                ticker,
                self_mining_ehs,
                efficiency_j_per_th,
                capacity_mw,
            } => {
                let implied = self_mining_ehs * efficiency_j_per_th;
                let limit = CAPACITY_TOLERANCE * capacity_mw;
                write!(
                    f,
                    "line {line}, column self_mining_ehs: ticker {ticker}: {self_mining_ehs} EH/s \
                     at {efficiency_j_per_th} J/TH draws {implied:.1} MW, more than \
                     {CAPACITY_TOLERANCE} x its sites' {capacity_mw} MW (must be <= {limit:.1} MW)"
                )
            }
            NamedFirmError::Empty => write!(f, "the named-firm table has no rows"),
        }
    }
}

impl std::error::Error for NamedFirmError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            NamedFirmError::UnknownRegion { error, .. } => Some(error),
            _ => None,
        }
    }
}

/// The fields of one data row, by column.
struct Row<'a> {
    line: usize,
    fields: &'a [String],
}

impl Row<'_> {
    fn get(&self, column: &'static str) -> &str {
        let i = COLUMNS.iter().position(|c| *c == column).expect("a column");
        self.fields[i].as_str()
    }

    fn text(&self, column: &'static str) -> Result<String, NamedFirmError> {
        let v = self.get(column);
        if v.is_empty() {
            return Err(NamedFirmError::BadField {
                line: self.line,
                column,
                value: v.to_string(),
                expected: "a non-empty text",
            });
        }
        Ok(v.to_string())
    }

    fn number(
        &self,
        column: &'static str,
        ok: impl Fn(f64) -> bool,
        rule: &'static str,
    ) -> Result<f64, NamedFirmError> {
        let v = self.get(column);
        let x = v.parse::<f64>().map_err(|_| NamedFirmError::BadField {
            line: self.line,
            column,
            value: v.to_string(),
            expected: "a number",
        })?;
        if x.is_finite() && ok(x) {
            Ok(x)
        } else {
            Err(NamedFirmError::OutOfRange {
                line: self.line,
                column,
                value: x,
                rule,
            })
        }
    }

    fn boolean(&self, column: &'static str) -> Result<bool, NamedFirmError> {
        match self.get(column) {
            "true" => Ok(true),
            "false" => Ok(false),
            v => Err(NamedFirmError::BadField {
                line: self.line,
                column,
                value: v.to_string(),
                expected: "true or false",
            }),
        }
    }

    fn month(&self, column: &'static str) -> Result<String, NamedFirmError> {
        let v = self.get(column);
        let ok = v.is_ascii()
            && v.len() == 7
            && v.as_bytes()[4] == b'-'
            && v[..4].bytes().all(|b| b.is_ascii_digit())
            && v[5..].parse::<u32>().is_ok_and(|m| (1..=12).contains(&m));
        if ok {
            Ok(v.to_string())
        } else {
            Err(NamedFirmError::BadField {
                line: self.line,
                column,
                value: v.to_string(),
                expected: "a month YYYY-MM",
            })
        }
    }
}

/// A firm being assembled: the firm, the raw text of its first row's firm-level fields, and the
/// lines of its rows.
struct Pending {
    firm: NamedFirm,
    first_line: usize,
    first_raw: Vec<(&'static str, String)>,
    site_lines: Vec<usize>,
    sources: Vec<String>,
}

/// The firm-level columns, compared between a ticker's rows.
const FIRM_LEVEL: [&str; 4] = ["firm", "self_mining_ehs", "efficiency_j_per_th", "as_of"];

/// Parses a named-firm table (format in the module docs). Rows are grouped by ticker; firms come
/// in the order of their ticker's first row, sites in row order.
pub fn parse_named_firms(text: &str) -> Result<Vec<NamedFirm>, NamedFirmError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty());
    let (hline, header) = lines.next().ok_or(NamedFirmError::MissingHeader)?;
    let header = split_csv_line(header).map_err(|reason| NamedFirmError::BadLine {
        line: hline,
        reason,
    })?;
    for i in 0..header.len().max(COLUMNS.len()) {
        let found = header.get(i);
        let expected = COLUMNS.get(i).copied();
        if found.map(String::as_str) != expected {
            return Err(NamedFirmError::BadHeader {
                line: hline,
                column: i + 1,
                found: found.cloned(),
                expected,
            });
        }
    }

    let (lo, hi) = EFFICIENCY_RANGE_J_PER_TH;
    let mut pending: Vec<Pending> = Vec::new();
    for (line, l) in lines {
        let fields = split_csv_row(l, COLUMNS.len())
            .map_err(|reason| NamedFirmError::BadLine { line, reason })?;
        let row = Row {
            line,
            fields: &fields,
        };
        let ticker = row.text("ticker")?;
        let name = row.text("firm")?;
        let site = NamedSite {
            name: row.text("site")?,
            region: row
                .get("region")
                .parse::<Region>()
                .map_err(|error| NamedFirmError::UnknownRegion { line, error })?,
            capacity_mw: row.number("capacity_mw", |x| x > 0.0, "must be finite and > 0 MW")?,
            ai_suitable: row.boolean("ai_suitable")?,
        };
        let self_mining_ehs = row.number(
            "self_mining_ehs",
            |x| x >= 0.0,
            "must be finite and >= 0 EH/s",
        )?;
        let efficiency_j_per_th = row.number(
            "efficiency_j_per_th",
            |x| x > lo && x < hi,
            "must be finite and in (5, 200) J/TH",
        )?;
        let as_of = row.month("as_of")?;
        let approximate = row.boolean("approximate")?;
        let source = row.text("source")?;

        let Some(p) = pending.iter_mut().find(|p| p.firm.ticker == ticker) else {
            pending.push(Pending {
                firm: NamedFirm {
                    ticker,
                    name,
                    sites: vec![site],
                    self_mining_ehs,
                    efficiency_j_per_th,
                    as_of,
                    approximate,
                    source: String::new(),
                },
                first_line: line,
                first_raw: FIRM_LEVEL
                    .iter()
                    .map(|c| (*c, row.get(c).to_string()))
                    .collect(),
                site_lines: vec![line],
                sources: vec![source],
            });
            continue;
        };
        let agrees = [
            name == p.firm.name,
            self_mining_ehs == p.firm.self_mining_ehs,
            efficiency_j_per_th == p.firm.efficiency_j_per_th,
            as_of == p.firm.as_of,
        ];
        if let Some(i) = agrees.iter().position(|ok| !ok) {
            let (column, first_value) = p.first_raw[i].clone();
            return Err(NamedFirmError::FirmMismatch {
                line,
                column,
                ticker: p.firm.ticker.clone(),
                value: row.get(column).to_string(),
                first_line: p.first_line,
                first_value,
            });
        }
        if let Some(j) = p.firm.sites.iter().position(|s| s.name == site.name) {
            return Err(NamedFirmError::DuplicateSite {
                line,
                ticker: p.firm.ticker.clone(),
                site: site.name,
                first_line: p.site_lines[j],
            });
        }
        p.firm.sites.push(site);
        p.site_lines.push(line);
        p.firm.approximate |= approximate;
        if !p.sources.contains(&source) {
            p.sources.push(source);
        }
    }
    if pending.is_empty() {
        return Err(NamedFirmError::Empty);
    }

    pending
        .into_iter()
        .map(|p| {
            let mut firm = p.firm;
            firm.source = p.sources.join("; ");
            let capacity_mw = firm.capacity_mw();
            if firm.implied_mining_mw() > CAPACITY_TOLERANCE * capacity_mw {
                return Err(NamedFirmError::PowerExceedsCapacity {
                    line: p.first_line,
                    ticker: firm.ticker,
                    self_mining_ehs: firm.self_mining_ehs,
                    efficiency_j_per_th: firm.efficiency_j_per_th,
                    capacity_mw,
                });
            }
            Ok(firm)
        })
        .collect()
}

/// The large public miners of the shipped table, `models/data/public_miners.csv` (provenance
/// in the module docs; every figure is approximate).
pub fn public_miners() -> Vec<NamedFirm> {
    parse_named_firms(PUBLIC_MINERS_CSV)
        .expect("models/data/public_miners.csv is valid (checked by a unit test)")
}

/// The shipped firm with this ticker (case-insensitive), if any.
pub fn public_miner(ticker: &str) -> Option<NamedFirm> {
    public_miners()
        .into_iter()
        .find(|f| f.ticker.eq_ignore_ascii_case(ticker.trim()))
}

#[cfg(test)]
mod tests;
