//! Stage two for `[hashrate]`: the kind of hashrate input and, unless it is the fleet, its
//! exogenous path (constant, piecewise or CSV).

use hashshift_models::hashrate_path::{HashratePath, Segment, EH_PER_S};

use super::raw::{HashrateKeys, HashrateKind, PointKeys, RawHashrate};
use super::{csv, defaults, Ctx, ScenarioError};
use crate::calendar;

/// Resolves `[hashrate]`: its kind, and the exogenous path over `[start_unix, end_unix)`
/// (None for `kind = "fleet"`). Keys of another kind are an error.
pub(super) fn resolve(
    cx: &Ctx<'_>,
    h: &mut RawHashrate,
    start_unix: i64,
    end_unix: i64,
) -> Result<(HashrateKind, Option<HashratePath>), ScenarioError> {
    let k = HashrateKeys::DEFS;
    let kind = cx.value(&k.kind, &mut h.kind)?;
    let kind_name = match kind {
        HashrateKind::Constant => "constant",
        HashrateKind::Piecewise => "piecewise",
        HashrateKind::Csv => "csv",
        HashrateKind::Fleet => "fleet",
    };
    // Keys that belong to another kind are an error, not silently ignored.
    let debug = |v: &dyn std::fmt::Debug| format!("{v:?}");
    let kind_keys: [(&str, Option<String>, HashrateKind); 7] = [
        (
            "ehs",
            h.ehs.as_ref().map(|v| debug(v)),
            HashrateKind::Constant,
        ),
        (
            "points",
            h.points.as_ref().map(|_| "[...]".to_string()),
            HashrateKind::Piecewise,
        ),
        (
            "ramp_step_hours",
            h.ramp_step_hours.as_ref().map(|v| debug(v)),
            HashrateKind::Piecewise,
        ),
        ("csv", h.csv.as_ref().map(|v| debug(v)), HashrateKind::Csv),
        (
            "column",
            h.column.as_ref().map(|v| debug(v)),
            HashrateKind::Csv,
        ),
        (
            "date_column",
            h.date_column.as_ref().map(|v| debug(v)),
            HashrateKind::Csv,
        ),
        ("unit", h.unit.as_ref().map(|v| debug(v)), HashrateKind::Csv),
    ];
    for (key, value, owner) in kind_keys {
        if let (Some(v), true) = (value, owner != kind) {
            return Err(cx.invalid(
                format!("hashrate.{key}"),
                v,
                format!("this key is not used with hashrate.kind = \"{kind_name}\"; remove it"),
            ));
        }
    }
    let max_ehs = defaults::MAX_HASHRATE_EHS;
    let rel = |t: i64| (t - start_unix) as f64;
    let hashrate = match kind {
        HashrateKind::Fleet => None,
        HashrateKind::Constant => {
            let ehs = cx.value(&k.ehs, &mut h.ehs)?;
            Some(HashratePath::constant(ehs * EH_PER_S).expect("range-checked"))
        }
        HashrateKind::Piecewise => {
            let step_h = cx.value(&k.ramp_step_hours, &mut h.ramp_step_hours)?;
            let points = h.points.as_deref().unwrap_or_default();
            if points.is_empty() {
                return Err(cx.invalid("hashrate.points", "[]", "kind = \"piecewise\" needs at least one point { at = \"YYYY-MM-DD\", ehs = ... }"));
            }
            let mut pts = Vec::with_capacity(points.len());
            let mut prev: Option<i64> = None;
            for (i, p) in points.iter().enumerate() {
                let key = format!("hashrate.points[{i}]");
                let t = cx.date(&format!("{key}.at"), &p.at)?;
                if prev.is_some_and(|q| t <= q) {
                    return Err(cx.invalid(
                        format!("{key}.at"),
                        format!("{:?}", p.at),
                        "points must be in strictly increasing time order",
                    ));
                }
                if i == 0 && p.ramp {
                    return Err(cx.invalid(
                        format!("{key}.ramp"),
                        true,
                        "the first point cannot ramp (there is nothing to ramp from)",
                    ));
                }
                prev = Some(t);
                cx.check(&PointKeys::DEFS.ehs, &format!("{key}.ehs"), &p.ehs)?;
                let ehs = p.ehs;
                let seg = if p.ramp { Segment::Ramp } else { Segment::Step };
                pts.push((rel(t), ehs * EH_PER_S, seg));
            }
            Some(
                HashratePath::build(pts, step_h * 3600.0)
                    .map_err(|e| cx.invalid("hashrate.points", "…", e))?,
            )
        }
        HashrateKind::Csv => {
            let data = cx.required_data_file("hashrate.csv", h.csv.as_deref(), "kind = \"csv\"")?;
            let data_err = |message: String| data.err(message);
            let text = &data.text;
            let series = csv::parse_daily_series(
                text,
                h.date_column.as_deref(),
                &h.column
                    .as_deref()
                    .map_or(csv::HASHRATE_COLUMNS.to_vec(), |c| vec![c]),
                "hashrate",
                csv::Allowed::NON_NEGATIVE,
            )
            .map_err(data_err)?;
            let unit = cx.value(&k.unit, &mut h.unit)?;
            let (first, last) = (series[0].0, series[series.len() - 1].0 + calendar::DAY_S);
            if start_unix < first || end_unix > last {
                return Err(data_err(format!(
                    "it covers {} to {} but the run goes from {} to {}; move start/end inside the data",
                    calendar::format_utc(first),
                    calendar::format_utc(last),
                    calendar::format_utc(start_unix),
                    calendar::format_utc(end_unix)
                )));
            }
            let f = unit.factor();
            let pts: Vec<(f64, f64)> = series
                .iter()
                .filter(|(d, _)| *d + calendar::DAY_S > start_unix && *d < end_unix)
                .map(|&(d, v)| (rel(d), v * f))
                .collect();
            if let Some(bad) = pts.iter().find(|(_, v)| *v > max_ehs * EH_PER_S) {
                return Err(data_err(format!(
                    "hashrate {} H/s exceeds {max_ehs} EH/s; check `unit`",
                    bad.1
                )));
            }
            Some(HashratePath::steps(&pts).map_err(|e| data_err(e.to_string()))?)
        }
    };
    Ok((kind, hashrate))
}
