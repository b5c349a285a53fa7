//! descent-web in a real browser: `wasm-pack test --headless --chrome crates/web`.
#![cfg(target_arch = "wasm32")]

use descent_web::Trainer;
use js_sys::{Array, Float32Array, Float64Array, Reflect, Uint8Array, Uint32Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap()
}

fn config(pairs: &[(&str, JsValue)]) -> JsValue {
    let o = js_sys::Object::new();
    for (k, v) in pairs {
        Reflect::set(&o, &JsValue::from_str(k), v).unwrap();
    }
    o.into()
}

fn message(e: impl Into<JsValue>) -> String {
    let v: JsValue = e.into();
    get(&v, "message").as_string().unwrap()
}

fn idx(magic: u8, dims: &[u32], body: &[u8]) -> Vec<u8> {
    let mut b = vec![0, 0, 8, magic];
    for d in dims {
        b.extend_from_slice(&d.to_be_bytes());
    }
    b.extend_from_slice(body);
    b
}

/// A small learnable data set made here: class c lights up row band c of a 28×28 image.
fn synthetic(count: usize, seed: u32) -> (Vec<u8>, Vec<u8>) {
    let mut pixels = vec![0u8; count * 784];
    let mut labels = Vec::with_capacity(count);
    let mut s = seed;
    for i in 0..count {
        s = s.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        let c = (s >> 24) as usize % 10;
        labels.push(c as u8);
        for col in 0..28 {
            for row in (c * 2 + 4)..(c * 2 + 6) {
                pixels[i * 784 + row * 28 + col] = 200 + ((s >> (col % 8)) & 31) as u8;
            }
        }
    }
    (idx(3, &[count as u32, 28, 28], &pixels), idx(1, &[count as u32], &labels))
}

fn loaded(cfg: JsValue) -> Trainer {
    let mut t = Trainer::new(cfg).unwrap();
    let (ti, tl) = synthetic(300, 1);
    let (si, sl) = synthetic(100, 2);
    t.load_mnist(ti, tl, si, sl).unwrap();
    t
}

#[wasm_bindgen_test]
fn config_errors_name_the_field() {
    let cases = [
        (config(&[("lr", (-1.0).into())]), "lr: "),
        (config(&[("lr", f64::NAN.into())]), "lr: "),
        (config(&[("lr", "fast".into())]), "lr: expected a number"),
        (config(&[("batch", 0.into())]), "batch: "),
        (config(&[("batch", 2.5.into())]), "batch: "),
        (config(&[("hidden", 0.into())]), "hidden: "),
        (config(&[("iters", 0.into())]), "iters: "),
        (config(&[("initStd", (-0.5).into())]), "initStd: "),
        (config(&[("seed", (-3).into())]), "seed: "),
        (config(&[("precision", "f16".into())]), "precision: "),
        (config(&[("learningRate", 0.1.into())]), "learningRate: unknown config field"),
    ];
    for (cfg, prefix) in cases {
        let msg = message(Trainer::new(cfg).unwrap_err());
        assert!(msg.starts_with(prefix), "{msg:?} should start with {prefix:?}");
    }
    // The batch bound needs the data: 301 > 300 training images.
    let mut t = Trainer::new(config(&[("batch", 301.into())])).unwrap();
    let (ti, tl) = synthetic(300, 1);
    let (si, sl) = synthetic(100, 2);
    let msg = message(t.load_mnist(ti, tl, si, sl).unwrap_err());
    assert!(msg.starts_with("batch: the batch size 301 is larger than the training set (300 images)"), "{msg}");
}

#[wasm_bindgen_test]
fn defaults_are_the_books() {
    let d = Trainer::defaults();
    assert_eq!(get(&d, "hidden").as_f64(), Some(50.0));
    assert_eq!(get(&d, "lr").as_f64(), Some(0.1));
    assert_eq!(get(&d, "batch").as_f64(), Some(100.0));
    assert_eq!(get(&d, "iters").as_f64(), Some(10000.0));
    assert_eq!(get(&d, "initStd").as_f64(), Some(0.01));
    let t = Trainer::new(JsValue::UNDEFINED).unwrap();
    assert_eq!(get(&t.config(), "lr").as_f64(), Some(0.1));
}

#[wasm_bindgen_test]
fn corrupt_idx_bytes_give_an_error_not_a_trap() {
    let mut t = Trainer::new(JsValue::UNDEFINED).unwrap();
    let (ti, tl) = synthetic(300, 1);
    let (si, sl) = synthetic(100, 2);
    let mut truncated = si.clone();
    truncated.truncate(5000);
    let msg = message(t.load_mnist(ti.clone(), tl.clone(), truncated, sl.clone()).unwrap_err());
    assert!(msg.starts_with("t10k-images-idx3-ubyte: ") && msg.contains("truncated"), "{msg}");
    let html = b"<!doctype html><title>404</title>".to_vec();
    let msg = message(t.load_mnist(html, tl.clone(), si.clone(), sl.clone()).unwrap_err());
    assert!(msg.starts_with("train-images-idx3-ubyte: magic number"), "{msg}");
    let msg = message(t.load_mnist(ti.clone(), tl.clone(), si.clone(), idx(1, &[100], &[11; 100])).unwrap_err());
    assert!(msg.contains("label 11 at index 0"), "{msg}");
    // The trainer is still usable after errors.
    t.load_mnist(ti, tl, si, sl).unwrap();
    assert!(t.train(5).is_ok());
    // Training before loading data is an error too.
    let mut fresh = Trainer::new(JsValue::UNDEFINED).unwrap();
    assert!(message(fresh.train(1).unwrap_err()).starts_with("no data loaded"));
}

/// Calls `train(units)` until the run is done; returns every call's losses and evaluations.
fn train_to_end(t: &mut Trainer, units: u32) -> (Vec<f32>, Vec<JsValue>, JsValue) {
    let (mut losses, mut evals) = (Vec::new(), Vec::new());
    for _ in 0..100_000 {
        let p = t.train(units).unwrap();
        losses.extend(get(&p, "losses").dyn_into::<Float32Array>().unwrap().to_vec());
        evals.extend(get(&p, "evals").dyn_into::<Array>().unwrap().iter());
        if get(&p, "done").as_bool() == Some(true) {
            return (losses, evals, p);
        }
    }
    panic!("the run never finished");
}

#[wasm_bindgen_test]
fn a_short_run_lowers_the_loss() {
    let mut t = loaded(config(&[("iters", 300.into()), ("batch", 20.into()), ("lr", 0.5.into())]));
    // One unit is an iteration or a block of 256 evaluation images: 300 units are not enough.
    let p = t.train(300).unwrap();
    assert_eq!(get(&p, "done").as_bool(), Some(false));
    assert!(get(&p, "iter").as_f64().unwrap() < 300.0);
    let (later_losses, evals, p) = train_to_end(&mut t, 64);
    assert_eq!(get(&p, "iter").as_f64(), Some(300.0));
    assert!(!later_losses.is_empty() && later_losses.len() < 300);
    let l = t.loss_history().to_vec();
    let mean = |s: &[f32]| s.iter().sum::<f32>() / s.len() as f32;
    assert!(mean(&l[250..]) < 0.5 * mean(&l[..20]), "loss {} → {}", mean(&l[..20]), mean(&l[250..]));
    // 300 images / batch 20 = 15 iterations an epoch: evaluations at 0, 15, …, 285.
    let all = t.eval_history();
    assert_eq!(all.length(), 20);
    assert!(evals.len() <= 20);
    let last = all.get(19);
    assert!(get(&last, "testAcc").as_f64().unwrap() > 0.9, "{:?}", get(&last, "testAcc"));
    let probs = t.predict(&vec![0u8; 784]).unwrap().to_vec();
    assert_eq!(probs.len(), 10);
    assert!((probs.iter().sum::<f32>() - 1.0).abs() < 1e-5);
    assert!(t.predict(&[0u8; 10]).is_err());
    let w = t.weights().unwrap();
    assert_eq!(get(&w, "w1").dyn_into::<Float32Array>().unwrap().length(), 784 * 50);
}

#[wasm_bindgen_test]
fn chunked_training_equals_one_run() {
    for precision in ["f32", "f64"] {
        let cfg = || {
            config(&[("iters", 200.into()), ("batch", 30.into()), ("seed", 9.into()), ("precision", precision.into())])
        };
        let mut one = loaded(cfg());
        train_to_end(&mut one, 100_000);
        let mut chunked = loaded(cfg());
        for n in [1, 13, 50, 36, 100] {
            chunked.train(n).unwrap();
        }
        train_to_end(&mut chunked, 7);
        assert_eq!(chunked.iteration(), 200);
        assert_eq!(one.loss_history().to_vec(), chunked.loss_history().to_vec(), "{precision}");
        let w = |t: &mut Trainer| get(&t.weights().unwrap(), "w2").dyn_into::<Float32Array>().unwrap().to_vec();
        assert_eq!(w(&mut one), w(&mut chunked));
        // reset: back to iteration 0, and the same seed replays the same losses
        chunked.reset().unwrap();
        assert_eq!(chunked.iteration(), 0);
        train_to_end(&mut chunked, 1000);
        assert_eq!(one.loss_history().to_vec(), chunked.loss_history().to_vec());
    }
}

#[wasm_bindgen_test]
fn a_nan_loss_stops_the_run_with_a_message() {
    let mut t = loaded(config(&[("iters", 100.into()), ("lr", 1e38.into()), ("batch", 20.into())]));
    let p = t.train(1000).unwrap();
    assert_eq!(get(&p, "diverged").as_bool(), Some(true));
    let msg = get(&p, "error").as_string().unwrap();
    assert!(msg.starts_with("training diverged at iteration"), "{msg}");
    let iter = get(&p, "iter").as_f64().unwrap();
    assert!(iter < 100.0);
    assert_eq!(t.loss_history().length() as f64, iter, "the history up to the divergence is kept");
    assert!(t.diverged().is_some());
}

/// Header-less pixels and labels of a synthetic set.
fn bodies(count: usize, seed: u32) -> (Vec<u8>, Vec<u8>) {
    let (i, l) = synthetic(count, seed);
    (i[16..].to_vec(), l[8..].to_vec())
}

#[wasm_bindgen_test]
fn detached_evaluations_in_an_evaluator_match_the_trainers_own() {
    use descent_web::Evaluator;
    for precision in ["f32", "f64"] {
        let cfg = || {
            config(&[("iters", 100.into()), ("batch", 20.into()), ("seed", 4.into()), ("precision", precision.into())])
        };
        let mut inline = loaded(cfg());
        train_to_end(&mut inline, 1000);
        let want: Vec<JsValue> = inline.eval_history().iter().collect();
        assert_eq!(want.len(), 7, "300 / 20 = 15 iterations an epoch: i = 0, 15, …, 90");

        // The evaluator gets the images in pieces of 7 (any whole number works).
        let mut ev = Evaluator::new(784).unwrap();
        let ((tp, tl), (sp, sl)) = (bodies(300, 1), bodies(100, 2));
        for chunk in tp.chunks(7 * 784) {
            ev.add_images(false, chunk).unwrap();
        }
        ev.set_labels(false, tl);
        ev.add_images(true, &sp).unwrap();
        ev.set_labels(true, sl);
        assert_eq!(get(&ev.sizes(), "train").as_f64(), Some(300.0));

        let mut det = loaded(cfg());
        let mut jobs = Vec::new();
        for _ in 0..1000 {
            let p = det.train_detached(9).unwrap();
            assert_eq!(get(&p, "evals").dyn_into::<Array>().unwrap().length(), 0);
            jobs.extend(get(&p, "jobs").dyn_into::<Array>().unwrap().iter());
            if get(&p, "done").as_bool() == Some(true) {
                break;
            }
        }
        assert_eq!(jobs.len(), 7, "{precision}");
        assert_eq!(det.eval_history().length(), 0, "nothing recorded until the results come back");
        for (job, want) in jobs.iter().zip(&want) {
            let got = ev.run(job.clone()).unwrap();
            let here = det.run_eval_job(job.clone()).unwrap();
            for k in ["iter", "epoch", "trainAcc", "testAcc", "loss"] {
                assert_eq!(get(&got, k).as_f64(), get(want, k).as_f64(), "{precision} {k}");
                assert_eq!(get(&here, k).as_f64(), get(want, k).as_f64(), "{precision} {k} (runEvalJob)");
            }
            det.record(got).unwrap();
        }
        assert_eq!(det.eval_history().length(), 7);
        assert_eq!(det.loss_history().to_vec(), inline.loss_history().to_vec());
    }
}

#[wasm_bindgen_test]
fn evaluator_errors_say_what_is_wrong() {
    use descent_web::Evaluator;
    assert!(message(Evaluator::new(0).unwrap_err()).starts_with("pixelCount:"));
    let mut ev = Evaluator::new(784).unwrap();
    assert!(message(ev.add_images(false, &[0u8; 785]).unwrap_err()).contains("not a whole number of 784-pixel images"));
    let mut t = loaded(config(&[("iters", 20.into()), ("batch", 20.into())]));
    let p = t.train_detached(1).unwrap();
    let job = get(&p, "jobs").dyn_into::<Array>().unwrap().get(0);
    // images without labels
    let (tp, _) = bodies(10, 1);
    ev.add_images(false, &tp).unwrap();
    assert!(message(ev.run(job.clone()).unwrap_err()).contains("has 10 images but 0 labels"));
    // a damaged job
    Reflect::set(&job, &JsValue::from_str("w1"), &Float32Array::new_with_length(3)).unwrap();
    assert!(message(ev.run(job.clone()).unwrap_err()).starts_with("job.w1: expected 39200 numbers"));
    Reflect::set(&job, &JsValue::from_str("precision"), &"f16".into()).unwrap();
    assert!(message(ev.run(job).unwrap_err()).starts_with("job.precision:"));
    assert!(message(ev.run(JsValue::from(3)).unwrap_err()).starts_with("job:"));
    // a bad evaluation to record
    assert!(
        message(t.record(config(&[("iter", 0.into()), ("epoch", 0.into()), ("trainAcc", 2.into())])).unwrap_err())
            .starts_with("evaluation.trainAcc")
    );
}

#[wasm_bindgen_test]
fn bench_iterations_times_each_part() {
    let fresh = Trainer::new(JsValue::UNDEFINED).unwrap();
    assert!(message(fresh.bench_iterations(10).unwrap_err()).starts_with("no data loaded"));
    let t = loaded(config(&[("precision", "f64".into())]));
    assert!(message(t.bench_iterations(0).unwrap_err()).contains("at least 1"));
    let b = t.bench_iterations(30).unwrap();
    assert_eq!(get(&b, "iters").as_f64(), Some(30.0));
    let parts: Vec<f64> =
        ["gatherMs", "forwardMs", "backwardUpdateMs"].iter().map(|k| get(&b, k).as_f64().unwrap()).collect();
    let per = get(&b, "perIterMs").as_f64().unwrap();
    assert!(parts.iter().all(|p| p.is_finite() && *p >= 0.0), "{parts:?}");
    // The parts are timed inside the iterations, so they add up to no more than the whole.
    assert!(parts.iter().sum::<f64>() <= per * 1.001 + 1e-9, "{parts:?} vs {per}");
    assert!(per > 0.0);
    // The run itself is untouched.
    assert_eq!(t.iteration(), 0);
}

#[wasm_bindgen_test]
fn detached_training_hands_out_one_job_a_call_and_finishes_an_evaluation_under_way() {
    // 300 / 20 = 15 iterations an epoch.
    let cfg = || config(&[("iters", 40.into()), ("batch", 20.into()), ("seed", 5.into())]);
    let mut inline = loaded(cfg());
    train_to_end(&mut inline, 1000);
    let want: Vec<JsValue> = inline.eval_history().iter().collect();

    let mut t = loaded(cfg());
    // Inline until iteration 15's evaluation is under way (its blocks spread over calls)…
    let mut p = t.train(16).unwrap();
    assert_eq!(get(&p, "evals").dyn_into::<Array>().unwrap().length(), 1, "i = 0 evaluated inline");
    while get(&p, "evaluating").as_bool() != Some(true) {
        p = t.train(1).unwrap();
    }
    // …then detached: the first call finishes that evaluation and returns it in `evals`.
    let p = t.train_detached(100).unwrap();
    let evals = get(&p, "evals").dyn_into::<Array>().unwrap();
    assert_eq!(evals.length(), 1);
    assert_eq!(get(&evals.get(0), "iter").as_f64(), Some(15.0));
    // The next evaluation falls due at i = 30: the call stops there with one job.
    let jobs = get(&p, "jobs").dyn_into::<Array>().unwrap();
    assert_eq!(jobs.length(), 1);
    assert_eq!(get(&jobs.get(0), "iter").as_f64(), Some(30.0));
    assert_eq!(t.iteration(), 31);
    t.record(t.run_eval_job(jobs.get(0)).unwrap()).unwrap();
    let p = t.train_detached(100).unwrap();
    assert_eq!(get(&p, "jobs").dyn_into::<Array>().unwrap().length(), 0);
    assert_eq!(get(&p, "done").as_bool(), Some(true));
    let got: Vec<JsValue> = t.eval_history().iter().collect();
    assert_eq!(got.len(), want.len());
    for (g, w) in got.iter().zip(&want) {
        for k in ["iter", "trainAcc", "testAcc", "loss"] {
            assert_eq!(get(g, k).as_f64(), get(w, k).as_f64(), "{k}");
        }
    }
}

#[wasm_bindgen_test]
fn malformed_jobs_and_sizes_are_refused_not_trapped() {
    use descent_web::Evaluator;
    let mut t = loaded(config(&[("iters", 20.into()), ("batch", 20.into())]));
    let job = get(&t.train_detached(1).unwrap(), "jobs").dyn_into::<Array>().unwrap().get(0);
    // a net far too big for memory
    Reflect::set(&job, &JsValue::from_str("hidden"), &JsValue::from(4.0e9)).unwrap();
    assert!(message(t.run_eval_job(job.clone()).unwrap_err()).contains("more weights than this page can hold"));
    // weights that do not match the shape the job states
    Reflect::set(&job, &JsValue::from_str("hidden"), &JsValue::from(50)).unwrap();
    Reflect::set(&job, &JsValue::from_str("output"), &JsValue::from(3)).unwrap();
    assert!(message(t.run_eval_job(job.clone()).unwrap_err()).starts_with("job.w2: expected 150 numbers"));
    // a net for images of another size
    Reflect::set(&job, &JsValue::from_str("output"), &JsValue::from(10)).unwrap();
    assert!(message(Evaluator::new(100).unwrap().run(job).unwrap_err()).contains("the net takes 784 pixels"));
    let mut ev = Evaluator::new(784).unwrap();
    assert!(message(ev.reserve(false, 2, 10_000).unwrap_err()).starts_with("nonzeros:"));
    ev.reserve(false, 10, 1000).unwrap();
}

/// The schema the page renders its form from is the core's, field for field.
#[wasm_bindgen_test]
fn the_config_schema_is_the_cores() {
    let schema: js_sys::Array = descent_web::config_schema().unwrap().into();
    assert_eq!(schema.length() as usize, descent_core::schema::FIELDS.len());
    for (i, f) in descent_core::schema::FIELDS.iter().enumerate() {
        let js = schema.get(i as u32);
        assert_eq!(get(&js, "name").as_string().as_deref(), Some(f.name));
        assert_eq!(get(&js, "flag").as_string().as_deref(), Some(f.flag));
        assert_eq!(get(&js, "label").as_string().as_deref(), Some(f.label));
        assert_eq!(get(&js, "max").as_f64(), Some(f.max));
        assert_eq!(get(&js, "default").as_f64(), Some(f.default));
    }
    let hidden = schema.get(0);
    assert_eq!(get(&hidden, "kind").as_string().as_deref(), Some("int"));
    assert_eq!(get(&hidden, "max").as_f64(), Some(10_000.0));
}

/// checkSetting is the core's one check, with the message the CLI prints.
#[wasm_bindgen_test]
fn check_setting_is_the_cores_check() {
    assert_eq!(descent_web::check_setting("hidden", 50.0).unwrap(), None);
    assert_eq!(
        descent_web::check_setting("hidden", 20000.0).unwrap().as_deref(),
        Some("the hidden size must be a whole number from 1 to 10,000 (default 50), got 20,000")
    );
    assert!(descent_web::check_setting("lr", 0.0).unwrap().unwrap().starts_with("the learning rate must be"));
    assert!(descent_web::check_setting("colour", 1.0).is_err());
}

/// A config error is an Error with `field` (the schema's name), not text to parse.
#[wasm_bindgen_test]
fn config_errors_carry_the_field() {
    for (cfg, field) in [
        (config(&[("hidden", 20000.into())]), "hidden"),
        (config(&[("batch", 2.5.into())]), "batch"),
        (config(&[("initStd", (-1).into())]), "initStd"),
        (config(&[("lr", "fast".into())]), "lr"),
        (config(&[("precision", "f16".into())]), "precision"),
    ] {
        let e: JsValue = Trainer::new(cfg).unwrap_err();
        assert!(e.is_instance_of::<js_sys::Error>());
        assert_eq!(get(&e, "field").as_string().as_deref(), Some(field));
        let reason = get(&e, "reason").as_string().unwrap();
        assert_eq!(message(e), format!("{field}: {reason}"));
    }
    let unknown: JsValue = Trainer::new(config(&[("learningRate", 0.1.into())])).unwrap_err();
    assert!(get(&unknown, "field").is_undefined(), "no field for an unknown key");
    // The batch bound found with the data names the batch too.
    let mut t = Trainer::new(config(&[("batch", 301.into())])).unwrap();
    let (ti, tl) = synthetic(300, 1);
    let (si, sl) = synthetic(100, 2);
    let e = t.load_mnist(ti, tl, si, sl).unwrap_err();
    assert_eq!(get(&e, "field").as_string().as_deref(), Some("batch"));
}

/// A data error names its file as a typed value (`file`), not only in the text.
#[wasm_bindgen_test]
fn data_errors_carry_the_file() {
    let mut t = Trainer::new(JsValue::UNDEFINED).unwrap();
    let (ti, tl) = synthetic(300, 1);
    let (si, sl) = synthetic(100, 2);
    let mut truncated = si.clone();
    truncated.truncate(5000);
    let e = t.load_mnist(ti.clone(), tl.clone(), truncated, sl.clone()).unwrap_err();
    assert_eq!(get(&e, "file").as_string().as_deref(), Some("t10k-images-idx3-ubyte"));
    assert!(get(&e, "field").is_undefined());
    let e = t.load_mnist(ti, tl, si, idx(1, &[100], &[11; 100])).unwrap_err();
    assert_eq!(get(&e, "file").as_string().as_deref(), Some("t10k-labels-idx1-ubyte"));
}

// ---- the views inside the net: reports, weights, predictions ----

fn num(o: &JsValue, k: &str) -> f64 {
    get(o, k).as_f64().unwrap_or_else(|| panic!("{k} is not a number"))
}
fn u32s(o: &JsValue, k: &str) -> Vec<u32> {
    get(o, k).dyn_into::<Uint32Array>().unwrap_or_else(|_| panic!("{k} is not a Uint32Array")).to_vec()
}
fn u8s(o: &JsValue, k: &str) -> Vec<u8> {
    get(o, k).dyn_into::<Uint8Array>().unwrap_or_else(|_| panic!("{k} is not a Uint8Array")).to_vec()
}
fn f32s(o: &JsValue, k: &str) -> Vec<f32> {
    get(o, k).dyn_into::<Float32Array>().unwrap_or_else(|_| panic!("{k} is not a Float32Array")).to_vec()
}
fn f64s(o: &JsValue, k: &str) -> Vec<f64> {
    get(o, k).dyn_into::<Float64Array>().unwrap_or_else(|_| panic!("{k} is not a Float64Array")).to_vec()
}

/// A report's contents, to compare two reports (class accuracies as bits: NaN for a class without images).
#[derive(Debug, PartialEq)]
struct Report {
    classes: usize,
    total: usize,
    correct: usize,
    confusion: Vec<u32>,
    class_accuracy: Vec<u64>,
    index: Vec<u32>,
    label: Vec<u8>,
    predicted: Vec<u8>,
    confidence: Vec<f32>,
    probs: Vec<f32>,
}

/// Reads `evaluation.report` and checks it against the test set's `labels` and
/// the evaluation's `testAcc`: every count, the confusion matrix, the per-class
/// accuracies, and the mistakes (the wrong ones only, each with its softmax row,
/// the most confident first).
fn checked_report(evaluation: &JsValue, labels: &[u8]) -> Report {
    let r = get(evaluation, "report");
    assert!(r.is_object(), "the evaluation has no report");
    let (c, total, correct) = (num(&r, "classes") as usize, num(&r, "total") as usize, num(&r, "correct") as usize);
    assert_eq!(c, 10);
    assert_eq!(total, labels.len(), "total is the test set's size");
    assert_eq!(correct as f64 / total as f64, num(evaluation, "testAcc"), "correct / total is testAcc, exactly");
    let confusion = u32s(&r, "confusion");
    assert_eq!(confusion.len(), c * c);
    assert_eq!(confusion.iter().map(|&n| n as usize).sum::<usize>(), total, "the confusion matrix sums to total");
    assert_eq!((0..c).map(|k| confusion[k * c + k] as usize).sum::<usize>(), correct, "its diagonal is correct");
    let class_accuracy = f64s(&r, "classAccuracy");
    assert_eq!(class_accuracy.len(), c);
    for k in 0..c {
        let row = &confusion[k * c..(k + 1) * c];
        let in_class = labels.iter().filter(|&&l| usize::from(l) == k).count();
        assert_eq!(row.iter().sum::<u32>() as usize, in_class, "row {k} counts class {k}'s images");
        if in_class == 0 {
            assert!(class_accuracy[k].is_nan(), "class {k} has no images: NaN");
        } else {
            assert!((class_accuracy[k] - f64::from(row[k]) / in_class as f64).abs() < 1e-12, "class {k}");
        }
    }
    let m = get(&r, "mistakes");
    let count = num(&m, "count") as usize;
    assert_eq!(count, total - correct, "mistakes.count = total − correct");
    let (index, label, predicted) = (u32s(&m, "index"), u8s(&m, "label"), u8s(&m, "predicted"));
    let (confidence, probs) = (f32s(&m, "confidence"), f32s(&m, "probs"));
    for len in [index.len(), label.len(), predicted.len(), confidence.len()] {
        assert_eq!(len, count);
    }
    assert_eq!(probs.len(), count * c, "probs: classes per mistake");
    let mut off_diagonal = vec![0u32; c * c];
    let mut seen = vec![false; total];
    for k in 0..count {
        let i = index[k] as usize;
        assert!(i < total && !seen[i], "mistake {k}: index {i}");
        seen[i] = true;
        assert_eq!(label[k], labels[i], "mistake {k}: the image's own label");
        assert_ne!(predicted[k], label[k], "mistake {k} is a mistake");
        let row = &probs[k * c..(k + 1) * c];
        assert!((row.iter().sum::<f32>() - 1.0).abs() < 1e-4, "mistake {k}: probabilities {row:?}");
        assert_eq!(row[usize::from(predicted[k])], confidence[k], "mistake {k}: confidence is the predicted class's");
        assert!(row.iter().all(|&p| p <= confidence[k]), "mistake {k}: the predicted class is the likeliest");
        if k > 0 {
            assert!(
                confidence[k - 1] > confidence[k] || (confidence[k - 1] == confidence[k] && index[k - 1] < index[k]),
                "mistakes sorted by confidence, descending: {} then {}",
                confidence[k - 1],
                confidence[k]
            );
        }
        off_diagonal[usize::from(label[k]) * c + usize::from(predicted[k])] += 1;
    }
    for k in 0..c * c {
        if k % (c + 1) != 0 {
            assert_eq!(off_diagonal[k], confusion[k], "the mistakes are the confusion matrix's off-diagonal");
        }
    }
    Report {
        classes: c,
        total,
        correct,
        confusion,
        class_accuracy: class_accuracy.iter().map(|a| a.to_bits()).collect(),
        index,
        label,
        predicted,
        confidence,
        probs,
    }
}

/// An evaluator holding `loaded`'s images (300 training, 100 test).
fn evaluator() -> descent_web::Evaluator {
    let mut ev = descent_web::Evaluator::new(784).unwrap();
    let ((tp, tl), (sp, sl)) = (bodies(300, 1), bodies(100, 2));
    ev.add_images(false, &tp).unwrap();
    ev.set_labels(false, tl);
    ev.add_images(true, &sp).unwrap();
    ev.set_labels(true, sl);
    ev
}

#[wasm_bindgen_test]
fn every_evaluation_carries_its_test_sets_report() {
    let (_, test_labels) = bodies(100, 2);
    for precision in ["f32", "f64"] {
        let cfg = || {
            config(&[
                ("iters", 100.into()),
                ("batch", 20.into()),
                ("lr", 0.5.into()),
                ("seed", 3.into()),
                ("precision", precision.into()),
            ])
        };
        // Inline, one unit a call: each evaluation spreads over calls (3 blocks), its report comes at the end.
        let mut inline = loaded(cfg());
        let (_, evals, _) = train_to_end(&mut inline, 1);
        assert_eq!(evals.len(), 7, "300 / 20 = 15 iterations an epoch: i = 0, 15, …, 90");
        let want: Vec<Report> = evals.iter().map(|e| checked_report(e, &test_labels)).collect();
        assert!(want[0].index.len() >= 10, "{precision}: the untrained net errs, so the order is tested");
        assert!(want[6].correct > want[0].correct, "{precision}: the run learns");
        // Inline in one call gives the same reports.
        let mut one = loaded(cfg());
        let (_, evals, _) = train_to_end(&mut one, 100_000);
        let got: Vec<Report> = evals.iter().map(|e| checked_report(e, &test_labels)).collect();
        assert_eq!(got, want, "{precision}: train(1) vs train(100000)");

        // Detached: the jobs run in an Evaluator and by runEvalJob give the same reports again.
        let ev = evaluator();
        let mut det = loaded(cfg());
        let mut jobs = Vec::new();
        while jobs.len() < 100 {
            let p = det.train_detached(1000).unwrap();
            assert_eq!(get(&p, "evals").dyn_into::<Array>().unwrap().length(), 0);
            jobs.extend(get(&p, "jobs").dyn_into::<Array>().unwrap().iter());
            if get(&p, "done").as_bool() == Some(true) {
                break;
            }
        }
        assert_eq!(jobs.len(), 7, "{precision}");
        for (k, job) in jobs.iter().enumerate() {
            let there = ev.run(job.clone()).unwrap();
            let here = det.run_eval_job(job.clone()).unwrap();
            assert_eq!(num(&there, "iter"), num(&evals[k], "iter"));
            assert_eq!(checked_report(&there, &test_labels), want[k], "{precision} Evaluator.run, evaluation {k}");
            assert_eq!(checked_report(&here, &test_labels), want[k], "{precision} runEvalJob, evaluation {k}");
            // The report rides along to record, which keeps only the figures.
            det.record(there).unwrap();
        }
        assert_eq!(det.eval_history().length(), 7);
    }
}

#[wasm_bindgen_test]
fn evaluate_reports_the_test_set_it_measured() {
    let (_, test_labels) = bodies(100, 2);
    let fresh = Trainer::new(JsValue::UNDEFINED).unwrap().evaluate();
    assert!(message(fresh.unwrap_err()).starts_with("no data loaded"));
    let mut t = loaded(config(&[("iters", 40.into()), ("batch", 20.into()), ("seed", 8.into()), ("lr", 0.5.into())]));
    let before = checked_report(&t.evaluate().unwrap(), &test_labels);
    assert!(before.index.len() >= 10, "the untrained net errs");
    train_to_end(&mut t, 1000);
    let e = t.evaluate().unwrap();
    let after = checked_report(&e, &test_labels);
    assert_ne!(after, before, "the report is of the current weights");
    assert!(after.correct > before.correct);
    assert_eq!(t.iteration(), 40, "evaluate leaves the run alone");
    assert_eq!(checked_report(&t.evaluate().unwrap(), &test_labels), after, "and says the same twice");
    // Its mistakes are what predictTest says of those images.
    for k in 0..after.index.len() {
        let p = t.predict_test(after.index[k]).unwrap();
        assert_eq!(num(&p, "predicted"), f64::from(after.predicted[k]), "mistake {k}");
        assert_eq!(num(&p, "label"), f64::from(after.label[k]));
        let probs = f32s(&p, "probs");
        for (a, b) in probs.iter().zip(&after.probs[k * 10..(k + 1) * 10]) {
            assert!((a - b).abs() < 1e-5, "mistake {k}: {probs:?} vs {:?}", &after.probs[k * 10..(k + 1) * 10]);
        }
    }
}

#[wasm_bindgen_test]
fn weight_view_shows_w1_as_tiles_and_w2() {
    assert!(
        message(Trainer::new(JsValue::UNDEFINED).unwrap().weight_view().unwrap_err()).starts_with("no data loaded")
    );
    let max_abs = |v: &[f32]| v.iter().map(|x| x.abs()).fold(0.0f32, f32::max);
    // The tiles' colour scale: |w| at position ⌊(n − 1) · 0.99⌋ of the n tile weights sorted.
    let quantile_99 = |tiles: &[f32]| {
        let mut a: Vec<f32> = tiles.iter().map(|x| x.abs()).collect();
        a.sort_by(f32::total_cmp);
        a[((a.len() - 1) as f64 * 0.99) as usize]
    };
    let mut t = loaded(config(&[("iters", 30.into()), ("batch", 20.into()), ("hidden", 12.into()), ("lr", 2.into())]));
    let check = |t: &mut Trainer| -> Vec<f32> {
        let v = t.weight_view().unwrap();
        let w = t.weights().unwrap();
        let (w1, w2) = (f32s(&w, "w1"), f32s(&w, "w2"));
        assert_eq!(num(&v, "iter"), t.iteration() as f64);
        assert_eq!((num(&v, "rows"), num(&v, "cols")), (28.0, 28.0));
        assert_eq!((num(&v, "hidden"), num(&v, "output"), num(&v, "shown")), (12.0, 10.0, 12.0));
        let (hidden, shown) = (12, 12);
        let tiles = f32s(&v, "tiles");
        assert_eq!(tiles.len(), shown * 784);
        let (lo, hi) = (f32s(&v, "unitMin"), f32s(&v, "unitMax"));
        assert_eq!((lo.len(), hi.len()), (shown, shown));
        for u in 0..shown {
            let tile = &tiles[u * 784..(u + 1) * 784];
            for p in 0..784 {
                assert_eq!(tile[p], w1[p * hidden + u], "tile {u}, pixel {p} is W1[{p}][{u}]");
            }
            assert_eq!(lo[u], tile.iter().copied().fold(f32::INFINITY, f32::min), "unitMin[{u}]");
            assert_eq!(hi[u], tile.iter().copied().fold(f32::NEG_INFINITY, f32::max), "unitMax[{u}]");
        }
        assert_eq!(num(&v, "w1Max") as f32, max_abs(&w1), "w1Max = max |w1|");
        assert_eq!(num(&v, "w1Scale") as f32, quantile_99(&tiles), "w1Scale: the 99th percentile of the tiles' |w|");
        assert!(num(&v, "w1Scale") > 0.0 && num(&v, "w1Scale") <= num(&v, "w1Max"));
        assert_eq!(f32s(&v, "w2"), w2, "w2 as the weights have it");
        assert_eq!(num(&v, "w2Scale") as f32, max_abs(&w2), "w2Scale = max |w2|");
        tiles
    };
    let start = check(&mut t);
    train_to_end(&mut t, 1000);
    let end = check(&mut t);
    assert_ne!(start, end, "the tiles change with training");
    // Trained weights outgrow the initial ones (std 0.01): the largest follows them.
    assert!(num(&t.weight_view().unwrap(), "w1Max") > 0.1);
    // A net wider than the tiles shown (400) sends the first 400 units' tiles only; w1Max
    // is still over all of W1 (with this seed its largest weight is in an unshown unit),
    // w1Scale over the tiles.
    let mut wide = loaded(config(&[("hidden", 800.into()), ("seed", 1.into())]));
    let v = wide.weight_view().unwrap();
    assert_eq!((num(&v, "hidden"), num(&v, "shown")), (800.0, 400.0));
    let tiles = f32s(&v, "tiles");
    assert_eq!(tiles.len(), 400 * 784);
    let w1 = f32s(&wide.weights().unwrap(), "w1");
    assert_eq!(tiles[399 * 784 + 300], w1[300 * 800 + 399]);
    assert!(max_abs(&tiles) < max_abs(&w1), "premise: the largest |w1| is in a unit not shown");
    assert_eq!(num(&v, "w1Max") as f32, max_abs(&w1), "w1Max = max |w1| over every unit, shown or not");
    assert_eq!(num(&v, "w1Scale") as f32, quantile_99(&tiles));
}

#[wasm_bindgen_test]
fn predict_test_shows_a_test_image_and_what_the_net_says() {
    assert!(
        message(Trainer::new(JsValue::UNDEFINED).unwrap().predict_test(0).unwrap_err()).starts_with("no data loaded")
    );
    let (pixels, labels) = bodies(100, 2);
    let mut t = loaded(config(&[("iters", 45.into()), ("batch", 20.into()), ("lr", 0.5.into())]));
    train_to_end(&mut t, 1000);
    for i in [0usize, 1, 37, 99] {
        let p = t.predict_test(i as u32).unwrap();
        assert_eq!(get(&p, "empty").as_bool(), Some(false));
        assert_eq!(num(&p, "iter"), 45.0);
        assert_eq!(num(&p, "index"), i as f64);
        assert_eq!(num(&p, "label"), f64::from(labels[i]), "image {i}'s own label");
        let image = u8s(&p, "image");
        assert_eq!(image, &pixels[i * 784..(i + 1) * 784], "image {i}'s own pixels");
        let probs = f32s(&p, "probs");
        assert_eq!(probs.len(), 10);
        assert!((probs.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{probs:?}");
        assert_eq!(probs, t.predict(&image).unwrap().to_vec(), "the same as predict(image)");
        let argmax = (0..10).fold(0, |b, k| if probs[k] > probs[b] { k } else { b });
        assert_eq!(num(&p, "predicted"), argmax as f64);
    }
    // The synthetic classes are easy: after 3 epochs most test images come out right.
    let right = (0..100).filter(|&i| num(&t.predict_test(i).unwrap(), "predicted") == f64::from(labels[i as usize]));
    assert!(right.count() > 80);
    for bad in [100, 4_000_000_000] {
        let e: JsValue = t.predict_test(bad).unwrap_err().into();
        assert!(e.is_instance_of::<js_sys::Error>());
        let msg = message(e);
        assert!(msg.starts_with("index: the test set has 100 images (0 to 99)"), "{msg}");
        assert!(msg.contains(&bad.to_string()), "{msg}");
    }
}

#[wasm_bindgen_test]
fn predict_drawing_prepares_strokes_as_mnist_digits() {
    let mut fresh = Trainer::new(JsValue::UNDEFINED).unwrap();
    assert!(message(fresh.predict_drawing(&[1.0, 2.0], &[1]).unwrap_err()).starts_with("no data loaded"));
    let mut t = loaded(config(&[("iters", 15.into()), ("batch", 20.into())]));
    train_to_end(&mut t, 1000);
    // A "1": one vertical stroke, in canvas pixels (y down), then a "7" in two strokes.
    let one: Vec<f32> = (0..=20).flat_map(|k| [140.0, 40.0 + 10.0 * k as f32]).collect();
    let seven = [60.0, 50.0, 200.0, 50.0, 200.0, 50.0, 140.0, 150.0, 110.0, 250.0];
    for (points, ends) in [(&one[..], &[21u32][..]), (&seven[..], &[2, 5][..])] {
        let p = t.predict_drawing(points, ends).unwrap();
        assert_eq!(get(&p, "empty").as_bool(), Some(false));
        assert!(get(&p, "label").is_null() && get(&p, "index").is_null(), "a drawing has no label");
        assert_eq!(num(&p, "iter"), 15.0);
        let image = u8s(&p, "image");
        assert_eq!(image.len(), 784);
        let inked = image.iter().filter(|&&v| v > 0).count();
        assert!((20..400).contains(&inked), "{inked} pixels inked");
        // Prepared as MNIST's digits: the ink's centre of mass near (14.5, 14.5), a margin left blank.
        let mass: f64 = image.iter().map(|&v| f64::from(v)).sum();
        let (mut x, mut y) = (0.0, 0.0);
        for (i, &v) in image.iter().enumerate() {
            x += f64::from(v) * ((i % 28) as f64 + 0.5);
            y += f64::from(v) * ((i / 28) as f64 + 0.5);
        }
        let (x, y) = (x / mass, y / mass);
        assert!((x - 14.5).abs() < 1.0 && (y - 14.5).abs() < 1.0, "centre of mass ({x}, {y})");
        // …and scaled to fit MNIST's 20-pixel box (plus the pen's edge), whatever the canvas units.
        let rows = (0..28).filter(|r| (0..28).any(|c| image[r * 28 + c] > 0)).count();
        let cols = (0..28).filter(|c| (0..28).any(|r| image[r * 28 + c] > 0)).count();
        assert!((16..=22).contains(&rows.max(cols)), "ink over {rows} rows × {cols} columns");
        let probs = f32s(&p, "probs");
        assert_eq!(probs.len(), 10);
        assert!((probs.iter().sum::<f32>() - 1.0).abs() < 1e-5, "{probs:?}");
        assert_eq!(probs, t.predict(&image).unwrap().to_vec(), "what predict says of the prepared image");
        let argmax = (0..10).fold(0, |b, k| if probs[k] > probs[b] { k } else { b });
        assert_eq!(num(&p, "predicted"), argmax as f64);
    }
    // The "1" is tall and thin.
    let image = u8s(&t.predict_drawing(&one, &[21]).unwrap(), "image");
    let rows = (0..28).filter(|r| (0..28).any(|c| image[r * 28 + c] > 0)).count();
    let cols = (0..28).filter(|c| (0..28).any(|r| image[r * 28 + c] > 0)).count();
    assert!(rows >= 16 && cols <= 6, "{rows} rows × {cols} columns");
    // Nothing drawn: no prediction, a message that says to draw.
    let p = t.predict_drawing(&[], &[]).unwrap();
    assert_eq!(get(&p, "empty").as_bool(), Some(true));
    let msg = get(&p, "message").as_string().unwrap();
    assert!(msg.contains("draw"), "{msg}");
    assert!(get(&p, "probs").is_undefined() && get(&p, "image").is_undefined());
    // Malformed strokes throw an Error that says what is wrong.
    for (points, ends, says) in [
        (&[1.0, 2.0, 3.0][..], &[1u32][..], "an odd count"),
        (&[1.0, 2.0, 3.0, 4.0][..], &[0, 2][..], "stroke 0 ends at point 0"),
        (&[1.0, 2.0, 3.0, 4.0][..], &[3][..], "past the drawing's 2 points"),
        (&[1.0, 2.0, 3.0, 4.0][..], &[][..], "no strokes"),
        (&[1.0, f32::NAN][..], &[1][..], ""),
    ] {
        let e: JsValue = t.predict_drawing(points, ends).unwrap_err().into();
        assert!(e.is_instance_of::<js_sys::Error>());
        let msg = message(e);
        assert!(msg.starts_with("drawing: ") && msg.contains(says), "{points:?} {ends:?}: {msg}");
    }
    // The run is untouched by all this.
    assert_eq!(t.iteration(), 15);
}

/// The four weight arrays as bits, for bit-for-bit comparisons.
fn weight_bits(t: &mut Trainer) -> Vec<Vec<u32>> {
    let w = t.weights().unwrap();
    ["w1", "b1", "w2", "b2"].iter().map(|k| f32s(&w, k).iter().map(|v| v.to_bits()).collect()).collect()
}

#[wasm_bindgen_test]
fn model_files_load_into_a_fresh_trainer_as_the_same_net() {
    for precision in ["f32", "f64"] {
        let mut t = loaded(config(&[
            ("iters", 300.into()),
            ("batch", 20.into()),
            ("lr", 0.5.into()),
            ("hidden", 30.into()),
            ("seed", 6.into()),
            ("precision", precision.into()),
        ]));
        train_to_end(&mut t, 100_000);
        let want = weight_bits(&mut t);
        let want_acc = num(&t.evaluate().unwrap(), "testAcc");
        for (format, first) in [("npz", &b"PK"[..]), ("pkl", &[0x80u8][..])] {
            let bytes = t.model_file(format).unwrap().to_vec();
            assert!(bytes.starts_with(first), "{precision} .{format} starts with {:02x?}", &bytes[..4]);
            // A fresh trainer of another hidden size, seed and precision.
            let other = if precision == "f32" { "f64" } else { "f32" };
            let mut fresh = loaded(config(&[("hidden", 12.into()), ("seed", 99.into()), ("precision", other.into())]));
            assert_ne!(weight_bits(&mut fresh), want);
            let r = fresh.load_model(&bytes).unwrap();
            assert_eq!(num(&r, "hidden"), 30.0, "{precision} .{format}");
            assert_eq!(get(&r, "precision").as_string().as_deref(), Some(precision), ".{format}");
            assert_eq!(get(&fresh.config(), "hidden").as_f64(), Some(30.0), "{precision} .{format}: the file's hidden");
            assert_eq!(get(&fresh.config(), "precision").as_string().as_deref(), Some(precision));
            assert_eq!(fresh.iteration(), 0, "a run at iteration 0");
            assert_eq!(weight_bits(&mut fresh), want, "{precision} .{format}: the same weights, bit for bit");
            assert_eq!(num(&fresh.evaluate().unwrap(), "testAcc"), want_acc, "{precision} .{format}");
            // The loaded net trains on.
            assert!(fresh.train(5).is_ok());
        }
    }
}

#[wasm_bindgen_test]
fn load_model_refuses_what_is_not_a_fitting_model_and_keeps_the_net() {
    let mut t = loaded(config(&[("iters", 40.into()), ("batch", 20.into()), ("seed", 2.into())]));
    t.train(10).unwrap();
    let before = weight_bits(&mut t);
    let hidden = get(&t.config(), "hidden").as_f64();
    let iter = t.iteration();
    assert!(iter > 0);
    // A net for 10×10 images (100 pixels), written by the core as the page would.
    let mut rng = descent_core::Rng::new(3);
    let small = descent_core::two_layer_net::TwoLayerNet::<f32>::new(100, 8, 10, 0.01, &mut rng);
    let small_npz = descent_core::model::write_net(&small, descent_core::model::Format::Npz, None);
    let small_pkl = descent_core::model::write_net(&small, descent_core::model::Format::Pickle, None);
    let garbage = b"<!doctype html><title>404</title>".to_vec();
    for (bytes, says) in [
        (&garbage[..], "not a model file"),
        (&[][..], "empty"),
        (&small_npz[..], "the loaded net reads 100-pixel images into 10 classes"),
        (&small_pkl[..], "the loaded net reads 100-pixel images into 10 classes"),
    ] {
        let e: JsValue = t.load_model(bytes).unwrap_err().into();
        assert!(e.is_instance_of::<js_sys::Error>());
        let msg = message(e);
        assert!(msg.contains(says), "{says:?}: {msg}");
        // The trainer is as it was, and still works.
        assert_eq!(weight_bits(&mut t), before, "{says}: the net stays");
        assert_eq!(get(&t.config(), "hidden").as_f64(), hidden);
        assert_eq!(t.iteration(), iter);
    }
    assert!(t.train(5).is_ok());
    assert!(t.iteration() > iter);
    // Without data there is nothing to fit the net to.
    let mut fresh = Trainer::new(JsValue::UNDEFINED).unwrap();
    assert!(message(fresh.load_model(&small_npz).unwrap_err()).starts_with("no data loaded"));
}

#[wasm_bindgen_test]
fn metrics_csv_is_the_runs_history_and_model_file_names_its_formats() {
    let mut t = loaded(config(&[("iters", 100.into()), ("batch", 20.into()), ("seed", 4.into())]));
    train_to_end(&mut t, 1000);
    let csv = t.metrics_csv().unwrap();
    let loss = get(&csv, "loss").as_string().unwrap();
    let accuracy = get(&csv, "accuracy").as_string().unwrap();
    let loss_lines: Vec<&str> = loss.lines().collect();
    let acc_lines: Vec<&str> = accuracy.lines().collect();
    assert_eq!(loss_lines[0], "iter,loss");
    assert_eq!(loss_lines.len(), 1 + 100, "a line per iteration");
    assert_eq!(t.loss_history().length(), 100);
    assert!(loss_lines[1].starts_with("0,"), "{}", loss_lines[1]);
    assert!(loss_lines[100].starts_with("99,"), "{}", loss_lines[100]);
    assert_eq!(acc_lines[0], "iter,epoch,train_acc,test_acc");
    assert_eq!(acc_lines.len() as u32, 1 + t.eval_history().length(), "a line per evaluation");
    assert_eq!(acc_lines.len(), 1 + 7, "300 / 20 = 15 iterations an epoch: i = 0, 15, …, 90");
    assert!(acc_lines[1].starts_with("0,0,"), "{}", acc_lines[1]);
    let last: Vec<&str> = acc_lines[7].split(',').collect();
    assert_eq!(last[0], "90");
    let test_acc = get(&t.eval_history().get(6), "testAcc").as_f64().unwrap();
    assert_eq!(last[3].parse::<f64>().unwrap(), test_acc);
    // An unknown format throws an Error naming the two there are.
    let e: JsValue = t.model_file("zip").unwrap_err().into();
    assert!(e.is_instance_of::<js_sys::Error>());
    let msg = message(e);
    assert!(msg.contains("npz") && msg.contains("pkl") && msg.contains("zip"), "{msg}");
}
