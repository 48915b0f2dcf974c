//! A generated population of mining sites and their fleets.
//!
//! 1. **Sizes**: site capacity (MW at the meter) is Pareto with tail index `alpha` and scale
//!    `min_mw`, truncated at `max_mw` (one inverse-CDF draw per site,
//!    `x = x_m (1 - u (1 - (x_m/x_max)^alpha))^(-1/alpha)`): a few very large sites hold much of
//!    the capacity, as in the real industry, where the largest single sites reach several
//!    hundred MW.
//! 2. **Regions**: sites are visited in random order and each is placed in a region with
//!    probability proportional to that region's remaining MW deficit against its target share,
//!    so realized regional shares track the targets even with heavy-tailed sizes.
//! 3. **PUE**: uniform in `[pue_min, pue_max]`. **Price factor**: the site's energy price
//!    relative to its region's: with probability `cheap_share` the site is in the cheap tail
//!    (stranded or flared gas, curtailed hydro, behind-the-meter deals), its factor uniform in
//!    `cheap_factor`; otherwise lognormal with mean 1 and log-sd `price_factor_sd`. The tail
//!    spreads the cost curve: a fall of the hashprice switches off the dear sites first and the
//!    cheap ones last.
//! 4. **Fleet**: the network mix gives hashrate shares `s_k`; model `k` then draws the power
//!    share `m_k = s_k e_k / sum_j(s_j e_j)` (`e_k` in J/TH). A site's IT power `P_IT = MW / PUE`
//!    is split into `vintages_per_site` equal slots; each slot holds a model drawn independently
//!    with probability `m_k` (slots drawing the same model merge into one unit), and model `k`
//!    in a slot of power `P` runs `P / e_k` TH/s. The expected power of model `k` network-wide
//!    is then exactly `m_k` of the total, so the expected hashrate mix is exactly `s_k` (drawing
//!    without replacement, or splitting a site by relative shares, would bias it).
//!
//! Calibration to a target running hashrate is exact by scaling ([`Population::scale`]):
//! scaling every site by `f` scales every unit's TH/s by `f`, and which units run does not
//! depend on size, so running hashrate scales by `f` too.

use std::fmt;

use rand::Rng;
use rand_distr::{Distribution, Normal};

use super::fleet::Unit;
use crate::hardware::{Catalog, Region};

/// Parameters of the generated population.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PopulationParams {
    /// Number of sites (1 ..= 1,000,000).
    pub sites: usize,
    /// Pareto tail index of site capacity, (1, 10].
    pub alpha: f64,
    /// Smallest site, MW (> 0).
    pub min_mw: f64,
    /// Largest site, MW (> min_mw).
    pub max_mw: f64,
    /// Lowest PUE (>= 1).
    pub pue_min: f64,
    /// Highest PUE (>= pue_min, <= 3).
    pub pue_max: f64,
    /// Log-sd of the site price factor, [0, 2].
    pub price_factor_sd: f64,
    /// Share of the sites in the cheap tail of energy prices, [0, 1].
    pub cheap_share: f64,
    /// Price factor of a cheap-tail site, uniform in `[low, high]`, `0 < low <= high <= 1`.
    pub cheap_factor: (f64, f64),
    /// Equal power slots per site, each holding one model (>= 1, <= 64; slots with the same
    /// model merge, so a site runs at most this many models).
    pub vintages_per_site: usize,
}

/// A site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Site {
    /// Site id (index).
    pub id: u32,
    /// Region.
    pub region: Region,
    /// Power capacity at the meter, MW.
    pub capacity_mw: f64,
    /// Power usage effectiveness.
    pub pue: f64,
    /// Energy price relative to the region's price.
    pub price_factor: f64,
}

/// Why a population could not be generated.
#[derive(Debug, Clone, PartialEq)]
pub struct PopulationError(pub String);

impl fmt::Display for PopulationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PopulationError {}

/// Sites and their fleet units (one unit per model per site).
#[derive(Debug, Clone, PartialEq)]
pub struct Population {
    /// The sites.
    pub sites: Vec<Site>,
    /// The units, grouped by site.
    pub units: Vec<Unit>,
}

impl PopulationParams {
    /// Checks every parameter's range.
    pub fn validate(&self) -> Result<(), PopulationError> {
        let fail = |what: &str| Err(PopulationError(what.to_string()));
        let fin = |x: f64| x.is_finite();
        if !(1..=1_000_000).contains(&self.sites) {
            return fail(&format!(
                "sites = {} is not allowed (1 ..= 1,000,000)",
                self.sites
            ));
        }
        if !(fin(self.alpha) && self.alpha > 1.0 && self.alpha <= 10.0) {
            return fail(&format!(
                "alpha = {} is not allowed (1 < alpha <= 10)",
                self.alpha
            ));
        }
        if !(fin(self.min_mw) && self.min_mw > 0.0) {
            return fail(&format!("min_mw = {} is not allowed (> 0 MW)", self.min_mw));
        }
        if !(fin(self.max_mw) && self.max_mw > self.min_mw) {
            return fail(&format!(
                "max_mw = {} is not allowed (> min_mw = {} MW)",
                self.max_mw, self.min_mw
            ));
        }
        if !(fin(self.pue_min)
            && self.pue_min >= 1.0
            && fin(self.pue_max)
            && self.pue_max >= self.pue_min
            && self.pue_max <= 3.0)
        {
            return fail(&format!(
                "pue range [{}, {}] is not allowed (1 <= pue_min <= pue_max <= 3)",
                self.pue_min, self.pue_max
            ));
        }
        if !(fin(self.price_factor_sd) && (0.0..=2.0).contains(&self.price_factor_sd)) {
            return fail(&format!(
                "price_factor_sd = {} is not allowed (0 ..= 2)",
                self.price_factor_sd
            ));
        }
        if !(fin(self.cheap_share) && (0.0..=1.0).contains(&self.cheap_share)) {
            return fail(&format!(
                "cheap_share = {} is not allowed (0 ..= 1)",
                self.cheap_share
            ));
        }
        let (lo, hi) = self.cheap_factor;
        if !(fin(lo) && fin(hi) && lo > 0.0 && lo <= hi && hi <= 1.0) {
            return fail(&format!(
                "cheap_factor [{lo}, {hi}] is not allowed (0 < low <= high <= 1)"
            ));
        }
        if !(1..=64).contains(&self.vintages_per_site) {
            return fail(&format!(
                "vintages_per_site = {} is not allowed (1 ..= 64)",
                self.vintages_per_site
            ));
        }
        Ok(())
    }
}

impl Population {
    /// Generates a population. `region_shares`: target share of MW by region (sums to 1);
    /// `mix`: network hashrate share by catalog model id (sums to 1).
    pub fn generate<R: Rng + ?Sized>(
        p: &PopulationParams,
        region_shares: &[(Region, f64)],
        mix: &[(u16, f64)],
        catalog: &Catalog,
        rng: &mut R,
    ) -> Result<Self, PopulationError> {
        p.validate()?;
        let share_sum: f64 = region_shares.iter().map(|r| r.1).sum();
        if region_shares.is_empty()
            || region_shares.iter().any(|r| r.1.is_nan() || r.1 < 0.0)
            || (share_sum - 1.0).abs() > 1e-6
        {
            return Err(PopulationError(format!(
                "region shares must be >= 0 and sum to 1 (they sum to {share_sum})"
            )));
        }
        // Mix: (share, J/TH, model id); validated against the catalog.
        let mut models: Vec<(f64, f64, u16)> = Vec::with_capacity(mix.len());
        for &(id, s) in mix {
            let m = catalog.get(id).ok_or_else(|| {
                PopulationError(format!(
                    "fleet mix names model id {id}, which is not in the catalog"
                ))
            })?;
            if !(s.is_finite() && s >= 0.0) {
                return Err(PopulationError(format!(
                    "fleet mix share {s} of model {id} must be >= 0"
                )));
            }
            if s > 0.0 {
                models.push((s, m.efficiency_j_per_th(), id));
            }
        }
        let mix_sum: f64 = models.iter().map(|m| m.0).sum();
        if models.is_empty() || (mix_sum - 1.0).abs() > 1e-6 {
            return Err(PopulationError(format!(
                "fleet mix shares must sum to 1 (they sum to {mix_sum})"
            )));
        }
        // From hashrate shares to power shares m_k.
        let power: f64 = models.iter().map(|m| m.0 * m.1).sum();
        models.iter_mut().for_each(|m| m.0 = m.0 * m.1 / power);

        // 1. Sizes: inverse CDF of the Pareto truncated at max_mw,
        //    x = x_m (1 - u (1 - (x_m / x_max)^alpha))^(-1/alpha), u uniform in [0, 1).
        let tail = 1.0 - (p.min_mw / p.max_mw).powf(p.alpha);
        let sizes: Vec<f64> = (0..p.sites)
            .map(|_| {
                let u: f64 = rng.random::<f64>();
                (p.min_mw * (1.0 - u * tail).powf(-1.0 / p.alpha)).clamp(p.min_mw, p.max_mw)
            })
            .collect();
        let total: f64 = sizes.iter().sum();

        // 2. Regions by remaining deficit, visiting sites in random order.
        let mut order: Vec<usize> = (0..p.sites).collect();
        for i in (1..order.len()).rev() {
            order.swap(i, rng.random_range(0..=i));
        }
        let mut deficit: Vec<f64> = region_shares.iter().map(|r| r.1 * total).collect();
        let mut region_of = vec![region_shares[0].0; p.sites];
        for &i in &order {
            let weight: f64 = deficit.iter().map(|d| d.max(0.0)).sum();
            let k = if weight > 0.0 {
                let mut x = rng.random::<f64>() * weight;
                let mut k = 0;
                while k + 1 < deficit.len() && x >= deficit[k].max(0.0) {
                    x -= deficit[k].max(0.0);
                    k += 1;
                }
                k
            } else {
                // All targets met (rounding): the region with the largest share.
                (0..deficit.len())
                    .max_by(|&a, &b| region_shares[a].1.total_cmp(&region_shares[b].1))
                    .unwrap_or(0)
            };
            deficit[k] -= sizes[i];
            region_of[i] = region_shares[k].0;
        }

        // 3-4. Site attributes and fleets.
        let price_noise = Normal::new(0.0, p.price_factor_sd).expect("validated sd");
        let mut sites = Vec::with_capacity(p.sites);
        let mut units = Vec::with_capacity(p.sites * p.vintages_per_site.min(models.len()));
        let mut chosen: Vec<usize> = Vec::with_capacity(p.vintages_per_site);
        for (i, &mw) in sizes.iter().enumerate() {
            let pue = p.pue_min + (p.pue_max - p.pue_min) * rng.random::<f64>();
            let price_factor = if rng.random::<f64>() < p.cheap_share {
                let (lo, hi) = p.cheap_factor;
                lo + (hi - lo) * rng.random::<f64>()
            } else {
                let z: f64 = price_noise.sample(rng);
                (z - 0.5 * p.price_factor_sd * p.price_factor_sd).exp()
            };
            let site = Site {
                id: i as u32,
                region: region_of[i],
                capacity_mw: mw,
                pue,
                price_factor,
            };
            // Equal slots, each an independent draw by power share; equal draws merge.
            chosen.clear();
            for _ in 0..p.vintages_per_site {
                let mut x = rng.random::<f64>();
                let mut pick = models.len() - 1;
                for (k, m) in models.iter().enumerate() {
                    if x < m.0 {
                        pick = k;
                        break;
                    }
                    x -= m.0;
                }
                chosen.push(pick);
            }
            chosen.sort_unstable();
            let slot_w = mw * 1e6 / pue / p.vintages_per_site as f64;
            for (j, &k) in chosen.iter().enumerate() {
                if j > 0 && chosen[j - 1] == k {
                    continue;
                }
                let slots = chosen[j..].iter().take_while(|&&c| c == k).count();
                let (_, e, id) = models[k];
                units.push(Unit {
                    site: site.id,
                    region: site.region.index() as u16,
                    model: id,
                    ths: slot_w * slots as f64 / e,
                    j_per_th: e,
                    pue,
                    price_factor,
                });
            }
            sites.push(site);
        }
        Ok(Self { sites, units })
    }

    /// Scales every site's capacity and every unit's hashrate by `factor` (> 0).
    pub fn scale(&mut self, factor: f64) {
        assert!(
            factor.is_finite() && factor > 0.0,
            "scale factor must be positive"
        );
        self.sites.iter_mut().for_each(|s| s.capacity_mw *= factor);
        self.units.iter_mut().for_each(|u| u.ths *= factor);
    }

    /// Installed hashrate, TH/s.
    pub fn installed_ths(&self) -> f64 {
        self.units.iter().map(|u| u.ths).sum()
    }

    /// Installed capacity, MW.
    pub fn capacity_mw(&self) -> f64 {
        self.sites.iter().map(|s| s.capacity_mw).sum()
    }

    /// Hashrate-weighted efficiency of the installed fleet, J/TH.
    pub fn efficiency_j_per_th(&self) -> f64 {
        self.units.iter().map(|u| u.ths * u.j_per_th).sum::<f64>() / self.installed_ths()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::DEFAULT_FLEET_MIX_2026;
    use rand::SeedableRng;
    use rand_chacha::ChaCha8Rng;

    fn params() -> PopulationParams {
        PopulationParams {
            sites: 3000,
            alpha: 1.3,
            min_mw: 1.0,
            max_mw: 500.0,
            pue_min: 1.03,
            pue_max: 1.2,
            price_factor_sd: 0.2,
            cheap_share: 0.1,
            cheap_factor: (0.3, 0.6),
            vintages_per_site: 3,
        }
    }

    fn shares() -> Vec<(Region, f64)> {
        Region::ALL
            .iter()
            .map(|&r| (r, r.default_profile().hashrate_share_2026))
            .collect()
    }

    fn generate(seed: u64) -> Population {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        Population::generate(
            &params(),
            &shares(),
            DEFAULT_FLEET_MIX_2026,
            &Catalog::default_catalog(),
            &mut rng,
        )
        .unwrap()
    }

    #[test]
    fn sizes_are_heavy_tailed_and_bounded() {
        let p = generate(1);
        assert_eq!(p.sites.len(), 3000);
        let mut mw: Vec<f64> = p.sites.iter().map(|s| s.capacity_mw).collect();
        mw.sort_by(|a, b| b.total_cmp(a));
        assert!(mw.iter().all(|&x| (1.0..=500.0).contains(&x)));
        // Heavy tail: the largest 10% of sites hold far more than 10% of the capacity.
        let top: f64 = mw[..300].iter().sum();
        assert!(
            top / p.capacity_mw() > 0.4,
            "top decile share {}",
            top / p.capacity_mw()
        );
    }

    #[test]
    fn a_tenth_of_the_sites_are_in_the_cheap_tail() {
        let p = generate(4);
        // Cheap-tail factors are in [0.3, 0.6]; a lognormal factor (log-sd 0.2) falls there
        // with probability P(z < ln 0.6 + 0.02) = P(z < -2.45 sd) < 1 %.
        let cheap = p
            .sites
            .iter()
            .filter(|s| (0.3..=0.6).contains(&s.price_factor))
            .count() as f64
            / 3000.0;
        // Binomial(3000, ~0.1): sd 0.0055; 4 sd, plus the lognormal's < 1 %.
        assert!((0.078..=0.132).contains(&cheap), "cheap share {cheap}");
        assert!(p.sites.iter().all(|s| s.price_factor > 0.0));
        // Without the tail no site is that cheap.
        let mut rng = ChaCha8Rng::seed_from_u64(4);
        let none = PopulationParams {
            cheap_share: 0.0,
            ..params()
        };
        let p = Population::generate(
            &none,
            &shares(),
            DEFAULT_FLEET_MIX_2026,
            &Catalog::default_catalog(),
            &mut rng,
        )
        .unwrap();
        let cheap = p.sites.iter().filter(|s| s.price_factor <= 0.6).count();
        assert!(cheap < 30, "{cheap} sites below 0.6 without the tail");
    }

    #[test]
    fn regional_shares_track_targets() {
        let p = generate(2);
        let total = p.capacity_mw();
        for (r, target) in shares() {
            let got: f64 = p
                .sites
                .iter()
                .filter(|s| s.region == r)
                .map(|s| s.capacity_mw)
                .sum::<f64>()
                / total;
            assert!((got - target).abs() < 0.02, "{r:?}: {got} vs {target}");
        }
    }

    #[test]
    fn fleets_fill_site_power_and_follow_the_mix() {
        let p = generate(3);
        for s in &p.sites {
            let w: f64 = p
                .units
                .iter()
                .filter(|u| u.site == s.id)
                .map(|u| u.ths * u.j_per_th * u.pue)
                .sum();
            assert!(
                (w - s.capacity_mw * 1e6).abs() < 1e-6 * w,
                "site {} draws {w} W",
                s.id
            );
        }
        let cat = Catalog::default_catalog();
        let mix_eff = cat.weighted_efficiency(DEFAULT_FLEET_MIX_2026).unwrap();
        let eff = p.efficiency_j_per_th();
        assert!((eff / mix_eff - 1.0).abs() < 0.02, "{eff} vs mix {mix_eff}");
        // Scaling is exact.
        let mut q = p.clone();
        q.scale(2.0);
        assert!((q.installed_ths() / p.installed_ths() - 2.0).abs() < 1e-12);
    }

    #[test]
    fn skewed_mixes_are_unbiased() {
        // Half the hashrate on 100 J/TH machines, half on 13.5 J/TH: the old machines should
        // hold m = 0.5 x 100 / (0.5 x 100 + 0.5 x 13.5) = 88.1% of the power, the case where
        // picking models per site without replacement was biased. One population's share is
        // noisy (a few large sites carry much weight), so test the mean over 30 populations
        // against 4 standard errors of that mean.
        let mix = [(1u16, 0.5), (35u16, 0.5)];
        let cat = Catalog::default_catalog();
        let m = 0.5 * 100.0 / (0.5 * 100.0 + 0.5 * 13.5);
        let shares: Vec<f64> = (0..30)
            .map(|seed| {
                let mut rng = ChaCha8Rng::seed_from_u64(seed);
                let p = Population::generate(&params(), &shares(), &mix, &cat, &mut rng).unwrap();
                let power = |id: u16| {
                    p.units
                        .iter()
                        .filter(|u| u.model == id)
                        .map(|u| u.ths * u.j_per_th)
                        .sum::<f64>()
                };
                power(1) / (power(1) + power(35))
            })
            .collect();
        let n = shares.len() as f64;
        let mean = shares.iter().sum::<f64>() / n;
        let sd = (shares.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)).sqrt();
        assert!(
            (mean - m).abs() < 4.0 * sd / n.sqrt(),
            "mean power share {mean} vs {m} (sd {sd})"
        );
    }

    #[test]
    fn bad_parameters_are_named() {
        let mut rng = ChaCha8Rng::seed_from_u64(0);
        let cat = Catalog::default_catalog();
        let mut bad = params();
        bad.alpha = 0.5;
        let e = Population::generate(&bad, &shares(), DEFAULT_FLEET_MIX_2026, &cat, &mut rng)
            .unwrap_err();
        assert!(e.to_string().contains("alpha"), "{e}");
        for (share, factor, key) in [
            (1.5, (0.3, 0.6), "cheap_share"),
            (-0.1, (0.3, 0.6), "cheap_share"),
            (0.1, (0.0, 0.6), "cheap_factor"),
            (0.1, (0.7, 0.6), "cheap_factor"),
            (0.1, (0.3, 1.2), "cheap_factor"),
        ] {
            let bad = PopulationParams {
                cheap_share: share,
                cheap_factor: factor,
                ..params()
            };
            let e = Population::generate(&bad, &shares(), DEFAULT_FLEET_MIX_2026, &cat, &mut rng)
                .unwrap_err();
            assert!(e.to_string().contains(key), "{e}");
        }
        let e =
            Population::generate(&params(), &shares(), &[(9999, 1.0)], &cat, &mut rng).unwrap_err();
        assert!(e.to_string().contains("9999"), "{e}");
        let e = Population::generate(
            &params(),
            &[(Region::ALL[0], 0.5)],
            DEFAULT_FLEET_MIX_2026,
            &cat,
            &mut rng,
        )
        .unwrap_err();
        assert!(e.to_string().contains("sum to 1"), "{e}");
    }
}
