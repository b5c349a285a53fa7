//! The book's two-layer net as named arrays and back: `W1` (I, H), `b1` (H,),
//! `W2` (H, O), `b2` (O,), as the book's `TwoLayerNet.params` dict holds them,
//! in float32 or float64.

use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec::Vec;
use core::fmt;

use super::{Array, Data, Named};
use crate::book::two_layer_net::{Params, TwoLayerNet};
use crate::float::Float;
use crate::matrix::Matrix;

/// What is wrong with a set of arrays as a [`TwoLayerNet`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum NetError {
    /// A parameter is missing (`held`: the names the file has).
    Missing {
        /// `W1`, `b1`, `W2` or `b2`.
        name: &'static str,
        /// What the file holds.
        held: Vec<String>,
    },
    /// A parameter has the wrong number of dimensions or a size that does not chain.
    Shape {
        /// The parameter.
        name: &'static str,
        /// Its shape.
        found: Vec<usize>,
        /// What it must be, in words.
        want: String,
    },
    /// A parameter is not float32 or float64.
    Dtype {
        /// The parameter.
        name: &'static str,
        /// Its dtype.
        found: &'static str,
    },
    /// A parameter holds NaN or an infinity.
    NotFinite {
        /// The parameter.
        name: &'static str,
        /// The first bad element's flat index.
        index: usize,
    },
}

impl fmt::Display for NetError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NetError::Missing { name, held } => write!(
                f,
                "the file has no array {name} (it holds {}): a two-layer net needs W1, b1, W2 and b2, as the book's params dict",
                if held.is_empty() { "none".to_string() } else { held.join(", ") }
            ),
            NetError::Shape { name, found, want } => write!(f, "{name} has shape {}, but {want}", shape_text(found)),
            NetError::Dtype { name, found } => {
                write!(f, "{name} is {found}: the weights must be float32 or float64")
            }
            NetError::NotFinite { name, index } => write!(
                f,
                "{name} holds a value that is not a finite number (element {index}): the net diverged before it was saved"
            ),
        }
    }
}

/// `(784, 50)`, `(50,)`, `()` as numpy prints shapes.
pub fn shape_text(shape: &[usize]) -> String {
    match shape {
        [] => "()".to_string(),
        [n] => format!("({n},)"),
        _ => format!("({})", shape.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")),
    }
}

/// The net's parameters as the book names them, in `T`'s dtype (float32 or float64).
pub fn to_arrays<T: Float>(net: &TwoLayerNet<T>) -> Vec<Named> {
    let p = &net.params;
    let (i, h, o) = (net.input_size(), net.hidden_size(), net.output_size());
    let shapes: [Vec<usize>; 4] = [alloc::vec![i, h], alloc::vec![h], alloc::vec![h, o], alloc::vec![o]];
    Params::<T>::NAMES
        .iter()
        .zip(shapes)
        .enumerate()
        .map(|(k, (name, shape))| Named { name: (*name).to_string(), array: Array { shape, data: data_of(p.part(k)) } })
        .collect()
}

fn data_of<T: Float>(v: &[T]) -> Data {
    if core::mem::size_of::<T>() == 4 {
        Data::F32(v.iter().map(|x| x.to_f64() as f32).collect())
    } else {
        Data::F64(v.iter().map(|x| x.to_f64()).collect())
    }
}

/// The precision the file's weights are in: `"f32"` if W1 is float32, else `"f64"`.
pub fn precision_of(arrays: &[Named]) -> &'static str {
    match arrays.iter().find(|a| a.name == "W1").map(|a| &a.array.data) {
        Some(Data::F32(_)) => "f32",
        _ => "f64",
    }
}

/// A net from `arrays` (other arrays are ignored), in `T` (float32 weights read
/// into f64 exactly; float64 into f32 rounded to nearest). Checks that the four
/// are there, float, finite, and chain: W1 (I, H), b1 (H,), W2 (H, O), b2 (O,).
pub fn from_arrays<T: Float>(arrays: &[Named]) -> Result<TwoLayerNet<T>, NetError> {
    let held = || arrays.iter().map(|a| a.name.clone()).collect::<Vec<_>>();
    let get = |name: &'static str| -> Result<&Array, NetError> {
        arrays.iter().find(|a| a.name == name).map(|a| &a.array).ok_or(NetError::Missing { name, held: held() })
    };
    let (w1, b1, w2, b2) = (get("W1")?, get("b1")?, get("W2")?, get("b2")?);
    let bad = |name: &'static str, a: &Array, want: String| NetError::Shape { name, found: a.shape.clone(), want };
    let [i, h] = w1.shape[..] else {
        return Err(bad("W1", w1, "W1 must be a matrix: (input pixels, hidden units), e.g. (784, 50)".to_string()));
    };
    let [o] = b2.shape[..] else {
        return Err(bad("b2", b2, "b2 must be a vector: (classes,), e.g. (10,)".to_string()));
    };
    if b1.shape[..] != [h] {
        return Err(bad(
            "b1",
            b1,
            format!("W1 is {} so b1 must be ({h},): the hidden sizes do not match", shape_text(&w1.shape)),
        ));
    }
    if w2.shape[..] != [h, o] {
        return Err(bad(
            "W2",
            w2,
            format!(
                "W1 is {} and b2 {} so W2 must be ({h}, {o}): the sizes do not match",
                shape_text(&w1.shape),
                shape_text(&b2.shape)
            ),
        ));
    }
    if i == 0 || h == 0 || o == 0 {
        return Err(bad("W1", w1, "a net needs at least one input, one hidden unit and one class".to_string()));
    }
    let read = |name: &'static str, a: &Array| -> Result<Vec<T>, NetError> {
        let v: Vec<T> = match &a.data {
            Data::F32(v) => v.iter().map(|&x| T::from_f64(f64::from(x))).collect(),
            Data::F64(v) => v.iter().map(|&x| T::from_f64(x)).collect(),
            Data::I64(_) => return Err(NetError::Dtype { name, found: a.data.dtype() }),
        };
        match v.iter().position(|x| !x.is_finite()) {
            Some(index) => Err(NetError::NotFinite { name, index }),
            None => Ok(v),
        }
    };
    Ok(TwoLayerNet {
        params: Params {
            w1: Matrix::from_vec(i, h, read("W1", w1)?),
            b1: read("b1", b1)?,
            w2: Matrix::from_vec(h, o, read("W2", w2)?),
            b2: read("b2", b2)?,
        },
    })
}
