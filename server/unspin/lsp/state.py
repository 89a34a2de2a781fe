"""Per-document state: the text version analysed, its findings, and what the user chose to ignore."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..findings import Finding
from ..tokens import sentence_span
from .diagnostics import DiagnosticCache
from .positions import PositionMap

@dataclass
class DocumentState:
    uri: str
    version: int | None = None  # version the findings belong to
    text: str = ""
    raw_findings: list[Finding] = field(default_factory=list)  # as the engine reported them
    result: int | None = None  # the analysis worker's id for ``raw_findings``
    unrefined: list[Finding] | None = None  # phase 1's findings, once ``raw_findings`` are phase 2's
    findings: list[Finding] = field(default_factory=list)  # less what the user allowed or ignored
    positions: PositionMap | None = None
    ignored: set[str] = field(default_factory=set)
    published: DiagnosticCache = field(default_factory=DiagnosticCache)
    shown: list[Finding] = field(default_factory=list)  # ``findings`` as last published
    revision: int = 0  # changes whenever the diagnostics would: the pull diagnostics' resultId
    severity: object = None  # the severity of the diagnostics of ``revision``

    def at(self, offset: int) -> list[Finding]:
        return [f for f in self.findings if f.start <= offset <= f.end]

    def overlapping(self, start: int, end: int) -> list[Finding]:
        return [f for f in self.findings if f.start <= end and start <= f.end]

    def sentence_span(self, offset: int) -> tuple[int, int]:
        """The sentence around ``offset`` as the engine splits it, so "restore this sentence" acts on
        the span that was analysed."""
        return sentence_span(self.text, offset)
