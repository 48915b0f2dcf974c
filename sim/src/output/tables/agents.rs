//! The columns of `firms` (the monthly panel: one row per firm and decision) and `events`
//! (one row per event). Runs without firms (exogenous hashrate, fleets without agents) leave
//! `firms` empty and log only the network-level events in `events` (halvings, shocks, clamped
//! retargets, fee spikes, price feedback); the files exist with their schema, so datasets
//! always have the same tables, unless `output.firms` / `output.events` leave them out.

use super::super::schema::Fill::{Bool, OptF64, OptText, OptU32, Text, F64, U32};
use super::super::schema::NullWhen::{GeneratedFirm, NetworkEvent, NoMachines, NoSite};
use super::super::schema::{Columns, UNIT_TEXT};
use crate::record::{EventKind, EventRecord, FirmMonthRecord};

/// Rows buffered before a batch is written.
pub const AGENT_BATCH_ROWS: usize = 65_536;

/// The columns of `firms`.
pub fn firms() -> Columns<FirmMonthRecord> {
    Columns::<FirmMonthRecord>::new()
        .time(
            "time",
            "Decision time (UTC); flows are those since the firm's previous row.",
            |r| r.time_unix,
        )
        .col(
            "firm",
            "1",
            "Firm id (named firms first, then the generated ones).",
            U32(|r| r.firm),
        )
        .col(
            "ticker",
            UNIT_TEXT,
            "Ticker or name of a named firm (firms.public_miners, [[firms.custom]]); null for \
             generated firms.",
            OptText(GeneratedFirm, |r| r.ticker.as_deref()),
        )
        .col(
            "public",
            "1",
            "Public firm (lower cost of capital, larger credit line, more project finance).",
            Bool(|r| r.public),
        )
        .col(
            "state",
            UNIT_TEXT,
            "active or bankrupt (a bankrupt firm has one last row, then none).",
            Text(|r| r.state),
        )
        .col("sites", "1", "Sites owned.", U32(|r| r.sites))
        .col(
            "capacity_mw",
            "MW",
            "Capacity of the sites at the meter (gross).",
            F64(|r| r.capacity_mw),
        )
        .col(
            "mining_mw",
            "MW",
            "MW with ASICs installed (running or not).",
            F64(|r| r.mining_mw),
        )
        .col(
            "converting_mw",
            "MW",
            "MW converting to AI: offline, earning nothing, for the lead time.",
            F64(|r| r.converting_mw),
        )
        .col(
            "ai_colo_mw",
            "MW",
            "MW of energized AI colocation shells (leased or vacant), gross.",
            F64(|r| r.ai_colo_mw),
        )
        .col(
            "ai_cloud_mw",
            "MW",
            "MW of AI GPU cloud, gross.",
            F64(|r| r.ai_cloud_mw),
        )
        .col(
            "idle_mw",
            "MW",
            "MW with neither machines nor AI (machines sold, ordered and not yet delivered, or \
             shut).",
            F64(|r| r.idle_mw),
        )
        .col(
            "installed_ths",
            "TH/s",
            "Installed hashrate.",
            F64(|r| r.installed_ths),
        )
        .col(
            "running_ths",
            "TH/s",
            "Running hashrate.",
            F64(|r| r.running_ths),
        )
        .col(
            "efficiency_j_per_th",
            "J/TH",
            "Hashrate-weighted efficiency of the installed machines; null without machines.",
            OptF64(NoMachines, |r| r.efficiency_j_per_th),
        )
        .col(
            "cash_usd",
            "USD",
            "Cash after the period's flows and the decision's payments. Firms retain all profit \
             (no payouts, no equity raised): read it as retained capital.",
            F64(|r| r.cash_usd),
        )
        .col(
            "debt_usd",
            "USD",
            "Corporate debt (credit line), project debt and construction loans.",
            F64(|r| r.debt_usd),
        )
        .col(
            "mining_revenue_usd",
            "USD",
            "Mining revenue of the period at the hashprice (pools pay FPPS).",
            F64(|r| r.mining_revenue_usd),
        )
        .col(
            "colo_revenue_usd",
            "USD",
            "AI colocation revenue of the period.",
            F64(|r| r.colo_revenue_usd),
        )
        .col(
            "cloud_revenue_usd",
            "USD",
            "AI cloud revenue of the period.",
            F64(|r| r.cloud_revenue_usd),
        )
        .col(
            "sales_usd",
            "USD",
            "ASIC and site sales of the period.",
            F64(|r| r.sales_usd),
        )
        .col(
            "energy_usd",
            "USD",
            "Mining energy of the period, carbon tax included.",
            F64(|r| r.energy_usd),
        )
        .col(
            "opex_usd",
            "USD",
            "Other operating costs of the period (mining opex, AI opex, cloud power).",
            F64(|r| r.opex_usd),
        )
        .col(
            "interest_usd",
            "USD",
            "Interest of the period, capitalized construction interest included (at \
             energization; also in borrowed_usd, as the loan pays it).",
            F64(|r| r.interest_usd),
        )
        .col(
            "capex_usd",
            "USD",
            "Capital expenditure of the period: ASICs (new and secondary), expansions, \
             conversions and GPUs, sites bought.",
            F64(|r| r.capex_usd),
        )
        .col(
            "borrowed_usd",
            "USD",
            "Debt drawn in the period (credit line, project finance, capitalized construction \
             interest): debt change = borrowed_usd - repaid_usd.",
            F64(|r| r.borrowed_usd),
        )
        .col(
            "repaid_usd",
            "USD",
            "Principal repaid in the period.",
            F64(|r| r.repaid_usd),
        )
        .col(
            "expected_drift",
            "1/yr",
            "The firm's expected log drift of the BTC price (its belief).",
            F64(|r| r.expected_drift),
        )
}

/// The `kind` column's description: every kind's name, in [`EventKind::ALL`] order.
fn kinds_description() -> String {
    let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.name()).collect();
    format!("{}.", names.join(", "))
}

/// The columns of `events`.
pub fn events() -> Columns<EventRecord> {
    Columns::<EventRecord>::new()
        .time("time", "When (UTC).", |r| r.time_unix)
        .col(
            "kind",
            UNIT_TEXT,
            kinds_description(),
            Text(|r| r.kind.name()),
        )
        .col(
            "firm",
            "1",
            "Firm id, as in the firms table (null for network-level events).",
            OptU32(NetworkEvent, |r| r.firm),
        )
        .col(
            "site",
            "1",
            "Site id (null when not site-specific).",
            OptU32(NoSite, |r| r.site),
        )
        .col(
            "mw",
            "MW",
            "Gross MW concerned (0 when none).",
            F64(|r| r.mw),
        )
        .col(
            "ths",
            "TH/s",
            "Hashrate concerned (0 when none).",
            F64(|r| r.ths),
        )
        .col(
            "usd",
            "USD",
            "Money concerned: price paid or received, capex, contract revenue per year (0 when \
             none).",
            F64(|r| r.usd),
        )
        .col(
            "detail",
            UNIT_TEXT,
            "A label: colocation or cloud for AI events, fill, refresh, expand or relocate for \
             ASIC purchases, the shock kind for shocks, the trigger of a price feedback (empty \
             when none).",
            Text(|r| r.detail),
        )
        .col(
            "value",
            "varies",
            "A number by kind: contract rate (USD per MW of critical IT per year), conversion \
             hurdle, shock factor, seller id of a site sale, halving height, epoch of a clamped \
             retarget, fee-spike multiplier, price factor of a price feedback (0 when none).",
            F64(|r| r.value),
        )
}
