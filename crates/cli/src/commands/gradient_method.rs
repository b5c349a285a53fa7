//! `descent gradient-method`: gradient descent on f(x₀, x₁) = x₀² + x₁²
//! (4.4.1, the book's `gradient_method.py`).

use descent_core::numerical::{function_2, gradient_descent};
use serde_json::json;

use super::{print, print_json};
use crate::args::{Args, Command, Flag, JSON};
use crate::error::CliError;
use crate::format::{Report, np_array, np_matrix, py_float};

/// The flags.
pub static COMMAND: Command = Command {
    name: "gradient-method",
    about: "gradient descent x ← x − η∇f(x) on f = x0² + x1² (book 4.4.1, gradient_method.py)",
    notes: "∇f is taken numerically (h = 1e-4) at every step, in f64. The book's three runs from (-3, 4):\n\
            --lr 0.1     → [-6.11110793e-10  8.14814391e-10]  (reaches the minimum)\n\
            --lr 10      → [-2.58983747e+13 -1.29524862e+12]  (too large: diverges)\n\
            --lr 1e-10   → [-2.99999994  3.99999992]          (too small: barely moves)\n\
            The history is x before each update (step_num points, the first is init_x); with --json\n\
            the object holds `x` (the final point) and `history`.",
    flags: &[
        Flag::value("init", "X0,X1", "the starting point; any number of coordinates (default -3,4)"),
        Flag::value("lr", "LR", "learning rate η (default 0.1)"),
        Flag::value("steps", "N", "step_num, the number of updates (default 100)"),
        Flag::switch("history", "also print the path, one point per row"),
        JSON,
    ],
};

/// The most steps: every point of the path is kept in memory.
pub const MAX_STEPS: usize = 1_000_000;

/// Runs `descent gradient-method`.
pub fn run(args: &Args) -> Result<(), CliError> {
    let init: Vec<f64> = args.get_or("init", vec![-3.0, 4.0])?;
    let lr: f64 = args.get_or("lr", 0.1)?;
    let steps: usize = args.get_or("steps", 100)?;
    if steps > MAX_STEPS {
        return Err(args.usage_error(format!("--steps is at most {MAX_STEPS}: the whole path is kept")));
    }
    let d = gradient_descent(function_2, &init, lr, steps);
    if args.switch("json") {
        return print_json(&json!({
            "init_x": init, "lr": lr, "step_num": steps, "x": d.x, "history": d.history
        }));
    }
    let mut report = Report::new();
    report.row("init_x", np_array(&init)).row("lr", py_float(lr)).row("step_num", steps.to_string());
    if args.switch("history") && !d.history.is_empty() {
        let flat: Vec<f64> = d.history.concat();
        report.row("history", np_matrix(&flat, init.len()));
    }
    report.row("x", np_array(&d.x));
    print(&report.render())
}
