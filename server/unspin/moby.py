"""The Moby II thesaurus, reversed: which headwords a spinner drawing on Moby may have replaced.

Public spinners draw on Moby (Grady Ward, public domain), whose entries are far broader than
WordNet's synsets ("artificial" -> "counterfeit", "support" -> "bolster").  The shipped table
(``data/moby.tsv.gz``, built by ``tools/build_moby.py``) is keyed by the observed word or phrase
in lower case; each headword carries the size of its entry, since a spinner picking uniformly
from an entry of ``size`` items picks each with probability ``1 / size``.
"""
from __future__ import annotations

import math
import sys
from collections import OrderedDict
from dataclasses import dataclass

from .loaded_once import loaded_once
from .sorted_table import SortedTable

_ROWS_KEPT = 2_000  # parsed rows kept, as in ``lexicon``: candidates are cached per word downstream


@dataclass(frozen=True, slots=True)
class MobyLink:
    """A headword whose Moby entry lists the observed word or phrase."""

    original: str  # the headword as Moby writes it (a few are capitalised or several words)
    size: int  # how many items its entry has

    @property
    def log_q(self) -> float:
        """log10 probability that a uniform pick from the headword's entry gives the observed item."""
        return -math.log10(self.size)


class Moby:
    def __init__(self) -> None:
        self._reverse = SortedTable.packaged("moby.tsv.gz")
        self._parsed: OrderedDict[str, tuple[MobyLink, ...]] = OrderedDict()

    def links(self, observed: str, most: int | None = None) -> tuple[MobyLink, ...]:
        """Headwords whose entry lists ``observed`` (any case), likeliest first: by the probability of a
        uniform pick from their entry times their own frequency (single words before phrases).
        ``most``: only that many, which spares parsing the rest of a long row."""
        key = observed.lower() if most is None else f"{observed.lower()}\0{most}"
        got = self._parsed.get(key)
        if got is None:
            got = tuple(_link(cell) for row in self._reverse.rows(observed.lower(), most) for cell in row)
            self._parsed[key] = got
            if len(self._parsed) > _ROWS_KEPT:
                self._parsed.popitem(last=False)
        else:
            self._parsed.move_to_end(key)
        return got

    def single_words(self, observed: str, most: int | None = None) -> list[tuple[str, float]]:
        """(headword in lower case, log10 q) of the ``links`` whose headword is one word of letters: the
        originals a spinner replacing a single word may have had."""
        return [(original, link.log_q) for link in self.links(observed, most)
                if " " not in (original := link.original.lower()) and original.isalpha()]

    def originals(self, observed: str) -> tuple[str, ...]:
        """The headwords ``observed`` may have replaced: possible originals of a spun word or phrase."""
        return tuple(link.original for link in self.links(observed))


def _link(cell: str) -> MobyLink:
    original, size = cell.rsplit(":", 1)
    return MobyLink(sys.intern(original), int(size))


shared_moby = loaded_once(Moby)
