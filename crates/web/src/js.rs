//! Small helpers to build plain JS objects.

use js_sys::{Object, Reflect};
use wasm_bindgen::JsValue;

/// A plain object `{k: v, …}`.
pub fn obj(fields: &[(&str, JsValue)]) -> JsValue {
    let o = Object::new();
    for (k, v) in fields {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o.into()
}

/// A number as a JS value.
pub fn num(v: impl Into<f64>) -> JsValue {
    JsValue::from_f64(v.into())
}
