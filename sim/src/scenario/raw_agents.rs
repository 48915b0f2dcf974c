//! Stage one for `[firms]` and `[ai]`: the serde mirror (unknown keys rejected).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// `[firms]`: the agents (fleet runs only).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawFirms {
    /// Firms decide (default true); false keeps the generated fleet fixed, as before agents.
    pub enabled: Option<bool>,
    /// Generated firms (1 ..= sites).
    pub count: Option<u64>,
    /// Share of firms (the largest) that are public, [0, 1].
    pub public_share: Option<f64>,
    /// Mean cash at the start, USD per MW owned.
    pub cash_usd_per_mw: Option<f64>,
    /// Mean debt at the start, USD per MW owned.
    pub debt_usd_per_mw: Option<f64>,
    /// Cost of capital of public firms, [low, high] per year.
    pub discount_rate_public: Option<[f64; 2]>,
    /// Cost of capital of private firms, [low, high] per year.
    pub discount_rate_private: Option<[f64; 2]>,
    /// Credit line of public firms, USD per MW owned.
    pub credit_usd_per_mw_public: Option<f64>,
    /// Credit line of private firms, USD per MW owned.
    pub credit_usd_per_mw_private: Option<f64>,
    /// Share of AI capex public firms finance with project debt, [0, 1).
    pub project_finance_public: Option<f64>,
    /// Share of AI capex private firms finance with project debt, [0, 1).
    pub project_finance_private: Option<f64>,
    /// Valuation horizon, [low, high] years.
    pub horizon_years: Option<[f64; 2]>,
    /// Risk aversion (weight on the real-option premium), [low, high] in [0, 3].
    pub risk_aversion: Option<[f64; 2]>,
    /// Profitability index a mining investment must reach, [low, high] in [1, 5].
    pub mining_hurdle: Option<[f64; 2]>,
    /// Share of naive believers (price stays).
    pub belief_naive: Option<f64>,
    /// Share of adaptive believers (extrapolate recent returns).
    pub belief_adaptive: Option<f64>,
    /// Share of drift believers (fixed conviction `drift_mu`).
    pub belief_drift: Option<f64>,
    /// Memory of adaptive believers, years.
    pub adaptive_memory_years: Option<f64>,
    /// Conviction of drift believers, log growth per year.
    pub drift_mu: Option<f64>,
    /// Days between a firm's decisions.
    pub decision_interval_days: Option<f64>,
    /// Sites may mine and host AI at once (partial conversions).
    pub hybrid: Option<bool>,
    /// Expected log growth of difficulty per year beyond the price's effect.
    pub difficulty_growth_per_year: Option<f64>,
    /// Non-energy operating cost of mining, USD per MW-year.
    pub mining_opex_usd_per_mw_year: Option<f64>,
    /// Days from ordering ASICs to installing them.
    pub asic_lead_time_days: Option<f64>,
    /// Economic life of an ASIC, years.
    pub asic_life_years: Option<f64>,
    /// Share of a site's capacity one expansion adds, [0, 1] (0: no expansions).
    pub expansion_step: Option<f64>,
    /// Build-out cost of new mining capacity, USD per MW.
    pub expansion_capex_usd_per_mw: Option<f64>,
    /// Days from deciding an expansion to energizing it.
    pub expansion_lead_time_days: Option<f64>,
    /// Days from buying secondary-market machines for a site relocated by a ban to running
    /// them there (shipping and setting up at hosting capacity).
    pub relocation_lead_time_days: Option<f64>,
    /// Interest on debt, per year.
    pub debt_interest_rate: Option<f64>,
    /// Years over which corporate debt is repaid.
    pub debt_amortization_years: Option<f64>,
    /// Years of margin the secondary market pays for a machine at most.
    pub secondary_payback_years: Option<f64>,
    /// Days before unsold secondary-market machines are scrapped.
    pub secondary_shelf_days: Option<f64>,
    /// Real public miners to include by ticker (see `hashshift list`), or ["all"].
    pub public_miners: Option<Vec<String>>,
    /// Firms defined in the scenario.
    #[serde(default)]
    pub custom: Vec<RawCustomFirm>,
}

/// `[[firms.custom]]`: a firm named in the scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCustomFirm {
    /// Name.
    pub name: String,
    /// Total capacity of the firm, MW; its sites must fit in it.
    pub capacity_mw: f64,
    /// Hashrate it mines at the start, EH/s.
    pub self_mining_ehs: f64,
    /// Efficiency of its fleet, J/TH.
    pub efficiency_j_per_th: f64,
    /// Its sites.
    pub sites: Vec<RawCustomSite>,
}

/// A site of a custom firm.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawCustomSite {
    /// Site name.
    pub name: String,
    /// Region (us, china, ...).
    pub region: String,
    /// Capacity, MW.
    pub capacity_mw: f64,
    /// Whether it can host AI.
    #[serde(default)]
    pub ai_suitable: bool,
}

/// How AI demand is given.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DemandKind {
    /// `demand_mw x (1 + demand_growth_per_year)^t`.
    #[default]
    Growth,
    /// Linear between `demand_points`.
    Piecewise,
    /// A daily CSV column.
    Csv,
}

/// A point of a piecewise AI demand path.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDemandPoint {
    /// When (UTC date or date-time).
    pub at: String,
    /// Demand, MW of critical IT (>= 0).
    pub mw: f64,
}

/// `[ai]`: the AI compute market.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawAi {
    /// An AI market exists (default true); false: nobody can convert.
    pub enabled: Option<bool>,
    /// growth | piecewise | csv.
    pub demand_kind: Option<DemandKind>,
    /// Demand at the start, MW of critical IT (growth).
    pub demand_mw: Option<f64>,
    /// Demand growth per year (growth).
    pub demand_growth_per_year: Option<f64>,
    /// Points (piecewise).
    pub demand_points: Option<Vec<RawDemandPoint>>,
    /// CSV file (csv), relative to the scenario.
    pub demand_csv: Option<String>,
    /// Value column of the CSV, MW.
    pub demand_column: Option<String>,
    /// Date column of the CSV.
    pub demand_date_column: Option<String>,
    /// Exogenous supply at the start, MW of critical IT.
    pub exogenous_supply_mw: Option<f64>,
    /// Growth of the exogenous supply per year.
    pub exogenous_supply_growth_per_year: Option<f64>,
    /// Colocation rate at balance, USD per MW of critical IT per year.
    pub reference_rate_usd_per_mw_year: Option<f64>,
    /// Lowest colocation rate.
    pub rate_min_usd_per_mw_year: Option<f64>,
    /// Highest colocation rate.
    pub rate_max_usd_per_mw_year: Option<f64>,
    /// Elasticity of the rate to demand/supply.
    pub rate_elasticity: Option<f64>,
    /// Colocation build cost, USD per MW of critical IT.
    pub colo_capex_usd_per_mw_it: Option<f64>,
    /// Critical-IT MW per gross MW.
    pub gross_to_it: Option<f64>,
    /// Months from contract to energized.
    pub lead_time_months: Option<f64>,
    /// Colocation tenor, years.
    pub tenor_years: Option<f64>,
    /// Life of an AI shell a conversion is valued over, years (renewals after the tenor).
    pub shell_life_years: Option<f64>,
    /// Colocation NOI margin.
    pub noi_margin: Option<f64>,
    /// Yearly tenant default probability.
    pub default_hazard_per_year: Option<f64>,
    /// GPU capex, USD per MW of critical IT.
    pub gpu_capex_usd_per_mw_it: Option<f64>,
    /// GPUs per MW of critical IT.
    pub gpus_per_mw_it: Option<f64>,
    /// GPU-hour price at the start, USD.
    pub gpu_hour_usd: Option<f64>,
    /// Fall of the GPU-hour price per year.
    pub gpu_price_decline_per_year: Option<f64>,
    /// GPU utilization.
    pub gpu_utilization: Option<f64>,
    /// GPU life and cloud contract tenor, years.
    pub gpu_life_years: Option<f64>,
    /// Cloud opex besides power, share of revenue.
    pub cloud_opex_share: Option<f64>,
}
