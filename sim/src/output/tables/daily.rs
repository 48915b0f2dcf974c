//! The columns of `daily` (one row per simulated day) and `daily_regions` (one row per day and
//! region; runs with a fleet only).
//!
//! Rows are few (7,305 days in 20 years), written in batches of [`DAILY_BATCH_ROWS`].

use super::super::columns::{ColumnList, Columns};
use super::super::schema::NullWhen::{
    NoAiMarket, NoBlocks, NoFirms, NoFleet, NoRelease, NothingRuns,
};
use super::super::schema::UNIT_TEXT;
use super::security;
use crate::record::{AiMarketDay, DayRecord, RegionDayRecord};

/// Rows buffered before a batch is written.
pub const DAILY_BATCH_ROWS: usize = 8192;

/// The AI market of a day, if the run has firms and an AI market.
fn ai(d: &DayRecord) -> Option<AiMarketDay> {
    d.agents.and_then(|a| a.ai_market)
}

/// The columns of `daily`.
pub fn daily() -> Box<dyn ColumnList<DayRecord>> {
    let columns = Columns::<DayRecord>::new()
        .time(
            "date",
            "Start of the day (UTC midnight; the run start for a first partial day).",
            |d| d.date_unix,
        )
        .f64("price_usd", "USD/BTC", "BTC price during the day.", |d| {
            d.price_usd
        })
        .u64("blocks", "1", "Blocks found during the day.", |d| d.blocks)
        .f64("fees_btc", "BTC", "Fees paid during the day.", |d| {
            d.fees_btc
        })
        .f64(
            "fee_multiplier",
            "1",
            "Fee-spike multiplier of the expected fees in force during the day (1 outside spikes).",
            |d| d.fee_multiplier,
        )
        .f64(
            "subsidy_btc",
            "BTC",
            "Subsidy issued during the day.",
            |d| d.subsidy_btc,
        )
        .f64(
            "miner_revenue_usd",
            "USD",
            "Subsidy + fees of the day's blocks at the day's price (the security budget).",
            |d| d.miner_revenue_usd,
        )
        .f64(
            "difficulty",
            "1",
            "Difficulty in force at the end of the day.",
            |d| d.difficulty,
        )
        .f64(
            "hashprice_usd_per_ph_day",
            "USD/(PH/s)/day",
            "Expected revenue per PH/s per day at the end of the day (difficulty, subsidy, mean \
             fees, price).",
            |d| d.hashprice_usd_per_ph_day,
        )
        .f64(
            "hashrate_ehs",
            "EH/s",
            "Network (running) hashrate at the end of the day.",
            |d| d.hashrate_ehs,
        )
        .opt_f64(
            "idle_ehs",
            "EH/s",
            "Installed but switched-off hashrate (idle overhang); null without a fleet.",
            NoFleet,
            |d| d.idle_ehs,
        )
        .opt_f64(
            "offline_ehs",
            "EH/s",
            "Hashrate forced offline by bans; null without a fleet.",
            NoFleet,
            |d| d.offline_ehs,
        )
        .opt_f64(
            "power_gw",
            "GW",
            "Power drawn by running machines at the meter; null without a fleet.",
            NoFleet,
            |d| d.power_gw,
        )
        .opt_f64(
            "fleet_efficiency_j_per_th",
            "J/TH",
            "Hashrate-weighted efficiency of the running machines, PUE excluded (compare \
             CBECI); null without a fleet or when nothing runs.",
            NothingRuns,
            |d| d.fleet_efficiency_j_per_th,
        )
        .opt_f64(
            "energy_twh_per_year",
            "TWh/yr",
            "Energy use at the day's power, annualized; null without a fleet.",
            NoFleet,
            |d| d.energy_twh_per_year,
        )
        .opt_f64(
            "emissions_t_per_day",
            "tCO2/day",
            "Emissions of the day's power by regional grid intensity; null without a fleet.",
            NoFleet,
            |d| d.emissions_t_per_day,
        )
        .opt_f64(
            "marginal_breakeven_usd_per_kwh",
            "USD/kWh",
            "Breakeven energy price of the marginal running vintage; null without a fleet or \
             when nothing runs.",
            NothingRuns,
            |d| d.marginal_breakeven_usd_per_kwh,
        )
        .opt_f64(
            "marginal_energy_usd_per_kwh",
            "USD/kWh",
            "Energy price paid by the marginal running vintage; null without a fleet or when \
             nothing runs.",
            NothingRuns,
            |d| d.marginal_energy_usd_per_kwh,
        )
        .opt_f64(
            "revenue_usd_per_mw_year",
            "USD/MW/yr",
            "Mining revenue per MW at the meter per year for the running fleet's average \
             efficiency; null without a fleet or when nothing runs.",
            NothingRuns,
            |d| d.revenue_usd_per_mw_year,
        )
        .opt_f64(
            "frontier_j_per_th",
            "J/TH",
            "Efficiency of the best machine released by the end of the day (catalog models, \
             then the frontier's generations); null before the first release.",
            NoRelease,
            |d| d.frontier_j_per_th,
        )
        .opt_f64(
            "frontier_usd_per_th",
            "USD/(TH/s)",
            "Launch price per TH/s of that best machine; null before the first release.",
            NoRelease,
            |d| d.frontier_usd_per_th,
        )
        .opt_f64(
            "new_machine_usd_per_th",
            "USD/(TH/s)",
            "Price firms pay per TH/s for that machine new: its launch price, or less when the \
             hashprice is low (at most what the secondary market pays for it, at least 60% of \
             launch), times the order book's premium (up to 4x); null without firms.",
            NoFirms,
            |d| d.new_machine_usd_per_th,
        )
        .opt_f64(
            "ai_colo_rate_usd_per_mw_year",
            "USD/MW/yr",
            "Colocation rate a contract signed that day would lock, per MW of critical IT; null \
             without firms or an AI market (ai.enabled = false).",
            NoAiMarket,
            |d| ai(d).map(|m| m.colo_rate_usd_per_mw_year),
        )
        .opt_f64(
            "gpu_hour_usd",
            "USD/h",
            "GPU-hour price; null without firms or an AI market (ai.enabled = false).",
            NoAiMarket,
            |d| ai(d).map(|m| m.gpu_hour_usd),
        )
        .opt_f64(
            "ai_demand_mw",
            "MW",
            "AI demand that converted mining sites can serve, MW of critical IT (open demand = \
             demand - supply); null without firms or an AI market (ai.enabled = false).",
            NoAiMarket,
            |d| ai(d).map(|m| m.demand_mw),
        )
        .opt_f64(
            "ai_supply_mw",
            "MW",
            "AI supply: exogenous conventional capacity plus MW contracted by mining sites, MW \
             of critical IT; null without firms or an AI market (ai.enabled = false).",
            NoAiMarket,
            |d| ai(d).map(|m| m.supply_mw),
        )
        .opt_f64(
            "capacity_mw",
            "MW",
            "Capacity of all sites at the meter (grows with expansions) = mining_mw + \
             converting_mw + ai_mw + idle_mw; null without firms.",
            NoFirms,
            |d| d.agents.map(|a| a.capacity_mw),
        )
        .opt_f64(
            "mining_mw",
            "MW",
            "MW with ASICs installed (running or not); null without firms.",
            NoFirms,
            |d| d.agents.map(|a| a.mining_mw),
        )
        .opt_f64(
            "converting_mw",
            "MW",
            "MW converting to AI (offline for the lead time); null without firms.",
            NoFirms,
            |d| d.agents.map(|a| a.converting_mw),
        )
        .opt_f64(
            "ai_mw",
            "MW",
            "MW in AI (colocation and cloud), gross; null without firms.",
            NoFirms,
            |d| d.agents.map(|a| a.ai_mw),
        )
        .opt_f64(
            "idle_mw",
            "MW",
            "MW with neither machines nor AI; null without firms.",
            NoFirms,
            |d| d.agents.map(|a| a.idle_mw),
        )
        .opt_f64(
            "ai_share_of_initial_mining_mw",
            "1",
            "(AI + converting MW) / mining MW at the start: the migration; null without firms.",
            NoFirms,
            |d| d.agents.map(|a| a.ai_share_of_initial_mining_mw),
        )
        .opt_f64(
            "colo_usd_per_kwh",
            "USD/kWh",
            "Colocation revenue per kWh of critical IT at the day's rate; null without firms or \
             an AI market (ai.enabled = false).",
            NoAiMarket,
            |d| ai(d).map(|m| m.colo_usd_per_kwh),
        )
        .opt_f64(
            "cloud_usd_per_kwh",
            "USD/kWh",
            "GPU-cloud revenue per kWh of critical IT at the day's GPU-hour price; null without \
             firms or an AI market (ai.enabled = false).",
            NoAiMarket,
            |d| ai(d).map(|m| m.cloud_usd_per_kwh),
        )
        .opt_f64(
            "mining_usd_per_kwh",
            "USD/kWh",
            "Mining revenue per kWh at the meter of the running fleet; null without firms.",
            NoFirms,
            |d| d.agents.map(|a| a.mining_usd_per_kwh),
        )
        .opt_f64(
            "active_firms",
            "1",
            "Firms not bankrupt; null without firms.",
            NoFirms,
            |d| d.agents.map(|a| a.active_firms as f64),
        )
        .opt_f64(
            "secondary_ths",
            "TH/s",
            "ASIC hashrate offered on the secondary market; null without firms.",
            NoFirms,
            |d| d.agents.map(|a| a.secondary_ths),
        )
        .opt_f64(
            "order_book_ehs",
            "EH/s",
            "New ASICs ordered from the manufacturers and not yet delivered; null without firms.",
            NoFirms,
            |d| d.agents.map(|a| a.order_book_ehs),
        )
        .opt_f64(
            "asic_lead_time_days",
            "days",
            "Lead time the manufacturers quote for new ASICs ordered now: the normal lead \
             time, longer when the order book holds more than the factories make in it \
             (firms.factory_share_per_month); null without firms.",
            NoFirms,
            |d| d.agents.map(|a| a.asic_lead_time_days),
        )
        .f64(
            "implied_hashrate_ehs",
            "EH/s",
            "Hashrate implied by the difficulty in force at the end of the day, difficulty x \
             2^32 / 600.",
            |d| d.implied_hashrate_ehs,
        )
        .opt_f64(
            "mean_interval_s",
            "s",
            "Mean exact interval of the blocks found during the day; null without blocks.",
            NoBlocks,
            |d| d.intervals.map(|i| i.mean_s),
        )
        .opt_f64(
            "p95_interval_s",
            "s",
            "95th percentile (nearest rank) of those intervals; null without blocks.",
            NoBlocks,
            |d| d.intervals.map(|i| i.p95_s),
        )
        .opt_f64(
            "max_interval_s",
            "s",
            "Longest of those intervals; null without blocks.",
            NoBlocks,
            |d| d.intervals.map(|i| i.max_s),
        )
        .opt_f64(
            "fee_share",
            "1",
            "Fees over subsidy + fees of the day's blocks; null without blocks.",
            NoBlocks,
            |d| d.fee_share,
        )
        .text(
            "difficulty_rule",
            UNIT_TEXT,
            "Difficulty rule in force at the end of the day: bitcoin, asert or lwma.",
            |d| d.difficulty_rule,
        )
        .then(security::snapshot_columns);
    Box::new(columns)
}

/// The columns of `daily_regions`.
pub fn daily_regions() -> Box<dyn ColumnList<RegionDayRecord>> {
    let columns = Columns::<RegionDayRecord>::new()
        .time("date", "Start of the day (UTC).", |r| r.date_unix)
        .text(
            "region",
            UNIT_TEXT,
            "Region name (us, china, ..., rest_of_world).",
            |r| r.region,
        )
        .f64(
            "energy_usd_per_kwh",
            "USD/kWh",
            "Regional energy price during the day, shocks included.",
            |r| r.energy_usd_per_kwh,
        )
        .f64(
            "carbon_tax_usd_per_t",
            "USD/tCO2",
            "Carbon tax in force.",
            |r| r.carbon_tax_usd_per_t,
        )
        .f64(
            "hashrate_ehs",
            "EH/s",
            "Running hashrate in the region.",
            |r| r.hashrate_ehs,
        )
        .f64("power_gw", "GW", "Power drawn in the region.", |r| {
            r.power_gw
        })
        .f64(
            "emissions_t_per_day",
            "tCO2/day",
            "Emissions of the region's mining power.",
            |r| r.emissions_t_per_day,
        )
        .f64(
            "energy_twh_per_year",
            "TWh/yr",
            "Energy use of the region at the day's power, annualized.",
            |r| r.energy_twh_per_year,
        );
    Box::new(columns)
}
