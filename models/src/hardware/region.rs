//! Mining regions and their default profiles.
//!
//! A [`Region`] is where a site is; its [`RegionProfile`] holds the energy price miners pay, its
//! seasonality, the grid's carbon intensity, the share of mining MW that could host AI, and the
//! region's share of network hash rate in 2026. The energy price on day-of-year `d` is
//!
//! ```text
//! p(d) = p_0 exp( A cos(2 pi (d - d_peak) / 365.25) )
//! ```
//!
//! with `p_0` = `energy_price_usd_per_kwh` (the geometric-mean level), `A` =
//! `seasonal_amplitude` (log amplitude) and `d_peak` = `seasonal_peak_day` (day of the dearest
//! power). Scenarios override any field; the stochastic process around `p(d)` lives elsewhere.
//!
//! # Default table
//!
//! | region | p_0 USD/kWh | A | d_peak | tCO2/MWh | AI share | hash share 2026 |
//! |---|---|---|---|---|---|---|
//! | us | 0.045 | 0.10 | 200 | 0.37 | 0.50 | 0.38 |
//! | china | 0.050 | 0.25 | 45 | 0.58 | 0.02 | 0.16 |
//! | russia | 0.045 | 0.10 | 15 | 0.35 | 0.05 | 0.12 |
//! | kazakhstan | 0.050 | 0.10 | 15 | 0.65 | 0.05 | 0.04 |
//! | canada | 0.045 | 0.10 | 15 | 0.12 | 0.25 | 0.05 |
//! | paraguay | 0.040 | 0.05 | 15 | 0.02 | 0.08 | 0.03 |
//! | ethiopia | 0.032 | 0.10 | 100 | 0.03 | 0.03 | 0.03 |
//! | middle_east | 0.040 | 0.10 | 200 | 0.45 | 0.25 | 0.05 |
//! | nordics | 0.050 | 0.30 | 15 | 0.04 | 0.35 | 0.03 |
//! | rest_of_world | 0.060 | 0.10 | 15 | 0.48 | 0.10 | 0.11 |
//!
//! Basis of each column (no number below was checked against a dataset in this project; none of
//! them is in `shared/reference`):
//!
//! - **p_0**: ASSUMPTION for every region. All-in power cost typical of large miners, recalled
//!   from industry commentary: US public miners report roughly 3.5-5 US cents/kWh; Paraguay
//!   (ANDE) and Ethiopia (EEP) sell to miners at about 3-4 cents; Kazakhstan's price rose after
//!   its 2022 surcharges; rest of world set dearer because marginal sites are.
//! - **A, d_peak**: ASSUMPTION for every region. Summer peaks where air-conditioning load sets
//!   the price (Texas/ERCOT, Gulf states: d_peak 200, mid-July), winter peaks where heating load
//!   does (d_peak 15), the hydro dry season in Sichuan/Yunnan (A 0.25, d_peak 45) and in Ethiopia
//!   (d_peak 100), Nordic winter prices (A 0.30). Paraguay's hydro (Itaipu) is nearly flat.
//! - **tCO2/MWh**: APPROXIMATE national grid averages of the kind Ember, the IEA and the US EIA
//!   publish (about 2022-2023), recalled, not checked: treat as ASSUMPTION +-20%. Miners may sit
//!   on cleaner or dirtier parts of a grid (Quebec hydro in Canada, coal in Xinjiang). Middle East
//!   is a gas-dominated blend (UAE, Oman, Saudi Arabia); Nordics blends Norway, Sweden, Finland,
//!   Iceland; rest of world is about the world average.
//! - **AI share** (share of a region's mining MW that could host AI: grid and fiber quality, land,
//!   demand nearby, legal access to GPUs): ASSUMPTION for every region. High where miners have
//!   signed AI/HPC leases (US, Canada: see `shared/reference/ai_pivot_facts.md`) and where
//!   sovereign AI build-outs are under way (Gulf states) or data-centre hubs exist (Nordics); near
//!   zero where export controls or sanctions restrict GPUs (China, Russia) or mining is covert.
//!   US 0.50: the large US public miners present most of their big sites as HPC-capable (IREN's
//!   2.9 GW of secured power, Hut 8's 2.3 GW pipeline, ref); a site is suitable or not as a
//!   whole, drawn with this probability.
//! - **hash share 2026**: ASSUMPTION. Starting point: the Cambridge CBECI mining map, whose last
//!   data point is January 2022 (recalled, not checked: US about 38%, mainland China about 21%,
//!   Kazakhstan about 13%, Canada about 6.5%, Russia about 4.7%); moved toward 2026 for the
//!   Kazakh decline after 2022, the growth of Russia, Ethiopia, Paraguay and the Gulf states, and
//!   the persistence of covert Chinese mining. Shares sum to 1 (tested).

use std::fmt;
use std::str::FromStr;

use crate::param::check_all;
use serde::{Deserialize, Serialize};

/// A mining region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "&'static str")]
pub enum Region {
    US,
    China,
    Russia,
    Kazakhstan,
    Canada,
    Paraguay,
    Ethiopia,
    MiddleEast,
    Nordics,
    RestOfWorld,
}

/// Why a region name or a region profile is not valid.
#[derive(Debug, Clone, PartialEq)]
pub enum RegionError {
    /// The name is not one of [`Region::ALL`]'s names.
    Unknown(String),
    /// A profile field is out of range.
    BadProfile {
        region: Region,
        field: &'static str,
        value: f64,
        rule: &'static str,
    },
    /// Hash-rate shares over all regions do not sum to 1.
    SharesDoNotSumToOne(f64),
}

impl fmt::Display for RegionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RegionError::Unknown(name) => {
                write!(f, "unknown region {name:?} (valid: ")?;
                for (i, r) in Region::ALL.iter().enumerate() {
                    let sep = if i == 0 { "" } else { ", " };
                    write!(f, "{sep}{}", r.name())?;
                }
                write!(f, ")")
            }
            RegionError::BadProfile {
                region,
                field,
                value,
                rule,
            } => write!(
                f,
                "region {region}: {field} = {value} is not allowed ({rule})"
            ),
            RegionError::SharesDoNotSumToOne(s) => {
                write!(f, "region hash-rate shares sum to {s}, not 1")
            }
        }
    }
}

impl std::error::Error for RegionError {}

impl Region {
    /// Every region, in table order.
    pub const ALL: [Region; 10] = [
        Region::US,
        Region::China,
        Region::Russia,
        Region::Kazakhstan,
        Region::Canada,
        Region::Paraguay,
        Region::Ethiopia,
        Region::MiddleEast,
        Region::Nordics,
        Region::RestOfWorld,
    ];

    /// The snake_case name used in scenario files ("us", "middle_east", ...).
    pub fn name(self) -> &'static str {
        match self {
            Region::US => "us",
            Region::China => "china",
            Region::Russia => "russia",
            Region::Kazakhstan => "kazakhstan",
            Region::Canada => "canada",
            Region::Paraguay => "paraguay",
            Region::Ethiopia => "ethiopia",
            Region::MiddleEast => "middle_east",
            Region::Nordics => "nordics",
            Region::RestOfWorld => "rest_of_world",
        }
    }

    /// Position in [`Region::ALL`] (for per-region arrays and RNG streams).
    pub fn index(self) -> usize {
        self as usize
    }

    /// The default profile (module docs give every number's basis).
    pub fn default_profile(self) -> RegionProfile {
        let (p, a, d, c, ai, s) = match self {
            Region::US => (0.045, 0.10, 200.0, 0.37, 0.50, 0.38),
            Region::China => (0.050, 0.25, 45.0, 0.58, 0.02, 0.16),
            Region::Russia => (0.045, 0.10, 15.0, 0.35, 0.05, 0.12),
            Region::Kazakhstan => (0.050, 0.10, 15.0, 0.65, 0.05, 0.04),
            Region::Canada => (0.045, 0.10, 15.0, 0.12, 0.25, 0.05),
            Region::Paraguay => (0.040, 0.05, 15.0, 0.02, 0.08, 0.03),
            Region::Ethiopia => (0.032, 0.10, 100.0, 0.03, 0.03, 0.03),
            Region::MiddleEast => (0.040, 0.10, 200.0, 0.45, 0.25, 0.05),
            Region::Nordics => (0.050, 0.30, 15.0, 0.04, 0.35, 0.03),
            Region::RestOfWorld => (0.060, 0.10, 15.0, 0.48, 0.10, 0.11),
        };
        RegionProfile {
            energy_price_usd_per_kwh: p,
            seasonal_amplitude: a,
            seasonal_peak_day: d,
            carbon_intensity_t_per_mwh: c,
            ai_suitability: ai,
            hashrate_share_2026: s,
        }
    }

    /// One line on the basis of the default profile's region-specific numbers.
    pub fn basis(self) -> &'static str {
        match self {
            Region::US => "ASSUMPTION: price from public miners' reported power costs; summer (ERCOT) peak; grid ~0.37 t/MWh (EIA-type average, recalled); largest AI-lease pipeline",
            Region::China => "ASSUMPTION: covert mining after the 2021 ban; hydro dry-season prices; coal-heavy grid; GPUs under export controls",
            Region::Russia => "ASSUMPTION: cheap Siberian power, winter peak; gas/nuclear/hydro grid (recalled, uncertain); sanctions limit AI",
            Region::Kazakhstan => "ASSUMPTION: share fell after 2022 power cuts and surcharges; coal-heavy grid (recalled)",
            Region::Canada => "ASSUMPTION: Quebec/Alberta sites, winter peak; national grid ~0.12 t/MWh (recalled; Quebec far lower); AI leases exist",
            Region::Paraguay => "ASSUMPTION: Itaipu hydro, ANDE tariffs ~3-4 c/kWh (recalled); near-zero carbon; little fiber/AI demand",
            Region::Ethiopia => "ASSUMPTION: EEP hydro contracts ~3 c/kWh (recalled); dry-season peak; little AI demand",
            Region::MiddleEast => "ASSUMPTION: UAE/Oman/Saudi gas-fired power; summer peak; sovereign AI build-outs",
            Region::Nordics => "ASSUMPTION: Norway/Sweden/Finland/Iceland hydro-nuclear grid; strong winter seasonality; data-centre hubs",
            Region::RestOfWorld => "ASSUMPTION: marginal sites elsewhere (Malaysia, Latin America, Europe...); world-average grid ~0.48 t/MWh (recalled)",
        }
    }

    /// Default profiles of every region, in [`Region::ALL`] order.
    pub fn default_profiles() -> [(Region, RegionProfile); 10] {
        Region::ALL.map(|r| (r, r.default_profile()))
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Region {
    type Err = RegionError;

    /// Parses a region name: case-insensitive, `-` or space accepted for `_`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let norm = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Region::ALL
            .into_iter()
            .find(|r| r.name() == norm)
            .ok_or_else(|| RegionError::Unknown(s.to_string()))
    }
}

impl TryFrom<String> for Region {
    type Error = RegionError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<Region> for &'static str {
    fn from(r: Region) -> Self {
        r.name()
    }
}

/// The economic and physical profile of a region (module docs for meanings and defaults).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RegionProfile {
    /// Energy price level miners pay, USD/kWh (geometric mean over the year), > 0.
    pub energy_price_usd_per_kwh: f64,
    /// Log amplitude `A` of the annual price cycle, in [0, 1].
    pub seasonal_amplitude: f64,
    /// Day of year of the dearest power, in [0, 366).
    pub seasonal_peak_day: f64,
    /// Grid carbon intensity, tCO2 per MWh, >= 0.
    pub carbon_intensity_t_per_mwh: f64,
    /// Share of the region's mining MW that could host AI, in [0, 1].
    pub ai_suitability: f64,
    /// Share of network hash rate in 2026, in [0, 1]; sums to 1 over all regions.
    pub hashrate_share_2026: f64,
}

impl RegionProfile {
    /// Checks every field's range.
    pub fn validate(&self, region: Region) -> Result<(), RegionError> {
        let p = self.energy_price_usd_per_kwh;
        let a = self.seasonal_amplitude;
        let d = self.seasonal_peak_day;
        let c = self.carbon_intensity_t_per_mwh;
        let ai = self.ai_suitability;
        let s = self.hashrate_share_2026;
        check_all([
            ("energy_price_usd_per_kwh", p, p > 0.0, "must be > 0"),
            (
                "seasonal_amplitude",
                a,
                (0.0..=1.0).contains(&a),
                "must be in [0, 1]",
            ),
            (
                "seasonal_peak_day",
                d,
                (0.0..366.0).contains(&d),
                "must be in [0, 366)",
            ),
            ("carbon_intensity_t_per_mwh", c, c >= 0.0, "must be >= 0"),
            (
                "ai_suitability",
                ai,
                (0.0..=1.0).contains(&ai),
                "must be in [0, 1]",
            ),
            (
                "hashrate_share_2026",
                s,
                (0.0..=1.0).contains(&s),
                "must be in [0, 1]",
            ),
        ])
        .map_err(|e| RegionError::BadProfile {
            region,
            field: e.param,
            value: e.value,
            rule: e.allowed,
        })
    }

    /// Seasonal price factor `exp(A cos(2 pi (day - d_peak) / 365.25))` on `day_of_year`.
    pub fn seasonal_factor(&self, day_of_year: f64) -> f64 {
        let phase = 2.0 * std::f64::consts::PI * (day_of_year - self.seasonal_peak_day) / 365.25;
        (self.seasonal_amplitude * phase.cos()).exp()
    }

    /// Energy price on `day_of_year` without noise, USD/kWh.
    pub fn energy_price_on_day(&self, day_of_year: f64) -> f64 {
        self.energy_price_usd_per_kwh * self.seasonal_factor(day_of_year)
    }
}

/// Validates a set of profiles: each field in range, hash-rate shares summing to 1 (within 1e-6).
pub fn validate_profiles<'a>(
    profiles: impl IntoIterator<Item = (Region, &'a RegionProfile)>,
) -> Result<(), RegionError> {
    let mut sum = 0.0;
    for (r, p) in profiles {
        p.validate(r)?;
        sum += p.hashrate_share_2026;
    }
    if (sum - 1.0).abs() > 1e-6 {
        return Err(RegionError::SharesDoNotSumToOne(sum));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for r in Region::ALL {
            assert_eq!(r.name().parse::<Region>(), Ok(r));
            assert_eq!(r.to_string(), r.name());
            assert_eq!(Region::ALL[r.index()], r);
        }
        assert_eq!("Middle-East".parse::<Region>(), Ok(Region::MiddleEast));
        assert_eq!(" US ".parse::<Region>(), Ok(Region::US));
        assert_eq!("rest of world".parse::<Region>(), Ok(Region::RestOfWorld));
    }

    #[test]
    fn unknown_region_lists_valid_names() {
        let e = "mars".parse::<Region>().unwrap_err();
        assert_eq!(e, RegionError::Unknown("mars".into()));
        assert_eq!(
            e.to_string(),
            "unknown region \"mars\" (valid: us, china, russia, kazakhstan, canada, paraguay, \
             ethiopia, middle_east, nordics, rest_of_world)"
        );
    }

    #[test]
    fn serde_uses_snake_case_names() {
        let json = serde_json::to_string(&[Region::US, Region::MiddleEast]).unwrap();
        assert_eq!(json, r#"["us","middle_east"]"#);
        let back: Vec<Region> = serde_json::from_str(r#"["rest_of_world","nordics"]"#).unwrap();
        assert_eq!(back, vec![Region::RestOfWorld, Region::Nordics]);
        let err = serde_json::from_str::<Region>(r#""atlantis""#).unwrap_err();
        assert!(err.to_string().contains("valid: us, china"), "{err}");
    }

    #[test]
    fn default_table_is_valid_and_shares_sum_to_one() {
        let profiles = Region::default_profiles();
        validate_profiles(profiles.iter().map(|(r, p)| (*r, p))).unwrap();
        let sum: f64 = profiles.iter().map(|(_, p)| p.hashrate_share_2026).sum();
        assert!((sum - 1.0).abs() < 1e-12, "{sum}");
        for r in Region::ALL {
            assert!(r.basis().starts_with("ASSUMPTION"));
        }
    }

    #[test]
    fn bad_profiles_are_rejected() {
        let mut p = Region::US.default_profile();
        p.ai_suitability = 1.5;
        assert_eq!(
            p.validate(Region::US).unwrap_err().to_string(),
            "region us: ai_suitability = 1.5 is not allowed (must be in [0, 1])"
        );
        let mut p = Region::US.default_profile();
        p.energy_price_usd_per_kwh = f64::NAN;
        assert!(p.validate(Region::US).is_err());
        let one = Region::US.default_profile();
        assert_eq!(
            validate_profiles([(Region::US, &one)]),
            Err(RegionError::SharesDoNotSumToOne(0.38))
        );
    }

    #[test]
    fn seasonality_peaks_on_the_peak_day() {
        let p = Region::Nordics.default_profile();
        let peak = p.energy_price_on_day(15.0);
        assert!((peak - 0.05 * 0.3f64.exp()).abs() < 1e-12);
        let trough = p.energy_price_on_day(15.0 + 365.25 / 2.0);
        assert!((trough - 0.05 * (-0.3f64).exp()).abs() < 1e-12);
        for d in 0..366 {
            let x = p.energy_price_on_day(f64::from(d));
            assert!(x <= peak + 1e-15 && x >= trough - 1e-15);
        }
    }
}
