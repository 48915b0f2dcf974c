//! Per-site mining revenue and energy cost, accrued in `O(switches)`.
//!
//! Revenue and cost accrue continuously: a running unit of `T` TH/s earns `T x hp(t)` USD per
//! day and pays `k_x T p_r(t) + k T tau_r(t)` (its kWh per TH/s per day `k`, times the site
//! price factor for `k_x`, times the regional price `p_r` and the carbon cost per kWh `tau_r`).
//! The conditions are piecewise constant between operation passes, so the fleet keeps the
//! integrals
//!
//! ```text
//! HP(t) = int_0^t hp,   P_r(t) = int_0^t p_r,   X_r(t) = int_0^t tau_r      (days)
//! ```
//!
//! and each site keeps its running totals `sum T`, `sum k_x T`, `sum k T` and a snapshot of the
//! integrals. What a site earned since its snapshot is then
//! `sum T x (HP - HP_snap) - sum k_x T x (P_r - P_snap) - sum k T x (X_r - X_snap)`, exact for
//! piecewise-constant conditions. A site is *settled* (its accrual brought up to date and the
//! snapshot moved) before any of its running totals change, so nothing is scanned per day.

/// What a site accrued since it was last taken, USD.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct SiteAccrual {
    /// Mining revenue at the hashprice.
    pub revenue_usd: f64,
    /// Energy cost (regional price x site factor).
    pub energy_usd: f64,
    /// Carbon tax.
    pub carbon_usd: f64,
}

/// Integrals of the conditions since the start, in condition-units x days.
#[derive(Debug, Clone, Default)]
pub(super) struct Integrals {
    pub hp: f64,
    pub price: Vec<f64>,
    pub tax: Vec<f64>,
    /// Time they run to, days.
    pub time_days: f64,
    /// Conditions in force since `time_days`.
    pub cur_hp: f64,
    pub cur_price: Vec<f64>,
    pub cur_tax: Vec<f64>,
}

impl Integrals {
    pub fn new(regions: usize) -> Self {
        Self {
            price: vec![0.0; regions],
            tax: vec![0.0; regions],
            cur_price: vec![0.0; regions],
            cur_tax: vec![0.0; regions],
            ..Self::default()
        }
    }

    /// Accrues the conditions in force up to `now_days` (ignored if not later).
    pub fn advance(&mut self, now_days: f64) {
        let dt = now_days - self.time_days;
        if dt <= 0.0 {
            return;
        }
        self.hp += self.cur_hp * dt;
        for r in 0..self.price.len() {
            self.price[r] += self.cur_price[r] * dt;
            self.tax[r] += self.cur_tax[r] * dt;
        }
        self.time_days = now_days;
    }
}

/// One site's running energy totals, snapshot of the integrals and accrual: kept together
/// (one or two cache lines per settlement, not eight); its running TH/s are in
/// [`SiteAccounts::running_ths`].
#[derive(Debug, Clone, Default)]
struct SiteAccount {
    region: u16,
    kwh_x: f64,
    kwh: f64,
    snap_hp: f64,
    snap_price: f64,
    snap_tax: f64,
    acc: SiteAccrual,
}

/// Running totals and accruals of every site.
#[derive(Debug, Clone, Default)]
pub(super) struct SiteAccounts {
    sites: Vec<SiteAccount>,
    /// Each site's running TH/s, beside `sites` rather than in it: the daily concentration
    /// pass reads them all (contiguous, not one account's stride per site).
    running_ths: Vec<f64>,
}

impl SiteAccounts {
    /// Makes room for site `s` (in region `region`).
    pub fn ensure(&mut self, s: usize, region: u16, i: &Integrals) {
        while self.sites.len() <= s {
            self.sites.push(SiteAccount {
                region,
                snap_hp: i.hp,
                snap_price: i.price[usize::from(region)],
                snap_tax: i.tax[usize::from(region)],
                ..SiteAccount::default()
            });
            self.running_ths.push(0.0);
        }
    }

    /// Brings site `s`'s accrual up to the integrals `i`.
    pub fn settle(&mut self, s: usize, i: &Integrals) {
        let a = &mut self.sites[s];
        let r = usize::from(a.region);
        a.acc.revenue_usd += self.running_ths[s] * (i.hp - a.snap_hp);
        a.acc.energy_usd += a.kwh_x * (i.price[r] - a.snap_price);
        a.acc.carbon_usd += a.kwh * (i.tax[r] - a.snap_tax);
        a.snap_hp = i.hp;
        a.snap_price = i.price[r];
        a.snap_tax = i.tax[r];
    }

    /// Moves site `s`, with nothing running, to region `region` (settled first, so the accrual
    /// so far stays with the old region's prices). Returns false, changing nothing, if the site
    /// does not exist or something runs there.
    pub fn move_site(&mut self, s: usize, region: u16, i: &Integrals) -> bool {
        if s >= self.sites.len() || self.running_ths[s] != 0.0 {
            return false;
        }
        self.settle(s, i);
        let a = &mut self.sites[s];
        a.region = region;
        a.snap_price = i.price[usize::from(region)];
        a.snap_tax = i.tax[usize::from(region)];
        true
    }

    /// Adds (`sign = 1`) or removes (`-1`) a running unit's totals at site `s`, settling first.
    pub fn change(&mut self, s: usize, i: &Integrals, sign: f64, ths: f64, kwh_x: f64, kwh: f64) {
        self.settle(s, i);
        let a = &mut self.sites[s];
        let running = &mut self.running_ths[s];
        *running += sign * ths;
        a.kwh_x += sign * kwh_x * ths;
        a.kwh += sign * kwh * ths;
        // Rounding: a site with nothing running holds exact zeros.
        if running.abs() < 1e-6 {
            *running = 0.0;
            a.kwh_x = 0.0;
            a.kwh = 0.0;
        }
    }

    /// Takes site `s`'s accrual (settled to `i`) and resets it.
    pub fn take(&mut self, s: usize, i: &Integrals) -> SiteAccrual {
        if s >= self.sites.len() {
            return SiteAccrual::default();
        }
        self.settle(s, i);
        std::mem::take(&mut self.sites[s].acc)
    }

    /// Running hashrate of each site in order, TH/s (sites never seen are missing from the end).
    pub fn all_running_ths(&self) -> impl ExactSizeIterator<Item = f64> + '_ {
        self.running_ths.iter().copied()
    }

    /// Running TH/s at site `s`.
    #[inline]
    pub fn running_ths(&self, s: usize) -> f64 {
        self.running_ths.get(s).copied().unwrap_or(0.0)
    }
}
