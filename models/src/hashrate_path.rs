//! Exogenous network hashrate paths.
//!
//! Until firms supply hashrate (and afterwards, for studies of a difficulty rule's response
//! to a *given* path), the network hashrate is a function of simulated time. The engine is
//! exact for piecewise-constant hashrate (see `hashshift::engine`), so every path is stored
//! as a right-continuous step function
//!
//! ```text
//! H(t) = v_k   for t_k <= t < t_{k+1},      H(t) = v_0 for t < t_0,
//! ```
//!
//! with `t` in seconds since the scenario start and `H` in hashes per second. Linear ramps are
//! discretized into steps of a fixed width (each step holds the ramp's value at the step's
//! midpoint, so the work done over the ramp equals the linear ramp's to within rounding of the
//! last partial step).

use std::fmt;

/// One exa-hash per second, in H/s.
pub const EH_PER_S: f64 = 1e18;
/// One tera-hash per second, in H/s.
pub const TH_PER_S: f64 = 1e12;

/// Why a hashrate path could not be built.
#[derive(Debug, Clone, PartialEq)]
pub enum PathError {
    /// The path has no points.
    Empty,
    /// A hashrate value is negative, NaN or infinite.
    BadValue {
        /// Index of the offending point.
        index: usize,
        /// The value, H/s.
        value: f64,
    },
    /// A time is not finite or not strictly after the previous one.
    BadTime {
        /// Index of the offending point.
        index: usize,
        /// The time, seconds since scenario start.
        time: f64,
    },
    /// A ramp step width is not a finite positive number.
    BadRampStep(f64),
}

impl fmt::Display for PathError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PathError::Empty => write!(f, "the hashrate path has no points"),
            PathError::BadValue { index, value } => write!(
                f,
                "point {index}: hashrate {value} H/s is not allowed (must be finite and >= 0)"
            ),
            PathError::BadTime { index, time } => write!(
                f,
                "point {index}: time {time} s is not strictly after the previous point"
            ),
            PathError::BadRampStep(w) => {
                write!(f, "ramp step {w} s is not allowed (must be finite and > 0)")
            }
        }
    }
}

impl std::error::Error for PathError {}

/// How the path gets from the previous point to a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment {
    /// Jump to the point's value at the point's time.
    Step,
    /// Move linearly from the previous point's value to this point's value, reaching it at
    /// this point's time.
    Ramp,
}

/// A piecewise-constant hashrate path (H/s against seconds since scenario start).
#[derive(Debug, Clone, PartialEq)]
pub struct HashratePath {
    times: Vec<f64>,
    values: Vec<f64>,
}

fn check_value(index: usize, value: f64) -> Result<(), PathError> {
    if value.is_finite() && value >= 0.0 {
        Ok(())
    } else {
        Err(PathError::BadValue { index, value })
    }
}

impl HashratePath {
    /// A constant hashrate `h` (H/s).
    pub fn constant(h: f64) -> Result<Self, PathError> {
        check_value(0, h)?;
        Ok(Self {
            times: vec![0.0],
            values: vec![h],
        })
    }

    /// A step function from `(time_s, hashrate_hs)` points: the hashrate is `v_k` from
    /// `t_k` until the next point; before the first point it is the first value.
    pub fn steps(points: &[(f64, f64)]) -> Result<Self, PathError> {
        Self::build(points.iter().map(|&(t, v)| (t, v, Segment::Step)), 1.0)
    }

    /// A path from points that are reached by a step or a linear ramp; ramps are discretized
    /// into steps of `ramp_step_s` seconds.
    pub fn build(
        points: impl IntoIterator<Item = (f64, f64, Segment)>,
        ramp_step_s: f64,
    ) -> Result<Self, PathError> {
        if !(ramp_step_s.is_finite() && ramp_step_s > 0.0) {
            return Err(PathError::BadRampStep(ramp_step_s));
        }
        let mut times: Vec<f64> = Vec::new();
        let mut values: Vec<f64> = Vec::new();
        for (index, (t, v, seg)) in points.into_iter().enumerate() {
            check_value(index, v)?;
            let prev = times.last().copied();
            if !t.is_finite() || prev.is_some_and(|p| t <= p) {
                return Err(PathError::BadTime { index, time: t });
            }
            match (seg, prev) {
                (Segment::Ramp, Some(t0)) => {
                    let v0 = *values.last().expect("times and values have equal length");
                    // Steps [t0 + k w, t0 + (k+1) w) hold the ramp's value at their midpoint.
                    // The first one replaces the flat value the previous point set.
                    let span = t - t0;
                    let n = (span / ramp_step_s).ceil().max(1.0) as usize;
                    values.pop();
                    times.pop();
                    for k in 0..n {
                        let a = t0 + k as f64 * ramp_step_s;
                        let b = (a + ramp_step_s).min(t);
                        let mid = 0.5 * (a + b);
                        times.push(a);
                        values.push(v0 + (v - v0) * (mid - t0) / span);
                    }
                    times.push(t);
                    values.push(v);
                }
                _ => {
                    times.push(t);
                    values.push(v);
                }
            }
        }
        if times.is_empty() {
            return Err(PathError::Empty);
        }
        Ok(Self { times, values })
    }

    /// Hashrate at time `t` (H/s).
    pub fn value_at(&self, t: f64) -> f64 {
        self.values[self.index_at(t)]
    }

    /// Index of the step in force at `t`.
    pub fn index_at(&self, t: f64) -> usize {
        // Number of breakpoints <= t, minus one; clamp to 0 for t before the first point.
        self.times.partition_point(|&x| x <= t).saturating_sub(1)
    }

    /// Breakpoint times, seconds since scenario start.
    pub fn times(&self) -> &[f64] {
        &self.times
    }

    /// Values of the steps, H/s.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// Number of steps.
    pub fn len(&self) -> usize {
        self.times.len()
    }

    /// Always false: a path has at least one step.
    pub fn is_empty(&self) -> bool {
        self.times.is_empty()
    }

    /// Total hashes done over `[a, b)` (a <= b), by exact integration of the step function.
    pub fn work_between(&self, a: f64, b: f64) -> f64 {
        let mut total = 0.0;
        let mut t = a;
        let mut k = self.index_at(a);
        while t < b {
            let end = self
                .times
                .get(k + 1)
                .copied()
                .unwrap_or(f64::INFINITY)
                .min(b);
            total += self.values[k] * (end - t);
            t = end;
            k += 1;
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_path() {
        let p = HashratePath::constant(5.0).unwrap();
        assert_eq!(p.value_at(-1.0), 5.0);
        assert_eq!(p.value_at(1e9), 5.0);
        assert!(HashratePath::constant(-1.0).is_err());
        assert!(HashratePath::constant(f64::NAN).is_err());
    }

    #[test]
    fn steps_are_right_continuous() {
        let p = HashratePath::steps(&[(0.0, 10.0), (100.0, 5.0), (200.0, 0.0)]).unwrap();
        assert_eq!(p.value_at(-5.0), 10.0);
        assert_eq!(p.value_at(99.999), 10.0);
        assert_eq!(p.value_at(100.0), 5.0);
        assert_eq!(p.value_at(250.0), 0.0);
        assert_eq!(p.work_between(50.0, 150.0), 50.0 * 10.0 + 50.0 * 5.0);
    }

    #[test]
    fn rejects_unordered_or_bad_points() {
        assert_eq!(
            HashratePath::steps(&[(0.0, 1.0), (0.0, 2.0)]),
            Err(PathError::BadTime {
                index: 1,
                time: 0.0
            })
        );
        assert!(matches!(
            HashratePath::steps(&[(0.0, 1.0), (1.0, -2.0)]),
            Err(PathError::BadValue { index: 1, .. })
        ));
        assert_eq!(HashratePath::steps(&[]), Err(PathError::Empty));
        assert!(HashratePath::build([(0.0, 1.0, Segment::Step)], 0.0).is_err());
    }

    #[test]
    fn ramp_conserves_work_and_hits_endpoints() {
        let p = HashratePath::build(
            [(0.0, 100.0, Segment::Step), (1000.0, 200.0, Segment::Ramp)],
            30.0,
        )
        .unwrap();
        // Linear ramp integral = 1000 * 150.
        let w = p.work_between(0.0, 1000.0);
        assert!((w - 150_000.0).abs() < 1e-6, "{w}");
        assert_eq!(p.value_at(1000.0), 200.0);
        assert!(p.value_at(0.0) > 100.0 && p.value_at(0.0) < 102.0);
        // Monotone between endpoints.
        let vals = p.values();
        assert!(vals.windows(2).all(|w| w[1] >= w[0]));
    }
}
