//! `descent gradient-1d`: the central difference of f(x) = 0.01x² + 0.1x and
//! its tangent line (the book's `gradient_1d.py`, 4.3).

use descent_core::numerical::{function_1, numerical_diff};
use serde_json::json;

use super::{print, print_json};
use crate::args::{Args, Command, Flag, JSON};
use crate::error::CliError;
use crate::format::{Report, py_float};

/// The flags.
pub static COMMAND: Command = Command {
    name: "gradient-1d",
    about: "numerical derivative of f(x) = 0.01x² + 0.1x and its tangent line (book 4.3, gradient_1d.py)",
    notes: "The derivative is the central difference (f(x + h) − f(x − h)) / 2h with h = 1e-4, in f64;\n\
            the tangent at x is y = d·t + (f(x) − d·x). At x = 5 the book prints 0.1999999999990898\n\
            (the exact derivative is 0.2).",
    flags: &[Flag::value("x", "X", "where to differentiate (default 5)"), JSON],
};

/// Runs `descent gradient-1d`.
pub fn run(args: &Args) -> Result<(), CliError> {
    let x: f64 = args.get_or("x", 5.0)?;
    let f = function_1(x);
    let d = numerical_diff(function_1, x);
    let intercept = f - d * x;
    if args.switch("json") {
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
