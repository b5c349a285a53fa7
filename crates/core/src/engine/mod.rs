//! The fast path of the training loop, apart from the book's code.
//!
//! | file | what |
//! |------|------|
//! | `sparse.rs` | images as lists of their nonzero pixels (`PixelLists`), a batch read in place (`Picked`), sparse rows and their products |
//! | `panel.rs` | W1 with rows padded to 64-byte lines, and the two products the loop runs on it (AVX-512 or portable kernels) |
//! | `pair.rs` | two jobs at once: one thread (`OneThread`) or a helper thread (`Helper`, `Scoped`), the same bits either way |
//! | `step.rs` | TwoLayerNet's training step on these: forward on a panel, backward and update in one pass, each split in two jobs |
//! | `bench.rs` | where an iteration's time goes, step by step, with the caller's clock |
//!
//! The products themselves are in [`kernels`](crate::kernels), one file per
//! instruction set. Every function here adds the same terms in the same
//! order as the book-shaped code in [`book`](crate::book) does (tested).

pub mod bench;
pub mod pair;
pub mod panel;
pub mod sparse;
mod step;
