//! # descent-core
//!
//! Chapter 4 of *Deep Learning from Scratch*, "learning from data", as a small
//! `no_std` Rust library: every idea of the chapter, computed as the book
//! computes it, on hand-written dense matrix math.
//!
//! The map, in the chapter's order. The chapter's code is in [`book`], in
//! plain form; what makes the training loop fast is apart, in [`engine`]; the
//! products under both are in [`kernels`], one file per instruction set beside
//! the naive references. Every module keeps its short path
//! (`descent_core::losses`, `descent_core::train`, `descent_core::panel`, …).
//!
//! | book | here |
//! |------|------|
//! | 4.2 loss functions: SSE, CEE, mini-batch CEE | [`book::losses`]: [`sum_squares_error`], [`cross_entropy_error`], [`cross_entropy_error_labels`] |
//! | 4.3 numerical differentiation, partial derivatives | [`book::numerical`]: [`numerical_diff`] |
//! | 4.4 gradients, gradient descent | [`book::numerical`]: [`numerical_gradient`], [`gradient_descent`] |
//! | 4.4.2 simpleNet | [`book::simple_net`]: [`SimpleNet`] |
//! | 4.5 TwoLayerNet: predict, loss, numerical and analytic gradients | [`book::two_layer_net`]: [`TwoLayerNet`] |
//! | 4.5 mini-batch training on MNIST, per-epoch accuracy | [`book::train`]: [`Trainer`], [`TrainConfig`] |
//! | the MNIST files | [`idx`]: [`Dataset::from_idx`]; [`mnist`]: [`Part`] |
//! | looking inside the trained net (the page's views) | [`inspect`]: [`inspect::drawing`] (a drawn digit as MNIST's were), [`inspect::report`] (predictions, confusion matrix, mistakes), [`inspect::weights`] (W1 as tiles) |
//!
//! | the fast path | here |
//! |---------------|------|
//! | images as lists of nonzero pixels, sparse products | [`engine::sparse`]: [`PixelLists`], [`SparseRows`] |
//! | W1 on 64-byte lines and its two products | [`engine::panel`]: [`Panel`] |
//! | a second training thread, the same bits | [`engine::pair`]: [`Pair`], [`OneThread`] |
//! | TwoLayerNet's training step (forward on a panel, fused backward + update) | `engine/step.rs`: more methods of [`TwoLayerNet`] |
//! | an iteration's time, step by step | [`engine::bench`] |
//! | A·B, Aᵀ·B, A·Bᵀ and the sparse row kernels | [`kernels`]: `portable.rs`, `x86_64.rs` (AVX-512), `wasm32.rs` (relaxed SIMD), [`kernels::naive`] |
//!
//! Underneath: [`Matrix`] (row-major, `f32` or `f64` through [`Float`]),
//! [`book::activations`], a seeded [`Rng`], the settings' [`schema`], the
//! [`error`]s and the memory [`budget`].
//!
//! ## Design
//! - **No I/O, no clock, no global state.** Callers pass bytes in and read
//!   numbers out; the CLI and the wasm crate add files, time and progress.
//! - **f64 for the chapter.** The demos are generic but meant to run in `f64`,
//!   as numpy does in the book; sums follow numpy's pairwise order so printed
//!   values match the book to the last digit. MNIST training may run in `f32`.
//! - **Errors where input enters.** IDX bytes and configs return [`Error`]s that
//!   say what is wrong and what to do; kernels `assert!` their shapes once.
//! - **One memory budget.** Every size a person picks is estimated and refused
//!   before allocating when it would exceed [`MEMORY_BUDGET`] (2 GiB): see [`budget`].
//!
//! Builds with `--no-default-features` for `wasm32-unknown-unknown` (then
//! `exp` and `ln` come from `libm`).
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(missing_docs)]

extern crate alloc;

// The chapter, in plain form.
pub mod book;
// The training loop's fast path, and the products under both.
pub mod engine;
pub mod kernels;
// Numbers, data, errors and limits.
pub mod budget;
pub mod error;
pub mod float;
pub mod idx;
pub mod matrix;
pub mod mnist;
pub mod pyfmt;
pub mod rng;
pub mod schema;
// Looking inside a trained net (the page's views).
pub mod inspect;
// Model files (.npz, .pkl).
pub mod model;

// The modules' old paths (`descent_core::train`, `descent_core::panel`, …) stay.
pub use book::{activations, losses, numerical, simple_net, train, two_layer_net};
pub use engine::{bench, pair, panel, sparse};

pub use activations::{sigmoid, sigmoid_grad, softmax};
pub use budget::{MEMORY_BUDGET, TrainMemory};
pub use error::{Error, IdxError};
pub use float::Float;
pub use idx::{Dataset, Images, Split};
pub use losses::{cross_entropy_error, cross_entropy_error_labels, sum_squares_error};
pub use matrix::Matrix;
pub use mnist::Part;
pub use numerical::{Descent, gradient_descent, numerical_diff, numerical_gradient};
pub use pair::{OneThread, Pair};
pub use panel::Panel;
pub use rng::Rng;
pub use schema::ConfigError;
pub use simple_net::SimpleNet;
pub use sparse::{PixelLists, SparseRows};
pub use train::{
    DetachedStep, EvalJob, Evaluation, Labeled, MAX_EVALS_OUT, NotLearning, Step, TrainConfig, Trainer, not_learning,
};
pub use two_layer_net::{Params, TwoLayerNet, Workspace};
