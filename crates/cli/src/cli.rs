//! The command line, parsed by `clap` (derive): each command declares its
//! flags once, as a struct in its module, and clap parses them, prints
//! `--help` and suggests the nearest command or flag for a mistyped one.
//! This module gathers the commands into one [`Cli`] and runs the one asked
//! for ([`run`]); the flags' shared helpers are in [`crate::args`].
//!
//! What descent adds to clap, in [`command`] and [`parse`]:
//! - the help's layout: `descent <cmd>: what it does`, the flags, the notes;
//! - flags are `--name VALUE`, `--name=VALUE` or a bare `--name` switch; a
//!   flag that takes a value always takes the next argument, so negative
//!   numbers work (`--init -3,4`); a repeated flag keeps its last value;
//! - clap's errors become descent's usage errors (exit code 2), with
//!   descent's own words ("unknown flag --itres for `descent train`: did you
//!   mean --iters?"), so that `--json` can print them as one JSON object;
//! - [`wants_json`] finds `--json` even on a line that does not parse.

use clap::error::{ContextKind, ContextValue, ErrorKind};
use clap::{Arg, ArgAction, CommandFactory, FromArgMatches, Parser, Subcommand};

use crate::commands::{bench, evaluate, gradcheck, gradient_1d, gradient_2d, gradient_method, loss, simplenet, train};
use crate::error::CliError;

/// `descent`'s commands, in the chapter's order.
#[derive(Debug, Parser)]
#[command(name = "descent", version, about = crate::ABOUT, disable_help_subcommand = true)]
pub struct Cli {
    /// The command, if one was given.
    #[command(subcommand)]
    pub command: Option<Cmd>,
}

/// One command and its flags.
#[derive(Debug, Subcommand)]
pub enum Cmd {
    #[command(name = "loss", about = loss::ABOUT, after_help = loss::NOTES)]
    Loss(loss::Flags),
    #[command(name = "gradient-1d", about = gradient_1d::ABOUT, after_help = gradient_1d::NOTES)]
    Gradient1d(gradient_1d::Flags),
    #[command(name = "gradient-2d", about = gradient_2d::ABOUT, after_help = gradient_2d::NOTES)]
    Gradient2d(gradient_2d::Flags),
    #[command(name = "gradient-method", about = gradient_method::ABOUT, after_help = gradient_method::NOTES)]
    GradientMethod(gradient_method::Flags),
    #[command(name = "simplenet", about = simplenet::ABOUT, after_help = simplenet::NOTES)]
    Simplenet(simplenet::Flags),
    #[command(name = "gradcheck", about = gradcheck::ABOUT, after_help = gradcheck::NOTES)]
    Gradcheck(gradcheck::Flags),
    #[command(name = "train", about = train::ABOUT, after_help = train::NOTES)]
    Train(train::Flags),
    #[command(name = "evaluate", about = evaluate::ABOUT, after_help = evaluate::NOTES)]
    Evaluate(evaluate::Flags),
    #[command(name = "bench", about = bench::ABOUT, after_help = bench::NOTES)]
    Bench(bench::Flags),
}

/// The whole command line's definition: clap's, laid out and behaving as descent's.
pub fn command() -> clap::Command {
    let help = || Arg::new("help").short('h').long("help").action(ArgAction::Help).help("print this help");
    let mut root = Cli::command()
        .help_template("{about}\n\nUsage: descent <command> [options]\n\nCommands, in the chapter's order:\n{subcommands}{after-help}")
        .after_help(crate::notes())
        .term_width(0);
    let names: Vec<String> = root.get_subcommands().map(|c| c.get_name().to_string()).collect();
    for name in names {
        root = root.mut_subcommand(&name, |mut c| {
            let valued: Vec<String> =
                c.get_arguments().filter(|a| a.get_action().takes_values()).map(|a| a.get_id().to_string()).collect();
            for id in valued {
                c = c.mut_arg(&id, |a| a.allow_hyphen_values(true));
            }
            c.override_usage(format!("descent {name} [options]"))
                // `descent train: what it does`, its usage, its flags, its notes.
                .help_template(format!(
                    "descent {name}: {{about}}\n\nUsage: {{usage}}\n\nOptions:\n{{options}}{{after-help}}"
                ))
                .args_override_self(true)
                .disable_help_flag(true)
                .arg(help())
                .term_width(0)
        });
    }
    root
}

/// The commands' names, in the chapter's order (as [`Cmd`] declares them).
pub const COMMANDS: [&str; 9] =
    ["loss", "gradient-1d", "gradient-2d", "gradient-method", "simplenet", "gradcheck", "train", "evaluate", "bench"];

/// What a command line asked for.
#[derive(Debug)]
pub enum Parsed {
    /// Print this (a help or the version) on stdout.
    Print(String),
    /// Run this command.
    Run(Cmd),
}

/// Parses `argv` (the arguments after `descent`).
pub fn parse(argv: &[String]) -> Result<Parsed, CliError> {
    // `descent help` and `descent help <command>` are `--help`.
    let argv: Vec<&str> = match argv {
        [help] if help == "help" => vec!["--help"],
        [help, name, ..] if help == "help" => vec![name, "--help"],
        _ => argv.iter().map(String::as_str).collect(),
    };
    let name = argv.first().and_then(|n| COMMANDS.iter().find(|c| *c == n)).copied();
    let matches = match command().try_get_matches_from(std::iter::once("descent").chain(argv.iter().copied())) {
        Ok(m) => m,
        Err(e) => return from_clap(&e, name),
    };
    match Cli::from_arg_matches(&matches) {
        Ok(Cli { command: Some(c) }) => Ok(Parsed::Run(c)),
        Ok(Cli { command: None }) => {
            Err(CliError::usage(None, format!("no command given: use one of {}", COMMANDS.join(", "))))
        }
        Err(e) => from_clap(&e, name),
    }
}

/// A clap error as descent reports it: a help or the version to print, or a
/// usage error of `command` (`None`: of the command line as a whole) in descent's words.
fn from_clap(e: &clap::Error, command: Option<&'static str>) -> Result<Parsed, CliError> {
    let text = |kind: ContextKind| match e.get(kind) {
        Some(ContextValue::String(s)) => Some(s.as_str()),
        Some(ContextValue::Strings(v)) => v.first().map(String::as_str),
        _ => None,
    };
    // "--iters <N>" → "--iters"; "--itres=5" → "--itres".
    let arg = text(ContextKind::InvalidArg).map(|a| a.split([' ', '=']).next().unwrap_or(a)).unwrap_or("");
    let placeholder = text(ContextKind::InvalidArg)
        .and_then(|a| a.split_once(' '))
        .map(|(_, v)| v.trim_start_matches('<').trim_end_matches('>'))
        .unwrap_or("VALUE");
    let value = text(ContextKind::InvalidValue).unwrap_or("");
    let unknown_command = |name: &str| {
        let hint = text(ContextKind::SuggestedSubcommand)
            .map(|n| format!(": did you mean `descent {n}`?"))
            .unwrap_or_default();
        CliError::usage(None, format!("unknown command '{name}'{hint}"))
    };
    let message = match (e.kind(), command) {
        (ErrorKind::DisplayHelp | ErrorKind::DisplayVersion, _) => return Ok(Parsed::Print(e.render().to_string())),
        (ErrorKind::InvalidSubcommand, _) => {
            return Err(unknown_command(text(ContextKind::InvalidSubcommand).unwrap_or("")));
        }
        (ErrorKind::UnknownArgument, None) => return Err(unknown_command(arg)),
        (ErrorKind::UnknownArgument, Some(c)) if arg.starts_with("--") => {
            let hint = text(ContextKind::SuggestedArg).map(|s| format!(": did you mean {s}?")).unwrap_or_default();
            format!("unknown flag {arg} for `descent {c}`{hint}")
        }
        (ErrorKind::UnknownArgument, Some(c)) => {
            format!("unexpected argument '{arg}': `descent {c}` takes only --flags")
        }
        (ErrorKind::InvalidValue, _) if value.is_empty() => format!("{arg} needs a value: {arg} {placeholder}"),
        (ErrorKind::ValueValidation | ErrorKind::InvalidValue, _) => {
            let expected =
                std::error::Error::source(e).map(|s| s.to_string()).unwrap_or_else(|| "another value".into());
            format!("invalid value '{value}' for {arg}: expected {expected}")
        }
        (ErrorKind::TooManyValues, _) => format!("{arg} is a switch and takes no value"),
        // Anything else, in clap's words: its first line, without "error: ".
        _ => {
            let rendered = e.render().to_string();
            rendered.lines().next().unwrap_or("").trim_start_matches("error: ").to_string()
        }
    };
    Err(CliError::usage(command, message))
}

/// Whether a command line asks for `--json`, read as clap reads it (a flag's
/// value is not a flag), but even when the line does not parse: so that its
/// error comes out as JSON too.
pub fn wants_json(argv: &[String]) -> bool {
    let root = command();
    let Some(cmd) = argv.first().and_then(|n| root.find_subcommand(n)) else {
        return argv.iter().any(|a| a == "--json");
    };
    let mut it = argv[1..].iter();
    while let Some(arg) = it.next() {
        if arg == "--json" {
            return true;
        }
        let takes_value = arg
            .strip_prefix("--")
            .filter(|n| !n.contains('='))
            .and_then(|n| cmd.get_arguments().find(|a| a.get_long() == Some(n)))
            .is_some_and(|a| a.get_action().takes_values());
        if takes_value {
            it.next();
        }
    }
    false
}

/// Runs one command with its flags.
pub fn run(command: &Cmd) -> Result<(), CliError> {
    match command {
        Cmd::Loss(f) => loss::run(f),
        Cmd::Gradient1d(f) => gradient_1d::run(f),
        Cmd::Gradient2d(f) => gradient_2d::run(f),
        Cmd::GradientMethod(f) => gradient_method::run(f),
        Cmd::Simplenet(f) => simplenet::run(f),
        Cmd::Gradcheck(f) => gradcheck::run(f),
        Cmd::Train(f) => train::run(f),
        Cmd::Evaluate(f) => evaluate::run(f),
        Cmd::Bench(f) => bench::run(f),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::args::List;

    fn argv(args: &[&str]) -> Vec<String> {
        args.iter().map(|s| s.to_string()).collect()
    }

    fn message(args: &[&str]) -> String {
        match parse(&argv(args)) {
            Err(e) => {
                assert_eq!(e.exit_code(), 2, "{args:?}");
                e.to_string()
            }
            Ok(p) => panic!("{args:?}: {p:?}"),
        }
    }

    #[test]
    fn the_command_list_is_clap_s() {
        let names: Vec<String> = command().get_subcommands().map(|c| c.get_name().to_string()).collect();
        assert_eq!(names, COMMANDS);
        command().debug_assert();
    }

    #[test]
    fn values_switches_negative_numbers_and_repeats() {
        let Ok(Parsed::Run(Cmd::GradientMethod(f))) =
            parse(&argv(&["gradient-method", "--init", "-3,4", "--steps=5", "--lr", "1", "--lr", "2", "--json"]))
        else {
            panic!()
        };
        assert_eq!((f.init, f.steps, f.lr, f.json), (Some(List(vec![-3.0, 4.0])), Some(5), Some(2.0), true));
        let Ok(Parsed::Run(Cmd::Train(f))) = parse(&argv(&["train", "--out", "--json"])) else { panic!() };
        assert_eq!(f.out.as_deref(), Some(std::path::Path::new("--json")));
        assert!(!f.json);
    }

    #[test]
    fn usage_errors_in_descents_words() {
        assert!(message(&["trian"]).starts_with("unknown command 'trian': did you mean `descent train`?"));
        assert!(message(&["help", "trian"]).starts_with("unknown command 'trian': did you mean `descent train`?"));
        assert!(
            message(&["train", "--itres", "5"])
                .starts_with("unknown flag --itres for `descent train`: did you mean --iters?")
        );
        assert!(
            message(&["train", "--itres=5"])
                .starts_with("unknown flag --itres for `descent train`: did you mean --iters?")
        );
        assert!(message(&["train", "--iters"]).starts_with("--iters needs a value: --iters N"));
        assert!(
            message(&["train", "--iters", "ten"])
                .starts_with("invalid value 'ten' for --iters: expected a whole number ≥ 0")
        );
        assert!(
            message(&["train", "--precision", "f16"])
                .starts_with("invalid value 'f16' for --precision: expected f32 or f64")
        );
        assert!(
            message(&["loss", "stray"]).starts_with("unexpected argument 'stray': `descent loss` takes only --flags")
        );
        assert!(message(&["train", "--json=yes"]).starts_with("--json is a switch and takes no value"));
        assert!(message(&[]).starts_with("no command given: use one of loss, gradient-1d"));
    }

    #[test]
    fn json_is_found_on_lines_that_do_not_parse() {
        assert!(wants_json(&argv(&["train", "--itres", "5", "--json"])));
        assert!(wants_json(&argv(&["trian", "--json"])));
        assert!(!wants_json(&argv(&["train", "--out", "--json"])));
        assert!(wants_json(&argv(&["train", "--out=x", "--json"])));
    }
}
