//! The two-job runners ([`Pair`]): every job runs exactly once, both have
//! finished when `join` returns, and a job that panics on the helper thread
//! makes the caller panic instead of waiting forever.

use std::sync::atomic::{AtomicUsize, Ordering};

use descent_core::pair::{Helper, Scoped};
use descent_core::{OneThread, Pair};

/// Joins many times, each job writing its own slice: both halves are written
/// every time, before `join` returns.
fn both_jobs_run_every_time(pair: &dyn Pair) {
    let mut buf = vec![0u64; 64];
    for round in 1..=5000u64 {
        let (lo, hi) = buf.split_at_mut(32);
        pair.join(&mut || lo.iter_mut().for_each(|v| *v += round), &mut || hi.iter_mut().for_each(|v| *v += 2 * round));
        let want_lo = round * (round + 1) / 2;
        assert!(buf[..32].iter().all(|&v| v == want_lo), "round {round}: the first job's half");
        assert!(buf[32..].iter().all(|&v| v == 2 * want_lo), "round {round}: the second job's half");
    }
}

#[test]
fn every_pair_runs_both_jobs_every_time() {
    both_jobs_run_every_time(&OneThread);
    both_jobs_run_every_time(&Scoped);
    let helper = Helper::new();
    both_jobs_run_every_time(&helper);
    assert_eq!((OneThread.threads(), Scoped.threads(), helper.threads()), (1, 2, 2));
}

/// With gaps between joins long enough for the helper to park, the next join
/// wakes it (or runs the job itself): nothing is lost or run twice.
#[test]
fn the_helper_parks_and_wakes() {
    let helper = Helper::new();
    let count = AtomicUsize::new(0);
    for k in 0..20 {
        if k % 4 == 0 {
            std::thread::sleep(std::time::Duration::from_millis(30));
        }
        helper.join(
            &mut || {
                count.fetch_add(1, Ordering::SeqCst);
            },
            &mut || {
                count.fetch_add(10, Ordering::SeqCst);
            },
        );
    }
    assert_eq!(count.load(Ordering::SeqCst), 220);
}

/// A job that panics on the helper thread: the caller panics too (it does not
/// wait forever), and dropping the helper afterwards returns.
#[test]
fn a_panic_on_the_helper_reaches_the_caller() {
    let helper = Helper::new();
    // Make sure the helper takes the job: the caller's own job waits until it has started.
    let started = AtomicUsize::new(0);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        helper.join(
            &mut || {
                started.store(1, Ordering::SeqCst);
                panic!("a job failing on purpose");
            },
            &mut || {
                while started.load(Ordering::SeqCst) == 0 {
                    std::hint::spin_loop();
                }
            },
        )
    }));
    assert!(r.is_err(), "the caller panics");
    drop(helper);
}
