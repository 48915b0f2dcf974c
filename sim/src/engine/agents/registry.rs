//! The firm/site registry: the firms (who they are, which sites they own, what they believe),
//! the sites (what is on each MW), the installation year of every fleet unit, and the MW totals
//! over all sites.
//!
//! Every site's capacity (MW at the meter) is split, at all times, into
//!
//! ```text
//! capacity = mining + converting + ai_colo + ai_cloud + idle
//! ```
//!
//! `mining` is the power of the installed machines (`sum TH/s x J/TH x PUE`, running or not),
//! `converting` the MW between a signed AI contract and energization (neither mining nor
//! earning), `ai_colo` and `ai_cloud` the energized AI MW (a colocation shell may be vacant
//! after its contract ends, until re-let), `idle` the rest (machines sold, or ordered and not
//! yet delivered). The registry's methods that move MW keep the totals in step with the sites
//! (running sums, in the order the MW move); the other site fields (reservations, orders in
//! transit, contracts) are the callers' to keep.

use hashshift_models::firms::valuation::DiscountFactors;
use hashshift_models::firms::{Beliefs, FirmSpec, Strategy};
use hashshift_models::hardware::Region;
use hashshift_models::mining::fleet::{Fleet, Unit};
use rand::Rng;
use rand_chacha::ChaCha8Rng;

use crate::engine::error::InvariantError;
use crate::engine::rng::{Component, RngStreams};
use crate::record::SiteSnapshot;

/// A firm: who it is, what it owns and how it decides (its money is in
/// [`super::finance::Finance`]).
#[derive(Debug, Clone)]
pub(crate) struct Firm {
    /// Id (index).
    pub id: u32,
    /// Ticker of a named firm.
    pub ticker: Option<String>,
    /// Public firm.
    pub public: bool,
    /// Sites owned.
    pub sites: Vec<u32>,
    /// Strategy.
    pub strategy: Strategy,
    /// The valuation's discount factors of `strategy.discount_rate` (kept: the rate is fixed).
    pub discount: DiscountFactors,
    /// Price beliefs.
    pub beliefs: Beliefs,
    /// The firm's own random stream (stagger, tenant defaults, relocation).
    pub rng: ChaCha8Rng,
}

impl Firm {
    /// Firm `id` of `spec` (whose sites are the run's site indices), with its own stream.
    pub fn new(id: u32, ticker: Option<String>, spec: &FirmSpec, streams: &RngStreams) -> Self {
        Self {
            id,
            ticker,
            public: spec.public,
            sites: spec.sites.clone(),
            strategy: spec.strategy,
            discount: DiscountFactors::new(spec.strategy.discount_rate),
            beliefs: Beliefs::new(spec.strategy.belief),
            rng: streams.stream(Component::Firm, u64::from(id)),
        }
    }
}

/// A site at run time.
#[derive(Debug, Clone)]
pub(crate) struct SiteState {
    /// Owning firm.
    pub owner: u32,
    /// Region.
    pub region: Region,
    /// Capacity at the meter, MW.
    pub capacity_mw: f64,
    /// Capacity at the start, MW.
    pub initial_capacity_mw: f64,
    /// PUE.
    pub pue: f64,
    /// Energy price relative to the region's.
    pub price_factor: f64,
    /// Whether the site can host AI.
    pub ai_suitable: bool,
    /// Fleet units installed here (indices into the fleet).
    pub units: Vec<u32>,
    /// MW of installed machines.
    pub mining_mw: f64,
    /// MW converting to AI.
    pub converting_mw: f64,
    /// MW of built colocation shells.
    pub ai_colo_mw: f64,
    /// MW of GPU cloud.
    pub ai_cloud_mw: f64,
    /// MW of colocation shells under contract (<= ai_colo_mw).
    pub leased_colo_mw: f64,
    /// Idle MW reserved by pending ASIC orders.
    pub reserved_mw: f64,
    /// Fill and refresh orders of new machines in transit: a refresh waits for them (not for
    /// the site's build-outs).
    pub pending_machine_orders: u32,
    /// Expansions ordered and not yet energized: one build-out at a time per site, whatever
    /// machines are on order for its other MW.
    pub pending_expansions: u32,
    /// Shut (bankrupt without buyer, or banned with AI on it): no new machines.
    pub shut: bool,
    /// Capacity a ban took that the firm has still to order back in the site's new region, MW
    /// (see `Agents::sell_if_banned`; lowered when a rebuilding expansion is ordered).
    pub relocating_mw: f64,
    /// AI contracts of the site (indices).
    pub contracts: Vec<u32>,
}

impl SiteState {
    /// An empty site (no owner, no machines) of `capacity_mw` in `region`.
    pub fn new(
        region: Region,
        capacity_mw: f64,
        pue: f64,
        price_factor: f64,
        ai_suitable: bool,
    ) -> Self {
        Self {
            owner: u32::MAX,
            region,
            capacity_mw,
            initial_capacity_mw: capacity_mw,
            pue,
            price_factor,
            ai_suitable,
            units: Vec::new(),
            mining_mw: 0.0,
            converting_mw: 0.0,
            ai_colo_mw: 0.0,
            ai_cloud_mw: 0.0,
            leased_colo_mw: 0.0,
            reserved_mw: 0.0,
            pending_machine_orders: 0,
            pending_expansions: 0,
            shut: false,
            relocating_mw: 0.0,
            contracts: Vec::new(),
        }
    }

    /// MW with neither machines, conversions nor AI.
    pub fn idle_mw(&self) -> f64 {
        (self.capacity_mw
            - self.mining_mw
            - self.converting_mw
            - self.ai_colo_mw
            - self.ai_cloud_mw)
            .max(0.0)
    }

    /// Records an expansion of `mw` ordered: it counts against the capacity to rebuild.
    pub fn expansion_ordered(&mut self, mw: f64) {
        self.relocating_mw = (self.relocating_mw - mw).max(0.0);
    }

    /// Idle MW not reserved by orders.
    pub fn free_mw(&self) -> f64 {
        (self.idle_mw() - self.reserved_mw).max(0.0)
    }

    /// MW converting or in AI.
    pub fn ai_mw(&self) -> f64 {
        self.converting_mw + self.ai_colo_mw + self.ai_cloud_mw
    }
}

/// MW totals over all sites.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct MwTotals {
    pub capacity: f64,
    pub mining: f64,
    pub converting: f64,
    pub ai_colo: f64,
    pub ai_cloud: f64,
}

/// What an AI conversion became at energization.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AiUse {
    /// A colocation shell.
    Colocation,
    /// GPU cloud.
    Cloud,
}

/// The firms, the sites and the fleet units' installation years.
#[derive(Debug, Clone)]
pub(crate) struct Registry {
    firms: Vec<Firm>,
    sites: Vec<SiteState>,
    /// `sites[s].owner` for every site, packed (the daily concentration scan reads it).
    site_owners: Vec<u32>,
    /// Per fleet unit: installation year.
    unit_installed: Vec<f64>,
    totals: MwTotals,
    initial_mining_mw: f64,
}

impl Registry {
    /// The registry of `firms` over `sites` (each site owned by the firm that lists it), with
    /// each fleet unit's installation year.
    pub fn new(firms: Vec<Firm>, mut sites: Vec<SiteState>, unit_installed: Vec<f64>) -> Self {
        for f in &firms {
            for &s in &f.sites {
                sites[s as usize].owner = f.id;
            }
        }
        let site_owners = sites.iter().map(|s| s.owner).collect();
        let mut t = MwTotals::default();
        for s in &sites {
            t.capacity += s.capacity_mw;
            t.mining += s.mining_mw;
            t.converting += s.converting_mw;
            t.ai_colo += s.ai_colo_mw;
            t.ai_cloud += s.ai_cloud_mw;
        }
        Self {
            firms,
            sites,
            site_owners,
            unit_installed,
            totals: t,
            initial_mining_mw: t.mining,
        }
    }

    /// The firms, by id.
    pub fn firms(&self) -> &[Firm] {
        &self.firms
    }

    /// Firm `f`.
    pub fn firm(&self, f: usize) -> &Firm {
        &self.firms[f]
    }

    /// Firm `f`, to update its beliefs or draw from its stream.
    pub fn firm_mut(&mut self, f: usize) -> &mut Firm {
        &mut self.firms[f]
    }

    /// The sites.
    pub fn sites(&self) -> &[SiteState] {
        &self.sites
    }

    /// Site `s`.
    pub fn site(&self, s: usize) -> &SiteState {
        &self.sites[s]
    }

    /// Site `s`, to update what the registry does not total (reservations, orders in transit,
    /// contracts, the shut flag). Its MW move through the registry's methods.
    pub fn site_mut(&mut self, s: usize) -> &mut SiteState {
        &mut self.sites[s]
    }

    /// The MW totals over all sites.
    pub fn totals(&self) -> &MwTotals {
        &self.totals
    }

    /// The mining MW at the start.
    pub fn initial_mining_mw(&self) -> f64 {
        self.initial_mining_mw
    }

    /// Installation year of fleet unit `u`.
    pub fn installed_year(&self, u: usize) -> f64 {
        self.unit_installed[u]
    }

    /// `mw` of new AI work at site `s` (a conversion started).
    pub fn start_converting(&mut self, s: usize, mw: f64) {
        self.sites[s].converting_mw += mw;
        self.totals.converting += mw;
    }

    /// `mw` of conversion at site `s` energized as `to`.
    pub fn energize(&mut self, s: usize, mw: f64, to: AiUse) {
        let site = &mut self.sites[s];
        site.converting_mw = (site.converting_mw - mw).max(0.0);
        self.totals.converting -= mw;
        match to {
            AiUse::Colocation => {
                site.ai_colo_mw += mw;
                self.totals.ai_colo += mw;
            }
            AiUse::Cloud => {
                site.ai_cloud_mw += mw;
                self.totals.ai_cloud += mw;
            }
        }
    }

    /// `mw` of GPU cloud at site `s` ended: the GPUs are spent, the shell remains, vacant.
    pub fn cloud_to_shell(&mut self, s: usize, mw: f64) {
        let site = &mut self.sites[s];
        site.ai_cloud_mw = (site.ai_cloud_mw - mw).max(0.0);
        site.ai_colo_mw += mw;
        self.totals.ai_cloud -= mw;
        self.totals.ai_colo += mw;
    }

    /// The AI shells of site `s` that no tenant leases become idle MW (a shut site's).
    pub fn idle_vacant_shells(&mut self, s: usize) {
        let site = &mut self.sites[s];
        let vacant = (site.ai_colo_mw - site.leased_colo_mw).max(0.0);
        site.ai_colo_mw -= vacant;
        self.totals.ai_colo -= vacant;
    }

    /// Shuts site `s`: its unfinished conversions are abandoned (their MW fall idle) and so
    /// are its vacant shells.
    pub fn shut(&mut self, s: usize) {
        let site = &mut self.sites[s];
        site.shut = true;
        self.totals.converting -= site.converting_mw;
        site.converting_mw = 0.0;
        self.idle_vacant_shells(s);
    }

    /// `mw` of new capacity energized at site `s`.
    pub fn expand(&mut self, s: usize, mw: f64) {
        self.sites[s].capacity_mw += mw;
        self.totals.capacity += mw;
    }

    /// Moves site `s` to region `to` with no capacity: what it had is to be rebuilt
    /// (`relocating_mw`). Returns the MW it lost.
    pub fn relocate(&mut self, s: usize, to: Region) -> f64 {
        let site = &mut self.sites[s];
        let lost = site.capacity_mw;
        site.region = to;
        site.capacity_mw = 0.0;
        site.relocating_mw += lost;
        self.totals.capacity -= lost;
        lost
    }

    /// Hands site `s` to firm `to`.
    pub fn transfer(&mut self, s: usize, to: usize) {
        self.firms[to].sites.push(s as u32);
        self.sites[s].owner = to as u32;
        self.site_owners[s] = to as u32;
    }

    /// Takes firm `f`'s list of sites (it owns nothing after).
    pub fn take_sites(&mut self, f: usize) -> Vec<u32> {
        std::mem::take(&mut self.firms[f].sites)
    }

    /// Installs `ths` TH/s of `model` (`j_per_th`) installed in `installed_year` at site `s`:
    /// machines of a model the site already runs join that vintage (one unit per model and site
    /// keeps the fleet small; its installation year becomes the hashrate-weighted mean), others
    /// become a new fleet unit. Nothing below 1e-6 TH/s.
    pub fn install(
        &mut self,
        s: usize,
        (model, j_per_th): (u16, f64),
        ths: f64,
        installed_year: f64,
        fleet: &mut Fleet,
    ) {
        if ths.is_nan() || ths <= 1e-6 {
            return;
        }
        let same = self.sites[s].units.iter().copied().find(|&u| {
            let x = &fleet.units()[u as usize];
            x.model == model && x.j_per_th == j_per_th && x.ths > 0.0
        });
        if let Some(u) = same {
            let old = fleet.units()[u as usize].ths;
            let y = &mut self.unit_installed[u as usize];
            *y = (*y * old + installed_year * ths) / (old + ths);
            fleet.set_unit_ths(u as usize, old + ths);
            let mw = ths * j_per_th * self.sites[s].pue / 1e6;
            self.sites[s].mining_mw += mw;
            self.totals.mining += mw;
            return;
        }
        let site = &self.sites[s];
        let unit = Unit {
            site: s as u32,
            region: site.region.index() as u16,
            model,
            ths,
            j_per_th,
            pue: site.pue,
            price_factor: site.price_factor,
        };
        let i = fleet.add_unit(unit).expect("valid unit");
        self.unit_installed.push(installed_year);
        debug_assert_eq!(self.unit_installed.len(), fleet.units().len());
        let mw = ths * j_per_th * site.pue / 1e6;
        let site = &mut self.sites[s];
        site.units.push(i as u32);
        site.mining_mw += mw;
        self.totals.mining += mw;
    }

    /// Takes `ths` TH/s (at most all) of unit `u` out of site `s`; a unit left empty leaves the
    /// site's list. Returns the TH/s taken and their MW (0 when there was nothing).
    pub fn uninstall(&mut self, s: usize, u: usize, ths: f64, fleet: &mut Fleet) -> (f64, f64) {
        let unit = fleet.units()[u];
        let ths = ths.min(unit.ths);
        if ths <= 0.0 {
            return (0.0, 0.0);
        }
        fleet.set_unit_ths(u, unit.ths - ths);
        if unit.ths - ths <= 0.0 {
            self.sites[s].units.retain(|&x| x as usize != u);
        }
        let mw = ths * unit.j_per_th * unit.pue / 1e6;
        self.sites[s].mining_mw = (self.sites[s].mining_mw - mw).max(0.0);
        self.totals.mining -= mw;
        (ths, mw)
    }

    /// The region banned site `s` moves to: another region, drawn with firm `f`'s stream with
    /// probability proportional to the capacity of the working sites there; None if there is
    /// none.
    pub fn relocation_region(&mut self, f: usize, s: usize) -> Option<Region> {
        let from = self.sites[s].region;
        let mut weights = [0.0f64; Region::ALL.len()];
        for site in &self.sites {
            if !site.shut && site.region != from {
                weights[site.region.index()] += site.capacity_mw;
            }
        }
        let total: f64 = weights.iter().sum();
        if total <= 0.0 {
            return None;
        }
        let mut u = self.firms[f].rng.random::<f64>() * total;
        for (r, w) in Region::ALL.iter().zip(weights) {
            if w > 0.0 && u < w {
                return Some(*r);
            }
            u -= w;
        }
        Region::ALL
            .iter()
            .zip(weights)
            .rev()
            .find(|(_, w)| *w > 0.0)
            .map(|(r, _)| *r)
    }

    /// Each firm's running hashrate, TH/s, indexed by firm id, into `out` (replaced). Bankrupt
    /// firms own nothing and count 0.
    pub fn firm_running_ths(&self, fleet: &Fleet, out: &mut Vec<f64>) {
        out.clear();
        out.resize(self.firms.len(), 0.0);
        for (&owner, ths) in self.site_owners.iter().zip(fleet.sites_running_ths()) {
            out[owner as usize] += ths;
        }
    }

    /// Every site's state.
    pub fn site_snapshots(&self, fleet: &Fleet) -> Vec<SiteSnapshot> {
        self.sites
            .iter()
            .map(|s| {
                let (mut ths, mut w) = (0.0, 0.0);
                for &u in &s.units {
                    let x = &fleet.units()[u as usize];
                    ths += x.ths;
                    w += x.ths * x.j_per_th;
                }
                SiteSnapshot {
                    firm: s.owner,
                    region: s.region.name(),
                    ai_suitable: s.ai_suitable,
                    capacity_mw: s.capacity_mw,
                    mining_mw: s.mining_mw,
                    converting_mw: s.converting_mw,
                    ai_mw: s.ai_colo_mw + s.ai_cloud_mw,
                    efficiency_j_per_th: if ths > 0.0 { w / ths } else { f64::NAN },
                }
            })
            .collect()
    }

    /// Checks every site's MW (finite, non-negative, within its capacity) and the packed owner
    /// list.
    pub fn check_sites(&self) -> Result<(), InvariantError> {
        for (i, s) in self.sites.iter().enumerate() {
            let used = s.mining_mw + s.converting_mw + s.ai_colo_mw + s.ai_cloud_mw;
            let all = [
                s.capacity_mw,
                s.mining_mw,
                s.converting_mw,
                s.ai_colo_mw,
                s.ai_cloud_mw,
            ];
            if all.iter().any(|x| !x.is_finite() || *x < -1e-9) {
                return Err(InvariantError::SiteMw { site: i, mw: all });
            }
            if self.site_owners[i] != s.owner {
                return Err(InvariantError::PackedOwner {
                    site: i,
                    packed: self.site_owners[i],
                    owner: s.owner,
                });
            }
            if used > s.capacity_mw * (1.0 + 1e-9) + 1e-9 {
                return Err(InvariantError::OverCapacity {
                    site: i,
                    mining: s.mining_mw,
                    converting: s.converting_mw,
                    ai_colo: s.ai_colo_mw,
                    ai_cloud: s.ai_cloud_mw,
                    capacity: s.capacity_mw,
                });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests;
