//! One folder under `--logs` that cannot be read does not stop the load (issue 14): the
//! warning names that exact folder, the rest loads, and `--strict` makes it fatal (exit 3).
//!
//! The denial is real: the folder is `chmod 000`. Root reads such a folder anyway, so as root
//! the binary runs as `nobody` through `setpriv` (util-linux), the way the permission would
//! bite a CI job's user.

mod common;

use common::{repo_root, Outcome};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;
use std::process::Command;

fn is_root() -> bool {
    // SAFETY: geteuid has no preconditions and cannot fail.
    unsafe { libc::geteuid() == 0 }
}

/// `kqlite ARGS`, as `nobody` when this test runs as root.
fn kqlite_unprivileged(args: &[&str]) -> Option<Outcome> {
    let binary = env!("CARGO_BIN_EXE_kqlite");
    let mut command = if is_root() {
        if !Path::new("/usr/bin/setpriv").exists() {
            eprintln!(
                "skipped: running as root and setpriv is missing, so no folder is unreadable"
            );
            return None;
        }
        let mut c = Command::new("/usr/bin/setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups", binary]);
        c
    } else {
        Command::new(binary)
    };
    let output = command.args(args).current_dir("/").output().unwrap();
    Some(Outcome {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    })
}

#[test]
fn an_unreadable_subfolder_is_a_warning_naming_it_and_the_rest_loads() {
    let dir = std::env::temp_dir().join(format!("kqlite-unreadable-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let sample = repo_root().join("tests/data/aws/vpc-flowlog-sample.log");
    for sub in ["logs/ok", "logs/locked/deeper"] {
        std::fs::create_dir_all(dir.join(sub)).unwrap();
        std::fs::copy(&sample, dir.join(sub).join("flows.log")).unwrap();
    }
    let open = std::fs::Permissions::from_mode(0o755);
    for sub in ["", "logs", "logs/ok", "logs/locked", "logs/locked/deeper"] {
        std::fs::set_permissions(dir.join(sub), open.clone()).unwrap();
    }
    for file in ["logs/ok/flows.log", "logs/locked/deeper/flows.log"] {
        std::fs::set_permissions(dir.join(file), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    let locked = dir.join("logs/locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    let logs = dir.join("logs");
    let logs = logs.to_str().unwrap();
    let query = [
        "query",
        "AWSVPCFlow | count",
        "--logs",
        logs,
        "--format",
        "csv",
    ];

    let outcome = kqlite_unprivileged(&query);
    let strict = kqlite_unprivileged(&[&query[..], &["--strict"]].concat());
    std::fs::set_permissions(&locked, open).unwrap();
    std::fs::remove_dir_all(&dir).unwrap();
    let (Some(out), Some(strict)) = (outcome, strict) else {
        return;
    };

    assert_eq!(out.code, Some(0), "{}", out.stderr);
    assert_eq!(
        out.stdout, "Count\r\n3\r\n",
        "the readable folder's 3 records"
    );
    let named = format!(
        "{}: cannot read the folder: Permission denied",
        locked.display()
    );
    assert!(
        out.stderr.contains(&format!("warning: {named}")),
        "{}",
        out.stderr
    );
    assert_eq!(strict.code, Some(3), "{}", strict.stderr);
    assert!(
        strict.stderr.contains(&format!("error: {named}")),
        "{}",
        strict.stderr
    );
}
