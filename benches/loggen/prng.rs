//! A small fixed PRNG so that a seed gives the same bytes on every machine and every Rust
//! version: SplitMix64 expands the seed, xoshiro256** draws. Only integer arithmetic is used
//! (no floating point anywhere in generation), so nothing depends on a platform's libm.

/// SplitMix64 (Steele, Lea, Flood 2014): seeds the main generator and hashes indices.
pub fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A stateless 64-bit hash of `(seed, stream, index)`: what generation uses when a value must
/// depend only on an index (signature `i` is the same whatever the corpus size).
pub fn hash3(seed: u64, stream: u64, index: u64) -> u64 {
    let mut state = seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03);
    splitmix64(&mut state);
    state ^= index.wrapping_mul(0x8CB9_2BA7_2F3D_8DD7);
    splitmix64(&mut state)
}

/// xoshiro256** (Blackman, Vigna 2018).
#[derive(Debug, Clone)]
pub struct Rng {
    s: [u64; 4],
}

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut state = seed;
        let s = [
            splitmix64(&mut state),
            splitmix64(&mut state),
            splitmix64(&mut state),
            splitmix64(&mut state),
        ];
        Rng { s }
    }

    pub fn next_u64(&mut self) -> u64 {
        let result = self.s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = self.s[1] << 17;
        self.s[2] ^= self.s[0];
        self.s[3] ^= self.s[1];
        self.s[1] ^= self.s[2];
        self.s[0] ^= self.s[3];
        self.s[2] ^= t;
        self.s[3] = self.s[3].rotate_left(45);
        result
    }

    /// A value in `0..n` (`n > 0`), by the widening multiply (bias below 2^-32 for the small `n`
    /// used here, and identical on every machine).
    pub fn below(&mut self, n: u64) -> u64 {
        debug_assert!(n > 0);
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A value in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

/// Zipf sampling with exponent 1 over `n` ranks: rank `k` (0-based) has weight `2^40 / (k + 1)`,
/// integer weights so that the table is the same everywhere.
#[derive(Debug, Clone)]
pub struct Zipf {
    cumulative: Vec<u64>,
}

impl Zipf {
    pub fn new(n: usize) -> Zipf {
        let mut total = 0u64;
        let cumulative = (0..n as u64)
            .map(|k| {
                total += (1u64 << 40) / (k + 1);
                total
            })
            .collect();
        Zipf { cumulative }
    }

    pub fn sample(&self, rng: &mut Rng) -> usize {
        let total = *self.cumulative.last().expect("at least one rank");
        let x = rng.below(total);
        self.cumulative.partition_point(|&c| c <= x)
    }
}
