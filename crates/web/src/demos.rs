//! The chapter's small experiments for the page, all in f64 as the book
//! computes them (f32 only where the page shows the difference). The page draws;
//! every number comes from descent-core.

use descent_core::numerical::{forward_diff, function_1, function_2, numerical_diff_with};
use descent_core::two_layer_net::Params;
use descent_core::{
    Matrix, Rng, SimpleNet, TwoLayerNet, cross_entropy_error, cross_entropy_error_labels, gradient_descent,
    numerical_gradient, sum_squares_error,
};
use js_sys::{Float32Array, Float64Array};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use crate::js::{now_ms, to_js, with_arrays};

fn f64_array(v: &[f64]) -> JsValue {
    Float64Array::from(v).into()
}

fn finite(name: &str, v: f64) -> Result<f64, JsError> {
    if v.is_finite() { Ok(v) } else { Err(JsError::new(&format!("{name}: expected a finite number, got {v}"))) }
}

/// SSE and CEE of an output `y` (any length ≥ 1) against the true class `label`:
/// `{sse, cee, ceeOneHot, ceeLabel}` (the last three are equal: the chapter's
/// −Σ t·ln(y + δ), the batch form with one-hot targets, and with a label index).
#[wasm_bindgen(js_name = lossDemo)]
pub fn loss_demo(y: &[f64], label: u32) -> Result<JsValue, JsError> {
    let label = label as usize;
    if y.is_empty() {
        return Err(JsError::new("y: needs at least one value"));
    }
    if label >= y.len() {
        return Err(JsError::new(&format!("label: must be below {} (one per output), got {label}", y.len())));
    }
    if let Some(v) = y.iter().find(|v| !v.is_finite()) {
        return Err(JsError::new(&format!("y: every value must be a finite number, got {v}")));
    }
    let t = Matrix::<f64>::one_hot(&[label], y.len());
    let ym = Matrix::row_vector(y);
    Ok(to_js(&Losses {
        sse: sum_squares_error(y, t.as_slice()),
        cee: descent_core::losses::cross_entropy_error_sum(y, t.as_slice()),
        cee_one_hot: cross_entropy_error(&ym, &t),
        cee_label: cross_entropy_error_labels(&ym, &[label]),
    }))
}

/// [`loss_demo`]'s result.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Losses {
    sse: f64,
    cee: f64,
    cee_one_hot: f64,
    cee_label: f64,
}

/// f(x) = 0.01x² + 0.1x sampled at `from, from + step, …` below `to` (the book's np.arange).
#[wasm_bindgen(js_name = function1Curve)]
pub fn function_1_curve(from: f64, to: f64, step: f64) -> Result<JsValue, JsError> {
    let (from, to, step) = (finite("from", from)?, finite("to", to)?, finite("step", step)?);
    if step <= 0.0 || (to - from) / step > 1e6 {
        return Err(JsError::new("step: must be positive and give at most a million points"));
    }
    let n = ((to - from) / step).ceil().max(0.0) as usize;
    let xs: Vec<f64> = (0..n).map(|i| from + i as f64 * step).collect();
    let ys: Vec<f64> = xs.iter().map(|&x| function_1(x)).collect();
    Ok(with_arrays(&Empty {}, &[("x", f64_array(&xs)), ("y", f64_array(&ys))]))
}

/// The book's `gradient_1d`: at `x`, f(x), the central-difference derivative
/// (h = 1e-4) and the tangent y = slope·t + intercept.
#[wasm_bindgen(js_name = tangent)]
pub fn tangent(x: f64) -> Result<JsValue, JsError> {
    let x = finite("x", x)?;
    let d = descent_core::numerical_diff(function_1, x);
    let f = function_1(x);
    Ok(to_js(&Tangent { x, f, slope: d, intercept: f - d * x }))
}

/// [`tangent`]'s result: the point and the line y = slope·t + intercept.
#[derive(Serialize)]
struct Tangent {
    x: f64,
    f: f64,
    slope: f64,
    intercept: f64,
}

/// A result made only of typed arrays.
#[derive(Serialize)]
struct Empty {}

/// A result with one number besides its typed arrays.
#[derive(Serialize)]
struct Exact {
    exact: f64,
}

/// The derivative of f(x) = 0.01x² + 0.1x at `x` (exactly 0.02x + 0.1) for each
/// step in `hs`: central and forward differences, in f64 and in f32.
/// `{exact, central64, forward64, central32, forward32}`.
#[wasm_bindgen(js_name = diffSweep)]
pub fn diff_sweep(x: f64, hs: &[f64]) -> Result<JsValue, JsError> {
    let x = finite("x", x)?;
    let mut out: [Vec<f64>; 4] = Default::default();
    for &h in hs {
        if !(h.is_finite() && h > 0.0) {
            return Err(JsError::new(&format!("h: every step must be a positive number, got {h}")));
        }
        out[0].push(numerical_diff_with(function_1, x, h));
        out[1].push(forward_diff(function_1, x, h));
        out[2].push(numerical_diff_with(function_1::<f32>, x as f32, h as f32) as f64);
        out[3].push(forward_diff(function_1::<f32>, x as f32, h as f32) as f64);
    }
    Ok(with_arrays(
        &Exact { exact: 0.02 * x + 0.1 },
        &[
            ("central64", f64_array(&out[0])),
            ("forward64", f64_array(&out[1])),
            ("central32", f64_array(&out[2])),
            ("forward32", f64_array(&out[3])),
        ],
    ))
}

/// The numerical gradient of f(x0, x1) = x0² + x1² at one point: `[∂f/∂x0, ∂f/∂x1]`.
#[wasm_bindgen(js_name = gradientAt)]
pub fn gradient_at(x0: f64, x1: f64) -> Result<Float64Array, JsError> {
    let mut x = [finite("x0", x0)?, finite("x1", x1)?];
    Ok(Float64Array::from(&numerical_gradient(function_2, &mut x)[..]))
}

/// The book's figure 4-9: −∇f of x0² + x1² on the grid arange(min, max, step)²
/// (18 × 18 for −2, 2.5, 0.25). `{x0, x1, dx0, dx1}`, one entry per point, x0 varying fastest.
#[wasm_bindgen(js_name = gradientField)]
pub fn gradient_field(min: f64, max: f64, step: f64) -> Result<JsValue, JsError> {
    let (min, max, step) = (finite("min", min)?, finite("max", max)?, finite("step", step)?);
    if step <= 0.0 || (max - min) / step > 200.0 {
        return Err(JsError::new("step: must be positive and give at most 200 points a side"));
    }
    let n = ((max - min) / step).ceil().max(0.0) as usize;
    let axis: Vec<f64> = (0..n).map(|i| min + i as f64 * step).collect();
    let mut cols: [Vec<f64>; 4] = Default::default();
    for &b in &axis {
        for &a in &axis {
            let mut x = [a, b];
            let g = numerical_gradient(function_2, &mut x);
            cols[0].push(a);
            cols[1].push(b);
            cols[2].push(-g[0]);
            cols[3].push(-g[1]);
        }
    }
    Ok(with_arrays(
        &Empty {},
        &[
            ("x0", f64_array(&cols[0])),
            ("x1", f64_array(&cols[1])),
            ("dx0", f64_array(&cols[2])),
            ("dx1", f64_array(&cols[3])),
        ],
    ))
}

/// The book's `gradient_descent` on x0² + x1² from (x0, x1): `{x: [x0, x1], history}`
/// with `history` the flat pairs of x before each update.
#[wasm_bindgen(js_name = gradientDescent)]
pub fn gradient_descent_demo(x0: f64, x1: f64, lr: f64, steps: u32) -> Result<JsValue, JsError> {
    let init = [finite("x0", x0)?, finite("x1", x1)?];
    let lr = finite("lr", lr)?;
    if steps > 100_000 {
        return Err(JsError::new(&format!("steps: at most 100000, got {steps}")));
    }
    let d = gradient_descent(function_2, &init, lr, steps as usize).map_err(|e| JsError::new(&e.to_string()))?;
    let flat: Vec<f64> = d.history.iter().flatten().copied().collect();
    Ok(with_arrays(&Empty {}, &[("x", f64_array(&d.x)), ("history", f64_array(&flat))]))
}

/// simpleNet for the page: W (2×3), p = x·W, loss = CEE(softmax(p), t).
#[wasm_bindgen(js_name = SimpleNet)]
#[derive(Debug)]
pub struct SimpleNetDemo(SimpleNet);

#[wasm_bindgen(js_class = SimpleNet)]
impl SimpleNetDemo {
    /// W from N(0, 1) with a seed.
    #[wasm_bindgen(constructor)]
    pub fn new(seed: u32) -> SimpleNetDemo {
        SimpleNetDemo(SimpleNet::new(seed as u64))
    }

    /// W given as 6 numbers, row by row (the book's W: `SimpleNet.withWeights(...)`).
    #[wasm_bindgen(js_name = withWeights)]
    pub fn with_weights(w: &[f64]) -> Result<SimpleNetDemo, JsError> {
        if w.len() != 6 || w.iter().any(|v| !v.is_finite()) {
            return Err(JsError::new("W: expected 6 finite numbers (2 rows of 3)"));
        }
        Ok(SimpleNetDemo(SimpleNet::with_weights([[w[0], w[1], w[2]], [w[3], w[4], w[5]]])))
    }

    /// W, 6 numbers row by row.
    pub fn weights(&self) -> Float64Array {
        Float64Array::from(self.0.w.as_slice())
    }

    /// `{p, argmax, loss, dW}` for input x (2 numbers) and true class `label` (0..3).
    pub fn evaluate(&mut self, x: &[f64], label: u32) -> Result<JsValue, JsError> {
        let (x, t) = Self::inputs(x, label)?;
        let p = self.0.predict(&x);
        let loss = self.0.loss(&x, &t);
        let dw = self.0.numerical_gradient(&x, &t);
        #[derive(Serialize)]
        struct Evaluated {
            argmax: usize,
            loss: f64,
        }
        let argmax = descent_core::matrix::argmax(&p);
        Ok(with_arrays(&Evaluated { argmax, loss }, &[("p", f64_array(&p)), ("dW", f64_array(dw.as_slice()))]))
    }

    /// One gradient-descent step W ← W − lr·dW; returns `{before, after}` losses.
    pub fn step(&mut self, x: &[f64], label: u32, lr: f64) -> Result<JsValue, JsError> {
        let (x, t) = Self::inputs(x, label)?;
        let lr = finite("lr", lr)?;
        let before = self.0.step(&x, &t, lr);
        #[derive(Serialize)]
        struct Stepped {
            before: f64,
            after: f64,
        }
        Ok(to_js(&Stepped { before, after: self.0.loss(&x, &t) }))
    }

    fn inputs(x: &[f64], label: u32) -> Result<([f64; 2], [f64; 3]), JsError> {
        if x.len() != 2 || x.iter().any(|v| !v.is_finite()) {
            return Err(JsError::new("x: expected 2 finite numbers"));
        }
        if label > 2 {
            return Err(JsError::new(&format!("t: the true class must be 0, 1 or 2, got {label}")));
        }
        let mut t = [0.0; 3];
        t[label as usize] = 1.0;
        Ok(([x[0], x[1]], t))
    }
}

/// Numerical vs analytic gradient of a TwoLayerNet (I = 784, `hidden`, 10) in f64
/// on `count` images (pixels 0..=255, 784 each) with their labels. Returns
/// `{params: [{name, maxAbs, maxRel, relNorm}], numericalMs, analyticMs, absDiffW1: Float32Array}`.
/// `relNorm` is ‖a − n‖ / (‖a‖ + ‖n‖); `maxRel` the largest |a − n| / (|a| + |n|) element-wise.
#[wasm_bindgen(js_name = gradientCheck)]
pub fn gradient_check(images: &[u8], labels: &[u8], hidden: u32, seed: u32) -> Result<JsValue, JsError> {
    let input = 784;
    if images.is_empty() || !images.len().is_multiple_of(input) {
        return Err(JsError::new(&format!("images: expected a multiple of 784 pixels, got {}", images.len())));
    }
    let n = images.len() / input;
    if labels.len() != n || labels.iter().any(|&l| l > 9) {
        return Err(JsError::new(&format!("labels: expected {n} labels from 0 to 9")));
    }
    if hidden == 0 || hidden > 100 {
        return Err(JsError::new(&format!("hidden: must be from 1 to 100, got {hidden}")));
    }
    let x = Matrix::from_vec(n, input, images.iter().map(|&p| p as f64 / 255.0).collect());
    let ls: Vec<usize> = labels.iter().map(|&l| l as usize).collect();
    let t = Matrix::one_hot(&ls, 10);
    let mut net = TwoLayerNet::<f64>::new(input, hidden as usize, 10, 0.01, &mut Rng::new(seed as u64));
    let t0 = now_ms();
    let numerical = net.numerical_gradient(&x, &t);
    let t1 = now_ms();
    let analytic = net.gradient(&x, &t);
    let t2 = now_ms();
    let params: Vec<Compared> =
        (0..4).map(|k| compare(Params::<f64>::NAMES[k], analytic.part(k), numerical.part(k))).collect();
    let diff_w1: Vec<f32> =
        analytic.w1.as_slice().iter().zip(numerical.w1.as_slice()).map(|(a, b)| (a - b).abs() as f32).collect();
    #[derive(Serialize)]
    #[serde(rename_all = "camelCase")]
    struct Checked {
        params: Vec<Compared>,
        numerical_ms: f64,
        analytic_ms: f64,
        hidden: u32,
        images: usize,
    }
    let checked = Checked { params, numerical_ms: t1 - t0, analytic_ms: t2 - t1, hidden, images: n };
    Ok(with_arrays(&checked, &[("absDiffW1", Float32Array::from(&diff_w1[..]).into())]))
}

/// How far apart one tensor's two gradients are.
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Compared {
    name: &'static str,
    max_abs: f64,
    max_rel: f64,
    rel_norm: f64,
}

fn compare(name: &'static str, a: &[f64], n: &[f64]) -> Compared {
    let max_abs = a.iter().zip(n).map(|(a, n)| (a - n).abs()).fold(0.0, f64::max);
    let max_rel = a.iter().zip(n).map(|(a, n)| (a - n).abs() / (a.abs() + n.abs()).max(1e-300)).fold(0.0, f64::max);
    let norm = |it: &mut dyn Iterator<Item = f64>| it.map(|v| v * v).sum::<f64>().sqrt();
    let rel_norm = norm(&mut a.iter().zip(n).map(|(a, n)| a - n))
        / (norm(&mut a.iter().copied()) + norm(&mut n.iter().copied())).max(1e-300);
    Compared { name, max_abs, max_rel, rel_norm }
}
