//! The raw payload of an imported record: its fields exactly as the file gave them.
//!
//! Kept as a flat list in file order while the record is read (one push per field, no map),
//! and stored as one JSON object of field → value, keys sorted, a repeated field as an array
//! of its values in file order: `{"AU":["Smith, J.","Lee, K."],"TI":"…"}`. Serialised
//! straight from the list, without building a `serde_json::Value` tree first.

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::value::RawValue;

/// An entry's fields as read, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RawFields(Vec<(String, String)>);

impl RawFields {
    /// Adds a field (a repeated field becomes an array in the payload).
    pub fn push(&mut self, key: &str, value: &str) {
        self.0.push((key.to_string(), value.to_string()));
    }

    /// Every `(field, value)` in file order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// The first value of `key`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.iter().find(|(k, _)| *k == key).map(|(_, v)| v)
    }

    /// The payload as JSON.
    pub fn to_json(&self) -> Box<RawValue> {
        serde_json::value::to_raw_value(self).expect("strings always serialise")
    }
}

/// The values of one repeated field.
struct Values<'a>(&'a [&'a (String, String)]);

impl Serialize for Values<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.0.len()))?;
        for (_, v) in self.0 {
            seq.serialize_element(v)?;
        }
        seq.end()
    }
}

impl Serialize for RawFields {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        // By key, then file order (a repeated field's values stay in order). Keys are short:
        // their first 8 bytes as one number (and the length) order almost all of them as
        // plain integers; only long keys sharing those 8 bytes need comparing in full.
        let mut order: Vec<(u64, usize, usize)> = self
            .0
            .iter()
            .enumerate()
            .map(|(i, (k, _))| {
                let mut p = [0u8; 8];
                let n = k.len().min(8);
                p[..n].copy_from_slice(&k.as_bytes()[..n]);
                (u64::from_be_bytes(p), k.len().min(9), i)
            })
            .collect();
        order.sort_unstable();
        for run in order.chunk_by_mut(|a, b| a.0 == b.0 && a.1 == 9 && b.1 == 9) {
            run.sort_unstable_by(|a, b| self.0[a.2].0.cmp(&self.0[b.2].0).then(a.2.cmp(&b.2)));
        }
        let sorted: Vec<&(String, String)> = order.iter().map(|&(_, _, i)| &self.0[i]).collect();
        let mut map = s.serialize_map(None)?;
        for group in sorted.chunk_by(|a, b| a.0 == b.0) {
            match group {
                [one] => map.serialize_entry(&one.0, &one.1)?,
                many => map.serialize_entry(&many[0].0, &Values(many))?,
            }
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_become_arrays_in_file_order_and_keys_are_sorted() {
        let mut r = RawFields::default();
        for (k, v) in [
            ("TI", "T"),
            ("AU", "b"),
            ("KW", "\"q\"\n"),
            ("AU", "a"),
            ("AB", ""),
            ("funding_text 2", "y"),
            ("funding_text 1", "x"),
            ("AB\u{0}", "z"),
            ("funding_text 1", "x2"),
            ("funding_text 10", "w"),
            ("funding_tex", "v"),
        ] {
            r.push(k, v);
        }
        assert_eq!(
            r.to_json().get(),
            r#"{"AB":"","AB\u0000":"z","AU":["b","a"],"KW":"\"q\"\n","TI":"T","funding_tex":"v","funding_text 1":["x","x2"],"funding_text 10":"w","funding_text 2":"y"}"#
        );
        assert_eq!(r.get("AU"), Some("b"));
        assert_eq!(RawFields::default().to_json().get(), "{}");
    }
}
