use super::*;
use crate::ast::{Span, StringOp, StringOpKind};
use crate::bind::binary_type;
use crate::func::scalar::convert::parse_datetime;
use crate::table::{Field, Schema, Type, TICKS_PER_DAY, TICKS_PER_SECOND};
use serde_json::json;

const CTX: EvalContext = EvalContext { now: 0 };

fn sp() -> Span {
    Span::new(0, 0)
}

fn lit(v: Value, ty: Type) -> BoundExpr {
    BoundExpr::literal(v, ty, sp())
}

fn long(v: i64) -> BoundExpr {
    lit(Value::Long(v), Type::Long)
}

fn real(v: f64) -> BoundExpr {
    lit(Value::Real(v), Type::Real)
}

fn text(s: &str) -> BoundExpr {
    lit(Value::String(s.into()), Type::String)
}

fn ts(ticks: i64) -> BoundExpr {
    lit(Value::TimeSpan(ticks), Type::TimeSpan)
}

fn dt(s: &str) -> BoundExpr {
    lit(Value::DateTime(parse_datetime(s).unwrap()), Type::DateTime)
}

fn null(ty: Type) -> BoundExpr {
    lit(Value::Null, ty)
}

fn col(i: usize, ty: Type) -> BoundExpr {
    BoundExpr::column(i, ty, sp())
}

fn bin(op: BinaryOp, l: BoundExpr, r: BoundExpr) -> BoundExpr {
    let ty = binary_type(op, l.ty, r.ty).expect("valid operand types");
    BoundExpr {
        kind: ExprNode::Binary {
            op,
            left: Box::new(l),
            right: Box::new(r),
        },
        ty,
        span: sp(),
    }
}

fn sop(kind: StringOpKind, case_sensitive: bool, negated: bool) -> BinaryOp {
    BinaryOp::Str(StringOp {
        kind,
        case_sensitive,
        negated,
    })
}

fn call(name: &str, args: Vec<BoundExpr>) -> BoundExpr {
    let (func, ty) = scalar::lookup(name, &BoundExpr::as_args(&args)).unwrap();
    BoundExpr {
        kind: ExprNode::Call { func, args },
        ty,
        span: sp(),
    }
}

fn constant(e: &BoundExpr) -> Value {
    eval_constant(e, &CTX).unwrap()
}

fn batch(cols: Vec<(&str, Column)>) -> Table {
    let fields = cols.iter().map(|(n, c)| Field::new(*n, c.ty())).collect();
    Table::new(
        Schema::new(fields),
        cols.into_iter().map(|(_, c)| c).collect(),
    )
}

#[test]
fn null_comparisons_follow_the_docs() {
    let t = batch(vec![("val", Column::Int(vec![Some(5), None]))]);
    let run = |e: BoundExpr| eval(&e, &t, &CTX).unwrap();
    let val = || col(0, Type::Int);
    assert_eq!(
        run(bin(BinaryOp::Gt, val(), long(3))),
        Column::Bool(vec![Some(true), None])
    );
    let or_null = bin(
        BinaryOp::Or,
        bin(BinaryOp::Gt, val(), long(3)),
        call("isnull", vec![val()]),
    );
    assert_eq!(run(or_null), Column::Bool(vec![Some(true), Some(true)]));
    assert_eq!(
        run(bin(BinaryOp::Eq, val(), null(Type::Int))),
        Column::Bool(vec![Some(false), None])
    );
    assert_eq!(
        run(bin(BinaryOp::NotEq, val(), null(Type::Int))),
        Column::Bool(vec![Some(true), None])
    );
    assert_eq!(
        run(bin(BinaryOp::Add, val(), long(10))),
        Column::Long(vec![Some(15), None])
    );
}

#[test]
fn three_valued_logic() {
    let n = || null(Type::Bool);
    let b = |v| lit(Value::Bool(v), Type::Bool);
    assert_eq!(
        constant(&bin(BinaryOp::And, n(), b(false))),
        Value::Bool(false)
    );
    assert_eq!(constant(&bin(BinaryOp::And, n(), b(true))), Value::Null);
    assert_eq!(
        constant(&bin(BinaryOp::Or, n(), b(true))),
        Value::Bool(true)
    );
    assert_eq!(constant(&bin(BinaryOp::Or, n(), b(false))), Value::Null);
    let iff = call(
        "iff",
        vec![bin(BinaryOp::And, n(), b(true)), b(true), b(false)],
    );
    assert_eq!(constant(&iff), Value::Bool(false));
}

#[test]
fn arithmetic_types() {
    assert_eq!(
        constant(&bin(BinaryOp::Div, long(1), long(2))),
        Value::Long(0)
    );
    assert_eq!(
        constant(&bin(BinaryOp::Div, real(1.0), long(2))),
        Value::Real(0.5)
    );
    assert_eq!(
        constant(&bin(BinaryOp::Div, long(1), real(2.0))),
        Value::Real(0.5)
    );
    assert_eq!(constant(&bin(BinaryOp::Div, long(1), long(0))), Value::Null);
    let m = |a, b| constant(&bin(BinaryOp::Mod, long(a), long(b)));
    assert_eq!(
        (m(14, 12), m(-14, 12), m(14, -12), m(-14, -12)),
        (
            Value::Long(2),
            Value::Long(10),
            Value::Long(2),
            Value::Long(10)
        )
    );
    let i = |v| lit(Value::Int(v), Type::Int);
    assert_eq!(constant(&bin(BinaryOp::Add, i(1), i(2))), Value::Long(3));
    let neg = BoundExpr {
        kind: ExprNode::Neg(Box::new(i(4))),
        ty: Type::Int,
        span: sp(),
    };
    assert_eq!(constant(&neg), Value::Int(-4));
    let day = TICKS_PER_DAY;
    let hour = 3600 * TICKS_PER_SECOND;
    assert_eq!(
        constant(&bin(BinaryOp::Div, ts(day), ts(5 * hour))),
        Value::Real(4.8)
    );
    assert_eq!(
        constant(&bin(BinaryOp::Div, ts(hour), ts(TICKS_PER_SECOND))),
        Value::Real(3600.0)
    );
    assert_eq!(
        constant(&bin(BinaryOp::Mul, long(86_400), ts(TICKS_PER_SECOND))),
        Value::TimeSpan(day)
    );
    assert_eq!(
        constant(&bin(BinaryOp::Mul, ts(hour), real(1.5))),
        Value::TimeSpan(hour * 3 / 2)
    );
    let diff = bin(BinaryOp::Sub, dt("2019-01-07 21:45:31"), dt("1970-01-01"));
    assert_eq!(
        constant(&bin(BinaryOp::Div, diff, ts(TICKS_PER_SECOND))),
        Value::Real(1_546_897_531.0)
    );
    let plus = bin(
        BinaryOp::Add,
        dt("1970-01-01"),
        bin(BinaryOp::Mul, long(1_546_897_531), ts(TICKS_PER_SECOND)),
    );
    assert_eq!(
        constant(&plus),
        Value::DateTime(parse_datetime("2019-01-07 21:45:31").unwrap())
    );
    assert_eq!(binary_type(BinaryOp::Add, Type::String, Type::Long), None);
}

#[test]
fn string_operators() {
    let op = |kind, cs, neg, l: &str, r: &str| constant(&bin(sop(kind, cs, neg), text(l), text(r)));
    use StringOpKind as K;
    assert_eq!(op(K::Equals, false, false, "abc", "ABC"), Value::Bool(true));
    assert_eq!(op(K::Equals, false, true, "aBc", "xyz"), Value::Bool(true));
    assert_eq!(
        op(K::Contains, false, false, "FabriKam", "BRik"),
        Value::Bool(true)
    );
    assert_eq!(
        op(K::Has, false, true, "North America", "amer"),
        Value::Bool(true)
    );
    assert_eq!(
        op(K::MatchesRegex, true, false, "Fabrikam", "b.*k"),
        Value::Bool(true)
    );
    assert_eq!(
        constant(&bin(BinaryOp::Eq, text("aBc"), text("aBc"))),
        Value::Bool(true)
    );
    assert_eq!(
        constant(&bin(BinaryOp::NotEq, text("abc"), text("ABC"))),
        Value::Bool(true)
    );
    let list = lit(Value::Dynamic(json!(["x", "America"])), Type::Dynamic);
    assert_eq!(
        constant(&bin(
            sop(K::HasAny, false, false),
            text("North america"),
            list.clone()
        )),
        Value::Bool(true)
    );
    assert_eq!(
        constant(&bin(
            sop(K::HasAll, false, false),
            text("North america"),
            list
        )),
        Value::Bool(false)
    );
}

#[test]
fn column_against_constant_over_a_batch() {
    let t = batch(vec![(
        "s",
        Column::String(vec!["a".into(), "B".into(), "b".into()]),
    )]);
    let e = bin(
        sop(StringOpKind::Equals, false, false),
        col(0, Type::String),
        text("b"),
    );
    assert_eq!(
        eval(&e, &t, &CTX).unwrap(),
        Column::Bool(vec![Some(false), Some(true), Some(true)])
    );
    // A constant expression over a batch is broadcast to the batch's length.
    let c = call("strlen", vec![text("hello")]);
    assert_eq!(eval(&c, &t, &CTX).unwrap(), Column::Long(vec![Some(5); 3]));
}

#[test]
fn in_lists() {
    let in_ = |x: BoundExpr, list: Vec<BoundExpr>, negated, ci| {
        constant(&BoundExpr {
            kind: ExprNode::In {
                expr: Box::new(x),
                list,
                negated,
                case_insensitive: ci,
            },
            ty: Type::Bool,
            span: sp(),
        })
    };
    let abc = || vec![text("123"), text("345"), text("abc")];
    assert_eq!(in_(text("abc"), abc(), false, false), Value::Bool(true));
    assert_eq!(in_(text("bca"), abc(), true, false), Value::Bool(true));
    assert_eq!(in_(text("Abc"), abc(), false, true), Value::Bool(true));
    assert_eq!(in_(text("Abc"), abc(), false, false), Value::Bool(false));
    let arr = lit(Value::Dynamic(json!([1, 2, 3])), Type::Dynamic);
    assert_eq!(
        in_(long(2), vec![arr.clone()], false, false),
        Value::Bool(true)
    );
    assert_eq!(in_(real(2.0), vec![arr], false, false), Value::Bool(true));
    assert_eq!(
        in_(null(Type::Long), vec![long(1)], false, false),
        Value::Bool(false)
    );
    let t = batch(vec![("x", Column::Long(vec![Some(1), Some(5), None]))]);
    let e = BoundExpr {
        kind: ExprNode::In {
            expr: Box::new(col(0, Type::Long)),
            list: vec![long(5), long(7)],
            negated: false,
            case_insensitive: false,
        },
        ty: Type::Bool,
        span: sp(),
    };
    assert_eq!(
        eval(&e, &t, &CTX).unwrap(),
        Column::Bool(vec![Some(false), Some(true), Some(false)])
    );
}

#[test]
fn between_numbers_and_times() {
    let between = |x, lo, hi, negated| {
        constant(&BoundExpr {
            kind: ExprNode::Between {
                expr: Box::new(x),
                low: Box::new(lo),
                high: Box::new(hi),
                negated,
            },
            ty: Type::Bool,
            span: sp(),
        })
    };
    assert_eq!(
        between(long(50), long(50), long(55), false),
        Value::Bool(true)
    );
    assert_eq!(
        between(long(56), long(50), long(55), false),
        Value::Bool(false)
    );
    assert_eq!(between(long(10), long(5), long(9), true), Value::Bool(true));
    assert_eq!(
        between(real(5.5), long(5), long(9), false),
        Value::Bool(true)
    );
    assert_eq!(
        between(dt("2024-01-02"), dt("2024-01-01"), ts(TICKS_PER_DAY), false),
        Value::Bool(true)
    );
    assert_eq!(
        between(dt("2024-01-03"), dt("2024-01-01"), ts(TICKS_PER_DAY), false),
        Value::Bool(false)
    );
    assert_eq!(
        between(null(Type::Long), long(1), long(2), false),
        Value::Null
    );
}

#[test]
fn dynamic_indexing_and_comparison() {
    let idx = |d: serde_json::Value, i: BoundExpr| BoundExpr {
        kind: ExprNode::Index {
            expr: Box::new(lit(Value::Dynamic(d), Type::Dynamic)),
            index: Box::new(i),
        },
        ty: Type::Dynamic,
        span: sp(),
    };
    assert_eq!(
        constant(&idx(json!([100, 101, 102]), long(0))),
        Value::Dynamic(json!(100))
    );
    assert_eq!(
        constant(&idx(json!([100, 101, 102]), long(-1))),
        Value::Dynamic(json!(102))
    );
    assert_eq!(
        constant(&idx(json!([100]), long(5))),
        Value::Dynamic(json!(null))
    );
    assert_eq!(
        constant(&idx(json!({"a b c": "2015-01-01"}), text("a b c"))),
        Value::Dynamic(json!("2015-01-01"))
    );
    assert_eq!(
        constant(&call("toint", vec![idx(json!([100, 101]), long(1))])),
        Value::Int(101)
    );
    let eq = bin(
        BinaryOp::Eq,
        idx(json!({"k": "value4"}), text("k")),
        text("value4"),
    );
    assert_eq!(constant(&eq), Value::Bool(true));
    let gt = bin(BinaryOp::Gt, idx(json!({"n": 118.0}), text("n")), long(100));
    assert_eq!(constant(&gt), Value::Bool(true));
    let sum = bin(BinaryOp::Add, idx(json!({"n": 2}), text("n")), long(1));
    assert_eq!(constant(&sum), Value::Long(3));
    // A constant mapping indexed by a column, row by row.
    let t = batch(vec![(
        "m",
        Column::String(vec!["iPhone5,1".into(), "x".into()]),
    )]);
    let e = BoundExpr {
        kind: ExprNode::Index {
            expr: Box::new(lit(
                Value::Dynamic(json!({"iPhone5,1": "iPhone 5"})),
                Type::Dynamic,
            )),
            index: Box::new(col(0, Type::String)),
        },
        ty: Type::Dynamic,
        span: sp(),
    };
    assert_eq!(
        eval(&e, &t, &CTX).unwrap(),
        Column::Dynamic(vec![json!("iPhone 5"), json!(null)])
    );
}

#[test]
fn documented_function_examples() {
    let c = |name: &str, args: Vec<BoundExpr>| constant(&call(name, args));
    assert_eq!(c("abs", vec![long(-5)]), Value::Long(5));
    assert_eq!(
        c(
            "array_length",
            vec![call("parse_json", vec![text(r#"[1, 2, 3, "four"]"#)])]
        ),
        Value::Long(4)
    );
    assert_eq!(c("bin", vec![real(4.5), long(1)]), Value::Real(4.0));
    assert_eq!(
        c(
            "coalesce",
            vec![
                call("tolong", vec![text("not a number")]),
                call("tolong", vec![text("42")]),
                long(33)
            ]
        ),
        Value::Long(42)
    );
    assert_eq!(c("round", vec![real(2.15), long(1)]), Value::Real(2.2));
    assert_eq!(
        c("round", vec![real(-50.55), long(-2)]),
        Value::Real(-100.0)
    );
    assert_eq!(
        c("substring", vec![text("123456"), long(-2), long(2)]),
        Value::String("56".into())
    );
    assert_eq!(c("tobool", vec![text("true")]), Value::Bool(true));
    assert_eq!(c("toint", vec![real(2.3)]), Value::Int(2));
    assert_eq!(c("toreal", vec![text("123.4")]), Value::Real(123.4));
    assert_eq!(
        c("tostring", vec![null(Type::Long)]),
        Value::String("".into())
    );
    assert_eq!(
        c("isnull", vec![call("parse_json", vec![text("")])]),
        Value::Bool(true)
    );
    assert_eq!(
        c("isnull", vec![call("parse_json", vec![text("[]")])]),
        Value::Bool(false)
    );
    assert_eq!(
        c("ipv4_is_private", vec![text("192.168.1.1/24")]),
        Value::Bool(true)
    );
    assert_eq!(
        c("not", vec![lit(Value::Bool(false), Type::Bool)]),
        Value::Bool(true)
    );
    let ts_days = c("totimespan", vec![text("0.00:03:00")]);
    assert_eq!(ts_days, Value::TimeSpan(180 * TICKS_PER_SECOND));
    assert_eq!(
        constant(&bin(
            BinaryOp::Eq,
            call("todatetime", vec![text("12-02-2022")]),
            dt("2022-12-02")
        )),
        Value::Bool(true)
    );
    let dow = call("dayofweek", vec![dt("1970-5-12")]);
    assert_eq!(
        c("toint", vec![bin(BinaryOp::Div, dow, ts(TICKS_PER_DAY))]),
        Value::Int(2)
    );
    let parsed = call("parse_json", vec![text(r#"{"a":123, "b":"{\"c\":456}"}"#)]);
    let b = BoundExpr {
        kind: ExprNode::Index {
            expr: Box::new(parsed),
            index: Box::new(text("b")),
        },
        ty: Type::Dynamic,
        span: sp(),
    };
    let inner = call("parse_json", vec![call("tostring", vec![b])]);
    let cval = BoundExpr {
        kind: ExprNode::Index {
            expr: Box::new(inner),
            index: Box::new(text("c")),
        },
        ty: Type::Dynamic,
        span: sp(),
    };
    assert_eq!(constant(&cval), Value::Dynamic(json!(456)));
}

#[test]
fn subqueries_must_be_replaced_first() {
    let plan = crate::plan::Plan {
        node: crate::plan::Node::Values(Table::default()),
        schema: Schema::default(),
    };
    let e = BoundExpr {
        kind: ExprNode::Scalar(Box::new(plan)),
        ty: Type::Long,
        span: sp(),
    };
    assert!(matches!(
        eval_constant(&e, &CTX).unwrap_err().kind,
        ErrorKind::Runtime(_)
    ));
}

#[test]
fn dynamic_beside_times_takes_their_kind() {
    let d = lit(Value::Dynamic(json!("2024-01-02")), Type::Dynamic);
    let e = BoundExpr {
        kind: ExprNode::Binary {
            op: BinaryOp::Sub,
            left: Box::new(d),
            right: Box::new(dt("2024-01-01")),
        },
        ty: Type::TimeSpan,
        span: sp(),
    };
    assert_eq!(constant(&e), Value::TimeSpan(TICKS_PER_DAY));
    let h = lit(Value::Dynamic(json!("01:00:00")), Type::Dynamic);
    let e = BoundExpr {
        kind: ExprNode::Binary {
            op: BinaryOp::Add,
            left: Box::new(ts(TICKS_PER_SECOND)),
            right: Box::new(h),
        },
        ty: Type::TimeSpan,
        span: sp(),
    };
    assert_eq!(constant(&e), Value::TimeSpan(3601 * TICKS_PER_SECOND));
}

#[test]
fn results_take_the_binders_type() {
    // The binder types `-x` over an int column as long; the evaluator's int result is widened.
    let t = batch(vec![("i", Column::Int(vec![Some(3)]))]);
    let e = BoundExpr {
        kind: ExprNode::Neg(Box::new(col(0, Type::Int))),
        ty: Type::Long,
        span: sp(),
    };
    assert_eq!(eval(&e, &t, &CTX).unwrap(), Column::Long(vec![Some(-3)]));
}

#[test]
fn datetime_over_timespan_rounds_up_through_todatetime() {
    // The workbooks' ceiling bin: todatetime(ceiling(T / 1h) * 1h).
    let hour = 3600 * TICKS_PER_SECOND;
    let t = dt("2024-05-09T10:20:00Z");
    let spans = bin(BinaryOp::Div, t, ts(hour));
    assert_eq!(spans.ty, Type::Real);
    let rounded = bin(BinaryOp::Mul, call("ceiling", vec![spans]), ts(hour));
    assert_eq!(
        constant(&call("todatetime", vec![rounded])),
        Value::DateTime(parse_datetime("2024-05-09T11:00:00Z").unwrap())
    );
    let whole_days = bin(BinaryOp::Div, dt("1970-01-02"), ts(TICKS_PER_DAY));
    assert_eq!(constant(&whole_days), Value::Real(719_163.0));
}
