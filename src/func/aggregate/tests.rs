use super::*;
use crate::table::Value;
use serde_json::json;

fn col_expr(ty: Type) -> Arg<'static> {
    Arg::column(ty)
}

/// Run aggregate `name` over `args` (every row in group `groups[i]`), split into two batches to
/// exercise state across updates.
fn run(name: &str, args: Vec<Column>, groups: &[usize], num_groups: usize) -> Column {
    let exprs: Vec<Arg> = args.iter().map(|c| col_expr(c.ty())).collect();
    let (func, ty) = lookup(name, &exprs).unwrap();
    let types: Vec<Type> = args.iter().map(Column::ty).collect();
    let mut acc = func.accumulator(&types, ty);
    let half = groups.len() / 2;
    let first: Vec<Column> = args.iter().map(|c| c.slice(0, half)).collect();
    let second: Vec<Column> = args
        .iter()
        .map(|c| c.slice(half, groups.len() - half))
        .collect();
    acc.update(&groups[..half], &first);
    acc.update(&groups[half..], &second);
    let out = acc.finish(num_groups);
    assert_eq!(out.ty(), ty, "{name} yields the type lookup promised");
    out
}

fn longs(v: &[Option<i64>]) -> Column {
    Column::Long(v.to_vec())
}

fn range(n: i64) -> Column {
    Column::Long((1..=n).map(Some).collect())
}

#[test]
fn counts() {
    let x = longs(&[Some(1), None, Some(3), Some(4)]);
    assert_eq!(
        run("count", vec![], &[0, 0, 1, 1], 3),
        longs(&[Some(2), Some(2), Some(0)])
    );
    // Kusto's docs count a null argument too.
    assert_eq!(
        run("count", vec![x.clone()], &[0, 0, 1, 1], 2),
        longs(&[Some(2), Some(2)])
    );
    let p = Column::Bool(vec![Some(true), None, Some(false), Some(true)]);
    assert_eq!(run("countif", vec![p], &[0, 0, 0, 0], 1), longs(&[Some(2)]));
    assert_eq!(
        run(
            "dcount",
            vec![longs(&[Some(1), Some(1), None, Some(2)])],
            &[0; 4],
            1
        ),
        longs(&[Some(2)])
    );
}

#[test]
fn empty_groups_get_kusto_defaults() {
    let none = longs(&[]);
    assert_eq!(run("sum", vec![none.clone()], &[], 1), longs(&[Some(0)]));
    assert_eq!(run("count", vec![none.clone()], &[], 1), longs(&[Some(0)]));
    assert_eq!(run("dcount", vec![none.clone()], &[], 1), longs(&[Some(0)]));
    assert_eq!(
        run("avg", vec![none.clone()], &[], 1),
        Column::Real(vec![None])
    );
    assert_eq!(run("max", vec![none.clone()], &[], 1), longs(&[None]));
    assert_eq!(
        run("make_set", vec![none.clone()], &[], 1),
        Column::Dynamic(vec![json!([])])
    );
    assert_eq!(
        run("variance", vec![none], &[], 1),
        Column::Real(vec![Some(0.0)])
    );
}

#[test]
fn sums_and_averages_skip_nulls() {
    let y = Column::Real(vec![None, Some(5.0), Some(5.0), Some(5.0)]);
    assert_eq!(
        run("sum", vec![y.clone()], &[0; 4], 1),
        Column::Real(vec![Some(15.0)])
    );
    assert_eq!(
        run("avg", vec![y], &[0; 4], 1),
        Column::Real(vec![Some(5.0)])
    );
    let x = range(100);
    let even = Column::Bool((1..=100).map(|i| Some(i % 2 == 0)).collect());
    assert_eq!(
        run("avgif", vec![x.clone(), even.clone()], &[0; 100], 1),
        Column::Real(vec![Some(51.0)])
    );
    assert_eq!(
        run("sumif", vec![x.clone(), even], &[0; 100], 1),
        longs(&[Some(2550)])
    );
    let ints = Column::Int(vec![Some(1), Some(2)]);
    assert_eq!(run("sum", vec![ints], &[0, 0], 1), longs(&[Some(3)]));
    let ts = Column::TimeSpan(vec![Some(10), Some(20), None]);
    assert_eq!(
        run("sum", vec![ts.clone()], &[0; 3], 1),
        Column::TimeSpan(vec![Some(30)])
    );
    assert_eq!(
        run("avg", vec![ts], &[0; 3], 1),
        Column::TimeSpan(vec![Some(15)])
    );
}

#[test]
fn extremes_of_every_type() {
    let x = range(100);
    let lt50 = Column::Bool((1..=100).map(|i| Some(i < 50)).collect());
    assert_eq!(
        run("maxif", vec![x.clone(), lt50], &[0; 100], 1),
        longs(&[Some(49)])
    );
    assert_eq!(run("min", vec![x], &[0; 100], 1), longs(&[Some(1)]));
    let s = Column::String(vec!["b".into(), "a".into(), "c".into()]);
    assert_eq!(
        run("max", vec![s.clone()], &[0; 3], 1),
        Column::String(vec!["c".into()])
    );
    assert_eq!(
        run("min", vec![s], &[0; 3], 1),
        Column::String(vec!["a".into()])
    );
    let dt = Column::DateTime(vec![Some(5), None, Some(2)]);
    assert_eq!(
        run("min", vec![dt], &[0; 3], 1),
        Column::DateTime(vec![Some(2)])
    );
    let i = Column::Int(vec![Some(5), Some(7)]);
    assert_eq!(run("max", vec![i], &[0, 0], 1), Column::Int(vec![Some(7)]));
}

#[test]
fn arg_max_takes_first_of_equal_keys() {
    let by = longs(&[Some(3), Some(9), Some(9), None, Some(1)]);
    let value = Column::String(vec![
        "a".into(),
        "b".into(),
        "c".into(),
        "d".into(),
        "e".into(),
    ]);
    let out = run(
        "arg_max",
        vec![by.clone(), value.clone()],
        &[0, 0, 0, 1, 1],
        2,
    );
    assert_eq!(out, Column::String(vec!["b".into(), "e".into()]));
    let out = run("arg_min", vec![by, value], &[0, 0, 0, 1, 1], 2);
    assert_eq!(out, Column::String(vec!["a".into(), "e".into()]));
    // A group whose keys are all null still yields a row's value.
    let by = longs(&[None, None]);
    let value = longs(&[Some(7), Some(8)]);
    assert_eq!(
        run("arg_max", vec![by, value], &[0, 0], 1),
        longs(&[Some(7)])
    );
}

#[test]
fn sets_and_lists() {
    let v = Column::Int(vec![Some(1), Some(5), Some(7), Some(5)]);
    assert_eq!(
        run("make_set", vec![v.clone()], &[0; 4], 1),
        Column::Dynamic(vec![json!([1, 5, 7])])
    );
    assert_eq!(
        run("make_list", vec![v.clone()], &[0; 4], 1),
        Column::Dynamic(vec![json!([1, 5, 7, 5])])
    );
    let arrays = Column::Dynamic(vec![
        json!(["A1", "A2", "A3"]),
        json!(["A2", "C1"]),
        json!(["C2", "A3"]),
        json!(["C2", "A1"]),
    ]);
    assert_eq!(
        run("make_set", vec![arrays], &[0; 4], 1),
        Column::Dynamic(vec![json!(["A1", "A2", "A3", "C1", "C2"])])
    );
    let max = longs(&[Some(2); 4]);
    assert_eq!(
        run("make_list", vec![v.clone(), max], &[0; 4], 1),
        Column::Dynamic(vec![json!([1, 5])])
    );
    let big = Column::Bool(vec![Some(false), Some(true), Some(true), Some(true)]);
    assert_eq!(
        run("make_set_if", vec![v, big], &[0; 4], 1),
        Column::Dynamic(vec![json!([5, 7])])
    );
    let bags = Column::Dynamic(vec![json!({"a": 1}), json!({"b": 2, "a": 3})]);
    assert_eq!(
        run("make_bag", vec![bags], &[0, 0], 1),
        Column::Dynamic(vec![json!({"a": 1, "b": 2})])
    );
}

#[test]
fn percentiles_by_nearest_rank() {
    let x = range(5);
    let p = |v: i64| longs(&[Some(v); 5]);
    assert_eq!(
        run("percentile", vec![x.clone(), p(50)], &[0; 5], 1),
        longs(&[Some(3)])
    );
    assert_eq!(
        run("percentile", vec![x.clone(), p(0)], &[0; 5], 1),
        longs(&[Some(1)])
    );
    assert_eq!(
        run("percentile", vec![x.clone(), p(100)], &[0; 5], 1),
        longs(&[Some(5)])
    );
    assert_eq!(
        run("percentile", vec![x, p(90)], &[0; 5], 1),
        longs(&[Some(5)])
    );
    let r = Column::Real(vec![Some(0.5), Some(0.25)]);
    assert_eq!(
        run(
            "percentile",
            vec![r, Column::Real(vec![Some(50.0); 2])],
            &[0, 0],
            1
        ),
        Column::Real(vec![Some(0.25)])
    );
}

#[test]
fn spread() {
    let x = range(5);
    let Column::Real(v) = run("stdev", vec![x.clone()], &[0; 5], 1) else {
        panic!()
    };
    assert_eq!(crate::format::real_text(v[0].unwrap()), "1.58113883008419");
    assert_eq!(
        run("variance", vec![x.clone()], &[0; 5], 1),
        Column::Real(vec![Some(2.5)])
    );
    assert_eq!(
        run("variancep", vec![x], &[0; 5], 1),
        Column::Real(vec![Some(2.0)])
    );
}

#[test]
fn take_any_prefers_values() {
    let s = Column::String(vec!["".into(), "x".into(), "y".into()]);
    assert_eq!(
        run("take_any", vec![s], &[0; 3], 1),
        Column::String(vec!["x".into()])
    );
    assert_eq!(
        run("any", vec![longs(&[None, Some(4)])], &[0, 0], 1),
        longs(&[Some(4)])
    );
}

#[test]
fn lookup_types_and_errors() {
    let ty = |name: &str, t: &[Type]| {
        let args: Vec<Arg> = t.iter().map(|t| col_expr(*t)).collect();
        lookup(name, &args).map(|(_, ty)| ty)
    };
    assert_eq!(ty("sum", &[Type::Int]), Ok(Type::Long));
    assert_eq!(ty("avg", &[Type::Long]), Ok(Type::Real));
    assert_eq!(ty("avg", &[Type::TimeSpan]), Ok(Type::TimeSpan));
    assert_eq!(ty("percentile", &[Type::Int, Type::Long]), Ok(Type::Long));
    assert_eq!(ty("arg_max", &[Type::Long, Type::String]), Ok(Type::String));
    assert_eq!(ty("make_set", &[Type::Long]), Ok(Type::Dynamic));
    assert!(matches!(
        ty("sum", &[Type::String]),
        Err(LookupError::Argument { .. })
    ));
    assert!(matches!(ty("countif", &[]), Err(LookupError::Arity(_))));
    assert_eq!(ty("nope", &[]), Err(LookupError::Unknown));
    assert_eq!(Value::Long(1), Value::Long(1));
}

fn reals(v: &[Option<f64>]) -> Column {
    Column::Real(v.to_vec())
}

#[test]
fn covariance_skips_incomplete_pairs_and_is_zero_when_too_few() {
    let x = reals(&[Some(1.0), Some(2.0), None, Some(3.0), Some(7.0)]);
    let y = reals(&[Some(2.0), Some(4.0), Some(9.0), Some(6.0), None]);
    // Pairs (1,2), (2,4), (3,6) in group 0; group 1 has only an incomplete pair.
    let groups = [0, 0, 0, 0, 1];
    assert_eq!(
        run("covariance", vec![x.clone(), y.clone()], &groups, 3),
        reals(&[Some(2.0), Some(0.0), Some(0.0)])
    );
    let p = run("covariancep", vec![x, y], &groups, 2);
    let Column::Real(p) = p else { panic!() };
    assert!((p[0].unwrap() - 4.0 / 3.0).abs() < 1e-12);
}

#[test]
fn bitwise_folds_keep_the_type_and_give_null_over_no_values() {
    let i = Column::Int(vec![Some(6), None, Some(3), None]);
    assert_eq!(
        run("binary_all_and", vec![i.clone()], &[0, 0, 0, 1], 2),
        Column::Int(vec![Some(2), None])
    );
    assert_eq!(
        run("binary_all_xor", vec![i], &[0, 0, 0, 1], 2),
        Column::Int(vec![Some(5), None])
    );
    let s = Column::String(vec!["a".into()]);
    assert!(lookup("binary_all_or", &[col_expr(s.ty())]).is_err());
}

#[test]
fn make_list_with_nulls_keeps_nulls() {
    assert_eq!(
        run(
            "make_list_with_nulls",
            vec![longs(&[Some(1), None, Some(1)])],
            &[0, 0, 0],
            2
        ),
        Column::Dynamic(vec![json!([1, null, 1]), json!([])])
    );
}

#[test]
fn weighted_percentiles_count_each_value_weight_times() {
    let x = longs(&[Some(10), Some(20), Some(30), None, Some(40)]);
    let w = longs(&[Some(8), Some(6), Some(3), Some(100), None]);
    let p = Column::Long(vec![Some(50); 5]);
    assert_eq!(
        run("percentilew", vec![x.clone(), w.clone(), p], &[0; 5], 2),
        longs(&[Some(20), None])
    );
    let points = Column::Dynamic(vec![json!([0, 100]); 5]);
    assert_eq!(
        run(
            "percentilesw_array",
            vec![x.clone(), w, points.clone()],
            &[0; 5],
            2
        ),
        Column::Dynamic(vec![json!([10, 30]), json!(null)])
    );
    assert_eq!(
        run("percentiles_array", vec![x, points], &[0; 5], 1),
        Column::Dynamic(vec![json!([10, 40])])
    );
}
