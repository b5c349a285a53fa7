//! # descent
//!
//! Chapter 4 of *Deep Learning from Scratch*, "learning from data", in the
//! terminal: each of the chapter's scripts is a subcommand that prints what
//! the book prints (numbers laid out as Python and numpy lay them out), and
//! `descent train` runs the book's MNIST experiment on the real data set.
//!
//! The computing is all in `descent_core`; this crate adds what a library
//! without I/O leaves out: flags ([`args`]), files ([`data`]), clocks and a
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
mod commands;
mod data;
mod error;
mod format;
mod progress;
mod seed;
mod svg;

use std::io::Write;

use args::{Args, Parsed};
use error::CliError;

/// `descent --help`.
fn help() -> String {
    let mut s = String::from(
        "descent: chapter 4 of Deep Learning from Scratch (\"learning from data\") in Rust, on real MNIST\n\n\
         Usage: descent <command> [options]\n\nCommands, in the chapter's order:\n",
    );
    let width = commands::ALL.iter().map(|(c, _)| c.name.len()).max().unwrap_or(0);
    for (c, _) in commands::ALL {
        s.push_str(&format!("  {:width$}  {}\n", c.name, c.about));
    }
    s.push_str(&format!(
        "\nEvery command takes --json and -h/--help. train, gradcheck and bench read MNIST from {} (placed\n\
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
    ));
    s
}

/// The nearest command name, for "did you mean".
fn suggest(name: &str) -> Option<&'static str> {
    commands::ALL
        .iter()
        .map(|(c, _)| (args::edit_distance(name, c.name), c.name))
        .min()
        .filter(|&(d, _)| d <= 3)
        .map(|(_, n)| n)
}

/// Parses the command line and runs the command.
fn run(argv: &[String]) -> Result<(), CliError> {
    let Some(first) = argv.first() else {
        let names: Vec<&str> = commands::ALL.iter().map(|(c, _)| c.name).collect();
        return Err(CliError::usage(None, format!("no command given: use one of {}", names.join(", "))));
    };
    match first.as_str() {
        "-h" | "--help" => return commands::print(&help()),
        "-V" | "--version" => return commands::print(&format!("descent {}\n", env!("CARGO_PKG_VERSION"))),
        "help" => {
            return match argv.get(1) {
                None => commands::print(&help()),
                Some(name) => match commands::ALL.iter().find(|(c, _)| c.name == name) {
                    Some((c, _)) => commands::print(&c.help()),
                    None => Err(unknown_command(name)),
                },
            };
        }
        _ => {}
    }
    let Some((command, run)) = commands::ALL.iter().find(|(c, _)| c.name == first) else {
        return Err(unknown_command(first));
    };
    match Args::parse(command, &argv[1..])? {
        Parsed::Help => commands::print(&command.help()),
        Parsed::Run(args) => run(&args),
    }
}

fn unknown_command(name: &str) -> CliError {
    let hint = suggest(name).map(|n| format!(": did you mean `descent {n}`?")).unwrap_or_default();
    CliError::usage(None, format!("unknown command '{name}'{hint}"))
}

fn main() {
    let argv: Result<Vec<String>, _> = std::env::args_os().skip(1).map(|a| a.into_string()).collect();
    let (result, json) = match argv {
        Ok(argv) => {
            let command = argv.first().and_then(|n| commands::ALL.iter().find(|(c, _)| c.name == n)).map(|(c, _)| *c);
            (run(&argv), args::wants_json(command, argv.get(1..).unwrap_or_default()))
        }
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
