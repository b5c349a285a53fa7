//! `descent gradient-2d`: partial derivatives and the gradient of
//! f(x₀, x₁) = x₀² + x₁², at a point or over the book's grid (4.3.2, 4.4,
//! `gradient_2d.py`).

use descent_core::numerical::{function_2, numerical_diff, numerical_gradient};
use serde_json::json;

use super::{print, print_json};
use crate::args::{JSON_HELP, List};
use crate::error::CliError;
use crate::format::{FloatFormat, Report, np_array, py_float};

/// What it computes (and the book script it ports).
pub const ABOUT: &str =
    "partial derivatives and numerical gradient of f(x0, x1) = x0² + x1² (book 4.3.2, 4.4, gradient_2d.py)";

/// The notes after the flags in `--help`.
pub const NOTES: &str = "At a point: ∂f/∂x0 and ∂f/∂x1 by numerical_diff with the other coordinate held fixed (the book's\n\
            function_tmp1 / function_tmp2), then ∇f by numerical_gradient. At (3, 4) the book prints\n\
            6.00000000000378 and [6. 8.].\n\
            --field: −∇f (the arrows of the book's quiver plot, pointing to the minimum) on the grid\n\
            arange(-2, 2.5, 0.25)², 18 × 18 = 324 points, x0 varying fastest; with --json, one JSON\n\
            array of {x0, x1, dx0, dx1}.";

/// Its flags.
#[derive(Debug, clap::Args)]
pub struct Flags {
    #[arg(long, value_name = "X0,X1", value_parser = List::parse, help = "the point (default 3,4)")]
    pub at: Option<List>,
    #[arg(long, help = "print −∇f over the book's 18 × 18 grid instead")]
    pub field: bool,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}

/// The book's grid axis: `np.arange(-2, 2.5, 0.25)`, 18 values.
pub fn grid_axis() -> Vec<f64> {
    (0..18).map(|i| -2.0 + i as f64 * 0.25).collect()
}

/// ∇f at one point, numerically.
fn gradient_at(x0: f64, x1: f64) -> [f64; 2] {
    let g = numerical_gradient(function_2, &mut [x0, x1]);
    [g[0], g[1]]
}

/// Runs `descent gradient-2d`.
pub fn run(flags: &Flags) -> Result<(), CliError> {
    if flags.field {
        if flags.at.is_some() {
            return Err(CliError::usage(Some("gradient-2d"), "--field covers the book's fixed grid: it takes no --at"));
        }
        return field(flags.json);
    }
    let [x0, x1] = flags.at.clone().unwrap_or(List(vec![3.0, 4.0])).exactly::<2>("gradient-2d", "at")?;
    // The book's function_tmp1 / function_tmp2: f with one coordinate held constant.
    let d0 = numerical_diff(|t: f64| t * t + x1 * x1, x0);
    let d1 = numerical_diff(|t: f64| x0 * x0 + t * t, x1);
    let grad = gradient_at(x0, x1);
    if flags.json {
        return print_json(&json!({"x": [x0, x1], "partial": [d0, d1], "gradient": grad}));
    }
    let mut report = Report::new();
    report
        .row("x", np_array(&[x0, x1]))
        .row(format!("numerical_diff(function_tmp1, {})", py_float(x0)), format!("{}  (∂f/∂x0)", py_float(d0)))
        .row(format!("numerical_diff(function_tmp2, {})", py_float(x1)), format!("{}  (∂f/∂x1)", py_float(d1)))
        .row("numerical_gradient(function_2, x)", np_array(&grad));
    print(&report.render())
}

/// −∇f over the grid, as a table or a JSON array.
fn field(json: bool) -> Result<(), CliError> {
    let axis = grid_axis();
    let rows: Vec<[f64; 4]> = axis
        .iter()
        .flat_map(|&x1| axis.iter().map(move |&x0| (x0, x1)))
        .map(|(x0, x1)| {
            let [g0, g1] = gradient_at(x0, x1);
            [x0, x1, -g0, -g1]
        })
        .collect();
    if json {
        let items: Vec<_> = rows.iter().map(|r| json!({"x0": r[0], "x1": r[1], "dx0": r[2], "dx1": r[3]})).collect();
        return print_json(&serde_json::Value::Array(items));
    }
    let header = ["x0", "x1", "-df/dx0", "-df/dx1"];
    let formats: Vec<FloatFormat> =
        (0..4).map(|c| FloatFormat::new(&rows.iter().map(|r| r[c]).collect::<Vec<_>>())).collect();
    let cells: Vec<Vec<String>> = rows.iter().map(|r| (0..4).map(|c| formats[c].format(r[c])).collect()).collect();
    let widths: Vec<usize> =
        (0..4).map(|c| cells.iter().map(|r| r[c].len()).chain([header[c].len()]).max().unwrap_or(0)).collect();
    let line = |cols: &[String]| {
        cols.iter().zip(&widths).map(|(s, w)| format!("{s:>w$}")).collect::<Vec<_>>().join("  ") + "\n"
    };
    let mut out = line(&header.map(String::from));
    for r in &cells {
        out.push_str(&line(r));
    }
    print(&out)
}
