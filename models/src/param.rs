//! A parameter outside its allowed range: the error every agent-level model returns when built.

use std::fmt;

/// A rejected parameter: its name, the value and the allowed range (with units), so a scenario
/// loader can pass the message on unchanged.
#[derive(Debug, Clone, PartialEq)]
pub struct ParamError {
    /// Parameter name, as in the struct field.
    pub param: &'static str,
    /// The rejected value.
    pub value: f64,
    /// The allowed range, e.g. `"[0, 1]"` or `"> 0 USD per MW-year"`.
    pub allowed: &'static str,
}

impl fmt::Display for ParamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} = {} is not allowed ({})",
            self.param,
            show_number(self.value),
            self.allowed
        )
    }
}

impl std::error::Error for ParamError {}

/// A number for messages: in scientific notation when very large or very small (1e308, not
/// 309 digits; 1e-9, not 0.000000001), else as Rust prints it.
pub fn show_number(v: f64) -> String {
    if v != 0.0 && v.is_finite() && (v.abs() >= 1e15 || v.abs() < 1e-4) {
        format!("{v:e}")
    } else {
        v.to_string()
    }
}

/// `Ok(())` when `value` is finite and `ok(value)` holds, else the error naming `param`.
pub fn check(
    param: &'static str,
    value: f64,
    ok: impl Fn(f64) -> bool,
    allowed: &'static str,
) -> Result<(), ParamError> {
    if value.is_finite() && ok(value) {
        Ok(())
    } else {
        Err(ParamError {
            param,
            value,
            allowed,
        })
    }
}

/// [`check`] of every `(param, value, whether value is allowed, allowed)` in order: the error
/// of the first whose value is not finite or not allowed.
pub fn check_all<const N: usize>(
    checks: [(&'static str, f64, bool, &'static str); N],
) -> Result<(), ParamError> {
    checks
        .into_iter()
        .try_for_each(|(param, value, ok, allowed)| check(param, value, |_| ok, allowed))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_parameter_and_range() {
        let e = check("tenor_years", 0.0, |x| x > 0.0, "> 0 years").unwrap_err();
        assert_eq!(e.to_string(), "tenor_years = 0 is not allowed (> 0 years)");
        assert!(check("x", f64::NAN, |_| true, "finite").is_err());
        assert!(check("x", 1.0, |x| x > 0.0, "> 0").is_ok());
    }

    #[test]
    fn check_all_names_the_first_refused() {
        let e = check_all([
            ("a", 1.0, true, "any"),
            ("b", 2.0, false, "< 2"),
            ("c", f64::NAN, true, ""),
        ]);
        assert_eq!(e.unwrap_err().param, "b");
        assert_eq!(
            check_all([("a", f64::INFINITY, true, "finite")])
                .unwrap_err()
                .param,
            "a"
        );
        assert!(check_all([("a", 1.0, true, "any"), ("b", 0.0, true, "any")]).is_ok());
    }
}
