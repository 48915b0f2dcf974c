//! [`SimulationBuilder`]: validates a scenario's inputs and builds a runnable [`Simulation`].

use hashshift_models::consensus::{self, DIFFICULTY_ADJUSTMENT_INTERVAL};
use hashshift_models::hashrate_path::HashratePath;

use super::{EpochAcc, Simulation, Stats, TWO_POW_32};
use crate::engine::clock::{Calendar, SimTime};
use crate::engine::difficulty::DifficultyControl;
use crate::engine::economy::Economy;
use crate::engine::error::{InvalidInput, SimError};
use crate::engine::outbox::Outbox;
use crate::engine::queue::EventQueue;
use crate::engine::rng::{Component, RngStreams};
use crate::record::SecuritySummary;
use crate::scenario::{ChainStart, DifficultySpec, EconomySpec, Scenario};

/// Choices a run makes once, outside the scenario: which records the engine builds at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunOptions {
    /// Build the monthly firm rows ([`crate::record::Recorder::firm_month`]): a scan of every
    /// firm's machines at each decision, skipped when the `firms` table is not written.
    /// Nothing else in the run changes.
    pub firm_rows: bool,
}

impl Default for RunOptions {
    /// Every record.
    fn default() -> Self {
        Self { firm_rows: true }
    }
}

/// Builds a [`Simulation`].
#[derive(Debug, Clone)]
pub struct SimulationBuilder {
    run_id: u64,
    seed: u64,
    name: String,
    start_unix: i64,
    end_unix: i64,
    chain: ChainStart,
    hashrate: Option<HashratePath>,
    economy: EconomySpec,
    difficulty: DifficultySpec,
    options: RunOptions,
}

impl SimulationBuilder {
    /// A builder for `scenario`, run id 0.
    pub fn new(scenario: &Scenario) -> Self {
        Self {
            run_id: 0,
            seed: scenario.seed,
            name: scenario.name.clone(),
            start_unix: scenario.start_unix,
            end_unix: scenario.end_unix,
            chain: scenario.chain,
            hashrate: scenario.hashrate.clone(),
            economy: scenario.economy.clone(),
            difficulty: scenario.difficulty.clone(),
            options: RunOptions::default(),
        }
    }

    /// Sets the run's options (default: every record).
    pub fn options(mut self, options: RunOptions) -> Self {
        self.options = options;
        self
    }

    /// Sets the run id (reported in the summary).
    pub fn run_id(mut self, id: u64) -> Self {
        self.run_id = id;
        self
    }

    /// Overrides the seed.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// Overrides the hashrate with an exogenous path.
    pub fn hashrate(mut self, path: HashratePath) -> Self {
        self.hashrate = Some(path);
        self.economy.network = None;
        self
    }

    /// Checks the inputs and returns a runnable simulation.
    pub fn build(self) -> Result<Simulation, SimError> {
        if self.end_unix <= self.start_unix {
            return Err(InvalidInput::EndNotAfterStart.into());
        }
        consensus::target_from_bits(self.chain.bits).map_err(InvalidInput::StartBits)?;
        let epoch_first_time = match (
            self.chain.height % DIFFICULTY_ADJUSTMENT_INTERVAL,
            self.chain.epoch_start_time,
        ) {
            (0, _) => None,
            (_, Some(t)) if t <= self.start_unix => Some(t),
            (_, Some(_)) => return Err(InvalidInput::EpochStartAfterRunStart.into()),
            (_, None) => return Err(InvalidInput::MissingEpochStart.into()),
        };
        if self.hashrate.is_none() && self.economy.network.is_none() {
            return Err(InvalidInput::NoHashrateSource.into());
        }
        let difficulty_ctl = DifficultyControl::new(
            &self.difficulty,
            self.chain.height,
            self.start_unix,
            self.chain.bits,
        )
        .map_err(InvalidInput::Difficulty)?;
        let streams = RngStreams::new(self.seed);
        let difficulty = consensus::bits_to_difficulty(self.chain.bits);
        let mut outbox = Outbox::new(self.options);
        let mut economy = Economy::new(
            &self.economy,
            &streams,
            self.start_unix,
            difficulty,
            consensus::block_subsidy(self.chain.height),
            &mut outbox,
        )?;
        economy.set_reaction(self.difficulty.reaction);
        Ok(Simulation {
            run_id: self.run_id,
            seed: self.seed,
            name: self.name,
            calendar: Calendar::new(self.start_unix),
            horizon: SimTime::from_secs((self.end_unix - self.start_unix) as f64),
            end_unix: self.end_unix,
            start_height: self.chain.height,
            start_bits: self.chain.bits,
            economy,
            path: self.hashrate,
            day_start_unix: self.start_unix,
            region_days: Vec::with_capacity(16),
            outbox,
            check_invariants: false,
            difficulty_ctl,
            day_intervals: Vec::with_capacity(512),
            epoch_intervals: Vec::with_capacity(DIFFICULTY_ADJUSTMENT_INTERVAL as usize),
            security: SecuritySummary::default(),
            block_rng: streams.stream(Component::Blocks, 0),
            queue: EventQueue::with_capacity(16),
            clock: SimTime::ZERO,
            height: self.chain.height,
            bits: self.chain.bits,
            difficulty,
            work_per_block: difficulty * TWO_POW_32,
            epoch_first_time,
            hashrate: 0.0,
            path_index: 0,
            work_remaining: 0.0,
            work_updated_at: SimTime::ZERO,
            generation: 0,
            next_block: None,
            block_pending: false,
            last_block_clock: SimTime::ZERO,
            hashes_total: 0.0,
            epoch: EpochAcc::default(),
            stats: Stats::default(),
            finished: false,
        })
    }
}
