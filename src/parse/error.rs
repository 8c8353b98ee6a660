//! pest's errors in words: what the grammar expected at the furthest point it reached (never a
//! raw rule name), what the query has there, and a hint when a keyword was written in the wrong
//! case (KQL keywords are case-sensitive).

use super::Rule;
use crate::ast::Span;
use crate::error::{Error, ErrorKind};
use pest::error::{ErrorVariant, InputLocation};

/// Every keyword of the grammar, for the did-you-mean-lower-case hint.
const KEYWORDS: &[&str] = &[
    "let",
    "view",
    "declare",
    "query_parameters",
    "set",
    "datatable",
    "print",
    "range",
    "from",
    "to",
    "step",
    "union",
    "externaldata",
    "with",
    "where",
    "filter",
    "project",
    "project-away",
    "project-keep",
    "project-rename",
    "project-reorder",
    "extend",
    "summarize",
    "by",
    "sort",
    "order",
    "asc",
    "desc",
    "nulls",
    "first",
    "last",
    "take",
    "limit",
    "top",
    "top-nested",
    "of",
    "others",
    "count",
    "distinct",
    "mv-expand",
    "mvexpand",
    "mv-apply",
    "typeof",
    "on",
    "getschema",
    "serialize",
    "as",
    "render",
    "join",
    "lookup",
    "and",
    "or",
    "parse",
    "parse-where",
    "make-series",
    "default",
    "in",
    "invoke",
    "sample",
    "evaluate",
    "datetime",
    "timespan",
    "time",
    "guid",
    "dynamic",
    "contains",
    "has",
    "startswith",
    "endswith",
    "between",
    "matches",
    "regex",
    "true",
    "false",
    "null",
];

/// The query's tabular operators, named together when the parser expected any one of them.
const OPERATORS_PHRASE: &str =
    "a tabular operator (`where`, `project`, `extend`, `summarize`, `join`, …)";
const EXPRESSION: &str = "an expression";
/// Infix and postfix operators: offered only when nothing else would fit.
const CONTINUATION: &str = "an operator such as `==` or `and`";

pub(super) fn syntax_error(source: &str, e: &pest::error::Error<Rule>) -> Error {
    let mut at = match e.location {
        InputLocation::Pos(p) => p,
        InputLocation::Span((s, _)) => s,
    };
    let mut expected: Vec<&str> = Vec::new();
    if let ErrorVariant::ParsingError { positives, .. } = &e.variant {
        expected.extend(positives.iter().map(|r| describe(*r)));
    }
    if let Some(attempts) = e.parse_attempts() {
        // pest places its error at the furthest *rule* it tried; the detailed attempts also see
        // literal tokens, which can reach further (`x in 1` stops where `(` was wanted).
        let mut tokens: Vec<&str> = attempts
            .expected_tokens()
            .iter()
            // The token type is not exported; its text is its `Display`.
            .filter_map(|t| punctuation(&t.to_string()))
            .collect();
        if attempts.max_position > at && !tokens.is_empty() {
            at = attempts.max_position;
            expected = tokens;
        } else if attempts.max_position == at {
            expected.append(&mut tokens);
        }
    }
    let at = skip_blank(source, at);
    let wanted_operator = expected.contains(&OPERATORS_PHRASE);
    let expected = phrase(expected);
    let (found, found_len) = found_at(source, at);
    let error = Error::at(
        ErrorKind::Syntax { expected, found },
        Span::new(at, at + found_len),
    );
    if let Some(word) = word_at(source, at) {
        let lower = word.to_lowercase();
        if lower != word && KEYWORDS.contains(&lower.as_str()) {
            return error.with_help(format!("KQL is case-sensitive: did you mean `{lower}`?"));
        }
    }
    operator_hint(source, at, wanted_operator, error)
}

/// Documented KQL operators kqlite does not have, and what to write instead.
const UNSUPPORTED_OPERATORS: &[(&str, &str)] = &[
    (
        "search",
        "name the table and filter it: `T | where Column has \"term\"`",
    ),
    ("find", "name the tables: `union T1, T2 | where …`"),
    ("facet", "run one `summarize count() by Column` per facet"),
    (
        "fork",
        "run each branch as its own query; a `let` can hold the shared part",
    ),
    ("sample-distinct", "`distinct Column | take N`"),
    (
        "partition",
        "`summarize … by` the partition column, or one query per partition",
    ),
    (
        "scan",
        "`serialize` and `prev()`/`next()` or `row_cumsum()`",
    ),
    ("make-graph", "kqlite has no graph operators"),
];

/// The tabular operators, for a did-you-mean on a misspelt one and the shell's completion.
pub const OPERATOR_NAMES: &[&str] = &[
    "where",
    "filter",
    "project",
    "project-away",
    "project-keep",
    "project-rename",
    "project-reorder",
    "extend",
    "summarize",
    "sort",
    "order",
    "take",
    "limit",
    "top",
    "top-nested",
    "count",
    "distinct",
    "mv-expand",
    "mv-apply",
    "getschema",
    "serialize",
    "as",
    "render",
    "join",
    "lookup",
    "union",
    "parse",
    "parse-where",
    "make-series",
    "invoke",
    "sample",
    "evaluate",
];

/// Say more where a tabular operator was wanted (a misspelt or unsupported one), where a
/// query starts with `search`/`find`, and where `=` stands for `==`.
fn operator_hint(source: &str, at: usize, wanted_operator: bool, error: Error) -> Error {
    let word = word_at(source, at);
    let previous = previous_word(source, at);
    let unsupported = |name: &str| UNSUPPORTED_OPERATORS.iter().find(|(n, _)| *n == name);
    // `search "x"` / `find where …` at the start of a query stop at what follows the operator.
    let at_start = source[..at]
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .flat_map(str::split_whitespace)
        .count()
        == 1;
    let culprit = match (word, previous) {
        (Some(w), _) if wanted_operator => Some((w, error.span)),
        (_, Some((p, start))) if at_start && matches!(p, "search" | "find") => {
            Some((p, Some(Span::new(start, start + p.len()))))
        }
        _ => None,
    };
    if let Some(((name, instead), span)) =
        culprit.and_then(|(w, span)| unsupported(w).map(|u| (u, span)))
    {
        return Error {
            span,
            kind: ErrorKind::Unsupported(format!(
                "`{name}`, a documented KQL operator that kqlite does not have"
            )),
            help: Some(format!("instead, {instead}")),
        };
    }
    if let (Some(w), true) = (word, wanted_operator) {
        let nearest = OPERATOR_NAMES
            .iter()
            .map(|op| (crate::error::edit_distance(w, op), *op))
            .filter(|(d, op)| *d <= (op.len() / 3).max(1))
            .min();
        if let Some((_, op)) = nearest {
            return error.with_help(format!("did you mean `{op}`?"));
        }
    }
    let rest = &source[at..];
    if rest.starts_with('=') && !rest.starts_with("==") && !rest.starts_with("=~") {
        return error.with_help("`=` names a column (`extend X = …`); to compare, write `==`");
    }
    error
}

/// The word that ends just before `at` (skipping blanks), if any, and where it starts.
fn previous_word(source: &str, at: usize) -> Option<(&str, usize)> {
    let before = source[..at].trim_end();
    let start = before
        .char_indices()
        .rfind(|&(_, c)| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))
        // Past the separator, which may be several bytes long (a BOM, found by fuzzing).
        .map_or(0, |(i, c)| i + c.len_utf8());
    (start < before.len()).then(|| (&before[start..], start))
}

/// Join the phrases, most useful first, without repeats: "a, b, or c".
fn phrase(mut items: Vec<&str>) -> String {
    if items.contains(&EXPRESSION) {
        // Whatever can start an expression (and the tabular sources, attempted wherever a
        // pipeline may stand) is said by "an expression".
        items.retain(|p| !EXPRESSION_STARTS.contains(p));
    }
    if items.contains(&CONTINUATION) && items.iter().any(|p| *p != CONTINUATION) {
        // After a complete expression, a call's `(`, an index's `[` and the operators are all
        // possible; naming them crowds out what was more likely meant (`|`, `,`, `)`).
        items.retain(|p| !matches!(*p, CONTINUATION | "`(`" | "`[`" | "`==`"));
    }
    if items.iter().any(|p| *p != HINT && *p != "`[`") {
        // `[` only starts a `['bracketed name']`, and hints are optional: both are noise
        // next to what is really missing.
        items.retain(|p| *p != HINT && *p != "`[`");
    }
    if items.contains(&OPERATORS_PHRASE) {
        items.retain(|p| *p != "`union`");
    }
    let mut seen = Vec::new();
    for item in items {
        if !seen.contains(&item) {
            seen.push(item);
        }
    }
    // End of query reads best last.
    if let Some(i) = seen.iter().position(|p| *p == "end of query") {
        let end = seen.remove(i);
        seen.push(end);
    }
    match seen.len() {
        0 => "something else".to_string(),
        1 => seen[0].to_string(),
        2 => format!("{} or {}", seen[0], seen[1]),
        n => format!("{}, or {}", seen[..n - 1].join(", "), seen[n - 1]),
    }
}

const EXPRESSION_STARTS: &[&str] = &[
    "`datatable`",
    "`print`",
    "`range`",
    "`union`",
    "`externaldata`",
    "a string",
    "a name",
    TYPE_NAME,
    "`typeof`",
    "`(`",
    "`[`",
];
const HINT: &str = "a hint such as `hint.strategy=shuffle`";
const TYPE_NAME: &str = "a type name such as `string` or `long`";

/// Literal tokens worth naming (pest reports them only through its detailed attempts).
fn punctuation(token: &str) -> Option<&'static str> {
    Some(match token {
        "(" => "`(`",
        ")" => "`)`",
        "[" => "`[`",
        "]" => "`]`",
        "{" => "`{`",
        "}" => "`}`",
        "," => "`,`",
        ";" => "`;`",
        "|" => "`|`",
        "=" => "`=`",
        ":" => "`:`",
        ".." => "`..`",
        "==" => "`==`",
        _ => return None,
    })
}

/// What the grammar rule stands for, in words.
fn describe(rule: Rule) -> &'static str {
    use Rule::*;
    match rule {
        EOI => "end of query",
        query | let_stmt | declare_stmt | set_stmt => "a statement",
        function_def | body => "a function body",
        param => "a parameter",
        tabular_type | any_columns | column_def => "a column declaration such as `Name:string`",
        option_name => "an option name",
        pipeline | expr | named_expr | assign_names | paren | call | star_arg | named_arg
        | type_of | join_side | side | datetime_lit | timespan_call | guid_lit | raw_text
        | typed_lit | typed_value | signed_number | dynamic_lit | dynamic_scalar | timespan
        | timespan_unit | real | long | bool | null | neg | param_value | member_name => EXPRESSION,
        string | string_part | multiline | multiline_text | verbatim | verbatim_dq
        | verbatim_sq | quoted | quoted_dq | quoted_sq => "a string",
        dynamic_array | dynamic_object | dynamic_pair => "a dynamic value",
        datatable | kw_datatable => "`datatable`",
        print_source | kw_print => "`print`",
        range_source | kw_range => "`range`",
        union_source | union_op | kw_union => "`union`",
        externaldata | kw_externaldata => "`externaldata`",
        option => "an option such as `format=\"csv\"`",
        table_ref | sub_query | table_pattern | join_right => "a table",
        where_op | project_op | project_away_op | project_keep_op | project_rename_op
        | project_reorder_op | extend_op | summarize_op | sort_op | take_op | top_op | count_op
        | distinct_op | mv_expand_op | mv_apply_op | getschema_op | serialize_op | as_op
        | render_op | join_op | lookup_op | parse_op | parse_where_op | make_series_op
        | top_nested_op | invoke_op | sample_op | evaluate_op | kw_where | kw_filter
        | kw_project | kw_project_away | kw_project_keep | kw_project_rename
        | kw_project_reorder | kw_extend | kw_summarize | kw_sort | kw_order | kw_take | kw_top
        | kw_top_nested | kw_count | kw_distinct | kw_mv_expand | kw_mv_apply | kw_getschema
        | kw_serialize | kw_as | kw_render | kw_join | kw_lookup | kw_parse | kw_parse_where
        | kw_make_series | kw_invoke | kw_sample | kw_evaluate => OPERATORS_PHRASE,
        rename => "a rename such as `New = Old`",
        reorder_item | column_pattern | pattern_word => "a column name",
        reorder_order | sort_order | kw_asc | kw_desc => "`asc` or `desc`",
        aggregates => "an aggregate such as `count()`",
        summarize_by | series_by | kw_by => "`by`",
        sort_key => "a sort key",
        nulls_order | kw_nulls => "`nulls first` or `nulls last`",
        kw_first => "`first`",
        kw_last => "`last`",
        star => "`*`",
        union_body => "the tables to union",
        union_param | union_key => "a union parameter such as `isfuzzy=true`",
        mv_param | mv_key => "a parameter such as `with_itemindex=i`",
        mv_item => "a column to expand",
        mv_to_type => "`to typeof(…)`",
        mv_limit | kw_limit => "`limit`",
        apply_body => "the operators to apply",
        render_kind => "a chart kind such as `piechart`",
        render_prop => "a property such as `title=\"…\"`",
        join_param | join_key => "a parameter such as `kind=inner`",
        join_on | kw_on => "`on`",
        join_condition => "a join condition (`Key`, `$left.a == $right.b`)",
        parse_param | parse_key => "a parameter such as `kind=regex`",
        parse_capture => "a column name to capture",
        series_aggregate => "an aggregate such as `count()`",
        series_in_range => "`in range(…)`",
        series_from | kw_from => "`from`",
        series_to | kw_to => "`to`",
        series_step | kw_step => "`step`",
        top_nested_level => "`top-nested`",
        top_nested_count => "a count",
        top_nested_others => "`with others = …`",
        hint_param | hint_key => HINT,
        op_or | op_and | op_compare | op_string | op_add | op_sub | op_mul | op_div | op_mod
        | index | member | in_list | op_in | has_list | op_has_list | between | op_between => {
            CONTINUATION
        }
        ident | bracketed_name | name => "a name",
        type_name | scalar_type => TYPE_NAME,
        kw_let => "`let`",
        kw_view => "`view`",
        kw_declare => "`declare`",
        kw_query_parameters => "`query_parameters`",
        kw_set => "`set`",
        kw_with => "`with`",
        kw_of => "`of`",
        kw_others => "`others`",
        kw_typeof => "`typeof`",
        kw_and => "`and`",
        kw_default => "`default`",
        kw_in => "`in`",
        kw_datetime | kw_timespan | kw_time | kw_guid | kw_uuid | kw_dynamic => EXPRESSION,
        _ => "something else",
    }
}

/// The offset of the first character at or after `at` that is not whitespace or a comment.
fn skip_blank(source: &str, mut at: usize) -> usize {
    loop {
        let rest = &source[at.min(source.len())..];
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        if trimmed.starts_with("//") {
            at += trimmed.find('\n').unwrap_or(trimmed.len());
        } else {
            return at.min(source.len());
        }
    }
}

/// The word (letters, digits, `_`, and `-` inside a word) starting at `at`.
fn word_at(source: &str, at: usize) -> Option<&str> {
    let rest = &source[at..];
    let mut end = 0;
    let bytes = rest.as_bytes();
    while end < bytes.len() {
        let b = bytes[end];
        let inner_dash =
            b == b'-' && end > 0 && bytes.get(end + 1).is_some_and(u8::is_ascii_alphabetic);
        if b.is_ascii_alphanumeric() || b == b'_' || inner_dash {
            end += 1;
        } else {
            break;
        }
    }
    (end > 0).then(|| &rest[..end])
}

/// The token found at `at`, as shown to the user, and its length in bytes.
fn found_at(source: &str, at: usize) -> (String, usize) {
    let rest = &source[at..];
    let Some(first) = rest.chars().next() else {
        return ("end of query".to_string(), 0);
    };
    if let Some(word) = word_at(source, at) {
        return (format!("`{word}`"), word.len());
    }
    if first == '"' || first == '\'' {
        let line = rest.lines().next().unwrap_or(rest);
        // The closing quote, skipping escaped ones.
        let mut escaped = false;
        let close = line.char_indices().skip(1).find(|&(_, c)| {
            let end = c == first && !escaped;
            escaped = c == '\\' && !escaped;
            end
        });
        return match close {
            Some((i, _)) => (format!("the string {}", &rest[..=i]), i + 1),
            None => ("a string with no closing quote".to_string(), line.len()),
        };
    }
    for op in ["==", "!=", "=~", "!~", "<=", ">=", "..", "<>"] {
        if rest.starts_with(op) {
            return (format!("`{op}`"), op.len());
        }
    }
    if first == '`' {
        return ("a backtick".to_string(), 1);
    }
    (format!("`{first}`"), first.len_utf8())
}
