//! Feedback from security events to the BTC price, for stress studies: the price
//! falls when the network looks weak, which can make more miners leave (a "death spiral").
//!
//! At the end of each simulated day the day is observed; a drop is due when either trigger
//! fires and no drop happened in the last `cooldown_days` days:
//!
//! - **slow blocks**: the day's mean block interval, its length over its blocks, is above
//!   `slow_blocks_s` (a day without blocks counts as infinitely slow); only full days count
//!   (a run's first day may be a short one, with too few blocks expected to judge);
//! - **hashrate drawdown**: the running hashrate at the end of the day is more than a share
//!   `drawdown` below its highest end-of-day value over the last `window_days` days (today
//!   included).
//!
//! A due drop multiplies the price by `1 - drop` at the next midnight, once; the price process
//! then continues from the lower level (as a scheduled price shock does). Nothing is random.
//!
//! There are no calibrated defaults: how markets would price a security scare is the study's
//! assumption. For scale: after the 2021-05 China ban announcement, hashrate fell about 50 %
//! over two months and daily mean block intervals reached 1,490 s (2021-06-27, 58 blocks), while BTC traded
//! roughly flat to -20 % over the same months (shared/reference/btc_daily.csv), so a drop of
//! 0.1-0.2 with a 30-day cooldown is a severe stress, not a forecast.

use super::error::Bounds::{Closed, OpenClosed};
use super::error::{check_in, check_unit_open, MarketParamError};

/// Suggested days of the drawdown's trailing high (a quarter; ASSUMPTION).
pub const DEFAULT_WINDOW_DAYS: u32 = 90;
/// Suggested drop per trigger (ASSUMPTION, see the module doc for scale).
pub const DEFAULT_DROP: f64 = 0.1;
/// Suggested days between drops (a month; ASSUMPTION).
pub const DEFAULT_COOLDOWN_DAYS: u32 = 30;

/// Price feedback: the triggers, the drop and the state of the trailing window (validated).
#[derive(Debug, Clone, PartialEq)]
pub struct PriceFeedback {
    slow_blocks_s: Option<f64>,
    drawdown: Option<f64>,
    window_days: usize,
    drop: f64,
    cooldown_days: u32,
    /// End-of-day hashrates of the last `window_days` days, a ring (H/s).
    window: Vec<f64>,
    /// Next slot of the ring.
    next: usize,
    /// Days since the last drop (`u32::MAX`: none yet).
    since_drop: u32,
}

/// Length of a full day, s.
const FULL_DAY_S: f64 = 86_400.0;

/// Why a drop is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackTrigger {
    /// The day's mean block interval was above the threshold.
    SlowBlocks,
    /// The hashrate fell more than the drawdown below its trailing high.
    HashrateDrawdown,
}

impl FeedbackTrigger {
    /// A snake_case label.
    pub fn name(self) -> &'static str {
        match self {
            FeedbackTrigger::SlowBlocks => "slow_blocks",
            FeedbackTrigger::HashrateDrawdown => "hashrate_drawdown",
        }
    }
}

impl PriceFeedback {
    /// Feedback with triggers `slow_blocks_s` in (600, 86,400] seconds and `drawdown` in
    /// (0, 1) over `window_days` in [1, 3,650] (at least one trigger), price factor `1 - drop`
    /// with `drop` in (0, 0.9], and at least `cooldown_days` in [1, 3,650] between drops.
    pub fn new(
        slow_blocks_s: Option<f64>,
        drawdown: Option<f64>,
        window_days: u32,
        drop: f64,
        cooldown_days: u32,
    ) -> Result<Self, MarketParamError> {
        if slow_blocks_s.is_none() && drawdown.is_none() {
            return Err(MarketParamError::OutOfRange {
                param: "slow_blocks_s",
                value: f64::NAN,
                allowed: "a trigger: give slow_blocks_s, drawdown or both",
            });
        }
        let slow_blocks_s = slow_blocks_s
            .map(|s| {
                check_in(
                    "slow_blocks_s",
                    s,
                    OpenClosed(600.0, 86_400.0),
                    "(600, 86400] s",
                )
            })
            .transpose()?;
        let drawdown = drawdown
            .map(|d| check_unit_open("drawdown", d))
            .transpose()?;
        let window_days = check_in(
            "window_days",
            f64::from(window_days),
            Closed(1.0, 3650.0),
            "[1, 3650] days",
        )? as usize;
        let drop = check_in("drop", drop, OpenClosed(0.0, 0.9), "(0, 0.9]")?;
        let cooldown_days = check_in(
            "cooldown_days",
            f64::from(cooldown_days),
            Closed(1.0, 3650.0),
            "[1, 3650] days",
        )? as u32;
        Ok(Self {
            slow_blocks_s,
            drawdown,
            window_days,
            drop,
            cooldown_days,
            window: Vec::with_capacity(window_days),
            next: 0,
            since_drop: u32::MAX,
        })
    }

    /// The price factor of a drop, `1 - drop`.
    pub fn factor(&self) -> f64 {
        1.0 - self.drop
    }

    /// Observes a day of `length_s` seconds (> 0) with `blocks` blocks that ends with
    /// `hashrate_hs` running; returns the trigger when a drop is due at the next midnight.
    pub fn observe_day(
        &mut self,
        length_s: f64,
        blocks: u64,
        hashrate_hs: f64,
    ) -> Option<FeedbackTrigger> {
        if self.window.len() < self.window_days {
            self.window.push(hashrate_hs);
        } else {
            self.window[self.next] = hashrate_hs;
        }
        self.next = (self.next + 1) % self.window_days;
        self.since_drop = self.since_drop.saturating_add(1);
        if self.since_drop < self.cooldown_days {
            return None;
        }
        let slow = length_s >= FULL_DAY_S
            && self
                .slow_blocks_s
                .is_some_and(|s| (blocks as f64) * s < length_s);
        let trigger = if slow {
            Some(FeedbackTrigger::SlowBlocks)
        } else {
            self.drawdown.and_then(|d| {
                let high = self.window.iter().copied().fold(0.0, f64::max);
                (hashrate_hs < (1.0 - d) * high).then_some(FeedbackTrigger::HashrateDrawdown)
            })
        };
        if trigger.is_some() {
            self.since_drop = 0;
        }
        trigger
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY: f64 = 86_400.0;

    #[test]
    fn parameters_outside_their_ranges_are_named() {
        let name = |r: Result<PriceFeedback, MarketParamError>| match r {
            Err(MarketParamError::OutOfRange { param, .. }) => param,
            other => panic!("expected OutOfRange, got {other:?}"),
        };
        assert_eq!(
            name(PriceFeedback::new(None, None, 90, 0.1, 30)),
            "slow_blocks_s"
        );
        assert_eq!(
            name(PriceFeedback::new(Some(600.0), None, 90, 0.1, 30)),
            "slow_blocks_s"
        );
        assert_eq!(
            name(PriceFeedback::new(None, Some(1.0), 90, 0.1, 30)),
            "drawdown"
        );
        assert_eq!(
            name(PriceFeedback::new(None, Some(f64::NAN), 90, 0.1, 30)),
            "drawdown"
        );
        assert_eq!(
            name(PriceFeedback::new(None, Some(0.3), 0, 0.1, 30)),
            "window_days"
        );
        assert_eq!(
            name(PriceFeedback::new(None, Some(0.3), 90, 0.0, 30)),
            "drop"
        );
        assert_eq!(
            name(PriceFeedback::new(None, Some(0.3), 90, 0.95, 30)),
            "drop"
        );
        assert_eq!(
            name(PriceFeedback::new(None, Some(0.3), 90, 0.1, 0)),
            "cooldown_days"
        );
        assert!(PriceFeedback::new(Some(900.0), Some(0.3), 90, 0.9, 1).is_ok());
    }

    #[test]
    fn slow_days_trigger_once_per_cooldown() {
        let mut f = PriceFeedback::new(Some(900.0), None, 90, 0.2, 3).unwrap();
        assert_eq!(f.factor(), 0.8);
        // 96 blocks in a day is exactly 900 s: not above the threshold; 95 is.
        assert_eq!(f.observe_day(DAY, 96, 1e20), None);
        assert_eq!(
            f.observe_day(DAY, 95, 1e20),
            Some(FeedbackTrigger::SlowBlocks)
        );
        // Slow for four more days: the cooldown of 3 days lets the third one through.
        assert_eq!(f.observe_day(DAY, 0, 1e20), None);
        assert_eq!(f.observe_day(DAY, 0, 1e20), None);
        assert_eq!(
            f.observe_day(DAY, 10, 1e20),
            Some(FeedbackTrigger::SlowBlocks)
        );
        assert_eq!(f.observe_day(DAY, 144, 1e20), None);
        // A partial day (a run's first) does not count, even without blocks.
        for _ in 0..3 {
            f.observe_day(DAY, 144, 1e20);
        }
        assert_eq!(f.observe_day(DAY / 4.0, 0, 1e20), None);
        assert_eq!(
            f.observe_day(DAY, 95, 1e20),
            Some(FeedbackTrigger::SlowBlocks)
        );
    }

    #[test]
    fn a_drawdown_is_measured_from_the_trailing_high() {
        let mut f = PriceFeedback::new(None, Some(0.3), 5, 0.1, 1).unwrap();
        // High of 100, then a fall to 71 (29 % down): not yet; 69 is 31 % down.
        assert_eq!(f.observe_day(DAY, 144, 100.0), None);
        assert_eq!(f.observe_day(DAY, 144, 71.0), None);
        assert_eq!(
            f.observe_day(DAY, 144, 69.0),
            Some(FeedbackTrigger::HashrateDrawdown)
        );
        // The cooldown of one day: the next day may trigger again.
        assert_eq!(
            f.observe_day(DAY, 144, 69.0),
            Some(FeedbackTrigger::HashrateDrawdown)
        );
        assert_eq!(
            f.observe_day(DAY, 144, 69.0),
            Some(FeedbackTrigger::HashrateDrawdown)
        );
        // On the sixth day the high of 100 has left the five-day window (71 is the high).
        assert_eq!(f.observe_day(DAY, 144, 69.0), None);
        assert_eq!(f.observe_day(DAY, 144, 60.0), None);
        assert_eq!(
            f.observe_day(DAY, 144, 48.0),
            Some(FeedbackTrigger::HashrateDrawdown)
        );
    }
}
