//! A generated population of firms owning the generated sites.
//!
//! # Ownership (a Simon-Yule preferential-attachment process)
//!
//! Sites are visited in random order. The first `F` sites found one firm each; every later
//! site goes to an existing firm with probability proportional to the MW that firm already
//! owns (Simon 1955), so firm sizes are heavier-tailed than site sizes: a few firms own many
//! large sites, most own one. Sampling uses a Fenwick tree, `O(log F)` per site.
//!
//! # Attributes
//!
//! The largest `public_share` of firms by MW are public (public miners are the largest);
//! public firms have a lower cost of capital, a larger credit line and more project finance
//! for AI. Cash and debt scale with MW (cash lognormal with log-sd 0.5 around its mean, debt
//! uniform in `[0, 2]` times its mean). Strategy: cost of capital, horizon, risk aversion and
//! mining hurdle uniform in their ranges; the belief model drawn by the given shares.
//! Every default is an ASSUMPTION (documented in the scenario defaults).

use rand::Rng;

use super::beliefs::BeliefModel;
use crate::param::{check, ParamError};

/// A closed range `[lo, hi]` drawn uniformly.
pub type Range = (f64, f64);

/// Parameters of the generated firms.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FirmPopulationParams {
    /// Number of firms (1 ..= number of sites).
    pub firms: usize,
    /// Share of firms (the largest by MW) that are public, [0, 1].
    pub public_share: f64,
    /// Mean cash at the start, USD per MW owned (>= 0).
    pub cash_usd_per_mw: f64,
    /// Mean debt at the start, USD per MW owned (>= 0).
    pub debt_usd_per_mw: f64,
    /// Cost of capital of public firms, per year.
    pub discount_rate_public: Range,
    /// Cost of capital of private firms, per year.
    pub discount_rate_private: Range,
    /// Credit line of public firms, USD per MW owned.
    pub credit_usd_per_mw_public: f64,
    /// Credit line of private firms, USD per MW owned.
    pub credit_usd_per_mw_private: f64,
    /// Share of AI capex a public firm can finance with project debt, [0, 1).
    pub project_finance_public: f64,
    /// Share of AI capex a private firm can finance with project debt, [0, 1).
    pub project_finance_private: f64,
    /// Valuation horizon, years.
    pub horizon_years: Range,
    /// Risk aversion (weight on the real-option premium), [0, 3].
    pub risk_aversion: Range,
    /// Profitability index a mining investment must reach, [1, 5].
    pub mining_hurdle: Range,
    /// Shares of naive, adaptive and drift believers (sum to 1).
    pub belief_shares: [f64; 3],
    /// Memory of adaptive believers, years, drawn per firm (uniform in the range).
    pub adaptive_memory_years: Range,
    /// Conviction of drift believers, per year, drawn per firm (uniform in the range).
    pub drift_mu: Range,
    /// Share of the private firms that buy machines only on the secondary market, [0, 1].
    pub secondary_only_share: f64,
}

/// A firm's strategy parameters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Strategy {
    /// Cost of capital, per year.
    pub discount_rate: f64,
    /// Valuation horizon, years.
    pub horizon_years: f64,
    /// Risk aversion: weight on the real-option premium.
    pub risk_aversion: f64,
    /// Profitability index a mining investment must reach.
    pub mining_hurdle: f64,
    /// Belief model.
    pub belief: BeliefModel,
    /// Whether the firm orders new machines from the manufacturers (false: it buys machines
    /// only on the secondary market).
    pub buys_new: bool,
}

/// A generated firm.
#[derive(Debug, Clone, PartialEq)]
pub struct FirmSpec {
    /// Sites owned (indices into the site list).
    pub sites: Vec<u32>,
    /// Public firm.
    pub public: bool,
    /// Cash, USD.
    pub cash_usd: f64,
    /// Debt, USD.
    pub debt_usd: f64,
    /// Credit line, USD.
    pub credit_usd: f64,
    /// Share of AI capex financed by project debt.
    pub project_finance: f64,
    /// Strategy.
    pub strategy: Strategy,
}

fn check_range(
    param: &'static str,
    r: Range,
    ok: impl Fn(f64) -> bool + Copy,
    allowed: &'static str,
) -> Result<(), ParamError> {
    check(param, r.0, ok, allowed)?;
    check(param, r.1, ok, allowed)?;
    check(param, r.1, |hi| hi >= r.0, "upper bound >= lower bound")
}

impl FirmPopulationParams {
    /// Checks every parameter's range (`sites`: the number of sites to own).
    pub fn validate(&self, sites: usize) -> Result<(), ParamError> {
        check(
            "firms",
            self.firms as f64,
            |x| x >= 1.0 && x <= sites as f64,
            "1 ..= number of sites",
        )?;
        check(
            "public_share",
            self.public_share,
            |x| (0.0..=1.0).contains(&x),
            "[0, 1]",
        )?;
        check(
            "cash_usd_per_mw",
            self.cash_usd_per_mw,
            |x| (0.0..=1e8).contains(&x),
            "[0, 1e8] USD per MW",
        )?;
        check(
            "debt_usd_per_mw",
            self.debt_usd_per_mw,
            |x| (0.0..=1e8).contains(&x),
            "[0, 1e8] USD per MW",
        )?;
        let rate = |x: f64| (0.0..=1.0).contains(&x) && x > 0.0;
        check_range(
            "discount_rate_public",
            self.discount_rate_public,
            rate,
            "(0, 1] per year",
        )?;
        check_range(
            "discount_rate_private",
            self.discount_rate_private,
            rate,
            "(0, 1] per year",
        )?;
        for (p, v) in [
            ("credit_usd_per_mw_public", self.credit_usd_per_mw_public),
            ("credit_usd_per_mw_private", self.credit_usd_per_mw_private),
        ] {
            check(p, v, |x| (0.0..=1e8).contains(&x), "[0, 1e8] USD per MW")?;
        }
        for (p, v) in [
            ("project_finance_public", self.project_finance_public),
            ("project_finance_private", self.project_finance_private),
        ] {
            check(p, v, |x| (0.0..1.0).contains(&x), "[0, 1)")?;
        }
        check_range(
            "horizon_years",
            self.horizon_years,
            |x| (1.0..=50.0).contains(&x),
            "[1, 50] years",
        )?;
        check_range(
            "risk_aversion",
            self.risk_aversion,
            |x| (0.0..=3.0).contains(&x),
            "[0, 3]",
        )?;
        check_range(
            "mining_hurdle",
            self.mining_hurdle,
            |x| (1.0..=5.0).contains(&x),
            "[1, 5]",
        )?;
        for &s in &self.belief_shares {
            check("belief_shares", s, |x| x >= 0.0, ">= 0")?;
        }
        let sum: f64 = self.belief_shares.iter().sum();
        check(
            "belief_shares",
            sum,
            |x| (x - 1.0).abs() < 1e-6,
            "shares summing to 1",
        )?;
        for memory_years in [self.adaptive_memory_years.0, self.adaptive_memory_years.1] {
            BeliefModel::Adaptive { memory_years }.validate()?;
        }
        check(
            "secondary_only_share",
            self.secondary_only_share,
            |x| (0.0..=1.0).contains(&x),
            "[0, 1]",
        )?;
        for mu in [self.drift_mu.0, self.drift_mu.1] {
            BeliefModel::Drift { mu }.validate()?;
        }
        Ok(())
    }

    /// Generates the firms owning sites of capacities `site_mw` (MW).
    pub fn generate<R: Rng + ?Sized>(
        &self,
        site_mw: &[f64],
        rng: &mut R,
    ) -> Result<Vec<FirmSpec>, ParamError> {
        self.validate(site_mw.len())?;
        let n = self.firms;
        let mut order: Vec<usize> = (0..site_mw.len()).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        let mut sites: Vec<Vec<u32>> = vec![Vec::new(); n];
        let mut mw = Fenwick::new(n);
        for (j, &s) in order.iter().enumerate() {
            let owner = if j < n {
                j
            } else {
                mw.find(rng.random::<f64>() * mw.total())
            };
            sites[owner].push(s as u32);
            mw.add(owner, site_mw[s]);
        }
        // Public: the largest firms by MW.
        let owned: Vec<f64> = sites
            .iter()
            .map(|s| s.iter().map(|&i| site_mw[i as usize]).sum())
            .collect();
        let mut by_size: Vec<usize> = (0..n).collect();
        by_size.sort_by(|&a, &b| owned[b].total_cmp(&owned[a]).then(a.cmp(&b)));
        let n_public = (self.public_share * n as f64).round() as usize;
        let mut public = vec![false; n];
        by_size[..n_public].iter().for_each(|&i| public[i] = true);

        let uniform = |rng: &mut R, r: Range| r.0 + (r.1 - r.0) * rng.random::<f64>();
        let mut firms = Vec::with_capacity(n);
        for (i, s) in sites.into_iter().enumerate() {
            let mw = owned[i];
            let public = public[i];
            // Lognormal with mean 1 and log-sd 0.5.
            let z: f64 = rng.sample(rand_distr::StandardNormal);
            let cash = self.cash_usd_per_mw * mw * (0.5 * z - 0.125).exp();
            let debt = self.debt_usd_per_mw * mw * 2.0 * rng.random::<f64>();
            let discount_rate = if public {
                uniform(rng, self.discount_rate_public)
            } else {
                uniform(rng, self.discount_rate_private)
            };
            let horizon_years = uniform(rng, self.horizon_years);
            let risk_aversion = uniform(rng, self.risk_aversion);
            let mining_hurdle = uniform(rng, self.mining_hurdle);
            let x = rng.random::<f64>();
            let belief = if x < self.belief_shares[0] {
                BeliefModel::Naive
            } else if x < self.belief_shares[0] + self.belief_shares[1] {
                BeliefModel::Adaptive {
                    memory_years: uniform(rng, self.adaptive_memory_years),
                }
            } else {
                BeliefModel::Drift {
                    mu: uniform(rng, self.drift_mu),
                }
            };
            let buys_new = public || rng.random::<f64>() >= self.secondary_only_share;
            firms.push(FirmSpec {
                sites: s,
                public,
                cash_usd: cash,
                debt_usd: debt,
                credit_usd: mw
                    * if public {
                        self.credit_usd_per_mw_public
                    } else {
                        self.credit_usd_per_mw_private
                    },
                project_finance: if public {
                    self.project_finance_public
                } else {
                    self.project_finance_private
                },
                strategy: Strategy {
                    discount_rate,
                    horizon_years,
                    risk_aversion,
                    mining_hurdle,
                    belief,
                    buys_new,
                },
            });
        }
        Ok(firms)
    }
}

/// A Fenwick (binary indexed) tree of non-negative weights: add and weighted sampling in
/// `O(log n)`.
#[derive(Debug, Clone)]
struct Fenwick {
    tree: Vec<f64>,
    total: f64,
}

impl Fenwick {
    fn new(n: usize) -> Self {
        Self {
            tree: vec![0.0; n + 1],
            total: 0.0,
        }
    }

    fn total(&self) -> f64 {
        self.total
    }

    fn add(&mut self, i: usize, w: f64) {
        self.total += w;
        let mut k = i + 1;
        while k < self.tree.len() {
            self.tree[k] += w;
            k += k & k.wrapping_neg();
        }
    }

    /// The index `i` whose cumulative weight interval contains `x` (0 <= x < total).
    fn find(&self, mut x: f64) -> usize {
        let n = self.tree.len() - 1;
        let mut pos = 0;
        let mut step = n.next_power_of_two();
        while step > 0 {
            let next = pos + step;
            if next <= n && self.tree[next] <= x {
                pos = next;
                x -= self.tree[next];
            }
            step >>= 1;
        }
        pos.min(n - 1)
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    /// Defaults used by the engine (kept in sync by `hashshift::scenario::defaults`).
    pub(crate) fn params(firms: usize) -> FirmPopulationParams {
        FirmPopulationParams {
            firms,
            public_share: 0.01,
            cash_usd_per_mw: 150_000.0,
            debt_usd_per_mw: 200_000.0,
            discount_rate_public: (0.08, 0.12),
            discount_rate_private: (0.12, 0.20),
            credit_usd_per_mw_public: 1.0e6,
            credit_usd_per_mw_private: 0.15e6,
            project_finance_public: 0.85,
            project_finance_private: 0.5,
            horizon_years: (8.0, 15.0),
            risk_aversion: (0.3, 1.0),
            mining_hurdle: (1.1, 1.5),
            belief_shares: [0.4, 0.4, 0.2],
            adaptive_memory_years: (0.5, 3.0),
            drift_mu: (0.05, 0.3),
            secondary_only_share: 0.5,
        }
    }

    #[test]
    fn every_site_has_one_owner_and_sizes_are_heavy_tailed() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        // Equal sites: any concentration comes from the ownership process alone.
        let site_mw = vec![10.0; 6000];
        let firms = params(2000).generate(&site_mw, &mut rng).unwrap();
        assert_eq!(firms.len(), 2000);
        let mut seen = vec![0u8; site_mw.len()];
        for f in &firms {
            assert!(!f.sites.is_empty());
            f.sites.iter().for_each(|&s| seen[s as usize] += 1);
        }
        assert!(seen.iter().all(|&c| c == 1));
        let mut mw: Vec<f64> = firms
            .iter()
            .map(|f| f.sites.iter().map(|&s| site_mw[s as usize]).sum())
            .collect();
        mw.sort_by(|a, b| b.total_cmp(a));
        let total: f64 = mw.iter().sum();
        // The top 1 % of firms hold far more than 1 % of MW (Yule: the expected share of
        // the largest 20 of 2,000 firms founded with 2 sites each on average is several %).
        let top = mw[..20].iter().sum::<f64>() / total;
        assert!(top > 0.03, "top 1 % of firms hold {top}");
        // Public firms are the largest.
        let n_public = firms.iter().filter(|f| f.public).count();
        assert_eq!(n_public, 20);
        let smallest_public = firms
            .iter()
            .filter(|f| f.public)
            .map(|f| f.sites.iter().map(|&s| site_mw[s as usize]).sum::<f64>())
            .fold(f64::INFINITY, f64::min);
        assert!(smallest_public >= mw[20]);
    }

    #[test]
    fn fenwick_samples_by_weight() {
        let mut f = Fenwick::new(3);
        f.add(0, 1.0);
        f.add(1, 0.0);
        f.add(2, 3.0);
        assert_eq!(f.find(0.5), 0);
        assert_eq!(f.find(1.0), 2);
        assert_eq!(f.find(3.99), 2);
    }

    #[test]
    fn bad_parameters_are_named() {
        let mut p = params(10);
        p.belief_shares = [0.5, 0.5, 0.5];
        assert_eq!(p.validate(10).unwrap_err().param, "belief_shares");
        let p = params(20);
        assert_eq!(p.validate(10).unwrap_err().param, "firms");
        let mut p = params(5);
        p.horizon_years = (10.0, 5.0);
        assert_eq!(p.validate(10).unwrap_err().param, "horizon_years");
    }
}
