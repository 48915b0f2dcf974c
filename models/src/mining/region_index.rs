//! A region's units sorted by cost, for operation passes in O(switches) instead of O(units).
//!
//! Without a carbon tax, a unit's energy cost per TH/s per day is `k_i x p_r`, with the fixed
//! key `k_i = kWh per TH/s per day x site price factor` and the regional price `p_r` common to
//! the region. Under the threshold rule with hysteresis ([`super::economics::runs`]) the
//! running units then always form a *prefix* of the units sorted by `k_i`: a unit that runs has
//! started (or stayed) under a condition that every unit with a smaller key met too, and a
//! unit with a smaller key stops only under a condition that stops every larger one. So a pass
//! only moves the boundary between running and stopped units, and the totals are prefix sums.
//!
//! The prefix form breaks when a carbon tax adds a cost not proportional to `k_i`, or when a
//! ban takes arbitrary units offline; the region then switches, for good, to full scans
//! (`slow`). Both persist once they happen, so a region never needs to switch back.

/// Totals of one region after a pass.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(super) struct RegionPass {
    pub running_ths: f64,
    pub power_w: f64,
    pub it_power_w: f64,
    pub idle_ths: f64,
    pub offline_ths: f64,
    pub switched: u64,
    /// The running unit with the largest cost, and that cost (USD per TH/s per day).
    pub marginal: Option<(usize, f64)>,
}

/// Per-unit values the index needs.
#[derive(Debug, Clone, Copy)]
pub(super) struct IndexedUnit {
    pub unit: usize,
    pub key: f64,
    pub ths: f64,
    pub power_w: f64,
    pub it_power_w: f64,
}

/// One region's units in key order, with prefix sums.
#[derive(Debug, Clone, Default)]
pub(super) struct RegionIndex {
    /// Unit indices, sorted by key (ties by index).
    pub order: Vec<usize>,
    key: Vec<f64>,
    cum_ths: Vec<f64>,
    cum_power: Vec<f64>,
    cum_it: Vec<f64>,
    /// Units `order[..boundary]` run (fast mode only).
    boundary: usize,
    /// The prefix form no longer holds: full scans from now on.
    pub slow: bool,
}

impl RegionIndex {
    pub fn new(mut units: Vec<IndexedUnit>) -> Self {
        units.sort_by(|a, b| a.key.total_cmp(&b.key).then(a.unit.cmp(&b.unit)));
        let cum = |f: fn(&IndexedUnit) -> f64| {
            let mut acc = 0.0;
            std::iter::once(0.0)
                .chain(units.iter().map(|u| {
                    acc += f(u);
                    acc
                }))
                .collect::<Vec<f64>>()
        };
        Self {
            order: units.iter().map(|u| u.unit).collect(),
            key: units.iter().map(|u| u.key).collect(),
            cum_ths: cum(|u| u.ths),
            cum_power: cum(|u| u.power_w),
            cum_it: cum(|u| u.it_power_w),
            boundary: 0,
            slow: false,
        }
    }

    /// A pass at `hashprice` and regional price `price` (no tax, no offline unit): moves the
    /// boundary and updates `running` for the units that switch.
    pub fn fast_pass(
        &mut self,
        hashprice: f64,
        price: f64,
        hysteresis: f64,
        running: &mut [bool],
    ) -> RegionPass {
        use super::economics::runs;
        let n = self.order.len();
        let b0 = self.boundary;
        let mut b = b0;
        // Start the stopped units that now pay (they are off: the stricter rule applies).
        while b < n && runs(false, hashprice, self.key[b] * price, hysteresis) {
            running[self.order[b]] = true;
            b += 1;
        }
        // Otherwise stop the running units that no longer pay.
        if b == b0 {
            while b > 0 && !runs(true, hashprice, self.key[b - 1] * price, hysteresis) {
                running[self.order[b - 1]] = false;
                b -= 1;
            }
        }
        self.boundary = b;
        RegionPass {
            running_ths: self.cum_ths[b],
            power_w: self.cum_power[b],
            it_power_w: self.cum_it[b],
            idle_ths: self.cum_ths[n] - self.cum_ths[b],
            offline_ths: 0.0,
            switched: b.abs_diff(b0) as u64,
            marginal: (b > 0).then(|| (self.order[b - 1], self.key[b - 1] * price)),
        }
    }
}
