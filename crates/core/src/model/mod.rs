//! Model files: the trained net in the two formats the book's Python reads.
//!
//! - [`npz`]: numpy's `.npz`, a zip of `.npy` arrays (`numpy.load(path)` opens
//!   it with `allow_pickle=False`), written and read here by hand.
//! - [`pickle`]: the book's own weight format (`save_params` in its chapters 7
//!   and 8 pickles a `{name: ndarray}` dict), written here, and read by a
//!   reader that accepts only the few opcodes and globals numpy arrays and a
//!   dict need: a pickle is code, and this one is never run.
//!
//! Both deal in [`Named`] arrays; [`net`] turns the book's two-layer net into
//! them (W1, b1, W2, b2) and back, checking names, dtypes and shapes.

use alloc::string::String;
use alloc::vec::Vec;

pub mod csv;
pub mod net;
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

/// The element types the formats read and write (a [`Data`]'s), for their
/// decoders.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    F32,
    F64,
    I64,
}

impl Kind {
    /// Bytes an element.
    pub(crate) fn size(self) -> usize {
        match self {
            Kind::F32 => 4,
            Kind::F64 | Kind::I64 => 8,
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

use crate::book::train::{Evaluation, TrainConfig, Trainer};
use crate::book::two_layer_net::TwoLayerNet;
use crate::float::Float;
use net::NetError;
use npz::{Member, NpzError};
use pickle::PickleError;

/// A model file's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// numpy's `.npz`.
    Npz,
    /// The book's pickle, `.pkl`.
    Pickle,
}

impl Format {
    /// The format a file name asks for by its extension (`.npz`; `.pkl` or `.pickle`), any case.
    pub fn from_name(name: &str) -> Option<Format> {
        let lower = name.to_ascii_lowercase();
        if lower.ends_with(".npz") {
            Some(Format::Npz)
        } else if lower.ends_with(".pkl") || lower.ends_with(".pickle") {
            Some(Format::Pickle)
        } else {
            None
        }
    }

    /// The format the bytes are in, by their first bytes: a zip (`PK`) or a
    /// pickle of protocol 2 or more (`0x80`).
    pub fn sniff(bytes: &[u8]) -> Option<Format> {
        match bytes {
            [b'P', b'K', ..] => Some(Format::Npz),
            [0x80, ..] => Some(Format::Pickle),
            _ => None,
        }
    }

    /// Its usual extension, with the dot.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Npz => ".npz",
            Format::Pickle => ".pkl",
        }
    }
}

/// Why a model file could not be read as a net.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ModelError {
    /// Neither a zip nor a pickle.
    Unknown {
        /// Its first bytes, up to 4.
        start: Vec<u8>,
    },
    /// A damaged or unsupported `.npz`.
    Npz(NpzError),
    /// A pickle that is damaged or holds what descent does not read.
    Pickle(PickleError),
    /// Arrays that are not the book's two-layer net.
    Net(NetError),
}

impl core::fmt::Display for ModelError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            ModelError::Unknown { start } if start.is_empty() => {
                write!(f, "the file is empty: a model file is an .npz (numpy.savez) or a .pkl (the book's save_params)")
            }
            ModelError::Unknown { start } => write!(
                f,
                "not a model file: it starts with bytes {start:02x?}, neither a zip (.npz, numpy.savez) nor a pickle \
                 (.pkl, the book's save_params, protocol 2 or more)"
            ),
            ModelError::Npz(e) => write!(f, "{e}"),
            ModelError::Pickle(e) => write!(f, "{e}"),
            ModelError::Net(e) => write!(f, "{e}"),
        }
    }
}

impl From<NetError> for ModelError {
    fn from(e: NetError) -> Self {
        ModelError::Net(e)
    }
}

/// The arrays in a model file of either format (its format found from its
/// first bytes); an `.npz`'s members that are not arrays are left out.
pub fn read_arrays(bytes: &[u8]) -> Result<Vec<Named>, ModelError> {
    match Format::sniff(bytes) {
        Some(Format::Npz) => Ok(npz::read(bytes)
            .map_err(ModelError::Npz)?
            .into_iter()
            .filter_map(|m| match m {
                Member::Array(a) => Some(a),
                Member::Bytes { .. } => None,
            })
            .collect()),
        Some(Format::Pickle) => pickle::read(bytes).map_err(ModelError::Pickle),
        None => Err(ModelError::Unknown { start: bytes.iter().take(4).copied().collect() }),
    }
}

/// The net in a model file, in `T` (see [`net::from_arrays`]).
pub fn read_net<T: Float>(bytes: &[u8]) -> Result<TwoLayerNet<T>, ModelError> {
    Ok(net::from_arrays(&read_arrays(bytes)?)?)
}

/// A run's settings and history, kept in an `.npz` beside the weights.
#[derive(Clone, Copy, Debug)]
pub struct RunRecord<'a> {
    /// The settings.
    pub config: &'a TrainConfig,
    /// `"f32"` or `"f64"`.
    pub precision: &'a str,
    /// Every iteration's loss.
    pub losses: &'a [f64],
    /// Every evaluation.
    pub evals: &'a [Evaluation],
}

/// The net as a model file: `W1`, `b1`, `W2`, `b2` in `T`'s dtype; an `.npz`
/// also gets the run, when given: `config.json` (the settings under the
/// page's names, and the precision), `loss` (float64, one per iteration) and
/// `eval_iter` (int64), `train_acc`, `test_acc` (float64), one per evaluation.
pub fn write_net<T: Float>(net: &TwoLayerNet<T>, format: Format, run: Option<RunRecord<'_>>) -> Vec<u8> {
    let arrays = net::to_arrays(net);
    match format {
        Format::Pickle => pickle::write(&arrays),
        Format::Npz => {
            let mut members: Vec<Member> = arrays.into_iter().map(Member::Array).collect();
            if let Some(r) = run {
                members.push(Member::Bytes { name: String::from("config.json"), bytes: config_json(r).into_bytes() });
                let vector = |name: &str, data: Data| {
                    Member::Array(Named {
                        name: String::from(name),
                        array: Array { shape: alloc::vec![data.len()], data },
                    })
                };
                members.push(vector("loss", Data::F64(r.losses.to_vec())));
                members.push(vector("eval_iter", Data::I64(r.evals.iter().map(|e| e.iter as i64).collect())));
                members.push(vector("train_acc", Data::F64(r.evals.iter().map(|e| e.train_acc).collect())));
                members.push(vector("test_acc", Data::F64(r.evals.iter().map(|e| e.test_acc).collect())));
            }
            npz::write(&members)
        }
    }
}

/// A trainer's net as a model file, with its run (see [`write_net`]).
pub fn write_trainer<T: Float>(trainer: &mut Trainer<T>, format: Format) -> Vec<u8> {
    let (net, config, losses, evals) = trainer.net_and_history();
    write_net(net, format, Some(RunRecord { config, precision: T::NAME, losses, evals }))
}

/// `{"hidden":50,"lr":0.1,"batch":100,"iters":10000,"initStd":0.01,"seed":42,"precision":"f64"}`:
/// the settings under the schema's (the page's) names. Floats are printed as
/// Rust prints them, the shortest text that reads back to the same f64.
fn config_json(r: RunRecord<'_>) -> String {
    let c = r.config;
    let float = |x: f64| if x.is_finite() { alloc::format!("{x:?}") } else { String::from("null") };
    alloc::format!(
        "{{\"hidden\":{},\"lr\":{},\"batch\":{},\"iters\":{},\"initStd\":{},\"seed\":{},\"precision\":\"{}\"}}",
        c.hidden,
        float(c.lr),
        c.batch_size,
        c.iters,
        float(c.weight_init_std),
        c.seed,
        if r.precision == "f32" { "f32" } else { "f64" }
    )
}
