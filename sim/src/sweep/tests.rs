//! Unit tests of sweep loading and the run plan.

use super::design::ParamValue;
use super::*;

const BASE: &str = r#"
horizon_years = 0.05
[hashrate]
kind = "fleet"
[network]
sites = 20
[price]
model = "gbm"
sigma = 0.5
"#;

/// Writes `base.toml` and `sweep.toml` (with `text`) into a temp dir and loads the sweep.
fn load(text: &str) -> (tempfile::TempDir, Result<Sweep, SweepError>) {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("base.toml"), BASE).unwrap();
    let file = tmp.path().join("s.toml");
    std::fs::write(&file, text).unwrap();
    let r = Sweep::load(&file);
    (tmp, r)
}

fn ok(text: &str) -> Sweep {
    let (_tmp, r) = load(text);
    r.unwrap_or_else(|e| panic!("{e}"))
}

fn err(text: &str) -> String {
    let (_tmp, r) = load(text);
    match r {
        Ok(_) => panic!("expected an error for {text}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn replicate_seeds_are_splitmix64_outputs_below_2_63() {
    // SplitMix64 from state 0: the first outputs are the reference values of Vigna's
    // splitmix64.c (0xe220a8397b1dcdaf, 0x6e789e6aa1b965f4, ...), shifted right by one.
    assert_eq!(replicate_seed(0, 0), 0xe220_a839_7b1d_cdaf >> 1);
    assert_eq!(replicate_seed(0, 1), 0x6e78_9e6a_a1b9_65f4 >> 1);
    let seeds: Vec<u64> = (0..1000).map(|r| replicate_seed(42, r)).collect();
    assert!(seeds.iter().all(|&s| s <= i64::MAX as u64));
    let mut sorted = seeds.clone();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), 1000, "no repeated seeds");
    assert_ne!(replicate_seed(43, 0), seeds[0]);
}

#[test]
fn grid_with_replicates_has_common_random_numbers() {
    let s = ok(r#"
scenario = "base.toml"
seed = 7
[set]
fees.model = "lognormal"
[replicates]
count = 3
[[axis]]
path = "price.sigma"
values = [0.2, 0.4]
[[axis]]
path = "network.sites"
from = 10
to = 30
step = 10
"#);
    assert_eq!(s.name, "s");
    assert_eq!(s.points.len(), 6);
    assert_eq!(s.n_runs(), 18);
    assert_eq!(s.axes[0].column, "price_sigma");
    assert_eq!(s.axes[1].ty, design::ParamType::I64);
    assert_eq!(s.points[1], vec![ParamValue::F64(0.2), ParamValue::I64(20)]);
    for id in 0..s.n_runs() {
        let r = s.run(id);
        assert_eq!(r.id, r.point * 3 + r.replicate);
        assert_eq!(
            r.seed,
            replicate_seed(7, r.replicate),
            "replicate seed at every point"
        );
        let sc = s.scenario(id).unwrap();
        assert_eq!(sc.seed, r.seed);
    }
    assert_eq!(
        s.overrides(4),
        vec![
            "fees.model=\"lognormal\"".to_string(),
            "price.sigma=0.2".into(),
            "network.sites=20".into(),
            format!("seed={}", replicate_seed(7, 1)),
        ]
    );
    let listing = s.listing(&mut (0..s.n_runs()));
    assert_eq!(listing.lines().count(), 2 + 18);
    assert!(listing.contains("price_sigma"), "{listing}");
}

#[test]
fn hash_tracks_what_shapes_the_runs() {
    let base = r#"
scenario = "base.toml"
[[axis]]
path = "price.sigma"
values = [0.2, 0.4]
"#;
    let a = ok(base);
    assert_eq!(a.hash(), ok(base).hash(), "deterministic");
    assert_eq!(
        a.hash(),
        ok(&format!("description = \"comment only\"\n{base}")).hash(),
        "descriptions do not change the runs"
    );
    assert_ne!(a.hash(), ok(&base.replace("0.4", "0.5")).hash());
    assert_ne!(a.hash(), ok(&format!("seed = 2\n{base}")).hash());
    assert_ne!(
        a.hash(),
        ok(&format!("{base}[set]\nhorizon_years = 0.06\n")).hash()
    );
    let m: serde_json::Value = serde_json::from_str(&a.manifest()).unwrap();
    assert_eq!(m["hash"], a.hash());
    assert_eq!(m["runs"], 2);

    // A data file the runs read is in the hash by content: the same sweep over a changed
    // CSV is a different sweep (a resume refuses to mix their runs).
    // (Neither the base nor the axis sets `sigma`: a replay does not use it, and unused keys
    // are refused.)
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(
        tmp.path().join("base.toml"),
        BASE.replace("sigma = 0.5\n", ""),
    )
    .unwrap();
    let file = tmp.path().join("s.toml");
    std::fs::write(
        &file,
        format!(
            "{}[set]\nstart = \"2026-01-01\"\nprice.model = \"csv\"\nprice.csv = \"p.csv\"\n",
            base.replace(
                "path = \"price.sigma\"\nvalues = [0.2, 0.4]",
                "path = \"network.sites\"\nvalues = [20, 30]"
            )
        ),
    )
    .unwrap();
    let with_prices = |usd: f64| {
        let rows: String = (1..=31)
            .map(|d| format!("2026-01-{d:02},{usd}\n"))
            .collect();
        std::fs::write(tmp.path().join("p.csv"), format!("date,PriceUSD\n{rows}")).unwrap();
        Sweep::load(&file).unwrap_or_else(|e| panic!("{e}"))
    };
    let one = with_prices(90_000.0);
    assert_eq!(one.data_files.len(), 1, "{:?}", one.data_files);
    assert!(one.manifest().contains("p.csv"));
    assert_eq!(one.hash(), with_prices(90_000.0).hash());
    // The file named another way (through a link to its folder, as from another working
    // directory): the same sweep.
    let link = tmp.path().join("link");
    std::os::unix::fs::symlink(tmp.path(), &link).unwrap();
    let other_path = link.join("s.toml");
    let same = Sweep::load(&other_path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(same.manifest(), one.manifest());
    assert_ne!(one.hash(), with_prices(45_000.0).hash());
}

#[test]
fn sampled_designs_have_their_documented_sizes_and_bounds() {
    let sobol = |second: bool| {
        ok(&format!(
            r#"
scenario = "base.toml"
[design]
kind = "sobol"
samples = 8
second_order = {second}
[[axis]]
path = "price.sigma"
min = 0.2
max = 0.8
[[axis]]
path = "price.mu"
min = -0.1
max = 0.1
[[axis]]
path = "network.sites"
min = 10
max = 20
"#
        ))
    };
    assert_eq!(sobol(true).points.len(), 8 * (2 * 3 + 2));
    assert_eq!(sobol(false).points.len(), 8 * (3 + 2));
    for kind in ["random", "lhs"] {
        let s = ok(&format!(
            "scenario = \"base.toml\"\n[design]\nkind = \"{kind}\"\nsamples = 20\n\
             [[axis]]\npath = \"price.sigma\"\nmin = 0.2\nmax = 0.8\n\
             [[axis]]\npath = \"network.sites\"\nmin = 10\nmax = 20\n"
        ));
        assert_eq!(s.points.len(), 20);
        for p in &s.points {
            assert!(matches!(p[0], ParamValue::F64(v) if (0.2..0.8).contains(&v)));
            assert!(matches!(p[1], ParamValue::I64(v) if (10..=20).contains(&v)));
        }
    }
}

#[test]
fn bad_input_names_the_key_and_what_is_allowed() {
    let axis = |body: &str| format!("scenario = \"base.toml\"\n[[axis]]\n{body}\n");
    let e = err(&axis("path = \"price.sigmaa\"\nvalues = [0.1]"));
    assert!(
        e.contains("`axis[0].path`") && e.contains("did you mean `price.sigma`"),
        "{e}"
    );
    let e = err(&axis(
        "path = \"price.sigma\"\nfrom = 0.1\nto = 0.5\nstep = 0",
    ));
    assert!(
        e.contains("`axis[0].step` = 0") && e.contains("non-zero"),
        "{e}"
    );
    let e = err(&axis(
        "path = \"price.sigma\"\nfrom = 0.5\nto = 0.1\nstep = 0.1",
    ));
    assert!(e.contains("towards"), "{e}");
    let e = err(&axis("path = \"network.sites\"\nvalues = [1.5]"));
    assert!(
        e.contains("axis[0].values[0]") && e.contains("an integer"),
        "{e}"
    );
    let e = err(&axis("path = \"seed\"\nvalues = [1, 2]"));
    assert!(e.contains("[replicates]"), "{e}");
    let e = err(&axis("path = \"shocks\"\nvalues = [1]"));
    assert!(e.contains("an array"), "{e}");
    let e = err(&axis("path = \"price.sigma\"\nvalues = [9.0]"));
    assert!(
        e.contains("point 0 (price.sigma = 9.0)") && e.contains("price.sigma"),
        "{e}"
    );
    let e = err("scenario = \"base.toml\"\n[design]\nkind = \"sobol\"\nsamples = 100\n[[axis]]\npath = \"price.sigma\"\nmin = 0.1\nmax = 0.5\n");
    assert!(
        e.contains("`design.samples` = 100")
            && e.contains("power of two")
            && e.contains("64 or 128"),
        "{e}"
    );
    let e =
        err("scenario = \"base.toml\"\n[[axis]]\npath = \"price.sigma\"\nmin = 0.1\nmax = 0.5\n");
    assert!(e.contains("axis[0].min"), "{e}");
    let e = err("scenario = \"base.toml\"\n[set.fees.spikes]\n");
    assert!(
        e.contains("`set.fees.spikes`") && e.contains("empty table sets nothing"),
        "{e}"
    );
    let e = err("scenario = \"base.toml\"\n[set]\nprice.sigmx = 1\n");
    assert!(
        e.contains("`set.price.sigmx`") && e.contains("price.sigma"),
        "{e}"
    );
    let e = err("scenario = \"missing.toml\"\n");
    assert!(e.contains("`scenario`") && e.contains("cannot read"), "{e}");
    let e = err("scenario = \"base.toml\"\n[replicates]\nseeds = [1, 1]\n");
    assert!(e.contains("replicates.seeds[1]"), "{e}");
    let e = err("scenario = \"base.toml\"\nbogus = 1\n");
    assert!(e.contains("bogus"), "{e}");
    for name in ["blocks", "Blocks", "SEED"] {
        let e = err(&axis(&format!(
            "path = \"price.sigma\"\nname = \"{name}\"\nvalues = [0.1]"
        )));
        assert!(
            e.contains("axis[0].name") && e.contains("ignoring case"),
            "{e}"
        );
    }
}

#[test]
fn an_axis_may_make_valid_what_the_base_with_set_is_not() {
    // The base has 100 firms; [set] lowers the sites to 30, fewer than its firms; every
    // point's firm count fits.
    let tmp = tempfile::tempdir().unwrap();
    let base = format!("{BASE}[firms]\ncount = 100\n");
    std::fs::write(tmp.path().join("base.toml"), base).unwrap();
    let file = tmp.path().join("s.toml");
    let sweep = "scenario = \"base.toml\"\n[set]\nnetwork.sites = 30\n\
                 [[axis]]\npath = \"firms.count\"\nvalues = [10, 20]\n";
    std::fs::write(&file, sweep).unwrap();
    let s = Sweep::load(&file).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(s.n_runs(), 2);
    assert!(
        s.base_resolved.contains("count = 10"),
        "{}",
        s.base_resolved
    );
    // A point that does not fit is still refused, naming the point.
    std::fs::write(&file, sweep.replace("[10, 20]", "[10, 40]")).unwrap();
    let e = Sweep::load(&file).unwrap_err().to_string();
    assert!(e.contains("point 1") && e.contains("firms.count"), "{e}");
    // Without an axis that fixes it, the base's own error is reported.
    std::fs::write(
        &file,
        "scenario = \"base.toml\"\n[set]\nnetwork.sites = 30\n",
    )
    .unwrap();
    let e = Sweep::load(&file).unwrap_err().to_string();
    assert!(
        e.contains("the base scenario with [set]") && e.contains("firms.count"),
        "{e}"
    );
}
