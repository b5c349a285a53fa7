//! `descent bench`: where a training iteration's time goes, and what a full
//! evaluation costs, in f32 and f64. Figures only: nothing here is a test.

use std::path::PathBuf;
use std::time::Instant;

use descent_core::bench::time_iterations;
use descent_core::pair::Helper;
use descent_core::{Dataset, Float, OneThread, Pair, TrainConfig, Trainer};
use serde_json::json;

use super::{print, print_json};
use crate::args::{DATA_HELP, JSON_HELP, whole};
use crate::data;
use crate::error::CliError;

/// `--precision` or `--threads` of bench: one, or both.
#[derive(Debug, Clone, Copy)]
pub struct Which<T: 'static>(pub &'static [T]);

impl Which<&'static str> {
    /// `f32`, `f64` or `both`.
    pub fn parse_precision(s: &str) -> Result<Self, String> {
        match s.trim() {
            "f32" => Ok(Self(&["f32"])),
            "f64" => Ok(Self(&["f64"])),
            "both" => Ok(Self(&["f32", "f64"])),
            _ => Err("f32, f64 or both".into()),
        }
    }
}

impl Which<usize> {
    /// `1`, `2` or `both`.
    pub fn parse_threads(s: &str) -> Result<Self, String> {
        match s.trim() {
            "1" => Ok(Self(&[1])),
            "2" => Ok(Self(&[2])),
            "both" => Ok(Self(&[1, 2])),
            _ => Err("1, 2 or both".into()),
        }
    }
}

/// What it computes (and the book script it ports).
pub const ABOUT: &str =
    "milliseconds per training iteration (gather, forward, backward + update) and per full evaluation";

/// The notes after the flags in `--help`.
pub const NOTES: &str = "The book's run (784-50-10, batch 100, lr 0.1): three rounds of 50 untimed iterations then --iters timed\n\
            ones (the fastest round is reported), each split into gather (draw 100 indices with replacement and touch the images' pixel lists, which the products then read in place), forward\n\
            (to softmax, plus the batch loss) and back+upd (every gradient and the SGD update, fused: W1 is\n\
            updated straight from the batch without forming dW1). The evaluation is\n\
            the per-epoch accuracy over all 60000 training and 10000 test images, timed 3 times after one\n\
            untimed run, mean reported (on every core). With 2 threads a helper thread computes half of each\n\
            iteration's two big products (as `descent train` does while no evaluation is under way).\n\
            Run it on an idle machine; a release build is assumed.";

/// Its flags.
#[derive(Debug, clap::Args)]
pub struct Flags {
    #[arg(long, value_name = "N", value_parser = whole, help = "timed iterations (default 300, after 50 warm-up ones; at most 100000)")]
    pub iters: Option<usize>,
    #[arg(long, value_name = "f32|f64|both", value_parser = Which::parse_precision, help = "which float types (default both)")]
    pub precision: Option<Which<&'static str>>,
    #[arg(long, value_name = "1|2|both", value_parser = Which::parse_threads, help = "training threads: 1, or 2 with a helper for the products (default both)")]
    pub threads: Option<Which<usize>>,
    #[arg(long, value_name = "DIR", value_parser = clap::value_parser!(PathBuf), help = DATA_HELP)]
    pub data: Option<PathBuf>,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}

/// The most timed iterations: each round runs them all, 3 rounds for each
/// precision and thread count, so 100000 (about 100 s a round in a release
/// build) already takes 20 minutes with both precisions and both thread counts.
pub const MAX_ITERS: usize = 100_000;
/// Untimed iterations before the timed ones.
pub const WARMUP: usize = 50;
/// Timed full evaluations (after one untimed).
pub const EVAL_REPEATS: u32 = 3;
/// Rounds of timed iterations; the fastest round is reported.
pub const ROUNDS: usize = 3;

/// One precision's figures, all in milliseconds.
#[derive(Debug, Clone, Copy)]
struct Figures {
    name: &'static str,
    threads: usize,
    per_iter: f64,
    /// gather, forward, backward + update: per iteration.
    parts: [f64; 3],
    eval: f64,
}

/// The parts of an iteration, in [`Figures::parts`] order.
const PART_NAMES: [&str; 3] = ["gather", "forward", "back+upd"];

/// Runs `descent bench`.
pub fn run(flags: &Flags) -> Result<(), CliError> {
    let iters = flags.iters.unwrap_or(300);
    if iters == 0 || iters > MAX_ITERS {
        return Err(CliError::usage(
            Some("bench"),
            format!(
                "--iters must be within 1..={MAX_ITERS} for bench, got {iters}: each of the {ROUNDS} rounds, for each \
             precision and thread count, runs them all (the default 300 gives steady figures)"
            ),
        ));
    }
    let names = flags.precision.map_or(&["f32", "f64"][..], |w| w.0);
    let threads = flags.threads.map_or(&[1, 2][..], |w| w.0);
    let loaded = data::load(flags.data.as_deref())?;
    let (train, batch) = (loaded.data.train.len(), TrainConfig::default().batch_size);
    if train < batch {
        return Err(data::too_few_images(
            "bench",
            &loaded.dir,
            train,
            &format!("bench's batch of {batch}"),
            &format!("bench needs at least {batch} training images (MNIST's training set has 60000)"),
        ));
    }
    // The book's run on this data, within the memory budget (and every other check) before timing it.
    Trainer::<f64>::new(TrainConfig { iters: 1, ..TrainConfig::default() }, &loaded.data)
        .map_err(|e| CliError::failed(format!("cannot bench on the MNIST files in {}: {e}", loaded.dir.display())))?;
    let figures: Vec<Figures> = names
        .iter()
        .flat_map(|&n| {
            if n == "f32" {
                measure::<f32>(&loaded.data, iters, threads)
            } else {
                measure::<f64>(&loaded.data, iters, threads)
            }
        })
        .collect();
    if flags.json {
        print_json(&to_json(&figures, iters, &loaded.data))
    } else {
        print(&to_text(&figures, iters, &loaded.data))
    }
}

/// One JSON object: the run's shape and one result per precision.
fn to_json(figures: &[Figures], iters: usize, data: &Dataset) -> serde_json::Value {
    let c = TrainConfig::default();
    let results: Vec<_> = figures
        .iter()
        .map(|f| {
            json!({"precision": f.name, "threads": f.threads, "ms_per_iter": f.per_iter, "gather_ms": f.parts[0], "forward_ms": f.parts[1],
                   "backward_update_ms": f.parts[2], "eval_ms": f.eval,
                   "eval_images": data.train.len() + data.test.len()})
        })
        .collect();
    json!({"iters": iters, "warmup": WARMUP, "batch": c.batch_size, "hidden": c.hidden, "results": results})
}

/// A header line and a table: one row per precision, milliseconds.
fn to_text(figures: &[Figures], iters: usize, data: &Dataset) -> String {
    let c = TrainConfig::default();
    let mut out = format!(
        "TwoLayerNet {}-{}-{}, batch {}: {iters} timed iterations after {WARMUP} warm-up, fastest of {ROUNDS} rounds; \
         evaluation = {} + {} images, mean of {EVAL_REPEATS}\n\n",
        data.input_size(),
        c.hidden,
        data.classes,
        c.batch_size,
        data.train.len(),
        data.test.len()
    );
    out.push_str(&format!("{:<6}{:>8}{:>9}", "ms", "threads", "per iter"));
    for p in PART_NAMES {
        out.push_str(&format!("{p:>10}"));
    }
    out.push_str(&format!("{:>12}\n", "evaluation"));
    for f in figures {
        out.push_str(&format!("{:<6}{:>8}{:>9.3}", f.name, f.threads, f.per_iter));
        for p in f.parts {
            out.push_str(&format!("{p:>10.3}"));
        }
        out.push_str(&format!("{:>12.1}\n", f.eval));
    }
    out
}

/// Times the book's iteration part by part (the core's own measurement, with
/// this process's clock) on each of `threads` training threads, then a full
/// evaluation (once: it does not depend on them), in T. `data` must hold at
/// least a batch of training images (checked by the caller).
fn measure<T: Float>(data: &Dataset, iters: usize, threads: &[usize]) -> Vec<Figures> {
    let clock = Instant::now();
    let times: Vec<_> = threads
        .iter()
        .map(|&n| {
            let pair: Box<dyn Pair> = if n >= 2 { Box::new(Helper::new()) } else { Box::new(OneThread) };
            // The fastest of ROUNDS rounds: this is a shared machine, and a slow spell only ever adds time.
            (0..ROUNDS)
                .map(|_| time_iterations::<T>(data, WARMUP, iters, &*pair, || clock.elapsed().as_secs_f64() * 1e3))
                .min_by(|a, b| a.per_iter.total_cmp(&b.per_iter))
                .expect("ROUNDS ≥ 1")
        })
        .collect();
    let mut trainer =
        Trainer::<T>::new(TrainConfig::default(), data).expect("config validated against this data by the caller");
    std::hint::black_box(trainer.evaluate(data));
    let start = Instant::now();
    for _ in 0..EVAL_REPEATS {
        std::hint::black_box(trainer.evaluate(data));
    }
    let eval = start.elapsed().as_secs_f64() * 1e3 / f64::from(EVAL_REPEATS);
    threads
        .iter()
        .zip(times)
        .map(|(&threads, t)| Figures {
            name: T::NAME,
            threads,
            per_iter: t.per_iter,
            parts: [t.gather, t.forward, t.backward_update],
            eval,
        })
        .collect()
}
