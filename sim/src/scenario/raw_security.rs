//! Stage one for `[difficulty]` and `[security]`: the serde mirror (unknown keys rejected).

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

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

/// `[difficulty]`: the difficulty-adjustment rule.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawDifficulty {
    /// Rule in force at the start: "bitcoin" (default), "asert" or "lwma". A shock of kind
    /// `difficulty_rule` switches rules at a height.
    pub rule: Option<RuleName>,
    /// ASERT half-life, seconds, [600, 31,557,600]. Default 172,800 (2 days, as on Bitcoin
    /// Cash since 2020-11-15).
    pub asert_half_life_s: Option<u64>,
    /// LWMA averaging window N, blocks, [2, 10,000]. Default 45 (Bitcoin Gold mainnet; zawy12
    /// recommends N = 45 for 600 s blocks).
    pub lwma_window: Option<u32>,
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

/// `[security]`: how the security metrics are computed.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RawSecurity {
    /// Duration of the majority attack priced by the attack-cost metrics, hours, (0, 8766].
    /// Default 24.
    pub attack_hours: Option<f64>,
    /// Energy price the attacker pays, USD/kWh, [0, 10]. Default 0.05.
    pub attacker_energy_usd_per_kwh: Option<f64>,
    /// PUE of the attacker's machines, [1, 3]. Default 1.1.
    pub attacker_pue: Option<f64>,
    /// Share of network hashrate for rent (NiceHash-style), [0, 1]. Default 0: no rental
    /// market, the rental attack cost is null.
    pub rental_share: Option<f64>,
    /// Rental price over the hashprice, [0, 10] (0.2 = hashprice x 1.2). Default 0.
    pub rental_premium: Option<f64>,
    /// Double-spend model: "rosenfeld" (default, exact) or "nakamoto" (whitepaper).
    pub double_spend_model: Option<DoubleSpendName>,
    /// Without firms: years of margin a buyer pays for idle machines (their secondary
    /// price), [0, 10]. Default 1 (the firms' default `firms.secondary_payback_years`, which
    /// applies with firms).
    pub secondary_payback_years: Option<f64>,
}
