//! A report panel: one `.kql` file whose leading `// key: value` comments say how the report
//! shows its result, and the set of panels a report runs (the shipped ones, then `--panels DIR`).
//!
//! ```kql
//! // title: Top talkers: sources by bytes
//! // chart: table            (table, card, or a `render` kind such as timechart, piechart)
//! // section: Virtual network flows (NTANetAnalytics)
//! // when: topology          (optional: topology, no topology, or a query parameter's name)
//! // Any other comment line before the query is the panel's caption.
//! NTANetAnalytics | …
//! ```

use crate::ast::Span;
use crate::chart::KINDS;
use crate::check::header::leading_comments;
use crate::error::{Error, ErrorKind};
use std::path::{Path, PathBuf};

/// The section of panels whose header names none.
pub const DEFAULT_SECTION: &str = "Other panels";

/// A panel file as read: where it came from and its text.
#[derive(Debug, Clone, PartialEq)]
pub struct Panel {
    /// The file name (`25-application-ports.kql`): a `--panels` file of the same name replaces
    /// a shipped one, and panels run in name order.
    pub name: String,
    /// The path shown to the reader (`reports/traffic/25-application-ports.kql`).
    pub path: String,
    pub source: String,
}

/// What a panel's header says.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub title: String,
    /// `table`, `card`, a `render` kind, or None to follow the query's own `render`.
    pub chart: Option<String>,
    pub section: String,
    pub when: Option<Condition>,
    /// The other comment lines of the header, joined.
    pub caption: String,
}

/// When a panel is shown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Condition {
    /// `when: topology`: only with `--topology`.
    Topology,
    /// `when: no topology`: only without it.
    NoTopology,
    /// `when: NAME`: only when the query parameter NAME has a value (`--param`,
    /// `--gateway-subnet`, …).
    Parameter(String),
}

impl Condition {
    /// Whether the panel is shown, given whether a topology was read and which parameters
    /// have values.
    pub fn holds(&self, topology: bool, params: &[(String, String)]) -> bool {
        match self {
            Condition::Topology => topology,
            Condition::NoTopology => !topology,
            Condition::Parameter(name) => params.iter().any(|(n, v)| n == name && !v.is_empty()),
        }
    }
}

impl std::fmt::Display for Condition {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Condition::Topology => f.write_str("topology"),
            Condition::NoTopology => f.write_str("no topology"),
            Condition::Parameter(name) => f.write_str(name),
        }
    }
}

impl Panel {
    /// The file name without `.kql`: the panel's id in the page.
    pub fn id(&self) -> &str {
        self.name.strip_suffix(".kql").unwrap_or(&self.name)
    }

    /// Read the header; a value that is not accepted is an error pointing at it.
    pub fn header(&self) -> Result<Header, Error> {
        parse_header(&self.source, self.id())
    }
}

/// Read the leading comment block of `source`. `default_title` titles a panel without
/// `// title:`.
pub fn parse_header(source: &str, default_title: &str) -> Result<Header, Error> {
    let mut header = Header {
        title: default_title.to_string(),
        chart: None,
        section: DEFAULT_SECTION.to_string(),
        when: None,
        caption: String::new(),
    };
    for comment in leading_comments(source).comments {
        let keyed = comment
            .key_value()
            .filter(|(key, _, _)| HEADER_KEYS.contains(&key.as_str()));
        let Some((key, value, span)) = keyed else {
            if !header.caption.is_empty() {
                header.caption.push(' ');
            }
            header.caption.push_str(comment.text);
            continue;
        };
        match key.as_str() {
            "title" if !value.is_empty() => header.title = value.to_string(),
            "section" if !value.is_empty() => header.section = value.to_string(),
            "chart" => header.chart = Some(parse_chart(value, span)?),
            "when" => header.when = Some(parse_condition(value, span)?),
            _ => {}
        }
    }
    Ok(header)
}

const HEADER_KEYS: &[&str] = &["title", "chart", "section", "when"];

fn parse_chart(value: &str, span: Span) -> Result<String, Error> {
    let kind = value.to_ascii_lowercase();
    if KINDS.contains(&kind.as_str()) {
        return Ok(kind);
    }
    Err(
        Error::semantic(format!("unknown panel chart `{value}`"), span).with_help(format!(
            "chart is `table`, `card` or a render kind: {}",
            KINDS.join(", ")
        )),
    )
}

fn parse_condition(value: &str, span: Span) -> Result<Condition, Error> {
    let words: Vec<&str> = value.split_whitespace().collect();
    match words.as_slice() {
        ["topology"] => Ok(Condition::Topology),
        ["no", "topology"] => Ok(Condition::NoTopology),
        [name] if name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') => {
            Ok(Condition::Parameter(name.to_string()))
        }
        _ => Err(
            Error::semantic(format!("unknown panel condition `{value}`"), span)
                .with_help("when is `topology`, `no topology`, or a query parameter's name"),
        ),
    }
}

/// The panels of a report in name order: `shipped`, with each `.kql` file of the `extra`
/// folders added, or replacing the shipped panel of the same file name.
pub fn assemble(shipped: Vec<Panel>, extra: &[PathBuf]) -> Result<Vec<Panel>, Error> {
    let mut panels = shipped;
    for dir in extra {
        for panel in read_folder(dir)? {
            match panels.iter_mut().find(|p| p.name == panel.name) {
                Some(existing) => *existing = panel,
                None => panels.push(panel),
            }
        }
    }
    panels.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(panels)
}

/// The `.kql` files directly in `dir`.
fn read_folder(dir: &Path) -> Result<Vec<Panel>, Error> {
    let usage = |message: String| Error::new(ErrorKind::Usage(message));
    let entries =
        std::fs::read_dir(dir).map_err(|e| usage(format!("--panels {}: {e}", dir.display())))?;
    let mut panels = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| usage(format!("--panels {}: {e}", dir.display())))?
            .path();
        let is_kql = path
            .extension()
            .is_some_and(|x| x.eq_ignore_ascii_case("kql"));
        if !is_kql || !path.is_file() {
            continue;
        }
        let source = std::fs::read_to_string(&path)
            .map_err(|e| usage(format!("cannot read the panel {}: {e}", path.display())))?;
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        panels.push(Panel {
            name,
            path: path.display().to_string(),
            source,
        });
    }
    if panels.is_empty() {
        return Err(usage(format!(
            "--panels {}: no .kql files in this folder",
            dir.display()
        )));
    }
    Ok(panels)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_header_gives_title_chart_section_condition_and_caption() {
        let source = "// title: Top ports\n// chart: TimeChart\n// section: Flows\n\
                      // when: no topology\n// Ports by flows: the busiest first.\n\
                      T | take 1\n// title: not read";
        let header = parse_header(source, "stem").unwrap();
        assert_eq!(
            header,
            Header {
                title: "Top ports".into(),
                chart: Some("timechart".into()),
                section: "Flows".into(),
                when: Some(Condition::NoTopology),
                caption: "Ports by flows: the busiest first.".into(),
            }
        );
        let bare = parse_header("T", "stem").unwrap();
        assert_eq!(
            (bare.title.as_str(), bare.chart, bare.section.as_str()),
            ("stem", None, DEFAULT_SECTION)
        );
    }

    #[test]
    fn a_bad_header_value_is_an_error_at_its_line() {
        let source = "// title: x\n// chart: donut\nT";
        let error = parse_header(source, "x").unwrap_err();
        let rendered = error.render(source, "panels/x.kql");
        assert!(rendered.contains("panels/x.kql:2:11"), "{rendered}");
        assert!(
            rendered.contains("unknown panel chart `donut`"),
            "{rendered}"
        );
        assert!(parse_header("// when: sometimes maybe\nT", "x").is_err());
    }

    #[test]
    fn conditions_look_at_topology_and_parameters() {
        let params = vec![("gateway_subnet".to_string(), "10.0.0.0/24".to_string())];
        assert!(Condition::Topology.holds(true, &[]));
        assert!(!Condition::NoTopology.holds(true, &[]));
        assert!(Condition::Parameter("gateway_subnet".into()).holds(false, &params));
        assert!(!Condition::Parameter("firewall_subnet".into()).holds(false, &params));
    }

    #[test]
    fn a_panels_folder_adds_and_replaces_by_file_name() {
        let dir = std::env::temp_dir().join(format!("kqlite-panels-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("20-b.kql"), "// title: mine\nT").unwrap();
        std::fs::write(dir.join("15-new.kql"), "T").unwrap();
        std::fs::write(dir.join("notes.txt"), "not a panel").unwrap();
        let shipped = |name: &str| Panel {
            name: name.into(),
            path: format!("reports/traffic/{name}"),
            source: "S".into(),
        };
        let panels = assemble(
            vec![shipped("10-a.kql"), shipped("20-b.kql")],
            std::slice::from_ref(&dir),
        )
        .unwrap();
        let names: Vec<&str> = panels.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["10-a.kql", "15-new.kql", "20-b.kql"]);
        assert_eq!(panels[2].source, "// title: mine\nT");
        assert!(
            panels[2].path.ends_with("20-b.kql") && panels[2].path != "reports/traffic/20-b.kql"
        );
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(assemble(vec![], &[dir]).is_err());
    }
}
