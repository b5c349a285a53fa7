//! Activations: sigmoid, its derivative, and the row-wise softmax.

use crate::float::Float;
use crate::matrix::Matrix;

/// σ(x) = 1 / (1 + e⁻ˣ).
#[inline]
pub fn sigmoid<T: Float>(x: T) -> T {
    T::ONE / (T::ONE + (-x).exp())
}

/// σ′(x) = (1 − σ(x)) σ(x), as the book writes it (taking x, not σ(x)).
#[inline]
pub fn sigmoid_grad<T: Float>(x: T) -> T {
    let s = sigmoid(x);
    (T::ONE - s) * s
}

/// σ applied to every element in place, with [`Float::exp_fast`]: exact for
/// `f64`, within a few ulp for `f32` (where the loop then vectorises).
pub fn sigmoid_in_place<T: Float>(x: &mut [T]) {
    for v in x {
        *v = T::ONE / (T::ONE + (-*v).exp_fast());
    }
}

/// Softmax of one row in place: [`softmax_rows`] with the row as the only row.
pub fn softmax_in_place<T: Float>(row: &mut [T]) {
    let cols = row.len();
    softmax_rows(row, cols);
}

/// Row-wise softmax in place of every row of `x` (rows of `cols`; a partial
/// row at the end is left as it is).
///
/// Each row's maximum (its first element, replaced by any larger one, so a
/// NaN never replaces it) is subtracted before `exp`: softmax is unchanged by
/// a constant shift, and the shift keeps eˣ from overflowing for large logits
/// (e¹⁰⁰⁰ is ∞ in f64; e⁰ is fine). The exponential is [`Float::exp_fast`]:
/// exact in f64, within 2 ulp of `expf` in f32 (where it made the training
/// loop's softmax 3× faster in wasm). Each row's sum is taken left to right
/// from 0, and each element divided by it. The rows are taken in blocks, so
/// that the exponentials and divisions run over many rows at once (a row of
/// 10 logits is too short for SIMD on its own; the training loop's 100 × 10
/// softmax took 3× as long row by row); every element still goes through the
/// same operations, so the result is the same to the bit.
pub fn softmax_rows<T: Float>(x: &mut [T], cols: usize) {
    /// Rows per block: the block's maxima and sums live on the stack.
    const ROWS: usize = 32;
    if cols == 0 {
        return;
    }
    let mut sums = [T::ZERO; ROWS];
    for block in x.chunks_mut(ROWS * cols) {
        let rows = block.len() / cols;
        let block = &mut block[..rows * cols];
        // Each row less its maximum.
        for row in block.chunks_exact_mut(cols) {
            let mut max = row[0];
            for &v in row.iter() {
                if v > max {
                    max = v;
                }
            }
            for v in row.iter_mut() {
                *v -= max;
            }
        }
        for v in block.iter_mut() {
            *v = v.exp_fast();
        }
        // Each row's sum, left to right from 0.
        for (row, sum) in block.chunks_exact(cols).zip(&mut sums) {
            let mut s = T::ZERO;
            for &v in row {
                s += v;
            }
            *sum = s;
        }
        for (row, &sum) in block.chunks_exact_mut(cols).zip(&sums) {
            for v in row.iter_mut() {
                *v /= sum;
            }
        }
    }
}

/// Row-wise softmax: (N, O) → (N, O), each row summing to 1.
pub fn softmax<T: Float>(x: &Matrix<T>) -> Matrix<T> {
    let mut y = x.clone();
    softmax_rows_in_place(&mut y);
    y
}

/// Row-wise softmax in place.
pub fn softmax_rows_in_place<T: Float>(x: &mut Matrix<T>) {
    let cols = x.cols();
    if cols == 0 {
        return;
    }
    softmax_rows(x.as_mut_slice(), cols);
}
