//! The fast operation pass (regions move a running/stopped boundary over units sorted by cost)
//! makes exactly the decisions of a full scan of every unit, on arbitrary fleets and condition
//! sequences, including carbon taxes and bans appearing mid-way and units added and resized
//! between passes; the per-site accruals (kept in O(switches)) equal a brute-force sum over
//! every unit and every day.

use hashshift_models::mining::fleet::{Conditions, Fleet, Unit};
use proptest::prelude::*;

const REGIONS: usize = 3;

fn units_strategy() -> impl Strategy<Value = Vec<Unit>> {
    prop::collection::vec(
        (
            0..REGIONS as u16,
            1.0f64..1000.0,
            10.0f64..100.0,
            1.0f64..1.3,
            0.5f64..1.5,
        ),
        1..120,
    )
    .prop_map(|v| {
        v.into_iter()
            .enumerate()
            .map(|(i, (region, ths, j_per_th, pue, price_factor))| Unit {
                site: i as u32,
                region,
                model: 0,
                ths,
                j_per_th,
                pue,
                price_factor,
            })
            .collect()
    })
}

/// Brute force: one day of revenue, energy and carbon cost of every running unit, by site,
/// under `(hashprice, regional prices, carbon taxes)`.
fn accrue_day(
    fleet: &Fleet,
    (hp, p, tax): (f64, [f64; 3], [f64; 3]),
    intensity: &[f64; 3],
    expected: &mut [(f64, f64, f64)],
) {
    for (i, u) in fleet.units().iter().enumerate() {
        if fleet.is_running(i) {
            let kwh = u.j_per_th * u.pue * 24.0 / 1000.0 * u.ths;
            let r = usize::from(u.region);
            let e = &mut expected[u.site as usize];
            e.0 += u.ths * hp;
            e.1 += kwh * u.price_factor * p[r];
            e.2 += kwh * tax[r] * intensity[r] / 1000.0;
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn fast_passes_match_full_scans(
        units in units_strategy(),
        steps in prop::collection::vec((0.005f64..0.08, prop::array::uniform3(0.02f64..0.08)), 1..40),
        hysteresis in 0.0f64..0.2,
        tax_from in 0usize..60,
        ban_from in 0usize..60,
        added in units_strategy(),
        add_from in 0usize..40,
        per_step in 1usize..4,
        shrink in prop::collection::vec((0usize..1000, 0.0f64..1.0), 0..10),
    ) {
        let mut fast = Fleet::new(units.clone(), REGIONS).unwrap();
        let mut full = Fleet::new(units.clone(), REGIONS).unwrap();
        full.force_full_scans();
        let intensity = [0.5, 0.2, 0.0];
        let n_sites = units.len() + added.len();
        // Brute force: revenue, energy and carbon by site, day by day.
        let mut expected = vec![(0.0f64, 0.0f64, 0.0f64); n_sites];
        let mut prev: Option<(f64, [f64; 3], [f64; 3])> = None;
        let mut next_add = 0;
        for (step, (hashprice, prices)) in steps.iter().enumerate() {
            // Machines delivered (up to `per_step` units per step from `add_from`, at new
            // sites: several wait together for the next pass's merge) and vintages shrunk or
            // removed, between passes.
            for _ in 0..per_step {
            if step >= add_from && next_add < added.len() {
                let mut u = added[next_add];
                u.site = (units.len() + next_add) as u32;
                next_add += 1;
                let a = fast.add_unit(u).unwrap();
                let b = full.add_unit(u).unwrap();
                prop_assert_eq!(a, b);
                prop_assert_eq!(fast.is_running(a), full.is_running(b));
            }
            }
            if let Some(&(i, f)) = shrink.get(step) {
                let i = i % fast.units().len();
                let ths = fast.units()[i].ths * f;
                fast.set_unit_ths(i, ths);
                full.set_unit_ths(i, ths);
            }
            // Accrue the previous day under the previous conditions, unit by unit.
            if let Some(day) = prev {
                accrue_day(&fast, day, &intensity, &mut expected);
            }
            // A carbon tax on region 0 and a ban of unit 0 from some step on.
            let tax = if step >= tax_from { [40.0, 0.0, 0.0] } else { [0.0; 3] };
            if step == ban_from {
                fast.set_offline(0, true);
                full.set_offline(0, true);
            }
            let c = Conditions {
                time_days: step as f64,
                hashprice: *hashprice,
                region_price: prices,
                region_carbon_tax: &tax,
                region_carbon_intensity: &intensity,
                hysteresis,
            };
            prev = Some((*hashprice, *prices, tax));
            let a = fast.operate(&c).clone();
            let b = full.operate(&c).clone();
            for i in 0..fast.units().len() {
                prop_assert_eq!(fast.is_running(i), full.is_running(i), "unit {} at step {}", i, step);
            }
            prop_assert_eq!(a.switched, b.switched);
            let close = |x: f64, y: f64| (x - y).abs() <= 1e-9 * x.abs().max(y.abs()).max(1.0);
            prop_assert!(close(a.running_ths, b.running_ths));
            prop_assert!(close(a.idle_ths, b.idle_ths));
            prop_assert!(close(a.offline_ths, b.offline_ths));
            prop_assert!(close(a.power_w, b.power_w));
            prop_assert!(close(a.it_power_w, b.it_power_w));
            for r in 0..REGIONS {
                prop_assert!(close(a.region_running_ths[r], b.region_running_ths[r]));
            }
            match (a.marginal, b.marginal) {
                (Some(x), Some(y)) => prop_assert!(close(x.breakeven_usd_per_kwh, y.breakeven_usd_per_kwh)),
                (None, None) => {}
                (x, y) => prop_assert!(false, "marginal {:?} vs {:?}", x, y),
            }
        }
        // The last day, then every site's accrual against the brute force.
        if let Some(day) = prev {
            accrue_day(&fast, day, &intensity, &mut expected);
        }
        let end = steps.len() as f64;
        let close = |x: f64, y: f64| (x - y).abs() <= 1e-6 * x.abs().max(y.abs()).max(1.0);
        for (s, e) in expected.iter().enumerate() {
            let a = fast.take_site_accrual(s, end);
            let b = full.take_site_accrual(s, end);
            prop_assert!(close(a.revenue_usd, e.0), "site {} revenue {} vs {}", s, a.revenue_usd, e.0);
            prop_assert!(close(a.energy_usd, e.1), "site {} energy {} vs {}", s, a.energy_usd, e.1);
            prop_assert!(close(a.carbon_usd, e.2), "site {} carbon {} vs {}", s, a.carbon_usd, e.2);
            prop_assert!(close(b.revenue_usd, e.0));
            // Taken: a second take is empty.
            prop_assert_eq!(fast.take_site_accrual(s, end).revenue_usd, 0.0);
        }
    }
}
