"""Candidate originals for an observed word: reverse thesaurus plus inflection.

"requests" is analysed as the plural of "request"; the table says "request"
may stand for "demand"; the candidate is re-inflected to "demands".
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

import lemminflect

from .language_model import LanguageModel
from .lexicon import Lexicon

_UPOS_TO_WN = {"NOUN": "n", "VERB": "v", "AUX": "v", "ADJ": "a", "ADV": "r"}
MAX_CANDIDATES = 12


@dataclass(frozen=True, slots=True)
class Candidate:
    word: str  # the original as it would read here, lower case
    lemma: str
    pos: str
    relation: str
    observed_lemma: str
    log_q: float  # log10 channel probability of original -> observed
    log_unigram: float = 0.0  # log10 unigram probability of ``word``


def _analyses(word: str) -> list[tuple[str, str | None, str | None]]:
    """(lemma, WordNet pos or None for any, inflection tag or None for base form)."""
    out: list[tuple[str, str | None, str | None]] = [(word, None, None)]
    for upos, lemmas in lemminflect.getAllLemmas(word).items():
        wn = _UPOS_TO_WN.get(upos)
        if wn is None:
            continue
        for lemma in lemmas:
            if lemma == word:
                continue
            for tag, forms in lemminflect.getAllInflections(lemma, upos).items():
                if word in forms:
                    out.append((lemma, wn, tag))
    return out


@lru_cache(maxsize=100_000)
def _inflect(lemma: str, tag: str | None) -> str | None:
    if tag is None:
        return lemma
    forms = lemminflect.getInflection(lemma, tag, inflect_oov=True)
    return forms[0] if forms else None


def is_spelling_variant(a: str, b: str) -> bool:
    """organised/organized, theatre/theater, amongst/among: never a spin."""
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 2 or a[0] != b[0] or len(set(a) ^ set(b)) > 3:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] <= 2


class CandidateGenerator:
    def __init__(self, lexicon: Lexicon, model: LanguageModel) -> None:
        self._lexicon = lexicon
        self._model = model
        self.candidates = lru_cache(maxsize=200_000)(self._candidates)

    def _candidates(self, word: str) -> tuple[Candidate, ...]:
        """Ranked by the joint prior P(original) * q(observed | original)."""
        zipf = self._lexicon.zipf
        options = [(entry.log_q + zipf(entry.original), lemma, tag, entry)
                   for lemma, pos, tag in _analyses(word)
                   for entry in self._lexicon.originals(lemma)
                   if pos is None or (entry.pos == pos and entry.relation != "deriv")]
        options.sort(key=lambda o: -o[0])
        best: dict[str, Candidate] = {}
        for _, lemma, tag, entry in options[: 4 * MAX_CANDIDATES]:
            form = _inflect(entry.original, tag)
            if not form or form == word or not self._model.known(form) or is_spelling_variant(form, word):
                continue
            have = best.get(form)
            if have is None or entry.log_q > have.log_q:
                best[form] = Candidate(form, entry.original, entry.pos, entry.relation, lemma, entry.log_q)
        uni = {w: self._model.logp(w, "", "") for w in best}
        ranked = sorted(best.values(), key=lambda c: -(c.log_q + uni[c.word]))
        return tuple(replace(c, log_unigram=uni[c.word]) for c in ranked[:MAX_CANDIDATES])
