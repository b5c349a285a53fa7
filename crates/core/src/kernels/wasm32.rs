//! wasm32 with relaxed SIMD: the f32 register blocks of the portable kernels
//! ([`super::portable`]) as `f32x4.relaxed_madd` (one instruction where
//! simd128 needs a multiply and an add; about 1.5× faster in Chromium).
//!
//! Only in the build made with `+relaxed-simd`, which the page loads where the
//! browser validates it; the plain simd128 build runs the portable kernels,
//! which the compiler vectorises. The portable blocks hand their f32 work here
//! ([`same_type`] tells f32 from f64); f64 stays portable.

use core::arch::wasm32::*;

use super::col::Col;

use crate::float::same_type_value as f32_of;

#[inline(always)]
pub(super) fn add_block<T: Copy + 'static, C: Col, V: Copy, const W: usize, const R: usize>(
    j: usize,
    idx: &[C],
    val: &[V],
    value: impl Fn(V) -> T,
    b: &[f32],
    n: usize,
    c_row: &mut [f32],
) {
    // W is a multiple of 4 (0, 8, 16, 32, 48 or 52): W / 4 vectors of sums.
    let mut s = [f32x4_splat(0.0); W];
    let mut r = [0.0f32; R];
    for (&p, &v) in idx.iter().zip(val) {
        let (p, v): (u32, f32) = (p.into(), f32_of(value(v)));
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

#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(super) fn scatter_block<T: Copy + 'static, C: Col, V: Copy, const W: usize, const R: usize>(
    j: usize,
    idx: &[C],
    val: &[V],
    value: impl Fn(V) -> T,
    g_row: &[f32],
    b: &mut [f32],
    first: usize,
    n: usize,
) {
    let g = &g_row[j..j + W + R];
    // SAFETY (both loads and the store): 4 in-bounds f32s; v128 accesses need no alignment.
    let gv: [v128; W] = core::array::from_fn(|l| {
        if l < W / 4 { unsafe { v128_load(g[4 * l..4 * l + 4].as_ptr() as *const v128) } } else { f32x4_splat(0.0) }
    });
    for (&p, &v) in idx.iter().zip(val) {
        let (p, v): (u32, f32) = (p.into(), f32_of(value(v)));
        let row = &mut b[(p as usize - first) * n + j..][..W + R];
        let vv = f32x4_splat(v);
        for l in 0..W / 4 {
            let x = &mut row[4 * l..4 * l + 4];
            unsafe {
                let y = f32x4_relaxed_madd(vv, gv[l], v128_load(x.as_ptr() as *const v128));
                v128_store(x.as_mut_ptr() as *mut v128, y);
            }
        }
        for l in 0..R {
            row[W + l] += v * g[W + l];
        }
    }
}

/// `s` as a slice of `U` when `T` is `U` (the f32-only SIMD kernels' way in).
#[inline(always)]
pub(super) fn same_type<T: 'static, U: 'static>(s: &[T]) -> Option<&[U]> {
    if core::any::TypeId::of::<T>() == core::any::TypeId::of::<U>() {
        // SAFETY: T and U are the same type, so the layout is identical.
        Some(unsafe { &*(s as *const [T] as *const [U]) })
    } else {
        None
    }
}

/// [`same_type`] for a mutable slice.
#[inline(always)]
pub(super) fn same_type_mut<T: 'static, U: 'static>(s: &mut [T]) -> Option<&mut [U]> {
    if core::any::TypeId::of::<T>() == core::any::TypeId::of::<U>() {
        // SAFETY: T and U are the same type, so the layout is identical.
        Some(unsafe { &mut *(s as *mut [T] as *mut [U]) })
    } else {
        None
    }
}
