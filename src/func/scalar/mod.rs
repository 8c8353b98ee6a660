//! Scalar functions: the registry `bind` consults (`lookup`: name + bound arguments → function
//! and result type) and `call`, the vectorised implementation `eval` runs. Each family lives in
//! its own module.

pub mod convert;
pub mod datetime;
pub mod datetime_format;
pub mod dynamic;
pub mod ip;
pub mod logic;
pub mod math;
pub mod pattern;
mod registry;
pub mod series;
pub mod string;
pub mod window;

pub use registry::{common_type, lookup, names};

use super::EvalContext;
use crate::error::{Error, ErrorKind};
use crate::eval::Datum;
use crate::table::{Column, Type};
use datetime::{Part, Period};

/// A resolved scalar function. Aliases (`iif`/`iff`, `todouble`/`toreal`, `pack`/`bag_pack`,
/// `parsejson`/`parse_json`/`todynamic`, …) resolve to one variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScalarFunc {
    // date and time
    Ago,
    Now,
    DatetimeAdd,
    DatetimeDiff,
    DatetimePart,
    /// `startofday` … `endofyear`: the period, and whether the end is asked for.
    StartEnd(Period, bool),
    DayOfWeek,
    /// `dayofmonth`, `hourofday`, `getyear`, `weekofyear`, …
    PartOf(Part),
    FormatDatetime,
    FormatTimespan,
    MakeDatetime,
    MakeTimespan,
    /// `unixtime_seconds_todatetime` etc.: ticks per unit (10^7 for seconds).
    FromUnixtime(i64),
    // numbers
    Bin,
    BinAt,
    Ceiling,
    Abs,
    Round,
    Sqrt,
    Pow,
    Log,
    Log10,
    Log2,
    Exp,
    Exp2,
    Exp10,
    Sign,
    Pi,
    IsNan,
    IsInf,
    IsFinite,
    MinOf,
    MaxOf,
    // conversions
    ToDatetime,
    ToTimespan,
    ToString,
    ToLong,
    ToInt,
    ToReal,
    ToBool,
    ToGuid,
    ToDynamic,
    GetType,
    ToHex,
    // logic and nulls
    Iff,
    Case,
    Coalesce,
    IsEmpty,
    IsNotEmpty,
    IsNull,
    IsNotNull,
    Not,
    // strings
    Strcat,
    StrcatDelim,
    Strlen,
    Substring,
    ToLower,
    ToUpper,
    Trim,
    TrimStart,
    TrimEnd,
    Split,
    ReplaceString,
    ReplaceRegex,
    /// The legacy `replace(regex, rewrite, text)` argument order.
    Replace,
    Extract,
    ExtractAll,
    IndexOf,
    CountOf,
    IndexOfRegex,
    FormatBytes,
    StrcatArray,
    Strrep,
    Reverse,
    UrlEncode,
    UrlEncodeComponent,
    UrlDecode,
    Base64Encode,
    Base64Decode,
    Hash,
    ParseCsv,
    ParseUrl,
    // dynamic
    ArrayLength,
    PackArray,
    BagPack,
    BagKeys,
    ArrayConcat,
    ArraySlice,
    SetHasElement,
    ArrayIndexOf,
    SetUnion,
    SetIntersect,
    SetDifference,
    /// `series_fit_line`, `series_fit_line_dynamic`: a bag of the fit's figures.
    SeriesFitLine,
    /// The other `series_*` functions (`crate::func::series`).
    Series(crate::func::series::SeriesFn),
    // IP addresses
    Ipv4IsPrivate,
    Ipv4IsInRange,
    Ipv4IsMatch,
    Ipv4Compare,
    ParseIpv4,
    ParseIpv4Mask,
    HasIpv4,
    HasIpv4Prefix,
    HasAnyIpv4,
    HasAnyIpv4Prefix,
    Ipv6Compare,
    Ipv6IsMatch,
    // window functions (over a serialized input, see `is_window`)
    RowNumber,
    Prev,
    Next,
    RowCumsum,
    RowWindowSession,
}

impl ScalarFunc {
    /// Whether the function reads other rows than the current one (`row_number()`, `prev()`,
    /// …): it needs the whole serialized input in one batch, and is never a constant even when
    /// its arguments are.
    pub fn is_window(self) -> bool {
        matches!(
            self,
            ScalarFunc::RowNumber
                | ScalarFunc::Prev
                | ScalarFunc::Next
                | ScalarFunc::RowCumsum
                | ScalarFunc::RowWindowSession
        )
    }
}

/// An error in a function's argument found while running (an unknown part name, a bad regex).
pub fn arg_error(message: impl Into<String>) -> Error {
    Error::new(ErrorKind::Runtime(message.into()))
}

/// The text of an argument that must be the same on every row (a period name, a part name).
pub fn fixed_text(arg: &Datum, func: &str, what: &str) -> Result<String, Error> {
    match arg.scalar() {
        Some(v) => Ok(convert::to_text(v)),
        None => Err(arg_error(format!("{func}: the {what} must be a constant"))),
    }
}

/// Run `func` over `len` rows of `args`, yielding a column of `ty` (the type `lookup` gave).
pub fn call(
    func: ScalarFunc,
    args: &[Datum],
    ty: Type,
    len: usize,
    ctx: &EvalContext,
) -> Result<Column, Error> {
    use ScalarFunc as F;
    let col = match func {
        F::Ago => datetime::ago(args, len, ctx),
        F::Now => datetime::now(args, len, ctx),
        F::DatetimeAdd => datetime::datetime_add(args, len)?,
        F::DatetimeDiff => datetime::datetime_diff(args, len)?,
        F::DatetimePart => datetime::datetime_part(args, len)?,
        F::StartEnd(period, end) => datetime::start_end(period, end, args, len),
        F::DayOfWeek => datetime::dayofweek(args, len),
        F::PartOf(part) => datetime::part_column(part, &args[0], len),
        F::FormatDatetime => datetime_format::format_column(args, len, false),
        F::FormatTimespan => datetime_format::format_column(args, len, true),
        F::MakeDatetime => datetime::make_datetime(args, len),
        F::MakeTimespan => datetime::make_timespan(args, len),
        F::FromUnixtime(per) => {
            let per = if per < 0 {
                -1.0 / per as f64
            } else {
                per as f64
            };
            datetime::from_unixtime(args, len, per)
        }
        F::Bin => math::bin(args, None, ty, len),
        F::BinAt => math::bin(&args[..2], Some(&args[2]), ty, len),
        F::Ceiling => math::ceiling(&args[0], ty, len),
        F::Abs => math::abs(&args[0], ty, len),
        F::Round => math::round(args, ty, len),
        F::Sqrt => math::unary_real(&args[0], len, f64::sqrt),
        F::Pow => math::pow(args, len),
        F::Log => math::unary_real(&args[0], len, f64::ln),
        F::Log10 => math::unary_real(&args[0], len, f64::log10),
        F::Log2 => math::unary_real(&args[0], len, f64::log2),
        F::Exp => math::unary_real(&args[0], len, f64::exp),
        F::Exp2 => math::unary_real(&args[0], len, f64::exp2),
        F::Exp10 => math::unary_real(&args[0], len, |x| 10f64.powf(x)),
        F::Sign => math::sign(&args[0], ty, len),
        F::Pi => Column::Real(vec![Some(std::f64::consts::PI); len]),
        F::IsNan => math::real_test(&args[0], len, f64::is_nan),
        F::IsInf => math::real_test(&args[0], len, f64::is_infinite),
        F::IsFinite => math::real_test(&args[0], len, f64::is_finite),
        F::MinOf => math::min_max_of(args, ty, len, std::cmp::Ordering::Less),
        F::MaxOf => math::min_max_of(args, ty, len, std::cmp::Ordering::Greater),
        F::ToDatetime => convert::to_datetime_column(&args[0], len),
        F::ToTimespan => convert::cast_column(args[0].column(len).into_owned(), Type::TimeSpan),
        F::ToString => convert::cast_column(args[0].column(len).into_owned(), Type::String),
        F::ToLong => logic::to_long(&args[0], len),
        F::ToInt => logic::to_int(&args[0], len),
        F::ToReal => convert::cast_column(args[0].column(len).into_owned(), Type::Real),
        F::ToBool => convert::cast_column(args[0].column(len).into_owned(), Type::Bool),
        F::ToGuid => convert::cast_column(args[0].column(len).into_owned(), Type::Guid),
        F::ToDynamic => dynamic::to_dynamic(&args[0], len),
        F::GetType => logic::gettype(&args[0], len),
        F::ToHex => math::tohex(args, len),
        F::Iff => logic::iff(args, ty, len),
        F::Case => logic::case(args, ty, len),
        F::Coalesce => logic::coalesce(args, ty, len),
        F::IsEmpty => logic::is_empty(&args[0], len, true),
        F::IsNotEmpty => logic::is_empty(&args[0], len, false),
        F::IsNull => logic::is_null(&args[0], len, true),
        F::IsNotNull => logic::is_null(&args[0], len, false),
        F::Not => logic::not(&args[0], len),
        F::Strcat => string::strcat(args, len),
        F::StrcatDelim => string::strcat_delim(args, len),
        F::Strlen => string::strlen(&args[0], len),
        F::Substring => string::substring(args, len),
        F::ToLower => string::map_text(&args[0], len, |s| s.to_lowercase()),
        F::ToUpper => string::map_text(&args[0], len, |s| s.to_uppercase()),
        F::Trim => pattern::trim(args, len, true, true)?,
        F::TrimStart => pattern::trim(args, len, true, false)?,
        F::TrimEnd => pattern::trim(args, len, false, true)?,
        F::Split => string::split(args, len),
        F::ReplaceString => string::replace_string(args, len),
        F::ReplaceRegex => pattern::replace_regex(&args[0], &args[1], &args[2], len)?,
        F::Replace => pattern::replace_regex(&args[2], &args[0], &args[1], len)?,
        F::Extract => pattern::extract(args, ty, len)?,
        F::ExtractAll => pattern::extract_all(args, len)?,
        F::IndexOf => string::indexof(args, len),
        F::CountOf => string::countof(args, len)?,
        F::IndexOfRegex => pattern::indexof_regex(args, len)?,
        F::FormatBytes => string::format_bytes(args, len),
        F::StrcatArray => string::strcat_array(args, len),
        F::SetUnion => dynamic::set_op(args, len, dynamic::SetOp::Union),
        F::SetIntersect => dynamic::set_op(args, len, dynamic::SetOp::Intersect),
        F::SetDifference => dynamic::set_op(args, len, dynamic::SetOp::Difference),
        F::SeriesFitLine => series::fit_line(&args[0], len),
        F::Series(f) => crate::func::series::call(f, args, len),
        F::Strrep => string::strrep(args, len),
        F::Reverse => string::map_text(&args[0], len, |s| s.chars().rev().collect()),
        F::UrlEncode => string::map_text(&args[0], len, |s| string::url_encode(s, "+")),
        F::UrlEncodeComponent => string::map_text(&args[0], len, |s| string::url_encode(s, "%20")),
        F::UrlDecode => string::map_text(&args[0], len, string::url_decode),
        F::Base64Encode => string::map_text(&args[0], len, |s| string::base64_encode(s.as_bytes())),
        F::Base64Decode => string::map_text(&args[0], len, string::base64_decode_text),
        F::Hash => string::hash(args, len),
        F::ParseCsv => string::parse_csv(&args[0], len),
        F::ParseUrl => string::parse_url(&args[0], len),
        F::ArrayLength => dynamic::array_length(&args[0], len),
        F::PackArray => dynamic::pack_array(args, len),
        F::BagPack => dynamic::bag_pack(args, len)?,
        F::BagKeys => dynamic::bag_keys(&args[0], len),
        F::ArrayConcat => dynamic::array_concat(args, len),
        F::ArraySlice => dynamic::array_slice(args, len),
        F::SetHasElement => dynamic::set_has_element(args, len),
        F::ArrayIndexOf => dynamic::array_index_of(args, len),
        F::Ipv4IsPrivate => ip::is_private(&args[0], len),
        F::Ipv4IsInRange => ip::is_in_range(args, len),
        F::Ipv4IsMatch => ip::v4_is_match(args, len),
        F::Ipv4Compare => ip::v4_compare(args, len),
        F::ParseIpv4 => ip::parse_ipv4_column(&args[0], len),
        F::ParseIpv4Mask => ip::parse_ipv4_mask(args, len),
        F::HasIpv4 => ip::has_ipv4(args, len, false),
        F::HasIpv4Prefix => ip::has_ipv4(args, len, true),
        F::HasAnyIpv4 => ip::has_any_ipv4(args, len, false),
        F::HasAnyIpv4Prefix => ip::has_any_ipv4(args, len, true),
        F::Ipv6Compare => ip::v6_compare(args, len),
        F::Ipv6IsMatch => ip::v6_is_match(args, len),
        F::RowNumber => window::row_number(args, len),
        F::Prev => window::shifted(args, len, ty, true),
        F::Next => window::shifted(args, len, ty, false),
        F::RowCumsum => window::row_cumsum(args, len, ty),
        F::RowWindowSession => window::row_window_session(args, len),
    };
    Ok(convert::cast_column(col, ty))
}
