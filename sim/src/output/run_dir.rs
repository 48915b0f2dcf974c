//! Atomic run folders: write under a hidden staging name, swap into place when complete.
//!
//! ```text
//! RunDir::stage("out/run-7")   locks    out/.run-7.lock              (see crate::storage::lock)
//!                              repairs  out/.run-7.old-*/            (restored if out/run-7 is gone)
//!                              removes  out/.run-7.partial-*/        (left by a killed process)
//!                              creates  out/.run-7.partial-<pid>/
//!   ... write files into run_dir.path() ...
//! run_dir.commit()             writes   out/.run-7.partial-<pid>/_SUCCESS (SHA-256 of each file)
//!   no previous run:           renames  out/.run-7.partial-<pid> -> out/run-7
//!   replacing one:             swaps    out/.run-7.partial-<pid> <-> out/run-7  (one step)
//!                              removes  out/.run-7.partial-<pid>/    (now the previous run)
//! drop without commit          removes  out/.run-7.partial-<pid>/
//! drop                         unlocks  out/.run-7.lock (and removes it)
//! ```
//!
//! A reader that finds `out/run-7` sees a complete run (old or new) with its marker, and
//! the name never goes missing: the swap is one `renameat2(RENAME_EXCHANGE)`. Where the file
//! system cannot swap (not Linux; some network file systems) the previous run is first
//! renamed to `out/.run-7.old-<pid>`, then the new one into place; a process killed
//! between the two leaves no `out/run-7` for that moment, and the next `stage` of the same
//! folder renames the `.old-` folder back. A process killed at any other point leaves only
//! hidden `.partial-` folders, which the next `stage` removes. Files and folders are fsynced
//! before the renames, so a completed run also survives a power loss.
//!
//! Only one process writes a given run folder at a time: [`RunDir::stage`] takes the
//! folder's lock file and fails with [`OutputError::InUse`] (naming the holder's pid) while
//! another process holds it; it is released when the [`RunDir`] is dropped, or by the
//! kernel when the process dies.
//!
//! As a guard against typos such as `--out ~`, an existing final folder is only replaced
//! if it is empty or a completed run of hashshift: a flat folder whose [`COMPLETION_MARKER`]
//! is a checksum list naming `summary.parquet`, and which holds nothing the marker does not
//! list (a folder with a `_SUCCESS` of Spark or Hadoop, or with a file of the user's, is
//! refused; so is a sweep's folder, which holds its `run=<id>` folders).
//!
//! The marker is a checksum list ([`super::manifest`]), so a file damaged after the commit
//! is found by [`super::manifest::verify`].

use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::manifest::{manifest, parse_marker, COMPLETION_MARKER};
use super::{OutputError, SUMMARY_FILE};
use crate::storage::lock::{lock_path, FolderLock, LockError, LockMode};
use crate::storage::remove_any;

/// A run folder being written; see the module docs.
#[derive(Debug)]
pub struct RunDir {
    final_dir: PathBuf,
    staging: PathBuf,
    parent: PathBuf,
    name: OsString,
    committed: bool,
    /// Held until the staging folder is gone (fields drop after [`Drop::drop`]).
    _lock: FolderLock,
}

/// `<parent>/.<name><suffix>`
fn sibling(parent: &Path, name: &OsString, suffix: &str) -> PathBuf {
    let mut s = OsString::from(".");
    s.push(name);
    s.push(suffix);
    parent.join(s)
}

/// The hidden leftovers of `<parent>/<name>` that killed processes left:
/// `(.<name>.partial-*, .<name>.old-*)`, each in name order.
fn leftovers(parent: &Path, name: &OsString) -> Result<(Vec<PathBuf>, Vec<PathBuf>), OutputError> {
    let dot = format!(".{}.", name.to_string_lossy());
    let (mut partial, mut old) = (Vec::new(), Vec::new());
    let entries = fs::read_dir(parent).map_err(|e| OutputError::io("listing", parent, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| OutputError::io("listing", parent, e))?;
        let file_name = entry.file_name().to_string_lossy().into_owned();
        match file_name.strip_prefix(&dot) {
            Some(tail) if tail.starts_with("partial-") => partial.push(entry.path()),
            Some(tail) if tail.starts_with("old-") => old.push(entry.path()),
            _ => {}
        }
    }
    partial.sort();
    old.sort();
    Ok((partial, old))
}

/// Repairs what killed processes left of `final_dir` (the caller holds its lock): a previous
/// run moved aside (`.old-`) whose replacement never arrived is renamed back, other `.old-`
/// folders and every staging folder (`.partial-`) are removed.
fn repair_leftovers(final_dir: &Path, parent: &Path, name: &OsString) -> Result<(), OutputError> {
    let (partial, old) = leftovers(parent, name)?;
    let mut old = old.into_iter();
    if fs::symlink_metadata(final_dir).is_err() {
        if let Some(aside) = old.find(|p| why_not_replaceable(p).is_ok()) {
            fs::rename(&aside, final_dir)
                .map_err(|e| OutputError::io("restoring the previous run", &aside, e))?;
            sync_dir(parent)?;
        }
    }
    let (_, old) = leftovers(parent, name)?;
    for p in partial.iter().chain(&old) {
        remove_any(p).map_err(|e| OutputError::io("removing stale", p, e))?;
    }
    Ok(())
}

/// Makes a folder's entries (renames, new files) durable. A no-op where folders cannot be
/// opened (Windows).
fn sync_dir(path: &Path) -> Result<(), OutputError> {
    #[cfg(unix)]
    {
        fs::File::open(path)
            .and_then(|d| d.sync_all())
            .map_err(|e| OutputError::io("syncing folder", path, e))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// `Ok` when the existing folder `dir` may be replaced: it is empty, or a completed run of
/// hashshift (see the module docs); otherwise why not.
fn why_not_replaceable(dir: &Path) -> Result<(), String> {
    let meta = fs::symlink_metadata(dir).map_err(|e| format!("cannot inspect it: {e}"))?;
    if meta.file_type().is_symlink() {
        return Err("it is a symbolic link".into());
    }
    if !meta.is_dir() {
        return Err("it is a file, not a folder".into());
    }
    let mut names = Vec::new();
    for entry in fs::read_dir(dir).map_err(|e| format!("cannot list it: {e}"))? {
        let entry = entry.map_err(|e| format!("cannot list it: {e}"))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let is_file = entry.file_type().is_ok_and(|t| t.is_file());
        if !is_file {
            return Err(format!(
                "it holds {name}, which is not a file: a run folder is flat (a sweep's folder \
                 holds its runs)"
            ));
        }
        names.push(name);
    }
    if names.is_empty() {
        return Ok(());
    }
    let marker = fs::read_to_string(dir.join(COMPLETION_MARKER))
        .map_err(|_| format!("it has no readable {COMPLETION_MARKER}"))?;
    let listed = parse_marker(&marker)
        .filter(|l| l.iter().any(|f| f == SUMMARY_FILE))
        .ok_or_else(|| {
            format!(
                "its {COMPLETION_MARKER} is not a hashshift run's list of checksums (one \
                 written by another program, or damaged)"
            )
        })?;
    names.sort();
    match names
        .iter()
        .find(|n| *n != COMPLETION_MARKER && !listed.contains(n))
    {
        Some(extra) => Err(format!(
            "it holds {extra}, which its {COMPLETION_MARKER} does not list (hashshift lists \
             every file it writes)"
        )),
        None => Ok(()),
    }
}

/// Whether `final_dir` exists and may be replaced (`Ok(false)`: it does not exist); fails
/// with [`OutputError::WouldClobber`] when it may not.
fn check_replaceable(final_dir: &Path) -> Result<bool, OutputError> {
    match fs::symlink_metadata(final_dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(OutputError::io("inspecting", final_dir, e)),
        Ok(_) => why_not_replaceable(final_dir)
            .map(|()| true)
            .map_err(|reason| OutputError::WouldClobber {
                path: final_dir.to_path_buf(),
                reason,
            }),
    }
}

impl RunDir {
    /// Takes the lock of `final_dir`, repairs what killed processes left of it (see the
    /// module docs) and creates the staging folder `<parent>/.<name>.partial-<pid>`
    /// (creating `<parent>` as needed).
    ///
    /// Fails early if `final_dir` exists and is neither empty nor a completed run, and with
    /// [`OutputError::InUse`] while another process writes it.
    pub fn stage(final_dir: &Path) -> Result<RunDir, OutputError> {
        let name = final_dir
            .file_name()
            .ok_or_else(|| OutputError::InvalidRunDir {
                path: final_dir.to_path_buf(),
                reason: "the path has no final folder name",
            })?
            .to_os_string();
        let parent = match final_dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        // Before anything is created; checked again under the lock.
        check_replaceable(final_dir)?;
        fs::create_dir_all(&parent).map_err(|e| OutputError::io("creating", &parent, e))?;
        let what = format!("the run folder {}", final_dir.display());
        let lock = FolderLock::acquire(&lock_path(final_dir), LockMode::Exclusive, &what).map_err(
            |e| match e {
                LockError::InUse(e) => OutputError::InUse(e),
                LockError::Io { op, path, source } => OutputError::io(op, &path, source),
            },
        )?;
        repair_leftovers(final_dir, &parent, &name)?;
        check_replaceable(final_dir)?;
        let staging = sibling(&parent, &name, &format!(".partial-{}", std::process::id()));
        fs::create_dir(&staging).map_err(|e| OutputError::io("creating", &staging, e))?;
        Ok(RunDir {
            final_dir: final_dir.to_path_buf(),
            staging,
            parent,
            name,
            committed: false,
            _lock: lock,
        })
    }

    /// The staging folder to write the run's files into.
    pub fn path(&self) -> &Path {
        &self.staging
    }

    /// The folder the run will have after [`RunDir::commit`].
    pub fn final_path(&self) -> &Path {
        &self.final_dir
    }

    /// Writes the completion marker and moves the staging folder to the final path,
    /// replacing a previous run there (see the module docs).
    pub fn commit(mut self) -> Result<(), OutputError> {
        let marker = self.staging.join(COMPLETION_MARKER);
        let write_marker = || -> std::io::Result<()> {
            let content = manifest(&self.staging)?;
            let mut f = fs::File::create(&marker)?;
            f.write_all(content.as_bytes())?;
            f.sync_all()
        };
        write_marker().map_err(|e| OutputError::io("writing", &marker, e))?;
        sync_dir(&self.staging)?;

        if !check_replaceable(&self.final_dir)? {
            fs::rename(&self.staging, &self.final_dir)
                .map_err(|e| OutputError::io("moving into place", &self.staging, e))?;
            self.committed = true;
            return sync_dir(&self.parent);
        }
        let swapped = crate::storage::exchange(&self.staging, &self.final_dir)
            .map_err(|e| OutputError::io("swapping into place", &self.staging, e))?;
        if swapped {
            // The staging name now holds the previous run.
            self.committed = true;
            sync_dir(&self.parent)?;
            // Best effort: the new run is in place; a leftover hidden folder is only wasted
            // space (the next stage of this folder removes it), not a failed commit.
            let _ = fs::remove_dir_all(&self.staging);
            return Ok(());
        }
        let aside = sibling(
            &self.parent,
            &self.name,
            &format!(".old-{}", std::process::id()),
        );
        remove_any(&aside).map_err(|e| OutputError::io("removing stale", &aside, e))?;
        fs::rename(&self.final_dir, &aside)
            .map_err(|e| OutputError::io("moving aside the previous run", &self.final_dir, e))?;
        if let Err(e) = fs::rename(&self.staging, &self.final_dir) {
            // Put the previous run back; the new one stays staged and Drop removes it.
            let _ = fs::rename(&aside, &self.final_dir);
            return Err(OutputError::io("moving into place", &self.staging, e));
        }
        self.committed = true;
        sync_dir(&self.parent)?;
        let _ = fs::remove_dir_all(&aside);
        Ok(())
    }
}

impl Drop for RunDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.staging);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::output::manifest::is_complete;

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
    }

    /// Stages `final_dir`, writes `files` (name, content) and commits.
    fn write_run(final_dir: &Path, files: &[(&str, &str)]) {
        let rd = RunDir::stage(final_dir).unwrap();
        for (name, content) in files {
            fs::write(rd.path().join(name), content).unwrap();
        }
        rd.commit().unwrap();
    }

    #[test]
    fn commit_moves_staging_into_place_with_marker() {
        let tmp = tempfile::tempdir().unwrap();
        let final_dir = tmp.path().join("a/b/run-1");
        let rd = RunDir::stage(&final_dir).unwrap();
        let staging = rd.path().to_path_buf();
        assert!(staging.is_dir());
        assert_eq!(staging.parent().unwrap(), tmp.path().join("a/b"));
        assert_eq!(
            staging.file_name().unwrap().to_string_lossy(),
            format!(".run-1.partial-{}", std::process::id())
        );
        assert!(!final_dir.exists());
        assert!(tmp.path().join("a/b/.run-1.lock").is_file(), "locked");
        fs::write(staging.join("x.txt"), b"x").unwrap();
        rd.commit().unwrap();
        assert!(is_complete(&final_dir));
        assert!(!staging.exists());
        assert_eq!(entries(&final_dir), vec![COMPLETION_MARKER, "x.txt"]);
        // sha256("x")
        assert_eq!(
            fs::read_to_string(final_dir.join(COMPLETION_MARKER)).unwrap(),
            "2d711642b726b04401627ca9fbac32f5c8530fb1903cc4db02258717921a4881  x.txt\n"
        );
        super::super::manifest::verify(&final_dir).unwrap();
        assert_eq!(
            entries(&tmp.path().join("a/b")),
            vec!["run-1"],
            "the lock file went with the lock"
        );
    }

    #[test]
    fn drop_without_commit_leaves_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let final_dir = tmp.path().join("run");
        {
            let rd = RunDir::stage(&final_dir).unwrap();
            fs::write(rd.path().join("half.parquet"), b"PAR1").unwrap();
        }
        assert!(entries(tmp.path()).is_empty());
        assert!(!is_complete(&final_dir));
    }

    #[test]
    fn replaces_previous_run() {
        let tmp = tempfile::tempdir().unwrap();
        let final_dir = tmp.path().join("run");
        write_run(&final_dir, &[(SUMMARY_FILE, "old"), ("old.parquet", "old")]);

        let rd = RunDir::stage(&final_dir).unwrap();
        fs::write(rd.path().join(SUMMARY_FILE), b"new").unwrap();
        // The old run is untouched until commit.
        assert_eq!(
            entries(&final_dir),
            vec![COMPLETION_MARKER, "old.parquet", SUMMARY_FILE]
        );
        rd.commit().unwrap();
        assert_eq!(entries(&final_dir), vec![COMPLETION_MARKER, SUMMARY_FILE]);
        assert_eq!(fs::read(final_dir.join(SUMMARY_FILE)).unwrap(), b"new");
        assert_eq!(entries(tmp.path()), vec!["run"]);
    }

    #[test]
    fn replaces_empty_folder_and_stale_staging() {
        let tmp = tempfile::tempdir().unwrap();
        let final_dir = tmp.path().join("run");
        fs::create_dir(&final_dir).unwrap();
        let own = tmp
            .path()
            .join(format!(".run.partial-{}", std::process::id()));
        fs::create_dir(&own).unwrap();
        fs::write(own.join("junk"), b"junk").unwrap();
        // A killed process's staging folder and lock file, and another run's, which stay.
        fs::create_dir(tmp.path().join(".run.partial-1")).unwrap();
        fs::write(tmp.path().join(".run.lock"), b"1\n").unwrap();
        fs::create_dir(tmp.path().join(".run2.partial-1")).unwrap();
        let rd = RunDir::stage(&final_dir).unwrap();
        assert_eq!(rd.path(), own);
        assert!(entries(rd.path()).is_empty());
        assert_eq!(
            entries(tmp.path()),
            vec![
                ".run.lock",
                own.file_name().unwrap().to_str().unwrap(),
                ".run2.partial-1",
                "run"
            ]
        );
        rd.commit().unwrap();
        assert_eq!(entries(&final_dir), vec![COMPLETION_MARKER]);
        assert_eq!(entries(tmp.path()), vec![".run2.partial-1", "run"]);
    }

    #[test]
    fn refuses_to_clobber_foreign_folder_or_file() {
        let tmp = tempfile::tempdir().unwrap();
        let foreign = tmp.path().join("home");
        fs::create_dir(&foreign).unwrap();
        fs::write(foreign.join("precious.txt"), b"!").unwrap();
        let err = RunDir::stage(&foreign).unwrap_err();
        assert!(matches!(err, OutputError::WouldClobber { .. }), "{err}");
        assert!(err.to_string().contains("home"), "{err}");
        let file = tmp.path().join("file");
        fs::write(&file, b"!").unwrap();
        let err = RunDir::stage(&file).unwrap_err();
        assert!(err.to_string().contains("a file, not a folder"), "{err}");
        assert!(matches!(
            RunDir::stage(Path::new("/")).unwrap_err(),
            OutputError::InvalidRunDir { .. }
        ));
        assert_eq!(entries(tmp.path()), vec!["file", "home"]);
    }

    /// Issue 33, case 1: any `_SUCCESS` made a flat folder look like a finished run, and the
    /// user's files in it were deleted.
    #[test]
    fn a_foreign_success_marker_or_an_unlisted_file_is_not_a_run() {
        let tmp = tempfile::tempdir().unwrap();
        let check = |dir: &Path, reason: &str| {
            let err = RunDir::stage(dir).unwrap_err();
            assert!(matches!(err, OutputError::WouldClobber { .. }), "{err}");
            assert!(err.to_string().contains(reason), "{err}");
        };
        // Spark and Hadoop write an empty _SUCCESS beside their data.
        let spark = tmp.path().join("spark");
        fs::create_dir(&spark).unwrap();
        fs::write(spark.join("x.csv"), b"data").unwrap();
        fs::write(spark.join(COMPLETION_MARKER), b"").unwrap();
        check(&spark, "is not a hashshift run's list of checksums");
        assert_eq!(entries(&spark), vec![COMPLETION_MARKER, "x.csv"]);
        fs::write(spark.join(COMPLETION_MARKER), b"complete\n").unwrap();
        check(&spark, "list of checksums");
        fs::remove_file(spark.join(COMPLETION_MARKER)).unwrap();
        check(&spark, "no readable _SUCCESS");

        // A finished run with a file of the user's added.
        let run = tmp.path().join("run");
        write_run(&run, &[(SUMMARY_FILE, "s")]);
        fs::write(run.join("notes.txt"), b"mine").unwrap();
        check(&run, "it holds notes.txt, which its _SUCCESS does not list");
        fs::write(run.join(".ipynb_checkpoints"), b"").unwrap();
        check(&run, "it holds .ipynb_checkpoints");
        assert_eq!(fs::read(run.join("notes.txt")).unwrap(), b"mine");

        // A symbolic link in place of the run is not followed.
        #[cfg(unix)]
        {
            let link = tmp.path().join("link");
            std::os::unix::fs::symlink(&spark, &link).unwrap();
            check(&link, "symbolic link");
        }
        assert!(!tmp.path().join(".spark.lock").exists());
    }

    #[test]
    fn refuses_to_replace_a_sweep_of_the_same_name() {
        // A completed sweep: a marker at the top beside its run folders.
        let tmp = tempfile::tempdir().unwrap();
        let sweep = tmp.path().join("baseline");
        fs::create_dir_all(sweep.join("run=0")).unwrap();
        fs::write(sweep.join(COMPLETION_MARKER), b"").unwrap();
        fs::write(sweep.join("run=0").join(COMPLETION_MARKER), b"").unwrap();
        let err = RunDir::stage(&sweep).unwrap_err();
        assert!(matches!(err, OutputError::WouldClobber { .. }), "{err}");
        assert!(err.to_string().contains("sweep"), "{err}");
        assert_eq!(entries(&sweep), vec!["_SUCCESS", "run=0"]);
        assert_eq!(entries(tmp.path()), vec!["baseline"]);
    }

    /// Issue 33, case 3: a second writer of the same run folder removed the first one's
    /// staging folder as stale.
    #[test]
    fn a_run_folder_being_written_is_refused_to_a_second_writer() {
        let tmp = tempfile::tempdir().unwrap();
        let final_dir = tmp.path().join("run");
        let first = RunDir::stage(&final_dir).unwrap();
        fs::write(first.path().join(SUMMARY_FILE), b"1").unwrap();
        let err = RunDir::stage(&final_dir).unwrap_err();
        assert!(matches!(err, OutputError::InUse(_)), "{err}");
        assert!(
            err.to_string()
                .contains(&format!("the run folder {} is in use", final_dir.display())),
            "{err}"
        );
        assert!(first.path().join(SUMMARY_FILE).is_file(), "left alone");
        first.commit().unwrap();
        write_run(&final_dir, &[(SUMMARY_FILE, "2")]);
        assert_eq!(fs::read(final_dir.join(SUMMARY_FILE)).unwrap(), b"2");
    }

    /// Issue 33, case 2: a previous run moved aside by a process killed before the new one
    /// arrived is put back; one whose replacement arrived is removed.
    #[test]
    fn a_previous_run_left_aside_is_restored_or_removed() {
        let tmp = tempfile::tempdir().unwrap();
        let final_dir = tmp.path().join("run");
        write_run(&final_dir, &[(SUMMARY_FILE, "old")]);
        let aside = tmp.path().join(".run.old-4294967");
        fs::rename(&final_dir, &aside).unwrap();
        let new_staged = tmp.path().join(".run.partial-4294967");
        fs::create_dir(&new_staged).unwrap();
        let rd = RunDir::stage(&final_dir).unwrap();
        assert_eq!(fs::read(final_dir.join(SUMMARY_FILE)).unwrap(), b"old");
        super::super::manifest::verify(&final_dir).unwrap();
        drop(rd);
        assert_eq!(entries(tmp.path()), vec!["run"]);

        fs::create_dir(&aside).unwrap();
        fs::write(aside.join("stale"), b"").unwrap();
        drop(RunDir::stage(&final_dir).unwrap());
        assert_eq!(entries(tmp.path()), vec!["run"]);
        assert_eq!(fs::read(final_dir.join(SUMMARY_FILE)).unwrap(), b"old");
    }
}
