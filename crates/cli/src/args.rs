//! What the commands' flags share: the help of `--json` and `--data`, a
//! training setting's help from the schema, and the parsers of whole numbers,
//! finite numbers, lists and the precision. The command line itself is
//! [`crate::cli`]'s.

use descent_core::schema::{Field, Grouped};

use crate::error::CliError;

/// `--json`'s help, for every command.
pub const JSON_HELP: &str =
    "print JSON (one object per line) instead of text; errors and warnings become JSON objects on stderr";
/// `--data DIR`'s help, for the commands that read MNIST.
pub const DATA_HELP: &str =
    "folder holding the four raw MNIST IDX files (default: data/mnist, found from the current folder upwards)";

/// A training setting's help, from the schema: its hint, its bounds and its
/// default ("neurons in the hidden layer: a whole number from 1 to 10,000 (default 50)"),
/// then `more`.
pub fn setting_help(field: &Field, more: &str) -> String {
    format!("{}: {} (default {}){more}", field.hint, field.bounds(), Grouped(field.default))
}

/// A whole number ≥ 0 (`_` allowed between digits).
pub fn whole(s: &str) -> Result<usize, String> {
    s.trim().replace('_', "").parse().map_err(|_| "a whole number ≥ 0".into())
}

/// Any finite number Rust reads (`0.1`, `1e-10`, `-3`); NaN and ∞ are refused.
pub fn finite(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err("a finite number (like 0.1 or 1e-10)".into()),
    }
}

/// Comma-separated finite numbers, optionally in brackets: `3,4`, `[-3, 4]`.
#[derive(Debug, Clone, PartialEq)]
pub struct List(pub Vec<f64>);

impl List {
    /// Parses one flag value.
    pub fn parse(s: &str) -> Result<Self, String> {
        let inner = s.trim().trim_start_matches('[').trim_end_matches(']');
        let expected = || "comma-separated finite numbers (like -3,4)".to_string();
        if inner.trim().is_empty() {
            return Err(expected());
        }
        inner.split(',').map(|p| finite(p).map_err(|_| expected())).collect::<Result<_, _>>().map(List)
    }

    /// Exactly `N` numbers, for flags like `--at X0,X1`, or a usage error of `command`.
    pub fn exactly<const N: usize>(self, command: &'static str, flag: &str) -> Result<[f64; N], CliError> {
        let got = self.0.len();
        self.0.try_into().map_err(|_| CliError::usage(Some(command), format!("--{flag} takes {N} numbers, got {got}")))
    }
}

/// The float type a training run computes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// Single precision: about twice as fast, same accuracy for this net.
    F32,
    /// Double precision, as numpy computes in the book.
    F64,
}

impl Precision {
    /// `f32` (`float32`) or `f64` (`float64`).
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim() {
            "f32" | "float32" => Ok(Self::F32),
            "f64" | "float64" => Ok(Self::F64),
            _ => Err("f32 or f64".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_numbers_are_refused() {
        assert!(finite("nan").is_err() && finite("inf").is_err());
        assert_eq!(finite("1e-10"), Ok(1e-10));
        assert_eq!(List::parse("[1, 2]"), Ok(List(vec![1.0, 2.0])));
        assert!(List::parse("1,x").is_err() && List::parse("").is_err());
    }
}
