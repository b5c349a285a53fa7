//! `descent train`: the book's `train_neuralnet.py` on real MNIST, with a
//! progress bar, JSON lines, CSV and the book's two figures.

use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use descent_core::pair::Helper;
use descent_core::schema::{self, Field};
use descent_core::{
    ConfigError, Error, EvalJob, Evaluation, Float, NotLearning, OneThread, Pair, TrainConfig, Trainer,
};
use serde_json::json;

use super::{check_writable, print, print_json, warn};
use crate::args::{DATA_HELP, JSON_HELP, Precision, finite, setting_help, whole};
use crate::data::{self, Loaded};
use crate::error::CliError;
use crate::format::py_float;
use crate::model;
use crate::progress::{Progress, duration};
use crate::seed::{self, SeedArg};
use crate::svg;
use descent_core::model::Format;

/// What it computes (and the book script it ports).
pub const ABOUT: &str = "train TwoLayerNet on MNIST with mini-batch SGD (book 4.5, train_neuralnet.py)";

/// The notes after the flags in `--help`.
pub const NOTES: &str = "Prints the book's `train acc, test acc | a, b` at each epoch (the accuracy over all 60000\n\
            training and 10000 test images), then a final evaluation and the time taken. Mini-batches are\n\
            drawn with replacement, as np.random.choice does. An epoch is ⌈60000 / batch⌉ iterations\n\
            (600 for the book's batch of 100, so 10000 iterations evaluate 17 times: i = 0, 600, …, 9600);\n\
            the book's float modulo would rarely fire for a batch that does not divide 60000.\n\
            A progress bar (iterations/s, ETA) is drawn on stderr when it is a terminal (never with --json).\n\
            --json: one object per evaluation {iter, epoch, train_acc, test_acc, loss}, then\n\
            {final: true, train_acc, test_acc, elapsed_s, ms_per_iter, eval_s, ...}. elapsed_s covers the\n\
            training loop with its evaluations (not reading MNIST, not the final evaluation). Evaluations run\n\
            on a second thread beside training (same figures); eval_s is that thread's busy time, and\n\
            ms_per_iter is the time to the end of the last iteration over the iterations.\n\
            --threads 2 (the default on two cores or more): while no evaluation is under way, a helper\n\
            thread computes half of each iteration's two big products (the batch's first layer by images,\n\
            the update of W1 by its rows); every number is the same to the bit as with --threads 1.\n\
            --out DIR: loss.csv (iter,loss), accuracy.csv (iter,epoch,train_acc,test_acc), loss.svg (every\n\
            iteration beside the first 1000) and accuracy.svg (train solid, test dashed, per epoch). The folder\n\
            is created if missing and checked before training starts (a folder, its four files writable). A run\n\
            that diverges writes them too, with the losses and evaluations up to then, and its error says so.\n\
            Not learning: once past the first epoch and 200 iterations, if the mean loss of the last 100\n\
            iterations is above 1.5 × ln 10 (ln 10 = 2.30 is the loss of guessing), the run warns once on\n\
            stderr (with --json: {\"warning\": message, \"kind\": \"not_learning\", \"iter\", \"recent_loss\"}) and\n\
            repeats it at the end of its results on stdout: a last line `warning: …` (with --json: a\n\
            \"warning\" field in the final object).\n\
            --save PATH: the trained net (W1, b1, W2, b2, in the run's float type) as .npz (numpy.load opens it;\n\
            it also holds config.json and the run's loss, eval_iter, train_acc, test_acc) or .pkl (the book's\n\
            pickle of the params dict, which its load_params reads), by the extension; checked before training.\n\
            --load PATH: start from that net (.npz or .pkl) instead of the random init: the hidden size is the\n\
            net's, --init-std is not used, the batches come from --seed; the float type is the file's unless\n\
            --precision says otherwise.\n\
            --seed random: a seed from 0 to 2^53 − 1 drawn from the operating system, printed as the first line\n\
            `seed N` (with --json: the final object's \"seed\", always there); --seed N runs the same again.\n\
            Limits: the data needs at least 1 test image and at least a batch of training images; the run's\n\
            memory (weights, batch buffers, loss history, data) must fit descent's 2 GiB budget.";

/// Its flags.
#[derive(Debug, clap::Args)]
pub struct Flags {
    #[arg(long, value_name = "N", value_parser = whole, help = setting_help(&schema::ITERS, ""))]
    pub iters: Option<usize>,
    #[arg(long, value_name = "N", value_parser = whole, help = setting_help(&schema::BATCH, ""))]
    pub batch: Option<usize>,
    #[arg(long, value_name = "LR", value_parser = finite, help = setting_help(&schema::LR, ""))]
    pub lr: Option<f64>,
    #[arg(long, value_name = "H", value_parser = whole, help = setting_help(&schema::HIDDEN, ""))]
    pub hidden: Option<usize>,
    #[arg(long = "init-std", value_name = "S", value_parser = finite, help = setting_help(&schema::INIT_STD, ""))]
    pub init_std: Option<f64>,
    #[arg(long, value_name = "S|random", value_parser = SeedArg::parse, help = setting_help(&schema::SEED, "; random: a fresh one, printed"))]
    pub seed: Option<SeedArg>,
    #[arg(long, value_name = "f32|f64", value_parser = Precision::parse, help = "float type of the net (default f64, as numpy in the book)")]
    pub precision: Option<Precision>,
    #[arg(long, value_name = "1|2", value_parser = whole, help = "training threads (default 2 where there are 2 cores or more; same results)")]
    pub threads: Option<usize>,
    #[arg(long, value_name = "DIR", value_parser = clap::value_parser!(PathBuf), help = "write loss.csv, accuracy.csv, loss.svg and accuracy.svg there")]
    pub out: Option<PathBuf>,
    #[arg(long, value_name = "PATH", value_parser = clap::value_parser!(PathBuf), help = "write the trained net there: .npz (numpy, with the run's config and history) or .pkl (the book's pickle)")]
    pub save: Option<PathBuf>,
    #[arg(long, value_name = "PATH", value_parser = clap::value_parser!(PathBuf), help = "start from a saved net (.npz or .pkl) instead of the random init")]
    pub load: Option<PathBuf>,
    #[arg(long, value_name = "DIR", value_parser = clap::value_parser!(PathBuf), help = DATA_HELP)]
    pub data: Option<PathBuf>,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}

/// Pixels of an MNIST image and its classes: the size the memory budget is
/// first checked for, before the data is read (and again on the data read).
const MNIST_INPUT: usize = 784;
const MNIST_CLASSES: usize = 10;

/// A flag's value, or the schema's default; checked against the schema's
/// bounds ([`Field::check`], the page's check too).
fn setting(value: Option<f64>, field: &'static Field) -> Result<f64, CliError> {
    let v = value.unwrap_or(field.default);
    field.check(v).map_err(|e| CliError::config("train", &e))?;
    Ok(v)
}

/// The run's config from the flags, checked before any data is read: each
/// flag against its field of the schema (the same bounds and messages as the
/// page's form), then the config as a whole. The flag says whether the seed
/// was drawn (`--seed random`).
fn config(flags: &Flags, precision: Precision) -> Result<(TrainConfig, bool), CliError> {
    let whole = |v: Option<usize>| v.map(|v| v as f64);
    // Whole numbers: the check refuses a fraction, so `as usize` is exact.
    let hidden = setting(whole(flags.hidden), &schema::HIDDEN)? as usize;
    let lr = setting(flags.lr, &schema::LR)?;
    let batch_size = setting(whole(flags.batch), &schema::BATCH)? as usize;
    let iters = setting(whole(flags.iters), &schema::ITERS)? as usize;
    let weight_init_std = setting(flags.init_std, &schema::INIT_STD)?;
    let (seed, drawn) = flags.seed.unwrap_or(SeedArg::Fixed(schema::SEED.default as u64)).resolve()?;
    // Above 2⁵³ the conversion rounds up, so a seed past the schema's largest is still refused.
    setting(Some(seed as f64), &schema::SEED)?;
    let config = TrainConfig { hidden, lr, batch_size, iters, weight_init_std, seed };
    let config_error = |e: ConfigError| CliError::config("train", &e);
    // The training-set size bounds the batch; it is checked again once the data is read.
    config.validate(usize::MAX).map_err(config_error)?;
    // The memory budget for MNIST-sized images, before reading 55 MB of them
    // (`Trainer::new` checks again with the data's own size).
    config.check_memory(MNIST_INPUT, MNIST_CLASSES, float_bytes(precision), 0).map_err(config_error)?;
    Ok((config, drawn))
}

/// Bytes of a float of the precision.
fn float_bytes(p: Precision) -> usize {
    match p {
        Precision::F32 => 4,
        Precision::F64 => 8,
    }
}

/// The files `--out` writes.
const OUT_FILES: [&str; 4] = ["loss.csv", "accuracy.csv", "loss.svg", "accuracy.svg"];

/// Makes sure `--out DIR` can take the run's files, before the run: a folder
/// (created if missing), each of its four files writable (an existing one is
/// opened for writing without being changed; a missing one is created and
/// removed again). A run is never lost to an output folder it cannot write.
fn prepare_out(dir: &Path) -> Result<(), CliError> {
    let shown = dir.display();
    if dir.exists() && !dir.is_dir() {
        return Err(CliError::failed(format!(
            "--out {shown} is a file, not a folder: --out takes a folder (created if missing) for {}",
            OUT_FILES.join(", ")
        )));
    }
    std::fs::create_dir_all(dir)
        .map_err(|e| CliError::failed(format!("cannot create the --out folder {shown}: {e}")))?;
    for name in OUT_FILES {
        let path = dir.join(name);
        let cannot = |e: std::io::Error| {
            CliError::failed(format!(
                "cannot write {} (--out): {e}; choose another --out folder or make this one writable",
                path.display()
            ))
        };
        if path.is_dir() {
            return Err(CliError::failed(format!(
                "{} is a folder, so --out cannot write its {name} there: remove it or choose another --out folder",
                path.display()
            )));
        }
        check_writable(&path).map_err(cannot)?;
    }
    Ok(())
}

/// What `run` needs besides the config and the data.
struct Options {
    json: bool,
    /// `--save`: where and in which format.
    save: Option<(PathBuf, Format)>,
    /// The seed was drawn (`--seed random`): say which, first.
    drawn_seed: bool,
    out: Option<PathBuf>,
    /// Training threads: 1, or 2 with a helper for the products.
    threads: usize,
}

/// `--threads`: 1 or 2; by default 2 where the machine has two cores or more.
pub fn threads(threads: Option<usize>) -> Result<usize, CliError> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let n = threads.unwrap_or(if cores >= 2 { 2 } else { 1 });
    if !(1..=2).contains(&n) {
        return Err(CliError::usage(Some("train"), format!("--threads is 1 or 2, not {n}")));
    }
    Ok(n)
}

/// Runs `descent train`.
pub fn run(flags: &Flags) -> Result<(), CliError> {
    // A net to start from: its file is read (and its float type taken) before anything else.
    let load = flags.load.as_deref().map(|path| model::Loaded::read(path, flags.precision)).transpose()?;
    let precision = load.as_ref().map_or(flags.precision.unwrap_or(Precision::F64), |l| l.precision);
    let (config, drawn_seed) = config(flags, precision)?;
    let threads = threads(flags.threads)?;
    let out = flags.out.clone();
    if let Some(dir) = &out {
        prepare_out(dir)?;
    }
    let save = match &flags.save {
        Some(path) => Some((path.clone(), model::prepare_save("train", path)?)),
        None => None,
    };
    let loaded = data::load(flags.data.as_deref())?;
    let opts = Options { json: flags.json, save, drawn_seed, out, threads };
    match precision {
        Precision::F32 => start::<f32>(config, load.as_ref(), flags, &loaded, &opts),
        Precision::F64 => start::<f64>(config, load.as_ref(), flags, &loaded, &opts),
    }
}

/// The run in T: from the book's random init, or from the net of `--load`
/// (whose hidden size it takes; a `--hidden` that says otherwise is a usage error).
fn start<T: Float>(
    config: TrainConfig,
    load: Option<&model::Loaded>,
    flags: &Flags,
    loaded: &Loaded,
    opts: &Options,
) -> Result<(), CliError> {
    let trainer = match load {
        None => Trainer::new(config, &loaded.data),
        Some(file) => {
            let net = file.net::<T>()?;
            if let Some(h) = flags.hidden.filter(|&h| h != net.hidden_size()) {
                return Err(CliError::usage(
                    Some("train"),
                    format!(
                        "--hidden {h} and --load {}: the loaded net has {} hidden units; leave --hidden out to go on training it",
                        file.path.display(),
                        net.hidden_size()
                    ),
                ));
            }
            Trainer::with_net(config, &loaded.data, net)
        }
    };
    train::<T>(trainer.map_err(|e| trainer_error(e, flags, loaded))?, loaded, opts)
}

/// Why a trainer could not be made, as the CLI reports it: a config field at
/// fault is a usage error naming it; a batch larger than the training set
/// that the user did not ask for is the data's fault (it has fewer images
/// than the default batch); the rest is a data error.
fn trainer_error(e: Error, flags: &Flags, loaded: &Loaded) -> CliError {
    match e {
        Error::Config(ConfigError::BatchTooLarge { batch_size, train_size }) if flags.batch.is_none() => {
            data::too_few_images(
                "train",
                &loaded.dir,
                train_size,
                &format!("the default batch of {batch_size}"),
                &format!(
                    "the training set needs at least a batch of images; pass --batch {train_size} or less, \
                     or use a full training file (MNIST's has 60000 images)"
                ),
            )
        }
        Error::Config(ce) => CliError::config("train", &ce),
        e => CliError::failed(format!("cannot train on the MNIST files in {}: {e}", loaded.dir.display())),
    }
}

/// The book's evaluation line.
pub fn book_line(train_acc: f64, test_acc: f64) -> String {
    format!("train acc, test acc | {}, {}", py_float(train_acc), py_float(test_acc))
}

/// Times of a finished run.
struct Timing {
    /// From the first iteration to the last evaluation.
    elapsed: Duration,
    /// From the first iteration to the end of the last.
    training: Duration,
    /// Time the evaluation thread spent evaluating (beside training).
    evaluating: Duration,
    /// The not-learning warning, if the run gave it.
    not_learning: Option<NotLearning>,
}

/// Trains in T, printing as it goes, then the final evaluation and the files.
fn train<T: Float>(mut trainer: Trainer<T>, loaded: &Loaded, opts: &Options) -> Result<(), CliError> {
    let data = &loaded.data;
    if !opts.json {
        if opts.drawn_seed {
            print(&seed::line(trainer.config().seed))?;
        }
        print(&header::<T>(trainer.config(), loaded))?;
    }
    let timing = match run_loop(&mut trainer, data, opts.json, opts.threads) {
        Ok(t) => t,
        Err(e) => return Err(save_after_error(e, &mut trainer, opts)),
    };
    let (train_acc, test_acc) = trainer.evaluate(data);
    let iters = trainer.iter();
    let elapsed = timing.elapsed.as_secs_f64();
    // Iterations with the evaluations running beside them on another thread.
    let ms_per_iter = timing.training.as_secs_f64() * 1e3 / iters as f64;
    if opts.json {
        let mut summary = json!({
            "final": true, "train_acc": train_acc, "test_acc": test_acc, "elapsed_s": elapsed,
            "ms_per_iter": ms_per_iter, "eval_s": timing.evaluating.as_secs_f64(), "iters": iters, "precision": T::NAME,
            "threads": opts.threads, "seed": trainer.config().seed,
        });
        if let Some(w) = &timing.not_learning {
            summary["warning"] = json!(w.to_string());
        }
        print_json(&summary)?;
    } else {
        let evals = trainer.evals().len();
        let long = if elapsed >= 60.0 { format!(" ({})", duration(elapsed)) } else { String::new() };
        print(&format!(
            "final {}\n{iters} iterations in {elapsed:.2} s{long} on {} training thread{}: {ms_per_iter:.3} ms per \
             iteration; {evals} evaluation{} took {:.2} s on another thread, beside training; reading MNIST took {:.2} s\n",
            book_line(train_acc, test_acc),
            opts.threads,
            if opts.threads == 1 { "" } else { "s" },
            if evals == 1 { "" } else { "s" },
            timing.evaluating.as_secs_f64(),
            loaded.elapsed.as_secs_f64()
        ))?;
        if let Some(w) = &timing.not_learning {
            print(&format!("warning: {w}\n"))?;
        }
    }
    if let Some(dir) = &opts.out {
        write_outputs(dir, trainer.losses(), trainer.evals())?;
        if !opts.json {
            print(&format!("wrote loss.csv, accuracy.csv, loss.svg, accuracy.svg to {}\n", dir.display()))?;
        }
    }
    if let Some((path, format)) = &opts.save {
        let line = model::save(path, *format, &mut trainer)?;
        if !opts.json {
            print(&line)?;
        }
    }
    Ok(())
}

/// A run stopped by an error (a divergence, a closed stdout) keeps what it
/// made: with `--out`, the losses and evaluations so far are written, and the
/// error says where. Nothing is written when the run made nothing (a
/// divergence at iteration 0 leaves an earlier run's files as they were).
fn save_after_error<T: Float>(e: CliError, trainer: &mut Trainer<T>, opts: &Options) -> CliError {
    // The weights stop before the update that diverged, so they are finite: --save keeps them too.
    let e = match (&opts.save, e) {
        (Some((path, format)), CliError::Failed(m)) if trainer.iter() > 0 => {
            match model::save(path, *format, trainer) {
                Ok(_) => CliError::failed(format!(
                    "{m}; the net as it was before that iteration was saved to {}",
                    path.display()
                )),
                Err(w) => CliError::failed(format!("{m}; the net could not be saved: {w}")),
            }
        }
        (_, e) => e,
    };
    let Some(dir) = &opts.out else { return e };
    let (losses, evals) = (trainer.losses(), trainer.evals());
    if losses.is_empty() && evals.is_empty() {
        return e;
    }
    let written = write_outputs(dir, losses, evals);
    match (e, written) {
        (CliError::Failed(m), Ok(())) => CliError::failed(format!(
            "{m}; the run so far ({} loss{}, {} evaluation{}) was written to {}: {}",
            losses.len(),
            if losses.len() == 1 { "" } else { "es" },
            evals.len(),
            if evals.len() == 1 { "" } else { "s" },
            dir.display(),
            OUT_FILES.join(", ")
        )),
        (CliError::Failed(m), Err(w)) => CliError::failed(format!("{m}; the run so far could not be saved: {w}")),
        (e, _) => e,
    }
}

/// The text mode's first line: the net, the run and the data.
fn header<T: Float>(c: &TrainConfig, loaded: &Loaded) -> String {
    let d = &loaded.data;
    format!(
        "TwoLayerNet {}-{}-{} in {}: {} iterations of batch {}, lr {}, init std {}, seed {}; \
         MNIST from {} ({} train, {} test images)\n",
        d.input_size(),
        c.hidden,
        d.classes,
        T::NAME,
        c.iters,
        c.batch_size,
        py_float(c.lr),
        py_float(c.weight_init_std),
        c.seed,
        loaded.dir.display(),
        d.train.len(),
        d.test.len()
    )
}

/// Every iteration, with the progress bar and a line per evaluation.
///
/// Evaluations run on a second thread, beside training: at each epoch the
/// trainer hands out a copy of the weights ([`Trainer::step_detached`]), the
/// evaluation thread measures the accuracy with it while the next epoch trains,
/// and its line is printed when it is ready (in order; the last ones are waited
/// for). The figures are exactly those of evaluating in the loop.
fn run_loop<T: Float>(
    trainer: &mut Trainer<T>,
    data: &descent_core::Dataset,
    json: bool,
    threads: usize,
) -> Result<Timing, CliError> {
    let total = trainer.remaining();
    let progress = Progress::new(total, json);
    let start = Instant::now();
    let mut evaluating = Duration::ZERO;
    let mut training = Duration::ZERO;
    let mut not_learning = None;
    let result = std::thread::scope(|s| {
        // How many evaluations may be out is the trainer's to say (Trainer::must_wait,
        // the page's policy too): this thread and the channel only carry the jobs.
        let (jobs, job_rx) = mpsc::channel::<EvalJob<T>>();
        let (done_tx, done) = mpsc::channel::<(Evaluation, Duration)>();
        s.spawn(move || {
            for job in job_rx {
                let t = Instant::now();
                let e = job.run(data);
                if done_tx.send((e, t.elapsed())).is_err() {
                    break;
                }
            }
        });
        // With two threads: the helper runs half of each iteration's products
        // while no evaluation is under way (Trainer::helper_may_run: when one is,
        // the evaluation thread has the other core, and the helper would only
        // make training wait).
        let helper: Option<Arc<dyn Pair + Send + Sync>> = (threads >= 2).then(|| Arc::new(Helper::new()) as _);
        let one: Arc<dyn Pair + Send + Sync> = Arc::new(OneThread);
        if let Some(h) = &helper {
            trainer.set_pair(h.clone());
        }
        let mut report = |trainer: &mut Trainer<T>, progress: &Progress, (e, spent): (Evaluation, Duration)| {
            evaluating += spent;
            trainer.record(e);
            if let (true, Some(h)) = (trainer.helper_may_run(), &helper) {
                trainer.set_pair(h.clone());
            }
            progress.suspend(|| print_eval(&e, json))
        };
        let mut iterate = |trainer: &mut Trainer<T>, progress: &Progress| -> Result<(), CliError> {
            for n in 1..=total {
                // Tiny epochs: evaluations fall due faster than the other thread
                // gets through them; wait for one rather than pile up copies of the weights.
                while trainer.must_wait() {
                    let e = done.recv().expect("the evaluation thread stopped: it panicked (see above)");
                    report(trainer, progress, e)?;
                }
                let step = trainer.step_detached(data).map_err(|e| CliError::failed(e.to_string()))?;
                if let Some(e) = step.finished {
                    progress.suspend(|| print_eval(&e, json))?;
                }
                if let Some(job) = step.job {
                    // The evaluation thread only stops when this sender is dropped, or by panicking.
                    jobs.send(job).expect("the evaluation thread stopped: it panicked (see above)");
                    if helper.is_some() && !trainer.helper_may_run() {
                        trainer.set_pair(one.clone());
                    }
                }
                while let Ok(e) = done.try_recv() {
                    report(trainer, progress, e)?;
                }
                if not_learning.is_none() {
                    not_learning = trainer.learning_check();
                    if let Some(w) = &not_learning {
                        progress.suspend(|| {
                            warn(
                                json,
                                "not_learning",
                                &w.to_string(),
                                json!({"iter": w.iter, "recent_loss": w.recent_loss}),
                            )
                        });
                    }
                }
                progress.update(n, step.loss);
            }
            Ok(())
        };
        let result = iterate(trainer, &progress);
        // Training is over: the helper thread ends with this function.
        trainer.set_pair(one);
        training = start.elapsed();
        drop(jobs);
        // The evaluations still running, whatever stopped the loop: none is lost.
        let mut rest = Ok(());
        for e in done {
            if rest.is_ok() {
                rest = report(trainer, &progress, e);
            }
        }
        result.and(rest)
    });
    let elapsed = start.elapsed();
    // Whatever stopped the loop, leave no half-drawn bar behind.
    progress.finish();
    result.map(|()| Timing { elapsed, training, evaluating, not_learning })
}

/// One evaluation: the book's line, or a JSON object.
fn print_eval(e: &Evaluation, json: bool) -> Result<(), CliError> {
    if json {
        print_json(&json!({
            "iter": e.iter, "epoch": e.epoch, "train_acc": e.train_acc, "test_acc": e.test_acc, "loss": e.loss
        }))
    } else {
        print(&format!("{}\n", book_line(e.train_acc, e.test_acc)))
    }
}

/// loss.csv, accuracy.csv, loss.svg and accuracy.svg in `dir`.
fn write_outputs(dir: &Path, losses: &[f64], evals: &[Evaluation]) -> Result<(), CliError> {
    // The page's metrics downloads are the same text (descent_core::model::csv).
    let loss_csv = descent_core::model::csv::loss_csv(losses);
    let acc_csv = descent_core::model::csv::accuracy_csv(evals);
    let train: Vec<f64> = evals.iter().map(|e| e.train_acc).collect();
    let test: Vec<f64> = evals.iter().map(|e| e.test_acc).collect();
    let files = [
        ("loss.csv", loss_csv),
        ("accuracy.csv", acc_csv),
        ("loss.svg", svg::loss_figure(losses)),
        ("accuracy.svg", svg::accuracy_figure(&train, &test)),
    ];
    debug_assert_eq!(files.each_ref().map(|(n, _)| *n), OUT_FILES);
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::write(&path, text).map_err(|e| CliError::failed(format!("cannot write {}: {e}", path.display())))?;
    }
    Ok(())
}
