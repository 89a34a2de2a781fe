"""Inflection, answered from the tables ``tools/build_morphology.py`` derives with lemminflect."""
from __future__ import annotations

import sys
from functools import lru_cache

from .loaded_once import loaded_once
from .sorted_table import SortedTable

Analysis = tuple[str, str, str]  # (thesaurus lemma, WordNet pos, Penn tag)


class Morphology:
    def __init__(self) -> None:
        self._analyses = SortedTable.packaged("analyses.tsv.gz")
        self._inflections = SortedTable.packaged("inflections.tsv.gz")
        self.analyses = lru_cache(maxsize=100_000)(self._analyse)
        self._forms = lru_cache(maxsize=100_000)(self._read_forms)

    def _row(self, form: str) -> list[str]:
        rows = self._analyses.rows(form)
        return rows[0] if rows else ["0"]

    def _analyse(self, form: str) -> tuple[bool, tuple[Analysis, ...]]:
        """Whether ``form`` is an inflected form ("demands", not "demand"), and the thesaurus lemmas it
        inflects ("demands": demand as a plural noun and as a verb)."""
        flag, *cells = self._row(form)
        return flag == "1", tuple(tuple(map(sys.intern, cell.split(":"))) for cell in cells)  # type: ignore[misc]

    def inflect(self, lemma: str, tag: str) -> str | None:
        """The ``tag`` form of an original lemma of the thesaurus ("demand", "NNS" -> "demands")."""
        return self._forms(lemma).get(tag)

    def _read_forms(self, lemma: str) -> dict[str, str]:
        return dict(cell.split(":", 1) for row in self._inflections.rows(lemma) for cell in row)


shared_morphology = loaded_once(Morphology)
