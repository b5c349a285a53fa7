//! Every IDX and config error, by its variant, with a message a person can act on.

use descent_core::idx::{parse_idx, parse_images, parse_labels};
use descent_core::{ConfigError, Dataset, Error, IdxError, Part, TrainConfig};

fn images(count: u32, rows: u32, cols: u32) -> Vec<u8> {
    let mut b = vec![0, 0, 8, 3];
    for d in [count, rows, cols] {
        b.extend_from_slice(&d.to_be_bytes());
    }
    b.extend((0..count * rows * cols).map(|i| (i % 251) as u8));
    b
}

fn labels(ls: &[u8]) -> Vec<u8> {
    let mut b = vec![0, 0, 8, 1];
    b.extend_from_slice(&(ls.len() as u32).to_be_bytes());
    b.extend_from_slice(ls);
    b
}

#[test]
fn valid_files_parse() {
    let im = parse_images(&images(3, 2, 4)).unwrap();
    assert_eq!((im.count, im.rows, im.cols, im.pixels.len()), (3, 2, 4, 24));
    assert_eq!(im.image(1), &[8, 9, 10, 11, 12, 13, 14, 15]);
    assert_eq!(parse_labels(&labels(&[1, 9, 0])).unwrap(), vec![1, 9, 0]);
}

#[test]
fn too_short() {
    assert_eq!(parse_images(&[0, 0]), Err(IdxError::TooShort { len: 2, needed: 16 }));
    assert_eq!(parse_images(&[0, 0, 8, 3, 0, 0]), Err(IdxError::TooShort { len: 6, needed: 16 }));
    assert!(IdxError::TooShort { len: 2, needed: 16 }.to_string().contains("truncated or empty"));
}

#[test]
fn wrong_magic_and_gzip_hint() {
    let gz = [0x1f, 0x8b, 0x08, 0x00, 0, 0, 0, 0];
    let e = parse_labels(&gz).unwrap_err();
    assert!(matches!(e, IdxError::WrongMagic { found: 0x1f8b0800, expected: 0x801 }), "{e:?}");
    assert!(e.to_string().contains("gunzip"), "{e}");
    let e = parse_images(b"<!DOCTYPE html><html>").unwrap_err();
    assert!(matches!(e, IdxError::WrongMagic { expected: 0x803, .. }), "{e:?}");
    assert!(e.to_string().contains("not an uncompressed MNIST IDX image file"), "{e}");
}

#[test]
fn wrong_dimensions_when_files_are_swapped() {
    let e = parse_images(&labels(&[1, 2])).unwrap_err();
    assert_eq!(e, IdxError::WrongDimensions { found: 1, expected: 3 });
    assert!(e.to_string().contains("swapped"));
    assert_eq!(parse_labels(&images(1, 1, 1)).unwrap_err(), IdxError::WrongDimensions { found: 3, expected: 1 });
}

#[test]
fn truncated_and_oversized() {
    let mut b = images(2, 3, 3);
    b.pop();
    assert_eq!(parse_images(&b), Err(IdxError::Truncated { expected: 34, found: 33 }));
    assert!(parse_images(&b).unwrap_err().to_string().contains("1 bytes missing"));
    let mut b = labels(&[1, 2]);
    b.extend_from_slice(&[0, 0, 0]);
    assert_eq!(parse_labels(&b), Err(IdxError::Oversized { expected: 10, found: 13 }));
    // A hostile header (dimensions that overflow) reads as truncated, not as a panic.
    let mut b = vec![0, 0, 8, 3];
    b.extend_from_slice(&[0xff; 12]);
    assert!(matches!(parse_idx(&b, 3), Err(IdxError::Truncated { .. })));
}

fn dataset(tr_i: &[u8], tr_l: &[u8], te_i: &[u8], te_l: &[u8]) -> Result<Dataset, Error> {
    Dataset::from_idx(tr_i, tr_l, te_i, te_l)
}

#[test]
fn dataset_errors_name_the_file() {
    let (ti, tl) = (images(4, 28, 28), labels(&[0, 1, 2, 3]));
    let (si, sl) = (images(2, 28, 28), labels(&[4, 5]));
    assert!(dataset(&ti, &tl, &si, &sl).is_ok());

    let e = dataset(&ti, &tl, &si[..20], &sl).unwrap_err();
    assert!(matches!(e, Error::Idx { part: Part::TestImages, error: IdxError::Truncated { .. } }), "{e:?}");
    assert!(e.to_string().starts_with("t10k-images-idx3-ubyte: "), "{e}");

    let e = dataset(&ti, &labels(&[0, 1, 2]), &si, &sl).unwrap_err();
    assert_eq!(e, Error::CountMismatch { images: Part::TrainImages, image_count: 4, label_count: 3 });
    assert!(e.to_string().contains("do not belong together"));

    let e = dataset(&ti, &tl, &si, &labels(&[4, 10])).unwrap_err();
    assert_eq!(e, Error::LabelOutOfRange { part: Part::TestLabels, index: 1, label: 10, classes: 10 });
    assert!(e.to_string().contains("t10k-labels-idx1-ubyte: label 10 at index 1"), "{e}");

    let e = dataset(&ti, &tl, &images(2, 28, 27), &sl).unwrap_err();
    assert!(matches!(e, Error::ImageSizeMismatch { expected: 784, found: 756, part: Part::TestImages }), "{e:?}");

    // Swapped arguments: labels where images belong.
    let e = dataset(&tl, &ti, &si, &sl).unwrap_err();
    assert!(matches!(e, Error::Idx { part: Part::TrainImages, error: IdxError::WrongDimensions { .. } }), "{e:?}");
}

#[test]
fn config_errors_name_the_field() {
    let ok = TrainConfig::default();
    assert_eq!(ok.validate(60000), Ok(()));
    let cases: Vec<(TrainConfig, ConfigError, &str)> = vec![
        (TrainConfig { lr: f64::NAN, ..ok.clone() }, ConfigError::LearningRate(f64::NAN), "lr"),
        (TrainConfig { lr: f64::INFINITY, ..ok.clone() }, ConfigError::LearningRate(f64::INFINITY), "lr"),
        (TrainConfig { lr: 0.0, ..ok.clone() }, ConfigError::LearningRate(0.0), "lr"),
        (TrainConfig { lr: -0.1, ..ok.clone() }, ConfigError::LearningRate(-0.1), "lr"),
        (TrainConfig { batch_size: 0, ..ok.clone() }, ConfigError::BatchZero, "batch_size"),
        (
            TrainConfig { batch_size: 60001, ..ok.clone() },
            ConfigError::BatchTooLarge { batch_size: 60001, train_size: 60000 },
            "batch_size",
        ),
        (TrainConfig { hidden: 0, ..ok.clone() }, ConfigError::HiddenZero, "hidden"),
        (TrainConfig { iters: 0, ..ok.clone() }, ConfigError::ItersZero, "iters"),
        (TrainConfig { weight_init_std: -0.01, ..ok.clone() }, ConfigError::InitStd(-0.01), "weight_init_std"),
        (TrainConfig { weight_init_std: f64::NAN, ..ok.clone() }, ConfigError::InitStd(f64::NAN), "weight_init_std"),
    ];
    for (config, want, field) in cases {
        let got = config.validate(60000).unwrap_err();
        // NaN != NaN, so compare the Debug text.
        assert_eq!(format!("{got:?}"), format!("{want:?}"));
        assert_eq!(got.field(), field);
        let msg = Error::from(got).to_string();
        assert!(msg.starts_with(&format!("{field}: ")), "{msg}");
    }
    assert_eq!(TrainConfig { weight_init_std: 0.0, ..ok }.validate(60000), Ok(()));
}
