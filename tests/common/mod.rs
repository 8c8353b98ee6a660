//! Helpers shared by the test harnesses: run the built `kqlite` binary with a time limit, and
//! read RFC 4180 CSV.

#![allow(dead_code)] // each harness uses a different part

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The repository root (where `Cargo.toml` is).
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// What one run of the binary did.
#[derive(Debug)]
pub struct Outcome {
    /// `None` when the run was killed for taking too long.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

/// Run `kqlite ARGS` in `cwd`, feeding `stdin`, killed after `limit`.
pub fn run_kqlite(args: &[&str], cwd: &Path, stdin: &str, limit: Duration) -> Outcome {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kqlite"))
        .args(args)
        .current_dir(cwd)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the kqlite binary starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    let stdin = stdin.to_string();
    // Feed stdin and drain stdout/stderr on their own threads so a big output cannot block.
    let feeder = std::thread::spawn(move || {
        let _ = input.write_all(stdin.as_bytes());
    });
    let mut out = child.stdout.take().expect("stdout is piped");
    let mut err = child.stderr.take().expect("stderr is piped");
    let out_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = out.read_to_end(&mut buf);
        buf
    });
    let err_reader = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = err.read_to_end(&mut buf);
        buf
    });
    let started = Instant::now();
    let code = loop {
        if let Some(status) = child.try_wait().expect("waiting on kqlite") {
            break status.code();
        }
        if started.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(5));
    };
    let _ = feeder.join();
    Outcome {
        code,
        stdout: String::from_utf8_lossy(&out_reader.join().unwrap_or_default()).into_owned(),
        stderr: String::from_utf8_lossy(&err_reader.join().unwrap_or_default()).into_owned(),
    }
}

/// Records of an RFC 4180 text (CRLF or LF line ends; quoted fields may hold both).
pub fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    let mut at_field_start = true;
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if at_field_start => {
                quoted = true;
                at_field_start = false;
            }
            ',' => {
                record.push(std::mem::take(&mut field));
                at_field_start = true;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
                at_field_start = true;
            }
            _ => {
                field.push(c);
                at_field_start = false;
            }
        }
    }
    if quoted {
        return Err("a quoted field is not closed".into());
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

#[test]
fn csv_reader_handles_quotes_and_line_ends() {
    let records = parse_csv("a,b\r\n\"x, \"\"y\"\"\",\"1\n2\"\r\n,\nlast,row").unwrap();
    assert_eq!(
        records,
        vec![
            vec!["a", "b"],
            vec!["x, \"y\"", "1\n2"],
            vec!["", ""],
            vec!["last", "row"]
        ]
    );
}
