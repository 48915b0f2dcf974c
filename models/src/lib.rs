//! hashshift-models: pure domain models of hashshift.
//!
//! No I/O, no event queue, no global RNG: every model validates its parameters when built and
//! takes the RNG as an argument.
//!
//! - [`consensus`]: exact Bitcoin consensus (subsidy, compact bits, retarget, difficulty).
//! - [`hashrate_path`]: exogenous network hashrate paths.

pub mod consensus;
pub mod hashrate_path;
