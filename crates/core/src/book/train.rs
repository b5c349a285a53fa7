//! The training loop of the book's `train_neuralnet.py`, resumable in chunks.
//!
//! Each iteration draws a mini-batch **with replacement** (`np.random.choice`),
//! computes the analytic gradient, and takes one SGD step. Once per epoch the
//! accuracy over the whole training and test sets is measured. The loop owns
//! every buffer it needs, so an iteration allocates nothing, and all of its
//! state (weights, RNG, counters) lives in [`Trainer`]: running 10000
//! iterations at once or in chunks of any size gives the same numbers.
//!
//! Two choices differ from the book, on purpose:
//! - **Epoch length.** The book evaluates when `i % (train_size / batch_size) == 0`
//!   with a float quotient; with a batch that does not divide the training set
//!   (e.g. 128: 468.75) that rarely hits. Here an epoch is
//!   ⌈train_size / batch_size⌉ iterations, the same 600 for the book's run.
//! - **Loss list.** The loss recorded for iteration i is the mini-batch loss of
//!   that iteration's own forward pass (before its update). The book runs a
//!   second forward pass after the update to get it, which costs a third more
//!   work and shifts the curve by one step.

use alloc::sync::Arc;
use alloc::vec;
use alloc::vec::Vec;
use core::ops::Range;

use crate::book::two_layer_net::{TwoLayerNet, Workspace, count_hits};
pub use crate::budget::TrainMemory;
use crate::budget::{MEMORY_BUDGET, product, sum};
use crate::engine::pair::{OneThread, Pair};
use crate::engine::panel::Panel;
use crate::engine::sparse::{Picked, PixelLists};
use crate::error::Error;
use crate::float::Float;
use crate::idx::{Dataset, Images, Split};
use crate::inspect::report::Predictions;
use crate::rng::Rng;
use crate::schema::{self, ConfigError};

/// Rows per block when measuring accuracy: bounds the scratch memory (and a
/// block of 256 images × 784 pixels of f32 stays in L2).
pub const EVAL_BLOCK: usize = 256;

/// Hyperparameters of a run. `Default` is the book's. Each field is described
/// (names, label, bounds, default) in [`schema::FIELDS`]; serialised, the
/// fields take the schema's names (`batch`, `initStd`).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct TrainConfig {
    /// Hidden units (50).
    pub hidden: usize,
    /// Learning rate η (0.1).
    pub lr: f64,
    /// Mini-batch size (100).
    #[serde(rename = "batch")]
    pub batch_size: usize,
    /// Iterations (10000).
    pub iters: usize,
    /// Std of the initial weights (0.01).
    #[serde(rename = "initStd")]
    pub weight_init_std: f64,
    /// Seed of the weights and of the mini-batch draws.
    pub seed: u64,
}

impl Default for TrainConfig {
    fn default() -> Self {
        // The book's values, from the schema.
        Self {
            hidden: schema::HIDDEN.default as usize,
            lr: schema::LR.default,
            batch_size: schema::BATCH.default as usize,
            iters: schema::ITERS.default as usize,
            weight_init_std: schema::INIT_STD.default,
            seed: schema::SEED.default as u64,
        }
    }
}

impl TrainConfig {
    /// Checks every field against [`schema::FIELDS`]; `train_size` bounds the batch size.
    pub fn validate(&self, train_size: usize) -> Result<(), ConfigError> {
        if !(self.lr.is_finite() && self.lr > 0.0) {
            return Err(ConfigError::LearningRate(self.lr));
        }
        if self.batch_size == 0 {
            return Err(ConfigError::BatchZero);
        }
        if self.batch_size > train_size {
            return Err(ConfigError::BatchTooLarge { batch_size: self.batch_size, train_size });
        }
        if self.hidden == 0 {
            return Err(ConfigError::HiddenZero);
        }
        if self.iters == 0 {
            return Err(ConfigError::ItersZero);
        }
        if !(self.weight_init_std.is_finite() && self.weight_init_std >= 0.0) {
            return Err(ConfigError::InitStd(self.weight_init_std));
        }
        // The schema's upper bounds, the same for the page and the CLI.
        schema::HIDDEN.check(self.hidden as f64)?;
        schema::ITERS.check(self.iters as f64)?;
        schema::SEED.check(self.seed as f64)
    }

    /// Iterations per epoch: ⌈train_size / batch_size⌉ (600 for the book's run).
    pub fn iter_per_epoch(&self, train_size: usize) -> usize {
        train_size.div_ceil(self.batch_size.max(1)).max(1)
    }

    /// Number of evaluations a full run makes (17 for the book's run).
    pub fn evaluations(&self, train_size: usize) -> usize {
        self.iters.div_ceil(self.iter_per_epoch(train_size))
    }

    /// The memory a [`Trainer`] with this config allocates, part by part, for
    /// images of `input` pixels, `output` classes, floats of `float_bytes`
    /// bytes (4 or 8) and a data set of `data_bytes` bytes
    /// ([`Dataset::memory_bytes`]; 0 to estimate before the data is read).
    /// See [`TrainMemory`] for what each part counts.
    pub fn memory(&self, input: usize, output: usize, float_bytes: usize, data_bytes: usize) -> TrainMemory {
        let (h, b, fb) = (self.hidden, self.batch_size, float_bytes);
        let params = sum(&[product(&[input, h]), h, product(&[h, output]), output]);
        // W1 in the training loop's layout: rows padded to 64-byte lines, one line of slack.
        let line = 64 / fb.max(1);
        let panel = product(&[input.saturating_add(1), h.div_ceil(line).saturating_mul(line)]);
        let weights = product(&[sum(&[product(&[params, TrainMemory::WEIGHT_COPIES]), panel]), fb]);
        let per_row = sum(&[product(&[2, h]), product(&[2, output]), 1]);
        let batch = sum(&[
            product(&[b, per_row, fb]),
            product(&[b, 3, core::mem::size_of::<usize>()]),
            product(&[crate::kernels::whole_vectors(h), output.saturating_add(1), fb]),
        ]);
        let evaluation = product(&[TrainMemory::EVAL_BUFFERS, EVAL_BLOCK, h.saturating_add(output), fb]);
        let history = product(&[self.iters, core::mem::size_of::<f64>()]);
        TrainMemory {
            input,
            hidden: h,
            batch_size: b,
            iters: self.iters,
            float_bytes: fb,
            data: data_bytes,
            weights,
            batch,
            evaluation,
            history,
        }
    }

    /// [`memory`](Self::memory), refused with [`ConfigError::OverBudget`] when
    /// its total exceeds [`MEMORY_BUDGET`]. [`Trainer::new`] calls it before
    /// allocating anything.
    pub fn check_memory(
        &self,
        input: usize,
        output: usize,
        float_bytes: usize,
        data_bytes: usize,
    ) -> Result<TrainMemory, ConfigError> {
        let m = self.memory(input, output, float_bytes, data_bytes);
        if m.total() > MEMORY_BUDGET { Err(ConfigError::OverBudget(m)) } else { Ok(m) }
    }
}

/// Iterations a run must have made before [`not_learning`] can fire (and it
/// must be past its first epoch).
pub const NOT_LEARNING_MIN_ITERS: usize = 200;
/// Iterations whose mean loss [`not_learning`] looks at.
pub const NOT_LEARNING_WINDOW: usize = 100;
/// [`not_learning`] fires when that mean exceeds this many times ln 10, the
/// loss of guessing each of the 10 digits with equal odds.
pub const NOT_LEARNING_FACTOR: f64 = 1.5;

/// A run that is not learning: its recent loss is far above that of guessing.
/// Its `Display` is the warning to show (once) and to repeat at the end.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct NotLearning {
    /// Iterations done when the rule fired.
    pub iter: usize,
    /// The mean loss of the last [`NOT_LEARNING_WINDOW`] iterations.
    pub recent_loss: f64,
    /// The run's learning rate, named in the warning when known
    /// ([`Trainer::learning_check`] fills it in; [`not_learning`] cannot).
    pub lr: Option<f64>,
}

impl core::fmt::Display for NotLearning {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let chance = core::f64::consts::LN_10;
        write!(
            f,
            "the network is not learning: after {} iterations the mean loss of the last {NOT_LEARNING_WINDOW} is {:.2}, \
             above {NOT_LEARNING_FACTOR} × {chance:.2} = {:.2} ({chance:.2} is the loss of guessing every digit with \
             equal odds); the learning rate",
            self.iter,
            self.recent_loss,
            NOT_LEARNING_FACTOR * chance
        )?;
        match self.lr {
            // Plain digits where they stay short (1000000), else 1e20.
            Some(lr) if (1e-4..1e7).contains(&lr.abs()) => write!(f, " ({lr})")?,
            Some(lr) => write!(f, " ({lr:e})")?,
            None => {}
        }
        f.write_str(" or the init std is probably too large: lower it and start again")
    }
}

/// The rule that tells a run that is not learning, the same for the CLI and
/// the page: once the run is past its first epoch (`losses.len() >
/// iter_per_epoch`) and has made at least [`NOT_LEARNING_MIN_ITERS`]
/// iterations, it is not learning if the mean of its last
/// [`NOT_LEARNING_WINDOW`] losses exceeds [`NOT_LEARNING_FACTOR`] × ln 10.
/// `losses` is the loss of every iteration so far ([`Trainer::losses`]).
/// Callers show the warning once, the first time this returns `Some`.
pub fn not_learning(losses: &[f64], iter_per_epoch: usize) -> Option<NotLearning> {
    let n = losses.len();
    if n <= iter_per_epoch || n < NOT_LEARNING_MIN_ITERS {
        return None;
    }
    let recent = &losses[n - NOT_LEARNING_WINDOW..];
    let recent_loss = recent.iter().sum::<f64>() / NOT_LEARNING_WINDOW as f64;
    (recent_loss > NOT_LEARNING_FACTOR * core::f64::consts::LN_10).then_some(NotLearning {
        iter: n,
        recent_loss,
        lr: None,
    })
}

/// One per-epoch measurement. Serialised (for the page) with camelCase names:
/// `{iter, epoch, trainAcc, testAcc, loss}`.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Evaluation {
    /// The iteration after whose update it was taken (0, 600, 1200, …).
    pub iter: usize,
    /// `iter / iter_per_epoch`.
    pub epoch: usize,
    /// Accuracy over the whole training set.
    pub train_acc: f64,
    /// Accuracy over the whole test set.
    pub test_acc: f64,
    /// The mini-batch loss of that iteration.
    pub loss: f64,
}

/// What one iteration did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Step {
    /// Its index (0-based).
    pub iter: usize,
    /// Its mini-batch loss.
    pub loss: f64,
    /// The evaluation taken after it, if one was due.
    pub eval: Option<Evaluation>,
}

/// What one iteration did, with the evaluation it made due handed out
/// instead of run ([`Trainer::step_detached`]).
#[derive(Clone, Debug)]
pub struct DetachedStep<T: Float> {
    /// Its index (0-based).
    pub iter: usize,
    /// Its mini-batch loss.
    pub loss: f64,
    /// The evaluation due after it, if one was: run it anywhere, then [`Trainer::record`] it.
    pub job: Option<EvalJob<T>>,
    /// An evaluation that [`Trainer::advance`] had left half done, finished (and
    /// recorded) before this iteration: only after switching from `advance`.
    pub finished: Option<Evaluation>,
}

/// A per-epoch evaluation taken off the training loop: a copy of the weights
/// as they were when it fell due (about 160 KB for the book's net in f32), so
/// that another thread can measure the accuracy while training goes on.
/// [`EvalJob::run`] gives exactly the [`Evaluation`] that [`Trainer::step`]
/// would have made at that point: the same weights, the same images, and hit
/// counts, which do not depend on the order they are added in.
#[derive(Clone, Debug)]
pub struct EvalJob<T: Float> {
    net: TwoLayerNet<T>,
    iter: usize,
    epoch: usize,
    loss: f64,
}

impl<T: Float> EvalJob<T> {
    /// A job for `net` as it was after iteration `iter` (of epoch `epoch`, whose
    /// mini-batch loss was `loss`): how a job crosses to another wasm instance.
    pub fn new(net: TwoLayerNet<T>, iter: usize, epoch: usize, loss: f64) -> Self {
        Self { net, iter, epoch, loss }
    }

    /// The iteration after whose update the weights were copied.
    pub fn iter(&self) -> usize {
        self.iter
    }

    /// The epoch of that iteration.
    pub fn epoch(&self) -> usize {
        self.epoch
    }

    /// That iteration's mini-batch loss.
    pub fn loss(&self) -> f64 {
        self.loss
    }

    /// The copy of the weights.
    pub fn net(&self) -> &TwoLayerNet<T> {
        &self.net
    }

    /// The accuracy over the whole training and test sets, on the calling thread alone.
    pub fn run(&self, data: &Dataset) -> Evaluation {
        self.run_on(Labeled::of(&data.train), Labeled::of(&data.test))
    }

    /// [`run`](Self::run) on images given as nonzero lists with their labels
    /// (all an evaluation reads). Panics if a set's lists and labels differ in
    /// count or an image has pixels past the net's input.
    pub fn run_on(&self, train: Labeled<'_>, test: Labeled<'_>) -> Evaluation {
        self.run_with(train, test, None)
    }

    /// [`run_on`](Self::run_on), with the net's prediction for every test
    /// image (what the page's confusion matrix and gallery of mistakes show).
    pub fn run_predicting(&self, train: Labeled<'_>, test: Labeled<'_>) -> (Evaluation, Predictions) {
        let mut p = Predictions::with_capacity(self.net.output_size(), test.len());
        let e = self.run_with(train, test, Some(&mut p));
        (e, p)
    }

    fn run_with(&self, train: Labeled<'_>, test: Labeled<'_>, predictions: Option<&mut Predictions>) -> Evaluation {
        let net = &self.net;
        let scale = pixel_scale::<T>();
        let w1 = Panel::from_matrix(&net.params.w1);
        let mut bufs = EvalBuffers::new(net.hidden_size(), net.output_size());
        let train_hits = bufs.hits_in(net, &w1, train, 0..train.len(), &scale, &OneThread, None);
        let test_hits = bufs.hits_in(net, &w1, test, 0..test.len(), &scale, &OneThread, predictions);
        Evaluation {
            iter: self.iter,
            epoch: self.epoch,
            train_acc: fraction(train_hits, train.len()),
            test_acc: fraction(test_hits, test.len()),
            loss: self.loss,
        }
    }
}

/// Images as lists of their nonzero pixels, with one label each: what an
/// evaluation reads (a [`Split`] without its raw pixels).
#[derive(Clone, Copy, Debug)]
pub struct Labeled<'a> {
    /// The images.
    pub nonzeros: &'a PixelLists,
    /// One class per image.
    pub labels: &'a [u8],
}

impl<'a> Labeled<'a> {
    /// The lists and labels of a split.
    pub fn of(split: &'a Split) -> Self {
        Self { nonzeros: &split.nonzeros, labels: &split.labels }
    }

    /// Number of images (panics if the lists and labels disagree).
    pub fn len(&self) -> usize {
        assert_eq!(self.nonzeros.len(), self.labels.len(), "Labeled: lists and labels of different counts");
        self.labels.len()
    }

    /// Whether there are no images.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// hits / n, or 0 for an empty set.
fn fraction(hits: usize, n: usize) -> f64 {
    if n == 0 { 0.0 } else { hits as f64 / n as f64 }
}

/// `table[p]`: how a pixel p becomes an input, as the book's `load_mnist(normalize=True)`
/// makes it: `img.astype(np.float32) / 255.0`, a float32, which numpy widens
/// exactly to float64 when it meets the float64 weights. So in f64 too the
/// input is float32(p / 255), not the exact p / 255 (they differ by up to
/// 5.9e-8, relatively); with the book's pixels, a net's loss and gradients
/// on the same weights are the book's. In f32 it is p / 255 rounded, as before.
pub fn pixel_scale<T: Float>() -> [T; 256] {
    let mut t = [T::ZERO; 256];
    for (p, v) in t.iter_mut().enumerate() {
        *v = T::from_f64(f64::from(p as f32 / 255.0));
    }
    t
}

/// Copies images `indices` into `out` (len × pixels) as p / 255.
pub fn gather<T: Float>(images: &Images, indices: impl IntoIterator<Item = usize>, scale: &[T; 256], out: &mut [T]) {
    let p = images.pixel_count();
    for (row, i) in out.chunks_exact_mut(p).zip(indices) {
        for (v, &px) in row.iter_mut().zip(images.image(i)) {
            *v = scale[px as usize];
        }
    }
}

/// The mini-batches of a run: `labels.len()` images of a split drawn with
/// replacement (`np.random.choice`) from the run's generator, one batch after
/// another. A batch is only its images' indices: the products read the
/// images' lists where they are ([`Picked`]). Each batch's indices are drawn
/// one batch ahead, and its images' memory asked for
/// ([`PixelLists::prefetch`]) while the batch before it trains; the generator
/// gives the same indices in the same order as drawing each batch when it is
/// needed, so the run is the same.
#[derive(Clone, Debug)]
pub(crate) struct Batches {
    rng: Rng,
    /// The current batch's image indices.
    current: Vec<usize>,
    /// The next batch's image indices, once drawn.
    next: Vec<usize>,
    drawn: bool,
}

impl Batches {
    pub(crate) fn new(rng: Rng, batch: usize) -> Self {
        Self { rng, current: vec![0; batch], next: vec![0; batch], drawn: false }
    }

    /// Moves on to the next batch and returns it, read as `scale[pixel]`;
    /// `labels` gets its images' classes. Its images are touched first, all of
    /// them, so that any cache misses overlap (see [`PixelLists::touch`]);
    /// then the batch after it is drawn and its images prefetched.
    pub(crate) fn draw<'a, T: Float>(
        &'a mut self,
        split: &'a Split,
        scale: &'a [T; 256],
        labels: &mut [usize],
    ) -> Picked<'a, T> {
        let lists = &split.nonzeros;
        if !self.drawn {
            self.draw_indices(split);
        }
        core::mem::swap(&mut self.current, &mut self.next);
        core::hint::black_box(self.current.iter().fold(0u32, |s, &i| s.wrapping_add(lists.touch(i))));
        for (l, &i) in labels.iter_mut().zip(&self.current) {
            *l = usize::from(split.labels[i]);
        }
        self.draw_indices(split);
        for &i in &self.next {
            lists.prefetch(i);
        }
        Picked::new(lists, &self.current, scale)
    }

    fn draw_indices(&mut self, split: &Split) {
        for i in self.next.iter_mut() {
            *i = self.rng.index(split.len());
        }
        self.drawn = true;
    }
}

/// Most evaluations handed out by [`Trainer::step_detached`] and not yet
/// recorded: see [`Trainer::must_wait`].
pub const MAX_EVALS_OUT: usize = 2;

/// A training run: the net, its optimiser state and its history.
#[derive(Clone, Debug)]
pub struct Trainer<T: Float> {
    config: TrainConfig,
    /// The net. While training, its W1 lives in `w1` and this copy is brought
    /// up to date only when the whole net is read (see [`Trainer::sync`]).
    net: TwoLayerNet<T>,
    /// W1 in the layout the training loop's products want ([`Panel`]).
    w1: Panel<T>,
    /// Whether `net.params.w1` holds what `w1` holds.
    w1_synced: bool,
    ws: Workspace<T>,
    batches: Batches,
    scale: [T; 256],
    batch_labels: Vec<usize>,
    eval: EvalBuffers<T>,
    iter: usize,
    iter_per_epoch: usize,
    train_size: usize,
    input: usize,
    losses: Vec<f64>,
    evals: Vec<Evaluation>,
    pending: Option<PendingEval>,
    /// Evaluations handed out by `step_detached` and not yet recorded.
    evals_out: usize,
    diverged: Option<Error>,
    /// Whether evaluations keep every test image's prediction ([`Trainer::set_predicting`]).
    predicting: bool,
    /// Those of the evaluations finished since [`Trainer::take_predictions`] last ran.
    predictions: Vec<(usize, Predictions)>,
    /// Who runs the halves of each iteration's two big products.
    pair: Shared,
}

/// The [`Pair`] a trainer hands its iterations' jobs to.
#[derive(Clone)]
struct Shared(Arc<dyn Pair + Send + Sync>);

impl core::fmt::Debug for Shared {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "Pair({} threads)", self.0.threads())
    }
}

/// An evaluation under way: how far it got through train then test images.
#[derive(Clone, Debug)]
struct PendingEval {
    iter: usize,
    loss: f64,
    pos: usize,
    train_hits: usize,
    test_hits: usize,
    /// The test images' predictions so far, when the trainer keeps them.
    predictions: Option<Predictions>,
}

impl<T: Float> Trainer<T> {
    /// A fresh run for `data`, or the reason the config cannot run on it.
    pub fn new(config: TrainConfig, data: &Dataset) -> Result<Self, Error> {
        config.validate(data.train.len())?;
        let (input, output) = (data.input_size(), data.classes);
        config.check_memory(input, output, core::mem::size_of::<T>(), data.memory_bytes())?;
        let mut rng = Rng::new(config.seed);
        let net = TwoLayerNet::new(input, config.hidden, output, config.weight_init_std, &mut rng);
        Ok(Self::start(config, data, net, rng))
    }

    /// A run that starts from `net` (a loaded model) instead of the book's
    /// random init: the config's `hidden` becomes the net's (its `initStd`
    /// is not used), and the mini-batches are drawn from a generator seeded
    /// with the config's seed. Refused when the net does not fit the data
    /// (pixels, classes) or the config does not.
    pub fn with_net(mut config: TrainConfig, data: &Dataset, net: TwoLayerNet<T>) -> Result<Self, Error> {
        let (input, output) = (data.input_size(), data.classes);
        if net.input_size() != input || net.output_size() != output {
            return Err(Error::NetDoesNotFit {
                net_input: net.input_size(),
                net_classes: net.output_size(),
                data_input: input,
                data_classes: output,
            });
        }
        config.hidden = net.hidden_size();
        config.validate(data.train.len())?;
        config.check_memory(input, output, core::mem::size_of::<T>(), data.memory_bytes())?;
        let rng = Rng::new(config.seed);
        Ok(Self::start(config, data, net, rng))
    }

    /// A run at iteration 0 of `net`, with batches drawn from `rng`.
    fn start(config: TrainConfig, data: &Dataset, net: TwoLayerNet<T>, rng: Rng) -> Self {
        let train_size = data.train.len();
        let (input, hidden, output) = (data.input_size(), net.hidden_size(), data.classes);
        let b = config.batch_size;
        Self {
            ws: Workspace::new(b, hidden, output),
            batches: Batches::new(rng, b),
            scale: pixel_scale(),
            batch_labels: vec![0; b],
            eval: EvalBuffers::new(hidden, output),
            iter: 0,
            iter_per_epoch: config.iter_per_epoch(train_size),
            train_size,
            input,
            // Reserved up front (bounded, so a huge `iters` cannot abort on allocation): pushing
            // a loss then allocates only once in a long while, never in the common case.
            losses: Vec::with_capacity(config.iters.min(1 << 20)),
            evals: Vec::with_capacity(config.evaluations(train_size).min(1 << 12)),
            pending: None,
            evals_out: 0,
            diverged: None,
            predicting: false,
            predictions: Vec::new(),
            pair: Shared(Arc::new(OneThread)),
            w1: Panel::from_matrix(&net.params.w1),
            w1_synced: true,
            net,
            config,
        }
    }

    fn check_data(&self, data: &Dataset) {
        assert!(
            data.train.len() == self.train_size && data.input_size() == self.input,
            "Trainer: data of another shape than the one it was created for"
        );
    }

    /// One iteration: draw a batch, forward, backward, update; evaluate if an
    /// epoch starts. A non-finite loss stops the run: the weights are left as
    /// they were before that iteration, and every later call returns the same error.
    pub fn step(&mut self, data: &Dataset) -> Result<Step, Error> {
        if self.pending.is_some() {
            self.finish_pending(data);
        }
        let (i, loss) = self.iterate(data)?;
        let eval = if self.pending.is_some() { Some(self.finish_pending(data)) } else { None };
        Ok(Step { iter: i, loss, eval })
    }

    /// One iteration like [`step`](Self::step), except that an evaluation
    /// falling due is not run here: it comes back as an [`EvalJob`] (a copy of
    /// the weights) for another thread to run while training goes on. Give its
    /// result to [`record`](Self::record), jobs in the order they came, so that
    /// [`evals`](Self::evals) reads as it would after [`step`](Self::step).
    ///
    /// The policy for jobs out is [`must_wait`](Self::must_wait): a loop calls
    /// this only while it is false, and otherwise waits for a job to come back
    /// (be recorded). Nothing here enforces it, so that a test may hold any
    /// number of jobs.
    pub fn step_detached(&mut self, data: &Dataset) -> Result<DetachedStep<T>, Error> {
        let finished = if self.pending.is_some() { Some(self.finish_pending(data)) } else { None };
        let (iter, loss) = self.iterate(data)?;
        if self.pending.is_some() {
            self.sync();
        }
        let job = self.pending.take().map(|p| EvalJob {
            net: self.net.clone(),
            iter: p.iter,
            epoch: p.iter / self.iter_per_epoch,
            loss: p.loss,
        });
        self.evals_out += usize::from(job.is_some());
        Ok(DetachedStep { iter, loss, job, finished })
    }

    /// Runs the halves of each iteration's two big products on `pair` from
    /// now on ([`OneThread`] until this is called). The results are the same
    /// to the bit whichever runs them.
    pub fn set_pair(&mut self, pair: Arc<dyn Pair + Send + Sync>) {
        self.pair = Shared(pair);
    }

    /// How many threads each iteration runs on (see [`set_pair`](Self::set_pair)).
    pub fn threads(&self) -> usize {
        self.pair.0.threads()
    }

    /// Adds an evaluation made by [`EvalJob::run`] to the history (the jobs'
    /// results in the order the jobs came); the job is no longer out.
    pub fn record(&mut self, e: Evaluation) {
        self.evals.push(e);
        self.evals_out = self.evals_out.saturating_sub(1);
    }

    /// Evaluations handed out by [`step_detached`](Self::step_detached) and not yet recorded.
    pub fn evals_out(&self) -> usize {
        self.evals_out
    }

    /// Whether [`MAX_EVALS_OUT`] evaluations are out: training waits for one
    /// to come back rather than pile up copies of the weights (with tiny epochs
    /// evaluations fall due faster than another thread gets through them).
    /// The one policy for evaluations in flight, which the CLI's evaluation
    /// thread and the page's evaluation worker only carry out.
    pub fn must_wait(&self) -> bool {
        self.evals_out >= MAX_EVALS_OUT
    }

    /// Whether a helper thread may take half of each iteration's products
    /// (see [`set_pair`](Self::set_pair)): only while no evaluation is out,
    /// since an evaluation under way has the other core.
    pub fn helper_may_run(&self) -> bool {
        self.evals_out == 0
    }

    /// Up to `n` more iterations (fewer if the run ends); calls `on_eval` at
    /// each evaluation. Returns the number of iterations run.
    pub fn run(&mut self, data: &Dataset, n: usize, mut on_eval: impl FnMut(&Evaluation)) -> Result<usize, Error> {
        let todo = n.min(self.remaining());
        for _ in 0..todo {
            if let Step { eval: Some(e), .. } = self.step(data)? {
                on_eval(&e);
            }
        }
        Ok(todo)
    }

    /// Up to `units` units of work, where one unit is one iteration or one
    /// block of [`EVAL_BLOCK`] images of a pending evaluation (about the same
    /// cost for the book's batch of 100). An evaluation thus spreads over many
    /// calls instead of stalling one for the time of 70000 forward passes;
    /// iterations wait until it is complete, so the numbers are exactly those
    /// of [`run`](Self::run). Returns the number of iterations run.
    pub fn advance(
        &mut self,
        data: &Dataset,
        units: usize,
        mut on_eval: impl FnMut(&Evaluation),
    ) -> Result<usize, Error> {
        let mut iters = 0;
        for _ in 0..units {
            if self.pending.is_some() {
                if let Some(e) = self.eval_next_block(data) {
                    on_eval(&e);
                }
            } else if self.remaining() > 0 {
                self.iterate(data)?;
                iters += 1;
            } else {
                break;
            }
        }
        Ok(iters)
    }

    /// Whether an evaluation has started and not yet finished (only between
    /// [`advance`](Self::advance) calls).
    pub fn evaluating(&self) -> bool {
        self.pending.is_some()
    }

    /// The iteration itself; marks an evaluation pending when an epoch starts.
    fn iterate(&mut self, data: &Dataset) -> Result<(usize, f64), Error> {
        if let Some(e) = &self.diverged {
            return Err(e.clone());
        }
        self.check_data(data);
        let (b, i) = (self.config.batch_size, self.iter);
        let x = self.batches.draw(&data.train, &self.scale, &mut self.batch_labels);
        let pair = &*self.pair.0;
        self.net.forward_panel_pair(&self.w1, &x, &mut self.ws, pair);
        let loss = self.net.batch_loss(&mut self.ws, &self.batch_labels, b).to_f64();
        if !loss.is_finite() {
            let e = Error::Diverged { iter: i, loss };
            self.diverged = Some(e.clone());
            return Err(e);
        }
        let lr = T::from_f64(self.config.lr);
        self.net.backward_update_panel_pair(&mut self.w1, &x, &self.batch_labels, &mut self.ws, lr, pair);
        self.w1_synced = false;
        self.losses.push(loss);
        self.iter += 1;
        if i % self.iter_per_epoch == 0 {
            let predictions =
                self.predicting.then(|| Predictions::with_capacity(self.net.output_size(), data.test.len()));
            self.pending = Some(PendingEval { iter: i, loss, pos: 0, train_hits: 0, test_hits: 0, predictions });
        }
        Ok((i, loss))
    }

    /// Runs what is left of the pending evaluation in one go (on every core
    /// with the `std` feature: hit counts are integers, so the result is the same).
    fn finish_pending(&mut self, data: &Dataset) -> Evaluation {
        let p = self.pending.as_mut().expect("pending evaluation");
        let train_len = data.train.len();
        let (train_from, test_from) = (p.pos.min(train_len), p.pos.saturating_sub(train_len));
        let (net, w1) = (&self.net, &self.w1);
        let pair = &*self.pair.0;
        p.train_hits += hits(net, w1, &data.train, train_from..train_len, &self.scale, &mut self.eval, pair, None);
        let sink = p.predictions.as_mut();
        p.test_hits += hits(net, w1, &data.test, test_from..data.test.len(), &self.scale, &mut self.eval, pair, sink);
        p.pos = train_len + data.test.len();
        self.complete(data)
    }

    /// One block of the pending evaluation (train images first, then test);
    /// the finished evaluation once its last block is done.
    fn eval_next_block(&mut self, data: &Dataset) -> Option<Evaluation> {
        let pos = self.pending.as_ref().expect("pending evaluation").pos;
        let train_len = data.train.len();
        let (split, start) = if pos < train_len { (&data.train, pos) } else { (&data.test, pos - train_len) };
        let n = EVAL_BLOCK.min(split.len() - start);
        let p = self.pending.as_mut().expect("pending evaluation");
        let sink = if pos < train_len { None } else { p.predictions.as_mut() };
        let hits = self.eval.hits(&self.net, &self.w1, Labeled::of(split), start, n, &self.scale, &*self.pair.0, sink);
        if pos < train_len {
            p.train_hits += hits;
        } else {
            p.test_hits += hits;
        }
        p.pos += n;
        if p.pos < train_len + data.test.len() {
            return None;
        }
        Some(self.complete(data))
    }

    /// Turns the finished pending evaluation into an [`Evaluation`] and records it.
    fn complete(&mut self, data: &Dataset) -> Evaluation {
        let p = self.pending.take().expect("pending evaluation");
        let e = Evaluation {
            iter: p.iter,
            epoch: p.iter / self.iter_per_epoch,
            train_acc: fraction(p.train_hits, data.train.len()),
            test_acc: fraction(p.test_hits, data.test.len()),
            loss: p.loss,
        };
        self.evals.push(e);
        if let Some(pred) = p.predictions {
            self.predictions.push((p.iter, pred));
        }
        e
    }

    /// Whether the evaluations this trainer runs itself ([`step`](Self::step),
    /// [`advance`](Self::advance), [`run`](Self::run)) keep every test image's
    /// prediction, for [`take_predictions`](Self::take_predictions). Off by
    /// default (the CLI has no use for them); the page turns it on. The
    /// figures are the same either way.
    pub fn set_predicting(&mut self, on: bool) {
        self.predicting = on;
    }

    /// The test-set predictions of the evaluations finished since the last
    /// call, each with its evaluation's `iter`, oldest first (none unless
    /// [`set_predicting`](Self::set_predicting)).
    pub fn take_predictions(&mut self) -> Vec<(usize, Predictions)> {
        core::mem::take(&mut self.predictions)
    }

    /// [`evaluate`](Self::evaluate), with the current net's prediction for
    /// every test image.
    pub fn evaluate_predicting(&mut self, data: &Dataset) -> (f64, f64, Predictions) {
        let train = self.accuracy(&data.train);
        let mut p = Predictions::with_capacity(self.net.output_size(), data.test.len());
        let (net, w1, pair) = (&self.net, &self.w1, &*self.pair.0);
        let n = data.test.len();
        let hits = hits(net, w1, &data.test, 0..n, &self.scale, &mut self.eval, pair, Some(&mut p));
        (train, fraction(hits, n), p)
    }

    /// Accuracy over the whole training set and the whole test set.
    pub fn evaluate(&mut self, data: &Dataset) -> (f64, f64) {
        (self.accuracy(&data.train), self.accuracy(&data.test))
    }

    /// Accuracy over `split`, by the argmax of the logits (softmax keeps the order),
    /// in blocks of [`EVAL_BLOCK`] images (on every core with the `std` feature).
    pub fn accuracy(&mut self, split: &Split) -> f64 {
        let count = split.len();
        if count == 0 {
            return 0.0;
        }
        hits(&self.net, &self.w1, split, 0..count, &self.scale, &mut self.eval, &*self.pair.0, None) as f64
            / count as f64
    }

    /// Iterations completed.
    pub fn iter(&self) -> usize {
        self.iter
    }

    /// Iterations left.
    pub fn remaining(&self) -> usize {
        self.config.iters - self.iter.min(self.config.iters)
    }

    /// Whether all `iters` iterations and their evaluations are done.
    pub fn is_done(&self) -> bool {
        self.remaining() == 0 && self.pending.is_none()
    }

    /// The current epoch, counting from 0.
    pub fn epoch(&self) -> usize {
        self.iter.saturating_sub(1) / self.iter_per_epoch
    }

    /// Iterations per epoch.
    pub fn iter_per_epoch(&self) -> usize {
        self.iter_per_epoch
    }

    /// Whether the run is not learning, by the rule of [`not_learning`] on its
    /// losses so far (see there).
    pub fn learning_check(&self) -> Option<NotLearning> {
        not_learning(&self.losses, self.iter_per_epoch).map(|w| NotLearning { lr: Some(self.config.lr), ..w })
    }

    /// The divergence that stopped the run, if any.
    pub fn diverged(&self) -> Option<&Error> {
        self.diverged.as_ref()
    }

    /// The loss of every iteration so far (`train_loss_list`).
    pub fn losses(&self) -> &[f64] {
        &self.losses
    }

    /// Every evaluation so far.
    pub fn evals(&self) -> &[Evaluation] {
        &self.evals
    }

    /// The network (its W1 first brought up to date from the training loop's copy).
    pub fn net(&mut self) -> &TwoLayerNet<T> {
        self.sync();
        &self.net
    }

    /// Copies W1 from the training loop's [`Panel`] into the net, if it
    /// changed since the last copy: every read of the whole net goes through
    /// here (jobs, [`net`](Self::net)), which is about once an epoch, so the
    /// iterations themselves never copy W1. Evaluations read W1 from the panel.
    fn sync(&mut self) {
        if !self.w1_synced {
            self.w1.store(&mut self.net.params.w1);
            self.w1_synced = true;
        }
    }

    /// The net (its W1 brought up to date) with the run's settings and
    /// history, borrowed together: what a model file keeps of a run.
    pub fn net_and_history(&mut self) -> (&TwoLayerNet<T>, &TrainConfig, &[f64], &[Evaluation]) {
        self.sync();
        (&self.net, &self.config, &self.losses, &self.evals)
    }

    /// The config.
    pub fn config(&self) -> &TrainConfig {
        &self.config
    }
}

/// Scratch for the forward pass of a block of evaluation images.
#[derive(Clone, Debug)]
struct EvalBuffers<T> {
    z1: Vec<T>,
    logits: Vec<T>,
}

impl<T: Float> EvalBuffers<T> {
    fn new(hidden: usize, output: usize) -> Self {
        Self { z1: vec![T::ZERO; EVAL_BLOCK * hidden], logits: vec![T::ZERO; EVAL_BLOCK * output] }
    }

    /// Correct predictions among images `start..start + n` of `split` (n ≤
    /// [`EVAL_BLOCK`]), W1 read from `w1` (a [`Panel`] of `net`'s W1): every
    /// evaluation, inline or not, goes through the training loop's kernels, so
    /// all of them round alike in every build. With `predictions`, each
    /// image's prediction is added there too, from the same logits.
    #[allow(clippy::too_many_arguments)]
    fn hits(
        &mut self,
        net: &TwoLayerNet<T>,
        w1: &Panel<T>,
        set: Labeled<'_>,
        start: usize,
        n: usize,
        scale: &[T; 256],
        pair: &dyn Pair,
        predictions: Option<&mut Predictions>,
    ) -> usize {
        // Two halves of the block, one per job of `pair`: hit counts are
        // integers, so their sum is the count on one thread.
        let x = Picked::range(set.nonzeros, start, n, scale);
        let (o, labels) = (net.output_size(), &set.labels[start..start + n]);
        let (ha, hb) = net.logits_panel_pair(w1, &x, &mut self.z1, &mut self.logits, pair, |rows, logits| {
            count_hits(logits, o, &labels[rows])
        });
        if let Some(p) = predictions {
            // The two halves wrote their logits into the two halves of this buffer.
            p.push_logits(&self.logits[..n * o]);
        }
        ha + hb
    }

    /// Correct predictions among images `range` of `split`, block by block.
    #[allow(clippy::too_many_arguments)]
    fn hits_in(
        &mut self,
        net: &TwoLayerNet<T>,
        w1: &Panel<T>,
        set: Labeled<'_>,
        range: Range<usize>,
        scale: &[T; 256],
        pair: &dyn Pair,
        mut predictions: Option<&mut Predictions>,
    ) -> usize {
        let mut total = 0;
        let mut start = range.start;
        while start < range.end {
            let n = EVAL_BLOCK.min(range.end - start);
            total += self.hits(net, w1, set, start, n, scale, pair, predictions.as_deref_mut());
            start += n;
        }
        total
    }
}

/// Correct predictions among images `range` of `split`. With the `std` feature
/// and more than one core, the range is cut into one contiguous piece per core
/// (each extra thread with buffers of its own); otherwise each block is cut in
/// two for `pair`. With `predictions` (added to in the images' order), on this thread and `pair`.
#[allow(clippy::too_many_arguments)]
fn hits<T: Float>(
    net: &TwoLayerNet<T>,
    w1: &Panel<T>,
    split: &Split,
    range: Range<usize>,
    scale: &[T; 256],
    bufs: &mut EvalBuffers<T>,
    pair: &dyn Pair,
    predictions: Option<&mut Predictions>,
) -> usize {
    #[cfg(feature = "std")]
    if predictions.is_none() {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        if threads >= 2 && range.len() >= 4 * EVAL_BLOCK {
            let piece = range.len().div_ceil(threads);
            let (h, o) = (net.hidden_size(), net.output_size());
            let part =
                |t: usize| (range.start + t * piece).min(range.end)..(range.start + (t + 1) * piece).min(range.end);
            return std::thread::scope(|s| {
                let others: Vec<_> = (1..threads)
                    .map(|t| {
                        let r = part(t);
                        s.spawn(move || {
                            EvalBuffers::new(h, o).hits_in(net, w1, Labeled::of(split), r, scale, &OneThread, None)
                        })
                    })
                    .collect();
                let mine = bufs.hits_in(net, w1, Labeled::of(split), part(0), scale, &OneThread, None);
                mine + others.into_iter().map(|t| t.join().expect("an evaluation thread panicked")).sum::<usize>()
            });
        }
    }
    bufs.hits_in(net, w1, Labeled::of(split), range, scale, pair, predictions)
}
