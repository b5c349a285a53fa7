//! Every value of the table in BOOK.md, exact where the book's f64 result is exact.

use descent_core::numerical::{function_1, function_2, numerical_diff_with};
use descent_core::*;

use crate::assert_close;

const Y1: [f64; 10] = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0];
const Y2: [f64; 10] = [0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0];

fn t2() -> Vec<f64> {
    Matrix::<f64>::one_hot(&[2], 10).into_vec()
}

#[test]
fn sum_squares_error_matches_the_book_exactly() {
    assert_eq!(sum_squares_error(&Y1, &t2()), 0.09750000000000003);
    assert_eq!(sum_squares_error(&Y2, &t2()), 0.5975);
}

#[test]
fn cross_entropy_error_matches_the_book_exactly() {
    let t = Matrix::row_vector(&t2());
    assert_eq!(cross_entropy_error(&Matrix::row_vector(&Y1), &t), 0.510825457099338);
    assert_eq!(cross_entropy_error(&Matrix::row_vector(&Y2), &t), 2.302584092994546);
    // The chapter's first form, −Σ t·ln(y + δ), gives the same numbers.
    assert_eq!(losses::cross_entropy_error_sum(&Y1, &t2()), 0.510825457099338);
    assert_eq!(losses::cross_entropy_error_sum(&Y2, &t2()), 2.302584092994546);
}

#[test]
fn one_hot_and_label_targets_give_the_same_cross_entropy() {
    let y = Matrix::from_rows(&[Y1, Y2, [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0]]);
    let labels = [2, 7, 3];
    let one_hot = Matrix::one_hot(&labels, 10);
    let a = cross_entropy_error(&y, &one_hot);
    let b = cross_entropy_error_labels(&y, &labels);
    assert_eq!(a, b);
    // Row 3 puts 0 on the true label: δ caps −ln(0 + δ) at ≈ 16.118 instead of ∞.
    let row3 = cross_entropy_error_labels(&Matrix::row_vector(y.row(2)), &[3]);
    assert_close(&[row3], &[-(1e-7f64).ln()], 1e-15);
    assert!(a.is_finite());
}

#[test]
fn numerical_diff_of_function_1() {
    assert_eq!(numerical_diff(function_1::<f64>, 5.0), 0.1999999999990898);
    assert_eq!(numerical_diff(function_1::<f64>, 10.0), 0.2999999999986347);
    // In f32 the same computation goes wrong in the 4th digit (BOOK.md).
    let d32 = numerical_diff(function_1::<f32>, 5.0);
    assert!((d32 - 0.2002716).abs() < 1e-6, "f32 derivative {d32}");
    // h = 1e-50 rounds away entirely: x + h == x, so the difference is 0.
    assert_eq!(numerical_diff_with(function_1::<f64>, 5.0, 1e-50), 0.0);
}

#[test]
fn partial_derivative_and_gradient_of_function_2() {
    let function_tmp1 = |x0: f64| x0 * x0 + 4.0f64.powi(2);
    assert_eq!(numerical_diff(function_tmp1, 3.0), 6.00000000000378);
    let mut x = [3.0, 4.0];
    let g = numerical_gradient(function_2, &mut x);
    assert_close(&g, &[6.0, 8.0], 1e-9);
    assert_eq!(x, [3.0, 4.0], "numerical_gradient must restore x");
    let mut x = [0.0, 2.0];
    assert_close(&numerical_gradient(function_2, &mut x), &[0.0, 4.0], 1e-9);
    let mut x = [3.0, 0.0];
    assert_close(&numerical_gradient(function_2, &mut x), &[6.0, 0.0], 1e-9);
}

#[test]
fn numerical_gradient_restores_every_element_of_any_shape() {
    let mut m = Matrix::from_rows(&[[1.0, -2.0, 3.0], [0.5, 0.25, -4.0]]);
    let before = m.clone();
    let g = numerical_gradient(
        |x: &[f64]| x.iter().enumerate().map(|(i, v)| (i as f64 + 1.0) * v * v).sum(),
        m.as_mut_slice(),
    );
    assert_eq!(m, before);
    let want: Vec<f64> = before.as_slice().iter().enumerate().map(|(i, v)| 2.0 * (i as f64 + 1.0) * v).collect();
    assert_close(&g, &want, 1e-7);
}

#[test]
fn gradient_descent_matches_the_book() {
    let d = gradient_descent(function_2, &[-3.0, 4.0], 0.1, 100).unwrap();
    assert_close(&d.x, &[-6.11110793e-10, 8.14814391e-10], 1e-18);
    assert!((d.x[0] / -6.11110793e-10 - 1.0).abs() < 1e-8 && (d.x[1] / 8.14814391e-10 - 1.0).abs() < 1e-8, "{:?}", d.x);
    assert_eq!(d.history.len(), 100);
    assert_eq!(d.history[0], vec![-3.0, 4.0], "history holds x before each update");

    let d = gradient_descent(function_2, &[-3.0, 4.0], 10.0, 100).unwrap();
    assert!((d.x[0] / -2.58983747e+13 - 1.0).abs() < 1e-8, "{:?}", d.x);
    assert!((d.x[1] / -1.29524862e+12 - 1.0).abs() < 1e-8, "{:?}", d.x);

    let d = gradient_descent(function_2, &[-3.0, 4.0], 1e-10, 100).unwrap();
    assert!((d.x[0] - -2.99999994).abs() < 1e-8 && (d.x[1] - 3.99999992).abs() < 1e-8, "{:?}", d.x);

    // The book's figure: lr 0.1, 20 steps, each point 0.8× the one before.
    let d = gradient_descent(function_2, &[-3.0, 4.0], 0.1, 20).unwrap();
    assert_close(&d.history[1], &[-2.4, 3.2], 1e-9);
}

#[test]
fn simple_net_matches_the_book() {
    let mut net =
        SimpleNet::with_weights([[1.78188867, -1.60339216, -1.83076049], [-0.27388719, 0.9192118, -0.79033481]]);
    let x = [0.6, 0.9];
    let t = [0.0, 0.0, 1.0];
    let p = net.predict(&x);
    assert_close(&p, &[0.82263473, -0.13474467, -1.80975762], 1e-8);
    assert_eq!(matrix::argmax(&p), 0);
    let loss = net.loss(&x, &t);
    assert!((loss - 3.0079485).abs() < 1e-6, "loss {loss}");
    let before = net.w.clone();
    let dw = net.numerical_gradient(&x, &t);
    assert_eq!(net.w, before, "W restored");
    assert_close(dw.as_slice(), &[0.4121426, 0.15822056, -0.57036316, 0.6182139, 0.23733084, -0.85554475], 1e-7);
    // One step of gradient descent lowers the loss.
    let l0 = net.step(&x, &t, 0.1);
    assert!(net.loss(&x, &t) < l0);
}

#[test]
fn simple_net_seeded_weights_are_reproducible() {
    assert_eq!(SimpleNet::new(7), SimpleNet::new(7));
    assert_ne!(SimpleNet::new(7), SimpleNet::new(8));
}

#[test]
fn softmax_and_sigmoid() {
    let y = softmax(&Matrix::from_rows(&[[1010.0, 1000.0, 990.0], [0.3, 2.9, 4.0]]));
    for i in 0..2 {
        assert!(y.row(i).iter().all(|v| v.is_finite()), "max-shift keeps e^1010 from overflowing");
        assert_close(&[y.row(i).iter().sum::<f64>()], &[1.0], 1e-15);
    }
    assert_close(y.row(1), &[0.01821127, 0.24519181, 0.73659691], 1e-8);
    assert_eq!(sigmoid(0.0f64), 0.5);
    assert_eq!(sigmoid_grad(0.0f64), 0.25);
}

#[test]
fn the_fast_f32_exp_is_within_a_few_ulp() {
    use descent_core::float::exp_f32;
    let mut worst = (0.0f32, 0.0f64);
    let mut x = -87.0f32;
    while x < 88.3 {
        let want = (x as f64).exp();
        let err = ((exp_f32(x) as f64) - want).abs() / want;
        if err > worst.1 {
            worst = (x, err);
        }
        x += 0.00731;
    }
    // 2.4e-7 is 2 ulp of f32
    assert!(worst.1 < 2.5e-7, "worst relative error {:e} at x = {}", worst.1, worst.0);
    assert!(exp_f32(f32::NAN).is_nan());
    assert_eq!(exp_f32(0.0), 1.0);
    assert!(exp_f32(-1000.0) > 0.0 && exp_f32(1000.0).is_finite(), "clamped, not 0 or ∞");
}

/// The training loop's softmax over blocks of rows gives, to the bit, what
/// the plain row-by-row algorithm gives (first element as the starting
/// maximum, replaced by any larger one; shift; exp_fast; sum left to right
/// from 0; divide), on 77 rows (past the 32-row blocks) of 1, 3 and 10
/// columns holding −0.0, ±∞ and NaN in first and later places.
#[test]
fn softmax_rows_equals_the_row_by_row_algorithm() {
    fn reference<T: Float>(row: &mut [T]) {
        let mut max = row[0];
        for &v in row.iter() {
            if v > max {
                max = v;
            }
        }
        let mut sum = T::ZERO;
        for v in row.iter_mut() {
            *v = (*v - max).exp_fast();
            sum += *v;
        }
        for v in row.iter_mut() {
            *v /= sum;
        }
    }
    fn check<T: Float>() {
        use descent_core::activations::softmax_rows;
        let special = [-0.0, f64::INFINITY, f64::NEG_INFINITY, f64::NAN, 1e300, -3.5, 0.25];
        let mut rng = Rng::new(5);
        for cols in [1, 3, 10] {
            let x: Vec<T> = (0..77 * cols)
                .map(|k| {
                    let v = if k % 11 == 4 { special[(k / 11) % special.len()] } else { 4.0 * rng.standard_normal() };
                    T::from_f64(v)
                })
                .collect();
            let mut got = x.clone();
            softmax_rows(&mut got, cols);
            let mut want = x.clone();
            for row in want.chunks_exact_mut(cols) {
                reference(row);
            }
            let bits = |v: &[T]| v.iter().map(|x| x.to_f64().to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&got), bits(&want), "{} cols={cols}", T::NAME);
        }
    }
    check::<f32>();
    check::<f64>();
}
