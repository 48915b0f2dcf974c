//! Energy price of one region, USD/kWh: mean-reverting log price with a yearly season and a
//! multiplicative scheduled shock.
//!
//! ```text
//! ln p(t) = ln level + seasonal(t) + x(t) + ln shock,
//! seasonal(t) = amplitude cos(2 pi (day_of_year - peak_day) / 365.25),
//! dx = -kappa x dt + sigma dW        (Ornstein-Uhlenbeck, kappa and sigma per year),
//! ```
//!
//! stepped daily with the exact discretization (no time-step bias for any `kappa`)
//!
//! ```text
//! x' = x e^{-kappa dt} + sigma sqrt((1 - e^{-2 kappa dt}) / (2 kappa)) Z,    dt = 1/365.25,
//! ```
//!
//! so `x` is a Gaussian AR(1) with lag-1 autocorrelation `e^{-kappa dt}`, stationary mean 0 and
//! stationary variance `sigma^2 / (2 kappa)`; the half-life of a deviation is `ln 2 / kappa`
//! years. `level` is thus the stationary *median* (geometric mean) of the deseasonalized price;
//! the stationary mean is `level e^{sigma^2 / (4 kappa)}`. `amplitude` is a log amplitude: the
//! seasonal factor runs from `e^{-amplitude}` to `e^{amplitude}`, highest on `peak_day`.
//!
//! The shock factor (default 1) multiplies the price without touching `x`: a scenario sets it
//! when an energy-price shock starts and back to 1 when it ends.
//!
//! No default levels are suggested: regional levels are scenario inputs, and
//! `shared/reference` holds no energy-price data to calibrate them on.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use super::error::Bounds::{Closed, OpenClosed};
use super::error::{check_in, check_positive, MarketParamError};
use super::{DAYS_PER_YEAR, DT_YEARS};

/// The energy-price state of one region (validated parameters, precomputed coefficients).
#[derive(Debug, Clone, PartialEq)]
pub struct EnergyPrice {
    level: f64,
    kappa: f64,
    sigma: f64,
    amplitude: f64,
    peak_day: f64,
    /// `e^{-kappa dt}`.
    ar: f64,
    /// `sigma sqrt((1 - e^{-2 kappa dt}) / (2 kappa))`.
    innovation_sd: f64,
    /// Log deviation from level and season.
    x: f64,
    shock: f64,
}

impl EnergyPrice {
    /// A region's energy price with `level` in (0, 10] USD/kWh, mean-reversion speed `kappa` in
    /// (0, 365] per year, volatility `sigma` in [0, 5] per year, seasonal log amplitude
    /// `amplitude` in [0, 1], and `peak_day` (day of year of the seasonal maximum) in [0, 366].
    /// It starts with no deviation (`x = 0`) and no shock.
    pub fn new(
        level: f64,
        kappa: f64,
        sigma: f64,
        amplitude: f64,
        peak_day: f64,
    ) -> Result<Self, MarketParamError> {
        let level = check_in("level", level, OpenClosed(0.0, 10.0), "(0, 10] USD/kWh")?;
        let kappa = check_in("kappa", kappa, OpenClosed(0.0, 365.0), "(0, 365] per year")?;
        let sigma = check_in("sigma", sigma, Closed(0.0, 5.0), "[0, 5] per year")?;
        let amplitude = check_in("amplitude", amplitude, Closed(0.0, 1.0), "[0, 1] (log)")?;
        let peak_day = check_in(
            "peak_day",
            peak_day,
            Closed(0.0, 366.0),
            "[0, 366] day of year",
        )?;
        let ar = (-kappa * DT_YEARS).exp();
        // 1 - e^{-2 kappa dt} = -expm1(-2 kappa dt), accurate for small kappa dt.
        let innovation_sd = sigma * (-(-2.0 * kappa * DT_YEARS).exp_m1() / (2.0 * kappa)).sqrt();
        Ok(Self {
            level,
            kappa,
            sigma,
            amplitude,
            peak_day,
            ar,
            innovation_sd,
            x: 0.0,
            shock: 1.0,
        })
    }

    /// Seasonal log factor on `day_of_year`: `amplitude cos(2 pi (day_of_year - peak_day) /
    /// 365.25)`.
    #[inline]
    pub fn seasonal(&self, day_of_year: f64) -> f64 {
        self.amplitude
            * (std::f64::consts::TAU * (day_of_year - self.peak_day) / DAYS_PER_YEAR).cos()
    }

    /// Price on `day_of_year` (1-based, fractions allowed) with the current deviation and
    /// shock, USD/kWh: `level exp(seasonal + x) shock`.
    #[inline]
    pub fn price_at_day(&self, day_of_year: f64) -> f64 {
        self.level * (self.seasonal(day_of_year) + self.x).exp() * self.shock
    }

    /// Advances the deviation one day and returns the price on `day_of_year` (the new day),
    /// USD/kWh. Draws one standard normal.
    #[inline]
    pub fn step<R: Rng + ?Sized>(&mut self, day_of_year: f64, rng: &mut R) -> f64 {
        let z: f64 = StandardNormal.sample(rng);
        self.x = self.x * self.ar + self.innovation_sd * z;
        self.price_at_day(day_of_year)
    }

    /// Draws the deviation from its stationary law `N(0, sigma^2 / (2 kappa))` (a start that
    /// needs no burn-in). Draws one standard normal.
    pub fn draw_stationary<R: Rng + ?Sized>(&mut self, rng: &mut R) {
        let z: f64 = StandardNormal.sample(rng);
        self.x = self.stationary_sd() * z;
    }

    /// Sets the multiplicative shock factor (finite, > 0; 1 = no shock). It replaces, not
    /// compounds, the previous factor.
    pub fn set_shock_factor(&mut self, factor: f64) -> Result<(), MarketParamError> {
        self.shock = check_positive("factor", factor)?;
        Ok(())
    }

    /// Current shock factor.
    pub fn shock_factor(&self) -> f64 {
        self.shock
    }

    /// Current log deviation `x` from level and season.
    pub fn deviation(&self) -> f64 {
        self.x
    }

    /// Sets the log deviation `x` (finite).
    pub fn set_deviation(&mut self, x: f64) -> Result<(), MarketParamError> {
        self.x = check_in("x", x, Closed(f64::MIN, f64::MAX), "finite")?;
        Ok(())
    }

    /// Lag-1 (one-day) autocorrelation of `x`, `e^{-kappa dt}`.
    pub fn daily_autocorrelation(&self) -> f64 {
        self.ar
    }

    /// Stationary standard deviation of `x`, `sigma / sqrt(2 kappa)`.
    pub fn stationary_sd(&self) -> f64 {
        self.sigma / (2.0 * self.kappa).sqrt()
    }

    /// Level (stationary median of the deseasonalized, unshocked price), USD/kWh.
    pub fn level(&self) -> f64 {
        self.level
    }

    /// Mean-reversion speed, per year.
    pub fn kappa(&self) -> f64 {
        self.kappa
    }

    /// Volatility of `x`, per year.
    pub fn sigma(&self) -> f64 {
        self.sigma
    }

    /// Seasonal log amplitude.
    pub fn amplitude(&self) -> f64 {
        self.amplitude
    }

    /// Day of year of the seasonal maximum.
    pub fn peak_day(&self) -> f64 {
        self.peak_day
    }
}
