//! The simulation: a builder that validates inputs and returns a runnable [`Simulation`]
//! (`builder.rs`), the event loop with the block and daily paths (here) and the end of an
//! epoch (`retarget.rs`).
//!
//! The simulation owns the clock, the queue, the consensus state, the [`Economy`] (which owns
//! the agents) and the [`Outbox`]. An event popped from the queue is handled in place (a block,
//! a hashrate change, the end), or handed to the economy with the outbox lent
//! (`Economy::new_day` at midnight, `Economy::on_agent_event` for the agents' events, which
//! builds the market view and calls `Agents::handle`); after every event but a block the
//! simulation schedules what the outbox asks for and sends its records to the recorder.

use hashshift_models::consensus::{self, DIFFICULTY_ADJUSTMENT_INTERVAL, SUBSIDY_HALVING_INTERVAL};
use hashshift_models::hashrate_path::HashratePath;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Exp1};

use super::clock::{Calendar, SimTime};
use super::difficulty::DifficultyControl;
use super::economy::Economy;
use super::error::{InvalidInput, InvariantError, SimError};
use super::event::Event;
use super::outbox::Outbox;
use super::queue::{EventQueue, Scheduled};
use crate::calendar::DAY_S;
use crate::record::RegionDayRecord;
use crate::record::{BlockRecord, EventKind, IntervalStats, Recorder, RunSummary, SecuritySummary};

mod builder;
mod retarget;

pub use builder::{RunOptions, SimulationBuilder};

/// 2^32, the expected hashes per block at difficulty 1 (in the hashrate-quoting convention).
const TWO_POW_32: f64 = 4_294_967_296.0;

/// Progress reports, called at every simulated midnight (UTC). Must be cheap.
pub trait Progress {
    /// `time_unix`: simulated time; `height`: next block height.
    fn update(&mut self, time_unix: i64, height: u64);
}

/// Ignores progress.
#[derive(Debug, Default, Clone, Copy)]
pub struct NoProgress;

impl Progress for NoProgress {
    fn update(&mut self, _: i64, _: u64) {}
}

/// Accumulators for the epoch in progress.
#[derive(Debug, Default, Clone, Copy)]
struct EpochAcc {
    blocks: u64,
    interval_sum: f64,
    /// Miner revenue at each block's price, USD; fees and subsidy, satoshi.
    revenue_usd: f64,
    fees_sat: u64,
    subsidy_sat: u64,
    /// Clock and cumulative hashes when the epoch's simulated span began.
    start_clock: SimTime,
    start_hashes: f64,
}

/// Run-level accumulators.
#[derive(Debug, Clone, Copy)]
struct Stats {
    blocks: u64,
    interval_sum: f64,
    interval_max: f64,
    retargets: u64,
    clamped: u64,
    halvings: u64,
    subsidy: u64,
    fees: u64,
}

impl Default for Stats {
    fn default() -> Self {
        Self {
            blocks: 0,
            interval_sum: 0.0,
            interval_max: f64::NAN,
            retargets: 0,
            clamped: 0,
            halvings: 0,
            subsidy: 0,
            fees: 0,
        }
    }
}

/// A runnable simulation (one run).
#[derive(Debug, Clone)]
pub struct Simulation {
    run_id: u64,
    seed: u64,
    name: String,
    /// Where the clock starts in unix time.
    calendar: Calendar,
    end_unix: i64,
    /// The end of the run.
    horizon: SimTime,
    start_height: u64,
    start_bits: u32,
    economy: Economy,
    /// Exogenous hashrate path (None: the economy's fleet).
    path: Option<HashratePath>,
    /// Start of the day being tallied, unix seconds.
    day_start_unix: i64,
    /// Scratch buffer for region-day records (reused daily).
    region_days: Vec<RegionDayRecord>,
    /// Records and events to schedule that handlers produced, lent to them.
    outbox: Outbox,
    /// Check the agents' invariants after every non-block event (tests).
    check_invariants: bool,
    /// The difficulty rule in force and its switches.
    difficulty_ctl: DifficultyControl,
    /// Exact intervals of the day's and the epoch's blocks (reused; per-day and per-epoch
    /// statistics, never per block).
    day_intervals: Vec<f64>,
    epoch_intervals: Vec<f64>,
    /// The run's security summary, folded in day by day.
    security: SecuritySummary,
    block_rng: ChaCha8Rng,
    queue: EventQueue,
    /// Now.
    clock: SimTime,
    /// Height of the next block.
    height: u64,
    /// Bits in force for the next block.
    bits: u32,
    difficulty: f64,
    /// Expected hashes per block at the current difficulty, D x 2^32.
    work_per_block: f64,
    /// Header time of the current epoch's first block (None until it is known).
    epoch_first_time: Option<i64>,
    /// Current network hashrate, H/s.
    hashrate: f64,
    path_index: usize,
    /// Hashes still needed for the pending block.
    work_remaining: f64,
    /// Clock when `work_remaining` was last brought up to date.
    work_updated_at: SimTime,
    generation: u64,
    /// The pending block's event, outside the queue ([`EventQueue::pop_before`]).
    next_block: Option<Scheduled>,
    block_pending: bool,
    last_block_clock: SimTime,
    /// Cumulative hashes done since start.
    hashes_total: f64,
    epoch: EpochAcc,
    stats: Stats,
    finished: bool,
}

impl Simulation {
    /// Checks invariants as the run goes: event times never go backwards, and at every
    /// midnight the network's numbers are finite and non-negative, the issued supply is within
    /// the cap, and the agents' books hold (MW conserved per site, each site owned by one
    /// firm, bankrupt firms holding nothing, finite cash and debt). A broken invariant ends the
    /// run with an error. For tests.
    pub fn with_invariant_checks(mut self) -> Self {
        self.check_invariants = true;
        self
    }

    /// Every site's state now: before [`Simulation::run`] the start, after it the end (empty
    /// without firms).
    pub fn sites(&self) -> Vec<crate::record::SiteSnapshot> {
        self.economy.site_snapshots()
    }

    /// Runs to the horizon, sending records to `recorder`; returns the run summary (which is
    /// also sent to the recorder). A simulation runs once.
    pub fn run<R: Recorder + ?Sized, P: Progress + ?Sized>(
        &mut self,
        recorder: &mut R,
        progress: &mut P,
    ) -> Result<RunSummary, SimError> {
        if self.finished {
            return Err(SimError::AlreadyRun);
        }
        self.finished = true;
        self.start();
        self.flush_outbox(recorder)?;
        while let Some(ev) = self.queue.pop_before(&mut self.next_block) {
            if self.check_invariants && (ev.time < self.clock || ev.time.is_nan()) {
                return Err(InvariantError::TimeWentBack {
                    event: format!("{:?}", ev.event),
                    time_s: ev.time.secs(),
                    clock_s: self.clock.secs(),
                }
                .into());
            }
            self.clock = ev.time;
            match ev.event {
                Event::BlockFound { generation } => {
                    if generation == self.generation && self.block_pending {
                        self.on_block(recorder)?;
                    }
                }
                Event::HashrateChange => self.on_hashrate_change(),
                Event::DailyTick => {
                    // Midnights are whole seconds: their unix time is exact.
                    debug_assert_eq!(self.clock.secs().fract(), 0.0);
                    let now = self.calendar.unix(self.clock);
                    self.end_day(now, recorder)?;
                    progress.update(now, self.height);
                    let subsidy = consensus::block_subsidy(self.height);
                    if let Some(h) =
                        self.economy
                            .new_day(now, self.difficulty, subsidy, &mut self.outbox)
                    {
                        self.set_hashrate(h);
                    }
                    let next = self.clock.after(DAY_S as f64);
                    if next < self.horizon {
                        self.queue.schedule(next, Event::DailyTick);
                    }
                }
                Event::End => break,
                agent_event => {
                    let now = self.calendar.unix(self.clock);
                    self.economy
                        .on_agent_event(agent_event, now, self.height, &mut self.outbox);
                }
            }
            if !matches!(ev.event, Event::BlockFound { .. }) {
                self.flush_outbox(recorder)?;
                if self.check_invariants && matches!(ev.event, Event::DailyTick) {
                    self.check_invariants_now()?;
                }
            }
        }
        self.book_work();
        if self.end_unix > self.day_start_unix {
            self.end_day(self.end_unix, recorder)?;
        }
        // Records of the blocks since the last other event (a halving in the last hours).
        self.flush_outbox(recorder)?;
        progress.update(self.end_unix, self.height);
        let summary = self.summary();
        recorder.summary(&summary)?;
        Ok(summary)
    }

    /// The invariants checked at every midnight by [`Simulation::with_invariant_checks`]: the
    /// network's (hashrate, price and difficulty finite and non-negative, the issued supply
    /// within the cap) and the agents' (see `Agents::check_invariants`).
    fn check_invariants_now(&self) -> Result<(), InvariantError> {
        let network = [
            ("hashrate", self.hashrate),
            ("price", self.economy.price()),
            ("difficulty", self.difficulty),
        ];
        for (what, x) in network {
            if !(x.is_finite() && x >= 0.0) {
                return Err(InvariantError::Network {
                    what,
                    value: x,
                    clock_s: self.clock.secs(),
                });
            }
        }
        let before = consensus::subsidy_issued_below(self.start_height);
        let supply = before + self.stats.subsidy;
        let expected = consensus::subsidy_issued_below(self.start_height + self.stats.blocks);
        if supply != expected || supply > consensus::TOTAL_SUBSIDY_SAT {
            return Err(InvariantError::Supply {
                supply_sat: supply,
                blocks: self.stats.blocks,
                start_height: self.start_height,
                expected_sat: expected,
                cap_sat: consensus::TOTAL_SUBSIDY_SAT,
            });
        }
        self.economy.check_agent_invariants()
    }

    /// Schedules the events handlers asked for (those before the horizon, never before now)
    /// and sends their records to `recorder`.
    fn flush_outbox<R: Recorder + ?Sized>(&mut self, recorder: &mut R) -> Result<(), SimError> {
        for (t, ev) in self.outbox.drain_scheduled() {
            if t < self.horizon {
                self.queue.schedule(t.max(self.clock), ev);
            }
        }
        Ok(self.outbox.send(recorder)?)
    }

    fn start(&mut self) {
        self.queue.schedule(self.horizon, Event::End);
        // First midnight after the start: the first day runs from the start to it.
        let start_unix = self.calendar.start_unix();
        let first_midnight = (start_unix.div_euclid(DAY_S) + 1) * DAY_S;
        let t = self.calendar.at_unix(first_midnight);
        if t < self.horizon {
            self.queue.schedule(t, Event::DailyTick);
        }
        match &self.path {
            Some(path) => {
                self.path_index = path.index_at(0.0);
                self.hashrate = path.values()[self.path_index];
                self.schedule_next_path_change();
            }
            None => {
                self.hashrate = self
                    .economy
                    .fleet_hashrate_hs()
                    .expect("fleet present without a path");
            }
        }
        self.epoch = EpochAcc::default();
        self.draw_work();
        self.schedule_block();
    }

    fn schedule_next_path_change(&mut self) {
        let Some(path) = &self.path else { return };
        if let Some(&t) = path.times().get(self.path_index + 1) {
            let t = SimTime::from_secs(t);
            if t < self.horizon {
                self.queue.schedule(t, Event::HashrateChange);
            }
        }
    }

    /// Books the work done since the last update at the current hashrate.
    #[inline]
    fn book_work(&mut self) {
        let done = self.hashrate * self.clock.since(self.work_updated_at);
        self.work_remaining = (self.work_remaining - done).max(0.0);
        self.hashes_total += done;
        self.work_updated_at = self.clock;
    }

    #[inline]
    fn draw_work(&mut self) {
        let e: f64 = Exp1.sample(&mut self.block_rng);
        self.work_remaining = e * self.work_per_block;
        self.work_updated_at = self.clock;
    }

    /// (Re)schedules the pending block from the remaining work and the current hashrate.
    #[inline]
    fn schedule_block(&mut self) {
        self.generation += 1;
        if self.hashrate > 0.0 {
            let t = self.clock.after(self.work_remaining / self.hashrate);
            self.block_pending = true;
            // The pending block is kept outside the queue (blocks are most of the events: a
            // heap push and pop each); the draw it replaces was void anyway (its generation).
            self.next_block = (t < self.horizon).then(|| {
                self.queue.stamp(
                    t,
                    Event::BlockFound {
                        generation: self.generation,
                    },
                )
            });
        } else {
            self.block_pending = false;
            self.next_block = None;
        }
    }

    fn on_hashrate_change(&mut self) {
        self.path_index += 1;
        let h = self
            .path
            .as_ref()
            .expect("path changes come from a path")
            .values()[self.path_index];
        self.set_hashrate(h);
        self.schedule_next_path_change();
    }

    /// Changes the network hashrate now: books the work done, reschedules the pending block.
    fn set_hashrate(&mut self, h: f64) {
        if h == self.hashrate {
            return;
        }
        self.book_work();
        self.hashrate = h;
        self.schedule_block();
    }

    /// Reports the day that started at `day_start_unix` and ends at `now`.
    fn end_day<R: Recorder + ?Sized>(
        &mut self,
        now: i64,
        recorder: &mut R,
    ) -> Result<(), SimError> {
        let mut regions = std::mem::take(&mut self.region_days);
        let mut rec = self.economy.end_day(
            (self.day_start_unix, now),
            self.hashrate,
            self.difficulty,
            self.height,
            &mut regions,
        );
        rec.intervals = IntervalStats::of(&mut self.day_intervals);
        self.day_intervals.clear();
        self.economy.observe_day(
            (now - self.day_start_unix) as f64,
            rec.blocks,
            self.hashrate,
        );
        rec.difficulty_rule = self.difficulty_ctl.rule().name();
        self.security.add_day(&rec);
        recorder.day(&rec)?;
        for r in &regions {
            recorder.region_day(r)?;
        }
        self.region_days = regions;
        self.day_start_unix = now;
        Ok(())
    }

    #[inline]
    fn on_block<R: Recorder + ?Sized>(&mut self, recorder: &mut R) -> Result<(), SimError> {
        // Book the hashes of this interval (the drawn work is now exactly used up).
        self.hashes_total += self.hashrate * self.clock.since(self.work_updated_at);
        let height = self.height;
        let time_unix = self.calendar.unix(self.clock);
        let interval = self.clock.since(self.last_block_clock);
        self.last_block_clock = self.clock;

        let pos = height % DIFFICULTY_ADJUSTMENT_INTERVAL;
        if pos == 0 {
            self.epoch_first_time = Some(time_unix);
        }
        let subsidy = consensus::block_subsidy(height);
        let fees = self.economy.sample_fees();
        let price = self.economy.price();
        let tally = &mut self.economy.tally;
        tally.blocks += 1;
        tally.fees_sat += fees;
        tally.subsidy_sat += subsidy;
        tally.revenue_usd += (subsidy + fees) as f64 / consensus::COIN as f64 * price;
        recorder.block(&BlockRecord {
            height,
            time_unix,
            interval_s: interval,
            bits: self.bits,
            difficulty: self.difficulty,
            hashrate_hs: self.hashrate,
            subsidy_sat: subsidy,
            fees_sat: fees,
            price_usd: price,
        })?;
        let s = &mut self.stats;
        s.blocks += 1;
        s.interval_sum += interval;
        s.interval_max = if s.interval_max.is_nan() {
            interval
        } else {
            s.interval_max.max(interval)
        };
        s.subsidy += subsidy;
        s.fees += fees;
        if height > 0 && height % SUBSIDY_HALVING_INTERVAL == 0 {
            s.halvings += 1;
            self.outbox
                .network_event(time_unix, EventKind::Halving, "", height as f64);
        }
        let e = &mut self.epoch;
        e.blocks += 1;
        e.interval_sum += interval;
        e.fees_sat += fees;
        e.subsidy_sat += subsidy;
        e.revenue_usd += (subsidy + fees) as f64 / consensus::COIN as f64 * price;
        // Within capacity: at most one day's and one epoch's blocks (the day buffer grows
        // only on a day with more blocks than any before).
        self.day_intervals.push(interval);
        self.epoch_intervals.push(interval);

        let (per_block_bits, switched) = self
            .difficulty_ctl
            .after_block(height, time_unix, self.bits)
            .map_err(InvalidInput::Difficulty)?;
        if let Some(rule) = switched {
            self.outbox.network_event(
                time_unix,
                EventKind::Shock,
                rule.name(),
                (height + 1) as f64,
            );
        }
        if pos == DIFFICULTY_ADJUSTMENT_INTERVAL - 1 {
            self.retarget(height, time_unix, per_block_bits, recorder)?;
        } else if let Some(bits) = per_block_bits {
            self.set_bits(bits);
            if self.economy.difficulty_moved(self.difficulty) {
                self.react_within_day(height + 1, time_unix);
            }
        }
        self.height += 1;
        self.draw_work();
        self.schedule_block();
        Ok(())
    }

    /// The fleet re-decides within the day at the difficulty of block `next_height`, at
    /// `now_unix` (a block was just found): the difficulty has moved past the reaction band.
    /// The finished block used up its work, so the new hashrate applies from now without
    /// booking. Kept out of line: rare, and off the per-block path.
    #[cold]
    #[inline(never)]
    fn react_within_day(&mut self, next_height: u64, now_unix: i64) {
        let subsidy = consensus::block_subsidy(next_height);
        if let Some(h) = self
            .economy
            .on_difficulty(now_unix, self.difficulty, subsidy)
        {
            self.hashrate = h;
        }
    }

    /// Puts `bits` in force for the next block.
    #[inline]
    fn set_bits(&mut self, bits: u32) {
        if bits != self.bits {
            self.bits = bits;
            self.difficulty = consensus::bits_to_difficulty(bits);
            self.work_per_block = self.difficulty * TWO_POW_32;
        }
    }

    fn summary(&self) -> RunSummary {
        let s = &self.stats;
        RunSummary {
            run_id: self.run_id,
            seed: self.seed,
            scenario: self.name.clone(),
            start_time_unix: self.calendar.start_unix(),
            end_time_unix: self.end_unix,
            start_height: self.start_height,
            end_height: (self.start_height + s.blocks).wrapping_sub(1),
            blocks: s.blocks,
            retargets: s.retargets,
            clamped_retargets: s.clamped,
            halvings: s.halvings,
            start_bits: self.start_bits,
            end_bits: self.bits,
            start_difficulty: consensus::bits_to_difficulty(self.start_bits),
            end_difficulty: self.difficulty,
            mean_interval_s: if s.blocks > 0 {
                s.interval_sum / s.blocks as f64
            } else {
                f64::NAN
            },
            max_interval_s: s.interval_max,
            subsidy_issued_sat: s.subsidy,
            fees_paid_sat: s.fees,
            security: self.security,
        }
    }

    /// Current clock.
    pub fn clock(&self) -> SimTime {
        self.clock
    }

    /// Height of the next block.
    pub fn height(&self) -> u64 {
        self.height
    }

    /// nBits in force.
    pub fn bits(&self) -> u32 {
        self.bits
    }
}
