//! Random-number streams.
//!
//! One master seed per run; every stochastic component draws from its own stream, derived
//! from (seed, component, index), so adding draws to one component never shifts another's
//! numbers, and replicate `r` of a sweep sees the same streams at every parameter point
//! (common random numbers). The generator is ChaCha8 (`rand_chacha`), whose output for a given
//! key and stream is fixed by its specification, so results do not depend on platform or
//! thread count. The 256-bit key is expanded from the 64-bit seed with SplitMix64; the
//! component and index select ChaCha's 64-bit stream id.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Components that own a random stream.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum Component {
    /// Block arrivals: the Exp(1) work draw of each block.
    Blocks = 1,
    /// BTC price process.
    Price = 2,
    /// Fee process.
    Fees = 3,
    /// Energy prices (index = region).
    Energy = 4,
    /// Firms (index = firm id).
    Firm = 5,
    /// Population generation.
    Population = 6,
}

/// SplitMix64 step (Steele, Lea, Flood 2014), used to expand seeds.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Derives independent streams from one master seed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RngStreams {
    key: [u8; 32],
}

impl RngStreams {
    /// Streams for master seed `seed`.
    pub fn new(seed: u64) -> Self {
        let mut state = seed;
        let mut key = [0u8; 32];
        for chunk in key.chunks_exact_mut(8) {
            chunk.copy_from_slice(&splitmix64(&mut state).to_le_bytes());
        }
        Self { key }
    }

    /// The stream of `component` number `index` (index < 2^56).
    pub fn stream(&self, component: Component, index: u64) -> ChaCha8Rng {
        debug_assert!(index < 1 << 56);
        let mut rng = ChaCha8Rng::from_seed(self.key);
        rng.set_stream(((component as u64) << 56) | (index & ((1 << 56) - 1)));
        rng
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::Rng;

    #[test]
    fn streams_are_reproducible_and_distinct() {
        let s = RngStreams::new(42);
        let a: u64 = s.stream(Component::Blocks, 0).random();
        let b: u64 = RngStreams::new(42).stream(Component::Blocks, 0).random();
        let c: u64 = s.stream(Component::Price, 0).random();
        let d: u64 = s.stream(Component::Firm, 1).random();
        let e: u64 = RngStreams::new(43).stream(Component::Blocks, 0).random();
        assert_eq!(a, b);
        assert!(a != c && a != d && c != d && a != e);
    }

    #[test]
    fn value_stability_pinned() {
        // Pinned so that a dependency or derivation change that alters every result is noticed.
        let mut r = RngStreams::new(1).stream(Component::Blocks, 0);
        let first: u64 = r.random();
        assert_eq!(
            first, PINNED_FIRST_DRAW,
            "first draw of seed 1 / Blocks changed"
        );
    }

    const PINNED_FIRST_DRAW: u64 = 10_508_743_995_033_746_997;
}
