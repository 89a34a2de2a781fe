"""What the engine reports: plain dataclasses, no editor types."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Suggestion:
    text: str  # replacement for the whole range, case pattern of the observed text applied
    probability: float  # posterior that this is the original
    relation: str  # e.g. "'in' (adj.) is similar in meaning to 'successful'"


@dataclass(frozen=True, slots=True)
class Finding:
    start: int  # code-point offset into the analysed text
    end: int
    text: str
    confidence: float  # probability that the range was substituted
    suggestions: tuple[Suggestion, ...]
    evidence: str  # why the context prefers the suggestion
    kind: str = "spun-word"

    @property
    def best(self) -> str | None:
        return self.suggestions[0].text if self.suggestions else None

    def shifted(self, by: int) -> "Finding":
        """The same finding ``by`` code points further on (cheaper than ``dataclasses.replace``)."""
        return Finding(self.start + by, self.end + by, self.text, self.confidence, self.suggestions, self.evidence,
                       self.kind)
