//! The weights as pictures: each hidden unit's column of W1 as a tile of the
//! image's shape (its 784 weights as 28 × 28: what the unit looks for), and W2
//! as a heat map of hidden units × classes, with the scales they are drawn by.
//!
//! Both are drawn with a diverging colour map centred on 0, so one scale per
//! matrix: the largest |w| in it (every weight then falls inside the map, and
//! the scale the page states is the weight that gets the strongest colour).

use alloc::vec::Vec;

use crate::float::Float;
use crate::matrix::Matrix;

/// Tiles shown at most: the first this many hidden units (a 10 000-unit net
/// would otherwise send 31 MB a refresh for tiles too small to see).
pub const MAX_TILES: usize = 400;

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
    /// The largest |w| in all of W1: the tiles' colour scale.
    pub w1_scale: f32,
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
            tiles,
            unit_min,
            unit_max,
            w1_scale: max_abs(w),
            w2_scale: max_abs(w2.as_slice()),
            w2: w2v,
        }
    }

    /// Tile `u` (`rows × cols` weights).
    pub fn tile(&self, u: usize) -> &[f32] {
        let n = self.rows * self.cols;
        &self.tiles[u * n..(u + 1) * n]
    }
}

/// The largest |v| as f32 (0 for none; a NaN is skipped).
fn max_abs<T: Float>(v: &[T]) -> f32 {
    v.iter().map(|x| x.to_f64().abs() as f32).fold(0.0, f32::max)
}
