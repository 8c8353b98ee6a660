//! Output column names, exactly as Kusto gives them: the name an unnamed expression takes
//! (`sum(X)` → `sum_X`, `tostring(DestIp)` → `DestIp`, `d.a` → `d_a`), and the projection
//! builder that makes names unique (`x`, `x1`, `x2`), replaces columns in place (`extend`) and
//! rejects a name declared twice.

use crate::ast::{Expr, ExprKind, Literal};
use crate::error::Error;
use crate::func::aggregate::{self, AggregateNaming};
use crate::func::scalar::{self, def::Naming};
use std::collections::{HashMap, HashSet};

/// How a function's result column is named when the user gives no name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameKind {
    /// `sum(X)` → `sum_X`; with no argument `count()` → `count_`.
    PrefixAndFirst(&'static str),
    /// `strlen(X)` → `strlen_X`.
    NameAndFirst,
    /// `tostring(X)`, `bin(X, 1h)` → `X`.
    First,
    /// `make_datetime(X)` → `X` only when there is exactly one argument.
    OnlyArgument,
    /// `column_ifexists("X", d)` → `X` when the input has that column.
    FirstValueIfColumn,
    /// `array_sort_asc(X)` → `X_sorted`.
    FirstAndSuffix(&'static str),
}

/// How the functions without a definition of their own are named (Kusto's function table):
/// functions kqlite does not implement, whose names a query may still reach (`column_ifexists`
/// is bound before it gets here). Every implemented function's naming is in its definition.
const UNDEFINED_NAMING: &[(&str, NameKind)] = &[
    ("cnt", NameKind::PrefixAndFirst("cnt")),
    ("make_dictionary", NameKind::PrefixAndFirst("dictionary")),
    ("passthrough", NameKind::First),
    ("toobject", NameKind::First),
    ("totime", NameKind::First),
    ("column_ifexists", NameKind::FirstValueIfColumn),
    ("columnifexists", NameKind::FirstValueIfColumn),
];

/// How a function's result is named (`None`: it yields `Column1`, `Column2`, …).
fn name_kind(function: &str) -> Option<NameKind> {
    use NameKind::*;
    // A function's naming is part of its definition.
    if let Some(naming) = aggregate::naming(function) {
        return match naming {
            AggregateNaming::Prefix(prefix) => Some(PrefixAndFirst(prefix)),
            AggregateNaming::First => Some(First),
            AggregateNaming::Positional => None,
        };
    }
    if let Some(naming) = scalar::naming(function) {
        return match naming {
            Naming::Positional => None,
            Naming::First => Some(First),
            Naming::NameAndFirst => Some(NameAndFirst),
            Naming::OnlyArgument => Some(OnlyArgument),
            Naming::Prefix(prefix) => Some(PrefixAndFirst(prefix)),
            Naming::Suffix(suffix) => Some(FirstAndSuffix(suffix)),
        };
    }
    UNDEFINED_NAMING
        .iter()
        .find(|(name, _)| *name == function)
        .map(|&(_, kind)| kind)
}

/// The name Kusto gives the column of an unnamed expression, or `None` when it gets a default
/// `ColumnN` name. `has_column` answers whether the input has a column of that name (for
/// `column_ifexists`).
pub fn result_name(expr: &Expr, has_column: &dyn Fn(&str) -> bool) -> Option<String> {
    match &expr.kind {
        ExprKind::Name(name) => Some(name.clone()),
        ExprKind::NamedArg { name, .. } => Some(name.name.clone()),
        ExprKind::Member { expr: base, name } => Some(match result_name(base, has_column) {
            Some(left) if !left.trim().is_empty() => format!("{left}_{}", name.name),
            _ => name.name.clone(),
        }),
        ExprKind::Index { expr: base, index } => {
            let right = match &index.kind {
                ExprKind::Literal(Literal::String(s)) => Some(s.clone()),
                ExprKind::Literal(Literal::Long(n)) => Some(n.to_string()),
                ExprKind::Literal(Literal::Int(n)) => Some(n.to_string()),
                _ => None,
            };
            match result_name(base, has_column) {
                Some(left) if !left.trim().is_empty() => {
                    Some(format!("{left}_{}", right.unwrap_or_default()))
                }
                _ => right,
            }
        }
        ExprKind::Call { name, args } => call_result_name(&name.name, args, has_column),
        _ => None,
    }
}

fn call_result_name(
    function: &str,
    args: &[Expr],
    has_column: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let first = || args.first().and_then(|a| result_name(a, has_column));
    // The scalar forms of the sketch merges (two or more arguments) have names of their own.
    match function {
        "hll_merge" if args.len() >= 2 => return Some("hll_merged_result".into()),
        "merge_tdigest" | "tdigest_merge" if args.len() >= 2 => {
            return Some("tdigests_merge_result".into())
        }
        _ => {}
    }
    match name_kind(function)? {
        NameKind::PrefixAndFirst(prefix) => {
            Some(format!("{prefix}_{}", first().unwrap_or_default()))
        }
        NameKind::NameAndFirst => Some(format!("{function}_{}", first().unwrap_or_default())),
        NameKind::First => first(),
        NameKind::OnlyArgument => (args.len() == 1).then(first).flatten(),
        NameKind::FirstValueIfColumn => match args.first().map(|a| &a.kind) {
            Some(ExprKind::Literal(Literal::String(s))) if has_column(s) => Some(s.clone()),
            _ => None,
        },
        NameKind::FirstAndSuffix(suffix) => first().map(|f| format!("{f}_{suffix}")),
    }
}

/// A numeric constant as a name fragment: `50` → `50`, `99.9` → `99_9` (non-alphanumerics
/// become `_`, as in Kusto's `percentile_x_99_9`).
pub fn name_fragment(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_alphanumeric() { c } else { '_' })
        .collect()
}

/// Kusto's unique-name table: the first `x` stays `x`, later ones become `x1`, `x2`, … skipping
/// names already taken.
#[derive(Debug, Default, Clone)]
pub struct UniqueNames {
    last_suffix: HashMap<String, u32>,
}

impl UniqueNames {
    /// `name` if unused, else `name` plus the next free numeric suffix.
    pub fn unique(&mut self, name: &str) -> String {
        let Some(&last) = self.last_suffix.get(name) else {
            self.last_suffix.insert(name.to_string(), 0);
            return name.to_string();
        };
        let mut suffix = last + 1;
        loop {
            let candidate = format!("{name}{suffix}");
            if !self.last_suffix.contains_key(&candidate) {
                self.last_suffix.insert(name.to_string(), suffix);
                self.last_suffix.insert(candidate.clone(), 0);
                return candidate;
            }
            suffix += 1;
        }
    }
}

/// Builds an operator's output columns in order, naming them as Kusto's projection builder does.
#[derive(Debug, Clone)]
pub struct Projection<T> {
    pub columns: Vec<(String, T)>,
    index: HashMap<String, usize>,
    declared: HashSet<String>,
    unique: UniqueNames,
}

impl<T> Default for Projection<T> {
    fn default() -> Self {
        Projection {
            columns: Vec::new(),
            index: HashMap::new(),
            declared: HashSet::new(),
            unique: UniqueNames::default(),
        }
    }
}

impl<T> Projection<T> {
    /// Add a column under `name`, or under a suffixed name when taken; with `replace`, an
    /// existing column of that name is replaced in place instead (`extend x = …`).
    pub fn add(&mut self, name: &str, item: T, replace: bool) -> String {
        if replace {
            if let Some(&i) = self.index.get(name) {
                self.columns[i].1 = item;
                return name.to_string();
            }
        }
        let name = self.unique.unique(name);
        self.index.insert(name.clone(), self.columns.len());
        self.columns.push((name.clone(), item));
        name
    }

    /// Add a column the user named (or a column reference): naming the same column twice is an
    /// error, as in Kusto.
    pub fn declare(
        &mut self,
        name: &str,
        item: T,
        replace: bool,
        span: crate::ast::Span,
    ) -> Result<String, Error> {
        if self.declared.contains(name) {
            return Err(Error::semantic(
                format!("a column named `{name}` is already declared"),
                span,
            ));
        }
        let name = self.add(name, item, replace);
        self.declared.insert(name.clone());
        Ok(name)
    }

    pub fn contains(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }
}

/// Hands out `Column1`, `Column2`, … skipping names `taken` says are in use.
#[derive(Debug, Default)]
pub struct DefaultNames {
    next: u32,
}

impl DefaultNames {
    pub fn next(&mut self, taken: &dyn Fn(&str) -> bool) -> String {
        loop {
            self.next += 1;
            let name = format!("Column{}", self.next);
            if !taken(&name) {
                return name;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fallback_table_names_only_functions_without_a_definition() {
        for (name, _) in UNDEFINED_NAMING {
            assert!(
                aggregate::naming(name).is_none() && scalar::naming(name).is_none(),
                "`{name}` has a definition: its naming belongs there"
            );
        }
    }

    use crate::ast::{Ident, Span};

    fn name(n: &str) -> Expr {
        Expr {
            kind: ExprKind::Name(n.into()),
            span: Span::default(),
        }
    }

    fn call(f: &str, args: Vec<Expr>) -> Expr {
        Expr {
            kind: ExprKind::Call {
                name: Ident {
                    name: f.into(),
                    span: Span::default(),
                },
                args,
            },
            span: Span::default(),
        }
    }

    fn long(n: i64) -> Expr {
        Expr {
            kind: ExprKind::Literal(Literal::Long(n)),
            span: Span::default(),
        }
    }

    fn named(e: &Expr) -> Option<String> {
        result_name(e, &|c| c == "x")
    }

    #[test]
    fn functions_name_their_results_as_kusto_does() {
        assert_eq!(named(&call("count", vec![])).unwrap(), "count_");
        assert_eq!(named(&call("sum", vec![name("X")])).unwrap(), "sum_X");
        assert_eq!(named(&call("make_set", vec![name("X")])).unwrap(), "set_X");
        assert_eq!(named(&call("makelist", vec![name("X")])).unwrap(), "list_X");
        assert_eq!(named(&call("countif", vec![long(1)])).unwrap(), "countif_");
        assert_eq!(
            named(&call("tostring", vec![name("DestIp")])).unwrap(),
            "DestIp"
        );
        assert_eq!(named(&call("bin", vec![name("T"), long(1)])).unwrap(), "T");
        assert_eq!(
            named(&call("strlen", vec![name("Name")])).unwrap(),
            "strlen_Name"
        );
        assert_eq!(named(&call("tolower", vec![name("Name")])), None);
        let nested = call("max", vec![call("strlen", vec![name("a")])]);
        assert_eq!(named(&nested).unwrap(), "max_strlen_a");
        let sum_expr = call("sum", vec![call("tolower", vec![name("a")])]);
        assert_eq!(named(&sum_expr).unwrap(), "sum_");
        let col = Expr {
            kind: ExprKind::Literal(Literal::String("x".into())),
            span: Span::default(),
        };
        assert_eq!(
            named(&call("column_ifexists", vec![col, long(0)])).unwrap(),
            "x"
        );
    }

    #[test]
    fn paths_join_with_underscores() {
        let member = Expr {
            kind: ExprKind::Member {
                expr: Box::new(name("d")),
                name: Ident {
                    name: "x".into(),
                    span: Span::default(),
                },
            },
            span: Span::default(),
        };
        assert_eq!(named(&member).unwrap(), "d_x");
        let index = Expr {
            kind: ExprKind::Index {
                expr: Box::new(member),
                index: Box::new(long(0)),
            },
            span: Span::default(),
        };
        assert_eq!(named(&index).unwrap(), "d_x_0");
    }

    #[test]
    fn unique_names_take_numeric_suffixes() {
        let mut u = UniqueNames::default();
        assert_eq!(u.unique("x"), "x");
        assert_eq!(u.unique("x"), "x1");
        assert_eq!(u.unique("x"), "x2");
        assert_eq!(u.unique("Column1"), "Column1");
        assert_eq!(u.unique("Column1"), "Column11");
        assert_eq!(name_fragment("99.9"), "99_9");
    }

    #[test]
    fn projection_replaces_or_rejects() {
        let mut p: Projection<u8> = Projection::default();
        p.add("a", 0, false);
        assert_eq!(p.add("a", 1, true), "a");
        assert_eq!(p.columns.len(), 1);
        assert_eq!(p.declare("b", 2, false, Span::default()).unwrap(), "b");
        assert!(p.declare("b", 3, false, Span::default()).is_err());
        assert_eq!(p.add("b", 4, false), "b1");
    }
}
