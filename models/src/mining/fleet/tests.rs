use super::*;

fn unit(site: u32, j: f64, factor: f64) -> Unit {
    Unit {
        site,
        region: 0,
        model: 0,
        ths: 1000.0,
        j_per_th: j,
        pue: 1.0,
        price_factor: factor,
    }
}

fn cond(hashprice: f64, price: &[f64]) -> Conditions<'_> {
    Conditions {
        hashprice,
        region_price: price,
        region_carbon_tax: &[0.0],
        region_carbon_intensity: &[0.0],
        hysteresis: 0.05,
        time_days: 0.0,
    }
}

#[test]
fn least_efficient_switch_off_first() {
    // Costs at $0.05/kWh: 15 J/TH -> 0.018, 20 -> 0.024, 30 -> 0.036, 40 -> 0.048 USD/TH/day.
    let units = vec![
        unit(0, 15.0, 1.0),
        unit(1, 20.0, 1.0),
        unit(2, 30.0, 1.0),
        unit(3, 40.0, 1.0),
    ];
    let mut f = Fleet::new(units, 1).unwrap();
    let p = [0.05];
    assert_eq!(f.operate(&cond(0.06, &p)).running_ths, 4000.0);
    // Hashprice halves to 0.03: 30 and 40 J/TH stop, 15 and 20 run.
    let s = f.operate(&cond(0.03, &p)).clone();
    assert_eq!((s.running_ths, s.idle_ths, s.switched), (2000.0, 2000.0, 2));
    let m = s.marginal.unwrap();
    assert_eq!(m.unit, 1);
    // The marginal unit's breakeven is above its price (it still pays) ...
    assert!(m.breakeven_usd_per_kwh >= m.site_usd_per_kwh * (1.0 - 0.05));
    // ... and the power drawn is the running TH/s x J/TH.
    assert_eq!(s.power_w, 1000.0 * 15.0 + 1000.0 * 20.0);
}

#[test]
fn hysteresis_keeps_state_near_breakeven() {
    let mut f = Fleet::new(vec![unit(0, 20.0, 1.0)], 1).unwrap();
    let p = [0.05]; // cost 0.024
    assert_eq!(f.operate(&cond(0.0245, &p)).running_ths, 0.0); // +2%: not enough to start
    assert_eq!(f.operate(&cond(0.0253, &p)).running_ths, 1000.0); // +5.4%: starts
    assert_eq!(f.operate(&cond(0.0232, &p)).running_ths, 1000.0); // -3.3%: keeps running
    assert_eq!(f.operate(&cond(0.0227, &p)).running_ths, 0.0); // -5.4%: stops
}

/// The idle supply by a scan of every unit (what `idle_supply` gave before the live list).
fn idle_supply_by_full_scan(f: &Fleet, hysteresis: f64) -> Vec<(f64, f64)> {
    let (k, g) = (&f.coef, &f.integrals);
    let mut out: Vec<(f64, f64)> = (0..f.units.len())
        .filter(|&i| !f.running[i] && !f.offline[i] && k.ths[i] > 0.0)
        .map(|i| {
            let r = usize::from(k.region[i]);
            let cost = k.kwh_x_factor[i] * g.cur_price[r] + k.kwh_per_th_day[i] * g.cur_tax[r];
            (cost * (1.0 + hysteresis), k.ths[i])
        })
        .collect();
    out.sort_by(|a, b| a.0.total_cmp(&b.0));
    out
}

#[test]
fn idle_supply_skips_emptied_units_and_sees_refilled_ones() {
    // 40 units from 15 to 54 J/TH; at hashprice 0.04 and $0.05/kWh those above 33 J/TH stop.
    let units = (0..40).map(|k| unit(k, 15.0 + f64::from(k), 1.0)).collect();
    let mut f = Fleet::new(units, 1).unwrap();
    let p = [0.05];
    let mut got = Vec::new();
    for round in 0..4 {
        // Empty three units in four (the list drops them once they are half of it), then
        // refill some emptied ones and add new units.
        for i in (0..f.units.len()).filter(|i| (i + round) % 4 != 0) {
            f.set_unit_ths(i, 0.0);
        }
        for i in (round..f.units.len()).step_by(7) {
            f.set_unit_ths(i, 500.0 + i as f64);
        }
        f.add_unit(unit(40 + round as u32, 60.0, 1.0)).unwrap();
        f.operate(&cond(0.04, &p));
        f.idle_supply(0.05, &mut got);
        let want = idle_supply_by_full_scan(&f, 0.05);
        assert!(!want.is_empty());
        assert_eq!(got, want, "round {round}");
        assert!(f.live.windows(2).all(|w| w[0] < w[1]));
        let live: Vec<usize> = f.live_units().filter(|&i| f.coef.ths[i] > 0.0).collect();
        let all: Vec<usize> = (0..f.units.len())
            .filter(|&i| f.coef.ths[i] > 0.0)
            .collect();
        assert_eq!(live, all, "round {round}");
    }
}

#[test]
fn offline_units_are_neither_running_nor_idle() {
    let mut f = Fleet::new(vec![unit(0, 15.0, 1.0), unit(1, 15.0, 1.0)], 1).unwrap();
    f.set_offline(1, true);
    let s = f.operate(&cond(0.06, &[0.05]));
    assert_eq!(
        (s.running_ths, s.idle_ths, s.offline_ths),
        (1000.0, 0.0, 1000.0)
    );
}

#[test]
fn bad_units_are_rejected_naming_the_field() {
    let mut u = unit(0, 15.0, 1.0);
    u.ths = 0.0;
    let e = Fleet::new(vec![u], 1).unwrap_err();
    assert_eq!(e.field, "ths");
    assert!(e.to_string().contains("ths = 0"));
    let mut u = unit(0, 15.0, 1.0);
    u.pue = 0.9;
    assert_eq!(Fleet::new(vec![u], 1).unwrap_err().field, "pue");
    let mut u = unit(0, 15.0, 1.0);
    u.region = 3;
    assert_eq!(Fleet::new(vec![u], 1).unwrap_err().field, "region");
}
