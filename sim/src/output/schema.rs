//! Columns: one [`Column`] per output column (name, Arrow type, nullability, unit,
//! description, and how to fill it from a record), collected in one list per table
//! ([`Columns`]). The Arrow schema ([`Columns::schema`]), the arrays (`super::encode`), the
//! column reference of `outputs/README.md` and `hashshift schema --outputs --format json`
//! (`super::doc`) and the schema tests all derive from those lists.
//!
//! Every field carries two metadata entries:
//!
//! * [`UNIT_KEY`] (`unit`): the physical unit, one of the `UNIT_*` constants of this module
//!   or a unit such as `"USD/kWh"` (`"1"` for dimensionless quantities, counts, indices and
//!   flags);
//! * [`DESCRIPTION_KEY`] (`description`): a one-sentence description (the doc comment of the
//!   corresponding field in [`crate::record`], adapted where the unit is converted).
//!
//! Timestamps are `Timestamp(Millisecond, "UTC")`. The records hold whole unix seconds, but
//! Parquet has no second-resolution timestamp logical type: an Arrow `Timestamp(Second, _)`
//! column is written as a bare INT64, which pandas/polars/DuckDB then read as an integer.
//! Milliseconds map onto `TIMESTAMP(MILLIS, isAdjustedToUTC = true)`, which every reader
//! recognises as a UTC instant; the values are exact (seconds x 1000).
//!
//! Records carry final values, `None` where a value does not exist; a column only encodes
//! them, with at most a fixed unit scaling written in its fill function (hashrates are stored
//! in EH/s, [`HS_PER_EHS`], where the records carry H/s).

use std::borrow::Cow;
use std::sync::Arc;

use arrow_schema::{DataType, Field, Schema, SchemaRef, TimeUnit};

/// Field metadata key holding the unit.
pub const UNIT_KEY: &str = "unit";
/// Field metadata key holding the description.
pub const DESCRIPTION_KEY: &str = "description";

/// Unit of durations: seconds.
pub const UNIT_SECONDS: &str = "s";
/// Unit of amounts of bitcoin: satoshi (1e-8 BTC).
pub const UNIT_SAT: &str = "sat";
/// Unit of prices: US dollars per bitcoin.
pub const UNIT_USD_PER_BTC: &str = "USD/BTC";
/// Unit of hashrates: exahashes per second (1e18 H/s).
pub const UNIT_EHS: &str = "EH/s";
/// Unit of relative changes: percent.
pub const UNIT_PERCENT: &str = "%";
/// Unit of dimensionless quantities, counts, indices, flags and compact encodings.
pub const UNIT_DIMENSIONLESS: &str = "1";
/// Unit of instants (timestamp columns).
pub const UNIT_UNIX_TIME_UTC: &str = "unix time, UTC";
/// Unit of free text (no physical unit).
pub const UNIT_TEXT: &str = "text";

/// Hashes per second in one EH/s.
pub const HS_PER_EHS: f64 = 1e18;

/// The Arrow type of every timestamp column.
pub fn timestamp_type() -> DataType {
    DataType::Timestamp(TimeUnit::Millisecond, Some(Arc::from("UTC")))
}

/// When a nullable column is null. Part of the column's definition (nullable columns only),
/// printed by `hashshift schema --outputs --format json` and checked by
/// `.ci/check_outputs.py`; the description says the same in words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullWhen {
    /// On days without blocks.
    NoBlocks,
    /// Without a fleet (the hashrate is an exogenous path).
    NoFleet,
    /// Without a fleet, or when no machine runs.
    NothingRuns,
    /// Without firms (exogenous hashrate, or `firms.enabled = false`).
    NoFirms,
    /// Without firms or an AI market (`ai.enabled = false`).
    NoAiMarket,
    /// Before the first machine release (catalog models, then the frontier's generations).
    NoRelease,
    /// When no hashrate can be rented (`security.rental_share = 0`).
    NoRental,
    /// When none of the attack costs exists.
    NoAttackCost,
    /// For a firm without machines installed.
    NoMachines,
    /// For a generated (not named) firm.
    GeneratedFirm,
    /// For a network-level event (no firm).
    NetworkEvent,
    /// For an event that concerns no site.
    NoSite,
}

impl NullWhen {
    /// Every condition, in declaration order.
    pub const ALL: [NullWhen; 12] = [
        NullWhen::NoBlocks,
        NullWhen::NoFleet,
        NullWhen::NothingRuns,
        NullWhen::NoFirms,
        NullWhen::NoAiMarket,
        NullWhen::NoRelease,
        NullWhen::NoRental,
        NullWhen::NoAttackCost,
        NullWhen::NoMachines,
        NullWhen::GeneratedFirm,
        NullWhen::NetworkEvent,
        NullWhen::NoSite,
    ];

    /// The name in `hashshift schema --outputs --format json` (snake_case).
    pub fn name(self) -> &'static str {
        match self {
            NullWhen::NoBlocks => "no_blocks",
            NullWhen::NoFleet => "no_fleet",
            NullWhen::NothingRuns => "nothing_runs",
            NullWhen::NoFirms => "no_firms",
            NullWhen::NoAiMarket => "no_ai_market",
            NullWhen::NoRelease => "no_release",
            NullWhen::NoRental => "no_rental",
            NullWhen::NoAttackCost => "no_attack_cost",
            NullWhen::NoMachines => "no_machines",
            NullWhen::GeneratedFirm => "generated_firm",
            NullWhen::NetworkEvent => "network_event",
            NullWhen::NoSite => "no_site",
        }
    }

    /// What the condition means, in words.
    pub fn meaning(self) -> &'static str {
        match self {
            NullWhen::NoBlocks => "on days without blocks",
            NullWhen::NoFleet => "without a fleet (the hashrate is an exogenous path)",
            NullWhen::NothingRuns => "without a fleet, or when no machine runs",
            NullWhen::NoFirms => "without firms (exogenous hashrate, or firms.enabled = false)",
            NullWhen::NoAiMarket => "without firms or an AI market (ai.enabled = false)",
            NullWhen::NoRelease => "before the first machine release",
            NullWhen::NoRental => "when security.rental_share = 0",
            NullWhen::NoAttackCost => "when none of the attack costs exists",
            NullWhen::NoMachines => "for a firm without machines installed",
            NullWhen::GeneratedFirm => "for a generated (not named) firm",
            NullWhen::NetworkEvent => "for a network-level event",
            NullWhen::NoSite => "for an event that concerns no site",
        }
    }
}

/// How a column is filled from a record of type `R`: one variant per Arrow type, the
/// nullable ones with the condition under which the value is `None`.
pub enum Fill<R> {
    /// `UInt32`.
    U32(fn(&R) -> u32),
    /// `UInt64`.
    U64(fn(&R) -> u64),
    /// `Int64`.
    I64(fn(&R) -> i64),
    /// `Float64`.
    F64(fn(&R) -> f64),
    /// `Boolean`.
    Bool(fn(&R) -> bool),
    /// `Utf8`.
    Text(fn(&R) -> &str),
    /// Whole unix seconds, written as a UTC timestamp in milliseconds.
    Time(fn(&R) -> i64),
    /// Nullable `UInt32`.
    OptU32(NullWhen, fn(&R) -> Option<u32>),
    /// Nullable `Float64`.
    OptF64(NullWhen, fn(&R) -> Option<f64>),
    /// Nullable `Utf8`.
    OptText(NullWhen, for<'a> fn(&'a R) -> Option<&'a str>),
}

impl<R> Fill<R> {
    /// The Arrow type of the column.
    pub fn data_type(&self) -> DataType {
        match self {
            Fill::U32(_) | Fill::OptU32(..) => DataType::UInt32,
            Fill::U64(_) => DataType::UInt64,
            Fill::I64(_) => DataType::Int64,
            Fill::F64(_) | Fill::OptF64(..) => DataType::Float64,
            Fill::Bool(_) => DataType::Boolean,
            Fill::Text(_) | Fill::OptText(..) => DataType::Utf8,
            Fill::Time(_) => timestamp_type(),
        }
    }

    /// When the column is null (`None`: never).
    pub fn null_when(&self) -> Option<NullWhen> {
        match self {
            Fill::OptU32(w, _) | Fill::OptF64(w, _) | Fill::OptText(w, _) => Some(*w),
            _ => None,
        }
    }
}

/// One column of a table whose rows are records of type `R`.
pub struct Column<R> {
    /// Column name.
    pub name: &'static str,
    /// Unit ([`UNIT_KEY`] metadata).
    pub unit: &'static str,
    /// One sentence ([`DESCRIPTION_KEY`] metadata).
    pub description: Cow<'static, str>,
    /// How the column is filled from a record.
    pub fill: Fill<R>,
}

impl<R> Column<R> {
    /// The column, without its fill: what the documentation and the checks see.
    pub fn doc(&self) -> ColumnDoc<'_> {
        ColumnDoc {
            name: self.name,
            data_type: self.fill.data_type(),
            null_when: self.fill.null_when(),
            unit: self.unit,
            description: &self.description,
        }
    }
}

/// A column as documented: everything but how it is filled.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnDoc<'a> {
    /// Column name.
    pub name: &'static str,
    /// Arrow type.
    pub data_type: DataType,
    /// When the column is null (`None`: never; the column is not nullable).
    pub null_when: Option<NullWhen>,
    /// Unit.
    pub unit: &'static str,
    /// One sentence.
    pub description: &'a str,
}

impl ColumnDoc<'_> {
    /// Whether the column is nullable.
    pub fn nullable(&self) -> bool {
        self.null_when.is_some()
    }

    /// The Arrow field: name, type, nullability, and the unit and description metadata.
    pub fn field(&self) -> Field {
        field(
            self.name,
            self.data_type.clone(),
            self.nullable(),
            self.unit,
            self.description,
        )
    }
}

/// An Arrow field with the [`UNIT_KEY`] and [`DESCRIPTION_KEY`] metadata.
pub fn field(
    name: &str,
    data_type: DataType,
    nullable: bool,
    unit: &str,
    description: &str,
) -> Field {
    Field::new(name, data_type, nullable)
        .with_metadata([(UNIT_KEY, unit), (DESCRIPTION_KEY, description)])
}

/// The columns of one table, in order.
pub struct Columns<R>(Vec<Column<R>>);

impl<R> Default for Columns<R> {
    fn default() -> Self {
        Columns(Vec::new())
    }
}

impl<R> Columns<R> {
    /// No columns yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends a column.
    pub fn col(
        mut self,
        name: &'static str,
        unit: &'static str,
        description: impl Into<Cow<'static, str>>,
        fill: Fill<R>,
    ) -> Self {
        self.0.push(Column {
            name,
            unit,
            description: description.into(),
            fill,
        });
        self
    }

    /// Appends a timestamp column (unit [`UNIT_UNIX_TIME_UTC`]) filled with unix seconds.
    pub fn time(self, name: &'static str, description: &'static str, f: fn(&R) -> i64) -> Self {
        self.col(name, UNIT_UNIX_TIME_UTC, description, Fill::Time(f))
    }

    /// Appends `more`.
    pub fn extend(mut self, more: Columns<R>) -> Self {
        self.0.extend(more.0);
        self
    }

    /// The columns, in order.
    pub fn as_slice(&self) -> &[Column<R>] {
        &self.0
    }

    /// The Arrow schema: one field per column, in order.
    pub fn schema(&self) -> SchemaRef {
        Arc::new(Schema::new(
            self.0.iter().map(|c| c.doc().field()).collect::<Vec<_>>(),
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Row {
        a: u64,
        b: Option<f64>,
    }

    #[test]
    fn fields_carry_type_nullability_and_metadata() {
        let cols = Columns::<Row>::new()
            .col("a", UNIT_DIMENSIONLESS, "A count.", Fill::U64(|r| r.a))
            .col(
                "b",
                UNIT_EHS,
                format!("B, {} long.", 2),
                Fill::OptF64(NullWhen::NoFleet, |r| r.b),
            )
            .time("t", "When (UTC).", |r| r.a as i64);
        let schema = cols.schema();
        let names: Vec<_> = schema.fields().iter().map(|f| f.name().as_str()).collect();
        assert_eq!(names, ["a", "b", "t"]);
        let b = schema.field(1);
        assert!(b.is_nullable() && !schema.field(0).is_nullable());
        assert_eq!(b.data_type(), &DataType::Float64);
        assert_eq!(b.metadata()[UNIT_KEY], "EH/s");
        assert_eq!(b.metadata()[DESCRIPTION_KEY], "B, 2 long.");
        assert_eq!(schema.field(2).data_type(), &timestamp_type());
        assert_eq!(schema.field(2).metadata()[UNIT_KEY], UNIT_UNIX_TIME_UTC);
        let row = Row { a: 3, b: None };
        match &cols.as_slice()[1].fill {
            Fill::OptF64(w, f) => assert_eq!((*w, f(&row)), (NullWhen::NoFleet, None)),
            _ => panic!("b is a nullable Float64"),
        }
    }

    #[test]
    fn null_conditions_have_distinct_names() {
        let mut names: Vec<_> = NullWhen::ALL.iter().map(|w| w.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), NullWhen::ALL.len());
        assert!(NullWhen::ALL.iter().all(|w| !w.meaning().is_empty()));
    }
}
