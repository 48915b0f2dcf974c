//! Stage one for `[difficulty]` and `[security]`: each key once, with its doc, default,
//! allowed range and unit.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use super::keys::{ge, gt, integer, le, number, section, text, text_value};
use super::security as s;

/// A difficulty-adjustment rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum RuleName {
    /// Bitcoin's 2016-block retarget with the 4x clamp (exact consensus code).
    Bitcoin,
    /// aserti3-2d as deployed on Bitcoin Cash (per block, exponential in the schedule
    /// deviation, fixed-point cubic approximation).
    Asert,
    /// zawy12's LWMA (per block, linearly weighted moving average; Bitcoin Gold's integer
    /// form).
    Lwma,
}

section! {
    /// `[difficulty]`: the difficulty-adjustment rule.
    #[derive(Default)]
    pub struct RawDifficulty ("difficulty.", DifficultyKeys) {
        /// Rule in force at the start: "bitcoin", "asert" or "lwma". A shock of kind
        /// `difficulty_rule` switches rules at a height.
        rule: Option<RuleName> = text("bitcoin"),
        /// ASERT half-life.
        asert_half_life_s: Option<u64> = integer(s::ASERT_HALF_LIFE_S)
            .range(ge(600.0), le(31_557_600.0))
            .unit("seconds")
            .note("2 days, as on Bitcoin Cash since 2020-11-15"),
        /// LWMA averaging window N.
        lwma_window: Option<u32> = integer(s::LWMA_WINDOW as u64)
            .range(ge(2.0), le(10_000.0))
            .unit("blocks")
            .note("Bitcoin Gold mainnet; zawy12 recommends N = 45 for 600 s blocks"),
        /// Fleet runs under a per-block rule (asert, lwma): "intraday" re-decides which
        /// machines run as soon as the difficulty has moved by more than `network.hysteresis`
        /// (either way) since the last decision, besides each midnight and epoch end;
        /// "daily" only at those. No effect under Bitcoin's rule (difficulty moves only at
        /// epoch ends) or without a fleet.
        reaction: Option<Reaction> = text("intraday")
            .note("ASSUMPTION: miners see each block's difficulty and switch within hours \
                   (curtailment takes minutes), not once a day"),
    }
}

/// Double-spend model.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum DoubleSpendName {
    /// The whitepaper's Poisson approximation (Nakamoto 2008, section 11).
    Nakamoto,
    /// Rosenfeld's exact race (Rosenfeld 2014; Grunspan & Pérez-Marco 2017).
    Rosenfeld,
}

/// When the fleet re-decides which machines run under a per-block difficulty rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Reaction {
    /// At each midnight and at each epoch's end only.
    Daily,
    /// Also within the day, as soon as the difficulty has moved by more than the fleet's
    /// hysteresis band since the last decision.
    Intraday,
}

text_value!(RuleName, DoubleSpendName, Reaction);

section! {
    /// `[security]`: how the security metrics are computed.
    #[derive(Default)]
    pub struct RawSecurity ("security.", SecurityKeys) {
        /// Duration of the majority attack priced by the attack-cost metrics.
        attack_hours: Option<f64> = number(s::ATTACK_HOURS).range(gt(0.0), le(8766.0)).unit("hours"),
        /// Energy price the attacker pays.
        attacker_energy_usd_per_kwh: Option<f64> = number(s::ATTACKER_ENERGY_USD_PER_KWH)
            .range(ge(0.0), le(10.0))
            .unit("USD/kWh"),
        /// PUE of the attacker's machines.
        attacker_pue: Option<f64> = number(s::ATTACKER_PUE).range(ge(1.0), le(3.0)),
        /// Share of network hashrate for rent (NiceHash-style); 0: no rental market, the rental
        /// attack cost is null.
        rental_share: Option<f64> = number(0.0)
            .range(ge(0.0), le(1.0))
            .unit("(share of network hashrate)"),
        /// Rental price over the hashprice (0.2 = hashprice x 1.2).
        rental_premium: Option<f64> = number(0.0)
            .range(ge(0.0), le(10.0))
            .unit("(fraction over the hashprice)"),
        /// Double-spend model: "rosenfeld" (exact) or "nakamoto" (whitepaper).
        double_spend_model: Option<DoubleSpendName> = text("rosenfeld"),
        /// Without firms: years of margin a buyer pays for idle machines (their secondary
        /// price).
        secondary_payback_years: Option<f64> = number(s::SECONDARY_PAYBACK_YEARS)
            .range(ge(0.0), le(10.0))
            .unit("years")
            .note("the firms' default `firms.secondary_payback_years`, which applies with firms"),
    }
}
