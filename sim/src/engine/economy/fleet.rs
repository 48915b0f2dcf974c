//! The fleet at run time: the network's machines ([`Fleet`]) on their generated sites, the
//! bans that force regions' sites offline, the idle machines as a supply curve (what switches
//! back on when difficulty falls), and the hashprice firms plan with
//! ([`hashprice_outlook`]), computed once per market state.

use std::cell::Cell;

use hashshift_models::hardware::Region;
use hashshift_models::mining::economics::hashprice_outlook;
use hashshift_models::mining::fleet::{Conditions, Fleet, FleetState as Totals};
use hashshift_models::mining::population::Site;
use rand::Rng;

use super::implied_hashrate_hs;
use super::shocks::Shocks;
use crate::engine::agents::Agents;
use crate::engine::rng::{Component, RngStreams};

/// Bans on one region: its sites go offline in one random order until the offline capacity
/// reaches the sum of the bans' targets (each ban's share of the region's capacity, reached
/// linearly over its window; the sum is capped at the whole region). Overlapping bans add.
#[derive(Debug, Clone)]
struct RegionBans {
    /// (start, end, share) of each ban on the region.
    windows: Vec<(i64, i64, f64)>,
    /// The region's sites, in the order they go offline.
    order: Vec<u32>,
    region_mw: f64,
    offline_mw: f64,
    next: usize,
}

/// The network's machines and what acts on them.
#[derive(Debug, Clone)]
pub(crate) struct FleetState {
    pub fleet: Fleet,
    pub sites: Vec<Site>,
    /// First unit of each site (units are grouped by site), plus the total at the end.
    site_units: Vec<usize>,
    hysteresis: f64,
    bans: Vec<RegionBans>,
    /// The idle machines as a supply curve at the last pass ([`Fleet::idle_supply`]), kept
    /// for the firms' post-retarget hashprice (empty when nothing is idle or without firms).
    idle_supply: Vec<(f64, f64)>,
    /// Operation passes so far: the running hashrate and the idle supply change only there.
    passes: u64,
    /// The firms' hashprice outlook at today's fees for (passes, hashprice bits, difficulty
    /// bits): asked at every agent event, computed once per market state.
    outlook_memo: Cell<(u64, u64, u64, f64)>,
}

impl FleetState {
    /// The fleet of `sites` (whose units, grouped by site, make up `fleet`) operated with
    /// `hysteresis`.
    pub fn new(fleet: Fleet, sites: Vec<Site>, hysteresis: f64) -> Self {
        let units = fleet.units();
        let mut site_units = Vec::with_capacity(sites.len() + 1);
        for (i, u) in units.iter().enumerate() {
            while site_units.len() <= u.site as usize {
                site_units.push(i);
            }
        }
        site_units.push(units.len());
        Self {
            fleet,
            sites,
            site_units,
            hysteresis,
            bans: Vec::new(),
            idle_supply: Vec::new(),
            passes: 0,
            outlook_memo: Cell::new((u64::MAX, 0, 0, f64::NAN)),
        }
    }

    /// The hysteresis of the running decisions.
    pub fn hysteresis(&self) -> f64 {
        self.hysteresis
    }

    /// Running hashrate, H/s.
    pub fn hashrate_hs(&self) -> f64 {
        self.fleet.state().running_ths * 1e12
    }

    /// The operation pass: which machines run under `conditions` (whose hysteresis is
    /// replaced by the fleet's). The idle supply is kept for the firms' outlook (`with_firms`)
    /// only while less runs than `difficulty` implies (difficulty and the running hashrate
    /// change only at these passes).
    pub fn operate(&mut self, conditions: Conditions<'_>, difficulty: f64, with_firms: bool) {
        self.passes += 1;
        let state = self.fleet.operate(&Conditions {
            hysteresis: self.hysteresis,
            ..conditions
        });
        let implied_hs = implied_hashrate_hs(difficulty);
        let needed = state.idle_ths > 0.0 && state.running_ths * 1e12 < implied_hs;
        if needed && with_firms {
            self.fleet
                .idle_supply(self.hysteresis, &mut self.idle_supply);
        } else {
            self.idle_supply.clear();
        }
    }

    /// The fleet's totals as of its last pass.
    pub fn totals(&self) -> &Totals {
        self.fleet.state()
    }

    /// The hashprice firms plan with at today's fees ([`hashprice_outlook`] with the running
    /// hashrate and the idle supply), remembered per market state: the operation passes, the
    /// `hashprice` and the `difficulty`.
    pub fn hashprice_outlook(&self, hashprice: f64, difficulty: f64) -> f64 {
        let key = (self.passes, hashprice.to_bits(), difficulty.to_bits());
        let (p, h, d, value) = self.outlook_memo.get();
        if (p, h, d) == key {
            return value;
        }
        let value = hashprice_outlook(
            hashprice,
            implied_hashrate_hs(difficulty),
            self.hashrate_hs(),
            &self.idle_supply,
        );
        self.outlook_memo.set((key.0, key.1, key.2, value));
        value
    }

    /// Sets up the bans of `shocks` on `regions`: each banned region's sites in a random order
    /// (drawn on the region's population stream).
    pub fn setup_bans(&mut self, shocks: &Shocks, regions: &[Region], streams: &RngStreams) {
        for &region in regions {
            let windows = shocks.ban_windows(region);
            if windows.is_empty() {
                continue;
            }
            let mut order: Vec<u32> = self
                .sites
                .iter()
                .filter(|x| x.region == region)
                .map(|x| x.id)
                .collect();
            let mut rng = streams.stream(Component::Population, 1 + region.index() as u64);
            for i in (1..order.len()).rev() {
                order.swap(i, rng.random_range(0..=i));
            }
            let region_mw = order
                .iter()
                .map(|&i| self.sites[i as usize].capacity_mw)
                .sum();
            self.bans.push(RegionBans {
                windows,
                order,
                region_mw,
                offline_mw: 0.0,
                next: 0,
            });
        }
    }

    /// Takes banned sites offline up to each ban's target at `now_unix`: the units the firms
    /// keep on a site when there are firms (`agents`), the site's original units otherwise.
    pub fn progress_bans(&mut self, now_unix: i64, agents: Option<&Agents>) {
        for b in &mut self.bans {
            let share: f64 = b
                .windows
                .iter()
                .filter(|w| now_unix >= w.0)
                .map(|&(at, until, share)| {
                    share * ((now_unix - at) as f64 / (until - at) as f64).min(1.0)
                })
                .sum();
            let target = share.min(1.0) * b.region_mw;
            // Whole sites go offline: the offline capacity reaches the target from below by at
            // most one site.
            while b.next < b.order.len() && b.offline_mw < target {
                let site = b.order[b.next] as usize;
                match agents {
                    Some(a) => a
                        .site_units(site)
                        .iter()
                        .for_each(|&u| self.fleet.set_offline(u as usize, true)),
                    None => {
                        for u in self.site_units[site]..self.site_units[site + 1] {
                            self.fleet.set_offline(u, true);
                        }
                    }
                }
                b.offline_mw += self.sites[site].capacity_mw;
                b.next += 1;
            }
        }
    }

    /// The sites' contiguous running TH/s, then 0 for the sites that never had a unit, into
    /// `out` (replaced): each site its own owner, without firms.
    pub fn site_running_ths(&self, out: &mut Vec<f64>) {
        out.clear();
        out.extend(self.fleet.sites_running_ths());
        out.resize(self.sites.len(), 0.0);
    }
}
