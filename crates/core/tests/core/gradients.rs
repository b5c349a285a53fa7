//! TwoLayerNet's analytic gradient against its numerical gradient, in f64.

use descent_core::{Matrix, Params, Rng, TwoLayerNet};

fn random_batch(rng: &mut Rng, n: usize, input: usize, classes: usize) -> (Matrix<f64>, Matrix<f64>) {
    // Pixel-like inputs in [0, 1), a third of them exactly 0.
    let x = Matrix::from_vec(
        n,
        input,
        (0..n * input).map(|_| if rng.index(3) == 0 { 0.0 } else { rng.index(256) as f64 / 255.0 }).collect(),
    );
    let labels: Vec<usize> = (0..n).map(|_| rng.index(classes)).collect();
    (x, Matrix::one_hot(&labels, classes))
}

/// ‖a − n‖ / (‖a‖ + ‖n‖) over one tensor: the relative difference.
fn max_rel(a: &[f64], n: &[f64]) -> f64 {
    let norm = |v: &mut dyn Iterator<Item = f64>| v.map(|x| x * x).sum::<f64>().sqrt();
    norm(&mut a.iter().zip(n).map(|(a, n)| a - n))
        / (norm(&mut a.iter().copied()) + norm(&mut n.iter().copied())).max(1e-300)
}

fn max_abs(a: &[f64], n: &[f64]) -> f64 {
    a.iter().zip(n).map(|(a, n)| (a - n).abs()).fold(0.0, f64::max)
}

#[test]
fn analytic_gradient_equals_numerical_on_random_shapes() {
    let mut rng = Rng::new(11);
    // Tolerance: the loss's δ = 1e-7 biases the numerical gradient by a relative δ / y_t
    // (see two_layer_net.rs), about 1e-6 when y_t ≈ 0.1 with 10 classes; with 2 to 4
    // classes it stays far below the 1e-6 that the rest of the check must meet.
    for &(n, input, hidden, output, tol) in
        &[(1, 3, 2, 2, 1e-6), (4, 7, 5, 3, 1e-6), (10, 6, 9, 4, 1e-6), (2, 17, 1, 2, 1e-6), (3, 17, 4, 10, 1e-5)]
    {
        // weight std 0.5 so the gradients are far from zero and a relative check means something
        let mut net = TwoLayerNet::<f64>::new(input, hidden, output, 0.5, &mut rng);
        for b in net.params.b1.iter_mut().chain(net.params.b2.iter_mut()) {
            *b = 0.3 * rng.standard_normal();
        }
        let (x, t) = random_batch(&mut rng, n, input, output);
        let before = net.clone();
        let num = net.numerical_gradient(&x, &t);
        assert_eq!(net, before, "numerical_gradient restores every parameter");
        let ana = net.gradient(&x, &t);
        for k in 0..4 {
            let (a, nm) = (ana.part(k), num.part(k));
            let rel = max_rel(a, nm);
            assert!(
                rel < tol,
                "shape {n}×{input}-{hidden}-{output}, {}: max relative difference {rel:e}, max abs {:e}",
                Params::<f64>::NAMES[k],
                max_abs(a, nm)
            );
        }
    }
}

#[test]
fn a_gradient_step_lowers_the_loss() {
    let mut rng = Rng::new(12);
    let mut net = TwoLayerNet::<f64>::new(8, 6, 3, 0.5, &mut rng);
    let (x, t) = random_batch(&mut rng, 12, 8, 3);
    let l0 = net.loss(&x, &t);
    let g = net.gradient(&x, &t);
    net.update(&g, 0.5);
    assert!(net.loss(&x, &t) < l0);
}

#[test]
fn predict_rows_are_probabilities_and_accuracy_counts_argmax() {
    let mut rng = Rng::new(13);
    let net = TwoLayerNet::<f32>::new(5, 4, 3, 1.0, &mut rng);
    let x = Matrix::from_vec(6, 5, (0..30).map(|_| rng.standard_normal() as f32).collect());
    let y = net.predict(&x);
    for i in 0..6 {
        assert!((y.row(i).iter().sum::<f32>() - 1.0).abs() < 1e-5);
    }
    let t = Matrix::one_hot(&y.argmax_rows(), 3);
    assert_eq!(net.accuracy(&x, &t), 1.0);
    let wrong: Vec<usize> = y.argmax_rows().iter().map(|l| (l + 1) % 3).collect();
    assert_eq!(net.accuracy(&x, &Matrix::one_hot(&wrong, 3)), 0.0);
}
