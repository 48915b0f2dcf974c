//! The agents' state: firms, sites, AI contracts, ASIC orders, secondary-market lots.

use hashshift_models::firms::valuation::DiscountFactors;
use hashshift_models::firms::{Beliefs, Ledger, Strategy};
use hashshift_models::hardware::Region;
use rand_chacha::ChaCha8Rng;

/// A firm.
#[derive(Debug, Clone)]
pub(crate) struct Firm {
    /// Id (index).
    pub id: u32,
    /// Ticker of a named firm.
    pub ticker: Option<String>,
    /// Public firm.
    pub public: bool,
    /// Sites owned.
    pub sites: Vec<u32>,
    /// Cash, USD (may be negative only transiently, within a settlement).
    pub cash: f64,
    /// Corporate debt (credit line drawn), USD.
    pub corporate_debt: f64,
    /// Project debt of energized AI conversions, USD.
    pub project_debt: f64,
    /// Project debt of conversions under construction, USD: its interest is capitalized (added
    /// to the loan at energization), as construction loans do.
    pub construction_debt: f64,
    /// Credit line, USD.
    pub credit: f64,
    /// Share of AI capex financed by project debt.
    pub project_finance: f64,
    /// Strategy.
    pub strategy: Strategy,
    /// The valuation's discount factors of `strategy.discount_rate` (kept: the rate is fixed).
    pub discount: DiscountFactors,
    /// Price beliefs.
    pub beliefs: Beliefs,
    /// Bankrupt (no more decisions).
    pub bankrupt: bool,
    /// Flows since the last row.
    pub ledger: Ledger,
    /// Time of the last settlement, days since the start.
    pub last_settled_days: f64,
    /// The firm's own random stream (stagger, tenant defaults).
    pub rng: ChaCha8Rng,
}

impl Firm {
    /// Total debt, USD.
    pub fn debt(&self) -> f64 {
        self.corporate_debt + self.project_debt + self.construction_debt
    }

    /// Credit still available, USD.
    pub fn available_credit(&self) -> f64 {
        (self.credit - self.corporate_debt).max(0.0)
    }
}

/// A site at run time.
#[derive(Debug, Clone)]
pub(crate) struct SiteState {
    /// Owning firm.
    pub owner: u32,
    /// Region.
    pub region: Region,
    /// Capacity at the meter, MW.
    pub capacity_mw: f64,
    /// Capacity at the start, MW.
    pub initial_capacity_mw: f64,
    /// PUE.
    pub pue: f64,
    /// Energy price relative to the region's.
    pub price_factor: f64,
    /// Whether the site can host AI.
    pub ai_suitable: bool,
    /// Fleet units installed here (indices into the fleet).
    pub units: Vec<u32>,
    /// MW of installed machines.
    pub mining_mw: f64,
    /// MW converting to AI.
    pub converting_mw: f64,
    /// MW of built colocation shells.
    pub ai_colo_mw: f64,
    /// MW of GPU cloud.
    pub ai_cloud_mw: f64,
    /// MW of colocation shells under contract (<= ai_colo_mw).
    pub leased_colo_mw: f64,
    /// Idle MW reserved by pending ASIC orders.
    pub reserved_mw: f64,
    /// Fill and refresh orders of new machines in transit: a refresh waits for them (not for
    /// the site's build-outs).
    pub pending_machine_orders: u32,
    /// Expansions ordered and not yet energized: one build-out at a time per site, whatever
    /// machines are on order for its other MW.
    pub pending_expansions: u32,
    /// Shut (bankrupt without buyer, or banned with AI on it): no new machines.
    pub shut: bool,
    /// Capacity a ban took that the firm has still to order back in the site's new region, MW
    /// (see `Agents::sell_if_banned`; lowered when a rebuilding expansion is ordered).
    pub relocating_mw: f64,
    /// AI contracts of the site (indices).
    pub contracts: Vec<u32>,
}

impl SiteState {
    /// MW with neither machines, conversions nor AI.
    pub fn idle_mw(&self) -> f64 {
        (self.capacity_mw
            - self.mining_mw
            - self.converting_mw
            - self.ai_colo_mw
            - self.ai_cloud_mw)
            .max(0.0)
    }

    /// Records an expansion of `mw` ordered: it counts against the capacity to rebuild.
    pub fn expansion_ordered(&mut self, mw: f64) {
        self.relocating_mw = (self.relocating_mw - mw).max(0.0);
    }

    /// Idle MW not reserved by orders.
    pub fn free_mw(&self) -> f64 {
        (self.idle_mw() - self.reserved_mw).max(0.0)
    }
}

/// Colocation or cloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ContractKind {
    Colocation,
    Cloud,
}

impl ContractKind {
    pub fn name(self) -> &'static str {
        match self {
            ContractKind::Colocation => "colocation",
            ContractKind::Cloud => "cloud",
        }
    }
}

/// An AI contract.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Contract {
    pub site: u32,
    pub kind: ContractKind,
    /// Gross MW it occupies.
    pub gross_mw: f64,
    /// MW of critical IT.
    pub it_mw: f64,
    /// Revenue per MW of critical IT per year, USD (locked).
    pub revenue_usd_per_mw_year: f64,
    /// Start of revenue (energization), days since the run start.
    pub start_days: f64,
    /// End of the tenor, days since the run start.
    pub end_days: f64,
    /// Still running (not ended or defaulted).
    pub active: bool,
    /// Energized (conversion complete).
    pub energized: bool,
    /// Revenue accounted up to, days.
    pub accounted_days: f64,
    /// Signed with a conversion (energizing moves MW from converting to AI), not a re-let.
    pub from_conversion: bool,
    /// Construction debt of the conversion, USD (moved to project debt, with capitalized
    /// interest, at energization).
    pub construction_debt: f64,
}

/// What an ASIC order is for.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum OrderKind {
    /// Fill idle MW.
    Fill,
    /// Replace the machines of a unit (its TH/s go to the secondary market at delivery).
    Refresh { unit: u32 },
    /// New capacity (MW added at delivery).
    Expand,
}

/// An ASIC order in transit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Order {
    pub site: u32,
    pub kind: OrderKind,
    /// Gross MW the machines will draw.
    pub mw: f64,
    /// Machine model and efficiency.
    pub model: u16,
    pub j_per_th: f64,
    /// TH/s ordered.
    pub ths: f64,
    /// Installation year of relocated machines (NaN: new, installed at delivery).
    pub installed_year: f64,
}

/// Machines on the secondary market.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Lot {
    pub model: u16,
    pub j_per_th: f64,
    pub ths: f64,
    /// Installation year of the machines.
    pub installed_year: f64,
    /// Listed at, days since the start.
    pub listed_days: f64,
}
