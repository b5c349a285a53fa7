//! An evaluation of the test set image by image: what the net predicts for
//! each image and how sure it is ([`Predictions`]), and what the page's views
//! draw from that: the [`Confusion`] matrix with per-class accuracy, and the
//! [`Mistake`]s ranked by confidence.
//!
//! The prediction is the argmax of the logits, exactly as the accuracy counts
//! it (`TwoLayerNet::accuracy`, the per-epoch evaluations), so the confusion
//! matrix's diagonal is the number of hits the accuracy was computed from: the
//! two can never disagree. The probabilities are the softmax of the same logits.

use alloc::vec;
use alloc::vec::Vec;

use crate::activations::softmax_rows;
use crate::float::Float;
use crate::matrix::argmax;

/// The net's prediction for each image of a set, in order: its class (the
/// argmax of the logits, the first of equal maxima: [`argmax`], which the
/// accuracy counts by) and the softmax
/// probabilities of every class.
#[derive(Clone, Debug, PartialEq)]
pub struct Predictions {
    classes: usize,
    predicted: Vec<u8>,
    /// `classes` per image.
    probs: Vec<f32>,
}

impl Predictions {
    /// No predictions yet, for a net of `classes` outputs (1–256), with room for `images`.
    ///
    /// # Panics
    /// If `classes` is 0 or more than 256 (a class must fit a `u8`, as IDX labels do).
    pub fn with_capacity(classes: usize, images: usize) -> Self {
        assert!((1..=256).contains(&classes), "Predictions: {classes} classes (1 to 256 fit a u8 label)");
        Self { classes, predicted: Vec::with_capacity(images), probs: Vec::with_capacity(images * classes) }
    }

    /// Adds the images whose logits are the rows of `logits` (`classes` per row).
    ///
    /// # Panics
    /// If `logits` is not a whole number of rows.
    pub fn push_logits<T: Float>(&mut self, logits: &[T]) {
        let c = self.classes;
        assert_eq!(logits.len() % c, 0, "Predictions::push_logits: {} values are not rows of {c}", logits.len());
        let mut row = vec![T::ZERO; c];
        for l in logits.chunks_exact(c) {
            self.predicted.push(argmax(l) as u8);
            row.copy_from_slice(l);
            softmax_rows(&mut row, c);
            self.probs.extend(row.iter().map(|p| p.to_f64() as f32));
        }
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// Number of images.
    pub fn len(&self) -> usize {
        self.predicted.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.predicted.is_empty()
    }

    /// The predicted class of every image.
    pub fn predicted(&self) -> &[u8] {
        &self.predicted
    }

    /// Every image's probabilities, `classes` per image.
    pub fn probs(&self) -> &[f32] {
        &self.probs
    }

    /// Image `i`'s probabilities.
    pub fn probs_of(&self, i: usize) -> &[f32] {
        &self.probs[i * self.classes..(i + 1) * self.classes]
    }

    /// The probability image `i` gets for its predicted class.
    pub fn confidence(&self, i: usize) -> f32 {
        self.probs_of(i)[usize::from(self.predicted[i])]
    }

    /// Images predicted right (`labels`: the true class of each image).
    pub fn hits(&self, labels: &[u8]) -> usize {
        self.check(labels);
        self.predicted.iter().zip(labels).filter(|(p, l)| p == l).count()
    }

    /// The confusion matrix against `labels` (see [`Confusion`]).
    pub fn confusion(&self, labels: &[u8]) -> Confusion {
        self.check(labels);
        Confusion::from_predictions(self.classes, labels, &self.predicted)
    }

    /// The images predicted wrong, the most confident first (see [`rank_mistakes`]).
    pub fn mistakes(&self, labels: &[u8]) -> Vec<Mistake> {
        self.check(labels);
        let confidence: Vec<f32> = (0..self.len()).map(|i| self.confidence(i)).collect();
        rank_mistakes(labels, &self.predicted, &confidence)
    }

    fn check(&self, labels: &[u8]) {
        assert_eq!(labels.len(), self.len(), "Predictions: {} labels for {} images", labels.len(), self.len());
    }
}

/// How many images of each true class (rows) were predicted as each class
/// (columns): the diagonal holds the hits.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Confusion {
    classes: usize,
    /// Row-major, `classes × classes`: `counts[t * classes + p]`.
    counts: Vec<u32>,
}

impl Confusion {
    /// An empty matrix for `classes` classes.
    pub fn new(classes: usize) -> Self {
        Self { classes, counts: vec![0; classes * classes] }
    }

    /// The matrix of `predicted` against `labels`.
    ///
    /// # Panics
    /// If the two differ in length or a class is `classes` or more.
    pub fn from_predictions(classes: usize, labels: &[u8], predicted: &[u8]) -> Self {
        assert_eq!(
            labels.len(),
            predicted.len(),
            "Confusion: {} labels, {} predictions",
            labels.len(),
            predicted.len()
        );
        let mut m = Self::new(classes);
        for (&t, &p) in labels.iter().zip(predicted) {
            m.add(t, p);
        }
        m
    }

    /// Counts one image of class `label` predicted as `predicted`.
    ///
    /// # Panics
    /// If either is `classes` or more.
    pub fn add(&mut self, label: u8, predicted: u8) {
        let (t, p) = (usize::from(label), usize::from(predicted));
        assert!(t < self.classes && p < self.classes, "Confusion::add: class {t} or {p} of {}", self.classes);
        self.counts[t * self.classes + p] += 1;
    }

    /// Number of classes.
    pub fn classes(&self) -> usize {
        self.classes
    }

    /// The counts, row-major (row: the true class; column: the predicted one).
    pub fn counts(&self) -> &[u32] {
        &self.counts
    }

    /// Images of class `label` predicted as `predicted`.
    pub fn count(&self, label: usize, predicted: usize) -> u32 {
        self.counts[label * self.classes + predicted]
    }

    /// Images of class `label` (the row's sum).
    pub fn class_total(&self, label: usize) -> u32 {
        self.counts[label * self.classes..(label + 1) * self.classes].iter().sum()
    }

    /// All images counted.
    pub fn total(&self) -> u64 {
        self.counts.iter().map(|&c| u64::from(c)).sum()
    }

    /// Images predicted right (the diagonal's sum).
    pub fn correct(&self) -> u64 {
        (0..self.classes).map(|k| u64::from(self.count(k, k))).sum()
    }

    /// correct / total (0 when empty): the accuracy the evaluation reports.
    pub fn accuracy(&self) -> f64 {
        let n = self.total();
        if n == 0 { 0.0 } else { self.correct() as f64 / n as f64 }
    }

    /// Each class's accuracy (its diagonal count over its row's sum; `None` for
    /// a class with no images). Also called the class's recall.
    pub fn class_accuracy(&self) -> Vec<Option<f64>> {
        (0..self.classes)
            .map(|k| match self.class_total(k) {
                0 => None,
                n => Some(f64::from(self.count(k, k)) / f64::from(n)),
            })
            .collect()
    }
}

/// An image the net got wrong.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Mistake {
    /// Its index in the set.
    pub index: u32,
    /// Its true class.
    pub label: u8,
    /// The class the net predicted.
    pub predicted: u8,
    /// The probability the net gave the predicted class.
    pub confidence: f32,
}

/// The images whose prediction differs from the label, the most confident
/// mistakes first (a tie goes to the lower index, so the order is the same
/// on every engine).
///
/// # Panics
/// If the three slices differ in length.
pub fn rank_mistakes(labels: &[u8], predicted: &[u8], confidence: &[f32]) -> Vec<Mistake> {
    assert!(
        labels.len() == predicted.len() && labels.len() == confidence.len(),
        "rank_mistakes: {} labels, {} predictions, {} confidences",
        labels.len(),
        predicted.len(),
        confidence.len()
    );
    let mut wrong: Vec<Mistake> = (0..labels.len())
        .filter(|&i| labels[i] != predicted[i])
        .map(|i| Mistake { index: i as u32, label: labels[i], predicted: predicted[i], confidence: confidence[i] })
        .collect();
    wrong.sort_by(|a, b| b.confidence.total_cmp(&a.confidence).then(a.index.cmp(&b.index)));
    wrong
}
