//! The products of one TwoLayerNet training step (784-50-10, batch 100), timed
//! kernel by kernel in f32 and f64 with criterion: milliseconds per call and
//! GFLOP/s, with the naive triple loops (`kernels::naive`, the scalar reference)
//! as benchmarks of their own beside the fast ones.
//!
//!   cargo bench -p descent-core --bench kernels                all of it, about a minute
//!   cargo bench -p descent-core --bench kernels -- '^f32_a1/'  criterion's filter (a regex)
//!   DESCENT_KERNELS_OUT=target/bench cargo bench -p descent-core --bench kernels
//!                                     the same, and kernels.json and kernels.txt written there
//!
//! Each kernel is one criterion benchmark named `<precision>_<product>/<kernel>`
//! (`f32_a1/panel_spmm`), measured briefly: [`WARM_UP`], then [`SAMPLES`] samples
//! in about [`MEASUREMENT`] (criterion's own flags, such as `--measurement-time 5`,
//! override these). After the groups, the table reads criterion's figures back from
//! `<criterion dir>/<group>/<kernel>/new/` (estimates.json and sample.json; the
//! directory is `$CRITERION_HOME`, else `$CARGO_TARGET_DIR/criterion`, else cargo's
//! target directory's `criterion/`, as criterion decides it), keeping only those
//! this run wrote: ms per call is criterion's median, best the fastest sample.
//!
//! Figures only: nothing here is a test. Each fast kernel's result is compared with
//! the naive one's once, outside the timings, and the worst disagreement is
//! printed, never asserted. Under `cargo test --benches` criterion runs each
//! benchmark once and no table is made.
//!
//! x is 100 real MNIST training images (seeded draw) when `data/mnist` (or
//! `$DESCENT_DATA`) holds them, else 100 synthetic rows with ~19% nonzero pixels
//! (MNIST's density).
//!
//! Flops: 2·m·k·n per product. The sparse kernels (and the dense ones, which
//! also skip zeros of A) do less work; their GFLOP/s is the dense-equivalent
//! rate, and for the sparse kernels the rate on the nonzeros alone (2·nnz·n)
//! is shown in brackets.

use std::cell::Cell;
use std::fmt::Write as _;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::{Duration, Instant, SystemTime};

use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion, SamplingMode};
use serde::{Deserialize, Serialize};

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

/// Samples per kernel (criterion's sample size); the median is reported.
const SAMPLES: usize = 30;
/// Warm-up per kernel.
const WARM_UP: Duration = Duration::from_millis(300);
/// Measurement per kernel (about: criterion takes longer when one sample's minimum of calls needs it).
const MEASUREMENT: Duration = Duration::from_millis(1000);
/// Bootstrap resamples of criterion's analysis: fewer than its default 100 000, to keep the analysis short.
const RESAMPLES: usize = 20_000;
/// Seed of the image draw and of the weights.
const SEED: u64 = 42;
/// The variable naming the folder that receives kernels.json and kernels.txt.
const OUT_VAR: &str = "DESCENT_KERNELS_OUT";

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

/// Worst |fast − naive| / (1 + |naive|) over the elements.
fn worst_diff<T: Float>(fast: &[T], naive: &[T]) -> f64 {
    fast.iter().zip(naive).map(|(a, b)| (a.to_f64() - b.to_f64()).abs() / (1.0 + b.to_f64().abs())).fold(0.0, f64::max)
}

fn normal<T: Float>(rng: &mut Rng, len: usize, std: f64) -> Vec<T> {
    (0..len).map(|_| T::from_f64(std * rng.standard_normal())).collect()
}

/// One benchmark: its place in the table and criterion's name for it.
#[derive(Clone, Debug)]
struct Spec {
    product: &'static str,
    shape: &'static str,
    /// As shown in the table (indented: a variant, or a part, of the kernel above).
    kernel: &'static str,
    precision: &'static str,
    /// Criterion's group (`f32_a1`) and benchmark (`panel_spmm`).
    group: String,
    bench: &'static str,
    /// 2·m·k·n (0 for a part that is not a product).
    flops: f64,
    /// Nonzeros of the sparse operand, for the sparse kernels.
    nnz: Option<usize>,
    /// Columns each nonzero is multiplied into (n of the product), for the sparse rate.
    n: usize,
    /// Set when criterion runs the benchmark (it skips those its filter rejects).
    ran: Rc<Cell<bool>>,
}

/// What criterion measured for one benchmark, in milliseconds per call.
#[derive(Clone, Copy, Debug)]
struct Figures {
    median_ms: f64,
    median_ci_ms: [f64; 2],
    mean_ms: f64,
    best_ms: f64,
    samples: usize,
}

/// One row of the report.
#[derive(Clone, Debug)]
struct Row {
    spec: Spec,
    fig: Figures,
}

impl Row {
    fn gflops(&self) -> Option<f64> {
        (self.spec.flops > 0.0).then(|| self.spec.flops / (self.fig.median_ms * 1e-3) / 1e9)
    }
    fn nz_gflops(&self) -> Option<f64> {
        self.spec.nnz.map(|z| 2.0 * z as f64 * self.spec.n as f64 / (self.fig.median_ms * 1e-3) / 1e9)
    }
}

fn flops_of(m: usize, k: usize, n: usize) -> f64 {
    2.0 * (m * k * n) as f64
}

/// The benchmarks of one product: a criterion group (`<precision>_<id>`) and the specs of its rows.
struct Product<'a, 'c> {
    group: BenchmarkGroup<'c, WallTime>,
    group_name: String,
    specs: &'a mut Vec<Spec>,
    product: &'static str,
    shape: &'static str,
    precision: &'static str,
    flops: f64,
    n: usize,
}

impl<'a, 'c> Product<'a, 'c> {
    fn new(
        c: &'c mut Criterion,
        specs: &'a mut Vec<Spec>,
        id: &str,
        precision: &'static str,
        product: &'static str,
        shape: &'static str,
        (m, k, n): (usize, usize, usize),
    ) -> Self {
        let group_name = format!("{precision}_{id}");
        let group = c.benchmark_group(group_name.clone());
        Product { group, group_name, specs, product, shape, precision, flops: flops_of(m, k, n), n }
    }

    /// Calls `f` once (so that the caller can check its result even when a filter
    /// skips the benchmark), then has criterion time it as `bench`.
    fn bench(&mut self, bench: &'static str, kernel: &'static str, nnz: Option<usize>, mut f: impl FnMut()) {
        let t = Instant::now();
        f();
        // Criterion's linear sampling calls 1 + 2 + … + SAMPLES times at the least; a kernel too slow
        // for that in MEASUREMENT (the naive loops) gets flat sampling, rather than a warning.
        let linear_calls = (SAMPLES * (SAMPLES + 1) / 2) as u32;
        let slow = t.elapsed() * linear_calls > MEASUREMENT;
        self.group.sampling_mode(if slow { SamplingMode::Flat } else { SamplingMode::Auto });
        let ran = Rc::new(Cell::new(false));
        self.specs.push(Spec {
            product: self.product,
            shape: self.shape,
            kernel,
            precision: self.precision,
            group: self.group_name.clone(),
            bench,
            flops: self.flops,
            nnz,
            n: self.n,
            ran: Rc::clone(&ran),
        });
        self.group.bench_function(bench, |b| {
            ran.set(true);
            b.iter(&mut f)
        });
    }

    fn finish(self) {
        self.group.finish();
    }
}
/// Every product of a training step in T, benchmarked; their specs appended to
/// `specs`. Returns the worst disagreement of the fast kernels with naive.
fn measure<T: Float>(c: &mut Criterion, px: &Pixels, specs: &mut Vec<Spec>) -> f64 {
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
    let mut check = |out: &[T], reference: &[T]| worst = worst.max(worst_diff(out, reference));

    // a1 = x·W1: (N, I)·(I, H)
    let (mut out, mut reference) = (vec![T::ZERO; N * H], vec![T::ZERO; N * H]);
    naive::gemm_nn(N, I, H, &x_dense, &w1, &mut reference, false);
    let mut p = Product::new(c, specs, "a1", precision, "a1 = x·W1", "(100,784)·(784,50)", (N, I, H));
    p.bench("sparse_spmm", "sparse::spmm", nnz, || spmm(black_box(&x), &w1, H, &mut out));
    check(&out, &reference);
    // What the training loop runs: W1 as a Panel (rows padded to 64-byte lines),
    // with AVX-512 where the CPU has it, and the portable kernel beside it.
    let w1_panel = Panel::from_matrix(&Matrix::from_vec(I, H, w1.clone()));
    p.bench("panel_spmm", "panel::spmm (training)", nnz, || panel::spmm(black_box(&x), &w1_panel, &mut out));
    check(&out, &reference);
    p.bench("panel_spmm_portable", "  portable (no AVX-512)", nnz, || {
        panel::spmm_portable(black_box(&x), &w1_panel, &mut out)
    });
    check(&out, &reference);
    p.bench("gemm_nn_dense", "kernels::gemm_nn (dense)", None, || {
        kernels::gemm_nn(N, I, H, black_box(&x_dense), &w1, &mut out, false)
    });
    check(&out, &reference);
    p.bench("naive_gemm_nn", "naive::gemm_nn", None, || {
        naive::gemm_nn(N, I, H, black_box(&x_dense), &w1, &mut out, false)
    });
    p.finish();

    // a2 = z1·W2: (N, H)·(H, O)
    let (mut out, mut reference) = (vec![T::ZERO; N * O], vec![T::ZERO; N * O]);
    naive::gemm_nn(N, H, O, &z1, &w2, &mut reference, false);
    let mut p = Product::new(c, specs, "a2", precision, "a2 = z1·W2", "(100,50)·(50,10)", (N, H, O));
    p.bench("gemm_nn", "kernels::gemm_nn", None, || kernels::gemm_nn(N, H, O, black_box(&z1), &w2, &mut out, false));
    check(&out, &reference);
    p.bench("naive_gemm_nn", "naive::gemm_nn", None, || naive::gemm_nn(N, H, O, black_box(&z1), &w2, &mut out, false));
    p.finish();

    // dW1 = xᵀ·dz1: (I, N)·(N, H)
    let (mut out, mut reference) = (vec![T::ZERO; I * H], vec![T::ZERO; I * H]);
    naive::gemm_tn(I, N, H, &x_dense, &dz1, &mut reference, false);
    let mut xt = SparseRows::<T>::default();
    let mut p = Product::new(c, specs, "dW1", precision, "dW1 = xᵀ·dz1", "(784,100)·(100,50)", (I, N, H));
    p.bench("transpose_spmm", "transpose_into + spmm", nnz, || {
        black_box(&x).transpose_into(I, &mut xt);
        spmm(&xt, &dz1, H, &mut out);
    });
    check(&out, &reference);
    p.flops = 0.0;
    p.bench("transpose_into", "  of which transpose_into", None, || black_box(&x).transpose_into(I, &mut xt));
    p.flops = flops_of(I, N, H);
    // What the training loop runs instead: xᵀ·dz1 added straight into a (784, 50)
    // matrix (W1 in the fused update), no transpose. Checked from zero, then timed
    // accumulating.
    out.fill(T::ZERO);
    spmm_tn_add(black_box(&x), &dz1, H, &mut out);
    check(&out, &reference);
    p.bench("spmm_tn_add", "spmm_tn_add (B += xᵀ·dz1)", nnz, || spmm_tn_add(black_box(&x), &dz1, H, &mut out));
    // The same on a Panel, in bands of rows (what the training loop runs), then portable.
    let mut b = Panel::<T>::zeros(I, H);
    let mut stored = Matrix::zeros(I, H);
    panel::spmm_tn_add(black_box(&x), &dz1, &mut b);
    b.store(&mut stored);
    check(stored.as_slice(), &reference);
    let mut b_portable = Panel::<T>::zeros(I, H);
    panel::spmm_tn_add_portable(black_box(&x), &dz1, &mut b_portable);
    b_portable.store(&mut stored);
    check(stored.as_slice(), &reference);
    p.bench("panel_spmm_tn_add", "panel::spmm_tn_add (training)", nnz, || {
        panel::spmm_tn_add(black_box(&x), &dz1, &mut b)
    });
    p.bench("panel_spmm_tn_add_portable", "  portable (no AVX-512)", nnz, || {
        panel::spmm_tn_add_portable(black_box(&x), &dz1, &mut b)
    });
    p.bench("gemm_tn_dense", "kernels::gemm_tn (dense)", None, || {
        kernels::gemm_tn(I, N, H, black_box(&x_dense), &dz1, &mut out, false)
    });
    check(&out, &reference);
    p.bench("naive_gemm_tn", "naive::gemm_tn", None, || {
        naive::gemm_tn(I, N, H, black_box(&x_dense), &dz1, &mut out, false)
    });
    p.finish();

    // dW2 = z1ᵀ·dy: (H, N)·(N, O)
    let (mut out, mut reference) = (vec![T::ZERO; H * O], vec![T::ZERO; H * O]);
    naive::gemm_tn(H, N, O, &z1, &dy, &mut reference, false);
    let mut p = Product::new(c, specs, "dW2", precision, "dW2 = z1ᵀ·dy", "(50,100)·(100,10)", (H, N, O));
    p.bench("gemm_tn", "kernels::gemm_tn", None, || kernels::gemm_tn(H, N, O, black_box(&z1), &dy, &mut out, false));
    check(&out, &reference);
    p.bench("naive_gemm_tn", "naive::gemm_tn", None, || naive::gemm_tn(H, N, O, black_box(&z1), &dy, &mut out, false));
    p.finish();

    // da1 = dy·W2ᵀ: (N, O)·(O, H)
    let (mut out, mut reference) = (vec![T::ZERO; N * H], vec![T::ZERO; N * H]);
    naive::gemm_nt(N, O, H, &dy, &w2, &mut reference, false);
    let mut p = Product::new(c, specs, "da1", precision, "da1 = dy·W2ᵀ", "(100,10)·(10,50)", (N, O, H));
    p.bench("gemm_nt", "kernels::gemm_nt", None, || kernels::gemm_nt(N, O, H, black_box(&dy), &w2, &mut out, false));
    check(&out, &reference);
    // What TwoLayerNet::backward does instead: copy W2ᵀ (O, H) out, then the row kernel.
    let mut w2t = vec![T::ZERO; O * H];
    p.bench("w2t_copy_gemm_nn", "W2ᵀ copy + gemm_nn", None, || {
        for (i, r) in black_box(&w2).chunks_exact(O).enumerate() {
            for (j, &v) in r.iter().enumerate() {
                w2t[j * H + i] = v;
            }
        }
        kernels::gemm_nn(N, O, H, black_box(&dy), &w2t, &mut out, false);
    });
    check(&out, &reference);
    p.bench("naive_gemm_nt", "naive::gemm_nt", None, || naive::gemm_nt(N, O, H, black_box(&dy), &w2, &mut out, false));
    p.finish();
    worst
}
/// Criterion's output directory, found as criterion finds it.
fn criterion_dir() -> PathBuf {
    #[derive(Deserialize)]
    struct Metadata {
        target_directory: PathBuf,
    }
    if let Some(d) = std::env::var_os("CRITERION_HOME") {
        return PathBuf::from(d);
    }
    if let Some(d) = std::env::var_os("CARGO_TARGET_DIR") {
        return PathBuf::from(d).join("criterion");
    }
    if let Some(cargo) = std::env::var_os("CARGO")
        && let Ok(out) =
            std::process::Command::new(cargo).args(["metadata", "--format-version", "1", "--no-deps"]).output()
        && let Ok(meta) = serde_json::from_slice::<Metadata>(&out.stdout)
    {
        return meta.target_directory.join("criterion");
    }
    PathBuf::from("target/criterion")
}

/// Criterion's estimates.json, the parts read here (nanoseconds per call).
#[derive(Deserialize)]
struct Estimates {
    mean: Estimate,
    median: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
    confidence_interval: Interval,
}

#[derive(Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

/// Criterion's sample.json: each sample's calls and total nanoseconds.
#[derive(Deserialize)]
struct Sample {
    iters: Vec<f64>,
    times: Vec<f64>,
}

/// The figures criterion wrote for `spec` in this run: none when it did not run the
/// benchmark (a filter), or when the files are older than `since` (an earlier run's,
/// left there when criterion was told not to save, as with --discard-baseline).
fn figures(dir: &Path, spec: &Spec, since: SystemTime) -> Result<Option<Figures>, String> {
    if !spec.ran.get() {
        return Ok(None);
    }
    let new = dir.join(&spec.group).join(spec.bench).join("new");
    let read = |name: &str| {
        let path = new.join(name);
        std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))
    };
    let est_path = new.join("estimates.json");
    match std::fs::metadata(&est_path).and_then(|m| m.modified()) {
        Ok(t) if t >= since => {}
        _ => return Ok(None),
    }
    let est: Estimates =
        serde_json::from_slice(&read("estimates.json")?).map_err(|e| format!("{}: {e}", est_path.display()))?;
    let sample: Sample =
        serde_json::from_slice(&read("sample.json")?).map_err(|e| format!("{}: sample.json: {e}", new.display()))?;
    let best_ns = sample.iters.iter().zip(&sample.times).map(|(n, t)| t / n).fold(f64::INFINITY, f64::min);
    let ms = |ns: f64| ns * 1e-6;
    Ok(Some(Figures {
        median_ms: ms(est.median.point_estimate),
        median_ci_ms: [ms(est.median.confidence_interval.lower_bound), ms(est.median.confidence_interval.upper_bound)],
        mean_ms: ms(est.mean.point_estimate),
        best_ms: ms(best_ns),
        samples: sample.times.len(),
    }))
}

fn table(rows: &[Row]) -> String {
    let mut out = format!(
        "{:<14}{:<20}{:<31}{:>11}{:>18}{:>11}{:>18}\n",
        "product", "shape", "kernel", "f32 ms", "GFLOP/s (nz)", "f64 ms", "GFLOP/s (nz)"
    );
    let cell = |r: Option<&Row>| {
        let Some(r) = r else { return format!("{:>11}{:>18}", "—", "") };
        let rate = match (r.gflops(), r.nz_gflops()) {
            (None, _) => "—".to_string(),
            (Some(g), Some(nz)) => format!("{g:.1} ({nz:.1})"),
            (Some(g), None) => format!("{g:.1}"),
        };
        format!("{:>11.4}{rate:>18}", r.fig.median_ms)
    };
    // One line per kernel, in the order measured, f32 and f64 side by side.
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for r in rows {
        if !seen.contains(&(r.spec.product, r.spec.kernel)) {
            seen.push((r.spec.product, r.spec.kernel));
        }
    }
    let mut last = "";
    for (product, kernel) in seen {
        let find = |p: &str| {
            rows.iter().find(|r| r.spec.precision == p && r.spec.product == product && r.spec.kernel == kernel)
        };
        let Some(any) = find("f32").or_else(|| find("f64")) else { continue };
        let (prod, shape) = if product == last { ("", "") } else { (product, any.spec.shape) };
        last = product;
        let line = format!("{prod:<14}{shape:<20}{kernel:<31}{}{}", cell(find("f32")), cell(find("f64")));
        let _ = writeln!(out, "{}", line.trim_end());
    }
    out
}

/// kernels.json's head (the results follow, one object a line).
#[derive(Serialize)]
struct Head<'a> {
    harness: &'a str,
    batch: usize,
    input: usize,
    hidden: usize,
    output: usize,
    x_source: &'a str,
    x_nnz: usize,
    x_density: f64,
    /// Criterion's configured samples, warm-up and measurement per kernel (its CLI flags may change them).
    samples: usize,
    warm_up_s: f64,
    measurement_s: f64,
    criterion_dir: String,
    worst_rel_diff_vs_naive: Worst,
}

#[derive(Serialize)]
struct Worst {
    f32: f64,
    f64: f64,
}

/// One kernel in one precision, in kernels.json.
#[derive(Serialize)]
struct Measured<'a> {
    product: &'a str,
    shape: &'a str,
    kernel: &'a str,
    precision: &'a str,
    criterion_id: String,
    /// Criterion's median, then its 95% interval, the mean and the fastest sample.
    ms_per_call: f64,
    median_ci95_ms: [f64; 2],
    mean_ms: f64,
    best_ms: f64,
    samples: usize,
    flops: u64,
    gflops: Option<f64>,
    nnz: Option<usize>,
    nz_gflops: Option<f64>,
}

fn round(v: f64, digits: i32) -> f64 {
    let s = 10f64.powi(digits);
    (v * s).round() / s
}

fn json(rows: &[Row], px: &Pixels, nnz: usize, worst: [f64; 2], dir: &Path) -> String {
    let head = Head {
        harness: "criterion",
        batch: N,
        input: I,
        hidden: H,
        output: O,
        x_source: &px.source,
        x_nnz: nnz,
        x_density: round(nnz as f64 / (N * I) as f64, 4),
        samples: SAMPLES,
        warm_up_s: WARM_UP.as_secs_f64(),
        measurement_s: MEASUREMENT.as_secs_f64(),
        criterion_dir: dir.display().to_string(),
        worst_rel_diff_vs_naive: Worst { f32: worst[0], f64: worst[1] },
    };
    let head = serde_json::to_string(&head).expect("the head serialises");
    let results: Vec<String> = rows
        .iter()
        .map(|r| {
            let ms = |v: f64| round(v, 6);
            let result = Measured {
                product: r.spec.product,
                shape: r.spec.shape,
                kernel: r.spec.kernel.trim(),
                precision: r.spec.precision,
                criterion_id: format!("{}/{}", r.spec.group, r.spec.bench),
                ms_per_call: ms(r.fig.median_ms),
                median_ci95_ms: r.fig.median_ci_ms.map(ms),
                mean_ms: ms(r.fig.mean_ms),
                best_ms: ms(r.fig.best_ms),
                samples: r.fig.samples,
                flops: r.spec.flops as u64,
                gflops: r.gflops().map(|g| round(g, 3)),
                nnz: r.spec.nnz,
                nz_gflops: r.nz_gflops().map(|g| round(g, 3)),
            };
            format!("  {}", serde_json::to_string(&result).expect("a result serialises"))
        })
        .collect();
    // `{head…, "results": [` then the results one a line: readable, and still one JSON object.
    let head = head.strip_suffix('}').expect("an object ends in }");
    format!("{head}, \"results\": [\n{}\n]}}\n", results.join(",\n"))
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--json") {
        eprintln!(
            "kernels: --json is gone (criterion refuses flags it does not know): set {OUT_VAR}=DIR to write \
             DIR/kernels.json and DIR/kernels.txt"
        );
        std::process::exit(2);
    }
    // As criterion decides: `cargo bench` passes --bench; without it (cargo test --benches),
    // or with --test or --list, criterion runs each benchmark once or lists them.
    let benchmarking = args.iter().any(|a| a == "--bench")
        && !args.iter().any(|a| a == "--test" || a == "--list" || a.starts_with("--profile-time"));
    let out_dir = std::env::var_os(OUT_VAR).filter(|d| !d.is_empty()).map(PathBuf::from);

    let started = Instant::now();
    let since = SystemTime::now();
    let px = pixels(&mut Rng::new(SEED));
    let nnz = px.bytes.iter().filter(|&&p| p != 0).count();
    let mut c = Criterion::default()
        .sample_size(SAMPLES)
        .warm_up_time(WARM_UP)
        .measurement_time(MEASUREMENT)
        .nresamples(RESAMPLES)
        .without_plots()
        .configure_from_args();
    let mut specs = Vec::new();
    let worst = [measure::<f32>(&mut c, &px, &mut specs), measure::<f64>(&mut c, &px, &mut specs)];
    c.final_summary();
    if !benchmarking {
        return;
    }

    let dir = criterion_dir();
    let mut rows = Vec::new();
    let mut missing = Vec::new();
    for spec in specs {
        match figures(&dir, &spec, since) {
            Ok(Some(fig)) => rows.push(Row { spec, fig }),
            Ok(None) => missing.push(format!("{}/{}", spec.group, spec.bench)),
            Err(e) => {
                eprintln!("kernels: cannot read criterion's figures: {e}");
                missing.push(format!("{}/{}", spec.group, spec.bench));
            }
        }
    }
    if rows.is_empty() {
        eprintln!(
            "kernels: criterion wrote no figures under {} in this run (a filter that matches nothing?)",
            dir.display()
        );
        if out_dir.is_some() {
            std::process::exit(1);
        }
        return;
    }

    let mut report =
        format!("descent-core kernels: the products of one TwoLayerNet {I}-{H}-{O} training step, batch {N}\n");
    let _ =
        writeln!(report, "x: {}; {nnz} nonzeros of {} ({:.1}%)", px.source, N * I, 100.0 * nnz as f64 / (N * I) as f64);
    let _ = writeln!(
        report,
        "ms per call: criterion's median of {SAMPLES} samples in ~{:.1} s after {:.1} s of warm-up. GFLOP/s = 2·m·k·n / time \
         (dense-equivalent;\ngemm_nn/gemm_tn skip zeros of A too); (nz) = 2·nnz·n / time, the rate on the nonzeros. \
         naive = the scalar reference (kernels::naive).\n",
        MEASUREMENT.as_secs_f64(),
        WARM_UP.as_secs_f64()
    );
    report.push_str(&table(&rows));
    let _ = writeln!(
        report,
        "\nfast vs naive, worst |Δ| / (1 + |naive|): f32 {:.1e}, f64 {:.1e}{}",
        worst[0],
        worst[1],
        if worst[0] > 1e-4 || worst[1] > 1e-10 { "  ← LARGER THAN EXPECTED: check the kernels" } else { "" }
    );
    if !missing.is_empty() {
        let total = rows.len() + missing.len();
        let _ = writeln!(report, "{} of {total} benchmarks not measured in this run (a filter?)", missing.len());
    }
    let _ = writeln!(report, "({:.1} s; criterion's figures in {})", started.elapsed().as_secs_f64(), dir.display());
    println!("\n{report}");

    if let Some(out_dir) = out_dir {
        let _ = std::fs::create_dir_all(&out_dir);
        for (name, text) in [("kernels.json", json(&rows, &px, nnz, worst, &dir)), ("kernels.txt", report)] {
            let path = out_dir.join(name);
            match std::fs::write(&path, text) {
                Ok(()) => println!("wrote {}", path.display()),
                Err(e) => {
                    eprintln!("kernels: cannot write {}: {e}", path.display());
                    std::process::exit(1);
                }
            }
        }
    }
}
