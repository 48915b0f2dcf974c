//! Fault injection, driving the built binary: SIGTERM and SIGKILL during a run; Ctrl-C
//! (SIGINT), SIGTERM and SIGHUP during a sweep (SIGKILL during a sweep is in `sweep.rs`); a
//! full disk (a file-size limit, `ulimit -f`, which makes writes fail as a full disk does);
//! a read-only output folder; and files truncated, corrupted or removed inside a
//! finished sweep before `--resume`. In every case: a clear message, a non-zero exit code,
//! finished runs intact, nothing partial passed off as complete, and `--resume` (or rerunning
//! the run) repairs what is partial, byte for byte.
//!
//! Unix only (signals, `ulimit`, permissions). `.ci/disk_full.sh` repeats the disk-full case
//! on a real 4 MiB tmpfs where mounting is allowed.
#![cfg(unix)]

use crate::common;

use std::fs;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::{assert_same_dataset, bin, repo, stderr, TINY_FLEET};
use hashshift::output::manifest;

/// 2 points x 4 replicates of [`TINY_FLEET`]: the first point writes small files, the second a
/// `blocks` table of several hundred KB (0.3 years of blocks).
const SIZED_SWEEP: &str = r#"
scenario = "tiny.toml"
seed = 7
[set]
horizon_years = 0.3
[replicates]
count = 4
[[axis]]
path = "output.blocks"
values = [false, true]
"#;

fn setup() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    fs::write(tmp.path().join("tiny.toml"), TINY_FLEET).unwrap();
    tmp
}

/// [`setup`] with the sweep file `t.toml` (`text`, over `tiny.toml`).
fn setup_sweep(text: &str) -> tempfile::TempDir {
    let tmp = setup();
    fs::write(tmp.path().join("t.toml"), text).unwrap();
    tmp
}

fn run_in(dir: &Path, args: &[&str]) -> Output {
    bin().args(args).current_dir(dir).output().unwrap()
}

/// Hidden entries (staging folders, temporary files) in `dir`.
fn hidden(dir: &Path) -> Vec<String> {
    fs::read_dir(dir).map_or(Vec::new(), |rd| {
        rd.map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with('.'))
            .collect()
    })
}

fn signal(child: &Child, sig: &str) {
    let st = Command::new("kill")
        .args([sig, &child.id().to_string()])
        .status()
        .unwrap();
    assert!(st.success(), "kill {sig}");
}

/// Sends `sig` to `child` and checks that it stops as interrupted: exit 130 and a message
/// with "interrupted" and `hint`.
fn stop_interrupted(child: Child, sig: &str, hint: &str) {
    signal(&child, sig);
    let o = child.wait_with_output().unwrap();
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(130), "{sig}: {err}");
    assert!(
        err.contains("interrupted") && err.contains(hint),
        "{sig}: {err}"
    );
}

/// Waits until `cond` holds (at most 60 s).
fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while !cond() {
        assert!(Instant::now() < deadline, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(2));
    }
}

#[test]
fn sigterm_and_sigkill_during_a_run_leave_the_previous_run_intact() {
    let tmp = setup();
    let dir = tmp.path();
    // The shipped baseline over 3 years (about 1 s): long enough to be caught mid-run.
    let scenario = repo().join("scenarios/baseline.toml");
    let args = [
        "run",
        scenario.to_str().unwrap(),
        "--out",
        "o",
        "-q",
        "--set",
        "horizon_years=3",
        "--set",
        "output.blocks=false",
        "--set",
        "output.firms=false",
    ];
    let out = dir.join("o");
    let final_dir = out.join("baseline");
    let o = run_in(dir, &args);
    assert!(o.status.success(), "{}", stderr(&o));
    let first = common::files(&final_dir);
    manifest::verify(&final_dir).unwrap();

    let start = |dir: &Path| {
        bin()
            .args(args)
            .current_dir(dir)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let staging_appears = || !hidden(&out).is_empty();

    // SIGTERM: a clean stop at the end of the simulated day, exit 130, nothing left behind.
    let child = start(dir);
    wait_for("the staging folder", staging_appears);
    std::thread::sleep(Duration::from_millis(100));
    stop_interrupted(child, "-TERM", "nothing was written");
    assert!(hidden(&out).is_empty(), "left behind: {:?}", hidden(&out));
    assert_eq!(
        common::files(&final_dir),
        first,
        "the previous run is unchanged"
    );

    // SIGKILL: no message is possible; the previous run stays, the staging folder is hidden
    // and the next run of the same output removes it.
    let mut child = start(dir);
    wait_for("the staging folder", staging_appears);
    std::thread::sleep(Duration::from_millis(100));
    child.kill().unwrap();
    assert!(!child.wait().unwrap().success());
    // The killed run's staging folder, and its lock file (whose lock the kernel released).
    let mut left = hidden(&out);
    left.sort();
    assert_eq!(left.len(), 2, "{left:?}");
    assert!(left[0] == ".baseline.lock" && left[1].starts_with(".baseline.partial-"));
    assert_eq!(
        common::files(&final_dir),
        first,
        "the previous run is unchanged"
    );
    let o = run_in(dir, &args);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(hidden(&out).is_empty(), "left behind: {:?}", hidden(&out));
    assert_eq!(
        common::files(&final_dir),
        first,
        "the rerun gives the same bytes"
    );
}

#[test]
fn ctrl_c_sigterm_and_sighup_stop_a_sweep_cleanly_and_resume_finishes() {
    let tmp = setup_sweep("scenario = \"tiny.toml\"\n[replicates]\ncount = 60\n");
    let dir = tmp.path();
    // Ctrl-C in a terminal; SIGTERM and SIGHUP as Slurm sends on scancel or a time limit.
    for sig in ["-INT", "-TERM", "-HUP"] {
        let out = format!("o{sig}");
        let root = dir.join(&out).join("t");
        let child = bin()
            .args(["sweep", "t.toml", "--out", &out, "--jobs", "2", "-q"])
            .current_dir(dir)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let complete = || {
            fs::read_dir(&root).map_or(0, |rd| {
                rd.filter(|e| manifest::is_complete(&e.as_ref().unwrap().path()))
                    .count()
            })
        };
        wait_for("5 complete runs", || complete() >= 5);
        stop_interrupted(child, sig, "--resume");
        let done = complete();
        assert!((5..60).contains(&done), "{sig}: {done} runs complete");
        assert!(
            hidden(&root).is_empty(),
            "{sig}: left behind: {:?}",
            hidden(&root)
        );
        assert!(!root.join("_SUCCESS").exists() && !root.join("runs.parquet").exists());
        for e in fs::read_dir(&root).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                manifest::verify(&p).unwrap_or_else(|d| panic!("{}: {d}", p.display()));
            }
        }
        let o = run_in(dir, &["sweep", "t.toml", "--out", &out, "--resume", "-q"]);
        assert!(o.status.success(), "{sig}: {}", stderr(&o));
        assert_eq!(complete(), 60, "{sig}");
        manifest::verify(&root).unwrap();
    }
}

/// `hashshift ARGS` under a file-size limit of `kib` KiB: a write past the limit fails with
/// EFBIG, as a write to a full disk fails with ENOSPC (hashshift ignores SIGXFSZ, which would
/// otherwise kill it).
fn with_file_size_limit(dir: &Path, kib: u64, args: &[&str]) -> Output {
    Command::new("bash")
        .arg("-c")
        .arg(format!("ulimit -f {kib}; exec \"$0\" \"$@\""))
        .arg(env!("CARGO_BIN_EXE_hashshift"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap()
}

/// `hashshift run` of [`TINY_FLEET`] over 0.3 years into `o`.
const TINY_RUN: [&str; 7] = [
    "run",
    "tiny.toml",
    "--out",
    "o",
    "-q",
    "--set",
    "horizon_years=0.3",
];

/// [`TINY_RUN`] with its blocks table past a 100 KiB file-size
/// limit: checks that it fails as a full disk does (exit 1, the cause and the run folder
/// named, no hidden leftovers in `dir/o`).
fn assert_run_fails_past_a_file_size_limit(dir: &Path) {
    let mut args = TINY_RUN.to_vec();
    args.extend(["--set", "output.blocks=true"]);
    let o = with_file_size_limit(dir, 100, &args);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{:?}: {err}", o.status);
    assert!(
        err.contains("out of disk space") && err.contains("o/tiny"),
        "{err}"
    );
    assert!(err.contains("File too large"), "the cause is kept: {err}");
    assert!(err.contains(".parquet"), "the file is named: {err}");
    assert!(
        hidden(&dir.join("o")).is_empty(),
        "{:?}",
        hidden(&dir.join("o"))
    );
}

#[test]
fn a_full_disk_fails_the_run_cleanly_and_resume_finishes_the_sweep() {
    let tmp = setup();
    let dir = tmp.path();

    // A run: the earlier complete run of the same name stays; nothing partial is left.
    let o = run_in(dir, &TINY_RUN);
    assert!(o.status.success(), "{}", stderr(&o));
    let first = common::files(&dir.join("o/tiny"));
    assert_run_fails_past_a_file_size_limit(dir);
    assert_eq!(common::files(&dir.join("o/tiny")), first);

    // A sweep, one job: runs 0-3 fit, run 4 (blocks table) does not; no further run starts.
    fs::write(dir.join("t.toml"), SIZED_SWEEP).unwrap();
    let sweep = ["sweep", "t.toml", "--out", "full", "--jobs", "1", "-q"];
    let o = with_file_size_limit(dir, 100, &sweep);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for part in [
        "out of disk space",
        "run 4",
        "no further run was started",
        "4 of 8 runs",
    ] {
        assert!(err.contains(part), "expected {part:?} in: {err}");
    }
    assert!(err.contains("--resume"), "{err}");
    let root = dir.join("full/t");
    assert!(hidden(&root).is_empty(), "{:?}", hidden(&root));
    for id in 0..8 {
        let run = root.join(format!("run={id}"));
        assert_eq!(run.exists(), id < 4, "run {id}");
        if id < 4 {
            manifest::verify(&run).unwrap();
        }
    }
    assert!(!root.join("_SUCCESS").exists());

    // With space again, --resume finishes it: the same bytes as a sweep that had space.
    let o = run_in(dir, &["sweep", "t.toml", "--out", "full", "--resume", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run_in(dir, &["sweep", "t.toml", "--out", "clean", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_same_dataset(&dir.join("clean/t"), &root, "disk full + resume vs clean");
}

/// Whether this process runs as root (who may write into read-only folders).
fn running_as_root(dir: &Path) -> bool {
    let probe = dir.join("owner-probe");
    fs::write(&probe, b"").unwrap();
    let uid = fs::metadata(&probe).unwrap().uid();
    fs::remove_file(&probe).unwrap();
    uid == 0
}

#[test]
fn a_read_only_output_folder_is_refused_with_nothing_written() {
    let tmp = setup_sweep("scenario = \"tiny.toml\"\n[replicates]\ncount = 2\n");
    let dir = tmp.path();
    let ro = dir.join("ro");
    fs::create_dir(&ro).unwrap();
    fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).unwrap();
    // Root ignores permissions: then the program runs as `nobody`, from a copy of the
    // binary that `nobody` can execute (the build folder may be private).
    let as_root = running_as_root(dir);
    let exe: PathBuf = if as_root {
        fs::set_permissions(dir, fs::Permissions::from_mode(0o755)).unwrap();
        let copy = dir.join("hashshift");
        fs::copy(env!("CARGO_BIN_EXE_hashshift"), &copy).unwrap();
        fs::set_permissions(&copy, fs::Permissions::from_mode(0o755)).unwrap();
        copy
    } else {
        PathBuf::from(env!("CARGO_BIN_EXE_hashshift"))
    };
    let hashshift = |args: &[&str]| {
        let mut c = Command::new(&exe);
        c.args(args).current_dir(dir);
        if as_root {
            c.uid(65534).gid(65534);
        }
        c.output().unwrap()
    };
    for args in [
        vec!["run", "tiny.toml", "--out", "ro", "-q"],
        vec!["run", "tiny.toml", "--out", "ro/sub", "-q"],
        vec!["sweep", "t.toml", "--out", "ro", "-q"],
    ] {
        let o = hashshift(&args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(1), "{args:?}: {err}");
        assert!(
            err.starts_with("error: ") && err.contains("ro/") && err.contains("Permission denied"),
            "{args:?}: {err}"
        );
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(
            fs::read_dir(&ro).unwrap().count(),
            0,
            "{args:?} wrote into ro"
        );
    }
    // An output path through a file is a bad --out (exit 2) for a run and a sweep, named as
    // such, and nothing is written.
    fs::write(dir.join("file"), b"").unwrap();
    fs::write(dir.join("s.toml"), SIZED_SWEEP).unwrap();
    for args in [
        &["run", "tiny.toml", "--out", "file/o", "-q"][..],
        &["run", "tiny.toml", "--out", "file", "-q"],
        &["sweep", "s.toml", "--out", "file", "-q"],
    ] {
        let o = run_in(dir, args);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(
            err.contains("file is a file, not a folder"),
            "{args:?}: {err}"
        );
        assert_eq!(fs::read(dir.join("file")).unwrap(), b"");
    }
}

#[test]
fn damaged_files_in_a_finished_sweep_are_refused_by_finalize_and_redone_by_resume() {
    let tmp = setup();
    let dir = tmp.path();
    fs::write(dir.join("t.toml"), SIZED_SWEEP.replace("0.3", "0.05")).unwrap();
    for out in ["ref", "d"] {
        let o = run_in(dir, &["sweep", "t.toml", "--out", out, "-q"]);
        assert!(o.status.success(), "{}", stderr(&o));
    }
    let root = dir.join("d/t");
    let run = |id: u64, file: &str| root.join(format!("run={id}")).join(file);
    let truncate = |p: PathBuf| {
        let bytes = fs::read(&p).unwrap();
        fs::write(&p, &bytes[..bytes.len() / 2]).unwrap();
    };
    truncate(run(1, "daily.parquet"));
    let mut bytes = fs::read(run(2, "summary.parquet")).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x40;
    fs::write(run(2, "summary.parquet"), bytes).unwrap();
    fs::remove_file(run(3, "firms.parquet")).unwrap();
    fs::remove_file(run(4, "_SUCCESS")).unwrap(); // a run folder without its marker
    fs::write(run(5, "_SUCCESS"), b"complete\n").unwrap(); // an old-style marker
    truncate(root.join("runs.parquet"));
    fs::create_dir(root.join(".run=6.partial-999999")).unwrap(); // a killed process's
    fs::write(run(6, "_SUCCESS"), b"").unwrap(); // a marker that lost its lines...
    truncate(run(6, "daily.parquet")); // ...and a table damaged since
                                       // A killed finalize's runs table (pid_max is at most 2^22: no such process).
    fs::write(root.join(".runs.parquet.tmp-4294967"), b"").unwrap();
    fs::remove_dir_all(root.join("run=7")).unwrap();

    // --finalize checks every run and refuses to assemble the damaged ones.
    let o = run_in(dir, &["sweep", "t.toml", "--out", "d", "--finalize", "-q"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(1), "{err}");
    for part in [
        "6 finished runs are damaged",
        "run 1: daily.parquet (",
        "does not match its SHA-256",
        "run 2: summary.parquet",
        "run 3: firms.parquet, listed in _SUCCESS, is missing",
        "(3 more)",
        "--resume",
    ] {
        assert!(err.contains(part), "expected {part:?} in: {err}");
    }

    // --resume names each damaged run, redoes it and the missing one, and rebuilds the
    // runs table: the dataset is the undamaged one, byte for byte.
    let o = run_in(dir, &["sweep", "t.toml", "--out", "d", "--resume", "-q"]);
    let err = stderr(&o);
    assert!(o.status.success(), "{err}");
    for id in [1, 2, 3, 4, 5, 6] {
        let part = format!("run={id}: ");
        assert!(err.contains(&part), "expected {part:?} in: {err}");
    }
    assert_eq!(err.matches("redoing this run").count(), 6, "{err}");
    assert!(
        err.contains("run=6: blocks.parquet is not listed in _SUCCESS"),
        "{err}"
    );
    assert!(!root.join(".runs.parquet.tmp-4294967").exists());
    assert_same_dataset(&dir.join("ref/t"), &root, "damaged + resume vs undamaged");
    manifest::verify(&root).unwrap();

    // A damaged sweep manifest is named as such (not as another sweep's), nothing changes.
    fs::write(root.join("_sweep.json"), "{").unwrap();
    let o = run_in(dir, &["sweep", "t.toml", "--out", "d", "--resume", "-q"]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("_sweep.json is damaged (not valid JSON"),
        "{err}"
    );
    assert!(root.join("run=1/_SUCCESS").is_file());
}

/// Issue 33, case 5: under `ulimit -f` the kernel killed the process by SIGXFSZ (exit 153
/// from a shell, no message, the staging folder left behind). Now the write fails with
/// EFBIG: exit 1, a message naming the file, nothing partial.
#[test]
fn a_file_size_limit_fails_with_exit_1_and_a_message_instead_of_sigxfsz() {
    let tmp = setup();
    assert_run_fails_past_a_file_size_limit(tmp.path());
    assert_eq!(fs::read_dir(tmp.path().join("o")).unwrap().count(), 0);
}

/// `cc` builds [`SHIM`] into `dir/shim.so`.
fn build_shim(dir: &Path) -> PathBuf {
    let src = dir.join("shim.c");
    let so = dir.join("shim.so");
    fs::write(&src, SHIM).unwrap();
    let o = Command::new("cc")
        .args(["-shared", "-fPIC", "-O1", "-o"])
        .arg(&so)
        .arg(&src)
        .arg("-ldl")
        .output()
        .expect("cc (the C compiler Rust links with) runs");
    assert!(o.status.success(), "cc: {}", stderr(&o));
    so
}

/// An `LD_PRELOAD` library that counts the process's renames (`rename`, `renameat`,
/// `renameat2`), logs each to `$SHIM_LOG`, and kills the process by SIGKILL just before
/// rename number `$SHIM_KILL_BEFORE` or just after number `$SHIM_KILL_AFTER`. With
/// `$SHIM_NO_EXCHANGE` it makes `renameat2(RENAME_EXCHANGE)` fail with EINVAL, as on a file
/// system that cannot swap, so the fallback of two renames is tested too.
const SHIM: &str = r#"
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int counter;

static int env_int(const char *name) {
    const char *v = getenv(name);
    return v ? atoi(v) : 0;
}

static int before(const char *a, const char *b) {
    int n = __atomic_add_fetch(&counter, 1, __ATOMIC_SEQ_CST);
    const char *log = getenv("SHIM_LOG");
    if (log) {
        char line[8192];
        int len = snprintf(line, sizeof line, "%d %s -> %s\n", n, a, b);
        int fd = open(log, O_WRONLY | O_APPEND | O_CREAT, 0644);
        if (fd >= 0) {
            if (write(fd, line, len) < 0) {}
            close(fd);
        }
    }
    if (n == env_int("SHIM_KILL_BEFORE")) kill(getpid(), SIGKILL);
    return n;
}

static void after(int n) {
    if (n == env_int("SHIM_KILL_AFTER")) kill(getpid(), SIGKILL);
}

int rename(const char *a, const char *b) {
    int (*real)(const char *, const char *) = dlsym(RTLD_NEXT, "rename");
    int n = before(a, b);
    int r = real(a, b);
    after(n);
    return r;
}

int renameat(int fa, const char *a, int fb, const char *b) {
    int (*real)(int, const char *, int, const char *) = dlsym(RTLD_NEXT, "renameat");
    int n = before(a, b);
    int r = real(fa, a, fb, b);
    after(n);
    return r;
}

int renameat2(int fa, const char *a, int fb, const char *b, unsigned int flags) {
    int (*real)(int, const char *, int, const char *, unsigned int) =
        dlsym(RTLD_NEXT, "renameat2");
    if ((flags & 2 /* RENAME_EXCHANGE */) && getenv("SHIM_NO_EXCHANGE")) {
        errno = EINVAL;
        return -1;
    }
    int n = before(a, b);
    int r = real(fa, a, fb, b, flags);
    after(n);
    return r;
}
"#;

/// `hashshift ARGS` in `dir` with the rename shim: `kill` = `Some(("SHIM_KILL_BEFORE" or
/// "SHIM_KILL_AFTER", n))`; returns the output and the renames it logged.
fn with_shim(
    dir: &Path,
    shim: &Path,
    args: &[&str],
    kill: Option<(&str, usize)>,
    no_exchange: bool,
) -> (Output, Vec<String>) {
    let log = dir.join("shim.log");
    let _ = fs::remove_file(&log);
    let mut cmd = bin();
    cmd.args(args)
        .current_dir(dir)
        .env("LD_PRELOAD", shim)
        .env("SHIM_LOG", &log);
    if let Some((var, n)) = kill {
        cmd.env(var, n.to_string());
    }
    if no_exchange {
        cmd.env("SHIM_NO_EXCHANGE", "1");
    }
    let o = cmd.output().unwrap();
    let renames = fs::read_to_string(&log)
        .unwrap_or_default()
        .lines()
        .map(str::to_string)
        .collect();
    (o, renames)
}

fn killed(o: &Output) -> bool {
    use std::os::unix::process::ExitStatusExt;
    o.status.signal() == Some(9)
}

/// Runs `args` under the rename shim after `prepare()`, once whole (it must make `renames`
/// renames), then killed just before and just after each of them, each time after
/// `prepare()`; `after_kill(what, n, when)` checks what the kill left and repairs it.
fn kill_at_each_rename(
    dir: &Path,
    args: &[&str],
    no_exchange: bool,
    renames: usize,
    prepare: &dyn Fn(),
    after_kill: &dyn Fn(&str, usize, &str),
) {
    let shim = build_shim(dir);
    prepare();
    let (o, logged) = with_shim(dir, &shim, args, None, no_exchange);
    assert!(o.status.success(), "{args:?}: {}", stderr(&o));
    assert_eq!(logged.len(), renames, "{args:?}: {logged:?}");
    for n in 1..=renames {
        for when in ["SHIM_KILL_BEFORE", "SHIM_KILL_AFTER"] {
            let what = format!("{args:?}, no_exchange {no_exchange}, {when} {n}: {logged:?}");
            prepare();
            let (o, _) = with_shim(dir, &shim, args, Some((when, n)), no_exchange);
            assert!(killed(&o), "{what}: {:?} {}", o.status, stderr(&o));
            after_kill(&what, n, when);
        }
    }
}

/// Issue 33, case 2, and the class: a run replacing a complete run, killed just before and
/// just after each of its renames (found by an `LD_PRELOAD` shim), leaves a complete old or
/// new run under its name, and the next run repairs what was left. With a file system that
/// cannot swap folders in one step (forced by the shim), the previous run moved aside is
/// put back by the next command.
#[test]
#[cfg(target_os = "linux")]
fn a_kill_at_every_rename_of_a_run_replacement_leaves_a_complete_run() {
    let tmp = setup();
    let dir = tmp.path();
    let run = |seed: &'static str| [TINY_RUN.as_slice(), &["--seed", seed]].concat();
    let (old_args, new_args) = (run("1"), run("2"));
    let final_dir = dir.join("o/tiny");
    let fresh_old = || {
        let o = run_in(dir, &old_args);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    fresh_old();
    let old = common::files(&final_dir);
    let o = run_in(dir, &new_args);
    assert!(o.status.success(), "{}", stderr(&o));
    let new = common::files(&final_dir);
    assert_ne!(old, new);

    // One swap; or, without it, the old run aside and then the new one into place.
    for (no_exchange, renames) in [(false, 1), (true, 2)] {
        let after_kill = |what: &str, n: usize, when: &str| {
            let left = hidden(&dir.join("o"));
            if final_dir.exists() {
                manifest::verify(&final_dir).unwrap();
                let now = common::files(&final_dir);
                assert!(now == old || now == new, "{what}: neither run");
            } else {
                // Only between the two renames of the fallback: the previous run, complete,
                // sits aside, and the next command puts it back.
                let between =
                    (n, when) == (1, "SHIM_KILL_AFTER") || (n, when) == (2, "SHIM_KILL_BEFORE");
                assert!(no_exchange && between, "{what}");
                let aside = left
                    .iter()
                    .find(|n| n.starts_with(".tiny.old-"))
                    .unwrap_or_else(|| panic!("{what}: nothing aside in {left:?}"));
                assert_eq!(common::files(&dir.join("o").join(aside)), old, "{what}");
            }
            // The next command repairs the leftovers and replaces the run.
            let o = run_in(dir, &new_args);
            assert!(o.status.success(), "{what}: {}", stderr(&o));
            assert_eq!(common::files(&final_dir), new, "{what}");
            let left = hidden(&dir.join("o"));
            assert!(left.is_empty(), "{what}: {left:?}");
        };
        kill_at_each_rename(
            dir,
            &new_args,
            no_exchange,
            renames,
            &fresh_old,
            &after_kill,
        );
    }
}

/// The class of case 2 for sweeps: a sweep killed just before and just after each of its
/// renames (the manifest, each run, `runs.parquet`, the root `_SUCCESS`), and a `--finalize`
/// killed the same way, leave only complete runs, no complete-looking sweep that is not,
/// and `--resume` / `--finalize` then give the dataset of an uninterrupted sweep.
#[test]
#[cfg(target_os = "linux")]
fn a_kill_at_every_rename_of_a_sweep_and_its_finalize_is_repaired() {
    let tmp = setup_sweep(
        "scenario = \"tiny.toml\"\nseed = 3\n[set]\nhorizon_years = 0.05\n[replicates]\ncount = 2\n",
    );
    let dir = tmp.path();
    let o = run_in(dir, &["sweep", "t.toml", "--out", "ref", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let reference = dir.join("ref/t");
    let root = dir.join("o/t");
    // Complete runs only, and a root _SUCCESS only over the right files.
    let check_after_kill = |what: &str| {
        for e in fs::read_dir(&root).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() && !p.file_name().unwrap().to_string_lossy().starts_with('.') {
                manifest::verify(&p).unwrap_or_else(|d| panic!("{what}: {}: {d}", p.display()));
            }
        }
        if root.join("_SUCCESS").exists() {
            manifest::verify(&root).unwrap_or_else(|d| panic!("{what}: root: {d}"));
        }
    };
    let repaired = |what: &str, args: &[&str]| {
        let o = run_in(dir, args);
        assert!(o.status.success(), "{what}: {}", stderr(&o));
        common::assert_same_dataset(&reference, &root, what);
        assert!(hidden(&root).is_empty(), "{what}: {:?}", hidden(&root));
        assert!(hidden(&dir.join("o")).is_empty(), "{what}");
    };
    let clear = || fs::remove_dir_all(dir.join("o")).unwrap_or(());

    let sweep = ["sweep", "t.toml", "--out", "o", "--jobs", "1", "-q"];
    let resume = [
        "sweep", "t.toml", "--out", "o", "--jobs", "1", "-q", "--resume",
    ];
    let after_kill = |what: &str, _: usize, _: &str| {
        if root.join("_sweep.json").exists() {
            check_after_kill(what);
            repaired(what, &resume);
        } else {
            // Killed before the manifest was in place: the folder holds nothing of it.
            repaired(what, &sweep);
        }
    };
    // _sweep.json, run=0, run=1, runs.parquet, _SUCCESS.
    kill_at_each_rename(dir, &sweep, false, 5, &clear, &after_kill);

    // --finalize after the shards, killed at each of its renames (runs.parquet, _SUCCESS).
    let finalize = ["sweep", "t.toml", "--out", "o", "--finalize", "-q"];
    let shards_done = || {
        clear();
        let o = run_in(
            dir,
            &["sweep", "t.toml", "--out", "o", "--shard", "0/1", "-q"],
        );
        assert!(o.status.success(), "{}", stderr(&o));
    };
    let after_kill = |what: &str, _: usize, _: &str| {
        check_after_kill(what);
        repaired(what, &finalize);
    };
    kill_at_each_rename(dir, &finalize, false, 2, &shards_done, &after_kill);
}

/// Issue 33, cases 3 and 4, and the class: 20 pairs of the same run started together into
/// one folder, and 20 pairs of the same fresh sweep: in each pair one proceeds and the other
/// is refused with a message naming the folder (or, if the first finished before the second
/// started, the second replaces the run / finds the sweep done), and nothing is damaged.
/// Before the locks, 6 of 20 run pairs and 9 of 14 sweep pairs failed.
#[test]
fn concurrent_runs_and_sweeps_into_one_folder_one_proceeds_the_other_is_refused() {
    let tmp = setup_sweep(
        "scenario = \"tiny.toml\"\nseed = 5\n[set]\nhorizon_years = 0.1\n[replicates]\ncount = 3\n",
    );
    let dir = tmp.path();
    let run = TINY_RUN;
    let o = run_in(dir, &run);
    assert!(o.status.success(), "{}", stderr(&o));
    let expected_run = common::files(&dir.join("o/tiny"));
    let o = run_in(dir, &["sweep", "t.toml", "--out", "ref", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));

    let start = Instant::now();
    let pair = |args: &[&str]| -> [Output; 2] {
        let spawn = || {
            bin()
                .args(args)
                .current_dir(dir)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        };
        let (a, b) = (spawn(), spawn());
        [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()]
    };
    let mut refused = [0, 0];
    for i in 0..20 {
        for o in pair(&run) {
            let err = stderr(&o);
            if o.status.code() == Some(2) {
                assert!(
                    err.contains("the run folder o/tiny is in use by another hashshift process"),
                    "pair {i}: {err}"
                );
                refused[0] += 1;
            } else {
                assert!(o.status.success(), "pair {i}: {:?} {err}", o.status);
            }
        }
        assert_eq!(common::files(&dir.join("o/tiny")), expected_run, "pair {i}");
        assert!(
            hidden(&dir.join("o")).is_empty(),
            "pair {i}: {:?}",
            hidden(&dir.join("o"))
        );

        let out = format!("s{i}");
        let sweep = ["sweep", "t.toml", "--out", &out, "--jobs", "1", "-q"];
        let outcomes = pair(&sweep);
        let ok = outcomes.iter().filter(|o| o.status.success()).count();
        assert_eq!(ok, 1, "sweep pair {i}: exactly one finishes it");
        for o in &outcomes {
            let err = stderr(o);
            if !o.status.success() {
                assert_eq!(o.status.code(), Some(2), "sweep pair {i}: {err}");
                let in_use =
                    format!("the sweep folder {out}/t is in use by another hashshift process");
                if err.contains(&in_use) {
                    refused[1] += 1;
                } else {
                    assert!(
                        err.contains("already holds this sweep"),
                        "sweep pair {i}: {err}"
                    );
                }
            }
        }
        common::assert_same_dataset(&dir.join("ref/t"), &dir.join(&out).join("t"), &out);
        assert!(hidden(&dir.join(&out)).is_empty(), "sweep pair {i}");
    }
    // The pairs overlap (a run takes longer than starting a process), so the locks were
    // exercised, not only the sequential cases.
    assert!(refused[0] >= 5 && refused[1] >= 5, "refused: {refused:?}");
    assert!(
        start.elapsed() < Duration::from_secs(120),
        "{:?}",
        start.elapsed()
    );
}

/// A killed holder's lock is taken over at once (the kernel released it); a shard's lock is
/// shared with the other shards but refuses the whole sweep, `--finalize` and the same shard.
#[test]
fn a_killed_holders_lock_is_taken_over_and_shards_share_the_sweeps() {
    let tmp = setup_sweep("scenario = \"tiny.toml\"\nseed = 5\n[set]\nhorizon_years = 0.5\n[replicates]\ncount = 40\n");
    let dir = tmp.path();
    let root = dir.join("o/t");
    let complete = |parity: u64| {
        (0..40u64)
            .filter(|id| id % 2 == parity)
            .filter(|id| manifest::is_complete(&root.join(format!("run={id}"))))
            .count()
    };
    let shard = |k: &str| {
        bin()
            .args([
                "sweep", "t.toml", "--out", "o", "--jobs", "1", "-q", "--shard",
            ])
            .arg(format!("{k}/2"))
            .current_dir(dir)
            .stderr(Stdio::piped())
            .spawn()
            .unwrap()
    };
    let mut shard0 = shard("0");
    wait_for("a complete run of shard 0", || complete(0) >= 1);
    for (args, expect) in [
        (
            &["--shard", "0/2"][..],
            "shard 0/2 of the sweep folder o/t is in use",
        ),
        (&["--resume"], "the sweep folder o/t is in use"),
        (&["--finalize"], "the sweep folder o/t is in use"),
    ] {
        let mut all = vec!["sweep", "t.toml", "--out", "o", "-q"];
        all.extend(args);
        let o = run_in(dir, &all);
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: {err}");
        assert!(
            err.contains(&format!("(pid {})", shard0.id())),
            "{args:?}: {err}"
        );
    }
    // The other shard runs alongside.
    let shard1 = shard("1");
    wait_for("a complete run of shard 1", || complete(1) >= 1);
    assert!(complete(0) < 20, "shard 0 still runs");
    shard0.kill().unwrap();
    assert!(!shard0.wait().unwrap().success());
    let o = shard1.wait_with_output().unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    // The killed shard's lock files stay behind, unlocked: the next command takes them over.
    assert!(!hidden(&dir.join("o")).is_empty());
    let o = run_in(dir, &["sweep", "t.toml", "--out", "o", "--resume", "-q"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(complete(0) + complete(1), 40);
    assert!(root.join("_SUCCESS").is_file());
    assert!(hidden(&root).is_empty(), "{:?}", hidden(&root));
    assert!(
        hidden(&dir.join("o")).is_empty(),
        "{:?}",
        hidden(&dir.join("o"))
    );
}
