"""An open document's text, kept in step with the client's edits under LSP's rules.

pygls's ``TextDocument`` splits lines with ``str.splitlines``, which also breaks at \\x0b, \\x0c,
\\x1c-\\x1e, \\x85, \\u2028 and \\u2029, and lets a position past a line's end land after its line
break (or between the \\r and \\n of a CRLF).  The server's text then differs from the editor's and
every later edit, fix-all included, lands in the wrong place.  This model follows LSP: lines break at
CRLF, CR and LF only; a character past a line's end is the line's end; a line past the last is the
end of the document.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from lsprotocol import types

from .positions import PositionMap


@dataclass
class Document:
    uri: str
    text: str
    version: int | None = None
    language_id: str = "plaintext"
    _map: PositionMap | None = field(default=None, repr=False, compare=False)

    def positions(self, encoding: str) -> PositionMap:
        """The position map of the current text (built once per text and encoding)."""
        if self._map is None or self._map.text is not self.text or self._map.encoding != encoding:
            self._map = PositionMap(self.text, encoding)
        return self._map

    def apply(self, change: types.TextDocumentContentChangeEvent, encoding: str) -> None:
        """Apply one content change (a whole-document one, or a range replaced)."""
        if isinstance(change, types.TextDocumentContentChangePartial):
            pm = self.positions(encoding)
            start, end = pm.offset(change.range.start), pm.offset(change.range.end)
            if end < start:  # a reversed range: LSP leaves it undefined; take it as the span between
                start, end = end, start
            self.text = self.text[:start] + change.text + self.text[end:]
        else:
            self.text = change.text
        self._map = None
