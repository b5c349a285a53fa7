//! Small helpers to build plain JS objects.

use js_sys::{Function, Object, Reflect};
use wasm_bindgen::{JsCast, JsValue};

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

/// Milliseconds from `performance.now()` (sub-millisecond, in pages and
/// workers alike), or from `Date.now()` where the global has no `performance`.
pub fn now_ms() -> f64 {
    let global = js_sys::global();
    Reflect::get(&global, &JsValue::from_str("performance"))
        .ok()
        .filter(|p| p.is_object())
        .and_then(|p| {
            let now = Reflect::get(&p, &JsValue::from_str("now")).ok()?.dyn_into::<Function>().ok()?;
            now.call0(&p).ok()?.as_f64()
        })
        .unwrap_or_else(js_sys::Date::now)
}
