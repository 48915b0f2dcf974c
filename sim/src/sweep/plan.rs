//! The resolved run list of a sweep: ids, replicates, seeds, parameter values, each run's
//! scenario, and the hash that identifies the whole sweep.
//!
//! * Run ids are dense and point-major: `run = point x R + replicate` for `R` replicates, so
//!   the runs of one point are consecutive and `point = run / R`, `replicate = run % R`.
//! * Seeds: replicate `r` uses the same seed at every point (common random numbers): the
//!   explicit `replicates.seeds[r]`, or the derived [`replicate_seed`]`(sweep seed, r)`.
//! * A run's scenario is the base scenario with, in order, the `[set]` overrides, the point's
//!   axis values and `seed = <replicate seed>` applied through the `--set` machinery
//!   ([`crate::scenario::apply_override`]); it depends on nothing but the run id.
//! * The sweep hash (FNV-1a 64 of the manifest and of every point's overrides) changes when
//!   anything that shapes a run's output changes: the hashshift version, the resolved base
//!   scenario, `[set]`, the axes, the design and its points, or the seeds.

use std::fmt::Write as _;

use serde_json::json;

use super::Sweep;
use crate::engine::rng::splitmix64;
use crate::runner::VERSION;
use crate::scenario::{Scenario, ScenarioError};

/// Format tag of `_sweep.json`.
pub const MANIFEST_FORMAT: &str = "hashshift-sweep/1";

/// The derived seed of replicate `r` of a sweep with seed `sweep_seed`: output `r + 1` of a
/// SplitMix64 generator started at `sweep_seed` (`splitmix64(sweep_seed + r x
/// 0x9E3779B97F4A7C15)`), shifted right by one bit so it is a valid scenario seed (< 2^63).
pub fn replicate_seed(sweep_seed: u64, r: u64) -> u64 {
    let mut state = sweep_seed.wrapping_add(r.wrapping_mul(0x9E37_79B9_7F4A_7C15));
    splitmix64(&mut state) >> 1
}

/// One run of a sweep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunSpec {
    /// Run id (`run=<id>` folder).
    pub id: u64,
    /// Design point.
    pub point: u64,
    /// Replicate.
    pub replicate: u64,
    /// Master seed of the run.
    pub seed: u64,
}

/// FNV-1a, 64 bits.
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
        // Field separator, so ("ab", "c") and ("a", "bc") differ.
        self.0 ^= 0xff;
        self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
    }
}

impl Sweep {
    /// Run `id` (must be < [`Sweep::n_runs`]).
    pub fn run(&self, id: u64) -> RunSpec {
        let r = self.seeds.len() as u64;
        RunSpec {
            id,
            point: id / r,
            replicate: id % r,
            seed: self.seeds[(id % r) as usize],
        }
    }

    /// The axis overrides of point `p`, as `key.path=value`.
    pub fn point_overrides(&self, p: usize) -> Vec<String> {
        self.axes
            .iter()
            .zip(&self.points[p])
            .map(|(a, v)| format!("{}={}", a.path, v.to_toml()))
            .collect()
    }

    /// Every override of run `id`: `[set]`, the point's values, then the seed.
    pub fn overrides(&self, id: u64) -> Vec<String> {
        let run = self.run(id);
        let mut o = self.set.clone();
        o.extend(self.point_overrides(run.point as usize));
        o.push(format!("seed={}", run.seed));
        o
    }

    /// The validated scenario of run `id`.
    pub fn scenario(&self, id: u64) -> Result<Scenario, ScenarioError> {
        Scenario::from_toml(&self.base_text, &self.base_file, &self.overrides(id))
    }

    /// `path = value, ...` of point `p`.
    pub fn describe_point(&self, p: usize) -> String {
        self.point_overrides(p)
            .iter()
            .map(|o| o.replacen('=', " = ", 1))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The manifest without its hash: the resolved sweep (see the module docs).
    fn manifest_body(&self) -> serde_json::Value {
        json!({
            "format": MANIFEST_FORMAT,
            "hashshift_version": VERSION,
            "name": self.name,
            "runs": self.n_runs(),
            "points": self.points.len(),
            "replicates": self.seeds.len(),
            "run_order": "run = point * replicates + replicate",
            "seed": self.seed,
            "replicate_seeds": self.seeds,
            "design": self.design_params,
            "axes": self.axes.iter().map(|a| json!({
                "path": a.path, "column": a.column, "type": a.ty.name(),
            })).collect::<Vec<_>>(),
            "set": self.set,
            "base_scenario": self.base_resolved,
            "data_files": self.data_files.iter().map(|(path, sha256)| json!({
                "path": path, "sha256": sha256,
            })).collect::<Vec<_>>(),
        })
    }

    /// The sweep hash (16 hex digits); see the module docs.
    pub fn hash(&self) -> String {
        let mut h = Fnv::new();
        h.write(self.manifest_body().to_string().as_bytes());
        for p in 0..self.points.len() {
            for o in self.point_overrides(p) {
                h.write(o.as_bytes());
            }
            h.write(b"\n");
        }
        format!("{:016x}", h.0)
    }

    /// `_sweep.json`: the resolved sweep and its hash, pretty-printed.
    pub fn manifest(&self) -> String {
        let mut m = self.manifest_body();
        m["hash"] = json!(self.hash());
        let mut s = serde_json::to_string_pretty(&m).expect("a JSON value serializes");
        s.push('\n');
        s
    }

    /// The run list (`--dry-run`): a header, then one line per run of `ids`.
    pub fn listing(&self, ids: &mut dyn Iterator<Item = u64>) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "sweep {}: {} points x {} replicates = {} runs ({} design; base {}; hash {})",
            self.name,
            self.points.len(),
            self.seeds.len(),
            self.n_runs(),
            self.design_params["kind"].as_str().unwrap_or("grid"),
            self.base_file.display(),
            self.hash()
        );
        let mut header = format!(
            "{:>7} {:>7} {:>9} {:>20}",
            "run", "point", "replicate", "seed"
        );
        for a in &self.axes {
            let _ = write!(header, " {:>14}", a.column);
        }
        out.push_str(header.trim_end());
        out.push('\n');
        for id in ids {
            let r = self.run(id);
            let mut line = format!(
                "{:>7} {:>7} {:>9} {:>20}",
                r.id, r.point, r.replicate, r.seed
            );
            for v in &self.points[r.point as usize] {
                let _ = write!(line, " {:>14}", v.to_string());
            }
            out.push_str(&line);
            out.push('\n');
        }
        out
    }
}
