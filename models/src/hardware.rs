//! Hashrate supply hardware: the ASIC catalog, the efficiency frontier, and mining regions.
//!
//! - [`catalog`]: ASIC models (release, TH/s, W, J/TH, price per TH at release, lifetime), the
//!   default catalog embedded from `models/data/asic_catalog.csv`, and the default 2026 fleet
//!   mix.
//! - [`frontier`]: future generations beyond the catalog (efficiency improving at a fitted rate)
//!   and the price of a TH of any model over time.
//! - [`region`]: mining regions and their default profiles (energy price and seasonality, grid
//!   carbon intensity, AI suitability, 2026 hash-rate share).
//!
//! Calibration against `shared/reference` (ASIC specs, CBECI efficiency) is in
//! `models/tests/hardware_calibration.rs`.

mod asic;
pub mod catalog;
pub(crate) mod catalog_csv;
pub mod frontier;
pub mod region;

pub use catalog::{AsicModel, AsicSpec, Catalog, CatalogError, DEFAULT_FLEET_MIX_2026};
pub use frontier::{
    backlog_price_factor, delay_factor, quoted_lead_days, scrap_usd_per_th, Frontier,
    FrontierError, FrontierParams,
};
pub use region::{Region, RegionError, RegionProfile};
