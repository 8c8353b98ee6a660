//! Plan → Table. Execution is push-based: every node sends its output, batch by batch, into the
//! sink of the node above it. Streaming operators (`where`, `project`, `take`, `mv-expand`,
//! `parse`, `union`) transform each batch as it passes; pipeline breakers (`summarize`, `sort`,
//! `top`, the build side of `join`, `make-series`, `top-nested`, `serialize`, the table
//! plugins) keep only their own
//! state and emit when their input is exhausted. A sink answers [`Flow::Stop`] when it wants no
//! more rows (`take` is satisfied), which ends the scan below it early.
//!
//! One file per operator family; this file is the driver: it resolves subqueries, dispatches
//! plan nodes and owns the `materialize()` cache.

mod convert;
mod ip_lookup;
mod join;
mod keys;
mod make_series;
mod mv_expand;
mod parse;
mod plugin;
mod profile;
mod project;
mod scan;
mod sort;
mod subplan;
mod summarize;
mod top_nested;
mod union;

pub use crate::budget::{Budget, Meter};
use crate::catalog::{Catalog, ExternalTables, TableProvider};
use crate::error::{Error, ErrorKind};
use crate::func::EvalContext;
use crate::plan::{BoundExpr, BoundQuery, ExprNode, Node, Plan};
use crate::table::{Column, Schema, Table};
use crate::{Options, QueryResult};
use profile::Recorder;
pub use profile::{OperatorRows, Profile};
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::cell::RefCell;
use std::rc::Rc;

/// Run an optimized query to its result table; `external` opens what `externaldata` reads.
pub fn execute(
    query: &BoundQuery,
    catalog: &Catalog,
    external: &dyn ExternalTables,
    options: &Options,
) -> Result<QueryResult, Error> {
    let executor = Executor::new(catalog, options.context())
        .with_external(external)
        .with_meter(options.budget.start_at(query.started));
    let table = executor.run_to_table(&query.plan)?;
    Ok(QueryResult {
        table,
        visualization: query.visualization.clone(),
    })
}

/// Run an optimized query, handing each batch of its result to `out` as it leaves the last
/// operator, instead of gathering them: a query without a pipeline breaker streams from the
/// scan. `out` answers [`Flow::Stop`] to end the run early (a closed pipe); the batches have
/// the columns of `query.plan.schema`.
pub fn execute_into(
    query: &BoundQuery,
    catalog: &Catalog,
    external: &dyn ExternalTables,
    options: &Options,
    out: &mut dyn FnMut(Table) -> Result<Flow, Error>,
) -> Result<Flow, Error> {
    let executor = Executor::new(catalog, options.context())
        .with_external(external)
        .with_meter(options.budget.start_at(query.started));
    let resolved = subplan::resolve(&query.plan, &executor)?;
    executor.run(&resolved, out)
}

/// Run an optimized query as [`execute`] does, recording a [`Profile`] (`--stats`);
/// `describe` writes a plan node as `--explain` does.
pub fn execute_profiled(
    query: &BoundQuery,
    catalog: &Catalog,
    external: &dyn ExternalTables,
    options: &Options,
    describe: Box<dyn Fn(&Plan) -> String>,
) -> Result<(QueryResult, Profile), Error> {
    let recorder = Recorder::new(describe);
    let started = std::time::Instant::now();
    let executor = Executor::new(catalog, options.context())
        .with_external(external)
        .with_meter(options.budget.start_at(query.started))
        .with_profile(&recorder);
    let table = executor.run_to_table(&query.plan)?;
    drop(executor);
    let result = QueryResult {
        table,
        visualization: query.visualization.clone(),
    };
    Ok((result, recorder.finish(started.elapsed())))
}

/// What a sink tells the operator feeding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Keep sending batches.
    More,
    /// No more rows are wanted; the producer should stop as soon as it can.
    Stop,
}

/// Where an operator sends its output batches.
pub(crate) type Sink<'a> = dyn FnMut(Table) -> Result<Flow, Error> + 'a;

/// Runs plans of one query: shares the catalog, the evaluation context and the results of
/// `materialize()` between every plan and subplan of that query.
pub(crate) struct Executor<'a> {
    catalog: &'a Catalog,
    ctx: EvalContext,
    materialized: RefCell<FxHashMap<usize, Rc<Table>>>,
    /// The expanded items of the rows `mv-apply` bodies are running over, innermost last.
    apply_inputs: RefCell<Vec<Vec<Column>>>,
    /// Opens the tables `externaldata` describes.
    external: &'a dyn ExternalTables,
    /// Where rows per operator are counted, when `--stats` asked.
    profile: Option<&'a Recorder>,
    /// The query's budget, checked between batches and in long loops.
    meter: Meter,
}

/// What an executor starts with: no `externaldata` can be read.
struct NoExternalTables;

impl ExternalTables for NoExternalTables {
    fn open(
        &self,
        _: &crate::plan::ExternalRead,
        _: &Schema,
    ) -> Result<std::sync::Arc<dyn TableProvider>, Error> {
        Err(runtime("externaldata cannot be read here"))
    }
}

impl<'a> Executor<'a> {
    pub(crate) fn new(catalog: &'a Catalog, ctx: EvalContext) -> Executor<'a> {
        Executor {
            catalog,
            ctx,
            materialized: RefCell::new(FxHashMap::default()),
            apply_inputs: RefCell::new(Vec::new()),
            external: &NoExternalTables,
            profile: None,
            meter: Meter::default(),
        }
    }

    /// Stop the run once `meter` says its budget is spent.
    pub(crate) fn with_meter(mut self, meter: Meter) -> Executor<'a> {
        self.meter = meter;
        self
    }

    /// Open `externaldata` tables with `external`.
    pub(crate) fn with_external(mut self, external: &'a dyn ExternalTables) -> Executor<'a> {
        self.external = external;
        self
    }

    /// Count rows per operator into `recorder`.
    fn with_profile(mut self, recorder: &'a Recorder) -> Executor<'a> {
        self.profile = Some(recorder);
        self
    }

    /// Run `plan` and gather its whole output (with the plan's schema, even when empty).
    pub(crate) fn run_to_table(&self, plan: &Plan) -> Result<Table, Error> {
        let resolved = Box::new(subplan::resolve(plan, self)?);
        let table = self.collect(&resolved);
        if let Some(recorder) = self.profile {
            recorder.keep(resolved);
        }
        table
    }

    /// Push every output batch of `plan` into `out`. Subqueries inside expressions must already
    /// be resolved (`run_to_table` does that). Returns `Flow::Stop` when `out` asked to stop.
    fn run(&self, plan: &Plan, out: &mut Sink<'_>) -> Result<Flow, Error> {
        // Every batch any operator sends on passes the budget's check.
        self.meter.check()?;
        let out = &mut |batch: Table| {
            self.meter.check()?;
            out(batch)
        };
        let Some(recorder) = self.profile else {
            return self.run_node(plan, None, out);
        };
        let entry = recorder.enter(plan);
        let result = self.run_node(plan, Some(entry), &mut |batch| {
            recorder.rows(entry, batch.num_rows());
            out(batch)
        });
        recorder.leave();
        result
    }

    /// [`Executor::run`] for one node; `entry` is its operator's profile entry, if any.
    fn run_node(
        &self,
        plan: &Plan,
        entry: Option<usize>,
        out: &mut Sink<'_>,
    ) -> Result<Flow, Error> {
        let ctx = &self.ctx;
        let profile = self.profile.zip(entry);
        match &plan.node {
            Node::Scan {
                table,
                columns,
                predicates,
            } => {
                let provider = self
                    .catalog
                    .get(table)
                    .ok_or_else(|| Error::new(ErrorKind::UnknownTable(table.to_string())))?;
                scan::scan(provider.as_ref(), columns, predicates, ctx, profile, out)
            }
            Node::Values(table) => emit(table.clone(), out),
            Node::Range { start, stop, step } => scan::range(plan, start, stop, step, out),
            Node::Filter { input, predicate } => self.run(input, &mut |batch| {
                let kept = project::filter(predicate, batch, ctx)?;
                emit(kept, out)
            }),
            Node::Project { input, exprs } => self.run(input, &mut |batch| {
                emit(project::project(exprs, batch, &plan.schema, ctx)?, out)
            }),
            Node::Take { input, count } => sort::take(*count, out, |sink| self.run(input, sink)),
            Node::Summarize {
                input,
                keys,
                aggregates,
            } => {
                let mut state = summarize::Summarize::new(keys, aggregates, &plan.schema, ctx);
                self.run(input, &mut |batch| state.add(&batch).map(|()| Flow::More))?;
                emit(state.finish()?, out)
            }
            Node::Sort { input, keys } => {
                let mut state = sort::TopRows::new(keys, None, ctx, &self.meter);
                self.run(input, &mut |batch| state.add(batch).map(|()| Flow::More))?;
                emit(state.finish(&plan.schema)?, out)
            }
            Node::Top { input, count, keys } => {
                let mut state = sort::TopRows::new(keys, Some(*count), ctx, &self.meter);
                self.run(input, &mut |batch| state.add(batch).map(|()| Flow::More))?;
                emit(state.finish(&plan.schema)?, out)
            }
            Node::Union {
                inputs,
                mappings,
                source_names,
            } => {
                let union = union::Union::new(mappings, source_names.as_deref(), &plan.schema);
                for (i, input) in inputs.iter().enumerate() {
                    let flow = self.run(input, &mut |batch| emit(union.map(i, batch), out))?;
                    if flow == Flow::Stop {
                        return Ok(Flow::Stop);
                    }
                }
                Ok(Flow::More)
            }
            Node::MvExpand {
                input,
                items,
                bag_as_array,
                item_index,
                limit,
            } => {
                let expand = mv_expand::MvExpand {
                    items,
                    bag_as_array: *bag_as_array,
                    item_index: *item_index,
                    limit: *limit,
                    schema: &plan.schema,
                };
                self.run(input, &mut |batch| {
                    expand.apply_batched(&batch, &self.meter, out)
                })
            }
            Node::Join {
                left,
                right,
                kind,
                left_keys,
                right_keys,
                output,
            } => {
                // Hash the smaller side. The right side is gathered first; the left is held
                // back only until it outgrows the right, then streams through a right-side hash.
                let mut right_table = Some(self.collect(right)?);
                let limit = right_table.as_ref().map_or(0, Table::num_rows);
                let mut held = Table::empty(left.schema.clone());
                let mut streaming: Option<join::HashJoin> = None;
                let flow = self.run(left, &mut |batch| {
                    if let Some(join) = streaming.as_mut() {
                        return join.probe(&batch, &self.meter, out);
                    }
                    held.append(&batch);
                    if held.num_rows() <= limit {
                        return Ok(Flow::More);
                    }
                    let right = right_table.take().expect("the right side is built once");
                    let join = streaming.insert(join::HashJoin::build(
                        right,
                        *kind,
                        left_keys,
                        right_keys,
                        output,
                        &plan.schema,
                    ));
                    join.probe(&std::mem::take(&mut held), &self.meter, out)
                })?;
                if flow == Flow::Stop {
                    return Ok(Flow::Stop);
                }
                match (streaming, right_table) {
                    (Some(join), _) => emit(join.finish(), out),
                    (None, Some(right)) => join::join_hashing_left(
                        &held,
                        &right,
                        *kind,
                        (left_keys, right_keys),
                        output,
                        &plan.schema,
                        &self.meter,
                        out,
                    ),
                    (None, None) => Err(runtime("a join lost its right side")),
                }
            }
            Node::Parse {
                input,
                source,
                pattern,
                where_only,
            } => {
                let parser = parse::Parser::new(pattern, *where_only, &plan.schema)
                    .map_err(|e| e.with_span(source.span))?;
                self.run(input, &mut |batch| {
                    let text = eval_expr(source, &batch, ctx)?.into_owned();
                    emit(parser.apply(batch, &text), out)
                })
            }
            Node::MakeSeries(series) => {
                let mut state = make_series::MakeSeries::new(series, &plan.schema, ctx)?;
                self.run(&series.input, &mut |batch| {
                    state.add(batch).map(|()| Flow::More)
                })?;
                emit(state.finish(&self.meter)?, out)
            }
            Node::TopNested { input, levels } => {
                let mut state = top_nested::TopNested::new(levels, &plan.schema, ctx);
                self.run(input, &mut |batch| state.add(&batch).map(|()| Flow::More))?;
                emit(state.finish(), out)
            }
            Node::Serialize { input, exprs } => {
                let table = self.collect(input)?;
                emit(project::serialize(table, exprs, &plan.schema, ctx)?, out)
            }
            Node::MvApply {
                input,
                items,
                item_index,
                limit,
                keep,
                body,
            } => {
                let expand = mv_expand::MvExpand {
                    items,
                    bag_as_array: false,
                    item_index: *item_index,
                    limit: *limit,
                    schema: &plan.schema,
                };
                self.run(input, &mut |batch| {
                    let applied = self.mv_apply(&batch, &expand, keep, body, &plan.schema)?;
                    emit(applied, out)
                })
            }
            Node::ApplyInput => {
                let columns = self.apply_inputs.borrow().last().cloned();
                match columns {
                    Some(columns) => emit(batch(&plan.schema, columns), out),
                    None => Err(runtime("an mv-apply input outside mv-apply")),
                }
            }
            Node::ExternalData(read) => {
                let provider = self.external.open(read, &plan.schema)?;
                let columns: Vec<usize> = (0..plan.schema.len()).collect();
                scan::scan(provider.as_ref(), &columns, &[], ctx, profile, out)
            }
            Node::IpLookup(lookup) => {
                let index = ip_lookup::RangeIndex::build(lookup, self.collect(&lookup.lookup)?);
                self.run(&lookup.input, &mut |batch| {
                    emit(index.probe(&batch, &plan.schema), out)
                })
            }
            Node::Plugin(run) => {
                let inputs = run
                    .inputs
                    .iter()
                    .map(|input| self.collect(input))
                    .collect::<Result<Vec<_>, _>>()?;
                self.meter.check()?;
                emit(plugin::run(run, &inputs, &plan.schema, &self.meter)?, out)
            }
            Node::Materialize { id, input } => {
                let cached = self.materialized.borrow().get(id).cloned();
                let table = match cached {
                    Some(table) => table,
                    None => {
                        let table = Rc::new(self.collect(input)?);
                        self.materialized.borrow_mut().insert(*id, table.clone());
                        table
                    }
                };
                emit(Table::clone(&table), out)
            }
        }
    }

    /// `mv-apply` over one batch: each row's expanded items go through `body`; every row of
    /// the body's result follows the row's `keep` columns.
    fn mv_apply(
        &self,
        input: &Table,
        expand: &mv_expand::MvExpand<'_>,
        keep: &[usize],
        body: &Plan,
        schema: &Schema,
    ) -> Result<Table, Error> {
        let expansion = expand.expand(input);
        let mut items = expansion.items;
        if expand.item_index {
            items.push(Column::Long(expansion.positions));
        }
        let mut kept_rows = Vec::new();
        let mut results: Vec<Column> = body
            .schema
            .fields
            .iter()
            .map(|f| Column::empty(f.ty))
            .collect();
        let mut start = 0;
        for row in 0..input.num_rows() {
            let len = expansion.source_rows[start..]
                .iter()
                .take_while(|&&r| r == row)
                .count();
            let row_items = items.iter().map(|c| c.slice(start, len)).collect();
            start += len;
            self.apply_inputs.borrow_mut().push(row_items);
            let result = self.collect(body);
            self.apply_inputs.borrow_mut().pop();
            let result = result?;
            kept_rows.extend(std::iter::repeat_n(row, result.num_rows()));
            for (all, new) in results.iter_mut().zip(&result.columns) {
                all.extend_from(new);
            }
        }
        let mut columns: Vec<Column> = keep
            .iter()
            .map(|&c| input.columns[c].take(&kept_rows))
            .collect();
        columns.extend(results);
        Ok(batch(schema, columns))
    }

    /// The whole output of `plan` as one table (a pipeline breaker's input).
    fn collect(&self, plan: &Plan) -> Result<Table, Error> {
        let mut result = Table::empty(plan.schema.clone());
        self.run(plan, &mut |batch| {
            result.append(&batch);
            Ok(Flow::More)
        })?;
        Ok(result)
    }
}

/// Send `batch` on unless it has no rows (the final result gets its schema elsewhere).
fn emit(batch: Table, out: &mut Sink<'_>) -> Result<Flow, Error> {
    if batch.num_rows() == 0 {
        return Ok(Flow::More);
    }
    out(batch)
}

/// Evaluate `expr` over `batch`. Column references are borrowed and constants repeated here,
/// without going through the evaluator (they are the commonest expressions).
pub(crate) fn eval_expr<'b>(
    expr: &BoundExpr,
    batch: &'b Table,
    ctx: &EvalContext,
) -> Result<Cow<'b, Column>, Error> {
    match &expr.kind {
        ExprNode::Column(i) => Ok(Cow::Borrowed(&batch.columns[*i])),
        ExprNode::Literal(value) => {
            Ok(Cow::Owned(Column::repeat(value, expr.ty, batch.num_rows())))
        }
        _ => crate::eval::eval(expr, batch, ctx).map(Cow::Owned),
    }
}

/// Evaluate each of `exprs` over `batch`.
pub(crate) fn eval_each<'b>(
    exprs: &[BoundExpr],
    batch: &'b Table,
    ctx: &EvalContext,
) -> Result<Vec<Cow<'b, Column>>, Error> {
    exprs.iter().map(|e| eval_expr(e, batch, ctx)).collect()
}

/// Evaluate aggregate arguments (accumulators take owned columns).
pub(crate) fn eval_args(
    exprs: &[BoundExpr],
    batch: &Table,
    ctx: &EvalContext,
) -> Result<Vec<Column>, Error> {
    exprs
        .iter()
        .map(|e| eval_expr(e, batch, ctx).map(Cow::into_owned))
        .collect()
}

/// A batch with `columns`, named and typed by `schema`. A column of another type than its
/// field (an int where the plan says long) is converted, so every batch matches its plan.
pub(crate) fn batch(schema: &Schema, columns: Vec<Column>) -> Table {
    let columns = columns
        .into_iter()
        .zip(schema.fields.iter())
        .map(|(column, field)| {
            if column.ty() == field.ty {
                column
            } else {
                let mut converted = Column::with_capacity(field.ty, column.len());
                converted.extend_from(&column);
                converted
            }
        })
        .collect();
    Table::new(schema.clone(), columns)
}

/// An error raised while running, with no query position.
pub(crate) fn runtime(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Runtime(message.into()))
}

#[cfg(test)]
pub(crate) mod test_util;
