//! The secondary ASIC market's prices: what its dealer pays for used machines, and what new
//! machines sell for when the hashprice makes them worth less than their list price.
//!
//! Machines sold (by converting, refreshing or bankrupt firms) are bought at once by a dealer
//! at `min(new-equivalent, payback)` per TH/s: the price of the same hashrate new, scaled by
//! relative efficiency `c_f e_f / e`, capped at what the machines earn a buyer at reference
//! costs ([`REF_USD_PER_KWH`], [`REF_PUE`]) over [`Dealer::payback_years`] with the firms'
//! outlook (halvings, difficulty growth, no price drift) discounted at
//! [`BUYER_DISCOUNT_RATE`], floored at the scrap value
//! ([`crate::hardware::scrap_usd_per_th`]: about $15 per kW of the machines' power, so the
//! floor falls as boxes get more hashrate and never ends up above the price of new machines).
//! Valuing machines as the firms do keeps the dealer from paying more than they are worth to
//! their owners (no arbitrage churn). Before the outlook has a reward path (no firm has
//! decided yet), the buyer earns `payback_years` of today's margin instead. Every constant
//! here is an ASSUMPTION.

use super::valuation::{FirmView, Outlook, SiteCosts, STEP_YEARS};
use crate::hardware::scrap_usd_per_th;

/// Reference energy price of the secondary market's buyer, USD/kWh (ASSUMPTION).
pub const REF_USD_PER_KWH: f64 = 0.05;
/// Reference PUE of the secondary market's buyer (ASSUMPTION).
pub const REF_PUE: f64 = 1.1;
/// Cost of capital of the secondary market's buyer, per year (ASSUMPTION).
pub const BUYER_DISCOUNT_RATE: f64 = 0.2;
/// Lowest price of new machines as a share of their list price: the manufacturers' cost
/// (ASSUMPTION: gross margins of about 35-55% in 2017-2021, Bitmain's 2018 prospectus,
/// recalled, not in reference/). Calibrated with `history-2020` (seed 1, when introduced,
/// build 2f4ead8): with 0.6 the median difficulty errors of 2023, 2024 and 2025 were 33%, 31%
/// and 22% (39%, 37% and 28% at list price); 0.4 fit history better (27%, 27%, 18%) but let
/// the baseline's far future overbuild thin-margin machines (sub-1 J/TH, energy near the
/// hashprice) that then switch on and off together: 232 days with mean intervals over 15
/// minutes in 2045 and two clamped retargets, against 29 days in 20 years and none with 0.6.
pub const MIN_NEW_PRICE_SHARE: f64 = 0.6;

/// The secondary market's dealer: how many years of a machine's earnings it pays at most, and
/// the non-energy operating cost its buyer counts.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dealer {
    /// Years of margin the dealer pays for a machine at most.
    pub payback_years: f64,
    /// Non-energy operating cost of mining, USD per MW-year.
    pub mining_opex_usd_per_mw_year: f64,
}

impl Dealer {
    /// What machines of efficiency `j_per_th` earn the dealer's buyer, USD per TH/s: valued
    /// with `outlook` (which must carry no deciding firm: its `firm` is ignored only when it
    /// does not match the buyer), or, before the outlook has a reward path,
    /// `payback_years x 365.25` days of the outlook's hashprice less the buyer's power cost.
    pub fn earnings_usd_per_th(&self, outlook: &Outlook<'_>, j_per_th: f64) -> f64 {
        if outlook.reward_ratio.is_empty() {
            let cost = j_per_th * REF_PUE * 24.0 / 1000.0 * REF_USD_PER_KWH;
            self.payback_years * 365.25 * (outlook.hashprice - cost).max(0.0)
        } else {
            let buyer = FirmView {
                discount_rate: BUYER_DISCOUNT_RATE,
                horizon_years: self.payback_years.max(STEP_YEARS),
                price_drift: 0.0,
            };
            let costs = SiteCosts {
                pue: REF_PUE,
                energy_usd_per_kwh: REF_USD_PER_KWH,
                mining_opex_usd_per_mw_year: self.mining_opex_usd_per_mw_year,
                // The buyer runs what it buys (it values the machines over their payback).
                idle_usd_per_mw_year: 0.0,
            };
            let per_mw = outlook.keep_value(&buyer, &costs, j_per_th, buyer.horizon_years);
            per_mw * j_per_th * REF_PUE / 1e6
        }
    }

    /// The price the dealer pays for machines of efficiency `j_per_th`, USD per TH/s: what they
    /// earn its buyer ([`Dealer::earnings_usd_per_th`]), at most the price of the same hashrate
    /// new (the outlook's frontier machine, scaled by relative efficiency), at least the scrap
    /// value.
    pub fn price_usd_per_th(&self, outlook: &Outlook<'_>, j_per_th: f64) -> f64 {
        let (ef, cf) = (outlook.frontier_j_per_th, outlook.frontier_usd_per_th);
        let new_equivalent = if cf.is_finite() && ef.is_finite() {
            cf * ef / j_per_th
        } else {
            f64::INFINITY
        };
        new_equivalent
            .min(self.earnings_usd_per_th(outlook, j_per_th))
            .max(scrap_usd_per_th(j_per_th))
    }

    /// The price of the outlook's frontier machine (its J/TH in
    /// `outlook.frontier_j_per_th`), USD per TH/s: its list price `list_usd_per_th`, at most
    /// what the dealer's buyer earns with the same machine (nobody pays more for it new) and
    /// at least [`MIN_NEW_PRICE_SHARE`] of the list price (the manufacturers' cost), times the
    /// order book's `premium` (a rush of orders raises it whatever the hashprice). Machine
    /// prices follow the hashprice (Hashrate Index's ASIC price index fell about 80% from late
    /// 2021 to late 2022 with the hashprice, recalled), so a bear market cheapens the machines
    /// firms buy instead of stopping their investment. Without a finite frontier or list price:
    /// the list price times the premium.
    pub fn new_machine_usd_per_th(
        &self,
        outlook: &Outlook<'_>,
        list_usd_per_th: f64,
        premium: f64,
    ) -> f64 {
        let ef = outlook.frontier_j_per_th;
        if !(ef.is_finite() && list_usd_per_th.is_finite()) {
            return list_usd_per_th * premium;
        }
        let market = list_usd_per_th
            .min(self.earnings_usd_per_th(outlook, ef))
            .max(MIN_NEW_PRICE_SHARE * list_usd_per_th);
        market * premium
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::firms::valuation::RewardPath;

    const DEALER: Dealer = Dealer {
        payback_years: 1.0,
        mining_opex_usd_per_mw_year: 0.0,
    };

    fn outlook(hashprice: f64, ratios: &[f64]) -> Outlook<'_> {
        Outlook {
            hashprice,
            reward_ratio: ratios,
            split_steps: &[],
            difficulty_growth: 0.0,
            frontier_j_per_th: 15.0,
            frontier_usd_per_th: 20.0,
            frontier_improvement: 0.1,
            frontier_price_trend: -0.1,
            asic_life_years: 5.0,
            firm: None,
            firm_path: &[],
        }
    }

    #[test]
    fn before_a_reward_path_the_buyer_earns_a_year_of_todays_margin() {
        let cost = 30.0 * 1.1 * 24.0 / 1000.0 * 0.05;
        let o = outlook(cost + 2.0 / 365.25, &[]);
        assert!((DEALER.earnings_usd_per_th(&o, 30.0) - 2.0).abs() < 1e-12);
        // Below the power cost: nothing, so the scrap value.
        let poor = outlook(0.0, &[]);
        assert_eq!(DEALER.earnings_usd_per_th(&poor, 30.0), 0.0);
        assert_eq!(DEALER.price_usd_per_th(&poor, 30.0), scrap_usd_per_th(30.0));
    }

    #[test]
    fn used_machines_never_cost_more_than_the_same_hashrate_new() {
        // A rich hashprice: the earnings exceed the new-equivalent price 20 x 15 / e.
        let o = outlook(1.0, &[]);
        for e in [15.0, 20.0, 30.0] {
            assert_eq!(DEALER.price_usd_per_th(&o, e), 20.0 * 15.0 / e);
        }
        // Without a frontier there is no cap.
        let mut no_frontier = o;
        no_frontier.frontier_usd_per_th = f64::NAN;
        assert_eq!(
            DEALER.price_usd_per_th(&no_frontier, 30.0),
            DEALER.earnings_usd_per_th(&o, 30.0)
        );
    }

    #[test]
    fn with_a_reward_path_the_buyer_values_as_firms_do() {
        let path = RewardPath::new(950_000, 0.02, 8);
        let o = outlook(0.05, &path.ratios);
        let e = DEALER.earnings_usd_per_th(&o, 20.0);
        assert!(e > 0.0 && e.is_finite(), "{e}");
        // Better machines earn more per TH/s.
        assert!(DEALER.earnings_usd_per_th(&o, 12.0) > e);
        // A longer payback pays more.
        let patient = Dealer {
            payback_years: 2.0,
            ..DEALER
        };
        assert!(patient.earnings_usd_per_th(&o, 20.0) > e);
    }

    #[test]
    fn new_machines_sell_between_the_manufacturers_cost_and_the_list_price() {
        let list = 20.0;
        let premium = 1.25;
        // Rich: the list price with the premium.
        assert_eq!(
            DEALER.new_machine_usd_per_th(&outlook(1.0, &[]), list, premium),
            list * premium
        );
        // Below the buyer's power cost: the manufacturers' floor.
        assert_eq!(
            DEALER.new_machine_usd_per_th(&outlook(0.0, &[]), list, premium),
            0.6 * list * premium
        );
        // In between: a year of the margin at $0.05/kWh and PUE 1.1.
        let cost = 15.0 * 1.1 * 24.0 / 1000.0 * 0.05;
        let mid = outlook(cost + 16.0 / 365.25, &[]);
        let price = DEALER.new_machine_usd_per_th(&mid, list, premium);
        assert!((price - 16.0 * premium).abs() < 1e-9, "{price}");
        // Without a frontier: the list price with the premium.
        let mut none = mid;
        none.frontier_j_per_th = f64::NAN;
        assert_eq!(
            DEALER.new_machine_usd_per_th(&none, list, premium),
            list * premium
        );
    }
}
