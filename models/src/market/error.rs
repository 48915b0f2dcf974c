//! Why a market process could not be built (or a shock could not be applied).

use std::fmt;

/// Why a market-process parameter, replay series or shock was rejected.
///
/// Every variant names what was wrong, the offending value and what is allowed, so a scenario
/// loader can pass the message to the user unchanged.
#[derive(Debug, Clone, PartialEq)]
pub enum MarketParamError {
    /// A scalar parameter is NaN, infinite or outside its allowed range.
    OutOfRange {
        /// Name of the parameter, as in the constructor's argument list (e.g. `"sigma"`).
        param: &'static str,
        /// The rejected value.
        value: f64,
        /// The allowed range, in interval notation with units (e.g. `"[0, 5] per year"`).
        allowed: &'static str,
    },
    /// A price replay series has no points.
    EmptyReplay,
    /// A replay day is not after the previous one (the series is unsorted or repeats a day).
    ReplayNotIncreasing {
        /// Index of the offending point.
        index: usize,
        /// Its day (days since 1970-01-01).
        day: i64,
        /// The previous point's day.
        previous_day: i64,
    },
    /// A replay series skips a day.
    ReplayMissingDay {
        /// Index of the first point after the gap.
        index: usize,
        /// The first missing day (days since 1970-01-01).
        missing_day: i64,
    },
    /// A replay price is not a positive finite number.
    ReplayBadPrice {
        /// Index of the offending point.
        index: usize,
        /// Its day (days since 1970-01-01).
        day: i64,
        /// The rejected price, USD.
        price: f64,
    },
    /// A bootstrap was given no returns.
    EmptyReturns,
    /// A bootstrap return is not a finite number.
    BadReturn {
        /// Index of the offending return.
        index: usize,
        /// The rejected value (log-return).
        value: f64,
    },
    /// A replay was asked to start on a day the series does not cover.
    ReplayStartOutside {
        /// The requested start day (days since 1970-01-01).
        start_day: i64,
        /// First day of the series.
        first_day: i64,
        /// Last day of the series.
        last_day: i64,
    },
}

/// `YYYY-MM-DD` of a day number since 1970-01-01 (proleptic Gregorian; H. Hinnant's
/// `civil_from_days`), for messages only.
pub(crate) fn iso_date(days: i64) -> String {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

impl fmt::Display for MarketParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MarketParamError::OutOfRange {
                param,
                value,
                allowed,
            } => write!(
                f,
                "parameter `{param}` = {value} is not allowed (allowed: {allowed})"
            ),
            MarketParamError::EmptyReplay => write!(f, "the price replay series has no points"),
            MarketParamError::ReplayNotIncreasing {
                index,
                day,
                previous_day,
            } => write!(
                f,
                "replay point {index}: day {day} ({}) is not after the previous day {previous_day} \
                 ({}); the series must be sorted by day without repeats",
                iso_date(*day),
                iso_date(*previous_day)
            ),
            MarketParamError::ReplayMissingDay { index, missing_day } => write!(
                f,
                "replay point {index}: day {missing_day} ({}) is missing; the series must cover \
                 consecutive days",
                iso_date(*missing_day)
            ),
            MarketParamError::ReplayBadPrice { index, day, price } => write!(
                f,
                "replay point {index} (day {day}, {}): price {price} USD is not allowed \
                 (must be finite and > 0)",
                iso_date(*day)
            ),
            MarketParamError::EmptyReturns => {
                write!(f, "the bootstrap was given no daily log-returns")
            }
            MarketParamError::BadReturn { index, value } => write!(
                f,
                "bootstrap return {index}: {value} is not a finite daily log-return"
            ),
            MarketParamError::ReplayStartOutside {
                start_day,
                first_day,
                last_day,
            } => write!(
                f,
                "replay start day {start_day} ({}) is outside the series, which covers days \
                 {first_day} ({}) to {last_day} ({})",
                iso_date(*start_day),
                iso_date(*first_day),
                iso_date(*last_day)
            ),
        }
    }
}

impl std::error::Error for MarketParamError {}

/// An interval a parameter must lie in.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Bounds {
    /// `[lo, hi]`.
    Closed(f64, f64),
    /// `(lo, hi]`.
    OpenClosed(f64, f64),
    /// `(lo, hi)`.
    Open(f64, f64),
}

impl Bounds {
    fn contain(self, value: f64) -> bool {
        match self {
            Bounds::Closed(lo, hi) => (lo..=hi).contains(&value),
            Bounds::OpenClosed(lo, hi) => value > lo && value <= hi,
            Bounds::Open(lo, hi) => value > lo && value < hi,
        }
    }
}

/// `Ok(value)` when `value` is finite and `ok`, else [`MarketParamError::OutOfRange`] naming
/// `param` and `allowed` (the interval in words, with units).
fn check_that(
    param: &'static str,
    value: f64,
    ok: bool,
    allowed: &'static str,
) -> Result<f64, MarketParamError> {
    if value.is_finite() && ok {
        Ok(value)
    } else {
        Err(MarketParamError::OutOfRange {
            param,
            value,
            allowed,
        })
    }
}

/// Checks that `value` is finite and within `bounds`.
pub(crate) fn check_in(
    param: &'static str,
    value: f64,
    bounds: Bounds,
    allowed: &'static str,
) -> Result<f64, MarketParamError> {
    check_that(param, value, bounds.contain(value), allowed)
}

/// `value` in the open interval (0, 1).
pub(crate) fn check_unit_open(param: &'static str, value: f64) -> Result<f64, MarketParamError> {
    check_that(param, value, value > 0.0 && value < 1.0, "(0, 1)")
}

/// Checks that a multiplicative factor (a price, a shock) is finite and `> 0`.
pub(crate) fn check_positive(param: &'static str, value: f64) -> Result<f64, MarketParamError> {
    check_that(param, value, value > 0.0, "(0, inf), finite")
}

#[cfg(test)]
mod tests {
    use super::*;
    use Bounds::{Closed, Open, OpenClosed};

    #[test]
    fn iso_dates() {
        assert_eq!(iso_date(0), "1970-01-01");
        assert_eq!(iso_date(16_801), "2016-01-01");
        assert_eq!(iso_date(19_782), "2024-02-29");
        assert_eq!(iso_date(-1), "1969-12-31");
    }

    #[test]
    fn messages_name_parameter_value_and_range() {
        let e = check_in("sigma", 7.0, Closed(0.0, 5.0), "[0, 5] per year").unwrap_err();
        let s = e.to_string();
        assert!(
            s.contains("`sigma`") && s.contains('7') && s.contains("[0, 5]"),
            "{s}"
        );
        assert!(check_in("x", f64::NAN, Closed(0.0, 1.0), "[0, 1]").is_err());
        assert!(check_in("p", 0.0, OpenClosed(0.0, 1.0), "(0, 1]").is_err());
        assert!(check_in("p", 1.0, OpenClosed(0.0, 1.0), "(0, 1]").is_ok());
        assert!(check_positive("factor", f64::INFINITY).is_err());
        assert!(check_in("a", 1.0, Open(-1.0, 1.0), "(-1, 1)").is_err());
        assert!(check_in("a", -1.0, Open(-1.0, 1.0), "(-1, 1)").is_err());
        assert!(check_in("a", f64::NAN, Open(-1.0, 1.0), "(-1, 1)").is_err());
        assert!(check_in("a", 0.97, Open(-1.0, 1.0), "(-1, 1)").is_ok());
        let s = MarketParamError::BadReturn {
            index: 3,
            value: f64::NAN,
        }
        .to_string();
        assert!(s.contains("return 3") && s.contains("NaN"), "{s}");
    }
}
