//! Finding and reading the MNIST files.
//!
//! Without `--data`, the folder is `data/mnist` in the current folder or the
//! nearest parent that has one (so `descent` works from anywhere inside the
//! repository), else next to the executable's workspace (walking up from
//! `target/release/descent`). That is where `scripts/setup.sh --data` puts
//! the four raw IDX files.

use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use descent_core::{Dataset, IdxError, Part, idx};

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
pub fn load(dir: Option<&Path>) -> Result<Loaded, CliError> {
    let start = Instant::now();
    let dir = match dir {
        Some(d) => explicit_dir(d)?,
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
///
/// Each file must be a regular file (a FIFO or a device could block or never
/// end). Its header is read first; the four headers' promises are checked
/// against the memory budget ([`Dataset::check_promised`]) before any data is
/// read, and then each file is read up to what its header promises plus one
/// byte, so a file that goes on reports as oversized instead of filling memory.
/// An oversized file is reported with its real length, which its metadata
/// gives before the read (the read itself stops one byte past the promise).
pub fn read_dir(dir: &Path) -> Result<Dataset, CliError> {
    let bad =
        |e: descent_core::Error| CliError::failed(format!("cannot use the MNIST files in {}: {e}", dir.display()));
    let mut opened = Vec::with_capacity(4);
    for part in Part::ALL {
        let (path, mut file, file_len) = open_part(dir, part)?;
        let dims = if part.is_images() { 3 } else { 1 };
        let (header, promised) = match read_header(&mut file, dims) {
            Ok(h) => h,
            Err(HeaderError::Io(e)) => return Err(cannot_read(&path, &e)),
            Err(HeaderError::Idx(error)) => return Err(bad(descent_core::Error::Idx { part, error })),
        };
        opened.push((part, path, file, file_len, header, promised));
    }
    let promised: Vec<usize> = opened.iter().map(|o| o.5).collect();
    Dataset::check_promised(promised.try_into().expect("four files")).map_err(bad)?;
    let mut bytes = Vec::with_capacity(4);
    for (part, path, file, file_len, header, promised) in opened {
        let read = read_rest(file, header, promised).map_err(|e| cannot_read(&path, &e))?;
        if read.len() > promised {
            let error = IdxError::Oversized { expected: promised, found: oversized_len(read.len(), file_len) };
            return Err(bad(descent_core::Error::Idx { part, error }));
        }
        bytes.push(read);
    }
    let [train_images, train_labels, test_images, test_labels]: [Vec<u8>; 4] = bytes.try_into().expect("four files");
    Dataset::from_idx_owned(train_images, train_labels, test_images, test_labels).map_err(bad)
}

/// The length to report for a file read past its promise: its length on
/// disk, or what was read if that is more (a file that grew, or one whose
/// metadata says 0, as files under /proc do).
fn oversized_len(read: usize, file_len: u64) -> usize {
    usize::try_from(file_len).unwrap_or(usize::MAX).max(read)
}

/// "train-images-idx3-ubyte holds 1 image" (or "0 images", "2 images"): how
/// every message about a training set too small for a command names it.
pub fn holds_images(count: usize) -> String {
    format!("{} holds {count} image{}", Part::TrainImages, if count == 1 { "" } else { "s" })
}

/// A training set with fewer images than a command needs, which is the data's
/// fault (exit code 1): "cannot {verb} on the MNIST files in DIR:
/// train-images-idx3-ubyte holds 1 image, fewer than {needed}: {advice}".
pub fn too_few_images(verb: &str, dir: &Path, count: usize, needed: &str, advice: &str) -> CliError {
    CliError::failed(format!(
        "cannot {verb} on the MNIST files in {}: {}, fewer than {needed}: {advice}",
        dir.display(),
        holds_images(count)
    ))
}

fn cannot_read(path: &Path, e: &std::io::Error) -> CliError {
    CliError::failed(format!("cannot read {}: {e}", path.display()))
}

/// One file, opened, with its length on disk: a missing file names the set-up command (or gunzip, if
/// only the `.gz` is there); anything but a regular file is refused before it
/// is opened (opening a FIFO waits for a writer).
fn open_part(dir: &Path, part: Part) -> Result<(PathBuf, File, u64), CliError> {
    let path = dir.join(part.file_name());
    let meta = match std::fs::metadata(&path) {
        Ok(m) => m,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            let gz = dir.join(format!("{}.gz", part.file_name()));
            let hint = if gz.is_file() {
                format!("only {} is there: gunzip it (`gunzip -k {}`)", gz.display(), gz.display())
            } else {
                format!("run `{SETUP}` in the descent repository, or pass --data DIR")
            };
            return Err(CliError::failed(format!("{} is missing: {hint}", path.display())));
        }
        Err(e) => return Err(cannot_read(&path, &e)),
    };
    if !meta.is_file() {
        return Err(CliError::failed(format!(
            "{} is {}, not a regular file: descent reads MNIST from ordinary files \
             (put the raw IDX file there, e.g. with `{SETUP}`)",
            path.display(),
            kind_of(&meta.file_type())
        )));
    }
    let file = File::open(&path).map_err(|e| cannot_read(&path, &e))?;
    // The opened file's own length (the path may have changed since `metadata`).
    let len = file.metadata().map_or(meta.len(), |m| m.len());
    Ok((path, file, len))
}

/// What a file that is not a regular file is, in words.
fn kind_of(t: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if t.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if t.is_char_device() {
            return "a character device (like /dev/zero)";
        }
        if t.is_block_device() {
            return "a block device";
        }
        if t.is_socket() {
            return "a socket";
        }
    }
    if t.is_dir() { "a folder" } else { "not a file" }
}

/// Why a header could not be read.
#[derive(Debug)]
enum HeaderError {
    Io(std::io::Error),
    Idx(IdxError),
}

/// Reads an IDX header of `dims` dimensions (fewer bytes only at the end of
/// the file) and returns it with the total length it promises, which the
/// core checks ([`idx::promised_len`]: magic, dimensions, pixels, budget).
fn read_header(r: &mut impl Read, dims: u8) -> Result<(Vec<u8>, usize), HeaderError> {
    let mut header = Vec::with_capacity(idx::header_len(dims));
    r.take(idx::header_len(dims) as u64).read_to_end(&mut header).map_err(HeaderError::Io)?;
    let promised = idx::promised_len(&header, dims).map_err(HeaderError::Idx)?;
    Ok((header, promised))
}

/// The whole file: `header` and then what follows it, at most `promised + 1`
/// bytes in all, so that the parser sees a file that goes on as oversized.
fn read_rest(r: impl Read, header: Vec<u8>, promised: usize) -> std::io::Result<Vec<u8>> {
    let mut bytes = header;
    let rest = (promised + 1).saturating_sub(bytes.len());
    bytes.reserve_exact(rest);
    r.take(rest as u64).read_to_end(&mut bytes)?;
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A labels header promising 3 labels.
    fn labels_header() -> Vec<u8> {
        vec![0, 0, 8, 1, 0, 0, 0, 3]
    }

    #[test]
    fn a_file_that_never_ends_is_read_up_to_its_promise_and_one_byte() {
        let header = labels_header();
        let mut endless = header.as_slice().chain(std::io::repeat(7));
        let (header, promised) = read_header(&mut endless, 1).unwrap();
        assert_eq!(promised, 11);
        let bytes = read_rest(endless, header, promised).unwrap();
        assert_eq!(bytes.len(), 12);
        assert_eq!(idx::parse_labels(&bytes), Err(IdxError::Oversized { expected: 11, found: 12 }));
    }

    #[test]
    fn too_few_images_names_the_file_the_count_and_the_need() {
        assert_eq!(holds_images(0), "train-images-idx3-ubyte holds 0 images");
        assert_eq!(holds_images(1), "train-images-idx3-ubyte holds 1 image");
        assert_eq!(holds_images(2), "train-images-idx3-ubyte holds 2 images");
        let e = too_few_images("bench", Path::new("d"), 1, "bench's batch of 100", "use more");
        assert_eq!(e.exit_code(), 1);
        assert_eq!(
            e.to_string(),
            "cannot bench on the MNIST files in d: train-images-idx3-ubyte holds 1 image, fewer than bench's batch \
             of 100: use more"
        );
    }

    #[test]
    fn a_file_of_zeros_stops_at_the_magic_number() {
        let mut zeros = std::io::repeat(0);
        let e = read_header(&mut zeros, 3).unwrap_err();
        assert!(matches!(e, HeaderError::Idx(IdxError::WrongMagic { found: 0, .. })), "{e:?}");
    }

    #[test]
    fn a_header_promising_more_than_the_budget_is_refused_before_reading_on() {
        // 60000 images of 256 × 256: 3.9 GB.
        let mut h = vec![0, 0, 8, 3];
        for d in [60000u32, 256, 256] {
            h.extend_from_slice(&d.to_be_bytes());
        }
        let mut r = h.as_slice().chain(std::io::repeat(1));
        let e = read_header(&mut r, 3).unwrap_err();
        assert!(matches!(e, HeaderError::Idx(IdxError::OverBudget { expected: 3_932_160_016 })), "{e:?}");
    }
}
