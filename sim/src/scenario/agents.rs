//! Stage two for `[firms]` and `[ai]`: the validated agent inputs. Defaults
//! are in [`super::defaults`] (firms) and `hashshift_models::ai` (market), each with its
//! source or marked as an assumption.

use hashshift_models::ai::{self as ai_defaults, AiMarketParams, AiMarketParams as Ai, DemandPath};
use hashshift_models::firms::named::{public_miners, NamedFirm, NamedSite};
use hashshift_models::firms::FirmPopulationParams;
use hashshift_models::hardware::Region;

use super::raw::RawScenario;
use super::raw_agents::DemandKind;
use super::{csv, defaults as d, Ctx, ScenarioError};

/// The validated agent inputs of a fleet run.
#[derive(Debug, Clone, PartialEq)]
pub struct AgentsSpec {
    /// The generated firms.
    pub firms: FirmPopulationParams,
    /// Real firms added beside the generated population.
    pub named: Vec<NamedFirm>,
    /// Days between a firm's decisions.
    pub decision_interval_days: f64,
    /// Whether a site may mine and host AI at once (partial conversions).
    pub hybrid: bool,
    /// Expected log growth of difficulty per year beyond the price's effect (all firms).
    pub difficulty_growth_per_year: f64,
    /// Non-energy operating cost of mining, USD per MW-year.
    pub mining_opex_usd_per_mw_year: f64,
    /// Days from ordering ASICs to installing them.
    pub asic_lead_time_days: f64,
    /// Economic life of an ASIC, years.
    pub asic_life_years: f64,
    /// Share of a site's capacity added by one expansion.
    pub expansion_step: f64,
    /// Build-out cost of new mining capacity, USD per MW.
    pub expansion_capex_usd_per_mw: f64,
    /// Days from deciding an expansion to energizing it (ASICs arrive with it).
    pub expansion_lead_time_days: f64,
    /// Days from buying secondary-market machines for a site relocated by a ban to running
    /// them there.
    pub relocation_lead_time_days: f64,
    /// Interest rate on debt, per year.
    pub debt_interest_rate: f64,
    /// Years over which corporate debt is repaid.
    pub debt_amortization_years: f64,
    /// Years of margin the secondary market pays for a machine at most.
    pub secondary_payback_years: f64,
    /// Days unsold machines stay on the secondary market before they are scrapped.
    pub secondary_shelf_days: f64,
    /// Annual BTC price volatility firms assume before they have seen prices.
    pub initial_volatility: f64,
    /// The AI market (None: no AI market, nobody converts).
    pub ai: Option<AiMarketParams>,
}

/// Validates `[firms]` and `[ai]` (fleet runs), filling defaults in place. `sites`: the
/// number of generated sites. Returns None when firms are disabled.
pub(super) fn validate(
    cx: &Ctx<'_>,
    raw: &mut RawScenario,
    sites: usize,
    start_unix: i64,
) -> Result<Option<AgentsSpec>, ScenarioError> {
    let ai = validate_ai(cx, raw, start_unix)?;
    let f = &mut raw.firms;
    if !*f.enabled.get_or_insert(true) {
        return Ok(None);
    }
    let v = |o: &mut Option<f64>, def: f64| *o.get_or_insert(def);
    let r = |o: &mut Option<[f64; 2]>, def: [f64; 2]| {
        let x = *o.get_or_insert(def);
        (x[0], x[1])
    };
    let count = *f.count.get_or_insert(d::FIRMS.min(sites as u64));
    let firms = FirmPopulationParams {
        firms: count as usize,
        public_share: v(&mut f.public_share, d::FIRMS_PUBLIC_SHARE),
        cash_usd_per_mw: v(&mut f.cash_usd_per_mw, d::FIRMS_CASH_USD_PER_MW),
        debt_usd_per_mw: v(&mut f.debt_usd_per_mw, d::FIRMS_DEBT_USD_PER_MW),
        discount_rate_public: r(&mut f.discount_rate_public, d::FIRMS_DISCOUNT_RATE_PUBLIC),
        discount_rate_private: r(&mut f.discount_rate_private, d::FIRMS_DISCOUNT_RATE_PRIVATE),
        credit_usd_per_mw_public: v(
            &mut f.credit_usd_per_mw_public,
            d::FIRMS_CREDIT_USD_PER_MW_PUBLIC,
        ),
        credit_usd_per_mw_private: v(
            &mut f.credit_usd_per_mw_private,
            d::FIRMS_CREDIT_USD_PER_MW_PRIVATE,
        ),
        project_finance_public: v(
            &mut f.project_finance_public,
            d::FIRMS_PROJECT_FINANCE_PUBLIC,
        ),
        project_finance_private: v(
            &mut f.project_finance_private,
            d::FIRMS_PROJECT_FINANCE_PRIVATE,
        ),
        horizon_years: r(&mut f.horizon_years, d::FIRMS_HORIZON_YEARS),
        risk_aversion: r(&mut f.risk_aversion, d::FIRMS_RISK_AVERSION),
        mining_hurdle: r(&mut f.mining_hurdle, d::FIRMS_MINING_HURDLE),
        belief_shares: [
            v(&mut f.belief_naive, d::FIRMS_BELIEFS[0]),
            v(&mut f.belief_adaptive, d::FIRMS_BELIEFS[1]),
            v(&mut f.belief_drift, d::FIRMS_BELIEFS[2]),
        ],
        adaptive_memory_years: v(&mut f.adaptive_memory_years, d::FIRMS_ADAPTIVE_MEMORY_YEARS),
        drift_mu: v(&mut f.drift_mu, d::FIRMS_DRIFT_MU),
    };
    firms.validate(sites).map_err(|e| {
        let key = match e.param {
            "belief_shares" => "belief_naive + belief_adaptive + belief_drift",
            "firms" => "count",
            p => p,
        };
        cx.invalid(format!("firms.{key}"), e.value, e.allowed)
    })?;
    let spec_range = |key: &str, x: f64, lo: f64, hi: f64, unit: &str| {
        cx.range(&format!("firms.{key}"), x, lo, hi, unit)
    };
    let spec = AgentsSpec {
        firms,
        named: Vec::new(),
        decision_interval_days: spec_range(
            "decision_interval_days",
            v(
                &mut f.decision_interval_days,
                d::FIRMS_DECISION_INTERVAL_DAYS,
            ),
            1.0,
            365.0,
            "days",
        )?,
        hybrid: *f.hybrid.get_or_insert(false),
        difficulty_growth_per_year: spec_range(
            "difficulty_growth_per_year",
            v(
                &mut f.difficulty_growth_per_year,
                d::FIRMS_DIFFICULTY_GROWTH_PER_YEAR,
            ),
            -1.0,
            2.0,
            "per year",
        )?,
        mining_opex_usd_per_mw_year: spec_range(
            "mining_opex_usd_per_mw_year",
            v(
                &mut f.mining_opex_usd_per_mw_year,
                d::FIRMS_MINING_OPEX_USD_PER_MW_YEAR,
            ),
            0.0,
            1e7,
            "USD per MW-year",
        )?,
        asic_lead_time_days: spec_range(
            "asic_lead_time_days",
            v(&mut f.asic_lead_time_days, d::FIRMS_ASIC_LEAD_TIME_DAYS),
            0.0,
            1000.0,
            "days",
        )?,
        asic_life_years: spec_range(
            "asic_life_years",
            v(&mut f.asic_life_years, d::FIRMS_ASIC_LIFE_YEARS),
            0.5,
            20.0,
            "years",
        )?,
        expansion_step: spec_range(
            "expansion_step",
            v(&mut f.expansion_step, d::FIRMS_EXPANSION_STEP),
            0.0,
            1.0,
            "(share of site capacity)",
        )?,
        expansion_capex_usd_per_mw: spec_range(
            "expansion_capex_usd_per_mw",
            v(
                &mut f.expansion_capex_usd_per_mw,
                d::FIRMS_EXPANSION_CAPEX_USD_PER_MW,
            ),
            0.0,
            1e8,
            "USD per MW",
        )?,
        expansion_lead_time_days: spec_range(
            "expansion_lead_time_days",
            v(
                &mut f.expansion_lead_time_days,
                d::FIRMS_EXPANSION_LEAD_TIME_DAYS,
            ),
            0.0,
            3650.0,
            "days",
        )?,
        relocation_lead_time_days: spec_range(
            "relocation_lead_time_days",
            v(
                &mut f.relocation_lead_time_days,
                d::FIRMS_RELOCATION_LEAD_TIME_DAYS,
            ),
            0.0,
            3650.0,
            "days",
        )?,
        debt_interest_rate: spec_range(
            "debt_interest_rate",
            v(&mut f.debt_interest_rate, d::FIRMS_DEBT_INTEREST_RATE),
            0.0,
            1.0,
            "per year",
        )?,
        debt_amortization_years: spec_range(
            "debt_amortization_years",
            v(
                &mut f.debt_amortization_years,
                d::FIRMS_DEBT_AMORTIZATION_YEARS,
            ),
            0.5,
            50.0,
            "years",
        )?,
        secondary_payback_years: spec_range(
            "secondary_payback_years",
            v(
                &mut f.secondary_payback_years,
                d::FIRMS_SECONDARY_PAYBACK_YEARS,
            ),
            0.0,
            10.0,
            "years",
        )?,
        secondary_shelf_days: spec_range(
            "secondary_shelf_days",
            v(&mut f.secondary_shelf_days, d::FIRMS_SECONDARY_SHELF_DAYS),
            1.0,
            3650.0,
            "days",
        )?,
        initial_volatility: 0.5,
        ai,
    };
    let mut spec = spec;
    spec.named = named_firms(cx, raw)?;
    Ok(Some(spec))
}

fn named_firms(cx: &Ctx<'_>, raw: &RawScenario) -> Result<Vec<NamedFirm>, ScenarioError> {
    let mut out = Vec::new();
    if let Some(tickers) = &raw.firms.public_miners {
        let all = public_miners();
        let twice = |i: usize, t: &String, why: &str| {
            cx.invalid(
                format!("firms.public_miners[{i}]"),
                format!("{t:?}"),
                format!("{why}: each real firm may be named once (its sites would count twice)"),
            )
        };
        for (i, t) in tickers.iter().enumerate() {
            if t.eq_ignore_ascii_case("all") {
                if tickers.len() > 1 {
                    return Err(twice(i, t, "\"all\" already names every firm of the table"));
                }
                out.extend(all.iter().cloned());
                continue;
            }
            if let Some(j) = tickers[..i]
                .iter()
                .position(|u| u.trim().eq_ignore_ascii_case(t.trim()))
            {
                return Err(twice(
                    i,
                    t,
                    &format!("the same as firms.public_miners[{j}]"),
                ));
            }
            let f = all
                .iter()
                .find(|f| f.ticker.eq_ignore_ascii_case(t.trim()))
                .ok_or_else(|| {
                    let known: Vec<&str> = all.iter().map(|f| f.ticker.as_str()).collect();
                    cx.invalid(
                        "firms.public_miners",
                        format!("{t:?}"),
                        format!(
                            "a ticker of the shipped table ({}) or \"all\"",
                            known.join(", ")
                        ),
                    )
                })?;
            out.push(f.clone());
        }
    }
    for (i, c) in raw.firms.custom.iter().enumerate() {
        let key = |k: &str| format!("firms.custom[{i}].{k}");
        cx.range(&key("capacity_mw"), c.capacity_mw, 1e-6, 1e6, "MW")?;
        cx.range(&key("self_mining_ehs"), c.self_mining_ehs, 0.0, 1e6, "EH/s")?;
        cx.range(
            &key("efficiency_j_per_th"),
            c.efficiency_j_per_th,
            1.0,
            500.0,
            "J/TH",
        )?;
        if c.sites.is_empty() {
            return Err(cx.invalid(key("sites"), "[]", "at least one site"));
        }
        let mut sites = Vec::new();
        for (j, s) in c.sites.iter().enumerate() {
            let sk = |k: &str| format!("firms.custom[{i}].sites[{j}].{k}");
            cx.range(&sk("capacity_mw"), s.capacity_mw, 1e-6, 1e6, "MW")?;
            let region: Region = s
                .region
                .parse()
                .map_err(|e| cx.invalid(sk("region"), format!("{:?}", s.region), e))?;
            sites.push(NamedSite {
                name: s.name.clone(),
                region,
                capacity_mw: s.capacity_mw,
                ai_suitable: s.ai_suitable,
            });
        }
        let total: f64 = sites.iter().map(|s| s.capacity_mw).sum();
        if total > c.capacity_mw * (1.0 + 1e-9) {
            return Err(cx.invalid(
                key("sites"),
                format!("(sites sum to {total} MW)"),
                format!(
                    "the sites of firm {:?} must fit in its capacity_mw = {} MW",
                    c.name, c.capacity_mw
                ),
            ));
        }
        // Machines drawing more than the sites hold cannot be installed.
        let power_mw = c.self_mining_ehs * 1e6 * c.efficiency_j_per_th / 1e6;
        if power_mw > total * (1.0 + 1e-9) {
            return Err(cx.invalid(
                key("self_mining_ehs"),
                c.self_mining_ehs,
                format!(
                    "at {} J/TH its machines draw {power_mw:.1} MW, more than its sites' {total} MW",
                    c.efficiency_j_per_th
                ),
            ));
        }
        out.push(NamedFirm {
            ticker: c.name.clone(),
            name: c.name.clone(),
            sites,
            self_mining_ehs: c.self_mining_ehs,
            efficiency_j_per_th: c.efficiency_j_per_th,
            as_of: String::new(),
            approximate: false,
            source: "scenario".into(),
        });
    }
    Ok(out)
}

fn validate_ai(
    cx: &Ctx<'_>,
    raw: &mut RawScenario,
    start_unix: i64,
) -> Result<Option<Ai>, ScenarioError> {
    let a = &mut raw.ai;
    if !*a.enabled.get_or_insert(true) {
        return Ok(None);
    }
    let v = |o: &mut Option<f64>, def: f64| *o.get_or_insert(def);
    let kind = *a.demand_kind.get_or_insert(DemandKind::Growth);
    let demand = match kind {
        DemandKind::Growth => DemandPath::Growth {
            mw: v(&mut a.demand_mw, ai_defaults::DEFAULT_DEMAND_MW),
            growth_per_year: v(
                &mut a.demand_growth_per_year,
                ai_defaults::DEFAULT_DEMAND_GROWTH_PER_YEAR,
            ),
        },
        DemandKind::Piecewise => {
            let pts = a.demand_points.as_ref().ok_or_else(|| {
                cx.invalid(
                    "ai.demand_points",
                    "(missing)",
                    "required with ai.demand_kind = \"piecewise\"",
                )
            })?;
            let mut out = Vec::with_capacity(pts.len());
            let mut prev: Option<i64> = None;
            for (i, p) in pts.iter().enumerate() {
                let key = format!("ai.demand_points[{i}].at");
                let t = cx.date(&key, &p.at)?;
                if prev.is_some_and(|q| t <= q) {
                    return Err(cx.invalid(
                        key,
                        format!("{:?}", p.at),
                        "points must be in strictly increasing time order",
                    ));
                }
                prev = Some(t);
                if !(p.mw.is_finite() && p.mw >= 0.0) {
                    return Err(cx.invalid(format!("ai.demand_points[{i}].mw"), p.mw, ">= 0 MW"));
                }
                out.push(((t - start_unix) as f64 / d::YEAR_S, p.mw));
            }
            DemandPath::Piecewise(out)
        }
        DemandKind::Csv => {
            let data = cx.required_data_file(
                "ai.demand_csv",
                a.demand_csv.as_deref(),
                "ai.demand_kind = \"csv\"",
            )?;
            let column = a.demand_column.get_or_insert_with(|| "mw".into()).clone();
            let series = csv::parse_daily_series(
                &data.text,
                a.demand_date_column.as_deref(),
                &[column.as_str()],
                "AI demand",
                csv::Allowed::NON_NEGATIVE,
            )
            .map_err(|m| data.err(m))?;
            let start_day = start_unix.div_euclid(86_400);
            let mut daily = Vec::new();
            for &(t, mw) in &series {
                if !(mw.is_finite() && mw >= 0.0) {
                    return Err(data.err(format!(
                        "{column} = {mw} on {} is not allowed (>= 0 MW)",
                        crate::calendar::format_utc(t)
                    )));
                }
                if t.div_euclid(86_400) >= start_day {
                    daily.push(mw);
                }
            }
            if series
                .first()
                .is_none_or(|&(t, _)| t.div_euclid(86_400) > start_day)
            {
                return Err(data.err("the AI demand series must start on or before the run start"));
            }
            DemandPath::Daily(daily)
        }
    };
    let params = Ai {
        demand,
        exogenous_supply_mw: v(
            &mut a.exogenous_supply_mw,
            ai_defaults::DEFAULT_EXOGENOUS_SUPPLY_MW,
        ),
        exogenous_supply_growth_per_year: v(
            &mut a.exogenous_supply_growth_per_year,
            ai_defaults::DEFAULT_EXOGENOUS_SUPPLY_GROWTH_PER_YEAR,
        ),
        reference_rate_usd_per_mw_year: v(
            &mut a.reference_rate_usd_per_mw_year,
            ai_defaults::DEFAULT_REFERENCE_RATE,
        ),
        rate_min_usd_per_mw_year: v(
            &mut a.rate_min_usd_per_mw_year,
            ai_defaults::DEFAULT_RATE_MIN,
        ),
        rate_max_usd_per_mw_year: v(
            &mut a.rate_max_usd_per_mw_year,
            ai_defaults::DEFAULT_RATE_MAX,
        ),
        rate_elasticity: v(&mut a.rate_elasticity, ai_defaults::DEFAULT_RATE_ELASTICITY),
        colo_capex_usd_per_mw_it: v(
            &mut a.colo_capex_usd_per_mw_it,
            ai_defaults::DEFAULT_COLO_CAPEX_USD_PER_MW_IT,
        ),
        gross_to_it: v(&mut a.gross_to_it, ai_defaults::DEFAULT_GROSS_TO_IT),
        lead_time_months: v(
            &mut a.lead_time_months,
            ai_defaults::DEFAULT_LEAD_TIME_MONTHS,
        ),
        tenor_years: v(&mut a.tenor_years, ai_defaults::DEFAULT_TENOR_YEARS),
        shell_life_years: v(
            &mut a.shell_life_years,
            ai_defaults::DEFAULT_SHELL_LIFE_YEARS,
        ),
        noi_margin: v(&mut a.noi_margin, ai_defaults::DEFAULT_NOI_MARGIN),
        default_hazard_per_year: v(
            &mut a.default_hazard_per_year,
            ai_defaults::DEFAULT_DEFAULT_HAZARD_PER_YEAR,
        ),
        gpu_capex_usd_per_mw_it: v(
            &mut a.gpu_capex_usd_per_mw_it,
            ai_defaults::DEFAULT_GPU_CAPEX_USD_PER_MW_IT,
        ),
        gpus_per_mw_it: v(&mut a.gpus_per_mw_it, ai_defaults::DEFAULT_GPUS_PER_MW_IT),
        gpu_hour_usd: v(&mut a.gpu_hour_usd, ai_defaults::DEFAULT_GPU_HOUR_USD),
        gpu_price_decline_per_year: v(
            &mut a.gpu_price_decline_per_year,
            ai_defaults::DEFAULT_GPU_PRICE_DECLINE_PER_YEAR,
        ),
        gpu_utilization: v(&mut a.gpu_utilization, ai_defaults::DEFAULT_GPU_UTILIZATION),
        gpu_life_years: v(&mut a.gpu_life_years, ai_defaults::DEFAULT_GPU_LIFE_YEARS),
        cloud_opex_share: v(
            &mut a.cloud_opex_share,
            ai_defaults::DEFAULT_CLOUD_OPEX_SHARE,
        ),
    };
    params.validate().map_err(|e| {
        let key = match e.param {
            "demand.mw" => "demand_mw",
            "demand.growth_per_year" => "demand_growth_per_year",
            "demand.points.mw" => "demand_points.mw",
            "demand.points.at" => "demand_points.at",
            "demand.points" => "demand_points",
            "demand.csv" | "demand.csv.mw" => "demand_csv",
            p => p,
        };
        cx.invalid(format!("ai.{key}"), e.value, e.allowed)
    })?;
    Ok(Some(params))
}
