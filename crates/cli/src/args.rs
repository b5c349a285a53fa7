//! Hand-rolled flag parsing: each command declares its flags once, as data,
//! and the same table drives parsing, typed look-ups and `--help`.
//!
//! Flags are `--name VALUE`, `--name=VALUE` or a bare `--name` switch. A
//! flag that takes a value always consumes the next argument, so negative
//! numbers work (`--init -3,4`). Unknown flags, stray positional arguments,
//! missing values and malformed numbers are usage errors (exit code 2),
//! never panics.

use std::collections::HashMap;
use std::fmt::Write as _;

use descent_core::schema::{Field, Grouped};

use crate::error::CliError;

/// One flag of a command.
#[derive(Debug, Clone, Copy)]
pub struct Flag {
    /// Its name without the dashes (`"iters"`).
    pub name: &'static str,
    /// The value's placeholder in help (`Some("N")`), or `None` for a switch.
    pub value: Option<&'static str>,
    /// One line of help, ending with the default (for a training setting: added after the schema's).
    pub help: &'static str,
    /// The training setting it sets, whose hint, bounds and default its help shows.
    pub field: Option<&'static Field>,
}

impl Flag {
    /// A flag that takes a value.
    pub const fn value(name: &'static str, placeholder: &'static str, help: &'static str) -> Self {
        Self { name, value: Some(placeholder), help, field: None }
    }

    /// A switch (no value).
    pub const fn switch(name: &'static str, help: &'static str) -> Self {
        Self { name, value: None, help, field: None }
    }

    /// The flag of a training setting: its name and help come from the schema
    /// ([`Field::flag`], [`setting_help`]); `more` is added to the help (may be empty).
    pub const fn setting(field: &'static Field, placeholder: &'static str, more: &'static str) -> Self {
        let name = match field.flag.as_bytes() {
            [b'-', b'-', rest @ ..] => match std::str::from_utf8(rest) {
                Ok(n) => n,
                Err(_) => panic!("a flag is UTF-8"),
            },
            _ => panic!("a setting's flag starts with --"),
        };
        Self { name, value: Some(placeholder), help: more, field: Some(field) }
    }

    /// Its line of help.
    pub fn help_text(&self) -> String {
        match self.field {
            Some(field) => setting_help(field, self.help),
            None => self.help.to_string(),
        }
    }
}

/// A training setting's help, from the schema: its hint, its bounds and its
/// default ("neurons in the hidden layer: a whole number from 1 to 10,000 (default 50)"),
/// then `more`.
pub fn setting_help(field: &Field, more: &str) -> String {
    format!("{}: {} (default {}){more}", field.hint, field.bounds(), Grouped(field.default))
}

/// `--json`, which every command takes.
pub const JSON: Flag = Flag::switch(
    "json",
    "print JSON (one object per line) instead of text; errors and warnings become JSON objects on stderr",
);
/// `--data DIR`, for the commands that read MNIST.
pub const DATA: Flag = Flag::value(
    "data",
    "DIR",
    "folder holding the four raw MNIST IDX files (default: data/mnist, found from the current folder upwards)",
);

/// A subcommand: its name, what it does, and its flags.
#[derive(Debug)]
pub struct Command {
    /// The word after `descent`.
    pub name: &'static str,
    /// One line: what it computes (and the book script it ports).
    pub about: &'static str,
    /// Extra paragraphs printed after the flags in `--help` (may be empty).
    pub notes: &'static str,
    /// Every flag it accepts (`--help` is implicit).
    pub flags: &'static [Flag],
}

impl Command {
    /// The text of `descent <name> --help`.
    pub fn help(&self) -> String {
        let mut s =
            format!("descent {}: {}\n\nUsage: descent {} [options]\n\nOptions:\n", self.name, self.about, self.name);
        let rows: Vec<(String, String)> = self
            .flags
            .iter()
            .map(|f| (format!("--{}{}", f.name, f.value.map(|v| format!(" {v}")).unwrap_or_default()), f.help_text()))
            .chain([("-h, --help".to_string(), "print this help".to_string())])
            .collect();
        let width = rows.iter().map(|(l, _)| l.len()).max().unwrap_or(0);
        for (left, help) in rows {
            let _ = writeln!(s, "  {left:width$}  {help}");
        }
        if !self.notes.is_empty() {
            let _ = write!(s, "\n{}\n", self.notes.trim_end());
        }
        s
    }

    /// The flag called `name`, if this command takes it.
    pub fn flag(&self, name: &str) -> Option<&'static Flag> {
        self.flags.iter().find(|f| f.name == name)
    }
}

/// What a command line asked for.
#[derive(Debug)]
pub enum Parsed {
    /// `--help` / `-h`: print the command's help.
    Help,
    /// Run the command with these flags.
    Run(Args),
}

/// The flags given to one command, checked against its table.
#[derive(Debug)]
pub struct Args {
    command: &'static Command,
    values: HashMap<&'static str, String>,
}

impl Args {
    /// Parses `argv` (the arguments after the command name). A repeated flag keeps its last value.
    pub fn parse(command: &'static Command, argv: &[String]) -> Result<Parsed, CliError> {
        let usage = |m: String| CliError::usage(Some(command.name), m);
        let mut values = HashMap::new();
        let mut it = argv.iter();
        while let Some(arg) = it.next() {
            if arg == "-h" || arg == "--help" {
                return Ok(Parsed::Help);
            }
            let Some(body) = arg.strip_prefix("--") else {
                return Err(usage(format!(
                    "unexpected argument '{arg}': `descent {}` takes only --flags",
                    command.name
                )));
            };
            let (name, inline) = match body.split_once('=') {
                Some((n, v)) => (n, Some(v.to_string())),
                None => (body, None),
            };
            let Some(flag) = command.flag(name) else {
                return Err(usage(unknown_flag(command, name)));
            };
            let value = match (flag.value, inline) {
                (None, None) => String::new(),
                (None, Some(_)) => return Err(usage(format!("--{name} is a switch and takes no value"))),
                (Some(_), Some(v)) => v,
                (Some(p), None) => match it.next() {
                    Some(v) => v.clone(),
                    None => return Err(usage(format!("--{name} needs a value: --{name} {p}"))),
                },
            };
            values.insert(flag.name, value);
        }
        Ok(Parsed::Run(Self { command, values }))
    }

    /// Whether the switch `name` was given.
    pub fn switch(&self, name: &str) -> bool {
        self.values.contains_key(name)
    }

    /// The raw value of `name`, if given.
    pub fn raw(&self, name: &str) -> Option<&str> {
        self.values.get(name).map(String::as_str)
    }

    /// The value of `name` parsed as T, if given.
    pub fn get<T: FromArg>(&self, name: &str) -> Result<Option<T>, CliError> {
        let Some(raw) = self.raw(name) else { return Ok(None) };
        T::from_arg(raw).map(Some).map_err(|expected| {
            CliError::usage(Some(self.command.name), format!("invalid value '{raw}' for --{name}: expected {expected}"))
        })
    }

    /// The value of `name` parsed as T, or `default` when not given.
    pub fn get_or<T: FromArg>(&self, name: &str, default: T) -> Result<T, CliError> {
        Ok(self.get(name)?.unwrap_or(default))
    }

    /// A usage error about this command.
    pub fn usage_error(&self, message: impl Into<String>) -> CliError {
        CliError::usage(Some(self.command.name), message)
    }

    /// A usage error about one field of the training config.
    pub fn config_error(&self, e: &descent_core::ConfigError) -> CliError {
        CliError::config(self.command.name, e)
    }
}

/// Whether a command line asks for `--json`, read as [`Args::parse`] reads it
/// (a flag's value is not a flag), but even when the line does not parse:
/// so that its error comes out as JSON too.
pub fn wants_json(command: Option<&Command>, argv: &[String]) -> bool {
    let Some(command) = command else { return argv.iter().any(|a| a == "--json") };
    let mut it = argv.iter();
    while let Some(arg) = it.next() {
        if arg == "--json" {
            return true;
        }
        let takes_value = arg
            .strip_prefix("--")
            .filter(|n| !n.contains('='))
            .and_then(|n| command.flag(n))
            .is_some_and(|f| f.value.is_some());
        if takes_value {
            it.next();
        }
    }
    false
}

/// "unknown flag --x", with the nearest real flag when one is close.
fn unknown_flag(command: &Command, name: &str) -> String {
    let nearest = command.flags.iter().map(|f| (edit_distance(name, f.name), f.name)).min().filter(|&(d, _)| d <= 2);
    match nearest {
        Some((_, n)) => format!("unknown flag --{name} for `descent {}`: did you mean --{n}?", command.name),
        None => format!("unknown flag --{name} for `descent {}`", command.name),
    }
}

/// Levenshtein distance, for "did you mean".
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, &cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != cb)).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

/// A type a flag's value parses into; the error says what was expected.
pub trait FromArg: Sized {
    /// Parses one flag value.
    fn from_arg(s: &str) -> Result<Self, String>;
}

impl FromArg for usize {
    fn from_arg(s: &str) -> Result<Self, String> {
        s.trim().replace('_', "").parse().map_err(|_| "a whole number ≥ 0".into())
    }
}

impl FromArg for u64 {
    fn from_arg(s: &str) -> Result<Self, String> {
        s.trim().replace('_', "").parse().map_err(|_| "a whole number ≥ 0".into())
    }
}

impl FromArg for f64 {
    /// Any finite number Rust reads (`0.1`, `1e-10`, `-3`); NaN and ∞ are refused.
    fn from_arg(s: &str) -> Result<Self, String> {
        match s.trim().parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(v),
            _ => Err("a finite number (like 0.1 or 1e-10)".into()),
        }
    }
}

impl FromArg for Vec<f64> {
    /// Comma-separated finite numbers, optionally in brackets: `3,4`, `[-3, 4]`.
    fn from_arg(s: &str) -> Result<Self, String> {
        let inner = s.trim().trim_start_matches('[').trim_end_matches(']');
        let expected = || "comma-separated finite numbers (like -3,4)".to_string();
        if inner.trim().is_empty() {
            return Err(expected());
        }
        inner.split(',').map(|p| f64::from_arg(p).map_err(|_| expected())).collect()
    }
}

impl FromArg for crate::seed::SeedArg {
    fn from_arg(s: &str) -> Result<Self, String> {
        Self::parse(s)
    }
}

/// The float type a training run computes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Precision {
    /// Single precision: about twice as fast, same accuracy for this net.
    F32,
    /// Double precision, as numpy computes in the book.
    F64,
}

impl FromArg for Precision {
    fn from_arg(s: &str) -> Result<Self, String> {
        match s.trim() {
            "f32" | "float32" => Ok(Self::F32),
            "f64" | "float64" => Ok(Self::F64),
            _ => Err("f32 or f64".into()),
        }
    }
}

/// Requires `values` to hold exactly `n` numbers, for flags like `--at X0,X1`.
pub fn exactly<const N: usize>(args: &Args, name: &str, values: Vec<f64>) -> Result<[f64; N], CliError> {
    let got = values.len();
    values.try_into().map_err(|_| args.usage_error(format!("--{name} takes {N} numbers, got {got}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    static CMD: Command = Command {
        name: "demo",
        about: "a test command",
        notes: "",
        flags: &[Flag::value("iters", "N", "iterations"), Flag::value("at", "X0,X1", "a point"), JSON],
    };

    fn parse(argv: &[&str]) -> Result<Parsed, CliError> {
        let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
        Args::parse(&CMD, &argv)
    }

    fn run(argv: &[&str]) -> Args {
        match parse(argv) {
            Ok(Parsed::Run(a)) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn values_switches_and_negative_numbers() {
        let a = run(&["--iters", "300", "--at", "-3,4", "--json"]);
        assert_eq!(a.get_or("iters", 0usize).unwrap(), 300);
        assert_eq!(a.get::<Vec<f64>>("at").unwrap(), Some(vec![-3.0, 4.0]));
        assert!(a.switch("json"));
        let a = run(&["--iters=5", "--at=[1, 2]"]);
        assert_eq!(a.get_or("iters", 0usize).unwrap(), 5);
        assert_eq!(a.get::<Vec<f64>>("at").unwrap(), Some(vec![1.0, 2.0]));
        assert!(!a.switch("json"));
    }

    #[test]
    fn usage_errors_are_exit_code_2() {
        for argv in [&["--itres", "3"][..], &["--iters"], &["stray"], &["--json=yes"]] {
            let e = parse(argv).unwrap_err();
            assert_eq!(e.exit_code(), 2, "{argv:?}");
        }
        assert!(parse(&["--itres", "3"]).unwrap_err().to_string().contains("did you mean --iters?"));
        let a = run(&["--iters", "ten", "--at", "1,x"]);
        assert!(a.get::<usize>("iters").unwrap_err().to_string().contains("invalid value 'ten' for --iters"));
        assert!(a.get::<Vec<f64>>("at").is_err());
        assert!(matches!(parse(&["--iters", "3", "-h"]), Ok(Parsed::Help)));
    }

    #[test]
    fn non_finite_numbers_are_refused() {
        assert!(f64::from_arg("nan").is_err());
        assert!(f64::from_arg("inf").is_err());
        assert_eq!(f64::from_arg("1e-10"), Ok(1e-10));
    }

    #[test]
    fn help_lists_every_flag() {
        let h = CMD.help();
        for f in ["--iters N", "--at X0,X1", "--json", "-h, --help"] {
            assert!(h.contains(f), "{h}");
        }
    }
}
