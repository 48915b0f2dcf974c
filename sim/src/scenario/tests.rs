use super::*;

fn load(text: &str) -> Result<Scenario, ScenarioError> {
    Scenario::from_toml(text, Path::new("scenarios/test-case.toml"), &[])
}

fn err(text: &str) -> String {
    load(text).unwrap_err().to_string()
}

#[test]
fn empty_file_gives_calibrated_defaults() {
    let s = load("").unwrap();
    assert_eq!(s.name, "test-case");
    assert_eq!(s.seed, defaults::SEED);
    assert_eq!(s.chain.height, 951_552);
    assert_eq!(s.chain.bits, 0x1702068f);
    assert_eq!(s.chain.epoch_start_time, None);
    assert_eq!(s.start_unix, calendar::parse_utc("2026-05-29").unwrap());
    assert_eq!(s.end_unix - s.start_unix, (20.0 * defaults::YEAR_S) as i64);
    assert_eq!(s.hashrate.as_ref().unwrap().value_at(0.0), 1e21);
    assert!(matches!(s.economy.fees, FeeSpec::Model(m) if m.mean_sat() == 6_600_000.0));
    assert_eq!(s.economy.price, PriceSpec::Constant(76_600.0));
    assert!(s.tables.blocks && s.tables.epochs);
    // The resolved form has every default written out and loads back to the same scenario.
    let resolved = s.resolved_toml();
    assert!(resolved.contains("bits = \"0x1702068f\""), "{resolved}");
    let again = load(&resolved).unwrap();
    assert_eq!(again, s);
}

#[test]
fn unknown_keys_and_syntax_errors_name_file_and_key() {
    let e = err("seeed = 3\n");
    assert!(e.starts_with("scenarios/test-case.toml:"), "{e}");
    assert!(e.contains("seeed"), "{e}");
    let e = err("[hashrate]\nkind = \"constant\"\nehss = 5\n");
    assert!(e.contains("ehss"), "{e}");
    let e = err("[hashrate\n");
    assert!(e.contains("test-case.toml") && e.contains("line 1"), "{e}");
    let e = err("[hashrate]\nkind = \"linear\"\n");
    assert!(e.contains("linear"), "{e}");
}

#[test]
fn out_of_range_values_say_what_is_allowed() {
    let e = err("[hashrate]\nehs = -5.0\n");
    assert!(
        e.contains("`hashrate.ehs` = -5") && e.contains("[0, 1000000000] EH/s"),
        "{e}"
    );
    let e = err("horizon_years = 0\n");
    assert!(
        e.contains("`horizon_years` = 0") && e.contains("(0, 200]"),
        "{e}"
    );
    let e = err("[price]\ninitial_usd = 0.0\n");
    assert!(e.contains("price.initial_usd"), "{e}");
    let e = err("start = \"2026-02-30\"\n");
    assert!(
        e.contains("`start`") && e.contains("no such calendar date"),
        "{e}"
    );
    let e = err("end = \"2020-01-01\"\n");
    assert!(e.contains("must be after start"), "{e}");
    let e = err("end = \"2030-01-01\"\nhorizon_years = 3\n");
    assert!(e.contains("either `end` or `horizon_years`"), "{e}");
    let e = err("name = \"../escape\"\n");
    assert!(e.contains("`name`"), "{e}");
}

#[test]
fn start_bits_must_be_a_valid_target() {
    for (bits, why) in [
        ("0x1d01ffff", "above"),
        ("0x00000000", "zero"),
        ("0x1d80ffff", "negative"),
        ("0xff7fffff", "256 bits"),
        ("1702068f", "hex"),
        ("0x123456789", "hex"),
    ] {
        let e = err(&format!("[chain]\nbits = \"{bits}\"\n"));
        assert!(e.contains("`chain.bits`"), "{bits}: {e}");
        assert!(
            e.to_lowercase().contains(why),
            "{bits} should mention {why}: {e}"
        );
    }
}

#[test]
fn mid_epoch_start_needs_epoch_start_time() {
    let e = err("[chain]\nheight = 391187\nbits = \"0x180a9591\"\n");
    assert!(
        e.contains("chain.epoch_start_time") && e.contains("391104"),
        "{e}"
    );
    let ok = load(
        "start = \"2016-01-01\"\n[chain]\nheight = 391187\nbits = \"0x180a9591\"\n\
         epoch_start_time = \"2015-12-31T10:42:42Z\"\n",
    )
    .unwrap();
    assert_eq!(ok.chain.epoch_start_time, Some(1_451_558_562));
    let e = err("[chain]\nepoch_start_time = \"2026-05-01\"\n");
    assert!(e.contains("not used"), "{e}");
    let e = err(
        "start = \"2016-01-01\"\n[chain]\nheight = 391187\nbits = \"0x180a9591\"\n\
         epoch_start_time = \"2016-01-02\"\n",
    );
    assert!(e.contains("must not be after start"), "{e}");
}

#[test]
fn piecewise_paths() {
    let s = load(
        "start = \"2026-01-01\"\n[hashrate]\nkind = \"piecewise\"\nramp_step_hours = 24\n\
         points = [ { at = \"2026-01-01\", ehs = 1000 }, { at = \"2026-02-01\", ehs = 500 },\n\
         { at = \"2026-03-03\", ehs = 800, ramp = true } ]\n",
    )
    .unwrap();
    assert_eq!(s.hashrate.as_ref().unwrap().value_at(0.0), 1e21);
    assert_eq!(s.hashrate.as_ref().unwrap().value_at(30.9 * 86400.0), 1e21);
    // The ramp starts at the previous point: its first 24 h step holds the midpoint value.
    assert_eq!(
        s.hashrate.as_ref().unwrap().value_at(31.0 * 86400.0),
        5.05e20
    );
    assert_eq!(s.hashrate.as_ref().unwrap().value_at(61.0 * 86400.0), 8e20);
    let mid = s.hashrate.as_ref().unwrap().value_at(46.0 * 86400.0);
    assert!(mid > 6.4e20 && mid < 6.6e20, "{mid}");
    let e = err(
        "[hashrate]\nkind = \"piecewise\"\nehs = 4\npoints = [{ at = \"2026-06-01\", ehs = 1 }]\n",
    );
    assert!(
        e.contains("not used with hashrate.kind = \"piecewise\""),
        "{e}"
    );
    let e = err("[hashrate]\nkind = \"piecewise\"\n");
    assert!(e.contains("at least one point"), "{e}");
    let e = err(
        "[hashrate]\nkind = \"piecewise\"\npoints = [{ at = \"2026-06-02\", ehs = 1 }, \
         { at = \"2026-06-01\", ehs = 2 }]\n",
    );
    assert!(
        e.contains("hashrate.points[1].at") && e.contains("increasing"),
        "{e}"
    );
    let e = err("[hashrate]\nkind = \"piecewise\"\npoints = [{ at = \"2026-06-02\", ehs = -1 }]\n");
    assert!(e.contains("hashrate.points[0].ehs"), "{e}");
}

#[test]
fn overrides_apply_before_validation() {
    let sets = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
    let file = Path::new("x.toml");
    let s = Scenario::from_toml(
        "",
        file,
        &sets(&["hashrate.ehs=250", "seed=9", "name=other"]),
    )
    .unwrap();
    assert_eq!(s.hashrate.as_ref().unwrap().value_at(0.0), 2.5e20);
    assert_eq!((s.seed, s.name.as_str()), (9, "other"));
    let e = Scenario::from_toml("", file, &sets(&["hashrate.ehs=-1"]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("hashrate.ehs"), "{e}");
    let e = Scenario::from_toml("", file, &sets(&["hashrate.bogus=1"]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("bogus"), "{e}");
    let e = Scenario::from_toml("", file, &sets(&["noequals"]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("key.path=value"), "{e}");
    let e = Scenario::from_toml("seed = 1", file, &sets(&["seed.x=1"]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a table"), "{e}");
    // A newline cannot smuggle more TOML past the check of keys.
    for spec in ["price.sigma=0.3\nfoo = 1", "price.sigma=0.3\n[x]\ny=2"] {
        let e = Scenario::from_toml("", file, &sets(&[spec]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("on one line"), "{e}");
    }
    // A bare date is taken as the date string the format uses.
    let s = Scenario::from_toml("", file, &sets(&["start=2027-01-01", "end=2027-02-01"])).unwrap();
    assert_eq!(s.end_unix - s.start_unix, 31 * 86_400);
    // A value of the wrong type names its dotted key (not a line of re-serialized text).
    let e = Scenario::from_toml("", file, &sets(&["firms.count=-50"]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("`firms.count`") && !e.contains("line"), "{e}");
    // A number too large for TOML is named as such, not read as a string.
    let e = Scenario::from_toml("", file, &sets(&["firms.count=99999999999999999999"]))
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a valid TOML number"), "{e}");
}

#[test]
fn csv_paths_are_checked() {
    let dir = tempfile::tempdir().unwrap();
    let scen = dir.path().join("s.toml");
    let csv_text =
        "date,HashRate_THs\n2016-01-01,1000000\n2016-01-02,2000000\n2016-01-03,3000000\n";
    std::fs::write(dir.path().join("h.csv"), csv_text).unwrap();
    let base = "start = \"2016-01-01\"\nend = \"2016-01-04\"\n[chain]\nheight = 391104\nbits = \"0x180a9591\"\n\
                [hashrate]\nkind = \"csv\"\n";
    let s = Scenario::from_toml(&format!("{base}csv = \"h.csv\"\n"), &scen, &[]).unwrap();
    assert_eq!(s.hashrate.as_ref().unwrap().values(), &[1e18, 2e18, 3e18]);
    assert_eq!(
        s.hashrate.as_ref().unwrap().times(),
        &[0.0, 86400.0, 172800.0]
    );
    let e = Scenario::from_toml(&format!("{base}csv = \"missing.csv\"\n"), &scen, &[]).unwrap_err();
    assert!(
        matches!(e, ScenarioError::Data { .. }) && e.to_string().contains("missing.csv"),
        "{e}"
    );
    std::fs::write(dir.path().join("empty.csv"), "").unwrap();
    let e = Scenario::from_toml(&format!("{base}csv = \"empty.csv\"\n"), &scen, &[]).unwrap_err();
    assert!(e.to_string().contains("empty"), "{e}");
    let long = base.replace("2016-01-04", "2016-01-05");
    let e = Scenario::from_toml(&format!("{long}csv = \"h.csv\"\n"), &scen, &[]).unwrap_err();
    assert!(e.to_string().contains("covers"), "{e}");
    let e = Scenario::from_toml(&format!("{base}\n"), &scen, &[]).unwrap_err();
    assert!(e.to_string().contains("hashrate.csv"), "{e}");
}

/// The message of the scenario `text` with `sets`, which must be refused.
fn refused(text: &str, sets: &[&str]) -> String {
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    Scenario::from_toml(text, Path::new("x.toml"), &sets)
        .unwrap_err()
        .to_string()
}

const FLEET: &str = "[hashrate]\nkind = \"fleet\"\n[network]\nsites = 20\n";

#[test]
fn a_range_pair_has_exactly_two_numbers() {
    // A third element was dropped silently.
    let e = refused(FLEET, &["firms.discount_rate_public=[0.1, 0.2, 0.3]"]);
    assert!(
        e.contains("`firms.discount_rate_public`") && e.contains("two numbers, not 3"),
        "{e}"
    );
    let e = refused(FLEET, &["firms.horizon_years=[10]"]);
    assert!(e.contains("`firms.horizon_years`"), "{e}");
    let e = refused(FLEET, &["firms.risk_aversion=[0.2, 0.1]"]);
    assert!(e.contains("low <= high"), "{e}");
    let e = refused(FLEET, &["firms.mining_hurdle=[0.5, 2]"]);
    assert!(
        e.contains("`firms.mining_hurdle` = [0.5, 2]") && e.contains("[1, 5]"),
        "{e}"
    );
    let s = Scenario::from_toml(FLEET, Path::new("x.toml"), &[]).unwrap();
    assert!(s
        .resolved_toml()
        .contains("discount_rate_public = [0.08, 0.12]"));
}

#[test]
fn documented_upper_ends_are_enforced() {
    // (-1, 10] was documented, but only > -1 was checked.
    for v in ["11", "1e6", "1e308"] {
        let e = refused("", &[&format!("hardware.price_per_th_trend_per_year={v}")]);
        assert!(e.contains("(-1, 10] per year"), "{v}: {e}");
    }
    // ">= 0" without a maximum let 1e308 through to infinite attack costs.
    let e = refused("", &["hardware.scrap_usd_per_unit=1e308"]);
    assert!(
        e.contains("`hardware.scrap_usd_per_unit` = 1e308") && e.contains("[0, 100000]"),
        "{e}"
    );
}

#[test]
fn a_region_is_given_once_whatever_its_case() {
    let text = "[energy.regions.us]\nprice_usd_per_kwh = 0.05\n\
                [energy.regions.US]\nprice_usd_per_kwh = 0.09\n";
    let e = refused(text, &[]);
    assert!(
        e.contains("energy.regions.us") && e.contains("energy.regions.US"),
        "{e}"
    );
}

#[test]
fn a_horizon_shorter_than_a_second_names_its_key() {
    let e = refused("horizon_years = 1e-9", &[]);
    assert!(e.contains("`horizon_years` = 1e-9"), "{e}");
}

#[test]
fn override_numbers_that_toml_refuses_are_explained() {
    for v in [".5", "5."] {
        let e = refused("", &[&format!("price.sigma={v}")]);
        assert!(
            e.contains("digit on each side") && !e.contains("64-bit"),
            "{v}: {e}"
        );
    }
    let e = refused("", &["seed=99999999999999999999"]);
    assert!(e.contains("64-bit"), "{e}");
}

#[test]
fn large_and_small_values_are_shown_in_scientific_notation() {
    let e = refused("[hashrate]\nehs = 1e308\n", &[]);
    assert!(e.contains("`hashrate.ehs` = 1e308"), "{e}");
    assert!(e.len() < 200, "{e}");
    let e = refused("[security]\nattack_hours = -1e-300\n", &[]);
    assert!(
        e.contains("= -1e-300") && e.contains("(0, 8766] hours"),
        "{e}"
    );
}
