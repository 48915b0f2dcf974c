//! The range test generated from the key registry (`hashshift::scenario::keys::all`): every
//! numeric key (and each `[low, high]` pair) is fed NaN, +-inf, +-1e308, -1, 0, each end of its
//! documented range and the values just outside each end, in a scenario where the key is used.
//! A value outside the documented range must be refused with a `ScenarioError` (exit code 2)
//! naming the key; a value inside must validate, with every number of the resolved scenario
//! finite, or be refused naming a key of the same table (a rule between keys, such as
//! `rate_min <= reference_rate`). A key added to the registry is covered without edits here,
//! unless it needs another model or kind to be used (`context`).

use std::path::Path;

use hashshift::scenario::keys::{self, DefaultValue, End, KeyDef, KeyType};
use hashshift::scenario::{FileError, Scenario, ScenarioError};

const BASE: &str = "start = \"2026-05-29\"\nhorizon_years = 1\n";
const FLEET: &[&str] = &["hashrate.kind=fleet", "network.sites=20"];
const AT: &str = "at=\"2026-06-01\"";

/// The overrides that make `path` used, and the override that sets it to `v` (TOML text):
/// keys of another model or kind are refused as unused, which names the key but checks no
/// range.
fn overrides(path: &str, v: &str) -> Vec<String> {
    let mut o: Vec<String> = Vec::new();
    let mut add = |items: &[&str]| o.extend(items.iter().map(|s| s.to_string()));
    let field = path.rsplit(['.', ']']).next().unwrap_or(path);
    let fleet = ["network.", "firms.", "ai."]
        .iter()
        .any(|p| path.starts_with(p))
        || matches!(field, "usd_per_t" | "share") && path.starts_with("shocks");
    if fleet {
        add(FLEET);
    }
    let set = match path {
        "hashrate.ramp_step_hours" => {
            add(&[
                "hashrate.kind=piecewise",
                &format!("hashrate.points=[{{{AT}, ehs=1}}]"),
            ]);
            format!("{path}={v}")
        }
        "price.mu" | "price.sigma" => {
            add(&["price.model=gbm"]);
            format!("{path}={v}")
        }
        "fees.log_sd" => {
            add(&["fees.model=lognormal"]);
            format!("{path}={v}")
        }
        "hashrate.points[].ehs" => {
            add(&["hashrate.kind=piecewise"]);
            format!("hashrate.points=[{{{AT}, ehs={v}}}]")
        }
        "network.mix[].share" => format!("network.mix=[{{model=\"Antminer S21\", share={v}}}]"),
        "ai.demand_points[].mw" => {
            add(&["ai.demand_kind=piecewise"]);
            format!("ai.demand_points=[{{{AT}, mw={v}}}]")
        }
        "shocks[].factor" => format!("shocks=[{{kind=\"btc_price\", {AT}, factor={v}}}]"),
        "shocks[].usd_per_t" => format!("shocks=[{{kind=\"carbon_tax\", {AT}, usd_per_t={v}}}]"),
        "shocks[].share" => format!(
            "shocks=[{{kind=\"ban\", region=\"us\", {AT}, until=\"2026-07-01\", share={v}}}]"
        ),
        "shocks[].height" => {
            format!("shocks=[{{kind=\"difficulty_rule\", rule=\"asert\", height={v}}}]")
        }
        "firms.custom[].capacity_mw"
        | "firms.custom[].self_mining_ehs"
        | "firms.custom[].efficiency_j_per_th" => {
            let mut firm = [
                ("capacity_mw", "10".to_string()),
                ("self_mining_ehs", "0".to_string()),
                ("efficiency_j_per_th", "20".to_string()),
            ];
            firm.iter_mut().find(|f| f.0 == field).expect("a field").1 = v.to_string();
            let fields: Vec<String> = firm.iter().map(|(k, x)| format!("{k}={x}")).collect();
            format!(
                "firms.custom=[{{name=\"X\", {}, sites=[{{name=\"s\", region=\"us\", \
                 capacity_mw=1}}]}}]",
                fields.join(", ")
            )
        }
        "firms.custom[].sites[].capacity_mw" => format!(
            "firms.custom=[{{name=\"X\", capacity_mw=1e6, self_mining_ehs=0, \
             efficiency_j_per_th=20, sites=[{{name=\"s\", region=\"us\", capacity_mw={v}}}]}}]"
        ),
        _ if path.contains("[]") => panic!("{path}: add the array element it needs here"),
        _ => format!("{}={v}", path.replace('*', "us")),
    };
    let model = match path.strip_prefix("price.") {
        Some("jumps_per_year" | "jump_mean" | "jump_sd") => Some("merton"),
        Some(p) if p.starts_with("bull_") || p.starts_with("bear_") || p.starts_with("p_") => {
            Some("regime")
        }
        _ => None,
    };
    if let Some(m) = model {
        o.push(format!("price.model={m}"));
    }
    if path.starts_with("price.feedback.") && !path.ends_with("drawdown") {
        o.push("price.feedback.drawdown=0.5".into());
    }
    o.push(set);
    o
}

/// The next float above `x` (below when `up` is false).
fn next(x: f64, up: bool) -> f64 {
    if x == 0.0 {
        let tiny = f64::from_bits(1);
        return if up { tiny } else { -tiny };
    }
    let bits = x.to_bits();
    f64::from_bits(if (x > 0.0) == up { bits + 1 } else { bits - 1 })
}

/// A probe: the TOML text of the value and the value (None: not a finite number).
fn probes(k: &KeyDef) -> Vec<(String, Option<f64>)> {
    let r = k.range.expect("numeric keys have a range");
    let int = k.ty == KeyType::Integer;
    let mut values = vec![-1e308, -1.0, 0.0, 1e308];
    for (end, up) in [(r.lo, false), (r.hi, true)] {
        let v = end.value();
        values.push(v);
        if let End::Closed(_) = end {
            values.push(if int {
                v + if up { 1.0 } else { -1.0 }
            } else {
                next(v, up)
            });
        }
    }
    let mut out: Vec<(String, Option<f64>)> = ["nan", "inf", "-inf"]
        .iter()
        .map(|t| (t.to_string(), None))
        .collect();
    for v in values {
        let text = if int && v.abs() < 1e19 && v.fract() == 0.0 {
            format!("{}", v as i128)
        } else {
            format!("{v:?}")
        };
        out.push((text, Some(v)));
    }
    out
}

fn inside(k: &KeyDef, v: Option<f64>) -> bool {
    let r = k.range.expect("a range");
    match (v, k.ty) {
        (Some(v), KeyType::Integer) => {
            v.fract() == 0.0 && v.abs() < 1e19 && { r.contains_int(v as i128) }
        }
        (Some(v), _) => r.contains(v),
        (None, _) => false,
    }
}

/// Whether the error names `path` (or, with `loose`, a key of the same table).
fn names(e: &ScenarioError, path: &str, field: &str, loose: bool) -> bool {
    let table = path.split(['.', '[']).next().unwrap_or(path);
    match e {
        ScenarioError::File(FileError::Invalid { key, .. }) => {
            key == path || key.contains(field) || (loose && key.starts_with(table))
        }
        ScenarioError::File(FileError::Parse { message, .. }) => message.contains(field),
        ScenarioError::Override { spec, .. } => spec.starts_with(&format!("{path}=")),
        _ => false,
    }
}

/// Every number in the resolved scenario is finite.
fn finite(v: &toml::Value) -> bool {
    match v {
        toml::Value::Float(f) => f.is_finite(),
        toml::Value::Array(a) => a.iter().all(finite),
        toml::Value::Table(t) => t.values().all(finite),
        _ => true,
    }
}

#[test]
fn every_numeric_key_refuses_values_outside_its_range() {
    let file = Path::new("keys.toml");
    let mut covered = 0;
    let mut failures = Vec::new();
    for k in keys::all() {
        let pair = matches!(k.default, DefaultValue::Pair(_));
        if !(matches!(k.ty, KeyType::Number | KeyType::Integer) || pair) {
            continue;
        }
        covered += 1;
        let path = k.path.replace("[]", "[0]").replace('*', "us");
        for (text, v) in probes(k) {
            let value = if pair {
                format!("[{text}, {text}]")
            } else {
                text
            };
            let o = overrides(k.path, &value);
            let ok = inside(k, v);
            let what = format!("{} = {value} ({})", k.path, o.join(" "));
            match Scenario::from_toml(BASE, file, &o) {
                Ok(sc) if ok => {
                    let resolved: toml::Value = toml::from_str(&sc.resolved_toml()).unwrap();
                    if !finite(&resolved) {
                        failures.push(format!("{what}: a resolved number is not finite"));
                    }
                }
                Ok(_) => failures.push(format!("{what}: accepted outside {}", k.allowed())),
                Err(e) if names(&e, &path, k.name(), ok) => {}
                Err(e) => failures.push(format!("{what}: refused without naming it: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every number the scenario format has (the count grows with the format).
    assert!(covered >= 120, "{covered} keys");
    eprintln!("{covered} numeric keys probed");
}
