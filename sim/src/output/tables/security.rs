//! The security columns shared by the `daily` and `epochs` tables ([`SecuritySnapshot`]) and
//! the security columns of the `summary` table ([`crate::record::SecuritySummary`]).

use hashshift_models::security::attack::{DEFAULT_ENERGY_USD_PER_KWH, DEFAULT_HOURS, DEFAULT_PUE};

use super::super::columns::{Columns, List};
use super::super::schema::NullWhen::{NoAttackCost, NoFleet, NoRelease, NoRental, NothingRuns};
use super::super::schema::{UNIT_DIMENSIONLESS, UNIT_EHS, UNIT_SECONDS};
use crate::record::{DayRecord, EpochRecord, RunSummary, SecuritySnapshot};

/// A record that carries a [`SecuritySnapshot`] (a day, an epoch).
pub trait HasSecurity {
    /// The snapshot.
    fn security(&self) -> &SecuritySnapshot;
}

impl HasSecurity for DayRecord {
    fn security(&self) -> &SecuritySnapshot {
        &self.security
    }
}

impl HasSecurity for EpochRecord {
    fn security(&self) -> &SecuritySnapshot {
        &self.security
    }
}

/// `columns` followed by the security columns of a snapshot, in order (all nullable).
pub fn snapshot_columns<R: HasSecurity + 'static, L: List<R>>(
    columns: Columns<R, L>,
) -> Columns<R, impl List<R>> {
    columns
        .opt_f64(
            "attack_cost_new_usd",
            "USD",
            format!(
                "Cost of out-mining the network (as much hashrate as it runs) for \
                 security.attack_hours (default {DEFAULT_HOURS} h) with new ASICs: the frontier \
                 model at its catalog price in force, plus energy at \
                 security.attacker_energy_usd_per_kwh (default {DEFAULT_ENERGY_USD_PER_KWH}) and \
                 security.attacker_pue (default {DEFAULT_PUE})."
            ),
            NoRelease,
            |r| r.security().attack_cost_new_usd,
        )
        .opt_f64(
            "attack_cost_overhang_usd",
            "USD",
            "The same from the overhang (idle and unsold machines at secondary-market prices, \
             cheapest first, plus energy), completed with new ASICs when too small; null without \
             a fleet.",
            NoFleet,
            |r| r.security().attack_cost_overhang_usd,
        )
        .opt_f64(
            "attack_cost_rental_usd",
            "USD",
            "The same with rented hashrate (at most security.rental_share of the network at the \
             hashprice x (1 + rental_premium)), completed with new ASICs; null when \
             security.rental_share = 0 (the default).",
            NoRental,
            |r| r.security().attack_cost_rental_usd,
        )
        .opt_f64(
            "attack_cost_min_usd",
            "USD",
            "The cheapest of the three attack costs (null only if all three are).",
            NoAttackCost,
            |r| r.security().attack_cost_min_usd,
        )
        .opt_f64(
            "unsold_ehs",
            UNIT_EHS,
            "Machines unsold on the secondary market (decommissioned by firms); null without a \
             fleet (0 without firms).",
            NoFleet,
            |r| r.security().unsold_ehs,
        )
        .opt_f64(
            "overhang_ehs",
            UNIT_EHS,
            "Overhang: idle (installed, switched off, now) plus unsold machines; null without a \
             fleet.",
            NoFleet,
            |r| r.security().overhang_ehs,
        )
        .opt_f64(
            "overhang_share",
            UNIT_DIMENSIONLESS,
            "Overhang over the network (running) hashrate; can exceed 1; null without a fleet or \
             when nothing runs.",
            NothingRuns,
            |r| r.security().overhang_share,
        )
        .opt_f64(
            "hhi",
            UNIT_DIMENSIONLESS,
            "Herfindahl-Hirschman index of firms' running hashrate (each site its own owner \
             without firms), 0..1; null without a fleet or when nothing runs.",
            NothingRuns,
            |r| r.security().hhi,
        )
        .opt_u32(
            "nakamoto_coefficient",
            UNIT_DIMENSIONLESS,
            "Fewest firms holding more than half the running hashrate; null without a fleet or \
             when nothing runs.",
            NothingRuns,
            |r| r.security().nakamoto_coefficient,
        )
        .opt_f64(
            "top1_share",
            UNIT_DIMENSIONLESS,
            "Largest firm's share of the running hashrate; null without a fleet or when nothing \
             runs.",
            NothingRuns,
            |r| r.security().top1_share,
        )
        .opt_f64(
            "top5_share",
            UNIT_DIMENSIONLESS,
            "Five largest firms' share of the running hashrate; null without a fleet or when \
             nothing runs.",
            NothingRuns,
            |r| r.security().top5_share,
        )
        .opt_f64(
            "double_spend_top1_1conf",
            UNIT_DIMENSIONLESS,
            "Probability that an attacker with the largest firm's share reverses a payment after \
             1 confirmation (security.double_spend_model: Rosenfeld's exact race by default, or \
             the whitepaper's formula); null without a fleet or when nothing runs.",
            NothingRuns,
            |r| r.security().double_spend_top1_1conf,
        )
        .opt_f64(
            "double_spend_top1_6conf",
            UNIT_DIMENSIONLESS,
            "The same after 6 confirmations; null without a fleet or when nothing runs.",
            NothingRuns,
            |r| r.security().double_spend_top1_6conf,
        )
        .opt_f64(
            "double_spend_overhang_1conf",
            UNIT_DIMENSIONLESS,
            "Probability that an attacker with the whole overhang (share overhang / (network + \
             overhang)) reverses a payment after 1 confirmation; null without a fleet.",
            NoFleet,
            |r| r.security().double_spend_overhang_1conf,
        )
        .opt_f64(
            "double_spend_overhang_6conf",
            UNIT_DIMENSIONLESS,
            "The same after 6 confirmations; null without a fleet.",
            NoFleet,
            |r| r.security().double_spend_overhang_6conf,
        )
}

/// `columns` followed by the security columns of the `summary` table, in order.
pub fn summary_columns<L: List<RunSummary>>(
    columns: Columns<RunSummary, L>,
) -> Columns<RunSummary, impl List<RunSummary>> {
    columns
        .f64(
            "max_daily_mean_interval_s",
            UNIT_SECONDS,
            "Highest daily mean block interval (NaN without blocks).",
            |r| r.security.max_daily_mean_interval_s,
        )
        .f64(
            "worst_interval_stretch",
            UNIT_DIMENSIONLESS,
            "That over the 600 s target: the worst block-interval stretch.",
            |r| r.security.worst_interval_stretch,
        )
        .u64(
            "days_mean_interval_above_15min",
            UNIT_DIMENSIONLESS,
            "Days whose mean block interval exceeded 900 s, or that found no block.",
            |r| r.security.days_mean_interval_above_15min,
        )
        .f64(
            "min_attack_cost_usd",
            "USD",
            "Lowest daily cheapest attack cost (attack_cost_min_usd).",
            |r| r.security.min_attack_cost_usd,
        )
        .f64(
            "max_overhang_share",
            UNIT_DIMENSIONLESS,
            "Highest daily overhang share (NaN without a fleet).",
            |r| r.security.max_overhang_share,
        )
        .f64(
            "max_top1_share",
            UNIT_DIMENSIONLESS,
            "Highest daily share of the largest firm (NaN without a fleet).",
            |r| r.security.max_top1_share,
        )
        .f64(
            "max_double_spend_1conf",
            UNIT_DIMENSIONLESS,
            "Highest daily double-spend probability after 1 confirmation, either attacker (NaN \
             without a fleet).",
            |r| r.security.max_double_spend_1conf,
        )
        .f64(
            "max_double_spend_6conf",
            UNIT_DIMENSIONLESS,
            "Highest daily double-spend probability after 6 confirmations, either attacker (NaN \
             without a fleet).",
            |r| r.security.max_double_spend_6conf,
        )
}
