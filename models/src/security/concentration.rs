//! Concentration of mining power: Herfindahl-Hirschman index, Nakamoto coefficient and
//! top-k share.
//!
//! Every function takes non-negative weights `w_i`, one per entity (pool, firm, country...):
//! hashrates, blocks won, or shares that already sum to 1. They are normalized by their
//! total, `s_i = w_i / sum_j w_j`, so the unit does not matter. An empty list, an all-zero
//! list, or a negative / NaN / infinite weight is rejected with a [`ConcentrationError`]
//! (never a NaN or a panic). Entities with weight 0 are allowed and count for nothing.
//!
//! # Herfindahl-Hirschman index (Herfindahl 1950, Hirschman 1945)
//!
//! ```text
//! HHI = sum_i s_i^2        in [1/n, 1]     (0..1 scale, returned by herfindahl_hirschman_index)
//! ```
//!
//! `1/n` for `n` equal entities, `1` for a monopoly; `1/HHI` is the "effective number" of
//! equal-sized entities. Competition authorities quote the same number times 10,000
//! (percentage shares squared: "points", 0..10,000; the 2023 US DOJ/FTC Merger Guidelines
//! call a market above 1,800 highly concentrated); [`herfindahl_hirschman_points`] returns
//! that scale.
//!
//! # Nakamoto coefficient (Srinivasan & Lee, 2017)
//!
//! Srinivasan & Lee ("Quantifying Decentralization", 2017) define it as the minimum number
//! of entities "required to get to 51%"; here it is the smallest number of entities whose
//! combined share **strictly exceeds** one half:
//!
//! ```text
//! N = min { k : s_(1) + ... + s_(k) > 1/2 }      (s_(1) >= s_(2) >= ... sorted shares)
//! ```
//!
//! Strict `>` is the majority needed to out-mine everyone else (with exactly 50% the
//! attacker only ties: two 50% pools give `N = 2`). Note that the double-spend formulas of
//! [`super::double_spend`] already give certain success at `q = 0.5`; the `>=` variant is
//! [`min_entities_at_least`]`(w, 0.5)`. Both thresholds are available for any fraction
//! ([`min_entities_above`], [`min_entities_at_least`]). Ties exactly at the threshold are
//! decided on the floating-point sums of the sorted, normalized weights.
//!
//! # Top-k share
//!
//! `s_(1) + ... + s_(k)`: 0 for `k = 0`, 1 for `k >= n`.

use std::fmt;

/// Multiplier from the 0..1 HHI scale to the 0..10,000 "points" scale (shares in percent).
pub const HHI_POINTS_PER_UNIT: f64 = 10_000.0;

/// Why a concentration measure could not be computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ConcentrationError {
    /// No entities were given.
    NoEntities,
    /// A weight is negative, NaN or infinite.
    InvalidWeight {
        /// Position of the weight in the input.
        index: usize,
        /// The rejected weight.
        weight: f64,
    },
    /// All weights are zero, so shares are undefined.
    ZeroTotal,
    /// The coalition threshold is NaN or outside its allowed range (`[0, 1)` for
    /// [`min_entities_above`], `[0, 1]` for [`min_entities_at_least`]).
    FractionOutOfRange {
        /// The rejected fraction.
        fraction: f64,
    },
}

impl fmt::Display for ConcentrationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ConcentrationError::NoEntities => {
                write!(f, "no entities given: concentration is undefined")
            }
            ConcentrationError::InvalidWeight { index, weight } => write!(
                f,
                "entity {index}: weight {weight} is not allowed (must be finite and >= 0)"
            ),
            ConcentrationError::ZeroTotal => {
                write!(f, "all weights are zero: shares are undefined")
            }
            ConcentrationError::FractionOutOfRange { fraction } => write!(
                f,
                "coalition threshold {fraction} is outside its range ([0, 1) for 'above', \
                 [0, 1] for 'at least')"
            ),
        }
    }
}

impl std::error::Error for ConcentrationError {}

/// Validated weights, sorted in decreasing order and divided by the largest one (so their
/// total cannot overflow), with that total.
struct SortedWeights {
    descending: Vec<f64>,
    total: f64,
}

impl SortedWeights {
    fn new(weights: &[f64]) -> Result<Self, ConcentrationError> {
        if weights.is_empty() {
            return Err(ConcentrationError::NoEntities);
        }
        check_weights(weights)?;
        let largest = weights.iter().copied().fold(0.0, f64::max);
        if largest == 0.0 {
            return Err(ConcentrationError::ZeroTotal);
        }
        let mut descending: Vec<f64> = weights.iter().map(|w| w / largest).collect();
        descending.sort_by(|a, b| b.total_cmp(a));
        // Summed in the same order as the coalition sums below, so the full coalition
        // reaches exactly `total`.
        let total = descending.iter().sum();
        Ok(SortedWeights { descending, total })
    }

    /// Smallest k whose top-k sum satisfies `reached(sum, threshold)`.
    fn smallest_coalition(&self, threshold: f64, reached: impl Fn(f64, f64) -> bool) -> usize {
        let target = threshold * self.total;
        if reached(0.0, target) {
            return 0;
        }
        let mut sum = 0.0;
        for (i, w) in self.descending.iter().enumerate() {
            sum += w;
            if reached(sum, target) {
                return i + 1;
            }
        }
        // Unreachable for validated thresholds (the full sum is `total`).
        self.descending.len()
    }
}

/// Herfindahl-Hirschman index on the 0..1 scale, `sum_i s_i^2` with `s_i = w_i / sum w`.
///
/// # Errors
/// [`ConcentrationError::NoEntities`], [`ConcentrationError::InvalidWeight`] or
/// [`ConcentrationError::ZeroTotal`].
pub fn herfindahl_hirschman_index(weights: &[f64]) -> Result<f64, ConcentrationError> {
    let sorted = SortedWeights::new(weights)?;
    Ok(sorted
        .descending
        .iter()
        .map(|w| {
            let share = w / sorted.total;
            share * share
        })
        .sum())
}

/// Herfindahl-Hirschman index on the 0..10,000 scale used by competition authorities
/// ([`herfindahl_hirschman_index`] times [`HHI_POINTS_PER_UNIT`]).
///
/// # Errors
/// As [`herfindahl_hirschman_index`].
pub fn herfindahl_hirschman_points(weights: &[f64]) -> Result<f64, ConcentrationError> {
    Ok(herfindahl_hirschman_index(weights)? * HHI_POINTS_PER_UNIT)
}

/// Nakamoto coefficient: the smallest number of entities whose combined share strictly
/// exceeds 1/2 ([`min_entities_above`]`(weights, 0.5)`).
///
/// # Errors
/// [`ConcentrationError::NoEntities`], [`ConcentrationError::InvalidWeight`] or
/// [`ConcentrationError::ZeroTotal`].
pub fn nakamoto_coefficient(weights: &[f64]) -> Result<usize, ConcentrationError> {
    min_entities_above(weights, 0.5)
}

/// The smallest number of entities whose combined share is strictly greater than
/// `fraction` (`0 <= fraction < 1`; always at least 1).
///
/// # Errors
/// [`ConcentrationError::FractionOutOfRange`] unless `0 <= fraction < 1`, or a weight error.
pub fn min_entities_above(weights: &[f64], fraction: f64) -> Result<usize, ConcentrationError> {
    if !(0.0..1.0).contains(&fraction) {
        return Err(ConcentrationError::FractionOutOfRange { fraction });
    }
    let sorted = SortedWeights::new(weights)?;
    Ok(sorted.smallest_coalition(fraction, |sum, target| sum > target))
}

/// The smallest number of entities whose combined share is at least `fraction`
/// (`0 <= fraction <= 1`; 0 for `fraction = 0`).
///
/// # Errors
/// [`ConcentrationError::FractionOutOfRange`] unless `0 <= fraction <= 1`, or a weight error.
pub fn min_entities_at_least(weights: &[f64], fraction: f64) -> Result<usize, ConcentrationError> {
    if !(0.0..=1.0).contains(&fraction) {
        return Err(ConcentrationError::FractionOutOfRange { fraction });
    }
    let sorted = SortedWeights::new(weights)?;
    Ok(sorted.smallest_coalition(fraction, |sum, target| sum >= target))
}

/// Combined share of the `k` largest entities (0 for `k = 0`, 1 for `k >= n`).
///
/// # Errors
/// [`ConcentrationError::NoEntities`], [`ConcentrationError::InvalidWeight`] or
/// [`ConcentrationError::ZeroTotal`].
pub fn top_k_share(weights: &[f64], k: usize) -> Result<f64, ConcentrationError> {
    let sorted = SortedWeights::new(weights)?;
    if k >= sorted.descending.len() {
        return Ok(1.0);
    }
    let top: f64 = sorted.descending[..k].iter().sum();
    Ok((top / sorted.total).min(1.0))
}

/// The four concentration measures of one set of weights, computed together.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ConcentrationSummary {
    /// Herfindahl-Hirschman index, 0..1 scale.
    pub hhi: f64,
    /// Nakamoto coefficient (smallest coalition strictly above one half).
    pub nakamoto_coefficient: usize,
    /// Share of the largest entity.
    pub top1_share: f64,
    /// Combined share of the five largest entities.
    pub top5_share: f64,
}

/// HHI, Nakamoto coefficient, top-1 and top-5 shares of `weights` computed together
/// ([`Summarizer::summarize`] with no history: the weights are sorted once). Agrees with
/// [`herfindahl_hirschman_index`], [`nakamoto_coefficient`] and [`top_k_share`] up to
/// rounding (sums are taken in a different order).
///
/// # Errors
/// [`ConcentrationError::NoEntities`], [`ConcentrationError::InvalidWeight`] or
/// [`ConcentrationError::ZeroTotal`].
pub fn summarize(weights: &[f64]) -> Result<ConcentrationSummary, ConcentrationError> {
    Summarizer::default().summarize(weights)
}

/// A checked weight as a [`Summarizer`] candidate: -0 made +0 (`+ 0.0`), whose bits would
/// otherwise sort above every positive weight's.
#[inline]
fn candidate(weight: f64) -> f64 {
    weight + 0.0
}

/// [`summarize`] for a series of similar weight sets (the firms' hashrate day after day), in
/// `O(n)` a call: one pass sums the weights and their squares and collects the candidates
/// for the majority coalition, the weights at or above a threshold left by the last call;
/// only they are sorted (largest first) and added until the sum passes one half. Every
/// weight left out is below every candidate, so the sorted candidates are the top of the
/// full sorted list: the coefficient and the top-1 and top-5 shares are exact whatever the
/// threshold. The next threshold is the `k + k/4 + 8`-th largest weight of this call (`k` the
/// coefficient), so a day's drift keeps the answer among the candidates; when it does not
/// (the candidates sum to half or less, or are fewer than five), all the weights are sorted.
#[derive(Debug, Clone, Default)]
pub struct Summarizer {
    /// Weights at or above this are candidates (0: all are).
    threshold: f64,
    /// Scratch: the candidates, sorted largest first.
    candidates: Vec<f64>,
}

impl Summarizer {
    /// The four measures of `weights`.
    ///
    /// # Errors
    /// [`ConcentrationError::NoEntities`], [`ConcentrationError::InvalidWeight`] or
    /// [`ConcentrationError::ZeroTotal`].
    pub fn summarize(
        &mut self,
        weights: &[f64],
    ) -> Result<ConcentrationSummary, ConcentrationError> {
        let n = weights.len();
        if n == 0 {
            return Err(ConcentrationError::NoEntities);
        }
        let mut total = 0.0;
        let mut squares = 0.0;
        // A NaN or infinite weight makes the total non-finite and a negative one the lowest
        // negative: then the invalid weight is looked up. (A plain comparison, one `minsd`:
        // `f64::min`'s NaN handling costs more than the rest of the loop.)
        let mut lowest = f64::INFINITY;
        let threshold = self.threshold;
        // The candidates are written without a branch (every weight is stored, the count
        // advances when it is one: which weights pass is unpredictable), and without a push,
        // whose call would keep the sums in memory instead of registers. Slot `len <= i` is
        // written before it is kept, so the buffer only grows to `n`, never cleared.
        let c = &mut self.candidates;
        c.resize(n, 0.0);
        let mut len = 0;
        for &weight in weights {
            lowest = if weight < lowest { weight } else { lowest };
            total += weight;
            squares += weight * weight;
            c[len] = candidate(weight);
            len += usize::from(weight >= threshold);
        }
        c.truncate(len);
        if !(total.is_finite() && lowest >= 0.0) {
            check_weights(weights)?;
        }
        if total == 0.0 {
            return Err(ConcentrationError::ZeroTotal);
        }
        let half = 0.5 * total;
        let top = 5.min(n);
        let nakamoto_coefficient = match self.coalition(half) {
            Some(k) if self.candidates.len() >= top => k,
            _ => {
                // All the weights: their sum is the total, above half (n if rounding says not).
                self.candidates.clear();
                self.candidates
                    .extend(weights.iter().map(|&w| candidate(w)));
                self.coalition(half).unwrap_or(n)
            }
        };
        let share = |w: &[f64]| (w.iter().sum::<f64>() / total).min(1.0);
        Ok(ConcentrationSummary {
            hhi: squares / (total * total),
            nakamoto_coefficient,
            top1_share: share(&self.candidates[..1]),
            top5_share: share(&self.candidates[..top]),
        })
    }

    /// Sorts the candidates (largest first) and returns how many of them pass `half` (None
    /// if they all sum to `half` or less); sets the next threshold.
    fn coalition(&mut self, half: f64) -> Option<usize> {
        let c = &mut self.candidates;
        // The candidates are finite and >= +0 (checked weights, -0 made +0 by `candidate`):
        // their bits order as their values, and integer keys sort faster than `total_cmp`.
        c.sort_unstable_by_key(|w| std::cmp::Reverse(w.to_bits()));
        let mut sum = 0.0;
        let k = 1 + c.iter().position(|&w| {
            sum += w;
            sum > half
        })?;
        let keep = k + k / 4 + 8;
        self.threshold = if c.len() > keep {
            c[keep - 1]
        } else {
            0.5 * self.threshold
        };
        Some(k)
    }
}

/// [`ConcentrationError::InvalidWeight`] for the first weight that is not finite and
/// non-negative.
fn check_weights(weights: &[f64]) -> Result<(), ConcentrationError> {
    match weights.iter().position(|&w| !valid_weight(w)) {
        Some(index) => Err(ConcentrationError::InvalidWeight {
            index,
            weight: weights[index],
        }),
        None => Ok(()),
    }
}

/// Whether `w` is a weight: finite and not negative.
#[inline]
fn valid_weight(w: f64) -> bool {
    (0.0..f64::INFINITY).contains(&w)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * b.abs().max(1.0)
    }

    #[test]
    fn hhi_by_hand() {
        // Monopoly, equal split, and 50/30/20: 0.25 + 0.09 + 0.04 = 0.38.
        assert_eq!(herfindahl_hirschman_index(&[7.0]), Ok(1.0));
        assert!(close(herfindahl_hirschman_index(&[1.0; 4]).unwrap(), 0.25));
        assert!(close(
            herfindahl_hirschman_index(&[0.5, 0.3, 0.2]).unwrap(),
            0.38
        ));
        // Unnormalized weights (EH/s) give the same answer; zero entities do not count.
        assert!(close(
            herfindahl_hirschman_index(&[250.0, 0.0, 150.0, 100.0]).unwrap(),
            0.38
        ));
        assert!(close(
            herfindahl_hirschman_points(&[0.5, 0.3, 0.2]).unwrap(),
            3800.0
        ));
        // Huge weights do not overflow the total.
        assert!(close(
            herfindahl_hirschman_index(&[f64::MAX, f64::MAX]).unwrap(),
            0.5
        ));
    }

    #[test]
    fn nakamoto_coefficient_by_hand() {
        assert_eq!(nakamoto_coefficient(&[0.6, 0.4]), Ok(1));
        // Exactly 50% is not a strict majority...
        assert_eq!(nakamoto_coefficient(&[0.5, 0.5]), Ok(2));
        assert_eq!(nakamoto_coefficient(&[0.5, 0.3, 0.2]), Ok(2));
        // ... but reaches "at least one half".
        assert_eq!(min_entities_at_least(&[0.5, 0.3, 0.2], 0.5), Ok(1));
        assert_eq!(min_entities_at_least(&[1.0, 1.0], 0.5), Ok(1));
        // Input order does not matter: 30 + 25 = 55 > 50 of 100.
        assert_eq!(
            nakamoto_coefficient(&[10.0, 25.0, 5.0, 30.0, 20.0, 10.0]),
            Ok(2)
        );
        // Ten equal pools: 6 are needed for > 50%, 5 reach 50%.
        assert_eq!(nakamoto_coefficient(&[1.0; 10]), Ok(6));
        assert_eq!(min_entities_at_least(&[1.0; 10], 0.5), Ok(5));
        assert_eq!(min_entities_above(&[1.0; 10], 0.0), Ok(1));
        assert_eq!(min_entities_at_least(&[1.0; 10], 0.0), Ok(0));
        assert_eq!(min_entities_at_least(&[1.0, 0.0, 2.0], 1.0), Ok(2));
    }

    #[test]
    fn top_k_by_hand() {
        let w = [20.0, 50.0, 30.0];
        assert_eq!(top_k_share(&w, 0), Ok(0.0));
        assert!(close(top_k_share(&w, 1).unwrap(), 0.5));
        assert!(close(top_k_share(&w, 2).unwrap(), 0.8));
        assert_eq!(top_k_share(&w, 3), Ok(1.0));
        assert_eq!(top_k_share(&w, 99), Ok(1.0));
    }

    #[test]
    fn degenerate_inputs_are_errors_not_nan() {
        assert_eq!(
            herfindahl_hirschman_index(&[]),
            Err(ConcentrationError::NoEntities)
        );
        assert_eq!(
            nakamoto_coefficient(&[]),
            Err(ConcentrationError::NoEntities)
        );
        assert_eq!(top_k_share(&[], 1), Err(ConcentrationError::NoEntities));
        assert_eq!(
            herfindahl_hirschman_index(&[0.0, 0.0]),
            Err(ConcentrationError::ZeroTotal)
        );
        assert_eq!(
            nakamoto_coefficient(&[0.0]),
            Err(ConcentrationError::ZeroTotal)
        );
        assert_eq!(top_k_share(&[0.0], 0), Err(ConcentrationError::ZeroTotal));
        for bad in [-1.0, f64::NAN, f64::INFINITY] {
            assert!(matches!(
                herfindahl_hirschman_index(&[1.0, bad]),
                Err(ConcentrationError::InvalidWeight { index: 1, .. })
            ));
        }
        for bad in [-0.1, 1.0, f64::NAN] {
            assert!(matches!(
                min_entities_above(&[1.0], bad),
                Err(ConcentrationError::FractionOutOfRange { .. })
            ));
        }
        assert!(min_entities_at_least(&[1.0], 1.5).is_err());
        assert!(ConcentrationError::ZeroTotal.to_string().contains("zero"));
    }
    #[test]
    fn summary_agrees_with_the_single_measures() {
        // Hand cases: 50/30/20 and a long tail where the top 64 hold less than half.
        let w = vec![0.5, 0.3, 0.2];
        let s = summarize(&w).unwrap();
        assert!(close(s.hhi, 0.38));
        assert_eq!(s.nakamoto_coefficient, 2);
        assert!(close(s.top1_share, 0.5));
        assert!(close(s.top5_share, 1.0));
        let flat = vec![1.0; 1500];
        let s = summarize(&flat).unwrap();
        assert_eq!(s.nakamoto_coefficient, 751);
        assert!(close(s.hhi, 1.0 / 1500.0));
        assert!(close(s.top5_share, 5.0 / 1500.0));
        // Heavy-tailed weights (deterministic pseudo-random Pareto draws).
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for n in [1usize, 3, 70, 500, 600, 3000, 20_000] {
            let w: Vec<f64> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    let u = (x >> 11) as f64 / (1u64 << 53) as f64;
                    (1.0 - u).powf(-1.0 / 1.2)
                })
                .collect();
            let s = summarize(&w).unwrap();
            assert!(close(s.hhi, herfindahl_hirschman_index(&w).unwrap()));
            assert_eq!(s.nakamoto_coefficient, nakamoto_coefficient(&w).unwrap());
            assert!(close(s.top1_share, top_k_share(&w, 1).unwrap()));
            assert!(close(s.top5_share, top_k_share(&w, 5).unwrap()));
        }
        // Zeros, exact powers of two (class edges) and a subnormal mixed in.
        let w = vec![
            0.0, 4.0, 2.0, 0.0, 3.999, 1.0, 5e-324, 8.0, 0.0, 2.0, 1e-30, 1e25, 2e20, 9e24,
        ];
        let s = summarize(&w).unwrap();
        assert_eq!(s.nakamoto_coefficient, nakamoto_coefficient(&w).unwrap());
        assert!(close(s.top5_share, top_k_share(&w, 5).unwrap()));
        assert_eq!(summarize(&[]), Err(ConcentrationError::NoEntities));
        assert_eq!(summarize(&[0.0, 0.0]), Err(ConcentrationError::ZeroTotal));
        assert!(summarize(&[1.0, f64::NAN]).is_err());
    }

    #[test]
    fn a_summarizer_stays_exact_as_the_weights_drift_jump_and_collapse() {
        // 2,000 Pareto weights that drift day to day; on some days the largest entities
        // vanish (their weight to 0: the majority moves below the last threshold) or one
        // grows to a majority alone, and once all weights scale by 1e6.
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut uniform = move || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x >> 11) as f64 / (1u64 << 53) as f64
        };
        let mut w: Vec<f64> = (0..2000)
            .map(|_| (1.0 - uniform()).powf(-1.0 / 1.1))
            .collect();
        let mut s = Summarizer::default();
        let mut coefficients = Vec::new();
        for day in 0..300 {
            for v in &mut w {
                *v *= 0.97 + 0.06 * uniform();
            }
            match day % 50 {
                10 => {
                    let top = summarize(&w).unwrap().top1_share * w.iter().sum::<f64>();
                    w.iter_mut()
                        .filter(|v| **v >= 0.2 * top)
                        .for_each(|v| *v = 0.0);
                }
                30 => w[day] = 3.0 * w.iter().sum::<f64>(),
                31 => w[day - 1] = 1.0,
                40 if day == 140 => w.iter_mut().for_each(|v| *v *= 1e6),
                _ => {}
            }
            let got = s.summarize(&w).unwrap();
            assert_eq!(got, summarize(&w).unwrap(), "day {day}");
            assert_eq!(got.nakamoto_coefficient, nakamoto_coefficient(&w).unwrap());
            coefficients.push(got.nakamoto_coefficient);
        }
        // The series went through single-entity majorities and back to long coalitions.
        assert!(coefficients.contains(&1));
        assert!(coefficients.iter().max().unwrap() > &50);
    }

    #[test]
    fn a_summarizer_orders_negative_zeros_and_ties_as_values() {
        // The candidates are sorted by their bits: -0.0 (whose bits are the largest) must
        // rank as the zero it is, and ties must not change the sums.
        let days: [&[f64]; 4] = [
            &[-0.0, 3.0, 0.0, 3.0, 1.0, -0.0, 2.0, 2.0, 0.5],
            &[-0.0, -0.0, 5.0, 0.0, 4.0, 4.0, 1.0, 1.0, 1.0],
            &[1.0; 12],
            &[0.0, -0.0, 0.0, 7.0, -0.0],
        ];
        let mut s = Summarizer::default();
        for (day, w) in days.iter().enumerate() {
            let got = s.summarize(w).unwrap();
            assert_eq!(got, summarize(w).unwrap(), "day {day}");
            assert_eq!(got.nakamoto_coefficient, nakamoto_coefficient(w).unwrap());
        }
        assert_eq!(
            s.summarize(&[-0.0, 2.0, 1.0]).unwrap().top1_share,
            2.0 / 3.0
        );
        assert_eq!(
            s.summarize(&[-0.0, -0.0]),
            Err(ConcentrationError::ZeroTotal)
        );
        assert!(matches!(
            s.summarize(&[1.0, -1e-300, 2.0]),
            Err(ConcentrationError::InvalidWeight { .. })
        ));
    }
}
