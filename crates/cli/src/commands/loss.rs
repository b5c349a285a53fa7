//! `descent loss`: the chapter's two loss functions on the book's examples (4.2).

use descent_core::{Matrix, cross_entropy_error, sum_squares_error};
use serde_json::json;

use super::{print, print_json};
use crate::args::{JSON_HELP, List, whole};
use crate::error::CliError;
use crate::format::{Report, np_array, py_float};

/// What it computes (and the book script it ports).
pub const ABOUT: &str = "sum of squares and cross entropy of an output y against a one-hot label (book 4.2)";

/// The notes after the flags in `--help`.
pub const NOTES: &str = "Without --y, prints the book's two examples: y1 (most probability on the label 2) and y2 (on 7).\n\
            cross_entropy_error adds δ = 1e-7 inside the log, as the book does.\n\
            --y holds probabilities (a softmax output): each from 0 to 1; anything else is refused. The cross\n\
            entropy reads only y[t]: there, a value below 0 would make it nan (the log of a negative number)\n\
            and one above 1 negative.";

/// Its flags.
#[derive(Debug, clap::Args)]
pub struct Flags {
    #[arg(long, value_name = "V,V,...", value_parser = List::parse, help = "the network's output, comma-separated (default: the book's y1 and y2)")]
    pub y: Option<List>,
    #[arg(long, value_name = "LABEL", value_parser = whole, help = "the correct label, made one-hot (default 2)")]
    pub t: Option<usize>,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}

/// The book's y1: most of the probability on label 2, the correct one.
pub const Y1: [f64; 10] = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0];
/// The book's y2: most of the probability on label 7, a wrong one.
pub const Y2: [f64; 10] = [0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0];

/// Both losses of one output.
struct Losses {
    name: &'static str,
    y: Vec<f64>,
    sse: f64,
    cee: f64,
}

fn losses(name: &'static str, y: Vec<f64>, t: &[f64]) -> Losses {
    let sse = sum_squares_error(&y, t);
    let cee = cross_entropy_error(&Matrix::row_vector(&y), &Matrix::row_vector(t));
    Losses { name, y, sse, cee }
}

/// What a y[t] outside 0..=1 would do to the cross entropy −ln(y[t] + δ),
/// the only element it reads: where it would be nan, infinite or negative.
fn what_it_does(label: usize, v: f64) -> String {
    let cee = -(v + 1e-7).ln();
    let effect = if cee.is_nan() {
        "nan (the log of a negative number)".to_string()
    } else if cee.is_infinite() {
        "infinite (the log of 0)".to_string()
    } else if cee < 0.0 {
        format!("negative ({})", py_float(cee))
    } else {
        return String::new();
    };
    format!("; as y[{label}], the probability of the label --t {label}, it would make the cross entropy {effect}")
}

/// Runs `descent loss`.
pub fn run(flags: &Flags) -> Result<(), CliError> {
    let usage_error = |m: String| CliError::usage(Some("loss"), m);
    let label = flags.t.unwrap_or(2);
    let ys: Vec<(&'static str, Vec<f64>)> = match &flags.y {
        Some(List(y)) => vec![("y", y.clone())],
        None => vec![("y1", Y1.to_vec()), ("y2", Y2.to_vec())],
    };
    for (_, y) in &ys {
        if let Some((i, &v)) = y.iter().enumerate().find(|&(_, &v)| !(0.0..=1.0).contains(&v)) {
            return Err(usage_error(format!(
                "--y: element {i} is {}, but y holds probabilities (the network's softmax output), each from 0 to 1{}",
                py_float(v),
                if i == label { what_it_does(label, v) } else { String::new() }
            )));
        }
    }
    let len = ys[0].1.len();
    if label >= len {
        return Err(usage_error(format!("--t {label} is not a class of a {len}-element output: use 0..{}", len - 1)));
    }
    let mut t = vec![0.0; len];
    t[label] = 1.0;
    let results: Vec<Losses> = ys.into_iter().map(|(name, y)| losses(name, y, &t)).collect();

    if flags.json {
        let rows: Vec<_> = results
            .iter()
            .map(|r| json!({"name": r.name, "y": r.y, "sum_squares_error": r.sse, "cross_entropy_error": r.cee}))
            .collect();
        return print_json(&json!({"t": label, "results": rows}));
    }
    let mut report = Report::new();
    report.row("t", format!("{label}  (one-hot {})", np_array(&t)));
    for r in &results {
        report
            .row(r.name, np_array(&r.y))
            .row(format!("sum_squares_error({}, t)", r.name), py_float(r.sse))
            .row(format!("cross_entropy_error({}, t)", r.name), py_float(r.cee));
    }
    print(&report.render())
}
