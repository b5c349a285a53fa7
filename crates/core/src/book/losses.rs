//! Loss functions: sum of squares and cross entropy, for one output or a batch.
//!
//! A 1-D output is a batch of one, as in the book: pass it as
//! [`Matrix::row_vector`]. Targets are one-hot rows or label indices; both
//! give the same cross entropy.

use alloc::vec::Vec;

use crate::float::{Float, pairwise_sum};
use crate::matrix::{Matrix, argmax};

/// δ added inside the log: ln(0) is −∞, so an output of exactly 0 at the true
/// label would make the loss infinite; ln(1e-7) ≈ −16.1 caps it instead.
pub const CEE_DELTA: f64 = 1e-7;

/// E = ½ Σₖ (yₖ − tₖ)², over every element (the book does not divide by the batch size).
pub fn sum_squares_error<T: Float>(y: &[T], t: &[T]) -> T {
    assert_eq!(y.len(), t.len(), "sum_squares_error: y has {} elements, t has {}", y.len(), t.len());
    let sq: Vec<T> = y.iter().zip(t).map(|(&a, &b)| (a - b) * (a - b)).collect();
    T::from_f64(0.5) * pairwise_sum(&sq)
}

/// E = −(1/N) Σₙ ln(y[n, tₙ] + δ) for one-hot targets (N, O): the label of each
/// row is the argmax of its target row, as in the book's `common/functions.py`.
pub fn cross_entropy_error<T: Float>(y: &Matrix<T>, t: &Matrix<T>) -> T {
    assert_eq!(y.shape(), t.shape(), "cross_entropy_error: y is {:?}, t is {:?}", y.shape(), t.shape());
    let labels: Vec<usize> = (0..t.rows()).map(|i| argmax(t.row(i))).collect();
    cross_entropy_error_labels(y, &labels)
}

/// E = −(1/N) Σₙ ln(y[n, tₙ] + δ) for label-index targets (one label per row of y).
pub fn cross_entropy_error_labels<T: Float>(y: &Matrix<T>, labels: &[usize]) -> T {
    assert_eq!(y.rows(), labels.len(), "cross_entropy_error: {} rows of y, {} labels", y.rows(), labels.len());
    let delta = T::from_f64(CEE_DELTA);
    let logs: Vec<T> = labels
        .iter()
        .enumerate()
        .map(|(i, &l)| {
            assert!(l < y.cols(), "cross_entropy_error: label {l} ≥ {} classes", y.cols());
            (y[(i, l)] + delta).ln()
        })
        .collect();
    -pairwise_sum(&logs) / T::from_f64(y.rows() as f64)
}

/// The chapter's first form, −Σ t·ln(y + δ) over every element (no argmax, no
/// division): equal to [`cross_entropy_error`] for one one-hot target.
pub fn cross_entropy_error_sum<T: Float>(y: &[T], t: &[T]) -> T {
    assert_eq!(y.len(), t.len(), "cross_entropy_error_sum: y has {} elements, t has {}", y.len(), t.len());
    let delta = T::from_f64(CEE_DELTA);
    let terms: Vec<T> = y.iter().zip(t).map(|(&a, &b)| b * (a + delta).ln()).collect();
    -pairwise_sum(&terms)
}
