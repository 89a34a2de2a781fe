"""Candidate originals for an observed word: reverse thesaurus plus inflection.

"requests" is analysed as the plural of "request"; the table says "request"
may stand for "demand"; the candidate is re-inflected to "demands".
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from itertools import islice

from .language_model import LanguageModel
from .lexicon import Lexicon, ReverseEntry
from .moby import Moby
from .morphology import Morphology

MAX_CANDIDATES = 12
MAX_MOBY = 20  # Moby originals the thesaurus lacks, listed after its own
# The same in a document whose spinner draws on Moby (``Engine``): a uniform pick from Moby's long
# entries often lies deeper in a word's reverse list than every document can afford to read.
MAX_MOBY_DEEP = 40
LINKS_RANKED = 4 * MAX_CANDIDATES  # of each source, the likeliest links of a word read for its candidates
# The commonest words ("and", "was", "the") get no Moby originals: Moby lists them under hundreds of
# headwords, and a spinner drawing on Moby replaces content words, so as suspects they only add noise.
MOBY_MAX_ZIPF = 5.5
# Distant originals listed per word: enough for a document's estimated share of them to settle (see
# distant.py); on the dev article it is 0.021 with 40, 0.040 with 100 and 0.043 with 250.
MAX_DISTANT = 100
DISTANT_MIDS = 24  # of the observed word's likeliest originals, the words the two steps go through
# The one-letter originals a spinner meets in prose ("a" -> "ampere", "I" -> "iodine"); other letters
# are symbols ("c" for constant, "f" for farad) that text does not use as words.
_ONE_LETTER_WORDS = frozenset({"a", "i"})
_DERIVATIONAL_ENDINGS = ("ly", "al", "ic")
# Early Modern English grammar: second-person pronouns and the verb forms that go with them.  No
# thesaurus lists these as a word's neighbour, so a spinner never writes them; they tell an old text
# (see ``sections.old_register_probability``).
_OLD_FORMS = frozenset({
    "thou", "thee", "thy", "thine", "ye", "hath", "doth", "dost", "hast", "hadst", "shalt", "canst", "couldst",
    "wouldst", "shouldst", "didst", "mayst", "wast", "wert", "tis", "twas", "twere"})
_CONTRACTING = frozenset({"i", "you", "he", "she", "we", "they", "who", "it", "that", "there", "what", "how",
                          "where", "why", "when"})  # "he'd", "you'd" are modern contractions
_OLD_ENDING_MAX_ZIPF = 1.5  # "receiveth" is no modern word; "teeth" and "beneath" are


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
    via: str = ""  # for a distant original (``CandidateGenerator.distant``): the lemma between it and the observed
    # log10 q of the same link in Moby, for a thesaurus original that Moby lists too (None if it does not): a
    # spinner drawing on either source may have written it, so both links count (``channel``)
    log_q_moby: float | None = None


# A link read for ``CandidateGenerator._ranked``: (original, pos, relation, log10 q, log10 joint prior,
# observed lemma, tag to re-inflect the original with or None).  Plain tuples: candidates are generated
# for every distinct word of a document, and only the best few of its links become ``Candidate``s.
_Option = tuple[str, str, str, float, float, str, "str | None"]


def _candidate(form: str, option: _Option, log_unigram: float, log_q_moby: float | None = None) -> Candidate:
    original, pos, relation, log_q, _, lemma, tag = option
    return Candidate(form, original, pos, relation, lemma, log_q, log_unigram, tag is not None, "", log_q_moby)


@dataclass(slots=True)
class _Path:
    """The two-step paths from one distant original to the observed word (``CandidateGenerator.distant``)."""

    q: float  # channel probability, summed over the paths
    best: float  # of the likeliest path, which the rest describe
    via: str  # the lemma it goes through
    lemma: str  # the observed word's lemma it reaches
    entry: ReverseEntry  # its second step, from the original

    def add(self, q: float, via: str, lemma: str, entry: ReverseEntry) -> None:
        self.q += q
        if q > self.best:
            self.best, self.via, self.lemma, self.entry = q, via, lemma, entry

    @property
    def prior(self) -> float:
        """q times the original's unigram probability (an entry's log_joint less its log_q)."""
        return self.q * 10.0 ** (self.entry.log_joint - self.entry.log_q)


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
    def __init__(self, lexicon: Lexicon, model: LanguageModel, morphology: Morphology,
                 moby: Moby | None = None, moby_depth: int = MAX_MOBY) -> None:
        """``moby_depth``: how many of Moby's originals a word is given beyond the thesaurus's."""
        self._lexicon = lexicon
        self._model = model
        self._morphology = morphology
        self._moby = moby
        self.moby_depth = moby_depth
        self.candidates = lru_cache(maxsize=200_000)(self._candidates)
        # Read once per lemma while its forms come up; ``candidates`` keeps the result per form.
        self._moby_links = lru_cache(maxsize=2_000)(self._read_moby_links)
        self.distant = lru_cache(maxsize=20_000)(self._distant)
        self.is_old_form = lru_cache(maxsize=50_000)(self._is_old_form)

    def _is_old_form(self, word: str) -> bool:
        """Whether ``word`` (lower case) is a form of Early Modern English grammar, which spinners never
        write: "thou", "hath", "'tis", a verb in -eth ("receiveth") or -'st ("know'st"), or an elided
        past ("turn'd").  Archaic *words* ("hither", "perchance") are not: a thesaurus offers them."""
        if word in _OLD_FORMS:
            return True
        known = self._model.known
        if word.endswith("'st") or word.endswith("'d"):
            stem = word[: -3 if word.endswith("'st") else -2]
            if len(stem) < 2 or stem in _CONTRACTING:
                return False
            return known(stem) if word.endswith("'st") else known(stem + "ed")
        if word.endswith("eth") and len(word) > 5 and self._lexicon.zipf(word) < _OLD_ENDING_MAX_ZIPF:
            stem = word[:-3]
            return known(stem) or known(stem + "e")
        return False

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

    def _may_stand_for(self, form: str | None, word: str, read: str) -> bool:
        """Whether an original's ``form`` may be offered for ``word`` (which the model reads ``read``):
        a word the model knows, not the word itself in any spelling, nor a letter that is no word."""
        return bool(form) and (len(form) > 1 or form in _ONE_LETTER_WORDS) and form not in (word, read) \
            and self._model.known(form) and not is_spelling_variant(form, word)

    def _candidates(self, word: str) -> tuple[Candidate, ...]:
        """The thesaurus's likeliest originals, then Moby's that it lacks, each ranked by the joint prior
        P(original) * q(observed | original).  Moby's broad entries hold many common words that would
        otherwise crowd out the close synonyms, so they get places of their own."""
        limit = LINKS_RANKED
        thesaurus: list[_Option] = []
        moby: list[_Option] = []
        analyses = [(word, None, None), *self._morphology.analyses(word)[1]]
        for lemma, pos, tag in analyses:
            entries = (e for e in self._lexicon.originals(lemma)
                       if pos is None or (e.pos == pos and e.relation != "deriv"))
            thesaurus += [(e.original, e.pos, e.relation, e.log_q, e.log_joint, lemma, tag)
                          for e in islice(entries, limit)]
            moby += [(original, pos or "", "moby", log_q, log_joint, lemma, tag)
                     for original, log_q, log_joint in self._moby_links(lemma)]
        found = self._ranked(word, thesaurus, limit)[:MAX_CANDIDATES]
        by_moby = self._ranked(word, moby, limit)
        in_moby = {form: option[3] for _, form, option, _ in by_moby}
        out = [_candidate(form, option, unigram, in_moby.get(form)) for _, form, option, unigram in found]
        have = {c.word for c in out}
        out += [_candidate(form, option, unigram) for _, form, option, unigram in
                islice((b for b in by_moby if b[1] not in have), self.moby_depth)]
        return tuple(out)

    def _ranked(self, word: str, options: list[_Option], limit: int) -> list[tuple[float, str, _Option, float]]:
        """The forms ``options`` offer for ``word``, each by its likeliest link, as (joint log10 prior,
        form, option, log10 unigram of the form), best first; only the ``limit`` likeliest options count."""
        options.sort(key=lambda o: -o[4])
        best: dict[str, _Option] = {}
        read = self._model.reading(word)  # "plough" is read "plow", which is then no candidate for it
        inflect = self._morphology.inflect
        for option in options[:limit]:
            tag = option[6]
            form = option[0] if tag is None else inflect(option[0], tag)
            if form is None or not self._may_stand_for(form, word, read):
                continue
            have = best.get(form)
            if have is None or option[3] > have[3]:
                best[form] = option
        logp = self._model.logp
        found = [(option[3] + (unigram := logp(form, "", "")), form, option, unigram)
                 for form, option in best.items()]
        found.sort(key=lambda f: -f[0])
        return found

    def zipf(self, word: str) -> float:
        """How common ``word`` is (Zipf scale), by the lexicon or, for words it lacks ("and", "the"), the
        language model's unigram."""
        return max(self._lexicon.zipf(word), self._model.logp(word, "", "") + 9.0)

    def _read_moby_links(self, lemma: str) -> tuple[tuple[str, float, float], ...]:
        """(headword, log10 q, log10 joint prior) of the single-word headwords whose Moby entry lists
        ``lemma``.  Moby says nothing of parts of speech, so they take the analysis's own."""
        if self._moby is None or self.zipf(lemma) >= MOBY_MAX_ZIPF:
            return ()
        unigram = self._lexicon.log10_unigram
        return tuple((original, log_q, log_q + unigram(original))
                     for original, log_q in self._moby.single_words(lemma, LINKS_RANKED))

    def _distant(self, word: str) -> tuple[Candidate, ...]:
        """Originals two thesaurus steps from ``word`` and not among its ``candidates``: ``c`` for which
        some lemma ``m`` may stand, where ``m`` may stand for ``word`` ("member" -> "associate" ->
        "subordinate").  ``log_q`` sums the two steps' channel probabilities over every ``m``; ``via``
        names the likeliest.  Ranked by that and the original's frequency, as ``candidates`` are."""
        paths: dict[tuple[str, str | None], _Path] = {}  # by (original, tag)
        for lemma, pos, tag in [(word, None, None), *self._morphology.analyses(word)[1]]:
            for mid in self._lexicon.originals(lemma)[:DISTANT_MIDS]:
                if pos is not None and (mid.pos != pos or mid.relation == "deriv"):
                    continue
                for entry in self._lexicon.originals(mid.original):
                    if entry.pos != mid.pos and entry.relation != "deriv":
                        continue
                    q = 10.0 ** (mid.log_q + entry.log_q)
                    path = paths.get((entry.original, tag))
                    if path is None:
                        paths[(entry.original, tag)] = _Path(q, q, mid.original, lemma, entry)
                    else:
                        path.add(q, mid.original, lemma, entry)
        ranked = sorted(paths.items(), key=lambda kv: -kv[1].prior)
        read = self._model.reading(word)
        near = {c.word for c in self.candidates(word)}
        found: dict[str, Candidate] = {}
        for (original, tag), path in ranked:
            form = original if tag is None else self._morphology.inflect(original, tag)
            if form in near or form in found or not self._may_stand_for(form, word, read) or len(form) == 1:
                continue
            found[form] = Candidate(form, original, path.entry.pos, "chain", path.lemma, math.log10(path.q),
                                    self._model.logp(form, "", ""), tag is not None, path.via)
            if len(found) == MAX_DISTANT:
                break
        return tuple(sorted(found.values(), key=lambda c: -(c.log_q + c.log_unigram)))
