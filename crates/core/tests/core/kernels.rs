//! Fast kernels against the naive references, on odd sizes, overwriting NaN.

use descent_core::Rng;
use descent_core::kernels::{self, naive};

type Kernel = fn(usize, usize, usize, &[f64], &[f64], &mut [f64], bool);

const SIZES: [usize; 4] = [1, 3, 17, 257];

/// Random operands where about 60% of A's elements are exactly zero (like MNIST
/// pixels), so the zero-skipping path is exercised too.
fn random(rng: &mut Rng, len: usize, sparse: bool) -> Vec<f64> {
    (0..len).map(|_| if sparse && rng.index(10) < 6 { 0.0 } else { rng.standard_normal() }).collect()
}

fn check(fast: Kernel, slow: Kernel, a_len: fn(usize, usize, usize) -> usize, b_len: fn(usize, usize, usize) -> usize) {
    let mut rng = Rng::new(1);
    for &m in &SIZES {
        for &k in &SIZES {
            for &n in &SIZES {
                if m * k * n > 257 * 257 * 17 {
                    continue;
                }
                let a = random(&mut rng, a_len(m, k, n), true);
                let b = random(&mut rng, b_len(m, k, n), false);
                let mut want = vec![0.0; m * n];
                slow(m, k, n, &a, &b, &mut want, false);
                let mut got = vec![f64::NAN; m * n];
                fast(m, k, n, &a, &b, &mut got, false);
                compare(&got, &want, m, k, n, "overwrite");
                // accumulate: C ← C + A·B from a C of ones
                let mut want_acc = vec![1.0; m * n];
                slow(m, k, n, &a, &b, &mut want_acc, true);
                let mut got_acc = vec![1.0; m * n];
                fast(m, k, n, &a, &b, &mut got_acc, true);
                compare(&got_acc, &want_acc, m, k, n, "accumulate");
            }
        }
    }
}

fn compare(got: &[f64], want: &[f64], m: usize, k: usize, n: usize, what: &str) {
    for (i, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            (g - w).abs() <= 1e-12 * (1.0 + w.abs()) * k as f64,
            "{what} m={m} k={k} n={n}: C[{i}] = {g}, naive {w}"
        );
    }
}

#[test]
fn gemm_nn_matches_naive() {
    check(kernels::gemm_nn, naive::gemm_nn, |m, k, _| m * k, |_, k, n| k * n);
}

#[test]
fn gemm_tn_matches_naive() {
    check(kernels::gemm_tn, naive::gemm_tn, |m, k, _| k * m, |_, k, n| k * n);
}

#[test]
fn gemm_nt_matches_naive() {
    check(kernels::gemm_nt, naive::gemm_nt, |m, k, _| m * k, |_, k, n| n * k);
}

#[test]
fn f32_kernels_match_naive() {
    let mut rng = Rng::new(3);
    let (m, k, n) = (17, 257, 3);
    let a: Vec<f32> = (0..m * k).map(|_| if rng.index(2) == 0 { 0.0 } else { rng.standard_normal() as f32 }).collect();
    let b: Vec<f32> = (0..k * n).map(|_| rng.standard_normal() as f32).collect();
    let mut want = vec![0.0f32; m * n];
    naive::gemm_nn(m, k, n, &a, &b, &mut want, false);
    let mut got = vec![f32::NAN; m * n];
    kernels::gemm_nn(m, k, n, &a, &b, &mut got, false);
    for (g, w) in got.iter().zip(&want) {
        assert!((g - w).abs() <= 1e-4 * (1.0 + w.abs()), "{g} vs {w}");
    }
}

#[test]
fn matrix_products_match_explicit_transposes() {
    use descent_core::Matrix;
    let mut rng = Rng::new(5);
    let a = Matrix::from_vec(3, 17, random(&mut rng, 51, true));
    let b = Matrix::from_vec(3, 5, random(&mut rng, 15, false));
    let c = Matrix::from_vec(5, 17, random(&mut rng, 85, false));
    let at_b = a.t_dot(&b);
    let want = a.transpose().dot(&b);
    assert_eq!(at_b.shape(), (17, 5));
    compare(at_b.as_slice(), want.as_slice(), 17, 3, 5, "t_dot");
    let a_ct = a.dot_t(&c);
    let want = a.dot(&c.transpose());
    assert_eq!(a_ct.shape(), (3, 5));
    compare(a_ct.as_slice(), want.as_slice(), 3, 17, 5, "dot_t");
}

mod sparse {
    use descent_core::kernels::naive;
    use descent_core::sparse::{spmm, spmm_tn_add};
    use descent_core::train::pixel_scale;
    use descent_core::{Rng, SparseRows};

    /// Rows of u8 pixels, about 80% zero, of odd lengths.
    fn pixels(rng: &mut Rng, rows: usize, cols: usize) -> Vec<u8> {
        (0..rows * cols).map(|_| if rng.index(5) == 0 { 1 + rng.index(255) as u8 } else { 0 }).collect()
    }

    #[test]
    fn push_pixels_keeps_exactly_the_nonzeros() {
        let mut rng = Rng::new(21);
        let scale = pixel_scale::<f64>();
        for cols in [1, 7, 8, 9, 17, 784, 785] {
            let px = pixels(&mut rng, 5, cols);
            let mut s = SparseRows::default();
            let mut d = SparseRows::default();
            for row in px.chunks(cols) {
                s.push_pixels(row, &scale);
                let dense: Vec<f64> = row.iter().map(|&p| scale[p as usize]).collect();
                d.push_dense(&dense);
            }
            assert_eq!(s.rows(), 5);
            for r in 0..5 {
                assert_eq!(s.row(r), d.row(r), "cols {cols}, row {r}");
            }
            assert_eq!(s.nnz(), px.iter().filter(|&&p| p != 0).count());
        }
        // Every byte value, including 0x80 and 0xff, is seen as nonzero.
        let all: Vec<u8> = (0..=255).collect();
        let mut s = SparseRows::default();
        s.push_pixels(&all, &scale);
        assert_eq!(s.row(0).0, (1..=255).collect::<Vec<u32>>());
    }

    #[test]
    fn spmm_and_transpose_match_naive_products() {
        let mut rng = Rng::new(22);
        let scale = pixel_scale::<f64>();
        for &(m, k, n) in &[(1, 1, 1), (3, 17, 5), (17, 257, 3), (100, 784, 50), (4, 9, 10)] {
            let px = pixels(&mut rng, m, k);
            let a: Vec<f64> = px.iter().map(|&p| scale[p as usize]).collect();
            let b: Vec<f64> = (0..k * n).map(|_| rng.standard_normal()).collect();
            let mut rows = SparseRows::default();
            for row in px.chunks(k) {
                rows.push_pixels(row, &scale);
            }
            // A·B
            let mut want = vec![0.0; m * n];
            naive::gemm_nn(m, k, n, &a, &b, &mut want, false);
            let mut got = vec![f64::NAN; m * n];
            spmm(&rows, &b, n, &mut got);
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                assert!((g - w).abs() <= 1e-12 * (1.0 + w.abs()) * k as f64, "A·B m={m} k={k} n={n} [{i}]: {g} vs {w}");
            }
            // Aᵀ·C through the transposed rows, C (m, n)
            let c: Vec<f64> = (0..m * n).map(|_| rng.standard_normal()).collect();
            let mut want = vec![0.0; k * n];
            naive::gemm_tn(k, m, n, &a, &c, &mut want, false);
            let mut t = SparseRows::default();
            rows.transpose_into(k, &mut t);
            assert_eq!(t.rows(), k);
            let mut got = vec![f64::NAN; k * n];
            spmm(&t, &c, n, &mut got);
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                assert!(
                    (g - w).abs() <= 1e-12 * (1.0 + w.abs()) * m as f64,
                    "Aᵀ·C m={m} k={k} n={n} [{i}]: {g} vs {w}"
                );
            }
            // B + Aᵀ·C scattered straight into B (the fused update's kernel)
            let b0: Vec<f64> = (0..k * n).map(|_| rng.standard_normal()).collect();
            let mut want = b0.clone();
            naive::gemm_tn(k, m, n, &a, &c, &mut want, true);
            let mut got = b0.clone();
            spmm_tn_add(&rows, &c, n, &mut got);
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                assert!(
                    (g - w).abs() <= 1e-12 * (1.0 + w.abs()) * m as f64,
                    "B + Aᵀ·C m={m} k={k} n={n} [{i}]: {g} vs {w}"
                );
            }
        }
    }

    #[test]
    fn spmm_tn_add_matches_naive_in_f32_at_every_width() {
        // Every register-block shape: widths 1..=70 cover W = 0, 8, 16, 32, 48 with each rest R < 8.
        let mut rng = Rng::new(23);
        let scale = pixel_scale::<f32>();
        let (m, k) = (7, 29);
        for n in 1..=70 {
            let px = pixels(&mut rng, m, k);
            let a: Vec<f32> = px.iter().map(|&p| scale[p as usize]).collect();
            let c: Vec<f32> = (0..m * n).map(|_| rng.standard_normal() as f32).collect();
            let b0: Vec<f32> = (0..k * n).map(|_| rng.standard_normal() as f32).collect();
            let mut rows = SparseRows::default();
            for row in px.chunks(k) {
                rows.push_pixels(row, &scale);
            }
            let mut want = b0.clone();
            naive::gemm_tn(k, m, n, &a, &c, &mut want, true);
            let mut got = b0;
            spmm_tn_add(&rows, &c, n, &mut got);
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                assert!((g - w).abs() <= 1e-5 * (1.0 + w.abs()), "n={n} [{i}]: {g} vs {w}");
            }
            // and the forward product at the same width
            let mut want = vec![0.0f32; m * n];
            let b: Vec<f32> = (0..k * n).map(|_| rng.standard_normal() as f32).collect();
            naive::gemm_nn(m, k, n, &a, &b, &mut want, false);
            let mut got = vec![f32::NAN; m * n];
            spmm(&rows, &b, n, &mut got);
            for (i, (g, w)) in got.iter().zip(&want).enumerate() {
                assert!((g - w).abs() <= 1e-5 * (1.0 + w.abs()), "spmm n={n} [{i}]: {g} vs {w}");
            }
        }
    }
}

#[test]
fn pixel_lists_hold_each_images_nonzeros() {
    use descent_core::train::pixel_scale;
    use descent_core::{PixelLists, SparseRows};
    let mut rng = Rng::new(23);
    let (count, px) = (9, 785);
    let pixels: Vec<u8> = (0..count * px).map(|_| if rng.index(4) == 0 { rng.index(256) as u8 } else { 0 }).collect();
    let lists = PixelLists::new(&pixels, px);
    assert_eq!(lists.nnz(), pixels.iter().filter(|&&p| p != 0).count());
    let scale = pixel_scale::<f32>();
    let (mut a, mut b) = (SparseRows::default(), SparseRows::default());
    for i in 0..count {
        a.push_pixels(&pixels[i * px..(i + 1) * px], &scale);
        b.push_list(lists.image(i), &scale);
    }
    for i in 0..count {
        assert_eq!(a.row(i), b.row(i), "image {i}");
    }
}

/// The first layer's products on a [`Panel`] (rows padded to 64-byte lines,
/// bands of rows, AVX-512 where the CPU has it) against the plain sparse ones
/// and the naive references.
mod panel {
    use descent_core::kernels::naive;
    use descent_core::pair::Scoped;
    use descent_core::panel::{self, Panel};
    use descent_core::sparse::{NonzeroRows, Picked, PixelLists, spmm, spmm_tn_add};
    use descent_core::train::pixel_scale;
    use descent_core::{Float, Matrix, Rng, SparseRows};

    fn bits<T: Float>(v: &[T]) -> Vec<u64> {
        v.iter().map(|x| x.to_f64().to_bits()).collect()
    }

    /// For every width 1..=70 (one to five AVX-512 registers, the 52-column
    /// simd128 pass and the wide fallback), batches of 1, 7 and 300 rows (past
    /// the 256-row chunks of the banding) and W of 29 or 784 rows (one band or
    /// several): both products, through the dispatcher (AVX-512 here when the
    /// CPU has it) and the portable kernels, equal the plain sparse products
    /// bit for bit, and the naive ones up to rounding; W's padding stays 0.
    /// Each product runs on the rows copied out ([`SparseRows`]) and on the
    /// images read in place ([`Picked`]: a draw with repeats, out of order),
    /// with a table of random values in place of p / 255.
    fn products_match<T: Float>(tol: f64) {
        let mut rng = Rng::new(31);
        let mut scale = pixel_scale::<T>();
        for v in scale[1..].iter_mut() {
            *v = T::from_f64(rng.standard_normal());
        }
        for (m, k) in [(1, 29), (7, 29), (300, 29), (7, 784), (300, 784)] {
            for n in (1..=70).filter(|&n| k == 29 || n % 7 == 1 || n == 50 || n == 52) {
                let images: Vec<u8> =
                    (0..m * k).map(|_| if rng.index(5) == 0 { 1 + rng.index(255) as u8 } else { 0 }).collect();
                let lists = PixelLists::new(&images, k);
                // Row r of the batch is image picks[r]: drawn with replacement, as batches are.
                let picks: Vec<usize> = (0..m).map(|_| rng.index(m)).collect();
                let px: Vec<u8> = picks.iter().flat_map(|&i| images[i * k..(i + 1) * k].iter().copied()).collect();
                let a: Vec<T> = px.iter().map(|&p| scale[p as usize]).collect();
                let mut x = SparseRows::default();
                for row in px.chunks(k) {
                    x.push_pixels(row, &scale);
                }
                let picked = Picked::new(&lists, &picks, &scale);
                assert_eq!((NonzeroRows::<T>::rows(&picked), picked.nnz()), (m, x.nnz()));
                let w = Matrix::from_vec(k, n, (0..k * n).map(|_| T::from_f64(rng.standard_normal())).collect());
                let g: Vec<T> = (0..m * n).map(|_| T::from_f64(rng.standard_normal())).collect();
                let p = Panel::from_matrix(&w);
                assert_eq!(p.as_rows().as_ptr() as usize % 64, 0, "rows start on a line");
                assert_eq!(p.stride() * core::mem::size_of::<T>() % 64, 0, "rows are whole lines");

                // a1 = x·W
                let mut plain = vec![T::ZERO; m * n];
                spmm(&x, w.as_slice(), n, &mut plain);
                let mut naive_c = vec![T::ZERO; m * n];
                naive::gemm_nn(m, k, n, &a, w.as_slice(), &mut naive_c, false);
                for (portable, in_place) in [(false, false), (true, false), (false, true), (true, true)] {
                    let mut got = vec![T::from_f64(f64::NAN); m * n];
                    match (portable, in_place) {
                        (false, false) => panel::spmm(&x, &p, &mut got),
                        (true, false) => panel::spmm_portable(&x, &p, &mut got),
                        (false, true) => panel::spmm(&picked, &p, &mut got),
                        (true, true) => panel::spmm_portable(&picked, &p, &mut got),
                    }
                    assert_eq!(
                        bits(&got),
                        bits(&plain),
                        "{} spmm m={m} k={k} n={n} portable={portable} in_place={in_place}",
                        T::NAME
                    );
                    for (g, want) in got.iter().zip(&naive_c) {
                        assert!(
                            (g.to_f64() - want.to_f64()).abs() <= tol * (1.0 + want.to_f64().abs()),
                            "spmm vs naive n={n}"
                        );
                    }
                }

                // W ← W + xᵀ·g
                let mut plain_w = w.clone();
                spmm_tn_add(&x, &g, n, plain_w.as_mut_slice());
                let mut naive_w = w.clone();
                naive::gemm_tn(k, m, n, &a, &g, naive_w.as_mut_slice(), true);
                // The last four: W's rows in two halves, each updated by its own
                // thread (a W of 29 rows splits at 14, inside the one band).
                let two = [(false, false), (true, false), (false, true), (true, true)];
                for (k2, (portable, in_place)) in two.into_iter().chain(two).enumerate() {
                    let pair = k2 >= 4;
                    let mut q = p.clone();
                    assert_eq!(q.as_rows().as_ptr() as usize % 64, 0, "a clone's rows start on a line");
                    match (portable, in_place) {
                        (false, false) => panel::spmm_tn_add(&x, &g, &mut q),
                        (true, false) => panel::spmm_tn_add_portable(&x, &g, &mut q),
                        (false, true) => panel::spmm_tn_add(&picked, &g, &mut q),
                        (true, true) => panel::spmm_tn_add_portable(&picked, &g, &mut q),
                    }
                    if pair {
                        // Undo the one-thread update above and redo it on two threads.
                        q = p.clone();
                        match (portable, in_place) {
                            (false, false) => panel::spmm_tn_add_pair(&x, &g, &mut q, &Scoped),
                            (true, false) => panel::spmm_tn_add_pair_portable(&x, &g, &mut q, &Scoped),
                            (false, true) => panel::spmm_tn_add_pair(&picked, &g, &mut q, &Scoped),
                            (true, true) => panel::spmm_tn_add_pair_portable(&picked, &g, &mut q, &Scoped),
                        }
                    }
                    let mut got = Matrix::zeros(k, n);
                    q.store(&mut got);
                    assert_eq!(
                        bits(got.as_slice()),
                        bits(plain_w.as_slice()),
                        "{} spmm_tn_add m={m} k={k} n={n} portable={portable} in_place={in_place} pair={pair}",
                        T::NAME
                    );
                    for (g, want) in got.as_slice().iter().zip(naive_w.as_slice()) {
                        assert!(
                            (g.to_f64() - want.to_f64()).abs() <= tol * m as f64 * (1.0 + want.to_f64().abs()),
                            "spmm_tn_add vs naive n={n}"
                        );
                    }
                    for row in q.as_rows().chunks(q.stride()) {
                        assert!(row[n..].iter().all(|&v| v == T::ZERO), "padding stays 0 (n={n})");
                    }
                }
            }
        }
    }

    #[test]
    fn panel_products_match_f32() {
        products_match::<f32>(1e-4);
    }

    #[test]
    fn panel_products_match_f64() {
        products_match::<f64>(1e-12);
    }

    #[test]
    fn sparse_rows_know_their_width() {
        let scale = pixel_scale::<f32>();
        let mut x = SparseRows::<f32>::default();
        assert_eq!(x.width(), 0);
        x.push_pixels(&[0, 3, 0, 0], &scale);
        x.push_pixels(&[0, 0, 0, 0], &scale);
        assert_eq!(x.width(), 2);
        x.push_list((&[0, 6][..], &[1, 2][..]), &scale);
        x.push_dense(&[0.0, 0.5]);
        assert_eq!(x.width(), 7);
        let mut t = SparseRows::default();
        x.transpose_into(7, &mut t);
        assert_eq!((t.rows(), t.width()), (7, 4));
        x.clear();
        assert_eq!(x.width(), 0);
        // Columns out of order: the width is the row's largest, not its last.
        x.push_list((&[5, 0][..], &[1, 1][..]), &scale);
        assert_eq!(x.width(), 6);
    }

    /// Rows whose columns are not in increasing order (`push_list` takes any
    /// order): the update split over two threads by W's rows runs on one
    /// thread instead, with the same result as the unsplit update.
    #[test]
    fn unsorted_rows_are_updated_whole() {
        use descent_core::pair::Scoped;
        let scale = pixel_scale::<f32>();
        let mut x = SparseRows::<f32>::default();
        x.push_list((&[700, 5][..], &[9, 200][..]), &scale);
        x.push_list((&[5, 700, 3][..], &[1, 2, 255][..]), &scale);
        x.push_list((&[3, 5, 700][..], &[7, 8, 9][..]), &scale);
        assert!(!NonzeroRows::<f32>::increasing(&x));
        let w = Matrix::from_vec(784, 50, (0..784 * 50).map(|i| (i % 97) as f32 * 0.01).collect());
        let g: Vec<f32> = (0..3 * 50).map(|i| (i % 13) as f32 - 6.0).collect();
        let mut plain = w.clone();
        spmm_tn_add(&x, &g, 50, plain.as_mut_slice());
        for portable in [false, true] {
            let mut q = Panel::from_matrix(&w);
            if portable {
                panel::spmm_tn_add_pair_portable(&x, &g, &mut q, &Scoped);
            } else {
                panel::spmm_tn_add_pair(&x, &g, &mut q, &Scoped);
            }
            let mut got = Matrix::zeros(784, 50);
            q.store(&mut got);
            assert_eq!(bits(got.as_slice()), bits(plain.as_slice()), "portable={portable}");
        }
        x.clear();
        x.push_list((&[3, 5, 700][..], &[7, 8, 9][..]), &scale);
        assert!(NonzeroRows::<f32>::increasing(&x), "clear forgets the order of the old rows");
    }

    /// Refused before `out` changes, so a caught panic leaves no rows claiming a width they exceed.
    #[test]
    fn a_transpose_narrower_than_the_rows_is_refused() {
        let scale = pixel_scale::<f32>();
        let mut x = SparseRows::<f32>::default();
        x.push_list((&[0, 6][..], &[1, 2][..]), &scale);
        let mut t = SparseRows::default();
        x.transpose_into(7, &mut t);
        let before = (t.rows(), t.width(), t.nnz());
        let caught = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| x.transpose_into(4, &mut t)));
        let message = caught.expect_err("a transpose into 4 columns of a row with column 6");
        assert_eq!(
            message.downcast_ref::<String>().map(String::as_str),
            Some("transpose_into: column 6 past 4 columns")
        );
        assert_eq!((t.rows(), t.width(), t.nnz()), before, "out is as it was");
    }

    #[test]
    #[should_panic(expected = "push_list: 2 columns and 1 pixels")]
    fn a_list_of_columns_and_pixels_of_two_lengths_is_refused() {
        let mut x = SparseRows::<f32>::default();
        x.push_list((&[1, 2][..], &[9][..]), &pixel_scale::<f32>());
    }

    #[test]
    fn picked_images_read_the_lists_in_place() {
        let scale = pixel_scale::<f32>();
        let lists = PixelLists::new(&[0, 3, 0, 0, 0, 0, 255, 0, 0, 0, 0, 0], 4);
        assert_eq!((lists.len(), lists.width()), (3, 4));
        let picks = [1, 1, 0, 2];
        let x = Picked::new(&lists, &picks, &scale);
        assert_eq!((NonzeroRows::<f32>::rows(&x), NonzeroRows::<f32>::width(&x), x.nnz()), (4, 4, 3));
        assert_eq!(NonzeroRows::<f32>::row(&x, 0), (&[2u16][..], &[255u8][..]));
        assert_eq!(NonzeroRows::<f32>::row(&x, 2), (&[1u16][..], &[3u8][..]));
        assert_eq!(NonzeroRows::<f32>::row(&x, 3), (&[][..], &[][..]));
        assert_eq!(<Picked<'_, f32> as NonzeroRows<f32>>::value(x.values(), 255), 1.0);
        let block = Picked::range(&lists, 1, 2, &scale);
        assert_eq!(NonzeroRows::<f32>::row(&block, 0), (&[2u16][..], &[255u8][..]));
        assert_eq!(NonzeroRows::<f32>::rows(&block), 2);
    }

    #[test]
    #[should_panic(expected = "Picked: an index past the 3 images")]
    fn a_pick_past_the_images_is_refused() {
        let lists = PixelLists::new(&[1; 12], 4);
        let _ = Picked::new(&lists, &[0, 3], &pixel_scale::<f32>());
    }

    #[test]
    #[should_panic(expected = "Picked: images 2..4 of 3")]
    fn a_block_past_the_images_is_refused() {
        let lists = PixelLists::new(&[1; 12], 4);
        let _ = Picked::range(&lists, 2, 2, &pixel_scale::<f32>());
    }

    /// Images of more pixels than W has rows are refused by the products, as rows are.
    #[test]
    #[should_panic(expected = "panel::spmm: column 29 is past W's 29 rows")]
    fn images_wider_than_the_panel_are_refused() {
        let scale = pixel_scale::<f32>();
        let lists = PixelLists::new(&[9; 30], 30);
        let p = Panel::<f32>::zeros(29, 50);
        panel::spmm(&Picked::range(&lists, 0, 1, &scale), &p, &mut [0.0; 50]);
    }

    #[test]
    #[should_panic(expected = "is too large")]
    fn an_impossible_panel_is_refused() {
        let _ = Panel::<f32>::zeros(1 << 60, 16);
    }

    /// The AVX-512 kernels load W's rows without bounds checks, so a column
    /// past W must be refused before any of them runs.
    #[test]
    #[should_panic(expected = "panel::spmm: column 29 is past W's 29 rows")]
    fn a_column_past_the_panel_is_refused() {
        let scale = pixel_scale::<f32>();
        let mut x = SparseRows::<f32>::default();
        x.push_pixels(&[9; 30], &scale);
        let p = Panel::<f32>::zeros(29, 50);
        panel::spmm(&x, &p, &mut [0.0; 50]);
    }

    #[test]
    #[should_panic(expected = "panel::spmm_tn_add: column 29 is past W's 29 rows")]
    fn a_column_past_the_panel_is_refused_by_the_update() {
        let scale = pixel_scale::<f32>();
        let mut x = SparseRows::<f32>::default();
        x.push_pixels(&[9; 30], &scale);
        let mut p = Panel::<f32>::zeros(29, 50);
        panel::spmm_tn_add(&x, &[0.0; 50], &mut p);
    }

    #[test]
    fn a_panel_round_trips_and_reshapes() {
        let mut rng = Rng::new(3);
        let m = Matrix::from_vec(5, 3, (0..15).map(|_| rng.standard_normal()).collect());
        let mut p = Panel::from_matrix(&m);
        assert_eq!((p.rows(), p.cols(), p.stride()), (5, 3, 8));
        let mut out = Matrix::zeros(5, 3);
        p.store(&mut out);
        assert_eq!(out, m);
        let bigger = Matrix::from_vec(2, 20, (0..40).map(f64::from).collect());
        p.load(&bigger);
        assert_eq!((p.rows(), p.cols(), p.stride()), (2, 20, 24));
        let mut out = Matrix::zeros(2, 20);
        p.store(&mut out);
        assert_eq!(out, bigger);
    }
}

/// The narrow products (n ≤ 16: the output layer's 10 columns), whose B is
/// padded to whole vectors on the stack when k ≤ 128: every element is the
/// chain of multiply-adds a[i, 0]·b[0, j], a[i, 1]·b[1, j], … from 0, bit for
/// bit, padded or not (k past 128), in f32 and f64.
#[test]
fn narrow_products_are_the_plain_chain_of_multiply_adds() {
    use descent_core::Float;
    fn check<T: Float>() {
        let mut rng = Rng::new(8);
        for m in [4, 7, 100] {
            for k in [8, 50, 64, 65, 100, 128, 129] {
                for n in 1..=16 {
                    let a: Vec<T> = (0..m * k).map(|_| T::from_f64(rng.standard_normal())).collect();
                    let b: Vec<T> = (0..k * n).map(|_| T::from_f64(rng.standard_normal())).collect();
                    // A·B, and Aᵀ·B with A stored transposed
                    let at: Vec<T> = (0..k * m).map(|q| a[(q % m) * k + q / m]).collect();
                    let mut want = vec![T::ZERO; m * n];
                    for i in 0..m {
                        for j in 0..n {
                            want[i * n + j] = (0..k).fold(T::ZERO, |s, p| a[i * k + p].mul_add(b[p * n + j], s));
                        }
                    }
                    let bits = |v: &[T]| v.iter().map(|x| x.to_f64().to_bits()).collect::<Vec<_>>();
                    let mut got = vec![T::from_f64(f64::NAN); m * n];
                    kernels::gemm_nn(m, k, n, &a, &b, &mut got, false);
                    assert_eq!(bits(&got), bits(&want), "{} gemm_nn m={m} k={k} n={n}", T::NAME);
                    let mut got = vec![T::from_f64(f64::NAN); m * n];
                    kernels::gemm_tn(m, k, n, &at, &b, &mut got, false);
                    assert_eq!(bits(&got), bits(&want), "{} gemm_tn m={m} k={k} n={n}", T::NAME);
                }
            }
        }
    }
    check::<f32>();
    check::<f64>();
}
