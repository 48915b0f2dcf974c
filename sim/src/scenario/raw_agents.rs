//! Stage one for `[firms]` and `[ai]`: each key once, with its doc, default, allowed range and
//! unit. Firm defaults are in [`super::defaults`], market defaults in `hashshift_models::ai`,
//! each with its source or marked as an assumption.

use hashshift_models::ai as m;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::defaults as d;
use super::keys::{
    array, array_of, boolean, ge, gt, integer_derived, le, lt, number, number_opt, pair, section,
    text, text_derived, text_opt, text_value,
};

/// The most USD per MW a firm's balance-sheet key may give.
const USD_PER_MW_MAX: f64 = 1e8;

section! {
    /// `[firms]`: the agents (fleet runs only).
    #[derive(Default)]
    pub struct RawFirms ("firms.", FirmsKeys) {
        /// Firms decide; false keeps the generated fleet fixed, as before agents.
        enabled: Option<bool> = boolean(true),
        /// Generated firms.
        count: Option<u64> = integer_derived("min(3000, network.sites)")
            .range(ge(1.0), le(1_000_000.0))
            .unit("firms, at most one per site"),
        /// Share of firms (the largest) that are public.
        public_share: Option<f64> = number(d::FIRMS_PUBLIC_SHARE).range(ge(0.0), le(1.0)),
        /// Mean cash at the start.
        cash_usd_per_mw: Option<f64> = number(d::FIRMS_CASH_USD_PER_MW)
            .range(ge(0.0), le(USD_PER_MW_MAX))
            .unit("USD per MW owned"),
        /// Mean debt at the start.
        debt_usd_per_mw: Option<f64> = number(d::FIRMS_DEBT_USD_PER_MW)
            .range(ge(0.0), le(USD_PER_MW_MAX))
            .unit("USD per MW owned"),
        /// Cost of capital of public firms, [low, high].
        discount_rate_public: Option<Vec<f64>> = pair(d::FIRMS_DISCOUNT_RATE_PUBLIC)
            .range(gt(0.0), le(1.0))
            .unit("per year"),
        /// Cost of capital of private firms, [low, high].
        discount_rate_private: Option<Vec<f64>> = pair(d::FIRMS_DISCOUNT_RATE_PRIVATE)
            .range(gt(0.0), le(1.0))
            .unit("per year"),
        /// Credit line of public firms.
        credit_usd_per_mw_public: Option<f64> = number(d::FIRMS_CREDIT_USD_PER_MW_PUBLIC)
            .range(ge(0.0), le(USD_PER_MW_MAX))
            .unit("USD per MW owned"),
        /// Credit line of private firms.
        credit_usd_per_mw_private: Option<f64> = number(d::FIRMS_CREDIT_USD_PER_MW_PRIVATE)
            .range(ge(0.0), le(USD_PER_MW_MAX))
            .unit("USD per MW owned"),
        /// Share of AI capex public firms finance with project debt.
        project_finance_public: Option<f64> = number(d::FIRMS_PROJECT_FINANCE_PUBLIC)
            .range(ge(0.0), lt(1.0)),
        /// Share of AI capex private firms finance with project debt.
        project_finance_private: Option<f64> = number(d::FIRMS_PROJECT_FINANCE_PRIVATE)
            .range(ge(0.0), lt(1.0)),
        /// Valuation horizon, [low, high].
        horizon_years: Option<Vec<f64>> = pair(d::FIRMS_HORIZON_YEARS)
            .range(ge(1.0), le(50.0))
            .unit("years"),
        /// Risk aversion (weight on the real-option premium), [low, high].
        risk_aversion: Option<Vec<f64>> = pair(d::FIRMS_RISK_AVERSION).range(ge(0.0), le(3.0)),
        /// Profitability index a mining investment must reach, [low, high].
        mining_hurdle: Option<Vec<f64>> = pair(d::FIRMS_MINING_HURDLE).range(ge(1.0), le(5.0)),
        /// Share of naive believers (price stays); the three shares sum to 1.
        belief_naive: Option<f64> = number(d::FIRMS_BELIEFS[0]).range(ge(0.0), le(1.0)),
        /// Share of adaptive believers (extrapolate recent returns).
        belief_adaptive: Option<f64> = number(d::FIRMS_BELIEFS[1]).range(ge(0.0), le(1.0)),
        /// Share of drift believers (fixed conviction `drift_mu`).
        belief_drift: Option<f64> = number(d::FIRMS_BELIEFS[2]).range(ge(0.0), le(1.0)),
        /// Memory of adaptive believers, [low, high], drawn per firm.
        adaptive_memory_years: Option<Vec<f64>> = pair(d::FIRMS_ADAPTIVE_MEMORY_YEARS)
            .range(gt(0.0), le(50.0))
            .unit("years"),
        /// Conviction of drift believers, log growth, [low, high], drawn per firm.
        drift_mu: Option<Vec<f64>> = pair(d::FIRMS_DRIFT_MU).range(ge(-0.5), le(0.5)).unit("per year"),
        /// Share of the private firms that buy machines only on the secondary market (never
        /// from the manufacturers): they fill their MW with the machines the others retire.
        secondary_only_share: Option<f64> = number(d::FIRMS_SECONDARY_ONLY_SHARE)
            .range(ge(0.0), le(1.0))
            .unit("(share of private firms)"),
        /// Days between a firm's decisions.
        decision_interval_days: Option<f64> = number(d::FIRMS_DECISION_INTERVAL_DAYS)
            .range(ge(1.0), le(365.0))
            .unit("days"),
        /// Sites may mine and host AI at once (partial conversions).
        hybrid: Option<bool> = boolean(false),
        /// Expected log growth of difficulty beyond the price's effect.
        difficulty_growth_per_year: Option<f64> = number(d::FIRMS_DIFFICULTY_GROWTH_PER_YEAR)
            .range(ge(-1.0), le(2.0))
            .unit("per year"),
        /// Non-energy operating cost of mining.
        mining_opex_usd_per_mw_year: Option<f64> = number(d::FIRMS_MINING_OPEX_USD_PER_MW_YEAR)
            .range(ge(0.0), le(1e7))
            .unit("USD per MW-year"),
        /// Fixed cost of mining capacity standing idle (the MW of stopped machines and MW
        /// without machines): staff, lease, insurance, minimum fees.
        idle_usd_per_mw_year: Option<f64> = number(d::FIRMS_IDLE_USD_PER_MW_YEAR)
            .range(ge(0.0), le(1e7))
            .unit("USD per MW-year"),
        /// Days from ordering ASICs to installing them.
        asic_lead_time_days: Option<f64> = number(d::FIRMS_ASIC_LEAD_TIME_DAYS)
            .range(ge(0.0), le(1000.0))
            .unit("days"),
        /// New ASICs the manufacturers make per month, as a share of the network's installed
        /// hashrate: when more is on order than they make in the normal lead time, the quoted
        /// lead time lengthens to the time they need to work through the order book.
        factory_share_per_month: Option<f64> = number(d::FIRMS_FACTORY_SHARE_PER_MONTH)
            .range(gt(0.0), le(1.0))
            .unit("per month"),
        /// Economic life of an ASIC.
        asic_life_years: Option<f64> = number(d::FIRMS_ASIC_LIFE_YEARS)
            .range(ge(0.5), le(20.0))
            .unit("years"),
        /// Share of a site's capacity one expansion adds (0: no expansions).
        expansion_step: Option<f64> = number(d::FIRMS_EXPANSION_STEP)
            .range(ge(0.0), le(1.0))
            .unit("(share of site capacity)"),
        /// Build-out cost of new mining capacity.
        expansion_capex_usd_per_mw: Option<f64> = number(d::FIRMS_EXPANSION_CAPEX_USD_PER_MW)
            .range(ge(0.0), le(1e8))
            .unit("USD per MW"),
        /// Days from deciding an expansion to energizing it.
        expansion_lead_time_days: Option<f64> = number(d::FIRMS_EXPANSION_LEAD_TIME_DAYS)
            .range(ge(0.0), le(3650.0))
            .unit("days"),
        /// Days from buying secondary-market machines for a site relocated by a ban to running
        /// them there (shipping and setting up at hosting capacity).
        relocation_lead_time_days: Option<f64> = number(d::FIRMS_RELOCATION_LEAD_TIME_DAYS)
            .range(ge(0.0), le(3650.0))
            .unit("days"),
        /// Interest on debt.
        debt_interest_rate: Option<f64> = number(d::FIRMS_DEBT_INTEREST_RATE)
            .range(ge(0.0), le(1.0))
            .unit("per year"),
        /// Years over which corporate debt is repaid.
        debt_amortization_years: Option<f64> = number(d::FIRMS_DEBT_AMORTIZATION_YEARS)
            .range(ge(0.5), le(50.0))
            .unit("years"),
        /// Years of margin the secondary market pays for a machine at most.
        secondary_payback_years: Option<f64> = number(d::FIRMS_SECONDARY_PAYBACK_YEARS)
            .range(ge(0.0), le(10.0))
            .unit("years"),
        /// Days before unsold secondary-market machines are scrapped.
        secondary_shelf_days: Option<f64> = number(d::FIRMS_SECONDARY_SHELF_DAYS)
            .range(ge(1.0), le(3650.0))
            .unit("days"),
        /// Real public miners to include by ticker (see `hashshift list`), or ["all"].
        public_miners: Option<Vec<String>> = array(),
        /// Firms defined in the scenario.
        #[serde(default)]
        custom: Vec<RawCustomFirm> = array_of(CustomFirmKeys::LIST),
    }
}

section! {
    /// `[[firms.custom]]`: a firm named in the scenario.
    pub struct RawCustomFirm ("firms.custom[].", CustomFirmKeys) {
        /// Name.
        name: String = text_opt(),
        /// Total capacity of the firm; its sites must fit in it.
        capacity_mw: f64 = number_opt().range(ge(1e-6), le(1e6)).unit("MW"),
        /// Hashrate it mines at the start.
        self_mining_ehs: f64 = number_opt().range(ge(0.0), le(1e6)).unit("EH/s"),
        /// Efficiency of its fleet.
        efficiency_j_per_th: f64 = number_opt().range(ge(1.0), le(500.0)).unit("J/TH"),
        /// Its sites.
        sites: Vec<RawCustomSite> = array_of(CustomSiteKeys::LIST),
    }
}

section! {
    /// A site of a custom firm.
    pub struct RawCustomSite ("firms.custom[].sites[].", CustomSiteKeys) {
        /// Site name.
        name: String = text_opt(),
        /// Region (us, china, ...).
        region: String = text_opt(),
        /// Capacity.
        capacity_mw: f64 = number_opt().range(ge(1e-6), le(1e6)).unit("MW"),
        /// Whether it can host AI.
        #[serde(default)]
        ai_suitable: bool = boolean(false),
    }
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

text_value!(DemandKind);

/// The most MW of critical IT an AI demand or supply key may give: 10 million MW, about 250
/// times the default 2026 demand (ASSUMPTION: a bound so that every MW and USD flow stays
/// finite).
pub const AI_MW_MAX: f64 = 1e7;

section! {
    /// A point of a piecewise AI demand path.
    pub struct RawDemandPoint ("ai.demand_points[].", DemandPointKeys) {
        /// When (UTC date or date-time).
        at: String = text_opt(),
        /// Demand.
        mw: f64 = number_opt().range(ge(0.0), le(AI_MW_MAX)).unit("MW of critical IT"),
    }
}

/// The most USD per MW (a year) an AI price key may give (ASSUMPTION: far above any real
/// rate or build cost, so every USD flow stays finite).
const AI_USD_MAX: f64 = 1e9;

section! {
    /// `[ai]`: the AI compute market.
    #[derive(Default)]
    pub struct RawAi ("ai.", AiKeys) {
        /// An AI market exists; false: nobody can convert.
        enabled: Option<bool> = boolean(true),
        /// growth | piecewise | csv.
        demand_kind: Option<DemandKind> = text("growth"),
        /// Demand at the start (growth).
        demand_mw: Option<f64> = number(m::DEFAULT_DEMAND_MW)
            .range(ge(0.0), le(AI_MW_MAX))
            .unit("MW of critical IT"),
        /// Demand growth (growth).
        demand_growth_per_year: Option<f64> = number(m::DEFAULT_DEMAND_GROWTH_PER_YEAR)
            .range(gt(-1.0), le(10.0))
            .unit("per year"),
        /// Points (piecewise).
        demand_points: Option<Vec<RawDemandPoint>> = array_of(DemandPointKeys::LIST),
        /// CSV file (csv), relative to the scenario.
        demand_csv: Option<String> = text_opt(),
        /// Value column of the CSV, MW.
        demand_column: Option<String> = text("mw"),
        /// Date column of the CSV.
        demand_date_column: Option<String> = text_derived("`date` or `time`, whichever exists"),
        /// Exogenous supply at the start.
        exogenous_supply_mw: Option<f64> = number(m::DEFAULT_EXOGENOUS_SUPPLY_MW)
            .range(ge(0.0), le(AI_MW_MAX))
            .unit("MW of critical IT"),
        /// Growth of the exogenous supply.
        exogenous_supply_growth_per_year: Option<f64> =
            number(m::DEFAULT_EXOGENOUS_SUPPLY_GROWTH_PER_YEAR)
                .range(gt(-1.0), le(10.0))
                .unit("per year"),
        /// Colocation rate at balance.
        reference_rate_usd_per_mw_year: Option<f64> = number(m::DEFAULT_REFERENCE_RATE)
            .range(gt(0.0), le(AI_USD_MAX))
            .unit("USD per MW of critical IT per year"),
        /// Lowest colocation rate (at most the reference rate).
        rate_min_usd_per_mw_year: Option<f64> = number(m::DEFAULT_RATE_MIN)
            .range(gt(0.0), le(AI_USD_MAX))
            .unit("USD per MW of critical IT per year"),
        /// Highest colocation rate (at least the reference rate).
        rate_max_usd_per_mw_year: Option<f64> = number(m::DEFAULT_RATE_MAX)
            .range(gt(0.0), le(AI_USD_MAX))
            .unit("USD per MW of critical IT per year"),
        /// Elasticity of the rate to demand/supply.
        rate_elasticity: Option<f64> = number(m::DEFAULT_RATE_ELASTICITY).range(ge(0.0), le(5.0)),
        /// Colocation build cost.
        colo_capex_usd_per_mw_it: Option<f64> = number(m::DEFAULT_COLO_CAPEX_USD_PER_MW_IT)
            .range(ge(0.0), le(AI_USD_MAX))
            .unit("USD per MW of critical IT"),
        /// Critical-IT MW per gross MW.
        gross_to_it: Option<f64> = number(m::DEFAULT_GROSS_TO_IT).range(gt(0.0), le(1.0)),
        /// Months from contract to energized.
        lead_time_months: Option<f64> = number(m::DEFAULT_LEAD_TIME_MONTHS)
            .range(ge(0.0), le(120.0))
            .unit("months"),
        /// Colocation tenor.
        tenor_years: Option<f64> = number(m::DEFAULT_TENOR_YEARS)
            .range(gt(0.0), le(50.0))
            .unit("years"),
        /// Life of an AI shell a conversion is valued over (renewals after the tenor; at least
        /// the tenor).
        shell_life_years: Option<f64> = number(m::DEFAULT_SHELL_LIFE_YEARS)
            .range(gt(0.0), le(50.0))
            .unit("years"),
        /// Colocation NOI margin.
        noi_margin: Option<f64> = number(m::DEFAULT_NOI_MARGIN).range(gt(0.0), le(1.0)),
        /// Yearly tenant default probability.
        default_hazard_per_year: Option<f64> = number(m::DEFAULT_DEFAULT_HAZARD_PER_YEAR)
            .range(ge(0.0), lt(1.0))
            .unit("per year"),
        /// GPU capex.
        gpu_capex_usd_per_mw_it: Option<f64> = number(m::DEFAULT_GPU_CAPEX_USD_PER_MW_IT)
            .range(ge(0.0), le(AI_USD_MAX))
            .unit("USD per MW of critical IT"),
        /// GPUs per MW of critical IT.
        gpus_per_mw_it: Option<f64> = number(m::DEFAULT_GPUS_PER_MW_IT).range(gt(0.0), le(1e5)),
        /// GPU-hour price at the start.
        gpu_hour_usd: Option<f64> = number(m::DEFAULT_GPU_HOUR_USD)
            .range(gt(0.0), le(1000.0))
            .unit("USD"),
        /// Fall of the GPU-hour price.
        gpu_price_decline_per_year: Option<f64> = number(m::DEFAULT_GPU_PRICE_DECLINE_PER_YEAR)
            .range(ge(0.0), lt(1.0))
            .unit("per year"),
        /// GPU utilization.
        gpu_utilization: Option<f64> = number(m::DEFAULT_GPU_UTILIZATION).range(gt(0.0), le(1.0)),
        /// GPU life and cloud contract tenor.
        gpu_life_years: Option<f64> = number(m::DEFAULT_GPU_LIFE_YEARS)
            .range(gt(0.0), le(20.0))
            .unit("years"),
        /// Cloud opex besides power, share of revenue.
        cloud_opex_share: Option<f64> = number(m::DEFAULT_CLOUD_OPEX_SHARE).range(ge(0.0), lt(1.0)),
    }
}
