//! The difficulty rule in force and its switches.
//!
//! * `bitcoin`: the exact 2016-block retarget (done by the simulation at each epoch's last
//!   block); [`DifficultyControl::after_block`] returns `None`.
//! * `asert`: aserti3-2d ([`hashshift_models::security::asert`]). When the rule takes effect
//!   for block `H`, the anchor is block `H - 1` (its nBits, and its parent's timestamp), as
//!   Bitcoin Cash anchored on the last block before its upgrade. Every later block's target is
//!   `anchor_target x 2^((t_parent - t_anchor_parent - 600 (h_parent - h_anchor + 1)) / half_life)`.
//! * `lwma`: LWMA-1 in Bitcoin Gold's integer form over the last `N` solvetimes, with
//!   `T = 600`, the adjusted weight `k = floor((N + 1) / 2 x 0.998 x T)` (13,772 for
//!   N = 45, Bitcoin Gold's), `dnorm = 10`, solvetimes capped at `6T`, and Bitcoin's
//!   `powLimit`.
//!
//! Blocks before the run start are not simulated; the rules that look back (the ASERT anchor's
//! parent, the LWMA window) see them as spaced exactly 600 s with the start's nBits (the chain
//! in equilibrium at the start, an ASSUMPTION). Header times are the simulation's integer
//! timestamps `start_unix + floor(clock)`.
//!
//! The recent-block buffer holds at most `2 (N + 1)` entries and is compacted in place, so the
//! per-block path allocates nothing.

use hashshift_models::consensus::{pow_limit, POW_TARGET_SPACING};
use hashshift_models::security::{lwma_next_bits, Asert, LwmaBlock, LwmaParams};

use super::error::DifficultyError;
use crate::scenario::{DifficultyRule, DifficultySpec};

/// LWMA's minimum denominator (`dnorm`, Bitcoin Gold).
const LWMA_DNORM: i64 = 10;

/// The rule in force, with its state.
#[derive(Debug, Clone, Copy)]
enum Active {
    Bitcoin,
    Asert(Asert),
    Lwma(LwmaParams),
}

/// Chooses each block's nBits under the rule in force.
#[derive(Debug, Clone)]
pub(crate) struct DifficultyControl {
    active: Active,
    rule: DifficultyRule,
    /// Scheduled switches, sorted by height; `next_switch` is the first not yet applied.
    switches: Vec<(u64, DifficultyRule)>,
    next_switch: usize,
    /// The latest blocks (oldest first), at least the last `keep` ones.
    recent: Vec<LwmaBlock>,
    keep: usize,
}

fn lwma_params(window: u32) -> Result<LwmaParams, DifficultyError> {
    let t = POW_TARGET_SPACING;
    // floor((N + 1) / 2 x 0.998 x T) in integers: (N + 1) x 998 x T / 2000.
    let k = (i64::from(window) + 1) * 998 * t / 2000;
    LwmaParams::new(t, window, k, LWMA_DNORM, true, pow_limit())
        .map_err(|source| DifficultyError::LwmaWindow { window, source })
}

impl DifficultyControl {
    /// The control for `spec`, before block `start_height` (mined at `start_unix` or later)
    /// whose nBits are `start_bits`.
    pub fn new(
        spec: &DifficultySpec,
        start_height: u64,
        start_unix: i64,
        start_bits: u32,
    ) -> Result<Self, DifficultyError> {
        let window = spec
            .switches
            .iter()
            .map(|s| s.1)
            .chain([spec.initial])
            .filter_map(|r| match r {
                DifficultyRule::Lwma { window } => Some(window as usize),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let keep = (window + 1).max(2);
        // The blocks before the start, 600 s apart, with the start's nBits.
        let spacing = POW_TARGET_SPACING;
        let recent = (1..=keep as i64)
            .rev()
            .map(|k| LwmaBlock {
                time: start_unix - k * spacing,
                bits: start_bits,
            })
            .collect::<Vec<_>>();
        let mut recent_buf = Vec::with_capacity(2 * keep);
        recent_buf.extend(recent);
        let mut c = DifficultyControl {
            active: Active::Bitcoin,
            rule: DifficultyRule::Bitcoin,
            switches: spec.switches.clone(),
            next_switch: 0,
            recent: recent_buf,
            keep,
        };
        c.set_rule(spec.initial, start_height)?;
        c.switch_due(start_height)?;
        Ok(c)
    }

    /// The rule in force.
    pub fn rule(&self) -> DifficultyRule {
        self.rule
    }

    /// Puts `rule` in force for block `height` on; the last block seen is `height - 1`.
    fn set_rule(&mut self, rule: DifficultyRule, height: u64) -> Result<(), DifficultyError> {
        self.rule = rule;
        self.active = match rule {
            DifficultyRule::Bitcoin => Active::Bitcoin,
            DifficultyRule::Asert { half_life_s } => {
                let n = self.recent.len();
                let anchor = self.recent[n - 1];
                let parent = self.recent[n - 2];
                Active::Asert(
                    Asert::new(height - 1, parent.time, anchor.bits, half_life_s).map_err(
                        |source| DifficultyError::AsertAnchor {
                            height: height - 1,
                            source,
                        },
                    )?,
                )
            }
            DifficultyRule::Lwma { window } => Active::Lwma(lwma_params(window)?),
        };
        Ok(())
    }

    /// Applies the switches due for block `height` (call before the first block, and after
    /// each block with the next height). Returns the rule switched to, if any.
    pub fn switch_due(&mut self, height: u64) -> Result<Option<DifficultyRule>, DifficultyError> {
        let mut switched = None;
        while let Some(&(h, rule)) = self.switches.get(self.next_switch) {
            if h > height {
                break;
            }
            self.next_switch += 1;
            self.set_rule(rule, height)?;
            switched = Some(rule);
        }
        Ok(switched)
    }

    /// Records block `height` (header time `time`, nBits `bits`) and returns the nBits of
    /// block `height + 1` under a per-block rule (`None` under Bitcoin's rule, whose retarget
    /// the simulation does at epoch ends). Applies a switch due at `height + 1` first.
    pub fn after_block(
        &mut self,
        height: u64,
        time: i64,
        bits: u32,
    ) -> Result<(Option<u32>, Option<DifficultyRule>), DifficultyError> {
        if self.recent.len() == self.recent.capacity() {
            let drop = self.recent.len() - self.keep;
            self.recent.copy_within(drop.., 0);
            self.recent.truncate(self.keep);
        }
        self.recent.push(LwmaBlock { time, bits });
        let switched = self.switch_due(height + 1)?;
        let next = match &self.active {
            Active::Bitcoin => None,
            Active::Asert(a) => Some(
                a.next_bits(height, time)
                    .map_err(|source| DifficultyError::Asert { height, source })?,
            ),
            Active::Lwma(p) => Some(
                lwma_next_bits(p, &self.recent)
                    .map_err(|source| DifficultyError::Lwma { height, source })?,
            ),
        };
        Ok((next, switched))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hashshift_models::consensus::bits_to_difficulty as difficulty_of;

    const BITS: u32 = 0x1702_068f;

    fn spec(initial: DifficultyRule, switches: Vec<(u64, DifficultyRule)>) -> DifficultySpec {
        DifficultySpec {
            initial,
            switches,
            reaction: crate::scenario::Reaction::Intraday,
        }
    }

    #[test]
    fn bitcoin_leaves_retargets_to_the_epoch_end() {
        let mut c =
            DifficultyControl::new(&spec(DifficultyRule::Bitcoin, vec![]), 100, 0, BITS).unwrap();
        assert_eq!(c.rule(), DifficultyRule::Bitcoin);
        assert_eq!(c.after_block(100, 600, BITS).unwrap(), (None, None));
    }

    #[test]
    fn asert_on_schedule_keeps_the_anchor_target() {
        let rule = DifficultyRule::Asert {
            half_life_s: 172_800,
        };
        let mut c = DifficultyControl::new(&spec(rule, vec![]), 1000, 1_000_000, BITS).unwrap();
        // Blocks exactly on schedule keep the target (ASERT's fixed point).
        for i in 0..10 {
            let (next, _) = c
                .after_block(1000 + i, 1_000_000 + 600 * i as i64, BITS)
                .unwrap();
            assert_eq!(next, Some(BITS), "block {i}");
        }
        // A block one half-life late halves the difficulty (doubles the target).
        let (next, _) = c
            .after_block(1010, 1_000_000 + 600 * 10 + 172_800, BITS)
            .unwrap();
        let d = difficulty_of(next.unwrap()) / difficulty_of(BITS);
        assert!((d - 0.5).abs() < 0.002, "{d}");
    }

    #[test]
    fn lwma_needs_no_history_and_reacts_to_slow_blocks() {
        let rule = DifficultyRule::Lwma { window: 45 };
        let mut c = DifficultyControl::new(&spec(rule, vec![]), 1000, 0, BITS).unwrap();
        let (next, _) = c.after_block(1000, 0, BITS).unwrap();
        // On schedule: Bitcoin Gold's 0.998 weight eases the target by 0.2 %.
        let ratio = difficulty_of(next.unwrap()) / difficulty_of(BITS);
        assert!((ratio - 1.0 / 1.00203).abs() < 1e-4, "{ratio}");
        // Half the hashrate: each block takes 1200 s at the start difficulty, proportionally
        // less as the difficulty falls. LWMA settles at half the difficulty.
        let mut bits = next.unwrap();
        let mut t = 0;
        for h in 1001..1400 {
            t += (1200.0 * difficulty_of(bits) / difficulty_of(BITS)).round() as i64;
            bits = c.after_block(h, t, bits).unwrap().0.unwrap();
        }
        let ratio = difficulty_of(bits) / difficulty_of(BITS);
        assert!((ratio - 0.5).abs() < 0.01, "{ratio}");
        // The buffer never grows past its capacity.
        assert!(c.recent.len() <= 2 * 46);
    }

    #[test]
    fn switches_apply_at_their_height() {
        let asert = DifficultyRule::Asert {
            half_life_s: 172_800,
        };
        let s = spec(DifficultyRule::Bitcoin, vec![(1005, asert)]);
        let mut c = DifficultyControl::new(&s, 1000, 0, BITS).unwrap();
        for h in 1000..1004 {
            assert_eq!(
                c.after_block(h, 600 * (h as i64 - 999), BITS).unwrap(),
                (None, None)
            );
        }
        let (next, switched) = c.after_block(1004, 3000, BITS).unwrap();
        assert_eq!(switched, Some(asert));
        assert_eq!(next, Some(BITS));
        assert_eq!(c.rule(), asert);
    }

    #[test]
    fn lwma_weight_matches_bitcoin_gold() {
        assert_eq!(lwma_params(45).unwrap().adjusted_weight(), 13_772);
        assert!(lwma_params(0).is_err());
    }
}
