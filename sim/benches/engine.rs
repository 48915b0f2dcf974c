//! Hot-path benchmarks (release build, one core):
//! - 20 simulated years (~1.05M blocks) at constant hashrate, no output (target < 0.1 s);
//! - the same with per-block Parquet output into a temporary folder (target < 0.5 s);
//! - the calibrated hardware-driven baseline (3,000 sites, daily operation, per-block
//!   simulation and all tables written), 20 years (target < 1 s);
//! - the exact retarget computation;
//! - agents: the baseline with 1,000, 5,000 and 20,000 firms (2 sites each) over 2 years, all
//!   tables, to show how decision cost scales with the number of firms.
//!
//! Run: `cargo bench -p hashshift --bench engine`.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use hashshift::engine::{NoProgress, RunOptions, SimulationBuilder};
use hashshift::output::ParquetRecorder;
use hashshift::record::{NullRecorder, RunMetadata, RunSummary};
use hashshift::runner::run_metadata;
use hashshift::scenario::Scenario;
use hashshift_models::consensus::next_work_required;

fn load(name: &str) -> Scenario {
    load_with(name, &[])
}

fn load_with(name: &str, overrides: &[String]) -> Scenario {
    let file = Path::new(env!("CARGO_MANIFEST_DIR")).join(format!("../scenarios/{name}.toml"));
    Scenario::load(&file, overrides).expect("shipped scenario is valid")
}

/// One run of `sc` with every selected table written to `dir`.
fn run_to_parquet(sc: &Scenario, meta: &RunMetadata, dir: &Path) -> RunSummary {
    let mut rec = ParquetRecorder::create(dir, meta, sc.tables).unwrap();
    let options = RunOptions {
        firm_rows: sc.tables.firms,
    };
    let mut sim = SimulationBuilder::new(sc).options(options).build().unwrap();
    let s = sim.run(&mut rec, &mut NoProgress).unwrap();
    rec.finish().unwrap();
    s
}

fn engine(c: &mut Criterion) {
    let sc = load("constant-hashrate");
    let mut g = c.benchmark_group("engine");
    g.sample_size(20).measurement_time(Duration::from_secs(8));
    g.bench_function("20y_constant_no_output", |b| {
        b.iter(|| {
            let mut sim = SimulationBuilder::new(&sc).build().unwrap();
            black_box(sim.run(&mut NullRecorder, &mut NoProgress).unwrap())
        })
    });
    let tmp = tempfile::tempdir().unwrap();
    let meta = run_metadata(&sc, 0);
    g.sample_size(10).measurement_time(Duration::from_secs(15));
    g.bench_function("20y_constant_parquet_blocks", |b| {
        b.iter(|| black_box(run_to_parquet(&sc, &meta, tmp.path())))
    });
    let fleet = load("baseline");
    let fleet_meta = run_metadata(&fleet, 0);
    g.bench_function("20y_fleet_baseline_all_tables", |b| {
        b.iter(|| black_box(run_to_parquet(&fleet, &fleet_meta, tmp.path())))
    });
    g.finish();
}

fn agents(c: &mut Criterion) {
    let mut g = c.benchmark_group("agents");
    g.sample_size(10).measurement_time(Duration::from_secs(20));
    let tmp = tempfile::tempdir().unwrap();
    for firms in [1_000u32, 5_000, 20_000] {
        let sc = load_with(
            "baseline",
            &[
                format!("firms.count={firms}"),
                format!("network.sites={}", 2 * firms),
                "horizon_years=2.0".into(),
            ],
        );
        let meta = run_metadata(&sc, 0);
        g.bench_function(format!("2y_baseline_{firms}_firms_all_tables"), |b| {
            b.iter(|| black_box(run_to_parquet(&sc, &meta, tmp.path())))
        });
    }
    g.finish();
}

fn consensus(c: &mut Criterion) {
    c.bench_function("consensus/next_work_required", |b| {
        b.iter(|| {
            next_work_required(
                black_box(0x1702068f),
                black_box(1_780_000_000),
                black_box(1_781_215_554),
            )
        })
    });
}

criterion_group!(benches, engine, agents, consensus);
criterion_main!(benches);
