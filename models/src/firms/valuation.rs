//! What a megawatt is worth to a firm under each use: mining (with the ASIC refresh it will
//! need), AI colocation and AI cloud; and the real-option hurdle an irreversible conversion
//! must clear.
//!
//! All values are present values per **gross MW** (at the meter), in USD, over the firm's
//! horizon `H` years on a quarterly grid (`dt = 0.25` year, cash flows at mid-quarter
//! `t_k = (k + 1/2) dt`), discounted continuously at the firm's cost of capital `rho`:
//! `df(t) = exp(-rho t)`.
//!
//! # Expected hashprice
//!
//! The firm knows the halving schedule: `s_k = R(t_k) / R(0)`, the block reward (subsidy plus
//! expected fees) at `t_k` relative to now, is computed from the height and the subsidy rule
//! ([`RewardPath`]). A step with a halving inside is valued on each side of it: its margin is
//! `a m(hp_before) + (1 - a) m(hp_after)` with `a` the share of the step before the halving
//! (a machine that pays until the halving keeps that part of its value instead of being
//! valued at the step's mid-time alone). It expects the BTC price to drift at `mu` (its
//! belief) and difficulty to grow, beyond what the price explains, at log rate `g` (more
//! efficient machines arriving):
//!
//! ```text
//! hp(t_k) = hp_0 x s_k x exp((mu - g) t_k)          USD per TH/s per day
//! ```
//!
//! # Mining
//!
//! A fleet of efficiency `e` (J/TH) at PUE `u` gives `T = 10^6 / (e u)` TH/s per MW and costs
//! `c = e u 24 / 1000 x p` USD per TH/s per day at energy price `p` (carbon included). Machines
//! stop when they do not pay (the short-run option), so the quarter's margin is
//! `(hp - c) T x 91.3 d` less the non-energy operating cost `o` per MW-year when `hp > c`, and
//! zero otherwise (stopped machines draw neither power nor operating cost). After the remaining life `l` the firm refreshes with the frontier machine of
//! that date (`e_f (1 - r)^l` J/TH at `c_f (1 + q)^l` USD per TH) if that cycle pays; a cycle
//! cut by the horizon is charged only the share of its capex it uses (straight-line
//! depreciation).
//!
//! # AI
//!
//! Converting a gross MW yields `gamma` MW of critical IT after a lead time `L` (no revenue
//! meanwhile) for capex `gamma x K` paid now. Colocation earns the locked rate `r` per MW of IT
//! per year at NOI margin `m`, while the tenant survives (hazard `lambda`):
//! `PV = sum_k gamma r m exp(-lambda (t_k - L)) df(t_k) dt` over `L <= t_k < H`. The contract is
//! assumed renewed at the same rate within the horizon. Cloud earns the locked revenue `R_c`
//! per MW of IT per year less the opex share and the power drawn, for the GPU life; the shell
//! then serves colocation at the current rate. The ASICs on the MW are sold now at
//! secondary-market prices (the salvage, counted with the AI option).
//!
//! # Irreversibility (Dixit and Pindyck 1994, ch. 5)
//!
//! An irreversible investment whose value follows a geometric Brownian motion with volatility
//! `sigma` and drift `alpha`, discounted at `rho`, is worth making only when value / cost reaches
//! `beta / (beta - 1)`, with
//!
//! ```text
//! beta = 1/2 - alpha / sigma^2 + sqrt((alpha / sigma^2 - 1/2)^2 + 2 rho / sigma^2)  (> 1)
//! ```
//!
//! which rises with `sigma` (1 when `sigma -> 0`: the NPV rule). A firm with risk aversion `a`
//! uses the hurdle `1 + a (beta / (beta - 1) - 1)`: it converts only when
//! `PV_ai + salvage >= hurdle x (capex + V_mining)`.

/// Length of one valuation step, years.
pub const STEP_YEARS: f64 = 0.25;
/// Days per valuation step.
const STEP_DAYS: f64 = STEP_YEARS * 365.25;
/// Largest real-option multiple used (a cap for tiny `rho / sigma^2`).
pub const MAX_HURDLE: f64 = 10.0;

/// Number of valuation steps over `horizon_years`.
pub fn steps(horizon_years: f64) -> usize {
    ceil_to_usize(horizon_years / STEP_YEARS).max(1)
}

/// `x.ceil() as usize`, exactly (negative and NaN give 0, as the saturating cast does), without
/// the libm call `ceil` compiles to on baseline x86-64 (no SSE4.1): the valuations take
/// millions of them.
#[inline]
fn ceil_to_usize(x: f64) -> usize {
    let n = x as usize;
    // `n as f64` is exact below 2^53, and from there every `f64` is an integer.
    if (n as f64) < x {
        n.saturating_add(1)
    } else {
        n
    }
}

/// `x.round() as usize` (half away from zero), exactly, without a libm call (see
/// [`ceil_to_usize`]).
#[inline]
fn round_to_usize(x: f64) -> usize {
    let n = x as usize;
    // Exact: `x - n` is `x` for n = 0, and Sterbenz's lemma holds for n <= x < n + 1 <= 2n.
    if x - n as f64 >= 0.5 {
        n.saturating_add(1)
    } else {
        n
    }
}

/// Mid-step time of step `k`, years.
#[inline]
fn t_mid(k: usize) -> f64 {
    (k as f64 + 0.5) * STEP_YEARS
}

/// Dixit-Pindyck investment multiple `beta / (beta - 1)` for volatility `sigma` per year
/// (at least 0), drift `alpha` (below `rho`) and discount rate `rho` (above 0); 1 when
/// `sigma = 0`, capped at [`MAX_HURDLE`].
pub fn real_option_multiple(sigma: f64, alpha: f64, rho: f64) -> f64 {
    if sigma.is_nan() || sigma <= 1e-9 || rho.is_nan() || rho <= 0.0 {
        return 1.0;
    }
    let s2 = sigma * sigma;
    let a = alpha / s2 - 0.5;
    let beta = -a + (a * a + 2.0 * rho / s2).sqrt();
    if beta <= 1.0 {
        return MAX_HURDLE;
    }
    (beta / (beta - 1.0)).min(MAX_HURDLE)
}

/// A valuation step with a halving inside: the share of the step before it, and the block
/// reward before and after it relative to the step's (time-weighted) ratio `s_k`, so that
/// `before_share x before + (1 - before_share) x after = 1`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SplitStep {
    /// The step, `k`.
    pub step: usize,
    /// Share of the step before the halving, (0, 1).
    pub before_share: f64,
    /// Reward before the halving over `s_k`.
    pub before: f64,
    /// Reward after the halving over `s_k`.
    pub after: f64,
}

/// The block reward over the valuation grid seen from a height: `ratios[k]` is the reward
/// (subsidy plus `fee_btc`) at step `k`'s mid-time relative to now, except over a step with a
/// halving inside, where it is the time-weighted mean of the rewards on each side and the step
/// is listed in `splits`. Without the split a machine paying until the halving and not after
/// it would be valued on the step's mid-time alone: worth nothing up to half a step (about six
/// weeks) before the halving, and sold then.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RewardPath {
    /// `s_k` per step.
    pub ratios: Vec<f64>,
    /// The steps with a halving inside, in order.
    pub splits: Vec<SplitStep>,
}

impl RewardPath {
    /// The path of `n` steps from `height` (the next block) with `fee_btc` per block, at 144
    /// blocks a day.
    pub fn new(height: u64, fee_btc: f64, n: usize) -> Self {
        use crate::consensus::{block_subsidy, COIN, SUBSIDY_HALVING_INTERVAL};
        let blocks_per_year = 365.25 * 144.0;
        let reward = |h: u64| block_subsidy(h) as f64 / COIN as f64 + fee_btc;
        let r0 = reward(height).max(1e-12);
        let at = |t: f64| height + (t * blocks_per_year) as u64;
        let mut path = RewardPath {
            ratios: Vec::with_capacity(n),
            splits: Vec::new(),
        };
        for k in 0..n {
            let (h0, h1) = (at(k as f64 * STEP_YEARS), at((k + 1) as f64 * STEP_YEARS));
            // The first halving after the step's first block, if it falls inside the step.
            let halving = (h0 / SUBSIDY_HALVING_INTERVAL + 1) * SUBSIDY_HALVING_INTERVAL;
            let (before, after) = (reward(h0) / r0, reward(h1) / r0);
            if halving < h1 && before != after {
                let share = (halving - h0) as f64 / (h1 - h0) as f64;
                let mean = share * before + (1.0 - share) * after;
                if mean > 0.0 {
                    path.ratios.push(mean);
                    path.splits.push(SplitStep {
                        step: k,
                        before_share: share,
                        before: before / mean,
                        after: after / mean,
                    });
                    continue;
                }
            }
            path.ratios.push(reward(at(t_mid(k))) / r0);
        }
        path
    }
}

/// The market view shared by every firm deciding at one date.
#[derive(Debug, Clone, Copy)]
pub struct Outlook<'a> {
    /// Hashprice now, USD per TH/s per day.
    pub hashprice: f64,
    /// `s_k`: block reward over step `k` relative to now (at least as many steps as any
    /// firm's horizon): at the step's mid-time, or its time-weighted mean over a step with a
    /// halving ([`RewardPath`]).
    pub reward_ratio: &'a [f64],
    /// The steps with a halving inside, in step order: their margins are valued on each side
    /// of it ([`SplitStep`]).
    pub split_steps: &'a [SplitStep],
    /// `g`: expected log growth of difficulty per year beyond the price's effect.
    pub difficulty_growth: f64,
    /// Frontier machine now: efficiency, J/TH.
    pub frontier_j_per_th: f64,
    /// Frontier machine now: price, USD per TH/s.
    pub frontier_usd_per_th: f64,
    /// Yearly fall of the frontier's J/TH, [0, 1).
    pub frontier_improvement: f64,
    /// Yearly change of the price per TH of new machines.
    pub frontier_price_trend: f64,
    /// Life of an ASIC, years.
    pub asic_life_years: f64,
    /// A deciding firm's step factors ([`FirmFactors::new`]); used by the valuations from now of
    /// the firm view they were computed for, ignored otherwise.
    pub firm: Option<FirmFactors>,
    /// The deciding firm's expected hashprice and discount factor at each step from now,
    /// `(hp_k, d_k)` ([`FirmFactors::fill_path`]; empty without a deciding firm): the margins of
    /// machines kept or bought now read them instead of carrying the factors step to step.
    pub firm_path: &'a [(f64, f64)],
}

/// A firm's growth and discount factors at the first step and per step (`exp((mu - g) t_0)`,
/// `exp(-rho t_0)`, `exp((mu - g) dt)`, `exp(-rho dt)`), computed once per decision: the
/// valuations starting now (keeping machines, a new cycle bought now) carry them step to step
/// instead of calling `exp` four times each for every site, machine and lot. They are the
/// numbers [`Outlook`] computes itself, so the values are identical to the bit.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FirmFactors {
    /// What the factors were computed for: `g`, `rho`, `mu` (bits).
    key: (u64, u64, u64),
    factors: StepFactors,
}

/// Growth and discount factors at a first step and per step.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
struct StepFactors {
    growth: f64,
    discount: f64,
    growth_step: f64,
    discount_step: f64,
}

impl StepFactors {
    fn new(o: &Outlook<'_>, f: &FirmView, k0: usize) -> Self {
        let drift = f.price_drift - o.difficulty_growth;
        StepFactors {
            growth: (drift * t_mid(k0)).exp(),
            discount: (-f.discount_rate * t_mid(k0)).exp(),
            growth_step: (drift * STEP_YEARS).exp(),
            discount_step: (-f.discount_rate * STEP_YEARS).exp(),
        }
    }
}

/// A discount rate's factors at the first step and per step, `exp(-rho t_0)` and
/// `exp(-rho dt)`: a firm's cost of capital does not change, so a firm keeps them
/// ([`FirmFactors::with_discount`]) instead of calling `exp` twice at every decision.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DiscountFactors {
    rho_bits: u64,
    first: f64,
    step: f64,
}

impl DiscountFactors {
    /// The factors of discount rate `rho` per year.
    pub fn new(rho: f64) -> Self {
        DiscountFactors {
            rho_bits: rho.to_bits(),
            first: (-rho * t_mid(0)).exp(),
            step: (-rho * STEP_YEARS).exp(),
        }
    }
}

impl FirmFactors {
    fn key_of(o: &Outlook<'_>, f: &FirmView) -> (u64, u64, u64) {
        (
            o.difficulty_growth.to_bits(),
            f.discount_rate.to_bits(),
            f.price_drift.to_bits(),
        )
    }

    /// The factors of a firm with view `f` under outlook `o`.
    pub fn new(o: &Outlook<'_>, f: &FirmView) -> Self {
        FirmFactors {
            key: Self::key_of(o, f),
            factors: StepFactors::new(o, f, 0),
        }
    }

    /// [`FirmFactors::new`] with the firm's discount factors `d` (computed here if they are
    /// not those of `f.discount_rate`): the same numbers with two `exp` fewer.
    pub fn with_discount(o: &Outlook<'_>, f: &FirmView, d: &DiscountFactors) -> Self {
        if d.rho_bits != f.discount_rate.to_bits() {
            return Self::new(o, f);
        }
        let drift = f.price_drift - o.difficulty_growth;
        FirmFactors {
            key: Self::key_of(o, f),
            factors: StepFactors {
                growth: (drift * t_mid(0)).exp(),
                discount: d.first,
                growth_step: (drift * STEP_YEARS).exp(),
                discount_step: d.step,
            },
        }
    }

    /// Fills `out` (replaced) with the expected hashprice and the discount factor of the steps
    /// from now of the firm view these factors were computed for under `o`, carried step to
    /// step exactly as [`Outlook`]'s margins do, so the values read from the path are identical
    /// to the bit. It covers the firm's horizon up to one ASIC life (the machines kept or
    /// bought now live no longer; a longer valuation takes the step-by-step way).
    pub fn fill_path(&self, o: &Outlook<'_>, horizon_years: f64, out: &mut Vec<(f64, f64)>) {
        out.clear();
        let mut x = self.factors;
        let last = o.reward_ratio.len() - 1;
        for k in 0..steps(horizon_years).min(steps(o.asic_life_years)) {
            out.push((
                o.hashprice * o.reward_ratio[k.min(last)] * x.growth,
                x.discount,
            ));
            x.growth *= x.growth_step;
            x.discount *= x.discount_step;
        }
    }
}

/// A firm's view: its discount rate, horizon and expected price drift.
#[derive(Debug, Clone, Copy)]
pub struct FirmView {
    /// `rho`: cost of capital per year.
    pub discount_rate: f64,
    /// `H`: valuation horizon, years.
    pub horizon_years: f64,
    /// `mu`: expected log drift of the BTC price per year.
    pub price_drift: f64,
}

/// A site's costs for mining a MW.
#[derive(Debug, Clone, Copy)]
pub struct SiteCosts {
    /// PUE (>= 1).
    pub pue: f64,
    /// Energy price the site pays, carbon tax included, USD/kWh.
    pub energy_usd_per_kwh: f64,
    /// Non-energy operating cost of mining, USD per MW-year.
    pub mining_opex_usd_per_mw_year: f64,
    /// Fixed cost of mining capacity whose machines stand idle (staff, lease, insurance,
    /// minimum fees), USD per MW-year: stopped machines are not free to hold.
    pub idle_usd_per_mw_year: f64,
}

impl SiteCosts {
    /// Power cost of running machines of efficiency `j_per_th` here, USD per TH/s per day.
    #[inline]
    pub fn power_usd_per_th_day(&self, j_per_th: f64) -> f64 {
        j_per_th * self.pue * 24.0 / 1000.0 * self.energy_usd_per_kwh
    }
}

impl Outlook<'_> {
    /// Expected hashprice at step `k` for a firm expecting price drift `mu`.
    #[inline]
    pub fn hashprice_at(&self, k: usize, mu: f64) -> f64 {
        let s = self.reward_ratio[k.min(self.reward_ratio.len() - 1)];
        self.hashprice * s * ((mu - self.difficulty_growth) * t_mid(k)).exp()
    }

    /// The growth and discount factors from step `k0`: the firm's [`FirmFactors`] from step 0
    /// when it is the firm's, computed otherwise.
    fn step_factors(&self, f: &FirmView, k0: usize) -> StepFactors {
        match self.firm {
            Some(p) if k0 == 0 && p.key == FirmFactors::key_of(self, f) => p.factors,
            _ => StepFactors::new(self, f, k0),
        }
    }

    /// PV per MW of mining with machines of efficiency `j_per_th` over steps `[k0, k1)`, from
    /// margins only (no capex); no `exp` per step.
    fn margin_pv(
        &self,
        f: &FirmView,
        site: &SiteCosts,
        j_per_th: f64,
        k0: usize,
        k1: usize,
    ) -> f64 {
        if k1 <= k0 {
            return 0.0;
        }
        let ths_per_mw = 1e6 / (j_per_th * site.pue);
        let cost = site.power_usd_per_th_day(j_per_th);
        let opex = site.mining_opex_usd_per_mw_year * STEP_YEARS;
        let idle = site.idle_usd_per_mw_year * STEP_YEARS;
        // Machines that do not pay stop and draw neither power nor operating cost; over a step
        // with a halving, on each side of it. Their MW cost the idle fixed cost while they wait
        // to run again: the idle costs of stopped steps are charged when a later step pays
        // (`pending`), and dropped when none does (the firm scraps or sells machines that will
        // not run again rather than hold them idle; the sell decision values that exit).
        let margin = |hp: f64| {
            if hp > cost {
                (hp - cost) * ths_per_mw * STEP_DAYS - opex
            } else {
                0.0
            }
        };
        let split_margin = |s: &SplitStep, hp: f64| {
            s.before_share * margin(hp * s.before) + (1.0 - s.before_share) * margin(hp * s.after)
        };
        // The next step with a halving (a plain index compare per step).
        let mut si = self.split_steps.partition_point(|s| s.step < k0);
        let next = |si: usize| self.split_steps.get(si).map_or(usize::MAX, |s| s.step);
        let mut split_at = next(si);
        // The deciding firm's path, from now.
        if k0 == 0
            && k1 <= self.firm_path.len()
            && self
                .firm
                .is_some_and(|p| p.key == FirmFactors::key_of(self, f))
        {
            let (mut pv, mut pending) = (0.0, 0.0);
            for (k, &(hp, discount)) in self.firm_path[..k1].iter().enumerate() {
                if k == split_at {
                    pv += split_margin(&self.split_steps[si], hp) * discount;
                    si += 1;
                    split_at = next(si);
                } else if hp > cost {
                    pv += pending + ((hp - cost) * ths_per_mw * STEP_DAYS - opex) * discount;
                    pending = 0.0;
                } else {
                    pending -= idle * discount;
                }
            }
            return pv;
        }
        // The growth and discount factors are carried step to step by multiplication.
        let mut x = self.step_factors(f, k0);
        let last = self.reward_ratio.len() - 1;
        let (mut pv, mut pending) = (0.0, 0.0);
        for k in k0..k1 {
            let hp = self.hashprice * self.reward_ratio[k.min(last)] * x.growth;
            if k == split_at {
                pv += split_margin(&self.split_steps[si], hp) * x.discount;
                si += 1;
                split_at = next(si);
            } else if hp > cost {
                pv += pending + ((hp - cost) * ths_per_mw * STEP_DAYS - opex) * x.discount;
                pending = 0.0;
            } else {
                pending -= idle * x.discount;
            }
            x.growth *= x.growth_step;
            x.discount *= x.discount_step;
        }
        pv
    }

    /// PV per MW of one cycle of frontier machines bought at `t_buy` years, less the share of
    /// their capex the horizon uses, discounted to now. Negative when the cycle does not pay.
    pub fn refresh_cycle_value(&self, f: &FirmView, site: &SiteCosts, t_buy: f64) -> f64 {
        let n = steps(f.horizon_years);
        let k0 = round_to_usize(t_buy / STEP_YEARS).min(n);
        if k0 >= n {
            return 0.0;
        }
        let life_steps = steps(self.asic_life_years);
        let k1 = (k0 + life_steps).min(n);
        // x^0 and exp(0) are exactly 1: a cycle bought now (the common case) skips them.
        let now = t_buy == 0.0;
        let at_buy = |x: f64| if now { 1.0 } else { x.powf(t_buy) };
        let e = self.frontier_j_per_th * at_buy(1.0 - self.frontier_improvement);
        let price = self.frontier_usd_per_th * at_buy(1.0 + self.frontier_price_trend);
        let capex = price * 1e6 / (e * site.pue);
        let used = (k1 - k0) as f64 / life_steps as f64;
        let df = if now {
            1.0
        } else {
            (-f.discount_rate * t_buy).exp()
        };
        self.margin_pv(f, site, e, k0, k1) - capex * used * df
    }

    /// PV per MW of keeping machines of efficiency `j_per_th` with `remaining_life_years` left,
    /// then refreshing once if the new cycle pays.
    pub fn mining_value(
        &self,
        f: &FirmView,
        site: &SiteCosts,
        j_per_th: f64,
        remaining_life_years: f64,
    ) -> f64 {
        let k_end = life_steps(f, remaining_life_years);
        let keep = self.margin_pv(f, site, j_per_th, 0, k_end);
        let refresh = self
            .refresh_cycle_value(f, site, k_end as f64 * STEP_YEARS)
            .max(0.0);
        keep + refresh
    }

    /// PV per MW of the machines alone over their remaining life (no refresh): what keeping
    /// them is worth against selling them.
    pub fn keep_value(
        &self,
        f: &FirmView,
        site: &SiteCosts,
        j_per_th: f64,
        remaining_life_years: f64,
    ) -> f64 {
        self.margin_pv(f, site, j_per_th, 0, life_steps(f, remaining_life_years))
    }

    /// The discount factor, from now, of the step in which machines of efficiency `j_per_th`
    /// stop paying on the expected path (at a halving inside a step: when it no longer pays
    /// after it), or of the step after their remaining life: when the firm would sell them
    /// for what they are worth then instead of now.
    pub fn stop_discount(
        &self,
        f: &FirmView,
        site: &SiteCosts,
        j_per_th: f64,
        remaining_life_years: f64,
    ) -> f64 {
        let k1 = life_steps(f, remaining_life_years);
        let cost = site.power_usd_per_th_day(j_per_th);
        let mut x = self.step_factors(f, 0);
        let last = self.reward_ratio.len() - 1;
        let mut splits = self.split_steps.iter().peekable();
        for k in 0..k1 {
            let mut hp = self.hashprice * self.reward_ratio[k.min(last)] * x.growth;
            if let Some(s) = splits.next_if(|s| s.step == k) {
                hp *= s.after;
            }
            if hp <= cost {
                return x.discount;
            }
            x.growth *= x.growth_step;
            x.discount *= x.discount_step;
        }
        x.discount
    }
}

/// Steps of a remaining life, cut by the firm's horizon.
fn life_steps(f: &FirmView, remaining_life_years: f64) -> usize {
    round_to_usize(remaining_life_years.max(0.0) / STEP_YEARS).min(steps(f.horizon_years))
}

/// The AI terms a firm can sign now.
#[derive(Debug, Clone, Copy)]
pub struct AiTerms {
    /// Colocation rate, USD per MW of critical IT per year.
    pub colo_rate: f64,
    /// GPU-cloud revenue locked now, USD per MW of critical IT per year.
    pub cloud_revenue: f64,
    /// Critical-IT MW per gross MW.
    pub gross_to_it: f64,
    /// Colocation build cost, USD per MW of critical IT.
    pub colo_capex_per_mw_it: f64,
    /// GPU capex, USD per MW of critical IT.
    pub gpu_capex_per_mw_it: f64,
    /// Lead time, years.
    pub lead_years: f64,
    /// NOI margin of colocation.
    pub noi_margin: f64,
    /// Tenant default hazard per year.
    pub default_hazard: f64,
    /// GPU life, years.
    pub gpu_life_years: f64,
    /// Cloud opex share of revenue.
    pub cloud_opex_share: f64,
    /// GPU utilization (the share of the MW's power drawn on average).
    pub gpu_utilization: f64,
}

/// Value and cost of an AI option per gross MW.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AiValue {
    /// PV of the net operating income, USD per gross MW.
    pub pv: f64,
    /// Capex paid now, USD per gross MW.
    pub capex: f64,
}

impl AiTerms {
    /// Colocation per gross MW for a firm with view `f`.
    pub fn colocation(&self, f: &FirmView) -> AiValue {
        let noi = self.gross_to_it * self.colo_rate * self.noi_margin * STEP_YEARS;
        AiValue {
            pv: self.discounted(f, |_| noi),
            capex: self.gross_to_it * self.colo_capex_per_mw_it,
        }
    }

    /// GPU cloud per gross MW at energy price `usd_per_kwh` (the whole gross MW draws power at
    /// the GPUs' utilization); colocation at the current rate after the GPU life.
    pub fn cloud(&self, f: &FirmView, usd_per_kwh: f64) -> AiValue {
        let power = 8_766.0 * 1000.0 * usd_per_kwh * self.gpu_utilization * STEP_YEARS;
        let cloud =
            self.gross_to_it * self.cloud_revenue * (1.0 - self.cloud_opex_share) * STEP_YEARS
                - power;
        let colo = self.gross_to_it * self.colo_rate * self.noi_margin * STEP_YEARS;
        let end = self.lead_years + self.gpu_life_years;
        AiValue {
            pv: self.discounted(f, |t| if t < end { cloud } else { colo }),
            capex: self.gross_to_it * (self.colo_capex_per_mw_it + self.gpu_capex_per_mw_it),
        }
    }

    /// `sum_k flow(t_k) exp(-lambda (t_k - L)) df(t_k)` over the steps from the lead time to
    /// the horizon; the weights are carried by multiplication (two `exp` per call).
    fn discounted(&self, f: &FirmView, flow: impl Fn(f64) -> f64) -> f64 {
        let n = steps(f.horizon_years);
        let k0 = (0..n).find(|&k| t_mid(k) >= self.lead_years).unwrap_or(n);
        if k0 >= n {
            return 0.0;
        }
        let rate = self.default_hazard + f.discount_rate;
        let mut w = (-self.default_hazard * (t_mid(k0) - self.lead_years)
            - f.discount_rate * t_mid(k0))
        .exp();
        let step = (-rate * STEP_YEARS).exp();
        let mut pv = 0.0;
        for k in k0..n {
            pv += flow(t_mid(k)) * w;
            w *= step;
        }
        pv
    }
}

/// Whether converting clears the hurdle: `pv + salvage >= hurdle x (capex + mining_value)`,
/// with a forgone mining value floored at zero.
pub fn clears_hurdle(ai: AiValue, salvage: f64, mining_value: f64, hurdle: f64) -> bool {
    ai.pv + salvage >= hurdle * (ai.capex + mining_value.max(0.0))
}

#[cfg(test)]
mod tests;
