//! Subqueries inside expressions run once, before the plan that holds them: `x in (T | project
//! y)` becomes `x in (v1, v2, …)` and `toscalar(T | …)` becomes the constant it yields. The
//! evaluator then only ever sees constants.

use super::Executor;
use crate::error::Error;
use crate::plan::{BoundExpr, Descend, ExprNode, Plan};
use crate::table::{Type, Value};

/// A copy of `plan` with every subquery in its expressions replaced by its values.
pub(super) fn resolve(plan: &Plan, executor: &Executor<'_>) -> Result<Plan, Error> {
    let mut plan = plan.clone();
    resolve_plan(&mut plan, executor)?;
    Ok(plan)
}

fn resolve_plan(plan: &mut Plan, executor: &Executor<'_>) -> Result<(), Error> {
    for expr in plan.exprs_mut() {
        resolve_expr(expr, executor)?;
    }
    for child in plan.children_mut() {
        resolve_plan(child, executor)?;
    }
    Ok(())
}

fn resolve_expr(expr: &mut BoundExpr, executor: &Executor<'_>) -> Result<(), Error> {
    expr.try_transform(&mut |expr| {
        let span = expr.span;
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
                            .map(|row| BoundExpr::literal(column.get(row), ty, span))
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
                Ok(Descend::Skip)
            }
            ExprNode::Scalar(plan) => {
                let table = executor.run_to_table(plan)?;
                let value = match table.columns.first() {
                    Some(column) if !column.is_empty() => column.get(0),
                    _ => Value::Null,
                };
                expr.kind = ExprNode::Literal(value);
                Ok(Descend::Skip)
            }
            _ => Ok(Descend::Into),
        }
    })
}

fn placeholder() -> BoundExpr {
    BoundExpr::literal(Value::Null, Type::Bool, Default::default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Catalog;
    use crate::exec::test_util::*;
    use crate::func::EvalContext;
    use crate::plan::Node;
    use std::sync::Arc;

    fn numbers() -> Plan {
        values_plan(values(&[("n", long(&[5, 6]))]))
    }

    #[test]
    fn toscalar_becomes_the_first_value_and_null_when_empty() {
        let empty = values_plan(values(&[("n", long(&[]))]));
        let plan = Plan {
            schema: schema(&[("a", Type::Long), ("b", Type::Long)]),
            node: Node::Project {
                input: Arc::new(numbers()),
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
                input: Arc::new(numbers()),
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
