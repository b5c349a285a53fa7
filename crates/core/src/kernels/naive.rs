//! Naive references: the textbook triple loops, one dot product per element
//! of C in the order of its terms. The tests hold every fast kernel to them,
//! and the benchmark times them beside the fast ones.

use crate::float::Float;

/// C ← A·B (or C + A·B): A (m, k), B (k, n).
pub fn gemm_nn<T: Float>(m: usize, k: usize, n: usize, a: &[T], b: &[T], c: &mut [T], accumulate: bool) {
    for i in 0..m {
        for j in 0..n {
            let mut s = T::ZERO;
            for p in 0..k {
                s += a[i * k + p] * b[p * n + j];
            }
            c[i * n + j] = if accumulate { c[i * n + j] + s } else { s };
        }
    }
}

/// C ← Aᵀ·B (or C + Aᵀ·B): A (k, m), B (k, n).
pub fn gemm_tn<T: Float>(m: usize, k: usize, n: usize, a: &[T], b: &[T], c: &mut [T], accumulate: bool) {
    for i in 0..m {
        for j in 0..n {
            let mut s = T::ZERO;
            for p in 0..k {
                s += a[p * m + i] * b[p * n + j];
            }
            c[i * n + j] = if accumulate { c[i * n + j] + s } else { s };
        }
    }
}

/// C ← A·Bᵀ (or C + A·Bᵀ): A (m, k), B (n, k).
pub fn gemm_nt<T: Float>(m: usize, k: usize, n: usize, a: &[T], b: &[T], c: &mut [T], accumulate: bool) {
    for i in 0..m {
        for j in 0..n {
            let mut s = T::ZERO;
            for p in 0..k {
                s += a[i * k + p] * b[j * k + p];
            }
            c[i * n + j] = if accumulate { c[i * n + j] + s } else { s };
        }
    }
}
