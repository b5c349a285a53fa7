//! Model files: the trained net in the two formats the book's Python reads.
//!
//! - [`npz`]: numpy's `.npz`, a zip of `.npy` arrays (`numpy.load(path)` opens
//!   it with `allow_pickle=False`), written and read here by hand.
//! - [`pickle`]: the book's own weight format (`save_params` in its chapters 7
//!   and 8 pickles a `{name: ndarray}` dict), written here, and read by a
//!   reader that accepts only the few opcodes and globals numpy arrays and a
//!   dict need: a pickle is code, and this one is never run.
//!
//! Both deal in [`Named`] arrays; which names and shapes make a net is the
//! caller's business.

use alloc::string::String;
use alloc::vec::Vec;

pub mod npz;
pub mod pickle;

/// An array's numbers, in C (row-major) order.
#[derive(Clone, Debug, PartialEq)]
pub enum Data {
    /// `float32` (`<f4`).
    F32(Vec<f32>),
    /// `float64` (`<f8`).
    F64(Vec<f64>),
    /// `int64` (`<i8`): counts and iterations in a run's history.
    I64(Vec<i64>),
}

impl Data {
    /// Number of elements.
    pub fn len(&self) -> usize {
        match self {
            Data::F32(v) => v.len(),
            Data::F64(v) => v.len(),
            Data::I64(v) => v.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// numpy's name of the element type: `"float32"`, `"float64"`, `"int64"`.
    pub fn dtype(&self) -> &'static str {
        match self {
            Data::F32(_) => "float32",
            Data::F64(_) => "float64",
            Data::I64(_) => "int64",
        }
    }
}

/// An n-dimensional array: its shape and its elements in C order
/// (`data.len()` is the product of `shape`; a shape of `[]` is a scalar).
#[derive(Clone, Debug, PartialEq)]
pub struct Array {
    /// The dimensions.
    pub shape: Vec<usize>,
    /// The elements.
    pub data: Data,
}

/// An array with its name (`"W1"`, a `.npz` member's name without `.npy`, a dict key).
#[derive(Clone, Debug, PartialEq)]
pub struct Named {
    /// The name.
    pub name: String,
    /// The array.
    pub array: Array,
}
