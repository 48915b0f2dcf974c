//! `hashshift sweep` end to end, driving the built binary: the same dataset, byte for byte,
//! with 1 or 2 jobs, in 3 shards, and after a SIGKILL and --resume; refusals of outputs that
//! are not this sweep's; and bad input (exit 2, nothing written). Ctrl-C, SIGTERM and the
//! other faults are in `faults.rs`.

use crate::common;

use std::fs;
use std::path::Path;
use std::process::{Output, Stdio};
use std::time::{Duration, Instant};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float64Type, Int64Type, UInt64Type};
use arrow_array::RecordBatch;
use arrow_schema::DataType;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use common::{assert_same_dataset, bin, files, stderr, TINY_FLEET};

/// 2 x 2 x 2 x 1 points x 25 replicates = 200 runs, one axis of each column type.
const SWEEP: &str = r#"
description = "integration test sweep"
scenario = "base.toml"
seed = 2026
[set]
horizon_years = 0.05
[replicates]
count = 25
[[axis]]
path = "price.sigma"
values = [0.3, 0.6]
[[axis]]
path = "fees.model"
values = ["constant", "lognormal"]
[[axis]]
path = "network.sites"
values = [30, 40]
[[axis]]
path = "output.epochs"
name = "epochs_table"
values = [false]
"#;

const RUNS: usize = 200;
const REPLICATES: i64 = 25;

fn setup(sweep: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("base.toml"), TINY_FLEET).unwrap();
    fs::write(tmp.path().join("t.toml"), sweep).unwrap();
    tmp
}

fn sweep(dir: &Path, args: &[&str]) -> Output {
    bin()
        .arg("sweep")
        .arg("t.toml")
        .args(args)
        .current_dir(dir)
        .output()
        .expect("binary runs")
}

fn assert_ok(o: &Output, what: &str) {
    assert!(o.status.success(), "{what}: {}", stderr(o));
}

fn read_runs(root: &Path) -> RecordBatch {
    let f = fs::File::open(root.join("runs.parquet")).unwrap();
    let batches: Vec<RecordBatch> = ParquetRecordBatchReaderBuilder::try_new(f)
        .unwrap()
        .build()
        .unwrap()
        .map(|b| b.unwrap())
        .collect();
    assert_eq!(
        batches.len(),
        1,
        "runs.parquet of a small sweep is one batch"
    );
    batches[0].clone()
}

fn complete_runs(root: &Path) -> usize {
    fs::read_dir(root).map_or(0, |rd| {
        rd.filter_map(Result::ok)
            .filter(|e| e.path().join("_SUCCESS").is_file() && e.file_name() != "_SUCCESS")
            .count()
    })
}

#[test]
fn jobs_shards_and_kill_resume_give_the_same_bytes() {
    let tmp = setup(SWEEP);
    let dir = tmp.path();
    let root = |out: &str| dir.join(out).join("t");

    // --dry-run lists the runs and writes nothing.
    let o = sweep(dir, &["--dry-run"]);
    assert_ok(&o, "dry run");
    let listing = String::from_utf8_lossy(&o.stdout);
    assert_eq!(listing.lines().count(), 2 + RUNS, "{listing}");
    assert!(listing.starts_with("sweep t: 8 points x 25 replicates = 200 runs"));
    assert!(!dir.join("outputs").exists());

    let t0 = Instant::now();
    assert_ok(&sweep(dir, &["--out", "j1", "--jobs", "1", "-q"]), "jobs 1");
    let one_sweep = t0.elapsed();
    assert_ok(&sweep(dir, &["--out", "j2", "--jobs", "2", "-q"]), "jobs 2");
    assert_same_dataset(&root("j1"), &root("j2"), "jobs 1 vs jobs 2");

    // Three shards at once into one folder, then --finalize.
    let shards: Vec<_> = (0..3)
        .map(|k| {
            bin()
                .args(["sweep", "t.toml", "--out", "sh", "--jobs", "1", "-q"])
                .args(["--shard", &format!("{k}/3")])
                .current_dir(dir)
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    for c in shards {
        let o = c.wait_with_output().unwrap();
        assert_ok(&o, "shard");
    }
    assert!(
        !root("sh").join("runs.parquet").exists(),
        "shards do not finalize"
    );
    assert_ok(
        &sweep(dir, &["--out", "sh", "--finalize", "-q"]),
        "finalize",
    );
    assert_same_dataset(&root("j1"), &root("sh"), "3 shards vs jobs 1");

    // SIGKILL midway, then --resume.
    let mut child = bin()
        .args(["sweep", "t.toml", "--out", "k", "--jobs", "2", "-q"])
        .current_dir(dir)
        .spawn()
        .unwrap();
    let deadline = Instant::now() + one_sweep * 4 + Duration::from_secs(30);
    while complete_runs(&root("k")) < 40 && Instant::now() < deadline {
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let done = complete_runs(&root("k"));
    assert!(
        (40..RUNS).contains(&done),
        "killed with {done} runs complete: not midway"
    );
    assert!(!root("k").join("runs.parquet").exists());
    let o = sweep(dir, &["--out", "k"]);
    assert_eq!(o.status.code(), Some(2), "an existing sweep needs --resume");
    assert!(stderr(&o).contains("--resume"), "{}", stderr(&o));
    assert_ok(
        &sweep(dir, &["--out", "k", "--jobs", "2", "--resume", "-q"]),
        "resume",
    );
    assert_same_dataset(&root("j1"), &root("k"), "kill + resume vs jobs 1");

    // The runs table: 200 rows in id order, typed parameter columns, common random numbers.
    let runs = read_runs(&root("j1"));
    assert_eq!(runs.num_rows(), RUNS);
    let schema = runs.schema();
    let ty = |c: &str| schema.field_with_name(c).unwrap().data_type().clone();
    assert_eq!(ty("run"), DataType::Int64);
    assert_eq!(ty("price_sigma"), DataType::Float64);
    assert_eq!(ty("fees_model"), DataType::Utf8);
    assert_eq!(ty("network_sites"), DataType::Int64);
    assert_eq!(ty("epochs_table"), DataType::Boolean);
    assert_eq!(ty("blocks"), DataType::UInt64, "summary fields follow");
    let col_i64 = |c: &str| {
        runs.column_by_name(c)
            .unwrap()
            .as_primitive::<Int64Type>()
            .clone()
    };
    let (run, point, rep) = (col_i64("run"), col_i64("point"), col_i64("replicate"));
    let seed = runs
        .column_by_name("seed")
        .unwrap()
        .as_primitive::<UInt64Type>()
        .clone();
    let sigma = runs
        .column_by_name("price_sigma")
        .unwrap()
        .as_primitive::<Float64Type>()
        .clone();
    for i in 0..RUNS {
        assert_eq!(run.value(i), i as i64);
        assert_eq!(point.value(i) * REPLICATES + rep.value(i), i as i64);
        // Replicate r has one seed at every point.
        let first = (rep.value(i)) as usize;
        assert_eq!(seed.value(i), seed.value(first), "run {i}");
    }
    assert_eq!(sigma.value(0), 0.3);
    assert_eq!(sigma.value(RUNS - 1), 0.6);
    let seeds: std::collections::BTreeSet<u64> = (0..RUNS).map(|i| seed.value(i)).collect();
    assert_eq!(
        seeds.len(),
        REPLICATES as usize,
        "distinct seeds per replicate"
    );
}

#[test]
fn outputs_of_other_sweeps_or_other_data_are_refused() {
    let tmp = setup(&SWEEP.replace("count = 25", "count = 2"));
    let dir = tmp.path();
    assert_ok(&sweep(dir, &["--out", "o", "-q"]), "first sweep");
    let before = files(&dir.join("o/t"));
    // The sweep file changes: even --resume refuses to mix the runs.
    fs::write(dir.join("t.toml"), SWEEP.replace("count = 25", "count = 3")).unwrap();
    for args in [
        &["--out", "o"][..],
        &["--out", "o", "--resume"],
        &["--out", "o", "--finalize"],
    ] {
        let o = sweep(dir, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        let e = stderr(&o);
        assert!(
            e.contains("different sweep") && e.contains("another --out"),
            "{e}"
        );
    }
    assert_eq!(files(&dir.join("o/t")), before, "nothing touched");
    // A folder that is not a sweep output.
    fs::create_dir_all(dir.join("x/t")).unwrap();
    fs::write(dir.join("x/t/notes.txt"), "mine").unwrap();
    let o = sweep(dir, &["--out", "x", "--resume"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("not a hashshift sweep output"),
        "{}",
        stderr(&o)
    );
    assert_eq!(fs::read_dir(dir.join("x/t")).unwrap().count(), 1);
}

#[test]
fn bad_input_exits_2_names_the_key_and_writes_nothing() {
    let axis =
        |body: &str| SWEEP.split("[[axis]]").next().unwrap().to_string() + "[[axis]]\n" + body;
    let cases: Vec<(&str, String, Vec<&str>, Vec<&str>)> = vec![
        (
            "unknown path",
            axis("path = \"price.sigmaa\"\nvalues = [0.3]\n"),
            vec![],
            vec!["t.toml", "`axis[0].path`", "\"price.sigmaa\"", "did you mean `price.sigma`"],
        ),
        (
            "step 0",
            axis("path = \"price.sigma\"\nfrom = 0.1\nto = 0.5\nstep = 0\n"),
            vec![],
            vec!["t.toml", "`axis[0].step` = 0", "non-zero"],
        ),
        (
            "sobol size",
            SWEEP.split("[replicates]").next().unwrap().to_string()
                + "[design]\nkind = \"sobol\"\nsamples = 100\n[[axis]]\npath = \"price.sigma\"\nmin = 0.1\nmax = 0.9\n",
            vec![],
            vec!["t.toml", "`design.samples` = 100", "power of two", "64 or 128"],
        ),
        (
            "value out of the scenario's range",
            axis("path = \"price.sigma\"\nvalues = [0.3, 7.0]\n"),
            vec![],
            vec!["t.toml", "point 1 (price.sigma = 7.0)", "base.toml", "`price.sigma` = 7"],
        ),
        ("shard 3/3", SWEEP.to_string(), vec!["--shard", "3/3"], vec!["3/3", "[0, 2]"]),
        ("shard 0/0", SWEEP.to_string(), vec!["--shard", "0/0"], vec!["at least 1"]),
        ("jobs 0", SWEEP.to_string(), vec!["--jobs", "0"], vec!["--jobs"]),
    ];
    for (name, text, extra, expect) in cases {
        let tmp = setup(&text);
        let mut args = vec!["--out", "out"];
        args.extend(extra);
        let o = sweep(tmp.path(), &args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(!err.contains("panicked"), "{name}: {err}");
        for e in expect {
            assert!(err.contains(e), "{name}: expected {e:?} in: {err}");
        }
        assert!(!tmp.path().join("out").exists(), "{name}: output written");
        // validate says the same about the file.
        if o.status.code() == Some(2) && !name.starts_with("shard") && name != "jobs 0" {
            let v = bin()
                .args(["validate", "t.toml"])
                .current_dir(tmp.path())
                .output()
                .unwrap();
            assert_eq!(v.status.code(), Some(2), "{name}: validate");
        }
    }
}

#[test]
fn sobol_dry_run_lists_salib_sized_designs() {
    let head = SWEEP.split("[replicates]").next().unwrap().to_string();
    let axes = "[[axis]]\npath = \"price.sigma\"\nmin = 0.2\nmax = 0.8\n\
                [[axis]]\npath = \"price.mu\"\nmin = -0.2\nmax = 0.2\n\
                [[axis]]\npath = \"network.sites\"\nmin = 20\nmax = 40\n";
    for (second, per) in [("true", 2 * 3 + 2), ("false", 3 + 2)] {
        let text = format!(
            "{head}[design]\nkind = \"sobol\"\nsamples = 16\nsecond_order = {second}\n{axes}"
        );
        let tmp = setup(&text);
        let o = sweep(tmp.path(), &["--dry-run"]);
        assert_ok(&o, "sobol dry run");
        let out = String::from_utf8_lossy(&o.stdout);
        assert_eq!(out.lines().count(), 2 + 16 * per, "{out}");
        let v = bin()
            .args(["validate", "t.toml"])
            .current_dir(tmp.path())
            .output()
            .unwrap();
        assert!(v.status.success(), "{}", stderr(&v));
    }
}

/// Copies the folder `from` to `to` (flat: a run folder).
fn copy_run(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
    }
}

/// Issue 33, case 11: `--resume` and `--finalize` accepted run folders that are not theirs
/// (a run of another sweep, two folders swapped, one a symbolic link to another), each
/// intact by its own `_SUCCESS`, and `runs.parquet` then carried a foreign seed or the wrong
/// run id. Each run's `_run.json` (sweep hash, run id, seed) must match: `--finalize`
/// refuses (exit 2, naming them), `--resume` redoes them.
#[test]
#[cfg(unix)]
fn run_folders_of_another_sweep_swapped_or_linked_are_refused_or_redone() {
    let small = SWEEP.replace("count = 25", "count = 2");
    let tmp = setup(&small);
    let dir = tmp.path();
    fs::write(
        dir.join("other.toml"),
        small.replace("seed = 2026", "seed = 7"),
    )
    .unwrap();
    for out in ["ref", "d"] {
        assert_ok(&sweep(dir, &["--out", out, "-q"]), out);
    }
    let o = bin()
        .args(["sweep", "other.toml", "--out", "other", "-q"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert_ok(&o, "other sweep");
    let root = dir.join("d/t");
    let certified = fs::read(root.join("_SUCCESS")).unwrap();
    let run = |id: u64| root.join(format!("run={id}"));
    // Another sweep's run 3 (another seed) copied in.
    fs::remove_dir_all(run(3)).unwrap();
    copy_run(&dir.join("other/other/run=3"), &run(3));
    // Runs 4 and 5 swapped.
    fs::rename(run(4), root.join("tmp")).unwrap();
    fs::rename(run(5), run(4)).unwrap();
    fs::rename(root.join("tmp"), run(5)).unwrap();
    // Run 6 a link to run 7.
    fs::remove_dir_all(run(6)).unwrap();
    std::os::unix::fs::symlink("run=7", run(6)).unwrap();

    let o = sweep(dir, &["--out", "d", "--finalize", "-q"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for part in [
        "4 finished runs are damaged",
        "run 3: not this sweep's run: its _run.json says it is run 3 (seed ",
        "of the sweep with hash ",
        "run 4: not this sweep's run: its _run.json says it is run 5 (seed",
        "run 5: not this sweep's run",
        "(1 more)",
        "--resume",
    ] {
        assert!(err.contains(part), "expected {part:?} in: {err}");
    }
    assert_eq!(
        fs::read(root.join("_SUCCESS")).unwrap(),
        certified,
        "not certified again"
    );

    let o = sweep(dir, &["--out", "d", "--resume", "-q"]);
    let err = stderr(&o);
    assert_ok(&o, "resume");
    assert!(
        err.contains("run=6: not this sweep's run: it is a symbolic link (to run=7)"),
        "{err}"
    );
    assert_eq!(err.matches("redoing this run").count(), 4, "{err}");
    assert!(
        dir.join("d/t/run=7/_SUCCESS").is_file(),
        "the link's target stays"
    );
    assert_same_dataset(&dir.join("ref/t"), &root, "foreign runs redone");
}

/// Issue 33, case 16: a `_sweep.json` edited by hand (its seed changed, its hash left
/// alone) was accepted by `--finalize` and `--resume`, and the root `_SUCCESS` re-certified
/// it. The manifest must be what its hash stands for.
#[test]
fn an_edited_sweep_manifest_is_refused() {
    let tmp = setup(&SWEEP.replace("count = 25", "count = 2"));
    let dir = tmp.path();
    assert_ok(&sweep(dir, &["--out", "o", "-q"]), "sweep");
    let root = dir.join("o/t");
    let manifest = fs::read_to_string(root.join("_sweep.json")).unwrap();
    assert!(manifest.contains("\"seed\": 2026"), "{manifest}");
    fs::write(
        root.join("_sweep.json"),
        manifest.replace("\"seed\": 2026", "\"seed\": 2027"),
    )
    .unwrap();
    let before = files(&root);
    for args in [&["--finalize"][..], &["--resume"]] {
        let mut all = vec!["--out", "o", "-q"];
        all.extend(args);
        let o = sweep(dir, &all);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        for part in [
            "_sweep.json does not match its own hash",
            "`seed` (2027 then, 2026 now)",
            "Restore the file",
        ] {
            assert!(err.contains(part), "{args:?}: expected {part:?} in: {err}");
        }
    }
    assert_eq!(files(&root), before, "nothing re-certified");
}

/// Issue 33, case 13: a `--resume` refused because a CSV the runs read changed did not say
/// which; the message names the file and both checksums.
#[test]
fn a_resume_refused_after_a_csv_changed_names_the_csv() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    fs::write(
        dir.join("base.toml"),
        "start = \"2026-05-29\"\nend = \"2026-06-05\"\n[hashrate]\nkind = \"constant\"\n\
         ehs = 1000.0\n[price]\nmodel = \"csv\"\ncsv = \"prices.csv\"\n",
    )
    .unwrap();
    // Daily prices 2026-05-29 to 2026-06-09; then the last one changes.
    let prices = |last: u32| {
        let mut csv =
            "date,PriceUSD\n2026-05-29,76000\n2026-05-30,76000\n2026-05-31,76000\n".to_string();
        for day in 1..=9 {
            let price = if day == 9 { last } else { 76000 };
            csv.push_str(&format!("2026-06-0{day},{price}\n"));
        }
        csv
    };
    fs::write(dir.join("prices.csv"), prices(77000)).unwrap();
    fs::write(
        dir.join("t.toml"),
        "scenario = \"base.toml\"\n[replicates]\ncount = 2\n",
    )
    .unwrap();
    assert_ok(&sweep(dir, &["--out", "o", "-q"]), "sweep");
    fs::write(dir.join("prices.csv"), prices(78000)).unwrap();
    let o = sweep(dir, &["--out", "o", "--resume", "-q"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for part in [
        "different sweep",
        "changed since: the data file prices.csv (SHA-256 ",
        "... then, ",
    ] {
        assert!(err.contains(part), "expected {part:?} in: {err}");
    }
}
