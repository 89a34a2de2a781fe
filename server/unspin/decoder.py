"""Joint decoding of one sentence under the document's channel.

Every suspect word may be kept or replaced by one of its likeliest candidate
originals; the sentence is a chain of these choices scored by the trigram
model, and forward-backward over that chain gives each word's posterior with
all of its neighbours' alternatives summed out.  Runs of substitutions
("volition beryllium", "speedy oregon casual") are so decoded jointly: no
word is judged only in its neighbours' spun context.
"""
from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from .candidates import Candidate
from .language_model import SENTENCE_END, SENTENCE_START, LanguageModel

if TYPE_CHECKING:
    from .channel import DocumentChannel

NEGLIGIBLE = 1e-4  # P(spun) below this is not reported at any threshold
BREADTH = 5  # candidate originals per suspect word carried into the joint decoding
SUSPECT = 1e-3  # first-pass P(spun) that makes a word a suspect
NEIGHBOUR_BREADTH = 2  # candidates carried for a suspect's neighbour that is not a suspect itself
UNLIKELY = 1e-3  # first-pass P(original = c) below which c is not carried (beyond the likeliest)


@dataclass(frozen=True, slots=True)
class Slot:
    """A word that may have been spun."""

    index: int  # position in the sentence's word stream
    observed: str  # as the language model reads it (in its own spelling: "meters" for "metres")
    lemma: str  # of the observed word ("demands" -> "demand"), its family in the document's vocabulary
    candidates: tuple[Candidate, ...]
    log_prior: float  # log10 adjustment to every substitution hypothesis (proper nouns, compounds)
    log_unigram: float  # log10 unigram probability of the observed word
    capitalized: bool  # as written; the spinner's case rules apply to the original and observed alike
    inflected: bool  # the observed word is an inflected form (``CandidateGenerator.is_inflected``)


@dataclass(frozen=True, slots=True)
class SlotPosterior:
    slot: Slot
    spun: float  # P(substituted)
    ranked: tuple[tuple[Candidate, float], ...]  # the likeliest candidates with P(original = c), best first
    context_gain: float  # log10 LM gain of the best candidate over the observed word


def in_window(model: LanguageModel, hyp: Sequence[str], i: int, words: Sequence[str]) -> list[float]:
    """``LanguageModel.window_logps`` of each of ``words`` put at position ``i`` of the sentence ``hyp``."""
    n = len(hyp)

    def at(j: int) -> str:
        if j < 0:
            return SENTENCE_START if j == -1 else ""
        return hyp[j] if j < n else SENTENCE_END

    return model.window_logps(list(words), at(i - 2), at(i - 1), at(i + 1), at(i + 2) if i + 2 <= n else None)


def lm_gains(model: LanguageModel, slot: Slot, hyp: list[str]) -> array:
    """log10 LM gain of each candidate over the observed word, in the context ``hyp``."""
    base, *scores = in_window(model, hyp, slot.index, [slot.observed, *(c.word for c in slot.candidates)])
    return array("d", [s - base for s in scores])  # 8 bytes a gain: kept per sentence


def log10_sum(values: Sequence[float]) -> float:
    """log10 of the sum of 10**v."""
    if len(values) == 1:
        return values[0]
    top = max(values)
    if top == float("-inf"):
        return top
    return top + math.log10(sum(10 ** (v - top) for v in values))


Choice = tuple[str, float, "int | None"]  # (word, log10 channel score, candidate index or None for "kept")


def decode(model: LanguageModel, words: tuple[str, ...], slots: tuple[Slot, ...],
           observed_gains: list[Sequence[float]], channel: "DocumentChannel",
           ranked: int) -> list[SlotPosterior | None]:
    """Posteriors for every slot, None where P(spun) is negligible (most words of most documents);
    ``observed_gains`` are the LM gains in the sentence as it reads, used to choose the suspects.
    Each posterior keeps its ``ranked`` likeliest originals."""
    choices = _choices(words, slots, observed_gains, channel)
    marginals = _chain_marginals(model, choices, channel.params.lm_weight)
    result: list[SlotPosterior | None] = []
    for slot, gains in zip(slots, observed_gains):
        mass = marginals[slot.index]
        spun = sum(v for x, v in mass.items() if x is not None)
        if spun < NEGLIGIBLE:
            result.append(None)
            continue
        order = sorted((x for x in mass if x is not None), key=lambda x: -mass[x])
        best = tuple((slot.candidates[k], mass[k]) for k in order[:ranked])
        result.append(SlotPosterior(slot, spun, best, gains[order[0]]))
    return result


def _choices(words: tuple[str, ...], slots: tuple[Slot, ...], observed_gains: list[Sequence[float]],
             channel: "DocumentChannel") -> list[list[Choice]]:
    """Per position, the hypotheses carried into the chain: the word itself, and for suspects (and
    their neighbours) the likeliest originals after a first, context-as-read pass.  A hypothesis
    carries the channel's own terms, the LM gain taken out: the chain brings its own model."""
    evidence = list(zip(slots, observed_gains))
    keep, scores = channel.scores(evidence)
    spun, probs = normalized(keep, scores)
    row = {slot.index: r for r, slot in enumerate(slots)}
    suspects = {slot.index for slot, p in zip(slots, spun) if p >= SUSPECT}
    neighbours = {j for i in suspects for j in (i - 1, i + 1) if j in row} - suspects
    weight = channel.params.lm_weight
    choices: list[list[Choice]] = []
    for i, word in enumerate(words):
        if i not in suspects and i not in neighbours:
            choices.append([(word, 0.0, None)])
            continue
        r = row[i]
        slot, gains = evidence[r]
        p = probs[r, : len(slot.candidates)].tolist()
        ranked = sorted(range(len(p)), key=lambda k: -p[k])[:BREADTH if i in suspects else NEIGHBOUR_BREADTH]
        best = ranked[:1] + [k for k in ranked[1:] if p[k] >= UNLIKELY]
        choices.append([(word, float(keep[r]), None)]
                       + [(slot.candidates[k].word, float(scores[r, k]) - weight * gains[k], k) for k in best])
    return choices


def normalized(keep: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """P(spun) per slot and P(original = c) per candidate, from log10 scores of keeping each slot's
    word (slots,) and of each candidate original (slots x candidates)."""
    top = np.maximum(keep, scores.max(axis=1, initial=-np.inf))
    pk = 10.0 ** (keep - top)
    pc = 10.0 ** (scores - top[:, None])
    probs = pc / (pk + pc.sum(axis=1))[:, None]
    return probs.sum(axis=1), probs


def _chain_marginals(model: LanguageModel, choices: list[list[Choice]],
                     weight: float) -> list[dict[int | None, float]]:
    """Forward-backward over the trigram chain of choices: per position, P(choice) by candidate index.

    A state is the pair of choices at two consecutive positions; the sentence start supplies two
    fixed positions before the first word.
    """
    n = len(choices)
    opts = [[("", 0.0, None)], [(SENTENCE_START, 0.0, None)], *choices]  # opts[p] is position p - 2
    # alpha[p - 1][(a, b)]: log10 of the summed score of every path through positions up to p
    # whose last two choices are a (at p - 1) and b (at p); moves[p - 2] holds each step's score.
    alpha: list[dict[tuple[int, int], float]] = [{(0, 0): 0.0}]
    moves: list[dict[tuple[int, int, int], float]] = []
    for p in range(2, n + 2):
        words = [word for word, _, _ in opts[p]]
        emits = [emit for _, emit, _ in opts[p]]
        paths: dict[tuple[int, int], list[float]] = {}
        step: dict[tuple[int, int, int], float] = {}
        for (z, a), score in alpha[-1].items():
            for b, (lp, emit) in enumerate(zip(model.logps(words, opts[p - 1][a][0], opts[p - 2][z][0]), emits)):
                move = step[(z, a, b)] = weight * lp + emit
                paths.setdefault((a, b), []).append(score + move)
        alpha.append({k: log10_sum(v) for k, v in paths.items()})
        moves.append(step)
    lp = model.logp
    end = {k: weight * lp(SENTENCE_END, opts[n + 1][k[1]][0], opts[n][k[0]][0]) for k in alpha[-1]}
    total = log10_sum([alpha[-1][k] + end[k] for k in alpha[-1]])
    # beta[p - 2][(a, b)]: log10 of the summed score of every continuation after position p.
    beta: list[dict[tuple[int, int], float]] = [end]
    for p in range(n + 1, 2, -1):
        nxt, step = beta[-1], moves[p - 2]
        beta.append({(z, a): log10_sum([step[(z, a, b)] + nxt[(a, b)] for b in range(len(opts[p])) if (a, b) in nxt])
                     for (z, a) in alpha[p - 2]})
    beta.reverse()
    marginals: list[dict[int | None, float]] = []
    for p in range(2, n + 2):
        mass: dict[int | None, float] = {}
        for (a, b), score in alpha[p - 1].items():
            x = opts[p][b][2]
            mass[x] = mass.get(x, 0.0) + 10 ** (score + beta[p - 2][(a, b)] - total)
        marginals.append(mass)
    return marginals
