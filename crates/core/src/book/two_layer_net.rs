//! TwoLayerNet: affine → sigmoid → affine → softmax, with a cross-entropy loss.
//!
//! Shapes (N = batch, I = input, H = hidden, O = output):
//! x (N, I) · W1 (I, H) + b1 (H) = a1 (N, H); z1 = σ(a1);
//! z1 (N, H) · W2 (H, O) + b2 (O) = a2 (N, O); y = softmax(a2).
//!
//! The analytic gradient (backpropagation, the book's `gradient`):
//! dy = (y − t) / N; dW2 = z1ᵀ·dy; db2 = Σₙ dy; da1 = dy·W2ᵀ;
//! dz1 = σ′(a1) ⊙ da1 with σ′(a1) = (1 − z1) z1; dW1 = xᵀ·dz1; db1 = Σₙ dz1.
//!
//! One subtlety for gradient checks: dy = (y − t) / N is the exact gradient of
//! −ln y_t, but the loss is −ln(y_t + δ) (δ = 1e-7), whose gradient carries an
//! extra factor y_t / (y_t + δ). So the numerical gradient of the loss and the
//! analytic gradient differ by a relative δ / y_t (about 1e-6 for an untrained
//! 10-class net, where y_t ≈ 0.1), on top of the central difference's own
//! error. We keep the book's formula: the factor would also stop all learning
//! from an example whose y_t has underflowed to 0, which the book's gradient
//! still corrects.
//!
//! The book-shaped methods ([`TwoLayerNet::predict`], [`TwoLayerNet::loss`],
//! [`TwoLayerNet::numerical_gradient`], [`TwoLayerNet::gradient`],
//! [`TwoLayerNet::update`]) take matrices and allocate; they run on
//! [`TwoLayerNet::forward`] / [`TwoLayerNet::backward`] on a preallocated
//! [`Workspace`]. The training loop's step (a sparse batch, W1 in a panel,
//! backward and update fused, two threads) is the engine's, in
//! `engine/step.rs`: more methods of this type, the same sums.

use alloc::vec;
use alloc::vec::Vec;

use crate::book::activations::{sigmoid_in_place, softmax_rows};
use crate::book::losses::CEE_DELTA;
use crate::book::numerical::numerical_gradient_in;
use crate::budget::{MEMORY_BUDGET, Work, product, sum};
use crate::engine::sparse::SparseRows;
use crate::error::Error;
use crate::float::{Float, pairwise_sum};
use crate::kernels::{gemm_nn, gemm_tn, row_times, whole_vectors};
use crate::matrix::{Matrix, argmax};
use crate::rng::Rng;

/// Bytes a gradient check of a net of `input`, `hidden` and `output` units on
/// a batch of `images` images takes in floats of `float_bytes` bytes: the batch
/// and its one-hot labels, the net, both gradients and one tensor of the
/// numerical one in the making (4 sets of parameters), and the buffers of one
/// forward and backward pass ([`TwoLayerNet::gradient`], [`TwoLayerNet::loss`]).
pub fn gradient_check_bytes(images: usize, input: usize, hidden: usize, output: usize, float_bytes: usize) -> usize {
    let params = sum(&[product(&[input, hidden]), hidden, product(&[hidden, output]), output]);
    let per_image = sum(&[input, output, product(&[2, hidden]), product(&[2, output]), 2]);
    sum(&[product(&[4, params, float_bytes]), product(&[images, per_image, float_bytes])])
}

/// [`gradient_check_bytes`] in f64, refused with [`Error::OverBudget`] when it
/// exceeds [`MEMORY_BUDGET`]: call it before building the batch and the net.
pub fn check_gradient_check(images: usize, input: usize, hidden: usize, output: usize) -> Result<usize, Error> {
    let needed = gradient_check_bytes(images, input, hidden, output, core::mem::size_of::<f64>());
    if needed > MEMORY_BUDGET {
        return Err(Error::OverBudget { needed, work: Work::GradientCheck { images, hidden } });
    }
    Ok(needed)
}

/// The four parameter tensors of a [`TwoLayerNet`], or their gradients.
#[derive(Clone, Debug, PartialEq)]
pub struct Params<T> {
    /// First-layer weights, (I, H).
    pub w1: Matrix<T>,
    /// First-layer biases, (H).
    pub b1: Vec<T>,
    /// Second-layer weights, (H, O).
    pub w2: Matrix<T>,
    /// Second-layer biases, (O).
    pub b2: Vec<T>,
}

impl<T: Float> Params<T> {
    /// The book's names, in its order.
    pub const NAMES: [&'static str; 4] = ["W1", "b1", "W2", "b2"];

    /// All zeros for sizes I, H, O.
    pub fn zeros(input: usize, hidden: usize, output: usize) -> Self {
        Self {
            w1: Matrix::zeros(input, hidden),
            b1: vec![T::ZERO; hidden],
            w2: Matrix::zeros(hidden, output),
            b2: vec![T::ZERO; output],
        }
    }

    /// Tensor `k` (0 = W1, 1 = b1, 2 = W2, 3 = b2), flat.
    pub fn part(&self, k: usize) -> &[T] {
        match k {
            0 => self.w1.as_slice(),
            1 => &self.b1,
            2 => self.w2.as_slice(),
            _ => &self.b2,
        }
    }

    /// Tensor `k`, flat and mutable.
    pub fn part_mut(&mut self, k: usize) -> &mut [T] {
        match k {
            0 => self.w1.as_mut_slice(),
            1 => &mut self.b1,
            2 => self.w2.as_mut_slice(),
            _ => &mut self.b2,
        }
    }

    /// Whether every element is finite.
    pub fn all_finite(&self) -> bool {
        (0..4).all(|k| self.part(k).iter().all(|v| v.is_finite()))
    }
}

/// Scratch buffers for a forward and backward pass over up to `n` rows.
#[derive(Clone, Debug)]
pub struct Workspace<T> {
    pub(crate) n: usize,
    /// z1 = σ(a1), (N, H).
    pub z1: Vec<T>,
    /// a2, then y = softmax(a2), (N, O).
    pub y: Vec<T>,
    /// dy = (y − t) / N, (N, O).
    pub dy: Vec<T>,
    /// da1, then dz1, (N, H).
    pub dz1: Vec<T>,
    /// ln(y[n, tₙ] + δ) per row, for the loss.
    logs: Vec<T>,
    /// xᵀ of a sparse batch (the engine's [`backward_sparse`](TwoLayerNet::backward_sparse)).
    pub(crate) xt: SparseRows<T>,
    /// W2ᵀ, (O, H) with each row padded with zeros to `whole_vectors(H)` columns.
    w2t: Vec<T>,
    /// One row of da1, `whole_vectors(H)` wide.
    da1: Vec<T>,
    /// The small gradients of the fused step (W2, b1, b2; its W1 is empty).
    pub(crate) g: Params<T>,
}

impl<T: Float> Workspace<T> {
    /// Buffers for up to `n` rows of a net with H hidden and O output units.
    pub fn new(n: usize, hidden: usize, output: usize) -> Self {
        Self {
            n,
            z1: vec![T::ZERO; n * hidden],
            y: vec![T::ZERO; n * output],
            dy: vec![T::ZERO; n * output],
            dz1: vec![T::ZERO; n * hidden],
            logs: vec![T::ZERO; n],
            xt: SparseRows::default(),
            w2t: vec![T::ZERO; whole_vectors(hidden) * output],
            da1: vec![T::ZERO; whole_vectors(hidden)],
            g: Params::zeros(0, hidden, output),
        }
    }

    /// Rows these buffers hold.
    pub fn capacity(&self) -> usize {
        self.n
    }
}

/// The chapter's two-layer network, generic over `f32` / `f64`.
#[derive(Clone, Debug, PartialEq)]
pub struct TwoLayerNet<T> {
    /// W1, b1, W2, b2.
    pub params: Params<T>,
}

impl<T: Float> TwoLayerNet<T> {
    /// W = std · N(0, 1), b = 0 (the book's init). W1 is drawn before W2, row by row.
    /// Draws are made in f64 and rounded, so f32 and f64 nets of one seed start alike.
    pub fn new(input: usize, hidden: usize, output: usize, weight_init_std: f64, rng: &mut Rng) -> Self {
        let mut params = Params::zeros(input, hidden, output);
        for w in params.w1.as_mut_slice().iter_mut().chain(params.w2.as_mut_slice()) {
            *w = T::from_f64(weight_init_std * rng.standard_normal());
        }
        Self { params }
    }

    /// I.
    pub fn input_size(&self) -> usize {
        self.params.w1.rows()
    }

    /// H.
    pub fn hidden_size(&self) -> usize {
        self.params.w1.cols()
    }

    /// O.
    pub fn output_size(&self) -> usize {
        self.params.w2.cols()
    }

    // ---- book-shaped API -------------------------------------------------

    /// y = softmax(σ(x·W1 + b1)·W2 + b2): (N, I) → (N, O) probabilities.
    pub fn predict(&self, x: &Matrix<T>) -> Matrix<T> {
        let n = self.check_input(x);
        let mut ws = Workspace::new(n, self.hidden_size(), self.output_size());
        self.forward(x.as_slice(), n, &mut ws);
        Matrix::from_vec(n, self.output_size(), ws.y)
    }

    /// Cross-entropy of the prediction against one-hot targets t (N, O).
    pub fn loss(&self, x: &Matrix<T>, t: &Matrix<T>) -> T {
        let n = self.check_input(x);
        let labels = self.labels_of(t, n);
        let mut ws = Workspace::new(n, self.hidden_size(), self.output_size());
        self.forward(x.as_slice(), n, &mut ws);
        self.batch_loss(&mut ws, &labels, n)
    }

    /// Fraction of rows whose predicted class (argmax) is the target's.
    pub fn accuracy(&self, x: &Matrix<T>, t: &Matrix<T>) -> f64 {
        let n = self.check_input(x);
        let labels = self.labels_of(t, n);
        let y = self.predict(x);
        let hits = (0..n).filter(|&i| argmax(y.row(i)) == labels[i]).count();
        hits as f64 / n as f64
    }

    /// ∂L/∂(W1, b1, W2, b2) by central differences, every element of every
    /// tensor in turn (slow: 2 forward passes per parameter). Parameters are restored.
    pub fn numerical_gradient(&mut self, x: &Matrix<T>, t: &Matrix<T>) -> Params<T> {
        let (i, h, o) = (self.input_size(), self.hidden_size(), self.output_size());
        let mut g = Params::zeros(i, h, o);
        for k in 0..4 {
            let len = self.params.part(k).len();
            let gk = numerical_gradient_in(self, len, |net, e| &mut net.params.part_mut(k)[e], |net| net.loss(x, t));
            g.part_mut(k).copy_from_slice(&gk);
        }
        g
    }

    /// ∂L/∂(W1, b1, W2, b2) by backpropagation (one forward, one backward pass).
    pub fn gradient(&self, x: &Matrix<T>, t: &Matrix<T>) -> Params<T> {
        let n = self.check_input(x);
        let labels = self.labels_of(t, n);
        let mut ws = Workspace::new(n, self.hidden_size(), self.output_size());
        let mut g = Params::zeros(self.input_size(), self.hidden_size(), self.output_size());
        self.forward(x.as_slice(), n, &mut ws);
        self.backward(x.as_slice(), n, &labels, &mut ws, &mut g);
        g
    }

    fn check_input(&self, x: &Matrix<T>) -> usize {
        assert_eq!(
            x.cols(),
            self.input_size(),
            "TwoLayerNet: x has {} columns, the net takes {}",
            x.cols(),
            self.input_size()
        );
        x.rows()
    }

    fn labels_of(&self, t: &Matrix<T>, n: usize) -> Vec<usize> {
        assert_eq!(
            t.shape(),
            (n, self.output_size()),
            "TwoLayerNet: t is {:?}, expected ({n}, {})",
            t.shape(),
            self.output_size()
        );
        (0..n).map(|i| argmax(t.row(i))).collect()
    }

    // ---- one pass on a preallocated workspace (the loop's building blocks) ----

    /// a1 = x·W1 + b1 → z1 = σ(a1) → a2 = z1·W2 + b2, for x (N, I).
    /// Writes z1 (N, H) and the logits a2 (N, O) into the given buffers.
    pub fn logits(&self, x: &[T], n: usize, z1: &mut [T], a2: &mut [T]) {
        let (i, h) = (self.input_size(), self.hidden_size());
        self.logits_with(n, z1, a2, |a1| gemm_nn(n, i, h, &x[..n * i], self.params.w1.as_slice(), a1, false));
    }

    /// [`logits`](Self::logits) with a1 = x·W1 computed by `first` into the
    /// (N, H) slice it is given: the dense product here, the engine's sparse
    /// and panel products in [`crate::engine`].
    pub(crate) fn logits_with(&self, n: usize, z1: &mut [T], a2: &mut [T], first: impl FnOnce(&mut [T])) {
        let (h, o) = (self.hidden_size(), self.output_size());
        let (z1, a2) = (&mut z1[..n * h], &mut a2[..n * o]);
        first(z1);
        for row in z1.chunks_exact_mut(h) {
            for (v, &b) in row.iter_mut().zip(&self.params.b1) {
                *v += b;
            }
        }
        // One pass over the whole batch: whole vectors, not rows of 50.
        sigmoid_in_place(z1);
        gemm_nn(n, h, o, z1, self.params.w2.as_slice(), a2, false);
        for row in a2.chunks_exact_mut(o) {
            for (v, &b) in row.iter_mut().zip(&self.params.b2) {
                *v += b;
            }
        }
    }

    /// The forward pass for x (N, I): fills `ws.z1` and `ws.y` = softmax(a2).
    pub fn forward(&self, x: &[T], n: usize, ws: &mut Workspace<T>) {
        let (i, h) = (self.input_size(), self.hidden_size());
        self.forward_with(n, ws, |a1| gemm_nn(n, i, h, &x[..n * i], self.params.w1.as_slice(), a1, false));
    }

    /// [`forward`](Self::forward) with a1 = x·W1 computed by `first` (see [`logits_with`](Self::logits_with)).
    pub(crate) fn forward_with(&self, n: usize, ws: &mut Workspace<T>, first: impl FnOnce(&mut [T])) {
        assert!(n <= ws.n, "forward: {n} rows, workspace holds {}", ws.n);
        self.logits_with(n, &mut ws.z1, &mut ws.y, first);
        let o = self.output_size();
        softmax_rows(&mut ws.y[..n * o], o);
    }

    /// −(1/N) Σₙ ln(y[n, tₙ] + δ) from the `ws.y` of the last [`forward`](Self::forward).
    pub fn batch_loss(&self, ws: &mut Workspace<T>, labels: &[usize], n: usize) -> T {
        let o = self.output_size();
        let delta = T::from_f64(CEE_DELTA);
        for (r, &l) in labels[..n].iter().enumerate() {
            ws.logs[r] = (ws.y[r * o + l] + delta).ln();
        }
        -pairwise_sum(&ws.logs[..n]) / T::from_f64(n as f64)
    }

    /// Backpropagation after [`forward`](Self::forward): writes every gradient into `g`.
    pub fn backward(&self, x: &[T], n: usize, labels: &[usize], ws: &mut Workspace<T>, g: &mut Params<T>) {
        let (i, h) = (self.input_size(), self.hidden_size());
        self.backward_head(n, labels, ws, &mut g.w2, &mut g.b2, &mut g.b1);
        // dW1 = xᵀ·dz1 (I, H)
        gemm_tn(i, n, h, &x[..n * i], &ws.dz1[..n * h], g.w1.as_mut_slice(), false);
    }

    /// Every gradient but dW1: dy, dW2, db2, dz1 (left in `ws.dz1`) and db1.
    pub(crate) fn backward_head(
        &self,
        n: usize,
        labels: &[usize],
        ws: &mut Workspace<T>,
        g_w2: &mut Matrix<T>,
        g_b2: &mut [T],
        g_b1: &mut [T],
    ) {
        let (h, o) = (self.hidden_size(), self.output_size());
        let batch = T::from_f64(n as f64);
        // dy = (y − t) / N
        let (y, dy) = (&ws.y[..n * o], &mut ws.dy[..n * o]);
        for r in 0..n {
            for j in 0..o {
                let t = if labels[r] == j { T::ONE } else { T::ZERO };
                dy[r * o + j] = (y[r * o + j] - t) / batch;
            }
        }
        let z1 = &ws.z1[..n * h];
        // dW2 = z1ᵀ·dy (H, O); db2 = Σₙ dy
        gemm_tn(h, n, o, z1, dy, g_w2.as_mut_slice(), false);
        column_sums(dy, o, g_b2);
        // da1 = dy·W2ᵀ (N, H); dz1 = (1 − z1) z1 ⊙ da1; db1 = Σₙ dz1, row by row.
        // As dy·(W2ᵀ) with W2ᵀ copied out, each of its rows padded with zeros to
        // whole vectors (hp columns): a row of da1 is then one register pass of
        // whole vectors over that row of dy's nonzeros (52 columns for the book's
        // 50, where 50 took a pass of 48 and two scalars), with the sums of
        // gemm_nn(dy, W2ᵀ) in the same order; where A·Bᵀ would take N·H dot
        // products of length O. dz1 and the column sums of db1 follow in the
        // same pass over the row.
        let hp = whole_vectors(h);
        let w2 = self.params.w2.as_slice();
        for (i, row) in w2.chunks_exact(o).enumerate() {
            for (j, &v) in row.iter().enumerate() {
                ws.w2t[j * hp + i] = v;
            }
        }
        g_b1.fill(T::ZERO);
        let (dy, w2t, da1) = (&ws.dy[..n * o], &ws.w2t[..o * hp], &mut ws.da1[..hp]);
        for ((dy_row, z_row), d_row) in dy.chunks_exact(o).zip(z1.chunks_exact(h)).zip(ws.dz1.chunks_exact_mut(h)) {
            row_times(dy_row, w2t, hp, da1);
            for (((d, &a), &z), b) in d_row.iter_mut().zip(&da1[..h]).zip(z_row).zip(g_b1.iter_mut()) {
                *d = a * ((T::ONE - z) * z);
                *b += *d;
            }
        }
    }

    /// SGD: every parameter p ← p − η ∂L/∂p.
    pub fn update(&mut self, g: &Params<T>, lr: T) {
        for k in 0..4 {
            for (p, &d) in self.params.part_mut(k).iter_mut().zip(g.part(k)) {
                *p -= lr * d;
            }
        }
    }
}

/// out[j] = Σᵢ m[i, j], rows added in order (numpy's `sum(axis=0)`).
fn column_sums<T: Float>(m: &[T], cols: usize, out: &mut [T]) {
    out.fill(T::ZERO);
    for row in m.chunks_exact(cols) {
        for (o, &v) in out.iter_mut().zip(row) {
            *o += v;
        }
    }
}

/// Allocation-free accuracy helper: the argmax of each row of logits.
pub(crate) fn count_hits<T: Float>(logits: &[T], classes: usize, labels: &[u8]) -> usize {
    logits.chunks_exact(classes).zip(labels).filter(|(row, l)| argmax(row) == usize::from(**l)).count()
}
