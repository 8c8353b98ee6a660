//! Subqueries inside expressions run once, before the plan that holds them: `x in (T | project
//! y)` becomes `x in (v1, v2, …)` and `toscalar(T | …)` becomes the constant it yields. The
//! evaluator then only ever sees constants.

use super::Executor;
use crate::error::Error;
use crate::plan::{BoundExpr, ExprNode, Node, Plan};
use crate::table::{Type, Value};

/// A copy of `plan` with every subquery in its expressions replaced by its values.
pub(super) fn resolve(plan: &Plan, executor: &Executor<'_>) -> Result<Plan, Error> {
    let mut plan = plan.clone();
    resolve_plan(&mut plan, executor)?;
    Ok(plan)
}

fn resolve_plan(plan: &mut Plan, executor: &Executor<'_>) -> Result<(), Error> {
    let mut result = Ok(());
    for_each_expr(plan, &mut |expr| {
        if result.is_ok() {
            result = resolve_expr(expr, executor);
        }
    });
    result?;
    for child in children_mut(plan) {
        resolve_plan(child, executor)?;
    }
    Ok(())
}

fn resolve_expr(expr: &mut BoundExpr, executor: &Executor<'_>) -> Result<(), Error> {
    match &mut expr.kind {
        ExprNode::InPlan {
            expr: needle,
            plan,
            negated,
            case_insensitive,
        } => {
            resolve_expr(needle, executor)?;
            let table = executor.run_to_table(plan)?;
            let list = match table.columns.first() {
                Some(column) => {
                    let ty = column.ty();
                    (0..column.len())
                        .map(|row| BoundExpr::literal(column.get(row), ty, expr.span))
                        .collect()
                }
                None => Vec::new(),
            };
            let needle = std::mem::replace(needle, Box::new(placeholder()));
            expr.kind = ExprNode::In {
                expr: needle,
                list,
                negated: *negated,
                case_insensitive: *case_insensitive,
            };
        }
        ExprNode::Scalar(plan) => {
            let table = executor.run_to_table(plan)?;
            let value = match table.columns.first() {
                Some(column) if !column.is_empty() => column.get(0),
                _ => Value::Null,
            };
            expr.kind = ExprNode::Literal(value);
        }
        _ => {
            for child in expr_children_mut(expr) {
                resolve_expr(child, executor)?;
            }
        }
    }
    Ok(())
}

fn placeholder() -> BoundExpr {
    BoundExpr::literal(Value::Null, Type::Bool, Default::default())
}

/// The direct subexpressions of `expr` (subqueries excluded: they are plans of their own).
fn expr_children_mut(expr: &mut BoundExpr) -> Vec<&mut BoundExpr> {
    match &mut expr.kind {
        ExprNode::Column(_) | ExprNode::Literal(_) | ExprNode::Scalar(_) => Vec::new(),
        ExprNode::Neg(inner) => vec![inner],
        ExprNode::Binary { left, right, .. } => vec![left, right],
        ExprNode::In { expr, list, .. } => {
            let mut all = vec![&mut **expr];
            all.extend(list.iter_mut());
            all
        }
        ExprNode::InPlan { expr, .. } => vec![expr],
        ExprNode::Between {
            expr, low, high, ..
        } => vec![expr, low, high],
        ExprNode::Call { args, .. } => args.iter_mut().collect(),
        ExprNode::Index { expr, index } => vec![expr, index],
    }
}

/// Call `f` on every top-level expression a node holds.
fn for_each_expr(plan: &mut Plan, f: &mut dyn FnMut(&mut BoundExpr)) {
    match &mut plan.node {
        Node::Scan { predicates, .. } => predicates.iter_mut().for_each(f),
        Node::Filter { predicate, .. } => f(predicate),
        Node::Project { exprs, .. } | Node::Serialize { exprs, .. } => exprs.iter_mut().for_each(f),
        Node::Summarize {
            keys, aggregates, ..
        } => {
            keys.iter_mut().for_each(&mut *f);
            aggregates
                .iter_mut()
                .flat_map(|a| a.args.iter_mut())
                .for_each(f);
        }
        Node::Sort { keys, .. } | Node::Top { keys, .. } => {
            keys.iter_mut().for_each(|k| f(&mut k.expr))
        }
        Node::Parse { source, .. } => f(source),
        Node::MakeSeries(series) => {
            series.keys.iter_mut().for_each(&mut *f);
            f(&mut series.axis);
            series
                .aggregates
                .iter_mut()
                .flat_map(|(a, _)| a.args.iter_mut())
                .for_each(f);
        }
        Node::TopNested { levels, .. } => {
            for level in levels {
                f(&mut level.key);
                level.aggregate.args.iter_mut().for_each(&mut *f);
            }
        }
        Node::Values(_)
        | Node::Range { .. }
        | Node::Take { .. }
        | Node::Union { .. }
        | Node::MvExpand { .. }
        | Node::Join { .. }
        | Node::IpLookup(_)
        | Node::ExternalData(_)
        | Node::Materialize { .. }
        | Node::MvApply { .. }
        | Node::ApplyInput => {}
    }
}

/// The input plans of a node.
fn children_mut(plan: &mut Plan) -> Vec<&mut Plan> {
    match &mut plan.node {
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
        Node::Union { inputs, .. } => inputs.iter_mut().collect(),
        Node::Join { left, right, .. } => vec![left, right],
        Node::IpLookup(lookup) => vec![&mut lookup.input, &mut lookup.lookup],
        Node::MvApply { input, body, .. } => vec![input, body],
        Node::MakeSeries(series) => vec![&mut series.input],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::exec::test_util::*;
    use crate::func::EvalContext;

    fn numbers() -> Plan {
        values_plan(values(&[("n", long(&[5, 6]))]))
    }

    #[test]
    fn toscalar_becomes_the_first_value_and_null_when_empty() {
        let empty = values_plan(values(&[("n", long(&[]))]));
        let plan = Plan {
            schema: schema(&[("a", Type::Long), ("b", Type::Long)]),
            node: Node::Project {
                input: Box::new(numbers()),
                exprs: vec![
                    BoundExpr {
                        kind: ExprNode::Scalar(Box::new(numbers())),
                        ty: Type::Long,
                        span: Default::default(),
                    },
                    BoundExpr {
                        kind: ExprNode::Scalar(Box::new(empty)),
                        ty: Type::Long,
                        span: Default::default(),
                    },
                ],
            },
        };
        assert_eq!(
            rows(&run(plan)),
            vec![
                vec![Value::Long(5), Value::Null],
                vec![Value::Long(5), Value::Null]
            ]
        );
    }

    #[test]
    fn in_subquery_becomes_a_literal_list() {
        let plan = Plan {
            schema: schema(&[("n", Type::Long)]),
            node: Node::Filter {
                input: Box::new(numbers()),
                predicate: BoundExpr {
                    kind: ExprNode::InPlan {
                        expr: Box::new(col(0, Type::Long)),
                        plan: Box::new(numbers()),
                        negated: true,
                        case_insensitive: false,
                    },
                    ty: Type::Bool,
                    span: Default::default(),
                },
            },
        };
        let catalog = Catalog::empty();
        let executor = Executor::new(&catalog, EvalContext { now: 0 });
        let resolved = resolve(&plan, &executor).unwrap();
        let Node::Filter { predicate, .. } = resolved.node else {
            panic!()
        };
        let ExprNode::In { list, negated, .. } = predicate.kind else {
            panic!("{predicate:?}")
        };
        assert!(negated);
        let values: Vec<_> = list
            .iter()
            .map(|e| match &e.kind {
                ExprNode::Literal(v) => v.clone(),
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(values, [Value::Long(5), Value::Long(6)]);
    }
}
