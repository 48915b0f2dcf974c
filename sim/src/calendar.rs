//! UTC calendar arithmetic (proleptic Gregorian), without a date-time dependency.
//!
//! The simulation clock is seconds since the scenario start; the calendar maps it to unix
//! time. Accepted date-time text: `YYYY-MM-DD` (midnight UTC), `YYYY-MM-DDTHH:MM:SS` with an
//! optional fractional part that must be zero, followed by `Z`, `+00:00` or nothing (UTC), and
//! the same with a space instead of `T`. Algorithms: H. Hinnant, "chrono-Compatible Low-Level
//! Date Algorithms" (days_from_civil / civil_from_days).

/// Seconds per day.
pub const DAY_S: i64 = 86_400;

/// Days since 1970-01-01 of a proleptic Gregorian date.
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m as i64 + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Date (year, month, day) of a day number since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        _ => 28,
    }
}

fn num(s: &str, len: usize) -> Option<u32> {
    (s.len() == len && s.bytes().all(|b| b.is_ascii_digit()))
        .then(|| s.parse().ok())
        .flatten()
}

/// The fields of `s` split at `sep`, one per width in `widths`, each exactly that many digits.
fn numbers<const N: usize>(s: &str, sep: char, widths: [usize; N]) -> Option<[u32; N]> {
    let fields: Vec<&str> = s.split(sep).collect();
    if fields.len() != N {
        return None;
    }
    let mut out = [0; N];
    for ((o, f), w) in out.iter_mut().zip(fields).zip(widths) {
        *o = num(f, w)?;
    }
    Some(out)
}

/// Parses a UTC date or date-time (see the module doc) to unix seconds.
pub fn parse_utc(text: &str) -> Result<i64, String> {
    let bad = || {
        format!(
            "`{text}` is not a UTC date or date-time (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ)"
        )
    };
    let s = text.trim();
    let (date, time) = match s.find(['T', ' ']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let [y, m, d] = numbers(date, '-', [4, 2, 2]).ok_or_else(bad)?;
    if !(1..=12).contains(&m) || d == 0 || d > days_in_month(y as i64, m) {
        return Err(format!("`{text}`: no such calendar date"));
    }
    let mut secs = 0i64;
    if let Some(t) = time {
        let t = t
            .strip_suffix('Z')
            .or_else(|| t.strip_suffix("+00:00"))
            .unwrap_or(t);
        let (hms, frac) = match t.split_once('.') {
            Some((a, f)) => (a, Some(f)),
            None => (t, None),
        };
        if let Some(f) = frac {
            if f.is_empty() || !f.bytes().all(|b| b == b'0') {
                return Err(format!(
                    "`{text}`: fractional seconds are not supported (header times are whole seconds)"
                ));
            }
        }
        let [h, mi, se] = numbers(hms, ':', [2, 2, 2])
            .or_else(|| numbers(hms, ':', [2, 2]).map(|[h, mi]| [h, mi, 0]))
            .ok_or_else(bad)?;
        if h > 23 || mi > 59 || se > 59 {
            return Err(format!("`{text}`: time of day out of range"));
        }
        secs = (h * 3600 + mi * 60 + se) as i64;
    }
    Ok(days_from_civil(y as i64, m, d) * DAY_S + secs)
}

/// Formats unix seconds as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn format_utc(unix: i64) -> String {
    let (y, m, d) = civil_from_days(unix.div_euclid(DAY_S));
    let s = unix.rem_euclid(DAY_S);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        s / 3600,
        (s / 60) % 60,
        s % 60
    )
}

/// Formats unix seconds as `YYYY-MM-DD`.
pub fn format_date(unix: i64) -> String {
    let (y, m, d) = civil_from_days(unix.div_euclid(DAY_S));
    format!("{y:04}-{m:02}-{d:02}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_dates() {
        assert_eq!(parse_utc("1970-01-01").unwrap(), 0);
        // Genesis block header time.
        assert_eq!(parse_utc("2009-01-03T18:15:05Z").unwrap(), 1_231_006_505);
        // Block 840,000 (2024-04-20 00:09:27 UTC).
        assert_eq!(parse_utc("2024-04-20 00:09:27").unwrap(), 1_713_571_767);
        assert_eq!(
            parse_utc("2016-01-01T00:00:00.000Z").unwrap(),
            1_451_606_400
        );
        assert_eq!(format_utc(1_713_571_767), "2024-04-20T00:09:27Z");
        assert_eq!(format_date(1_451_606_400), "2016-01-01");
    }

    #[test]
    fn rejects_bad_text() {
        for bad in [
            "",
            "2021-02-29",
            "2021-13-01",
            "21-01-01",
            "2021-01-01T25:00:00Z",
            "yesterday",
            "2021-01-01T00:00:00.5Z",
            "2021-01-01-01",
            "2021-01-01T12",
            "2021-01-01T12:30:00:00",
            "2021-01-01T12:3:00",
        ] {
            assert!(parse_utc(bad).is_err(), "{bad}");
        }
        assert!(parse_utc("2020-02-29").is_ok());
        assert_eq!(
            parse_utc("2021-01-01T12:30"),
            parse_utc("2021-01-01 12:30:00Z")
        );
    }

    #[test]
    fn civil_round_trip() {
        for z in (-800_000..800_000).step_by(997) {
            let (y, m, d) = civil_from_days(z);
            assert_eq!(days_from_civil(y, m, d), z);
        }
    }
}
