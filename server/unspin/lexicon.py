"""The shipped reverse thesaurus and unigram lexicon (see tools/build_thesaurus.py)."""
from __future__ import annotations

import gzip
import threading
from dataclasses import dataclass
from functools import cache
from importlib import resources

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
}
POS_NAMES = {"n": "noun", "v": "verb", "a": "adj.", "r": "adv."}
_FLOOR_ZIPF = 1.0
ORIGINALS_PER_ROW = 48


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
        data = resources.files("unspin") / "data"
        with gzip.open(data.joinpath("reverse.tsv.gz").open("rb"), "rt", encoding="utf-8") as fh:
            raw: dict[str, list[str]] = {}
            for line in fh:
                word, _, rest = line.partition("\t")
                raw.setdefault(word, []).append(rest.rstrip("\n"))
        self._raw = raw
        with gzip.open(data.joinpath("lexicon.tsv.gz").open("rb"), "rt", encoding="utf-8") as fh:
            self._zipf = {w: float(z) for w, _, z in (line.rstrip("\n").partition("\t") for line in fh)}
        self._parsed: dict[str, tuple[ReverseEntry, ...]] = {}

    def originals(self, lemma: str) -> tuple[ReverseEntry, ...]:
        """The likeliest originals that may have been spun into ``lemma`` (lower case), most likely first.

        Rows are stored in that order, so only their first ``ORIGINALS_PER_ROW`` cells are parsed.
        """
        got = self._parsed.get(lemma)
        if got is None:
            entries = []
            for row in self._raw.get(lemma, ()):
                pos, *cells = row.split("\t", ORIGINALS_PER_ROW + 1)[:ORIGINALS_PER_ROW + 1]
                for cell in cells:
                    orig, rel, lq = cell.rsplit(":", 2)
                    entries.append(ReverseEntry(orig, pos, rel, float(lq), float(lq) + self.log10_unigram(orig)))
            entries.sort(key=lambda e: -e.log_joint)
            got = self._parsed[lemma] = tuple(entries)
        return got

    def observed_lemmas(self) -> list[str]:
        return list(self._raw)

    def zipf(self, word: str) -> float:
        return self._zipf.get(word, _FLOOR_ZIPF)

    def log10_unigram(self, word: str) -> float:
        return self.zipf(word) - 9.0


_lock = threading.Lock()


@cache
def _load() -> Lexicon:
    return Lexicon()


def shared_lexicon() -> Lexicon:
    """The process-wide lexicon, loaded on first use."""
    with _lock:
        return _load()
