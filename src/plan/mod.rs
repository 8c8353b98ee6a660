//! The bound query: operators over typed inputs, with every name resolved to a column index and
//! every function to its implementation. Nothing here knows the query text or pest.
//!
//! `visit` is the one traversal API (children, walks, transforms) every pass uses, `facts`
//! what each node reads and yields;
//! `display` writes a plan as `--explain` prints it.

pub mod display;
pub mod facts;
pub mod visit;

pub use facts::{Order, Outputs};
pub use visit::{ColumnMap, Descend};

use crate::ast::{Span, StringOp};
use crate::budget::Meter;
use crate::error::Error;
use crate::func::{AggregateFunc, ScalarFunc};
use crate::table::{Schema, Table, Type, Value};
use std::sync::Arc;

/// An operator, its inputs, and the schema of the rows it yields.
///
/// A node holds its single-input children as `Arc<Plan>`: a `let` table is bound once and each
/// use shares its plan (cloning a plan copies only its top node), so a long chain of `let`s
/// binds in time and memory linear in its length. A pass that changes a shared child copies it
/// first ([`Plan::children_mut`]), so what the plan means never depends on the sharing.
#[derive(Debug, Clone)]
pub struct Plan {
    pub node: Node,
    pub schema: Schema,
}

#[derive(Debug, Clone)]
pub enum Node {
    /// `NTANetAnalytics`: read a catalog table. Only `columns` (indices into the table's full
    /// schema) are produced, in that order; `self.schema` describes them. `predicates` (over the
    /// produced columns, each a conjunct of the first `where`) let a reader skip rows early; the
    /// executor still applies the filter, so a reader may ignore them.
    Scan {
        table: String,
        columns: Vec<usize>,
        predicates: Vec<BoundExpr>,
    },
    /// Rows known when binding: `datatable`, `print`, `getschema`, a `let` constant table.
    Values(Table),
    /// `range x from 1 to 10 step 2` (long, real, datetime or timespan; bounds are constants).
    Range {
        start: Value,
        stop: Value,
        step: Value,
    },
    /// `where p`
    Filter {
        input: Arc<Plan>,
        predicate: BoundExpr,
    },
    /// Output column i = `exprs[i]` evaluated over the input: `project`, `extend` (input columns
    /// pass through as `Column` refs), `project-away`, `project-rename`, `project-reorder`.
    Project {
        input: Arc<Plan>,
        exprs: Vec<BoundExpr>,
    },
    /// `summarize aggs by keys`: output = keys then aggregates.
    Summarize {
        input: Arc<Plan>,
        keys: Vec<BoundExpr>,
        aggregates: Vec<BoundAggregate>,
    },
    /// `sort by …`
    Sort {
        input: Arc<Plan>,
        keys: Vec<BoundSortKey>,
    },
    /// `take n`
    Take { input: Arc<Plan>, count: usize },
    /// `top n by …`
    Top {
        input: Arc<Plan>,
        count: usize,
        keys: Vec<BoundSortKey>,
    },
    /// `union`: output column j of input i is `mappings[i][j]` (None → null); `source` adds a
    /// first column (`withsource=`) holding `source_names[i]`.
    Union {
        inputs: Vec<Arc<Plan>>,
        mappings: Vec<Vec<Option<usize>>>,
        source_names: Option<Vec<String>>,
    },
    /// `mv-expand`: each item expands column `column` (a dynamic column of the input, already
    /// computed by a `Project` below when the user wrote an expression); the output schema
    /// replaces those columns with the expanded ones (of type `to`), and appends the item index
    /// column when asked.
    MvExpand {
        input: Arc<Plan>,
        items: Vec<MvExpandItem>,
        bag_as_array: bool,
        item_index: bool,
        limit: Option<usize>,
    },
    /// `join`: rows of `left` and `right` matched on key columns; `output` lists which side and
    /// column each output column comes from.
    Join {
        left: Arc<Plan>,
        right: Arc<Plan>,
        kind: JoinKind,
        left_keys: Vec<usize>,
        right_keys: Vec<usize>,
        output: Vec<(JoinSide, usize)>,
    },
    /// `parse`/`parse-where`: match `source` against `pattern` and append the capture columns.
    Parse {
        input: Arc<Plan>,
        source: BoundExpr,
        pattern: ParsePattern,
        where_only: bool,
    },
    /// `make-series`: keys, then one dynamic array per aggregate, then the axis array.
    MakeSeries(Box<MakeSeries>),
    /// `top-nested`: one level per entry.
    TopNested {
        input: Arc<Plan>,
        levels: Vec<TopNestedLevel>,
    },
    /// `serialize rn = row_number()` and the window functions that need a row order: columns
    /// appended by evaluating `exprs` over the whole input in order.
    Serialize {
        input: Arc<Plan>,
        exprs: Vec<BoundExpr>,
    },
    /// A `materialize()`d subplan: computed once per query, shared by every use of `id`.
    Materialize { id: usize, input: Arc<Plan> },
    /// `mv-apply x to typeof(long) on (summarize sum(x))`: for each input row, the `items`
    /// columns are expanded (as `mv-expand` would, with the item index last when
    /// `item_index`) into a small table that `body` runs over (its leaf is `ApplyInput`); the
    /// output is the row's `keep` columns followed by each row of the body's result.
    MvApply {
        input: Arc<Plan>,
        items: Vec<MvExpandItem>,
        item_index: bool,
        limit: Option<usize>,
        keep: Vec<usize>,
        body: Arc<Plan>,
    },
    /// Inside an `mv-apply` body: the current row's expanded items (`self.schema` names them).
    ApplyInput,
    /// `externaldata (a:string, n:long) ["flows.csv"] with (ignoreFirstRecord=true)`: rows read
    /// from the files when the query runs, under the declared schema (`self.schema`), through
    /// the provider the executor is handed for them.
    ExternalData(ExternalRead),
    /// `evaluate ipv4_lookup(Ranges, SrcIp, network)`: each input row joined to the lookup rows
    /// whose address range holds its address.
    IpLookup(Box<IpLookup>),
    /// `evaluate narrow()`, `evaluate pivot(…)`, …: the table plugins. Each input runs to a
    /// table when the query runs; the plugin's kernel makes the output from them.
    Plugin(Box<PluginRun>),
}

/// A table plugin in the plan: the inputs it reads (the piped input, already projected to the
/// columns the plugin reads, first; a second table some plugins take after it), and the kernel
/// that turns their rows into the output, with its arguments bound in.
#[derive(Debug, Clone)]
pub struct PluginRun {
    /// The plugin's name, as `--explain` shows it.
    pub name: String,
    pub inputs: Vec<Arc<Plan>>,
    pub kernel: PluginKernel,
    /// Where the query calls the plugin: a kernel's error is reported here.
    pub span: Span,
    /// The output columns were found by running the plugin over its input when the query was
    /// bound (`bag_unpack`, `pivot`: Kusto takes them from the data); the rows the kernel
    /// makes when the query runs are fitted to them by name.
    pub probed: bool,
}

/// What a plugin does with its inputs' rows: the arguments are captured when binding. The
/// kernel asks the query's meter every so many rows (a spent budget stops it with the same
/// error as any operator); any other error is the plugin's message (`ErrorKind::Semantic`,
/// placed at [`PluginRun::span`]).
pub type PluginFn = dyn Fn(&[Table], &Meter) -> Result<Table, Error> + Send + Sync;

/// A shared [`PluginFn`] (plans are cloned; the kernel is not).
#[derive(Clone)]
pub struct PluginKernel(pub std::sync::Arc<PluginFn>);

impl PluginKernel {
    pub fn new(
        f: impl Fn(&[Table], &Meter) -> Result<Table, Error> + Send + Sync + 'static,
    ) -> Self {
        PluginKernel(std::sync::Arc::new(f))
    }

    /// The kernel's output over `inputs`; its own errors are placed at `span` (the call),
    /// while a stop (time, memory, cancel) is the query's and points nowhere, as when any other
    /// operator is stopped.
    pub fn run(&self, inputs: &[Table], meter: &Meter, span: Span) -> Result<Table, Error> {
        (self.0)(inputs, meter).map_err(|error| match error.kind {
            crate::error::ErrorKind::Stopped(_) => error,
            _ => error.with_span(span),
        })
    }
}

impl std::fmt::Debug for PluginKernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PluginKernel")
    }
}

/// What an `externaldata` operator reads, as the query says it: the URIs (with where each is
/// written, for errors), the `format=` name (checked when binding; None: each file's
/// extension decides) and `ignoreFirstRecord`. The plan holds no reader type: the executor
/// asks a `catalog::ExternalTables` for a provider of these rows.
#[derive(Debug, Clone)]
pub struct ExternalRead {
    pub uris: Vec<(String, Span)>,
    pub format: Option<String>,
    pub ignore_first_record: bool,
}

impl ExternalRead {
    /// The URIs and properties as one line (`--explain`).
    pub fn describe(&self) -> String {
        let uris: Vec<&str> = self.uris.iter().map(|(u, _)| u.as_str()).collect();
        let mut text = format!("[{}]", uris.join(", "));
        if let Some(format) = &self.format {
            text.push_str(&format!(" format={format}"));
        }
        if self.ignore_first_record {
            text.push_str(" ignoreFirstRecord=true");
        }
        text
    }
}

/// An `ipv4_lookup` / `ipv6_lookup`: the input's `source_key` addresses matched against the
/// `lookup` table's `lookup_key` ranges (CIDR, or single addresses), and `extra_keys` pairs
/// (input column, lookup column) equal as in `join`. `output` lists which side and column each
/// output column comes from; an unmatched input row is kept, with null lookup columns, only
/// when `keep_unmatched`.
#[derive(Debug, Clone)]
pub struct IpLookup {
    pub input: Arc<Plan>,
    pub lookup: Arc<Plan>,
    pub family: IpFamily,
    pub source_key: usize,
    pub lookup_key: usize,
    pub extra_keys: Vec<(usize, usize)>,
    pub keep_unmatched: bool,
    pub output: Vec<(JoinSide, usize)>,
}

/// Which addresses an IP lookup reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpFamily {
    V4,
    /// IPv6, with IPv4 addresses mapped into `::ffff:0:0/96`.
    V6,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinKind {
    InnerUnique,
    Inner,
    LeftOuter,
    RightOuter,
    FullOuter,
    LeftAnti,
    RightAnti,
    LeftSemi,
    RightSemi,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JoinSide {
    Left,
    Right,
}

#[derive(Debug, Clone)]
pub struct MvExpandItem {
    /// Input column holding the array or bag.
    pub column: usize,
    /// Type the expanded values are converted to (`to typeof(long)`), dynamic by default.
    pub to: Type,
}

/// A `parse` pattern compiled to one regex: capture group i fills `captures[i]`.
#[derive(Debug, Clone)]
pub struct ParsePattern {
    pub regex: String,
    pub captures: Vec<(String, Type)>,
    /// `kind=simple`/`regex`: a typed capture that does not convert fails the whole row (all
    /// captures null). `kind=relaxed` (false): only that capture is null.
    pub strict: bool,
}

#[derive(Debug, Clone)]
pub struct MakeSeries {
    pub input: Arc<Plan>,
    pub keys: Vec<BoundExpr>,
    pub aggregates: Vec<(BoundAggregate, Value)>,
    pub axis: BoundExpr,
    pub from: Option<Value>,
    pub to: Option<Value>,
    pub step: Value,
    /// `kind=nonempty`: an empty input still gives one row, every bin at its default.
    pub nonempty: bool,
}

#[derive(Debug, Clone)]
pub struct TopNestedLevel {
    pub count: Option<usize>,
    pub key: BoundExpr,
    pub aggregate: BoundAggregate,
    pub others: Option<Value>,
    pub descending: bool,
}

/// One aggregate of a `summarize`: the function and its argument expressions (over the input).
#[derive(Debug, Clone)]
pub struct BoundAggregate {
    pub func: AggregateFunc,
    pub args: Vec<BoundExpr>,
    pub ty: Type,
}

#[derive(Debug, Clone)]
pub struct BoundSortKey {
    pub expr: BoundExpr,
    pub descending: bool,
    pub nulls_first: bool,
}

/// A typed expression over the columns of one input.
#[derive(Debug, Clone)]
pub struct BoundExpr {
    pub kind: ExprNode,
    pub ty: Type,
    pub span: Span,
}

#[derive(Debug, Clone)]
pub enum ExprNode {
    /// The input's column at this index.
    Column(usize),
    /// A constant of type `ty` (`Value::Null` for a typed null).
    Literal(Value),
    /// `-x`
    Neg(Box<BoundExpr>),
    /// `not(x)` is a function; these are the infix operators.
    Binary {
        op: BinaryOp,
        left: Box<BoundExpr>,
        right: Box<BoundExpr>,
    },
    /// `x in (…)` over constant values (after evaluating a subquery, if any).
    In {
        expr: Box<BoundExpr>,
        list: Vec<BoundExpr>,
        negated: bool,
        case_insensitive: bool,
    },
    /// `x in (T | project y)`: the subplan's first column is the list.
    InPlan {
        expr: Box<BoundExpr>,
        plan: Box<Plan>,
        negated: bool,
        case_insensitive: bool,
    },
    /// `x between (a .. b)`
    Between {
        expr: Box<BoundExpr>,
        low: Box<BoundExpr>,
        high: Box<BoundExpr>,
        negated: bool,
    },
    /// A built-in scalar function.
    Call {
        func: ScalarFunc,
        args: Vec<BoundExpr>,
    },
    /// `a[0]`, `d["k"]`, `d.k` (the key as a string literal).
    Index {
        expr: Box<BoundExpr>,
        index: Box<BoundExpr>,
    },
    /// `toscalar(T | …)`: first column of the first row of the subplan.
    Scalar(Box<Plan>),
}

/// Infix operators after binding (`and`, `+`, `contains`, …).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    Str(StringOp),
}

impl From<crate::ast::BinaryOp> for BinaryOp {
    fn from(op: crate::ast::BinaryOp) -> BinaryOp {
        use crate::ast::BinaryOp as A;
        match op {
            A::Or => BinaryOp::Or,
            A::And => BinaryOp::And,
            A::Eq => BinaryOp::Eq,
            A::NotEq => BinaryOp::NotEq,
            A::Lt => BinaryOp::Lt,
            A::LtEq => BinaryOp::LtEq,
            A::Gt => BinaryOp::Gt,
            A::GtEq => BinaryOp::GtEq,
            A::Add => BinaryOp::Add,
            A::Sub => BinaryOp::Sub,
            A::Mul => BinaryOp::Mul,
            A::Div => BinaryOp::Div,
            A::Mod => BinaryOp::Mod,
            A::Str(s) => BinaryOp::Str(s),
        }
    }
}

impl BoundExpr {
    /// What a function's result-type rule may know of this expression as an argument.
    pub fn as_arg(&self) -> crate::func::Arg<'_> {
        crate::func::Arg {
            ty: self.ty,
            literal: match &self.kind {
                ExprNode::Literal(value) => Some(value),
                _ => None,
            },
            is_column: matches!(self.kind, ExprNode::Column(_)),
        }
    }

    /// [`as_arg`](Self::as_arg) of each argument of a call.
    pub fn as_args(args: &[BoundExpr]) -> Vec<crate::func::Arg<'_>> {
        args.iter().map(BoundExpr::as_arg).collect()
    }

    pub fn column(index: usize, ty: Type, span: Span) -> BoundExpr {
        BoundExpr {
            kind: ExprNode::Column(index),
            ty,
            span,
        }
    }

    pub fn literal(value: Value, ty: Type, span: Span) -> BoundExpr {
        BoundExpr {
            kind: ExprNode::Literal(value),
            ty,
            span,
        }
    }
}

/// The visualization `render` asked for: kept beside the result, never a plan node.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Visualization {
    /// `piechart`, `timechart`, …
    pub kind: String,
    /// `with (title="…", ycolumns=a, b)`: property name → value as text (lists comma-joined).
    pub properties: Vec<(String, String)>,
}

/// What `bind` hands to `execute`: the plan plus the visualization peeled off it.
#[derive(Debug, Clone)]
pub struct BoundQuery {
    pub plan: Plan,
    pub visualization: Option<Visualization>,
    /// When binding began: the query's time limit counts from here, so what binding ran (a
    /// `pivot` or `bag_unpack` probe) and the run share one deadline.
    pub started: std::time::Instant,
}
