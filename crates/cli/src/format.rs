//! Printing numbers the way the book's Python prints them.
//!
//! - A scalar prints as Python's `str(float)`: the shortest digits that read
//!   back to the same `f64` (`0.10441666666666667`, `6.00000000000378`),
//!   positional between 1e-4 and 1e16, scientific outside (`1e-05`, `1e+16`).
//! - An array prints as numpy's `print(array)` with default options
//!   (precision 8, `floatmode='maxprec'`, line width 75): every element
//!   rounded to at most 8 decimals, one common layout for the whole array,
//!   scientific when the non-zero magnitudes span more than 1000× or leave
//!   [1e-4, 1e8): `[6. 8.]`, `[-6.11110793e-10  8.14814391e-10]`.
//!
//! Rust's `{:e}` already gives the shortest round-trip digits (as Python's
//! repr and numpy's Dragon4 do); the functions here only lay them out.
//! numpy's summarisation of arrays over 1000 elements (`...`) is not
//! reproduced: nothing here prints arrays that long.

/// The book's array precision: numpy's default `precision=8`.
const PRECISION: usize = 8;
/// numpy's default `linewidth`.
const LINE_WIDTH: usize = 75;

pub use descent_core::pyfmt::{Digits, py_float};

/// One layout for every element of an array: numpy's `FloatingFormat` with
/// default options (`precision=8`, `floatmode='maxprec'`, `suppress=False`).
#[derive(Debug, Clone, PartialEq)]
pub struct FloatFormat {
    /// Scientific notation for the whole array.
    exp_format: bool,
    /// Width of the integer part (sign included).
    pad_left: usize,
    /// Width of the fraction part (positional), or of everything after the
    /// integer digit's dot (scientific), for aligning `nan` and `inf`.
    pad_right: usize,
    /// Scientific: the digits after the dot, zero-padded to this.
    precision: usize,
    /// Scientific: at least this many exponent digits.
    exp_size: usize,
}

impl FloatFormat {
    /// The layout numpy would choose for `values`.
    pub fn new(values: &[f64]) -> Self {
        let finite: Vec<f64> = values.iter().copied().filter(|v| v.is_finite()).collect();
        let nonzero: Vec<f64> = finite.iter().map(|v| v.abs()).filter(|&v| v != 0.0).collect();
        let exp_format = if nonzero.is_empty() {
            false
        } else {
            let max = nonzero.iter().copied().fold(f64::MIN, f64::max);
            let min = nonzero.iter().copied().fold(f64::MAX, f64::min);
            max >= 1e8 || min < 1e-4 || max / min > 1000.0
        };
        let mut f = Self { exp_format, pad_left: 0, pad_right: 0, precision: 0, exp_size: 0 };
        if exp_format {
            for &v in &finite {
                let (int, frac, exp) = Digits::scientific(v, PRECISION).scientific_parts();
                f.pad_left = f.pad_left.max(int.len());
                f.precision = f.precision.max(frac.len());
                f.exp_size = f.exp_size.max(exp.unsigned_abs().to_string().len().max(2));
            }
            f.pad_right = f.exp_size + 2 + f.precision;
        } else {
            for &v in &finite {
                let (int, frac) = Digits::positional(v, PRECISION).positional_parts();
                f.pad_left = f.pad_left.max(int.len());
                f.pad_right = f.pad_right.max(frac.len());
            }
        }
        // Room for `nan`, `inf` or `-inf` in the width of a number.
        if finite.len() < values.len() {
            let inf_len: usize = if values.contains(&f64::NEG_INFINITY) { 4 } else { 3 };
            f.pad_left = f.pad_left.max(inf_len.saturating_sub(f.pad_right + 1));
        }
        f
    }

    /// One element in this layout, padded to the common width.
    pub fn format(&self, x: f64) -> String {
        if !x.is_finite() {
            let s = if x.is_nan() {
                "nan"
            } else if x > 0.0 {
                "inf"
            } else {
                "-inf"
            };
            return format!("{s:>w$}", w = self.pad_left + self.pad_right + 1);
        }
        if self.exp_format {
            let (int, frac, exp) = Digits::scientific(x, PRECISION).scientific_parts();
            let sign = if exp < 0 { '-' } else { '+' };
            format!(
                "{int:>pl$}.{frac:0<p$}e{sign}{e:0>es$}",
                pl = self.pad_left,
                p = self.precision,
                e = exp.unsigned_abs(),
                es = self.exp_size
            )
        } else {
            let (int, frac) = Digits::positional(x, PRECISION).positional_parts();
            format!("{int:>pl$}.{frac:<pr$}", pl = self.pad_left, pr = self.pad_right)
        }
    }
}

/// numpy's `_extendLine`: start a new line when `word` would pass `width`,
/// unless the line holds nothing but its indent.
fn extend_line(out: &mut String, line: &mut String, word: &str, width: usize, indent: &str) {
    if line.len() + word.len() > width && line.len() > indent.len() {
        out.push_str(line.trim_end());
        out.push('\n');
        *line = indent.to_string();
    }
    line.push_str(word);
}

/// One bracketed row of pre-formatted words, wrapped as numpy wraps it at `width`.
fn format_row(words: &[String], indent: &str, width: usize) -> String {
    // The closing bracket must fit after the last element.
    let elem_width = width - 1;
    let mut out = String::new();
    let mut line = indent.to_string();
    for (i, w) in words.iter().enumerate() {
        extend_line(&mut out, &mut line, w, elem_width, indent);
        if i + 1 < words.len() {
            line.push(' ');
        }
    }
    out.push_str(&line);
    format!("[{}]", &out[indent.len()..])
}

/// `print(np.array(v))` for a 1-D array: `[6. 8.]`, `[ 0.82263473 -0.13474467 -1.80975762]`.
pub fn np_array(v: &[f64]) -> String {
    let fmt = FloatFormat::new(v);
    let words: Vec<String> = v.iter().map(|&x| fmt.format(x)).collect();
    format_row(&words, " ", LINE_WIDTH)
}

/// `print(m)` for a 2-D array of `cols` columns stored row-major.
pub fn np_matrix(data: &[f64], cols: usize) -> String {
    let fmt = FloatFormat::new(data);
    let rows: Vec<String> = data
        .chunks(cols.max(1))
        .map(|row| {
            let words: Vec<String> = row.iter().map(|&x| fmt.format(x)).collect();
            format_row(&words, "  ", LINE_WIDTH - 1)
        })
        .collect();
    format!("[{}]", rows.join("\n "))
}

/// Lines of `label  value`, the labels padded to one width; a multi-line
/// value (a matrix) keeps its later lines under its first.
#[derive(Debug, Default)]
pub struct Report {
    rows: Vec<(String, String)>,
}

impl Report {
    /// An empty report.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one row.
    pub fn row(&mut self, label: impl Into<String>, value: impl Into<String>) -> &mut Self {
        self.rows.push((label.into(), value.into()));
        self
    }

    /// The aligned text, one row per line (a trailing newline included).
    pub fn render(&self) -> String {
        let width = self.rows.iter().map(|(l, _)| l.chars().count()).max().unwrap_or(0);
        let mut out = String::new();
        for (label, value) in &self.rows {
            let pad = " ".repeat(width - label.chars().count() + 2);
            let indent = " ".repeat(width + 2);
            let mut lines = value.lines();
            out.push_str(&format!("{label}{pad}{}\n", lines.next().unwrap_or("")));
            for l in lines {
                out.push_str(&format!("{indent}{l}\n"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_float_repr() {
        assert_eq!(py_float(0.09750000000000003), "0.09750000000000003");
        assert_eq!(py_float(0.5975), "0.5975");
        assert_eq!(py_float(6.0), "6.0");
        assert_eq!(py_float(-0.0), "-0.0");
        assert_eq!(py_float(1e-5), "1e-05");
        assert_eq!(py_float(1.5e-5), "1.5e-05");
        assert_eq!(py_float(0.0001), "0.0001");
        assert_eq!(py_float(1e16), "1e+16");
        assert_eq!(py_float(1e15), "1000000000000000.0");
        assert_eq!(py_float(123.25), "123.25");
        assert_eq!(py_float(-2.58983747e13), "-25898374700000.0");
        assert_eq!(py_float(f64::NAN), "nan");
    }

    #[test]
    fn numpy_arrays_from_the_book() {
        assert_eq!(np_array(&[6.0, 8.0]), "[6. 8.]");
        assert_eq!(np_array(&[-6.11110793e-10, 8.14814391e-10]), "[-6.11110793e-10  8.14814391e-10]");
        assert_eq!(np_array(&[-2.58983747e13, -1.29524862e12]), "[-2.58983747e+13 -1.29524862e+12]");
        assert_eq!(np_array(&[-2.999999939999995, 3.99999992]), "[-2.99999994  3.99999992]");
        assert_eq!(
            np_array(&[0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]),
            "[0.1  0.05 0.6  0.   0.05 0.1  0.   0.1  0.   0.  ]"
        );
        assert_eq!(
            np_matrix(&[0.4121426, 0.15822056, -0.57036316, 0.6182139, 0.23733084, -0.85554475], 3),
            "[[ 0.4121426   0.15822056 -0.57036316]\n [ 0.6182139   0.23733084 -0.85554475]]"
        );
        assert_eq!(np_array(&[1e-5, 2e-5]), "[1.e-05 2.e-05]");
        assert_eq!(np_array(&[0.0, 0.0]), "[0. 0.]");
        assert_eq!(np_array(&[1.0, f64::NAN]), "[ 1. nan]");
    }

    #[test]
    fn long_rows_wrap_at_75_columns() {
        let v: Vec<f64> = (0..12).map(|i| i as f64 + 0.123456789).collect();
        let s = np_array(&v);
        assert!(s.lines().all(|l| l.len() <= 75), "{s}");
        assert_eq!(s.lines().count(), 2);
    }

    #[test]
    fn report_aligns_labels() {
        let mut r = Report::new();
        r.row("p", "[1. 2.]").row("argmax", "1").row("W", "[[1.]\n [2.]]");
        assert_eq!(r.render(), "p       [1. 2.]\nargmax  1\nW       [[1.]\n         [2.]]\n");
    }
}
