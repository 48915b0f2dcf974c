//! Scheduled shocks (price jumps, energy-price factors, carbon taxes, bans, AI demand and rate
//! factors): the list, sorted by start time, with the first not yet started, and what is in
//! force at a time. The economy applies them at the daily step (`Economy::apply_shocks`).

use crate::scenario::Shock;
use hashshift_models::hardware::Region;

/// The shock's kind name and its main number (factor, tax, share) for the events table.
pub(super) fn shock_label(s: &Shock) -> (&'static str, f64) {
    match *s {
        Shock::BtcPrice { factor, .. } => ("btc_price", factor),
        Shock::EnergyPrice { factor, .. } => ("energy_price", factor),
        Shock::CarbonTax { usd_per_t, .. } => ("carbon_tax", usd_per_t),
        Shock::Ban { share, .. } => ("ban", share),
        Shock::AiDemand { factor, .. } => ("ai_demand", factor),
        Shock::AiRate { factor, .. } => ("ai_rate", factor),
    }
}

/// A run's shocks.
#[derive(Debug, Clone)]
pub(crate) struct Shocks {
    /// Sorted by start time (stable).
    list: Vec<Shock>,
    /// The first shock not yet started.
    next: usize,
}

impl Shocks {
    /// The shocks of `list` (sorted by start time), none started.
    pub fn new(list: Vec<Shock>) -> Self {
        Self { list, next: 0 }
    }

    /// The next shock starting at or before `now_unix`, marked started; None when there is
    /// none.
    pub fn next_due(&mut self, now_unix: i64) -> Option<Shock> {
        let s = *self.list.get(self.next)?;
        if s.at() > now_unix {
            return None;
        }
        self.next += 1;
        Some(s)
    }

    /// The product of the energy-price factors in force at `now_unix` in region index
    /// `region`.
    pub fn energy_factor(&self, region: usize, now_unix: i64) -> f64 {
        self.list
            .iter()
            .filter_map(|s| match *s {
                Shock::EnergyPrice {
                    region: r,
                    at,
                    until,
                    factor,
                } if r.index() == region && at <= now_unix && now_unix < until => Some(factor),
                _ => None,
            })
            .product()
    }

    /// The AI demand and rate factors in force at `now_unix` (products; 1 without shocks).
    pub fn ai_factors(&self, now_unix: i64) -> (f64, f64) {
        let (mut demand, mut rate) = (1.0, 1.0);
        for s in &self.list {
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
        (demand, rate)
    }

    /// The bans on `region`: (start, end, share) each.
    pub fn ban_windows(&self, region: Region) -> Vec<(i64, i64, f64)> {
        self.list
            .iter()
            .filter_map(|s| match *s {
                Shock::Ban {
                    region: r,
                    at,
                    until,
                    share,
                } if r == region => Some((at, until, share)),
                _ => None,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shocks_start_in_order_and_act_while_in_force() {
        let us = Region::US;
        let mut s = Shocks::new(vec![
            Shock::BtcPrice {
                at: 10,
                factor: 0.5,
            },
            Shock::EnergyPrice {
                region: us,
                at: 20,
                until: 40,
                factor: 2.0,
            },
            Shock::EnergyPrice {
                region: us,
                at: 30,
                until: 50,
                factor: 1.5,
            },
            Shock::AiDemand {
                at: 20,
                until: 30,
                factor: 3.0,
            },
            Shock::Ban {
                region: Region::China,
                at: 25,
                until: 35,
                share: 0.9,
            },
        ]);
        assert!(s.next_due(5).is_none());
        assert!(matches!(s.next_due(10), Some(Shock::BtcPrice { .. })));
        assert!(s.next_due(10).is_none());
        let started: Vec<_> = std::iter::from_fn(|| s.next_due(30)).collect();
        assert_eq!(started.len(), 4);
        assert_eq!(shock_label(&started[0]), ("energy_price", 2.0));
        assert_eq!(s.energy_factor(us.index(), 35), 3.0);
        assert_eq!(s.energy_factor(us.index(), 45), 1.5);
        assert_eq!(s.energy_factor(Region::China.index(), 35), 1.0);
        assert_eq!(s.ai_factors(25), (3.0, 1.0));
        assert_eq!(s.ai_factors(30), (1.0, 1.0));
        assert_eq!(s.ban_windows(Region::China), vec![(25, 35, 0.9)]);
        assert!(s.ban_windows(us).is_empty());
    }
}
