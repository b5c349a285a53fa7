//! The products of one TwoLayerNet training step (784-50-10, batch 100), timed
//! kernel by kernel in f32 and f64: milliseconds per call and GFLOP/s, with the
//! naive triple loops (`kernels::naive`, the scalar reference) beside the fast ones.
//!
//!   cargo bench -p descent-core --bench kernels [-- --json PATH]
//!
//! No harness and no dependencies: `std::time::Instant`, the median of
//! [`SAMPLES`] samples of at least [`SAMPLE_MS`] each, after a warm-up. Figures
//! only: nothing here is a test (the fast results are compared with the naive
//! ones once, and a disagreement is printed, never asserted).
//!
//! x is 100 real MNIST training images (seeded draw) when `data/mnist` holds
//! them, else 100 synthetic rows with ~19% nonzero pixels (MNIST's density).
//!
//! Flops: 2·m·k·n per product. The sparse kernels (and the dense ones, which
//! also skip zeros of A) do less work; their GFLOP/s is the dense-equivalent
//! rate, and for the sparse kernels the rate on the nonzeros alone (2·nnz·n)
//! is shown in brackets.

use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use descent_core::idx::parse_images;
use descent_core::kernels::{self, naive};
use descent_core::panel::{self, Panel};
use descent_core::sparse::{spmm, spmm_tn_add};
use descent_core::train::pixel_scale;
use descent_core::{Float, Matrix, Rng, SparseRows};

// N = batch, I = input, H = hidden, O = output.
const N: usize = 100;
const I: usize = 784;
const H: usize = 50;
const O: usize = 10;

/// Samples per kernel; the median is reported.
const SAMPLES: usize = 7;
/// Each sample repeats the call until at least this long.
const SAMPLE_MS: f64 = 15.0;
/// Seed of the image draw and of the weights.
const SEED: u64 = 42;

/// The batch's pixels: real MNIST when found, else synthetic.
struct Pixels {
    /// N × I pixels, 0..=255.
    bytes: Vec<u8>,
    source: String,
}

fn mnist_dir() -> PathBuf {
    match std::env::var_os("DESCENT_DATA") {
        Some(d) => PathBuf::from(d),
        None => {
            let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/mnist");
            d.canonicalize().unwrap_or(d)
        }
    }
}

fn pixels(rng: &mut Rng) -> Pixels {
    let path = mnist_dir().join("train-images-idx3-ubyte");
    if let Ok(images) =
        std::fs::read(&path).map_err(|e| e.to_string()).and_then(|b| parse_images(&b).map_err(|e| e.to_string()))
        && images.pixel_count() == I
        && images.count > 0
    {
        let mut bytes = Vec::with_capacity(N * I);
        for _ in 0..N {
            bytes.extend_from_slice(images.image(rng.index(images.count)));
        }
        let source = format!("{N} MNIST training images drawn with seed {SEED} from {}", path.display());
        return Pixels { bytes, source };
    }
    // ~19% of pixels nonzero, in strokes: a nonzero pixel tends to follow another.
    let mut bytes = vec![0u8; N * I];
    for row in bytes.chunks_exact_mut(I) {
        let mut on = false;
        for p in row.iter_mut() {
            on = if on { rng.index(100) < 70 } else { rng.index(100) < 7 };
            if on {
                *p = 1 + rng.index(255) as u8;
            }
        }
    }
    Pixels { bytes, source: format!("{N} synthetic rows (seed {SEED}; {} not found)", path.display()) }
}

/// Milliseconds per call: median and best of the samples.
#[derive(Clone, Copy, Debug)]
struct Timing {
    median_ms: f64,
    best_ms: f64,
}

/// Times `f`: one warm-up call, a repeat count that fills [`SAMPLE_MS`], then [`SAMPLES`] samples.
fn time(mut f: impl FnMut()) -> Timing {
    f();
    let mut reps = 1usize;
    loop {
        let t = Instant::now();
        for _ in 0..reps {
            f();
        }
        let e = t.elapsed();
        if e >= Duration::from_secs_f64(SAMPLE_MS / 1e3) {
            break;
        }
        // aim a little past the target so the next round usually ends the loop
        let per = e.as_secs_f64().max(1e-9) / reps as f64;
        reps = ((SAMPLE_MS / 1e3 * 1.2 / per) as usize).clamp(reps + 1, reps * 100);
    }
    let mut per_call: Vec<f64> = (0..SAMPLES)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..reps {
                f();
            }
            t.elapsed().as_secs_f64() * 1e3 / reps as f64
        })
        .collect();
    per_call.sort_by(f64::total_cmp);
    Timing { median_ms: per_call[SAMPLES / 2], best_ms: per_call[0] }
}

/// One row of the report.
#[derive(Clone, Debug)]
struct Row {
    product: &'static str,
    shape: &'static str,
    kernel: &'static str,
    precision: &'static str,
    /// 2·m·k·n.
    flops: f64,
    /// Nonzeros of the sparse operand, for the sparse kernels.
    nnz: Option<usize>,
    /// Columns each nonzero is multiplied into (n of the product), for the sparse rate.
    n: usize,
    timing: Timing,
}

impl Row {
    fn gflops(&self) -> f64 {
        self.flops / (self.timing.median_ms * 1e-3) / 1e9
    }
    fn nz_gflops(&self) -> Option<f64> {
        self.nnz.map(|z| 2.0 * z as f64 * self.n as f64 / (self.timing.median_ms * 1e-3) / 1e9)
    }
}

fn flops_of(m: usize, k: usize, n: usize) -> f64 {
    2.0 * (m * k * n) as f64
}

/// Worst |fast − naive| / (1 + |naive|) over the elements.
fn worst_diff<T: Float>(fast: &[T], naive: &[T]) -> f64 {
    fast.iter().zip(naive).map(|(a, b)| (a.to_f64() - b.to_f64()).abs() / (1.0 + b.to_f64().abs())).fold(0.0, f64::max)
}

fn normal<T: Float>(rng: &mut Rng, len: usize, std: f64) -> Vec<T> {
    (0..len).map(|_| T::from_f64(std * rng.standard_normal())).collect()
}

/// The rows of one product: its name, shape, flops and n.
struct Product<'a> {
    rows: &'a mut Vec<Row>,
    product: &'static str,
    shape: &'static str,
    precision: &'static str,
    flops: f64,
    n: usize,
}

impl Product<'_> {
    fn add(&mut self, kernel: &'static str, nnz: Option<usize>, timing: Timing) {
        let (product, shape, precision, n) = (self.product, self.shape, self.precision, self.n);
        self.rows.push(Row { product, shape, kernel, precision, flops: self.flops, nnz, n, timing });
    }
}

/// Every product of a training step in T, appended to `rows`; returns the worst disagreement with naive.
fn measure<T: Float>(px: &Pixels, rows: &mut Vec<Row>) -> f64 {
    let mut rng = Rng::new(SEED);
    let scale = pixel_scale::<T>();
    let x_dense: Vec<T> = px.bytes.iter().map(|&p| scale[p as usize]).collect();
    let mut x = SparseRows::<T>::with_capacity(N, N * I);
    for img in px.bytes.chunks_exact(I) {
        x.push_pixels(img, &scale);
    }
    let nnz = Some(x.nnz());
    let w1: Vec<T> = normal(&mut rng, I * H, 0.01);
    let w2: Vec<T> = normal(&mut rng, H * O, 0.01);
    // z1 = σ(a1) in (0, 1); dy = (y − t) / N and dz1 are small and dense.
    let z1: Vec<T> = (0..N * H).map(|_| T::from_f64(1.0 / (1.0 + (-rng.standard_normal()).exp()))).collect();
    let dy: Vec<T> = normal(&mut rng, N * O, 0.01);
    let dz1: Vec<T> = normal(&mut rng, N * H, 0.001);
    let precision = T::NAME;
    let mut worst = 0.0f64;
    let mut check = |c: &[T], c_ref: &[T]| worst = worst.max(worst_diff(c, c_ref));

    // a1 = x·W1: (N, I)·(I, H)
    let (mut c, mut c_ref) = (vec![T::ZERO; N * H], vec![T::ZERO; N * H]);
    naive::gemm_nn(N, I, H, &x_dense, &w1, &mut c_ref, false);
    let (product, shape, flops, n) = ("a1 = x·W1", "(100,784)·(784,50)", flops_of(N, I, H), H);
    let mut p = Product { rows: &mut *rows, product, shape, precision, flops, n };
    p.add("sparse::spmm", nnz, time(|| spmm(black_box(&x), &w1, H, &mut c)));
    check(&c, &c_ref);
    // What the training loop runs: W1 as a Panel (rows padded to 64-byte lines),
    // with AVX-512 where the CPU has it, and the portable kernel beside it.
    let w1_panel = Panel::from_matrix(&Matrix::from_vec(I, H, w1.clone()));
    p.add("panel::spmm (training)", nnz, time(|| panel::spmm(black_box(&x), &w1_panel, &mut c)));
    check(&c, &c_ref);
    p.add("  portable (no AVX-512)", nnz, time(|| panel::spmm_portable(black_box(&x), &w1_panel, &mut c)));
    check(&c, &c_ref);
    p.add(
        "kernels::gemm_nn (dense)",
        None,
        time(|| kernels::gemm_nn(N, I, H, black_box(&x_dense), &w1, &mut c, false)),
    );
    check(&c, &c_ref);
    p.add("naive::gemm_nn", None, time(|| naive::gemm_nn(N, I, H, black_box(&x_dense), &w1, &mut c, false)));

    // a2 = z1·W2: (N, H)·(H, O)
    let (mut c, mut c_ref) = (vec![T::ZERO; N * O], vec![T::ZERO; N * O]);
    naive::gemm_nn(N, H, O, &z1, &w2, &mut c_ref, false);
    let (product, shape, flops, n) = ("a2 = z1·W2", "(100,50)·(50,10)", flops_of(N, H, O), O);
    let mut p = Product { rows: &mut *rows, product, shape, precision, flops, n };
    p.add("kernels::gemm_nn", None, time(|| kernels::gemm_nn(N, H, O, black_box(&z1), &w2, &mut c, false)));
    check(&c, &c_ref);
    p.add("naive::gemm_nn", None, time(|| naive::gemm_nn(N, H, O, black_box(&z1), &w2, &mut c, false)));

    // dW1 = xᵀ·dz1: (I, N)·(N, H)
    let (mut c, mut c_ref) = (vec![T::ZERO; I * H], vec![T::ZERO; I * H]);
    naive::gemm_tn(I, N, H, &x_dense, &dz1, &mut c_ref, false);
    let mut xt = SparseRows::<T>::default();
    let (product, shape, flops, n) = ("dW1 = xᵀ·dz1", "(784,100)·(100,50)", flops_of(I, N, H), H);
    let mut p = Product { rows: &mut *rows, product, shape, precision, flops, n };
    let sparse = || {
        black_box(&x).transpose_into(I, &mut xt);
        spmm(&xt, &dz1, H, &mut c);
    };
    p.add("transpose_into + spmm", nnz, time(sparse));
    check(&c, &c_ref);
    let transpose = time(|| black_box(&x).transpose_into(I, &mut xt));
    p.flops = 0.0;
    p.add("  of which transpose_into", None, transpose);
    p.flops = flops;
    // What the training loop runs instead: xᵀ·dz1 added straight into a (784, 50)
    // matrix (W1 in the fused update), no transpose.
    c.fill(T::ZERO);
    spmm_tn_add(black_box(&x), &dz1, H, &mut c);
    check(&c, &c_ref);
    p.add("spmm_tn_add (B += xᵀ·dz1)", nnz, time(|| spmm_tn_add(black_box(&x), &dz1, H, &mut c)));
    // The same on a Panel, in bands of rows (what the training loop runs), then portable.
    let mut b = Panel::<T>::zeros(I, H);
    let mut out = Matrix::zeros(I, H);
    panel::spmm_tn_add(black_box(&x), &dz1, &mut b);
    b.store(&mut out);
    check(out.as_slice(), &c_ref);
    p.add("panel::spmm_tn_add (training)", nnz, time(|| panel::spmm_tn_add(black_box(&x), &dz1, &mut b)));
    p.add("  portable (no AVX-512)", nnz, time(|| panel::spmm_tn_add_portable(black_box(&x), &dz1, &mut b)));
    p.add(
        "kernels::gemm_tn (dense)",
        None,
        time(|| kernels::gemm_tn(I, N, H, black_box(&x_dense), &dz1, &mut c, false)),
    );
    check(&c, &c_ref);
    p.add("naive::gemm_tn", None, time(|| naive::gemm_tn(I, N, H, black_box(&x_dense), &dz1, &mut c, false)));

    // dW2 = z1ᵀ·dy: (H, N)·(N, O)
    let (mut c, mut c_ref) = (vec![T::ZERO; H * O], vec![T::ZERO; H * O]);
    naive::gemm_tn(H, N, O, &z1, &dy, &mut c_ref, false);
    let (product, shape, flops, n) = ("dW2 = z1ᵀ·dy", "(50,100)·(100,10)", flops_of(H, N, O), O);
    let mut p = Product { rows: &mut *rows, product, shape, precision, flops, n };
    p.add("kernels::gemm_tn", None, time(|| kernels::gemm_tn(H, N, O, black_box(&z1), &dy, &mut c, false)));
    check(&c, &c_ref);
    p.add("naive::gemm_tn", None, time(|| naive::gemm_tn(H, N, O, black_box(&z1), &dy, &mut c, false)));

    // da1 = dy·W2ᵀ: (N, O)·(O, H)
    let (mut c, mut c_ref) = (vec![T::ZERO; N * H], vec![T::ZERO; N * H]);
    naive::gemm_nt(N, O, H, &dy, &w2, &mut c_ref, false);
    let (product, shape, flops, n) = ("da1 = dy·W2ᵀ", "(100,10)·(10,50)", flops_of(N, O, H), H);
    let mut p = Product { rows: &mut *rows, product, shape, precision, flops, n };
    p.add("kernels::gemm_nt", None, time(|| kernels::gemm_nt(N, O, H, black_box(&dy), &w2, &mut c, false)));
    check(&c, &c_ref);
    // What TwoLayerNet::backward does instead: copy W2ᵀ (O, H) out, then the row kernel.
    let mut w2t = vec![T::ZERO; O * H];
    let copied = || {
        for (i, r) in black_box(&w2).chunks_exact(O).enumerate() {
            for (j, &v) in r.iter().enumerate() {
                w2t[j * H + i] = v;
            }
        }
        kernels::gemm_nn(N, O, H, black_box(&dy), &w2t, &mut c, false);
    };
    p.add("W2ᵀ copy + gemm_nn", None, time(copied));
    check(&c, &c_ref);
    p.add("naive::gemm_nt", None, time(|| naive::gemm_nt(N, O, H, black_box(&dy), &w2, &mut c, false)));
    worst
}

fn table(rows: &[Row]) -> String {
    let mut out = format!(
        "{:<14}{:<20}{:<27}{:>11}{:>18}{:>11}{:>18}\n",
        "product", "shape", "kernel", "f32 ms", "GFLOP/s (nz)", "f64 ms", "GFLOP/s (nz)"
    );
    let cell = |r: &Row| {
        let rate = if r.flops == 0.0 {
            "—".to_string()
        } else {
            match r.nz_gflops() {
                Some(nz) => format!("{:.1} ({nz:.1})", r.gflops()),
                None => format!("{:.1}", r.gflops()),
            }
        };
        format!("{:>11.4}{rate:>18}", r.timing.median_ms)
    };
    let f32_rows: Vec<&Row> = rows.iter().filter(|r| r.precision == "f32").collect();
    let mut last = "";
    for a in f32_rows {
        let b = rows.iter().find(|b| b.precision == "f64" && b.product == a.product && b.kernel == a.kernel);
        let (prod, shape) = if a.product == last { ("", "") } else { (a.product, a.shape) };
        last = a.product;
        let _ = writeln!(out, "{prod:<14}{shape:<20}{:<27}{}{}", a.kernel, cell(a), b.map(cell).unwrap_or_default());
    }
    out
}

fn json(rows: &[Row], px: &Pixels, nnz: usize, worst: [f64; 2]) -> String {
    let esc = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
    let mut out = format!(
        "{{\"batch\": {N}, \"input\": {I}, \"hidden\": {H}, \"output\": {O}, \"x_source\": \"{}\", \"x_nnz\": {nnz}, \
         \"x_density\": {:.4}, \"samples\": {SAMPLES}, \"sample_ms\": {SAMPLE_MS}, \
         \"worst_rel_diff_vs_naive\": {{\"f32\": {:e}, \"f64\": {:e}}}, \"results\": [\n",
        esc(&px.source),
        nnz as f64 / (N * I) as f64,
        worst[0],
        worst[1]
    );
    for (i, r) in rows.iter().enumerate() {
        let opt = |v: Option<f64>| v.map_or("null".to_string(), |v| format!("{v:.3}"));
        let rate = if r.flops == 0.0 { None } else { Some(r.gflops()) };
        let _ = writeln!(
            out,
            "  {{\"product\": \"{}\", \"shape\": \"{}\", \"kernel\": \"{}\", \"precision\": \"{}\", \"ms_per_call\": {:.6}, \
             \"best_ms\": {:.6}, \"flops\": {}, \"gflops\": {}, \"nnz\": {}, \"nz_gflops\": {}}}{}",
            esc(r.product),
            esc(r.shape),
            esc(r.kernel.trim()),
            r.precision,
            r.timing.median_ms,
            r.timing.best_ms,
            r.flops,
            opt(rate),
            r.nnz.map_or("null".to_string(), |z| z.to_string()),
            opt(r.nz_gflops()),
            if i + 1 == rows.len() { "" } else { "," }
        );
    }
    out.push_str("]}\n");
    out
}

fn main() {
    // `cargo bench` passes --bench; `-- --json PATH` also writes the figures as JSON.
    let mut json_path = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--json" => json_path = args.next(),
            "--bench" => {}
            other => eprintln!("kernels: ignoring argument {other:?} (this benchmark takes only --json PATH)"),
        }
    }

    let started = Instant::now();
    let px = pixels(&mut Rng::new(SEED));
    let nnz = px.bytes.iter().filter(|&&p| p != 0).count();
    let mut rows = Vec::new();
    let worst = [measure::<f32>(&px, &mut rows), measure::<f64>(&px, &mut rows)];

    println!("descent-core kernels: the products of one TwoLayerNet {I}-{H}-{O} training step, batch {N}");
    println!("x: {}; {nnz} nonzeros of {} ({:.1}%)", px.source, N * I, 100.0 * nnz as f64 / (N * I) as f64);
    println!(
        "ms per call: median of {SAMPLES} samples of ≥ {SAMPLE_MS} ms. GFLOP/s = 2·m·k·n / time (dense-equivalent; \
         gemm_nn/gemm_tn skip zeros of A too);\n(nz) = 2·nnz·n / time, the rate on the nonzeros. naive = the scalar \
         reference (kernels::naive).\n"
    );
    print!("{}", table(&rows));
    println!(
        "\nfast vs naive, worst |Δ| / (1 + |naive|): f32 {:.1e}, f64 {:.1e}{}",
        worst[0],
        worst[1],
        if worst[0] > 1e-4 || worst[1] > 1e-10 { "  ← LARGER THAN EXPECTED: check the kernels" } else { "" }
    );
    println!("({:.1} s)", started.elapsed().as_secs_f64());

    if let Some(path) = json_path {
        let path = PathBuf::from(path);
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            let _ = std::fs::create_dir_all(dir);
        }
        match std::fs::write(&path, json(&rows, &px, nnz, worst)) {
            Ok(()) => println!("wrote {}", path.display()),
            Err(e) => {
                eprintln!("kernels: cannot write {}: {e}", path.display());
                std::process::exit(1);
            }
        }
    }
}
