//! The training config as the page sends it: a plain JS object with the
//! book's values for missing fields, checked field by field.

use descent_core::schema::{self, FIELDS, Field};
use descent_core::{ConfigError, TrainConfig};
use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::js::{field_error, to_js};

/// The one page setting outside the training schema: the float type.
const PRECISION: &str = "precision";

/// A validated config: the core's [`TrainConfig`] and the precision.
#[derive(Clone, Debug, PartialEq)]
pub struct WebConfig {
    /// Hyperparameters.
    pub train: TrainConfig,
    /// Train in `f64` (as the book) instead of `f32`.
    pub f64: bool,
}

/// A config error as a JS `Error` with `field` (the schema's name of the field
/// at fault) and `reason`.
pub fn config_error(e: &ConfigError) -> JsValue {
    field_error(Some(e.schema_field().name), &e.to_string())
}

/// A field's one check ([`Field::check`]) as a thrown `Error` naming it.
fn checked(f: &'static Field, x: f64) -> Result<f64, JsValue> {
    f.check(x).map(|()| x).map_err(|e| config_error(&e))
}

fn get(config: &JsValue, key: &str) -> Result<Option<JsValue>, JsValue> {
    let v = Reflect::get(config, &JsValue::from_str(key))
        .map_err(|_| field_error(None, "config: cannot read the config object"))?;
    Ok(if v.is_undefined() || v.is_null() { None } else { Some(v) })
}

/// A field's number, checked against the schema; `None` when absent.
fn number(config: &JsValue, f: &'static Field) -> Result<Option<f64>, JsValue> {
    match get(config, f.name)? {
        None => Ok(None),
        Some(v) => match v.as_f64() {
            Some(x) => checked(f, x).map(Some),
            None => Err(field_error(Some(f.name), &format!("expected a number, got {}", describe(&v)))),
        },
    }
}

fn describe(v: &JsValue) -> String {
    match v.as_string() {
        Some(s) => format!("the text {s:?}"),
        None => v.js_typeof().as_string().unwrap_or_else(|| "something else".into()),
    }
}

impl WebConfig {
    /// Reads a JS config object (`undefined` = all defaults) and checks each
    /// field against the schema ([`descent_core::schema::FIELDS`]); the batch's
    /// bound by the training set waits for the data.
    pub fn from_js(config: &JsValue) -> Result<Self, JsValue> {
        let mut c = TrainConfig::default();
        let mut f64 = false;
        if config.is_undefined() || config.is_null() {
            return Ok(Self { train: c, f64 });
        }
        if !config.is_object() {
            return Err(field_error(None, "config: expected an object like {lr: 0.1, batch: 100}"));
        }
        for key in Object::keys(config.unchecked_ref::<Object>()).iter() {
            let key = key.as_string().unwrap_or_default();
            if Field::by_name(&key).is_none() && key != PRECISION {
                let names: Vec<&str> = FIELDS.iter().map(|f| f.name).chain([PRECISION]).collect();
                return Err(field_error(
                    None,
                    &format!("{key}: unknown config field; expected one of {}", names.join(", ")),
                ));
            }
        }
        // Whole-number fields have passed their check, so the casts are exact.
        if let Some(x) = number(config, &schema::HIDDEN)? {
            c.hidden = x as usize;
        }
        if let Some(x) = number(config, &schema::LR)? {
            c.lr = x;
        }
        if let Some(x) = number(config, &schema::BATCH)? {
            c.batch_size = x as usize;
        }
        if let Some(x) = number(config, &schema::ITERS)? {
            c.iters = x as usize;
        }
        if let Some(x) = number(config, &schema::INIT_STD)? {
            c.weight_init_std = x;
        }
        if let Some(x) = number(config, &schema::SEED)? {
            c.seed = x as u64;
        }
        if let Some(v) = get(config, PRECISION)? {
            f64 = match v.as_string().as_deref() {
                Some("f32") => false,
                Some("f64") => true,
                _ => {
                    return Err(field_error(
                        Some(PRECISION),
                        &format!("expected \"f32\" or \"f64\", got {}", describe(&v)),
                    ));
                }
            };
        }
        // Everything but the batch bound, which needs the training set's size.
        c.validate(usize::MAX).map_err(|e| config_error(&e))?;
        Ok(Self { train: c, f64 })
    }

    /// The config as a plain JS object with every field, under the schema's
    /// names (`{hidden, lr, batch, iters, initStd, seed, precision}`).
    pub fn to_js(&self) -> JsValue {
        #[derive(serde::Serialize)]
        struct Page<'a> {
            #[serde(flatten)]
            train: &'a TrainConfig,
            precision: &'static str,
        }
        to_js(&Page { train: &self.train, precision: if self.f64 { "f64" } else { "f32" } })
    }
}
