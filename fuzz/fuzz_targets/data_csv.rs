//! Fuzz target: `hashshift::fuzzing::data_csv` (see that module's docs for what it checks).
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| hashshift::fuzzing::data_csv(data));
