//! Bytes → a small table and a `render` visualization, then drawn: shared by the `chart` fuzz
//! target (fuzz/fuzz_targets/chart.rs) and its stable replay of saved inputs
//! (tests/chart_regressions.rs), so a saved input is replayed exactly as it was fuzzed.
//!
//! The bytes pick a chart kind, up to 4 columns of any type (extreme numbers, NaN and
//! infinities, far-off datetimes, control characters and wide Unicode in labels, make-series
//! arrays), up to 12 rows, and `with (…)` properties that name those columns or not. The SVG is
//! drawn, and sometimes rasterised to PNG as `--chart x.png` does.

use kqlite::chart::{self, KINDS, PROPERTIES};
use kqlite::plan::Visualization;
use kqlite::table::Field;
use kqlite::{Column, Schema, Table, Type};
use std::sync::Arc;

/// Reads the input a byte or a word at a time; past its end, zeros.
pub struct Bytes<'a>(&'a [u8]);

impl Bytes<'_> {
    fn byte(&mut self) -> u8 {
        let Some((&b, rest)) = self.0.split_first() else {
            return 0;
        };
        self.0 = rest;
        b
    }

    fn below(&mut self, n: usize) -> usize {
        usize::from(self.byte()) % n
    }

    fn word(&mut self) -> u64 {
        (0..8).fold(0, |w, _| (w << 8) | u64::from(self.byte()))
    }

    /// Mostly small numbers, sometimes the extremes.
    fn long(&mut self) -> i64 {
        match self.byte() % 8 {
            0 => i64::MAX,
            1 => i64::MIN,
            2 => self.word() as i64,
            _ => i64::from(self.byte() as i8) * 7,
        }
    }

    fn real(&mut self) -> f64 {
        match self.byte() % 8 {
            0 => f64::NAN,
            1 => f64::INFINITY,
            2 => f64::NEG_INFINITY,
            3 => f64::from_bits(self.word()),
            4 => f64::MAX,
            _ => f64::from(self.byte() as i8) / 4.0,
        }
    }

    /// Ticks since the Unix epoch: around May 2024, or anywhere in 64 bits.
    fn ticks(&mut self) -> i64 {
        const MAY_2024: i64 = 17_152_488_000_000_000;
        match self.byte() % 4 {
            0 => self.word() as i64,
            _ => MAY_2024 + i64::from(self.byte()) * 36_000_000_000,
        }
    }

    fn text(&mut self) -> String {
        const PARTS: &[&str] = &[
            "a",
            "Allowed",
            "Denied",
            "10.0.0.1",
            "",
            " ",
            "\n",
            "\u{1b}[31m",
            "<&>\"'",
            "日本語",
            "\u{202e}",
            "a very long label that will not fit in any legend or axis at all, by design",
        ];
        let n = self.below(4);
        (0..n).map(|_| PARTS[self.below(PARTS.len())]).collect()
    }
}

const TYPES: &[Type] = &[
    Type::Long,
    Type::Real,
    Type::String,
    Type::DateTime,
    Type::TimeSpan,
    Type::Bool,
    Type::Int,
    Type::Dynamic,
];

const NAMES: &[&str] = &["x", "y", "Count", "TimeGenerated", "FlowStatus", "y"];

fn column(bytes: &mut Bytes, ty: Type, rows: usize) -> Column {
    let null = |bytes: &mut Bytes| bytes.below(8) == 0;
    match ty {
        Type::Long => Column::Long(
            (0..rows)
                .map(|_| (!null(bytes)).then(|| bytes.long()))
                .collect(),
        ),
        Type::Int => Column::Int(
            (0..rows)
                .map(|_| (!null(bytes)).then(|| bytes.long() as i32))
                .collect(),
        ),
        Type::Real => Column::Real(
            (0..rows)
                .map(|_| (!null(bytes)).then(|| bytes.real()))
                .collect(),
        ),
        Type::DateTime => Column::DateTime(
            (0..rows)
                .map(|_| (!null(bytes)).then(|| bytes.ticks()))
                .collect(),
        ),
        Type::TimeSpan => Column::TimeSpan(
            (0..rows)
                .map(|_| (!null(bytes)).then(|| bytes.long()))
                .collect(),
        ),
        Type::Bool => Column::Bool(
            (0..rows)
                .map(|_| (!null(bytes)).then(|| bytes.byte().is_multiple_of(2)))
                .collect(),
        ),
        Type::Dynamic => Column::Dynamic(
            (0..rows)
                .map(|_| {
                    // make-series shaped: an array of numbers (or of datetimes as text).
                    let n = bytes.below(6);
                    serde_json::Value::Array(
                        (0..n)
                            .map(|_| match bytes.below(4) {
                                0 => serde_json::Value::Null,
                                1 => serde_json::Value::String("2024-05-09T10:00:00Z".into()),
                                _ => serde_json::json!(bytes.long()),
                            })
                            .collect(),
                    )
                })
                .collect(),
        ),
        _ => Column::String(
            (0..rows)
                .map(|_| Arc::from(bytes.text().as_str()))
                .collect(),
        ),
    }
}

/// Build the table and `render` from `data`, then draw it (and sometimes rasterise it).
pub fn exercise(data: &[u8]) {
    let (table, vis, png) = decode(data);
    let _ = chart::notes(&table, &vis);
    if let Ok(Some(svg)) = chart::render_svg(&table, &vis) {
        if png {
            let _ = chart::png::svg_to_png(&svg);
        }
    }
}

/// The table, the visualization and whether to rasterise, as `data` picks them.
pub fn decode(data: &[u8]) -> (Table, Visualization, bool) {
    let mut bytes = Bytes(data);
    let kind = KINDS[bytes.below(KINDS.len())].to_string();
    let columns = 1 + bytes.below(4);
    let rows = bytes.below(13);
    let mut fields = Vec::new();
    let mut cells = Vec::new();
    for i in 0..columns {
        let ty = TYPES[bytes.below(TYPES.len())];
        // Names repeat now and then, as a careless `project` may leave them.
        let name = if bytes.below(6) == 0 {
            NAMES[bytes.below(NAMES.len())].to_string()
        } else {
            format!("c{i}")
        };
        fields.push(Field::new(name, ty));
        cells.push(column(&mut bytes, ty, rows));
    }
    let names: Vec<String> = fields.iter().map(|f| f.name.clone()).collect();
    let table = Table::new(Schema::new(fields), cells);
    let mut properties = Vec::new();
    for _ in 0..bytes.below(4) {
        let property = PROPERTIES[bytes.below(PROPERTIES.len())].to_string();
        let value = match bytes.below(6) {
            0 => names[bytes.below(names.len())].clone(),
            1 => names.join(","),
            2 => [
                "stacked",
                "stacked100",
                "unstacked",
                "default",
                "log",
                "linear",
                "hidden",
            ][bytes.below(7)]
            .to_string(),
            3 => bytes.real().to_string(),
            4 => ["true", "false", "panels", "none", "-1", "1e308"][bytes.below(6)].to_string(),
            _ => bytes.text(),
        };
        properties.push((property, value));
    }
    let vis = Visualization { kind, properties };
    let png = bytes.below(4) == 0;
    (table, vis, png)
}
