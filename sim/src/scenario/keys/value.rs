//! Reading a key: its default filled in, its range checked, a message naming the key when
//! the value is out of range.

use super::{show_number, DefaultValue, KeyDef, Range};
use crate::scenario::{Ctx, ScenarioError};

/// A value a key may hold: how its default is read and whether it has a range.
pub trait KeyValue: Clone {
    /// The value of default `d`, if it has this type.
    fn from_default(d: &DefaultValue) -> Option<Self>;
    /// `Ok(())` when inside `range` (values without a range always are); else the value as a
    /// message shows it.
    fn check(&self, _range: &Range) -> Result<(), String> {
        Ok(())
    }
}

impl KeyValue for f64 {
    fn from_default(d: &DefaultValue) -> Option<Self> {
        match *d {
            DefaultValue::Number(v) => Some(v),
            _ => None,
        }
    }
    fn check(&self, range: &Range) -> Result<(), String> {
        if range.contains(*self) {
            Ok(())
        } else {
            Err(show_number(*self))
        }
    }
}

macro_rules! int_value {
    ($($t:ty),*) => {$(
        impl KeyValue for $t {
            fn from_default(d: &DefaultValue) -> Option<Self> {
                match *d {
                    DefaultValue::Integer(v) => <$t>::try_from(v).ok(),
                    _ => None,
                }
            }
            fn check(&self, range: &Range) -> Result<(), String> {
                if range.contains_int(i128::from(*self)) {
                    Ok(())
                } else {
                    Err(self.to_string())
                }
            }
        }
    )*};
}
int_value!(u64, u32);

impl KeyValue for bool {
    fn from_default(d: &DefaultValue) -> Option<Self> {
        match *d {
            DefaultValue::Boolean(v) => Some(v),
            _ => None,
        }
    }
}

impl KeyValue for String {
    fn from_default(d: &DefaultValue) -> Option<Self> {
        match *d {
            DefaultValue::Text(v) => Some(v.to_string()),
            _ => None,
        }
    }
}

/// `[low, high]`: the range applies to each element.
impl KeyValue for Vec<f64> {
    fn from_default(d: &DefaultValue) -> Option<Self> {
        match *d {
            DefaultValue::Pair(v) => Some(v.to_vec()),
            _ => None,
        }
    }
    fn check(&self, range: &Range) -> Result<(), String> {
        if self.iter().all(|&v| range.contains(v)) {
            Ok(())
        } else {
            let shown: Vec<String> = self.iter().map(|&v| show_number(v)).collect();
            Err(format!("[{}]", shown.join(", ")))
        }
    }
}

/// Enumerations: the default is their spelling in the file.
macro_rules! text_value {
    ($($t:ty),*) => {$(
        impl $crate::scenario::keys::KeyValue for $t {
            fn from_default(d: &$crate::scenario::keys::DefaultValue) -> Option<Self> {
                match *d {
                    $crate::scenario::keys::DefaultValue::Text(v) => {
                        serde_json::from_value(serde_json::Value::String(v.to_string())).ok()
                    }
                    _ => None,
                }
            }
        }
    )*};
}
pub(crate) use text_value;

impl Ctx<'_> {
    /// The value of key `def` in `slot`: the key's default filled in when the file gives
    /// none, then checked against the key's range.
    pub(crate) fn value<T: KeyValue>(
        &self,
        def: &KeyDef,
        slot: &mut Option<T>,
    ) -> Result<T, ScenarioError> {
        if slot.is_none() {
            *slot = Some(T::from_default(&def.default).unwrap_or_else(|| {
                panic!(
                    "{}: its default {:?} has another type",
                    def.path, def.default
                )
            }));
        }
        let v = slot.clone().expect("filled above");
        self.check(def, def.path, &v)?;
        Ok(v)
    }

    /// Like [`Ctx::value`], with a default the resolver works out (`default`) instead of the
    /// key's own.
    pub(crate) fn value_or<T: KeyValue>(
        &self,
        def: &KeyDef,
        slot: &mut Option<T>,
        default: T,
    ) -> Result<T, ScenarioError> {
        let v = slot.get_or_insert(default).clone();
        self.check(def, def.path, &v)?;
        Ok(v)
    }

    /// The value of an optional key without a default, checked when given.
    pub(crate) fn given<T: KeyValue>(
        &self,
        def: &KeyDef,
        slot: &Option<T>,
    ) -> Result<Option<T>, ScenarioError> {
        match slot {
            Some(v) => self.check(def, def.path, v).map(|()| Some(v.clone())),
            None => Ok(None),
        }
    }

    /// Checks `v` against key `def`'s range, naming it `path` (the pattern with the map key
    /// or array index filled in: `energy.regions.us.sigma`, `shocks[2].factor`).
    pub(crate) fn check<T: KeyValue>(
        &self,
        def: &KeyDef,
        path: &str,
        v: &T,
    ) -> Result<(), ScenarioError> {
        match def.range {
            Some(r) => v
                .check(&r)
                .map_err(|shown| self.invalid(path, shown, def.allowed())),
            None => Ok(()),
        }
    }

    /// `[low, high]` of pair key `def` (default filled): exactly two numbers, each in the
    /// key's range, `low <= high`.
    pub(crate) fn pair(
        &self,
        def: &KeyDef,
        slot: &mut Option<Vec<f64>>,
    ) -> Result<(f64, f64), ScenarioError> {
        let v = self.value(def, slot)?;
        match v.as_slice() {
            [lo, hi] if lo <= hi => Ok((*lo, *hi)),
            [_, _] => Err(self.invalid(
                def.path,
                format!("{v:?}"),
                "must be [low, high] with low <= high",
            )),
            _ => Err(self.invalid(
                def.path,
                format!("{v:?}"),
                format!(
                    "must be [low, high]: two numbers, not {}; {}",
                    v.len(),
                    def.allowed()
                ),
            )),
        }
    }
}
