//! The CLI's last line of defence: a bug anywhere below (a panic, in any thread) ends the run
//! with exit code 70 (EX_SOFTWARE) and one line asking for a report, never Rust's runtime text
//! and exit 134. `RUST_BACKTRACE` set shows the usual panic message and backtrace as well.
//!
//! The run also gets a large stack: the parser, binder and executor recurse on the nesting of
//! a query, which the parse-stage limits keep bounded, and this keeps that bound well inside
//! the stack even in debug builds.

use std::any::Any;

/// The exit code of a run that ended in a bug (BSD sysexits' EX_SOFTWARE).
pub const EXIT_INTERNAL: u8 = 70;

/// The stack the run gets (reserved, not committed: untouched pages cost nothing).
pub const RUN_STACK_BYTES: usize = 256 * 1024 * 1024;

/// Run `body` on a thread with a large stack; a panic in it (or in a thread whose panic it
/// resumes, as rayon does) becomes `Err` with the line to print.
pub fn run_guarded<T: Send + 'static>(
    body: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    let show_backtrace = std::env::var_os("RUST_BACKTRACE").is_some_and(|v| v != "0");
    if !show_backtrace {
        std::panic::set_hook(Box::new(|_| {}));
    }
    let handle = std::thread::Builder::new()
        .name("kqlite".into())
        .stack_size(RUN_STACK_BYTES)
        .spawn(body);
    let joined = match handle {
        Ok(handle) => handle.join(),
        Err(e) => {
            return Err(format!(
                "internal error: cannot start the run: {e} (please report)"
            ))
        }
    };
    joined.map_err(|payload| format!("internal error: {} (please report)", panic_text(&*payload)))
}

/// The message a panic carried (`panic!("…")` gives a `&str` or a `String`).
fn panic_text(payload: &(dyn Any + Send)) -> String {
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string());
    crate::control_chars::escape(&text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_one_line() {
        assert_eq!(run_guarded(|| 7), Ok(7));
        let err = run_guarded(|| -> u8 { panic!("index {} out of\nrange", 3) }).unwrap_err();
        assert_eq!(
            err,
            "internal error: index 3 out of\\nrange (please report)"
        );
        let err = run_guarded(|| -> u8 { std::panic::panic_any(5u8) }).unwrap_err();
        assert!(err.contains("a panic without a message"), "{err}");
        let _ = std::panic::take_hook();
    }
}
