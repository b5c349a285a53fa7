//! The errors of everything a person feeds in: IDX bytes, configs, runs.
//!
//! A config's errors ([`ConfigError`]) live beside the fields they name, in
//! [`crate::schema`]; [`Part`] (which MNIST file) in [`crate::mnist`]. Both are
//! re-exported here.
//!
//! Messages are lower-case, say what is wrong with numbers, and say what to do.

use core::fmt;

use crate::budget::{Bytes, MEMORY_BUDGET, Work};
use crate::mnist::IMAGES_MAGIC;
pub use crate::mnist::Part;
pub use crate::schema::ConfigError;

/// "s" unless `n` is 1: "1 byte", "2 bytes", "0 bytes".
pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// What is wrong with the bytes of one IDX file.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum IdxError {
    /// Fewer bytes than the header needs.
    TooShort {
        /// Bytes given.
        len: usize,
        /// Bytes the header needs.
        needed: usize,
    },
    /// The first four bytes are not the expected magic number.
    WrongMagic {
        /// The big-endian u32 found.
        found: u32,
        /// The magic number expected (0x803 for images, 0x801 for labels).
        expected: u32,
    },
    /// The magic number's dimension count is not the expected one.
    WrongDimensions {
        /// Dimensions the header declares.
        found: u8,
        /// Dimensions expected (3 for images, 1 for labels).
        expected: u8,
    },
    /// The data section is shorter than the header's dimensions say.
    Truncated {
        /// Bytes the header promises (header included).
        expected: usize,
        /// Bytes given.
        found: usize,
    },
    /// The data section is longer than the header's dimensions say.
    Oversized {
        /// Bytes the header promises (header included).
        expected: usize,
        /// Bytes given.
        found: usize,
    },
    /// An image file whose header gives images 0 rows or 0 columns.
    NoPixels {
        /// Rows per image in the header.
        rows: usize,
        /// Columns per image in the header.
        cols: usize,
    },
    /// The header promises more bytes than the memory budget allows for all the data.
    OverBudget {
        /// Bytes the header promises (header included).
        expected: usize,
    },
}

impl fmt::Display for IdxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            IdxError::TooShort { len, needed } => write!(
                f,
                "only {len} byte{}, but an IDX header needs {needed}: the file is truncated or empty",
                plural(len)
            ),
            IdxError::WrongMagic { found, expected } => write!(
                f,
                "magic number 0x{found:08x}, expected 0x{expected:08x}: this is not an uncompressed MNIST IDX {} file{}",
                if expected == IMAGES_MAGIC { "image" } else { "label" },
                if found >> 16 == 0x1f8b { " (it looks gzip-compressed: gunzip it first)" } else { "" }
            ),
            IdxError::WrongDimensions { found, expected } => {
                write!(f, "{found} dimensions in the header, expected {expected}: images and labels may be swapped")
            }
            IdxError::Truncated { expected, found } => write!(
                f,
                "{found} byte{}, but the header promises {expected}: the file is truncated ({} byte{} missing); \
                 download it again",
                plural(found),
                expected - found,
                plural(expected - found)
            ),
            IdxError::Oversized { expected, found } => write!(
                f,
                "{found} bytes, but the header promises {expected}: {} unexpected byte{} at the end; the file is corrupt",
                found - expected,
                plural(found - expected)
            ),
            IdxError::NoPixels { rows, cols } => write!(
                f,
                "the header gives images of {rows}×{cols} pixels, but an image needs at least 1 row and 1 column \
                 (MNIST's are 28×28): the file is corrupt or not an image file"
            ),
            IdxError::OverBudget { expected } => write!(
                f,
                "the header promises {expected} bytes ({}), more than descent's memory budget of {} for all its \
                 data and work: this is not an MNIST file (the largest, train-images-idx3-ubyte, is 47040016 bytes)",
                Bytes(expected),
                Bytes(MEMORY_BUDGET)
            ),
        }
    }
}

/// Every error of the crate.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum Error {
    /// One IDX file's bytes are malformed.
    Idx {
        /// Which file.
        part: Part,
        /// What is wrong.
        error: IdxError,
    },
    /// An image file and its label file disagree on the count.
    CountMismatch {
        /// The image file.
        images: Part,
        /// Its image count.
        image_count: usize,
        /// Its label count.
        label_count: usize,
    },
    /// A label is not a valid class.
    LabelOutOfRange {
        /// The label file.
        part: Part,
        /// The index of the offending label.
        index: usize,
        /// The label.
        label: u8,
        /// The number of classes.
        classes: usize,
    },
    /// Images are not the size the network takes.
    ImageSizeMismatch {
        /// Pixels the network's input layer takes.
        expected: usize,
        /// Pixels per image in the data.
        found: usize,
        /// The file at fault.
        part: Part,
    },
    /// Images with more pixels than the network's sparse input supports.
    ImageTooLarge {
        /// The image file.
        part: Part,
        /// Pixels per image.
        pixels: usize,
        /// The most supported.
        max: usize,
    },
    /// A split holds no images: training needs at least 1 training image (and a
    /// batch of them), the accuracy at least 1 test image.
    NoImages {
        /// The image file (its label file is empty too).
        part: Part,
    },
    /// A computation would need more memory than [`MEMORY_BUDGET`].
    OverBudget {
        /// The estimate, in bytes.
        needed: usize,
        /// What it was for.
        work: Work,
    },
    /// A training config is impossible.
    Config(ConfigError),
    /// A net given to train on (a loaded model) does not fit the data.
    NetDoesNotFit {
        /// Pixels the net reads.
        net_input: usize,
        /// Its classes.
        net_classes: usize,
        /// Pixels of the data's images.
        data_input: usize,
        /// The data's classes.
        data_classes: usize,
    },
    /// The loss became NaN or infinite: the run stopped.
    Diverged {
        /// The iteration whose loss was not finite.
        iter: usize,
        /// That loss.
        loss: f64,
    },
}

impl Error {
    /// The data file the error is about, if it is about one.
    pub fn part(&self) -> Option<Part> {
        match *self {
            Error::Idx { part, .. }
            | Error::LabelOutOfRange { part, .. }
            | Error::ImageSizeMismatch { part, .. }
            | Error::ImageTooLarge { part, .. }
            | Error::NoImages { part } => Some(part),
            Error::CountMismatch { images, .. } => Some(images),
            Error::OverBudget { work: Work::Data { largest, .. }, .. } => Some(largest),
            _ => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Idx { part, error } => write!(f, "{part}: {error}"),
            Error::CountMismatch { images, image_count, label_count } => write!(
                f,
                "{images} holds {image_count} images but its label file holds {label_count} labels: the files do not belong together"
            ),
            Error::LabelOutOfRange { part, index, label, classes } => write!(
                f,
                "{part}: label {label} at index {index} is not one of the {classes} classes (0..{}): this is not a digit label file",
                classes - 1
            ),
            Error::ImageSizeMismatch { expected, found, part } => write!(
                f,
                "{part}: images have {found} pixels but those of {} have {expected}, which the network takes: \
                 the training and test images must be one size (28×28 for MNIST, Fashion-MNIST, KMNIST)",
                if *part == Part::TestImages { Part::TrainImages } else { Part::TestImages }
            ),
            Error::NoImages { part } => match part {
                Part::TestImages | Part::TestLabels => write!(
                    f,
                    "{part} holds 0 images: descent needs at least 1 test image to measure the accuracy \
                     (MNIST's test set has 10000); use a test file with images"
                ),
                _ => write!(
                    f,
                    "{part} holds 0 images: descent needs at least 1 training image, and at least a batch of them \
                     (100 by default; MNIST's training set has 60000); use a training file with images"
                ),
            },
            Error::OverBudget { needed, work } => write!(
                f,
                "{work} needs {}, more than descent's memory budget of {}: {}",
                Bytes(*needed).about(),
                Bytes(MEMORY_BUDGET),
                work.advice()
            ),
            Error::ImageTooLarge { part, pixels, max } => write!(
                f,
                "{part}: images of {pixels} pixels are larger than the {max} (256×256) descent supports; use 28×28 images"
            ),
            Error::Config(e) => write!(f, "{}: {e}", e.field()),
            Error::NetDoesNotFit { net_input, net_classes, data_input, data_classes } => write!(
                f,
                "the loaded net reads {net_input}-pixel images into {net_classes} classes, but the data's images have \
                 {data_input} pixels and {data_classes} classes: load a net trained on data of this shape (or use the data it was trained on)"
            ),
            Error::Diverged { iter, loss } => write!(
                f,
                "training diverged at iteration {iter}: the loss became {loss}; lower the learning rate or the init std and start again"
            ),
        }
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

impl core::error::Error for Error {}
impl core::error::Error for IdxError {}
