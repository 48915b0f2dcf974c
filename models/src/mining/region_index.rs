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
    /// The prefix sums are out of date (a unit was added or resized).
    dirty: bool,
}

impl RegionIndex {
    /// An index of `(unit, key)` pairs; prefix sums are built at the first pass.
    pub fn new(mut units: Vec<(usize, f64)>) -> Self {
        units.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        Self {
            order: units.iter().map(|u| u.0).collect(),
            key: units.iter().map(|u| u.1).collect(),
            dirty: true,
            ..Self::default()
        }
    }

    /// Inserts a unit (whose index is larger than every indexed one) at its key's place.
    /// Returns whether it should start at once: when a running unit of the region has a key
    /// at least its own (in fast mode: it lands inside the running prefix, which it joins).
    pub fn insert(&mut self, unit: usize, key: f64, running: &[bool]) -> bool {
        let pos = self.key.partition_point(|&k| k <= key);
        let starts = if self.slow {
            self.order[pos..].iter().any(|&i| running[i])
        } else {
            pos < self.boundary
        };
        self.order.insert(pos, unit);
        self.key.insert(pos, key);
        self.dirty = true;
        if starts && !self.slow {
            self.boundary += 1;
        }
        starts
    }

    /// Marks the prefix sums out of date (a unit's size changed).
    pub fn mark_dirty(&mut self) {
        self.dirty = true;
    }

    /// Rebuilds the prefix sums from per-unit TH/s, meter power and machine power if needed.
    fn refresh_sums(&mut self, ths: &[f64], power: &[f64], it: &[f64]) {
        if !self.dirty {
            return;
        }
        let cum = |v: &[f64], out: &mut Vec<f64>, order: &[usize]| {
            out.clear();
            out.push(0.0);
            let mut acc = 0.0;
            for &i in order {
                acc += v[i];
                out.push(acc);
            }
        };
        cum(ths, &mut self.cum_ths, &self.order);
        cum(power, &mut self.cum_power, &self.order);
        cum(it, &mut self.cum_it, &self.order);
        self.dirty = false;
    }

    /// A pass at `hashprice` and regional price `price` (no tax, no offline unit): moves the
    /// boundary, updates `running` for the units that switch and reports each switch to
    /// `on_switch(unit, now_running)`.
    #[allow(clippy::too_many_arguments)]
    pub fn fast_pass(
        &mut self,
        hashprice: f64,
        price: f64,
        hysteresis: f64,
        running: &mut [bool],
        (ths, power, it): (&[f64], &[f64], &[f64]),
        mut on_switch: impl FnMut(usize, bool),
    ) -> RegionPass {
        use super::economics::runs;
        self.refresh_sums(ths, power, it);
        let n = self.order.len();
        let b0 = self.boundary;
        let mut b = b0;
        // Start the stopped units that now pay (they are off: the stricter rule applies).
        while b < n && runs(false, hashprice, self.key[b] * price, hysteresis) {
            running[self.order[b]] = true;
            on_switch(self.order[b], true);
            b += 1;
        }
        // Otherwise stop the running units that no longer pay.
        if b == b0 {
            while b > 0 && !runs(true, hashprice, self.key[b - 1] * price, hysteresis) {
                running[self.order[b - 1]] = false;
                on_switch(self.order[b - 1], false);
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
