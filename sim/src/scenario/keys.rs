//! One definition per scenario key: its dotted path, type, default, allowed range, unit and
//! doc ([`KeyDef`]). The [`section!`](crate::scenario::keys::section) macro declares a section
//! of the scenario file once and derives from it the serde mirror (unknown keys rejected), the
//! section's key table, and the JSON Schema keywords (`default`, `minimum`, `exclusiveMaximum`,
//! ..., the unit in the description) that `hashshift schema` prints. The resolvers fill
//! defaults and check ranges through [`Ctx::value`], which takes both from the key's
//! definition, so a message names the file, the key, the value and the allowed range. The
//! registry ([`all`]) lists every key; the sweep key paths (`crate::sweep::paths`) and the
//! generated range test (`sim/tests/scenario_keys.rs`) read it.

use std::sync::OnceLock;

use serde_json::{json, Value};

mod schema;
mod value;

pub use schema::annotate;
pub(crate) use value::text_value;
pub use value::KeyValue;

/// The TOML type of a scenario key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyType {
    /// A floating-point number.
    Number,
    /// An integer.
    Integer,
    /// true / false.
    Boolean,
    /// Text (including enumerations such as `price.model`).
    String,
    /// An array (e.g. `shocks`, `firms.horizon_years`): settable in `[set]`, not sweepable.
    Array,
    /// A table of keys (e.g. `fees.spikes`): not a key itself; its keys are.
    Other,
}

/// One end of an allowed range.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum End {
    /// The end itself is allowed.
    Closed(f64),
    /// The end itself is not allowed.
    Open(f64),
}

impl End {
    /// The end's value.
    pub fn value(self) -> f64 {
        match self {
            End::Closed(v) | End::Open(v) => v,
        }
    }
}

/// `>= v`.
pub const fn ge(v: f64) -> End {
    End::Closed(v)
}
/// `> v`.
pub const fn gt(v: f64) -> End {
    End::Open(v)
}
/// `<= v`.
pub const fn le(v: f64) -> End {
    End::Closed(v)
}
/// `< v`.
pub const fn lt(v: f64) -> End {
    End::Open(v)
}

/// An allowed range: both ends finite, so every accepted value is finite.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Range {
    /// Lower end.
    pub lo: End,
    /// Upper end.
    pub hi: End,
}

impl Range {
    /// Whether `v` is inside (NaN never is).
    pub fn contains(&self, v: f64) -> bool {
        let above = match self.lo {
            End::Closed(lo) => v >= lo,
            End::Open(lo) => v > lo,
        };
        let below = match self.hi {
            End::Closed(hi) => v <= hi,
            End::Open(hi) => v < hi,
        };
        v.is_finite() && above && below
    }

    /// Whether integer `v` is inside (compared exactly, also past 2^53).
    pub fn contains_int(&self, v: i128) -> bool {
        let int = |e: f64| e as i128;
        let above = match self.lo {
            End::Closed(lo) => v >= int(lo),
            End::Open(lo) => v > int(lo),
        };
        let below = match self.hi {
            End::Closed(hi) => v <= int(hi),
            End::Open(hi) => v < int(hi),
        };
        above && below
    }

    /// `[0, 1]`, `(0, 8766]`, `[0, 2^63)`.
    pub fn show(&self, ty: KeyType) -> String {
        let (open, lo) = match self.lo {
            End::Closed(v) => ('[', v),
            End::Open(v) => ('(', v),
        };
        let (close, hi) = match self.hi {
            End::Closed(v) => (']', v),
            End::Open(v) => (')', v),
        };
        let show = |v: f64| match ty {
            KeyType::Integer => show_int_bound(v),
            _ => show_number(v),
        };
        format!("{open}{}, {}{close}", show(lo), show(hi))
    }
}

/// An integer bound: `2^40` for large powers of two, else the digits.
fn show_int_bound(v: f64) -> String {
    let i = v as u128;
    if i >= 1 << 32 && i.is_power_of_two() {
        format!("2^{}", i.trailing_zeros())
    } else {
        show_number(v)
    }
}

pub use hashshift_models::param::show_number;

/// A key's default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum DefaultValue {
    /// None: the key is optional (absent means off or unused) or required.
    None,
    /// A number.
    Number(f64),
    /// An integer.
    Integer(u64),
    /// true / false.
    Boolean(bool),
    /// Text, as the file spells it (`"constant"`).
    Text(&'static str),
    /// A `[low, high]` pair.
    Pair([f64; 2]),
    /// Worked out from other keys (`min(3000, network.sites)`): described, filled by the
    /// resolver.
    Derived(&'static str),
}

/// One scenario key: everything about it, in one place.
#[derive(Debug, Clone, Copy)]
pub struct KeyDef {
    /// Dotted path: `price.sigma`; `*` stands for a map key (`energy.regions.*.sigma`) and `[]`
    /// for an array element (`shocks[].factor`).
    pub path: &'static str,
    /// TOML type.
    pub ty: KeyType,
    /// Default when the file does not give the key.
    pub default: DefaultValue,
    /// What else the default depends on, or its source (`0.49 with model = "merton"`).
    pub default_note: &'static str,
    /// Allowed range (numbers; each element of a pair); `None` for other types.
    pub range: Option<Range>,
    /// Unit or scale, e.g. `USD/kWh`, `years`, `(share)`.
    pub unit: &'static str,
    /// What the key means (the field's doc comment).
    pub doc: &'static str,
    /// The keys of the table (or of each array element) this key holds.
    pub table: Option<&'static [KeyDef]>,
}

impl KeyDef {
    const fn new(ty: KeyType, default: DefaultValue) -> Self {
        KeyDef {
            path: "",
            ty,
            default,
            default_note: "",
            range: None,
            unit: "",
            doc: "",
            table: None,
        }
    }

    /// The allowed range `lo .. hi` (see [`ge`], [`gt`], [`le`], [`lt`]).
    pub const fn range(mut self, lo: End, hi: End) -> Self {
        self.range = Some(Range { lo, hi });
        self
    }

    /// The unit.
    pub const fn unit(mut self, unit: &'static str) -> Self {
        self.unit = unit;
        self
    }

    /// What else the default depends on.
    pub const fn note(mut self, note: &'static str) -> Self {
        self.default_note = note;
        self
    }

    /// The last part of the path: the field name.
    pub fn name(&self) -> &'static str {
        self.path.rsplit(['.', ']']).next().unwrap_or(self.path)
    }

    /// The allowed range as messages state it: `must be a number in [0, 5] per year`.
    pub fn allowed(&self) -> String {
        let Some(r) = self.range else {
            return String::new();
        };
        let what = match self.ty {
            KeyType::Integer => "an integer",
            KeyType::Array => "[low, high], each a number",
            _ => "a number",
        };
        let unit = if self.unit.is_empty() {
            String::new()
        } else {
            format!(" {}", self.unit)
        };
        format!("must be {what} in {}{unit}", r.show(self.ty))
    }

    /// The JSON value of the default, if it has one.
    pub fn default_json(&self) -> Option<Value> {
        match self.default {
            DefaultValue::None | DefaultValue::Derived(_) => None,
            DefaultValue::Number(v) => Some(json!(v)),
            DefaultValue::Integer(v) => Some(json!(v)),
            DefaultValue::Boolean(v) => Some(json!(v)),
            DefaultValue::Text(v) => Some(json!(v)),
            DefaultValue::Pair(v) => Some(json!(v)),
        }
    }

    /// The default, range and unit in words, for the schema's description.
    pub fn summary(&self) -> String {
        let mut parts = Vec::new();
        if self.range.is_some() {
            parts.push(format!(
                "Allowed: {}.",
                self.allowed().trim_start_matches("must be ")
            ));
        } else if !self.unit.is_empty() {
            parts.push(format!("Unit: {}.", self.unit));
        }
        let note = if self.default_note.is_empty() {
            String::new()
        } else {
            format!(" ({})", self.default_note)
        };
        match (self.default, self.default_json()) {
            (DefaultValue::Derived(d), _) => parts.push(format!("Default: {d}{note}.")),
            (_, Some(v)) => parts.push(format!("Default: {v}{note}.")),
            (_, None) if !note.is_empty() => parts.push(format!("Default:{note}.")),
            _ => {}
        }
        parts.join(" ")
    }
}

/// A number with a default.
pub const fn number(default: f64) -> KeyDef {
    KeyDef::new(KeyType::Number, DefaultValue::Number(default))
}
/// A number without a default (optional, or required where used).
pub const fn number_opt() -> KeyDef {
    KeyDef::new(KeyType::Number, DefaultValue::None)
}
/// A number whose default the resolver works out from other keys (`how`).
pub const fn number_derived(how: &'static str) -> KeyDef {
    KeyDef::new(KeyType::Number, DefaultValue::Derived(how))
}
/// An integer with a default.
pub const fn integer(default: u64) -> KeyDef {
    KeyDef::new(KeyType::Integer, DefaultValue::Integer(default))
}
/// An integer without a default.
pub const fn integer_opt() -> KeyDef {
    KeyDef::new(KeyType::Integer, DefaultValue::None)
}
/// An integer whose default the resolver works out from other keys.
pub const fn integer_derived(how: &'static str) -> KeyDef {
    KeyDef::new(KeyType::Integer, DefaultValue::Derived(how))
}
/// true / false with a default.
pub const fn boolean(default: bool) -> KeyDef {
    KeyDef::new(KeyType::Boolean, DefaultValue::Boolean(default))
}
/// Text (or an enumeration) with a default, as the file spells it.
pub const fn text(default: &'static str) -> KeyDef {
    KeyDef::new(KeyType::String, DefaultValue::Text(default))
}
/// Text without a default.
pub const fn text_opt() -> KeyDef {
    KeyDef::new(KeyType::String, DefaultValue::None)
}
/// Text whose default the resolver works out.
pub const fn text_derived(how: &'static str) -> KeyDef {
    KeyDef::new(KeyType::String, DefaultValue::Derived(how))
}
/// A `[low, high]` pair of numbers with a default; the range applies to each.
pub const fn pair(default: [f64; 2]) -> KeyDef {
    KeyDef::new(KeyType::Array, DefaultValue::Pair(default))
}
/// An array of plain values (e.g. tickers).
pub const fn array() -> KeyDef {
    KeyDef::new(KeyType::Array, DefaultValue::None)
}
/// An array of tables, each with `keys`.
pub const fn array_of(keys: &'static [KeyDef]) -> KeyDef {
    let mut k = KeyDef::new(KeyType::Array, DefaultValue::None);
    k.table = Some(keys);
    k
}
/// A table with `keys` (a map of such tables when its section's path has a `*`).
pub const fn table(keys: &'static [KeyDef]) -> KeyDef {
    let mut k = KeyDef::new(KeyType::Other, DefaultValue::None);
    k.table = Some(keys);
    k
}

/// Declares one section of the scenario file: the serde mirror (every field optional unless
/// its type says otherwise, unknown keys rejected) and its key table `$keys` (one
/// [`KeyDef`] per field, same name, path `$prefix` + field name, doc from the doc comment).
/// The section's JSON Schema gets each key's default, range and unit.
macro_rules! section {
    (
        $(#[$meta:meta])*
        pub struct $name:ident ($prefix:literal, $keys:ident) {
            $(
                $(#[doc = $doc:literal])*
                $(#[serde($($serde:tt)*)])*
                $field:ident : $ty:ty = $def:expr
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
        #[serde(deny_unknown_fields)]
        #[schemars(transform = $keys::schema)]
        pub struct $name {
            $(
                $(#[doc = $doc])*
                $(#[serde($($serde)*)])*
                pub $field: $ty,
            )*
        }

        #[doc = concat!("The keys of [`", stringify!($name), "`], one definition per field.")]
        #[derive(Debug, Clone, Copy)]
        pub struct $keys {
            $(
                #[doc = concat!("`", $prefix, stringify!($field), "`")]
                pub $field: $crate::scenario::keys::KeyDef,
            )*
        }

        impl $keys {
            /// Each key's definition, by field name.
            pub const DEFS: $keys = $keys {
                $(
                    $field: $crate::scenario::keys::KeyDef {
                        path: concat!($prefix, stringify!($field)),
                        doc: concat!($($doc, "\n",)*),
                        ..$def
                    },
                )*
            };
            /// Each key's definition, in field order.
            pub const LIST: &'static [$crate::scenario::keys::KeyDef] = &[$(Self::DEFS.$field,)*];

            fn schema(schema: &mut schemars::Schema) {
                $crate::scenario::keys::annotate(schema, Self::LIST);
            }
        }
    };
}
pub(crate) use section;

/// Every key of the scenario format, in file order (tables' keys where the table is).
pub fn all() -> &'static [KeyDef] {
    static ALL: OnceLock<Vec<KeyDef>> = OnceLock::new();
    ALL.get_or_init(|| {
        fn walk(keys: &[KeyDef], out: &mut Vec<KeyDef>) {
            for k in keys {
                if k.ty != KeyType::Other {
                    out.push(*k);
                }
                if let Some(t) = k.table {
                    walk(t, out);
                }
            }
        }
        let mut out = Vec::new();
        walk(super::raw::ScenarioKeys::LIST, &mut out);
        out
    })
}

/// The key whose path is exactly `path` (a pattern: `energy.regions.*.sigma`).
pub fn get(path: &str) -> Option<&'static KeyDef> {
    all().iter().find(|k| k.path == path)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_has_a_doc_a_finite_range_and_a_default_inside_it() {
        let keys = all();
        assert!(keys.len() > 150, "{}", keys.len());
        let mut seen = std::collections::HashSet::new();
        for k in keys {
            assert!(seen.insert(k.path), "{} twice", k.path);
            assert!(!k.doc.trim().is_empty(), "{}: no doc", k.path);
            if matches!(k.ty, KeyType::Number | KeyType::Integer) {
                let r = k
                    .range
                    .unwrap_or_else(|| panic!("{}: a number without a range", k.path));
                assert!(
                    r.lo.value().is_finite() && r.hi.value().is_finite(),
                    "{}",
                    k.path
                );
                match k.default {
                    DefaultValue::Number(v) => assert!(r.contains(v), "{}: default {v}", k.path),
                    DefaultValue::Integer(v) => {
                        assert!(r.contains_int(i128::from(v)), "{}: default {v}", k.path)
                    }
                    _ => {}
                }
            }
            if let (DefaultValue::Pair(v), Some(r)) = (k.default, k.range) {
                assert!(
                    r.contains(v[0]) && r.contains(v[1]) && v[0] <= v[1],
                    "{}",
                    k.path
                );
            }
        }
    }

    #[test]
    fn ranges_and_numbers_read_well() {
        let r = Range {
            lo: gt(0.0),
            hi: le(8766.0),
        };
        assert_eq!(r.show(KeyType::Number), "(0, 8766]");
        assert!(!r.contains(0.0) && r.contains(8766.0) && !r.contains(f64::NAN));
        let seed = Range {
            lo: ge(0.0),
            hi: lt(9_223_372_036_854_775_808.0),
        };
        assert_eq!(seed.show(KeyType::Integer), "[0, 2^63)");
        assert!(seed.contains_int(i64::MAX as i128) && !seed.contains_int(1 << 63));
        assert_eq!(show_number(1e308), "1e308");
        assert_eq!(show_number(1e-9), "1e-9");
        assert_eq!(show_number(76600.0), "76600");
        assert_eq!(show_number(0.05), "0.05");
    }
}
