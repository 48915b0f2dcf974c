//! The security metrics of a day or an epoch, as plain records.

use super::DayRecord;

/// Security of the network at one moment (end of a day, or a retarget). Fields are `None`
/// where the run cannot compute them: everything but the new-ASIC attack cost needs a fleet
/// (`hashrate.kind = "fleet"`), the rental cost needs `security.rental_share > 0`.
///
/// The attacker out-mines the honest network for `security.attack_hours` (default 24 h):
/// he needs as much hashrate as the network runs. Costs are outlays (machines and energy),
/// see `hashshift_models::security::attack`.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SecuritySnapshot {
    /// Attack with new ASICs (the frontier model at its catalog price in force, plus
    /// energy), USD.
    pub attack_cost_new_usd: Option<f64>,
    /// Attack from the overhang (idle and unsold machines at secondary-market prices,
    /// cheapest first, plus energy; completed with new ASICs when too small), USD.
    pub attack_cost_overhang_usd: Option<f64>,
    /// Attack with rented hashrate (at most `rental_share` of the network, at the hashprice x
    /// (1 + premium); completed with new ASICs), USD.
    pub attack_cost_rental_usd: Option<f64>,
    /// The cheapest of the three, USD.
    pub attack_cost_min_usd: Option<f64>,
    /// Installed machines switched off (idle), EH/s.
    pub idle_ehs: Option<f64>,
    /// Machines unsold on the secondary market (decommissioned by their owners), EH/s.
    pub unsold_ehs: Option<f64>,
    /// The overhang: idle plus unsold, EH/s.
    pub overhang_ehs: Option<f64>,
    /// Idle plus unsold, over the network hashrate (can exceed 1).
    pub overhang_share: Option<f64>,
    /// Herfindahl-Hirschman index of firms' running hashrate (sites' without firms), 0..1.
    pub hhi: Option<f64>,
    /// Fewest firms (sites) holding more than half the running hashrate.
    pub nakamoto_coefficient: Option<u32>,
    /// Largest firm's share of the running hashrate.
    pub top1_share: Option<f64>,
    /// Five largest firms' share of the running hashrate.
    pub top5_share: Option<f64>,
    /// Probability that an attacker with the largest firm's share reverses a payment after 1
    /// confirmation (`security.double_spend_model`).
    pub double_spend_top1_1conf: Option<f64>,
    /// The same after 6 confirmations.
    pub double_spend_top1_6conf: Option<f64>,
    /// Probability that an attacker with the whole overhang (share O / (H + O)) reverses a
    /// payment after 1 confirmation.
    pub double_spend_overhang_1conf: Option<f64>,
    /// The same after 6 confirmations.
    pub double_spend_overhang_6conf: Option<f64>,
}

/// Block intervals of a day or an epoch: exact simulated times between consecutive blocks,
/// attributed to the later block.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct IntervalStats {
    /// Mean, seconds.
    pub mean_s: f64,
    /// 95th percentile (nearest rank: the `ceil(0.95 n)`-th smallest), seconds.
    pub p95_s: f64,
    /// Longest, seconds.
    pub max_s: f64,
}

impl IntervalStats {
    /// The statistics of `intervals` (reordered), `None` when empty.
    pub fn of(intervals: &mut [f64]) -> Option<Self> {
        let n = intervals.len();
        if n == 0 {
            return None;
        }
        let mean_s = intervals.iter().sum::<f64>() / n as f64;
        let max_s = intervals.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let rank = (0.95 * n as f64).ceil() as usize;
        let (_, p95, _) = intervals.select_nth_unstable_by(rank.max(1) - 1, f64::total_cmp);
        Some(IntervalStats {
            mean_s,
            p95_s: *p95,
            max_s,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn interval_stats_by_hand() {
        assert_eq!(IntervalStats::of(&mut []), None);
        let mut one = [600.0];
        let s = IntervalStats::of(&mut one).unwrap();
        assert_eq!((s.mean_s, s.p95_s, s.max_s), (600.0, 600.0, 600.0));
        // 1..=100: mean 50.5, p95 = the 95th smallest = 95, max 100.
        let mut v: Vec<f64> = (1..=100).rev().map(f64::from).collect();
        let s = IntervalStats::of(&mut v).unwrap();
        assert_eq!((s.mean_s, s.p95_s, s.max_s), (50.5, 95.0, 100.0));
        // 10 values: ceil(9.5) = 10th smallest = the max.
        let mut v: Vec<f64> = (1..=10).map(f64::from).collect();
        assert_eq!(IntervalStats::of(&mut v).unwrap().p95_s, 10.0);
    }
}

/// The run's security in a few numbers (part of the `summary` table), from the daily values.
/// NaN where no day had the metric.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SecuritySummary {
    /// Highest daily mean block interval, seconds.
    pub max_daily_mean_interval_s: f64,
    /// That over the 600 s target: the worst block-interval stretch.
    pub worst_interval_stretch: f64,
    /// Days whose mean interval exceeded 15 minutes (900 s), or that found no block.
    pub days_mean_interval_above_15min: u64,
    /// Lowest daily cheapest attack cost, USD.
    pub min_attack_cost_usd: f64,
    /// Highest daily overhang share.
    pub max_overhang_share: f64,
    /// Highest daily share of the largest firm.
    pub max_top1_share: f64,
    /// Highest daily double-spend probability after 1 confirmation (either attacker).
    pub max_double_spend_1conf: f64,
    /// Highest daily double-spend probability after 6 confirmations (either attacker).
    pub max_double_spend_6conf: f64,
}

impl Default for SecuritySummary {
    fn default() -> Self {
        Self {
            max_daily_mean_interval_s: f64::NAN,
            worst_interval_stretch: f64::NAN,
            days_mean_interval_above_15min: 0,
            min_attack_cost_usd: f64::NAN,
            max_overhang_share: f64::NAN,
            max_top1_share: f64::NAN,
            max_double_spend_1conf: f64::NAN,
            max_double_spend_6conf: f64::NAN,
        }
    }
}

/// `max` that ignores NaN (NaN only when both are).
fn nan_max(a: f64, b: f64) -> f64 {
    if a.is_nan() {
        b
    } else {
        a.max(b)
    }
}

/// `min` that ignores NaN (NaN only when both are).
fn nan_min(a: f64, b: f64) -> f64 {
    if a.is_nan() {
        b
    } else {
        a.min(b)
    }
}

impl SecuritySummary {
    /// Folds in one day.
    pub fn add_day(&mut self, d: &DayRecord) {
        match d.intervals {
            Some(i) => {
                self.max_daily_mean_interval_s = nan_max(self.max_daily_mean_interval_s, i.mean_s);
                self.worst_interval_stretch = self.max_daily_mean_interval_s / 600.0;
                self.days_mean_interval_above_15min += u64::from(i.mean_s > 900.0);
            }
            None => self.days_mean_interval_above_15min += 1,
        }
        let s = &d.security;
        let f = |v: Option<f64>| v.unwrap_or(f64::NAN);
        self.min_attack_cost_usd = nan_min(self.min_attack_cost_usd, f(s.attack_cost_min_usd));
        self.max_overhang_share = nan_max(self.max_overhang_share, f(s.overhang_share));
        self.max_top1_share = nan_max(self.max_top1_share, f(s.top1_share));
        for p in [s.double_spend_top1_1conf, s.double_spend_overhang_1conf] {
            self.max_double_spend_1conf = nan_max(self.max_double_spend_1conf, f(p));
        }
        for p in [s.double_spend_top1_6conf, s.double_spend_overhang_6conf] {
            self.max_double_spend_6conf = nan_max(self.max_double_spend_6conf, f(p));
        }
    }
}
