//! # descent
//!
//! Chapter 4 of *Deep Learning from Scratch*, "learning from data", in the
//! terminal: each of the chapter's scripts is a subcommand that prints what
//! the book prints (numbers laid out as Python and numpy lay them out), and
//! `descent train` runs the book's MNIST experiment on the real data set.
//!
//! The computing is all in `descent_core`; this crate adds what a library
//! without I/O leaves out: flags ([`args`], with clap), files ([`data`]), clocks and a
//! progress bar ([`progress`]), the book's number formatting ([`format`]),
//! figures ([`svg`]) and one module per subcommand ([`commands`]).
//!
//! Exit codes: 0 on success, 2 for a usage error (unknown flag, bad number,
//! impossible config, a `--batch` or `--images` larger than the training set), 1 for
//! anything else (missing or corrupt data, too few images for a default, a
//! run that diverged).
//!
//! stdout holds results; errors go to stderr, as `descent: error: …`, or with
//! `--json` as one JSON object `{"error": {"message", "exit_code", "field"?, "help"?}}`.
//! A warning goes to stderr when it happens, as `descent: warning: …` or with
//! `--json` one object `{"warning": message, "kind", …}`; `train` repeats its
//! warning in its results on stdout at the end: a last line `warning: …` in
//! text, a `"warning"` field of the final object with `--json`.

mod args;
mod cli;
mod commands;
mod data;
mod error;
mod format;
mod model;
mod progress;
mod seed;
mod svg;

use std::io::Write;

use cli::Parsed;
use error::CliError;

/// The first line of `descent --help`.
pub const ABOUT: &str =
    "descent: chapter 4 of Deep Learning from Scratch (\"learning from data\") in Rust, on real MNIST";

/// What `descent --help` says after the commands.
fn notes() -> String {
    format!(
        "Every command takes --json and -h/--help. train, gradcheck and bench read MNIST from {} (placed\n\
         by `{}`), found from the current folder upwards, or from --data DIR.\n\
         Run `descent <command> --help` for a command's flags.\n\n\
         Output: results on stdout, errors on stderr. A warning goes to stderr when it happens, and train\n\
         repeats it at the end of its results on stdout (a last line `warning: …`; with --json a \"warning\"\n\
         field of the final object). With --json, every line on stdout is one JSON object, an error is one\n\
         JSON object on stderr:\n\
         \x20 {{\"error\": {{\"message\": \"…\", \"exit_code\": N, \"field\": \"batch_size\", \"help\": \"descent train --help\"}}}}\n\
         (\"field\": the training config field at fault, when there is one; \"help\": for usage errors), and a\n\
         warning one object {{\"warning\": \"…\", \"kind\": \"…\", …}} on stderr.\n\
         Exit codes: 0 success, 1 an error in the data or the run (too few images for the default --batch\n\
         or --images included), 2 a usage error (flags, config, a --batch or --images larger than the\n\
         training set).\n\n\
         Limits: descent refuses, before allocating, any input or combination of flags that would take\n\
         more than {} of memory, saying which flags to lower.\n",
        data::DEFAULT_DIR,
        data::SETUP,
        descent_core::budget::Bytes(descent_core::MEMORY_BUDGET)
    )
}

/// Parses the command line and runs the command.
fn run(argv: &[String]) -> Result<(), CliError> {
    match cli::parse(argv)? {
        Parsed::Print(text) => commands::print(&text),
        Parsed::Run(command) => cli::run(&command),
    }
}

fn main() {
    let argv: Result<Vec<String>, _> = std::env::args_os().skip(1).map(|a| a.into_string()).collect();
    let (result, json) = match argv {
        Ok(argv) => (run(&argv), cli::wants_json(&argv)),
        Err(bad) => (Err(CliError::usage(None, format!("argument {bad:?} is not valid UTF-8"))), false),
    };
    if let Err(e) = result {
        if !matches!(e, CliError::Closed) {
            let mut err = std::io::stderr().lock();
            let _ = if json { writeln!(err, "{}", e.to_json()) } else { writeln!(err, "descent: error: {e}") };
        }
        std::process::exit(e.exit_code());
    }
}
