//! Probability distributions: `beta_cdf`, `beta_pdf`, `beta_inv` (the beta distribution's
//! cumulative function, density and quantile) and `welch_test` (the two-sided p-value of Welch's
//! unequal-variances t-test, from two samples' means, variances and counts). The special
//! functions come from `statrs`; this module holds Kusto's rules for arguments out of range:
//! null in gives null, and a value or shape outside the distribution's domain gives NaN (or null
//! where the doc pages' examples print an empty cell).

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Column;
use crate::table::Type as T;
use crate::value::datum::Datum;
use statrs::distribution::{Beta, ContinuousCDF, StudentsT};

/// Which function a `ScalarFunc::Distribution` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DistributionFn {
    BetaCdf,
    BetaPdf,
    BetaInv,
    WelchTest,
}

/// The beta distribution of shapes `alpha` and `beta`; `None` when a shape is not positive.
fn beta(alpha: f64, beta: f64) -> Option<Beta> {
    Beta::new(alpha, beta).ok()
}

/// `beta_cdf(x, alpha, beta)`: NaN for `x` outside [0, 1] and for a shape outside (0, 10000].
pub fn beta_cdf(x: f64, a: f64, b: f64) -> f64 {
    let shape_ok = |s: f64| s > 0.0 && s <= 10_000.0;
    if !(0.0..=1.0).contains(&x) || !shape_ok(a) || !shape_ok(b) {
        return f64::NAN;
    }
    beta(a, b).map_or(f64::NAN, |d| d.cdf(x))
}

/// `beta_pdf(x, alpha, beta)`: NaN for `x` outside (0, 1) and for a shape that is not positive.
pub fn beta_pdf(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 || x >= 1.0 {
        return f64::NAN;
    }
    if a <= 0.0 || b <= 0.0 {
        return f64::NAN;
    }
    // With the C library's gamma function where it does not overflow (a few ulps from the exact
    // value, closer than statrs' density), else in logs.
    if a + b < 170.0 {
        let beta_fn = libm::tgamma(a) * libm::tgamma(b) / libm::tgamma(a + b);
        return x.powf(a - 1.0) * (1.0 - x).powf(b - 1.0) / beta_fn;
    }
    let ln_beta = libm::lgamma(a) + libm::lgamma(b) - libm::lgamma(a + b);
    ((a - 1.0) * x.ln() + (b - 1.0) * (1.0 - x).ln() - ln_beta).exp()
}

/// `beta_inv(p, alpha, beta)`: the `x` whose `beta_cdf` is `p`. As the doc page's example
/// prints, a probability outside (0, 1] gives null and a shape that is not positive NaN.
pub fn beta_inv(p: f64, a: f64, b: f64) -> Option<f64> {
    if p.is_nan() || p <= 0.0 || p > 1.0 {
        return None;
    }
    let Some(d) = beta(a, b) else {
        return Some(f64::NAN);
    };
    // statrs' quantile, polished by Newton steps on the cumulative function.
    let mut x = d.inverse_cdf(p);
    for _ in 0..3 {
        let density = beta_pdf(x, a, b);
        if !density.is_finite() || density <= 0.0 {
            break;
        }
        let next = x - (d.cdf(x) - p) / density;
        if !(0.0..=1.0).contains(&next) {
            break;
        }
        x = next;
    }
    Some(x)
}

/// `welch_test(mean1, variance1, count1, mean2, variance2, count2)`: the two-sided p-value of
/// the t statistic, with the Welch–Satterthwaite degrees of freedom. NaN when a count is not
/// above one or both standard errors are zero.
pub fn welch_test(m1: f64, v1: f64, n1: f64, m2: f64, v2: f64, n2: f64) -> f64 {
    if n1 <= 1.0 || n2 <= 1.0 || v1 < 0.0 || v2 < 0.0 {
        return f64::NAN;
    }
    let (e1, e2) = (v1 / n1, v2 / n2);
    let se2 = e1 + e2;
    if se2 <= 0.0 {
        return f64::NAN;
    }
    let t = (m1 - m2) / se2.sqrt();
    let df = se2 * se2 / (e1 * e1 / (n1 - 1.0) + e2 * e2 / (n2 - 1.0));
    match StudentsT::new(0.0, 1.0, df) {
        Ok(d) => 2.0 * d.sf(t.abs()),
        Err(_) => f64::NAN,
    }
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::Distribution(f) = func else {
        unreachable!("a distribution row holds a Distribution tag")
    };
    let views: Vec<_> = args.iter().map(Datum::reals).collect();
    let row = |i: usize| -> Option<Vec<f64>> { views.iter().map(|v| *v.get(i)).collect() };
    Ok(Column::Real(
        (0..len)
            .map(|i| {
                let x = row(i)?;
                match f {
                    DistributionFn::BetaCdf => Some(beta_cdf(x[0], x[1], x[2])),
                    DistributionFn::BetaPdf => Some(beta_pdf(x[0], x[1], x[2])),
                    DistributionFn::BetaInv => beta_inv(x[0], x[1], x[2]),
                    DistributionFn::WelchTest => {
                        Some(welch_test(x[0], x[1], x[2], x[3], x[4], x[5]))
                    }
                }
            })
            .collect(),
    ))
}

const fn row(f: DistributionFn, names: &'static [&'static str]) -> ScalarDef {
    let n = if matches!(f, DistributionFn::WelchTest) {
        6
    } else {
        3
    };
    ScalarDef {
        func: ScalarFunc::Distribution(f),
        names,
        arity: (n, n),
        result: Fixed(T::Real),
        run,
        naming: Naming::Positional,
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(DistributionFn::BetaCdf, &["beta_cdf"]),
    row(DistributionFn::BetaPdf, &["beta_pdf"]),
    row(DistributionFn::BetaInv, &["beta_inv"]),
    row(DistributionFn::WelchTest, &["welch_test"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, tolerance: f64) {
        assert!((got - want).abs() <= tolerance, "{got} vs {want}");
    }

    #[test]
    fn beta_functions_match_the_docs() {
        // The examples of the beta_cdf, beta_pdf and beta_inv pages.
        close(beta_cdf(0.9, 10.0, 20.0), 0.999_999_999_999_959, 1e-14);
        assert!(beta_cdf(1.5, 10.0, 20.0).is_nan());
        assert!(beta_cdf(-10.0, 10.0, 20.0).is_nan());
        assert!(beta_cdf(0.1, -1.0, 20.0).is_nan());
        assert!(beta_cdf(0.1, 10_001.0, 20.0).is_nan());
        close(beta_pdf(0.5, 10.0, 20.0), 0.746_176_019_310_951, 1e-12);
        assert!(beta_pdf(1.0, 10.0, 20.0).is_nan());
        assert!(beta_pdf(0.1, -1.0, 20.0).is_nan());
        close(
            beta_inv(0.1, 10.0, 20.0).unwrap(),
            0.226_415_022_388_749,
            1e-12,
        );
        assert_eq!(beta_inv(1.5, 10.0, 20.0), None);
        assert!(beta_inv(0.1, -1.0, 20.0).unwrap().is_nan());
        // The inverse undoes the cumulative function.
        let x = beta_inv(beta_cdf(0.3, 2.0, 5.0), 2.0, 5.0).unwrap();
        close(x, 0.3, 1e-9);
    }

    #[test]
    fn welch_test_matches_wikipedia() {
        // The welch_test page's example (Wikipedia's third pair of samples): p = 0.021.
        let s1 = [
            27.5, 21.0, 19.0, 23.6, 17.0, 17.9, 16.9, 20.1, 21.9, 22.6, 23.1, 19.6, 19.0, 21.7,
            21.4,
        ];
        let s2 = [
            27.1, 22.0, 20.8, 23.4, 23.4, 23.5, 25.8, 22.0, 24.8, 20.2, 21.9, 22.1, 22.9, 20.5,
            24.4,
        ];
        let stats = |s: &[f64]| {
            let n = s.len() as f64;
            let m = s.iter().sum::<f64>() / n;
            let v = s.iter().map(|x| (x - m).powi(2)).sum::<f64>() / (n - 1.0);
            (m, v, n)
        };
        let ((m1, v1, n1), (m2, v2, n2)) = (stats(&s1), stats(&s2));
        close(welch_test(m1, v1, n1, m2, v2, n2), 0.021, 5e-4);
        assert!(welch_test(1.0, 0.0, 5.0, 2.0, 0.0, 5.0).is_nan());
        assert!(welch_test(1.0, 1.0, 1.0, 2.0, 1.0, 5.0).is_nan());
    }
}
