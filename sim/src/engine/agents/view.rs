//! What an agent handler sees and works with: the market at this instant ([`MarketView`], built
//! by the economy) and the context the simulation lends it ([`Cx`]: the fleet, the view and the
//! outbox).

use hashshift_models::mining::fleet::Fleet;

use super::registry::SiteState;
use crate::engine::clock::{Calendar, SimTime};
use crate::engine::event::Event;
use crate::engine::outbox::Outbox;
use crate::record::{EventKind, EventRecord};

/// What the market looks like when an agent event is handled.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MarketView<'a> {
    /// The run's calendar.
    pub calendar: Calendar,
    /// Now (a whole second).
    pub now: SimTime,
    /// Calendar year with fraction ([`Calendar::year_through_days`]).
    pub year: f64,
    /// Hashprice, USD per TH/s per day.
    pub hashprice: f64,
    /// Hashprice after the next retarget brings blocks back to 10 minutes (what firms plan
    /// with), USD per TH/s per day.
    pub hashprice_outlook: f64,
    /// BTC price, USD.
    pub price: f64,
    /// Mean fee per block, BTC.
    pub fee_mean_btc: f64,
    /// Height of the next block.
    pub height: u64,
    /// Energy price by region, USD/kWh.
    pub region_price: &'a [f64],
    /// Carbon tax by region, USD/tCO2.
    pub carbon_tax: &'a [f64],
    /// Carbon intensity by region, tCO2/MWh.
    pub carbon_intensity: &'a [f64],
    /// The frontier machine now: (J/TH, USD per TH/s, model id).
    pub frontier: (f64, f64, u16),
    /// Yearly fall of the frontier's J/TH.
    pub frontier_improvement: f64,
    /// Yearly change of the price per TH of new machines.
    pub frontier_price_trend: f64,
}

impl MarketView<'_> {
    /// Now, days since the start.
    #[inline]
    pub fn now_days(&self) -> f64 {
        self.now.days()
    }

    /// Unix time of now.
    #[inline]
    pub fn now_unix(&self) -> i64 {
        self.calendar.unix(self.now)
    }

    /// Years since the start.
    pub fn t_years(&self) -> f64 {
        self.now_days() / 365.25
    }

    /// Energy price a site pays, carbon tax included, USD/kWh.
    pub fn site_energy(&self, s: &SiteState) -> f64 {
        let r = s.region.index();
        self.region_price[r] * s.price_factor
            + self.carbon_tax[r] * self.carbon_intensity[r] / 1000.0
    }
}

/// What the simulation lends an agent handler besides the agents' own state: the fleet (the
/// machines the firms install, sell and relocate), the market view and the outbox (the events
/// and firm rows it records, the events it schedules).
pub(crate) struct Cx<'a, 'v> {
    /// The network's machines.
    pub fleet: &'a mut Fleet,
    /// The market now.
    pub v: &'a MarketView<'v>,
    /// Records and events to schedule.
    pub out: &'a mut Outbox,
}

impl Cx<'_, '_> {
    /// Records an event of firm `firm` at site `site` now, to be filled in.
    pub fn event(&mut self, kind: EventKind, firm: u32, site: u32) -> &mut EventRecord {
        self.out.event(self.v.now_unix(), kind, firm, site)
    }

    /// Schedules `event` at `at_days` days since the start.
    pub fn schedule(&mut self, at_days: f64, event: Event) {
        self.out.schedule(SimTime::from_days(at_days), event);
    }
}
