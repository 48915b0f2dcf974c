//! Stage one for `[price]` (with `[price.feedback]`) and `[fees]` (with `[fees.spikes]`): each
//! key once, with its doc, default, allowed range and unit. The defaults are the calibrated
//! values of `hashshift_models::market`, each with its source there.

use hashshift_models::market::{fee_spikes, feedback, fees, price};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::defaults as d;
use super::keys::{
    ge, gt, integer, le, lt, number, number_opt, section, table, text, text_derived, text_opt,
    text_value,
};

section! {
    /// The BTC price process.
    #[derive(Default)]
    pub struct RawPrice ("price.", PriceKeys) {
        /// `constant`, `gbm`, `merton`, `regime` or `csv`.
        model: Option<PriceModelKind> = text("constant"),
        /// Price at the start. Not used by `csv`.
        initial_usd: Option<f64> = number(d::BTC_PRICE_USD)
            .range(gt(0.0), le(d::MAX_BTC_PRICE_USD))
            .unit("USD/BTC")
            .note("2026-05-23 close"),
        /// gbm, merton: annual drift of the price (expected log growth + sigma^2/2).
        mu: Option<f64> = number(price::DEFAULT_MU).range(ge(-5.0), le(5.0)).unit("per year"),
        /// gbm, merton: annual volatility.
        sigma: Option<f64> = number(price::DEFAULT_SIGMA)
            .range(ge(0.0), le(5.0))
            .unit("per year")
            .note("2016-2026 daily log-returns; 0.49, the diffusion part, with model = \"merton\""),
        /// merton: jumps per year.
        jumps_per_year: Option<f64> = number(price::DEFAULT_MERTON_LAMBDA)
            .range(ge(0.0), le(365.0))
            .unit("jumps per year"),
        /// merton: mean log jump size.
        jump_mean: Option<f64> = number(price::DEFAULT_MERTON_JUMP_MEAN)
            .range(ge(-2.0), le(2.0))
            .unit("(log)"),
        /// merton: sd of the log jump size.
        jump_sd: Option<f64> = number(price::DEFAULT_MERTON_JUMP_SD)
            .range(ge(0.0), le(2.0))
            .unit("(log)"),
        /// regime: bull-regime annual drift.
        bull_mu: Option<f64> = number(price::DEFAULT_BULL_MU)
            .range(ge(-5.0), le(5.0))
            .unit("per year"),
        /// regime: bull-regime annual volatility.
        bull_sigma: Option<f64> = number(price::DEFAULT_BULL_SIGMA)
            .range(ge(0.0), le(5.0))
            .unit("per year"),
        /// regime: bear-regime annual drift.
        bear_mu: Option<f64> = number(price::DEFAULT_BEAR_MU)
            .range(ge(-5.0), le(5.0))
            .unit("per year"),
        /// regime: bear-regime annual volatility.
        bear_sigma: Option<f64> = number(price::DEFAULT_BEAR_SIGMA)
            .range(ge(0.0), le(5.0))
            .unit("per year"),
        /// regime: daily probability of leaving a bull market.
        p_bull_to_bear: Option<f64> = number(price::DEFAULT_P_BULL_TO_BEAR)
            .range(gt(0.0), le(1.0))
            .unit("per day")
            .note("1/(3 x 365.25)"),
        /// regime: daily probability of leaving a bear market.
        p_bear_to_bull: Option<f64> = number(price::DEFAULT_P_BEAR_TO_BULL)
            .range(gt(0.0), le(1.0))
            .unit("per day")
            .note("1/365.25"),
        /// csv: path of a daily price file, relative to the scenario file (Coin Metrics
        /// `time,PriceUSD` or shared/reference/btc_daily.csv); must cover the run without gaps.
        csv: Option<String> = text_opt(),
        /// csv: the price column.
        column: Option<String> = text("PriceUSD"),
        /// csv: the date column.
        date_column: Option<String> = text_derived("`date` or `time`, whichever exists"),
        /// Feedback from security events to the price, for stress studies
        /// (`hashshift_models::market::feedback`). Off unless the table is given; any model.
        feedback: Option<RawPriceFeedback> = table(FeedbackKeys::LIST),
    }
}

section! {
    /// Price drops triggered by slow blocks or a hashrate drawdown. Give at least one trigger.
    #[derive(Default)]
    pub struct RawPriceFeedback ("price.feedback.", FeedbackKeys) {
        /// Trigger: a day's mean block interval above this.
        slow_blocks_s: Option<f64> = number_opt().range(gt(600.0), le(86_400.0)).unit("s"),
        /// Trigger: the running hashrate this share below its high over `window_days`.
        drawdown: Option<f64> = number_opt().range(gt(0.0), lt(1.0)).unit("(share)"),
        /// Days of the drawdown's trailing high.
        window_days: Option<u32> = integer(feedback::DEFAULT_WINDOW_DAYS as u64)
            .range(ge(1.0), le(3650.0))
            .unit("days"),
        /// Each drop multiplies the price by `1 - drop`.
        drop: Option<f64> = number(feedback::DEFAULT_DROP).range(gt(0.0), le(0.9)),
        /// Days at least between two drops.
        cooldown_days: Option<u32> = integer(feedback::DEFAULT_COOLDOWN_DAYS as u64)
            .range(ge(1.0), le(3650.0))
            .unit("days"),
    }
}

/// Price models.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum PriceModelKind {
    /// Constant `initial_usd`.
    #[default]
    Constant,
    /// Geometric Brownian motion.
    Gbm,
    /// Merton jump-diffusion.
    Merton,
    /// Two-state (bull/bear) regime switching.
    Regime,
    /// Replay of a daily CSV.
    Csv,
}

section! {
    /// Fees per block.
    #[derive(Default)]
    pub struct RawFees ("fees.", FeesKeys) {
        /// `constant`, `lognormal` (each block draws its fees) or `csv` (the day's mean fee per
        /// block from a file; blocks draw lognormally around it when `log_sd` is given).
        model: Option<FeeModelKind> = text("constant"),
        /// constant, lognormal: mean fees per block.
        mean_btc: Option<f64> = number(fees::DEFAULT_MEAN_BTC)
            .range(ge(0.0), le(100.0))
            .unit("BTC per block"),
        /// lognormal, csv: log-sd of a block's fees around the mean.
        log_sd: Option<f64> = number(fees::DEFAULT_LOG_SD)
            .range(ge(0.0), le(3.0))
            .unit("(log)")
            .note("0 with model = \"csv\": every block pays the day's mean"),
        /// csv: path of a daily file, relative to the scenario file; it must have a value on
        /// every day of the run.
        csv: Option<String> = text_opt(),
        /// csv: a column of mean fees per block, BTC.
        column: Option<String> = text_derived(
            "`FeeTotNtv` / `BlkCnt` (total fees and block count per day, as in Coin Metrics and \
             shared/reference/btc_daily.csv)"
        ),
        /// csv: the date column.
        date_column: Option<String> = text_derived("`date` or `time`, whichever exists"),
        /// Fee spikes: episodes of congestion that multiply the fees for days at a time
        /// (`hashshift_models::market::fee_spikes`). Off unless the table is given; not with
        /// `model = "csv"` (the file has its own spikes). `mean_btc` is then the mean outside
        /// episodes.
        spikes: Option<RawFeeSpikes> = table(SpikesKeys::LIST),
    }
}

section! {
    /// Fee-spike episodes; each key defaults to its calibrated value (2016-2025 daily fees).
    #[derive(Default)]
    pub struct RawFeeSpikes ("fees.spikes.", SpikesKeys) {
        /// Episodes per year.
        rate_per_year: Option<f64> = number(fee_spikes::DEFAULT_RATE_PER_YEAR)
            .range(ge(0.0), le(365.0))
            .unit("per year"),
        /// Mean length of an episode.
        mean_days: Option<f64> = number(fee_spikes::DEFAULT_MEAN_DAYS)
            .range(ge(1.0), le(365.0))
            .unit("days"),
        /// Median multiplier of the fees during an episode.
        multiplier_median: Option<f64> = number(fee_spikes::DEFAULT_MULTIPLIER_MEDIAN)
            .range(ge(1.0), le(1000.0)),
        /// Log-sd of the multiplier's excess over 1.
        log_sd: Option<f64> = number(fee_spikes::DEFAULT_LOG_SD)
            .range(ge(0.0), le(3.0))
            .unit("(log)"),
    }
}

/// Fee models.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum FeeModelKind {
    /// Every block pays `mean_btc`.
    #[default]
    Constant,
    /// Lognormal per block with mean `mean_btc`.
    Lognormal,
    /// The day's mean fee per block from a CSV.
    Csv,
}

text_value!(PriceModelKind, FeeModelKind);
