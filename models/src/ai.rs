//! The AI compute market that converted mining sites sell into.
//!
//! # Demand and supply
//!
//! Demand `D(t)` is the AI capacity (MW of critical IT load) that converted mining sites can
//! serve: large, power-first, latency-tolerant training and inference halls. It follows a
//! scenario path ([`DemandPath`]): constant growth `D(t) = D_0 (1 + g)^t`, a piecewise-linear
//! path, or a daily series. Supply is the exogenous conventional capacity serving the same
//! demand, `S_x(t) = S_0 (1 + g_s)^t`, plus the MW of critical IT that mining sites have
//! contracted (converting or operating), `C(t)`:
//!
//! ```text
//! S(t) = S_x(t) + C(t)            open demand  O(t) = max(0, D(t) - S(t))
//! ```
//!
//! A firm can sign a new contract only for MW within the open demand (first come, first
//! served), so conversions stop when the market is served.
//!
//! # Colocation rate
//!
//! The rate a new colocation contract locks, USD per MW of critical IT per year, responds to
//! the balance with constant elasticity `e`, bounded:
//!
//! ```text
//! r(t) = clamp( r_ref x (D(t) / S(t))^e , r_min, r_max )
//! ```
//!
//! `r_ref` is the rate at balance. Signed contracts keep their rate for their tenor.
//!
//! # GPU cloud
//!
//! A GPU-cloud contract sells GPU-hours: revenue per MW of critical IT per year is
//! `n_gpu x p_gpu(t) x u x 8,766 h`, with `n_gpu` GPUs per MW, utilization `u` and the
//! GPU-hour price `p_gpu(t) = p_0 (1 - d)^t` falling as new GPU generations arrive (`d` per
//! year). The contract locks the revenue of its signing date for the GPUs' life.
//!
//! # Calibration (ref: shared/reference/ai_pivot_facts.md)
//!
//! Colocation build cost $7-11M per MW of critical IT (TeraWulf $8-10M, Cipher $9-11M, Bitfarms
//! about $7M): default $9M. Revenue $1.2-1.9M per MW-year (derived from TeraWulf, Cipher,
//! Hut 8, Cipher-AWS contracts): `r_ref` = $1.6M, bounds $0.8M-$2.5M. NOI margin 80-90 %:
//! default 85 %. Tenors 10-15 years: default 12 (Core Scientific-CoreWeave). 12-24 months from
//! contract to energized: default 18 months. Gross MW to critical IT about 0.7 (Core Scientific
//! Muskogee 100 MW to 70 MW; Cipher Barber Lake 244 to 168). GPU cloud: IREN-Microsoft, about
//! $29M of GPUs per MW of critical IT and $9.7M revenue per MW-year over 5 years; with 550 GPUs
//! per MW (GB300 NVL72 racks draw about 130-140 kW per 72 GPUs) at 85 % utilization this is
//! $2.37 per GPU-hour. The demand path, exogenous supply, elasticity, GPU price decline and
//! default hazard are ASSUMPTIONS (see each default's doc).

use crate::param::{check, ParamError};

/// Hours per year (365.25 days).
pub const HOURS_PER_YEAR: f64 = 8_766.0;

/// Default colocation build cost, USD per MW of critical IT (ref: $7-11M).
pub const DEFAULT_COLO_CAPEX_USD_PER_MW_IT: f64 = 9.0e6;
/// Default critical-IT MW per gross MW (ref: about 0.7).
pub const DEFAULT_GROSS_TO_IT: f64 = 0.70;
/// Default months from contract to energized (ref: 12-24 months).
pub const DEFAULT_LEAD_TIME_MONTHS: f64 = 18.0;
/// Default colocation tenor, years (ref: 10-15 years).
pub const DEFAULT_TENOR_YEARS: f64 = 12.0;
/// Default life of a converted site's AI shell, years: a firm values an AI conversion over this
/// life, assuming its contract is renewed or the shell re-let at the same rate after the tenor
/// (ref: the TeraWulf and Cipher leases carry two 5-year extensions, Hut 8's three; data halls
/// are built for 20-30 years). ASSUMPTION.
pub const DEFAULT_SHELL_LIFE_YEARS: f64 = 20.0;
/// Default site NOI margin of colocation (ref: 80-90 %).
pub const DEFAULT_NOI_MARGIN: f64 = 0.85;
/// Default colocation rate at balance, USD per MW of critical IT per year (ref: $1.2-1.9M).
pub const DEFAULT_REFERENCE_RATE: f64 = 1.6e6;
/// Default lowest colocation rate (ASSUMPTION: about half the balance rate).
pub const DEFAULT_RATE_MIN: f64 = 0.8e6;
/// Default highest colocation rate (ASSUMPTION: above the highest quoted, $1.9M).
pub const DEFAULT_RATE_MAX: f64 = 2.5e6;
/// Default elasticity of the rate to the demand/supply ratio (ASSUMPTION: a 10 % shortage
/// raises rates about 5 %).
pub const DEFAULT_RATE_ELASTICITY: f64 = 0.5;
/// Default yearly probability that a tenant defaults (ASSUMPTION: hyperscaler-backstopped
/// tenants such as Fluidstack with Google's backstop; about investment-grade 1 % a year).
pub const DEFAULT_DEFAULT_HAZARD_PER_YEAR: f64 = 0.01;
/// Default GPU capex, USD per MW of critical IT (ref: IREN, $5.8B of GPUs for 200 MW).
pub const DEFAULT_GPU_CAPEX_USD_PER_MW_IT: f64 = 29.0e6;
/// Default GPUs per MW of critical IT (ASSUMPTION: GB300 NVL72, about 1.8 kW per GPU all-in).
pub const DEFAULT_GPUS_PER_MW_IT: f64 = 550.0;
/// Default GPU-hour price at the start, USD (derived: $9.7M per MW-year / (550 x 0.85 x 8,766)).
pub const DEFAULT_GPU_HOUR_USD: f64 = 2.37;
/// Default fall of the GPU-hour price per year (ASSUMPTION: each GPU generation, about every
/// two years, roughly halves the price of the previous one's hour).
pub const DEFAULT_GPU_PRICE_DECLINE_PER_YEAR: f64 = 0.25;
/// Default GPU utilization (ASSUMPTION).
pub const DEFAULT_GPU_UTILIZATION: f64 = 0.85;
/// Default GPU life, years (ref: IREN-Microsoft 5-year contract).
pub const DEFAULT_GPU_LIFE_YEARS: f64 = 5.0;
/// Default operating cost of GPU cloud besides power, share of revenue (ASSUMPTION: staff,
/// network, maintenance, insurance; IREN guided to an EBITDA margin of about 85 % on its
/// Microsoft contract, power included).
pub const DEFAULT_CLOUD_OPEX_SHARE: f64 = 0.10;
/// Default demand at the start, MW of critical IT (ASSUMPTION: a segment of about 5.5 GW that
/// power-first sites can serve, against 5 GW of conventional supply; miners' contracted AI
/// capacity was about 2-3 GW in 2025-26, ref).
pub const DEFAULT_DEMAND_MW: f64 = 5_500.0;
/// Default demand growth per year (ASSUMPTION).
pub const DEFAULT_DEMAND_GROWTH_PER_YEAR: f64 = 0.25;
/// Default exogenous supply at the start, MW of critical IT (ASSUMPTION).
pub const DEFAULT_EXOGENOUS_SUPPLY_MW: f64 = 5_000.0;
/// Default growth of the exogenous supply per year (ASSUMPTION: conventional builds lag
/// demand, limited by grid interconnection queues).
pub const DEFAULT_EXOGENOUS_SUPPLY_GROWTH_PER_YEAR: f64 = 0.20;

/// Demand for AI capacity over time, MW of critical IT; `t` in years since the start.
#[derive(Debug, Clone, PartialEq)]
pub enum DemandPath {
    /// `D(t) = mw (1 + growth_per_year)^t`.
    Growth {
        /// Demand at the start, MW (>= 0).
        mw: f64,
        /// Growth per year (> -1).
        growth_per_year: f64,
    },
    /// Linear between `(years, MW)` points sorted by time; constant before the first and
    /// after the last.
    Piecewise(Vec<(f64, f64)>),
    /// One value per day from the start (day 0); the last value holds afterwards.
    Daily(Vec<f64>),
}

impl DemandPath {
    /// Checks the path: MW finite and >= 0, times increasing, growth > -1.
    pub fn validate(&self) -> Result<(), ParamError> {
        match self {
            DemandPath::Growth {
                mw,
                growth_per_year,
            } => {
                check("demand.mw", *mw, |x| x >= 0.0, ">= 0 MW")?;
                check(
                    "demand.growth_per_year",
                    *growth_per_year,
                    |x| x > -1.0 && x <= 10.0,
                    "(-1, 10] per year",
                )
            }
            DemandPath::Piecewise(points) => {
                let n = points.len() as f64;
                check("demand.points", n, |n| n >= 1.0, "at least one point")?;
                for (i, &(t, mw)) in points.iter().enumerate() {
                    check("demand.points.mw", mw, |x| x >= 0.0, ">= 0 MW")?;
                    if i > 0 {
                        check(
                            "demand.points.at",
                            t,
                            |x| x > points[i - 1].0,
                            "after the previous point",
                        )?;
                    }
                }
                Ok(())
            }
            DemandPath::Daily(v) => {
                let n = v.len() as f64;
                check("demand.csv", n, |n| n >= 1.0, "at least one day")?;
                v.iter()
                    .try_for_each(|&mw| check("demand.csv.mw", mw, |x| x >= 0.0, ">= 0 MW"))
            }
        }
    }

    /// Demand at `t` years since the start, MW.
    pub fn mw_at(&self, t: f64) -> f64 {
        match self {
            DemandPath::Growth {
                mw,
                growth_per_year,
            } => mw * (1.0 + growth_per_year).powf(t.max(0.0)),
            DemandPath::Piecewise(p) => {
                let i = p.partition_point(|&(ti, _)| ti <= t);
                if i == 0 {
                    p[0].1
                } else if i == p.len() {
                    p[p.len() - 1].1
                } else {
                    let (t0, m0) = p[i - 1];
                    let (t1, m1) = p[i];
                    m0 + (m1 - m0) * (t - t0) / (t1 - t0)
                }
            }
            DemandPath::Daily(v) => {
                let d = (t * 365.25).floor().max(0.0) as usize;
                v[d.min(v.len() - 1)]
            }
        }
    }
}

/// Parameters of the AI market and of the two AI businesses (module docs for calibration).
#[derive(Debug, Clone, PartialEq)]
pub struct AiMarketParams {
    /// Demand path, MW of critical IT.
    pub demand: DemandPath,
    /// Exogenous supply at the start, MW of critical IT (>= 0).
    pub exogenous_supply_mw: f64,
    /// Growth of the exogenous supply per year (> -1).
    pub exogenous_supply_growth_per_year: f64,
    /// Colocation rate at balance, USD per MW of critical IT per year (> 0).
    pub reference_rate_usd_per_mw_year: f64,
    /// Lowest rate, USD per MW-year (> 0, <= reference).
    pub rate_min_usd_per_mw_year: f64,
    /// Highest rate, USD per MW-year (>= reference).
    pub rate_max_usd_per_mw_year: f64,
    /// Elasticity of the rate to demand/supply, [0, 5].
    pub rate_elasticity: f64,
    /// Colocation build cost, USD per MW of critical IT (>= 0).
    pub colo_capex_usd_per_mw_it: f64,
    /// Critical-IT MW per gross MW, (0, 1].
    pub gross_to_it: f64,
    /// Months from contract to energized, [0, 120]; the MW neither mines nor earns meanwhile.
    pub lead_time_months: f64,
    /// Colocation contract tenor, years (> 0, <= 50).
    pub tenor_years: f64,
    /// Life of an AI shell a conversion is valued over, years (>= tenor, <= 50).
    pub shell_life_years: f64,
    /// Site NOI margin of colocation, (0, 1].
    pub noi_margin: f64,
    /// Yearly tenant default probability, [0, 1).
    pub default_hazard_per_year: f64,
    /// GPU capex, USD per MW of critical IT (>= 0).
    pub gpu_capex_usd_per_mw_it: f64,
    /// GPUs per MW of critical IT (> 0).
    pub gpus_per_mw_it: f64,
    /// GPU-hour price at the start, USD (> 0).
    pub gpu_hour_usd: f64,
    /// Fall of the GPU-hour price per year, [0, 1).
    pub gpu_price_decline_per_year: f64,
    /// GPU utilization, (0, 1].
    pub gpu_utilization: f64,
    /// GPU life (and cloud contract tenor), years (> 0, <= 20).
    pub gpu_life_years: f64,
    /// Cloud operating cost besides power, share of revenue, [0, 1).
    pub cloud_opex_share: f64,
}

impl Default for AiMarketParams {
    fn default() -> Self {
        Self {
            demand: DemandPath::Growth {
                mw: DEFAULT_DEMAND_MW,
                growth_per_year: DEFAULT_DEMAND_GROWTH_PER_YEAR,
            },
            exogenous_supply_mw: DEFAULT_EXOGENOUS_SUPPLY_MW,
            exogenous_supply_growth_per_year: DEFAULT_EXOGENOUS_SUPPLY_GROWTH_PER_YEAR,
            reference_rate_usd_per_mw_year: DEFAULT_REFERENCE_RATE,
            rate_min_usd_per_mw_year: DEFAULT_RATE_MIN,
            rate_max_usd_per_mw_year: DEFAULT_RATE_MAX,
            rate_elasticity: DEFAULT_RATE_ELASTICITY,
            colo_capex_usd_per_mw_it: DEFAULT_COLO_CAPEX_USD_PER_MW_IT,
            gross_to_it: DEFAULT_GROSS_TO_IT,
            lead_time_months: DEFAULT_LEAD_TIME_MONTHS,
            tenor_years: DEFAULT_TENOR_YEARS,
            shell_life_years: DEFAULT_SHELL_LIFE_YEARS,
            noi_margin: DEFAULT_NOI_MARGIN,
            default_hazard_per_year: DEFAULT_DEFAULT_HAZARD_PER_YEAR,
            gpu_capex_usd_per_mw_it: DEFAULT_GPU_CAPEX_USD_PER_MW_IT,
            gpus_per_mw_it: DEFAULT_GPUS_PER_MW_IT,
            gpu_hour_usd: DEFAULT_GPU_HOUR_USD,
            gpu_price_decline_per_year: DEFAULT_GPU_PRICE_DECLINE_PER_YEAR,
            gpu_utilization: DEFAULT_GPU_UTILIZATION,
            gpu_life_years: DEFAULT_GPU_LIFE_YEARS,
            cloud_opex_share: DEFAULT_CLOUD_OPEX_SHARE,
        }
    }
}

impl AiMarketParams {
    /// Checks every parameter's range.
    pub fn validate(&self) -> Result<(), ParamError> {
        self.demand.validate()?;
        check(
            "exogenous_supply_mw",
            self.exogenous_supply_mw,
            |x| x >= 0.0,
            ">= 0 MW",
        )?;
        check(
            "exogenous_supply_growth_per_year",
            self.exogenous_supply_growth_per_year,
            |x| x > -1.0 && x <= 10.0,
            "(-1, 10] per year",
        )?;
        check(
            "reference_rate_usd_per_mw_year",
            self.reference_rate_usd_per_mw_year,
            |x| x > 0.0,
            "> 0 USD per MW-year",
        )?;
        check(
            "rate_min_usd_per_mw_year",
            self.rate_min_usd_per_mw_year,
            |x| x > 0.0 && x <= self.reference_rate_usd_per_mw_year,
            "> 0 and <= reference_rate_usd_per_mw_year",
        )?;
        check(
            "rate_max_usd_per_mw_year",
            self.rate_max_usd_per_mw_year,
            |x| x >= self.reference_rate_usd_per_mw_year,
            ">= reference_rate_usd_per_mw_year",
        )?;
        check(
            "rate_elasticity",
            self.rate_elasticity,
            |x| (0.0..=5.0).contains(&x),
            "[0, 5]",
        )?;
        check(
            "colo_capex_usd_per_mw_it",
            self.colo_capex_usd_per_mw_it,
            |x| x >= 0.0,
            ">= 0 USD per MW",
        )?;
        check(
            "gross_to_it",
            self.gross_to_it,
            |x| x > 0.0 && x <= 1.0,
            "(0, 1]",
        )?;
        check(
            "lead_time_months",
            self.lead_time_months,
            |x| (0.0..=120.0).contains(&x),
            "[0, 120] months",
        )?;
        check(
            "tenor_years",
            self.tenor_years,
            |x| x > 0.0 && x <= 50.0,
            "(0, 50] years",
        )?;
        check(
            "shell_life_years",
            self.shell_life_years,
            |x| x >= self.tenor_years && x <= 50.0,
            ">= tenor_years and <= 50 years",
        )?;
        check(
            "noi_margin",
            self.noi_margin,
            |x| x > 0.0 && x <= 1.0,
            "(0, 1]",
        )?;
        check(
            "default_hazard_per_year",
            self.default_hazard_per_year,
            |x| (0.0..1.0).contains(&x),
            "[0, 1)",
        )?;
        check(
            "gpu_capex_usd_per_mw_it",
            self.gpu_capex_usd_per_mw_it,
            |x| x >= 0.0,
            ">= 0 USD per MW",
        )?;
        check(
            "gpus_per_mw_it",
            self.gpus_per_mw_it,
            |x| x > 0.0 && x <= 1e5,
            "(0, 100000]",
        )?;
        check(
            "gpu_hour_usd",
            self.gpu_hour_usd,
            |x| x > 0.0 && x <= 1e3,
            "(0, 1000] USD",
        )?;
        check(
            "gpu_price_decline_per_year",
            self.gpu_price_decline_per_year,
            |x| (0.0..1.0).contains(&x),
            "[0, 1)",
        )?;
        check(
            "gpu_utilization",
            self.gpu_utilization,
            |x| x > 0.0 && x <= 1.0,
            "(0, 1]",
        )?;
        check(
            "gpu_life_years",
            self.gpu_life_years,
            |x| x > 0.0 && x <= 20.0,
            "(0, 20] years",
        )?;
        check(
            "cloud_opex_share",
            self.cloud_opex_share,
            |x| (0.0..1.0).contains(&x),
            "[0, 1)",
        )
    }

    /// Revenue of a GPU-cloud contract signed at GPU-hour price `gpu_hour_usd`, USD per MW of
    /// critical IT per year.
    pub fn cloud_revenue_usd_per_mw_year(&self, gpu_hour_usd: f64) -> f64 {
        self.gpus_per_mw_it * gpu_hour_usd * self.gpu_utilization * HOURS_PER_YEAR
    }
}

/// The market's state: contracted MW from mining sites, and a demand shock factor.
#[derive(Debug, Clone, PartialEq)]
pub struct AiMarket {
    params: AiMarketParams,
    /// MW of critical IT contracted by mining sites (converting or operating).
    contracted_mw: f64,
    /// Multiplier of demand from scheduled shocks.
    demand_factor: f64,
    /// Multiplier of the rate from scheduled shocks.
    rate_factor: f64,
}

impl AiMarket {
    /// A market with nothing contracted yet.
    pub fn new(params: AiMarketParams) -> Result<Self, ParamError> {
        params.validate()?;
        Ok(Self {
            params,
            contracted_mw: 0.0,
            demand_factor: 1.0,
            rate_factor: 1.0,
        })
    }

    /// The parameters.
    pub fn params(&self) -> &AiMarketParams {
        &self.params
    }

    /// Demand at `t` years, MW of critical IT (shocks included).
    pub fn demand_mw(&self, t: f64) -> f64 {
        self.params.demand.mw_at(t) * self.demand_factor
    }

    /// Supply at `t` years: exogenous plus contracted from mining sites, MW of critical IT.
    pub fn supply_mw(&self, t: f64) -> f64 {
        self.exogenous_supply_mw(t) + self.contracted_mw
    }

    /// Exogenous supply at `t` years, MW of critical IT.
    pub fn exogenous_supply_mw(&self, t: f64) -> f64 {
        self.params.exogenous_supply_mw
            * (1.0 + self.params.exogenous_supply_growth_per_year).powf(t.max(0.0))
    }

    /// MW of critical IT contracted by mining sites.
    pub fn contracted_mw(&self) -> f64 {
        self.contracted_mw
    }

    /// Demand not yet served, MW of critical IT: `max(0, D - S)`.
    pub fn open_demand_mw(&self, t: f64) -> f64 {
        (self.demand_mw(t) - self.supply_mw(t)).max(0.0)
    }

    /// Colocation rate for a contract signed at `t` years, USD per MW of critical IT per year:
    /// `clamp(r_ref (D/S)^e, r_min, r_max)` (times a shock factor, then clamped).
    pub fn colocation_rate(&self, t: f64) -> f64 {
        let p = &self.params;
        let (d, s) = (self.demand_mw(t), self.supply_mw(t));
        let ratio = if s > 0.0 {
            d / s
        } else if d > 0.0 {
            f64::INFINITY
        } else {
            1.0
        };
        let r = p.reference_rate_usd_per_mw_year * ratio.powf(p.rate_elasticity) * self.rate_factor;
        r.clamp(p.rate_min_usd_per_mw_year, p.rate_max_usd_per_mw_year)
    }

    /// GPU-hour price at `t` years, USD: `p_0 (1 - d)^t`.
    pub fn gpu_hour_usd(&self, t: f64) -> f64 {
        self.params.gpu_hour_usd * (1.0 - self.params.gpu_price_decline_per_year).powf(t.max(0.0))
    }

    /// Books `mw` of critical IT as contracted (a signed contract) or, negative, released (a
    /// contract that ended). The total never goes below zero.
    pub fn add_contracted(&mut self, mw: f64) {
        self.contracted_mw = (self.contracted_mw + mw).max(0.0);
    }

    /// Sets the demand shock multiplier (> 0).
    pub fn set_demand_factor(&mut self, f: f64) -> Result<(), ParamError> {
        check("ai_demand factor", f, |x| x > 0.0, "> 0")?;
        self.demand_factor = f;
        Ok(())
    }

    /// Sets the rate shock multiplier (> 0).
    pub fn set_rate_factor(&mut self, f: f64) -> Result<(), ParamError> {
        check("ai_rate factor", f, |x| x > 0.0, "> 0")?;
        self.rate_factor = f;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_reproduce_the_reference_anchors() {
        let p = AiMarketParams::default();
        p.validate().unwrap();
        // IREN-Microsoft: about $9.7M per MW of critical IT per year.
        let cloud = p.cloud_revenue_usd_per_mw_year(p.gpu_hour_usd);
        assert!((cloud / 9.7e6 - 1.0).abs() < 0.01, "{cloud}");
        // Colocation rate at balance inside the quoted $1.2-1.9M.
        assert!((1.2e6..=1.9e6).contains(&p.reference_rate_usd_per_mw_year));
        assert!((7e6..=11e6).contains(&p.colo_capex_usd_per_mw_it));
    }

    #[test]
    fn rate_rises_with_shortage_and_is_bounded() {
        let mut m = AiMarket::new(AiMarketParams::default()).unwrap();
        // D/S = 5500/5000 at t = 0: r = 1.6M x 1.1^0.5.
        let r0 = m.colocation_rate(0.0);
        assert!((r0 - 1.6e6 * 1.1f64.sqrt()).abs() < 1.0, "{r0}");
        assert!((m.open_demand_mw(0.0) - 500.0).abs() < 1e-9);
        // Contracting supply lowers the rate and uses up open demand.
        m.add_contracted(500.0);
        assert!((m.colocation_rate(0.0) - 1.6e6).abs() < 1.0);
        assert_eq!(m.open_demand_mw(0.0), 0.0);
        m.add_contracted(1e9);
        assert_eq!(m.colocation_rate(0.0), DEFAULT_RATE_MIN);
        m.add_contracted(-2e9);
        assert_eq!(m.contracted_mw(), 0.0);
        m.set_demand_factor(100.0).unwrap();
        assert_eq!(m.colocation_rate(0.0), DEFAULT_RATE_MAX);
        assert!(m.set_demand_factor(-1.0).is_err());
    }

    #[test]
    fn gpu_price_declines_geometrically() {
        let m = AiMarket::new(AiMarketParams::default()).unwrap();
        let p2 = m.gpu_hour_usd(2.0);
        assert!((p2 - 2.37 * 0.75 * 0.75).abs() < 1e-12);
    }

    #[test]
    fn demand_paths_interpolate_and_reject_bad_values() {
        let p = DemandPath::Piecewise(vec![(1.0, 100.0), (3.0, 300.0)]);
        assert_eq!(p.mw_at(0.0), 100.0);
        assert_eq!(p.mw_at(2.0), 200.0);
        assert_eq!(p.mw_at(9.0), 300.0);
        let d = DemandPath::Daily(vec![1.0, 2.0]);
        assert_eq!(d.mw_at(1.5 / 365.25), 2.0);
        assert_eq!(d.mw_at(10.0), 2.0);
        let bad = DemandPath::Piecewise(vec![(0.0, -5.0)]);
        assert_eq!(bad.validate().unwrap_err().param, "demand.points.mw");
        let bad = DemandPath::Growth {
            mw: 1.0,
            growth_per_year: -1.0,
        };
        assert!(bad.validate().is_err());
        let p = AiMarketParams {
            tenor_years: 0.0,
            ..AiMarketParams::default()
        };
        assert_eq!(p.validate().unwrap_err().param, "tenor_years");
    }
}
