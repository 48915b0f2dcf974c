//! Calibration of `hashshift_models::hardware` against `shared/reference`:
//!
//! 1. every default-catalog model matches a row of `asic_models.csv` (same name up to the
//!    hash-rate bin label, same TH/s and W); models marked `verified` match a row whose release
//!    month is sourced (`date_confidence = source(...)`) and equal; a model whose matching rows
//!    all have an unverified or unknown release month is not marked verified;
//! 2. the catalog's best efficiency at each day of `cbeci_efficiency_daily.csv` from 2016-08-01
//!    (when CBECI's lower bound drops to the Antminer S9) to its last day is within a factor
//!    [`BEST_EFFICIENCY_FACTOR`] of CBECI's lower bound (most efficient profitable hardware);
//! 3. the default 2026 fleet mix has a hash-rate-weighted efficiency within 15% of CBECI's
//!    best-guess estimate on its last day (2025-03-10);
//! 4. the default frontier improvement rate is within 0.05 per year of the same log-linear fit
//!    to CBECI's lower bound.
//!
//! The directory is `$HASHSHIFT_REFERENCE_DIR` or else
//! `<CARGO_MANIFEST_DIR>/../../shared/reference`. If it is missing, the tests print
//! "HARDWARE CALIBRATION DID NOT RUN" and pass, unless `HASHSHIFT_REQUIRE_REFERENCE=1`, in which
//! case they fail.

mod common;

use std::collections::HashMap;

use hashshift_models::hardware::catalog::{Catalog, DEFAULT_FLEET_MIX_2026};
use hashshift_models::hardware::frontier::{ols_slope, DEFAULT_IMPROVEMENT_RATE_PER_YEAR};

/// Allowed factor (either way) between the catalog's best efficiency and CBECI's lower bound.
/// CBECI adds a model when it sees it in use, so it lags or leads manufacturer release months
/// (ours are unverified after 2020) by a few months; largest gaps: S17 Pro 2019-04 vs CBECI
/// 2019-06 (0.69), CBECI's 16 J/TH from 2023-11 vs our S21 Hyd 2024-01 (1.34).
const BEST_EFFICIENCY_FACTOR: f64 = 1.5;
/// Allowed relative gap between the 2026 fleet mix and CBECI's last estimate.
const FLEET_MIX_TOLERANCE: f64 = 0.15;

// ---------------------------------------------------------------------------------------
// Reference directory handling (same approach as consensus_reference.rs)
// ---------------------------------------------------------------------------------------

/// The rows of the reference CSV `name`, or `None` (after saying so) when the reference folder
/// is missing.
fn reference_rows(name: &str) -> Option<Vec<HashMap<String, String>>> {
    let path = common::reference_dir("HARDWARE CALIBRATION")?.join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    Some(csv_rows(&text))
}

/// Splits a CSV line with double-quoted fields.
fn split_csv(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut q = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (q, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            (_, '"') => q = !q,
            (false, ',') => out.push(std::mem::take(&mut cur)),
            (_, c) => cur.push(c),
        }
    }
    out.push(cur);
    out
}

/// Rows of a CSV file as maps from column name to value.
fn csv_rows(text: &str) -> Vec<HashMap<String, String>> {
    let mut lines = text.lines().filter(|l| !l.trim().is_empty());
    let header = split_csv(lines.next().expect("header"));
    lines
        .map(|l| {
            let f = split_csv(l);
            assert_eq!(f.len(), header.len(), "bad reference line {l:?}");
            header.iter().cloned().zip(f).collect()
        })
        .collect()
}

/// "YYYY-MM" or "YYYY-MM-DD" to a decimal year (months as twelfths, like the catalog).
fn decimal_year(date: &str) -> f64 {
    let p: Vec<f64> = date.split('-').map(|x| x.parse().expect(date)).collect();
    let day = p.get(2).map_or(0.0, |d| (d - 1.0) / 365.25);
    p[0] + (p[1] - 1.0) / 12.0 + day
}

/// Model name without manufacturer prefix, bin label "(...)", case and spaces.
fn norm_name(s: &str) -> String {
    let s = s.to_lowercase();
    let s = s.split('(').next().unwrap_or("");
    let mut s: String = s
        .chars()
        .filter(|c| c.is_alphanumeric() || *c == '+')
        .collect();
    for prefix in ["bitmain", "microbt", "canaan"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest.to_string();
        }
    }
    s.replace("avalonminer", "avalon")
}

// ---------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------

#[test]
fn catalog_rows_match_reference_asic_models() {
    let Some(rows) = reference_rows("asic_models.csv") else {
        return;
    };
    let catalog = Catalog::default_catalog();
    let mut problems = Vec::new();
    for m in catalog.models() {
        let matches: Vec<_> = rows
            .iter()
            .filter(|r| {
                norm_name(&r["model"]) == norm_name(m.name())
                    && (r["hashrate_ths"].parse::<f64>().unwrap() - m.hashrate_ths()).abs() < 1e-9
                    && (r["power_w"].parse::<f64>().unwrap() - m.power_w()).abs() < 0.5
            })
            .collect();
        if matches.is_empty() {
            problems.push(format!(
                "{} ({} TH/s, {} W): no row of asic_models.csv has this name and spec",
                m.name(),
                m.hashrate_ths(),
                m.power_w()
            ));
            continue;
        }
        let month = |r: &HashMap<String, String>| {
            (!r["release"].is_empty()).then(|| decimal_year(&r["release"]))
        };
        // Release months were taken from the reference rows.
        if !matches
            .iter()
            .any(|r| month(r).is_some_and(|y| (y - m.release_year()).abs() < 1e-9))
        {
            problems.push(format!(
                "{}: release {} matches no reference row's release month",
                m.name(),
                m.release_year()
            ));
        }
        let sourced = matches.iter().any(|r| {
            r["date_confidence"].starts_with("source(")
                && month(r).is_some_and(|y| (y - m.release_year()).abs() < 1e-9)
        });
        if m.verified() && !sourced {
            problems.push(format!(
                "{}: marked verified but no matching row has a sourced, equal release month",
                m.name()
            ));
        }
        if !m.verified() && sourced {
            eprintln!("note: {} could be marked verified", m.name());
        }
    }
    assert!(
        problems.is_empty(),
        "catalog vs asic_models.csv:\n{}",
        problems.join("\n")
    );
    let verified = catalog.models().iter().filter(|m| m.verified()).count();
    eprintln!(
        "catalog: {} models match asic_models.csv rows, {verified} verified",
        catalog.len()
    );
}

#[test]
fn best_efficiency_tracks_cbeci_lower_bound() {
    let Some(rows) = reference_rows("cbeci_efficiency_daily.csv") else {
        return;
    };
    let catalog = Catalog::default_catalog();
    let mut ratios = Vec::new();
    let mut worst = (1.0f64, String::new());
    let mut cbeci_points = Vec::new();
    for r in rows.iter().filter(|r| r["date"].as_str() >= "2016-08-01") {
        let t = decimal_year(&r["date"]);
        let lower: f64 = r["lower_bound_j_per_th"].parse().unwrap();
        cbeci_points.push((t, lower.ln()));
        let best = catalog
            .best_efficiency_at(t + 1e-9)
            .unwrap_or_else(|| panic!("no catalog model by {}", r["date"]));
        let ratio = best.efficiency_j_per_th() / lower;
        let factor = ratio.max(1.0 / ratio);
        if factor > worst.0 {
            worst = (
                factor,
                format!(
                    "{}: catalog {} {:.2} J/TH vs CBECI lower {lower:.2} J/TH",
                    r["date"],
                    best.name(),
                    best.efficiency_j_per_th()
                ),
            );
        }
        ratios.push(ratio);
    }
    ratios.sort_by(f64::total_cmp);
    let median = ratios[ratios.len() / 2];
    let within_10 = ratios.iter().filter(|r| (**r - 1.0).abs() <= 0.10).count();
    eprintln!(
        "best efficiency / CBECI lower bound over {} days: median {median:.3}, \
         {:.1}% of days within 10%, worst factor {:.3} ({})",
        ratios.len(),
        100.0 * within_10 as f64 / ratios.len() as f64,
        worst.0,
        worst.1
    );
    assert!(
        worst.0 <= BEST_EFFICIENCY_FACTOR,
        "worst factor {:.3} > {BEST_EFFICIENCY_FACTOR}: {}",
        worst.0,
        worst.1
    );
    assert!((median - 1.0).abs() < 0.05, "median ratio {median}");

    let cbeci_rate = 1.0 - ols_slope(&cbeci_points).exp();
    eprintln!(
        "frontier improvement rate: default {DEFAULT_IMPROVEMENT_RATE_PER_YEAR:.3}/y, \
         same fit to CBECI lower bound 2016-08..2025-03: {cbeci_rate:.3}/y"
    );
    assert!(
        (cbeci_rate - DEFAULT_IMPROVEMENT_RATE_PER_YEAR).abs() < 0.05,
        "CBECI-fitted rate {cbeci_rate}"
    );
}

#[test]
fn fleet_mix_2026_matches_cbeci_estimate() {
    let Some(rows) = reference_rows("cbeci_efficiency_daily.csv") else {
        return;
    };
    let last = rows.last().expect("CBECI rows");
    let estimate: f64 = last["estimated_j_per_th"].parse().unwrap();
    let mix = Catalog::default_catalog()
        .weighted_efficiency(DEFAULT_FLEET_MIX_2026)
        .unwrap();
    let gap = mix / estimate - 1.0;
    eprintln!(
        "fleet mix 2026: {mix:.2} J/TH vs CBECI estimate {estimate:.2} J/TH on {} \
         (lower {}, upper {}): {:+.1}%",
        last["date"],
        last["lower_bound_j_per_th"],
        last["upper_bound_j_per_th"],
        100.0 * gap
    );
    assert!(
        gap.abs() <= FLEET_MIX_TOLERANCE,
        "fleet mix {mix} J/TH is {:+.1}% from CBECI's {estimate} J/TH",
        100.0 * gap
    );
}
