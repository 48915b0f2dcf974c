//! What a firm expects of the BTC price: the drift `mu` (log growth per year) it plugs into
//! [`super::valuation`].
//!
//! - **naive**: the price stays where it is, `mu = 0` (a random-walk forecast).
//! - **adaptive**: `mu` is an exponentially weighted average of the log returns the firm has
//!   seen, with memory `m` years: at each observation `dt` years after the last,
//!   `mu <- mu + w (ln(P / P_last) / dt - mu)`, `w = 1 - exp(-dt / m)` (adaptive expectations,
//!   Cagan 1956; extrapolates recent trends, so it buys in booms and sells in busts).
//! - **drift**: a fixed conviction `mu` (e.g. a bull who expects +15 % a year).
//!
//! Every expectation used in a valuation saturates smoothly towards `±MAX_DRIFT`
//! (`MAX_DRIFT tanh(mu / MAX_DRIFT)`): even a firm that has just seen a doubling does not plan
//! on doubling every year, and firms whose raw estimates differ keep different expectations (a
//! hard clamp put ~40 % of the firms at the same cap at once, so they all invested together).
//! The population draws each firm's memory and conviction from a range
//! ([`super::population`]).

use crate::param::{check, ParamError};

/// Largest expected drift magnitude used in valuations, per year.
pub const MAX_DRIFT: f64 = 0.5;

/// How a firm forms its price expectation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum BeliefModel {
    /// `mu = 0`.
    Naive,
    /// Exponentially weighted average of observed log returns, memory in years (> 0).
    Adaptive {
        /// `m`, years.
        memory_years: f64,
    },
    /// A fixed drift, per year.
    Drift {
        /// `mu`, per year.
        mu: f64,
    },
}

impl BeliefModel {
    /// Checks the parameters.
    pub fn validate(&self) -> Result<(), ParamError> {
        match *self {
            BeliefModel::Naive => Ok(()),
            BeliefModel::Adaptive { memory_years } => check(
                "adaptive_memory_years",
                memory_years,
                |x| x > 0.0 && x <= 50.0,
                "(0, 50] years",
            ),
            BeliefModel::Drift { mu } => check(
                "drift_mu",
                mu,
                |x| (-MAX_DRIFT..=MAX_DRIFT).contains(&x),
                "[-0.5, 0.5] per year",
            ),
        }
    }

    /// Short name for outputs: `naive`, `adaptive` or `drift`.
    pub fn name(&self) -> &'static str {
        match self {
            BeliefModel::Naive => "naive",
            BeliefModel::Adaptive { .. } => "adaptive",
            BeliefModel::Drift { .. } => "drift",
        }
    }
}

/// A firm's belief state.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Beliefs {
    model: BeliefModel,
    /// Current estimate of the drift (adaptive), per year.
    drift: f64,
    /// Last observed price and time (years).
    last: Option<(f64, f64)>,
}

impl Beliefs {
    /// A firm with `model` that has seen nothing yet.
    pub fn new(model: BeliefModel) -> Self {
        Self {
            model,
            drift: 0.0,
            last: None,
        }
    }

    /// The model.
    pub fn model(&self) -> BeliefModel {
        self.model
    }

    /// Observes price `price` (> 0) at `t` years.
    pub fn observe(&mut self, price: f64, t: f64) {
        if let (BeliefModel::Adaptive { memory_years }, Some((p0, t0))) = (self.model, self.last) {
            let dt = t - t0;
            if dt > 0.0 && price > 0.0 && p0 > 0.0 {
                let w = 1.0 - (-dt / memory_years).exp();
                self.drift += w * ((price / p0).ln() / dt - self.drift);
            }
        }
        if price > 0.0 && price.is_finite() {
            self.last = Some((price, t));
        }
    }

    /// Expected log drift of the price per year, saturating towards `±MAX_DRIFT`:
    /// `MAX_DRIFT tanh(mu / MAX_DRIFT)` (slope 1 at 0, so small drifts are kept as they are).
    pub fn expected_drift(&self) -> f64 {
        let mu = match self.model {
            BeliefModel::Naive => 0.0,
            BeliefModel::Adaptive { .. } => self.drift,
            BeliefModel::Drift { mu } => mu,
        };
        MAX_DRIFT * (mu / MAX_DRIFT).tanh()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adaptive_beliefs_follow_a_trend_and_naive_ones_do_not() {
        let mut a = Beliefs::new(BeliefModel::Adaptive { memory_years: 1.0 });
        let mut n = Beliefs::new(BeliefModel::Naive);
        // A price growing at 20 % a year in log terms, observed monthly for 5 years.
        for k in 0..=60 {
            let t = k as f64 / 12.0;
            let p = 50_000.0 * (0.2 * t).exp();
            a.observe(p, t);
            n.observe(p, t);
        }
        // 0.5 tanh(0.2 / 0.5) = 0.190.
        assert!(
            (a.expected_drift() - 0.190).abs() < 0.01,
            "{}",
            a.expected_drift()
        );
        assert_eq!(n.expected_drift(), 0.0);
        let d = Beliefs::new(BeliefModel::Drift { mu: 0.15 });
        assert_eq!(d.expected_drift(), MAX_DRIFT * (0.15f64 / MAX_DRIFT).tanh());
        // A crash is extrapolated, but saturates short of -MAX_DRIFT, and a larger crash
        // still gives a (slightly) lower expectation: no two firms pile up at one cap.
        let mut b = a;
        a.observe(25_000.0, 5.0 + 1.0 / 12.0);
        b.observe(12_500.0, 5.0 + 1.0 / 12.0);
        let (da, db) = (a.expected_drift(), b.expected_drift());
        assert!(-MAX_DRIFT < db && db < da && da < -0.45, "{da} {db}");
    }

    #[test]
    fn parameters_are_checked() {
        assert!(BeliefModel::Adaptive { memory_years: 0.0 }
            .validate()
            .is_err());
        assert!(BeliefModel::Drift { mu: 0.9 }.validate().is_err());
        assert!(BeliefModel::Naive.validate().is_ok());
    }
}
