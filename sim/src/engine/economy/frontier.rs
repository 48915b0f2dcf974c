//! The ASIC efficiency frontier at run time: the best machine released by a date (a catalog
//! model, then the frontier's synthetic generations), with the last synthetic generation
//! built kept (building one allocates).

use hashshift_models::hardware::{AsicModel, Catalog, Frontier, FrontierParams};

use crate::engine::error::InvalidInput;
use crate::scenario::EconomySpec;

/// The frontier machine at a date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct FrontierNow {
    /// Efficiency, J/TH.
    pub j_per_th: f64,
    /// Price at its release, USD per TH/s.
    pub launch_usd_per_th: f64,
    /// Catalog price in force at the date (depreciated with age), USD per TH/s.
    pub usd_per_th: f64,
    /// Model id.
    pub id: u16,
}

/// The frontier and its last synthetic generation.
#[derive(Debug, Clone)]
pub(crate) struct FrontierState {
    frontier: Frontier,
    /// The synthetic frontier generation last built, cached: building one allocates.
    cache: Option<(u32, AsicModel)>,
}

impl FrontierState {
    /// The frontier of `spec` over its network's catalog (the default catalog without one).
    pub fn new(spec: &EconomySpec) -> Result<Self, InvalidInput> {
        let catalog = spec
            .network
            .as_ref()
            .map_or_else(Catalog::default_catalog, |n| n.catalog.clone());
        Ok(Self {
            frontier: Frontier::new(spec.frontier, &catalog).map_err(InvalidInput::Frontier)?,
            cache: None,
        })
    }

    /// The frontier's parameters.
    pub fn params(&self) -> &FrontierParams {
        self.frontier.params()
    }

    /// The frontier model at `year` (the best machine released by then: a catalog model, then
    /// the frontier's generations): its efficiency, launch price and price now. Allocates only
    /// when a new synthetic generation appears.
    pub fn at(&mut self, year: f64) -> Option<FrontierNow> {
        let f = &self.frontier;
        let model: &AsicModel = match f.generation_index_at(year) {
            Some(k) => {
                if self.cache.as_ref().is_none_or(|(g, _)| *g != k) {
                    self.cache = f.generation(k).map(|m| (k, m));
                }
                &self.cache.as_ref()?.1
            }
            None => f
                .history()
                .iter()
                .take_while(|m| m.release_year() <= year)
                .last()?,
        };
        Some(FrontierNow {
            j_per_th: model.efficiency_j_per_th(),
            launch_usd_per_th: model.price_usd_per_th_at_release(),
            usd_per_th: f.price_usd_per_th(model, year),
            id: model.id(),
        })
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::scenario::Scenario;

    #[test]
    fn the_frontier_improves_with_time() {
        let sc = Scenario::from_toml("", Path::new("t.toml"), &[]).unwrap();
        let mut f = FrontierState::new(&sc.economy).unwrap();
        let now = f.at(2026.5).unwrap();
        let later = f.at(2036.5).unwrap();
        assert!(later.j_per_th < now.j_per_th);
        // The same year twice: the same machine, from the cache.
        assert_eq!(f.at(2036.5), Some(later));
        assert!(f.params().improvement_rate_per_year > 0.0);
    }
}
