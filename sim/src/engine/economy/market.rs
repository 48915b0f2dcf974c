//! The market side of the economy: the BTC price and fees ([`BtcMarket`]), the regions' energy
//! ([`Energy`]), the ASIC frontier ([`FrontierState`]), the hashprice in force with the
//! difficulty it was computed at, and the economy's clock. The fleet operates under its
//! conditions, and the agents see it through a [`MarketView`].

use hashshift_models::mining::fleet::Conditions;

use super::btc::BtcMarket;
use super::energy::Energy;
use super::frontier::FrontierState;
use crate::engine::agents::MarketView;
use crate::engine::clock::{Calendar, SimTime};

/// Prices, energy, the frontier, the hashprice and the clock.
#[derive(Debug, Clone)]
pub(crate) struct Market {
    pub btc: BtcMarket,
    pub energy: Energy,
    pub frontier: FrontierState,
    /// Hashprice in force, USD per TH/s per day.
    pub hashprice: f64,
    /// Difficulty of the latest hashprice.
    pub difficulty: f64,
    /// The run's calendar.
    pub calendar: Calendar,
    /// Time of the latest update.
    pub now: SimTime,
}

impl Market {
    /// Sets the hashprice at `difficulty` with a subsidy of `subsidy_sat` per block.
    pub fn set_hashprice(&mut self, difficulty: f64, subsidy_sat: u64) {
        self.difficulty = difficulty;
        self.hashprice = self.btc.hashprice(difficulty, subsidy_sat);
    }

    /// Moves the clock to `now_unix` (never backwards).
    pub fn set_time(&mut self, now_unix: i64) {
        self.now = self.now.max(self.calendar.at_unix(now_unix));
    }

    /// The conditions of an operation pass now, with `hysteresis`.
    pub fn conditions(&self, hysteresis: f64) -> Conditions<'_> {
        Conditions {
            time_days: self.now.days(),
            hashprice: self.hashprice,
            region_price: &self.energy.price,
            region_carbon_tax: &self.energy.carbon_tax,
            region_carbon_intensity: &self.energy.carbon_intensity,
            hysteresis,
        }
    }

    /// The market as agents see it now: `height` the next block, `frontier` the frontier
    /// machine as firms buy it, `hashprice_outlook` the hashprice they plan with.
    pub fn view(
        &self,
        height: u64,
        frontier: (f64, f64, u16),
        hashprice_outlook: f64,
    ) -> MarketView<'_> {
        let params = self.frontier.params();
        MarketView {
            calendar: self.calendar,
            now: self.now,
            year: self.calendar.year_through_days(self.now),
            hashprice: self.hashprice,
            hashprice_outlook,
            price: self.btc.price(),
            fee_mean_btc: self.btc.fee_outlook_btc(),
            height,
            region_price: &self.energy.price,
            carbon_tax: &self.energy.carbon_tax,
            carbon_intensity: &self.energy.carbon_intensity,
            frontier,
            frontier_improvement: params.improvement_rate_per_year,
            frontier_price_trend: params.price_per_th_trend_per_year,
        }
    }
}
