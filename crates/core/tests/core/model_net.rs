//! The book's net as named arrays and back (model::net).

use descent_core::model::net::{NetError, from_arrays, precision_of, shape_text, to_arrays};
use descent_core::model::{Array, Data, Named};
use descent_core::{Rng, TwoLayerNet};

fn net<T: descent_core::Float>() -> TwoLayerNet<T> {
    TwoLayerNet::new(6, 4, 3, 0.5, &mut Rng::new(9))
}

#[test]
fn a_net_goes_to_the_books_four_arrays_and_back_to_the_bit() {
    let n64 = net::<f64>();
    let a = to_arrays(&n64);
    let names: Vec<_> = a.iter().map(|x| (x.name.as_str(), x.array.shape.clone(), x.array.data.dtype())).collect();
    assert_eq!(
        names,
        [
            ("W1", vec![6, 4], "float64"),
            ("b1", vec![4], "float64"),
            ("W2", vec![4, 3], "float64"),
            ("b2", vec![3], "float64")
        ]
    );
    assert_eq!(from_arrays::<f64>(&a).unwrap(), n64);
    assert_eq!(precision_of(&a), "f64");
    let n32 = net::<f32>();
    let a = to_arrays(&n32);
    assert_eq!(a[0].array.data.dtype(), "float32");
    assert_eq!(precision_of(&a), "f32");
    assert_eq!(from_arrays::<f32>(&a).unwrap(), n32);
    // float32 weights widen to f64 exactly.
    let wide = from_arrays::<f64>(&a).unwrap();
    assert!(wide.params.w1.as_slice().iter().zip(n32.params.w1.as_slice()).all(|(w, n)| *w == f64::from(*n)));
}

#[test]
fn arrays_that_are_not_a_net_are_refused_by_name() {
    let good = to_arrays(&net::<f64>());
    let without = |name: &str| good.iter().filter(|a| a.name != name).cloned().collect::<Vec<_>>();
    let e = from_arrays::<f64>(&without("b2")).unwrap_err();
    assert!(matches!(e, NetError::Missing { name: "b2", .. }));
    assert_eq!(
        e.to_string(),
        "the file has no array b2 (it holds W1, b1, W2): a two-layer net needs W1, b1, W2 and b2, as the book's params dict"
    );
    let replace = |name: &str, array: Array| {
        good.iter()
            .map(|a| if a.name == name { Named { name: a.name.clone(), array: array.clone() } } else { a.clone() })
            .collect::<Vec<_>>()
    };
    let e = from_arrays::<f64>(&replace("b1", Array { shape: vec![5], data: Data::F64(vec![0.0; 5]) })).unwrap_err();
    assert_eq!(e.to_string(), "b1 has shape (5,), but W1 is (6, 4) so b1 must be (4,): the hidden sizes do not match");
    let e = from_arrays::<f64>(&replace("W2", Array { shape: vec![4, 2], data: Data::F64(vec![0.0; 8]) })).unwrap_err();
    assert!(e.to_string().starts_with("W2 has shape (4, 2), but W1 is (6, 4) and b2 (3,) so W2 must be (4, 3)"), "{e}");
    let e = from_arrays::<f64>(&replace("W1", Array { shape: vec![24], data: Data::F64(vec![0.0; 24]) })).unwrap_err();
    assert!(e.to_string().starts_with("W1 has shape (24,), but W1 must be a matrix"), "{e}");
    let e = from_arrays::<f64>(&replace("b2", Array { shape: vec![3], data: Data::I64(vec![0; 3]) })).unwrap_err();
    assert_eq!(e.to_string(), "b2 is int64: the weights must be float32 or float64");
    let mut nan = vec![0.0; 4];
    nan[2] = f64::NAN;
    let e = from_arrays::<f64>(&replace("b1", Array { shape: vec![4], data: Data::F64(nan) })).unwrap_err();
    assert_eq!(e, NetError::NotFinite { name: "b1", index: 2 });
    assert_eq!(shape_text(&[]), "()");
}

#[test]
fn f64_pixels_are_the_books_float32_pixels_to_the_bit() {
    // The book's load_mnist(normalize=True): img.astype(np.float32) / 255.0, widened to float64 by numpy.
    let out = std::process::Command::new("python3")
        .args([
            "-c",
            "import numpy as np, sys; \
             sys.stdout.write((np.arange(256, dtype=np.uint8).astype(np.float32) / 255.0).astype(np.float64).tobytes().hex())",
        ])
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "numpy is missing: run scripts/setup.sh --data ({})",
        String::from_utf8_lossy(&out.stderr)
    );
    let ours: String = descent_core::train::pixel_scale::<f64>()
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(ours, String::from_utf8(out.stdout).unwrap());
    // Not the exact p / 255: 1 / 255 differs.
    assert_ne!(descent_core::train::pixel_scale::<f64>()[1], 1.0 / 255.0);
    assert_eq!(descent_core::train::pixel_scale::<f32>()[1], 1.0f32 / 255.0);
}
