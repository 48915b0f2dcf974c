//! Stage two for the market sections: `[fees]` (with `[fees.spikes]`), `[price]` and
//! `[price.feedback]`.

use hashshift_models::market::{
    price, FeeModel, FeeSpikes, Gbm, Merton, PriceFeedback, PriceModel, PriceReplay,
    RegimeSwitching,
};

use super::{market_err, FeeSpec, PriceSpec};
use crate::calendar::{self, DAY_S};
use crate::scenario::raw::{FeeModelKind, PriceModelKind, RawFees, RawPrice};
use crate::scenario::raw_market::{FeedbackKeys, FeesKeys, PriceKeys, SpikesKeys};
use crate::scenario::{csv, defaults, file_spelling, Ctx, ScenarioError};

/// Resolves `[fees]` (without its spikes) over `[start_unix, end_unix)`.
pub(super) fn resolve_fees(
    cx: &Ctx<'_>,
    f: &mut RawFees,
    start_unix: i64,
    end_unix: i64,
) -> Result<FeeSpec, ScenarioError> {
    let k = FeesKeys::DEFS;
    let kind = cx.value(&k.model, &mut f.model)?;
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
            FeeModel::constant(cx.value(&k.mean_btc, &mut f.mean_btc)?)
        }
        FeeModelKind::Lognormal => FeeModel::lognormal(
            cx.value(&k.mean_btc, &mut f.mean_btc)?,
            cx.value(&k.log_sd, &mut f.log_sd)?,
        ),
        FeeModelKind::Csv => {
            if let Some(m) = f.mean_btc {
                return Err(cx.invalid(
                    "fees.mean_btc",
                    m,
                    "not used with fees.model = \"csv\" (the file gives the means); remove it",
                ));
            }
            let log_sd = cx.value_or(&k.log_sd, &mut f.log_sd, 0.0)?;
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
                            "line {}: `{}` = 0 blocks is not allowed: a day's block count \
                             must be > 0 (the mean fee per block is `{}` / `{}`)",
                            r.line, names[1], names[0], names[1]
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

/// Resolves `[fees.spikes]` (None when not given).
pub(super) fn resolve_fee_spikes(
    cx: &Ctx<'_>,
    f: &mut RawFees,
) -> Result<Option<FeeSpikes>, ScenarioError> {
    let Some(sp) = f.spikes.as_mut() else {
        return Ok(None);
    };
    if f.model == Some(FeeModelKind::Csv) {
        return Err(cx.invalid(
            "fees.spikes",
            "…",
            "not used with fees.model = \"csv\" (the file has its own spikes); remove it",
        ));
    }
    let k = SpikesKeys::DEFS;
    FeeSpikes::new(
        cx.value(&k.rate_per_year, &mut sp.rate_per_year)?,
        cx.value(&k.mean_days, &mut sp.mean_days)?,
        cx.value(&k.multiplier_median, &mut sp.multiplier_median)?,
        cx.value(&k.log_sd, &mut sp.log_sd)?,
    )
    .map(Some)
    .map_err(|e| market_err(cx, "fees.spikes", e, &[]))
}

/// Resolves `[price.feedback]` (None when not given).
pub(super) fn resolve_price_feedback(
    cx: &Ctx<'_>,
    p: &mut RawPrice,
) -> Result<Option<PriceFeedback>, ScenarioError> {
    let Some(fb) = p.feedback.as_mut() else {
        return Ok(None);
    };
    if fb.slow_blocks_s.is_none() && fb.drawdown.is_none() {
        return Err(cx.invalid(
            "price.feedback",
            "no trigger",
            "give slow_blocks_s (s), drawdown (share) or both",
        ));
    }
    let k = FeedbackKeys::DEFS;
    PriceFeedback::new(
        cx.given(&k.slow_blocks_s, &fb.slow_blocks_s)?,
        cx.given(&k.drawdown, &fb.drawdown)?,
        cx.value(&k.window_days, &mut fb.window_days)?,
        cx.value(&k.drop, &mut fb.drop)?,
        cx.value(&k.cooldown_days, &mut fb.cooldown_days)?,
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

/// Resolves `[price]` (without its feedback) over `[start_unix, end_unix)`.
pub(super) fn resolve_price(
    cx: &Ctx<'_>,
    p: &mut RawPrice,
    start_unix: i64,
    end_unix: i64,
) -> Result<PriceSpec, ScenarioError> {
    let k = PriceKeys::DEFS;
    let kind = cx.value(&k.model, &mut p.model)?;
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
        let column = cx.value(&k.column, &mut p.column)?;
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
    let initial = cx.value(&k.initial_usd, &mut p.initial_usd)?;
    let model = match kind {
        PriceModelKind::Constant => return Ok(PriceSpec::Constant(initial)),
        PriceModelKind::Gbm => PriceModel::Gbm(
            Gbm::new(
                cx.value(&k.mu, &mut p.mu)?,
                cx.value(&k.sigma, &mut p.sigma)?,
            )
            .map_err(err)?,
        ),
        PriceModelKind::Merton => PriceModel::Merton(
            Merton::new(
                cx.value(&k.mu, &mut p.mu)?,
                cx.value_or(&k.sigma, &mut p.sigma, price::DEFAULT_MERTON_SIGMA)?,
                cx.value(&k.jumps_per_year, &mut p.jumps_per_year)?,
                cx.value(&k.jump_mean, &mut p.jump_mean)?,
                cx.value(&k.jump_sd, &mut p.jump_sd)?,
            )
            .map_err(err)?,
        ),
        PriceModelKind::Regime => {
            let leg = |mu: f64, sigma: f64, keys: [(&str, &str); 2]| {
                Gbm::new(mu, sigma).map_err(|e| market_err(cx, "price", e, &keys))
            };
            let bull = leg(
                cx.value(&k.bull_mu, &mut p.bull_mu)?,
                cx.value(&k.bull_sigma, &mut p.bull_sigma)?,
                [("mu", "bull_mu"), ("sigma", "bull_sigma")],
            )?;
            let bear = leg(
                cx.value(&k.bear_mu, &mut p.bear_mu)?,
                cx.value(&k.bear_sigma, &mut p.bear_sigma)?,
                [("mu", "bear_mu"), ("sigma", "bear_sigma")],
            )?;
            PriceModel::RegimeSwitching(
                RegimeSwitching::new(
                    bull,
                    bear,
                    cx.value(&k.p_bull_to_bear, &mut p.p_bull_to_bear)?,
                    cx.value(&k.p_bear_to_bull, &mut p.p_bear_to_bull)?,
                )
                .map_err(err)?,
            )
        }
        PriceModelKind::Csv => unreachable!("handled above"),
    };
    Ok(PriceSpec::Process { model, initial })
}
