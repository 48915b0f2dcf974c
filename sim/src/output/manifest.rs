//! Completion markers that are checksum lists.
//!
//! A run folder is complete when it holds `_SUCCESS`, written last. Its content is the
//! SHA-256 of every other file of the folder, one line per file in name order, in the format
//! of `sha256sum` (so `cd <run dir> && sha256sum -c _SUCCESS` checks a run by hand):
//!
//! ```text
//! 3f9a...e1  daily.parquet
//! 77c0...0b  summary.parquet
//! ```
//!
//! The marker therefore says both "this run finished" and "these are its bytes":
//! [`verify`] finds a file truncated, overwritten or removed after the run finished (a full
//! disk during a copy, a bad transfer between cluster and laptop), and `hashshift sweep
//! --resume` redoes such runs. The files are byte-deterministic, so the marker is too.

use std::fmt;
use std::fs;
use std::io;
use std::path::Path;

/// Name of the completion marker file, written last into a run folder.
pub const COMPLETION_MARKER: &str = "_SUCCESS";

/// Whether `dir` holds a completion marker (without checking the files; see [`verify`]).
pub fn is_complete(dir: &Path) -> bool {
    dir.join(COMPLETION_MARKER).is_file()
}

pub use crate::storage::{sha256_file, sha256_hex};

/// The marker content listing `names` (files of `dir`) with their SHA-256, sorted by name.
pub fn manifest_of(dir: &Path, names: &[&str]) -> io::Result<String> {
    let mut names = names.to_vec();
    names.sort_unstable();
    let mut out = String::new();
    for name in names {
        let digest = sha256_file(&dir.join(name))
            .map_err(|e| io::Error::new(e.kind(), format!("hashing {name}: {e}")))?;
        out.push_str(&digest);
        out.push_str("  ");
        out.push_str(name);
        out.push('\n');
    }
    Ok(out)
}

/// The marker content for every regular file of `dir` except hidden ones and the marker.
pub fn manifest(dir: &Path) -> io::Result<String> {
    let mut names = Vec::new();
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if entry.file_type()?.is_file() && !name.starts_with('.') && name != COMPLETION_MARKER {
            names.push(name);
        }
    }
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    manifest_of(dir, &names)
}

/// One marker line, `<sha256>  <file>`, as `(digest, file)`; `None` if it is not one (the
/// file must be a plain name in the folder).
fn parse_line(line: &str) -> Option<(&str, &str)> {
    line.split_once("  ").filter(|(digest, file)| {
        digest.len() == 64
            && digest.bytes().all(|b| b.is_ascii_hexdigit())
            && !file.is_empty()
            && !file.contains(['/', '\\'])
            && *file != ".."
            && *file != "."
    })
}

/// The files a marker's `text` lists, in its order; `None` unless every line is
/// `<sha256>  <file>` (an empty marker lists nothing). Nothing is read or checked.
pub fn parse_marker(text: &str) -> Option<Vec<String>> {
    text.lines()
        .map(|l| parse_line(l).map(|(_, f)| f.to_string()))
        .collect()
}

/// Why a folder is not an intact completed run.
#[derive(Debug)]
pub enum Damage {
    /// No completion marker: the run never finished.
    NoMarker,
    /// The marker or a listed file cannot be read.
    Unreadable {
        /// The file.
        file: String,
        /// The cause.
        source: io::Error,
    },
    /// A line of the marker is not `<sha256>  <file>` (e.g. a marker of an older hashshift,
    /// which only said "complete").
    Malformed {
        /// 1-based line number.
        line: usize,
    },
    /// A file the marker lists is gone.
    Missing {
        /// The file.
        file: String,
    },
    /// A file's content no longer has the SHA-256 the marker lists.
    Changed {
        /// The file.
        file: String,
        /// Its size now, bytes.
        size: u64,
    },
    /// A Parquet file in the folder is not in the marker: hashshift lists every table it
    /// writes, so the marker lost its line (or the file was added since).
    Unlisted {
        /// The file.
        file: String,
    },
    /// A run's marker does not list a table every run writes.
    Incomplete {
        /// The table file.
        file: String,
    },
    /// An intact run folder that is not the run its name says, of the sweep it is in (a
    /// folder copied from another sweep, two folders swapped, a symbolic link).
    Foreign {
        /// Why, e.g. "its _run.json says it is run 2 (seed 5) ...".
        reason: String,
    },
}

impl fmt::Display for Damage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Damage::NoMarker => write!(f, "no {COMPLETION_MARKER}: the run did not finish"),
            Damage::Unreadable { file, source } => write!(f, "cannot read {file}: {source}"),
            Damage::Malformed { line } => write!(
                f,
                "{COMPLETION_MARKER} line {line} is not `<sha256>  <file>` (a marker of an \
                 older hashshift, or damaged)"
            ),
            Damage::Missing { file } => {
                write!(f, "{file}, listed in {COMPLETION_MARKER}, is missing")
            }
            Damage::Changed { file, size } => write!(
                f,
                "{file} ({size} bytes) does not match its SHA-256 in {COMPLETION_MARKER}: \
                 truncated or corrupted after the run finished"
            ),
            Damage::Unlisted { file } => write!(
                f,
                "{file} is not listed in {COMPLETION_MARKER}: the marker lost its line, or the \
                 file was added after the run finished"
            ),
            Damage::Incomplete { file } => write!(
                f,
                "{COMPLETION_MARKER} does not list {file}, which every run writes"
            ),
            Damage::Foreign { reason } => write!(f, "not this sweep's run: {reason}"),
        }
    }
}

impl std::error::Error for Damage {}

/// Checks that `dir` holds a completion marker, that every file it lists still has its
/// recorded SHA-256, and that no Parquet file of the folder is missing from it (hashshift
/// lists every table it writes). Other files the marker does not list (a notebook saved next
/// to the data, say) are ignored. Returns the files the marker lists.
pub fn verify(dir: &Path) -> Result<Vec<String>, Damage> {
    let marker = dir.join(COMPLETION_MARKER);
    let text = match fs::read_to_string(&marker) {
        Ok(t) => t,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Err(Damage::NoMarker),
        Err(source) => {
            return Err(Damage::Unreadable {
                file: COMPLETION_MARKER.into(),
                source,
            })
        }
    };
    let mut listed = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let Some((digest, file)) = parse_line(line) else {
            return Err(Damage::Malformed { line: i + 1 });
        };
        let path = dir.join(file);
        let actual = match sha256_file(&path) {
            Ok(d) => d,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                return Err(Damage::Missing { file: file.into() })
            }
            Err(source) => {
                return Err(Damage::Unreadable {
                    file: file.into(),
                    source,
                })
            }
        };
        if !actual.eq_ignore_ascii_case(digest) {
            let size = fs::metadata(&path).map_or(0, |m| m.len());
            return Err(Damage::Changed {
                file: file.into(),
                size,
            });
        }
        listed.push(file.to_string());
    }
    let entries = fs::read_dir(dir).map_err(|source| Damage::Unreadable {
        file: ".".into(),
        source,
    })?;
    // In name order, so the message is the same whatever order the folder lists them in.
    let mut unlisted: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.starts_with('.') && n.ends_with(".parquet") && !listed.contains(n))
        .collect();
    unlisted.sort();
    match unlisted.into_iter().next() {
        Some(file) => Err(Damage::Unlisted { file }),
        None => Ok(listed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_matches_the_standard_test_vectors() {
        // FIPS 180-2 examples: "" and "abc".
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("empty"), b"").unwrap();
        fs::write(dir.path().join("abc"), b"abc").unwrap();
        assert_eq!(
            sha256_file(&dir.path().join("empty")).unwrap(),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        assert_eq!(
            sha256_file(&dir.path().join("abc")).unwrap(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    fn complete_folder() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::write(dir.path().join("b.parquet"), b"PAR1 bbbb PAR1").unwrap();
        fs::write(dir.path().join("a.parquet"), b"PAR1 aaaa PAR1").unwrap();
        fs::write(dir.path().join(".hidden"), b"x").unwrap();
        let m = manifest(dir.path()).unwrap();
        fs::write(dir.path().join(COMPLETION_MARKER), m).unwrap();
        dir
    }

    #[test]
    fn a_manifest_lists_the_visible_files_in_name_order_and_verifies() {
        let dir = complete_folder();
        let text = fs::read_to_string(dir.path().join(COMPLETION_MARKER)).unwrap();
        let files: Vec<&str> = text.lines().map(|l| &l[66..]).collect();
        assert_eq!(files, ["a.parquet", "b.parquet"]);
        assert!(text.lines().all(|l| l.len() == 64 + 2 + 9));
        verify(dir.path()).unwrap();
        // An extra file is not damage.
        fs::write(dir.path().join("notes.txt"), b"mine").unwrap();
        verify(dir.path()).unwrap();
    }

    #[test]
    fn truncation_corruption_removal_and_old_markers_are_damage() {
        let dir = complete_folder();
        let a = dir.path().join("a.parquet");
        fs::write(&a, b"PAR1 aa").unwrap();
        let e = verify(dir.path()).unwrap_err();
        assert!(matches!(&e, Damage::Changed { file, size: 7 } if file == "a.parquet"));
        assert!(e.to_string().contains("a.parquet (7 bytes)"), "{e}");

        let dir = complete_folder();
        fs::write(dir.path().join("b.parquet"), b"PAR1 bXbb PAR1").unwrap();
        assert!(
            matches!(verify(dir.path()), Err(Damage::Changed { file, .. }) if file == "b.parquet")
        );

        let dir = complete_folder();
        fs::remove_file(dir.path().join("b.parquet")).unwrap();
        assert!(matches!(verify(dir.path()), Err(Damage::Missing { file }) if file == "b.parquet"));

        let dir = complete_folder();
        fs::write(dir.path().join(COMPLETION_MARKER), b"complete\n").unwrap();
        assert!(matches!(
            verify(dir.path()),
            Err(Damage::Malformed { line: 1 })
        ));
        fs::write(dir.path().join(COMPLETION_MARKER), b"").unwrap();
        // The tables are still there but the marker lost their lines.
        assert!(
            matches!(verify(dir.path()), Err(Damage::Unlisted { file }) if file == "a.parquet")
        );
        let m = manifest(dir.path()).unwrap();
        let without_b: String = m
            .lines()
            .filter(|l| !l.ends_with("b.parquet"))
            .map(|l| format!("{l}\n"))
            .collect();
        fs::write(dir.path().join(COMPLETION_MARKER), without_b).unwrap();
        assert!(
            matches!(verify(dir.path()), Err(Damage::Unlisted { file }) if file == "b.parquet")
        );
        let empty = tempfile::tempdir().unwrap();
        fs::write(empty.path().join(COMPLETION_MARKER), b"").unwrap();
        assert_eq!(verify(empty.path()).unwrap(), Vec::<String>::new()); // a folder without tables
        let escape = format!("{}  ../a.parquet\n", "0".repeat(64));
        fs::write(dir.path().join(COMPLETION_MARKER), escape).unwrap();
        assert!(matches!(
            verify(dir.path()),
            Err(Damage::Malformed { line: 1 })
        ));

        fs::remove_file(dir.path().join(COMPLETION_MARKER)).unwrap();
        assert!(matches!(verify(dir.path()), Err(Damage::NoMarker)));
    }
}
