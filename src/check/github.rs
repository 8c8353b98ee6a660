//! GitHub Actions workflow commands: `::error file=…,line=…::message` lines, which the runner
//! turns into annotations on the check file in the pull request. A failure of a high or medium
//! check is an error, of a low or informational one a warning; a broken query is an error.

use super::{Case, Severity, Verdict};

/// One workflow command per case that did not pass, each ending in a newline.
pub fn annotations(cases: &[Case]) -> String {
    cases.iter().filter_map(annotation).collect()
}

fn annotation(case: &Case) -> Option<String> {
    let (level, title, message) = match &case.verdict {
        Verdict::Pass => return None,
        Verdict::Fail {
            severity,
            message,
            details,
            ..
        } => {
            let level = if *severity >= Severity::Medium {
                "error"
            } else {
                "warning"
            };
            let title = format!("{} ({severity})", case.name);
            (level, title, format!("{message}\n{details}"))
        }
        Verdict::Error {
            kind,
            message,
            details,
        } => {
            let title = format!("{}: {kind}", case.name);
            let body = if details.is_empty() {
                message.clone()
            } else {
                details.clone()
            };
            ("error", title, body)
        }
    };
    Some(format!(
        "::{level} file={},line={},col={},title={}::{}\n",
        property(&case.file),
        case.line,
        case.column,
        property(&title),
        data(message.trim_end())
    ))
}

/// A command's message: `%`, CR and LF encoded so that it stays on one line, other control
/// characters escaped (`\x1b`) so that they reach neither the log nor the annotation.
fn data(s: &str) -> String {
    let encoded = s
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    crate::control_chars::escape(&encoded).into_owned()
}

/// A command's property value: as `data`, and `:` and `,` too, which separate properties.
fn property(s: &str) -> String {
    data(s).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn case(verdict: Verdict) -> Case {
        Case {
            name: "No SSH, please".into(),
            file: "checks/ssh.kql".into(),
            line: 2,
            column: 1,
            seconds: 0.0,
            verdict,
        }
    }

    fn fail(severity: Severity) -> Verdict {
        Verdict::Fail {
            severity,
            counts: true,
            message: "1 row, expected empty".into(),
            details: "DestPort\n--------\n22\n".into(),
        }
    }

    #[test]
    fn failures_are_errors_or_warnings_by_severity() {
        assert_eq!(
            annotations(&[case(fail(Severity::High))]),
            "::error file=checks/ssh.kql,line=2,col=1,title=No SSH%2C please (high)::1 row, expected empty%0ADestPort%0A--------%0A22\n"
        );
        assert!(annotations(&[case(fail(Severity::Medium))]).starts_with("::error "));
        assert!(annotations(&[case(fail(Severity::Low))]).starts_with("::warning "));
        assert!(annotations(&[case(fail(Severity::Informational))]).starts_with("::warning "));
        assert_eq!(annotations(&[case(Verdict::Pass)]), "");
    }

    #[test]
    fn errors_carry_the_rendered_error() {
        let text = annotations(&[Case {
            line: 3,
            column: 9,
            ..case(Verdict::Error {
                kind: "query error",
                message: "unknown column `Port`".into(),
                details: "error: unknown column `Port`\n --> checks/ssh.kql:3:9\n100% sure".into(),
            })
        }]);
        assert_eq!(
            text,
            "::error file=checks/ssh.kql,line=3,col=9,title=No SSH%2C please%3A query error::error: unknown column `Port`%0A --> checks/ssh.kql:3:9%0A100%25 sure\n"
        );
    }
}
