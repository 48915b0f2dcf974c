//! The JSON Schema keywords of each key: `default`, `minimum` / `exclusiveMinimum`,
//! `maximum` / `exclusiveMaximum`, and the range, unit and default in the description.

use serde_json::{json, Value};

use super::{DefaultValue, End, KeyDef, KeyType};

/// Adds each key's default, range and unit to its property in a section's JSON Schema.
pub fn annotate(schema: &mut schemars::Schema, keys: &[KeyDef]) {
    let Some(props) = schema.get_mut("properties").and_then(Value::as_object_mut) else {
        return;
    };
    for k in keys {
        let Some(Value::Object(p)) = props.get_mut(k.name()) else {
            continue;
        };
        if let Some(d) = k.default_json() {
            p.insert("default".into(), d);
        }
        if let (Some(r), KeyType::Number | KeyType::Integer) = (k.range, k.ty) {
            let num = |v: f64| match k.ty {
                KeyType::Integer => json!(v as i128),
                _ => json!(v),
            };
            match r.lo {
                End::Closed(v) => p.insert("minimum".into(), num(v)),
                End::Open(v) => p.insert("exclusiveMinimum".into(), num(v)),
            };
            match r.hi {
                End::Closed(v) => p.insert("maximum".into(), num(v)),
                End::Open(v) => p.insert("exclusiveMaximum".into(), num(v)),
            };
        }
        if let (Some(r), DefaultValue::Pair(_)) = (k.range, k.default) {
            p.insert("minItems".into(), json!(2));
            p.insert("maxItems".into(), json!(2));
            let mut item = serde_json::Map::new();
            item.insert("type".into(), json!("number"));
            match r.lo {
                End::Closed(v) => item.insert("minimum".into(), json!(v)),
                End::Open(v) => item.insert("exclusiveMinimum".into(), json!(v)),
            };
            match r.hi {
                End::Closed(v) => item.insert("maximum".into(), json!(v)),
                End::Open(v) => item.insert("exclusiveMaximum".into(), json!(v)),
            };
            p.insert("items".into(), Value::Object(item));
        }
        let summary = k.summary();
        if !summary.is_empty() {
            let doc = p
                .get("description")
                .and_then(Value::as_str)
                .unwrap_or_default()
                .trim_end()
                .to_string();
            let sep = if doc.is_empty() { "" } else { " " };
            p.insert("description".into(), json!(format!("{doc}{sep}{summary}")));
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    #[test]
    fn the_schema_carries_each_keys_default_range_and_unit() {
        let schema =
            serde_json::to_value(schemars::schema_for!(crate::scenario::raw::RawScenario)).unwrap();
        let prop = |def: &str, key: &str| schema["$defs"][def]["properties"][key].clone();
        let sigma = prop("RawPrice", "sigma");
        assert_eq!(sigma["default"], json!(0.67));
        assert_eq!(
            (sigma["minimum"].clone(), sigma["maximum"].clone()),
            (json!(0.0), json!(5.0))
        );
        let desc = sigma["description"].as_str().unwrap();
        assert!(
            desc.starts_with("gbm, merton: annual volatility."),
            "{desc}"
        );
        assert!(
            desc.contains("Allowed: a number in [0, 5] per year."),
            "{desc}"
        );
        assert!(desc.contains("Default: 0.67 (2016-2026"), "{desc}");
        let hours = prop("RawSecurity", "attack_hours");
        assert_eq!(hours["exclusiveMinimum"], json!(0.0));
        assert_eq!(hours["maximum"], json!(8766.0));
        let half_life = prop("RawDifficulty", "asert_half_life_s");
        assert_eq!(half_life["minimum"], json!(600));
        assert_eq!(half_life["default"], json!(172_800));
        let pair = prop("RawFirms", "discount_rate_public");
        assert_eq!(pair["maxItems"], json!(2));
        assert_eq!(pair["items"]["exclusiveMinimum"], json!(0.0));
        assert_eq!(prop("RawPrice", "model")["default"], json!("constant"));
        let region = prop("RawRegion", "price_usd_per_kwh");
        assert!(region["description"]
            .as_str()
            .unwrap()
            .contains("Default: the region's"));
        assert_eq!(
            schema["properties"]["seed"]["exclusiveMaximum"],
            json!(1u64 << 63)
        );
    }
}
