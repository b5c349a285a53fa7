//! The four MNIST files: which one ([`Part`]) and the IDX magic numbers that
//! open them. A leaf: the errors, the budget and the IDX parser all name them.

use core::fmt;

/// Magic number of an IDX file of unsigned bytes with 3 dimensions (images).
pub const IMAGES_MAGIC: u32 = 0x0000_0803;
/// Magic number of an IDX file of unsigned bytes with 1 dimension (labels).
pub const LABELS_MAGIC: u32 = 0x0000_0801;

/// Which of the four MNIST files a data error is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Part {
    /// `train-images-idx3-ubyte`.
    TrainImages,
    /// `train-labels-idx1-ubyte`.
    TrainLabels,
    /// `t10k-images-idx3-ubyte`.
    TestImages,
    /// `t10k-labels-idx1-ubyte`.
    TestLabels,
}

impl Part {
    /// The four parts in the order `Dataset::from_idx` takes them.
    pub const ALL: [Part; 4] = [Part::TrainImages, Part::TrainLabels, Part::TestImages, Part::TestLabels];

    /// The MNIST file name of this part.
    pub fn file_name(self) -> &'static str {
        match self {
            Part::TrainImages => "train-images-idx3-ubyte",
            Part::TrainLabels => "train-labels-idx1-ubyte",
            Part::TestImages => "t10k-images-idx3-ubyte",
            Part::TestLabels => "t10k-labels-idx1-ubyte",
        }
    }

    /// Whether this part holds images (else labels).
    pub fn is_images(self) -> bool {
        matches!(self, Part::TrainImages | Part::TestImages)
    }
}

impl fmt::Display for Part {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.file_name())
    }
}
