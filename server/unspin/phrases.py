"""Tortured phrases: established terms whose words a paraphrasing tool swapped for thesaurus neighbours.

"irregular woodland" for *random forest*, "bosom peril" for *breast cancer*.  Each word alone may
read fine; what gives the phrase away is that its words' thesaurus originals form an established
term where the words as written form none.  Each word's candidate originals come from the
thesauri a spinner draws on (WordNet via ``CandidateGenerator``, and Moby, whose entries are far
broader: "support" -> "bolster").

Where the neural model is loaded it judges them (``neural_phrases``): it knows terms the trigram
model has never seen ("random forest").  Without it, for every pair of adjacent words, a restored
pair is kept if the trigram model's bigram statistics make it a collocation (its words go together
far more often than chance) while the words as written do not, and it makes the sentence around it
far likelier (trigram window gain, less a cost per changed word).  Each phrase is then judged on
its own evidence, so one tortured phrase in an otherwise clean abstract is still reported.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass

from .candidates import CandidateGenerator
from .engine import Cancelled
from .findings import Finding, Suggestion
from .language_model import SENTENCE_END, SENTENCE_START, LanguageModel, shared_model
from .lexicon import shared_lexicon
from .loaded_once import loaded_once
from .morphology import Morphology, shared_morphology
from .neural_phrases import NeuralPhraseFinder, Original, adjacent, respell
from .tokens import Token, tokenize

KIND = "phrase"
_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")  # a word, as ``tokens`` reads one
_LOG10_BASE = math.log10(1.0001)
_UNSEEN = -20.0  # log10 floor for a bigram of a word the model lacks


@dataclass(frozen=True)
class PhraseSettings:
    originals_per_word: int = 60  # likeliest originals the trigram pass weighs per word
    ranked_originals: int = 250  # originals per word the neural pass ranks in context (Moby entries run to hundreds)
    max_written: float = 0.3  # log10 PMI above which the words as written already form a term
    change_cost: float = 1.0  # log10 prior against each replaced word
    collocation_weight: float = 1.0  # on the restored pair's log10 PMI, in the trigram score
    # Without the neural scorer the trigram evidence alone must be strong:
    min_collocation: float = 2.0  # log10 PMI a restored pair must reach: an established term
    min_gain: float = 4.0  # trigram score for a finding
    alternatives: int = 4  # restorations offered per run
    max_frequency: float = 6.0  # zipf: words commoner than this ("the", "of") are kept, never replaced


@dataclass(frozen=True, slots=True)
class Alternative:
    words: tuple[str, ...]  # the restored run, lower case
    score: float  # log10: trigram window gain plus collocation strength less change costs
    gain: float  # log10 trigram window gain alone
    collocation: float  # log10 PMI of the restored pair
    written: float  # log10 PMI of the pair as written
    changed: int  # words replaced
    relations: tuple[str, ...]  # per replaced word, why it may stand for the original


@dataclass(frozen=True, slots=True)
class _Span:
    tokens: tuple[Token, ...]
    start: int  # index of the first word in the sentence's word list
    best: Alternative
    others: tuple[Alternative, ...]


class PhraseFinder:
    """Thread-compatible; holds caches only.  Heavy data comes from the shared loaders."""

    def __init__(self, settings: PhraseSettings | None = None, model: LanguageModel | None = None,
                 neural: object | None = None, moby: object | None = None) -> None:
        self.settings = settings or PhraseSettings()
        self._model = model or shared_model()
        self._morphology: Morphology = shared_morphology()
        self._generator = CandidateGenerator(shared_lexicon(), self._model, self._morphology)
        self._neural = neural
        self._moby = moby if moby is not None else _load_moby()
        self._originals: dict[str, tuple[Original, ...]] = {}
        self._unigram: dict[str, float] = {}
        self._judge: NeuralPhraseFinder | None = None

    # --- candidate originals -------------------------------------------------------------------

    def originals(self, word: str) -> tuple[tuple[str, str], ...]:
        """(original, why) for ``word``, the ``originals_per_word`` likeliest (see ``weighed_originals``)."""
        return tuple((o.word, o.why) for o in self.weighed_originals(word)[:self.settings.originals_per_word])

    def weighed_originals(self, word: str) -> tuple[Original, ...]:
        """The originals of ``word``, likeliest first by P(original) * q(word | original): WordNet
        candidates and Moby headwords (re-inflected as the word is: "clumps" -> clump -> batch ->
        "batches"; a spinner picks uniformly from a Moby entry, so q is one over its size)."""
        cached = self._originals.get(word)
        if cached is not None:
            return cached
        found: dict[str, tuple[float, str]] = {}

        def add(form: str, log_q: float, why: str) -> None:
            if form != word and form.isalpha() and len(form) > 1 and self._model.known(form):
                have = found.get(form)
                if have is None or log_q > have[0]:
                    found[form] = (log_q, why)

        for c in self._generator.candidates(word):
            add(c.word, c.log_q, f"'{word}' is a WordNet neighbour of '{c.word}'")
        if self._moby is not None:
            for link in self._moby.links(word):
                o = link.original.lower()
                if " " not in o:
                    add(o, link.log_q, f"Moby lists '{word}' under '{o}'")
            for lemma, _pos, tag in self._morphology.analyses(word)[1]:
                if lemma == word:
                    continue
                for link in self._moby.links(lemma):
                    o = link.original.lower()
                    form = self._morphology.inflect(o, tag) if " " not in o else None
                    if form:
                        add(form, link.log_q, f"Moby lists '{lemma}' under '{o}'")
        ranked = sorted(found, key=lambda o: -(found[o][0] + self._uni(o)))
        got = tuple(Original(o, found[o][0], found[o][1]) for o in ranked[:self.settings.ranked_originals])
        self._originals[word] = got
        return got

    def _uni(self, word: str) -> float:
        v = self._unigram.get(word)
        if v is None:
            v = self._unigram[word] = self._model.logp(word, "", "")
        return v

    def pmi(self, a: str, b: str) -> float:
        """log10 P(b | a) / P(b) under the trigram model's bigrams: > 1 for established pairs."""
        if not (self._model.known(a) and self._model.known(b)):
            return _UNSEEN
        return self._model.logp(b, a, "") - self._uni(b)

    # --- detection ----------------------------------------------------------------------------

    def find(self, text: str, cancelled: Callable[[], bool] | None = None) -> list[Finding]:
        """Phrase findings in ``text``, by offset: from the neural model where it is loaded, else from
        the trigram model's collocations alone."""
        if self._neural is not None:
            if self._judge is None:
                self._judge = NeuralPhraseFinder(self._neural, self.weighed_originals, self._generator.zipf)
            return self._judge.find(text, cancelled)
        spans: list[_Span] = []
        for sentence in _sentences(tokenize(text)):
            if cancelled is not None and cancelled():
                raise Cancelled
            spans += self._suspects(text, sentence)
        s = self.settings
        spans = [sp for sp in spans if sp.best.collocation >= s.min_collocation and sp.best.score >= s.min_gain]
        return [self._finding(text, sp) for sp in _non_overlapping(spans)]

    def _suspects(self, text: str, tokens: list[Token]) -> list[_Span]:
        """The sentence's tortured runs by the trigram score, each with its best restorations."""
        s = self.settings
        words = [t.text.lower().replace("’", "'") for t in tokens]
        spans: list[_Span] = []
        for i in range(len(tokens) - 1):
            if not adjacent(text, tokens[i], tokens[i + 1]):
                continue
            alts = self._pair_alternatives(words, i)
            if alts:
                spans.append(_Span((tokens[i], tokens[i + 1]), i, alts[0], tuple(alts[1:s.alternatives])))
        return spans

    def _replaceable(self, word: str) -> bool:
        return len(word) > 1 and word.isalpha() and self._generator.zipf(word) < self.settings.max_frequency

    def _pair_alternatives(self, words: list[str], i: int) -> list[Alternative]:
        """Restorations of ``words[i:i+2]``, best first by the trigram score: window gain, collocation
        strength, less a cost per replaced word.  None where the written pair is itself a collocation."""
        s = self.settings
        w1, w2 = words[i], words[i + 1]
        written = self.pmi(w1, w2)
        if written > s.max_written:
            return []
        o1 = [(w1, "")] + (list(self.originals(w1)) if self._replaceable(w1) else [])
        o2 = [(w2, "")] + (list(self.originals(w2)) if self._replaceable(w2) else [])
        if len(o1) == 1 and len(o2) == 1:
            return []
        found = []
        for a, why_a in o1:
            for b, why_b in o2:
                if a == w1 and b == w2:
                    continue
                found.append((self.pmi(a, b), a, b, why_a, why_b))
        found.sort(reverse=True)
        base = self._window(words, i, 2)
        alts = []
        for p, a, b, why_a, why_b in found[:4 * s.alternatives + 20]:
            changed = (a != w1) + (b != w2)
            hyp = words[:i] + [a, b] + words[i + 2:]
            gain = self._window(hyp, i, 2) - base
            score = gain + s.collocation_weight * max(p, -3.0) - s.change_cost * changed
            alts.append(Alternative((a, b), score, gain, p, written, changed,
                                    tuple(w for w in (why_a, why_b) if w)))
        alts.sort(key=lambda a: -a.score)
        return alts

    def _window(self, words: list[str], i: int, n: int) -> float:
        """Summed trigram log10 of the words ``i`` to ``i+n+1`` (those whose history holds the run)."""
        logp = self._model.logp
        total = 0.0
        last = min(i + n + 2, len(words) + 1)
        for k in range(i, last):
            w = words[k] if k < len(words) else SENTENCE_END
            prev = words[k - 1] if k >= 1 else SENTENCE_START
            prev2 = words[k - 2] if k >= 2 else (SENTENCE_START if k == 1 else "")
            total += logp(w, prev, prev2)
        return total

    def _finding(self, text: str, span: _Span) -> Finding:
        start, end = span.tokens[0].start, span.tokens[-1].end
        written = text[start:end]
        alts = (span.best, *span.others)[:3]
        weights = [10 ** (a.score - span.best.score) for a in alts]
        total = sum(weights)
        suggestions = tuple(Suggestion(respell(text, span.tokens, a.words), w / total, "; ".join(a.relations))
                            for a, w in zip(alts, weights))
        best = span.best
        restored = " ".join(best.words)
        said = written.lower()
        evidence = (f"'{restored}' is an established term (its words occur together "
                    f"{10 ** best.collocation:,.0f} times more often than chance) where '{said}' is none; "
                    f"the trigram model finds it {10 ** best.gain:,.0f} times likelier here")
        confidence = 1.0 - 1.0 / (1.0 + 10 ** best.score)
        return Finding(start, end, written, confidence, suggestions, evidence, KIND)


def _sentences(tokens: list[Token]) -> list[list[Token]]:
    """The word tokens of each sentence (numbers and punctuation break runs via ``adjacent``)."""
    out: dict[int, list[Token]] = {}
    for t in tokens:
        if t.kind == "word":
            out.setdefault(t.sentence, []).append(t)
    return list(out.values())


def _non_overlapping(spans: list[_Span]) -> list[_Span]:
    """The strongest spans, greedily, so that no two overlap."""
    chosen: list[_Span] = []
    for span in sorted(spans, key=lambda s: -s.best.score):
        a, b = span.tokens[0].start, span.tokens[-1].end
        if all(b <= c.tokens[0].start or a >= c.tokens[-1].end for c in chosen):
            chosen.append(span)
    return sorted(chosen, key=lambda s: s.tokens[0].start)


def _load_moby() -> object | None:
    try:
        from .moby import shared_moby
    except ImportError:
        return None
    return shared_moby()


def _load_neural() -> object | None:
    try:
        from .neural import shared_scorer  # type: ignore[import-not-found]
    except ImportError:
        return None
    return shared_scorer()


def _load_finder() -> PhraseFinder:
    return PhraseFinder(neural=_load_neural())


shared_finder = loaded_once(_load_finder)


def merge_phrases(findings: list[Finding], phrases: list[Finding], overrule: bool = False) -> list[Finding]:
    """``findings`` with ``phrases`` merged in, ordered by offset (``overrule``: every phrase replaces
    what it overlaps, as a user's fingerprint list does).

    A phrase replaces the findings it overlaps where it agrees with them (each covered finding's
    best suggestion is what the phrase restores there) and restores some word none of them covers;
    where it disagrees, the findings stand and the phrase is dropped, since a word finding rests
    on the whole document's evidence and a phrase on its sentence alone.
    """
    if not phrases:
        return list(findings)
    kept, added = list(findings), []
    for p in phrases:
        covered = [f for f in kept if f.start < p.end and p.start < f.end]
        if covered and not overrule:
            if not all(_agrees(p, f) for f in covered):
                continue
            if _changed(p) <= {f.start for f in covered}:
                continue  # the word findings already say all the phrase says
        kept = [f for f in kept if not (f.start < p.end and p.start < f.end)]
        added.append(p)
    return sorted(kept + added, key=lambda f: (f.start, f.end))


def _changed(phrase: Finding) -> set[int]:
    """Offsets of the words ``phrase``'s best suggestion replaces."""
    written = [(m.start(), m.group()) for m in _WORD.finditer(phrase.text)]
    restored = _WORD.findall(phrase.best or "")
    if len(written) != len(restored):
        return {phrase.start + offset for offset, _ in written}
    return {phrase.start + offset for (offset, w), r in zip(written, restored) if w.lower() != r.lower()}


def _agrees(phrase: Finding, f: Finding) -> bool:
    """Whether ``phrase``'s best suggestion restores the word of ``f`` as ``f``'s own best does."""
    if phrase.best is None or f.best is None or f.kind in (KIND, "fingerprint"):
        return False
    written = [(m.start(), m.group()) for m in _WORD.finditer(phrase.text)]
    restored = _WORD.findall(phrase.best)
    if len(written) != len(restored):
        return False
    for (offset, _), word in zip(written, restored):
        if phrase.start + offset == f.start:
            return word.lower() == f.best.lower()
    return False


def find_phrases(text: str, findings: list[Finding], cancelled: Callable[[], bool] | None = None) -> list[Finding]:
    """Phase 2's phrase pass: ``findings`` with the phrase findings of ``text`` merged in (see
    ``merge_phrases``); raises ``Cancelled`` when ``cancelled()`` says so."""
    return merge_phrases(findings, shared_finder().find(text, cancelled))
