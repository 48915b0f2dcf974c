//! Stage two for the economic sections: `[price]`, `[fees]`, `[energy]`, `[network]` and
//! `[[shocks]]`. Defaults are in [`super::defaults`] and in `hashshift_models::market`,
//! `hashshift_models::hardware` (region profiles, fleet mix), each with its source.

use hashshift_models::hardware::{Catalog, FrontierParams, Region, RegionProfile};
use hashshift_models::market::{
    FeeModel, FeeSpikes, MarketParamError, PriceFeedback, PriceModel, PriceReplay,
};
use hashshift_models::mining::population::PopulationParams;

use super::raw::RawScenario;
use super::{defaults, Ctx, ScenarioError};

mod market;
mod network;

use market::{validate_fee_spikes, validate_fees, validate_price, validate_price_feedback};
use network::{validate_network, validate_shocks};

/// The BTC price input of a run.
#[derive(Debug, Clone, PartialEq)]
pub enum PriceSpec {
    /// A constant price, USD/BTC.
    Constant(f64),
    /// A stochastic process started at `initial` USD/BTC.
    Process {
        /// The model.
        model: PriceModel,
        /// Price at the start, USD/BTC.
        initial: f64,
    },
    /// Daily prices replayed from a file.
    Replay(PriceReplay),
}

/// Fees per block.
#[derive(Debug, Clone, PartialEq)]
pub enum FeeSpec {
    /// A fixed fee model (constant or lognormal around a mean).
    Model(FeeModel),
    /// Daily mean fee per block from a file, with blocks lognormal around it (`log_sd`, 0 =
    /// every block pays the mean).
    Replay {
        /// Unix day number (days since 1970-01-01) of `mean_btc[0]`.
        first_day: i64,
        /// Mean fee per block of each day, BTC.
        mean_btc: Vec<f64>,
        /// Log-sd of a block's fees around the day's mean.
        log_sd: f64,
    },
}

/// The generated network (hashrate.kind = "fleet").
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkSpec {
    /// Population parameters.
    pub population: PopulationParams,
    /// Running hashrate at the start the population is scaled to, H/s.
    pub target_hs: f64,
    /// Relative hysteresis of the on/off rule.
    pub hysteresis: f64,
    /// Network hashrate share by catalog model id (sums to 1).
    pub mix: Vec<(u16, f64)>,
    /// The ASIC catalog (built-in unless the scenario names one).
    pub catalog: Catalog,
}

/// A scheduled shock, times in unix seconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Shock {
    /// BTC price multiplied by `factor` at `at`.
    BtcPrice {
        /// When.
        at: i64,
        /// Multiplier (> 0).
        factor: f64,
    },
    /// A region's energy price multiplied by `factor` on [at, until).
    EnergyPrice {
        /// Region.
        region: Region,
        /// Start.
        at: i64,
        /// End.
        until: i64,
        /// Multiplier (> 0).
        factor: f64,
    },
    /// A carbon tax of `usd_per_t` on `region` (all when None) from `at`.
    CarbonTax {
        /// Region, or all.
        region: Option<Region>,
        /// Start.
        at: i64,
        /// USD per tCO2.
        usd_per_t: f64,
    },
    /// `share` of a region's capacity forced offline, linearly from `at` to `until`.
    Ban {
        /// Region.
        region: Region,
        /// Start.
        at: i64,
        /// When the full share is offline.
        until: i64,
        /// Share of the region's capacity, (0, 1].
        share: f64,
    },
    /// AI demand multiplied by `factor` on [at, until).
    AiDemand {
        /// Start.
        at: i64,
        /// End (i64::MAX: permanent).
        until: i64,
        /// Multiplier (> 0).
        factor: f64,
    },
    /// AI colocation rate multiplied by `factor` on [at, until).
    AiRate {
        /// Start.
        at: i64,
        /// End (i64::MAX: permanent).
        until: i64,
        /// Multiplier (> 0).
        factor: f64,
    },
}

impl Shock {
    /// When the shock starts, unix seconds.
    pub fn at(&self) -> i64 {
        match *self {
            Shock::BtcPrice { at, .. }
            | Shock::EnergyPrice { at, .. }
            | Shock::CarbonTax { at, .. }
            | Shock::Ban { at, .. }
            | Shock::AiDemand { at, .. }
            | Shock::AiRate { at, .. } => at,
        }
    }
}

/// The validated economic inputs.
#[derive(Debug, Clone, PartialEq)]
pub struct EconomySpec {
    /// BTC price.
    pub price: PriceSpec,
    /// Fees per block.
    pub fees: FeeSpec,
    /// Fee-spike episodes on top of `fees` (None: off).
    pub fee_spikes: Option<FeeSpikes>,
    /// Price drops on security events (None: off).
    pub price_feedback: Option<PriceFeedback>,
    /// Energy-price mean reversion, 1/year.
    pub energy_kappa: f64,
    /// Energy-price annual volatility.
    pub energy_sigma: f64,
    /// Region profiles (defaults with overrides), in `Region::ALL` order.
    pub regions: Vec<(Region, RegionProfile)>,
    /// The generated network, with hashrate.kind = "fleet".
    pub network: Option<NetworkSpec>,
    /// The ASIC efficiency frontier.
    pub frontier: FrontierParams,
    /// Shocks, sorted by start time (stable).
    pub shocks: Vec<Shock>,
    /// Firms and the AI market (fleet runs with `firms.enabled`).
    pub agents: Option<super::AgentsSpec>,
    /// Parameters of the security metrics.
    pub security: super::SecuritySpec,
}

fn market_err(
    cx: &Ctx<'_>,
    section: &str,
    e: MarketParamError,
    rename: &[(&str, &str)],
) -> ScenarioError {
    match e {
        MarketParamError::OutOfRange {
            param,
            value,
            allowed,
        } => {
            let key = rename
                .iter()
                .find(|(m, _)| *m == param)
                .map_or(param, |(_, k)| *k);
            cx.invalid(format!("{section}.{key}"), value, allowed)
        }
        other => cx.invalid(section, "…", other),
    }
}

fn region(cx: &Ctx<'_>, key: &str, name: &str) -> Result<Region, ScenarioError> {
    name.parse::<Region>()
        .map_err(|e| cx.invalid(key, format!("{name:?}"), e))
}

/// Validates the economic sections of `raw`, filling defaults in place.
pub(super) fn validate(
    cx: &Ctx<'_>,
    raw: &mut RawScenario,
    start_unix: i64,
    end_unix: i64,
    fleet: bool,
) -> Result<EconomySpec, ScenarioError> {
    let price = validate_price(cx, raw, start_unix, end_unix)?;

    // Spikes first: with a CSV they are an error whatever the file holds.
    let fee_spikes = validate_fee_spikes(cx, raw)?;
    let price_feedback = validate_price_feedback(cx, raw)?;
    let fees = validate_fees(cx, raw, start_unix, end_unix)?;

    // Energy and regions.
    let e = &mut raw.energy;
    let energy_kappa = cx.range(
        "energy.kappa",
        *e.kappa.get_or_insert(defaults::ENERGY_KAPPA),
        0.1,
        365.0,
        "per year",
    )?;
    let energy_sigma = cx.range(
        "energy.sigma",
        *e.sigma.get_or_insert(defaults::ENERGY_SIGMA),
        0.0,
        5.0,
        "per sqrt(year)",
    )?;
    // The stationary sd of the log price, sigma / sqrt(2 kappa), must stay moderate: beyond 1
    // prices span orders of magnitude and lose meaning.
    let stationary_sd = energy_sigma / (2.0 * energy_kappa).sqrt();
    if stationary_sd > 1.0 {
        return Err(cx.invalid(
            "energy.sigma",
            energy_sigma,
            format!("with energy.kappa = {energy_kappa} the log price would spread by sd {stationary_sd:.2}; sigma / sqrt(2 kappa) must be at most 1"),
        ));
    }
    let mut regions: Vec<(Region, RegionProfile)> = Region::ALL
        .iter()
        .map(|&r| (r, r.default_profile()))
        .collect();
    for (name, o) in &e.regions {
        let r = region(cx, &format!("energy.regions.{name}"), name)?;
        let p = &mut regions[r.index()].1;
        let key = |k: &str| format!("energy.regions.{name}.{k}");
        if let Some(v) = o.price_usd_per_kwh {
            p.energy_price_usd_per_kwh =
                cx.range(&key("price_usd_per_kwh"), v, 1e-9, 10.0, "USD/kWh")?;
        }
        if let Some(v) = o.seasonal_amplitude {
            p.seasonal_amplitude =
                cx.range(&key("seasonal_amplitude"), v, 0.0, 1.0, "(log amplitude)")?;
        }
        if let Some(v) = o.seasonal_peak_day {
            p.seasonal_peak_day =
                cx.range(&key("seasonal_peak_day"), v, 0.0, 365.999, "day of year")?;
        }
        if let Some(v) = o.carbon_intensity_t_per_mwh {
            p.carbon_intensity_t_per_mwh =
                cx.range(&key("carbon_intensity_t_per_mwh"), v, 0.0, 2.0, "tCO2/MWh")?;
        }
        if let Some(v) = o.ai_suitability {
            p.ai_suitability = cx.range(&key("ai_suitability"), v, 0.0, 1.0, "(share of sites)")?;
        }
        if let Some(v) = o.hashrate_share {
            p.hashrate_share_2026 = cx.range(&key("hashrate_share"), v, 0.0, 1.0, "(share)")?;
        }
    }
    let share_sum: f64 = regions.iter().map(|r| r.1.hashrate_share_2026).sum();
    if (share_sum - 1.0).abs() > 1e-6 {
        return Err(cx.invalid(
            "energy.regions.*.hashrate_share",
            format!("(sum {share_sum:.6})"),
            "regional hashrate shares must sum to 1",
        ));
    }

    let network = if fleet {
        Some(validate_network(cx, raw)?)
    } else {
        None
    };
    if !fleet && raw.network != Default::default() {
        return Err(cx.invalid(
            "network",
            "{…}",
            "[network] is only used with hashrate.kind = \"fleet\"; remove it",
        ));
    }
    let shocks = validate_shocks(cx, raw, start_unix, fleet)?;
    let security = super::security::validate_security(cx, raw)?;
    let frontier = validate_frontier(cx, raw)?;
    let agents = match &network {
        Some(n) => super::agents::validate(cx, raw, n.population.sites, start_unix)?,
        None => {
            for (key, set) in [
                ("firms", raw.firms != Default::default()),
                ("ai", raw.ai != Default::default()),
            ] {
                if set {
                    return Err(cx.invalid(
                        key,
                        "{…}",
                        format!("[{key}] is only used with hashrate.kind = \"fleet\"; remove it"),
                    ));
                }
            }
            None
        }
    };
    Ok(EconomySpec {
        price,
        fees,
        fee_spikes,
        price_feedback,
        energy_kappa,
        energy_sigma,
        regions,
        network,
        frontier,
        shocks,
        agents,
        security,
    })
}

fn validate_frontier(cx: &Ctx<'_>, raw: &mut RawScenario) -> Result<FrontierParams, ScenarioError> {
    let h = &mut raw.hardware;
    let d = FrontierParams::default();
    let p = FrontierParams {
        improvement_rate_per_year: *h
            .improvement_rate_per_year
            .get_or_insert(defaults::FRONTIER_IMPROVEMENT_RATE_PER_YEAR),
        price_per_th_trend_per_year: *h
            .price_per_th_trend_per_year
            .get_or_insert(d.price_per_th_trend_per_year),
        generation_interval_years: *h
            .generation_interval_years
            .get_or_insert(d.generation_interval_years),
        depreciation_per_year: *h
            .depreciation_per_year
            .get_or_insert(d.depreciation_per_year),
        scrap_usd_per_unit: *h.scrap_usd_per_unit.get_or_insert(d.scrap_usd_per_unit),
    };
    p.validate().map_err(|e| match e {
        hashshift_models::hardware::FrontierError::BadParam { name, value, rule } => {
            cx.invalid(format!("hardware.{name}"), value, rule)
        }
        other => cx.invalid("hardware", "…", other),
    })?;
    Ok(p)
}
