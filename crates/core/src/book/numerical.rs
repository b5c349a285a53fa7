//! Numerical differentiation, numerical gradients and gradient descent.
//!
//! These are the chapter's tools for *seeing* a derivative. They run in `f64`
//! in every demo: in `f32` the central difference of 0.01x² + 0.1x at x = 5 is
//! 0.2002716 instead of 0.1999999999990898.

use alloc::vec::Vec;

use crate::budget::{MEMORY_BUDGET, Work, product, sum};
use crate::error::Error;
use crate::float::Float;

/// The step of every numerical derivative here: 1e-4 (the book's choice; far
/// smaller steps drown in rounding error, e.g. 1e-50 rounds to no change at all).
pub const H: f64 = 1e-4;

/// Central difference (f(x + h) − f(x − h)) / 2h with h = 1e-4.
pub fn numerical_diff<T: Float>(f: impl Fn(T) -> T, x: T) -> T {
    numerical_diff_with(f, x, T::from_f64(H))
}

/// Central difference with a chosen step h.
pub fn numerical_diff_with<T: Float>(f: impl Fn(T) -> T, x: T, h: T) -> T {
    (f(x + h) - f(x - h)) / (T::from_f64(2.0) * h)
}

/// Forward difference (f(x + h) − f(x)) / h: the definition taken literally,
/// with an error of order h rather than h².
pub fn forward_diff<T: Float>(f: impl Fn(T) -> T, x: T, h: T) -> T {
    (f(x + h) - f(x)) / h
}

/// ∇f at `x`, one element at a time, for a tensor of any shape stored flat.
///
/// For each element: set x + h, evaluate, set x − h, evaluate, store
/// (f₁ − f₂) / 2h, then **restore** the element, so `f` always sees the live
/// tensor with exactly one element moved and `x` is unchanged on return.
pub fn numerical_gradient<T: Float>(mut f: impl FnMut(&[T]) -> T, x: &mut [T]) -> Vec<T> {
    let len = x.len();
    numerical_gradient_in(x, len, |x, i| &mut x[i], |x| f(x))
}

/// [`numerical_gradient`] over elements that live inside a larger `state`
/// (a network's weights, say): `elem(state, i)` gives element i, and `f(state)`
/// evaluates the loss reading the live state. Every element is restored.
pub fn numerical_gradient_in<S: ?Sized, T: Float>(
    state: &mut S,
    len: usize,
    elem: impl Fn(&mut S, usize) -> &mut T,
    mut f: impl FnMut(&S) -> T,
) -> Vec<T> {
    let h = T::from_f64(H);
    let two_h = T::from_f64(2.0) * h;
    let mut grad = Vec::with_capacity(len);
    for i in 0..len {
        let tmp = *elem(state, i);
        *elem(state, i) = tmp + h;
        let fxh1 = f(state);
        *elem(state, i) = tmp - h;
        let fxh2 = f(state);
        grad.push((fxh1 - fxh2) / two_h);
        *elem(state, i) = tmp; // restore
    }
    grad
}

/// The result of [`gradient_descent`]: the final point and the path.
#[derive(Clone, Debug, PartialEq)]
pub struct Descent<T> {
    /// The point after the last update.
    pub x: Vec<T>,
    /// x before each update (`step_num` points; the first is `init_x`).
    pub history: Vec<Vec<T>>,
}

/// Bytes the path of [`gradient_descent`] takes: `steps` points of `coords`
/// coordinates of `float_bytes` bytes each, plus 48 bytes a point (its `Vec`
/// and the allocator's share).
pub fn path_bytes(coords: usize, steps: usize, float_bytes: usize) -> usize {
    product(&[steps, sum(&[product(&[coords, float_bytes]), 48])])
}

/// Refuses a path of `steps` points of `coords` coordinates of `float_bytes`
/// bytes that would exceed the memory budget ([`path_bytes`] > [`MEMORY_BUDGET`]),
/// as [`gradient_descent`] does before allocating it: for a caller that checks
/// the memory before its own, further checks.
pub fn check_path(coords: usize, steps: usize, float_bytes: usize) -> Result<(), Error> {
    let needed = path_bytes(coords, steps, float_bytes);
    if needed > MEMORY_BUDGET {
        return Err(Error::OverBudget { needed, work: Work::Path { steps, coords } });
    }
    Ok(())
}

/// x ← x − η ∇f(x), `step_num` times, with ∇f taken numerically. The path is
/// kept ([`Descent::history`]), so a path larger than the memory budget
/// ([`path_bytes`] > [`MEMORY_BUDGET`]) is refused with
/// [`Error::OverBudget`] before anything is allocated ([`check_path`]).
///
/// The time is the caller's to bound: each step evaluates f twice per
/// coordinate, so with an f that reads every coordinate (as [`function_2`]
/// does) a run costs about 2 × steps × coordinates² operations.
pub fn gradient_descent<T: Float>(
    mut f: impl FnMut(&[T]) -> T,
    init_x: &[T],
    lr: T,
    step_num: usize,
) -> Result<Descent<T>, Error> {
    check_path(init_x.len(), step_num, core::mem::size_of::<T>())?;
    let mut x = init_x.to_vec();
    let mut history = Vec::with_capacity(step_num);
    for _ in 0..step_num {
        history.push(x.clone());
        let grad = numerical_gradient(&mut f, &mut x);
        for (xi, gi) in x.iter_mut().zip(grad) {
            *xi -= lr * gi;
        }
    }
    Ok(Descent { x, history })
}

/// The chapter's f(x) = 0.01x² + 0.1x (`function_1`).
pub fn function_1<T: Float>(x: T) -> T {
    T::from_f64(0.01) * (x * x) + T::from_f64(0.1) * x
}

/// The chapter's f(x₀, x₁) = x₀² + x₁² (`function_2`), for any number of coordinates.
pub fn function_2<T: Float>(x: &[T]) -> T {
    x.iter().map(|&v| v * v).sum()
}
