//! Stage one: a serde mirror of the sweep TOML. Unknown keys are rejected.

use serde::{Deserialize, Serialize};

/// A hashshift sweep file: a base scenario, fixed overrides, axes over scenario key paths, a
/// design that turns the axes into points, and replicates.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawSweep {
    /// Sweep name; names the output folder (`<out>/<name>/`). Default: the file name without
    /// `.toml`. Letters, digits, `-`, `_` and `.` only.
    pub name: Option<String>,
    /// Free text describing the sweep.
    pub description: Option<String>,
    /// The base scenario file, relative to the sweep file's folder.
    pub scenario: Option<String>,
    /// Sweep seed (0 .. 2^63-1): derives the replicate seeds (`replicates.count`) and the
    /// random and Latin hypercube draws. Default 1.
    pub seed: Option<u64>,
    /// Overrides applied to the base scenario at every point, as scenario key paths
    /// (`firms.count = 1000`, `output.blocks = false`, `[set.price] sigma = 0.5`), with the
    /// same validation as `hashshift run --set`.
    pub set: Option<toml::Table>,
    /// How the axes become points. Default: a full grid.
    #[serde(default)]
    pub design: RawDesign,
    /// The swept parameters, in column order.
    #[serde(default)]
    pub axis: Vec<RawAxis>,
    /// Replicates: every point is run once per replicate seed. Default: one derived seed.
    #[serde(default)]
    pub replicates: RawReplicates,
}

/// Design kinds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum DesignKind {
    /// Full factorial grid over `values` / `from`-`to`-`step` axes (first axis slowest).
    #[default]
    Grid,
    /// `samples` points drawn uniformly in the `min`-`max` box.
    Random,
    /// Latin hypercube of `samples` points in the `min`-`max` box.
    Lhs,
    /// Sobol' sequence with Saltelli cross-sampling, in SALib's sample order.
    Sobol,
}

/// The design.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDesign {
    /// `grid` (default), `random`, `lhs` or `sobol`.
    pub kind: Option<DesignKind>,
    /// random, lhs: number of points (1 ..= 1,000,000). sobol: N, the number of base samples,
    /// a power of two (1 ..= 2^20); the design has N x (2D + 2) points with second-order
    /// indices, N x (D + 2) without.
    pub samples: Option<u64>,
    /// sobol: also sample for second-order indices (SALib `calc_second_order`). Default true.
    pub second_order: Option<bool>,
    /// sobol: leading points of the Sobol' sequence to skip (SALib `skip_values`), 0 or a power
    /// of two. Default 0.
    pub skip: Option<u64>,
}

/// One swept parameter.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawAxis {
    /// Scenario key path, as for `hashshift run --set` (e.g. `price.sigma`).
    pub path: Option<String>,
    /// Column name in the `runs` table. Default: the path with `.` replaced by `_`.
    pub name: Option<String>,
    /// grid: explicit values.
    pub values: Option<Vec<toml::Value>>,
    /// grid: first value of a range.
    pub from: Option<f64>,
    /// grid: last value of a range (included when it falls on a step, within 1e-9 steps).
    pub to: Option<f64>,
    /// grid: range step (non-zero, pointing from `from` towards `to`).
    pub step: Option<f64>,
    /// random, lhs, sobol: lower bound.
    pub min: Option<f64>,
    /// random, lhs, sobol: upper bound (> min).
    pub max: Option<f64>,
}

/// Replicates: explicit seeds, or a count of seeds derived from the sweep seed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawReplicates {
    /// Number of replicates with derived seeds (1 ..= 1,000,000); replicate r gets
    /// `splitmix64(seed + r x 0x9E3779B97F4A7C15) >> 1` (see `sweep::replicate_seed`).
    pub count: Option<u64>,
    /// Explicit seeds, one replicate each (each 0 .. 2^63-1, no repeats).
    pub seeds: Option<Vec<u64>>,
}
