//! Facts about one plan node that passes ask for instead of matching on every variant: the
//! input columns it reads itself ([`Plan::column_refs`], [`Plan::columns_read`]), how its
//! output columns relate to its inputs' ([`Plan::outputs`], narrowed by
//! [`Plan::retain_outputs`]), and whether it keeps, makes or loses a row order
//! ([`Plan::order`], [`Plan::is_ordered`]).

use super::visit::{node_exprs_mut, ColumnMap};
use super::{BoundExpr, Node, Plan};
use crate::table::Schema;
use std::ops::Range;

/// How a node's output columns relate to its inputs' columns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outputs {
    /// The first input's columns as they arrive (in place; `mv-expand` changes their type),
    /// then `appended` columns the node computes (`parse` captures, `serialize` columns, the
    /// `mv-expand` item index).
    PassThrough { appended: usize },
    /// The node picks each output column in this range (an input column or an expression of
    /// its own), so one no consumer needs can be dropped; the others are computed and stay.
    Chosen(Range<usize>),
    /// Every output column is computed by the node and stays (`summarize`, leaves).
    Computed,
}

/// What a node does to the order of rows (Kusto's "serialized" rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Order {
    /// Its output comes in a defined order whatever its input (`sort`, `top`, `range`,
    /// `serialize`, an `mv-apply` row's items).
    Makes,
    /// Its output is ordered when its inputs all are (`where`, `project`, `take`, `union`, …).
    Keeps,
    /// Its output has no defined order (`summarize`, `join`, `mv-expand`, tables, …).
    Loses,
}

impl Plan {
    /// How the node's output columns relate to its inputs'.
    pub fn outputs(&self) -> Outputs {
        let width = self.schema.len();
        match &self.node {
            Node::Filter { .. } | Node::Sort { .. } | Node::Take { .. } | Node::Top { .. } => {
                Outputs::PassThrough { appended: 0 }
            }
            Node::MvExpand { item_index, .. } => Outputs::PassThrough {
                appended: usize::from(*item_index),
            },
            Node::Parse { input, .. } | Node::Serialize { input, .. } => Outputs::PassThrough {
                appended: width - input.schema.len(),
            },
            Node::Scan { .. } | Node::Project { .. } | Node::Join { .. } | Node::IpLookup(_) => {
                Outputs::Chosen(0..width)
            }
            Node::Union { source_names, .. } => {
                Outputs::Chosen(usize::from(source_names.is_some())..width)
            }
            Node::MvApply { keep, .. } => Outputs::Chosen(0..keep.len()),
            Node::Values(_)
            | Node::Range { .. }
            | Node::ApplyInput
            | Node::ExternalData(_)
            | Node::Plugin(_)
            | Node::Summarize { .. }
            | Node::MakeSeries(_)
            | Node::TopNested { .. }
            | Node::Materialize { .. } => Outputs::Computed,
        }
    }

    /// Every reference the node holds to a column of one of its children, as (child, column):
    /// its expressions' columns (child 0), join keys and outputs, union mappings, expanded and
    /// kept columns. A scan's predicates refer to its own output, so they are not here.
    pub fn column_refs(&self) -> Vec<(usize, usize)> {
        let side = |s: super::JoinSide| usize::from(s == super::JoinSide::Right);
        let mut refs: Vec<(usize, usize)> = Vec::new();
        match &self.node {
            Node::Scan { .. } => return refs,
            Node::Union { mappings, .. } => {
                for (i, mapping) in mappings.iter().enumerate() {
                    refs.extend(mapping.iter().flatten().map(|&c| (i, c)));
                }
            }
            Node::MvExpand { items, .. } => refs.extend(items.iter().map(|it| (0, it.column))),
            Node::MvApply { items, keep, .. } => {
                refs.extend(keep.iter().map(|&c| (0, c)));
                refs.extend(items.iter().map(|it| (0, it.column)));
            }
            Node::Join {
                left_keys,
                right_keys,
                output,
                ..
            } => {
                refs.extend(left_keys.iter().map(|&c| (0, c)));
                refs.extend(right_keys.iter().map(|&c| (1, c)));
                refs.extend(output.iter().map(|&(s, c)| (side(s), c)));
            }
            Node::IpLookup(lookup) => {
                refs.push((0, lookup.source_key));
                refs.push((1, lookup.lookup_key));
                for &(i, l) in &lookup.extra_keys {
                    refs.extend([(0, i), (1, l)]);
                }
                refs.extend(lookup.output.iter().map(|&(s, c)| (side(s), c)));
            }
            _ => {}
        }
        for expr in self.exprs() {
            refs.extend(expr.columns_read().into_iter().map(|c| (0, c)));
        }
        refs
    }

    /// [`Plan::column_refs`], to renumber in place.
    pub fn column_refs_mut(&mut self) -> Vec<(usize, &mut usize)> {
        let side = |s: super::JoinSide| usize::from(s == super::JoinSide::Right);
        let mut refs: Vec<(usize, &mut usize)> = Vec::new();
        match &mut self.node {
            Node::Scan { .. } => return refs,
            Node::Union { mappings, .. } => {
                for (i, mapping) in mappings.iter_mut().enumerate() {
                    refs.extend(mapping.iter_mut().flatten().map(|c| (i, c)));
                }
            }
            Node::MvExpand { items, .. } => {
                refs.extend(items.iter_mut().map(|it| (0, &mut it.column)))
            }
            Node::MvApply { items, keep, .. } => {
                refs.extend(keep.iter_mut().map(|c| (0, c)));
                refs.extend(items.iter_mut().map(|it| (0, &mut it.column)));
            }
            Node::Join {
                left_keys,
                right_keys,
                output,
                ..
            } => {
                refs.extend(left_keys.iter_mut().map(|c| (0, c)));
                refs.extend(right_keys.iter_mut().map(|c| (1, c)));
                refs.extend(output.iter_mut().map(|(s, c)| (side(*s), c)));
            }
            Node::IpLookup(lookup) => {
                let lookup = &mut **lookup;
                refs.push((0, &mut lookup.source_key));
                refs.push((1, &mut lookup.lookup_key));
                for (i, l) in &mut lookup.extra_keys {
                    refs.push((0, i));
                    refs.push((1, l));
                }
                refs.extend(lookup.output.iter_mut().map(|(s, c)| (side(*s), c)));
            }
            node => {
                for expr in node_exprs_mut(node) {
                    refs.extend(expr.column_refs_mut().into_iter().map(|c| (0, c)));
                }
            }
        }
        refs
    }

    /// Per child, which of its columns the node reads itself (what passes through untouched is
    /// not counted). A `materialize` input and an `mv-apply` body are read whole.
    pub fn columns_read(&self) -> Vec<Vec<bool>> {
        let mut read: Vec<Vec<bool>> = self
            .children()
            .iter()
            .map(|c| vec![false; c.schema.len()])
            .collect();
        for (child, column) in self.column_refs() {
            read[child][column] = true;
        }
        match &self.node {
            Node::Materialize { .. } => read[0].fill(true),
            Node::MvApply { .. } => read[1].fill(true),
            // A plugin's inputs are projected to what it reads when it is bound.
            Node::Plugin(_) => read.iter_mut().for_each(|r| r.fill(true)),
            _ => {}
        }
        read
    }

    /// What the node does to the order of rows.
    pub fn order(&self) -> Order {
        match &self.node {
            Node::Sort { .. }
            | Node::Top { .. }
            | Node::Range { .. }
            | Node::Serialize { .. }
            | Node::ApplyInput => Order::Makes,
            Node::Filter { .. }
            | Node::Project { .. }
            | Node::Take { .. }
            | Node::Parse { .. }
            | Node::Materialize { .. }
            | Node::MvApply { .. }
            | Node::Union { .. } => Order::Keeps,
            Node::Scan { .. }
            | Node::Values(_)
            | Node::ExternalData(_)
            | Node::Summarize { .. }
            | Node::Join { .. }
            | Node::IpLookup(_)
            | Node::Plugin(_)
            | Node::MvExpand { .. }
            | Node::MakeSeries(_)
            | Node::TopNested { .. } => Order::Loses,
        }
    }

    /// Whether the rows come in a defined order (Kusto's serialize rules: a node that keeps
    /// order is ordered when the inputs it reads rows from are; an `mv-apply` body does not
    /// count).
    pub fn is_ordered(&self) -> bool {
        match self.order() {
            Order::Makes => true,
            Order::Loses => false,
            Order::Keeps => match &self.node {
                Node::MvApply { input, .. } => input.is_ordered(),
                _ => self.children().into_iter().all(Plan::is_ordered),
            },
        }
    }

    /// Keep only the output columns `keep` (ascending; every output outside the
    /// [`Outputs::Chosen`] range must be among them), narrowing what the node computes.
    pub fn retain_outputs(&mut self, keep: &[usize]) {
        let pick = |n: usize, keep: &[usize]| -> ColumnMap {
            let mut map = vec![None; n];
            for (new, &old) in keep.iter().enumerate() {
                map[old] = Some(new);
            }
            map
        };
        let map = pick(self.schema.len(), keep);
        match &mut self.node {
            Node::Scan {
                columns,
                predicates,
                ..
            } => {
                *columns = keep.iter().map(|&i| columns[i]).collect();
                for p in predicates {
                    for c in p.column_refs_mut() {
                        *c = map[*c].expect("a column a pushed predicate reads is kept");
                    }
                }
            }
            Node::Project { exprs, .. } => {
                let mut old: Vec<Option<BoundExpr>> = exprs.drain(..).map(Some).collect();
                *exprs = keep.iter().map(|&i| old[i].take().expect("once")).collect();
            }
            Node::Union {
                mappings,
                source_names,
                ..
            } => {
                let offset = usize::from(source_names.is_some());
                for mapping in mappings {
                    *mapping = keep
                        .iter()
                        .filter(|&&j| j >= offset)
                        .map(|&j| mapping[j - offset])
                        .collect();
                }
            }
            Node::Join { output, .. } => *output = keep.iter().map(|&i| output[i]).collect(),
            Node::IpLookup(lookup) => {
                lookup.output = keep.iter().map(|&i| lookup.output[i]).collect();
            }
            Node::MvApply { keep: kept, .. } => {
                *kept = keep
                    .iter()
                    .filter(|&&i| i < kept.len())
                    .map(|&i| kept[i])
                    .collect();
            }
            _ => debug_assert_eq!(keep.len(), self.schema.len(), "only chosen outputs drop"),
        }
        self.schema = Schema::new(
            keep.iter()
                .map(|&i| self.schema.fields[i].clone())
                .collect(),
        );
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
    fn facts_of_a_projection_and_a_filter() {
        let p = plan("NTANetAnalytics | where DestPort == 443 | project SrcIp, n = DestPort + 1");
        assert_eq!(p.outputs(), Outputs::Chosen(0..2));
        let Node::Project { input, .. } = &p.node else {
            panic!("{p:?}")
        };
        let schema = &input.schema;
        let reads: Vec<&str> = p.columns_read()[0]
            .iter()
            .enumerate()
            .filter(|(_, r)| **r)
            .map(|(c, _)| schema.fields[c].name.as_str())
            .collect();
        assert_eq!(reads, ["DestPort", "SrcIp"]);
        assert_eq!(input.outputs(), Outputs::PassThrough { appended: 0 });
        assert_eq!(input.order(), Order::Keeps);
        assert!(!p.is_ordered());
        assert!(plan("range x from 1 to 3 step 1 | where x > 1").is_ordered());
    }
}
