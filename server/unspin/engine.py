"""The engine: text -> tokens -> candidates -> scores -> findings.

A document is analysed sentence by sentence (the trigram context never
crosses a sentence end), under one document-level spin rate estimated by EM:
clean prose drives it towards zero and keeps the engine silent, densely spun
text drives it up so that weaker evidence suffices.  Sentence results are
cached by content, so re-analysing an edited document only re-scores the
sentences that changed.
"""
from __future__ import annotations

import math
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import lru_cache

import numpy as np

from .calibration import calibrated
from .candidates import MAX_MOBY, MAX_MOBY_DEEP, CandidateGenerator
from .casing import match_case
from .channel import (
    MIN_DOC_PROBABILITY,
    ChannelParams,
    DocumentChannel,
    Vocabulary,
    evidence_weights,
    form_class,
    source_log_q,
    repeats,
    eligibility,
    moby_share,
    spin_explanations,
    spin_log_likelihoods,
)
from .decoder import Slot, SlotPosterior, decode, lm_gains
from .expansions import KIND as EXPANSION
from .expansions import log_prior as expansion_log_prior
from .expansions import read_phrases, shared_expansions
from .distant import NEGLIGIBLE_SHARE, SHARE_SAMPLE, Evidence, Reach, reach, rerank, share, weigh
from .findings import Finding, Suggestion
from .language_model import LanguageModel, shared_model
from .lexicon import POS_NAMES, RELATION_NAMES, Lexicon, shared_lexicon
from .moby import shared_moby
from .morphology import shared_morphology
from .sections import SentenceEvidence, old_register_probability, spin_presence
from .tokens import Token, chunks, tokenize

# Capitalised mid-sentence or all capitals: likely a name.  Spinners that leave capitals alone are
# recognised by the channel's low spin rate for capitalised words, which does most of the protecting.
PROPER_NOUN_LOG_PRIOR = -1.0
COMPOUND_LOG_PRIOR = -1.0  # part of a hyphenated compound
SHORT_WORD_LOG_PRIOR = -1.5  # abbreviations and particles ("ft", "in"): spinners write dictionary words
BLIND_CONTEXT_LOG_PRIOR = -1.0  # see Engine._log_prior
_SENTENCE_CACHE_SIZE = 20_000
_CHUNKS_KEPT = 4_000
_DOCUMENTS_KEPT = 8
# An edited document keeps its channel while the sentences new since the fit hold at most this share
# of its candidate words: one-word edits then cost one sentence, not a document-wide EM (the
# language server refits once edits pause).
REFIT_SHARE = 0.2
# A document whose channel finds at least this share of its replacements drawn from Moby (see
# ``channel.moby_share``) is read again with Moby's deeper originals (``candidates.MAX_MOBY_DEEP``).
DEEP_MOBY_SHARE = 0.3
JUDGED_SPUN = 0.5  # P(spun) from which a word is read as its original when its neighbours are weighed
# Spun words per candidate word in text judged clean: there a word is reported on its own evidence only,
# when its likeliest original is far likelier in context ("helium is assured" for "he is assured").
LONE_RATE = 1e-5
LONE_OLD_PROSE = 2.0  # log10: what old prose's own words ("hither", "twelvemonth") can yield on their own


class Cancelled(Exception):
    """The caller's ``cancelled`` callback said the result is no longer wanted."""


@dataclass(frozen=True)
class EngineSettings:
    threshold: float = 0.5
    max_suggestions: int = 3
    calibrated: bool = True  # confidence as ``calibration.calibrated`` maps the posterior; False: the posterior
    channel: ChannelParams = field(default_factory=ChannelParams)


@dataclass(frozen=True, slots=True)
class _Sentence:
    words: tuple[str, ...]
    slots: tuple[Slot, ...]
    tokens: tuple[Token, ...]  # the word token behind each slot
    key: tuple  # what the LM gains depend on: the words, which of them are slots, and how deep their candidates go
    scored_key: tuple  # what the channel's verdicts depend on as well: ``key``, the slots' priors and case
    word_tokens: tuple[Token, ...] = ()  # the token behind each of ``words``
    text: str = ""  # the sentence as written, from its first token's start (``word_tokens`` offsets less ``start``)
    start: int = 0


@dataclass
class _Fitted:
    """A document's channel, the sentences it was fitted on, and sentences decoded under it."""

    channel: DocumentChannel
    keys: frozenset[tuple]
    slots: int
    presence: dict[tuple, float]  # per sentence key: P(it may be spun at all), see ``sections``
    old_register: float = 0.0  # P(the document is old prose), see ``sections``
    deep: bool = False  # its sentences were read with Moby's deeper originals (``DEEP_MOBY_SHARE``)
    decoded: dict[tuple, list[SlotPosterior | None]] = field(default_factory=dict)
    reaches: dict[tuple, list[Reach | None]] = field(default_factory=dict)  # per sentence, see ``distant``
    distant_share: float | None = None  # of the document's substitutions, see ``distant``
    pools: dict[tuple, Evidence] = field(default_factory=dict)  # per ``Reach.word`` judged spun, all its occurrences
    findings: dict[tuple, list[Finding]] = field(default_factory=dict)  # per sentence and threshold


def _lm_form(token: Token) -> str:
    if token.kind == "word":
        return token.text.lower().replace("’", "'")
    return "<num>" if token.kind == "number" else "<unk>"


class Engine:
    """Thread-safe; heavy data is loaded on first use and shared by every engine."""

    def __init__(self, settings: EngineSettings | None = None) -> None:
        self.settings = settings or EngineSettings()
        self._lock = threading.Lock()
        self._generators: dict[bool, CandidateGenerator] = {}  # by depth of Moby originals (deep or not)
        self._gains: OrderedDict[tuple, list[array]] = OrderedDict()
        self._explanations: OrderedDict[tuple, tuple[array, array]] = OrderedDict()
        self._chunks: OrderedDict[tuple[str, bool], list[_Sentence]] = OrderedDict()
        self._fitted: OrderedDict[str, _Fitted] = OrderedDict()

    @property
    def model(self) -> LanguageModel:
        return shared_model()

    @property
    def lexicon(self) -> Lexicon:
        return shared_lexicon()

    def _candidates(self, deep: bool = False) -> CandidateGenerator:
        got = self._generators.get(deep)
        if got is None:
            got = self._generators[deep] = CandidateGenerator(self.lexicon, self.model, shared_morphology(),
                                                              shared_moby(), MAX_MOBY_DEEP if deep else MAX_MOBY)
        return got

    def analyze(self, text: str, threshold: float | None = None, document: str | None = None,
                refit: bool = False, cancelled: Callable[[], bool] | None = None,
                review: float | None = None) -> list[Finding]:
        """Findings for ``text``, ordered by offset.

        ``review``: report the words of text that is at least this likely to be spun from this lower
        posterior on, for a second opinion to confirm or withdraw (``refine``); words reported on their
        own evidence (``_lone_findings``) keep to ``threshold``, as a second opinion may only withdraw those.

        ``document`` names a document that is analysed again and again as it is edited (an editor
        buffer): its channel is then kept while the edits touch only a small share of it, and only
        the changed sentences are decoded again.  ``refit`` fits the channel afresh all the same, so
        that the result equals a first analysis of ``text``.  ``cancelled`` is polled between
        sentences; once it returns True the analysis stops with ``Cancelled`` (what is cached stays).
        """
        threshold = self.settings.threshold if threshold is None else threshold
        bar = threshold if review is None else min(review, threshold)
        check = cancelled or _never
        with self._lock:
            placed, fitted = self._read(text, document, refit, check)
            findings: list[Finding] = []
            gate = max(bar, MIN_DOC_PROBABILITY)
            spun = fitted.channel.doc_probability >= gate
            scaled = [(offset, sent, scale) for (offset, sent), scale in zip(placed, _presence(fitted, placed))
                      if sent.slots]
            if spun and fitted.distant_share is None:
                self._weigh_distant(fitted, [(sent, scale) for _, sent, scale in scaled], check)
            for offset, sent, scale in scaled:
                _poll(check)
                found = self._sentence_findings(fitted, sent, scale, bar) if spun and scale >= gate else []
                found = _with_lone(found, self._lone_findings(fitted, sent, threshold))
                findings += [f.shifted(offset) if offset else f for f in found]
        return findings

    def forget(self, document: str) -> None:
        """Drop what is kept for an edited ``document`` (it was closed)."""
        with self._lock:
            self._fitted.pop(document, None)

    def forget_texts(self) -> None:
        """Drop everything kept per text (sentences, their gains, fitted channels).  An editor analyses
        the same text again after each edit, so the engine keeps it; a batch check reads each file
        once, and keeping every file's sentences would grow the process with the size of the batch."""
        with self._lock:
            for kept in (self._gains, self._explanations, self._chunks, self._fitted):
                kept.clear()

    def channel(self, text: str) -> DocumentChannel:
        """The spinner channel fitted to ``text``: its spin probability and rates, for reports and tests."""
        with self._lock:
            return self._read(text, None, False, _never)[1].channel

    def _read(self, text: str, document: str | None, refit: bool,
              check: Callable[[], bool]) -> tuple[list[tuple[int, _Sentence]], _Fitted]:
        """The text's sentences and the channel fitted to them.  A document whose spinner draws on Moby
        (``DEEP_MOBY_SHARE``) is read again with Moby's deeper originals, and an edited one keeps that
        reading until it is fitted afresh: reading every document so deep would cost every document."""
        prev = self._fitted.get(document) if document is not None else None
        deep = prev is not None and prev.deep and not refit
        placed = self._sentences(text, check, deep)
        fitted = self._channel_for(document, [sent for _, sent in placed], refit, check, deep)
        if not deep and _draws_on_moby(fitted.channel):
            placed = self._sentences(text, check, True)
            fitted = self._channel_for(document, [sent for _, sent in placed], True, check, True)
        return placed, fitted

    def _sentences(self, text: str, check: Callable[[], bool], deep: bool = False) -> list[tuple[int, _Sentence]]:
        """Every sentence with the offset its tokens are relative to; built per chunk, cached by content."""
        out: list[tuple[int, _Sentence]] = []
        for offset, chunk in chunks(text):
            got = self._chunks.get((chunk, deep))
            if got is None:
                _poll(check)
                got = self._chunk_sentences(chunk, deep)
                self._remember(self._chunks, (chunk, deep), got, _CHUNKS_KEPT)
            out += [(offset, sent) for sent in got]
        return out

    def _chunk_sentences(self, text: str, deep: bool) -> list[_Sentence]:
        gen = self._candidates(deep)
        tokens = tokenize(text)
        out: list[_Sentence] = []
        i = 0
        while i < len(tokens):
            j = i
            while j < len(tokens) and tokens[j].sentence == tokens[i].sentence:
                j += 1
            out.append(self._sentence(text, tokens[i:j], gen, deep))
            i = j
        return out

    def _sentence(self, text: str, tokens: list[Token], gen: CandidateGenerator, deep: bool = False) -> _Sentence:
        words: list[str] = []
        slots: list[Slot] = []
        slot_tokens: list[Token] = []
        model = self.model
        word_tokens: list[Token] = []
        for tok in tokens:
            if tok.kind in ("punct", "end"):
                continue
            word_tokens.append(tok)
            form = _lm_form(tok)
            read = form
            if tok.kind == "word" and len(form) > 1:
                read = model.reading(form)
                cands = gen.candidates(form)
                if cands:
                    prior = self._log_prior(text, tok, first=not words,
                                            blind=bool(words) and not model.known(words[-1]))
                    slots.append(Slot(len(words), read, gen.lemma(read), cands, prior, model.logp(read, "", ""),
                                      tok.text[0].isupper(), gen.is_inflected(form)))
                    slot_tokens.append(tok)
            words.append(read)
        key = (tuple(words), tuple(s.index for s in slots), deep)
        verdict_key = (key, tuple((s.log_prior, s.capitalized) for s in slots))
        start = tokens[0].start if tokens else 0
        return _Sentence(key[0], tuple(slots), tuple(slot_tokens), key, verdict_key, tuple(word_tokens),
                         text[start:tokens[-1].end] if tokens else "", start)

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

    def _observed_gains(self, sent: _Sentence) -> list[array]:
        """LM gains of every candidate in the sentence as it reads; cached by content."""
        key = sent.key
        got = self._gains.get(key)
        if got is None:
            hyp = list(sent.words)
            got = [lm_gains(self.model, s, hyp) for s in sent.slots]
            self._remember(self._gains, key, got)
        return got

    def _spin_explanations(self, sent: _Sentence) -> tuple[array, array]:
        got = self._explanations.get(sent.scored_key)
        if got is None:
            got = spin_explanations(zip(sent.slots, self._observed_gains(sent)))
            self._remember(self._explanations, sent.scored_key, got)
        return got

    def _channel_for(self, document: str | None, sentences: list[_Sentence], refit: bool,
                     check: Callable[[], bool], deep: bool = False) -> _Fitted:
        prev = self._fitted.get(document) if document is not None else None
        if prev is not None and not refit:
            fresh = sum(len(sent.slots) for sent in sentences if sent.key not in prev.keys)
            if fresh <= REFIT_SHARE * prev.slots:
                return prev
        channel, presence, old_register = self._fit_channel(sentences, check)
        fitted = _Fitted(channel, frozenset(sent.key for sent in sentences), sum(len(sent.slots) for sent in sentences),
                         presence, old_register, deep)
        if document is not None:
            self._remember(self._fitted, document, fitted, _DOCUMENTS_KEPT)
        return fitted

    def _sentence_findings(self, fitted: _Fitted, sent: _Sentence, scale: float, threshold: float) -> list[Finding]:
        """The sentence's findings at ``threshold``, offsets relative to its chunk; ``scale`` is the
        probability that the sentence may be spun at all (see ``sections``)."""
        key = (sent.scored_key, sent.tokens[0].start, tuple(t.text for t in sent.tokens), scale, threshold)
        got = fitted.findings.get(key)
        if got is None:
            pi = fitted.distant_share or 0.0
            posts = self._decode(fitted, sent)
            if pi >= NEGLIGIBLE_SHARE:
                most = self.settings.max_suggestions
                posts = [post if found is None else rerank(post, found, fitted.pools.get(found.word) or weigh([found]),
                                                           pi, most)
                         for post, found in zip(posts, self._reaches(fitted, sent, scale, _never))]
            got = [self._finding(post, token, post.spun * scale)
                   for post, token in zip(posts, sent.tokens)
                   if post is not None and post.spun * scale >= threshold]
            got = fitted.findings[key] = _with_phrases(got, self._phrase_findings(fitted, sent, scale, threshold))
        return got

    def _phrase_findings(self, fitted: _Fitted, sent: _Sentence, scale: float, threshold: float) -> list[Finding]:
        """Phrases the spinner wrote for one word in a sentence judged spun (see ``expansions``), the
        likeliest first where they overlap."""
        text, at = sent.text, sent.start
        gaps = [text[a.end - at:b.start - at] for a, b in zip(sent.word_tokens, sent.word_tokens[1:])]
        separators = [_separator(gap) for gap in gaps]
        channel = fitted.channel
        weight = channel.params.lm_weight
        rate = float(channel.class_rates[form_class(False, False)])
        found: list[Finding] = []
        for r in sorted(read_phrases(self.model, shared_expansions(), sent.words, separators),
                        key=lambda r: -(r.gain * weight + r.expansion.log_q)):
            first, last = sent.word_tokens[r.first], sent.word_tokens[r.first + r.length - 1]
            # A phrase with capitals mid-sentence ("European Union", "United States") is the author's name
            # for something: the trigram model, which reads it in lower case, cannot tell.
            if any(t.text[0].isupper() for t in sent.word_tokens[max(1, r.first):r.first + r.length]):
                continue
            odds = expansion_log_prior(r.expansion, rate, channel.moby_share) + weight * r.gain
            p = scale / (1.0 + 10.0 ** -min(50.0, odds))
            if p < threshold or any(f.start < last.end and first.start < f.end for f in found):
                continue
            written = text[first.start - at:last.end - at]
            suggestion = Suggestion(match_case(first.text, r.expansion.original), 1.0, r.expansion.relation)
            evidence = (f"the surrounding words make '{r.expansion.original}' {10 ** r.gain:,.0f} times likelier "
                        f"than '{written.lower()}' under the trigram model, in a part of the text judged spun")
            found.append(Finding(first.start, last.end, written, p, (suggestion,), evidence, EXPANSION))
        return found

    def _lone_findings(self, fitted: _Fitted, sent: _Sentence, threshold: float) -> list[Finding]:
        """The sentence's words whose own evidence suffices wherever they stand, spun section or not:
        the odds of the likeliest original at ``LONE_RATE``, offsets relative to its chunk."""
        channel = fitted.channel
        key = ("lone", sent.scored_key, sent.tokens[0].start, channel.moby_share, fitted.old_register, threshold)
        got = fitted.findings.get(key)
        if got is None:
            got = []
            bar = -math.log10(LONE_RATE) + LONE_OLD_PROSE * fitted.old_register
            for slot, token, gains in zip(sent.slots, sent.tokens, self._observed_gains(sent)):
                scores = [channel.params.context(g, c.log_unigram - slot.log_unigram)
                          + source_log_q(c, channel.moby_share) + slot.log_prior
                          for g, c in zip(gains, slot.candidates)]
                best = max(scores, default=-math.inf)
                p = 1.0 / (1.0 + 10.0 ** -min(50.0, best - bar))
                if p < threshold:
                    continue
                order = sorted(range(len(scores)), key=lambda k: -scores[k])[:self.settings.max_suggestions]
                weights = [10.0 ** (scores[k] - best) for k in order]
                total = sum(weights)
                ranked = tuple((slot.candidates[k], w / total) for k, w in zip(order, weights))
                f = self._finding(SlotPosterior(slot, p, ranked, gains[order[0]]), token, p)
                got.append(replace(f, evidence=f"{f.evidence}; reported on this evidence alone"))
            fitted.findings[key] = got
        return got

    def _weigh_distant(self, fitted: _Fitted, sentences: list[tuple[_Sentence, float]],
                       check: Callable[[], bool]) -> None:
        """The document's share of distant originals, from its first ``SHARE_SAMPLE`` words judged spun,
        and, if it is not negligible, the pooled evidence of each such word (see ``distant``).
        ``sentences`` come with their ``presence``."""
        sample: list[Evidence] = []
        for sent, scale in sentences:
            sample += [weigh([found]) for found in self._reaches(fitted, sent, scale, check) if found is not None]
            if len(sample) >= SHARE_SAMPLE:
                break
        pi = share(sample)
        pools: dict[tuple, list[Reach]] = {}
        if pi >= NEGLIGIBLE_SHARE:
            for sent, scale in sentences:
                for found in self._reaches(fitted, sent, scale, check):
                    if found is not None:
                        pools.setdefault(found.word, []).append(found)
        fitted.pools = {word: weigh(found) for word, found in pools.items()}
        fitted.distant_share = pi

    def _reaches(self, fitted: _Fitted, sent: _Sentence, scale: float,
                 check: Callable[[], bool]) -> list[Reach | None]:
        """Per slot, how its distant originals explain it if it is judged spun (see ``distant``), in the
        sentence as decoded: with every word judged spun read as its likeliest original."""
        key = (sent.scored_key, scale >= JUDGED_SPUN)
        got = fitted.reaches.get(key)
        if got is None:
            _poll(check)
            gen = self._candidates(fitted.deep)
            posts = self._decode(fitted, sent)
            spun = [post if post is not None and post.spun * scale >= JUDGED_SPUN else None for post in posts]
            hyp = list(sent.words)
            for post in spun:
                if post is not None:
                    hyp[post.slot.index] = post.ranked[0][0].word
            weight = fitted.channel.params.lm_weight
            got = fitted.reaches[key] = [
                None if post is None else reach(self.model, post, gen.distant(post.slot.observed), hyp, weight)
                for post in spun]
        return got

    def _decode(self, fitted: _Fitted, sent: _Sentence) -> list[SlotPosterior | None]:
        got = fitted.decoded.get(sent.scored_key)
        if got is None:
            got = decode(self.model, sent.words, sent.slots, self._observed_gains(sent), fitted.channel,
                         self.settings.max_suggestions)
            fitted.decoded[sent.scored_key] = got
        return got

    def _slot_evidence(self, sentences: list[_Sentence], check: Callable[[], bool]
                       ) -> tuple[list[tuple[Slot, array]], np.ndarray, np.ndarray]:
        """Every slot of ``sentences`` with its LM gains, and how well the thesaurus and Moby explain
        each (``channel.spin_explanations``), in document order."""
        evidence: list[tuple[Slot, array]] = []
        thesaurus, moby = array("d"), array("d")
        for sent in sentences:
            _poll(check)
            evidence += zip(sent.slots, self._observed_gains(sent))
            explained = self._spin_explanations(sent)
            thesaurus += explained[0]
            moby += explained[1]
        return evidence, np.asarray(thesaurus), np.asarray(moby)

    def _fit_channel(self, sentences: list[_Sentence],
                     check: Callable[[], bool]) -> tuple[DocumentChannel, dict[tuple, float], float]:
        """The document's channel, each sentence's probability of lying where the spinner was at work
        (see ``sections``) and the document's probability of being old prose; EM runs only if some
        part of the document is judged spun at all."""
        evidence, by_thesaurus, by_moby = self._slot_evidence(sentences, check)
        repeated = repeats(evidence)
        weights = evidence_weights(repeated)
        share = moby_share(by_thesaurus, by_moby, weights)
        weighted = weights * spin_log_likelihoods(by_thesaurus, by_moby, share)
        counted = weights * eligibility(by_thesaurus, share)
        bounds = np.cumsum([0] + [len(sent.slots) for sent in sentences])
        old_register = self._old_register(sentences)
        presence = spin_presence([SentenceEvidence(float(weighted[a:b].sum()), float(counted[a:b].sum()))
                                  for a, b in zip(bounds[:-1], bounds[1:])], old_register)
        channel = DocumentChannel(self.settings.channel, max(presence, default=0.0), share)
        if channel.doc_probability >= MIN_DOC_PROBABILITY:
            vocabulary = Vocabulary.count((w for sent in sentences for w in sent.words), self._candidates().lemma)
            per_slot = np.repeat(presence, np.diff(bounds)) if len(evidence) else np.zeros(0)
            channel.fit(evidence, vocabulary, lambda: _poll(check), repeated, per_slot)
        return channel, {sent.key: p for sent, p in zip(sentences, presence)}, old_register

    def _old_register(self, sentences: list[_Sentence]) -> float:
        """P(the document is old prose), from its share of old-register forms (see ``sections``)."""
        old = self._candidates().is_old_form
        words = [w for sent in sentences for w in sent.words if not w.startswith("<")]
        return old_register_probability(sum(map(old, words)), len(words))

    @staticmethod
    def _remember(cache: OrderedDict, key: object, value: object, limit: int = _SENTENCE_CACHE_SIZE) -> None:
        cache[key] = value
        cache.move_to_end(key)
        if len(cache) > limit:
            cache.popitem(last=False)

    def _finding(self, post: SlotPosterior, token: Token, confidence: float) -> Finding:
        """The finding for ``token``, offsets relative to its chunk; ``confidence`` is the posterior, shown
        calibrated (see ``calibration``)."""
        suggestions = []
        for cand, p in post.ranked:
            relation = _relation_text(cand.observed_lemma, cand.relation, cand.lemma, cand.pos, cand.via)
            suggestions.append(Suggestion(match_case(token.text, cand.word), p, relation))
        if self.settings.calibrated:
            confidence = calibrated(confidence)
        observed = token.text.lower()
        evidence = context_evidence(post.ranked[0][0].word, observed, post.context_gain) if post.ranked else ""
        return Finding(token.start, token.end, token.text, confidence, tuple(suggestions), evidence)


def context_evidence(best: str, observed: str, gain: float) -> str:
    """What the trigram model says of ``best`` against ``observed`` (``gain``: log10 ratio), in words.

    The context is not always what decides: a word may be judged spun mostly because the document
    around it is densely spun, or because its spinner rewrites this word elsewhere too.
    """
    ratio = 10 ** gain
    if ratio >= 2:
        return (f"the surrounding words make '{best}' {ratio:,.0f} times likelier than '{observed}' "
                "under the trigram model")
    rest = "the rest of the document (how densely it is spun, and how its spinner rewrites) decides"
    if ratio > 0.5:
        return f"the surrounding words fit '{best}' about as well as '{observed}'; {rest}"
    return f"the surrounding words favour '{observed}' {1 / ratio:,.0f} times over '{best}', but {rest}"


@lru_cache(maxsize=50_000)
def _relation_text(observed: str, relation: str, original: str, pos: str, via: str) -> str:
    """Shared by every finding that names the link: a spun document repeats its words."""
    through = f", through '{via}'" if via else ""
    pos_name = f" ({POS_NAMES[pos]})" if pos in POS_NAMES else ""
    return f"'{observed}' {RELATION_NAMES[relation]} '{original}'{pos_name}{through}"


def _separator(gap: str) -> str | None:
    """What joins two words into a phrase (``expansions.read_phrases``): blanks within a paragraph, or a
    hyphen (a compound); anything else ends the phrase."""
    if gap == "-":
        return "-"
    return " " if gap.strip(" \t") == "" and gap.count("\n") < 2 else None


def _with_lone(found: list[Finding], lone: list[Finding]) -> list[Finding]:
    """A sentence's findings with the words reported on their own evidence that they lack."""
    if not lone:
        return found
    extra = [f for f in lone if not any(g.start < f.end and f.start < g.end for g in found)]
    return sorted(found + extra, key=lambda f: f.start) if extra else found


def _with_phrases(words: list[Finding], phrases: list[Finding]) -> list[Finding]:
    """Word findings and phrase findings of one sentence, by offset; a phrase takes the place of the
    words it covers (a spinner wrote the whole phrase)."""
    if not phrases:
        return words
    kept = [f for f in words if not any(p.start < f.end and f.start < p.end for p in phrases)]
    return sorted(kept + phrases, key=lambda f: f.start)


def _presence(fitted: _Fitted, placed: list[tuple[int, _Sentence]]) -> list[float]:
    """Each sentence's ``_Fitted.presence``; a sentence written since the fit takes that of the fitted
    sentence before it (or, at the start, after it): sections are long, edits are small."""
    known = [fitted.presence.get(sent.key) for _, sent in placed]
    fallback = next((p for p in known if p is not None), 0.0)
    out = []
    for p in known:
        fallback = fallback if p is None else p
        out.append(fallback)
    return out


def _draws_on_moby(channel: DocumentChannel) -> bool:
    """Whether a document may be spun and its spinner draws on Moby (``DEEP_MOBY_SHARE``)."""
    return channel.doc_probability >= MIN_DOC_PROBABILITY and channel.moby_share >= DEEP_MOBY_SHARE


def _never() -> bool:
    return False


def _poll(check: Callable[[], bool]) -> None:
    if check():
        raise Cancelled


_default: Engine | None = None


def analyze(text: str, threshold: float | None = None) -> list[Finding]:
    """Analyse with a process-wide default engine."""
    global _default
    if _default is None:
        _default = Engine()
    return _default.analyze(text, threshold)
