//! Stage two of loading a sweep: checks every key of the [`RawSweep`] against what is
//! allowed, generates the design's points and validates the scenario of every point.

use std::fmt;
use std::path::Path;

use rayon::prelude::*;

use super::design::{self, AxisSpec, ParamType, ParamValue};
use super::paths::{self, KeyType};
use super::raw::{DesignKind, RawAxis, RawSweep};
use super::{replicate_seed, sobol, Axis, Sweep, SweepError, ID_COLUMNS, MAX_RUNS, MAX_SOBOL_N};
use crate::engine::SimulationBuilder;
use crate::scenario::{folder_name, FileError, Scenario, NAME_ALLOWED};

mod axis;
use axis::validate_axis;

struct Cx<'a> {
    file: &'a Path,
}

impl Cx<'_> {
    fn invalid(
        &self,
        key: impl Into<String>,
        value: impl ToString,
        allowed: impl Into<String>,
    ) -> SweepError {
        SweepError::File(FileError::Invalid {
            file: self.file.to_path_buf(),
            key: key.into(),
            value: value.to_string(),
            allowed: allowed.into(),
        })
    }
}

fn is_power_of_two(n: u64) -> bool {
    n != 0 && n & (n - 1) == 0
}

/// Flattens `[set]` into `(path, value)` pairs: nested tables become dotted paths (an empty
/// one stays a pair, for the caller to reject).
fn flatten(prefix: &str, table: &toml::Table, out: &mut Vec<(String, toml::Value)>) {
    for (k, v) in table {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            toml::Value::Table(t) if !t.is_empty() && paths::lookup(&path).is_none() => {
                flatten(&path, t, out)
            }
            _ => out.push((path, v.clone())),
        }
    }
}

/// Checks that `path` names a scenario key; the error suggests the nearest one.
fn check_path(cx: &Cx, key: &str, path: &str) -> Result<&'static paths::KeyPath, SweepError> {
    paths::lookup(path).ok_or_else(|| {
        cx.invalid(
            key,
            format!("{path:?}"),
            format!(
                "not a scenario key path (`hashshift schema` lists them); did you mean `{}`?",
                paths::nearest(path)
            ),
        )
    })
}

/// A TOML value of an axis as a typed parameter value.
fn typed(v: &toml::Value, ty: KeyType) -> Option<ParamValue> {
    match (ty, v) {
        (KeyType::Number, toml::Value::Float(f)) if f.is_finite() => Some(ParamValue::F64(*f)),
        (KeyType::Number, toml::Value::Integer(i)) => Some(ParamValue::F64(*i as f64)),
        (KeyType::Integer, toml::Value::Integer(i)) => Some(ParamValue::I64(*i)),
        (KeyType::Boolean, toml::Value::Boolean(b)) => Some(ParamValue::Bool(*b)),
        (KeyType::String, toml::Value::String(s)) => Some(ParamValue::Utf8(s.clone())),
        _ => None,
    }
}

fn type_name(ty: KeyType) -> &'static str {
    match ty {
        KeyType::Number => "a number",
        KeyType::Integer => "an integer",
        KeyType::Boolean => "true or false",
        KeyType::String => "a string",
        KeyType::Array => "an array",
        KeyType::Other => "a table",
    }
}

pub(super) fn validate(raw: RawSweep, file: &Path) -> Result<Sweep, SweepError> {
    let cx = Cx { file };
    let name = folder_name(raw.name.as_deref(), file, "sweep")
        .map_err(|name| cx.invalid("name", format!("{name:?}"), NAME_ALLOWED))?;
    let seed = raw.seed.unwrap_or(1);
    if seed > i64::MAX as u64 {
        return Err(cx.invalid("seed", seed, "must be in [0, 2^63-1]"));
    }

    // Base scenario and [set].
    let rel = raw.scenario.as_deref().ok_or_else(|| {
        cx.invalid(
            "scenario",
            "(missing)",
            "a sweep needs its base scenario: scenario = \"path/to/scenario.toml\" (relative to the sweep file)",
        )
    })?;
    let base_file = file.parent().unwrap_or_else(|| Path::new(".")).join(rel);
    let base_text = crate::storage::read_text(&base_file).map_err(|e| {
        cx.invalid(
            "scenario",
            format!("{rel:?}"),
            format!("cannot read {}: {e}", base_file.display()),
        )
    })?;
    let mut set_pairs = Vec::new();
    flatten(
        "",
        raw.set.as_ref().unwrap_or(&toml::Table::new()),
        &mut set_pairs,
    );
    let mut set = Vec::with_capacity(set_pairs.len());
    for (path, value) in &set_pairs {
        let key = format!("set.{path}");
        if matches!(value, toml::Value::Table(t) if t.is_empty()) {
            return Err(cx.invalid(
                key,
                "{}",
                "an empty table sets nothing; set one of its keys (an optional table such as \
                 fees.spikes is on once one of its keys is set, the others at their defaults)",
            ));
        }
        check_path(&cx, &key, path)?;
        if path == "seed" {
            return Err(cx.invalid(
                key,
                value,
                "a sweep sets each run's seed from [replicates]; remove it from [set]",
            ));
        }
        set.push(format!("{path}={value}"));
    }
    let base_with_set = Scenario::from_toml(&base_text, &base_file, &set);

    // Replicates.
    let seeds: Vec<u64> = match (&raw.replicates.count, &raw.replicates.seeds) {
        (Some(_), Some(_)) => {
            return Err(cx.invalid(
                "replicates.count",
                raw.replicates.count.unwrap_or_default(),
                "give either `count` (derived seeds) or `seeds` (explicit), not both",
            ))
        }
        (None, Some(seeds)) => {
            if seeds.is_empty() {
                return Err(cx.invalid("replicates.seeds", "[]", "at least one seed"));
            }
            for (i, s) in seeds.iter().enumerate() {
                if *s > i64::MAX as u64 {
                    return Err(cx.invalid(
                        format!("replicates.seeds[{i}]"),
                        s,
                        "must be in [0, 2^63-1]",
                    ));
                }
                if seeds[..i].contains(s) {
                    return Err(cx.invalid(
                        format!("replicates.seeds[{i}]"),
                        s,
                        "seeds must not repeat (a repeated seed repeats the run)",
                    ));
                }
            }
            seeds.clone()
        }
        (count, None) => {
            let n = count.unwrap_or(1);
            if !(1..=MAX_RUNS).contains(&n) {
                return Err(cx.invalid(
                    "replicates.count",
                    n,
                    format!("must be in [1, {MAX_RUNS}]"),
                ));
            }
            (0..n).map(|r| replicate_seed(seed, r)).collect()
        }
    };

    // Axes.
    let kind = raw.design.kind.unwrap_or_default();
    let sampled = kind != DesignKind::Grid;
    let kind_name = format!("{kind:?}").to_lowercase();
    let mut axes: Vec<Axis> = Vec::with_capacity(raw.axis.len());
    for (i, a) in raw.axis.iter().enumerate() {
        let axis = validate_axis(&cx, i, a, sampled, &kind_name)?;
        let key = format!("axis[{i}].path");
        if let Some(j) = axes.iter().position(|b| b.path == axis.path) {
            return Err(cx.invalid(
                key,
                format!("{:?}", axis.path),
                format!("axis[{j}] already sweeps it"),
            ));
        }
        if set_pairs.iter().any(|(p, _)| *p == axis.path) {
            return Err(cx.invalid(
                key,
                format!("{:?}", axis.path),
                "it is also fixed in [set]; remove one",
            ));
        }
        let reserved = ID_COLUMNS
            .iter()
            .copied()
            .chain(
                crate::output::summary_schema()
                    .fields()
                    .iter()
                    .map(|f| f.name().as_str()),
            )
            .any(|c| c.eq_ignore_ascii_case(&axis.column));
        // Case-insensitive: SQL engines (DuckDB, Spark) and pandas users fold `Blocks` and
        // `blocks` to one column.
        if reserved
            || axes
                .iter()
                .any(|b| b.column.eq_ignore_ascii_case(&axis.column))
        {
            return Err(cx.invalid(
                format!("axis[{i}].name"),
                format!("{:?}", axis.column),
                "column name already used by the runs table or another axis (names are compared \
                 ignoring case); set another `name`",
            ));
        }
        axes.push(axis);
    }

    // Design.
    let d = &raw.design;
    let unused = |key: &str, v: &dyn fmt::Display, why: &str| {
        cx.invalid(format!("design.{key}"), v, why.to_string())
    };
    if !sampled {
        if let Some(s) = d.samples {
            return Err(unused("samples", &s, "a grid has no `samples` (its size is the product of the axes); use kind = \"random\", \"lhs\" or \"sobol\""));
        }
    }
    if kind != DesignKind::Sobol {
        if let Some(v) = d.second_order {
            return Err(unused(
                "second_order",
                &v,
                "only used with kind = \"sobol\"; remove it",
            ));
        }
        if let Some(v) = d.skip {
            return Err(unused(
                "skip",
                &v,
                "only used with kind = \"sobol\"; remove it",
            ));
        }
    }
    let samples = if sampled {
        if axes.is_empty() {
            return Err(cx.invalid(
                "axis",
                "[]",
                format!("a {kind_name} design needs at least one [[axis]] with min and max"),
            ));
        }
        let max = if kind == DesignKind::Sobol {
            MAX_SOBOL_N
        } else {
            MAX_RUNS
        };
        let s = d.samples.ok_or_else(|| {
            cx.invalid(
                "design.samples",
                "(missing)",
                format!("a {kind_name} design needs `samples`"),
            )
        })?;
        if !(1..=max).contains(&s) {
            return Err(cx.invalid("design.samples", s, format!("must be in [1, {max}]")));
        }
        if kind == DesignKind::Sobol && !is_power_of_two(s) {
            let lo = 1u64 << (63 - s.leading_zeros());
            return Err(cx.invalid(
                "design.samples",
                s,
                format!(
                    "a Sobol design needs a power of two (the Sobol' sequence balances only \
                     at powers of two; SALib requires it too), e.g. {lo} or {}",
                    lo * 2
                ),
            ));
        }
        s as usize
    } else {
        0
    };
    let second_order = d.second_order.unwrap_or(true);
    let skip = d.skip.unwrap_or(0);
    if kind == DesignKind::Sobol {
        if skip != 0 && !is_power_of_two(skip) {
            return Err(cx.invalid("design.skip", skip, "0 or a power of two"));
        }
        if 2 * axes.len() > sobol::MAX_DIMS {
            return Err(cx.invalid(
                "axis",
                format!("{} axes", axes.len()),
                format!("a Sobol design takes at most {} axes", sobol::MAX_DIMS / 2),
            ));
        }
    }
    let unit_points = |u: Vec<Vec<f64>>| -> Vec<Vec<ParamValue>> {
        u.into_iter()
            .map(|row| {
                row.iter()
                    .zip(&axes)
                    .map(|(&u, a)| match a.spec {
                        AxisSpec::Bounds { min, max } => design::scale(u, min, max, a.ty),
                        _ => unreachable!("sampled designs have bounds axes"),
                    })
                    .collect()
            })
            .collect()
    };
    // The design draws use their own stream, not a replicate's.
    let design_seed = {
        let mut s = seed ^ 0x5EED_DE51_6000_0000;
        crate::engine::rng::splitmix64(&mut s)
    };
    let per_point = if second_order {
        2 * axes.len() + 2
    } else {
        axes.len() + 2
    };
    let n_points = match kind {
        DesignKind::Grid => axes.iter().fold(1u64, |acc, a| {
            let n = match &a.spec {
                AxisSpec::Values(v) => v.len() as u64,
                AxisSpec::Range { from, to, step } => {
                    design::range_len(*from, *to, *step).unwrap_or(0)
                }
                AxisSpec::Bounds { .. } => 0,
            };
            acc.saturating_mul(n)
        }),
        DesignKind::Sobol => samples as u64 * per_point as u64,
        _ => samples as u64,
    };
    let n_runs = n_points.saturating_mul(seeds.len() as u64);
    if n_runs > MAX_RUNS {
        return Err(cx.invalid(
            "design",
            format!(
                "{n_points} points x {} replicates = {n_runs} runs",
                seeds.len()
            ),
            format!("at most {MAX_RUNS} runs per sweep; split it into several sweeps"),
        ));
    }
    let points = match kind {
        DesignKind::Grid => design::grid(
            &axes
                .iter()
                .map(|a| match &a.spec {
                    AxisSpec::Values(v) => v.clone(),
                    AxisSpec::Range { from, to, step } => design::range_values(*from, *to, *step)
                        .into_iter()
                        .map(|x| match a.ty {
                            ParamType::I64 => ParamValue::I64(x.round() as i64),
                            _ => ParamValue::F64(x),
                        })
                        .collect(),
                    AxisSpec::Bounds { .. } => unreachable!("grid axes have values"),
                })
                .collect::<Vec<_>>(),
        ),
        DesignKind::Random => unit_points(design::random_unit(samples, axes.len(), design_seed)),
        DesignKind::Lhs => unit_points(design::lhs_unit(samples, axes.len(), design_seed)),
        DesignKind::Sobol => {
            unit_points(design::sobol_unit(samples, axes.len(), second_order, skip))
        }
    };
    let design_params = match kind {
        DesignKind::Grid => serde_json::json!({ "kind": "grid" }),
        DesignKind::Random | DesignKind::Lhs => {
            serde_json::json!({ "kind": kind_name, "samples": samples })
        }
        DesignKind::Sobol => serde_json::json!({
            "kind": "sobol", "samples": samples, "second_order": second_order, "skip": skip,
            "order": "SALib: per base sample A, AB_1..AB_D, [BA_1..BA_D,] B",
        }),
    };

    let sweep = Sweep {
        file: file.to_path_buf(),
        name,
        description: raw.description.clone(),
        seed,
        base_file,
        base_text,
        set,
        base_resolved: String::new(),
        data_files: Vec::new(),
        design: kind,
        design_params,
        axes,
        points,
        seeds,
    };
    // The base with [set] can be invalid where every point is valid (an axis over
    // firms.count beyond the base's network.sites, which [set] lowers): the manifest then
    // holds the base resolved at the first point, and the points are all checked below.
    let base = base_with_set
        .or_else(|e| {
            if sweep.axes.is_empty() || sweep.points.is_empty() {
                return Err(e);
            }
            let mut first = sweep.set.clone();
            first.extend(sweep.point_overrides(0));
            Scenario::from_toml(&sweep.base_text, &sweep.base_file, &first).map_err(|_| e)
        })
        .map_err(|source| SweepError::Scenario {
            file: file.to_path_buf(),
            context: "the base scenario with [set]".into(),
            source: Box::new(source),
        })?;
    // Every point must give a valid scenario (the seed is the only per-replicate change and
    // replicate seeds are in range), so the sweep cannot fail on bad input once started.
    // The data files they read go into the sweep's hash.
    // Each point's simulation is built too (its first replicate; building generates the
    // network and its firms, a tenth of a second for the baseline), so what only the built
    // network reveals (no machine profitable at the start) is refused before anything is
    // written, not after the first runs.
    let mut data_files = base.data_files.clone();
    let context = |p: usize| format!("point {p} ({})", sweep.describe_point(p));
    let scenarios = (0..sweep.points.len())
        .map(|p| {
            sweep
                .scenario(p as u64 * sweep.seeds.len() as u64)
                .map_err(|source| SweepError::Scenario {
                    file: file.to_path_buf(),
                    context: context(p),
                    source: Box::new(source),
                })
        })
        .collect::<Result<Vec<_>, _>>()?;
    // In parallel, the first failing point (in point order) reported.
    scenarios
        .par_iter()
        .enumerate()
        .map(|(p, sc)| {
            SimulationBuilder::new(sc)
                .build()
                .map(drop)
                .map_err(|e| SweepError::Simulation {
                    file: file.to_path_buf(),
                    context: context(p),
                    message: e.to_string(),
                })
        })
        .collect::<Vec<_>>()
        .into_iter()
        .collect::<Result<Vec<()>, _>>()?;
    for sc in scenarios {
        data_files.extend(sc.data_files);
    }
    data_files.sort();
    data_files.dedup();
    Ok(Sweep {
        data_files,
        base_resolved: base.resolved_toml(),
        ..sweep
    })
}
