//! JSON bytes as Go's `encoding/json` writes them. Registries and image IDs
//! hash the exact bytes, so layerlab's manifests and configs must be byte
//! for byte what a Go tool would write for the same values: compact, fields in
//! struct order (serde's declaration order), maps sorted by key (BTreeMap),
//! and Go's HTML-safe string escaping.

use std::io;

use serde::Serialize;
use serde_json::ser::Formatter;

/// Serialises `value` the way Go's `json.Marshal` would.
pub fn to_go_json<T: Serialize + ?Sized>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    let mut ser = serde_json::Serializer::with_formatter(&mut out, GoFormatter);
    // Only maps with non-string keys can fail, and layerlab's types have none.
    value
        .serialize(&mut ser)
        .expect("JSON of layerlab's own types cannot fail");
    out
}

/// serde_json's compact output already matches Go for quotes, backslashes,
/// `\n`/`\r`/`\t`/`\b`/`\f` (Go 1.22 and later) and `\u00XX` for other
/// control characters. Go also escapes `<`, `>`, `&` (HTML safety) and
/// U+2028/U+2029 (JavaScript line separators); this formatter adds those.
struct GoFormatter;

impl Formatter for GoFormatter {
    fn write_string_fragment<W: ?Sized + io::Write>(
        &mut self,
        writer: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            let esc = match c {
                '<' => "\\u003c",
                '>' => "\\u003e",
                '&' => "\\u0026",
                '\u{2028}' => "\\u2028",
                '\u{2029}' => "\\u2029",
                _ => continue,
            };
            writer.write_all(&fragment.as_bytes()[start..i])?;
            writer.write_all(esc.as_bytes())?;
            start = i + c.len_utf8();
        }
        writer.write_all(&fragment.as_bytes()[start..])
    }
}

/// For `#[serde(deserialize_with)]`: Go writes `null` for nil slices and
/// maps, and Docker's configs are full of them; read them as empty.
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + serde::Deserialize<'de>,
{
    use serde::Deserialize;
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn escapes_like_go() {
        // Expected text is what Go's json.Marshal prints for the same string
        // (go1.22+: \b and \f have short escapes).
        let s = "<a href=\"x\">&</a>\u{2028}\u{2029}\n\t\r\u{8}\u{c}\u{1}\u{7f}é😀\\";
        assert_eq!(
            String::from_utf8(to_go_json(s)).unwrap(),
            r#""\u003ca href=\"x\"\u003e\u0026\u003c/a\u003e\u2028\u2029\n\t\r\b\f\u0001"#
                .to_string()
                + "\u{7f}é😀\\\\\""
        );
    }

    #[test]
    fn maps_sorted_compact() {
        let mut m = BTreeMap::new();
        m.insert("b".to_string(), 1);
        m.insert("B".to_string(), 2);
        m.insert("a<".to_string(), 3);
        assert_eq!(to_go_json(&m), br#"{"B":2,"a\u003c":3,"b":1}"#);
    }
}
