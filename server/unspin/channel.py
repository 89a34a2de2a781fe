"""The document-level spinner channel, fitted by EM on one document.

Three things about spinners are modelled here rather than in per-word rules:

* **Clean documents have no spin.**  Before any word is judged, the whole
  document is weighed: does a spinner with a typical spin rate explain it
  better than no spinner at all?  The trigram model finds *some* improvement
  in any text, so each candidate word must pay ``SLOT_COST`` nats for the
  spinner hypothesis to win; clean prose loses that test and stays silent.
* **The spin rate is a property of the document**, estimated by EM: densely
  spun text lowers the bar for each word.
* **Spinners keep one replacement per word** (most of them): the rate at
  which a word form is spun, and which neighbour it becomes, are re-estimated
  per document with the document-wide values as Dirichlet priors.  A form
  that is spun elsewhere in the document is likely spun here too; a form
  that is plainly kept elsewhere is less likely to be an original here.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass

from .candidates import Candidate
from .decoder import Slot

DOC_LM_WEIGHT = 0.7
SLOT_COST = 0.12  # nats per candidate word; see module docstring
PRIOR_LOG_ODDS = -3.0  # prior log odds (nats) that a document is spun
REFERENCE_RATE = 0.1
MIN_RATE = 0.05
MIN_DOC_PROBABILITY = 1e-3  # below this the document is judged clean and not decoded at all
HOPELESS = -3.0  # log10: a slot whose best candidate scores below this cannot be spun at any rate


@dataclass(frozen=True)
class ChannelParams:
    lm_weight: float = 1.0
    # Share of a candidate's unigram advantage over the observed word that is discounted: a trigram
    # model backs off to unigrams around rare words, which would otherwise flag every rare word.
    frequency_discount: float = 0.3
    rate_prior_a: float = 0.5
    rate_prior_b: float = 20.0
    form_strength: float = 2.0  # pseudo-counts tying a word's own spin rate to the document's
    choice_strength: float = 1.0  # pseudo-counts tying a word's replacement to the thesaurus
    em_iterations: int = 4


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


class DocumentChannel:
    """Spin probabilities for one document; ``scores`` turns LM gains into log10 hypothesis scores."""

    def __init__(self, params: ChannelParams) -> None:
        self.params = params
        self.doc_probability = 0.0
        self.rate = MIN_RATE
        self._choice: dict[tuple[str, str], float] = {}
        self._spun_mass: dict[str, float] = {}
        self._kept: dict[str, float] = {}
        self._own: dict[int, list[float]] = {}  # id(slot) -> its last posteriors, left out when it is scored

    def fit(self, evidence: list[tuple[Slot, list[float]]], form_counts: dict[str, int]) -> "DocumentChannel":
        p = self.params
        self.doc_probability = self._doc_probability(evidence)
        if self.doc_probability < MIN_DOC_PROBABILITY:
            return self
        n = len(evidence)
        evidence = [(slot, gains) for slot, gains in evidence if self._hopeful(slot, gains)]
        self.rate = max(MIN_RATE, p.rate_prior_a / (p.rate_prior_a + p.rate_prior_b))
        for _ in range(p.em_iterations):
            spun_total = 0.0
            spun: dict[str, float] = defaultdict(float)
            kept: dict[str, float] = defaultdict(float, form_counts)
            choice: dict[tuple[str, str], float] = defaultdict(float)
            own: dict[int, list[float]] = {}
            for slot, gains in evidence:
                p_spun, probs = self.posterior(slot, gains)
                own[id(slot)] = probs
                spun_total += p_spun
                kept[slot.observed] -= p_spun
                for c, pc in zip(slot.candidates, probs):
                    spun[c.word] += pc
                    choice[(c.word, slot.observed)] += pc
            self.rate = max(MIN_RATE, (spun_total + p.rate_prior_a) / (n + p.rate_prior_a + p.rate_prior_b))
            self._choice, self._spun_mass, self._kept, self._own = dict(choice), dict(spun), dict(kept), own
        return self

    def _context_score(self, slot: Slot, c: Candidate, gain: float) -> float:
        """Weighted LM gain of candidate ``c``, less the discounted part of its unigram advantage."""
        p = self.params
        return p.lm_weight * gain - p.frequency_discount * (c.log_unigram - slot.log_unigram)

    def _hopeful(self, slot: Slot, gains: list[float]) -> bool:
        """False when no candidate could win even with a spin rate and replacement choice of one."""
        best = max(self._context_score(slot, c, g) for g, c in zip(gains, slot.candidates))
        return best + slot.log_prior > HOPELESS

    def _doc_probability(self, evidence: list[tuple[Slot, list[float]]]) -> float:
        ll = 0.0
        for slot, gains in evidence:
            s = sum(10 ** (DOC_LM_WEIGHT * g + c.log_q + slot.log_prior) for g, c in zip(gains, slot.candidates))
            ll += math.log(1 - REFERENCE_RATE + REFERENCE_RATE * s)
        return _sigmoid(PRIOR_LOG_ODDS + ll - SLOT_COST * len(evidence))

    def _form_rate(self, word: str, spun_self: float, kept_self: float) -> float:
        """How often ``word`` is spun in this document, leaving out the occurrence being judged."""
        k = self.params.form_strength
        spun = max(0.0, self._spun_mass.get(word, 0.0) - spun_self)
        kept = max(0.0, self._kept.get(word, 0.0) - kept_self)
        return (self.rate * k + spun) / (k + spun + kept)

    def scores(self, slot: Slot, gains: list[float]) -> tuple[float, list[float]]:
        """log10 score of keeping the observed word, and of each candidate original."""
        a = self.params.choice_strength
        own = self._own.get(id(slot)) or [0.0] * len(gains)
        keep_self = 1.0 - sum(own)
        keep = math.log10(max(1e-9, 1.0 - self._form_rate(slot.observed, 0.0, keep_self)))
        out = []
        for c, g, mine in zip(slot.candidates, gains, own):
            chosen = max(0.0, self._choice.get((c.word, slot.observed), 0.0) - mine)
            q = (a * 10 ** c.log_q + chosen) / (a + max(0.0, self._spun_mass.get(c.word, 0.0) - mine))
            out.append(self._context_score(slot, c, g) + math.log10(self._form_rate(c.word, mine, 0.0))
                       + math.log10(q) + slot.log_prior)
        return keep, out

    def posterior(self, slot: Slot, gains: list[float]) -> tuple[float, list[float]]:
        """P(spun) and P(original = c) for each candidate."""
        keep, scores = self.scores(slot, gains)
        top = max([keep, *scores])
        pk = 10 ** (keep - top)
        pc = [10 ** (s - top) for s in scores]
        z = pk + sum(pc)
        return sum(pc) / z, [x / z for x in pc]
