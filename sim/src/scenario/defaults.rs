//! Every scenario default, in one place, with its source.
//!
//! (ref) = `shared/reference` (see its SOURCES.md); values were read there and are written
//! here as facts.

/// Master seed when the scenario names none.
pub const SEED: u64 = 1;

/// Default start: 2026-05-29T00:00:00Z, the estimated day of block 951,552, the first block
/// of epoch 472 (ref: `btc_daily.csv` ends 2026-05-23 at height 950,749 with ~160 blocks/day,
/// so height 951,552 falls on about 2026-05-28/29).
pub const START: &str = "2026-05-29T00:00:00Z";

/// Default horizon when neither `end` nor `horizon_years` is given: 20 years (five halvings).
pub const HORIZON_YEARS: f64 = 20.0;

/// Length of a year used by `horizon_years`: 365.25 days, in seconds.
pub const YEAR_S: f64 = 365.25 * 86_400.0;

/// Height of the next block to be mined at the default start: 951,552 = 472 x 2016, the
/// first block of epoch 472 (ref: `retargets.csv`).
pub const START_HEIGHT: u64 = 951_552;

/// nBits of epoch 472, difficulty 138,955,357,012,247 (ref: `retargets.csv`).
pub const START_BITS: &str = "0x1702068f";

/// Default constant hashrate, EH/s: 1,000 EH/s = 1.0 ZH/s. (ref: `btc_daily.csv` May 2026
/// mean 986 EH/s; the difficulty-implied rate of epoch 472 is 995 EH/s.)
pub const HASHRATE_EHS: f64 = 1_000.0;

/// Ramp discretization of piecewise paths, hours.
pub const RAMP_STEP_HOURS: f64 = 1.0;

/// Earliest `start`: 2009-01-03T18:15:05Z, the genesis block's header time, unix seconds.
pub const EARLIEST_START_UNIX: i64 = 1_231_006_505;
/// Latest `end`: 2262-01-01T00:00:00Z, unix seconds. The output's timestamps must stay
/// readable: pandas' nanosecond timestamps end on 2262-04-11 (a year-10000 date broke
/// polars). Runs past 2106, when a 32-bit header `nTime` overflows, are allowed: studies of
/// the fee-only era after the last subsidy (about 2140) need them.
pub const LATEST_END_UNIX: i64 = 9_214_646_400;

/// BTC price, USD (ref: `btc_daily.csv` 2026-05-23 PriceUSD 76,619.87, Coin Metrics).
pub const BTC_PRICE_USD: f64 = 76_600.0;
/// Largest BTC price a scenario may give (`price.initial_usd`, a price CSV), USD: 10^9, about
/// 13,000 times the default (ASSUMPTION: a bound so that every USD flow stays finite; a price
/// process may still drift past it).
pub const MAX_BTC_PRICE_USD: f64 = 1e9;

/// Fees per block, BTC: 0.066. ASSUMPTION, between the medians of the daily fee per block in
/// `btc_daily.csv` (ref: FeeTotNtv / BlkCnt) of 2025-01..06 (0.042) and 2024-05..2025-04 (0.073).
pub const FEES_BTC_PER_BLOCK: f64 = 0.066;

/// Unit of a CSV hashrate column when none is given: TH/s, the unit of both Coin Metrics'
/// `HashRate` and `btc_daily.csv`'s `HashRate_THs`.
pub const CSV_UNIT: &str = "TH/s";

/// Upper bound accepted for a hashrate, EH/s (10^9 EH/s: far above any plausible network).
pub const MAX_HASHRATE_EHS: f64 = 1e9;

/// Longest horizon accepted, years.
pub const MAX_HORIZON_YEARS: f64 = 200.0;

/// Mean-reversion rate of regional log energy prices, 1/year: 12, a deviation halves in
/// ln 2 / 12 years = 21 days. ASSUMPTION (wholesale power shocks typically fade within weeks;
/// miners' contracted prices move less).
pub const ENERGY_KAPPA: f64 = 12.0;

/// Annual volatility of regional log energy prices: 0.3. ASSUMPTION (stationary sd
/// 0.3 / sqrt(2 x 12) = 6% around the seasonal level).
pub const ENERGY_SIGMA: f64 = 0.3;

/// Running hashrate at the default start that the generated network is scaled to, EH/s
/// (ref: `btc_daily.csv` May 2026 mean 986 EH/s, 2026-05-17..23 mean 990 EH/s; the
/// difficulty of epoch 472 implies 995 EH/s at 600 s blocks).
pub const NETWORK_TARGET_EHS: f64 = 1_000.0;

/// Number of generated sites: thousands of sites, as the network has. ASSUMPTION.
pub const NETWORK_SITES: u64 = 3_000;

/// Pareto tail index of site capacity: 1.3, ASSUMPTION (heavy tail: the top decile of sites
/// holds most capacity, as with the multi-hundred-MW sites of the large public miners).
pub const NETWORK_SITE_ALPHA: f64 = 1.3;

/// Smallest generated site, MW (ASSUMPTION).
pub const NETWORK_SITE_MIN_MW: f64 = 1.0;

/// Largest generated site, MW (before calibration scaling). ASSUMPTION: the largest real sites
/// are several hundred MW (e.g. Riot's Rockdale, about 700 MW).
pub const NETWORK_SITE_MAX_MW: f64 = 500.0;

/// PUE range of sites (ASSUMPTION: immersion/hydro sites near 1.03, air-cooled up to 1.2).
pub const NETWORK_PUE_MIN: f64 = 1.03;
/// Highest site PUE.
pub const NETWORK_PUE_MAX: f64 = 1.20;

/// Log-sd of a site's energy price around its region's level (ASSUMPTION: contracts differ by
/// about +-25% within a region).
pub const NETWORK_PRICE_FACTOR_SD: f64 = 0.25;

/// Share of the sites in the cheap tail of energy prices. ASSUMPTION (recalled, not in
/// shared/reference): flared and stranded gas, curtailed hydro (Paraguay, Ethiopia, Sichuan in
/// the wet season) and behind-the-meter deals at 1-3 c/kWh are a minority of the network,
/// about a tenth of the hashrate in the industry's surveys.
pub const NETWORK_CHEAP_SHARE: f64 = 0.10;
/// Energy price of a cheap-tail site relative to its region's (ASSUMPTION: 1.5-3.5 c/kWh
/// against the regions' 4.5-6 c/kWh defaults).
pub const NETWORK_CHEAP_FACTOR: [f64; 2] = [0.3, 0.6];

/// Distinct machine models per site (ASSUMPTION).
pub const NETWORK_VINTAGES_PER_SITE: u64 = 3;

/// Relative hysteresis band of the on/off rule: 5% (ASSUMPTION: restarting costs and
/// curtailment contracts keep machines from switching on a 1% margin change).
pub const NETWORK_HYSTERESIS: f64 = 0.05;

/// Yearly fall of the ASIC frontier's J/TH used by scenarios: 0.155, the least-squares fit of
/// the catalog's best efficiency over 2020-02..2025-01 (hashshift_models::hardware::frontier).
/// The fit over 2016-07..2025-01 gives 0.222 but the trend has slowed (0.296 before 2020);
/// extrapolating the faster rate 20 years gives a 150-fold gain, the recent one a 30-fold gain.
pub const FRONTIER_IMPROVEMENT_RATE_PER_YEAR: f64 = 0.155;

/// Largest generated fleet, in units (sites x vintages per site): 5 million units use about
/// 0.5 GB and a daily full scan of them about 20 ms.
pub const MAX_FLEET_UNITS: u64 = 5_000_000;

// ----- Firms. Every value below is an ASSUMPTION unless a source is given. -----

/// Generated firms: thousands; with 6,000 sites about two sites per firm, the
/// largest firms owning dozens.
pub const FIRMS: u64 = 3_000;
/// Share of firms that are public: the 1 % largest (tens of listed miners, ref
/// ai_pivot_facts.md names a dozen with AI contracts).
pub const FIRMS_PUBLIC_SHARE: f64 = 0.01;
/// Mean cash at the start, USD per MW (about three months of mining revenue at $655k/MW-yr).
pub const FIRMS_CASH_USD_PER_MW: f64 = 150_000.0;
/// Mean debt at the start, USD per MW.
pub const FIRMS_DEBT_USD_PER_MW: f64 = 150_000.0;
/// Cost of capital of public firms, per year.
pub const FIRMS_DISCOUNT_RATE_PUBLIC: [f64; 2] = [0.08, 0.12];
/// Cost of capital of private firms, per year.
pub const FIRMS_DISCOUNT_RATE_PRIVATE: [f64; 2] = [0.12, 0.20];
/// Credit line of public firms, USD per MW (converts and equity lines).
pub const FIRMS_CREDIT_USD_PER_MW_PUBLIC: f64 = 600_000.0;
/// Credit line of private firms, USD per MW.
pub const FIRMS_CREDIT_USD_PER_MW_PRIVATE: f64 = 150_000.0;
/// AI capex public firms finance with project debt (ref: Hut 8, JPMorgan and Goldman Sachs up
/// to 85 % loan-to-cost).
pub const FIRMS_PROJECT_FINANCE_PUBLIC: f64 = 0.85;
/// AI capex private firms finance with project debt.
pub const FIRMS_PROJECT_FINANCE_PRIVATE: f64 = 0.5;
/// Valuation horizon, years (colocation tenors are 10-15 years, ref).
pub const FIRMS_HORIZON_YEARS: [f64; 2] = [8.0, 15.0];
/// Risk aversion: weight on the real-option premium. With BTC's volatility (0.67 a year) the
/// full Dixit-Pindyck multiple is about 4 at a 9 % cost of capital; weights up to 0.2 give
/// hurdles of 1 to about 1.7, the range reported for corporate investment hurdles (Summers 1987;
/// Dixit and Pindyck 1994, ch. 5). ASSUMPTION.
pub const FIRMS_RISK_AVERSION: [f64; 2] = [0.0, 0.2];
/// Profitability index a mining investment must reach.
pub const FIRMS_MINING_HURDLE: [f64; 2] = [1.1, 1.5];
/// Shares of naive, adaptive and drift believers.
pub const FIRMS_BELIEFS: [f64; 3] = [0.4, 0.4, 0.2];
/// Memory of adaptive believers, years, drawn per firm: from a quarter-to-quarter view to one
/// over a halving cycle and a half. ASSUMPTION: firms extrapolate over different windows (one
/// memory for all made the adaptive firms' expectations identical, so they invested together).
pub const FIRMS_ADAPTIVE_MEMORY_YEARS: [f64; 2] = [0.5, 3.0];
/// Conviction of drift believers, per year (bulls), drawn per firm. ASSUMPTION: around the
/// 0.15 a year used before per-firm draws, from cautious to strong bulls.
pub const FIRMS_DRIFT_MU: [f64; 2] = [0.05, 0.3];
/// Share of the private firms that buy machines only on the secondary market. ASSUMPTION:
/// manufacturers sell new machines in large lots against prepayment, to the public miners and
/// the large private ones; small miners and hosting clients run the machines those retire (the
/// used-machine market, with the S19 generation still a large part of the network in 2025
/// when the S21 was the frontier: CBECI's 2025-03 estimate of 19.5 J/TH sits between them).
/// Their fleets lag the frontier, which spreads the cost curve.
pub const FIRMS_SECONDARY_ONLY_SHARE: f64 = 0.5;
/// Days between a firm's decisions (monthly).
pub const FIRMS_DECISION_INTERVAL_DAYS: f64 = 30.0;
/// Expected log growth of difficulty per year beyond the price: 0.17, the log of the
/// frontier's efficiency gain (1 / (1 - 0.155)) - with a constant price, difficulty grows as
/// fast as machines improve.
pub const FIRMS_DIFFICULTY_GROWTH_PER_YEAR: f64 = 0.17;
/// Non-energy operating cost of mining, USD per MW-year (staff, maintenance, insurance; about
/// $4.6/MWh).
pub const FIRMS_MINING_OPEX_USD_PER_MW_YEAR: f64 = 40_000.0;
/// New ASICs the manufacturers make per month, share of the network's installed hashrate.
/// ASSUMPTION, bounded by history (shared/reference/btc_daily.csv): in 2023 the network grew
/// from ~250 to ~500 EH/s (about 6 % a month net) while old machines were replaced, so the
/// factories delivered at least ~7 % of the installed hashrate a month; in the 2020-2021 boom
/// machines were sold out six to nine months ahead. 8 % a month makes the normal 120-day lead
/// time hold an order book of ~32 % of the network, and a larger book lengthen it.
pub const FIRMS_FACTORY_SHARE_PER_MONTH: f64 = 0.08;
/// Fixed cost of idle mining capacity, USD per MW-year. ASSUMPTION: about 40 % of the running
/// opex (`FIRMS_MINING_OPEX_USD_PER_MW_YEAR`): staff, security, the site's lease or hosting
/// minimum and insurance go on when the machines stop, maintenance and consumables do not.
/// Holding an idle fleet costs money, so firms sell or scrap machines that will not run again.
pub const FIRMS_IDLE_USD_PER_MW_YEAR: f64 = 15_000.0;
/// ASIC lead time, days (manufacturers quote 2-6 months).
pub const FIRMS_ASIC_LEAD_TIME_DAYS: f64 = 120.0;
/// Economic life of an ASIC, years.
pub const FIRMS_ASIC_LIFE_YEARS: f64 = 5.0;
/// Share of a site's capacity one expansion adds.
pub const FIRMS_EXPANSION_STEP: f64 = 0.25;
/// Build-out cost of new mining capacity, USD per MW (ref: Core Scientific quoted about
/// $200k/MW to finish partly built capacity; greenfield costs more).
pub const FIRMS_EXPANSION_CAPEX_USD_PER_MW: f64 = 400_000.0;
/// Days from deciding an expansion to energizing it.
pub const FIRMS_EXPANSION_LEAD_TIME_DAYS: f64 = 270.0;
/// Days from buying secondary-market machines for a site relocated by a ban to running them
/// (ASSUMPTION: shipping and setup at hosting capacity, not a greenfield build). Calibrated on
/// the 2021 China ban (shared/reference/btc_daily.csv, 30-day mean hashrate): 162 EH/s in
/// mid-May 2021, 98 EH/s in mid-July, 161 EH/s again by late November, so the banned
/// machines ran abroad about four months after they went offline. With it, the
/// `history-2020` replay's median difficulty error in 2022 falls from 27% to 10% (seed 1).
pub const FIRMS_RELOCATION_LEAD_TIME_DAYS: f64 = 120.0;
/// Interest on debt, per year.
pub const FIRMS_DEBT_INTEREST_RATE: f64 = 0.09;
/// Years over which corporate debt is repaid.
pub const FIRMS_DEBT_AMORTIZATION_YEARS: f64 = 5.0;
/// Years of margin the secondary market pays for a machine at most.
pub const FIRMS_SECONDARY_PAYBACK_YEARS: f64 = 1.0;
/// Days before unsold secondary-market machines are scrapped.
pub const FIRMS_SECONDARY_SHELF_DAYS: f64 = 180.0;
