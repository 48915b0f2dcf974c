//! Entry points for fuzzing the input loaders on arbitrary bytes (`fuzz/`, cargo fuzz) and for
//! replaying the fuzz corpora as an ordinary test (`tests/fuzz_corpus.rs`).
//!
//! Each function feeds its bytes to one loader and must return, never panic, whatever the
//! bytes: a rejected input is an `Err` with a message, which is the expected outcome for most
//! of them. Where an input is accepted, the functions also check what must then hold:
//!
//! - [`scenario_file`]: a scenario file (and `--set` overrides after a NUL byte, one per
//!   line). An accepted scenario's resolved TOML, the text stored in every Parquet file's
//!   metadata to reproduce the run, must load again to the same resolved scenario.
//! - [`sweep_file`]: a sweep file whose base scenario is a shipped one (relative paths resolve
//!   against `scenarios/sweeps/`). An accepted sweep lists at least one run, and every point's
//!   scenario validates.
//! - [`data_csv`]: the first byte picks the reader (daily price, hashrate, fees, AI demand or
//!   the ASIC catalog), the rest is the file. The CSV is written to a per-process temporary
//!   folder and loaded through a small scenario that names it, the way a user's file is; an
//!   accepted file whose simulation builds is then run for a few simulated days with the
//!   engine's invariant checks on; the run must reach its horizon with finite, non-negative
//!   hashrates, prices, difficulties and fees.
//!
//! The functions do I/O (temporary files, the shipped scenarios), so they live here rather than
//! in the pure models.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use crate::engine::{NoProgress, SimulationBuilder};
use crate::record::MemoryRecorder;
use crate::scenario::Scenario;
use crate::sweep::Sweep;

/// The repository's `scenarios/` folder (the shipped files sweeps refer to).
fn scenarios_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../scenarios")
}

/// Splits fuzz bytes into a file text and `--set` overrides (after the first NUL byte, one
/// per line). `None` when the bytes are not UTF-8: the loaders read files as UTF-8 and reject
/// other bytes before parsing.
fn text_and_overrides(data: &[u8]) -> Option<(&str, Vec<String>)> {
    let text = std::str::from_utf8(data).ok()?;
    Some(match text.split_once('\0') {
        Some((file, sets)) => (
            file,
            sets.lines()
                .filter(|l| !l.is_empty())
                .map(str::to_string)
                .collect(),
        ),
        None => (text, Vec::new()),
    })
}

/// A scenario file and its overrides; see the module docs.
pub fn scenario_file(data: &[u8]) {
    let Some((text, overrides)) = text_and_overrides(data) else {
        return;
    };
    let file = scenarios_dir().join("fuzz.toml");
    let Ok(sc) = Scenario::from_toml(text, &file, &overrides) else {
        return;
    };
    let resolved = sc.resolved_toml();
    match Scenario::from_toml(&resolved, &file, &[]) {
        Ok(again) => assert_eq!(
            again.resolved_toml(),
            resolved,
            "the resolved scenario does not reload to itself"
        ),
        Err(e) => panic!("the resolved scenario of an accepted file is refused: {e}\n{resolved}"),
    }
}

/// A sweep file; see the module docs.
pub fn sweep_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let file = scenarios_dir().join("sweeps").join("fuzz.toml");
    if let Ok(sweep) = Sweep::from_toml(text, &file) {
        assert!(sweep.n_runs() >= 1, "an accepted sweep lists no run");
    }
}

/// The readers [`data_csv`] picks from with its first byte.
const CSV_KINDS: [&str; 5] = ["price", "hashrate", "fees", "ai_demand", "asic_catalog"];

/// A scenario that reads `csv` for `kind`: a small network for three days from 2020-01-01 (the
/// daily series) or 2026-05-29 (the catalog).
fn csv_scenario(kind: &str, csv: &Path) -> String {
    let csv = csv.display();
    let base = "name = \"fuzz\"\nstart = \"2020-01-01\"\nhorizon_years = 0.0082\n";
    let small_fleet = "[hashrate]\nkind = \"fleet\"\n[network]\nsites = 20\n";
    match kind {
        "price" => format!("{base}{small_fleet}[price]\nmodel = \"csv\"\ncsv = \"{csv}\"\n"),
        "hashrate" => format!("{base}[hashrate]\nkind = \"csv\"\ncsv = \"{csv}\"\n"),
        "fees" => format!("{base}[fees]\nmodel = \"csv\"\ncsv = \"{csv}\"\n"),
        "ai_demand" => format!(
            "{base}{small_fleet}[firms]\ncount = 10\n[ai]\ndemand_kind = \"csv\"\n\
             demand_csv = \"{csv}\"\n"
        ),
        // The catalog is not a daily series: the 2026 network, on one model of the file.
        _ => format!(
            "{}{small_fleet}catalog = \"{csv}\"\nmix = [{{ model = \"Antminer S21\", share = 1.0 }}]\n",
            base.replace("2020-01-01", "2026-05-29")
        ),
    }
}

/// This process's scratch folder for [`data_csv`] (created once).
fn scratch_dir() -> &'static Path {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("hashshift-fuzz-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a scratch folder in the temporary directory");
        dir
    })
}

/// A CSV input file; see the module docs.
pub fn data_csv(data: &[u8]) {
    let Some((&pick, body)) = data.split_first() else {
        return;
    };
    let kind = CSV_KINDS[usize::from(pick) % CSV_KINDS.len()];
    let dir = scratch_dir();
    let csv = dir.join(format!("{kind}.csv"));
    std::fs::write(&csv, body).expect("writing the scratch CSV");
    let file = dir.join("scenario.toml");
    let Ok(sc) = Scenario::from_toml(&csv_scenario(kind, &csv), &file, &[]) else {
        return;
    };
    // Building may still refuse the inputs with a message (say, prices at which no machine of
    // the generated network is profitable); a run that was built must reach its horizon.
    let Ok(sim) = SimulationBuilder::new(&sc).seed(1).build() else {
        return;
    };
    let mut rec = MemoryRecorder::default();
    if let Err(e) = sim.with_invariant_checks().run(&mut rec, &mut NoProgress) {
        panic!("an accepted {kind} CSV fails its run: {e}");
    }
    for day in &rec.days {
        let numbers = [
            day.hashrate_ehs,
            day.price_usd,
            day.difficulty,
            day.fees_btc,
        ];
        assert!(
            numbers.iter().all(|x| x.is_finite() && *x >= 0.0),
            "a negative or non-finite number on day {}: {day:?}",
            day.date_unix
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_formed_files_give_runnable_csv_scenarios() {
        let dir = tempfile::tempdir().unwrap();
        let daily = |col: &str, v: &str| {
            let mut t = format!("date,{col}\n");
            for d in 1..=10 {
                t += &format!("2020-01-{d:02},{v}\n");
            }
            t
        };
        let files = [
            ("price", daily("PriceUSD", "77200")),
            ("hashrate", daily("HashRate_THs", "100000000")),
            ("fees", daily("FeeTotNtv,BlkCnt", "14.4,144")),
            ("ai_demand", daily("mw", "500")),
            (
                "asic_catalog",
                std::fs::read_to_string(
                    Path::new(env!("CARGO_MANIFEST_DIR")).join("../models/data/asic_catalog.csv"),
                )
                .unwrap(),
            ),
        ];
        for (kind, body) in files {
            let csv = dir.path().join(format!("{kind}.csv"));
            std::fs::write(&csv, body).unwrap();
            let text = csv_scenario(kind, &csv);
            let sc = Scenario::from_toml(&text, &dir.path().join("s.toml"), &[])
                .unwrap_or_else(|e| panic!("{kind}: {e}\n{text}"));
            let built = SimulationBuilder::new(&sc).seed(1).build();
            assert!(
                built.is_ok(),
                "{kind}: {:?}",
                built.err().map(|e| e.to_string())
            );
        }
    }
}
