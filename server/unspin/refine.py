"""Phase 2: a second opinion from the neural language model on the engine's findings.

The engine's trigram pass decides what may be spun; this pass asks a model that reads the whole
sentence (SmolLM2-135M, see ``neural``) how much likelier each finding's suggestions are than the
words as written.  That ratio, added to the finding's log-odds, confirms or withdraws it: the
trigram model sees two words on each side and prefers common words, so its verdicts on words of a
text judged spun are the least sure part of the engine (docs/neural.md, "A second opinion").  The
engine therefore reports such words for review from a lower posterior on (``Engine.analyze``'s
``review``: in text it gives at least that chance of being spun) and only those the two models agree
on are shown; words the engine reports on their own evidence can only be withdrawn here.  With the
neural model the threshold applies to the confidence shown, the judged one.  The same scores re-rank
the suggestions: each finding is scored in its sentence with the document's confident findings restored to their best
suggestions, as the reader would see the restored text, and the neural log-likelihood of each
suggestion is added to the engine's own log-probability for it (which holds the channel and the
trigram evidence), with weights measured on development data.  A text with no findings costs nothing.
"""
from __future__ import annotations

import bisect
import math
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .channel import sigmoid
from .engine import Cancelled, Engine
from .findings import Finding
from .neural import Request, Scorer, shared_scorer
from .phrases import find_phrases
from .tokens import tokenize

__all__ = ["Cancelled", "Weights", "refine"]

MODEL_NAME = "SmolLM2"
REVIEW = 0.05  # the engine's posterior from which words of text judged spun are put to the neural model
_CACHE_SIZE = 20_000
_CACHES: weakref.WeakKeyDictionary[Scorer, OrderedDict[Request, list[float]]] = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Weights:
    """What the neural model is asked, and how its log10 figures are added to the engine's."""

    engine: float = 0.5  # on log10 of the engine's probability of each suggestion
    neural: float = 1.0  # on the neural model's log10 likelihood of the sentence with each suggestion
    right_tokens: int | None = 2  # tokens after the suggestion the neural model scores (None: to the end)
    rival: float = 0.15  # suggestions below this share of the best one's probability are left where they are
    left_words: int | None = 12  # words of the sentence before the finding the model reads (None: all)
    share: bool = True  # findings whose windows overlap are read in one text, from the first one's window on
    pool: bool = False  # add up the evidence of every occurrence of a word (see ``pooled``; worse on dev)
    # The judged confidence: the finding's log-odds (natural) plus ``judge`` times the neural log10 ratio of
    # its likeliest suggestion to the text as written, that ratio taken at most ``judge_cap``, plus
    # ``judge_bias``; fitted by logistic regression on benchmark spinners and clean prose (docs/neural.md).
    judge: float = 1.0
    judge_cap: float = 4.0
    judge_bias: float = -1.6
    context: float = 0.47  # findings at least this confident are read restored around the others
    weigh: float = 0.15  # suggestions below this share of the best one's probability are not put to the model
    sure: float = 0.8  # findings at least this confident are not judged again, only re-ranked if they have rivals


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Scored:
    """A finding's suggestions, each scored by the neural model in its sentence, and the text as written."""

    finding: Finding
    scores: tuple[float, ...]  # log10 of the words from the first that differs on, one per suggestion weighed
    observed: float | None  # the same for the text as written; None: the finding is not judged again

    @property
    def lift(self) -> float:
        """log10: how much likelier the likeliest suggestion is than the text as written."""
        if self.observed is None:
            raise ValueError(f"'{self.finding.text}' was not judged: the text as written was not scored")
        return max(self.scores) - self.observed


def for_review(engine: Engine, text: str, threshold: float, document: str | None = None,
               cancelled: Callable[[], bool] | None = None) -> list[Finding] | None:
    """The engine's findings to put to the neural model (``REVIEW``), or None without its weights: the
    engine's own findings at ``threshold`` then stand as they are."""
    if shared_scorer() is None:
        return None
    return engine.analyze(text, threshold, document, cancelled=cancelled, review=REVIEW)


def refine(text: str, findings: list[Finding], cancelled: Callable[[], bool] | None = None,
           weights: Weights = DEFAULT_WEIGHTS, scorer: Scorer | None = None, threshold: float = 0.5) -> list[Finding]:
    """``refine_words``, and tortured phrases found (see ``phrases``: they replace the word findings they
    cover); raises ``Cancelled``."""
    return find_phrases(text, refine_words(text, findings, cancelled, weights, scorer, threshold), cancelled)


def refine_words(text: str, findings: list[Finding], cancelled: Callable[[], bool] | None = None,
                 weights: Weights = DEFAULT_WEIGHTS, scorer: Scorer | None = None,
                 threshold: float = 0.5) -> list[Finding]:
    """The findings of ``Engine.analyze(text, review=REVIEW)`` judged again, those at least ``threshold``
    confident kept, their suggestions re-ranked; raises ``Cancelled``.

    Without the neural model's weights the findings come back unchanged (so ask the engine for
    findings to review only where ``shared_scorer()`` has them).
    """
    _poll(cancelled)
    if not any(f.suggestions for f in findings):
        return [f for f in findings if f.confidence >= threshold]
    scorer = scorer or shared_scorer()
    if scorer is None:
        return list(findings)
    scored = score_findings(text, findings, scorer, weights, cancelled)
    return [f for f in reranked(findings, scored, weights) if f.confidence >= threshold]


def reranked(findings: Sequence[Finding], scored: Sequence[Scored], weights: Weights = DEFAULT_WEIGHTS
             ) -> list[Finding]:
    """``findings`` with those scored judged and re-ranked (pooled over each word's occurrences if asked)."""
    ranking = pooled(scored) if weights.pool else scored
    by_id = {id(s.finding): (s, r) for s, r in zip(scored, ranking)}
    return [rerank(*by_id[id(f)], weights=weights) if id(f) in by_id else f for f in findings]


def judged(scored: Scored, weights: Weights = DEFAULT_WEIGHTS) -> float:
    """The finding's confidence with the neural model's opinion added (see ``Weights``)."""
    c = min(max(scored.finding.confidence, 1e-9), 1.0 - 1e-9)
    return sigmoid(math.log(c / (1.0 - c)) + weights.judge * min(weights.judge_cap, scored.lift) + weights.judge_bias)


def pooled(scored: Sequence[Scored]) -> list[Scored]:
    """Each finding's neural scores with the evidence of the same word's other occurrences added.

    A spinner keeps one replacement per word, so every occurrence of a spun word has the same
    original.  Scores are first made log-shares among each occurrence's rivals; a rival that an
    occurrence did not weigh counts as a tenth of its weakest one there.
    """
    groups: dict[str, list[Scored]] = {}
    for s in scored:
        groups.setdefault(s.finding.text.lower(), []).append(s)
    out = {}
    for members in groups.values():
        if len(members) < 2:
            continue
        shares = []
        for m in members:
            top = max(m.scores)
            total = math.log10(sum(10 ** (v - top) for v in m.scores)) + top
            shares.append({sg.text.lower(): v - total for sg, v in zip(m.finding.suggestions, m.scores)})
        for m in members:
            sums = []
            for sg in m.finding.suggestions[:len(m.scores)]:
                c = sg.text.lower()
                sums.append(sum(sh.get(c, min(sh.values()) - 1.0) for sh in shares))
            out[id(m)] = replace(m, scores=tuple(sums))
    return [out.get(id(s), s) for s in scored]


def rivals(f: Finding, rival: float) -> int:
    """How many of the finding's first suggestions are close enough to the best to be weighed."""
    if not f.suggestions:
        return 0
    bar = f.suggestions[0].probability * rival
    return sum(1 for s in f.suggestions if s.probability >= bar)


def score_findings(text: str, findings: Sequence[Finding], scorer: Scorer, weights: Weights = DEFAULT_WEIGHTS,
                   cancelled: Callable[[], bool] | None = None) -> list[Scored]:
    """Neural scores of every finding's suggestions and of its text as written, all batched in one go."""
    requests, owners = [], []
    for sentence, members in _by_sentence(text, findings):
        start = sentence[0]
        restored, spans = _restored(text[start:sentence[1]], [(f.start - start, f.end - start, f) for f in members],
                                    weights.context)
        cut, reach = 0, -1  # where the current text starts, and where its last finding ends
        for f, (a, b) in zip(members, spans):
            sure = f.confidence >= weights.sure
            n = rivals(f, weights.rival if sure else weights.weigh)
            if n < (2 if sure else 1):
                continue
            alternatives = tuple(s.text for s in f.suggestions[:n]) + (() if sure else (f.text,))
            own = _left_cut(restored, a, weights.left_words)
            if not weights.share or own > reach:
                cut = own
            reach = b
            requests.append(Request(restored[cut:], a - cut, b - cut, alternatives, weights.right_tokens))
            owners.append((f, n, sure))
    _poll(cancelled)
    scores = _cached_scores(scorer, requests, cancelled)
    return [Scored(f, tuple(s[:n]), None if sure else s[n]) for (f, n, sure), s in zip(owners, scores)]


def rerank(scored: Scored, ranking: Scored | None = None, weights: Weights = DEFAULT_WEIGHTS) -> Finding:
    """The finding with its rival suggestions ordered by engine and neural evidence together (``ranking``'s
    scores, if given: see ``pooled``), their total probability kept, and judged again (``judged``) where
    the text as written was scored."""
    f = scored.finding
    n = min(len(scored.scores), rivals(f, weights.rival))
    head, tail = f.suggestions[:n], f.suggestions[n:]
    mass = sum(s.probability for s in head)
    logits = [weights.engine * math.log10(max(s.probability, 1e-12)) + weights.neural * v
              for s, v in zip(head, (ranking or scored).scores)]
    top = max(logits)
    shares = [10 ** (v - top) for v in logits]
    total = sum(shares)
    order = sorted(range(n), key=lambda i: -logits[i])
    ranked = tuple(replace(head[i], probability=mass * shares[i] / total) for i in order) if n > 1 else head
    best = order[0]
    if scored.observed is None:
        second = order[1] if n > 1 else best
        said = neural_evidence(head[best].text, scored.scores[best], head[second].text, scored.scores[second])
        return replace(f, suggestions=ranked + tail, evidence=_joined(f.evidence, said))
    said = neural_evidence(head[best].text, scored.scores[best], f.text, scored.observed)
    return replace(f, confidence=judged(scored, weights), suggestions=ranked + tail, evidence=_joined(f.evidence, said))


def neural_evidence(best: str, best_score: float, other: str, other_score: float) -> str:
    """What the neural model says of the best suggestion against another reading, in words."""
    ratio = 10 ** (best_score - other_score)
    if ratio >= 2:
        return f"{MODEL_NAME}: '{best}' {ratio:,.0f} times likelier than '{other}' in this sentence"
    if ratio > 0.5:
        return f"{MODEL_NAME}: '{best}' and '{other}' about as likely in this sentence"
    return f"{MODEL_NAME}: '{other}' {1 / ratio:,.0f} times likelier than '{best}' in this sentence"


def _cached_scores(scorer: Scorer, requests: list[Request], cancelled: Callable[[], bool] | None
                   ) -> list[list[float]]:
    """The scores of ``requests``, asking the model only for those not scored before: after an edit,
    only the changed sentences' findings (or those whose neighbours' best suggestions moved) cost."""
    with _CACHE_LOCK:
        cache = _CACHES.setdefault(scorer, OrderedDict())
        known = {r: cache[r] for r in requests if r in cache}
    todo = list(dict.fromkeys(r for r in requests if r not in known))
    if todo:
        fresh = scorer.score_many(todo, interrupt=(lambda: _poll(cancelled)) if cancelled else None, whole=False)
        with _CACHE_LOCK:
            for r, v in zip(todo, fresh):
                known[r] = cache[r] = v
            while len(cache) > _CACHE_SIZE:
                cache.popitem(last=False)
    return [known[r] for r in requests]


def _joined(evidence: str, neural: str) -> str:
    return f"{evidence}; {neural}" if evidence else neural


def _by_sentence(text: str, findings: Sequence[Finding]) -> list[tuple[tuple[int, int], list[Finding]]]:
    """The findings grouped by the engine's sentences, each with the sentence's span in ``text``."""
    spans: dict[int, list[int]] = {}
    for tok in tokenize(text):
        span = spans.setdefault(tok.sentence, [tok.start, tok.end])
        span[1] = tok.end
    ordered = sorted(spans.values())
    starts = [s for s, _ in ordered]
    groups: dict[int, list[Finding]] = {}
    for f in findings:
        i = max(0, bisect.bisect_right(starts, f.start) - 1)
        groups.setdefault(i, []).append(f)
    out = []
    for i, members in sorted(groups.items()):
        lo = min(ordered[i][0], *(f.start for f in members))
        hi = max(ordered[i][1], *(f.end for f in members))
        out.append(((lo, hi), sorted(members, key=lambda f: f.start)))
    return out


def _restored(sentence: str, spans: list[tuple[int, int, Finding]], bar: float = 0.0
              ) -> tuple[str, list[tuple[int, int]]]:
    """``sentence`` with each finding at least ``bar`` confident replaced by its best suggestion, and where
    each finding now stands."""
    parts, where, pos, shift = [], [], 0, 0
    for a, b, f in spans:
        best = f.best if f.best is not None and f.confidence >= bar else f.text
        parts.append(sentence[pos:a])
        parts.append(best)
        where.append((a + shift, a + shift + len(best)))
        shift += len(best) - (b - a)
        pos = b
    parts.append(sentence[pos:])
    return "".join(parts), where


def _left_cut(sentence: str, start: int, words: int | None) -> int:
    """Where the model starts reading: ``words`` words before ``start`` (the sentence start if None)."""
    if words is None:
        return 0
    cut = start
    for _ in range(words):
        cut = sentence.rfind(" ", 0, max(cut - 1, 0))
        if cut < 0:
            return 0
    return cut + 1


def _poll(cancelled: Callable[[], bool] | None) -> None:
    if cancelled is not None and cancelled():
        raise Cancelled
