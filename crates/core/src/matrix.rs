//! A dense, row-major matrix of [`Float`]s.
//!
//! Shape legend used throughout the crate: N = batch, I = input size (784),
//! H = hidden units (50), O = classes (10).

use alloc::vec;
use alloc::vec::Vec;
use core::ops::{Index, IndexMut};

use crate::float::Float;
use crate::kernels;

/// A dense row-major `rows × cols` matrix; element (i, j) lives at `data[i * cols + j]`.
#[derive(Clone, Debug, PartialEq)]
pub struct Matrix<T> {
    rows: usize,
    cols: usize,
    data: Vec<T>,
}

impl<T: Float> Matrix<T> {
    /// A `rows × cols` matrix of zeros.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self::filled(rows, cols, T::ZERO)
    }

    /// A `rows × cols` matrix with every element `v`.
    pub fn filled(rows: usize, cols: usize, v: T) -> Self {
        Self { rows, cols, data: vec![v; rows * cols] }
    }

    /// Wraps row-major `data`. Panics unless `data.len() == rows * cols`.
    pub fn from_vec(rows: usize, cols: usize, data: Vec<T>) -> Self {
        assert_eq!(
            data.len(),
            rows * cols,
            "Matrix::from_vec: {rows}×{cols} needs {} elements, got {}",
            rows * cols,
            data.len()
        );
        Self { rows, cols, data }
    }

    /// Builds a matrix from equal-length rows. Panics on ragged rows.
    pub fn from_rows<R: AsRef<[T]>>(rows: &[R]) -> Self {
        let cols = rows.first().map_or(0, |r| r.as_ref().len());
        let mut data = Vec::with_capacity(rows.len() * cols);
        for r in rows {
            assert_eq!(r.as_ref().len(), cols, "Matrix::from_rows: ragged rows");
            data.extend_from_slice(r.as_ref());
        }
        Self { rows: rows.len(), cols, data }
    }

    /// A 1 × n matrix: how the book treats a 1-D array passed where a batch is expected.
    pub fn row_vector(v: &[T]) -> Self {
        Self::from_vec(1, v.len(), v.to_vec())
    }

    /// One-hot rows for `labels`: row i has a 1 at column `labels[i]`.
    pub fn one_hot(labels: &[usize], classes: usize) -> Self {
        let mut m = Self::zeros(labels.len(), classes);
        for (i, &l) in labels.iter().enumerate() {
            assert!(l < classes, "Matrix::one_hot: label {l} ≥ {classes} classes");
            m[(i, l)] = T::ONE;
        }
        m
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Number of columns.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// `(rows, cols)`.
    pub fn shape(&self) -> (usize, usize) {
        (self.rows, self.cols)
    }

    /// The elements in row-major order.
    pub fn as_slice(&self) -> &[T] {
        &self.data
    }

    /// The elements in row-major order, mutable.
    pub fn as_mut_slice(&mut self) -> &mut [T] {
        &mut self.data
    }

    /// Consumes the matrix, returning its row-major elements.
    pub fn into_vec(self) -> Vec<T> {
        self.data
    }

    /// Row `i`.
    pub fn row(&self, i: usize) -> &[T] {
        &self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// Row `i`, mutable.
    pub fn row_mut(&mut self, i: usize) -> &mut [T] {
        &mut self.data[i * self.cols..(i + 1) * self.cols]
    }

    /// The column index of the largest element of each row (the first on ties, NaN never wins).
    pub fn argmax_rows(&self) -> Vec<usize> {
        (0..self.rows).map(|i| argmax(self.row(i))).collect()
    }

    /// The same elements reshaped; panics unless the element count matches.
    pub fn reshape(self, rows: usize, cols: usize) -> Self {
        Self::from_vec(rows, cols, self.data)
    }

    /// Element-wise map into a new matrix.
    pub fn map(&self, f: impl Fn(T) -> T) -> Self {
        Self { rows: self.rows, cols: self.cols, data: self.data.iter().map(|&v| f(v)).collect() }
    }

    /// The transpose, materialised (tests and small demos only; products never need it).
    pub fn transpose(&self) -> Self {
        let mut t = Self::zeros(self.cols, self.rows);
        for i in 0..self.rows {
            for j in 0..self.cols {
                t[(j, i)] = self[(i, j)];
            }
        }
        t
    }

    /// `self · b`: (m, k) · (k, n) → (m, n).
    pub fn dot(&self, b: &Self) -> Self {
        assert_eq!(self.cols, b.rows, "dot: ({}, {}) · ({}, {})", self.rows, self.cols, b.rows, b.cols);
        let mut c = Self::zeros(self.rows, b.cols);
        kernels::gemm_nn(self.rows, self.cols, b.cols, &self.data, &b.data, &mut c.data, false);
        c
    }

    /// `selfᵀ · b` without materialising the transpose: (k, m)ᵀ · (k, n) → (m, n).
    pub fn t_dot(&self, b: &Self) -> Self {
        assert_eq!(self.rows, b.rows, "t_dot: ({}, {})ᵀ · ({}, {})", self.rows, self.cols, b.rows, b.cols);
        let mut c = Self::zeros(self.cols, b.cols);
        kernels::gemm_tn(self.cols, self.rows, b.cols, &self.data, &b.data, &mut c.data, false);
        c
    }

    /// `self · bᵀ` without materialising the transpose: (m, k) · (n, k)ᵀ → (m, n).
    pub fn dot_t(&self, b: &Self) -> Self {
        assert_eq!(self.cols, b.cols, "dot_t: ({}, {}) · ({}, {})ᵀ", self.rows, self.cols, b.rows, b.cols);
        let mut c = Self::zeros(self.rows, b.rows);
        kernels::gemm_nt(self.rows, self.cols, b.rows, &self.data, &b.data, &mut c.data, false);
        c
    }
}

/// Index of the largest element (first on ties; NaN never wins unless all are NaN, then 0).
pub fn argmax<T: Float>(v: &[T]) -> usize {
    let mut best = 0;
    for (j, &x) in v.iter().enumerate().skip(1) {
        if x > v[best] || (v[best].is_nan() && !x.is_nan()) {
            best = j;
        }
    }
    best
}

impl<T> Index<(usize, usize)> for Matrix<T> {
    type Output = T;
    #[inline]
    fn index(&self, (i, j): (usize, usize)) -> &T {
        debug_assert!(i < self.rows && j < self.cols);
        &self.data[i * self.cols + j]
    }
}

impl<T> IndexMut<(usize, usize)> for Matrix<T> {
    #[inline]
    fn index_mut(&mut self, (i, j): (usize, usize)) -> &mut T {
        debug_assert!(i < self.rows && j < self.cols);
        &mut self.data[i * self.cols + j]
    }
}
