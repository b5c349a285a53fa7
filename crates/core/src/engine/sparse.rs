//! Sparse rows: images as lists of their nonzero pixels.
//!
//! About 81% of MNIST's pixels are 0. The first layer's product x·W1 and its
//! gradient xᵀ·dz1 only need the nonzero ones. When the data is loaded, each
//! image becomes a list of (column, pixel) pairs ([`PixelLists`]). A training
//! batch or a block of evaluation images is then a [`Picked`]: the images'
//! indices, read in place through the table p ↦ p / 255, with nothing copied.
//! [`SparseRows`] holds rows of (column, value) pairs for other sparse data
//! (and the plain products [`spmm`] that the tests compare against). No dense
//! float copy of a batch is ever made.
//! The terms summed are the same as in the dense kernels (which skip zeros
//! too); results agree to the last bit or two.

use alloc::collections::TryReserveError;
use alloc::vec;
use alloc::vec::Vec;

use crate::float::Float;
pub use crate::kernels::Col;
use crate::kernels::{sparse_row_scatter, sparse_row_times};

mod sealed {
    /// Only this crate's row types implement [`NonzeroRows`](super::NonzeroRows):
    /// the AVX-512 kernels trust what it reports.
    pub trait Sealed {}
    impl<T> Sealed for super::SparseRows<T> {}
    impl<T> Sealed for super::Picked<'_, T> {}
}

/// Rows of (column, value) pairs, columns increasing within a row, whose
/// values read as T through [`value`](Self::value): what the products with
/// W1 take. [`SparseRows`] stores T itself; [`Picked`] reads images straight
/// from their [`PixelLists`], a pixel byte through a table of 256 values, so
/// that a batch or a block of evaluation images is never copied.
///
/// Sealed: the products read W1 without bounds checks (AVX-512) on the word of
/// [`width`](Self::width), so only this crate's two types, which keep it
/// true, implement it.
pub trait NonzeroRows<T: Float>: sealed::Sealed {
    /// How a column is stored.
    type Col: Col;
    /// How a value is stored.
    type Val: Copy;
    /// Number of rows.
    fn rows(&self) -> usize;
    /// An upper bound on the columns: every column of every row is below it
    /// (the largest column + 1 for [`SparseRows`], the image size for
    /// [`Picked`]). The products check it against W1's rows once, and their
    /// unchecked loads rely on it.
    fn width(&self) -> usize;
    /// Row r: its columns and stored values (slices of one length).
    fn row(&self, r: usize) -> (&[Self::Col], &[Self::Val]);
    /// Whether every row's columns strictly increase. The products that split
    /// W's rows between two threads rely on it (each thread finds its rows'
    /// entries by binary search, and writes only the rows it owns); rows in
    /// another order are updated on one thread.
    fn increasing(&self) -> bool;
    /// What [`value`](Self::value) reads besides the stored value (the
    /// table, for pixels), handed to the kernels by value: a pointer they keep
    /// in a register, where one read through `&self` would be read again from
    /// memory after every store to W1.
    type Values: Copy;
    /// See [`Values`](Self::Values).
    fn values(&self) -> Self::Values;
    /// A stored value as T.
    fn value(values: Self::Values, v: Self::Val) -> T;
}

impl<T: Float> NonzeroRows<T> for SparseRows<T> {
    type Col = u32;
    type Val = T;
    fn rows(&self) -> usize {
        SparseRows::rows(self)
    }
    fn width(&self) -> usize {
        SparseRows::width(self)
    }
    fn row(&self, r: usize) -> (&[u32], &[T]) {
        SparseRows::row(self, r)
    }
    fn increasing(&self) -> bool {
        !self.unsorted
    }
    type Values = ();
    fn values(&self) {}
    #[inline(always)]
    fn value((): (), v: T) -> T {
        v
    }
}

/// Images of a [`PixelLists`] read in place, as `scale[pixel]`: either a
/// mini-batch (images named by index, repeats allowed) or a block of
/// consecutive images. Nothing is copied: a product reads each image's lists
/// where they are.
#[derive(Clone, Copy)]
pub struct Picked<'a, T> {
    lists: &'a PixelLists,
    picks: Picks<'a>,
    scale: &'a [T; 256],
}

#[derive(Clone, Copy)]
enum Picks<'a> {
    Some(&'a [usize]),
    Range { start: usize, len: usize },
}

impl<'a, T: Float> Picked<'a, T> {
    /// Images `picks` of `lists` (each < `lists.len()`, checked).
    pub fn new(lists: &'a PixelLists, picks: &'a [usize], scale: &'a [T; 256]) -> Self {
        assert!(picks.iter().all(|&i| i < lists.len()), "Picked: an index past the {} images", lists.len());
        Self { lists, picks: Picks::Some(picks), scale }
    }

    /// Images `start..start + len` of `lists` (checked).
    pub fn range(lists: &'a PixelLists, start: usize, len: usize, scale: &'a [T; 256]) -> Self {
        assert!(
            start.checked_add(len).is_some_and(|end| end <= lists.len()),
            "Picked: images {start}..{} of {}",
            start.saturating_add(len),
            lists.len()
        );
        Self { lists, picks: Picks::Range { start, len }, scale }
    }

    /// Rows `..m` and rows `m..` (`m` ≤ the rows, checked): two halves of a
    /// batch for two threads.
    pub fn split_at(&self, m: usize) -> (Self, Self) {
        let (a, b) = match self.picks {
            Picks::Some(p) => {
                let (a, b) = p.split_at(m);
                (Picks::Some(a), Picks::Some(b))
            }
            Picks::Range { start, len } => {
                assert!(m <= len, "Picked::split_at: row {m} of {len}");
                (Picks::Range { start, len: m }, Picks::Range { start: start + m, len: len - m })
            }
        };
        (Self { picks: a, ..*self }, Self { picks: b, ..*self })
    }

    /// The number of nonzero pixels over the rows.
    pub fn nnz(&self) -> usize {
        (0..NonzeroRows::<T>::rows(self)).map(|r| NonzeroRows::<T>::row(self, r).0.len()).sum()
    }
}

/// The rows it names, not the lists and table it reads (31 MB for MNIST).
impl<T> core::fmt::Debug for Picked<'_, T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let mut d = f.debug_struct("Picked");
        match self.picks {
            Picks::Some(p) => d.field("images", &p),
            Picks::Range { start, len } => d.field("images", &(start..start + len)),
        };
        d.field("of", &self.lists.len()).finish()
    }
}

impl<'a, T: Float> NonzeroRows<T> for Picked<'a, T> {
    type Col = u16;
    type Val = u8;
    fn rows(&self) -> usize {
        match self.picks {
            Picks::Some(p) => p.len(),
            Picks::Range { len, .. } => len,
        }
    }
    fn width(&self) -> usize {
        self.lists.width()
    }
    /// Always: an image's list is built in pixel order.
    fn increasing(&self) -> bool {
        true
    }
    #[inline]
    fn row(&self, r: usize) -> (&[u16], &[u8]) {
        let i = match self.picks {
            Picks::Some(p) => p[r],
            Picks::Range { start, len } => {
                assert!(r < len, "Picked: row {r} of {len}");
                start + r
            }
        };
        self.lists.image(i)
    }
    type Values = &'a [T; 256];
    fn values(&self) -> &'a [T; 256] {
        self.scale
    }
    #[inline(always)]
    fn value(scale: &'a [T; 256], v: u8) -> T {
        scale[v as usize]
    }
}

/// Rows of a sparse matrix (compressed sparse rows): row r holds the pairs
/// `(idx[q], val[q])` for q in `offsets[r]..offsets[r + 1]`, columns increasing.
///
/// `idx` and `val` only ever grow: entries past the last offset are stale
/// scratch, so refilling the rows costs no zeroing and no allocation.
#[derive(Clone, Debug)]
pub struct SparseRows<T> {
    offsets: Vec<u32>,
    idx: Vec<u32>,
    val: Vec<T>,
    /// Scratch for [`SparseRows::transpose_into`], kept to avoid allocating per call.
    next: Vec<u32>,
    /// One past the largest column of any row (0 when there are no entries).
    width: u32,
    /// Whether some row's columns do not strictly increase ([`push_list`](Self::push_list)
    /// takes them in any order).
    unsorted: bool,
}

impl<T: Float> Default for SparseRows<T> {
    fn default() -> Self {
        Self::with_capacity(0, 0)
    }
}

impl<T: Float> SparseRows<T> {
    /// Empty, with room for `rows` rows and `nnz` nonzeros before any allocation.
    pub fn with_capacity(rows: usize, nnz: usize) -> Self {
        let mut offsets = Vec::with_capacity(rows + 1);
        offsets.push(0);
        Self { offsets, idx: vec![0; nnz], val: vec![T::ZERO; nnz], next: Vec::new(), width: 0, unsorted: false }
    }

    /// Removes every row, keeping the memory.
    pub fn clear(&mut self) {
        self.offsets.truncate(1);
        self.width = 0;
        self.unsorted = false;
    }

    /// One past the largest column of any row (0 without entries): what a
    /// product checks its operand against once, instead of row by row.
    pub fn width(&self) -> usize {
        self.width as usize
    }

    /// Ends the row whose entries run up to `end`. The width takes the row's
    /// largest column, whatever the order: the panel kernels' bounds rest on it.
    /// A row whose columns do not strictly increase is noted: the products
    /// that split W's rows between two threads rely on the order.
    fn end_row(&mut self, end: usize) {
        let start = self.nnz();
        let row = &self.idx[start..end];
        if let Some(&max) = row.iter().max() {
            self.width = self.width.max(max + 1);
        }
        self.unsorted |= row.windows(2).any(|w| w[0] >= w[1]);
        self.offsets.push(end as u32);
    }

    /// Makes room for `extra` more entries after the stored ones.
    fn reserve_entries(&mut self, extra: usize) {
        let need = self.nnz() + extra;
        if self.idx.len() < need {
            self.idx.resize(need, 0);
            self.val.resize(need, T::ZERO);
        }
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.offsets.len() - 1
    }

    /// Number of stored nonzeros.
    pub fn nnz(&self) -> usize {
        self.offsets[self.offsets.len() - 1] as usize
    }

    /// Row r: its columns and values.
    pub fn row(&self, r: usize) -> (&[u32], &[T]) {
        let (s, e) = (self.offsets[r] as usize, self.offsets[r + 1] as usize);
        (&self.idx[s..e], &self.val[s..e])
    }

    /// Appends one image: the nonzero pixels p of `pixels`, as `scale[p]`.
    pub fn push_pixels(&mut self, pixels: &[u8], scale: &[T; 256]) {
        let start = self.nnz();
        self.reserve_entries(pixels.len());
        let (idx, val) = (&mut self.idx[start..], &mut self.val[start..]);
        let mut n = 0;
        for_each_nonzero(pixels, |j, p| {
            idx[n] = j as u32;
            val[n] = scale[p as usize];
            n += 1;
        });
        self.end_row(start + n);
    }

    /// Appends one image given as its nonzero list (from [`PixelLists::image`]).
    pub fn push_list(&mut self, (cols, pixels): (&[u16], &[u8]), scale: &[T; 256]) {
        assert_eq!(cols.len(), pixels.len(), "push_list: {} columns and {} pixels", cols.len(), pixels.len());
        let start = self.nnz();
        self.reserve_entries(cols.len());
        for ((i, v), (&j, &p)) in self.idx[start..].iter_mut().zip(&mut self.val[start..]).zip(cols.iter().zip(pixels))
        {
            *i = j as u32;
            *v = scale[p as usize];
        }
        self.end_row(start + cols.len());
    }

    /// Appends one dense row, keeping its nonzeros.
    pub fn push_dense(&mut self, row: &[T]) {
        let start = self.nnz();
        self.reserve_entries(row.len());
        let mut n = start;
        for (j, &v) in row.iter().enumerate() {
            if v != T::ZERO {
                self.idx[n] = j as u32;
                self.val[n] = v;
                n += 1;
            }
        }
        self.end_row(n);
    }

    /// Writes the transpose into `out`, as `cols` rows: row j lists (r, v) for
    /// every row r of `self` holding v ≠ 0 in column j, r increasing
    /// (a counting sort; `out` keeps its memory between calls).
    pub fn transpose_into(&self, cols: usize, out: &mut SparseRows<T>) {
        // Checked before `out` changes: a panic half way would leave it
        // claiming a width its stale entries exceed.
        assert!(self.width() <= cols, "transpose_into: column {} past {cols} columns", self.width().saturating_sub(1));
        out.offsets.clear();
        out.offsets.resize(cols + 1, 0);
        out.width = if self.nnz() > 0 { self.rows() as u32 } else { 0 };
        out.unsorted = false;
        for &j in &self.idx[..self.nnz()] {
            out.offsets[j as usize + 1] += 1;
        }
        for j in 0..cols {
            out.offsets[j + 1] += out.offsets[j];
        }
        let nnz = self.nnz();
        if out.idx.len() < nnz {
            out.idx.resize(nnz, 0);
            out.val.resize(nnz, T::ZERO);
        }
        // `next[j]`: where column j's next entry goes.
        out.next.clear();
        out.next.extend_from_slice(&out.offsets[..cols]);
        for r in 0..self.rows() {
            let (idx, val) = self.row(r);
            for (&j, &v) in idx.iter().zip(val) {
                let at = &mut out.next[j as usize];
                out.idx[*at as usize] = r as u32;
                out.val[*at as usize] = v;
                *at += 1;
            }
        }
    }
}

/// C ← A·B for a sparse A of m rows (columns < k), B (k, n) and C (m, n).
pub fn spmm<T: Float>(a: &SparseRows<T>, b: &[T], n: usize, c: &mut [T]) {
    let m = a.rows();
    assert!(c.len() >= m * n, "spmm: C holds {} elements, needs {m}×{n}", c.len());
    check_columns(a, b.len(), n, "spmm");
    for (r, c_row) in c.chunks_exact_mut(n.max(1)).take(m).enumerate() {
        c_row.fill(T::ZERO);
        let (idx, val) = a.row(r);
        sparse_row_times(idx, val, |v| v, b, n, n, c_row);
    }
}

/// B ← B + Aᵀ·G for a sparse A of m rows (columns < k), G (m, n) and B (k, n),
/// without forming Aᵀ: row r of G is added, times each nonzero of row r of A,
/// to the row of B that nonzero's column names. The same terms as
/// `spmm(Aᵀ, G)`, summed into B in row order of A instead.
pub fn spmm_tn_add<T: Float>(a: &SparseRows<T>, g: &[T], n: usize, b: &mut [T]) {
    let m = a.rows();
    assert!(g.len() >= m * n, "spmm_tn_add: G holds {} elements, needs {m}×{n}", g.len());
    check_columns(a, b.len(), n, "spmm_tn_add");
    for (r, g_row) in g.chunks_exact(n.max(1)).take(m).enumerate() {
        let (idx, val) = a.row(r);
        sparse_row_scatter(idx, val, |v| v, g_row, b, 0, n, n);
    }
}

/// Panics unless every column of A names a row of B (`b_len` elements, rows of n):
/// one check of A's width, before any row.
fn check_columns<T: Float>(a: &SparseRows<T>, b_len: usize, n: usize, what: &str) {
    let width = a.width();
    assert!(width * n <= b_len, "{what}: column {} is past B's {} rows", width.saturating_sub(1), b_len / n.max(1));
}

/// Calls `f(column, pixel)` for every nonzero byte of `pixels`, in order.
///
/// Pixels are read 8 at a time as a u64; a word of zeros (most of an MNIST
/// image's border) is skipped with one compare, and in the others a mask with
/// the top bit of each nonzero byte set is walked bit by bit, so the loop runs
/// once per nonzero pixel with no unpredictable branch.
#[inline(always)]
fn for_each_nonzero(pixels: &[u8], mut f: impl FnMut(usize, u8)) {
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = pixels.chunks_exact(8);
    for (w, chunk) in chunks.by_ref().enumerate() {
        let word = u64::from_le_bytes([chunk[0], chunk[1], chunk[2], chunk[3], chunk[4], chunk[5], chunk[6], chunk[7]]);
        // top bit of byte b set ⇔ byte b ≠ 0
        let mut mask = (((word & LOW7) + LOW7) | word) & HIGH;
        while mask != 0 {
            let b = (mask.trailing_zeros() / 8) as usize;
            f(w * 8 + b, chunk[b]);
            mask &= mask - 1;
        }
    }
    let base = pixels.len() - chunks.remainder().len();
    for (j, &p) in chunks.remainder().iter().enumerate() {
        if p != 0 {
            f(base + j, p);
        }
    }
}

/// Every image of a set as the list of its nonzero pixels: column as `u16`,
/// value as `u8` (3 bytes a pixel, about 31 MB for all of MNIST against 55 MB
/// of raw pixels). Built once when the data is loaded; every training batch
/// and every evaluation then reads the lists in place ([`Picked`]) instead of
/// scanning 784 bytes an image again and again.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PixelLists {
    offsets: Vec<usize>,
    cols: Vec<u16>,
    pixels: Vec<u8>,
    /// The most pixels an image was given with: every column is below it.
    width: usize,
}

impl PixelLists {
    /// Most pixels an image may have: columns are stored as `u16`.
    pub const MAX_PIXELS: usize = 1 << 16;

    /// Bytes the lists hold (what they count against the memory budget).
    pub fn memory_bytes(&self) -> usize {
        self.offsets.capacity() * core::mem::size_of::<usize>() + self.cols.capacity() * 2 + self.pixels.capacity()
    }

    /// The lists of `count` images of `pixel_count` pixels each, stored back to back.
    /// Panics if `pixel_count` exceeds [`Self::MAX_PIXELS`] (checked where data enters).
    pub fn new(pixels: &[u8], pixel_count: usize) -> Self {
        let mut lists = Self::default();
        let count = pixels.len().checked_div(pixel_count).unwrap_or(0);
        // Best effort: without the room, pushing grows the vectors as usual.
        let _ = lists.reserve_exact(count, pixels.iter().filter(|&&p| p != 0).count());
        lists.push_images(pixels, pixel_count);
        lists
    }

    /// Appends the lists of the whole images in `pixels` (`pixel_count` each; a
    /// partial image at the end is ignored). Building the lists piece by piece
    /// never holds all the raw pixels at once (the page's evaluation worker
    /// keeps nothing else).
    pub fn push_images(&mut self, pixels: &[u8], pixel_count: usize) {
        assert!(
            pixel_count <= Self::MAX_PIXELS,
            "PixelLists: {pixel_count} pixels an image, at most {}",
            Self::MAX_PIXELS
        );
        if self.offsets.is_empty() {
            self.offsets.push(0);
        }
        let count = pixels.len().checked_div(pixel_count).unwrap_or(0);
        if count > 0 {
            self.width = self.width.max(pixel_count);
        }
        for image in pixels.chunks_exact(pixel_count.max(1)).take(count) {
            for_each_nonzero(image, |j, p| {
                self.cols.push(j as u16);
                self.pixels.push(p);
            });
            self.offsets.push(self.cols.len());
        }
    }

    /// Makes room for `images` more images holding `nonzeros` nonzero pixels
    /// in all, exactly (no doubling): for building the lists piece by piece
    /// with [`push_images`](Self::push_images) in no more memory than they need.
    /// Fails, changing nothing that matters, when the memory cannot be had.
    pub fn reserve_exact(&mut self, images: usize, nonzeros: usize) -> Result<(), TryReserveError> {
        self.offsets.try_reserve_exact(images.saturating_add(usize::from(self.offsets.is_empty())))?;
        self.cols.try_reserve_exact(nonzeros)?;
        self.pixels.try_reserve_exact(nonzeros)
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.offsets.len().saturating_sub(1)
    }

    /// More than any column of any image: the most pixels an image was given with.
    pub fn width(&self) -> usize {
        self.width
    }

    /// Whether there are no images.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Image `i`: the columns and values of its nonzero pixels.
    pub fn image(&self, i: usize) -> (&[u16], &[u8]) {
        let (s, e) = (self.offsets[i], self.offsets[i + 1]);
        (&self.cols[s..e], &self.pixels[s..e])
    }

    /// Reads one byte of every cache line that image `i`'s lists occupy and
    /// returns their sum (pass it to `core::hint::black_box`). Touching the
    /// images of a batch this way first, all of them, lets their cache misses
    /// overlap: reading the lists one image after another would wait for each
    /// image's first miss in turn (a batch's images are scattered over 31 MB,
    /// so most of them are in no cache). Plain loads, so it works the same in
    /// wasm, which has no prefetch instruction.
    #[inline]
    pub fn touch(&self, i: usize) -> u32 {
        const LINE: usize = 64;
        let (s, e) = (self.offsets[i], self.offsets[i + 1]);
        let mut sum = 0u32;
        for q in (s..e).step_by(LINE / 2) {
            sum = sum.wrapping_add(u32::from(self.cols[q]));
        }
        for q in (s..e).step_by(LINE) {
            sum = sum.wrapping_add(u32::from(self.pixels[q]));
        }
        sum
    }

    /// Asks the CPU to bring image `i`'s lists towards its caches (into L2)
    /// without waiting for them: a hint, which changes no result. The trainer
    /// asks for the next batch's images while the current batch trains, so that
    /// drawing it finds them close. A no-op where there is no prefetch
    /// instruction (wasm), or off x86-64.
    #[inline]
    pub fn prefetch(&self, i: usize) {
        #[cfg(target_arch = "x86_64")]
        {
            use core::arch::x86_64::{_MM_HINT_T1, _mm_prefetch};
            const LINE: usize = 64;
            let (s, e) = (self.offsets[i], self.offsets[i + 1]);
            let (cols, pixels) = (self.cols[s..e].as_ptr() as *const i8, self.pixels[s..e].as_ptr() as *const i8);
            // SAFETY: prefetching is a hint and never faults; every address is in (or one line
            // past the start of) the slices above. SSE is part of x86-64.
            unsafe {
                for off in (0..(e - s) * 2).step_by(LINE) {
                    _mm_prefetch::<_MM_HINT_T1>(cols.add(off));
                }
                for off in (0..e - s).step_by(LINE) {
                    _mm_prefetch::<_MM_HINT_T1>(pixels.add(off));
                }
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = i;
    }

    /// Nonzero pixels over all images.
    pub fn nnz(&self) -> usize {
        self.cols.len()
    }
}
