//! Stage two for `[firms]` and `[ai]`: the validated agent inputs. Defaults
//! are in [`super::defaults`] (firms) and `hashshift_models::ai` (market), each with its
//! source or marked as an assumption.

use hashshift_models::ai::{AiMarketParams, AiMarketParams as Ai, DemandPath};
use hashshift_models::firms::named::{public_miners, NamedFirm, NamedSite};
use hashshift_models::firms::FirmPopulationParams;
use hashshift_models::hardware::Region;

use super::raw_agents::{
    AiKeys, CustomFirmKeys, CustomSiteKeys, DemandKind, DemandPointKeys, FirmsKeys, RawAi, RawFirms,
};
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
    /// Fixed cost of idle mining capacity (stopped machines' MW and empty MW), USD per MW-year.
    pub idle_usd_per_mw_year: f64,
    /// Days from ordering ASICs to installing them.
    pub asic_lead_time_days: f64,
    /// New ASICs the manufacturers make per month, as a share of the network's installed
    /// TH/s (running and idle).
    pub factory_share_per_month: f64,
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

/// Resolves `[firms]` and `[ai]` (fleet runs), filling defaults in place. `sites`: the
/// number of generated sites. Returns None when firms are disabled.
pub(super) fn resolve(
    cx: &Ctx<'_>,
    f: &mut RawFirms,
    a: &mut RawAi,
    sites: usize,
    start_unix: i64,
) -> Result<Option<AgentsSpec>, ScenarioError> {
    let ai = resolve_ai(cx, a, start_unix)?;
    let k = FirmsKeys::DEFS;
    if !cx.value(&k.enabled, &mut f.enabled)? {
        return Ok(None);
    }
    let count = cx.value_or(&k.count, &mut f.count, d::FIRMS.min(sites as u64))?;
    let firms = FirmPopulationParams {
        firms: count as usize,
        public_share: cx.value(&k.public_share, &mut f.public_share)?,
        cash_usd_per_mw: cx.value(&k.cash_usd_per_mw, &mut f.cash_usd_per_mw)?,
        debt_usd_per_mw: cx.value(&k.debt_usd_per_mw, &mut f.debt_usd_per_mw)?,
        discount_rate_public: cx.pair(&k.discount_rate_public, &mut f.discount_rate_public)?,
        discount_rate_private: cx.pair(&k.discount_rate_private, &mut f.discount_rate_private)?,
        credit_usd_per_mw_public: cx
            .value(&k.credit_usd_per_mw_public, &mut f.credit_usd_per_mw_public)?,
        credit_usd_per_mw_private: cx.value(
            &k.credit_usd_per_mw_private,
            &mut f.credit_usd_per_mw_private,
        )?,
        project_finance_public: cx
            .value(&k.project_finance_public, &mut f.project_finance_public)?,
        project_finance_private: cx
            .value(&k.project_finance_private, &mut f.project_finance_private)?,
        horizon_years: cx.pair(&k.horizon_years, &mut f.horizon_years)?,
        risk_aversion: cx.pair(&k.risk_aversion, &mut f.risk_aversion)?,
        mining_hurdle: cx.pair(&k.mining_hurdle, &mut f.mining_hurdle)?,
        belief_shares: [
            cx.value(&k.belief_naive, &mut f.belief_naive)?,
            cx.value(&k.belief_adaptive, &mut f.belief_adaptive)?,
            cx.value(&k.belief_drift, &mut f.belief_drift)?,
        ],
        adaptive_memory_years: cx.pair(&k.adaptive_memory_years, &mut f.adaptive_memory_years)?,
        drift_mu: cx.pair(&k.drift_mu, &mut f.drift_mu)?,
        secondary_only_share: cx.value(&k.secondary_only_share, &mut f.secondary_only_share)?,
    };
    firms.validate(sites).map_err(|e| {
        let key = match e.param {
            "belief_shares" => "belief_naive + belief_adaptive + belief_drift",
            "firms" => "count",
            p => p,
        };
        cx.invalid(format!("firms.{key}"), e.value, e.allowed)
    })?;
    let spec = AgentsSpec {
        firms,
        named: Vec::new(),
        decision_interval_days: cx
            .value(&k.decision_interval_days, &mut f.decision_interval_days)?,
        hybrid: cx.value(&k.hybrid, &mut f.hybrid)?,
        difficulty_growth_per_year: cx.value(
            &k.difficulty_growth_per_year,
            &mut f.difficulty_growth_per_year,
        )?,
        mining_opex_usd_per_mw_year: cx.value(
            &k.mining_opex_usd_per_mw_year,
            &mut f.mining_opex_usd_per_mw_year,
        )?,
        idle_usd_per_mw_year: cx.value(&k.idle_usd_per_mw_year, &mut f.idle_usd_per_mw_year)?,
        asic_lead_time_days: cx.value(&k.asic_lead_time_days, &mut f.asic_lead_time_days)?,
        factory_share_per_month: cx
            .value(&k.factory_share_per_month, &mut f.factory_share_per_month)?,
        asic_life_years: cx.value(&k.asic_life_years, &mut f.asic_life_years)?,
        expansion_step: cx.value(&k.expansion_step, &mut f.expansion_step)?,
        expansion_capex_usd_per_mw: cx.value(
            &k.expansion_capex_usd_per_mw,
            &mut f.expansion_capex_usd_per_mw,
        )?,
        expansion_lead_time_days: cx
            .value(&k.expansion_lead_time_days, &mut f.expansion_lead_time_days)?,
        relocation_lead_time_days: cx.value(
            &k.relocation_lead_time_days,
            &mut f.relocation_lead_time_days,
        )?,
        debt_interest_rate: cx.value(&k.debt_interest_rate, &mut f.debt_interest_rate)?,
        debt_amortization_years: cx
            .value(&k.debt_amortization_years, &mut f.debt_amortization_years)?,
        secondary_payback_years: cx
            .value(&k.secondary_payback_years, &mut f.secondary_payback_years)?,
        secondary_shelf_days: cx.value(&k.secondary_shelf_days, &mut f.secondary_shelf_days)?,
        initial_volatility: 0.5,
        ai,
    };
    let mut spec = spec;
    spec.named = named_firms(cx, f)?;
    Ok(Some(spec))
}

/// The real public miners `firms.public_miners` names and the firms of `[[firms.custom]]`.
fn named_firms(cx: &Ctx<'_>, f: &RawFirms) -> Result<Vec<NamedFirm>, ScenarioError> {
    let mut out = Vec::new();
    if let Some(tickers) = &f.public_miners {
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
    let (firm, site) = (CustomFirmKeys::DEFS, CustomSiteKeys::DEFS);
    for (i, c) in f.custom.iter().enumerate() {
        let key = |k: &str| format!("firms.custom[{i}].{k}");
        cx.check(&firm.capacity_mw, &key("capacity_mw"), &c.capacity_mw)?;
        cx.check(
            &firm.self_mining_ehs,
            &key("self_mining_ehs"),
            &c.self_mining_ehs,
        )?;
        cx.check(
            &firm.efficiency_j_per_th,
            &key("efficiency_j_per_th"),
            &c.efficiency_j_per_th,
        )?;
        if c.sites.is_empty() {
            return Err(cx.invalid(key("sites"), "[]", "at least one site"));
        }
        let mut sites = Vec::new();
        for (j, s) in c.sites.iter().enumerate() {
            let sk = |k: &str| format!("firms.custom[{i}].sites[{j}].{k}");
            cx.check(&site.capacity_mw, &sk("capacity_mw"), &s.capacity_mw)?;
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

/// Resolves `[ai]` (None when the AI market is disabled).
fn resolve_ai(cx: &Ctx<'_>, a: &mut RawAi, start_unix: i64) -> Result<Option<Ai>, ScenarioError> {
    let k = AiKeys::DEFS;
    if !cx.value(&k.enabled, &mut a.enabled)? {
        return Ok(None);
    }
    let kind = cx.value(&k.demand_kind, &mut a.demand_kind)?;
    let demand = match kind {
        DemandKind::Growth => DemandPath::Growth {
            mw: cx.value(&k.demand_mw, &mut a.demand_mw)?,
            growth_per_year: cx.value(&k.demand_growth_per_year, &mut a.demand_growth_per_year)?,
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
                cx.check(
                    &DemandPointKeys::DEFS.mw,
                    &format!("ai.demand_points[{i}].mw"),
                    &p.mw,
                )?;
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
            let column = cx.value(&k.demand_column, &mut a.demand_column)?;
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
        exogenous_supply_mw: cx.value(&k.exogenous_supply_mw, &mut a.exogenous_supply_mw)?,
        exogenous_supply_growth_per_year: cx.value(
            &k.exogenous_supply_growth_per_year,
            &mut a.exogenous_supply_growth_per_year,
        )?,
        reference_rate_usd_per_mw_year: cx.value(
            &k.reference_rate_usd_per_mw_year,
            &mut a.reference_rate_usd_per_mw_year,
        )?,
        rate_min_usd_per_mw_year: cx
            .value(&k.rate_min_usd_per_mw_year, &mut a.rate_min_usd_per_mw_year)?,
        rate_max_usd_per_mw_year: cx
            .value(&k.rate_max_usd_per_mw_year, &mut a.rate_max_usd_per_mw_year)?,
        rate_elasticity: cx.value(&k.rate_elasticity, &mut a.rate_elasticity)?,
        colo_capex_usd_per_mw_it: cx
            .value(&k.colo_capex_usd_per_mw_it, &mut a.colo_capex_usd_per_mw_it)?,
        gross_to_it: cx.value(&k.gross_to_it, &mut a.gross_to_it)?,
        lead_time_months: cx.value(&k.lead_time_months, &mut a.lead_time_months)?,
        tenor_years: cx.value(&k.tenor_years, &mut a.tenor_years)?,
        shell_life_years: cx.value(&k.shell_life_years, &mut a.shell_life_years)?,
        noi_margin: cx.value(&k.noi_margin, &mut a.noi_margin)?,
        default_hazard_per_year: cx
            .value(&k.default_hazard_per_year, &mut a.default_hazard_per_year)?,
        gpu_capex_usd_per_mw_it: cx
            .value(&k.gpu_capex_usd_per_mw_it, &mut a.gpu_capex_usd_per_mw_it)?,
        gpus_per_mw_it: cx.value(&k.gpus_per_mw_it, &mut a.gpus_per_mw_it)?,
        gpu_hour_usd: cx.value(&k.gpu_hour_usd, &mut a.gpu_hour_usd)?,
        gpu_price_decline_per_year: cx.value(
            &k.gpu_price_decline_per_year,
            &mut a.gpu_price_decline_per_year,
        )?,
        gpu_utilization: cx.value(&k.gpu_utilization, &mut a.gpu_utilization)?,
        gpu_life_years: cx.value(&k.gpu_life_years, &mut a.gpu_life_years)?,
        cloud_opex_share: cx.value(&k.cloud_opex_share, &mut a.cloud_opex_share)?,
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
