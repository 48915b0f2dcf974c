//! The records of agent runs: the agents' day, site snapshots, the event log and the firms'
//! monthly panel.

/// The agents' and AI market's state at the end of a day (agent runs only).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AgentDay {
    /// The AI market (None when the run has none: `ai.enabled = false`).
    pub ai_market: Option<AiMarketDay>,
    /// Sites' capacity, MW (gross).
    pub capacity_mw: f64,
    /// MW with ASICs installed.
    pub mining_mw: f64,
    /// MW converting to AI.
    pub converting_mw: f64,
    /// MW in AI (colocation and cloud).
    pub ai_mw: f64,
    /// MW with neither machines nor AI.
    pub idle_mw: f64,
    /// Share of the initial mining MW now in AI or converting to it.
    pub ai_share_of_initial_mining_mw: f64,
    /// Revenue per kWh of mining (running fleet at the meter), USD.
    pub mining_usd_per_kwh: f64,
    /// Firms not bankrupt.
    pub active_firms: u64,
    /// ASIC hashrate offered on the secondary market, TH/s.
    pub secondary_ths: f64,
    /// New ASICs on order and not yet delivered, EH/s.
    pub order_book_ehs: f64,
    /// Lead time quoted for new ASICs ordered now, days.
    pub asic_lead_time_days: f64,
}

/// The AI market at the end of a day (runs with firms and an AI market).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct AiMarketDay {
    /// Colocation rate a contract signed now would lock, USD per MW of critical IT per year.
    pub colo_rate_usd_per_mw_year: f64,
    /// GPU-hour price, USD.
    pub gpu_hour_usd: f64,
    /// AI demand that converted sites can serve, MW of critical IT.
    pub demand_mw: f64,
    /// AI supply (exogenous + contracted by mining sites), MW of critical IT.
    pub supply_mw: f64,
    /// Revenue per kWh of colocation at the current rate (per kWh of critical IT), USD.
    pub colo_usd_per_kwh: f64,
    /// Revenue per kWh of GPU cloud at the current GPU-hour price (per kWh of critical IT), USD.
    pub cloud_usd_per_kwh: f64,
}

/// One site's state (for analyses and tests: [`crate::engine::Simulation::sites`]).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SiteSnapshot {
    /// Owning firm.
    pub firm: u32,
    /// Region name.
    pub region: &'static str,
    /// Whether the site can host AI.
    pub ai_suitable: bool,
    /// Capacity, MW.
    pub capacity_mw: f64,
    /// MW with machines installed.
    pub mining_mw: f64,
    /// MW converting to AI.
    pub converting_mw: f64,
    /// MW in AI (colocation and cloud).
    pub ai_mw: f64,
    /// Hashrate-weighted efficiency of the installed machines, J/TH (NaN without machines).
    pub efficiency_j_per_th: f64,
}

/// Which ids an event of a kind carries: the `firm` and `site` columns of the `events` table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventScope {
    /// Network-level: neither a firm nor a site.
    Network,
    /// A firm, no site.
    Firm,
    /// A firm and one of the sites it owns (or buys).
    Site,
}

impl EventScope {
    /// Whether events of this scope name a firm.
    pub fn has_firm(self) -> bool {
        self != EventScope::Network
    }

    /// Whether events of this scope name a site.
    pub fn has_site(self) -> bool {
        self == EventScope::Site
    }
}

/// Defines [`EventKind`] from one list: each kind's doc comment, name in the `events` table and
/// scope.
macro_rules! event_kinds {
    ($($(#[doc = $doc:literal])+ $kind:ident = $name:literal, $scope:ident;)+) => {
        /// What happened, in the `events` table.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum EventKind {
            $($(#[doc = $doc])+ $kind,)+
        }

        impl EventKind {
            /// Every kind, in declaration order (the order of the `kind` column's description).
            pub const ALL: &'static [EventKind] = &[$(EventKind::$kind),+];

            /// The name written to the `events` table (snake_case).
            pub fn name(self) -> &'static str {
                match self {
                    $(EventKind::$kind => $name,)+
                }
            }

            /// Which ids the kind's events carry.
            pub fn scope(self) -> EventScope {
                match self {
                    $(EventKind::$kind => EventScope::$scope,)+
                }
            }

            /// What the kind means (its doc comment).
            pub fn description(self) -> &'static str {
                match self {
                    $(EventKind::$kind => concat!($($doc),+).trim_ascii(),)+
                }
            }
        }
    };
}

event_kinds! {
    /// A firm started converting MW to AI (MW offline for the lead time).
    ConversionStarted = "conversion_started", Site;
    /// A conversion was energized: the MW now serves AI.
    ConversionCompleted = "conversion_completed", Site;
    /// An AI contract was signed (rate locked for its tenor).
    ContractSigned = "contract_signed", Site;
    /// An AI contract reached the end of its tenor.
    ContractEnded = "contract_ended", Site;
    /// An AI tenant defaulted.
    ContractDefaulted = "contract_defaulted", Site;
    /// ASICs were ordered (paid at order).
    AsicPurchase = "asic_purchase", Site;
    /// Ordered ASICs arrived and were installed.
    AsicDelivery = "asic_delivery", Site;
    /// ASICs were bought from the secondary market (installed at once).
    AsicSecondaryPurchase = "asic_secondary_purchase", Site;
    /// ASICs were sold on the secondary market.
    AsicSale = "asic_sale", Site;
    /// Unsold secondary-market ASICs were scrapped.
    AsicScrapped = "asic_scrapped", Network;
    /// A site's capacity was expanded (build-out completed).
    SiteExpanded = "site_expanded", Site;
    /// A firm went bankrupt.
    Bankruptcy = "bankruptcy", Firm;
    /// A bankrupt firm's site was sold to another firm.
    SiteSold = "site_sold", Site;
    /// A bankrupt firm's site was shut (no buyer).
    SiteShut = "site_shut", Site;
    /// A banned site moved to another region, its capacity to be rebuilt there.
    SiteRelocated = "site_relocated", Site;
    /// A scheduled shock took effect.
    Shock = "shock", Network;
    /// The block subsidy halved.
    Halving = "halving", Network;
    /// A retarget was limited by the 4x clamp.
    RetargetClamped = "retarget_clamped", Network;
    /// A fee spike began (`value`: its multiplier of the fees).
    FeeSpikeStarted = "fee_spike_started", Network;
    /// A fee spike ended (`value`: its multiplier).
    FeeSpikeEnded = "fee_spike_ended", Network;
    /// The price fell on a security event (`detail`: the trigger; `value`: the price factor).
    PriceFeedback = "price_feedback", Network;
}

/// One event of the `events` table.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EventRecord {
    /// When, unix seconds (UTC).
    pub time_unix: i64,
    /// What.
    pub kind: EventKind,
    /// Firm id (None for network-level events).
    pub firm: Option<u32>,
    /// Site id (None when not site-specific).
    pub site: Option<u32>,
    /// Gross MW concerned (conversions, contracts, expansions, sites), MW; 0 when none.
    pub mw: f64,
    /// Hashrate concerned (ASIC trades), TH/s; 0 when none.
    pub ths: f64,
    /// Money concerned (price paid or received, contract value per year), USD; 0 when none.
    pub usd: f64,
    /// A detail: `colocation`/`cloud` for AI events, the shock kind, the block height, ...
    pub detail: &'static str,
    /// A numeric detail: contract rate USD per MW-year, shock factor, height, ...
    pub value: f64,
}

impl EventRecord {
    /// A network-level event: no firm, site, MW, hashrate or money.
    pub fn network(time_unix: i64, kind: EventKind, detail: &'static str, value: f64) -> Self {
        EventRecord {
            time_unix,
            kind,
            firm: None,
            site: None,
            mw: 0.0,
            ths: 0.0,
            usd: 0.0,
            detail,
            value,
        }
    }
}

/// One firm at one monthly decision (the `firms` panel).
#[derive(Debug, Clone, PartialEq)]
pub struct FirmMonthRecord {
    /// Decision time, unix seconds (UTC).
    pub time_unix: i64,
    /// Firm id.
    pub firm: u32,
    /// Ticker of a named (real) firm.
    pub ticker: Option<String>,
    /// Public firm.
    pub public: bool,
    /// `active` or `bankrupt`.
    pub state: &'static str,
    /// Sites owned.
    pub sites: u32,
    /// Capacity of the sites, MW (gross, at the meter).
    pub capacity_mw: f64,
    /// MW with ASICs installed.
    pub mining_mw: f64,
    /// MW converting to AI (offline).
    pub converting_mw: f64,
    /// MW serving AI colocation (built shells, leased or vacant).
    pub ai_colo_mw: f64,
    /// MW serving AI cloud.
    pub ai_cloud_mw: f64,
    /// MW with neither machines nor AI.
    pub idle_mw: f64,
    /// Installed hashrate, TH/s.
    pub installed_ths: f64,
    /// Running hashrate, TH/s.
    pub running_ths: f64,
    /// Hashrate-weighted efficiency of the installed machines, J/TH (None without machines).
    pub efficiency_j_per_th: Option<f64>,
    /// Cash after the month's flows, USD.
    pub cash_usd: f64,
    /// Debt (corporate and project), USD.
    pub debt_usd: f64,
    /// Flows of the month, USD.
    pub mining_revenue_usd: f64,
    /// Colocation revenue, USD.
    pub colo_revenue_usd: f64,
    /// Cloud revenue, USD.
    pub cloud_revenue_usd: f64,
    /// ASIC and site sales, USD.
    pub sales_usd: f64,
    /// Mining energy and carbon tax, USD.
    pub energy_usd: f64,
    /// Other operating costs, USD.
    pub opex_usd: f64,
    /// Fixed costs of the period's idle mining capacity, USD.
    pub idle_cost_usd: f64,
    /// Interest, USD, capitalized construction interest included (also in `borrowed_usd`).
    pub interest_usd: f64,
    /// Capital expenditure and site purchases, USD.
    pub capex_usd: f64,
    /// Debt drawn, USD, capitalized construction interest included: the change of `debt_usd`
    /// is `borrowed_usd - repaid_usd`.
    pub borrowed_usd: f64,
    /// Principal repaid, USD.
    pub repaid_usd: f64,
    /// Expected BTC price drift of the firm, per year.
    pub expected_drift: f64,
}
