//! # descent-web
//!
//! A thin wasm-bindgen layer over `descent-core`: the MNIST [`Trainer`] as a
//! JS class, for the page's Web Worker. Config and progress cross as plain JS
//! objects, the settings' schema through serde-wasm-bindgen (`configSchema`),
//! bulk numbers as typed arrays (copied out of wasm memory, so the worker can
//! transfer them), and every error as an `Error` whose message names the file
//! or field at fault, with the field also in `field` (read it, not the text).
//!
//! ```js
//! import init, { Trainer } from './descent_web.js';
//! await init();
//! const t = new Trainer({ lr: 0.1 });           // missing fields: the book's values
//! t.loadMnist(trainImages, trainLabels, testImages, testLabels); // raw IDX bytes
//! const p = t.train(50);                         // {iter, loss, losses, evals, …}
//! ```
#![deny(missing_docs)]

mod config;
pub mod demos;
mod evaluator;
mod inspect;
mod js;
mod trainer;

pub use config::WebConfig;
pub use evaluator::Evaluator;
pub use trainer::Trainer;

use wasm_bindgen::prelude::*;

/// Installs the panic hook once the module loads, so a Rust panic reaches the
/// console (and the worker's error handler) with its message.
#[wasm_bindgen(start)]
pub fn start() {
    console_error_panic_hook::set_once();
}

/// The training settings' schema, `descent_core::schema::FIELDS`: an array of
/// `{name, rust, flag, label, hint, what, kind: "int"|"positive"|"nonNegative",
/// min, max, default}`, in the order the page shows them. The page renders its
/// settings form from it.
#[wasm_bindgen(js_name = configSchema)]
pub fn config_schema() -> Result<JsValue, JsError> {
    serde_wasm_bindgen::to_value(&descent_core::schema::FIELDS).map_err(|e| JsError::new(&e.to_string()))
}

/// The one check of a setting's value (`descent_core::schema::Field::check`,
/// the CLI's too): `null` when `value` is within its bounds, else the message
/// ("the hidden size must be a whole number from 1 to 10,000 (default 50), got 20,000").
#[wasm_bindgen(js_name = checkSetting)]
pub fn check_setting(name: &str, value: f64) -> Result<Option<String>, JsError> {
    let field = descent_core::schema::Field::by_name(name)
        .ok_or_else(|| JsError::new(&format!("{name}: not a setting of the schema")))?;
    Ok(field.check(value).err().map(|e| e.to_string()))
}

/// A fresh random seed for a run, from the browser's cryptographic generator
/// (`getrandom`), at most the schema's largest (2⁵³ − 1, so a JS number holds it).
#[wasm_bindgen(js_name = newSeed)]
pub fn new_seed() -> Result<f64, JsError> {
    let bits = getrandom::u64().map_err(|e| JsError::new(&format!("no random seed could be drawn: {e}")))?;
    Ok((bits & descent_core::schema::MAX_SEED) as f64)
}

/// Which matrix kernels this build runs: `"relaxed-simd"`, `"simd128"` or `"scalar"`.
#[wasm_bindgen(js_name = kernelName)]
pub fn kernel_name() -> String {
    if cfg!(target_feature = "relaxed-simd") {
        "relaxed-simd".into()
    } else if cfg!(target_feature = "simd128") {
        "simd128".into()
    } else {
        "scalar".into()
    }
}

/// Bytes of wasm linear memory this module holds (it grows and never shrinks).
#[wasm_bindgen(js_name = memoryBytes)]
pub fn memory_bytes() -> f64 {
    wasm_bindgen::memory()
        .unchecked_into::<js_sys::WebAssembly::Memory>()
        .buffer()
        .unchecked_into::<js_sys::ArrayBuffer>()
        .byte_length() as f64
}
