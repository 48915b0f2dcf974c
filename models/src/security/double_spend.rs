//! Double-spend race: the probability that an attacker holding a share `q` of the hashrate
//! ever catches up with the honest chain after the merchant waited for `z` confirmations.
//!
//! `p = 1 - q` is the honest share. Both models use the gambler's-ruin catch-up probability
//! from `d` blocks behind, `(q/p)^d` for `q < p` and `1` for `q >= p`, and differ in how many
//! blocks the attacker is assumed to have mined while the honest network mined `z`.
//!
//! # Nakamoto (2008), whitepaper section 11 "Calculations"
//!
//! The attacker's progress is taken to be Poisson with mean `lambda = z q / p`:
//!
//! ```text
//! P_N(q, z) = 1 - sum_{k=0}^{z} (lambda^k e^{-lambda} / k!) (1 - (q/p)^{z-k})
//! ```
//!
//! It reproduces every number of the whitepaper's tables (e.g. `q = 0.1, z = 5 -> 0.0009137`;
//! "solving for P less than 0.1%": `q = 0.10 -> z = 5`, ..., `q = 0.45 -> z = 340`).
//!
//! # Rosenfeld (2012; arXiv:1402.2009, 2014): the exact race
//!
//! The number `m` of attacker blocks found while the honest network finds `n` is negative
//! binomial, `P(m) = C(m+n-1, m) p^n q^m`. With Rosenfeld's assumption that the attacker has
//! pre-mined one block, the catch-up factor is again `(q/p)^{n-m}`, which gives
//!
//! ```text
//! P_R(q, n) = 1 - sum_{m=0}^{n} C(m+n-1, m) (p^n q^m - p^m q^n)      (q < p, n >= 1)
//! ```
//!
//! Grunspan & Pérez-Marco ("Double spend races", arXiv:1702.02867, 2017) proved the same
//! value equals the regularized incomplete beta function `I_{4pq}(n, 1/2)`, and that
//! `P_R(q, n) ~ s^n / sqrt(pi (1 - s) n)` with `s = 4pq < 1`. For `z >= 2` the exact race
//! usually needs more confirmations than Nakamoto's table (e.g. `q = 0.1`: 6 instead of 5
//! for `P < 0.1%`; `q = 0.45`: 539 instead of 340).
//!
//! Conventions: "success" means *catching up* (drawing level), following Nakamoto;
//! `P(q, 0) = 1`; `P(q, z) = 1` whenever `q >= 0.5`; `P(0, z) = 0` for `z >= 1`.
//!
//! # Numerics
//!
//! Both closed forms subtract a sum close to 1 from 1, which loses all relative precision
//! once `P` is small. They are evaluated here in the algebraically identical cancellation-free
//! form "probability that the attacker is already level + probability that he is behind and
//! catches up", i.e. (writing `r = q/p`)
//!
//! ```text
//! P_N = sum_{k=0}^{z} Pois(k; lambda) r^{z-k}      + sum_{k>z}  Pois(k; lambda)
//! P_R = sum_{m=0}^{n-1} C(m+n-1, m) p^m q^n        + sum_{m>=n} C(m+n-1, m) p^n q^m
//! ```
//!
//! with every term positive and built in log space (no underflow of `e^{-lambda}` or `p^n`
//! for large `z`). The infinite tails are summed until the geometric bound on the remainder
//! is below 1e-17 of the total. Relative accuracy is about 1e-12 (checked against exact
//! rational arithmetic in the tests); the cost is `O(z)`.

use std::fmt;

/// Largest confirmation count [`min_confirmations`] will consider.
pub const MAX_CONFIRMATIONS_SEARCHED: u32 = 1 << 24;

/// Stop summing an infinite tail when the bound on what is left is below this fraction of
/// the total.
const TAIL_TOLERANCE: f64 = 1e-17;

/// Which attacker-progress model to evaluate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DoubleSpendModel {
    /// Nakamoto's whitepaper approximation (attacker progress Poisson with mean `z q / p`).
    NakamotoPoisson,
    /// Rosenfeld's exact race (negative binomial; equals Grunspan & Pérez-Marco's
    /// `I_{4pq}(z, 1/2)`).
    RosenfeldExact,
}

/// Why a double-spend probability could not be computed.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DoubleSpendError {
    /// The attacker's hashrate share is NaN or outside `[0, 1]`.
    AttackerShareOutOfRange {
        /// The rejected share.
        attacker_share: f64,
    },
    /// The acceptable risk is NaN or outside the open interval `(0, 1)`.
    RiskOutOfRange {
        /// The rejected risk.
        max_risk: f64,
    },
    /// With `q >= 0.5` the attacker always catches up: no confirmation count is safe.
    AttackerMajority {
        /// The attacker's share.
        attacker_share: f64,
    },
    /// No confirmation count up to [`MAX_CONFIRMATIONS_SEARCHED`] brings the risk below
    /// the target (the attacker's share is too close to 0.5).
    SearchLimitReached {
        /// The attacker's share.
        attacker_share: f64,
        /// The risk that was asked for.
        max_risk: f64,
    },
}

impl fmt::Display for DoubleSpendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DoubleSpendError::AttackerShareOutOfRange { attacker_share } => write!(
                f,
                "attacker hashrate share {attacker_share} is not a probability (must be in [0, 1])"
            ),
            DoubleSpendError::RiskOutOfRange { max_risk } => write!(
                f,
                "acceptable double-spend risk {max_risk} must be strictly between 0 and 1"
            ),
            DoubleSpendError::AttackerMajority { attacker_share } => write!(
                f,
                "an attacker with hashrate share {attacker_share} >= 0.5 catches up with \
                 certainty; no number of confirmations is safe"
            ),
            DoubleSpendError::SearchLimitReached {
                attacker_share,
                max_risk,
            } => write!(
                f,
                "more than {MAX_CONFIRMATIONS_SEARCHED} confirmations would be needed to bring \
                 the risk from an attacker with share {attacker_share} below {max_risk}"
            ),
        }
    }
}

impl std::error::Error for DoubleSpendError {}

fn validate_share(attacker_share: f64) -> Result<(), DoubleSpendError> {
    if (0.0..=1.0).contains(&attacker_share) {
        Ok(())
    } else {
        Err(DoubleSpendError::AttackerShareOutOfRange { attacker_share })
    }
}

/// The trivial cases shared by both models, or `None` when the sum must be evaluated
/// (`0 < q < 0.5` and `z >= 1`).
fn trivial_probability(attacker_share: f64, confirmations: u32) -> Option<f64> {
    if confirmations == 0 || attacker_share >= 0.5 {
        Some(1.0)
    } else if attacker_share == 0.0 {
        Some(0.0)
    } else {
        None
    }
}

/// Nakamoto's whitepaper probability `P_N(q, z)` (section 11) that an attacker with hashrate
/// share `attacker_share = q` catches up from `confirmations = z` blocks behind.
///
/// Returns `1` for `q >= 0.5` or `z = 0` and `0` for `q = 0, z >= 1`. The count `z` is an
/// integer by type.
///
/// # Errors
/// [`DoubleSpendError::AttackerShareOutOfRange`] if `q` is NaN or outside `[0, 1]`.
pub fn nakamoto_attacker_success(
    attacker_share: f64,
    confirmations: u32,
) -> Result<f64, DoubleSpendError> {
    attacker_success_probability(
        DoubleSpendModel::NakamotoPoisson,
        attacker_share,
        confirmations,
    )
}

/// Rosenfeld's exact probability `P_R(q, n)` (= `I_{4pq}(n, 1/2)`) that an attacker with
/// hashrate share `attacker_share = q` catches up after `confirmations = n` honest blocks.
///
/// Returns `1` for `q >= 0.5` or `n = 0` and `0` for `q = 0, n >= 1`.
///
/// # Errors
/// [`DoubleSpendError::AttackerShareOutOfRange`] if `q` is NaN or outside `[0, 1]`.
pub fn rosenfeld_attacker_success(
    attacker_share: f64,
    confirmations: u32,
) -> Result<f64, DoubleSpendError> {
    attacker_success_probability(
        DoubleSpendModel::RosenfeldExact,
        attacker_share,
        confirmations,
    )
}

/// [`nakamoto_attacker_success`] or [`rosenfeld_attacker_success`], by `model`.
///
/// # Errors
/// [`DoubleSpendError::AttackerShareOutOfRange`] if `q` is NaN or outside `[0, 1]`.
pub fn attacker_success_probability(
    model: DoubleSpendModel,
    attacker_share: f64,
    confirmations: u32,
) -> Result<f64, DoubleSpendError> {
    validate_share(attacker_share)?;
    let sum = match model {
        DoubleSpendModel::NakamotoPoisson => nakamoto_sum,
        DoubleSpendModel::RosenfeldExact => rosenfeld_sum,
    };
    Ok(trivial_probability(attacker_share, confirmations)
        .unwrap_or_else(|| sum(attacker_share, confirmations)))
}

/// The smallest number of confirmations `z` with `P(q, z) < max_risk` (strictly, as in the
/// whitepaper's "solving for P less than 0.1%" table).
///
/// Uses a doubling search followed by bisection, which relies on `P(q, z)` decreasing in `z`
/// for `q < 0.5` (a theorem for the exact race, where `P = I_{4pq}(z, 1/2)`; checked
/// numerically for Nakamoto's formula by the tests).
///
/// # Errors
/// * [`DoubleSpendError::AttackerShareOutOfRange`] if `q` is NaN or outside `[0, 1]`;
/// * [`DoubleSpendError::RiskOutOfRange`] unless `0 < max_risk < 1`;
/// * [`DoubleSpendError::AttackerMajority`] if `q >= 0.5`;
/// * [`DoubleSpendError::SearchLimitReached`] if more than [`MAX_CONFIRMATIONS_SEARCHED`]
///   confirmations would be needed.
pub fn min_confirmations(
    model: DoubleSpendModel,
    attacker_share: f64,
    max_risk: f64,
) -> Result<u32, DoubleSpendError> {
    validate_share(attacker_share)?;
    if !(max_risk > 0.0 && max_risk < 1.0) {
        return Err(DoubleSpendError::RiskOutOfRange { max_risk });
    }
    if attacker_share >= 0.5 {
        return Err(DoubleSpendError::AttackerMajority { attacker_share });
    }
    let risk_at = |z: u32| attacker_success_probability(model, attacker_share, z);
    // Invariant: risk_at(unsafe_z) >= max_risk > risk_at(safe_z). P(q, 0) = 1 >= max_risk.
    let mut unsafe_z = 0u32;
    let mut safe_z = 1u32;
    while risk_at(safe_z)? >= max_risk {
        if safe_z >= MAX_CONFIRMATIONS_SEARCHED {
            return Err(DoubleSpendError::SearchLimitReached {
                attacker_share,
                max_risk,
            });
        }
        unsafe_z = safe_z;
        safe_z = (safe_z * 2).min(MAX_CONFIRMATIONS_SEARCHED);
    }
    while safe_z - unsafe_z > 1 {
        let mid = unsafe_z + (safe_z - unsafe_z) / 2;
        if risk_at(mid)? < max_risk {
            safe_z = mid;
        } else {
            unsafe_z = mid;
        }
    }
    Ok(safe_z)
}

/// `P_N` for `0 < q < 0.5`, `z >= 1`, in the cancellation-free form (module docs).
fn nakamoto_sum(q: f64, z: u32) -> f64 {
    let p = 1.0 - q;
    let ln_ratio = q.ln() - p.ln(); // ln(q/p) < 0
    let lambda = f64::from(z) * (q / p);
    let ln_lambda = lambda.ln();

    // Attacker still behind (k <= z blocks): Pois(k) (q/p)^(z-k).
    let mut behind = 0.0;
    let mut ln_poisson = -lambda; // ln Pois(0)
    for k in 0..=z {
        if k > 0 {
            ln_poisson += ln_lambda - f64::from(k).ln();
        }
        behind += (ln_poisson + f64::from(z - k) * ln_ratio).exp();
    }

    // Attacker already ahead (k > z): the Poisson upper tail. The term ratio lambda/(k+1)
    // is below 1 (lambda < z) and decreasing, so the remainder after a term t is at most
    // t r / (1 - r).
    let mut k = f64::from(z) + 1.0;
    let mut term = (ln_poisson + ln_lambda - k.ln()).exp();
    let mut ahead = 0.0;
    loop {
        ahead += term;
        let next_ratio = lambda / (k + 1.0);
        if term * next_ratio <= TAIL_TOLERANCE * (1.0 - next_ratio) * (behind + ahead) {
            break;
        }
        term *= next_ratio;
        k += 1.0;
    }
    (behind + ahead).min(1.0)
}

/// `P_R` for `0 < q < 0.5`, `n >= 1`, in the cancellation-free form (module docs).
fn rosenfeld_sum(q: f64, n: u32) -> f64 {
    let p = 1.0 - q;
    let (ln_p, ln_q) = (p.ln(), q.ln());
    let nf = f64::from(n);

    // Attacker behind (m < n blocks) and catching up: C(m+n-1, m) p^n q^m (q/p)^(n-m).
    let mut behind = 0.0;
    let mut ln_binomial = 0.0; // ln C(n-1, 0)
    for m in 0..n {
        let mf = f64::from(m);
        behind += (ln_binomial + mf * ln_p + nf * ln_q).exp();
        // C(m+n, m+1) = C(m+n-1, m) (m+n)/(m+1)
        ln_binomial += ((mf + nf) / (mf + 1.0)).ln();
    }

    // Attacker level or ahead (m >= n): negative-binomial upper tail. The term ratio
    // q (m+n)/(m+1) is at most 2q n/(n+1) < 1 and non-increasing in m.
    let mut m = nf;
    let mut term = (ln_binomial + nf * ln_p + nf * ln_q).exp();
    let mut ahead = 0.0;
    loop {
        ahead += term;
        let next_ratio = q * (m + nf) / (m + 1.0);
        if term * next_ratio <= TAIL_TOLERANCE * (1.0 - next_ratio) * (behind + ahead) {
            break;
        }
        term *= next_ratio;
        m += 1.0;
    }
    (behind + ahead).min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round7(x: f64) -> String {
        format!("{x:.7}")
    }

    /// Whitepaper section 11, q = 0.1 and q = 0.3 (printed to 7 decimals).
    #[test]
    fn whitepaper_table_facts() {
        let n = |q, z| nakamoto_attacker_success(q, z).unwrap();
        assert_eq!(round7(n(0.1, 0)), "1.0000000");
        assert_eq!(round7(n(0.1, 1)), "0.2045873");
        assert_eq!(round7(n(0.1, 5)), "0.0009137");
        assert_eq!(round7(n(0.1, 10)), "0.0000012");
        assert_eq!(round7(n(0.3, 5)), "0.1773523");
        assert_eq!(round7(n(0.3, 50)), "0.0000006");
    }

    #[test]
    fn rosenfeld_small_cases_by_hand() {
        let r = |q, z| rosenfeld_attacker_success(q, z).unwrap();
        // n = 1: 1 - (p - q) = 2q.
        assert!((r(0.1, 1) - 0.2).abs() < 1e-15);
        assert!((r(0.3, 1) - 0.6).abs() < 1e-15);
        // n = 2: 1 - (p^2 - q^2) - 2(p^2 q - p q^2) = 1 - (p - q)(1 + 2pq); q = 0.1: 0.056.
        assert!((r(0.1, 2) - 0.056).abs() < 1e-15);
        // q = 0.1, n = 5: 0.00178184 exactly.
        assert!((r(0.1, 5) / 0.00178184 - 1.0).abs() < 1e-12);
    }

    #[test]
    fn whitepaper_min_confirmation_facts() {
        let nak = |q| min_confirmations(DoubleSpendModel::NakamotoPoisson, q, 0.001).unwrap();
        let exact = |q| min_confirmations(DoubleSpendModel::RosenfeldExact, q, 0.001).unwrap();
        assert_eq!(nak(0.10), 5);
        assert_eq!(nak(0.45), 340);
        assert_eq!(exact(0.10), 6);
        assert_eq!(exact(0.45), 539);
    }

    #[test]
    fn trivial_cases_and_errors() {
        for model in [
            DoubleSpendModel::NakamotoPoisson,
            DoubleSpendModel::RosenfeldExact,
        ] {
            let p = |q, z| attacker_success_probability(model, q, z);
            assert_eq!(p(0.5, 10), Ok(1.0));
            assert_eq!(p(1.0, 1), Ok(1.0));
            assert_eq!(p(0.2, 0), Ok(1.0));
            assert_eq!(p(0.0, 0), Ok(1.0));
            assert_eq!(p(0.0, 3), Ok(0.0));
            for bad in [-0.1, 1.1, f64::NAN, f64::INFINITY] {
                assert!(matches!(
                    p(bad, 1),
                    Err(DoubleSpendError::AttackerShareOutOfRange { .. })
                ));
            }
            assert_eq!(
                min_confirmations(model, 0.5, 0.01),
                Err(DoubleSpendError::AttackerMajority {
                    attacker_share: 0.5
                })
            );
            for bad in [0.0, 1.0, -1.0, f64::NAN] {
                assert!(matches!(
                    min_confirmations(model, 0.1, bad),
                    Err(DoubleSpendError::RiskOutOfRange { .. })
                ));
            }
            assert_eq!(min_confirmations(model, 0.0, 1e-9), Ok(1));
            assert!(matches!(
                min_confirmations(model, 0.499_999_9, 1e-6),
                Err(DoubleSpendError::SearchLimitReached { .. })
            ));
        }
        let e = DoubleSpendError::AttackerShareOutOfRange {
            attacker_share: 2.0,
        };
        assert!(e.to_string().contains("[0, 1]"));
    }

    #[test]
    fn large_z_does_not_underflow_to_garbage() {
        // e^{-lambda} alone underflows for lambda > 745; the log-space sums do not.
        let n = nakamoto_attacker_success(0.45, 2000).unwrap();
        let r = rosenfeld_attacker_success(0.45, 2000).unwrap();
        assert!(n > 0.0 && n < 1e-8, "{n}");
        assert!(r > n && r < 1e-5, "{r}");
    }
}
