//! End-to-end tests of the `hashshift` binary: runs read back from Parquet, determinism, and
//! bad input (clear message, exit code 2, nothing written).

use std::fs::File;
use std::path::Path;
use std::process::Command;

use crate::common;

use common::{assert_bad_input, hashshift, repo, stderr};

use arrow_array::{Array, RecordBatch, UInt32Array, UInt64Array};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

fn read(path: &Path) -> (Vec<RecordBatch>, Vec<(String, String)>) {
    let b = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap();
    let kv = b
        .metadata()
        .file_metadata()
        .key_value_metadata()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|kv| (kv.key, kv.value.unwrap_or_default()))
        .collect();
    (b.build().unwrap().map(|r| r.unwrap()).collect(), kv)
}

fn rows(batches: &[RecordBatch]) -> usize {
    batches.iter().map(|b| b.num_rows()).sum()
}

#[test]
fn run_writes_complete_tables_that_read_back() {
    let tmp = tempfile::tempdir().unwrap();
    let scen = repo().join("scenarios/baseline.toml");
    let out = tmp.path().join("out");
    let o = hashshift(
        &[
            "run",
            scen.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--set",
            "horizon_years=1",
            "--quiet",
        ],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(o.stdout.is_empty(), "--quiet prints nothing");
    let dir = out.join("baseline");
    assert!(dir.join("_SUCCESS").is_file());
    // Only the complete folder: no staging leftovers.
    let entries: Vec<_> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(entries, vec![std::ffi::OsString::from("baseline")]);

    let (blocks, kv) = read(&dir.join("blocks.parquet"));
    let n = rows(&blocks);
    // One year at ~600 s: 52,560 expected; Poisson sd ~230.
    assert!((51_000..54_000).contains(&n), "{n} blocks");
    let heights: Vec<u64> = blocks
        .iter()
        .flat_map(|b| {
            let a = b
                .column_by_name("height")
                .unwrap()
                .as_any()
                .downcast_ref::<UInt64Array>()
                .unwrap();
            a.values().to_vec()
        })
        .collect();
    assert_eq!(heights[0], 951_552);
    assert!(heights.windows(2).all(|w| w[1] == w[0] + 1));
    let bits0 = blocks[0]
        .column_by_name("bits")
        .unwrap()
        .as_any()
        .downcast_ref::<UInt32Array>()
        .unwrap()
        .value(0);
    assert_eq!(bits0, 0x1702068f);
    let get = |k: &str| kv.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone());
    assert_eq!(get("hashshift.seed").as_deref(), Some("1"));
    assert_eq!(
        get("hashshift.version").as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    let resolved = get("hashshift.scenario").unwrap();
    assert!(resolved.contains("horizon_years = 1"), "{resolved}");

    let (epochs, _) = read(&dir.join("epochs.parquet"));
    assert!((24..=28).contains(&rows(&epochs)));
    let (summary, _) = read(&dir.join("summary.parquet"));
    assert_eq!(rows(&summary), 1);
    let sb = summary[0]
        .column_by_name("blocks")
        .unwrap()
        .as_any()
        .downcast_ref::<UInt64Array>()
        .unwrap();
    assert_eq!(sb.value(0) as usize, n);
}

/// `output.firms = false` and `output.blocks = false` leave those files out and change nothing
/// else: the daily and events tables hold the same rows as with every table; so does
/// `output.events = false`.
#[test]
fn table_selection_leaves_files_out_without_changing_the_run() {
    let tmp = tempfile::tempdir().unwrap();
    let scen = repo().join("scenarios/baseline.toml");
    let run = |name: &str, extra: &[&str]| {
        let out = tmp.path().join(name);
        let mut args = vec![
            "run",
            scen.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--quiet",
            "--set",
            "horizon_years=0.3",
            "--set",
            "firms.count=300",
            "--set",
            "network.sites=600",
        ];
        args.extend_from_slice(extra);
        let o = hashshift(&args, tmp.path());
        assert!(o.status.success(), "{}", stderr(&o));
        out.join("baseline")
    };
    let all = run("all", &[]);
    let some = run(
        "some",
        &[
            "--set",
            "output.firms=false",
            "--set",
            "output.blocks=false",
        ],
    );
    assert!(all.join("firms.parquet").is_file() && all.join("blocks.parquet").is_file());
    assert!(!some.join("firms.parquet").exists());
    assert!(!some.join("blocks.parquet").exists());
    assert!(some.join("_SUCCESS").is_file());
    let fewer = run("fewer", &["--set", "output.events=false"]);
    assert!(!fewer.join("events.parquet").exists());
    assert!(fewer.join("firms.parquet").is_file() && fewer.join("_SUCCESS").is_file());
    for table in ["daily.parquet", "firms.parquet", "epochs.parquet"] {
        let (a, _) = read(&all.join(table));
        let (b, _) = read(&fewer.join(table));
        assert_eq!(a, b, "{table} differs when the events are left out");
    }
    let (firm_rows, _) = read(&all.join("firms.parquet"));
    assert!(rows(&firm_rows) >= 300, "a decision per firm");
    for table in ["daily.parquet", "events.parquet", "epochs.parquet"] {
        let (a, _) = read(&all.join(table));
        let (b, _) = read(&some.join(table));
        assert!(rows(&a) > 0, "{table}");
        assert_eq!(a, b, "{table} differs when other tables are left out");
    }
}

#[test]
fn same_seed_gives_byte_identical_files_and_rerun_replaces() {
    let tmp = tempfile::tempdir().unwrap();
    let scen = repo().join("scenarios/halving-2028-exodus.toml");
    let run = |out: &str, seed: &str| {
        let o = hashshift(
            &[
                "run",
                scen.to_str().unwrap(),
                "--out",
                out,
                "--seed",
                seed,
                "-q",
            ],
            tmp.path(),
        );
        assert!(o.status.success(), "{}", stderr(&o));
    };
    run("a", "5");
    run("b", "5");
    run("c", "6");
    for f in ["blocks.parquet", "epochs.parquet", "summary.parquet"] {
        let p = |d: &str| {
            std::fs::read(tmp.path().join(d).join("halving-2028-exodus").join(f)).unwrap()
        };
        assert_eq!(p("a"), p("b"), "{f} differs between identical runs");
        assert_ne!(p("a"), p("c"), "{f} does not depend on the seed");
    }
    // Re-running into the same folder replaces it with an identical complete run.
    run("a", "5");
    let p = |d: &str| {
        std::fs::read(
            tmp.path()
                .join(d)
                .join("halving-2028-exodus/blocks.parquet"),
        )
        .unwrap()
    };
    assert_eq!(p("a"), p("b"));
    assert_eq!(std::fs::read_dir(tmp.path().join("a")).unwrap().count(), 1);
}

#[test]
fn bad_inputs_exit_2_with_a_clear_message_and_no_output() {
    assert_bad_input("missing", None, &[], &["missing.toml", "cannot read"]);
    assert_bad_input(
        "syntax",
        Some("[hashrate\nehs = 3\n"),
        &[],
        &["syntax.toml", "line 1"],
    );
    assert_bad_input(
        "unknown",
        Some("[hashrate]\nehz = 3\n"),
        &[],
        &["unknown.toml", "ehz"],
    );
    assert_bad_input(
        "negative",
        Some("[hashrate]\nehs = -3\n"),
        &[],
        &["hashrate.ehs", "-3", "[0, 1000000000] EH/s"],
    );
    assert_bad_input(
        "badbits",
        Some("[chain]\nheight = 100800\nbits = \"0x1d01ffff\"\n"),
        &[],
        &["chain.bits", "0x1d01ffff", "powLimit"],
    );
    assert_bad_input(
        "badset",
        Some(""),
        &["--set", "hashrate.ehs=-1"],
        &["hashrate.ehs"],
    );
    // Values a run would turn into infinite flows, dates no header can hold, keys of another
    // price model, a real firm named twice, a name too long for its folder.
    for (name, text, expect) in [
        (
            "hugeprice",
            "[price]\ninitial_usd = 1e308\n",
            &["price.initial_usd", "1e308", "(0, 1000000000] USD/BTC"][..],
        ),
        (
            "farstart",
            "start = \"9999-12-01\"\n",
            &["`start`", "2262-01-01T00:00:00Z"][..],
        ),
        (
            "pregenesis",
            "start = \"1969-12-31\"\n",
            &["`start`", "2009-01-03T18:15:05Z"][..],
        ),
        (
            "farend",
            "start = \"2250-01-01\"\nhorizon_years = 20\n",
            &["`horizon_years`", "April 2262"][..],
        ),
        (
            "othermodel",
            "[price]\nmodel = \"gbm\"\njumps_per_year = 3\n",
            &[
                "price.jumps_per_year",
                "not used with price.model = \"gbm\"",
            ][..],
        ),
        (
            "constsigma",
            "[price]\nsigma = 0.5\n",
            &["price.sigma", "not used with price.model = \"constant\""][..],
        ),
        (
            "twice",
            "[hashrate]\nkind = \"fleet\"\n[firms]\npublic_miners = [\"MARA\", \"mara\"]\n",
            &["firms.public_miners[1]", "once"][..],
        ),
        (
            "longname",
            format!("name = \"{}\"\n", "a".repeat(201)).as_str(),
            &["`name`", "at most 200 characters"][..],
        ),
    ] {
        assert_bad_input(name, Some(text), &[], expect);
    }
    // Messages that name the key the user wrote, with the allowed range.
    let fleet = "[hashrate]\nkind = \"fleet\"\n";
    for (name, set, expect) in [
        (
            "sitemin",
            "network.site_min_mw=600",
            &[
                "`network.site_min_mw` = 600",
                "below network.site_max_mw = 500 MW",
            ][..],
        ),
        (
            "emptymix",
            "network.mix=[]",
            &["`network.mix`", "at least one"][..],
        ),
        (
            "demandorder",
            "ai.demand_points=[{at=\"2027-06-01\",mw=1},{at=\"2026-06-01\",mw=1}]",
            &["`ai.demand_points[1].at` = \"2026-06-01\"", "increasing"][..],
        ),
        // Issue 29: the supply's new keys.
        (
            "cheapshare",
            "network.cheap_share=1.5",
            &["`network.cheap_share` = 1.5", "[0, 1]"][..],
        ),
        (
            "cheapfactor",
            "network.cheap_factor=[0.7, 0.6]",
            &["`network.cheap_factor`", "0.7"][..],
        ),
        (
            "factory",
            "firms.factory_share_per_month=0",
            &["`firms.factory_share_per_month` = 0", "(0, 1] per month"][..],
        ),
        (
            "setmap",
            "hashrate.ehs={a=1}",
            &["after --set overrides: `hashrate.ehs`", "expected f64"][..],
        ),
    ] {
        let mut args = vec!["--set", set];
        if name == "demandorder" {
            args.extend(["--set", "ai.demand_kind=\"piecewise\""]);
        }
        let text = if name == "setmap" { "" } else { fleet };
        assert_bad_input(name, Some(text), &args, expect);
    }
    assert_bad_input(
        "shockkind",
        Some("[[shocks]]\nkind = \"btc_price\"\n"),
        &[],
        &["`shocks[0].at`", "required for kind = \"btc_price\""],
    );
    // An error of the file itself keeps its line when overrides are given.
    assert_bad_input(
        "ownerror",
        Some("[hashrate]\nehz = 3\n"),
        &["--set", "seed=3"],
        &["line 2", "ehz"],
    );
    let price_scen = "start = \"2026-05-29\"\nend = \"2026-05-31\"\n[price]\nmodel = \"csv\"\n\
                      csv = \"p.csv\"\n";
    for (value, expect) in [("1e308", "1e308"), ("-5", "-5"), ("0", "= 0")] {
        let tmp = tempfile::tempdir().unwrap();
        let csv = format!("date,PriceUSD\n2026-05-29,{value}\n2026-05-30,5\n");
        std::fs::write(tmp.path().join("p.csv"), csv).unwrap();
        std::fs::write(tmp.path().join("s.toml"), price_scen).unwrap();
        let o = hashshift(&["run", "s.toml", "--out", "out"], tmp.path());
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{value}: {err}");
        for e in [
            "p.csv",
            "line 2",
            expect,
            "must be finite, > 0 and at most 1e9",
        ] {
            assert!(err.contains(e), "{value}: {e:?} not in {err}");
        }
        assert!(!tmp.path().join("out").exists(), "{value}");
    }
    let csv_scen = "start = \"2016-01-01\"\nend = \"2016-01-03\"\n[chain]\nheight = 391104\n\
                    bits = \"0x180a9591\"\n[hashrate]\nkind = \"csv\"\ncsv = \"h.csv\"\n";
    for (name, csv, expect) in [
        ("emptycsv", "", "empty"),
        ("headeronly", "date,HashRate\n", "no rows"),
        (
            "malformed",
            "date,HashRate\n2016-01-01,12x\n2016-01-02,5\n",
            "line 2",
        ),
        ("nocolumn", "day,rate\n2016-01-01,1\n", "no date column"),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join("h.csv"), csv).unwrap();
        std::fs::write(tmp.path().join("s.toml"), csv_scen).unwrap();
        let o = hashshift(&["run", "s.toml", "--out", "out"], tmp.path());
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        assert!(
            err.contains("h.csv") && err.contains(expect),
            "{name}: {err}"
        );
        assert!(!tmp.path().join("out").exists(), "{name}");
    }
    // --out whose run folder exists but is not a hashshift run: refused, left untouched.
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("out/baseline")).unwrap();
    std::fs::write(tmp.path().join("out/baseline/notes.txt"), "mine").unwrap();
    let scen = repo().join("scenarios/baseline.toml");
    let o = hashshift(
        &["run", scen.to_str().unwrap(), "--out", "out", "-q"],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("refusing to replace"), "{}", stderr(&o));
    let left: Vec<_> = std::fs::read_dir(tmp.path().join("out"))
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(
        left,
        vec![std::ffi::OsString::from("baseline")],
        "no staging folder left behind"
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("out/baseline/notes.txt")).unwrap(),
        "mine"
    );

    // A bad flag is a usage error: exit 2.
    let o = hashshift(&["run", "x.toml", "--seed", "minus-one"], Path::new("."));
    assert_eq!(o.status.code(), Some(2));
    // So is a seed past 2^63-1, with the allowed range.
    let o = hashshift(
        &["run", "x.toml", "--seed", "18446744073709551615"],
        Path::new("."),
    );
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("0..=9223372036854775807"), "{err}");
}

#[test]
fn validate_schema_and_list() {
    let r = repo();
    let o = hashshift(
        &[
            "validate",
            "scenarios/baseline.toml",
            "scenarios/halving-2028-exodus.toml",
        ],
        &r,
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        String::from_utf8_lossy(&o.stdout)
            .lines()
            .filter(|l| l.starts_with("ok: "))
            .count(),
        2
    );

    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("bad.toml"), "seed = -4\n").unwrap();
    let o = hashshift(&["validate", "bad.toml"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.toml"));

    let o = hashshift(&["schema"], &r);
    assert!(o.status.success());
    let schema: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let props = &schema["properties"];
    for k in [
        "seed", "start", "chain", "hashrate", "price", "fees", "energy", "network", "shocks",
        "output",
    ] {
        assert!(props.get(k).is_some(), "schema lacks {k}");
    }

    let o = hashshift(&["list"], &r);
    let text = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success());
    for s in [
        "baseline.toml",
        "history-2016.toml",
        "halving-2028-exodus.toml",
    ] {
        assert!(text.contains(s), "{text}");
    }
    assert!(!text.contains("(no description"), "{text}");
}

#[test]
fn schema_outputs_prints_every_table_and_write_needs_markers() {
    let tmp = tempfile::tempdir().unwrap();
    let o = hashshift(&["schema", "--outputs"], tmp.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let md = String::from_utf8(o.stdout).unwrap();
    let files = hashshift::output::RUN_TABLES
        .iter()
        .map(|t| t.meta().file)
        .chain(["runs.parquet"]);
    for file in files {
        assert!(md.contains(&format!("### `{file}`")), "{file}: {md}");
    }
    assert!(md.contains("| column | type | unit | null | meaning |"));

    // The same as JSON, for scripts: every table with its columns, and the event kinds.
    let o = hashshift(&["schema", "--outputs", "--format", "json"], tmp.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(json, hashshift::sweep::doc::outputs_json());
    let names: Vec<_> = json["tables"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap().to_string())
        .collect();
    let registry: Vec<_> = hashshift::output::RUN_TABLES
        .iter()
        .map(|t| t.meta().name.to_string())
        .collect();
    assert_eq!(names, registry);
    assert!(json["event_kinds"].as_array().unwrap().len() > 20);
    // --format json prints only; it needs --outputs.
    let o = hashshift(
        &["schema", "--outputs", "--format", "json", "--write", "x.md"],
        tmp.path(),
    );
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--format json"), "{}", stderr(&o));
    let o = hashshift(&["schema", "--format", "json"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));

    // --write replaces the block between the markers, atomically, and nothing else.
    let begin = hashshift::output::doc::BEGIN_MARKER;
    let end = hashshift::output::doc::END_MARKER;
    let doc = tmp.path().join("doc.md");
    std::fs::write(&doc, format!("# Doc\n\n{begin}\nstale\n{end}\n\ntail\n")).unwrap();
    let o = hashshift(&["schema", "--outputs", "--write", "doc.md"], tmp.path());
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let written = std::fs::read_to_string(&doc).unwrap();
    assert_eq!(
        written,
        format!("# Doc\n\n{begin}\n\n{md}\n{end}\n\ntail\n")
    );
    let files: Vec<_> = std::fs::read_dir(tmp.path()).unwrap().collect();
    assert_eq!(files.len(), 1, "no temporary file left: {files:?}");

    // Without markers: exit 2, a message naming the file, the file untouched.
    let plain = tmp.path().join("plain.md");
    std::fs::write(&plain, "# No markers\n").unwrap();
    let o = hashshift(&["schema", "--outputs", "--write", "plain.md"], tmp.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with("error: ") && err.contains("plain.md"),
        "{err}"
    );
    assert!(err.contains(begin), "{err}");
    assert_eq!(std::fs::read_to_string(&plain).unwrap(), "# No markers\n");

    // --write needs --outputs (a usage error).
    let o = hashshift(&["schema", "--write", "plain.md"], tmp.path());
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&plain).unwrap(), "# No markers\n");
}

#[test]
fn a_closed_pipe_ends_quietly_and_a_full_stdout_is_a_failure() {
    let r = repo();
    // The reader is gone before anything is written: the write meets a closed pipe.
    let mut child = common::bin()
        .args(["schema"])
        .current_dir(&r)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));

    let full = File::create("/dev/full").unwrap();
    let o = common::bin()
        .args(["list"])
        .current_dir(&r)
        .stdout(full)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("writing to standard output"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("panicked"), "{}", stderr(&o));
}

#[test]
fn a_run_never_replaces_a_sweep_of_the_same_name() {
    let tmp = tempfile::tempdir().unwrap();
    let scen = tmp.path().join("tiny.toml");
    std::fs::write(&scen, common::TINY_FLEET).unwrap();
    std::fs::write(
        tmp.path().join("tiny-sweep.toml"),
        "name = \"tiny\"\nscenario = \"tiny.toml\"\nseed = 1\n[replicates]\ncount = 2\n",
    )
    .unwrap();
    let o = hashshift(
        &["sweep", "tiny-sweep.toml", "--out", "out", "-q"],
        tmp.path(),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let listing = |p: &Path| {
        let mut v: Vec<String> = std::fs::read_dir(p)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    };
    let sweep = tmp.path().join("out/tiny");
    let before = listing(&sweep);
    assert!(before.iter().any(|f| f == "run=1"), "{before:?}");
    let o = hashshift(&["run", "tiny.toml", "--out", "out", "-q"], tmp.path());
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("refusing to replace"), "{}", stderr(&o));
    assert_eq!(listing(&sweep), before);
    assert_eq!(listing(&tmp.path().join("out")), vec!["tiny"]);
}

/// Issue 33, case 1: a folder holding any `_SUCCESS` (Spark and Hadoop write an empty one)
/// and no sub-folders was taken for a finished run and replaced, deleting the user's files.
#[test]
fn a_folder_with_a_foreign_success_marker_or_a_users_file_is_never_replaced() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    let scen = repo().join("scenarios/constant-hashrate.toml");
    let run = |extra: &[&str]| {
        let mut args = vec![
            "run",
            scen.to_str().unwrap(),
            "--out",
            "o",
            "-q",
            "--set",
            "horizon_years=0.05",
        ];
        args.extend(extra);
        hashshift(&args, dir)
    };
    let folder = dir.join("o/constant-hashrate");
    std::fs::create_dir_all(&folder).unwrap();
    std::fs::write(folder.join("x.csv"), "data\n").unwrap();
    std::fs::write(folder.join("_SUCCESS"), "").unwrap();
    let o = run(&[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for part in [
        "o/constant-hashrate exists and is not a completed hashshift run",
        "_SUCCESS is not a hashshift run's list of checksums",
        "refusing to replace it",
    ] {
        assert!(err.contains(part), "expected {part:?} in: {err}");
    }
    assert_eq!(std::fs::read(folder.join("x.csv")).unwrap(), b"data\n");
    assert_eq!(std::fs::read(folder.join("_SUCCESS")).unwrap(), b"");
    assert_eq!(std::fs::read_dir(dir.join("o")).unwrap().count(), 1);

    // A finished run with a file of the user's added is not replaced either; without it, it is.
    std::fs::remove_dir_all(&folder).unwrap();
    let o = run(&[]);
    assert!(o.status.success(), "{}", stderr(&o));
    std::fs::write(folder.join("notes.md"), "mine").unwrap();
    let o = run(&["--seed", "2"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("it holds notes.md, which its _SUCCESS does not list"),
        "{err}"
    );
    assert_eq!(std::fs::read(folder.join("notes.md")).unwrap(), b"mine");
    std::fs::remove_file(folder.join("notes.md")).unwrap();
    let o = run(&["--seed", "2"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(std::fs::read_dir(dir.join("o")).unwrap().count(), 1);
}

/// Issue 33, case 13: an `--out` that is a symbolic link to nothing said only "File exists".
#[test]
#[cfg(unix)]
fn an_out_folder_that_is_a_dangling_symbolic_link_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::os::unix::fs::symlink("gone/away", dir.join("o")).unwrap();
    std::fs::write(dir.join("tiny.toml"), common::TINY_FLEET).unwrap();
    std::fs::write(
        dir.join("t.toml"),
        "scenario = \"tiny.toml\"\n[replicates]\ncount = 2\n",
    )
    .unwrap();
    for args in [
        &["run", "tiny.toml", "--out", "o", "-q"][..],
        &["run", "tiny.toml", "--out", "o/deeper", "-q"],
        &["sweep", "t.toml", "--out", "o", "-q"],
    ] {
        let o = hashshift(args, dir);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("o is a symbolic link to gone/away, which does not exist"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("File exists"), "{args:?}: {err}");
    }
    assert!(!dir.join("gone").exists());
}

/// Issue 33, cases 12 and 14: `/dev/zero` as the scenario or a CSV was read without limit
/// (4.4 GB in 6 s), and a FIFO blocked forever. Input must be a regular file, of a size
/// within the documented limits; each refusal is exit 2 naming the file, within seconds.
#[test]
#[cfg(unix)]
fn fifos_devices_and_oversized_files_are_refused_as_input_at_once() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    for fifo in ["fifo.toml", "fifo.csv"] {
        let st = Command::new("mkfifo").arg(dir.join(fifo)).status().unwrap();
        assert!(st.success(), "mkfifo");
    }
    // Sparse files one byte past each limit: nothing of them may be read.
    let sparse = |name: &str, len: u64| {
        std::fs::File::create(dir.join(name))
            .unwrap()
            .set_len(len)
            .unwrap();
    };
    sparse("huge.toml", (64 << 20) + 1);
    sparse("huge.csv", (256 << 20) + 1);
    let price = |csv: &str| {
        format!(
            "start = \"2026-05-29\"\nend = \"2026-05-31\"\n[hashrate]\nkind = \"constant\"\n\
             ehs = 1000.0\n[price]\nmodel = \"csv\"\ncsv = \"{csv}\"\n"
        )
    };
    for (name, csv) in [
        ("p-fifo", "fifo.csv"),
        ("p-zero", "/dev/zero"),
        ("p-huge", "huge.csv"),
        ("p-dir", "."),
    ] {
        std::fs::write(dir.join(format!("{name}.toml")), price(csv)).unwrap();
    }
    std::fs::write(
        dir.join("sweep-fifo.toml"),
        "scenario = \"fifo.toml\"\n[replicates]\ncount = 2\n",
    )
    .unwrap();
    let cases: [(&[&str], &[&str]); 11] = [
        (&["run", "fifo.toml"], &["fifo.toml", "a FIFO (named pipe)"]),
        (&["run", "/dev/zero"], &["/dev/zero", "a character device"]),
        (&["run", "huge.toml"], &["huge.toml", "larger than 64 MiB"]),
        (&["run", "."], &["a folder, not a regular file"]),
        (&["validate", "fifo.toml"], &["fifo.toml", "FIFO"]),
        (
            &["sweep", "fifo.toml"],
            &["sweep file", "fifo.toml", "FIFO"],
        ),
        (
            &["sweep", "sweep-fifo.toml"],
            &["`scenario`", "fifo.toml", "FIFO"],
        ),
        (
            &["run", "p-fifo.toml"],
            &["`price.csv`", "fifo.csv", "FIFO"],
        ),
        (
            &["run", "p-zero.toml"],
            &["`price.csv`", "/dev/zero", "character device"],
        ),
        (
            &["run", "p-huge.toml"],
            &["`price.csv`", "huge.csv", "larger than 256 MiB"],
        ),
        (&["run", "p-dir.toml"], &["`price.csv`", "a folder"]),
    ];
    for (args, expect) in cases {
        let mut cmd = common::bin();
        cmd.args(args).current_dir(dir);
        if args[0] != "validate" {
            cmd.args(["--out", "out"]);
        }
        let o = common::output_within(&mut cmd, 20);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        for e in expect {
            assert!(err.contains(e), "{args:?}: expected {e:?} in: {err}");
        }
        assert!(!dir.join("out").exists(), "{args:?}: output written");
    }
}
