//! Stage two for `[network]` (the generated fleet and its sites) and `[[shocks]]`.

use hashshift_models::hardware::{Catalog, Region, DEFAULT_FLEET_MIX_2026};
use hashshift_models::mining::population::PopulationParams;

use super::{region, NetworkSpec, Shock};
use crate::scenario::keys::KeyDef;
use crate::scenario::raw::{RawNetwork, RawShock, ShockKind};
use crate::scenario::raw_network::{MixKeys, NetworkKeys, ShockKeys};
use crate::scenario::{defaults, file_spelling, Ctx, ScenarioError};

/// Resolves `[network]`: the generated population of sites and machines.
pub(super) fn resolve_network(
    cx: &Ctx<'_>,
    n: &mut RawNetwork,
) -> Result<NetworkSpec, ScenarioError> {
    let k = NetworkKeys::DEFS;
    let target_ehs = cx.value(&k.target_ehs, &mut n.target_ehs)?;
    let vintages = cx.value(&k.vintages_per_site, &mut n.vintages_per_site)?;
    let sites = cx.value(&k.sites, &mut n.sites)?;
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
    let population = resolve_site_ranges(cx, n, sites, vintages)?;
    population
        .validate()
        .map_err(|e| cx.invalid("network", "…", e))?;
    let hysteresis = cx.value(&k.hysteresis, &mut n.hysteresis)?;
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
                cx.check(&MixKeys::DEFS.share, &format!("{key}.share"), &m.share)?;
                mix.push((model.id(), m.share));
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

/// Resolves `[[shocks]]` (all but those of kind `difficulty_rule`, which
/// `super::super::security` resolves with `[difficulty]`), sorted by start time.
pub(super) fn resolve_shocks(
    cx: &Ctx<'_>,
    raw: &[RawShock],
    start_unix: i64,
    fleet: bool,
) -> Result<Vec<Shock>, ScenarioError> {
    let k = ShockKeys::DEFS;
    let mut shocks = Vec::with_capacity(raw.len());
    for (i, s) in raw.iter().enumerate() {
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
        let checked = |def: &KeyDef, v: f64| cx.check(def, &key(def.name()), &v).map(|()| v);
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
                    factor: checked(&k.factor, need("factor", s.factor)?)?,
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
                    factor: checked(&k.factor, need("factor", s.factor)?)?,
                }
            }
            ShockKind::CarbonTax => {
                needs_fleet("carbon_tax")?;
                unused("until", s.until.is_some())?;
                unused("factor", s.factor.is_some())?;
                unused("share", s.share.is_some())?;
                let usd = need("usd_per_t", s.usd_per_t)?;
                let usd_per_t = checked(&k.usd_per_t, usd)?;
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
                let share = checked(&k.share, need("share", s.share)?)?;
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
                let factor = checked(&k.factor, need("factor", s.factor)?)?;
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
fn resolve_site_ranges(
    cx: &Ctx<'_>,
    n: &mut RawNetwork,
    sites: u64,
    vintages: u64,
) -> Result<PopulationParams, ScenarioError> {
    let k = NetworkKeys::DEFS;
    let alpha = cx.value(&k.site_alpha, &mut n.site_alpha)?;
    let site_mw = ordered_pair(
        cx,
        (&k.site_min_mw, &mut n.site_min_mw),
        (&k.site_max_mw, &mut n.site_max_mw),
        true,
    )?;
    let pue = ordered_pair(
        cx,
        (&k.pue_min, &mut n.pue_min),
        (&k.pue_max, &mut n.pue_max),
        false,
    )?;
    let price_factor_sd = cx.value(&k.price_factor_sd, &mut n.price_factor_sd)?;
    let cheap_share = cx.value(&k.cheap_share, &mut n.cheap_share)?;
    let cheap_factor = cx.pair(&k.cheap_factor, &mut n.cheap_factor)?;
    Ok(PopulationParams {
        sites: sites as usize,
        alpha,
        min_mw: site_mw.0,
        max_mw: site_mw.1,
        pue_min: pue.0,
        pue_max: pue.1,
        price_factor_sd,
        cheap_share,
        cheap_factor,
        vintages_per_site: vintages as usize,
    })
}

/// The range `(low, high)` of two keys (each its definition and its value in the raw
/// section, default filled in place), each within its own range, `low < high` when `strict`
/// (`low <= high` otherwise). Of a pair out of order the key the file gives is named
/// (`site_min_mw = 600` against the default `site_max_mw = 500` names `site_min_mw`).
fn ordered_pair(
    cx: &Ctx<'_>,
    (low, low_value): (&KeyDef, &mut Option<f64>),
    (high, high_value): (&KeyDef, &mut Option<f64>),
    strict: bool,
) -> Result<(f64, f64), ScenarioError> {
    let (low_given, high_given) = (low_value.is_some(), high_value.is_some());
    let a = cx.value(low, low_value)?;
    let b = cx.value(high, high_value)?;
    if (strict && b <= a) || b < a {
        let (below, above) = if strict {
            ("below", "above")
        } else {
            ("at most", "at least")
        };
        let unit = low.unit;
        return Err(if low_given && !high_given {
            cx.invalid(
                low.path,
                a,
                format!("must be {below} {} = {b} {unit}", high.path),
            )
        } else {
            cx.invalid(
                high.path,
                b,
                format!("must be {above} {} = {a} {unit}", low.path),
            )
        });
    }
    Ok((a, b))
}
