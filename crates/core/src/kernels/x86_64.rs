//! x86-64 with AVX-512F (and FMA): the training loop's two products on a
//! panel ([`crate::engine::panel`]), one row of the sparse batch at a time, in
//! 512-bit registers: 16 f32 or 8 f64 lanes, masked at a row's end.
//!
//! Chosen at run time ([`available`]) in `std` builds; the portable kernels
//! ([`super::portable`]) run everywhere else, with the same sums in the same
//! order (with FMA compiled in, as this workspace builds, to the same bits:
//! tested).

/// Whether this CPU runs AVX-512F (and the `DESCENT_NO_AVX512` variable is
/// unset). Only in builds with FMA compiled in (as this workspace's
/// `.cargo/config.toml` asks): the portable kernels then fuse their
/// multiply-adds too, so both paths round alike; without it they do not.
pub(crate) fn available() -> bool {
    use std::sync::OnceLock;
    static YES: OnceLock<bool> = OnceLock::new();
    *YES.get_or_init(|| {
        cfg!(target_feature = "fma")
            && is_x86_feature_detected!("avx512f")
            && std::env::var_os("DESCENT_NO_AVX512").is_none()
    })
}

/// Runs `$call` (an expression of the block's first column `$j`, with `NV`
/// in scope as the block's number of vectors, a constant) for the column
/// blocks of at most `$most` vectors of `$lanes` that cover columns 0..n.
macro_rules! for_blocks {
    ($n:expr, $lanes:expr, $most:expr, |$j:ident| $call:expr) => {
        for_blocks!(@ $n, $lanes, $most, $j, $call, 1 2 3 4 5 6 7)
    };
    (@ $n:expr, $lanes:expr, $most:expr, $j:ident, $call:expr, $($k:literal)*) => {{
        let n = $n;
        let mut $j = 0;
        while $j < n {
            let nv = (n - $j).div_ceil($lanes).min($most);
            match nv {
                $($k => { const NV: usize = $k; $call })*
                _ => { const NV: usize = $most; $call }
            }
            $j += nv * $lanes;
        }
    }};
}

/// The kernels for one element type: `$t` in `$v` registers of `$lanes`.
macro_rules! kernels {
    ($m:ident, $t:ty, $lanes:literal, $mask:ty, $zero:ident, $set1:ident, $fmadd:ident, $load:ident, $store:ident,
     $maskz_loadu:ident, $mask_storeu:ident) => {
        pub(crate) mod $m {
            use core::arch::x86_64::*;

            use crate::kernels::col::Col;

            /// Vectors held in registers per pass (at most this many × lanes columns).
            const V: usize = 8;

            /// Mask of the first `k` (≤ lanes) lanes.
            #[inline(always)]
            fn first(k: usize) -> $mask {
                if k >= $lanes { <$mask>::MAX } else { ((1u32 << k) - 1) as $mask }
            }

            /// c_row ← Σ_q val[q] · b[idx[q] * stride ..][..c_row.len()], each
            /// column block's sums in registers.
            ///
            /// # Safety
            /// AVX-512F must be available; `b` holds every row named in `idx`
            /// (`stride` elements each, 64-byte aligned, stride ≥ c_row.len()
            /// rounded up to whole vectors).
            #[target_feature(enable = "avx512f")]
            pub(crate) unsafe fn times<C: Col, W: Copy>(
                idx: &[C],
                val: &[W],
                value: impl Fn(W) -> $t + Copy,
                b: &[$t],
                stride: usize,
                c_row: &mut [$t],
            ) {
                // SAFETY: passed on from the caller.
                for_blocks!(c_row.len(), $lanes, V, |j| unsafe {
                    block::<C, W, NV>(idx, val, value, b, stride, c_row, j)
                });
            }

            #[target_feature(enable = "avx512f")]
            #[inline]
            unsafe fn block<C: Col, W: Copy, const NV: usize>(
                idx: &[C],
                val: &[W],
                value: impl Fn(W) -> $t,
                b: &[$t],
                stride: usize,
                c_row: &mut [$t],
                j: usize,
            ) {
                let n = c_row.len();
                let c = c_row.as_mut_ptr();
                let bp = b.as_ptr();
                // SAFETY: lanes past n are masked off; rows are in `b` (caller).
                unsafe {
                    let mut s: [_; NV] = core::array::from_fn(|_| $zero());
                    for (&p, &v) in idx.iter().zip(val) {
                        let p: u32 = p.into();
                        let row = bp.add(p as usize * stride + j);
                        let vv = $set1(value(v));
                        for l in 0..NV {
                            s[l] = $fmadd(vv, $load(row.add(l * $lanes)), s[l]);
                        }
                    }
                    for l in 0..NV {
                        let at = j + l * $lanes;
                        $mask_storeu(c.add(at.min(n)), first(n.saturating_sub(at)), s[l]);
                    }
                }
            }

            /// b[(idx[q] − first) * stride ..][..g_row.len()] += val[q] · g_row for every q.
            ///
            /// # Safety
            /// As for [`times`], with `b` writable, holding W's rows from
            /// row `first` on, and every idx[q] at least `first`.
            #[target_feature(enable = "avx512f")]
            pub(crate) unsafe fn scatter<C: Col, W: Copy>(
                idx: &[C],
                val: &[W],
                value: impl Fn(W) -> $t + Copy,
                g_row: &[$t],
                b: &mut [$t],
                row0: usize,
                stride: usize,
            ) {
                // SAFETY: passed on from the caller.
                for_blocks!(g_row.len(), $lanes, V, |j| unsafe {
                    sblock::<C, W, NV>(idx, val, value, g_row, b, row0, stride, j)
                });
            }

            #[target_feature(enable = "avx512f")]
            #[inline]
            #[allow(clippy::too_many_arguments)]
            unsafe fn sblock<C: Col, W: Copy, const NV: usize>(
                idx: &[C],
                val: &[W],
                value: impl Fn(W) -> $t,
                g_row: &[$t],
                b: &mut [$t],
                row0: usize,
                stride: usize,
                j: usize,
            ) {
                let n = g_row.len();
                let g = g_row.as_ptr();
                let bp = b.as_mut_ptr();
                // SAFETY: lanes of g past n are masked off (read as 0, so the
                // padding of W's rows stays 0); rows are in `b` (caller).
                unsafe {
                    let gv: [_; NV] = core::array::from_fn(|l| {
                        let at = j + l * $lanes;
                        $maskz_loadu(first(n.saturating_sub(at)), g.add(at.min(n)))
                    });
                    for (&p, &v) in idx.iter().zip(val) {
                        let p: u32 = p.into();
                        let row = bp.add((p as usize - row0) * stride + j);
                        let vv = $set1(value(v));
                        for l in 0..NV {
                            let at = row.add(l * $lanes);
                            $store(at, $fmadd(vv, gv[l], $load(at)));
                        }
                    }
                }
            }
        }
    };
}

kernels!(
    f32s,
    f32,
    16,
    __mmask16,
    _mm512_setzero_ps,
    _mm512_set1_ps,
    _mm512_fmadd_ps,
    _mm512_load_ps,
    _mm512_store_ps,
    _mm512_maskz_loadu_ps,
    _mm512_mask_storeu_ps
);
kernels!(
    f64s,
    f64,
    8,
    __mmask8,
    _mm512_setzero_pd,
    _mm512_set1_pd,
    _mm512_fmadd_pd,
    _mm512_load_pd,
    _mm512_store_pd,
    _mm512_maskz_loadu_pd,
    _mm512_mask_storeu_pd
);
