//! The columns of `firms` (the monthly panel: one row per firm and decision) and `events`
//! (one row per event). Runs without firms (exogenous hashrate, fleets without agents) leave
//! `firms` empty and log only the network-level events in `events` (halvings, shocks, clamped
//! retargets, fee spikes, price feedback); the files exist with their schema, so datasets
//! always have the same tables, unless `output.firms` / `output.events` leave them out.

use super::super::columns::{ColumnList, Columns};
use super::super::schema::NullWhen::{GeneratedFirm, NetworkEvent, NoMachines, NoSite};
use super::super::schema::UNIT_TEXT;
use crate::record::{EventKind, EventRecord, FirmMonthRecord};

/// Rows buffered before a batch is written.
pub const AGENT_BATCH_ROWS: usize = 65_536;

/// The columns of `firms`.
pub fn firms() -> Box<dyn ColumnList<FirmMonthRecord>> {
    let columns = Columns::<FirmMonthRecord>::new()
        .time(
            "time",
            "Decision time (UTC); flows are those since the firm's previous row.",
            |r| r.time_unix,
        )
        .u32(
            "firm",
            "1",
            "Firm id (named firms first, then the generated ones).",
            |r| r.firm,
        )
        .opt_text(
            "ticker",
            UNIT_TEXT,
            "Ticker or name of a named firm (firms.public_miners, [[firms.custom]]); null for \
             generated firms.",
            GeneratedFirm,
            |r| r.ticker.as_deref(),
        )
        .bool(
            "public",
            "1",
            "Public firm (lower cost of capital, larger credit line, more project finance).",
            |r| r.public,
        )
        .text(
            "state",
            UNIT_TEXT,
            "active or bankrupt (a bankrupt firm has one last row, then none).",
            |r| r.state,
        )
        .u32("sites", "1", "Sites owned.", |r| r.sites)
        .f64(
            "capacity_mw",
            "MW",
            "Capacity of the sites at the meter (gross).",
            |r| r.capacity_mw,
        )
        .f64(
            "mining_mw",
            "MW",
            "MW with ASICs installed (running or not).",
            |r| r.mining_mw,
        )
        .f64(
            "converting_mw",
            "MW",
            "MW converting to AI: offline, earning nothing, for the lead time.",
            |r| r.converting_mw,
        )
        .f64(
            "ai_colo_mw",
            "MW",
            "MW of energized AI colocation shells (leased or vacant), gross.",
            |r| r.ai_colo_mw,
        )
        .f64("ai_cloud_mw", "MW", "MW of AI GPU cloud, gross.", |r| {
            r.ai_cloud_mw
        })
        .f64(
            "idle_mw",
            "MW",
            "MW with neither machines nor AI (machines sold, ordered and not yet delivered, or \
             shut).",
            |r| r.idle_mw,
        )
        .f64("installed_ths", "TH/s", "Installed hashrate.", |r| {
            r.installed_ths
        })
        .f64("running_ths", "TH/s", "Running hashrate.", |r| {
            r.running_ths
        })
        .opt_f64(
            "efficiency_j_per_th",
            "J/TH",
            "Hashrate-weighted efficiency of the installed machines; null without machines.",
            NoMachines,
            |r| r.efficiency_j_per_th,
        )
        .f64(
            "cash_usd",
            "USD",
            "Cash after the period's flows and the decision's payments. Firms retain all profit \
             (no payouts, no equity raised): read it as retained capital.",
            |r| r.cash_usd,
        )
        .f64(
            "debt_usd",
            "USD",
            "Corporate debt (credit line), project debt and construction loans.",
            |r| r.debt_usd,
        )
        .f64(
            "mining_revenue_usd",
            "USD",
            "Mining revenue of the period at the hashprice (pools pay FPPS).",
            |r| r.mining_revenue_usd,
        )
        .f64(
            "colo_revenue_usd",
            "USD",
            "AI colocation revenue of the period.",
            |r| r.colo_revenue_usd,
        )
        .f64(
            "cloud_revenue_usd",
            "USD",
            "AI cloud revenue of the period.",
            |r| r.cloud_revenue_usd,
        )
        .f64(
            "sales_usd",
            "USD",
            "ASIC and site sales of the period.",
            |r| r.sales_usd,
        )
        .f64(
            "energy_usd",
            "USD",
            "Mining energy of the period, carbon tax included.",
            |r| r.energy_usd,
        )
        .f64(
            "opex_usd",
            "USD",
            "Other operating costs of the period (mining opex, AI opex, cloud power).",
            |r| r.opex_usd,
        )
        .f64(
            "idle_cost_usd",
            "USD",
            "Fixed costs of the period's idle mining capacity (the MW of stopped machines and \
             MW without machines, at firms.idle_usd_per_mw_year).",
            |r| r.idle_cost_usd,
        )
        .f64(
            "interest_usd",
            "USD",
            "Interest of the period, capitalized construction interest included (at \
             energization; also in borrowed_usd, as the loan pays it).",
            |r| r.interest_usd,
        )
        .f64(
            "capex_usd",
            "USD",
            "Capital expenditure of the period: ASICs (new and secondary), expansions, \
             conversions and GPUs, sites bought.",
            |r| r.capex_usd,
        )
        .f64(
            "borrowed_usd",
            "USD",
            "Debt drawn in the period (credit line, project finance, capitalized construction \
             interest): debt change = borrowed_usd - repaid_usd.",
            |r| r.borrowed_usd,
        )
        .f64(
            "repaid_usd",
            "USD",
            "Principal repaid in the period.",
            |r| r.repaid_usd,
        )
        .f64(
            "expected_drift",
            "1/yr",
            "The firm's expected log drift of the BTC price (its belief).",
            |r| r.expected_drift,
        );
    Box::new(columns)
}

/// The `kind` column's description: every kind's name, in [`EventKind::ALL`] order.
fn kinds_description() -> String {
    let names: Vec<&str> = EventKind::ALL.iter().map(|k| k.name()).collect();
    format!("{}.", names.join(", "))
}

/// The columns of `events`.
pub fn events() -> Box<dyn ColumnList<EventRecord>> {
    let columns = Columns::<EventRecord>::new()
        .time("time", "When (UTC).", |r| r.time_unix)
        .text("kind", UNIT_TEXT, kinds_description(), |r| r.kind.name())
        .opt_u32(
            "firm",
            "1",
            "Firm id, as in the firms table (null for network-level events).",
            NetworkEvent,
            |r| r.firm,
        )
        .opt_u32(
            "site",
            "1",
            "Site id (null when not site-specific).",
            NoSite,
            |r| r.site,
        )
        .f64("mw", "MW", "Gross MW concerned (0 when none).", |r| r.mw)
        .f64("ths", "TH/s", "Hashrate concerned (0 when none).", |r| {
            r.ths
        })
        .f64(
            "usd",
            "USD",
            "Money concerned: price paid or received, capex, contract revenue per year (0 when \
             none).",
            |r| r.usd,
        )
        .text(
            "detail",
            UNIT_TEXT,
            "A label: colocation or cloud for AI events, fill, refresh, expand or relocate for \
             ASIC purchases, the shock kind for shocks, the trigger of a price feedback (empty \
             when none).",
            |r| r.detail,
        )
        .f64(
            "value",
            "varies",
            "A number by kind: contract rate (USD per MW of critical IT per year), conversion \
             hurdle, shock factor, seller id of a site sale, halving height, epoch of a clamped \
             retarget, fee-spike multiplier, price factor of a price feedback (0 when none).",
            |r| r.value,
        );
    Box::new(columns)
}
