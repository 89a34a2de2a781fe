"""Candidate originals for an observed word: reverse thesaurus plus inflection.

"requests" is analysed as the plural of "request"; the table says "request"
may stand for "demand"; the candidate is re-inflected to "demands".
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from .language_model import LanguageModel
from .lexicon import Lexicon, ReverseEntry
from .morphology import Morphology

MAX_CANDIDATES = 12
# The one-letter originals a spinner meets in prose ("a" -> "ampere", "I" -> "iodine"); other letters
# are symbols ("c" for constant, "f" for farad) that text does not use as words.
_ONE_LETTER_WORDS = frozenset({"a", "i"})
_DERIVATIONAL_ENDINGS = ("ly", "al", "ic")


@dataclass(frozen=True, slots=True)
class Candidate:
    word: str  # the original as it would read here, lower case
    lemma: str
    pos: str
    relation: str
    observed_lemma: str
    log_q: float  # log10 channel probability of original -> observed
    log_unigram: float  # log10 unigram probability of ``word``
    inflected: bool  # reached by re-inflecting a lemma ("demands" -> demand -> claim -> "claims")


def is_spelling_variant(a: str, b: str) -> bool:
    """organised/organized, theatre/theater, amongst/among: never a spin.

    Not variants: a poetic contraction ("ne'er" for never, a spinner's favourite) and a word with a
    derivational ending added ("directly" for direct, "historical" for historic).
    """
    if min(len(a), len(b)) < 4 or abs(len(a) - len(b)) > 2 or a[0] != b[0] or len(set(a) ^ set(b)) > 3:
        return False
    if not (a.isalpha() and b.isalpha()):
        return False
    short, long = sorted((a, b), key=len)
    if long.startswith(short) and long[len(short):] in _DERIVATIONAL_ENDINGS:
        return False
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1] <= 2


class CandidateGenerator:
    def __init__(self, lexicon: Lexicon, model: LanguageModel, morphology: Morphology) -> None:
        self._lexicon = lexicon
        self._model = model
        self._morphology = morphology
        self.candidates = lru_cache(maxsize=200_000)(self._candidates)

    def is_inflected(self, word: str) -> bool:
        """'demands', 'began': a form that is not its own lemma under any part of speech.

        Spinners that look words up verbatim in their thesaurus never replace such forms; others
        lemmatise and re-inflect.  The channel learns per document which kind it faces.
        """
        return self._morphology.analyses(word)[0]

    def lemma(self, word: str) -> str:
        """The lemma a form belongs to ("demands" -> "demand"; "demand" itself)."""
        inflected, analyses = self._morphology.analyses(word)
        return analyses[0][0] if inflected and analyses else word

    def _candidates(self, word: str) -> tuple[Candidate, ...]:
        """Ranked by the joint prior P(original) * q(observed | original)."""
        limit = 4 * MAX_CANDIDATES
        options = []
        analyses = [(word, None, None), *self._morphology.analyses(word)[1]]
        for lemma, pos, tag in analyses:
            entries = (e for e in self._lexicon.originals(lemma)
                       if pos is None or (e.pos == pos and e.relation != "deriv"))
            options += [(e, lemma, tag) for e in islice(entries, limit)]
        options.sort(key=lambda o: -o[0].log_joint)
        best: dict[str, tuple[str, ReverseEntry, str | None]] = {}  # form -> (observed lemma, entry, tag)
        read = self._model.reading(word)  # "plough" is read "plow", which is then no candidate for it
        for entry, lemma, tag in options[:limit]:
            form = entry.original if tag is None else self._morphology.inflect(entry.original, tag)
            if not form or (len(form) == 1 and form not in _ONE_LETTER_WORDS) or form in (word, read) \
                    or not self._model.known(form) or is_spelling_variant(form, word):
                continue
            have = best.get(form)
            if have is None or entry.log_q > have[1].log_q:
                best[form] = (lemma, entry, tag)
        logp = self._model.logp
        found = [Candidate(form, e.original, e.pos, e.relation, lemma, e.log_q, logp(form, "", ""), tag is not None)
                 for form, (lemma, e, tag) in best.items()]
        found.sort(key=lambda c: -(c.log_q + c.log_unigram))
        return tuple(found[:MAX_CANDIDATES])
