//! The chapter demos the page calls, with BOOK.md's values, in a real browser.
#![cfg(target_arch = "wasm32")]

use descent_web::demos::*;
use js_sys::{Array, Float64Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn get(o: &JsValue, k: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(k)).unwrap()
}

fn f(o: &JsValue, k: &str) -> f64 {
    get(o, k).as_f64().unwrap()
}

fn arr(o: &JsValue, k: &str) -> Vec<f64> {
    get(o, k).dyn_into::<Float64Array>().unwrap().to_vec()
}

fn close(got: f64, want: f64, rel: f64) -> bool {
    (got - want).abs() <= rel * want.abs().max(1e-300)
}

const Y1: [f64; 10] = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0];
const Y2: [f64; 10] = [0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0];

#[wasm_bindgen_test]
fn losses_match_the_book() {
    let a = loss_demo(&Y1, 2).unwrap();
    assert_eq!(f(&a, "sse"), 0.09750000000000003);
    assert_eq!(f(&a, "cee"), 0.510825457099338);
    assert_eq!(f(&a, "ceeOneHot"), 0.510825457099338);
    assert_eq!(f(&a, "ceeLabel"), 0.510825457099338);
    let b = loss_demo(&Y2, 2).unwrap();
    assert_eq!(f(&b, "sse"), 0.5975);
    assert_eq!(f(&b, "cee"), 2.302584092994546);
    // y = 0 at the true label: δ caps the loss at −ln(1e-7) ≈ 16.118.
    let c = loss_demo(&Y1, 3).unwrap();
    assert!(close(f(&c, "cee"), 16.11809565095832, 1e-12), "{}", f(&c, "cee"));
    assert!(loss_demo(&Y1, 10).is_err());
    assert!(loss_demo(&[f64::NAN], 0).is_err());
}

#[wasm_bindgen_test]
fn derivatives_match_the_book() {
    let t = tangent(5.0).unwrap();
    assert_eq!(f(&t, "slope"), 0.1999999999990898);
    assert!(close(f(&t, "intercept"), 0.75 - 0.1999999999990898 * 5.0, 1e-12));
    let s = diff_sweep(5.0, &[1e-4, 1e-50]).unwrap();
    assert_eq!(arr(&s, "central64")[0], 0.1999999999990898);
    assert_eq!(arr(&s, "central64")[1], 0.0, "h = 1e-50 rounds away");
    assert!((arr(&s, "central32")[0] - 0.2002716).abs() < 1e-6, "f32: {}", arr(&s, "central32")[0]);
    assert_eq!(f(&s, "exact"), 0.2);
    let c = function_1_curve(0.0, 20.0, 0.1).unwrap();
    assert_eq!(arr(&c, "x").len(), 200);
}

#[wasm_bindgen_test]
fn gradients_and_descent_match_the_book() {
    assert_eq!(gradient_at(3.0, 4.0).unwrap().to_vec().iter().map(|v| v.round()).collect::<Vec<_>>(), [6.0, 8.0]);
    let field = gradient_field(-2.0, 2.5, 0.25).unwrap();
    assert_eq!(arr(&field, "x0").len(), 324, "18 × 18 points");
    let (x0, dx0) = (arr(&field, "x0"), arr(&field, "dx0"));
    assert!(close(dx0[0], -2.0 * x0[0], 1e-8), "arrows are −∇f");
    let d = gradient_descent_demo(-3.0, 4.0, 0.1, 100).unwrap();
    let x = arr(&d, "x");
    assert!(close(x[0], -6.11110793e-10, 1e-8) && close(x[1], 8.14814391e-10, 1e-8), "{x:?}");
    assert_eq!(arr(&d, "history").len(), 200);
    let x = arr(&gradient_descent_demo(-3.0, 4.0, 10.0, 100).unwrap(), "x");
    assert!(close(x[0], -2.58983747e+13, 1e-8) && close(x[1], -1.29524862e+12, 1e-8), "{x:?}");
    let x = arr(&gradient_descent_demo(-3.0, 4.0, 1e-10, 100).unwrap(), "x");
    assert!((x[0] + 2.99999994).abs() < 1e-8 && (x[1] - 3.99999992).abs() < 1e-8, "{x:?}");
}

#[wasm_bindgen_test]
fn simple_net_matches_the_book() {
    let w = [1.78188867, -1.60339216, -1.83076049, -0.27388719, 0.9192118, -0.79033481];
    let mut net = SimpleNetDemo::with_weights(&w).unwrap();
    let r = net.evaluate(&[0.6, 0.9], 2).unwrap();
    let p = arr(&r, "p");
    assert!(close(p[0], 0.82263473, 1e-7) && close(p[2], -1.80975762, 1e-7), "{p:?}");
    assert_eq!(f(&r, "argmax"), 0.0);
    assert!((f(&r, "loss") - 3.0079485).abs() < 1e-6);
    let dw = arr(&r, "dW");
    let want = [0.4121426, 0.15822056, -0.57036316, 0.6182139, 0.23733084, -0.85554475];
    for (g, w) in dw.iter().zip(want) {
        assert!((g - w).abs() < 1e-7, "{dw:?}");
    }
    let s = net.step(&[0.6, 0.9], 2, 0.1).unwrap();
    assert!(f(&s, "after") < f(&s, "before"));
    assert!(SimpleNetDemo::with_weights(&[1.0]).is_err());
}

#[wasm_bindgen_test]
fn gradient_check_agrees_on_digit_like_images() {
    // Three made-up 28×28 "digits" (strokes of bright pixels), labels 1, 7, 3.
    let mut images = vec![0u8; 3 * 784];
    for (i, img) in images.chunks_mut(784).enumerate() {
        for r in 4..24 {
            img[r * 28 + 10 + i * 3] = 255;
            img[r * 28 + 11 + i * 3] = 128;
        }
    }
    let r = gradient_check(&images, &[1, 7, 3], 5, 1).unwrap();
    let params: Array = get(&r, "params").dyn_into().unwrap();
    assert_eq!(params.length(), 4);
    for p in params.iter() {
        // The book's analytic gradient differs from the numerical one by a relative δ/y ≈ 1e-6 (see two_layer_net.rs).
        assert!(f(&p, "relNorm") < 1e-6, "{:?} relNorm {}", get(&p, "name"), f(&p, "relNorm"));
    }
    assert!(f(&r, "numericalMs") >= 0.0);
    assert_eq!(get(&r, "absDiffW1").dyn_into::<js_sys::Float32Array>().unwrap().length(), 784 * 5);
    assert!(gradient_check(&[0; 100], &[1], 5, 1).is_err());
    let _ = JsValue::NULL;
}
