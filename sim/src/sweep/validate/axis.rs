//! One axis of a sweep: its key path, its type, and its values (`values`, `from`/`to`/`step`,
//! or the bounds a sampled design draws between).

use super::*;

pub(super) fn validate_axis(
    cx: &Cx,
    i: usize,
    a: &RawAxis,
    sampled: bool,
    kind: &str,
) -> Result<Axis, SweepError> {
    let key = |k: &str| format!("axis[{i}].{k}");
    let path = a.path.clone().ok_or_else(|| {
        cx.invalid(
            key("path"),
            "(missing)",
            "every axis needs `path`, a scenario key path such as \"price.sigma\"",
        )
    })?;
    let kp = check_path(cx, &key("path"), &path)?;
    if path == "seed" {
        return Err(cx.invalid(
            key("path"),
            "\"seed\"",
            "seeds come from [replicates] (common random numbers); sweep another key",
        ));
    }
    let ty = match kp.ty {
        KeyType::Number => ParamType::F64,
        KeyType::Integer => ParamType::I64,
        KeyType::Boolean => ParamType::Bool,
        KeyType::String => ParamType::Utf8,
        KeyType::Array | KeyType::Other => {
            return Err(cx.invalid(
                key("path"),
                format!("{path:?}"),
                format!(
                    "{} is {}; axes sweep single values (set whole arrays in [set])",
                    path,
                    type_name(kp.ty)
                ),
            ))
        }
    };
    let column = a.name.clone().unwrap_or_else(|| path.replace('.', "_"));
    if column.is_empty()
        || !column
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
    {
        return Err(cx.invalid(
            key("name"),
            format!("{column:?}"),
            "letters, digits and '_' only",
        ));
    }
    let has_range = a.from.is_some() || a.to.is_some() || a.step.is_some();
    let has_bounds = a.min.is_some() || a.max.is_some();
    let given = [a.values.is_some(), has_range, has_bounds]
        .iter()
        .filter(|b| **b)
        .count();
    if given != 1 {
        return Err(cx.invalid(
            key("values"),
            if given == 0 { "(missing)" } else { "(several)" },
            "give exactly one of `values = [...]`, `from`/`to`/`step` (grid) or `min`/`max` (random, lhs, sobol)",
        ));
    }
    let numeric = matches!(ty, ParamType::F64 | ParamType::I64);
    // `what` needs a numeric key: refused at `k` (given as `v`).
    let not_numeric = |k: &str, v: Option<f64>, what: &str| {
        cx.invalid(
            key(k),
            v.unwrap_or_default(),
            format!(
                "{what} need a numeric key; {path} takes {}",
                type_name(kp.ty)
            ),
        )
    };
    let spec = if let Some(values) = &a.values {
        if sampled {
            return Err(cx.invalid(key("values"), "[...]", format!("a {kind} design samples `min`/`max` intervals; explicit values belong to kind = \"grid\"")));
        }
        if values.is_empty() {
            return Err(cx.invalid(key("values"), "[]", "at least one value"));
        }
        let mut out = Vec::with_capacity(values.len());
        for (j, v) in values.iter().enumerate() {
            let t = typed(v, kp.ty).ok_or_else(|| {
                cx.invalid(
                    format!("axis[{i}].values[{j}]"),
                    v,
                    format!("{path} takes {}", type_name(kp.ty)),
                )
            })?;
            if out.contains(&t) {
                return Err(cx.invalid(
                    format!("axis[{i}].values[{j}]"),
                    v,
                    "values must not repeat",
                ));
            }
            out.push(t);
        }
        AxisSpec::Values(out)
    } else if has_range {
        if sampled {
            return Err(cx.invalid(key("from"), a.from.unwrap_or_default(), format!("a {kind} design samples `min`/`max` intervals; ranges belong to kind = \"grid\"")));
        }
        if !numeric {
            return Err(not_numeric("from", a.from, "ranges"));
        }
        let need = |k: &str, v: Option<f64>| {
            v.ok_or_else(|| {
                cx.invalid(key(k), "(missing)", "a range needs `from`, `to` and `step`")
            })
        };
        let (from, to, step) = (
            need("from", a.from)?,
            need("to", a.to)?,
            need("step", a.step)?,
        );
        for (k, v) in [("from", from), ("to", to)] {
            if !v.is_finite() {
                return Err(cx.invalid(key(k), v, "`from` and `to` must be finite"));
            }
        }
        if step == 0.0 || !step.is_finite() {
            return Err(cx.invalid(key("step"), step, "must be a non-zero finite number"));
        }
        match design::range_len(from, to, step) {
            None => {
                return Err(cx.invalid(
                    key("step"),
                    step,
                    format!(
                    "must point from `from` = {from} towards `to` = {to} (use a step of sign {})",
                    if to >= from { "+" } else { "-" }
                ),
                ))
            }
            Some(n) if n > MAX_RUNS => {
                return Err(cx.invalid(
                    key("step"),
                    step,
                    format!("gives {n} values; at most {MAX_RUNS}"),
                ))
            }
            Some(_) => {}
        }
        if ty == ParamType::I64 && [from, to, step].iter().any(|x| x.fract() != 0.0) {
            return Err(cx.invalid(
                key("step"),
                step,
                format!("{path} takes integers: `from`, `to` and `step` must be whole numbers"),
            ));
        }
        AxisSpec::Range { from, to, step }
    } else {
        if !sampled {
            return Err(cx.invalid(key("min"), a.min.unwrap_or_default(), "`min`/`max` are for kind = \"random\", \"lhs\" or \"sobol\" designs; a grid takes `values` or `from`/`to`/`step`"));
        }
        if !numeric {
            return Err(not_numeric("min", a.min, "sampled designs"));
        }
        let need = |k: &str, v: Option<f64>| {
            v.ok_or_else(|| cx.invalid(key(k), "(missing)", "a sampled axis needs `min` and `max`"))
        };
        let (min, max) = (need("min", a.min)?, need("max", a.max)?);
        if !(min.is_finite() && max.is_finite() && max > min) {
            return Err(cx.invalid(
                key("max"),
                max,
                format!("must be finite and greater than `min` = {min}"),
            ));
        }
        if ty == ParamType::I64 && (min.fract() != 0.0 || max.fract() != 0.0) {
            return Err(cx.invalid(
                key("min"),
                min,
                format!("{path} takes integers: `min` and `max` must be whole numbers"),
            ));
        }
        AxisSpec::Bounds { min, max }
    };
    Ok(Axis {
        path,
        column,
        ty,
        spec,
    })
}
