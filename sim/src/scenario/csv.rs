//! Daily hashrate series from CSV files.
//!
//! Accepted layouts: `shared/reference/btc_daily.csv` (`date`, `HashRate_THs`) and the Coin
//! Metrics community CSV (`time`, `HashRate`, both in TH/s), or any CSV with named columns.
//! Plain comma-separated values without quoted commas (neither source uses quoting). Rows must
//! be in strictly increasing date order, one per UTC day at midnight. Leading rows with an
//! empty value (Coin Metrics' earliest days) are skipped; an empty value after the first
//! number is an error, as is any negative, non-finite or non-numeric value.

use crate::calendar;

/// One day of the series: (unix time of the row's date, value in the column's unit).
pub type DailyValue = (i64, f64);

/// Hashrate columns accepted by default: `btc_daily.csv`'s, then Coin Metrics'.
pub const HASHRATE_COLUMNS: [&str; 2] = ["HashRate_THs", "HashRate"];

/// Reads the date and value columns of `text` (the file's contents).
///
/// `date_column` of `None` picks the first header present among (`date`, `time`); the value
/// column is the first of `value_columns` present. `what` names the value in messages
/// ("hashrate", "price"). Errors are one line, naming the line number and the column.
pub fn parse_daily_series(
    text: &str,
    date_column: Option<&str>,
    value_columns: &[&str],
    what: &str,
) -> Result<Vec<DailyValue>, String> {
    let mut lines = text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty());
    let (_, header) = lines
        .next()
        .ok_or_else(|| "the file is empty (expected a header line and daily rows)".to_string())?;
    let names: Vec<&str> = header
        .trim_start_matches('\u{feff}')
        .split(',')
        .map(|s| s.trim().trim_matches('"'))
        .collect();
    let find = |wanted: Option<&str>, defaults: &[&str], what: &str| -> Result<usize, String> {
        let candidates: Vec<&str> = match wanted {
            Some(w) => vec![w],
            None => defaults.to_vec(),
        };
        candidates
            .iter()
            .find_map(|c| names.iter().position(|n| n == c))
            .ok_or_else(|| {
                format!(
                    "no {what} column named {} in the header (columns: {})",
                    candidates
                        .iter()
                        .map(|c| format!("`{c}`"))
                        .collect::<Vec<_>>()
                        .join(" or "),
                    names.join(", ")
                )
            })
    };
    let date_idx = find(date_column, &["date", "time"], "date")?;
    let value_idx = find(None, value_columns, what)?;
    let value_name = names[value_idx];

    let mut out: Vec<DailyValue> = Vec::new();
    for (i, line) in lines {
        let lineno = i + 1;
        let cells: Vec<&str> = line
            .split(',')
            .map(|s| s.trim().trim_matches('"'))
            .collect();
        if cells.len() != names.len() {
            return Err(format!(
                "line {lineno}: {} fields, but the header has {}",
                cells.len(),
                names.len()
            ));
        }
        let day =
            calendar::parse_utc(cells[date_idx]).map_err(|e| format!("line {lineno}: {e}"))?;
        if day.rem_euclid(calendar::DAY_S) != 0 {
            return Err(format!(
                "line {lineno}: `{}` is not midnight UTC (rows must be daily)",
                cells[date_idx]
            ));
        }
        let cell = cells[value_idx];
        if cell.is_empty() {
            if out.is_empty() {
                continue;
            }
            return Err(format!("line {lineno}: empty `{value_name}` value"));
        }
        let v: f64 = cell
            .parse()
            .map_err(|_| format!("line {lineno}: `{value_name}` = `{cell}` is not a number"))?;
        if !v.is_finite() || v < 0.0 {
            return Err(format!(
                "line {lineno}: `{value_name}` = {cell} is not allowed (must be finite and >= 0)"
            ));
        }
        if let Some(&(prev, _)) = out.last() {
            if day <= prev {
                return Err(format!(
                    "line {lineno}: date {} is not after the previous row's {}",
                    cells[date_idx],
                    calendar::format_date(prev)
                ));
            }
        }
        out.push((day, v));
    }
    if out.is_empty() {
        return Err(format!("no rows with a `{value_name}` value"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_reference_layout() {
        let text =
            "date,PriceUSD,HashRate_THs\n2016-01-01,434.6,697129.1\n2016-01-02,434.4,748768.3\n";
        let s = parse_daily_series(text, None, &HASHRATE_COLUMNS, "hashrate").unwrap();
        assert_eq!(
            s,
            vec![(1_451_606_400, 697129.1), (1_451_692_800, 748768.3)]
        );
    }

    #[test]
    fn reads_coin_metrics_layout_skipping_leading_blanks() {
        let text = "time,HashRate,PriceUSD\n2009-01-03T00:00:00.000Z,,\n2009-01-04T00:00:00.000Z,0.0000071,\n";
        let s = parse_daily_series(text, None, &HASHRATE_COLUMNS, "hashrate").unwrap();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].1, 0.0000071);
    }

    #[test]
    fn rejects_bad_files() {
        let cases = [
            ("", "empty"),
            ("date,HashRate\n", "no rows"),
            ("date,Foo\n2016-01-01,1\n", "no hashrate column"),
            (
                "date,HashRate\n2016-01-01,abc\n",
                "line 2: `HashRate` = `abc` is not a number",
            ),
            ("date,HashRate\n2016-01-01,-1\n", "must be finite and >= 0"),
            ("date,HashRate\n2016-01-02,1\n2016-01-01,1\n", "not after"),
            (
                "date,HashRate\n2016-01-01,1\n2016-01-02,\n",
                "empty `HashRate`",
            ),
            ("date,HashRate\n2016-01-01,1,2\n", "3 fields"),
            ("date,HashRate\n2016-01-01T12:00:00Z,1\n", "not midnight"),
            ("date,HashRate\nnope,1\n", "not a UTC date"),
        ];
        for (text, want) in cases {
            let err = parse_daily_series(text, None, &HASHRATE_COLUMNS, "hashrate").unwrap_err();
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }
}
