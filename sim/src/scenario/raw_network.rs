//! Stage one for `[energy]`, `[network]`, `[hardware]` and `[[shocks]]`: each key once, with
//! its doc, default, allowed range and unit.

use hashshift_models::hardware::frontier as hw;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::defaults as d;
use super::keys::{
    array_of, ge, gt, integer, integer_opt, le, lt, number, number_derived, number_opt, pair,
    section, table, text_opt, text_value,
};

section! {
    /// Regional energy prices: a mean-reverting log price with seasonality around each region's
    /// level, on one random stream per region.
    #[derive(Default)]
    pub struct RawEnergy ("energy.", EnergyKeys) {
        /// Mean-reversion rate of the log price.
        kappa: Option<f64> = number(d::ENERGY_KAPPA)
            .range(ge(0.1), le(365.0))
            .unit("per year")
            .note("a shock halves in about 3 weeks"),
        /// Annual volatility of the log price; 0 gives deterministic prices. sigma / sqrt(2
        /// kappa) must be at most 1.
        sigma: Option<f64> = number(d::ENERGY_SIGMA)
            .range(ge(0.0), le(5.0))
            .unit("per sqrt(year)"),
        /// Per-region overrides of the default profiles, keyed by region name (us, china,
        /// russia, kazakhstan, canada, paraguay, ethiopia, middle_east, nordics, rest_of_world;
        /// any case, each region once).
        #[serde(default)]
        regions: std::collections::BTreeMap<String, RawRegion> = table(RegionKeys::LIST),
    }
}

/// The default of a region's profile key.
const PROFILE: &str = "the region's profile (hashshift_models::hardware::Region)";

section! {
    /// Overrides of one region's profile.
    #[derive(Default)]
    pub struct RawRegion ("energy.regions.*.", RegionKeys) {
        /// Energy price level.
        price_usd_per_kwh: Option<f64> = number_derived(PROFILE)
            .range(ge(1e-9), le(10.0))
            .unit("USD/kWh"),
        /// Log amplitude of the annual price cycle.
        seasonal_amplitude: Option<f64> = number_derived(PROFILE)
            .range(ge(0.0), le(1.0))
            .unit("(log amplitude)"),
        /// Day of year of the dearest power.
        seasonal_peak_day: Option<f64> = number_derived(PROFILE)
            .range(ge(0.0), le(365.999))
            .unit("day of year"),
        /// Grid carbon intensity.
        carbon_intensity_t_per_mwh: Option<f64> = number_derived(PROFILE)
            .range(ge(0.0), le(2.0))
            .unit("tCO2/MWh"),
        /// The region's share of the generated network's capacity (MW) at the start; all
        /// shares must sum to 1. (Running hashrate shares then differ a little with energy
        /// prices.)
        hashrate_share: Option<f64> = number_derived(PROFILE)
            .range(ge(0.0), le(1.0))
            .unit("(share)"),
        /// Share of the region's sites that can host AI.
        ai_suitability: Option<f64> = number_derived(PROFILE)
            .range(ge(0.0), le(1.0))
            .unit("(share of sites)"),
    }
}

section! {
    /// The generated population (hashrate.kind = "fleet").
    #[derive(Default)]
    pub struct RawNetwork ("network.", NetworkKeys) {
        /// Running hashrate at the start the population is scaled to.
        target_ehs: Option<f64> = number(d::NETWORK_TARGET_EHS)
            .range(ge(1e-9), le(d::MAX_HASHRATE_EHS))
            .unit("EH/s")
            .note("shared/reference/btc_daily.csv: May 2026 mean 986, 2026-05-17..23 mean 990"),
        /// Number of sites; sites x vintages_per_site at most 5 million.
        sites: Option<u64> = integer(d::NETWORK_SITES).range(ge(1.0), le(1_000_000.0)),
        /// Pareto tail index of site capacity.
        site_alpha: Option<f64> = number(d::NETWORK_SITE_ALPHA).range(gt(1.0), le(10.0)),
        /// Smallest site (below site_max_mw).
        site_min_mw: Option<f64> = number(d::NETWORK_SITE_MIN_MW)
            .range(ge(1e-6), le(1e5))
            .unit("MW"),
        /// Largest site.
        site_max_mw: Option<f64> = number(d::NETWORK_SITE_MAX_MW)
            .range(ge(1e-6), le(1e5))
            .unit("MW"),
        /// Lowest site PUE (at most pue_max).
        pue_min: Option<f64> = number(d::NETWORK_PUE_MIN).range(ge(1.0), le(3.0)).unit("(PUE)"),
        /// Highest site PUE.
        pue_max: Option<f64> = number(d::NETWORK_PUE_MAX).range(ge(1.0), le(3.0)).unit("(PUE)"),
        /// Log-sd of a site's energy price around its region's.
        price_factor_sd: Option<f64> = number(d::NETWORK_PRICE_FACTOR_SD)
            .range(ge(0.0), le(2.0))
            .unit("(sd of the log energy-price factor)"),
        /// Share of the sites in the cheap tail of energy prices (stranded or flared gas,
        /// curtailed hydro, behind-the-meter deals).
        cheap_share: Option<f64> = number(d::NETWORK_CHEAP_SHARE)
            .range(ge(0.0), le(1.0))
            .unit("(share of sites)"),
        /// Energy price of a cheap-tail site relative to its region's, [low, high], drawn
        /// uniformly per site.
        cheap_factor: Option<Vec<f64>> = pair(d::NETWORK_CHEAP_FACTOR)
            .range(gt(0.0), le(1.0))
            .unit("(energy-price factor)"),
        /// Equal power slots per site, each holding one machine model drawn by the mix.
        vintages_per_site: Option<u64> = integer(d::NETWORK_VINTAGES_PER_SITE)
            .range(ge(1.0), le(64.0)),
        /// Relative hysteresis band of the on/off rule.
        hysteresis: Option<f64> = number(d::NETWORK_HYSTERESIS)
            .range(ge(0.0), le(0.5))
            .unit("(relative band)"),
        /// Network hashrate share by machine model (catalog names); shares sum to 1. Default:
        /// the 2026 mix of hashshift_models::hardware::DEFAULT_FLEET_MIX_2026.
        mix: Option<Vec<RawMixEntry>> = array_of(MixKeys::LIST),
        /// An ASIC catalog CSV replacing the built-in one (models/data/asic_catalog.csv shows
        /// the format), relative to the scenario file. With it, `mix` is required.
        catalog: Option<String> = text_opt(),
    }
}

section! {
    /// One model of the fleet mix.
    pub struct RawMixEntry ("network.mix[].", MixKeys) {
        /// Catalog model name, e.g. "Antminer S21".
        model: String = text_opt(),
        /// Share of network hashrate.
        share: f64 = number_opt().range(ge(1e-12), le(1.0)).unit("(share of hashrate)"),
    }
}

section! {
    /// A scheduled shock or policy.
    pub struct RawShock ("shocks[].", ShockKeys) {
        /// `btc_price` (price x factor at `at`), `energy_price` (a region's energy price x
        /// factor from `at` to `until`), `carbon_tax` (USD/tCO2 on a region, or all, from
        /// `at`), `ban` (a share of a region's capacity forced offline, spread linearly from
        /// `at` to `until`), `ai_demand`, `ai_rate`, `difficulty_rule` (from block `height` on,
        /// `rule` sets the difficulty).
        kind: ShockKind = text_opt(),
        /// When it starts, UTC (every kind but difficulty_rule).
        at: Option<String> = text_opt(),
        /// difficulty_rule: height of the first block under the new rule (at or after the
        /// start height).
        height: Option<u64> = integer_opt().range(ge(0.0), lt(1_099_511_627_776.0)),
        /// difficulty_rule: "bitcoin", "asert" or "lwma" (parameters from `[difficulty]`).
        rule: Option<super::raw_security::RuleName> = text_opt(),
        /// energy_price: when it ends; ban: when the share is reached. UTC.
        until: Option<String> = text_opt(),
        /// Region name (energy_price, ban; carbon_tax: omit for all regions).
        region: Option<String> = text_opt(),
        /// btc_price, energy_price, ai_demand, ai_rate: multiplicative factor.
        factor: Option<f64> = number_opt().range(gt(0.0), le(1e6)),
        /// carbon_tax: the tax.
        usd_per_t: Option<f64> = number_opt().range(ge(0.0), le(10_000.0)).unit("USD/tCO2"),
        /// ban: share of the region's capacity forced offline.
        share: Option<f64> = number_opt()
            .range(ge(1e-9), le(1.0))
            .unit("(share of the region's capacity)"),
    }
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

text_value!(ShockKind);

section! {
    /// The ASIC efficiency frontier (hashshift_models::hardware::frontier has the equations).
    #[derive(Default)]
    pub struct RawHardware ("hardware.", HardwareKeys) {
        /// Yearly fall of the frontier's J/TH.
        improvement_rate_per_year: Option<f64> = number(d::FRONTIER_IMPROVEMENT_RATE_PER_YEAR)
            .range(ge(0.0), lt(1.0))
            .unit("per year")
            .note("fit of the catalog's best efficiency 2020-02..2025-01; the trend has \
                   slowed: 0.222 over 2016-07..2025-01"),
        /// Yearly change of the price per TH of new generations.
        price_per_th_trend_per_year: Option<f64> = number(hw::DEFAULT_PRICE_PER_TH_TREND_PER_YEAR)
            .range(gt(-1.0), le(10.0))
            .unit("per year"),
        /// Years between ASIC generations.
        generation_interval_years: Option<f64> = number(hw::DEFAULT_GENERATION_INTERVAL_YEARS)
            .range(ge(0.25), le(10.0))
            .unit("years"),
        /// Yearly fall of a model's price per TH with age.
        depreciation_per_year: Option<f64> = number(hw::DEFAULT_DEPRECIATION_PER_YEAR)
            .range(ge(0.0), lt(1.0))
            .unit("per year"),
        /// Scrap value of a machine. ASSUMPTION: at most USD 100,000, far above any machine's
        /// price, so attack costs stay finite.
        scrap_usd_per_unit: Option<f64> = number(hw::DEFAULT_SCRAP_USD_PER_UNIT)
            .range(ge(0.0), le(1e5))
            .unit("USD per machine"),
    }
}
