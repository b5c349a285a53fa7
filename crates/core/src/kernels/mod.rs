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
//! One file per instruction set, and the references, as in `matrixmultiply`:
//!
//! | file | what | where it runs |
//! |------|------|---------------|
//! | [`naive`] | the textbook triple loops, the tests' and the benchmark's reference | everywhere |
//! | `portable.rs` | [`gemm_nn`], [`gemm_tn`], [`gemm_nt`] and the sparse row kernels, register-blocked plain Rust that the compiler vectorises | everywhere (SSE/AVX with FMA natively, simd128 in wasm) |
//! | `x86_64.rs` | the panel's two sparse products in AVX-512F registers | x86-64 `std` builds, when the CPU has AVX-512F (run-time check) |
//! | `wasm32.rs` | the portable f32 register blocks as relaxed-SIMD multiply-adds | the `+relaxed-simd` wasm build |
//! | `col.rs` | [`Col`], the column index type of a sparse row | everywhere |
//!
//! Every fast kernel adds the same terms in the same order as the portable
//! one, so the figures agree to the bit natively (tested against each other
//! and against [`naive`] in `tests/core/kernels.rs`).

mod col;
pub mod naive;
mod portable;
#[cfg(all(target_arch = "wasm32", target_feature = "relaxed-simd"))]
mod wasm32;
#[cfg(all(feature = "std", target_arch = "x86_64"))]
pub(crate) mod x86_64;

pub use col::Col;
pub(crate) use portable::{PORTABLE_MAX, row_times, sparse_row_scatter, sparse_row_times, whole_vectors};
pub use portable::{gemm_nn, gemm_nt, gemm_tn};
