//! What a run reports, independent of any file format.
//!
//! The simulation core emits plain records through the [`Recorder`] trait and knows nothing
//! about Parquet. `crate::output` implements the trait for Parquet files; [`NullRecorder`]
//! discards everything (benchmarks, tests).
//!
//! Units are part of every field's name or doc comment, and are repeated in the Parquet
//! field metadata (`unit` key).

use std::fmt;

mod agents;
mod security;

pub use agents::{
    AgentDay, AiMarketDay, EventKind, EventRecord, EventScope, FirmMonthRecord, SiteSnapshot,
};
pub use security::{IntervalStats, SecuritySnapshot, SecuritySummary};

/// One mined block. Emitted once per block, in height order.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct BlockRecord {
    /// Block height.
    pub height: u64,
    /// Header timestamp, unix seconds (UTC): scenario start + floor(simulation clock).
    pub time_unix: i64,
    /// Exact simulated time since the previous block (or since the run start for the first
    /// simulated block), seconds.
    pub interval_s: f64,
    /// Compact target (nBits) this block was mined at.
    pub bits: u32,
    /// Difficulty of `bits` (Bitcoin Core `GetDifficulty`), dimensionless.
    pub difficulty: f64,
    /// Network hashrate in force when the block was found, hashes per second.
    pub hashrate_hs: f64,
    /// Block subsidy, satoshi.
    pub subsidy_sat: u64,
    /// Transaction fees paid to the miner, satoshi.
    pub fees_sat: u64,
    /// BTC price when the block was found, USD per BTC.
    pub price_usd: f64,
}

/// One completed difficulty epoch (2016 blocks) and the retarget at its end.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EpochRecord {
    /// Epoch index = start_height / 2016.
    pub epoch: u64,
    /// Height of the epoch's first block.
    pub start_height: u64,
    /// Height of the epoch's last block (start_height + 2015).
    pub end_height: u64,
    /// Header time of the epoch's first block, unix seconds (UTC).
    pub first_block_time_unix: i64,
    /// Header time of the epoch's last block, unix seconds (UTC).
    pub last_block_time_unix: i64,
    /// Measured timespan last - first (2015 intervals, the consensus quirk), seconds.
    pub timespan_s: i64,
    /// Timespan after the [302,400, 4,838,400] s clamp, seconds.
    pub timespan_clamped_s: i64,
    /// Whether the clamp changed the timespan (a 4x-limited retarget).
    pub clamped: bool,
    /// nBits in force during this epoch.
    pub bits: u32,
    /// nBits of the next epoch (result of the retarget).
    pub next_bits: u32,
    /// Difficulty during this epoch.
    pub difficulty: f64,
    /// Difficulty of the next epoch.
    pub next_difficulty: f64,
    /// Relative change next/this - 1, percent.
    pub difficulty_change_pct: f64,
    /// Number of blocks of this epoch simulated in this run (2016 unless the run started
    /// mid-epoch).
    pub blocks_simulated: u64,
    /// Mean exact interval over the simulated blocks of the epoch, seconds.
    pub mean_interval_s: f64,
    /// Time-weighted mean network hashrate over the simulated part of the epoch, H/s.
    pub mean_hashrate_hs: f64,
    /// Hashrate implied by this epoch's difficulty, difficulty x 2^32 / 600, H/s.
    pub implied_hashrate_hs: f64,
    /// 95th percentile of the simulated blocks' exact intervals (nearest rank), seconds.
    pub p95_interval_s: f64,
    /// Longest exact interval of the simulated blocks, seconds.
    pub max_interval_s: f64,
    /// Simulated blocks per day of simulated epoch time.
    pub blocks_per_day: f64,
    /// Miner revenue (subsidy + fees at each block's price) per day of the epoch: the
    /// security budget, USD/day.
    pub miner_revenue_usd_per_day: f64,
    /// Fees over subsidy + fees in the epoch's simulated blocks.
    pub fee_share: f64,
    /// Difficulty rule that set the next epoch's first target (`bitcoin`, `asert`, `lwma`);
    /// under a per-block rule the epoch is a reporting window of 2016 blocks.
    pub difficulty_rule: &'static str,
    /// Security at the retarget (after the fleet re-decided at the new difficulty).
    pub security: SecuritySnapshot,
}

/// One simulated UTC day (the `daily` table). Written at the end of the day; fleet metrics are
/// `None` when the hashrate is an exogenous path.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct DayRecord {
    /// Start of the day, unix seconds (UTC midnight; the run start for a first partial day).
    pub date_unix: i64,
    /// BTC price during the day, USD/BTC.
    pub price_usd: f64,
    /// Blocks found during the day.
    pub blocks: u64,
    /// Fees paid during the day, BTC.
    pub fees_btc: f64,
    /// Fee-spike multiplier of the expected fees in force during the day (1 outside spikes).
    pub fee_multiplier: f64,
    /// Subsidy issued during the day, BTC.
    pub subsidy_btc: f64,
    /// Miner revenue during the day (subsidy + fees at the day's price): the security budget, USD.
    pub miner_revenue_usd: f64,
    /// Difficulty in force at the end of the day.
    pub difficulty: f64,
    /// Expected revenue per PH/s per day at the end of the day (difficulty, subsidy, mean fees,
    /// price), USD.
    pub hashprice_usd_per_ph_day: f64,
    /// Network (running) hashrate at the end of the day, EH/s.
    pub hashrate_ehs: f64,
    /// Hashrate implied by the difficulty in force at the end of the day,
    /// difficulty x 2^32 / 600, EH/s.
    pub implied_hashrate_ehs: f64,
    /// Exact intervals of the blocks found during the day (None without blocks).
    pub intervals: Option<IntervalStats>,
    /// Fees over subsidy + fees of the day's blocks (None without blocks).
    pub fee_share: Option<f64>,
    /// Difficulty rule in force at the end of the day.
    pub difficulty_rule: &'static str,
    /// Security at the end of the day.
    pub security: SecuritySnapshot,
    /// Installed but switched-off hashrate (idle overhang), EH/s.
    pub idle_ehs: Option<f64>,
    /// Hashrate forced offline by bans, EH/s.
    pub offline_ehs: Option<f64>,
    /// Power drawn by running machines at the meter, GW.
    pub power_gw: Option<f64>,
    /// Hashrate-weighted efficiency of the running machines (PUE excluded), J/TH.
    pub fleet_efficiency_j_per_th: Option<f64>,
    /// Energy use at the day's power, annualized, TWh/yr.
    pub energy_twh_per_year: Option<f64>,
    /// Emissions of the day's power, tCO2/day.
    pub emissions_t_per_day: Option<f64>,
    /// Breakeven energy price of the marginal running vintage, USD/kWh.
    pub marginal_breakeven_usd_per_kwh: Option<f64>,
    /// Energy price the marginal running vintage pays, USD/kWh.
    pub marginal_energy_usd_per_kwh: Option<f64>,
    /// Mining revenue per MW (at the meter) per year of the running fleet, USD.
    pub revenue_usd_per_mw_year: Option<f64>,
    /// Efficiency of the best machine released by the end of the day (the frontier), J/TH.
    pub frontier_j_per_th: Option<f64>,
    /// Launch price of that machine, USD per TH/s.
    pub frontier_usd_per_th: Option<f64>,
    /// Price firms pay for that machine new at the end of the day, USD per TH/s: the launch
    /// price, or less when the hashprice is low, times the order book's premium (None without
    /// firms).
    pub new_machine_usd_per_th: Option<f64>,
    /// Firms and the AI market (None without agents).
    pub agents: Option<AgentDay>,
}

/// One region on one day (the `daily_regions` table; fleet runs only).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RegionDayRecord {
    /// Start of the day, unix seconds (UTC).
    pub date_unix: i64,
    /// Region name.
    pub region: &'static str,
    /// Regional energy price during the day (shocks included), USD/kWh.
    pub energy_usd_per_kwh: f64,
    /// Carbon tax in force, USD/tCO2.
    pub carbon_tax_usd_per_t: f64,
    /// Running hashrate, EH/s.
    pub hashrate_ehs: f64,
    /// Power drawn, GW.
    pub power_gw: f64,
    /// Emissions, tCO2/day.
    pub emissions_t_per_day: f64,
    /// Energy use at the day's power, annualized, TWh/yr.
    pub energy_twh_per_year: f64,
}

/// Headline numbers of one run (the single row of the `summary` table).
#[derive(Debug, Clone, PartialEq)]
pub struct RunSummary {
    /// Run id (0 for a single `hashshift run`; the sweep's run id otherwise).
    pub run_id: u64,
    /// Master seed of the run.
    pub seed: u64,
    /// Scenario name.
    pub scenario: String,
    /// Scenario start, unix seconds (UTC).
    pub start_time_unix: i64,
    /// Scenario end (horizon), unix seconds (UTC).
    pub end_time_unix: i64,
    /// Height of the first simulated block.
    pub start_height: u64,
    /// Height of the last simulated block (start_height - 1 if no block was found).
    pub end_height: u64,
    /// Blocks simulated.
    pub blocks: u64,
    /// Retargets performed.
    pub retargets: u64,
    /// Retargets whose timespan hit the 4x clamp.
    pub clamped_retargets: u64,
    /// Halvings crossed during the run.
    pub halvings: u64,
    /// nBits in force at the start.
    pub start_bits: u32,
    /// nBits in force at the end.
    pub end_bits: u32,
    /// Difficulty at the start.
    pub start_difficulty: f64,
    /// Difficulty at the end.
    pub end_difficulty: f64,
    /// Mean exact block interval, seconds (NaN if no block).
    pub mean_interval_s: f64,
    /// Longest exact block interval, seconds (NaN if no block).
    pub max_interval_s: f64,
    /// Subsidy issued during the run, satoshi.
    pub subsidy_issued_sat: u64,
    /// Fees paid during the run, satoshi.
    pub fees_paid_sat: u64,
    /// Security over the run's days.
    pub security: SecuritySummary,
}

/// Which optional tables a run writes. The `summary` table is always written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TableSelection {
    /// Write `blocks.parquet` (one row per block).
    pub blocks: bool,
    /// Write `epochs.parquet` (one row per completed epoch).
    pub epochs: bool,
    /// Write `firms.parquet` (one row per firm and decision).
    pub firms: bool,
    /// Write `events.parquet` (one row per event).
    pub events: bool,
}

impl TableSelection {
    /// Every table.
    pub const ALL: TableSelection = TableSelection {
        blocks: true,
        epochs: true,
        firms: true,
        events: true,
    };
    /// Only the summary table.
    pub const SUMMARY_ONLY: TableSelection = TableSelection {
        blocks: false,
        epochs: false,
        firms: false,
        events: false,
    };
}

impl Default for TableSelection {
    fn default() -> Self {
        TableSelection::ALL
    }
}

/// Run-level metadata written into every output file's key-value metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct RunMetadata {
    /// hashshift version (crate version).
    pub version: String,
    /// Run id.
    pub run_id: u64,
    /// Master seed.
    pub seed: u64,
    /// Scenario name.
    pub scenario_name: String,
    /// The fully resolved scenario (defaults filled, overrides applied), as TOML.
    pub resolved_scenario_toml: String,
}

/// Error raised by a recorder (I/O or encoding), carried through the simulation unchanged.
#[derive(Debug)]
pub struct RecordError(pub Box<dyn std::error::Error + Send + Sync + 'static>);

impl fmt::Display for RecordError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "recording output failed: {}", self.0)
    }
}

impl std::error::Error for RecordError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(self.0.as_ref())
    }
}

impl RecordError {
    /// Wraps any error.
    pub fn new(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        RecordError(Box::new(e))
    }
}

/// Sink for simulation records. Implementations must not allocate per block on their hot
/// path beyond amortized buffer growth.
pub trait Recorder {
    /// Called once per block, in height order.
    fn block(&mut self, rec: &BlockRecord) -> Result<(), RecordError>;
    /// Called once per completed epoch, right after its last block.
    fn epoch(&mut self, rec: &EpochRecord) -> Result<(), RecordError>;
    /// Called at the end of each simulated day.
    fn day(&mut self, rec: &DayRecord) -> Result<(), RecordError>;
    /// Called at the end of each simulated day, once per region (fleet runs only).
    fn region_day(&mut self, rec: &RegionDayRecord) -> Result<(), RecordError>;
    /// Called once per firm decision (agent runs only).
    fn firm_month(&mut self, rec: &FirmMonthRecord) -> Result<(), RecordError>;
    /// Called for each event, in time order.
    fn event(&mut self, rec: &EventRecord) -> Result<(), RecordError>;
    /// Called once at the end of a run with its summary.
    fn summary(&mut self, rec: &RunSummary) -> Result<(), RecordError>;
}

/// A recorder that discards everything.
#[derive(Debug, Default, Clone, Copy)]
pub struct NullRecorder;

impl Recorder for NullRecorder {
    fn block(&mut self, _: &BlockRecord) -> Result<(), RecordError> {
        Ok(())
    }
    fn epoch(&mut self, _: &EpochRecord) -> Result<(), RecordError> {
        Ok(())
    }
    fn day(&mut self, _: &DayRecord) -> Result<(), RecordError> {
        Ok(())
    }
    fn region_day(&mut self, _: &RegionDayRecord) -> Result<(), RecordError> {
        Ok(())
    }
    fn firm_month(&mut self, _: &FirmMonthRecord) -> Result<(), RecordError> {
        Ok(())
    }
    fn event(&mut self, _: &EventRecord) -> Result<(), RecordError> {
        Ok(())
    }
    fn summary(&mut self, _: &RunSummary) -> Result<(), RecordError> {
        Ok(())
    }
}

/// A recorder that keeps everything in memory (tests, small analyses).
#[derive(Debug, Default, Clone)]
pub struct MemoryRecorder {
    /// All blocks.
    pub blocks: Vec<BlockRecord>,
    /// All completed epochs.
    pub epochs: Vec<EpochRecord>,
    /// All days.
    pub days: Vec<DayRecord>,
    /// All region-days.
    pub region_days: Vec<RegionDayRecord>,
    /// All firm-months.
    pub firm_months: Vec<FirmMonthRecord>,
    /// All events.
    pub events: Vec<EventRecord>,
    /// The summary, once the run finished.
    pub summary: Option<RunSummary>,
}

impl Recorder for MemoryRecorder {
    fn block(&mut self, rec: &BlockRecord) -> Result<(), RecordError> {
        self.blocks.push(*rec);
        Ok(())
    }
    fn epoch(&mut self, rec: &EpochRecord) -> Result<(), RecordError> {
        self.epochs.push(*rec);
        Ok(())
    }
    fn day(&mut self, rec: &DayRecord) -> Result<(), RecordError> {
        self.days.push(*rec);
        Ok(())
    }
    fn region_day(&mut self, rec: &RegionDayRecord) -> Result<(), RecordError> {
        self.region_days.push(*rec);
        Ok(())
    }
    fn firm_month(&mut self, rec: &FirmMonthRecord) -> Result<(), RecordError> {
        self.firm_months.push(rec.clone());
        Ok(())
    }
    fn event(&mut self, rec: &EventRecord) -> Result<(), RecordError> {
        self.events.push(*rec);
        Ok(())
    }
    fn summary(&mut self, rec: &RunSummary) -> Result<(), RecordError> {
        self.summary = Some(rec.clone());
        Ok(())
    }
}
