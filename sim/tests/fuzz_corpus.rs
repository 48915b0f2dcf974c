//! Replays the fuzz corpora (`fuzz/`): the seeds, every crash the fuzzers found
//! (`fuzz/regressions/<target>/`, one file each, kept after the fix) and the shipped files the
//! seed corpora are made from, through the same entry points the fuzz targets call
//! (`hashshift::fuzzing`). A panic fails the test and names the file.

use std::path::{Path, PathBuf};

fn files(dir: &Path, ext: Option<&str>) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<PathBuf> = entries
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_file() && ext.is_none_or(|x| p.extension().is_some_and(|e| e == x)))
        .collect();
    out.sort();
    out
}

/// Runs `target` on every committed input of `name`, plus `extra` inputs; returns how many.
fn replay(name: &str, target: fn(&[u8]), extra: Vec<(String, Vec<u8>)>) -> usize {
    let fuzz = Path::new(env!("CARGO_MANIFEST_DIR")).join("../fuzz");
    let mut inputs = extra;
    for sub in ["seeds", "regressions"] {
        for f in files(&fuzz.join(sub).join(name), None) {
            inputs.push((f.display().to_string(), std::fs::read(&f).unwrap()));
        }
    }
    for (label, bytes) in &inputs {
        let r = std::panic::catch_unwind(|| target(bytes));
        assert!(r.is_ok(), "fuzz target {name} panics on {label}");
    }
    inputs.len()
}

fn shipped(dir: &str, prefix: &[u8]) -> Vec<(String, Vec<u8>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(dir);
    files(&dir, Some("toml"))
        .into_iter()
        .map(|f| {
            let mut bytes = prefix.to_vec();
            bytes.extend(std::fs::read(&f).unwrap());
            (f.display().to_string(), bytes)
        })
        .collect()
}

#[test]
fn scenario_corpus() {
    let n = replay(
        "scenario_file",
        hashshift::fuzzing::scenario_file,
        shipped("scenarios", b""),
    );
    assert!(n >= 17, "only {n} scenario inputs");
}

#[test]
fn sweep_corpus() {
    let n = replay(
        "sweep_file",
        hashshift::fuzzing::sweep_file,
        shipped("scenarios/sweeps", b""),
    );
    assert!(n >= 6, "only {n} sweep inputs");
}

#[test]
fn csv_corpus() {
    let catalog = Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/data/asic_catalog.csv");
    let mut bytes = vec![4u8]; // the byte that picks the catalog reader
    bytes.extend(std::fs::read(&catalog).unwrap());
    let n = replay(
        "data_csv",
        hashshift::fuzzing::data_csv,
        vec![(catalog.display().to_string(), bytes)],
    );
    assert!(n >= 7, "only {n} CSV inputs");
}
