//! The outlook firms value with (`hashshift_models::firms::valuation::Outlook`): the market
//! view's hashprice outlook and frontier machine, the scenario's difficulty growth and ASIC
//! life, and the block-reward path of the valuation grid, computed at the day's first decision
//! and kept for the day.

use std::sync::Arc;

use hashshift_models::firms::valuation::{steps, FirmFactors, Outlook, RewardPath};

use super::MarketView;
use crate::scenario::AgentsSpec;

/// The block-reward path of the valuation grid, cached by day.
#[derive(Debug, Clone)]
pub(super) struct RewardCache {
    /// Day (since the start) the path was computed on; `i64::MIN` before the first decision.
    day: i64,
    path: Arc<RewardPath>,
}

impl Default for RewardCache {
    fn default() -> Self {
        Self {
            day: i64::MIN,
            path: Arc::default(),
        }
    }
}

impl RewardCache {
    /// The path at `v`, computed at the day's first call over the longest horizon of `spec`'s
    /// firms (at least 50 years). Keyed by day: the height moves by about 144 blocks a day,
    /// which changes no reward ratio except within a day of a halving.
    pub fn at(&mut self, spec: &AgentsSpec, v: &MarketView<'_>) -> Arc<RewardPath> {
        let day = v.now_days().floor() as i64;
        if self.day != day {
            let n = steps(spec.firms.horizon_years.1.max(50.0));
            self.path = Arc::new(RewardPath::new(v.height, v.fee_mean_btc, n));
            self.day = day;
        }
        Arc::clone(&self.path)
    }

    /// The path last computed (empty before the first decision): what the secondary market
    /// prices with between decisions.
    pub fn last(&self) -> &RewardPath {
        &self.path
    }

    /// The day of the path last computed.
    pub fn day(&self) -> i64 {
        self.day
    }
}

/// The market outlook at `v` over the reward path `rewards`, with a deciding firm's step
/// factors and path ([`FirmFactors::fill_path`]) if any.
pub(super) fn outlook<'a>(
    spec: &AgentsSpec,
    v: &MarketView<'_>,
    rewards: &'a RewardPath,
    firm: Option<FirmFactors>,
    firm_path: &'a [(f64, f64)],
) -> Outlook<'a> {
    Outlook {
        hashprice: v.hashprice_outlook,
        reward_ratio: &rewards.ratios,
        split_steps: &rewards.splits,
        difficulty_growth: spec.difficulty_growth_per_year,
        frontier_j_per_th: v.frontier.0,
        frontier_usd_per_th: v.frontier.1,
        frontier_improvement: v.frontier_improvement,
        frontier_price_trend: v.frontier_price_trend,
        asic_life_years: spec.asic_life_years,
        firm,
        firm_path,
    }
}
