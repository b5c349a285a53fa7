//! IDX parsing from bytes, and the MNIST data set kept as `u8`.
//!
//! IDX: a big-endian u32 magic `0x000008DD` (0x08 = unsigned bytes, DD = the
//! number of dimensions), one big-endian u32 per dimension, then the data.
//! Images stay `u8` in memory (47 MB for the training set, not 188 MB of f32)
//! and are scaled by 1/255 only when a batch is gathered.

use alloc::vec::Vec;

use crate::budget::{MEMORY_BUDGET, Work, sum};
use crate::engine::sparse::PixelLists;
use crate::error::{Error, IdxError};
use crate::mnist::Part;
pub use crate::mnist::{IMAGES_MAGIC, LABELS_MAGIC};

/// A stack of `count` greyscale images of `rows × cols` pixels, row-major, 0..=255.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Images {
    /// Number of images.
    pub count: usize,
    /// Pixel rows per image (28).
    pub rows: usize,
    /// Pixel columns per image (28).
    pub cols: usize,
    /// `count × rows × cols` pixels.
    pub pixels: Vec<u8>,
}

impl Images {
    /// Pixels per image (saturating: a hostile header cannot wrap it to a small number).
    pub fn pixel_count(&self) -> usize {
        self.rows.saturating_mul(self.cols)
    }

    /// Image `i`'s pixels.
    pub fn image(&self, i: usize) -> &[u8] {
        let p = self.pixel_count();
        &self.pixels[i * p..(i + 1) * p]
    }
}

fn be_u32(b: &[u8], at: usize) -> u32 {
    u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

/// Checks an IDX header (magic, dimension count and, for image files of 3
/// dimensions, that an image has at least one pixel); returns the dimensions,
/// the header's length and the total length the header promises (saturating).
fn read_header(bytes: &[u8], expected_dims: u8) -> Result<(Vec<usize>, usize, usize), IdxError> {
    let expected = 0x0800 | expected_dims as u32;
    if bytes.len() < 4 {
        return Err(IdxError::TooShort { len: bytes.len(), needed: 4 + 4 * expected_dims as usize });
    }
    let magic = be_u32(bytes, 0);
    if magic >> 8 != 0x08 {
        return Err(IdxError::WrongMagic { found: magic, expected });
    }
    let dims = (magic & 0xff) as u8;
    if dims != expected_dims {
        return Err(IdxError::WrongDimensions { found: dims, expected: expected_dims });
    }
    let header = 4 + 4 * dims as usize;
    if bytes.len() < header {
        return Err(IdxError::TooShort { len: bytes.len(), needed: header });
    }
    let shape: Vec<usize> = (0..dims as usize).map(|d| be_u32(bytes, 4 + 4 * d) as usize).collect();
    // Images of 0 rows or 0 columns hold no pixel: nothing downstream can use them
    // (they used to pass every check and crash the training loop).
    if dims == 3 && (shape[1] == 0 || shape[2] == 0) {
        return Err(IdxError::NoPixels { rows: shape[1], cols: shape[2] });
    }
    // Saturate instead of overflowing on a hostile header (4 × 0xffffffff): it then reads as truncated.
    let body = shape.iter().fold(1usize, |acc, &d| acc.saturating_mul(d));
    Ok((shape, header, header.saturating_add(body)))
}

/// Checks an IDX header and length; returns the dimensions and the data section.
/// Image files (3 dimensions) must also have images of at least one pixel.
pub fn parse_idx(bytes: &[u8], expected_dims: u8) -> Result<(Vec<usize>, &[u8]), IdxError> {
    let (shape, header, expected_len) = read_header(bytes, expected_dims)?;
    match bytes.len().cmp(&expected_len) {
        core::cmp::Ordering::Less => Err(IdxError::Truncated { expected: expected_len, found: bytes.len() }),
        core::cmp::Ordering::Greater => Err(IdxError::Oversized { expected: expected_len, found: bytes.len() }),
        core::cmp::Ordering::Equal => Ok((shape, &bytes[header..])),
    }
}

/// Bytes in the header of an IDX file of `dims` dimensions (16 for images, 8 for labels).
pub fn header_len(dims: u8) -> usize {
    4 + 4 * dims as usize
}

/// The whole length (header included) that an IDX header promises, checked as
/// [`parse_idx`] checks it, and refused when it alone exceeds the memory budget:
/// how a reader knows how much to read before reading it. `header` holds at
/// least [`header_len`] bytes (fewer: [`IdxError::TooShort`]).
pub fn promised_len(header: &[u8], expected_dims: u8) -> Result<usize, IdxError> {
    let (_, _, expected) = read_header(header, expected_dims)?;
    if expected > MEMORY_BUDGET {
        return Err(IdxError::OverBudget { expected });
    }
    Ok(expected)
}

/// Parses an IDX image file (magic 0x00000803: count × rows × cols bytes).
pub fn parse_images(bytes: &[u8]) -> Result<Images, IdxError> {
    let (shape, data) = parse_idx(bytes, 3)?;
    Ok(Images { count: shape[0], rows: shape[1], cols: shape[2], pixels: data.to_vec() })
}

/// [`parse_images`] that reuses the buffer: the header is cut off in place, so
/// the 47 MB of training images are never held twice.
pub fn parse_images_owned(mut bytes: Vec<u8>) -> Result<Images, IdxError> {
    let (shape, data) = parse_idx(&bytes, 3)?;
    let header = bytes.len() - data.len();
    bytes.drain(..header);
    Ok(Images { count: shape[0], rows: shape[1], cols: shape[2], pixels: bytes })
}

/// Parses an IDX label file (magic 0x00000801: one byte per label).
pub fn parse_labels(bytes: &[u8]) -> Result<Vec<u8>, IdxError> {
    let (_, data) = parse_idx(bytes, 1)?;
    Ok(data.to_vec())
}

/// Images with one label each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    /// The images.
    pub images: Images,
    /// One class per image.
    pub labels: Vec<u8>,
    /// The images as lists of their nonzero pixels, for the training loop.
    pub nonzeros: PixelLists,
}

impl Split {
    /// Number of examples.
    pub fn len(&self) -> usize {
        self.images.count
    }

    /// Whether there are no examples.
    pub fn is_empty(&self) -> bool {
        self.images.count == 0
    }
}

/// A training and a test split of 28×28 digits (MNIST, or anything in its format).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dataset {
    /// 60000 images for MNIST.
    pub train: Split,
    /// 10000 images for MNIST.
    pub test: Split,
    /// Number of classes (10).
    pub classes: usize,
}

impl Dataset {
    /// Number of classes of MNIST and its relatives.
    pub const CLASSES: usize = 10;

    /// Parses and cross-checks the four IDX files (raw, not gzip): each file's
    /// header and length, images of at least one pixel, image/label counts,
    /// labels below 10, at least 1 training and 1 test image, and that train
    /// and test images have one size.
    pub fn from_idx(
        train_images: &[u8],
        train_labels: &[u8],
        test_images: &[u8],
        test_labels: &[u8],
    ) -> Result<Self, Error> {
        // Check the headers before copying anything, so a bad file costs no allocation.
        for (part, bytes) in Part::ALL.into_iter().zip([train_images, train_labels, test_images, test_labels]) {
            parse_idx(bytes, if part.is_images() { 3 } else { 1 }).map_err(|error| Error::Idx { part, error })?;
        }
        Self::from_idx_owned(train_images.to_vec(), train_labels.to_vec(), test_images.to_vec(), test_labels.to_vec())
    }

    /// [`from_idx`](Self::from_idx) taking the files' buffers, which it reuses.
    pub fn from_idx_owned(
        train_images: Vec<u8>,
        train_labels: Vec<u8>,
        test_images: Vec<u8>,
        test_labels: Vec<u8>,
    ) -> Result<Self, Error> {
        let img = |part: Part, b: Vec<u8>| parse_images_owned(b).map_err(|error| Error::Idx { part, error });
        let lbl = |part: Part, b: &[u8]| parse_labels(b).map_err(|error| Error::Idx { part, error });
        let train = Self::split(
            Part::TrainImages,
            img(Part::TrainImages, train_images)?,
            Part::TrainLabels,
            lbl(Part::TrainLabels, &train_labels)?,
        )?;
        let test = Self::split(
            Part::TestImages,
            img(Part::TestImages, test_images)?,
            Part::TestLabels,
            lbl(Part::TestLabels, &test_labels)?,
        )?;
        if test.images.pixel_count() != train.images.pixel_count() {
            return Err(Error::ImageSizeMismatch {
                expected: train.images.pixel_count(),
                found: test.images.pixel_count(),
                part: Part::TestImages,
            });
        }
        Ok(Self { train, test, classes: Self::CLASSES })
    }

    /// Refuses, before a byte of data is read, four files whose headers promise
    /// (`promised`, in [`Part::ALL`] order, as [`promised_len`] gives them) a data
    /// set larger than the memory budget: the files' bytes, plus up to 3 bytes a
    /// pixel and 8 an image for the pixel lists ([`PixelLists`]).
    pub fn check_promised(promised: [usize; 4]) -> Result<(), Error> {
        let needed = sum(&[
            sum(&promised),
            promised[0].saturating_mul(3),
            promised[2].saturating_mul(3),
            promised[1].saturating_mul(8),
            promised[3].saturating_mul(8),
        ]);
        if needed <= MEMORY_BUDGET {
            return Ok(());
        }
        let (i, &largest_bytes) = promised.iter().enumerate().max_by_key(|&(_, b)| *b).expect("four files");
        Err(Error::OverBudget { needed, work: Work::Data { largest: Part::ALL[i], largest_bytes } })
    }

    /// Bytes this data set holds: pixels, labels and pixel lists (what a
    /// [`crate::Trainer`] counts against the budget besides its own buffers).
    pub fn memory_bytes(&self) -> usize {
        let split = |s: &Split| sum(&[s.images.pixels.capacity(), s.labels.capacity(), s.nonzeros.memory_bytes()]);
        split(&self.train).saturating_add(split(&self.test))
    }

    fn split(ip: Part, images: Images, lp: Part, labels: Vec<u8>) -> Result<Split, Error> {
        if images.count != labels.len() {
            return Err(Error::CountMismatch { images: ip, image_count: images.count, label_count: labels.len() });
        }
        if let Some((index, &label)) = labels.iter().enumerate().find(|&(_, &l)| l as usize >= Self::CLASSES) {
            return Err(Error::LabelOutOfRange { part: lp, index, label, classes: Self::CLASSES });
        }
        if images.pixel_count() > PixelLists::MAX_PIXELS {
            return Err(Error::ImageTooLarge { part: ip, pixels: images.pixel_count(), max: PixelLists::MAX_PIXELS });
        }
        if images.count == 0 {
            return Err(Error::NoImages { part: ip });
        }
        let nonzeros = PixelLists::new(&images.pixels, images.pixel_count());
        Ok(Split { images, labels, nonzeros })
    }

    /// Pixels per image (784 for MNIST).
    pub fn input_size(&self) -> usize {
        self.train.images.pixel_count()
    }
}
