//! `descent gradient-method`: gradient descent on f(x₀, x₁) = x₀² + x₁²
//! (4.4.1, the book's `gradient_method.py`).

use std::io::Write;

use descent_core::MEMORY_BUDGET;
use descent_core::budget::Bytes;
use descent_core::numerical::{check_path, function_2, gradient_descent, path_bytes};
use serde_json::json;

use super::{print, time_at};
use crate::args::{JSON_HELP, List, finite, whole};
use crate::error::CliError;
use crate::format::{Report, np_array, np_matrix, py_float};

/// What it computes (and the book script it ports).
pub const ABOUT: &str = "gradient descent x ← x − η∇f(x) on f = x0² + x1² (book 4.4.1, gradient_method.py)";

/// The notes after the flags in `--help`.
pub const NOTES: &str = "∇f is taken numerically (h = 1e-4) at every step, in f64. The book's three runs from (-3, 4):\n\
            --lr 0.1     → [-6.11110793e-10  8.14814391e-10]  (reaches the minimum)\n\
            --lr 10      → [-2.58983747e+13 -1.29524862e+12]  (too large: diverges)\n\
            --lr 1e-10   → [-2.99999994  3.99999992]          (too small: barely moves)\n\
            The history is x before each update (step_num points, the first is init_x); with --json\n\
            the object holds `x` (the final point) and `history`. The path is kept in memory: steps ×\n\
            coordinates must fit descent's 2 GiB budget (--history as text takes about 16 times more per\n\
            number than the path). A point that overflows f64 (a learning rate far too large) is reported.\n\
            The time: each step takes the numerical gradient, 2 evaluations of f for each coordinate, each\n\
            over every coordinate: 2 × steps × coordinates² multiply-adds in all, which must stay within\n\
            6e11 (about 10 minutes; --init of 20000 coordinates allows 750 steps).";

/// Its flags.
#[derive(Debug, clap::Args)]
pub struct Flags {
    #[arg(long, value_name = "X0,X1", value_parser = List::parse, help = "the starting point; any number of coordinates (default -3,4)")]
    pub init: Option<List>,
    #[arg(long, value_name = "LR", value_parser = finite, help = "learning rate η (default 0.1)")]
    pub lr: Option<f64>,
    #[arg(long, value_name = "N", value_parser = whole, help = "step_num, the number of updates (default 100)")]
    pub steps: Option<usize>,
    #[arg(long, help = "also print the path, one point per row")]
    pub history: bool,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}

/// The most steps: every point of the path is kept in memory.
pub const MAX_STEPS: usize = 1_000_000;
/// Bytes a number of the path takes when printed with `--history` as text
/// (the flat copy, each number's text, its row, the joined matrix and the report).
pub const TEXT_BYTES_PER_NUMBER: usize = 128;

/// The most multiply-adds a run may cost (2 × steps × coordinates²): about 10
/// minutes at the 10⁹ a second a release build does here (the book's run, 800,
/// is instant); beyond it a run would look like a hang (`--init` of 20000
/// coordinates with `--steps 10000` would take over 2 hours).
pub const MAX_MULTIPLY_ADDS: f64 = 6e11;
/// Multiply-adds a second of a release build (measured: 1.2e9 for x0² + x1² + …).
const MULTIPLY_ADDS_PER_SECOND: f64 = 1e9;

/// The multiply-adds of a run: `steps` numerical gradients of f = Σ xᵢ², each
/// 2 evaluations of f (of `coords` multiply-adds) per coordinate.
pub fn multiply_adds(steps: usize, coords: usize) -> f64 {
    2.0 * steps as f64 * (coords as f64) * (coords as f64)
}

/// Runs `descent gradient-method`.
pub fn run(flags: &Flags) -> Result<(), CliError> {
    let usage_error = |m: String| CliError::usage(Some("gradient-method"), m);
    let init: Vec<f64> = flags.init.clone().map_or(vec![-3.0, 4.0], |List(v)| v);
    let lr = flags.lr.unwrap_or(0.1);
    let steps = flags.steps.unwrap_or(100);
    if steps > MAX_STEPS {
        return Err(usage_error(format!("--steps is at most {MAX_STEPS}: the whole path is kept")));
    }
    let history_text = flags.history && !flags.json;
    if history_text {
        let needed = path_bytes(init.len(), steps, 8)
            .saturating_add(steps.saturating_mul(init.len()).saturating_mul(TEXT_BYTES_PER_NUMBER));
        if needed > MEMORY_BUDGET {
            return Err(usage_error(format!(
                "printing the path of {steps} steps of {} coordinates with --history needs {}, more than \
                 descent's memory budget of {}: lower --steps or the coordinates of --init, or use --json",
                init.len(),
                Bytes(needed).about(),
                Bytes(MEMORY_BUDGET)
            )));
        }
    }
    // The memory first (the path is kept), then the time.
    check_path(init.len(), steps, 8).map_err(|e| usage_error(format!("{e} (--steps, --init)")))?;
    let work = multiply_adds(steps, init.len());
    if work > MAX_MULTIPLY_ADDS {
        let most_steps = (MAX_MULTIPLY_ADDS / multiply_adds(1, init.len())).floor();
        let advice = if most_steps >= 1.0 {
            format!("lower --steps (at most {most_steps} with these coordinates) or the coordinates of --init")
        } else {
            "lower the coordinates of --init: even one step on this many is too long".to_string()
        };
        return Err(usage_error(format!(
            "{steps} steps on {} coordinates need about {work:.1e} multiply-adds (each step's numerical gradient \
             evaluates f twice for each coordinate, each time over all {} of them: 2 × steps × coordinates²), \
             about {} here, more than the {MAX_MULTIPLY_ADDS:.1e} (about 10 minutes) descent allows: {advice}",
            init.len(),
            init.len(),
            time_at(work, MULTIPLY_ADDS_PER_SECOND)
        )));
    }
    let d =
        gradient_descent(function_2, &init, lr, steps).map_err(|e| usage_error(format!("{e} (--steps, --init)")))?;
    let overflow = d.history.iter().chain([&d.x]).position(|p| p.iter().any(|v| !v.is_finite()));
    let note = overflow.map(|at| {
        format!(
            "x overflowed f64 at step {at} (|x| passed about 1.3e154, where x0² + x1² becomes inf and its \
             gradient nan): the learning rate {} is far too large; the book's too-large 10 already diverges",
            py_float(lr)
        )
    });
    if flags.json {
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
