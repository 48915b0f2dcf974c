//! Validation of `hashshift_models::consensus`:
//!
//! 1. against the reference data in `shared/reference` (Bitcoin Core test vectors in
//!    `pow_vectors.json`, the subsidy rule in `subsidy.json`, and all 474 real mainnet
//!    epochs in `retargets.csv`). The directory is `$HASHSHIFT_REFERENCE_DIR` or else
//!    `<CARGO_MANIFEST_DIR>/../../shared/reference`. If it is missing the reference tests
//!    print "REFERENCE VALIDATION DID NOT RUN" to stderr and pass, unless
//!    `HASHSHIFT_REQUIRE_REFERENCE=1`, in which case they fail;
//! 2. against an independent, straightforward arbitrary-precision port of Bitcoin Core's
//!    `SetCompact` / `GetCompact` / `CalculateNextWorkRequired` (num-bigint), by proptest.
//!    These always run.

mod common;

use std::collections::HashMap;

use hashshift_models::consensus::{
    bits_to_difficulty, block_proof, block_subsidy, block_subsidy_with_interval,
    check_proof_of_work, decode_compact, encode_compact, next_work_required, pow_limit, retarget,
    target_from_bits, Clamp, COIN, DIFFICULTY_ADJUSTMENT_INTERVAL, MAX_ACTUAL_TIMESPAN,
    MIN_ACTUAL_TIMESPAN, POW_LIMIT_BITS, POW_TARGET_SPACING, POW_TARGET_TIMESPAN,
    SUBSIDY_HALVING_INTERVAL, U256,
};
use num_bigint::BigUint;
use num_traits::{One, ToPrimitive, Zero};
use proptest::prelude::*;
use serde_json::Value;

// ---------------------------------------------------------------------------------------
// Reference directory handling
// ---------------------------------------------------------------------------------------

fn read_json(dir: &std::path::Path, name: &str) -> Value {
    let path = dir.join(name);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("cannot parse {}: {e}", path.display()))
}

// ---------------------------------------------------------------------------------------
// Small parsing helpers
// ---------------------------------------------------------------------------------------

fn parse_bits(s: &str) -> u32 {
    let hex = s
        .trim()
        .strip_prefix("0x")
        .unwrap_or_else(|| panic!("bits {s:?} lacks 0x prefix"));
    u32::from_str_radix(hex, 16).unwrap_or_else(|e| panic!("bad bits {s:?}: {e}"))
}

fn hex(s: &str) -> U256 {
    U256::from_be_hex(s).unwrap_or_else(|| panic!("bad hex {s:?}"))
}

fn str_of<'a>(v: &'a Value, key: &str) -> &'a str {
    v[key]
        .as_str()
        .unwrap_or_else(|| panic!("field {key:?} missing or not a string in {v}"))
}

fn i64_of(v: &Value, key: &str) -> i64 {
    v[key]
        .as_i64()
        .unwrap_or_else(|| panic!("field {key:?} missing or not an integer in {v}"))
}

fn u64_of(v: &Value, key: &str) -> u64 {
    v[key]
        .as_u64()
        .unwrap_or_else(|| panic!("field {key:?} missing or not an unsigned integer in {v}"))
}

fn f64_of(v: &Value, key: &str) -> f64 {
    v[key]
        .as_f64()
        .unwrap_or_else(|| panic!("field {key:?} missing or not a number in {v}"))
}

fn bool_of(v: &Value, key: &str) -> bool {
    v[key]
        .as_bool()
        .unwrap_or_else(|| panic!("field {key:?} missing or not a bool in {v}"))
}

fn arr<'a>(v: &'a Value, key: &str) -> &'a Vec<Value> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("field {key:?} missing or not an array"))
}

/// Bitcoin Core `PermittedDifficultyTransition` on a retarget height, via the public API:
/// the new target must lie between the rounded x4 and /4 extremes.
fn permitted_retarget_transition(old_bits: u32, new_bits: u32) -> bool {
    let observed = decode_compact(new_bits).target;
    let max = decode_compact(next_work_required(old_bits, 0, MAX_ACTUAL_TIMESPAN)).target;
    let min = decode_compact(next_work_required(old_bits, 0, MIN_ACTUAL_TIMESPAN)).target;
    min <= observed && observed <= max
}

// ---------------------------------------------------------------------------------------
// pow_vectors.json
// ---------------------------------------------------------------------------------------

#[test]
fn pow_vectors_json() {
    let Some(dir) = common::reference_dir("REFERENCE VALIDATION") else {
        return;
    };
    let v = read_json(&dir, "pow_vectors.json");
    let mut checks = 0usize;

    // Mainnet parameters.
    let p = &v["mainnet_consensus_params"];
    assert_eq!(i64_of(p, "nPowTargetTimespan"), POW_TARGET_TIMESPAN);
    assert_eq!(i64_of(p, "nPowTargetSpacing"), POW_TARGET_SPACING);
    assert_eq!(
        u64_of(p, "DifficultyAdjustmentInterval"),
        DIFFICULTY_ADJUSTMENT_INTERVAL
    );
    assert_eq!(
        u64_of(p, "nSubsidyHalvingInterval"),
        SUBSIDY_HALVING_INTERVAL
    );
    assert_eq!(hex(str_of(p, "powLimit")), pow_limit());
    assert_eq!(parse_bits(str_of(p, "powLimit_compact")), POW_LIMIT_BITS);
    assert_eq!(encode_compact(&pow_limit(), false), POW_LIMIT_BITS);
    assert_eq!(
        hex(str_of(p, "difficulty_1_target")),
        decode_compact(POW_LIMIT_BITS).target
    );
    let g = &p["genesis"];
    let genesis_bits = parse_bits(str_of(g, "nbits"));
    assert_eq!(genesis_bits, POW_LIMIT_BITS);
    assert_eq!(u64_of(g, "reward_sat"), block_subsidy(0));
    assert!(check_proof_of_work(&hex(str_of(g, "hash")), genesis_bits));
    checks += 10;

    // calculate_next_work_required (Core pow_tests.cpp).
    let cases = arr(&v, "calculate_next_work_required");
    assert_eq!(cases.len(), 4);
    for c in cases {
        let name = str_of(c, "name");
        let inp = &c["inputs"];
        let first = i64_of(inp, "last_retarget_time_nFirstBlockTime");
        let last = i64_of(inp, "last_block_time");
        let bits = parse_bits(str_of(inp, "last_block_nbits"));
        assert_eq!(hex(str_of(inp, "pow_limit")), pow_limit(), "{name}");
        assert_eq!(
            parse_bits(str_of(inp, "pow_limit_compact")),
            POW_LIMIT_BITS,
            "{name}"
        );
        assert_eq!(
            i64_of(inp, "nPowTargetTimespan"),
            POW_TARGET_TIMESPAN,
            "{name}"
        );
        let expected = parse_bits(str_of(c, "expected_nbits"));
        let r = retarget(bits, first, last);
        assert_eq!(r.bits, expected, "{name}: got {:#010x}", r.bits);
        assert_eq!(next_work_required(bits, first, last), expected, "{name}");
        assert_eq!(
            decode_compact(r.bits).target,
            hex(str_of(c, "expected_target_hex")),
            "{name}"
        );
        let d = &c["derived"];
        assert_eq!(r.timespan, i64_of(d, "actual_timespan_raw_s"), "{name}");
        assert_eq!(
            r.clamped_timespan,
            i64_of(d, "actual_timespan_clamped_s"),
            "{name}"
        );
        assert_eq!(
            decode_compact(bits).target,
            hex(str_of(d, "old_target_hex")),
            "{name}"
        );
        let expected_clamp = match name {
            "get_next_work_lower_limit_actual" => Clamp::Lower,
            "get_next_work_upper_limit_actual" => Clamp::Upper,
            _ => Clamp::None,
        };
        assert_eq!(r.clamp, expected_clamp, "{name}");
        // PermittedDifficultyTransition cases.
        let pdt = c["permitted_difficulty_transition"]
            .as_object()
            .unwrap_or_else(|| panic!("{name}: permitted_difficulty_transition"));
        for (k, val) in pdt {
            let nb = parse_bits(val.as_str().unwrap_or_else(|| panic!("{name}: {k}")));
            let should_pass = k == "valid";
            assert!(
                k == "valid" || k.starts_with("invalid"),
                "{name}: unknown key {k}"
            );
            assert_eq!(
                permitted_retarget_transition(bits, nb),
                should_pass,
                "{name}: {k}"
            );
            checks += 1;
        }
        checks += 1;
    }

    // SetCompact / GetCompact (Core arith_uint256_tests.cpp).
    let cases = arr(&v, "compact_setcompact_getcompact");
    assert_eq!(cases.len(), 20);
    for c in cases {
        let bits = parse_bits(str_of(c, "compact"));
        let d = decode_compact(bits);
        assert_eq!(
            d.negative,
            bool_of(c, "fNegative"),
            "negative of {bits:#010x}"
        );
        assert_eq!(
            d.overflow,
            bool_of(c, "fOverflow"),
            "overflow of {bits:#010x}"
        );
        if let Some(hx) = c["decoded_hex"].as_str() {
            assert_eq!(d.target, hex(hx), "value of {bits:#010x}");
        } else {
            // Core's test only checks the flags for this overflowing case.
            assert!(
                d.overflow,
                "{bits:#010x}: null decoded value but no overflow"
            );
        }
        if let Some(gc) = c["getcompact"].as_str() {
            let neg = bool_of(c, "getcompact_called_with_negative_flag");
            assert_eq!(
                encode_compact(&d.target, neg),
                parse_bits(gc),
                "GetCompact({bits:#010x})"
            );
        }
        checks += 1;
    }
    for c in arr(&v, "compact_getcompact_only") {
        let x = hex(str_of(c, "value_hex"));
        assert_eq!(
            encode_compact(&x, false),
            parse_bits(str_of(c, "expected_getcompact"))
        );
        checks += 1;
    }

    // CheckProofOfWork must-fail cases. The nbits/hash fields are partly descriptive
    // expressions; each known expression is evaluated explicitly and checked against the
    // literal value stated after '='.
    let cases = arr(&v, "check_proof_of_work_must_fail");
    assert_eq!(cases.len(), 5);
    for c in cases {
        let test = str_of(c, "test");
        let nbits_field = str_of(c, "nbits");
        let (expr, literal) = match nbits_field.rsplit_once('=') {
            Some((e, l)) if l.trim().starts_with("0x") => (e.trim(), l.trim()),
            _ => ("", nbits_field.trim()),
        };
        let bits = parse_bits(literal);
        let evaluated = match expr {
            "" => bits,
            "powLimit.GetCompact(fNegative=true)" => encode_compact(&pow_limit(), true),
            "(powLimit*2).GetCompact()" => encode_compact(&(pow_limit() * 2u64), false),
            "powLimit.GetCompact()" => encode_compact(&pow_limit(), false),
            other => panic!("{test}: unknown nbits expression {other:?}"),
        };
        assert_eq!(
            evaluated, bits,
            "{test}: {expr} evaluates to {evaluated:#010x}"
        );
        let hash = match str_of(c, "hash") {
            "powLimit*2" => pow_limit() * 2u64,
            h => U256::from_be_hex(h).unwrap_or_else(|| panic!("{test}: unknown hash {h:?}")),
        };
        let expect = bool_of(c, "expect");
        assert_eq!(check_proof_of_work(&hash, bits), expect, "{test}");
        checks += 1;
    }

    // GetDifficulty (Core blockchain_tests.cpp uses |a - b| < tolerance).
    let cases = arr(&v, "get_difficulty_rpc");
    assert_eq!(cases.len(), 5);
    for c in cases {
        let bits = parse_bits(str_of(c, "nbits"));
        let d = bits_to_difficulty(bits);
        let expected = f64_of(c, "expected_difficulty");
        let tol = f64_of(c, "tolerance");
        assert!(
            (d - expected).abs() < tol,
            "{}: {d} vs {expected}",
            str_of(c, "test")
        );
        checks += 1;
    }

    // Block 840000.
    let b = &v["real_chain_examples"]["block_840000"];
    let bits = parse_bits(str_of(b, "nbits"));
    assert_eq!(u64::from(bits), u64_of(b, "bits_decimal"));
    assert_eq!(
        bits_to_difficulty(bits),
        f64_of(b, "difficulty"),
        "840000 difficulty"
    );
    assert_eq!(block_subsidy(840_000), u64_of(b, "subsidy_sat"));
    assert!(check_proof_of_work(&hex(str_of(b, "hash")), bits));
    let chainwork_840000 = hex(str_of(b, "chainwork"));
    checks += 4;
    // Chain-work consistency with the bitcoinj checkpoint at 838656 (epoch 416), if present.
    if let Some(rows) = read_retargets(&dir) {
        let e416 = rows.iter().find(|r| r.epoch == 416).expect("epoch 416");
        assert_eq!(e416.nbits, bits);
        let w = e416.chainwork.expect("chainwork at 838656");
        assert_eq!(
            w + block_proof(&decode_compact(bits).target) * 1344u64,
            chainwork_840000
        );
        checks += 1;
    }
    eprintln!("pow_vectors.json: {checks} checks passed");
}

// ---------------------------------------------------------------------------------------
// subsidy.json
// ---------------------------------------------------------------------------------------

#[test]
fn subsidy_json() {
    let Some(dir) = common::reference_dir("REFERENCE VALIDATION") else {
        return;
    };
    let v = read_json(&dir, "subsidy.json");
    assert_eq!(u64_of(&v, "COIN_sat"), COIN);
    assert_eq!(
        u64_of(&v, "nSubsidyHalvingInterval"),
        SUBSIDY_HALVING_INTERVAL
    );

    // block_subsidy_test, for each listed interval.
    for iv in arr(&v["block_subsidy_test"], "intervals") {
        let interval = iv
            .as_u64()
            .and_then(std::num::NonZeroU64::new)
            .expect("interval");
        let mut previous = 2 * 50 * COIN;
        for k in 0..64u64 {
            let s = block_subsidy_with_interval(k * interval.get(), interval);
            assert_eq!(s, previous / 2, "interval {interval} halving {k}");
            if interval.get() == SUBSIDY_HALVING_INTERVAL {
                assert_eq!(s, block_subsidy(k * interval.get()));
            }
            previous = s;
        }
        assert_eq!(
            block_subsidy_with_interval(64 * interval.get(), interval),
            0
        );
    }
    assert_eq!(block_subsidy(64 * SUBSIDY_HALVING_INTERVAL), 0);

    // subsidy_limit_test.
    let mut sum = 0u64;
    for h in (0..14_000_000u64).step_by(1000) {
        sum += block_subsidy(h) * 1000;
        assert!(sum <= u64_of(&v, "MAX_MONEY_sat"));
    }
    assert_eq!(sum, u64_of(&v["subsidy_limit_test"], "expected_sum_sat"));

    // Exact total by eras.
    let total: u64 = (0..64u64)
        .map(|e| block_subsidy(e * SUBSIDY_HALVING_INTERVAL) * SUBSIDY_HALVING_INTERVAL)
        .sum();
    assert_eq!(total, u64_of(&v, "exact_total_all_blocks_sat"));

    let last = u64_of(&v, "last_height_with_subsidy");
    let first_zero = u64_of(&v, "first_height_with_zero_subsidy");
    assert!(block_subsidy(last) > 0);
    assert_eq!(first_zero, last + 1);
    assert_eq!(block_subsidy(first_zero), 0);

    let eras = arr(&v, "schedule_first_34_eras");
    assert_eq!(eras.len(), 34);
    for e in eras {
        let first = u64_of(e, "first_height");
        let last = u64_of(e, "last_height");
        let s = u64_of(e, "subsidy_sat");
        assert_eq!(first, u64_of(e, "halving_index") * SUBSIDY_HALVING_INTERVAL);
        assert_eq!(last, first + SUBSIDY_HALVING_INTERVAL - 1);
        assert_eq!(block_subsidy(first), s, "era {first}");
        assert_eq!(block_subsidy(last), s, "era {first}");
        assert_eq!(
            s as f64 / COIN as f64,
            f64_of(e, "subsidy_btc"),
            "era {first}"
        );
    }
    for hv in arr(&v, "halvings_observed") {
        let h = u64_of(hv, "height");
        let after = (f64_of(hv, "subsidy_after_btc") * COIN as f64).round() as u64;
        assert_eq!(block_subsidy(h), after);
        assert_eq!(block_subsidy(h - 1), 2 * after);
    }
    let next = &v["next_halving"];
    let h = u64_of(next, "height");
    assert_eq!(
        block_subsidy(h) as f64 / COIN as f64,
        f64_of(next, "subsidy_after_btc")
    );
    eprintln!("subsidy.json: all checks passed (total {total} sat)");
}

// ---------------------------------------------------------------------------------------
// retargets.csv
// ---------------------------------------------------------------------------------------

struct EpochRow {
    epoch: u64,
    start_height: u64,
    end_height: u64,
    start_time: Option<i64>,
    nbits: u32,
    target: U256,
    difficulty: f64,
    change_pct: Option<f64>,
    implied: Option<f64>,
    approx: Option<i64>,
    start_hash: Option<U256>,
    last_hash: Option<U256>,
    chainwork: Option<U256>,
}

fn read_retargets(dir: &std::path::Path) -> Option<Vec<EpochRow>> {
    let path = dir.join("retargets.csv");
    let text = std::fs::read_to_string(&path).ok()?;
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let col: HashMap<&str, usize> = header.iter().enumerate().map(|(i, h)| (*h, i)).collect();
    for name in [
        "epoch",
        "start_height",
        "end_height",
        "start_block_time_unix",
        "nbits_hex",
        "target_hex",
        "difficulty",
        "difficulty_change_pct",
        "implied_prev_timespan_s_from_targets",
        "prev_epoch_first_to_next_first_s",
        "start_block_hash",
        "last_block_hash",
        "chainwork_at_start_block_hex",
    ] {
        assert!(col.contains_key(name), "retargets.csv lacks column {name}");
    }
    let mut rows = Vec::new();
    for (n, line) in lines.enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(
            f.len(),
            header.len(),
            "retargets.csv line {}: field count",
            n + 2
        );
        let get = |name: &str| f[col[name]].trim();
        let opt = |name: &str| Some(get(name)).filter(|s| !s.is_empty());
        let num = |name: &str| -> u64 {
            get(name)
                .parse()
                .unwrap_or_else(|e| panic!("line {}: {name}: {e}", n + 2))
        };
        rows.push(EpochRow {
            epoch: num("epoch"),
            start_height: num("start_height"),
            end_height: num("end_height"),
            start_time: opt("start_block_time_unix").map(|s| s.parse().expect("time")),
            nbits: parse_bits(get("nbits_hex")),
            target: hex(get("target_hex")),
            difficulty: get("difficulty").parse().expect("difficulty"),
            change_pct: opt("difficulty_change_pct").map(|s| s.parse().expect("pct")),
            implied: opt("implied_prev_timespan_s_from_targets").map(|s| s.parse().expect("imp")),
            approx: opt("prev_epoch_first_to_next_first_s").map(|s| s.parse().expect("approx")),
            start_hash: opt("start_block_hash").map(hex),
            last_hash: opt("last_block_hash").map(hex),
            chainwork: opt("chainwork_at_start_block_hex").map(hex),
        });
    }
    Some(rows)
}

/// Exact set of measured timespans `T` (with `first_block_time = 0`) for which
/// `next_work_required(old_bits, 0, T) == new_bits`, as an inclusive interval, with
/// `i64::MIN` / `i64::MAX` meaning unbounded (clamped region). `None` if unreachable.
///
/// The result target is monotone non-decreasing in `T` (clamp, multiply, floor-divide,
/// min with powLimit and truncating encode are all monotone), so two binary searches over
/// `[302400, 4838400]` find the exact interval; the caller cross-checks by brute force.
fn reachable_timespans(old_bits: u32, new_bits: u32) -> Option<(i64, i64)> {
    let want = decode_compact(new_bits).target;
    let key = |t: i64| decode_compact(next_work_required(old_bits, 0, t)).target;
    let (min, max) = (MIN_ACTUAL_TIMESPAN, MAX_ACTUAL_TIMESPAN);
    // lo = smallest T with key(T) >= want.
    if key(max) < want {
        return None;
    }
    let (mut a, mut b) = (min, max);
    while a < b {
        let m = a + (b - a) / 2;
        if key(m) >= want {
            b = m;
        } else {
            a = m + 1;
        }
    }
    let lo = a;
    // hi = largest T with key(T) <= want.
    if key(min) > want {
        return None;
    }
    let (mut a, mut b) = (min, max);
    while a < b {
        let m = a + (b - a + 1) / 2;
        if key(m) <= want {
            a = m;
        } else {
            b = m - 1;
        }
    }
    let hi = a;
    if lo > hi || next_work_required(old_bits, 0, lo) != new_bits {
        return None;
    }
    let lo = if lo == min { i64::MIN } else { lo };
    let hi = if hi == max { i64::MAX } else { hi };
    Some((lo, hi))
}

/// The point of `[lo, hi]` closest to `x`.
fn nearest_in(x: i64, (lo, hi): (i64, i64)) -> i64 {
    x.clamp(lo, hi)
}

#[test]
fn retargets_csv() {
    let Some(dir) = common::reference_dir("REFERENCE VALIDATION") else {
        return;
    };
    let rows = read_retargets(&dir).expect("retargets.csv present in the reference dir");
    assert_eq!(rows.len(), 474, "epochs 0..=473");

    // Per-epoch checks.
    let mut hashes_checked = 0usize;
    let mut chainwork_checked = 0usize;
    for (i, r) in rows.iter().enumerate() {
        assert_eq!(r.epoch, i as u64);
        assert_eq!(r.start_height, r.epoch * DIFFICULTY_ADJUSTMENT_INTERVAL);
        assert_eq!(
            r.end_height,
            r.start_height + DIFFICULTY_ADJUSTMENT_INTERVAL - 1
        );
        let target = target_from_bits(r.nbits).unwrap_or_else(|e| panic!("epoch {}: {e}", r.epoch));
        assert_eq!(target, r.target, "epoch {} target_hex", r.epoch);
        assert_eq!(
            encode_compact(&r.target, false),
            r.nbits,
            "epoch {} canonical",
            r.epoch
        );
        let d = bits_to_difficulty(r.nbits);
        assert!(
            ((d - r.difficulty) / r.difficulty).abs() <= 1e-12,
            "epoch {}: difficulty {d} vs {}",
            r.epoch,
            r.difficulty
        );
        for h in [r.start_hash, r.last_hash].into_iter().flatten() {
            assert!(
                check_proof_of_work(&h, r.nbits),
                "epoch {}: hash {h:?} fails PoW",
                r.epoch
            );
            hashes_checked += 1;
        }
        if i > 0 {
            let p = &rows[i - 1];
            if let Some(pct) = r.change_pct {
                let ours = 100.0 * (d / bits_to_difficulty(p.nbits) - 1.0);
                assert!(
                    (ours - pct).abs() <= 5.1e-5,
                    "epoch {}: change {ours} vs {pct}",
                    r.epoch
                );
            }
            // Chain work includes the block: cw(k) = cw(k-1) + 2015*proof(k-1) + proof(k),
            // with cw(0) = proof(genesis).
            let prev_cw = if i == 1 {
                Some(block_proof(&p.target))
            } else {
                p.chainwork
            };
            if let (Some(prev_cw), Some(cw)) = (prev_cw, r.chainwork) {
                let expected = prev_cw + block_proof(&p.target) * 2015u64 + block_proof(&r.target);
                assert_eq!(expected, cw, "epoch {} chainwork", r.epoch);
                chainwork_checked += 1;
            }
        }
    }

    // Transitions k-1 -> k.
    const WINDOW: i64 = 2000;
    const LOOSE_BELOW: i64 = 4 * 3600; // true timespan may be up to 4 h below the approximation
    const LOOSE_ABOVE: i64 = 2 * 3600; // ... or up to 2 h above it
    let mut reachable = 0usize;
    let mut permitted = 0usize;
    let mut with_times = 0usize;
    let mut loose_ok = 0usize;
    let mut tight_ok = 0usize;
    let mut exact_scan_points = 0usize;
    let mut gaps: Vec<(i64, u64)> = Vec::new();
    let mut lower_clamped = Vec::new();
    let mut capped = 0usize;
    for k in 1..rows.len() {
        let (p, r) = (&rows[k - 1], &rows[k]);
        let range = reachable_timespans(p.nbits, r.nbits).unwrap_or_else(|| {
            panic!(
                "epoch {}: {:#010x} not reachable from {:#010x}",
                r.epoch, r.nbits, p.nbits
            )
        });
        reachable += 1;
        assert!(
            permitted_retarget_transition(p.nbits, r.nbits),
            "epoch {}",
            r.epoch
        );
        permitted += 1;
        if range.0 == i64::MIN {
            lower_clamped.push(r.epoch);
        }
        if range.1 == i64::MAX && range.0 >= POW_TARGET_TIMESPAN && p.nbits == POW_LIMIT_BITS {
            capped += 1;
        }

        // Cross-check against the implied timespan and by brute force around it: the set
        // found by scanning every integer T in the window equals the window's intersection
        // with the binary-searched interval (so monotonicity is confirmed locally).
        let implied = r.implied.expect("implied timespan for k >= 1");
        let centre = implied.round() as i64;
        let (wlo, whi) = (centre - WINDOW, centre + WINDOW);
        let mut scan: Option<(i64, i64)> = None;
        for t in wlo..=whi {
            if next_work_required(p.nbits, 0, t) == r.nbits {
                scan = Some(match scan {
                    None => (t, t),
                    Some((a, b)) => {
                        assert_eq!(b, t - 1, "epoch {}: reachable set not contiguous", r.epoch);
                        (a, t)
                    }
                });
                exact_scan_points += 1;
            }
        }
        let expected_scan = (range.0.max(wlo), range.1.min(whi));
        assert!(
            expected_scan.0 <= expected_scan.1,
            "epoch {}: implied {implied} far from {range:?}",
            r.epoch
        );
        assert_eq!(scan, Some(expected_scan), "epoch {}", r.epoch);
        // The implied value underestimates T by at most the compact rounding.
        assert!(
            (range.0 as f64) <= implied + 1.0 && implied - 1.0 <= range.1 as f64 + 40.0,
            "epoch {}: implied {implied} vs reachable {range:?}",
            r.epoch
        );

        // Against first-block timestamps: approx = first(k) - first(k-1) = T + gap, where
        // gap = time(first block of k) - time(last block of k-1) is one block interval
        // (timestamps can be out of order by up to about 2 h either way).
        if let Some(approx) = r.approx {
            with_times += 1;
            assert_eq!(
                Some(approx),
                r.start_time.zip(p.start_time).map(|(a, b)| a - b)
            );
            let t_near = nearest_in(approx, range);
            let gap = approx - t_near; // the gap closest to zero consistent with the data
            gaps.push((gap, r.epoch));
            let loose = (range.0 <= approx + LOOSE_ABOVE) && (range.1 >= approx - LOOSE_BELOW);
            assert!(
                loose,
                "epoch {}: reachable timespans {range:?} not within [-4h, +2h] of {approx}",
                r.epoch
            );
            loose_ok += 1;
            if (0..=2 * 3600).contains(&gap) {
                tight_ok += 1;
            }
        }
    }
    let n = rows.len() - 1;
    assert_eq!(reachable, 473);
    gaps.sort();
    let median = gaps[gaps.len() / 2].0;
    let negative = gaps.iter().filter(|g| g.0 < 0).count();
    let over_1h = gaps.iter().filter(|g| g.0 > 3600).count();
    eprintln!("{reachable}/{n} mainnet retargets reachable");
    eprintln!(
        "{permitted}/{n} permitted transitions; {capped} capped at powLimit; \
         lower clamp (x4) at epochs {lower_clamped:?}"
    );
    eprintln!("brute-force scan over implied +-{WINDOW} s agreed exactly ({exact_scan_points} matching T)");
    eprintln!(
        "{loose_ok}/{with_times} with timestamps consistent within [-4h, +2h]; \
         {tight_ok}/{with_times} with a boundary gap in [0, 2h]; \
         gap median {median} s, {negative} negative, {over_1h} over 1 h, \
         extremes {:?} .. {:?}",
        &gaps[..3],
        &gaps[gaps.len() - 3..]
    );
    eprintln!(
        "{} epochs: target/difficulty checked; {hashes_checked} block hashes pass PoW; \
         {chainwork_checked} chainwork steps exact",
        rows.len()
    );
}

// ---------------------------------------------------------------------------------------
// Independent big-integer port of Bitcoin Core (num-bigint) and property tests
// ---------------------------------------------------------------------------------------

fn two256() -> BigUint {
    BigUint::one() << 256u32
}

fn to_big(x: &U256) -> BigUint {
    BigUint::from_bytes_be(&x.to_be_bytes())
}

fn from_big(x: &BigUint) -> U256 {
    let bytes = x.to_bytes_be();
    assert!(bytes.len() <= 32, "value exceeds 256 bits");
    let mut out = [0u8; 32];
    out[32 - bytes.len()..].copy_from_slice(&bytes);
    U256::from_be_bytes(out)
}

/// arith_uint256::SetCompact: (value mod 2^256, negative, overflow).
fn ref_set_compact(n: u32) -> (BigUint, bool, bool) {
    let size = n >> 24;
    let mut word = n & 0x007f_ffff;
    let value = if size <= 3 {
        word >>= 8 * (3 - size);
        BigUint::from(word)
    } else {
        (BigUint::from(word) << (8 * (size - 3))) % two256()
    };
    let negative = word != 0 && (n & 0x0080_0000) != 0;
    let overflow =
        word != 0 && (size > 34 || (word > 0xff && size > 33) || (word > 0xffff && size > 32));
    (value, negative, overflow)
}

/// arith_uint256::GetCompact.
fn ref_get_compact(v: &BigUint, negative: bool) -> u32 {
    let mut size = v.bits().div_ceil(8) as u32;
    let mut compact: u32 = if size <= 3 {
        (v.to_u64().expect("small") << (8 * (3 - size))) as u32
    } else {
        (v >> (8 * (size - 3))).to_u32().expect("3 bytes")
    };
    if compact & 0x0080_0000 != 0 {
        compact >>= 8;
        size += 1;
    }
    compact |= size << 24;
    if negative && compact & 0x007f_ffff != 0 {
        compact |= 0x0080_0000;
    }
    compact
}

fn ref_pow_limit() -> BigUint {
    (BigUint::one() << 224u32) - BigUint::one()
}

/// CalculateNextWorkRequired, written out directly from pow.cpp with big integers.
#[allow(clippy::manual_clamp)] // kept in Core's literal two-`if` form on purpose
fn ref_next_work_required(bits: u32, first: i64, last: i64) -> u32 {
    let timespan: i128 = i128::from(last) - i128::from(first);
    let mut actual = timespan;
    if actual < 1_209_600 / 4 {
        actual = 1_209_600 / 4;
    }
    if actual > 1_209_600 * 4 {
        actual = 1_209_600 * 4;
    }
    let (mut bn, _, _) = ref_set_compact(bits);
    bn = (bn * BigUint::from(actual as u64)) % two256();
    bn /= BigUint::from(1_209_600u32);
    if bn > ref_pow_limit() {
        bn = ref_pow_limit();
    }
    ref_get_compact(&bn, false)
}

fn ref_valid_target(bits: u32) -> bool {
    let (v, neg, ovf) = ref_set_compact(bits);
    !neg && !ovf && !v.is_zero() && v <= ref_pow_limit()
}

/// Any U256 with a random bit length (so small and large values are both common).
fn arb_u256() -> impl Strategy<Value = U256> {
    (any::<[u64; 4]>(), 0u32..=256).prop_map(|(l, s)| U256::from_limbs(l) >> s)
}

fn arb_valid_bits() -> impl Strategy<Value = u32> {
    (0u32..=0x1d, 0u32..=0x7f_ffff)
        .prop_map(|(e, m)| e << 24 | m)
        .prop_filter("valid PoW target", |&b| ref_valid_target(b))
}

proptest! {
    // No failure persistence: integration tests have no lib.rs for proptest to locate, and
    // regressions files would land outside this test's directory.
    #![proptest_config(ProptestConfig {
        cases: 2000,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn next_work_matches_bigint_port_valid_bits(
        bits in arb_valid_bits(),
        first in 0i64..(1i64 << 40),
        delta in -10_000_000i64..100_000_000,
    ) {
        prop_assert!(target_from_bits(bits).is_ok());
        let last = first + delta;
        prop_assert_eq!(next_work_required(bits, first, last), ref_next_work_required(bits, first, last));
        // Near the interesting region too.
        let t = 1_209_600 + delta / 100;
        prop_assert_eq!(next_work_required(bits, first, first + t), ref_next_work_required(bits, first, first + t));
    }

    #[test]
    fn next_work_matches_bigint_port_any_bits(
        bits in any::<u32>(),
        first in any::<i64>(),
        last in any::<i64>(),
        delta in -10_000_000i64..100_000_000,
    ) {
        // Arbitrary bits: negative/overflowing/huge targets, wrapping multiplication.
        prop_assert_eq!(next_work_required(bits, first, last), ref_next_work_required(bits, first, last));
        prop_assert_eq!(next_work_required(bits, 0, delta), ref_next_work_required(bits, 0, delta));
        let r = retarget(bits, first, last);
        let expected_clamp = match i128::from(last) - i128::from(first) {
            t if t < 302_400 => Clamp::Lower,
            t if t > 4_838_400 => Clamp::Upper,
            _ => Clamp::None,
        };
        prop_assert_eq!(r.clamp, expected_clamp);
    }

    #[test]
    fn decode_matches_bigint_port(bits in any::<u32>()) {
        let (v, neg, ovf) = ref_set_compact(bits);
        let c = decode_compact(bits);
        prop_assert_eq!(c.target, from_big(&v));
        prop_assert_eq!(c.negative, neg);
        prop_assert_eq!(c.overflow, ovf);
        prop_assert_eq!(target_from_bits(bits).is_ok(), ref_valid_target(bits));
        prop_assert_eq!(check_proof_of_work(&U256::ZERO, bits), ref_valid_target(bits));
    }

    #[test]
    fn encode_decode_truncates(x in arb_u256(), negative in any::<bool>()) {
        let bits = encode_compact(&x, false);
        prop_assert_eq!(bits, ref_get_compact(&to_big(&x), false));
        let back = decode_compact(bits);
        prop_assert!(!back.negative && !back.overflow);
        prop_assert!(back.target <= x);
        // Truncation of x to its top 3 significant bytes, or top 2 when the leading byte
        // is >= 0x80 (GetCompact then moves to a larger exponent to avoid the sign bit).
        let size = x.bits().div_ceil(8);
        let top_byte = if size == 0 { 0 } else { (x >> (8 * (size - 1))).low_u64() };
        let keep = if top_byte >= 0x80 { 2 } else { 3 };
        let drop = size.saturating_sub(keep);
        prop_assert_eq!(back.target, (x >> (8 * drop)) << (8 * drop));
        // Idempotent on its own output.
        prop_assert_eq!(encode_compact(&back.target, false), bits);
        // The sign flag.
        let neg_bits = encode_compact(&x, negative);
        prop_assert_eq!(neg_bits, ref_get_compact(&to_big(&x), negative));
        let nd = decode_compact(neg_bits);
        prop_assert_eq!(nd.target, back.target);
        prop_assert_eq!(nd.negative, negative && !back.target.is_zero());
    }

    #[test]
    fn u256_ops_match_bigint(a in arb_u256(), b in arb_u256(), m in any::<u64>(), s in 0u32..300) {
        let (ba, bb) = (to_big(&a), to_big(&b));
        let modulus = two256();
        prop_assert_eq!(to_big(&(a + b)), (&ba + &bb) % &modulus);
        prop_assert_eq!(to_big(&(a - b)), (&ba + &modulus - &bb) % &modulus);
        prop_assert_eq!(a.checked_add(b).is_none(), &ba + &bb >= modulus);
        prop_assert_eq!(a.checked_sub(b).is_none(), ba < bb);
        prop_assert_eq!(to_big(&(a * m)), (&ba * BigUint::from(m)) % &modulus);
        prop_assert_eq!(a.checked_mul_u64(m).is_none(), &ba * BigUint::from(m) >= modulus);
        prop_assert_eq!(to_big(&(a * b)), (&ba * &bb) % &modulus);
        prop_assert_eq!(to_big(&(a << s)), (&ba << s) % &modulus);
        prop_assert_eq!(to_big(&(a >> s)), &ba >> s);
        prop_assert_eq!(to_big(&!a), &modulus - BigUint::one() - &ba);
        prop_assert_eq!(u64::from(a.bits()), ba.bits());
        prop_assert_eq!(a.cmp(&b), ba.cmp(&bb));
        prop_assert_eq!(a.to_string(), ba.to_string());
        prop_assert_eq!(format!("{a:x}"), ba.to_str_radix(16));
        prop_assert_eq!(U256::from_be_hex(&a.to_be_hex()), Some(a));
        match a.div_rem(b) {
            None => prop_assert!(bb.is_zero()),
            Some((q, r)) => {
                prop_assert_eq!(to_big(&q), &ba / &bb);
                prop_assert_eq!(to_big(&r), &ba % &bb);
            }
        }
        if m != 0 {
            prop_assert_eq!(to_big(&(a / m)), &ba / BigUint::from(m));
        }
        let f = a.to_f64();
        let exact = ba.to_f64().expect("finite");
        prop_assert!(f == exact || ((f - exact) / exact).abs() < 1e-15, "{} vs {}", f, exact);
        // block_proof = floor(2^256 / (target + 1)) for target < 2^256 - 1.
        if !a.is_zero() {
            prop_assert_eq!(to_big(&block_proof(&a)), &modulus / (&ba + BigUint::one()));
        }
    }
}
