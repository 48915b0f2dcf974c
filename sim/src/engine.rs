//! The discrete-event engine.
//!
//! # Time
//! One clock, [`clock::SimTime`]: seconds since the scenario start, with one conversion to days
//! and, through the run's [`clock::Calendar`], one to unix time (`start_unix + floor(clock)`).
//! Block header timestamps are those integer unix seconds, and the retarget uses them exactly
//! as consensus does (so a simulated epoch's measured timespan is an integer, as on the real
//! chain). Midnights fall on whole seconds; an agent event is handled at the whole second it
//! falls in.
//!
//! # Events
//! A binary min-heap keyed by (time, sequence number) ([`queue::EventQueue`]) holds the closed
//! [`event::Event`] set: block found, hashrate change, daily tick, end; the agents' events
//! (decisions, deliveries, energizations, contract ends), which arrive in time order for each
//! delay, wait in FIFO lanes beside it, popped in the same (time, sequence) order. Retargets
//! and halvings are consequences of block height, handled when a block is found.
//!
//! # Block arrivals: work accumulation
//! When a block is mined, the engine draws the work the next block needs,
//!
//! ```text
//! W = E * D * 2^32,     E ~ Exp(1),  D = difficulty now in force,
//! ```
//!
//! (`D * 2^32` is the expected hashes per block in the convention hashrate is quoted in by
//! Coin Metrics and Bitcoin Visuals; it is 0.0015% below the exact `2^256 / (target + 1)`.)
//! Work accrues at the network hashrate `H` (H/s). With `H` constant the block is found at
//! `now + W / H`, an exponential interval with mean `D * 2^32 / H`. Whenever `H` changes the
//! engine books the work done so far, `W <- W - H_old * (now - t_last)`, and reschedules the
//! pending block at `now + W / H_new`; the draw is never repeated, so arrivals are exactly a
//! non-homogeneous Poisson process for piecewise-constant `H`. With `H = 0` no block is pending
//! until `H > 0` again. A rescheduled block invalidates the old event by bumping a generation
//! counter (lazy deletion), so the heap never needs a decrease-key.
//!
//! # Consensus
//! Block `h` gets subsidy `block_subsidy(h)`. After the last block of an epoch
//! (`h % 2016 == 2015`) the next bits are `next_work_required(bits, time(first block of the
//! epoch), time(block h))`, Bitcoin Core's exact rule, before the next block's work is drawn.
//!
//! # Determinism
//! All randomness comes from per-component ChaCha8 streams derived from the run's seed
//! ([`rng`]); the block stream is used for nothing but the `E` draws, in block order.
//!
//! # Cost
//! The per-block path does a fixed amount of arithmetic, one heap push and pop on a heap of a
//! handful of entries (the thousands of pending agent events are in the lanes: one comparison
//! with the earliest lane front), one `Exp(1)` draw and one recorder call; it allocates
//! nothing and touches no per-firm state.

pub(crate) mod agents;
pub mod clock;
mod difficulty;
pub(crate) mod economy;
mod error;
pub mod event;
mod outbox;
pub mod queue;
pub mod rng;
mod simulation;

pub use clock::{Calendar, SimTime};
pub use error::{DifficultyError, InvalidInput, InvariantError, SimError};
pub use simulation::{NoProgress, Progress, RunOptions, Simulation, SimulationBuilder};
