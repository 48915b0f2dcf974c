//! The `daily` and `daily_regions` tables: one row per simulated day, and per day and region.
//!
//! Rows are few (7,305 days in 20 years), so they are buffered as records and written in
//! batches of [`DAILY_BATCH_ROWS`]. Fleet-only columns are nullable: they are null when the
//! hashrate is an exogenous path. `daily_regions` has no rows in exogenous runs.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use arrow_array::{ArrayRef, Float64Array, StringArray, TimestampMillisecondArray, UInt64Array};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use super::parquet_sink::{secs_to_ms, TableFile};
use super::schema::{f64_field, field, time_field, u64_field, DESCRIPTION_KEY, UNIT_KEY};
use super::OutputError;
use crate::record::{DayRecord, RegionDayRecord, RunMetadata};

/// Days per year of 365.25 days (annualized energy).
const DAYS_PER_YEAR: f64 = 365.25;

/// File name of the daily table.
pub const DAILY_FILE: &str = "daily.parquet";
/// File name of the per-region daily table.
pub const DAILY_REGIONS_FILE: &str = "daily_regions.parquet";
/// Table name of the daily table.
pub const DAILY_TABLE: &str = "daily";
/// Table name of the per-region daily table.
pub const DAILY_REGIONS_TABLE: &str = "daily_regions";
/// Rows buffered before a batch is written.
pub const DAILY_BATCH_ROWS: usize = 8192;

fn nullable_f64(name: &str, unit: &str, description: &str) -> Field {
    Field::new(name, DataType::Float64, true)
        .with_metadata([(UNIT_KEY, unit), (DESCRIPTION_KEY, description)])
}

/// Schema of the `daily` table.
pub fn daily_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        Arc::new(Schema::new(vec![
            time_field("date", "Start of the day (UTC midnight; the run start for a first partial day)."),
            f64_field("price_usd", "USD/BTC", "BTC price during the day."),
            u64_field("blocks", "1", "Blocks found during the day."),
            f64_field("fees_btc", "BTC", "Fees paid during the day."),
            f64_field("fee_multiplier", "1", "Fee-spike multiplier of the expected fees in force during the day (1 outside spikes)."),
            f64_field("subsidy_btc", "BTC", "Subsidy issued during the day."),
            f64_field("miner_revenue_usd", "USD", "Subsidy + fees of the day's blocks at the day's price (the security budget)."),
            f64_field("difficulty", "1", "Difficulty in force at the end of the day."),
            f64_field(
                "hashprice_usd_per_ph_day",
                "USD/(PH/s)/day",
                "Expected revenue per PH/s per day at the end of the day (difficulty, subsidy, mean fees, price).",
            ),
            f64_field("hashrate_ehs", "EH/s", "Network (running) hashrate at the end of the day."),
            nullable_f64("idle_ehs", "EH/s", "Installed but switched-off hashrate (idle overhang); null without a fleet."),
            nullable_f64("offline_ehs", "EH/s", "Hashrate forced offline by bans; null without a fleet."),
            nullable_f64("power_gw", "GW", "Power drawn by running machines at the meter; null without a fleet."),
            nullable_f64(
                "fleet_efficiency_j_per_th",
                "J/TH",
                "Hashrate-weighted efficiency of the running machines, PUE excluded (compare CBECI); null without a fleet or when nothing runs.",
            ),
            nullable_f64("energy_twh_per_year", "TWh/yr", "Energy use at the day's power, annualized; null without a fleet."),
            nullable_f64("emissions_t_per_day", "tCO2/day", "Emissions of the day's power by regional grid intensity; null without a fleet."),
            nullable_f64(
                "marginal_breakeven_usd_per_kwh",
                "USD/kWh",
                "Breakeven energy price of the marginal running vintage; null without a fleet or when nothing runs.",
            ),
            nullable_f64(
                "marginal_energy_usd_per_kwh",
                "USD/kWh",
                "Energy price paid by the marginal running vintage; null without a fleet or when nothing runs.",
            ),
            nullable_f64(
                "revenue_usd_per_mw_year",
                "USD/MW/yr",
                "Mining revenue per MW at the meter per year for the running fleet's average efficiency; null without a fleet or when nothing runs.",
            ),
            nullable_f64(
                "frontier_j_per_th",
                "J/TH",
                "Efficiency of the best machine released by the end of the day (catalog models, then the frontier's generations); null before the first release.",
            ),
            nullable_f64("frontier_usd_per_th", "USD/(TH/s)", "Launch price per TH/s of that best machine; null before the first release."),
            nullable_f64("new_machine_usd_per_th", "USD/(TH/s)", "Price firms pay per TH/s for that machine new: its launch price, or less when the hashprice is low (at most what the secondary market pays for it, at least 60% of launch), times the order book's premium (up to 4x); null without firms."),
            nullable_f64("ai_colo_rate_usd_per_mw_year", "USD/MW/yr", "Colocation rate a contract signed that day would lock, per MW of critical IT; null without firms or an AI market (ai.enabled = false)."),
            nullable_f64("gpu_hour_usd", "USD/h", "GPU-hour price; null without firms or an AI market (ai.enabled = false)."),
            nullable_f64("ai_demand_mw", "MW", "AI demand that converted mining sites can serve, MW of critical IT (open demand = demand - supply); null without firms or an AI market (ai.enabled = false)."),
            nullable_f64("ai_supply_mw", "MW", "AI supply: exogenous conventional capacity plus MW contracted by mining sites, MW of critical IT; null without firms or an AI market (ai.enabled = false)."),
            nullable_f64("capacity_mw", "MW", "Capacity of all sites at the meter (grows with expansions) = mining_mw + converting_mw + ai_mw + idle_mw; null without firms."),
            nullable_f64("mining_mw", "MW", "MW with ASICs installed (running or not); null without firms."),
            nullable_f64("converting_mw", "MW", "MW converting to AI (offline for the lead time); null without firms."),
            nullable_f64("ai_mw", "MW", "MW in AI (colocation and cloud), gross; null without firms."),
            nullable_f64("idle_mw", "MW", "MW with neither machines nor AI; null without firms."),
            nullable_f64("ai_share_of_initial_mining_mw", "1", "(AI + converting MW) / mining MW at the start: the migration; null without firms."),
            nullable_f64("colo_usd_per_kwh", "USD/kWh", "Colocation revenue per kWh of critical IT at the day's rate; null without firms or an AI market (ai.enabled = false)."),
            nullable_f64("cloud_usd_per_kwh", "USD/kWh", "GPU-cloud revenue per kWh of critical IT at the day's GPU-hour price; null without firms or an AI market (ai.enabled = false)."),
            nullable_f64("mining_usd_per_kwh", "USD/kWh", "Mining revenue per kWh at the meter of the running fleet; null without firms."),
            nullable_f64("active_firms", "1", "Firms not bankrupt; null without firms."),
            nullable_f64("secondary_ths", "TH/s", "ASIC hashrate offered on the secondary market; null without firms."),
            f64_field("implied_hashrate_ehs", "EH/s", "Hashrate implied by the difficulty in force at the end of the day, difficulty x 2^32 / 600."),
            nullable_f64("mean_interval_s", "s", "Mean exact interval of the blocks found during the day; null without blocks."),
            nullable_f64("p95_interval_s", "s", "95th percentile (nearest rank) of those intervals; null without blocks."),
            nullable_f64("max_interval_s", "s", "Longest of those intervals; null without blocks."),
            nullable_f64("fee_share", "1", "Fees over subsidy + fees of the day's blocks; null without blocks."),
            field("difficulty_rule", DataType::Utf8, "text", "Difficulty rule in force at the end of the day: bitcoin, asert or lwma."),
        ]
        .into_iter()
        .chain(super::security::security_fields())
        .collect::<Vec<_>>()))
    })
    .clone()
}

/// Schema of the `daily_regions` table.
pub fn daily_regions_schema() -> SchemaRef {
    static S: OnceLock<SchemaRef> = OnceLock::new();
    S.get_or_init(|| {
        Arc::new(Schema::new(vec![
            time_field("date", "Start of the day (UTC)."),
            field(
                "region",
                DataType::Utf8,
                "text",
                "Region name (us, china, ..., rest_of_world).",
            ),
            f64_field(
                "energy_usd_per_kwh",
                "USD/kWh",
                "Regional energy price during the day, shocks included.",
            ),
            f64_field("carbon_tax_usd_per_t", "USD/tCO2", "Carbon tax in force."),
            f64_field("hashrate_ehs", "EH/s", "Running hashrate in the region."),
            f64_field("power_gw", "GW", "Power drawn in the region."),
            f64_field(
                "emissions_t_per_day",
                "tCO2/day",
                "Emissions of the region's mining power.",
            ),
            f64_field(
                "energy_twh_per_year",
                "TWh/yr",
                "Energy use of the region at the day's power, annualized.",
            ),
        ]))
    })
    .clone()
}

fn f64s(rows: impl Iterator<Item = f64>) -> ArrayRef {
    Arc::new(Float64Array::from_iter_values(rows))
}

fn opt_f64s(rows: impl Iterator<Item = Option<f64>>) -> ArrayRef {
    Arc::new(Float64Array::from_iter(rows))
}

fn times(rows: impl Iterator<Item = i64>) -> ArrayRef {
    Arc::new(TimestampMillisecondArray::from_iter_values(rows.map(secs_to_ms)).with_timezone("UTC"))
}

fn day_arrays(d: &[DayRecord]) -> Vec<ArrayRef> {
    vec![
        times(d.iter().map(|r| r.date_unix)),
        f64s(d.iter().map(|r| r.price_usd)),
        Arc::new(UInt64Array::from_iter_values(d.iter().map(|r| r.blocks))),
        f64s(d.iter().map(|r| r.fees_btc)),
        f64s(d.iter().map(|r| r.fee_multiplier)),
        f64s(d.iter().map(|r| r.subsidy_btc)),
        f64s(d.iter().map(|r| r.miner_revenue_usd)),
        f64s(d.iter().map(|r| r.difficulty)),
        f64s(d.iter().map(|r| r.hashprice_usd_per_ph_day)),
        f64s(d.iter().map(|r| r.hashrate_ehs)),
        opt_f64s(d.iter().map(|r| r.idle_ehs)),
        opt_f64s(d.iter().map(|r| r.offline_ehs)),
        opt_f64s(d.iter().map(|r| r.power_gw)),
        opt_f64s(d.iter().map(|r| r.fleet_efficiency_j_per_th)),
        opt_f64s(d.iter().map(|r| r.energy_twh_per_year)),
        opt_f64s(d.iter().map(|r| r.emissions_t_per_day)),
        opt_f64s(d.iter().map(|r| r.marginal_breakeven_usd_per_kwh)),
        opt_f64s(d.iter().map(|r| r.marginal_energy_usd_per_kwh)),
        opt_f64s(d.iter().map(|r| r.revenue_usd_per_mw_year)),
        opt_f64s(d.iter().map(|r| r.frontier_j_per_th)),
        opt_f64s(d.iter().map(|r| r.frontier_usd_per_th)),
        opt_f64s(d.iter().map(|r| r.new_machine_usd_per_th)),
        opt_f64s(d.iter().map(|r| {
            r.agents
                .filter(|a| a.gpu_hour_usd > 0.0)
                .map(|a| a.ai_colo_rate_usd_per_mw_year)
        })),
        opt_f64s(d.iter().map(|r| {
            r.agents
                .filter(|a| a.gpu_hour_usd > 0.0)
                .map(|a| a.gpu_hour_usd)
        })),
        opt_f64s(d.iter().map(|r| {
            r.agents
                .filter(|a| a.gpu_hour_usd > 0.0)
                .map(|a| a.ai_demand_mw)
        })),
        opt_f64s(d.iter().map(|r| {
            r.agents
                .filter(|a| a.gpu_hour_usd > 0.0)
                .map(|a| a.ai_supply_mw)
        })),
        opt_f64s(d.iter().map(|r| r.agents.map(|a| a.capacity_mw))),
        opt_f64s(d.iter().map(|r| r.agents.map(|a| a.mining_mw))),
        opt_f64s(d.iter().map(|r| r.agents.map(|a| a.converting_mw))),
        opt_f64s(d.iter().map(|r| r.agents.map(|a| a.ai_mw))),
        opt_f64s(d.iter().map(|r| r.agents.map(|a| a.idle_mw))),
        opt_f64s(
            d.iter()
                .map(|r| r.agents.map(|a| a.ai_share_of_initial_mining_mw)),
        ),
        opt_f64s(d.iter().map(|r| {
            r.agents
                .filter(|a| a.gpu_hour_usd > 0.0)
                .map(|a| a.colo_usd_per_kwh)
        })),
        opt_f64s(d.iter().map(|r| {
            r.agents
                .filter(|a| a.gpu_hour_usd > 0.0)
                .map(|a| a.cloud_usd_per_kwh)
        })),
        opt_f64s(d.iter().map(|r| r.agents.map(|a| a.mining_usd_per_kwh))),
        opt_f64s(d.iter().map(|r| r.agents.map(|a| a.active_firms as f64))),
        opt_f64s(d.iter().map(|r| r.agents.map(|a| a.secondary_ths))),
        f64s(d.iter().map(|r| r.implied_hashrate_ehs)),
        opt_f64s(d.iter().map(|r| r.intervals.map(|i| i.mean_s))),
        opt_f64s(d.iter().map(|r| r.intervals.map(|i| i.p95_s))),
        opt_f64s(d.iter().map(|r| r.intervals.map(|i| i.max_s))),
        opt_f64s(d.iter().map(|r| r.fee_share)),
        Arc::new(StringArray::from_iter_values(
            d.iter().map(|r| r.difficulty_rule),
        )),
    ]
    .into_iter()
    .chain(super::security::security_arrays(
        d.iter().map(|r| &r.security),
    ))
    .collect()
}

fn region_arrays(d: &[RegionDayRecord]) -> Vec<ArrayRef> {
    vec![
        times(d.iter().map(|r| r.date_unix)),
        Arc::new(StringArray::from_iter_values(d.iter().map(|r| r.region))),
        f64s(d.iter().map(|r| r.energy_usd_per_kwh)),
        f64s(d.iter().map(|r| r.carbon_tax_usd_per_t)),
        f64s(d.iter().map(|r| r.hashrate_ehs)),
        f64s(d.iter().map(|r| r.power_gw)),
        f64s(d.iter().map(|r| r.emissions_t_per_day)),
        f64s(d.iter().map(|r| r.power_gw * 24.0 * DAYS_PER_YEAR / 1000.0)),
    ]
}

/// Buffers and writes the two daily tables.
pub(super) struct DailyTables {
    days: Vec<DayRecord>,
    regions: Vec<RegionDayRecord>,
    daily_file: TableFile,
    regions_file: TableFile,
}

impl DailyTables {
    pub(super) fn create(dir: &Path, meta: &RunMetadata) -> Result<Self, OutputError> {
        Ok(Self {
            days: Vec::with_capacity(DAILY_BATCH_ROWS),
            regions: Vec::with_capacity(DAILY_BATCH_ROWS),
            daily_file: TableFile::create(dir, DAILY_FILE, DAILY_TABLE, daily_schema(), meta)?,
            regions_file: TableFile::create(
                dir,
                DAILY_REGIONS_FILE,
                DAILY_REGIONS_TABLE,
                daily_regions_schema(),
                meta,
            )?,
        })
    }

    pub(super) fn push_day(&mut self, rec: &DayRecord) -> Result<(), OutputError> {
        self.days.push(*rec);
        if self.days.len() == DAILY_BATCH_ROWS {
            self.daily_file.write(day_arrays(&self.days))?;
            self.days.clear();
        }
        Ok(())
    }

    pub(super) fn push_region_day(&mut self, rec: &RegionDayRecord) -> Result<(), OutputError> {
        self.regions.push(*rec);
        if self.regions.len() == DAILY_BATCH_ROWS {
            self.regions_file.write(region_arrays(&self.regions))?;
            self.regions.clear();
        }
        Ok(())
    }

    pub(super) fn finish(mut self) -> Result<(), OutputError> {
        if !self.days.is_empty() {
            self.daily_file.write(day_arrays(&self.days))?;
        }
        if !self.regions.is_empty() {
            self.regions_file.write(region_arrays(&self.regions))?;
        }
        self.daily_file.finish()?;
        self.regions_file.finish()
    }
}
