//! Stage two for the market sections: `[fees]` (with `[fees.spikes]`), `[price]` and
//! `[price.feedback]`.

use hashshift_models::market::{
    fee_spikes, feedback, fees as fee_defaults, price as price_defaults, FeeModel, FeeSpikes, Gbm,
    Merton, PriceFeedback, PriceModel, PriceReplay, RegimeSwitching,
};

use super::{market_err, FeeSpec, PriceSpec};
use crate::calendar::{self, DAY_S};
use crate::scenario::raw::{FeeModelKind, PriceModelKind, RawPrice, RawScenario};
use crate::scenario::{csv, defaults, file_spelling, Ctx, ScenarioError};

pub(super) fn validate_fees(
    cx: &Ctx<'_>,
    raw: &mut RawScenario,
    start_unix: i64,
    end_unix: i64,
) -> Result<FeeSpec, ScenarioError> {
    let f = &mut raw.fees;
    let kind = *f.model.get_or_insert(FeeModelKind::Constant);
    let rename = [("mean_btc", "mean_btc"), ("sigma", "log_sd")];
    if kind != FeeModelKind::Csv {
        for (key, set) in [
            ("csv", f.csv.is_some()),
            ("column", f.column.is_some()),
            ("date_column", f.date_column.is_some()),
        ] {
            if set {
                return Err(cx.invalid(
                    format!("fees.{key}"),
                    "…",
                    "only used with fees.model = \"csv\"; remove it",
                ));
            }
        }
    }
    let model = match kind {
        FeeModelKind::Constant => {
            if let Some(sd) = f.log_sd {
                return Err(cx.invalid(
                    "fees.log_sd",
                    sd,
                    "not used with fees.model = \"constant\"; remove it",
                ));
            }
            let mean = *f.mean_btc.get_or_insert(fee_defaults::DEFAULT_MEAN_BTC);
            FeeModel::constant(mean)
        }
        FeeModelKind::Lognormal => {
            let mean = *f.mean_btc.get_or_insert(fee_defaults::DEFAULT_MEAN_BTC);
            FeeModel::lognormal(mean, *f.log_sd.get_or_insert(fee_defaults::DEFAULT_LOG_SD))
        }
        FeeModelKind::Csv => {
            if let Some(m) = f.mean_btc {
                return Err(cx.invalid(
                    "fees.mean_btc",
                    m,
                    "not used with fees.model = \"csv\" (the file gives the means); remove it",
                ));
            }
            let log_sd = *f.log_sd.get_or_insert(0.0);
            // Checks log_sd's range.
            FeeModel::lognormal(0.0, log_sd).map_err(|e| market_err(cx, "fees", e, &rename))?;
            let data =
                cx.required_data_file("fees.csv", f.csv.as_deref(), "fees.model = \"csv\"")?;
            let data_err = |message: String| data.err(message);
            let text = &data.text;
            let column: Option<[&str; 1]> = f.column.as_deref().map(|c| [c]);
            let any = csv::Allowed::NON_NEGATIVE;
            let wanted: Vec<(&[&str], &str, csv::Allowed)> = match &column {
                Some(c) => vec![(c.as_slice(), "fee per block", any)],
                None => vec![
                    (&["FeeTotNtv"], "total fees", any),
                    (&["BlkCnt"], "block count", any),
                ],
            };
            let (names, rows) = csv::parse_daily_columns(text, f.date_column.as_deref(), &wanted)
                .map_err(data_err)?;
            let (first_day, last_day) = (
                start_unix.div_euclid(DAY_S),
                (end_unix - 1).div_euclid(DAY_S),
            );
            let mut mean_btc = Vec::with_capacity((last_day - first_day + 1) as usize);
            for r in rows
                .iter()
                .filter(|r| (first_day..=last_day).contains(&(r.day / DAY_S)))
            {
                let expected = first_day + mean_btc.len() as i64;
                if r.day / DAY_S != expected {
                    return Err(data_err(format!(
                        "no row for {} (the run needs every day)",
                        calendar::format_date(expected * DAY_S)
                    )));
                }
                let empty = |k: usize| {
                    data_err(format!(
                        "line {}: empty `{}` on {} (the run needs a value every day)",
                        r.line,
                        names[k],
                        calendar::format_date(r.day)
                    ))
                };
                let v = match (r.values.first(), r.values.get(1)) {
                    (Some(Some(v)), None) => *v,
                    (Some(Some(total)), Some(Some(blocks))) if *blocks > 0.0 => total / blocks,
                    (Some(Some(_)), Some(Some(_))) => {
                        return Err(data_err(format!(
                            "line {}: `{}` = 0 blocks",
                            r.line, names[1]
                        )))
                    }
                    (Some(None), _) => return Err(empty(0)),
                    _ => return Err(empty(1)),
                };
                if v > 100.0 {
                    return Err(data_err(format!(
                        "line {}: {v} BTC per block is not allowed (at most 100)",
                        r.line
                    )));
                }
                mean_btc.push(v);
            }
            if mean_btc.len() as i64 != last_day - first_day + 1 {
                return Err(data_err(format!(
                    "it has no row for {} (the run needs {} to {})",
                    calendar::format_date((first_day + mean_btc.len() as i64) * DAY_S),
                    calendar::format_date(first_day * DAY_S),
                    calendar::format_date(last_day * DAY_S)
                )));
            }
            return Ok(FeeSpec::Replay {
                first_day,
                mean_btc,
                log_sd,
            });
        }
    }
    .map_err(|e| market_err(cx, "fees", e, &rename))?;
    Ok(FeeSpec::Model(model))
}

pub(super) fn validate_fee_spikes(
    cx: &Ctx<'_>,
    raw: &mut RawScenario,
) -> Result<Option<FeeSpikes>, ScenarioError> {
    let Some(sp) = raw.fees.spikes.as_mut() else {
        return Ok(None);
    };
    if raw.fees.model == Some(FeeModelKind::Csv) {
        return Err(cx.invalid(
            "fees.spikes",
            "…",
            "not used with fees.model = \"csv\" (the file has its own spikes); remove it",
        ));
    }
    FeeSpikes::new(
        *sp.rate_per_year
            .get_or_insert(fee_spikes::DEFAULT_RATE_PER_YEAR),
        *sp.mean_days.get_or_insert(fee_spikes::DEFAULT_MEAN_DAYS),
        *sp.multiplier_median
            .get_or_insert(fee_spikes::DEFAULT_MULTIPLIER_MEDIAN),
        *sp.log_sd.get_or_insert(fee_spikes::DEFAULT_LOG_SD),
    )
    .map(Some)
    .map_err(|e| market_err(cx, "fees.spikes", e, &[]))
}

pub(super) fn validate_price_feedback(
    cx: &Ctx<'_>,
    raw: &mut RawScenario,
) -> Result<Option<PriceFeedback>, ScenarioError> {
    let Some(fb) = raw.price.feedback.as_mut() else {
        return Ok(None);
    };
    if fb.slow_blocks_s.is_none() && fb.drawdown.is_none() {
        return Err(cx.invalid(
            "price.feedback",
            "no trigger",
            "give slow_blocks_s (s), drawdown (share) or both",
        ));
    }
    PriceFeedback::new(
        fb.slow_blocks_s,
        fb.drawdown,
        *fb.window_days.get_or_insert(feedback::DEFAULT_WINDOW_DAYS),
        *fb.drop.get_or_insert(feedback::DEFAULT_DROP),
        *fb.cooldown_days
            .get_or_insert(feedback::DEFAULT_COOLDOWN_DAYS),
    )
    .map(Some)
    .map_err(|e| market_err(cx, "price.feedback", e, &[]))
}

/// Refuses the parameters of price models other than `kind` (a sweep over a key the model does
/// not use would give identical runs).
fn refuse_other_models_keys(
    cx: &Ctx<'_>,
    p: &RawPrice,
    kind: PriceModelKind,
) -> Result<(), ScenarioError> {
    use PriceModelKind::{Gbm, Merton, Regime};
    let keys: [(&str, Option<f64>, &[PriceModelKind]); 11] = [
        ("mu", p.mu, &[Gbm, Merton]),
        ("sigma", p.sigma, &[Gbm, Merton]),
        ("jumps_per_year", p.jumps_per_year, &[Merton]),
        ("jump_mean", p.jump_mean, &[Merton]),
        ("jump_sd", p.jump_sd, &[Merton]),
        ("bull_mu", p.bull_mu, &[Regime]),
        ("bull_sigma", p.bull_sigma, &[Regime]),
        ("bear_mu", p.bear_mu, &[Regime]),
        ("bear_sigma", p.bear_sigma, &[Regime]),
        ("p_bull_to_bear", p.p_bull_to_bear, &[Regime]),
        ("p_bear_to_bull", p.p_bear_to_bull, &[Regime]),
    ];
    for (key, value, used_by) in keys {
        if let (Some(v), false) = (value, used_by.contains(&kind)) {
            let model = file_spelling(&kind);
            let models: Vec<String> = used_by.iter().map(file_spelling).collect();
            return Err(cx.invalid(
                format!("price.{key}"),
                v,
                format!(
                    "not used with price.model = {model} (only with {}); remove it",
                    models.join(" or ")
                ),
            ));
        }
    }
    Ok(())
}

pub(super) fn validate_price(
    cx: &Ctx<'_>,
    raw: &mut RawScenario,
    start_unix: i64,
    end_unix: i64,
) -> Result<PriceSpec, ScenarioError> {
    let p = &mut raw.price;
    let kind = *p.model.get_or_insert(PriceModelKind::Constant);
    let rename = [
        ("lambda", "jumps_per_year"),
        ("initial_price", "initial_usd"),
    ];
    let err = |e| market_err(cx, "price", e, &rename);
    refuse_other_models_keys(cx, p, kind)?;
    if kind == PriceModelKind::Csv {
        if let Some(v) = p.initial_usd {
            return Err(cx.invalid(
                "price.initial_usd",
                v,
                "not used with price.model = \"csv\" (the file gives the prices); remove it",
            ));
        }
        let data = cx.required_data_file("price.csv", p.csv.as_deref(), "price.model = \"csv\"")?;
        let data_err = |message: String| data.err(message);
        let text = &data.text;
        let column = p.column.get_or_insert_with(|| "PriceUSD".into()).clone();
        let series = csv::parse_daily_series(
            text,
            p.date_column.as_deref(),
            &[column.as_str()],
            "price",
            csv::Allowed {
                zero: false,
                max: defaults::MAX_BTC_PRICE_USD,
            },
        )
        .map_err(data_err)?;
        let points: Vec<(i64, f64)> = series
            .iter()
            .map(|&(t, v)| (t.div_euclid(DAY_S), v))
            .collect();
        let replay = PriceReplay::new(&points).map_err(|e| data_err(e.to_string()))?;
        let (first, last) = (replay.first_day() * DAY_S, (replay.last_day() + 1) * DAY_S);
        if start_unix < first || end_unix > last {
            return Err(data_err(format!(
                "it covers {} to {} but the run goes from {} to {}",
                calendar::format_utc(first),
                calendar::format_utc(last),
                calendar::format_utc(start_unix),
                calendar::format_utc(end_unix)
            )));
        }
        return Ok(PriceSpec::Replay(replay));
    }
    for (key, set) in [
        ("csv", p.csv.is_some()),
        ("column", p.column.is_some()),
        ("date_column", p.date_column.is_some()),
    ] {
        if set {
            return Err(cx.invalid(
                format!("price.{key}"),
                "…",
                "only used with price.model = \"csv\"; remove it",
            ));
        }
    }
    let initial = *p.initial_usd.get_or_insert(defaults::BTC_PRICE_USD);
    if !(initial.is_finite() && initial > 0.0 && initial <= defaults::MAX_BTC_PRICE_USD) {
        // Huge values in scientific notation (1e308 printed in full is 309 digits).
        let shown = if initial.abs() >= 1e15 {
            format!("{initial:e}")
        } else {
            initial.to_string()
        };
        return Err(cx.invalid(
            "price.initial_usd",
            shown,
            format!(
                "must be a finite price > 0 and at most {:e} USD",
                defaults::MAX_BTC_PRICE_USD
            ),
        ));
    }
    let model = match kind {
        PriceModelKind::Constant => return Ok(PriceSpec::Constant(initial)),
        PriceModelKind::Gbm => PriceModel::Gbm(
            Gbm::new(
                *p.mu.get_or_insert(price_defaults::DEFAULT_MU),
                *p.sigma.get_or_insert(price_defaults::DEFAULT_SIGMA),
            )
            .map_err(err)?,
        ),
        PriceModelKind::Merton => PriceModel::Merton(
            Merton::new(
                *p.mu.get_or_insert(price_defaults::DEFAULT_MU),
                *p.sigma.get_or_insert(price_defaults::DEFAULT_MERTON_SIGMA),
                *p.jumps_per_year
                    .get_or_insert(price_defaults::DEFAULT_MERTON_LAMBDA),
                *p.jump_mean
                    .get_or_insert(price_defaults::DEFAULT_MERTON_JUMP_MEAN),
                *p.jump_sd
                    .get_or_insert(price_defaults::DEFAULT_MERTON_JUMP_SD),
            )
            .map_err(err)?,
        ),
        PriceModelKind::Regime => {
            let leg = |mu: f64, sigma: f64, keys: [(&str, &str); 2]| {
                Gbm::new(mu, sigma).map_err(|e| market_err(cx, "price", e, &keys))
            };
            let bull = leg(
                *p.bull_mu.get_or_insert(price_defaults::DEFAULT_BULL_MU),
                *p.bull_sigma
                    .get_or_insert(price_defaults::DEFAULT_BULL_SIGMA),
                [("mu", "bull_mu"), ("sigma", "bull_sigma")],
            )?;
            let bear = leg(
                *p.bear_mu.get_or_insert(price_defaults::DEFAULT_BEAR_MU),
                *p.bear_sigma
                    .get_or_insert(price_defaults::DEFAULT_BEAR_SIGMA),
                [("mu", "bear_mu"), ("sigma", "bear_sigma")],
            )?;
            PriceModel::RegimeSwitching(
                RegimeSwitching::new(
                    bull,
                    bear,
                    *p.p_bull_to_bear
                        .get_or_insert(price_defaults::DEFAULT_P_BULL_TO_BEAR),
                    *p.p_bear_to_bull
                        .get_or_insert(price_defaults::DEFAULT_P_BEAR_TO_BULL),
                )
                .map_err(err)?,
            )
        }
        PriceModelKind::Csv => unreachable!("handled above"),
    };
    Ok(PriceSpec::Process { model, initial })
}
