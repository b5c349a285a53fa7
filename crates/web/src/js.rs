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

/// A thrown `Error`; with a field at fault, `field` names it and `reason`
/// says what is wrong with it (the message is then `"{field}: {reason}"`).
/// The page reads `e.field` and `e.reason`, never the message's text.
pub fn field_error(field: Option<&str>, reason: &str) -> JsValue {
    let Some(f) = field else {
        return js_sys::Error::new(reason).into();
    };
    let e = js_sys::Error::new(&format!("{f}: {reason}"));
    // Setting properties on a fresh Error cannot fail.
    let _ = Reflect::set(&e, &JsValue::from_str("field"), &JsValue::from_str(f));
    let _ = Reflect::set(&e, &JsValue::from_str("reason"), &JsValue::from_str(reason));
    e.into()
}

/// A Rust value as a plain JS object through serde-wasm-bindgen (`None` as
/// `null`, maps as objects). Only for values made of numbers, strings,
/// options and sequences, which always serialise.
pub fn to_js<T: serde::Serialize + ?Sized>(value: &T) -> JsValue {
    let s = serde_wasm_bindgen::Serializer::new().serialize_missing_as_null(true).serialize_maps_as_objects(true);
    value.serialize(&s).expect("numbers, strings and options always serialise")
}

/// A number as a JS value.
pub fn num(v: impl Into<f64>) -> JsValue {
    JsValue::from_f64(v.into())
}

/// Milliseconds from `performance.now()` (sub-millisecond, in pages and
/// workers alike), or from `Date.now()` where the global has no `performance`.
pub fn now_ms() -> f64 {
    Clock::new().now()
}

/// [`now_ms`] with `performance.now` looked up once, for timing many short steps.
pub struct Clock(Option<(JsValue, Function)>);

impl Clock {
    /// Finds `performance.now` on the global object (none: `Date.now()` is used).
    pub fn new() -> Self {
        let global = js_sys::global();
        Self(Reflect::get(&global, &JsValue::from_str("performance")).ok().filter(|p| p.is_object()).and_then(|p| {
            let now = Reflect::get(&p, &JsValue::from_str("now")).ok()?.dyn_into::<Function>().ok()?;
            Some((p, now))
        }))
    }

    /// Milliseconds.
    pub fn now(&self) -> f64 {
        self.0.as_ref().and_then(|(p, now)| now.call0(p).ok()?.as_f64()).unwrap_or_else(js_sys::Date::now)
    }
}
