//! `--seed S` or `--seed random`: a fresh seed from the operating system
//! (`getrandom`), printed so that the run can be made again.
//!
//! A drawn seed is at most [`MAX_SEED`] (2⁵³ − 1), the schema's largest, so
//! that it survives JSON read by JavaScript and the page's seed field.
//! In text, a command that drew its seed prints `seed N` as its first line on
//! stdout; with `--json` the seed is a `"seed"` field of the command's (final) object.

use descent_core::schema::MAX_SEED;

use crate::error::CliError;

/// What `--seed` asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedArg {
    /// This seed.
    Fixed(u64),
    /// A fresh one, drawn from the operating system.
    Random,
}

impl SeedArg {
    /// `random`, or a whole number (`_` allowed between digits, as in `1_000`).
    pub fn parse(s: &str) -> Result<Self, String> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("random") {
            return Ok(Self::Random);
        }
        s.replace('_', "").parse().map(Self::Fixed).map_err(|_| "a whole number ≥ 0, or random".into())
    }

    /// The seed to run with, and whether it was drawn (and so must be shown).
    pub fn resolve(self) -> Result<(u64, bool), CliError> {
        match self {
            Self::Fixed(s) => Ok((s, false)),
            Self::Random => draw().map(|s| (s, true)),
        }
    }
}

/// A fresh seed from 0 to [`MAX_SEED`], uniformly (the low 53 bits of 64 random ones).
pub fn draw() -> Result<u64, CliError> {
    getrandom::u64()
        .map(|bits| bits & MAX_SEED)
        .map_err(|e| CliError::failed(format!("cannot draw a random seed from the operating system: {e}")))
}

/// The line a command prints first, in text, when it drew its seed.
pub fn line(seed: u64) -> String {
    format!("seed {seed}\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_numbers_and_random() {
        assert_eq!(SeedArg::parse("42"), Ok(SeedArg::Fixed(42)));
        assert_eq!(SeedArg::parse("1_000"), Ok(SeedArg::Fixed(1000)));
        assert_eq!(SeedArg::parse("random"), Ok(SeedArg::Random));
        assert!(SeedArg::parse("-1").is_err() && SeedArg::parse("rand").is_err());
    }

    #[test]
    fn drawn_seeds_fit_a_js_number_and_differ() {
        let seeds: Vec<u64> = (0..8).map(|_| draw().unwrap()).collect();
        assert!(seeds.iter().all(|&s| s <= MAX_SEED), "{seeds:?}");
        assert!(seeds.windows(2).any(|w| w[0] != w[1]), "{seeds:?}");
    }
}
