//! Looking inside a trained net: what the page's views of section 4.5 show,
//! computed here so that the page only draws.
//!
//! - [`drawing`]: a digit drawn with a mouse, pen or finger, prepared as
//!   MNIST's digits were (bounding box into 20 × 20 keeping the aspect, centre
//!   of mass at the centre of 28 × 28, grey levels 0–255).
//! - [`report`]: an evaluation of the test set image by image: the
//!   predictions, the confusion matrix, per-class accuracy, the mistakes
//!   ranked by confidence.
//! - [`weights`]: W1 as one 28 × 28 tile per hidden unit and W2 as a heat
//!   map, with the scales to draw them by.

pub mod drawing;
pub mod report;
pub mod weights;
