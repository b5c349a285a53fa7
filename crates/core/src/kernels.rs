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

/// `s` as a slice of `U` when `T` is `U` (the f32-only SIMD kernels' way in).
#[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
#[inline(always)]
fn same_type<T: 'static, U: 'static>(s: &[T]) -> Option<&[U]> {
    if core::any::TypeId::of::<T>() == core::any::TypeId::of::<U>() {
        // SAFETY: T and U are the same type, so the layout is identical.
        Some(unsafe { &*(s as *const [T] as *const [U]) })
    } else {
        None
    }
}

/// [`same_type`] for a mutable slice.
#[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
#[inline(always)]
fn same_type_mut<T: 'static, U: 'static>(s: &mut [T]) -> Option<&mut [U]> {
    if core::any::TypeId::of::<T>() == core::any::TypeId::of::<U>() {
        // SAFETY: T and U are the same type, so the layout is identical.
        Some(unsafe { &mut *(s as *mut [T] as *mut [U]) })
    } else {
        None
    }
}

/// The f32 register block with relaxed-SIMD fused multiply-adds
/// (`f32x4.relaxed_madd`: one instruction where simd128 needs a multiply and an
/// add; about 1.5× faster in Chromium). Only in the build made with
/// `+relaxed-simd`, which the page loads where the browser validates it.
#[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
mod relaxed {
    use core::arch::wasm32::*;

    #[inline(always)]
    pub(super) fn add_block<const W: usize, const R: usize>(
        j: usize,
        idx: &[u32],
        val: &[f32],
        b: &[f32],
        n: usize,
        c_row: &mut [f32],
    ) {
        // W is a multiple of 4 (0, 8, 16, 32 or 48): W / 4 vectors of sums.
        let mut s = [f32x4_splat(0.0); W];
        let mut r = [0.0f32; R];
        for (&p, &v) in idx.iter().zip(val) {
            let row = &b[p as usize * n + j..][..W + R];
            let vv = f32x4_splat(v);
            for l in 0..W / 4 {
                let x = &row[4 * l..4 * l + 4];
                // SAFETY: `x` is 4 in-bounds f32s (16 bytes); v128 loads need no alignment.
                let x = unsafe { v128_load(x.as_ptr() as *const v128) };
                s[l] = f32x4_relaxed_madd(vv, x, s[l]);
            }
            for l in 0..R {
                r[l] += v * row[W + l];
            }
        }
        for l in 0..W / 4 {
            let c = &mut c_row[j + 4 * l..j + 4 * l + 4];
            c[0] += f32x4_extract_lane::<0>(s[l]);
            c[1] += f32x4_extract_lane::<1>(s[l]);
            c[2] += f32x4_extract_lane::<2>(s[l]);
            c[3] += f32x4_extract_lane::<3>(s[l]);
        }
        for (c, r) in c_row[j + W..j + W + R].iter_mut().zip(r) {
            *c += r;
        }
    }
}

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

/// c_row[j..j + W + R] += Σ_q val[q] · b[idx[q] * n + j ..][..W + R], all W + R
/// sums kept in registers: W in vector registers and the R (< 8) columns left
/// over at the end of a row alongside, in the same pass over the nonzeros.
#[inline(always)]
fn add_block<T: Float, const W: usize, const R: usize>(
    j: usize,
    idx: &[u32],
    val: &[T],
    b: &[T],
    n: usize,
    c_row: &mut [T],
) {
    #[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
    if let (Some(val), Some(b), Some(c_row)) = (same_type(val), same_type(b), same_type_mut(c_row)) {
        return relaxed::add_block::<W, R>(j, idx, val, b, n, c_row);
    }
    let mut s = [T::ZERO; W];
    let mut r = [T::ZERO; R];
    for (&p, &v) in idx.iter().zip(val) {
        let row = &b[p as usize * n + j..][..W + R];
        let (main, rest) = row.split_at(W);
        let main: &[T; W] = main.try_into().unwrap();
        for l in 0..W {
            s[l] = v.mul_add(main[l], s[l]);
        }
        for l in 0..R {
            r[l] = v.mul_add(rest[l], r[l]);
        }
    }
    for (c, s) in c_row[j..j + W].iter_mut().zip(s) {
        *c += s;
    }
    for (c, r) in c_row[j + W..j + W + R].iter_mut().zip(r) {
        *c += r;
    }
}

/// [`add_block`] with R chosen at run time (0 ≤ R < 8).
#[inline(always)]
fn add_block_rest<T: Float, const W: usize>(
    j: usize,
    rest: usize,
    idx: &[u32],
    val: &[T],
    b: &[T],
    n: usize,
    c: &mut [T],
) {
    match rest {
        0 => add_block::<T, W, 0>(j, idx, val, b, n, c),
        1 => add_block::<T, W, 1>(j, idx, val, b, n, c),
        2 => add_block::<T, W, 2>(j, idx, val, b, n, c),
        3 => add_block::<T, W, 3>(j, idx, val, b, n, c),
        4 => add_block::<T, W, 4>(j, idx, val, b, n, c),
        5 => add_block::<T, W, 5>(j, idx, val, b, n, c),
        6 => add_block::<T, W, 6>(j, idx, val, b, n, c),
        _ => add_block::<T, W, 7>(j, idx, val, b, n, c),
    }
}

/// One register block's pass: `(j, rest, idx, val, b, n, c_row)`.
type BlockFn<T> = fn(usize, usize, &[u32], &[T], &[T], usize, &mut [T]);

/// c_row += Σ_q val[q] · B[idx[q], ..]: the nonzeros of one row of A times B (k, n).
///
/// Columns go in register blocks of [`NB`], then 32, 16, 8 or 4; whatever is
/// left (fewer than 8 columns) rides along with the last block, so a row of
/// the hidden layer's 50 columns is one pass of 48 + 2 over the nonzeros.
/// Every pass is a chain of dependent multiply-adds per register, so fewer,
/// wider passes are what makes this fast.
#[inline(always)]
pub(crate) fn sparse_row_times<T: Float>(idx: &[u32], val: &[T], b: &[T], n: usize, c_row: &mut [T]) {
    let mut j = 0;
    loop {
        let left = n - j;
        let (w, step): (usize, BlockFn<T>) = match left {
            0 => return,
            1..=7 => (0, add_block_rest::<T, 0>),
            8..=15 => (8, add_block_rest::<T, 8>),
            16..=31 => (16, add_block_rest::<T, 16>),
            32..=47 => (32, add_block_rest::<T, 32>),
            _ => (NB, add_block_rest::<T, NB>),
        };
        let rest = left - w;
        if rest < 8 {
            step(j, rest, idx, val, b, n, c_row);
            return;
        }
        step(j, 0, idx, val, b, n, c_row);
        j += w;
    }
}

/// c_row (+)= Σ_p a(p) · B[p, ..] over p < k where a(p) ≠ 0: lists the nonzeros
/// of a(·) on the stack, [`NZ_CHUNK`] at a time (branch-free: each value is
/// written, and the cursor advances only past a nonzero), and hands each list
/// to [`sparse_row_times`].
#[inline(always)]
fn dense_row_times<T: Float>(k: usize, a: impl Fn(usize) -> T, b: &[T], n: usize, c_row: &mut [T], accumulate: bool) {
    let mut idx = [0u32; NZ_CHUNK];
    let mut val = [T::ZERO; NZ_CHUNK];
    if !accumulate {
        c_row.fill(T::ZERO);
    }
    let mut p = 0;
    while p < k {
        let mut cnt = 0;
        while p < k && cnt < NZ_CHUNK {
            let v = a(p);
            idx[cnt] = p as u32;
            val[cnt] = v;
            cnt += (v != T::ZERO) as usize;
            p += 1;
        }
        sparse_row_times(&idx[..cnt], &val[..cnt], b, n, c_row);
    }
}

/// C ← A·B (or C + A·B): A is (m, k), B is (k, n), C is (m, n).
///
/// For each row of A, its nonzeros are listed once, then every column block of
/// the C row is accumulated in registers over that list.
pub fn gemm_nn<T: Float>(m: usize, k: usize, n: usize, a: &[T], b: &[T], c: &mut [T], accumulate: bool) {
    check("gemm_nn", m, k, n, a.len(), b.len(), c.len());
    for i in 0..m {
        let a_row = &a[i * k..(i + 1) * k];
        dense_row_times(k, |p| a_row[p], b, n, &mut c[i * n..(i + 1) * n], accumulate);
    }
}

/// C ← Aᵀ·B (or C + Aᵀ·B): A is (k, m), B is (k, n), C is (m, n).
///
/// Row i of C needs column i of A: its nonzeros are gathered (a strided walk
/// down A) and then handled exactly as a row in [`gemm_nn`].
pub fn gemm_tn<T: Float>(m: usize, k: usize, n: usize, a: &[T], b: &[T], c: &mut [T], accumulate: bool) {
    check("gemm_tn", m, k, n, a.len(), b.len(), c.len());
    for i in 0..m {
        dense_row_times(k, |p| a[p * m + i], b, n, &mut c[i * n..(i + 1) * n], accumulate);
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
