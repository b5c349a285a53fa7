//! `Trainer`: an MNIST training run driven from JS in short chunks.

use any_run::Run;
use descent_core::bench::time_iterations;
use descent_core::inspect::drawing;
use descent_core::inspect::report::Predictions;
use descent_core::inspect::weights::WeightView;
use descent_core::model::Format;
use descent_core::train::pixel_scale;
use descent_core::{Dataset, Error, Evaluation, Labeled, Matrix, NotLearning, TrainConfig};
use js_sys::{Array, Float32Array, Reflect};
use wasm_bindgen::prelude::*;

use crate::config::{WebConfig, config_error};
use crate::evaluator::{AnyJob, JsFloat, eval_from_js, eval_to_js, job_to_js};
use crate::inspect::{eval_with_report, prediction_to_js, report_to_js, view_to_js};
use crate::js::{Clock, field_error, now_ms, to_js, with_arrays};

/// The core trainer in either precision, behind one interface.
mod any_run {
    use super::*;

    pub trait Run {
        fn advance(&mut self, data: &Dataset, n: usize, evals: &mut Vec<Evaluation>) -> Result<usize, Error>;
        fn evaluating(&self) -> bool;
        fn iter(&self) -> usize;
        fn epoch(&self) -> usize;
        fn is_done(&self) -> bool;
        fn diverged(&self) -> Option<String>;
        fn learning_check(&self) -> Option<NotLearning>;
        fn losses(&self) -> &[f64];
        fn evals(&self) -> &[Evaluation];
        fn evaluate(&mut self, data: &Dataset) -> (f64, f64, Predictions);
        fn take_predictions(&mut self) -> Vec<(usize, Predictions)>;
        fn weight_view(&mut self, rows: usize, cols: usize) -> WeightView;
        fn model_file(&mut self, format: Format) -> Vec<u8>;
        fn predict(&mut self, image: &[u8]) -> Vec<f32>;
        fn weights(&mut self) -> [Vec<f32>; 4];
        fn advance_detached(
            &mut self,
            data: &Dataset,
            n: usize,
            evals: &mut Vec<Evaluation>,
            jobs: &mut Vec<JsValue>,
        ) -> Result<usize, Error>;
        fn record(&mut self, e: Evaluation);
        fn must_wait(&self) -> bool;
        fn evals_out(&self) -> usize;
    }

    impl<T: JsFloat> Run for descent_core::Trainer<T> {
        fn advance(&mut self, data: &Dataset, n: usize, evals: &mut Vec<Evaluation>) -> Result<usize, Error> {
            descent_core::Trainer::advance(self, data, n, |e| evals.push(*e))
        }
        fn evaluating(&self) -> bool {
            descent_core::Trainer::evaluating(self)
        }
        fn iter(&self) -> usize {
            descent_core::Trainer::iter(self)
        }
        fn epoch(&self) -> usize {
            descent_core::Trainer::epoch(self)
        }
        fn is_done(&self) -> bool {
            descent_core::Trainer::is_done(self)
        }
        fn diverged(&self) -> Option<String> {
            descent_core::Trainer::diverged(self).map(|e| e.to_string())
        }
        fn learning_check(&self) -> Option<NotLearning> {
            descent_core::Trainer::learning_check(self)
        }
        fn losses(&self) -> &[f64] {
            descent_core::Trainer::losses(self)
        }
        fn evals(&self) -> &[Evaluation] {
            descent_core::Trainer::evals(self)
        }
        fn evaluate(&mut self, data: &Dataset) -> (f64, f64, Predictions) {
            descent_core::Trainer::evaluate_predicting(self, data)
        }
        fn take_predictions(&mut self) -> Vec<(usize, Predictions)> {
            descent_core::Trainer::take_predictions(self)
        }
        fn weight_view(&mut self, rows: usize, cols: usize) -> WeightView {
            let p = &self.net().params;
            WeightView::new(&p.w1, &p.w2, rows, cols)
        }
        fn model_file(&mut self, format: Format) -> Vec<u8> {
            descent_core::model::write_trainer(self, format)
        }
        fn predict(&mut self, image: &[u8]) -> Vec<f32> {
            let scale = pixel_scale::<T>();
            let x = Matrix::from_vec(1, image.len(), image.iter().map(|&p| scale[p as usize]).collect());
            self.net().predict(&x).as_slice().iter().map(|v| v.to_f64() as f32).collect()
        }
        fn weights(&mut self) -> [Vec<f32>; 4] {
            let p = &self.net().params;
            core::array::from_fn(|k| p.part(k).iter().map(|v| v.to_f64() as f32).collect())
        }
        fn advance_detached(
            &mut self,
            data: &Dataset,
            n: usize,
            evals: &mut Vec<Evaluation>,
            jobs: &mut Vec<JsValue>,
        ) -> Result<usize, Error> {
            let mut done = 0;
            while done < n && descent_core::Trainer::remaining(self) > 0 {
                let step = self.step_detached(data)?;
                done += 1;
                evals.extend(step.finished);
                if let Some(job) = step.job {
                    jobs.push(job_to_js(&job));
                    // One job a call: the caller decides whether to go on (it may have enough out).
                    break;
                }
            }
            Ok(done)
        }
        fn record(&mut self, e: Evaluation) {
            descent_core::Trainer::record(self, e)
        }
        fn must_wait(&self) -> bool {
            descent_core::Trainer::must_wait(self)
        }
        fn evals_out(&self) -> usize {
            descent_core::Trainer::evals_out(self)
        }
    }
}

/// A data error as a thrown `Error` whose `file` names the MNIST file at
/// fault ("train-images-idx3-ubyte"), when the core's error names one: the
/// worker reads `e.file`, never the message's text.
fn data_error(e: &Error) -> JsValue {
    let v = field_error(None, &e.to_string());
    if let Some(part) = e.part() {
        // Setting a property on a fresh Error cannot fail.
        let _ = Reflect::set(&v, &JsValue::from_str("file"), &JsValue::from_str(part.file_name()));
    }
    v
}

/// What `train` / `trainDetached` return (serialised with camelCase names),
/// plus `losses` (a `Float32Array`) and `jobs` (the evaluation jobs handed out).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct Progress {
    iter: usize,
    iters: usize,
    epoch: usize,
    loss: f64,
    elapsed_ms: f64,
    iters_per_sec: f64,
    done: bool,
    evaluating: bool,
    diverged: bool,
    error: Option<String>,
    not_learning: Option<NotLearningJs>,
    memory_bytes: f64,
}

/// The core's [`NotLearning`] with its warning text.
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct NotLearningJs {
    iter: usize,
    recent_loss: f64,
    message: String,
}

/// An MNIST training run of the book's TwoLayerNet, for JS.
#[wasm_bindgen]
pub struct Trainer {
    config: WebConfig,
    data: Option<Dataset>,
    run: Option<Box<dyn Run>>,
    elapsed_ms: f64,
}

impl core::fmt::Debug for Trainer {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Trainer")
            .field("config", &self.config)
            .field("iteration", &self.iteration())
            .field("data_loaded", &self.data.is_some())
            .finish()
    }
}

/// A run that starts from the net in `arrays` (a model file's), in T; the config takes its hidden size.
fn loaded_run<T: JsFloat>(
    config: &mut TrainConfig,
    data: &Dataset,
    arrays: &[descent_core::model::Named],
) -> Result<Box<dyn Run>, JsError> {
    let net = descent_core::model::net::from_arrays::<T>(arrays).map_err(|e| JsError::new(&e.to_string()))?;
    config.hidden = net.hidden_size();
    let trainer =
        descent_core::Trainer::with_net(config.clone(), data, net).map_err(|e| JsError::new(&e.to_string()))?;
    Ok(page_run(trainer))
}

/// A core trainer as the page runs it: its evaluations keep the test set's
/// predictions, for the views (the figures do not change).
fn page_run<T: JsFloat>(mut trainer: descent_core::Trainer<T>) -> Box<dyn Run> {
    trainer.set_predicting(true);
    Box::new(trainer)
}

fn f32_array(v: &[f32]) -> Float32Array {
    // A copy, not a view of wasm memory: the worker may transfer it.
    Float32Array::from(v)
}

impl Trainer {
    fn start_run(&self, data: &Dataset) -> Result<Box<dyn Run>, JsValue> {
        let c: TrainConfig = self.config.train.clone();
        let make = |e: Error| match e {
            Error::Config(ce) => config_error(&ce),
            other => field_error(None, &other.to_string()),
        };
        Ok(if self.config.f64 {
            page_run(descent_core::Trainer::<f64>::new(c, data).map_err(make)?)
        } else {
            page_run(descent_core::Trainer::<f32>::new(c, data).map_err(make)?)
        })
    }

    fn parts(&mut self) -> Result<(&Dataset, &mut Box<dyn Run>), JsError> {
        match (&self.data, &mut self.run) {
            (Some(d), Some(r)) => Ok((d, r)),
            _ => Err(JsError::new(
                "no data loaded: call loadMnist(trainImages, trainLabels, testImages, testLabels) first",
            )),
        }
    }

    /// `train` / `trainDetached`.
    fn train_with(&mut self, n: u32, detached: bool) -> Result<JsValue, JsError> {
        let iters = self.config.train.iters;
        let t0 = now_ms();
        let (data, run) = self.parts()?;
        let before = run.iter();
        let mut evals = Vec::new();
        let mut jobs = Vec::new();
        let result = if detached {
            run.advance_detached(data, n as usize, &mut evals, &mut jobs)
        } else {
            run.advance(data, n as usize, &mut evals)
        };
        let losses: Vec<f32> = run.losses()[before..].iter().map(|&l| l as f32).collect();
        let (iter, epoch, done, evaluating) = (run.iter(), run.epoch(), run.is_done(), run.evaluating());
        let loss = run.losses().last().copied().unwrap_or(f64::NAN);
        // The core's rule (the CLI's too): the page shows its warning once.
        let not_learning = run.learning_check().map(|w| NotLearningJs {
            iter: w.iter,
            recent_loss: w.recent_loss,
            message: w.to_string(),
        });
        let error = result.err().map(|e| e.to_string());
        let dt = now_ms() - t0;
        // Each evaluation with its test set's report (the views), from the predictions it kept.
        let mut predictions = run.take_predictions();
        let evals: Array = evals
            .iter()
            .map(|e| {
                let at = predictions.iter().position(|(i, _)| *i == e.iter);
                let report = at.map(|k| report_to_js(&predictions.swap_remove(k).1, &data.test.labels));
                eval_with_report(e, report)
            })
            .collect();
        self.elapsed_ms += dt;
        let per_sec = if self.elapsed_ms > 0.0 { iter as f64 / (self.elapsed_ms / 1000.0) } else { 0.0 };
        let progress = to_js(&Progress {
            iter,
            iters,
            epoch,
            loss,
            elapsed_ms: self.elapsed_ms,
            iters_per_sec: per_sec,
            done,
            evaluating,
            diverged: error.is_some(),
            error,
            not_learning,
            memory_bytes: crate::memory_bytes(),
        });
        let _ = Reflect::set(&progress, &JsValue::from_str("evals"), &evals);
        // Bulk numbers as a typed array (a copy the worker may transfer), the jobs as they are.
        let _ = Reflect::set(&progress, &JsValue::from_str("losses"), &f32_array(&losses));
        let _ = Reflect::set(&progress, &JsValue::from_str("jobs"), &jobs.into_iter().collect::<Array>());
        Ok(progress)
    }

    /// The loaded images' rows and columns.
    fn image_shape(&self) -> Result<(usize, usize), JsError> {
        let d = self.data.as_ref().ok_or_else(|| JsError::new("no data loaded: call loadMnist(...) first"))?;
        Ok((d.test.images.rows, d.test.images.cols))
    }

    fn run_mut(&mut self) -> Result<&mut (dyn Run + 'static), JsError> {
        self.run.as_deref_mut().ok_or_else(|| JsError::new("no data loaded: call loadMnist(...) first"))
    }
}

#[wasm_bindgen]
impl Trainer {
    /// A trainer for `config` (`{hidden, lr, batch, iters, initStd, seed, precision}`;
    /// missing fields take the book's values). Throws an `Error` whose `field`
    /// names the bad field (see `configSchema()`).
    #[wasm_bindgen(constructor)]
    pub fn new(config: JsValue) -> Result<Trainer, JsValue> {
        Ok(Trainer { config: WebConfig::from_js(&config)?, data: None, run: None, elapsed_ms: 0.0 })
    }

    /// The book's config: `{hidden: 50, lr: 0.1, batch: 100, iters: 10000, initStd: 0.01, seed: 42, precision: "f32"}`.
    pub fn defaults() -> JsValue {
        WebConfig { train: TrainConfig::default(), f64: false }.to_js()
    }

    /// This trainer's config, every field filled in.
    pub fn config(&self) -> JsValue {
        self.config.to_js()
    }

    /// Loads MNIST from the four raw (not gzip) IDX files and starts a fresh run.
    /// Throws naming the file and what is wrong with it; the old data and run stay.
    #[wasm_bindgen(js_name = loadMnist)]
    pub fn load_mnist(
        &mut self,
        train_images: Vec<u8>,
        train_labels: Vec<u8>,
        test_images: Vec<u8>,
        test_labels: Vec<u8>,
    ) -> Result<(), JsValue> {
        let data = Dataset::from_idx_owned(train_images, train_labels, test_images, test_labels)
            .map_err(|e| data_error(&e))?;
        let run = self.start_run(&data)?;
        self.data = Some(data);
        self.run = Some(run);
        self.elapsed_ms = 0.0;
        Ok(())
    }

    /// Runs up to `n` more units of work (a unit is one iteration or one block of
    /// 256 images of a per-epoch evaluation, which thus spreads over several
    /// calls; the numbers are the same as in one long run) and returns
    /// `{iter, iters, epoch, loss, elapsedMs, itersPerSec, done, diverged, evaluating,
    /// error, notLearning, memoryBytes, losses: Float32Array, evals: [{iter, epoch, trainAcc, testAcc, loss}], jobs: []}`.
    /// A run whose loss turns NaN stops with `diverged: true` and a message in `error`.
    /// `notLearning` is `null`, or `{iter, recentLoss, message}` once the core's
    /// rule (`descent_core::not_learning`, the CLI's too) says the run is not learning.
    pub fn train(&mut self, n: u32) -> Result<JsValue, JsError> {
        self.train_with(n, false)
    }

    /// [`train`](Self::train) with the evaluations handed out instead of run:
    /// up to `n` iterations, stopping after one whose evaluation falls due,
    /// which comes back as a job (a copy of the weights, see `Evaluator`) in
    /// `jobs`. Run the jobs elsewhere (a second worker) while training goes on,
    /// then [`record`](Self::record) their results in order; `done` is true once
    /// the iterations are done. The loop that calls it carries out the core's
    /// policy for jobs out: it waits while [`mustWait`](Self::must_wait) (as
    /// `descent train` does); this call does not enforce it. The figures are
    /// exactly those of `train`.
    #[wasm_bindgen(js_name = trainDetached)]
    pub fn train_detached(&mut self, n: u32) -> Result<JsValue, JsError> {
        self.train_with(n, true)
    }

    /// Adds an evaluation (from `Evaluator.run` or `runEvalJob`) to the history.
    pub fn record(&mut self, evaluation: JsValue) -> Result<(), JsError> {
        let e = eval_from_js(&evaluation)?;
        let (_, run) = self.parts()?;
        run.record(e);
        Ok(())
    }

    /// Runs a job from `trainDetached` here, on this trainer's data: the way
    /// back when no second worker can run it. `{iter, epoch, trainAcc, testAcc, loss, report}`
    /// (`report`: the test set's, see `Evaluator.run`).
    #[wasm_bindgen(js_name = runEvalJob)]
    pub fn run_eval_job(&self, job: JsValue) -> Result<JsValue, JsError> {
        let job = AnyJob::from_js(&job)?;
        let data = self.data.as_ref().ok_or_else(|| JsError::new("no data loaded: call loadMnist(...) first"))?;
        if job.input() != data.input_size() || job.output() != data.classes {
            return Err(JsError::new(&format!(
                "job: a {}-pixel, {}-class net does not fit this data ({} pixels, {} classes)",
                job.input(),
                job.output(),
                data.input_size(),
                data.classes
            )));
        }
        let (e, p) = job.run_predicting(Labeled::of(&data.train), Labeled::of(&data.test));
        Ok(eval_with_report(&e, Some(report_to_js(&p, &data.test.labels))))
    }

    /// Where a training iteration's time goes in this build: `iters` iterations
    /// of the book's run (784-50-10, batch 100, seed 42) on the loaded data,
    /// after 20 untimed ones, timed step by step with `performance.now()` in
    /// this trainer's precision. Leaves the run alone. Returns
    /// `{iters, perIterMs, gatherMs, forwardMs, backwardUpdateMs}` (per iteration).
    #[wasm_bindgen(js_name = benchIterations)]
    pub fn bench_iterations(&self, iters: u32) -> Result<JsValue, JsError> {
        let data = self.data.as_ref().ok_or_else(|| JsError::new("no data loaded: call loadMnist(...) first"))?;
        if iters == 0 {
            return Err(JsError::new("benchIterations: iters must be at least 1"));
        }
        if data.train.is_empty() {
            return Err(JsError::new("benchIterations: the training set is empty"));
        }
        let clock = Clock::new();
        let now = || clock.now();
        let t = if self.config.f64 {
            time_iterations::<f64>(data, 20, iters as usize, &descent_core::OneThread, now)
        } else {
            time_iterations::<f32>(data, 20, iters as usize, &descent_core::OneThread, now)
        };
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Timed {
            iters: usize,
            per_iter_ms: f64,
            gather_ms: f64,
            forward_ms: f64,
            backward_update_ms: f64,
        }
        Ok(to_js(&Timed {
            iters: t.iters,
            per_iter_ms: t.per_iter,
            gather_ms: t.gather,
            forward_ms: t.forward,
            backward_update_ms: t.backward_update,
        }))
    }

    /// Accuracy of the current weights over the whole training and test sets:
    /// `{trainAcc, testAcc, report}` (`report`: the test set's, see `Evaluator.run`).
    pub fn evaluate(&mut self) -> Result<JsValue, JsError> {
        let (data, run) = self.parts()?;
        let (train, test, p) = run.evaluate(data);
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Accuracies {
            train_acc: f64,
            test_acc: f64,
        }
        let o = to_js(&Accuracies { train_acc: train, test_acc: test });
        let _ = Reflect::set(&o, &JsValue::from_str("report"), &report_to_js(&p, &data.test.labels));
        Ok(o)
    }

    /// The current weights as pictures (the core's `WeightView`): `{iter, rows, cols,
    /// hidden, output, shown, w1Scale, w1Max, w2Scale, tiles, unitMin, unitMax, w2}`, tile
    /// `u` being hidden unit u's column of W1 as a rows × cols image.
    #[wasm_bindgen(js_name = weightView)]
    pub fn weight_view(&mut self) -> Result<JsValue, JsError> {
        let (rows, cols) = self.image_shape()?;
        let run = self.run_mut()?;
        let iter = run.iter();
        Ok(view_to_js(&run.weight_view(rows, cols), iter))
    }

    /// What the current net says of a drawing: its strokes as `points` (x, y
    /// pairs in any units, y down) and `ends` (each stroke's end, in points),
    /// prepared as MNIST's digits were (`descent_core::inspect::drawing`).
    /// Returns `{iter, predicted, image: Uint8Array (the 28 × 28 the net reads),
    /// probs: Float32Array, empty: false}`, or `{empty: true, message}` when
    /// nothing is drawn. Throws on malformed strokes.
    #[wasm_bindgen(js_name = predictDrawing)]
    pub fn predict_drawing(&mut self, points: &[f32], ends: &[u32]) -> Result<JsValue, JsError> {
        let (rows, cols) = self.image_shape()?;
        if (rows, cols) != (drawing::SIDE, drawing::SIDE) {
            return Err(JsError::new(&format!(
                "drawing: this net reads {rows} × {cols} images; a drawing is prepared as MNIST's 28 × 28 digits"
            )));
        }
        let image = match drawing::prepare(points, ends) {
            Ok(image) => image,
            Err(drawing::DrawError::Empty) => {
                #[derive(serde::Serialize)]
                struct Empty {
                    empty: bool,
                    message: String,
                }
                return Ok(to_js(&Empty { empty: true, message: drawing::DrawError::Empty.to_string() }));
            }
            Err(e) => return Err(JsError::new(&format!("drawing: {e}"))),
        };
        let run = self.run_mut()?;
        let probs = run.predict(&image);
        Ok(prediction_to_js(&image, &probs, run.iter(), None))
    }

    /// What the current net says of test image `index`: as `predictDrawing`, with its `label` and `index`.
    #[wasm_bindgen(js_name = predictTest)]
    pub fn predict_test(&mut self, index: u32) -> Result<JsValue, JsError> {
        let data = self.data.as_ref().ok_or_else(|| JsError::new("no data loaded: call loadMnist(...) first"))?;
        let i = index as usize;
        if i >= data.test.len() {
            return Err(JsError::new(&format!(
                "index: the test set has {} images (0 to {}), not {i}",
                data.test.len(),
                data.test.len().saturating_sub(1)
            )));
        }
        let image = data.test.images.image(i).to_vec();
        let label = data.test.labels[i];
        let run = self.run_mut()?;
        let probs = run.predict(&image);
        Ok(prediction_to_js(&image, &probs, run.iter(), Some((i, label))))
    }

    /// Iterations completed.
    #[wasm_bindgen(getter)]
    pub fn iteration(&self) -> usize {
        self.run.as_ref().map_or(0, |r| r.iter())
    }

    /// Whether the most evaluations allowed out (`MAX_EVALS_OUT`, 2) are out:
    /// the caller of `trainDetached` then waits until one is recorded (the
    /// core's one policy, which the CLI follows too).
    #[wasm_bindgen(getter, js_name = mustWait)]
    pub fn must_wait(&self) -> bool {
        self.run.as_ref().is_some_and(|r| r.must_wait())
    }

    /// Evaluations handed out by `trainDetached` and not yet recorded.
    #[wasm_bindgen(getter, js_name = evalsOut)]
    pub fn evals_out(&self) -> usize {
        self.run.as_ref().map_or(0, |r| r.evals_out())
    }

    /// Whether the run has done all its iterations.
    #[wasm_bindgen(getter)]
    pub fn done(&self) -> bool {
        self.run.as_ref().is_some_and(|r| r.is_done())
    }

    /// The divergence message, if the run stopped on a NaN loss.
    #[wasm_bindgen(getter)]
    pub fn diverged(&self) -> Option<String> {
        self.run.as_ref().and_then(|r| r.diverged())
    }

    /// The loss of every iteration so far.
    #[wasm_bindgen(js_name = lossHistory)]
    pub fn loss_history(&self) -> Float32Array {
        let l: Vec<f32> = self.run.as_ref().map_or(&[][..], |r| r.losses()).iter().map(|&v| v as f32).collect();
        f32_array(&l)
    }

    /// Every evaluation so far: `[{iter, epoch, trainAcc, testAcc, loss}]`.
    #[wasm_bindgen(js_name = evalHistory)]
    pub fn eval_history(&self) -> Array {
        self.run.as_ref().map_or(&[][..], |r| r.evals()).iter().map(eval_to_js).collect()
    }

    /// The 10 class probabilities for one 28×28 image of pixels 0..=255.
    pub fn predict(&mut self, image: &[u8]) -> Result<Float32Array, JsError> {
        let want = self.data.as_ref().map_or(784, |d| d.input_size());
        let run = self.run_mut()?;
        if image.len() != want {
            return Err(JsError::new(&format!("image: expected {want} pixels (28×28), got {}", image.len())));
        }
        Ok(f32_array(&run.predict(image)))
    }

    /// The weights: `{w1, b1, w2, b2}` as Float32Arrays (row-major), with `inputSize`, `hidden`, `output`.
    pub fn weights(&mut self) -> Result<JsValue, JsError> {
        let [w1, b1, w2, b2] = self.run_mut()?.weights();
        let input = self.data.as_ref().map_or(0, |d| d.input_size());
        #[derive(serde::Serialize)]
        #[serde(rename_all = "camelCase")]
        struct Shape {
            input_size: usize,
            hidden: usize,
            output: usize,
        }
        let shape = Shape { input_size: input, hidden: self.config.train.hidden, output: b2.len() };
        Ok(with_arrays(
            &shape,
            &[
                ("w1", f32_array(&w1).into()),
                ("b1", f32_array(&b1).into()),
                ("w2", f32_array(&w2).into()),
                ("b2", f32_array(&b2).into()),
            ],
        ))
    }

    /// The current net as a model file: `format` "npz" (numpy; with the run's
    /// config and history) or "pkl" (the book's pickle of its params dict), as bytes.
    #[wasm_bindgen(js_name = modelFile)]
    pub fn model_file(&mut self, format: &str) -> Result<js_sys::Uint8Array, JsError> {
        let f = match format {
            "npz" => Format::Npz,
            "pkl" => Format::Pickle,
            other => return Err(JsError::new(&format!("format: \"npz\" or \"pkl\", not {other:?}"))),
        };
        let bytes = self.run_mut()?.model_file(f);
        Ok(js_sys::Uint8Array::from(&bytes[..]))
    }

    /// Puts the net in a model file (.npz or .pkl bytes) into this trainer, as
    /// a run at iteration 0 in the file's precision and hidden size (the
    /// other settings stay). Returns `{hidden, precision}`. Throws naming what
    /// is wrong with the file, or why the net does not fit the data; the
    /// trainer is then left as it was.
    #[wasm_bindgen(js_name = loadModel)]
    pub fn load_model(&mut self, bytes: &[u8]) -> Result<JsValue, JsError> {
        let data = self.data.as_ref().ok_or_else(|| JsError::new("no data loaded: call loadMnist(...) first"))?;
        let arrays = descent_core::model::read_arrays(bytes).map_err(|e| JsError::new(&e.to_string()))?;
        let f64 = descent_core::model::net::precision_of(&arrays) == "f64";
        let mut config = self.config.train.clone();
        let run = if f64 {
            loaded_run::<f64>(&mut config, data, &arrays)?
        } else {
            loaded_run::<f32>(&mut config, data, &arrays)?
        };
        self.run = Some(run);
        self.config = WebConfig { train: config, f64 };
        self.elapsed_ms = 0.0;
        #[derive(serde::Serialize)]
        struct Loaded {
            hidden: usize,
            precision: &'static str,
        }
        Ok(to_js(&Loaded { hidden: self.config.train.hidden, precision: if f64 { "f64" } else { "f32" } }))
    }

    /// The run's history as the CLI's `--out` CSV files, the same text: `{loss:
    /// "iter,loss\n…", accuracy: "iter,epoch,train_acc,test_acc\n…"}`, from the f64 figures.
    #[wasm_bindgen(js_name = metricsCsv)]
    pub fn metrics_csv(&self) -> Result<JsValue, JsError> {
        let run = self.run.as_ref().ok_or_else(|| JsError::new("no data loaded: call loadMnist(...) first"))?;
        // The CLI's --out files, the same text (descent_core::model::csv).
        let loss = descent_core::model::csv::loss_csv(run.losses());
        let accuracy = descent_core::model::csv::accuracy_csv(run.evals());
        #[derive(serde::Serialize)]
        struct Csv {
            loss: String,
            accuracy: String,
        }
        Ok(to_js(&Csv { loss, accuracy }))
    }

    /// Starts the run again from iteration 0 (same config and seed), keeping the data.
    pub fn reset(&mut self) -> Result<(), JsValue> {
        if let Some(data) = &self.data {
            self.run = Some(self.start_run(data)?);
        }
        self.elapsed_ms = 0.0;
        Ok(())
    }
}
