"""Where in a document a spinner was at work: spun sections, not one verdict for the whole text.

Real documents are mixed: a spun paragraph pasted into an original post, an original introduction
before a spun article.  A single spin verdict for the whole text either flags the clean part with
the spun one or, once the clean part is long, misses the spun part altogether.  So the sentences
are read as a two-state hidden Markov chain, clean or spun, that rarely switches (``SWITCH``):
forward-backward gives each sentence the probability that it lies in a spun section, from the
spinner evidence of the sentences around it.  A section must earn more than its switching cost, so
chance runs of odd words in clean prose stay quiet, while a long spun section easily pays it.

Spinning can also be spread evenly: a few words per page, never a section, or a spinner whose
every word yields little evidence (a uniform pick from Moby), so that the chain, whose sections pay
a steep price per word, leaves half of a document spun throughout outside them.  What the chain
leaves clean is then weighed as a whole, as ``channel.document_probability`` weighs a document,
whose bar grows only with the square root of its length.  Beside sections it is weighed as their
continuation: is the document likelier spun throughout than spun in those sections alone?  It then
pays only what its words add to the whole document's bar, and saves the switches in and out of
the sections.

Both bars rest on clean prose yielding about no spinner evidence per word on average, which holds for
the modern prose the trigram model learned from, not for old prose.  Early Modern English (Shakespeare,
the King James Bible) is full of words the modern model finds far less likely than a common synonym
("hither" for here, "perchance", "oft", "wherefore"), so the openings of Shakespeare's plays yield
0.02-0.07 nats of evidence per candidate word (0.047 pooled), as much as a text spun at 2-5 %.  Such
prose is told by its grammar, which no thesaurus spinner writes: "thou", "hath", "doth", "receiveth",
"know'st", "turn'd" (``candidates.CandidateGenerator.is_old_form``).  Where these are frequent
(``old_register_probability``) a spinner's evidence is counted from old prose's own level,
``OLD_REGISTER_EVIDENCE`` per candidate word, in the sections and in the whole-document test alike.
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from .channel import PRIOR_LOG_ODDS, SLOT_COST_FLOOR, document_cost, document_probability, sigmoid

SWITCH = 10.0  # nats: the cost of entering or leaving a spun section between two sentences
SECTION_SLOT_COST = 0.10  # nats each candidate word of a sentence pays for being in a spun section
# Old-register forms per word (``old_register_probability``): 7.6-57 per 1,000 words over the openings of
# 37 Shakespeare plays; at most 0.7 per 1,000 in the 31 dev Wikipedia articles, six Austen novels,
# Alice and the US founding documents (a quotation: "doth"), and none in any spun benchmark set.
OLD_FORM_RATE = 0.01
MODERN_FORM_RATE = 2e-4
# Spinner evidence per candidate word that clean old prose yields under the modern trigram model: 0.047
# pooled over the openings of 37 Shakespeare plays (0.046 and 0.049 over either half of them).
OLD_REGISTER_EVIDENCE = 0.05


@dataclass(frozen=True)
class SentenceEvidence:
    """A sentence's summed spinner evidence (nats, ``channel.spin_log_likelihoods`` weighted by
    ``channel.evidence_weights``) and its number of candidate words (weighted alike)."""

    log_likelihood: float
    slots: float


def section_probabilities(sentences: Sequence[SentenceEvidence], slot_cost: float = SECTION_SLOT_COST) -> list[float]:
    """P(the sentence lies in a spun section), for each sentence in document order; each candidate word
    in a section pays ``slot_cost``."""
    n = len(sentences)
    if n == 0:
        return []
    stay, switch = math.log1p(-math.exp(-SWITCH)), -SWITCH
    start_spun = PRIOR_LOG_ODDS - math.log1p(math.exp(PRIOR_LOG_ODDS))
    start_clean = -math.log1p(math.exp(PRIOR_LOG_ODDS))
    emit = [s.log_likelihood - slot_cost * s.slots for s in sentences]
    # Forward in log space, clean state's emission taken as 0 (the evidence is a log ratio).
    fc, fs = [0.0] * n, [0.0] * n
    c, s = start_clean, start_spun + emit[0]
    fc[0], fs[0] = c, s
    for i in range(1, n):
        c, s = _lse(c + stay, s + switch), _lse(c + switch, s + stay) + emit[i]
        fc[i], fs[i] = c, s
    out = [0.0] * n
    bc = bs = 0.0
    for i in range(n - 1, -1, -1):
        out[i] = sigmoid(fs[i] + bs - fc[i] - bc)
        if i:
            e = emit[i]
            bc, bs = _lse(stay + bc, switch + e + bs), _lse(switch + bc, stay + e + bs)
    return out


def old_register_probability(old_forms: int, words: int) -> float:
    """P(the document is written in an old register), from how many of its ``words`` are old-register
    forms: a Poisson count at ``OLD_FORM_RATE`` against ``MODERN_FORM_RATE``, even odds before it."""
    if words <= 0:
        return 0.0
    log_ratio = old_forms * math.log(OLD_FORM_RATE / MODERN_FORM_RATE) - words * (OLD_FORM_RATE - MODERN_FORM_RATE)
    return sigmoid(log_ratio)


def spin_presence(sentences: Sequence[SentenceEvidence], old_register: float = 0.0) -> list[float]:
    """P(a word of the sentence may be spun at all): in a spun section, or in a document spun sparsely
    throughout, judged on the sentences outside any section.  ``old_register``: the document's
    ``old_register_probability``: old prose's own level of evidence is then no sign of a spinner."""
    shift = old_register * OLD_REGISTER_EVIDENCE
    local = section_probabilities(sentences, SECTION_SLOT_COST + shift)
    inside = [p >= 0.5 for p in local]
    rest_ll = sum(s.log_likelihood for s, spun in zip(sentences, inside) if not spun)
    rest_n = sum(s.slots for s, spun in zip(sentences, inside) if not spun)
    floor = SLOT_COST_FLOOR + shift
    if not rest_n:
        sparse = 0.0
    elif not any(inside):
        sparse = document_probability(rest_ll, rest_n, floor)
    else:
        all_n = sum(s.slots for s in sentences)
        switches = sum(a != b for a, b in zip(inside, inside[1:]))
        added = document_cost(all_n, floor) - document_cost(all_n - rest_n, floor)
        sparse = sigmoid(rest_ll - added + switches * SWITCH)
    return [p + (1.0 - p) * sparse for p in local]


def _lse(a: float, b: float) -> float:
    return max(a, b) + math.log1p(math.exp(-abs(a - b)))
