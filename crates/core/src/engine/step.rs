//! TwoLayerNet's training step, the engine's way: the same forward pass,
//! backpropagation and SGD update as the book-shaped methods in
//! [`crate::book::two_layer_net`], on the data structures that make them fast.
//!
//! - The batch is sparse ([`SparseRows`], or [`Picked`] images read in place):
//!   a1 = x·W1 and xᵀ·dz1 visit only the nonzero pixels.
//! - W1 lives in a [`Panel`] (rows on 64-byte lines) during training.
//! - Backward and update are one pass ([`TwoLayerNet::backward_update_panel`]):
//!   each image's row of −η·dz1 is added straight into the rows of W1 its
//!   pixels name, so the (I, H) gradient of W1 is never formed.
//! - Both big products split into two jobs of a [`Pair`] (images for the
//!   forward pass, rows of W1 for the update), on one thread or two.
//!
//! Each adds the same terms in the same order as the dense book path, so the
//! figures agree (to the bit natively, where the tests compare them).

use core::ops::Range;

use crate::book::activations::softmax_rows;
use crate::book::two_layer_net::{Params, TwoLayerNet, Workspace};
use crate::engine::pair::{OneThread, Pair};
use crate::engine::panel::{self, Panel};
use crate::engine::sparse::{NonzeroRows, Picked, SparseRows, spmm, spmm_tn_add};
use crate::float::Float;

impl<T: Float> TwoLayerNet<T> {
    /// [`logits`](Self::logits) for a batch given as sparse rows (N = `x.rows()`).
    pub fn logits_sparse(&self, x: &SparseRows<T>, z1: &mut [T], a2: &mut [T]) {
        let h = self.hidden_size();
        self.logits_with(x.rows(), z1, a2, |a1| spmm(x, self.params.w1.as_slice(), h, a1));
    }

    /// [`logits_sparse`](Self::logits_sparse) with W1 read from `w1` (a
    /// [`Panel`]) instead of `params.w1`: the same sums, so the same logits.
    pub fn logits_panel<X: NonzeroRows<T>>(&self, w1: &Panel<T>, x: &X, z1: &mut [T], a2: &mut [T]) {
        self.logits_with(x.rows(), z1, a2, |a1| self.first_layer_panel(w1, x, a1));
    }

    /// a1 = x·W1 with W1 from a panel.
    fn first_layer_panel<X: NonzeroRows<T>>(&self, w1: &Panel<T>, x: &X, a1: &mut [T]) {
        let (i, h) = (self.input_size(), self.hidden_size());
        assert_eq!((w1.rows(), w1.cols()), (i, h), "forward_panel: W1 panel of another shape");
        panel::spmm(x, w1, a1)
    }

    /// [`forward`](Self::forward) for a batch given as sparse rows.
    pub fn forward_sparse(&self, x: &SparseRows<T>, ws: &mut Workspace<T>) {
        let h = self.hidden_size();
        self.forward_with(x.rows(), ws, |a1| spmm(x, self.params.w1.as_slice(), h, a1));
    }

    /// [`forward_sparse`](Self::forward_sparse) with W1 read from `w1` (a
    /// [`Panel`], the training loop's copy) instead of `params.w1`.
    pub fn forward_panel<X: NonzeroRows<T>>(&self, w1: &Panel<T>, x: &X, ws: &mut Workspace<T>) {
        self.forward_with(x.rows(), ws, |a1| self.first_layer_panel(w1, x, a1));
    }

    /// [`forward_panel`](Self::forward_panel) as two jobs of `pair`, the
    /// first half of the batch's images and the rest: every row goes through
    /// the same operations as in one pass over the batch, so `ws` ends the
    /// same to the bit, on one thread or two.
    pub fn forward_panel_pair(&self, w1: &Panel<T>, x: &Picked<'_, T>, ws: &mut Workspace<T>, pair: &dyn Pair) {
        let n = x.rows();
        assert!(n <= ws.n, "forward: {n} rows, workspace holds {}", ws.n);
        let o = self.output_size();
        self.logits_panel_pair(w1, x, &mut ws.z1, &mut ws.y, pair, |_, y| softmax_rows(y, o));
    }

    /// [`logits_panel`](Self::logits_panel) as two jobs of `pair`, one for
    /// each half of x's images (the first `rows / 2`, then the rest), each
    /// job then calling `then` with its rows of x and its logits; returns the
    /// two results. Every row goes through the same operations as in one
    /// pass, so the logits are the same to the bit, on one thread or two.
    pub(crate) fn logits_panel_pair<R: Default + Send>(
        &self,
        w1: &Panel<T>,
        x: &Picked<'_, T>,
        z1: &mut [T],
        a2: &mut [T],
        pair: &dyn Pair,
        then: impl Fn(Range<usize>, &mut [T]) -> R + Sync,
    ) -> (R, R) {
        let (n, h, o) = (x.rows(), self.hidden_size(), self.output_size());
        let m = n / 2;
        let (xa, xb) = x.split_at(m);
        let (za, zb) = z1[..n * h].split_at_mut(m * h);
        let (la, lb) = a2[..n * o].split_at_mut(m * o);
        let half = |x: &Picked<'_, T>, z1: &mut [T], a2: &mut [T], rows: Range<usize>| {
            self.logits_panel(w1, x, z1, a2);
            then(rows, a2)
        };
        let (mut ra, mut rb) = (R::default(), R::default());
        pair.join(&mut || ra = half(&xa, za, la, 0..m), &mut || rb = half(&xb, zb, lb, m..n));
        (ra, rb)
    }

    /// Backpropagation after [`forward_sparse`](Self::forward_sparse).
    pub fn backward_sparse(&self, x: &SparseRows<T>, labels: &[usize], ws: &mut Workspace<T>, g: &mut Params<T>) {
        let (n, i, h) = (x.rows(), self.input_size(), self.hidden_size());
        self.backward_head(n, labels, ws, &mut g.w2, &mut g.b2, &mut g.b1);
        // dW1 = xᵀ·dz1 (I, H), with xᵀ as sparse rows (one per pixel, batch rows
        // increasing): the same sums in the same order.
        x.transpose_into(i, &mut ws.xt);
        spmm(&ws.xt, &ws.dz1[..n * h], h, g.w1.as_mut_slice());
    }

    /// Backpropagation and the SGD update in one go, after
    /// [`forward_sparse`](Self::forward_sparse): the step of
    /// [`backward_sparse`](Self::backward_sparse) then [`update`](Self::update),
    /// up to rounding, without ever forming the (I, H) gradient of W1. Each
    /// image's row of −η·dz1 is added, times each of its nonzero pixels, straight
    /// into the row of W1 that pixel names (W1 ← W1 + xᵀ·(−η·dz1)), so the
    /// transpose of the batch, the (I, H) product and the pass over all of W1
    /// that the update needs are all skipped. This is the training loop's step.
    pub fn backward_update_sparse(&mut self, x: &SparseRows<T>, labels: &[usize], ws: &mut Workspace<T>, lr: T) {
        let (n, h) = (x.rows(), self.hidden_size());
        self.update_head(n, labels, ws, lr);
        spmm_tn_add(x, &ws.dz1[..n * h], h, self.params.w1.as_mut_slice());
    }

    /// [`backward_update_sparse`](Self::backward_update_sparse) with W1 in
    /// `w1` (a [`Panel`], the training loop's copy), which is updated instead
    /// of `params.w1`: the same sums, in the same order.
    pub fn backward_update_panel<X: NonzeroRows<T> + Sync>(
        &mut self,
        w1: &mut Panel<T>,
        x: &X,
        labels: &[usize],
        ws: &mut Workspace<T>,
        lr: T,
    ) {
        self.backward_update_panel_pair(w1, x, labels, ws, lr, &OneThread);
    }

    /// [`backward_update_panel`](Self::backward_update_panel) with the update
    /// of W1 as two jobs of `pair`, one for each half of its rows: the same
    /// bits, on one thread or two.
    pub fn backward_update_panel_pair<X: NonzeroRows<T> + Sync>(
        &mut self,
        w1: &mut Panel<T>,
        x: &X,
        labels: &[usize],
        ws: &mut Workspace<T>,
        lr: T,
        pair: &dyn Pair,
    ) {
        let (n, h) = (x.rows(), self.hidden_size());
        assert_eq!((w1.rows(), w1.cols()), (self.input_size(), h), "backward_update_panel: W1 panel of another shape");
        self.update_head(n, labels, ws, lr);
        panel::spmm_tn_add_pair(x, &ws.dz1[..n * h], w1, pair);
    }

    /// Every gradient but dW1, then the update of W2, b2 and b1; leaves −η·dz1 in `ws.dz1`.
    fn update_head(&mut self, n: usize, labels: &[usize], ws: &mut Workspace<T>, lr: T) {
        let h = self.hidden_size();
        let mut g = core::mem::replace(&mut ws.g, Params::zeros(0, 0, 0));
        self.backward_head(n, labels, ws, &mut g.w2, &mut g.b2, &mut g.b1);
        for k in 1..4 {
            for (p, &d) in self.params.part_mut(k).iter_mut().zip(g.part(k)) {
                *p -= lr * d;
            }
        }
        ws.g = g;
        for d in ws.dz1[..n * h].iter_mut() {
            *d = -(lr * *d);
        }
    }
}
