//! Short-run mining economics: the CBECI profitability threshold.
//!
//! A machine earns, per TH/s of hashrate and per day, the **hashprice**
//!
//! ```text
//! hashprice [USD/(TH/s)/day] = 86,400 s x 10^12 H/TH / (D x 2^32) x (subsidy + fees) [BTC] x P [USD/BTC]
//! ```
//!
//! (expected blocks found per day by 1 TH/s at difficulty `D`, times the reward per block). It
//! pays for energy, per TH/s and per day,
//!
//! ```text
//! energy cost [USD/(TH/s)/day] = e [J/TH] x PUE x 24 h / 1000 x (p [USD/kWh] + tax [USD/tCO2] x c [tCO2/MWh] / 1000)
//! ```
//!
//! (a machine of efficiency `e` J/TH draws `e` W per TH/s; x PUE for cooling and overhead; a
//! carbon tax adds `tax x c` per MWh). The Cambridge Bitcoin Electricity Consumption Index
//! (CBECI) counts a machine class as running when its revenue covers its energy cost; hashshift
//! does the same per vintage at each site, with a relative hysteresis band `h`: a stopped
//! machine starts when `revenue >= cost x (1 + h)`, a running one stops when
//! `revenue < cost x (1 - h)`, so machines near break-even do not flap day to day.
//!
//! The **breakeven energy price** of a machine is the `p` at which revenue equals cost:
//! `p* = hashprice x 1000 / (24 x e x PUE) - tax x c / 1000`.
//!
//! Revenue per MW-year of mining (for comparison with AI hosting) is
//! `hashprice x 10^6 / (e x PUE) x 365.25`: a megawatt at the meter feeds `10^6 / (e x PUE)`
//! TH/s.

/// 2^32.
const TWO_POW_32: f64 = 4_294_967_296.0;
/// Seconds per day.
const DAY_S: f64 = 86_400.0;
/// Days per year (Julian).
pub const DAYS_PER_YEAR: f64 = 365.25;

/// Hashprice: expected revenue per TH/s per day, USD, at difficulty `difficulty`, reward per
/// block `reward_btc` (subsidy + expected fees, BTC) and price `price_usd` (USD/BTC).
pub fn hashprice_usd_per_th_day(difficulty: f64, reward_btc: f64, price_usd: f64) -> f64 {
    DAY_S * 1e12 / (difficulty * TWO_POW_32) * reward_btc * price_usd
}

/// Energy cost per TH/s per day, USD, of a machine of efficiency `j_per_th` (J/TH) at power
/// usage effectiveness `pue` (>= 1), energy price `usd_per_kwh` and a carbon tax
/// `carbon_tax_usd_per_t` (USD/tCO2) on grid carbon intensity `t_co2_per_mwh`.
pub fn energy_cost_usd_per_th_day(
    j_per_th: f64,
    pue: f64,
    usd_per_kwh: f64,
    carbon_tax_usd_per_t: f64,
    t_co2_per_mwh: f64,
) -> f64 {
    kwh_per_th_day(j_per_th, pue) * (usd_per_kwh + carbon_tax_usd_per_t * t_co2_per_mwh / 1000.0)
}

/// Energy drawn per TH/s per day, kWh: `e x PUE x 24 / 1000`.
pub fn kwh_per_th_day(j_per_th: f64, pue: f64) -> f64 {
    j_per_th * pue * 24.0 / 1000.0
}

/// Energy price (USD/kWh) at which a machine of efficiency `j_per_th` and `pue` exactly breaks
/// even at hashprice `hashprice` (USD/TH/day), with a carbon tax as in
/// [`energy_cost_usd_per_th_day`]. Negative when the tax alone exceeds the revenue.
pub fn breakeven_usd_per_kwh(
    hashprice: f64,
    j_per_th: f64,
    pue: f64,
    carbon_tax_usd_per_t: f64,
    t_co2_per_mwh: f64,
) -> f64 {
    hashprice / kwh_per_th_day(j_per_th, pue) - carbon_tax_usd_per_t * t_co2_per_mwh / 1000.0
}

/// Mining revenue per MW (at the meter) per year, USD, for a fleet of efficiency `j_per_th`
/// and `pue` at hashprice `hashprice` (USD/TH/day).
pub fn revenue_usd_per_mw_year(hashprice: f64, j_per_th: f64, pue: f64) -> f64 {
    hashprice * 1e6 / (j_per_th * pue) * DAYS_PER_YEAR
}

/// The hashprice after the next retarget, USD per TH/s per day, when difficulty will fall
/// (the network runs `running_ths` below the difficulty-implied `implied_ths`). The network's
/// revenue `R = hashprice x implied_ths` per day is shared by the hashrate that runs after the
/// retarget: the running machines plus the idle ones that switch on, which are added from
/// the cheapest (`idle`: `(switch-on hashprice, TH/s)` ascending, as
/// [`super::fleet::Fleet::idle_supply`]) while `R / H` stays above their switch-on price; the
/// last one added may run in part, holding the hashprice at its switch-on price. So an idle
/// overhang caps the rise: difficulty falls only until it pays to switch it back on. At most
/// `max_ratio x hashprice` (the retarget clamp); `hashprice x implied / running` capped by
/// that when nothing is idle, and `hashprice` when difficulty will not fall.
pub fn post_retarget_hashprice(
    hashprice: f64,
    implied_ths: f64,
    running_ths: f64,
    idle: &[(f64, f64)],
    max_ratio: f64,
) -> f64 {
    if implied_ths.partial_cmp(&running_ths) != Some(std::cmp::Ordering::Greater) {
        return hashprice;
    }
    let revenue = hashprice * implied_ths;
    let cap = hashprice * max_ratio;
    let mut h = running_ths;
    for &(switch_on, ths) in idle {
        let hp = if h > 0.0 { revenue / h } else { f64::INFINITY };
        if hp.min(cap) <= switch_on {
            break;
        }
        if revenue / (h + ths) <= switch_on {
            return switch_on.min(cap);
        }
        h += ths;
    }
    if h > 0.0 {
        (revenue / h).min(cap)
    } else {
        cap
    }
}

/// Largest factor by which one retarget changes difficulty (Bitcoin's clamp of the measured
/// timespan to [1/4, 4] of two weeks), and so the hashprice.
pub const RETARGET_CLAMP: f64 = 4.0;

/// The hashprice firms plan with, USD per TH/s per day: `hashprice` (today's), corrected for
/// the retarget to come. Difficulty follows the running hashrate within an epoch, so when
/// `running_hs` runs above the difficulty-implied `implied_hs` (both H/s) the hashprice falls
/// by the ratio (at most [`RETARGET_CLAMP`]x). When less runs, difficulty will fall and the
/// hashprice rise, but only until idle machines switch back on: the network's revenue is
/// shared by the running hashrate plus the idle machines that pay at the new hashprice
/// ([`post_retarget_hashprice`] over `idle`, the idle supply curve), at most
/// [`RETARGET_CLAMP`]x. Without the correction a network whose machines all stop could never
/// see difficulty fall; without the idle machines firms would read a stopped overhang as a 4x
/// hashprice and buy more machines into it.
pub fn hashprice_outlook(
    hashprice: f64,
    implied_hs: f64,
    running_hs: f64,
    idle: &[(f64, f64)],
) -> f64 {
    if running_hs >= implied_hs {
        let ratio = if running_hs > 0.0 {
            (implied_hs / running_hs).clamp(1.0 / RETARGET_CLAMP, RETARGET_CLAMP)
        } else {
            RETARGET_CLAMP
        };
        return hashprice * ratio;
    }
    post_retarget_hashprice(
        hashprice,
        implied_hs / 1e12,
        running_hs / 1e12,
        idle,
        RETARGET_CLAMP,
    )
}

/// The CBECI threshold with hysteresis: whether a machine runs tomorrow, given whether it runs
/// today, its revenue and its energy cost (same units), and the relative band `hysteresis`.
#[inline]
pub fn runs(running: bool, revenue: f64, cost: f64, hysteresis: f64) -> bool {
    if running {
        revenue >= cost * (1.0 - hysteresis)
    } else {
        revenue >= cost * (1.0 + hysteresis)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_outlook_follows_the_retarget_to_come() {
        let hp = 0.05;
        // On schedule: today's hashprice.
        assert_eq!(hashprice_outlook(hp, 1e21, 1e21, &[]), hp);
        // Twice the implied hashrate runs: difficulty doubles, the hashprice halves.
        assert_eq!(hashprice_outlook(hp, 1e21, 2e21, &[]), hp * 0.5);
        // At most the retarget clamp, either way.
        assert_eq!(hashprice_outlook(hp, 1e21, 1e22, &[]), hp * 0.25);
        assert_eq!(hashprice_outlook(hp, 1e21, 0.0, &[]), hp * 4.0);
        // Half runs, nothing idle: the hashprice doubles.
        assert!((hashprice_outlook(hp, 1e21, 5e20, &[]) - 2.0 * hp).abs() < 1e-15);
        // Half runs and an idle overhang switches on at 0.06: the rise stops there.
        let idle = [(0.06, 1e9)];
        assert_eq!(hashprice_outlook(hp, 1e21, 5e20, &idle), 0.06);
        assert_eq!(
            hashprice_outlook(hp, 1e21, 5e20, &idle),
            post_retarget_hashprice(hp, 1e9, 5e8, &idle, RETARGET_CLAMP)
        );
        // With nothing running and no difficulty, nothing to correct.
        assert_eq!(hashprice_outlook(hp, 0.0, 0.0, &[]), hp * 4.0);
    }

    #[test]
    fn an_idle_overhang_caps_the_hashprice_after_the_retarget() {
        // Half the implied hashrate runs: without idle machines the hashprice doubles.
        assert_eq!(post_retarget_hashprice(1.0, 100.0, 50.0, &[], 4.0), 2.0);
        // At most 4x, and unchanged when difficulty will not fall.
        assert_eq!(post_retarget_hashprice(1.0, 100.0, 10.0, &[], 4.0), 4.0);
        // (running TH/s, idle supply, expected hashprice) with revenue 1.0 x 100 TH/s, cap 4x.
        type Supply = &'static [(f64, f64)];
        let cases: [(f64, Supply, f64); 7] = [
            // Difficulty will not fall: unchanged.
            (120.0, &[(0.5, 10.0)], 1.0),
            // 40 TH/s idle that switch on at 1.2: R / (50 + 40) = 1.11 <= 1.2, so it runs only
            // in part and holds the hashprice at its switch-on price, 1.2.
            (50.0, &[(1.2, 40.0)], 1.2),
            // Cheap idle machines all switch on: R / (50 + 30) = 1.25 > 1.1.
            (50.0, &[(1.1, 30.0)], 1.25),
            // Idle machines too dear to matter (above 2.0) change nothing.
            (50.0, &[(2.5, 1e6)], 2.0),
            // A ladder: 1.1 (10 TH/s) all on, then 1.5 (100 TH/s) in part.
            (50.0, &[(1.1, 10.0), (1.5, 100.0)], 1.5),
            // Nothing runs and a huge overhang: the overhang's switch-on price, not 4x.
            (0.0, &[(1.3, 1e6)], 1.3),
            // Nothing runs and nothing is idle: the clamp.
            (0.0, &[], 4.0),
        ];
        for (running, idle, want) in cases {
            assert_eq!(
                post_retarget_hashprice(1.0, 100.0, running, idle, 4.0),
                want,
                "running {running}, idle {idle:?}"
            );
        }
    }

    #[test]
    fn hashprice_at_the_2026_snapshot() {
        // Epoch 472: difficulty 138,955,357,012,247; reward 3.125 + 0.066 BTC; $76,600.
        // Blocks per TH/s per day = 86400e12 / (D 2^32) = 1.4477e-7; x 3.191 x 76,600
        // = 0.035386 USD per TH/s per day = $35.39/PH/day.
        let hp = hashprice_usd_per_th_day(138_955_357_012_247.3, 3.191, 76_600.0);
        assert!((hp - 0.035_386).abs() < 2e-6, "{hp}");
        // At 600 s blocks the whole network earns 144 blocks/day: hashprice x implied TH/s.
        let implied_ths = 138_955_357_012_247.3 * TWO_POW_32 / 600.0 / 1e12;
        assert!((hp * implied_ths - 144.0 * 3.191 * 76_600.0).abs() < 1e-3);
    }

    #[test]
    fn energy_cost_and_breakeven_are_consistent() {
        // An S21 (17.5 J/TH) at PUE 1.1 and $0.05/kWh: 17.5 x 1.1 x 24 / 1000 = 0.462 kWh per
        // TH/s per day -> $0.0231/TH/day.
        let c = energy_cost_usd_per_th_day(17.5, 1.1, 0.05, 0.0, 0.0);
        assert!((c - 0.0231).abs() < 1e-12, "{c}");
        let hp = 0.035;
        let p = breakeven_usd_per_kwh(hp, 17.5, 1.1, 30.0, 0.4);
        let at_breakeven = energy_cost_usd_per_th_day(17.5, 1.1, p, 30.0, 0.4);
        assert!((at_breakeven - hp).abs() < 1e-15);
        // A carbon tax of $30/t on 0.4 t/MWh adds $0.012/kWh.
        let no_tax = breakeven_usd_per_kwh(hp, 17.5, 1.1, 0.0, 0.0);
        assert!((no_tax - p - 0.012).abs() < 1e-12);
    }

    #[test]
    fn revenue_per_mw_year() {
        // 1 MW of 17 J/TH at PUE 1 = 58,823.5 TH/s; at $0.035/TH/day -> $751,995 per year.
        let r = revenue_usd_per_mw_year(0.035, 17.0, 1.0);
        assert!((r - 0.035 * 1e6 / 17.0 * 365.25).abs() < 1e-6);
        assert!((r - 751_985.3).abs() < 1.0, "{r}");
    }

    #[test]
    fn hysteresis_band() {
        let h = 0.05;
        // Inside the band: state is kept.
        assert!(runs(true, 1.0, 1.02, h));
        assert!(!runs(false, 1.02, 1.0, h));
        // Outside: state follows the margin.
        assert!(!runs(true, 1.0, 1.06, h));
        assert!(runs(false, 1.06, 1.0, h));
        // No band: plain threshold.
        assert!(runs(false, 1.0, 1.0, 0.0) && runs(true, 1.0, 1.0, 0.0));
    }
}
