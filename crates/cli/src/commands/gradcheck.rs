//! `descent gradcheck`: TwoLayerNet's analytic gradient (backpropagation)
//! against its numerical gradient, on the first few real MNIST images
//! (4.5.1; the book's gradient check in ch05, done here for chapter 4's net).

use std::path::PathBuf;
use std::time::{Duration, Instant};

use descent_core::schema;
use descent_core::train::{gather, pixel_scale};
use descent_core::two_layer_net::check_gradient_check;
use descent_core::{Dataset, Matrix, Params, Rng, TwoLayerNet};
use serde_json::json;

use super::{print, print_json, time_at};
use crate::args::{DATA_HELP, JSON_HELP, whole};
use crate::data;
use crate::error::CliError;
use crate::model;
use crate::seed::{self, SeedArg};

/// What it computes (and the book script it ports).
pub const ABOUT: &str = "TwoLayerNet's analytic gradient against its numerical gradient on real MNIST images, in f64";

/// The notes after the flags in `--help`.
pub const NOTES: &str = "For each of W1, b1, W2, b2: the largest and the mean absolute difference |a − n| between the\n\
            analytic (a) and numerical (n, central difference, h = 1e-4) gradients, and the largest relative\n\
            difference |a − n| / max(|a| + |n|, 1e-8). The floor 1e-8 keeps elements whose gradient is\n\
            zero or lost in rounding (|a| + |n| below ~1e-8, where the central difference itself is only good\n\
            to ~1e-12 absolute) from reading as 100% wrong.\n\
            The numerical gradient costs 2 forward passes per parameter: (784 + 1)·H + (H + 1)·10 of them.\n\
            With the book's H = 50 that is 39760 parameters, 1 to 2 s in a release build.\n\
            Expect relative differences of about 5e-7 even for a correct gradient: the numerical gradient\n\
            differentiates the loss −ln(y_t + δ) with δ = 1e-7, while backpropagation's dy = (y − t) / N is the\n\
            gradient of −ln y_t; the two differ by the factor y_t / (y_t + δ), a relative δ / y_t ≈ 1e-6 while\n\
            y_t ≈ 0.1 (half of that in this symmetric measure). Each image has its own y_t, so where the\n\
            images' contributions to an element nearly cancel (in W1 and b1 mostly) the relative difference\n\
            grows: with --images 1 every tensor stays within about 1e-6.\n\
            Limits: the batch, the net and both gradients (about 8 × images × (784 + 2·H) + 32 × 785·H bytes)\n\
            must fit descent's 2 GiB memory budget, and the numerical gradient's multiply-adds\n\
            (2 × parameters × images × (784·H + 10·H)) must stay within 3.6e12, about 10 minutes.\n\
            --load PATH: check that net (descent train --save, numpy.savez, the book's pickle) instead of a\n\
            fresh one; its hidden size is the file's (--hidden, --seed are not used), its weights go to f64.";

/// Its flags.
#[derive(Debug, clap::Args)]
pub struct Flags {
    #[arg(long, value_name = "N", value_parser = whole, help = "check on the first N training images (default 3, as the book's gradient check)")]
    pub images: Option<usize>,
    #[arg(long, value_name = "H", value_parser = whole, help = "hidden units (default 50, the book's net)")]
    pub hidden: Option<usize>,
    #[arg(long, value_name = "S|random", value_parser = SeedArg::parse, help = "seed of the initial weights (default 42); random: draw one, printed first as `seed N`")]
    pub seed: Option<SeedArg>,
    #[arg(long, value_name = "PATH", value_parser = clap::value_parser!(PathBuf), help = "check a saved net (.npz or .pkl, in f64) instead of a fresh one")]
    pub load: Option<PathBuf>,
    #[arg(long, value_name = "DIR", value_parser = clap::value_parser!(PathBuf), help = DATA_HELP)]
    pub data: Option<PathBuf>,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}

/// The most multiply-adds a check may cost: 2 forward passes per parameter,
/// each (images × (input·H + H·O)). About 10 minutes at the 6·10⁹ a second a
/// release build does here (the book's check, 9.5·10⁹, takes 1–2 s); beyond it
/// a check would look like a hang (`--images 60000 --hidden 1000` would take weeks).
pub const MAX_MULTIPLY_ADDS: f64 = 3.6e12;

/// The multiply-adds of the numerical gradient of a `(input, hidden, output)` net on `images` images.
pub fn multiply_adds(images: usize, input: usize, hidden: usize, output: usize) -> f64 {
    let (i, h, o, n) = (input as f64, hidden as f64, output as f64, images as f64);
    let params = (i + 1.0) * h + (h + 1.0) * o;
    2.0 * params * n * (i * h + h * o)
}

/// Below this, |a| + |n| is treated as this in the relative difference.
pub const REL_FLOOR: f64 = 1e-8;

/// How far apart one tensor's two gradients are.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Diff {
    /// max |a − n|.
    pub max_abs: f64,
    /// mean |a − n|.
    pub mean_abs: f64,
    /// max |a − n| / max(|a| + |n|, [`REL_FLOOR`]).
    pub max_rel: f64,
}

/// Compares analytic `a` with numerical `n`, element by element.
pub fn diff(a: &[f64], n: &[f64]) -> Diff {
    let mut d = Diff { max_abs: 0.0, mean_abs: 0.0, max_rel: 0.0 };
    for (&a, &n) in a.iter().zip(n) {
        let abs = (a - n).abs();
        d.max_abs = d.max_abs.max(abs);
        d.mean_abs += abs;
        d.max_rel = d.max_rel.max(abs / (a.abs() + n.abs()).max(REL_FLOOR));
    }
    d.mean_abs /= a.len().max(1) as f64;
    d
}

/// The first `n` training images as an (n, 784) batch scaled to [0, 1], and their one-hot labels.
fn first_images(data: &Dataset, n: usize) -> (Matrix<f64>, Matrix<f64>) {
    let p = data.input_size();
    let mut x = vec![0.0; n * p];
    gather(&data.train.images, 0..n, &pixel_scale::<f64>(), &mut x);
    let labels: Vec<usize> = data.train.labels[..n].iter().map(|&l| usize::from(l)).collect();
    (Matrix::from_vec(n, p, x), Matrix::one_hot(&labels, data.classes))
}

/// Mean time of `f` over repeated calls for at least ~50 ms (at least one call).
fn time_repeated<R>(mut f: impl FnMut() -> R) -> (R, Duration) {
    let start = Instant::now();
    let mut calls = 0u32;
    loop {
        let r = f();
        calls += 1;
        if start.elapsed() >= Duration::from_millis(50) {
            return (r, start.elapsed() / calls);
        }
    }
}

/// Runs `descent gradcheck`.
pub fn run(flags: &Flags) -> Result<(), CliError> {
    let usage_error = |m: String| CliError::usage(Some("gradcheck"), m);
    let images = flags.images.unwrap_or(3);
    // A saved net (--load) sets the hidden size.
    let loaded_net = match &flags.load {
        Some(path) => {
            let net = model::Loaded::read(path, None)?.net::<f64>()?;
            if let Some(h) = flags.hidden.filter(|&h| h != net.hidden_size()) {
                return Err(usage_error(format!(
                    "--hidden {h} and --load {}: the loaded net has {} hidden units; leave --hidden out",
                    path.display(),
                    net.hidden_size()
                )));
            }
            Some((path.clone(), net))
        }
        None => None,
    };
    let hidden = loaded_net.as_ref().map_or(flags.hidden.unwrap_or(50), |(_, n)| n.hidden_size());
    let seed = flags.seed.unwrap_or(SeedArg::Fixed(42));
    if images == 0 {
        return Err(usage_error("--images must be at least 1".into()));
    }
    // The hidden size's bounds are the training settings' (the schema's).
    schema::HIDDEN.check(hidden as f64).map_err(|e| CliError::config("gradcheck", &e))?;
    // The budget for MNIST's 784 pixels before reading the data, then for the data's own size.
    check_gradient_check(images, 784, hidden, 10).map_err(|e| usage_error(format!("{e} (--images, --hidden)")))?;
    check_work(images, 784, hidden, 10)?;
    let loaded = data::load(flags.data.as_deref())?;
    let data = &loaded.data;
    let train = data.train.len();
    if images > train {
        return Err(if flags.images.is_some() {
            usage_error(format!(
                "--images {images} is more than the training set: in {}, {}; use at most {train}",
                loaded.dir.display(),
                data::holds_images(train)
            ))
        } else {
            data::too_few_images(
                "check",
                &loaded.dir,
                train,
                &format!("the default --images {images}"),
                &format!("pass --images {train} or less, or use a full training file"),
            )
        });
    }
    check_gradient_check(images, data.input_size(), hidden, data.classes)
        .map_err(|e| usage_error(format!("{e} (--images, --hidden)")))?;
    check_work(images, data.input_size(), hidden, data.classes)?;
    let (seed, drawn) = seed.resolve()?;
    let (net, from) = match loaded_net {
        Some((path, net)) => {
            if (net.input_size(), net.output_size()) != (data.input_size(), data.classes) {
                return Err(CliError::failed(format!(
                    "{} (--load): {}",
                    path.display(),
                    descent_core::Error::NetDoesNotFit {
                        net_input: net.input_size(),
                        net_classes: net.output_size(),
                        data_input: data.input_size(),
                        data_classes: data.classes,
                    }
                )));
            }
            (net, From::File(path))
        }
        None => (
            TwoLayerNet::<f64>::new(data.input_size(), hidden, data.classes, 0.01, &mut Rng::new(seed)),
            From::Seed(seed),
        ),
    };
    let check = Check::run(data, images, net, from);
    if flags.json {
        print_json(&check.to_json())
    } else {
        let first = if drawn { seed::line(seed) } else { String::new() };
        print(&(first + &check.to_text()))
    }
}

/// Refuses a check that would run for more than [`MAX_MULTIPLY_ADDS`].
fn check_work(images: usize, input: usize, hidden: usize, output: usize) -> Result<(), CliError> {
    let work = multiply_adds(images, input, hidden, output);
    if work <= MAX_MULTIPLY_ADDS {
        return Ok(());
    }
    let time = time_at(work, 6e9);
    Err(CliError::usage(
        Some("gradcheck"),
        format!(
            "a gradient check on {images} images with {hidden} hidden units needs about {work:.1e} multiply-adds \
         (2 forward passes for each of its {} parameters), about {time} here, more than the {MAX_MULTIPLY_ADDS:.1e} \
         (about 10 minutes) descent allows: lower the images or the hidden units (--images, --hidden)",
            (input + 1) * hidden + (hidden + 1) * output
        ),
    ))
}

/// Where the checked net came from.
#[derive(Debug)]
enum From {
    /// The book's init (std 0.01) from this seed.
    Seed(u64),
    /// A model file.
    File(PathBuf),
}

/// One gradient check: the net's shape, both gradients' distance and their times.
#[derive(Debug)]
struct Check {
    images: usize,
    input: usize,
    hidden: usize,
    output: usize,
    from: From,
    /// Per tensor (W1, b1, W2, b2): element count and distance.
    params: Vec<(usize, Diff)>,
    numerical_time: Duration,
    analytic_time: Duration,
}

impl Check {
    /// Builds the net, computes both gradients on the first `images` images, compares them.
    fn run(data: &Dataset, images: usize, mut net: TwoLayerNet<f64>, from: From) -> Self {
        let (input, hidden, output) = (net.input_size(), net.hidden_size(), net.output_size());
        let (x, t) = first_images(data, images);
        let (analytic, analytic_time) = time_repeated(|| net.gradient(&x, &t));
        let start = Instant::now();
        let numerical = net.numerical_gradient(&x, &t);
        let numerical_time = start.elapsed();
        let params = (0..4).map(|k| (analytic.part(k).len(), diff(analytic.part(k), numerical.part(k)))).collect();
        Self { images, input, hidden, output, from, params, numerical_time, analytic_time }
    }

    fn to_json(&self) -> serde_json::Value {
        let params: Vec<_> = self
            .params
            .iter()
            .zip(Params::<f64>::NAMES)
            .map(|(&(count, d), name)| {
                json!({"name": name, "count": count, "max_abs_diff": d.max_abs,
                       "mean_abs_diff": d.mean_abs, "max_rel_diff": d.max_rel})
            })
            .collect();
        let mut out = json!({
            "images": self.images, "input": self.input, "hidden": self.hidden, "output": self.output,
            "params": params, "numerical_s": self.numerical_time.as_secs_f64(),
            "analytic_s": self.analytic_time.as_secs_f64(),
            "relative_diff": format!("|a - n| / max(|a| + |n|, {REL_FLOOR:e})"),
        });
        match &self.from {
            From::Seed(seed) => out["seed"] = json!(seed),
            From::File(path) => out["file"] = json!(path.display().to_string()),
        }
        out
    }

    fn to_text(&self) -> String {
        let mut out = format!(
            "TwoLayerNet({}, {}, {}), f64, {}, on the first {} training image(s)\n\n",
            self.input,
            self.hidden,
            self.output,
            match &self.from {
                From::Seed(seed) => format!("weight_init_std 0.01, seed {seed}"),
                From::File(path) => format!("the net in {}", path.display()),
            },
            self.images
        );
        out.push_str(&format!(
            "{:<6}{:>9}  {:>12}  {:>12}  {:>12}\n",
            "param", "elements", "max |a−n|", "mean |a−n|", "max rel"
        ));
        for (&(count, d), name) in self.params.iter().zip(Params::<f64>::NAMES) {
            out.push_str(&format!(
                "{name:<6}{count:>9}  {:>12.3e}  {:>12.3e}  {:>12.3e}\n",
                d.max_abs, d.mean_abs, d.max_rel
            ));
        }
        let total: usize = self.params.iter().map(|(c, _)| c).sum();
        out.push_str(&format!(
            "\nnumerical gradient  {:>10.3} ms  ({} forward passes)\n\
             analytic gradient   {:>10.3} ms  (1 forward + 1 backward pass)\n\
             relative difference: |a − n| / max(|a| + |n|, {REL_FLOOR:e}). Expect about 5e-7 even for a correct\n\
             gradient, from δ = 1e-7 in the loss's log, which backprop's y − t leaves out; more where the\n\
             images' contributions to an element cancel (see --help)\n",
            self.numerical_time.as_secs_f64() * 1e3,
            2 * total,
            self.analytic_time.as_secs_f64() * 1e3
        ));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_uses_the_floor() {
        let d = diff(&[1.0, 0.0, 1e-12], &[1.0 + 1e-9, 0.0, 2e-12]);
        assert!((d.max_abs - 1e-9).abs() < 1e-15);
        // 1e-12 / max(3e-12, 1e-8) = 1e-4 dominates 1e-9 / 2
        assert!((d.max_rel - 1e-4).abs() < 1e-10, "{d:?}");
    }
}
