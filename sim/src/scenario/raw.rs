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
    /// BTC price process.
    #[serde(default)]
    pub price: RawPrice,
    /// Fees per block.
    #[serde(default)]
    pub fees: RawFees,
    /// Regional energy prices (used with hashrate.kind = "fleet").
    #[serde(default)]
    pub energy: RawEnergy,
    /// The generated population of sites and machines (hashrate.kind = "fleet").
    #[serde(default)]
    pub network: RawNetwork,
    /// The ASIC efficiency frontier: future generations and prices of new machines.
    #[serde(default)]
    pub hardware: RawHardware,
    /// Scheduled shocks and policies, in any order.
    #[serde(default)]
    pub shocks: Vec<RawShock>,
    /// The firms (agents); fleet runs only.
    #[serde(default)]
    pub firms: super::raw_agents::RawFirms,
    /// The AI compute market; fleet runs only.
    #[serde(default)]
    pub ai: super::raw_agents::RawAi,
    /// The difficulty-adjustment rule.
    #[serde(default)]
    pub difficulty: super::raw_security::RawDifficulty,
    /// How the security metrics are computed.
    #[serde(default)]
    pub security: super::raw_security::RawSecurity,
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
    /// `constant` (default), `piecewise`, `csv`, or `fleet` (hashrate emerges from the
    /// generated sites and machines run by the CBECI profitability threshold).
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

/// Which tables to write. `summary` is always written.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawOutput {
    /// Write the per-block table `blocks.parquet`. Default true.
    pub blocks: Option<bool>,
    /// Write the per-retarget table `epochs.parquet`. Default true.
    pub epochs: Option<bool>,
    /// Write the monthly firm panel `firms.parquet` (one row per firm and decision; empty
    /// without firms). Default true; large sweeps that read only the daily tables turn it off.
    pub firms: Option<bool>,
    /// Write the event log `events.parquet` (one row per event; network events only without
    /// firms). Default
    /// true; large sweeps that read only the daily tables may turn it off.
    pub events: Option<bool>,
}

/// The BTC price process.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPrice {
    /// `constant` (default), `gbm`, `merton`, `regime` or `csv`.
    pub model: Option<PriceModelKind>,
    /// Price at the start, USD/BTC (> 0). Default 76,600 (2026-05-23 close). Not used by `csv`.
    pub initial_usd: Option<f64>,
    /// gbm, merton: annual drift of the price (expected log growth + sigma^2/2), [-5, 5]. Default 0.
    pub mu: Option<f64>,
    /// gbm, merton: annual volatility, [0, 5]. Default 0.67 (gbm; 2016-2026 daily log-returns),
    /// 0.49 (merton diffusion part).
    pub sigma: Option<f64>,
    /// merton: jumps per year, [0, 365]. Default 17.3.
    pub jumps_per_year: Option<f64>,
    /// merton: mean log jump size, [-2, 2]. Default 0.
    pub jump_mean: Option<f64>,
    /// merton: sd of the log jump size, [0, 2]. Default 0.114.
    pub jump_sd: Option<f64>,
    /// regime: bull-regime annual drift and volatility. Defaults 1.11 and 0.65.
    pub bull_mu: Option<f64>,
    /// regime: bull-regime annual volatility.
    pub bull_sigma: Option<f64>,
    /// regime: bear-regime annual drift. Default -0.90.
    pub bear_mu: Option<f64>,
    /// regime: bear-regime annual volatility. Default 0.75.
    pub bear_sigma: Option<f64>,
    /// regime: daily probability of leaving a bull market, (0, 1]. Default 1/(3 x 365.25).
    pub p_bull_to_bear: Option<f64>,
    /// regime: daily probability of leaving a bear market, (0, 1]. Default 1/365.25.
    pub p_bear_to_bull: Option<f64>,
    /// csv: path of a daily price file, relative to the scenario file (Coin Metrics `time,PriceUSD`
    /// or shared/reference/btc_daily.csv); must cover the run without gaps.
    pub csv: Option<String>,
    /// csv: the price column. Default `PriceUSD`.
    pub column: Option<String>,
    /// csv: the date column. Default `date` or `time`.
    pub date_column: Option<String>,
    /// Feedback from security events to the price, for stress studies
    /// (`hashshift_models::market::feedback`). Off unless the table is given; any model.
    pub feedback: Option<RawPriceFeedback>,
}

/// Price drops triggered by slow blocks or a hashrate drawdown. Give at least one trigger.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawPriceFeedback {
    /// Trigger: a day's mean block interval above this, seconds, (600, 86400].
    pub slow_blocks_s: Option<f64>,
    /// Trigger: the running hashrate this share below its high over `window_days`, (0, 1).
    pub drawdown: Option<f64>,
    /// Days of the drawdown's trailing high, [1, 3650]. Default 90.
    pub window_days: Option<u32>,
    /// Each drop multiplies the price by `1 - drop`, (0, 0.9]. Default 0.1.
    pub drop: Option<f64>,
    /// Days at least between two drops, [1, 3650]. Default 30.
    pub cooldown_days: Option<u32>,
}

/// Price models.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PriceModelKind {
    /// Constant `initial_usd`.
    #[default]
    Constant,
    /// Geometric Brownian motion.
    Gbm,
    /// Merton jump-diffusion.
    Merton,
    /// Two-state (bull/bear) regime switching.
    Regime,
    /// Replay of a daily CSV.
    Csv,
}

/// Fees per block.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFees {
    /// `constant` (default), `lognormal` (each block draws its fees) or `csv` (the day's mean
    /// fee per block from a file; blocks draw lognormally around it when `log_sd` is given).
    pub model: Option<FeeModelKind>,
    /// constant, lognormal: mean fees per block, BTC, [0, 100]. Default 0.066.
    pub mean_btc: Option<f64>,
    /// lognormal, csv: log-sd of a block's fees around the mean, [0, 3]. Default 0.74
    /// (lognormal), 0 (csv: every block pays the day's mean).
    pub log_sd: Option<f64>,
    /// csv: path of a daily file, relative to the scenario file; it must have a value on every
    /// day of the run.
    pub csv: Option<String>,
    /// csv: a column of mean fees per block, BTC. Default: `FeeTotNtv` / `BlkCnt` (total fees
    /// and block count per day, as in Coin Metrics and shared/reference/btc_daily.csv).
    pub column: Option<String>,
    /// csv: the date column. Default `date` or `time`.
    pub date_column: Option<String>,
    /// Fee spikes: episodes of congestion that multiply the fees for days at a time
    /// (`hashshift_models::market::fee_spikes`). Off unless the table is given; not with
    /// `model = "csv"` (the file has its own spikes). `mean_btc` is then the mean outside
    /// episodes.
    pub spikes: Option<RawFeeSpikes>,
}

/// Fee-spike episodes; each key defaults to its calibrated value (2016-2025 daily fees).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFeeSpikes {
    /// Episodes per year, [0, 365]. Default 9.6.
    pub rate_per_year: Option<f64>,
    /// Mean length of an episode, days, [1, 365]. Default 4.2.
    pub mean_days: Option<f64>,
    /// Median multiplier of the fees during an episode, [1, 1000]. Default 2.7.
    pub multiplier_median: Option<f64>,
    /// Log-sd of the multiplier's excess over 1, [0, 3]. Default 0.9.
    pub log_sd: Option<f64>,
}

/// Fee models.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FeeModelKind {
    /// Every block pays `mean_btc`.
    #[default]
    Constant,
    /// Lognormal per block with mean `mean_btc`.
    Lognormal,
    /// The day's mean fee per block from a CSV.
    Csv,
}

/// Regional energy prices: a mean-reverting log price with seasonality around each region's
/// level, on one random stream per region.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawEnergy {
    /// Mean-reversion rate of the log price, 1/year, [0.1, 365]. Default 12 (a shock halves in
    /// about 3 weeks).
    pub kappa: Option<f64>,
    /// Annual volatility of the log price, [0, 5]. Default 0.3. 0 gives deterministic prices.
    pub sigma: Option<f64>,
    /// Per-region overrides of the default profiles, keyed by region name (us, china, russia,
    /// kazakhstan, canada, paraguay, ethiopia, middle_east, nordics, rest_of_world).
    #[serde(default)]
    pub regions: std::collections::BTreeMap<String, RawRegion>,
}

/// Overrides of one region's profile.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawRegion {
    /// Energy price level, USD/kWh, (0, 10].
    pub price_usd_per_kwh: Option<f64>,
    /// Log amplitude of the annual price cycle, [0, 1].
    pub seasonal_amplitude: Option<f64>,
    /// Day of year of the dearest power, [0, 366).
    pub seasonal_peak_day: Option<f64>,
    /// Grid carbon intensity, tCO2/MWh, [0, 2].
    pub carbon_intensity_t_per_mwh: Option<f64>,
    /// The region's share of the generated network's capacity (MW) at the start, [0, 1]; all
    /// shares must sum to 1. (Running hashrate shares then differ a little with energy prices.)
    pub hashrate_share: Option<f64>,
    /// Share of the region's sites that can host AI, [0, 1].
    pub ai_suitability: Option<f64>,
}

/// The generated population (hashrate.kind = "fleet").
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawNetwork {
    /// Running hashrate at the start the population is scaled to, EH/s (> 0). Default 1,000
    /// (shared/reference/btc_daily.csv: May 2026 mean 986, 2026-05-17..23 mean 990).
    pub target_ehs: Option<f64>,
    /// Number of sites (1 ..= 1,000,000; sites x vintages_per_site <= 5 million). Default 3,000.
    pub sites: Option<u64>,
    /// Pareto tail index of site capacity, (1, 10]. Default 1.3.
    pub site_alpha: Option<f64>,
    /// Smallest site, MW. Default 1.
    pub site_min_mw: Option<f64>,
    /// Largest site, MW. Default 500.
    pub site_max_mw: Option<f64>,
    /// Lowest site PUE (>= 1). Default 1.03.
    pub pue_min: Option<f64>,
    /// Highest site PUE (<= 3). Default 1.20.
    pub pue_max: Option<f64>,
    /// Log-sd of a site's energy price around its region's, [0, 2]. Default 0.25.
    pub price_factor_sd: Option<f64>,
    /// Equal power slots per site, each holding one machine model drawn by the mix (1 ..= 64).
    /// Default 3.
    pub vintages_per_site: Option<u64>,
    /// Relative hysteresis band of the on/off rule, [0, 0.5]. Default 0.05.
    pub hysteresis: Option<f64>,
    /// Network hashrate share by machine model (catalog names); shares sum to 1. Default: the
    /// 2026 mix of hashshift_models::hardware::DEFAULT_FLEET_MIX_2026.
    pub mix: Option<Vec<RawMixEntry>>,
    /// An ASIC catalog CSV replacing the built-in one (models/data/asic_catalog.csv shows the
    /// format), relative to the scenario file. With it, `mix` is required.
    pub catalog: Option<String>,
}

/// One model of the fleet mix.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawMixEntry {
    /// Catalog model name, e.g. "Antminer S21".
    pub model: String,
    /// Share of network hashrate, (0, 1].
    pub share: f64,
}

/// A scheduled shock or policy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawShock {
    /// `btc_price` (price x factor at `at`), `energy_price` (a region's energy price x factor from
    /// `at` to `until`), `carbon_tax` (USD/tCO2 on a region, or all, from `at`), `ban` (a share of
    /// a region's capacity forced offline, spread linearly from `at` to `until`), `ai_demand`,
    /// `ai_rate`, `difficulty_rule` (from block `height` on, `rule` sets the difficulty).
    pub kind: ShockKind,
    /// When it starts, UTC (every kind but difficulty_rule).
    pub at: Option<String>,
    /// difficulty_rule: height of the first block under the new rule (>= the start height).
    pub height: Option<u64>,
    /// difficulty_rule: "bitcoin", "asert" or "lwma" (parameters from `[difficulty]`).
    pub rule: Option<super::raw_security::RuleName>,
    /// energy_price: when it ends; ban: when the share is reached. UTC.
    pub until: Option<String>,
    /// Region name (energy_price, ban; carbon_tax: omit for all regions).
    pub region: Option<String>,
    /// btc_price, energy_price: multiplicative factor (> 0).
    pub factor: Option<f64>,
    /// carbon_tax: USD per tCO2, [0, 10,000].
    pub usd_per_t: Option<f64>,
    /// ban: share of the region's capacity forced offline, (0, 1].
    pub share: Option<f64>,
}

/// Shock kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum ShockKind {
    /// BTC price jump.
    BtcPrice,
    /// Regional energy-price shock.
    EnergyPrice,
    /// Carbon tax.
    CarbonTax,
    /// Regional mining ban.
    Ban,
    /// AI demand multiplied by `factor` on [at, until) (until optional: permanent).
    AiDemand,
    /// AI colocation rate multiplied by `factor` on [at, until) (until optional).
    AiRate,
    /// The difficulty rule changes at a height.
    DifficultyRule,
}

/// The ASIC efficiency frontier (hashshift_models::hardware::frontier has the equations).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawHardware {
    /// Yearly fall of the frontier's J/TH, [0, 1). Default 0.155 (fit of the catalog's best
    /// efficiency 2020-02..2025-01; the trend has slowed: 0.222 over 2016-07..2025-01).
    pub improvement_rate_per_year: Option<f64>,
    /// Yearly change of the price per TH of new generations, (-1, 10]. Default -0.17.
    pub price_per_th_trend_per_year: Option<f64>,
    /// Years between ASIC generations, [0.25, 10]. Default 1.5.
    pub generation_interval_years: Option<f64>,
    /// Yearly fall of a model's price per TH with age, [0, 1). Default 0.40.
    pub depreciation_per_year: Option<f64>,
    /// Scrap value of a machine, USD (>= 0). Default 50.
    pub scrap_usd_per_unit: Option<f64>,
}
