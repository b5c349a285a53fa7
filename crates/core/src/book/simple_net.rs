//! simpleNet: the chapter's smallest network, one 2×3 weight matrix.

use alloc::vec::Vec;

use crate::book::activations::softmax_in_place;
use crate::book::losses::cross_entropy_error;
use crate::book::numerical::numerical_gradient_in;
use crate::matrix::Matrix;
use crate::rng::Rng;

/// p = x·W, loss = CEE(softmax(p), t), with W of shape (2, 3). Always `f64`, as in the book.
#[derive(Clone, Debug, PartialEq)]
pub struct SimpleNet {
    /// The weights, (2, 3).
    pub w: Matrix<f64>,
}

impl SimpleNet {
    /// W drawn from N(0, 1) with a seeded generator (`np.random.randn(2, 3)`).
    pub fn new(seed: u64) -> Self {
        let mut rng = Rng::new(seed);
        let w = (0..6).map(|_| rng.standard_normal()).collect();
        Self { w: Matrix::from_vec(2, 3, w) }
    }

    /// A net with the given W, (2, 3).
    pub fn with_weights(w: [[f64; 3]; 2]) -> Self {
        Self { w: Matrix::from_rows(&w) }
    }

    /// p = x·W: (2) → (3).
    pub fn predict(&self, x: &[f64]) -> Vec<f64> {
        Matrix::row_vector(x).dot(&self.w).into_vec()
    }

    /// CEE(softmax(x·W), t) for a one-hot t of length 3.
    pub fn loss(&self, x: &[f64], t: &[f64]) -> f64 {
        let mut y = self.predict(x);
        softmax_in_place(&mut y);
        cross_entropy_error(&Matrix::row_vector(&y), &Matrix::row_vector(t))
    }

    /// ∂L/∂W numerically, (2, 3); W is restored on return.
    pub fn numerical_gradient(&mut self, x: &[f64], t: &[f64]) -> Matrix<f64> {
        let (r, c) = self.w.shape();
        let g = numerical_gradient_in(self, r * c, |net, i| &mut net.w.as_mut_slice()[i], |net| net.loss(x, t));
        Matrix::from_vec(r, c, g)
    }

    /// One gradient-descent step W ← W − η ∂L/∂W; returns the loss before the step.
    pub fn step(&mut self, x: &[f64], t: &[f64], lr: f64) -> f64 {
        let loss = self.loss(x, t);
        let g = self.numerical_gradient(x, t);
        for (w, d) in self.w.as_mut_slice().iter_mut().zip(g.as_slice()) {
            *w -= lr * d;
        }
        loss
    }
}
