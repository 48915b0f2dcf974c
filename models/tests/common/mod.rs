//! Helpers shared by the models integration tests.
#![allow(dead_code)]

use std::path::PathBuf;

/// `shared/reference` (or `HASHSHIFT_REFERENCE_DIR`). When it is missing: panics if
/// `HASHSHIFT_REQUIRE_REFERENCE=1` (as `.ci/run` sets), else prints loudly that the validation
/// `what` did not run and returns `None`.
pub fn reference_dir(what: &str) -> Option<PathBuf> {
    let dir = match std::env::var_os("HASHSHIFT_REFERENCE_DIR") {
        Some(d) => PathBuf::from(d),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/reference"),
    };
    if dir.is_dir() {
        return Some(dir);
    }
    let required = std::env::var("HASHSHIFT_REQUIRE_REFERENCE").is_ok_and(|v| v.trim() == "1");
    if required {
        panic!(
            "HASHSHIFT_REQUIRE_REFERENCE=1 but the reference directory {} was not found \
             (set HASHSHIFT_REFERENCE_DIR to the shared/reference folder)",
            dir.display()
        );
    }
    // The test harness captures `eprintln!` of passing tests, so the banner is written to the
    // process's stderr directly (once per test binary), and to the terminal when stderr is not
    // one (e.g. redirected to a log); the `eprintln!` copy appears with `--nocapture`.
    let banner = format!(
        "\n**********************************************************************\n\
         {what} DID NOT RUN: {} not found\n\
         (set HASHSHIFT_REFERENCE_DIR, or HASHSHIFT_REQUIRE_REFERENCE=1 to fail)\n\
         **********************************************************************",
        dir.display()
    );
    static BANNER: std::sync::Once = std::sync::Once::new();
    BANNER.call_once(|| {
        use std::io::{IsTerminal, Write};
        let _ = writeln!(std::io::stderr().lock(), "{banner}");
        if !std::io::stderr().is_terminal() {
            if let Ok(mut tty) = std::fs::OpenOptions::new().write(true).open("/dev/tty") {
                let _ = writeln!(tty, "{banner}");
            }
        }
    });
    eprintln!("{banner}");
    None
}
