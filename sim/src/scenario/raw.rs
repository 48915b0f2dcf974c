//! Stage one: the serde mirror of the scenario TOML, one [`section!`] per table. Unknown keys
//! are rejected; every key is optional so the resolved form (defaults filled) can be written
//! back out. Each key is declared once, with its doc, default, allowed range and unit
//! ([`super::keys`]); the sections of the economy, the agents and the security metrics are in
//! [`super::raw_market`], [`super::raw_network`], [`super::raw_agents`] and
//! [`super::raw_security`].

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::defaults as d;
use super::keys::{
    array_of, boolean, ge, gt, integer, le, lt, number, number_opt, section, table, text,
    text_derived, text_opt, text_value,
};
pub use super::raw_agents::{RawAi, RawFirms};
pub use super::raw_market::{
    FeeModelKind, PriceModelKind, RawFeeSpikes, RawFees, RawPrice, RawPriceFeedback,
};
pub use super::raw_network::{
    RawEnergy, RawHardware, RawMixEntry, RawNetwork, RawRegion, RawShock, ShockKind,
};
use super::raw_security::{RawDifficulty, RawSecurity};

section! {
    /// A hashshift scenario file.
    #[derive(Default)]
    pub struct RawScenario ("", ScenarioKeys) {
        /// Scenario name; names the output folder (`<out>/<name>/`). Letters, digits, `-`, `_`
        /// and `.` only.
        name: Option<String> = text_derived("the file name without `.toml`"),
        /// Free text describing the scenario.
        description: Option<String> = text_opt(),
        /// Master random seed.
        seed: Option<u64> = integer(d::SEED).range(ge(0.0), lt(9_223_372_036_854_775_808.0)),
        /// Start of the simulation, UTC (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`), from the
        /// genesis block (2009-01-03T18:15:05Z) on.
        start: Option<String> = text(d::START).note("about the first block of epoch 472"),
        /// End of the simulation, UTC, at most 2262-01-01. Give either `end` or `horizon_years`.
        end: Option<String> = text_opt(),
        /// Length of the simulation in years of 365.25 days, when `end` is not given.
        horizon_years: Option<f64> = number(d::HORIZON_YEARS)
            .range(gt(0.0), le(d::MAX_HORIZON_YEARS))
            .unit("years"),
        /// Chain state at the start.
        #[serde(default)]
        chain: RawChain = table(ChainKeys::LIST),
        /// Exogenous network hashrate path.
        #[serde(default)]
        hashrate: RawHashrate = table(HashrateKeys::LIST),
        /// BTC price process.
        #[serde(default)]
        price: RawPrice = table(super::raw_market::PriceKeys::LIST),
        /// Fees per block.
        #[serde(default)]
        fees: RawFees = table(super::raw_market::FeesKeys::LIST),
        /// Regional energy prices (used with hashrate.kind = "fleet").
        #[serde(default)]
        energy: RawEnergy = table(super::raw_network::EnergyKeys::LIST),
        /// The generated population of sites and machines (hashrate.kind = "fleet").
        #[serde(default)]
        network: RawNetwork = table(super::raw_network::NetworkKeys::LIST),
        /// The ASIC efficiency frontier: future generations and prices of new machines.
        #[serde(default)]
        hardware: RawHardware = table(super::raw_network::HardwareKeys::LIST),
        /// Scheduled shocks and policies, in any order.
        #[serde(default)]
        shocks: Vec<RawShock> = array_of(super::raw_network::ShockKeys::LIST),
        /// The firms (agents); fleet runs only.
        #[serde(default)]
        firms: RawFirms = table(super::raw_agents::FirmsKeys::LIST),
        /// The AI compute market; fleet runs only.
        #[serde(default)]
        ai: RawAi = table(super::raw_agents::AiKeys::LIST),
        /// The difficulty-adjustment rule.
        #[serde(default)]
        difficulty: RawDifficulty = table(super::raw_security::DifficultyKeys::LIST),
        /// How the security metrics are computed.
        #[serde(default)]
        security: RawSecurity = table(super::raw_security::SecurityKeys::LIST),
        /// Which tables to write.
        #[serde(default)]
        output: RawOutput = table(OutputKeys::LIST),
    }
}

section! {
    /// The chain at the start: the next block to be mined and the epoch it belongs to.
    #[derive(Default)]
    pub struct RawChain ("chain.", ChainKeys) {
        /// Height of the next block to be mined.
        height: Option<u64> = integer(d::START_HEIGHT)
            .range(ge(0.0), lt(1_099_511_627_776.0))
            .note("the first block of epoch 472"),
        /// Compact target (nBits) in force for that block, hex like "0x1702068f". Must decode to
        /// a valid proof-of-work target (positive, <= powLimit 0x1d00ffff).
        bits: Option<String> = text(d::START_BITS),
        /// Header time (UTC) of the first block of the current epoch. Required when `height` is
        /// not a multiple of 2016 (the epoch started before the simulation); not allowed otherwise.
        epoch_start_time: Option<String> = text_opt(),
    }
}

/// How the network hashrate is given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum HashrateKind {
    /// A constant `ehs`.
    #[default]
    Constant,
    /// Steps and linear ramps through `points`.
    Piecewise,
    /// Daily values from a CSV file.
    Csv,
    /// Running machines of the generated population (`[network]`).
    Fleet,
}

/// A hashrate unit for CSV columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum HashUnit {
    /// Hashes per second.
    #[serde(rename = "H/s")]
    Hs,
    /// 10^12 H/s.
    #[serde(rename = "TH/s")]
    Ths,
    /// 10^15 H/s.
    #[serde(rename = "PH/s")]
    Phs,
    /// 10^18 H/s.
    #[serde(rename = "EH/s")]
    Ehs,
    /// 10^21 H/s.
    #[serde(rename = "ZH/s")]
    Zhs,
}

text_value!(HashrateKind, HashUnit);

impl HashUnit {
    /// H/s per unit.
    pub fn factor(self) -> f64 {
        match self {
            HashUnit::Hs => 1.0,
            HashUnit::Ths => 1e12,
            HashUnit::Phs => 1e15,
            HashUnit::Ehs => 1e18,
            HashUnit::Zhs => 1e21,
        }
    }
}

section! {
    /// The exogenous hashrate path.
    #[derive(Default)]
    pub struct RawHashrate ("hashrate.", HashrateKeys) {
        /// `constant`, `piecewise`, `csv`, or `fleet` (hashrate emerges from the generated sites
        /// and machines run by the CBECI profitability threshold).
        kind: Option<HashrateKind> = text("constant"),
        /// kind = constant: the hashrate.
        ehs: Option<f64> = number(d::HASHRATE_EHS)
            .range(ge(0.0), le(d::MAX_HASHRATE_EHS))
            .unit("EH/s"),
        /// kind = piecewise: points in time order. Before the first point the first value holds.
        points: Option<Vec<RawPoint>> = array_of(PointKeys::LIST),
        /// kind = piecewise: width of the steps a ramp is discretized into.
        ramp_step_hours: Option<f64> = number(d::RAMP_STEP_HOURS)
            .range(ge(1.0 / 3600.0), le(24.0 * 366.0))
            .unit("hours"),
        /// kind = csv: path of the CSV file, relative to the scenario file's folder. One row per
        /// UTC day; each value holds from that day's midnight to the next row's.
        csv: Option<String> = text_opt(),
        /// kind = csv: the hashrate column.
        column: Option<String> = text_derived(
            "`HashRate_THs` (shared/reference/btc_daily.csv) or `HashRate` (Coin Metrics \
             community CSV), whichever exists"
        ),
        /// kind = csv: the date column.
        date_column: Option<String> = text_derived("`date` or `time`, whichever exists"),
        /// kind = csv: unit of the hashrate column.
        unit: Option<HashUnit> = text(d::CSV_UNIT),
    }
}

section! {
    /// One point of a piecewise path.
    pub struct RawPoint ("hashrate.points[].", PointKeys) {
        /// When the path reaches this value, UTC.
        at: String = text_opt(),
        /// Hashrate.
        ehs: f64 = number_opt().range(ge(0.0), le(d::MAX_HASHRATE_EHS)).unit("EH/s"),
        /// true: ramp linearly from the previous point to this one; false: step here.
        #[serde(default)]
        ramp: bool = boolean(false),
    }
}

section! {
    /// Which tables to write. `summary` is always written.
    #[derive(Default)]
    pub struct RawOutput ("output.", OutputKeys) {
        /// Write the per-block table `blocks.parquet`.
        blocks: Option<bool> = boolean(true),
        /// Write the per-retarget table `epochs.parquet`.
        epochs: Option<bool> = boolean(true),
        /// Write the monthly firm panel `firms.parquet` (one row per firm and decision; empty
        /// without firms). Large sweeps that read only the daily tables turn it off.
        firms: Option<bool> = boolean(true),
        /// Write the event log `events.parquet` (one row per event; network events only without
        /// firms). Large sweeps that read only the daily tables may turn it off.
        events: Option<bool> = boolean(true),
    }
}
