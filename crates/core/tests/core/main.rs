//! descent-core's integration tests: one binary, a module per topic.

mod book;
mod drawing;
mod errors;
mod fuzz;
mod gradients;
mod inspect;
mod kernels;
mod model_net;
mod model_npz;
mod model_pickle;
mod pair;
mod schema;
mod training;

/// SplitMix64: small, seeded, good enough to pick fuzz inputs and mutations
/// (each test module adds the draws it needs in an `impl Gen` of its own).
#[derive(Debug)]
pub struct Gen(pub u64);

impl Gen {
    /// The next 64 random bits.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A whole number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Asserts two slices agree within `tol` (absolute or relative, whichever is
/// looser) and prints the worst element and its index when they do not.
#[track_caller]
pub fn assert_close(got: &[f64], want: &[f64], tol: f64) {
    assert_eq!(got.len(), want.len(), "length {} vs {}", got.len(), want.len());
    let mut worst = (0usize, 0.0f64);
    for (i, (&g, &w)) in got.iter().zip(want).enumerate() {
        let err = (g - w).abs() / w.abs().max(1.0);
        // NaN counts as the worst error
        if err.is_nan() || err > worst.1 {
            worst = (i, err);
        }
    }
    let (i, err) = worst;
    assert!(
        err <= tol,
        "worst element {i}: got {:e}, want {:e} (error {err:e} > {tol:e})\n got: {got:?}\nwant: {want:?}",
        got[i],
        want[i]
    );
}
