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

impl BitAnd for U256 {
    type Output = U256;
    fn bitand(self, rhs: U256) -> U256 {
        U256([
            self.0[0] & rhs.0[0],
            self.0[1] & rhs.0[1],
            self.0[2] & rhs.0[2],
            self.0[3] & rhs.0[3],
        ])
    }
}

impl BitOr for U256 {
    type Output = U256;
    fn bitor(self, rhs: U256) -> U256 {
        U256([
            self.0[0] | rhs.0[0],
            self.0[1] | rhs.0[1],
            self.0[2] | rhs.0[2],
            self.0[3] | rhs.0[3],
        ])
    }
}

impl BitXor for U256 {
    type Output = U256;
    fn bitxor(self, rhs: U256) -> U256 {
        U256([
            self.0[0] ^ rhs.0[0],
            self.0[1] ^ rhs.0[1],
            self.0[2] ^ rhs.0[2],
            self.0[3] ^ rhs.0[3],
        ])
    }
}

impl Shl<u32> for U256 {
    type Output = U256;
    /// Wrapping left shift: see [`U256::wrapping_shl`] (never panics).
    fn shl(self, shift: u32) -> U256 {
        self.wrapping_shl(shift)
    }
}

impl Shr<u32> for U256 {
    type Output = U256;
    /// Logical right shift: see [`U256::wrapping_shr`] (never panics).
    fn shr(self, shift: u32) -> U256 {
        self.wrapping_shr(shift)
    }
}

impl Add for U256 {
    type Output = U256;
    /// Wrapping addition modulo 2^256, as `arith_uint256` (never panics).
    fn add(self, rhs: U256) -> U256 {
        self.wrapping_add(rhs)
    }
}

impl Sub for U256 {
    type Output = U256;
    /// Wrapping subtraction modulo 2^256, as `arith_uint256` (never panics).
    fn sub(self, rhs: U256) -> U256 {
        self.wrapping_sub(rhs)
    }
}

impl Mul<u64> for U256 {
    type Output = U256;
    /// Wrapping multiplication modulo 2^256, as `arith_uint256` (never panics).
    fn mul(self, rhs: u64) -> U256 {
        self.wrapping_mul_u64(rhs)
    }
}

impl Mul for U256 {
    type Output = U256;
    /// Wrapping multiplication modulo 2^256, as `arith_uint256` (never panics).
    fn mul(self, rhs: U256) -> U256 {
        self.wrapping_mul(rhs)
    }
}

impl Div for U256 {
    type Output = U256;
    /// Floor division.
    ///
    /// # Panics
    /// If `rhs` is zero (like the primitive integers). Use [`U256::checked_div`] otherwise.
    fn div(self, rhs: U256) -> U256 {
        match self.checked_div(rhs) {
            Some(q) => q,
            None => panic!("U256 division by zero"),
        }
    }
}

impl Div<u64> for U256 {
    type Output = U256;
    /// Floor division by a `u64`.
    ///
    /// # Panics
    /// If `rhs` is zero. Use [`U256::checked_div_u64`] or [`U256::div_rem_u64`] otherwise.
    fn div(self, rhs: u64) -> U256 {
        match self.checked_div_u64(rhs) {
            Some(q) => q,
            None => panic!("U256 division by zero"),
        }
    }
}

impl Rem for U256 {
    type Output = U256;
    /// Remainder of the floor division.
    ///
    /// # Panics
    /// If `rhs` is zero. Use [`U256::checked_rem`] otherwise.
    fn rem(self, rhs: U256) -> U256 {
        match self.checked_rem(rhs) {
            Some(r) => r,
            None => panic!("U256 division by zero"),
        }
    }
}

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
