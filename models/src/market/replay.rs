//! Replay of a daily BTC/USD price series (e.g. Coin Metrics' community `time,PriceUSD`
//! columns, parsed by the scenario loader into unix day numbers).
//!
//! A series is a run of consecutive days `d_0, d_0 + 1, ..., d_0 + n - 1` (days since
//! 1970-01-01) with positive finite prices in USD; a gap, a repeated or an out-of-order day,
//! or a bad price is rejected with an error that names the day.

use std::sync::Arc;

use super::error::MarketParamError;

/// A validated daily price series: consecutive unix day numbers, positive finite prices (USD).
///
/// The prices are shared (`Arc`), so cloning a replay (one per run of a sweep) is cheap.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceReplay {
    first_day: i64,
    prices: Arc<[f64]>,
}

impl PriceReplay {
    /// A series from `(day, price_usd)` points, `day` in days since 1970-01-01. The days must
    /// be strictly increasing and consecutive; an error names the first missing day, or the
    /// first point that is not after its predecessor, or the first bad price.
    pub fn new(points: &[(i64, f64)]) -> Result<Self, MarketParamError> {
        let &(first_day, _) = points.first().ok_or(MarketParamError::EmptyReplay)?;
        let mut prices = Vec::with_capacity(points.len());
        for (index, &(day, price)) in points.iter().enumerate() {
            if index > 0 {
                let previous_day = points[index - 1].0;
                if day <= previous_day {
                    return Err(MarketParamError::ReplayNotIncreasing {
                        index,
                        day,
                        previous_day,
                    });
                }
                if day != previous_day + 1 {
                    return Err(MarketParamError::ReplayMissingDay {
                        index,
                        missing_day: previous_day + 1,
                    });
                }
            }
            if !(price.is_finite() && price > 0.0) {
                return Err(MarketParamError::ReplayBadPrice { index, day, price });
            }
            prices.push(price);
        }
        Ok(Self {
            first_day,
            prices: prices.into(),
        })
    }

    /// Price on `day` (days since 1970-01-01), or `None` outside the series.
    pub fn price_on(&self, day: i64) -> Option<f64> {
        let offset = usize::try_from(day.checked_sub(self.first_day)?).ok()?;
        self.prices.get(offset).copied()
    }

    /// First day of the series.
    pub fn first_day(&self) -> i64 {
        self.first_day
    }

    /// Last day of the series.
    pub fn last_day(&self) -> i64 {
        self.first_day + self.prices.len() as i64 - 1
    }

    /// The prices, one per day from [`PriceReplay::first_day`].
    pub fn prices(&self) -> &[f64] {
        &self.prices
    }

    /// Number of days.
    pub fn len(&self) -> usize {
        self.prices.len()
    }

    /// Always false: a replay has at least one day.
    pub fn is_empty(&self) -> bool {
        self.prices.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lookup_by_day() {
        let r = PriceReplay::new(&[(16_801, 434.7), (16_802, 434.4), (16_803, 430.0)]).unwrap();
        assert_eq!(r.first_day(), 16_801);
        assert_eq!(r.last_day(), 16_803);
        assert_eq!(r.len(), 3);
        assert_eq!(r.price_on(16_802), Some(434.4));
        assert_eq!(r.price_on(16_800), None);
        assert_eq!(r.price_on(16_804), None);
        assert_eq!(r.price_on(i64::MIN), None);
        assert_eq!(r.price_on(i64::MAX), None);
    }

    #[test]
    fn rejects_gaps_disorder_and_bad_prices() {
        assert_eq!(PriceReplay::new(&[]), Err(MarketParamError::EmptyReplay));
        let gap = PriceReplay::new(&[(16_801, 1.0), (16_802, 1.0), (16_804, 1.0)]).unwrap_err();
        assert_eq!(
            gap,
            MarketParamError::ReplayMissingDay {
                index: 2,
                missing_day: 16_803
            }
        );
        assert!(gap.to_string().contains("16803 (2016-01-03)"), "{gap}");
        let unsorted = PriceReplay::new(&[(16_802, 1.0), (16_801, 1.0)]).unwrap_err();
        assert!(matches!(
            unsorted,
            MarketParamError::ReplayNotIncreasing { index: 1, .. }
        ));
        assert!(unsorted.to_string().contains("not after"), "{unsorted}");
        let repeated = PriceReplay::new(&[(5, 1.0), (5, 1.0)]).unwrap_err();
        assert!(matches!(
            repeated,
            MarketParamError::ReplayNotIncreasing { index: 1, .. }
        ));
        for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
            let e = PriceReplay::new(&[(5, 1.0), (6, bad)]).unwrap_err();
            assert!(
                matches!(
                    e,
                    MarketParamError::ReplayBadPrice {
                        index: 1,
                        day: 6,
                        ..
                    }
                ),
                "{e}"
            );
        }
    }
}
