"""Per-document state: the text version analysed, its findings, and what the user chose to ignore."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..findings import Finding
from .diagnostics import DiagnosticCache
from .positions import PositionMap

_SENTENCE_END = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)|\n\s*\n")


@dataclass
class DocumentState:
    uri: str
    version: int | None = None  # version the findings belong to
    text: str = ""
    raw_findings: list[Finding] = field(default_factory=list)  # as the engine reported them
    result: int | None = None  # the analysis worker's id for ``raw_findings``
    findings: list[Finding] = field(default_factory=list)  # less what the user allowed or ignored
    positions: PositionMap | None = None
    ignored: set[str] = field(default_factory=set)
    published: DiagnosticCache = field(default_factory=DiagnosticCache)

    def at(self, offset: int) -> list[Finding]:
        return [f for f in self.findings if f.start <= offset <= f.end]

    def overlapping(self, start: int, end: int) -> list[Finding]:
        return [f for f in self.findings if f.start <= end and start <= f.end]

    def sentence_span(self, offset: int) -> tuple[int, int]:
        start = 0
        for m in _SENTENCE_END.finditer(self.text):
            if m.end() <= offset:
                start = m.end()
            else:
                return start, m.end()
        return start, len(self.text)
