//! The agents at run time: firms owning sites and fleets, their monthly decisions, their cash,
//! the AI market they sell into and the secondary ASIC market.
//!
//! # Sites and megawatts
//!
//! Every site's capacity (MW at the meter) is split, at all times, into
//!
//! ```text
//! capacity = mining + converting + ai_colo + ai_cloud + idle
//! ```
//!
//! `mining` is the power of the installed machines (`sum TH/s x J/TH x PUE`, running or not),
//! `converting` the MW between a signed AI contract and energization (neither mining nor
//! earning), `ai_colo` and `ai_cloud` the energized AI MW (a colocation shell may be vacant
//! after its contract ends, until re-let), `idle` the rest (machines sold, or ordered and not
//! yet delivered). Expansions add capacity when they are energized, together with their
//! machines.
//!
//! # Timeline
//!
//! Each firm decides every `decision_interval_days`, staggered by a random offset
//! (`Event::FirmDecision`); ASIC orders arrive after a lead time (`Event::AsicDelivery`),
//! conversions after theirs (`Event::ConversionComplete`), contracts end at their tenor
//! (`Event::ContractEnd`). Effects on the fleet take effect at once; the engine then re-runs
//! the operation pass and applies the new hashrate.
//!
//! # Cash
//!
//! At each decision the firm settles the period since its last one ([`Ledger`]): mining
//! revenue and energy (accrued exactly by the fleet, [`Fleet::take_site_accrual`]), AI
//! revenue of its contracts, opex, interest and principal; then it draws on its credit line if
//! cash is negative. A firm whose cash stays negative with its credit line used up is
//! bankrupt: its machines go to the secondary market, its sites (with their AI contracts) are
//! sold to the firm with the most cash that can pay for them, or shut.
//!
//! [`Fleet::take_site_accrual`]: hashshift_models::mining::fleet::Fleet::take_site_accrual

mod contracts;
mod convert;
mod decide;
mod exposure;
mod finance;
mod machines;
mod state;

use std::cell::RefCell;
use std::sync::Arc;

use hashshift_models::ai::AiMarket;
use hashshift_models::firms::valuation::{DiscountFactors, RewardPath};
use hashshift_models::firms::{Beliefs, Ledger};
use hashshift_models::mining::fleet::Fleet;
use hashshift_models::mining::population::Site;
use rand::Rng;

pub(crate) use state::{Contract, ContractKind, Firm, Lot, Order, OrderKind, SiteState};

use super::event::Event;
use super::rng::{Component, RngStreams};
use crate::record::{AgentDay, AiMarketDay, EventKind, EventRecord, FirmMonthRecord};
use crate::scenario::AgentsSpec;

/// Seconds per day.
const DAY_S: f64 = 86_400.0;

/// What the market looks like when an agent event is handled.
#[derive(Debug, Clone, Copy)]
pub(crate) struct MarketView<'a> {
    /// Run start, unix seconds.
    pub start_unix: i64,
    /// Now, days since the start.
    pub now_days: f64,
    /// Calendar year with fraction.
    pub year: f64,
    /// Hashprice, USD per TH/s per day.
    pub hashprice: f64,
    /// Hashprice after the next retarget brings blocks back to 10 minutes (what firms plan
    /// with), USD per TH/s per day.
    pub hashprice_outlook: f64,
    /// BTC price, USD.
    pub price: f64,
    /// Mean fee per block, BTC.
    pub fee_mean_btc: f64,
    /// Height of the next block.
    pub height: u64,
    /// Energy price by region, USD/kWh.
    pub region_price: &'a [f64],
    /// Carbon tax by region, USD/tCO2.
    pub carbon_tax: &'a [f64],
    /// Carbon intensity by region, tCO2/MWh.
    pub carbon_intensity: &'a [f64],
    /// The frontier machine now: (J/TH, USD per TH/s, model id).
    pub frontier: (f64, f64, u16),
    /// Yearly fall of the frontier's J/TH.
    pub frontier_improvement: f64,
    /// Yearly change of the price per TH of new machines.
    pub frontier_price_trend: f64,
}

impl MarketView<'_> {
    /// Unix time of now.
    pub fn now_unix(&self) -> i64 {
        self.start_unix + (self.now_days * DAY_S).round() as i64
    }

    /// Years since the start.
    pub fn t_years(&self) -> f64 {
        self.now_days / 365.25
    }

    /// Energy price a site pays, carbon tax included, USD/kWh.
    pub fn site_energy(&self, s: &SiteState) -> f64 {
        let r = s.region.index();
        self.region_price[r] * s.price_factor
            + self.carbon_tax[r] * self.carbon_intensity[r] / 1000.0
    }
}

/// MW totals over all sites.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub(crate) struct MwTotals {
    pub capacity: f64,
    pub mining: f64,
    pub converting: f64,
    pub ai_colo: f64,
    pub ai_cloud: f64,
}

/// Exponentially weighted variance of daily BTC log returns (60-day half-life), annualized:
/// the volatility behind the firms' real-option hurdle.
#[derive(Debug, Clone, Copy)]
struct Volatility {
    var_per_day: f64,
    last_price: f64,
}

impl Volatility {
    const DECAY: f64 = 0.988_514_020_7; // 0.5^(1/60)

    fn observe(&mut self, price: f64) {
        if price > 0.0 && self.last_price > 0.0 {
            let r = (price / self.last_price).ln();
            self.var_per_day = Self::DECAY * self.var_per_day + (1.0 - Self::DECAY) * r * r;
        }
        self.last_price = price;
    }

    fn annual(&self) -> f64 {
        (self.var_per_day * 365.25).sqrt()
    }
}

/// The agents of a run.
#[derive(Debug, Clone)]
pub(crate) struct Agents {
    spec: AgentsSpec,
    firms: Vec<Firm>,
    sites: Vec<SiteState>,
    /// Per fleet unit: installation year.
    unit_installed: Vec<f64>,
    contracts: Vec<Contract>,
    orders: Vec<Order>,
    pool: Vec<Lot>,
    market: Option<AiMarket>,
    totals: MwTotals,
    initial_mining_mw: f64,
    vol: Volatility,
    /// Block-reward path of the valuation grid, cached by (day, height).
    reward_cache: (i64, u64, Arc<RewardPath>),
    /// Secondary-market prices by efficiency for the current market state.
    secondary_prices: RefCell<machines::PriceMemo>,
    /// Number of bankrupt firms.
    bankruptcies: usize,
    /// Scratch list of a site's units (reused).
    scratch_units: Vec<u32>,
    /// Scratch: a site's units kept at the sale test, with the remaining life (years) and the
    /// keep value (USD per MW) they were valued at.
    scratch_kept: Vec<(u32, f64, f64)>,
    /// The AI options valued at the deciding firm's last site (reused by its other sites).
    ai_values: convert::AiValueMemo,
    /// Scratch: the deciding firm's hashprice and discount path (`FirmFactors::fill_path`).
    scratch_path: Vec<(f64, f64)>,
    /// `sites[s].owner` for every site, packed (the daily concentration scan reads it).
    site_owners: Vec<u32>,
    /// This month's conversion bids (cleared on the first day of the next month).
    bids: Vec<convert::Bid>,
    /// Month (year x 12 + month) of the last bid clearing.
    cleared_month: i64,
    /// Events not yet recorded.
    pub events: Vec<EventRecord>,
    /// Firm rows not yet recorded.
    pub firm_rows: Vec<FirmMonthRecord>,
    /// Whether firm rows are built at all (false when the recorder drops them).
    pub record_firm_rows: bool,
    /// Events to schedule: (seconds since the start, event).
    pub scheduled: Vec<(f64, Event)>,
    /// The fleet changed since the engine last re-ran the operation pass.
    pub fleet_changed: bool,
    /// New machines ordered and not yet delivered, TH/s (the manufacturers' order book).
    pub backlog_ths: f64,
}

impl Agents {
    /// Builds the firms over `sites` (whose machines are the fleet's units, grouped by site)
    /// and schedules their first decisions. `named_sites`: for each named firm, the indices of
    /// its sites (they are excluded from the generated firms).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        spec: &AgentsSpec,
        sites: &[Site],
        ai_suitability: &[f64],
        fleet: &Fleet,
        unit_release_and_life: &[(f64, f64)],
        named_sites: &[Vec<u32>],
        streams: &RngStreams,
        start_year: f64,
        initial_volatility: f64,
    ) -> Result<Self, String> {
        let market = match &spec.ai {
            Some(p) => Some(AiMarket::new(p.clone()).map_err(|e| format!("ai: {e}"))?),
            None => None,
        };
        let mut rng = streams.stream(Component::Population, 100);
        let mut states: Vec<SiteState> = sites
            .iter()
            .map(|s| SiteState {
                owner: u32::MAX,
                region: s.region,
                capacity_mw: s.capacity_mw,
                initial_capacity_mw: s.capacity_mw,
                pue: s.pue,
                price_factor: s.price_factor,
                // Drawn for every site (one stream position per site), overridden for named
                // sites by their table's flag.
                ai_suitable: rng.random::<f64>() < ai_suitability[s.region.index()],
                units: Vec::new(),
                mining_mw: 0.0,
                converting_mw: 0.0,
                ai_colo_mw: 0.0,
                ai_cloud_mw: 0.0,
                leased_colo_mw: 0.0,
                reserved_mw: 0.0,
                pending_machine_orders: 0,
                pending_expansions: 0,
                shut: false,
                relocating_mw: 0.0,
                contracts: Vec::new(),
            })
            .collect();
        for (k, own) in named_sites.iter().enumerate() {
            for (j, &site) in own.iter().enumerate() {
                states[site as usize].ai_suitable = spec.named[k].sites[j].ai_suitable;
            }
        }
        for (i, u) in fleet.units().iter().enumerate() {
            states[u.site as usize].units.push(i as u32);
        }
        for s in &mut states {
            s.mining_mw = s
                .units
                .iter()
                .map(|&i| {
                    let u = &fleet.units()[i as usize];
                    u.ths * u.j_per_th * u.pue / 1e6
                })
                .sum();
        }
        // Named firms first (ids 0..), then the generated ones over the remaining sites.
        let mut taken = vec![false; sites.len()];
        let mut firms = Vec::new();
        for (k, own) in named_sites.iter().enumerate() {
            let nf = &spec.named[k];
            own.iter().for_each(|&s| taken[s as usize] = true);
            let mw: f64 = own.iter().map(|&s| sites[s as usize].capacity_mw).sum();
            let f = &spec.firms;
            let strategy = hashshift_models::firms::Strategy {
                discount_rate: 0.5 * (f.discount_rate_public.0 + f.discount_rate_public.1),
                horizon_years: 0.5 * (f.horizon_years.0 + f.horizon_years.1),
                risk_aversion: 0.5 * (f.risk_aversion.0 + f.risk_aversion.1),
                mining_hurdle: 0.5 * (f.mining_hurdle.0 + f.mining_hurdle.1),
                belief: hashshift_models::firms::BeliefModel::Naive,
            };
            firms.push(Firm::new(
                firms.len() as u32,
                Some(nf.ticker.clone()),
                true,
                own.clone(),
                f.cash_usd_per_mw * mw,
                f.debt_usd_per_mw * mw,
                f.credit_usd_per_mw_public * mw,
                f.project_finance_public,
                strategy,
                streams,
            ));
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
            let specs = params
                .generate(&free_mw, &mut frng)
                .map_err(|e| format!("firms: {e}"))?;
            for fs in specs {
                let own: Vec<u32> = fs.sites.iter().map(|&j| free[j as usize]).collect();
                firms.push(Firm::new(
                    firms.len() as u32,
                    None,
                    fs.public,
                    own,
                    fs.cash_usd,
                    fs.debt_usd,
                    fs.credit_usd,
                    fs.project_finance,
                    fs.strategy,
                    streams,
                ));
            }
        }
        for f in &firms {
            for &s in &f.sites {
                states[s as usize].owner = f.id;
            }
        }
        let unit_installed = unit_release_and_life
            .iter()
            .map(|&(release, life)| {
                // Machines were bought at release or, for old models, replaced within
                // their life: at most one life before the start.
                release.max(start_year - life + 0.5).min(start_year)
            })
            .collect();
        let site_owners = states.iter().map(|s| s.owner).collect();
        let mut a = Self {
            spec: spec.clone(),
            firms,
            sites: states,
            unit_installed,
            contracts: Vec::new(),
            orders: Vec::new(),
            pool: Vec::new(),
            market,
            totals: MwTotals::default(),
            initial_mining_mw: 0.0,
            vol: Volatility {
                var_per_day: initial_volatility * initial_volatility / 365.25,
                last_price: 0.0,
            },
            reward_cache: (i64::MIN, 0, Arc::default()),
            secondary_prices: RefCell::default(),
            bankruptcies: 0,
            scratch_units: Vec::new(),
            scratch_kept: Vec::new(),
            ai_values: Default::default(),
            scratch_path: Vec::new(),
            site_owners,
            bids: Vec::new(),
            cleared_month: i64::MIN,
            events: Vec::new(),
            firm_rows: Vec::new(),
            record_firm_rows: true,
            scheduled: Vec::new(),
            fleet_changed: false,
            backlog_ths: 0.0,
        };
        a.recount();
        a.initial_mining_mw = a.totals.mining;
        // First decisions, staggered over one interval.
        let interval = spec.decision_interval_days * DAY_S;
        for f in &mut a.firms {
            let offset = f.rng.random::<f64>() * interval;
            a.scheduled
                .push((offset, Event::FirmDecision { firm: f.id }));
        }
        Ok(a)
    }

    /// Recomputes the MW totals from the sites.
    fn recount(&mut self) {
        let mut t = MwTotals::default();
        for s in &self.sites {
            t.capacity += s.capacity_mw;
            t.mining += s.mining_mw;
            t.converting += s.converting_mw;
            t.ai_colo += s.ai_colo_mw;
            t.ai_cloud += s.ai_cloud_mw;
        }
        self.totals = t;
    }

    /// The sites.
    pub fn sites(&self) -> &[SiteState] {
        &self.sites
    }

    /// Observes the day's BTC price (volatility estimate).
    pub fn observe_price(&mut self, price: f64) {
        self.vol.observe(price);
    }

    /// Sets the AI demand and rate shock multipliers.
    pub fn set_ai_factors(&mut self, demand: f64, rate: f64) {
        if let Some(m) = &mut self.market {
            m.set_demand_factor(demand).expect("validated factor");
            m.set_rate_factor(rate).expect("validated factor");
        }
    }

    /// Records a network-level event.
    pub fn push_event(
        &mut self,
        time_unix: i64,
        kind: EventKind,
        detail: &'static str,
        value: f64,
    ) {
        self.events
            .push(EventRecord::network(time_unix, kind, detail, value));
    }

    /// The agents' daily columns.
    pub fn day(&self, v: &MarketView<'_>, running_power_w: f64, running_ths: f64) -> AgentDay {
        let t = v.t_years();
        let tot = &self.totals;
        let ai = tot.ai_colo + tot.ai_cloud;
        let idle = tot.capacity - tot.mining - tot.converting - ai;
        // The totals are running sums: a total back at zero can be off by rounding
        // (-1e-13 MW), reported as 0.
        let mut d = AgentDay {
            capacity_mw: tot.capacity.max(0.0),
            mining_mw: tot.mining.max(0.0),
            converting_mw: tot.converting.max(0.0),
            ai_mw: ai.max(0.0),
            idle_mw: idle.max(0.0),
            ai_share_of_initial_mining_mw: if self.initial_mining_mw > 0.0 {
                (ai + tot.converting) / self.initial_mining_mw
            } else {
                0.0
            },
            mining_usd_per_kwh: if running_power_w > 0.0 {
                v.hashprice * running_ths / (running_power_w / 1000.0 * 24.0)
            } else {
                0.0
            },
            active_firms: (self.firms.len() - self.bankruptcies) as u64,
            secondary_ths: self.pool.iter().fold(0.0, |a, l| a + l.ths), // 0, not -0, when empty
            ..AgentDay::default()
        };
        d.ai_market = self.market.as_ref().map(|m| {
            let kwh_per_mw_year = 8_766.0 * 1000.0;
            let colo_rate_usd_per_mw_year = m.colocation_rate(t);
            let gpu_hour_usd = m.gpu_hour_usd(t);
            AiMarketDay {
                colo_rate_usd_per_mw_year,
                gpu_hour_usd,
                demand_mw: m.demand_mw(t),
                supply_mw: m.supply_mw(t),
                colo_usd_per_kwh: colo_rate_usd_per_mw_year / kwh_per_mw_year,
                cloud_usd_per_kwh: m.params().cloud_revenue_usd_per_mw_year(gpu_hour_usd)
                    / kwh_per_mw_year,
            }
        });
        d
    }

    /// Every site's state.
    pub fn site_snapshots(&self, fleet: &Fleet) -> Vec<crate::record::SiteSnapshot> {
        self.sites
            .iter()
            .map(|s| {
                let (mut ths, mut w) = (0.0, 0.0);
                for &u in &s.units {
                    let x = &fleet.units()[u as usize];
                    ths += x.ths;
                    w += x.ths * x.j_per_th;
                }
                crate::record::SiteSnapshot {
                    firm: s.owner,
                    region: s.region.name(),
                    ai_suitable: s.ai_suitable,
                    capacity_mw: s.capacity_mw,
                    mining_mw: s.mining_mw,
                    converting_mw: s.converting_mw,
                    ai_mw: s.ai_colo_mw + s.ai_cloud_mw,
                    efficiency_j_per_th: if ths > 0.0 { w / ths } else { f64::NAN },
                }
            })
            .collect()
    }

    /// Checks the MW identity of every site, the ownership of sites, and finite books (tests).
    pub fn check_invariants(&self) -> Result<(), String> {
        for (i, s) in self.sites.iter().enumerate() {
            let used = s.mining_mw + s.converting_mw + s.ai_colo_mw + s.ai_cloud_mw;
            let all = [
                s.capacity_mw,
                s.mining_mw,
                s.converting_mw,
                s.ai_colo_mw,
                s.ai_cloud_mw,
            ];
            if all.iter().any(|x| !x.is_finite() || *x < -1e-9) {
                return Err(format!("site {i}: negative or non-finite MW {all:?}"));
            }
            if self.site_owners[i] != s.owner {
                return Err(format!(
                    "site {i}: packed owner {} differs from owner {}",
                    self.site_owners[i], s.owner
                ));
            }
            if used > s.capacity_mw * (1.0 + 1e-9) + 1e-9 {
                return Err(format!(
                    "site {i}: mining {} + converting {} + ai {} + {} exceeds capacity {}",
                    s.mining_mw, s.converting_mw, s.ai_colo_mw, s.ai_cloud_mw, s.capacity_mw
                ));
            }
        }
        // Each site is in exactly one firm's list, its owner's, unless it was shut; a bankrupt
        // firm holds nothing (no firm in two states at once).
        let mut listed = 0usize;
        for f in &self.firms {
            if !(f.cash.is_finite() && f.debt() >= 0.0 && f.debt().is_finite()) {
                return Err(format!("firm {}: cash {} debt {}", f.id, f.cash, f.debt()));
            }
            if f.bankrupt && (!f.sites.is_empty() || f.cash != 0.0 || f.debt() != 0.0) {
                return Err(format!(
                    "bankrupt firm {} still holds {} sites, cash {}, debt {}",
                    f.id,
                    f.sites.len(),
                    f.cash,
                    f.debt()
                ));
            }
            for &s in &f.sites {
                let site = &self.sites[s as usize];
                if site.owner != f.id || site.shut {
                    return Err(format!(
                        "firm {} lists site {s}, owned by {} (shut: {})",
                        f.id, site.owner, site.shut
                    ));
                }
            }
            listed += f.sites.len();
        }
        let open = self.sites.iter().filter(|s| !s.shut).count();
        if listed != open {
            return Err(format!(
                "{listed} sites in the firms' lists, {open} open sites"
            ));
        }
        // A shut site runs no machine and builds nothing; its AI MW are those of the tenants
        // still served.
        for (i, s) in self.sites.iter().enumerate().filter(|(_, s)| s.shut) {
            let served: f64 = s
                .contracts
                .iter()
                .map(|&c| &self.contracts[c as usize])
                .filter(|c| c.active && c.energized)
                .map(|c| c.gross_mw)
                .sum();
            // MW are kept incrementally: a sold-out site may keep a rounding residue.
            let tolerance = 1e-9 * s.capacity_mw.max(1.0);
            let ai = s.ai_colo_mw + s.ai_cloud_mw;
            if !s.units.is_empty()
                || s.mining_mw > tolerance
                || s.converting_mw > tolerance
                || ai > served + tolerance
            {
                return Err(format!(
                    "shut site {i} still has {} machines, {} MW mining, {} MW converting, {ai} \
                     MW AI for {served} MW of tenants",
                    s.units.len(),
                    s.mining_mw,
                    s.converting_mw,
                ));
            }
        }
        Ok(())
    }
}

impl Firm {
    #[allow(clippy::too_many_arguments)]
    fn new(
        id: u32,
        ticker: Option<String>,
        public: bool,
        sites: Vec<u32>,
        cash: f64,
        debt: f64,
        credit: f64,
        project_finance: f64,
        strategy: hashshift_models::firms::Strategy,
        streams: &RngStreams,
    ) -> Self {
        Self {
            id,
            ticker,
            public,
            sites,
            cash,
            corporate_debt: debt,
            project_debt: 0.0,
            construction_debt: 0.0,
            credit,
            project_finance,
            strategy,
            discount: DiscountFactors::new(strategy.discount_rate),
            beliefs: Beliefs::new(strategy.belief),
            bankrupt: false,
            ledger: Ledger::default(),
            last_settled_days: 0.0,
            rng: streams.stream(Component::Firm, u64::from(id)),
        }
    }
}
