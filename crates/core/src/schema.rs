//! The training settings, described once: each field's names, label, hint,
//! bounds and default.
//!
//! Everything that shows or checks a setting reads this table: the page
//! renders its settings form from it (`configSchema()` in descent-web), the
//! CLI takes its flags' bounds and defaults from it, and
//! [`TrainConfig::validate`](crate::TrainConfig::validate) refuses a value
//! outside them with one message, the same in the page and in the terminal.

use core::fmt;

use serde::Serialize;

use crate::budget::TrainMemory;
use crate::mnist::Part;

/// How a field's value is read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Kind {
    /// A whole number from `min` to `max`.
    Int,
    /// A whole number from `min` up to a size only the data knows (the batch:
    /// at most the training set's images, checked once the data is read);
    /// `max` is only the largest a JS number holds exactly.
    Size,
    /// A finite number above 0 (a learning rate may be absurdly large on
    /// purpose: watching a run diverge is part of the lesson).
    Positive,
    /// A finite number ≥ 0 (an init std of 0 starts every weight at zero, a
    /// lesson of its own).
    NonNegative,
}

/// One training setting.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Field {
    /// Its name in the page, in links, in the wasm API and in JSON errors' `field`.
    pub name: &'static str,
    /// Its name in [`TrainConfig`](crate::TrainConfig) and [`ConfigError::field`](crate::ConfigError::field).
    pub rust: &'static str,
    /// The CLI flag that sets it.
    pub flag: &'static str,
    /// The form's label.
    pub label: &'static str,
    /// A few words under the label.
    pub hint: &'static str,
    /// The field in a sentence ("the hidden size").
    pub what: &'static str,
    /// How its value is read.
    pub kind: Kind,
    /// Smallest value ([`Kind::Int`]; 0 for the others, exclusive for [`Kind::Positive`]).
    pub min: f64,
    /// Largest value.
    pub max: f64,
    /// The book's value.
    pub default: f64,
}

/// Largest seed: 2⁵³ − 1, the largest whole number a JS number (and JSON read
/// by JS) holds exactly, so a seed survives a link, a download and the page.
pub const MAX_SEED: u64 = (1 << 53) - 1;

/// Hidden units.
pub const HIDDEN: Field = Field {
    name: "hidden",
    rust: "hidden",
    flag: "--hidden",
    label: "Hidden size",
    hint: "neurons in the hidden layer",
    what: "the hidden size",
    kind: Kind::Int,
    min: 1.0,
    max: 10_000.0,
    default: 50.0,
};

/// Learning rate η.
pub const LR: Field = Field {
    name: "lr",
    rust: "lr",
    flag: "--lr",
    label: "Learning rate",
    hint: "step size η of each update",
    what: "the learning rate",
    kind: Kind::Positive,
    min: 0.0,
    max: f64::MAX,
    default: 0.1,
};

/// Mini-batch size, bounded by the training set once it is known.
pub const BATCH: Field = Field {
    name: "batch",
    rust: "batch_size",
    flag: "--batch",
    label: "Batch size",
    hint: "images per mini-batch",
    what: "the batch size",
    kind: Kind::Size,
    min: 1.0,
    max: MAX_SEED as f64,
    default: 100.0,
};

/// Iterations.
pub const ITERS: Field = Field {
    name: "iters",
    rust: "iters",
    flag: "--iters",
    label: "Iterations",
    hint: "gradient steps in the run",
    what: "the number of iterations",
    kind: Kind::Int,
    min: 1.0,
    max: 10_000_000.0,
    default: 10_000.0,
};

/// Std of the initial weights.
pub const INIT_STD: Field = Field {
    name: "initStd",
    rust: "weight_init_std",
    flag: "--init-std",
    label: "Init std",
    hint: "spread of the random start weights",
    what: "the init std",
    kind: Kind::NonNegative,
    min: 0.0,
    max: f64::MAX,
    default: 0.01,
};

/// Seed of the weights and of the mini-batch draws.
pub const SEED: Field = Field {
    name: "seed",
    rust: "seed",
    flag: "--seed",
    label: "Seed",
    hint: "same seed, same run",
    what: "the seed",
    kind: Kind::Int,
    min: 0.0,
    max: MAX_SEED as f64,
    default: 42.0,
};

/// Every training setting, in the order the page shows them.
pub const FIELDS: [Field; 6] = [HIDDEN, LR, BATCH, ITERS, INIT_STD, SEED];

impl Field {
    /// The field whose page name is `name`.
    pub fn by_name(name: &str) -> Option<&'static Field> {
        FIELDS.iter().find(|f| f.name == name)
    }

    /// The field whose [`TrainConfig`](crate::TrainConfig) name is `rust`.
    pub fn by_rust(rust: &str) -> Option<&'static Field> {
        FIELDS.iter().find(|f| f.rust == rust)
    }

    /// Whether `value` is within this field's bounds: the one check of a
    /// setting's value, with the one message for it, that the page's form and
    /// the CLI's flags share.
    pub fn check(&'static self, value: f64) -> Result<(), ConfigError> {
        let ok = match self.kind {
            // Whole, within [min, max] (NaN fails every comparison).
            Kind::Int | Kind::Size => value >= self.min && value <= self.max && (value as i64) as f64 == value,
            Kind::Positive => value.is_finite() && value > 0.0 && value <= self.max,
            Kind::NonNegative => value.is_finite() && value >= 0.0 && value <= self.max,
        };
        if ok { Ok(()) } else { Err(ConfigError::OutOfBounds { field: self, value }) }
    }

    /// The bounds in words: "a whole number from 1 to 10,000", "a positive,
    /// finite number", "a finite number ≥ 0".
    pub fn bounds(&self) -> Bounds<'_> {
        Bounds(self)
    }
}

/// [`Field::bounds`].
#[derive(Clone, Copy, Debug)]
pub struct Bounds<'a>(&'a Field);

impl fmt::Display for Bounds<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let field = self.0;
        match field.kind {
            Kind::Int => {
                write!(f, "a whole number from {} to {}", Grouped(field.min), Grouped(field.max))
            }
            Kind::Size => write!(f, "a whole number from {} to the training set's size", Grouped(field.min)),
            Kind::Positive => f.write_str("a positive, finite number"),
            Kind::NonNegative => f.write_str("a finite number ≥ 0"),
        }
    }
}

/// A whole number with thousands separators: 10000000 → "10,000,000"
/// (a fraction as it is, a number beyond 10¹⁸ as 1e300).
#[derive(Clone, Copy, Debug)]
pub struct Grouped(pub f64);

impl fmt::Display for Grouped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let x = self.0;
        // Whole and small enough for u64 (no `fract` without std).
        if !(x > -1e18 && x < 1e18) {
            return write!(f, "{x:e}");
        }
        if (x as i64) as f64 != x {
            return write!(f, "{x}");
        }
        let mut n = (x as i64).unsigned_abs();
        if x < 0.0 {
            f.write_str("-")?;
        }
        let mut groups = [0u16; 7];
        let mut len = 0;
        loop {
            groups[len] = (n % 1000) as u16;
            len += 1;
            n /= 1000;
            if n == 0 {
                break;
            }
        }
        write!(f, "{}", groups[len - 1])?;
        for g in groups[..len - 1].iter().rev() {
            write!(f, ",{g:03}")?;
        }
        Ok(())
    }
}

/// What is wrong with a training config. Each variant names one field.
#[derive(Clone, Debug, PartialEq)]
#[non_exhaustive]
pub enum ConfigError {
    /// lr is NaN, infinite, zero or negative.
    LearningRate(f64),
    /// The batch size is zero.
    BatchZero,
    /// The batch size exceeds the training set.
    BatchTooLarge {
        /// The batch size asked for.
        batch_size: usize,
        /// Images in the training set.
        train_size: usize,
    },
    /// Zero hidden units.
    HiddenZero,
    /// Zero iterations.
    ItersZero,
    /// The init std is negative, NaN or infinite.
    InitStd(f64),
    /// The run would need more memory than [`MEMORY_BUDGET`](crate::budget::MEMORY_BUDGET): the estimate, part by part.
    OverBudget(TrainMemory),
    /// A value outside its field's bounds ([`Field::check`]).
    OutOfBounds {
        /// The field, from [`FIELDS`].
        field: &'static Field,
        /// The value given.
        value: f64,
    },
}

impl ConfigError {
    /// The config field at fault: `"lr"`, `"batch_size"`, `"hidden"`, `"iters"` or `"weight_init_std"`.
    pub fn field(&self) -> &'static str {
        match self {
            ConfigError::LearningRate(_) => "lr",
            ConfigError::BatchZero | ConfigError::BatchTooLarge { .. } => "batch_size",
            ConfigError::HiddenZero => "hidden",
            ConfigError::ItersZero => "iters",
            ConfigError::InitStd(_) => "weight_init_std",
            ConfigError::OverBudget(m) => m.field(),
            ConfigError::OutOfBounds { field, .. } => field.rust,
        }
    }

    /// The field at fault, as the schema describes it ([`FIELDS`]).
    pub fn schema_field(&self) -> &'static Field {
        Field::by_rust(self.field()).expect("every ConfigError names a field of the schema")
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            ConfigError::LearningRate(lr) => {
                write!(f, "the learning rate must be a positive, finite number (the book uses 0.1), got {lr}")
            }
            ConfigError::BatchZero => f.write_str("the batch size must be at least 1 (the book uses 100)"),
            ConfigError::BatchTooLarge { batch_size, train_size } => write!(
                f,
                "the batch size {batch_size} is larger than the training set ({train_size} images): \
                 use at most {train_size}, or a {} with more images",
                Part::TrainImages
            ),
            ConfigError::HiddenZero => f.write_str("the hidden layer needs at least 1 unit (the book uses 50)"),
            ConfigError::ItersZero => f.write_str("the number of iterations must be at least 1 (the book runs 10000)"),
            ConfigError::InitStd(s) => {
                write!(f, "the weight init std must be a finite number ≥ 0 (the book uses 0.01), got {s}")
            }
            ConfigError::OverBudget(m) => m.fmt(f),
            ConfigError::OutOfBounds { field, value } => write!(
                f,
                "{} must be {} (default {}), got {}",
                field.what,
                field.bounds(),
                Grouped(field.default),
                Grouped(value)
            ),
        }
    }
}

impl core::error::Error for ConfigError {}
