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

/// Passes between exact recomputations of the running totals (bounds rounding drift).
const RESYNC_PASSES: u32 = 64;

/// One region's units in key order, with running totals kept incrementally.
#[derive(Debug, Clone, Default)]
pub(super) struct RegionIndex {
    /// Unit indices, sorted by key (ties by index).
    pub order: Vec<usize>,
    key: Vec<f64>,
    /// Totals of the running prefix `order[..boundary]`: TH/s, meter power, machine power.
    run: [f64; 3],
    /// TH/s of all the region's units.
    total_ths: f64,
    /// Units `order[..boundary]` run (fast mode only).
    boundary: usize,
    /// The prefix form no longer holds: full scans from now on.
    pub slow: bool,
    /// Passes until the totals are recomputed exactly.
    resync_in: u32,
}

impl RegionIndex {
    /// An index of `(unit, key)` pairs; totals are computed at the first pass.
    pub fn new(mut units: Vec<(usize, f64)>) -> Self {
        units.sort_by(|a, b| a.1.total_cmp(&b.1).then(a.0.cmp(&b.0)));
        Self {
            order: units.iter().map(|u| u.0).collect(),
            key: units.iter().map(|u| u.1).collect(),
            resync_in: 0,
            ..Self::default()
        }
    }

    /// Inserts a unit (whose index is larger than every indexed one, of TH/s, meter power and
    /// machine power `values`) at its key's place. Returns whether it should start at once:
    /// when a running unit of the region has a key at least its own (in fast mode: it lands
    /// inside the running prefix, which it joins).
    pub fn insert(&mut self, unit: usize, key: f64, values: [f64; 3], running: &[bool]) -> bool {
        let pos = self.key.partition_point(|&k| k <= key);
        let starts = if self.slow {
            self.order[pos..].iter().any(|&i| running[i])
        } else {
            pos < self.boundary
        };
        self.order.insert(pos, unit);
        self.key.insert(pos, key);
        self.total_ths += values[0];
        if starts && !self.slow {
            self.boundary += 1;
            (0..3).for_each(|j| self.run[j] += values[j]);
        }
        starts
    }

    /// A unit's TH/s, meter power and machine power changed by `delta`; `running` says whether
    /// it runs.
    pub fn adjust(&mut self, delta: [f64; 3], running: bool) {
        self.total_ths += delta[0];
        if running && !self.slow {
            (0..3).for_each(|j| self.run[j] += delta[j]);
        }
    }

    /// Drops units without machines (TH/s = 0) from the order and recomputes the totals
    /// exactly from per-unit values.
    fn resync(&mut self, v: (&[f64], &[f64], &[f64])) {
        let (ths, power, it) = v;
        let mut kept = 0;
        let mut boundary = self.boundary;
        for k in 0..self.order.len() {
            let i = self.order[k];
            if ths[i] > 0.0 {
                self.order[kept] = i;
                self.key[kept] = self.key[k];
                kept += 1;
            } else if k < self.boundary {
                boundary -= 1;
            }
        }
        self.order.truncate(kept);
        self.key.truncate(kept);
        self.boundary = boundary;
        self.run = [0.0; 3];
        for &i in &self.order[..self.boundary] {
            self.run[0] += ths[i];
            self.run[1] += power[i];
            self.run[2] += it[i];
        }
        self.total_ths = self.order.iter().map(|&i| ths[i]).sum();
        self.resync_in = RESYNC_PASSES;
    }

    /// A pass at `hashprice` and regional price `price` (no tax, no offline unit): moves the
    /// boundary, updates `running` and the totals for the units that switch and reports each
    /// switch to `on_switch(unit, now_running)`.
    #[allow(clippy::too_many_arguments)]
    pub fn fast_pass(
        &mut self,
        hashprice: f64,
        price: f64,
        hysteresis: f64,
        running: &mut [bool],
        values: (&[f64], &[f64], &[f64]),
        mut on_switch: impl FnMut(usize, bool),
    ) -> RegionPass {
        use super::economics::runs;
        if self.resync_in == 0 {
            self.resync(values);
        }
        self.resync_in -= 1;
        let (ths, power, it) = values;
        let n = self.order.len();
        let b0 = self.boundary;
        let mut b = b0;
        // Start the stopped units that now pay (they are off: the stricter rule applies).
        while b < n && runs(false, hashprice, self.key[b] * price, hysteresis) {
            let i = self.order[b];
            running[i] = true;
            on_switch(i, true);
            self.run[0] += ths[i];
            self.run[1] += power[i];
            self.run[2] += it[i];
            b += 1;
        }
        // Otherwise stop the running units that no longer pay.
        if b == b0 {
            while b > 0 && !runs(true, hashprice, self.key[b - 1] * price, hysteresis) {
                let i = self.order[b - 1];
                running[i] = false;
                on_switch(i, false);
                self.run[0] -= ths[i];
                self.run[1] -= power[i];
                self.run[2] -= it[i];
                b -= 1;
            }
        }
        self.boundary = b;
        if b == 0 {
            self.run = [0.0; 3];
        }
        // Incremental totals carry rounding; a total is never negative.
        RegionPass {
            running_ths: self.run[0].max(0.0),
            power_w: self.run[1].max(0.0),
            it_power_w: self.run[2].max(0.0),
            idle_ths: (self.total_ths - self.run[0]).max(0.0),
            offline_ths: 0.0,
            switched: b.abs_diff(b0) as u64,
            marginal: (b > 0).then(|| (self.order[b - 1], self.key[b - 1] * price)),
        }
    }
}
