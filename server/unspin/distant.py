"""Originals two thesaurus steps away, for documents whose spinner walks that far.

Some spinners do not stop at a word's neighbours: the dev article's turns "member" into
"subordinate" by way of "associate", "pressure" into "unit" by way of "force".  Such originals are
too many and too unlikely a priori to stand among every word's candidates, where they would only
add false alarms; so they are weighed only for words already judged spun, and only as far as the
document shows its spinner takes such walks.

For each word judged spun, the context as decoded (its spun neighbours restored) scores its
candidates and its distant originals (``CandidateGenerator.distant``) alike, each weighted by its
channel probability.  The share of the document's substitutions that are distant is estimated by
EM over those words one by one: near zero for a spinner that takes only neighbours, since nearly
every word is then explained better by a neighbour.  A spinner keeps one replacement per word, so
the evidence of every occurrence of a word is then pooled, and its distant originals take that
share, reweighed by how much better they explain all of its occurrences, of its posterior.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .candidates import Candidate
from .decoder import SlotPosterior, in_window, log10_sum
from .language_model import LanguageModel

EM_ITERATIONS = 50
MAX_SHARE = 0.5
NEGLIGIBLE_SHARE = 1e-3  # a document whose estimated share is below this keeps its rankings
SHARE_SAMPLE = 150  # words judged spun that the share is estimated from: enough to tell a spinner's habit


@dataclass(frozen=True, slots=True)
class Reach:
    """What the decoded context says of one occurrence of a word judged spun."""

    observed: str  # the word, as the language model reads it
    candidates: tuple[Candidate, ...]  # its candidates
    distant: tuple[Candidate, ...]  # its distant originals
    near: np.ndarray  # weighted log10 P_LM of each candidate
    far: np.ndarray  # the same of each distant original
    gains: np.ndarray  # log10 LM gain of each distant original over the observed word

    @property
    def word(self) -> tuple[str, tuple[Candidate, ...]]:
        """What the occurrences of one word share, their distant originals included."""
        return self.observed, self.candidates


@dataclass(frozen=True, slots=True)
class Evidence:
    """How well a word's candidates, and its distant originals, explain one or all of its occurrences."""

    near: float  # log10 of the summed q * P_LM ** weight over the candidates
    far: float  # the same over the distant originals
    scores: np.ndarray  # log10 q * P_LM ** weight of each distant original


def reach(model: LanguageModel, post: SlotPosterior, distant: Sequence[Candidate], hyp: Sequence[str],
          weight: float) -> Reach | None:
    """The ``Reach`` of a word judged spun, in ``hyp``: the sentence with its spun words restored."""
    slot = post.slot
    near = {c.word for c in slot.candidates}
    distant = tuple(c for c in distant if c.word not in near)
    if not distant:
        return None
    words = [slot.observed, *(c.word for c in (*slot.candidates, *distant))]
    observed, *logps = in_window(model, hyp, slot.index, words)
    k = len(slot.candidates)
    lp = np.array(logps)
    return Reach(slot.observed, slot.candidates, distant, weight * lp[:k], weight * lp[k:], lp[k:] - observed)


def weigh(reaches: Sequence[Reach]) -> Evidence:
    """The ``Evidence`` of occurrences of one ``Reach.word``, read as having one original (a pool of one,
    or all of them)."""
    first = reaches[0]
    near = np.array([c.log_q for c in first.candidates]) + sum(r.near for r in reaches)
    far = np.array([c.log_q for c in first.distant]) + sum(r.far for r in reaches)
    return Evidence(log10_sum(near.tolist()), log10_sum(far.tolist()), far)


def share(evidence: Sequence[Evidence]) -> float:
    """The share of the document's substitutions whose original is distant, by EM over its spun words."""
    if not evidence:
        return 0.0
    near = np.array([e.near for e in evidence])
    far = np.array([e.far for e in evidence])
    top = np.maximum(near, far)
    near, far = 10.0 ** (near - top), 10.0 ** (far - top)
    pi = 0.1
    for _ in range(EM_ITERATIONS):
        pi = float(np.clip(np.mean(pi * far / (pi * far + (1.0 - pi) * near)), 0.0, MAX_SHARE))
    return pi


def rerank(post: SlotPosterior, found: Reach, pooled: Evidence, pi: float, ranked: int) -> SlotPosterior:
    """``post`` with its distant originals given their part of its posterior over originals: the word's
    responsibility ``r`` for the distant share ``pi`` (from the ``pooled`` evidence of all its
    occurrences), spread by their pooled scores, while the candidates' posteriors shrink by ``1 - r``."""
    top = max(pooled.far, pooled.near)
    far, near = pi * 10.0 ** (pooled.far - top), (1.0 - pi) * 10.0 ** (pooled.near - top)
    r = far / (far + near)
    weights = 10.0 ** (pooled.scores - pooled.far)
    mass = [(c, p * (1.0 - r), post.context_gain) for c, p in post.ranked]
    mass += [(c, post.spun * r * float(w), float(g)) for c, w, g in zip(found.distant, weights, found.gains)]
    mass.sort(key=lambda cpg: -cpg[1])
    return SlotPosterior(post.slot, post.spun, tuple((c, p) for c, p, _ in mass[:ranked]), mass[0][2])

