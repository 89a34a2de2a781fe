"""Joint decoding of one sentence under the document's channel.

For each observed word we weigh "kept" against every candidate original,
scoring each hypothesis with the trigram model over the restored sentence.
Neighbouring substitutions ("volition beryllium") are decoded jointly by
iterated conditional modes: once one word is restored, its neighbours are
re-scored in the restored context.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from .candidates import Candidate
from .language_model import SENTENCE_END, SENTENCE_START, LanguageModel

if TYPE_CHECKING:
    from .channel import DocumentChannel

MAX_PASSES = 4
NEGLIGIBLE = 1e-4  # P(spun) below this is not reported at any threshold
PAIR_BREADTH = 5  # candidates per word tried jointly with its neighbour


@dataclass(frozen=True, slots=True)
class Slot:
    """A word that may have been spun."""

    index: int  # position in the sentence's word stream
    observed: str
    candidates: tuple[Candidate, ...]
    log_prior: float  # log10 adjustment to every substitution hypothesis (proper nouns, compounds)
    log_unigram: float  # log10 unigram probability of the observed word


@dataclass(frozen=True, slots=True)
class SlotPosterior:
    slot: Slot
    spun: float  # P(substituted)
    ranked: tuple[tuple[Candidate, float], ...]  # candidates with P(original = c), best first
    context_gain: float  # log10 LM gain of the best candidate over the observed word


def lm_gains(model: LanguageModel, slot: Slot, hyp: list[str]) -> list[float]:
    """log10 LM gain of each candidate over the observed word, in the context ``hyp``."""
    i, n = slot.index, len(hyp)

    def at(j: int) -> str:
        if j < 0:
            return SENTENCE_START if j == -1 else ""
        return hyp[j] if j < n else SENTENCE_END

    p1, p2, n1 = at(i - 1), at(i - 2), at(i + 1)
    n2 = at(i + 2) if i + 2 <= n else None
    lp = model.logp

    def local(x: str) -> float:
        s = lp(x, p1, p2) + lp(n1, x, p1)
        if n2 is not None:
            s += lp(n2, n1, x)
        return s

    base = local(slot.observed)
    return [local(c.word) - base for c in slot.candidates]


def decode(model: LanguageModel, words: tuple[str, ...], slots: tuple[Slot, ...],
           observed_gains: list[list[float]], channel: "DocumentChannel") -> list[SlotPosterior | None]:
    """Posteriors for every slot, None where P(spun) is negligible (most words of most documents);
    ``observed_gains`` are the LM gains in the sentence as it reads."""
    hyp = list(words)
    first_pass = {s.index: g for s, g in zip(slots, observed_gains)}
    fitted = {s.index: channel.fitted(s) for s in slots}
    by_index = {s.index: s for s in slots}
    result: dict[int, SlotPosterior | None] = {}
    dirty = sorted(by_index)
    for _ in range(MAX_PASSES):
        changed: set[int] = set()
        for i in dirty:
            slot = by_index[i]
            if i in first_pass:
                gains, known = first_pass.pop(i), fitted.pop(i)
                spun, probs = known if known is not None else channel.posterior(slot, gains)
            else:
                gains = lm_gains(model, slot, hyp)
                spun, probs = channel.posterior(slot, gains)
            if spun < NEGLIGIBLE:
                result[i] = None
                new = slot.observed
            else:
                order = sorted(range(len(probs)), key=lambda k: -probs[k])
                ranked = tuple((slot.candidates[k], probs[k]) for k in order)
                result[i] = SlotPosterior(slot, spun, ranked, gains[order[0]] if order else 0.0)
                new = ranked[0][0].word if spun > 0.5 and ranked else slot.observed
            if new != hyp[i]:
                hyp[i] = new
                changed.add(i)
        dirty = sorted({j for i in changed for j in range(i - 2, i + 3) if j in by_index and j not in changed})
        if not dirty:
            break
    for i in sorted(by_index):
        j = i + 1
        if j in by_index and (result[i] is not None or result[j] is not None):
            result[i], result[j] = _decode_pair(model, hyp, by_index[i], by_index[j], result[i], result[j], channel)
            for k in (i, j):
                post = result[k]
                hyp[k] = post.ranked[0][0].word if post is not None and post.spun > 0.5 else words[k]
    return [result[s.index] for s in slots]


def _window(model: LanguageModel, hyp: list[str], first: int, last: int) -> float:
    """log10 probability of the trigrams that predict positions ``first`` to ``last`` (and the end)."""
    n = len(hyp)

    def at(j: int) -> str:
        if j < 0:
            return SENTENCE_START if j == -1 else ""
        return hyp[j] if j < n else SENTENCE_END

    return sum(model.logp(at(k), at(k - 1), at(k - 2)) for k in range(first, min(last, n) + 1))


def _options(slot: Slot, post: SlotPosterior | None, channel_scores: list[float]) -> list[int | None]:
    """Keeping the word (None) and the likeliest candidates, as indexes into ``slot.candidates``."""
    if post is not None:
        best = [slot.candidates.index(c) for c, _ in post.ranked[:PAIR_BREADTH]]
    else:
        best = sorted(range(len(channel_scores)), key=lambda k: -channel_scores[k])[:PAIR_BREADTH]
    return [None, *best]


def _decode_pair(model: LanguageModel, hyp: list[str], a: Slot, b: Slot, post_a: SlotPosterior | None,
                 post_b: SlotPosterior | None, channel: "DocumentChannel") -> tuple[SlotPosterior | None, ...]:
    """Joint posterior of two neighbouring words ("volition beryllium"): every pair of hypotheses is
    scored by the LM over the whole window, so neither has to be judged in its neighbour's spun context."""
    weight = channel.params.lm_weight
    keep_a, chan_a = channel.scores(a, [0.0] * len(a.candidates))  # channel terms without the LM
    keep_b, chan_b = channel.scores(b, [0.0] * len(b.candidates))
    h = list(hyp)
    h[a.index], h[b.index] = a.observed, b.observed
    base = _window(model, h, a.index, b.index + 2)
    combos = []
    for xa in _options(a, post_a, chan_a):
        for xb in _options(b, post_b, chan_b):
            h[a.index] = a.observed if xa is None else a.candidates[xa].word
            h[b.index] = b.observed if xb is None else b.candidates[xb].word
            lm = _window(model, h, a.index, b.index + 2) - base
            score = (weight * lm + (keep_a if xa is None else chan_a[xa]) + (keep_b if xb is None else chan_b[xb]))
            combos.append((score, lm, xa, xb))
    top = max(c[0] for c in combos)
    weights = [10 ** (c[0] - top) for c in combos]
    z = sum(weights)
    return (_marginal(a, [(w / z, c[1], c[2]) for w, c in zip(weights, combos)]),
            _marginal(b, [(w / z, c[1], c[3]) for w, c in zip(weights, combos)]))


def _marginal(slot: Slot, joint: list[tuple[float, float, int | None]]) -> SlotPosterior | None:
    """One word's posterior from the pair's joint one: (probability, LM gain, candidate or None) rows."""
    probs: dict[int, float] = {}
    gain: dict[int, tuple[float, float]] = {}
    for p, lm, x in joint:
        if x is not None:
            probs[x] = probs.get(x, 0.0) + p
            if p > gain.get(x, (0.0, 0.0))[0]:
                gain[x] = (p, lm)
    spun = sum(probs.values())
    if spun < NEGLIGIBLE:
        return None
    order = sorted(probs, key=lambda k: -probs[k])
    return SlotPosterior(slot, spun, tuple((slot.candidates[k], probs[k]) for k in order), gain[order[0]][1])
