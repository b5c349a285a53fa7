//! One memory budget for everything descent allocates on a person's say-so.
//!
//! Every size a person chooses (a data file's header, a batch, a hidden layer,
//! the steps of a path, the images of a gradient check) is turned into an
//! estimate of the bytes it makes descent allocate, and refused **before**
//! anything is allocated when the estimate exceeds [`MEMORY_BUDGET`]. The
//! estimates live beside the allocations they describe:
//!
//! - the data set: [`crate::Dataset::check_promised`] (from the four headers,
//!   before a byte of data is read) and [`crate::Dataset::memory_bytes`];
//! - a training run: [`crate::TrainConfig::memory`], checked by
//!   [`crate::Trainer::new`] (so the CLI and the page share it);
//! - a gradient-descent path: [`crate::book::numerical::path_bytes`], checked by
//!   [`crate::gradient_descent`];
//! - a gradient check: [`crate::book::two_layer_net::gradient_check_bytes`].
//!
//! Estimates round up (they count every buffer at its largest and a few
//! copies a caller may make), so a refused run would really have needed about
//! that much; they use saturating arithmetic, so a hostile size never wraps.

use core::fmt;

use crate::mnist::Part;

/// The most working memory descent lets one run take: 2 GiB. A book-sized
/// run (MNIST, 784-50-10, batch 100) needs about 0.2 GB.
pub const MEMORY_BUDGET: usize = 2 << 30;

/// A byte count for a person: "9.60 GB", "512 kB", "2 GiB" for the budget.
/// `usize::MAX` is an estimate that saturated (its real value does not fit a
/// `usize`), so it reads "more than 4 GB" on wasm32 ("more than 1.8e19 bytes"
/// on 64-bit targets), never as the 4.29 GB it would otherwise show.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bytes(pub usize);

impl Bytes {
    /// The estimate as a sentence takes it after "needs": "about 9.60 GB",
    /// or "more than 4 GB" when it saturated.
    pub fn about(self) -> About {
        About(self)
    }

    /// Whether the estimate saturated (see [`Bytes`]).
    pub fn is_saturated(self) -> bool {
        self.0 == usize::MAX
    }
}

/// What a saturated estimate prints, given the largest value its type holds:
/// a lower bound, in whole GB below a TB, else in bytes.
fn more_than(f: &mut fmt::Formatter<'_>, max: u64) -> fmt::Result {
    if max < 1_000_000_000_000 {
        write!(f, "more than {} GB", max / 1_000_000_000)
    } else {
        write!(f, "more than {:.1e} bytes", max as f64)
    }
}

/// [`Bytes::about`]: "about 9.60 GB", or "more than 4 GB" for a saturated estimate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct About(Bytes);

impl fmt::Display for About {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_saturated() { self.0.fmt(f) } else { write!(f, "about {}", self.0) }
    }
}

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == MEMORY_BUDGET {
            return f.write_str("2 GiB");
        }
        if self.is_saturated() {
            return more_than(f, usize::MAX as u64);
        }
        let b = self.0 as u64;
        let x = b as f64;
        match b {
            0..1_000 => write!(f, "{b} bytes"),
            1_000..1_000_000 => write!(f, "{:.1} kB", x / 1e3),
            1_000_000..1_000_000_000 => write!(f, "{:.1} MB", x / 1e6),
            1_000_000_000..1_000_000_000_000 => write!(f, "{:.2} GB", x / 1e9),
            _ => write!(f, "{:.3e} bytes", x),
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use std::format;
    use std::string::String;

    use super::*;

    struct MoreThan(u64);
    impl fmt::Display for MoreThan {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            more_than(f, self.0)
        }
    }

    #[test]
    fn a_saturated_estimate_reads_as_a_lower_bound() {
        // wasm32's usize::MAX read "4.29 GB", as if it were the estimate.
        assert_eq!(format!("{}", MoreThan(u32::MAX as u64)), "more than 4 GB");
        assert_eq!(format!("{}", MoreThan(u64::MAX)), "more than 1.8e19 bytes");
        let expected: String = format!("{}", MoreThan(usize::MAX as u64));
        assert_eq!(format!("{}", Bytes(usize::MAX)), expected);
        assert_eq!(format!("{}", Bytes(usize::MAX).about()), expected);
        assert_eq!(format!("{}", Bytes(sum(&[usize::MAX, 5]))), expected, "sums saturate to it");
        // Every other count is the estimate.
        assert_eq!(format!("{}", Bytes(1_234_567).about()), "about 1.2 MB");
        assert!(!format!("{}", Bytes(usize::MAX - 1)).starts_with("more"));
        assert_eq!(format!("{}", Bytes(4_294_967_294)), "4.29 GB");
        assert_eq!(format!("{}", Bytes(512_000)), "512.0 kB");
        assert_eq!(format!("{}", Bytes(MEMORY_BUDGET)), "2 GiB");
    }
}

/// a × b × c … without wrapping (saturates at `usize::MAX`).
pub(crate) fn product(factors: &[usize]) -> usize {
    factors.iter().fold(1usize, |acc, &f| acc.saturating_mul(f))
}

/// a + b + c … without wrapping.
pub(crate) fn sum(terms: &[usize]) -> usize {
    terms.iter().fold(0usize, |acc, &t| acc.saturating_add(t))
}

/// What an [`Error::OverBudget`](crate::Error::OverBudget) was about, with the
/// sizes that made it too large.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Work {
    /// The four data files, as their headers describe them.
    Data {
        /// The file promising the most bytes.
        largest: Part,
        /// Bytes it promises.
        largest_bytes: usize,
    },
    /// The path of a gradient descent (`steps` points of `coords` coordinates).
    Path {
        /// Steps (points recorded).
        steps: usize,
        /// Coordinates per point.
        coords: usize,
    },
    /// A gradient check of TwoLayerNet on `images` images.
    GradientCheck {
        /// Images in the batch.
        images: usize,
        /// Hidden units.
        hidden: usize,
    },
}

impl fmt::Display for Work {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Work::Data { largest, largest_bytes } => write!(
                f,
                "the data set these four headers describe (the largest, {largest}, promises {largest_bytes} bytes)"
            ),
            Work::Path { steps, coords } => {
                write!(f, "recording the path of {steps} steps of {coords} coordinates")
            }
            Work::GradientCheck { images, hidden } => {
                write!(f, "a gradient check on {images} images with {hidden} hidden units")
            }
        }
    }
}

impl Work {
    /// What to lower, in words.
    pub fn advice(&self) -> &'static str {
        match self {
            Work::Data { .. } => {
                "these are not MNIST files (its four files hold 55 MB); use the real files or smaller ones"
            }
            Work::Path { .. } => "lower the steps or the number of coordinates, whose product is what is kept",
            Work::GradientCheck { .. } => "lower the images or the hidden units, whose product is what is kept",
        }
    }
}

/// What a training run's memory goes to, in bytes ([`TrainConfig::memory`](crate::TrainConfig::memory)).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TrainMemory {
    /// Pixels per image.
    pub input: usize,
    /// Hidden units.
    pub hidden: usize,
    /// Batch size.
    pub batch_size: usize,
    /// Iterations.
    pub iters: usize,
    /// Bytes of a float (4 for f32, 8 for f64).
    pub float_bytes: usize,
    /// The data set (images, labels and pixel lists).
    pub data: usize,
    /// The weights (I·H + H + H·O + O floats), counted [`Self::WEIGHT_COPIES`]
    /// times (the net and copies for evaluations under way), plus W1 again in
    /// the training loop's padded layout.
    pub weights: usize,
    /// The batch's buffers: batch × (2·hidden + 2·outputs + 1) floats (z1,
    /// dz1, y, dy, logs), its indices and labels, and the padded W2ᵀ.
    pub batch: usize,
    /// Evaluation scratch: [`Self::EVAL_BUFFERS`] × [`EVAL_BLOCK`](crate::book::train::EVAL_BLOCK) × (hidden + outputs) floats.
    pub evaluation: usize,
    /// The loss history: 8 bytes an iteration.
    pub history: usize,
}

impl TrainMemory {
    /// Copies of the weights counted: the net, and up to three copies taken for
    /// evaluations on another thread (the CLI keeps one running and two waiting).
    pub const WEIGHT_COPIES: usize = 4;
    /// Evaluation buffers counted: the trainer's and one per evaluation thread (up to 8).
    pub const EVAL_BUFFERS: usize = 9;

    /// All of it.
    pub fn total(&self) -> usize {
        sum(&[self.data, self.weights, self.batch, self.evaluation, self.history])
    }

    /// The config field whose part is largest: `"batch_size"`, `"hidden"` or `"iters"`.
    pub fn field(&self) -> &'static str {
        if self.batch >= self.weights.saturating_add(self.evaluation) && self.batch >= self.history {
            "batch_size"
        } else if self.history > self.weights.saturating_add(self.evaluation) {
            "iters"
        } else {
            "hidden"
        }
    }
}

impl fmt::Display for TrainMemory {
    /// Why a run over the budget is refused, and what to lower.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "this run needs {} of memory, more than descent's budget of {}: ",
            Bytes(self.total()).about(),
            Bytes(MEMORY_BUDGET)
        )?;
        match self.field() {
            "batch_size" => write!(
                f,
                "the batch's buffers alone take {} (batch {} × {} hidden units, twice, in {}-byte floats); \
                 lower the batch size or the hidden units",
                Bytes(self.batch),
                self.batch_size,
                self.hidden,
                self.float_bytes
            )?,
            "iters" => write!(
                f,
                "the loss history alone takes {} (8 bytes for each of {} iterations); lower the iterations",
                Bytes(self.history),
                self.iters
            )?,
            _ => write!(
                f,
                "the weights and evaluation buffers take {} ({} inputs × {} hidden units, in {}-byte floats, \
                 kept {} times); lower the hidden units",
                Bytes(self.weights.saturating_add(self.evaluation)),
                self.input,
                self.hidden,
                self.float_bytes,
                Self::WEIGHT_COPIES + 1
            )?,
        }
        if self.data > 0 {
            write!(f, " (the data set takes {} of it)", Bytes(self.data))?;
        }
        Ok(())
    }
}
