"""Offsets <-> (line, column) in code points, with line breaks untouched."""
from __future__ import annotations

import bisect


class LineIndex:
    """Line starts of a text; lines are split at '\\n' only, so a '\\r' stays on its line."""

    def __init__(self, text: str) -> None:
        self.starts = [0]
        pos = text.find("\n")
        while pos != -1:
            self.starts.append(pos + 1)
            pos = text.find("\n", pos + 1)

    def position(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]
