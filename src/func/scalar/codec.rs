//! Encodings between text, bytes and numbers: `base64_encode_fromguid`/`base64_decode_toguid`
//! (a guid's 16 bytes in .NET's order), `base64_encode_fromarray`/`base64_decode_toarray`
//! (bytes as an array of numbers), `gzip_*`/`zlib_*` (UTF-8 text compressed, as base64), and
//! `unicode_codepoints_from_string`/`_to_string`. Input that does not decode gives null (an
//! empty string for string results).

use std::io::{Read, Write};

use flate2::read::{GzDecoder, ZlibDecoder};
use flate2::write::{GzEncoder, ZlibEncoder};
use flate2::Compression;
use serde_json::Value as J;

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::string::{base64_decode, base64_encode};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Type as T;
use crate::table::{empty_str, Column, Str};
use crate::value::datum::{map1, Datum};

/// Which function a `ScalarFunc::Codec` row runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CodecFn {
    GuidToBase64,
    Base64ToGuid,
    ArrayToBase64,
    Base64ToArray,
    GzipCompress,
    GzipDecompress,
    ZlibCompress,
    ZlibDecompress,
    CodepointsFromString,
    CodepointsToString,
}

/// A guid's bytes as .NET's `Guid.ToByteArray` lays them out: the first three groups
/// little-endian, the last eight bytes as written.
pub fn guid_bytes(g: u128) -> [u8; 16] {
    let mut b = g.to_be_bytes();
    b[0..4].reverse();
    b[4..6].reverse();
    b[6..8].reverse();
    b
}

/// The inverse of [`guid_bytes`].
pub fn guid_from_bytes(bytes: &[u8]) -> Option<u128> {
    let mut b: [u8; 16] = bytes.try_into().ok()?;
    b[0..4].reverse();
    b[4..6].reverse();
    b[6..8].reverse();
    Some(u128::from_be_bytes(b))
}

/// `data` compressed (gzip or zlib), as base64.
pub fn compress(data: &[u8], gzip: bool) -> Option<String> {
    let bytes = if gzip {
        let mut e = GzEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).ok()?;
        e.finish().ok()?
    } else {
        let mut e = ZlibEncoder::new(Vec::new(), Compression::default());
        e.write_all(data).ok()?;
        e.finish().ok()?
    };
    Some(base64_encode(&bytes))
}

/// base64 of compressed UTF-8 text back to the text; `None` when any step fails. The output
/// is capped so that a small input cannot expand without bound.
pub fn decompress(b64: &str, gzip: bool) -> Option<String> {
    const LIMIT: u64 = 64 << 20;
    let bytes = base64_decode(b64.trim())?;
    let mut out = Vec::new();
    if gzip {
        GzDecoder::new(&bytes[..])
            .take(LIMIT)
            .read_to_end(&mut out)
            .ok()?;
    } else {
        ZlibDecoder::new(&bytes[..])
            .take(LIMIT)
            .read_to_end(&mut out)
            .ok()?;
    }
    String::from_utf8(out).ok()
}

/// Bytes from an array of numbers 0–255; `None` if any element is not one.
fn array_bytes(arr: &J) -> Option<Vec<u8>> {
    let J::Array(a) = arr else {
        return None;
    };
    a.iter()
        .map(|v| v.as_u64().and_then(|b| u8::try_from(b).ok()))
        .collect()
}

fn run(
    func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let ScalarFunc::Codec(f) = func else {
        unreachable!("a codec row holds a Codec tag")
    };
    let text_or_empty = |x: Option<String>| x.map_or_else(empty_str, Str::from);
    Ok(match f {
        CodecFn::GuidToBase64 => Column::String(map1(len, &args[0].guids(), |g| {
            text_or_empty(g.map(|g| base64_encode(&guid_bytes(g))))
        })),
        CodecFn::Base64ToGuid => Column::Guid(map1(len, &args[0].strs(), |s| {
            guid_from_bytes(&base64_decode(s.trim())?)
        })),
        CodecFn::ArrayToBase64 => Column::String(map1(len, &args[0].dyns(), |a| {
            text_or_empty(array_bytes(a).map(|b| base64_encode(&b)))
        })),
        CodecFn::Base64ToArray => {
            Column::Dynamic(map1(len, &args[0].strs(), |s| {
                match base64_decode(s.trim()) {
                    Some(b) if !s.is_empty() => J::Array(b.into_iter().map(J::from).collect()),
                    _ => J::Null,
                }
            }))
        }
        CodecFn::GzipCompress | CodecFn::ZlibCompress => {
            let gzip = f == CodecFn::GzipCompress;
            Column::String(map1(len, &args[0].strs(), |s| {
                if s.is_empty() {
                    return empty_str();
                }
                text_or_empty(compress(s.as_bytes(), gzip))
            }))
        }
        CodecFn::GzipDecompress | CodecFn::ZlibDecompress => {
            let gzip = f == CodecFn::GzipDecompress;
            Column::String(map1(len, &args[0].strs(), |s| {
                text_or_empty(decompress(s, gzip))
            }))
        }
        CodecFn::CodepointsFromString => Column::Dynamic(map1(len, &args[0].strs(), |s| {
            J::Array(s.chars().map(|c| J::from(u32::from(c))).collect())
        })),
        CodecFn::CodepointsToString => Column::String(map1(len, &args[0].dyns(), |a| {
            let J::Array(a) = a else {
                return empty_str();
            };
            let text: Option<String> = a
                .iter()
                .map(|v| {
                    v.as_u64()
                        .and_then(|c| char::from_u32(u32::try_from(c).ok()?))
                })
                .collect();
            text_or_empty(text)
        })),
    })
}

const fn row(f: CodecFn, names: &'static [&'static str], ty: T) -> ScalarDef {
    ScalarDef {
        func: ScalarFunc::Codec(f),
        names,
        arity: (1, 1),
        result: Fixed(ty),
        run,
        naming: Naming::Positional,
    }
}

/// This family's functions, one row each (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[
    row(
        CodecFn::GuidToBase64,
        &["base64_encode_fromguid"],
        T::String,
    ),
    row(CodecFn::Base64ToGuid, &["base64_decode_toguid"], T::Guid),
    row(
        CodecFn::ArrayToBase64,
        &["base64_encode_fromarray"],
        T::String,
    ),
    row(
        CodecFn::Base64ToArray,
        &["base64_decode_toarray"],
        T::Dynamic,
    ),
    row(
        CodecFn::GzipCompress,
        &["gzip_compress_to_base64_string"],
        T::String,
    ),
    row(
        CodecFn::GzipDecompress,
        &["gzip_decompress_from_base64_string"],
        T::String,
    ),
    row(
        CodecFn::ZlibCompress,
        &["zlib_compress_to_base64_string"],
        T::String,
    ),
    row(
        CodecFn::ZlibDecompress,
        &["zlib_decompress_from_base64_string"],
        T::String,
    ),
    row(
        CodecFn::CodepointsFromString,
        &["unicode_codepoints_from_string"],
        T::Dynamic,
    ),
    row(
        CodecFn::CodepointsToString,
        &["unicode_codepoints_to_string"],
        T::String,
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::func::scalar::convert::parse_guid;

    #[test]
    fn guids_round_trip_in_dotnet_byte_order() {
        let g = parse_guid("ae3133f2-6e22-49ae-b06a-16e6a9b212eb").unwrap();
        assert_eq!(base64_encode(&guid_bytes(g)), "8jMxriJurkmwahbmqbIS6w==");
        assert_eq!(guid_from_bytes(&guid_bytes(g)), Some(g));
        assert_eq!(guid_from_bytes(&[1, 2]), None);
    }

    #[test]
    fn compression_round_trips_and_rejects_garbage() {
        for gzip in [true, false] {
            let c = compress("1234567890qwertyuiop".as_bytes(), gzip).unwrap();
            assert_eq!(
                decompress(&c, gzip).as_deref(),
                Some("1234567890qwertyuiop")
            );
            assert_eq!(decompress("not base64!", gzip), None);
            assert_eq!(decompress("AAAA", gzip), None);
        }
    }

    #[test]
    fn byte_arrays() {
        assert_eq!(
            array_bytes(&serde_json::json!([75, 117, 115])),
            Some(vec![75, 117, 115])
        );
        assert_eq!(array_bytes(&serde_json::json!([256])), None);
        assert_eq!(array_bytes(&serde_json::json!("x")), None);
    }
}
