//! `--format az`: a result printed exactly as `az monitor log-analytics query` prints it.
//!
//! That command (the `log-analytics` extension of azure-cli) turns each row of the Log
//! Analytics response into an object whose first key is `TableName` and whose values are
//! Python's `str()` of the JSON cell (`None` for null, `True`/`False`, `1e+20`, a dynamic list
//! as `['a', 'b']`); azure-cli's JSON output (knack) then prints the list with two-space indent,
//! keys sorted, non-ASCII kept. The cells are the ones `kqlite serve` answers the query API
//! with (`output::cell_json`), so piping one into the other gives the same text.

use super::cell_json;
use crate::table::Table;
use serde_json::Value as Json;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Write `table` as `az monitor log-analytics query -o json` would print it.
pub fn write(table: &Table, out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<BTreeMap<String, String>> = (0..table.num_rows())
        .map(|r| {
            let mut row = BTreeMap::new();
            row.insert("TableName".to_string(), "PrimaryResult".to_string());
            for (field, column) in table.schema.fields.iter().zip(&table.columns) {
                row.insert(field.name.clone(), python_str(&cell_json(column, r)));
            }
            row
        })
        .collect();
    let formatter = serde_json::ser::PrettyFormatter::with_indent(b"  ");
    let mut serializer = serde_json::Serializer::with_formatter(&mut *out, formatter);
    serde::Serialize::serialize(&rows, &mut serializer).map_err(io::Error::other)?;
    writeln!(out)
}

/// Python's `str()` of a JSON value as `json.loads` gives it: a string is itself, anything else
/// its `repr()`.
pub fn python_str(value: &Json) -> String {
    match value {
        Json::String(s) => s.clone(),
        other => python_repr(other),
    }
}

/// Python's `repr()` of a decoded JSON value.
fn python_repr(value: &Json) -> String {
    match value {
        Json::Null => "None".to_string(),
        Json::Bool(true) => "True".to_string(),
        Json::Bool(false) => "False".to_string(),
        Json::Number(n) => match (n.as_i64(), n.as_u64(), n.as_f64()) {
            (Some(i), _, _) => i.to_string(),
            (None, Some(u), _) => u.to_string(),
            (None, None, Some(f)) => python_float(f),
            _ => n.to_string(),
        },
        Json::String(s) => python_str_repr(s),
        Json::Array(items) => {
            let items: Vec<String> = items.iter().map(python_repr).collect();
            format!("[{}]", items.join(", "))
        }
        Json::Object(map) => {
            let items: Vec<String> = map
                .iter()
                .map(|(k, v)| format!("{}: {}", python_str_repr(k), python_repr(v)))
                .collect();
            format!("{{{}}}", items.join(", "))
        }
    }
}

/// `repr(float)`: the shortest digits that read back, in fixed notation when the decimal
/// exponent is from -4 to 15 (`0.0001`, `1e+16`, `1e-05`), always with a `.0` when whole.
fn python_float(f: f64) -> String {
    if f.is_nan() {
        return "nan".to_string();
    }
    if f.is_infinite() {
        return if f > 0.0 { "inf" } else { "-inf" }.to_string();
    }
    // Rust's `{:e}` gives the same shortest digits: `-1.5e-5`, `1e16`, `0e0`.
    let scientific = format!("{:e}", f.abs());
    let (mantissa, exponent) = scientific.split_once('e').expect("`{:e}` has an exponent");
    let exponent: i32 = exponent.parse().expect("the exponent is a number");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if f.is_sign_negative() { "-" } else { "" };
    if !(-4..16).contains(&exponent) {
        let exponent_sign = if exponent < 0 { '-' } else { '+' };
        return format!("{sign}{mantissa}e{exponent_sign}{:02}", exponent.abs());
    }
    let point = exponent + 1; // digits before the decimal point
    let text = if point <= 0 {
        format!("0.{}{digits}", "0".repeat(point.unsigned_abs() as usize))
    } else if point as usize >= digits.len() {
        format!("{digits}{}.0", "0".repeat(point as usize - digits.len()))
    } else {
        let (whole, fraction) = digits.split_at(point as usize);
        format!("{whole}.{fraction}")
    };
    format!("{sign}{text}")
}

/// `repr(str)`: single quotes unless the text holds `'` and no `"`; backslash, the quote and
/// unprintable characters escaped as Python escapes them.
fn python_str_repr(s: &str) -> String {
    let quote = if s.contains('\'') && !s.contains('"') {
        '"'
    } else {
        '\''
    };
    let mut out = String::with_capacity(s.len() + 2);
    out.push(quote);
    for c in s.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c == quote => {
                out.push('\\');
                out.push(c);
            }
            c if (c as u32) < 0x20 || (0x7f..0xa0).contains(&(c as u32)) => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push(quote);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn floats_read_as_python_prints_them() {
        // Each pair: the float, and what CPython's repr() prints for it.
        for (f, python) in [
            (0.1 + 0.2, "0.30000000000000004"),
            (1.0, "1.0"),
            (-2.5, "-2.5"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (123456.789, "123456.789"),
            (0.0001, "0.0001"),
            (0.00001, "1e-05"),
            (1.5e-7, "1.5e-07"),
            (6.02e23, "6.02e+23"),
            (0.0, "0.0"),
            (1.7976931348623157e308, "1.7976931348623157e+308"),
        ] {
            assert_eq!(python_float(f), python, "{f}");
        }
    }

    #[test]
    fn values_read_as_python_str_prints_them() {
        assert_eq!(python_str(&json!(null)), "None");
        assert_eq!(python_str(&json!(true)), "True");
        assert_eq!(python_str(&json!(-42)), "-42");
        assert_eq!(python_str(&json!("it's")), "it's");
        assert_eq!(python_str(&json!(["a", 1, null])), "['a', 1, None]");
        assert_eq!(
            python_str(&json!({"k": "it's", "n": [1.5]})),
            "{'k': \"it's\", 'n': [1.5]}"
        );
        assert_eq!(python_str(&json!(["a\\b\n"])), "['a\\\\b\\n']");
    }
}
