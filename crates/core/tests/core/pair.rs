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

/// A job that panics on the helper thread: the caller panics with its
/// message once both jobs are over, and the helper goes on serving.
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
    let message = r.expect_err("the caller panics");
    assert_eq!(message.downcast_ref::<&str>(), Some(&"a job failing on purpose"));
    both_jobs_run_every_time(&helper);
}

/// A panic in the caller's own job waits for the helper's job to end before
/// it goes on up (the helper's job borrows the caller's frame), and dropping
/// the helper afterwards returns.
#[test]
fn a_panic_in_the_callers_job_waits_for_the_helpers() {
    let helper = Helper::new();
    let done = AtomicUsize::new(0);
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        helper.join(
            &mut || {
                std::thread::sleep(std::time::Duration::from_millis(50));
                done.store(1, Ordering::SeqCst);
            },
            &mut || panic!("the caller's job failing on purpose"),
        )
    }));
    assert!(r.is_err(), "the caller panics");
    assert_eq!(done.load(Ordering::SeqCst), 1, "after the helper's job ended");
    drop(helper);
}

/// Two threads joining on one helper at once: a join that finds it busy runs
/// its jobs itself; every job of every join runs exactly once.
#[test]
fn joins_from_two_threads_at_once_each_run_both_jobs() {
    let helper = std::sync::Arc::new(Helper::new());
    let count = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..2 {
            let (helper, count) = (&helper, &count);
            s.spawn(move || {
                for _ in 0..50_000 {
                    helper.join(
                        &mut || {
                            count.fetch_add(1, Ordering::Relaxed);
                        },
                        &mut || {
                            count.fetch_add(1000, Ordering::Relaxed);
                        },
                    );
                }
            });
        }
    });
    assert_eq!(count.load(Ordering::Relaxed), 2 * 50_000 * 1001);
}
