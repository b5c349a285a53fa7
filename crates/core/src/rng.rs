//! The seeded random numbers behind every run: ChaCha8 (portable and
//! reproducible across platforms and versions) from `rand_chacha`.

use rand::RngExt;
use rand_chacha::ChaCha8Rng;
use rand_core::SeedableRng;
use rand_distr::{Distribution, StandardNormal};

/// A seeded, reproducible random number generator.
#[derive(Clone, Debug)]
pub struct Rng(ChaCha8Rng);

impl Rng {
    /// The generator for `seed`: the same seed gives the same numbers everywhere.
    pub fn new(seed: u64) -> Self {
        Self(ChaCha8Rng::seed_from_u64(seed))
    }

    /// A draw from N(0, 1) (`np.random.randn`).
    pub fn standard_normal(&mut self) -> f64 {
        StandardNormal.sample(&mut self.0)
    }

    /// A uniform index in `0..n` (`np.random.choice(n)`), n > 0.
    pub fn index(&mut self, n: usize) -> usize {
        self.0.random_range(0..n)
    }
}
