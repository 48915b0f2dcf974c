//! The integration tests, linked into one test binary (one link instead of one per file:
//! minutes less of build on two cores). Each module is one file of this folder; shared
//! helpers are in `common/`. `no_alloc.rs` stays a binary of its own: it installs a counting
//! global allocator.

mod common;

mod agent_inputs;
mod agent_invariants;
mod bad_input;
mod china_ban_2021;
mod cli;
mod economics;
mod engine_stats;
mod extreme_scenarios;
mod faults;
mod fee_spikes;
mod fuzz_corpus;
mod history_2020;
mod history_replay;
mod invariants;
mod migration;
mod outputs_doc;
mod price_feedback;
mod scenario_keys;
mod scenario_properties;
mod security;
mod supply;
mod sweep;
