//! Kusto's typing rules for the infix operators and unary minus: which operand types an operator
//! accepts and what it yields. The evaluator mirrors this table, so it lives in one function.

use crate::plan::BinaryOp;
use crate::table::Type;

/// The result type of `left op right`, or `None` when Kusto rejects the combination.
///
/// Integers widen to `long` (`int + int` is `long`), anything with `real` is `real`;
/// `datetime - datetime` is a `timespan`, `datetime ± timespan` a `datetime`, `timespan / timespan`
/// a `real`; `dynamic` takes the other side's type in arithmetic (as Kusto's binder does).
/// Comparisons, `and`/`or` and the string predicates yield `bool`.
pub fn binary_type(op: BinaryOp, left: Type, right: Type) -> Option<Type> {
    use Type::*;
    let numeric = |t: Type| matches!(t, Int | Long | Real);
    match op {
        BinaryOp::And | BinaryOp::Or => {
            let ok = |t| matches!(t, Bool | Dynamic);
            (ok(left) && ok(right)).then_some(Bool)
        }
        // Equality compares any two values (different types are simply unequal).
        BinaryOp::Eq | BinaryOp::NotEq => Some(Bool),
        BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq => {
            // A bool orders against a number as 1/0 (Kusto.Language binds `b >= 1`).
            let number_or_bool = |t: Type| numeric(t) || t == Bool;
            let ok = left == Dynamic
                || right == Dynamic
                || (numeric(left) && numeric(right))
                || (number_or_bool(left) && number_or_bool(right))
                || (left == right && matches!(left, DateTime | TimeSpan | Bool));
            ok.then_some(Bool)
        }
        BinaryOp::Str(_) => {
            let ok = |t| matches!(t, String | Dynamic);
            (ok(left) && ok(right)).then_some(Bool)
        }
        BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Mod => {
            arithmetic_type(op, left, right)
        }
    }
}

fn arithmetic_type(op: BinaryOp, left: Type, right: Type) -> Option<Type> {
    use Type::*;
    let numeric = |t: Type| matches!(t, Int | Long | Real);
    let integer = |t: Type| matches!(t, Int | Long);
    match (left, right) {
        (Dynamic, Dynamic) => Some(Dynamic),
        (Dynamic, t) | (t, Dynamic) if numeric(t) || matches!(t, DateTime | TimeSpan) => {
            arithmetic_type(op, t, t).map(|r| if r == Int { Long } else { r })
        }
        (l, r) if integer(l) && integer(r) => Some(Long),
        (l, r) if numeric(l) && numeric(r) => Some(Real),
        (DateTime, DateTime) if op == BinaryOp::Sub => Some(TimeSpan),
        (DateTime, TimeSpan) if matches!(op, BinaryOp::Add | BinaryOp::Sub) => Some(DateTime),
        (TimeSpan, DateTime) if op == BinaryOp::Add => Some(DateTime),
        // Kusto's binder accepts `datetime / timespan` (a real count of spans since 0001-01-01):
        // workbooks round times up with `todatetime(ceiling(T / 1h) * 1h)`.
        (DateTime, TimeSpan) if op == BinaryOp::Div => Some(Real),
        (TimeSpan, TimeSpan) => match op {
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mod => Some(TimeSpan),
            BinaryOp::Div => Some(Real),
            _ => None,
        },
        (TimeSpan, n) if numeric(n) && matches!(op, BinaryOp::Mul | BinaryOp::Div) => {
            Some(TimeSpan)
        }
        (n, TimeSpan) if numeric(n) && op == BinaryOp::Mul => Some(TimeSpan),
        _ => None,
    }
}

/// The type of `-x`: numbers and timespans negate; a non-constant `int` widens to `long`
/// (Kusto keeps `int` only when it folds the constant, as in `-toint(3)`).
pub fn negate_type(operand: Type, constant: bool) -> Option<Type> {
    match operand {
        Type::Int if constant => Some(Type::Int),
        Type::Int | Type::Long => Some(Type::Long),
        Type::Real | Type::TimeSpan | Type::Dynamic => Some(operand),
        _ => None,
    }
}

/// The operator as written, for error messages.
pub fn op_text(op: BinaryOp) -> &'static str {
    use crate::ast::StringOpKind as K;
    match op {
        BinaryOp::Or => "or",
        BinaryOp::And => "and",
        BinaryOp::Eq => "==",
        BinaryOp::NotEq => "!=",
        BinaryOp::Lt => "<",
        BinaryOp::LtEq => "<=",
        BinaryOp::Gt => ">",
        BinaryOp::GtEq => ">=",
        BinaryOp::Add => "+",
        BinaryOp::Sub => "-",
        BinaryOp::Mul => "*",
        BinaryOp::Div => "/",
        BinaryOp::Mod => "%",
        BinaryOp::Str(s) => match (s.kind, s.negated) {
            (K::Equals, false) => "=~",
            (K::Equals, true) => "!~",
            (K::Contains, false) => "contains",
            (K::Contains, true) => "!contains",
            (K::Has, false) => "has",
            (K::Has, true) => "!has",
            (K::HasPrefix, false) => "hasprefix",
            (K::HasPrefix, true) => "!hasprefix",
            (K::HasSuffix, false) => "hassuffix",
            (K::HasSuffix, true) => "!hassuffix",
            (K::StartsWith, false) => "startswith",
            (K::StartsWith, true) => "!startswith",
            (K::EndsWith, false) => "endswith",
            (K::EndsWith, true) => "!endswith",
            (K::MatchesRegex, _) => "matches regex",
            (K::HasAny, _) => "has_any",
            (K::HasAll, _) => "has_all",
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Type::*;

    #[test]
    fn arithmetic_follows_kusto() {
        assert_eq!(binary_type(BinaryOp::Add, Int, Int), Some(Long));
        assert_eq!(binary_type(BinaryOp::Div, Long, Long), Some(Long));
        assert_eq!(binary_type(BinaryOp::Mod, Real, Long), Some(Real));
        assert_eq!(binary_type(BinaryOp::Add, Long, Real), Some(Real));
        assert_eq!(
            binary_type(BinaryOp::Sub, DateTime, DateTime),
            Some(TimeSpan)
        );
        assert_eq!(
            binary_type(BinaryOp::Add, DateTime, TimeSpan),
            Some(DateTime)
        );
        assert_eq!(
            binary_type(BinaryOp::Add, TimeSpan, DateTime),
            Some(DateTime)
        );
        assert_eq!(binary_type(BinaryOp::Div, TimeSpan, TimeSpan), Some(Real));
        assert_eq!(binary_type(BinaryOp::Div, DateTime, TimeSpan), Some(Real));
        assert_eq!(binary_type(BinaryOp::Mul, DateTime, TimeSpan), None);
        assert_eq!(binary_type(BinaryOp::Mul, Long, TimeSpan), Some(TimeSpan));
        assert_eq!(binary_type(BinaryOp::Div, TimeSpan, Long), Some(TimeSpan));
        assert_eq!(binary_type(BinaryOp::Mul, Real, TimeSpan), Some(TimeSpan));
        assert_eq!(binary_type(BinaryOp::Add, Dynamic, Long), Some(Long));
        assert_eq!(binary_type(BinaryOp::Add, String, Long), None);
        assert_eq!(binary_type(BinaryOp::Add, DateTime, Long), None);
        assert_eq!(binary_type(BinaryOp::Add, DateTime, DateTime), None);
    }

    #[test]
    fn predicates_are_bool_and_checked() {
        assert_eq!(binary_type(BinaryOp::Eq, String, Long), Some(Bool));
        assert_eq!(binary_type(BinaryOp::Lt, String, String), None);
        assert_eq!(binary_type(BinaryOp::Lt, Int, Real), Some(Bool));
        assert_eq!(binary_type(BinaryOp::And, Long, Bool), None);
        let contains = BinaryOp::Str(crate::ast::StringOp {
            kind: crate::ast::StringOpKind::Contains,
            case_sensitive: false,
            negated: false,
        });
        assert_eq!(binary_type(contains, String, String), Some(Bool));
        assert_eq!(binary_type(contains, Long, String), None);
        assert_eq!(binary_type(contains, Dynamic, String), Some(Bool));
    }

    #[test]
    fn negation() {
        assert_eq!(negate_type(Int, true), Some(Int));
        assert_eq!(negate_type(Int, false), Some(Long));
        assert_eq!(negate_type(String, false), None);
    }
}
