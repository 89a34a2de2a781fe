"""Noisy-channel decoding of one sentence.

The spinner is a channel: each original word ``c`` is kept with probability
``1 - rho`` or replaced, with probability ``rho * q(t | c)``, by a thesaurus
neighbour ``t``.  For each observed word we weigh "kept" against every
candidate original, scoring each hypothesis with the trigram model over the
restored sentence.  Neighbouring substitutions ("volition beryllium") are
decoded jointly by iterated conditional modes: once one word is restored, its
neighbours are re-scored in the restored context.
"""
from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from .candidates import Candidate
from .language_model import SENTENCE_END, SENTENCE_START, LanguageModel

MAX_PASSES = 4


@dataclass(frozen=True, slots=True)
class Slot:
    """A word that may have been spun."""

    index: int  # position in the sentence's word stream
    observed: str
    candidates: tuple[Candidate, ...]
    log_prior: float  # log10 adjustment to every substitution hypothesis (proper nouns, compounds)


@dataclass(frozen=True, slots=True)
class ChannelParams:
    lm_weight: float = 1.0
    frequency_discount: float = 0.0


@dataclass(frozen=True, slots=True)
class SlotPosterior:
    slot: Slot
    spun: float  # P(substituted)
    ranked: tuple[tuple[Candidate, float], ...]  # candidates with P(original = c), best first
    context_gain: float  # log10 LM gain of the best candidate over the observed word


def evidence(model: LanguageModel, slot: Slot, hyp: list[str], params: ChannelParams,
             unigram: Callable[[str], float]) -> tuple[list[float], list[float]]:
    """log10 score of each candidate relative to keeping the observed word, without the spin rate.

    Also returns each candidate's plain LM gain over the observed word.
    """
    i, n = slot.index, len(hyp)

    def at(j: int) -> str:
        if j < 0:
            return SENTENCE_START if j == -1 else ""
        return hyp[j] if j < n else SENTENCE_END

    p1, p2 = at(i - 1), at(i - 2)
    n1 = at(i + 1)
    n2 = at(i + 2) if i + 2 <= n else None
    lp = model.logp

    def local(x: str) -> float:
        s = lp(x, p1, p2) + lp(n1, x, p1)
        if n2 is not None:
            s += lp(n2, n1, x)
        return s

    obs = slot.observed
    base = local(obs)
    uo = unigram(obs)
    gains, scores = [], []
    for c in slot.candidates:
        g = local(c.word) - base
        gains.append(g)
        scores.append(params.lm_weight * g + c.log_q + slot.log_prior
                      + params.frequency_discount * (uo - unigram(c.word)))
    return scores, gains


def posterior(scores: list[float], log_rho: float, log_not_rho: float) -> tuple[float, list[float]]:
    """P(spun) and the normalised probability of each candidate."""
    top = max([log_not_rho] + [s + log_rho for s in scores])
    pk = 10 ** (log_not_rho - top)
    pc = [10 ** (s + log_rho - top) for s in scores]
    z = pk + sum(pc)
    return sum(pc) / z, [p / z for p in pc]


def decode(model: LanguageModel, words: list[str], slots: list[Slot], rho: float, params: ChannelParams,
           unigram: Callable[[str], float]) -> list[SlotPosterior]:
    hyp = list(words)
    log_rho, log_not_rho = math.log10(rho), math.log10(1.0 - rho)
    by_index = {s.index: s for s in slots}
    result: dict[int, SlotPosterior] = {}
    dirty = sorted(by_index)
    for _ in range(MAX_PASSES):
        changed: set[int] = set()
        for i in dirty:
            slot = by_index[i]
            scores, gains = evidence(model, slot, hyp, params, unigram)
            spun, probs = posterior(scores, log_rho, log_not_rho)
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
    return [result[s.index] for s in slots]
