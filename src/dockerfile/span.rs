//! Byte spans into the source text, and conversion to lines and columns.

use serde::Serialize;

/// A half-open byte range `[start, end)` in the original source.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    pub const fn empty(at: usize) -> Self {
        Span { start: at, end: at }
    }

    pub fn len(&self) -> usize {
        self.end - self.start
    }

    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }
}

/// 1-based line and column; the column counts characters (Unicode scalar values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LineCol {
    pub line: usize,
    pub col: usize,
}

/// Maps byte offsets to lines and columns, and to UTF-16 offsets for editors.
pub struct LineIndex<'a> {
    src: &'a str,
    line_starts: Vec<usize>,
    /// The UTF-16 offset of each line start: a conversion then counts
    /// within one line, not from the top of the file for every finding.
    utf16_line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(src: &'a str) -> Self {
        let mut line_starts = vec![0];
        let mut utf16_line_starts = vec![0];
        let mut utf16 = 0;
        for (i, c) in src.char_indices() {
            utf16 += c.len_utf16();
            if c == '\n' {
                line_starts.push(i + 1);
                utf16_line_starts.push(utf16);
            }
        }
        LineIndex {
            src,
            line_starts,
            utf16_line_starts,
        }
    }

    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = floor_char_boundary(self.src, offset);
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let col = self.src[self.line_starts[line]..offset].chars().count() + 1;
        LineCol {
            line: line + 1,
            col,
        }
    }

    /// The UTF-16 code-unit offset of a byte offset (what CodeMirror and the DOM count).
    pub fn utf16_offset(&self, offset: usize) -> usize {
        let offset = floor_char_boundary(self.src, offset);
        let line = self.line_starts.partition_point(|&s| s <= offset) - 1;
        let start = self.line_starts[line];
        self.utf16_line_starts[line]
            + self.src[start..offset]
                .chars()
                .map(char::len_utf16)
                .sum::<usize>()
    }
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_and_utf16() {
        let src = "FROM a\nRUN é😀x\n";
        let idx = LineIndex::new(src);
        assert_eq!(idx.line_col(0), LineCol { line: 1, col: 1 });
        assert_eq!(idx.line_col(7), LineCol { line: 2, col: 1 });
        let x = src.find('x').unwrap();
        assert_eq!(idx.line_col(x), LineCol { line: 2, col: 7 });
        // é is 1 UTF-16 unit, 😀 is 2.
        assert_eq!(idx.utf16_offset(x), 7 + 4 + 1 + 2);
        // On a later line, and at the end; past the end clamps.
        let src = "RUN 😀\nRUN é\nx";
        let idx = LineIndex::new(src);
        assert_eq!(idx.utf16_offset(src.find('x').unwrap()), 7 + 6);
        assert_eq!(idx.utf16_offset(src.len()), 7 + 6 + 1);
        assert_eq!(idx.utf16_offset(src.len() + 5), 7 + 6 + 1);
        // Every offset agrees with counting from the top.
        for i in 0..=src.len() {
            let top = floor_char_boundary(src, i);
            let expected: usize = src[..top].chars().map(char::len_utf16).sum();
            assert_eq!(idx.utf16_offset(i), expected, "at {i}");
        }
    }
}
