//! The fast operation pass (regions move a running/stopped boundary over units sorted by cost)
//! makes exactly the decisions of a full scan of every unit, on arbitrary fleets and condition
//! sequences, including carbon taxes and bans appearing mid-way.

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

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn fast_passes_match_full_scans(
        units in units_strategy(),
        steps in prop::collection::vec((0.005f64..0.08, prop::array::uniform3(0.02f64..0.08)), 1..40),
        hysteresis in 0.0f64..0.2,
        tax_from in 0usize..60,
        ban_from in 0usize..60,
    ) {
        let mut fast = Fleet::new(units.clone(), REGIONS).unwrap();
        let mut full = Fleet::new(units.clone(), REGIONS).unwrap();
        full.force_full_scans();
        let intensity = [0.5, 0.2, 0.0];
        for (step, (hashprice, prices)) in steps.iter().enumerate() {
            // A carbon tax on region 0 and a ban of unit 0 from some step on.
            let tax = if step >= tax_from { [40.0, 0.0, 0.0] } else { [0.0; 3] };
            if step == ban_from {
                fast.set_offline(0, true);
                full.set_offline(0, true);
            }
            let c = Conditions {
                hashprice: *hashprice,
                region_price: prices,
                region_carbon_tax: &tax,
                region_carbon_intensity: &intensity,
                hysteresis,
            };
            let a = fast.operate(&c).clone();
            let b = full.operate(&c).clone();
            for i in 0..units.len() {
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
    }
}
