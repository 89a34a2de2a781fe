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
    return [result[s.index] for s in slots]
