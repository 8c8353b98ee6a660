//! Colour on a terminal, the way clap and ripgrep do it: text is written with ANSI styles
//! through `anstream`, which strips them when the stream is not a terminal, when `NO_COLOR` is
//! set, or under `--color never` (`--color always` keeps them anywhere).

use anstyle::{AnsiColor, Style};
use std::io::{IsTerminal, Write};

pub const ERROR: Style = AnsiColor::Red.on_default().bold();
pub const WARNING: Style = AnsiColor::Yellow.on_default().bold();
pub const NOTE: Style = AnsiColor::Cyan.on_default().bold();
pub const PASS: Style = AnsiColor::Green.on_default().bold();

/// Apply `--color` to every stream the process writes.
pub fn init(choice: clap::ColorChoice) {
    let choice = match choice {
        clap::ColorChoice::Auto => anstream::ColorChoice::Auto,
        clap::ColorChoice::Always => anstream::ColorChoice::Always,
        clap::ColorChoice::Never => anstream::ColorChoice::Never,
    };
    choice.write_global();
}

/// Whether what goes to standard output is coloured (a terminal, or `--color always`).
pub fn stdout_colored() -> bool {
    anstream::AutoStream::choice(&std::io::stdout()) != anstream::ColorChoice::Never
}

/// The width of the terminal standard output is, or `None` off a terminal (a file or a pipe
/// gets every column). `COLUMNS` overrides what the terminal reports.
pub fn stdout_width() -> Option<usize> {
    if !std::io::stdout().is_terminal() {
        return None;
    }
    let from_env = std::env::var("COLUMNS")
        .ok()
        .and_then(|c| c.parse::<usize>().ok())
        .filter(|&c| c > 0);
    let from_terminal = terminal_size::terminal_size_of(std::io::stdout())
        .map(|(w, _)| usize::from(w.0))
        .filter(|&w| w > 0);
    Some(from_env.or(from_terminal).unwrap_or(80))
}

/// `text` in `style`.
pub fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// One diagnostic on stderr: `label: message`, the label coloured.
fn label_line(style: Style, label: &str, message: &str) {
    let _ = writeln!(anstream::stderr(), "{}: {message}", paint(style, label));
}

pub fn warning(message: &str) {
    label_line(WARNING, "warning", message);
}

pub fn note(message: &str) {
    label_line(NOTE, "note", message);
}

/// A rendered error (`error: …`, the caret block, `= help: …`) with its label and caret in red
/// and its help label in cyan, on stderr.
pub fn error(rendered: &str) {
    let _ = writeln!(anstream::stderr(), "{}", paint_error(rendered));
}

/// The colouring of [`error`], as text.
pub fn paint_error(rendered: &str) -> String {
    let mut out = String::with_capacity(rendered.len() + 32);
    for (i, line) in rendered.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        if let Some(rest) = line.strip_prefix("error:") {
            out.push_str(&paint(ERROR, "error:"));
            out.push_str(rest);
        } else if let Some((gutter, help)) = line.split_once("= help:") {
            out.push_str(gutter);
            out.push_str(&paint(NOTE, "= help:"));
            out.push_str(help);
        } else if line.trim_start_matches([' ', '|']).starts_with('^') && line.contains('|') {
            let (gutter, carets) = line.split_at(line.find('^').unwrap_or(0));
            out.push_str(gutter);
            out.push_str(&paint(ERROR, carets));
        } else {
            out.push_str(line);
        }
    }
    out
}

/// `check`'s report with its status words coloured: PASS green, FAIL and ERROR red.
pub fn paint_report(report: &str) -> String {
    let mut out = String::with_capacity(report.len() + 64);
    for line in report.split_inclusive('\n') {
        let styled = [("PASS ", PASS), ("FAIL ", ERROR), ("ERROR", ERROR)]
            .into_iter()
            .find(|(word, _)| line.starts_with(word));
        match styled {
            Some((word, style)) => {
                let word = word.trim_end();
                out.push_str(&paint(style, word));
                out.push_str(&line[word.len()..]);
            }
            None => out.push_str(line),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_get_a_red_label_and_caret() {
        let text =
            "error: unknown column `X`\n --> q:1:1\n  |\n1 | X\n  | ^\n  = help: did you mean `Y`?";
        let painted = paint_error(text);
        assert!(
            painted.starts_with("\u{1b}[1m\u{1b}[31merror:\u{1b}[0m unknown"),
            "{painted:?}"
        );
        assert!(
            painted.contains("  | \u{1b}[1m\u{1b}[31m^\u{1b}[0m"),
            "{painted:?}"
        );
        assert!(
            painted.contains("\u{1b}[1m\u{1b}[36m= help:"),
            "{painted:?}"
        );
        let plain = anstream::adapter::strip_str(&painted).to_string();
        assert_eq!(plain, text);
    }

    #[test]
    fn report_status_words_are_coloured() {
        let painted = paint_report("PASS  [high] a\nFAIL  [low] b\n2 checks\n");
        assert!(painted.starts_with("\u{1b}[1m\u{1b}[32mPASS\u{1b}[0m  [high] a\n"));
        assert!(painted.contains("\u{1b}[1m\u{1b}[31mFAIL\u{1b}[0m  [low] b\n2 checks\n"));
    }
}
