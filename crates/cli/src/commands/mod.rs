//! One module per subcommand. Each exposes what it does (`ABOUT`), the notes
//! of its `--help` (`NOTES`), its flags (`Flags`, parsed by clap) and a `run`
//! that prints text by default and JSON with `--json`.

pub mod bench;
pub mod evaluate;
pub mod gradcheck;
pub mod gradient_1d;
pub mod gradient_2d;
pub mod gradient_method;
pub mod loss;
pub mod simplenet;
pub mod train;

use std::io::Write;

use crate::error::CliError;

/// How long `work` operations take at `per_second` of them, for a message
/// refusing a run that would look like a hang: "25 minutes", "3 hours".
pub fn time_at(work: f64, per_second: f64) -> String {
    let minutes = work / per_second / 60.0;
    if minutes < 120.0 { format!("{minutes:.0} minutes") } else { format!("{:.0} hours", minutes / 60.0) }
}

/// Whether `path` can be written, found out before a run so that the run is
/// never lost to it: an existing file is opened for appending (and left as it
/// was), a missing one is created and removed again.
pub fn check_writable(path: &std::path::Path) -> std::io::Result<()> {
    if path.exists() {
        std::fs::OpenOptions::new().append(true).open(path).map(drop)
    } else {
        std::fs::OpenOptions::new().write(true).create_new(true).open(path)?;
        std::fs::remove_file(path)
    }
}

/// Writes `text` to stdout and flushes (a closed pipe becomes [`CliError::Closed`]).
pub fn print(text: &str) -> Result<(), CliError> {
    let mut out = std::io::stdout().lock();
    out.write_all(text.as_bytes())?;
    out.flush()?;
    Ok(())
}

/// Writes one JSON value on its own line.
pub fn print_json(value: &serde_json::Value) -> Result<(), CliError> {
    print(&format!("{value}\n"))
}

/// A warning on stderr: `descent: warning: …` for a person, or with `--json`
/// one object `{"warning": message, "kind": kind, …extra}` on its own line.
pub fn warn(json: bool, kind: &str, message: &str, extra: serde_json::Value) {
    let mut err = std::io::stderr().lock();
    let _ = if json {
        let mut w = serde_json::json!({"warning": message, "kind": kind});
        if let (Some(w), Some(extra)) = (w.as_object_mut(), extra.as_object()) {
            w.extend(extra.clone());
        }
        writeln!(err, "{w}")
    } else {
        writeln!(err, "descent: warning: {message}")
    };
}
