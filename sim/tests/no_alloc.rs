//! The per-block path allocates nothing: two runs over the same 20 years (same days, same
//! ASIC generations, same hashrate changes) perform exactly the same number of heap
//! allocations although one mines ~1.05 million blocks and the other about a thousand; and
//! the Parquet writer appends a block row into reserved memory.

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::path::Path;

use hashshift::engine::{NoProgress, SimulationBuilder};
use hashshift::output::tables::BLOCKS;
use hashshift::output::{ParquetRecorder, TableSelection};
use hashshift::record::{BlockRecord, NullRecorder, Recorder, RunMetadata};
use hashshift::scenario::Scenario;

struct Counting;

thread_local! {
    /// Allocations made by this thread. Per thread, so the test harness's own threads do not
    /// count; const-initialized, so reading it never allocates.
    static ALLOCATIONS: Cell<u64> = const { Cell::new(0) };
}

fn count() {
    // `try_with`: the slot may already be gone while a thread shuts down.
    let _ = ALLOCATIONS.try_with(|c| c.set(c.get() + 1));
}

fn allocations() -> u64 {
    ALLOCATIONS.with(Cell::get)
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        count();
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        count();
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
    let before = allocations();
    let summary = sim.run(&mut NullRecorder, &mut NoProgress).unwrap();
    (allocations() - before, summary.blocks)
}

#[test]
fn per_block_path_does_not_allocate() {
    // 1,000 EH/s at the default difficulty: ~600 s blocks. 1 EH/s: the first epoch alone
    // takes decades, so only ~1,000 blocks in 20 years. Same days and generations.
    let (busy, busy_blocks) = allocations_during_run(20.0, "[hashrate]\nehs = 1000\n");
    let (idle, idle_blocks) = allocations_during_run(20.0, "[hashrate]\nehs = 1\n");
    assert!(
        busy_blocks > 1_000_000 && idle_blocks < 3_000,
        "{busy_blocks} vs {idle_blocks} blocks"
    );
    assert_eq!(
        busy, idle,
        "{busy} allocations for {busy_blocks} blocks vs {idle} for {idle_blocks}"
    );
    // What does allocate is bounded: the summary and one frontier model per ASIC generation
    // (about 14 in 20 years), never per day.
    assert!(busy <= 200, "{busy} allocations");

    // Hashrate changes (rescheduling the pending block) do not allocate either: ~87,600 ramp
    // steps over the first 10 years, then constant.
    let steps = "[hashrate]\nkind = \"piecewise\"\nramp_step_hours = 1\npoints = [\
                 { at = \"2026-05-29\", ehs = 1000 }, { at = \"2036-05-29\", ehs = 500, ramp = true }]\n";
    let (ramp, ramp_blocks) = allocations_during_run(20.0, steps);
    assert!(ramp_blocks > 1_000_000);
    assert_eq!(
        ramp, idle,
        "{ramp} allocations with ~87,600 hashrate changes"
    );
}

#[test]
fn parquet_block_rows_do_not_allocate() {
    let tmp = tempfile::tempdir().unwrap();
    let meta = RunMetadata {
        version: "0".into(),
        run_id: 0,
        seed: 1,
        scenario_name: "alloc".into(),
        resolved_scenario_toml: String::new(),
    };
    let mut rec = ParquetRecorder::create(tmp.path(), &meta, TableSelection::ALL).unwrap();
    let rows = BLOCKS.meta.batch_rows as u64 - 1; // one batch, not yet written
    let before = allocations();
    for height in 0..rows {
        let block = BlockRecord {
            height,
            time_unix: 1_700_000_000 + 600 * height as i64,
            interval_s: 600.0,
            bits: 0x1702_0000,
            difficulty: 1.1e14,
            hashrate_hs: 8e20,
            subsidy_sat: 312_500_000,
            fees_sat: height,
            price_usd: 1e5,
        };
        rec.block(&block).unwrap();
    }
    assert_eq!(allocations() - before, 0, "{rows} block rows");
}
