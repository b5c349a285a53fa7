//! .npz files (model::npz): round trips, numpy both ways, malformed files.
//!
//! The numpy tests run `python3` with numpy (2.4.6, from `scripts/setup.sh
//! --data`) under `-W error`: it loads what descent writes (and writes it again
//! with `numpy.savez`, which must give the same bytes), and writes with
//! `numpy.savez`, `numpy.savez_compressed`, to a stream, with ZIP64 records,
//! Fortran-order and big-endian arrays what descent reads; every comparison is
//! of bits. `DESCENT_FUZZ_CASES=100000 DESCENT_FUZZ_SEED=7 cargo test -p
//! descent-core --test core model_npz::fuzz` runs more malformed files.

use crate::Gen;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;

use descent_core::model::npz::{self, MAX_UNCOMPRESSED_BYTES, Member, NpyError, NpzError};
use descent_core::model::{Array, Data, Named};

impl Gen {
    /// Any f64 bits: NaNs with payloads, infinities, subnormals, -0.0 included.
    fn f64(&mut self) -> f64 {
        match self.below(8) {
            0 => [f64::NAN, -0.0, f64::INFINITY, f64::NEG_INFINITY, f64::MIN_POSITIVE / 3.0][self.below(5)],
            1 => f64::from_bits(self.next()),
            _ => (self.next() >> 11) as f64 / (1u64 << 53) as f64 * 4.0 - 2.0,
        }
    }
}

fn array(name: &str, shape: &[usize], data: Data) -> Member {
    Member::Array(Named { name: name.into(), array: Array { shape: shape.to_vec(), data } })
}

/// The arrays of the round trips: every element type, the shapes of a net and the corner cases.
fn sample(g: &mut Gen) -> Vec<Member> {
    let f64s = |g: &mut Gen, n: usize| (0..n).map(|_| g.f64()).collect::<Vec<_>>();
    let f32s = |g: &mut Gen, n: usize| (0..n).map(|_| g.f64() as f32).collect::<Vec<_>>();
    let i64s = |g: &mut Gen, n: usize| (0..n).map(|_| g.next() as i64).collect::<Vec<_>>();
    vec![
        array("W1", &[784, 50], Data::F64(f64s(g, 784 * 50))),
        array("b1", &[50], Data::F32(f32s(g, 50))),
        array("W1_f32", &[784, 50], Data::F32(f32s(g, 784 * 50))),
        array("iters", &[784, 50], Data::I64(i64s(g, 784 * 50))),
        array("scalar", &[], Data::F64(vec![0.1])),
        array("step", &[], Data::I64(vec![-12_345_678_901])),
        array("lr32", &[], Data::F32(vec![f32::from_bits(0x7fc0_1234)])),
        array("empty", &[0], Data::F64(vec![])),
        array("none", &[3, 0], Data::F32(vec![])),
        array("none_i", &[0, 5], Data::I64(vec![])),
        array("cube", &[2, 3, 4], Data::I64(i64s(g, 24))),
        array("poids_é", &[3], Data::F64(f64s(g, 3))),
    ]
}

/// Each element's bits, widened: arrays compare by these, never by `==` on floats.
fn bits(data: &Data) -> Vec<u64> {
    match data {
        Data::F32(v) => v.iter().map(|x| u64::from(x.to_bits())).collect(),
        Data::F64(v) => v.iter().map(|x| x.to_bits()).collect(),
        Data::I64(v) => v.iter().map(|&x| x as u64).collect(),
    }
}

/// The elements as little-endian bytes, as numpy's `tofile` writes a `<` array.
fn le_bytes(data: &Data) -> Vec<u8> {
    match data {
        Data::F32(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        Data::F64(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        Data::I64(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
    }
}

fn descr(data: &Data) -> &'static str {
    match data {
        Data::F32(_) => "<f4",
        Data::F64(_) => "<f8",
        Data::I64(_) => "<i8",
    }
}

/// The same members in the same order, arrays of the same type, shape and bits.
#[track_caller]
fn assert_same(got: &[Member], want: &[Member]) {
    let names = |m: &[Member]| m.iter().map(|m| m.name().to_owned()).collect::<Vec<_>>();
    assert_eq!(names(got), names(want));
    for (g, w) in got.iter().zip(want) {
        match (g, w) {
            (Member::Array(g), Member::Array(w)) => {
                assert_eq!(g.array.shape, w.array.shape, "{}", g.name);
                assert_eq!(g.array.data.dtype(), w.array.data.dtype(), "{}", g.name);
                assert!(bits(&g.array.data) == bits(&w.array.data), "{}: other bits", g.name);
            }
            (Member::Bytes { bytes: g, .. }, Member::Bytes { bytes: w, .. }) => assert_eq!(g, w),
            _ => panic!("{}: an array and bytes", g.name()),
        }
    }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len()).step_by(2).map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap()).collect()
}

/// A fresh directory for one test's files.
fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("descent-npz-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs a Python script with numpy under `-W error`, `dir` as its argument; its standard output.
fn python(script: &str, dir: &Path) -> String {
    let numpy = Command::new("python3").args(["-c", "import numpy"]).output();
    if !numpy.is_ok_and(|o| o.status.success()) {
        panic!("numpy is missing: run scripts/setup.sh --data");
    }
    let out = Command::new("python3")
        .args(["-W", "error", "-c", script])
        .arg(dir)
        .env("PYTHONIOENCODING", "utf-8")
        .output()
        .expect("python3 runs");
    assert!(out.status.success(), "python3 failed:\n{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Parses a shape printed as `784,50` (`` for a 0-d array).
fn shape(s: &str) -> Vec<usize> {
    s.split(',').filter(|d| !d.is_empty()).map(|d| d.parse().unwrap()).collect()
}

fn zip_error(bytes: &[u8]) -> String {
    match npz::read(bytes) {
        Ok(m) => panic!("read {} members, expected an error", m.len()),
        Err(e) => e.to_string(),
    }
}

fn npy_error(bytes: &[u8]) -> String {
    match npz::read_npy(bytes) {
        Ok(a) => panic!("read an array of shape {:?}, expected an error", a.shape),
        Err(e) => e.to_string(),
    }
}

#[track_caller]
fn assert_mentions(message: &str, words: &[&str]) {
    for w in words {
        assert!(message.contains(w), "{w:?} is not in the message: {message}");
    }
}

// ---------------------------------------------------------------------------
// CRC-32
// ---------------------------------------------------------------------------

/// CRC-32 bit by bit, the definition the tables must agree with.
fn crc32_bitwise(bytes: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in bytes {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 { 0xEDB8_8320 ^ (c >> 1) } else { c >> 1 };
        }
    }
    !c
}

#[test]
fn crc32_known_vectors() {
    assert_eq!(npz::crc32(b""), 0);
    assert_eq!(npz::crc32(b"a"), 0xE8B7_BE43);
    assert_eq!(npz::crc32(b"abc"), 0x3524_41C2);
    assert_eq!(npz::crc32(b"123456789"), 0xCBF4_3926);
    assert_eq!(npz::crc32(b"The quick brown fox jumps over the lazy dog"), 0x414F_A339);
    assert_eq!(npz::crc32(&[0u8; 32]), 0x190A_55AD);
    assert_eq!(npz::crc32(&[0xFFu8; 32]), 0xFF6C_AB0B);
    let mut g = Gen(5);
    for len in (0..200).chain([1000, 4099]) {
        let bytes: Vec<u8> = (0..len).map(|_| g.next() as u8).collect();
        assert_eq!(npz::crc32(&bytes), crc32_bitwise(&bytes), "{len} bytes");
    }
}

// ---------------------------------------------------------------------------
// Round trips
// ---------------------------------------------------------------------------

#[test]
fn round_trip_keeps_bits_and_order() {
    let mut members = sample(&mut Gen(1));
    members.insert(2, Member::Bytes { name: "config.json".into(), bytes: br#"{"hidden": 50}"#.to_vec() });
    members.push(Member::Bytes { name: "empty.txt".into(), bytes: vec![] });
    let bytes = npz::write(&members);
    let back = npz::read(&bytes).unwrap();
    assert_same(&back, &members);
    // Written again, the same bytes.
    assert_eq!(npz::write(&back), bytes);
    // No members at all: an empty zip, read as no members.
    let empty = npz::write(&[]);
    assert_eq!(empty.len(), 22);
    assert!(npz::read(&empty).unwrap().is_empty());
}

#[test]
fn npy_round_trip_and_alignment() {
    for member in sample(&mut Gen(2)) {
        let Member::Array(named) = member else { unreachable!() };
        let bytes = npz::write_npy(&named.array);
        assert_eq!(&bytes[..8], b"\x93NUMPY\x01\x00");
        let header_len = usize::from(u16::from_le_bytes([bytes[8], bytes[9]]));
        let data_start = 10 + header_len;
        assert_eq!(data_start % npz::NPY_ALIGN, 0, "{}: data at {data_start}", named.name);
        assert_eq!(bytes[data_start - 1], b'\n');
        let header = std::str::from_utf8(&bytes[10..data_start]).unwrap();
        assert!(
            header
                .starts_with(&format!("{{'descr': '{}', 'fortran_order': False, 'shape': (", descr(&named.array.data)))
        );
        assert_eq!(&bytes[data_start..], le_bytes(&named.array.data).as_slice());
        let back = npz::read_npy(&bytes).unwrap();
        assert_eq!(back.shape, named.array.shape);
        assert!(bits(&back.data) == bits(&named.array.data));
    }
    // numpy's exact header, growth room and padding included.
    let a = Array { shape: vec![3], data: Data::F64(vec![0.0, 1.0, 2.0]) };
    let bytes = npz::write_npy(&a);
    let mut want = b"\x93NUMPY\x01\x00\x76\x00{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }".to_vec();
    want.resize(127, b' ');
    want.push(b'\n');
    assert_eq!(&bytes[..128], want.as_slice());
    // Many dimensions: a header past 65535 bytes makes a version 2.0 file.
    let a = Array { shape: vec![1; 30_000], data: Data::I64(vec![7]) };
    let bytes = npz::write_npy(&a);
    assert_eq!(&bytes[6..8], &[2, 0]);
    let data_start = 12 + u32::from_le_bytes(bytes[8..12].try_into().unwrap()) as usize;
    assert_eq!(data_start % 64, 0);
    assert_eq!(npz::read_npy(&bytes).unwrap(), a);
}

#[test]
#[should_panic(expected = "two members are named W.npy")]
fn write_refuses_duplicate_names() {
    let a = || array("W", &[1], Data::F64(vec![1.0]));
    npz::write(&[a(), a()]);
}

#[test]
#[should_panic(expected = "does not hold")]
fn write_refuses_a_shape_that_does_not_hold_the_data() {
    npz::write_npy(&Array { shape: vec![2, 3], data: Data::F32(vec![0.0; 5]) });
}

// ---------------------------------------------------------------------------
// numpy both ways
// ---------------------------------------------------------------------------

const NUMPY_LOADS: &str = r#"
import sys, zipfile, numpy as np
d = sys.argv[1]
for name in ['arrays', 'mixed']:
    path = f'{d}/{name}.npz'
    with zipfile.ZipFile(path) as z:
        assert z.testzip() is None
    with np.load(path, allow_pickle=False) as z:
        for i, k in enumerate(z.files):
            a = z[k]
            if isinstance(a, bytes):
                print(name, k, 'bytes', a.hex())
                continue
            assert a.flags.c_contiguous
            with open(f'{d}/{name}.{i}.bin', 'wb') as f:
                f.write(a.tobytes())
            print(name, k, a.dtype.str, ','.join(map(str, a.shape)))
        if name == 'arrays':
            np.savez(f'{d}/again.npz', **{k: z[k] for k in z.files})
a = np.load(f'{d}/W1.npy', allow_pickle=False)
np.save(f'{d}/W1again.npy', a)
print(np.__version__)
"#;

#[test]
fn numpy_loads_what_descent_writes() {
    let dir = temp_dir("numpy-loads");
    let arrays = sample(&mut Gen(3));
    let mut mixed = arrays.clone();
    mixed.insert(1, Member::Bytes { name: "config.json".into(), bytes: br#"{"hidden": 50, "lr": 0.1}"#.to_vec() });
    mixed.push(Member::Bytes { name: "notes/readme.txt".into(), bytes: b"\x00\xffbinary".to_vec() });
    std::fs::write(dir.join("arrays.npz"), npz::write(&arrays)).unwrap();
    std::fs::write(dir.join("mixed.npz"), npz::write(&mixed)).unwrap();
    let Member::Array(w1) = &arrays[0] else { unreachable!() };
    std::fs::write(dir.join("W1.npy"), npz::write_npy(&w1.array)).unwrap();

    let out = python(NUMPY_LOADS, &dir);
    let mut lines = out.lines();
    for (name, members) in [("arrays", &arrays), ("mixed", &mixed)] {
        for (i, member) in members.iter().enumerate() {
            let line = lines.next().unwrap();
            let fields: Vec<&str> = line.split(' ').collect();
            assert_eq!(fields[..2], [name, member.file_name().trim_end_matches(".npy")], "{line}");
            match member {
                Member::Array(named) => {
                    assert_eq!(fields[2], descr(&named.array.data), "{line}");
                    assert_eq!(shape(fields[3]), named.array.shape, "{line}");
                    let raw = std::fs::read(dir.join(format!("{name}.{i}.bin"))).unwrap();
                    assert!(raw == le_bytes(&named.array.data), "{line}: numpy sees other bits");
                }
                Member::Bytes { bytes, .. } => assert_eq!(unhex(fields[3]), *bytes, "{line}"),
            }
        }
    }
    assert_eq!(lines.next(), Some("2.4.6"), "the numpy these files were checked against");
    // numpy.savez of the arrays numpy read: the very bytes descent wrote.
    assert!(std::fs::read(dir.join("again.npz")).unwrap() == std::fs::read(dir.join("arrays.npz")).unwrap());
    assert!(std::fs::read(dir.join("W1again.npy")).unwrap() == std::fs::read(dir.join("W1.npy")).unwrap());
    let _ = std::fs::remove_dir_all(&dir);
}

const NUMPY_WRITES: &str = r#"
import sys, io, shutil, zipfile, numpy as np
d = sys.argv[1]
rng = np.random.default_rng(4)
arrays = {
    'W1': rng.standard_normal((784, 50)),
    'b1': rng.standard_normal(50).astype(np.float32),
    'step': np.int64(-12345678901),
    'lr': np.float64(0.1),
    'empty': np.zeros(0),
    'none': np.zeros((3, 0), np.float32),
    'cube': rng.integers(-2**62, 2**62, size=(2, 3, 4)),
}
arrays['W1'][0, :4] = [np.nan, -0.0, np.inf, 5e-324]
fortran = {
    'F2': np.asfortranarray(rng.standard_normal((3, 4))),
    'F3': np.asfortranarray(rng.standard_normal((2, 3, 4)).astype(np.float32)),
    'Fi': np.asfortranarray(rng.integers(0, 1000, (5, 2, 1, 3))),
    'F1': np.asfortranarray(np.arange(4.0)),
}
assert not fortran['F2'].flags.c_contiguous
big = {
    'bf8': rng.standard_normal((4, 3)).astype('>f8'),
    'bf4': rng.standard_normal(7).astype('>f4'),
    'bi8': rng.integers(-2**62, 2**62, (2, 2)).astype('>i8'),
    'b0': np.array(2.5, dtype='>f8'),
    'bF': np.asfortranarray(rng.standard_normal((3, 2))).astype('>f8', order='F'),
}
assert big['bF'].flags.f_contiguous and not big['bF'].flags.c_contiguous

class Stream:
    """A stream without seek or tell: zipfile writes data descriptors (flag bit 3)."""
    def __init__(self): self.data = bytearray()
    def write(self, b): self.data += b; return len(b)
    def read(self, *a): raise io.UnsupportedOperation
    def flush(self): pass

def stream(path, arrs):
    s = Stream()
    np.savez(s, **arrs)
    with open(path, 'wb') as f:
        f.write(s.data)

def zip64(path, arrs):
    limits = zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT
    zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = 0, 0
    try:
        np.savez(path, **arrs)
    finally:
        zipfile.ZIP64_LIMIT, zipfile.ZIP_FILECOUNT_LIMIT = limits

def commented(path, arrs):
    np.savez(path, **arrs)
    with zipfile.ZipFile(path, 'a') as z:
        z.comment = b'a comment after the directory'

def prefixed(path, arrs):
    commented(path, arrs)
    with open(path, 'rb') as f:
        data = f.read()
    with open(path, 'wb') as f:
        f.write(b'#!/bin/sh\necho a prefix before the zip\nexit 0\n' + data)

files = [
    ('plain', arrays, np.savez),
    ('compressed', arrays, np.savez_compressed),
    ('fortran', fortran, np.savez),
    ('fortran_z', fortran, np.savez_compressed),
    ('big', big, np.savez),
    ('stream', arrays, stream),
    ('zip64', arrays, zip64),
    ('commented', arrays, commented),
    ('prefixed', arrays, prefixed),
]
for name, arrs, save in files:
    path = f'{d}/{name}.npz'
    save(path, **arrs) if save in (np.savez, np.savez_compressed) else save(path, arrs)
    if name == 'prefixed':
        # numpy.load looks for 'PK' first: only zipfile reads a zip after a prefix.
        with zipfile.ZipFile(path) as z:
            assert [n[:-4] for n in z.namelist()] == list(arrs) and z.testzip() is None
    else:
        with np.load(path, allow_pickle=False) as z:
            assert list(z.files) == list(arrs)
    for k, a in arrs.items():
        a = np.asarray(a)
        le = a.dtype.newbyteorder('<')
        np.ascontiguousarray(a).astype(le).tofile(f'{d}/{name}.{k}.bin')
        print(name, k, le.str, ','.join(map(str, a.shape)))
with zipfile.ZipFile(f'{d}/stream.npz') as z:
    assert all(i.flag_bits & 8 for i in z.infolist())
with open(f'{d}/zip64.npz', 'rb') as f:
    assert b'PK\x06\x06' in f.read()
np.savez(f'{d}/int32.npz', W=np.zeros(2), i=np.arange(5, dtype=np.int32))
np.savez(f'{d}/object.npz', o=np.array([1, 'a', None], dtype=object))
np.savez(f'{d}/structured.npz', s=np.zeros(3, dtype=[('x', '<f8'), ('y', '<i4')]))
np.savez(f'{d}/float16.npz', h=np.zeros(3, dtype=np.float16))
np.save(f'{d}/alone.npy', np.asfortranarray(arrays['W1']))
"#;

#[test]
fn descent_reads_what_numpy_writes() {
    let dir = temp_dir("numpy-writes");
    let out = python(NUMPY_WRITES, &dir);
    let mut files: Vec<(String, Vec<Vec<String>>)> = Vec::new();
    for line in out.lines() {
        let fields: Vec<String> = line.split(' ').map(String::from).collect();
        match files.last_mut() {
            Some((name, rows)) if *name == fields[0] => rows.push(fields),
            _ => files.push((fields[0].clone(), vec![fields])),
        }
    }
    assert_eq!(files.len(), 9);
    for (file, rows) in &files {
        let bytes = std::fs::read(dir.join(format!("{file}.npz"))).unwrap();
        let members = npz::read(&bytes).unwrap_or_else(|e| panic!("{file}.npz: {e}"));
        assert_eq!(members.len(), rows.len(), "{file}");
        for (member, row) in members.iter().zip(rows) {
            let Member::Array(named) = member else { panic!("{file}: {} is not an array", member.name()) };
            assert_eq!(named.name, row[1], "{file}");
            assert_eq!(descr(&named.array.data), row[2], "{file}.{}", row[1]);
            assert_eq!(named.array.shape, shape(&row[3]), "{file}.{}", row[1]);
            let raw = std::fs::read(dir.join(format!("{file}.{}.bin", row[1]))).unwrap();
            assert!(raw == le_bytes(&named.array.data), "{file}.{}: other bits than numpy's", row[1]);
        }
        // What numpy.savez wrote, descent writes again byte for byte.
        if file == "plain" {
            assert!(npz::write(&members) == bytes, "numpy.savez wrote other bytes than npz::write");
        }
    }
    let read = |name: &str| npz::read(&std::fs::read(dir.join(name)).unwrap());
    let message = read("int32.npz").unwrap_err().to_string();
    assert_mentions(&message, &["member i.npy holds int32 ('<i4') elements", "float64 ('<f8')", "astype"]);
    let message = read("object.npz").unwrap_err().to_string();
    assert_mentions(
        &message,
        &["member o.npy is an object array ('|O')", "object arrays need pickle, which descent never runs"],
    );
    let message = read("structured.npz").unwrap_err().to_string();
    assert_mentions(&message, &["member s.npy has a structured dtype"]);
    let message = read("float16.npz").unwrap_err().to_string();
    assert_mentions(&message, &["member h.npy holds float16 ('<f2')"]);
    let error = read("object.npz").unwrap_err();
    assert!(matches!(&error, NpzError::Npy { member, error: NpyError::Object { .. } } if member == "o.npy"));
    // numpy.save's single array, Fortran order: C order here, as the plain file's W1.
    let alone = npz::read_npy(&std::fs::read(dir.join("alone.npy")).unwrap()).unwrap();
    let raw = std::fs::read(dir.join("plain.W1.bin")).unwrap();
    assert_eq!(alone.shape, [784, 50]);
    assert!(le_bytes(&alone.data) == raw);
    let message = read("alone.npy").unwrap_err().to_string();
    assert_mentions(&message, &["this is an .npy file", "read_npy"]);
    let _ = std::fs::remove_dir_all(&dir);
}

// ---------------------------------------------------------------------------
// Malformed files
// ---------------------------------------------------------------------------

/// `numpy.savez_compressed(W=arange(12.).reshape(3, 4), b=[1, 2, 3], c=float32(1.5),
/// cfg=zeros(0, float32))`: deflated members without python at hand.
const COMPRESSED: &[&str] = &[
    "504b03042d0000000800000021005415a966ffffffffffffffff05001400572e6e707901001000e00000000000000066",
    "000000000000009bec17ea1b10c9c850c650ad9e925a9c5ca46ea5a06e9366a1aea3a09e965f54529498179f5f94920a",
    "12774bcc294e058a17672416a402f91ac63a0a269a3a0ab50a64032e0614f0c11eca7080501c505a004a8b406909282d",
    "03a515a0b412945681d26a0e00504b03042d000000080000002100bc91558effffffffffffffff05001400622e6e7079",
    "0100100098000000000000004d000000000000009bec17ea1b10c9c850c650ad9e925a9c5ca46ea5a06e9369a1aea3a0",
    "9e965f54529498179f5f94920a12774bcc294e058a17672416a402f91ac63a9a3a0ab50a14002e4606086082d2cc501a",
    "00504b03042d0000000800000021002513e65dffffffffffffffff05001400632e6e7079010010008400000000000000",
    "46000000000000009bec17ea1b10c9c850c650ad9e925a9c5ca46ea5a06e9366a2aea3a09e965f54529498179f5f9492",
    "0a12774bcc294e058a17672416a402f91a9a3a0ab50a14012e068603f600504b03042d000000080000002100cddb69fc",
    "ffffffffffffffff070014006366672e6e707901001000800000000000000044000000000000009bec17ea1b10c9c850",
    "c650ad9e925a9c5ca46ea5a06e9366a2aea3a09e965f54529498179f5f94920a12774bcc294e058a17672416a402f91a",
    "063a9a3a0ab50a14002e00504b01022d032d0000000800000021005415a96666000000e0000000050000000000000000",
    "000000800100000000572e6e7079504b01022d032d000000080000002100bc91558e4d00000098000000050000000000",
    "00000000000080019d000000622e6e7079504b01022d032d0000000800000021002513e65d4600000084000000050000",
    "000000000000000000800121010000632e6e7079504b01022d032d000000080000002100cddb69fc4400000080000000",
    "07000000000000000000000080019e0100006366672e6e7079504b05060000000004000400ce0000001b0200000000",
];

fn compressed() -> Vec<u8> {
    unhex(&COMPRESSED.concat())
}

#[test]
fn reads_deflated_members() {
    let members = npz::read(&compressed()).unwrap();
    let want = [
        array("W", &[3, 4], Data::F64((0..12).map(f64::from).collect())),
        array("b", &[3], Data::I64(vec![1, 2, 3])),
        array("c", &[], Data::F32(vec![1.5])),
        array("cfg", &[0], Data::F32(vec![])),
    ];
    assert_same(&members, &want);
}

/// The offsets of each member's local header and directory entry in a zip `npz::write` wrote.
fn headers(zip: &[u8]) -> Vec<(usize, usize)> {
    let eocd = zip.len() - 22;
    let mut central = u32::from_le_bytes(zip[eocd + 16..eocd + 20].try_into().unwrap()) as usize;
    let mut out = Vec::new();
    while central < eocd {
        let local = u32::from_le_bytes(zip[central + 42..central + 46].try_into().unwrap()) as usize;
        out.push((local, central));
        let n = |at: usize| usize::from(u16::from_le_bytes([zip[central + at], zip[central + at + 1]]));
        central += 46 + n(28) + n(30) + n(32);
    }
    out
}

fn put16(zip: &mut [u8], at: usize, v: u16) {
    zip[at..at + 2].copy_from_slice(&v.to_le_bytes());
}

fn put32(zip: &mut [u8], at: usize, v: u32) {
    zip[at..at + 4].copy_from_slice(&v.to_le_bytes());
}

fn two_arrays() -> Vec<u8> {
    npz::write(&[
        array("W1", &[4, 3], Data::F64((0..12).map(f64::from).collect())),
        array("b1", &[3], Data::F32(vec![1.0, 2.0, 3.0])),
    ])
}

#[test]
fn malformed_zips_say_what_is_wrong() {
    let good = two_arrays();
    let h = headers(&good);
    assert_eq!(h.len(), 2);

    assert_mentions(&zip_error(b""), &["empty"]);
    assert_mentions(
        &zip_error(b"hello, this is no zip at all, only text"),
        &["not an .npz file: it does not end with a zip directory"],
    );
    let npy = npz::write_npy(&Array { shape: vec![2], data: Data::F64(vec![1.0, 2.0]) });
    assert_mentions(&zip_error(&npy), &["this is an .npy file", "read_npy"]);
    for cut in [good.len() / 2, good.len() - 1, 31] {
        assert_mentions(&zip_error(&good[..cut]), &["truncated", "fetch or save it again"]);
    }

    // A data byte flipped: the CRC names the member.
    let mut bad = good.clone();
    let last_of_w1 = h[1].0 - 1;
    bad[last_of_w1] ^= 0x40;
    let message = zip_error(&bad);
    assert_mentions(&message, &["member W1.npy is damaged: its CRC-32 is 0x", "records 0x", "fetch or save it again"]);
    assert!(matches!(npz::read(&bad), Err(NpzError::Crc { member, .. }) if member == "W1.npy"));

    // Another compression method.
    let mut bad = good.clone();
    put16(&mut bad, h[1].0 + 8, 12);
    put16(&mut bad, h[1].1 + 10, 12);
    assert_mentions(&zip_error(&bad), &["member b1.npy is compressed with zip method 12 (bzip2)", "savez_compressed"]);

    // Encrypted.
    let mut bad = good.clone();
    put16(&mut bad, h[0].1 + 8, 1);
    assert_mentions(&zip_error(&bad), &["member W1.npy is encrypted"]);

    // Two members named alike (names are not in the CRCs).
    let mut bad = two_arrays();
    for at in [h[1].0 + 30, h[1].1 + 46] {
        assert_eq!(&bad[at..at + 2], b"b1");
        bad[at..at + 2].copy_from_slice(b"W1");
    }
    assert_mentions(&zip_error(&bad), &["two members named W1.npy"]);

    // Sizes past the limit: refused before anything is unpacked.
    let mut bad = good.clone();
    put32(&mut bad, h[0].1 + 24, 0x3000_0000);
    put32(&mut bad, h[1].1 + 24, 0x3000_0000);
    let message = zip_error(&bad);
    assert_mentions(&message, &["too large", "b1.npy", "1 GiB"]);
    assert!(matches!(npz::read(&bad), Err(NpzError::TooLarge { total, .. }) if total > MAX_UNCOMPRESSED_BYTES));

    // A stored member whose sizes disagree.
    let mut bad = good.clone();
    put32(&mut bad, h[1].1 + 20, 4);
    assert_mentions(&zip_error(&bad), &["member b1.npy is damaged: it unpacks to"]);

    // The directory's structure.
    let mut bad = good.clone();
    bad[h[1].1] = b'Q';
    assert_mentions(&zip_error(&bad), &["zip directory is damaged", "signature"]);
    let mut bad = good.clone();
    put32(&mut bad, h[1].1 + 42, h[1].0 as u32 + 1);
    assert_mentions(&zip_error(&bad), &["member b1.npy is damaged", "local header is not where"]);
    let mut bad = good.clone();
    let eocd = bad.len() - 22;
    put32(&mut bad, eocd + 12, 100_000);
    assert_mentions(&zip_error(&bad), &["zip directory is damaged"]);

    // A comment (holding a false end record) and a prefix change nothing.
    let mut commented = good.clone();
    let comment = b"a comment; PK\x05\x06 is not the end record";
    let eocd = commented.len() - 22;
    put16(&mut commented, eocd + 20, comment.len() as u16);
    commented.extend_from_slice(comment);
    let mut prefixed = b"a prefix, as a self-extracting archive has\n".to_vec();
    prefixed.extend_from_slice(&commented);
    for bytes in [&commented, &prefixed] {
        assert_same(&npz::read(bytes).unwrap(), &npz::read(&good).unwrap());
    }

    // A .npy member that is not an array descent reads names the member.
    let bad = npz::write(&[Member::Bytes { name: "x.npy".into(), bytes: b"not numpy".to_vec() }]);
    assert_mentions(&zip_error(&bad), &["member x.npy is not an .npy array"]);
}

#[test]
fn malformed_deflate_streams() {
    let good = compressed();
    let central = |zip: &[u8]| {
        let eocd = zip.len() - 22;
        u32::from_le_bytes(zip[eocd + 16..eocd + 20].try_into().unwrap()) as usize
    };
    // W.npy first: its recorded size 224.
    let c = central(&good);
    assert_eq!(u32::from_le_bytes(good[c + 24..c + 28].try_into().unwrap()), 224);
    let mut bad = good.clone();
    put32(&mut bad, c + 24, 100_000_000);
    assert_mentions(
        &zip_error(&bad),
        &["member W.npy is damaged: it unpacks to 224 bytes but the zip directory records 100000000"],
    );
    let mut bad = good.clone();
    put32(&mut bad, c + 24, 100);
    assert_mentions(&zip_error(&bad), &["member W.npy is damaged: it unpacks to more than 100 bytes"]);
    // Damaged deflate data: corrupt stream, wrong size or CRC, but always named.
    let data = 30 + 5 + 20;
    for i in 0..40 {
        let mut bad = good.clone();
        bad[data + i] ^= 0x55;
        assert_mentions(&zip_error(&bad), &["member W.npy is damaged"]);
    }
}

/// An `.npy` of `header` (padded as numpy does), version `major`.0, then `data`.
fn npy(major: u8, header: &str, data: &[u8]) -> Vec<u8> {
    let prefix = if major == 1 { 10 } else { 12 };
    let mut h = header.as_bytes().to_vec();
    while !(prefix + h.len() + 1).is_multiple_of(64) {
        h.push(b' ');
    }
    h.push(b'\n');
    let mut out = b"\x93NUMPY".to_vec();
    out.extend_from_slice(&[major, 0]);
    if major == 1 {
        out.extend_from_slice(&(h.len() as u16).to_le_bytes());
    } else {
        out.extend_from_slice(&(h.len() as u32).to_le_bytes());
    }
    out.extend_from_slice(&h);
    out.extend_from_slice(data);
    out
}

#[test]
fn npy_headers_are_read_tolerantly() {
    let f8: Vec<u8> = [1.0f64, 2.0, 3.0, 4.0, 5.0, 6.0].iter().flat_map(|x| x.to_le_bytes()).collect();
    let c_order = Data::F64(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
    for (major, header) in [
        (1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"),
        (1, "{'shape':(2,3),'fortran_order':False,'descr':'<f8'}"),
        (1, " {  \"descr\" : \"<f8\" ,\n 'fortran_order' : False , 'shape' : ( 2 , 3 , ) , } "),
        (1, "{'descr': u'<f8', 'fortran_order': False, 'shape': (2L, 3L), }"),
        (1, "{'descr': '|f8', 'fortran_order': False, 'shape': (2, 3)}"),
        (1, "{'descr': 'f8', 'fortran_order': True, 'fortran_order': False, 'shape': (2, 3)}"),
        (2, "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }"),
        (3, "{'descr': '<f8', 'fortran_order': False, 'shape': (+2, 3), }"),
    ] {
        let a = npz::read_npy(&npy(major, header, &f8)).unwrap_or_else(|e| panic!("{header}: {e}"));
        assert_eq!(a, Array { shape: vec![2, 3], data: c_order.clone() }, "{header}");
    }
    // Fortran order: the file holds columns; C order comes out.
    let a = npz::read_npy(&npy(1, "{'descr': '<f8', 'fortran_order': True, 'shape': (3, 2), }", &f8)).unwrap();
    assert_eq!(a, Array { shape: vec![3, 2], data: Data::F64(vec![1.0, 4.0, 2.0, 5.0, 3.0, 6.0]) });
    // Big-endian, 0-d, 1-d.
    let be: Vec<u8> = [1i64, -2].iter().flat_map(|x| x.to_be_bytes()).collect();
    let a = npz::read_npy(&npy(1, "{'descr': '>i8', 'fortran_order': True, 'shape': (2,), }", &be)).unwrap();
    assert_eq!(a, Array { shape: vec![2], data: Data::I64(vec![1, -2]) });
    let a = npz::read_npy(&npy(1, "{'descr': '>f4', 'fortran_order': False, 'shape': (), }", &1.5f32.to_be_bytes()))
        .unwrap();
    assert_eq!(a, Array { shape: vec![], data: Data::F32(vec![1.5]) });
    let a = npz::read_npy(&npy(1, "{'descr': '=f4', 'fortran_order': False, 'shape': (1,)}", &1.5f32.to_le_bytes()))
        .unwrap();
    assert_eq!(a, Array { shape: vec![1], data: Data::F32(vec![1.5]) });
}

#[test]
fn malformed_npy_says_what_is_wrong() {
    let f8 = |n: usize| vec![0u8; 8 * n];
    let h = |header: &str, data: &[u8]| npy_error(&npy(1, header, data));
    assert_mentions(&npy_error(b""), &["the .npy file is not an .npy array", "magic"]);
    assert_mentions(&npy_error(b"PK\x03\x04 and more bytes"), &["not an .npy array"]);
    assert_mentions(&npy_error(b"\x93NUMPY\x04\x00\x10\x00{}"), &["version 4.0", "1.0, 2.0 and 3.0"]);
    let good = npy(1, "{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }", &f8(2));
    for cut in [3, 8, 9, 20, 63] {
        assert_mentions(&npy_error(&good[..cut]), &["truncated"]);
    }
    assert_mentions(
        &npy_error(&good[..134]),
        &["wrong amount of data", "(2,)", "'<f8' needs 16 bytes", "but 6 follow"],
    );
    assert_mentions(&h("[1, 2]", &[]), &["damaged header", "not a dict"]);
    assert_mentions(&h("'descr'", &[]), &["not a dict"]);
    assert_mentions(&h("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), } junk", &f8(2)), &["after the dict"]);
    assert_mentions(&h("{'descr': '<f8', 'fortran_order': False 'shape': (2,)}", &f8(2)), &["missing comma"]);
    assert_mentions(&h("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)", &f8(2)), &["damaged header"]);
    assert_mentions(&h("{'descr': '<f8', 'fortran_order': False, 'shape': (2.5,)}", &f8(2)), &["plain integer"]);
    assert_mentions(&h("{'descr': '<f8, 'fortran_order': False, 'shape': (2,)}", &f8(2)), &["damaged header"]);
    assert_mentions(&h("{'descr': '<f8', 'fortran_order': False}", &f8(2)), &["without 'shape'"]);
    assert_mentions(&h("{'shape': (2,), 'fortran_order': False}", &f8(2)), &["without 'descr'"]);
    assert_mentions(&h("{'descr': '<f8', 'shape': (2,)}", &f8(2)), &["without 'fortran_order'"]);
    assert_mentions(
        &h("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), 'extra': 1}", &f8(2)),
        &["unknown key 'extra'"],
    );
    assert_mentions(
        &h("{'descr': '<f8', 'fortran_order': 0, 'shape': (2,)}", &f8(2)),
        &["'fortran_order' is not True or False"],
    );
    assert_mentions(
        &h("{'descr': '<f8', 'fortran_order': False, 'shape': (-2,)}", &f8(2)),
        &["'shape' is not a tuple of non-negative integers"],
    );
    assert_mentions(&h("{'descr': '<f8', 'fortran_order': False, 'shape': 2}", &f8(2)), &["'shape' is not a tuple"]);
    assert_mentions(&h("{'descr': '<f8', 'fortran_order': False, 'shape': [2]}", &f8(2)), &["'shape' is not a tuple"]);
    assert_mentions(&h("{'descr': 8, 'fortran_order': False, 'shape': (2,)}", &f8(2)), &["'descr' is not a dtype"]);
    assert_mentions(
        &h("{'descr': '<i4', 'fortran_order': False, 'shape': (2,)}", &f8(1)),
        &["the .npy file holds int32 ('<i4') elements, which descent does not read"],
    );
    assert_mentions(&h("{'descr': '<U5', 'fortran_order': False, 'shape': (2,)}", &f8(1)), &["unicode string ('<U5')"]);
    assert_mentions(&h("{'descr': '|b1', 'fortran_order': False, 'shape': (2,)}", &f8(1)), &["bool ('|b1')"]);
    assert_mentions(&h("{'descr': '<c16', 'fortran_order': False, 'shape': (2,)}", &f8(1)), &["complex128"]);
    assert_mentions(
        &h("{'descr': '|O', 'fortran_order': False, 'shape': (2,)}", &f8(2)),
        &["object array ('|O')", "pickle, which descent never runs"],
    );
    assert_mentions(
        &h("{'descr': [('x', '<f8')], 'fortran_order': False, 'shape': (2,)}", &f8(2)),
        &["structured dtype"],
    );
    assert_mentions(
        &h("{'descr': '<f8', 'fortran_order': False, 'shape': (3,)}", &f8(2)),
        &["wrong amount of data: shape (3,) of '<f8' needs 24 bytes after the header, but 16 follow it"],
    );
    assert_mentions(&h("{'descr': '<f8', 'fortran_order': False, 'shape': (2,)}", &f8(3)), &["but 24 follow it"]);
    assert_mentions(
        &h("{'descr': '<f8', 'fortran_order': False, 'shape': (1099511627776, 1099511627776)}", &[]),
        &["too large", "(1099511627776, 1099511627776)", "1 GiB"],
    );
    assert_mentions(
        &h("{'descr': '<f8', 'fortran_order': False, 'shape': (99999999999999999999,)}", &[]),
        &["'shape' is not a tuple of non-negative integers"],
    );
    let deep = format!("{{'descr': '<f8', 'fortran_order': False, 'shape': {}{}}}", "(".repeat(100), ")".repeat(100));
    assert_mentions(&h(&deep, &[]), &["nested too deeply"]);
    // A zero dimension with a huge one: no elements, no data, fine.
    let a = npz::read_npy(&npy(1, "{'descr': '<f4', 'fortran_order': True, 'shape': (0, 18446744073709551615)}", &[]));
    assert!(a.is_ok_and(|a| a.data.is_empty()) || cfg!(target_pointer_width = "32"));
}

// ---------------------------------------------------------------------------
// Fuzz: never a panic
// ---------------------------------------------------------------------------

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

/// Mutates `bytes` as a damaged download or a hostile writer would.
fn mutate(g: &mut Gen, mut bytes: Vec<u8>) -> Vec<u8> {
    for _ in 0..1 + g.below(4) {
        let len = bytes.len();
        match g.below(9) {
            0 => bytes.truncate(g.below(len + 1)),
            1 if len > 0 => {
                let at = g.below(len);
                bytes[at] ^= 1 << g.below(8);
            }
            2 if len > 0 => {
                let at = g.below(len);
                bytes[at] = [0, 0xff, 0x7f, 0x80, b'(', b'{', b',', b'\'', b'P'][g.below(9)];
            }
            3 if len >= 4 => {
                // A 32-bit field set to a telling value.
                let at = g.below(len - 3);
                let v: u32 = [0, u32::MAX, 0x7fff_ffff, 0x4000_0000, len as u32, g.next() as u32][g.below(6)];
                bytes[at..at + 4].copy_from_slice(&v.to_le_bytes());
            }
            4 if len > 0 => {
                let at = g.below(len);
                let n = g.below(len - at + 1).min(64);
                bytes.drain(at..at + n);
            }
            5 => {
                let at = g.below(len + 1);
                let junk: Vec<u8> = (0..g.below(64)).map(|_| g.next() as u8).collect();
                bytes.splice(at..at, junk);
            }
            6 if len > 0 => {
                // Header text: any printable byte in the first 128.
                let at = g.below(len.min(128));
                bytes[at] = 32 + g.below(95) as u8;
            }
            7 if len > 0 => {
                let at = g.below(len);
                let n = g.below(len - at + 1).min(16);
                let from = g.below(len - n + 1);
                let chunk = bytes[from..from + n].to_vec();
                bytes[at..at + n].copy_from_slice(&chunk);
            }
            _ => {}
        }
    }
    bytes
}

#[test]
fn fuzz_never_panics() {
    let (cases, seed) = (env("DESCENT_FUZZ_CASES", 4000), env("DESCENT_FUZZ_SEED", 11));
    let mut g = Gen(seed);
    let small = vec![
        array("W", &[3, 4], Data::F64((0..12).map(f64::from).collect())),
        array("s", &[], Data::I64(vec![3])),
        Member::Bytes { name: "config.json".into(), bytes: b"{}".to_vec() },
        array("b", &[2, 0], Data::F32(vec![])),
    ];
    let seeds: Vec<Vec<u8>> = vec![
        npz::write(&small),
        compressed(),
        npz::write_npy(&Array { shape: vec![2, 3], data: Data::F32(vec![1.0; 6]) }),
        npy(1, "{'descr': '>f8', 'fortran_order': True, 'shape': (2, 2), }", &[0; 32]),
        npy(3, "{'descr': [('x', '<f8')], 'fortran_order': False, 'shape': (1,), }", &[0; 8]),
    ];
    let (mut ok, mut errors) = (0usize, 0usize);
    for case in 0..cases {
        let input = match g.below(10) {
            0 => (0..g.below(300)).map(|_| g.next() as u8).collect(),
            // A damaged .npy in a sound zip: past the CRCs, into the header parser.
            1..=3 => {
                let seed = seeds[2 + g.below(seeds.len() - 2)].clone();
                let bytes = mutate(&mut g, seed);
                npz::write(&[Member::Bytes { name: "x.npy".into(), bytes }])
            }
            _ => {
                let seed = seeds[g.below(seeds.len())].clone();
                mutate(&mut g, seed)
            }
        };
        let result =
            catch_unwind(AssertUnwindSafe(|| (npz::read(&input).map(|m| m.len()), npz::read_npy(&input).is_ok())));
        match result {
            Ok((Ok(_), _)) => ok += 1,
            Ok((Err(e), _)) => {
                assert!(!e.to_string().is_empty());
                errors += 1;
            }
            Err(_) => panic!("case {case} (seed {seed}) panicked on {} bytes: {:02x?}", input.len(), input),
        }
    }
    eprintln!("fuzz: {cases} cases, {ok} read, {errors} refused, none panicked");
    assert!(ok > 0 && errors > cases as usize / 2, "{ok} read, {errors} refused");
}
