//! Date and time functions: calendar arithmetic (`datetime_add`, `datetime_diff`,
//! `startofweek`, …), parts (`datetime_part`, `dayofweek`, `weekofyear`), formatting
//! (`format_datetime`, `format_timespan`) and construction (`make_datetime`,
//! `unixtime_*_todatetime`). Datetimes are Unix ticks; the civil calendar is proleptic Gregorian.

use super::convert::{days_in_month, real_to_long};
use super::{arg_error, fixed_text};
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::{Column, TICKS_PER_DAY, TICKS_PER_SECOND};
use crate::value::datum::{map1, map2, map3, Datum};

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::ScalarFunc as F;
use crate::table::Type as T;
pub use crate::table::EPOCH_TICKS;
const TICKS_PER_HOUR: i64 = 3600 * TICKS_PER_SECOND;
const TICKS_PER_MINUTE: i64 = 60 * TICKS_PER_SECOND;

/// Days since 1970-01-01 of a civil date (Howard Hinnant's algorithm).
pub fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = i64::from(m);
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// The civil date of a day number (inverse of `days_from_civil`).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

/// The broken-down parts of a datetime.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Parts {
    pub year: i64,
    pub month: u32,
    pub day: u32,
    pub hour: i64,
    pub minute: i64,
    pub second: i64,
    /// Ticks within the second.
    pub fraction: i64,
    /// Days since 1970-01-01.
    pub days: i64,
}

pub fn parts(t: i64) -> Parts {
    let days = t.div_euclid(TICKS_PER_DAY);
    let rest = t.rem_euclid(TICKS_PER_DAY);
    let (year, month, day) = civil_from_days(days);
    Parts {
        year,
        month,
        day,
        hour: rest / TICKS_PER_HOUR,
        minute: rest / TICKS_PER_MINUTE % 60,
        second: rest / TICKS_PER_SECOND % 60,
        fraction: rest % TICKS_PER_SECOND,
        days,
    }
}

/// 0 = Sunday … 6 = Saturday.
pub fn weekday(days: i64) -> i64 {
    (days + 4).rem_euclid(7)
}

/// Day of the year, 1-based.
fn day_of_year(p: &Parts) -> i64 {
    p.days - days_from_civil(p.year, 1, 1) + 1
}

/// ISO 8601 week number: weeks start on Monday; week 1 holds the year's first Thursday.
pub fn iso_week(t: i64) -> i64 {
    let p = parts(t);
    let iso_wd = (p.days + 3).rem_euclid(7) + 1; // Monday = 1
    let week = (day_of_year(&p) - iso_wd + 10) / 7;
    if week < 1 {
        iso_weeks_in_year(p.year - 1)
    } else if week > iso_weeks_in_year(p.year) {
        1
    } else {
        week
    }
}

fn iso_weeks_in_year(y: i64) -> i64 {
    let jan1 = weekday(days_from_civil(y, 1, 1));
    let leap = super::convert::is_leap(y);
    if jan1 == 4 || (leap && jan1 == 3) {
        53
    } else {
        52
    }
}

/// `t` moved by `months` calendar months, the day clamped to the target month's length.
pub fn add_months(t: i64, months: i64) -> Option<i64> {
    let p = parts(t);
    let total = p.year * 12 + i64::from(p.month) - 1 + months;
    let (y, m) = (total.div_euclid(12), (total.rem_euclid(12) + 1) as u32);
    if !(1..=9999).contains(&y) {
        return None;
    }
    let d = p.day.min(days_in_month(y, m));
    Some(days_from_civil(y, m, d) * TICKS_PER_DAY + t.rem_euclid(TICKS_PER_DAY))
}

/// The calendar units `startof*`/`endof*` round to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Period {
    Day,
    Week,
    Month,
    Year,
}

/// Start of the period holding `t`, moved by `offset` periods.
pub fn start_of(period: Period, t: i64, offset: i64) -> Option<i64> {
    let p = parts(t);
    let day_start = p.days * TICKS_PER_DAY;
    Some(match period {
        Period::Day => day_start + offset * TICKS_PER_DAY,
        Period::Week => (p.days - weekday(p.days) + 7 * offset) * TICKS_PER_DAY,
        Period::Month => add_months(days_from_civil(p.year, p.month, 1) * TICKS_PER_DAY, offset)?,
        Period::Year => {
            let y = p.year + offset;
            if !(1..=9999).contains(&y) {
                return None;
            }
            days_from_civil(y, 1, 1) * TICKS_PER_DAY
        }
    })
}

/// `startofday(t [, offset])` and friends; `end` gives the last tick of the period instead.
pub fn start_end(period: Period, end: bool, args: &[Datum], len: usize) -> Column {
    let t = args[0].ticks();
    let offset = args
        .get(1)
        .map_or(crate::value::datum::Arr::One(Some(0)), Datum::longs);
    Column::DateTime(map2(len, &t, &offset, |t, off| {
        let (t, off) = ((*t)?, (*off)?);
        if end {
            start_of(period, t, off + 1).map(|x| x - 1)
        } else {
            start_of(period, t, off)
        }
    }))
}

/// `dayofweek`, `dayofmonth`, … : one part of each datetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Part {
    Year,
    Quarter,
    Month,
    WeekOfYear,
    Day,
    DayOfYear,
    Hour,
    Minute,
    Second,
    Millisecond,
    Microsecond,
    Nanosecond,
}

impl Part {
    /// `datetime_part`'s part names (any case).
    pub fn from_name(name: &str) -> Option<Part> {
        Some(match name.to_ascii_lowercase().as_str() {
            "year" => Part::Year,
            "quarter" => Part::Quarter,
            "month" => Part::Month,
            "week_of_year" | "weekofyear" | "week" => Part::WeekOfYear,
            "day" => Part::Day,
            "dayofyear" | "day_of_year" => Part::DayOfYear,
            "hour" => Part::Hour,
            "minute" => Part::Minute,
            "second" => Part::Second,
            "millisecond" => Part::Millisecond,
            "microsecond" => Part::Microsecond,
            "nanosecond" => Part::Nanosecond,
            _ => return None,
        })
    }

    pub fn of(self, t: i64) -> i64 {
        let p = parts(t);
        match self {
            Part::Year => p.year,
            Part::Quarter => (i64::from(p.month) - 1) / 3 + 1,
            Part::Month => i64::from(p.month),
            Part::WeekOfYear => iso_week(t),
            Part::Day => i64::from(p.day),
            Part::DayOfYear => day_of_year(&p),
            Part::Hour => p.hour,
            Part::Minute => p.minute,
            Part::Second => p.second,
            Part::Millisecond => p.fraction / 10_000,
            Part::Microsecond => p.fraction / 10,
            Part::Nanosecond => p.fraction * 100,
        }
    }
}

/// One part of every datetime of `arg`, as int.
pub fn part_column(part: Part, arg: &Datum, len: usize) -> Column {
    let t = arg.ticks();
    Column::Int(map1(len, &t, |t| t.map(|t| part.of(t) as i32)))
}

/// `datetime_part(part, dt)`.
pub fn datetime_part(args: &[Datum], len: usize) -> Result<Column, Error> {
    let name = fixed_text(&args[0], "datetime_part", "part")?;
    let part = Part::from_name(&name)
        .ok_or_else(|| arg_error(format!("unknown datetime part `{name}`")))?;
    Ok(part_column(part, &args[1], len))
}

/// `dayofweek(dt)`: days since the last Sunday, as a timespan.
pub fn dayofweek(args: &[Datum], len: usize) -> Column {
    let t = args[0].ticks();
    Column::TimeSpan(map1(len, &t, |t| {
        t.map(|t| weekday(t.div_euclid(TICKS_PER_DAY)) * TICKS_PER_DAY)
    }))
}

/// The units of `datetime_add`/`datetime_diff`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unit {
    Year,
    Quarter,
    Month,
    Week,
    Day,
    Hour,
    Minute,
    Second,
    Millisecond,
    Microsecond,
    Nanosecond,
}

impl Unit {
    fn from_name(name: &str) -> Option<Unit> {
        Some(match name.to_ascii_lowercase().as_str() {
            "year" | "years" => Unit::Year,
            "quarter" | "quarters" => Unit::Quarter,
            "month" | "months" => Unit::Month,
            "week" | "weeks" => Unit::Week,
            "day" | "days" => Unit::Day,
            "hour" | "hours" => Unit::Hour,
            "minute" | "minutes" => Unit::Minute,
            "second" | "seconds" => Unit::Second,
            "millisecond" | "milliseconds" => Unit::Millisecond,
            "microsecond" | "microseconds" => Unit::Microsecond,
            "nanosecond" | "nanoseconds" => Unit::Nanosecond,
            _ => return None,
        })
    }

    /// Ticks per unit, for the fixed-length units.
    fn ticks(self) -> Option<i64> {
        Some(match self {
            Unit::Week => 7 * TICKS_PER_DAY,
            Unit::Day => TICKS_PER_DAY,
            Unit::Hour => TICKS_PER_HOUR,
            Unit::Minute => TICKS_PER_MINUTE,
            Unit::Second => TICKS_PER_SECOND,
            Unit::Millisecond => 10_000,
            Unit::Microsecond => 10,
            _ => return None,
        })
    }
}

fn unit_arg(arg: &Datum, func: &str) -> Result<Unit, Error> {
    let name = fixed_text(arg, func, "period")?;
    Unit::from_name(&name).ok_or_else(|| arg_error(format!("{func}: unknown period `{name}`")))
}

/// `datetime_add(period, amount, dt)`.
pub fn datetime_add(args: &[Datum], len: usize) -> Result<Column, Error> {
    let unit = unit_arg(&args[0], "datetime_add")?;
    let amount = args[1].longs();
    let t = args[2].ticks();
    Ok(Column::DateTime(map2(len, &amount, &t, |n, t| {
        let (n, t) = ((*n)?, (*t)?);
        match unit {
            Unit::Year => add_months(t, n.checked_mul(12)?),
            Unit::Quarter => add_months(t, n.checked_mul(3)?),
            Unit::Month => add_months(t, n),
            Unit::Nanosecond => Some(t + n / 100),
            u => t.checked_add(n.checked_mul(u.ticks()?)?),
        }
    })))
}

/// `datetime_diff(period, dt1, dt2)`: how many period boundaries lie between `dt2` and `dt1`
/// (calendar units compare the truncated dates).
pub fn datetime_diff(args: &[Datum], len: usize) -> Result<Column, Error> {
    let unit = unit_arg(&args[0], "datetime_diff")?;
    let a = args[1].ticks();
    let b = args[2].ticks();
    Ok(Column::Long(map2(len, &a, &b, |a, b| {
        let (a, b) = ((*a)?, (*b)?);
        let (pa, pb) = (parts(a), parts(b));
        Some(match unit {
            Unit::Year => pa.year - pb.year,
            Unit::Quarter => {
                let q = |p: &Parts| p.year * 4 + (i64::from(p.month) - 1) / 3;
                q(&pa) - q(&pb)
            }
            Unit::Month => {
                (pa.year * 12 + i64::from(pa.month)) - (pb.year * 12 + i64::from(pb.month))
            }
            Unit::Week => {
                let wa = start_of(Period::Week, a, 0)?;
                let wb = start_of(Period::Week, b, 0)?;
                (wa - wb) / (7 * TICKS_PER_DAY)
            }
            Unit::Nanosecond => (a - b).checked_mul(100)?,
            u => {
                let per = u.ticks()?;
                a.div_euclid(per) - b.div_euclid(per)
            }
        })
    })))
}

/// `ago(ts)` and `now([offset])`.
pub fn ago(args: &[Datum], len: usize, ctx: &EvalContext) -> Column {
    let ts = args[0].timespans();
    Column::DateTime(map1(len, &ts, |ts| ts.map(|ts| ctx.now - ts)))
}

pub fn now(args: &[Datum], len: usize, ctx: &EvalContext) -> Column {
    match args.first() {
        None => Column::DateTime(vec![Some(ctx.now); len]),
        Some(offset) => {
            let ts = offset.timespans();
            Column::DateTime(map1(len, &ts, |ts| ts.map(|ts| ctx.now + ts)))
        }
    }
}

/// `make_datetime(year, month, day [, hour, minute, second])`; seconds may have a fraction.
pub fn make_datetime(args: &[Datum], len: usize) -> Column {
    let y = args[0].longs();
    let mo = args[1].longs();
    let d = args[2].longs();
    let h = args
        .get(3)
        .map_or(crate::value::datum::Arr::One(Some(0)), Datum::longs);
    let mi = args
        .get(4)
        .map_or(crate::value::datum::Arr::One(Some(0)), Datum::longs);
    let s = args
        .get(5)
        .map_or(crate::value::datum::Arr::One(Some(0.0)), Datum::reals);
    let date = map3(len, &y, &mo, &d, |y, mo, d| {
        let (y, mo, d) = ((*y)?, (*mo)?, (*d)?);
        if !(1..=9999).contains(&y) || !(1..=12).contains(&mo) {
            return None;
        }
        let mo = mo as u32;
        if d < 1 || d > i64::from(days_in_month(y, mo)) {
            return None;
        }
        Some(days_from_civil(y, mo, d as u32) * TICKS_PER_DAY)
    });
    let date = crate::value::datum::Arr::Owned(date);
    let clock = map3(len, &h, &mi, &s, |h, mi, s| {
        let (h, mi, s) = ((*h)?, (*mi)?, (*s)?);
        if !(0..24).contains(&h) || !(0..60).contains(&mi) || !(0.0..60.0).contains(&s) {
            return None;
        }
        Some((h * 3600 + mi * 60) * TICKS_PER_SECOND + (s * TICKS_PER_SECOND as f64).round() as i64)
    });
    let clock = crate::value::datum::Arr::Owned(clock);
    Column::DateTime(map2(len, &date, &clock, |d, c| Some((*d)? + (*c)?)))
}

/// `make_timespan(hour, minute)`, `(hour, minute, second)` or `(day, hour, minute, second)`.
pub fn make_timespan(args: &[Datum], len: usize) -> Column {
    let cols: Vec<_> = args.iter().map(Datum::reals).collect();
    let units: &[i64] = match args.len() {
        2 => &[TICKS_PER_HOUR, TICKS_PER_MINUTE],
        3 => &[TICKS_PER_HOUR, TICKS_PER_MINUTE, TICKS_PER_SECOND],
        _ => &[
            TICKS_PER_DAY,
            TICKS_PER_HOUR,
            TICKS_PER_MINUTE,
            TICKS_PER_SECOND,
        ],
    };
    Column::TimeSpan(
        (0..len)
            .map(|i| {
                let mut total = 0.0;
                for (c, unit) in cols.iter().zip(units) {
                    total += (*c.get(i))? * *unit as f64;
                }
                real_to_long(total.round())
            })
            .collect(),
    )
}

/// `unixtime_*_todatetime(n)`: `ticks_per_unit` is 10^7 for seconds, 10^4 for milliseconds, …
pub fn from_unixtime(args: &[Datum], len: usize, ticks_per_unit: f64) -> Column {
    let n = args[0].reals();
    Column::DateTime(map1(len, &n, |n| {
        real_to_long((n.as_ref()? * ticks_per_unit).round())
    }))
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    ScalarDef {
        func: F::Ago,
        names: &["ago"],
        arity: (1, 1),
        result: Fixed(T::DateTime),
        run: |_, args, _ty, len, ctx| Ok(ago(args, len, ctx)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::Now,
        names: &["now"],
        arity: (0, 1),
        result: Fixed(T::DateTime),
        run: |_, args, _ty, len, ctx| Ok(now(args, len, ctx)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::DatetimeAdd,
        names: &["datetime_add"],
        arity: (3, 3),
        result: Fixed(T::DateTime),
        run: |_, args, _ty, len, _ctx| datetime_add(args, len),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::DatetimeDiff,
        names: &["datetime_diff"],
        arity: (3, 3),
        result: Fixed(T::Long),
        run: |_, args, _ty, len, _ctx| datetime_diff(args, len),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::DatetimePart,
        names: &["datetime_part"],
        arity: (2, 2),
        result: Fixed(T::Int),
        run: |_, args, _ty, len, _ctx| datetime_part(args, len),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::StartEnd(Period::Day, false),
        names: &["startofday"],
        arity: (1, 2),
        result: Fixed(T::DateTime),
        run: |_, args, _ty, len, _ctx| Ok(start_end(Period::Day, false, args, len)),
        naming: Naming::First,
    },
    ScalarDef {
        func: F::StartEnd(Period::Week, false),
        names: &["startofweek"],
        arity: (1, 2),
        result: Fixed(T::DateTime),
        run: |_, args, _ty, len, _ctx| Ok(start_end(Period::Week, false, args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::StartEnd(Period::Month, false),
        names: &["startofmonth"],
        arity: (1, 2),
        result: Fixed(T::DateTime),
        run: |_, args, _ty, len, _ctx| Ok(start_end(Period::Month, false, args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::StartEnd(Period::Year, false),
        names: &["startofyear"],
        arity: (1, 2),
        result: Fixed(T::DateTime),
        run: |_, args, _ty, len, _ctx| Ok(start_end(Period::Year, false, args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::StartEnd(Period::Day, true),
        names: &["endofday"],
        arity: (1, 2),
        result: Fixed(T::DateTime),
        run: |_, args, _ty, len, _ctx| Ok(start_end(Period::Day, true, args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::StartEnd(Period::Week, true),
        names: &["endofweek"],
        arity: (1, 2),
        result: Fixed(T::DateTime),
        run: |_, args, _ty, len, _ctx| Ok(start_end(Period::Week, true, args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::StartEnd(Period::Month, true),
        names: &["endofmonth"],
        arity: (1, 2),
        result: Fixed(T::DateTime),
        run: |_, args, _ty, len, _ctx| Ok(start_end(Period::Month, true, args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::StartEnd(Period::Year, true),
        names: &["endofyear"],
        arity: (1, 2),
        result: Fixed(T::DateTime),
        run: |_, args, _ty, len, _ctx| Ok(start_end(Period::Year, true, args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::DayOfWeek,
        names: &["dayofweek"],
        arity: (1, 1),
        result: Fixed(T::TimeSpan),
        run: |_, args, _ty, len, _ctx| Ok(dayofweek(args, len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::PartOf(Part::Day),
        names: &["dayofmonth"],
        arity: (1, 1),
        result: Fixed(T::Int),
        run: |_, args, _ty, len, _ctx| Ok(part_column(Part::Day, &args[0], len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::PartOf(Part::DayOfYear),
        names: &["dayofyear"],
        arity: (1, 1),
        result: Fixed(T::Int),
        run: |_, args, _ty, len, _ctx| Ok(part_column(Part::DayOfYear, &args[0], len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::PartOf(Part::Hour),
        names: &["hourofday"],
        arity: (1, 1),
        result: Fixed(T::Int),
        run: |_, args, _ty, len, _ctx| Ok(part_column(Part::Hour, &args[0], len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::PartOf(Part::Year),
        names: &["getyear"],
        arity: (1, 1),
        result: Fixed(T::Int),
        run: |_, args, _ty, len, _ctx| Ok(part_column(Part::Year, &args[0], len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::PartOf(Part::Month),
        names: &["getmonth", "monthofyear"],
        arity: (1, 1),
        result: Fixed(T::Int),
        run: |_, args, _ty, len, _ctx| Ok(part_column(Part::Month, &args[0], len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::PartOf(Part::WeekOfYear),
        names: &["weekofyear", "week_of_year"],
        arity: (1, 1),
        result: Fixed(T::Int),
        run: |_, args, _ty, len, _ctx| Ok(part_column(Part::WeekOfYear, &args[0], len)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::MakeDatetime,
        names: &["make_datetime"],
        arity: (3, 6),
        result: Fixed(T::DateTime),
        run: |_, args, _ty, len, _ctx| Ok(make_datetime(args, len)),
        naming: Naming::OnlyArgument,
    },
    ScalarDef {
        func: F::MakeTimespan,
        names: &["make_timespan"],
        arity: (2, 4),
        result: Fixed(T::TimeSpan),
        run: |_, args, _ty, len, _ctx| Ok(make_timespan(args, len)),
        naming: Naming::OnlyArgument,
    },
    ScalarDef {
        func: F::FromUnixtime(10_000_000),
        names: &["unixtime_seconds_todatetime"],
        arity: (1, 1),
        result: Fixed(T::DateTime),
        run: |_, args, _ty, len, _ctx| Ok(from_unixtime(args, len, 10_000_000.0)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::FromUnixtime(10_000),
        names: &["unixtime_milliseconds_todatetime"],
        arity: (1, 1),
        result: Fixed(T::DateTime),
        run: |_, args, _ty, len, _ctx| Ok(from_unixtime(args, len, 10_000.0)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::FromUnixtime(10),
        names: &["unixtime_microseconds_todatetime"],
        arity: (1, 1),
        result: Fixed(T::DateTime),
        run: |_, args, _ty, len, _ctx| Ok(from_unixtime(args, len, 10.0)),
        naming: Naming::Positional,
    },
    ScalarDef {
        func: F::FromUnixtime(-100),
        names: &["unixtime_nanoseconds_todatetime"],
        arity: (1, 1),
        result: Fixed(T::DateTime),
        run: |_, args, _ty, len, _ctx| Ok(from_unixtime(args, len, 0.01)),
        naming: Naming::Positional,
    },
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{datetime_text, timespan_text};
    use crate::func::scalar::convert::parse_datetime;
    use crate::table::{Type, Value};

    fn dt(s: &str) -> i64 {
        parse_datetime(s).unwrap()
    }

    fn scalar_dt(s: &str) -> Datum<'static> {
        Datum::Scalar(Value::DateTime(dt(s)), Type::DateTime)
    }

    fn text(s: &str) -> Datum<'static> {
        Datum::Scalar(Value::String(s.into()), Type::String)
    }

    #[test]
    fn civil_round_trip() {
        for days in [-800_000, -1, 0, 1, 59, 365, 11_016, 2_932_896] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(days_from_civil(2000, 3, 1), 11_017);
    }

    #[test]
    fn datetime_parts_as_documented() {
        let t = dt("2017-10-30 01:02:03.7654321");
        let got: Vec<i64> = [
            Part::Year,
            Part::Quarter,
            Part::Month,
            Part::WeekOfYear,
            Part::Day,
            Part::DayOfYear,
            Part::Hour,
            Part::Minute,
            Part::Second,
            Part::Millisecond,
            Part::Microsecond,
            Part::Nanosecond,
        ]
        .iter()
        .map(|p| p.of(t))
        .collect();
        assert_eq!(
            got,
            vec![2017, 4, 10, 44, 30, 303, 1, 2, 3, 765, 765_432, 765_432_100]
        );
        assert_eq!(Part::from_name("dayOfYear"), Some(Part::DayOfYear));
    }

    #[test]
    fn iso_weeks_at_year_edges() {
        assert_eq!(iso_week(dt("2021-01-03")), 53); // Sunday after 2020's week 53
        assert_eq!(iso_week(dt("2021-01-04")), 1);
        assert_eq!(iso_week(dt("2019-12-30")), 1);
    }

    #[test]
    fn starts_and_ends_with_offsets() {
        let t = dt("2017-01-01 10:10:17");
        let s = |p, o| datetime_text(start_of(p, t, o).unwrap());
        assert_eq!(s(Period::Day, -1), "2016-12-31T00:00:00Z");
        assert_eq!(s(Period::Week, -1), "2016-12-25T00:00:00Z");
        assert_eq!(s(Period::Week, 1), "2017-01-08T00:00:00Z");
        assert_eq!(s(Period::Month, -1), "2016-12-01T00:00:00Z");
        assert_eq!(s(Period::Month, 1), "2017-02-01T00:00:00Z");
        assert_eq!(s(Period::Year, 0), "2017-01-01T00:00:00Z");
        let end = start_end(Period::Day, true, &[scalar_dt("2017-01-01 10:10:17")], 1);
        assert_eq!(
            end.get(0),
            Value::DateTime(dt("2017-01-01T23:59:59.9999999Z"))
        );
    }

    #[test]
    fn dayofweek_is_a_timespan_from_sunday() {
        let col = dayofweek(&[scalar_dt("1970-05-12")], 1);
        assert_eq!(timespan_text(col.get(0).clone_ticks()), "2.00:00:00");
        let col = dayofweek(&[scalar_dt("1947-11-30 10:00:05")], 1);
        assert_eq!(timespan_text(col.get(0).clone_ticks()), "00:00:00");
    }

    trait Ticks {
        fn clone_ticks(&self) -> i64;
    }
    impl Ticks for Value {
        fn clone_ticks(&self) -> i64 {
            match self {
                Value::DateTime(t) | Value::TimeSpan(t) => *t,
                other => panic!("not ticks: {other:?}"),
            }
        }
    }

    #[test]
    fn add_and_diff_by_calendar_units() {
        let args = [
            text("month"),
            Datum::Scalar(Value::Long(1), Type::Long),
            scalar_dt("2017-01-31"),
        ];
        let col = datetime_add(&args, 1).unwrap();
        assert_eq!(
            datetime_text(col.get(0).clone_ticks()),
            "2017-02-28T00:00:00Z"
        );
        let diff = |unit: &str, a: &str, b: &str| {
            datetime_diff(&[text(unit), scalar_dt(a), scalar_dt(b)], 1)
                .unwrap()
                .get(0)
        };
        assert_eq!(diff("year", "2017-01-01", "2000-12-31"), Value::Long(17));
        assert_eq!(diff("quarter", "2017-07-01", "2017-03-01"), Value::Long(2));
        assert_eq!(diff("month", "2017-01-01", "2015-12-30"), Value::Long(13));
        assert_eq!(
            diff("week", "2017-10-29 00:00", "2017-09-30 23:59"),
            Value::Long(5)
        );
        assert_eq!(
            diff("day", "2017-10-29 00:00", "2017-09-30 23:59"),
            Value::Long(29)
        );
        assert_eq!(
            diff("hour", "2017-10-31 01:00", "2017-10-30 23:59"),
            Value::Long(2)
        );
        assert_eq!(
            diff("second", "2017-10-30 23:05:01", "2017-10-30 23:00:59"),
            Value::Long(242)
        );
        assert_eq!(
            diff(
                "millisecond",
                "2017-10-30 23:00:00.0000001",
                "2017-10-30 23:00:00.0000000"
            ),
            Value::Long(0)
        );
    }

    #[test]
    fn make_and_unix_datetimes() {
        let long = |v| Datum::Scalar(Value::Long(v), Type::Long);
        let col = make_datetime(
            &[
                long(2017),
                long(10),
                long(1),
                long(12),
                long(10),
                Datum::Scalar(Value::Real(1.5), Type::Real),
            ],
            1,
        );
        assert_eq!(
            datetime_text(col.get(0).clone_ticks()),
            "2017-10-01T12:10:01.5Z"
        );
        assert_eq!(
            make_datetime(&[long(2017), long(2), long(30)], 1).get(0),
            Value::Null
        );
        let col = from_unixtime(&[long(1_546_897_531)], 1, 1e7);
        assert_eq!(
            datetime_text(col.get(0).clone_ticks()),
            "2019-01-07T21:45:31Z"
        );
        let col = make_timespan(&[long(1), long(12), long(30), long(55)], 1);
        assert_eq!(timespan_text(col.get(0).clone_ticks()), "1.12:30:55");
    }
}
