//! The end of an epoch: the retarget, the epoch's record and the fleet's re-decision.

use hashshift_models::consensus::{self, DIFFICULTY_ADJUSTMENT_INTERVAL};

use super::{EpochAcc, SimError, Simulation, TWO_POW_32};
use crate::calendar::DAY_S;
use crate::record::{EpochRecord, EventKind, IntervalStats, Recorder};

impl Simulation {
    /// The end of an epoch: Bitcoin's retarget (or, under a per-block rule, the next block's
    /// `per_block_bits`), the epoch's record, and the fleet's re-decision.
    pub(super) fn retarget<R: Recorder + ?Sized>(
        &mut self,
        last_height: u64,
        last_time: i64,
        per_block_bits: Option<u32>,
        recorder: &mut R,
    ) -> Result<(), SimError> {
        let first_time = self
            .epoch_first_time
            .expect("epoch first time is known: set at start or at the epoch's first block");
        let r = match per_block_bits {
            None => consensus::retarget(self.bits, first_time, last_time),
            Some(bits) => {
                let timespan = last_time - first_time;
                consensus::Retarget {
                    bits,
                    timespan,
                    clamped_timespan: timespan,
                    clamp: consensus::Clamp::None,
                }
            }
        };
        let next_difficulty = consensus::bits_to_difficulty(r.bits);
        let span = self.clock.since(self.epoch.start_clock);
        let hashes = self.hashes_total - self.epoch.start_hashes;
        let intervals = IntervalStats::of(&mut self.epoch_intervals).unwrap_or_default();
        self.epoch_intervals.clear();
        let e = self.epoch;
        let span_days = span / DAY_S as f64;
        let rec = EpochRecord {
            epoch: last_height / DIFFICULTY_ADJUSTMENT_INTERVAL,
            start_height: last_height + 1 - DIFFICULTY_ADJUSTMENT_INTERVAL,
            end_height: last_height,
            first_block_time_unix: first_time,
            last_block_time_unix: last_time,
            timespan_s: r.timespan,
            timespan_clamped_s: r.clamped_timespan,
            clamped: r.clamp != consensus::Clamp::None,
            bits: self.bits,
            next_bits: r.bits,
            difficulty: self.difficulty,
            next_difficulty,
            difficulty_change_pct: (next_difficulty / self.difficulty - 1.0) * 100.0,
            blocks_simulated: self.epoch.blocks,
            mean_interval_s: self.epoch.interval_sum / self.epoch.blocks as f64,
            mean_hashrate_hs: if span > 0.0 {
                hashes / span
            } else {
                self.hashrate
            },
            implied_hashrate_hs: self.difficulty * TWO_POW_32
                / consensus::POW_TARGET_SPACING as f64,
            p95_interval_s: intervals.p95_s,
            max_interval_s: intervals.max_s,
            blocks_per_day: e.blocks as f64 / span_days,
            miner_revenue_usd_per_day: e.revenue_usd / span_days,
            fee_share: e.fees_sat as f64 / (e.fees_sat + e.subsidy_sat).max(1) as f64,
            difficulty_rule: self.difficulty_ctl.rule().name(),
            security: Default::default(),
        };
        self.stats.retargets += 1;
        self.stats.clamped += u64::from(rec.clamped);
        if rec.clamped {
            self.outbox.network_event(
                rec.last_block_time_unix,
                EventKind::RetargetClamped,
                "",
                rec.epoch as f64,
            );
        }
        self.bits = r.bits;
        self.difficulty = next_difficulty;
        self.work_per_block = next_difficulty * TWO_POW_32;
        // The fleet re-decides at the new difficulty. The finished block used up its work,
        // so the new hashrate applies from now without booking.
        let now = self.calendar.unix(self.clock);
        if let Some(h) = self.economy.on_difficulty(
            now,
            next_difficulty,
            consensus::block_subsidy(last_height + 1),
        ) {
            self.hashrate = h;
        }
        let mut rec = rec;
        rec.security = self
            .economy
            .security_snapshot(self.hashrate, now, last_height + 1);
        recorder.epoch(&rec)?;
        self.epoch = EpochAcc {
            start_clock: self.clock,
            start_hashes: self.hashes_total,
            ..EpochAcc::default()
        };
        Ok(())
    }
}
