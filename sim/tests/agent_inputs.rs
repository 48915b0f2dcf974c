//! Bad agent inputs are refused with a message naming the file, the key and the allowed range,
//! exit code 2, and no output folder.

use crate::common;

use common::assert_bad_input;

const FLEET: &str = "start = \"2026-05-29\"\nhorizon_years = 0.1\n[hashrate]\nkind = \"fleet\"\n[network]\nsites = 50\n";

fn with(extra: &str) -> String {
    format!("{FLEET}{extra}")
}

#[test]
fn a_firm_whose_sites_exceed_its_capacity_is_refused() {
    let text = with(
        r#"[[firms.custom]]
name = "Overbuilt"
capacity_mw = 100.0
self_mining_ehs = 1.0
efficiency_j_per_th = 20.0
sites = [
  { name = "a", region = "us", capacity_mw = 80.0 },
  { name = "b", region = "canada", capacity_mw = 40.0 },
]
"#,
    );
    assert_bad_input(
        "overbuilt",
        Some(&text),
        &[],
        &[
            "overbuilt.toml",
            "firms.custom[0].sites",
            "120 MW",
            "capacity_mw = 100",
        ],
    );
}

#[test]
fn a_contract_tenor_of_zero_is_refused() {
    assert_bad_input(
        "tenor",
        Some(&with("[ai]\ntenor_years = 0.0\n")),
        &[],
        &["tenor.toml", "ai.tenor_years", "(0, 50] years"],
    );
    // The same through --set.
    assert_bad_input(
        "tenor_set",
        Some(FLEET),
        &["--set", "ai.tenor_years=0"],
        &["ai.tenor_years"],
    );
}

#[test]
fn a_demand_path_with_negative_mw_is_refused() {
    let text = with(
        r#"[ai]
demand_kind = "piecewise"
demand_points = [ { at = "2026-06-01", mw = 1000.0 }, { at = "2027-01-01", mw = -5.0 } ]
"#,
    );
    assert_bad_input(
        "demand",
        Some(&text),
        &[],
        &[
            "demand.toml",
            "ai.demand_points[1].mw",
            "-5",
            "[0, 10000000] MW",
        ],
    );
}

#[test]
fn other_agent_keys_name_their_range() {
    for (name, extra, expect) in [
        ("count", "[firms]\ncount = 500\n", "firms.count"),
        (
            "shares",
            "[firms]\nbelief_naive = 0.9\n",
            "belief_naive + belief_adaptive + belief_drift",
        ),
        (
            "ticker",
            "[firms]\npublic_miners = [\"NOPE\"]\n",
            "firms.public_miners",
        ),
        (
            "relocation",
            "[firms]\nrelocation_lead_time_days = -1.0\n",
            "relocation_lead_time_days",
        ),
        ("gross", "[ai]\ngross_to_it = 1.5\n", "ai.gross_to_it"),
        ("unknown", "[ai]\ncolo_rate = 1.0\n", "colo_rate"),
        (
            "region",
            "[energy.regions.us]\nai_suitability = 2.0\n",
            "ai_suitability",
        ),
    ] {
        assert_bad_input(name, Some(&with(extra)), &[], &[expect]);
    }
    // [firms] needs a fleet.
    assert_bad_input(
        "nofleet",
        Some("start = \"2026-05-29\"\nhorizon_years = 0.1\n[firms]\ncount = 5\n"),
        &[],
        &["[firms] is only used with hashrate.kind = \"fleet\""],
    );
}
