//! Bytes on disk: content hashes, atomic file replacement, bounded reads of input files, the
//! swap of a run folder into place and the output folders' lock files ([`lock`]), shared by
//! the run folders ([`crate::output`]), the sweeps ([`crate::sweep`]), the scenario loader
//! and the command line.
//!
//! Nothing here knows about runs, tables or scenarios; callers map the I/O errors into their
//! own error types (through the `io_error` constructor they pass in, or by naming the path
//! in their own message), so every message still names the operation and the path.

pub mod lock;

use std::fs::{self, File, Permissions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use lock::{FolderLock, InUse, LockError, LockMode};

/// Most bytes read from a scenario or sweep file (64 MiB; the shipped ones are under 20 KB).
pub const MAX_INPUT_FILE_BYTES: u64 = 64 << 20;

/// Most bytes read from a data file a scenario names (price, hashrate, fee, AI-demand and
/// ASIC-catalog CSVs): 256 MiB, about 250 times the largest real series used here (the
/// daily Coin Metrics export since 2009, `shared/reference/btc_daily.csv`, 1.0 MB).
pub const MAX_DATA_FILE_BYTES: u64 = 256 << 20;

/// A size in bytes as people read it: `64 MiB`, `1.5 GiB`, `812 bytes`.
fn human_bytes(n: u64) -> String {
    const UNITS: [&str; 4] = ["KiB", "MiB", "GiB", "TiB"];
    if n < 1024 {
        return format!("{n} bytes");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v >= 1024.0 && unit + 1 < UNITS.len() {
        v /= 1024.0;
        unit += 1;
    }
    if v.fract() == 0.0 {
        format!("{v:.0} {}", UNITS[unit])
    } else {
        format!("{v:.1} {}", UNITS[unit])
    }
}

/// What a path that is not a regular file is, for messages.
fn file_kind(meta: &fs::Metadata) -> &'static str {
    let t = meta.file_type();
    if t.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if t.is_char_device() {
            return "a character device";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

fn not_regular(meta: &fs::Metadata) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!(
            "it is {}, not a regular file (hashshift reads input only from regular files)",
            file_kind(meta)
        ),
    )
}

fn too_large(max_bytes: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::FileTooLarge,
        format!(
            "it is larger than {}, the most hashshift reads from such a file",
            human_bytes(max_bytes)
        ),
    )
}

/// Opens `path` for reading if it is a regular file; refuses anything else (before opening
/// it, so a FIFO does not block; should the path be swapped for one after the check, the
/// open still returns: it does not wait for a writer).
fn open_regular(path: &Path) -> io::Result<File> {
    let meta = fs::metadata(path)?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    let mut options = fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        return Err(not_regular(&meta));
    }
    Ok(file)
}

/// Removes a file or folder at `path` if there is one (a symbolic link itself, not what it
/// points to).
pub fn remove_any(path: &Path) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => fs::remove_dir_all(path),
        Ok(_) => fs::remove_file(path),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
    }
}

/// Reads the UTF-8 text of the input file `path`, at most `max_bytes` of it
/// ([`MAX_INPUT_FILE_BYTES`], [`MAX_DATA_FILE_BYTES`]). A path that is not a regular file (a
/// FIFO, which would block the open until a writer comes, `/dev/zero`, which never ends, a
/// folder) is refused before it is opened; a larger file is refused without reading it
/// past the limit (also one that grows while read). The errors name neither the path nor
/// the operation: callers say "cannot read <file>: <error>".
pub fn read_input(path: &Path, max_bytes: u64) -> io::Result<String> {
    let file = open_regular(path)?;
    let meta = file.metadata()?;
    if meta.len() > max_bytes {
        return Err(too_large(max_bytes));
    }
    let mut bytes = Vec::with_capacity(meta.len().min(max_bytes) as usize);
    file.take(max_bytes + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > max_bytes {
        return Err(too_large(max_bytes));
    }
    String::from_utf8(bytes)
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "it is not UTF-8 text"))
}

/// [`read_input`] of a scenario or sweep file (at most [`MAX_INPUT_FILE_BYTES`]).
pub fn read_text(path: &Path) -> io::Result<String> {
    read_input(path, MAX_INPUT_FILE_BYTES)
}

/// [`read_input`] of a data file a scenario names (at most [`MAX_DATA_FILE_BYTES`]).
pub fn read_data(path: &Path) -> io::Result<String> {
    read_input(path, MAX_DATA_FILE_BYTES)
}

/// Swaps the folders (or files) `a` and `b` in one atomic step (Linux `renameat2` with
/// `RENAME_EXCHANGE`): at every instant each name holds one of the two. `Ok(false)` where
/// the system or the file system cannot (other systems; some network file systems), for
/// the caller to fall back to two renames.
pub fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let c = |p: &Path| {
            CString::new(p.as_os_str().as_bytes())
                .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "a NUL byte in a path"))
        };
        let (ca, cb) = (c(a)?, c(b)?);
        // SAFETY: both are NUL-terminated paths that outlive the call; AT_FDCWD resolves them
        // as `rename` does.
        let r = unsafe {
            libc::renameat2(
                libc::AT_FDCWD,
                ca.as_ptr(),
                libc::AT_FDCWD,
                cb.as_ptr(),
                libc::RENAME_EXCHANGE,
            )
        };
        if r == 0 {
            return Ok(true);
        }
        let e = io::Error::last_os_error();
        match e.raw_os_error() {
            Some(libc::EINVAL | libc::ENOSYS | libc::EOPNOTSUPP) => Ok(false),
            _ => Err(e),
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (a, b);
        Ok(false)
    }
}

/// Makes a write past a file-size limit (`ulimit -f`) fail with an error (`EFBIG`, "File
/// too large"), reported like a full disk, instead of killing the process by `SIGXFSZ` (exit
/// 153, no message, staging folders left behind). Called once at the start of `main`.
pub fn ignore_file_size_signal() {
    #[cfg(unix)]
    // SAFETY: installing SIG_IGN for one signal touches no Rust state; no handler runs.
    unsafe {
        libc::signal(libc::SIGXFSZ, libc::SIG_IGN);
    }
}

/// The SHA-256 of `bytes`, as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a file's content, as 64 lowercase hex digits. Fails on a path that is not
/// a regular file (without blocking on a FIFO).
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut file = open_regular(path)?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 1 << 20];
    loop {
        let n = match file.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        hasher.update(&buf[..n]);
    }
    Ok(hex(&hasher.finalize()))
}

/// The temporary sibling a file is written under before it replaces `path`:
/// `.<name>.tmp-<pid>` in the same folder (so the final rename stays on one file system).
pub fn temp_sibling(path: &Path) -> PathBuf {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.tmp-{}", std::process::id()))
}

/// Replaces `path` atomically: `write` fills a temporary sibling ([`temp_sibling`]) and
/// returns the file, which is synced, given `permissions` (when some) and renamed over
/// `path`. Readers see the old content or the new, never a part. On any failure the
/// temporary file is removed and `path` is untouched. I/O failures are mapped by
/// `io_error(operation, path, error)`.
pub fn replace_file<E>(
    path: &Path,
    permissions: Option<Permissions>,
    write: impl FnOnce(File) -> Result<File, E>,
    io_error: impl Fn(&'static str, &Path, io::Error) -> E,
) -> Result<(), E> {
    let tmp = temp_sibling(path);
    let result = (|| {
        let file = File::create(&tmp).map_err(|e| io_error("creating", &tmp, e))?;
        let file = write(file)?;
        file.sync_all().map_err(|e| io_error("syncing", &tmp, e))?;
        drop(file);
        if let Some(p) = permissions {
            fs::set_permissions(&tmp, p)
                .map_err(|e| io_error("setting permissions of", &tmp, e))?;
        }
        fs::rename(&tmp, path).map_err(|e| io_error("moving into place", path, e))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}

/// [`replace_file`] with `bytes` as the new content and plain [`io::Error`]s, each naming
/// the path.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> io::Result<()> {
    replace_file(
        path,
        None,
        |mut f| f.write_all(bytes).map(|()| f),
        |op, p, e| io::Error::new(e.kind(), format!("{op} {}: {e}", p.display())),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_inputs() {
        // FIPS 180-2 test vector and the empty string.
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f");
        fs::write(&p, b"abc").unwrap();
        assert_eq!(sha256_file(&p).unwrap(), sha256_hex(b"abc"));
    }

    #[test]
    fn input_files_are_read_whole_up_to_the_limit_and_only_if_regular() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("s.toml");
        fs::write(&p, "name = \"x\"\n").unwrap();
        assert_eq!(read_input(&p, 100).unwrap(), "name = \"x\"\n");
        let e = read_input(&p, 5).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::FileTooLarge);
        assert!(e.to_string().contains("larger than 5 bytes"), "{e}");
        // A sparse file past the limit is refused without reading it.
        let big = dir.path().join("big.csv");
        File::create(&big)
            .unwrap()
            .set_len(MAX_INPUT_FILE_BYTES + 1)
            .unwrap();
        let e = read_input(&big, MAX_INPUT_FILE_BYTES).unwrap_err();
        assert!(e.to_string().contains("larger than 64 MiB"), "{e}");
        let e = read_input(dir.path(), 100).unwrap_err();
        assert!(
            e.to_string().contains("a folder, not a regular file"),
            "{e}"
        );
        fs::write(&p, [0xff, 0xfe]).unwrap();
        assert!(read_input(&p, 100)
            .unwrap_err()
            .to_string()
            .contains("UTF-8"));
        assert_eq!(
            read_input(&dir.path().join("none"), 100)
                .unwrap_err()
                .kind(),
            io::ErrorKind::NotFound
        );
        assert_eq!(human_bytes(MAX_DATA_FILE_BYTES), "256 MiB");
        assert_eq!(human_bytes(1536), "1.5 KiB");
    }

    #[test]
    #[cfg(unix)]
    fn fifos_and_devices_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("scenario.toml");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let e = read_input(&fifo, 100).unwrap_err();
        assert!(e.to_string().contains("a FIFO (named pipe)"), "{e}");
        let e = read_input(Path::new("/dev/zero"), 100).unwrap_err();
        assert!(e.to_string().contains("a character device"), "{e}");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn exchange_swaps_two_folders() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        fs::create_dir(&a).unwrap();
        fs::create_dir(&b).unwrap();
        fs::write(a.join("from-a"), b"").unwrap();
        fs::write(b.join("from-b"), b"").unwrap();
        // tmpfs, ext4, xfs and btrfs support it; elsewhere the caller falls back.
        if exchange(&a, &b).unwrap() {
            assert!(a.join("from-b").exists() && b.join("from-a").exists());
        }
        assert!(exchange(&a, &dir.path().join("none")).is_err());
    }

    #[test]
    fn replace_file_swaps_content_and_cleans_up_on_failure() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("f.txt");
        fs::write(&p, b"old").unwrap();
        write_atomic(&p, b"new").unwrap();
        assert_eq!(fs::read(&p).unwrap(), b"new");
        let failed: Result<(), String> = replace_file(
            &p,
            None,
            |mut f| {
                f.write_all(b"partial").unwrap();
                Err("encoder failed".to_string())
            },
            |op, _, e| format!("{op}: {e}"),
        );
        assert_eq!(failed.unwrap_err(), "encoder failed");
        assert_eq!(
            fs::read(&p).unwrap(),
            b"new",
            "a failed write leaves the file alone"
        );
        let names: Vec<_> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "no temporary file is left: {names:?}");
    }
}
