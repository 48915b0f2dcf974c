//! Helpers shared by the integration tests.

use std::path::Path;

use hashshift::engine::{NoProgress, SimulationBuilder};
use hashshift::record::MemoryRecorder;
use hashshift::scenario::Scenario;

/// A validated scenario from TOML text (panics on invalid test input).
pub fn scenario(text: &str) -> Scenario {
    Scenario::from_toml(text, Path::new("test.toml"), &[]).expect("test scenario is valid")
}

/// Runs `sc` with `seed` into memory.
pub fn run(sc: &Scenario, seed: u64) -> MemoryRecorder {
    let mut rec = MemoryRecorder::default();
    SimulationBuilder::new(sc)
        .seed(seed)
        .build()
        .expect("simulation builds")
        .run(&mut rec, &mut NoProgress)
        .expect("simulation runs");
    rec
}
