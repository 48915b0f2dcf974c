//! The per-block path allocates nothing: a run of 20 years (~1.05M blocks) performs the same
//! number of heap allocations as a run of a few days, apart from the fixed set-up cost.

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};

use hashshift::engine::{NoProgress, SimulationBuilder};
use hashshift::record::NullRecorder;
use hashshift::scenario::Scenario;

struct Counting;

static ALLOCATIONS: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Allocations made by `run()` alone (the simulation is built beforehand).
fn allocations_during_run(horizon_years: f64, path: &str) -> (u64, u64) {
    let text = format!("horizon_years = {horizon_years}\n{path}");
    let sc = Scenario::from_toml(&text, Path::new("alloc.toml"), &[]).unwrap();
    let mut sim = SimulationBuilder::new(&sc).build().unwrap();
    let before = ALLOCATIONS.load(Ordering::Relaxed);
    let summary = sim.run(&mut NullRecorder, &mut NoProgress).unwrap();
    (ALLOCATIONS.load(Ordering::Relaxed) - before, summary.blocks)
}

#[test]
fn per_block_path_does_not_allocate() {
    let constant = "[hashrate]\nehs = 1000\n";
    let (short, short_blocks) = allocations_during_run(0.01, constant);
    let (long, long_blocks) = allocations_during_run(20.0, constant);
    assert!(long_blocks > 1_000_000 && short_blocks < 1_000);
    // Only the summary (a String clone) allocates, independently of the block count.
    assert_eq!(
        long, short,
        "{long} allocations for {long_blocks} blocks vs {short} for {short_blocks}"
    );
    assert!(long <= 4, "{long} allocations");

    // Hashrate changes (rescheduling the pending block) do not allocate either.
    let steps = "[hashrate]\nkind = \"piecewise\"\nramp_step_hours = 1\npoints = [\
                 { at = \"2026-05-29\", ehs = 1000 }, { at = \"2036-05-29\", ehs = 500, ramp = true }]\n";
    let (ramp, ramp_blocks) = allocations_during_run(20.0, steps);
    assert!(ramp_blocks > 1_000_000);
    assert_eq!(
        ramp, short,
        "{ramp} allocations with ~87,600 hashrate changes"
    );
}
