//! `parse_xml(xml)`: an XML document as a dynamic value, mapped the way Kusto documents it:
//! the root element becomes `{"root": …}`; an element with neither attributes nor content is
//! null, one with only text is the text; otherwise it is a bag of its attributes (`"@name"`),
//! its text (`"#text"`) and its child elements, where a name that repeats becomes an array.
//! Text is trimmed and kept as a string; whitespace-only text, comments, processing
//! instructions and the declaration are skipped. Invalid XML, input over 1 MB, or a non-string
//! gives null. <https://learn.microsoft.com/en-us/kusto/query/parse-xml-function>

use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};
use serde_json::{Map, Value as J};

use super::def::{Naming, ResultType::Fixed, ScalarDef};
use super::ScalarFunc;
use crate::error::Error;
use crate::func::EvalContext;
use crate::table::Type as T;
use crate::table::{Column, Value};
use crate::value::datum::Datum;

/// Kusto reads at most this many bytes of XML; longer input gives null.
const MAX_LEN: usize = 1 << 20;

/// An element being read: its attributes and, in document order, its text runs and children.
struct Element {
    name: String,
    attributes: Vec<(String, String)>,
    content: Vec<(String, J)>,
}

impl Element {
    fn open(start: &BytesStart) -> Option<Element> {
        let name = start.name().as_ref().to_string();
        let mut attributes = Vec::new();
        for attr in start.attributes() {
            let attr = attr.ok()?;
            let key = attr.key.as_ref();
            let value = attr.normalized_value(XmlVersion::Implicit1_0).ok()?;
            attributes.push((format!("@{key}"), value.into_owned()));
        }
        Some(Element {
            name,
            attributes,
            content: Vec::new(),
        })
    }

    /// The element's value under the documented mapping.
    fn close(self) -> J {
        if self.attributes.is_empty() {
            match self.content.as_slice() {
                [] => return J::Null,
                [(key, text @ J::String(_))] if key == "#text" => return text.clone(),
                _ => {}
            }
        }
        let mut bag = Map::new();
        for (key, value) in self.attributes {
            bag.insert(key, J::String(value));
        }
        for (key, value) in self.content {
            match bag.get_mut(&key) {
                None => {
                    bag.insert(key, value);
                }
                // Element values are never arrays themselves: an array is a repeated name.
                Some(J::Array(items)) => items.push(value),
                Some(existing) => {
                    let first = existing.take();
                    *existing = J::Array(vec![first, value]);
                }
            }
        }
        J::Object(bag)
    }
}

/// Push the pending text run, trimmed, into the innermost element (whitespace-only runs are
/// dropped; text outside the root makes the document invalid).
fn flush_text(text: &mut String, stack: &mut [Element]) -> Option<()> {
    let trimmed = text.trim();
    if !trimmed.is_empty() {
        let element = stack.last_mut()?;
        element
            .content
            .push(("#text".into(), J::String(trimmed.to_string())));
    }
    text.clear();
    Some(())
}

/// Parse one document; `None` when it is not well-formed XML with a single root element.
pub fn parse_xml(xml: &str) -> Option<J> {
    if xml.len() > MAX_LEN {
        return None;
    }
    let mut reader = Reader::from_str(xml);
    let mut stack: Vec<Element> = Vec::new();
    let mut text = String::new();
    let mut root: Option<J> = None;
    let mut finish = |name: String, value: J, stack: &mut Vec<Element>| -> Option<()> {
        match stack.last_mut() {
            Some(parent) => parent.content.push((name, value)),
            None if root.is_none() => {
                let mut bag = Map::new();
                bag.insert(name, value);
                root = Some(J::Object(bag));
            }
            None => return None,
        }
        Some(())
    };
    loop {
        match reader.read_event().ok()? {
            Event::Start(start) => {
                flush_text(&mut text, &mut stack)?;
                stack.push(Element::open(&start)?);
            }
            Event::Empty(start) => {
                flush_text(&mut text, &mut stack)?;
                let element = Element::open(&start)?;
                let name = element.name.clone();
                finish(name, element.close(), &mut stack)?;
            }
            Event::End(_) => {
                flush_text(&mut text, &mut stack)?;
                let element = stack.pop()?;
                let name = element.name.clone();
                finish(name, element.close(), &mut stack)?;
            }
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::CData(c) => text.push_str(&c.xml10_content()),
            Event::GeneralRef(r) => match r.resolve_char_ref().ok()? {
                Some(c) => text.push(c),
                None => text.push_str(resolve_predefined_entity(&r.xml10_content())?),
            },
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !stack.is_empty() || !text.trim().is_empty() {
        return None;
    }
    root
}

fn run(
    _func: ScalarFunc,
    args: &[Datum],
    _ty: T,
    len: usize,
    _ctx: &EvalContext,
) -> Result<Column, Error> {
    Ok(Column::Dynamic(
        (0..len)
            .map(|i| match args[0].value(i) {
                Value::String(s) => parse_xml(&s).unwrap_or(J::Null),
                _ => J::Null,
            })
            .collect(),
    ))
}

/// This family's function (see `super::def`). Unnamed, its column takes its argument's name
/// (Kusto.Language).
pub(super) const FUNCTIONS: &[ScalarDef] = &[ScalarDef {
    func: ScalarFunc::ParseXml,
    names: &["parse_xml"],
    arity: (1, 1),
    result: Fixed(T::Dynamic),
    run,
    naming: Naming::First,
}];

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn p(xml: &str) -> J {
        parse_xml(xml).unwrap_or(J::Null)
    }

    #[test]
    fn the_documented_mapping() {
        assert_eq!(p("<e/>"), json!({"e": null}));
        assert_eq!(p("<e>text</e>"), json!({"e": "text"}));
        assert_eq!(p(r#"<e name="value" />"#), json!({"e": {"@name": "value"}}));
        assert_eq!(
            p(r#"<e name="value">text</e>"#),
            json!({"e": {"@name": "value", "#text": "text"}})
        );
        assert_eq!(
            p("<e> <a>text</a> <b>text</b> </e>"),
            json!({"e": {"a": "text", "b": "text"}})
        );
        assert_eq!(
            p("<e> <a>text</a> <a>text</a> </e>"),
            json!({"e": {"a": ["text", "text"]}})
        );
        assert_eq!(
            p("<e> text <a>text</a> </e>"),
            json!({"e": {"#text": "text", "a": "text"}})
        );
    }

    #[test]
    fn repeats_of_three_and_nested_arrays_stay_one_array() {
        assert_eq!(
            p("<e><a>1</a><b/><a>2</a><a><c>3</c></a></e>"),
            json!({"e": {"a": ["1", "2", {"c": "3"}], "b": null}})
        );
        assert_eq!(
            p("<e><a><x>1</x><x>2</x></a><a>3</a></e>"),
            json!({"e": {"a": [{"x": ["1", "2"]}, "3"]}})
        );
    }

    #[test]
    fn references_cdata_and_skipped_nodes() {
        assert_eq!(
            p(
                r#"<?xml version="1.0"?><!-- c --><e a="x &amp; y">1 &lt; 2 &#65;<![CDATA[<b>]]></e>"#
            ),
            json!({"e": {"@a": "x & y", "#text": "1 < 2 A<b>"}})
        );
    }

    #[test]
    fn invalid_documents_give_none() {
        for bad in [
            "",
            "text",
            "<a>",
            "<a></b>",
            "<a/><b/>",
            "<a/>tail",
            "<a>&bogus;</a>",
        ] {
            assert_eq!(parse_xml(bad), None, "{bad}");
        }
    }
}
