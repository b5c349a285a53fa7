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

/// A finite, non-zero `f64` as decimal digits: x = ±0.d₁d₂… × 10^`decpt`.
#[derive(Debug, Clone, PartialEq)]
struct Digits {
    negative: bool,
    /// Significant digits, no leading or trailing zeros (`"6"`, `"10441666666666667"`).
    digits: String,
    /// Position of the decimal point relative to the first digit.
    decpt: i32,
}

impl Digits {
    /// Parses Rust's `{:e}` / `{:.Ne}` output (`-1.2345e-7`), trimming trailing zeros.
    fn from_exp_str(s: &str) -> Self {
        let (mantissa, exp) = s.split_once('e').expect("LowerExp output has an exponent");
        let negative = mantissa.starts_with('-');
        let mut digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
        while digits.len() > 1 && digits.ends_with('0') {
            digits.pop();
        }
        let exp: i32 = exp.parse().expect("LowerExp exponent is an integer");
        Self { negative, digits, decpt: exp + 1 }
    }

    /// The shortest digits that round-trip.
    fn shortest(x: f64) -> Self {
        Self::from_exp_str(&format!("{x:e}"))
    }

    /// The shortest digits, but at most `precision` digits after the decimal
    /// point (positional) — rounding the exact value when more would be needed.
    fn positional(x: f64, precision: usize) -> Self {
        let d = Self::shortest(x);
        if d.fraction_len() <= precision {
            return d;
        }
        let fixed = format!("{x:.precision$}");
        if fixed.trim_start_matches('-').trim_start_matches(['0', '.']).is_empty() {
            // Rounded away entirely (|x| < 0.5e-8): zero with x's sign.
            return Self { negative: x < 0.0, digits: "0".into(), decpt: 1 };
        }
        // Re-read the rounded decimal through `{:e}` of its exact digits.
        let sig: String = fixed.chars().filter(char::is_ascii_digit).collect();
        let int_len = fixed.trim_start_matches('-').split('.').next().map_or(0, str::len) as i32;
        let lead = sig.len() - sig.trim_start_matches('0').len();
        let mut digits = sig.trim_start_matches('0').to_string();
        while digits.len() > 1 && digits.ends_with('0') {
            digits.pop();
        }
        Self { negative: x < 0.0, digits, decpt: int_len - lead as i32 }
    }

    /// The shortest digits, but at most `precision` digits after the first (scientific).
    fn scientific(x: f64, precision: usize) -> Self {
        let d = Self::shortest(x);
        if d.digits.len() <= precision + 1 {
            return d;
        }
        Self::from_exp_str(&format!("{x:.precision$e}"))
    }

    /// Digits after the decimal point in positional notation.
    fn fraction_len(&self) -> usize {
        (self.digits.len() as i32 - self.decpt).max(0) as usize
    }

    /// Integer part and fraction part in positional notation (`("-0", "13474467")`, `("6", "")`).
    fn positional_parts(&self) -> (String, String) {
        let sign = if self.negative { "-" } else { "" };
        let n = self.digits.len() as i32;
        if self.decpt <= 0 {
            let zeros = "0".repeat((-self.decpt) as usize);
            (format!("{sign}0"), format!("{zeros}{}", self.digits))
        } else if self.decpt >= n {
            let zeros = "0".repeat((self.decpt - n) as usize);
            (format!("{sign}{}{zeros}", self.digits), String::new())
        } else {
            let (int, frac) = self.digits.split_at(self.decpt as usize);
            (format!("{sign}{int}"), frac.to_string())
        }
    }

    /// Mantissa integer digit (with sign), mantissa fraction and decimal exponent.
    fn scientific_parts(&self) -> (String, String, i32) {
        let sign = if self.negative { "-" } else { "" };
        let (first, rest) = self.digits.split_at(1);
        (format!("{sign}{first}"), rest.to_string(), self.decpt - 1)
    }
}

/// Python's `str(x)` / `repr(x)` for a float: `0.1`, `6.0`, `0.09750000000000003`, `1e-05`, `-2.5e+16`, `nan`.
pub fn py_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".into();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.into();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.into();
    }
    let d = Digits::shortest(x);
    // CPython's float_repr_style 'short': scientific when decpt ∉ (-4, 16].
    if d.decpt <= -4 || d.decpt > 16 {
        let (int, frac, exp) = d.scientific_parts();
        let dot = if frac.is_empty() { String::new() } else { format!(".{frac}") };
        format!("{int}{dot}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    } else {
        let (int, frac) = d.positional_parts();
        format!("{int}.{}", if frac.is_empty() { "0" } else { &frac })
    }
}

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
