//! Micro-benchmark of the Parquet output: writes 1,050,000 realistic block records (plus
//! their epochs and the summary) through `ParquetRecorder`, five times, and prints the
//! median wall time.
//!
//! ```text
//! cargo run --release -p hashshift --example parquet_write [-- --keep OUT_DIR]
//! ```
//!
//! With `--keep OUT_DIR`, one more run is written into the atomic run folder `OUT_DIR`
//! (e.g. for `.ci/check_outputs.py OUT_DIR`).

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use hashshift::output::tables;
use hashshift::output::{ParquetRecorder, RunDir, TableSelection};
use hashshift::record::{BlockRecord, EpochRecord, Recorder, RunMetadata, RunSummary};

const BLOCKS: u64 = 1_050_000;
const RUNS: usize = 5;
const START_TIME: i64 = 1_735_689_600; // 2025-01-01T00:00:00Z
const START_HEIGHT: u64 = 434 * 2016;

/// SplitMix64: a tiny deterministic generator (no dependency needed).
struct Rng(u64);
impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
}

fn bits_for(difficulty: f64) -> u32 {
    // Rough compact encoding of the target for `difficulty` (realistic-looking values).
    let target = 0xFFFFu64 as f64 * 2f64.powi(208) / difficulty;
    let exp = ((target.log2() / 8.0).floor() as i32 + 1).max(3);
    let mantissa = (target / 2f64.powi(8 * (exp - 3))) as u32 & 0x007F_FFFF;
    ((exp as u32) << 24) | mantissa
}

fn synthetic() -> (Vec<BlockRecord>, Vec<EpochRecord>, RunSummary) {
    let mut rng = Rng(42);
    let mut clock = 0.0;
    let mut hashrate = 8.0e20;
    let mut difficulty = hashrate * 600.0 / 4_294_967_296.0;
    let mut price = 95_000.0;
    let mut blocks = Vec::with_capacity(BLOCKS as usize);
    let mut epochs = Vec::new();
    for i in 0..BLOCKS {
        let height = START_HEIGHT + i;
        let interval_s = -(difficulty * 4_294_967_296.0 / hashrate) * rng.unit().ln();
        clock += interval_s;
        hashrate *= 1.0 + 2e-5 * (rng.unit() - 0.45);
        price *= 1.0 + 4e-3 * (rng.unit() - 0.5);
        let halvings = height / 210_000;
        blocks.push(BlockRecord {
            height,
            time_unix: START_TIME + clock as i64,
            interval_s,
            bits: bits_for(difficulty),
            difficulty,
            hashrate_hs: hashrate,
            subsidy_sat: 5_000_000_000u64 >> halvings,
            fees_sat: (rng.unit() * 3.0e7) as u64,
            price_usd: price,
        });
        if height % 2016 == 2015 && i >= 2015 {
            let first = blocks[blocks.len() - 2016];
            let last = blocks[blocks.len() - 1];
            let timespan_s = last.time_unix - first.time_unix;
            let clamped_span = timespan_s.clamp(302_400, 4_838_400);
            let next = difficulty * 1_209_600.0 / clamped_span as f64;
            epochs.push(EpochRecord {
                epoch: height / 2016,
                start_height: height - 2015,
                end_height: height,
                first_block_time_unix: first.time_unix,
                last_block_time_unix: last.time_unix,
                timespan_s,
                timespan_clamped_s: clamped_span,
                clamped: clamped_span != timespan_s,
                bits: bits_for(difficulty),
                next_bits: bits_for(next),
                difficulty,
                next_difficulty: next,
                difficulty_change_pct: (next / difficulty - 1.0) * 100.0,
                blocks_simulated: 2016,
                mean_interval_s: timespan_s as f64 / 2015.0,
                mean_hashrate_hs: hashrate,
                implied_hashrate_hs: difficulty * 4_294_967_296.0 / 600.0,
                p95_interval_s: 1800.0,
                max_interval_s: 3600.0,
                blocks_per_day: 144.0,
                miner_revenue_usd_per_day: 4.0e7,
                fee_share: 0.02,
                difficulty_rule: "bitcoin",
                security: Default::default(),
            });
            difficulty = next;
        }
    }
    let first = blocks[0];
    let last = *blocks.last().expect("blocks");
    let summary = RunSummary {
        run_id: 0,
        seed: 42,
        scenario: "bench".into(),
        start_time_unix: START_TIME,
        end_time_unix: last.time_unix + 1,
        start_height: first.height,
        end_height: last.height,
        blocks: BLOCKS,
        retargets: epochs.len() as u64,
        clamped_retargets: epochs.iter().filter(|e| e.clamped).count() as u64,
        halvings: last.height / 210_000 - first.height / 210_000,
        start_bits: first.bits,
        end_bits: last.bits,
        start_difficulty: first.difficulty,
        end_difficulty: last.difficulty,
        mean_interval_s: clock / BLOCKS as f64,
        max_interval_s: blocks.iter().map(|b| b.interval_s).fold(0.0, f64::max),
        subsidy_issued_sat: blocks.iter().map(|b| b.subsidy_sat).sum(),
        fees_paid_sat: blocks.iter().map(|b| b.fees_sat).sum(),
        security: Default::default(),
    };
    (blocks, epochs, summary)
}

fn write(
    dir: &Path,
    blocks: &[BlockRecord],
    epochs: &[EpochRecord],
    summary: &RunSummary,
) -> (Duration, Duration) {
    let meta = RunMetadata {
        version: env!("CARGO_PKG_VERSION").into(),
        run_id: 0,
        seed: 42,
        scenario_name: "bench".into(),
        resolved_scenario_toml: "name = \"bench\"\nseed = 42\n".into(),
    };
    let t = Instant::now();
    let mut rec = ParquetRecorder::create(dir, &meta, TableSelection::ALL).expect("create");
    let mut e = epochs.iter().peekable();
    for b in blocks {
        rec.block(b).expect("block");
        if e.peek().is_some_and(|ep| ep.end_height == b.height) {
            rec.epoch(e.next().expect("epoch")).expect("epoch");
        }
    }
    rec.summary(summary).expect("summary");
    let pushed = t.elapsed();
    rec.finish().expect("finish");
    let total = t.elapsed();
    (total, pushed)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let keep: Option<PathBuf> = args
        .iter()
        .position(|a| a == "--keep")
        .map(|i| PathBuf::from(args.get(i + 1).expect("--keep needs a folder")));

    let (blocks, epochs, summary) = synthetic();
    let mut times = Vec::with_capacity(RUNS);
    for run in 0..RUNS {
        let tmp = tempfile::tempdir().expect("tempdir");
        let (dt, pushed) = write(tmp.path(), &blocks, &epochs, &summary);
        let size = std::fs::metadata(tmp.path().join(tables::BLOCKS.meta.file))
            .expect("blocks file")
            .len();
        println!(
            "run {run}: {:.1} ms (records in {:.1} ms, finish {:.1} ms; {} blocks, {} epochs, \
             blocks.parquet {:.2} MiB)",
            dt.as_secs_f64() * 1e3,
            pushed.as_secs_f64() * 1e3,
            (dt - pushed).as_secs_f64() * 1e3,
            blocks.len(),
            epochs.len(),
            size as f64 / (1024.0 * 1024.0)
        );
        times.push(dt);
    }
    times.sort();
    let median = times[RUNS / 2];
    println!(
        "median of {RUNS}: {:.1} ms for {} blocks ({:.0} ns/block)",
        median.as_secs_f64() * 1e3,
        blocks.len(),
        median.as_secs_f64() * 1e9 / blocks.len() as f64
    );

    if let Some(dir) = keep {
        let rd = RunDir::stage(&dir).expect("stage");
        write(rd.path(), &blocks, &epochs, &summary);
        rd.commit().expect("commit");
        println!("kept a run in {}", dir.display());
    }
}
