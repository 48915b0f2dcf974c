//! The firms' running estimate of BTC's volatility: an exponentially weighted variance of daily
//! log returns with a 60-day half-life, annualized. It sets the real-option hurdle of an
//! irreversible conversion ([`crate::firms::valuation::real_option_multiple`]).

/// Exponentially weighted variance of daily BTC log returns (60-day half-life), annualized.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EwmaVolatility {
    /// Variance of a day's log return.
    var_per_day: f64,
    /// The last price observed, USD (0: none yet).
    last_price: f64,
}

impl EwmaVolatility {
    /// Weight of the old variance per day: `0.5^(1/60)`, a 60-day half-life.
    pub const DECAY: f64 = 0.988_514_020_7;

    /// An estimate that starts at `annual` (annualized volatility) before any price is seen.
    pub fn new(annual: f64) -> Self {
        Self {
            var_per_day: annual * annual / 365.25,
            last_price: 0.0,
        }
    }

    /// Observes the day's price, USD: the log return from the last observed price joins the
    /// variance (prices <= 0 are skipped as returns, and the next return starts from them).
    pub fn observe(&mut self, price: f64) {
        if price > 0.0 && self.last_price > 0.0 {
            let r = (price / self.last_price).ln();
            self.var_per_day = Self::DECAY * self.var_per_day + (1.0 - Self::DECAY) * r * r;
        }
        self.last_price = price;
    }

    /// The annualized volatility: `sqrt(variance per day x 365.25)`.
    pub fn annual(&self) -> f64 {
        (self.var_per_day * 365.25).sqrt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn starts_at_the_prior_and_ignores_the_first_price() {
        let mut v = EwmaVolatility::new(0.6);
        assert!((v.annual() - 0.6).abs() < 1e-15);
        v.observe(50_000.0);
        assert!((v.annual() - 0.6).abs() < 1e-15);
    }

    #[test]
    fn constant_prices_halve_the_variance_in_sixty_days() {
        let mut v = EwmaVolatility::new(0.8);
        let var0 = v.annual().powi(2);
        for _ in 0..61 {
            v.observe(100.0);
        }
        // 60 returns of zero: the variance decays by DECAY^60 = 1/2 (DECAY has 10 digits).
        let ratio = v.annual().powi(2) / var0;
        assert!((ratio - 0.5).abs() < 1e-7, "{ratio}");
    }

    #[test]
    fn steady_returns_converge_to_their_size() {
        // A daily log return of 2 % every day: the annualized volatility tends to
        // 0.02 x sqrt(365.25).
        let mut v = EwmaVolatility::new(0.0);
        let mut p = 100.0;
        for _ in 0..5_000 {
            v.observe(p);
            p *= 0.02f64.exp();
        }
        let want = 0.02 * 365.25f64.sqrt();
        assert!((v.annual() - want).abs() < 1e-9, "{} vs {want}", v.annual());
    }

    #[test]
    fn non_positive_prices_are_not_returns() {
        let mut v = EwmaVolatility::new(0.5);
        v.observe(0.0);
        v.observe(100.0);
        assert!((v.annual() - 0.5).abs() < 1e-15);
    }
}
