"""The engine: text -> tokens -> candidates -> scores -> findings.

A document is analysed sentence by sentence (the trigram context never
crosses a sentence end), under one document-level spin rate estimated by EM:
clean prose drives it towards zero and keeps the engine silent, densely spun
text drives it up so that weaker evidence suffices.  Sentence results are
cached by content, so re-analysing an edited document only re-scores the
sentences that changed.
"""
from __future__ import annotations

import threading
from collections import Counter, OrderedDict
from dataclasses import dataclass, field

from .candidates import CandidateGenerator
from .casing import match_case
from .channel import MIN_DOC_PROBABILITY, ChannelParams, DocumentChannel
from .decoder import Slot, SlotPosterior, decode, lm_gains
from .findings import Finding, Suggestion
from .language_model import LanguageModel, shared_model
from .lexicon import POS_NAMES, RELATION_NAMES, Lexicon, shared_lexicon
from .tokens import Token, tokenize

PROPER_NOUN_LOG_PRIOR = -3.0  # capitalised mid-sentence or all capitals: a name unless evidence is overwhelming
COMPOUND_LOG_PRIOR = -1.0  # part of a hyphenated compound
SHORT_WORD_LOG_PRIOR = -1.5  # abbreviations and particles ("ft", "in"): spinners write dictionary words
BLIND_CONTEXT_LOG_PRIOR = -1.0  # see Engine._log_prior
_SENTENCE_CACHE_SIZE = 20_000


@dataclass(frozen=True)
class EngineSettings:
    threshold: float = 0.5
    max_suggestions: int = 3
    channel: ChannelParams = field(default_factory=ChannelParams)


@dataclass(frozen=True, slots=True)
class _Sentence:
    words: tuple[str, ...]
    slots: tuple[Slot, ...]
    tokens: tuple[Token, ...]  # the word token behind each slot

    @property
    def key(self) -> tuple:
        return self.words, tuple((s.index, s.log_prior) for s in self.slots)


def _lm_form(token: Token) -> str:
    if token.kind == "word":
        return token.text.lower().replace("’", "'")
    return "<num>" if token.kind == "number" else "<unk>"


class Engine:
    """Thread-safe; heavy data is loaded on first use and shared by every engine."""

    def __init__(self, settings: EngineSettings | None = None) -> None:
        self.settings = settings or EngineSettings()
        self._lock = threading.Lock()
        self._generator: CandidateGenerator | None = None
        self._gains: OrderedDict[tuple, list[list[float]]] = OrderedDict()

    @property
    def model(self) -> LanguageModel:
        return shared_model()

    @property
    def lexicon(self) -> Lexicon:
        return shared_lexicon()

    def _candidates(self) -> CandidateGenerator:
        if self._generator is None:
            self._generator = CandidateGenerator(self.lexicon, self.model)
        return self._generator

    def analyze(self, text: str, threshold: float | None = None) -> list[Finding]:
        """Findings for ``text``, ordered by offset."""
        threshold = self.settings.threshold if threshold is None else threshold
        with self._lock:
            sentences = self._sentences(text)
            channel = self._fit_channel(sentences)
            findings: list[Finding] = []
            if channel.doc_probability < max(threshold, MIN_DOC_PROBABILITY):
                return findings
            for sent in sentences:
                if not sent.slots:
                    continue
                posts = decode(self.model, sent.words, sent.slots, self._observed_gains(sent), channel)
                for post, token in zip(posts, sent.tokens):
                    confidence = post.spun * channel.doc_probability
                    if confidence >= threshold:
                        findings.append(self._finding(post, token, confidence))
        return findings

    def _sentences(self, text: str) -> list[_Sentence]:
        gen = self._candidates()
        tokens = tokenize(text)
        out: list[_Sentence] = []
        i = 0
        while i < len(tokens):
            j = i
            while j < len(tokens) and tokens[j].sentence == tokens[i].sentence:
                j += 1
            out.append(self._sentence(text, tokens[i:j], gen))
            i = j
        return out

    def _sentence(self, text: str, tokens: list[Token], gen: CandidateGenerator) -> _Sentence:
        words: list[str] = []
        slots: list[Slot] = []
        slot_tokens: list[Token] = []
        for tok in tokens:
            if tok.kind in ("punct", "end"):
                continue
            form = _lm_form(tok)
            if tok.kind == "word" and len(form) > 1:
                cands = gen.candidates(form)
                if cands:
                    prior = self._log_prior(text, tok, first=not words,
                                            blind=bool(words) and not self.model.known(words[-1]))
                    slots.append(Slot(len(words), form, cands, prior, self.model.logp(form, "", "")))
                    slot_tokens.append(tok)
            words.append(form)
        return _Sentence(tuple(words), tuple(slots), tuple(slot_tokens))

    @staticmethod
    def _log_prior(text: str, tok: Token, first: bool, blind: bool) -> float:
        """log10 prior adjustment for the word being a substitute, from its form and surroundings.

        ``blind``: the word before is a number or unknown to the language model, so the model
        judges this word without left context and its verdict is mostly word frequency.
        """
        prior = 0.0
        w = tok.text
        if w.isupper() or (w[0].isupper() and not first):
            prior += PROPER_NOUN_LOG_PRIOR
        if text[tok.start - 1: tok.start] == "-" or text[tok.end: tok.end + 1] == "-":
            prior += COMPOUND_LOG_PRIOR
        if len(w) <= 2:
            prior += SHORT_WORD_LOG_PRIOR
        if blind:
            prior += BLIND_CONTEXT_LOG_PRIOR
        return prior

    def _observed_gains(self, sent: _Sentence) -> list[list[float]]:
        """LM gains of every candidate in the sentence as it reads; cached by content."""
        key = sent.key
        got = self._gains.get(key)
        if got is None:
            hyp = list(sent.words)
            got = [lm_gains(self.model, s, hyp) for s in sent.slots]
            self._remember(self._gains, key, got)
        return got

    def _fit_channel(self, sentences: list[_Sentence]) -> DocumentChannel:
        evidence = [(slot, gains) for sent in sentences for slot, gains in zip(sent.slots, self._observed_gains(sent))]
        counts = Counter(w for sent in sentences for w in sent.words)
        return DocumentChannel(self.settings.channel).fit(evidence, counts)

    @staticmethod
    def _remember(cache: OrderedDict, key: tuple, value: object) -> None:
        cache[key] = value
        if len(cache) > _SENTENCE_CACHE_SIZE:
            cache.popitem(last=False)

    def _finding(self, post: SlotPosterior, token: Token, confidence: float) -> Finding:
        suggestions = []
        for cand, p in post.ranked[: self.settings.max_suggestions]:
            relation = (f"'{cand.observed_lemma}' {RELATION_NAMES[cand.relation]} "
                        f"'{cand.lemma}' ({POS_NAMES[cand.pos]})")
            suggestions.append(Suggestion(match_case(token.text, cand.word), p, relation))
        best = post.ranked[0][0].word if post.ranked else None
        evidence_text = (f"the surrounding words make '{best}' {10 ** post.context_gain:,.0f} times likelier "
                         f"than '{token.text.lower()}' under the trigram model") if best else ""
        return Finding(token.start, token.end, token.text, confidence, tuple(suggestions), evidence_text)


_default: Engine | None = None


def analyze(text: str, threshold: float | None = None) -> list[Finding]:
    """Analyse with a process-wide default engine."""
    global _default
    if _default is None:
        _default = Engine()
    return _default.analyze(text, threshold)
