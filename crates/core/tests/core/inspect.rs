//! Test-set reports and weight views (inspect::report, inspect::weights):
//! what the page's confusion matrix, gallery of mistakes and weight tiles show.

use descent_core::inspect::report::{Confusion, Mistake, Predictions, rank_mistakes};
use descent_core::inspect::weights::{MAX_TILES, WeightView};
use descent_core::{Matrix, TrainConfig, Trainer};

use crate::training::mnist;

fn config(iters: usize) -> TrainConfig {
    TrainConfig { iters, seed: 11, ..TrainConfig::default() }
}

/// A trainer that keeps the test set's predictions, run to `iters` in one go.
fn predicted_run(iters: usize) -> (Trainer<f32>, Vec<descent_core::train::Evaluation>, Vec<(usize, Predictions)>) {
    let mut t = Trainer::<f32>::new(config(iters), mnist()).unwrap();
    t.set_predicting(true);
    let mut evals = Vec::new();
    t.run(mnist(), usize::MAX, |e| evals.push(*e)).unwrap();
    let p = t.take_predictions();
    (t, evals, p)
}

#[test]
fn each_evaluation_keeps_a_prediction_per_test_image_that_agrees_with_its_accuracy() {
    let (_, evals, preds) = predicted_run(1201);
    let labels = &mnist().test.labels;
    assert_eq!(evals.len(), 3, "evaluations at 0, 600, 1200");
    assert_eq!(preds.iter().map(|(i, _)| *i).collect::<Vec<_>>(), [0, 600, 1200]);
    for (e, (_, p)) in evals.iter().zip(&preds) {
        assert_eq!(p.len(), 10_000);
        let m = p.confusion(labels);
        assert_eq!(m.total(), 10_000, "the matrix counts every test image once");
        assert_eq!(m.correct() as f64 / 10_000.0, e.test_acc, "diagonal = accuracy × 10 000, exactly");
        assert_eq!(m.correct(), p.hits(labels) as u64);
        let rows: Vec<u32> = (0..10).map(|k| m.class_total(k)).collect();
        assert_eq!(rows, [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009], "rows sum to the label counts");
        // The per-class accuracies, weighted by the classes' sizes, give the accuracy back.
        let weighted: f64 = m.class_accuracy().iter().zip(&rows).map(|(a, &n)| a.unwrap() * f64::from(n)).sum();
        assert!((weighted / 10_000.0 - e.test_acc).abs() < 1e-12);
        // Probabilities: a distribution per image, the prediction its most likely class.
        for i in (0..10_000).step_by(97) {
            let pr = p.probs_of(i);
            assert!((pr.iter().sum::<f32>() - 1.0).abs() < 1e-5, "image {i}: {pr:?}");
            let max = pr.iter().copied().fold(f32::MIN, f32::max);
            assert_eq!(p.confidence(i), max, "image {i}: the predicted class has the largest probability");
        }
        // The mistakes: exactly the images off the diagonal, the most confident first.
        let wrong = p.mistakes(labels);
        assert_eq!(wrong.len() as u64, m.total() - m.correct());
        assert!(wrong.windows(2).all(|w| w[0].confidence >= w[1].confidence));
        for w in &wrong {
            let i = w.index as usize;
            assert_eq!((w.label, w.predicted), (labels[i], p.predicted()[i]));
            assert_ne!(w.label, w.predicted);
        }
    }
    let (first, last) = (preds[0].1.confusion(labels), preds[2].1.confusion(labels));
    assert!(last.correct() > first.correct() + 5000, "the net learned: {} → {}", first.correct(), last.correct());
}

#[test]
fn keeping_predictions_changes_no_figure_of_the_run() {
    let mut plain = Trainer::<f32>::new(config(650), mnist()).unwrap();
    plain.run(mnist(), usize::MAX, |_| {}).unwrap();
    let (kept, _, _) = predicted_run(650);
    assert_eq!(plain.losses(), kept.losses());
    assert_eq!(plain.evals(), kept.evals());
    assert!(plain.take_predictions().is_empty(), "off by default");
}

#[test]
fn detached_spread_and_final_evaluations_predict_alike() {
    let (mut whole, _, preds) = predicted_run(650);
    // Spread over small units of work (the page's inline path), blocks across calls.
    let mut adv = Trainer::<f32>::new(config(650), mnist()).unwrap();
    adv.set_predicting(true);
    while !adv.is_done() {
        adv.advance(mnist(), 37, |_| {}).unwrap();
    }
    assert_eq!(adv.take_predictions(), preds, "advance in units of 37 = one long run");
    // Handed out as jobs (the evaluation worker's path).
    let mut det = Trainer::<f32>::new(config(650), mnist()).unwrap();
    let mut jobs = Vec::new();
    while det.remaining() > 0 {
        jobs.extend(det.step_detached(mnist()).unwrap().job);
    }
    let d = mnist();
    let from_jobs: Vec<_> = jobs
        .iter()
        .map(|j| (j.iter(), j.run_predicting(descent_core::Labeled::of(&d.train), descent_core::Labeled::of(&d.test))))
        .collect();
    for ((iter, (e, p)), (want_iter, want)) in from_jobs.iter().zip(&preds) {
        assert_eq!((iter, p), (want_iter, want));
        assert_eq!(e.test_acc, p.hits(&d.test.labels) as f64 / 10_000.0);
    }
    // The final evaluation of the final weights.
    let (train, test, p) = whole.evaluate_predicting(mnist());
    assert_eq!((train, test), whole.evaluate(mnist()));
    assert_eq!(p.confusion(&d.test.labels).accuracy(), test);
}

#[test]
fn mistakes_are_ranked_by_confidence_then_index() {
    let labels = [0, 1, 2, 3, 4, 5];
    let predicted = [0, 2, 2, 1, 1, 9];
    let confidence = [0.99, 0.6, 0.9, 0.8, 0.6, 0.95];
    let m = |index, label, predicted, confidence| Mistake { index, label, predicted, confidence };
    assert_eq!(
        rank_mistakes(&labels, &predicted, &confidence),
        [m(5, 5, 9, 0.95), m(3, 3, 1, 0.8), m(1, 1, 2, 0.6), m(4, 4, 1, 0.6)],
        "right predictions left out; the tie at 0.6 goes to the lower index"
    );
    assert!(rank_mistakes(&[], &[], &[]).is_empty());
}

#[test]
fn a_confusion_matrix_counts_rows_as_true_classes() {
    let m = Confusion::from_predictions(3, &[0, 0, 1, 2, 2, 2], &[0, 1, 1, 2, 0, 2]);
    assert_eq!(m.counts(), [1, 1, 0, 0, 1, 0, 1, 0, 2]);
    assert_eq!((m.total(), m.correct()), (6, 4));
    assert_eq!(m.class_accuracy(), [Some(0.5), Some(1.0), Some(2.0 / 3.0)]);
    assert_eq!(Confusion::new(2).class_accuracy(), [None, None], "a class with no images has no accuracy");
    assert_eq!(Confusion::new(2).accuracy(), 0.0);
}

#[test]
fn predictions_from_logits_follow_softmax_and_the_first_maximum() {
    let mut p = Predictions::with_capacity(3, 2);
    p.push_logits(&[1.0f64, 3.0, 3.0, 0.0, 0.0, 0.0]);
    assert_eq!(p.predicted(), [1, 0], "ties go to the first class, as the accuracy counts");
    assert!((p.probs_of(1)[0] - 1.0 / 3.0).abs() < 1e-7);
    let e = [1f64.exp(), 3f64.exp(), 3f64.exp()];
    let s: f64 = e.iter().sum();
    assert!((f64::from(p.confidence(0)) - e[1] / s).abs() < 1e-7);
}

#[test]
fn weight_tiles_are_w1s_columns_with_their_scales() {
    // W1: 4 pixels (2 × 2) × 3 units, W1[p][u] = p·10 + u, one negative.
    let mut w1 = Matrix::<f64>::from_vec(4, 3, (0..12).map(|k| f64::from(k / 3 * 10 + k % 3)).collect());
    w1.as_mut_slice()[5] = -50.0; // W1[1][2]
    let w2 = Matrix::<f64>::from_vec(3, 2, vec![0.5, -2.0, 1.0, 0.0, 0.25, 1.5]);
    let v = WeightView::new(&w1, &w2, 2, 2);
    assert_eq!((v.hidden, v.output, v.shown, v.rows, v.cols), (3, 2, 3, 2, 2));
    assert_eq!(v.tile(0), [0.0, 10.0, 20.0, 30.0]);
    assert_eq!(v.tile(2), [2.0, -50.0, 22.0, 32.0]);
    assert_eq!((v.unit_min[2], v.unit_max[2]), (-50.0, 32.0));
    assert_eq!((v.w1_max, v.w2_scale), (50.0, 2.0));
    // The tiles' scale: the 99th percentile of |w| (of 12 weights, the 11th smallest: 32).
    assert_eq!(v.w1_scale, 32.0);
    assert_eq!(v.w2, [0.5, -2.0, 1.0, 0.0, 0.25, 1.5]);
    // A wide net: only the first MAX_TILES units are tiled; the scale is W1's whole.
    let mut wide = Matrix::<f32>::from_vec(4, MAX_TILES + 5, vec![0.0; 4 * (MAX_TILES + 5)]);
    wide.as_mut_slice()[4 * (MAX_TILES + 5) - 1] = -3.0;
    let v = WeightView::new(&wide, &Matrix::<f32>::from_vec(MAX_TILES + 5, 1, vec![0.0; MAX_TILES + 5]), 2, 2);
    assert_eq!((v.shown, v.tiles.len(), v.w1_max), (MAX_TILES, MAX_TILES * 4, 3.0));
    assert_eq!(v.w1_scale, 1.0, "all the tiles' weights are 0 (the −3 is past them): scale 1");
}

#[test]
fn the_tiles_scale_leaves_one_percent_of_the_weights_above_it() {
    // 1000 weights |w| = 1 … 1000 (signs alternating) in 10 units of 100 pixels (10 × 10).
    let w1 =
        Matrix::<f32>::from_vec(100, 10, (1..=1000).map(|k| if k % 2 == 0 { k as f32 } else { -(k as f32) }).collect());
    let v = WeightView::new(&w1, &Matrix::<f32>::from_vec(10, 1, vec![0.0; 10]), 10, 10);
    assert_eq!(v.w1_scale, 990.0, "index ⌊999 × 0.99⌋ = 989 of the sorted |w|");
    assert_eq!(v.w1_max, 1000.0);
    let above = v.tiles.iter().filter(|w| w.abs() > v.w1_scale).count();
    assert_eq!(above, 10);
}
