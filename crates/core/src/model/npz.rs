//! numpy's `.npz` files, written and read by hand: a zip archive whose members
//! are `.npy` arrays (`W1.npy`, `b1.npy`, …) and, here, any other bytes
//! (`config.json`).
//!
//! Checked against numpy 2.4.6 (`numpy/lib/_format_impl.py` and `_npyio_impl.py`)
//! and CPython 3.11's `zipfile`.
//!
//! ## What [`write()`] writes
//! Exactly the bytes `numpy.savez` writes for the same arrays in the same order:
//! one stored (zip method 0, uncompressed) member per array, each local header
//! carrying a ZIP64 extra field (numpy opens every member with
//! `force_zip64=True`), dated 1980-01-01 00:00, permissions `0o600`; then the
//! central directory, with ZIP64 fields only where a size or offset passes
//! 2³¹ − 1 as `zipfile` does, and the end record.
//!
//! An array member is an `.npy` file of format version 1.0 (2.0 if the header
//! would pass 65 535 bytes): the magic `\x93NUMPY`, the version, the header's
//! length (u16, u32 from 2.0), and the header, a Python dict literal such as
//! `{'descr': '<f8', 'fortran_order': False, 'shape': (784, 50), }`.
//!
//! **Alignment**: numpy adds `21 − len(repr(shape[0]))` spaces after the dict
//! (room to grow the first axis in place; none for a 0-d array), then pads with
//! spaces and one final `'\n'` so that the magic, version, length and header
//! together end on a multiple of 64 bytes (`ARRAY_ALIGN`): the data starts at
//! byte 64·k of the `.npy`. The padding is `64 − ((10 + len(header) + 1) % 64)`
//! spaces, so a header that would end exactly on a boundary gets 64 more
//! (12 instead of 10 for versions 2.0 and 3.0). Elements follow in C order,
//! little-endian: `<f4`, `<f8`, `<i8`.
//!
//! ## What [`read`] reads
//! - The zip: the end of central directory record, searched backwards from the
//!   end (a comment may follow it); the ZIP64 end record and locator when
//!   present; ZIP64 extra fields in the directory; a prefix before the archive
//!   (offsets shifted as `zipfile` shifts them). Sizes and CRCs come from the
//!   central directory, so members written with data descriptors (flag bit 3,
//!   as `zipfile` writes to a stream) read as any other. Methods 0 (stored,
//!   `numpy.savez`) and 8 (deflate, `numpy.savez_compressed`, inflated by
//!   `miniz_oxide`); every member's size and CRC-32 is checked.
//! - `.npy` members (names ending in `.npy`) become [`Member::Array`] named
//!   without the suffix; any other member is [`Member::Bytes`]. Versions 1.0,
//!   2.0 and 3.0; the header is parsed as the Python literal it is (any key
//!   order, spaces, trailing commas, Python 2's `3L`), and must hold exactly
//!   `descr`, `fortran_order` and `shape`, as numpy requires.
//! - Element types `f4`, `f8` and `i8`, little-endian (`<`), big-endian (`>`)
//!   or of native order (`|`, `=` or none, which numpy on every machine descent
//!   runs on reads as little-endian). `fortran_order: True` arrays are
//!   transposed to C order. Every other dtype is refused with its name (object
//!   arrays `|O` need pickle, which descent never runs).
//!
//! ## Hostile files
//! Nothing here panics on any input, and nothing is allocated on a header's
//! promise: every size and offset is checked against the bytes really there,
//! the members' uncompressed sizes together against [`MAX_UNCOMPRESSED_BYTES`]
//! (1 GiB) before anything is unpacked, and inflating stops at the size the
//! directory records.

use alloc::collections::BTreeSet;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt::{self, Write as _};

use super::{Array, Data, Kind, Named};

/// The most bytes [`read`] unpacks from one `.npz`: the uncompressed sizes of
/// all its members together (1 GiB). A larger file is refused with
/// [`NpzError::TooLarge`] before anything is unpacked.
pub const MAX_UNCOMPRESSED_BYTES: u64 = 1 << 30;

/// numpy's `ARRAY_ALIGN`: an `.npy`'s data starts at a multiple of this many bytes.
pub const NPY_ALIGN: usize = 64;

/// A member of an `.npz` file: an array (stored as `NAME.npy`) or raw bytes
/// (e.g. `config.json`).
#[derive(Clone, Debug, PartialEq)]
pub enum Member {
    /// An array, stored as `{name}.npy`.
    Array(Named),
    /// Any other file, stored under `name` as it is. A name ending in `.npy`
    /// reads back as an array.
    Bytes {
        /// The member's full name in the zip.
        name: String,
        /// Its contents.
        bytes: Vec<u8>,
    },
}

impl Member {
    /// The member's name as [`read`] gives it: an array's without `.npy`.
    pub fn name(&self) -> &str {
        match self {
            Member::Array(named) => &named.name,
            Member::Bytes { name, .. } => name,
        }
    }

    /// The member's name in the zip: an array's with `.npy`.
    pub fn file_name(&self) -> String {
        match self {
            Member::Array(named) => {
                let mut name = named.name.clone();
                name.push_str(".npy");
                name
            }
            Member::Bytes { name, .. } => name.clone(),
        }
    }
}

// ---------------------------------------------------------------------------
// CRC-32
// ---------------------------------------------------------------------------

/// Eight tables for CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320),
/// slicing by 8 bytes; `[0]` is the classic byte-at-a-time table.
static CRC_TABLES: [[u32; 256]; 8] = crc_tables();

const fn crc_tables() -> [[u32; 256]; 8] {
    let mut t = [[0u32; 256]; 8];
    let mut i = 0;
    while i < 256 {
        let mut c = i as u32;
        let mut k = 0;
        while k < 8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
            k += 1;
        }
        t[0][i] = c;
        i += 1;
    }
    let mut i = 0;
    while i < 256 {
        let mut s = 1;
        while s < 8 {
            let prev = t[s - 1][i];
            t[s][i] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
            s += 1;
        }
        i += 1;
    }
    t
}

/// The CRC-32 of `bytes` as zip (and `zlib.crc32`) computes it:
/// `crc32(b"123456789") == 0xCBF4_3926`.
pub fn crc32(bytes: &[u8]) -> u32 {
    let t = &CRC_TABLES;
    let mut c = !0u32;
    let mut chunks = bytes.chunks_exact(8);
    for ch in &mut chunks {
        let lo = u32::from_le_bytes([ch[0], ch[1], ch[2], ch[3]]) ^ c;
        let hi = u32::from_le_bytes([ch[4], ch[5], ch[6], ch[7]]);
        c = t[7][(lo & 0xff) as usize]
            ^ t[6][((lo >> 8) & 0xff) as usize]
            ^ t[5][((lo >> 16) & 0xff) as usize]
            ^ t[4][(lo >> 24) as usize]
            ^ t[3][(hi & 0xff) as usize]
            ^ t[2][((hi >> 8) & 0xff) as usize]
            ^ t[1][((hi >> 16) & 0xff) as usize]
            ^ t[0][(hi >> 24) as usize];
    }
    for &b in chunks.remainder() {
        c = t[0][((c ^ u32::from(b)) & 0xff) as usize] ^ (c >> 8);
    }
    !c
}

// ---------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------

/// What is wrong with one `.npy` array's bytes (alone, or as a member of an
/// `.npz`: then inside [`NpzError::Npy`]).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NpyError {
    /// The bytes do not start with `\x93NUMPY`.
    NotNpy,
    /// A format version other than 1.0, 2.0 or 3.0.
    Version {
        /// Major version byte.
        major: u8,
        /// Minor version byte.
        minor: u8,
    },
    /// The bytes end inside the magic, the version or the header.
    Truncated {
        /// Bytes the header needs (data not counted).
        needed: u64,
        /// Bytes there are.
        len: usize,
    },
    /// The header is not a Python dict literal (or not one this parser reads).
    Header {
        /// What is wrong.
        detail: &'static str,
        /// Where, in bytes from the header's start.
        at: usize,
    },
    /// One of `descr`, `fortran_order`, `shape` is missing.
    MissingKey {
        /// The key.
        key: &'static str,
    },
    /// A key other than `descr`, `fortran_order`, `shape` (numpy refuses those too).
    UnexpectedKey {
        /// The key, as far as it is text.
        key: String,
    },
    /// A key's value has the wrong type.
    BadValue {
        /// The key.
        key: &'static str,
        /// What it should be.
        detail: &'static str,
    },
    /// An element type descent does not read (`<i4`, `<f2`, `<U5`, …).
    Dtype {
        /// numpy's `descr`.
        descr: String,
    },
    /// An object array (`|O`): its elements are pickles.
    Object {
        /// numpy's `descr`.
        descr: String,
    },
    /// A structured dtype (`descr` is a list of fields).
    Structured,
    /// The data's length is not the shape's element count × the element size.
    DataLength {
        /// The header's shape.
        shape: Vec<u64>,
        /// numpy's `descr`, e.g. `"<f8"`.
        descr: String,
        /// Bytes the shape needs.
        expected: u64,
        /// Bytes after the header.
        found: usize,
    },
    /// The shape's element count × element size overflows, or passes
    /// [`MAX_UNCOMPRESSED_BYTES`].
    TooLarge {
        /// The header's shape.
        shape: Vec<u64>,
    },
}

/// What is wrong with an `.npz` file.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum NpzError {
    /// No bytes at all.
    Empty,
    /// The bytes are one `.npy` array (`numpy.save`), not an `.npz`.
    NpyNotNpz,
    /// The bytes are not a zip: no end of central directory record.
    NotZip {
        /// Bytes given.
        len: usize,
    },
    /// The bytes start as a zip but the directory at its end is missing.
    Truncated {
        /// Bytes given.
        len: usize,
    },
    /// The zip's structure is damaged: a signature, an offset or a size is wrong.
    Damaged {
        /// The member concerned, if the damage is inside one.
        member: Option<String>,
        /// What is wrong.
        detail: &'static str,
    },
    /// A member's CRC-32 differs from the directory's.
    Crc {
        /// The member's name in the zip.
        member: String,
        /// The CRC-32 the directory records.
        recorded: u32,
        /// The CRC-32 of the bytes there.
        computed: u32,
    },
    /// A member unpacks to another size than the directory records.
    Size {
        /// The member's name in the zip.
        member: String,
        /// The size the directory records.
        recorded: u64,
        /// The size it unpacks to; `None`: more than recorded.
        found: Option<u64>,
    },
    /// A member is encrypted.
    Encrypted {
        /// The member's name in the zip.
        member: String,
    },
    /// A member is compressed with a method other than 0 (stored) or 8 (deflate).
    Method {
        /// The member's name in the zip.
        member: String,
        /// The zip method number.
        method: u16,
    },
    /// Two members have the same name.
    Duplicate {
        /// The name in the zip.
        name: String,
    },
    /// The members together unpack to more than [`MAX_UNCOMPRESSED_BYTES`].
    TooLarge {
        /// The member whose size passes the limit.
        member: String,
        /// The uncompressed sizes up to and including it.
        total: u64,
    },
    /// An `.npy` member is not an array descent reads.
    Npy {
        /// The member's name in the zip (`W1.npy`).
        member: String,
        /// What is wrong with it.
        error: NpyError,
    },
}

/// Writes `shape` as Python writes a tuple: `()`, `(50,)`, `(784, 50)`.
fn write_shape(f: &mut impl fmt::Write, shape: &[u64]) -> fmt::Result {
    f.write_char('(')?;
    for (i, d) in shape.iter().enumerate() {
        if i > 0 {
            f.write_str(", ")?;
        }
        write!(f, "{d}")?;
    }
    if shape.len() == 1 {
        f.write_char(',')?;
    }
    f.write_char(')')
}

/// numpy's name of the element type a `descr` stands for: `"int32"` for `<i4`.
fn write_dtype_name(f: &mut fmt::Formatter<'_>, descr: &str) -> fmt::Result {
    let body = descr.trim_start_matches(['<', '>', '|', '=']);
    let mut chars = body.chars();
    let kind = chars.next();
    let rest = chars.as_str();
    let bits = rest.parse::<u32>().ok().and_then(|n| n.checked_mul(8));
    match (kind, bits) {
        (Some('b'), Some(8)) => f.write_str("bool"),
        (Some('i'), Some(b)) => write!(f, "int{b}"),
        (Some('u'), Some(b)) => write!(f, "uint{b}"),
        (Some('f'), Some(b)) => write!(f, "float{b}"),
        (Some('c'), Some(b)) => write!(f, "complex{b}"),
        (Some('U'), _) => f.write_str("unicode string"),
        (Some('S' | 'a'), _) => f.write_str("byte string"),
        (Some('V'), _) => f.write_str("void (raw record)"),
        (Some('M'), _) => f.write_str("datetime64"),
        (Some('m'), _) => f.write_str("timedelta64"),
        _ => f.write_str("unknown"),
    }
}

impl NpyError {
    /// Writes the message with `subject` ("the .npy file", "member W1.npy") as its subject.
    fn describe(&self, f: &mut fmt::Formatter<'_>, subject: &dyn fmt::Display) -> fmt::Result {
        match self {
            NpyError::NotNpy => write!(
                f,
                "{subject} is not an .npy array: it does not start with numpy's magic bytes \\x93NUMPY; \
                 save arrays with numpy.save or numpy.savez"
            ),
            NpyError::Version { major, minor } => write!(
                f,
                "{subject} is .npy format version {major}.{minor}, which descent does not read: it reads \
                 versions 1.0, 2.0 and 3.0 (numpy.save writes 1.0, or 2.0 for huge headers); save it again with numpy"
            ),
            NpyError::Truncated { needed, len } => write!(
                f,
                "{subject} is truncated: its magic, version and header need {needed} bytes but there are only \
                 {len}; save it again"
            ),
            NpyError::Header { detail, at } => write!(
                f,
                "{subject} has a damaged header: {detail} at byte {at} of the header, where numpy writes a Python \
                 dict such as {{'descr': '<f8', 'fortran_order': False, 'shape': (784, 50), }}; save it again \
                 with numpy"
            ),
            NpyError::MissingKey { key } => write!(
                f,
                "{subject} has a header without '{key}': numpy's header dict holds 'descr', 'fortran_order' and \
                 'shape'; save it again with numpy"
            ),
            NpyError::UnexpectedKey { key } => write!(
                f,
                "{subject} has a header with the unknown key '{key}': numpy's header dict holds only 'descr', \
                 'fortran_order' and 'shape' (and numpy.load refuses others too); save it again with numpy"
            ),
            NpyError::BadValue { key, detail } => {
                write!(f, "{subject} has a header whose '{key}' {detail}; save it again with numpy")
            }
            NpyError::Dtype { descr } => {
                write!(f, "{subject} holds ")?;
                write_dtype_name(f, descr)?;
                write!(
                    f,
                    " ('{descr}') elements, which descent does not read: it reads float32 ('<f4'), float64 \
                     ('<f8') and int64 ('<i8'); convert with a.astype(numpy.float64) (or numpy.int64) before saving"
                )
            }
            NpyError::Object { descr } => write!(
                f,
                "{subject} is an object array ('{descr}'): object arrays need pickle, which descent never runs; \
                 save numbers instead, e.g. numpy.asarray(a, dtype=numpy.float64)"
            ),
            NpyError::Structured => write!(
                f,
                "{subject} has a structured dtype (a list of named fields), which descent does not read: save each \
                 field as its own float32, float64 or int64 array"
            ),
            NpyError::DataLength { shape, descr, expected, found } => {
                write!(f, "{subject} has the wrong amount of data: shape ")?;
                write_shape(f, shape)?;
                write!(
                    f,
                    " of '{descr}' needs {expected} bytes after the header, but {found} follow it; the file is \
                     truncated or damaged: save it again"
                )
            }
            NpyError::TooLarge { shape } => {
                write!(f, "{subject} is too large: shape ")?;
                write_shape(f, shape)?;
                write!(
                    f,
                    " needs more than descent's limit of {MAX_UNCOMPRESSED_BYTES} bytes (1 GiB); descent refuses \
                     it rather than run out of memory"
                )
            }
        }
    }
}

impl fmt::Display for NpyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.describe(f, &"the .npy file")
    }
}

/// "member W1.npy", the subject of a member's [`NpyError`].
struct MemberName<'a>(&'a str);

impl fmt::Display for MemberName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "member {}", self.0)
    }
}

impl fmt::Display for NpzError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            NpzError::Empty => f.write_str(
                "the .npz file is empty (0 bytes): an .npz is a zip archive of .npy arrays; save it again with \
                 numpy.savez",
            ),
            NpzError::NpyNotNpz => f.write_str(
                "this is an .npy file (one array, as numpy.save writes it), not an .npz: read it with \
                 model::npz::read_npy, or save a zip of named arrays with numpy.savez",
            ),
            NpzError::NotZip { len } => write!(
                f,
                "not an .npz file: it does not end with a zip directory ({len} bytes, none of them the end of a \
                 zip archive); an .npz is a zip of .npy arrays as numpy.savez writes it"
            ),
            NpzError::Truncated { len } => write!(
                f,
                "the .npz file is truncated: it starts as a zip but the directory at its end is missing (only \
                 {len} bytes are there); the download or copy was cut short: fetch or save it again"
            ),
            NpzError::Damaged { member: None, detail } => {
                write!(f, "the .npz file's zip directory is damaged: {detail}; fetch or save the file again")
            }
            NpzError::Damaged { member: Some(member), detail } => {
                write!(f, "member {member} is damaged: {detail}; fetch or save the file again")
            }
            NpzError::Crc { member, recorded, computed } => write!(
                f,
                "member {member} is damaged: its CRC-32 is {computed:#010x} but the zip directory records \
                 {recorded:#010x}; the file was corrupted in transit or on disk: fetch or save it again"
            ),
            NpzError::Size { member, recorded, found } => {
                write!(f, "member {member} is damaged: it unpacks to ")?;
                match found {
                    Some(n) => write!(f, "{n}")?,
                    None => write!(f, "more than {recorded}")?,
                }
                write!(f, " bytes but the zip directory records {recorded}; fetch or save the file again")
            }
            NpzError::Encrypted { member } => {
                write!(f, "member {member} is encrypted: descent reads no passwords; save the arrays with numpy.savez")
            }
            NpzError::Method { member, method } => {
                let name = match method {
                    1 => "shrink",
                    6 => "implode",
                    9 => "deflate64",
                    12 => "bzip2",
                    14 => "lzma",
                    93 => "zstandard",
                    95 => "xz",
                    _ => "unknown",
                };
                write!(
                    f,
                    "member {member} is compressed with zip method {method} ({name}), which descent does not \
                     read: it reads stored (0, numpy.savez) and deflate (8, numpy.savez_compressed) members; save \
                     the arrays again with one of those"
                )
            }
            NpzError::Duplicate { name } => write!(
                f,
                "the .npz file holds two members named {name}: numpy.savez never writes that, and which one is \
                 meant is unclear; save the arrays again with one name each"
            ),
            NpzError::TooLarge { member, total } => write!(
                f,
                "the .npz file is too large: its members unpack to {total} bytes up to member {member}, more than \
                 descent's limit of {MAX_UNCOMPRESSED_BYTES} bytes (1 GiB); descent refuses it rather than run out \
                 of memory"
            ),
            NpzError::Npy { member, error } => error.describe(f, &MemberName(member)),
        }
    }
}

impl core::error::Error for NpyError {}

impl core::error::Error for NpzError {
    fn source(&self) -> Option<&(dyn core::error::Error + 'static)> {
        match self {
            NpzError::Npy { error, .. } => Some(error),
            _ => None,
        }
    }
}

// ---------------------------------------------------------------------------
// .npy: writing
// ---------------------------------------------------------------------------

const NPY_MAGIC: &[u8; 6] = b"\x93NUMPY";

/// numpy's `GROWTH_AXIS_MAX_DIGITS`: room left after the dict to grow the first axis in place.
const GROWTH_AXIS_MAX_DIGITS: usize = 21;

/// The `descr` numpy writes for `data`.
fn descr_of(data: &Data) -> &'static str {
    match data {
        Data::F32(_) => "<f4",
        Data::F64(_) => "<f8",
        Data::I64(_) => "<i8",
    }
}

/// Appends an `.npy` of `a` to `out`, byte for byte as `numpy.save` writes it.
fn write_npy_into(out: &mut Vec<u8>, a: &Array) {
    let count = a.shape.iter().try_fold(1usize, |n, &d| n.checked_mul(d));
    assert!(
        count == Some(a.data.len()),
        "npz::write_npy: shape {:?} does not hold the array's {} elements",
        a.shape,
        a.data.len()
    );
    let mut header = String::new();
    let shape: Vec<u64> = a.shape.iter().map(|&d| d as u64).collect();
    // String's fmt::Write never fails.
    let _ = write!(header, "{{'descr': '{}', 'fortran_order': False, 'shape': ", descr_of(&a.data));
    let _ = write_shape(&mut header, &shape);
    header.push_str(", }");
    if let Some(&first) = a.shape.first() {
        let mut digits = String::new();
        let _ = write!(digits, "{first}");
        for _ in digits.len()..GROWTH_AXIS_MAX_DIGITS {
            header.push(' ');
        }
    }
    // numpy's _wrap_header: magic + version + length + header + '\n', padded to 64.
    let hlen = header.len() + 1;
    let pad_v1 = NPY_ALIGN - (10 + hlen) % NPY_ALIGN;
    let item = match a.data {
        Data::F32(_) => 4,
        Data::F64(_) | Data::I64(_) => 8,
    };
    out.reserve(12 + hlen + NPY_ALIGN + a.data.len() * item);
    out.extend_from_slice(NPY_MAGIC);
    if hlen + pad_v1 <= usize::from(u16::MAX) {
        out.extend_from_slice(&[1, 0]);
        out.extend_from_slice(&((hlen + pad_v1) as u16).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.resize(out.len() + pad_v1, b' ');
    } else {
        let pad = NPY_ALIGN - (12 + hlen) % NPY_ALIGN;
        out.extend_from_slice(&[2, 0]);
        out.extend_from_slice(&((hlen + pad) as u32).to_le_bytes());
        out.extend_from_slice(header.as_bytes());
        out.resize(out.len() + pad, b' ');
    }
    out.push(b'\n');
    match &a.data {
        Data::F32(v) => v.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
        Data::F64(v) => v.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
        Data::I64(v) => v.iter().for_each(|x| out.extend_from_slice(&x.to_le_bytes())),
    }
}

/// The `.npy` file of `a`, byte for byte as `numpy.save` writes it (format
/// 1.0, C order, little-endian, data aligned to 64 bytes).
///
/// # Panics
/// If `a.shape`'s product is not `a.data.len()`.
pub fn write_npy(a: &Array) -> Vec<u8> {
    let mut out = Vec::new();
    write_npy_into(&mut out, a);
    out
}

// ---------------------------------------------------------------------------
// .npy: reading
// ---------------------------------------------------------------------------

/// A Python literal, as far as an `.npy` header needs.
#[derive(Debug)]
enum Lit {
    Str(Vec<u8>),
    /// `None`: negative, or 2⁶⁴ or more.
    Int(Option<u64>),
    Bool(bool),
    Nothing,
    Tuple(Vec<Lit>),
    List,
    Dict(Vec<(Lit, Lit)>),
}

/// Nested brackets the header parser follows before giving up.
const MAX_DEPTH: usize = 16;

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
}

type Parsed<T> = Result<T, NpyError>;

impl Parser<'_> {
    fn err<T>(&self, detail: &'static str) -> Parsed<T> {
        Err(NpyError::Header { detail, at: self.pos })
    }

    fn skip_ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r' | b'\x0c') = self.s.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        self.skip_ws();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn value(&mut self, depth: usize) -> Parsed<Lit> {
        if depth > MAX_DEPTH {
            return self.err("brackets nested too deeply");
        }
        self.skip_ws();
        let Some(c) = self.peek() else {
            return self.err("it ends where a value should be");
        };
        match c {
            b'{' => self.dict(depth),
            b'(' => {
                self.pos += 1;
                let (items, comma) = self.sequence(b')', depth)?;
                // `(x)` is x; `()`, `(x,)` and `(x, y)` are tuples.
                if items.len() == 1 && !comma {
                    Ok(items.into_iter().next().unwrap_or(Lit::Nothing))
                } else {
                    Ok(Lit::Tuple(items))
                }
            }
            b'[' => {
                self.pos += 1;
                self.sequence(b']', depth)?;
                Ok(Lit::List)
            }
            b'\'' | b'"' => self.string(),
            b'0'..=b'9' | b'-' | b'+' => self.int(),
            b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                let start = self.pos;
                while let Some(b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'0'..=b'9') = self.peek() {
                    self.pos += 1;
                }
                let word = &self.s[start..self.pos];
                match word {
                    b"True" => Ok(Lit::Bool(true)),
                    b"False" => Ok(Lit::Bool(false)),
                    b"None" => Ok(Lit::Nothing),
                    b"u" | b"U" | b"b" | b"B" | b"r" | b"R" if matches!(self.peek(), Some(b'\'' | b'"')) => {
                        self.string()
                    }
                    _ => {
                        self.pos = start;
                        self.err("a name that is not True, False or None")
                    }
                }
            }
            _ => self.err("a character that starts no Python literal"),
        }
    }

    /// Items up to `close`, the opening bracket consumed; whether a comma came last.
    fn sequence(&mut self, close: u8, depth: usize) -> Parsed<(Vec<Lit>, bool)> {
        let mut items = Vec::new();
        let mut comma = false;
        loop {
            if self.eat(close) {
                return Ok((items, comma));
            }
            if !items.is_empty() && !comma {
                return self.err("a missing comma or closing bracket");
            }
            items.push(self.value(depth + 1)?);
            comma = self.eat(b',');
        }
    }

    fn dict(&mut self, depth: usize) -> Parsed<Lit> {
        self.pos += 1;
        let mut items = Vec::new();
        let mut comma = true;
        loop {
            if self.eat(b'}') {
                return Ok(Lit::Dict(items));
            }
            if !comma {
                return self.err("a missing comma or '}' in the dict");
            }
            let key = self.value(depth + 1)?;
            if !self.eat(b':') {
                return self.err("a dict key without ':'");
            }
            let value = self.value(depth + 1)?;
            items.push((key, value));
            comma = self.eat(b',');
        }
    }

    fn string(&mut self) -> Parsed<Lit> {
        let quote = self.s[self.pos];
        self.pos += 1;
        let mut out = Vec::new();
        loop {
            match self.peek() {
                None | Some(b'\n') => return self.err("a string that does not end"),
                Some(b'\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(c) => out.push(c),
                        None => return self.err("a string that does not end"),
                    }
                }
                Some(c) if c == quote => {
                    self.pos += 1;
                    return Ok(Lit::Str(out));
                }
                Some(c) => out.push(c),
            }
            self.pos += 1;
        }
    }

    fn int(&mut self) -> Parsed<Lit> {
        let mut negative = false;
        if let Some(c @ (b'-' | b'+')) = self.peek() {
            negative = c == b'-';
            self.pos += 1;
            self.skip_ws();
        }
        let start = self.pos;
        let mut value = Some(0u64);
        while let Some(c @ b'0'..=b'9') = self.peek() {
            value = value.and_then(|v| v.checked_mul(10)).and_then(|v| v.checked_add(u64::from(c - b'0')));
            self.pos += 1;
        }
        if self.pos == start {
            return self.err("a sign without digits");
        }
        // Python 2's long integers: `3L`.
        if let Some(b'L' | b'l') = self.peek() {
            self.pos += 1;
        }
        if let Some(b'.' | b'e' | b'E' | b'j' | b'J' | b'x' | b'X' | b'o' | b'O' | b'b' | b'B' | b'_') = self.peek() {
            return self.err("a number that is not a plain integer");
        }
        if negative && value != Some(0) {
            value = None;
        }
        Ok(Lit::Int(value))
    }
}

/// A `descr` string's element type and whether it is big-endian.
fn parse_descr(descr: &[u8]) -> Result<(Kind, bool), NpyError> {
    let (big, body) = match descr.first() {
        Some(b'<') => (false, &descr[1..]),
        Some(b'>') => (true, &descr[1..]),
        Some(b'|' | b'=') => (false, &descr[1..]),
        _ => (false, descr),
    };
    let text = || String::from_utf8_lossy(descr).into_owned();
    match body {
        b"f4" => Ok((Kind::F32, big)),
        b"f8" => Ok((Kind::F64, big)),
        b"i8" => Ok((Kind::I64, big)),
        [b'O', ..] => Err(NpyError::Object { descr: text() }),
        _ => Err(NpyError::Dtype { descr: text() }),
    }
}

/// Decodes `count` elements of `kind` from `data`, reordering a Fortran-order
/// array of `shape` to C order.
fn decode<T>(data: &[u8], shape: &[usize], fortran: bool, get: impl Fn(&[u8]) -> T, size: usize) -> Vec<T> {
    let count = data.len() / size;
    let mut out = Vec::with_capacity(count);
    if !fortran || shape.len() < 2 || count == 0 {
        out.extend(data.chunks_exact(size).map(get));
        return out;
    }
    // Fortran order: the first index varies fastest. Walk the C order's
    // multi-index and follow the file's (column-major) offset.
    let ndim = shape.len();
    let mut stride = Vec::with_capacity(ndim);
    let mut s = 1usize;
    for &d in shape {
        stride.push(s);
        s *= d;
    }
    let mut index = alloc::vec![0usize; ndim];
    let mut offset = 0usize;
    for _ in 0..count {
        let at = offset * size;
        out.push(get(&data[at..at + size]));
        let mut k = ndim;
        while k > 0 {
            k -= 1;
            index[k] += 1;
            offset += stride[k];
            if index[k] < shape[k] {
                break;
            }
            offset -= stride[k] * shape[k];
            index[k] = 0;
        }
    }
    out
}

/// Reads one `.npy` array (format 1.0, 2.0 or 3.0; `f4`, `f8` or `i8` of either
/// byte order; C or Fortran order, returned in C order).
pub fn read_npy(bytes: &[u8]) -> Result<Array, NpyError> {
    let truncated = |needed: u64| NpyError::Truncated { needed, len: bytes.len() };
    if bytes.len() < 8 {
        return Err(if NPY_MAGIC.starts_with(bytes) && !bytes.is_empty() { truncated(10) } else { NpyError::NotNpy });
    }
    if &bytes[..6] != NPY_MAGIC {
        return Err(NpyError::NotNpy);
    }
    let (major, minor) = (bytes[6], bytes[7]);
    let (header_start, header_len) = match (major, minor) {
        (1, 0) => {
            let b = bytes.get(8..10).ok_or(truncated(10))?;
            (10usize, usize::from(u16::from_le_bytes([b[0], b[1]])))
        }
        (2 | 3, 0) => {
            let b = bytes.get(8..12).ok_or(truncated(12))?;
            (12usize, u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize)
        }
        _ => return Err(NpyError::Version { major, minor }),
    };
    let data_start = header_start as u64 + header_len as u64;
    if data_start > bytes.len() as u64 {
        return Err(truncated(data_start));
    }
    let data_start = data_start as usize;
    let header = &bytes[header_start..data_start];
    let data = &bytes[data_start..];

    let mut p = Parser { s: header, pos: 0 };
    p.skip_ws();
    if p.peek() != Some(b'{') {
        return p.err("it is not a dict (it does not start with '{')");
    }
    let Lit::Dict(items) = p.value(0)? else {
        return p.err("it is not a dict");
    };
    p.skip_ws();
    if p.pos != header.len() {
        return p.err("something other than spaces after the dict");
    }
    let (mut descr, mut fortran, mut shape) = (None, None, None);
    for (key, value) in items {
        let Lit::Str(key) = key else {
            return Err(NpyError::Header { detail: "a key that is not a string", at: 0 });
        };
        match key.as_slice() {
            b"descr" => descr = Some(value),
            b"fortran_order" => fortran = Some(value),
            b"shape" => shape = Some(value),
            _ => return Err(NpyError::UnexpectedKey { key: String::from_utf8_lossy(&key).into_owned() }),
        }
    }
    let descr = match descr {
        None => return Err(NpyError::MissingKey { key: "descr" }),
        Some(Lit::Str(s)) => s,
        Some(Lit::List) => return Err(NpyError::Structured),
        Some(_) => return Err(NpyError::BadValue { key: "descr", detail: "is not a dtype string such as '<f8'" }),
    };
    let fortran = match fortran {
        None => return Err(NpyError::MissingKey { key: "fortran_order" }),
        Some(Lit::Bool(b)) => b,
        Some(_) => return Err(NpyError::BadValue { key: "fortran_order", detail: "is not True or False" }),
    };
    let dims: Vec<u64> = match shape {
        None => return Err(NpyError::MissingKey { key: "shape" }),
        Some(Lit::Tuple(items)) => {
            let mut dims = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Lit::Int(Some(d)) => dims.push(d),
                    _ => {
                        return Err(NpyError::BadValue {
                            key: "shape",
                            detail: "is not a tuple of non-negative integers below 2^64",
                        });
                    }
                }
            }
            dims
        }
        Some(_) => {
            return Err(NpyError::BadValue { key: "shape", detail: "is not a tuple such as (784, 50), (50,) or ()" });
        }
    };
    let (kind, big) = parse_descr(&descr)?;
    let size = kind.size() as u64;
    let expected = dims
        .iter()
        .try_fold(size, |n, &d| n.checked_mul(d))
        .filter(|&n| n <= MAX_UNCOMPRESSED_BYTES)
        .ok_or_else(|| NpyError::TooLarge { shape: dims.clone() })?;
    if expected != data.len() as u64 {
        return Err(NpyError::DataLength {
            shape: dims,
            descr: String::from_utf8_lossy(&descr).into_owned(),
            expected,
            found: data.len(),
        });
    }
    // Every dimension is at most `expected` (or the product is 0) or fits usize anyway.
    let shape: Vec<usize> = match dims.iter().map(|&d| usize::try_from(d)).collect::<Result<_, _>>() {
        Ok(shape) => shape,
        Err(_) => return Err(NpyError::TooLarge { shape: dims }),
    };
    let data = match (kind, big) {
        (Kind::F32, false) => Data::F32(decode(data, &shape, fortran, |b| f32::from_le_bytes(arr(b)), 4)),
        (Kind::F32, true) => Data::F32(decode(data, &shape, fortran, |b| f32::from_be_bytes(arr(b)), 4)),
        (Kind::F64, false) => Data::F64(decode(data, &shape, fortran, |b| f64::from_le_bytes(arr(b)), 8)),
        (Kind::F64, true) => Data::F64(decode(data, &shape, fortran, |b| f64::from_be_bytes(arr(b)), 8)),
        (Kind::I64, false) => Data::I64(decode(data, &shape, fortran, |b| i64::from_le_bytes(arr(b)), 8)),
        (Kind::I64, true) => Data::I64(decode(data, &shape, fortran, |b| i64::from_be_bytes(arr(b)), 8)),
    };
    Ok(Array { shape, data })
}

/// The first `N` bytes of `b` as an array (`b` has at least `N`: `decode` passes exact chunks).
fn arr<const N: usize>(b: &[u8]) -> [u8; N] {
    let mut a = [0u8; N];
    a.copy_from_slice(&b[..N]);
    a
}

// ---------------------------------------------------------------------------
// zip: writing
// ---------------------------------------------------------------------------

const LOCAL_SIG: u32 = 0x0403_4b50;
const CENTRAL_SIG: u32 = 0x0201_4b50;
const EOCD_SIG: u32 = 0x0605_4b50;
const ZIP64_EOCD_SIG: u32 = 0x0606_4b50;
const ZIP64_LOCATOR_SIG: u32 = 0x0706_4b50;
const LOCAL_LEN: usize = 30;
const CENTRAL_LEN: usize = 46;
const EOCD_LEN: usize = 22;
const ZIP64_EOCD_LEN: usize = 56;
const ZIP64_LOCATOR_LEN: usize = 20;
/// `zipfile.ZIP64_LIMIT`: sizes and offsets above it go in ZIP64 fields.
const ZIP64_LIMIT: u64 = (1 << 31) - 1;
/// Zip version 4.5, the first with ZIP64.
const ZIP64_VERSION: u16 = 45;
/// 1980-01-01, the DOS date `zipfile` gives a member opened by name.
const DOS_DATE_1980: u16 = (1 << 5) | 1;
/// Flag bit 11: the name is UTF-8.
const FLAG_UTF8: u16 = 1 << 11;

fn put16(out: &mut Vec<u8>, v: u16) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put32(out: &mut Vec<u8>, v: u32) {
    out.extend_from_slice(&v.to_le_bytes());
}

fn put64(out: &mut Vec<u8>, v: u64) {
    out.extend_from_slice(&v.to_le_bytes());
}

/// An `.npz` of `members`, in their order, byte for byte as `numpy.savez`
/// writes the same arrays (stored, uncompressed; see the module's doc).
/// [`Member::Bytes`] go in as they are, under their name.
///
/// # Panics
/// If an array's shape does not hold its elements, if two members have the
/// same name in the zip, or if a name is longer than 65 535 bytes.
pub fn write(members: &[Member]) -> Vec<u8> {
    struct Entry {
        name: String,
        flags: u16,
        crc: u32,
        size: u64,
        offset: u64,
    }
    let mut seen = BTreeSet::new();
    let mut entries = Vec::with_capacity(members.len());
    let mut out = Vec::new();
    for member in members {
        let name = member.file_name();
        assert!(u16::try_from(name.len()).is_ok(), "npz::write: a member's name is longer than 65535 bytes");
        assert!(!seen.contains(&name), "npz::write: two members are named {name}");
        seen.insert(name.clone());
        let flags = if name.is_ascii() { 0 } else { FLAG_UTF8 };
        let offset = out.len() as u64;
        // The local header, its CRC and sizes filled in once the data is there.
        put32(&mut out, LOCAL_SIG);
        put16(&mut out, ZIP64_VERSION);
        put16(&mut out, flags);
        put16(&mut out, 0); // stored
        put16(&mut out, 0); // 00:00:00
        put16(&mut out, DOS_DATE_1980);
        let crc_at = out.len();
        put32(&mut out, 0);
        put32(&mut out, u32::MAX); // sizes: in the ZIP64 extra field
        put32(&mut out, u32::MAX);
        put16(&mut out, name.len() as u16);
        put16(&mut out, 20);
        out.extend_from_slice(name.as_bytes());
        put16(&mut out, 1); // ZIP64 extra field: uncompressed, compressed size
        put16(&mut out, 16);
        let sizes_at = out.len();
        put64(&mut out, 0);
        put64(&mut out, 0);
        let start = out.len();
        match member {
            Member::Array(named) => write_npy_into(&mut out, &named.array),
            Member::Bytes { bytes, .. } => out.extend_from_slice(bytes),
        }
        let crc = crc32(&out[start..]);
        let size = (out.len() - start) as u64;
        out[crc_at..crc_at + 4].copy_from_slice(&crc.to_le_bytes());
        out[sizes_at..sizes_at + 8].copy_from_slice(&size.to_le_bytes());
        out[sizes_at + 8..sizes_at + 16].copy_from_slice(&size.to_le_bytes());
        entries.push(Entry { name, flags, crc, size, offset });
    }
    let cd_start = out.len() as u64;
    for e in &entries {
        let mut extra = Vec::new();
        let (mut size32, mut offset32) = (e.size as u32, e.offset as u32);
        if e.size > ZIP64_LIMIT {
            extra.push(e.size);
            extra.push(e.size);
            size32 = u32::MAX;
        }
        if e.offset > ZIP64_LIMIT {
            extra.push(e.offset);
            offset32 = u32::MAX;
        }
        put32(&mut out, CENTRAL_SIG);
        put16(&mut out, (3 << 8) | ZIP64_VERSION); // made by: Unix, 4.5
        put16(&mut out, ZIP64_VERSION);
        put16(&mut out, e.flags);
        put16(&mut out, 0);
        put16(&mut out, 0);
        put16(&mut out, DOS_DATE_1980);
        put32(&mut out, e.crc);
        put32(&mut out, size32);
        put32(&mut out, size32);
        put16(&mut out, e.name.len() as u16);
        put16(&mut out, if extra.is_empty() { 0 } else { 4 + 8 * extra.len() as u16 });
        put16(&mut out, 0); // comment
        put16(&mut out, 0); // disk
        put16(&mut out, 0); // internal attributes
        put32(&mut out, 0o600 << 16); // external: -rw-------
        put32(&mut out, offset32);
        out.extend_from_slice(e.name.as_bytes());
        if !extra.is_empty() {
            put16(&mut out, 1);
            put16(&mut out, 8 * extra.len() as u16);
            extra.iter().for_each(|&v| put64(&mut out, v));
        }
    }
    let cd_end = out.len() as u64;
    let count = entries.len() as u64;
    let cd_size = cd_end - cd_start;
    if count > 0xFFFF || cd_start > ZIP64_LIMIT || cd_size > ZIP64_LIMIT {
        put32(&mut out, ZIP64_EOCD_SIG);
        put64(&mut out, (ZIP64_EOCD_LEN - 12) as u64);
        put16(&mut out, ZIP64_VERSION);
        put16(&mut out, ZIP64_VERSION);
        put32(&mut out, 0);
        put32(&mut out, 0);
        put64(&mut out, count);
        put64(&mut out, count);
        put64(&mut out, cd_size);
        put64(&mut out, cd_start);
        put32(&mut out, ZIP64_LOCATOR_SIG);
        put32(&mut out, 0);
        put64(&mut out, cd_end);
        put32(&mut out, 1);
    }
    put32(&mut out, EOCD_SIG);
    put16(&mut out, 0);
    put16(&mut out, 0);
    put16(&mut out, count.min(0xFFFF) as u16);
    put16(&mut out, count.min(0xFFFF) as u16);
    put32(&mut out, cd_size.min(0xFFFF_FFFF) as u32);
    put32(&mut out, cd_start.min(0xFFFF_FFFF) as u32);
    put16(&mut out, 0);
    out
}

// ---------------------------------------------------------------------------
// zip: reading
// ---------------------------------------------------------------------------

/// `N` bytes of `b` at `at`, if they are there.
fn take<const N: usize>(b: &[u8], at: u64) -> Option<[u8; N]> {
    let at = usize::try_from(at).ok()?;
    b.get(at..at.checked_add(N)?)?.try_into().ok()
}

fn get16(b: &[u8], at: u64) -> Option<u16> {
    take(b, at).map(u16::from_le_bytes)
}

fn get32(b: &[u8], at: u64) -> Option<u32> {
    take(b, at).map(u32::from_le_bytes)
}

fn get64(b: &[u8], at: u64) -> Option<u64> {
    take(b, at).map(u64::from_le_bytes)
}

/// `b[start..start + len]`, if it is all there.
fn slice(b: &[u8], start: u64, len: u64) -> Option<&[u8]> {
    let end = start.checked_add(len)?;
    if end > b.len() as u64 {
        return None;
    }
    Some(&b[start as usize..end as usize])
}

/// The zip's central directory: where it is, and what to add to its offsets.
struct Directory {
    start: u64,
    end: u64,
    /// Bytes before the archive proper (a prefix): added to every offset.
    shift: i128,
}

fn damaged(detail: &'static str) -> NpzError {
    NpzError::Damaged { member: None, detail }
}

/// Finds the end of central directory record (and the ZIP64 one) as `zipfile` does.
fn find_directory(bytes: &[u8]) -> Result<Directory, NpzError> {
    let len = bytes.len();
    if len < EOCD_LEN {
        return Err(not_zip(bytes));
    }
    // Search backwards: the last record whose comment ends the file, else the
    // last record at all (a file with bytes after the zip).
    let lowest = len.saturating_sub(EOCD_LEN + 0xFFFF);
    let mut found = None;
    let mut last_any = None;
    for pos in (lowest..=len - EOCD_LEN).rev() {
        if get32(bytes, pos as u64) == Some(EOCD_SIG) {
            let comment = get16(bytes, pos as u64 + 20).map_or(0, usize::from);
            if pos + EOCD_LEN + comment == len {
                found = Some(pos);
                break;
            }
            last_any.get_or_insert(pos);
        }
    }
    let Some(eocd) = found.or(last_any) else {
        return Err(not_zip(bytes));
    };
    let e = eocd as u64;
    let field = |at: u64| get32(bytes, e + at).ok_or_else(|| damaged("its end record is cut short"));
    let mut cd_size = u64::from(field(12)?);
    let mut cd_offset = u64::from(field(16)?);
    let mut location = e;
    // The ZIP64 locator, just before the end record, and the ZIP64 end record
    // just before it (where `zipfile` looks, whatever the locator's offset says).
    if eocd >= ZIP64_LOCATOR_LEN && get32(bytes, e - ZIP64_LOCATOR_LEN as u64) == Some(ZIP64_LOCATOR_SIG) {
        let rec = (eocd - ZIP64_LOCATOR_LEN)
            .checked_sub(ZIP64_EOCD_LEN)
            .ok_or_else(|| damaged("its ZIP64 end record is missing"))? as u64;
        if get32(bytes, rec) != Some(ZIP64_EOCD_SIG) {
            return Err(damaged("its ZIP64 end record is missing"));
        }
        cd_size = get64(bytes, rec + 40).ok_or_else(|| damaged("its ZIP64 end record is cut short"))?;
        cd_offset = get64(bytes, rec + 48).ok_or_else(|| damaged("its ZIP64 end record is cut short"))?;
        location = rec;
    }
    let start = location.checked_sub(cd_size).ok_or_else(|| damaged("the directory's size is larger than the file"))?;
    Ok(Directory { start, end: location, shift: i128::from(start) - i128::from(cd_offset) })
}

fn not_zip(bytes: &[u8]) -> NpzError {
    if bytes.is_empty() {
        NpzError::Empty
    } else if bytes.starts_with(NPY_MAGIC) {
        NpzError::NpyNotNpz
    } else if bytes.starts_with(b"PK\x03\x04") {
        NpzError::Truncated { len: bytes.len() }
    } else {
        NpzError::NotZip { len: bytes.len() }
    }
}

/// Code page 437's characters 128–255, for names without the UTF-8 flag.
const CP437_HIGH: &str = "ÇüéâäàåçêëèïîìÄÅÉæÆôöòûùÿÖÜ¢£¥₧ƒáíóúñÑªº¿⌐¬½¼¡«»░▒▓│┤╡╢╖╕╣║╗╝╜╛┐└┴┬├─┼╞╟╚╔╩╦╠═╬╧╨╤╥╙╘╒╓╫╪┘┌█▄▌▐▀αßΓπΣσµτΦΘΩδ∞φε∩≡±≥≤⌠⌡÷≈°∙·√ⁿ²■\u{a0}";

/// A member's name as `zipfile` decodes it: UTF-8 with flag bit 11, else code page 437.
fn decode_name(raw: &[u8], flags: u16) -> Result<String, NpzError> {
    if flags & FLAG_UTF8 != 0 {
        return String::from_utf8(raw.to_vec())
            .map_err(|_| damaged("a member's name is not UTF-8 though its flags say it is"));
    }
    Ok(raw
        .iter()
        .map(|&b| if b < 128 { char::from(b) } else { CP437_HIGH.chars().nth(usize::from(b - 128)).unwrap_or('?') })
        .collect())
}

/// One central directory entry.
struct Entry<'a> {
    name: String,
    raw_name: &'a [u8],
    flags: u16,
    method: u16,
    crc: u32,
    compressed: u64,
    size: u64,
    offset: u64,
}

/// The central directory's entries, in order.
fn entries<'a>(bytes: &'a [u8], dir: &Directory) -> Result<Vec<Entry<'a>>, NpzError> {
    let mut out = Vec::new();
    let mut pos = dir.start;
    let short = || damaged("a directory entry is cut short");
    while pos < dir.end {
        if dir.end - pos < CENTRAL_LEN as u64 || get32(bytes, pos) != Some(CENTRAL_SIG) {
            return Err(damaged("a directory entry does not start with its signature"));
        }
        let flags = get16(bytes, pos + 8).ok_or_else(short)?;
        let method = get16(bytes, pos + 10).ok_or_else(short)?;
        let crc = get32(bytes, pos + 16).ok_or_else(short)?;
        let mut compressed = u64::from(get32(bytes, pos + 20).ok_or_else(short)?);
        let mut size = u64::from(get32(bytes, pos + 24).ok_or_else(short)?);
        let name_len = u64::from(get16(bytes, pos + 28).ok_or_else(short)?);
        let extra_len = u64::from(get16(bytes, pos + 30).ok_or_else(short)?);
        let comment_len = u64::from(get16(bytes, pos + 32).ok_or_else(short)?);
        let mut offset = u64::from(get32(bytes, pos + 42).ok_or_else(short)?);
        let name_at = pos + CENTRAL_LEN as u64;
        let next = name_at + name_len + extra_len + comment_len;
        if next > dir.end {
            return Err(short());
        }
        let raw_name = slice(bytes, name_at, name_len).ok_or_else(short)?;
        let extra = slice(bytes, name_at + name_len, extra_len).ok_or_else(short)?;
        let name = decode_name(raw_name, flags)?;
        // ZIP64 extra field: the 64-bit values of the fields that are all ones, in order.
        let mut rest = extra;
        while rest.len() >= 4 {
            let id = u16::from_le_bytes([rest[0], rest[1]]);
            let n = usize::from(u16::from_le_bytes([rest[2], rest[3]]));
            let Some(body) = rest.get(4..4 + n) else {
                return Err(NpzError::Damaged { member: Some(name), detail: "its extra field is cut short" });
            };
            if id == 1 {
                let mut vals = body.chunks_exact(8).map(|c| u64::from_le_bytes(arr(c)));
                let zip64_short = || NpzError::Damaged {
                    member: Some(name.clone()),
                    detail: "its ZIP64 extra field lacks a size or offset its directory entry defers to it",
                };
                if size == 0xFFFF_FFFF {
                    size = vals.next().ok_or_else(zip64_short)?;
                }
                if compressed == 0xFFFF_FFFF {
                    compressed = vals.next().ok_or_else(zip64_short)?;
                }
                if offset == 0xFFFF_FFFF {
                    offset = vals.next().ok_or_else(zip64_short)?;
                }
            }
            rest = &rest[4 + n..];
        }
        out.push(Entry { name, raw_name, flags, method, crc, compressed, size, offset });
        pos = next;
    }
    Ok(out)
}

/// A member's bytes, inflated if need be, their size and CRC checked.
fn member_bytes<'a>(bytes: &'a [u8], dir: &Directory, e: &Entry<'_>) -> Result<alloc::borrow::Cow<'a, [u8]>, NpzError> {
    use alloc::borrow::Cow;
    let member = || Some(e.name.clone());
    let bad = |detail| NpzError::Damaged { member: member(), detail };
    if e.flags & 1 != 0 {
        return Err(NpzError::Encrypted { member: e.name.clone() });
    }
    if e.method != 0 && e.method != 8 {
        return Err(NpzError::Method { member: e.name.clone(), method: e.method });
    }
    let local = i128::from(e.offset) + dir.shift;
    let local = u64::try_from(local).map_err(|_| bad("its offset points before the file"))?;
    if get32(bytes, local) != Some(LOCAL_SIG) {
        return Err(bad("its local header is not where the directory says"));
    }
    let name_len = u64::from(get16(bytes, local + 26).ok_or_else(|| bad("its local header is cut short"))?);
    let extra_len = u64::from(get16(bytes, local + 28).ok_or_else(|| bad("its local header is cut short"))?);
    if slice(bytes, local + LOCAL_LEN as u64, name_len) != Some(e.raw_name) {
        return Err(bad("its local header names another file than the directory"));
    }
    let data_at = local + LOCAL_LEN as u64 + name_len + extra_len;
    let data = slice(bytes, data_at, e.compressed).ok_or_else(|| bad("its data runs past the end of the file"))?;
    let out: Cow<'a, [u8]> = if e.method == 0 {
        if e.compressed != e.size {
            return Err(NpzError::Size { member: e.name.clone(), recorded: e.size, found: Some(e.compressed) });
        }
        Cow::Borrowed(data)
    } else {
        // `size` was checked against MAX_UNCOMPRESSED_BYTES; inflating stops there.
        // One byte more than recorded, so that a longer stream shows as one.
        let limit = usize::try_from(e.size.saturating_add(1)).unwrap_or(usize::MAX);
        match miniz_oxide::inflate::decompress_to_vec_with_limit(data, limit) {
            Ok(v) => Cow::Owned(v),
            Err(err) if err.status == miniz_oxide::inflate::TINFLStatus::HasMoreOutput => {
                return Err(NpzError::Size { member: e.name.clone(), recorded: e.size, found: None });
            }
            Err(_) => return Err(bad("its deflate stream is corrupt")),
        }
    };
    if out.len() as u64 != e.size {
        return Err(NpzError::Size { member: e.name.clone(), recorded: e.size, found: Some(out.len() as u64) });
    }
    let computed = crc32(&out);
    if computed != e.crc {
        return Err(NpzError::Crc { member: e.name.clone(), recorded: e.crc, computed });
    }
    Ok(out)
}

/// Reads an `.npz` (any zip of stored or deflated members): `.npy` members
/// become [`Member::Array`] (named without `.npy`), others [`Member::Bytes`],
/// in the zip directory's order.
pub fn read(bytes: &[u8]) -> Result<Vec<Member>, NpzError> {
    let dir = find_directory(bytes)?;
    let entries = entries(bytes, &dir)?;
    let mut names = BTreeSet::new();
    let mut total = 0u64;
    for e in &entries {
        if !names.insert(e.name.as_str()) {
            return Err(NpzError::Duplicate { name: e.name.clone() });
        }
        total = total.saturating_add(e.size);
        if total > MAX_UNCOMPRESSED_BYTES {
            return Err(NpzError::TooLarge { member: e.name.clone(), total });
        }
    }
    let mut out = Vec::with_capacity(entries.len());
    for e in &entries {
        let data = member_bytes(bytes, &dir, e)?;
        out.push(match e.name.strip_suffix(".npy") {
            Some(stem) => {
                let array = read_npy(&data).map_err(|error| NpzError::Npy { member: e.name.clone(), error })?;
                Member::Array(Named { name: String::from(stem), array })
            }
            None => Member::Bytes { name: e.name.clone(), bytes: data.into_owned() },
        });
    }
    Ok(out)
}
