//! Stage two for `[chain]`: the chain state at the start of a run.

use hashshift_models::consensus;

use super::raw::{ChainKeys, RawChain};
use super::{ChainStart, Ctx, ScenarioError};

/// Resolves `[chain]` for a run starting at `start_unix` (`start_text` as the file gives it).
pub(super) fn resolve(
    cx: &Ctx<'_>,
    c: &mut RawChain,
    start_unix: i64,
    start_text: &str,
) -> Result<ChainStart, ScenarioError> {
    let k = ChainKeys::DEFS;
    let height = cx.value(&k.height, &mut c.height)?;
    let bits_text = cx.value(&k.bits, &mut c.bits)?;
    let bits = parse_bits(&bits_text).ok_or_else(|| {
        cx.invalid(
            "chain.bits",
            format!("{bits_text:?}"),
            "must be a compact target in hex, like \"0x1702068f\"",
        )
    })?;
    consensus::target_from_bits(bits).map_err(|e| {
        cx.invalid(
            "chain.bits",
            format!("{bits_text:?}"),
            format!(
                "{e}; a start needs a valid proof-of-work target (positive, at most powLimit \
                 0x1d00ffff)"
            ),
        )
    })?;
    let mid_epoch = height % consensus::DIFFICULTY_ADJUSTMENT_INTERVAL != 0;
    let epoch_start_time = match (&c.epoch_start_time, mid_epoch) {
        (Some(t), true) => {
            let ts = cx.date("chain.epoch_start_time", t)?;
            if ts > start_unix {
                return Err(cx.invalid(
                    "chain.epoch_start_time",
                    format!("{t:?}"),
                    format!("must not be after start {start_text}"),
                ));
            }
            Some(ts)
        }
        (None, true) => {
            return Err(cx.invalid(
                "chain.height",
                height,
                format!(
                    "{height} is inside epoch {} (not a multiple of 2016), so \
                     chain.epoch_start_time (header time of block {}) is required",
                    height / 2016,
                    height / 2016 * 2016
                ),
            ))
        }
        (Some(t), false) => {
            return Err(cx.invalid(
                "chain.epoch_start_time",
                format!("{t:?}"),
                format!("not used: height {height} is the first block of its epoch; remove it"),
            ))
        }
        (None, false) => None,
    };
    Ok(ChainStart {
        height,
        bits,
        epoch_start_time,
    })
}

fn parse_bits(text: &str) -> Option<u32> {
    let hex = text
        .trim()
        .strip_prefix("0x")
        .or_else(|| text.trim().strip_prefix("0X"))?;
    (hex.len() <= 8 && !hex.is_empty())
        .then(|| u32::from_str_radix(hex, 16).ok())
        .flatten()
}
