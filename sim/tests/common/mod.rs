//! Helpers shared by the integration tests (each test binary uses some of them).
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use hashshift::engine::{NoProgress, SimulationBuilder};
use hashshift::record::{DayRecord, FirmMonthRecord, MemoryRecorder};
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

pub fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_hashshift"))
}

pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

pub fn hashshift(args: &[&str], cwd: &Path) -> Output {
    bin()
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("binary runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Runs `hashshift run` on a scenario text and asserts a clean bad-input failure.
pub fn assert_bad_input(name: &str, toml_text: Option<&str>, extra: &[&str], expect: &[&str]) {
    let tmp = tempfile::tempdir().unwrap();
    let scen = tmp.path().join(format!("{name}.toml"));
    if let Some(t) = toml_text {
        std::fs::write(&scen, t).unwrap();
    }
    let mut args = vec!["run", scen.to_str().unwrap(), "--out", "out"];
    args.extend_from_slice(extra);
    let o = hashshift(&args, tmp.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{name}: exit code, stderr: {err}");
    assert!(err.starts_with("error: "), "{name}: {err}");
    // One paragraph: no blank line, a few lines at most (TOML errors quote the offending line).
    assert!(
        !err.trim().contains("\n\n") && err.trim().lines().count() <= 8,
        "{name}: {err}"
    );
    for e in expect {
        assert!(err.contains(e), "{name}: expected {e:?} in: {err}");
    }
    assert!(!err.contains("panicked"), "{name}: {err}");
    assert!(
        !tmp.path().join("out").exists(),
        "{name}: output folder was created"
    );
}

/// `shared/reference` (or `HASHSHIFT_REFERENCE_DIR`) when it holds retargets.csv and
/// btc_daily.csv. Otherwise says loudly that the validation `what` did not run and returns
/// `None`, or panics when `HASHSHIFT_REQUIRE_REFERENCE=1` (as `.ci/run` sets).
pub fn reference_dir(what: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("HASHSHIFT_REFERENCE_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference"));
    if dir.join("retargets.csv").is_file() && dir.join("btc_daily.csv").is_file() {
        return Some(dir);
    }
    let msg = format!(
        "{what} VALIDATION DID NOT RUN: {} has no retargets.csv/btc_daily.csv",
        dir.display()
    );
    if std::env::var("HASHSHIFT_REQUIRE_REFERENCE").as_deref() == Ok("1") {
        panic!("{msg} (HASHSHIFT_REQUIRE_REFERENCE=1)");
    }
    // Printed to the terminal directly so a plain `cargo test` shows it.
    eprintln!("\n*** {msg} ***\n");
    None
}

/// The shipped scenario `scenarios/{name}.toml` with `--set` overrides (panics naming it when
/// it is not valid).
pub fn shipped(name: &str, overrides: &[&str]) -> Scenario {
    let file = repo().join(format!("scenarios/{name}.toml"));
    let o: Vec<String> = overrides.iter().map(|s| s.to_string()).collect();
    Scenario::load(&file, &o).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// The shipped scenario `scenarios/{name}.toml` with its `key` (a `*.csv` key such as
/// `price.csv`) set to the reference `btc_daily.csv`, and the reference folder; `None` when
/// the reference is missing (see [`reference_dir`], which `what` names the validation for).
pub fn reference_scenario(what: &str, name: &str, key: &str) -> Option<(PathBuf, Scenario)> {
    let dir = reference_dir(what)?;
    let csv = dir.join("btc_daily.csv");
    let set = format!("{key}={:?}", csv.display().to_string());
    let sc = shipped(name, &[&set]);
    Some((dir, sc))
}

/// A CSV file of the reference folder (plain commas, no quoted fields): its data rows split
/// into fields, and its columns by header name.
pub struct ReferenceCsv {
    header: Vec<String>,
    /// The data rows, each split into its fields.
    pub rows: Vec<Vec<String>>,
}

impl ReferenceCsv {
    /// Reads `dir/name` (panics when it cannot).
    pub fn read(dir: &Path, name: &str) -> Self {
        let text =
            std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
        let mut lines = text
            .lines()
            .map(|l| l.split(',').map(String::from).collect());
        let header = lines.next().unwrap_or_else(|| panic!("{name} is empty"));
        Self {
            header,
            rows: lines.collect(),
        }
    }

    /// The indices of the columns `names` (panics naming a missing one).
    pub fn columns<const N: usize>(&self, names: [&str; N]) -> [usize; N] {
        names.map(|n| {
            self.header
                .iter()
                .position(|h| h == n)
                .unwrap_or_else(|| panic!("no column {n}"))
        })
    }
}

/// One row of the reference `retargets.csv`: an epoch of the real chain.
pub struct RealRetarget {
    /// Height of the epoch's first block.
    pub start_height: u64,
    /// Header time of its first block, unix seconds (missing for a few recent rows).
    pub start_unix: Option<i64>,
    /// Its difficulty.
    pub difficulty: f64,
    /// Change set by the retarget that started it, percent (None for epoch 0).
    pub change_pct: Option<f64>,
}

/// The real epochs of the reference `retargets.csv` in `dir`, by epoch.
pub fn real_retargets(dir: &Path) -> BTreeMap<u64, RealRetarget> {
    let csv = ReferenceCsv::read(dir, "retargets.csv");
    let [ce, ch, ct, cd, cc] = csv.columns([
        "epoch",
        "start_height",
        "start_block_time_unix",
        "difficulty",
        "difficulty_change_pct",
    ]);
    csv.rows
        .iter()
        .map(|c| {
            let r = RealRetarget {
                start_height: c[ch].parse().unwrap(),
                start_unix: c[ct].parse().ok(),
                difficulty: c[cd].parse().unwrap(),
                change_pct: c[cc].parse().ok(),
            };
            (c[ce].parse().unwrap(), r)
        })
        .collect()
}

/// Runs `sc` with its own seed into memory.
pub fn run_own_seed(sc: &Scenario) -> MemoryRecorder {
    let mut rec = MemoryRecorder::default();
    SimulationBuilder::new(sc)
        .build()
        .expect("simulation builds")
        .run(&mut rec, &mut NoProgress)
        .expect("simulation runs");
    rec
}

/// Cash after row `b` minus cash after row `a` (the same firm's previous row) equals row
/// `b`'s net flows, and its debt moved by what it borrowed less what it repaid.
pub fn accounts_close(a: &FirmMonthRecord, b: &FirmMonthRecord) -> Result<(), String> {
    let net = b.mining_revenue_usd
        + b.colo_revenue_usd
        + b.cloud_revenue_usd
        + b.sales_usd
        + b.borrowed_usd
        - b.energy_usd
        - b.opex_usd
        - b.idle_cost_usd
        - b.interest_usd
        - b.capex_usd
        - b.repaid_usd;
    // |moved - net| within 1e-9 of the largest term (plus a micro-dollar).
    let check = |what: &str, moved: f64, net: f64, terms: &[f64]| {
        let scale = terms.iter().fold(1.0f64, |m, x| m.max(x.abs()));
        if (moved - net).abs() > 1e-9 * scale + 1e-6 {
            Err(format!(
                "firm {} at {}: {what} moved {moved} but its flows net {net}",
                b.firm, b.time_unix
            ))
        } else {
            Ok(())
        }
    };
    let change = b.cash_usd - a.cash_usd;
    check(
        "cash",
        change,
        net,
        &[change, net, b.capex_usd, b.borrowed_usd],
    )?;
    // The debt's roll-forward: drawn (capitalized construction interest included) less repaid.
    let debt_net = b.borrowed_usd - b.repaid_usd;
    check(
        "debt",
        b.debt_usd - a.debt_usd,
        debt_net,
        &[a.debt_usd, b.debt_usd, b.borrowed_usd, b.repaid_usd],
    )?;
    Ok(())
}

/// A day's network numbers that must be finite and non-negative: price, fees, subsidy, miner
/// revenue, difficulty, hashprice, running and implied hashrate.
pub fn day_numbers(d: &DayRecord) -> [f64; 8] {
    [
        d.price_usd,
        d.fees_btc,
        d.subsidy_btc,
        d.miner_revenue_usd,
        d.difficulty,
        d.hashprice_usd_per_ph_day,
        d.hashrate_ehs,
        d.implied_hashrate_ehs,
    ]
}

/// Every file under `root`, by relative path, with its bytes.
pub fn files(root: &Path) -> BTreeMap<PathBuf, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    out
}

/// Asserts that two folders hold the same files with the same bytes.
pub fn assert_same_dataset(a: &Path, b: &Path, what: &str) {
    let (fa, fb) = (files(a), files(b));
    assert_eq!(
        fa.keys().collect::<Vec<_>>(),
        fb.keys().collect::<Vec<_>>(),
        "{what}: file lists differ"
    );
    for (k, v) in &fa {
        assert!(v == &fb[k], "{what}: {} differs", k.display());
    }
}

/// A tiny stochastic fleet scenario named `tiny`: 30 sites, 10 firms, 36 days, no per-block
/// table (tens of milliseconds a run).
pub const TINY_FLEET: &str = r#"
name = "tiny"
horizon_years = 0.1
[hashrate]
kind = "fleet"
[network]
sites = 30
[firms]
count = 10
[price]
model = "gbm"
[fees]
model = "lognormal"
[output]
blocks = false
"#;

/// Runs `cmd` to completion, capturing its output; kills it and panics if it takes longer
/// than `secs` seconds (for inputs that once made the program block or run away).
pub fn output_within(cmd: &mut Command, secs: u64) -> Output {
    use std::process::Stdio;
    use std::time::{Duration, Instant};
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let deadline = Instant::now() + Duration::from_secs(secs);
    while child.try_wait().expect("waiting").is_none() {
        if Instant::now() > deadline {
            let _ = child.kill();
            let o = child.wait_with_output().expect("waiting");
            panic!(
                "{cmd:?} did not finish within {secs} s (killed); stderr: {}",
                stderr(&o)
            );
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    child.wait_with_output().expect("waiting")
}
