//! Time zones (the IANA database through `chrono-tz`): `datetime_utc_to_local`,
//! `datetime_local_to_utc`, `datetime_list_timezones`. An unknown zone name gives null; a local
//! time a zone skips (a spring-forward gap) gives null, and one it repeats (fall-back) is read
//! as standard time, as .NET's `TimeZoneInfo` does.

use chrono::{DateTime, LocalResult, NaiveDateTime, Offset, TimeZone};
use chrono_tz::Tz;
use serde_json::Value as J;

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Type as T;
use crate::table::{Column, TICKS_PER_SECOND};
use crate::value::datum::{map2, Datum};

/// Which function a `ScalarFunc::TimeZone` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ZoneFn {
    UtcToLocal,
    LocalToUtc,
    List,
}

fn naive(ticks: i64) -> Option<NaiveDateTime> {
    let secs = ticks.div_euclid(TICKS_PER_SECOND);
    let nanos = (ticks.rem_euclid(TICKS_PER_SECOND) * 100) as u32;
    DateTime::from_timestamp(secs, nanos).map(|d| d.naive_utc())
}

fn ticks(t: NaiveDateTime) -> Option<i64> {
    let utc = t.and_utc();
    utc.timestamp()
        .checked_mul(TICKS_PER_SECOND)?
        .checked_add(i64::from(utc.timestamp_subsec_nanos() / 100))
}

/// `ticks` (UTC) as the wall-clock time in `zone`.
pub fn utc_to_local(t: i64, zone: &str) -> Option<i64> {
    let tz: Tz = zone.parse().ok()?;
    let utc = naive(t)?;
    let offset = tz.offset_from_utc_datetime(&utc).fix();
    ticks(utc + offset)
}

/// The wall-clock time `ticks` in `zone`, as UTC.
pub fn local_to_utc(t: i64, zone: &str) -> Option<i64> {
    let tz: Tz = zone.parse().ok()?;
    let local = naive(t)?;
    let at = match tz.from_local_datetime(&local) {
        LocalResult::Single(d) => d,
        // Repeated hour: standard time is the later of the two (the smaller UTC offset).
        LocalResult::Ambiguous(a, b) => {
            if a.offset().fix().local_minus_utc() < b.offset().fix().local_minus_utc() {
                a
            } else {
                b
            }
        }
        LocalResult::None => return None,
    };
    ticks(at.naive_utc())
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::TimeZone(f) = func else {
        unreachable!("a time-zone row holds a TimeZone tag")
    };
    let convert = match f {
        ZoneFn::UtcToLocal => utc_to_local,
        ZoneFn::LocalToUtc => local_to_utc,
        ZoneFn::List => {
            let names: Vec<J> = chrono_tz::TZ_VARIANTS
                .iter()
                .map(|z| J::String(z.name().to_string()))
                .collect();
            return Ok(Column::Dynamic(vec![J::Array(names); len]));
        }
    };
    Ok(Column::DateTime(map2(
        len,
        &args[0].ticks(),
        &args[1].strs(),
        |t, zone| convert((*t)?, zone),
    )))
}

const fn row(f: ZoneFn, names: &'static [&'static str]) -> ScalarDef {
    let list = matches!(f, ZoneFn::List);
    ScalarDef {
        func: ScalarFunc::TimeZone(f),
        names,
        arity: if list { (0, 0) } else { (2, 2) },
        result: Fixed(if list { T::Dynamic } else { T::DateTime }),
        run,
        naming: Naming::Positional,
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(ZoneFn::UtcToLocal, &["datetime_utc_to_local"]),
    row(ZoneFn::LocalToUtc, &["datetime_local_to_utc"]),
    row(ZoneFn::List, &["datetime_list_timezones"]),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::datetime_text;
    use crate::func::scalar::convert::parse_datetime;

    fn at(s: &str) -> i64 {
        parse_datetime(s).unwrap()
    }

    #[test]
    fn conversions_follow_the_zone_rules() {
        let t = at("2022-11-08 16:40:23");
        assert_eq!(
            datetime_text(utc_to_local(t, "Europe/Paris").unwrap()),
            "2022-11-08T17:40:23Z"
        );
        assert_eq!(
            datetime_text(utc_to_local(at("2022-07-08 16:40:23"), "America/New_York").unwrap()),
            "2022-07-08T12:40:23Z"
        );
        assert_eq!(
            datetime_text(local_to_utc(at("2022-11-08 17:40:23"), "Europe/Paris").unwrap()),
            "2022-11-08T16:40:23Z"
        );
        // 02:30 on 2022-03-27 does not exist in Paris; 02:30 on 2022-10-30 happens twice.
        assert_eq!(local_to_utc(at("2022-03-27 02:30"), "Europe/Paris"), None);
        assert_eq!(
            datetime_text(local_to_utc(at("2022-10-30 02:30"), "Europe/Paris").unwrap()),
            "2022-10-30T01:30:00Z"
        );
        assert_eq!(utc_to_local(t, "Mars/Olympus"), None);
    }
}
