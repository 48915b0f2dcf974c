//! The efficiency frontier: ASIC generations that do not exist yet, and the price of a TH.
//!
//! # Future generations
//!
//! Let the *anchor* be the most efficient catalog model at the catalog's last release date
//! `t_a` (default catalog: Antminer S21 XP Hyd, 2025-01, 12.0 J/TH). With an improvement rate
//! `r` (J/TH falls by the fraction `r` per year), a generation interval `g` (years) and a trend
//! `q` of the price per TH of new machines (fractional change per year), generation `k >= 1` is
//! released at `t_k = t_a + k g` with
//!
//! ```text
//! e_k = e_a (1 - r)^(k g)                         efficiency, J/TH
//! P_k = P_a                                       power per unit, W (the anchor's)
//! h_k = P_k / e_k                                 hash rate per unit, TH/s
//! c_k = c_a (1 + q)^(k g)                         price per TH at release, USD/TH
//! id_k = max catalog id + k                       deterministic ids above the catalog's
//! ```
//!
//! and the anchor's lifetime. Between generations the frontier is a step function (the newest
//! generation released so far); [`Frontier::efficiency_at`] gives the smooth curve
//! `e_a (1 - r)^(t - t_a)` for comparison.
//!
//! # Calibration
//!
//! [`DEFAULT_IMPROVEMENT_RATE_PER_YEAR`] = 0.222 is the least-squares fit of
//! `ln e_best(t) = a + b t` to the default catalog's best efficiency sampled monthly from
//! 2016-07 (Antminer S9, 100 J/TH) to 2025-01 (S21 XP Hyd, 12 J/TH), `r = 1 - exp(b)`
//! ([`fit_improvement_rate`]). The trend has slowed: the same fit over 2020-02..2025-01 gives
//! 0.155 per year (and 0.296 over 2016-07..2020-02), so long horizons may want a lower rate.
//!
//! [`DEFAULT_PRICE_PER_TH_TREND_PER_YEAR`] = -0.17 is the least-squares fit of
//! `ln c_release = a + b t_release` over all default catalog models, `q = exp(b) - 1`
//! ([`fit_price_trend`]). The prices it is fitted to are themselves assumptions (see the catalog),
//! so this is an ASSUMPTION too.
//!
//! # Price of a TH of an existing model
//!
//! A model released at `t_0` with release price `c_0` (USD/TH) costs, new, at year `t`:
//!
//! ```text
//! c(t) = max( c_0 (1 - d)^max(0, t - t_0),  S / h )
//! ```
//!
//! with `d` the depreciation per year of age and `S` the scrap value of a unit (USD), `h` its
//! hash rate. Defaults (ASSUMPTION): `d = 0.40` (secondary-market prices of S9- and S19-class
//! machines fell by about an order of magnitude within 4-5 years of release: 0.6^4.5 = 0.10);
//! `S = 50` USD per unit (metal and power-supply salvage).

use std::fmt;

use super::catalog::{AsicModel, AsicSpec, Catalog};
use crate::param::check_all;

/// Fitted default improvement rate of the efficiency frontier, fraction per year (see module docs).
pub const DEFAULT_IMPROVEMENT_RATE_PER_YEAR: f64 = 0.222;
/// Fitted default trend of the price per TH of new machines, fraction per year (an assumption).
pub const DEFAULT_PRICE_PER_TH_TREND_PER_YEAR: f64 = -0.17;
/// Default time between frontier generations, years (ASSUMPTION: Bitmain's flagship cadence
/// S9 2016, S17 2019, S19 2020, S19 XP 2022, S21 2024, S21 XP 2025 averages about 1.7 years).
pub const DEFAULT_GENERATION_INTERVAL_YEARS: f64 = 1.5;
/// Default depreciation of a model's price per year of age (ASSUMPTION, see module docs).
pub const DEFAULT_DEPRECIATION_PER_YEAR: f64 = 0.40;
/// Default scrap value of a unit, USD (ASSUMPTION).
pub const DEFAULT_SCRAP_USD_PER_UNIT: f64 = 50.0;
/// Power of a typical ASIC unit, kW (S19: 3.25 kW, S21: 3.5 kW; reference/asic_specs.csv).
pub const TYPICAL_UNIT_KW: f64 = 3.3;
/// Scrap value of machines per kW of their power draw, USD: [`DEFAULT_SCRAP_USD_PER_UNIT`]
/// over [`TYPICAL_UNIT_KW`] (metal and power supplies scale with the box, and a box draws
/// about the same power whatever its generation).
pub const SCRAP_USD_PER_KW: f64 = DEFAULT_SCRAP_USD_PER_UNIT / TYPICAL_UNIT_KW;

/// Order book the manufacturers fill at list price, as a share of the running network
/// hashrate (ASSUMPTION: about four months of lead time at the network's growth of 50-75 % a
/// year, 2019-2025).
pub const NORMAL_BACKLOG_SHARE: f64 = 0.25;
/// Rise of the price of new machines per unit of order book beyond
/// [`NORMAL_BACKLOG_SHARE`] (ASSUMPTION: in the 2020-21 boom, with machines sold out six to
/// nine months ahead, about a network's worth of hashrate on order, prices per TH/s of new
/// machines roughly tripled; recalled, not in reference/).
pub const BACKLOG_PRICE_ELASTICITY: f64 = 2.5;
/// Largest multiple of the list price a full order book reaches.
pub const MAX_BACKLOG_PRICE_FACTOR: f64 = 4.0;

/// The multiple of the list price new machines sell at with `backlog_ths` TH/s on order
/// against `running_ths` running: `1 + k max(0, backlog / running - b0)`, at most
/// [`MAX_BACKLOG_PRICE_FACTOR`] (`k` = [`BACKLOG_PRICE_ELASTICITY`], `b0` =
/// [`NORMAL_BACKLOG_SHARE`]). Manufacturers do not deliver without limit at list price: a
/// rush of orders raises the price, which damps the herd of firms that would otherwise all
/// order at once when a price rally makes mining pay.
pub fn backlog_price_factor(backlog_ths: f64, running_ths: f64) -> f64 {
    if backlog_ths.is_nan() || backlog_ths <= 0.0 {
        return 1.0;
    }
    let share = if running_ths > 0.0 {
        backlog_ths / running_ths
    } else {
        f64::INFINITY
    };
    (1.0 + BACKLOG_PRICE_ELASTICITY * (share - NORMAL_BACKLOG_SHARE).max(0.0))
        .min(MAX_BACKLOG_PRICE_FACTOR)
}

/// The lead time manufacturers quote for new machines ordered now, days: the normal
/// `normal_days`, or the time factories making `output_ths_per_day` TH/s a day need to work
/// through the `backlog_ths` TH/s already on order, whichever is longer (first come, first
/// served: in the 2020-2021 boom machines were sold out six to nine months ahead). Without
/// output (no network to scale it by) the normal lead time.
pub fn quoted_lead_days(normal_days: f64, backlog_ths: f64, output_ths_per_day: f64) -> f64 {
    if output_ths_per_day > 0.0 && backlog_ths > 0.0 {
        normal_days.max(backlog_ths / output_ths_per_day)
    } else {
        normal_days
    }
}

/// The value of margins that start `extra_days` later than planned, relative to the planned:
/// `exp(-(discount_rate + difficulty_growth) extra_years)` (discounted at the firm's rate, and
/// the network grows meanwhile, so each TH/s earns less when it arrives). 1 for no delay.
pub fn delay_factor(extra_days: f64, discount_rate: f64, difficulty_growth: f64) -> f64 {
    (-(discount_rate + difficulty_growth) * extra_days.max(0.0) / 365.25).exp()
}

/// Scrap value of machines of efficiency `j_per_th` (J/TH), USD per TH/s:
/// [`SCRAP_USD_PER_KW`] x `j_per_th` / 1000. A floor that falls with efficiency, as the
/// hashrate of a box rises: about $0.28/TH at 18.6 J/TH (the 2026 fleet), $0.01/TH at
/// 0.6 J/TH; a fixed floor per TH/s would end up above the price of new machines.
pub fn scrap_usd_per_th(j_per_th: f64) -> f64 {
    SCRAP_USD_PER_KW * j_per_th / 1000.0
}

/// Why a frontier could not be built or fitted.
#[derive(Debug, Clone, PartialEq)]
pub enum FrontierError {
    /// A parameter is out of range.
    BadParam {
        name: &'static str,
        value: f64,
        rule: &'static str,
    },
    /// A fit window holds fewer than two points.
    TooFewPoints { from_year: f64, to_year: f64 },
}

impl fmt::Display for FrontierError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrontierError::BadParam { name, value, rule } => {
                write!(f, "frontier: {name} = {value} is not allowed ({rule})")
            }
            FrontierError::TooFewPoints { from_year, to_year } => write!(
                f,
                "frontier fit: fewer than two points between {from_year} and {to_year}"
            ),
        }
    }
}

impl std::error::Error for FrontierError {}

/// Frontier parameters (see module docs for the equations and defaults).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrontierParams {
    /// `r`: J/TH of the frontier falls by this fraction per year, in [0, 1).
    pub improvement_rate_per_year: f64,
    /// `q`: fractional change per year of the price per TH of new generations, > -1.
    pub price_per_th_trend_per_year: f64,
    /// `g`: years between generations, in [0.25, 10].
    pub generation_interval_years: f64,
    /// `d`: fractional fall per year of age of a model's price per TH, in [0, 1).
    pub depreciation_per_year: f64,
    /// `S`: scrap value of a unit, USD, >= 0.
    pub scrap_usd_per_unit: f64,
}

impl Default for FrontierParams {
    fn default() -> Self {
        Self {
            improvement_rate_per_year: DEFAULT_IMPROVEMENT_RATE_PER_YEAR,
            price_per_th_trend_per_year: DEFAULT_PRICE_PER_TH_TREND_PER_YEAR,
            generation_interval_years: DEFAULT_GENERATION_INTERVAL_YEARS,
            depreciation_per_year: DEFAULT_DEPRECIATION_PER_YEAR,
            scrap_usd_per_unit: DEFAULT_SCRAP_USD_PER_UNIT,
        }
    }
}

impl FrontierParams {
    /// Checks every parameter's range.
    pub fn validate(&self) -> Result<(), FrontierError> {
        let r = self.improvement_rate_per_year;
        let q = self.price_per_th_trend_per_year;
        let g = self.generation_interval_years;
        let d = self.depreciation_per_year;
        let s = self.scrap_usd_per_unit;
        check_all([
            (
                "improvement_rate_per_year",
                r,
                (0.0..1.0).contains(&r),
                "must be in [0, 1)",
            ),
            (
                "price_per_th_trend_per_year",
                q,
                q > -1.0,
                "must be finite and > -1",
            ),
            (
                "generation_interval_years",
                g,
                (0.25..=10.0).contains(&g),
                "must be in [0.25, 10]",
            ),
            (
                "depreciation_per_year",
                d,
                (0.0..1.0).contains(&d),
                "must be in [0, 1)",
            ),
            ("scrap_usd_per_unit", s, s >= 0.0, "must be finite and >= 0"),
        ])
        .map_err(|e| FrontierError::BadParam {
            name: e.param,
            value: e.value,
            rule: e.allowed,
        })
    }
}

/// The efficiency frontier over a catalog: real record-setting models up to the catalog's last
/// release, synthetic generations afterwards.
#[derive(Debug, Clone, PartialEq)]
pub struct Frontier {
    params: FrontierParams,
    /// Catalog models that set a new efficiency record, in release order; the last is the anchor.
    history: Vec<AsicModel>,
    max_catalog_id: u16,
}

impl Frontier {
    /// A frontier with validated parameters over `catalog`.
    pub fn new(params: FrontierParams, catalog: &Catalog) -> Result<Self, FrontierError> {
        params.validate()?;
        let mut history: Vec<AsicModel> = Vec::new();
        for m in catalog.models() {
            let record = history
                .last()
                .is_none_or(|b| m.efficiency_j_per_th() < b.efficiency_j_per_th());
            if record {
                history.push(m.clone());
            }
        }
        Ok(Self {
            params,
            history,
            max_catalog_id: catalog.max_id(),
        })
    }

    /// The default parameters over the default catalog.
    pub fn default_over(catalog: &Catalog) -> Self {
        Self::new(FrontierParams::default(), catalog).expect("default parameters are valid")
    }

    /// The parameters.
    pub fn params(&self) -> &FrontierParams {
        &self.params
    }

    /// The anchor: the most efficient catalog model at the catalog's last release.
    pub fn anchor(&self) -> &AsicModel {
        self.history
            .last()
            .expect("a catalog has at least one model")
    }

    /// Catalog models that set an efficiency record, in release order.
    pub fn history(&self) -> &[AsicModel] {
        &self.history
    }

    /// Release year of synthetic generation `k` (`k = 0` is the anchor).
    pub fn generation_release_year(&self, k: u32) -> f64 {
        self.anchor().release_year() + f64::from(k) * self.params.generation_interval_years
    }

    /// Synthetic generation `k >= 1` (`k = 0` returns the anchor). `None` if its id would not
    /// fit in a `u16`.
    pub fn generation(&self, k: u32) -> Option<AsicModel> {
        let a = self.anchor();
        if k == 0 {
            return Some(a.clone());
        }
        let id = u16::try_from(u32::from(self.max_catalog_id).checked_add(k)?).ok()?;
        let dt = f64::from(k) * self.params.generation_interval_years;
        let eff = a.efficiency_j_per_th() * (1.0 - self.params.improvement_rate_per_year).powf(dt);
        let price = a.price_usd_per_th_at_release()
            * (1.0 + self.params.price_per_th_trend_per_year).powf(dt);
        let spec = AsicSpec {
            id,
            manufacturer: "synthetic".to_string(),
            name: format!("Frontier gen {k}"),
            release_year: a.release_year() + dt,
            hashrate_ths: a.power_w() / eff,
            power_w: a.power_w(),
            price_usd_per_th_at_release: price,
            lifetime_years: a.lifetime_years(),
            source: "synthetic: hashshift efficiency frontier".to_string(),
            note: format!(
                "{k} x {} y after {} at {:.3}/y",
                self.params.generation_interval_years,
                a.name(),
                self.params.improvement_rate_per_year
            ),
            verified: false,
        };
        // Positive finite inputs give positive finite outputs unless they underflow/overflow.
        spec.build().ok()
    }

    /// Index of the newest synthetic generation released at or before `year` (0 = anchor;
    /// `None` before the anchor's release or for a non-finite year).
    pub fn generation_index_at(&self, year: f64) -> Option<u32> {
        let t_a = self.anchor().release_year();
        if !(year.is_finite() && year >= t_a) {
            return None;
        }
        let g = self.params.generation_interval_years;
        let mut k = ((year - t_a) / g).floor().min(f64::from(u32::MAX - 1)) as u32;
        // Make it exactly consistent with generation_release_year under rounding.
        while k > 0 && self.generation_release_year(k) > year {
            k -= 1;
        }
        while k < u32::MAX - 1 && self.generation_release_year(k + 1) <= year {
            k += 1;
        }
        Some(k)
    }

    /// The frontier model in force at `year`: the most efficient catalog model released by then
    /// up to the anchor's release, the newest synthetic generation afterwards. `None` before the
    /// catalog's first release (or when a generation's id would overflow `u16`).
    pub fn model_at(&self, year: f64) -> Option<AsicModel> {
        match self.generation_index_at(year) {
            Some(k) => self.generation(k),
            None => self
                .history
                .iter()
                .take_while(|m| m.release_year() <= year)
                .last()
                .cloned(),
        }
    }

    /// Synthetic generations released in the window `(y0, y1]`, oldest first (half-open, so
    /// consecutive windows never yield a generation twice).
    pub fn models_between(&self, y0: f64, y1: f64) -> impl Iterator<Item = AsicModel> + '_ {
        let first = match self.generation_index_at(y0) {
            Some(k) => k + 1,
            None if y0.is_nan() => u32::MAX,
            None => 1,
        };
        let last = self.generation_index_at(y1).unwrap_or(0);
        (first..=last).map_while(move |k| self.generation(k))
    }

    /// The smooth frontier efficiency at `year`, J/TH: the catalog's best up to the anchor's
    /// release, `e_a (1 - r)^(year - t_a)` afterwards; `None` before the first release.
    pub fn efficiency_at(&self, year: f64) -> Option<f64> {
        let a = self.anchor();
        if year >= a.release_year() {
            let dt = year - a.release_year();
            return Some(
                a.efficiency_j_per_th() * (1.0 - self.params.improvement_rate_per_year).powf(dt),
            );
        }
        self.model_at(year).map(|m| m.efficiency_j_per_th())
    }

    /// Price of a new unit of `model` at `year`, USD per TH/s:
    /// `max(c_0 (1 - d)^max(0, year - t_0), S / h)` (module docs). Before release it is the
    /// release price.
    pub fn price_usd_per_th(&self, model: &AsicModel, year: f64) -> f64 {
        let age = (year - model.release_year()).max(0.0);
        let p = model.price_usd_per_th_at_release()
            * (1.0 - self.params.depreciation_per_year).powf(age);
        p.max(self.params.scrap_usd_per_unit / model.hashrate_ths())
    }
}

/// Ordinary least-squares slope of `y` on `x` (the fit behind the frontier defaults).
pub fn ols_slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let sxx: f64 = points.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    sxy / sxx
}

/// Fits the improvement rate `r` of the catalog's best efficiency between `from_year` and
/// `to_year`: `ln e_best(t) = a + b t` by least squares over monthly samples
/// `t = from_year + i/12 <= to_year` with a model available, `r = 1 - exp(b)`.
pub fn fit_improvement_rate(
    catalog: &Catalog,
    from_year: f64,
    to_year: f64,
) -> Result<f64, FrontierError> {
    let mut points = Vec::new();
    let finite = from_year.is_finite() && to_year.is_finite();
    let mut i = 0u32;
    while finite && i <= 12 * 1000 {
        let t = from_year + f64::from(i) / 12.0;
        if t > to_year + 1e-9 {
            break;
        }
        if let Some(m) = catalog.best_efficiency_at(t + 1e-9) {
            points.push((t, m.efficiency_j_per_th().ln()));
        }
        i += 1;
    }
    if points.len() < 2 {
        return Err(FrontierError::TooFewPoints { from_year, to_year });
    }
    Ok(1.0 - ols_slope(&points).exp())
}

/// Fits the trend `q` of the price per TH at release over the catalog models released in
/// `[from_year, to_year]`: `ln c = a + b t` by least squares, `q = exp(b) - 1`.
pub fn fit_price_trend(
    catalog: &Catalog,
    from_year: f64,
    to_year: f64,
) -> Result<f64, FrontierError> {
    let points: Vec<(f64, f64)> = catalog
        .models()
        .iter()
        .filter(|m| (from_year..=to_year).contains(&m.release_year()))
        .map(|m| (m.release_year(), m.price_usd_per_th_at_release().ln()))
        .collect();
    let distinct = points.iter().any(|p| p.0 != points[0].0);
    if points.len() < 2 || !distinct {
        return Err(FrontierError::TooFewPoints { from_year, to_year });
    }
    Ok(ols_slope(&points).exp() - 1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frontier() -> (Catalog, Frontier) {
        let c = Catalog::default_catalog();
        let f = Frontier::default_over(&c);
        (c, f)
    }

    #[test]
    fn defaults_match_the_fits() {
        let c = Catalog::default_catalog();
        let r = fit_improvement_rate(&c, 2016.5, 2025.0).unwrap();
        assert!((r - DEFAULT_IMPROVEMENT_RATE_PER_YEAR).abs() < 5e-4, "{r}");
        let early = fit_improvement_rate(&c, 2016.5, 2020.0 + 1.0 / 12.0).unwrap();
        assert!((early - 0.296).abs() < 5e-3, "{early}");
        let recent = fit_improvement_rate(&c, 2020.0 + 1.0 / 12.0, 2025.0).unwrap();
        assert!((recent - 0.155).abs() < 5e-4, "{recent}");
        let q = fit_price_trend(&c, 2016.0, 2026.0).unwrap();
        assert!(
            (q - DEFAULT_PRICE_PER_TH_TREND_PER_YEAR).abs() < 5e-3,
            "{q}"
        );
        assert!(fit_improvement_rate(&c, 2010.0, 2011.0).is_err());
        assert!(fit_price_trend(&c, 2030.0, 2031.0).is_err());
    }

    #[test]
    fn anchor_and_history() {
        let (_, f) = frontier();
        assert_eq!(f.anchor().name(), "Antminer S21 XP Hyd");
        let h = f.history();
        assert_eq!(h[0].name(), "Antminer S9");
        assert!(h
            .windows(2)
            .all(|w| w[1].efficiency_j_per_th() < w[0].efficiency_j_per_th()
                && w[1].release_year() >= w[0].release_year()));
    }

    #[test]
    fn frontier_is_monotone() {
        let (c, f) = frontier();
        let mut prev_eff = f64::INFINITY;
        let mut prev_id = 0u16;
        let mut t = 2016.5;
        while t < 2045.0 {
            let m = f.model_at(t).unwrap();
            assert!(m.efficiency_j_per_th() <= prev_eff, "t={t}");
            assert!(m.release_year() <= t + 1e-12);
            if m.manufacturer() == "synthetic" {
                assert!(m.id() > c.max_id());
                assert!(m.id() >= prev_id);
                prev_id = m.id();
            }
            let smooth = f.efficiency_at(t).unwrap();
            assert!(smooth <= m.efficiency_j_per_th() * (1.0 + 1e-12), "t={t}");
            prev_eff = m.efficiency_j_per_th();
            t += 0.05;
        }
        assert!(f.model_at(2016.0).is_none());
        assert!(f.model_at(f64::NAN).is_none());
    }

    #[test]
    fn generations_follow_the_equations() {
        let (c, f) = frontier();
        let a = f.anchor().clone();
        let g1 = f.generation(1).unwrap();
        assert_eq!(g1.id(), c.max_id() + 1);
        assert_eq!(g1.release_year(), 2026.5);
        let want = a.efficiency_j_per_th() * (1.0f64 - 0.222).powf(1.5);
        assert!((g1.efficiency_j_per_th() - want).abs() < 1e-9);
        assert_eq!(g1.power_w(), a.power_w());
        assert!(g1.price_usd_per_th_at_release() < a.price_usd_per_th_at_release());
        // Exactly at a release date the new generation is in force.
        assert_eq!(f.model_at(2026.5).unwrap().id(), g1.id());
        assert_eq!(f.model_at(2026.49).unwrap().id(), a.id());
        let gens: Vec<_> = f.models_between(2025.0, 2030.0).map(|m| m.id()).collect();
        assert_eq!(gens, vec![37, 38, 39]); // 2026.5, 2028.0, 2029.5
        let a1: Vec<_> = f.models_between(2020.0, 2028.0).map(|m| m.id()).collect();
        let a2: Vec<_> = f.models_between(2028.0, 2030.0).map(|m| m.id()).collect();
        assert_eq!((a1, a2), (vec![37, 38], vec![39]));
        assert_eq!(f.models_between(2030.0, 2025.0).count(), 0);
        assert!(f.generation(70_000).is_none());
        assert!(f.generation_index_at(1e300).is_some());
        assert!(f.model_at(1e300).is_none()); // id would overflow u16
    }

    #[test]
    fn a_full_order_book_raises_the_price_of_new_machines() {
        assert_eq!(backlog_price_factor(0.0, 100.0), 1.0);
        assert_eq!(backlog_price_factor(25.0, 100.0), 1.0);
        assert!((backlog_price_factor(65.0, 100.0) - 2.0).abs() < 1e-12);
        assert_eq!(backlog_price_factor(500.0, 100.0), MAX_BACKLOG_PRICE_FACTOR);
        assert_eq!(backlog_price_factor(1.0, 0.0), MAX_BACKLOG_PRICE_FACTOR);
        assert_eq!(backlog_price_factor(f64::NAN, 100.0), 1.0);
    }

    #[test]
    fn a_full_order_book_lengthens_the_lead_time() {
        // Factories making 10 TH/s a day: 600 TH/s on order take 60 days, under the normal
        // 120; 3,000 take 300.
        assert_eq!(quoted_lead_days(120.0, 600.0, 10.0), 120.0);
        assert_eq!(quoted_lead_days(120.0, 3000.0, 10.0), 300.0);
        // The lead time grows with the book, one for one in days of output.
        assert_eq!(quoted_lead_days(120.0, 3010.0, 10.0), 301.0);
        assert_eq!(quoted_lead_days(120.0, 3000.0, 0.0), 120.0);
        assert_eq!(quoted_lead_days(120.0, 0.0, 10.0), 120.0);
        // A late delivery is worth less: one year late at 10 % + 17 % a year.
        assert_eq!(delay_factor(0.0, 0.1, 0.17), 1.0);
        assert_eq!(delay_factor(-5.0, 0.1, 0.17), 1.0);
        assert!((delay_factor(365.25, 0.1, 0.17) - (-0.27f64).exp()).abs() < 1e-15);
    }

    #[test]
    fn scrap_per_th_scales_with_power() {
        // An S19 (95 TH/s at 34 J/TH, 3.2 kW) scraps for about its $50.
        assert!((scrap_usd_per_th(34.0) * 95.0 - 50.0).abs() < 2.0);
        assert!(scrap_usd_per_th(0.6) < 0.01);
        assert_eq!(scrap_usd_per_th(0.0), 0.0);
    }

    #[test]
    fn prices_depreciate_to_scrap() {
        let (c, f) = frontier();
        let s19 = c.by_name("Antminer S19 Pro").unwrap();
        assert_eq!(f.price_usd_per_th(s19, 2019.0), 22.0);
        assert_eq!(f.price_usd_per_th(s19, s19.release_year()), 22.0);
        let p1 = f.price_usd_per_th(s19, s19.release_year() + 1.0);
        assert!((p1 - 22.0 * 0.6).abs() < 1e-9);
        let scrap = 50.0 / 110.0;
        assert_eq!(f.price_usd_per_th(s19, 2060.0), scrap);
        let mut prev = f64::INFINITY;
        for i in 0..200 {
            let p = f.price_usd_per_th(s19, 2020.0 + f64::from(i) * 0.1);
            assert!(p <= prev && p >= scrap);
            prev = p;
        }
    }

    #[test]
    fn params_are_validated() {
        let c = Catalog::default_catalog();
        let with = |f: fn(&mut FrontierParams)| {
            let mut p = FrontierParams::default();
            f(&mut p);
            Frontier::new(p, &c)
        };
        let e = with(|p| p.improvement_rate_per_year = 1.0).unwrap_err();
        let want = "frontier: improvement_rate_per_year = 1 is not allowed (must be in [0, 1))";
        assert_eq!(e.to_string(), want);
        assert!(with(|p| p.price_per_th_trend_per_year = f64::NAN).is_err());
        assert!(with(|p| p.price_per_th_trend_per_year = -1.0).is_err());
        assert!(with(|p| p.generation_interval_years = 0.0).is_err());
        assert!(with(|p| p.depreciation_per_year = -0.1).is_err());
        assert!(with(|p| p.scrap_usd_per_unit = -1.0).is_err());
        // Zero improvement: every generation has the anchor's efficiency.
        let flat = with(|p| p.improvement_rate_per_year = 0.0).unwrap();
        let (g, a) = (flat.model_at(2040.0).unwrap(), flat.anchor());
        assert_eq!(g.efficiency_j_per_th(), a.efficiency_j_per_th());
    }
}
