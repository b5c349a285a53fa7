//! `descent gradient-1d`: the central difference of f(x) = 0.01x² + 0.1x and
//! its tangent line (the book's `gradient_1d.py`, 4.3).

use descent_core::numerical::{H, function_1, numerical_diff};
use serde_json::json;

use super::{print, print_json};
use crate::args::{JSON_HELP, finite};
use crate::error::CliError;
use crate::format::{Report, py_float};

/// What it computes (and the book script it ports).
pub const ABOUT: &str = "numerical derivative of f(x) = 0.01x² + 0.1x and its tangent line (book 4.3, gradient_1d.py)";

/// The notes after the flags in `--help`.
pub const NOTES: &str = "The derivative is the central difference (f(x + h) − f(x − h)) / 2h with h = 1e-4, in f64;\n\
            the tangent at x is y = d·t + (f(x) − d·x). At x = 5 the book prints 0.1999999999990898\n\
            (the exact derivative is 0.2).\n\
            x is refused where f64 cannot compute the central difference: where f(x ± h) overflows\n\
            (|x| above about 1.3e154) or where x ± h rounds back to x (|x| above about 1e12), which would\n\
            print nan or a derivative of 0.";

/// Its flags.
#[derive(Debug, clap::Args)]
pub struct Flags {
    #[arg(long, value_name = "X", value_parser = finite, help = "where to differentiate (default 5)")]
    pub x: Option<f64>,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}

/// Runs `descent gradient-1d`.
pub fn run(flags: &Flags) -> Result<(), CliError> {
    let usage_error = |m: String| CliError::usage(Some("gradient-1d"), m);
    let x = flags.x.unwrap_or(5.0);
    let f = function_1(x);
    let d = numerical_diff(function_1, x);
    if !(function_1(x + H).is_finite() && function_1(x - H).is_finite() && d.is_finite()) {
        return Err(usage_error(format!(
            "--x {}: f(x) = 0.01x² + 0.1x overflows f64 there (f(x ± h) is inf, and their difference nan): \
             use |x| up to about 1e154",
            py_float(x)
        )));
    }
    if x + H == x || x - H == x {
        return Err(usage_error(format!(
            "--x {}: x ± h rounds back to x there (h = 1e-4 is below half the spacing of f64 numbers near x), so \
             the central difference would be 0 whatever the derivative: use |x| up to about 1e12",
            py_float(x)
        )));
    }
    let intercept = f - d * x;
    if flags.json {
        return print_json(&json!({
            "x": x, "f": f, "derivative": d, "tangent": {"slope": d, "intercept": intercept}
        }));
    }
    let sign = if intercept.is_sign_negative() { "-" } else { "+" };
    let mut report = Report::new();
    report
        .row("x", py_float(x))
        .row("function_1(x)", py_float(f))
        .row("numerical_diff(function_1, x)", py_float(d))
        .row("tangent line", format!("y = {}·t {sign} {}", py_float(d), py_float(intercept.abs())));
    print(&report.render())
}
