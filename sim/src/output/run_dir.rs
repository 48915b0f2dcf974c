//! Atomic run folders: write under a hidden staging name, rename into place when complete.
//!
//! ```text
//! RunDir::stage("out/run-7")   removes  out/.run-7.partial-*/  (left by a killed process)
//!                              creates  out/.run-7.partial-<pid>/
//!   ... write files into run_dir.path() ...
//! run_dir.commit()             writes   out/.run-7.partial-<pid>/_SUCCESS (SHA-256 of each file)
//!                              renames  out/run-7            -> out/.run-7.old-<pid>  (if any)
//!                              renames  out/.run-7.partial-<pid> -> out/run-7
//!                              removes  out/.run-7.old-<pid>
//! drop without commit          removes  out/.run-7.partial-<pid>/
//! ```
//!
//! A reader that finds `out/run-7` sees a complete run (old or new) with its marker. Between
//! the two renames of a replacement the final name briefly does not exist; it never names a
//! half-written folder. Files and folders are fsynced before the renames, so a completed run
//! also survives a power loss.
//!
//! As a guard against typos such as `--out ~`, an existing final folder is only replaced
//! if it is empty or a completed run: it holds [`COMPLETION_MARKER`] and no folders (a
//! sweep's folder also holds a marker, beside its `run=<id>` folders, and is never replaced
//! by a run of the same name).
//!
//! The marker is a checksum list ([`super::manifest`]), so a file damaged after the commit
//! is found by [`super::manifest::verify`].

use std::ffi::OsString;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use super::manifest::{is_complete, manifest, COMPLETION_MARKER};
use super::OutputError;

/// A run folder being written; see the module docs.
#[derive(Debug)]
pub struct RunDir {
    final_dir: PathBuf,
    staging: PathBuf,
    parent: PathBuf,
    name: OsString,
    committed: bool,
}

/// `<parent>/.<name><suffix>`
fn sibling(parent: &Path, name: &OsString, suffix: &str) -> PathBuf {
    let mut s = OsString::from(".");
    s.push(name);
    s.push(suffix);
    parent.join(s)
}

/// Removes a file or folder at `path` if there is one.
fn remove_any(path: &Path) -> std::io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Removes the staging folders `<parent>/.<name>.partial-*` a killed process left.
fn remove_stale_staging(parent: &Path, name: &OsString) -> Result<(), OutputError> {
    let mut prefix = OsString::from(".");
    prefix.push(name);
    prefix.push(".partial-");
    let prefix = prefix.to_string_lossy().into_owned();
    let entries = fs::read_dir(parent).map_err(|e| OutputError::io("listing", parent, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| OutputError::io("listing", parent, e))?;
        if entry.file_name().to_string_lossy().starts_with(&prefix) {
            let p = entry.path();
            remove_any(&p).map_err(|e| OutputError::io("removing stale", &p, e))?;
        }
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

/// Fails unless `final_dir` is absent, an empty folder or a completed run (its marker and
/// no folders: a run folder is flat).
fn check_replaceable(final_dir: &Path) -> Result<bool, OutputError> {
    match fs::symlink_metadata(final_dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
        Err(e) => Err(OutputError::io("inspecting", final_dir, e)),
        Ok(m) if !m.is_dir() => Err(OutputError::WouldClobber {
            path: final_dir.to_path_buf(),
        }),
        Ok(_) => {
            let (mut empty, mut has_folder) = (true, false);
            for entry in
                fs::read_dir(final_dir).map_err(|e| OutputError::io("listing", final_dir, e))?
            {
                let entry = entry.map_err(|e| OutputError::io("listing", final_dir, e))?;
                empty = false;
                let is_dir = entry
                    .file_type()
                    .map_err(|e| OutputError::io("inspecting", &entry.path(), e))?
                    .is_dir();
                has_folder |= is_dir;
            }
            if empty || (is_complete(final_dir) && !has_folder) {
                Ok(true)
            } else {
                Err(OutputError::WouldClobber {
                    path: final_dir.to_path_buf(),
                })
            }
        }
    }
}

impl RunDir {
    /// Creates the staging folder `<parent>/.<name>.partial-<pid>` for `final_dir`
    /// (creating `<parent>` as needed). Staging folders of `final_dir` that a killed process
    /// left (`.<name>.partial-*`) are removed first: only one process may write a given run
    /// folder at a time, and one that finds its staging folder gone fails at its commit.
    ///
    /// Fails early if `final_dir` exists and is neither empty nor a completed run.
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
        check_replaceable(final_dir)?;
        fs::create_dir_all(&parent).map_err(|e| OutputError::io("creating", &parent, e))?;
        remove_stale_staging(&parent, &name)?;
        let staging = sibling(&parent, &name, &format!(".partial-{}", std::process::id()));
        fs::create_dir(&staging).map_err(|e| OutputError::io("creating", &staging, e))?;
        Ok(RunDir {
            final_dir: final_dir.to_path_buf(),
            staging,
            parent,
            name,
            committed: false,
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

        let aside = if check_replaceable(&self.final_dir)? {
            let aside = sibling(
                &self.parent,
                &self.name,
                &format!(".old-{}", std::process::id()),
            );
            remove_any(&aside).map_err(|e| OutputError::io("removing stale", &aside, e))?;
            fs::rename(&self.final_dir, &aside).map_err(|e| {
                OutputError::io("moving aside the previous run", &self.final_dir, e)
            })?;
            Some(aside)
        } else {
            None
        };

        if let Err(e) = fs::rename(&self.staging, &self.final_dir) {
            if let Some(aside) = &aside {
                // Put the previous run back; the new one stays staged and Drop removes it.
                let _ = fs::rename(aside, &self.final_dir);
            }
            return Err(OutputError::io("moving into place", &self.staging, e));
        }
        self.committed = true;
        sync_dir(&self.parent)?;
        if let Some(aside) = aside {
            // Best effort: the new run is in place; a leftover hidden `.old-` folder is only
            // wasted space, not a reason to report the commit as failed.
            let _ = fs::remove_dir_all(&aside);
        }
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

    fn entries(dir: &Path) -> Vec<String> {
        let mut v: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        v.sort();
        v
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
        assert_eq!(entries(&tmp.path().join("a/b")), vec!["run-1"]);
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
        let rd = RunDir::stage(&final_dir).unwrap();
        fs::write(rd.path().join("old.txt"), b"old").unwrap();
        rd.commit().unwrap();

        let rd = RunDir::stage(&final_dir).unwrap();
        fs::write(rd.path().join("new.txt"), b"new").unwrap();
        // The old run is untouched until commit.
        assert_eq!(entries(&final_dir), vec![COMPLETION_MARKER, "old.txt"]);
        rd.commit().unwrap();
        assert_eq!(entries(&final_dir), vec![COMPLETION_MARKER, "new.txt"]);
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
        // A killed process's staging folder, and another run's, which stays.
        fs::create_dir(tmp.path().join(".run.partial-1")).unwrap();
        fs::create_dir(tmp.path().join(".run2.partial-1")).unwrap();
        let rd = RunDir::stage(&final_dir).unwrap();
        assert_eq!(rd.path(), own);
        assert!(entries(rd.path()).is_empty());
        assert_eq!(
            entries(tmp.path()),
            vec![
                own.file_name().unwrap().to_str().unwrap(),
                ".run2.partial-1",
                "run"
            ]
        );
        rd.commit().unwrap();
        assert_eq!(entries(&final_dir), vec![COMPLETION_MARKER]);
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
        assert!(matches!(
            RunDir::stage(&file).unwrap_err(),
            OutputError::WouldClobber { .. }
        ));
        assert!(matches!(
            RunDir::stage(Path::new("/")).unwrap_err(),
            OutputError::InvalidRunDir { .. }
        ));
        assert_eq!(entries(tmp.path()), vec!["file", "home"]);
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
}
