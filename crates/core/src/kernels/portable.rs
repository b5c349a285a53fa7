//! The portable kernels: plain Rust that the compiler vectorises (SSE/AVX with
//! FMA natively, simd128 in wasm), for every target.
//!
//! The fast kernels stream whole rows of B into a row of C (`c_row += a_ip · b_row`),
//! a loop the compiler vectorises, and skip `a_ip == 0`: MNIST pixels are about 81%
//! zeros, so the first layer and dW1 do about 5× less work. Skipping changes nothing
//! but the summation order, except that a zero in A no longer turns an infinite or NaN
//! element of B into NaN.
//!
//! In the relaxed-SIMD wasm build the f32 register blocks run as
//! [`super::wasm32`]'s instead; on x86-64 with AVX-512 the training loop's
//! products on a panel run [`super::x86_64`]'s (chosen in [`crate::engine::panel`]).

use super::col::Col;
#[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
use super::wasm32::{self as relaxed, same_type, same_type_mut};
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

/// c_row[j..j + W + R] += Σ_q val[q] · b[idx[q] * n + j ..][..W + R], all W + R
/// sums kept in registers: W in vector registers and the R (< 8) columns left
/// over at the end of a row alongside, in the same pass over the nonzeros.
#[inline(always)]
fn add_block<T: Float, C: Col, V: Copy, const W: usize, const R: usize>(
    j: usize,
    idx: &[C],
    val: &[V],
    value: impl Fn(V) -> T,
    b: &[T],
    n: usize,
    c_row: &mut [T],
) {
    #[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
    if let (Some(b), Some(c_row)) = (same_type(b), same_type_mut(c_row)) {
        return relaxed::add_block::<T, C, V, W, R>(j, idx, val, value, b, n, c_row);
    }
    let mut s = [T::ZERO; W];
    let mut r = [T::ZERO; R];
    for (&p, &v) in idx.iter().zip(val) {
        let (p, v): (u32, T) = (p.into(), value(v));
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

/// One register-blocked pass over a row's nonzeros for columns `j..j + W + R`
/// (W a multiple of 4, R < 8): [`add_block`] or [`scatter_block`] with their operands.
trait Block {
    fn run<const W: usize, const R: usize>(&mut self, j: usize);
}

/// [`Block::run`] with R chosen at run time (0 ≤ R < 8).
#[inline(always)]
fn run_rest<K: Block, const W: usize>(k: &mut K, j: usize, rest: usize) {
    match rest {
        0 => k.run::<W, 0>(j),
        1 => k.run::<W, 1>(j),
        2 => k.run::<W, 2>(j),
        3 => k.run::<W, 3>(j),
        4 => k.run::<W, 4>(j),
        5 => k.run::<W, 5>(j),
        6 => k.run::<W, 6>(j),
        _ => k.run::<W, 7>(j),
    }
}

/// Covers columns 0..n in register blocks of [`NB`], then 32, 16, 8 or 4;
/// whatever is left (fewer than 8 columns) rides along with the last block, so
/// a row of the hidden layer's 50 columns is one pass of 48 + 2 over the
/// nonzeros (a padded row of 52, see `panel`, one pass of 13 vectors). Every pass is a chain of dependent multiply-adds per register
/// (or a stream of loads and stores), so fewer, wider passes are what makes this fast.
#[inline(always)]
fn for_blocks<K: Block>(n: usize, k: &mut K) {
    let mut j = 0;
    loop {
        let left = n - j;
        if left == 52 {
            // 52 columns (a padded hidden layer of 50, see `panel`): 13 simd128
            // vectors in one pass, as a function of its own (the engine
            // allocates registers worse in run_rest's eight-way match).
            k.run::<52, 0>(j);
            return;
        }
        let (w, step): (usize, fn(&mut K, usize, usize)) = match left {
            0 => return,
            1..=7 => (0, run_rest::<K, 0>),
            8..=15 => (8, run_rest::<K, 8>),
            16..=31 => (16, run_rest::<K, 16>),
            32..=47 => (32, run_rest::<K, 32>),
            _ => (NB, run_rest::<K, NB>),
        };
        let rest = left - w;
        if rest < 8 {
            step(k, j, rest);
            return;
        }
        step(k, j, 0);
        j += w;
    }
}

/// c_row[..n] += Σ_q val[q] · B[idx[q], ..n]: the nonzeros of one row of A times
/// B (k rows of `stride` elements, the first n used), each column block's sums
/// held in registers over the whole list.
#[inline(always)]
pub(crate) fn sparse_row_times<T: Float, C: Col, V: Copy, F: Fn(V) -> T + Copy>(
    idx: &[C],
    val: &[V],
    value: F,
    b: &[T],
    stride: usize,
    n: usize,
    c_row: &mut [T],
) {
    struct Times<'a, T, C, V, F> {
        idx: &'a [C],
        val: &'a [V],
        value: F,
        b: &'a [T],
        stride: usize,
        c_row: &'a mut [T],
    }
    impl<T: Float, C: Col, V: Copy, F: Fn(V) -> T + Copy> Block for Times<'_, T, C, V, F> {
        #[inline(always)]
        fn run<const W: usize, const R: usize>(&mut self, j: usize) {
            add_block::<T, C, V, W, R>(j, self.idx, self.val, self.value, self.b, self.stride, self.c_row);
        }
    }
    for_blocks(n, &mut Times { idx, val, value, b, stride, c_row });
}

/// B[idx[q], ..n] += val[q] · g_row[..n] for every q: one row of G scattered into
/// the rows of B (k rows of `stride` elements, the first n used) that the
/// nonzeros of a row of A name. Summed over the rows of A, this is
/// B ← B + Aᵀ·G without forming Aᵀ or the product.
///
/// `b` may be a slice of B's rows that starts at row `first` (every column in
/// `idx` then ≥ `first`), so that two threads can update two halves of B.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn sparse_row_scatter<T: Float, C: Col, V: Copy, F: Fn(V) -> T + Copy>(
    idx: &[C],
    val: &[V],
    value: F,
    g_row: &[T],
    b: &mut [T],
    first: usize,
    stride: usize,
    n: usize,
) {
    struct Scatter<'a, T, C, V, F> {
        idx: &'a [C],
        val: &'a [V],
        value: F,
        g_row: &'a [T],
        b: &'a mut [T],
        first: usize,
        stride: usize,
    }
    impl<T: Float, C: Col, V: Copy, F: Fn(V) -> T + Copy> Block for Scatter<'_, T, C, V, F> {
        #[inline(always)]
        fn run<const W: usize, const R: usize>(&mut self, j: usize) {
            let s = &mut *self;
            scatter_block::<T, C, V, W, R>(j, s.idx, s.val, s.value, s.g_row, s.b, s.first, s.stride);
        }
    }
    for_blocks(n, &mut Scatter { idx, val, value, g_row, b, first, stride });
}

/// b[(idx[q] − first) * n + j ..][..W + R] += val[q] · g_row[j..j + W + R] for
/// every q, the W + R values of g_row held in registers.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn scatter_block<T: Float, C: Col, V: Copy, const W: usize, const R: usize>(
    j: usize,
    idx: &[C],
    val: &[V],
    value: impl Fn(V) -> T,
    g_row: &[T],
    b: &mut [T],
    first: usize,
    n: usize,
) {
    #[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
    if let (Some(g_row), Some(b)) = (same_type(g_row), same_type_mut(b)) {
        return relaxed::scatter_block::<T, C, V, W, R>(j, idx, val, value, g_row, b, first, n);
    }
    let g: [T; W] = g_row[j..j + W].try_into().unwrap();
    let gr: [T; R] = g_row[j + W..j + W + R].try_into().unwrap();
    for (&p, &v) in idx.iter().zip(val) {
        let (p, v): (u32, T) = (p.into(), value(v));
        let row = &mut b[(p as usize - first) * n + j..][..W + R];
        let (main, rest) = row.split_at_mut(W);
        for l in 0..W {
            main[l] = v.mul_add(g[l], main[l]);
        }
        for l in 0..R {
            rest[l] = v.mul_add(gr[l], rest[l]);
        }
    }
}

/// c_row ← a_row·B for one dense row of A (its zeros skipped) and B (a_row.len()
/// rows of n): one row of [`gemm_nn`], the same sums in the same order.
pub(crate) fn row_times<T: Float>(a_row: &[T], b: &[T], n: usize, c_row: &mut [T]) {
    check("row_times", 1, a_row.len(), n, a_row.len(), b.len(), c_row.len());
    dense_row_times(a_row.len(), |p| a_row[p], b, n, c_row, false);
}

/// Widest row the portable kernels pad to whole simd128 vectors (their
/// scratch rows live on the stack).
pub(crate) const PORTABLE_MAX: usize = 64;

/// `n` columns rounded up to whole simd128 vectors of 4, or `n` itself when
/// that is wider than [`PORTABLE_MAX`]: how wide the portable kernels run a
/// row whose padding holds zeros (52 for the hidden layer's 50).
pub(crate) fn whole_vectors(n: usize) -> usize {
    let wide = n.div_ceil(4) * 4;
    if wide <= PORTABLE_MAX { wide } else { n }
}

/// c_row (+)= Σ_p a(p) · B[p, ..] over p < k where a(p) ≠ 0: lists the nonzeros
/// of a(·) on the stack, [`NZ_CHUNK`] at a time (branch-free: each value is
/// written, and the cursor advances only past a nonzero), and hands each list
/// to [`sparse_row_times`].
#[inline(always)]
fn dense_row_times<T: Float>(k: usize, a: impl Fn(usize) -> T, b: &[T], n: usize, c_row: &mut [T], accumulate: bool) {
    // A short row (the 10 outputs of dy in dy·W2ᵀ) gets a short list: the
    // lists are zeroed on every call, and zeroing 2 KB for 10 entries cost more
    // than the products.
    if k <= SHORT_ROW {
        nonzero_lists::<T, SHORT_ROW>(k, a, b, n, c_row, accumulate)
    } else {
        nonzero_lists::<T, NZ_CHUNK>(k, a, b, n, c_row, accumulate)
    }
}

/// Rows of A at most this long are listed in one short list ([`dense_row_times`]).
const SHORT_ROW: usize = 16;

/// [`dense_row_times`] with lists of `CHUNK` entries on the stack.
#[inline(always)]
fn nonzero_lists<T: Float, const CHUNK: usize>(
    k: usize,
    a: impl Fn(usize) -> T,
    b: &[T],
    n: usize,
    c_row: &mut [T],
    accumulate: bool,
) {
    let mut idx = [0u32; CHUNK];
    let mut val = [T::ZERO; CHUNK];
    if !accumulate {
        c_row.fill(T::ZERO);
    }
    let mut p = 0;
    while p < k {
        let mut cnt = 0;
        while p < k && cnt < CHUNK {
            let v = a(p);
            idx[cnt] = p as u32;
            val[cnt] = v;
            cnt += (v != T::ZERO) as usize;
            p += 1;
        }
        sparse_row_times(&idx[..cnt], &val[..cnt], |v| v, b, n, n, c_row);
    }
}

/// Rows of C computed together by [`small_rows`].
const ROWS: usize = 4;

/// C (+)= A·B for a narrow C (n ≤ 16, the output layer's 10 columns) with a
/// dense A (no zero skipping: `a(i, p)` reads A): [`ROWS`] rows of C at a time,
/// all their sums in registers. One row alone would be a single chain of
/// dependent multiply-adds per register, k long, so it waits on latency; four
/// independent rows keep the FMA units busy. Returns false (nothing done) for
/// wider C or when A is too small for this to pay.
#[inline(always)]
fn small_n<T: Float>(
    m: usize,
    k: usize,
    n: usize,
    a: impl Fn(usize, usize) -> T,
    b: &[T],
    c: &mut [T],
    accumulate: bool,
) -> bool {
    if m < ROWS || k < 8 {
        return false;
    }
    // A width that is not whole vectors (the output layer's 10) is computed
    // as the next multiple of 4, B's rows padded with zeros in a copy on the
    // stack (for k ≤ PAD_K): whole-vector loads and multiply-adds, the extra
    // columns dropped. The columns kept get the same operations.
    macro_rules! go {
        ($($w:literal => $wp:literal),*) => {
            match n {
                $($w => {
                    if $w != $wp && k <= PAD_K {
                        padded_rows::<T, $w, $wp, { PAD_K * $wp }>(m, k, &a, b, c, accumulate)
                    } else {
                        small_rows::<T, $w, $w>(m, k, &a, b, c, accumulate)
                    }
                })*
                _ => return false,
            }
        };
    }
    go!(1 => 4, 2 => 4, 3 => 4, 4 => 4, 5 => 8, 6 => 8, 7 => 8, 8 => 8, 9 => 12, 10 => 12, 11 => 12, 12 => 12,
        13 => 16, 14 => 16, 15 => 16, 16 => 16);
    true
}

/// Most rows of B that [`small_n`] pads on the stack (the batch of 100 in dW2 = z1ᵀ·dy).
const PAD_K: usize = 128;

/// [`small_rows`] on a copy of B (k ≤ LEN / NP rows of N) whose rows are
/// padded with zeros to NP columns, in a stack buffer of LEN elements.
#[inline(always)]
fn padded_rows<T: Float, const N: usize, const NP: usize, const LEN: usize>(
    m: usize,
    k: usize,
    a: &impl Fn(usize, usize) -> T,
    b: &[T],
    c: &mut [T],
    accumulate: bool,
) {
    let mut padded = [T::ZERO; LEN];
    for (dst, src) in padded.chunks_exact_mut(NP).zip(b.chunks_exact(N)).take(k) {
        dst[..N].copy_from_slice(src);
    }
    small_rows::<T, N, NP>(m, k, a, &padded[..k * NP], c, accumulate)
}

/// [`small_n`] for n = N, B's rows NP ≥ N apart (the columns past N zeros):
/// row blocks of [`ROWS`], NP sums a row; the last block overlaps the one
/// before it when m is not a multiple (the shared rows are recomputed, and
/// stored once).
#[inline(always)]
fn small_rows<T: Float, const N: usize, const NP: usize>(
    m: usize,
    k: usize,
    a: &impl Fn(usize, usize) -> T,
    b: &[T],
    c: &mut [T],
    accumulate: bool,
) {
    let mut i0 = 0;
    while i0 < m {
        let i = i0.min(m - ROWS);
        let mut s = [[T::ZERO; NP]; ROWS];
        for p in 0..k {
            let b_row: &[T; NP] = b[p * NP..p * NP + NP].try_into().unwrap();
            for r in 0..ROWS {
                let v = a(i + r, p);
                for l in 0..NP {
                    s[r][l] = v.mul_add(b_row[l], s[r][l]);
                }
            }
        }
        // Rows before i0 belong to the previous block (already stored).
        for (r, s) in s.iter().enumerate().skip(i0 - i) {
            let c_row = &mut c[(i + r) * N..(i + r + 1) * N];
            for (c, &s) in c_row.iter_mut().zip(&s[..N]) {
                *c = if accumulate { *c + s } else { s };
            }
        }
        i0 += ROWS;
    }
}

/// C ← A·B (or C + A·B): A is (m, k), B is (k, n), C is (m, n).
///
/// For each row of A, its nonzeros are listed once, then every column block of
/// the C row is accumulated in registers over that list.
pub fn gemm_nn<T: Float>(m: usize, k: usize, n: usize, a: &[T], b: &[T], c: &mut [T], accumulate: bool) {
    check("gemm_nn", m, k, n, a.len(), b.len(), c.len());
    if small_n(m, k, n, |i, p| a[i * k + p], b, c, accumulate) {
        return;
    }
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
    if small_n(m, k, n, |i, p| a[p * m + i], b, c, accumulate) {
        return;
    }
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
