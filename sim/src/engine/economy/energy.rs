//! The regions' energy: each region's energy price (a mean-reverting process with a season, on
//! its own stream, times the energy-price shocks in force), its carbon tax and its grid's
//! carbon intensity.

use hashshift_models::hardware::Region;
use hashshift_models::market::EnergyPrice;
use rand_chacha::ChaCha8Rng;

use crate::engine::error::InvalidInput;
use crate::engine::rng::{Component, RngStreams};
use crate::scenario::EconomySpec;

/// Energy prices, carbon taxes and intensities by region (in the scenario's region order).
#[derive(Debug, Clone)]
pub(crate) struct Energy {
    regions: Vec<Region>,
    processes: Vec<EnergyPrice>,
    rngs: Vec<ChaCha8Rng>,
    /// Energy price by region, USD/kWh.
    pub price: Vec<f64>,
    /// Carbon tax by region, USD/tCO2.
    pub carbon_tax: Vec<f64>,
    /// Carbon intensity by region, tCO2/MWh.
    pub carbon_intensity: Vec<f64>,
}

impl Energy {
    /// The regions of `spec`, each process drawn from its stationary distribution, prices at
    /// day of year `doy`.
    pub fn new(spec: &EconomySpec, streams: &RngStreams, doy: f64) -> Result<Self, InvalidInput> {
        let mut processes = Vec::with_capacity(spec.regions.len());
        let mut rngs = Vec::with_capacity(spec.regions.len());
        for (i, (_, p)) in spec.regions.iter().enumerate() {
            let mut e = EnergyPrice::new(
                p.energy_price_usd_per_kwh,
                spec.energy_kappa,
                spec.energy_sigma,
                p.seasonal_amplitude,
                p.seasonal_peak_day,
            )
            .map_err(InvalidInput::Market)?;
            let mut rng = streams.stream(Component::Energy, i as u64);
            e.draw_stationary(&mut rng);
            processes.push(e);
            rngs.push(rng);
        }
        let price = processes.iter().map(|e| e.price_at_day(doy)).collect();
        Ok(Self {
            regions: spec.regions.iter().map(|r| r.0).collect(),
            processes,
            rngs,
            price,
            carbon_tax: vec![0.0; spec.regions.len()],
            carbon_intensity: spec
                .regions
                .iter()
                .map(|r| r.1.carbon_intensity_t_per_mwh)
                .collect(),
        })
    }

    /// The regions.
    pub fn regions(&self) -> &[Region] {
        &self.regions
    }

    /// Each region's price at day of year `doy` without stepping (the start).
    pub fn set_day(&mut self, doy: f64) {
        for (i, e) in self.processes.iter().enumerate() {
            self.price[i] = e.price_at_day(doy);
        }
    }

    /// One day of each region's price, at day of year `doy`, on its stream.
    pub fn step_day(&mut self, doy: f64) {
        for (i, e) in self.processes.iter_mut().enumerate() {
            self.price[i] = e.step(doy, &mut self.rngs[i]);
        }
    }

    /// Sets the energy-price shock factor of each region: `factor(i)` for region index `i`
    /// (validated factors).
    pub fn set_shock_factors(&mut self, factor: impl Fn(usize) -> f64) {
        for (i, e) in self.processes.iter_mut().enumerate() {
            e.set_shock_factor(factor(i)).expect("validated factor");
        }
    }

    /// Sets the carbon tax of `region`, or of every region, USD/tCO2.
    pub fn set_carbon_tax(&mut self, region: Option<Region>, usd_per_t: f64) {
        match region {
            Some(r) => self.carbon_tax[r.index()] = usd_per_t,
            None => self.carbon_tax.iter_mut().for_each(|t| *t = usd_per_t),
        }
    }

    /// Emissions of `power_w` drawn in region `r` for a day, tCO2: MW x 24 h x tCO2/MWh.
    pub fn emissions_t_per_day(&self, r: usize, power_w: f64) -> f64 {
        power_w / 1e6 * 24.0 * self.carbon_intensity[r]
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::Scenario;

    fn energy() -> Energy {
        let sc = Scenario::from_toml("", Path::new("t.toml"), &[]).unwrap();
        Energy::new(&sc.economy, &RngStreams::new(1), 100.0).unwrap()
    }

    #[test]
    fn carbon_taxes_and_shocks_act_by_region() {
        let mut e = energy();
        assert_eq!(e.regions().len(), Region::ALL.len());
        e.set_carbon_tax(Some(Region::China), 50.0);
        assert_eq!(e.carbon_tax[Region::China.index()], 50.0);
        assert_eq!(e.carbon_tax[Region::US.index()], 0.0);
        e.set_carbon_tax(None, 10.0);
        assert!(e.carbon_tax.iter().all(|&t| t == 10.0));
        // Doubling one region's energy price doubles its price at the same day.
        let before = e.price.clone();
        let us = Region::US.index();
        e.set_shock_factors(|i| if i == us { 2.0 } else { 1.0 });
        e.set_day(100.0);
        for (i, (&a, &b)) in before.iter().zip(&e.price).enumerate() {
            let want = if i == us { 2.0 * a } else { a };
            assert!((b - want).abs() < 1e-12 * want, "region {i}: {b} vs {want}");
        }
        // A day steps every price and keeps them positive.
        e.step_day(101.0);
        assert!(e.price.iter().all(|&p| p > 0.0 && p.is_finite()));
        // 1 MW for a day at 0.5 tCO2/MWh: 12 t.
        e.carbon_intensity[0] = 0.5;
        assert_eq!(e.emissions_t_per_day(0, 1e6), 12.0);
    }
}
