"""A document's tortured-phrase screening summary, as research-integrity staff read one.

The Problematic Paper Screener flags a paper holding five or more tortured phrases; the summary
gives that verdict beside the counts it rests on, so a reader can set their own bar.
"""
from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass

from .findings import Finding

PHRASE_KINDS = frozenset({"phrase", "fingerprint"})
FLAG_AT = 5  # distinct tortured phrases from which the screener flags a paper
MOST_FREQUENT = 10
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class Screening:
    phrases: int  # distinct tortured phrases (case and spacing folded)
    occurrences: int
    words: int
    per_1k_words: float  # occurrences per 1,000 words
    most_frequent: tuple[tuple[str, str, int], ...]  # (phrase, its likeliest original or "", count)
    verdict: str  # "flag" from ``threshold`` distinct phrases on, else "pass"
    threshold: int = FLAG_AT

    def as_json(self) -> dict:
        out = asdict(self)
        out["most_frequent"] = [{"phrase": p, "expected": e, "count": n} for p, e, n in self.most_frequent]
        return out


def _fold(text: str) -> str:
    return " ".join(text.lower().split())


def screen(text: str, findings: Iterable[Finding], threshold: int = FLAG_AT) -> Screening:
    """The summary of ``text`` from its findings of the phrase kinds (single spun words are not counted)."""
    counts: Counter[str] = Counter()
    expected: dict[str, str] = {}
    for f in findings:
        if f.kind not in PHRASE_KINDS:
            continue
        key = _fold(f.text)
        counts[key] += 1
        expected.setdefault(key, _fold(f.best) if f.best else "")
    words = len(_WORD.findall(text))
    occurrences = sum(counts.values())
    top = tuple((p, expected[p], n) for p, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:MOST_FREQUENT])
    return Screening(len(counts), occurrences, words, round(1000.0 * occurrences / words, 2) if words else 0.0,
                     top, "flag" if len(counts) >= threshold else "pass", threshold)
