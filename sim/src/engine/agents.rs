//! The agents at run time: firms owning sites and fleets, their monthly decisions, their cash,
//! the AI market they sell into and the secondary ASIC market.
//!
//! # Parts
//!
//! [`Agents`] is a thin coordinator over owned parts, each with its own data and tests:
//!
//! | part | file | owns |
//! |---|---|---|
//! | [`Registry`] | `registry.rs` | firms, sites (the MW on each), site owners, unit installation years, MW totals |
//! | [`OrderBook`] | `orders.rs` | ASIC orders in transit, the manufacturers' backlog |
//! | [`SecondaryMarket`] | `secondary.rs` | lots of used machines, their price memo |
//! | [`AiBook`] | `ai_book.rs` | the AI market, contracts, bids, the clearing month, AI option values |
//! | [`Finance`] | `finance.rs` | each firm's cash, debt and ledger, bankruptcies |
//!
//! The coordinator's jobs, each in its own file, take the parts they need: a firm's decision
//! (`decide.rs`), machines bought, sold, ordered and delivered (`machines.rs`), conversions to
//! AI (`convert.rs`), contracts signed, energized and ended (`contracts.rs`), settlement,
//! bankruptcy and the firm's row (`settle.rs`), and what the rest of the engine reads
//! (`report.rs`: daily columns, site snapshots, security inputs, invariants). The outlook
//! firms value with is built in `outlook.rs`, the market view and handler context in
//! `view.rs`.
//!
//! # Timeline
//!
//! Each firm decides every `decision_interval_days`, staggered by a random offset
//! (`Event::FirmDecision`); ASIC orders arrive after a lead time (`Event::AsicDelivery`),
//! conversions after theirs (`Event::ConversionComplete`), contracts end at their tenor
//! (`Event::ContractEnd`). A handler gets the fleet, the market view and the outbox in a
//! [`Cx`]: effects on the fleet take effect at once (the economy re-runs the operation pass at
//! the next midnight or retarget), records and new events go to the outbox.
//!
//! # Cash
//!
//! At each decision the firm settles the period since its last one ([`Finance::settle`]):
//! mining revenue and energy (accrued exactly by the fleet, [`Fleet::take_site_accrual`]), AI
//! revenue of its contracts, opex, interest and principal; then it draws on its credit line if
//! cash is negative. A firm whose cash stays negative with its credit line used up is
//! bankrupt: its machines go to the secondary market, its sites (with their AI contracts) are
//! sold to the firm with the most cash that can pay for them, or shut.
//!
//! [`Fleet::take_site_accrual`]: hashshift_models::mining::fleet::Fleet::take_site_accrual

mod ai_book;
mod contracts;
mod convert;
mod decide;
mod finance;
mod machines;
mod orders;
mod outlook;
mod registry;
mod report;
mod secondary;
mod settle;
mod view;

use hashshift_models::ai::AiMarket;
use hashshift_models::firms::named::named_firm_spec;
use hashshift_models::firms::FirmSpec;
use hashshift_models::market::EwmaVolatility;
use hashshift_models::mining::fleet::Fleet;
use hashshift_models::mining::population::Site;
use rand::Rng;

pub(crate) use view::{Cx, MarketView};

use ai_book::AiBook;
use finance::{Account, DebtTerms, Finance};
use orders::OrderBook;
use outlook::RewardCache;
use registry::{Firm, Registry, SiteState};
use secondary::SecondaryMarket;

use super::clock::SimTime;
use super::error::InvalidInput;
use super::event::Event;
use super::outbox::Outbox;
use super::rng::{Component, RngStreams};
use crate::scenario::AgentsSpec;

/// Seconds per day.
const DAY_S: f64 = 86_400.0;

/// Buffers a decision reuses.
#[derive(Debug, Clone, Default)]
struct Scratch {
    /// A site's units (a copy: sales remove units from the site's list).
    units: Vec<u32>,
    /// A site's units kept at the sale test, with the remaining life (years) and the keep
    /// value (USD per MW) they were valued at.
    kept: Vec<(u32, f64, f64)>,
    /// The deciding firm's hashprice and discount path (`FirmFactors::fill_path`).
    path: Vec<(f64, f64)>,
}

/// The agents of a run.
#[derive(Debug, Clone)]
pub(crate) struct Agents {
    spec: AgentsSpec,
    registry: Registry,
    finance: Finance,
    orders: OrderBook,
    secondary: SecondaryMarket,
    ai: AiBook,
    /// The firms' estimate of BTC's volatility (their real-option hurdle).
    vol: EwmaVolatility,
    /// The block-reward path of the valuation grid, cached per day.
    rewards: RewardCache,
    scratch: Scratch,
}

/// The population the agents are built over: the fleet's sites, the AI suitability of their
/// regions, each fleet unit's release year and life, and each named firm's sites.
pub(crate) struct Population<'a> {
    /// The sites, whose machines are the fleet's units (grouped by site).
    pub sites: &'a [Site],
    /// The fleet.
    pub fleet: &'a Fleet,
    /// Probability that a site of each region can host AI.
    pub ai_suitability: &'a [f64],
    /// Per fleet unit: (release year of its model, its life in years).
    pub unit_release_and_life: &'a [(f64, f64)],
    /// For each named firm, the indices of its sites (excluded from the generated firms).
    pub named_sites: &'a [Vec<u32>],
}

impl Agents {
    /// Builds the firms over `pop` at calendar year `start_year` and schedules their first
    /// decisions into `out`: the named firms first (ids 0..), then the generated ones over the
    /// remaining sites. `initial_volatility`: the annual BTC volatility firms assume at first.
    pub fn new(
        spec: &AgentsSpec,
        pop: Population<'_>,
        streams: &RngStreams,
        start_year: f64,
        initial_volatility: f64,
        out: &mut Outbox,
    ) -> Result<Self, InvalidInput> {
        let market = match &spec.ai {
            Some(p) => Some(AiMarket::new(p.clone()).map_err(InvalidInput::Ai)?),
            None => None,
        };
        let sites = pop.sites;
        let mut rng = streams.stream(Component::Population, 100);
        let mut states: Vec<SiteState> = sites
            .iter()
            .map(|s| {
                // Drawn for every site (one stream position per site), overridden for named
                // sites by their table's flag.
                let ai_suitable = rng.random::<f64>() < pop.ai_suitability[s.region.index()];
                SiteState::new(s.region, s.capacity_mw, s.pue, s.price_factor, ai_suitable)
            })
            .collect();
        for (k, own) in pop.named_sites.iter().enumerate() {
            for (j, &site) in own.iter().enumerate() {
                states[site as usize].ai_suitable = spec.named[k].sites[j].ai_suitable;
            }
        }
        let units = pop.fleet.units();
        for (i, u) in units.iter().enumerate() {
            states[u.site as usize].units.push(i as u32);
        }
        for s in &mut states {
            s.mining_mw = s
                .units
                .iter()
                .map(|&i| {
                    let u = &units[i as usize];
                    u.ths * u.j_per_th * u.pue / 1e6
                })
                .sum();
        }
        let mut firm_specs: Vec<(Option<String>, FirmSpec)> = Vec::new();
        let mut taken = vec![false; sites.len()];
        for (k, own) in pop.named_sites.iter().enumerate() {
            own.iter().for_each(|&s| taken[s as usize] = true);
            let mw: f64 = own.iter().map(|&s| sites[s as usize].capacity_mw).sum();
            let ticker = spec.named[k].ticker.clone();
            firm_specs.push((Some(ticker), named_firm_spec(&spec.firms, own.clone(), mw)));
        }
        let free: Vec<u32> = (0..sites.len() as u32)
            .filter(|&s| !taken[s as usize])
            .collect();
        if !free.is_empty() {
            let mut params = spec.firms;
            params.firms = params.firms.min(free.len());
            let free_mw: Vec<f64> = free
                .iter()
                .map(|&s| sites[s as usize].capacity_mw)
                .collect();
            let mut frng = streams.stream(Component::Population, 101);
            let generated = params
                .generate(&free_mw, &mut frng)
                .map_err(InvalidInput::Firms)?;
            for mut fs in generated {
                fs.sites = fs.sites.iter().map(|&j| free[j as usize]).collect();
                firm_specs.push((None, fs));
            }
        }
        let mut firms = Vec::with_capacity(firm_specs.len());
        let mut accounts = Vec::with_capacity(firm_specs.len());
        for (id, (ticker, fs)) in firm_specs.into_iter().enumerate() {
            firms.push(Firm::new(id as u32, ticker, &fs, streams));
            accounts.push(Account::new(&fs));
        }
        let unit_installed = pop
            .unit_release_and_life
            .iter()
            .map(|&(release, life)| {
                // Machines were bought at release or, for old models, replaced within
                // their life: at most one life before the start.
                release.max(start_year - life + 0.5).min(start_year)
            })
            .collect();
        let terms = DebtTerms {
            interest_rate: spec.debt_interest_rate,
            amortization_years: spec.debt_amortization_years,
            project_tenor_years: spec.ai.as_ref().map_or(10.0, |p| p.tenor_years),
        };
        let mut a = Self {
            spec: spec.clone(),
            registry: Registry::new(firms, states, unit_installed),
            finance: Finance::new(accounts, terms),
            orders: OrderBook::default(),
            secondary: SecondaryMarket::default(),
            ai: AiBook::new(market),
            vol: EwmaVolatility::new(initial_volatility),
            rewards: RewardCache::default(),
            scratch: Scratch::default(),
        };
        // First decisions, staggered over one interval.
        let interval = spec.decision_interval_days * DAY_S;
        for f in 0..a.registry.firms().len() {
            let offset = a.registry.firm_mut(f).rng.random::<f64>() * interval;
            let at = SimTime::from_secs(offset);
            out.schedule(at, Event::FirmDecision { firm: f as u32 });
        }
        Ok(a)
    }

    /// Handles an agent event.
    pub fn handle(&mut self, ev: Event, cx: &mut Cx<'_, '_>) {
        match ev {
            Event::FirmDecision { firm } => self.decide(firm as usize, cx),
            Event::AsicDelivery { order } => self.deliver(order as usize, cx),
            Event::ConversionComplete { contract } => self.energize(contract as usize, cx),
            Event::ContractEnd { contract } => self.end_contract(contract as usize, cx, false),
            _ => {}
        }
    }

    /// Daily housekeeping: clear last month's conversion bids on the first day of a month,
    /// scrap unsold secondary-market lots.
    pub fn on_day(&mut self, cx: &mut Cx<'_, '_>) {
        let (y, m, _) = crate::calendar::civil_from_days(cx.v.now_unix().div_euclid(86_400));
        if self.ai.new_month(y * 12 + i64::from(m)) {
            self.clear_bids(cx);
        }
        let scrapped = self
            .secondary
            .scrap(cx.v.now_days(), self.spec.secondary_shelf_days);
        if scrapped > 0.0 {
            let time = cx.v.now_unix();
            let e = cx
                .out
                .network_event(time, crate::record::EventKind::AsicScrapped, "", 0.0);
            e.ths = scrapped;
        }
    }

    /// Observes the day's BTC price (volatility estimate).
    pub fn observe_price(&mut self, price: f64) {
        self.vol.observe(price);
    }

    /// Sets the AI demand and rate shock multipliers.
    pub fn set_ai_factors(&mut self, demand: f64, rate: f64) {
        self.ai.set_factors(demand, rate);
    }

    /// New machines ordered and not yet delivered, TH/s (the manufacturers' order book).
    pub fn backlog_ths(&self) -> f64 {
        self.orders.backlog_ths()
    }
}
