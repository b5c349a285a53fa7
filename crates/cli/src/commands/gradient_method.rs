//! `descent gradient-method`: gradient descent on f(x₀, x₁) = x₀² + x₁²
//! (4.4.1, the book's `gradient_method.py`).

use std::io::Write;

use descent_core::MEMORY_BUDGET;
use descent_core::budget::Bytes;
use descent_core::numerical::{function_2, gradient_descent, path_bytes};
use serde_json::json;

use super::print;
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
            the object holds `x` (the final point) and `history`. The path is kept in memory: steps ×\n\
            coordinates must fit descent's 2 GiB budget (--history as text takes about 16 times more per\n\
            number than the path). A point that overflows f64 (a learning rate far too large) is reported.",
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
/// Bytes a number of the path takes when printed with `--history` as text
/// (the flat copy, each number's text, its row, the joined matrix and the report).
pub const TEXT_BYTES_PER_NUMBER: usize = 128;

/// Runs `descent gradient-method`.
pub fn run(args: &Args) -> Result<(), CliError> {
    let init: Vec<f64> = args.get_or("init", vec![-3.0, 4.0])?;
    let lr: f64 = args.get_or("lr", 0.1)?;
    let steps: usize = args.get_or("steps", 100)?;
    if steps > MAX_STEPS {
        return Err(args.usage_error(format!("--steps is at most {MAX_STEPS}: the whole path is kept")));
    }
    let history_text = args.switch("history") && !args.switch("json");
    if history_text {
        let needed = path_bytes(init.len(), steps, 8)
            .saturating_add(steps.saturating_mul(init.len()).saturating_mul(TEXT_BYTES_PER_NUMBER));
        if needed > MEMORY_BUDGET {
            return Err(args.usage_error(format!(
                "printing the path of {steps} steps of {} coordinates with --history needs about {}, more than \
                 descent's memory budget of {}: lower --steps or the coordinates of --init, or use --json",
                init.len(),
                Bytes(needed),
                Bytes(MEMORY_BUDGET)
            )));
        }
    }
    let d = gradient_descent(function_2, &init, lr, steps)
        .map_err(|e| args.usage_error(format!("{e} (--steps, --init)")))?;
    let overflow = d.history.iter().chain([&d.x]).position(|p| p.iter().any(|v| !v.is_finite()));
    let note = overflow.map(|at| {
        format!(
            "x overflowed f64 at step {at} (|x| passed about 1.3e154, where x0² + x1² becomes inf and its \
             gradient nan): the learning rate {} is far too large; the book's too-large 10 already diverges",
            py_float(lr)
        )
    });
    if args.switch("json") {
        // Written straight out, not built as one JSON value: the path can be large.
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        let head = json!({"init_x": init, "lr": lr, "step_num": steps, "x": d.x, "overflow": note});
        let head = head.to_string();
        write!(out, "{},\"history\":", &head[..head.len() - 1])?;
        serde_json::to_writer(&mut out, &d.history).map_err(std::io::Error::from)?;
        writeln!(out, "}}")?;
        out.flush()?;
        return Ok(());
    }
    let mut report = Report::new();
    report.row("init_x", np_array(&init)).row("lr", py_float(lr)).row("step_num", steps.to_string());
    if history_text && !d.history.is_empty() {
        let flat: Vec<f64> = d.history.concat();
        report.row("history", np_matrix(&flat, init.len()));
    }
    report.row("x", np_array(&d.x));
    if let Some(note) = note {
        report.row("note", note);
    }
    print(&report.render())
}
