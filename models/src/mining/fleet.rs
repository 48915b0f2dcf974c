//! The network's machines: every vintage at every site, operated by the CBECI threshold.
//!
//! A *unit* is one vintage (machine model) at one site: its total hashrate (TH/s), its
//! efficiency (J/TH), the site's PUE, region and energy-price factor (the site's price relative
//! to its region's, e.g. 0.8 for a cheap contract). Units are stored as flat arrays so the
//! daily operation pass is a linear scan with no allocation. Each day (and at each retarget)
//! [`Fleet::operate`] applies [`super::economics::runs`] to every unit and recomputes the
//! running hashrate, the idle overhang and the power drawn, overall and by region; the engine
//! reads the running hashrate once per pass, so the per-block path never touches units.
//!
//! Units forced offline (a regional ban) neither run nor count as idle-but-available: they are
//! reported separately.
//!
//! The fleet changes as firms act: [`Fleet::add_unit`] installs delivered machines and
//! [`Fleet::set_unit_ths`] shrinks or removes a vintage (machines sold, MW converted). Each
//! site's mining revenue and energy cost accrue exactly between passes without a per-day scan
//! (see [`super::site_accounts`]); [`Fleet::take_site_accrual`] hands them to the site's firm.
//! Emptied units keep their index (the firms refer to units by index), so after years of
//! refreshes and sales most units are empty; the fleet lists the ones with machines
//! ([`Fleet::live_units`]) for the scans of the idle machines.

use std::fmt;

use super::economics::{breakeven_usd_per_kwh, kwh_per_th_day, runs};
use super::region_index::{RegionIndex, RegionPass};
use super::site_accounts::{Integrals, SiteAccounts, SiteAccrual};

/// One vintage at one site.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Unit {
    /// Site index (for reporting and bans).
    pub site: u32,
    /// Region index (into the region arrays passed to [`Fleet::operate`]).
    pub region: u16,
    /// Catalog model id.
    pub model: u16,
    /// Total hashrate of the vintage at the site, TH/s (> 0).
    pub ths: f64,
    /// Efficiency, J/TH (> 0).
    pub j_per_th: f64,
    /// Power usage effectiveness of the site (>= 1).
    pub pue: f64,
    /// Site energy price relative to its region's price (> 0).
    pub price_factor: f64,
}

/// A unit that cannot be operated.
#[derive(Debug, Clone, PartialEq)]
pub struct UnitError {
    /// Index of the unit.
    pub index: usize,
    /// Field name.
    pub field: &'static str,
    /// Offending value.
    pub value: f64,
    /// Allowed range.
    pub allowed: &'static str,
}

impl fmt::Display for UnitError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "fleet unit {}: {} = {} is not allowed ({})",
            self.index, self.field, self.value, self.allowed
        )
    }
}

impl std::error::Error for UnitError {}

/// Market conditions of one operation pass.
#[derive(Debug, Clone, Copy)]
pub struct Conditions<'a> {
    /// Hashprice, USD per TH/s per day.
    pub hashprice: f64,
    /// Energy price by region, USD/kWh.
    pub region_price: &'a [f64],
    /// Carbon tax by region, USD/tCO2.
    pub region_carbon_tax: &'a [f64],
    /// Grid carbon intensity by region, tCO2/MWh.
    pub region_carbon_intensity: &'a [f64],
    /// Relative hysteresis band (0 <= h < 1).
    pub hysteresis: f64,
    /// Time of the pass, days since the start (not before the previous pass): the previous
    /// conditions are accrued up to it.
    pub time_days: f64,
}

/// The marginal running unit: the running unit with the smallest revenue/cost ratio.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Marginal {
    /// Unit index.
    pub unit: usize,
    /// Its breakeven energy price, USD/kWh.
    pub breakeven_usd_per_kwh: f64,
    /// The energy price it pays, USD/kWh.
    pub site_usd_per_kwh: f64,
}

/// Totals after an operation pass.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FleetState {
    /// Running hashrate, TH/s.
    pub running_ths: f64,
    /// Installed but switched-off hashrate (the idle overhang), TH/s.
    pub idle_ths: f64,
    /// Hashrate forced offline (bans), TH/s.
    pub offline_ths: f64,
    /// Power drawn at the meter by running machines, W.
    pub power_w: f64,
    /// Power drawn by the running machines themselves (before PUE), W: running TH/s x J/TH.
    pub it_power_w: f64,
    /// Running hashrate by region, TH/s.
    pub region_running_ths: Vec<f64>,
    /// Power by region, W.
    pub region_power_w: Vec<f64>,
    /// The marginal running unit (None if nothing runs).
    pub marginal: Option<Marginal>,
    /// Units that switched on or off in this pass.
    pub switched: u64,
}

/// Checks unit number `index`.
fn check_unit(index: usize, u: &Unit, regions: usize) -> Result<(), UnitError> {
    let bad = |field, value, allowed| UnitError {
        index,
        field,
        value,
        allowed,
    };
    if !(u.ths.is_finite() && u.ths > 0.0) {
        return Err(bad("ths", u.ths, "finite and > 0 TH/s"));
    }
    if !(u.j_per_th.is_finite() && u.j_per_th > 0.0) {
        return Err(bad("j_per_th", u.j_per_th, "finite and > 0 J/TH"));
    }
    if !(u.pue.is_finite() && u.pue >= 1.0) {
        return Err(bad("pue", u.pue, "finite and >= 1"));
    }
    if !(u.price_factor.is_finite() && u.price_factor > 0.0) {
        return Err(bad("price_factor", u.price_factor, "finite and > 0"));
    }
    if usize::from(u.region) >= regions {
        return Err(bad(
            "region",
            f64::from(u.region),
            "an index below the region count",
        ));
    }
    Ok(())
}

/// Per-unit constants of the operation pass, precomputed (struct of arrays for a tight loop).
#[derive(Debug, Clone, Default)]
struct Coefficients {
    /// Region index.
    region: Vec<u16>,
    /// kWh drawn per TH/s per day at the meter: J/TH x PUE x 24 / 1000.
    kwh_per_th_day: Vec<f64>,
    /// kWh per TH/s per day x site price factor (multiplies the regional price).
    kwh_x_factor: Vec<f64>,
    /// TH/s.
    ths: Vec<f64>,
    /// Power at the meter when running, W.
    power_w: Vec<f64>,
    /// Power of the machines when running, W.
    it_power_w: Vec<f64>,
}

/// All units of the network and their on/off state.
#[derive(Debug, Clone)]
pub struct Fleet {
    units: Vec<Unit>,
    coef: Coefficients,
    running: Vec<bool>,
    offline: Vec<bool>,
    regions: usize,
    /// Scratch: carbon cost per kWh by region for the current pass, USD/kWh.
    region_tax_per_kwh: Vec<f64>,
    /// Each region's units in cost order (fast passes; see `region_index`).
    index: Vec<RegionIndex>,
    state: FleetState,
    /// Integrals of the conditions (site accruals).
    integrals: Integrals,
    sites: SiteAccounts,
    /// The units with machines (TH/s > 0) in ascending index order, and possibly some whose
    /// machines have gone since (`dead_in_live` of them; dropped when they are half the list):
    /// the fleet keeps every unit ever installed, most of them empty after years of
    /// refreshes and sales, and the scans of the idle machines visit only these.
    live: Vec<u32>,
    dead_in_live: usize,
}

impl Fleet {
    /// A fleet of `units` across `regions` regions, all initially stopped; call
    /// [`Fleet::operate`] to switch on what pays.
    pub fn new(units: Vec<Unit>, regions: usize) -> Result<Self, UnitError> {
        for (index, u) in units.iter().enumerate() {
            check_unit(index, u, regions)?;
        }
        let index = (0..regions)
            .map(|r| {
                RegionIndex::new(
                    units
                        .iter()
                        .enumerate()
                        .filter(|(_, u)| usize::from(u.region) == r)
                        .map(|(i, u)| (i, kwh_per_th_day(u.j_per_th, u.pue) * u.price_factor))
                        .collect(),
                )
            })
            .collect();
        let mut fleet = Self {
            units: Vec::with_capacity(units.len()),
            coef: Coefficients::default(),
            running: Vec::with_capacity(units.len()),
            offline: Vec::with_capacity(units.len()),
            regions,
            region_tax_per_kwh: vec![0.0; regions],
            index,
            state: FleetState {
                region_running_ths: vec![0.0; regions],
                region_power_w: vec![0.0; regions],
                ..FleetState::default()
            },
            integrals: Integrals::new(regions),
            sites: SiteAccounts::default(),
            live: Vec::new(),
            dead_in_live: 0,
        };
        for u in units {
            fleet.push_unit(u);
        }
        Ok(fleet)
    }

    /// Appends a unit's data (not its index entry), stopped.
    fn push_unit(&mut self, u: Unit) -> usize {
        let k = kwh_per_th_day(u.j_per_th, u.pue);
        let c = &mut self.coef;
        c.region.push(u.region);
        c.kwh_per_th_day.push(k);
        c.kwh_x_factor.push(k * u.price_factor);
        c.ths.push(u.ths);
        c.power_w.push(u.ths * u.j_per_th * u.pue);
        c.it_power_w.push(u.ths * u.j_per_th);
        self.running.push(false);
        self.offline.push(false);
        self.sites
            .ensure(u.site as usize, u.region, &self.integrals);
        if u.ths > 0.0 {
            self.live.push(self.units.len() as u32);
        }
        self.units.push(u);
        self.units.len() - 1
    }

    /// Installs a new unit (delivered machines) and returns its index. It starts at once if it
    /// is no dearer per TH (energy at factor 1) than a running unit of its region, else at the next
    /// pass if it pays (the same rule in fast and full-scan regions). Call
    /// [`Fleet::operate`] to bring the totals up to date.
    pub fn add_unit(&mut self, u: Unit) -> Result<usize, UnitError> {
        check_unit(self.units.len(), &u, self.regions)?;
        let i = self.push_unit(u);
        let r = usize::from(u.region);
        let c = &self.coef;
        let values = [c.ths[i], c.power_w[i], c.it_power_w[i]];
        if self.index[r].insert(i, c.kwh_x_factor[i], values, &self.running) {
            self.running[i] = true;
            let c = &self.coef;
            self.sites.change(
                u.site as usize,
                &self.integrals,
                1.0,
                c.ths[i],
                c.kwh_x_factor[i],
                c.kwh_per_th_day[i],
            );
        }
        Ok(i)
    }

    /// Sets unit `i`'s hashrate to `ths` TH/s (>= 0; 0 removes its machines). Call
    /// [`Fleet::operate`] to bring the totals up to date.
    pub fn set_unit_ths(&mut self, i: usize, ths: f64) {
        debug_assert!(ths.is_finite() && ths >= 0.0);
        let u = &mut self.units[i];
        let c = &mut self.coef;
        if self.running[i] {
            self.sites.change(
                u.site as usize,
                &self.integrals,
                1.0,
                ths - c.ths[i],
                c.kwh_x_factor[i],
                c.kwh_per_th_day[i],
            );
        }
        let old = [c.ths[i], c.power_w[i], c.it_power_w[i]];
        u.ths = ths;
        c.ths[i] = ths;
        c.power_w[i] = ths * u.j_per_th * u.pue;
        c.it_power_w[i] = ths * u.j_per_th;
        let delta = [
            c.ths[i] - old[0],
            c.power_w[i] - old[1],
            c.it_power_w[i] - old[2],
        ];
        self.index[usize::from(u.region)].adjust(delta, self.running[i]);
        self.relist(i, old[0] > 0.0);
    }

    /// Keeps `live` after unit `i`'s hashrate changed (`was_live`: it had machines before).
    fn relist(&mut self, i: usize, was_live: bool) {
        let ths = &self.coef.ths;
        if was_live && ths[i] <= 0.0 {
            self.dead_in_live += 1;
            if 2 * self.dead_in_live > self.live.len() {
                self.live.retain(|&k| ths[k as usize] > 0.0);
                self.dead_in_live = 0;
            }
        } else if !was_live && ths[i] > 0.0 {
            // Machines back on an empty unit: listed again, unless still listed.
            match self.live.binary_search(&(i as u32)) {
                Ok(_) => self.dead_in_live -= 1,
                Err(at) => self.live.insert(at, i as u32),
            }
        }
    }

    /// Accrues the conditions in force up to `now_days` (a later pass or settlement does it
    /// too).
    pub fn advance(&mut self, now_days: f64) {
        self.integrals.advance(now_days);
    }

    /// Site `site`'s mining revenue, energy and carbon cost since it was last taken, accrued
    /// up to `now_days`; resets it.
    pub fn take_site_accrual(&mut self, site: usize, now_days: f64) -> SiteAccrual {
        self.integrals.advance(now_days);
        self.sites.take(site, &self.integrals)
    }

    /// Moves site `site` to region `region` (a relocation after a ban): machines installed there
    /// from now on run at the new region's energy prices. Returns false, changing nothing, if
    /// the region does not exist, the site has no account yet or machines still run there
    /// (sell or stop them first).
    pub fn move_site(&mut self, site: usize, region: u16) -> bool {
        usize::from(region) < self.regions && self.sites.move_site(site, region, &self.integrals)
    }

    /// Running hashrate at site `site`, TH/s (as of the last pass or change).
    #[inline]
    pub fn site_running_ths(&self, site: usize) -> f64 {
        self.sites.running_ths(site)
    }

    /// Running hashrate of each site in site order, TH/s (as of the last pass or change); the
    /// sequence ends at the last site that ever had a unit (the others run nothing).
    pub fn sites_running_ths(&self) -> impl ExactSizeIterator<Item = f64> + '_ {
        self.sites.all_running_ths()
    }

    /// The units.
    #[inline]
    pub fn units(&self) -> &[Unit] {
        &self.units
    }

    /// Whether unit `i` runs.
    #[inline]
    pub fn is_running(&self, i: usize) -> bool {
        self.running[i]
    }

    /// Whether unit `i` is forced offline.
    #[inline]
    pub fn is_offline(&self, i: usize) -> bool {
        self.offline[i]
    }

    /// Forces unit `i` offline (or back online). An offline unit stops at the next pass.
    pub fn set_offline(&mut self, i: usize, offline: bool) {
        self.offline[i] = offline;
        // Arbitrary units offline break the cost-order prefix: full scans for the region.
        self.index[usize::from(self.coef.region[i])].slow = true;
    }

    /// Makes every pass a full scan of every unit (the reference the fast passes are tested
    /// against).
    pub fn force_full_scans(&mut self) {
        self.index.iter_mut().for_each(|x| x.slow = true);
    }

    /// Hashrate-weighted efficiency of the running machines, J/TH (PUE excluded: comparable
    /// with CBECI's fleet efficiency); NaN when nothing runs.
    pub fn running_efficiency_j_per_th(&self) -> f64 {
        self.state.it_power_w / self.state.running_ths
    }

    /// The idle machines as a supply curve, into `out` (replaced): per unit switched off (not
    /// forced offline) with hashrate left, the hashprice at which it switches back on under the
    /// energy prices and carbon cost of the last pass, `cost x (1 + hysteresis)` USD per TH/s
    /// per day, and its TH/s; sorted by that hashprice (then by unit).
    pub fn idle_supply(&self, hysteresis: f64, out: &mut Vec<(f64, f64)>) {
        out.clear();
        let (k, g) = (&self.coef, &self.integrals);
        for &i in &self.live {
            let i = i as usize;
            let ths = k.ths[i];
            if self.running[i] || self.offline[i] || ths <= 0.0 {
                continue;
            }
            let r = usize::from(k.region[i]);
            let cost = k.kwh_x_factor[i] * g.cur_price[r] + k.kwh_per_th_day[i] * g.cur_tax[r];
            out.push((cost * (1.0 + hysteresis), ths));
        }
        out.sort_by(|a, b| a.0.total_cmp(&b.0));
    }

    /// Indices of the units with machines (TH/s > 0), ascending, possibly with some empty
    /// ones (check `ths`); the units never listed here are all empty.
    pub fn live_units(&self) -> impl Iterator<Item = usize> + '_ {
        self.live.iter().map(|&i| i as usize)
    }

    /// The totals of the last pass.
    pub fn state(&self) -> &FleetState {
        &self.state
    }

    /// One operation pass: every unit decides by the threshold rule under `c`; totals are
    /// recomputed. Regions without carbon tax or bans move only their running/stopped boundary
    /// (O(switches)); the others scan their units. Allocates nothing.
    pub fn operate(&mut self, c: &Conditions<'_>) -> &FleetState {
        debug_assert!(c.region_price.len() >= self.regions);
        self.integrals.advance(c.time_days);
        for (r, t) in self.region_tax_per_kwh.iter_mut().enumerate() {
            *t = c.region_carbon_tax[r] * c.region_carbon_intensity[r] / 1000.0;
        }
        let s = &mut self.state;
        *s = FleetState {
            region_running_ths: std::mem::take(&mut s.region_running_ths),
            region_power_w: std::mem::take(&mut s.region_power_w),
            ..FleetState::default()
        };
        // The marginal running unit has the smallest hashprice / cost, i.e. the largest cost
        // (the hashprice is common to all units).
        let mut marginal: Option<(usize, usize, f64)> = None;
        for r in 0..self.regions {
            let idx = &mut self.index[r];
            if self.region_tax_per_kwh[r] != 0.0 {
                idx.slow = true;
            }
            let (coef, sites, integrals) = (&self.coef, &mut self.sites, &self.integrals);
            let on_switch = |i: usize, on: bool| {
                sites.change(
                    self.units[i].site as usize,
                    integrals,
                    if on { 1.0 } else { -1.0 },
                    coef.ths[i],
                    coef.kwh_x_factor[i],
                    coef.kwh_per_th_day[i],
                );
            };
            let pass = if idx.slow {
                scan_region(
                    &idx.order,
                    coef,
                    &mut self.running,
                    &self.offline,
                    c,
                    self.region_tax_per_kwh[r],
                    r,
                    on_switch,
                )
            } else {
                idx.fast_pass(
                    c.hashprice,
                    c.region_price[r],
                    c.hysteresis,
                    &mut self.running,
                    (&coef.ths, &coef.power_w, &coef.it_power_w),
                    on_switch,
                )
            };
            s.running_ths += pass.running_ths;
            s.power_w += pass.power_w;
            s.it_power_w += pass.it_power_w;
            s.idle_ths += pass.idle_ths;
            s.offline_ths += pass.offline_ths;
            s.switched += pass.switched;
            s.region_running_ths[r] = pass.running_ths;
            s.region_power_w[r] = pass.power_w;
            if let Some((unit, cost)) = pass.marginal {
                if marginal.is_none_or(|(_, _, worst)| cost > worst) {
                    marginal = Some((unit, r, cost));
                }
            }
        }
        s.marginal = marginal.map(|(i, r, _)| {
            let u = &self.units[i];
            Marginal {
                unit: i,
                breakeven_usd_per_kwh: breakeven_usd_per_kwh(
                    c.hashprice,
                    u.j_per_th,
                    u.pue,
                    c.region_carbon_tax[r],
                    c.region_carbon_intensity[r],
                ),
                site_usd_per_kwh: c.region_price[r] * u.price_factor,
            }
        });
        // The conditions now in force, for the accruals until the next pass.
        let g = &mut self.integrals;
        g.cur_hp = c.hashprice;
        g.cur_price.copy_from_slice(&c.region_price[..self.regions]);
        g.cur_tax.copy_from_slice(&self.region_tax_per_kwh);
        &self.state
    }
}

/// A full scan of region `r`'s units (`order`) under `c`, with carbon cost `tax_per_kwh`;
/// reports each switch to `on_switch(unit, now_running)`.
#[allow(clippy::too_many_arguments)]
fn scan_region(
    order: &[usize],
    k: &Coefficients,
    running: &mut [bool],
    offline: &[bool],
    c: &Conditions<'_>,
    tax_per_kwh: f64,
    r: usize,
    mut on_switch: impl FnMut(usize, bool),
) -> RegionPass {
    let mut p = RegionPass::default();
    let mut worst = f64::NEG_INFINITY;
    for &i in order {
        let was = running[i];
        if offline[i] {
            p.switched += u64::from(was);
            if was {
                on_switch(i, false);
            }
            running[i] = false;
            p.offline_ths += k.ths[i];
            continue;
        }
        // cost = kWh x (regional price x site factor + carbon cost per kWh).
        let cost = k.kwh_x_factor[i] * c.region_price[r] + k.kwh_per_th_day[i] * tax_per_kwh;
        let on = runs(was, c.hashprice, cost, c.hysteresis);
        p.switched += u64::from(on != was);
        if on != was {
            on_switch(i, on);
        }
        running[i] = on;
        if on {
            p.running_ths += k.ths[i];
            p.power_w += k.power_w[i];
            p.it_power_w += k.it_power_w[i];
            // `>=`: among equal costs the last in key order, as the fast pass reports.
            if cost >= worst {
                worst = cost;
                p.marginal = Some((i, cost));
            }
        } else {
            p.idle_ths += k.ths[i];
        }
    }
    p
}

#[cfg(test)]
mod tests;
