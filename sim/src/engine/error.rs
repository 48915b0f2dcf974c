//! Why a simulation could not be built or run: [`SimError`], with the inputs it cannot simulate
//! ([`InvalidInput`]) and the invariants a checked run found broken ([`InvariantError`]).
//!
//! Every message keeps the text users and tests see: an invalid input reads
//! `invalid simulation input: <what>`, a broken invariant
//! `invalid simulation input: invariant broken: <what>`.

use hashshift_models::consensus::BitsError;
use hashshift_models::hardware::FrontierError;
use hashshift_models::market::MarketParamError;
use hashshift_models::mining::fleet::UnitError;
use hashshift_models::mining::population::PopulationError;
use hashshift_models::param::ParamError;
use hashshift_models::security::{AsertError, LwmaError};

use crate::record::RecordError;

/// Why a simulation could not be built or run.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// Inputs that cannot be simulated (normally caught by scenario validation).
    #[error("invalid simulation input: {0}")]
    Invalid(#[from] InvalidInput),
    /// An invariant checked by [`Simulation::with_invariant_checks`] does not hold (tests).
    ///
    /// [`Simulation::with_invariant_checks`]: super::Simulation::with_invariant_checks
    #[error("invalid simulation input: invariant broken: {0}")]
    Invariant(#[from] InvariantError),
    /// [`Simulation::run`] was called a second time.
    ///
    /// [`Simulation::run`]: super::Simulation::run
    #[error("invalid simulation input: this simulation has already run")]
    AlreadyRun,
    /// The recorder failed.
    #[error("{0}")]
    Record(#[source] RecordError),
}

impl From<RecordError> for SimError {
    fn from(e: RecordError) -> Self {
        SimError::Record(e)
    }
}

/// Inputs the engine cannot simulate. Scenario validation catches most of them first; what
/// only building the network reveals (nothing profitable at the start) is found here.
#[derive(Debug, thiserror::Error)]
pub enum InvalidInput {
    /// The run ends at or before its start.
    #[error("end must be after start")]
    EndNotAfterStart,
    /// The start's nBits do not decode to a valid target.
    #[error("start bits: {0}")]
    StartBits(#[source] BitsError),
    /// The current epoch's first block is later than the run start.
    #[error("epoch start time after the run start")]
    EpochStartAfterRunStart,
    /// A run starting mid-epoch without the epoch's first block time.
    #[error("a run starting mid-epoch needs the epoch's first block time")]
    MissingEpochStart,
    /// Neither a hashrate path nor a network of machines.
    #[error("no hashrate source: neither a path nor a network")]
    NoHashrateSource,
    /// A difficulty rule could not be set up or computed.
    #[error(transparent)]
    Difficulty(#[from] DifficultyError),
    /// The price, fee or energy-price process rejected its parameters.
    #[error("{0}")]
    Market(#[source] MarketParamError),
    /// The efficiency frontier rejected its parameters.
    #[error("{0}")]
    Frontier(#[source] FrontierError),
    /// The generated network could not be generated.
    #[error("network: {0}")]
    Network(#[source] PopulationError),
    /// A machine of the network is not a valid fleet unit.
    #[error("{0}")]
    Unit(#[source] UnitError),
    /// No machine of the generated network runs at the start conditions.
    #[error(
        "no machine of the generated network is profitable at the start (hashprice {hashprice_usd_per_ph_day:.2} USD/PH/day); \
         check price.initial_usd and the regional energy prices"
    )]
    NothingProfitable {
        /// The hashprice at the start, USD per PH/s per day.
        hashprice_usd_per_ph_day: f64,
    },
    /// The named firms alone mine the whole target hashrate.
    #[error(
        "the named firms mine {named_ehs:.1} EH/s, at least network.target_ehs = {target_ehs:.1}"
    )]
    NamedFirmsExceedTarget {
        /// The named firms' hashrate, EH/s.
        named_ehs: f64,
        /// The network's target hashrate, EH/s.
        target_ehs: f64,
    },
    /// The AI market rejected its parameters.
    #[error("ai: {0}")]
    Ai(#[source] ParamError),
    /// The firm population could not be generated.
    #[error("firms: {0}")]
    Firms(#[source] ParamError),
}

/// A difficulty rule that could not be set up (invalid parameters or anchor) or computed.
#[derive(Debug, thiserror::Error)]
pub enum DifficultyError {
    /// LWMA's parameters for a window are invalid.
    #[error("lwma_window {window}: {source}")]
    LwmaWindow {
        /// The averaging window, blocks.
        window: u32,
        /// Why.
        source: LwmaError,
    },
    /// ASERT could not be anchored.
    #[error("asert anchor at height {height}: {source}")]
    AsertAnchor {
        /// The anchor block's height.
        height: u64,
        /// Why.
        source: AsertError,
    },
    /// ASERT could not compute a block's target.
    #[error("asert at height {height}: {source}")]
    Asert {
        /// The parent block's height.
        height: u64,
        /// Why.
        source: AsertError,
    },
    /// LWMA could not compute a block's target.
    #[error("lwma at height {height}: {source}")]
    Lwma {
        /// The parent block's height.
        height: u64,
        /// Why.
        source: LwmaError,
    },
}

/// An invariant a checked run found broken (see [`Simulation::with_invariant_checks`]).
///
/// [`Simulation::with_invariant_checks`]: super::Simulation::with_invariant_checks
#[derive(Debug, thiserror::Error)]
pub enum InvariantError {
    /// An event came before the clock.
    #[error("event {event} at {time_s} s comes before the clock {clock_s} s")]
    TimeWentBack {
        /// The event, debug-formatted.
        event: String,
        /// Its time, seconds since the start.
        time_s: f64,
        /// The clock, seconds since the start.
        clock_s: f64,
    },
    /// A network number is negative or not finite.
    #[error("{what} is {value} at {clock_s} s")]
    Network {
        /// Which number.
        what: &'static str,
        /// Its value.
        value: f64,
        /// The clock, seconds since the start.
        clock_s: f64,
    },
    /// The issued supply differs from the subsidies' sum or exceeds the cap.
    #[error(
        "supply {supply_sat} sat after {blocks} blocks from height {start_height} (the subsidies \
         sum to {expected_sat} sat; cap {cap_sat} sat)"
    )]
    Supply {
        /// Issued supply, satoshi.
        supply_sat: u64,
        /// Blocks simulated.
        blocks: u64,
        /// Height of the first block simulated.
        start_height: u64,
        /// Sum of the subsidies, satoshi.
        expected_sat: u64,
        /// Supply cap, satoshi.
        cap_sat: u64,
    },
    /// A site's MW are negative or not finite: capacity, mining, converting, AI colocation,
    /// AI cloud.
    #[error("site {site}: negative or non-finite MW {mw:?}")]
    SiteMw {
        /// Site index.
        site: usize,
        /// Capacity, mining, converting, AI colocation and AI cloud MW.
        mw: [f64; 5],
    },
    /// The packed owner list disagrees with a site's owner.
    #[error("site {site}: packed owner {packed} differs from owner {owner}")]
    PackedOwner {
        /// Site index.
        site: usize,
        /// Owner in the packed list.
        packed: u32,
        /// Owner on the site.
        owner: u32,
    },
    /// A site uses more MW than its capacity.
    #[error(
        "site {site}: mining {mining} + converting {converting} + ai {ai_colo} + {ai_cloud} \
         exceeds capacity {capacity}"
    )]
    OverCapacity {
        /// Site index.
        site: usize,
        /// MW of machines.
        mining: f64,
        /// MW converting.
        converting: f64,
        /// MW of colocation.
        ai_colo: f64,
        /// MW of GPU cloud.
        ai_cloud: f64,
        /// Capacity, MW.
        capacity: f64,
    },
    /// A firm's cash or debt is not finite, or its debt negative.
    #[error("firm {firm}: cash {cash} debt {debt}")]
    FirmBooks {
        /// Firm id.
        firm: u32,
        /// Cash, USD.
        cash: f64,
        /// Debt, USD.
        debt: f64,
    },
    /// A bankrupt firm still holds sites, cash or debt.
    #[error("bankrupt firm {firm} still holds {sites} sites, cash {cash}, debt {debt}")]
    BankruptHolds {
        /// Firm id.
        firm: u32,
        /// Sites still listed.
        sites: usize,
        /// Cash, USD.
        cash: f64,
        /// Debt, USD.
        debt: f64,
    },
    /// A firm lists a site it does not own.
    #[error("firm {firm} lists site {site}, owned by {owner} (shut: {shut})")]
    ForeignSite {
        /// Firm id.
        firm: u32,
        /// Site index.
        site: u32,
        /// The site's owner.
        owner: u32,
        /// Whether the site is shut.
        shut: bool,
    },
    /// The firms' site lists do not cover the open sites exactly once.
    #[error("{listed} sites in the firms' lists, {open} open sites")]
    SiteCount {
        /// Sites in the firms' lists.
        listed: usize,
        /// Open sites.
        open: usize,
    },
    /// A shut site still runs machines, converts, or has AI MW beyond its tenants'.
    #[error(
        "shut site {site} still has {machines} machines, {mining} MW mining, {converting} MW \
         converting, {ai} MW AI for {served} MW of tenants"
    )]
    ShutSiteActive {
        /// Site index.
        site: usize,
        /// Fleet units on it.
        machines: usize,
        /// MW of machines.
        mining: f64,
        /// MW converting.
        converting: f64,
        /// MW of AI.
        ai: f64,
        /// MW of the tenants still served.
        served: f64,
    },
}
