use super::*;

const HEADER: &str = "ticker,firm,site,region,capacity_mw,ai_suitable,self_mining_ehs,\
                      efficiency_j_per_th,as_of,approximate,source";

/// The header on line 1, then `rows` on lines 2, 3, ...
fn table(rows: &[&str]) -> String {
    let mut s = String::from(HEADER);
    s.push('\n');
    for r in rows {
        s.push_str(r);
        s.push('\n');
    }
    s
}

fn err(rows: &[&str]) -> String {
    parse_named_firms(&table(rows)).unwrap_err().to_string()
}

/// Each table of `rows` is rejected with exactly its message.
fn assert_errors(cases: &[(&[&str], &str)]) {
    for (rows, expected) in cases {
        assert_eq!(err(rows), *expected, "{rows:?}");
    }
}

const A1: &str = "AAA,Alpha,Site 1,us,100,true,2,20,2025-06,false,report";
const A2: &str = "AAA,Alpha,Site 2,canada,50,false,2,20,2025-06,true,estimate";

#[test]
fn shipped_table_parses() {
    let firms = parse_named_firms(PUBLIC_MINERS_CSV).unwrap();
    assert_eq!(firms, public_miners());
    let tickers: Vec<&str> = firms.iter().map(|f| f.ticker.as_str()).collect();
    assert_eq!(
        tickers,
        [
            "MARA", "RIOT", "CLSK", "CORZ", "CIFR", "WULF", "IREN", "HUT", "BITF", "HIVE", "BTDR",
            "CANG"
        ]
    );
    let rows: usize = firms.iter().map(|f| f.sites.len()).sum();
    assert_eq!(rows, 67);
    assert!(rows <= 80);
    // Firm-level figures are recalled for every firm: all are approximate.
    assert!(firms.iter().all(|f| f.approximate));
    assert_eq!(public_miner("mara").unwrap().name, "MARA Holdings");
    assert_eq!(
        public_miner(" iren ").unwrap().sites[0].name,
        "Childress TX"
    );
    assert!(public_miner("NOPE").is_none());
}

#[test]
fn every_firm_fits_its_capacity() {
    for f in public_miners() {
        let (implied, cap) = (f.implied_mining_mw(), f.capacity_mw());
        assert!(
            implied <= CAPACITY_TOLERANCE * cap,
            "{}: {implied} MW > {cap} MW",
            f.ticker
        );
        assert!(f.self_mining_ehs > 0.0, "{}", f.ticker);
    }
}

/// Public miners held roughly 25-35% of the network in 2025, which grew from about 1.0 to
/// 1.15 ZH/s over the year: 250-400 EH/s.
#[test]
fn total_self_mining_is_plausible() {
    let firms = public_miners();
    let ehs: f64 = firms.iter().map(|f| f.self_mining_ehs).sum();
    assert!((250.0..=400.0).contains(&ehs), "{ehs} EH/s");
    assert!((ehs - 365.3).abs() < 1e-9, "{ehs}");
    let mw: f64 = firms.iter().map(NamedFirm::capacity_mw).sum();
    assert!((mw - 16_303.2).abs() < 1e-6, "{mw}");
}

#[test]
fn ai_sites_from_the_reference_file_are_ai_suitable() {
    let cases = [
        ("CORZ", "Muskogee OK", 100.0),
        (
            "WULF",
            "Lake Mariner NY (Fluidstack HPC CB-1 to CB-5)",
            450.0,
        ),
        ("IREN", "Childress TX", 750.0),
        ("CIFR", "Barber Lake TX", 300.0),
        ("HUT", "River Bend LA", 330.0),
        ("BITF", "Panther Creek PA", 350.0),
        ("BITF", "Washington state site", 18.0),
        ("HIVE", "Toronto BUZZ HPC data centre", 7.2),
    ];
    for (ticker, site, mw) in cases {
        let f = public_miner(ticker).unwrap();
        let s = f.sites.iter().find(|s| s.name == site).unwrap();
        assert!(s.ai_suitable, "{ticker} {site}");
        assert_eq!(s.capacity_mw, mw, "{ticker} {site}");
        assert!(f.source.contains("ai_pivot_facts.md"), "{ticker}");
    }
    let iren = public_miner("IREN").unwrap();
    assert!((iren.capacity_mw() - 2910.0).abs() < 1e-9);
}

#[test]
fn groups_by_ticker_in_first_appearance_order() {
    let b = "BBB,Beta,Only,nordics,10,false,0,25,2024-12,false,report";
    let firms = parse_named_firms(&table(&[A1, b, A2])).unwrap();
    assert_eq!(firms.len(), 2);
    let a = &firms[0];
    assert_eq!(a.ticker, "AAA");
    assert_eq!(a.sites.len(), 2);
    assert_eq!(a.sites[1].region, Region::Canada);
    assert_eq!(a.capacity_mw(), 150.0);
    assert_eq!(a.ai_suitable_mw(), 100.0);
    assert_eq!(a.implied_mining_mw(), 40.0);
    assert!(
        a.approximate,
        "any approximate row makes the firm approximate"
    );
    assert_eq!(a.source, "report; estimate");
    assert_eq!(firms[1].ticker, "BBB");
    assert!(!firms[1].approximate);
    // Numbers are compared as numbers; blank lines are skipped.
    let same = "AAA,Alpha,Site 3,us,1,false,2.0,20.00,2025-06,false,report";
    let firms = parse_named_firms(&format!("\n{}\n", table(&[A1, same]))).unwrap();
    assert_eq!(firms[0].sites.len(), 2);
    assert_eq!(firms[0].source, "report");
}

#[test]
fn negative_capacity_names_line_and_column() {
    assert_errors(&[
        (
            &[A1, "AAA,Alpha,Site 2,us,-5,false,2,20,2025-06,false,report"],
            "line 3, column capacity_mw: -5 is not allowed (must be finite and > 0 MW)",
        ),
        (
            &["AAA,Alpha,Site 1,us,NaN,true,2,20,2025-06,false,report"],
            "line 2, column capacity_mw: NaN is not allowed (must be finite and > 0 MW)",
        ),
        (
            &["AAA,Alpha,Site 1,us,lots,true,2,20,2025-06,false,report"],
            "line 2, column capacity_mw: \"lots\" is not a number",
        ),
    ]);
}

#[test]
fn unknown_region_lists_valid_names() {
    let e = parse_named_firms(&table(&[
        "AAA,Alpha,Site 1,mars,100,true,2,20,2025-06,false,report",
    ]))
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 2, column region: unknown region \"mars\" (valid: us, china, russia, \
         kazakhstan, canada, paraguay, ethiopia, middle_east, nordics, rest_of_world)"
    );
    assert!(std::error::Error::source(&e).is_some());
}

#[test]
fn firm_level_values_must_agree() {
    assert_errors(&[
        (
            &[A1, "AAA,Alpha,Site 2,us,50,false,3,20,2025-06,false,report"],
            "line 3, column self_mining_ehs: \"3\" differs from \"2\" on line 2 \
             (self_mining_ehs is firm-level: equal on every row of ticker AAA)",
        ),
        (
            &[A1, "AAA,Alpha,Site 2,us,50,false,2,21,2025-06,false,report"],
            "line 3, column efficiency_j_per_th: \"21\" differs from \"20\" on line 2 \
             (efficiency_j_per_th is firm-level: equal on every row of ticker AAA)",
        ),
    ]);
    assert!(
        err(&[A1, "AAA,Other,Site 2,us,50,false,2,20,2025-06,false,report"])
            .starts_with("line 3, column firm: \"Other\" differs from \"Alpha\" on line 2")
    );
    assert!(
        err(&[A1, "AAA,Alpha,Site 2,us,50,false,2,20,2025-07,false,report"])
            .starts_with("line 3, column as_of: \"2025-07\" differs from \"2025-06\"")
    );
    assert_eq!(
        err(&[A1, "AAA,Alpha,Site 1,us,50,false,2,20,2025-06,false,report"]),
        "line 3, column site: ticker AAA already has site \"Site 1\" (line 2)"
    );
}

#[test]
fn bad_header_names_line_and_column() {
    let text = "ticker,firm,name,region,capacity_mw,ai_suitable,self_mining_ehs,\
                efficiency_j_per_th,as_of,approximate,source\n";
    let e = parse_named_firms(&format!("\n{text}{A1}\n")).unwrap_err();
    assert_eq!(
        e,
        NamedFirmError::BadHeader {
            line: 2,
            column: 3,
            found: Some("name".into()),
            expected: Some("site"),
        }
    );
    assert!(e.to_string().starts_with(
        "line 2, header column 3: found \"name\", expected \"site\" (the header must be \
         exactly ticker,firm,site,"
    ));
    let short = parse_named_firms("ticker,firm\n").unwrap_err();
    assert!(short
        .to_string()
        .starts_with("line 1, header column 3: found nothing, expected \"site\""));
    let long = parse_named_firms(&format!("{HEADER},note\n")).unwrap_err();
    assert!(long
        .to_string()
        .starts_with("line 1, header column 12: found \"note\", expected no more columns"));
    assert_eq!(
        parse_named_firms(" \n\n"),
        Err(NamedFirmError::MissingHeader)
    );
    assert_eq!(parse_named_firms(HEADER), Err(NamedFirmError::Empty));
}

#[test]
fn other_bad_rows() {
    assert_errors(&[
        (
            &["AAA,Alpha,Site 1,us,100,true,2,4,2025-06,false,report"],
            "line 2, column efficiency_j_per_th: 4 is not allowed (must be finite and in \
             (5, 200) J/TH)",
        ),
        (
            &["AAA,Alpha,Site 1,us,100,true,2,200,2025-06,false,report"],
            "line 2, column efficiency_j_per_th: 200 is not allowed (must be finite and in \
             (5, 200) J/TH)",
        ),
        (
            &["AAA,Alpha,Site 1,us,100,true,-1,20,2025-06,false,report"],
            "line 2, column self_mining_ehs: -1 is not allowed (must be finite and >= 0 EH/s)",
        ),
        (
            &["AAA,Alpha,Site 1,us,100,yes,2,20,2025-06,false,report"],
            "line 2, column ai_suitable: \"yes\" is not true or false",
        ),
        (
            &["AAA,Alpha,Site 1,us,100,true,2,20,2025-13,false,report"],
            "line 2, column as_of: \"2025-13\" is not a month YYYY-MM",
        ),
        (
            &["AAA,Alpha,Site 1,us,100,true,2,20,2025-06,false,"],
            "line 2, column source: \"\" is not a non-empty text",
        ),
        (
            &["AAA,Alpha,Site 1,us,100,true"],
            "line 2: 6 fields, the header has 11 (quote fields that contain commas)",
        ),
    ]);
    // Quoted fields may hold commas.
    let quoted = "AAA,Alpha,\"Site 1, north\",us,100,true,2,20,2025-06,false,\"a, b\"";
    let firms = parse_named_firms(&table(&[quoted])).unwrap();
    assert_eq!(firms[0].sites[0].name, "Site 1, north");
    assert_eq!(firms[0].source, "a, b");
}

#[test]
fn power_beyond_capacity_is_rejected() {
    // 2 EH/s x 20 J/TH = 40 MW on a 38 MW site: more than 1.05 x 38 = 39.9 MW.
    let e = parse_named_firms(&table(&[
        "AAA,Alpha,Site 1,us,38,true,2,20,2025-06,false,report",
    ]))
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "line 2, column self_mining_ehs: ticker AAA: 2 EH/s at 20 J/TH draws 40.0 MW, more \
         than 1.05 x its sites' 38 MW (must be <= 39.9 MW)"
    );
    // 40 MW on 38.1 MW is within the 5% tolerance (40.005 MW).
    assert!(parse_named_firms(&table(&[
        "AAA,Alpha,Site 1,us,38.1,true,2,20,2025-06,false,report"
    ]))
    .is_ok());
}
