//! Designs: how the axes become parameter points.
//!
//! * `grid`: the full factorial product of each axis's values (explicit `values`, or a
//!   `from`/`to`/`step` range with both ends included), first axis slowest (as
//!   `itertools.product`).
//! * `random`: `samples` points uniform in the `min`/`max` box.
//! * `lhs`: a Latin hypercube of `samples` points: in every dimension each of the `samples`
//!   equal strata holds exactly one point, at a uniform position inside it.
//! * `sobol`: Saltelli's cross-sampling of the Sobol' sequence in SALib's order (see
//!   [`super::sobol::saltelli`]), `N (2D + 2)` points with second-order indices, `N (D + 2)`
//!   without.
//!
//! Sampled designs map a unit coordinate `u` to `min + u (max - min)` for a number key and to
//! `min + floor(u (max - min + 1))` (capped at `max`) for an integer key.
//! `random` and `lhs` draw from one ChaCha8 stream keyed by the sweep seed (point by point,
//! axis by axis for `random`; axis by axis, a permutation then the jitters, for `lhs`).

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use super::sobol;

/// The type of a parameter column in the `runs` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ParamType {
    /// Float64.
    F64,
    /// Int64.
    I64,
    /// Boolean.
    Bool,
    /// Utf8.
    Utf8,
}

impl ParamType {
    /// Every type, in declaration order.
    pub const ALL: [ParamType; 4] = [
        ParamType::F64,
        ParamType::I64,
        ParamType::Bool,
        ParamType::Utf8,
    ];

    /// Short name (`f64`, `i64`, `bool`, `utf8`).
    pub fn name(self) -> &'static str {
        match self {
            ParamType::F64 => "f64",
            ParamType::I64 => "i64",
            ParamType::Bool => "bool",
            ParamType::Utf8 => "utf8",
        }
    }
}

/// One parameter value.
#[derive(Debug, Clone, PartialEq)]
pub enum ParamValue {
    /// A number.
    F64(f64),
    /// An integer.
    I64(i64),
    /// A flag.
    Bool(bool),
    /// Text.
    Utf8(String),
}

impl ParamValue {
    /// The value as a TOML value (what `--set key=value` receives).
    pub fn to_toml(&self) -> toml::Value {
        match self {
            ParamValue::F64(v) => toml::Value::Float(*v),
            ParamValue::I64(v) => toml::Value::Integer(*v),
            ParamValue::Bool(v) => toml::Value::Boolean(*v),
            ParamValue::Utf8(v) => toml::Value::String(v.clone()),
        }
    }
}

impl std::fmt::Display for ParamValue {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParamValue::Utf8(s) => f.write_str(s),
            v => write!(f, "{}", v.to_toml()),
        }
    }
}

/// What an axis gives.
#[derive(Debug, Clone, PartialEq)]
pub enum AxisSpec {
    /// grid: these values.
    Values(Vec<ParamValue>),
    /// grid: `from`, `from + step`, ... up to `to`.
    Range {
        /// First value.
        from: f64,
        /// Last value (included when on a step).
        to: f64,
        /// Step (non-zero).
        step: f64,
    },
    /// Sampled designs: the interval.
    Bounds {
        /// Lower bound.
        min: f64,
        /// Upper bound.
        max: f64,
    },
}

/// The values of a range: `from + i step` for `i = 0..n`, `n = floor((to - from) / step +
/// 1e-9) + 1` (so `to` is included despite float rounding of the step), each rounded to 15
/// significant digits (the binary noise of the sum goes: 0.1 + 2 x 0.1 gives 0.3, not
/// 0.30000000000000004) and never past `to` (so the last value is `to` itself when the step
/// lands on it, and a range ending at an allowed bound stays inside it).
pub fn range_values(from: f64, to: f64, step: f64) -> Vec<f64> {
    let n = ((to - from) / step + 1e-9).floor() as u64 + 1;
    (0..n)
        .map(|i| {
            let v = round_to_15_digits(from + i as f64 * step);
            if step > 0.0 {
                v.min(to)
            } else {
                v.max(to)
            }
        })
        .collect()
}

/// `x` rounded to 15 significant decimal digits (the precision every `f64` round-trips).
fn round_to_15_digits(x: f64) -> f64 {
    format!("{x:.14e}").parse().unwrap_or(x)
}

/// Number of values a range gives, or `None` if `step` is zero, points away from `to`, or
/// any bound is not finite.
pub fn range_len(from: f64, to: f64, step: f64) -> Option<u64> {
    let q = (to - from) / step;
    (from.is_finite() && to.is_finite() && step.is_finite() && step != 0.0 && q > -1e-9)
        .then(|| (q + 1e-9).floor() as u64 + 1)
}

/// Maps a unit coordinate onto an axis of type `ty` bounded by `min`, `max`.
pub fn scale(u: f64, min: f64, max: f64, ty: ParamType) -> ParamValue {
    match ty {
        ParamType::I64 => {
            let v = min + (u * (max - min + 1.0)).floor();
            ParamValue::I64(v.min(max) as i64)
        }
        _ => ParamValue::F64(min + u * (max - min)),
    }
}

/// `samples` x `dims` uniform draws.
pub fn random_unit(samples: usize, dims: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    (0..samples)
        .map(|_| (0..dims).map(|_| rng.random::<f64>()).collect())
        .collect()
}

/// A Latin hypercube: `samples` x `dims` unit coordinates, each dimension stratified.
pub fn lhs_unit(samples: usize, dims: usize, seed: u64) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut out = vec![vec![0.0; dims]; samples];
    let n = samples as f64;
    for d in 0..dims {
        let mut perm: Vec<usize> = (0..samples).collect();
        // Fisher-Yates.
        for i in (1..samples).rev() {
            perm.swap(i, rng.random_range(0..=i));
        }
        for (row, stratum) in out.iter_mut().zip(perm) {
            row[d] = (stratum as f64 + rng.random::<f64>()) / n;
        }
    }
    out
}

/// Unit coordinates of a Saltelli/Sobol design (see [`sobol::saltelli`]).
pub fn sobol_unit(n: usize, dims: usize, second_order: bool, skip: u64) -> Vec<Vec<f64>> {
    sobol::saltelli(n, dims, second_order, skip)
}

/// The full factorial product of `axes` (first axis slowest).
pub fn grid(axes: &[Vec<ParamValue>]) -> Vec<Vec<ParamValue>> {
    let mut points: Vec<Vec<ParamValue>> = vec![Vec::new()];
    for values in axes {
        points = points
            .into_iter()
            .flat_map(|p| {
                values.iter().map(move |v| {
                    let mut q = p.clone();
                    q.push(v.clone());
                    q
                })
            })
            .collect();
    }
    points
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_include_both_ends_despite_float_steps() {
        assert_eq!(range_values(0.0, 1.0, 0.1).len(), 11);
        assert_eq!(*range_values(0.0, 1.0, 0.1).last().unwrap(), 1.0);
        assert_eq!(range_values(0.4, 0.9, 0.25), vec![0.4, 0.65, 0.9]);
        assert_eq!(range_values(3.0, 1.0, -1.0), vec![3.0, 2.0, 1.0]);
        assert_eq!(range_values(0.0, 1.0, 0.3), vec![0.0, 0.3, 0.6, 0.9]);
        // Decimal steps give the decimal values, and the last one is `to` exactly.
        assert_eq!(
            range_values(0.1, 0.7, 0.1),
            vec![0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7]
        );
        let v = range_values(0.9, 5.0, 0.05);
        assert_eq!((v.len(), *v.last().unwrap()), (83, 5.0));
        assert!(v.iter().all(|&x| x <= 5.0));
        assert_eq!(range_values(1.0, 0.1, -0.3), vec![1.0, 0.7, 0.4, 0.1]);
        assert_eq!(range_len(0.0, 1.0, 0.1), Some(11));
        assert_eq!(range_len(0.0, 1.0, 0.0), None);
        assert_eq!(range_len(0.0, 1.0, -0.1), None);
        assert_eq!(range_len(1.0, 1.0, 0.5), Some(1));
        assert_eq!(range_len(0.0, f64::INFINITY, 1.0), None);
    }

    #[test]
    fn grid_is_row_major_first_axis_slowest() {
        let a = vec![ParamValue::I64(1), ParamValue::I64(2)];
        let b = vec![
            ParamValue::Bool(false),
            ParamValue::Bool(true),
            ParamValue::Utf8("x".into()),
        ];
        let g = grid(&[a, b]);
        assert_eq!(g.len(), 6);
        assert_eq!(g[0], vec![ParamValue::I64(1), ParamValue::Bool(false)]);
        assert_eq!(g[1], vec![ParamValue::I64(1), ParamValue::Bool(true)]);
        assert_eq!(g[3], vec![ParamValue::I64(2), ParamValue::Bool(false)]);
        assert_eq!(
            grid(&[]),
            vec![Vec::<ParamValue>::new()],
            "no axes: one point"
        );
    }

    #[test]
    fn lhs_puts_one_point_in_each_stratum_of_each_dimension() {
        for n in [1, 7, 100] {
            let pts = lhs_unit(n, 4, 42);
            assert_eq!(pts.len(), n);
            for d in 0..4 {
                let mut strata: Vec<usize> =
                    pts.iter().map(|p| (p[d] * n as f64) as usize).collect();
                strata.sort_unstable();
                assert_eq!(strata, (0..n).collect::<Vec<_>>(), "n {n}, dim {d}");
            }
        }
        assert_eq!(lhs_unit(50, 3, 1), lhs_unit(50, 3, 1), "reproducible");
        assert_ne!(lhs_unit(50, 3, 1), lhs_unit(50, 3, 2));
    }

    #[test]
    fn random_is_reproducible_and_in_the_unit_cube() {
        let a = random_unit(100, 3, 9);
        assert_eq!(a, random_unit(100, 3, 9));
        assert!(a.iter().flatten().all(|u| (0.0..1.0).contains(u)));
    }

    #[test]
    fn scaling_covers_integer_bounds_evenly() {
        assert_eq!(scale(0.0, 2.0, 4.0, ParamType::I64), ParamValue::I64(2));
        assert_eq!(scale(0.34, 2.0, 4.0, ParamType::I64), ParamValue::I64(3));
        assert_eq!(scale(0.999, 2.0, 4.0, ParamType::I64), ParamValue::I64(4));
        assert_eq!(scale(0.5, 1.0, 3.0, ParamType::F64), ParamValue::F64(2.0));
    }
}
