//! Two jobs at once: how the training loop uses a second thread where the
//! caller has one.
//!
//! The core crate has no threads of its own (it is `no_std`, and a browser's
//! threads are Web Workers that only the page can start). An iteration splits
//! its two big products into two halves that write disjoint memory (the
//! forward pass by images, the update of W1 by its rows) and hands them to a
//! [`Pair`], which runs them one after the other ([`OneThread`]) or on two
//! threads (the wasm crate's helper worker; [`Scoped`] natively). Every
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
#[cfg(feature = "std")]
pub struct Helper {
    shared: std::sync::Arc<Handoff>,
    thread: Option<std::thread::JoinHandle<()>>,
}

#[cfg(feature = "std")]
struct Handoff {
    state: core::sync::atomic::AtomicU32,
    job: core::cell::UnsafeCell<Option<*mut (dyn FnMut() + Send + 'static)>>,
    /// The helper, to unpark it.
    helper: std::sync::OnceLock<std::thread::Thread>,
}

// SAFETY: `job` is written by the poster only while the state is IDLE or
// ASLEEP, and read by the helper only after it moved POSTED to TAKEN
// (acquire/release on `state`); the job itself is `Send`.
#[cfg(feature = "std")]
unsafe impl Sync for Handoff {}
// SAFETY: as above.
#[cfg(feature = "std")]
unsafe impl Send for Handoff {}

#[cfg(feature = "std")]
mod state {
    pub const IDLE: u32 = 0;
    pub const ASLEEP: u32 = 1;
    pub const POSTED: u32 = 2;
    pub const TAKEN: u32 = 4;
    pub const QUIT: u32 = 5;
    /// Checks after a job before the helper parks.
    pub const SPINS: u32 = 200_000;
}

#[cfg(feature = "std")]
impl Helper {
    /// Starts the helper thread.
    pub fn new() -> Self {
        use core::sync::atomic::Ordering::{AcqRel, Acquire, Release};
        use state::*;
        let shared = std::sync::Arc::new(Handoff {
            state: core::sync::atomic::AtomicU32::new(IDLE),
            job: core::cell::UnsafeCell::new(None),
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
                    // SAFETY: TAKEN: the job is in the slot and its poster waits.
                    if let Some(job) = unsafe { (*s.job.get()).take() } {
                        // SAFETY: the job outlives this call.
                        unsafe { (*job)() };
                    }
                    s.state.store(IDLE, Release);
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
        use core::sync::atomic::Ordering::{AcqRel, Acquire};
        use state::*;
        let s = &*self.shared;
        let job: *mut (dyn FnMut() + Send + '_) = a;
        // SAFETY: only the lifetime is erased; this function does not return
        // before the helper is done with the job.
        let job: *mut (dyn FnMut() + Send + 'static) = unsafe { core::mem::transmute(job) };
        // SAFETY: the state is IDLE or ASLEEP: the helper does not read the slot.
        unsafe { *s.job.get() = Some(job) };
        let was = s.state.swap(POSTED, AcqRel);
        if let (ASLEEP, Some(t)) = (was, s.helper.get()) {
            t.unpark();
        }
        b();
        if s.state.compare_exchange(POSTED, IDLE, AcqRel, Acquire).is_ok() {
            // SAFETY: never taken: nobody else reads the slot.
            let job = unsafe { (*s.job.get()).take() };
            if let Some(job) = job {
                // SAFETY: `a` itself, still borrowed here.
                unsafe { (*job)() };
            }
            return;
        }
        let mut panicked = false;
        while s.state.load(Acquire) == TAKEN {
            core::hint::spin_loop();
            panicked |= self.thread.as_ref().is_some_and(|t| t.is_finished());
            if panicked {
                panic!("descent: the helper thread stopped in the middle of a job");
            }
        }
    }

    fn threads(&self) -> usize {
        2
    }
}
