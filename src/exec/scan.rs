//! Leaf operators: reading a catalog table through its provider, and `range`.

use super::profile::Recorder;
use super::{emit, runtime, Flow, Sink};
use crate::catalog::{ScanRequest, ScanStats, TableProvider, BATCH_ROWS};
use crate::error::Error;
use crate::func::EvalContext;
use crate::plan::{BoundExpr, Plan};
use crate::table::{Column, Table, Type, Value};
use std::time::{Duration, Instant};

/// Stream the requested columns of a table into `out`. When `out` asks to stop, the provider
/// is handed an error to end its scan; that error never leaves this function.
/// With `profile` (the recorder and this scan's entry), what the reader skipped and the time
/// it spent (outside `out`) are recorded.
pub(super) fn scan(
    provider: &dyn TableProvider,
    columns: &[usize],
    predicates: &[BoundExpr],
    ctx: &EvalContext,
    profile: Option<(&Recorder, usize)>,
    out: &mut Sink<'_>,
) -> Result<Flow, Error> {
    let stats = profile.map(|_| ScanStats::default());
    let request = ScanRequest {
        columns,
        predicates,
        ctx: *ctx,
        stats: stats.as_ref(),
    };
    let mut stopped = false;
    let started = Instant::now();
    let mut operating = Duration::ZERO;
    let result = provider.scan(&request, &mut |batch| {
        let handed = profile.map(|_| Instant::now());
        let flow = emit(batch, out)?;
        if let Some(handed) = handed {
            operating += handed.elapsed();
        }
        match flow {
            Flow::More => Ok(()),
            Flow::Stop => {
                stopped = true;
                Err(runtime("scan stopped: no more rows wanted"))
            }
        }
    });
    if let (Some((recorder, entry)), Some(stats)) = (profile, &stats) {
        recorder.scanned(entry, stats, started.elapsed().saturating_sub(operating));
    }
    match result {
        Ok(()) => Ok(Flow::More),
        Err(_) if stopped => Ok(Flow::Stop),
        Err(e) => Err(e),
    }
}

/// `range x from start to stop step step`: both bounds inclusive, produced in batches.
pub(super) fn range(
    plan: &Plan,
    start: &Value,
    stop: &Value,
    step: &Value,
    out: &mut Sink<'_>,
) -> Result<Flow, Error> {
    let ty = plan.schema.fields.first().map_or(Type::Long, |f| f.ty);
    check_range_rows(start, stop, step)?;
    let column_of = |values: Vec<i64>| -> Column {
        let values = values.into_iter().map(Some).collect();
        match ty {
            Type::DateTime => Column::DateTime(values),
            Type::TimeSpan => Column::TimeSpan(values),
            _ => Column::Long(values),
        }
    };
    match (as_i64(start), as_i64(stop), as_i64(step)) {
        (Some(start), Some(stop), Some(step)) if ty != Type::Real => {
            if step == 0 {
                return Err(runtime("range: the step must not be zero"));
            }
            let mut next = Some(start);
            loop {
                let mut values = Vec::with_capacity(BATCH_ROWS);
                while let Some(v) = next.filter(|&v| if step > 0 { v <= stop } else { v >= stop }) {
                    values.push(v);
                    next = v.checked_add(step);
                    if values.len() == BATCH_ROWS {
                        break;
                    }
                }
                let done = values.len() < BATCH_ROWS;
                let table = Table::new(plan.schema.clone(), vec![column_of(values)]);
                if emit(table, out)? == Flow::Stop {
                    return Ok(Flow::Stop);
                }
                if done {
                    return Ok(Flow::More);
                }
            }
        }
        _ => range_real(plan, start, stop, step, out),
    }
}

/// The most rows one `range` may make: a range that would make more (`from 1 to 1e12`, or a step
/// of `1e-300`) would run for hours, so it is refused before it starts.
pub const MAX_RANGE_ROWS: f64 = 100_000_000.0;

/// Refuse a range of more than [`MAX_RANGE_ROWS`] rows (counted in reals: bounds of any type).
fn check_range_rows(start: &Value, stop: &Value, step: &Value) -> Result<(), Error> {
    let number = |v: &Value| as_i64(v).map(|n| n as f64).or_else(|| as_f64(v));
    let (Some(start), Some(stop), Some(step)) = (number(start), number(stop), number(step)) else {
        return Ok(());
    };
    if step == 0.0 {
        return Ok(()); // refused below, with its own message
    }
    let rows = ((stop - start) / step).floor() + 1.0;
    if rows.is_nan() || rows <= MAX_RANGE_ROWS {
        return Ok(());
    }
    Err(runtime(format!(
        "range: from {start} to {stop} step {step} would make {rows:.0} rows, more than the \
         limit of {MAX_RANGE_ROWS:.0}; use a larger step or a shorter range"
    )))
}

/// `range` over reals (any bound or the step real).
fn range_real(
    plan: &Plan,
    start: &Value,
    stop: &Value,
    step: &Value,
    out: &mut Sink<'_>,
) -> Result<Flow, Error> {
    let (Some(start), Some(stop), Some(step)) = (as_f64(start), as_f64(stop), as_f64(step)) else {
        return Err(runtime(
            "range: the bounds and step must be numbers, datetimes or timespans",
        ));
    };
    if step == 0.0 || !step.is_finite() {
        return Err(runtime("range: the step must be a non-zero number"));
    }
    let mut i = 0u64;
    loop {
        let mut values = Vec::with_capacity(BATCH_ROWS);
        loop {
            let v = start + step * i as f64;
            if (step > 0.0 && v > stop) || (step < 0.0 && v < stop) {
                break;
            }
            values.push(Some(v));
            i += 1;
            if values.len() == BATCH_ROWS {
                break;
            }
        }
        let done = values.len() < BATCH_ROWS;
        let table = Table::new(plan.schema.clone(), vec![Column::Real(values)]);
        if emit(table, out)? == Flow::Stop {
            return Ok(Flow::Stop);
        }
        if done {
            return Ok(Flow::More);
        }
    }
}

fn as_i64(value: &Value) -> Option<i64> {
    match value {
        Value::Int(i) => Some(i64::from(*i)),
        Value::Long(v) | Value::DateTime(v) | Value::TimeSpan(v) => Some(*v),
        _ => None,
    }
}

fn as_f64(value: &Value) -> Option<f64> {
    match value {
        Value::Real(r) => Some(*r),
        other => as_i64(other).map(|v| v as f64),
    }
}

#[cfg(test)]
mod tests {
    use crate::catalog::{Catalog, ScanRequest, TableProvider, BATCH_ROWS};
    use crate::error::Error;
    use crate::exec::test_util::*;
    use crate::exec::Executor;
    use crate::func::EvalContext;
    use crate::plan::{Node, Plan};
    use crate::table::{Column, Schema, Table, Type, Value, TICKS_PER_DAY};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    /// Yields `batches` batches of `BATCH_ROWS` rows (x = row number) and counts those taken.
    struct Counting {
        schema: Schema,
        batches: usize,
        sent: AtomicUsize,
    }

    impl TableProvider for Counting {
        fn schema(&self) -> &Schema {
            &self.schema
        }

        fn scan(
            &self,
            request: &ScanRequest<'_>,
            sink: &mut dyn FnMut(Table) -> Result<(), Error>,
        ) -> Result<(), Error> {
            assert_eq!(request.columns, [0]);
            for b in 0..self.batches {
                self.sent.fetch_add(1, Ordering::SeqCst);
                let start = (b * BATCH_ROWS) as i64;
                let x = long(&(start..start + BATCH_ROWS as i64).collect::<Vec<_>>());
                sink(Table::new(self.schema.clone(), vec![x]))?;
            }
            Ok(())
        }
    }

    fn catalog(provider: Arc<Counting>) -> Catalog {
        let mut catalog = Catalog::empty();
        catalog.register("T", provider);
        catalog
    }

    fn scan_plan() -> Plan {
        Plan {
            schema: schema(&[("x", Type::Long)]),
            node: Node::Scan {
                table: "T".into(),
                columns: vec![0],
                predicates: vec![],
            },
        }
    }

    #[test]
    fn take_stops_the_scan_after_the_batch_that_satisfies_it() {
        let provider = Arc::new(Counting {
            schema: schema(&[("x", Type::Long)]),
            batches: 10,
            sent: AtomicUsize::new(0),
        });
        let catalog = catalog(provider.clone());
        let plan = Plan {
            schema: schema(&[("x", Type::Long)]),
            node: Node::Take {
                input: Arc::new(scan_plan()),
                count: BATCH_ROWS + 5,
            },
        };
        let out = Executor::new(&catalog, EvalContext { now: 0 })
            .run_to_table(&plan)
            .unwrap();
        assert_eq!(out.num_rows(), BATCH_ROWS + 5);
        assert_eq!(
            out.columns[0].get(BATCH_ROWS + 4),
            Value::Long(BATCH_ROWS as i64 + 4)
        );
        assert_eq!(provider.sent.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn materialize_runs_its_input_once() {
        let provider = Arc::new(Counting {
            schema: schema(&[("x", Type::Long)]),
            batches: 1,
            sent: AtomicUsize::new(0),
        });
        let catalog = catalog(provider.clone());
        let shared = Plan {
            schema: schema(&[("x", Type::Long)]),
            node: Node::Materialize {
                id: 0,
                input: Arc::new(scan_plan()),
            },
        };
        let plan = Plan {
            schema: schema(&[("x", Type::Long)]),
            node: Node::Union {
                inputs: vec![shared.clone().into(), shared.into()],
                mappings: vec![vec![Some(0)], vec![Some(0)]],
                source_names: None,
            },
        };
        let out = Executor::new(&catalog, EvalContext { now: 0 })
            .run_to_table(&plan)
            .unwrap();
        assert_eq!(out.num_rows(), 2 * BATCH_ROWS);
        assert_eq!(provider.sent.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn unknown_table_is_an_error() {
        let err = try_run(scan_plan()).unwrap_err();
        assert!(err.to_string().contains("unknown table `T`"), "{err}");
    }

    fn range(start: Value, stop: Value, step: Value, ty: Type) -> Plan {
        Plan {
            schema: schema(&[("x", ty)]),
            node: Node::Range { start, stop, step },
        }
    }

    #[test]
    fn ranges_of_every_type_include_the_stop() {
        let out = run(range(
            Value::Long(1),
            Value::Long(7),
            Value::Long(3),
            Type::Long,
        ));
        assert_eq!(out.columns[0], long(&[1, 4, 7]));
        let out = run(range(
            Value::Long(3),
            Value::Long(1),
            Value::Long(-1),
            Type::Long,
        ));
        assert_eq!(out.columns[0], long(&[3, 2, 1]));
        let out = run(range(
            Value::Real(0.0),
            Value::Real(1.0),
            Value::Real(0.5),
            Type::Real,
        ));
        assert_eq!(out.columns[0], reals(&[Some(0.0), Some(0.5), Some(1.0)]));
        let day = TICKS_PER_DAY;
        let out = run(range(
            Value::DateTime(0),
            Value::DateTime(2 * day),
            Value::TimeSpan(day),
            Type::DateTime,
        ));
        assert_eq!(
            out.columns[0],
            Column::DateTime(vec![Some(0), Some(day), Some(2 * day)])
        );
        let out = run(range(
            Value::Long(5),
            Value::Long(1),
            Value::Long(1),
            Type::Long,
        ));
        assert_eq!(out.num_rows(), 0);
        let many = run(range(
            Value::Long(1),
            Value::Long(20_000),
            Value::Long(1),
            Type::Long,
        ));
        assert_eq!(many.num_rows(), 20_000);
        assert!(try_run(range(
            Value::Long(1),
            Value::Long(2),
            Value::Long(0),
            Type::Long
        ))
        .is_err());
    }
}
