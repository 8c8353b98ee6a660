//! Query collections: a `.kql` file holding several queries separated by blank lines, the way
//! the Log Analytics portal keeps a query tab (its editor runs the query under the cursor, the
//! blank lines being the boundaries).
//!
//! kqlite splits a file only when asked (`--query N`, `--all`) or when the whole file does not
//! compile, because a blank line inside one query is valid KQL and must keep working. A block
//! of comment lines alone belongs to the query after it, so a title may stand above a blank line.

/// One query of a collection.
#[derive(Debug, Clone, PartialEq)]
pub struct Piece {
    /// The query's text, preceded by as many line breaks as lines come before it in the file,
    /// so that errors point at the file's own line numbers.
    pub text: String,
    /// The first comment line (`// Top talkers` → `Top talkers`), if any.
    pub title: Option<String>,
    /// 1-based line of the file where the query starts.
    pub line: usize,
}

impl Piece {
    /// How reports name the query: `query 2 (Top talkers)`.
    pub fn label(&self, number: usize) -> String {
        match &self.title {
            Some(title) => format!("query {number} ({title})"),
            None => format!("query {number}"),
        }
    }
}

/// The queries of `text`, split at blank lines; a piece of only comments joins the next one.
pub fn split(text: &str) -> Vec<Piece> {
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let mut pieces: Vec<Piece> = Vec::new();
    // The first line of the piece being gathered, and whether it has anything but comments.
    let mut start: Option<usize> = None;
    let mut has_code = false;
    let is_blank = |l: &str| l.trim().is_empty();
    let is_comment = |l: &str| l.trim_start().starts_with("//");
    let close = |from: usize, to: usize, pieces: &mut Vec<Piece>| {
        let body: String = lines[from..to].concat();
        let title = lines[from..to]
            .iter()
            .find(|l| is_comment(l))
            .map(|l| l.trim_start().trim_start_matches('/').trim().to_string())
            .filter(|t| !t.is_empty());
        pieces.push(Piece {
            text: "\n".repeat(from) + &body,
            title,
            line: from + 1,
        });
    };
    for (i, line) in lines.iter().enumerate() {
        if is_blank(line) {
            if let (Some(from), true) = (start, has_code) {
                close(from, i, &mut pieces);
                start = None;
                has_code = false;
            }
            continue;
        }
        start.get_or_insert(i);
        has_code |= !is_comment(line);
    }
    if let Some(from) = start {
        if has_code || pieces.is_empty() {
            close(from, lines.len(), &mut pieces);
        }
    }
    pieces
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_lines_separate_queries_and_titles_stay_with_theirs() {
        let text =
            "// Denied flows\nT\n| where X == 1\n\n\n// Top talkers\n\nT | top 3 by B\n\nU\n";
        let pieces = split(text);
        assert_eq!(pieces.len(), 3);
        assert_eq!(pieces[0].title.as_deref(), Some("Denied flows"));
        assert_eq!(pieces[0].line, 1);
        assert_eq!(pieces[1].title.as_deref(), Some("Top talkers"));
        assert_eq!(pieces[1].line, 6);
        assert_eq!(
            pieces[1].text,
            "\n\n\n\n\n// Top talkers\n\nT | top 3 by B\n"
        );
        assert_eq!(pieces[2].title, None);
        assert_eq!(pieces[2].label(3), "query 3");
        assert_eq!(pieces[1].label(2), "query 2 (Top talkers)");
    }

    #[test]
    fn one_query_is_one_piece() {
        assert_eq!(split("T | take 1").len(), 1);
        assert_eq!(split("// only a comment\n").len(), 1);
    }
}
