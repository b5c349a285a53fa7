//! A digit drawn with a mouse, pen or finger, prepared as MNIST's digits were.
//!
//! MNIST's digits (LeCun et al.) were "size normalized to fit in a 20x20 pixel
//! box while preserving their aspect ratio", anti-aliased to grey levels, and
//! "centered in a 28x28 image by computing the center of mass of the pixels and
//! translating the image so as to position this point at the center". A net
//! trained on them expects the same of a drawing, so [`prepare`] does the same
//! to the page's strokes:
//!
//! 1. The strokes' skeleton (the pen's path) is scaled, keeping its aspect, so
//!    that its bounding box's longer side is [`BOX`] − 2 × [`RADIUS`]: drawn
//!    with a pen of radius [`RADIUS`], the ink then fills the 20 × 20 box.
//!    The pen's width is a fixed share of the box, so a digit drawn small or
//!    large, anywhere on the canvas, gives the same image (up to rounding).
//! 2. The ink is rendered anti-aliased: a pixel at distance `d` from the pen's
//!    path (measured from the pixel's centre) gets `clamp(r + 0.5 − d, 0, 1)`,
//!    about the share of the pixel the pen covers.
//! 3. The ink's centre of mass is measured and the drawing rendered again,
//!    moved by a fraction of a pixel, so that its centre of mass lands at
//!    ([`CENTRE`], [`CENTRE`]), where MNIST's digits have theirs.
//!
//! Coordinates in the image have the top-left corner at (0, 0) and pixel
//! (column `x`, row `y`) centred at (`x` + 0.5, `y` + 0.5); images are 784
//! grey levels, row by row, 0 for paper and 255 for full ink, as in MNIST.
//!
//! Nothing here allocates: the work is two renders of at most [`MAX_POINTS`]
//! points into a 28 × 28 buffer on the stack.

use core::fmt;

/// The side of the image in pixels: MNIST's 28.
pub const SIDE: usize = 28;

/// Pixels in an image: 28 × 28 = 784.
pub const PIXELS: usize = SIDE * SIDE;

/// The side of the square, in pixels, the ink's bounding box is fitted into
/// (keeping its aspect): MNIST's 20.
pub const BOX: f32 = 20.0;

/// The pen's radius in output pixels (after the fit into [`BOX`]), whatever
/// the size the digit was drawn at.
///
/// Calibrated on MNIST's "1"s, whose strokes are the plainest to measure: in
/// each row of a "1" the ink (the sum of the row's grey levels / 255) is the
/// stroke's horizontal cross-section; its median over the rows, times the
/// cosine of the stroke's slant (from a line fitted through the rows' centres
/// of ink), is the stroke's width. Over the 6742 "1"s of the training set the
/// median width is 2.80 pixels (quartiles 2.33 and 3.37; 2.87 over the 1135 of
/// the test set). A pen of radius `r` rendered as here lays a cross-section of
/// 2`r` pixels of ink, so `r` = 1.4. Check: the test set's "1"s, re-drawn as
/// a line through their rows' centres of ink (of the pixels ≥ 128) and
/// prepared here, have a median width of 2.81 pixels (2.87 the originals) and a
/// mean ink per image of 58.6 (60.2 the originals).
pub const RADIUS: f32 = 1.4;

/// Where [`prepare`] puts the ink's centre of mass, on both axes, in pixels
/// from the image's top-left corner (pixel `i` centred at `i` + 0.5): the
/// centre of pixel (14, 14).
///
/// Measured on MNIST: the mean centre of mass is (14.507, 14.496) over the
/// 60000 training images and (14.508, 14.493) over the 10000 test images, and
/// every image's lies between 14.0 and 15.0 on both axes (13.99 once): MNIST
/// moved each digit by whole pixels so that its centre of mass fell within
/// pixel (14, 14), whose centre is (14.5, 14.5).
pub const CENTRE: f64 = 14.5;

/// The most points [`prepare`] accepts, which bounds its work (two renders,
/// each touching at most a few hundred pixels per segment); more is refused
/// with [`DrawError::TooManyPoints`].
pub const MAX_POINTS: usize = 20_000;

/// What is wrong with a drawing handed to [`prepare`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum DrawError {
    /// No points: nothing is drawn yet.
    Empty,
    /// The coordinates are an odd count of numbers, not x, y pairs.
    OddCoordinates {
        /// Numbers given.
        len: usize,
    },
    /// More points than [`MAX_POINTS`].
    TooManyPoints {
        /// Points given.
        points: usize,
        /// The most accepted, [`MAX_POINTS`].
        max: usize,
    },
    /// A stroke's end is not after the previous stroke's (or is 0 for the
    /// first stroke): a stroke with no points, or ends out of order.
    EndsNotIncreasing {
        /// The stroke, counted from 0.
        stroke: usize,
        /// Its end (one past its last point).
        end: u32,
        /// The previous stroke's end (0 for the first stroke).
        previous: u32,
    },
    /// A stroke ends past the last point.
    EndPastPoints {
        /// The stroke, counted from 0.
        stroke: usize,
        /// Its end (one past its last point).
        end: u32,
        /// Points given.
        points: usize,
    },
    /// The last stroke ends before the last point, or there are points but no
    /// strokes.
    LastEndShort {
        /// The last stroke's end, `None` if there are no strokes.
        last: Option<u32>,
        /// Points given.
        points: usize,
    },
    /// A coordinate is NaN or infinite.
    NotFinite {
        /// Its index among the coordinates (x0 is 0, y0 is 1, x1 is 2, …).
        index: usize,
    },
}

impl fmt::Display for DrawError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DrawError::Empty => write!(f, "nothing is drawn yet: draw a digit (0–9) in the box"),
            DrawError::OddCoordinates { len } => write!(
                f,
                "the drawing's coordinates are {len} numbers, an odd count: they must be x, y pairs \
                 (x0, y0, x1, y1, …)"
            ),
            DrawError::TooManyPoints { points, max } => write!(
                f,
                "the drawing has {points} points, more than the {max} accepted: clear it and draw the digit again \
                 (or drop points less than a pixel apart before sending them)"
            ),
            DrawError::EndsNotIncreasing { stroke, end, previous } => write!(
                f,
                "stroke {stroke} ends at point {end}, not after {} ({previous}): the strokes' ends must increase \
                 strictly (each stroke has at least one point)",
                if stroke == 0 { "the start" } else { "the previous stroke's end" }
            ),
            DrawError::EndPastPoints { stroke, end, points } => write!(
                f,
                "stroke {stroke} ends at point {end}, past the drawing's {points} points: an end is the index, \
                 in points (x, y pairs), one past the stroke's last point"
            ),
            DrawError::LastEndShort { last: None, points } => write!(
                f,
                "the drawing has {points} points but no strokes: give each stroke's end, the last one {points}"
            ),
            DrawError::LastEndShort { last: Some(last), points } => write!(
                f,
                "the last stroke ends at point {last}, but the drawing has {points} points: the last end must be \
                 the number of points ({points})"
            ),
            DrawError::NotFinite { index } => write!(
                f,
                "coordinate {index} (the {} of point {}) is not a finite number: every coordinate must be finite",
                if index.is_multiple_of(2) { "x" } else { "y" },
                index / 2
            ),
        }
    }
}

impl core::error::Error for DrawError {}

/// Prepares a drawn digit as MNIST's digits were: the ink's bounding box
/// fitted into [`BOX`] × [`BOX`] keeping its aspect, drawn with a pen of
/// radius [`RADIUS`], anti-aliased, its centre of mass at ([`CENTRE`],
/// [`CENTRE`]) of a [`SIDE`] × [`SIDE`] image (see the [module](self)).
///
/// `points` are the strokes' points as x0, y0, x1, y1, … in any units with y
/// down (canvas pixels, say); `ends` gives, for each stroke, the index in
/// points (pairs) one past its last point, so they increase strictly and the
/// last is `points.len() / 2`. A stroke of one point is a dot. Where and how
/// large the digit is drawn does not matter.
///
/// Returns the 784 grey levels (0 paper, 255 ink) row by row.
///
/// # Errors
/// [`DrawError::Empty`] if there are no points (and no strokes); the other
/// [`DrawError`]s if the input is malformed: an odd count of coordinates, more
/// than [`MAX_POINTS`] points, ends that do not increase strictly, that pass
/// the last point or stop before it, a coordinate that is not finite.
pub fn prepare(points: &[f32], ends: &[u32]) -> Result<[u8; PIXELS], DrawError> {
    validate(points, ends)?;
    let mut place = Place::fit(points);
    let mut ink = [0.0f32; PIXELS];
    render(points, ends, &place, &mut ink);
    let first = quantise(&ink);
    // the first render always has ink: every point lands inside the box and a dot has radius RADIUS
    let (x, y) = centre_of_mass(&first).unwrap_or((place.ox, place.oy));
    place.ox += CENTRE - x;
    place.oy += CENTRE - y;
    ink.fill(0.0);
    render(points, ends, &place, &mut ink);
    Ok(quantise(&ink))
}

/// The centre of mass of an image's ink, (x, y) in pixels from the top-left
/// corner with pixel `i` centred at `i` + 0.5, each pixel weighing its grey
/// level; `None` for a blank image.
pub fn centre_of_mass(image: &[u8; PIXELS]) -> Option<(f64, f64)> {
    let (mut mass, mut mx, mut my) = (0u64, 0u64, 0u64);
    for (i, &v) in image.iter().enumerate() {
        let v = u64::from(v);
        mass += v;
        // twice the centre's coordinate, 2i + 1, keeps the sums in integers
        mx += v * (2 * (i % SIDE) as u64 + 1);
        my += v * (2 * (i / SIDE) as u64 + 1);
    }
    if mass == 0 {
        return None;
    }
    let twice = 2.0 * mass as f64;
    Some((mx as f64 / twice, my as f64 / twice))
}

/// The bounding box of an image's ink (its pixels above 0), in whole pixels,
/// bounds included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InkBox {
    /// The first column with ink.
    pub left: usize,
    /// The first row with ink.
    pub top: usize,
    /// The last column with ink.
    pub right: usize,
    /// The last row with ink.
    pub bottom: usize,
}

impl InkBox {
    /// Columns from `left` to `right`, both included.
    pub fn width(&self) -> usize {
        self.right - self.left + 1
    }

    /// Rows from `top` to `bottom`, both included.
    pub fn height(&self) -> usize {
        self.bottom - self.top + 1
    }
}

/// The bounding box of an image's pixels above 0; `None` for a blank image.
pub fn ink_box(image: &[u8; PIXELS]) -> Option<InkBox> {
    let mut found: Option<InkBox> = None;
    for (i, _) in image.iter().enumerate().filter(|&(_, &v)| v > 0) {
        let (x, y) = (i % SIDE, i / SIDE);
        found = Some(match found {
            None => InkBox { left: x, top: y, right: x, bottom: y },
            Some(b) => {
                InkBox { left: b.left.min(x), top: b.top.min(y), right: b.right.max(x), bottom: b.bottom.max(y) }
            }
        });
    }
    found
}

/// Checks the shape of the input; `Err(Empty)` when there is nothing to draw.
fn validate(points: &[f32], ends: &[u32]) -> Result<(), DrawError> {
    if !points.len().is_multiple_of(2) {
        return Err(DrawError::OddCoordinates { len: points.len() });
    }
    let count = points.len() / 2;
    if count > MAX_POINTS {
        return Err(DrawError::TooManyPoints { points: count, max: MAX_POINTS });
    }
    let mut previous = 0u32;
    // every end is checked against the count, so this loop stops by stroke `count` at the latest
    for (stroke, &end) in ends.iter().enumerate() {
        if end as usize > count {
            return Err(DrawError::EndPastPoints { stroke, end, points: count });
        }
        if end <= previous {
            return Err(DrawError::EndsNotIncreasing { stroke, end, previous });
        }
        previous = end;
    }
    if count == 0 {
        // no points, and (by the loop) no strokes: ends of no points would have failed above
        return Err(DrawError::Empty);
    }
    if previous as usize != count {
        return Err(DrawError::LastEndShort { last: ends.last().copied(), points: count });
    }
    if let Some(index) = points.iter().position(|v| !v.is_finite()) {
        return Err(DrawError::NotFinite { index });
    }
    Ok(())
}

/// Where the drawing goes: image = (point − centre) × scale + offset.
#[derive(Clone, Copy, Debug)]
struct Place {
    /// The centre of the skeleton's bounding box, in the input's units.
    cx: f64,
    /// The centre of the skeleton's bounding box, in the input's units.
    cy: f64,
    /// Output pixels per input unit.
    scale: f64,
    /// Where the centre lands in the image, in pixels.
    ox: f64,
    /// Where the centre lands in the image, in pixels.
    oy: f64,
}

impl Place {
    /// The skeleton's bounding box fitted into `BOX − 2 RADIUS`, keeping its
    /// aspect, centred in the image. The points are finite and at least one.
    fn fit(points: &[f32]) -> Place {
        let (mut x0, mut x1, mut y0, mut y1) = (f64::INFINITY, f64::NEG_INFINITY, f64::INFINITY, f64::NEG_INFINITY);
        for p in points.chunks_exact(2) {
            let (x, y) = (f64::from(p[0]), f64::from(p[1]));
            x0 = x0.min(x);
            x1 = x1.max(x);
            y0 = y0.min(y);
            y1 = y1.max(y);
        }
        // in f64 the difference of two finite f32s is finite, and exact
        let longer = (x1 - x0).max(y1 - y0);
        let fit = f64::from(BOX) - 2.0 * f64::from(RADIUS);
        // a dot (or all points at one place) gets no scale: a dot of radius RADIUS at the centre
        let scale = if longer > 0.0 { fit / longer } else { 0.0 };
        let middle = SIDE as f64 / 2.0;
        Place { cx: 0.5 * (x0 + x1), cy: 0.5 * (y0 + y1), scale, ox: middle, oy: middle }
    }

    /// A point of the drawing in image pixels.
    fn map(&self, p: &[f32]) -> (f64, f64) {
        ((f64::from(p[0]) - self.cx) * self.scale + self.ox, (f64::from(p[1]) - self.cy) * self.scale + self.oy)
    }
}

/// Draws every stroke into `ink` (0 to 1 per pixel, the darkest of the
/// segments' coverage): a stroke of one point is a dot, longer ones are
/// segments between consecutive points.
fn render(points: &[f32], ends: &[u32], place: &Place, ink: &mut [f32; PIXELS]) {
    let mut start = 0usize;
    for &end in ends {
        let end = end as usize;
        let stroke = &points[2 * start..2 * end];
        let mut a = place.map(&stroke[..2]);
        if stroke.len() == 2 {
            segment(a, a, ink);
        }
        for p in stroke.chunks_exact(2).skip(1) {
            let b = place.map(p);
            segment(a, b, ink);
            a = b;
        }
        start = end;
    }
}

/// Inks the pixels within `RADIUS + 0.5` of the segment from `a` to `b` (image
/// pixels), keeping each pixel's darkest value.
fn segment(a: (f64, f64), b: (f64, f64), ink: &mut [f32; PIXELS]) {
    let r = f64::from(RADIUS);
    let reach = r + 1.0;
    let side = SIDE as f64;
    // the pixels whose centre may be within reach: clamped first, so the casts cannot wrap
    let columns = |lo: f64, hi: f64| {
        let first = libm::floor(lo - reach).clamp(0.0, side) as usize;
        let last = libm::ceil(hi + reach).clamp(0.0, side) as usize;
        first..last
    };
    let xs = columns(a.0.min(b.0), a.0.max(b.0));
    let ys = columns(a.1.min(b.1), a.1.max(b.1));
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length2 = dx * dx + dy * dy;
    let edge2 = (r + 0.5) * (r + 0.5);
    for y in ys {
        let py = y as f64 + 0.5;
        for x in xs.clone() {
            let px = x as f64 + 0.5;
            // the nearest point of the segment: its parameter t along it, clamped to the ends
            let t = if length2 > 0.0 { (((px - a.0) * dx + (py - a.1) * dy) / length2).clamp(0.0, 1.0) } else { 0.0 };
            let (ex, ey) = (a.0 + t * dx - px, a.1 + t * dy - py);
            let d2 = ex * ex + ey * ey;
            if d2 >= edge2 {
                continue;
            }
            let cover = (r + 0.5 - libm::sqrt(d2)).clamp(0.0, 1.0) as f32;
            let pixel = &mut ink[y * SIDE + x];
            *pixel = pixel.max(cover);
        }
    }
}

/// Ink (0 to 1) to grey levels: round(255 × ink).
fn quantise(ink: &[f32; PIXELS]) -> [u8; PIXELS] {
    let mut image = [0u8; PIXELS];
    for (g, &v) in image.iter_mut().zip(ink) {
        // v is in [0, 1], so this is in [0, 255.5) and the cast rounds half up
        *g = (v * 255.0 + 0.5) as u8;
    }
    image
}
