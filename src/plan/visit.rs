//! The one traversal API over plans and expressions, and the facts about a node that passes
//! ask for instead of matching on every variant themselves.
//!
//! Children: `Plan::children` are the plans a node reads rows from (and an `mv-apply` body);
//! `BoundExpr::children` are an expression's direct subexpressions. A subquery inside an
//! expression (`x in (T | …)`, `toscalar(…)`) is neither: it is a plan of its own, reached with
//! `BoundExpr::subplan`, and `Plan::walk` visits it too.
//!
//! What a node *does* with its columns and rows (columns read, outputs, order) is in `facts`.
//! Adding a plan node means teaching these two files (and the executor) about it; the passes
//! follow.

use super::{BoundExpr, ExprNode, Node, Plan};
use crate::table::Schema;
use std::sync::Arc;

/// Old column index → new index (`None`: the column was dropped).
pub type ColumnMap = Vec<Option<usize>>;

/// What a `transform` callback tells the walk about the node it was handed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Descend {
    /// Go on into the node's children.
    Into,
    /// The node is done (replaced, or needs nothing below it).
    Skip,
}

impl BoundExpr {
    /// The direct subexpressions (a subquery's plan is not one: see [`BoundExpr::subplan`]).
    pub fn children(&self) -> Vec<&BoundExpr> {
        match &self.kind {
            ExprNode::Column(_) | ExprNode::Literal(_) | ExprNode::Scalar(_) => Vec::new(),
            ExprNode::Neg(e) | ExprNode::InPlan { expr: e, .. } => vec![e],
            ExprNode::Binary { left, right, .. } => vec![left, right],
            ExprNode::In { expr, list, .. } => std::iter::once(&**expr).chain(list).collect(),
            ExprNode::Between {
                expr, low, high, ..
            } => vec![expr, low, high],
            ExprNode::Call { args, .. } => args.iter().collect(),
            ExprNode::Index { expr, index } => vec![expr, index],
        }
    }

    /// The direct subexpressions, to change in place.
    pub fn children_mut(&mut self) -> Vec<&mut BoundExpr> {
        kind_children_mut(&mut self.kind)
    }
    /// The plan of a subquery held by this node itself: `x in (T | …)`, `toscalar(T | …)`.
    pub fn subplan(&self) -> Option<&Plan> {
        match &self.kind {
            ExprNode::InPlan { plan, .. } | ExprNode::Scalar(plan) => Some(plan),
            _ => None,
        }
    }

    pub fn subplan_mut(&mut self) -> Option<&mut Plan> {
        match &mut self.kind {
            ExprNode::InPlan { plan, .. } | ExprNode::Scalar(plan) => Some(plan),
            _ => None,
        }
    }

    /// Visit this expression and every subexpression, outermost first (subqueries' plans are
    /// not entered).
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a BoundExpr)) {
        f(self);
        for child in self.children() {
            child.walk(f);
        }
    }

    /// The first subexpression (this one included, outermost first) that `f` accepts.
    pub fn find(&self, f: &mut dyn FnMut(&BoundExpr) -> bool) -> Option<&BoundExpr> {
        if f(self) {
            return Some(self);
        }
        self.children().into_iter().find_map(|c| c.find(f))
    }

    /// Whether any subexpression (this one included) is one `f` accepts.
    pub fn any(&self, f: &mut dyn FnMut(&BoundExpr) -> bool) -> bool {
        self.find(f).is_some()
    }

    /// Hand this expression, then (unless `f` says [`Descend::Skip`]) its children, to `f`.
    pub fn transform(&mut self, f: &mut dyn FnMut(&mut BoundExpr) -> Descend) {
        if f(self) == Descend::Into {
            for child in self.children_mut() {
                child.transform(f);
            }
        }
    }

    /// [`BoundExpr::transform`] with a callback that can fail; the first error ends the walk.
    pub fn try_transform<E>(
        &mut self,
        f: &mut dyn FnMut(&mut BoundExpr) -> Result<Descend, E>,
    ) -> Result<(), E> {
        if f(self)? == Descend::Into {
            for child in self.children_mut() {
                child.try_transform(f)?;
            }
        }
        Ok(())
    }

    /// Whether a subquery is anywhere in this expression.
    pub fn has_subplan(&self) -> bool {
        self.any(&mut |e| e.subplan().is_some())
    }

    /// The input columns this expression reads, in order of appearance (repeats kept).
    pub fn columns_read(&self) -> Vec<usize> {
        let mut read = Vec::new();
        self.walk(&mut |e| {
            if let ExprNode::Column(c) = e.kind {
                read.push(c);
            }
        });
        read
    }

    /// Every column reference in this expression, to renumber in place.
    pub fn column_refs_mut(&mut self) -> Vec<&mut usize> {
        let mut out = Vec::new();
        expr_refs_mut(self, &mut out);
        out
    }
}

fn expr_refs_mut<'a>(expr: &'a mut BoundExpr, out: &mut Vec<&'a mut usize>) {
    match &mut expr.kind {
        ExprNode::Column(c) => out.push(c),
        kind => {
            for child in kind_children_mut(kind) {
                expr_refs_mut(child, out);
            }
        }
    }
}

fn kind_children_mut(kind: &mut ExprNode) -> Vec<&mut BoundExpr> {
    match kind {
        ExprNode::Column(_) | ExprNode::Literal(_) | ExprNode::Scalar(_) => Vec::new(),
        ExprNode::Neg(e) | ExprNode::InPlan { expr: e, .. } => vec![e],
        ExprNode::Binary { left, right, .. } => vec![left, right],
        ExprNode::In { expr, list, .. } => std::iter::once(&mut **expr)
            .chain(list.iter_mut())
            .collect(),
        ExprNode::Between {
            expr, low, high, ..
        } => vec![expr, low, high],
        ExprNode::Call { args, .. } => args.iter_mut().collect(),
        ExprNode::Index { expr, index } => vec![expr, index],
    }
}

/// A node's own expressions, written once for both borrows (as `children_of!` below).
macro_rules! exprs_of {
    ($node:expr, $iter:ident $(, $m:tt)?) => {
        match $node {
            Node::Scan { predicates, .. } => predicates.$iter().collect(),
            Node::Filter { predicate, .. } => vec![predicate],
            Node::Project { exprs, .. } | Node::Serialize { exprs, .. } => {
                exprs.$iter().collect()
            }
            Node::Summarize {
                keys, aggregates, ..
            } => keys
                .$iter()
                .chain(aggregates.$iter().flat_map(|a| &$($m)? a.args))
                .collect(),
            Node::Sort { keys, .. } | Node::Top { keys, .. } => {
                keys.$iter().map(|k| &$($m)? k.expr).collect()
            }
            Node::Parse { source, .. } => vec![source],
            Node::MakeSeries(series) => {
                let series = &$($m)? **series;
                series
                    .keys
                    .$iter()
                    .chain(std::iter::once(&$($m)? series.axis))
                    .chain(series.aggregates.$iter().flat_map(|(a, _)| &$($m)? a.args))
                    .collect()
            }
            Node::TopNested { levels, .. } => levels
                .$iter()
                .flat_map(|l| std::iter::once(&$($m)? l.key).chain(&$($m)? l.aggregate.args))
                .collect(),
            Node::Values(_)
            | Node::Range { .. }
            | Node::Take { .. }
            | Node::Union { .. }
            | Node::MvExpand { .. }
            | Node::Join { .. }
            | Node::IpLookup(_)
            | Node::Plugin(_)
            | Node::ExternalData(_)
            | Node::Materialize { .. }
            | Node::MvApply { .. }
            | Node::ApplyInput => Vec::new(),
        }
    };
}
pub(super) fn node_exprs_mut(node: &mut Node) -> Vec<&mut BoundExpr> {
    exprs_of!(node, iter_mut, mut)
}

/// The children of a node, written once for both borrows: `children_of!(&node, iter)` and
/// `children_of!(&mut node, iter_mut, mut)` (the match arms bind by the borrow they are given).
macro_rules! children_of {
    ($node:expr, $iter:ident $(, $m:tt)?) => {
        match $node {
            Node::Scan { .. }
            | Node::Values(_)
            | Node::Range { .. }
            | Node::ApplyInput
            | Node::ExternalData(_) => Vec::new(),
            Node::Filter { input, .. }
            | Node::Project { input, .. }
            | Node::Summarize { input, .. }
            | Node::Sort { input, .. }
            | Node::Take { input, .. }
            | Node::Top { input, .. }
            | Node::MvExpand { input, .. }
            | Node::Parse { input, .. }
            | Node::TopNested { input, .. }
            | Node::Serialize { input, .. }
            | Node::Materialize { input, .. } => vec![input],
            Node::Union { inputs, .. } => inputs.$iter().collect(),
            Node::Plugin(run) => run.inputs.$iter().collect(),
            Node::Join { left, right, .. } => vec![left, right],
            Node::MvApply { input, body, .. } => vec![input, body],
            Node::IpLookup(lookup) => vec![&$($m)? lookup.input, &$($m)? lookup.lookup],
            Node::MakeSeries(series) => vec![&$($m)? series.input],
        }
    };
}

impl Plan {
    /// The plans this node reads rows from, in order, and an `mv-apply` body last (subqueries
    /// inside expressions are not children: see [`Plan::walk`]).
    pub fn children(&self) -> Vec<&Plan> {
        self.shared_children().into_iter().map(|c| &**c).collect()
    }

    /// The children, to change in place: a child shared with another plan (a `let` table used
    /// twice) is copied first, so the change stays in this plan.
    pub fn children_mut(&mut self) -> Vec<&mut Plan> {
        self.shared_children_mut()
            .into_iter()
            .map(Arc::make_mut)
            .collect()
    }

    /// [`Plan::children`] as the shared pointers the node holds (a pass that keeps what it
    /// has seen by identity holds these).
    pub fn shared_children(&self) -> Vec<&Arc<Plan>> {
        children_of!(&self.node, iter)
    }

    fn shared_children_mut(&mut self) -> Vec<&mut Arc<Plan>> {
        children_of!(&mut self.node, iter_mut, mut)
    }

    /// The node's own expressions, each over its first input's columns (a scan's predicates
    /// are over the columns it produces).
    pub fn exprs(&self) -> Vec<&BoundExpr> {
        exprs_of!(&self.node, iter)
    }

    pub fn exprs_mut(&mut self) -> Vec<&mut BoundExpr> {
        node_exprs_mut(&mut self.node)
    }
    /// Visit this plan and every plan under it, outermost first: children, and the subqueries
    /// inside the expressions of each node.
    pub fn walk<'a>(&'a self, f: &mut dyn FnMut(&'a Plan)) {
        f(self);
        for expr in self.exprs() {
            expr.walk(&mut |e| {
                if let Some(plan) = e.subplan() {
                    plan.walk(f);
                }
            });
        }
        for child in self.children() {
            child.walk(f);
        }
    }

    /// [`Plan::walk`] with a callback that can fail; the first error ends the walk.
    pub fn try_walk<E>(&self, f: &mut dyn FnMut(&Plan) -> Result<(), E>) -> Result<(), E> {
        let mut result = Ok(());
        self.walk(&mut |plan| {
            if result.is_ok() {
                result = f(plan);
            }
        });
        result
    }

    /// Rebuild this plan bottom-up: every child and every subquery plan is rewritten first,
    /// then `f` rewrites the node holding them.
    pub fn transform_up(self, f: &mut dyn FnMut(Plan) -> Plan) -> Plan {
        let mut plan = self;
        for expr in plan.exprs_mut() {
            expr.transform(&mut |e| {
                if let Some(sub) = e.subplan_mut() {
                    let taken = std::mem::take(sub);
                    *sub = taken.transform_up(f);
                }
                Descend::Into
            });
        }
        for child in plan.children_mut() {
            let taken = std::mem::take(child);
            *child = taken.transform_up(f);
        }
        f(plan)
    }
}

/// A placeholder left in a plan's place while it is being rewritten.
impl Default for Plan {
    fn default() -> Plan {
        Plan {
            node: Node::ApplyInput,
            schema: Schema::default(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::Options;

    fn plan(query: &str) -> Plan {
        let catalog = Catalog::new();
        crate::bind(&crate::parse(query).unwrap(), &catalog, &Options::default())
            .unwrap()
            .plan
    }

    #[test]
    fn walk_reaches_subqueries_and_every_child() {
        let p = plan(
            "let t = NTANetAnalytics | take 1; t | where SrcIp in ((AzureNetworkAnalytics_CL | \
             project SrcIP_s)) | join kind=inner (AWSVPCFlow | project SrcIp = SrcAddr) on SrcIp",
        );
        let mut scans = Vec::new();
        p.walk(&mut |node| {
            if let Node::Scan { table, .. } = &node.node {
                scans.push(table.clone());
            }
        });
        scans.sort();
        assert_eq!(
            scans,
            ["AWSVPCFlow", "AzureNetworkAnalytics_CL", "NTANetAnalytics"]
        );
    }

    #[test]
    fn expression_children_and_transform() {
        let mut e = BoundExpr {
            kind: ExprNode::Binary {
                op: super::super::BinaryOp::Add,
                left: Box::new(BoundExpr::column(
                    3,
                    crate::table::Type::Long,
                    Default::default(),
                )),
                right: Box::new(BoundExpr::column(
                    1,
                    crate::table::Type::Long,
                    Default::default(),
                )),
            },
            ty: crate::table::Type::Long,
            span: Default::default(),
        };
        assert_eq!(e.children().len(), 2);
        assert_eq!(e.columns_read(), [3, 1]);
        for c in e.column_refs_mut() {
            *c += 10;
        }
        assert_eq!(e.columns_read(), [13, 11]);
        e.transform(&mut |x| {
            if let ExprNode::Column(c) = x.kind {
                x.kind = ExprNode::Literal(crate::table::Value::Long(c as i64));
            }
            Descend::Into
        });
        assert!(e.columns_read().is_empty());
        assert!(!e.has_subplan());
    }
}
