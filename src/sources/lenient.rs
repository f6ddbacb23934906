//! JSON helpers shared by the sources: serde readers for APIs whose JSON types drift (strings
//! that are sometimes arrays, numbers that are sometimes strings: Crossref volumes, Cristin ids
//! and years, NVA months) — a field of an unexpected type is read as well as it can be, never
//! a reason to drop a whole record — and the one-line form of a raw payload.

use serde::Deserialize;
use std::borrow::Cow;

/// A string, or an array of strings (nulls and other values skipped).
pub(crate) fn strings<'de: 'a, 'a, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Vec<Cow<'a, str>>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany<'a> {
        One(#[serde(borrow)] Cow<'a, str>),
        Many(#[serde(borrow)] Vec<Option<Cow<'a, str>>>),
        Other(serde::de::IgnoredAny),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v.into_iter().flatten().collect(),
        OneOrMany::Other(_) => Vec::new(),
    })
}

/// A string or a number, as text.
pub(crate) fn text_or_number<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<String>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::String(s) => Some(s),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    })
}

/// A number or a numeric string, as `u64` (`"2023"`, `2023`); anything else is `None`.
#[allow(dead_code, reason = "for the Cristin and NVA sources")]
pub(crate) fn number<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match serde_json::Value::deserialize(d)? {
        serde_json::Value::Number(n) => n.as_u64(),
        serde_json::Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

/// An item's JSON as received, unless it spans lines (a pretty-printed body): then compacted,
/// since a record's raw payload must fit on one JSON Lines line.
pub(crate) fn one_line(raw: &serde_json::value::RawValue) -> Box<serde_json::value::RawValue> {
    if memchr::memchr2(b'\n', b'\r', raw.get().as_bytes()).is_some() {
        let value: serde_json::Value = serde_json::from_str(raw.get()).expect("already parsed");
        serde_json::value::RawValue::from_string(value.to_string()).expect("valid JSON")
    } else {
        raw.to_owned()
    }
}
