//! The `series_*` functions over the numeric arrays `make-series` builds, as plain kernels over
//! `f64` slices: element-wise arithmetic and comparisons ([`elementwise`]), reductions
//! ([`reduce`]), statistics ([`stats`]), filling gaps ([`fill`]), FIR/IIR filters ([`filter`]),
//! Tukey-fence outliers ([`outliers`]), two-line fits ([`fit`]), periods ([`periods`]), Fourier
//! transforms, norms and polynomial fits ([`spectrum`]) and the decomposition into
//! seasonal, trend and residual parts with its anomalies and forecast ([`decompose`]). This module maps a call's rows (dynamic values) to
//! the kernels and back; the registry has one row per function pointing at a [`SeriesFn`].

pub mod decompose;
pub mod elementwise;
pub mod fill;
pub mod filter;
pub mod fit;
pub mod outliers;
pub mod periods;
pub mod reduce;
pub mod spectrum;
pub mod stats;

use crate::table::{Column, Type};
use crate::value::datum::Datum;
use elementwise::{Binary, Unary};
use serde_json::Value as J;

/// One `series_*` function (besides `series_fit_line`, which predates this module).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SeriesFn {
    Binary(Binary),
    Unary(Unary),
    Sum,
    Product,
    DotProduct,
    CosineSimilarity,
    PearsonCorrelation,
    Stats,
    StatsDynamic,
    FillConst,
    FillForward,
    FillBackward,
    FillLinear,
    Fir,
    Iir,
    Outliers,
    /// Output 0 baseline, 1 seasonal, 2 trend, 3 residual.
    Decompose(u8),
    /// Output 0 flags, 1 scores, 2 baseline.
    DecomposeAnomalies(u8),
    /// Output 0 baseline (the forecast), 1 seasonal, 2 trend, 3 residual.
    DecomposeForecast(u8),
    /// Output 0 periods, 1 scores.
    PeriodsDetect(u8),
    PeriodsValidate(u8),
    Seasonal,
    Fit2Lines,
    Fit2LinesDynamic,
    /// Output 0 real, 1 imaginary.
    Fft(u8),
    Ifft(u8),
    Magnitude,
    FitPoly,
}

impl SeriesFn {
    /// The function itself, whichever of its outputs `self` reads: a multi-output function
    /// (`extend (a, b) = series_decompose(x)`) has one registry row, under its first output.
    pub fn function(self) -> SeriesFn {
        match self {
            SeriesFn::Decompose(_) => SeriesFn::Decompose(0),
            SeriesFn::DecomposeAnomalies(_) => SeriesFn::DecomposeAnomalies(0),
            SeriesFn::DecomposeForecast(_) => SeriesFn::DecomposeForecast(0),
            SeriesFn::PeriodsDetect(_) => SeriesFn::PeriodsDetect(0),
            SeriesFn::PeriodsValidate(_) => SeriesFn::PeriodsValidate(0),
            SeriesFn::Fft(_) => SeriesFn::Fft(0),
            SeriesFn::Ifft(_) => SeriesFn::Ifft(0),
            other => other,
        }
    }

    /// The type of the call's result.
    pub fn result_type(self) -> Type {
        match self {
            SeriesFn::Sum
            | SeriesFn::Product
            | SeriesFn::DotProduct
            | SeriesFn::CosineSimilarity
            | SeriesFn::PearsonCorrelation
            | SeriesFn::Magnitude => Type::Real,
            _ => Type::Dynamic,
        }
    }
}

/// The columns `extend (a, b, …) = f(x)` names for a function that yields several, in order,
/// with their types.
pub fn tuple_fields(f: SeriesFn) -> Option<Vec<(&'static str, Type)>> {
    match f {
        SeriesFn::Stats => Some(
            stats::STATS_FIELDS
                .iter()
                .map(|&n| {
                    (
                        n,
                        if n.ends_with("_idx") {
                            Type::Long
                        } else {
                            Type::Real
                        },
                    )
                })
                .collect(),
        ),
        SeriesFn::Fit2Lines => Some(
            fit::FIT_2LINES_FIELDS
                .iter()
                .map(|&n| {
                    let ty = match n {
                        "split_idx" => Type::Long,
                        "line_fit" => Type::Dynamic,
                        _ => Type::Real,
                    };
                    (n, ty)
                })
                .collect(),
        ),
        SeriesFn::FitPoly => Some(
            spectrum::FIT_POLY_FIELDS
                .iter()
                .map(|&n| {
                    let ty = match n {
                        "coefficients" | "poly_fit" => Type::Dynamic,
                        _ => Type::Real,
                    };
                    (n, ty)
                })
                .collect(),
        ),
        _ => None,
    }
}

/// The names Kusto gives the outputs of a function that yields several arrays, in order (an
/// unnamed call's columns are `<function>_<argument>_<name>`).
pub fn output_names(f: SeriesFn) -> &'static [&'static str] {
    match f {
        SeriesFn::Decompose(_) | SeriesFn::DecomposeForecast(_) => {
            &["baseline", "seasonal", "trend", "residual"]
        }
        SeriesFn::DecomposeAnomalies(_) => &["ad_flag", "ad_score", "baseline"],
        SeriesFn::PeriodsDetect(_) | SeriesFn::PeriodsValidate(_) => &["periods", "scores"],
        SeriesFn::Fft(_) | SeriesFn::Ifft(_) => &["real", "imag"],
        _ => &[],
    }
}

/// For a function that yields several arrays, the call of each output (in Kusto's order) and
/// its type: `extend (flags, score, baseline) = series_decompose_anomalies(x)` binds one call per
/// name, and a single name gets the first output.
pub fn output_parts(f: SeriesFn) -> Option<Vec<SeriesFn>> {
    let count = match f {
        SeriesFn::Decompose(_) | SeriesFn::DecomposeForecast(_) => 4,
        SeriesFn::DecomposeAnomalies(_) => 3,
        SeriesFn::PeriodsDetect(_)
        | SeriesFn::PeriodsValidate(_)
        | SeriesFn::Fft(_)
        | SeriesFn::Ifft(_) => 2,
        _ => return None,
    };
    Some(
        (0..count)
            .map(|i| match f {
                SeriesFn::Decompose(_) => SeriesFn::Decompose(i),
                SeriesFn::DecomposeForecast(_) => SeriesFn::DecomposeForecast(i),
                SeriesFn::DecomposeAnomalies(_) => SeriesFn::DecomposeAnomalies(i),
                SeriesFn::PeriodsDetect(_) => SeriesFn::PeriodsDetect(i),
                SeriesFn::Fft(_) => SeriesFn::Fft(i),
                SeriesFn::Ifft(_) => SeriesFn::Ifft(i),
                _ => SeriesFn::PeriodsValidate(i),
            })
            .collect(),
    )
}

/// A dynamic value as a series: numbers as they are, anything else (null, text) missing.
/// `None` when the value is not an array.
pub fn numbers(value: &J) -> Option<Vec<Option<f64>>> {
    let J::Array(items) = value else {
        return None;
    };
    Some(items.iter().map(J::as_f64).collect())
}

/// Whether every element of an array value is an integer (or missing): such series keep
/// integer results where Kusto keeps them.
pub fn integral(value: &J) -> bool {
    match value {
        J::Array(items) => items
            .iter()
            .all(|v| !v.is_number() || v.is_i64() || v.is_u64()),
        J::Number(n) => n.is_i64() || n.is_u64(),
        _ => false,
    }
}

/// A number as JSON (null for NaN and the infinities, which JSON cannot hold).
pub fn number(x: f64) -> J {
    serde_json::Number::from_f64(x).map_or(J::Null, J::Number)
}

/// An optional number as JSON; an integer when `int` and the value is whole.
pub fn cell(x: Option<f64>, int: bool) -> J {
    match x {
        Some(v) if int && v.fract() == 0.0 && v.abs() < 9.0e15 => J::from(v as i64),
        Some(v) => number(v),
        None => J::Null,
    }
}

/// An array of optional numbers as JSON.
pub fn array(xs: &[Option<f64>], int: bool) -> J {
    J::Array(xs.iter().map(|&x| cell(x, int)).collect())
}

/// Run `f` over the call's rows.
pub fn call(f: SeriesFn, args: &[Datum], len: usize) -> Column {
    let views: Vec<_> = args.iter().map(Datum::dyns).collect();
    let row_args = |row: usize| -> Vec<&J> { views.iter().map(|v| v.get(row)).collect() };
    match f.result_type() {
        Type::Real => Column::Real(
            (0..len)
                .map(|row| {
                    let a = row_args(row);
                    match f {
                        SeriesFn::Sum => reduce::sum_of(a[0]),
                        SeriesFn::Product => reduce::product_of(a[0]),
                        SeriesFn::DotProduct => reduce::dot_of(a[0], a[1]),
                        SeriesFn::CosineSimilarity => reduce::cosine_of(&a),
                        SeriesFn::PearsonCorrelation => reduce::pearson_of(a[0], a[1]),
                        SeriesFn::Magnitude => spectrum::magnitude_of(a[0]),
                        _ => unreachable!("only reductions give a real"),
                    }
                })
                .collect(),
        ),
        _ => Column::Dynamic(
            (0..len)
                .map(|row| {
                    let a = row_args(row);
                    match f {
                        SeriesFn::Binary(op) => elementwise::binary(op, a[0], a[1]),
                        SeriesFn::Unary(op) => elementwise::unary(op, a[0]),
                        SeriesFn::Stats | SeriesFn::StatsDynamic => stats::stats_bag(
                            a[0],
                            a.get(1).is_some_and(|v| v.as_bool() == Some(true)),
                            f == SeriesFn::StatsDynamic,
                        ),
                        SeriesFn::FillConst
                        | SeriesFn::FillForward
                        | SeriesFn::FillBackward
                        | SeriesFn::FillLinear => fill::fill(f, &a),
                        SeriesFn::Fir => filter::fir_of(&a),
                        SeriesFn::Iir => filter::iir_of(&a),
                        SeriesFn::Outliers => outliers::outliers_of(&a),
                        SeriesFn::Decompose(i) => decompose::decompose_of(&a, i),
                        SeriesFn::DecomposeAnomalies(i) => decompose::anomalies_of(&a, i),
                        SeriesFn::DecomposeForecast(i) => decompose::forecast_of(&a, i),
                        SeriesFn::PeriodsDetect(i) => periods::detect_of(&a, i),
                        SeriesFn::PeriodsValidate(i) => periods::validate_of(&a, i),
                        SeriesFn::Seasonal => decompose::seasonal_of(&a),
                        SeriesFn::Fit2Lines | SeriesFn::Fit2LinesDynamic => fit::fit_2lines(a[0]),
                        SeriesFn::Fft(i) => spectrum::transform_of(&a, i, false),
                        SeriesFn::Ifft(i) => spectrum::transform_of(&a, i, true),
                        SeriesFn::FitPoly => spectrum::fit_poly_of(&a),
                        _ => unreachable!("reductions give a real"),
                    }
                })
                .collect(),
        ),
    }
}

/// Every `series_*` name this module implements, with its function and argument counts (the
/// scalar registry lists each one as a row delegating here).
pub const NAMES: &[(&str, SeriesFn, usize, usize)] = {
    use Binary as B;
    use SeriesFn as S;
    use Unary as U;
    &[
        ("series_add", S::Binary(B::Add), 2, 2),
        ("series_subtract", S::Binary(B::Subtract), 2, 2),
        ("series_multiply", S::Binary(B::Multiply), 2, 2),
        ("series_divide", S::Binary(B::Divide), 2, 2),
        ("series_pow", S::Binary(B::Pow), 2, 2),
        ("series_atan2", S::Binary(B::Atan2), 2, 2),
        ("series_greater", S::Binary(B::Greater), 2, 2),
        ("series_greater_equals", S::Binary(B::GreaterEquals), 2, 2),
        ("series_less", S::Binary(B::Less), 2, 2),
        ("series_less_equals", S::Binary(B::LessEquals), 2, 2),
        ("series_equals", S::Binary(B::Equals), 2, 2),
        ("series_not_equals", S::Binary(B::NotEquals), 2, 2),
        ("series_abs", S::Unary(U::Abs), 1, 1),
        ("series_sign", S::Unary(U::Sign), 1, 1),
        ("series_acos", S::Unary(U::Acos), 1, 1),
        ("series_asin", S::Unary(U::Asin), 1, 1),
        ("series_atan", S::Unary(U::Atan), 1, 1),
        ("series_cos", S::Unary(U::Cos), 1, 1),
        ("series_sin", S::Unary(U::Sin), 1, 1),
        ("series_tan", S::Unary(U::Tan), 1, 1),
        ("series_exp", S::Unary(U::Exp), 1, 1),
        ("series_log", S::Unary(U::Log), 1, 1),
        ("series_floor", S::Unary(U::Floor), 1, 1),
        ("series_ceiling", S::Unary(U::Ceiling), 1, 1),
        ("series_sum", S::Sum, 1, 1),
        ("series_product", S::Product, 1, 1),
        ("series_dot_product", S::DotProduct, 2, 2),
        ("series_cosine_similarity", S::CosineSimilarity, 2, 4),
        ("series_pearson_correlation", S::PearsonCorrelation, 2, 2),
        ("series_stats", S::Stats, 1, 2),
        ("series_stats_dynamic", S::StatsDynamic, 1, 2),
        ("series_fill_const", S::FillConst, 1, 3),
        ("series_fill_forward", S::FillForward, 1, 2),
        ("series_fill_backward", S::FillBackward, 1, 2),
        ("series_fill_linear", S::FillLinear, 1, 4),
        ("series_fir", S::Fir, 2, 4),
        ("series_iir", S::Iir, 3, 3),
        ("series_outliers", S::Outliers, 1, 5),
        ("series_decompose", S::Decompose(0), 1, 5),
        ("series_decompose_anomalies", S::DecomposeAnomalies(0), 1, 7),
        ("series_decompose_forecast", S::DecomposeForecast(0), 2, 5),
        ("series_periods_detect", S::PeriodsDetect(0), 4, 4),
        ("series_periods_validate", S::PeriodsValidate(0), 2, 64),
        ("series_seasonal", S::Seasonal, 1, 2),
        ("series_fit_2lines", S::Fit2Lines, 1, 1),
        ("series_fit_2lines_dynamic", S::Fit2LinesDynamic, 1, 1),
        ("series_fft", S::Fft(0), 1, 2),
        ("series_ifft", S::Ifft(0), 1, 2),
        ("series_magnitude", S::Magnitude, 1, 1),
        ("series_fit_poly", S::FitPoly, 1, 3),
    ]
};
