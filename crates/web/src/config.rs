//! The training config as the page sends it: a plain JS object with the
//! book's values for missing fields, checked field by field.

use descent_core::{ConfigError, TrainConfig};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::js::{num, obj};

/// A validated config: the core's [`TrainConfig`] and the precision.
#[derive(Clone, Debug, PartialEq)]
pub struct WebConfig {
    /// Hyperparameters.
    pub train: TrainConfig,
    /// Train in `f64` (as the book) instead of `f32`.
    pub f64: bool,
}

/// The JS field names, in the order the page shows them.
const FIELDS: [&str; 7] = ["hidden", "lr", "batch", "iters", "initStd", "seed", "precision"];

/// The JS name of a core config field.
pub fn js_field(core_field: &str) -> &str {
    match core_field {
        "batch_size" => "batch",
        "weight_init_std" => "initStd",
        other => other,
    }
}

/// A config error as a `JsError` whose message starts with the JS field name.
pub fn config_error(e: &ConfigError) -> JsError {
    JsError::new(&format!("{}: {e}", js_field(e.field())))
}

fn get(config: &JsValue, key: &str) -> Result<Option<JsValue>, JsError> {
    let v = Reflect::get(config, &JsValue::from_str(key))
        .map_err(|_| JsError::new("config: cannot read the config object"))?;
    Ok(if v.is_undefined() || v.is_null() { None } else { Some(v) })
}

fn number(config: &JsValue, key: &str) -> Result<Option<f64>, JsError> {
    match get(config, key)? {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(x) => Ok(Some(x)),
            None => Err(JsError::new(&format!("{key}: expected a number, got {}", describe(&v)))),
        },
    }
}

fn count(config: &JsValue, key: &str, what: &str) -> Result<Option<usize>, JsError> {
    match number(config, key)? {
        None => Ok(None),
        Some(x) if x.fract() == 0.0 && (0.0..=1e15).contains(&x) => Ok(Some(x as usize)),
        Some(x) => Err(JsError::new(&format!("{key}: {what} must be a whole number ≥ 0, got {x}"))),
    }
}

fn describe(v: &JsValue) -> String {
    match v.as_string() {
        Some(s) => format!("the text {s:?}"),
        None => v.js_typeof().as_string().unwrap_or_else(|| "something else".into()),
    }
}

impl WebConfig {
    /// Reads a JS config object (`undefined` = all defaults) and validates
    /// every field except the batch-size bound, which needs the data.
    pub fn from_js(config: &JsValue) -> Result<Self, JsError> {
        let mut c = TrainConfig::default();
        let mut f64 = false;
        if config.is_undefined() || config.is_null() {
            return Ok(Self { train: c, f64 });
        }
        if !config.is_object() {
            return Err(JsError::new("config: expected an object like {lr: 0.1, batch: 100}"));
        }
        for key in Object::keys(config.unchecked_ref::<Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if !FIELDS.contains(&key.as_str()) {
                return Err(JsError::new(&format!(
                    "{key}: unknown config field; expected one of {}",
                    FIELDS.join(", ")
                )));
            }
        }
        if let Some(v) = count(config, "hidden", "the hidden size")? {
            c.hidden = v;
        }
        if let Some(v) = number(config, "lr")? {
            c.lr = v;
        }
        if let Some(v) = count(config, "batch", "the batch size")? {
            c.batch_size = v;
        }
        if let Some(v) = count(config, "iters", "the number of iterations")? {
            c.iters = v;
        }
        if let Some(v) = number(config, "initStd")? {
            c.weight_init_std = v;
        }
        if let Some(v) = number(config, "seed")? {
            if !(v.fract() == 0.0 && (0.0..=9007199254740991.0).contains(&v)) {
                return Err(JsError::new(&format!(
                    "seed: the seed must be a whole number from 0 to 2^53 − 1, got {v}"
                )));
            }
            c.seed = v as u64;
        }
        if let Some(v) = get(config, "precision")? {
            f64 = match v.as_string().as_deref() {
                Some("f32") => false,
                Some("f64") => true,
                _ => {
                    return Err(JsError::new(&format!("precision: expected \"f32\" or \"f64\", got {}", describe(&v))));
                }
            };
        }
        // Everything but the batch bound, which needs the training set's size.
        c.validate(usize::MAX).map_err(|e| config_error(&e))?;
        Ok(Self { train: c, f64 })
    }

    /// The config as a plain JS object with every field.
    pub fn to_js(&self) -> JsValue {
        let c = &self.train;
        obj(&[
            ("hidden", num(c.hidden as f64)),
            ("lr", num(c.lr)),
            ("batch", num(c.batch_size as f64)),
            ("iters", num(c.iters as f64)),
            ("initStd", num(c.weight_init_std)),
            ("seed", num(c.seed as f64)),
            ("precision", JsValue::from_str(if self.f64 { "f64" } else { "f32" })),
        ])
    }
}
