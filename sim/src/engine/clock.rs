//! The simulation clock: [`SimTime`], seconds since the run start, with its one conversion to
//! days ([`SimTime::days`]) and, through the run's [`Calendar`], its one conversion to unix
//! time ([`Calendar::unix`]: the whole second the time falls in, as block header timestamps
//! are) and to the calendar (year with fraction, day of year).
//!
//! Every event time is a `SimTime`. The times events are handled at derive from it: a block's
//! header time, a midnight (midnights fall on whole seconds, so every unix time the engine
//! computes is exact), an agent event's, whose market view reads the time in days (days since
//! the start of that whole second, [`SimTime::days`]) and in calendar years. One rounding
//! differs and is kept under its own name so that results stay the same: the agents' calendar
//! year is read through the day count ([`Calendar::year_through_days`]), one second early for
//! about 8 % of the times.

use std::cell::Cell;
use std::cmp::Ordering;

use crate::calendar::{civil_from_days, days_from_civil, DAY_S};

/// Seconds per day, as `f64`.
const DAY: f64 = DAY_S as f64;

/// Simulated time: seconds since the run start.
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd)]
pub struct SimTime(f64);

impl SimTime {
    /// The run start.
    pub const ZERO: SimTime = SimTime(0.0);

    /// `secs` seconds since the start.
    #[inline]
    pub const fn from_secs(secs: f64) -> Self {
        Self(secs)
    }

    /// `days` days since the start (`days x 86,400` seconds).
    #[inline]
    pub fn from_days(days: f64) -> Self {
        Self(days * DAY)
    }

    /// Seconds since the start.
    #[inline]
    pub const fn secs(self) -> f64 {
        self.0
    }

    /// Days since the start: `seconds / 86,400`.
    #[inline]
    pub fn days(self) -> f64 {
        self.0 / DAY
    }

    /// Seconds from `earlier` to `self`.
    #[inline]
    pub fn since(self, earlier: SimTime) -> f64 {
        self.0 - earlier.0
    }

    /// `secs` seconds later.
    #[inline]
    pub fn after(self, secs: f64) -> Self {
        Self(self.0 + secs)
    }

    /// The later of the two.
    #[inline]
    pub fn max(self, other: SimTime) -> Self {
        Self(self.0.max(other.0))
    }

    /// Whether the time is NaN (never for a valid event).
    #[inline]
    pub fn is_nan(self) -> bool {
        self.0.is_nan()
    }

    /// The total order of the seconds (`f64::total_cmp`).
    #[inline]
    pub fn total_cmp(&self, other: &SimTime) -> Ordering {
        self.0.total_cmp(&other.0)
    }
}

/// A run's calendar: where its clock starts in unix time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Calendar {
    start_unix: i64,
}

impl Calendar {
    /// The calendar of a run starting at `start_unix` (unix seconds, UTC).
    pub fn new(start_unix: i64) -> Self {
        Self { start_unix }
    }

    /// The run start, unix seconds.
    pub fn start_unix(self) -> i64 {
        self.start_unix
    }

    /// Unix time of `t`: the start plus the whole seconds elapsed (`floor`), as a block
    /// header's timestamp.
    #[inline]
    pub fn unix(self, t: SimTime) -> i64 {
        self.start_unix + t.0.floor() as i64
    }

    /// The clock at unix time `unix`.
    #[inline]
    pub fn at_unix(self, unix: i64) -> SimTime {
        SimTime((unix - self.start_unix) as f64)
    }

    /// Calendar year with fraction of `t`, read through its day count:
    /// `year_fraction(start + trunc(days(t) x 86,400))`. The day count's rounding makes this
    /// one second early for about 8 % of whole-second times (`(k / 86,400) x 86,400` just
    /// below `k`); the agents have always read their year this way, and [`Calendar::unix`]
    /// would change results.
    pub fn year_through_days(self, t: SimTime) -> f64 {
        year_fraction(self.start_unix + (t.days() * DAY) as i64)
    }
}

/// Calendar year with its fraction of unix time `t`, e.g. 2028.5 in early July 2028.
pub fn year_fraction(t: i64) -> f64 {
    thread_local! {
        /// The last year asked for: (year, start, end), unix seconds. Agent events ask
        /// thousands of times per year; the calendar arithmetic runs once per year.
        static YEAR: Cell<(i64, i64, i64)> = const { Cell::new((0, 0, 0)) };
    }
    let (mut y, mut a, mut b) = YEAR.get();
    if !(a <= t && t < b) {
        y = civil_from_days(t.div_euclid(DAY_S)).0;
        (a, b) = (
            days_from_civil(y, 1, 1) * DAY_S,
            days_from_civil(y + 1, 1, 1) * DAY_S,
        );
        YEAR.set((y, a, b));
    }
    y as f64 + (t - a) as f64 / (b - a) as f64
}

/// Day of year (0-based) of unix time `t`.
pub fn day_of_year(t: i64) -> f64 {
    let day = t.div_euclid(DAY_S);
    let (y, _, _) = civil_from_days(day);
    (day - days_from_civil(y, 1, 1)) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_and_unix_time_come_from_the_seconds() {
        let cal = Calendar::new(1_780_000_000);
        let t = SimTime::from_secs(86_400.0 * 2.5 + 0.75);
        assert_eq!(t.days(), t.secs() / 86_400.0);
        assert_eq!(cal.unix(t), 1_780_000_000 + 216_000);
        assert_eq!(cal.at_unix(1_780_000_100), SimTime::from_secs(100.0));
        assert_eq!(SimTime::from_days(1.5).secs(), 129_600.0);
        assert_eq!(t.since(SimTime::from_secs(0.75)), 216_000.0);
        assert_eq!(
            SimTime::ZERO.after(5.0).max(SimTime::from_secs(3.0)).secs(),
            5.0
        );
        assert!(SimTime::from_secs(f64::NAN).is_nan());
    }

    #[test]
    fn whole_seconds_survive_the_day_count_to_the_second() {
        // Rounding the day count back to seconds gives every whole second back; truncating it
        // is one second early for some (the agents' calendar year).
        let cal = Calendar::new(0);
        let mut early = 0;
        for k in 0..100_000i64 {
            let t = cal.at_unix(k);
            assert_eq!((t.days() * 86_400.0).round() as i64, k);
            assert_eq!(cal.unix(t), k);
            if (t.days() * 86_400.0) as i64 != k {
                early += 1;
            }
        }
        assert!(early > 1_000, "{early}");
        // Second 11 is one of them: its year is read one second early.
        let t = cal.at_unix(11);
        assert_eq!(cal.year_through_days(t), year_fraction(10));
    }

    #[test]
    fn the_calendar_year_and_day() {
        // 2028-07-02T00:00:00Z: day 183 of a leap year, half way through it.
        let t = days_from_civil(2028, 7, 2) * DAY_S;
        assert_eq!(day_of_year(t), 183.0);
        assert!((year_fraction(t) - 2028.5).abs() < 1e-12);
        assert_eq!(year_fraction(days_from_civil(2029, 1, 1) * DAY_S), 2029.0);
    }
}
