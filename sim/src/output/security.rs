//! The security columns shared by the `daily` and `epochs` tables ([`SecuritySnapshot`]) and
//! the security columns of the `summary` table ([`SecuritySummary`]).

use std::sync::Arc;

use arrow_array::{ArrayRef, Float64Array, UInt32Array, UInt64Array};
use arrow_schema::{DataType, Field};

use super::schema::{f64_field, u64_field, DESCRIPTION_KEY, UNIT_KEY};
use crate::record::{SecuritySnapshot, SecuritySummary};
use crate::scenario::security::{ATTACKER_ENERGY_USD_PER_KWH, ATTACKER_PUE, ATTACK_HOURS};

fn nullable(name: &str, data_type: DataType, unit: &str, description: &str) -> Field {
    Field::new(name, data_type, true)
        .with_metadata([(UNIT_KEY, unit), (DESCRIPTION_KEY, description)])
}

fn f64_null(name: &str, unit: &str, description: &str) -> Field {
    nullable(name, DataType::Float64, unit, description)
}

/// The security columns, in order (all nullable).
pub(super) fn security_fields() -> Vec<Field> {
    vec![
        f64_null("attack_cost_new_usd", "USD", &format!("Cost of out-mining the network (as much hashrate as it runs) for security.attack_hours (default {ATTACK_HOURS} h) with new ASICs: the frontier model at its catalog price in force, plus energy at security.attacker_energy_usd_per_kwh (default {ATTACKER_ENERGY_USD_PER_KWH}) and security.attacker_pue (default {ATTACKER_PUE}).")),
        f64_null("attack_cost_overhang_usd", "USD", "The same from the overhang (idle and unsold machines at secondary-market prices, cheapest first, plus energy), completed with new ASICs when too small; null without a fleet."),
        f64_null("attack_cost_rental_usd", "USD", "The same with rented hashrate (at most security.rental_share of the network at the hashprice x (1 + rental_premium)), completed with new ASICs; null when security.rental_share = 0 (the default)."),
        f64_null("attack_cost_min_usd", "USD", "The cheapest of the three attack costs (null only if all three are)."),
        f64_null("unsold_ehs", "EH/s", "Machines unsold on the secondary market (decommissioned by firms); null without a fleet (0 without firms)."),
        f64_null("overhang_ehs", "EH/s", "Overhang: idle (installed, switched off, now) plus unsold machines; null without a fleet."),
        f64_null("overhang_share", "1", "Overhang over the network (running) hashrate; can exceed 1; null without a fleet or when nothing runs."),
        f64_null("hhi", "1", "Herfindahl-Hirschman index of firms' running hashrate (each site its own owner without firms), 0..1; null without a fleet or when nothing runs."),
        nullable("nakamoto_coefficient", DataType::UInt32, "1", "Fewest firms holding more than half the running hashrate; null without a fleet or when nothing runs."),
        f64_null("top1_share", "1", "Largest firm's share of the running hashrate; null without a fleet or when nothing runs."),
        f64_null("top5_share", "1", "Five largest firms' share of the running hashrate; null without a fleet or when nothing runs."),
        f64_null("double_spend_top1_1conf", "1", "Probability that an attacker with the largest firm's share reverses a payment after 1 confirmation (security.double_spend_model: Rosenfeld's exact race by default, or the whitepaper's formula); null without a fleet or when nothing runs."),
        f64_null("double_spend_top1_6conf", "1", "The same after 6 confirmations; null without a fleet or when nothing runs."),
        f64_null("double_spend_overhang_1conf", "1", "Probability that an attacker with the whole overhang (share overhang / (network + overhang)) reverses a payment after 1 confirmation; null without a fleet."),
        f64_null("double_spend_overhang_6conf", "1", "The same after 6 confirmations; null without a fleet."),
    ]
}

/// The security columns of `rows`, in [`security_fields`] order.
pub(super) fn security_arrays<'a, I>(rows: I) -> Vec<ArrayRef>
where
    I: Iterator<Item = &'a SecuritySnapshot> + Clone,
{
    let col = |f: fn(&SecuritySnapshot) -> Option<f64>| -> ArrayRef {
        Arc::new(Float64Array::from_iter(rows.clone().map(f)))
    };
    vec![
        col(|s| s.attack_cost_new_usd),
        col(|s| s.attack_cost_overhang_usd),
        col(|s| s.attack_cost_rental_usd),
        col(|s| s.attack_cost_min_usd),
        col(|s| s.unsold_ehs),
        col(|s| s.idle_ehs.zip(s.unsold_ehs).map(|(i, u)| i + u)),
        col(|s| s.overhang_share),
        col(|s| s.hhi),
        Arc::new(UInt32Array::from_iter(
            rows.clone().map(|s| s.nakamoto_coefficient),
        )),
        col(|s| s.top1_share),
        col(|s| s.top5_share),
        col(|s| s.double_spend_top1_1conf),
        col(|s| s.double_spend_top1_6conf),
        col(|s| s.double_spend_overhang_1conf),
        col(|s| s.double_spend_overhang_6conf),
    ]
}

/// The security columns of the `summary` table, in order.
pub(super) fn summary_security_fields() -> Vec<Field> {
    vec![
        f64_field("max_daily_mean_interval_s", "s", "Highest daily mean block interval (NaN without blocks)."),
        f64_field("worst_interval_stretch", "1", "That over the 600 s target: the worst block-interval stretch."),
        u64_field("days_mean_interval_above_15min", "1", "Days whose mean block interval exceeded 900 s, or that found no block."),
        f64_field("min_attack_cost_usd", "USD", "Lowest daily cheapest attack cost (attack_cost_min_usd)."),
        f64_field("max_overhang_share", "1", "Highest daily overhang share (NaN without a fleet)."),
        f64_field("max_top1_share", "1", "Highest daily share of the largest firm (NaN without a fleet)."),
        f64_field("max_double_spend_1conf", "1", "Highest daily double-spend probability after 1 confirmation, either attacker (NaN without a fleet)."),
        f64_field("max_double_spend_6conf", "1", "Highest daily double-spend probability after 6 confirmations, either attacker (NaN without a fleet)."),
    ]
}

/// The security columns of the summary's single row.
pub(super) fn summary_security_arrays(s: &SecuritySummary) -> Vec<ArrayRef> {
    let f = |v: f64| -> ArrayRef { Arc::new(Float64Array::from(vec![v])) };
    vec![
        f(s.max_daily_mean_interval_s),
        f(s.worst_interval_stretch),
        Arc::new(UInt64Array::from(vec![s.days_mean_interval_above_15min])),
        f(s.min_attack_cost_usd),
        f(s.max_overhang_share),
        f(s.max_top1_share),
        f(s.max_double_spend_1conf),
        f(s.max_double_spend_6conf),
    ]
}
