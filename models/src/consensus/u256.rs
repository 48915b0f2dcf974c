//! A fixed-width 256-bit unsigned integer with the semantics of Bitcoin Core's
//! `arith_uint256` (`src/arith_uint256.{h,cpp}`).
//!
//! * Four `u64` limbs, little-endian (`limbs[0]` holds bits 0..64).
//! * `+`, `-`, `*` (by `u64` or by [`U256`]) and `<<` / `>>` **wrap** modulo 2^256,
//!   exactly like `arith_uint256` (which never traps on overflow); shifts by 256 bits or
//!   more give zero. Checked variants are provided where overflow matters.
//! * Division is exact floor division. The `/` and `%` operators panic on a zero divisor
//!   (like the primitive integers; Core throws `uint_error`); [`U256::checked_div`],
//!   [`U256::div_rem`] and [`U256::div_rem_u64`] never panic.
//! * Operator and formatting trait impls (`Ord`, `+`, `-`, `*`, `/`, `%`, `<<`, `>>`, `!`,
//!   `&`, `|`, `^`, `Debug`, `Display` (decimal), `LowerHex`, `UpperHex`) are in
//!   `u256_traits.rs`.
//! * No method allocates, except the formatting convenience [`U256::to_be_hex`], which
//!   returns a `String` (use [`U256::to_be_hex_bytes`] or the `{:x}` formatter to avoid it).

use core::num::NonZeroU64;

/// A 256-bit unsigned integer (four `u64` limbs, little-endian), `Copy`, totally ordered,
/// with wrapping arithmetic like Bitcoin Core's `arith_uint256`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct U256(pub(super) [u64; 4]);

impl U256 {
    /// 0.
    pub const ZERO: U256 = U256([0; 4]);
    /// 1.
    pub const ONE: U256 = U256([1, 0, 0, 0]);
    /// 2^256 - 1.
    pub const MAX: U256 = U256([u64::MAX; 4]);
    /// Number of bits.
    pub const BITS: u32 = 256;

    /// The value `v`.
    pub const fn from_u64(v: u64) -> Self {
        U256([v, 0, 0, 0])
    }

    /// Builds a value from little-endian `u64` limbs (`limbs[0]` = least significant).
    pub const fn from_limbs(limbs: [u64; 4]) -> Self {
        U256(limbs)
    }

    /// The little-endian `u64` limbs (`[0]` = least significant).
    pub const fn to_limbs(self) -> [u64; 4] {
        self.0
    }

    /// Builds a value from 32 big-endian bytes (most significant byte first).
    pub fn from_be_bytes(bytes: [u8; 32]) -> Self {
        let mut limbs = [0u64; 4];
        for (i, limb) in limbs.iter_mut().enumerate() {
            let start = 32 - 8 * (i + 1);
            let mut chunk = [0u8; 8];
            chunk.copy_from_slice(&bytes[start..start + 8]);
            *limb = u64::from_be_bytes(chunk);
        }
        U256(limbs)
    }

    /// The 32 big-endian bytes of the value (most significant byte first).
    pub fn to_be_bytes(self) -> [u8; 32] {
        let mut out = [0u8; 32];
        for (i, limb) in self.0.iter().enumerate() {
            let start = 32 - 8 * (i + 1);
            out[start..start + 8].copy_from_slice(&limb.to_be_bytes());
        }
        out
    }

    /// Parses a big-endian hexadecimal number (the way block hashes and targets are
    /// displayed): 1 to 64 hex digits, either case, with an optional `0x`/`0X` prefix.
    /// Leading zeros may be omitted. Returns `None` for an empty string, more than 64
    /// digits, or any non-hex character.
    pub fn from_be_hex(s: &str) -> Option<Self> {
        let digits = s
            .strip_prefix("0x")
            .or_else(|| s.strip_prefix("0X"))
            .unwrap_or(s)
            .as_bytes();
        if digits.is_empty() || digits.len() > 64 {
            return None;
        }
        let mut limbs = [0u64; 4];
        for (pos, &c) in digits.iter().rev().enumerate() {
            let nibble = match c {
                b'0'..=b'9' => c - b'0',
                b'a'..=b'f' => c - b'a' + 10,
                b'A'..=b'F' => c - b'A' + 10,
                _ => return None,
            };
            limbs[pos / 16] |= u64::from(nibble) << (4 * (pos % 16));
        }
        Some(U256(limbs))
    }

    /// The value as exactly 64 lowercase big-endian hex digits, as ASCII bytes
    /// (allocation-free form of [`U256::to_be_hex`]).
    pub fn to_be_hex_bytes(&self) -> [u8; 64] {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = [b'0'; 64];
        for (i, byte) in self.to_be_bytes().iter().enumerate() {
            out[2 * i] = HEX[usize::from(byte >> 4)];
            out[2 * i + 1] = HEX[usize::from(byte & 0x0f)];
        }
        out
    }

    /// The value as exactly 64 lowercase big-endian hex digits, zero-padded, no prefix
    /// (the format of `arith_uint256::GetHex`/`uint256::GetHex` for display). This is the
    /// only allocating method of the type.
    pub fn to_be_hex(&self) -> String {
        self.to_string_hex()
    }

    fn to_string_hex(self) -> String {
        let bytes = self.to_be_hex_bytes();
        // The bytes are ASCII hex digits by construction.
        bytes.iter().map(|&b| char::from(b)).collect()
    }

    /// `true` if the value is 0.
    pub const fn is_zero(&self) -> bool {
        self.0[0] == 0 && self.0[1] == 0 && self.0[2] == 0 && self.0[3] == 0
    }

    /// Number of significant bits: the position of the highest set bit plus one, 0 for
    /// zero (`arith_uint256::bits`).
    pub const fn bits(&self) -> u32 {
        let mut i = 4;
        while i > 0 {
            i -= 1;
            if self.0[i] != 0 {
                return 64 * i as u32 + 64 - self.0[i].leading_zeros();
            }
        }
        0
    }

    /// The least significant 64 bits (`arith_uint256::GetLow64`).
    pub const fn low_u64(&self) -> u64 {
        self.0[0]
    }

    /// Approximate value as `f64`, computed exactly like `arith_uint256::getdouble`:
    /// the eight 32-bit words are accumulated from the least significant one upwards,
    /// `ret += fact * word; fact *= 2^32`, in double precision.
    pub fn to_f64(&self) -> f64 {
        let mut ret = 0.0f64;
        let mut fact = 1.0f64;
        for i in 0..8 {
            let word = (self.0[i / 2] >> (32 * (i % 2))) as u32;
            ret += fact * f64::from(word);
            fact *= 4_294_967_296.0;
        }
        ret
    }

    /// Left shift by `shift` bits; bits shifted past bit 255 are lost, and a shift of
    /// 256 or more gives 0 (`arith_uint256::operator<<=`).
    pub const fn wrapping_shl(self, shift: u32) -> Self {
        if shift >= 256 {
            return U256::ZERO;
        }
        let limb_shift = (shift / 64) as usize;
        let bit_shift = shift % 64;
        let mut out = [0u64; 4];
        let mut i = 3;
        loop {
            if i >= limb_shift {
                let src = i - limb_shift;
                let mut v = self.0[src] << bit_shift;
                if bit_shift != 0 && src > 0 {
                    v |= self.0[src - 1] >> (64 - bit_shift);
                }
                out[i] = v;
            }
            if i == 0 {
                break;
            }
            i -= 1;
        }
        U256(out)
    }

    /// Logical right shift by `shift` bits; a shift of 256 or more gives 0
    /// (`arith_uint256::operator>>=`).
    pub const fn wrapping_shr(self, shift: u32) -> Self {
        if shift >= 256 {
            return U256::ZERO;
        }
        let limb_shift = (shift / 64) as usize;
        let bit_shift = shift % 64;
        let mut out = [0u64; 4];
        let mut i = 0;
        while i + limb_shift < 4 {
            let src = i + limb_shift;
            let mut v = self.0[src] >> bit_shift;
            if bit_shift != 0 && src + 1 < 4 {
                v |= self.0[src + 1] << (64 - bit_shift);
            }
            out[i] = v;
            i += 1;
        }
        U256(out)
    }

    /// `self + rhs` modulo 2^256 and whether it wrapped.
    pub const fn overflowing_add(self, rhs: U256) -> (U256, bool) {
        let mut out = [0u64; 4];
        let mut carry = false;
        let mut i = 0;
        while i < 4 {
            let (s1, c1) = self.0[i].overflowing_add(rhs.0[i]);
            let (s2, c2) = s1.overflowing_add(carry as u64);
            out[i] = s2;
            carry = c1 || c2;
            i += 1;
        }
        (U256(out), carry)
    }

    /// `self + rhs` modulo 2^256 (`arith_uint256::operator+`).
    pub const fn wrapping_add(self, rhs: U256) -> U256 {
        self.overflowing_add(rhs).0
    }

    /// `self + rhs`, or `None` if the sum exceeds 2^256 - 1.
    pub const fn checked_add(self, rhs: U256) -> Option<U256> {
        match self.overflowing_add(rhs) {
            (v, false) => Some(v),
            (_, true) => None,
        }
    }

    /// `self - rhs` modulo 2^256 and whether it wrapped (borrowed).
    pub const fn overflowing_sub(self, rhs: U256) -> (U256, bool) {
        let mut out = [0u64; 4];
        let mut borrow = false;
        let mut i = 0;
        while i < 4 {
            let (d1, b1) = self.0[i].overflowing_sub(rhs.0[i]);
            let (d2, b2) = d1.overflowing_sub(borrow as u64);
            out[i] = d2;
            borrow = b1 || b2;
            i += 1;
        }
        (U256(out), borrow)
    }

    /// `self - rhs` modulo 2^256 (`arith_uint256::operator-`).
    pub const fn wrapping_sub(self, rhs: U256) -> U256 {
        self.overflowing_sub(rhs).0
    }

    /// `self - rhs`, or `None` if `rhs > self`.
    pub const fn checked_sub(self, rhs: U256) -> Option<U256> {
        match self.overflowing_sub(rhs) {
            (v, false) => Some(v),
            (_, true) => None,
        }
    }

    /// `self * rhs` modulo 2^256 and the bits that overflowed (the 64-bit carry out of the
    /// top limb; nonzero exactly when the true product exceeds 2^256 - 1).
    pub const fn overflowing_mul_u64(self, rhs: u64) -> (U256, u64) {
        let mut out = [0u64; 4];
        let mut carry = 0u64;
        let mut i = 0;
        while i < 4 {
            let wide = (self.0[i] as u128) * (rhs as u128) + carry as u128;
            out[i] = wide as u64;
            carry = (wide >> 64) as u64;
            i += 1;
        }
        (U256(out), carry)
    }

    /// `self * rhs` modulo 2^256 (`arith_uint256::operator*=(uint32_t)`, widened to 64 bits).
    pub const fn wrapping_mul_u64(self, rhs: u64) -> U256 {
        self.overflowing_mul_u64(rhs).0
    }

    /// `self * rhs`, or `None` if the product exceeds 2^256 - 1.
    pub const fn checked_mul_u64(self, rhs: u64) -> Option<U256> {
        match self.overflowing_mul_u64(rhs) {
            (v, 0) => Some(v),
            _ => None,
        }
    }

    /// `self * rhs` modulo 2^256 (`arith_uint256::operator*=(const base_uint&)`).
    pub const fn wrapping_mul(self, rhs: U256) -> U256 {
        let mut out = [0u64; 4];
        let mut i = 0;
        while i < 4 {
            let mut carry = 0u128;
            let mut j = 0;
            while i + j < 4 {
                let wide = (self.0[i] as u128) * (rhs.0[j] as u128) + out[i + j] as u128 + carry;
                out[i + j] = wide as u64;
                carry = wide >> 64;
                j += 1;
            }
            i += 1;
        }
        U256(out)
    }

    /// Floor quotient and remainder of the division by a nonzero `u64` (never panics).
    pub const fn div_rem_u64(self, divisor: NonZeroU64) -> (U256, u64) {
        let d = divisor.get() as u128;
        let mut out = [0u64; 4];
        let mut rem = 0u128;
        let mut i = 4;
        while i > 0 {
            i -= 1;
            let cur = (rem << 64) | self.0[i] as u128;
            out[i] = (cur / d) as u64;
            rem = cur % d;
        }
        (U256(out), rem as u64)
    }

    /// Floor quotient `self / divisor`, or `None` if `divisor` is 0.
    pub const fn checked_div_u64(self, divisor: u64) -> Option<U256> {
        match NonZeroU64::new(divisor) {
            Some(d) => Some(self.div_rem_u64(d).0),
            None => None,
        }
    }

    /// Floor quotient and remainder of `self / divisor`, or `None` if `divisor` is 0
    /// (`arith_uint256::operator/=` computes the same quotient; it throws on zero).
    pub fn div_rem(self, divisor: U256) -> Option<(U256, U256)> {
        if divisor.is_zero() {
            return None;
        }
        if divisor.0[1] == 0 && divisor.0[2] == 0 && divisor.0[3] == 0 {
            let d = NonZeroU64::new(divisor.0[0])?;
            let (q, r) = self.div_rem_u64(d);
            return Some((q, U256::from_u64(r)));
        }
        if self < divisor {
            return Some((U256::ZERO, self));
        }
        // Binary long division, restricted to the bit-length difference (at most 192 steps
        // here because the divisor has at least 65 bits).
        let shift = self.bits() - divisor.bits();
        let mut div = divisor.wrapping_shl(shift);
        let mut rem = self;
        let mut quot = [0u64; 4];
        let mut i = shift as i64;
        while i >= 0 {
            if rem >= div {
                rem = rem.wrapping_sub(div);
                quot[(i / 64) as usize] |= 1u64 << (i % 64);
            }
            div = div.wrapping_shr(1);
            i -= 1;
        }
        Some((U256(quot), rem))
    }

    /// Floor quotient `self / divisor`, or `None` if `divisor` is 0.
    pub fn checked_div(self, divisor: U256) -> Option<U256> {
        self.div_rem(divisor).map(|(q, _)| q)
    }

    /// Remainder `self % divisor`, or `None` if `divisor` is 0.
    pub fn checked_rem(self, divisor: U256) -> Option<U256> {
        self.div_rem(divisor).map(|(_, r)| r)
    }
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use core::cmp::Ordering;

    /// The number of big-endian hex `s` (64 digits), for tests.
    pub(in crate::consensus) fn h(s: &str) -> U256 {
        U256::from_be_hex(s).expect("valid hex")
    }

    #[test]
    fn hex_round_trip_and_parse_errors() {
        let v = h("00000000ffff0000000000000000000000000000000000000000000000000001");
        assert_eq!(
            v.to_be_hex(),
            "00000000ffff0000000000000000000000000000000000000000000000000001"
        );
        assert_eq!(h("0x7e107e107e1"), U256::from_u64(0x7e1_07e1_07e1));
        assert_eq!(h("ABCdef"), U256::from_u64(0xabcdef));
        assert_eq!(U256::from_be_hex(""), None);
        assert_eq!(U256::from_be_hex("0x"), None);
        assert_eq!(U256::from_be_hex("12g4"), None);
        assert_eq!(U256::from_be_hex(&"f".repeat(65)), None);
        assert_eq!(U256::from_be_hex(&"f".repeat(64)), Some(U256::MAX));
        assert_eq!(U256::from_be_bytes(v.to_be_bytes()), v);
        assert_eq!(format!("{:x}", U256::ZERO), "0");
        assert_eq!(format!("{:#x}", U256::from_u64(0x80)), "0x80");
        assert_eq!(format!("{:X}", U256::from_u64(0xabc)), "ABC");
        assert_eq!(format!("{:x}", U256::MAX), "f".repeat(64));
    }

    #[test]
    fn decimal_display() {
        assert_eq!(U256::ZERO.to_string(), "0");
        assert_eq!(U256::from_u64(u64::MAX).to_string(), "18446744073709551615");
        assert_eq!(
            U256::from_u64(10_000_000_000_000_000_000u64).to_string(),
            "10000000000000000000"
        );
        assert_eq!(
            U256::MAX.to_string(),
            "115792089237316195423570985008687907853269984665640564039457584007913129639935"
        );
        assert_eq!(
            (U256::ONE << 128).to_string(),
            "340282366920938463463374607431768211456"
        );
    }

    #[test]
    fn add_sub_wrap_and_carry() {
        let a = U256::from_limbs([u64::MAX, u64::MAX, 0, 0]);
        assert_eq!(a + U256::ONE, U256::from_limbs([0, 0, 1, 0]));
        assert_eq!(U256::MAX + U256::ONE, U256::ZERO);
        assert_eq!(U256::MAX.checked_add(U256::ONE), None);
        assert_eq!(U256::ZERO - U256::ONE, U256::MAX);
        assert_eq!(U256::ZERO.checked_sub(U256::ONE), None);
        assert_eq!(U256::from_limbs([0, 0, 1, 0]) - U256::ONE, a);
        assert_eq!(
            U256::MAX.overflowing_add(U256::MAX),
            (U256::MAX - U256::ONE, true)
        );
        assert_eq!(!U256::ZERO, U256::MAX);
        assert_eq!(!U256::MAX, U256::ZERO);
    }

    #[test]
    fn shifts() {
        let one = U256::ONE;
        assert_eq!(one << 0, one);
        assert_eq!(one << 63, U256::from_limbs([1 << 63, 0, 0, 0]));
        assert_eq!(one << 64, U256::from_limbs([0, 1, 0, 0]));
        assert_eq!(one << 65, U256::from_limbs([0, 2, 0, 0]));
        assert_eq!(one << 255, U256::from_limbs([0, 0, 0, 1 << 63]));
        assert_eq!(one << 256, U256::ZERO);
        assert_eq!(U256::MAX << 1000, U256::ZERO);
        assert_eq!(U256::MAX << 4, U256::MAX - U256::from_u64(15));
        assert_eq!((one << 255) >> 255, one);
        assert_eq!(U256::MAX >> 256, U256::ZERO);
        assert_eq!(U256::MAX >> 192, U256::from_u64(u64::MAX));
        assert_eq!(U256::MAX >> 193, U256::from_u64(u64::MAX >> 1));
        let v = h("123456789abcdef0fedcba9876543210");
        assert_eq!((v << 100) >> 100, v);
        assert_eq!((v << 200) >> 200, v & (U256::MAX >> 200));
    }

    #[test]
    fn multiplication() {
        let v = U256::from_limbs([u64::MAX, u64::MAX, u64::MAX, 0]);
        assert_eq!(
            v * 2u64,
            U256::from_limbs([u64::MAX - 1, u64::MAX, u64::MAX, 1])
        );
        assert_eq!(U256::MAX * 2u64, U256::MAX - U256::ONE);
        assert_eq!(U256::MAX.checked_mul_u64(2), None);
        assert_eq!(U256::MAX.checked_mul_u64(1), Some(U256::MAX));
        assert_eq!(U256::MAX.overflowing_mul_u64(3).1, 2);
        assert_eq!(v.checked_mul_u64(0), Some(U256::ZERO));
        let a = h("ffffffffffffffffffffffffffffffff");
        assert_eq!(
            a * a,
            h("fffffffffffffffffffffffffffffffe00000000000000000000000000000001")
        );
        assert_eq!(U256::MAX * U256::MAX, U256::ONE);
        assert_eq!((U256::ONE << 128) * (U256::ONE << 128), U256::ZERO);
    }

    #[test]
    fn division() {
        let ten = NonZeroU64::new(10).expect("nonzero");
        assert_eq!(
            U256::from_u64(1234).div_rem_u64(ten),
            (U256::from_u64(123), 4)
        );
        assert_eq!(U256::MAX.checked_div_u64(0), None);
        assert_eq!(U256::MAX.checked_div(U256::ZERO), None);
        assert_eq!(U256::MAX / U256::MAX, U256::ONE);
        assert_eq!(U256::MAX % U256::MAX, U256::ZERO);
        assert_eq!(U256::from_u64(5) / U256::MAX, U256::ZERO);
        // 2^256-1 = 3 * 5 * 17 * 257 * 641 * 65537 * ...; divide by (2^128+1).
        let d = (U256::ONE << 128) + U256::ONE;
        let (q, r) = U256::MAX.div_rem(d).expect("nonzero");
        assert_eq!(q, U256::MAX >> 128);
        assert_eq!(r, U256::ZERO);
        // Non-exact large division reconstructs.
        let n = h("deadbeefcafebabe0123456789abcdef00112233445566778899aabbccddeeff");
        let d = h("1234567890abcdef1234567890abcdef1");
        let (q, r) = n.div_rem(d).expect("nonzero");
        assert!(r < d);
        assert_eq!(q.wrapping_mul(d) + r, n);
        // The Bitcoin Core division by the target timespan.
        let t = h("00000000ffff0000000000000000000000000000000000000000000000000000");
        assert_eq!(((t * 1_209_600u64) / 1_209_600u64), t);
    }

    #[test]
    fn bits_low_and_order() {
        assert_eq!(U256::ZERO.bits(), 0);
        assert_eq!(U256::ONE.bits(), 1);
        assert_eq!(U256::from_u64(0x80).bits(), 8);
        assert_eq!((U256::ONE << 64).bits(), 65);
        assert_eq!(U256::MAX.bits(), 256);
        assert_eq!(U256::from_limbs([7, 9, 0, 0]).low_u64(), 7);
        assert!(
            U256::from_limbs([0, 0, 0, 1]) > U256::from_limbs([u64::MAX, u64::MAX, u64::MAX, 0])
        );
        assert!(U256::from_limbs([1, 0, 1, 0]) > U256::from_limbs([0, 0, 1, 0]));
        assert_eq!(U256::from_u64(3).cmp(&U256::from_u64(3)), Ordering::Equal);
    }

    #[test]
    fn getdouble() {
        assert_eq!(U256::ZERO.to_f64(), 0.0);
        assert_eq!(
            U256::from_u64(u64::MAX).to_f64(),
            18_446_744_073_709_551_615.0
        );
        assert_eq!((U256::ONE << 255).to_f64(), 2f64.powi(255));
        assert_eq!(U256::MAX.to_f64(), 2f64.powi(256));
        let diff1 = h("00000000ffff0000000000000000000000000000000000000000000000000000");
        assert_eq!(diff1.to_f64(), 65535.0 * 2f64.powi(208));
    }
}
