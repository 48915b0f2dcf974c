//! What the rest of the engine reads from the agents: the daily columns ([`AgentDay`]), every
//! site's state, the security metrics' inputs (each firm's running hashrate for
//! concentration, the machines unsold on the secondary market and their price for the
//! overhang), and the invariants a checked run verifies.

use hashshift_models::mining::fleet::Fleet;

use super::{Agents, MarketView};
use crate::engine::error::InvariantError;
use crate::record::{AgentDay, AiMarketDay, SiteSnapshot};

impl Agents {
    /// The agents' daily columns, with the fleet running `running_ths` TH/s on
    /// `running_power_w` W, of `network_ths` TH/s installed (running and idle).
    pub fn day(
        &self,
        v: &MarketView<'_>,
        running_power_w: f64,
        running_ths: f64,
        network_ths: f64,
    ) -> AgentDay {
        let t = v.t_years();
        let tot = self.registry.totals();
        let ai = tot.ai_colo + tot.ai_cloud;
        let idle = tot.capacity - tot.mining - tot.converting - ai;
        let initial_mining_mw = self.registry.initial_mining_mw();
        // The totals are running sums: a total back at zero can be off by rounding
        // (-1e-13 MW), reported as 0.
        let mut d = AgentDay {
            capacity_mw: tot.capacity.max(0.0),
            mining_mw: tot.mining.max(0.0),
            converting_mw: tot.converting.max(0.0),
            ai_mw: ai.max(0.0),
            idle_mw: idle.max(0.0),
            ai_share_of_initial_mining_mw: if initial_mining_mw > 0.0 {
                (ai + tot.converting) / initial_mining_mw
            } else {
                0.0
            },
            mining_usd_per_kwh: if running_power_w > 0.0 {
                v.hashprice * running_ths / (running_power_w / 1000.0 * 24.0)
            } else {
                0.0
            },
            active_firms: self.finance.active_firms() as u64,
            // 0, not -0, when empty.
            secondary_ths: self.secondary.lots().iter().fold(0.0, |a, l| a + l.ths),
            order_book_ehs: self.orders.backlog_ths() / 1e6,
            asic_lead_time_days: self.quoted_lead_days(network_ths),
            ..AgentDay::default()
        };
        d.ai_market = self.ai.market().map(|m| {
            let kwh_per_mw_year = 8_766.0 * 1000.0;
            let colo_rate_usd_per_mw_year = m.colocation_rate(t);
            let gpu_hour_usd = m.gpu_hour_usd(t);
            AiMarketDay {
                colo_rate_usd_per_mw_year,
                gpu_hour_usd,
                demand_mw: m.demand_mw(t),
                supply_mw: m.supply_mw(t),
                colo_usd_per_kwh: colo_rate_usd_per_mw_year / kwh_per_mw_year,
                cloud_usd_per_kwh: m.params().cloud_revenue_usd_per_mw_year(gpu_hour_usd)
                    / kwh_per_mw_year,
            }
        });
        d
    }

    /// Every site's state.
    pub fn site_snapshots(&self, fleet: &Fleet) -> Vec<SiteSnapshot> {
        self.registry.site_snapshots(fleet)
    }

    /// The fleet units on site `s`.
    pub fn site_units(&self, s: usize) -> &[u32] {
        &self.registry.site(s).units
    }

    /// Each firm's running hashrate, TH/s, indexed by firm id, into `out` (replaced). Bankrupt
    /// firms own nothing and count 0.
    pub fn firm_running_ths(&self, fleet: &Fleet, out: &mut Vec<f64>) {
        self.registry.firm_running_ths(fleet, out);
    }

    /// Machines unsold on the secondary market: `(J/TH, TH/s)` per lot.
    pub fn unsold_machines(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.secondary.lots().iter().map(|l| (l.j_per_th, l.ths))
    }

    /// The secondary-market price of machines of efficiency `j_per_th`, USD per TH/s.
    pub fn machine_price_usd_per_th(&self, j_per_th: f64, v: &MarketView<'_>) -> f64 {
        self.secondary_usd_per_th(j_per_th, v)
    }

    /// Checks the MW identity of every site, the ownership of sites, and finite books (tests).
    pub fn check_invariants(&self) -> Result<(), InvariantError> {
        self.registry.check_sites()?;
        // Each open site is in exactly one firm's list, its owner's; a shut site is in no list,
        // or (shut by a ban) in its owner's, whose served AI tenants still pay it; a bankrupt
        // firm holds nothing (no firm in two states at once).
        let sites = self.registry.sites();
        let mut listed = 0usize;
        for f in self.registry.firms() {
            self.finance.check(f.id as usize, f.sites.len())?;
            for &s in &f.sites {
                let site = &sites[s as usize];
                if site.owner != f.id {
                    return Err(InvariantError::ForeignSite {
                        firm: f.id,
                        site: s,
                        owner: site.owner,
                        shut: site.shut,
                    });
                }
            }
            listed += f.sites.iter().filter(|&&s| !sites[s as usize].shut).count();
        }
        let open = sites.iter().filter(|s| !s.shut).count();
        if listed != open {
            return Err(InvariantError::SiteCount { listed, open });
        }
        // A shut site runs no machine and builds nothing; its AI MW are those of the tenants
        // still served.
        for (i, s) in sites.iter().enumerate().filter(|(_, s)| s.shut) {
            let served = self.ai.served_mw(&s.contracts);
            // MW are kept incrementally: a sold-out site may keep a rounding residue.
            let tolerance = 1e-9 * s.capacity_mw.max(1.0);
            let ai = s.ai_colo_mw + s.ai_cloud_mw;
            if !s.units.is_empty()
                || s.mining_mw > tolerance
                || s.converting_mw > tolerance
                || ai > served + tolerance
            {
                return Err(InvariantError::ShutSiteActive {
                    site: i,
                    machines: s.units.len(),
                    mining: s.mining_mw,
                    converting: s.converting_mw,
                    ai,
                    served,
                });
            }
        }
        Ok(())
    }
}
