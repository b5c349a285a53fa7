//! `descent simplenet`: the chapter's smallest network and its numerical
//! gradient (4.4.2, the book's `gradient_simplenet.py`).

use descent_core::{Matrix, SimpleNet, matrix::argmax};
use serde_json::json;

use super::{print, print_json};
use crate::args::{JSON_HELP, List, whole};
use crate::error::CliError;
use crate::format::{Report, np_array, np_matrix, py_float};
use crate::seed::{self, SeedArg};

/// What it computes (and the book script it ports).
pub const ABOUT: &str =
    "simpleNet: p = x·W, loss = CEE(softmax(p), t), and ∂L/∂W numerically (book 4.4.2, gradient_simplenet.py)";

/// The notes after the flags in `--help`.
pub const NOTES: &str = "The default W is the one the book printed (rounded to 8 decimals, so p, the loss and dW match the\n\
            book to about 1e-7): p = [ 0.82263473 -0.13474467 -1.80975762], argmax 0, loss 3.0079485…,\n\
            dW = [[ 0.4121426   0.15822056 -0.57036316] [ 0.6182139   0.23733084 -0.85554475]].\n\
            --seed S draws W from N(0, 1) instead (np.random.randn(2, 3), with this project's generator);\n\
            --seed random draws a seed and prints it first, as a line `seed N` (with --json: a \"seed\" field).";

/// Its flags.
#[derive(Debug, clap::Args)]
pub struct Flags {
    #[arg(long, value_name = "A,B,C,D,E,F", value_parser = List::parse, help = "W row by row, 2 × 3 (default: the book's W)")]
    pub w: Option<List>,
    #[arg(long, value_name = "S|random", value_parser = SeedArg::parse, help = "draw W from N(0, 1) with this seed instead")]
    pub seed: Option<SeedArg>,
    #[arg(long, value_name = "X0,X1", value_parser = List::parse, help = "the input (default 0.6,0.9)")]
    pub x: Option<List>,
    #[arg(long, value_name = "LABEL", value_parser = whole, help = "the correct label of 0, 1, 2, made one-hot (default 2)")]
    pub t: Option<usize>,
    #[arg(long, help = JSON_HELP)]
    pub json: bool,
}

/// The W the book printed in `gradient_simplenet.py`'s run.
pub const BOOK_W: [[f64; 3]; 2] = [[1.78188867, -1.60339216, -1.83076049], [-0.27388719, 0.9192118, -0.79033481]];

/// The net the flags ask for, and its seed with whether it was drawn (`--seed random`).
fn net(flags: &Flags) -> Result<(SimpleNet, Option<(u64, bool)>), CliError> {
    match (flags.w.clone(), flags.seed) {
        (Some(_), Some(_)) => Err(CliError::usage(Some("simplenet"), "give either --w or --seed, not both")),
        (Some(w), None) => {
            let w = w.exactly::<6>("simplenet", "w")?;
            Ok((SimpleNet::with_weights([[w[0], w[1], w[2]], [w[3], w[4], w[5]]]), None))
        }
        (None, Some(seed)) => {
            let (seed, drawn) = seed.resolve()?;
            Ok((SimpleNet::new(seed), Some((seed, drawn))))
        }
        (None, None) => Ok((SimpleNet::with_weights(BOOK_W), None)),
    }
}

/// A matrix as nested JSON arrays.
fn rows(m: &Matrix<f64>) -> Vec<Vec<f64>> {
    (0..m.rows()).map(|i| m.row(i).to_vec()).collect()
}

/// Runs `descent simplenet`.
pub fn run(flags: &Flags) -> Result<(), CliError> {
    let (mut net, seed) = net(flags)?;
    let x = flags.x.clone().unwrap_or(List(vec![0.6, 0.9])).exactly::<2>("simplenet", "x")?;
    let label = flags.t.unwrap_or(2);
    if label >= 3 {
        return Err(CliError::usage(
            Some("simplenet"),
            format!("--t {label} is not one of simpleNet's 3 classes: use 0, 1 or 2"),
        ));
    }
    let mut t = [0.0; 3];
    t[label] = 1.0;
    let p = net.predict(&x);
    let best = argmax(&p);
    let loss = net.loss(&x, &t);
    let dw = net.numerical_gradient(&x, &t);
    if flags.json {
        let mut out = json!({
            "W": rows(&net.w), "x": x, "t": t, "p": p, "argmax": best, "loss": loss, "dW": rows(&dw)
        });
        if let Some((seed, _)) = seed {
            out["seed"] = json!(seed);
        }
        return print_json(&out);
    }
    let mut report = Report::new();
    report
        .row("net.W", np_matrix(net.w.as_slice(), 3))
        .row("x", np_array(&x))
        .row("t", np_array(&t))
        .row("p = net.predict(x)", np_array(&p))
        .row("np.argmax(p)", best.to_string())
        .row("net.loss(x, t)", py_float(loss))
        .row("numerical_gradient(f, net.W)", np_matrix(dw.as_slice(), 3));
    let first = match seed {
        Some((seed, true)) => seed::line(seed),
        _ => String::new(),
    };
    print(&(first + &report.render()))
}
