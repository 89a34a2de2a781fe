"""Phase 2: re-rank the engine's findings with the neural language model.

The engine's trigram pass decides what is spun; this pass reorders each finding's suggestions where
a model that reads the whole sentence (SmolLM2-135M, see ``neural``) disagrees.  Each finding is
scored in its sentence with the document's other findings restored to their best suggestions, as
the reader would see the restored text.  The neural log-likelihood of each suggestion is added to
the engine's own log-probability for it (which holds the channel and the trigram evidence), with
weights measured on development data (docs/neural.md).  Detection and confidence are unchanged:
a text with no findings costs nothing here.
"""
from __future__ import annotations

import bisect
import math
import threading
import weakref
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace

from .engine import Cancelled
from .findings import Finding
from .neural import Request, Scorer, shared_scorer
from .phrases import find_phrases
from .tokens import tokenize

__all__ = ["Cancelled", "Weights", "refine"]

MODEL_NAME = "SmolLM2"
_CACHE_SIZE = 20_000
_CACHES: weakref.WeakKeyDictionary[Scorer, OrderedDict[Request, list[float]]] = weakref.WeakKeyDictionary()
_CACHE_LOCK = threading.Lock()


@dataclass(frozen=True)
class Weights:
    """What the neural model is asked, and how its log10 figures are added to the engine's."""

    engine: float = 0.5  # on log10 of the engine's probability of each suggestion
    neural: float = 1.0  # on the neural model's log10 likelihood of the sentence with each suggestion
    right_tokens: int | None = 3  # tokens after the suggestion the neural model scores (None: to the end)
    rival: float = 0.15  # suggestions below this share of the best one's probability are left where they are
    observed: bool = False  # also score the observed text, for the evidence line (one more pass per finding)
    left_words: int | None = 12  # words of the sentence before the finding the model reads (None: all)
    share: bool = True  # findings whose windows overlap are read in one text, from the first one's window on
    pool: bool = False  # add up the evidence of every occurrence of a word (see ``pooled``; worse on dev)


DEFAULT_WEIGHTS = Weights()


@dataclass(frozen=True)
class Scored:
    """A finding's rival suggestions (the first ``len(scores)`` of them), each scored by the neural model
    in its sentence, and the observed text's score when asked for."""

    finding: Finding
    scores: tuple[float, ...]  # log10 of the words from the first that differs on, one per rival suggestion
    observed: float | None


def refine(text: str, findings: list[Finding], cancelled: Callable[[], bool] | None = None,
           weights: Weights = DEFAULT_WEIGHTS, scorer: Scorer | None = None) -> list[Finding]:
    """The findings of ``Engine.analyze(text)``, suggestions re-ranked, and tortured phrases found (see
    ``phrases``: they replace the word findings they cover); raises ``Cancelled``."""
    return find_phrases(text, refine_words(text, findings, cancelled, weights, scorer), cancelled)


def refine_words(text: str, findings: list[Finding], cancelled: Callable[[], bool] | None = None,
                 weights: Weights = DEFAULT_WEIGHTS, scorer: Scorer | None = None) -> list[Finding]:
    """The findings of ``Engine.analyze(text)``, suggestions re-ranked; raises ``Cancelled``.

    Without the neural model's weights the findings come back unchanged.
    """
    _poll(cancelled)
    if not any(rivals(f, weights.rival) > 1 for f in findings):
        return list(findings)
    scorer = scorer or shared_scorer()
    if scorer is None:
        return list(findings)
    return reranked(findings, score_findings(text, findings, scorer, weights, cancelled), weights)


def reranked(findings: Sequence[Finding], scored: Sequence[Scored], weights: Weights = DEFAULT_WEIGHTS
             ) -> list[Finding]:
    """``findings`` with those scored re-ranked (pooled over each word's occurrences if asked)."""
    if weights.pool:
        scored = pooled(scored)
    by_id = {id(s.finding): s for s in scored}
    return [rerank(by_id[id(f)], weights) if id(f) in by_id else f for f in findings]


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
    """Neural scores of every finding with rival suggestions, all batched in one go."""
    requests, owners = [], []
    for sentence, members in _by_sentence(text, findings):
        start = sentence[0]
        restored, spans = _restored(text[start:sentence[1]], [(f.start - start, f.end - start, f) for f in members])
        cut, reach = 0, -1  # where the current text starts, and where its last finding ends
        for f, (a, b) in zip(members, spans):
            n = rivals(f, weights.rival)
            if n < 2:
                continue
            alternatives = tuple(s.text for s in f.suggestions[:n]) + ((f.text,) if weights.observed else ())
            own = _left_cut(restored, a, weights.left_words)
            if not weights.share or own > reach:
                cut = own
            reach = b
            requests.append(Request(restored[cut:], a - cut, b - cut, alternatives, weights.right_tokens))
            owners.append((f, n))
    _poll(cancelled)
    scores = _cached_scores(scorer, requests, cancelled)
    return [Scored(f, tuple(s[:n]), s[n] if weights.observed else None) for (f, n), s in zip(owners, scores)]


def rerank(scored: Scored, weights: Weights = DEFAULT_WEIGHTS) -> Finding:
    """The finding with its rival suggestions ordered by engine and neural evidence together.

    Their total probability is kept, so the finding's confidence means what it meant.
    """
    f = scored.finding
    n = len(scored.scores)
    head, tail = f.suggestions[:n], f.suggestions[n:]
    mass = sum(s.probability for s in head)
    logits = [weights.engine * math.log10(max(s.probability, 1e-12)) + weights.neural * v
              for s, v in zip(head, scored.scores)]
    top = max(logits)
    shares = [10 ** (v - top) for v in logits]
    total = sum(shares)
    order = sorted(range(n), key=lambda i: -logits[i])
    ranked = tuple(replace(head[i], probability=mass * shares[i] / total) for i in order)
    best, second = order[0], order[1]
    if scored.observed is not None:
        said = neural_evidence(head[best].text, scored.scores[best], f.text, scored.observed)
    else:
        said = neural_evidence(head[best].text, scored.scores[best], head[second].text, scored.scores[second])
    return replace(f, suggestions=ranked + tail, evidence=_joined(f.evidence, said))


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


def _restored(sentence: str, spans: list[tuple[int, int, Finding]]) -> tuple[str, list[tuple[int, int]]]:
    """``sentence`` with each finding replaced by its best suggestion, and where each now stands."""
    parts, where, pos, shift = [], [], 0, 0
    for a, b, f in spans:
        best = f.best if f.best is not None else f.text
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
