//! JUnit XML, the test report GitHub Actions (through report actions), Azure Pipelines
//! (`PublishTestResults`) and GitLab (`artifacts:reports:junit`) read: one `<testsuite>` of
//! `<testcase>`s, a failing check carrying `<failure>`, a broken query `<error>`.
//!
//! A check that failed below `--fail-on` is written as `<skipped>` with the reason: it is still
//! reported, but a CI reading the file does not turn red over what the exit code let pass.

use super::{Case, Verdict};

/// The report for `cases` as one suite named `suite` (`kqlite check`, `kqlite validate`).
pub fn write(suite: &str, cases: &[Case]) -> String {
    let count = |f: fn(&Verdict) -> bool| cases.iter().filter(|c| f(&c.verdict)).count();
    let failures = count(|v| matches!(v, Verdict::Fail { counts: true, .. }));
    let skipped = count(|v| matches!(v, Verdict::Fail { counts: false, .. }));
    let errors = count(|v| matches!(v, Verdict::Error { .. }));
    let seconds: f64 = cases.iter().map(|c| c.seconds).sum();
    let totals = format!(
        "name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" skipped=\"{skipped}\" time=\"{seconds:.3}\"",
        attr(suite),
        cases.len()
    );
    let mut xml = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    xml.push_str(&format!("<testsuites {totals}>\n"));
    xml.push_str(&format!("  <testsuite {totals}>\n"));
    for case in cases {
        write_case(&mut xml, suite, case);
    }
    xml.push_str("  </testsuite>\n</testsuites>\n");
    xml
}

fn write_case(xml: &mut String, suite: &str, case: &Case) {
    let open = format!(
        "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\" line=\"{}\" time=\"{:.3}\"",
        attr(&case.name),
        attr(&classname(suite, &case.file)),
        attr(&case.file),
        case.line,
        case.seconds
    );
    match &case.verdict {
        Verdict::Pass => xml.push_str(&format!("{open}/>\n")),
        Verdict::Fail {
            severity,
            counts: true,
            message,
            details,
        } => {
            xml.push_str(&format!("{open}>\n"));
            xml.push_str(&format!(
                "      <failure message=\"{}\" type=\"{severity}\">{}</failure>\n",
                attr(message),
                text(details)
            ));
            xml.push_str("    </testcase>\n");
        }
        Verdict::Fail {
            severity,
            counts: false,
            message,
            details,
        } => {
            xml.push_str(&format!("{open}>\n"));
            xml.push_str(&format!(
                "      <skipped message=\"{}\"/>\n",
                attr(&format!(
                    "failed ({message}), but severity {severity} is below --fail-on"
                ))
            ));
            xml.push_str(&format!(
                "      <system-out>{}</system-out>\n",
                text(details)
            ));
            xml.push_str("    </testcase>\n");
        }
        Verdict::Error {
            kind,
            message,
            details,
        } => {
            xml.push_str(&format!("{open}>\n"));
            xml.push_str(&format!(
                "      <error message=\"{}\" type=\"{kind}\">{}</error>\n",
                attr(message),
                text(details)
            ));
            xml.push_str("    </testcase>\n");
        }
    }
}

/// `kqlite.check.checks.no-ssh`: the suite and the file path, dotted, as JUnit readers group
/// test cases by class.
fn classname(suite: &str, file: &str) -> String {
    let path = file
        .strip_suffix(".kql")
        .unwrap_or(file)
        .trim_start_matches("./")
        .replace(['/', '\\'], ".");
    format!("{}.{path}", suite.replace(' ', "."))
}

/// Text in an attribute value: markup characters, quotes and line breaks escaped, and
/// characters XML 1.0 cannot carry dropped.
fn attr(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' => out.push_str("&#9;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// Element text: markup characters escaped, line breaks kept.
fn text(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c if is_xml_char(c) => out.push(c),
            _ => {}
        }
    }
    out
}

/// The characters XML 1.0 allows (no other control characters, no lone surrogates).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::super::Severity;
    use super::*;

    fn case(name: &str, verdict: Verdict) -> Case {
        Case {
            name: name.into(),
            file: "checks/ssh.kql".into(),
            line: 3,
            column: 1,
            seconds: 0.0125,
            verdict,
        }
    }

    #[test]
    fn suites_count_each_verdict() {
        let cases = [
            case("ok", Verdict::Pass),
            case(
                "bad <ssh> & \"rdp\"",
                Verdict::Fail {
                    severity: Severity::High,
                    counts: true,
                    message: "2 rows, expected empty".into(),
                    details: "DestPort\n--------\n22 <x>\n".into(),
                },
            ),
            case(
                "meh",
                Verdict::Fail {
                    severity: Severity::Low,
                    counts: false,
                    message: "1 row, expected empty".into(),
                    details: "x\n".into(),
                },
            ),
            case(
                "broken",
                Verdict::Error {
                    kind: "query error",
                    message: "unknown column `Port`".into(),
                    details: "error: unknown column `Port`\n\u{1}".into(),
                },
            ),
        ];
        let xml = write("kqlite check", &cases);
        assert!(xml.starts_with("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"kqlite check\" tests=\"4\" failures=\"1\" errors=\"1\" skipped=\"1\" time=\"0.050\">"), "{xml}");
        assert!(xml.contains(
            "<testcase name=\"ok\" classname=\"kqlite.check.checks.ssh\" file=\"checks/ssh.kql\" line=\"3\" time=\"0.013\"/>"
        ), "{xml}");
        assert!(
            xml.contains("name=\"bad &lt;ssh&gt; &amp; &quot;rdp&quot;\""),
            "{xml}"
        );
        assert!(xml.contains(
            "<failure message=\"2 rows, expected empty\" type=\"high\">DestPort\n--------\n22 &lt;x&gt;\n</failure>"
        ), "{xml}");
        assert!(xml.contains("<skipped message=\"failed (1 row, expected empty), but severity low is below --fail-on\"/>"), "{xml}");
        assert!(xml.contains("<error message=\"unknown column `Port`\" type=\"query error\">error: unknown column `Port`\n</error>"), "{xml}");
        assert!(xml.ends_with("  </testsuite>\n</testsuites>\n"));
    }

    #[test]
    fn attributes_escape_line_breaks() {
        assert_eq!(attr("a\nb\t'c'"), "a&#10;b&#9;&apos;c&apos;");
    }
}
