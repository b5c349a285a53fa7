//! # descent-core
//!
//! Chapter 4 of *Deep Learning from Scratch*, "learning from data", as a small
//! `no_std` Rust library: every idea of the chapter, computed as the book
//! computes it, on hand-written dense matrix math.
//!
//! The map, in the chapter's order:
//!
//! | book | here |
//! |------|------|
//! | 4.2 loss functions: SSE, CEE, mini-batch CEE | [`losses`]: [`sum_squares_error`], [`cross_entropy_error`], [`cross_entropy_error_labels`] |
//! | 4.3 numerical differentiation, partial derivatives | [`numerical`]: [`numerical_diff`] |
//! | 4.4 gradients, gradient descent | [`numerical`]: [`numerical_gradient`], [`gradient_descent`] |
//! | 4.4.2 simpleNet | [`SimpleNet`] |
//! | 4.5 TwoLayerNet, numerical and analytic gradients | [`TwoLayerNet`] |
//! | 4.5 mini-batch training on MNIST, per-epoch accuracy | [`Trainer`], [`TrainConfig`] |
//! | the MNIST files | [`idx`]: [`Dataset::from_idx`] |
//!
//! Underneath: [`Matrix`] (row-major, `f32` or `f64` through [`Float`]), the
//! three products the network needs in [`kernels`] (A·B, Aᵀ·B, A·Bᵀ, each with
//! a naive reference), [`activations`], a seeded [`Rng`].
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

pub mod activations;
pub mod bench;
pub mod budget;
pub mod error;
pub mod float;
pub mod idx;
pub mod kernels;
pub mod losses;
pub mod matrix;
pub mod numerical;
pub mod pair;
pub mod panel;
pub mod rng;
pub mod schema;
pub mod simple_net;
pub mod sparse;
pub mod train;
pub mod two_layer_net;

pub use activations::{sigmoid, sigmoid_grad, softmax};
pub use budget::MEMORY_BUDGET;
pub use error::{ConfigError, Error, IdxError, Part};
pub use float::Float;
pub use idx::{Dataset, Images, Split};
pub use losses::{cross_entropy_error, cross_entropy_error_labels, sum_squares_error};
pub use matrix::Matrix;
pub use numerical::{Descent, gradient_descent, numerical_diff, numerical_gradient};
pub use pair::{OneThread, Pair};
pub use panel::Panel;
pub use rng::Rng;
pub use simple_net::SimpleNet;
pub use sparse::{PixelLists, SparseRows};
pub use train::{
    DetachedStep, EvalJob, Evaluation, Labeled, NotLearning, Step, TrainConfig, TrainMemory, Trainer, not_learning,
};
pub use two_layer_net::{Params, TwoLayerNet, Workspace};
