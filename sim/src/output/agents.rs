//! The `firms` (monthly panel) and `events` tables. Both are written in batches of
//! [`AGENT_BATCH_ROWS`]. Runs without firms (exogenous hashrate, fleets without agents) leave
//! `firms` empty and log only the network-level events in `events` (halvings, shocks, clamped
//! retargets, fee spikes, price feedback); the files exist with their schema, so datasets
//! always have the same tables, unless `output.firms` / `output.events` leave them out.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use arrow_array::builder::{BooleanBuilder, Float64Builder, StringBuilder, UInt32Builder};
use arrow_array::{ArrayRef, Float64Array, TimestampMillisecondArray, UInt32Array};
use arrow_schema::{DataType, Field, Schema, SchemaRef};
use parquet::basic::{Compression, Encoding, ZstdLevel};
use parquet::file::properties::WriterPropertiesBuilder;
use parquet::schema::types::ColumnPath;

use super::parquet_sink::{secs_to_ms, take, TableFile};
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
            f64_field("cash_usd", "USD", "Cash after the period's flows and the decision's payments. Firms retain all profit (no payouts, no equity raised): read it as retained capital."),
            f64_field("debt_usd", "USD", "Corporate debt (credit line), project debt and construction loans."),
            f64_field("mining_revenue_usd", "USD", "Mining revenue of the period at the hashprice (pools pay FPPS)."),
            f64_field("colo_revenue_usd", "USD", "AI colocation revenue of the period."),
            f64_field("cloud_revenue_usd", "USD", "AI cloud revenue of the period."),
            f64_field("sales_usd", "USD", "ASIC and site sales of the period."),
            f64_field("energy_usd", "USD", "Mining energy of the period, carbon tax included."),
            f64_field("opex_usd", "USD", "Other operating costs of the period (mining opex, AI opex, cloud power)."),
            f64_field("interest_usd", "USD", "Interest of the period, capitalized construction interest included (at energization; also in borrowed_usd, as the loan pays it)."),
            f64_field("capex_usd", "USD", "Capital expenditure of the period: ASICs (new and secondary), expansions, conversions and GPUs, sites bought."),
            f64_field("borrowed_usd", "USD", "Debt drawn in the period (credit line, project finance, capitalized construction interest): debt change = borrowed_usd - repaid_usd."),
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

fn f64_array(v: &mut Vec<f64>) -> ArrayRef {
    Arc::new(Float64Array::from(take(v, AGENT_BATCH_ROWS)))
}

fn time_array(v: &mut Vec<i64>) -> ArrayRef {
    Arc::new(TimestampMillisecondArray::from(take(v, AGENT_BATCH_ROWS)).with_timezone("UTC"))
}

/// Rows buffered column by column: each row is appended to one buffer per column as it
/// comes, and a batch hands the buffers to Arrow without copying them (a row-major buffer
/// would be read back once per column: with 1.2M firm rows of 28 columns that transpose was
/// about a tenth of a 5,000-firm run).
trait Columns: Default {
    type Row;
    fn push(&mut self, row: &Self::Row);
    fn len(&self) -> usize;
    /// The buffered rows as arrays in schema order; the buffers are emptied.
    fn take_arrays(&mut self) -> Vec<ArrayRef>;
}

/// The `firms` table's plain float columns from `capacity_mw` to `running_ths`, in schema
/// order.
fn firm_capacity_columns(r: &FirmMonthRecord) -> [f64; 8] {
    [
        r.capacity_mw,
        r.mining_mw,
        r.converting_mw,
        r.ai_colo_mw,
        r.ai_cloud_mw,
        r.idle_mw,
        r.installed_ths,
        r.running_ths,
    ]
}

/// The `firms` table's float columns from `cash_usd` to `expected_drift`, in schema order.
fn firm_money_columns(r: &FirmMonthRecord) -> [f64; 13] {
    [
        r.cash_usd,
        r.debt_usd,
        r.mining_revenue_usd,
        r.colo_revenue_usd,
        r.cloud_revenue_usd,
        r.sales_usd,
        r.energy_usd,
        r.opex_usd,
        r.interest_usd,
        r.capex_usd,
        r.borrowed_usd,
        r.repaid_usd,
        r.expected_drift,
    ]
}

/// Column buffers of the `firms` table.
#[derive(Default)]
struct FirmColumns {
    time_ms: Vec<i64>,
    firm: Vec<u32>,
    ticker: StringBuilder,
    public: BooleanBuilder,
    state: StringBuilder,
    sites: Vec<u32>,
    capacity: [Vec<f64>; 8],
    /// Null without machines (NaN in the record).
    efficiency: Float64Builder,
    money: [Vec<f64>; 13],
}

impl Columns for FirmColumns {
    type Row = FirmMonthRecord;

    #[inline]
    fn push(&mut self, r: &FirmMonthRecord) {
        self.time_ms.push(secs_to_ms(r.time_unix));
        self.firm.push(r.firm);
        self.ticker.append_option(r.ticker.as_deref());
        self.public.append_value(r.public);
        self.state.append_value(r.state);
        self.sites.push(r.sites);
        for (c, x) in self.capacity.iter_mut().zip(firm_capacity_columns(r)) {
            c.push(x);
        }
        self.efficiency
            .append_option(Some(r.efficiency_j_per_th).filter(|x| x.is_finite()));
        for (c, x) in self.money.iter_mut().zip(firm_money_columns(r)) {
            c.push(x);
        }
    }

    fn len(&self) -> usize {
        self.firm.len()
    }

    fn take_arrays(&mut self) -> Vec<ArrayRef> {
        let mut out: Vec<ArrayRef> = vec![
            time_array(&mut self.time_ms),
            Arc::new(UInt32Array::from(take(&mut self.firm, AGENT_BATCH_ROWS))),
            Arc::new(self.ticker.finish()),
            Arc::new(self.public.finish()),
            Arc::new(self.state.finish()),
            Arc::new(UInt32Array::from(take(&mut self.sites, AGENT_BATCH_ROWS))),
        ];
        out.extend(self.capacity.iter_mut().map(f64_array));
        out.push(Arc::new(self.efficiency.finish()));
        out.extend(self.money.iter_mut().map(f64_array));
        out
    }
}

/// Column buffers of the `events` table.
#[derive(Default)]
struct EventColumns {
    time_ms: Vec<i64>,
    kind: StringBuilder,
    firm: UInt32Builder,
    site: UInt32Builder,
    mw: Vec<f64>,
    ths: Vec<f64>,
    usd: Vec<f64>,
    detail: StringBuilder,
    value: Vec<f64>,
}

impl Columns for EventColumns {
    type Row = EventRecord;

    #[inline]
    fn push(&mut self, r: &EventRecord) {
        self.time_ms.push(secs_to_ms(r.time_unix));
        self.kind.append_value(r.kind.name());
        self.firm.append_option(r.firm);
        self.site.append_option(r.site);
        self.mw.push(r.mw);
        self.ths.push(r.ths);
        self.usd.push(r.usd);
        self.detail.append_value(r.detail);
        self.value.push(r.value);
    }

    fn len(&self) -> usize {
        self.mw.len()
    }

    fn take_arrays(&mut self) -> Vec<ArrayRef> {
        vec![
            time_array(&mut self.time_ms),
            Arc::new(self.kind.finish()),
            Arc::new(self.firm.finish()),
            Arc::new(self.site.finish()),
            f64_array(&mut self.mw),
            f64_array(&mut self.ths),
            f64_array(&mut self.usd),
            Arc::new(self.detail.finish()),
            f64_array(&mut self.value),
        ]
    }
}

/// One agent table: rows buffered and written in batches of [`AGENT_BATCH_ROWS`]; nothing when
/// the selection leaves the table out.
struct BufferedTable<C> {
    columns: C,
    file: Option<TableFile>,
}

impl<C: Columns> BufferedTable<C> {
    fn create(
        on: bool,
        (dir, meta): (&Path, &RunMetadata),
        (name, table, schema): (&str, &str, SchemaRef),
    ) -> Result<Self, OutputError> {
        Ok(Self {
            columns: C::default(),
            file: on
                .then(|| TableFile::create(dir, name, table, schema, meta))
                .transpose()?,
        })
    }

    fn push(&mut self, row: &C::Row) -> Result<(), OutputError> {
        let Some(file) = &mut self.file else {
            return Ok(());
        };
        self.columns.push(row);
        if self.columns.len() == AGENT_BATCH_ROWS {
            file.write(self.columns.take_arrays())?;
        }
        Ok(())
    }

    fn finish(mut self) -> Result<(), OutputError> {
        if let Some(mut file) = self.file {
            if self.columns.len() > 0 {
                file.write(self.columns.take_arrays())?;
            }
            file.finish()?;
        }
        Ok(())
    }
}

/// Buffers and writes the two agent tables.
pub(super) struct AgentTables {
    firms: BufferedTable<FirmColumns>,
    events: BufferedTable<EventColumns>,
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
            )?,
            events: BufferedTable::create(
                tables.events,
                at,
                (EVENTS_FILE, EVENTS_TABLE, events_schema()),
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
