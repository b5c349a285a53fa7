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
    assert!(parse_images(&b).unwrap_err().to_string().contains("1 byte missing"));
    let mut b = labels(&[1, 2]);
    b.extend_from_slice(&[0, 0, 0]);
    assert_eq!(parse_labels(&b), Err(IdxError::Oversized { expected: 10, found: 13 }));
    assert!(parse_labels(&b).unwrap_err().to_string().contains("3 unexpected bytes at the end"));
    b.truncate(11);
    // One byte too many: singular.
    let e = parse_labels(&b).unwrap_err().to_string();
    assert!(e.starts_with("11 bytes, but the header promises 10: 1 unexpected byte at the end;"), "{e}");
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

/// Issue 13, item 1: images of 0 rows or 0 columns passed every check and then
/// crashed the training loop and the gradient check.
#[test]
fn images_without_pixels_are_refused_where_parsed() {
    for (rows, cols) in [(0, 28), (28, 0), (0, 0)] {
        let e = parse_images(&images(3, rows, cols)).unwrap_err();
        assert_eq!(e, IdxError::NoPixels { rows: rows as usize, cols: cols as usize });
        assert!(e.to_string().contains(&format!("images of {rows}×{cols} pixels")), "{e}");
        let mut header = images(60000, rows, cols);
        header.truncate(16);
        let e = dataset(&header, &labels(&[0; 3]), &images(2, 28, 28), &labels(&[4, 5])).unwrap_err();
        assert!(matches!(e, Error::Idx { part: Part::TrainImages, error: IdxError::NoPixels { .. } }), "{e:?}");
        assert!(e.to_string().starts_with("train-images-idx3-ubyte: the header gives images of"), "{e}");
    }
    // Test images too, and in the header check of a reader.
    let e =
        dataset(&images(4, 28, 28), &labels(&[0, 1, 2, 3]), &images(10000, 0, 28)[..16], &labels(&[4, 5])).unwrap_err();
    assert!(matches!(e, Error::Idx { part: Part::TestImages, error: IdxError::NoPixels { rows: 0, cols: 28 } }));
    assert_eq!(descent_core::idx::promised_len(&images(0, 0, 28), 3), Err(IdxError::NoPixels { rows: 0, cols: 28 }));
}

/// Issue 13, item 4: an empty test set trained and printed `test acc 0.0`; an
/// empty training set was blamed on the batch size.
#[test]
fn empty_sets_are_refused_naming_the_file() {
    let (ti, tl) = (images(4, 28, 28), labels(&[0, 1, 2, 3]));
    let (si, sl) = (images(2, 28, 28), labels(&[4, 5]));
    let e = dataset(&ti, &tl, &images(0, 28, 28), &labels(&[])).unwrap_err();
    assert_eq!(e, Error::NoImages { part: Part::TestImages });
    assert!(e.to_string().starts_with("t10k-images-idx3-ubyte holds 0 images: descent needs at least 1 test image"));
    let e = dataset(&images(0, 28, 28), &labels(&[]), &si, &sl).unwrap_err();
    assert_eq!(e, Error::NoImages { part: Part::TrainImages });
    assert!(e.to_string().contains("at least 1 training image, and at least a batch of them"), "{e}");
    // One image trains with a batch of one; the default batch names the file.
    let one = dataset(&images(1, 28, 28), &labels(&[3]), &si, &sl).unwrap();
    assert!(
        descent_core::Trainer::<f32>::new(TrainConfig { batch_size: 1, iters: 2, ..TrainConfig::default() }, &one)
            .is_ok()
    );
    let e = descent_core::Trainer::<f32>::new(TrainConfig::default(), &one).unwrap_err();
    assert!(e.to_string().contains("larger than the training set (1 images): use at most 1, or a train-images"), "{e}");
}

#[test]
fn a_size_mismatch_names_both_files() {
    let e = dataset(&images(4, 27, 28), &labels(&[0, 1, 2, 3]), &images(2, 28, 28), &labels(&[4, 5])).unwrap_err();
    let msg = e.to_string();
    assert!(
        msg.starts_with("t10k-images-idx3-ubyte: images have 784 pixels but those of train-images-idx3-ubyte have 756")
    );
}

/// Issue 13, item 2: the headers' promises are checked before a byte is read.
#[test]
fn headers_promising_more_than_the_budget_are_refused() {
    use descent_core::idx::promised_len;
    let mnist = [47_040_016, 60_008, 7_840_016, 10_008];
    assert_eq!(Dataset::check_promised(mnist), Ok(()));
    assert_eq!(promised_len(&images(60000, 28, 28)[..16], 3), Ok(47_040_016));
    // 60000 images of 256 × 256 (3.9 GB) alone.
    let e = promised_len(&images(60000, 256, 256)[..16], 3).unwrap_err();
    assert_eq!(e, IdxError::OverBudget { expected: 3_932_160_016 });
    assert!(e.to_string().contains("more than descent's memory budget of 2 GiB"), "{e}");
    // Four files each within the budget, together (with their pixel lists) over it.
    let e = Dataset::check_promised([600_000_016, 60_008, 100_016, 10_008]).unwrap_err();
    assert!(matches!(e, Error::OverBudget { .. }), "{e:?}");
    assert!(e.to_string().contains("the largest, train-images-idx3-ubyte, promises 600000016 bytes"), "{e}");
    // A short header is short, whatever it promises.
    assert_eq!(promised_len(&[0, 0, 8, 1, 0], 1), Err(IdxError::TooShort { len: 5, needed: 8 }));
}

/// Issue 13, item 2: a training config over the memory budget is refused
/// before anything is allocated, naming the field to lower.
#[test]
fn configs_over_the_memory_budget_name_the_field() {
    use descent_core::MEMORY_BUDGET;
    let book = TrainConfig::default();
    let m = book.check_memory(784, 10, 8, 0).unwrap();
    assert!(m.total() < 300 << 20, "the book's run: {m:?}");
    let cases = [
        (
            TrainConfig { hidden: 10000, batch_size: 60000, ..book.clone() },
            "batch_size",
            "lower the batch size or the hidden units",
        ),
        (TrainConfig { hidden: 200_000, ..book.clone() }, "hidden", "lower the hidden units"),
        (TrainConfig { iters: 300_000_000, ..book.clone() }, "iters", "lower the iterations"),
    ];
    for (config, field, advice) in cases {
        let e = config.check_memory(784, 10, 8, 0).unwrap_err();
        assert_eq!(e.field(), field, "{e}");
        let ConfigError::OverBudget(m) = &e else { panic!("{e:?}") };
        assert!(m.total() > MEMORY_BUDGET);
        let msg = Error::from(e.clone()).to_string();
        assert!(msg.starts_with(&format!("{field}: this run needs about")), "{msg}");
        assert!(msg.contains("budget of 2 GiB") && msg.contains(advice), "{msg}");
    }
    // The case: batch 60000 × hidden 10000 in f64 holds two 4.8 GB buffers.
    let m = TrainConfig { hidden: 10000, batch_size: 60000, ..book.clone() }.memory(784, 10, 8, 0);
    assert!(m.batch >= 2 * 60000 * 10000 * 8, "{m:?}");
    // Saturating: no size wraps around to a small number.
    let huge = TrainConfig { hidden: usize::MAX / 2, batch_size: usize::MAX / 2, ..book };
    assert_eq!(huge.memory(784, 10, 8, 0).total(), usize::MAX);
}

/// Issue 13, item 2: the path of gradient descent and a gradient check are
/// refused over the budget before allocating.
#[test]
fn paths_and_gradient_checks_over_the_budget_are_refused() {
    use descent_core::numerical::{function_2, gradient_descent, path_bytes};
    use descent_core::two_layer_net::{check_gradient_check, gradient_check_bytes};
    let e = gradient_descent(function_2, &[1.0; 1000], 0.1, 1_000_000).unwrap_err();
    assert!(matches!(e, Error::OverBudget { .. }), "{e:?}");
    assert!(e.to_string().starts_with("recording the path of 1000000 steps of 1000 coordinates needs about 8.05 GB"));
    assert_eq!(path_bytes(2, 100, 8), 100 * (16 + 48));
    assert!(gradient_descent(function_2, &[1.0; 2], 0.1, 10).is_ok());

    let e = check_gradient_check(60000, 784, 10000, 10).unwrap_err();
    assert!(e.to_string().starts_with("a gradient check on 60000 images with 10000 hidden units needs about"), "{e}");
    assert!(gradient_check_bytes(60000, 784, 10000, 10, 8) >= 2 * 60000 * 10000 * 8);
    assert!(check_gradient_check(3, 784, 50, 10).is_ok());
}

/// `descent bench --iters 18446744073709551615` panicked with "attempt to add
/// with overflow" (warmup + iters) before the first iteration. Counts that do
/// not fit a sum now run: the clock stops this one after a few iterations.
#[test]
fn bench_takes_counts_whose_sum_overflows() {
    use descent_core::OneThread;
    use descent_core::bench::time_iterations;
    let data = Dataset::from_idx(&images(100, 28, 28), &labels(&[3; 100]), &images(1, 28, 28), &labels(&[3]))
        .expect("a batch of images");
    let mut reads = 0;
    let clock = || {
        reads += 1;
        // One read before the loop and one as timing starts, four an iteration: stop after 3 timed ones.
        if reads > 1 + 4 * 2 + 1 + 4 * 3 {
            std::panic::panic_any("stop");
        }
        f64::from(reads)
    };
    let run = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        time_iterations::<f32>(&data, 2, usize::MAX, &OneThread, clock)
    }));
    let stopped = run.expect_err("usize::MAX iterations end only by the clock's panic");
    assert_eq!(stopped.downcast_ref::<&str>(), Some(&"stop"), "a panic other than the clock's");
}
