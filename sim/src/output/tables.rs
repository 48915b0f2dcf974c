//! The registry of a run's tables: [`RUN_TABLES`], one [`Table`] each (name, file name,
//! description, whether it is optional, writer settings, and its column list).
//!
//! The writer ([`super::ParquetRecorder`]), the column reference (`super::doc`), the tests and
//! `.ci/check_outputs.py` (through `hashshift schema --outputs --format json`) all read the
//! tables from here. The column lists live in the submodules, one function per table:
//! [`chain`] (`blocks`, `epochs`, `summary`), [`daily`] (`daily`, `daily_regions`), [`agents`]
//! (`firms`, `events`) and [`security`] (the security columns of `daily`, `epochs` and
//! `summary`).

use std::sync::OnceLock;

use arrow_schema::SchemaRef;

use super::columns::ColumnList;
use super::parquet_sink::Tuning;
use super::schema::ColumnDoc;
use crate::record::{
    BlockRecord, DayRecord, EpochRecord, EventRecord, FirmMonthRecord, RegionDayRecord, RunSummary,
    TableSelection,
};

pub mod agents;
pub mod chain;
pub mod daily;
pub mod security;

/// Whether a run writes a table.
#[derive(Debug, Clone, Copy)]
pub enum Presence {
    /// Every run writes it.
    Always,
    /// Written when the run's [`TableSelection`] (scenario key `output.<table name>`) selects
    /// it.
    Optional(fn(&TableSelection) -> bool),
}

/// What a table is, apart from its columns.
#[derive(Debug, Clone, Copy)]
pub struct TableMeta {
    /// Table name (`hashshift.table` metadata).
    pub name: &'static str,
    /// File name in the run folder.
    pub file: &'static str,
    /// What a row is (one sentence).
    pub description: &'static str,
    /// Whether every run writes it.
    pub presence: Presence,
    /// Rows buffered before a batch is written.
    pub batch_rows: usize,
    /// Compression and float encoding.
    pub tuning: Tuning,
}

impl TableMeta {
    /// Whether a run with `selection` writes the table.
    pub fn is_written(&self, selection: &TableSelection) -> bool {
        match self.presence {
            Presence::Always => true,
            Presence::Optional(selected) => selected(selection),
        }
    }

    /// Whether a scenario can leave the table out.
    pub fn is_optional(&self) -> bool {
        matches!(self.presence, Presence::Optional(_))
    }
}

/// The column list of a table whose rows are `R`.
type List<R> = Box<dyn ColumnList<R>>;

/// A table whose rows are records of type `R`: its [`TableMeta`] and its column list, built
/// once.
pub struct Table<R: 'static> {
    /// What the table is.
    pub meta: TableMeta,
    columns: fn() -> List<R>,
    built: OnceLock<(List<R>, SchemaRef)>,
}

impl<R> Table<R> {
    /// The table `meta` with the columns that `columns` lists.
    pub const fn new(meta: TableMeta, columns: fn() -> List<R>) -> Self {
        Table {
            meta,
            columns,
            built: OnceLock::new(),
        }
    }

    fn built(&self) -> &(List<R>, SchemaRef) {
        self.built.get_or_init(|| {
            let columns = (self.columns)();
            let schema = columns.schema();
            (columns, schema)
        })
    }

    /// The column list.
    pub fn columns(&self) -> &dyn ColumnList<R> {
        self.built().0.as_ref()
    }

    /// The Arrow schema (built once).
    pub fn schema(&self) -> SchemaRef {
        self.built().1.clone()
    }
}

/// A table of a run, whatever its record type: what the docs, the checks and the tests see.
pub trait RunTable: Sync {
    /// What the table is.
    fn meta(&self) -> &TableMeta;
    /// The Arrow schema.
    fn schema(&self) -> SchemaRef;
    /// The columns, in order, without their fill functions.
    fn column_docs(&self) -> Vec<ColumnDoc<'_>>;
}

impl<R> RunTable for Table<R> {
    fn meta(&self) -> &TableMeta {
        &self.meta
    }

    fn schema(&self) -> SchemaRef {
        Table::schema(self)
    }

    fn column_docs(&self) -> Vec<ColumnDoc<'_>> {
        self.columns().docs()
    }
}

/// Rows per batch of the per-block table (68 B per row: about 4.3 MiB of column data).
pub const BATCH_ROWS: usize = 64 * 1024;

/// `blocks.parquet`.
pub static BLOCKS: Table<BlockRecord> = Table::new(
    TableMeta {
        name: "blocks",
        file: "blocks.parquet",
        description: "One row per mined block, in height order.",
        presence: Presence::Optional(|s| s.blocks),
        batch_rows: BATCH_ROWS,
        tuning: Tuning::DEFAULT,
    },
    chain::blocks,
);

/// `epochs.parquet`.
pub static EPOCHS: Table<EpochRecord> = Table::new(
    TableMeta {
        name: "epochs",
        file: "epochs.parquet",
        description: "One row per completed difficulty epoch (2016 blocks) and the retarget at \
                      its end.",
        presence: Presence::Optional(|s| s.epochs),
        // An epoch row is ~300 B; 4096 epochs ~ 8.3M blocks.
        batch_rows: 4096,
        tuning: Tuning::DEFAULT,
    },
    chain::epochs,
);

/// `daily.parquet`.
pub static DAILY: Table<DayRecord> = Table::new(
    TableMeta {
        name: "daily",
        file: "daily.parquet",
        description: "One row per simulated UTC day.",
        presence: Presence::Always,
        batch_rows: daily::DAILY_BATCH_ROWS,
        tuning: Tuning::DEFAULT,
    },
    daily::daily,
);

/// `daily_regions.parquet`.
pub static DAILY_REGIONS: Table<RegionDayRecord> = Table::new(
    TableMeta {
        name: "daily_regions",
        file: "daily_regions.parquet",
        description: "One row per day and region (runs with a fleet; no rows otherwise).",
        presence: Presence::Always,
        batch_rows: daily::DAILY_BATCH_ROWS,
        tuning: Tuning::DEFAULT,
    },
    daily::daily_regions,
);

/// `firms.parquet`.
pub static FIRMS: Table<FirmMonthRecord> = Table::new(
    TableMeta {
        name: "firms",
        file: "firms.parquet",
        description: "One row per firm and decision (runs with firms; no rows otherwise).",
        presence: Presence::Optional(|s| s.firms),
        batch_rows: agents::AGENT_BATCH_ROWS,
        tuning: Tuning::AGENT,
    },
    agents::firms,
);

/// `events.parquet`.
pub static EVENTS: Table<EventRecord> = Table::new(
    TableMeta {
        name: "events",
        file: "events.parquet",
        description: "One row per event, in time order: network-level events in every run, \
                      the firms' events in runs with firms.",
        presence: Presence::Optional(|s| s.events),
        batch_rows: agents::AGENT_BATCH_ROWS,
        tuning: Tuning::AGENT,
    },
    agents::events,
);

/// File name of the summary table (the sweeps read it from every run folder).
pub const SUMMARY_FILE: &str = "summary.parquet";

/// `summary.parquet`.
pub static SUMMARY: Table<RunSummary> = Table::new(
    TableMeta {
        name: "summary",
        file: SUMMARY_FILE,
        description: "Exactly one row: the run's headline numbers.",
        presence: Presence::Always,
        batch_rows: 1,
        tuning: Tuning::DEFAULT,
    },
    chain::summary,
);

/// The tables of a run, in the documented order.
pub static RUN_TABLES: [&dyn RunTable; 7] = [
    &BLOCKS,
    &EPOCHS,
    &DAILY,
    &DAILY_REGIONS,
    &FIRMS,
    &EVENTS,
    &SUMMARY,
];

/// The run table named `name`.
pub fn run_table(name: &str) -> Option<&'static dyn RunTable> {
    RUN_TABLES.iter().copied().find(|t| t.meta().name == name)
}

#[cfg(test)]
mod tests {
    use arrow_schema::DataType;

    use super::super::columns::Columns;
    use super::super::schema::{NullWhen, DESCRIPTION_KEY, UNIT_KEY, UNIT_UNIX_TIME_UTC};
    use super::*;

    #[test]
    fn registry_names_files_and_selection() {
        let mut names = Vec::new();
        for t in RUN_TABLES {
            let m = t.meta();
            assert_eq!(m.file, format!("{}.parquet", m.name));
            assert!(m.description.ends_with('.'), "{}", m.name);
            assert!(m.batch_rows > 0);
            assert!(m.is_written(&TableSelection::ALL), "{}", m.name);
            names.push(m.name);
            assert!(std::ptr::eq(run_table(m.name).unwrap().meta(), m));
        }
        assert_eq!(
            names,
            [
                "blocks",
                "epochs",
                "daily",
                "daily_regions",
                "firms",
                "events",
                "summary"
            ]
        );
        let summary_only: Vec<_> = RUN_TABLES
            .iter()
            .filter(|t| t.meta().is_written(&TableSelection::SUMMARY_ONLY))
            .map(|t| t.meta().name)
            .collect();
        assert_eq!(summary_only, ["daily", "daily_regions", "summary"]);
        // Each optional table follows its own flag.
        for t in RUN_TABLES.iter().filter(|t| t.meta().is_optional()) {
            let mut sel = TableSelection::ALL;
            match t.meta().name {
                "blocks" => sel.blocks = false,
                "epochs" => sel.epochs = false,
                "firms" => sel.firms = false,
                "events" => sel.events = false,
                other => panic!("unexpected optional table {other}"),
            }
            assert!(!t.meta().is_written(&sel));
            let others = RUN_TABLES.iter().filter(|o| o.meta().name != t.meta().name);
            assert!(others.into_iter().all(|o| o.meta().is_written(&sel)));
        }
        assert!(run_table("runs").is_none());
    }

    #[test]
    fn every_column_has_unit_description_and_a_known_null_condition() {
        for t in RUN_TABLES {
            let m = t.meta();
            let schema = t.schema();
            let docs = t.column_docs();
            assert_eq!(schema.fields().len(), docs.len());
            let mut names: Vec<_> = docs.iter().map(|c| c.name).collect();
            names.sort_unstable();
            names.dedup();
            assert_eq!(names.len(), docs.len(), "{}: duplicate column", m.name);
            for (f, c) in schema.fields().iter().zip(&docs) {
                assert_eq!(f.as_ref(), &c.field());
                let md = f.metadata();
                assert!(
                    !md[UNIT_KEY].is_empty(),
                    "{}.{} lacks a unit",
                    m.name,
                    c.name
                );
                let d = &md[DESCRIPTION_KEY];
                assert!(d.ends_with('.'), "{}.{}: {d:?}", m.name, c.name);
                assert!(!d.contains('\n'), "{}.{}: {d:?}", m.name, c.name);
                if matches!(f.data_type(), DataType::Timestamp(..)) {
                    assert_eq!(md[UNIT_KEY], UNIT_UNIX_TIME_UTC);
                }
                assert_eq!(f.is_nullable(), c.null_when.is_some());
                // The description says when the column is null, in the words of its
                // condition.
                let said = match c.null_when {
                    None | Some(NullWhen::NoAttackCost) => None,
                    Some(NullWhen::NoBlocks) => Some("null without blocks"),
                    Some(NullWhen::NoFleet | NullWhen::NothingRuns) => Some("null without a fleet"),
                    Some(NullWhen::NoFirms | NullWhen::NoAiMarket) => Some("null without firms"),
                    Some(NullWhen::NoRelease) => Some("null before the first release"),
                    Some(NullWhen::NoRental) => Some("null when security.rental_share = 0"),
                    Some(NullWhen::NoMachines) => Some("null without machines"),
                    Some(NullWhen::GeneratedFirm) => Some("null for generated firms"),
                    Some(NullWhen::NetworkEvent) => Some("null for network-level events"),
                    Some(NullWhen::NoSite) => Some("null when not site-specific"),
                };
                if let Some(words) = said {
                    // attack_cost_new_usd is the one column whose condition goes unsaid (its
                    // description spells out the attack's defaults instead).
                    if c.name != "attack_cost_new_usd" {
                        assert!(
                            d.contains(words),
                            "{}.{}: {d:?} lacks {words:?}",
                            m.name,
                            c.name
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn schemas_are_cached_and_follow_the_column_lists() {
        assert!(std::sync::Arc::ptr_eq(&BLOCKS.schema(), &BLOCKS.schema()));
        for t in RUN_TABLES {
            let names: Vec<_> = t.column_docs().iter().map(|c| c.name).collect();
            let fields: Vec<_> = t
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect();
            assert_eq!(names, fields, "{}", t.meta().name);
        }
        // The security columns close both the daily and the epochs table.
        let n = Columns::<DayRecord>::new()
            .then(security::snapshot_columns)
            .docs()
            .len();
        let tail = |t: &dyn RunTable| -> Vec<String> {
            let f = t
                .schema()
                .fields()
                .iter()
                .map(|f| f.name().clone())
                .collect::<Vec<_>>();
            f[f.len() - n..].to_vec()
        };
        assert_eq!(tail(&DAILY), tail(&EPOCHS));
        assert_eq!(tail(&DAILY)[0], "attack_cost_new_usd");
    }
}
