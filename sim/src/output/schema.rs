//! What an output column is, apart from how it is filled ([`ColumnDoc`]: name, Arrow type,
//! when it is null, unit, description; [`super::columns`] pairs it with the fill function in
//! one list per table), the field metadata keys and the units.
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

use std::sync::Arc;

use arrow_schema::{DataType, Field, TimeUnit};

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_carry_type_nullability_and_metadata() {
        let c = ColumnDoc {
            name: "b",
            data_type: DataType::Float64,
            null_when: Some(NullWhen::NoFleet),
            unit: UNIT_EHS,
            description: "B.",
        };
        let f = c.field();
        assert_eq!((f.name().as_str(), f.is_nullable()), ("b", true));
        assert_eq!(f.metadata()[UNIT_KEY], "EH/s");
        assert_eq!(f.metadata()[DESCRIPTION_KEY], "B.");
        let t = ColumnDoc {
            null_when: None,
            data_type: timestamp_type(),
            ..c
        };
        assert!(!t.field().is_nullable());
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
