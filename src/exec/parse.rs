//! `parse` and `parse-where`: match each row's text against the pattern (compiled by bind to one
//! regex; a group named like a capture column fills it, else group i + 1 fills column i) and append the captures, converted to
//! their declared types. `parse` keeps rows that do not match, with empty/null captures;
//! `parse-where` drops them, and also drops rows whose typed captures do not convert. A strict
//! pattern (`kind=simple`/`regex`) treats such a row as unmatched; `kind=relaxed` nulls only the
//! value that does not convert.

use super::convert::text_to_value;
use super::{batch, project::filter_rows, runtime};
use crate::error::Error;
use crate::table::{Column, Schema, Table, Type, Value};
use regex::Regex;
use std::borrow::Cow;

pub(super) struct Parser<'a> {
    regex: Regex,
    /// Per capture column: the regex group filling it, and its type.
    groups: Vec<usize>,
    types: Vec<Type>,
    /// A typed value that does not convert fails the whole row (`kind=simple`/`regex`).
    strict: bool,
    where_only: bool,
    schema: &'a Schema,
}

impl<'a> Parser<'a> {
    pub(super) fn new(
        pattern: &crate::plan::ParsePattern,
        where_only: bool,
        schema: &'a Schema,
    ) -> Result<Parser<'a>, Error> {
        let regex = Regex::new(&pattern.regex)
            .map_err(|e| runtime(format!("invalid parse pattern: {e}")))?;
        // A group named after the column fills it; otherwise group i + 1 fills column i.
        let groups = pattern
            .captures
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                regex
                    .capture_names()
                    .position(|n| n == Some(name.as_str()))
                    .unwrap_or(i + 1)
            })
            .collect();
        Ok(Parser {
            regex,
            groups,
            types: pattern.captures.iter().map(|(_, ty)| *ty).collect(),
            strict: pattern.strict,
            where_only,
            schema,
        })
    }

    /// `input` with the capture columns appended (`source` is the text parsed, per row).
    pub(super) fn apply(&self, input: Table, source: &Column) -> Table {
        let rows = input.num_rows();
        let mut captures: Vec<Column> = self
            .types
            .iter()
            .map(|&ty| Column::with_capacity(ty, rows))
            .collect();
        let mut keep = vec![true; rows];
        let mut locations = self.regex.capture_locations();
        let mut values: Vec<Value> = Vec::with_capacity(self.types.len());
        for (row, kept) in keep.iter_mut().enumerate() {
            let text = row_text(source, row);
            values.clear();
            if self.regex.captures_read(&mut locations, &text).is_some() {
                for (&group, &ty) in self.groups.iter().zip(&self.types) {
                    let captured = locations.get(group).map_or("", |(s, e)| &text[s..e]);
                    match text_to_value(captured, ty) {
                        Some(value) => values.push(value),
                        None if self.where_only => {
                            *kept = false;
                            break;
                        }
                        None if self.strict => {
                            // The row did not parse: every capture stays null/empty.
                            values.clear();
                            break;
                        }
                        None => values.push(Value::Null),
                    }
                }
            } else if self.where_only {
                *kept = false;
            }
            if *kept {
                for (i, column) in captures.iter_mut().enumerate() {
                    column.push(values.get(i).unwrap_or(&Value::Null));
                }
            }
        }
        let input = if self.where_only {
            filter_rows(input, &keep)
        } else {
            input
        };
        let mut columns = input.columns;
        columns.extend(captures);
        batch(self.schema, columns)
    }
}

/// The text of `source[row]`: strings as they are, dynamic strings unquoted, others formatted.
fn row_text(source: &Column, row: usize) -> Cow<'_, str> {
    match source {
        Column::String(values) => Cow::Borrowed(&values[row]),
        Column::Dynamic(values) => match &values[row] {
            serde_json::Value::String(s) => Cow::Borrowed(s),
            serde_json::Value::Null => Cow::Borrowed(""),
            other => Cow::Owned(other.to_string()),
        },
        other if other.is_null(row) => Cow::Borrowed(""),
        other => Cow::Owned(crate::format::string_form(&other.get(row))),
    }
}

#[cfg(test)]
mod tests {
    use crate::exec::test_util::*;
    use crate::plan::{Node, ParsePattern, Plan};
    use crate::table::{Type, Value};
    use std::sync::Arc;

    fn parse(where_only: bool) -> Plan {
        let input = values(&[(
            "line",
            strings(&["id=7 user=ann", "garbage", "id=x user=bob"]),
        )]);
        Plan {
            schema: schema(&[
                ("line", Type::String),
                ("id", Type::Long),
                ("user", Type::String),
            ]),
            node: Node::Parse {
                input: Arc::new(values_plan(input)),
                source: col(0, Type::String),
                pattern: ParsePattern {
                    regex: r"^id=(.*?) user=(.*)$".into(),
                    captures: vec![("id".into(), Type::Long), ("user".into(), Type::String)],
                    strict: false,
                },
                where_only,
            },
        }
    }

    #[test]
    fn parse_keeps_unmatched_rows_with_empty_captures() {
        assert_eq!(
            rows(&run(parse(false))),
            vec![
                vec![str_value("id=7 user=ann"), Value::Long(7), str_value("ann")],
                vec![str_value("garbage"), Value::Null, str_value("")],
                vec![str_value("id=x user=bob"), Value::Null, str_value("bob")],
            ]
        );
    }

    #[test]
    fn strict_patterns_fail_the_row_on_a_value_that_does_not_convert() {
        let mut plan = parse(false);
        if let Node::Parse { pattern, .. } = &mut plan.node {
            pattern.strict = true;
        }
        assert_eq!(
            rows(&run(plan))[2],
            vec![str_value("id=x user=bob"), Value::Null, str_value("")]
        );
    }

    #[test]
    fn named_groups_fill_the_columns_of_that_name() {
        let mut plan = parse(false);
        if let Node::Parse { pattern, .. } = &mut plan.node {
            pattern.regex = r"^id=(?P<id>\S*) user=(?P<user>.*)$".into();
        }
        assert_eq!(rows(&run(plan))[0][1..], [Value::Long(7), str_value("ann")]);
    }

    #[test]
    fn parse_where_drops_unmatched_and_unconvertible_rows() {
        assert_eq!(
            rows(&run(parse(true))),
            vec![vec![
                str_value("id=7 user=ann"),
                Value::Long(7),
                str_value("ann")
            ]]
        );
    }
}
