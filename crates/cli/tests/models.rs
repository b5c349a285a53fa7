//! Model files with the book's Python: `descent train --save` writes a net
//! that numpy opens (.npz) and `pickle.load` reads (.pkl), with the accuracy
//! descent prints, to the last digit; numpy's files go the other way into
//! `descent evaluate`. Needs MNIST in data/mnist and numpy for python3 (both
//! placed by `scripts/setup.sh --data`).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn mnist() -> PathBuf {
    let dir = root().join("data/mnist");
    assert!(dir.join("train-images-idx3-ubyte").is_file(), "MNIST is missing: run `scripts/setup.sh --data` first");
    dir
}

fn descent(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_descent"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the descent binary runs")
}

fn ok(out: Output) -> String {
    assert!(out.status.success(), "exit {:?}\nstderr: {}", out.status.code(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn fails(out: Output, code: i32) -> String {
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(code), "stderr: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    stderr
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("descent-models-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The book's accuracy computation in numpy, printed as descent prints it
/// (`train acc, test acc | a, b`, Python's repr of each float): the book's
/// `predict` (sigmoid, softmax) and `accuracy` (argmax against the labels),
/// on the book's pixels (float32(p) / 255, widened by numpy against float64
/// weights), in blocks of 10000 images.
const NUMPY_ACCURACY: &str = r#"
import sys, pickle
import numpy as np
path, data = sys.argv[1], sys.argv[2]
if path.endswith('.npz'):
    f = np.load(path, allow_pickle=False)
    p = {k: f[k] for k in ('W1', 'b1', 'W2', 'b2')}
else:
    with open(path, 'rb') as fh:
        p = pickle.load(fh)
def images(name):
    raw = np.fromfile(f'{data}/{name}', dtype=np.uint8)
    return raw[16:].reshape(-1, 784)
def labels(name):
    return np.fromfile(f'{data}/{name}', dtype=np.uint8)[8:]
def sigmoid(x):
    return 1 / (1 + np.exp(-x))
def softmax(x):
    x = x - np.max(x, axis=-1, keepdims=True)
    return np.exp(x) / np.sum(np.exp(x), axis=-1, keepdims=True)
def accuracy(x, t):
    hits = 0
    for i in range(0, len(x), 10000):
        xb = x[i:i + 10000].astype(np.float32) / 255.0  # the book's load_mnist(normalize=True)
        y = softmax(sigmoid(xb @ p['W1'] + p['b1']) @ p['W2'] + p['b2'])
        hits += int(np.sum(np.argmax(y, axis=1) == t[i:i + 10000]))
    return hits / len(x)
print(f"train acc, test acc | {accuracy(images('train-images-idx3-ubyte'), labels('train-labels-idx1-ubyte'))!r}, "
      f"{accuracy(images('t10k-images-idx3-ubyte'), labels('t10k-labels-idx1-ubyte'))!r}")
print(p['W1'].dtype, p['W1'].shape, p['b1'].shape, p['W2'].shape, p['b2'].shape)
"#;

fn python(script: &str, args: &[&str]) -> String {
    let out =
        Command::new("python3").arg("-W").arg("error").arg("-c").arg(script).args(args).output().expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("No module named 'numpy'"), "numpy is missing: run scripts/setup.sh --data");
    assert!(out.status.success(), "python3 failed:\n{stderr}");
    String::from_utf8(out.stdout).unwrap()
}

/// The `train acc, test acc | …` line of descent's output.
fn book_line(text: &str) -> String {
    // The last one: a run's final evaluation.
    text.lines().rev().find(|l| l.contains("train acc, test acc |")).unwrap().trim_start_matches("final ").to_string()
}

#[test]
fn a_trained_net_opens_in_numpy_with_the_accuracy_descent_prints_in_both_formats() {
    let dir = scratch("out");
    let data = mnist();
    let data = data.to_str().unwrap();
    for (precision, dtype) in [("f64", "float64"), ("f32", "float32")] {
        let npz = dir.join(format!("net-{precision}.npz"));
        let pkl = dir.join(format!("net-{precision}.pkl"));
        let (npz_s, pkl_s) = (npz.to_str().unwrap(), pkl.to_str().unwrap());
        let trained =
            ok(descent(&["train", "--iters", "700", "--precision", precision, "--save", npz_s, "--data", data]));
        assert!(trained.contains(&format!("saved the net (784-50-10, {dtype}) to {npz_s}")), "{trained}");
        ok(descent(&["train", "--iters", "700", "--precision", precision, "--save", pkl_s, "--data", data]));
        // The same seed, the same net: both files hold the same weights.
        for file in [npz_s, pkl_s] {
            let ours = book_line(&ok(descent(&["evaluate", "--load", file, "--precision", "f64", "--data", data])));
            let numpy = python(NUMPY_ACCURACY, &[file, data]);
            eprintln!("{precision} {file}: descent {ours}\n  numpy   {numpy}");
            assert_eq!(book_line(&numpy), ours, "numpy's accuracy of {file} is descent's");
            assert!(numpy.contains(&format!("{dtype} (784, 50) (50,) (50, 10) (10,)")), "{numpy}");
        }
        if precision == "f64" {
            // evaluate in the file's own precision is the run's final line
            assert_eq!(book_line(&ok(descent(&["evaluate", "--load", npz_s, "--data", data]))), book_line(&trained));
        }
    }
    // A saved net's gradients check out (descent gradcheck --load).
    let npz = dir.join("net-f64.npz");
    let check: serde_json::Value = serde_json::from_str(&ok(descent(&[
        "gradcheck",
        "--load",
        npz.to_str().unwrap(),
        "--images",
        "1",
        "--json",
        "--data",
        data,
    ])))
    .unwrap();
    assert_eq!(check["file"], npz.to_str().unwrap());
    for p in check["params"].as_array().unwrap() {
        assert!(p["max_rel_diff"].as_f64().unwrap() < 1e-5, "{p}");
    }
    // The .npz also holds the run.
    let run = python(
        "import numpy as np, sys, json; f = np.load(sys.argv[1], allow_pickle=False); \
         print(json.loads(bytes(f['config.json']))['iters'], f['loss'].shape, f['eval_iter'].tolist(), f['test_acc'].dtype)",
        &[dir.join("net-f64.npz").to_str().unwrap()],
    );
    assert_eq!(run.trim(), "700 (700,) [0, 600] float64");
}

#[test]
fn numpys_files_evaluate_in_descent_as_in_numpy() {
    let dir = scratch("numpy");
    let data = mnist();
    let data = data.to_str().unwrap();
    // A net numpy makes up: the book's init (std 0.01) moved towards each class's mean image, so it is
    // far from chance; saved by numpy.savez, savez_compressed and pickle (protocols 2 and 4), f64 and f32.
    let make = r#"
import sys, pickle, numpy as np
out, data = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(5)
x = np.fromfile(f'{data}/train-images-idx3-ubyte', dtype=np.uint8)[16:].reshape(-1, 784)[:5000] / 255
t = np.fromfile(f'{data}/train-labels-idx1-ubyte', dtype=np.uint8)[8:][:5000]
means = np.stack([x[t == k].mean(axis=0) for k in range(10)])
W1 = 0.01 * rng.standard_normal((784, 50)); W1[:, :10] += 0.05 * (means.T - means.mean(axis=0)[:, None])
b1 = np.zeros(50); W2 = 0.01 * rng.standard_normal((50, 10)); W2[:10, :10] += 8 * np.eye(10); b2 = np.zeros(10)
p = {'W1': W1, 'b1': b1, 'W2': W2, 'b2': b2}
np.savez(f'{out}/a.npz', **p)
np.savez_compressed(f'{out}/b.npz', **{k: v.astype(np.float32) for k, v in p.items()})
for proto in (2, 4):
    with open(f'{out}/c{proto}.pkl', 'wb') as fh:
        pickle.dump(p, fh, protocol=proto)
"#;
    python(make, &[dir.to_str().unwrap(), data]);
    for name in ["a.npz", "b.npz", "c2.pkl", "c4.pkl"] {
        let file = dir.join(name);
        let file = file.to_str().unwrap();
        let numpy = book_line(&python(NUMPY_ACCURACY, &[file, data]));
        let ours = book_line(&ok(descent(&["evaluate", "--load", file, "--precision", "f64", "--data", data])));
        eprintln!("{name}: numpy {numpy} / descent {ours}");
        assert_eq!(ours, numpy, "{name}");
        let acc: f64 = numpy.rsplit(", ").next().unwrap().parse().unwrap();
        assert!(acc > 0.3, "the made-up net is better than chance ({acc}), so the comparison means something");
    }
    // And training goes on from numpy's net.
    let text =
        ok(descent(&["train", "--iters", "300", "--load", dir.join("c4.pkl").to_str().unwrap(), "--data", data]));
    assert!(text.contains("TwoLayerNet 784-50-10 in f64"), "{text}");
}

#[test]
fn bad_model_files_and_flags_are_refused_with_what_is_wrong() {
    let dir = scratch("bad");
    let data = mnist();
    let data = data.to_str().unwrap();
    let write = |name: &str, bytes: &[u8]| {
        let p = dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p.to_str().unwrap().to_string()
    };
    let e = fails(descent(&["evaluate", "--load", &write("empty.npz", b""), "--data", data]), 1);
    assert!(e.contains("the file is empty"), "{e}");
    let e = fails(descent(&["evaluate", "--load", &write("text.pkl", b"hello"), "--data", data]), 1);
    assert!(e.contains("not a model file"), "{e}");
    // A net of the wrong shape for MNIST, and one with a missing array (made by numpy).
    let script = r#"
import sys, pickle, numpy as np
out = sys.argv[1]
np.savez(f'{out}/small.npz', W1=np.zeros((100, 5)), b1=np.zeros(5), W2=np.zeros((5, 10)), b2=np.zeros(10))
np.savez(f'{out}/nob2.npz', W1=np.zeros((784, 5)), b1=np.zeros(5), W2=np.zeros((5, 10)))
with open(f'{out}/ints.pkl', 'wb') as fh:
    pickle.dump({'W1': np.zeros((784, 5), dtype=np.int32)}, fh)
"#;
    python(script, &[dir.to_str().unwrap()]);
    let e = fails(descent(&["evaluate", "--load", dir.join("small.npz").to_str().unwrap(), "--data", data]), 1);
    assert!(
        e.contains("the loaded net reads 100-pixel images into 10 classes, but the data's images have 784 pixels"),
        "{e}"
    );
    let e = fails(descent(&["evaluate", "--load", dir.join("nob2.npz").to_str().unwrap(), "--data", data]), 1);
    assert!(e.contains("the file has no array b2 (it holds W1, b1, W2)"), "{e}");
    let e = fails(descent(&["evaluate", "--load", dir.join("ints.pkl").to_str().unwrap(), "--data", data]), 1);
    assert!(e.contains("int32"), "{e}");
    let e = fails(descent(&["evaluate", "--load", dir.join("missing.npz").to_str().unwrap()]), 1);
    assert!(e.contains("cannot read"), "{e}");
    let e = fails(descent(&["evaluate"]), 2);
    assert!(e.contains("--load PATH is needed"), "{e}");
    // --save is checked before training: a wrong extension, a missing folder.
    let e = fails(descent(&["train", "--save", dir.join("net.txt").to_str().unwrap(), "--data", data]), 2);
    assert!(e.contains("the format is chosen by the file's extension: .npz"), "{e}");
    let e = fails(descent(&["train", "--save", dir.join("no/such/net.npz").to_str().unwrap(), "--data", data]), 1);
    assert!(e.contains("does not exist"), "{e}");
    // --hidden against a loaded net's.
    let net = dir.join("h.npz");
    ok(descent(&["train", "--iters", "10", "--hidden", "7", "--save", net.to_str().unwrap(), "--data", data]));
    let e = fails(
        descent(&["train", "--iters", "10", "--hidden", "8", "--load", net.to_str().unwrap(), "--data", data]),
        2,
    );
    assert!(e.contains("the loaded net has 7 hidden units"), "{e}");
}
