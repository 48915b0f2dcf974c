//! Bad input refused before anything is written: cases a black-box trial found accepted
//! (a CSV header naming a column twice; a sweep point valid key by key whose network has no
//! profitable machine, which used to fail only after the sweep had written its first runs).

use super::common::{hashshift, repo, stderr};

#[test]
fn a_csv_header_naming_a_column_twice_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("p.csv"),
        "date,PriceUSD,PriceUSD\n2026-05-29,70000,1\n2026-05-30,71000,2\n",
    )
    .unwrap();
    std::fs::write(
        tmp.path().join("s.toml"),
        "start = \"2026-05-29\"\nend = \"2026-05-31\"\n[price]\nmodel = \"csv\"\ncsv = \"p.csv\"\n",
    )
    .unwrap();
    let o = hashshift(&["run", "s.toml", "--out", "out"], tmp.path());
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "{err}");
    for want in ["p.csv", "`PriceUSD` twice", "fields 2 and 3"] {
        assert!(err.contains(want), "{want:?} not in {err}");
    }
    assert!(!tmp.path().join("out").exists());
}

#[test]
fn a_sweep_point_without_a_profitable_machine_is_refused_before_writing() {
    let tmp = tempfile::tempdir().unwrap();
    let base = repo().join("scenarios/baseline.toml");
    std::fs::write(
        tmp.path().join("sw.toml"),
        format!(
            "name = \"sw\"\nscenario = {base:?}\nseed = 3\n[set]\nhorizon_years = 0.05\n\
             network.sites = 200\nfirms.count = 50\n[[axis]]\npath = \"price.initial_usd\"\n\
             values = [76600.0, 1e-9]\n"
        ),
    )
    .unwrap();
    for verb in [
        &["validate", "sw.toml"][..],
        &["sweep", "sw.toml", "--out", "out", "--quiet"][..],
    ] {
        let o = hashshift(verb, tmp.path());
        let err = stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{verb:?}: {err}");
        for want in ["sw.toml", "point 1", "price.initial_usd", "profitable"] {
            assert!(err.contains(want), "{verb:?}: {want:?} not in {err}");
        }
        assert!(!tmp.path().join("out").exists(), "{verb:?} wrote output");
    }
}
