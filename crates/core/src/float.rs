//! The element type of every matrix: `f32` or `f64`, behind one small trait.
//!
//! The chapter's demos run in `f64` (as numpy does in the book); MNIST training
//! may run in `f32`. Every algorithm in this crate is written once, generic over
//! [`Float`].

use core::fmt::{Debug, Display};
use core::iter::Sum;
use core::ops::{Add, AddAssign, Div, DivAssign, Mul, MulAssign, Neg, Sub, SubAssign};

/// A floating-point element type: implemented for `f32` and `f64`.
pub trait Float:
    Copy
    + Default
    + PartialEq
    + PartialOrd
    + Debug
    + Display
    + Send
    + Sync
    + 'static
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + DivAssign
    + Sum
{
    /// 0.
    const ZERO: Self;
    /// 1.
    const ONE: Self;
    /// `"f32"` or `"f64"`.
    const NAME: &'static str;
    /// Nearest value of this type.
    fn from_f64(v: f64) -> Self;
    /// Exact widening (or identity).
    fn to_f64(self) -> f64;
    /// eˣ.
    fn exp(self) -> Self;
    /// Natural logarithm.
    fn ln(self) -> Self;
    /// eˣ for the training loop's sigmoid: for `f64` exactly [`Float::exp`]; for
    /// `f32` a branch-free polynomial ([`exp_f32`]) that the compiler vectorises,
    /// within 2 ulp of `expf`.
    fn exp_fast(self) -> Self;
    /// |x|.
    fn abs(self) -> Self;
    /// Neither infinite nor NaN.
    fn is_finite(self) -> bool;
    /// Not a number.
    fn is_nan(self) -> bool;
    /// self · a + b: one fused multiply-add (one rounding) where the target has
    /// FMA compiled in, else a multiply and an add. Used by the kernels only.
    fn mul_add(self, a: Self, b: Self) -> Self;
}

macro_rules! impl_float {
    ($t:ty, $name:literal, $exp:path, $ln:path, $fast:path) => {
        impl Float for $t {
            const ZERO: Self = 0.0;
            const ONE: Self = 1.0;
            const NAME: &'static str = $name;
            #[inline(always)]
            fn from_f64(v: f64) -> Self {
                v as $t
            }
            #[inline(always)]
            fn to_f64(self) -> f64 {
                self as f64
            }
            #[inline(always)]
            fn exp(self) -> Self {
                #[cfg(feature = "std")]
                {
                    <$t>::exp(self)
                }
                #[cfg(not(feature = "std"))]
                {
                    $exp(self)
                }
            }
            #[inline(always)]
            fn exp_fast(self) -> Self {
                $fast(self)
            }
            #[inline(always)]
            fn ln(self) -> Self {
                #[cfg(feature = "std")]
                {
                    <$t>::ln(self)
                }
                #[cfg(not(feature = "std"))]
                {
                    $ln(self)
                }
            }
            #[inline(always)]
            fn abs(self) -> Self {
                if self < 0.0 { -self } else { self }
            }
            #[inline(always)]
            fn is_finite(self) -> bool {
                <$t>::is_finite(self)
            }
            #[inline(always)]
            fn is_nan(self) -> bool {
                <$t>::is_nan(self)
            }
            #[inline(always)]
            fn mul_add(self, a: Self, b: Self) -> Self {
                // Without hardware FMA, std's mul_add is a slow software routine: use two ops.
                #[cfg(all(feature = "std", target_feature = "fma"))]
                {
                    <$t>::mul_add(self, a, b)
                }
                #[cfg(not(all(feature = "std", target_feature = "fma")))]
                {
                    self * a + b
                }
            }
        }
    };
}

impl_float!(f32, "f32", libm::expf, libm::logf, exp_f32);
impl_float!(f64, "f64", libm::exp, libm::log, f64_exp);

#[inline(always)]
fn f64_exp(x: f64) -> f64 {
    Float::exp(x)
}

/// `v` as U when T is U (asserted): how code generic over T reaches a kernel
/// written for f32 or f64 once it has checked which T it has.
/// (Used by the relaxed-SIMD wasm kernels and the AVX-512 ones only.)
#[cfg(any(all(target_arch = "wasm32", target_feature = "relaxed-simd"), all(feature = "std", target_arch = "x86_64")))]
#[inline(always)]
pub(crate) fn same_type_value<T: Copy + 'static, U: Copy + 'static>(v: T) -> U {
    assert!(core::any::TypeId::of::<T>() == core::any::TypeId::of::<U>(), "same_type_value: different types");
    // SAFETY: T and U are the same type.
    unsafe { core::mem::transmute_copy(&v) }
}

/// eˣ in f32 without branches or calls, so that a loop of it vectorises (SIMD
/// on x86 and in wasm): x = n·ln 2 + r with |r| ≤ ln 2 / 2, eʳ by a degree-6
/// polynomial (Taylor coefficients, error below 2e-7 relative on that
/// interval), and 2ⁿ built in the exponent bits. Inputs are clamped to
/// [−87.3, 88.3], where eˣ stays a normal f32; NaN stays NaN (by a test of
/// its own: in the relaxed-SIMD wasm build the clamp may become a relaxed
/// min/max, which turns NaN into a bound).
#[inline(always)]
pub fn exp_f32(x: f32) -> f32 {
    let e = exp_f32_clamped(x);
    if x.is_nan() { x } else { e }
}

#[inline(always)]
fn exp_f32_clamped(x: f32) -> f32 {
    const LOG2E: f32 = core::f32::consts::LOG2_E;
    // ln 2 split in two so that n·LN2_HI is exact for |n| < 2⁹.
    const LN2_HI: f32 = 0.693_145_75;
    const LN2_LO: f32 = 1.428_606_8e-6;
    // Adding and subtracting 1.5·2²³ rounds to the nearest integer.
    const ROUND: f32 = 12_582_912.0;
    let x = x.clamp(-87.3, 88.3);
    let shifted = x * LOG2E + ROUND;
    let n = shifted - ROUND;
    let r = (x - n * LN2_HI) - n * LN2_LO;
    let p = 1.0 + r * (1.0 + r * (0.5 + r * (1.0 / 6.0 + r * (1.0 / 24.0 + r * (1.0 / 120.0 + r * (1.0 / 720.0))))));
    // 2ⁿ: n + 127 in the exponent field (n ∈ [−126, 127] after the clamp). The
    // integer n is read from the bits of `shifted` (1.5·2²³ + n, whose last
    // mantissa bits count in ones) rather than by `n as i32`: Rust's
    // saturating float → int cast has no x86 vector instruction, and made
    // the loop convert lane by lane (a NaN x gives a NaN p, whatever 2ⁿ is).
    let n_int = shifted.to_bits().wrapping_sub(ROUND.to_bits());
    let two_n = f32::from_bits(n_int.wrapping_add(127) << 23);
    p * two_n
}

/// numpy's pairwise summation (`np.sum` over a contiguous 1-D array).
///
/// The book's printed values come from `np.sum`, which does not add left to
/// right: below 8 elements it does, up to 128 it keeps eight running sums and
/// combines them as `((r0+r1)+(r2+r3))+((r4+r5)+(r6+r7))`, and above that it
/// splits the array in halves (at a multiple of 8). Reproducing the order
/// reproduces the book's last digits (e.g. SSE = 0.09750000000000003).
pub fn pairwise_sum<T: Float>(x: &[T]) -> T {
    let n = x.len();
    if n < 8 {
        let mut s = T::ZERO;
        for &v in x {
            s += v;
        }
        // numpy starts from -0.0 and adds; for the values we see that is the same as 0.0
        s
    } else if n <= 128 {
        let mut r = [x[0], x[1], x[2], x[3], x[4], x[5], x[6], x[7]];
        let mut i = 8;
        while i + 8 <= n {
            for (j, rj) in r.iter_mut().enumerate() {
                *rj += x[i + j];
            }
            i += 8;
        }
        let mut s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        while i < n {
            s += x[i];
            i += 1;
        }
        s
    } else {
        let mut n2 = n / 2;
        n2 -= n2 % 8;
        pairwise_sum(&x[..n2]) + pairwise_sum(&x[n2..])
    }
}
