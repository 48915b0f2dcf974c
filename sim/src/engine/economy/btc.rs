//! The BTC side of the economy: the price (constant, a stochastic process or a replay) with
//! the drops the price feedback triggers, and the fees per block (a model, a replayed daily
//! series, with fee spikes on top), each on its own random stream. It turns a difficulty and
//! a subsidy into the hashprice, and today's fees into the long-run fees firms plan with.

use hashshift_models::consensus::COIN;
use hashshift_models::market::{FeeModel, FeeSpikes, FeedbackTrigger, PriceFeedback, PriceProcess};
use hashshift_models::mining::economics::hashprice_usd_per_th_day;
use rand_chacha::ChaCha8Rng;

use crate::calendar::DAY_S;
use crate::engine::error::InvalidInput;
use crate::engine::outbox::Outbox;
use crate::engine::rng::{Component, RngStreams};
use crate::record::EventKind;
use crate::scenario::{EconomySpec, FeeSpec, PriceSpec};

#[derive(Debug, Clone)]
enum Price {
    Constant(f64),
    Process(PriceProcess),
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

/// The BTC price and the fees.
#[derive(Debug, Clone)]
pub(crate) struct BtcMarket {
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
}

impl BtcMarket {
    /// The price and fees of `spec` for a run starting at `start_unix`.
    pub fn new(
        spec: &EconomySpec,
        streams: &RngStreams,
        start_unix: i64,
    ) -> Result<Self, InvalidInput> {
        let price = match &spec.price {
            PriceSpec::Constant(p) => Price::Constant(*p),
            PriceSpec::Process { model, initial } => {
                Price::Process(PriceProcess::new(*model, *initial).map_err(InvalidInput::Market)?)
            }
            PriceSpec::Replay(r) => Price::Process(
                PriceProcess::replay(r.clone(), start_unix.div_euclid(DAY_S))
                    .map_err(InvalidInput::Market)?,
            ),
        };
        let mut btc = BtcMarket {
            price,
            price_rng: streams.stream(Component::Price, 0),
            fees: FeeModel::constant(0.0).expect("zero fees are valid"),
            fee_rng: streams.stream(Component::Fees, 0),
            fee_mean_btc: 0.0,
            fee_outlook_btc: 0.0,
            fee_spikes: None,
            subsidy_btc: 0.0,
            price_feedback: spec.price_feedback.clone().map(|f| (f, None)),
            fee_replay: None,
        };
        match &spec.fees {
            FeeSpec::Model(m) => {
                btc.fees = *m;
                btc.fee_mean_btc = m.mean_btc();
                btc.fee_outlook_btc = m.mean_btc();
                if let Some(model) = spec.fee_spikes {
                    // Spikes start from the first midnight; the outlook counts them from now.
                    btc.fee_outlook_btc = m.mean_btc() * model.long_run_factor();
                    btc.fee_spikes = Some(SpikeState {
                        model,
                        rng: streams.stream(Component::Fees, 1),
                        base: *m,
                        current: None,
                    });
                }
            }
            FeeSpec::Replay {
                first_day,
                mean_btc,
                log_sd,
            } => {
                btc.fee_replay = Some((*first_day, mean_btc.clone(), *log_sd));
                btc.set_replay_fees(start_unix);
            }
        }
        Ok(btc)
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

    /// Long-run expected fees per block that firms plan with, BTC.
    pub fn fee_outlook_btc(&self) -> f64 {
        self.fee_outlook_btc
    }

    /// The hashprice at `difficulty` with a subsidy of `subsidy_sat` per block (remembered for
    /// [`BtcMarket::at_outlook_fees`]), today's expected fees and the price, USD per TH/s per
    /// day.
    pub fn hashprice(&mut self, difficulty: f64, subsidy_sat: u64) -> f64 {
        self.subsidy_btc = subsidy_sat as f64 / COIN as f64;
        let reward = self.subsidy_btc + self.fee_mean_btc;
        hashprice_usd_per_th_day(difficulty, reward, self.price())
    }

    /// `hashprice` (at today's expected fees) at the long-run mean fees firms plan with: the
    /// same number without fee spikes, or when a block pays nothing today.
    pub fn at_outlook_fees(&self, hashprice: f64) -> f64 {
        let today = self.subsidy_btc + self.fee_mean_btc;
        if self.fee_spikes.is_none() || today <= 0.0 {
            return hashprice;
        }
        // The ratio first: exactly 1 when the outlook is today's fees (no spike can come).
        hashprice * ((self.subsidy_btc + self.fee_outlook_btc) / today)
    }

    /// One day of the price process (on its stream).
    pub fn step_price(&mut self) {
        if let Price::Process(p) = &mut self.price {
            p.step(&mut self.price_rng);
        }
    }

    /// Multiplies the price by `factor` (validated: finite, > 0); a process continues from there.
    pub fn scale_price(&mut self, factor: f64) {
        match &mut self.price {
            Price::Constant(p) => *p *= factor,
            Price::Process(p) => p.apply_shock(factor).expect("validated factor"),
        }
    }

    /// Fee model of the day containing `t` when fees replay a file.
    pub fn set_replay_fees(&mut self, t: i64) {
        if let Some((first, means, sd)) = &self.fee_replay {
            let i = (t.div_euclid(DAY_S) - first).clamp(0, means.len() as i64 - 1) as usize;
            self.fee_mean_btc = means[i];
            self.fee_outlook_btc = means[i];
            self.fees =
                FeeModel::lognormal(means[i], *sd).expect("validated when the scenario was loaded");
        }
    }

    /// One day of the fee-spike process: a spike starts (today's fees scaled by its
    /// multiplier), goes on or ends (the configured fees again), with an event at each change.
    pub fn step_fee_spikes(&mut self, now_unix: i64, out: &mut Outbox) {
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
        out.network_event(now_unix, kind, "", m);
    }

    /// Multiplier of the fee spike in force (1 outside spikes).
    pub fn fee_multiplier(&self) -> f64 {
        self.fee_spikes
            .as_ref()
            .and_then(|sp| sp.current)
            .unwrap_or(1.0)
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
    pub fn apply_price_feedback(&mut self, now_unix: i64, out: &mut Outbox) {
        let Some((f, due)) = self.price_feedback.as_mut() else {
            return;
        };
        let Some(trigger) = due.take() else {
            return;
        };
        let factor = f.factor();
        self.scale_price(factor);
        out.network_event(now_unix, EventKind::PriceFeedback, trigger.name(), factor);
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;
    use crate::engine::RunOptions;
    use crate::scenario::Scenario;

    /// The market of a default scenario with fees of 0.5 BTC per block and the given spikes.
    fn market(spikes: &str) -> BtcMarket {
        let text = format!("[fees]\nmodel = \"constant\"\nmean_btc = 0.5\n{spikes}");
        let sc = Scenario::from_toml(&text, Path::new("t.toml"), &[]).unwrap();
        BtcMarket::new(&sc.economy, &RngStreams::new(1), sc.start_unix).unwrap()
    }

    #[test]
    fn firms_plan_with_the_long_run_fees_through_a_spike() {
        let spikes = "[fees.spikes]\nrate_per_year = 10.0\nmean_days = 5.0\n\
                      multiplier_median = 3.0\nlog_sd = 0.0\n";
        let mut btc = market(spikes);
        // pi = 10 x 5 / 365.25 and M = 3 exactly: the long-run fee is 0.5 (1 + 2 pi).
        let pi = 50.0 / 365.25;
        assert!((btc.fee_outlook_btc - 0.5 * (1.0 + 2.0 * pi)).abs() < 1e-15);
        let quiet = btc.hashprice(1.0e14, 312_500_000);
        // The outlook is the hashprice at the long-run fees:
        // (3.125 + outlook fee) / (3.125 + 0.5).
        let ratio = (3.125 + btc.fee_outlook_btc) / 3.625;
        assert!((btc.at_outlook_fees(quiet) / quiet - ratio).abs() < 1e-12);
        // A spike of 3x: today's hashprice rises by (3.125 + 1.5) / 3.625, the firms' not.
        let sp = btc.fee_spikes.as_mut().unwrap();
        sp.current = Some(3.0);
        btc.fees = sp.base.scaled(3.0);
        btc.fee_mean_btc = btc.fees.mean_btc();
        assert_eq!(btc.fee_multiplier(), 3.0);
        let spiked = btc.hashprice(1.0e14, 312_500_000);
        assert!((spiked / quiet - 4.625 / 3.625).abs() < 1e-12);
        let outlook_ratio = btc.at_outlook_fees(spiked) / (quiet * ratio);
        assert!((outlook_ratio - 1.0).abs() < 1e-12);
        // Without spikes nothing is scaled.
        let mut plain = market("");
        let hp = plain.hashprice(1.0e14, 312_500_000);
        assert_eq!(plain.at_outlook_fees(hp), hp);
        assert_eq!(plain.fee_outlook_btc, 0.5);
    }

    #[test]
    fn spikes_start_and_end_with_events() {
        let spikes = "[fees.spikes]\nrate_per_year = 100.0\nmean_days = 2.0\n\
                      multiplier_median = 2.0\nlog_sd = 0.0\n";
        let mut btc = market(spikes);
        let mut out = Outbox::new(RunOptions::default());
        let mut changes = 0;
        for day in 0..50 {
            let before = btc.fee_multiplier();
            btc.step_fee_spikes(day, &mut out);
            if btc.fee_multiplier() != before {
                changes += 1;
            }
            assert!(btc.fee_multiplier() == 1.0 || btc.fee_multiplier() == 2.0);
        }
        assert!(changes > 0);
        assert_eq!(out.events_pending(), changes);
    }

    #[test]
    fn the_price_scales_and_steps() {
        let mut btc = market("");
        let p = btc.price();
        btc.scale_price(0.5);
        assert_eq!(btc.price(), 0.5 * p);
    }
}
