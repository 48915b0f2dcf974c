//! Property tests over randomly generated valid scenarios: 1,000 short runs
//! mixing every hashrate kind, difficulty rule, price and fee model, firms with and without an
//! AI market, and shocks (price crashes, energy spikes of up to 100x, carbon taxes, bans, AI
//! demand and rate shocks, a change of difficulty rule). Each run has the engine's invariant
//! checks on, so at every midnight the MW of every site add up to its capacity, each site has
//! one owner, bankrupt firms hold nothing, the issued supply equals the sum of the block
//! subsidies and stays within the cap, and hashrate, price and difficulty are finite and
//! non-negative; event times never go backwards. The records are then checked: block heights
//! and times in order with the consensus subsidy, every Bitcoin retarget within the 4x clamp,
//! every daily number finite and non-negative, each firm's cash moving exactly by its flows, and
//! the run ending at its horizon.

use crate::common;

use common::accounts_close;
use hashshift::engine::{NoProgress, SimulationBuilder};
use hashshift::record::{FirmMonthRecord, MemoryRecorder};
use hashshift_models::consensus::{self, TOTAL_SUBSIDY_SAT};
use proptest::prelude::*;

const START_UNIX: i64 = 1_780_012_800; // 2026-05-29
const START_HEIGHT: u64 = 951_552;

fn date(day: u32) -> String {
    let (y, m, d) = hashshift::calendar::civil_from_days(START_UNIX / 86_400 + i64::from(day));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Where the hashrate comes from.
#[derive(Debug, Clone)]
enum Hashrate {
    Constant(f64),
    /// (days after the previous point, EH/s, ramp)
    Piecewise(Vec<(u32, f64, bool)>),
    Fleet {
        sites: u32,
        firm_share: f64,
        hybrid: bool,
        /// Firms' (cash, debt) per MW, USD: low cash and high debt bring bankruptcies.
        finance: (f64, f64),
        /// (demand MW, growth per year, reference rate USD/MW-year); None: no AI market.
        ai: Option<(f64, f64, f64)>,
        /// (lead time months, tenor years, tenant default hazard per year, GPU-hour USD): short
        /// enough for conversions to complete and contracts to end within a short run.
        contracts: (f64, f64, f64, f64),
    },
}

/// A shock (fleet runs): its TOML table body, given the day it starts.
#[derive(Debug, Clone)]
enum Shock {
    BtcPrice(f64),
    EnergySpike(f64),
    CarbonTax(f64),
    Ban(f64),
    AiDemand(f64),
    AiRate(f64),
    Rule(&'static str, u64),
}

#[derive(Debug, Clone)]
struct Gen {
    days: u32,
    hashrate: Hashrate,
    rule: &'static str,
    /// (model, sigma, mu)
    price: (&'static str, f64, f64),
    lognormal_fees: Option<f64>,
    /// Fee spikes: (share of the largest rate, mean days, multiplier median, log-sd).
    fee_spikes: Option<(f64, f64, f64, f64)>,
    /// Price feedback: (slow-block threshold s, drawdown, drop, cooldown days).
    price_feedback: Option<(f64, f64, f64, u32)>,
    shocks: Vec<(u32, Shock)>,
}

impl Gen {
    fn toml(&self) -> String {
        let mut t = format!(
            "start = \"{}\"\nhorizon_years = {}\n[chain]\nheight = {START_HEIGHT}\n\
             bits = \"0x1702068f\"\n[difficulty]\nrule = \"{}\"\n[price]\nmodel = \"{}\"\n\
             initial_usd = 76600.0\n",
            date(0),
            f64::from(self.days) / 365.25,
            self.rule,
            self.price.0,
        );
        if self.price.0 == "gbm" || self.price.0 == "merton" {
            t += &format!("sigma = {}\nmu = {}\n", self.price.1, self.price.2);
        }
        if let Some(sd) = self.lognormal_fees {
            t += &format!("[fees]\nmodel = \"lognormal\"\nmean_btc = 0.066\nlog_sd = {sd}\n");
        }
        if let Some((slow, drawdown, drop, cooldown)) = self.price_feedback {
            t += &format!(
                "[price.feedback]\nslow_blocks_s = {slow}\ndrawdown = {drawdown}\n\
                 drop = {drop}\ncooldown_days = {cooldown}\n"
            );
        }
        if let Some((share, days, median, sd)) = self.fee_spikes {
            // Episodes and the quiet day after each must fit in a year.
            let rate = share * 365.25 / (days + 1.0);
            t += &format!(
                "[fees.spikes]\nrate_per_year = {rate}\nmean_days = {days}\n\
                 multiplier_median = {median}\nlog_sd = {sd}\n"
            );
        }
        match &self.hashrate {
            Hashrate::Constant(ehs) => {
                t += &format!("[hashrate]\nkind = \"constant\"\nehs = {ehs}\n")
            }
            Hashrate::Piecewise(points) => {
                let mut day = 0;
                let pts: Vec<String> = points
                    .iter()
                    .enumerate()
                    .map(|(i, &(gap, ehs, ramp))| {
                        day += if i == 0 { 0 } else { gap };
                        let ramp = ramp && i > 0;
                        format!("{{ at = \"{}\", ehs = {ehs}, ramp = {ramp} }}", date(day))
                    })
                    .collect();
                t += &format!(
                    "[hashrate]\nkind = \"piecewise\"\nramp_step_hours = 6\npoints = [{}]\n",
                    pts.join(", ")
                );
            }
            Hashrate::Fleet {
                sites,
                firm_share,
                hybrid,
                finance,
                ai,
                contracts,
            } => {
                let firms = (f64::from(*sites) * firm_share) as u32;
                t += &format!("[hashrate]\nkind = \"fleet\"\n[network]\nsites = {sites}\n");
                if firms > 0 {
                    t += &format!(
                        "[firms]\ncount = {firms}\nhybrid = {hybrid}\ndecision_interval_days = 10\n\
                         cash_usd_per_mw = {}\ndebt_usd_per_mw = {}\n",
                        finance.0, finance.1
                    );
                    match ai {
                        Some((demand, growth, rate)) => {
                            t += &format!(
                                "[ai]\ndemand_mw = {demand}\ndemand_growth_per_year = {growth}\n\
                                 reference_rate_usd_per_mw_year = {rate}\n\
                                 rate_max_usd_per_mw_year = 3.0e6\nlead_time_months = {}\n\
                                 tenor_years = {}\ndefault_hazard_per_year = {}\ngpu_hour_usd = {}\n",
                                contracts.0, contracts.1, contracts.2, contracts.3
                            )
                        }
                        None => t += "[ai]\nenabled = false\n",
                    }
                }
                // Two difficulty-rule switches at one height are invalid input: keep the first.
                let mut rule_heights = std::collections::BTreeSet::new();
                for (day, shock) in &self.shocks {
                    if let Shock::Rule(_, after) = shock {
                        if !rule_heights.insert(*after) {
                            continue;
                        }
                    }
                    let (at, until) = (date(*day), date(*day + 5));
                    t += "[[shocks]]\n";
                    t += &match shock {
                        Shock::BtcPrice(f) => {
                            format!("kind = \"btc_price\"\nat = \"{at}\"\nfactor = {f}\n")
                        }
                        Shock::EnergySpike(f) => format!(
                            "kind = \"energy_price\"\nregion = \"us\"\nat = \"{at}\"\n\
                             until = \"{until}\"\nfactor = {f}\n"
                        ),
                        Shock::CarbonTax(usd) => {
                            format!("kind = \"carbon_tax\"\nat = \"{at}\"\nusd_per_t = {usd}\n")
                        }
                        Shock::Ban(share) => format!(
                            "kind = \"ban\"\nregion = \"us\"\nat = \"{at}\"\nuntil = \"{until}\"\n\
                             share = {share}\n"
                        ),
                        Shock::AiDemand(f) => {
                            format!("kind = \"ai_demand\"\nat = \"{at}\"\nfactor = {f}\n")
                        }
                        Shock::AiRate(f) => {
                            format!("kind = \"ai_rate\"\nat = \"{at}\"\nfactor = {f}\n")
                        }
                        Shock::Rule(rule, after) => format!(
                            "kind = \"difficulty_rule\"\nheight = {}\nrule = \"{rule}\"\n",
                            START_HEIGHT + after
                        ),
                    };
                }
            }
        }
        t
    }

    fn has_ai(&self) -> bool {
        matches!(&self.hashrate, Hashrate::Fleet { ai: Some(_), firm_share, sites, .. }
            if (f64::from(*sites) * firm_share) as u32 > 0)
    }
}

fn rule() -> impl Strategy<Value = &'static str> {
    prop_oneof![Just("bitcoin"), Just("asert"), Just("lwma")]
}

fn hashrate() -> impl Strategy<Value = Hashrate> {
    prop_oneof![
        1 => prop_oneof![Just(0.0), 1.0f64..3000.0].prop_map(Hashrate::Constant),
        2 => prop::collection::vec(
            (1u32..15, prop_oneof![Just(0.0), 1.0f64..3000.0], any::<bool>()),
            1..6
        )
        .prop_map(Hashrate::Piecewise),
        5 => (
            10u32..60,
            prop_oneof![Just(0.0), 0.1f64..1.0],
            any::<bool>(),
            (0.0f64..3e5, 0.0f64..3e6),
            prop::option::of((0.0f64..20_000.0, -0.5f64..1.5, 0.8e6f64..2.6e6)),
            (
                0.0f64..1.0,
                prop_oneof![0.02f64..0.1, 1.0f64..15.0],
                0.0f64..0.99,
                1.0f64..6.0
            ),
        )
            .prop_map(|(sites, firm_share, hybrid, finance, ai, contracts)| Hashrate::Fleet {
                sites,
                firm_share,
                hybrid,
                finance,
                ai,
                contracts,
            }),
    ]
}

fn shock() -> impl Strategy<Value = Shock> {
    prop_oneof![
        prop_oneof![0.001f64..0.1, 0.5f64..10.0].prop_map(Shock::BtcPrice),
        prop_oneof![1.5f64..100.0, 0.1f64..1.0].prop_map(Shock::EnergySpike),
        (0.0f64..2000.0).prop_map(Shock::CarbonTax),
        (0.01f64..1.0).prop_map(Shock::Ban),
        (0.0f64..10.0).prop_map(Shock::AiDemand),
        (0.1f64..10.0).prop_map(Shock::AiRate),
        (rule(), 0u64..3000).prop_map(|(r, h)| Shock::Rule(r, h)),
    ]
}

fn scenario() -> impl Strategy<Value = Gen> {
    (
        3u32..40,
        hashrate(),
        rule(),
        (
            prop_oneof![
                Just("constant"),
                Just("gbm"),
                Just("merton"),
                Just("regime")
            ],
            0.0f64..2.0,
            -1.0f64..1.0,
        ),
        prop::option::of(0.0f64..3.0),
        (
            prop::option::of((0.0f64..1.0, 1.0f64..30.0, 1.0f64..100.0, 0.0f64..3.0)),
            prop::option::of((601.0f64..2000.0, 0.01f64..0.99, 0.01f64..0.9, 1u32..20)),
        ),
        prop::collection::vec((0u32..40, shock()), 0..4),
    )
        .prop_map(
            |(
                days,
                hashrate,
                rule,
                price,
                lognormal_fees,
                (fee_spikes, price_feedback),
                shocks,
            )| {
                let mut g = Gen {
                    days,
                    hashrate,
                    rule,
                    price,
                    lognormal_fees,
                    fee_spikes,
                    price_feedback,
                    shocks,
                };
                // AI shocks need an AI market; the rest apply to any fleet run.
                let ai = g.has_ai();
                g.shocks
                    .retain(|(_, s)| ai || !matches!(s, Shock::AiDemand(_) | Shock::AiRate(_)));
                g
            },
        )
}

fn check_records(rec: &MemoryRecorder, end_unix: i64) -> Result<(), TestCaseError> {
    let s = rec.summary.clone().expect("summary");
    prop_assert_eq!(s.end_time_unix, end_unix, "the run ends at its horizon");
    prop_assert_eq!(s.blocks as usize, rec.blocks.len());
    prop_assert_eq!(
        consensus::subsidy_issued_below(START_HEIGHT) + s.subsidy_issued_sat,
        consensus::subsidy_issued_below(START_HEIGHT + s.blocks)
    );
    prop_assert!(consensus::subsidy_issued_below(START_HEIGHT + s.blocks) <= TOTAL_SUBSIDY_SAT);
    let mut prev: Option<(u64, i64)> = None;
    for b in &rec.blocks {
        if let Some((h, t)) = prev {
            prop_assert_eq!(b.height, h + 1);
            prop_assert!(b.time_unix >= t, "block {} goes back in time", b.height);
        }
        prev = Some((b.height, b.time_unix));
        prop_assert!(b.time_unix <= s.end_time_unix);
        prop_assert_eq!(b.subsidy_sat, consensus::block_subsidy(b.height));
        for x in [b.interval_s, b.hashrate_hs, b.difficulty] {
            prop_assert!(x.is_finite() && x >= 0.0, "block {}: {:?}", b.height, b);
        }
    }
    for e in &rec.epochs {
        if e.difficulty_rule == "bitcoin" {
            let r = e.next_difficulty / e.difficulty;
            prop_assert!(
                (0.25..=4.0 * (1.0 + 1e-4)).contains(&r),
                "retarget ratio {}",
                r
            );
            prop_assert!((302_400..=4_838_400).contains(&e.timespan_clamped_s));
        }
        prop_assert!(e.next_difficulty.is_finite() && e.next_difficulty > 0.0);
    }
    for d in &rec.days {
        let numbers = common::day_numbers(d);
        prop_assert!(
            numbers.iter().all(|x| x.is_finite() && *x >= 0.0),
            "day {}: {:?}",
            d.date_unix,
            numbers
        );
        prop_assert!(
            d.fee_multiplier.is_finite() && d.fee_multiplier >= 1.0,
            "day {}: fee multiplier {}",
            d.date_unix,
            d.fee_multiplier
        );
        if let Some(a) = d.agents {
            for x in [a.mining_mw, a.converting_mw, a.ai_mw] {
                prop_assert!(x.is_finite() && x >= 0.0, "day {}: {:?}", d.date_unix, a);
            }
            prop_assert!(a.ai_share_of_initial_mining_mw.is_finite());
        }
    }
    let mut last: std::collections::HashMap<u32, &FirmMonthRecord> = Default::default();
    for row in &rec.firm_months {
        let sum =
            row.mining_mw + row.converting_mw + row.ai_colo_mw + row.ai_cloud_mw + row.idle_mw;
        prop_assert!(
            (sum - row.capacity_mw).abs() <= 1e-6 * row.capacity_mw.max(1.0),
            "firm {}: MW {} vs capacity {}",
            row.firm,
            sum,
            row.capacity_mw
        );
        prop_assert!(row.cash_usd.is_finite() && row.debt_usd.is_finite() && row.debt_usd >= 0.0);
        if let Some(prev) = last.get(&row.firm) {
            if row.state == "active" {
                let closes = accounts_close(prev, row);
                prop_assert!(closes.is_ok(), "{}", closes.unwrap_err());
            }
        }
        last.insert(row.firm, row);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1000))]

    #[test]
    fn random_scenarios_keep_the_invariants(g in scenario(), seed in 0u64..1_000_000) {
        let text = g.toml();
        let sc = common::scenario(&text);
        let built = SimulationBuilder::new(&sc).seed(seed).build();
        // A fleet nobody can run profitably at the start is refused when built, with a message.
        let sim = match built {
            Ok(sim) => sim,
            Err(e) => {
                prop_assert!(e.to_string().contains("profitable"), "{e}\n{text}");
                return Ok(());
            }
        };
        let mut rec = MemoryRecorder::default();
        let r = sim.with_invariant_checks().run(&mut rec, &mut NoProgress);
        prop_assert!(r.is_ok(), "{}\n{text}", r.err().map(|e| e.to_string()).unwrap_or_default());
        check_records(&rec, sc.end_unix)?;
    }
}

#[test]
fn a_run_without_hashrate_ends_at_its_horizon_without_blocks() {
    for rule in ["bitcoin", "asert", "lwma"] {
        let g = Gen {
            days: 30,
            hashrate: Hashrate::Constant(0.0),
            rule,
            price: ("constant", 0.0, 0.0),
            lognormal_fees: None,
            fee_spikes: None,
            price_feedback: None,
            shocks: Vec::new(),
        };
        let sc = common::scenario(&g.toml());
        let rec = common::run(&sc, 1);
        let s = rec.summary.unwrap();
        assert_eq!((s.blocks, rec.blocks.len()), (0, 0), "{rule}");
        assert_eq!(s.end_time_unix, sc.end_unix, "{rule}");
        assert_eq!(rec.days.len(), 30, "{rule}: one row per day");
        assert!(rec
            .days
            .iter()
            .all(|d| d.blocks == 0 && d.hashrate_ehs == 0.0));
    }
}
