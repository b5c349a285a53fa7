//! The views inside the net, for the page: a test set's report (confusion
//! matrix, per-class accuracy, mistakes ranked), the weights as tiles, and a
//! prediction for a drawing or a test image. All computed by the core
//! (`descent_core::inspect`); here they only become JS values, bulk numbers as
//! typed arrays (copies, which a worker may transfer).

use descent_core::Evaluation;
use descent_core::inspect::report::Predictions;
use descent_core::inspect::weights::WeightView;
use js_sys::{Float32Array, Float64Array, Reflect, Uint8Array, Uint32Array};
use wasm_bindgen::prelude::*;

use crate::js::{to_js, with_arrays};

/// A test set's report:
/// `{classes, total, correct, confusion: Uint32Array (classes², row = true class),
/// classAccuracy: Float64Array (NaN for a class without images), mistakes:
/// {count, index: Uint32Array, label: Uint8Array, predicted: Uint8Array,
/// confidence: Float32Array, probs: Float32Array (classes per mistake)}}`,
/// the mistakes the most confident first.
pub fn report_to_js(p: &Predictions, labels: &[u8]) -> JsValue {
    let m = p.confusion(labels);
    let wrong = p.mistakes(labels);
    let c = p.classes();
    #[derive(serde::Serialize)]
    struct Head {
        classes: usize,
        total: u64,
        correct: u64,
    }
    #[derive(serde::Serialize)]
    struct Count {
        count: usize,
    }
    let class_acc: Vec<f64> = m.class_accuracy().into_iter().map(|a| a.unwrap_or(f64::NAN)).collect();
    let mut probs = Vec::with_capacity(wrong.len() * c);
    for w in &wrong {
        probs.extend_from_slice(p.probs_of(w.index as usize));
    }
    let mistakes = with_arrays(
        &Count { count: wrong.len() },
        &[
            ("index", Uint32Array::from(&wrong.iter().map(|w| w.index).collect::<Vec<_>>()[..]).into()),
            ("label", Uint8Array::from(&wrong.iter().map(|w| w.label).collect::<Vec<_>>()[..]).into()),
            ("predicted", Uint8Array::from(&wrong.iter().map(|w| w.predicted).collect::<Vec<_>>()[..]).into()),
            ("confidence", Float32Array::from(&wrong.iter().map(|w| w.confidence).collect::<Vec<_>>()[..]).into()),
            ("probs", Float32Array::from(&probs[..]).into()),
        ],
    );
    with_arrays(
        &Head { classes: c, total: m.total(), correct: m.correct() },
        &[
            ("confusion", Uint32Array::from(m.counts()).into()),
            ("classAccuracy", Float64Array::from(&class_acc[..]).into()),
            ("mistakes", mistakes),
        ],
    )
}

/// An evaluation as the page gets it (`{iter, epoch, trainAcc, testAcc, loss}`)
/// with its test set's `report` when there is one.
pub fn eval_with_report(e: &Evaluation, report: Option<JsValue>) -> JsValue {
    let o = to_js(e);
    if let Some(r) = report {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &JsValue::from_str("report"), &r);
    }
    o
}

/// The weights to draw: `{iter, rows, cols, hidden, output, shown, w1Scale, w1Max, w2Scale,
/// tiles: Float32Array (shown × rows·cols, tile u = W1's column u), unitMin, unitMax:
/// Float32Array (shown), w2: Float32Array (hidden × output)}`.
pub fn view_to_js(v: &WeightView, iter: usize) -> JsValue {
    #[derive(serde::Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Head {
        iter: usize,
        rows: usize,
        cols: usize,
        hidden: usize,
        output: usize,
        shown: usize,
        w1_scale: f32,
        w1_max: f32,
        w2_scale: f32,
    }
    let head = Head {
        iter,
        rows: v.rows,
        cols: v.cols,
        hidden: v.hidden,
        output: v.output,
        shown: v.shown,
        w1_scale: v.w1_scale,
        w1_max: v.w1_max,
        w2_scale: v.w2_scale,
    };
    with_arrays(
        &head,
        &[
            ("tiles", Float32Array::from(&v.tiles[..]).into()),
            ("unitMin", Float32Array::from(&v.unit_min[..]).into()),
            ("unitMax", Float32Array::from(&v.unit_max[..]).into()),
            ("w2", Float32Array::from(&v.w2[..]).into()),
        ],
    )
}

/// What the net says of one image: `{iter, predicted, label, index, image:
/// Uint8Array (the pixels it read), probs: Float32Array}` (`label` and `index`
/// null for a drawing).
pub fn prediction_to_js(image: &[u8], probs: &[f32], iter: usize, test: Option<(usize, u8)>) -> JsValue {
    #[derive(serde::Serialize)]
    struct Head {
        iter: usize,
        predicted: usize,
        label: Option<u8>,
        index: Option<usize>,
        empty: bool,
    }
    let predicted = descent_core::matrix::argmax(probs);
    let head = Head { iter, predicted, label: test.map(|t| t.1), index: test.map(|t| t.0), empty: false };
    with_arrays(&head, &[("image", Uint8Array::from(image).into()), ("probs", Float32Array::from(probs).into())])
}
