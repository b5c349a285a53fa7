//! Model files on disk for the commands: `--save PATH` (checked before a run,
//! written after it) and `--load PATH`. The formats are the core's
//! (`descent_core::model`): `.npz` for numpy, `.pkl` for the book's own
//! `save_params` / `load_params`.

use std::path::{Path, PathBuf};

use descent_core::model::{self, Format, Named};
use descent_core::{Float, Trainer, TwoLayerNet};

use crate::args::Precision;
use crate::commands::check_writable;
use crate::error::CliError;

/// The most bytes `--load` reads: past this no model file of a net descent
/// can train is (784 × 10000 float64 weights are 63 MB).
const MAX_FILE_BYTES: u64 = 1 << 30;

/// The format `--save`'s path asks for, or a usage error of `command`.
pub fn save_format(command: &'static str, path: &Path) -> Result<Format, CliError> {
    Format::from_name(&path.to_string_lossy()).ok_or_else(|| {
        CliError::usage(
            Some(command),
            format!(
                "--save {}: the format is chosen by the file's extension: .npz (numpy.load opens it) or .pkl \
                 (the book's pickle, load_params)",
                path.display()
            ),
        )
    })
}

/// Makes sure `--save PATH` can be written before a run starts: its folder
/// exists and the file can be created (or is a file that can be replaced).
pub fn prepare_save(command: &'static str, path: &Path) -> Result<Format, CliError> {
    let format = save_format(command, path)?;
    let shown = path.display();
    if path.is_dir() {
        return Err(CliError::failed(format!("--save {shown} is a folder: give a file name ending in .npz or .pkl")));
    }
    let parent =
        path.parent().filter(|p| !p.as_os_str().is_empty()).map_or_else(|| PathBuf::from("."), Path::to_path_buf);
    if !parent.is_dir() {
        return Err(CliError::failed(format!(
            "--save {shown}: the folder {} does not exist; create it first or save elsewhere",
            parent.display()
        )));
    }
    check_writable(path)
        .map_err(|e| CliError::failed(format!("cannot write {shown} (--save): {e}; save elsewhere")))?;
    Ok(format)
}

/// Writes the trainer's net (and, in an `.npz`, its run) to `path`; the line to print.
pub fn save<T: Float>(path: &Path, format: Format, trainer: &mut Trainer<T>) -> Result<String, CliError> {
    let bytes = model::write_trainer(trainer, format);
    let net = trainer.net();
    // Written beside, then renamed: an interrupted save never leaves half a file under the name.
    let tmp = path.with_extension(format!("{}.tmp", &format.extension()[1..]));
    std::fs::write(&tmp, &bytes)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| CliError::failed(format!("cannot write {} (--save): {e}", path.display())))?;
    Ok(format!(
        "saved the net ({}-{}-{}, {}) to {} ({} bytes)\n",
        net.input_size(),
        net.hidden_size(),
        net.output_size(),
        if T::NAME == "f32" { "float32" } else { "float64" },
        path.display(),
        bytes.len()
    ))
}

/// A model file's bytes (`--load PATH`).
fn read_file(path: &Path) -> Result<Vec<u8>, CliError> {
    let shown = path.display();
    let meta = std::fs::metadata(path).map_err(|e| CliError::failed(format!("cannot read {shown} (--load): {e}")))?;
    if !meta.is_file() {
        return Err(CliError::failed(format!("--load {shown} is not a file: give an .npz or .pkl model file")));
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(CliError::failed(format!(
            "--load {shown} is {} bytes, more than a model file of a net descent trains can be (at most {MAX_FILE_BYTES})",
            meta.len()
        )));
    }
    std::fs::read(path).map_err(|e| CliError::failed(format!("cannot read {shown} (--load): {e}")))
}

/// A model file read with `--load`: its arrays, parsed once.
#[derive(Debug)]
pub struct Loaded {
    /// The file.
    pub path: PathBuf,
    /// Its arrays.
    arrays: Vec<Named>,
    /// The float type to use: `--precision` if given, else the weights' dtype.
    pub precision: Precision,
}

impl Loaded {
    /// Reads and parses `path`; `flag` is `--precision`.
    pub fn read(path: &Path, flag: Option<Precision>) -> Result<Self, CliError> {
        let arrays = model::read_arrays(&read_file(path)?).map_err(|e| load_error(path, &e))?;
        let precision =
            flag.unwrap_or(if model::net::precision_of(&arrays) == "f32" { Precision::F32 } else { Precision::F64 });
        Ok(Self { path: path.to_path_buf(), arrays, precision })
    }

    /// The net in the file, in `T`.
    pub fn net<T: Float>(&self) -> Result<TwoLayerNet<T>, CliError> {
        model::net::from_arrays(&self.arrays).map_err(|e| load_error(&self.path, &e.into()))
    }
}

fn load_error(path: &Path, e: &model::ModelError) -> CliError {
    CliError::failed(format!("{} (--load): {e}", path.display()))
}
