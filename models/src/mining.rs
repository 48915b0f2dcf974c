//! Mining: short-run economics (the CBECI profitability threshold) and the fleet of machines
//! it operates.

pub mod economics;
pub mod fleet;
pub mod population;
mod site_accounts;
pub use site_accounts::SiteAccrual;
mod region_index;
