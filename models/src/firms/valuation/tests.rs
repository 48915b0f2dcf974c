use super::*;

#[test]
fn integer_rounding_matches_std_exactly() {
    let below_half = f64::from_bits(0.5f64.to_bits() - 1);
    let mut xs = vec![
        0.0,
        -0.0,
        0.5,
        below_half,
        1.5,
        2.5,
        2.4999999999999996,
        1.0 - f64::EPSILON,
        3.0,
        -0.3,
        -0.7,
        -2.5,
        4.5e15,
        2f64.powi(53) + 2.0,
        1e300,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];
    // Quarter-year steps of remaining lives and horizons, and their neighbours.
    for k in 0..400 {
        let x = k as f64 * 0.25 / STEP_YEARS + (k as f64 * 0.37).sin();
        xs.extend([
            x,
            f64::from_bits(x.to_bits() + 1),
            f64::from_bits(x.to_bits().max(1) - 1),
        ]);
    }
    for x in xs {
        assert_eq!(round_to_usize(x), x.round() as usize, "round {x:e}");
        assert_eq!(ceil_to_usize(x), x.ceil() as usize, "ceil {x:e}");
    }
}

fn outlook(rr: &[f64]) -> Outlook<'_> {
    Outlook {
        hashprice: 0.0354,
        reward_ratio: rr,
        difficulty_growth: 0.15,
        frontier_j_per_th: 12.0,
        frontier_usd_per_th: 15.0,
        frontier_improvement: 0.155,
        frontier_price_trend: -0.17,
        asic_life_years: 5.0,
        firm: None,
        firm_path: &[],
        split_steps: &[],
    }
}

/// A view without discounting or drift over `horizon_years`, and `rr`'s outlook without
/// difficulty growth: values are plain sums of margins.
fn undiscounted(rr: &[f64], horizon_years: f64) -> (FirmView, Outlook<'_>) {
    let f = FirmView {
        discount_rate: 0.0,
        horizon_years,
        price_drift: 0.0,
    };
    let o = Outlook {
        difficulty_growth: 0.0,
        ..outlook(rr)
    };
    (f, o)
}

fn view() -> FirmView {
    FirmView {
        discount_rate: 0.10,
        horizon_years: 10.0,
        price_drift: 0.0,
    }
}

fn site() -> SiteCosts {
    SiteCosts {
        pue: 1.1,
        energy_usd_per_kwh: 0.045,
        mining_opex_usd_per_mw_year: 40_000.0,
        idle_usd_per_mw_year: 15_000.0,
    }
}

fn flat() -> Vec<f64> {
    vec![1.0; 80]
}

#[test]
fn firm_factors_give_the_same_values_to_the_bit() {
    let mut rr = flat();
    rr[10..].iter_mut().for_each(|x| *x = 0.52);
    let o = outlook(&rr);
    for (drift, rho) in [(0.0, 0.10), (0.3, 0.07), (-0.2, 0.25)] {
        let f = FirmView {
            discount_rate: rho,
            price_drift: drift,
            ..view()
        };
        let factors = FirmFactors::new(&o, &f);
        let mut path = Vec::new();
        factors.fill_path(&o, f.horizon_years, &mut path);
        let with = Outlook {
            firm: Some(factors),
            ..o
        };
        let with_path = Outlook {
            firm_path: &path,
            ..with
        };
        for (j, rem) in [(15.0, 3.0), (22.0, 2.0), (30.0, 7.5), (12.0, 0.3)] {
            for s in [
                site(),
                SiteCosts {
                    energy_usd_per_kwh: 0.02,
                    ..site()
                },
            ] {
                for w in [with, with_path] {
                    let a = o.keep_value(&f, &s, j, rem);
                    assert_eq!(a.to_bits(), w.keep_value(&f, &s, j, rem).to_bits());
                    let a = o.mining_value(&f, &s, j, rem);
                    assert_eq!(a.to_bits(), w.mining_value(&f, &s, j, rem).to_bits());
                    let a = o.refresh_cycle_value(&f, &s, 0.0);
                    assert_eq!(a.to_bits(), w.refresh_cycle_value(&f, &s, 0.0).to_bits());
                }
            }
        }
        // Another firm's view ignores the factors.
        let g = FirmView {
            price_drift: drift + 0.1,
            ..f
        };
        let a = o.keep_value(&g, &site(), 15.0, 3.0);
        for w in [with, with_path] {
            assert_eq!(a.to_bits(), w.keep_value(&g, &site(), 15.0, 3.0).to_bits());
        }
    }
}

#[test]
fn kept_discount_factors_give_the_same_firm_factors() {
    let rr = [1.0; 80];
    let o = outlook(&rr);
    for (rho, drift) in [(0.1, 0.0), (0.07, -0.3), (0.25, 0.4)] {
        let f = FirmView {
            discount_rate: rho,
            price_drift: drift,
            ..view()
        };
        let kept = DiscountFactors::new(rho);
        assert_eq!(
            FirmFactors::with_discount(&o, &f, &kept),
            FirmFactors::new(&o, &f)
        );
        // Factors of another rate are not used.
        let other = DiscountFactors::new(rho + 0.01);
        assert_eq!(
            FirmFactors::with_discount(&o, &f, &other),
            FirmFactors::new(&o, &f)
        );
    }
}

#[test]
fn a_step_with_a_halving_is_split_at_it() {
    // Height 1,040,000: the 2028 halving (1,050,000) is 10,000 blocks away, inside the
    // first quarter (13,149 blocks); fees 0.05 BTC per block.
    let path = RewardPath::new(1_040_000, 0.05, 16);
    assert_eq!(path.ratios.len(), 16);
    assert_eq!(path.splits.len(), 1);
    let s = path.splits[0];
    assert_eq!(s.step, 0);
    let h1 = 1_040_000 + (STEP_YEARS * 365.25 * 144.0) as u64;
    let share = 10_000.0 / (h1 - 1_040_000) as f64;
    assert!((s.before_share - share).abs() < 1e-15, "{}", s.before_share);
    // Relative to now: 1 before, (1.5625 + 0.05) / (3.125 + 0.05) after; the step's ratio
    // is their time-weighted mean, and the split recovers both.
    let after = (1.5625 + 0.05) / (3.125 + 0.05);
    let mean = share + (1.0 - share) * after;
    assert!((path.ratios[0] - mean).abs() < 1e-15);
    assert!((s.before * path.ratios[0] - 1.0).abs() < 1e-15);
    assert!((s.after * path.ratios[0] - after).abs() < 1e-15);
    assert!((s.before_share * s.before + (1.0 - s.before_share) * s.after - 1.0).abs() < 1e-15);
    // The other steps: the reward at their mid-time (the next halving, 1,260,000, is
    // about 4 years on: step 16 holds it, and one every 16 steps after).
    assert!(path.ratios[1..].iter().all(|&r| (r - after).abs() < 1e-15));
    let far = RewardPath::new(1_040_000, 0.05, 80);
    assert_eq!(
        far.splits.iter().map(|s| s.step).collect::<Vec<_>>(),
        vec![0, 16, 32, 48, 64]
    );
    // No halving within reach: no split, mid-time ratios.
    let plain = RewardPath::new(1_060_000, 0.05, 10);
    assert!(plain.splits.is_empty() && plain.ratios.iter().all(|&r| r == 1.0));
}

#[test]
fn machines_that_pay_until_the_halving_keep_that_value() {
    // A machine whose power costs 80% of today's hashprice: it pays until the halving and
    // not after. With the halving a third into the first step, keeping it is worth a
    // third of a step's margin; valued at the step's mid-time it would be worth nothing.
    let rr = [1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    let (f, o) = undiscounted(&rr, 2.0);
    let s = SiteCosts {
        pue: 1.0,
        mining_opex_usd_per_mw_year: 0.0,
        idle_usd_per_mw_year: 0.0,
        energy_usd_per_kwh: 0.8 * o.hashprice / (20.0 * 24.0 / 1000.0),
    };
    // Step 0 split: a third at 1.0 / mean, two thirds at 0.5 / mean.
    let mean = 1.0 / 3.0 + 2.0 / 3.0 * 0.5;
    let mut rr_split = rr;
    rr_split[0] = mean;
    let splits = [SplitStep {
        step: 0,
        before_share: 1.0 / 3.0,
        before: 1.0 / mean,
        after: 0.5 / mean,
    }];
    let split = Outlook {
        reward_ratio: &rr_split,
        split_steps: &splits,
        ..o
    };
    let margin = (o.hashprice - 0.8 * o.hashprice) * 1e6 / 20.0 * STEP_DAYS;
    let v = split.keep_value(&f, &s, 20.0, 2.0);
    assert!(
        (v - margin / 3.0).abs() < 1e-9 * margin,
        "{v} vs {}",
        margin / 3.0
    );
    // Valued on the step's mean alone it would be worth nothing (0.667 < 0.8).
    let unsplit = Outlook {
        reward_ratio: &rr_split,
        ..o
    };
    assert_eq!(unsplit.keep_value(&f, &s, 20.0, 2.0), 0.0);
    // The deciding firm's path gives the same value to the bit.
    let factors = FirmFactors::new(&split, &f);
    let mut path = Vec::new();
    factors.fill_path(&split, f.horizon_years, &mut path);
    let with_path = Outlook {
        firm: Some(factors),
        firm_path: &path,
        ..split
    };
    assert_eq!(
        with_path.keep_value(&f, &s, 20.0, 2.0).to_bits(),
        v.to_bits()
    );
}

#[test]
fn machines_stop_when_they_no_longer_pay() {
    let rr = [1.0, 1.0, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5];
    let f = view();
    let o = Outlook {
        difficulty_growth: 0.0,
        ..outlook(&rr)
    };
    let df = |k: usize| (-f.discount_rate * t_mid(k)).exp();
    let at = |share: f64| SiteCosts {
        pue: 1.0,
        mining_opex_usd_per_mw_year: 0.0,
        idle_usd_per_mw_year: 0.0,
        energy_usd_per_kwh: share * o.hashprice / (20.0 * 24.0 / 1000.0),
    };
    // Paying for two steps (until the halving at step 2), then not.
    let d = o.stop_discount(&f, &at(0.8), 20.0, 2.0);
    assert!((d - df(2)).abs() < 1e-12, "{d} vs {}", df(2));
    // Not paying now: stops at once.
    assert!((o.stop_discount(&f, &at(1.2), 20.0, 2.0) - df(0)).abs() < 1e-12);
    // Paying all its life (2 years, 8 steps): stops after it.
    assert!((o.stop_discount(&f, &at(0.3), 20.0, 2.0) - df(8)).abs() < 1e-12);
    // A halving inside step 1: it stops there when it does not pay after it.
    let splits = [SplitStep {
        step: 1,
        before_share: 0.5,
        before: 1.0 / 0.75,
        after: 0.5 / 0.75,
    }];
    let mut rr_split = rr;
    rr_split[1] = 0.75;
    let split = Outlook {
        reward_ratio: &rr_split,
        split_steps: &splits,
        ..o
    };
    let d = split.stop_discount(&f, &at(0.8), 20.0, 2.0);
    assert!((d - df(1)).abs() < 1e-12, "{d} vs {}", df(1));
}

#[test]
fn hurdle_is_one_without_volatility_and_rises_with_it() {
    assert_eq!(real_option_multiple(0.0, 0.0, 0.1), 1.0);
    let lo = real_option_multiple(0.2, 0.0, 0.1);
    let hi = real_option_multiple(0.6, 0.0, 0.1);
    assert!(1.0 < lo && lo < hi && hi <= MAX_HURDLE, "{lo} {hi}");
    // Hand value: sigma 0.5, alpha 0, rho 0.12: beta = 1/2 + sqrt(1/4 + 0.96) = 1.6,
    // multiple 1.6 / 0.6 = 2.667.
    let m = real_option_multiple(0.5, 0.0, 0.12);
    assert!((m - 1.6 / 0.6).abs() < 1e-9, "{m}");
}

#[test]
fn halvings_and_worse_machines_lower_mining_value() {
    let rr = flat();
    let o = outlook(&rr);
    let f = view();
    let good = o.mining_value(&f, &site(), 15.0, 3.0);
    let bad = o.mining_value(&f, &site(), 30.0, 3.0);
    assert!(good > bad, "{good} vs {bad}");
    let mut halved = flat();
    halved[8..].iter_mut().for_each(|x| *x = 0.55);
    let oh = outlook(&halved);
    assert!(oh.mining_value(&f, &site(), 15.0, 3.0) < good);
    // A machine whose cost exceeds the hashprice stays off: it earns and costs nothing (it is
    // scrapped rather than held idle).
    let dear = SiteCosts {
        energy_usd_per_kwh: 1.0,
        ..site()
    };
    assert_eq!(o.keep_value(&f, &dear, 30.0, 3.0), 0.0);
}

#[test]
fn colocation_value_matches_an_annuity_and_rises_with_the_rate() {
    let t = AiTerms {
        colo_rate: 1.6e6,
        cloud_revenue: 9.7e6,
        gross_to_it: 0.7,
        colo_capex_per_mw_it: 9e6,
        gpu_capex_per_mw_it: 29e6,
        lead_years: 0.0,
        noi_margin: 0.85,
        default_hazard: 0.0,
        gpu_life_years: 5.0,
        cloud_opex_share: 0.2,
        gpu_utilization: 0.85,
    };
    let f = FirmView {
        discount_rate: 0.0,
        ..view()
    };
    // No discounting, no lead, no default: 10 years of 0.7 x 1.6M x 0.85.
    let v = t.colocation(&f);
    assert!((v.pv - 10.0 * 0.7 * 1.6e6 * 0.85).abs() < 1e-3, "{}", v.pv);
    assert!((v.capex - 0.7 * 9e6).abs() < 1e-6);
    let richer = AiTerms {
        colo_rate: 1.9e6,
        ..t
    };
    assert!(richer.colocation(&view()).pv > t.colocation(&view()).pv);
    let late = AiTerms {
        lead_years: 1.5,
        ..t
    };
    assert!(late.colocation(&view()).pv < t.colocation(&view()).pv);
    let c = t.cloud(&view(), 0.05);
    assert!(c.capex > v.capex && c.pv > v.pv);
}

#[test]
fn the_hurdle_rule_counts_capex_and_forgone_mining() {
    let ai = AiValue {
        pv: 10.0,
        capex: 5.0,
    };
    assert!(clears_hurdle(ai, 0.0, 3.0, 1.25)); // 10 >= 1.25 x 8
    assert!(!clears_hurdle(ai, 0.0, 3.0, 1.3)); // 10 < 10.4
    assert!(clears_hurdle(ai, 0.5, 3.0, 1.3)); // salvage helps
    assert!(clears_hurdle(ai, 0.0, -100.0, 2.0)); // losses do not count as gains
}

#[test]
fn stopped_machines_cost_the_idle_fixed_cost_only_while_they_wait_to_run_again() {
    // Power at half the hashprice: machines run at reward ratio 1 and stop at 0.3. Steps 2-3
    // stop and step 4 runs again, so those two steps cost the idle rate; steps 6-7 stop for
    // good, so the machines are scrapped then rather than held idle (no discounting, no
    // growth: exactly two steps of the rate).
    let rr = [1.0, 1.0, 0.3, 0.3, 1.0, 1.0, 0.3, 0.3, 0.3, 0.3];
    let (f, o) = undiscounted(&rr, 10.0);
    let costs = |idle: f64| SiteCosts {
        pue: 1.0,
        mining_opex_usd_per_mw_year: 0.0,
        idle_usd_per_mw_year: idle,
        energy_usd_per_kwh: 0.5 * o.hashprice / (20.0 * 24.0 / 1000.0),
    };
    let life = 8.0 * STEP_YEARS;
    let without = o.keep_value(&f, &costs(0.0), 20.0, life);
    let with = o.keep_value(&f, &costs(20_000.0), 20.0, life);
    let two_steps = 2.0 * 20_000.0 * STEP_YEARS;
    assert!(
        (without - with - two_steps).abs() < 1e-6 * without,
        "{without} - {with} vs {two_steps}"
    );
    // Machines that never run again are worth nothing, idle cost or not.
    let dear = SiteCosts {
        energy_usd_per_kwh: 2.0 * o.hashprice / (20.0 * 24.0 / 1000.0),
        ..costs(20_000.0)
    };
    assert_eq!(o.keep_value(&f, &dear, 20.0, life), 0.0);
}
