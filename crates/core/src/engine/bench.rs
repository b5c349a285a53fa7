//! Where a training iteration's time goes: the trainer's own steps run one by
//! one with a clock read between them. The core has no clock, so the caller
//! passes one in (`std::time::Instant` natively, `performance.now()` in wasm),
//! and the same measurement runs in the CLI's `descent bench` and in the page.

use alloc::vec;
use core::iter;

use crate::book::train::{Batches, TrainConfig, pixel_scale};
use crate::book::two_layer_net::{TwoLayerNet, Workspace};
use crate::engine::pair::Pair;
use crate::engine::panel::Panel;
use crate::float::Float;
use crate::idx::Dataset;
use crate::rng::Rng;

/// Milliseconds per iteration, in total and by part.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IterationTimes {
    /// Timed iterations (after the warm-up ones).
    pub iters: usize,
    /// Wall time per iteration, everything included.
    pub per_iter: f64,
    /// Drawing 100 indices (with replacement) and touching the images' lists (the products read them in place).
    pub gather: f64,
    /// To the softmax, plus the batch loss.
    pub forward: f64,
    /// Every gradient and the SGD update, fused (W1 is updated without forming dW1).
    pub backward_update: f64,
}

/// Times `iters` iterations of the book's run (the default [`TrainConfig`]:
/// 784-50-10, batch 100, lr 0.1, seed 42) after `warmup` untimed ones, exactly
/// as [`crate::Trainer`] runs them, in precision T. `now_ms` is a clock in
/// milliseconds; `pair` runs the halves of the two big products, as
/// [`crate::Trainer::set_pair`] has them run. `data` must hold a batch of
/// training images (panics otherwise). Any counts are taken (they are never
/// added, so none overflows); the time they take is the caller's to bound.
pub fn time_iterations<T: Float>(
    data: &Dataset,
    warmup: usize,
    iters: usize,
    pair: &dyn Pair,
    mut now_ms: impl FnMut() -> f64,
) -> IterationTimes {
    let c = TrainConfig::default();
    assert!(!data.train.is_empty() && iters > 0, "time_iterations: no training images or no iterations");
    let (input, hidden, output, b) = (data.input_size(), c.hidden, data.classes, c.batch_size);
    let mut rng = Rng::new(c.seed);
    let mut net = TwoLayerNet::<T>::new(input, hidden, output, c.weight_init_std, &mut rng);
    let mut w1 = Panel::from_matrix(&net.params.w1);
    let mut batches = Batches::new(rng, b);
    let mut ws = Workspace::new(b, hidden, output);
    let scale = pixel_scale::<T>();
    let mut labels = vec![0usize; b];
    let lr = T::from_f64(c.lr);

    let mut parts = [0.0f64; 3];
    let mut start = now_ms();
    // `warmup` untimed iterations then `iters` timed ones, without adding the
    // two (any counts are taken: none wraps or overflows; the caller bounds the time).
    let mut timing = false;
    for warm in iter::repeat_n(true, warmup).chain(iter::repeat_n(false, iters)) {
        if !warm && !timing {
            timing = true;
            parts = [0.0; 3];
            start = now_ms();
        }
        let t0 = now_ms();
        let x = batches.draw(&data.train, &scale, &mut labels);
        let t1 = now_ms();
        net.forward_panel_pair(&w1, &x, &mut ws, pair);
        core::hint::black_box(net.batch_loss(&mut ws, &labels, b));
        let t2 = now_ms();
        net.backward_update_panel_pair(&mut w1, &x, &labels, &mut ws, lr, pair);
        let t3 = now_ms();
        for (p, d) in parts.iter_mut().zip([t1 - t0, t2 - t1, t3 - t2]) {
            *p += d;
        }
    }
    let per = |ms: f64| ms / iters as f64;
    IterationTimes {
        iters,
        per_iter: per(now_ms() - start),
        gather: per(parts[0]),
        forward: per(parts[1]),
        backward_update: per(parts[2]),
    }
}
