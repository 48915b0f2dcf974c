//! The columns of `daily` (one row per simulated day) and `daily_regions` (one row per day and
//! region; runs with a fleet only).
//!
//! Rows are few (7,305 days in 20 years), written in batches of [`DAILY_BATCH_ROWS`].

use super::super::schema::Fill::{OptF64, Text, F64, U64};
use super::super::schema::NullWhen::{
    NoAiMarket, NoBlocks, NoFirms, NoFleet, NoRelease, NothingRuns,
};
use super::super::schema::{Columns, UNIT_TEXT};
use super::security;
use crate::record::{AiMarketDay, DayRecord, RegionDayRecord};

/// Rows buffered before a batch is written.
pub const DAILY_BATCH_ROWS: usize = 8192;

/// The AI market of a day, if the run has firms and an AI market.
fn ai(d: &DayRecord) -> Option<AiMarketDay> {
    d.agents.and_then(|a| a.ai_market)
}

/// The columns of `daily`.
pub fn daily() -> Columns<DayRecord> {
    Columns::<DayRecord>::new()
        .time(
            "date",
            "Start of the day (UTC midnight; the run start for a first partial day).",
            |d| d.date_unix,
        )
        .col(
            "price_usd",
            "USD/BTC",
            "BTC price during the day.",
            F64(|d| d.price_usd),
        )
        .col(
            "blocks",
            "1",
            "Blocks found during the day.",
            U64(|d| d.blocks),
        )
        .col(
            "fees_btc",
            "BTC",
            "Fees paid during the day.",
            F64(|d| d.fees_btc),
        )
        .col(
            "fee_multiplier",
            "1",
            "Fee-spike multiplier of the expected fees in force during the day (1 outside spikes).",
            F64(|d| d.fee_multiplier),
        )
        .col(
            "subsidy_btc",
            "BTC",
            "Subsidy issued during the day.",
            F64(|d| d.subsidy_btc),
        )
        .col(
            "miner_revenue_usd",
            "USD",
            "Subsidy + fees of the day's blocks at the day's price (the security budget).",
            F64(|d| d.miner_revenue_usd),
        )
        .col(
            "difficulty",
            "1",
            "Difficulty in force at the end of the day.",
            F64(|d| d.difficulty),
        )
        .col(
            "hashprice_usd_per_ph_day",
            "USD/(PH/s)/day",
            "Expected revenue per PH/s per day at the end of the day (difficulty, subsidy, mean \
             fees, price).",
            F64(|d| d.hashprice_usd_per_ph_day),
        )
        .col(
            "hashrate_ehs",
            "EH/s",
            "Network (running) hashrate at the end of the day.",
            F64(|d| d.hashrate_ehs),
        )
        .col(
            "idle_ehs",
            "EH/s",
            "Installed but switched-off hashrate (idle overhang); null without a fleet.",
            OptF64(NoFleet, |d| d.idle_ehs),
        )
        .col(
            "offline_ehs",
            "EH/s",
            "Hashrate forced offline by bans; null without a fleet.",
            OptF64(NoFleet, |d| d.offline_ehs),
        )
        .col(
            "power_gw",
            "GW",
            "Power drawn by running machines at the meter; null without a fleet.",
            OptF64(NoFleet, |d| d.power_gw),
        )
        .col(
            "fleet_efficiency_j_per_th",
            "J/TH",
            "Hashrate-weighted efficiency of the running machines, PUE excluded (compare \
             CBECI); null without a fleet or when nothing runs.",
            OptF64(NothingRuns, |d| d.fleet_efficiency_j_per_th),
        )
        .col(
            "energy_twh_per_year",
            "TWh/yr",
            "Energy use at the day's power, annualized; null without a fleet.",
            OptF64(NoFleet, |d| d.energy_twh_per_year),
        )
        .col(
            "emissions_t_per_day",
            "tCO2/day",
            "Emissions of the day's power by regional grid intensity; null without a fleet.",
            OptF64(NoFleet, |d| d.emissions_t_per_day),
        )
        .col(
            "marginal_breakeven_usd_per_kwh",
            "USD/kWh",
            "Breakeven energy price of the marginal running vintage; null without a fleet or \
             when nothing runs.",
            OptF64(NothingRuns, |d| d.marginal_breakeven_usd_per_kwh),
        )
        .col(
            "marginal_energy_usd_per_kwh",
            "USD/kWh",
            "Energy price paid by the marginal running vintage; null without a fleet or when \
             nothing runs.",
            OptF64(NothingRuns, |d| d.marginal_energy_usd_per_kwh),
        )
        .col(
            "revenue_usd_per_mw_year",
            "USD/MW/yr",
            "Mining revenue per MW at the meter per year for the running fleet's average \
             efficiency; null without a fleet or when nothing runs.",
            OptF64(NothingRuns, |d| d.revenue_usd_per_mw_year),
        )
        .col(
            "frontier_j_per_th",
            "J/TH",
            "Efficiency of the best machine released by the end of the day (catalog models, \
             then the frontier's generations); null before the first release.",
            OptF64(NoRelease, |d| d.frontier_j_per_th),
        )
        .col(
            "frontier_usd_per_th",
            "USD/(TH/s)",
            "Launch price per TH/s of that best machine; null before the first release.",
            OptF64(NoRelease, |d| d.frontier_usd_per_th),
        )
        .col(
            "new_machine_usd_per_th",
            "USD/(TH/s)",
            "Price firms pay per TH/s for that machine new: its launch price, or less when the \
             hashprice is low (at most what the secondary market pays for it, at least 60% of \
             launch), times the order book's premium (up to 4x); null without firms.",
            OptF64(NoFirms, |d| d.new_machine_usd_per_th),
        )
        .col(
            "ai_colo_rate_usd_per_mw_year",
            "USD/MW/yr",
            "Colocation rate a contract signed that day would lock, per MW of critical IT; null \
             without firms or an AI market (ai.enabled = false).",
            OptF64(NoAiMarket, |d| ai(d).map(|m| m.colo_rate_usd_per_mw_year)),
        )
        .col(
            "gpu_hour_usd",
            "USD/h",
            "GPU-hour price; null without firms or an AI market (ai.enabled = false).",
            OptF64(NoAiMarket, |d| ai(d).map(|m| m.gpu_hour_usd)),
        )
        .col(
            "ai_demand_mw",
            "MW",
            "AI demand that converted mining sites can serve, MW of critical IT (open demand = \
             demand - supply); null without firms or an AI market (ai.enabled = false).",
            OptF64(NoAiMarket, |d| ai(d).map(|m| m.demand_mw)),
        )
        .col(
            "ai_supply_mw",
            "MW",
            "AI supply: exogenous conventional capacity plus MW contracted by mining sites, MW \
             of critical IT; null without firms or an AI market (ai.enabled = false).",
            OptF64(NoAiMarket, |d| ai(d).map(|m| m.supply_mw)),
        )
        .col(
            "capacity_mw",
            "MW",
            "Capacity of all sites at the meter (grows with expansions) = mining_mw + \
             converting_mw + ai_mw + idle_mw; null without firms.",
            OptF64(NoFirms, |d| d.agents.map(|a| a.capacity_mw)),
        )
        .col(
            "mining_mw",
            "MW",
            "MW with ASICs installed (running or not); null without firms.",
            OptF64(NoFirms, |d| d.agents.map(|a| a.mining_mw)),
        )
        .col(
            "converting_mw",
            "MW",
            "MW converting to AI (offline for the lead time); null without firms.",
            OptF64(NoFirms, |d| d.agents.map(|a| a.converting_mw)),
        )
        .col(
            "ai_mw",
            "MW",
            "MW in AI (colocation and cloud), gross; null without firms.",
            OptF64(NoFirms, |d| d.agents.map(|a| a.ai_mw)),
        )
        .col(
            "idle_mw",
            "MW",
            "MW with neither machines nor AI; null without firms.",
            OptF64(NoFirms, |d| d.agents.map(|a| a.idle_mw)),
        )
        .col(
            "ai_share_of_initial_mining_mw",
            "1",
            "(AI + converting MW) / mining MW at the start: the migration; null without firms.",
            OptF64(NoFirms, |d| {
                d.agents.map(|a| a.ai_share_of_initial_mining_mw)
            }),
        )
        .col(
            "colo_usd_per_kwh",
            "USD/kWh",
            "Colocation revenue per kWh of critical IT at the day's rate; null without firms or \
             an AI market (ai.enabled = false).",
            OptF64(NoAiMarket, |d| ai(d).map(|m| m.colo_usd_per_kwh)),
        )
        .col(
            "cloud_usd_per_kwh",
            "USD/kWh",
            "GPU-cloud revenue per kWh of critical IT at the day's GPU-hour price; null without \
             firms or an AI market (ai.enabled = false).",
            OptF64(NoAiMarket, |d| ai(d).map(|m| m.cloud_usd_per_kwh)),
        )
        .col(
            "mining_usd_per_kwh",
            "USD/kWh",
            "Mining revenue per kWh at the meter of the running fleet; null without firms.",
            OptF64(NoFirms, |d| d.agents.map(|a| a.mining_usd_per_kwh)),
        )
        .col(
            "active_firms",
            "1",
            "Firms not bankrupt; null without firms.",
            OptF64(NoFirms, |d| d.agents.map(|a| a.active_firms as f64)),
        )
        .col(
            "secondary_ths",
            "TH/s",
            "ASIC hashrate offered on the secondary market; null without firms.",
            OptF64(NoFirms, |d| d.agents.map(|a| a.secondary_ths)),
        )
        .col(
            "implied_hashrate_ehs",
            "EH/s",
            "Hashrate implied by the difficulty in force at the end of the day, difficulty x \
             2^32 / 600.",
            F64(|d| d.implied_hashrate_ehs),
        )
        .col(
            "mean_interval_s",
            "s",
            "Mean exact interval of the blocks found during the day; null without blocks.",
            OptF64(NoBlocks, |d| d.intervals.map(|i| i.mean_s)),
        )
        .col(
            "p95_interval_s",
            "s",
            "95th percentile (nearest rank) of those intervals; null without blocks.",
            OptF64(NoBlocks, |d| d.intervals.map(|i| i.p95_s)),
        )
        .col(
            "max_interval_s",
            "s",
            "Longest of those intervals; null without blocks.",
            OptF64(NoBlocks, |d| d.intervals.map(|i| i.max_s)),
        )
        .col(
            "fee_share",
            "1",
            "Fees over subsidy + fees of the day's blocks; null without blocks.",
            OptF64(NoBlocks, |d| d.fee_share),
        )
        .col(
            "difficulty_rule",
            UNIT_TEXT,
            "Difficulty rule in force at the end of the day: bitcoin, asert or lwma.",
            Text(|d| d.difficulty_rule),
        )
        .extend(security::snapshot_columns())
}

/// The columns of `daily_regions`.
pub fn daily_regions() -> Columns<RegionDayRecord> {
    Columns::<RegionDayRecord>::new()
        .time("date", "Start of the day (UTC).", |r| r.date_unix)
        .col(
            "region",
            UNIT_TEXT,
            "Region name (us, china, ..., rest_of_world).",
            Text(|r| r.region),
        )
        .col(
            "energy_usd_per_kwh",
            "USD/kWh",
            "Regional energy price during the day, shocks included.",
            F64(|r| r.energy_usd_per_kwh),
        )
        .col(
            "carbon_tax_usd_per_t",
            "USD/tCO2",
            "Carbon tax in force.",
            F64(|r| r.carbon_tax_usd_per_t),
        )
        .col(
            "hashrate_ehs",
            "EH/s",
            "Running hashrate in the region.",
            F64(|r| r.hashrate_ehs),
        )
        .col(
            "power_gw",
            "GW",
            "Power drawn in the region.",
            F64(|r| r.power_gw),
        )
        .col(
            "emissions_t_per_day",
            "tCO2/day",
            "Emissions of the region's mining power.",
            F64(|r| r.emissions_t_per_day),
        )
        .col(
            "energy_twh_per_year",
            "TWh/yr",
            "Energy use of the region at the day's power, annualized.",
            F64(|r| r.energy_twh_per_year),
        )
}
