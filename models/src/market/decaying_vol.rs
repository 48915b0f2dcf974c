//! BTC/USD as a GBM whose volatility decays over time:
//!
//! ```text
//! sigma(t) = sigma_inf + (sigma_start - sigma_inf) e^{-t / tau},     t in years since the start,
//! S_{t+dt} = S_t exp(mu dt - v_t / 2 + sqrt(v_t) Z),    v_t = integral_t^{t+dt} sigma(s)^2 ds,
//! ```
//!
//! with the variance of each step integrated exactly (`D = sigma_start - sigma_inf`,
//! `e = e^{-t / tau}`, `a = e^{-dt / tau}`):
//!
//! ```text
//! v_t = sigma_inf^2 dt + 2 sigma_inf D tau e (1 - a) + D^2 (tau / 2) e^2 (1 - a^2),
//! ```
//!
//! so `E[S_{t+dt} / S_t] = e^{mu dt}` at every step and the log price after `T` years has
//! variance `integral_0^T sigma(s)^2 ds` ([`DecayingVolGbm::integrated_variance`]) for any
//! `tau`. Each step draws one standard normal; `e` is carried from step to step (one
//! multiplication, no `exp` per step).
//!
//! Suggested defaults (`models/calibration/price_fees.py`, section 3), fitted to the realized
//! volatility of the calendar years 2016-2025 of `shared/reference/btc_daily.csv` (0.50, 0.93,
//! 0.84, 0.70, 0.78, 0.79, 0.65, 0.43, 0.52, 0.42; least squares on each year's
//! root-mean-square `sigma(t)`, `t` from 2016-01-01): `sigma(2016-01-01) = 0.822`, `tau = 21.3`
//! years and `sigma_inf = 0` (the fit's bound: ten years do not identify the floor, and the
//! fitted decay is close to a straight line). At the default start 2026-05-29 that is
//! `sigma_start = 0.505`, falling to 0.32 after 10 years and 0.20 after 20. The fit uses the
//! years after 2022 (the decline is not in 2016-2022: fitted on those years alone, the model
//! has no decay, `sigma` 0.78 from 2017 on), so it was not checked on a later window: use it
//! as the "volatility keeps falling" view, not as the validated default (that is
//! [`super::MeanReverting`]). The drift `mu` is arithmetic, as in the GBM (ASSUMPTION, no view:
//! 0, like [`super::price::DEFAULT_MU`]); a flat median needs `mu` equal to the horizon's
//! average of `sigma(t)^2 / 2`.

use rand::Rng;
use rand_distr::{Distribution, StandardNormal};

use super::error::Bounds::{Closed, OpenClosed};
use super::error::{check_in, MarketParamError};
use super::DT_YEARS;

/// Suggested volatility at the start (2026-05-29), per year (module doc).
pub const DEFAULT_SIGMA_START: f64 = 0.505;
/// Suggested long-run volatility, per year (module doc: the fit's bound).
pub const DEFAULT_SIGMA_INF: f64 = 0.0;
/// Suggested decay time, years (module doc).
pub const DEFAULT_TAU_YEARS: f64 = 21.3;

/// Parameters of the decaying-volatility GBM (validated).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DecayingVolGbm {
    mu: f64,
    sigma_start: f64,
    sigma_inf: f64,
    tau_years: f64,
}

impl DecayingVolGbm {
    /// Arithmetic drift `mu` in [-5, 5] per year, volatility at the start `sigma_start` and in
    /// the long run `sigma_inf`, each in [0, 5] per year, decay time `tau_years` in (0, 1000].
    pub fn new(
        mu: f64,
        sigma_start: f64,
        sigma_inf: f64,
        tau_years: f64,
    ) -> Result<Self, MarketParamError> {
        const SIGMA: &str = "[0, 5] per year";
        Ok(Self {
            mu: check_in("mu", mu, Closed(-5.0, 5.0), "[-5, 5] per year")?,
            sigma_start: check_in("sigma_start", sigma_start, Closed(0.0, 5.0), SIGMA)?,
            sigma_inf: check_in("sigma_inf", sigma_inf, Closed(0.0, 5.0), SIGMA)?,
            tau_years: check_in(
                "tau_years",
                tau_years,
                OpenClosed(0.0, 1000.0),
                "(0, 1000] years",
            )?,
        })
    }

    /// Arithmetic drift, per year.
    pub fn mu(&self) -> f64 {
        self.mu
    }

    /// Volatility at the start, per year.
    pub fn sigma_start(&self) -> f64 {
        self.sigma_start
    }

    /// Long-run volatility, per year.
    pub fn sigma_inf(&self) -> f64 {
        self.sigma_inf
    }

    /// Decay time, years.
    pub fn tau_years(&self) -> f64 {
        self.tau_years
    }

    /// Volatility `years` after the start, per year.
    pub fn sigma_at(&self, years: f64) -> f64 {
        self.sigma_inf + (self.sigma_start - self.sigma_inf) * (-years / self.tau_years).exp()
    }

    /// `integral_{t0}^{t1} sigma(s)^2 ds` (years since the start): the variance of the log
    /// price between them.
    pub fn integrated_variance(&self, t0: f64, t1: f64) -> f64 {
        let (s, d, tau) = (
            self.sigma_inf,
            self.sigma_start - self.sigma_inf,
            self.tau_years,
        );
        let (e0, e1) = ((-t0 / tau).exp(), (-t1 / tau).exp());
        s * s * (t1 - t0) + 2.0 * s * d * tau * (e0 - e1) + d * d * 0.5 * tau * (e0 * e0 - e1 * e1)
    }

    pub(super) fn state(&self) -> DecayingVolState {
        let tau = self.tau_years;
        let (s, d) = (self.sigma_inf, self.sigma_start - self.sigma_inf);
        // 1 - a and 1 - a^2 as expm1, accurate for dt << tau.
        let one_minus_a = -(-DT_YEARS / tau).exp_m1();
        let one_minus_a2 = -(-2.0 * DT_YEARS / tau).exp_m1();
        DecayingVolState {
            mu_dt: self.mu * DT_YEARS,
            floor_var: s * s * DT_YEARS,
            cross: 2.0 * s * d * tau * one_minus_a,
            square: d * d * 0.5 * tau * one_minus_a2,
            a: (-DT_YEARS / tau).exp(),
            e: 1.0,
        }
    }
}

/// The stepping state of [`DecayingVolGbm`] inside a price process.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct DecayingVolState {
    mu_dt: f64,
    floor_var: f64,
    cross: f64,
    square: f64,
    a: f64,
    /// `e^{-t / tau}` at the start of the next step.
    e: f64,
}

impl DecayingVolState {
    /// One day's log-return. Draws one standard normal.
    #[inline]
    pub(super) fn log_return<R: Rng + ?Sized>(&mut self, rng: &mut R) -> f64 {
        let z: f64 = StandardNormal.sample(rng);
        let v = self.floor_var + self.cross * self.e + self.square * self.e * self.e;
        self.e *= self.a;
        self.mu_dt - 0.5 * v + v.sqrt() * z
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_per_step_variances_add_up_to_the_integral() {
        for (s0, sinf, tau) in [
            (0.9, 0.3, 5.0),
            (0.5, 0.0, 21.3),
            (0.2, 0.8, 0.01),
            (0.6, 0.6, 3.0),
        ] {
            let m = DecayingVolGbm::new(0.0, s0, sinf, tau).unwrap();
            let mut st = m.state();
            let mut total = 0.0;
            for k in 0..3_653 {
                let v = st.floor_var + st.cross * st.e + st.square * st.e * st.e;
                let t = k as f64 * DT_YEARS;
                let exact = m.integrated_variance(t, t + DT_YEARS);
                // `integrated_variance` subtracts two nearly equal exponentials (dt << tau),
                // losing up to ~1e-12 relative; the step's expm1 form does not.
                assert!((v - exact).abs() <= 1e-10 * exact, "{k}: {v} {exact}");
                total += v;
                st.e *= st.a;
            }
            let exact = m.integrated_variance(0.0, 3_653.0 * DT_YEARS);
            assert!((total - exact).abs() < 1e-9 * exact, "{total} {exact}");
        }
        // Constant volatility is a GBM.
        let flat = DecayingVolGbm::new(0.1, 0.6, 0.6, 3.0).unwrap();
        assert!((flat.integrated_variance(2.0, 5.0) - 0.36 * 3.0).abs() < 1e-12);
        assert_eq!(flat.sigma_at(7.0), 0.6);
    }

    #[test]
    fn defaults_and_ranges() {
        let m = DecayingVolGbm::new(
            0.0,
            DEFAULT_SIGMA_START,
            DEFAULT_SIGMA_INF,
            DEFAULT_TAU_YEARS,
        )
        .unwrap();
        // The module doc's figures: 0.32 after 10 years, 0.20 after 20.
        assert!(
            (m.sigma_at(10.0) - 0.316).abs() < 0.002,
            "{}",
            m.sigma_at(10.0)
        );
        assert!(
            (m.sigma_at(20.0) - 0.197).abs() < 0.002,
            "{}",
            m.sigma_at(20.0)
        );
        for (r, name) in [
            (DecayingVolGbm::new(6.0, 0.5, 0.3, 5.0), "mu"),
            (DecayingVolGbm::new(0.0, -0.5, 0.3, 5.0), "sigma_start"),
            (DecayingVolGbm::new(0.0, 0.5, f64::NAN, 5.0), "sigma_inf"),
            (DecayingVolGbm::new(0.0, 0.5, 0.3, 0.0), "tau_years"),
            (
                DecayingVolGbm::new(0.0, 0.5, 0.3, f64::INFINITY),
                "tau_years",
            ),
        ] {
            match r {
                Err(MarketParamError::OutOfRange { param, .. }) => assert_eq!(param, name),
                other => panic!("{name}: {other:?}"),
            }
        }
    }
}
