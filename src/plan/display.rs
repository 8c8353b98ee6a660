//! The plan as `kqlite query --explain` prints it: one node per line, indented under the node
//! that reads it, each with its output columns; a scan also shows the predicates pushed into it
//! (and, when its reader says, what the reader does with each). Expressions are written back as
//! KQL over the column names of the node's input; a function is named as the query wrote it.

use super::{BinaryOp, BoundExpr, ExprNode, JoinKind, Node, Plan};
use crate::ast::{StringOp, StringOpKind};
use crate::format::value_text;
use crate::table::{Schema, Type, Value};
use std::fmt::Write;

/// How to write a plan: the query text (to name functions as written) and, for each scan, what
/// its reader does with each pushed predicate (None: the table's reader does not say).
pub struct Explain<'a> {
    pub source: &'a str,
    pub predicate_uses: &'a dyn Fn(&Plan) -> Option<Vec<String>>,
}

impl Explain<'_> {
    /// The whole plan, one node per line (subqueries under the node that holds them).
    pub fn render(&self, plan: &Plan) -> String {
        let mut out = String::new();
        self.node(plan, 0, "", &mut out);
        out
    }

    fn node(&self, plan: &Plan, depth: usize, prefix: &str, out: &mut String) {
        let _ = writeln!(out, "{}{prefix}{}", "  ".repeat(depth), self.line(plan));
        for expr in plan.exprs() {
            expr.walk(&mut |e| {
                if let Some(sub) = e.subplan() {
                    self.node(sub, depth + 1, "subquery: ", out);
                }
            });
        }
        let label = |i: usize| match &plan.node {
            Node::MvApply { .. } if i == 1 => "body: ",
            Node::Join { .. } | Node::IpLookup(_) if i == 1 => "right: ",
            Node::Plugin(_) if i > 0 => "input 2: ",
            _ => "",
        };
        for (i, child) in plan.children().into_iter().enumerate() {
            self.node(child, depth + 1, label(i), out);
        }
    }

    /// One node: what it does, then `→` its output columns.
    pub fn line(&self, plan: &Plan) -> String {
        let input = plan
            .children()
            .first()
            .map_or_else(Schema::default, |c| c.schema.clone());
        let e = |x: &BoundExpr| self.expr(x, &input);
        let list = |xs: &[BoundExpr]| xs.iter().map(e).collect::<Vec<_>>().join(", ");
        let named = |xs: &[BoundExpr], first: usize| {
            xs.iter()
                .enumerate()
                .map(|(i, x)| {
                    let name = quoted(&plan.schema.fields[first + i].name);
                    let text = e(x);
                    if text == name {
                        name
                    } else {
                        format!("{name} = {text}")
                    }
                })
                .collect::<Vec<_>>()
                .join(", ")
        };
        let what = match &plan.node {
            Node::Scan {
                table, predicates, ..
            } => {
                let mut text = format!("Scan {table}");
                if !predicates.is_empty() {
                    let uses = (self.predicate_uses)(plan);
                    let parts: Vec<String> = predicates
                        .iter()
                        .enumerate()
                        .map(|(i, p)| {
                            let p = self.expr(p, &plan.schema);
                            match uses.as_ref().and_then(|u| u.get(i)) {
                                Some(used) => format!("{p} ({used})"),
                                None => p,
                            }
                        })
                        .collect();
                    let _ = write!(text, " pushed [{}]", parts.join("; "));
                }
                text
            }
            Node::Values(table) => format!("Values {} rows", table.num_rows()),
            Node::Range { start, stop, step } => format!(
                "Range from {} to {} step {}",
                literal(start),
                literal(stop),
                literal(step)
            ),
            Node::Filter { predicate, .. } => format!("Filter {}", e(predicate)),
            Node::Project { exprs, .. } => format!("Project {}", named(exprs, 0)),
            Node::Summarize {
                keys, aggregates, ..
            } => {
                let aggs: Vec<String> = aggregates
                    .iter()
                    .enumerate()
                    .map(|(i, a)| {
                        let name = quoted(&plan.schema.fields[keys.len() + i].name);
                        format!("{name} = {}({})", aggregate_name(&a.func), list(&a.args))
                    })
                    .collect();
                let mut text = String::from("Summarize");
                if !aggs.is_empty() {
                    let _ = write!(text, " {}", aggs.join(", "));
                }
                if !keys.is_empty() {
                    let _ = write!(text, " by {}", named(keys, 0));
                }
                text
            }
            Node::Sort { keys, .. } => format!("Sort by {}", sort_keys(keys, &e)),
            Node::Take { count, .. } => format!("Take {count}"),
            Node::Top { count, keys, .. } => format!("Top {count} by {}", sort_keys(keys, &e)),
            Node::Union { source_names, .. } => match source_names {
                Some(names) => format!("Union withsource ({})", names.join(", ")),
                None => "Union".to_string(),
            },
            Node::MvExpand { items, .. } => format!(
                "MvExpand {}",
                items
                    .iter()
                    .map(|it| quoted(&input.fields[it.column].name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Node::Join {
                kind,
                left_keys,
                right_keys,
                left,
                right,
                ..
            } => {
                let on: Vec<String> = left_keys
                    .iter()
                    .zip(right_keys)
                    .map(|(&l, &r)| {
                        format!(
                            "$left.{} == $right.{}",
                            quoted(&left.schema.fields[l].name),
                            quoted(&right.schema.fields[r].name)
                        )
                    })
                    .collect();
                format!("Join kind={} on {}", join_kind(*kind), on.join(", "))
            }
            Node::Parse {
                source, where_only, ..
            } => format!(
                "{} {}",
                if *where_only { "ParseWhere" } else { "Parse" },
                e(source)
            ),
            Node::MakeSeries(series) => format!(
                "MakeSeries on {} by {}",
                self.expr(&series.axis, &series.input.schema),
                series
                    .keys
                    .iter()
                    .map(|k| self.expr(k, &series.input.schema))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Node::TopNested { levels, .. } => format!("TopNested {} levels", levels.len()),
            Node::Serialize {
                input: inner,
                exprs,
            } => {
                let first = inner.schema.len();
                if exprs.is_empty() {
                    "Serialize".to_string()
                } else {
                    format!("Serialize {}", named(exprs, first))
                }
            }
            Node::Materialize { id, .. } => format!("Materialize #{id}"),
            Node::MvApply { items, .. } => format!(
                "MvApply {}",
                items
                    .iter()
                    .map(|it| quoted(&input.fields[it.column].name))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Node::ApplyInput => "ApplyInput".to_string(),
            Node::ExternalData(read) => format!("ExternalData {}", read.describe()),
            Node::Plugin(run) => {
                let probed = if run.probed {
                    " (columns from the data)"
                } else {
                    ""
                };
                format!("Plugin {}{probed}", run.name)
            }
            Node::IpLookup(lookup) => format!(
                "IpLookup {:?} {} in {}",
                lookup.family,
                quoted(&lookup.input.schema.fields[lookup.source_key].name),
                quoted(&lookup.lookup.schema.fields[lookup.lookup_key].name)
            ),
        };
        format!("{what} → {}", columns(&plan.schema))
    }

    /// `expr` as KQL over the columns of `input`.
    pub fn expr(&self, expr: &BoundExpr, input: &Schema) -> String {
        let e = |x: &BoundExpr| self.expr(x, input);
        match &expr.kind {
            ExprNode::Column(c) => input
                .fields
                .get(*c)
                .map_or_else(|| format!("#{c}"), |f| quoted(&f.name)),
            ExprNode::Literal(value) => typed_literal(value, expr.ty),
            ExprNode::Neg(x) => format!("-{}", e(x)),
            ExprNode::Binary { op, left, right } => {
                let text = format!("{} {} {}", e(left), binary_op(*op), e(right));
                match op {
                    BinaryOp::Or => format!("({text})"),
                    _ => text,
                }
            }
            ExprNode::In {
                expr: x,
                list,
                negated,
                case_insensitive,
            } => format!(
                "{} {} ({})",
                e(x),
                in_op(*negated, *case_insensitive),
                list.iter().map(e).collect::<Vec<_>>().join(", ")
            ),
            ExprNode::InPlan {
                expr: x,
                negated,
                case_insensitive,
                ..
            } => format!("{} {} (subquery)", e(x), in_op(*negated, *case_insensitive)),
            ExprNode::Between {
                expr: x,
                low,
                high,
                negated,
            } => format!(
                "{} {}between ({} .. {})",
                e(x),
                if *negated { "!" } else { "" },
                e(low),
                e(high)
            ),
            ExprNode::Call { func, args } => format!(
                "{}({})",
                self.function_name(expr)
                    .unwrap_or_else(|| format!("{func:?}")),
                args.iter().map(e).collect::<Vec<_>>().join(", ")
            ),
            ExprNode::Index { expr: x, index } => format!("{}[{}]", e(x), e(index)),
            ExprNode::Scalar(_) => "toscalar(subquery)".to_string(),
        }
    }

    /// The name a call is written with in the query (`ago` in `ago(1h)`).
    fn function_name(&self, call: &BoundExpr) -> Option<String> {
        let text = self.source.get(call.span.start..call.span.end)?;
        let name: String = text
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        let rest = text[name.len()..].trim_start();
        (!name.is_empty() && rest.starts_with('(')).then_some(name)
    }
}

fn sort_keys(keys: &[super::BoundSortKey], e: &dyn Fn(&BoundExpr) -> String) -> String {
    keys.iter()
        .map(|k| {
            format!(
                "{} {}",
                e(&k.expr),
                if k.descending { "desc" } else { "asc" }
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn columns(schema: &Schema) -> String {
    schema
        .fields
        .iter()
        .map(|f| quoted(&f.name))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A column name, bracketed when it is not a plain identifier; a column the engine adds for
/// itself (a window function's result) is `$name`.
fn quoted(name: &str) -> String {
    if let Some(internal) = name.strip_prefix('\0') {
        return format!("${internal}");
    }
    let plain = crate::ast::is_identifier(name);
    if plain {
        name.to_string()
    } else {
        format!("['{name}']")
    }
}

fn literal(value: &Value) -> String {
    let ty = match value {
        Value::DateTime(_) => Type::DateTime,
        Value::TimeSpan(_) => Type::TimeSpan,
        Value::String(_) => Type::String,
        _ => Type::Long,
    };
    typed_literal(value, ty)
}

fn typed_literal(value: &Value, ty: Type) -> String {
    match value {
        Value::Null => format!("{ty}(null)"),
        Value::String(s) => format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'")),
        Value::DateTime(_) => format!("datetime({})", value_text(value)),
        Value::TimeSpan(_) => format!("timespan({})", value_text(value)),
        Value::Guid(_) => format!("guid({})", value_text(value)),
        Value::Dynamic(_) => format!("dynamic({})", value_text(value)),
        Value::Real(_) => {
            let text = value_text(value);
            if text.contains(['.', 'e', 'N', 'I']) {
                text
            } else {
                format!("{text}.0")
            }
        }
        _ => value_text(value),
    }
}

fn in_op(negated: bool, case_insensitive: bool) -> &'static str {
    match (negated, case_insensitive) {
        (false, false) => "in",
        (false, true) => "in~",
        (true, false) => "!in",
        (true, true) => "!in~",
    }
}

fn binary_op(op: BinaryOp) -> String {
    match op {
        BinaryOp::Or => "or".into(),
        BinaryOp::And => "and".into(),
        BinaryOp::Eq => "==".into(),
        BinaryOp::NotEq => "!=".into(),
        BinaryOp::Lt => "<".into(),
        BinaryOp::LtEq => "<=".into(),
        BinaryOp::Gt => ">".into(),
        BinaryOp::GtEq => ">=".into(),
        BinaryOp::Add => "+".into(),
        BinaryOp::Sub => "-".into(),
        BinaryOp::Mul => "*".into(),
        BinaryOp::Div => "/".into(),
        BinaryOp::Mod => "%".into(),
        BinaryOp::Str(op) => string_op(op),
    }
}

fn string_op(op: StringOp) -> String {
    if op.kind == StringOpKind::Equals {
        return if op.negated { "!~" } else { "=~" }.into();
    }
    let name = match op.kind {
        StringOpKind::Equals => unreachable!("handled above"),
        StringOpKind::Contains => "contains",
        StringOpKind::Has => "has",
        StringOpKind::HasPrefix => "hasprefix",
        StringOpKind::HasSuffix => "hassuffix",
        StringOpKind::StartsWith => "startswith",
        StringOpKind::EndsWith => "endswith",
        StringOpKind::MatchesRegex => "matches regex",
        StringOpKind::HasAny => "has_any",
        StringOpKind::HasAll => "has_all",
    };
    let cs = if op.case_sensitive && op.kind != StringOpKind::MatchesRegex {
        "_cs"
    } else {
        ""
    };
    format!("{}{name}{cs}", if op.negated { "!" } else { "" })
}

fn join_kind(kind: JoinKind) -> &'static str {
    match kind {
        JoinKind::InnerUnique => "innerunique",
        JoinKind::Inner => "inner",
        JoinKind::LeftOuter => "leftouter",
        JoinKind::RightOuter => "rightouter",
        JoinKind::FullOuter => "fullouter",
        JoinKind::LeftAnti => "leftanti",
        JoinKind::RightAnti => "rightanti",
        JoinKind::LeftSemi => "leftsemi",
        JoinKind::RightSemi => "rightsemi",
    }
}

/// An aggregate's name, from its variant (`Count` → `count`, `DCount` → `dcount`).
fn aggregate_name(func: &crate::func::AggregateFunc) -> String {
    let debug = format!("{func:?}");
    let name = debug.split(['(', ' ', '{']).next().unwrap_or(&debug);
    name.to_ascii_lowercase()
}
