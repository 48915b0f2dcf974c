//! Security models: how safe a confirmed payment is, how a difficulty rule other than
//! Bitcoin's 2016-block retarget reacts to hashrate leaving, and how concentrated mining is.
//!
//! All five submodules are pure (no I/O, no RNG) and validate their inputs with a typed error:
//!
//! | module | model | source |
//! |---|---|---|
//! | [`double_spend`] | probability that an attacker with hashrate share `q` catches up `z` confirmations | Nakamoto (2008) whitepaper section 11; Rosenfeld (2012, arXiv:1402.2009, 2014); Grunspan & Pérez-Marco (2017) |
//! | [`asert`] | aserti3-2d, the Bitcoin Cash absolutely scheduled exponentially rising targets rule (2-day half-life) | BCH upgrade spec `2020-11-15-asert.md` v0.5.1; Bitcoin Cash Node `src/pow.cpp` `CalculateASERT` |
//! | [`lwma`] | zawy12's linearly weighted moving average rule, Bitcoin Gold integer form | zawy12/difficulty-algorithms issue #3; BTCGPU `src/pow.cpp` `LwmaCalculateNextWorkRequired` |
//! | [`attack`] | cost of out-mining the network for a day: new ASICs, the idle/unsold overhang, rented hashrate | Budish (2018); Bonneau (2016) |
//! | [`concentration`] | Herfindahl-Hirschman index, Nakamoto coefficient, top-k share | Herfindahl (1950) / Hirschman (1945); Srinivasan & Lee (2017) |
//!
//! The difficulty rules are bit-exact integer ports (256-bit targets via
//! [`crate::consensus::U256`] and the compact encoding of [`crate::consensus`]); no
//! floating point touches a target. They are checked against the published test vectors
//! (all 14,000 rows of the 12 official aserti3-2d runs, the Bitcoin Cash Node unit cases, 23
//! real BCH mainnet blocks, and Bitcoin Gold's LWMA unit test) by
//! `models/tests/security_reference.rs`, which reads `../shared/reference`.
#![deny(missing_docs)]

pub mod asert;
pub mod attack;
pub mod concentration;
pub mod double_spend;
pub mod lwma;

pub use asert::{asert_next_bits, asert_next_target, Asert, AsertError};
pub use concentration::{
    herfindahl_hirschman_index, herfindahl_hirschman_points, min_entities_above,
    min_entities_at_least, nakamoto_coefficient, summarize, top_k_share, ConcentrationError,
    ConcentrationSummary, Summarizer,
};
pub use double_spend::{
    attacker_success_probability, min_confirmations, nakamoto_attacker_success,
    rosenfeld_attacker_success, DoubleSpendError, DoubleSpendModel,
};
pub use lwma::{lwma_next_bits, LwmaBlock, LwmaError, LwmaParams};
