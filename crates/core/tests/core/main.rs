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
