//! Daily series (hashrate, price, fees) from CSV files.
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

/// The values a column allows: finite, at least 0 (or above 0), at most `max`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Allowed {
    /// Whether 0 is allowed.
    pub zero: bool,
    /// Largest value allowed, in the column's unit.
    pub max: f64,
}

impl Allowed {
    /// Finite and >= 0.
    pub const NON_NEGATIVE: Allowed = Allowed {
        zero: true,
        max: f64::MAX,
    };

    /// Whether `v` is allowed.
    pub fn contains(&self, v: f64) -> bool {
        v.is_finite() && v <= self.max && (v > 0.0 || (self.zero && v == 0.0))
    }

    /// The rule, for messages: "finite and >= 0", "finite, > 0 and at most 1e9".
    pub fn describe(&self) -> String {
        let low = if self.zero { ">= 0" } else { "> 0" };
        if self.max == f64::MAX {
            format!("finite and {low}")
        } else {
            format!("finite, {low} and at most {:e}", self.max)
        }
    }
}

/// Hashrate columns accepted by default: `btc_daily.csv`'s, then Coin Metrics'.
pub const HASHRATE_COLUMNS: [&str; 2] = ["HashRate_THs", "HashRate"];

/// One daily row: the unix time of its date, its 1-based line number, and the requested
/// columns' values (`None` for an empty cell).
#[derive(Debug, Clone, PartialEq)]
pub struct DailyRow {
    /// Unix seconds of the row's date (midnight UTC).
    pub day: i64,
    /// 1-based line number in the file.
    pub line: usize,
    /// One value per requested column, `None` where the cell is empty.
    pub values: Vec<Option<f64>>,
}

/// Reads a daily CSV: the date column (`date_column`, or the first of `date`, `time`) and, for
/// each requested column, the first present of its candidate names (`(candidates, what)`,
/// `what` naming it in messages, and the values it allows). Returns the columns' header names
/// and the rows. Dates must be midnight UTC and strictly increasing; present values within
/// their column's [`Allowed`]. Errors are one line, naming the line number and the column.
pub fn parse_daily_columns(
    text: &str,
    date_column: Option<&str>,
    columns: &[(&[&str], &str, Allowed)],
) -> Result<(Vec<String>, Vec<DailyRow>), String> {
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
    // A name given twice would leave which column is read to chance: refuse it.
    for (j, n) in names.iter().enumerate() {
        if let Some(k) = names[..j]
            .iter()
            .position(|m| m == n)
            .filter(|_| !n.is_empty())
        {
            return Err(format!(
                "the header names column `{n}` twice (fields {} and {}); each column name must \
                 be unique",
                k + 1,
                j + 1
            ));
        }
    }
    let find = |candidates: &[&str], what: &str| -> Result<usize, String> {
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
    let date_idx = match date_column {
        Some(d) => find(&[d], "date")?,
        None => find(&["date", "time"], "date")?,
    };
    let idx: Vec<usize> = columns
        .iter()
        .map(|(cands, what, _)| find(cands, what))
        .collect::<Result<_, _>>()?;

    let mut rows: Vec<DailyRow> = Vec::new();
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
        if let Some(prev) = rows.last() {
            if day <= prev.day {
                return Err(format!(
                    "line {lineno}: date {} is not after the previous row's {}",
                    cells[date_idx],
                    calendar::format_date(prev.day)
                ));
            }
        }
        let mut values = Vec::with_capacity(idx.len());
        for (&c, (_, _, allowed)) in idx.iter().zip(columns) {
            let (cell, name) = (cells[c], names[c]);
            if cell.is_empty() {
                values.push(None);
                continue;
            }
            let v: f64 = cell
                .parse()
                .map_err(|_| format!("line {lineno}: `{name}` = `{cell}` is not a number"))?;
            if !allowed.contains(v) {
                return Err(format!(
                    "line {lineno}: `{name}` = {cell} is not allowed (must be {})",
                    allowed.describe()
                ));
            }
            values.push(Some(v));
        }
        rows.push(DailyRow {
            day,
            line: lineno,
            values,
        });
    }
    Ok((idx.iter().map(|&c| names[c].to_string()).collect(), rows))
}

/// Reads one value column (the first present of `value_columns`, values within `allowed`) as a
/// gap-free daily series. Leading rows with an empty value (Coin Metrics' earliest days) are
/// skipped; an empty value after the first number is an error.
pub fn parse_daily_series(
    text: &str,
    date_column: Option<&str>,
    value_columns: &[&str],
    what: &str,
    allowed: Allowed,
) -> Result<Vec<DailyValue>, String> {
    let (names, rows) = parse_daily_columns(text, date_column, &[(value_columns, what, allowed)])?;
    let name = &names[0];
    let mut out: Vec<DailyValue> = Vec::with_capacity(rows.len());
    for r in rows {
        match r.values[0] {
            Some(v) => out.push((r.day, v)),
            None if out.is_empty() => {}
            None => return Err(format!("line {}: empty `{name}` value", r.line)),
        }
    }
    if out.is_empty() {
        return Err(format!("no rows with a `{name}` value"));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hashrate_series(text: &str) -> Result<Vec<DailyValue>, String> {
        parse_daily_series(
            text,
            None,
            &HASHRATE_COLUMNS,
            "hashrate",
            Allowed::NON_NEGATIVE,
        )
    }

    #[test]
    fn reads_reference_layout() {
        let text =
            "date,PriceUSD,HashRate_THs\n2016-01-01,434.6,697129.1\n2016-01-02,434.4,748768.3\n";
        let s = hashrate_series(text).unwrap();
        assert_eq!(
            s,
            vec![(1_451_606_400, 697129.1), (1_451_692_800, 748768.3)]
        );
    }

    #[test]
    fn reads_coin_metrics_layout_skipping_leading_blanks() {
        let text = "time,HashRate,PriceUSD\n2009-01-03T00:00:00.000Z,,\n2009-01-04T00:00:00.000Z,0.0000071,\n";
        let s = hashrate_series(text).unwrap();
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
            (
                "date,HashRate,HashRate\n2016-01-01,1,2\n",
                "names column `HashRate` twice (fields 2 and 3)",
            ),
        ];
        for (text, want) in cases {
            let err = hashrate_series(text).unwrap_err();
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }
}
