//! The CLI's one error type: a message for a person and the exit code it maps to.
//!
//! With `--json` an error is printed as one JSON object on stderr instead
//! ([`CliError::to_json`]): `{"error": {"message", "exit_code", "field"?, "help"?}}`.

use std::fmt;

use descent_core::{ConfigError, Error};
use serde_json::json;

/// Why a command stopped.
#[derive(Debug)]
pub enum CliError {
    /// The command line is wrong (unknown flag, bad number, impossible config):
    /// exit code 2, with a pointer to `--help`.
    Usage {
        /// What is wrong.
        message: String,
        /// The command whose help to point at (`None` for the top level).
        command: Option<&'static str>,
        /// The training config field at fault (`ConfigError::field`), when one is.
        field: Option<&'static str>,
    },
    /// Anything else (missing or corrupt data, I/O, a diverged run): exit code 1.
    Failed(String),
    /// stdout was closed by its reader (`descent train | head -3`): stop quietly, exit code 0.
    Closed,
}

impl CliError {
    /// A usage error about `command`'s flags.
    pub fn usage(command: Option<&'static str>, message: impl Into<String>) -> Self {
        Self::Usage { message: message.into(), command, field: None }
    }

    /// A usage error about one field of the training config: the core's
    /// message (which starts with the field's name), and the field.
    pub fn config(command: &'static str, e: &ConfigError) -> Self {
        let mut message = Error::from(e.clone()).to_string();
        if let ConfigError::OverBudget(m) = e {
            // The flags behind the fields the advice names.
            message.push_str(match m.field() {
                "batch_size" => " (--batch, --hidden)",
                "iters" => " (--iters)",
                _ => " (--hidden)",
            });
        }
        Self::Usage { message, command: Some(command), field: Some(e.field()) }
    }

    /// A run-time failure.
    pub fn failed(message: impl Into<String>) -> Self {
        Self::Failed(message.into())
    }

    /// The process exit code: 2 for usage errors, 1 for the rest.
    pub fn exit_code(&self) -> i32 {
        match self {
            Self::Usage { .. } => 2,
            Self::Failed(_) => 1,
            Self::Closed => 0,
        }
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Usage { message, command: Some(c), .. } => {
                write!(f, "{message}\n\nRun `descent {c} --help` for the flags it takes.")
            }
            Self::Usage { message, command: None, .. } => {
                write!(f, "{message}\n\nRun `descent --help` for the commands.")
            }
            Self::Failed(message) => f.write_str(message),
            Self::Closed => Ok(()),
        }
    }
}

impl CliError {
    /// The error as `--json` prints it: `{"error": {"message": …, "exit_code": N}}`, with
    /// `"field"` (the training config field at fault) and `"help"` (the command to
    /// run for the flags) for usage errors that have them.
    pub fn to_json(&self) -> serde_json::Value {
        let mut e = json!({"exit_code": self.exit_code()});
        match self {
            Self::Usage { message, command, field } => {
                e["message"] = json!(message);
                e["help"] = json!(match command {
                    Some(c) => format!("descent {c} --help"),
                    None => "descent --help".to_string(),
                });
                if let Some(field) = field {
                    e["field"] = json!(field);
                }
            }
            Self::Failed(message) => e["message"] = json!(message),
            Self::Closed => e["message"] = json!(""),
        }
        json!({ "error": e })
    }
}

impl From<std::io::Error> for CliError {
    /// Writing to stdout failed: a closed pipe ends the command quietly, anything else is reported.
    fn from(e: std::io::Error) -> Self {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            Self::Closed
        } else {
            Self::failed(format!("cannot write the output: {e}"))
        }
    }
}
