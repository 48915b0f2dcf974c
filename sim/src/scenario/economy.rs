//! Stage two for the economic sections: `[price]`, `[fees]`, `[energy]`, `[network]` and
//! `[[shocks]]`. Defaults are in [`super::defaults`] and in `hashshift_models::market`,
//! `hashshift_models::hardware` (region profiles, fleet mix), each with its source.

use hashshift_models::hardware::{Catalog, FrontierParams, Region, RegionProfile};
use hashshift_models::market::{
    FeeModel, FeeSpikes, MarketParamError, PriceFeedback, PriceModel, PriceReplay,
};
use hashshift_models::mining::population::PopulationParams;

use super::keys::KeyDef;
use super::raw::{
    RawAi, RawEnergy, RawFees, RawFirms, RawHardware, RawNetwork, RawPrice, RawShock,
};
use super::raw_network::{EnergyKeys, HardwareKeys, RegionKeys};
use super::raw_security::RawSecurity;
use super::{Ctx, ScenarioError};

mod market;
mod network;

use market::{resolve_fee_spikes, resolve_fees, resolve_price, resolve_price_feedback};
use network::{resolve_network, resolve_shocks};

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

/// The raw sections the economy is resolved from, each by its own function.
pub(super) struct Sections<'a> {
    pub price: &'a mut RawPrice,
    pub fees: &'a mut RawFees,
    pub energy: &'a mut RawEnergy,
    pub network: &'a mut RawNetwork,
    pub hardware: &'a mut RawHardware,
    pub shocks: &'a [RawShock],
    pub firms: &'a mut RawFirms,
    pub ai: &'a mut RawAi,
    pub security: &'a mut RawSecurity,
}

/// Resolves the economic sections, filling defaults in place. `fleet`: hashrate.kind =
/// "fleet" (the sections of the generated network, the firms and the AI market are used).
pub(super) fn resolve(
    cx: &Ctx<'_>,
    raw: Sections<'_>,
    start_unix: i64,
    end_unix: i64,
    fleet: bool,
) -> Result<EconomySpec, ScenarioError> {
    let price = resolve_price(cx, raw.price, start_unix, end_unix)?;

    // Spikes first: with a CSV they are an error whatever the file holds.
    let fee_spikes = resolve_fee_spikes(cx, raw.fees)?;
    let price_feedback = resolve_price_feedback(cx, raw.price)?;
    let fees = resolve_fees(cx, raw.fees, start_unix, end_unix)?;
    let (energy_kappa, energy_sigma, regions) = resolve_energy(cx, raw.energy)?;

    let network = if fleet {
        Some(resolve_network(cx, raw.network)?)
    } else {
        None
    };
    if !fleet && *raw.network != Default::default() {
        return Err(cx.invalid(
            "network",
            "{…}",
            "[network] is only used with hashrate.kind = \"fleet\"; remove it",
        ));
    }
    let shocks = resolve_shocks(cx, raw.shocks, start_unix, fleet)?;
    let security = super::security::resolve_security(cx, raw.security)?;
    let frontier = resolve_hardware(cx, raw.hardware)?;
    let agents = match &network {
        Some(n) => super::agents::resolve(cx, raw.firms, raw.ai, n.population.sites, start_unix)?,
        None => {
            for (key, set) in [
                ("firms", *raw.firms != Default::default()),
                ("ai", *raw.ai != Default::default()),
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

/// Resolves `[energy]`: the mean reversion and volatility of the log price, and each region's
/// profile (defaults with the file's overrides), in `Region::ALL` order.
#[allow(clippy::type_complexity)]
fn resolve_energy(
    cx: &Ctx<'_>,
    e: &mut RawEnergy,
) -> Result<(f64, f64, Vec<(Region, RegionProfile)>), ScenarioError> {
    let k = EnergyKeys::DEFS;
    let energy_kappa = cx.value(&k.kappa, &mut e.kappa)?;
    let energy_sigma = cx.value(&k.sigma, &mut e.sigma)?;
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
    let mut named: Vec<Option<&str>> = vec![None; regions.len()];
    let r = RegionKeys::DEFS;
    for (name, o) in &e.regions {
        let region = region(cx, &format!("energy.regions.{name}"), name)?;
        if let Some(first) = named[region.index()].replace(name) {
            return Err(cx.invalid(
                format!("energy.regions.{name}"),
                "{…}",
                format!(
                    "the same region as energy.regions.{first} (names ignore case); give each \
                     region once"
                ),
            ));
        }
        let p = &mut regions[region.index()].1;
        let path = |k: &KeyDef| format!("energy.regions.{name}.{}", k.name());
        let set = |k: &KeyDef, v: Option<f64>, field: &mut f64| match v {
            Some(v) => cx.check(k, &path(k), &v).map(|()| *field = v),
            None => Ok(()),
        };
        set(
            &r.price_usd_per_kwh,
            o.price_usd_per_kwh,
            &mut p.energy_price_usd_per_kwh,
        )?;
        set(
            &r.seasonal_amplitude,
            o.seasonal_amplitude,
            &mut p.seasonal_amplitude,
        )?;
        set(
            &r.seasonal_peak_day,
            o.seasonal_peak_day,
            &mut p.seasonal_peak_day,
        )?;
        set(
            &r.carbon_intensity_t_per_mwh,
            o.carbon_intensity_t_per_mwh,
            &mut p.carbon_intensity_t_per_mwh,
        )?;
        set(&r.ai_suitability, o.ai_suitability, &mut p.ai_suitability)?;
        set(
            &r.hashrate_share,
            o.hashrate_share,
            &mut p.hashrate_share_2026,
        )?;
    }
    let share_sum: f64 = regions.iter().map(|r| r.1.hashrate_share_2026).sum();
    if (share_sum - 1.0).abs() > 1e-6 {
        return Err(cx.invalid(
            "energy.regions.*.hashrate_share",
            format!("(sum {share_sum:.6})"),
            "regional hashrate shares must sum to 1",
        ));
    }
    Ok((energy_kappa, energy_sigma, regions))
}

/// Resolves `[hardware]`: the ASIC efficiency frontier.
fn resolve_hardware(cx: &Ctx<'_>, h: &mut RawHardware) -> Result<FrontierParams, ScenarioError> {
    let k = HardwareKeys::DEFS;
    let p = FrontierParams {
        improvement_rate_per_year: cx.value(
            &k.improvement_rate_per_year,
            &mut h.improvement_rate_per_year,
        )?,
        price_per_th_trend_per_year: cx.value(
            &k.price_per_th_trend_per_year,
            &mut h.price_per_th_trend_per_year,
        )?,
        generation_interval_years: cx.value(
            &k.generation_interval_years,
            &mut h.generation_interval_years,
        )?,
        depreciation_per_year: cx.value(&k.depreciation_per_year, &mut h.depreciation_per_year)?,
        scrap_usd_per_unit: cx.value(&k.scrap_usd_per_unit, &mut h.scrap_usd_per_unit)?,
    };
    p.validate().map_err(|e| match e {
        hashshift_models::hardware::FrontierError::BadParam { name, value, rule } => {
            cx.invalid(format!("hardware.{name}"), value, rule)
        }
        other => cx.invalid("hardware", "…", other),
    })?;
    Ok(p)
}
