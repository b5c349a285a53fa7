//! A property test of IDX parsing and `Dataset` construction (issue 13), on
//! stable Rust under plain `cargo test`: a seeded generator makes a few
//! thousand sets of four real-shaped files (small MNIST-like images and
//! labels) and mutates them as a tester would: 0, huge or random dimensions,
//! truncation, extra bytes, flipped bytes, wrong magic, swapped files, bad
//! labels, garbage. Every case must give either a valid `Dataset` or a typed
//! `Error`, never a panic; and every data set the parser accepts must then
//! train (a `Trainer`, a few iterations with their evaluations, an evaluation
//! job) and go through a gradient check's computation (the batch gathered,
//! both gradients), the pieces that crashed on images of 0 rows.
//!
//! `DESCENT_FUZZ_CASES=100000 DESCENT_FUZZ_SEED=7 cargo test -p descent-core
//! --test core fuzz` runs more cases or another seed.

use crate::Gen;
use std::collections::BTreeSet;
use std::panic::{AssertUnwindSafe, catch_unwind};

use descent_core::idx::{parse_images, parse_labels, promised_len};
use descent_core::train::{gather, pixel_scale};
use descent_core::{Dataset, Error, Matrix, Rng, TrainConfig, Trainer, TwoLayerNet};

impl Gen {
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

fn env(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn images(g: &mut Gen, count: u32, rows: u32, cols: u32) -> Vec<u8> {
    let mut b = vec![0, 0, 8, 3];
    for d in [count, rows, cols] {
        b.extend_from_slice(&d.to_be_bytes());
    }
    let n = count as usize * rows as usize * cols as usize;
    // Mostly background, some ink, as in MNIST.
    b.extend((0..n).map(|_| if g.chance(70) { 0 } else { g.next() as u8 }));
    b
}

fn labels(g: &mut Gen, count: u32) -> Vec<u8> {
    let mut b = vec![0, 0, 8, 1];
    b.extend_from_slice(&count.to_be_bytes());
    b.extend((0..count).map(|_| g.below(10) as u8));
    b
}

/// Four files, valid more often than not before mutation.
fn files(g: &mut Gen) -> [Vec<u8>; 4] {
    let (rows, cols) = (g.pick(&[1u32, 2, 3, 5, 28]), g.pick(&[1u32, 2, 4, 28]));
    let (train, test) = (g.below(6) as u32, g.below(4) as u32);
    [images(g, train, rows, cols), labels(g, train), images(g, test, rows, cols), labels(g, test)]
}

/// One mutation, as a tester would make it.
fn mutate(g: &mut Gen, f: &mut [Vec<u8>; 4]) {
    let k = g.below(4);
    match g.below(11) {
        // A header dimension: 0, 1, an edge of u16 pixels, huge, or random.
        0 | 1 => {
            let dims = if k.is_multiple_of(2) { 3 } else { 1 };
            let d = g.below(dims);
            let random = g.next() as u32;
            let v: u32 = g.pick(&[0, 0, 1, 255, 256, 257, 65536, 0xffff_ffff, random]);
            if f[k].len() >= 8 + 4 * d {
                f[k][4 + 4 * d..8 + 4 * d].copy_from_slice(&v.to_be_bytes());
            }
        }
        2 => {
            let n = g.below(f[k].len() + 1);
            f[k].truncate(n);
        }
        3 => {
            let n = g.below(40) + 1;
            let extra: Vec<u8> = (0..n).map(|_| g.next() as u8).collect();
            f[k].extend(extra);
        }
        4 => {
            if !f[k].is_empty() {
                let i = g.below(f[k].len().min(24));
                f[k][i] ^= 1 << g.below(8);
            }
        }
        // Wrong magic: gzip, HTML, another type or dimension count.
        5 => {
            let magic: [u8; 4] = g.pick(&[[0x1f, 0x8b, 8, 0], *b"<!DO", [0, 0, 8, 2], [0, 0, 9, 3], [0, 0, 8, 0]]);
            let n = f[k].len().min(4);
            f[k][..n].copy_from_slice(&magic[..n]);
        }
        6 => {
            let j = g.below(4);
            f.swap(k, j);
        }
        // A label out of range.
        7 => {
            let l = if k.is_multiple_of(2) { k + 1 } else { k };
            if f[l].len() > 8 {
                let i = 8 + g.below(f[l].len() - 8);
                f[l][i] = 10 + g.below(246) as u8;
            }
        }
        8 => {
            let n = g.below(64);
            f[k] = (0..n).map(|_| g.next() as u8).collect();
        }
        // Images of 0 rows or 0 columns in one or both image files, the length
        // matching the header (the 60000×0×28, which crashed training).
        9 => {
            for i in [0, 2] {
                if (i == k & 2 || g.chance(50)) && f[i].len() >= 16 {
                    f[i][4 + 4 * (1 + g.below(2))..][..4].copy_from_slice(&0u32.to_be_bytes());
                    f[i].truncate(16);
                }
            }
        }
        // The image file of a split replaced by images of another size (with a matching count).
        _ => {
            let i = if k < 2 { 0 } else { 2 };
            let count = f[i + 1].len().saturating_sub(8) as u32;
            let (r, c) = (g.pick(&[0u32, 1, 7, 28]), g.pick(&[0u32, 1, 28]));
            f[i] = images(g, count, r, c);
        }
    }
}

/// What every accepted data set must allow: training, evaluating, a gradient check.
fn drive(data: &Dataset, g: &mut Gen) {
    assert!(!data.train.is_empty() && !data.test.is_empty());
    assert!(data.input_size() >= 1);
    assert_eq!(data.train.images.pixel_count(), data.test.images.pixel_count());
    assert!(data.train.labels.iter().chain(&data.test.labels).all(|&l| l < 10));
    let config =
        TrainConfig { hidden: 3, batch_size: 1 + g.below(data.train.len()), iters: 3, ..TrainConfig::default() };
    if g.chance(50) {
        let mut t = Trainer::<f32>::new(config, data).expect("a small config fits any accepted data set");
        for _ in 0..3 {
            t.step(data).unwrap();
        }
        assert!(t.is_done());
        let (train, test) = t.evaluate(data);
        assert!((0.0..=1.0).contains(&train) && (0.0..=1.0).contains(&test));
        let _ = t.learning_check();
    } else {
        let mut t = Trainer::<f64>::new(config, data).expect("a small config fits any accepted data set");
        let job = t.step_detached(data).unwrap().job.expect("an evaluation at iteration 0");
        t.record(job.run(data));
        t.advance(data, 10, |_| {}).unwrap();
        assert_eq!(t.evals().len(), 3.min(t.iter().div_ceil(t.iter_per_epoch())));
    }
    // What `descent gradcheck` computes, on the first images.
    let (n, input) = (1 + g.below(data.train.len().min(3)), data.input_size());
    let mut x = vec![0.0; n * input];
    gather(&data.train.images, 0..n, &pixel_scale::<f64>(), &mut x);
    let labels: Vec<usize> = data.train.labels[..n].iter().map(|&l| usize::from(l)).collect();
    let (x, t) = (Matrix::from_vec(n, input, x), Matrix::one_hot(&labels, data.classes));
    let mut net = TwoLayerNet::<f64>::new(input, 2, data.classes, 0.01, &mut Rng::new(1));
    let analytic = net.gradient(&x, &t);
    if input <= 64 {
        let numerical = net.numerical_gradient(&x, &t);
        for k in 0..4 {
            for (a, n) in analytic.part(k).iter().zip(numerical.part(k)) {
                assert!((a - n).abs() < 1e-4, "gradients disagree: {a} vs {n}");
            }
        }
    }
}

/// The kind of an error, for counting which ones the cases reached.
fn kind(e: &Error) -> String {
    let debug = format!("{e:?}");
    match e {
        Error::Idx { error, .. } => format!("Idx::{}", format!("{error:?}").split([' ', '{', '(']).next().unwrap()),
        _ => debug.split([' ', '{', '(']).next().unwrap().to_string(),
    }
}

#[test]
fn mutated_files_give_a_data_set_or_a_typed_error_never_a_panic() {
    let (cases, seed) = (env("DESCENT_FUZZ_CASES", 10000) as usize, env("DESCENT_FUZZ_SEED", 13));
    let mut g = Gen(seed);
    let (mut accepted, mut kinds) = (0usize, BTreeSet::new());
    for case in 0..cases {
        let mut f = files(&mut g);
        for _ in 0..g.below(4) {
            mutate(&mut g, &mut f);
        }
        let mut drive_gen = Gen(g.next());
        let outcome = catch_unwind(AssertUnwindSafe(|| {
            // Each file alone, through every entry point, then the four together.
            for (k, bytes) in f.iter().enumerate() {
                let dims = if k.is_multiple_of(2) { 3 } else { 1 };
                let _ = promised_len(bytes, dims);
                let _ = if dims == 3 { parse_images(bytes).map(|_| ()) } else { parse_labels(bytes).map(|_| ()) };
            }
            let from_slices = Dataset::from_idx(&f[0], &f[1], &f[2], &f[3]);
            let owned = Dataset::from_idx_owned(f[0].clone(), f[1].clone(), f[2].clone(), f[3].clone());
            // Both accept the same files (`from_idx` checks the four headers first, so
            // with several faults the one it names may differ).
            assert_eq!(from_slices.is_ok(), owned.is_ok(), "{from_slices:?} vs {owned:?}");
            if let (Ok(a), Ok(b)) = (&from_slices, &owned) {
                assert_eq!(a, b);
            }
            if let Ok(d) = &owned {
                drive(d, &mut drive_gen);
            }
            owned.map(|_| ())
        }));
        match outcome {
            Ok(Ok(())) => accepted += 1,
            Ok(Err(e)) => {
                assert!(!e.to_string().is_empty());
                kinds.insert(kind(&e));
            }
            Err(_) => panic!(
                "case {case} (seed {seed}) panicked; files: {:?}",
                f.iter().map(|b| &b[..b.len().min(24)]).collect::<Vec<_>>()
            ),
        }
    }
    // The generator reaches both sides: many valid sets, and the errors a tester meets.
    assert!(accepted >= cases / 10, "only {accepted} of {cases} cases parsed");
    for k in [
        "Idx::TooShort",
        "Idx::WrongMagic",
        "Idx::WrongDimensions",
        "Idx::Truncated",
        "Idx::Oversized",
        "Idx::NoPixels",
        "CountMismatch",
        "LabelOutOfRange",
        "ImageSizeMismatch",
        "NoImages",
    ] {
        if cases >= 1000 {
            assert!(kinds.contains(k), "no case gave {k}: {kinds:?}");
        }
    }
}
