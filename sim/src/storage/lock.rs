//! Lock files of output folders: one process at a time writes a run folder or a sweep's
//! folder (a sweep's shards share theirs).
//!
//! A lock is an advisory `flock(2)` on a hidden file beside the folder it guards
//! (`<out>/.<name>.lock`), so it needs no cleanup after a crash: the kernel releases it when
//! its holder dies, however it dies (SIGKILL, power loss of a node), and the next process
//! simply takes it. The holder writes its pid into the file, for the message another process
//! gets. On release the holder removes the file (when no other process shares the lock), so
//! a finished output leaves none behind; one killed leaves the file, which the next holder
//! reuses and removes.
//!
//! ASSUMPTION: every writer of the folder is a hashshift that takes the lock (it is
//! advisory), and `flock` locks are seen by every node that mounts the file system (true of
//! local file systems; of NFS since Linux 2.6.12, where `flock` is emulated with byte-range
//! locks; of GPFS; of Lustre mounted with `-o flock`). Where `flock` fails as unsupported,
//! the folder is written without a lock ([`FolderLock`] then guards nothing).
//!
//! Removing a lock file cannot race with another process taking it: a process that opened
//! the old file before it was unlinked and then got its lock checks that the path still
//! names the file it locked, and otherwise starts over on the new one.

use std::fs::{self, File};
use std::io::{self, Read, Seek, Write};
use std::path::{Path, PathBuf};

/// How a lock is held.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockMode {
    /// Alone: a run, a sweep without `--shard`, `--resume` or `--finalize` of a whole sweep.
    Exclusive,
    /// With other holders of the same mode: the shards of one sweep (each also holds a lock
    /// of its own shard exclusively).
    Shared,
}

/// Another process holds the lock.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{what} is in use by another hashshift process{holder}: two processes must not write it at \
     once (each would remove the other's files in flight); wait for that one to finish, or \
     choose another --out",
    holder = .holder.map_or(String::new(), |pid| format!(" (pid {pid})"))
)]
pub struct InUse {
    /// What the lock guards, e.g. "the run folder out/baseline".
    pub what: String,
    /// The holder's pid, when its lock file names a live process.
    pub holder: Option<u32>,
}

/// Why a lock was not taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another process holds it.
    #[error(transparent)]
    InUse(#[from] InUse),
    /// The lock file cannot be created or locked (a read-only folder, a file system without
    /// locks).
    #[error("{op} lock file {path}: {source}", path = .path.display())]
    Io {
        /// What was being done.
        op: &'static str,
        /// The lock file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: io::Error,
    },
}

/// A held lock; released (and its file removed when no one else holds it) on drop.
#[derive(Debug)]
pub struct FolderLock {
    file: File,
    path: PathBuf,
    /// False where the file system has no `flock` (it fails with ENOSYS, ENOLCK or
    /// EOPNOTSUPP: Lustre mounted without `-o flock`, NFS without its lock daemon): the
    /// folder is then written unguarded, as before locks existed, rather than not at all.
    held: bool,
}

/// The lock file guarding `<parent>/<name>`: `<parent>/.<name>.lock`.
pub fn lock_path(folder: &Path) -> PathBuf {
    let name = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    folder.with_file_name(format!(".{name}.lock"))
}

impl FolderLock {
    /// Takes the lock file `path` (created if missing) in `mode` without waiting: fails
    /// with [`InUse`] (naming `what` and the holder's pid) if another process holds it in
    /// a conflicting mode. The folder holding `path` must exist.
    pub fn acquire(path: &Path, mode: LockMode, what: &str) -> Result<FolderLock, LockError> {
        let io_err = |op| {
            move |source| LockError::Io {
                op,
                path: path.to_path_buf(),
                source,
            }
        };
        loop {
            let file = fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(path)
                .map_err(io_err("creating"))?;
            // Exclusive first even for a shared lock, so the first holder records its pid.
            let exclusive = match sys::try_lock(&file, LockMode::Exclusive) {
                Ok(got) => got,
                Err(e) if sys::no_locks(&e) => {
                    return Ok(FolderLock {
                        file,
                        path: path.to_path_buf(),
                        held: false,
                    })
                }
                Err(e) => return Err(io_err("locking")(e)),
            };
            if !exclusive {
                let shared =
                    mode == LockMode::Shared && try_shared(&file).map_err(io_err("locking"))?;
                if !shared {
                    return Err(InUse {
                        what: what.to_string(),
                        holder: holder(&file),
                    }
                    .into());
                }
            }
            if !sys::same_file(&file, path).map_err(io_err("inspecting"))? {
                // Removed (and perhaps created anew) by a holder releasing it after we opened
                // it: this lock guards nothing, take the one at the path now.
                continue;
            }
            let lock = FolderLock {
                file,
                path: path.to_path_buf(),
                held: true,
            };
            if exclusive {
                // Only for the message another process gets: a full disk must not fail it.
                let _ = lock.record_pid();
                if mode == LockMode::Shared && !try_shared(&lock.file).map_err(io_err("locking"))? {
                    // Between the two modes another process took it exclusively.
                    return Err(InUse {
                        what: what.to_string(),
                        holder: holder(&lock.file),
                    }
                    .into());
                }
            }
            return Ok(lock);
        }
    }

    fn record_pid(&self) -> io::Result<()> {
        let mut f = &self.file;
        f.set_len(0)?;
        f.rewind()?;
        writeln!(f, "{}", std::process::id())
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

/// How long a shared lock waits out another sharer's brief exclusive hold, s.
const SHARED_WAIT_S: f64 = 2.0;

/// Takes `file`'s lock shared, waiting up to [`SHARED_WAIT_S`] for an exclusive holder to let
/// go. Sharers hold it exclusively for an instant, each: the first to write its pid, the last
/// to check it may remove the file, and `flock` converts between modes in two steps; shards
/// of a sweep started together by a Slurm job array met those instants and refused each other
/// as "in use". A real exclusive holder (a run or an unsharded sweep) holds it for its whole
/// run, and is still refused after the wait.
fn try_shared(file: &File) -> io::Result<bool> {
    let start = std::time::Instant::now();
    loop {
        if sys::try_lock(file, LockMode::Shared)? {
            return Ok(true);
        }
        if start.elapsed().as_secs_f64() > SHARED_WAIT_S {
            return Ok(false);
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

impl Drop for FolderLock {
    fn drop(&mut self) {
        // Only the last holder removes the file (it alone can lock it exclusively); the lock
        // itself goes with the file descriptor.
        let last = !self.held || sys::try_lock(&self.file, LockMode::Exclusive).unwrap_or(false);
        if last && sys::same_file(&self.file, &self.path).unwrap_or(false) {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// The pid a lock file records, if that process is alive.
fn holder(file: &File) -> Option<u32> {
    let mut text = String::new();
    let mut f = file;
    f.rewind().ok()?;
    f.take(32).read_to_string(&mut text).ok()?;
    let pid: u32 = text.trim().parse().ok()?;
    (pid != std::process::id() && sys::alive(pid)).then_some(pid)
}

/// Removes the lock file `path` if no process holds it (a leftover of a killed process).
pub fn remove_if_free(path: &Path) -> io::Result<()> {
    match FolderLock::acquire(path, LockMode::Exclusive, "") {
        Ok(lock) => {
            drop(lock);
            Ok(())
        }
        Err(LockError::InUse(_)) => Ok(()),
        Err(LockError::Io { source, .. }) => Err(source),
    }
}

#[cfg(unix)]
mod sys {
    use super::LockMode;
    use std::fs::File;
    use std::io;
    use std::os::unix::fs::MetadataExt;
    use std::os::unix::io::AsRawFd;
    use std::path::Path;

    /// `flock(LOCK_NB)`: `Ok(false)` when another process holds a conflicting lock.
    pub fn try_lock(file: &File, mode: LockMode) -> io::Result<bool> {
        let op = match mode {
            LockMode::Exclusive => libc::LOCK_EX,
            LockMode::Shared => libc::LOCK_SH,
        };
        loop {
            // SAFETY: flock on a descriptor this File owns.
            if unsafe { libc::flock(file.as_raw_fd(), op | libc::LOCK_NB) } == 0 {
                return Ok(true);
            }
            let e = io::Error::last_os_error();
            match e.kind() {
                io::ErrorKind::WouldBlock => return Ok(false),
                io::ErrorKind::Interrupted => continue,
                _ => return Err(e),
            }
        }
    }

    /// Whether `flock` failed because the file system has none.
    pub fn no_locks(e: &io::Error) -> bool {
        matches!(
            e.raw_os_error(),
            Some(libc::ENOSYS | libc::ENOLCK | libc::EOPNOTSUPP)
        )
    }

    /// Whether `path` still names the open `file`.
    pub fn same_file(file: &File, path: &Path) -> io::Result<bool> {
        let ours = file.metadata()?;
        match std::fs::symlink_metadata(path) {
            Ok(m) => Ok(m.dev() == ours.dev() && m.ino() == ours.ino()),
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// Whether process `pid` exists (`kill(pid, 0)`; EPERM: it exists, as another user's).
    pub fn alive(pid: u32) -> bool {
        let Ok(pid) = libc::pid_t::try_from(pid) else {
            return false;
        };
        // SAFETY: signal 0 only checks that the process exists.
        pid > 0
            && (unsafe { libc::kill(pid, 0) } == 0
                || io::Error::last_os_error().raw_os_error() == Some(libc::EPERM))
    }
}

/// Elsewhere no locks are taken: the folders are unguarded (documented in the README).
#[cfg(not(unix))]
mod sys {
    use super::LockMode;
    use std::fs::File;
    use std::io;
    use std::path::Path;

    pub fn try_lock(_: &File, _: LockMode) -> io::Result<bool> {
        Ok(true)
    }
    pub fn no_locks(_: &io::Error) -> bool {
        false
    }
    pub fn same_file(_: &File, path: &Path) -> io::Result<bool> {
        Ok(path.exists())
    }
    pub fn alive(_: u32) -> bool {
        false
    }
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn exclusive_locks_exclude_and_are_removed_on_release() {
        let dir = tempfile::tempdir().unwrap();
        let p = lock_path(&dir.path().join("run"));
        assert_eq!(p, dir.path().join(".run.lock"));
        let a = FolderLock::acquire(&p, LockMode::Exclusive, "the run folder run").unwrap();
        assert_eq!(
            fs::read_to_string(&p).unwrap(),
            format!("{}\n", std::process::id())
        );
        // flock locks belong to the open file: a second open in this process conflicts too.
        let e = FolderLock::acquire(&p, LockMode::Exclusive, "the run folder run").unwrap_err();
        let LockError::InUse(e) = e else {
            panic!("{e}")
        };
        // The holder is this process, which the message does not name as "another".
        assert_eq!(e.holder, None);
        assert!(
            e.to_string().starts_with("the run folder run is in use"),
            "{e}"
        );
        assert!(matches!(
            FolderLock::acquire(&p, LockMode::Shared, "x"),
            Err(LockError::InUse(_))
        ));
        drop(a);
        assert!(!p.exists(), "the last holder removes the file");
        let b = FolderLock::acquire(&p, LockMode::Exclusive, "x").unwrap();
        drop(b);
        assert!(!p.exists());
    }

    #[test]
    fn shared_locks_coexist_and_exclude_an_exclusive_one() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".sweep.lock");
        let a = FolderLock::acquire(&p, LockMode::Shared, "x").unwrap();
        let b = FolderLock::acquire(&p, LockMode::Shared, "x").unwrap();
        assert!(matches!(
            FolderLock::acquire(&p, LockMode::Exclusive, "x"),
            Err(LockError::InUse(_))
        ));
        drop(a);
        assert!(p.exists(), "b still holds it");
        assert!(FolderLock::acquire(&p, LockMode::Exclusive, "x").is_err());
        drop(b);
        assert!(!p.exists());
    }

    /// Shards of a sweep started together by a Slurm job array refused each other: a sharer
    /// holds the lock exclusively for an instant (its pid, its release), and the other's shared
    /// request failed at once. It now waits such an instant out (here 100 ms).
    #[test]
    fn a_shared_lock_waits_out_a_brief_exclusive_hold() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".sweep.lock");
        let brief = FolderLock::acquire(&p, LockMode::Exclusive, "x").unwrap();
        let release = std::thread::spawn(move || {
            std::thread::sleep(std::time::Duration::from_millis(100));
            drop(brief);
        });
        let shared = FolderLock::acquire(&p, LockMode::Shared, "x").unwrap();
        release.join().unwrap();
        assert!(p.exists(), "the sharer holds the file at the path");
        let other = FolderLock::acquire(&p, LockMode::Shared, "x").unwrap();
        drop((shared, other));
        assert!(!p.exists());
    }

    #[test]
    fn a_stale_lock_file_is_taken_over_and_names_a_live_holder() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".run.lock");
        // A killed holder's file: its pid is gone (pid_max is at most 2^22 on Linux), and no
        // one holds the flock.
        fs::write(&p, "4294967\n").unwrap();
        let a = FolderLock::acquire(&p, LockMode::Exclusive, "x").unwrap();
        drop(a);
        assert!(!p.exists());
        remove_if_free(&p).unwrap();
        fs::write(&p, "4294967\n").unwrap();
        remove_if_free(&p).unwrap();
        assert!(!p.exists());

        // A live holder (the parent process of this test, say) is named.
        let f = fs::File::create(&p).unwrap();
        assert!(sys::try_lock(&f, LockMode::Exclusive).unwrap());
        // SAFETY: getppid has no preconditions.
        let parent = unsafe { libc::getppid() } as u32;
        fs::write(&p, format!("{parent}\n")).unwrap();
        let e = FolderLock::acquire(&p, LockMode::Exclusive, "x").unwrap_err();
        assert!(e.to_string().contains(&format!("(pid {parent})")), "{e}");
        remove_if_free(&p).unwrap();
        assert!(p.exists(), "a held lock file stays");
    }

    #[test]
    fn a_lock_file_removed_while_waiting_is_not_trusted() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(".run.lock");
        let stale = fs::File::create(&p).unwrap();
        fs::remove_file(&p).unwrap();
        // The path no longer names `stale`: a lock on it would guard nothing.
        assert!(!sys::same_file(&stale, &p).unwrap());
        let lock = FolderLock::acquire(&p, LockMode::Exclusive, "x").unwrap();
        assert!(sys::same_file(&lock.file, &p).unwrap());
    }
}
