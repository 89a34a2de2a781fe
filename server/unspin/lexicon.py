"""The shipped reverse thesaurus and unigram lexicon (see tools/build_thesaurus.py)."""
from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass

from .loaded_once import loaded_once
from .sorted_table import SortedTable

RELATION_NAMES = {
    "syn": "is a synonym of",
    "sim": "is similar in meaning to",
    "hyper": "is a broader term for",
    "hypo": "is a narrower term for",
    "group": "is a closely related verb to",
    "also": "is listed with",
    "deriv": "is derived from the same root as",
    "mythes": "is a thesaurus synonym of",
    "two": "is a synonym of a synonym of",
    "chain": "is two thesaurus steps from",
    "moby": "is listed in the Moby thesaurus under",
}
POS_NAMES = {"n": "noun", "v": "verb", "a": "adj.", "r": "adv."}
_FLOOR_ZIPF = 1.0
ORIGINALS_PER_ROW = 24
_ROWS_KEPT = 2_000  # parsed rows kept; candidates are cached downstream, so this only spares re-parsing


@dataclass(frozen=True, slots=True)
class ReverseEntry:
    """An original lemma that a spinner may have turned into the observed lemma."""

    original: str
    pos: str
    relation: str
    log_q: float  # log10 probability that a spinner holding ``original`` picks the observed lemma
    log_joint: float  # log10 P(original) * q: how likely this entry explains an observed word a priori


class Lexicon:
    def __init__(self) -> None:
        self._reverse = SortedTable.packaged("reverse.tsv.gz")
        self._zipf = {word: float(zipf) for word, zipf in SortedTable.packaged("lexicon.tsv.gz").items()}
        self._parsed: OrderedDict[str, tuple[ReverseEntry, ...]] = OrderedDict()

    def originals(self, lemma: str) -> tuple[ReverseEntry, ...]:
        """The likeliest originals that may have been spun into ``lemma`` (lower case), most likely first.

        Rows are stored in that order, so only their first ``ORIGINALS_PER_ROW`` cells are read.
        """
        got = self._parsed.get(lemma)
        if got is None:
            entries = []
            for pos, *cells in self._reverse.rows(lemma, ORIGINALS_PER_ROW + 1):
                pos = sys.intern(pos)
                for cell in cells:
                    orig, rel, log_q = _cell(cell)
                    entries.append(ReverseEntry(sys.intern(orig), pos, sys.intern(rel), log_q,
                                                log_q + self.log10_unigram(orig)))
            entries.sort(key=lambda e: -e.log_joint)
            got = self._parsed[lemma] = tuple(entries)
            if len(self._parsed) > _ROWS_KEPT:
                self._parsed.popitem(last=False)
        return got

    def links(self) -> Iterator[tuple[str, str, str, str, float]]:
        """Every (observed, pos, original, relation, log10 q) of the table, all cells of every row: a
        full scan, for tools such as the benchmarks' spinner."""
        for observed, rest in self._reverse.items():
            pos, *cells = rest.split("\t")
            for cell in cells:
                yield observed, pos, *_cell(cell)

    def zipf(self, word: str) -> float:
        return self._zipf.get(word, _FLOOR_ZIPF)

    def log10_unigram(self, word: str) -> float:
        return self.zipf(word) - 9.0


def _cell(cell: str) -> tuple[str, str, float]:
    """A row's cell "original:relation:log10q" as (original, relation, log10 q)."""
    orig, rel, log_q = cell.rsplit(":", 2)
    return orig, rel, float(log_q)


shared_lexicon = loaded_once(Lexicon)
