//! hashshift-models: pure domain models of hashshift.
//!
//! No I/O, no event queue, no global RNG: every model validates its parameters when built and
//! takes the RNG as an argument.
//!
//! - [`consensus`]: exact Bitcoin consensus (subsidy, compact bits, retarget, difficulty).
//! - [`hashrate_path`]: exogenous network hashrate paths.
//! - [`hardware`]: ASIC catalog, efficiency frontier, mining regions.
//! - [`market`]: BTC price, fee and energy-price processes, with shocks.
//! - [`mining`]: short-run mining economics (CBECI threshold) and the fleet it operates.
//! - [`firms`]: the agents: firm population, beliefs, valuation of a MW, cash ledger.
//! - [`ai`]: the AI compute market converted sites sell into.
//! - [`param`]: the parameter error of agent-level models.
//! - [`security`]: double-spend race probabilities (Nakamoto, Rosenfeld), the aserti3-2d
//!   (Bitcoin Cash) and LWMA (Bitcoin Gold) difficulty rules bit for bit, and mining
//!   concentration (HHI, Nakamoto coefficient, top-k share).

pub mod ai;
pub mod consensus;
pub mod firms;
pub mod hardware;
pub mod hashrate_path;
pub mod market;
pub mod mining;
pub mod param;
pub mod security;
