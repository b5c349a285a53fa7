//! Chapter 4 in the book's order, in the book's shapes: what a reader holding
//! the book looks for.
//!
//! | book | file | what |
//! |------|------|------|
//! | 3.2, 3.5 (used by 4) | `activations.rs` | sigmoid, its derivative, softmax |
//! | 4.2 loss functions | `losses.rs` | SSE, CEE, mini-batch CEE |
//! | 4.3 numerical differentiation | `numerical.rs` | `numerical_diff`, `numerical_gradient` |
//! | 4.4 gradients, gradient descent | `numerical.rs` | `gradient_descent` |
//! | 4.4.2 simpleNet | `simple_net.rs` | `SimpleNet` |
//! | 4.5.1 TwoLayerNet | `two_layer_net.rs` | `predict`, `loss`, `accuracy`, `numerical_gradient`, `gradient` (backpropagation), `update` |
//! | 4.5.2 mini-batch training | `train.rs` | `TrainConfig`, `Trainer`: the loop of `train_neuralnet.py` |
//!
//! The book-shaped methods take [`Matrix`](crate::Matrix)es and run on the
//! dense products of [`kernels`](crate::kernels) (the book's `np.dot`). What
//! makes the training loop fast (the batch as sparse rows, W1 in a padded
//! panel, a second thread, the fused backward-and-update step) is apart, in
//! [`engine`](crate::engine); the loop in `train.rs` calls it for each step
//! and computes the same figures as the book-shaped methods would, to the
//! last bit or two (tested).

pub mod activations;
pub mod losses;
pub mod numerical;
pub mod simple_net;
pub mod train;
pub mod two_layer_net;
