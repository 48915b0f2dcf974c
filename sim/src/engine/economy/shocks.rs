//! Scheduled shocks (price jumps, energy-price factors, carbon taxes, AI shocks) and regional
//! bans, applied at the daily step.

use rand::Rng;

use super::{Economy, RegionBans};
use crate::engine::rng::{Component, RngStreams};
use crate::record::EventKind;
use crate::scenario::Shock;

/// The shock's kind name and its main number (factor, tax, share) for the events table.
fn shock_label(s: &Shock) -> (&'static str, f64) {
    match *s {
        Shock::BtcPrice { factor, .. } => ("btc_price", factor),
        Shock::EnergyPrice { factor, .. } => ("energy_price", factor),
        Shock::CarbonTax { usd_per_t, .. } => ("carbon_tax", usd_per_t),
        Shock::Ban { share, .. } => ("ban", share),
        Shock::AiDemand { factor, .. } => ("ai_demand", factor),
        Shock::AiRate { factor, .. } => ("ai_rate", factor),
    }
}

impl Economy {
    pub(super) fn setup_bans(&mut self, streams: &RngStreams) {
        let Some(fs) = self.fleet.as_mut() else {
            return;
        };
        for &region in &self.regions {
            let windows: Vec<(i64, i64, f64)> = self
                .shocks
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
                .collect();
            if windows.is_empty() {
                continue;
            }
            let mut order: Vec<u32> = fs
                .sites
                .iter()
                .filter(|x| x.region == region)
                .map(|x| x.id)
                .collect();
            let mut rng = streams.stream(Component::Population, 1 + region.index() as u64);
            for i in (1..order.len()).rev() {
                order.swap(i, rng.random_range(0..=i));
            }
            let region_mw = order
                .iter()
                .map(|&i| fs.sites[i as usize].capacity_mw)
                .sum();
            fs.bans.push(RegionBans {
                windows,
                order,
                region_mw,
                offline_mw: 0.0,
                next: 0,
            });
        }
    }

    pub(super) fn apply_shocks(&mut self, now_unix: i64) {
        while let Some(s) = self.shocks.get(self.next_shock) {
            if s.at() > now_unix {
                break;
            }
            let (name, value) = shock_label(s);
            let at = s.at();
            self.network_event(at, EventKind::Shock, name, value);
            let s = &self.shocks[self.next_shock];
            match *s {
                Shock::BtcPrice { factor, .. } => self.scale_price(factor),
                Shock::CarbonTax {
                    region, usd_per_t, ..
                } => match region {
                    Some(r) => self.carbon_tax[r.index()] = usd_per_t,
                    None => self.carbon_tax.iter_mut().for_each(|t| *t = usd_per_t),
                },
                Shock::EnergyPrice { .. }
                | Shock::Ban { .. }
                | Shock::AiDemand { .. }
                | Shock::AiRate { .. } => {}
            }
            self.next_shock += 1;
        }
        // Energy-price factors: the product of the shocks active now.
        for (i, e) in self.energy.iter_mut().enumerate() {
            let f: f64 = self
                .shocks
                .iter()
                .filter_map(|s| match *s {
                    Shock::EnergyPrice {
                        region,
                        at,
                        until,
                        factor,
                    } if region.index() == i && at <= now_unix && now_unix < until => Some(factor),
                    _ => None,
                })
                .product();
            e.set_shock_factor(f).expect("validated factor");
        }
        self.apply_ai_shocks(now_unix);
    }

    pub(super) fn progress_bans(&mut self, now_unix: i64) {
        let Some(fs) = self.fleet.as_mut() else {
            return;
        };
        for b in &mut fs.bans {
            let share: f64 = b
                .windows
                .iter()
                .filter(|w| now_unix >= w.0)
                .map(|&(at, until, share)| {
                    share * ((now_unix - at) as f64 / (until - at) as f64).min(1.0)
                })
                .sum();
            let target = share.min(1.0) * b.region_mw;
            // Whole sites go offline: the offline capacity reaches the target from below by at
            // most one site.
            while b.next < b.order.len() && b.offline_mw < target {
                let site = b.order[b.next] as usize;
                match &self.agents {
                    Some(a) => a.sites()[site]
                        .units
                        .iter()
                        .for_each(|&u| fs.fleet.set_offline(u as usize, true)),
                    None => {
                        for u in fs.site_units[site]..fs.site_units[site + 1] {
                            fs.fleet.set_offline(u, true);
                        }
                    }
                }
                b.offline_mw += fs.sites[site].capacity_mw;
                b.next += 1;
            }
        }
    }
}
