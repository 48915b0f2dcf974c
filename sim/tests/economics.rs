//! Hardware-driven hashrate behaves as a domain expert expects: calibration at the default
//! start, a price crash, the 2028 halving, and bad economic inputs.
//!
//! Reference facts written in (from shared/reference, so these run on a fresh clone):
//! - btc_daily.csv: 2026-05-17..23 mean hashrate 990.5 EH/s; May 2026 mean 986 EH/s; the
//!   issuance-only hashprice (IssTotUSD / HashRate in PH/s) averaged $35.40/PH/day over
//!   2026-05-17..23.
//! - cbeci_efficiency_daily.csv: estimated fleet efficiency 19.528 J/TH on 2025-03-10 (its last
//!   date).

use crate::common;

use common::{assert_bad_input, run, scenario};
use hashshift::record::{DayRecord, MemoryRecorder};
use hashshift_models::consensus::block_subsidy;
use hashshift_models::mining::economics::hashprice_usd_per_th_day;

const REAL_HASHRATE_EHS: f64 = 990.5;
const REAL_ISSUANCE_HASHPRICE_USD_PH_DAY: f64 = 35.40;
const CBECI_J_PER_TH: f64 = 19.528;
const HYSTERESIS: f64 = 0.05;

/// A fleet scenario at the default start with deterministic energy prices: `top` holds
/// top-level keys, `tables` further tables.
fn fleet(top: &str, tables: &str) -> String {
    format!("{top}[hashrate]\nkind = \"fleet\"\n[energy]\nsigma = 0.0\n{tables}")
}

fn day(rec: &MemoryRecorder, i: usize) -> DayRecord {
    rec.days[i]
}

#[test]
fn calibration_at_the_default_start() {
    let sc = scenario(&fleet("horizon_years = 0.05\n", ""));
    for seed in [1, 2, 3] {
        let rec = run(&sc, seed);
        let d0 = day(&rec, 0);
        // Running hashrate: exact by construction, and within 10% of the real one.
        assert!(
            (d0.hashrate_ehs - 1000.0).abs() < 1e-6,
            "{}",
            d0.hashrate_ehs
        );
        // (Pins the calibrated default target against the reference: the acceptance criterion.)
        assert!((d0.hashrate_ehs / REAL_HASHRATE_EHS - 1.0).abs() < 0.10);
        // Fleet efficiency within 15% of CBECI's estimate.
        let eff = d0.fleet_efficiency_j_per_th.unwrap();
        assert!(
            (eff / CBECI_J_PER_TH - 1.0).abs() < 0.15,
            "{eff} J/TH vs CBECI {CBECI_J_PER_TH}"
        );
        // Hashprice: the arithmetic of the inputs (difficulty 138.96T, 3.125 + 0.066 BTC,
        // $76,600), and within 10% of the real issuance-only hashprice (fees add ~2%).
        let expected =
            hashprice_usd_per_th_day(138_955_357_012_247.3, 3.125 + 0.066, 76_600.0) * 1000.0;
        assert!((d0.hashprice_usd_per_ph_day / expected - 1.0).abs() < 1e-9);
        assert!(
            (d0.hashprice_usd_per_ph_day / REAL_ISSUANCE_HASHPRICE_USD_PH_DAY - 1.0).abs() < 0.10
        );
        // Revenue per MW-year = hashprice x TH/s per MW x 365.25; power = running x J/TH x PUE.
        let w_per_ths = d0.power_gw.unwrap() * 1e9 / (d0.hashrate_ehs * 1e6);
        let rev = d0.hashprice_usd_per_ph_day / 1000.0 * 1e6 / w_per_ths * 365.25;
        assert!((d0.revenue_usd_per_mw_year.unwrap() / rev - 1.0).abs() < 1e-9);
        assert!((500_000.0..900_000.0).contains(&rev), "{rev} USD/MW/yr");
        // Network power and energy in the range of CBECI-type estimates for 2025-26.
        let gw = d0.power_gw.unwrap();
        assert!((15.0..30.0).contains(&gw), "{gw} GW");
        assert!((d0.energy_twh_per_year.unwrap() / (gw * 8.766) - 1.0).abs() < 1e-3);
        // The idle overhang exists (old machines at dear sites) but is a minority.
        let idle = d0.idle_ehs.unwrap();
        assert!(idle > 0.0 && idle < d0.hashrate_ehs, "{idle}");
        // The frontier (best machine on sale) is ahead of the running fleet and only improves.
        assert!(d0.frontier_j_per_th.unwrap() < eff);
        assert!(rec
            .days
            .windows(2)
            .all(|w| w[1].frontier_j_per_th.unwrap() <= w[0].frontier_j_per_th.unwrap()));
        // Region rows add up to the network.
        let day0: Vec<_> = rec
            .region_days
            .iter()
            .filter(|r| r.date_unix == d0.date_unix)
            .collect();
        assert_eq!(day0.len(), 10);
        let sum: f64 = day0.iter().map(|r| r.hashrate_ehs).sum();
        assert!((sum / d0.hashrate_ehs - 1.0).abs() < 1e-9);
    }
}

#[test]
fn a_price_crash_switches_off_the_least_efficient_machines() {
    let sc = scenario(&fleet(
        "start = \"2026-05-29\"\nend = \"2026-07-01\"\n",
        "[[shocks]]\nkind = \"btc_price\"\nat = \"2026-06-10\"\nfactor = 0.5\n",
    ));
    for seed in [1, 2, 3, 4] {
        let rec = run(&sc, seed);
        let crash = rec
            .days
            .iter()
            .position(|d| d.price_usd < 50_000.0)
            .expect("the crash happens");
        let (before, after) = (day(&rec, crash - 2), day(&rec, crash + 1));
        // Hashrate falls sharply, the idle overhang grows.
        assert!(
            after.hashrate_ehs < 0.8 * before.hashrate_ehs,
            "{} -> {}",
            before.hashrate_ehs,
            after.hashrate_ehs
        );
        assert!(after.idle_ehs.unwrap() > before.idle_ehs.unwrap());
        // The least efficient machines went first: the running fleet got more efficient.
        let (eb, ea) = (
            before.fleet_efficiency_j_per_th.unwrap(),
            after.fleet_efficiency_j_per_th.unwrap(),
        );
        assert!(ea < eb, "running fleet {eb} -> {ea} J/TH");
        // The marginal running vintage breaks even at its site's price, within the hysteresis.
        for d in [before, after] {
            let ratio =
                d.marginal_breakeven_usd_per_kwh.unwrap() / d.marginal_energy_usd_per_kwh.unwrap();
            assert!(
                (1.0 - HYSTERESIS - 1e-9..=1.0 + HYSTERESIS).contains(&ratio),
                "breakeven/price {ratio}"
            );
        }
        // Blocks slow until the retarget: fewer blocks per day after the crash.
        let blocks = |a: usize, b: usize| {
            rec.days[a..b].iter().map(|d| d.blocks).sum::<u64>() as f64 / (b - a) as f64
        };
        assert!(blocks(crash + 1, crash + 6) < 0.85 * blocks(crash - 6, crash - 1));
    }
}

#[test]
fn the_2028_halving_switches_off_old_machines_and_the_next_retarget_cuts_difficulty() {
    // Today's machines only (firms off): who switches off at the halving. (With firms, they
    // see the halving coming and retire old machines before it.)
    let sc = common::shipped("halving-2028", &["firms.enabled=false"]);
    for seed in [1, 2, 3] {
        let rec = run(&sc, seed);
        let halving = rec
            .blocks
            .iter()
            .find(|b| b.height == 1_050_000)
            .expect("halving reached");
        assert_eq!(halving.subsidy_sat, block_subsidy(1_050_000));
        assert_eq!(halving.subsidy_sat * 2, block_subsidy(1_049_999));
        let hday = rec
            .days
            .iter()
            .position(|d| d.date_unix + 86_400 > halving.time_unix)
            .unwrap();
        let (before, after) = (day(&rec, hday - 1), day(&rec, hday + 1));
        // Hashprice halves (less the fee share); hashrate drops; the oldest machines go.
        assert!(after.hashprice_usd_per_ph_day < 0.55 * before.hashprice_usd_per_ph_day);
        assert!(
            after.hashrate_ehs < 0.9 * before.hashrate_ehs,
            "{} -> {}",
            before.hashrate_ehs,
            after.hashrate_ehs
        );
        assert!(
            after.fleet_efficiency_j_per_th.unwrap() < before.fleet_efficiency_j_per_th.unwrap()
        );
        // Blocks slow: fewer blocks in the three days after the halving than in the three
        // before. (A retarget in between cannot undo it: it measures an epoch mostly mined
        // before the halving, so its cut is small.)
        let per_day = |a: usize, b: usize| rec.days[a..b].iter().map(|d| d.blocks).sum::<u64>();
        assert!(
            (per_day(hday + 1, hday + 4) as f64) < 0.8 * per_day(hday - 4, hday - 1) as f64,
            "blocks/3 days {} -> {}",
            per_day(hday - 4, hday - 1),
            per_day(hday + 1, hday + 4)
        );
        let next = rec
            .epochs
            .iter()
            .find(|e| e.end_height >= 1_050_000)
            .expect("a retarget after the halving");
        // ... and that retarget cuts difficulty.
        assert!(next.difficulty_change_pct < 0.0, "{:?}", next);
    }
}

#[test]
fn bad_economic_inputs_exit_2_naming_the_field() {
    assert_bad_input(
        "region",
        Some("[hashrate]\nkind = \"fleet\"\n[energy.regions.mars]\nprice_usd_per_kwh = 0.05\n"),
        &[],
        &["energy.regions.mars", "unknown region", "us"],
    );
    assert_bad_input(
        "shockregion",
        Some("[hashrate]\nkind = \"fleet\"\n[[shocks]]\nkind = \"ban\"\nregion = \"atlantis\"\nat = \"2027-01-01\"\nuntil = \"2027-02-01\"\nshare = 0.5\n"),
        &[],
        &["shocks[0].region", "atlantis"],
    );
    assert_bad_input(
        "price",
        Some("[price]\ninitial_usd = -5.0\n"),
        &[],
        &["price.initial_usd", "-5"],
    );
    assert_bad_input(
        "sigma",
        Some("[price]\nmodel = \"gbm\"\nsigma = -1\n"),
        &[],
        &["price.sigma", "-1"],
    );
    assert_bad_input(
        "fee",
        Some("[fees]\nmean_btc = -0.1\n"),
        &[],
        &["fees.mean_btc"],
    );
    assert_bad_input(
        "shares",
        Some("[hashrate]\nkind = \"fleet\"\n[energy.regions.us]\nhashrate_share = 0.9\n"),
        &[],
        &["hashrate_share", "sum to 1"],
    );
    assert_bad_input(
        "banexo",
        Some("[[shocks]]\nkind = \"ban\"\nregion = \"china\"\nat = \"2027-01-01\"\nuntil = \"2027-02-01\"\nshare = 0.5\n"),
        &[],
        &["shocks[0].kind", "fleet"],
    );

    // Price CSVs with a gap or unsorted dates, and a catalog with a zero-TH/s model.
    let price_scen = "start = \"2016-01-01\"\nend = \"2016-01-04\"\n[chain]\nheight = 391104\nbits = \"0x180a9591\"\n\
                      [price]\nmodel = \"csv\"\ncsv = \"p.csv\"\n";
    let catalog_scen = "[hashrate]\nkind = \"fleet\"\n[network]\ncatalog = \"c.csv\"\nmix = [{ model = \"Z1\", share = 1.0 }]\n";
    let header = "id,manufacturer,name,release,hashrate_ths,power_w,price_usd_per_th,lifetime_years,source,note,verified";
    for (name, scen, file, data, expect) in [
        (
            "gap",
            price_scen,
            "p.csv",
            "date,PriceUSD\n2016-01-01,430\n2016-01-02,431\n2016-01-04,433\n",
            vec!["p.csv", "2016-01-03"],
        ),
        (
            "unsorted",
            price_scen,
            "p.csv",
            "date,PriceUSD\n2016-01-02,430\n2016-01-01,431\n",
            vec!["p.csv", "line 3"],
        ),
        (
            "zero_ths",
            catalog_scen,
            "c.csv",
            &*format!("{header}\n1,Z,Z1,2024-01,0,3000,20,5,test,,false\n"),
            vec!["c.csv", "hashrate_ths = 0"],
        ),
    ] {
        let tmp = tempfile::tempdir().unwrap();
        std::fs::write(tmp.path().join(file), data).unwrap();
        std::fs::write(tmp.path().join("s.toml"), scen).unwrap();
        let o = common::hashshift(&["run", "s.toml", "--out", "out"], tmp.path());
        let err = common::stderr(&o);
        assert_eq!(o.status.code(), Some(2), "{name}: {err}");
        for e in &expect {
            assert!(err.contains(e), "{name}: expected {e:?} in {err}");
        }
        assert!(!tmp.path().join("out").exists(), "{name}");
    }
}

#[test]
fn overlapping_bans_add_up() {
    // Two bans of 0.3 on China end where one ban of 0.6 ends (same site order, same target),
    // and the offline capacity is about 60% of China's installed hashrate.
    let ban = |windows: &[(&str, &str, f64)]| {
        let shocks: String = windows
            .iter()
            .map(|(a, u, s)| format!("[[shocks]]\nkind = \"ban\"\nregion = \"china\"\nat = \"{a}\"\nuntil = \"{u}\"\nshare = {s}\n"))
            .collect::<String>()
            // A fixed fleet: with firms, banned sites sell their machines (relocation).
            + "[firms]\nenabled = false\n";
        scenario(&fleet(
            "start = \"2026-05-29\"\nend = \"2026-08-01\"\n",
            &shocks,
        ))
    };
    let one = run(&ban(&[("2026-06-01", "2026-07-01", 0.6)]), 5);
    let two = run(
        &ban(&[
            ("2026-06-01", "2026-06-20", 0.3),
            ("2026-06-10", "2026-07-01", 0.3),
        ]),
        5,
    );
    let (a, b) = (one.days.last().unwrap(), two.days.last().unwrap());
    assert_eq!(a.offline_ehs, b.offline_ehs);
    let china0 = one
        .region_days
        .iter()
        .find(|r| r.region == "china")
        .unwrap()
        .hashrate_ehs;
    let offline = a.offline_ehs.unwrap();
    // China's day-0 running hashrate understates its installed base by its idle share, so the
    // offline share of running-at-start is a bit above 0.6; whole sites overshoot slightly.
    assert!(
        offline > 0.55 * china0 && offline < 0.9 * china0,
        "offline {offline} of {china0} EH/s"
    );
    let china_end = one
        .region_days
        .iter()
        .rev()
        .find(|r| r.region == "china")
        .unwrap()
        .hashrate_ehs;
    assert!(china_end < 0.5 * china0, "china {china0} -> {china_end}");
}

#[test]
fn banned_sites_move_to_other_regions_and_are_rebuilt_there() {
    // A 90% ban on China with firms: the banned sites sell their machines and move (never to
    // China), taking their capacity out of the network until their firms rebuild it, which
    // they do when mining pays for new machines and the build-out: at $150k per BTC (at the
    // 2026 price, $76.6k, little capacity is rebuilt, as little new capacity is built).
    let tables = "[price]\ninitial_usd = 150000.0\n[network]\nsites = 600\n[firms]\ncount = 300\n\
        [[shocks]]\nkind = \"ban\"\nregion = \"china\"\nat = \"2026-06-15\"\n\
        until = \"2026-08-15\"\nshare = 0.9\n";
    let sc = scenario(&fleet(
        "start = \"2026-05-29\"\nend = \"2028-01-01\"\n",
        tables,
    ));
    let rec = run(&sc, 3);
    let moved: Vec<_> = rec
        .events
        .iter()
        .filter(|e| e.kind == hashshift::record::EventKind::SiteRelocated)
        .collect();
    assert!(moved.len() >= 5, "{} relocations", moved.len());
    assert!(moved.iter().all(|e| e.detail != "china" && e.mw > 0.0));
    let lost: f64 = moved.iter().map(|e| e.mw).sum();
    // The network's capacity falls by what moved, then grows back by the rebuilding
    // expansions (site_expanded events), all in regions other than China.
    let capacity = |i: usize| rec.days[i].agents.as_ref().unwrap().capacity_mw;
    let before = capacity(0);
    let low = (0..rec.days.len())
        .map(capacity)
        .fold(f64::INFINITY, f64::min);
    assert!(
        (before - low) > 0.9 * lost - 1e-6,
        "capacity {before} -> low {low} MW, {lost} MW moved"
    );
    let expanded_at_moved: f64 = rec
        .events
        .iter()
        .filter(|e| e.kind == hashshift::record::EventKind::SiteExpanded)
        .filter(|e| {
            moved
                .iter()
                .any(|m| m.site == e.site && m.time_unix <= e.time_unix)
        })
        .map(|e| e.mw)
        .sum();
    assert!(
        expanded_at_moved > 0.3 * lost,
        "{expanded_at_moved} of {lost} MW rebuilt"
    );
    let last = rec.days.last().unwrap();
    assert!(capacity(rec.days.len() - 1) > low, "{last:?}");
}

#[test]
fn fee_replay_pays_each_days_mean_and_rejects_gaps() {
    let tmp = tempfile::tempdir().unwrap();
    let csv =
        "date,FeeTotNtv,BlkCnt\n2026-05-29,14.4,144\n2026-05-30,28.8,144\n2026-05-31,7.2,144\n";
    std::fs::write(tmp.path().join("fees.csv"), csv).unwrap();
    let text = "start = \"2026-05-29\"\nend = \"2026-06-01\"\n[fees]\nmodel = \"csv\"\ncsv = \"fees.csv\"\n";
    let file = tmp.path().join("s.toml");
    std::fs::write(&file, text).unwrap();
    let sc = hashshift::scenario::Scenario::load(&file, &[]).unwrap();
    let rec = run(&sc, 1);
    assert_eq!(rec.days.len(), 3);
    // Without log_sd every block pays its day's mean: 0.1, 0.2, 0.05 BTC.
    for (d, mean) in rec.days.iter().zip([0.1, 0.2, 0.05]) {
        assert!(d.blocks > 100);
        assert!(
            (d.fees_btc - mean * d.blocks as f64).abs() < 1e-9,
            "{} BTC over {} blocks",
            d.fees_btc,
            d.blocks
        );
    }
    // A blank cell or a missing day inside the run is an error naming the line or the date.
    for (name, data, expect) in [
        (
            "blank",
            "date,FeeTotNtv,BlkCnt\n2026-05-29,1,144\n2026-05-30,,144\n2026-05-31,1,144\n",
            "line 3: empty `FeeTotNtv`",
        ),
        (
            "gap",
            "date,FeeTotNtv,BlkCnt\n2026-05-29,1,144\n2026-05-31,1,144\n",
            "no row for 2026-05-30",
        ),
        (
            "short",
            "date,FeeTotNtv,BlkCnt\n2026-05-29,1,144\n2026-05-30,1,144\n",
            "no row for 2026-05-31",
        ),
        // Issue 33, case 13: the allowed range was not given.
        (
            "no blocks",
            "date,FeeTotNtv,BlkCnt\n2026-05-29,1,144\n2026-05-30,1,0\n2026-05-31,1,144\n",
            "line 3: `BlkCnt` = 0 blocks is not allowed: a day's block count must be > 0",
        ),
    ] {
        std::fs::write(tmp.path().join("fees.csv"), data).unwrap();
        let e = hashshift::scenario::Scenario::load(&file, &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("fees.csv") && e.contains(expect), "{name}: {e}");
    }
}

#[test]
fn a_custom_catalog_is_what_the_network_runs() {
    // Id 35 is the built-in S21 XP (13.5 J/TH); here it is a 40 J/TH machine.
    let tmp = tempfile::tempdir().unwrap();
    let header = "id,manufacturer,name,release,hashrate_ths,power_w,price_usd_per_th,lifetime_years,source,note,verified";
    std::fs::write(
        tmp.path().join("c.csv"),
        format!("{header}\n35,X,Custom40,2024-01,100,4000,20,5,test,,false\n"),
    )
    .unwrap();
    let text =
        "horizon_years = 0.02\n[hashrate]\nkind = \"fleet\"\n[network]\ncatalog = \"c.csv\"\n\
                mix = [{ model = \"Custom40\", share = 1.0 }]\n[energy]\nsigma = 0.0\n\
                [energy.regions.us]\nprice_usd_per_kwh = 0.02\n";
    let file = tmp.path().join("s.toml");
    std::fs::write(&file, text).unwrap();
    let rec = run(&hashshift::scenario::Scenario::load(&file, &[]).unwrap(), 1);
    let d0 = day(&rec, 0);
    assert!(
        (d0.fleet_efficiency_j_per_th.unwrap() - 40.0).abs() < 1e-9,
        "{:?}",
        d0.fleet_efficiency_j_per_th
    );
}

#[test]
fn exogenous_runs_report_the_hashprice_in_force() {
    let sc = scenario("horizon_years = 0.15\n");
    let rec = run(&sc, 3);
    assert!(rec.epochs.len() >= 3);
    for d in &rec.days {
        let want = hashprice_usd_per_th_day(d.difficulty, 3.125 + 0.066, 76_600.0) * 1000.0;
        assert!(
            (d.hashprice_usd_per_ph_day / want - 1.0).abs() < 1e-12,
            "{} vs {want} on {}",
            d.hashprice_usd_per_ph_day,
            d.date_unix
        );
    }
}

#[test]
fn shocks_act_from_their_first_day_and_taxes_show_in_emissions() {
    let base = scenario(&fleet("start = \"2026-05-29\"\nend = \"2026-06-10\"\n", ""));
    let shocked = scenario(&fleet(
        "start = \"2026-05-29\"\nend = \"2026-06-10\"\n",
        "[[shocks]]\nkind = \"energy_price\"\nregion = \"us\"\nat = \"2026-05-29\"\nuntil = \"2026-06-02\"\nfactor = 3.0\n\
         [[shocks]]\nkind = \"ban\"\nregion = \"kazakhstan\"\nat = \"2026-05-29\"\nuntil = \"2026-05-30\"\nshare = 1.0\n\
         [[shocks]]\nkind = \"carbon_tax\"\nregion = \"china\"\nat = \"2026-06-03\"\nusd_per_t = 50.0\n",
    ));
    let (a, b) = (run(&base, 1), run(&shocked, 1));
    let region = |rec: &MemoryRecorder, name: &str| -> Vec<hashshift::record::RegionDayRecord> {
        rec.region_days
            .iter()
            .filter(|r| r.region == name)
            .copied()
            .collect()
    };
    let (us_a, us_b) = (region(&a, "us"), region(&b, "us"));
    // The energy shock multiplies the US price by 3 on exactly the four days 05-29..06-01.
    for (i, (x, y)) in us_a.iter().zip(&us_b).enumerate() {
        let ratio = y.energy_usd_per_kwh / x.energy_usd_per_kwh;
        let want = if i < 4 { 3.0 } else { 1.0 };
        assert!((ratio - want).abs() < 1e-9, "day {i}: ratio {ratio}");
    }
    assert!(
        us_b[0].hashrate_ehs < 0.5 * us_a[0].hashrate_ehs,
        "US hashrate under a x3 price"
    );
    // A ban ramps from nothing at its start to its full share at its end (one day here).
    assert_eq!(day(&b, 0).offline_ehs, Some(0.0));
    assert!(day(&b, 1).offline_ehs.unwrap() > 0.0);
    assert!(region(&b, "kazakhstan")[1].hashrate_ehs == 0.0);
    // The carbon tax is in force from 06-03 and costs China hashrate.
    let china = region(&b, "china");
    assert!(china.iter().take(5).all(|r| r.carbon_tax_usd_per_t == 0.0));
    assert!(china.iter().skip(5).all(|r| r.carbon_tax_usd_per_t == 50.0));
    assert!(china[6].hashrate_ehs < china[4].hashrate_ehs);
    // Emissions are power x 24 h x the grid's intensity, and add up to the network's.
    for r in &b.region_days {
        let ci = r
            .region
            .parse::<hashshift_models::hardware::Region>()
            .unwrap()
            .default_profile()
            .carbon_intensity_t_per_mwh;
        assert!(
            (r.emissions_t_per_day - r.power_gw * 1000.0 * 24.0 * ci).abs()
                < 1e-6 * r.emissions_t_per_day.max(1.0)
        );
    }
    for d in &b.days {
        let sum: f64 = b
            .region_days
            .iter()
            .filter(|r| r.date_unix == d.date_unix)
            .map(|r| r.emissions_t_per_day)
            .sum();
        assert!((sum / d.emissions_t_per_day.unwrap() - 1.0).abs() < 1e-9);
    }
}

#[test]
fn inputs_the_simulation_rejects_exit_2_without_output() {
    assert_bad_input(
        "amplitude",
        Some("[energy.regions.us]\nseasonal_amplitude = 1.5\n"),
        &[],
        &["energy.regions.us.seasonal_amplitude", "[0, 1]"],
    );
    assert_bad_input(
        "vintages",
        Some("[hashrate]\nkind = \"fleet\"\n[network]\nvintages_per_site = 1000\n"),
        &[],
        &["network.vintages_per_site", "1000"],
    );
    assert_bad_input(
        "kappa",
        Some("[energy]\nkappa = 0.01\n"),
        &[],
        &["energy.kappa"],
    );
    assert_bad_input(
        "spread",
        Some("[energy]\nkappa = 0.5\nsigma = 3.0\n"),
        &[],
        &["energy.sigma", "sqrt(2 kappa)"],
    );
    assert_bad_input(
        "unprofitable",
        Some("[hashrate]\nkind = \"fleet\"\n[price]\ninitial_usd = 100.0\n"),
        &[],
        &["profitable", "price.initial_usd"],
    );
}

#[test]
fn new_machines_sell_below_list_when_the_hashprice_is_low() {
    // The first day with firms at three BTC prices (few orders yet: the order book's premium
    // is about 1): the price of new frontier machines rises with the hashprice from the
    // manufacturers' floor, 60% of the launch price, to the launch price.
    let first_day = |usd: f64| {
        let sc = scenario(&fleet(
            "start = \"2026-05-29\"\nend = \"2026-05-30\"\n",
            &format!(
                "[network]\nsites = 300\n[firms]\ncount = 150\n\
                 [price]\nmodel = \"constant\"\ninitial_usd = {usd}\n"
            ),
        ));
        day(&run(&sc, 1), 0)
    };
    let prices: Vec<(f64, f64)> = [30_000.0, 76_600.0, 300_000.0]
        .into_iter()
        .map(|usd| {
            let d = first_day(usd);
            (
                d.frontier_usd_per_th.unwrap(),
                d.new_machine_usd_per_th.unwrap(),
            )
        })
        .collect();
    let (launch, low) = prices[0];
    assert!((low / (0.6 * launch) - 1.0).abs() < 0.01, "{prices:?}");
    let (launch, high) = prices[2];
    assert!((high / launch - 1.0).abs() < 0.01, "{prices:?}");
    assert!(
        prices[0].1 <= prices[1].1 && prices[1].1 <= prices[2].1,
        "{prices:?}"
    );
    // Without firms (an exogenous hashrate) there is no price that firms pay.
    let plain = run(
        &scenario("horizon_years = 0.02\n[hashrate]\nehs = 1000\n"),
        1,
    );
    assert!(plain.days.iter().all(|d| d.frontier_usd_per_th.is_some()));
    assert!(plain
        .days
        .iter()
        .all(|d| d.new_machine_usd_per_th.is_none()));
}
