//! The JSON ("exec") form of an instruction: `["a", "b"]`.
//!
//! BuildKit decodes the arguments with Go's `encoding/json` into `[]any` and then
//! requires every element to be a string. The distinction matters: text that is
//! not valid JSON silently falls back to the shell form, while valid JSON with a
//! non-string element is a hard error. This module reproduces both outcomes and
//! records the byte span of every string element, which `serde_json` cannot give.

use super::span::Span;

#[derive(Debug, PartialEq, Eq)]
pub enum JsonArgsError {
    /// Not JSON, or not an array: the instruction falls back to the shell form.
    NotJson,
    /// A valid JSON array with an element that is not a string.
    NotStrings,
}

/// Go's `encoding/json` refuses documents nested deeper than this.
const MAX_DEPTH: usize = 10_000;

/// Parses `text` (whose first byte sits at `base` in the source) as a JSON array of
/// strings. Leading whitespace is skipped the way BuildKit trims it (any Unicode space).
pub fn parse_string_array(text: &str, base: usize) -> Result<Vec<(String, Span)>, JsonArgsError> {
    let trimmed = text.trim_start_matches(char::is_whitespace);
    let offset = text.len() - trimmed.len();
    if !trimmed.starts_with('[') {
        return Err(JsonArgsError::NotJson);
    }
    let mut p = JsonParser {
        s: trimmed.as_bytes(),
        pos: 0,
    };
    // Validate the whole document first, as Go does, so that a syntax error
    // anywhere wins over a non-string element.
    p.skip_ws();
    p.value().ok_or(JsonArgsError::NotJson)?;
    p.skip_ws();
    if p.pos != p.s.len() {
        return Err(JsonArgsError::NotJson);
    }

    // Second pass: read the top-level elements.
    let mut p = JsonParser {
        s: trimmed.as_bytes(),
        pos: 0,
    };
    let mut out = Vec::new();
    p.pos += 1; // '['
    p.skip_ws();
    if p.peek() == Some(b']') {
        return Ok(out);
    }
    loop {
        p.skip_ws();
        let start = p.pos;
        if p.peek() != Some(b'"') {
            return Err(JsonArgsError::NotStrings);
        }
        let value = p.string().ok_or(JsonArgsError::NotJson)?;
        out.push((
            value,
            Span::new(base + offset + start, base + offset + p.pos),
        ));
        p.skip_ws();
        match p.bump() {
            Some(b',') => continue,
            _ => return Ok(out),
        }
    }
}

struct JsonParser<'a> {
    s: &'a [u8],
    pos: usize,
}

impl JsonParser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn bump(&mut self) -> Option<u8> {
        let b = self.peek()?;
        self.pos += 1;
        Some(b)
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn eat(&mut self, lit: &[u8]) -> Option<()> {
        if self.s[self.pos..].starts_with(lit) {
            self.pos += lit.len();
            Some(())
        } else {
            None
        }
    }

    /// Validates one value. Iterative, with an explicit stack of open containers,
    /// so hostile nesting costs heap (bounded by MAX_DEPTH, as in Go), not stack.
    fn value(&mut self) -> Option<()> {
        let mut open: Vec<u8> = Vec::new(); // the closing byte of each open container
        loop {
            self.skip_ws();
            match self.peek()? {
                c @ (b'[' | b'{') => {
                    self.pos += 1;
                    if open.len() >= MAX_DEPTH {
                        return None;
                    }
                    let close = if c == b'[' { b']' } else { b'}' };
                    self.skip_ws();
                    if self.peek() == Some(close) {
                        self.pos += 1;
                    } else {
                        open.push(close);
                        if close == b'}' {
                            self.key()?;
                        }
                        continue;
                    }
                }
                b'"' => {
                    self.string()?;
                }
                b't' => self.eat(b"true")?,
                b'f' => self.eat(b"false")?,
                b'n' => self.eat(b"null")?,
                b'-' | b'0'..=b'9' => self.number()?,
                _ => return None,
            }
            // A value is complete: close what it completes, or move to the next element.
            loop {
                let Some(&close) = open.last() else {
                    return Some(());
                };
                self.skip_ws();
                match self.bump()? {
                    b',' => {
                        if close == b'}' {
                            self.key()?;
                        }
                        break;
                    }
                    c if c == close => {
                        open.pop();
                    }
                    _ => return None,
                }
            }
        }
    }

    fn key(&mut self) -> Option<()> {
        self.skip_ws();
        if self.peek()? != b'"' {
            return None;
        }
        self.string()?;
        self.skip_ws();
        (self.bump()? == b':').then_some(())
    }

    fn number(&mut self) -> Option<()> {
        let start = self.pos;
        self.number_syntax()?;
        // Go decodes numbers into float64 and fails on overflow (ErrRange), which
        // is not the strings-only error, so BuildKit falls back to the shell form.
        let text = std::str::from_utf8(&self.s[start..self.pos]).ok()?;
        text.parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(|_| ())
    }

    fn number_syntax(&mut self) -> Option<()> {
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        match self.bump()? {
            b'0' => {}
            b'1'..=b'9' => self.digits(),
            _ => return None,
        }
        if self.peek() == Some(b'.') {
            self.pos += 1;
            if !self.peek()?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        if matches!(self.peek(), Some(b'e' | b'E')) {
            self.pos += 1;
            if matches!(self.peek(), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if !self.peek()?.is_ascii_digit() {
                return None;
            }
            self.digits();
        }
        Some(())
    }

    fn digits(&mut self) {
        while matches!(self.peek(), Some(b'0'..=b'9')) {
            self.pos += 1;
        }
    }

    fn hex4(&mut self) -> Option<u32> {
        let h = self.s.get(self.pos..self.pos + 4)?;
        let h = std::str::from_utf8(h).ok()?;
        let v = u32::from_str_radix(h, 16).ok()?;
        if !h.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        self.pos += 4;
        Some(v)
    }

    /// Decodes a string as Go does: lone surrogates become U+FFFD.
    fn string(&mut self) -> Option<String> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let start = self.pos;
            while let Some(b) = self.peek() {
                if b == b'"' || b == b'\\' || b < 0x20 {
                    break;
                }
                self.pos += 1;
            }
            // The input came from a &str and we stopped at ASCII bytes, so this is a char boundary.
            out.push_str(std::str::from_utf8(&self.s[start..self.pos]).ok()?);
            match self.bump()? {
                b'"' => return Some(out),
                b'\\' => match self.bump()? {
                    b'"' => out.push('"'),
                    b'\\' => out.push('\\'),
                    b'/' => out.push('/'),
                    b'b' => out.push('\u{8}'),
                    b'f' => out.push('\u{c}'),
                    b'n' => out.push('\n'),
                    b'r' => out.push('\r'),
                    b't' => out.push('\t'),
                    b'u' => {
                        let u = self.hex4()?;
                        if (0xD800..0xDC00).contains(&u) {
                            // A high surrogate pairs only with an immediately following low one.
                            let save = self.pos;
                            if self.eat(b"\\u").is_some()
                                && let Some(lo) = self.hex4()
                                && (0xDC00..0xE000).contains(&lo)
                            {
                                let c = 0x10000 + ((u - 0xD800) << 10) + (lo - 0xDC00);
                                out.push(char::from_u32(c).unwrap_or('\u{FFFD}'));
                                continue;
                            }
                            self.pos = save;
                            out.push('\u{FFFD}');
                        } else {
                            out.push(char::from_u32(u).unwrap_or('\u{FFFD}'));
                        }
                    }
                    _ => return None,
                },
                _ => return None, // control character
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(s: &str) -> Result<Vec<String>, JsonArgsError> {
        parse_string_array(s, 0).map(|v| v.into_iter().map(|(s, _)| s).collect())
    }

    #[test]
    fn strings_with_spans() {
        let v = parse_string_array(r#" [ "a", "b\"c" ]"#, 10).unwrap();
        assert_eq!(v[0], ("a".to_string(), Span::new(13, 16)));
        assert_eq!(v[1].0, "b\"c");
    }

    #[test]
    fn invalid_json_falls_back_but_non_strings_fail() {
        assert_eq!(values(r#"["a", "b""#), Err(JsonArgsError::NotJson));
        assert_eq!(values(r#"['a']"#), Err(JsonArgsError::NotJson));
        assert_eq!(values(r#"["a"] x"#), Err(JsonArgsError::NotJson));
        assert_eq!(values(r#"["a", 1]"#), Err(JsonArgsError::NotStrings));
        assert_eq!(values(r#"["a", ["b"]]"#), Err(JsonArgsError::NotStrings));
        assert_eq!(values(r#"["a", null]"#), Err(JsonArgsError::NotStrings));
        // A syntax error later in the document wins over an earlier non-string.
        assert_eq!(values(r#"[1, "a""#), Err(JsonArgsError::NotJson));
        assert_eq!(values("[]"), Ok(vec![]));
        // Overflowing numbers are a decode error in Go, not a type error.
        assert_eq!(values("[1e999]"), Err(JsonArgsError::NotJson));
        assert_eq!(values("[1e99]"), Err(JsonArgsError::NotStrings));
    }

    #[test]
    fn escapes_and_surrogates() {
        assert_eq!(
            values(r#"["\u00e9\ud83d\ude00\ud800x\/"]"#).unwrap(),
            vec!["é😀\u{FFFD}x/"]
        );
        assert_eq!(values("[\"a\tb\"]"), Err(JsonArgsError::NotJson));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let deep = "[".repeat(20_000);
        assert_eq!(values(&deep), Err(JsonArgsError::NotJson));
    }
}
