//! Parser tests: shapes, precedence, literals, keyword boundaries and error wording.

use super::parse;
use crate::ast::*;
use crate::table::{TICKS_PER_DAY, TICKS_PER_SECOND};

const HOUR: i64 = 3600 * TICKS_PER_SECOND;
const MINUTE: i64 = 60 * TICKS_PER_SECOND;

fn query(src: &str) -> Query {
    parse(src).unwrap_or_else(|e| panic!("{}", e.render(src, "q")))
}

/// The one tabular statement of `src` (the last statement).
fn tabular(src: &str) -> TabularExpr {
    match query(src).statements.pop().map(|s| s.kind) {
        Some(StatementKind::Tabular(t)) => t,
        other => panic!("not tabular: {other:?}"),
    }
}

fn ops(src: &str) -> Vec<OperatorKind> {
    tabular(src).ops.into_iter().map(|o| o.kind).collect()
}

/// The expression `e` in `print e`.
fn expr(e: &str) -> Expr {
    match tabular(&format!("print {e}")).source.kind {
        SourceKind::Print(mut items) => items.remove(0).expr,
        other => panic!("{other:?}"),
    }
}

fn lit(e: &str) -> Literal {
    match expr(e).kind {
        ExprKind::Literal(l) => l,
        other => panic!("not a literal: {other:?}"),
    }
}

/// A compact, fully parenthesised rendering of an expression, for precedence tests.
fn show(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Name(n) => n.clone(),
        ExprKind::Literal(Literal::Long(v)) => v.to_string(),
        ExprKind::Literal(Literal::String(s)) => format!("{s:?}"),
        ExprKind::Literal(l) => format!("{l:?}"),
        ExprKind::Neg(x) => format!("(-{})", show(x)),
        ExprKind::Binary { op, left, right } => {
            let op = match op {
                BinaryOp::Or => "or".to_string(),
                BinaryOp::And => "and".to_string(),
                BinaryOp::Eq => "==".to_string(),
                BinaryOp::NotEq => "!=".to_string(),
                BinaryOp::Lt => "<".to_string(),
                BinaryOp::LtEq => "<=".to_string(),
                BinaryOp::Gt => ">".to_string(),
                BinaryOp::GtEq => ">=".to_string(),
                BinaryOp::Add => "+".to_string(),
                BinaryOp::Sub => "-".to_string(),
                BinaryOp::Mul => "*".to_string(),
                BinaryOp::Div => "/".to_string(),
                BinaryOp::Mod => "%".to_string(),
                BinaryOp::Str(s) => format!("{s:?}"),
            };
            format!("({} {op} {})", show(left), show(right))
        }
        ExprKind::Call { name, args } => format!(
            "{}({})",
            name.name,
            args.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::Index { expr, index } => format!("{}[{}]", show(expr), show(index)),
        ExprKind::Member { expr, name } => format!("{}.{}", show(expr), name.name),
        ExprKind::In {
            expr,
            list,
            negated,
            case_insensitive,
        } => format!(
            "({} {}in{} [{}])",
            show(expr),
            if *negated { "!" } else { "" },
            if *case_insensitive { "~" } else { "" },
            list.iter().map(show).collect::<Vec<_>>().join(", ")
        ),
        ExprKind::Between {
            expr,
            low,
            high,
            negated,
        } => format!(
            "({} {}between {}..{})",
            show(expr),
            if *negated { "!" } else { "" },
            show(low),
            show(high)
        ),
        ExprKind::Star => "*".into(),
        ExprKind::Type(t) => format!("typeof({})", t.name),
        ExprKind::JoinSide { right, column } => {
            format!("${}.{}", if *right { "right" } else { "left" }, column.name)
        }
        ExprKind::Tabular(t) => format!("<tabular {} ops>", t.ops.len()),
        ExprKind::NamedArg { name, value } => format!("{}={}", name.name, show(value)),
    }
}

fn shown(e: &str) -> String {
    show(&expr(e))
}

// ─────────────────────────────── precedence ───────────────────────────────

#[test]
fn binary_operators_are_left_associative() {
    assert_eq!(shown("a - b - c"), "((a - b) - c)");
    assert_eq!(shown("a / b * c % d"), "(((a / b) * c) % d)");
    assert_eq!(shown("a or b or c"), "((a or b) or c)");
}

#[test]
fn precedence_from_or_to_postfix() {
    assert_eq!(shown("a or b and c"), "(a or (b and c))");
    assert_eq!(shown("a and b or c"), "((a and b) or c)");
    assert_eq!(shown("a + b * c == d"), "((a + (b * c)) == d)");
    assert_eq!(shown("-x * y"), "((-x) * y)");
    assert_eq!(shown("-x[0]"), "(-x[0])");
    assert_eq!(shown("d.a.b[0]"), "d.a.b[0]");
    assert_eq!(shown("a + b in (1, 2)"), "((a + b) in [1, 2])");
    assert_eq!(
        shown("x between (1 .. 2) and y !in~ ('a')"),
        "((x between 1..2) and (y !in~ [\"a\"]))"
    );
}

#[test]
fn negative_number_literals_fold() {
    assert_eq!(lit("-5"), Literal::Long(-5));
    assert_eq!(
        lit("-9223372036854775807"),
        Literal::Long(-9223372036854775807)
    );
    assert_eq!(lit("-1.5"), Literal::Real(-1.5));
    assert_eq!(lit("-1h"), Literal::TimeSpan(-HOUR));
    assert_eq!(shown("a - -1"), "(a - -1)");
}

#[test]
fn string_operators() {
    let op = |e: &str| match expr(e).kind {
        ExprKind::Binary {
            op: BinaryOp::Str(s),
            ..
        } => s,
        other => panic!("{other:?}"),
    };
    let s = op("a !contains_cs 'x'");
    assert_eq!(
        (s.kind, s.case_sensitive, s.negated),
        (StringOpKind::Contains, true, true)
    );
    let s = op("a has 'x'");
    assert_eq!(
        (s.kind, s.case_sensitive, s.negated),
        (StringOpKind::Has, false, false)
    );
    assert_eq!(op("a =~ 'x'").kind, StringOpKind::Equals);
    assert!(op("a !~ 'x'").negated);
    assert_eq!(op("a matches regex 'x'").kind, StringOpKind::MatchesRegex);
    assert_eq!(op("a !hassuffix 'x'").kind, StringOpKind::HasSuffix);
    assert_eq!(op("a hasprefix_cs 'x'").kind, StringOpKind::HasPrefix);
    assert_eq!(op("a !startswith 'x'").kind, StringOpKind::StartsWith);
    assert_eq!(op("a endswith_cs 'x'").kind, StringOpKind::EndsWith);
    assert_eq!(op("a has_any ('x', 'y')").kind, StringOpKind::HasAny);
    assert_eq!(op("a has_all (L)").kind, StringOpKind::HasAll);
    assert_eq!(shown("a has_any ('x', 'y')"), "(a StringOp { kind: HasAny, case_sensitive: false, negated: false } pack_array(\"x\", \"y\"))");
    assert_eq!(
        shown("a has_any (dynamic(['x']))"),
        "(a StringOp { kind: HasAny, case_sensitive: false, negated: false } Dynamic(Array [String(\"x\")]))"
    );
    assert_eq!(
        shown("a has_all (L)"),
        "(a StringOp { kind: HasAll, case_sensitive: false, negated: false } L)"
    );
    assert_eq!(shown("a != b"), "(a != b)");
    assert_eq!(shown("a <> b"), "(a != b)");
}

#[test]
fn keyword_boundaries_leave_names_alone() {
    let ops = ops("T | where wherever == 1 and order_id > 2 | project count, kind, by_x");
    assert_eq!(ops.len(), 2);
    let OperatorKind::Where(e) = &ops[0] else {
        panic!()
    };
    assert_eq!(show(e), "((wherever == 1) and (order_id > 2))");
    let OperatorKind::Project(cols) = &ops[1] else {
        panic!()
    };
    let names: Vec<String> = cols.iter().map(|c| show(&c.expr)).collect();
    assert_eq!(names, ["count", "kind", "by_x"]);
    // Keywords are case-sensitive names when capitalised.
    assert_eq!(shown("Type == 'x' and title has step"), "((Type == \"x\") and (title StringOp { kind: Has, case_sensitive: false, negated: false } step))");
    assert_eq!(
        shown("count() + range(1, 2, 3)[0]"),
        "(count() + range(1, 2, 3)[0])"
    );
    assert_eq!(shown("hasx"), "hasx");
}

// ─────────────────────────────── literals ───────────────────────────────

#[test]
fn numbers_and_bools() {
    assert_eq!(lit("42"), Literal::Long(42));
    assert_eq!(lit("0x1F"), Literal::Long(31));
    assert_eq!(lit("int(5)"), Literal::Int(5));
    assert_eq!(lit("int(-5)"), Literal::Int(-5));
    assert_eq!(lit("long(7)"), Literal::Long(7));
    assert_eq!(lit("1.5"), Literal::Real(1.5));
    assert_eq!(lit("1e3"), Literal::Real(1000.0));
    assert_eq!(lit("2.5e-1"), Literal::Real(0.25));
    assert_eq!(lit("real(+inf)"), Literal::Real(f64::INFINITY));
    assert_eq!(lit("real(-inf)"), Literal::Real(f64::NEG_INFINITY));
    assert!(matches!(lit("real(nan)"), Literal::Real(v) if v.is_nan()));
    assert_eq!(lit("double(2)"), Literal::Real(2.0));
    assert_eq!(lit("true"), Literal::Bool(true));
    assert_eq!(lit("False"), Literal::Bool(false));
    assert_eq!(lit("bool(true)"), Literal::Bool(true));
}

#[test]
fn typed_nulls() {
    for ty in [
        "long", "int", "real", "bool", "datetime", "timespan", "guid", "string",
    ] {
        match lit(&format!("{ty}(null)")) {
            Literal::TypedNull(t) => assert_eq!(t.name, ty),
            other => panic!("{ty}: {other:?}"),
        }
    }
    assert_eq!(
        lit("dynamic(null)"),
        Literal::Dynamic(serde_json::Value::Null)
    );
}

#[test]
fn timespans_in_ticks() {
    assert_eq!(lit("2d"), Literal::TimeSpan(2 * TICKS_PER_DAY));
    assert_eq!(lit("1h"), Literal::TimeSpan(HOUR));
    assert_eq!(lit("30m"), Literal::TimeSpan(30 * MINUTE));
    assert_eq!(lit("10s"), Literal::TimeSpan(10 * TICKS_PER_SECOND));
    assert_eq!(lit("100ms"), Literal::TimeSpan(1_000_000));
    assert_eq!(lit("1tick"), Literal::TimeSpan(1));
    assert_eq!(lit("1.5h"), Literal::TimeSpan(HOUR * 3 / 2));
    assert_eq!(lit("10microseconds"), Literal::TimeSpan(100));
    assert_eq!(lit("5min"), Literal::TimeSpan(5 * MINUTE));
    assert_eq!(lit("0.1ms"), Literal::TimeSpan(1000));
    assert_eq!(
        lit("time(1.02:03:04)"),
        Literal::TimeSpan(TICKS_PER_DAY + 2 * HOUR + 3 * MINUTE + 4 * TICKS_PER_SECOND)
    );
    assert_eq!(lit("timespan(2d)"), Literal::TimeSpan(2 * TICKS_PER_DAY));
    assert_eq!(lit("time(00:00:01.5)"), Literal::TimeSpan(15_000_000));
    assert_eq!(lit("timespan(-01:00:00)"), Literal::TimeSpan(-HOUR));
    assert_eq!(lit("time(2)"), Literal::TimeSpan(2 * TICKS_PER_DAY));
}

#[test]
fn datetimes_in_ticks() {
    // 2024-01-01T00:00:00Z is 1704067200 s after the epoch.
    let day = 1_704_067_200 * TICKS_PER_SECOND;
    assert_eq!(lit("datetime(2024-01-01)"), Literal::DateTime(day));
    assert_eq!(
        lit("datetime(2024-01-01 10:00:52.5)"),
        Literal::DateTime(day + 10 * HOUR + 52 * TICKS_PER_SECOND + 5_000_000)
    );
    assert_eq!(
        lit("datetime(2024-01-01T10:00:00Z)"),
        Literal::DateTime(day + 10 * HOUR)
    );
    assert_eq!(
        lit("datetime(2024-01-01T10:00:00+02:00)"),
        Literal::DateTime(day + 8 * HOUR)
    );
    assert_eq!(
        lit("datetime(2024-01-01T10:00:00.1234567Z)"),
        Literal::DateTime(day + 10 * HOUR + 1_234_567)
    );
    assert_eq!(lit("datetime('2024-01-01')"), Literal::DateTime(day));
    assert_eq!(lit("datetime(01-01-2024)"), Literal::DateTime(day));
    assert_eq!(lit("datetime(1970-01-01)"), Literal::DateTime(0));
    assert_eq!(
        lit("datetime(Mon, 1 Jan 2024 10:00:00 GMT)"),
        Literal::DateTime(day + 10 * HOUR)
    );
}

#[test]
fn guids() {
    assert_eq!(
        lit("guid(74be27de-1e4e-49d9-b579-fe0b331d3642)"),
        Literal::Guid(0x74be27de_1e4e_49d9_b579_fe0b331d3642)
    );
}

#[test]
fn strings_and_escapes() {
    let s = |e: &str| match lit(e) {
        Literal::String(s) => s,
        other => panic!("{other:?}"),
    };
    assert_eq!(s(r#""a\tb\nc""#), "a\tb\nc");
    assert_eq!(s(r#"'it\'s'"#), "it's");
    assert_eq!(s(r#""say \"hi\"""#), "say \"hi\"");
    assert_eq!(s(r#""back\\slash""#), "back\\slash");
    assert_eq!(s(r#""\u00e9""#), "é");
    assert_eq!(s(r#"@"C:\temp""#), "C:\\temp");
    assert_eq!(s(r#"@"say ""hi""""#), "say \"hi\"");
    assert_eq!(s(r#"h"secret""#), "secret");
    assert_eq!(s("```line1\nline2```"), "line1\nline2");
    assert_eq!(
        s(r#""a" 'b' // joined
        "c""#),
        "abc"
    );
}

#[test]
fn dynamic_literals() {
    assert_eq!(
        lit(r#"dynamic([1, "a", true, null, -2.5, {"k": [1]}])"#),
        Literal::Dynamic(serde_json::json!([1, "a", true, null, -2.5, {"k": [1]}]))
    );
    assert_eq!(
        lit("dynamic({'a': datetime(2024-01-01), 'b': 1h})"),
        Literal::Dynamic(serde_json::json!({"a": "2024-01-01T00:00:00Z", "b": "01:00:00"}))
    );
}

#[test]
fn bad_literals_are_syntax_errors_at_the_literal() {
    let src = "print datetime(2024-13-01)";
    let err = parse(src).unwrap_err();
    assert_eq!(err.span, Some(Span::new(6, 26)));
    assert!(
        err.to_string().starts_with("expected a date such as"),
        "{err}"
    );
    let err = parse("print 99999999999999999999").unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected a whole number that fits in a long, found `99999999999999999999`"
    );
    assert!(parse(r#"print "\u12""#).is_err());
}

// ─────────────────────────────── expressions ───────────────────────────────

#[test]
fn names_members_calls_and_subqueries() {
    assert_eq!(shown("['Src Ip']"), "Src Ip");
    assert_eq!(shown("d['k'].x[-1]"), "d[\"k\"].x[-1]");
    assert_eq!(shown("not(a)"), "not(a)");
    assert_eq!(shown("count(*)"), "count(*)");
    assert_eq!(
        shown("extract('x', 1, s, typeof(long))"),
        "extract(\"x\", 1, s, typeof(long))"
    );
    assert_eq!(shown("toscalar(T | count)"), "toscalar(<tabular 1 ops>)");
    assert_eq!(shown("x in (T | project y)"), "(x in [<tabular 1 ops>])");
    assert_eq!(shown("f(a = 1)"), "f(a=1)");
    assert_eq!(shown("(a + b) * c"), "((a + b) * c)");
}

#[test]
fn spans_are_byte_offsets() {
    let e = expr("a + bc");
    assert_eq!(e.span, Span::new(6, 12));
    let ExprKind::Binary { right, .. } = e.kind else {
        panic!()
    };
    assert_eq!(right.span, Span::new(10, 12));
}

// ─────────────────────────────── statements and sources ───────────────────────────────

#[test]
fn statements() {
    let q = query(
        "// leading comment\nset notruncation;\ndeclare query_parameters(n:long = 5, s:string);\n\
         let x = 1h;\nlet T = Tbl | where a > x;\n\
         let f = (a:long, U:(x:string, *), b:string=\"d\") { let y = a * 2; y };\n\
         let v = view () { print z = 1 };\nT | take 1;",
    );
    let kinds: Vec<&StatementKind> = q.statements.iter().map(|s| &s.kind).collect();
    assert!(matches!(kinds[0], StatementKind::Set { name } if name.name == "notruncation"));
    let StatementKind::DeclareParameters(ps) = kinds[1] else {
        panic!()
    };
    assert_eq!(ps.len(), 2);
    assert!(ps[0].default.is_some());
    let StatementKind::Let {
        value: LetValue::Expr(e),
        ..
    } = kinds[2]
    else {
        panic!()
    };
    assert_eq!(e.kind, ExprKind::Literal(Literal::TimeSpan(HOUR)));
    let StatementKind::Let {
        value: LetValue::Expr(e),
        ..
    } = kinds[3]
    else {
        panic!()
    };
    assert!(matches!(&e.kind, ExprKind::Tabular(t) if t.ops.len() == 1));
    let StatementKind::Let {
        value: LetValue::Function(f),
        ..
    } = kinds[4]
    else {
        panic!()
    };
    assert_eq!(f.params.len(), 3);
    assert!(
        matches!(&f.params[1].ty, ParamType::Tabular { columns, any: true } if columns.len() == 1)
    );
    assert!(matches!(&f.body[1].kind, StatementKind::Expr(e) if show(e) == "y"));
    let StatementKind::Let {
        value: LetValue::Function(v),
        ..
    } = kinds[5]
    else {
        panic!()
    };
    assert!(v.is_view && v.params.is_empty());
    assert!(matches!(&v.body[0].kind, StatementKind::Tabular(_)));
    assert!(matches!(kinds[6], StatementKind::Tabular(_)));
}

#[test]
fn sources() {
    let t = tabular("datatable(a:long, b:string) [1, 'x', -2, 'y',]");
    let SourceKind::Datatable { columns, values } = t.source.kind else {
        panic!()
    };
    assert_eq!(columns.len(), 2);
    assert_eq!(values.len(), 4);
    assert!(matches!(
        tabular("range x from 1 to 10 step 2").source.kind,
        SourceKind::Range { .. }
    ));
    assert!(matches!(
        tabular("['My Table'] | take 1").source.kind,
        SourceKind::Name(n) if n.name == "My Table"
    ));
    assert!(matches!(
        tabular("materialize(T | take 1)").source.kind,
        SourceKind::Call { name, .. } if name.name == "materialize"
    ));
    assert!(matches!(
        tabular("(T | take 1) | count").source.kind,
        SourceKind::Paren(_)
    ));
    let SourceKind::Union(u) = tabular("union withsource=S isfuzzy=true A, AZFW*, (B | take 1)")
        .source
        .kind
    else {
        panic!()
    };
    assert_eq!(u.params.len(), 2);
    assert!(matches!(&u.tables[1], UnionTable::Pattern(p) if p.name == "AZFW*"));
    assert!(matches!(&u.tables[2], UnionTable::Expr(_)));
    let SourceKind::ExternalData { columns, uris, options } =
        tabular(r#"externaldata (a:string) [h@"https://x/y.csv"] with (format="csv", ignoreFirstRecord=True)"#).source.kind
    else {
        panic!()
    };
    assert_eq!((columns.len(), uris.len(), options.len()), (1, 1, 2));
}

#[test]
fn a_scalar_is_not_a_table() {
    let err = parse("1 + 2").unwrap_err();
    assert!(
        err.to_string().starts_with("expected a tabular expression"),
        "{err}"
    );
}

// ─────────────────────────────── operators ───────────────────────────────

#[test]
fn where_project_summarize() {
    let ops = ops(
        "T\n| where a > 1\n    and b == 'x'\n| project a, c = b\n| project-away x*, ['y z']\n\
         | project-rename n = o | project-reorder b desc, a* granny-asc | project-keep a\n\
         | extend (p, q) = f(a), r = 1\n\
         | summarize hint.strategy=shuffle count(), s = sum(a) by k, bin(t, 1h)\n\
         | summarize by k | filter true",
    );
    assert!(matches!(&ops[0], OperatorKind::Where(e) if show(e) == "((a > 1) and (b == \"x\"))"));
    let OperatorKind::Project(p) = &ops[1] else {
        panic!()
    };
    assert_eq!(p[1].names[0].name, "c");
    assert!(
        matches!(&ops[2], OperatorKind::ProjectAway(p) if p[0].pattern == "x*" && p[1].pattern == "y z")
    );
    assert!(
        matches!(&ops[3], OperatorKind::ProjectRename(r) if r[0].0.name == "n" && r[0].1.name == "o")
    );
    assert!(
        matches!(&ops[4], OperatorKind::ProjectReorder(r) if r[0].1 == Some(SortOrder::Desc) && r[1].1 == Some(SortOrder::Asc))
    );
    assert!(matches!(&ops[5], OperatorKind::ProjectKeep(_)));
    let OperatorKind::Extend(e) = &ops[6] else {
        panic!()
    };
    assert_eq!(e[0].names.len(), 2);
    let OperatorKind::Summarize { aggregates, by } = &ops[7] else {
        panic!()
    };
    assert_eq!((aggregates.len(), by.len()), (2, 2));
    assert!(
        matches!(&ops[8], OperatorKind::Summarize { aggregates, by } if aggregates.is_empty() && by.len() == 1)
    );
    assert!(matches!(&ops[9], OperatorKind::Where(_)));
}

#[test]
fn sort_take_top_count_distinct() {
    let ops = ops(
        "T | sort by a desc nulls last, b | order by c asc | take 5 | limit 3 \
         | top 5 by x desc | count | distinct a, b | distinct *",
    );
    let OperatorKind::Sort(keys) = &ops[0] else {
        panic!()
    };
    assert_eq!(keys[0].order, Some(SortOrder::Desc));
    assert_eq!(keys[0].nulls, Some(NullsOrder::Last));
    assert_eq!(keys[1].order, None);
    assert!(matches!(&ops[2], OperatorKind::Take(e) if show(e) == "5"));
    assert!(
        matches!(&ops[4], OperatorKind::Top { by, .. } if by[0].order == Some(SortOrder::Desc))
    );
    assert_eq!(ops[5], OperatorKind::Count);
    assert!(matches!(&ops[6], OperatorKind::Distinct(d) if d.len() == 2));
    assert!(matches!(&ops[7], OperatorKind::Distinct(d) if d[0].expr.kind == ExprKind::Star));
}

#[test]
fn mv_expand_and_mv_apply() {
    let ops = ops(
        "T | mv-expand kind=array with_itemindex=i a to typeof(long), b = c limit 10 \
         | mvexpand x | mv-apply y to typeof(long) on (summarize s = sum(y) | top 1 by s)",
    );
    let OperatorKind::MvExpand(m) = &ops[0] else {
        panic!()
    };
    assert_eq!(m.params.len(), 2);
    assert_eq!(m.items[0].to_type.as_ref().unwrap().name, "long");
    assert_eq!(m.items[1].name.as_ref().unwrap().name, "b");
    assert!(m.limit.is_some());
    assert!(matches!(&ops[1], OperatorKind::MvExpand(_)));
    let OperatorKind::MvApply { items, body, .. } = &ops[2] else {
        panic!()
    };
    assert_eq!(items.len(), 1);
    assert_eq!(body.source.kind, SourceKind::ApplyInput);
    assert_eq!(body.ops.len(), 2);
}

#[test]
fn join_and_lookup() {
    let ops = ops(
        "T | join kind=leftouter hint.strategy=broadcast (U | where x) on a, $left.b == $right.c, $right.e == $left.d \
         | join U on a | lookup kind=inner V on k \
         | join kind=leftouter W on ($left.x == $right.y) and ($left.y == $right.x)",
    );
    let OperatorKind::Join { params, right, on } = &ops[0] else {
        panic!()
    };
    assert_eq!(params[0].0.name, "kind");
    assert_eq!(show(&params[0].1), "leftouter");
    assert_eq!(right.ops.len(), 1);
    assert_eq!(on.len(), 3);
    assert!(
        matches!(&on[1], JoinCondition::Pair { left, right } if left.name == "b" && right.name == "c")
    );
    assert!(
        matches!(&on[2], JoinCondition::Pair { left, right } if left.name == "d" && right.name == "e")
    );
    assert!(
        matches!(&ops[1], OperatorKind::Join { right, .. } if matches!(&right.source.kind, SourceKind::Name(n) if n.name == "U"))
    );
    assert!(matches!(&ops[2], OperatorKind::Lookup { .. }));
    assert!(matches!(&ops[3], OperatorKind::Join { on, .. } if on.len() == 2));
}

#[test]
fn parse_patterns() {
    let ops = ops(
        r#"T | parse msg with * "from " Src ":" Port:int " to " * | parse kind=regex flags=Ui m with "x=(" v ")" | parse-where s with a "," b"#,
    );
    let OperatorKind::Parse {
        pattern,
        where_only,
        ..
    } = &ops[0]
    else {
        panic!()
    };
    assert!(!where_only);
    assert_eq!(pattern.len(), 7);
    assert_eq!(pattern[0], ParseItem::Wildcard);
    assert_eq!(pattern[1], ParseItem::Literal("from ".into()));
    assert!(
        matches!(&pattern[4], ParseItem::Capture { name, ty: Some(t) } if name.name == "Port" && t.name == "int")
    );
    assert!(matches!(&ops[1], OperatorKind::Parse { params, .. } if params.len() == 2));
    assert!(matches!(
        &ops[2],
        OperatorKind::Parse {
            where_only: true,
            ..
        }
    ));
}

#[test]
fn make_series_and_top_nested() {
    let ops = ops(
        "T | make-series n = count() default = 0, avg(x) on t from ago(7d) to now() step 1h by k \
         | make-series c = dcount(r) default=0 on t in range(ago(1d), now(), 1h) \
         | top-nested 3 of a with others = 'x' by count() desc, top-nested of b = tostring(c) by max(1)",
    );
    let OperatorKind::MakeSeries(m) = &ops[0] else {
        panic!()
    };
    assert_eq!(m.aggregates.len(), 2);
    assert!(m.aggregates[0].1.is_some() && m.aggregates[1].1.is_none());
    assert!(m.from.is_some() && m.to.is_some());
    assert_eq!(show(&m.step), format!("{:?}", Literal::TimeSpan(HOUR)));
    assert_eq!(m.by.len(), 1);
    let OperatorKind::MakeSeries(m) = &ops[1] else {
        panic!()
    };
    assert!(m.in_range.is_some());
    let OperatorKind::TopNested(levels) = &ops[2] else {
        panic!()
    };
    assert_eq!(levels.len(), 2);
    assert!(levels[0].count.is_some() && levels[0].others.is_some());
    assert_eq!(levels[0].order, Some(SortOrder::Desc));
    assert!(levels[1].count.is_none());
    assert_eq!(levels[1].of.names[0].name, "b");
}

#[test]
fn remaining_operators() {
    let ops = ops(
        "T | getschema | serialize rn = row_number() | as X | union U, V \
         | render timechart with (title='t', ycolumns=a, b, legend=hidden) \
         | invoke f(1) | sample 10 | evaluate bag_unpack(d)",
    );
    assert_eq!(ops[0], OperatorKind::GetSchema);
    assert!(matches!(&ops[1], OperatorKind::Serialize(s) if s.len() == 1));
    assert!(matches!(&ops[2], OperatorKind::As(n) if n.name == "X"));
    assert!(matches!(&ops[3], OperatorKind::Union(u) if u.tables.len() == 2));
    let OperatorKind::Render { kind, properties } = &ops[4] else {
        panic!()
    };
    assert_eq!(kind.name, "timechart");
    assert_eq!(properties.len(), 3);
    assert_eq!(show(&properties[1].1), "pack_array(a, b)");
    assert!(matches!(&ops[5], OperatorKind::Invoke { name, .. } if name.name == "f"));
    assert!(matches!(&ops[6], OperatorKind::Sample(_)));
    assert!(matches!(&ops[7], OperatorKind::Evaluate { name, .. } if name.name == "bag_unpack"));
}

// ─────────────────────────────── errors ───────────────────────────────

fn error_text(src: &str) -> String {
    parse(src).unwrap_err().render(src, "q.kql")
}

#[test]
fn errors_say_expected_and_found_in_words() {
    let text = error_text("T\n| where a ==");
    assert!(
        text.starts_with("error: expected an expression, found end of query"),
        "{text}"
    );
    assert!(text.contains("--> q.kql:2:13"), "{text}");

    let text = error_text("T | frobnicate x");
    assert!(
        text.starts_with("error: expected a tabular operator (`where`, `project`"),
        "{text}"
    );
    assert!(text.contains("found `frobnicate`"), "{text}");
    assert!(text.contains("--> q.kql:1:5"), "{text}");
}

#[test]
fn case_slips_get_a_hint() {
    let err = parse("T | Where x > 1").unwrap_err();
    assert_eq!(
        err.help.as_deref(),
        Some("KQL is case-sensitive: did you mean `where`?")
    );
    assert!(err.to_string().contains("found `Where`"), "{err}");
}

#[test]
fn errors_name_punctuation() {
    let err = parse("T | where x in 1").unwrap_err();
    assert!(err.to_string().contains("`(`"), "{err}");
    let err = parse("T | summarize count() by").unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected an expression, found end of query"
    );
    let err = parse("T | take 1 )").unwrap_err();
    assert!(err.to_string().ends_with("found `)`"), "{err}");
    assert!(!err.to_string().contains('_'), "{err}");
}

#[test]
fn errors_in_multi_line_queries_point_at_the_line() {
    let src = "T\n| where a == 1\n    and b Contains 'x'";
    let err = parse(src).unwrap_err();
    let text = err.render(src, "q.kql");
    assert!(text.contains("--> q.kql:3:11"), "{text}");
    assert!(text.contains("found `Contains`"), "{text}");
    assert!(
        text.ends_with("= help: KQL is case-sensitive: did you mean `contains`?"),
        "{text}"
    );
    let err = parse("print x = \"abc").unwrap_err();
    assert_eq!(
        err.to_string(),
        "expected an expression, found a string with no closing quote"
    );
}

#[test]
fn text_readers_for_conversion_functions() {
    use crate::value::text::{parse_datetime as datetime_ticks, parse_timespan as timespan_ticks};
    assert_eq!(datetime_ticks("2022-12-02"), datetime_ticks("12-02-2022"));
    assert_eq!(datetime_ticks("1970-01-02"), Some(TICKS_PER_DAY));
    assert_eq!(datetime_ticks("not a date"), None);
    assert_eq!(
        timespan_ticks("1.00:00:01"),
        Some(TICKS_PER_DAY + TICKS_PER_SECOND)
    );
    assert_eq!(timespan_ticks("90m"), Some(90 * MINUTE));
    assert_eq!(timespan_ticks("x"), None);
}
