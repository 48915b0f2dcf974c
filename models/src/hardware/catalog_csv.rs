//! The catalog CSV format (`models/data/asic_catalog.csv`): a small hand parser, so that no
//! CSV crate is needed and every error names its line and field.

use std::collections::HashMap;

use super::asic::{AsicModel, AsicSpec};
use super::catalog::CatalogError;

/// The CSV columns, in the default file's order (any order is accepted; `note` is optional).
pub const COLUMNS: [&str; 11] = [
    "id",
    "manufacturer",
    "name",
    "release",
    "hashrate_ths",
    "power_w",
    "price_usd_per_th",
    "lifetime_years",
    "verified",
    "source",
    "note",
];

/// Splits one CSV line into fields; fields may be wrapped in double quotes ("" = one quote).
pub(crate) fn split_csv_line(s: &str) -> Result<Vec<String>, String> {
    let mut fields = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    let mut in_quotes = false;
    let mut was_quoted = false;
    while let Some(c) = chars.next() {
        match (in_quotes, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cur.push('"');
            }
            (true, '"') => in_quotes = false,
            (true, c) => cur.push(c),
            (false, '"') if cur.trim().is_empty() && !was_quoted => {
                cur.clear();
                in_quotes = true;
                was_quoted = true;
            }
            (false, '"') => return Err("stray double quote inside an unquoted field".into()),
            (false, ',') => {
                fields.push(std::mem::take(&mut cur));
                was_quoted = false;
            }
            (false, c) if was_quoted && !c.is_whitespace() => {
                return Err("text after a closing double quote".into())
            }
            (false, c) => cur.push(c),
        }
    }
    if in_quotes {
        return Err("unterminated double quote".into());
    }
    fields.push(cur);
    Ok(fields.into_iter().map(|f| f.trim().to_string()).collect())
}

/// Splits a data line of a table whose header has `columns` fields ([`split_csv_line`]),
/// refusing a line with another number of fields.
pub(crate) fn split_csv_row(s: &str, columns: usize) -> Result<Vec<String>, String> {
    let fields = split_csv_line(s)?;
    if fields.len() != columns {
        return Err(format!(
            "{} fields, the header has {columns} (quote fields that contain commas)",
            fields.len()
        ));
    }
    Ok(fields)
}

/// Bounds on what one machine of a catalog row can be: 1e-300 W passed `> 0` and made every
/// unit of a site's MW infinite.
/// The least wall power of one machine, W.
const MIN_POWER_W: f64 = 1.0;
/// The efficiency range a catalog row may give, J/TH (the built-in catalog spans about 11 to
/// 100; the first ASICs of 2013 drew about 1,000 to 9,000). Synthetic frontier generations
/// are not rows and may go lower.
const MIN_J_PER_TH: f64 = 0.01;
/// See [`MIN_J_PER_TH`].
const MAX_J_PER_TH: f64 = 100_000.0;

fn parse_f64(line: usize, field: &'static str, v: &str) -> Result<f64, CatalogError> {
    v.parse::<f64>().map_err(|_| CatalogError::BadField {
        line: Some(line),
        field,
        value: v.to_string(),
        expected: "a number",
    })
}

/// "YYYY-MM" to a decimal year YYYY + (MM-1)/12.
fn parse_release(line: usize, v: &str) -> Result<f64, CatalogError> {
    let bad = || CatalogError::BadField {
        line: Some(line),
        field: "release",
        value: v.to_string(),
        expected: "a month YYYY-MM",
    };
    let (y, m) = v.split_once('-').ok_or_else(bad)?;
    if y.len() != 4 || m.len() != 2 {
        return Err(bad());
    }
    let y: u32 = y.parse().map_err(|_| bad())?;
    let m: u32 = m.parse().map_err(|_| bad())?;
    if !(1..=12).contains(&m) {
        return Err(bad());
    }
    Ok(f64::from(y) + f64::from(m - 1) / 12.0)
}

/// Parses catalog text into models with their 1-based line numbers (see
/// [`super::catalog::Catalog::from_csv_str`] for the format).
pub(super) fn parse(text: &str) -> Result<Vec<(Option<usize>, AsicModel)>, CatalogError> {
    let mut lines = text
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.trim()))
        .filter(|(_, l)| !l.is_empty() && !l.starts_with('#'));
    let (hline, header) = lines.next().ok_or(CatalogError::MissingHeader)?;
    let header = split_csv_line(header).map_err(|reason| CatalogError::BadLine {
        line: hline,
        reason,
    })?;
    let mut index: HashMap<&'static str, usize> = HashMap::new();
    for (i, col) in header.iter().enumerate() {
        let known = COLUMNS.iter().find(|c| **c == col.as_str());
        let known = known.ok_or_else(|| CatalogError::BadColumn {
            column: col.clone(),
            reason: "is not a known column",
        })?;
        if index.insert(known, i).is_some() {
            return Err(CatalogError::BadColumn {
                column: col.clone(),
                reason: "appears twice",
            });
        }
    }
    if let Some(c) = COLUMNS
        .iter()
        .find(|c| **c != "note" && !index.contains_key(*c))
    {
        return Err(CatalogError::MissingColumn(c));
    }
    let mut located = Vec::new();
    for (line, l) in lines {
        let fields = split_csv_row(l, header.len())
            .map_err(|reason| CatalogError::BadLine { line, reason })?;
        let get = |c: &str| index.get(c).map(|&i| fields[i].as_str()).unwrap_or("");
        let id = get("id")
            .parse::<u16>()
            .map_err(|_| CatalogError::BadField {
                line: Some(line),
                field: "id",
                value: get("id").to_string(),
                expected: "an integer in 0..=65535",
            })?;
        let verified = match get("verified") {
            "true" => true,
            "false" => false,
            v => {
                return Err(CatalogError::BadField {
                    line: Some(line),
                    field: "verified",
                    value: v.to_string(),
                    expected: "true or false",
                })
            }
        };
        let spec = AsicSpec {
            id,
            manufacturer: get("manufacturer").to_string(),
            name: get("name").to_string(),
            release_year: parse_release(line, get("release"))?,
            hashrate_ths: parse_f64(line, "hashrate_ths", get("hashrate_ths"))?,
            power_w: parse_f64(line, "power_w", get("power_w"))?,
            price_usd_per_th_at_release: parse_f64(
                line,
                "price_usd_per_th",
                get("price_usd_per_th"),
            )?,
            lifetime_years: parse_f64(line, "lifetime_years", get("lifetime_years"))?,
            source: get("source").to_string(),
            note: get("note").to_string(),
            verified,
        };
        // Only finite positive values here: the others get build_at's messages.
        let positive = |v: f64| v.is_finite() && v > 0.0;
        if positive(spec.power_w) && positive(spec.hashrate_ths) {
            if spec.power_w < MIN_POWER_W {
                return Err(CatalogError::OutOfRange {
                    line: Some(line),
                    field: "power_w",
                    value: spec.power_w,
                    rule: "must be at least 1 W (one machine's wall power)",
                });
            }
            let j = spec.power_w / spec.hashrate_ths;
            if !(MIN_J_PER_TH..=MAX_J_PER_TH).contains(&j) {
                return Err(CatalogError::OutOfRange {
                    line: Some(line),
                    field: "power_w",
                    value: spec.power_w,
                    rule: "gives power_w / hashrate_ths outside [0.01, 100000] J/TH (real SHA-256 \
                           machines: about 10 to 1,000 J/TH)",
                });
            }
        }
        located.push((Some(line), spec.build_at(Some(line))?));
    }
    Ok(located)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hardware::catalog::Catalog;

    const HEADER: &str = "id,manufacturer,name,release,hashrate_ths,power_w,price_usd_per_th,\
                          lifetime_years,verified,source,note";

    fn csv(rows: &[&str]) -> String {
        let mut s = String::from("# comment\n\n");
        s.push_str(HEADER);
        s.push('\n');
        for r in rows {
            s.push_str(r);
            s.push('\n');
        }
        s
    }

    const OK_ROW: &str = "1,Bitmain,Antminer S9,2016-07,13,1300,110,5,true,src,\"a, b\"";

    #[test]
    fn quoted_fields_and_ok_row() {
        let c = Catalog::from_csv_str(&csv(&[OK_ROW])).unwrap();
        assert_eq!(c.models()[0].note(), "a, b");
        assert_eq!(
            split_csv_line(r#"a,"b ""q"", c", d"#).unwrap(),
            vec!["a", "b \"q\", c", "d"]
        );
        assert!(split_csv_line(r#"a,"b"#).is_err());
        assert!(split_csv_line(r#"a,b"c"#).is_err());
    }

    #[test]
    fn zero_hashrate_names_line_and_field() {
        // Line 1 comment, 2 blank, 3 header, 4 ok row, 5 bad row.
        let text = csv(&[OK_ROW, "2,X,Zero,2020-01,0,1000,10,5,false,src,"]);
        let e = Catalog::from_csv_str(&text).unwrap_err();
        assert_eq!(
            e.to_string(),
            "line 5: hashrate_ths = 0 is not allowed (must be > 0)"
        );
    }

    /// Issue 33, case 13: `power_w = 1e-300` passed `> 0` and failed later as "fleet unit 0:
    /// ths = inf" without file, line or column.
    #[test]
    fn a_power_no_machine_has_names_line_and_field() {
        let row = |p: &str| format!("2,X,Tiny,2020-01,1000,{p},10,5,false,src,");
        for (p, shown, rule) in [
            ("1e-300", "1e-300", "must be at least 1 W"),
            ("0.5", "0.5", "must be at least 1 W"),
            ("5", "5", "outside [0.01, 100000] J/TH"),
            ("2e8", "200000000", "outside [0.01, 100000] J/TH"),
        ] {
            let e = Catalog::from_csv_str(&csv(&[OK_ROW, &row(p)]))
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(&format!("line 5: power_w = {shown} ")), "{e}");
            assert!(e.contains(rule), "{e}");
        }
        // The ends are allowed: 1 W, and 0.01 and 100,000 J/TH.
        for (h, p) in [("100", "1"), ("100", "100"), ("100", "1e7")] {
            let r = format!("2,X,Edge,2020-01,{h},{p},10,5,false,src,");
            Catalog::from_csv_str(&csv(&[OK_ROW, &r])).unwrap();
        }
    }

    #[test]
    fn parse_errors() {
        let err = |row: &str| Catalog::from_csv_str(&csv(&[row])).unwrap_err().to_string();
        assert_eq!(
            err("1,B,M,2016-07,13,inf,110,5,true,s,"),
            "line 4: power_w = inf is not allowed (must be finite)"
        );
        assert_eq!(
            err("1,B,M,2016-07,13,NaN,110,5,true,s,"),
            "line 4: power_w = NaN is not allowed (must be finite)"
        );
        assert_eq!(
            err("1,B,M,2016-07,13,abc,110,5,true,s,"),
            "line 4: power_w = \"abc\" is not a number"
        );
        assert_eq!(
            err("1,B,M,2016-13,13,1300,110,5,true,s,"),
            "line 4: release = \"2016-13\" is not a month YYYY-MM"
        );
        assert_eq!(
            err("70000,B,M,2016-07,13,1300,110,5,true,s,"),
            "line 4: id = \"70000\" is not an integer in 0..=65535"
        );
        assert_eq!(
            err("1,B,M,2016-07,13,1300,110,5,yes,s,"),
            "line 4: verified = \"yes\" is not true or false"
        );
        assert_eq!(
            err("1,B,,2016-07,13,1300,110,5,true,s,"),
            "line 4: name = \"\" is not a non-empty text"
        );
        assert_eq!(
            err("1,B,M,2016-07,13,1300,-1,5,true,s,"),
            "line 4: price_usd_per_th = -1 is not allowed (must be > 0)"
        );
        assert!(err("1,B,M,2016-07,13,1300").starts_with("line 4: 6 fields, the header has 11"));
        let dup = csv(&[OK_ROW, "1,B,Other,2017-01,13,1300,110,5,true,s,"]);
        assert_eq!(
            Catalog::from_csv_str(&dup).unwrap_err().to_string(),
            "line 5: id 1 is used by another model"
        );
        let dup_name = csv(&[OK_ROW, "2,B,ANTMINER S9,2017-01,13,1300,110,5,true,s,"]);
        assert!(matches!(
            Catalog::from_csv_str(&dup_name),
            Err(CatalogError::DuplicateName { line: Some(5), .. })
        ));
        assert_eq!(
            Catalog::from_csv_str("# x\n"),
            Err(CatalogError::MissingHeader)
        );
        assert_eq!(Catalog::from_csv_str(HEADER), Err(CatalogError::Empty));
        assert!(matches!(
            Catalog::from_csv_str("id,name,bogus\n"),
            Err(CatalogError::BadColumn { .. })
        ));
        assert_eq!(
            Catalog::from_csv_str("id,name\n"),
            Err(CatalogError::MissingColumn("manufacturer"))
        );
    }
}
