//! Stage two for `[network]` (the generated fleet and its sites) and `[[shocks]]`.

use hashshift_models::hardware::{Catalog, Region, DEFAULT_FLEET_MIX_2026};
use hashshift_models::mining::population::PopulationParams;

use super::{region, NetworkSpec, Shock};
use crate::scenario::raw::{RawNetwork, RawScenario, ShockKind};
use crate::scenario::{defaults, file_spelling, Ctx, ScenarioError};

pub(super) fn validate_network(
    cx: &Ctx<'_>,
    raw: &mut RawScenario,
) -> Result<NetworkSpec, ScenarioError> {
    let n = &mut raw.network;
    let target_ehs = cx.range(
        "network.target_ehs",
        *n.target_ehs.get_or_insert(defaults::NETWORK_TARGET_EHS),
        1e-9,
        defaults::MAX_HASHRATE_EHS,
        "EH/s",
    )?;
    let sites = *n.sites.get_or_insert(defaults::NETWORK_SITES);
    let vintages = *n
        .vintages_per_site
        .get_or_insert(defaults::NETWORK_VINTAGES_PER_SITE);
    if !(1..=64).contains(&vintages) {
        return Err(cx.invalid("network.vintages_per_site", vintages, "must be in 1 ..= 64"));
    }
    if !(1..=1_000_000).contains(&sites) {
        return Err(cx.invalid("network.sites", sites, "must be in 1 ..= 1,000,000"));
    }
    if sites * vintages > defaults::MAX_FLEET_UNITS {
        return Err(cx.invalid(
            "network.sites",
            sites,
            format!(
                "sites x vintages_per_site = {} exceeds {} units",
                sites * vintages,
                defaults::MAX_FLEET_UNITS
            ),
        ));
    }
    let population = validate_site_ranges(cx, n, sites, vintages)?;
    population
        .validate()
        .map_err(|e| cx.invalid("network", "…", e))?;
    let hysteresis = cx.range(
        "network.hysteresis",
        *n.hysteresis.get_or_insert(defaults::NETWORK_HYSTERESIS),
        0.0,
        0.5,
        "(relative band)",
    )?;
    let catalog = match &n.catalog {
        None => Catalog::default_catalog(),
        Some(rel) => {
            let data = cx.data_file("network.catalog", rel)?;
            let data_err = |message: String| data.err(message);
            let text = &data.text;
            Catalog::from_csv_str(text).map_err(|e| data_err(e.to_string()))?
        }
    };
    let mix: Vec<(u16, f64)> = match &n.mix {
        None if n.catalog.is_some() => {
            return Err(cx.invalid(
                "network.mix",
                "(missing)",
                "a custom network.catalog needs its own network.mix",
            ))
        }
        None => DEFAULT_FLEET_MIX_2026.to_vec(),
        Some(entries) => {
            let mut mix = Vec::with_capacity(entries.len());
            for (i, m) in entries.iter().enumerate() {
                let key = format!("network.mix[{i}]");
                let model = catalog.by_name(&m.model).ok_or_else(|| {
                    let names: Vec<&str> = catalog.models().iter().map(|m| m.name()).collect();
                    cx.invalid(
                        format!("{key}.model"),
                        format!("{:?}", m.model),
                        format!("not in the catalog; known models: {}", names.join(", ")),
                    )
                })?;
                mix.push((
                    model.id(),
                    cx.range(
                        &format!("{key}.share"),
                        m.share,
                        1e-12,
                        1.0,
                        "(share of hashrate)",
                    )?,
                ));
            }
            if mix.is_empty() {
                return Err(cx.invalid(
                    "network.mix",
                    "[]",
                    "needs at least one { model, share } entry",
                ));
            }
            let sum: f64 = mix.iter().map(|m| m.1).sum();
            if (sum - 1.0).abs() > 1e-6 {
                return Err(cx.invalid(
                    "network.mix",
                    format!("(shares sum to {sum:.6})"),
                    "shares must sum to 1",
                ));
            }
            mix
        }
    };
    Ok(NetworkSpec {
        population,
        target_hs: target_ehs * 1e18,
        hysteresis,
        mix,
        catalog,
    })
}

pub(super) fn validate_shocks(
    cx: &Ctx<'_>,
    raw: &RawScenario,
    start_unix: i64,
    fleet: bool,
) -> Result<Vec<Shock>, ScenarioError> {
    let mut shocks = Vec::with_capacity(raw.shocks.len());
    for (i, s) in raw.shocks.iter().enumerate() {
        let key = |k: &str| format!("shocks[{i}].{k}");
        let unused = |name: &str, set: bool| -> Result<(), ScenarioError> {
            if set {
                Err(cx.invalid(
                    key(name),
                    "…",
                    format!("not used with kind = {}; remove it", file_spelling(&s.kind)),
                ))
            } else {
                Ok(())
            }
        };
        if s.kind == ShockKind::DifficultyRule {
            // Validated with `[difficulty]` (super::security); acts on the chain, not here.
            unused("at", s.at.is_some())?;
            unused("until", s.until.is_some())?;
            unused("region", s.region.is_some())?;
            unused("factor", s.factor.is_some())?;
            unused("usd_per_t", s.usd_per_t.is_some())?;
            unused("share", s.share.is_some())?;
            continue;
        }
        unused("height", s.height.is_some())?;
        unused("rule", s.rule.is_some())?;
        let at_text = s.at.as_deref().ok_or_else(|| {
            cx.invalid(
                key("at"),
                "(missing)",
                format!("required for kind = {}", file_spelling(&s.kind)),
            )
        })?;
        let at = cx.date(&key("at"), at_text)?;
        if at < start_unix {
            return Err(cx.invalid(
                key("at"),
                format!("{at_text:?}"),
                "must not be before the scenario start",
            ));
        }
        let until = match &s.until {
            Some(u) => {
                let t = cx.date(&key("until"), u)?;
                if t <= at {
                    return Err(cx.invalid(key("until"), format!("{u:?}"), "must be after `at`"));
                }
                Some(t)
            }
            None => None,
        };
        let need = |name: &str, v: Option<f64>| {
            v.ok_or_else(|| {
                cx.invalid(
                    key(name),
                    "(missing)",
                    format!("required for kind = {}", file_spelling(&s.kind)),
                )
            })
        };
        let reg = |required: bool| -> Result<Option<Region>, ScenarioError> {
            match (&s.region, required) {
                (Some(n), _) => region(cx, &key("region"), n).map(Some),
                (None, true) => Err(cx.invalid(
                    key("region"),
                    "(missing)",
                    "a region name is required for this kind",
                )),
                (None, false) => Ok(None),
            }
        };
        let positive = |name: &str, v: f64| {
            if v.is_finite() && v > 0.0 && v <= 1e6 {
                Ok(v)
            } else {
                Err(cx.invalid(key(name), v, "must be a finite factor in (0, 1e6]"))
            }
        };
        let needs_fleet = |what: &str| {
            if fleet {
                Ok(())
            } else {
                Err(cx.invalid(
                    key("kind"),
                    what,
                    "acts on mining sites: needs hashrate.kind = \"fleet\"",
                ))
            }
        };
        let shock = match s.kind {
            ShockKind::BtcPrice => {
                unused("until", s.until.is_some())?;
                unused("region", s.region.is_some())?;
                unused("usd_per_t", s.usd_per_t.is_some())?;
                unused("share", s.share.is_some())?;
                Shock::BtcPrice {
                    at,
                    factor: positive("factor", need("factor", s.factor)?)?,
                }
            }
            ShockKind::EnergyPrice => {
                needs_fleet("energy_price")?;
                unused("usd_per_t", s.usd_per_t.is_some())?;
                unused("share", s.share.is_some())?;
                let until = until.ok_or_else(|| {
                    cx.invalid(
                        key("until"),
                        "(missing)",
                        "an energy-price shock needs its end date",
                    )
                })?;
                Shock::EnergyPrice {
                    region: reg(true)?.expect("required"),
                    at,
                    until,
                    factor: positive("factor", need("factor", s.factor)?)?,
                }
            }
            ShockKind::CarbonTax => {
                needs_fleet("carbon_tax")?;
                unused("until", s.until.is_some())?;
                unused("factor", s.factor.is_some())?;
                unused("share", s.share.is_some())?;
                let usd = need("usd_per_t", s.usd_per_t)?;
                let usd_per_t = cx.range(&key("usd_per_t"), usd, 0.0, 10_000.0, "USD/tCO2")?;
                Shock::CarbonTax {
                    region: reg(false)?,
                    at,
                    usd_per_t,
                }
            }
            ShockKind::Ban => {
                needs_fleet("ban")?;
                unused("factor", s.factor.is_some())?;
                unused("usd_per_t", s.usd_per_t.is_some())?;
                let until = until.ok_or_else(|| {
                    cx.invalid(
                        key("until"),
                        "(missing)",
                        "a ban needs the date its full share is offline",
                    )
                })?;
                let share = cx.range(
                    &key("share"),
                    need("share", s.share)?,
                    1e-9,
                    1.0,
                    "(share of the region's capacity)",
                )?;
                Shock::Ban {
                    region: reg(true)?.expect("required"),
                    at,
                    until,
                    share,
                }
            }
            ShockKind::DifficultyRule => unreachable!("handled above"),
            ShockKind::AiDemand | ShockKind::AiRate => {
                needs_fleet("ai_demand / ai_rate")?;
                unused("region", s.region.is_some())?;
                unused("usd_per_t", s.usd_per_t.is_some())?;
                unused("share", s.share.is_some())?;
                let factor = positive("factor", need("factor", s.factor)?)?;
                let until = until.unwrap_or(i64::MAX);
                if s.kind == ShockKind::AiDemand {
                    Shock::AiDemand { at, until, factor }
                } else {
                    Shock::AiRate { at, until, factor }
                }
            }
        };
        shocks.push(shock);
    }
    shocks.sort_by_key(Shock::at);
    Ok(shocks)
}

/// The site-size, PUE and energy-price ranges of `[network]`, each checked under its own key
/// ([`ordered_pair`] for the two ranges).
fn validate_site_ranges(
    cx: &Ctx<'_>,
    n: &mut RawNetwork,
    sites: u64,
    vintages: u64,
) -> Result<PopulationParams, ScenarioError> {
    let alpha = *n.site_alpha.get_or_insert(defaults::NETWORK_SITE_ALPHA);
    if !(alpha.is_finite() && alpha > 1.0 && alpha <= 10.0) {
        return Err(cx.invalid(
            "network.site_alpha",
            alpha,
            "must be a number in (1, 10] (the Pareto tail index of site sizes)",
        ));
    }
    let site_mw = ordered_pair(
        cx,
        Bound::new(
            "network.site_min_mw",
            &mut n.site_min_mw,
            defaults::NETWORK_SITE_MIN_MW,
        ),
        Bound::new(
            "network.site_max_mw",
            &mut n.site_max_mw,
            defaults::NETWORK_SITE_MAX_MW,
        ),
        (1e-6, 1e5, "MW"),
        true,
    )?;
    let pue = ordered_pair(
        cx,
        Bound::new("network.pue_min", &mut n.pue_min, defaults::NETWORK_PUE_MIN),
        Bound::new("network.pue_max", &mut n.pue_max, defaults::NETWORK_PUE_MAX),
        (1.0, 3.0, "(PUE)"),
        false,
    )?;
    let price_factor_sd = cx.range(
        "network.price_factor_sd",
        *n.price_factor_sd
            .get_or_insert(defaults::NETWORK_PRICE_FACTOR_SD),
        0.0,
        2.0,
        "(sd of the log energy-price factor)",
    )?;
    Ok(PopulationParams {
        sites: sites as usize,
        alpha,
        min_mw: site_mw.0,
        max_mw: site_mw.1,
        pue_min: pue.0,
        pue_max: pue.1,
        price_factor_sd,
        vintages_per_site: vintages as usize,
    })
}

/// One end of a `[network]` range: its key, its value in the raw scenario (defaulted in
/// place), and whether the file gave it.
struct Bound<'a> {
    key: &'static str,
    value: &'a mut Option<f64>,
    default: f64,
}

impl<'a> Bound<'a> {
    fn new(key: &'static str, value: &'a mut Option<f64>, default: f64) -> Self {
        Bound {
            key,
            value,
            default,
        }
    }
}

/// The range `(low, high)` of two keys, each within `lo..=hi` `unit`, `low < high` when
/// `strict` (`low <= high` otherwise). Of a pair out of order the key the file gives is
/// named (`site_min_mw = 600` against the default `site_max_mw = 500` names `site_min_mw`).
fn ordered_pair(
    cx: &Ctx<'_>,
    low: Bound<'_>,
    high: Bound<'_>,
    (lo, hi, unit): (f64, f64, &str),
    strict: bool,
) -> Result<(f64, f64), ScenarioError> {
    let (low_given, high_given) = (low.value.is_some(), high.value.is_some());
    let a = cx.range(low.key, *low.value.get_or_insert(low.default), lo, hi, unit)?;
    let b = cx.range(
        high.key,
        *high.value.get_or_insert(high.default),
        lo,
        hi,
        unit,
    )?;
    if (strict && b <= a) || b < a {
        let (below, above) = if strict {
            ("below", "above")
        } else {
            ("at most", "at least")
        };
        return Err(if low_given && !high_given {
            cx.invalid(
                low.key,
                a,
                format!("must be {below} {} = {b} {unit}", high.key),
            )
        } else {
            cx.invalid(
                high.key,
                b,
                format!("must be {above} {} = {a} {unit}", low.key),
            )
        });
    }
    Ok((a, b))
}
