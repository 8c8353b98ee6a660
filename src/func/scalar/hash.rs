//! Hash functions: `hash` and `hash_xxhash64` (xxHash64, seed 0, signed, with an optional
//! modulo), and the hex digests `hash_sha256`, `hash_sha1`, `hash_md5`.
//!
//! `hash` hashes a value's bytes as Kusto lays them out: a string's UTF-8, a long, datetime or
//! timespan as its 64-bit little-endian integer (.NET ticks, from 0001-01-01, for times), a real
//! as its IEEE bits. The digests hash the value's text, a datetime in the round-trip form with
//! seven fraction digits. The doc examples (`"World"`, `datetime(2015-01-01)` for xxHash64,
//! `datetime(2020-01-01)` for SHA-256) pin both layouts. Null hashes to null (an empty digest).

use md5::Md5;
use sha1::Sha1;
use sha2::{Digest, Sha256};
use xxhash_rust::xxh64::xxh64;

use super::convert::to_text;
use super::datetime::EPOCH_TICKS;
use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::{row_values, ScalarFunc};
use crate::error::Error;
use crate::format::datetime_json_text;
use crate::func::EvalContext;
use crate::table::Type as T;
use crate::table::{empty_str, Column, Str, Value};
use crate::value::datum::{map2, Arr, Datum};

/// Which function a `ScalarFunc::Hashing` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum HashFn {
    /// `hash` and `hash_xxhash64`: the same algorithm under two names.
    XxHash64,
    Sha256,
    Sha1,
    Md5,
}

/// The bytes a value hashes as; `None` for null.
pub fn value_bytes(v: &Value) -> Option<Vec<u8>> {
    Some(match v {
        Value::Null | Value::Dynamic(serde_json::Value::Null) => return None,
        Value::String(s) => s.as_bytes().to_vec(),
        Value::DateTime(t) => (t + EPOCH_TICKS).to_le_bytes().to_vec(),
        Value::Long(x) | Value::TimeSpan(x) => x.to_le_bytes().to_vec(),
        Value::Int(x) => x.to_le_bytes().to_vec(),
        Value::Real(x) => x.to_le_bytes().to_vec(),
        Value::Bool(b) => vec![u8::from(*b)],
        Value::Guid(g) => g.to_le_bytes().to_vec(),
        Value::Dynamic(j) => j.to_string().into_bytes(),
    })
}

/// The text a digest hashes; `None` for null.
fn digest_text(v: &Value) -> Option<String> {
    match v {
        Value::Null | Value::Dynamic(serde_json::Value::Null) => None,
        Value::DateTime(t) => Some(datetime_json_text(*t)),
        other => Some(to_text(other)),
    }
}

/// The signed xxHash64 of a value's bytes (seed 0).
pub fn xxhash64(v: &Value) -> Option<i64> {
    value_bytes(v).map(|b| xxh64(&b, 0) as i64)
}

fn hex_digest<D: Digest>(bytes: &[u8]) -> Str {
    let digest = D::digest(bytes);
    let mut out = String::with_capacity(digest.len() * 2);
    for b in digest.iter() {
        out.push_str(&format!("{b:02x}"));
    }
    out.into()
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::Hashing(f) = func else {
        unreachable!("a hash row holds a Hashing tag")
    };
    let source = row_values(&args[0], len);
    let digest: fn(&[u8]) -> Str = match f {
        HashFn::XxHash64 => {
            let modulo = args.get(1).map_or(Arr::One(None), Datum::longs);
            // With a modulo the hash lands in 0 … mod-1 (the docs' "World" mod 100 is 51).
            return Ok(Column::Long(map2(len, &source, &modulo, |v, m| {
                let h = xxhash64(v)?;
                match m {
                    None => Some(h),
                    Some(m) if *m > 0 => Some(h.rem_euclid(*m)),
                    Some(_) => None,
                }
            })));
        }
        HashFn::Sha256 => hex_digest::<Sha256>,
        HashFn::Sha1 => hex_digest::<Sha1>,
        HashFn::Md5 => hex_digest::<Md5>,
    };
    Ok(Column::String(
        (0..len)
            .map(|i| digest_text(source.get(i)).map_or_else(empty_str, |t| digest(t.as_bytes())))
            .collect(),
    ))
}

const fn row(f: HashFn, names: &'static [&'static str]) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::Hashing(f),
        names,
        arity: if matches!(f, HashFn::XxHash64) {
            (1, 2)
        } else {
            (1, 1)
        },
        result: Fixed(if matches!(f, HashFn::XxHash64) {
            T::Long
        } else {
            T::String
        }),
        run,
        naming: Naming::Positional,
    }
}

/// This family's functions, one row each (see `super::def`). `hash` and `hash_xxhash64` are
/// two rows (Kusto lists them apart) running one algorithm.
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(HashFn::XxHash64, &["hash", "hash_xxhash64"]),
    row(HashFn::Sha256, &["hash_sha256"]),
    row(HashFn::Sha1, &["hash_sha1"]),
    row(HashFn::Md5, &["hash_md5"]),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn call(f: HashFn, args: &[Value]) -> Value {
        let args: Vec<Datum> = args
            .iter()
            .map(|v| Datum::Scalar(v.clone(), T::Dynamic))
            .collect();
        run(
            ScalarFunc::Hashing(f),
            &args,
            T::Long,
            1,
            &EvalContext { now: 0 },
        )
        .unwrap()
        .get(0)
    }

    fn s(x: &str) -> Value {
        Value::String(x.into())
    }

    /// 2015-01-01 and 2020-01-01 as kqlite holds them (ticks since 1970-01-01).
    const T2015: i64 = 635_556_672_000_000_000 - EPOCH_TICKS;
    const T2020: i64 = 637_134_336_000_000_000 - EPOCH_TICKS;

    #[test]
    fn xxhash64_gives_the_documented_numbers() {
        assert_eq!(
            call(HashFn::XxHash64, &[s("World")]),
            Value::Long(1846988464401551951)
        );
        assert_eq!(
            call(HashFn::XxHash64, &[s("Hello")]),
            Value::Long(753694413698530628)
        );
        assert_eq!(
            call(HashFn::XxHash64, &[s("World"), Value::Long(100)]),
            Value::Long(51)
        );
        assert_eq!(
            call(HashFn::XxHash64, &[Value::DateTime(T2015)]),
            Value::Long(1380966698541616202)
        );
        assert_eq!(call(HashFn::XxHash64, &[Value::Null]), Value::Null);
        assert_eq!(
            call(HashFn::XxHash64, &[s("x"), Value::Long(0)]),
            Value::Null
        );
    }

    #[test]
    fn digests_give_the_documented_hex() {
        assert_eq!(
            call(HashFn::Sha256, &[s("World")]),
            s("78ae647dc5544d227130a0682a51e30bc7777fbb6d8a8f17007463a3ecd1d524")
        );
        assert_eq!(
            call(HashFn::Sha256, &[Value::DateTime(T2020)]),
            s("ba666752dc1a20eb750b0eb64e780cc4c968bc9fb8813461c1d7e750f302d71d")
        );
        assert_eq!(
            call(HashFn::Sha1, &[s("World")]),
            s("70c07ec18ef89c5309bbb0937f3a6342411e1fdd")
        );
        assert_eq!(
            call(HashFn::Md5, &[s("World")]),
            s("f5a7924e621e84c9280a9a27e1bcb7f6")
        );
        assert_eq!(call(HashFn::Md5, &[Value::Null]), s(""));
    }
}
