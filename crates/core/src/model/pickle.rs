//! The book's weight format: a pickled `{name: numpy.ndarray}` dict, written
//! here, and read by an interpreter that never imports or calls anything.
//!
//! *Deep Learning from Scratch* saves a net's weights in its chapters 7 and 8
//! with `save_params`, `pickle.dump(params, f)` of a dict such as
//! `{'W1': (784, 50), 'b1': (50,), 'W2': (50, 10), 'b2': (10,)}`, and loads them
//! back with `pickle.load`. [`write()`] makes such a file from [`Named`] arrays;
//! [`read()`] turns one back into them.
//!
//! ## The format written
//! Pickle protocol 3, which every Python 3 reads (Python 2 does not; the book
//! is Python 3), without memo opcodes. Protocol 2 would hold the data as
//! `_codecs.encode(text, 'latin1')` of a UTF-8 string up to twice its size;
//! protocol 3's `BINBYTES` holds it as it is:
//!
//! ```text
//! PROTO 3, EMPTY_DICT, MARK, then for each array in order:
//!   BINUNICODE name
//!   GLOBAL 'numpy.core.multiarray _reconstruct'
//!   GLOBAL 'numpy ndarray', (0,), SHORT_BINBYTES b'b', TUPLE3, REDUCE
//!   MARK 1, shape tuple,
//!        GLOBAL 'numpy dtype', 'f8' | 'f4' | 'i8', False, True, TUPLE3, REDUCE,
//!        MARK 3, '<', None, None, None, -1, -1, 0, TUPLE, BUILD,
//!        False, BINBYTES raw little-endian C-order data,
//!   TUPLE, BUILD
//! SETITEMS, STOP
//! ```
//!
//! which is what numpy's own `ndarray.__reduce__` pickles under protocol 3,
//! less the memo. `numpy.core.multiarray._reconstruct` is the name every numpy
//! 1.x has; numpy 2 renamed the package `numpy._core` but keeps `_reconstruct`
//! under the old name, for old pickles, without a warning (numpy 2.4.6 loads
//! these files under `python3 -W error`), whereas `numpy._core` is missing from
//! numpy before 1.26. Data over 4 GiB would go in a `BINBYTES8` (a protocol 4
//! opcode, which every Python 3.4+ reads); such an array is far past what
//! [`read()`] accepts. Names are written as given: a name used twice leaves, as in
//! Python, the last array under the first one's place.
//!
//! ## Reading safely
//! A pickle is a program for Python's pickle machine, which can import and
//! call anything (`os.system`, `builtins.eval`). [`read()`] interprets a small
//! subset of it on values of its own, and calls nothing:
//!
//! - framing: `PROTO` (0 to 5), `FRAME`, `STOP`;
//! - the memo: `PUT`, `BINPUT`, `LONG_BINPUT`, `MEMOIZE`, `GET`, `BINGET`,
//!   `LONG_BINGET`;
//! - containers: `MARK`, `EMPTY_DICT`, `EMPTY_LIST`, `EMPTY_TUPLE`, `TUPLE`,
//!   `TUPLE1`–`TUPLE3`, `SETITEM`, `SETITEMS`, `APPEND`, `APPENDS`;
//! - scalars: `NONE`, `NEWTRUE`, `NEWFALSE`, `BININT`, `BININT1`, `BININT2`,
//!   `LONG1` (up to 8 bytes), `BINFLOAT`;
//! - text and bytes: `BINUNICODE`, `SHORT_BINUNICODE`, `BINUNICODE8`,
//!   `BINBYTES`, `SHORT_BINBYTES`, `BINBYTES8`, `BYTEARRAY8`, and Python 2's
//!   `BINSTRING` and `SHORT_BINSTRING` (taken as bytes, or as Latin-1 text where
//!   text is expected, as `pickle.load(f, encoding='latin1')` does);
//! - `GLOBAL` and `STACK_GLOBAL` naming one of these, and nothing else:
//!   `numpy.core.multiarray._reconstruct`, `numpy._core.multiarray._reconstruct`,
//!   `numpy.ndarray`, `numpy.dtype`, `numpy.core.numeric._frombuffer`,
//!   `numpy._core.numeric._frombuffer`, `_codecs.encode`, and `__builtin__.bytes`
//!   (or `builtins.bytes`), as Python pickles `b''` under protocol 2;
//! - `REDUCE` and `BUILD` as numpy's pickles use those globals, evaluated
//!   here: `_reconstruct(ndarray, (0,), b'b')` is an empty array that `BUILD`
//!   with `(1, shape, dtype, is_fortran, raw)` fills (or with the older
//!   4-tuple, without the version); `dtype('f8', False, True)` is a dtype
//!   whose byte order `BUILD` with `(3, '<', None, None, None, -1, -1, 0)`
//!   sets; `_frombuffer(buffer, dtype, shape, order)` is protocol 5's array;
//!   `_codecs.encode(text, 'latin1')` is protocol 2's bytes, and `bytes()`
//!   its empty bytes (an empty array's data); any other use is refused.
//!
//! Any other opcode (`INST`, `OBJ`, `NEWOBJ`, `PERSID`, `EXT1`, …, or an
//! unknown byte) or global is refused with its name and byte offset
//! ([`PickleError::Opcode`], [`PickleError::Global`]). Arrays may be `float32`,
//! `float64` or `int64`, little- or big-endian, in C or Fortran order (turned
//! into C order); any other dtype, object arrays included, is refused by name
//! ([`PickleError::Dtype`]). The pickle must hold a dict whose keys are str and
//! whose values are arrays (a numpy scalar such as `np.float64(0.1)` is
//! refused as the global `numpy._core.multiarray.scalar`).
//!
//! Every length is checked against the bytes left before anything is
//! allocated, everything allocated counts against [`MAX_BYTES`], and the stack,
//! the marks and the memo hold at most [`MAX_ITEMS`] values each: no input
//! makes [`read()`] panic or allocate past that.
//!
//! Checked against Python 3.11.7 with numpy 2.4.6 (files written here load
//! under `python3 -W error` with the same bits; files numpy writes with
//! protocols 2 to 5 read here with the same bits: see
//! `crates/core/tests/core/model_pickle.rs`), and once by hand against numpy
//! 1.26.4 (it loads these files under `-W error`, and its pickles of protocols
//! 2 to 5 read here).

use alloc::collections::BTreeMap;
use alloc::format;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::fmt;

use super::{Array, Data, Kind, Named};

/// The most bytes [`read()`] allocates for one pickle (1 GiB): its strings,
/// bytes, containers and arrays together.
pub const MAX_BYTES: usize = 1 << 30;

/// The most values [`read()`] keeps on its stack, in its memo, or as open marks
/// (each, 2²⁰).
pub const MAX_ITEMS: usize = 1 << 20;

/// What is wrong with a pickle given to [`read()`].
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PickleError {
    /// No bytes at all.
    Empty,
    /// The bytes end inside an opcode's argument.
    Truncated {
        /// The opcode's name.
        opcode: &'static str,
        /// Where the opcode starts.
        offset: usize,
        /// The bytes given.
        len: usize,
    },
    /// The bytes are another kind of file.
    NotAPickle {
        /// What they look like (`"a zip file (.npz)"`).
        looks_like: &'static str,
    },
    /// The bytes end without a `STOP`.
    NoStop {
        /// The bytes given.
        len: usize,
    },
    /// An opcode outside the subset numpy arrays in a dict need.
    Opcode {
        /// The opcode's name (`"INST"`, `"NEWOBJ"`, `"unknown"`, …).
        name: &'static str,
        /// The opcode's byte.
        byte: u8,
        /// Where it is.
        offset: usize,
    },
    /// A global outside the allow-list.
    Global {
        /// The module (`"os"`).
        module: String,
        /// The name in it (`"system"`).
        name: String,
        /// Where the `GLOBAL` or `STACK_GLOBAL` is.
        offset: usize,
    },
    /// An array whose element type is not `float32`, `float64` or `int64`.
    Dtype {
        /// The dtype, numpy's name and code (`"int32 ('i4')"`).
        dtype: String,
        /// Where the `REDUCE` that makes the dtype is.
        offset: usize,
    },
    /// The pickle asks for more than [`MAX_BYTES`] or [`MAX_ITEMS`].
    TooLarge {
        /// What would grow too large.
        what: &'static str,
        /// The opcode that asks for it.
        offset: usize,
    },
    /// Opcodes in the subset, put together in a way numpy's pickles never are.
    Malformed {
        /// The opcode's name.
        opcode: &'static str,
        /// Where it is.
        offset: usize,
        /// What is wrong.
        what: String,
    },
    /// The pickle holds something else than a dict.
    NotADict {
        /// What it holds (`"a list of 2"`).
        found: String,
    },
    /// A key of the dict is not a str.
    KeyNotStr {
        /// What the key is.
        found: String,
    },
    /// A value of the dict is not an array.
    NotAnArray {
        /// Its key.
        name: String,
        /// What it is.
        found: String,
    },
}

/// What a pickle refused for safety should be instead.
const INSTEAD: &str = "save the weights as a dict of numpy arrays, pickle.dump({'W1': W1, ...}, f), or as .npz";

impl fmt::Display for PickleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PickleError::Empty => write!(f, "the file is empty (0 bytes): it is not a pickle; save the weights again"),
            PickleError::Truncated { opcode, offset, len } => write!(
                f,
                "the pickle ends at byte {len}, inside the {opcode} opcode at byte {offset}: \
                 the file is truncated; copy or save it again"
            ),
            PickleError::NotAPickle { looks_like } => write!(
                f,
                "the file is {looks_like}, not a pickle: open it as what it is (descent reads .npz files with \
                 model::npz), or pickle the weights with pickle.dump"
            ),
            PickleError::NoStop { len } => write!(
                f,
                "the pickle ends at byte {len} without its STOP opcode: the file is truncated; copy or save it again"
            ),
            PickleError::Opcode { name, byte, offset } => write!(
                f,
                "opcode {name} (0x{byte:02x}) at byte {offset}: descent refuses to run it: a pickle can run any \
                 code, and descent only reads numpy arrays in a dict; {INSTEAD}"
            ),
            PickleError::Global { module, name, offset } => write!(
                f,
                "global {module}.{name} at byte {offset}: descent refuses to run it: a pickle can run any code, \
                 and descent only reads numpy arrays in a dict; {INSTEAD}"
            ),
            PickleError::Dtype { dtype, offset } => write!(
                f,
                "an array of dtype {dtype} (at byte {offset}): descent reads float32, float64 and int64 arrays \
                 only; convert it before pickling (a.astype(numpy.float64))"
            ),
            PickleError::TooLarge { what, offset } => write!(
                f,
                "{what} at byte {offset} would take descent past its limits for a pickle ({} MiB in all, {} \
                 values on the stack or in the memo): this is not a weight file descent can open",
                MAX_BYTES >> 20,
                MAX_ITEMS
            ),
            PickleError::Malformed { opcode, offset, what } => write!(
                f,
                "{opcode} at byte {offset}: {what}: this is not a pickle of numpy arrays in a dict as numpy \
                 writes them; {INSTEAD}"
            ),
            PickleError::NotADict { found } => write!(
                f,
                "the pickle holds {found}, not a dict: descent reads a dict of named arrays as the book's \
                 save_params writes it; pickle {{'W1': W1, ...}} instead"
            ),
            PickleError::KeyNotStr { found } => {
                write!(f, "a key of the dict is {found}, not a str: name every array with a str ('W1', 'b1', ...)")
            }
            PickleError::NotAnArray { name, found } => write!(
                f,
                "'{name}' is {found}, not a numpy array: the dict must hold numpy arrays only \
                 (numpy.asarray each value before pickling)"
            ),
        }
    }
}

impl core::error::Error for PickleError {}

// ---------------------------------------------------------------------------
// Opcodes.

const MARK: u8 = b'(';
const STOP: u8 = b'.';
const BININT: u8 = b'J';
const BININT1: u8 = b'K';
const BININT2: u8 = b'M';
const NONE: u8 = b'N';
const REDUCE: u8 = b'R';
const BINSTRING: u8 = b'T';
const SHORT_BINSTRING: u8 = b'U';
const BINUNICODE: u8 = b'X';
const APPEND: u8 = b'a';
const BUILD: u8 = b'b';
const GLOBAL: u8 = b'c';
const EMPTY_DICT: u8 = b'}';
const APPENDS: u8 = b'e';
const GET: u8 = b'g';
const BINGET: u8 = b'h';
const LONG_BINGET: u8 = b'j';
const EMPTY_LIST: u8 = b']';
const PUT: u8 = b'p';
const BINPUT: u8 = b'q';
const LONG_BINPUT: u8 = b'r';
const SETITEM: u8 = b's';
const TUPLE: u8 = b't';
const EMPTY_TUPLE: u8 = b')';
const SETITEMS: u8 = b'u';
const BINFLOAT: u8 = b'G';
const PROTO: u8 = 0x80;
const TUPLE1: u8 = 0x85;
const TUPLE2: u8 = 0x86;
const TUPLE3: u8 = 0x87;
const NEWTRUE: u8 = 0x88;
const NEWFALSE: u8 = 0x89;
const LONG1: u8 = 0x8a;
const BINBYTES: u8 = b'B';
const SHORT_BINBYTES: u8 = b'C';
const SHORT_BINUNICODE: u8 = 0x8c;
const BINUNICODE8: u8 = 0x8d;
const BINBYTES8: u8 = 0x8e;
const STACK_GLOBAL: u8 = 0x93;
const MEMOIZE: u8 = 0x94;
const FRAME: u8 = 0x95;
const BYTEARRAY8: u8 = 0x96;

/// The name pickletools gives an opcode byte, or `"unknown"`.
fn opcode_name(op: u8) -> &'static str {
    match op {
        b'(' => "MARK",
        b'.' => "STOP",
        b'0' => "POP",
        b'1' => "POP_MARK",
        b'2' => "DUP",
        b'F' => "FLOAT",
        b'I' => "INT",
        b'J' => "BININT",
        b'K' => "BININT1",
        b'L' => "LONG",
        b'M' => "BININT2",
        b'N' => "NONE",
        b'P' => "PERSID",
        b'Q' => "BINPERSID",
        b'R' => "REDUCE",
        b'S' => "STRING",
        b'T' => "BINSTRING",
        b'U' => "SHORT_BINSTRING",
        b'V' => "UNICODE",
        b'X' => "BINUNICODE",
        b'a' => "APPEND",
        b'b' => "BUILD",
        b'c' => "GLOBAL",
        b'd' => "DICT",
        b'}' => "EMPTY_DICT",
        b'e' => "APPENDS",
        b'g' => "GET",
        b'h' => "BINGET",
        b'i' => "INST",
        b'j' => "LONG_BINGET",
        b'l' => "LIST",
        b']' => "EMPTY_LIST",
        b'o' => "OBJ",
        b'p' => "PUT",
        b'q' => "BINPUT",
        b'r' => "LONG_BINPUT",
        b's' => "SETITEM",
        b't' => "TUPLE",
        b')' => "EMPTY_TUPLE",
        b'u' => "SETITEMS",
        b'G' => "BINFLOAT",
        0x80 => "PROTO",
        0x81 => "NEWOBJ",
        0x82 => "EXT1",
        0x83 => "EXT2",
        0x84 => "EXT4",
        0x85 => "TUPLE1",
        0x86 => "TUPLE2",
        0x87 => "TUPLE3",
        0x88 => "NEWTRUE",
        0x89 => "NEWFALSE",
        0x8a => "LONG1",
        0x8b => "LONG4",
        b'B' => "BINBYTES",
        b'C' => "SHORT_BINBYTES",
        0x8c => "SHORT_BINUNICODE",
        0x8d => "BINUNICODE8",
        0x8e => "BINBYTES8",
        0x8f => "EMPTY_SET",
        0x90 => "ADDITEMS",
        0x91 => "FROZENSET",
        0x92 => "NEWOBJ_EX",
        0x93 => "STACK_GLOBAL",
        0x94 => "MEMOIZE",
        0x95 => "FRAME",
        0x96 => "BYTEARRAY8",
        0x97 => "NEXT_BUFFER",
        0x98 => "READONLY_BUFFER",
        _ => "unknown",
    }
}

// ---------------------------------------------------------------------------
// Writing.

/// The GLOBAL that makes an empty array: numpy 1.x's name, which numpy 2
/// still resolves without a warning.
const RECONSTRUCT: &[u8] = b"cnumpy.core.multiarray\n_reconstruct\n";

/// Pickles `arrays` as the dict `{name: ndarray}`, in their order, in
/// protocol 3 (see the [module docs](self) for the opcodes): `pickle.load`
/// gives numpy arrays of the same dtype, shape and bits, in C order.
pub fn write(arrays: &[Named]) -> Vec<u8> {
    let size = |a: &Named| match a.array.data {
        Data::F32(ref v) => v.len().saturating_mul(4),
        Data::F64(ref v) => v.len().saturating_mul(8),
        Data::I64(ref v) => v.len().saturating_mul(8),
    };
    let total = arrays.iter().fold(8usize, |n, a| n.saturating_add(a.name.len() + 200).saturating_add(size(a)));
    let mut out = Vec::with_capacity(total);
    out.extend_from_slice(&[PROTO, 3, EMPTY_DICT]);
    if !arrays.is_empty() {
        out.push(MARK);
        for named in arrays {
            put_str(&mut out, &named.name);
            put_array(&mut out, &named.array);
        }
        out.push(SETITEMS);
    }
    out.push(STOP);
    out
}

fn put_str(out: &mut Vec<u8>, s: &str) {
    // A Rust str longer than u32::MAX bytes would need BINUNICODE8.
    match u32::try_from(s.len()) {
        Ok(n) => {
            out.push(BINUNICODE);
            out.extend_from_slice(&n.to_le_bytes());
        }
        Err(_) => {
            out.push(BINUNICODE8);
            out.extend_from_slice(&(s.len() as u64).to_le_bytes());
        }
    }
    out.extend_from_slice(s.as_bytes());
}

fn put_int(out: &mut Vec<u8>, n: u64) {
    if n < 0x100 {
        out.extend_from_slice(&[BININT1, n as u8]);
    } else if n < 0x1_0000 {
        out.push(BININT2);
        out.extend_from_slice(&(n as u16).to_le_bytes());
    } else if n <= i32::MAX as u64 {
        out.push(BININT);
        out.extend_from_slice(&(n as u32).to_le_bytes());
    } else {
        // Two's complement, little-endian, with a 0 byte if the top bit is set.
        let bytes = n.to_le_bytes();
        let mut len = 8;
        while len > 1 && bytes[len - 1] == 0 && bytes[len - 2] & 0x80 == 0 {
            len -= 1;
        }
        let sign_byte = bytes[len - 1] & 0x80 != 0;
        out.extend_from_slice(&[LONG1, (len + usize::from(sign_byte)) as u8]);
        out.extend_from_slice(&bytes[..len]);
        if sign_byte {
            out.push(0);
        }
    }
}

fn put_array(out: &mut Vec<u8>, array: &Array) {
    out.extend_from_slice(RECONSTRUCT);
    out.extend_from_slice(b"cnumpy\nndarray\n");
    out.extend_from_slice(&[BININT1, 0, TUPLE1, SHORT_BINBYTES, 1, b'b', TUPLE3, REDUCE]);
    // The state: (1, shape, dtype, is_fortran, raw).
    out.extend_from_slice(&[MARK, BININT1, 1]);
    match array.shape.len() {
        0 => out.push(EMPTY_TUPLE),
        n @ 1..=3 => {
            for &d in &array.shape {
                put_int(out, d as u64);
            }
            out.push([TUPLE1, TUPLE2, TUPLE3][n - 1]);
        }
        _ => {
            out.push(MARK);
            for &d in &array.shape {
                put_int(out, d as u64);
            }
            out.push(TUPLE);
        }
    }
    let (code, size) = match array.data {
        Data::F32(_) => ("f4", 4),
        Data::F64(_) => ("f8", 8),
        Data::I64(_) => ("i8", 8),
    };
    out.extend_from_slice(b"cnumpy\ndtype\n");
    put_str(out, code);
    out.extend_from_slice(&[NEWFALSE, NEWTRUE, TUPLE3, REDUCE]);
    out.extend_from_slice(&[MARK, BININT1, 3]);
    put_str(out, "<");
    out.extend_from_slice(&[NONE, NONE, NONE, BININT, 0xff, 0xff, 0xff, 0xff, BININT, 0xff, 0xff, 0xff, 0xff]);
    out.extend_from_slice(&[BININT1, 0, TUPLE, BUILD, NEWFALSE]);
    let len = array.data.len() * size;
    if len < 0x100 {
        out.extend_from_slice(&[SHORT_BINBYTES, len as u8]);
    } else if let Ok(n) = u32::try_from(len) {
        out.push(BINBYTES);
        out.extend_from_slice(&n.to_le_bytes());
    } else {
        out.push(BINBYTES8);
        out.extend_from_slice(&(len as u64).to_le_bytes());
    }
    match &array.data {
        Data::F32(v) => v.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
        Data::F64(v) => v.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
        Data::I64(v) => v.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
    }
    out.extend_from_slice(&[TUPLE, BUILD]);
}

// ---------------------------------------------------------------------------
// Reading.

/// The globals a pickle may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Global {
    Reconstruct,
    Ndarray,
    Dtype,
    FromBuffer,
    Encode,
    Bytes,
}

impl Global {
    fn lookup(module: &str, name: &str) -> Option<Global> {
        Some(match (module, name) {
            ("numpy.core.multiarray" | "numpy._core.multiarray", "_reconstruct") => Global::Reconstruct,
            ("numpy", "ndarray") => Global::Ndarray,
            ("numpy", "dtype") => Global::Dtype,
            ("numpy.core.numeric" | "numpy._core.numeric", "_frombuffer") => Global::FromBuffer,
            ("_codecs", "encode") => Global::Encode,
            ("__builtin__" | "builtins", "bytes") => Global::Bytes,
            _ => return None,
        })
    }

    fn describe(self) -> &'static str {
        match self {
            Global::Reconstruct => "numpy's _reconstruct",
            Global::Ndarray => "the class numpy.ndarray",
            Global::Dtype => "the class numpy.dtype",
            Global::FromBuffer => "numpy's _frombuffer",
            Global::Encode => "_codecs.encode",
            Global::Bytes => "the class bytes",
        }
    }
}

/// A value on the stack or in the memo: scalars inline, everything else an
/// index into the heap, so that a memoized object `BUILD` fills is the same
/// object wherever it is used, as in Python.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Value {
    None,
    Bool(bool),
    Int(i64),
    Float,
    Global(Global),
    Ref(usize),
}

#[derive(Clone, Copy, Debug)]
struct Dtype {
    kind: Kind,
    big_endian: bool,
}

#[derive(Debug)]
enum ArrayState {
    /// Made by `_reconstruct`, waiting for its `BUILD`.
    Empty,
    /// Filled.
    Full(Array),
    /// Handed to the result at this index (a second use of it clones it).
    Moved(usize),
}

/// An object on the heap.
#[derive(Debug)]
enum Obj {
    Str(String),
    Bytes(Vec<u8>),
    /// Python 2's str: bytes, or Latin-1 text.
    OldStr(Vec<u8>),
    Tuple(Vec<Value>),
    List(Vec<Value>),
    Dict(Vec<(Value, Value)>),
    Dtype(Dtype),
    Array(ArrayState),
}

/// Reads a pickle of a `{name: ndarray}` dict (any protocol from 2 to 5, as
/// numpy 1.x or 2.x and Python 2 or 3 write it) into its arrays, in the dict's
/// order and in C order. Never runs anything: see the [module docs](self) for
/// what is accepted; everything else is a [`PickleError`].
pub fn read(bytes: &[u8]) -> Result<Vec<Named>, PickleError> {
    if bytes.is_empty() {
        return Err(PickleError::Empty);
    }
    for (magic, looks_like) in [(&b"PK\x03\x04"[..], "a zip file (.npz)"), (b"\x93NUMPY", "a .npy file")] {
        if bytes.starts_with(magic) {
            return Err(PickleError::NotAPickle { looks_like });
        }
    }
    let mut m = Machine {
        input: bytes,
        pos: 0,
        at: 0,
        op: 0,
        stack: Vec::new(),
        marks: Vec::new(),
        memo: BTreeMap::new(),
        heap: Vec::new(),
        spent: 0,
    };
    let top = m.run()?;
    m.finish(top)
}

struct Machine<'a> {
    input: &'a [u8],
    /// The next byte to read.
    pos: usize,
    /// Where the current opcode starts.
    at: usize,
    /// The current opcode.
    op: u8,
    stack: Vec<Value>,
    /// Stack lengths at each open MARK.
    marks: Vec<usize>,
    memo: BTreeMap<u64, Value>,
    heap: Vec<Obj>,
    /// Bytes allocated so far, against MAX_BYTES.
    spent: usize,
}

type Res<T> = Result<T, PickleError>;

impl<'a> Machine<'a> {
    // --- errors --------------------------------------------------------------

    fn malformed(&self, what: impl Into<String>) -> PickleError {
        PickleError::Malformed { opcode: opcode_name(self.op), offset: self.at, what: what.into() }
    }

    fn too_large(&self, what: &'static str) -> PickleError {
        PickleError::TooLarge { what, offset: self.at }
    }

    /// Counts `n` more bytes allocated.
    fn spend(&mut self, n: usize) -> Res<()> {
        match self.spent.checked_add(n) {
            Some(total) if total <= MAX_BYTES => {
                self.spent = total;
                Ok(())
            }
            _ => Err(self.too_large("what the pickle asks for")),
        }
    }

    // --- input ---------------------------------------------------------------

    fn take(&mut self, n: usize) -> Res<&'a [u8]> {
        let input = self.input;
        match self.pos.checked_add(n) {
            Some(end) if end <= input.len() => {
                let s = &input[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            _ => Err(PickleError::Truncated { opcode: opcode_name(self.op), offset: self.at, len: input.len() }),
        }
    }

    fn array<const N: usize>(&mut self) -> Res<[u8; N]> {
        let mut a = [0; N];
        a.copy_from_slice(self.take(N)?);
        Ok(a)
    }

    fn u8(&mut self) -> Res<u8> {
        Ok(self.array::<1>()?[0])
    }

    fn u32(&mut self) -> Res<usize> {
        Ok(u32::from_le_bytes(self.array()?) as usize)
    }

    /// A u64 length: a length past the bytes left is truncation, whatever it is.
    fn u64(&mut self) -> Res<usize> {
        let n = u64::from_le_bytes(self.array()?);
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    /// A line ending in `\n` (the newline read, not returned).
    fn line(&mut self) -> Res<&'a [u8]> {
        let input = self.input;
        let rest = &input[self.pos.min(input.len())..];
        match rest.iter().position(|&b| b == b'\n') {
            Some(i) => {
                self.pos += i + 1;
                Ok(&rest[..i])
            }
            None => Err(PickleError::Truncated { opcode: opcode_name(self.op), offset: self.at, len: input.len() }),
        }
    }

    /// `n` bytes, copied, counted against the budget.
    fn blob(&mut self, n: usize) -> Res<Vec<u8>> {
        let s = self.take(n)?;
        self.spend(n)?;
        Ok(s.to_vec())
    }

    // --- the stack, the heap -------------------------------------------------

    fn push(&mut self, v: Value) -> Res<()> {
        if self.stack.len() >= MAX_ITEMS {
            return Err(self.too_large("the stack"));
        }
        self.stack.push(v);
        Ok(())
    }

    fn alloc(&mut self, obj: Obj) -> Res<Value> {
        self.spend(core::mem::size_of::<Obj>())?;
        self.heap.push(obj);
        Ok(Value::Ref(self.heap.len() - 1))
    }

    fn push_obj(&mut self, obj: Obj) -> Res<()> {
        let v = self.alloc(obj)?;
        self.push(v)
    }

    /// Where the values above the innermost mark start.
    fn floor(&self) -> usize {
        self.marks.last().copied().unwrap_or(0)
    }

    fn pop(&mut self) -> Res<Value> {
        if self.stack.len() <= self.floor() {
            return Err(self.malformed("the stack is empty"));
        }
        self.stack.pop().ok_or_else(|| self.malformed("the stack is empty"))
    }

    fn top(&self) -> Res<Value> {
        if self.stack.len() <= self.floor() {
            return Err(self.malformed("the stack is empty"));
        }
        self.stack.last().copied().ok_or_else(|| self.malformed("the stack is empty"))
    }

    fn set_top(&mut self, v: Value) {
        if let Some(t) = self.stack.last_mut() {
            *t = v;
        }
    }

    /// The values pushed since the innermost MARK, which is closed.
    fn pop_mark(&mut self) -> Res<Vec<Value>> {
        let Some(m) = self.marks.pop() else {
            return Err(self.malformed("there is no MARK before it"));
        };
        let m = m.min(self.stack.len());
        self.spend((self.stack.len() - m) * core::mem::size_of::<Value>())?;
        Ok(self.stack.split_off(m))
    }

    fn tuple(&mut self, items: Vec<Value>) -> Res<()> {
        self.push_obj(Obj::Tuple(items))
    }

    fn pop_n(&mut self, n: usize) -> Res<Vec<Value>> {
        if self.stack.len() < self.floor() + n {
            return Err(self.malformed("the stack holds too few values"));
        }
        self.spend(n * core::mem::size_of::<Value>())?;
        Ok(self.stack.split_off(self.stack.len() - n))
    }

    fn obj(&self, v: Value) -> Option<&Obj> {
        match v {
            Value::Ref(i) => self.heap.get(i),
            _ => None,
        }
    }

    /// What a value is, for messages.
    fn describe(&self, v: Value) -> String {
        match v {
            Value::None => "None".to_string(),
            Value::Bool(_) => "a bool".to_string(),
            Value::Int(_) => "an int".to_string(),
            Value::Float => "a float".to_string(),
            Value::Global(g) => g.describe().to_string(),
            Value::Ref(i) => match self.heap.get(i) {
                Some(Obj::Str(_)) => "a str".to_string(),
                Some(Obj::Bytes(_)) => "bytes".to_string(),
                Some(Obj::OldStr(_)) => "a Python 2 str".to_string(),
                Some(Obj::Tuple(t)) => format!("a tuple of {}", t.len()),
                Some(Obj::List(l)) => format!("a list of {}", l.len()),
                Some(Obj::Dict(d)) => format!("a dict of {}", d.len()),
                Some(Obj::Dtype(_)) => "a dtype".to_string(),
                Some(Obj::Array(ArrayState::Empty)) => "an array that was never filled".to_string(),
                Some(Obj::Array(ArrayState::Full(a))) => {
                    format!("a {} array of shape {}", a.data.dtype(), py_shape(&a.shape))
                }
                Some(Obj::Array(ArrayState::Moved(_))) => "an array".to_string(),
                None => "nothing".to_string(),
            },
        }
    }

    /// A str (or a Python 2 str, as Latin-1).
    fn text(&self, v: Value) -> Option<String> {
        match self.obj(v)? {
            Obj::Str(s) => Some(s.clone()),
            Obj::OldStr(b) => Some(b.iter().map(|&c| char::from(c)).collect()),
            _ => None,
        }
    }

    /// Raw bytes: bytes, bytearray, a Python 2 str, or a str as Latin-1 (as
    /// numpy's `__setstate__` takes it).
    fn raw(&self, v: Value) -> Option<Result<&[u8], ()>> {
        match self.obj(v)? {
            Obj::Bytes(b) | Obj::OldStr(b) => Some(Ok(b)),
            Obj::Str(_) => Some(Err(())),
            _ => None,
        }
    }

    fn items(&self, v: Value) -> Option<&[Value]> {
        match self.obj(v)? {
            Obj::Tuple(t) => Some(t),
            _ => None,
        }
    }

    fn shape(&self, v: Value) -> Res<Vec<usize>> {
        let Some(items) = self.items(v) else {
            return Err(self.malformed(format!("the shape is {}, not a tuple", self.describe(v))));
        };
        items
            .iter()
            .map(|&d| match d {
                Value::Int(n) => usize::try_from(n).map_err(|_| self.malformed(format!("a dimension is {n}"))),
                other => Err(self.malformed(format!("a dimension is {}, not an int", self.describe(other)))),
            })
            .collect()
    }

    fn dtype(&self, v: Value) -> Res<Dtype> {
        match self.obj(v) {
            Some(Obj::Dtype(d)) => Ok(*d),
            _ => Err(self.malformed(format!("the dtype is {}", self.describe(v)))),
        }
    }

    // --- the machine ---------------------------------------------------------

    /// Runs to STOP; returns what STOP pops.
    fn run(&mut self) -> Res<Value> {
        loop {
            self.at = self.pos;
            let Some(&op) = self.input.get(self.pos) else {
                return Err(PickleError::NoStop { len: self.input.len() });
            };
            self.op = op;
            self.pos += 1;
            match op {
                PROTO => {
                    let p = self.u8()?;
                    if p > 5 {
                        return Err(self.malformed(format!("protocol {p} is newer than Python's 5")));
                    }
                }
                FRAME => {
                    self.take(8)?;
                }
                STOP => return self.pop(),

                // The memo.
                PUT => {
                    let line = self.line()?;
                    let key = parse_decimal(line).ok_or_else(|| self.malformed("its memo key is not a number"))?;
                    self.memoize(key)?;
                }
                BINPUT => {
                    let key = self.u8()?;
                    self.memoize(u64::from(key))?;
                }
                LONG_BINPUT => {
                    let key = self.u32()?;
                    self.memoize(key as u64)?;
                }
                MEMOIZE => self.memoize(self.memo.len() as u64)?,
                GET => {
                    let line = self.line()?;
                    let key = parse_decimal(line).ok_or_else(|| self.malformed("its memo key is not a number"))?;
                    self.recall(key)?;
                }
                BINGET => {
                    let key = self.u8()?;
                    self.recall(u64::from(key))?;
                }
                LONG_BINGET => {
                    let key = self.u32()?;
                    self.recall(key as u64)?;
                }

                // Containers.
                MARK => {
                    if self.marks.len() >= MAX_ITEMS {
                        return Err(self.too_large("the marks"));
                    }
                    self.marks.push(self.stack.len());
                }
                EMPTY_DICT => self.push_obj(Obj::Dict(Vec::new()))?,
                EMPTY_LIST => self.push_obj(Obj::List(Vec::new()))?,
                EMPTY_TUPLE => self.tuple(Vec::new())?,
                TUPLE => {
                    let items = self.pop_mark()?;
                    self.tuple(items)?;
                }
                TUPLE1 | TUPLE2 | TUPLE3 => {
                    let items = self.pop_n(usize::from(op - TUPLE1 + 1))?;
                    self.tuple(items)?;
                }
                SETITEM => {
                    let items = self.pop_n(2)?;
                    self.set_items(items)?;
                }
                SETITEMS => {
                    let items = self.pop_mark()?;
                    self.set_items(items)?;
                }
                APPEND => {
                    let item = self.pop()?;
                    self.append(vec![item])?;
                }
                APPENDS => {
                    let items = self.pop_mark()?;
                    self.append(items)?;
                }

                // Scalars.
                NONE => self.push(Value::None)?,
                NEWTRUE => self.push(Value::Bool(true))?,
                NEWFALSE => self.push(Value::Bool(false))?,
                BININT => {
                    let n = i32::from_le_bytes(self.array()?);
                    self.push(Value::Int(i64::from(n)))?;
                }
                BININT1 => {
                    let n = self.u8()?;
                    self.push(Value::Int(i64::from(n)))?;
                }
                BININT2 => {
                    let n = u16::from_le_bytes(self.array()?);
                    self.push(Value::Int(i64::from(n)))?;
                }
                LONG1 => {
                    let n = usize::from(self.u8()?);
                    let bytes = self.take(n)?;
                    if n > 8 {
                        return Err(self.malformed(format!("an integer of {n} bytes, past what shapes need")));
                    }
                    let mut buf = [0u8; 8];
                    buf[..n].copy_from_slice(bytes);
                    // Sign-extend.
                    if n > 0 && n < 8 && bytes[n - 1] & 0x80 != 0 {
                        buf[n..].fill(0xff);
                    }
                    self.push(Value::Int(i64::from_le_bytes(buf)))?;
                }
                BINFLOAT => {
                    self.take(8)?;
                    self.push(Value::Float)?;
                }

                // Text and bytes.
                BINUNICODE | SHORT_BINUNICODE | BINUNICODE8 => {
                    let n = match op {
                        BINUNICODE => self.u32()?,
                        SHORT_BINUNICODE => usize::from(self.u8()?),
                        _ => self.u64()?,
                    };
                    let bytes = self.blob(n)?;
                    let s = String::from_utf8(bytes).map_err(|_| self.malformed("the text is not UTF-8"))?;
                    self.push_obj(Obj::Str(s))?;
                }
                BINBYTES | SHORT_BINBYTES | BINBYTES8 | BYTEARRAY8 => {
                    let n = match op {
                        BINBYTES => self.u32()?,
                        SHORT_BINBYTES => usize::from(self.u8()?),
                        _ => self.u64()?,
                    };
                    let bytes = self.blob(n)?;
                    self.push_obj(Obj::Bytes(bytes))?;
                }
                BINSTRING | SHORT_BINSTRING => {
                    let n = if op == BINSTRING {
                        let n = i32::from_le_bytes(self.array()?);
                        usize::try_from(n).map_err(|_| self.malformed("its length is negative"))?
                    } else {
                        usize::from(self.u8()?)
                    };
                    let bytes = self.blob(n)?;
                    self.push_obj(Obj::OldStr(bytes))?;
                }

                // Globals, calls.
                GLOBAL => {
                    let module = self.line()?;
                    let name = self.line()?;
                    let g = self.global(module, name)?;
                    self.push(Value::Global(g))?;
                }
                STACK_GLOBAL => {
                    let name = self.pop()?;
                    let module = self.pop()?;
                    let (Some(module), Some(name)) = (self.text(module), self.text(name)) else {
                        return Err(self.malformed("the module and name are not str"));
                    };
                    let g = self.global(module.as_bytes(), name.as_bytes())?;
                    self.push(Value::Global(g))?;
                }
                REDUCE => {
                    let args = self.pop()?;
                    let func = self.top()?;
                    let v = self.reduce(func, args)?;
                    self.set_top(v);
                }
                BUILD => {
                    let state = self.pop()?;
                    let inst = self.top()?;
                    self.build(inst, state)?;
                }

                _ => return Err(PickleError::Opcode { name: opcode_name(op), byte: op, offset: self.at }),
            }
        }
    }

    fn memoize(&mut self, key: u64) -> Res<()> {
        let v = self.top()?;
        if self.memo.len() >= MAX_ITEMS && !self.memo.contains_key(&key) {
            return Err(self.too_large("the memo"));
        }
        self.memo.insert(key, v);
        Ok(())
    }

    fn recall(&mut self, key: u64) -> Res<()> {
        match self.memo.get(&key) {
            Some(&v) => self.push(v),
            None => Err(self.malformed(format!("memo entry {key} was never stored"))),
        }
    }

    fn set_items(&mut self, items: Vec<Value>) -> Res<()> {
        if !items.len().is_multiple_of(2) {
            return Err(self.malformed("a key without its value"));
        }
        let target = self.top()?;
        let pairs = items.chunks_exact(2).map(|p| (p[0], p[1]));
        match target {
            Value::Ref(i) => match self.heap.get_mut(i) {
                Some(Obj::Dict(d)) => {
                    d.extend(pairs);
                    Ok(())
                }
                _ => Err(self.malformed(format!("it sets items of {}, not of a dict", self.describe(target)))),
            },
            _ => Err(self.malformed(format!("it sets items of {}, not of a dict", self.describe(target)))),
        }
    }

    fn append(&mut self, items: Vec<Value>) -> Res<()> {
        self.spend(items.len() * core::mem::size_of::<Value>())?;
        let target = self.top()?;
        match target {
            Value::Ref(i) => match self.heap.get_mut(i) {
                Some(Obj::List(l)) => {
                    l.extend(items);
                    Ok(())
                }
                _ => Err(self.malformed(format!("it appends to {}, not to a list", self.describe(target)))),
            },
            _ => Err(self.malformed(format!("it appends to {}, not to a list", self.describe(target)))),
        }
    }

    fn global(&self, module: &[u8], name: &[u8]) -> Res<Global> {
        let found = match (core::str::from_utf8(module), core::str::from_utf8(name)) {
            (Ok(m), Ok(n)) => Global::lookup(m, n),
            _ => None,
        };
        found.ok_or_else(|| PickleError::Global { module: shown(module), name: shown(name), offset: self.at })
    }

    /// `func(*args)`, for the allowed globals as numpy's pickles call them.
    fn reduce(&mut self, func: Value, args: Value) -> Res<Value> {
        let Value::Global(g) = func else {
            return Err(self.malformed(format!("it calls {}", self.describe(func))));
        };
        let Some(args) = self.items(args).filter(|a| a.len() <= 4).map(<[Value]>::to_vec) else {
            return Err(self.malformed(format!("it calls {} with {}", g.describe(), self.describe(args))));
        };
        match (g, args.as_slice()) {
            (Global::Reconstruct, &[class, shape, code]) => {
                if class != Value::Global(Global::Ndarray) {
                    return Err(
                        self.malformed(format!("_reconstruct makes {}, not a numpy.ndarray", self.describe(class)))
                    );
                }
                if self.items(shape).is_none() || self.raw(code).is_none() {
                    return Err(self.malformed("_reconstruct's arguments are not (ndarray, shape, typecode)"));
                }
                self.alloc(Obj::Array(ArrayState::Empty))
            }
            (Global::Dtype, &[code, _, _]) => {
                let Some(code) = self.text(code) else {
                    return Err(self.malformed(format!("the dtype's code is {}", self.describe(code))));
                };
                let dtype = parse_dtype(&code).map_err(|dtype| PickleError::Dtype { dtype, offset: self.at })?;
                self.alloc(Obj::Dtype(dtype))
            }
            (Global::FromBuffer, &[buffer, dtype, shape, order]) => {
                let dtype = self.dtype(dtype)?;
                let shape = self.shape(shape)?;
                let fortran = match self.text(order).as_deref() {
                    Some("C") => false,
                    Some("F") => true,
                    _ => return Err(self.malformed("_frombuffer's order is not 'C' or 'F'")),
                };
                let array = self.make_array(shape, dtype, fortran, buffer)?;
                self.alloc(Obj::Array(ArrayState::Full(array)))
            }
            (Global::Encode, &[text, encoding]) => {
                if !matches!(self.text(encoding).as_deref(), Some("latin1" | "latin-1" | "iso-8859-1")) {
                    return Err(self.malformed("_codecs.encode to another encoding than latin1"));
                }
                let Some(Obj::Str(s)) = self.obj(text) else {
                    return Err(self.malformed(format!("_codecs.encode of {}", self.describe(text))));
                };
                let n = s.chars().count();
                let mut bytes = Vec::new();
                if bytes.try_reserve_exact(n).is_err() {
                    return Err(self.too_large("the bytes"));
                }
                for c in s.chars() {
                    let Ok(b) = u8::try_from(c) else {
                        return Err(self.malformed("the text has a character past Latin-1"));
                    };
                    bytes.push(b);
                }
                self.spend(n)?;
                self.alloc(Obj::Bytes(bytes))
            }
            // Protocol 2's empty bytes (an empty array's data).
            (Global::Bytes, &[]) => self.alloc(Obj::Bytes(Vec::new())),
            (Global::Ndarray, _) => {
                Err(self.malformed("it calls numpy.ndarray itself, which numpy's pickles never do"))
            }
            (g, args) => Err(self.malformed(format!("it calls {} with {} arguments", g.describe(), args.len()))),
        }
    }

    /// `inst.__setstate__(state)`, for empty arrays and dtypes.
    fn build(&mut self, inst: Value, state: Value) -> Res<()> {
        let Value::Ref(i) = inst else {
            return Err(self.malformed(format!("it sets the state of {}", self.describe(inst))));
        };
        let Some(items) = self.items(state).filter(|s| s.len() <= 9).map(<[Value]>::to_vec) else {
            return Err(self.malformed(format!("the state is {}, not a tuple", self.describe(state))));
        };
        match self.heap.get(i) {
            Some(Obj::Array(ArrayState::Empty)) => {
                // (1, shape, dtype, is_fortran, raw), or without the version.
                let rest = match items.as_slice() {
                    [Value::Int(1), rest @ ..] if rest.len() == 4 => rest,
                    rest if rest.len() == 4 => rest,
                    _ => return Err(self.malformed("the array's state is not (1, shape, dtype, is_fortran, data)")),
                };
                let &[shape, dtype, fortran, raw] = rest else {
                    return Err(self.malformed("the array's state is not (1, shape, dtype, is_fortran, data)"));
                };
                let shape = self.shape(shape)?;
                let dtype = self.dtype(dtype)?;
                let fortran = match fortran {
                    Value::Bool(b) => b,
                    Value::Int(n) => n != 0,
                    _ => return Err(self.malformed("the array's is_fortran is not a bool")),
                };
                let array = self.make_array(shape, dtype, fortran, raw)?;
                self.heap[i] = Obj::Array(ArrayState::Full(array));
                Ok(())
            }
            Some(Obj::Dtype(d)) => {
                let mut d = *d;
                // (version, byte order, subarray, names, fields, elsize, alignment, flags[, metadata])
                let order = items.get(1).and_then(|&v| self.text(v));
                d.big_endian = match order.as_deref() {
                    Some("<") => false,
                    Some(">") => true,
                    _ => return Err(self.malformed("the dtype's byte order is not '<' or '>'")),
                };
                if items.get(2..5).is_some_and(|v| v.iter().any(|v| !matches!(v, Value::None))) {
                    return Err(PickleError::Dtype {
                        dtype: "with fields or a sub-array".to_string(),
                        offset: self.at,
                    });
                }
                self.heap[i] = Obj::Dtype(d);
                Ok(())
            }
            _ => Err(self.malformed(format!("it sets the state of {}", self.describe(inst)))),
        }
    }

    /// An array of `shape` and `dtype` from the bytes `raw`, in C order.
    fn make_array(&mut self, shape: Vec<usize>, dtype: Dtype, fortran: bool, raw: Value) -> Res<Array> {
        let count = shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
        let Some((count, len)) = count.and_then(|n| Some((n, n.checked_mul(dtype.kind.size())?))) else {
            return Err(self.too_large("the array"));
        };
        // Twice for Fortran order, which is copied once more.
        self.spend(if fortran { len.saturating_mul(2) } else { len })?;
        let bytes: Vec<u8>;
        let data: &[u8] = match self.raw(raw) {
            Some(Ok(b)) => b,
            Some(Err(())) => {
                // A str's characters are the bytes, as numpy's __setstate__ takes it.
                let Some(Obj::Str(s)) = self.obj(raw) else { return Err(self.malformed("the array's data")) };
                let n = s.chars().count();
                if n != len {
                    return Err(self.malformed(format!(
                        "shape {} of {} needs {len} bytes of data, not {n}",
                        py_shape(&shape),
                        kind_name(dtype.kind)
                    )));
                }
                let converted: Option<Vec<u8>> = s.chars().map(|c| u8::try_from(c).ok()).collect();
                bytes = converted.ok_or_else(|| self.malformed("the array's text has a character past Latin-1"))?;
                &bytes
            }
            None => {
                return Err(self.malformed(format!("the array's data is {}, not bytes", self.describe(raw))));
            }
        };
        if data.len() != len {
            return Err(self.malformed(format!(
                "shape {} of {} needs {len} bytes of data, not {}",
                py_shape(&shape),
                kind_name(dtype.kind),
                data.len()
            )));
        }
        let reorder = fortran && shape.len() > 1;
        let data = match dtype.kind {
            Kind::F32 => Data::F32(order(
                decode(data, dtype.big_endian, f32::from_le_bytes, f32::from_be_bytes),
                &shape,
                reorder,
            )),
            Kind::F64 => Data::F64(order(
                decode(data, dtype.big_endian, f64::from_le_bytes, f64::from_be_bytes),
                &shape,
                reorder,
            )),
            Kind::I64 => Data::I64(order(
                decode(data, dtype.big_endian, i64::from_le_bytes, i64::from_be_bytes),
                &shape,
                reorder,
            )),
        };
        debug_assert_eq!(data.len(), count);
        Ok(Array { shape, data })
    }

    /// The result: the top-level dict's arrays.
    fn finish(&mut self, top: Value) -> Res<Vec<Named>> {
        let Some(Obj::Dict(entries)) = self.obj(top) else {
            return Err(PickleError::NotADict { found: self.describe(top) });
        };
        let entries = entries.clone();
        let mut out: Vec<Named> = Vec::with_capacity(entries.len());
        let mut index: BTreeMap<String, usize> = BTreeMap::new();
        for (key, value) in entries {
            let name = match self.obj(key) {
                Some(Obj::Str(s)) => s.clone(),
                Some(Obj::OldStr(_)) => self.text(key).unwrap_or_default(),
                _ => return Err(PickleError::KeyNotStr { found: self.describe(key) }),
            };
            let slot = match value {
                Value::Ref(i)
                    if matches!(self.heap.get(i), Some(Obj::Array(ArrayState::Full(_) | ArrayState::Moved(_)))) =>
                {
                    i
                }
                _ => return Err(PickleError::NotAnArray { name, found: self.describe(value) }),
            };
            let position = index.get(&name).copied();
            let target = position.unwrap_or(out.len());
            let array = match core::mem::replace(&mut self.heap[slot], Obj::Array(ArrayState::Moved(target))) {
                Obj::Array(ArrayState::Full(a)) => a,
                Obj::Array(ArrayState::Moved(j)) => {
                    self.heap[slot] = Obj::Array(ArrayState::Moved(j));
                    match out.get(j) {
                        Some(n) => n.array.clone(),
                        None => return Err(PickleError::NotAnArray { name, found: "an array".to_string() }),
                    }
                }
                _ => return Err(PickleError::NotAnArray { name, found: self.describe(value) }),
            };
            match position {
                // Python keeps a key's first place and its last value.
                Some(p) => out[p].array = array,
                None => {
                    index.insert(name.clone(), out.len());
                    out.push(Named { name, array });
                }
            }
        }
        Ok(out)
    }
}

/// A module or name for a message: at most 100 characters, lossy.
fn shown(bytes: &[u8]) -> String {
    let s = String::from_utf8_lossy(bytes);
    match s.char_indices().nth(100) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.into_owned(),
    }
}

/// A shape as Python prints it: `(784, 50)`, `(50,)`, `()`.
fn py_shape(shape: &[usize]) -> String {
    match shape {
        [d] => format!("({d},)"),
        _ => {
            let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
            format!("({})", dims.join(", "))
        }
    }
}

/// A PUT or GET line's decimal key.
fn parse_decimal(line: &[u8]) -> Option<u64> {
    let s = core::str::from_utf8(line).ok()?;
    s.trim().parse().ok()
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::F32 => "float32",
        Kind::F64 => "float64",
        Kind::I64 => "int64",
    }
}

/// A dtype code as numpy pickles it (`'f8'`, `'<f4'`, `'O8'`): the dtype, or
/// a description of the one refused.
fn parse_dtype(code: &str) -> Result<Dtype, String> {
    let (big_endian, bare) = match code.as_bytes().first() {
        Some(b'>') => (true, &code[1..]),
        Some(b'<' | b'=' | b'|') => (false, &code[1..]),
        _ => (false, code),
    };
    let kind = match bare {
        "f4" => Kind::F32,
        "f8" => Kind::F64,
        "i8" => Kind::I64,
        _ => {
            let (letter, size) = bare.split_at(bare.char_indices().nth(1).map_or(bare.len(), |(i, _)| i));
            let bits = size.parse::<usize>().ok().and_then(|n| n.checked_mul(8));
            let bits = bits.map(|b| b.to_string()).unwrap_or_default();
            let name = match letter {
                "b" => "bool".to_string(),
                "i" => format!("int{bits}"),
                "u" => format!("uint{bits}"),
                "f" => format!("float{bits}"),
                "c" => format!("complex{bits}"),
                "O" => "object".to_string(),
                "U" => "str".to_string(),
                "S" => "bytes".to_string(),
                "V" => "void (structured)".to_string(),
                "M" => "datetime64".to_string(),
                "m" => "timedelta64".to_string(),
                _ => "unknown".to_string(),
            };
            return Err(format!("{name} ('{}')", shown(code.as_bytes())));
        }
    };
    Ok(Dtype { kind, big_endian })
}

/// Elements of `N` bytes each, in the file's byte order.
fn decode<T, const N: usize>(data: &[u8], big_endian: bool, le: fn([u8; N]) -> T, be: fn([u8; N]) -> T) -> Vec<T> {
    let f = if big_endian { be } else { le };
    data.chunks_exact(N)
        .map(|c| {
            let mut a = [0u8; N];
            a.copy_from_slice(c);
            f(a)
        })
        .collect()
}

/// `v` in C order: as is, or from Fortran order when `fortran`.
fn order<T: Copy>(v: Vec<T>, shape: &[usize], fortran: bool) -> Vec<T> {
    if !fortran || v.is_empty() {
        return v;
    }
    // Fortran strides: the first index moves fastest.
    let mut strides = Vec::with_capacity(shape.len());
    let mut s = 1usize;
    for &d in shape {
        strides.push(s);
        s = s.saturating_mul(d);
    }
    let mut out = Vec::with_capacity(v.len());
    let mut index = vec![0usize; shape.len()];
    let mut offset = 0usize;
    for _ in 0..v.len() {
        out.push(v[offset]);
        // Step the C-order index: the last dimension fastest.
        for k in (0..shape.len()).rev() {
            index[k] += 1;
            offset += strides[k];
            if index[k] < shape[k] {
                break;
            }
            offset -= strides[k] * shape[k];
            index[k] = 0;
        }
    }
    out
}
