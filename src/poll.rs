//! Waiting on descriptors with `poll`: shared by the store's watcher and
//! peer links over pipes.

use std::time::Duration;

use rustix::event::Timespec;

/// `wait` as a `poll` timeout, in whole milliseconds as `poll(2)` counts them (so a wait
/// under a millisecond does not block), at most `i32::MAX` of them.
pub(crate) fn timeout(wait: Duration) -> Timespec {
    let ms = i64::try_from(wait.as_millis())
        .map_or(i64::from(i32::MAX), |ms| ms.min(i64::from(i32::MAX)));
    Timespec {
        tv_sec: ms / 1000,
        tv_nsec: (ms % 1000) * 1_000_000,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_milliseconds_up_to_the_largest_poll_takes() {
        let t = timeout(Duration::from_micros(1_250_900));
        assert_eq!((t.tv_sec, t.tv_nsec), (1, 250_000_000));
        assert_eq!(timeout(Duration::from_micros(250)), Timespec::default());
        let t = timeout(Duration::MAX);
        assert_eq!(t.tv_sec * 1000 + t.tv_nsec / 1_000_000, i64::from(i32::MAX));
    }
}
