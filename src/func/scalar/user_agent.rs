//! `parse_user_agent(ua, look_for)`: the browser, operating system and/or device a user-agent
//! string names, as Kusto documents the bag: `Browser` {Family, MajorVersion, MinorVersion,
//! Patch}, `OperatingSystem` {…, PatchMinor}, `Device` {Family, Brand, Model}, a missing part
//! being "". `look_for` is one of "browser", "os", "device", or a dynamic array of them. The
//! matching is ua-parser's: the `uaparser` crate over uap-core's pattern file (embedded from
//! `assets/uap-core`, compiled on first use, ASCII-only like the other ua-parser ports), the
//! same family of patterns the doc page's examples come from.
//! <https://learn.microsoft.com/en-us/kusto/query/parse-user-agent-function>

use std::sync::LazyLock;

use serde_json::{Map, Value as J};
use uaparser::{Parser, UserAgentParser};

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::{arg_error, ScalarFunc};
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Type as T;
use crate::table::{Column, Value};
use crate::value::datum::Datum;

static PATTERNS: &[u8] = include_bytes!("../../../assets/uap-core/regexes.yaml");

/// The parser, built once: compiling uap-core's patterns takes a noticeable moment.
static PARSER: LazyLock<Option<UserAgentParser>> = LazyLock::new(|| {
    UserAgentParser::builder()
        .with_unicode_support(false)
        .build_from_bytes(PATTERNS)
        .ok()
});

/// One part a call asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Browser,
    Os,
    Device,
}

impl Target {
    fn named(name: &str) -> Option<Target> {
        match name.trim().to_ascii_lowercase().as_str() {
            "browser" => Some(Target::Browser),
            "os" => Some(Target::Os),
            "device" => Some(Target::Device),
            _ => None,
        }
    }
}

/// The targets `look_for` names, in its order without repeats.
fn targets(look_for: &Value) -> Result<Vec<Target>, Error> {
    let names: Vec<String> = match look_for {
        Value::String(s) => vec![s.to_string()],
        Value::Dynamic(J::String(s)) => vec![s.clone()],
        Value::Dynamic(J::Array(items)) => items
            .iter()
            .map(|i| {
                i.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| i.to_string())
            })
            .collect(),
        other => vec![crate::func::scalar::convert::to_text(other).to_string()],
    };
    let mut out = Vec::new();
    for name in names {
        let target = Target::named(&name).ok_or_else(|| {
            arg_error(format!(
                "parse_user_agent: look-for must be \"browser\", \"os\" or \"device\" (or an array of them), found \"{name}\""
            ))
        })?;
        if !out.contains(&target) {
            out.push(target);
        }
    }
    Ok(out)
}

fn text(part: Option<std::borrow::Cow<'_, str>>) -> J {
    J::String(part.map(|p| p.into_owned()).unwrap_or_default())
}

/// The documented bag for `ua` and the asked-for parts.
fn parse(parser: &UserAgentParser, ua: &str, wanted: &[Target]) -> J {
    let mut bag = Map::new();
    for target in wanted {
        let mut part = Map::new();
        let key = match target {
            Target::Browser => {
                let b = parser.parse_user_agent(ua);
                part.insert("Family".into(), J::String(b.family.into_owned()));
                part.insert("MajorVersion".into(), text(b.major));
                part.insert("MinorVersion".into(), text(b.minor));
                part.insert("Patch".into(), text(b.patch));
                "Browser"
            }
            Target::Os => {
                let o = parser.parse_os(ua);
                part.insert("Family".into(), J::String(o.family.into_owned()));
                part.insert("MajorVersion".into(), text(o.major));
                part.insert("MinorVersion".into(), text(o.minor));
                part.insert("Patch".into(), text(o.patch));
                part.insert("PatchMinor".into(), text(o.patch_minor));
                "OperatingSystem"
            }
            Target::Device => {
                let d = parser.parse_device(ua);
                part.insert("Family".into(), J::String(d.family.into_owned()));
                part.insert("Brand".into(), text(d.brand));
                part.insert("Model".into(), text(d.model));
                "Device"
            }
        };
        bag.insert(key.into(), J::Object(part));
    }
    J::Object(bag)
}

fn run(
    _func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    let parser = PARSER
        .as_ref()
        .ok_or_else(|| arg_error("parse_user_agent: the embedded uap-core patterns do not load"))?;
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let wanted = targets(&args[1].value(i))?;
        out.push(match args[0].value(i) {
            Value::String(ua) => parse(parser, &ua, &wanted),
            _ => J::Null,
        });
    }
    Ok(Column::Dynamic(out))
}

/// This family's function (see `super::def`).
pub(super) const FUNCTIONS: &[ScalarDef] = &[ScalarDef {
    func: ScalarFunc::ParseUserAgent,
    names: &["parse_user_agent"],
    arity: (2, 2),
    result: Fixed(T::Dynamic),
    run,
    naming: Naming::Positional,
}];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn call(ua: &str, look_for: Value) -> Result<J, Error> {
        let args = [
            Datum::Scalar(Value::String(ua.into()), T::String),
            Datum::Scalar(look_for, T::Dynamic),
        ];
        run(
            ScalarFunc::ParseUserAgent,
            &args,
            T::Dynamic,
            1,
            &EvalContext { now: 0 },
        )
        .map(|c| match c.get(0) {
            Value::Dynamic(j) => j,
            other => panic!("{other:?}"),
        })
    }

    #[test]
    fn the_doc_pages_two_examples() {
        let air =
            "Mozilla/5.0 (Windows; U; en-US) AppleWebKit/531.9 (KHTML, like Gecko) AdobeAIR/2.5.1";
        assert_eq!(
            call(air, Value::String("browser".into())).unwrap(),
            json!({"Browser": {"Family": "AdobeAIR", "MajorVersion": "2", "MinorVersion": "5", "Patch": "1"}})
        );
        let nokia = "Mozilla/5.0 (SymbianOS/9.2; U; Series60/3.1 NokiaN81-3/10.0.032 Profile/MIDP-2.0 Configuration/CLDC-1.1 ) AppleWebKit/413 (KHTML, like Gecko) Safari/4";
        assert_eq!(
            call(nokia, Value::Dynamic(json!(["browser", "os", "device"]))).unwrap(),
            json!({
                "Browser": {"Family": "Nokia OSS Browser", "MajorVersion": "3", "MinorVersion": "1", "Patch": ""},
                "OperatingSystem": {"Family": "Symbian OS", "MajorVersion": "9", "MinorVersion": "2", "Patch": "", "PatchMinor": ""},
                "Device": {"Family": "Nokia N81", "Brand": "Nokia", "Model": "N81-3"}
            })
        );
    }

    #[test]
    fn an_unknown_target_is_an_error() {
        let e = call("x", Value::String("cpu".into())).unwrap_err();
        assert!(e.to_string().contains("\"cpu\""), "{e}");
    }
}
