//! Mining firms, the agents of hashshift: who they are, what they believe, how they
//! value a megawatt and how they finance themselves. The engine (`hashshift::engine::agents`)
//! runs their monthly decisions; everything here is pure.
//!
//! - [`population`]: a generated population of firms owning the generated sites (heavy-tailed
//!   sizes by preferential attachment), with cash, debt, cost of capital, access to credit and
//!   strategy parameters.
//! - [`beliefs`]: naive, adaptive and drift expectations of the BTC price.
//! - [`valuation`]: present values per MW of mining (with refresh), AI colocation and AI cloud,
//!   and the real-option hurdle of an irreversible conversion.
//! - [`ledger`]: a firm's cash flows by source and the accounting identity they obey.
//! - [`named`]: real public miners (sizes and sites), for scenarios that name them, and how they
//!   enter a run (their machines, finances and strategy).
//! - [`secondary`]: the secondary ASIC market's prices (used machines, and new ones when the
//!   hashprice makes them worth less than their list price).

pub mod beliefs;
pub mod ledger;
pub mod named;
pub mod population;
pub mod secondary;
pub mod valuation;

pub use beliefs::{BeliefModel, Beliefs};
pub use ledger::Ledger;
pub use population::{FirmPopulationParams, FirmSpec, Strategy};
