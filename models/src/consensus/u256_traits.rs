//! Standard trait impls for [`U256`]: ordering, conversions, operators (wrapping like
//! Bitcoin Core's `arith_uint256`) and allocation-free formatting.

use core::cmp::Ordering;
use core::fmt;
use core::num::NonZeroU64;
use core::ops::{Add, BitAnd, BitOr, BitXor, Div, Mul, Not, Rem, Shl, Shr, Sub};

use super::u256::U256;

impl Ord for U256 {
    fn cmp(&self, other: &Self) -> Ordering {
        for i in (0..4).rev() {
            match self.0[i].cmp(&other.0[i]) {
                Ordering::Equal => continue,
                ord => return ord,
            }
        }
        Ordering::Equal
    }
}

impl PartialOrd for U256 {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl From<u64> for U256 {
    fn from(v: u64) -> Self {
        U256::from_u64(v)
    }
}

impl From<u32> for U256 {
    fn from(v: u32) -> Self {
        U256::from_u64(u64::from(v))
    }
}

impl Not for U256 {
    type Output = U256;
    /// Bitwise complement (`arith_uint256::operator~`).
    fn not(self) -> U256 {
        U256([!self.0[0], !self.0[1], !self.0[2], !self.0[3]])
    }
}

/// Bitwise operators, limb by limb: `Trait::method, operator`.
macro_rules! bitwise_ops {
    ($($tr:ident::$method:ident, $op:tt;)*) => {$(
        impl $tr for U256 {
            type Output = U256;
            fn $method(self, rhs: U256) -> U256 {
                U256([
                    self.0[0] $op rhs.0[0],
                    self.0[1] $op rhs.0[1],
                    self.0[2] $op rhs.0[2],
                    self.0[3] $op rhs.0[3],
                ])
            }
        }
    )*};
}

bitwise_ops! {
    BitAnd::bitand, &;
    BitOr::bitor, |;
    BitXor::bitxor, ^;
}

/// Binary operators, each defined by a closure-like `|lhs, rhs| expression`.
macro_rules! binary_ops {
    ($(
        $(#[$doc:meta])*
        $tr:ident<$rhs:ty>::$method:ident => |$x:ident, $y:ident| $body:expr;
    )*) => {$(
        impl $tr<$rhs> for U256 {
            type Output = U256;
            $(#[$doc])*
            fn $method(self, $y: $rhs) -> U256 {
                let $x = self;
                $body
            }
        }
    )*};
}

binary_ops! {
    /// Wrapping left shift: see [`U256::wrapping_shl`] (never panics).
    Shl<u32>::shl => |x, shift| x.wrapping_shl(shift);
    /// Logical right shift: see [`U256::wrapping_shr`] (never panics).
    Shr<u32>::shr => |x, shift| x.wrapping_shr(shift);
    /// Wrapping addition modulo 2^256, as `arith_uint256` (never panics).
    Add<U256>::add => |x, rhs| x.wrapping_add(rhs);
    /// Wrapping subtraction modulo 2^256, as `arith_uint256` (never panics).
    Sub<U256>::sub => |x, rhs| x.wrapping_sub(rhs);
    /// Wrapping multiplication modulo 2^256, as `arith_uint256` (never panics).
    Mul<u64>::mul => |x, rhs| x.wrapping_mul_u64(rhs);
    /// Wrapping multiplication modulo 2^256, as `arith_uint256` (never panics).
    Mul<U256>::mul => |x, rhs| x.wrapping_mul(rhs);
    /// Floor division.
    ///
    /// # Panics
    /// If `rhs` is zero (like the primitive integers). Use [`U256::checked_div`] otherwise.
    Div<U256>::div => |x, rhs| x.checked_div(rhs).expect(DIVISION_BY_ZERO);
    /// Floor division by a `u64`.
    ///
    /// # Panics
    /// If `rhs` is zero. Use [`U256::checked_div_u64`] or [`U256::div_rem_u64`] otherwise.
    Div<u64>::div => |x, rhs| x.checked_div_u64(rhs).expect(DIVISION_BY_ZERO);
    /// Remainder of the floor division.
    ///
    /// # Panics
    /// If `rhs` is zero. Use [`U256::checked_rem`] otherwise.
    Rem<U256>::rem => |x, rhs| x.checked_rem(rhs).expect(DIVISION_BY_ZERO);
}

/// The panic message of a division by zero.
const DIVISION_BY_ZERO: &str = "U256 division by zero";

impl fmt::Debug for U256 {
    /// `U256(0x` followed by the 64 hex digits `)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.to_be_hex_bytes();
        let s = core::str::from_utf8(&hex).map_err(|_| fmt::Error)?;
        write!(f, "U256(0x{s})")
    }
}

impl fmt::LowerHex for U256 {
    /// Minimal lowercase hex digits (no leading zeros); honours `#` (`0x`) and width.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = self.to_be_hex_bytes();
        let skip = ((256 - self.bits().max(1)) / 4) as usize;
        let s = core::str::from_utf8(&hex[skip..]).map_err(|_| fmt::Error)?;
        f.pad_integral(true, "0x", s)
    }
}

impl fmt::UpperHex for U256 {
    /// Minimal uppercase hex digits (no leading zeros); honours `#` (`0x`) and width.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut hex = self.to_be_hex_bytes();
        hex.make_ascii_uppercase();
        let skip = ((256 - self.bits().max(1)) / 4) as usize;
        let s = core::str::from_utf8(&hex[skip..]).map_err(|_| fmt::Error)?;
        f.pad_integral(true, "0x", s)
    }
}

impl fmt::Display for U256 {
    /// Decimal digits (at most 78), formatted without allocation.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const TEN19: NonZeroU64 = match NonZeroU64::new(10_000_000_000_000_000_000) {
            Some(v) => v,
            None => unreachable!(),
        };
        let mut buf = [b'0'; 80];
        let mut pos = buf.len();
        let mut v = *self;
        loop {
            let (q, mut chunk) = v.div_rem_u64(TEN19);
            // Emit 19 digits per chunk, except no leading zeros for the last chunk.
            for _ in 0..19 {
                pos -= 1;
                buf[pos] = b'0' + (chunk % 10) as u8;
                chunk /= 10;
                if q.is_zero() && chunk == 0 {
                    break;
                }
            }
            v = q;
            if v.is_zero() {
                break;
            }
        }
        let s = core::str::from_utf8(&buf[pos..]).map_err(|_| fmt::Error)?;
        f.pad_integral(true, "", s)
    }
}
