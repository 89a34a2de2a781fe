"""Code-point offsets <-> LSP positions in the negotiated encoding (utf-16, utf-8 or utf-32).

LSP breaks lines at CRLF, CR and LF only (``str.splitlines`` also breaks at \\x0b, \\x0c, \\x1c-\\x1e,
\\x85, \\u2028 and \\u2029, which would put the server's lines out of step with the editor's).  A
character past its line's end means the line's end, before its line break.
"""
from __future__ import annotations

import bisect
import re

from lsprotocol import types

LINE_BREAK = re.compile(r"\r\n|\r|\n")
UTF8, UTF16, UTF32 = (types.PositionEncodingKind.Utf8, types.PositionEncodingKind.Utf16,
                      types.PositionEncodingKind.Utf32)


def line_starts(text: str) -> list[int]:
    return [0] + [m.end() for m in LINE_BREAK.finditer(text)]


def units(text: str, encoding: str) -> int:
    """Length of ``text`` in the encoding's code units."""
    if encoding == UTF32 or text.isascii():
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def code_points(line: str, count: int, encoding: str) -> int:
    """How many code points of ``line`` the first ``count`` code units cover, clamped to the line; a
    count inside a character rounds down to its start (in C, not per character: lines can be long)."""
    if count <= 0:
        return 0
    if encoding == UTF32 or line.isascii():
        return min(count, len(line))
    if encoding == UTF8:
        return len(line.encode("utf-8", "surrogatepass")[:count].decode("utf-8", "ignore"))
    prefix = line.encode("utf-16-le", "surrogatepass")[: 2 * count].decode("utf-16-le", "surrogatepass")
    n = len(prefix)
    if n and prefix[-1] != line[n - 1]:  # cut inside a surrogate pair
        n -= 1
    return n


class PositionMap:
    """Built once per document version.

    ``position`` is asked for offsets in increasing order (a document's findings), so it walks on
    from the previous answer on the same line instead of measuring the line from its start again:
    on a document that is one long line that would cost the line's length per finding.
    """

    def __init__(self, text: str, encoding: str) -> None:
        self.text, self.encoding = text, encoding
        self.starts = line_starts(text)
        self._plain = encoding == UTF32 or text.isascii()
        self._cursor = (0, 0)  # (offset, units from its line's start) of the last answer

    def position(self, offset: int) -> types.Position:
        line = bisect.bisect_right(self.starts, offset) - 1
        start = self.starts[line]
        if self._plain:
            return types.Position(line, offset - start)
        at, counted = self._cursor
        if not start <= at <= offset:
            at, counted = start, 0
        counted += units(self.text[at:offset], self.encoding)
        self._cursor = (offset, counted)
        return types.Position(line, counted)

    def range(self, start: int, end: int) -> types.Range:
        return types.Range(self.position(start), self.position(end))

    def line_end(self, line: int) -> int:
        """Offset of the end of ``line``'s text, before its line break."""
        if line + 1 >= len(self.starts):
            return len(self.text)
        end = self.starts[line + 1]
        if self.text[end - 1] == "\n":
            end -= 1
        if end > self.starts[line] and self.text[end - 1] == "\r":
            end -= 1
        return end

    def offset(self, pos: types.Position) -> int:
        """Code-point offset of ``pos``, clamped to its line and to the document (LSP: a character
        past the line's end is the line's end; clients may send stale positions)."""
        if pos.line >= len(self.starts):
            return len(self.text)
        start = self.starts[pos.line]
        line = self.text[start: self.line_end(pos.line)]
        return start + code_points(line, pos.character, self.encoding)
