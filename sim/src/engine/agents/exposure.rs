//! What the security metrics read from the agents: each firm's running hashrate (for
//! concentration), the machines unsold on the secondary market and their price (for the
//! overhang).

use hashshift_models::mining::fleet::Fleet;

use super::{Agents, MarketView};

impl Agents {
    /// Each firm's running hashrate, TH/s, indexed by firm id, into `out` (replaced). Bankrupt
    /// firms own nothing and count 0.
    pub fn firm_running_ths(&self, fleet: &Fleet, out: &mut Vec<f64>) {
        out.clear();
        out.resize(self.firms.len(), 0.0);
        for (&owner, ths) in self.site_owners.iter().zip(fleet.sites_running_ths()) {
            out[owner as usize] += ths;
        }
    }

    /// Machines unsold on the secondary market: `(J/TH, TH/s)` per lot.
    pub fn unsold_machines(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        self.pool.iter().map(|l| (l.j_per_th, l.ths))
    }

    /// The secondary-market price of machines of efficiency `j_per_th`, USD per TH/s.
    pub fn machine_price_usd_per_th(&self, j_per_th: f64, v: &MarketView<'_>) -> f64 {
        self.secondary_usd_per_th(j_per_th, v)
    }
}
