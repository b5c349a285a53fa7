//! Seeded runs on real MNIST (placed by `scripts/setup.sh --data`).

use std::path::PathBuf;
use std::sync::OnceLock;

use descent_core::{Dataset, Error, TrainConfig, Trainer};

/// The real data set, read once per test binary.
pub(crate) fn mnist() -> &'static Dataset {
    static DATA: OnceLock<Dataset> = OnceLock::new();
    DATA.get_or_init(|| {
        let dir = std::env::var_os("DESCENT_DATA")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../data/mnist"));
        let read = |name: &str| {
            std::fs::read(dir.join(name))
                .unwrap_or_else(|e| panic!("{}: {e}; run scripts/setup.sh --data first", dir.join(name).display()))
        };
        Dataset::from_idx(
            &read("train-images-idx3-ubyte"),
            &read("train-labels-idx1-ubyte"),
            &read("t10k-images-idx3-ubyte"),
            &read("t10k-labels-idx1-ubyte"),
        )
        .expect("MNIST parses")
    })
}

#[test]
fn mnist_has_the_published_label_counts() {
    let d = mnist();
    assert_eq!((d.train.len(), d.test.len(), d.input_size()), (60000, 10000, 784));
    let count = |ls: &[u8]| (0..10u8).map(|c| ls.iter().filter(|&&l| l == c).count()).collect::<Vec<_>>();
    assert_eq!(count(&d.train.labels), [5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949]);
    assert_eq!(count(&d.test.labels), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]);
}

fn short(iters: usize) -> TrainConfig {
    TrainConfig { iters, seed: 7, ..TrainConfig::default() }
}

#[test]
fn a_short_seeded_run_learns() {
    // 1201 iterations: evaluations at 0, 600 and 1200, just over two epochs.
    let mut t = Trainer::<f32>::new(short(1201), mnist()).unwrap();
    let mut evals = Vec::new();
    assert_eq!(t.run(mnist(), usize::MAX, |e| evals.push(*e)).unwrap(), 1201);
    assert!(t.is_done());
    assert_eq!(evals.iter().map(|e| e.iter).collect::<Vec<_>>(), [0, 600, 1200]);
    assert_eq!(evals.iter().map(|e| e.epoch).collect::<Vec<_>>(), [0, 1, 2]);
    let first = evals[0].test_acc;
    let last = evals[2];
    assert!(first < 0.3, "after one batch the net is near chance: {first}");
    // Measured: 0.87 with seed 7 (the book's curve reaches ~0.90 after 2 epochs).
    assert!(last.test_acc >= 0.85, "test accuracy after 2 epochs: {}", last.test_acc);
    assert!(last.train_acc >= 0.85, "train accuracy after 2 epochs: {}", last.train_acc);
    let l = t.losses();
    assert_eq!(l.len(), 1201);
    let mean = |s: &[f64]| s.iter().sum::<f64>() / s.len() as f64;
    assert!(mean(&l[1100..]) < 0.5 * mean(&l[..100]), "loss falls: {} → {}", mean(&l[..100]), mean(&l[1100..]));
}

#[test]
fn chunked_training_equals_one_long_run() {
    let config = short(650);
    let mut long = Trainer::<f64>::new(config.clone(), mnist()).unwrap();
    long.run(mnist(), 650, |_| {}).unwrap();
    let mut chunked = Trainer::<f64>::new(config, mnist()).unwrap();
    for n in [1, 7, 100, 3, 239, 1000] {
        chunked.run(mnist(), n, |_| {}).unwrap();
    }
    assert_eq!(chunked.iter(), 650);
    assert_eq!(chunked.losses(), long.losses());
    assert_eq!(chunked.evals(), long.evals());
    assert_eq!(chunked.net(), long.net());
}

#[test]
fn f32_and_f64_runs_of_one_seed_start_alike_and_agree() {
    let mut a = Trainer::<f32>::new(short(200), mnist()).unwrap();
    let mut b = Trainer::<f64>::new(short(200), mnist()).unwrap();
    for (x, y) in a.net().params.w1.as_slice().iter().zip(b.net().params.w1.as_slice()) {
        assert_eq!(*x, *y as f32);
    }
}

#[test]
fn the_book_run_makes_17_evaluations() {
    let c = TrainConfig::default();
    assert_eq!(c.iter_per_epoch(60000), 600);
    assert_eq!(c.evaluations(60000), 17);
    // A batch that does not divide the set: epochs of ⌈60000 / 128⌉ = 469 iterations.
    let c = TrainConfig { batch_size: 128, ..c };
    assert_eq!(c.iter_per_epoch(60000), 469);
    assert_eq!(c.evaluations(60000), 22);
}

#[test]
fn divergence_stops_the_run_with_a_clear_error_and_keeps_history() {
    // In f32, W2 grows by up to η/2 per step: with η = 1e38 the logits pass f32::MAX (3.4e38)
    // within a few steps, softmax computes ∞ − ∞, and the loss is NaN.
    let config = TrainConfig { lr: 1e38, iters: 50, ..short(50) };
    let mut t = Trainer::<f32>::new(config, mnist()).unwrap();
    let err = t.run(mnist(), 50, |_| {}).unwrap_err();
    let Error::Diverged { iter, loss } = err.clone() else { panic!("expected Diverged, got {err:?}") };
    assert!(!loss.is_finite());
    assert!(iter > 0 && iter < 50);
    assert_eq!(t.losses().len(), iter, "the finite losses before the divergence are kept");
    assert!(err.to_string().contains("lower the learning rate"));
    // (NaN ≠ NaN, so compare the messages)
    assert_eq!(t.step(mnist()).unwrap_err().to_string(), err.to_string(), "a diverged run stays stopped");
}

#[test]
fn config_is_checked_against_the_data() {
    let e = Trainer::<f32>::new(TrainConfig { batch_size: 70000, ..TrainConfig::default() }, mnist()).unwrap_err();
    assert!(e.to_string().starts_with("batch_size: the batch size 70000 is larger than the training set"), "{e}");
}

#[test]
fn sparse_and_dense_passes_agree_on_a_real_batch() {
    use descent_core::train::pixel_scale;
    use descent_core::{Params, Rng, SparseRows, TwoLayerNet, Workspace};
    let d = mnist();
    let scale = pixel_scale::<f32>();
    let mut rng = Rng::new(3);
    let net = TwoLayerNet::<f32>::new(784, 50, 10, 0.01, &mut rng);
    let picks: Vec<usize> = (0..100).map(|_| rng.index(60000)).collect();
    let labels: Vec<usize> = picks.iter().map(|&i| d.train.labels[i] as usize).collect();
    let mut dense = Vec::with_capacity(100 * 784);
    let mut sparse = SparseRows::default();
    for &i in &picks {
        dense.extend(d.train.images.image(i).iter().map(|&p| scale[p as usize]));
        sparse.push_pixels(d.train.images.image(i), &scale);
    }
    let (mut wd, mut ws) = (Workspace::new(100, 50, 10), Workspace::new(100, 50, 10));
    let (mut gd, mut gs) = (Params::zeros(784, 50, 10), Params::zeros(784, 50, 10));
    net.forward(&dense, 100, &mut wd);
    net.forward_sparse(&sparse, &mut ws);
    assert_eq!(wd.y, ws.y, "same products in the same order");
    net.backward(&dense, 100, &labels, &mut wd, &mut gd);
    net.backward_sparse(&sparse, &labels, &mut ws, &mut gs);
    for k in 0..4 {
        let (a, b) = (gd.part(k), gs.part(k));
        let worst = a.iter().zip(b).map(|(x, y)| (x - y).abs() / x.abs().max(1e-30)).fold(0.0f32, f32::max);
        // The same terms; a few W1 sums round differently in their last bit.
        assert!(worst < 1e-5, "{}: dense and sparse gradients differ by a relative {worst:e}", Params::<f32>::NAMES[k]);
    }
}

/// The training loop's fused step (backward and update in one pass, no dW1)
/// against the book's order (every gradient, then the update), on a real batch.
fn fused_step_matches_backward_then_update<T: descent_core::Float>(eps: f64) {
    use descent_core::train::pixel_scale;
    use descent_core::{Params, Rng, SparseRows, TwoLayerNet, Workspace};
    let d = mnist();
    let scale = pixel_scale::<T>();
    let mut rng = Rng::new(5);
    let mut book = TwoLayerNet::<T>::new(784, 50, 10, 0.01, &mut rng);
    let mut fused = book.clone();
    let lr = T::from_f64(0.1);
    let (mut wb, mut wf) = (Workspace::new(100, 50, 10), Workspace::new(100, 50, 10));
    let mut g = Params::zeros(784, 50, 10);
    let mut x = SparseRows::default();
    // Three steps on different batches, so later steps start from updated weights.
    for _ in 0..3 {
        let picks: Vec<usize> = (0..100).map(|_| rng.index(60000)).collect();
        let labels: Vec<usize> = picks.iter().map(|&i| d.train.labels[i] as usize).collect();
        x.clear();
        for &i in &picks {
            x.push_list(d.train.nonzeros.image(i), &scale);
        }
        book.forward_sparse(&x, &mut wb);
        book.backward_sparse(&x, &labels, &mut wb, &mut g);
        book.update(&g, lr);
        fused.forward_sparse(&x, &mut wf);
        fused.backward_update_sparse(&x, &labels, &mut wf, lr);
    }
    let before = TwoLayerNet::<T>::new(784, 50, 10, 0.01, &mut Rng::new(5));
    for k in 0..4 {
        let (a, b, p0) = (book.params.part(k), fused.params.part(k), before.params.part(k));
        let name = Params::<T>::NAMES[k];
        let change = a.iter().zip(p0).map(|(x, y)| (x.to_f64() - y.to_f64()).abs()).fold(0.0, f64::max);
        assert!(change > 0.0, "{name}: the steps changed nothing");
        // Only rounding may differ: a few units in the last place of the largest weight.
        let largest = a.iter().map(|x| x.to_f64().abs()).fold(0.0, f64::max);
        let worst = a.iter().zip(b).map(|(x, y)| (x.to_f64() - y.to_f64()).abs()).fold(0.0, f64::max);
        assert!(
            worst <= 16.0 * eps * largest,
            "{name}: fused and book steps differ by {worst:e} (largest weight {largest:e}, largest change {change:e})"
        );
    }
}

#[test]
fn fused_step_matches_backward_then_update_f64() {
    fused_step_matches_backward_then_update::<f64>(f64::EPSILON);
}

#[test]
fn fused_step_matches_backward_then_update_f32() {
    fused_step_matches_backward_then_update::<f32>(f32::EPSILON.into());
}

#[test]
fn detached_evaluations_on_another_thread_match_the_loops_own() {
    let config = short(1250);
    let mut run = Trainer::<f32>::new(config.clone(), mnist()).unwrap();
    run.run(mnist(), 1250, |_| {}).unwrap();
    let mut det = Trainer::<f32>::new(config, mnist()).unwrap();
    let mut jobs = Vec::new();
    while !det.is_done() {
        let step = det.step_detached(mnist()).unwrap();
        if let Some(job) = step.job {
            assert_eq!(job.iter(), step.iter);
            jobs.push(job);
        }
    }
    assert_eq!(jobs.len(), 3, "evaluations at i = 0, 600 and 1200");
    assert!(det.evals().is_empty(), "nothing recorded until the jobs come back");
    // Run them all at once, on other threads, after training moved on: each used its own copy of the weights.
    let evals: Vec<_> = std::thread::scope(|s| {
        let hs: Vec<_> = jobs.iter().map(|j| s.spawn(|| j.run(mnist()))).collect();
        hs.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for e in evals {
        det.record(e);
    }
    assert_eq!(det.evals(), run.evals());
    assert_eq!(det.losses(), run.losses());
    assert_eq!(det.net(), run.net());
}

/// The one policy for evaluations in flight (the CLI and the page carry it
/// out): at most MAX_EVALS_OUT jobs out, the helper thread only while none is.
#[test]
fn the_trainer_says_when_to_wait_for_evaluations_out() {
    use descent_core::MAX_EVALS_OUT;
    assert_eq!(MAX_EVALS_OUT, 2);
    // Epochs of 2 iterations (batch 30000): a job every other iteration.
    let config = TrainConfig { batch_size: 30000, iters: 12, ..short(12) };
    let mut t = Trainer::<f32>::new(config.clone(), mnist()).unwrap();
    let mut jobs = std::collections::VecDeque::new();
    let mut waited = 0;
    while !t.is_done() {
        assert_eq!(t.helper_may_run(), jobs.is_empty());
        assert_eq!(t.evals_out(), jobs.len());
        if t.must_wait() {
            assert_eq!(jobs.len(), MAX_EVALS_OUT);
            let job: descent_core::EvalJob<f32> = jobs.pop_front().unwrap();
            t.record(job.run(mnist()));
            waited += 1;
            continue;
        }
        if let Some(job) = t.step_detached(mnist()).unwrap().job {
            jobs.push_back(job);
        }
    }
    assert!(waited > 0, "with a job every other iteration the loop had to wait");
    while let Some(job) = jobs.pop_front() {
        t.record(job.run(mnist()));
    }
    assert_eq!(t.evals_out(), 0);
    // The figures are those of the loop's own evaluations.
    let mut run = Trainer::<f32>::new(config, mnist()).unwrap();
    run.run(mnist(), 12, |_| {}).unwrap();
    assert_eq!(t.evals(), run.evals());
}

#[test]
fn advancing_in_small_units_spreads_evaluations_and_changes_nothing() {
    let config = short(650);
    let mut run = Trainer::<f32>::new(config.clone(), mnist()).unwrap();
    run.run(mnist(), 650, |_| {}).unwrap();
    let mut adv = Trainer::<f32>::new(config, mnist()).unwrap();
    let mut seen = Vec::new();
    let mut saw_evaluating = false;
    let mut calls = 0;
    while !adv.is_done() {
        adv.advance(mnist(), 37, |e| seen.push(*e)).unwrap();
        saw_evaluating |= adv.evaluating();
        calls += 1;
        assert!(calls < 10_000, "advance makes progress");
    }
    assert!(saw_evaluating, "an evaluation spans several calls");
    // 650 iterations + 2 evaluations of ⌈60000/256⌉ + ⌈10000/256⌉ = 235 + 40 blocks each
    assert_eq!(calls, (650 + 2 * 275usize).div_ceil(37));
    assert_eq!(adv.losses(), run.losses());
    assert_eq!(adv.evals(), run.evals());
    assert_eq!(seen, run.evals());
    assert_eq!(adv.net(), run.net());
}

/// A run whose iterations split their products over two threads
/// ([`Scoped`], then [`Helper`]) equals the run on one: losses, evaluations and weights, to
/// the bit, in f32 and f64.
fn two_threads_equal_one<T: descent_core::Float>() {
    use descent_core::pair::{Helper, Scoped};
    use descent_core::{OneThread, Pair};
    use std::sync::Arc;
    let config = short(700);
    let mut one = Trainer::<T>::new(config.clone(), mnist()).unwrap();
    one.run(mnist(), 700, |_| {}).unwrap();
    // A new thread per join; the helper thread; the helper switched on and off
    // every 50 iterations (as `descent train` does around its evaluations),
    // with `advance` (evaluations in blocks, each cut in two for the pair).
    let helper: Arc<dyn Pair + Send + Sync> = Arc::new(Helper::new());
    for mode in 0..3 {
        let mut two = Trainer::<T>::new(config.clone(), mnist()).unwrap();
        match mode {
            0 => two.set_pair(Arc::new(Scoped)),
            _ => two.set_pair(helper.clone()),
        }
        assert_eq!((one.threads(), two.threads()), (1, 2));
        if mode < 2 {
            two.run(mnist(), 700, |_| {}).unwrap();
        } else {
            let mut k = 0;
            while !two.is_done() {
                two.set_pair(if k % 2 == 0 { helper.clone() } else { Arc::new(OneThread) });
                two.advance(mnist(), 50, |_| {}).unwrap();
                k += 1;
            }
        }
        assert_eq!(two.losses(), one.losses(), "mode {mode}");
        assert_eq!(two.evals(), one.evals(), "mode {mode}");
        assert_eq!(two.evals().len(), 2);
        assert_eq!(two.net(), one.net(), "mode {mode}");
    }
}

#[test]
fn two_threads_equal_one_f32() {
    two_threads_equal_one::<f32>();
}

#[test]
fn two_threads_equal_one_f64() {
    two_threads_equal_one::<f64>();
}

/// The training loop's step on a [`Panel`] (W1 padded to whole cache lines,
/// AVX-512 where the CPU has it), reading the batch's images in place
/// ([`Picked`]), against the plain sparse step on the images copied out: the
/// same sums in the same order, so the same weights to the bit, over 40 real batches.
fn panel_step_equals_the_sparse_step<T: descent_core::Float>() {
    use descent_core::pair::Scoped;
    use descent_core::sparse::Picked;
    use descent_core::train::pixel_scale;
    use descent_core::{Matrix, Panel, Rng, SparseRows, TwoLayerNet, Workspace};
    let d = mnist();
    let scale = pixel_scale::<T>();
    let mut rng = Rng::new(9);
    let mut plain = TwoLayerNet::<T>::new(784, 50, 10, 0.01, &mut rng);
    let mut paneled = plain.clone();
    let mut w1 = Panel::from_matrix(&paneled.params.w1);
    let lr = T::from_f64(0.1);
    let (mut wa, mut wb) = (Workspace::new(100, 50, 10), Workspace::new(100, 50, 10));
    let mut x = SparseRows::default();
    for _ in 0..40 {
        let picks: Vec<usize> = (0..100).map(|_| rng.index(60000)).collect();
        let labels: Vec<usize> = picks.iter().map(|&i| d.train.labels[i] as usize).collect();
        x.clear();
        for &i in &picks {
            x.push_list(d.train.nonzeros.image(i), &scale);
        }
        let picked = Picked::new(&d.train.nonzeros, &picks, &scale);
        plain.forward_sparse(&x, &mut wa);
        paneled.forward_panel(&w1, &picked, &mut wb);
        assert_eq!(wa.y, wb.y, "softmax outputs");
        // The same step as two jobs on two threads: the same bits.
        let mut wc = Workspace::new(100, 50, 10);
        let (mut paired, mut w1c) = (paneled.clone(), w1.clone());
        paired.forward_panel_pair(&w1c, &picked, &mut wc, &Scoped);
        assert_eq!((&wb.y, &wb.z1), (&wc.y, &wc.z1), "softmax outputs and z1 on two threads");
        plain.backward_update_sparse(&x, &labels, &mut wa, lr);
        paneled.backward_update_panel(&mut w1, &picked, &labels, &mut wb, lr);
        paired.backward_update_panel_pair(&mut w1c, &picked, &labels, &mut wc, lr, &Scoped);
        assert_eq!(w1c.as_rows(), w1.as_rows(), "W1 updated on two threads");
        assert_eq!(paired.params, paneled.params, "the head updated after a step on two threads");
    }
    let mut out = Matrix::zeros(784, 50);
    w1.store(&mut out);
    assert_eq!(out, plain.params.w1, "W1");
    assert_eq!(
        (paneled.params.b1, paneled.params.w2, paneled.params.b2),
        (plain.params.b1, plain.params.w2, plain.params.b2)
    );
}

#[test]
fn panel_step_equals_the_sparse_step_f32() {
    panel_step_equals_the_sparse_step::<f32>();
}

#[test]
fn panel_step_equals_the_sparse_step_f64() {
    panel_step_equals_the_sparse_step::<f64>();
}

/// Issue 13, item 5: the not-learning rule, the one the CLI and the page share.
mod not_learning {
    use descent_core::train::{NOT_LEARNING_MIN_ITERS, NOT_LEARNING_WINDOW};
    use descent_core::{NotLearning, not_learning};

    use super::*;

    #[test]
    fn fires_past_the_first_epoch_and_200_iterations_above_1_5_ln_10() {
        let threshold = 1.5 * 10f64.ln();
        let high = vec![threshold + 0.01; 1000];
        // Not before 200 iterations, nor within the first epoch.
        assert_eq!(not_learning(&high[..NOT_LEARNING_MIN_ITERS - 1], 10), None);
        assert_eq!(not_learning(&high[..600], 600), None);
        let w = not_learning(&high[..601], 600).unwrap();
        assert_eq!(w.iter, 601);
        assert!((w.recent_loss - (threshold + 0.01)).abs() < 1e-12);
        assert_eq!(not_learning(&high[..200], 100).map(|w| w.iter), Some(200));
        // Only the last 100 losses count, and only above the threshold.
        let mut losses = vec![100.0; 300];
        losses.extend(vec![threshold - 1e-9; NOT_LEARNING_WINDOW]);
        assert_eq!(not_learning(&losses, 100), None, "just below 1.5 ln 10");
        losses.push(threshold + 1.0);
        assert!(not_learning(&losses, 100).is_some());
        let msg = NotLearning { iter: 601, recent_loss: 6.16, lr: None }.to_string();
        assert!(
            msg.starts_with("the network is not learning: after 601 iterations the mean loss of the last 100 is 6.16")
        );
        assert!(msg.contains("learning rate or the init std is probably too large"), "{msg}");
        let named = |lr| NotLearning { iter: 601, recent_loss: 6.16, lr: Some(lr) }.to_string();
        assert!(named(1e6).contains("the learning rate (1000000) or the init std"), "{}", named(1e6));
        assert!(named(1e20).contains("the learning rate (1e20) or the init std"), "{}", named(1e20));
    }

    /// In f64, lr 1e20 trains on at finite losses of 5–15 (f32 stops on a NaN):
    /// the rule fires right after the first epoch; the book's run never fires.
    #[test]
    fn a_huge_learning_rate_in_f64_is_not_learning_and_the_book_run_is() {
        let data = mnist();
        let mut t = Trainer::<f64>::new(TrainConfig { lr: 1e20, iters: 700, ..TrainConfig::default() }, data).unwrap();
        t.run(data, 600, |_| {}).unwrap();
        assert_eq!(t.learning_check(), None, "within the first epoch");
        t.run(data, 1, |_| {}).unwrap();
        let w = t.learning_check().expect("not learning after 601 iterations");
        assert_eq!((w.iter, w.lr), (601, Some(1e20)));
        assert!(w.recent_loss.is_finite() && w.recent_loss > 1.5 * 10f64.ln(), "{w:?}");
        let mut book = Trainer::<f64>::new(TrainConfig { iters: 1300, ..TrainConfig::default() }, data).unwrap();
        for _ in 0..1300 {
            book.step(data).unwrap();
            assert_eq!(book.learning_check(), None, "at {}", book.iter());
        }
    }
}
