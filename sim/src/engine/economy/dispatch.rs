//! Between the economy and the agents: the market view an agent event is handled in (the
//! hashprice outlook, the frontier machine as firms buy it) and the dispatch of agent events
//! and the agents' daily work, with the fleet and the outbox lent to them, plus what the
//! economy reads back (daily columns, site snapshots, invariants).

use hashshift_models::hardware::backlog_price_factor;

use super::frontier::FrontierNow;
use super::Economy;
use crate::engine::agents::Cx;
use crate::engine::clock::year_fraction;
use crate::engine::error::InvariantError;
use crate::engine::event::Event;
use crate::engine::outbox::Outbox;
use crate::record::{AgentDay, SiteSnapshot};

impl Economy {
    /// The hashprice firms plan with: today's corrected for the retarget to come
    /// (`hashshift_models::mining::economics::hashprice_outlook`, with the fleet's idle supply),
    /// at the long-run fees.
    pub(super) fn hashprice_outlook(&self) -> f64 {
        let m = &self.market;
        let today = match &self.fleet {
            Some(fs) => fs.hashprice_outlook(m.hashprice, m.difficulty),
            None => hashshift_models::mining::economics::hashprice_outlook(
                m.hashprice,
                super::implied_hashrate_hs(m.difficulty),
                super::implied_hashrate_hs(m.difficulty),
                &[],
            ),
        };
        m.btc.at_outlook_fees(today)
    }

    /// The multiple of the list price new machines sell at now: raised by a full order book
    /// ([`backlog_price_factor`] of the firms' undelivered orders against the running
    /// hashrate); 1 without firms.
    pub(super) fn order_book_premium(&self) -> f64 {
        match &self.agents {
            Some(a) => backlog_price_factor(
                a.backlog_ths(),
                self.fleet_hashrate_hs().unwrap_or(0.0) / 1e12,
            ),
            None => 1.0,
        }
    }

    /// The frontier machine as firms buy it now, `(J/TH, USD per TH/s, model id)`: its list
    /// price at most what the secondary market pays for it, with the order book's premium
    /// ([`Economy::order_book_premium`], `Agents::new_machine_usd_per_th`); NaN without a
    /// frontier.
    pub(super) fn firms_frontier(
        &self,
        frontier: Option<FrontierNow>,
        height: u64,
        outlook: f64,
    ) -> (f64, f64, u16) {
        let Some(f) = frontier else {
            return (f64::NAN, f64::NAN, 0);
        };
        let premium = self.order_book_premium();
        let listed = (f.j_per_th, f.launch_usd_per_th * premium, f.id);
        match &self.agents {
            Some(a) => {
                let v = self.market.view(height, listed, outlook);
                let price = a.new_machine_usd_per_th(f.launch_usd_per_th, premium, &v);
                (listed.0, price, listed.2)
            }
            None => listed,
        }
    }

    /// Handles an agent event at `now_unix` (`height`: the next block's). Machines installed or
    /// removed change the network hashrate at the next operation pass (midnight or retarget):
    /// the fleet's totals are recomputed once per pass, not per firm action.
    pub fn on_agent_event(&mut self, ev: Event, now_unix: i64, height: u64, out: &mut Outbox) {
        if self.agents.is_none() {
            return;
        }
        self.market.set_time(now_unix);
        let year = year_fraction(now_unix);
        let outlook = self.hashprice_outlook();
        let frontier_now = self.market.frontier.at(year);
        let frontier = self.firms_frontier(frontier_now, height, outlook);
        // The view borrows the market; the agents and the fleet are borrowed beside it.
        let v = self.market.view(height, frontier, outlook);
        let (Some(agents), Some(fs)) = (self.agents.as_mut(), self.fleet.as_mut()) else {
            unreachable!("agents need a fleet");
        };
        let mut cx = Cx {
            fleet: &mut fs.fleet,
            v: &v,
            out,
        };
        agents.handle(ev, &mut cx);
    }

    /// Daily agent work: the price observation and the agents' housekeeping (bids cleared on
    /// the first day of a month, the secondary market's shelf).
    pub(super) fn agents_new_day(&mut self, out: &mut Outbox) {
        let price = self.market.btc.price();
        let outlook = self.hashprice_outlook();
        let Some(agents) = self.agents.as_mut() else {
            return;
        };
        agents.observe_price(price);
        let fs = self.fleet.as_mut().expect("agents need a fleet");
        let v = self.market.view(0, (f64::NAN, f64::NAN, 0), outlook);
        let mut cx = Cx {
            fleet: &mut fs.fleet,
            v: &v,
            out,
        };
        agents.on_day(&mut cx);
    }

    /// The agents' daily columns, with the fleet drawing `power_w` W for `running_ths` TH/s
    /// of `installed_ths` (running and idle).
    pub(super) fn agent_day(
        &self,
        power_w: f64,
        running_ths: f64,
        installed_ths: f64,
    ) -> Option<AgentDay> {
        let a = self.agents.as_ref()?;
        let outlook = self.hashprice_outlook();
        let v = self.market.view(0, (f64::NAN, f64::NAN, 0), outlook);
        Some(a.day(&v, power_w, running_ths, installed_ths))
    }

    /// Every site's state (empty without agents).
    pub fn site_snapshots(&self) -> Vec<SiteSnapshot> {
        match (&self.agents, &self.fleet) {
            (Some(a), Some(fs)) => a.site_snapshots(&fs.fleet),
            _ => Vec::new(),
        }
    }

    /// Checks the agents' invariants (MW per site, finite cash).
    pub fn check_agent_invariants(&self) -> Result<(), InvariantError> {
        self.agents
            .as_ref()
            .map_or(Ok(()), |a| a.check_invariants())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::engine::rng::RngStreams;
    use crate::engine::RunOptions;
    use crate::scenario::Scenario;

    /// The economy of scenario `text` at difficulty 1e14 and a 3.125 BTC subsidy, with the
    /// outbox it wrote to.
    fn economy(text: &str) -> (Economy, Outbox) {
        let sc = Scenario::from_toml(text, Path::new("t.toml"), &[]).unwrap();
        let mut out = Outbox::new(RunOptions::default());
        let streams = RngStreams::new(1);
        let eco = Economy::new(
            &sc.economy,
            &streams,
            sc.start_unix,
            1.0e14,
            312_500_000,
            &mut out,
        );
        (eco.unwrap(), out)
    }

    #[test]
    fn new_machines_sell_below_list_when_the_hashprice_is_low() {
        let text = "[hashrate]\nkind = \"fleet\"\n[network]\nsites = 40\n[firms]\ncount = 20\n";
        let (eco, mut out) = economy(text);
        let premium = eco.order_book_premium();
        let list = 20.0;
        let f = FrontierNow {
            j_per_th: 15.0,
            launch_usd_per_th: list,
            usd_per_th: 18.0,
            id: 1,
        };
        let price = |outlook: f64| eco.firms_frontier(Some(f), 951_552, outlook).1;
        // Rich: the list price (with the order book's premium).
        assert_eq!(price(1.0), list * premium);
        // Below the power cost of the secondary market's buyer: the manufacturers' floor.
        assert_eq!(price(0.0), 0.6 * list * premium);
        // In between: what the machine earns its buyer over a year (secondary_payback_years,
        // at $0.05/kWh and PUE 1.1 before any valuation grid), rising with the hashprice.
        let cost = 15.0 * 1.1 * 24.0 / 1000.0 * 0.05;
        let mid = cost + 16.0 / 365.25;
        assert!((price(mid) - 16.0 * premium).abs() < 1e-9, "{}", price(mid));
        assert!(price(0.0) <= price(mid) && price(mid) <= price(1.0));
        // Without a frontier: NaN.
        assert!(eco.firms_frontier(None, 951_552, 1.0).1.is_nan());
        // The firms' first decisions are in the outbox.
        assert_eq!(out.drain_scheduled().count(), 20);
    }

    #[test]
    fn the_fleet_reacts_within_the_day_only_past_its_hysteresis_band() {
        use crate::scenario::Reaction;
        let text = "[hashrate]\nkind = \"fleet\"\n[network]\nsites = 40\nhysteresis = 0.05\n\
                    [firms]\nenabled = false\n";
        let (mut eco, _) = economy(text);
        let d = 1.0e14;
        // Daily reactions: never within the day.
        eco.set_reaction(Reaction::Daily);
        assert!(!eco.difficulty_moved(0.5 * d) && !eco.difficulty_moved(2.0 * d));
        // Intra-day: only past D (1 -/+ h), either way.
        eco.set_reaction(Reaction::Intraday);
        assert!(!eco.difficulty_moved(d * 1.05) && !eco.difficulty_moved(d * 0.951));
        assert!(eco.difficulty_moved(d * 1.051) && eco.difficulty_moved(d * 0.949));
        // A pass at a lower difficulty: a higher hashprice, at least as much running, and the
        // band moves with it.
        let before = eco.fleet_hashrate_hs().unwrap();
        let hashprice = eco.market.hashprice;
        let now = eco.market.calendar.start_unix() + 3_600;
        let after = eco.on_difficulty(now, 0.8 * d, 312_500_000).unwrap();
        assert!(eco.market.hashprice > hashprice && after >= before);
        assert!(!eco.difficulty_moved(0.8 * d * 0.96));
        assert!(eco.difficulty_moved(0.8 * d * 1.06));
        // Without a fleet: never.
        let (mut eco, _) = economy("");
        eco.set_reaction(Reaction::Intraday);
        assert!(!eco.difficulty_moved(0.0) && !eco.difficulty_moved(f64::MAX));
    }

    #[test]
    fn without_a_fleet_the_outlook_is_todays_hashprice() {
        let (eco, _) = economy("");
        assert_eq!(eco.hashprice_outlook(), eco.market.hashprice);
        assert_eq!(eco.order_book_premium(), 1.0);
    }
}
