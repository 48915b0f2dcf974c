//! Stage two for the economic sections: `[price]`, `[fees]`, `[energy]`, `[network]` and
//! `[[shocks]]`. Defaults are in [`super::defaults`] and in `hashshift_models::market`,
//! `hashshift_models::hardware` (region profiles, fleet mix), each with its source.

use hashshift_models::hardware::{
    Catalog, FrontierParams, Region, RegionProfile, DEFAULT_FLEET_MIX_2026,
};
use hashshift_models::market::{
    fee_spikes, feedback, fees as fee_defaults, price as price_defaults, FeeModel, FeeSpikes, Gbm,
    MarketParamError, Merton, PriceFeedback, PriceModel, PriceReplay, RegimeSwitching,
};
use hashshift_models::mining::population::PopulationParams;

use super::raw::{FeeModelKind, PriceModelKind, RawScenario, ShockKind};
use super::{csv, defaults, Ctx, ScenarioError};
use crate::calendar::{self, DAY_S};

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

fn validate_fees(
    cx: &Ctx<'_>,
    raw: &mut RawScenario,
    start_unix: i64,
    end_unix: i64,
) -> Result<FeeSpec, ScenarioError> {
    let f = &mut raw.fees;
    let kind = *f.model.get_or_insert(FeeModelKind::Constant);
    let rename = [("mean_btc", "mean_btc"), ("sigma", "log_sd")];
    if kind != FeeModelKind::Csv {
        for (key, set) in [
            ("csv", f.csv.is_some()),
            ("column", f.column.is_some()),
            ("date_column", f.date_column.is_some()),
        ] {
            if set {
                return Err(cx.invalid(
                    format!("fees.{key}"),
                    "…",
                    "only used with fees.model = \"csv\"; remove it",
                ));
            }
        }
    }
    let model = match kind {
        FeeModelKind::Constant => {
            if let Some(sd) = f.log_sd {
                return Err(cx.invalid(
                    "fees.log_sd",
                    sd,
                    "not used with fees.model = \"constant\"; remove it",
                ));
            }
            let mean = *f.mean_btc.get_or_insert(fee_defaults::DEFAULT_MEAN_BTC);
            FeeModel::constant(mean)
        }
        FeeModelKind::Lognormal => {
            let mean = *f.mean_btc.get_or_insert(fee_defaults::DEFAULT_MEAN_BTC);
            FeeModel::lognormal(mean, *f.log_sd.get_or_insert(fee_defaults::DEFAULT_LOG_SD))
        }
        FeeModelKind::Csv => {
            if let Some(m) = f.mean_btc {
                return Err(cx.invalid(
                    "fees.mean_btc",
                    m,
                    "not used with fees.model = \"csv\" (the file gives the means); remove it",
                ));
            }
            let log_sd = *f.log_sd.get_or_insert(0.0);
            // Checks log_sd's range.
            FeeModel::lognormal(0.0, log_sd).map_err(|e| market_err(cx, "fees", e, &rename))?;
            let data =
                cx.required_data_file("fees.csv", f.csv.as_deref(), "fees.model = \"csv\"")?;
            let data_err = |message: String| data.err(message);
            let text = &data.text;
            let column: Option<[&str; 1]> = f.column.as_deref().map(|c| [c]);
            let wanted: Vec<(&[&str], &str)> = match &column {
                Some(c) => vec![(c.as_slice(), "fee per block")],
                None => vec![(&["FeeTotNtv"], "total fees"), (&["BlkCnt"], "block count")],
            };
            let (names, rows) = csv::parse_daily_columns(text, f.date_column.as_deref(), &wanted)
                .map_err(data_err)?;
            let (first_day, last_day) = (
                start_unix.div_euclid(DAY_S),
                (end_unix - 1).div_euclid(DAY_S),
            );
            let mut mean_btc = Vec::with_capacity((last_day - first_day + 1) as usize);
            for r in rows
                .iter()
                .filter(|r| (first_day..=last_day).contains(&(r.day / DAY_S)))
            {
                let expected = first_day + mean_btc.len() as i64;
                if r.day / DAY_S != expected {
                    return Err(data_err(format!(
                        "no row for {} (the run needs every day)",
                        calendar::format_date(expected * DAY_S)
                    )));
                }
                let empty = |k: usize| {
                    data_err(format!(
                        "line {}: empty `{}` on {} (the run needs a value every day)",
                        r.line,
                        names[k],
                        calendar::format_date(r.day)
                    ))
                };
                let v = match (r.values.first(), r.values.get(1)) {
                    (Some(Some(v)), None) => *v,
                    (Some(Some(total)), Some(Some(blocks))) if *blocks > 0.0 => total / blocks,
                    (Some(Some(_)), Some(Some(_))) => {
                        return Err(data_err(format!(
                            "line {}: `{}` = 0 blocks",
                            r.line, names[1]
                        )))
                    }
                    (Some(None), _) => return Err(empty(0)),
                    _ => return Err(empty(1)),
                };
                if v > 100.0 {
                    return Err(data_err(format!(
                        "line {}: {v} BTC per block is not allowed (at most 100)",
                        r.line
                    )));
                }
                mean_btc.push(v);
            }
            if mean_btc.len() as i64 != last_day - first_day + 1 {
                return Err(data_err(format!(
                    "it has no row for {} (the run needs {} to {})",
                    calendar::format_date((first_day + mean_btc.len() as i64) * DAY_S),
                    calendar::format_date(first_day * DAY_S),
                    calendar::format_date(last_day * DAY_S)
                )));
            }
            return Ok(FeeSpec::Replay {
                first_day,
                mean_btc,
                log_sd,
            });
        }
    }
    .map_err(|e| market_err(cx, "fees", e, &rename))?;
    Ok(FeeSpec::Model(model))
}

fn validate_fee_spikes(
    cx: &Ctx<'_>,
    raw: &mut RawScenario,
) -> Result<Option<FeeSpikes>, ScenarioError> {
    let Some(sp) = raw.fees.spikes.as_mut() else {
        return Ok(None);
    };
    if raw.fees.model == Some(FeeModelKind::Csv) {
        return Err(cx.invalid(
            "fees.spikes",
            "…",
            "not used with fees.model = \"csv\" (the file has its own spikes); remove it",
        ));
    }
    FeeSpikes::new(
        *sp.rate_per_year
            .get_or_insert(fee_spikes::DEFAULT_RATE_PER_YEAR),
        *sp.mean_days.get_or_insert(fee_spikes::DEFAULT_MEAN_DAYS),
        *sp.multiplier_median
            .get_or_insert(fee_spikes::DEFAULT_MULTIPLIER_MEDIAN),
        *sp.log_sd.get_or_insert(fee_spikes::DEFAULT_LOG_SD),
    )
    .map(Some)
    .map_err(|e| market_err(cx, "fees.spikes", e, &[]))
}

fn validate_price_feedback(
    cx: &Ctx<'_>,
    raw: &mut RawScenario,
) -> Result<Option<PriceFeedback>, ScenarioError> {
    let Some(fb) = raw.price.feedback.as_mut() else {
        return Ok(None);
    };
    if fb.slow_blocks_s.is_none() && fb.drawdown.is_none() {
        return Err(cx.invalid(
            "price.feedback",
            "no trigger",
            "give slow_blocks_s (s), drawdown (share) or both",
        ));
    }
    PriceFeedback::new(
        fb.slow_blocks_s,
        fb.drawdown,
        *fb.window_days.get_or_insert(feedback::DEFAULT_WINDOW_DAYS),
        *fb.drop.get_or_insert(feedback::DEFAULT_DROP),
        *fb.cooldown_days
            .get_or_insert(feedback::DEFAULT_COOLDOWN_DAYS),
    )
    .map(Some)
    .map_err(|e| market_err(cx, "price.feedback", e, &[]))
}

fn validate_price(
    cx: &Ctx<'_>,
    raw: &mut RawScenario,
    start_unix: i64,
    end_unix: i64,
) -> Result<PriceSpec, ScenarioError> {
    let p = &mut raw.price;
    let kind = *p.model.get_or_insert(PriceModelKind::Constant);
    let rename = [
        ("lambda", "jumps_per_year"),
        ("initial_price", "initial_usd"),
    ];
    let err = |e| market_err(cx, "price", e, &rename);
    if kind == PriceModelKind::Csv {
        if let Some(v) = p.initial_usd {
            return Err(cx.invalid(
                "price.initial_usd",
                v,
                "not used with price.model = \"csv\" (the file gives the prices); remove it",
            ));
        }
        let data = cx.required_data_file("price.csv", p.csv.as_deref(), "price.model = \"csv\"")?;
        let data_err = |message: String| data.err(message);
        let text = &data.text;
        let column = p.column.get_or_insert_with(|| "PriceUSD".into()).clone();
        let series =
            csv::parse_daily_series(text, p.date_column.as_deref(), &[column.as_str()], "price")
                .map_err(data_err)?;
        let points: Vec<(i64, f64)> = series
            .iter()
            .map(|&(t, v)| (t.div_euclid(DAY_S), v))
            .collect();
        let replay = PriceReplay::new(&points).map_err(|e| data_err(e.to_string()))?;
        let (first, last) = (replay.first_day() * DAY_S, (replay.last_day() + 1) * DAY_S);
        if start_unix < first || end_unix > last {
            return Err(data_err(format!(
                "it covers {} to {} but the run goes from {} to {}",
                calendar::format_utc(first),
                calendar::format_utc(last),
                calendar::format_utc(start_unix),
                calendar::format_utc(end_unix)
            )));
        }
        return Ok(PriceSpec::Replay(replay));
    }
    for (key, set) in [
        ("csv", p.csv.is_some()),
        ("column", p.column.is_some()),
        ("date_column", p.date_column.is_some()),
    ] {
        if set {
            return Err(cx.invalid(
                format!("price.{key}"),
                "…",
                "only used with price.model = \"csv\"; remove it",
            ));
        }
    }
    let initial = *p.initial_usd.get_or_insert(defaults::BTC_PRICE_USD);
    if !(initial.is_finite() && initial > 0.0) {
        return Err(cx.invalid(
            "price.initial_usd",
            initial,
            "must be a finite price > 0 USD",
        ));
    }
    let model = match kind {
        PriceModelKind::Constant => return Ok(PriceSpec::Constant(initial)),
        PriceModelKind::Gbm => PriceModel::Gbm(
            Gbm::new(
                *p.mu.get_or_insert(price_defaults::DEFAULT_MU),
                *p.sigma.get_or_insert(price_defaults::DEFAULT_SIGMA),
            )
            .map_err(err)?,
        ),
        PriceModelKind::Merton => PriceModel::Merton(
            Merton::new(
                *p.mu.get_or_insert(price_defaults::DEFAULT_MU),
                *p.sigma.get_or_insert(price_defaults::DEFAULT_MERTON_SIGMA),
                *p.jumps_per_year
                    .get_or_insert(price_defaults::DEFAULT_MERTON_LAMBDA),
                *p.jump_mean
                    .get_or_insert(price_defaults::DEFAULT_MERTON_JUMP_MEAN),
                *p.jump_sd
                    .get_or_insert(price_defaults::DEFAULT_MERTON_JUMP_SD),
            )
            .map_err(err)?,
        ),
        PriceModelKind::Regime => {
            let leg = |mu: f64, sigma: f64, keys: [(&str, &str); 2]| {
                Gbm::new(mu, sigma).map_err(|e| market_err(cx, "price", e, &keys))
            };
            let bull = leg(
                *p.bull_mu.get_or_insert(price_defaults::DEFAULT_BULL_MU),
                *p.bull_sigma
                    .get_or_insert(price_defaults::DEFAULT_BULL_SIGMA),
                [("mu", "bull_mu"), ("sigma", "bull_sigma")],
            )?;
            let bear = leg(
                *p.bear_mu.get_or_insert(price_defaults::DEFAULT_BEAR_MU),
                *p.bear_sigma
                    .get_or_insert(price_defaults::DEFAULT_BEAR_SIGMA),
                [("mu", "bear_mu"), ("sigma", "bear_sigma")],
            )?;
            PriceModel::RegimeSwitching(
                RegimeSwitching::new(
                    bull,
                    bear,
                    *p.p_bull_to_bear
                        .get_or_insert(price_defaults::DEFAULT_P_BULL_TO_BEAR),
                    *p.p_bear_to_bull
                        .get_or_insert(price_defaults::DEFAULT_P_BEAR_TO_BULL),
                )
                .map_err(err)?,
            )
        }
        PriceModelKind::Csv => unreachable!("handled above"),
    };
    Ok(PriceSpec::Process { model, initial })
}

fn validate_network(cx: &Ctx<'_>, raw: &mut RawScenario) -> Result<NetworkSpec, ScenarioError> {
    let n = &mut raw.network;
    let target_ehs = cx.range(
        "network.target_ehs",
        *n.target_ehs.get_or_insert(defaults::NETWORK_TARGET_EHS),
        1e-9,
        defaults::MAX_HASHRATE_EHS,
        "EH/s",
    )?;
    let sites = *n.sites.get_or_insert(defaults::NETWORK_SITES);
    let vintages = *n
        .vintages_per_site
        .get_or_insert(defaults::NETWORK_VINTAGES_PER_SITE);
    if !(1..=64).contains(&vintages) {
        return Err(cx.invalid("network.vintages_per_site", vintages, "must be in 1 ..= 64"));
    }
    if !(1..=1_000_000).contains(&sites) {
        return Err(cx.invalid("network.sites", sites, "must be in 1 ..= 1,000,000"));
    }
    if sites * vintages > defaults::MAX_FLEET_UNITS {
        return Err(cx.invalid(
            "network.sites",
            sites,
            format!(
                "sites x vintages_per_site = {} exceeds {} units",
                sites * vintages,
                defaults::MAX_FLEET_UNITS
            ),
        ));
    }
    let population = PopulationParams {
        sites: sites as usize,
        alpha: *n.site_alpha.get_or_insert(defaults::NETWORK_SITE_ALPHA),
        min_mw: *n.site_min_mw.get_or_insert(defaults::NETWORK_SITE_MIN_MW),
        max_mw: *n.site_max_mw.get_or_insert(defaults::NETWORK_SITE_MAX_MW),
        pue_min: *n.pue_min.get_or_insert(defaults::NETWORK_PUE_MIN),
        pue_max: *n.pue_max.get_or_insert(defaults::NETWORK_PUE_MAX),
        price_factor_sd: *n
            .price_factor_sd
            .get_or_insert(defaults::NETWORK_PRICE_FACTOR_SD),
        vintages_per_site: vintages as usize,
    };
    population
        .validate()
        .map_err(|e| cx.invalid("network", "…", e))?;
    let hysteresis = cx.range(
        "network.hysteresis",
        *n.hysteresis.get_or_insert(defaults::NETWORK_HYSTERESIS),
        0.0,
        0.5,
        "(relative band)",
    )?;
    let catalog = match &n.catalog {
        None => Catalog::default_catalog(),
        Some(rel) => {
            let data = cx.data_file("network.catalog", rel)?;
            let data_err = |message: String| data.err(message);
            let text = &data.text;
            Catalog::from_csv_str(text).map_err(|e| data_err(e.to_string()))?
        }
    };
    let mix: Vec<(u16, f64)> = match &n.mix {
        None if n.catalog.is_some() => {
            return Err(cx.invalid(
                "network.mix",
                "(missing)",
                "a custom network.catalog needs its own network.mix",
            ))
        }
        None => DEFAULT_FLEET_MIX_2026.to_vec(),
        Some(entries) => {
            let mut mix = Vec::with_capacity(entries.len());
            for (i, m) in entries.iter().enumerate() {
                let key = format!("network.mix[{i}]");
                let model = catalog.by_name(&m.model).ok_or_else(|| {
                    let names: Vec<&str> = catalog.models().iter().map(|m| m.name()).collect();
                    cx.invalid(
                        format!("{key}.model"),
                        format!("{:?}", m.model),
                        format!("not in the catalog; known models: {}", names.join(", ")),
                    )
                })?;
                mix.push((
                    model.id(),
                    cx.range(
                        &format!("{key}.share"),
                        m.share,
                        1e-12,
                        1.0,
                        "(share of hashrate)",
                    )?,
                ));
            }
            let sum: f64 = mix.iter().map(|m| m.1).sum();
            if (sum - 1.0).abs() > 1e-6 {
                return Err(cx.invalid(
                    "network.mix",
                    format!("(shares sum to {sum:.6})"),
                    "shares must sum to 1",
                ));
            }
            mix
        }
    };
    Ok(NetworkSpec {
        population,
        target_hs: target_ehs * 1e18,
        hysteresis,
        mix,
        catalog,
    })
}

fn validate_shocks(
    cx: &Ctx<'_>,
    raw: &RawScenario,
    start_unix: i64,
    fleet: bool,
) -> Result<Vec<Shock>, ScenarioError> {
    let mut shocks = Vec::with_capacity(raw.shocks.len());
    for (i, s) in raw.shocks.iter().enumerate() {
        let key = |k: &str| format!("shocks[{i}].{k}");
        let unused = |name: &str, set: bool| -> Result<(), ScenarioError> {
            if set {
                Err(cx.invalid(
                    key(name),
                    "…",
                    format!("not used with kind = {:?}; remove it", s.kind),
                ))
            } else {
                Ok(())
            }
        };
        if s.kind == ShockKind::DifficultyRule {
            // Validated with `[difficulty]` (super::security); acts on the chain, not here.
            unused("at", s.at.is_some())?;
            unused("until", s.until.is_some())?;
            unused("region", s.region.is_some())?;
            unused("factor", s.factor.is_some())?;
            unused("usd_per_t", s.usd_per_t.is_some())?;
            unused("share", s.share.is_some())?;
            continue;
        }
        unused("height", s.height.is_some())?;
        unused("rule", s.rule.is_some())?;
        let at_text = s.at.as_deref().ok_or_else(|| {
            cx.invalid(
                key("at"),
                "(missing)",
                format!("required for kind = {:?}", s.kind),
            )
        })?;
        let at = cx.date(&key("at"), at_text)?;
        if at < start_unix {
            return Err(cx.invalid(
                key("at"),
                format!("{at_text:?}"),
                "must not be before the scenario start",
            ));
        }
        let until = match &s.until {
            Some(u) => {
                let t = cx.date(&key("until"), u)?;
                if t <= at {
                    return Err(cx.invalid(key("until"), format!("{u:?}"), "must be after `at`"));
                }
                Some(t)
            }
            None => None,
        };
        let need = |name: &str, v: Option<f64>| {
            v.ok_or_else(|| {
                cx.invalid(
                    key(name),
                    "(missing)",
                    format!("required for kind = {:?}", s.kind),
                )
            })
        };
        let reg = |required: bool| -> Result<Option<Region>, ScenarioError> {
            match (&s.region, required) {
                (Some(n), _) => region(cx, &key("region"), n).map(Some),
                (None, true) => Err(cx.invalid(
                    key("region"),
                    "(missing)",
                    "a region name is required for this kind",
                )),
                (None, false) => Ok(None),
            }
        };
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 && v <= 1e6 {
                Ok(v)
            } else {
                Err(cx.invalid(key(name), v, "must be a finite factor in (0, 1e6]"))
            }
        };
        let needs_fleet = |what: &str| {
            if fleet {
                Ok(())
            } else {
                Err(cx.invalid(
                    key("kind"),
                    what,
                    "acts on mining sites: needs hashrate.kind = \"fleet\"",
                ))
            }
        };
        let shock = match s.kind {
            ShockKind::BtcPrice => {
                unused("until", s.until.is_some())?;
                unused("region", s.region.is_some())?;
                unused("usd_per_t", s.usd_per_t.is_some())?;
                unused("share", s.share.is_some())?;
                Shock::BtcPrice {
                    at,
                    factor: positive("factor", need("factor", s.factor)?)?,
                }
            }
            ShockKind::EnergyPrice => {
                needs_fleet("energy_price")?;
                unused("usd_per_t", s.usd_per_t.is_some())?;
                unused("share", s.share.is_some())?;
                let until = until.ok_or_else(|| {
                    cx.invalid(
                        key("until"),
                        "(missing)",
                        "an energy-price shock needs its end date",
                    )
                })?;
                Shock::EnergyPrice {
                    region: reg(true)?.expect("required"),
                    at,
                    until,
                    factor: positive("factor", need("factor", s.factor)?)?,
                }
            }
            ShockKind::CarbonTax => {
                needs_fleet("carbon_tax")?;
                unused("until", s.until.is_some())?;
                unused("factor", s.factor.is_some())?;
                unused("share", s.share.is_some())?;
                let usd = need("usd_per_t", s.usd_per_t)?;
                let usd_per_t = cx.range(&key("usd_per_t"), usd, 0.0, 10_000.0, "USD/tCO2")?;
                Shock::CarbonTax {
                    region: reg(false)?,
                    at,
                    usd_per_t,
                }
            }
            ShockKind::Ban => {
                needs_fleet("ban")?;
                unused("factor", s.factor.is_some())?;
                unused("usd_per_t", s.usd_per_t.is_some())?;
                let until = until.ok_or_else(|| {
                    cx.invalid(
                        key("until"),
                        "(missing)",
                        "a ban needs the date its full share is offline",
                    )
                })?;
                let share = cx.range(
                    &key("share"),
                    need("share", s.share)?,
                    1e-9,
                    1.0,
                    "(share of the region's capacity)",
                )?;
                Shock::Ban {
                    region: reg(true)?.expect("required"),
                    at,
                    until,
                    share,
                }
            }
            ShockKind::DifficultyRule => unreachable!("handled above"),
            ShockKind::AiDemand | ShockKind::AiRate => {
                needs_fleet("ai_demand / ai_rate")?;
                unused("region", s.region.is_some())?;
                unused("usd_per_t", s.usd_per_t.is_some())?;
                unused("share", s.share.is_some())?;
                let factor = positive("factor", need("factor", s.factor)?)?;
                let until = until.unwrap_or(i64::MAX);
                if s.kind == ShockKind::AiDemand {
                    Shock::AiDemand { at, until, factor }
                } else {
                    Shock::AiRate { at, until, factor }
                }
            }
        };
        shocks.push(shock);
    }
    shocks.sort_by_key(Shock::at);
    Ok(shocks)
}
