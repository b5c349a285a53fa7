//! The three matrix products the network needs, with a naive reference beside each.
//!
//! All operands are dense row-major slices. `accumulate = false` means
//! C ← A·B and overwrites whatever C held (NaN included); `accumulate = true`
//! means C ← C + A·B.
//!
//! | product | forward / backward use          | shapes (batch N)                 |
//! |---------|----------------------------------|----------------------------------|
//! | A·B     | a1 = x·W1, a2 = z1·W2            | (N, I)·(I, H), (N, H)·(H, O)     |
//! | Aᵀ·B    | dW1 = xᵀ·dz1, dW2 = z1ᵀ·dy       | (N, I)ᵀ·(N, H), (N, H)ᵀ·(N, O)   |
//! | A·Bᵀ    | da1 = dy·W2ᵀ                     | (N, O)·(H, O)ᵀ                   |
//!
//! The fast kernels stream whole rows of B into a row of C (`c_row += a_ip · b_row`),
//! a loop the compiler vectorises, and skip `a_ip == 0`: MNIST pixels are about 81%
//! zeros, so the first layer and dW1 do about 5× less work. Skipping changes nothing
//! but the summation order, except that a zero in A no longer turns an infinite or NaN
//! element of B into NaN.

use crate::float::Float;

#[inline]
fn check(name: &str, m: usize, k: usize, n: usize, a: usize, b: usize, c: usize) {
    assert!(
        a == m * k && b == k * n && c == m * n,
        "{name}: m={m} k={k} n={n} needs |A|={}, |B|={}, |C|={}; got {a}, {b}, {c}",
        m * k,
        k * n,
        m * n
    );
}

#[inline(always)]
fn axpy<T: Float>(alpha: T, x: &[T], y: &mut [T]) {
    for (yj, &xj) in y.iter_mut().zip(x) {
        *yj += alpha * xj;
    }
}

/// C ← A·B (or C + A·B): A is (m, k), B is (k, n), C is (m, n).
pub fn gemm_nn<T: Float>(m: usize, k: usize, n: usize, a: &[T], b: &[T], c: &mut [T], accumulate: bool) {
    check("gemm_nn", m, k, n, a.len(), b.len(), c.len());
    for i in 0..m {
        let a_row = &a[i * k..(i + 1) * k];
        let c_row = &mut c[i * n..(i + 1) * n];
        if !accumulate {
            c_row.fill(T::ZERO);
        }
        for (p, &a_ip) in a_row.iter().enumerate() {
            if a_ip != T::ZERO {
                axpy(a_ip, &b[p * n..(p + 1) * n], c_row);
            }
        }
    }
}

/// C ← Aᵀ·B (or C + Aᵀ·B): A is (k, m), B is (k, n), C is (m, n).
pub fn gemm_tn<T: Float>(m: usize, k: usize, n: usize, a: &[T], b: &[T], c: &mut [T], accumulate: bool) {
    check("gemm_tn", m, k, n, a.len(), b.len(), c.len());
    if !accumulate {
        c.fill(T::ZERO);
    }
    if n == 0 {
        return;
    }
    for p in 0..k {
        let a_row = &a[p * m..(p + 1) * m];
        let b_row = &b[p * n..(p + 1) * n];
        for (i, &a_pi) in a_row.iter().enumerate() {
            if a_pi != T::ZERO {
                axpy(a_pi, b_row, &mut c[i * n..(i + 1) * n]);
            }
        }
    }
}

/// C ← A·Bᵀ (or C + A·Bᵀ): A is (m, k), B is (n, k), C is (m, n).
pub fn gemm_nt<T: Float>(m: usize, k: usize, n: usize, a: &[T], b: &[T], c: &mut [T], accumulate: bool) {
    check("gemm_nt", m, k, n, a.len(), b.len(), c.len());
    for i in 0..m {
        let a_row = &a[i * k..(i + 1) * k];
        for j in 0..n {
            let b_row = &b[j * k..(j + 1) * k];
            let mut s = T::ZERO;
            for (&x, &y) in a_row.iter().zip(b_row) {
                s += x * y;
            }
            let cij = &mut c[i * n + j];
            *cij = if accumulate { *cij + s } else { s };
        }
    }
}

/// Naive references: the textbook triple loops, kept for the tests.
pub mod naive {
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
}
