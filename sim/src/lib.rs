//! hashshift: a discrete-event, agent-based simulator of the migration of compute from
//! Bitcoin mining to AI.
//!
//! - [`scenario`]: TOML scenarios, two-stage validation, defaults with sources.
//! - [`engine`]: the event queue, RNG streams and the block-by-block simulation.
//! - [`record`]: what a run reports, behind the [`record::Recorder`] trait.
//! - [`output`]: Parquet tables and atomic run folders.
//! - [`exit`]: the one mapping from an error to the process exit code.
//! - [`runner`]: one scenario end to end into a run folder.
//! - [`storage`]: content hashes and atomic file replacement.
//! - [`sweep`]: batch sweeps (grids, Monte Carlo, Latin hypercube, Sobol) into one dataset.
//! - `fuzzing` (hidden): the input loaders on arbitrary bytes, for `fuzz/` and its corpus test.
//!
//! The pure domain models (exact consensus, hashrate paths) live in `hashshift_models`.

pub mod calendar;
pub mod engine;
pub mod exit;
#[doc(hidden)]
pub mod fuzzing;
pub mod output;
pub mod record;
pub mod runner;
pub mod scenario;
pub mod storage;
pub mod sweep;

/// The layering of ARCHITECTURE.md, checked on the sources: a module imports only modules on
/// lower rows (`crate::x` outside comments), never one on its own row or above.
#[cfg(test)]
mod layers {
    use std::path::{Path, PathBuf};

    /// `(module, row)`; `main.rs` (row 5) is a separate binary that only sees `hashshift::`.
    const ROWS: [(&str, u8); 10] = [
        ("record", 0),
        ("calendar", 0),
        ("storage", 0),
        ("scenario", 1),
        ("engine", 2),
        ("output", 2),
        ("runner", 3),
        ("sweep", 4),
        ("exit", 5),
        ("fuzzing", 5),
    ];

    fn row(module: &str) -> Option<u8> {
        ROWS.iter().find(|(m, _)| *m == module).map(|&(_, r)| r)
    }

    fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                rust_files(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push(p);
            }
        }
    }

    /// The `crate::x` names in a line of code (not in a comment).
    fn imports(line: &str) -> Vec<&str> {
        let code = line.split("//").next().unwrap_or("");
        code.match_indices("crate::")
            .map(|(i, _)| {
                let rest = &code[i + "crate::".len()..];
                let end = rest
                    .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
                    .unwrap_or(rest.len());
                &rest[..end]
            })
            .collect()
    }

    #[test]
    fn every_module_imports_only_lower_rows() {
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        rust_files(&src, &mut files);
        files.sort();
        let mut checked = 0;
        let mut wrong = Vec::new();
        for f in &files {
            let rel = f.strip_prefix(&src).unwrap();
            let first = rel
                .components()
                .next()
                .unwrap()
                .as_os_str()
                .to_str()
                .unwrap();
            let module = first.trim_end_matches(".rs");
            if module == "lib" || module == "main" {
                continue;
            }
            let Some(own) = row(module) else {
                panic!(
                    "{}: module `{module}` has no row in ROWS (and ARCHITECTURE.md)",
                    rel.display()
                );
            };
            let text = std::fs::read_to_string(f).unwrap();
            for (n, line) in text.lines().enumerate() {
                for used in imports(line) {
                    checked += 1;
                    if used == module {
                        continue;
                    }
                    match row(used) {
                        Some(r) if r < own => {}
                        r => wrong.push(format!(
                            "{}:{}: `{module}` (row {own}) imports `{used}` (row {r:?})",
                            rel.display(),
                            n + 1
                        )),
                    }
                }
            }
        }
        assert!(
            checked > 100,
            "only {checked} imports found: is the scan broken?"
        );
        assert!(
            wrong.is_empty(),
            "imports against the layering:\n{}",
            wrong.join("\n")
        );
    }

    #[test]
    fn the_scan_sees_imports_and_skips_comments() {
        assert_eq!(
            imports("use crate::engine::{Sim, x}; // crate::sweep"),
            ["engine"]
        );
        assert_eq!(
            imports("    crate::output::is_complete(&crate::storage::x)"),
            ["output", "storage"]
        );
        assert!(imports("//! see [`crate::sweep`]").is_empty());
    }
}
