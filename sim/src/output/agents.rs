//! The `firms` (monthly panel) and `events` tables. Both are written in batches of
//! [`AGENT_BATCH_ROWS`]; exogenous-hashrate runs and runs without firms leave them empty (the
//! files exist with their schema, so datasets always have the same tables) unless
//! `output.firms` / `output.events` leave the files out.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use arrow_array::{
    ArrayRef, BooleanArray, Float64Array, StringArray, TimestampMillisecondArray, UInt32Array,
};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::WriterPropertiesBuilder;
use parquet::schema::types::ColumnPath;

use super::parquet_sink::{secs_to_ms, TableFile};
use super::schema::{f64_field, field, time_field, u32_field, DESCRIPTION_KEY, UNIT_KEY};
use super::{OutputError, TableSelection};
use crate::record::{EventRecord, FirmMonthRecord, RunMetadata};

/// File name of the firms table.
pub const FIRMS_FILE: &str = "firms.parquet";
/// File name of the events table.
pub const EVENTS_FILE: &str = "events.parquet";
/// Table name of the firms table.
pub const FIRMS_TABLE: &str = "firms";
/// Table name of the events table.
pub const EVENTS_TABLE: &str = "events";
/// Rows buffered before a batch is written.
pub const AGENT_BATCH_ROWS: usize = 65_536;

/// ZSTD level of the agent tables.
pub const AGENT_ZSTD_LEVEL: i32 = 1;

/// The agent tables' writer settings over the common ones: ZSTD level [`AGENT_ZSTD_LEVEL`] and
/// PLAIN floats. They are the largest tables with thousands of firms (a row per firm and
/// month) and their floats (cash, flows, MW) have few repeated bytes: measured on the `firms`
/// table of 5,000 firms over 20 years (1.2M rows), level 1 with PLAIN floats writes in about
/// 40% of the time of level 3 with `BYTE_STREAM_SPLIT`, and the file is 7% smaller.
pub(super) fn tune(
    table: &str,
    schema: &Schema,
    builder: WriterPropertiesBuilder,
) -> WriterPropertiesBuilder {
    if table != FIRMS_TABLE && table != EVENTS_TABLE {
        return builder;
    }
    let level = ZstdLevel::try_new(AGENT_ZSTD_LEVEL).expect("valid zstd level");
    let mut builder = builder.set_compression(Compression::ZSTD(level));
    for f in schema.fields() {
        if matches!(f.data_type(), DataType::Float64) {
            let path = ColumnPath::from(f.name().as_str());
            builder = builder.set_column_encoding(path, Encoding::PLAIN);
        }
    }
    builder
}

fn nullable(name: &str, t: DataType, unit: &str, description: &str) -> Field {
    Field::new(name, t, true).with_metadata([(UNIT_KEY, unit), (DESCRIPTION_KEY, description)])
}

/// Schema of the `firms` table.
pub fn firms_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        Arc::new(Schema::new(vec![
            time_field("time", "Decision time (UTC); flows are those since the firm's previous row."),
            u32_field("firm", "1", "Firm id (named firms first, then the generated ones)."),
            nullable("ticker", DataType::Utf8, "text", "Ticker or name of a named firm (firms.public_miners, [[firms.custom]]); null for generated firms."),
            field("public", DataType::Boolean, "1", "Public firm (lower cost of capital, larger credit line, more project finance)."),
            field("state", DataType::Utf8, "text", "active or bankrupt (a bankrupt firm has one last row, then none)."),
            u32_field("sites", "1", "Sites owned."),
            f64_field("capacity_mw", "MW", "Capacity of the sites at the meter (gross)."),
            f64_field("mining_mw", "MW", "MW with ASICs installed (running or not)."),
            f64_field("converting_mw", "MW", "MW converting to AI: offline, earning nothing, for the lead time."),
            f64_field("ai_colo_mw", "MW", "MW of energized AI colocation shells (leased or vacant), gross."),
            f64_field("ai_cloud_mw", "MW", "MW of AI GPU cloud, gross."),
            f64_field("idle_mw", "MW", "MW with neither machines nor AI (machines sold, ordered and not yet delivered, or shut)."),
            f64_field("installed_ths", "TH/s", "Installed hashrate."),
            f64_field("running_ths", "TH/s", "Running hashrate."),
            nullable("efficiency_j_per_th", DataType::Float64, "J/TH", "Hashrate-weighted efficiency of the installed machines; null without machines."),
            f64_field("cash_usd", "USD", "Cash after the period's flows and the decision's payments."),
            f64_field("debt_usd", "USD", "Corporate debt (credit line), project debt and construction loans."),
            f64_field("mining_revenue_usd", "USD", "Mining revenue of the period at the hashprice (pools pay FPPS)."),
            f64_field("colo_revenue_usd", "USD", "AI colocation revenue of the period."),
            f64_field("cloud_revenue_usd", "USD", "AI cloud revenue of the period."),
            f64_field("sales_usd", "USD", "ASIC and site sales of the period."),
            f64_field("energy_usd", "USD", "Mining energy of the period, carbon tax included."),
            f64_field("opex_usd", "USD", "Other operating costs of the period (mining opex, AI opex, cloud power)."),
            f64_field("interest_usd", "USD", "Interest of the period."),
            f64_field("capex_usd", "USD", "Capital expenditure of the period: ASICs (new and secondary), expansions, conversions and GPUs, sites bought."),
            f64_field("borrowed_usd", "USD", "Debt drawn in the period (credit line, project finance)."),
            f64_field("repaid_usd", "USD", "Principal repaid in the period."),
            f64_field("expected_drift", "1/yr", "The firm's expected log drift of the BTC price (its belief)."),
        ]))
    })
    .clone()
}

/// Schema of the `events` table.
pub fn events_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        Arc::new(Schema::new(vec![
            time_field("time", "When (UTC)."),
            field(
                "kind",
                DataType::Utf8,
                "text",
                "conversion_started, conversion_completed, contract_signed, contract_ended, contract_defaulted, asic_purchase, asic_delivery, asic_secondary_purchase, asic_sale, asic_scrapped, site_expanded, bankruptcy, site_sold, site_shut, site_relocated, shock, halving, retarget_clamped, fee_spike_started, fee_spike_ended, price_feedback.",
            ),
            nullable("firm", DataType::UInt32, "1", "Firm id, as in the firms table (null for network-level events)."),
            nullable("site", DataType::UInt32, "1", "Site id (null when not site-specific)."),
            f64_field("mw", "MW", "Gross MW concerned (0 when none)."),
            f64_field("ths", "TH/s", "Hashrate concerned (0 when none)."),
            f64_field("usd", "USD", "Money concerned: price paid or received, capex, contract revenue per year (0 when none)."),
            field("detail", DataType::Utf8, "text", "A label: colocation or cloud for AI events, fill, refresh, expand or relocate for ASIC purchases, the shock kind for shocks, the trigger of a price feedback (empty when none)."),
            f64_field("value", "varies", "A number by kind: contract rate (USD per MW of critical IT per year), conversion hurdle, shock factor, seller id of a site sale, halving height, epoch of a clamped retarget, fee-spike multiplier, price factor of a price feedback (0 when none)."),
        ]))
    })
    .clone()
}

fn f64s(rows: impl Iterator<Item = f64>) -> ArrayRef {
    Arc::new(Float64Array::from_iter_values(rows))
}

fn times(rows: impl Iterator<Item = i64>) -> ArrayRef {
    Arc::new(TimestampMillisecondArray::from_iter_values(rows.map(secs_to_ms)).with_timezone("UTC"))
}

fn firm_arrays(d: &[FirmMonthRecord]) -> Vec<ArrayRef> {
    vec![
        times(d.iter().map(|r| r.time_unix)),
        Arc::new(UInt32Array::from_iter_values(d.iter().map(|r| r.firm))),
        Arc::new(StringArray::from_iter(
            d.iter().map(|r| r.ticker.as_deref()),
        )),
        Arc::new(BooleanArray::from_iter(d.iter().map(|r| Some(r.public)))),
        Arc::new(StringArray::from_iter_values(d.iter().map(|r| r.state))),
        Arc::new(UInt32Array::from_iter_values(d.iter().map(|r| r.sites))),
        f64s(d.iter().map(|r| r.capacity_mw)),
        f64s(d.iter().map(|r| r.mining_mw)),
        f64s(d.iter().map(|r| r.converting_mw)),
        f64s(d.iter().map(|r| r.ai_colo_mw)),
        f64s(d.iter().map(|r| r.ai_cloud_mw)),
        f64s(d.iter().map(|r| r.idle_mw)),
        f64s(d.iter().map(|r| r.installed_ths)),
        f64s(d.iter().map(|r| r.running_ths)),
        Arc::new(Float64Array::from_iter(
            d.iter()
                .map(|r| Some(r.efficiency_j_per_th).filter(|x| x.is_finite())),
        )),
        f64s(d.iter().map(|r| r.cash_usd)),
        f64s(d.iter().map(|r| r.debt_usd)),
        f64s(d.iter().map(|r| r.mining_revenue_usd)),
        f64s(d.iter().map(|r| r.colo_revenue_usd)),
        f64s(d.iter().map(|r| r.cloud_revenue_usd)),
        f64s(d.iter().map(|r| r.sales_usd)),
        f64s(d.iter().map(|r| r.energy_usd)),
        f64s(d.iter().map(|r| r.opex_usd)),
        f64s(d.iter().map(|r| r.interest_usd)),
        f64s(d.iter().map(|r| r.capex_usd)),
        f64s(d.iter().map(|r| r.borrowed_usd)),
        f64s(d.iter().map(|r| r.repaid_usd)),
        f64s(d.iter().map(|r| r.expected_drift)),
    ]
}

fn event_arrays(d: &[EventRecord]) -> Vec<ArrayRef> {
    vec![
        times(d.iter().map(|r| r.time_unix)),
        Arc::new(StringArray::from_iter_values(
            d.iter().map(|r| r.kind.name()),
        )),
        Arc::new(UInt32Array::from_iter(d.iter().map(|r| r.firm))),
        Arc::new(UInt32Array::from_iter(d.iter().map(|r| r.site))),
        f64s(d.iter().map(|r| r.mw)),
        f64s(d.iter().map(|r| r.ths)),
        f64s(d.iter().map(|r| r.usd)),
        Arc::new(StringArray::from_iter_values(d.iter().map(|r| r.detail))),
        f64s(d.iter().map(|r| r.value)),
    ]
}

/// One agent table: rows buffered and written in batches of [`AGENT_BATCH_ROWS`]; nothing when
/// the selection leaves the table out.
struct BufferedTable<R> {
    rows: Vec<R>,
    file: Option<TableFile>,
    arrays: fn(&[R]) -> Vec<ArrayRef>,
}

impl<R: Clone> BufferedTable<R> {
    fn create(
        on: bool,
        (dir, meta): (&Path, &RunMetadata),
        (name, table, schema): (&str, &str, SchemaRef),
        arrays: fn(&[R]) -> Vec<ArrayRef>,
    ) -> Result<Self, OutputError> {
        Ok(Self {
            rows: Vec::new(),
            file: on
                .then(|| TableFile::create(dir, name, table, schema, meta))
                .transpose()?,
            arrays,
        })
    }

    fn push(&mut self, rec: &R) -> Result<(), OutputError> {
        let Some(file) = &mut self.file else {
            return Ok(());
        };
        self.rows.push(rec.clone());
        if self.rows.len() == AGENT_BATCH_ROWS {
            file.write((self.arrays)(&self.rows))?;
            self.rows.clear();
        }
        Ok(())
    }

    fn finish(self) -> Result<(), OutputError> {
        if let Some(mut file) = self.file {
            if !self.rows.is_empty() {
                file.write((self.arrays)(&self.rows))?;
            }
            file.finish()?;
        }
        Ok(())
    }
}

/// Buffers and writes the two agent tables.
pub(super) struct AgentTables {
    firms: BufferedTable<FirmMonthRecord>,
    events: BufferedTable<EventRecord>,
}

impl AgentTables {
    /// The agent tables in `dir` that `tables` selects: `firms.parquet` and `events.parquet`.
    pub(super) fn create(
        dir: &Path,
        meta: &RunMetadata,
        tables: TableSelection,
    ) -> Result<Self, OutputError> {
        let at = (dir, meta);
        Ok(Self {
            firms: BufferedTable::create(
                tables.firms,
                at,
                (FIRMS_FILE, FIRMS_TABLE, firms_schema()),
                firm_arrays,
            )?,
            events: BufferedTable::create(
                tables.events,
                at,
                (EVENTS_FILE, EVENTS_TABLE, events_schema()),
                event_arrays,
            )?,
        })
    }

    /// Whether `firms.parquet` is written.
    pub(super) fn writes_firms(&self) -> bool {
        self.firms.file.is_some()
    }

    /// Whether `events.parquet` is written.
    pub(super) fn writes_events(&self) -> bool {
        self.events.file.is_some()
    }

    pub(super) fn push_firm(&mut self, rec: &FirmMonthRecord) -> Result<(), OutputError> {
        self.firms.push(rec)
    }

    pub(super) fn push_event(&mut self, rec: &EventRecord) -> Result<(), OutputError> {
        self.events.push(rec)
    }

    pub(super) fn finish(self) -> Result<(), OutputError> {
        self.firms.finish()?;
        self.events.finish()
    }
}
