//! The economy's side of the agents: building them (with the named firms' sites), the market
//! view they decide in, their events, the AI shocks and their daily columns.

use hashshift_models::hardware::{backlog_price_factor, Catalog};
use hashshift_models::mining::economics::post_retarget_hashprice;
use hashshift_models::mining::fleet::Unit;
use hashshift_models::mining::population::{Population, Site};

use super::{year_fraction, Economy, FrontierNow};
use crate::engine::agents::{Agents, MarketView};
use crate::engine::event::Event;
use crate::engine::rng::RngStreams;
use crate::engine::SimError;
use crate::record::{AgentDay, EventKind, EventRecord, Recorder};
use crate::scenario::{AgentsSpec, EconomySpec, Shock};

/// PUE of named firms' sites (ASSUMPTION: large modern sites).
const NAMED_PUE: f64 = 1.08;

/// The [`MarketView`] of an [`Economy`] `$e` (a macro so that it borrows only the fields it
/// reads, leaving the agents and the fleet free to be borrowed mutably beside it).
macro_rules! market_view {
    ($e:expr, $height:expr, $frontier:expr, $outlook:expr) => {
        MarketView {
            start_unix: $e.start_unix,
            now_days: $e.time_days,
            year: year_fraction($e.start_unix + ($e.time_days * 86_400.0) as i64),
            hashprice: $e.hashprice,
            hashprice_outlook: $outlook,
            price: $e.price(),
            fee_mean_btc: $e.fee_outlook_btc,
            height: $height,
            region_price: &$e.region_price,
            carbon_tax: &$e.carbon_tax,
            carbon_intensity: &$e.carbon_intensity,
            frontier: $frontier,
            frontier_improvement: $e.frontier.params().improvement_rate_per_year,
            frontier_price_trend: $e.frontier.params().price_per_th_trend_per_year,
        }
    };
}

fn invalid(m: impl Into<String>) -> SimError {
    SimError::Invalid(m.into())
}

impl Economy {
    /// The named firms' sites and machines (not yet in the population): each firm's
    /// self-mining hashrate spread over its sites in proportion to capacity, at its
    /// efficiency.
    pub(super) fn named_population(
        &self,
        spec: &EconomySpec,
        catalog: &Catalog,
        start_unix: i64,
    ) -> Result<Population, SimError> {
        let mut pop = Population {
            sites: Vec::new(),
            units: Vec::new(),
        };
        let Some(a) = &spec.agents else {
            return Ok(pop);
        };
        let year = year_fraction(start_unix);
        for f in &a.named {
            // The catalog model closest in efficiency (for ids and lifetimes).
            let model = catalog
                .available_at(year)
                .min_by(|x, y| {
                    (x.efficiency_j_per_th() - f.efficiency_j_per_th)
                        .abs()
                        .total_cmp(&(y.efficiency_j_per_th() - f.efficiency_j_per_th).abs())
                })
                .map_or(0, |m| m.id());
            let cap = f.capacity_mw();
            let ths_total = f.self_mining_ehs * 1e6;
            for s in &f.sites {
                let id = pop.sites.len() as u32;
                pop.sites.push(Site {
                    id,
                    region: s.region,
                    capacity_mw: s.capacity_mw,
                    pue: NAMED_PUE,
                    price_factor: 1.0,
                });
                let ths = ths_total * s.capacity_mw / cap;
                // Machines at the meter cannot exceed the site.
                let ths = ths.min(s.capacity_mw * 1e6 / (f.efficiency_j_per_th * NAMED_PUE));
                if ths > 0.0 {
                    pop.units.push(Unit {
                        site: id,
                        region: s.region.index() as u16,
                        model,
                        ths,
                        j_per_th: f.efficiency_j_per_th,
                        pue: NAMED_PUE,
                        price_factor: 1.0,
                    });
                }
            }
        }
        Ok(pop)
    }

    /// Appends the named sites to `pop`; returns each named firm's site indices.
    pub(super) fn append_named(
        spec: &EconomySpec,
        pop: &mut Population,
        named: Population,
    ) -> Vec<Vec<u32>> {
        let base = pop.sites.len() as u32;
        let mut out = Vec::new();
        for site in named.sites {
            pop.sites.push(Site {
                id: base + site.id,
                ..site
            });
        }
        for u in named.units {
            pop.units.push(Unit {
                site: base + u.site,
                ..u
            });
        }
        // Group the named sites by firm, in order.
        let Some(a) = &spec.agents else {
            return out;
        };
        let mut next = base;
        for f in &a.named {
            let n = f.sites.len() as u32;
            out.push((next..next + n).collect());
            next += n;
        }
        out
    }

    /// Builds the agents over the fleet.
    pub(super) fn build_agents(
        &mut self,
        a: &AgentsSpec,
        spec: &EconomySpec,
        catalog: &Catalog,
        named_sites: &[Vec<u32>],
        streams: &RngStreams,
        start_unix: i64,
    ) -> Result<(), SimError> {
        let fs = self.fleet.as_ref().expect("agents need a fleet");
        let life = |id: u16| {
            catalog
                .get(id)
                .map_or(a.asic_life_years, |m| m.lifetime_years())
        };
        let release = |id: u16| {
            catalog
                .get(id)
                .map_or(year_fraction(start_unix), |m| m.release_year())
        };
        let units: Vec<(f64, f64)> = fs
            .fleet
            .units()
            .iter()
            .map(|u| (release(u.model), life(u.model)))
            .collect();
        let suitability: Vec<f64> = spec.regions.iter().map(|r| r.1.ai_suitability).collect();
        let vol = match &spec.price {
            crate::scenario::PriceSpec::Process { model, .. } => model.volatility(),
            _ => a.initial_volatility,
        };
        let agents = Agents::new(
            a,
            &fs.sites,
            &suitability,
            &fs.fleet,
            &units,
            named_sites,
            streams,
            year_fraction(start_unix),
            vol,
        )
        .map_err(invalid)?;
        self.agents = Some(agents);
        Ok(())
    }

    /// The hashprice firms plan with: today's, corrected for the retarget to come. Difficulty
    /// follows the running hashrate within an epoch, so when more runs than difficulty implies
    /// the hashprice falls by the ratio (at most 4x, the retarget clamp). When less runs,
    /// difficulty will fall and the hashprice rise, but only until idle machines switch back
    /// on: the network's revenue is shared by the running hashrate plus the idle machines
    /// that pay at the new hashprice ([`post_retarget_hashprice`]), at most 4x. Without the
    /// correction a network whose machines all stop could never see difficulty fall; without
    /// the idle machines firms would read a stopped overhang as a 4x hashprice and buy more
    /// machines into it.
    pub(super) fn hashprice_outlook(&self) -> f64 {
        self.at_outlook_fees(self.hashprice_outlook_today())
    }

    /// `hashprice` (at today's expected fees) at the long-run mean fees firms plan with: the
    /// same number without fee spikes, or when a block pays nothing today.
    pub(super) fn at_outlook_fees(&self, hashprice: f64) -> f64 {
        let today = self.subsidy_btc + self.fee_mean_btc;
        if self.fee_spikes.is_none() || today <= 0.0 {
            return hashprice;
        }
        // The ratio first: exactly 1 when the outlook is today's fees (no spike can come).
        hashprice * ((self.subsidy_btc + self.fee_outlook_btc) / today)
    }

    /// [`Economy::hashprice_outlook`] at today's expected fees (remembered per market state:
    /// the fleet's operation passes, the hashprice and the difficulty).
    fn hashprice_outlook_today(&self) -> f64 {
        let Some(fs) = &self.fleet else {
            return self.compute_hashprice_outlook_today();
        };
        let key = (
            fs.passes,
            self.hashprice.to_bits(),
            self.difficulty.to_bits(),
        );
        let (p, h, d, value) = fs.outlook_memo.get();
        if (p, h, d) == key {
            return value;
        }
        let value = self.compute_hashprice_outlook_today();
        fs.outlook_memo.set((key.0, key.1, key.2, value));
        value
    }

    /// [`Economy::hashprice_outlook_today`] computed.
    fn compute_hashprice_outlook_today(&self) -> f64 {
        let implied_hs = super::implied_hashrate_hs(self.difficulty);
        let running_hs = self.fleet_hashrate_hs().unwrap_or(implied_hs);
        if running_hs >= implied_hs {
            let ratio = if running_hs > 0.0 {
                (implied_hs / running_hs).clamp(0.25, 4.0)
            } else {
                4.0
            };
            return self.hashprice * ratio;
        }
        let idle = self.fleet.as_ref().map_or(&[][..], |f| &f.idle_supply[..]);
        post_retarget_hashprice(
            self.hashprice,
            implied_hs / 1e12,
            running_hs / 1e12,
            idle,
            4.0,
        )
    }

    /// The multiple of the list price new machines sell at now: raised by a full order book
    /// ([`backlog_price_factor`] of the firms' undelivered orders against the running
    /// hashrate); 1 without firms.
    pub(super) fn order_book_premium(&self) -> f64 {
        match &self.agents {
            Some(a) => backlog_price_factor(
                a.backlog_ths,
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
                let v = market_view!(self, height, listed, outlook);
                let price = a.new_machine_usd_per_th(f.launch_usd_per_th, premium, &v);
                (listed.0, price, listed.2)
            }
            None => listed,
        }
    }

    /// The market as agents see it now (`height`: next block).
    pub(super) fn view(
        &self,
        height: u64,
        frontier: (f64, f64, u16),
        hashprice_outlook: f64,
    ) -> MarketView<'_> {
        market_view!(self, height, frontier, hashprice_outlook)
    }

    /// Handles an agent event at `now_unix`. Machines installed or removed change the network
    /// hashrate at the next operation pass (midnight or retarget): the fleet's totals are
    /// recomputed once per pass, not per firm action.
    pub fn on_agent_event(&mut self, ev: Event, now_unix: i64, height: u64) {
        if self.agents.is_none() {
            return;
        }
        self.set_time(now_unix);
        let year = year_fraction(now_unix);
        let outlook = self.hashprice_outlook();
        let frontier_now = self.frontier_values(year);
        let frontier = self.firms_frontier(frontier_now, height, outlook);
        // The view borrows the market fields, the agents and the fleet are borrowed beside it
        // (not moved out and back: they are large).
        let view = market_view!(self, height, frontier, outlook);
        let (Some(agents), Some(fs)) = (self.agents.as_mut(), self.fleet.as_mut()) else {
            unreachable!("agents need a fleet");
        };
        agents.handle(ev, &mut fs.fleet, &view);
        agents.fleet_changed = false;
    }

    /// Daily agent work: the price observation and the secondary market's shelf.
    pub(super) fn agents_new_day(&mut self) {
        let Some(mut agents) = self.agents.take() else {
            return;
        };
        agents.observe_price(self.price());
        let outlook = self.hashprice_outlook();
        let mut fs = self.fleet.take().expect("agents need a fleet");
        agents.on_day(
            &mut fs.fleet,
            &self.view(0, (f64::NAN, f64::NAN, 0), outlook),
        );
        self.fleet = Some(fs);
        self.agents = Some(agents);
    }

    /// Moves agent-produced events to schedule into `out` (seconds since the start).
    pub fn take_scheduled(&mut self, out: &mut Vec<(f64, Event)>) {
        if let Some(a) = &mut self.agents {
            out.append(&mut a.scheduled);
        }
    }

    /// Whether the agents build their monthly firm rows (see [`Recorder::wants_firm_months`]).
    pub fn set_record_firm_rows(&mut self, on: bool) {
        if let Some(a) = &mut self.agents {
            a.record_firm_rows = on;
        }
    }

    /// Drains the pending records: network events, and the agents' events and firm rows.
    pub fn drain_records<R: Recorder + ?Sized>(
        &mut self,
        recorder: &mut R,
    ) -> Result<(), SimError> {
        for e in self.network_events.drain(..) {
            recorder.event(&e)?;
        }
        let Some(a) = &mut self.agents else {
            return Ok(());
        };
        for e in a.events.drain(..) {
            recorder.event(&e)?;
        }
        for r in a.firm_rows.drain(..) {
            recorder.firm_month(&r)?;
        }
        Ok(())
    }

    /// Records a network-level event (shocks, halvings, clamped retargets, fee spikes, price
    /// feedback), in every run: with agents among their events (one time-ordered stream),
    /// without them on their own.
    pub fn network_event(
        &mut self,
        time_unix: i64,
        kind: EventKind,
        detail: &'static str,
        value: f64,
    ) {
        match &mut self.agents {
            Some(a) => a.push_event(time_unix, kind, detail, value),
            None => self
                .network_events
                .push(EventRecord::network(time_unix, kind, detail, value)),
        }
    }

    /// AI shock factors in force at `now_unix`.
    pub(super) fn apply_ai_shocks(&mut self, now_unix: i64) {
        let Some(a) = &mut self.agents else { return };
        let (mut demand, mut rate) = (1.0, 1.0);
        for s in &self.shocks {
            match *s {
                Shock::AiDemand { at, until, factor } if at <= now_unix && now_unix < until => {
                    demand *= factor;
                }
                Shock::AiRate { at, until, factor } if at <= now_unix && now_unix < until => {
                    rate *= factor;
                }
                _ => {}
            }
        }
        a.set_ai_factors(demand, rate);
    }

    /// The agents' daily columns.
    pub(super) fn agent_day(
        &self,
        _day_unix: i64,
        power_w: f64,
        running_ths: f64,
    ) -> Option<AgentDay> {
        let a = self.agents.as_ref()?;
        let outlook = self.hashprice_outlook();
        Some(a.day(
            &self.view(0, (f64::NAN, f64::NAN, 0), outlook),
            power_w,
            running_ths,
        ))
    }

    /// Every site's state (empty without agents).
    pub fn site_snapshots(&self) -> Vec<crate::record::SiteSnapshot> {
        match (&self.agents, &self.fleet) {
            (Some(a), Some(fs)) => a.site_snapshots(&fs.fleet),
            _ => Vec::new(),
        }
    }

    /// Checks the agents' invariants (MW per site, finite cash).
    pub fn check_agent_invariants(&self) -> Result<(), String> {
        self.agents
            .as_ref()
            .map_or(Ok(()), |a| a.check_invariants())
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::Scenario;

    /// An economy at the default start with fees of 0.5 BTC per block and the given spikes.
    fn economy(spikes: &str) -> Economy {
        let text = format!("[fees]\nmodel = \"constant\"\nmean_btc = 0.5\n{spikes}");
        let sc = Scenario::from_toml(&text, Path::new("t.toml"), &[]).unwrap();
        Economy::new(
            &sc.economy,
            &RngStreams::new(1),
            sc.start_unix,
            1.0e14,
            312_500_000,
        )
        .unwrap()
    }

    #[test]
    fn firms_plan_with_the_long_run_fees_through_a_spike() {
        let spikes = "[fees.spikes]\nrate_per_year = 10.0\nmean_days = 5.0\n\
                      multiplier_median = 3.0\nlog_sd = 0.0\n";
        let mut eco = economy(spikes);
        // pi = 10 x 5 / 365.25 and M = 3 exactly: the long-run fee is 0.5 (1 + 2 pi).
        let pi = 50.0 / 365.25;
        assert!((eco.fee_outlook_btc - 0.5 * (1.0 + 2.0 * pi)).abs() < 1e-15);
        let quiet = (eco.hashprice, eco.hashprice_outlook());
        // Without a fleet the outlook is today's hashprice at the long-run fees:
        // (3.125 + outlook fee) / (3.125 + 0.5).
        let ratio = (3.125 + eco.fee_outlook_btc) / 3.625;
        assert!((quiet.1 / quiet.0 - ratio).abs() < 1e-12);
        // A spike of 3x: today's hashprice rises by (3.125 + 1.5) / 3.625, the firms' not.
        let sp = eco.fee_spikes.as_mut().unwrap();
        sp.current = Some(3.0);
        eco.fees = sp.base.scaled(3.0);
        eco.fee_mean_btc = eco.fees.mean_btc();
        eco.hashprice = eco.hashprice_at(1.0e14, 312_500_000);
        assert!((eco.hashprice / quiet.0 - 4.625 / 3.625).abs() < 1e-12);
        assert!((eco.hashprice_outlook() / quiet.1 - 1.0).abs() < 1e-12);
        // Without spikes nothing is scaled.
        let plain = economy("");
        assert_eq!(plain.hashprice_outlook(), plain.hashprice);
        assert_eq!(plain.fee_outlook_btc, 0.5);
    }

    #[test]
    fn new_machines_sell_below_list_when_the_hashprice_is_low() {
        let text = "[hashrate]\nkind = \"fleet\"\n[network]\nsites = 40\n[firms]\ncount = 20\n";
        let sc = Scenario::from_toml(text, Path::new("t.toml"), &[]).unwrap();
        let eco = Economy::new(
            &sc.economy,
            &RngStreams::new(1),
            sc.start_unix,
            1.0e14,
            312_500_000,
        )
        .unwrap();
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
    }
}
