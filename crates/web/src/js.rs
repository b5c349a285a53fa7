//! Values for JS: Rust structs through serde-wasm-bindgen ([`to_js`]),
//! bulk numbers beside them as typed arrays ([`with_arrays`]), errors that
//! name their field ([`field_error`]), and a clock.

use js_sys::{Function, Reflect};
use wasm_bindgen::{JsCast, JsValue};

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

/// A result for the page: its scalar fields through serde-wasm-bindgen
/// ([`to_js`]), then its bulk numbers as typed arrays (copies, which a worker
/// may transfer), which serde would turn into plain arrays.
pub fn with_arrays<T: serde::Serialize + ?Sized>(scalars: &T, arrays: &[(&str, JsValue)]) -> JsValue {
    let o = to_js(scalars);
    for (k, v) in arrays {
        // Setting a property on a fresh plain object cannot fail.
        let _ = Reflect::set(&o, &JsValue::from_str(k), v);
    }
    o
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
