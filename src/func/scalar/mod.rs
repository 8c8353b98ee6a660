//! Scalar functions as data: each function is one `def::ScalarDef` row (names, arity, result-type
//! rule, kernel, output naming) in its family's module (`datetime`, `math`, `string`, …); the
//! registry lists the families and answers `lookup` (name + bound arguments → function and
//! result type) for `bind`; `call` runs a row's kernel for `eval`. `ScalarFunc` is the tag a
//! plan stores to find the row again.

pub mod array;
pub mod bag;
pub mod bitwise;
pub mod codec;
pub mod convert;
pub mod datetime;
pub mod datetime_format;
pub mod def;
pub mod digest;
pub mod distribution;
pub mod dynamic;
pub mod dynamic_shape;
pub mod geo_cell;
pub mod geo_densify;
pub mod geo_gnomonic;
pub mod geo_json;
pub mod geo_measure;
pub mod geo_overlay;
pub mod geo_simplify;
pub mod geo_sphere;
pub mod geo_vector;
pub mod geo_wkt;
pub mod hash;
pub mod ip;
pub mod ip_range;
pub mod logic;
pub mod math;
pub mod parse_text;
pub mod pattern;
pub mod punycode;
mod registry;
pub mod replace_strings;
pub mod row_pack;
pub mod series;
pub mod sketch;
pub mod special;
pub mod string;
pub mod text_edit;
pub mod timezone;
pub mod trig;
pub mod units;
pub mod user_agent;
pub mod window;
pub mod xml;

pub use registry::{common_type, lookup, names, naming};

use super::EvalContext;
use crate::error::{Error, ErrorKind};
use crate::table::{Column, Type};
use crate::value::datum::Datum;
use datetime::{Part, Period};

/// A resolved scalar function. Aliases (`iif`/`iff`, `todouble`/`toreal`, `pack`/`bag_pack`,
/// `parsejson`/`parse_json`/`todynamic`, …) resolve to one variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
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
    /// `datetime_utc_to_local`, `datetime_local_to_utc`, `datetime_list_timezones`.
    TimeZone(timezone::ZoneFn),
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
    /// `sin` … `atan2`, `cot`, `degrees`, `radians`.
    Trig(trig::TrigFn),
    /// `gamma`, `loggamma`, `erf`, `erfc`, `rand`, `new_guid`.
    Special(special::SpecialFn),
    /// `convert_angle` … `convert_volume`: a number between two units of one quantity.
    Units(units::Quantity),
    /// `beta_cdf`, `beta_pdf`, `beta_inv`, `welch_test`.
    Distribution(distribution::DistributionFn),
    /// `binary_and` … `bitset_count_ones`.
    Bitwise(bitwise::BitFn),
    /// `hash`, `hash_xxhash64`, `hash_sha256`, `hash_sha1`, `hash_md5`.
    Hashing(hash::HashFn),
    /// `percentile_tdigest`, `percentiles_array_tdigest`, `rank_tdigest`, `percentrank_tdigest`,
    /// `merge_tdigest` (scalar).
    Digest(digest::DigestFn),
    /// `dcount_hll`, `hll_merge` (scalar).
    Sketch(sketch::SketchFn),
    /// `parse_xml`.
    ParseXml,
    /// `parse_user_agent`.
    ParseUserAgent,
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
    Around,
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
    ParseCsv,
    ParseUrl,
    /// `replace_strings`: several literal replacements in one pass.
    ReplaceStrings,
    /// `dynamic_to_json`, `treepath`.
    DynamicShape(dynamic_shape::ShapeFn),
    /// `translate`, `regex_quote`, `repeat`, `strcmp`, … (`text_edit`).
    TextEdit(text_edit::TextFn),
    /// base64 of guids and byte arrays, gzip/zlib, code points (`codec`).
    Codec(codec::CodecFn),
    /// `punycode_from_string`, `punycode_to_string` and their `_domain_` forms.
    Punycode(punycode::PunycodeFn),
    /// `parse_path`, `parse_urlquery`, `parse_command_line` (`parse_text`).
    ParseText(parse_text::ParseFn),
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
    /// `array_reverse`, `array_sort_asc`, `zip`, `range`, … (`array`).
    Array(array::ArrayFn),
    /// `bag_has_key`, `bag_merge`, `bag_remove_keys`, `bag_set_key`, `bag_zip` (`bag`).
    Bag(bag::BagFn),
    /// `series_fit_line`, `series_fit_line_dynamic`: a bag of the fit's figures.
    SeriesFitLine,
    /// The other `series_*` functions (`crate::func::series`).
    Series(crate::func::series::SeriesFn),
    /// `pack_all`, `bag_pack_columns`: a flag, then name/value pairs (`row_pack`).
    PackColumns,
    /// `estimate_data_size`: the bytes of the values given.
    EstimateDataSize,
    /// `assert(condition, message)`.
    Assert,
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
    /// `geo_distance_2points`, `geo_point_in_polygon`, `geo_polygon_area`, … (`geo_measure`).
    Geo(geo_measure::GeoFn),
    /// geohash, H3 and S2 cells: `geo_point_to_h3cell`, `geo_s2cell_to_polygon`, … (`geo_cell`).
    GeoCell(geo_cell::CellFn),
    /// `geo_intersects_*`, `geo_intersection_*`, `geo_union_*_array` (`geo_overlay`).
    GeoOverlay(geo_overlay::OverlayFn),
    /// `geo_line_densify`, `geo_polygon_densify` (`geo_densify`).
    GeoDensify(geo_densify::DensifyFn),
    /// `geo_line_simplify`, `geo_polygon_simplify` (`geo_simplify`).
    GeoSimplify(geo_simplify::SimplifyFn),
    /// `geo_from_wkt` (`geo_wkt`).
    GeoFromWkt,
    /// `ipv4_is_in_any_range`, `format_ipv4`, `parse_ipv6`, … (`ip_range`).
    IpRange(ip_range::IpRangeFn),
    // window functions (over a serialized input, see `is_window`)
    RowNumber,
    Prev,
    Next,
    RowCumsum,
    RowWindowSession,
    RowRankDense,
    RowRankMin,
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
                | ScalarFunc::RowRankDense
                | ScalarFunc::RowRankMin
        )
    }

    /// Whether the function gives a new value on every call (`rand()`, `new_guid()`): like a
    /// window function it is never folded to a constant, but it needs no serialized input.
    pub fn is_volatile(self) -> bool {
        matches!(
            self,
            ScalarFunc::Special(special::SpecialFn::Rand | special::SpecialFn::NewGuid)
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

/// A datum's values, one `Value` per row, for kernels that need each value's own type
/// (hashing a value's bytes, reading an IP address given as text or as a number).
pub fn row_values(x: &Datum, len: usize) -> crate::value::datum::Arr<'static, crate::table::Value> {
    match x {
        Datum::Scalar(v, _) => crate::value::datum::Arr::One(v.clone()),
        Datum::Column(c) => crate::value::datum::Arr::Owned((0..len).map(|i| c.get(i)).collect()),
    }
}

/// Run `func` over `len` rows of `args`, yielding a column of `ty` (the type `lookup` gave). A
/// kernel that returns another type is a bug the binder and the kernel disagree on: debug builds
/// stop on it rather than convert silently.
pub fn call(
    func: ScalarFunc,
    args: &[Datum],
    ty: Type,
    len: usize,
    ctx: &EvalContext,
) -> Result<Column, Error> {
    let col = (registry::definition(func).run)(func, args, ty, len, ctx)?;
    debug_assert_eq!(
        col.ty(),
        ty,
        "{func:?} returned a {} column where the binder promised {ty}",
        col.ty()
    );
    Ok(col)
}
