//! Numbers as the book's Python prints them: [`py_float`] is Python's
//! `repr(float)` (`0.1`, `6.0`, `0.09750000000000003`, `1e-05`), on the
//! shortest digits that read back to the same `f64` ([`Digits`]), which
//! Rust's `{:e}` gives as Python's repr does. The CLI lays out numpy's
//! arrays on the same digits; the run's CSV files ([`crate::model::csv`]) use
//! [`py_float`], so the page's and the CLI's are the same text.

use alloc::format;
use alloc::string::{String, ToString};

/// A finite, non-zero `f64` as decimal digits: x = ±0.d₁d₂… × 10^`decpt`.
#[derive(Debug, Clone, PartialEq)]
pub struct Digits {
    /// Below zero.
    pub negative: bool,
    /// Significant digits, no leading or trailing zeros (`"6"`, `"10441666666666667"`).
    pub digits: String,
    /// Position of the decimal point relative to the first digit.
    pub decpt: i32,
}

impl Digits {
    /// Parses Rust's `{:e}` / `{:.Ne}` output (`-1.2345e-7`), trimming trailing zeros.
    pub fn from_exp_str(s: &str) -> Self {
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
    pub fn shortest(x: f64) -> Self {
        Self::from_exp_str(&format!("{x:e}"))
    }

    /// The shortest digits, but at most `precision` digits after the decimal
    /// point (positional) — rounding the exact value when more would be needed.
    pub fn positional(x: f64, precision: usize) -> Self {
        let d = Self::shortest(x);
        if d.fraction_len() <= precision {
            return d;
        }
        let fixed = format!("{x:.precision$}");
        if fixed.trim_start_matches('-').trim_start_matches(['0', '.']).is_empty() {
            // Rounded away entirely (|x| < 0.5e-8): zero with x's sign.
            return Self { negative: x < 0.0, digits: String::from("0"), decpt: 1 };
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
    pub fn scientific(x: f64, precision: usize) -> Self {
        let d = Self::shortest(x);
        if d.digits.len() <= precision + 1 {
            return d;
        }
        Self::from_exp_str(&format!("{x:.precision$e}"))
    }

    /// Digits after the decimal point in positional notation.
    pub fn fraction_len(&self) -> usize {
        (self.digits.len() as i32 - self.decpt).max(0) as usize
    }

    /// Integer part and fraction part in positional notation (`("-0", "13474467")`, `("6", "")`).
    pub fn positional_parts(&self) -> (String, String) {
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
    pub fn scientific_parts(&self) -> (String, String, i32) {
        let sign = if self.negative { "-" } else { "" };
        let (first, rest) = self.digits.split_at(1);
        (format!("{sign}{first}"), rest.to_string(), self.decpt - 1)
    }
}

/// Python's `str(x)` / `repr(x)` for a float: `0.1`, `6.0`, `0.09750000000000003`, `1e-05`, `-2.5e+16`, `nan`.
pub fn py_float(x: f64) -> String {
    if x.is_nan() {
        return "nan".to_string();
    }
    if x.is_infinite() {
        return if x > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    if x == 0.0 {
        return if x.is_sign_negative() { "-0.0" } else { "0.0" }.to_string();
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
