//! Mining: short-run economics (the CBECI profitability threshold) and the fleet of machines
//! it operates.

pub mod economics;
pub mod fleet;
pub mod population;
mod region_index;
