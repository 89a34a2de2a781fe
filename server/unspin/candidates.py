"""Candidate originals for an observed word: reverse thesaurus plus inflection.

"requests" is analysed as the plural of "request"; the table says "request"
may stand for "demand"; the candidate is re-inflected to "demands".
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

import lemminflect

from .language_model import LanguageModel
from .lexicon import Lexicon, ReverseEntry

_UPOS_TO_WN = {"NOUN": "n", "VERB": "v", "AUX": "v", "ADJ": "a", "ADV": "r"}
_TAG_UPOS = {"NN": "NOUN", "NNS": "NOUN", "JJ": "ADJ", "JJR": "ADJ", "JJS": "ADJ", "RB": "ADV", "RBR": "ADV",
             "RBS": "ADV", **{t: "VERB" for t in ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ")}}
MAX_CANDIDATES = 12


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
            out += [(lemma, wn, tag) for tag, forms in _inflections(lemma, upos) if word in forms]
    return out


def _inflection_tables():
    """lemminflect's own lookup tables, read without its per-call deep copy (3x faster when cold).

    These are lemminflect internals (pinned to 0.2.x in pyproject); if they move, the public,
    slower ``getAllInflections`` is used instead.
    """
    try:
        from lemminflect.core.Inflections import Inflections
        from lemminflect.core.LexicalUtils import uposToTags

        tables = Inflections()
        return tables._getInflDict(), tables._getOverridesDict(), uposToTags
    except (ImportError, AttributeError):
        return None


_TABLES = _inflection_tables()


@lru_cache(maxsize=100_000)
def _inflections(lemma: str, upos: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """{Penn tag: forms} of an (upper-case-free) lemma, as lemminflect's getAllInflections gives it."""
    if _TABLES is None or lemma != lemma.lower():
        return tuple(lemminflect.getAllInflections(lemma, upos).items())
    forms_by_lemma, overrides, upos_to_tags = _TABLES
    forms = dict(forms_by_lemma.get(lemma, {}))
    forms.update(overrides.get(lemma, {}))
    tags = upos_to_tags(upos)
    return tuple((tag, f) for tag, f in forms.items() if tag in tags)


@lru_cache(maxsize=100_000)
def _inflect(lemma: str, tag: str | None) -> str | None:
    if tag is None:
        return lemma
    upos = _TAG_UPOS.get(tag)
    forms = dict(_inflections(lemma, upos)).get(tag) if upos else None
    if not forms:
        forms = lemminflect.getInflection(lemma, tag, inflect_oov=True)
    return forms[0] if forms else None


@lru_cache(maxsize=100_000)
def is_inflected(word: str) -> bool:
    """'demands', 'began': a form that is not its own lemma under any part of speech.

    Spinners that look words up verbatim in their thesaurus never replace such forms; others
    lemmatise and re-inflect.  The channel learns per document which kind it faces.
    """
    lemmas = lemminflect.getAllLemmas(word)
    return bool(lemmas) and not any(word in forms for forms in lemmas.values())


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
        limit = 4 * MAX_CANDIDATES
        options = []
        for lemma, pos, tag in _analyses(word):
            entries = (e for e in self._lexicon.originals(lemma)
                       if pos is None or (e.pos == pos and e.relation != "deriv"))
            options += [(e, lemma, tag) for e in islice(entries, limit)]
        options.sort(key=lambda o: -o[0].log_joint)
        best: dict[str, tuple[str, ReverseEntry, str | None]] = {}  # form -> (observed lemma, entry, tag)
        for entry, lemma, tag in options[:limit]:
            form = _inflect(entry.original, tag)
            if not form or form == word or not self._model.known(form) or is_spelling_variant(form, word):
                continue
            have = best.get(form)
            if have is None or entry.log_q > have[1].log_q:
                best[form] = (lemma, entry, tag)
        logp = self._model.logp
        found = [Candidate(form, e.original, e.pos, e.relation, lemma, e.log_q, logp(form, "", ""), tag is not None)
                 for form, (lemma, e, tag) in best.items()]
        found.sort(key=lambda c: -(c.log_q + c.log_unigram))
        return tuple(found[:MAX_CANDIDATES])
