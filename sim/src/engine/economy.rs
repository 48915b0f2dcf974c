//! The run-time economy: BTC price, fees, regional energy prices, the fleet of machines and
//! scheduled shocks, advanced once per simulated day (and the fleet again at each retarget).
//!
//! Daily order at midnight UTC: (1) the day that ended is reported; (2) the price steps one day
//! on its stream; (3) shocks due by now take effect (price jumps multiply the new price,
//! energy-price factors, carbon taxes); (4) the day's fee mean (fee replay) and each region's
//! energy price are set, the latter stepping one day on its own stream; (5) bans progress;
//! (6) the fleet re-decides which machines run (CBECI threshold) at the hashprice implied by
//! the difficulty in force, the next block's subsidy, the mean fee and the new price. The
//! engine then applies the new running hashrate (booking work and rescheduling the pending
//! block). Shocks therefore act with a resolution of one day; shocks due at the start act
//! from the first day. The hashprice is also recomputed at every retarget (and the fleet
//! re-decides), but not at a halving block: the next midnight picks the new subsidy up.
//!
//! Calibration (fleet runs): the population is generated on its own stream, operated once at
//! the start conditions without shocks, and scaled so that its running hashrate equals
//! `network.target_ehs` exactly (see `hashshift_models::mining::population`); shocks due at the
//! start then apply.

use std::cell::Cell;

use hashshift_models::consensus::COIN;
use hashshift_models::hardware::{AsicModel, Frontier, Region};
use hashshift_models::market::{
    EnergyPrice, FeeModel, FeeSpikes, FeedbackTrigger, PriceFeedback, PriceProcess,
};
use hashshift_models::mining::economics::{
    hashprice_usd_per_th_day, revenue_usd_per_mw_year, DAYS_PER_YEAR,
};
use hashshift_models::mining::fleet::{Conditions, Fleet};
use hashshift_models::mining::population::Site;
use rand_chacha::ChaCha8Rng;

use super::agents::Agents;
use crate::calendar::{civil_from_days, days_from_civil, DAY_S};
use crate::record::{DayRecord, EventKind, EventRecord, RegionDayRecord};
use crate::scenario::{SecuritySpec, Shock};

/// Calendar year with its fraction, e.g. 2028.5 in early July 2028.
fn year_fraction(t: i64) -> f64 {
    thread_local! {
        /// The last year asked for: (year, start, end), unix seconds. Agent events ask
        /// thousands of times per year; the calendar arithmetic runs once per year.
        static YEAR: Cell<(i64, i64, i64)> = const { Cell::new((0, 0, 0)) };
    }
    let (mut y, mut a, mut b) = YEAR.get();
    if !(a <= t && t < b) {
        y = civil_from_days(t.div_euclid(DAY_S)).0;
        (a, b) = (
            days_from_civil(y, 1, 1) * DAY_S,
            days_from_civil(y + 1, 1, 1) * DAY_S,
        );
        YEAR.set((y, a, b));
    }
    y as f64 + (t - a) as f64 / (b - a) as f64
}

/// Day of year (0-based) of unix time `t`.
fn day_of_year(t: i64) -> f64 {
    let day = t.div_euclid(DAY_S);
    let (y, _, _) = civil_from_days(day);
    (day - days_from_civil(y, 1, 1)) as f64
}

#[derive(Debug, Clone)]
enum Price {
    Constant(f64),
    Process(PriceProcess),
}

/// Bans on one region: its sites go offline in one random order until the offline capacity
/// reaches the sum of the bans' targets (each ban's share of the region's capacity, reached
/// linearly over its window; the sum is capped at the whole region). Overlapping bans add.
#[derive(Debug, Clone)]
struct RegionBans {
    /// (start, end, share) of each ban on the region.
    windows: Vec<(i64, i64, f64)>,
    /// The region's sites, in the order they go offline.
    order: Vec<u32>,
    region_mw: f64,
    offline_mw: f64,
    next: usize,
}

#[derive(Debug, Clone)]
struct FleetState {
    fleet: Fleet,
    sites: Vec<Site>,
    /// First unit of each site (units are grouped by site), plus the total at the end.
    site_units: Vec<usize>,
    hysteresis: f64,
    bans: Vec<RegionBans>,
    /// The idle machines as a supply curve at the last pass ([`Fleet::idle_supply`]), kept
    /// for the firms' post-retarget hashprice (empty when nothing is idle or without firms).
    idle_supply: Vec<(f64, f64)>,
    /// Operation passes so far: the running hashrate and the idle supply change only there.
    passes: u64,
    /// The firms' hashprice outlook at today's fees for (passes, hashprice bits, difficulty
    /// bits): asked at every agent event, computed once per market state.
    outlook_memo: Cell<(u64, u64, u64, f64)>,
}

/// Fee spikes in a run: the model, its stream, the configured fees and the spike in force.
#[derive(Debug, Clone)]
struct SpikeState {
    model: FeeSpikes,
    rng: ChaCha8Rng,
    /// The configured fee model (outside spikes).
    base: FeeModel,
    /// Multiplier of the spike in force.
    current: Option<f64>,
}

/// Per-day accumulators, filled by the engine on each block.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct DayTally {
    pub blocks: u64,
    pub fees_sat: u64,
    pub subsidy_sat: u64,
    pub revenue_usd: f64,
}

#[derive(Debug, Clone)]
pub(crate) struct Economy {
    price: Price,
    price_rng: ChaCha8Rng,
    /// Today's fee model: the configured one, scaled by a fee spike in force.
    fees: FeeModel,
    fee_rng: ChaCha8Rng,
    /// Expected fees per block today, BTC (spikes included).
    fee_mean_btc: f64,
    /// Long-run expected fees per block, BTC, that firms plan with: `fee_mean_btc` without
    /// spikes; with them the mean outside spikes times their long-run factor.
    fee_outlook_btc: f64,
    /// Fee spikes, when configured.
    fee_spikes: Option<SpikeState>,
    /// Subsidy of the latest hashprice, BTC per block.
    subsidy_btc: f64,
    /// Price drops on security events, when configured, and the trigger of a drop due at
    /// the next midnight.
    price_feedback: Option<(PriceFeedback, Option<FeedbackTrigger>)>,
    /// Daily mean fee per block (first unix day, means, log-sd) when fees replay a file.
    fee_replay: Option<(i64, Vec<f64>, f64)>,
    regions: Vec<Region>,
    energy: Vec<EnergyPrice>,
    energy_rngs: Vec<ChaCha8Rng>,
    region_price: Vec<f64>,
    carbon_tax: Vec<f64>,
    carbon_intensity: Vec<f64>,
    shocks: Vec<Shock>,
    next_shock: usize,
    fleet: Option<FleetState>,
    frontier: Frontier,
    /// The synthetic frontier generation last built, cached: building one allocates.
    frontier_cache: Option<(u32, AsicModel)>,
    hashprice: f64,
    pub(crate) tally: DayTally,
    /// Run start, unix seconds.
    start_unix: i64,
    /// Time of the latest update, days since the start.
    time_days: f64,
    /// Firms and the AI market (fleet runs with agents).
    agents: Option<Agents>,
    /// Network-level events not yet recorded, in runs without agents (with agents they join
    /// the agents' events, in time order).
    network_events: Vec<EventRecord>,
    /// Difficulty of the latest hashprice.
    difficulty: f64,
    /// Parameters of the security metrics.
    security: SecuritySpec,
    /// Reused buffers of the security metrics.
    security_scratch: security::Scratch,
}

mod agents_glue;

/// 2^32, the expected hashes per block at difficulty 1.
const TWO_POW_32: f64 = 4_294_967_296.0;

/// The hashrate that finds blocks every 600 s at `difficulty`, H/s: `D x 2^32 / 600`.
fn implied_hashrate_hs(difficulty: f64) -> f64 {
    difficulty * TWO_POW_32 / 600.0
}
mod build;
mod security;
mod shocks;

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

impl Economy {
    /// Fee model of the day containing `t` when fees replay a file.
    fn set_replay_fees(&mut self, t: i64) {
        if let Some((first, means, sd)) = &self.fee_replay {
            let i = (t.div_euclid(DAY_S) - first).clamp(0, means.len() as i64 - 1) as usize;
            self.fee_mean_btc = means[i];
            self.fee_outlook_btc = means[i];
            self.fees =
                FeeModel::lognormal(means[i], *sd).expect("validated when the scenario was loaded");
        }
    }

    fn conditions(&self, hysteresis: f64) -> Conditions<'_> {
        Conditions {
            time_days: self.time_days,
            hashprice: self.hashprice,
            region_price: &self.region_price,
            region_carbon_tax: &self.carbon_tax,
            region_carbon_intensity: &self.carbon_intensity,
            hysteresis,
        }
    }

    fn hashprice_at(&mut self, difficulty: f64, subsidy_sat: u64) -> f64 {
        self.difficulty = difficulty;
        self.subsidy_btc = subsidy_sat as f64 / COIN as f64;
        let reward = self.subsidy_btc + self.fee_mean_btc;
        hashprice_usd_per_th_day(difficulty, reward, self.price())
    }

    /// Current BTC price, USD.
    #[inline]
    pub fn price(&self) -> f64 {
        match &self.price {
            Price::Constant(p) => *p,
            Price::Process(p) => p.price(),
        }
    }

    /// Fees of the next block, satoshi (draws from the fee stream unless constant).
    #[inline]
    pub fn sample_fees(&mut self) -> u64 {
        self.fees.sample_sat(&mut self.fee_rng)
    }

    /// Running hashrate of the fleet, H/s (None without a fleet).
    pub fn fleet_hashrate_hs(&self) -> Option<f64> {
        self.fleet
            .as_ref()
            .map(|f| f.fleet.state().running_ths * 1e12)
    }

    fn operate(&mut self) {
        let Economy {
            fleet,
            hashprice,
            region_price,
            carbon_tax,
            carbon_intensity,
            time_days,
            agents,
            difficulty,
            ..
        } = self;
        if let Some(fs) = fleet.as_mut() {
            fs.passes += 1;
            let state = fs.fleet.operate(&Conditions {
                time_days: *time_days,
                hashprice: *hashprice,
                region_price,
                region_carbon_tax: carbon_tax,
                region_carbon_intensity: carbon_intensity,
                hysteresis: fs.hysteresis,
            });
            // The firms' outlook reads the idle supply only while less runs than difficulty
            // implies (difficulty and the running hashrate change only at these passes).
            let implied_hs = implied_hashrate_hs(*difficulty);
            let needed = state.idle_ths > 0.0 && state.running_ths * 1e12 < implied_hs;
            if needed && agents.is_some() {
                fs.fleet.idle_supply(fs.hysteresis, &mut fs.idle_supply);
            } else {
                fs.idle_supply.clear();
            }
        }
    }

    /// Re-decides which machines run at a new difficulty (retargets). Returns the new
    /// running hashrate, H/s, for fleet runs.
    pub fn on_retarget(&mut self, now_unix: i64, difficulty: f64, subsidy_sat: u64) -> Option<f64> {
        self.set_time(now_unix);
        self.hashprice = self.hashprice_at(difficulty, subsidy_sat);
        self.fleet.as_ref()?;
        self.operate();
        self.fleet_hashrate_hs()
    }

    /// Midnight `now_unix`: shocks, one day of price and energy, fleet decisions. Returns the
    /// new running hashrate, H/s, for fleet runs.
    pub fn new_day(&mut self, now_unix: i64, difficulty: f64, subsidy_sat: u64) -> Option<f64> {
        self.set_time(now_unix);
        if let Price::Process(p) = &mut self.price {
            p.step(&mut self.price_rng);
        }
        self.apply_shocks(now_unix);
        self.apply_price_feedback(now_unix);
        self.set_replay_fees(now_unix);
        self.step_fee_spikes(now_unix);
        let doy = day_of_year(now_unix);
        for (i, e) in self.energy.iter_mut().enumerate() {
            self.region_price[i] = e.step(doy, &mut self.energy_rngs[i]);
        }
        self.hashprice = self.hashprice_at(difficulty, subsidy_sat);
        self.progress_bans(now_unix);
        self.agents_new_day();
        self.operate();
        self.fleet_hashrate_hs()
    }

    /// One day of the fee-spike process: a spike starts (today's fees scaled by its
    /// multiplier), goes on or ends (the configured fees again), with an event at each change.
    fn step_fee_spikes(&mut self, now_unix: i64) {
        let Some(sp) = self.fee_spikes.as_mut() else {
            return;
        };
        let before = sp.current;
        sp.current = sp.model.step_day(before, &mut sp.rng);
        let (kind, m) = match (before, sp.current) {
            (None, Some(m)) => {
                self.fees = sp.base.scaled(m);
                (EventKind::FeeSpikeStarted, m)
            }
            (Some(m), None) => {
                self.fees = sp.base;
                (EventKind::FeeSpikeEnded, m)
            }
            _ => return,
        };
        self.fee_mean_btc = self.fees.mean_btc();
        self.network_event(now_unix, kind, "", m);
    }

    /// Observes the day that just ended (`length_s` seconds, `blocks` found, `hashrate_hs`
    /// running at its end) for the price feedback.
    pub fn observe_day(&mut self, length_s: f64, blocks: u64, hashrate_hs: f64) {
        if let Some((f, due)) = self.price_feedback.as_mut() {
            if let Some(t) = f.observe_day(length_s, blocks, hashrate_hs) {
                *due = Some(t);
            }
        }
    }

    /// The price drop due at this midnight, if any, with its event.
    fn apply_price_feedback(&mut self, now_unix: i64) {
        let Some((f, due)) = self.price_feedback.as_mut() else {
            return;
        };
        let Some(trigger) = due.take() else {
            return;
        };
        let factor = f.factor();
        self.scale_price(factor);
        self.network_event(now_unix, EventKind::PriceFeedback, trigger.name(), factor);
    }

    /// Multiplies the price by `factor` (validated: finite, > 0); a process continues from there.
    fn scale_price(&mut self, factor: f64) {
        match &mut self.price {
            Price::Constant(p) => *p *= factor,
            Price::Process(p) => p.apply_shock(factor).expect("validated factor"),
        }
    }

    /// Multiplier of the fee spike in force (1 outside spikes).
    fn fee_multiplier(&self) -> f64 {
        self.fee_spikes
            .as_ref()
            .and_then(|sp| sp.current)
            .unwrap_or(1.0)
    }

    /// Moves the economy's clock to `now_unix` (never backwards).
    fn set_time(&mut self, now_unix: i64) {
        let t = (now_unix - self.start_unix) as f64 / DAY_S as f64;
        self.time_days = self.time_days.max(t);
    }

    /// The frontier model at `year` (the best machine released by then: a catalog model, then
    /// the frontier's generations): its efficiency, launch price and price now. Allocates only
    /// when a new synthetic generation appears.
    fn frontier_values(&mut self, year: f64) -> Option<FrontierNow> {
        let f = &self.frontier;
        let model: &AsicModel = match f.generation_index_at(year) {
            Some(k) => {
                if self.frontier_cache.as_ref().is_none_or(|(g, _)| *g != k) {
                    self.frontier_cache = f.generation(k).map(|m| (k, m));
                }
                &self.frontier_cache.as_ref()?.1
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

    /// The record of the day that started at `day_unix` and ends at `now_unix`, with
    /// `hashrate_hs` and `difficulty` in force and `height` the next block; resets the tally.
    /// Region rows are pushed to `regions_out`. The engine fills in the block intervals and
    /// the difficulty rule.
    pub fn end_day(
        &mut self,
        (day_unix, now_unix): (i64, i64),
        hashrate_hs: f64,
        difficulty: f64,
        height: u64,
        regions_out: &mut Vec<RegionDayRecord>,
    ) -> DayRecord {
        let t = std::mem::take(&mut self.tally);
        let security = self.security_snapshot(hashrate_hs, now_unix, height);
        let mut rec = DayRecord {
            date_unix: day_unix,
            price_usd: self.price(),
            blocks: t.blocks,
            fees_btc: t.fees_sat as f64 / COIN as f64,
            fee_multiplier: self.fee_multiplier(),
            subsidy_btc: t.subsidy_sat as f64 / COIN as f64,
            miner_revenue_usd: t.revenue_usd,
            difficulty,
            hashprice_usd_per_ph_day: self.hashprice * 1000.0,
            hashrate_ehs: hashrate_hs / 1e18,
            implied_hashrate_ehs: implied_hashrate_hs(difficulty) / 1e18,
            intervals: None,
            fee_share: (t.blocks > 0)
                .then(|| t.fees_sat as f64 / (t.fees_sat + t.subsidy_sat).max(1) as f64),
            difficulty_rule: "",
            security,
            idle_ehs: None,
            offline_ehs: None,
            power_gw: None,
            fleet_efficiency_j_per_th: None,
            energy_twh_per_year: None,
            emissions_t_per_day: None,
            marginal_breakeven_usd_per_kwh: None,
            marginal_energy_usd_per_kwh: None,
            revenue_usd_per_mw_year: None,
            frontier_j_per_th: None,
            frontier_usd_per_th: None,
            new_machine_usd_per_th: None,
            agents: None,
        };
        if let Some(f) = self.frontier_values(year_fraction(now_unix)) {
            rec.frontier_j_per_th = Some(f.j_per_th);
            rec.frontier_usd_per_th = Some(f.launch_usd_per_th);
            if self.agents.is_some() {
                let outlook = self.hashprice_outlook();
                rec.new_machine_usd_per_th = Some(self.firms_frontier(Some(f), height, outlook).1);
            }
        }
        regions_out.clear();
        if let Some(fs) = &self.fleet {
            let s = fs.fleet.state();
            // tCO2 per day of region r: MW x 24 h x tCO2/MWh.
            let emissions = |r: usize| s.region_power_w[r] / 1e6 * 24.0 * self.carbon_intensity[r];
            rec.idle_ehs = Some(s.idle_ths / 1e6);
            rec.offline_ehs = Some(s.offline_ths / 1e6);
            rec.power_gw = Some(s.power_w / 1e9);
            if s.running_ths > 0.0 {
                rec.fleet_efficiency_j_per_th = Some(fs.fleet.running_efficiency_j_per_th());
            }
            rec.energy_twh_per_year = Some(s.power_w / 1e12 * 24.0 * DAYS_PER_YEAR);
            rec.emissions_t_per_day = Some((0..self.regions.len()).map(emissions).sum());
            rec.marginal_breakeven_usd_per_kwh = s.marginal.map(|m| m.breakeven_usd_per_kwh);
            rec.marginal_energy_usd_per_kwh = s.marginal.map(|m| m.site_usd_per_kwh);
            if s.power_w > 0.0 {
                // Fleet-average J/TH x PUE = W per TH/s.
                let w_per_ths = s.power_w / s.running_ths;
                rec.revenue_usd_per_mw_year =
                    Some(revenue_usd_per_mw_year(self.hashprice, w_per_ths, 1.0));
            }
            rec.agents = self.agent_day(day_unix, s.power_w, s.running_ths);
            for (r, region) in self.regions.iter().enumerate() {
                let power_gw = s.region_power_w[r] / 1e9;
                regions_out.push(RegionDayRecord {
                    date_unix: day_unix,
                    region: region.name(),
                    energy_usd_per_kwh: self.region_price[r],
                    carbon_tax_usd_per_t: self.carbon_tax[r],
                    hashrate_ehs: s.region_running_ths[r] / 1e6,
                    power_gw,
                    emissions_t_per_day: emissions(r),
                    energy_twh_per_year: power_gw * 24.0 * DAYS_PER_YEAR / 1000.0,
                });
            }
        }
        rec
    }
}
