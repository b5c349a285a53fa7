//! Evaluations in a second worker: a job's weights cross as typed arrays, and
//! an [`Evaluator`] (holding only the images' nonzero lists and the labels)
//! measures the accuracy while the training worker goes on training.
//!
//! A job as a JS object:
//! `{iter, epoch, loss, precision: "f32"|"f64", input, hidden, output, w1, b1, w2, b2}`,
//! the four tensors row-major as Float32Array (f32) or Float64Array (f64), so
//! the evaluation sees exactly the training worker's weights.

use descent_core::inspect::report::Predictions;
use descent_core::{EvalJob, Evaluation, Float, Labeled, Params, PixelLists, TwoLayerNet};
use js_sys::{Float32Array, Float64Array, Reflect};
use wasm_bindgen::prelude::*;

use crate::inspect::{eval_with_report, report_to_js};
use crate::js::{to_js, with_arrays};

/// f32 or f64 as a JS typed array.
pub trait JsFloat: Float {
    /// The tensor as a Float32Array / Float64Array (a copy).
    fn to_js(v: &[Self]) -> JsValue;
    /// A Float32Array / Float64Array back as a Vec (None: not that kind of array).
    fn from_js(v: &JsValue) -> Option<Vec<Self>>;
}

impl JsFloat for f32 {
    fn to_js(v: &[f32]) -> JsValue {
        Float32Array::from(v).into()
    }
    fn from_js(v: &JsValue) -> Option<Vec<f32>> {
        v.dyn_ref::<Float32Array>().map(|a| a.to_vec())
    }
}

impl JsFloat for f64 {
    fn to_js(v: &[f64]) -> JsValue {
        Float64Array::from(v).into()
    }
    fn from_js(v: &JsValue) -> Option<Vec<f64>> {
        v.dyn_ref::<Float64Array>().map(|a| a.to_vec())
    }
}

/// The job as a JS object (see the module docs).
pub fn job_to_js<T: JsFloat>(job: &EvalJob<T>) -> JsValue {
    let net = job.net();
    let p = &net.params;
    #[derive(serde::Serialize)]
    struct Job {
        iter: usize,
        epoch: usize,
        loss: f64,
        precision: &'static str,
        input: usize,
        hidden: usize,
        output: usize,
    }
    let head = Job {
        iter: job.iter(),
        epoch: job.epoch(),
        loss: job.loss(),
        precision: T::NAME,
        input: net.input_size(),
        hidden: net.hidden_size(),
        output: net.output_size(),
    };
    with_arrays(
        &head,
        &[
            ("w1", T::to_js(p.w1.as_slice())),
            ("b1", T::to_js(&p.b1)),
            ("w2", T::to_js(p.w2.as_slice())),
            ("b2", T::to_js(&p.b2)),
        ],
    )
}

/// A job read back from JS, in its precision.
pub enum AnyJob {
    /// An f32 net.
    F32(EvalJob<f32>),
    /// An f64 net.
    F64(EvalJob<f64>),
}

impl AnyJob {
    /// Reads a job object; the error names the field at fault.
    pub fn from_js(v: &JsValue) -> Result<Self, JsError> {
        if !v.is_object() {
            return Err(JsError::new("job: expected an evaluation job object from Trainer.trainDetached"));
        }
        let precision = field(v, "precision")?.as_string().unwrap_or_default();
        match precision.as_str() {
            "f32" => Ok(AnyJob::F32(read_job(v)?)),
            "f64" => Ok(AnyJob::F64(read_job(v)?)),
            other => Err(JsError::new(&format!("job.precision: expected \"f32\" or \"f64\", got {other:?}"))),
        }
    }

    /// [`EvalJob::run_predicting`] in the job's precision.
    pub fn run_predicting(&self, train: Labeled<'_>, test: Labeled<'_>) -> (Evaluation, Predictions) {
        match self {
            AnyJob::F32(j) => j.run_predicting(train, test),
            AnyJob::F64(j) => j.run_predicting(train, test),
        }
    }

    /// The net's input size (pixels an image).
    pub fn input(&self) -> usize {
        match self {
            AnyJob::F32(j) => j.net().input_size(),
            AnyJob::F64(j) => j.net().input_size(),
        }
    }

    /// The net's output size (classes).
    pub fn output(&self) -> usize {
        match self {
            AnyJob::F32(j) => j.net().output_size(),
            AnyJob::F64(j) => j.net().output_size(),
        }
    }
}

fn field(v: &JsValue, key: &str) -> Result<JsValue, JsError> {
    Reflect::get(v, &JsValue::from_str(key)).map_err(|_| JsError::new(&format!("job.{key}: cannot be read")))
}

fn whole(v: &JsValue, key: &str) -> Result<usize, JsError> {
    match field(v, key)?.as_f64() {
        Some(x) if x.fract() == 0.0 && (0.0..=1e12).contains(&x) => Ok(x as usize),
        _ => Err(JsError::new(&format!("job.{key}: expected a whole number ≥ 0"))),
    }
}

/// Most weights a job may carry (4 GB of wasm memory holds 2^30 f32).
const MAX_WEIGHTS: usize = 1 << 28;

fn read_job<T: JsFloat>(v: &JsValue) -> Result<EvalJob<T>, JsError> {
    let (input, hidden, output) = (whole(v, "input")?, whole(v, "hidden")?, whole(v, "output")?);
    if input == 0 || hidden == 0 || output == 0 {
        return Err(JsError::new("job: input, hidden and output must all be at least 1"));
    }
    let weights = input
        .checked_mul(hidden)
        .and_then(|w1| hidden.checked_mul(output).and_then(|w2| w1.checked_add(w2)))
        .filter(|&w| w <= MAX_WEIGHTS);
    if weights.is_none() {
        return Err(JsError::new(&format!(
            "job: a {input}-{hidden}-{output} net has more weights than this page can hold ({MAX_WEIGHTS})"
        )));
    }
    let mut net = TwoLayerNet::<T> { params: Params::zeros(input, hidden, output) };
    for (k, name) in ["w1", "b1", "w2", "b2"].into_iter().enumerate() {
        let arr = field(v, name)?;
        let data = T::from_js(&arr).ok_or_else(|| {
            JsError::new(&format!(
                "job.{name}: expected a {} of the weights",
                if T::NAME == "f32" { "Float32Array" } else { "Float64Array" }
            ))
        })?;
        let dst = net.params.part_mut(k);
        if data.len() != dst.len() {
            return Err(JsError::new(&format!(
                "job.{name}: expected {} numbers for a {input}-{hidden}-{output} net, got {}",
                dst.len(),
                data.len()
            )));
        }
        dst.copy_from_slice(&data);
    }
    let loss = field(v, "loss")?.as_f64().unwrap_or(f64::NAN);
    Ok(EvalJob::new(net, whole(v, "iter")?, whole(v, "epoch")?, loss))
}

/// An evaluation as the JS object the page gets: `{iter, epoch, trainAcc, testAcc, loss}`.
pub fn eval_to_js(e: &Evaluation) -> JsValue {
    to_js(e)
}

/// An evaluation object back from JS (checked: accuracies in 0..=1).
pub fn eval_from_js(v: &JsValue) -> Result<Evaluation, JsError> {
    if !v.is_object() {
        return Err(JsError::new("evaluation: expected {iter, epoch, trainAcc, testAcc, loss}"));
    }
    let acc = |key: &str| -> Result<f64, JsError> {
        match field(v, key)?.as_f64() {
            Some(x) if (0.0..=1.0).contains(&x) => Ok(x),
            _ => Err(JsError::new(&format!("evaluation.{key}: expected an accuracy between 0 and 1"))),
        }
    };
    Ok(Evaluation {
        iter: whole(v, "iter").map_err(|_| JsError::new("evaluation.iter: expected a whole number ≥ 0"))?,
        epoch: whole(v, "epoch").map_err(|_| JsError::new("evaluation.epoch: expected a whole number ≥ 0"))?,
        train_acc: acc("trainAcc")?,
        test_acc: acc("testAcc")?,
        loss: field(v, "loss")?.as_f64().unwrap_or(f64::NAN),
    })
}

/// Measures accuracies for a training worker, in a worker of its own: holds
/// each set's images as nonzero lists (about 31 MB for MNIST, against 55 MB of
/// raw pixels, which it never holds at once) and their labels.
///
/// ```js
/// const ev = new Evaluator(784);
/// ev.reserve(false, 60000, nonzeroCount);  // optional: exact room, no doubling
/// ev.addImages(false, trainPixelsChunk);   // header-less pixels, whole images, any number of calls
/// ev.setLabels(false, trainLabels);        // header-less labels
/// ev.addImages(true, testPixels); ev.setLabels(true, testLabels);
/// const e = ev.run(job);                   // {iter, epoch, trainAcc, testAcc, loss}
/// ```
#[wasm_bindgen]
pub struct Evaluator {
    pixel_count: usize,
    sets: [(PixelLists, Vec<u8>); 2],
}

impl core::fmt::Debug for Evaluator {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Evaluator")
            .field("pixel_count", &self.pixel_count)
            .field("train", &self.sets[0].1.len())
            .field("test", &self.sets[1].1.len())
            .finish()
    }
}

#[wasm_bindgen]
impl Evaluator {
    /// An empty evaluator for images of `pixel_count` pixels (784 for MNIST).
    #[wasm_bindgen(constructor)]
    pub fn new(pixel_count: u32) -> Result<Evaluator, JsError> {
        let pixel_count = pixel_count as usize;
        if pixel_count == 0 || pixel_count > PixelLists::MAX_PIXELS {
            return Err(JsError::new(&format!(
                "pixelCount: expected 1 to {} pixels an image, got {pixel_count}",
                PixelLists::MAX_PIXELS
            )));
        }
        Ok(Evaluator { pixel_count, sets: Default::default() })
    }

    /// Appends whole images (header-less pixels, `pixelCount` bytes each) to the
    /// training set (`test` false) or the test set (`test` true).
    #[wasm_bindgen(js_name = addImages)]
    pub fn add_images(&mut self, test: bool, pixels: &[u8]) -> Result<(), JsError> {
        if !pixels.len().is_multiple_of(self.pixel_count) {
            return Err(JsError::new(&format!(
                "pixels: {} bytes is not a whole number of {}-pixel images",
                pixels.len(),
                self.pixel_count
            )));
        }
        self.sets[usize::from(test)].0.push_images(pixels, self.pixel_count);
        Ok(())
    }

    /// Makes room for `images` more images with `nonzeros` nonzero pixels in all
    /// in a set, exactly: the lists then take no more memory than they need.
    /// Throws if that is more than the images can hold or memory can give.
    pub fn reserve(&mut self, test: bool, images: u32, nonzeros: u32) -> Result<(), JsError> {
        let (images, nonzeros) = (images as usize, nonzeros as usize);
        if images.checked_mul(self.pixel_count).is_none_or(|most| nonzeros > most) {
            return Err(JsError::new(&format!(
                "nonzeros: {nonzeros} nonzero pixels do not fit in {images} images of {} pixels",
                self.pixel_count
            )));
        }
        self.sets[usize::from(test)].0.reserve_exact(images, nonzeros).map_err(|_| {
            JsError::new(&format!(
                "not enough memory for {images} images with {nonzeros} nonzero pixels: close other tabs and reload"
            ))
        })
    }

    /// Sets the labels (header-less, one class per image) of a set.
    #[wasm_bindgen(js_name = setLabels)]
    pub fn set_labels(&mut self, test: bool, labels: Vec<u8>) {
        self.sets[usize::from(test)].1 = labels;
    }

    /// Images in the training and test sets: `{train, test}`.
    pub fn sizes(&self) -> JsValue {
        #[derive(serde::Serialize)]
        struct Sizes {
            train: usize,
            test: usize,
        }
        to_js(&Sizes { train: self.sets[0].0.len(), test: self.sets[1].0.len() })
    }

    /// Runs a job from `Trainer.trainDetached`: `{iter, epoch, trainAcc, testAcc, loss, report}`,
    /// `report` being the test set's: its confusion matrix, per-class accuracy and
    /// mistakes, the most confident first (see `report_to_js` in inspect.rs).
    /// Throws (naming what is wrong) on a malformed job, a job for another
    /// image size, or labels that do not match the images.
    pub fn run(&self, job: JsValue) -> Result<JsValue, JsError> {
        let job = AnyJob::from_js(&job)?;
        if job.input() != self.pixel_count {
            return Err(JsError::new(&format!(
                "job.input: the net takes {} pixels, these images have {}",
                job.input(),
                self.pixel_count
            )));
        }
        let mut sets = [Labeled { nonzeros: &self.sets[0].0, labels: &[] }; 2];
        for (k, name) in ["training", "test"].into_iter().enumerate() {
            let (lists, labels) = &self.sets[k];
            if lists.len() != labels.len() {
                return Err(JsError::new(&format!(
                    "the {name} set has {} images but {} labels: add them all before running a job",
                    lists.len(),
                    labels.len()
                )));
            }
            if let Some(&bad) = labels.iter().find(|&&l| usize::from(l) >= job.output()) {
                return Err(JsError::new(&format!(
                    "the {name} set has label {bad}, but the net has {} classes",
                    job.output()
                )));
            }
            sets[k] = Labeled { nonzeros: lists, labels };
        }
        let (e, p) = job.run_predicting(sets[0], sets[1]);
        Ok(eval_with_report(&e, Some(report_to_js(&p, sets[1].labels))))
    }

    /// Bytes of wasm memory this instance holds.
    #[wasm_bindgen(js_name = memoryBytes)]
    pub fn memory_bytes(&self) -> f64 {
        crate::memory_bytes()
    }
}
