//! Narrow each scan to the columns the query uses, and copy the conjuncts of the `where`s
//! sitting directly on a scan into the scan's predicates (the filters stay).
//!
//! The pass walks the plan top-down with the set of columns each operator's consumer needs and
//! rebuilds it bottom-up, returning for every old column its new index so the expressions above
//! can be renumbered.

use crate::plan::{BinaryOp, BoundExpr, ExprNode, IpLookup, JoinSide, Node, Plan};
use crate::table::{Schema, Type};

/// Old column index → new index (`None`: dropped).
type Map = Vec<Option<usize>>;

/// Prune a whole plan; all of its output columns are kept.
pub fn prune(plan: Plan) -> Plan {
    let all = vec![true; plan.schema.len()];
    prune_node(plan, &all).0
}

fn identity(n: usize) -> Map {
    (0..n).map(Some).collect()
}

/// Mark the columns an expression reads (subplans read their own inputs, not this row).
fn mark(expr: &BoundExpr, used: &mut [bool]) {
    match &expr.kind {
        ExprNode::Column(i) => used[*i] = true,
        ExprNode::Literal(_) | ExprNode::Scalar(_) => {}
        ExprNode::Neg(e) => mark(e, used),
        ExprNode::Binary { left, right, .. } => {
            mark(left, used);
            mark(right, used);
        }
        ExprNode::In { expr, list, .. } => {
            mark(expr, used);
            list.iter().for_each(|e| mark(e, used));
        }
        ExprNode::InPlan { expr, .. } => mark(expr, used),
        ExprNode::Between {
            expr, low, high, ..
        } => {
            mark(expr, used);
            mark(low, used);
            mark(high, used);
        }
        ExprNode::Call { args, .. } => args.iter().for_each(|e| mark(e, used)),
        ExprNode::Index { expr, index } => {
            mark(expr, used);
            mark(index, used);
        }
    }
}

/// Renumber column references through `map`, pruning subplans on the way.
fn remap(expr: &mut BoundExpr, map: &Map) {
    match &mut expr.kind {
        ExprNode::Column(i) => *i = map[*i].expect("a used column is kept"),
        ExprNode::Literal(_) => {}
        ExprNode::Scalar(plan) => prune_boxed(plan),
        ExprNode::Neg(e) => remap(e, map),
        ExprNode::Binary { left, right, .. } => {
            remap(left, map);
            remap(right, map);
        }
        ExprNode::In { expr, list, .. } => {
            remap(expr, map);
            list.iter_mut().for_each(|e| remap(e, map));
        }
        ExprNode::InPlan { expr, plan, .. } => {
            remap(expr, map);
            prune_boxed(plan);
        }
        ExprNode::Between {
            expr, low, high, ..
        } => {
            remap(expr, map);
            remap(low, map);
            remap(high, map);
        }
        ExprNode::Call { args, .. } => args.iter_mut().for_each(|e| remap(e, map)),
        ExprNode::Index { expr, index } => {
            remap(expr, map);
            remap(index, map);
        }
    }
}

fn prune_boxed(plan: &mut Box<Plan>) {
    let taken = std::mem::replace(
        plan.as_mut(),
        Plan {
            node: Node::ApplyInput,
            schema: Schema::default(),
        },
    );
    **plan = prune(taken);
}

fn has_subplan(expr: &BoundExpr) -> bool {
    match &expr.kind {
        ExprNode::Scalar(_) | ExprNode::InPlan { .. } => true,
        ExprNode::Column(_) | ExprNode::Literal(_) => false,
        ExprNode::Neg(e) => has_subplan(e),
        ExprNode::Binary { left, right, .. } => has_subplan(left) || has_subplan(right),
        ExprNode::In { expr, list, .. } => has_subplan(expr) || list.iter().any(has_subplan),
        ExprNode::Between {
            expr, low, high, ..
        } => has_subplan(expr) || has_subplan(low) || has_subplan(high),
        ExprNode::Call { args, .. } => args.iter().any(has_subplan),
        ExprNode::Index { expr, index } => has_subplan(expr) || has_subplan(index),
    }
}

/// `a and b and c` → `[a, b, c]`.
fn conjuncts(expr: &BoundExpr, out: &mut Vec<BoundExpr>) {
    match &expr.kind {
        ExprNode::Binary {
            op: BinaryOp::And,
            left,
            right,
        } => {
            conjuncts(left, out);
            conjuncts(right, out);
        }
        _ => out.push(expr.clone()),
    }
}

/// Copy a filter's conjuncts into the scan below it (through other filters, which keep columns
/// as they are).
fn push_down(input: &mut Plan, predicate: &BoundExpr) {
    match &mut input.node {
        Node::Scan { predicates, .. } => {
            let mut parts = Vec::new();
            conjuncts(predicate, &mut parts);
            predicates.extend(parts.into_iter().filter(|p| !has_subplan(p)));
        }
        Node::Filter { input, .. } => push_down(input, predicate),
        _ => {}
    }
}

/// The two inputs of a join-like node, pruned to their key columns and to the columns the kept
/// outputs take from them, and those outputs renumbered.
struct Sides {
    left: Plan,
    left_map: Map,
    right: Plan,
    right_map: Map,
    output: Vec<(JoinSide, usize)>,
}

impl Sides {
    /// Key columns of one side, renumbered.
    fn renumber(&self, side: JoinSide, keys: &[usize]) -> Vec<usize> {
        let map = match side {
            JoinSide::Left => &self.left_map,
            JoinSide::Right => &self.right_map,
        };
        keys.iter().map(|&k| map[k].expect("key kept")).collect()
    }
}

fn prune_sides(
    left: Plan,
    right: Plan,
    left_keys: &[usize],
    right_keys: &[usize],
    output: &[(JoinSide, usize)],
    keep: &[usize],
) -> Sides {
    let mut need_left = vec![false; left.schema.len()];
    let mut need_right = vec![false; right.schema.len()];
    left_keys.iter().for_each(|&k| need_left[k] = true);
    right_keys.iter().for_each(|&k| need_right[k] = true);
    for &o in keep {
        match output[o] {
            (JoinSide::Left, c) => need_left[c] = true,
            (JoinSide::Right, c) => need_right[c] = true,
        }
    }
    let (left, left_map) = prune_node(left, &need_left);
    let (right, right_map) = prune_node(right, &need_right);
    let output = keep
        .iter()
        .map(|&o| match output[o] {
            (side @ JoinSide::Left, c) => (side, left_map[c].expect("kept")),
            (side, c) => (side, right_map[c].expect("kept")),
        })
        .collect();
    Sides {
        left,
        left_map,
        right,
        right_map,
        output,
    }
}

/// Keep only `fields[i]` where `keep[i]`.
fn narrow(schema: &Schema, keep: &[usize]) -> Schema {
    Schema::new(keep.iter().map(|&i| schema.fields[i].clone()).collect())
}

/// Indices where `needed` is set; the first one alone when none is (a batch without columns
/// would lose its row count).
fn kept(needed: &[bool]) -> Vec<usize> {
    let keep: Vec<usize> = (0..needed.len()).filter(|&i| needed[i]).collect();
    if keep.is_empty() && !needed.is_empty() {
        vec![0]
    } else {
        keep
    }
}

fn map_of(width: usize, keep: &[usize]) -> Map {
    let mut map = vec![None; width];
    for (new, &old) in keep.iter().enumerate() {
        map[old] = Some(new);
    }
    map
}

/// Needed columns of a pass-through operator's input: the consumer's (first `width`) plus
/// those the operator reads.
fn passthrough_needs(needed: &[bool], width: usize, exprs: &[&BoundExpr]) -> Vec<bool> {
    let mut need = vec![false; width];
    need.copy_from_slice(&needed[..width]);
    exprs.iter().for_each(|e| mark(e, &mut need));
    need
}

fn prune_node(plan: Plan, needed: &[bool]) -> (Plan, Map) {
    let Plan { node, schema } = plan;
    match node {
        Node::Scan {
            table,
            columns,
            predicates,
        } => {
            let keep = match kept(needed) {
                // Only the row count is wanted: a number column is the cheapest to fill.
                keep if !needed.contains(&true) => schema
                    .fields
                    .iter()
                    .position(|f| !matches!(f.ty, Type::String | Type::Dynamic))
                    .map_or(keep, |i| vec![i]),
                keep => keep,
            };
            let map = map_of(columns.len(), &keep);
            let mut predicates = predicates;
            predicates.iter_mut().for_each(|p| remap(p, &map));
            let plan = Plan {
                node: Node::Scan {
                    table,
                    columns: keep.iter().map(|&i| columns[i]).collect(),
                    predicates,
                },
                schema: narrow(&schema, &keep),
            };
            (plan, map)
        }
        Node::Values(_) | Node::Range { .. } | Node::ApplyInput | Node::ExternalData(_) => {
            let n = schema.len();
            (Plan { node, schema }, identity(n))
        }
        Node::Filter {
            input,
            mut predicate,
        } => {
            let need = passthrough_needs(needed, schema.len(), &[&predicate]);
            let (mut input, map) = prune_node(*input, &need);
            remap(&mut predicate, &map);
            push_down(&mut input, &predicate);
            let schema = input.schema.clone();
            let plan = Plan {
                node: Node::Filter {
                    input: Box::new(input),
                    predicate,
                },
                schema,
            };
            (plan, map)
        }
        Node::Project { input, exprs } => {
            let keep = kept(needed);
            let mut exprs: Vec<BoundExpr> = keep.iter().map(|&i| exprs[i].clone()).collect();
            let mut need = vec![false; input.schema.len()];
            exprs.iter().for_each(|e| mark(e, &mut need));
            let (input, map) = prune_node(*input, &need);
            exprs.iter_mut().for_each(|e| remap(e, &map));
            let plan = Plan {
                node: Node::Project {
                    input: Box::new(input),
                    exprs,
                },
                schema: narrow(&schema, &keep),
            };
            (plan, map_of(needed.len(), &keep))
        }
        Node::Summarize {
            input,
            mut keys,
            mut aggregates,
        } => {
            let mut need = vec![false; input.schema.len()];
            keys.iter().for_each(|e| mark(e, &mut need));
            aggregates
                .iter()
                .for_each(|a| a.args.iter().for_each(|e| mark(e, &mut need)));
            let (input, map) = prune_node(*input, &need);
            keys.iter_mut().for_each(|e| remap(e, &map));
            aggregates
                .iter_mut()
                .for_each(|a| a.args.iter_mut().for_each(|e| remap(e, &map)));
            let n = schema.len();
            let plan = Plan {
                node: Node::Summarize {
                    input: Box::new(input),
                    keys,
                    aggregates,
                },
                schema,
            };
            (plan, identity(n))
        }
        Node::Sort { input, mut keys } => {
            let exprs: Vec<&BoundExpr> = keys.iter().map(|k| &k.expr).collect();
            let need = passthrough_needs(needed, schema.len(), &exprs);
            let (input, map) = prune_node(*input, &need);
            keys.iter_mut().for_each(|k| remap(&mut k.expr, &map));
            let schema = input.schema.clone();
            let plan = Plan {
                node: Node::Sort {
                    input: Box::new(input),
                    keys,
                },
                schema,
            };
            (plan, map)
        }
        Node::Top {
            input,
            count,
            mut keys,
        } => {
            let exprs: Vec<&BoundExpr> = keys.iter().map(|k| &k.expr).collect();
            let need = passthrough_needs(needed, schema.len(), &exprs);
            let (input, map) = prune_node(*input, &need);
            keys.iter_mut().for_each(|k| remap(&mut k.expr, &map));
            let schema = input.schema.clone();
            let plan = Plan {
                node: Node::Top {
                    input: Box::new(input),
                    count,
                    keys,
                },
                schema,
            };
            (plan, map)
        }
        Node::Take { input, count } => {
            let (input, map) = prune_node(*input, needed);
            let schema = input.schema.clone();
            let plan = Plan {
                node: Node::Take {
                    input: Box::new(input),
                    count,
                },
                schema,
            };
            (plan, map)
        }
        Node::Union {
            inputs,
            mappings,
            source_names,
        } => {
            let offset = usize::from(source_names.is_some());
            let columns: Vec<bool> = needed[offset..].to_vec();
            let mut keep = kept(&columns);
            if keep.is_empty() && offset == 0 {
                keep = vec![0];
            }
            let mut new_inputs = Vec::new();
            let mut new_mappings = Vec::new();
            for (input, mapping) in inputs.into_iter().zip(mappings) {
                let mut need = vec![false; input.schema.len()];
                for &j in &keep {
                    if let Some(c) = mapping[j] {
                        need[c] = true;
                    }
                }
                let (input, map) = prune_node(input, &need);
                new_mappings.push(
                    keep.iter()
                        .map(|&j| mapping[j].and_then(|c| map[c]))
                        .collect(),
                );
                new_inputs.push(input);
            }
            let mut out_keep: Vec<usize> = (0..offset).collect();
            out_keep.extend(keep.iter().map(|j| j + offset));
            let plan = Plan {
                node: Node::Union {
                    inputs: new_inputs,
                    mappings: new_mappings,
                    source_names,
                },
                schema: narrow(&schema, &out_keep),
            };
            (plan, map_of(needed.len(), &out_keep))
        }
        Node::MvExpand {
            input,
            mut items,
            bag_as_array,
            item_index,
            limit,
        } => {
            let width = input.schema.len();
            let mut need = needed[..width].to_vec();
            items.iter().for_each(|it| need[it.column] = true);
            let (input, map) = prune_node(*input, &need);
            items
                .iter_mut()
                .for_each(|it| it.column = map[it.column].expect("item column kept"));
            let new_width = input.schema.len();
            let mut keep: Vec<usize> = (0..width).filter(|&i| map[i].is_some()).collect();
            if item_index {
                keep.push(width);
            }
            let mut out_map = map.clone();
            if item_index {
                out_map.push(Some(new_width));
            }
            let plan = Plan {
                node: Node::MvExpand {
                    input: Box::new(input),
                    items,
                    bag_as_array,
                    item_index,
                    limit,
                },
                schema: narrow(&schema, &keep),
            };
            (plan, out_map)
        }
        Node::Join {
            left,
            right,
            kind,
            left_keys,
            right_keys,
            output,
        } => {
            let keep = kept(needed);
            let sides = prune_sides(*left, *right, &left_keys, &right_keys, &output, &keep);
            let plan = Plan {
                node: Node::Join {
                    left_keys: sides.renumber(JoinSide::Left, &left_keys),
                    right_keys: sides.renumber(JoinSide::Right, &right_keys),
                    output: sides.output,
                    left: Box::new(sides.left),
                    right: Box::new(sides.right),
                    kind,
                },
                schema: narrow(&schema, &keep),
            };
            (plan, map_of(needed.len(), &keep))
        }
        Node::IpLookup(lookup) => {
            let IpLookup {
                input,
                lookup,
                family,
                source_key,
                lookup_key,
                extra_keys,
                keep_unmatched,
                output,
            } = *lookup;
            let keep = kept(needed);
            let mut input_keys = vec![source_key];
            let mut lookup_keys = vec![lookup_key];
            input_keys.extend(extra_keys.iter().map(|&(i, _)| i));
            lookup_keys.extend(extra_keys.iter().map(|&(_, l)| l));
            let sides = prune_sides(input, lookup, &input_keys, &lookup_keys, &output, &keep);
            let input_keys = sides.renumber(JoinSide::Left, &input_keys);
            let lookup_keys = sides.renumber(JoinSide::Right, &lookup_keys);
            let plan = Plan {
                node: Node::IpLookup(Box::new(IpLookup {
                    input: sides.left,
                    lookup: sides.right,
                    family,
                    source_key: input_keys[0],
                    lookup_key: lookup_keys[0],
                    extra_keys: input_keys[1..]
                        .iter()
                        .copied()
                        .zip(lookup_keys[1..].iter().copied())
                        .collect(),
                    keep_unmatched,
                    output: sides.output,
                })),
                schema: narrow(&schema, &keep),
            };
            (plan, map_of(needed.len(), &keep))
        }
        Node::Parse {
            input,
            mut source,
            pattern,
            where_only,
        } => {
            let width = input.schema.len();
            let need = passthrough_needs(needed, width, &[&source]);
            let (input, map) = prune_node(*input, &need);
            remap(&mut source, &map);
            let new_width = input.schema.len();
            let mut keep: Vec<usize> = (0..width).filter(|&i| map[i].is_some()).collect();
            keep.extend(width..schema.len());
            let mut out_map = map;
            out_map.extend((0..schema.len() - width).map(|k| Some(new_width + k)));
            let plan = Plan {
                node: Node::Parse {
                    input: Box::new(input),
                    source,
                    pattern,
                    where_only,
                },
                schema: narrow(&schema, &keep),
            };
            (plan, out_map)
        }
        Node::Serialize { input, mut exprs } => {
            let width = input.schema.len();
            let refs: Vec<&BoundExpr> = exprs.iter().collect();
            let need = passthrough_needs(needed, width, &refs);
            let (input, map) = prune_node(*input, &need);
            exprs.iter_mut().for_each(|e| remap(e, &map));
            let new_width = input.schema.len();
            let mut keep: Vec<usize> = (0..width).filter(|&i| map[i].is_some()).collect();
            keep.extend(width..schema.len());
            let mut out_map = map;
            out_map.extend((0..schema.len() - width).map(|k| Some(new_width + k)));
            let plan = Plan {
                node: Node::Serialize {
                    input: Box::new(input),
                    exprs,
                },
                schema: narrow(&schema, &keep),
            };
            (plan, out_map)
        }
        Node::MakeSeries(mut series) => {
            let mut need = vec![false; series.input.schema.len()];
            series.keys.iter().for_each(|e| mark(e, &mut need));
            series
                .aggregates
                .iter()
                .for_each(|(a, _)| a.args.iter().for_each(|e| mark(e, &mut need)));
            mark(&series.axis, &mut need);
            let input = std::mem::replace(
                &mut series.input,
                Plan {
                    node: Node::ApplyInput,
                    schema: Schema::default(),
                },
            );
            let (input, map) = prune_node(input, &need);
            series.input = input;
            series.keys.iter_mut().for_each(|e| remap(e, &map));
            series
                .aggregates
                .iter_mut()
                .for_each(|(a, _)| a.args.iter_mut().for_each(|e| remap(e, &map)));
            remap(&mut series.axis, &map);
            let n = schema.len();
            (
                Plan {
                    node: Node::MakeSeries(series),
                    schema,
                },
                identity(n),
            )
        }
        Node::TopNested { input, mut levels } => {
            let mut need = vec![false; input.schema.len()];
            for level in &levels {
                mark(&level.key, &mut need);
                level.aggregate.args.iter().for_each(|e| mark(e, &mut need));
            }
            let (input, map) = prune_node(*input, &need);
            for level in &mut levels {
                remap(&mut level.key, &map);
                level.aggregate.args.iter_mut().for_each(|e| remap(e, &map));
            }
            let n = schema.len();
            let plan = Plan {
                node: Node::TopNested {
                    input: Box::new(input),
                    levels,
                },
                schema,
            };
            (plan, identity(n))
        }
        Node::Materialize { id, input } => {
            // Every use of `id` must describe the same plan, so its input keeps all columns.
            let input = prune(*input);
            let n = schema.len();
            let plan = Plan {
                node: Node::Materialize {
                    id,
                    input: Box::new(input),
                },
                schema,
            };
            (plan, identity(n))
        }
        Node::MvApply {
            input,
            mut items,
            item_index,
            limit,
            keep,
            body,
        } => {
            let body = prune(*body);
            let keep_needed: Vec<usize> = keep
                .iter()
                .enumerate()
                .filter(|(k, _)| needed[*k])
                .map(|(_, &c)| c)
                .collect();
            let mut need = vec![false; input.schema.len()];
            keep_needed.iter().for_each(|&c| need[c] = true);
            items.iter().for_each(|it| need[it.column] = true);
            let (input, map) = prune_node(*input, &need);
            items
                .iter_mut()
                .for_each(|it| it.column = map[it.column].expect("item column kept"));
            let new_keep: Vec<usize> = keep_needed.iter().map(|&c| map[c].expect("kept")).collect();
            let mut out_keep: Vec<usize> = (0..keep.len()).filter(|&k| needed[k]).collect();
            out_keep.extend(keep.len()..schema.len());
            let plan = Plan {
                node: Node::MvApply {
                    input: Box::new(input),
                    items,
                    item_index,
                    limit,
                    keep: new_keep,
                    body: Box::new(body),
                },
                schema: narrow(&schema, &out_keep),
            };
            (plan, map_of(needed.len(), &out_keep))
        }
    }
}
