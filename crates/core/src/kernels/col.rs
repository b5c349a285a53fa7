//! The column index of a sparse row, as the kernels read it.

/// A column index as a sparse row stores it: `u32` in
/// [`SparseRows`](crate::engine::sparse::SparseRows), `u16` in
/// [`PixelLists`](crate::engine::sparse::PixelLists).
pub trait Col: Copy + Ord + Into<u32> + 'static {}
impl Col for u32 {}
impl Col for u16 {}
