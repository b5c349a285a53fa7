//! `descent train`'s progress bar on stderr, drawn by `indicatif`: iterations
//! done, iterations a second, the time left and the latest loss.
//!
//! Drawn only on a terminal and never with `--json` (whose stderr holds JSON
//! objects): when stderr is a pipe, a file or CI, nothing is drawn at all.
//! Redrawn at most ten times a second, so it costs nothing next to a training
//! iteration. The per-epoch evaluations run on another thread beside
//! training, so the rate and the time left are simply iterations over wall time.

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};

/// Redraws a second, at most.
const REDRAWS_PER_SECOND: u8 = 10;

/// The bar's layout: `[=====>    ] 3400/10000  34%  812 it/s  ETA 8s  loss 0.3124`.
const TEMPLATE: &str = "[{bar:30}] {pos}/{len} {percent:>3}%  {rate}  ETA {left}  loss {msg}";

/// Progress of a run's iterations.
#[derive(Debug)]
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar for `total` iterations, drawn only if stderr is a terminal and not with `--json`.
    pub fn new(total: usize, json: bool) -> Self {
        Self::with_enabled(total, !json && std::io::stderr().is_terminal())
    }

    /// A bar drawn on stderr (or not at all) whatever stderr is.
    pub fn with_enabled(total: usize, enabled: bool) -> Self {
        let target =
            if enabled { ProgressDrawTarget::stderr_with_hz(REDRAWS_PER_SECOND) } else { ProgressDrawTarget::hidden() };
        let style = ProgressStyle::with_template(TEMPLATE)
            .expect("the template is valid")
            .progress_chars("=> ")
            .with_key("rate", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0} it/s", s.per_sec());
            })
            .with_key("left", |s: &ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = w.write_str(&duration(s.eta().as_secs_f64()));
            });
        Self { bar: ProgressBar::with_draw_target(Some(total as u64), target).with_style(style) }
    }

    /// Whether the bar is drawn.
    pub fn is_drawn(&self) -> bool {
        !self.bar.is_hidden()
    }

    /// Reports `done` iterations and the latest loss (redrawn when the last draw is old enough).
    pub fn update(&self, done: usize, loss: f64) {
        if self.is_drawn() {
            self.bar.set_message(format!("{loss:.4}"));
            self.bar.set_position(done as u64);
        }
    }

    /// Runs `f` (which prints a line) with the bar erased, then redraws it.
    pub fn suspend<R>(&self, f: impl FnOnce() -> R) -> R {
        self.bar.suspend(f)
    }

    /// Erases the bar for good: whatever stopped the run, no half-drawn bar is left behind.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// `8s`, `1m05s`, `2h03m`.
pub fn duration(secs: f64) -> String {
    let s = secs.round().max(0.0) as u64;
    match s {
        0..60 => format!("{s}s"),
        60..3600 => format!("{}m{:02}s", s / 60, s % 60),
        _ => format!("{}h{:02}m", s / 3600, s % 3600 / 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_drawn_with_json_or_off_a_terminal() {
        assert!(!Progress::new(100, true).is_drawn(), "never with --json");
        assert!(!Progress::with_enabled(100, false).is_drawn());
        // Under `cargo test` stderr is captured, not a terminal.
        if !std::io::stderr().is_terminal() {
            assert!(!Progress::new(100, false).is_drawn());
        }
        let p = Progress::with_enabled(100, false);
        p.update(50, 0.5);
        assert_eq!(p.suspend(|| 7), 7);
        p.finish();
    }

    #[test]
    fn durations() {
        assert_eq!(duration(8.2), "8s");
        assert_eq!(duration(65.0), "1m05s");
        assert_eq!(duration(7380.0), "2h03m");
    }
}
