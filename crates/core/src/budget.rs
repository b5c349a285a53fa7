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
//! - a gradient-descent path: [`crate::numerical::path_bytes`], checked by
//!   [`crate::gradient_descent`];
//! - a gradient check: [`crate::two_layer_net::gradient_check_bytes`].
//!
//! Estimates round up (they count every buffer at its largest and a few
//! copies a caller may make), so a refused run would really have needed about
//! that much; they use saturating arithmetic, so a hostile size never wraps.

use core::fmt;

/// The most working memory descent lets one run take: 2 GiB. A book-sized
/// run (MNIST, 784-50-10, batch 100) needs about 0.2 GB.
pub const MEMORY_BUDGET: usize = 2 << 30;

/// A byte count for a person: "9.60 GB", "512 kB", "2 GiB" for the budget.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Bytes(pub usize);

impl fmt::Display for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 == MEMORY_BUDGET {
            return f.write_str("2 GiB");
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
        largest: crate::Part,
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
