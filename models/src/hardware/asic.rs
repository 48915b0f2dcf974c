//! One ASIC model: specs, derived efficiency `e = P / h` (J/TH), and their validation.
//! Re-exported from [`super::catalog`].

use serde::Serialize;

use super::catalog::CatalogError;

/// The inputs of an [`AsicModel`], validated by [`AsicSpec::build`].
#[derive(Debug, Clone, PartialEq)]
pub struct AsicSpec {
    /// Permanent model id, unique in a catalog.
    pub id: u16,
    /// Manufacturer, non-empty.
    pub manufacturer: String,
    /// Model name, non-empty and unique (case-insensitively) in a catalog.
    pub name: String,
    /// Release date as a decimal year (2023-10 is 2023.75).
    pub release_year: f64,
    /// Nominal hash rate, TH/s, > 0.
    pub hashrate_ths: f64,
    /// Nominal wall power, W, > 0.
    pub power_w: f64,
    /// Price of a new unit at release, USD per TH/s, > 0.
    pub price_usd_per_th_at_release: f64,
    /// Economic lifetime, years, > 0.
    pub lifetime_years: f64,
    /// Where the specs come from (repo@commit path), or "assumption" / "synthetic".
    pub source: String,
    /// Dedupe choice and caveats.
    pub note: String,
    /// Specs and release month come from a sourced row.
    pub verified: bool,
}

/// One ASIC model. Built only through [`AsicSpec::build`], so every field is valid.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AsicModel {
    id: u16,
    manufacturer: String,
    name: String,
    release_year: f64,
    hashrate_ths: f64,
    power_w: f64,
    efficiency_j_per_th: f64,
    price_usd_per_th_at_release: f64,
    lifetime_years: f64,
    source: String,
    note: String,
    verified: bool,
}

fn positive(line: Option<usize>, field: &'static str, v: f64) -> Result<f64, CatalogError> {
    if !v.is_finite() {
        Err(CatalogError::OutOfRange {
            line,
            field,
            value: v,
            rule: "must be finite",
        })
    } else if v <= 0.0 {
        Err(CatalogError::OutOfRange {
            line,
            field,
            value: v,
            rule: "must be > 0",
        })
    } else {
        Ok(v)
    }
}

impl AsicSpec {
    /// Validates the spec: names non-empty; release year finite in [2009, 2200]; hash rate,
    /// power, price and lifetime finite and > 0.
    pub fn build(self) -> Result<AsicModel, CatalogError> {
        self.build_at(None)
    }

    pub(super) fn build_at(self, line: Option<usize>) -> Result<AsicModel, CatalogError> {
        for (field, value) in [("manufacturer", &self.manufacturer), ("name", &self.name)] {
            if value.trim().is_empty() {
                return Err(CatalogError::BadField {
                    line,
                    field,
                    value: value.clone(),
                    expected: "a non-empty text",
                });
            }
        }
        let y = self.release_year;
        if !(y.is_finite() && (2009.0..=2200.0).contains(&y)) {
            return Err(CatalogError::OutOfRange {
                line,
                field: "release",
                value: y,
                rule: "must be a year in 2009..=2200",
            });
        }
        let h = positive(line, "hashrate_ths", self.hashrate_ths)?;
        let p = positive(line, "power_w", self.power_w)?;
        positive(line, "price_usd_per_th", self.price_usd_per_th_at_release)?;
        positive(line, "lifetime_years", self.lifetime_years)?;
        Ok(AsicModel {
            id: self.id,
            manufacturer: self.manufacturer.trim().to_string(),
            name: self.name.trim().to_string(),
            release_year: y,
            hashrate_ths: h,
            power_w: p,
            efficiency_j_per_th: p / h,
            price_usd_per_th_at_release: self.price_usd_per_th_at_release,
            lifetime_years: self.lifetime_years,
            source: self.source,
            note: self.note,
            verified: self.verified,
        })
    }
}

impl AsicModel {
    /// Permanent model id.
    pub fn id(&self) -> u16 {
        self.id
    }
    pub fn manufacturer(&self) -> &str {
        &self.manufacturer
    }
    pub fn name(&self) -> &str {
        &self.name
    }
    /// Release date, decimal year (2023-10 is 2023.75).
    pub fn release_year(&self) -> f64 {
        self.release_year
    }
    /// Nominal hash rate, TH/s.
    pub fn hashrate_ths(&self) -> f64 {
        self.hashrate_ths
    }
    /// Nominal wall power, W.
    pub fn power_w(&self) -> f64 {
        self.power_w
    }
    /// Efficiency, J/TH (= power_w / hashrate_ths).
    pub fn efficiency_j_per_th(&self) -> f64 {
        self.efficiency_j_per_th
    }
    /// Price of a new unit at release, USD per TH/s.
    pub fn price_usd_per_th_at_release(&self) -> f64 {
        self.price_usd_per_th_at_release
    }
    /// Price of a new unit at release, USD.
    pub fn unit_price_usd_at_release(&self) -> f64 {
        self.price_usd_per_th_at_release * self.hashrate_ths
    }
    /// Economic lifetime, years.
    pub fn lifetime_years(&self) -> f64 {
        self.lifetime_years
    }
    /// Where the specs come from.
    pub fn source(&self) -> &str {
        &self.source
    }
    /// Dedupe choice and caveats.
    pub fn note(&self) -> &str {
        &self.note
    }
    /// Whether specs and release month come from a sourced row.
    pub fn verified(&self) -> bool {
        self.verified
    }
    /// Back to an editable spec.
    pub fn to_spec(&self) -> AsicSpec {
        AsicSpec {
            id: self.id,
            manufacturer: self.manufacturer.clone(),
            name: self.name.clone(),
            release_year: self.release_year,
            hashrate_ths: self.hashrate_ths,
            power_w: self.power_w,
            price_usd_per_th_at_release: self.price_usd_per_th_at_release,
            lifetime_years: self.lifetime_years,
            source: self.source.clone(),
            note: self.note.clone(),
            verified: self.verified,
        }
    }
}
