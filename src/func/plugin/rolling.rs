//! `rolling_percentile(Value, Percentile, Index, BinSize, BinsPerWindow [, dim…])`: for each bin
//! of the index (and each dimension tuple), the nearest-rank percentile of the values in that
//! bin and the `BinsPerWindow - 1` bins before it. One row per bin that holds rows and per
//! dimension tuple, in bin order; the value keeps a long input long, anything else is real.
//! <https://learn.microsoft.com/en-us/kusto/query/rolling-percentile-plugin>

use std::collections::{BTreeSet, HashMap};

use crate::budget::Meter;
use crate::error::Error;
use crate::table::{Column, Field, Schema, Table, Type, Value};

pub struct Window {
    pub percentile: f64,
    /// The bin width in the bin column's units (ticks, or the number's own).
    pub bin_size: i64,
    pub bins: usize,
}

fn key(value: &Value) -> Option<i64> {
    match value {
        Value::DateTime(t) | Value::TimeSpan(t) | Value::Long(t) => Some(*t),
        Value::Int(i) => Some(i64::from(*i)),
        _ => None,
    }
}

/// `input` columns: the bin of the index, the value, then the dimensions. `name` names the
/// value column of the output.
pub fn rolling_percentile(
    input: &Table,
    window: &Window,
    name: &str,
    meter: &Meter,
) -> Result<Table, Error> {
    let bin_field = input.schema.fields[0].clone();
    let value_type = match input.schema.fields[1].ty {
        Type::Int | Type::Long => Type::Long,
        _ => Type::Real,
    };
    let mut all_bins: BTreeSet<i64> = BTreeSet::new();
    let mut tuples: Vec<Vec<Value>> = Vec::new();
    let mut tuple_of: HashMap<String, usize> = HashMap::new();
    // (tuple, bin) → values
    let mut values: HashMap<(usize, i64), Vec<f64>> = HashMap::new();
    for row in 0..input.num_rows() {
        meter.check_every(row)?;
        let Some(bin) = key(&input.columns[0].get(row)) else {
            continue;
        };
        let value = match input.columns[1].get(row) {
            Value::Long(x) => x as f64,
            Value::Int(x) => f64::from(x),
            Value::Real(x) if !x.is_nan() => x,
            _ => continue,
        };
        let dims: Vec<Value> = input.columns[2..].iter().map(|c| c.get(row)).collect();
        let tuple = *tuple_of.entry(format!("{dims:?}")).or_insert_with(|| {
            tuples.push(dims);
            tuples.len() - 1
        });
        all_bins.insert(bin);
        values.entry((tuple, bin)).or_default().push(value);
    }
    let mut fields = vec![bin_field.clone()];
    fields.extend(input.schema.fields[2..].iter().cloned());
    fields.push(Field::new(name, value_type));
    let mut columns: Vec<Column> = fields
        .iter()
        .map(|f| Column::with_capacity(f.ty, 0))
        .collect();
    let reach = window
        .bin_size
        .saturating_mul(window.bins.saturating_sub(1) as i64);
    // A window gathers the values of up to `bins` bins: each bin's values are a step.
    let mut pacer = meter.pacer();
    for &bin in &all_bins {
        for (t, dims) in tuples.iter().enumerate() {
            let mut in_window: Vec<f64> = Vec::new();
            for b in all_bins.range(bin.saturating_sub(reach)..=bin) {
                pacer.step()?;
                if let Some(values) = values.get(&(t, *b)) {
                    in_window.extend_from_slice(values);
                }
            }
            if in_window.is_empty() {
                continue;
            }
            in_window.sort_by(f64::total_cmp);
            let n = in_window.len();
            let rank = (window.percentile.clamp(0.0, 100.0) / 100.0 * n as f64).ceil() as usize;
            let x = in_window[rank.clamp(1, n) - 1];
            let bin_value = match bin_field.ty {
                Type::DateTime => Value::DateTime(bin),
                Type::TimeSpan => Value::TimeSpan(bin),
                Type::Int => Value::Int(bin as i32),
                _ => Value::Long(bin),
            };
            columns[0].push(&bin_value);
            for (i, v) in dims.iter().enumerate() {
                columns[1 + i].push(v);
            }
            let value = if value_type == Type::Long {
                Value::Long(x as i64)
            } else {
                Value::Real(x)
            };
            columns[1 + dims.len()].push(&value);
        }
    }
    Ok(Table::new(Schema::new(fields), columns))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_bin_looks_back_over_the_window() {
        let input = Table::new(
            Schema::new(vec![
                Field::new("i", Type::Long),
                Field::new("v", Type::Long),
            ]),
            vec![
                Column::Long(vec![Some(0), Some(0), Some(10), Some(30), None]),
                Column::Long(vec![Some(5), Some(1), Some(9), Some(2), Some(7)]),
            ],
        );
        let window = Window {
            percentile: 50.0,
            bin_size: 10,
            bins: 2,
        };
        let out = rolling_percentile(&input, &window, "p", &Meter::default()).unwrap();
        assert_eq!(
            out.columns[0],
            Column::Long(vec![Some(0), Some(10), Some(30)])
        );
        // Bin 0: {1, 5}; bin 10: {1, 5, 9}; bin 30: {2} (bin 20 is empty).
        assert_eq!(
            out.columns[1],
            Column::Long(vec![Some(1), Some(5), Some(2)])
        );
    }
}
