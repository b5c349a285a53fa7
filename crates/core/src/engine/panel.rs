//! The first layer's weights in the layout its two sparse products want.
//!
//! Training spends most of its time in two products with W1 (784 × 50 for the
//! book's net): a1 = x·W1, which reads one row of W1 for every nonzero pixel of
//! the batch, and the update W1 ← W1 − η·xᵀ·dz1, which reads and writes one
//! row for every nonzero pixel. Stored row after row, W1's rows are 200 bytes
//! (f32), so most of them start inside a cache line and most vector loads and
//! stores straddle two lines. A [`Panel`] pads each row to a whole number of
//! 64-byte cache lines and starts the first one on a line boundary, so that
//! every row is a few aligned vectors: 4 AVX-512 registers, or 13 simd128
//! vectors for the 52 columns the page's wasm reads (50 rounded up to 4).
//!
//! The update walks W1 in bands of rows ([`BAND_BYTES`] each): for each band,
//! every image's pixels inside it, then the next band. A band stays in the
//! core's caches while all 100 images visit it. (Banding the forward product
//! measured no gain.)
//!
//! The terms are those of [`spmm`](crate::engine::sparse::spmm) and
//! [`spmm_tn_add`](crate::engine::sparse::spmm_tn_add), added in the same order for
//! every element. Natively (with FMA, as this workspace builds) the results
//! are the same to the bit (tested). In the relaxed-SIMD wasm build the last
//! columns of a row may round differently, as whole vectors here and as
//! scalars there; the training loop and every evaluation use the panel, so
//! they agree with each other. On x86-64 with AVX-512 (found at run time,
//! `std` builds) the products run as AVX-512 kernels; elsewhere as the
//! portable register-blocked kernels of [`kernels`](crate::kernels).

use alloc::vec;
use alloc::vec::Vec;

use crate::engine::pair::Pair;
use crate::engine::sparse::NonzeroRows;
use crate::float::Float;
use crate::kernels::{Col, PORTABLE_MAX, sparse_row_scatter, sparse_row_times, whole_vectors};
use crate::matrix::Matrix;

/// Most bytes of W1 visited by all the rows of a batch before the next band:
/// about twice the 48 KB level-1 data cache of the machine this was tuned on
/// (two bands for the book's f32 W1: measured best of 1, 2, 3, 4, 6 and 8).
pub const BAND_BYTES: usize = 100 * 1024;

/// A rows × cols row-major matrix whose rows are padded to whole 64-byte lines
/// (`stride` elements apart), the first starting on a 64-byte boundary. The
/// padding holds zeros.
#[derive(Debug, Default)]
pub struct Panel<T> {
    rows: usize,
    cols: usize,
    stride: usize,
    /// Where row 0 starts in `data` (the first 64-byte boundary).
    start: usize,
    data: Vec<T>,
}

impl<T: Float> Panel<T> {
    /// Elements in a 64-byte line.
    const LINE: usize = 64 / core::mem::size_of::<T>();

    /// A rows × cols panel of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        let stride = cols.div_ceil(Self::LINE).checked_mul(Self::LINE);
        // One line of slack so that row 0 can start on a boundary. An impossible
        // size panics here rather than wrapping (the AVX-512 kernels trust it).
        let len = stride.and_then(|s| rows.checked_mul(s)).and_then(|n| n.checked_add(Self::LINE));
        let (Some(stride), Some(len)) = (stride, len) else {
            panic!("Panel: {rows} × {cols} is too large");
        };
        let data = vec![T::ZERO; len];
        let start = data.as_ptr().align_offset(64);
        assert!(start < Self::LINE, "Panel: cannot align the rows");
        Self { rows, cols, stride, start, data }
    }

    /// The panel holding `m`.
    pub fn from_matrix(m: &Matrix<T>) -> Self {
        let mut p = Self::zeros(m.rows(), m.cols());
        p.load(m);
        p
    }

    /// Copies `m` in (reshaping the panel if `m` has another shape).
    pub fn load(&mut self, m: &Matrix<T>) {
        if (m.rows(), m.cols()) != (self.rows, self.cols) {
            *self = Self::zeros(m.rows(), m.cols());
        }
        let (cols, stride) = (self.cols, self.stride);
        for (dst, src) in self.rows_mut().chunks_exact_mut(stride.max(1)).zip(m.as_slice().chunks_exact(cols.max(1))) {
            dst[..cols].copy_from_slice(src);
        }
    }

    /// Copies the panel out into `m`, which must have its shape.
    pub fn store(&self, m: &mut Matrix<T>) {
        assert_eq!((m.rows(), m.cols()), (self.rows, self.cols), "Panel::store: shapes differ");
        let (cols, stride) = (self.cols, self.stride);
        for (dst, src) in m.as_mut_slice().chunks_exact_mut(cols.max(1)).zip(self.as_rows().chunks_exact(stride.max(1)))
        {
            dst.copy_from_slice(&src[..cols]);
        }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Elements from one row's start to the next's (a multiple of 64 bytes).
    pub fn stride(&self) -> usize {
        self.stride
    }

    /// The rows, `stride` elements each, padding included.
    pub fn as_rows(&self) -> &[T] {
        &self.data[self.start..self.start + self.rows * self.stride]
    }

    fn rows_mut(&mut self) -> &mut [T] {
        let (s, len) = (self.start, self.rows * self.stride);
        &mut self.data[s..s + len]
    }

    /// Rows `first..end` as one job's share of the update.
    fn rows_of(&mut self, first: usize, end: usize) -> RowsMut<'_, T> {
        let (cols, stride, band) = (self.cols, self.stride, self.band());
        let s = self.start + first * stride;
        RowsMut { b: &mut self.data[s..s + (end - first) * stride], first, end, cols, stride, band }
    }

    /// The two halves of the rows (the first half rounded down), each handed once.
    fn halves(&mut self) -> (Once<'_, T>, Once<'_, T>) {
        let (rows, cols, stride, band) = (self.rows, self.cols, self.stride, self.band());
        let mid = rows / 2;
        let (a, b) = self.data[self.start..self.start + rows * stride].split_at_mut(mid * stride);
        (
            Once(Some(RowsMut { b: a, first: 0, end: mid, cols, stride, band })),
            Once(Some(RowsMut { b, first: mid, end: rows, cols, stride, band })),
        )
    }

    /// Columns the portable kernels compute: [`whole_vectors`] of `cols`
    /// (within the padding, which a whole line always holds).
    fn portable_cols(&self) -> usize {
        whole_vectors(self.cols).min(self.stride)
    }

    /// Rows per band: the rows split evenly into as few bands as keep each
    /// within [`BAND_BYTES`] (two bands of 392 rows for the book's f32 W1).
    fn band(&self) -> usize {
        let bytes = self.rows * self.stride * core::mem::size_of::<T>();
        self.rows.div_ceil(bytes.div_ceil(BAND_BYTES).max(1)).max(1)
    }
}

/// A copy is aligned afresh (a derived `Clone` would copy the offset of the
/// old allocation's first line into a new one).
impl<T: Float> Clone for Panel<T> {
    fn clone(&self) -> Self {
        let mut p = Self::zeros(self.rows, self.cols);
        p.rows_mut().copy_from_slice(self.as_rows());
        p
    }
}

/// The first position in `idx` (increasing) holding a value ≥ `x`: a binary
/// search whose steps are conditional moves, not branches (a branchy search
/// mispredicts about every other step, which cost more than the products
/// gained from banding).
#[inline(always)]
fn lower_bound<C: Col>(idx: &[C], x: u32) -> usize {
    if idx.is_empty() {
        return 0;
    }
    let (mut base, mut size) = (0, idx.len());
    while size > 1 {
        let half = size / 2;
        base = if idx[base + half].into() < x { base + half } else { base };
        size -= half;
    }
    base + usize::from(idx[base].into() < x)
}

/// Calls `f(r, s, e)` for every row r of `x` and every band of `band` rows of
/// W within rows `lo..hi`, band after band, with `s..e` the range of row r's
/// entries whose column lies in the band. Rows go in chunks of 256 (all bands
/// for one chunk, then the next), so the entries reaching any one row of W
/// still come in the order of x's rows. The segments come from binary
/// searches, so they need rows whose columns strictly increase
/// ([`NonzeroRows::increasing`]); other rows are taken whole, in one band
/// (the callers then pass all of W's rows).
#[inline(always)]
fn for_band_segments<T: Float, X: NonzeroRows<T>>(
    x: &X,
    (lo, hi): (usize, usize),
    band: usize,
    mut f: impl FnMut(usize, usize, usize),
) {
    let band = if x.increasing() { band } else { hi - lo };
    const CHUNK: usize = 256;
    let m = x.rows();
    let mut cur = [0u32; CHUNK];
    for r0 in (0..m).step_by(CHUNK) {
        let r1 = (r0 + CHUNK).min(m);
        for (r, c) in (r0..r1).zip(&mut cur) {
            *c = if lo == 0 { 0 } else { lower_bound(x.row(r).0, lo as u32) as u32 };
        }
        let mut b0 = lo;
        while b0 < hi {
            let b1 = (b0 + band).min(hi);
            for r in r0..r1 {
                let idx = x.row(r).0;
                let s = cur[r - r0] as usize;
                let e = if b1 >= x.width() { idx.len() } else { s + lower_bound(&idx[s..], b1 as u32) };
                f(r, s, e);
                cur[r - r0] = e as u32;
            }
            b0 = b1;
        }
    }
}

/// The closure a kernel reads `x`'s stored values through: its table (or
/// nothing) captured by value, so that it stays in a register.
#[inline(always)]
fn value_of<T: Float, X: NonzeroRows<T>>(x: &X) -> impl Fn(X::Val) -> T + Copy {
    let values = x.values();
    move |v| X::value(values, v)
}

fn check<T: Float, X: NonzeroRows<T>>(x: &X, w: &Panel<T>, other: usize, what: &str) {
    let m = x.rows();
    assert!(m.checked_mul(w.cols).is_some_and(|need| other >= need), "{what}: {other} elements, needs {m}×{}", w.cols);
    assert!(x.width() <= w.rows, "{what}: column {} is past W's {} rows", x.width().saturating_sub(1), w.rows);
}

/// C ← X·W for sparse X (m rows, columns < `w.rows()`) and C (m, `w.cols()`):
/// [`spmm`](crate::engine::sparse::spmm) on a panel, the same sums in the same order.
pub fn spmm<T: Float, X: NonzeroRows<T>>(x: &X, w: &Panel<T>, c: &mut [T]) {
    check(x, w, c.len(), "panel::spmm");
    let n = w.cols;
    let c = &mut c[..x.rows() * n];
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    if avx512::available() && avx512::spmm(x, w, c) {
        return;
    }
    spmm_portable(x, w, c);
}

/// W ← W + Xᵀ·G for sparse X (m rows, columns < `w.rows()`) and G (m, `w.cols()`):
/// [`spmm_tn_add`](crate::engine::sparse::spmm_tn_add) on a panel, the same terms added
/// to each element in the same order.
pub fn spmm_tn_add<T: Float, X: NonzeroRows<T>>(x: &X, g: &[T], w: &mut Panel<T>) {
    check(x, w, g.len(), "panel::spmm_tn_add");
    let all = w.rows;
    tn_add_rows(x, g, w.rows_of(0, all));
}

/// [`spmm_tn_add`] as two jobs of `pair`, one for each half of W's rows: each
/// element of W still gets its terms in the same order, so the result is the
/// same to the bit, on one thread or two.
///
/// Rows of `x` whose columns do not strictly increase are updated on this
/// thread alone (the split finds each half's entries by binary search).
pub fn spmm_tn_add_pair<T: Float, X: NonzeroRows<T> + Sync>(x: &X, g: &[T], w: &mut Panel<T>, pair: &dyn Pair) {
    check(x, w, g.len(), "panel::spmm_tn_add_pair");
    tn_add_halves(x, g, w, pair, tn_add_rows);
}

/// [`spmm_tn_add_pair`] with the portable kernels (for tests: the dispatcher
/// picks AVX-512 where the CPU has it).
#[doc(hidden)]
pub fn spmm_tn_add_pair_portable<T: Float, X: NonzeroRows<T> + Sync>(
    x: &X,
    g: &[T],
    w: &mut Panel<T>,
    pair: &dyn Pair,
) {
    check(x, w, g.len(), "panel::spmm_tn_add_pair_portable");
    tn_add_halves(x, g, w, pair, tn_add_portable);
}

/// `update` on each half of W's rows, one per job of `pair`; on all of them
/// here when x's columns are not increasing (the halves are found by binary
/// search).
fn tn_add_halves<T: Float, X: NonzeroRows<T> + Sync>(
    x: &X,
    g: &[T],
    w: &mut Panel<T>,
    pair: &dyn Pair,
    update: fn(&X, &[T], RowsMut<'_, T>),
) {
    if !x.increasing() {
        let all = w.rows;
        return update(x, g, w.rows_of(0, all));
    }
    let (mut lo, mut hi) = w.halves();
    pair.join(&mut || update(x, g, lo.take()), &mut || update(x, g, hi.take()));
}

/// Rows `first..end` of a panel, writable: what one job of the update owns.
struct RowsMut<'a, T> {
    b: &'a mut [T],
    first: usize,
    end: usize,
    cols: usize,
    stride: usize,
    band: usize,
}

/// A [`RowsMut`] handed once to a job that may run on another thread (an
/// `FnMut` cannot move out what it captured).
struct Once<'a, T>(Option<RowsMut<'a, T>>);

impl<'a, T> Once<'a, T> {
    fn take(&mut self) -> RowsMut<'a, T> {
        self.0.take().expect("a job runs once")
    }
}

/// Checks done, the update of the rows in `w` (every column of `x` that
/// falls inside them).
fn tn_add_rows<T: Float, X: NonzeroRows<T>>(x: &X, g: &[T], w: RowsMut<'_, T>) {
    #[cfg(all(feature = "std", target_arch = "x86_64"))]
    if avx512::available() {
        let w = match avx512::spmm_tn_add(x, g, w) {
            Ok(()) => return,
            Err(w) => w,
        };
        return tn_add_portable(x, g, w);
    }
    tn_add_portable(x, g, w);
}

/// The portable [`spmm`]: whole rows, each row's columns padded to 4 so that
/// simd128 reads only whole aligned vectors (the extra sums are dropped).
#[doc(hidden)]
pub fn spmm_portable<T: Float, X: NonzeroRows<T>>(x: &X, w: &Panel<T>, c: &mut [T]) {
    let value = value_of(x);
    let (n, stride, wide) = (w.cols, w.stride, w.portable_cols());
    let b = w.as_rows();
    let mut sums = [T::ZERO; PORTABLE_MAX];
    for (r, c_row) in c.chunks_exact_mut(n.max(1)).take(x.rows()).enumerate() {
        let (idx, val) = x.row(r);
        if wide > n {
            let s = &mut sums[..wide];
            s.fill(T::ZERO);
            sparse_row_times(idx, val, value, b, stride, wide, s);
            c_row.copy_from_slice(&s[..n]);
        } else {
            c_row.fill(T::ZERO);
            sparse_row_times(idx, val, value, b, stride, n, c_row);
        }
    }
}

/// The portable [`spmm_tn_add`], in bands of W's rows.
#[doc(hidden)]
pub fn spmm_tn_add_portable<T: Float, X: NonzeroRows<T>>(x: &X, g: &[T], w: &mut Panel<T>) {
    check(x, w, g.len(), "panel::spmm_tn_add_portable");
    let all = w.rows;
    tn_add_portable(x, g, w.rows_of(0, all));
}

fn tn_add_portable<T: Float, X: NonzeroRows<T>>(x: &X, g: &[T], w: RowsMut<'_, T>) {
    let value = value_of(x);
    let RowsMut { b, first, end, cols: n, stride, band } = w;
    let wide = whole_vectors(n).min(stride);
    // As in the forward product, each row of G padded with zeros to a multiple
    // of 4 columns (so the padding of W stays 0): whole simd128 vectors only.
    let mut padded = [T::ZERO; PORTABLE_MAX];
    let mut last = usize::MAX;
    for_band_segments(x, (first, end), band, |r, s, e| {
        let (idx, val) = x.row(r);
        let g_row = &g[r * n..(r + 1) * n];
        if wide > n {
            if last != r {
                padded[..n].copy_from_slice(g_row);
                last = r;
            }
            sparse_row_scatter(&idx[s..e], &val[s..e], value, &padded[..wide], b, first, stride, wide);
        } else {
            sparse_row_scatter(&idx[s..e], &val[s..e], value, g_row, b, first, stride, n);
        }
    });
}

/// The AVX-512 kernels of [`crate::kernels::x86_64`] on a panel, chosen at run time.
#[cfg(all(feature = "std", target_arch = "x86_64"))]
mod avx512 {
    use core::any::TypeId;

    use super::{Panel, RowsMut, for_band_segments, value_of};
    use crate::engine::sparse::NonzeroRows;
    use crate::float::{Float, same_type_value as same};
    pub(super) use crate::kernels::x86_64::available;
    use crate::kernels::x86_64::{f32s, f64s};

    /// `s` as `&[U]` when T is U.
    fn cast<T: 'static, U: 'static>(s: &[T]) -> Option<&[U]> {
        // SAFETY: T and U are the same type.
        (TypeId::of::<T>() == TypeId::of::<U>()).then(|| unsafe { &*(s as *const [T] as *const [U]) })
    }

    fn cast_mut<T: 'static, U: 'static>(s: &mut [T]) -> Option<&mut [U]> {
        // SAFETY: T and U are the same type.
        (TypeId::of::<T>() == TypeId::of::<U>()).then(|| unsafe { &mut *(s as *mut [T] as *mut [U]) })
    }

    /// Runs [`super::spmm`]; false if T is neither f32 nor f64 (never).
    pub(super) fn spmm<T: Float, X: NonzeroRows<T>>(x: &X, w: &Panel<T>, c: &mut [T]) -> bool {
        let value = value_of(x);
        let (n, stride) = (w.cols, w.stride);
        let b = w.as_rows();
        for (r, c_row) in c.chunks_exact_mut(n.max(1)).take(x.rows()).enumerate() {
            let (idx, val) = x.row(r);
            if let (Some(b), Some(c_row)) = (cast::<T, f32>(b), cast_mut(c_row)) {
                // SAFETY: AVX-512F is available (checked by the caller); every row
                // named in idx is < w.rows (checked), so each load stays in `b`.
                unsafe { f32s::times(idx, val, move |v| same(value(v)), b, stride, c_row) }
            } else if let (Some(b), Some(c_row)) = (cast::<T, f64>(b), cast_mut(c_row)) {
                // SAFETY: as above.
                unsafe { f64s::times(idx, val, move |v| same(value(v)), b, stride, c_row) }
            } else {
                return false;
            }
        }
        true
    }

    /// Runs the update of the rows in `w`; hands `w` back if T is neither
    /// f32 nor f64 (never).
    pub(super) fn spmm_tn_add<'a, T: Float, X: NonzeroRows<T>>(
        x: &X,
        g: &[T],
        w: RowsMut<'a, T>,
    ) -> Result<(), RowsMut<'a, T>> {
        if cast::<T, f32>(g).is_none() && cast::<T, f64>(g).is_none() {
            return Err(w);
        }
        let value = value_of(x);
        let RowsMut { b, first, end, cols: n, stride, band } = w;
        for_band_segments(x, (first, end), band, |r, s, e| {
            let (idx, val) = x.row(r);
            let (idx, val, g_row) = (&idx[s..e], &val[s..e], &g[r * n..(r + 1) * n]);
            if let (Some(g_row), Some(b)) = (cast::<T, f32>(g_row), cast_mut(&mut *b)) {
                // SAFETY: as in `spmm`, and every column in idx[s..e] lies in
                // first..end, the rows `b` holds (for_band_segments).
                unsafe { f32s::scatter(idx, val, move |v| same(value(v)), g_row, b, first, stride) }
            } else if let (Some(g_row), Some(b)) = (cast::<T, f64>(g_row), cast_mut(&mut *b)) {
                // SAFETY: as above.
                unsafe { f64s::scatter(idx, val, move |v| same(value(v)), g_row, b, first, stride) }
            }
        });
        Ok(())
    }
}
