//! Stage one: a serde mirror of the scenario TOML. Unknown keys are rejected; every field is
//! optional so the resolved form (defaults filled) can be written back out.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A hashshift scenario file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    /// Scenario name; names the output folder (`<out>/<name>/`). Default: the file name
    /// without `.toml`. Letters, digits, `-`, `_` and `.` only.
    pub name: Option<String>,
    /// Free text describing the scenario.
    pub description: Option<String>,
    /// Master random seed (0 .. 2^63-1). Default 1.
    pub seed: Option<u64>,
    /// Start of the simulation, UTC (`YYYY-MM-DD` or `YYYY-MM-DDTHH:MM:SSZ`).
    /// Default 2026-05-29T00:00:00Z (about the first block of epoch 472).
    pub start: Option<String>,
    /// End of the simulation, UTC. Give either `end` or `horizon_years`.
    pub end: Option<String>,
    /// Length of the simulation in years of 365.25 days (0 < years <= 200). Default 20.
    pub horizon_years: Option<f64>,
    /// Chain state at the start.
    #[serde(default)]
    pub chain: RawChain,
    /// Exogenous network hashrate path.
    #[serde(default)]
    pub hashrate: RawHashrate,
    /// Market inputs (constant until the price and fee processes arrive).
    #[serde(default)]
    pub market: RawMarket,
    /// Which tables to write.
    #[serde(default)]
    pub output: RawOutput,
}

/// The chain at the start: the next block to be mined and the epoch it belongs to.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawChain {
    /// Height of the next block to be mined. Default 951,552 (first block of epoch 472).
    pub height: Option<u64>,
    /// Compact target (nBits) in force for that block, hex like "0x1702068f". Must decode to
    /// a valid proof-of-work target (positive, <= powLimit 0x1d00ffff). Default 0x1702068f.
    pub bits: Option<String>,
    /// Header time (UTC) of the first block of the current epoch. Required when `height` is
    /// not a multiple of 2016 (the epoch started before the simulation); not allowed otherwise.
    pub epoch_start_time: Option<String>,
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

/// The exogenous hashrate path.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHashrate {
    /// `constant` (default), `piecewise` or `csv`.
    pub kind: Option<HashrateKind>,
    /// kind = constant: hashrate in EH/s (0 ..= 10^9). Default 1,000 EH/s.
    pub ehs: Option<f64>,
    /// kind = piecewise: points in time order. Before the first point the first value holds.
    pub points: Option<Vec<RawPoint>>,
    /// kind = piecewise: width of the steps a ramp is discretized into, hours (> 0). Default 1.
    pub ramp_step_hours: Option<f64>,
    /// kind = csv: path of the CSV file, relative to the scenario file's folder. One row per
    /// UTC day; each value holds from that day's midnight to the next row's.
    pub csv: Option<String>,
    /// kind = csv: the hashrate column. Default: `HashRate_THs` (shared/reference/btc_daily.csv)
    /// or `HashRate` (Coin Metrics community CSV), whichever exists.
    pub column: Option<String>,
    /// kind = csv: the date column. Default: `date` or `time`, whichever exists.
    pub date_column: Option<String>,
    /// kind = csv: unit of the hashrate column. Default "TH/s".
    pub unit: Option<HashUnit>,
}

/// One point of a piecewise path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPoint {
    /// When the path reaches this value, UTC.
    pub at: String,
    /// Hashrate, EH/s (0 ..= 10^9).
    pub ehs: f64,
    /// true: ramp linearly from the previous point to this one; false (default): step here.
    #[serde(default)]
    pub ramp: bool,
}

/// Market inputs.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMarket {
    /// BTC price, USD (> 0). Default 76,600.
    pub btc_price_usd: Option<f64>,
    /// Fees paid per block, BTC (0 ..= 100). Default 0.066.
    pub fees_btc_per_block: Option<f64>,
}

/// Which tables to write. `summary` is always written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOutput {
    /// Write the per-block table `blocks.parquet`. Default true.
    pub blocks: Option<bool>,
    /// Write the per-retarget table `epochs.parquet`. Default true.
    pub epochs: Option<bool>,
}
