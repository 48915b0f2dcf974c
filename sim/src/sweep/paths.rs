//! The scenario key paths a sweep may set, derived from the scenario's key registry
//! ([`crate::scenario::keys::all`], the same definitions the serde mirror, the range checks
//! and `hashshift schema` come from), so every key the scenario format accepts is sweepable and
//! a new key becomes sweepable without edits here.

use std::sync::OnceLock;

use crate::scenario::keys;
pub use crate::scenario::keys::KeyType;

/// One settable key: its dotted path (`*` stands for any map key, e.g. a region name) and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyPath {
    /// Dotted path, e.g. `price.sigma` or `energy.regions.*.price_usd_per_kwh`.
    pub pattern: String,
    /// Its type.
    pub ty: KeyType,
}

/// Every settable key of the scenario format (not the keys inside array elements such as
/// `shocks[].factor`: an array is set whole), in the order of its path's parts.
pub fn scenario_keys() -> &'static [KeyPath] {
    static KEYS: OnceLock<Vec<KeyPath>> = OnceLock::new();
    KEYS.get_or_init(|| {
        let mut out: Vec<KeyPath> = keys::all()
            .iter()
            .filter(|k| !k.path.contains("[]"))
            .map(|k| KeyPath {
                pattern: k.path.to_string(),
                ty: k.ty,
            })
            .collect();
        out.sort_by(|a, b| a.pattern.split('.').cmp(b.pattern.split('.')));
        out
    })
}

fn matches(pattern: &str, path: &str) -> bool {
    let (mut p, mut k) = (pattern.split('.'), path.split('.'));
    loop {
        match (p.next(), k.next()) {
            (None, None) => return true,
            (Some(a), Some(b)) if a == "*" && !b.is_empty() || a == b => {}
            _ => return false,
        }
    }
}

/// The key `path` names, if any.
pub fn lookup(path: &str) -> Option<&'static KeyPath> {
    scenario_keys().iter().find(|k| matches(&k.pattern, path))
}

/// The valid key path nearest to `path` (edit distance), with `*` shown as `<name>`.
pub fn nearest(path: &str) -> String {
    scenario_keys()
        .iter()
        .map(|k| {
            // Compare wildcard patterns with the user's own map key filled in where it fits.
            let filled: Vec<String> = k
                .pattern
                .split('.')
                .zip(path.split('.').chain(std::iter::repeat("")))
                .map(|(p, u)| {
                    if p == "*" && !u.is_empty() {
                        u.to_string()
                    } else {
                        p.to_string()
                    }
                })
                .collect();
            let filled = filled.join(".");
            (levenshtein(&filled, path), filled)
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, p)| p.replace('*', "<name>"))
        .unwrap_or_default()
}

fn levenshtein(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let cost = usize::from(ca != *cb);
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::raw::RawScenario;
    use serde_json::Value;

    /// The registry has a key for every leaf of the serde mirror's JSON Schema, of the same
    /// type, and no other (a table field declared as a key, or a key without a field, would
    /// show here).
    #[test]
    fn registry_matches_the_serde_mirror() {
        let schema = serde_json::to_value(schemars::schema_for!(RawScenario)).unwrap();
        let defs = schema.get("$defs").cloned().unwrap_or(Value::Null);
        let mut from_schema = Vec::new();
        walk(&schema, &defs, "", &mut from_schema);
        assert_eq!(from_schema, scenario_keys());
    }

    fn resolve<'a>(node: &'a Value, defs: &'a Value) -> &'a Value {
        match node.get("$ref").and_then(Value::as_str) {
            Some(r) => r
                .rsplit('/')
                .next()
                .and_then(|name| defs.get(name))
                .map_or(node, |d| resolve(d, defs)),
            None => node,
        }
    }

    fn leaf_type(node: &Value, defs: &Value) -> KeyType {
        let node = resolve(node, defs);
        let names: Vec<&str> = match node.get("type") {
            Some(Value::String(s)) => vec![s.as_str()],
            Some(Value::Array(a)) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        let non_null: Vec<&str> = names.into_iter().filter(|t| *t != "null").collect();
        if let [t] = non_null.as_slice() {
            return match *t {
                "number" => KeyType::Number,
                "integer" => KeyType::Integer,
                "boolean" => KeyType::Boolean,
                "string" => KeyType::String,
                "array" => KeyType::Array,
                _ => KeyType::Other,
            };
        }
        // Enumerations and optional references: `anyOf`/`oneOf` alternatives.
        for key in ["anyOf", "oneOf"] {
            if let Some(Value::Array(alts)) = node.get(key) {
                let types: Vec<KeyType> = alts
                    .iter()
                    .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
                    .map(|a| {
                        let a = resolve(a, defs);
                        if a.get("const").is_some() || a.get("enum").is_some() {
                            KeyType::String
                        } else {
                            leaf_type(a, defs)
                        }
                    })
                    .collect();
                if let Some(first) = types.first() {
                    if types.iter().all(|t| t == first) {
                        return *first;
                    }
                }
            }
        }
        if node.get("enum").is_some() {
            return KeyType::String;
        }
        KeyType::Other
    }

    fn walk(node: &Value, defs: &Value, prefix: &str, out: &mut Vec<KeyPath>) {
        let node = resolve(node, defs);
        let join = |k: &str| {
            if prefix.is_empty() {
                k.to_string()
            } else {
                format!("{prefix}.{k}")
            }
        };
        if let Some(Value::Object(props)) = node.get("properties") {
            for (k, v) in props {
                walk(v, defs, &join(k), out);
            }
            return;
        }
        if let Some(ap @ Value::Object(_)) = node.get("additionalProperties") {
            walk(ap, defs, &join("*"), out);
            return;
        }
        // An optional table (`Option<T>`: `anyOf [T, null]`): its keys.
        if let Some(Value::Array(alts)) = node.get("anyOf") {
            let tables: Vec<&Value> = alts
                .iter()
                .map(|a| resolve(a, defs))
                .filter(|a| a.get("properties").is_some())
                .collect();
            if let ([table], 2) = (tables.as_slice(), alts.len()) {
                walk(table, defs, prefix, out);
                return;
            }
        }
        if !prefix.is_empty() {
            out.push(KeyPath {
                pattern: prefix.to_string(),
                ty: leaf_type(node, defs),
            });
        }
    }

    #[test]
    fn keys_come_from_the_scenario_format() {
        let ty = |p: &str| lookup(p).map(|k| k.ty);
        assert_eq!(ty("price.sigma"), Some(KeyType::Number));
        assert_eq!(ty("network.sites"), Some(KeyType::Integer));
        assert_eq!(ty("output.blocks"), Some(KeyType::Boolean));
        assert_eq!(ty("price.model"), Some(KeyType::String));
        assert_eq!(ty("hashrate.kind"), Some(KeyType::String));
        assert_eq!(ty("horizon_years"), Some(KeyType::Number));
        assert_eq!(ty("seed"), Some(KeyType::Integer));
        assert_eq!(ty("shocks"), Some(KeyType::Array));
        assert_eq!(
            ty("energy.regions.us.price_usd_per_kwh"),
            Some(KeyType::Number)
        );
        assert_eq!(ty("firms.count"), Some(KeyType::Integer));
        assert_eq!(
            ty("ai.reference_rate_usd_per_mw_year"),
            Some(KeyType::Number)
        );
        // The keys of an optional table.
        assert_eq!(ty("fees.spikes.rate_per_year"), Some(KeyType::Number));
        assert_eq!(ty("fees.spikes"), None);
        assert_eq!(ty("price"), None, "tables are not keys");
        assert_eq!(ty("price.sigmaa"), None);
        assert_eq!(ty("energy.regions..sigma"), None);
    }

    #[test]
    fn nearest_suggests_the_intended_key() {
        assert_eq!(nearest("price.sigmaa"), "price.sigma");
        assert_eq!(nearest("prize.sigma"), "price.sigma");
        assert_eq!(nearest("firms.cont"), "firms.count");
        assert_eq!(
            nearest("fees.spikes.rate_per_yr"),
            "fees.spikes.rate_per_year"
        );
        assert_eq!(
            nearest("energy.regions.us.price_usd_kwh"),
            "energy.regions.us.price_usd_per_kwh"
        );
        assert_eq!(levenshtein("kitten", "sitting"), 3);
    }
}
