//! The MNIST-style preparation of a drawn digit (inspect::drawing).

use descent_core::inspect::drawing::{
    BOX, CENTRE, DrawError, MAX_POINTS, PIXELS, SIDE, centre_of_mass, ink_box, prepare,
};

/// A "7" as a page would send it, in canvas pixels: a bar, then a stroke down.
fn seven() -> (Vec<f32>, Vec<u32>) {
    (vec![60.0, 50.0, 180.0, 46.0, 182.0, 48.0, 150.0, 120.0, 118.0, 230.0], vec![2, 5])
}

/// A "4" in three strokes: the slanted left arm, the bar, the upright.
fn four() -> (Vec<f32>, Vec<u32>) {
    (vec![70.0, 20.0, 40.0, 120.0, 40.0, 120.0, 150.0, 118.0, 120.0, 40.0, 118.0, 130.0, 116.0, 210.0], vec![2, 4, 7])
}

/// The drawing scaled by `k` and moved by (`dx`, `dy`).
fn moved(points: &[f32], k: f32, dx: f32, dy: f32) -> Vec<f32> {
    points.chunks_exact(2).flat_map(|p| [p[0] * k + dx, p[1] * k + dy]).collect()
}

/// The largest difference between two images' grey levels.
fn max_diff(a: &[u8; PIXELS], b: &[u8; PIXELS]) -> u8 {
    a.iter().zip(b).map(|(&x, &y)| x.abs_diff(y)).max().unwrap_or(0)
}

/// The image as text, for failure messages.
fn show(image: &[u8; PIXELS]) -> String {
    image
        .chunks(SIDE)
        .map(|row| row.iter().map(|&v| [' ', '.', '+', '#'][usize::from(v) * 4 / 256]).collect::<String>() + "|\n")
        .collect()
}

/// The checks every prepared digit passes: the ink fits the box (with its
/// anti-aliased fringe), fills it along its longer side, and its centre of
/// mass is at the centre.
#[track_caller]
fn assert_mnist_like(image: &[u8; PIXELS]) {
    let b = ink_box(image).expect("ink");
    assert!(b.width() <= 22 && b.height() <= 22, "{b:?} is larger than the box\n{}", show(image));
    assert!(b.width().max(b.height()) >= 19, "{b:?} does not fill the box\n{}", show(image));
    let (x, y) = centre_of_mass(image).expect("ink");
    assert!((x - CENTRE).abs() <= 0.5 && (y - CENTRE).abs() <= 0.5, "centre of mass ({x}, {y})\n{}", show(image));
}

#[test]
fn a_seven_moved_and_scaled_gives_the_same_image() {
    let (points, ends) = seven();
    let base = prepare(&points, &ends).unwrap();
    assert_mnist_like(&base);
    for (k, dx, dy) in [(3.7, 130.0, -40.0), (0.25, 0.0, 0.0), (0.25, 130.0, -40.0), (1.0, -500.5, 3000.25)] {
        let other = prepare(&moved(&points, k, dx, dy), &ends).unwrap();
        let diff = max_diff(&base, &other);
        assert!(diff <= 1, "×{k} +({dx}, {dy}): {diff} grey levels apart\n{}\n{}", show(&base), show(&other));
    }
}

#[test]
fn a_small_digit_in_a_corner_equals_it_large_and_centred() {
    let (points, ends) = four();
    // on a 280 × 280 canvas: a 30-pixel "4" in the top-left corner, and a 240-pixel one in the middle
    let small = prepare(&moved(&points, 30.0 / 190.0, 2.0, 3.0), &ends).unwrap();
    let large = prepare(&moved(&points, 240.0 / 190.0, 40.0, 10.0), &ends).unwrap();
    assert_mnist_like(&large);
    let diff = max_diff(&small, &large);
    assert!(diff <= 1, "{diff} grey levels apart\n{}\n{}", show(&small), show(&large));
}

#[test]
fn nothing_drawn_is_empty_and_says_to_draw() {
    assert_eq!(prepare(&[], &[]), Err(DrawError::Empty));
    let message = DrawError::Empty.to_string();
    assert!(message.contains("nothing is drawn") && message.contains("draw a digit"), "{message}");
}

#[test]
fn malformed_drawings_are_refused_with_the_right_error() {
    let cases: [(&[f32], &[u32], DrawError); 10] = [
        (&[1.0, 2.0, 3.0], &[1], DrawError::OddCoordinates { len: 3 }),
        (&[1.0, 2.0, 3.0, 4.0], &[2, 2], DrawError::EndsNotIncreasing { stroke: 1, end: 2, previous: 2 }),
        (&[1.0, 2.0, 3.0, 4.0], &[0, 2], DrawError::EndsNotIncreasing { stroke: 0, end: 0, previous: 0 }),
        (&[1.0, 2.0, 3.0, 4.0, 5.0, 6.0], &[2, 1, 3], DrawError::EndsNotIncreasing { stroke: 1, end: 1, previous: 2 }),
        (&[1.0, 2.0, 3.0, 4.0], &[1], DrawError::LastEndShort { last: Some(1), points: 2 }),
        (&[1.0, 2.0, 3.0, 4.0], &[], DrawError::LastEndShort { last: None, points: 2 }),
        (&[1.0, 2.0, 3.0, 4.0], &[1, 3], DrawError::EndPastPoints { stroke: 1, end: 3, points: 2 }),
        (&[], &[0], DrawError::EndsNotIncreasing { stroke: 0, end: 0, previous: 0 }),
        (&[1.0, 2.0, 3.0, f32::NAN], &[2], DrawError::NotFinite { index: 3 }),
        (&[f32::NEG_INFINITY, 2.0], &[1], DrawError::NotFinite { index: 0 }),
    ];
    for (points, ends, want) in cases {
        let got = prepare(points, ends);
        assert_eq!(got, Err(want), "points {points:?}, ends {ends:?}");
        let message = want.to_string();
        assert!(message.len() > 40 && message.contains(": "), "{message}");
    }
    // ends far past the points are refused at once, not scanned
    let ends: Vec<u32> = (1..=1_000_000).collect();
    assert_eq!(prepare(&[1.0, 2.0], &ends), Err(DrawError::EndPastPoints { stroke: 1, end: 2, points: 1 }));

    let points = vec![0.5f32; 2 * (MAX_POINTS + 1)];
    let too_many = DrawError::TooManyPoints { points: MAX_POINTS + 1, max: MAX_POINTS };
    assert_eq!(prepare(&points, &[(MAX_POINTS + 1) as u32]), Err(too_many));
    assert!(too_many.to_string().contains("draw the digit again"), "{too_many}");
    // exactly MAX_POINTS is accepted
    let points: Vec<f32> = (0..2 * MAX_POINTS).map(|i| (i % 97) as f32).collect();
    assert_mnist_like(&prepare(&points, &[MAX_POINTS as u32]).unwrap());
}

#[test]
fn messages_name_what_is_wrong() {
    let m = DrawError::NotFinite { index: 3 }.to_string();
    assert!(m.contains("the y of point 1") && m.contains("finite"), "{m}");
    let m = DrawError::OddCoordinates { len: 3 }.to_string();
    assert!(m.contains("3 numbers") && m.contains("pairs"), "{m}");
    let m = DrawError::LastEndShort { last: Some(1), points: 2 }.to_string();
    assert!(m.contains("ends at point 1") && m.contains("2 points"), "{m}");
}

#[test]
fn the_ink_fills_the_box_and_its_centre_of_mass_is_centred() {
    for (points, ends) in [seven(), four()] {
        let image = prepare(&points, &ends).unwrap();
        assert_mnist_like(&image);
        let (x, y) = centre_of_mass(&image).unwrap();
        assert!((x - CENTRE).abs() < 0.05 && (y - CENTRE).abs() < 0.05, "({x}, {y})");
    }
    // a wide, flat drawing fills the box across
    let image = prepare(&[0.0, 0.0, 500.0, 40.0, 0.0, 80.0], &[3]).unwrap();
    assert_mnist_like(&image);
    let b = ink_box(&image).unwrap();
    assert!(b.width() >= 19 && b.height() < 10, "{b:?}\n{}", show(&image));
    assert!(f64::from(BOX) <= b.width() as f64 + 1.0);
}

#[test]
fn a_vertical_line_is_a_thin_centred_stroke() {
    let image = prepare(&[200.0, 40.0, 200.0, 260.0], &[2]).unwrap();
    let b = ink_box(&image).unwrap();
    assert!(b.width() <= 4 && b.height() >= 19, "{b:?}\n{}", show(&image));
    // centred on column 14 (centre 14.5): symmetric about it
    for y in 0..SIDE {
        let row = &image[y * SIDE..(y + 1) * SIDE];
        assert_eq!(row[13], row[15], "row {y}\n{}", show(&image));
        assert!(row[..12].iter().chain(&row[17..]).all(|&v| v == 0), "row {y}\n{}", show(&image));
    }
    assert_eq!(image[14 * SIDE + 14], 255);
    let (x, _) = centre_of_mass(&image).unwrap();
    assert!((x - CENTRE).abs() < 1e-9, "{x}");
}

#[test]
fn a_dot_is_a_small_centred_blob() {
    for (points, ends) in [
        (vec![123.0, -4.0], vec![1]),
        (vec![5.0, 5.0, 5.0, 5.0, 5.0, 5.0], vec![1, 3]),
        (vec![f32::MAX, -f32::MAX], vec![1]),
    ] {
        let image = prepare(&points, &ends).unwrap();
        let b = ink_box(&image).unwrap();
        assert!(b.width() <= 4 && b.height() <= 4, "{b:?}\n{}", show(&image));
        let (x, y) = centre_of_mass(&image).unwrap();
        assert!((x - CENTRE).abs() < 1e-9 && (y - CENTRE).abs() < 1e-9, "({x}, {y})");
        assert_eq!(image[14 * SIDE + 14], 255);
    }
    // two dots far apart: both drawn, at the box's ends
    let image = prepare(&[0.0, 0.0, 100.0, 0.0], &[1, 2]).unwrap();
    let b = ink_box(&image).unwrap();
    assert!(b.width() >= 19 && b.height() <= 4, "{b:?}\n{}", show(&image));
}

#[test]
fn extreme_coordinates_do_not_panic() {
    let image = prepare(&[-f32::MAX, -f32::MAX, f32::MAX, f32::MAX], &[2]).unwrap();
    assert_mnist_like(&image);
    let image = prepare(&[0.0, 0.0, 1e-38, 2e-38], &[2]).unwrap();
    assert_mnist_like(&image);
    // any shape of input gives an image or an error, never a panic
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..2000 {
        let n = (next() % 12) as usize;
        let points: Vec<f32> = (0..n)
            .map(|_| match next() % 8 {
                0 => f32::MAX,
                1 => -1e30,
                2 => f32::NAN,
                _ => (next() % 1000) as f32 / 7.0,
            })
            .collect();
        let ends: Vec<u32> = (0..next() % 4).map(|_| (next() % 7) as u32).collect();
        if let Ok(image) = prepare(&points, &ends) {
            assert!(centre_of_mass(&image).is_some());
        }
    }
}

/// MNIST's test images re-drawn as strokes (each run of pixels ≥ 128 in a
/// row is a horizontal stroke between its end pixels' centres) and prepared
/// come out where the originals are: our preparation agrees with MNIST's.
#[test]
fn mnist_digits_redrawn_come_out_as_mnist_made_them() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/mnist/t10k-images-idx3-ubyte");
    let Ok(bytes) = std::fs::read(path) else {
        println!("skipped: {path} is absent (fetch MNIST into data/mnist to run this test)");
        return;
    };
    assert!(bytes.len() >= 16 + 200 * PIXELS, "{path} is too short");
    for k in 0..200 {
        let original: &[u8; PIXELS] = bytes[16 + k * PIXELS..16 + (k + 1) * PIXELS].try_into().unwrap();
        let (mut points, mut ends) = (Vec::new(), Vec::new());
        for (y, row) in original.chunks(SIDE).enumerate() {
            let mut x = 0;
            while x < SIDE {
                if row[x] < 128 {
                    x += 1;
                    continue;
                }
                let first = x;
                while x < SIDE && row[x] >= 128 {
                    x += 1;
                }
                let cy = y as f32 + 0.5;
                points.extend([first as f32 + 0.5, cy]);
                if x - 1 > first {
                    points.extend([(x - 1) as f32 + 0.5, cy]);
                }
                ends.push((points.len() / 2) as u32);
            }
        }
        let ours = prepare(&points, &ends).unwrap();
        let (a, b) = (centre_of_mass(original).unwrap(), centre_of_mass(&ours).unwrap());
        assert!(
            (a.0 - b.0).abs() <= 1.0 && (a.1 - b.1).abs() <= 1.0,
            "image {k}: centre of mass {a:?}, ours {b:?}\n{}\n{}",
            show(original),
            show(&ours)
        );
        let (a, b) = (ink_box(original).unwrap(), ink_box(&ours).unwrap());
        let edges = [(a.left, b.left), (a.top, b.top), (a.right, b.right), (a.bottom, b.bottom)];
        assert!(
            edges.iter().all(|&(p, q)| p.abs_diff(q) <= 2),
            "image {k}: ink box {a:?}, ours {b:?}\n{}\n{}",
            show(original),
            show(&ours)
        );
    }
}
