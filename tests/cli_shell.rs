//! `kqlite shell` driven through a pseudo-terminal, as a person at a keyboard would: multi-line
//! queries, dot commands, Tab completion, errors with a caret, Ctrl-C during a query, history.

mod common;

use common::repo_root;
use rexpect::session::PtySession;
use std::process::Command;

const NOW: &str = "2024-05-10T00:00:00Z";

fn shell(data_home: &std::path::Path) -> PtySession {
    let mut command = Command::new(env!("CARGO_BIN_EXE_kqlite"));
    command
        .args(["shell", "--logs", "tests/data/Flows.csv", "--now", NOW])
        .current_dir(repo_root())
        .env("XDG_DATA_HOME", data_home)
        .env("HOME", data_home)
        .env("NO_COLOR", "1")
        .env("TERM", "xterm");
    rexpect::session::spawn_command(command, Some(20_000)).expect("the shell starts")
}

/// Type a line, after a pause that lets the editor take the terminal back after the last output.
fn type_line(p: &mut PtySession, line: &str) -> Result<usize, rexpect::error::Error> {
    std::thread::sleep(std::time::Duration::from_millis(150));
    p.send_line(line)
}

#[test]
fn a_session_at_the_prompt() {
    let home = std::env::temp_dir().join(format!("kqlite-shell-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let mut p = shell(&home);
    // The logs are listed once, when loaded.
    p.exp_regex(r"Flows +10 rows").unwrap();
    p.exp_string("kqlite> ").unwrap();

    // A query over two lines ends with an empty line.
    type_line(&mut p, "Flows").unwrap();
    type_line(&mut p, "| summarize Total=sum(BytesSent)").unwrap();
    type_line(&mut p, "").unwrap();
    p.exp_string("Total").unwrap();
    p.exp_regex(r"\d{4,}").unwrap();
    p.exp_string("kqlite> ").unwrap();

    // Or with `;`, after a format change.
    type_line(&mut p, ".format csv").unwrap();
    p.exp_string("kqlite> ").unwrap();
    type_line(&mut p, "Flows | count;").unwrap();
    p.exp_string("Count\r\r\n10").unwrap();
    p.exp_string("kqlite> ").unwrap();

    // Errors keep their caret and help.
    type_line(&mut p, "Flows | where SrcIP == 1;").unwrap();
    p.exp_string("unknown column `SrcIP`").unwrap();
    p.exp_string("^^^^^").unwrap();
    p.exp_string("did you mean `SrcIp`?").unwrap();
    p.exp_string("kqlite> ").unwrap();

    // Dot commands.
    type_line(&mut p, ".schema Flows").unwrap();
    p.exp_string("BytesSent: long").unwrap();
    p.exp_string("kqlite> ").unwrap();
    type_line(&mut p, ".schema Flow").unwrap();
    p.exp_string("did you mean `Flows`").unwrap();
    p.exp_string("kqlite> ").unwrap();
    type_line(&mut p, ".timer on").unwrap();
    p.exp_string("kqlite> ").unwrap();
    type_line(&mut p, "Flows | take 1;").unwrap();
    p.exp_regex(r"note: \d+ ms").unwrap();
    p.exp_string("kqlite> ").unwrap();

    // Tab completes the column of the table being queried.
    std::thread::sleep(std::time::Duration::from_millis(150));
    p.send("Flows | project BytesS\t").unwrap();
    p.flush().unwrap();
    p.exp_string("BytesSent").unwrap();
    type_line(&mut p, ";").unwrap();
    p.exp_string("BytesSent\r").unwrap();
    p.exp_string("kqlite> ").unwrap();

    // Ctrl-C during a query: `ctrl_c_stops_the_query_itself_not_only_the_wait`.
    type_line(&mut p, ".quit").unwrap();
    p.exp_eof().unwrap();

    let history = std::fs::read_to_string(home.join("kqlite/history")).unwrap();
    assert!(history.contains("Flows | count;"), "{history}");
    std::fs::remove_dir_all(home).unwrap();
}

#[test]
fn ctrl_c_stops_the_query_itself_not_only_the_wait() {
    let home = std::env::temp_dir().join(format!("kqlite-shell-stop-{}", std::process::id()));
    std::fs::create_dir_all(&home).unwrap();
    let mut p = shell(&home);
    p.exp_string("kqlite> ").unwrap();
    // Ctrl-C stops a long query and the shell goes on: a cartesian join of 400 M rows (no scan
    // between its batches of output) and a scan with a regex per row (about 20 M matches,
    // under `range`'s row limit) each stop at their next budget check, not when they would end.
    for query in [
        "range x from 1 to 20000 step 1 | extend k = 1 | join kind=inner (range y from 1 to 20000 step 1 \
         | extend k = 1) on k | count;",
        "range x from 1 to 20000000 step 1 | where tostring(x) matches regex '^9+$' | count;",
    ] {
        type_line(&mut p, query).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(700));
        let pressed = std::time::Instant::now();
        p.send_control('c').unwrap();
        p.exp_string("interrupted: the query was stopped").unwrap();
        let waited = pressed.elapsed();
        assert!(waited < std::time::Duration::from_secs(3), "{waited:?}");
        p.exp_string("kqlite> ").unwrap();
        // The next query runs normally.
        type_line(&mut p, "print ok=1;").unwrap();
        p.exp_string("ok\r").unwrap();
        p.exp_string("kqlite> ").unwrap();
    }
    type_line(&mut p, ".quit").unwrap();
    p.exp_eof().unwrap();
    std::fs::remove_dir_all(home).unwrap();
}
