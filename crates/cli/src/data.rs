//! Finding and reading the MNIST files.
//!
//! Without `--data`, the folder is `data/mnist` in the current folder or the
//! nearest parent that has one (so `descent` works from anywhere inside the
//! repository), else next to the executable's workspace (walking up from
//! `target/release/descent`). That is where `scripts/setup.sh --data` puts
//! the four raw IDX files.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use descent_core::{Dataset, Part};

use crate::args::Args;
use crate::error::CliError;

/// The data folder inside the repository.
pub const DEFAULT_DIR: &str = "data/mnist";
/// The command that places MNIST there.
pub const SETUP: &str = "scripts/setup.sh --data";

/// MNIST, where it was read from, and how long reading took.
#[derive(Debug)]
pub struct Loaded {
    /// The four files, parsed and cross-checked.
    pub data: Dataset,
    /// The folder they came from.
    pub dir: PathBuf,
    /// Reading and parsing time.
    pub elapsed: Duration,
}

/// Reads MNIST from `--data DIR`, or from the folder [`find_dir`] finds.
pub fn load(args: &Args) -> Result<Loaded, CliError> {
    let start = Instant::now();
    let dir = match args.raw("data") {
        Some(d) => explicit_dir(Path::new(d))?,
        None => find_dir()?,
    };
    let data = read_dir(&dir)?;
    Ok(Loaded { data, dir, elapsed: start.elapsed() })
}

/// A folder given with `--data`, which must exist.
fn explicit_dir(dir: &Path) -> Result<PathBuf, CliError> {
    if dir.is_dir() {
        Ok(dir.to_path_buf())
    } else if dir.exists() {
        Err(CliError::failed(format!(
            "{} is a file: --data takes the folder that holds the four raw MNIST IDX files",
            dir.display()
        )))
    } else {
        Err(CliError::failed(format!(
            "the data folder {} does not exist: pass --data a folder holding the four raw MNIST IDX files, \
             or run `{SETUP}` in the descent repository to place them in {DEFAULT_DIR}",
            dir.display()
        )))
    }
}

/// `data/mnist` in the current folder or a parent, else above the executable.
pub fn find_dir() -> Result<PathBuf, CliError> {
    let cwd = std::env::current_dir().ok();
    let exe = std::env::current_exe().ok();
    let starts = cwd.iter().map(PathBuf::as_path).chain(exe.iter().filter_map(|e| e.parent()));
    for start in starts {
        if let Some(found) = start.ancestors().map(|a| a.join(DEFAULT_DIR)).find(|p| p.is_dir()) {
            return Ok(found);
        }
    }
    let place = |p: &Option<PathBuf>| p.as_ref().map_or("?".into(), |p| p.display().to_string());
    Err(CliError::failed(format!(
        "MNIST not found: there is no {DEFAULT_DIR} folder in {} or any parent, nor above the executable {}.\n\
         Run `{SETUP}` in the descent repository to place the four files there, \
         or pass --data DIR (a folder holding the four raw IDX files).",
        place(&cwd),
        place(&exe)
    )))
}

/// Reads and parses the four files in `dir` (their buffers become the data set's);
/// errors name the file and what to do.
pub fn read_dir(dir: &Path) -> Result<Dataset, CliError> {
    let [train_images, train_labels, test_images, test_labels] = Part::ALL.map(|part| read_part(dir, part));
    Dataset::from_idx_owned(train_images?, train_labels?, test_images?, test_labels?)
        .map_err(|e| CliError::failed(format!("cannot use the MNIST files in {}: {e}", dir.display())))
}

/// One file's bytes; a missing file names the set-up command (or gunzip, if only the `.gz` is there).
fn read_part(dir: &Path, part: Part) -> Result<Vec<u8>, CliError> {
    let path = dir.join(part.file_name());
    match std::fs::read(&path) {
        Ok(b) => Ok(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let gz = dir.join(format!("{}.gz", part.file_name()));
            let hint = if gz.is_file() {
                format!("only {} is there: gunzip it (`gunzip -k {}`)", gz.display(), gz.display())
            } else {
                format!("run `{SETUP}` in the descent repository, or pass --data DIR")
            };
            Err(CliError::failed(format!("{} is missing: {hint}", path.display())))
        }
        Err(e) => Err(CliError::failed(format!("cannot read {}: {e}", path.display()))),
    }
}
