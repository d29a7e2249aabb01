//! Progress on long operations (reading thousands of entity files or tables, replaying or
//! applying many revisions): a spinner or a bar on stderr when it is a terminal, nothing on a pipe
//! or with `--quiet`. Drawn with indicatif, which also clears itself before anything else prints.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// Whether progress is drawn for this run.
#[derive(Clone, Copy, Debug)]
pub struct Progress {
    shown: bool,
}

impl Progress {
    pub fn new(quiet: bool) -> Progress {
        Progress {
            shown: !quiet && std::io::stderr().is_terminal(),
        }
    }

    /// A spinner with `message`, cleared when the returned task ends.
    pub fn task(self, message: &str) -> Task {
        let bar = if self.shown {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template("{spinner:.cyan} {msg} ({elapsed})")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.set_message(message.to_owned());
            bar.enable_steady_tick(Duration::from_millis(100));
            bar
        } else {
            ProgressBar::hidden()
        };
        Task { bar }
    }

    /// A bar over `len` steps (revisions), each named as it starts.
    pub fn steps(self, message: &str) -> Task {
        let bar = if self.shown {
            let bar = ProgressBar::with_draw_target(Some(0), ProgressDrawTarget::stderr());
            bar.set_style(
                ProgressStyle::with_template(
                    "{prefix} [{bar:30.cyan/blue}] {pos}/{len} {msg} ({elapsed})",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
            );
            bar.set_prefix(message.to_owned());
            bar
        } else {
            ProgressBar::hidden()
        };
        Task { bar }
    }
}

/// One operation in progress; clears its line when dropped.
pub struct Task {
    bar: ProgressBar,
}

impl Task {
    /// Marks step `n` of `len` (from 1) as started.
    pub fn step(&self, n: usize, len: usize, name: &str) {
        self.bar.set_length(len as u64);
        self.bar.set_position(n.saturating_sub(1) as u64);
        self.bar.set_message(name.to_owned());
    }
}

impl Drop for Task {
    fn drop(&mut self) {
        self.bar.finish_and_clear();
    }
}
