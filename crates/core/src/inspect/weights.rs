//! The weights as pictures: each hidden unit's column of W1 as a tile of the
//! image's shape (its 784 weights as 28 × 28: what the unit looks for), and W2
//! as a heat map of hidden units × classes, with the scales they are drawn by.
//!
//! Both are drawn with a diverging colour map centred on 0, one scale per
//! matrix. W2's is its largest |w|. W1's is the 99th percentile of |w| over
//! the tiles ([`W1_QUANTILE`]): a trained W1 has a few weights several times
//! larger than the rest (measured on the book's run: the largest |w| 0.35,
//! 99% of them within 0.1), and a scale set by those few would draw every
//! tile pale. The page states the scale and the largest |w| both.

use alloc::vec::Vec;

use crate::float::Float;
use crate::matrix::Matrix;

/// Tiles shown at most: the first this many hidden units (a 10 000-unit net
/// would otherwise send 31 MB a refresh for tiles too small to see).
pub const MAX_TILES: usize = 400;

/// The share of W1's weights (in the tiles) whose |w| is within the tiles' colour scale.
pub const W1_QUANTILE: f64 = 0.99;

/// W1 and W2 ready to draw (see the module's text).
#[derive(Clone, Debug, PartialEq)]
pub struct WeightView {
    /// Rows and columns of a tile (the images' shape: 28 × 28 for MNIST).
    pub rows: usize,
    /// Columns of a tile.
    pub cols: usize,
    /// Hidden units in the net.
    pub hidden: usize,
    /// Classes (W2's columns).
    pub output: usize,
    /// Tiles given: min(hidden, [`MAX_TILES`]), the first units.
    pub shown: usize,
    /// `shown` tiles of `rows × cols`, one after another: tile `u`, pixel `p`
    /// is W1\[p\]\[u\] (W1's column u, which multiplies the image's pixels).
    pub tiles: Vec<f32>,
    /// Each shown unit's smallest weight.
    pub unit_min: Vec<f32>,
    /// Each shown unit's largest weight.
    pub unit_max: Vec<f32>,
    /// The tiles' colour scale: the [`W1_QUANTILE`] quantile of |w| over the
    /// tiles (the largest |w| if that is 0; 1 if all are 0).
    pub w1_scale: f32,
    /// The largest |w| in all of W1.
    pub w1_max: f32,
    /// W2, `hidden × output`, row-major as in the net.
    pub w2: Vec<f32>,
    /// The largest |w| in W2: the heat map's colour scale.
    pub w2_scale: f32,
}

impl WeightView {
    /// The view of `w1` (`rows · cols` × hidden) and `w2` (hidden × output).
    ///
    /// # Panics
    /// If the shapes do not chain (`w1`'s rows ≠ rows · cols, or its columns ≠ `w2`'s rows).
    pub fn new<T: Float>(w1: &Matrix<T>, w2: &Matrix<T>, rows: usize, cols: usize) -> Self {
        let (input, hidden) = (w1.rows(), w1.cols());
        assert_eq!(input, rows * cols, "WeightView: W1 has {input} rows, images {rows} × {cols} pixels");
        assert_eq!(w2.rows(), hidden, "WeightView: W1 has {hidden} columns, W2 {} rows", w2.rows());
        let shown = hidden.min(MAX_TILES);
        let w = w1.as_slice();
        let mut tiles = Vec::with_capacity(shown * input);
        let (mut unit_min, mut unit_max) = (Vec::with_capacity(shown), Vec::with_capacity(shown));
        for u in 0..shown {
            let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
            for p in 0..input {
                let v = w[p * hidden + u].to_f64() as f32;
                lo = lo.min(v);
                hi = hi.max(v);
                tiles.push(v);
            }
            unit_min.push(lo);
            unit_max.push(hi);
        }
        let w2v: Vec<f32> = w2.as_slice().iter().map(|v| v.to_f64() as f32).collect();
        Self {
            rows,
            cols,
            hidden,
            output: w2.cols(),
            shown,
            unit_min,
            unit_max,
            w1_scale: scale_of(&tiles),
            w1_max: max_abs(w),
            w2_scale: max_abs(w2.as_slice()),
            tiles,
            w2: w2v,
        }
    }

    /// Tile `u` (`rows × cols` weights).
    pub fn tile(&self, u: usize) -> &[f32] {
        let n = self.rows * self.cols;
        &self.tiles[u * n..(u + 1) * n]
    }
}

/// The tiles' colour scale (see [`WeightView::w1_scale`]).
fn scale_of(tiles: &[f32]) -> f32 {
    let mut a: Vec<f32> = tiles.iter().map(|v| v.abs()).filter(|v| !v.is_nan()).collect();
    if a.is_empty() {
        return 1.0;
    }
    let k = (((a.len() - 1) as f64) * W1_QUANTILE) as usize;
    let (_, q, _) = a.select_nth_unstable_by(k, f32::total_cmp);
    let q = *q;
    if q > 0.0 {
        q
    } else {
        let m = a.iter().copied().fold(0.0, f32::max);
        if m > 0.0 { m } else { 1.0 }
    }
}

/// The largest |v| as f32 (0 for none; a NaN is skipped).
fn max_abs<T: Float>(v: &[T]) -> f32 {
    v.iter().map(|x| x.to_f64().abs() as f32).fold(0.0, f32::max)
}
