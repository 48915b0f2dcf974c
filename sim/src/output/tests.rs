//! Round-trip tests of the Parquet output (write with `ParquetRecorder`, read back with the
//! parquet crate's Arrow reader): the chain's tables here, the others in [`tables`].

use std::fs::File;
use std::path::Path;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    Float64Type, Int64Type, TimestampMillisecondType, UInt32Type, UInt64Type,
};
use arrow_array::{ArrowPrimitiveType, RecordBatch};
use arrow_schema::SchemaRef;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use parquet::basic::Compression;
use parquet::file::metadata::ParquetMetaData;

use super::schema::{UNIT_KEY, UNIT_UNIX_TIME_UTC};
use super::tables::{BLOCKS, EPOCHS, SUMMARY};
use super::*;
use crate::record::{
    BlockRecord, EpochRecord, Recorder, RunMetadata, RunSummary, SecuritySnapshot, SecuritySummary,
};

mod tables;

const START_TIME: i64 = 1_735_689_600; // 2025-01-01T00:00:00Z
const START_HEIGHT: u64 = 434 * 2016; // an epoch boundary (874,944)

fn meta() -> RunMetadata {
    RunMetadata {
        version: "0.1.0".into(),
        run_id: 7,
        seed: 0xDEAD_BEEF_1234,
        scenario_name: "baseline".into(),
        resolved_scenario_toml: "name = \"baseline\"\n[network]\nhashrate_ehs = 800.0\n".into(),
    }
}

/// Deterministic synthetic run: `n` blocks from an epoch boundary, the completed epochs,
/// and a summary.
fn synthetic(n: u64) -> (Vec<BlockRecord>, Vec<EpochRecord>, RunSummary) {
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut clock = 0.0f64;
    let mut blocks = Vec::with_capacity(n as usize);
    let mut epochs = Vec::new();
    for i in 0..n {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let u = ((state >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        let interval_s = -600.0 * u.ln();
        clock += interval_s;
        let height = START_HEIGHT + i;
        let epoch = height / 2016;
        blocks.push(BlockRecord {
            height,
            time_unix: START_TIME + clock.floor() as i64,
            interval_s,
            bits: 0x1702_0000 + (epoch as u32 % 256),
            difficulty: 1.1e14 * (1.0 + (epoch % 7) as f64 * 0.01),
            hashrate_hs: 8.0e20,
            subsidy_sat: 312_500_000,
            fees_sat: state % 50_000_000,
            price_usd: 95_000.0 + (i % 1000) as f64,
        });
        if height % 2016 == 2015 {
            let first = &blocks[blocks.len() - 2016];
            let last = &blocks[blocks.len() - 1];
            let timespan_s = last.time_unix - first.time_unix;
            epochs.push(EpochRecord {
                epoch,
                start_height: epoch * 2016,
                end_height: epoch * 2016 + 2015,
                first_block_time_unix: first.time_unix,
                last_block_time_unix: last.time_unix,
                timespan_s,
                timespan_clamped_s: timespan_s.clamp(302_400, 4_838_400),
                clamped: false,
                bits: last.bits,
                next_bits: last.bits + 1,
                difficulty: last.difficulty,
                next_difficulty: last.difficulty * 1.01,
                difficulty_change_pct: 1.0,
                blocks_simulated: 2016,
                mean_interval_s: 600.0,
                mean_hashrate_hs: 8.0e20,
                implied_hashrate_hs: last.difficulty * 4_294_967_296.0 / 600.0,
                p95_interval_s: 1800.0,
                max_interval_s: 4000.0 + epoch as f64,
                blocks_per_day: 144.0,
                miner_revenue_usd_per_day: 4.3e7,
                fee_share: 0.02,
                difficulty_rule: "bitcoin",
                security: SecuritySnapshot {
                    attack_cost_new_usd: Some(1.4e10),
                    top1_share: (epoch % 2 == 0).then_some(0.1),
                    nakamoto_coefficient: Some(5),
                    ..SecuritySnapshot::default()
                },
            });
        }
    }
    let last = blocks.last().unwrap();
    let summary = RunSummary {
        run_id: 7,
        seed: 0xDEAD_BEEF_1234,
        scenario: "baseline".into(),
        start_time_unix: START_TIME,
        end_time_unix: last.time_unix + 1,
        start_height: START_HEIGHT,
        end_height: last.height,
        blocks: n,
        retargets: epochs.len() as u64,
        clamped_retargets: 0,
        halvings: 0,
        start_bits: blocks[0].bits,
        end_bits: last.bits,
        start_difficulty: blocks[0].difficulty,
        end_difficulty: last.difficulty,
        mean_interval_s: clock / n as f64,
        max_interval_s: blocks.iter().map(|b| b.interval_s).fold(0.0, f64::max),
        subsidy_issued_sat: 312_500_000 * n,
        fees_paid_sat: blocks.iter().map(|b| b.fees_sat).sum(),
        security: SecuritySummary::default(),
    };
    (blocks, epochs, summary)
}

fn write_run(
    dir: &Path,
    tables: TableSelection,
    blocks: &[BlockRecord],
    epochs: &[EpochRecord],
    summary: &RunSummary,
) {
    let mut rec = ParquetRecorder::create(dir, &meta(), tables).unwrap();
    {
        // Through the trait object, as the simulation core uses it.
        let r: &mut dyn Recorder = &mut rec;
        let mut e = epochs.iter().peekable();
        for b in blocks {
            r.block(b).unwrap();
            if e.peek().is_some_and(|ep| ep.end_height == b.height) {
                r.epoch(e.next().unwrap()).unwrap();
            }
        }
        assert!(e.next().is_none());
        r.summary(summary).unwrap();
    }
    rec.finish().unwrap();
}

fn read(path: &Path) -> (SchemaRef, std::sync::Arc<ParquetMetaData>, Vec<RecordBatch>) {
    let builder = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let schema = builder.schema().clone();
    let md = builder.metadata().clone();
    let batches = builder
        .build()
        .unwrap()
        .collect::<Result<Vec<_>, _>>()
        .unwrap();
    (schema, md, batches)
}

/// The values of primitive column `name` of every batch, in order.
fn col<T: ArrowPrimitiveType>(batches: &[RecordBatch], name: &str) -> Vec<T::Native> {
    batches
        .iter()
        .flat_map(|b| {
            b.column_by_name(name)
                .unwrap()
                .as_primitive::<T>()
                .values()
                .to_vec()
        })
        .collect()
}

fn col_u64(batches: &[RecordBatch], name: &str) -> Vec<u64> {
    col::<UInt64Type>(batches, name)
}

fn col_f64(batches: &[RecordBatch], name: &str) -> Vec<f64> {
    col::<Float64Type>(batches, name)
}

fn col_ts(batches: &[RecordBatch], name: &str) -> Vec<i64> {
    col::<TimestampMillisecondType>(batches, name)
}

fn kv(md: &ParquetMetaData, key: &str) -> Option<String> {
    md.file_metadata()
        .key_value_metadata()?
        .iter()
        .find(|kv| kv.key == key)
        .and_then(|kv| kv.value.clone())
}

/// Schema fields (names, types, nullability, field metadata), the key-value metadata and
/// ZSTD compression of every column chunk.
fn check_file_layout(path: &Path, table: &str, expected: &SchemaRef) -> Vec<RecordBatch> {
    let (schema, md, batches) = read(path);
    assert_eq!(schema.fields(), expected.fields(), "{}", path.display());
    for f in schema.fields() {
        assert!(f.metadata().contains_key(UNIT_KEY), "{}", f.name());
    }
    assert_eq!(kv(&md, KV_VERSION).as_deref(), Some("0.1.0"));
    assert_eq!(kv(&md, KV_RUN_ID).as_deref(), Some("7"));
    assert_eq!(kv(&md, KV_SEED), Some(0xDEAD_BEEF_1234u64.to_string()));
    assert_eq!(kv(&md, KV_SCENARIO_NAME).as_deref(), Some("baseline"));
    assert_eq!(kv(&md, KV_SCENARIO), Some(meta().resolved_scenario_toml));
    assert_eq!(kv(&md, KV_TABLE).as_deref(), Some(table));
    assert_eq!(
        md.file_metadata().created_by(),
        Some(parquet::file::properties::DEFAULT_CREATED_BY)
    );
    assert_eq!(md.num_row_groups() == 0, md.file_metadata().num_rows() == 0);
    for rg in md.row_groups() {
        assert!(rg.num_rows() as usize <= MAX_ROW_GROUP_ROWS);
        for c in rg.columns() {
            assert!(
                matches!(c.compression(), Compression::ZSTD(_)),
                "{} {:?}",
                c.column_path(),
                c.compression()
            );
            assert!(
                c.statistics().is_some(),
                "{} has no statistics",
                c.column_path()
            );
        }
    }
    batches
}

#[test]
fn roundtrip_200k_blocks() {
    let n = 200_000; // not a multiple of BATCH_ROWS: exercises the final partial flush
    let (blocks, epochs, summary) = synthetic(n);
    let tmp = tempfile::tempdir().unwrap();
    write_run(tmp.path(), TableSelection::ALL, &blocks, &epochs, &summary);

    // blocks
    let path = tmp.path().join(BLOCKS.meta.file);
    let batches = check_file_layout(&path, "blocks", &BLOCKS.schema());
    let (_, md, _) = read(&path);
    assert_eq!(md.file_metadata().num_rows(), n as i64);
    assert_eq!(
        md.num_row_groups(),
        (n as usize).div_ceil(MAX_ROW_GROUP_ROWS)
    );
    let heights = col_u64(&batches, "height");
    assert_eq!(heights.len(), n as usize);
    assert!(heights.windows(2).all(|w| w[1] == w[0] + 1));
    let times = col_ts(&batches, "time");
    let intervals = col_f64(&batches, "interval_s");
    let hashrate = col_f64(&batches, "hashrate_ehs");
    let fees = col_u64(&batches, "fees_sat");
    let prices = col_f64(&batches, "price_usd");
    let subsidy = col_u64(&batches, "subsidy_sat");
    let difficulty = col_f64(&batches, "difficulty");
    let bits: Vec<u32> = batches
        .iter()
        .flat_map(|b| b.column(3).as_primitive::<UInt32Type>().values().to_vec())
        .collect();
    for i in [0usize, 1, 65_535, 65_536, 131_072, 123_457, n as usize - 1] {
        let b = &blocks[i];
        assert_eq!(heights[i], b.height);
        assert_eq!(times[i], b.time_unix * 1000);
        assert_eq!(intervals[i].to_bits(), b.interval_s.to_bits());
        assert_eq!(bits[i], b.bits);
        assert_eq!(difficulty[i], b.difficulty);
        assert_eq!(hashrate[i], b.hashrate_hs / 1e18);
        assert_eq!(subsidy[i], b.subsidy_sat);
        assert_eq!(fees[i], b.fees_sat);
        assert_eq!(prices[i], b.price_usd);
    }
    assert_eq!(hashrate[0], 800.0);

    // epochs
    let path = tmp.path().join(EPOCHS.meta.file);
    let batches = check_file_layout(&path, "epochs", &EPOCHS.schema());
    let starts = col_u64(&batches, "start_height");
    let ends = col_u64(&batches, "end_height");
    assert_eq!(starts.len(), epochs.len());
    assert_eq!(epochs.len(), (n / 2016) as usize);
    assert!(starts.iter().zip(&ends).all(|(s, e)| e - s == 2015));
    let first_times = col_ts(&batches, "first_block_time");
    assert_eq!(first_times[3], epochs[3].first_block_time_unix * 1000);
    let timespans: Vec<i64> = batches
        .iter()
        .flat_map(|b| {
            b.column_by_name("timespan_s")
                .unwrap()
                .as_primitive::<Int64Type>()
                .values()
                .to_vec()
        })
        .collect();
    assert_eq!(timespans[5], epochs[5].timespan_s);
    let clamped = batches[0].column_by_name("clamped").unwrap().as_boolean();
    assert!(!clamped.value(0));
    let implied = col_f64(&batches, "implied_hashrate_ehs");
    assert_eq!(implied[0], epochs[0].implied_hashrate_hs / 1e18);

    // summary
    let path = tmp.path().join(SUMMARY.meta.file);
    let batches = check_file_layout(&path, "summary", &SUMMARY.schema());
    assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 1);
    assert_eq!(col_u64(&batches, "blocks"), vec![n]);
    assert_eq!(
        col_u64(&batches, "fees_paid_sat"),
        vec![summary.fees_paid_sat]
    );
    assert_eq!(col_ts(&batches, "start_time"), vec![START_TIME * 1000]);
    assert_eq!(
        col_f64(&batches, "mean_interval_s"),
        vec![summary.mean_interval_s]
    );
    assert_eq!(
        batches[0]
            .column_by_name("scenario")
            .unwrap()
            .as_string::<i32>()
            .value(0),
        "baseline"
    );
}

#[test]
fn output_is_byte_deterministic() {
    let (blocks, epochs, summary) = synthetic(70_000);
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    write_run(a.path(), TableSelection::ALL, &blocks, &epochs, &summary);
    write_run(b.path(), TableSelection::ALL, &blocks, &epochs, &summary);
    for file in [BLOCKS.meta.file, EPOCHS.meta.file, SUMMARY.meta.file] {
        let x = std::fs::read(a.path().join(file)).unwrap();
        let y = std::fs::read(b.path().join(file)).unwrap();
        assert!(x.len() > 100);
        assert!(x == y, "{file} differs between two identical writes");
    }
}

#[test]
fn summary_only_and_no_blocks() {
    let (blocks, epochs, summary) = synthetic(5000);
    let tmp = tempfile::tempdir().unwrap();
    write_run(
        tmp.path(),
        TableSelection::SUMMARY_ONLY,
        &blocks,
        &epochs,
        &summary,
    );
    for t in RUN_TABLES {
        let m = t.meta();
        assert_eq!(
            tmp.path().join(m.file).exists(),
            !m.is_optional(),
            "{}",
            m.name
        );
    }
    check_file_layout(
        &tmp.path().join(SUMMARY.meta.file),
        "summary",
        &SUMMARY.schema(),
    );

    // Selected tables with zero rows are still valid files with the fixed schema.
    let tmp = tempfile::tempdir().unwrap();
    write_run(tmp.path(), TableSelection::ALL, &[], &[], &summary);
    let batches = check_file_layout(
        &tmp.path().join(BLOCKS.meta.file),
        "blocks",
        &BLOCKS.schema(),
    );
    assert_eq!(batches.iter().map(|b| b.num_rows()).sum::<usize>(), 0);
}

#[test]
fn summary_is_required_exactly_once() {
    let (_, _, summary) = synthetic(10);
    let tmp = tempfile::tempdir().unwrap();
    let rec = ParquetRecorder::create(tmp.path(), &meta(), TableSelection::ALL).unwrap();
    let err = rec.finish().unwrap_err();
    assert!(matches!(err, OutputError::MissingSummary { .. }), "{err}");
    assert!(err.to_string().contains(SUMMARY.meta.file), "{err}");

    let mut rec = ParquetRecorder::create(tmp.path(), &meta(), TableSelection::ALL).unwrap();
    rec.summary(&summary).unwrap();
    let err = rec.summary(&summary).unwrap_err();
    assert!(err.to_string().contains("twice"), "{err}");
}

#[test]
fn errors_name_the_file() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("does/not/exist");
    let err = ParquetRecorder::create(&missing, &meta(), TableSelection::ALL).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("does/not/exist/blocks.parquet"), "{msg}");
    assert!(std::error::Error::source(&err).is_some());
}

#[test]
fn run_dir_with_recorder() {
    let (blocks, epochs, summary) = synthetic(4100);
    let tmp = tempfile::tempdir().unwrap();
    let final_dir = tmp.path().join("runs/baseline-7");
    for _ in 0..2 {
        let rd = RunDir::stage(&final_dir).unwrap();
        write_run(rd.path(), TableSelection::ALL, &blocks, &epochs, &summary);
        assert!(!final_dir.exists() || is_complete(&final_dir));
        rd.commit().unwrap();
        assert!(is_complete(&final_dir));
    }
    let mut names: Vec<_> = std::fs::read_dir(&final_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    let mut expected: Vec<_> = RUN_TABLES.iter().map(|t| t.meta().file).collect();
    expected.push(COMPLETION_MARKER);
    expected.sort_unstable();
    assert_eq!(names, expected);
    assert_eq!(
        std::fs::read_dir(tmp.path().join("runs")).unwrap().count(),
        1
    );
    let batches = check_file_layout(
        &final_dir.join(BLOCKS.meta.file),
        "blocks",
        &BLOCKS.schema(),
    );
    assert_eq!(col_u64(&batches, "height").len(), 4100);
    let time_field = BLOCKS.schema().field_with_name("time").unwrap().clone();
    assert_eq!(time_field.metadata()[UNIT_KEY], UNIT_UNIX_TIME_UTC);
}
