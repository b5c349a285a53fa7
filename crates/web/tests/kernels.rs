//! descent-core's fast kernels inside wasm, against the naive references: the
//! same checks as the native kernel tests, run here because the wasm builds have
//! kernels of their own (relaxed-SIMD register blocks in the relaxed build; the
//! compiler's simd128 code in the plain one). `scripts/test.sh` runs this file
//! under both builds.
#![cfg(target_arch = "wasm32")]

use descent_core::kernels::{self, naive};
use descent_core::sparse::{spmm, spmm_tn_add};
use descent_core::train::pixel_scale;
use descent_core::{Rng, SparseRows};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

/// Rows of u8 pixels, about 80% zero.
fn pixels(rng: &mut Rng, rows: usize, cols: usize) -> Vec<u8> {
    (0..rows * cols).map(|_| if rng.index(5) == 0 { 1 + rng.index(255) as u8 } else { 0 }).collect()
}

fn close(got: &[f32], want: &[f32], what: &str) {
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!((g - w).abs() <= 1e-5 * (1.0 + w.abs()), "{what} [{i}]: {g} vs naive {w}");
    }
}

#[wasm_bindgen_test]
fn sparse_products_match_naive_at_every_width() {
    // Widths 1..=70 cover every register block (0, 8, 16, 32, 48 columns with each rest < 8).
    let mut rng = Rng::new(31);
    let scale = pixel_scale::<f32>();
    let (m, k) = (7, 29);
    for n in 1..=70 {
        let px = pixels(&mut rng, m, k);
        let a: Vec<f32> = px.iter().map(|&p| scale[p as usize]).collect();
        let mut rows = SparseRows::default();
        for row in px.chunks(k) {
            rows.push_pixels(row, &scale);
        }
        let b: Vec<f32> = (0..k * n).map(|_| rng.standard_normal() as f32).collect();
        let mut want = vec![0.0f32; m * n];
        naive::gemm_nn(m, k, n, &a, &b, &mut want, false);
        let mut got = vec![f32::NAN; m * n];
        spmm(&rows, &b, n, &mut got);
        close(&got, &want, &format!("x·B n={n}"));

        let g: Vec<f32> = (0..m * n).map(|_| rng.standard_normal() as f32).collect();
        let b0: Vec<f32> = (0..k * n).map(|_| rng.standard_normal() as f32).collect();
        let mut want = b0.clone();
        naive::gemm_tn(k, m, n, &a, &g, &mut want, true);
        let mut got = b0;
        spmm_tn_add(&rows, &g, n, &mut got);
        close(&got, &want, &format!("B + xᵀ·G n={n}"));
    }
}

#[wasm_bindgen_test]
fn dense_products_match_naive_on_odd_sizes() {
    let mut rng = Rng::new(32);
    for &(m, k, n) in &[(1, 1, 1), (3, 17, 5), (17, 9, 10), (100, 50, 10), (5, 10, 50), (13, 33, 70)] {
        let a: Vec<f32> = (0..m * k).map(|_| rng.standard_normal() as f32).collect();
        let b: Vec<f32> = (0..k * n).map(|_| rng.standard_normal() as f32).collect();
        let mut want = vec![0.0f32; m * n];
        naive::gemm_nn(m, k, n, &a, &b, &mut want, false);
        let mut got = vec![f32::NAN; m * n];
        kernels::gemm_nn(m, k, n, &a, &b, &mut got, false);
        close(&got, &want, &format!("A·B {m}×{k}×{n}"));
        // Aᵀ·B with A (k, m)
        let at: Vec<f32> = (0..k * m).map(|_| rng.standard_normal() as f32).collect();
        let mut want = vec![1.0f32; m * n];
        naive::gemm_tn(m, k, n, &at, &b, &mut want, true);
        let mut got = vec![1.0f32; m * n];
        kernels::gemm_tn(m, k, n, &at, &b, &mut got, true);
        close(&got, &want, &format!("C + Aᵀ·B {m}×{k}×{n}"));
    }
}

#[wasm_bindgen_test]
fn panel_products_match_naive_at_every_width() {
    // The training loop's W1 layout (rows padded to 64-byte lines, the update in
    // bands of rows): widths 1..=70 cover the 52-column pass of 13 simd128
    // vectors the book's 50 hidden units take, and W of 784 rows has two bands.
    use descent_core::Matrix;
    use descent_core::panel::{self, Panel};
    let mut rng = Rng::new(33);
    let scale = pixel_scale::<f32>();
    for (m, k) in [(7, 29), (30, 784)] {
        for n in (1..=70).filter(|&n| k == 29 || n == 50 || n == 52 || n == 70) {
            let px = pixels(&mut rng, m, k);
            let a: Vec<f32> = px.iter().map(|&p| scale[p as usize]).collect();
            let mut rows = SparseRows::default();
            for row in px.chunks(k) {
                rows.push_pixels(row, &scale);
            }
            let w = Matrix::from_vec(k, n, (0..k * n).map(|_| rng.standard_normal() as f32).collect());
            let p = Panel::from_matrix(&w);
            let mut want = vec![0.0f32; m * n];
            naive::gemm_nn(m, k, n, &a, w.as_slice(), &mut want, false);
            let mut got = vec![f32::NAN; m * n];
            panel::spmm(&rows, &p, &mut got);
            close(&got, &want, &format!("panel x·W n={n}"));

            let g: Vec<f32> = (0..m * n).map(|_| rng.standard_normal() as f32).collect();
            let mut want = w.clone();
            naive::gemm_tn(k, m, n, &a, &g, want.as_mut_slice(), true);
            let mut q = p.clone();
            panel::spmm_tn_add(&rows, &g, &mut q);
            let mut got = Matrix::zeros(k, n);
            q.store(&mut got);
            close(got.as_slice(), want.as_slice(), &format!("panel W + xᵀ·G n={n}"));
            assert!(q.as_rows().chunks(q.stride()).all(|r| r[n..].iter().all(|&v| v == 0.0)), "padding stays 0");
        }
    }
}

/// The activations' vectorised loops keep NaN as NaN in both builds (in the
/// relaxed one a clamp may compile to a relaxed min/max, which turns NaN into
/// a bound: a diverged run then looked like a uniform softmax, loss ln 10,
/// instead of stopping), and stay finite and right elsewhere.
#[wasm_bindgen_test]
fn activations_keep_nan_in_every_lane() {
    use descent_core::activations::{sigmoid_in_place, softmax_rows};
    // 7 values (prime to the 4 lanes of a vector), so NaN visits every lane.
    let special = [f32::NAN, f32::INFINITY, f32::NEG_INFINITY, 1e38, -1e38, 1.0, -1.0];
    let mut v: Vec<f32> = special.iter().cycle().take(43).copied().collect();
    let x = v.clone();
    sigmoid_in_place(&mut v);
    for (s, x) in v.iter().zip(&x) {
        if x.is_nan() {
            assert!(s.is_nan(), "σ(NaN) = {s}");
        } else {
            let want = 1.0 / (1.0 + (-f64::from(*x)).exp());
            assert!((f64::from(*s) - want).abs() <= 1e-6, "σ({x}) = {s}, want {want}");
        }
    }
    // 12 rows of 3: a NaN anywhere in a row makes the whole row NaN.
    let mut rows: Vec<f32> = (0..36).map(|i| if i % 7 == 0 { f32::NAN } else { (i % 5) as f32 }).collect();
    let before = rows.clone();
    softmax_rows(&mut rows, 3);
    for (r, (got, x)) in rows.chunks(3).zip(before.chunks(3)).enumerate() {
        if x.iter().any(|v| v.is_nan()) {
            assert!(got.iter().all(|v| v.is_nan()), "row {r}: {x:?} → {got:?}");
        } else {
            let sum: f32 = got.iter().sum();
            assert!((sum - 1.0).abs() < 1e-6 && got.iter().all(|v| v.is_finite()), "row {r}: {got:?}");
        }
    }
}
