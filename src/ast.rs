//! The syntax tree of a KQL query: what the user wrote, with byte spans, and nothing resolved.
//! Names are plain strings; types, column indices and functions are found later by `bind`.

// A query's tree is built once and walked once; boxing the larger variants would only add noise.
#![allow(clippy::large_enum_variant)]

use std::fmt;

/// Byte offsets `start..end` into the query text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// Whether `name` can be written bare in KQL (a letter or `_`, then letters, digits and `_`);
/// other names need `['…']` (keywords aside, which callers check).
pub fn is_identifier(name: &str) -> bool {
    name.chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start, end }
    }

    /// The smallest span covering both.
    pub fn to(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// A name as written, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

impl fmt::Display for Ident {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

/// A whole query: statements separated by `;`, the last tabular one being the result.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub statements: Vec<Statement>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Statement {
    pub kind: StatementKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum StatementKind {
    /// `let x = 5;`, `let T = Table | where …;`, `let f = (a:long) { … };`
    Let { name: Ident, value: LetValue },
    /// `declare query_parameters(Name:string = "x", N:long);`
    DeclareParameters(Vec<Param>),
    /// `set notruncation;` (accepted and ignored)
    Set { name: Ident },
    /// A tabular expression whose result is the query's output.
    Tabular(TabularExpr),
    /// The last statement of a function body when it is an expression without `|` steps:
    /// `{ x * 2 }`, `{ T }`, `{ f(1) }`. Like `LetValue::Expr`, `bind` decides whether it is a
    /// scalar or a table (a parenthesised pipeline is `ExprKind::Tabular`). Only in `FunctionDef`
    /// bodies; a query's own statements are always `Tabular`.
    Expr(Expr),
}

#[derive(Debug, Clone, PartialEq)]
pub enum LetValue {
    /// `let x = 1h;` or `let T = T2 | take 1;` — the parser cannot tell a scalar from a tabular
    /// expression when the right side is a bare name, so both are `Expr` (a tabular one is
    /// `ExprKind::Tabular`), and `bind` decides.
    Expr(Expr),
    /// `let f = (a:long, T:(x:string)) { … };` — `view` marks `let v = view () { … };`.
    Function(FunctionDef),
}

/// A user function: parameters and a body of statements ending in an expression.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionDef {
    pub params: Vec<Param>,
    pub body: Vec<Statement>,
    pub is_view: bool,
    pub span: Span,
}

/// A function or query parameter: `a:long`, `a:long = 5`, `T:(x:string, y:long)`, `T:(*)`.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    pub name: Ident,
    pub ty: ParamType,
    pub default: Option<Expr>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ParamType {
    /// A scalar type name as written (`long`, `string`, `dynamic`, …).
    Scalar(Ident),
    /// A tabular parameter: its declared columns, and whether `*` (any further columns) was given.
    Tabular {
        columns: Vec<(Ident, Ident)>,
        any: bool,
    },
}

/// A source followed by `| operator` steps.
#[derive(Debug, Clone, PartialEq)]
pub struct TabularExpr {
    pub source: Source,
    pub ops: Vec<Operator>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    pub kind: SourceKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum SourceKind {
    /// `NTANetAnalytics`, a `let` name, or `['My Table']`.
    Name(Ident),
    /// `f(1, "x")`, `materialize(T)`, `view()`, `table("T")`: a call that yields a table.
    Call { name: Ident, args: Vec<Expr> },
    /// `datatable(a:long, b:string) [1, "x", 2, "y"]`
    Datatable {
        columns: Vec<(Ident, Ident)>,
        values: Vec<Expr>,
    },
    /// `print x = 1, 2`
    Print(Vec<NamedExpr>),
    /// `range x from 1 to 10 step 2`
    Range {
        name: Ident,
        from: Expr,
        to: Expr,
        step: Expr,
    },
    /// `union T1, (T2 | where …)` used as the first step.
    Union(UnionSpec),
    /// `( T | where … )`
    Paren(Box<TabularExpr>),
    /// `externaldata (a:string) ["path"] with (format="csv")`
    ExternalData {
        columns: Vec<(Ident, Ident)>,
        uris: Vec<Expr>,
        options: Vec<(Ident, Expr)>,
    },
    /// The implicit input of an `mv-apply … on ( summarize … )` body: the expanded rows of
    /// one record. Only ever the source of `OperatorKind::MvApply`'s body.
    ApplyInput,
}

/// One `| operator` step.
#[derive(Debug, Clone, PartialEq)]
pub struct Operator {
    pub kind: OperatorKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum OperatorKind {
    /// `where x > 1` / `filter x > 1`
    Where(Expr),
    /// `project a, b = x + 1`
    Project(Vec<NamedExpr>),
    /// `project-away a, b*`
    ProjectAway(Vec<ColumnPattern>),
    /// `project-keep a, b*`
    ProjectKeep(Vec<ColumnPattern>),
    /// `project-rename new = old`
    ProjectRename(Vec<(Ident, Ident)>),
    /// `project-reorder b, a* asc`
    ProjectReorder(Vec<(ColumnPattern, Option<SortOrder>)>),
    /// `extend y = x * 2, x + 1`
    Extend(Vec<NamedExpr>),
    /// `summarize count(), s = sum(x) by k, bin(t, 1h)`
    Summarize {
        aggregates: Vec<NamedExpr>,
        by: Vec<NamedExpr>,
    },
    /// `sort by a desc nulls last, b` / `order by …`
    Sort(Vec<SortKey>),
    /// `take 10` / `limit 10`
    Take(Expr),
    /// `top 5 by x desc`
    Top { count: Expr, by: Vec<SortKey> },
    /// `count`
    Count,
    /// `distinct a, b`, or `distinct *` (one unnamed `ExprKind::Star` item)
    Distinct(Vec<NamedExpr>),
    /// `union withsource=T kind=outer isfuzzy=true A, B*`
    Union(UnionSpec),
    /// `mv-expand kind=array with_itemindex=i a to typeof(long), b limit 10`
    MvExpand(MvExpand),
    /// `getschema`
    GetSchema,
    /// `serialize` or `serialize rn = row_number()`
    Serialize(Vec<NamedExpr>),
    /// `as T`
    As(Ident),
    /// `render piechart with (title="x")`; a property with several values
    /// (`ycolumns=a, b`) has a `pack_array(a, b)` call as its value.
    Render {
        kind: Ident,
        properties: Vec<(Ident, Expr)>,
    },
    /// `join kind=leftouter (T2) on a, $left.b == $right.c`
    Join {
        params: Vec<(Ident, Expr)>,
        right: Box<TabularExpr>,
        on: Vec<JoinCondition>,
    },
    /// `lookup kind=inner (T2) on a`
    Lookup {
        params: Vec<(Ident, Expr)>,
        right: Box<TabularExpr>,
        on: Vec<JoinCondition>,
    },
    /// `parse kind=regex flags=i x with "a" b:long "c" *`; `parse-where` sets `where_only`
    /// (rows that do not match are dropped). Adjacent string literals in the pattern arrive
    /// joined as one `ParseItem::Literal`.
    Parse {
        params: Vec<(Ident, Expr)>,
        source: Expr,
        pattern: Vec<ParseItem>,
        where_only: bool,
    },
    /// `mv-apply x to typeof(long) on (summarize sum(x))`
    MvApply {
        items: Vec<MvExpandItem>,
        limit: Option<Expr>,
        item_index: Option<Ident>,
        body: Box<TabularExpr>,
    },
    /// `make-series n = count() default=0 on T from a to b step 1h by k`
    MakeSeries(MakeSeries),
    /// `top-nested 3 of a by count(), top-nested 2 of b by sum(x)`
    TopNested(Vec<TopNestedLevel>),
    /// `invoke f(1)`
    Invoke { name: Ident, args: Vec<Expr> },
    /// `sample 10`
    Sample(Expr),
    /// `evaluate pack(...)` and the like: kept so the binder can name it in an error.
    Evaluate { name: Ident, args: Vec<Expr> },
}

/// `union` arguments: parameters (`withsource=`, `kind=`, `isfuzzy=`) and the tables.
#[derive(Debug, Clone, PartialEq)]
pub struct UnionSpec {
    pub params: Vec<(Ident, Expr)>,
    pub tables: Vec<UnionTable>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum UnionTable {
    /// A name, possibly with `*` wildcards (`AZFW*`).
    Pattern(Ident),
    /// `(T | where …)`, or a call.
    Expr(TabularExpr),
}

#[derive(Debug, Clone, PartialEq)]
pub struct MvExpand {
    pub params: Vec<(Ident, Expr)>,
    pub items: Vec<MvExpandItem>,
    pub limit: Option<Expr>,
}

/// `name = expr to typeof(long)`
#[derive(Debug, Clone, PartialEq)]
pub struct MvExpandItem {
    pub name: Option<Ident>,
    pub expr: Expr,
    pub to_type: Option<Ident>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct MakeSeries {
    pub params: Vec<(Ident, Expr)>,
    /// Each aggregate, with its optional `default=` value.
    pub aggregates: Vec<(NamedExpr, Option<Expr>)>,
    pub on: Expr,
    pub from: Option<Expr>,
    pub to: Option<Expr>,
    pub step: Expr,
    pub by: Vec<NamedExpr>,
    /// `in range(start, stop, step)` (the older spelling).
    pub in_range: Option<(Expr, Expr, Expr)>,
}

/// One level of `top-nested N of Expr with others = X by Agg asc`.
#[derive(Debug, Clone, PartialEq)]
pub struct TopNestedLevel {
    pub count: Option<Expr>,
    pub of: NamedExpr,
    pub others: Option<Expr>,
    pub by: NamedExpr,
    pub order: Option<SortOrder>,
}

/// One element of a `parse` pattern.
#[derive(Debug, Clone, PartialEq)]
pub enum ParseItem {
    /// A string literal to match.
    Literal(String),
    /// `*`: skip anything.
    Wildcard,
    /// `Name` or `Name:type`: capture into a column.
    Capture { name: Ident, ty: Option<Ident> },
}

/// `on a`, `on $left.a == $right.b`
#[derive(Debug, Clone, PartialEq)]
pub enum JoinCondition {
    Same(Ident),
    Pair { left: Ident, right: Ident },
}

/// A column name or a pattern with `*` (`project-away Src*`).
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnPattern {
    pub pattern: String,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SortOrder {
    Asc,
    Desc,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NullsOrder {
    First,
    Last,
}

/// `expr desc nulls last`
#[derive(Debug, Clone, PartialEq)]
pub struct SortKey {
    pub expr: Expr,
    pub order: Option<SortOrder>,
    pub nulls: Option<NullsOrder>,
}

/// `expr`, `name = expr`, or `(a, b) = expr` (for functions yielding several columns).
#[derive(Debug, Clone, PartialEq)]
pub struct NamedExpr {
    pub names: Vec<Ident>,
    pub expr: Expr,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ExprKind {
    /// `5`, `"x"`, `2h`, `datetime(2024-01-01)`, `dynamic([1,2])`, `long(null)`
    Literal(Literal),
    /// A column, `let` name or parameter: `SrcIp`, `['Src Ip']`.
    Name(String),
    /// `$left.a`, `$right.b` (join conditions only)
    JoinSide { right: bool, column: Ident },
    /// `*` as a function argument: `count(*)`, `arg_max(T, *)`.
    Star,
    /// `-x`
    Neg(Box<Expr>),
    /// `a + b`, `a and b`, `a contains b`, …
    Binary {
        op: BinaryOp,
        left: Box<Expr>,
        right: Box<Expr>,
    },
    /// `x in ("a", "b")`, `x !in~ (T | project y)`
    In {
        expr: Box<Expr>,
        list: Vec<Expr>,
        negated: bool,
        case_insensitive: bool,
    },
    /// `x between (1 .. 5)`, `x !between (…)`
    Between {
        expr: Box<Expr>,
        low: Box<Expr>,
        high: Box<Expr>,
        negated: bool,
    },
    /// `f(a, b)`; also `typeof(long)` arguments come as `Type`.
    Call { name: Ident, args: Vec<Expr> },
    /// `x.method(args)` spelled with a dot is rare in KQL; kept out. `a[0]`, `d["key"]`.
    Index { expr: Box<Expr>, index: Box<Expr> },
    /// `d.prop`
    Member { expr: Box<Expr>, name: Ident },
    /// `typeof(long)` as an argument (`extract(…, typeof(int))`, `to typeof(…)`).
    Type(Ident),
    /// A tabular expression where a scalar position allows one: `x in (T | project y)`,
    /// `toscalar(T | count)`, `materialize(T | …)`.
    Tabular(Box<TabularExpr>),
    /// `name = value` inside a call: `bag_pack(…)` does not use it, but `range()` and plugins do.
    NamedArg { name: Ident, value: Box<Expr> },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BinaryOp {
    Or,
    And,
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    /// `=~` and the other string operators: see `StringOp`.
    Str(StringOp),
}

/// The string predicates. Each is case-insensitive unless its name ends in `Cs`; `negated`
/// forms are `!contains` and the like.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StringOp {
    pub kind: StringOpKind,
    pub case_sensitive: bool,
    pub negated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StringOpKind {
    /// `=~` / `!~` (case-insensitive equality; `==` is `BinaryOp::Eq`)
    Equals,
    Contains,
    Has,
    HasPrefix,
    HasSuffix,
    StartsWith,
    EndsWith,
    /// `matches regex`
    MatchesRegex,
    /// `has_any (…)` / `has_all (…)`: the right side is the list. One item that is not a
    /// literal (`has_any (MyList)`, `has_any (dynamic([…]))`, `has_any (T | project x)`) is the
    /// right side itself; otherwise the items are wrapped in a `pack_array(…)` call.
    HasAny,
    HasAll,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// `null` alone, rare; typed nulls are `Typed { value: None }`.
    Null,
    Bool(bool),
    /// Plain integer literal: `long` in Kusto.
    Long(i64),
    /// `int(5)`
    Int(i32),
    /// `1.5`, `1e3`, `real(nan)`
    Real(f64),
    String(String),
    /// Ticks since the Unix epoch.
    DateTime(i64),
    /// Ticks.
    TimeSpan(i64),
    Guid(u128),
    /// `dynamic([1, "a"])`, `dynamic({"a": 1})`, `dynamic(null)`
    Dynamic(serde_json::Value),
    /// `long(null)`, `datetime(null)`, `string(null)`…: a null of the named type.
    TypedNull(Ident),
}
