//! The cost of a majority (51 %) attack: what it takes to out-mine the honest network for a
//! given duration, from three sources of hashrate.
//!
//! The honest network runs `H` TH/s. An attacker who wants to out-mine it needs `A = H`
//! TH/s of his own (a share `A / (A + H) = 1/2`: the double-spend formulas of
//! [`super::double_spend`] give certain success from there). For a duration of `h` hours,
//! each TH/s of machines with efficiency `j` J/TH bought at `p` USD per TH/s costs
//!
//! ```text
//! c(p, j) = p + j x PUE x h / 1000 x e          USD per TH/s  (e: attacker's energy price, USD/kWh)
//! ```
//!
//! (capital outlay plus energy; nothing is recovered by reselling the machines afterwards, so
//! the figures are the outlay an attacker must be able to finance, not his net loss).
//!
//! * **New ASICs** ([`new_asic_cost`]): `A x c(p_new, j_new)`, with the price and efficiency
//!   of the machine on sale at that date (the frontier model at its current catalog price).
//!   Manufacturers could not deliver a whole network's worth of machines at once, so this is a
//!   lower bound on the real cost (Budish 2018 calls it the "flow" versus "stock" problem).
//! * **Overhang** ([`overhang_cost`]): machines that exist but do not mine (idle, or unsold on
//!   the secondary market) bought at secondary-market prices, cheapest cost per TH/s first;
//!   when the overhang is smaller than `A`, the rest is bought new. The overhang share
//!   `O / H` says how much of the attack the overhang alone can carry.
//! * **Rental** ([`rental_cost`]): hashrate rented by the hour (e.g. NiceHash) at the
//!   hashprice times `1 + premium`, at most a configured share of the network; the rest bought
//!   new.
//!
//! References: Budish (2018), "The economic limits of bitcoin and the blockchain", NBER
//! w24717 (the flow cost of an attack, `A x` rental price, versus the stock cost of buying
//! machines); Bonneau (2016), "Why buy when you can rent?", FC 2016 (rental attacks);
//! crypto51.app (rental-based attack cost per hour).

use crate::param::{check, ParamError};

/// Attack duration by default, hours: a majority attack held for 24 hours. ASSUMPTION (a day
/// covers the confirmation depth of most exchanges, which ask for 1 to 6 blocks).
pub const DEFAULT_HOURS: f64 = 24.0;
/// Attacker's energy price by default, USD/kWh (ASSUMPTION: an industrial rate, the secondary
/// market's reference buyer).
pub const DEFAULT_ENERGY_USD_PER_KWH: f64 = 0.05;
/// Attacker's PUE by default (ASSUMPTION: as the secondary market's reference buyer).
pub const DEFAULT_PUE: f64 = 1.1;

/// Validated parameters of an attack cost.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttackParams {
    hours: f64,
    energy_usd_per_kwh: f64,
    pue: f64,
}

impl AttackParams {
    /// An attack of `hours` hours (in (0, 8766]), paying `energy_usd_per_kwh` (in [0, 10]) at a
    /// PUE of `pue` (in [1, 3]).
    ///
    /// # Errors
    /// A [`ParamError`] naming the first parameter out of range.
    pub fn new(hours: f64, energy_usd_per_kwh: f64, pue: f64) -> Result<Self, ParamError> {
        check(
            "hours",
            hours,
            |x| x > 0.0 && x <= 8766.0,
            "(0, 8766] hours",
        )?;
        check(
            "energy_usd_per_kwh",
            energy_usd_per_kwh,
            |x| (0.0..=10.0).contains(&x),
            "[0, 10] USD/kWh",
        )?;
        check("pue", pue, |x| (1.0..=3.0).contains(&x), "[1, 3]")?;
        Ok(Self {
            hours,
            energy_usd_per_kwh,
            pue,
        })
    }

    /// Duration, hours.
    pub fn hours(&self) -> f64 {
        self.hours
    }

    /// The cost of one TH/s of machines of efficiency `j_per_th` (J/TH) bought at
    /// `price_usd_per_th` (USD per TH/s) and run for the attack: purchase plus energy, USD.
    pub fn cost_per_th(&self, price_usd_per_th: f64, j_per_th: f64) -> f64 {
        price_usd_per_th + self.energy_usd_per_th(j_per_th)
    }

    /// Energy of one TH/s at `j_per_th` over the attack, USD.
    pub fn energy_usd_per_th(&self, j_per_th: f64) -> f64 {
        j_per_th * self.pue * self.hours / 1000.0 * self.energy_usd_per_kwh
    }
}

/// Machines that could attack: `ths` TH/s of efficiency `j_per_th` (J/TH) on sale at
/// `usd_per_th` (USD per TH/s).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HashrateLot {
    /// Hashrate, TH/s.
    pub ths: f64,
    /// Efficiency, J/TH.
    pub j_per_th: f64,
    /// Price, USD per TH/s.
    pub usd_per_th: f64,
}

/// An attack assembled from several sources.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AttackCost {
    /// Total cost, USD.
    pub usd: f64,
    /// TH/s bought new to complete the attack (0 when the cheaper source sufficed).
    pub new_ths: f64,
}

/// The cost of out-mining `honest_ths` TH/s with new machines of efficiency `new_j_per_th`
/// bought at `new_usd_per_th`, USD.
pub fn new_asic_cost(
    p: &AttackParams,
    honest_ths: f64,
    new_usd_per_th: f64,
    new_j_per_th: f64,
) -> f64 {
    honest_ths.max(0.0) * p.cost_per_th(new_usd_per_th, new_j_per_th)
}

/// The cost of out-mining `honest_ths` TH/s from the overhang `lots` (cheapest cost per TH/s
/// over the attack first; the slice is reordered), completed with new machines costing
/// `new_cost_per_th` USD per TH/s (purchase and energy, [`AttackParams::cost_per_th`]) when
/// the overhang is too small. Lots with no hashrate are ignored.
pub fn overhang_cost(
    p: &AttackParams,
    honest_ths: f64,
    lots: &mut [HashrateLot],
    new_cost_per_th: f64,
) -> AttackCost {
    lots.sort_unstable_by(|a, b| {
        p.cost_per_th(a.usd_per_th, a.j_per_th)
            .total_cmp(&p.cost_per_th(b.usd_per_th, b.j_per_th))
    });
    let mut needed = honest_ths.max(0.0);
    let mut usd = 0.0;
    for lot in lots.iter().filter(|l| l.ths > 0.0) {
        if needed <= 0.0 {
            break;
        }
        let take = lot.ths.min(needed);
        // Overhang dearer than new machines is not worth using.
        let per_th = p
            .cost_per_th(lot.usd_per_th, lot.j_per_th)
            .min(new_cost_per_th);
        usd += take * per_th;
        needed -= take;
    }
    AttackCost {
        usd: usd + needed * new_cost_per_th,
        new_ths: needed,
    }
}

/// The cost of out-mining `honest_ths` TH/s with up to `rentable_ths` TH/s rented at
/// `rent_usd_per_th_day` (USD per TH/s per day) and the rest bought new at `new_cost_per_th`.
pub fn rental_cost(
    p: &AttackParams,
    honest_ths: f64,
    rentable_ths: f64,
    rent_usd_per_th_day: f64,
    new_cost_per_th: f64,
) -> AttackCost {
    let needed = honest_ths.max(0.0);
    let rented = rentable_ths.clamp(0.0, needed);
    // Rented hashrate is paid per day of use; its energy is in the rent.
    let rent_per_th = (rent_usd_per_th_day * p.hours / 24.0).min(new_cost_per_th);
    let new_ths = needed - rented;
    AttackCost {
        usd: rented * rent_per_th + new_ths * new_cost_per_th,
        new_ths,
    }
}

/// Secondary-market price of machines of efficiency `j_per_th` when no dealer values them
/// (runs without firms): what a buyer at `ref_usd_per_kwh` and `ref_pue` earns with them over
/// `payback_years` at today's `hashprice` (USD per TH/s per day), at most the price of the
/// same hashrate new scaled by relative efficiency (`new_usd_per_th x new_j_per_th /
/// j_per_th`), at least `scrap_usd_per_th`. USD per TH/s.
pub fn payback_price_usd_per_th(
    hashprice_usd_per_th_day: f64,
    j_per_th: f64,
    ref_usd_per_kwh: f64,
    ref_pue: f64,
    payback_years: f64,
    (new_usd_per_th, new_j_per_th): (f64, f64),
    scrap_usd_per_th: f64,
) -> f64 {
    let energy_per_day = j_per_th * ref_pue * 24.0 / 1000.0 * ref_usd_per_kwh;
    let earn = payback_years * 365.25 * (hashprice_usd_per_th_day - energy_per_day).max(0.0);
    let new_equivalent = if new_usd_per_th.is_finite() && new_j_per_th.is_finite() {
        new_usd_per_th * new_j_per_th / j_per_th
    } else {
        f64::INFINITY
    };
    earn.min(new_equivalent).max(scrap_usd_per_th)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day() -> AttackParams {
        AttackParams::new(24.0, 0.05, 1.1).unwrap()
    }

    #[test]
    fn params_are_validated() {
        assert_eq!(
            AttackParams::new(0.0, 0.05, 1.1).unwrap_err().param,
            "hours"
        );
        assert_eq!(
            AttackParams::new(24.0, -0.1, 1.1).unwrap_err().param,
            "energy_usd_per_kwh"
        );
        assert_eq!(AttackParams::new(24.0, 0.05, 0.9).unwrap_err().param, "pue");
        assert!(AttackParams::new(f64::NAN, 0.05, 1.1).is_err());
    }

    #[test]
    fn new_asics_cost_purchase_plus_a_day_of_energy() {
        // 15 J/TH x 1.1 x 24 h = 0.396 kWh per TH/s; at $0.05 that is $0.0198.
        let p = day();
        assert!((p.energy_usd_per_th(15.0) - 0.0198).abs() < 1e-12);
        // 1,000 EH/s = 1e9 TH/s at $14/TH: $14.0198e9.
        let c = new_asic_cost(&p, 1e9, 14.0, 15.0);
        assert!((c - 14.0198e9).abs() < 1.0, "{c}");
        assert_eq!(new_asic_cost(&p, -5.0, 14.0, 15.0), 0.0);
    }

    #[test]
    fn overhang_is_used_cheapest_first_then_topped_up_new() {
        let p = day();
        let new = p.cost_per_th(14.0, 15.0);
        let mut lots = [
            HashrateLot {
                ths: 100.0,
                j_per_th: 30.0,
                usd_per_th: 3.0,
            },
            HashrateLot {
                ths: 50.0,
                j_per_th: 20.0,
                usd_per_th: 1.0,
            },
        ];
        // Needs 120: 50 at 1 + 0.0264, then 70 at 3 + 0.0396.
        let c = overhang_cost(&p, 120.0, &mut lots, new);
        let want =
            50.0 * (1.0 + p.energy_usd_per_th(20.0)) + 70.0 * (3.0 + p.energy_usd_per_th(30.0));
        assert!((c.usd - want).abs() < 1e-9, "{} vs {want}", c.usd);
        assert_eq!(c.new_ths, 0.0);
        // Needs 200: the 150 of overhang and 50 new.
        let c = overhang_cost(&p, 200.0, &mut lots, new);
        assert!((c.new_ths - 50.0).abs() < 1e-12);
        let want = 50.0 * (1.0 + p.energy_usd_per_th(20.0))
            + 100.0 * (3.0 + p.energy_usd_per_th(30.0))
            + 50.0 * new;
        assert!((c.usd - want).abs() < 1e-9);
        // No overhang: all new, the same as new_asic_cost.
        let c = overhang_cost(&p, 200.0, &mut [], new);
        assert!((c.usd - new_asic_cost(&p, 200.0, 14.0, 15.0)).abs() < 1e-9);
    }

    #[test]
    fn overhang_never_costs_more_than_new() {
        let p = day();
        let new = p.cost_per_th(14.0, 15.0);
        let mut lots = [HashrateLot {
            ths: 1e3,
            j_per_th: 20.0,
            usd_per_th: 40.0,
        }];
        let c = overhang_cost(&p, 100.0, &mut lots, new);
        assert!((c.usd - 100.0 * new).abs() < 1e-9);
    }

    #[test]
    fn rental_is_capped_by_the_rentable_share() {
        let p = day();
        let new = p.cost_per_th(14.0, 15.0);
        // 2 % of 1e9 TH/s rentable at $0.04 per TH/s per day.
        let c = rental_cost(&p, 1e9, 0.02e9, 0.04, new);
        assert!((c.new_ths - 0.98e9).abs() < 1.0);
        let want = 0.02e9 * 0.04 + 0.98e9 * new;
        assert!((c.usd - want).abs() / want < 1e-12);
        // Enough to rent it all for 24 h: hashprice x H.
        let c = rental_cost(&p, 1e9, 2e9, 0.04, new);
        assert_eq!(c.new_ths, 0.0);
        assert!((c.usd - 0.04e9).abs() < 1.0);
    }

    #[test]
    fn payback_price_is_bounded_by_new_and_scrap() {
        // hashprice $0.04/TH/day; 20 J/TH at $0.05 and PUE 1.1 costs $0.0264/day: margin
        // $0.0136/day, two years = $9.93.
        let p = payback_price_usd_per_th(0.04, 20.0, 0.05, 1.1, 2.0, (14.0, 15.0), 0.5);
        assert!((p - 2.0 * 365.25 * 0.0136).abs() < 1e-9, "{p}");
        // A very efficient machine is worth at most its new equivalent.
        let p = payback_price_usd_per_th(0.04, 10.0, 0.05, 1.1, 2.0, (14.0, 15.0), 0.5);
        assert!(p <= 14.0 * 1.5 + 1e-12);
        // An unprofitable one is scrap.
        assert_eq!(
            payback_price_usd_per_th(0.01, 80.0, 0.05, 1.1, 2.0, (14.0, 15.0), 0.5),
            0.5
        );
    }
}
