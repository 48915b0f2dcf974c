//! Bytes on disk: content hashes and atomic file replacement, shared by the run folders
//! ([`crate::output`]), the sweeps ([`crate::sweep`]) and the command line.
//!
//! Nothing here knows about runs, tables or scenarios; callers map the I/O errors into their
//! own error types through the `io_error` constructor they pass in, so every message still
//! names the operation and the path.

use std::fs::{self, File, Permissions};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The SHA-256 of `bytes`, as 64 lowercase hex digits.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

fn hex(digest: &[u8]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The SHA-256 of a file's content, as 64 lowercase hex digits.
pub fn sha256_file(path: &Path) -> io::Result<String> {
    let mut file = File::open(path)?;
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
