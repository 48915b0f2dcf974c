//! Round trips of the daily, firms and events tables: the records' final values (`None` where
//! a value does not exist) become nulls, nothing else is decided here.

use arrow_array::cast::AsArray;
use arrow_array::types::Float64Type;
use arrow_array::Array;

use super::super::tables::{DAILY, EVENTS, FIRMS};
use super::{check_file_layout, meta, synthetic, START_TIME};
use crate::output::{ParquetRecorder, TableSelection};
use crate::record::{
    AgentDay, DayRecord, EventKind, EventRecord, FirmMonthRecord, IntervalStats, Recorder,
    SecuritySnapshot,
};

/// A day of a run with firms but no AI market, and one without firms.
fn days() -> [DayRecord; 2] {
    let agents = AgentDay {
        ai_market: None,
        capacity_mw: 100.0,
        mining_mw: 60.0,
        converting_mw: 10.0,
        ai_mw: 20.0,
        idle_mw: 10.0,
        ai_share_of_initial_mining_mw: 0.5,
        mining_usd_per_kwh: 0.08,
        active_firms: 12,
        secondary_ths: 0.0,
        order_book_ehs: 1.5,
        asic_lead_time_days: 120.0,
    };
    let day = DayRecord {
        date_unix: START_TIME,
        price_usd: 95_000.0,
        difficulty_rule: "bitcoin",
        security: SecuritySnapshot {
            overhang_ehs: Some(3.5),
            ..SecuritySnapshot::default()
        },
        idle_ehs: Some(3.0),
        agents: Some(agents),
        ..DayRecord::default()
    };
    let mut next = day;
    next.date_unix += 86_400;
    next.agents = None;
    next.intervals = Some(IntervalStats {
        mean_s: 600.0,
        p95_s: 1_800.0,
        max_s: 3_000.0,
    });
    [day, next]
}

#[test]
fn daily_firms_and_events_encode_the_records_final_values() {
    let (_, _, summary) = synthetic(10);
    let tmp = tempfile::tempdir().unwrap();
    let mut rec = ParquetRecorder::create(tmp.path(), &meta(), TableSelection::ALL).unwrap();
    for d in &days() {
        rec.day(d).unwrap();
    }
    let firm = FirmMonthRecord {
        time_unix: START_TIME,
        firm: 3,
        ticker: Some("MARA".into()),
        public: true,
        state: "active",
        sites: 2,
        capacity_mw: 10.0,
        mining_mw: 0.0,
        converting_mw: 0.0,
        ai_colo_mw: 0.0,
        ai_cloud_mw: 0.0,
        idle_mw: 10.0,
        installed_ths: 0.0,
        running_ths: 0.0,
        efficiency_j_per_th: None,
        cash_usd: 1e6,
        debt_usd: 0.0,
        mining_revenue_usd: 0.0,
        colo_revenue_usd: 0.0,
        cloud_revenue_usd: 0.0,
        sales_usd: 0.0,
        energy_usd: 0.0,
        opex_usd: 0.0,
        idle_cost_usd: 0.0,
        interest_usd: 0.0,
        capex_usd: 0.0,
        borrowed_usd: 0.0,
        repaid_usd: 0.0,
        expected_drift: 0.1,
    };
    rec.firm_month(&firm).unwrap();
    for kind in EventKind::ALL {
        rec.event(&EventRecord::network(START_TIME, *kind, "", 1.0))
            .unwrap();
    }
    rec.summary(&summary).unwrap();
    rec.finish().unwrap();

    let batches = check_file_layout(&tmp.path().join("daily.parquet"), "daily", &DAILY.schema());
    let b = &batches[0];
    let col = |name: &str| {
        b.column_by_name(name)
            .unwrap()
            .as_primitive::<Float64Type>()
            .clone()
    };
    // Firms without an AI market: firm columns set, AI columns null; no firms: both null.
    assert_eq!(col("capacity_mw").value(0), 100.0);
    assert!(col("gpu_hour_usd").is_null(0) && col("cloud_usd_per_kwh").is_null(0));
    assert!(col("capacity_mw").is_null(1) && col("active_firms").is_null(1));
    assert_eq!(col("active_firms").value(0), 12.0);
    assert!(col("mean_interval_s").is_null(0));
    assert_eq!(col("p95_interval_s").value(1), 1_800.0);
    assert_eq!(col("overhang_ehs").value(0), 3.5);
    assert!(col("attack_cost_new_usd").is_null(0));

    let batches = check_file_layout(&tmp.path().join("firms.parquet"), "firms", &FIRMS.schema());
    let b = &batches[0];
    assert!(b.column_by_name("efficiency_j_per_th").unwrap().is_null(0));
    let ticker = b.column_by_name("ticker").unwrap().as_string::<i32>();
    assert_eq!(ticker.value(0), "MARA");

    let batches = check_file_layout(
        &tmp.path().join("events.parquet"),
        "events",
        &EVENTS.schema(),
    );
    let kinds = batches[0]
        .column_by_name("kind")
        .unwrap()
        .as_string::<i32>();
    let names: Vec<_> = (0..kinds.len()).map(|i| kinds.value(i)).collect();
    let expected: Vec<_> = EventKind::ALL.iter().map(|k| k.name()).collect();
    assert_eq!(names, expected);
    assert!(batches[0].column_by_name("firm").unwrap().is_null(0));
    // The kind column's description lists the kinds, in order.
    let kind = EVENTS.schema().field_with_name("kind").unwrap().clone();
    assert_eq!(
        kind.metadata()["description"],
        format!("{}.", expected.join(", "))
    );
}
