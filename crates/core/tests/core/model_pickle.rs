//! .pkl files (model::pickle): round trips, numpy both ways, refused pickles.
//!
//! The numpy tests run `python3` with numpy (2.4.6, from `scripts/setup.sh
//! --data`): it loads what descent writes under `-W error` and writes, with
//! protocols 2 to 5, what descent reads; every comparison is of bits.

use crate::Gen;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::Command;

use descent_core::model::pickle::{self, PickleError};
use descent_core::model::{Array, Data, Named};

// --- helpers -------------------------------------------------------------------

fn named(name: &str, shape: &[usize], data: Data) -> Named {
    assert_eq!(shape.iter().product::<usize>(), data.len(), "{name}");
    Named { name: name.to_string(), array: Array { shape: shape.to_vec(), data } }
}

/// Little-endian bytes of the elements, as numpy's `tofile` of a `<` array writes them.
fn le_bytes(data: &Data) -> Vec<u8> {
    match data {
        Data::F32(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        Data::F64(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
        Data::I64(v) => v.iter().flat_map(|x| x.to_le_bytes()).collect(),
    }
}

/// Bit patterns, so NaNs and -0.0 compare exactly.
fn bits(data: &Data) -> (&'static str, Vec<u64>) {
    match data {
        Data::F32(v) => ("float32", v.iter().map(|x| u64::from(x.to_bits())).collect()),
        Data::F64(v) => ("float64", v.iter().map(|x| x.to_bits()).collect()),
        Data::I64(v) => ("int64", v.iter().map(|&x| x as u64).collect()),
    }
}

#[track_caller]
fn assert_same(got: &[Named], want: &[Named]) {
    let names = |a: &[Named]| a.iter().map(|n| n.name.clone()).collect::<Vec<_>>();
    assert_eq!(names(got), names(want));
    for (g, w) in got.iter().zip(want) {
        assert_eq!(g.array.shape, w.array.shape, "{}", g.name);
        assert!(bits(&g.array.data) == bits(&w.array.data), "{}: the bits differ", g.name);
    }
}

/// Numbers that show any lost bit: signs, NaN payloads, subnormals, infinities.
fn awkward_f64(n: usize, seed: u64) -> Vec<f64> {
    let special = [0.0, -0.0, f64::NAN, -f64::NAN, f64::from_bits(0x7ff4_0000_0000_0001), f64::INFINITY];
    let mut s = seed;
    (0..n)
        .map(|i| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            if i < special.len() { special[i] } else { f64::from_bits(s) }
        })
        .collect()
}

fn awkward_f32(n: usize, seed: u64) -> Vec<f32> {
    let special = [0.0, -0.0, f32::NAN, f32::from_bits(0x7fa0_0001), f32::MIN_POSITIVE / 4.0, f32::NEG_INFINITY];
    let mut s = seed;
    (0..n)
        .map(|i| {
            s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            if i < special.len() { special[i] } else { f32::from_bits((s >> 32) as u32) }
        })
        .collect()
}

/// The book's net and more: every dtype, 0-d, empty, 4-d, a dimension past u32.
fn book_arrays() -> Vec<Named> {
    vec![
        named("W1", &[784, 50], Data::F64(awkward_f64(784 * 50, 1))),
        named("b1", &[50], Data::F64(awkward_f64(50, 2))),
        named("W2", &[50, 10], Data::F32(awkward_f32(500, 3))),
        named("b2", &[10], Data::F32(awkward_f32(10, 4))),
        named("iterations", &[], Data::I64(vec![-7])),
        named("scalar", &[], Data::F64(vec![0.1])),
        named("none", &[0], Data::F32(vec![])),
        named("counts", &[2, 3, 4, 5], Data::I64((0..120).map(|i| i * 1_000_003 - 60_000_000_000).collect())),
        named("long", &[70_000], Data::F32(awkward_f32(70_000, 5))),
        named("wide", &[0, 3_000_000_000], Data::I64(vec![])),
        named("ünïcode name", &[2], Data::I64(vec![i64::MIN, i64::MAX])),
    ]
}

fn scratch(test: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("descent-pickle-{}-{test}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Runs `python3 -W error -c script args…` in `dir`; its standard output.
fn python(dir: &Path, script: &str, args: &[&str]) -> String {
    let ok = Command::new("python3").args(["-c", "import numpy"]).output().is_ok_and(|o| o.status.success());
    assert!(ok, "numpy is missing: run scripts/setup.sh --data");
    let out = Command::new("python3")
        .args(["-W", "error", "-c", script])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "python3 failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[track_caller]
fn refused(bytes: &[u8]) -> (PickleError, String) {
    match pickle::read(bytes) {
        Ok(arrays) => panic!("read accepted {bytes:?}: {arrays:?}"),
        Err(e) => {
            let message = e.to_string();
            (e, message)
        }
    }
}

const SAFETY: &str = "refuses to run it: a pickle can run any code, and descent only reads numpy arrays in a dict";

// --- round trips -----------------------------------------------------------------

#[test]
fn round_trip_keeps_names_order_shapes_and_bits() {
    let arrays = book_arrays();
    let bytes = pickle::write(&arrays);
    assert_eq!(&bytes[..3], &[0x80, 3, b'}'], "protocol 3, a dict");
    assert_eq!(bytes.last(), Some(&b'.'));
    assert_same(&pickle::read(&bytes).unwrap(), &arrays);

    // No arrays: an empty dict.
    let empty = pickle::write(&[]);
    assert_eq!(empty, b"\x80\x03}.");
    assert_eq!(pickle::read(&empty).unwrap(), vec![]);
}

// --- numpy reads what descent writes --------------------------------------------

const LOAD: &str = r#"
import pickle, sys, numpy as np
with open(sys.argv[1], 'rb') as f:
    d = pickle.load(f)
assert type(d) is dict, type(d)
for i, (k, a) in enumerate(d.items()):
    assert type(a) is np.ndarray, type(a)
    assert a.flags.c_contiguous and a.flags.writeable
    a.tofile('%d.bin' % i)
    print(k, a.dtype.str, a.shape, sep='\t')
"#;

#[test]
fn numpy_loads_what_descent_writes() {
    let dir = scratch("numpy-loads");
    let arrays = book_arrays();
    std::fs::write(dir.join("weights.pkl"), pickle::write(&arrays)).unwrap();
    let printed = python(&dir, LOAD, &["weights.pkl"]);
    let lines: Vec<&str> = printed.lines().collect();
    assert_eq!(lines.len(), arrays.len(), "{printed}");
    for (i, (line, want)) in lines.iter().zip(&arrays).enumerate() {
        let code = match want.array.data {
            Data::F32(_) => "<f4",
            Data::F64(_) => "<f8",
            Data::I64(_) => "<i8",
        };
        let shape = match want.array.shape.as_slice() {
            [d] => format!("({d},)"),
            s => format!("({})", s.iter().map(|d| d.to_string()).collect::<Vec<_>>().join(", ")),
        };
        assert_eq!(*line, format!("{}\t{code}\t{shape}", want.name));
        let got = std::fs::read(dir.join(format!("{i}.bin"))).unwrap();
        assert!(got == le_bytes(&want.array.data), "{}: numpy's bytes differ from descent's", want.name);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

// --- descent reads what numpy writes --------------------------------------------

const DUMP: &str = r#"
import pickle, numpy as np
rng = np.random.default_rng(4)
d = {
    'W1': rng.standard_normal((784, 50)).astype(np.float32),
    'b1': rng.standard_normal(50),
    'W2': rng.standard_normal((50, 10)),
    'b2': np.zeros(10),
    'steps': np.arange(-6, 6, dtype=np.int64).reshape(3, 4),
    'fortran': np.asfortranarray(rng.standard_normal((5, 7))),
    'fortran3': np.asfortranarray(rng.standard_normal((2, 3, 4)).astype(np.float32)),
    'big': rng.standard_normal((4, 3)).astype('>f8'),
    'big_i': np.arange(-5, 5, dtype='>i8'),
    'big_f32_fortran': np.asfortranarray(rng.standard_normal((3, 4)).astype('>f4')),
    'scalar': np.array(0.1),
    'scalar_i': np.array(-3, dtype=np.int64),
    'empty': np.zeros((0,), np.float32),
    'empty2': np.zeros((3, 0)),
    'strided': rng.standard_normal((6, 6))[::2, 1::2],
    'nan': np.array([np.nan, -0.0, np.inf, 5e-324]),
}
d['W1_again'] = d['W1']
with open('manifest.txt', 'w') as m:
    for k, a in d.items():
        np.ascontiguousarray(a).astype(a.dtype.newbyteorder('<')).tofile(k + '.bin')
        m.write('%s\t%s\t%s\n' % (k, a.dtype.name, ','.join(map(str, a.shape))))
for p in (2, 3, 4, 5):
    with open('p%d.pkl' % p, 'wb') as f:
        pickle.dump(d, f, protocol=p)
print(np.__version__)
"#;

#[test]
fn descent_reads_what_numpy_writes_with_protocols_2_to_5() {
    let dir = scratch("numpy-writes");
    let version = python(&dir, DUMP, &[]);
    eprintln!("numpy {}", version.trim());
    let manifest = std::fs::read_to_string(dir.join("manifest.txt")).unwrap();
    let want: Vec<(String, String, Vec<usize>)> = manifest
        .lines()
        .map(|l| {
            let f: Vec<&str> = l.split('\t').collect();
            let shape = f[2].split(',').filter(|s| !s.is_empty()).map(|s| s.parse().unwrap()).collect();
            (f[0].to_string(), f[1].to_string(), shape)
        })
        .collect();
    assert_eq!(want.len(), 17);
    for p in 2..=5 {
        let bytes = std::fs::read(dir.join(format!("p{p}.pkl"))).unwrap();
        let got = pickle::read(&bytes).unwrap_or_else(|e| panic!("protocol {p}: {e}"));
        assert_eq!(got.len(), want.len(), "protocol {p}");
        for (g, (name, dtype, shape)) in got.iter().zip(&want) {
            assert_eq!(&g.name, name, "protocol {p}");
            assert_eq!(g.array.data.dtype(), dtype, "protocol {p}: {name}");
            assert_eq!(&g.array.shape, shape, "protocol {p}: {name}");
            let raw = std::fs::read(dir.join(format!("{name}.bin"))).unwrap();
            assert!(le_bytes(&g.array.data) == raw, "protocol {p}: {name}: the bits differ");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// Python 2 with numpy 1.x pickled str as BINSTRING: keys, dtype codes, the data.
#[test]
fn reads_python_2_strings() {
    let mut b = b"\x80\x02}q\x00U\x02W1q\x01cnumpy.core.multiarray\n_reconstruct\nq\x02cnumpy\nndarray\nq\x03".to_vec();
    b.extend_from_slice(b"K\x00\x85U\x01b\x87Rq\x04(K\x01K\x02\x85cnumpy\ndtype\nU\x02f8K\x00K\x01\x87R");
    b.extend_from_slice(b"(K\x03U\x01<NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb\x89T\x10\x00\x00\x00");
    b.extend_from_slice(&1.5f64.to_le_bytes());
    b.extend_from_slice(&(-2.25f64).to_le_bytes());
    b.extend_from_slice(b"tbs.");
    let got = pickle::read(&b).unwrap();
    assert_same(&got, &[named("W1", &[2], Data::F64(vec![1.5, -2.25]))]);

    // And Python 3 reads it as numpy's docs say, with encoding='latin1'.
    let dir = scratch("python2");
    std::fs::write(dir.join("py2.pkl"), &b).unwrap();
    let script = "import pickle, sys\nwith open(sys.argv[1], 'rb') as f:\n    d = pickle.load(f, encoding='latin1')\nprint(d['W1'].tolist())";
    assert_eq!(python(&dir, script, &["py2.pkl"]).trim(), "[1.5, -2.25]");
    let _ = std::fs::remove_dir_all(&dir);
}

// --- refusals --------------------------------------------------------------------

#[test]
fn refuses_os_system_by_hand_and_as_python_pickles_it() {
    // cos\nsystem\n (X 'echo hi',) R .
    let hand = b"\x80\x02cos\nsystem\nX\x07\x00\x00\x00echo hi\x85R.";
    let (e, message) = refused(hand);
    assert_eq!(e, PickleError::Global { module: "os".into(), name: "system".into(), offset: 2 });
    assert!(message.contains("global os.system at byte 2") && message.contains(SAFETY), "{message}");

    // What `pickle.dumps(Evil())` makes of a class whose __reduce__ returns
    // (os.system, ('echo hi',)), with protocols 2 and 4 (never loaded here).
    let p2 = b"\x80\x02cposix\nsystem\nq\x00X\x07\x00\x00\x00echo hiq\x01\x85q\x02Rq\x03.";
    let (_, message) = refused(p2);
    assert!(message.contains("global posix.system at byte 2") && message.contains(SAFETY), "{message}");
    let p4 = b"\x80\x04\x95\"\x00\x00\x00\x00\x00\x00\x00\x8c\x05posix\x94\x8c\x06system\x94\x93\x94\x8c\x07echo hi\x94\x85\x94R\x94.";
    let (_, message) = refused(p4);
    assert!(message.contains("global posix.system at byte 28") && message.contains(SAFETY), "{message}");

    // Inside an otherwise good file: the dict's second value.
    let mut good = pickle::write(&[named("a", &[1], Data::F64(vec![1.0]))]);
    let setitems = good.len() - 2;
    good.truncate(setitems);
    good.extend_from_slice(b"X\x01\x00\x00\x00bcos\nsystem\nX\x07\x00\x00\x00echo hi\x85Ru.");
    let (_, message) = refused(&good);
    assert!(message.contains("global os.system at byte") && message.contains(SAFETY), "{message}");
}

#[test]
fn refuses_builtins_eval_and_code_running_opcodes() {
    let eval = b"\x80\x04\x8c\x08builtins\x8c\x04eval\x93\x8c\x031+1\x85R.";
    let (e, message) = refused(eval);
    assert_eq!(e, PickleError::Global { module: "builtins".into(), name: "eval".into(), offset: 18 });
    assert!(message.contains("global builtins.eval at byte 18") && message.contains(SAFETY), "{message}");

    for (bytes, name, offset) in [
        (&b"\x80\x02(X\x01\x00\x00\x00aios\nsystem\n."[..], "INST", 9),
        (b"\x80\x02(cnumpy\ndtype\no.", "OBJ", 16),
        (b"\x80\x02cnumpy\ndtype\n)\x81.", "NEWOBJ", 16),
        (b"\x80\x02Pfoo\n.", "PERSID", 2),
        (b"\x80\x02\x82\x01.", "EXT1", 2),
        (b"\x80\x02N0.", "POP", 3),
        (b"\xff", "unknown", 0),
    ] {
        let (e, message) = refused(bytes);
        assert!(matches!(e, PickleError::Opcode { name: n, offset: o, .. } if n == name && o == offset), "{e:?}");
        assert!(message.contains(&format!("opcode {name} (0x")) && message.contains(SAFETY), "{message}");
    }

    // REDUCE calling an allowed class itself, or a non-callable.
    let (_, message) = refused(b"\x80\x02cnumpy\nndarray\nK\x02\x85R.");
    assert!(message.contains("numpy.ndarray itself"), "{message}");
    let (_, message) = refused(b"\x80\x02K\x01)R.");
    assert!(message.contains("it calls an int"), "{message}");
}

#[test]
fn refuses_what_is_not_a_dict_of_float_or_int64_arrays() {
    let dir = scratch("refusals");
    let script = r#"
import pickle, numpy as np
cases = {
    'list': [np.zeros(2)],
    'array': np.zeros((2, 3)),
    'int32': {'a': np.zeros(3, np.int32)},
    'object': {'a': np.array([1, 'x'], dtype=object)},
    'float16': {'a': np.zeros(3, np.float16)},
    'structured': {'a': np.zeros(2, dtype=[('x', '<f8'), ('y', '<f8')])},
    'lr': {'W1': np.zeros(2), 'lr': 0.1},
    'intkey': {1: np.zeros(2)},
}
for k, v in cases.items():
    for p in (2, 5):
        with open('%s-%d.pkl' % (k, p), 'wb') as f:
            pickle.dump(v, f, protocol=p)
"#;
    python(&dir, script, &[]);
    let expect = [
        ("list", "the pickle holds a list of 1, not a dict"),
        ("array", "the pickle holds a float64 array of shape (2, 3), not a dict"),
        ("int32", "an array of dtype int32 ('i4')"),
        ("object", "an array of dtype object ('O8')"),
        ("float16", "an array of dtype float16 ('f2')"),
        ("structured", "an array of dtype void (structured) ('V16')"),
        ("lr", "'lr' is a float, not a numpy array"),
        ("intkey", "a key of the dict is an int, not a str"),
    ];
    for (case, want) in expect {
        for p in [2, 5] {
            let bytes = std::fs::read(dir.join(format!("{case}-{p}.pkl"))).unwrap();
            let (_, message) = refused(&bytes);
            assert!(message.contains(want), "{case}, protocol {p}: {message}");
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn refuses_other_files_by_name() {
    let (e, message) = refused(b"PK\x03\x04\x14\x00\x00\x00");
    assert_eq!(e, PickleError::NotAPickle { looks_like: "a zip file (.npz)" });
    assert!(message.starts_with("the file is a zip file (.npz), not a pickle"), "{message}");
    let (_, message) = refused(b"\x93NUMPY\x01\x00v\x00{'descr': '<f8'");
    assert!(message.starts_with("the file is a .npy file, not a pickle"), "{message}");
    let (_, message) = refused(b"");
    assert!(message.starts_with("the file is empty"), "{message}");
    let (_, message) = refused(b"{\"W1\": [1, 2]}");
    assert!(message.starts_with("opcode unknown (0x7b) at byte 0"), "{message}");
}

#[test]
fn refuses_truncated_files_at_every_length() {
    let bytes = pickle::write(&[
        named("W1", &[3, 2], Data::F64(awkward_f64(6, 9))),
        named("b1", &[2], Data::F32(vec![1.0, 2.0])),
    ]);
    for len in 0..bytes.len() {
        let (e, message) = refused(&bytes[..len]);
        match e {
            PickleError::Empty => assert_eq!(len, 0),
            PickleError::Truncated { len: l, .. } | PickleError::NoStop { len: l } => assert_eq!(l, len),
            other => panic!("length {len}: {other:?}"),
        }
        assert!(message.contains("truncated") || message.contains("empty"), "{message}");
    }
    let (_, message) = refused(&bytes[..100]);
    assert!(message.starts_with("the pickle ends at byte 100"), "{message}");
}

#[test]
fn refuses_huge_lengths_before_allocating() {
    // Lengths far past the bytes given.
    for bytes in [
        &b"\x80\x04\x8d\xff\xff\xff\xff\xff\xff\xff\xffab."[..],
        b"\x80\x04\x8e\x00\x00\x00\x00\x00\x01\x00\x00ab.",
        b"\x80\x04\x96\x00\x00\x00\x00\x00\x00\x00\x80ab.",
        b"\x80\x03B\xff\xff\xff\xffab.",
        b"\x80\x02T\xff\xff\xff\x7fab.",
    ] {
        let (e, _) = refused(bytes);
        assert!(matches!(e, PickleError::Truncated { .. }), "{e:?}");
    }
    let (_, message) = refused(b"\x80\x02T\xff\xff\xff\xffab.");
    assert!(message.contains("negative"), "{message}");

    // An array whose shape asks for 2^40 float64 with 8 bytes of data; one whose product overflows.
    let shapes: [&[u8]; 2] = [
        b"\x8a\x06\x00\x00\x00\x00\x00\x01K\x01",
        b"\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x40\x8a\x08\x00\x00\x00\x00\x00\x00\x00\x40",
    ];
    for shape in shapes {
        let mut b = b"\x80\x03}X\x01\x00\x00\x00acnumpy.core.multiarray\n_reconstruct\ncnumpy\nndarray\nK\x00\x85C\x01b\x87R(K\x01".to_vec();
        b.extend_from_slice(shape);
        b.extend_from_slice(b"\x86cnumpy\ndtype\nX\x02\x00\x00\x00f8\x89\x88\x87R(K\x03X\x01\x00\x00\x00<NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb\x89C\x08\x00\x00\x00\x00\x00\x00\x00\x00tbs.");
        let (e, message) = refused(&b);
        assert!(matches!(e, PickleError::TooLarge { .. }), "{e:?}");
        assert!(message.contains("past its limits"), "{message}");
    }

    // A stack that grows past MAX_ITEMS.
    let mut b = b"\x80\x02".to_vec();
    b.extend(std::iter::repeat_n(b'N', pickle::MAX_ITEMS + 1));
    let (e, _) = refused(&b);
    assert!(matches!(e, PickleError::TooLarge { what: "the stack", .. }), "{e:?}");
}

// --- fuzz ------------------------------------------------------------------------

/// Python's pickles of a small dict, protocols 2 to 5 (with Fortran order,
/// big-endian, a shared array, 0-d): seeds with every accepted opcode.
fn python_seeds() -> Vec<Vec<u8>> {
    let dir = scratch("fuzz-seeds");
    let script = r#"
import pickle, numpy as np
a = np.asfortranarray(np.arange(6.0).reshape(2, 3))
d = {'a': a, 'b': np.arange(3, dtype='>i8'), 'c': np.full((), 2.5, np.float32), 'a2': a,
     'e': np.zeros((0, 2), np.float32)}
for p in (2, 3, 4, 5):
    with open('%d.pkl' % p, 'wb') as f:
        f.write(pickle.dumps(d, protocol=p))
"#;
    python(&dir, script, &[]);
    let seeds = (2..=5).map(|p| std::fs::read(dir.join(format!("{p}.pkl"))).unwrap()).collect();
    let _ = std::fs::remove_dir_all(&dir);
    seeds
}

#[test]
fn fuzz_never_panics() {
    let cases: usize = std::env::var("DESCENT_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(20_000);
    let mut g = Gen(std::env::var("DESCENT_FUZZ_SEED").ok().and_then(|v| v.parse().ok()).unwrap_or(11));
    let mut seeds = python_seeds();
    seeds.push(pickle::write(&book_arrays()[1..5]));
    seeds.push(pickle::write(&[
        named("x", &[2, 2, 1], Data::I64(vec![1, 2, 3, 4])),
        named("y", &[], Data::F32(vec![1.0])),
    ]));
    for s in &seeds {
        assert!(pickle::read(s).is_ok(), "a seed is refused: {:?}", pickle::read(s));
    }
    // Opcodes and fragments to splice in.
    let alphabet: &[&[u8]] = &[
        b"(",
        b".",
        b"}",
        b"]",
        b")",
        b"t",
        b"\x85",
        b"\x86",
        b"\x87",
        b"s",
        b"u",
        b"a",
        b"e",
        b"N",
        b"\x88",
        b"\x89",
        b"K\x02",
        b"J\xff\xff\xff\xff",
        b"M\x00\x01",
        b"\x8a\x01\xff",
        b"G\x00\x00\x00\x00\x00\x00\xf0\x3f",
        b"q\x00",
        b"h\x00",
        b"\x94",
        b"r\x01\x00\x00\x00",
        b"j\x01\x00\x00\x00",
        b"p0\n",
        b"g0\n",
        b"R",
        b"b",
        b"\x8c\x01<",
        b"\x8c\x02f8",
        b"\x8c\x02i8",
        b"\x8c\x01C",
        b"\x8c\x01F",
        b"C\x08\x00\x00\x00\x00\x00\x00\x00\x00",
        b"cnumpy\ndtype\n",
        b"cnumpy\nndarray\n",
        b"cnumpy.core.multiarray\n_reconstruct\n",
        b"c_codecs\nencode\n",
        b"cnumpy._core.numeric\n_frombuffer\n",
        b"\x8c\x06latin1",
        b"\x93",
        b"\x95\x00\x00\x00\x00\x00\x00\x00\x00",
    ];
    let mut ok = 0;
    for case in 0..cases {
        let seed = &seeds[g.below(seeds.len())];
        let mut b = seed.clone();
        match case % 7 {
            0 => b.truncate(g.below(b.len() + 1)),
            1 => {
                for _ in 0..1 + g.below(8) {
                    let i = g.below(b.len());
                    b[i] ^= 1 << g.below(8);
                }
            }
            2 => {
                for _ in 0..1 + g.below(4) {
                    let i = g.below(b.len());
                    b[i] = g.next() as u8;
                }
            }
            3 => {
                let i = g.below(b.len() + 1);
                let frag = alphabet[g.below(alphabet.len())];
                b.splice(i..i, frag.iter().copied());
                if g.below(2) == 0 {
                    let j = g.below(b.len());
                    let k = (j + g.below(16)).min(b.len());
                    b.drain(j..k);
                }
            }
            4 => {
                let n = g.below(200);
                b = (0..n).map(|_| g.next() as u8).collect();
            }
            5 => {
                b = vec![0x80, 2 + g.below(4) as u8];
                for _ in 0..g.below(60) {
                    b.extend_from_slice(alphabet[g.below(alphabet.len())]);
                }
                b.push(b'.');
            }
            _ => {
                // A slice of one seed spliced into another.
                let other = &seeds[g.below(seeds.len())];
                let (i, j) = (g.below(b.len()), g.below(other.len()));
                let n = g.below(other.len() - j + 1);
                b.splice(i..i, other[j..j + n].iter().copied());
            }
        }
        let result = catch_unwind(AssertUnwindSafe(|| pickle::read(&b)));
        let Ok(result) = result else { panic!("case {case} panicked on {b:?}") };
        match result {
            Ok(arrays) => {
                ok += 1;
                for a in arrays {
                    assert_eq!(a.array.shape.iter().product::<usize>(), a.array.data.len(), "case {case}");
                }
            }
            Err(e) => assert!(!e.to_string().is_empty()),
        }
    }
    eprintln!("{cases} cases, {ok} read");
}
