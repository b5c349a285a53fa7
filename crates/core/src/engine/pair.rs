//! Two jobs at once: how the training loop uses a second thread where the
//! caller has one.
//!
//! The core crate has no threads of its own (it is `no_std`, and a browser's
//! threads are Web Workers that only the page can start). An iteration splits
//! its two big products into two halves that write disjoint memory (the
//! forward pass by images, the update of W1 by its rows) and hands them to a
//! [`Pair`], which runs them one after the other ([`OneThread`], what the
//! page's one wasm thread uses) or on two threads ([`Helper`], a persistent
//! helper thread, natively; [`Scoped`], a thread a call, for tests). Every
//! element is computed by the same operations in the same order either way,
//! so a run gives the same bits on one thread or two (tested).

/// Runs two jobs and returns when both have finished.
pub trait Pair: Sync {
    /// Runs `a` and `b`, at once where a second thread is at hand, else one
    /// after the other. Returns when both have returned.
    fn join(&self, a: &mut (dyn FnMut() + Send), b: &mut (dyn FnMut() + Send));

    /// How many threads the jobs run on (1 or 2), for reports.
    fn threads(&self) -> usize;
}

/// Both jobs on the calling thread, `a` then `b`.
#[derive(Debug, Clone, Copy, Default)]
pub struct OneThread;

impl Pair for OneThread {
    fn join(&self, a: &mut (dyn FnMut() + Send), b: &mut (dyn FnMut() + Send)) {
        a();
        b();
    }

    fn threads(&self) -> usize {
        1
    }
}

/// `a` on a new scoped thread, `b` on the calling one: simple and correct,
/// but a thread per call costs tens of microseconds, a good part of an
/// iteration (for tests, and for long jobs).
#[cfg(feature = "std")]
#[derive(Debug, Clone, Copy, Default)]
pub struct Scoped;

#[cfg(feature = "std")]
impl Pair for Scoped {
    fn join(&self, a: &mut (dyn FnMut() + Send), b: &mut (dyn FnMut() + Send)) {
        std::thread::scope(|s| {
            let t = s.spawn(a);
            b();
            if let Err(e) = t.join() {
                std::panic::resume_unwind(e);
            }
        });
    }

    fn threads(&self) -> usize {
        2
    }
}

/// A helper thread that lives as long as the value, waiting for jobs: `a` on
/// it, `b` on the calling thread. The handoff is one atomic word: the caller
/// posts a job and spins until it is done; the helper spins a while after
/// each job (the next one comes within microseconds while training runs),
/// then parks. A job the helper has not taken by the time `b` is done is
/// taken back and run by the caller, so a helper whose core is busy elsewhere
/// never makes the caller wait for it to be scheduled.
///
/// One join at a time: a join that finds the helper busy with another
/// caller's job runs both of its jobs itself. A panic in either job reaches
/// the caller once both jobs are over (the helper thread survives it).
#[cfg(feature = "std")]
pub struct Helper {
    shared: std::sync::Arc<Handoff>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[cfg(feature = "std")]
struct Handoff {
    state: core::sync::atomic::AtomicU32,
    /// Held by the caller of a join from posting to the end of the wait.
    claimed: core::sync::atomic::AtomicBool,
    job: core::cell::UnsafeCell<Option<*mut (dyn FnMut() + Send + 'static)>>,
    /// A panic of the last job on the helper, for the caller to resume.
    panic: std::sync::Mutex<Option<Box<dyn core::any::Any + Send>>>,
    /// The helper, to unpark it.
    helper: std::sync::OnceLock<std::thread::Thread>,
}

// SAFETY: `job` is written only by the caller holding `claimed`, while the
// state is IDLE or ASLEEP, and read by the helper only after it moved POSTED
// to TAKEN (acquire/release on `state`); the job itself is `Send`.
#[cfg(feature = "std")]
unsafe impl Sync for Handoff {}
// SAFETY: as above.
#[cfg(feature = "std")]
unsafe impl Send for Handoff {}

#[cfg(feature = "std")]
mod state {
    /// No job; the helper spins.
    pub const IDLE: u32 = 0;
    /// No job; the helper is parked (unpark it).
    pub const ASLEEP: u32 = 1;
    /// A job waits in the slot.
    pub const POSTED: u32 = 2;
    /// The helper runs the job.
    pub const TAKEN: u32 = 3;
    /// The helper is to stop.
    pub const QUIT: u32 = 4;
    /// Checks after a job before the helper parks: about a millisecond.
    pub const SPINS: u32 = 20_000;
    /// Checks by a waiting caller between yields of its time slice.
    pub const WAIT_SPINS: u32 = 1 << 16;
}

#[cfg(feature = "std")]
impl Helper {
    /// Starts the helper thread.
    pub fn new() -> Self {
        use core::sync::atomic::Ordering::{AcqRel, Acquire};
        use state::*;
        let shared = std::sync::Arc::new(Handoff {
            state: core::sync::atomic::AtomicU32::new(IDLE),
            claimed: core::sync::atomic::AtomicBool::new(false),
            job: core::cell::UnsafeCell::new(None),
            panic: std::sync::Mutex::new(None),
            helper: std::sync::OnceLock::new(),
        });
        let s = shared.clone();
        let thread = std::thread::Builder::new()
            .name("descent-helper".into())
            .spawn(move || {
                let _ = s.helper.set(std::thread::current());
                loop {
                    let mut spins = 0;
                    loop {
                        match s.state.load(Acquire) {
                            POSTED => {
                                if s.state.compare_exchange(POSTED, TAKEN, AcqRel, Acquire).is_ok() {
                                    break;
                                }
                            }
                            QUIT => return,
                            _ if spins < SPINS => {
                                spins += 1;
                                core::hint::spin_loop();
                            }
                            _ => {
                                if s.state.compare_exchange(IDLE, ASLEEP, AcqRel, Acquire).is_ok() {
                                    while s.state.load(Acquire) == ASLEEP {
                                        std::thread::park();
                                    }
                                }
                                spins = 0;
                            }
                        }
                    }
                    // SAFETY: TAKEN: the job is in the slot, and its poster does not
                    // return (or unwind) before the state leaves TAKEN.
                    if let Some(job) = unsafe { (*s.job.get()).take() } {
                        // SAFETY: as above: the job outlives this call.
                        let run = std::panic::AssertUnwindSafe(|| unsafe { (*job)() });
                        if let Err(p) = std::panic::catch_unwind(run) {
                            *s.panic.lock().unwrap_or_else(|e| e.into_inner()) = Some(p);
                        }
                    }
                    // Done; unless told to quit meanwhile.
                    if s.state.compare_exchange(TAKEN, IDLE, AcqRel, Acquire).is_err() {
                        return;
                    }
                }
            })
            .expect("descent: could not start the helper thread");
        Self { shared, thread: Some(thread) }
    }
}

#[cfg(feature = "std")]
impl Default for Helper {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "std")]
impl core::fmt::Debug for Helper {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Helper").finish_non_exhaustive()
    }
}

#[cfg(feature = "std")]
impl Drop for Helper {
    fn drop(&mut self) {
        use core::sync::atomic::Ordering::AcqRel;
        if let (state::ASLEEP, Some(t)) = (self.shared.state.swap(state::QUIT, AcqRel), self.shared.helper.get()) {
            t.unpark();
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(feature = "std")]
impl Pair for Helper {
    fn join(&self, a: &mut (dyn FnMut() + Send), b: &mut (dyn FnMut() + Send)) {
        use core::sync::atomic::Ordering::{AcqRel, Acquire, Release};
        use state::*;
        use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
        let s = &*self.shared;
        // One join at a time: a second caller (another thread, or a job
        // joining again) runs its jobs itself.
        if s.claimed.compare_exchange(false, true, Acquire, Acquire).is_err() {
            a();
            b();
            return;
        }
        let job: *mut (dyn FnMut() + Send + '_) = a;
        // SAFETY: only the lifetime is erased; this function neither returns
        // nor unwinds before the helper is done with the job (below).
        let job: *mut (dyn FnMut() + Send + 'static) = unsafe { core::mem::transmute(job) };
        // SAFETY: `claimed` is ours and the state is IDLE or ASLEEP: the helper
        // does not read the slot.
        unsafe { *s.job.get() = Some(job) };
        if let (ASLEEP, Some(t)) = (s.state.swap(POSTED, AcqRel), s.helper.get()) {
            t.unpark();
        }
        // A panic in `b` waits for `a` too, before it goes on up.
        let mine = catch_unwind(AssertUnwindSafe(b));
        let theirs = if s.state.compare_exchange(POSTED, IDLE, AcqRel, Acquire).is_ok() {
            // Never taken: run it here.
            // SAFETY: the helper never took it, and it cannot now.
            let job = unsafe { (*s.job.get()).take() };
            // SAFETY: `a` itself, still borrowed here.
            catch_unwind(AssertUnwindSafe(|| job.map(|j| unsafe { (*j)() }).unwrap_or(())))
        } else {
            let mut spins = 0u32;
            while s.state.load(Acquire) == TAKEN {
                spins = spins.wrapping_add(1);
                if spins.is_multiple_of(WAIT_SPINS) {
                    // The helper may be waiting for a core: give up this one.
                    std::thread::yield_now();
                } else {
                    core::hint::spin_loop();
                }
            }
            match s.panic.lock().unwrap_or_else(|e| e.into_inner()).take() {
                Some(p) => Err(p),
                None => Ok(()),
            }
        };
        s.claimed.store(false, Release);
        if let Err(p) = mine.and(theirs) {
            resume_unwind(p);
        }
    }

    fn threads(&self) -> usize {
        2
    }
}
