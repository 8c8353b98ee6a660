//! What a name means where it is used: `let` values, function parameters, user functions and
//! views, as an immutable chain of frames so a function can keep the scope it was defined in.

use crate::ast::FunctionDef;
use crate::plan::{BoundExpr, Plan};
use crate::table::Schema;
use std::rc::Rc;

/// A bound table together with which of its columns are hidden (`_ResourceId` and the like:
/// nameable, but not part of `*` or of the final result).
#[derive(Debug, Clone)]
pub struct Rel {
    pub plan: Plan,
    pub hidden: Vec<bool>,
}

impl Rel {
    /// A plan whose columns are all visible.
    pub fn visible(plan: Plan) -> Rel {
        let hidden = vec![false; plan.schema.len()];
        Rel { plan, hidden }
    }

    pub fn schema(&self) -> &Schema {
        &self.plan.schema
    }

    /// Indices of the visible columns, in order.
    pub fn visible_columns(&self) -> Vec<usize> {
        (0..self.hidden.len())
            .filter(|&i| !self.hidden[i])
            .collect()
    }

    pub fn visible_names(&self) -> Vec<&str> {
        self.visible_columns()
            .into_iter()
            .map(|i| self.plan.schema.fields[i].name.as_str())
            .collect()
    }
}

/// What a name stands for.
#[derive(Debug, Clone)]
pub enum Binding {
    /// `let x = 5;`, a scalar parameter: the bound expression is inlined at each use.
    Scalar(BoundExpr),
    /// `let T = … | where …;`, a tabular parameter, `as T`: the bound plan is substituted.
    Tabular(Rel),
    /// `let f = (…) { … };` or a view: the body is bound at each call with the arguments, in
    /// the scope the function was defined in.
    Function(Rc<FunctionDef>, Scope),
}

#[derive(Debug)]
struct Frame {
    name: String,
    binding: Binding,
    parent: Scope,
}

/// The names in force at one point of the query; cheap to clone and extend.
#[derive(Debug, Clone, Default)]
pub struct Scope(Option<Rc<Frame>>);

impl Scope {
    /// This scope plus `name` (shadowing an outer one of the same name).
    pub fn with(&self, name: impl Into<String>, binding: Binding) -> Scope {
        Scope(Some(Rc::new(Frame {
            name: name.into(),
            binding,
            parent: self.clone(),
        })))
    }

    pub fn get(&self, name: &str) -> Option<&Binding> {
        let mut frame = self.0.as_deref();
        while let Some(f) = frame {
            if f.name == name {
                return Some(&f.binding);
            }
            frame = f.parent.0.as_deref();
        }
        None
    }

    /// Every name in scope whose binding satisfies `keep`, innermost first.
    pub fn names(&self, keep: impl Fn(&Binding) -> bool) -> Vec<&str> {
        let mut out = Vec::new();
        let mut frame = self.0.as_deref();
        while let Some(f) = frame {
            if keep(&f.binding) && !out.contains(&f.name.as_str()) {
                out.push(f.name.as_str());
            }
            frame = f.parent.0.as_deref();
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ast::Span;
    use crate::table::{Type, Value};

    #[test]
    fn inner_names_shadow_outer_ones() {
        let one = BoundExpr::literal(Value::Long(1), Type::Long, Span::default());
        let two = BoundExpr::literal(Value::Long(2), Type::Long, Span::default());
        let outer = Scope::default().with("x", Binding::Scalar(one));
        let inner = outer.with("x", Binding::Scalar(two)).with(
            "y",
            Binding::Scalar(BoundExpr::literal(
                Value::Long(3),
                Type::Long,
                Span::default(),
            )),
        );
        match inner.get("x") {
            Some(Binding::Scalar(e)) => assert!(matches!(
                e.kind,
                crate::plan::ExprNode::Literal(Value::Long(2))
            )),
            other => panic!("{other:?}"),
        }
        assert!(outer.get("y").is_none());
        assert_eq!(inner.names(|_| true), vec!["y", "x"]);
    }
}
