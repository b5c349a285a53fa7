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

/// Nonzeros gathered per pass: the (index, value) list of one row of A lives
/// on the stack, so a row longer than this is taken in several passes.
const NZ_CHUNK: usize = 256;

/// Columns of C kept in registers while the nonzeros of a row of A stream by.
/// Each register of sums is one chain of dependent multiply-adds (4 cycles of
/// latency each on current x86), so the block must hold enough registers to keep
/// the FMA units busy: 48 f32 are 12 simd128/SSE or 6 AVX registers, and cover
/// 48 of the hidden layer's 50 columns in one pass.
const NB: usize = 48;

/// Σ_q val[q] · b[idx[q] * n + j ..][..W]: W sums kept in registers.
#[inline(always)]
fn block<T: Float, const W: usize>(j: usize, idx: &[u32], val: &[T], b: &[T], n: usize) -> [T; W] {
    let mut s = [T::ZERO; W];
    for (&p, &v) in idx.iter().zip(val) {
        let b_blk: &[T; W] = b[p as usize * n + j..][..W].try_into().unwrap();
        for l in 0..W {
            s[l] = v.mul_add(b_blk[l], s[l]);
        }
    }
    s
}

#[inline(always)]
fn add_block<T: Float, const W: usize>(j: usize, idx: &[u32], val: &[T], b: &[T], n: usize, c_row: &mut [T]) {
    let s = block::<T, W>(j, idx, val, b, n);
    for (c, s) in c_row[j..j + W].iter_mut().zip(s) {
        *c += s;
    }
}

/// c_row += Σ_q val[q] · B[idx[q], ..]: the nonzeros of one row of A times B (k, n).
///
/// Columns go in register blocks of [`NB`], then 16, 8 and 4; the last `n mod 4`
/// columns are covered by one 4-wide block ending at column n, overlapping the
/// previous block, of which only the new lanes are added (cheaper than a scalar loop).
#[inline(always)]
pub(crate) fn sparse_row_times<T: Float>(idx: &[u32], val: &[T], b: &[T], n: usize, c_row: &mut [T]) {
    let mut j = 0;
    while j + NB <= n {
        add_block::<T, NB>(j, idx, val, b, n, c_row);
        j += NB;
    }
    if j + 16 <= n {
        add_block::<T, 16>(j, idx, val, b, n, c_row);
        j += 16;
    }
    if j + 8 <= n {
        add_block::<T, 8>(j, idx, val, b, n, c_row);
        j += 8;
    }
    if j + 4 <= n {
        add_block::<T, 4>(j, idx, val, b, n, c_row);
        j += 4;
    }
    if j < n && n >= 4 {
        let s = block::<T, 4>(n - 4, idx, val, b, n);
        for jj in j..n {
            c_row[jj] += s[jj + 4 - n];
        }
    } else {
        for jj in j..n {
            let mut s = T::ZERO;
            for (&p, &v) in idx.iter().zip(val) {
                s += v * b[p as usize * n + jj];
            }
            c_row[jj] += s;
        }
    }
}

/// C ← A·B (or C + A·B): A is (m, k), B is (k, n), C is (m, n).
///
/// For each row of A, its nonzeros are listed once, then every column block of
/// the C row is accumulated in registers over that list.
pub fn gemm_nn<T: Float>(m: usize, k: usize, n: usize, a: &[T], b: &[T], c: &mut [T], accumulate: bool) {
    check("gemm_nn", m, k, n, a.len(), b.len(), c.len());
    let mut idx = [0u32; NZ_CHUNK];
    let mut val = [T::ZERO; NZ_CHUNK];
    for i in 0..m {
        let a_row = &a[i * k..(i + 1) * k];
        let c_row = &mut c[i * n..(i + 1) * n];
        if !accumulate {
            c_row.fill(T::ZERO);
        }
        let mut p = 0;
        while p < k {
            let mut cnt = 0;
            while p < k && cnt < NZ_CHUNK {
                let v = a_row[p];
                // branch-free: write always, advance only past a nonzero
                idx[cnt] = p as u32;
                val[cnt] = v;
                cnt += (v != T::ZERO) as usize;
                p += 1;
            }
            sparse_row_times(&idx[..cnt], &val[..cnt], b, n, c_row);
        }
    }
}

/// C ← Aᵀ·B (or C + Aᵀ·B): A is (k, m), B is (k, n), C is (m, n).
///
/// Row i of C needs column i of A: its nonzeros are gathered (a strided walk
/// down A) and then handled exactly as a row in [`gemm_nn`].
pub fn gemm_tn<T: Float>(m: usize, k: usize, n: usize, a: &[T], b: &[T], c: &mut [T], accumulate: bool) {
    check("gemm_tn", m, k, n, a.len(), b.len(), c.len());
    let mut idx = [0u32; NZ_CHUNK];
    let mut val = [T::ZERO; NZ_CHUNK];
    for i in 0..m {
        let c_row = &mut c[i * n..(i + 1) * n];
        if !accumulate {
            c_row.fill(T::ZERO);
        }
        let mut p = 0;
        while p < k {
            let mut cnt = 0;
            while p < k && cnt < NZ_CHUNK {
                let v = a[p * m + i];
                // branch-free: write always, advance only past a nonzero
                idx[cnt] = p as u32;
                val[cnt] = v;
                cnt += (v != T::ZERO) as usize;
                p += 1;
            }
            sparse_row_times(&idx[..cnt], &val[..cnt], b, n, c_row);
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
