//! Filling the gaps of a series: with a constant, the previous value, the next value, or by
//! linear interpolation. A gap is a null element, or an element equal to the given
//! `missing_value_placeholder`.

use super::{array, integral, number, SeriesFn};
use serde_json::Value as J;

/// Which elements are gaps: nulls (and non-numbers), or those equal to `placeholder`.
fn gaps(items: &[J], placeholder: Option<f64>) -> Vec<Option<f64>> {
    items
        .iter()
        .map(|v| v.as_f64().filter(|x| Some(*x) != placeholder))
        .collect()
}

/// Forward fill: each gap takes the value before it; leading gaps stay.
pub fn forward(xs: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut last = None;
    xs.iter()
        .map(|x| {
            if x.is_some() {
                last = *x;
            }
            last
        })
        .collect()
}

/// Backward fill: each gap takes the value after it; trailing gaps stay.
pub fn backward(xs: &[Option<f64>]) -> Vec<Option<f64>> {
    let mut reversed: Vec<Option<f64>> = xs.iter().rev().copied().collect();
    reversed = forward(&reversed);
    reversed.reverse();
    reversed
}

/// Linear interpolation between the nearest values on either side; gaps at the ends take the
/// nearest value when `fill_edges`; an array of gaps only stays so.
pub fn linear(xs: &[Option<f64>], fill_edges: bool) -> Vec<Option<f64>> {
    let known: Vec<usize> = (0..xs.len()).filter(|&i| xs[i].is_some()).collect();
    let (Some(&first), Some(&last)) = (known.first(), known.last()) else {
        return xs.to_vec();
    };
    let mut out = xs.to_vec();
    for pair in known.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let (ya, yb) = (xs[a].unwrap_or_default(), xs[b].unwrap_or_default());
        for (i, slot) in out.iter_mut().enumerate().take(b).skip(a + 1) {
            *slot = Some(ya + (yb - ya) * (i - a) as f64 / (b - a) as f64);
        }
    }
    if fill_edges {
        out[..first].fill(xs[first]);
        out[last + 1..].fill(xs[last]);
    }
    out
}

/// A call's rows: `args[0]` the series, the rest as each function takes them.
pub fn fill(f: SeriesFn, args: &[&J]) -> J {
    let J::Array(items) = args[0] else {
        return J::Null;
    };
    let opt = |i: usize| args.get(i).copied().unwrap_or(&J::Null);
    let int = integral(args[0]);
    match f {
        // series_fill_const(series [, constant_value [, missing_value_placeholder]])
        SeriesFn::FillConst => {
            let constant = opt(1)
                .as_f64()
                .or(if args.len() > 1 { None } else { Some(0.0) });
            let xs = gaps(items, opt(2).as_f64());
            let filled: Vec<Option<f64>> = xs.iter().map(|x| x.or(constant)).collect();
            array(&filled, int && constant.is_none_or(|c| c.fract() == 0.0))
        }
        SeriesFn::FillForward => array(&forward(&gaps(items, opt(1).as_f64())), int),
        SeriesFn::FillBackward => array(&backward(&gaps(items, opt(1).as_f64())), int),
        // series_fill_linear(series [, missing_value_placeholder [, fill_edges [, constant_value]]])
        _ => {
            let fill_edges = opt(2).as_bool().unwrap_or(true);
            let xs = gaps(items, opt(1).as_f64());
            if xs.iter().all(Option::is_none) {
                // Nothing to interpolate from: constant_value as given (0.0 by default), the
                // docs' last row ([0.0, 0.0, 0.0, 0.0], [3.14159, …]).
                let constant = if args.len() > 3 {
                    opt(3).clone()
                } else {
                    number(0.0)
                };
                return J::Array(vec![constant; xs.len()]);
            }
            let filled = linear(&xs, fill_edges);
            // An integer series keeps integers: the docs' table cuts the interpolated values
            // toward zero (73.5 → 73, 32.667 → 32), as a .NET conversion to long does.
            let filled: Vec<Option<f64>> = if int {
                filled.iter().map(|x| x.map(f64::trunc)).collect()
            } else {
                filled
            };
            array(&filled, int)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::numbers;
    use super::*;
    use serde_json::json;

    #[test]
    fn linear_interpolates_and_fills_edges() {
        let x = json!([null, 111.0, null, 36.0, 41.0, null, null, 16.0, 61.0, 33.0, null, null]);
        let out = linear(&numbers(&x).unwrap(), true);
        assert!((out[5].unwrap() - 32.666_666).abs() < 1e-3);
        let ints = json!([null, 111, null, 36, 41, null, null, 16, 61, 33, null, null]);
        assert_eq!(
            fill(SeriesFn::FillLinear, &[&ints]),
            json!([111, 111, 73, 36, 41, 32, 24, 16, 61, 33, 33, 33])
        );
        let edges = fill(SeriesFn::FillLinear, &[&ints, &J::Null, &json!(false)]);
        assert_eq!(
            edges,
            json!([null, 111, 73, 36, 41, 32, 24, 16, 61, 33, null, null])
        );
        assert_eq!(
            fill(SeriesFn::FillLinear, &[&json!([null, null])]),
            json!([0.0, 0.0])
        );
    }

    #[test]
    fn const_forward_backward() {
        let x = json!([null, 1, null, 3, null]);
        assert_eq!(
            fill(SeriesFn::FillConst, &[&x, &json!(0)]),
            json!([0, 1, 0, 3, 0])
        );
        assert_eq!(
            fill(SeriesFn::FillForward, &[&x]),
            json!([null, 1, 1, 3, 3])
        );
        assert_eq!(
            fill(SeriesFn::FillBackward, &[&x]),
            json!([1, 1, 3, 3, null])
        );
        let placeholder = json!([-1, 2, -1]);
        assert_eq!(
            fill(SeriesFn::FillForward, &[&placeholder, &json!(-1)]),
            json!([null, 2, 2])
        );
    }
}
