//! Stage two for `[difficulty]`, `[security]` and shocks of kind `difficulty_rule`: the
//! difficulty rule schedule and the parameters of the security metrics.

use hashshift_models::security::attack::AttackParams;
use hashshift_models::security::DoubleSpendModel;

use super::raw::{RawShock, ShockKind};
use super::raw_network::ShockKeys;
pub use super::raw_security::Reaction;
use super::raw_security::{
    DifficultyKeys, DoubleSpendName, RawDifficulty, RawSecurity, RuleName, SecurityKeys,
};
use super::{Ctx, ScenarioError};

/// ASERT half-life, seconds: 2 days, aserti3-2d on Bitcoin Cash (BCH upgrade spec
/// 2020-11-15-asert.md).
pub const ASERT_HALF_LIFE_S: u64 = 172_800;
/// LWMA averaging window, blocks: Bitcoin Gold mainnet (BTCGPU `chainparams.cpp`).
pub const LWMA_WINDOW: u32 = 45;
pub use hashshift_models::security::attack::{
    DEFAULT_ENERGY_USD_PER_KWH as ATTACKER_ENERGY_USD_PER_KWH, DEFAULT_HOURS as ATTACK_HOURS,
    DEFAULT_PUE as ATTACKER_PUE,
};
/// Secondary-market payback without firms, years (the firms' default).
pub const SECONDARY_PAYBACK_YEARS: f64 = super::defaults::FIRMS_SECONDARY_PAYBACK_YEARS;

/// A difficulty rule with its parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DifficultyRule {
    /// Bitcoin's retarget every 2016 blocks.
    Bitcoin,
    /// aserti3-2d with this half-life, seconds.
    Asert {
        /// Half-life, seconds.
        half_life_s: u64,
    },
    /// LWMA over this many blocks.
    Lwma {
        /// Averaging window N, blocks.
        window: u32,
    },
}

impl DifficultyRule {
    /// `bitcoin`, `asert` or `lwma`.
    pub fn name(self) -> &'static str {
        match self {
            DifficultyRule::Bitcoin => "bitcoin",
            DifficultyRule::Asert { .. } => "asert",
            DifficultyRule::Lwma { .. } => "lwma",
        }
    }
}

/// The difficulty rule at the start and the scheduled switches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DifficultySpec {
    /// Rule in force at the start.
    pub initial: DifficultyRule,
    /// `(height, rule)`: from the block at `height` on, `rule` sets the target; sorted by
    /// height, heights distinct and at or after the start.
    pub switches: Vec<(u64, DifficultyRule)>,
    /// When a fleet re-decides under a per-block rule.
    pub reaction: Reaction,
}

/// Parameters of the security metrics.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SecuritySpec {
    /// Duration, energy price and PUE of the priced attack.
    pub attack: AttackParams,
    /// Share of network hashrate for rent (0: no rental market).
    pub rental_share: f64,
    /// Rental price over the hashprice (rent = hashprice x (1 + premium)).
    pub rental_premium: f64,
    /// Double-spend model.
    pub double_spend: DoubleSpendModel,
    /// Without firms: years of margin a buyer pays for idle machines.
    pub secondary_payback_years: f64,
}

/// Resolves `[security]`, filling defaults in place.
pub(super) fn resolve_security(
    cx: &Ctx<'_>,
    s: &mut RawSecurity,
) -> Result<SecuritySpec, ScenarioError> {
    let k = SecurityKeys::DEFS;
    let hours = cx.value(&k.attack_hours, &mut s.attack_hours)?;
    let energy = cx.value(
        &k.attacker_energy_usd_per_kwh,
        &mut s.attacker_energy_usd_per_kwh,
    )?;
    let pue = cx.value(&k.attacker_pue, &mut s.attacker_pue)?;
    let attack = AttackParams::new(hours, energy, pue)
        .map_err(|e| cx.invalid(format!("security.{}", e.param), e.value, e.allowed))?;
    let rental_share = cx.value(&k.rental_share, &mut s.rental_share)?;
    let rental_premium = cx.value(&k.rental_premium, &mut s.rental_premium)?;
    let double_spend = match cx.value(&k.double_spend_model, &mut s.double_spend_model)? {
        DoubleSpendName::Nakamoto => DoubleSpendModel::NakamotoPoisson,
        DoubleSpendName::Rosenfeld => DoubleSpendModel::RosenfeldExact,
    };
    let secondary_payback_years =
        cx.value(&k.secondary_payback_years, &mut s.secondary_payback_years)?;
    Ok(SecuritySpec {
        attack,
        rental_share,
        rental_premium,
        double_spend,
        secondary_payback_years,
    })
}

/// Resolves `[difficulty]` and the `difficulty_rule` shocks, filling defaults in place.
/// `start_height`: the first simulated block.
pub(super) fn resolve_difficulty(
    cx: &Ctx<'_>,
    d: &mut RawDifficulty,
    shocks: &[RawShock],
    start_height: u64,
) -> Result<DifficultySpec, ScenarioError> {
    let k = DifficultyKeys::DEFS;
    let half_life = cx.value(&k.asert_half_life_s, &mut d.asert_half_life_s)?;
    let window = cx.value(&k.lwma_window, &mut d.lwma_window)?;
    let rule = |name: RuleName| match name {
        RuleName::Bitcoin => DifficultyRule::Bitcoin,
        RuleName::Asert => DifficultyRule::Asert {
            half_life_s: half_life,
        },
        RuleName::Lwma => DifficultyRule::Lwma { window },
    };
    let initial = rule(cx.value(&k.rule, &mut d.rule)?);
    let reaction = cx.value(&k.reaction, &mut d.reaction)?;
    let mut switches: Vec<(u64, DifficultyRule)> = Vec::new();
    for (i, s) in shocks.iter().enumerate() {
        let key = |k: &str| format!("shocks[{i}].{k}");
        if s.kind != ShockKind::DifficultyRule {
            continue;
        }
        let height = s.height.ok_or_else(|| {
            cx.invalid(
                key("height"),
                "(missing)",
                "a difficulty_rule shock needs the height of the first block under the new rule",
            )
        })?;
        cx.check(&ShockKeys::DEFS.height, &key("height"), &height)?;
        if height < start_height {
            return Err(cx.invalid(
                key("height"),
                height,
                format!("must be in [{start_height} (the start height), 2^40)"),
            ));
        }
        let name = s.rule.ok_or_else(|| {
            cx.invalid(
                key("rule"),
                "(missing)",
                "a difficulty_rule shock needs rule = \"bitcoin\", \"asert\" or \"lwma\"",
            )
        })?;
        if switches.iter().any(|(h, _)| *h == height) {
            return Err(cx.invalid(
                key("height"),
                height,
                "another difficulty_rule shock switches at this height",
            ));
        }
        switches.push((height, rule(name)));
    }
    switches.sort_by_key(|s| s.0);
    Ok(DifficultySpec {
        initial,
        switches,
        reaction,
    })
}
