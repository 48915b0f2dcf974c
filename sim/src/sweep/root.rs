//! The sweep's output folder `<out>/<name>/`: its locks, checking that it is this sweep's
//! before writing into it (its `_sweep.json` against the sweep and each run's `_run.json`
//! against both), the leftovers of killed processes, damaged runs, and atomic writes of its
//! root files. See [`super::exec`] for the rules.

use std::fs;
use std::path::Path;

use rayon::prelude::*;
use serde_json::Value;

use super::exec::{run_dir, ExecError, Options, Shard, MANIFEST_FILE, RUN_FILE};
use super::Sweep;
use crate::output::manifest::{self, Damage};
use crate::output::{is_complete, OutputError, SUMMARY_FILE};
use crate::storage::lock::{self, FolderLock, LockError, LockMode};

pub(super) fn conflict(msg: String) -> ExecError {
    ExecError::Conflict(msg)
}

pub(super) fn io(op: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> ExecError {
    let path = path.to_path_buf();
    move |source| ExecError::Output(OutputError::Io { op, path, source })
}

/// Writes `content` to `path` atomically (temporary name, fsync, rename).
pub(super) fn write_atomic(path: &Path, content: &[u8]) -> Result<(), ExecError> {
    crate::storage::replace_file(
        path,
        None,
        |mut f| {
            use std::io::Write;
            f.write_all(content)
                .map(|()| f)
                .map_err(io("writing", path))
        },
        |op, p, e| io(op, p)(e),
    )
}

/// Takes the locks of the sweep's folder `root` for `opts` (see [`crate::storage::lock`]):
/// `<out>/.<name>.lock` alone, or shared by the shards of a sweep, each of which also holds
/// `<out>/.<name>.shard-<K>-of-<N>.lock` alone. Creates `<out>` as needed.
pub(super) fn lock_root(root: &Path, opts: &Options) -> Result<Vec<FolderLock>, ExecError> {
    let out = root.parent().unwrap_or(Path::new("."));
    let out = if out.as_os_str().is_empty() {
        Path::new(".")
    } else {
        out
    };
    fs::create_dir_all(out).map_err(io("creating", out))?;
    let take = |path: &Path, mode, what: String| {
        FolderLock::acquire(path, mode, &what).map_err(|e| match e {
            LockError::InUse(e) => ExecError::InUse(e),
            LockError::Io { op, path, source } => io(op, &path)(source),
        })
    };
    let whole = lock::lock_path(root);
    let folder = format!("the sweep folder {}", root.display());
    let name = root.file_name().unwrap_or_default().to_string_lossy();
    let shard_lock = |s: Shard| out.join(format!(".{name}.shard-{}-of-{}.lock", s.k, s.n));
    Ok(match opts.shard {
        None => {
            let lock = take(&whole, LockMode::Exclusive, folder)?;
            // No shard runs now (each would share this lock): the shard lock files that
            // killed shards left are free.
            let prefix = format!(".{name}.shard-");
            for e in fs::read_dir(out).map_err(io("listing", out))? {
                let e = e.map_err(io("listing", out))?;
                let n = e.file_name().to_string_lossy().into_owned();
                if n.starts_with(&prefix) && n.ends_with(".lock") {
                    let p = e.path();
                    lock::remove_if_free(&p).map_err(io("removing stale", &p))?;
                }
            }
            vec![lock]
        }
        Some(s) => {
            let shared = take(&whole, LockMode::Shared, folder.clone())?;
            let own = shard_lock(s);
            vec![
                take(
                    &own,
                    LockMode::Exclusive,
                    format!("shard {}/{} of {folder}", s.k, s.n),
                )?,
                shared,
            ]
        }
    })
}

/// The run id a root entry belongs to: `run=<id>`, or a leftover `.run=<id>.partial-<pid>` /
/// `.run=<id>.old-<pid>` / `.run=<id>.lock` (second element true).
fn entry_run_id(name: &str) -> Option<(u64, bool)> {
    if let Some(rest) = name.strip_prefix(".run=") {
        let (id, tail) = rest.split_once('.')?;
        (tail.starts_with("partial-") || tail.starts_with("old-") || tail == "lock")
            .then(|| id.parse().ok().map(|id| (id, true)))
            .flatten()
    } else {
        name.strip_prefix("run=")?
            .parse()
            .ok()
            .map(|id| (id, false))
    }
}

/// The content of run `id`'s `_run.json`: which sweep (hash), run, point, replicate and seed
/// it is; [`damaged_runs`] checks it against the sweep.
pub(super) fn run_tag(sweep: &Sweep, hash: &str, id: u64) -> String {
    let run = sweep.run(id);
    let mut s = serde_json::to_string_pretty(&serde_json::json!({
        "format": RUN_TAG_FORMAT,
        "sweep_hash": hash,
        "run": run.id,
        "point": run.point,
        "replicate": run.replicate,
        "seed": run.seed,
    }))
    .expect("a JSON value serializes");
    s.push('\n');
    s
}

/// Format tag of a run's `_run.json`.
const RUN_TAG_FORMAT: &str = "hashshift-sweep-run/1";

/// Why the run folder `dir`, intact by its marker, is not run `id` of this sweep: a
/// symbolic link, no `_run.json`, or one naming another sweep, run or seed.
fn foreign(dir: &Path, listed: &[String], expected: &str) -> Option<String> {
    if !listed.iter().any(|f| f == RUN_FILE) {
        return Some(format!(
            "it has no {RUN_FILE} (a run of an older hashshift, or not of a sweep)"
        ));
    }
    let text = fs::read_to_string(dir.join(RUN_FILE)).unwrap_or_default();
    if text == expected {
        return None;
    }
    let (found, want): (Value, Value) = (
        serde_json::from_str(&text).unwrap_or(Value::Null),
        serde_json::from_str(expected).expect("run_tag writes JSON"),
    );
    let field = |v: &Value, k: &str| v.get(k).map_or("?".to_string(), |x| x.to_string());
    let describe = |v: &Value| {
        format!(
            "run {} (seed {}) of the sweep with hash {}",
            field(v, "run"),
            field(v, "seed"),
            field(v, "sweep_hash").trim_matches('"')
        )
    };
    Some(format!(
        "its {RUN_FILE} says it is {}, not {} (a folder copied from another sweep, or \
         renamed)",
        describe(&found),
        describe(&want)
    ))
}

/// The runs among `ids` whose folder exists but whose files no longer match its completion
/// marker, that lost the marker itself (runs are renamed into place only once complete,
/// so a `run=<id>` folder without one was damaged since), or that are not this sweep's run
/// `id` ([`Damage::Foreign`]: a symbolic link, or a `_run.json` that does not match), with
/// what is wrong, in id order (checked in parallel on the current rayon pool).
pub(super) fn damaged_runs(sweep: &Sweep, root: &Path, ids: &[u64]) -> Vec<(u64, Damage)> {
    let hash = sweep.hash();
    let mut damaged: Vec<(u64, Damage)> = ids
        .par_iter()
        .filter_map(|&id| {
            let dir = run_dir(root, id);
            let meta = fs::symlink_metadata(&dir).ok()?;
            if meta.file_type().is_symlink() {
                let target = fs::read_link(&dir).map_or("?".into(), |t| t.display().to_string());
                return Some((
                    id,
                    Damage::Foreign {
                        reason: format!("it is a symbolic link (to {target}), not a run folder"),
                    },
                ));
            }
            match manifest::verify(&dir) {
                Err(d) => Some((id, d)),
                // Every run writes its summary table.
                Ok(listed) if !listed.iter().any(|f| f == SUMMARY_FILE) => Some((
                    id,
                    Damage::Incomplete {
                        file: SUMMARY_FILE.into(),
                    },
                )),
                Ok(listed) => foreign(&dir, &listed, &run_tag(sweep, &hash, id))
                    .map(|reason| (id, Damage::Foreign { reason })),
            }
        })
        .collect();
    damaged.sort_by_key(|(id, _)| *id);
    damaged
}

/// What differs between two `_sweep.json`s, for the message refusing the folder: the keys
/// (and the data files by name) whose values differ.
fn what_changed(old: &Value, new: &Value) -> String {
    let mut changes = Vec::new();
    let keys = new.as_object().into_iter().flat_map(|m| m.keys());
    let old_only = old
        .as_object()
        .into_iter()
        .flat_map(|m| m.keys())
        .filter(|k| new.get(k.as_str()).is_none());
    for key in keys.chain(old_only) {
        let (a, b) = (&old[key.as_str()], &new[key.as_str()]);
        if key == "hash" || a == b {
            continue;
        }
        match key.as_str() {
            "data_files" => changes.extend(data_file_changes(a, b)),
            "base_scenario" => changes.push("the resolved base scenario".to_string()),
            _ if a.is_array() || a.is_object() || b.is_array() || b.is_object() => {
                changes.push(format!("`{key}`"))
            }
            _ => changes.push(format!("`{key}` ({a} then, {b} now)")),
        }
    }
    if changes.is_empty() {
        // The hash also covers every point's values, which the manifest does not list.
        changes.push("the design's points".to_string());
    }
    changes.join("; ")
}

/// The data files (as `_sweep.json` lists them: path and SHA-256) added, removed or changed.
fn data_file_changes(old: &Value, new: &Value) -> Vec<String> {
    let list = |v: &Value| -> Vec<(String, String)> {
        v.as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                let s = |k: &str| f[k].as_str().unwrap_or("?").to_string();
                (s("path"), s("sha256"))
            })
            .collect()
    };
    let (old, new) = (list(old), list(new));
    let short = |h: &str| h.chars().take(12).collect::<String>();
    let mut out = Vec::new();
    for (path, sha) in &new {
        match old.iter().find(|(p, _)| p == path) {
            Some((_, was)) if was != sha => out.push(format!(
                "the data file {path} (SHA-256 {}... then, {}... now)",
                short(was),
                short(sha)
            )),
            Some(_) => {}
            None => out.push(format!("the data file {path} (read now, not then)")),
        }
    }
    for (path, _) in &old {
        if !new.iter().any(|(p, _)| p == path) {
            out.push(format!("the data file {path} (read then, not now)"));
        }
    }
    out
}

/// Checks (and creates) the sweep's folder; see the module docs.
pub(super) fn prepare_root(sweep: &Sweep, root: &Path, opts: &Options) -> Result<(), ExecError> {
    let hash = sweep.hash();
    let manifest_path = root.join(MANIFEST_FILE);
    let entries: Vec<String> = match fs::read_dir(root) {
        Ok(rd) => rd
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Vec::new(),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(conflict(format!(
                "{} exists and is not a folder; choose another --out",
                root.display()
            )))
        }
        Err(e) => return Err(io("listing", root)(e)),
    };
    // Another shard starting at the same moment may be writing the manifest: its temporary
    // file does not make the folder someone else's.
    let manifest_tmp = format!(".{MANIFEST_FILE}.tmp-");
    if entries.iter().all(|e| e.starts_with(&manifest_tmp)) {
        if opts.finalize_only {
            return Err(conflict(format!(
                "{}: no sweep output to finalize (run the sweep or its shards first)",
                root.display()
            )));
        }
        fs::create_dir_all(root).map_err(io("creating", root))?;
        return write_atomic(&manifest_path, sweep.manifest().as_bytes());
    }
    let Ok(existing) = crate::storage::read_text(&manifest_path) else {
        return Err(conflict(format!(
            "{} exists, is not empty and is not a hashshift sweep output (no {MANIFEST_FILE}); \
             refusing to write into it: choose another --out or remove it",
            root.display()
        )));
    };
    let old: serde_json::Value = match serde_json::from_str(&existing) {
        Ok(v @ serde_json::Value::Object(_)) if v["hash"].is_string() => v,
        Ok(_) => {
            return Err(conflict(format!(
                "{} is not a hashshift sweep manifest (no \"hash\"); it is damaged or not \
                 hashshift's: choose another --out, or remove {} to start over",
                manifest_path.display(),
                root.display()
            )))
        }
        Err(e) => {
            return Err(conflict(format!(
                "{} is damaged (not valid JSON: {e}); the sweep cannot tell whose runs the \
                 folder holds: choose another --out, or remove {} to start over",
                manifest_path.display(),
                root.display()
            )))
        }
    };
    let old_hash = old["hash"].as_str().unwrap_or("?");
    let new: Value = serde_json::from_str(&sweep.manifest()).expect("the manifest is JSON");
    if old_hash != hash {
        return Err(conflict(format!(
            "{} holds the output of a different sweep (hash {old_hash}, {} runs, hashshift {}) \
             than {} now resolves to (hash {hash}, {} runs, hashshift {}): changed since: {}. \
             Refusing to mix runs of two sweeps: choose another --out, or remove {} to start \
             over",
            root.display(),
            old["runs"],
            old["hashshift_version"].as_str().unwrap_or("?"),
            sweep.file.display(),
            sweep.n_runs(),
            crate::runner::VERSION,
            what_changed(&old, &new),
            root.display()
        )));
    }
    if old != new {
        // The hash is this sweep's but the content is not: edited by hand, or damaged.
        return Err(conflict(format!(
            "{} does not match its own hash {old_hash}: {} differ from what the hash stands \
             for (edited or damaged since the sweep wrote it), so the folder's runs cannot be \
             trusted to be this sweep's. Restore the file, or remove {} to start over",
            manifest_path.display(),
            what_changed(&old, &new),
            root.display()
        )));
    }
    if opts.resume || opts.finalize_only {
        return Ok(());
    }
    let complete = (0..sweep.n_runs())
        .filter(|&id| is_complete(&run_dir(root, id)))
        .count();
    match opts.shard {
        None => Err(conflict(format!(
            "{} already holds this sweep ({complete} of {} runs complete): use --resume to \
             finish it, or remove the folder to start over",
            root.display(),
            sweep.n_runs()
        ))),
        Some(s) => {
            let mine_there = entries
                .iter()
                .filter_map(|e| entry_run_id(e))
                .any(|(id, _)| s.contains(id));
            if mine_there {
                Err(conflict(format!(
                    "{} already holds runs of shard {}/{}: use --resume to finish them, or \
                     remove the folder to start over",
                    root.display(),
                    s.k,
                    s.n
                )))
            } else {
                Ok(())
            }
        }
    }
}

/// Removes what a killed process left for this shard's runs: staging folders, previous runs
/// moved aside, lock files.
pub(super) fn remove_stale(root: &Path, shard: Option<Shard>) -> Result<(), ExecError> {
    for e in fs::read_dir(root).map_err(io("listing", root))? {
        let e = e.map_err(io("listing", root))?;
        let name = e.file_name().to_string_lossy().into_owned();
        if let Some((id, true)) = entry_run_id(&name) {
            if shard.is_none_or(|s| s.contains(id)) {
                let p = e.path();
                if name.ends_with(".lock") {
                    lock::remove_if_free(&p).map_err(io("removing stale", &p))?;
                } else {
                    crate::storage::remove_any(&p).map_err(io("removing stale", &p))?;
                }
            }
        }
    }
    Ok(())
}

/// Removes the temporary files (`.<file>.tmp-<pid>`: `runs.parquet`, `_sweep.json`,
/// `_SUCCESS` being written) that a killed process left in the sweep's folder. A file of a
/// process still running (another shard finalizing now) is kept; whether one runs is known
/// on Linux (`/proc/<pid>`), so elsewhere nothing is removed.
pub(super) fn remove_dead_temp_files(root: &Path) -> Result<(), ExecError> {
    if !cfg!(target_os = "linux") {
        return Ok(());
    }
    let own = std::process::id();
    for e in fs::read_dir(root).map_err(io("listing", root))? {
        let e = e.map_err(io("listing", root))?;
        let name = e.file_name().to_string_lossy().into_owned();
        let pid = name
            .strip_prefix('.')
            .and_then(|n| n.rsplit_once(".tmp-"))
            .and_then(|(_, pid)| pid.parse::<u32>().ok());
        if let Some(pid) = pid {
            let alive = Path::new("/proc").join(pid.to_string()).exists();
            if pid != own && !alive && e.file_type().is_ok_and(|t| t.is_file()) {
                let p = e.path();
                fs::remove_file(&p).map_err(io("removing stale", &p))?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn temporary_files_of_dead_processes_are_removed_and_live_ones_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let own = format!(".runs.parquet.tmp-{}", std::process::id());
        // pid_max is at most 2^22 on Linux: this process cannot exist.
        let dead = ".runs.parquet.tmp-4294967";
        for f in [
            own.as_str(),
            dead,
            "._sweep.json.tmp-4294966",
            "runs.parquet",
            ".other",
        ] {
            fs::write(tmp.path().join(f), b"x").unwrap();
        }
        remove_dead_temp_files(tmp.path()).unwrap();
        let mut left: Vec<String> = fs::read_dir(tmp.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        left.sort();
        assert_eq!(
            left,
            vec![".other".to_string(), own, "runs.parquet".to_string()]
        );
    }

    #[test]
    fn root_entries_name_their_run() {
        assert_eq!(entry_run_id("run=12"), Some((12, false)));
        assert_eq!(entry_run_id(".run=12.partial-999"), Some((12, true)));
        assert_eq!(entry_run_id(".run=3.old-1"), Some((3, true)));
        assert_eq!(entry_run_id(".run=3.lock"), Some((3, true)));
        assert_eq!(entry_run_id(".run=3.locked"), None);
        assert_eq!(entry_run_id(".run=3.other"), None);
        assert_eq!(entry_run_id("runs.parquet"), None);
        assert_eq!(entry_run_id("_sweep.json"), None);
    }
}
