"""The document-level spinner channel, fitted by EM on one document.

Seven things about spinners and documents are modelled here rather than in per-word rules:

* **Clean documents have no spin.**  Before any word is judged, the whole
  document is weighed: does a spinner with a typical spin rate explain it
  better than no spinner at all?  The trigram model finds *some* improvement
  in any text, so each candidate word must pay ``SLOT_COST`` nats for the
  spinner hypothesis to win; clean prose loses that test and stays silent.
  On clean prose the summed evidence hovers around zero with a spread that
  grows as the square root of the number of words, so a long document pays
  at most ``SLOT_COST_FLOOR`` per word plus ``SLOT_SPREAD`` per square root:
  a long document spun at a low rate is still caught.
* **The spin rate is a property of the document**, estimated by EM: densely
  spun text lowers the bar for each word.
* **Spinners differ in which words they touch**: some leave capitalised
  words alone, some look words up verbatim and so never replace an
  inflected form.  Each form class (capitalised or not, inflected or not)
  has its own spin rate, tied to the document's by a Dirichlet prior and
  learned by EM, so the document tells which kind of spinner wrote it.
* **Spinners keep one replacement per word** (most of them): the rate at
  which a word form is spun, and which neighbour it becomes, are re-estimated
  per document with the document-wide values as Dirichlet priors.  A form
  that is spun elsewhere in the document is likely spun here too; a form
  that is plainly kept elsewhere is less likely to be an original here.
  How firmly a word keeps its replacement is the document's too: one spinner
  writes "inwards" for every *in*, another draws afresh at each use.  The
  Dirichlet's strength is the one of ``CHOICE_STRENGTHS`` under which the
  document's replacements are likeliest (a Dirichlet-multinomial over each
  original's replacements).
* **Repeated wording is not repeated evidence.**  Boilerplate ("Patch by
  ..." closing every line of release notes) gives the same slot in the
  same context again and again; ``n`` slots that read alike count as
  ``sqrt(n)`` in the whole-document test and in the document's rates, and
  a slot is judged without its repeats' share as well as its own.
* **Spinners differ in which thesaurus links they follow**: one takes only
  synonyms, another also broader and narrower terms.  How much likelier
  each relation is among the document's substitutions than the thesaurus's
  own mix would have it is learned by EM (tied to 1 by a Dirichlet prior,
  and raised at most to ``MAX_RELATION_LIFT`` so that no relation makes a
  word suspect on its own).
* **A document keeps to its subject, a spinner does not.**  A cache model
  over the lemmas the document keeps: an original whose other forms the
  document uses ("demand" where "demands" is kept) is the likelier of the
  candidates, and a word whose other forms the document uses ("demands"
  beside "demanded") is likelier kept.  The candidates' share only
  reorders them; whether a word was spun is left to the context and rates.
"""
from __future__ import annotations

import math
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .candidates import Candidate
from .decoder import Slot, normalized
from .lexicon import RELATION_NAMES

DOC_LM_WEIGHT = 0.7
SLOT_COST = 0.12  # nats per candidate word; see module docstring
SLOT_COST_FLOOR = 0.02  # and in a long document, per candidate word
SLOT_SPREAD = 1.4  # plus this per square root of the number of candidate words
PRIOR_LOG_ODDS = -3.0  # prior log odds (nats) that a document is spun
REFERENCE_RATE = 0.1
MIN_RATE = 0.05
MIN_DOC_PROBABILITY = 1e-3  # below this the document is judged clean and not decoded at all
_BLOCK = 4096  # rows per E-step block
_POLL_ROWS = 512  # slots between two polls while the table is built (about 50 ms)
HOPELESS = -3.0  # log10: a slot whose best candidate scores below this cannot be spun at any rate
MOBY_SHARES = (0.02, 0.1, 0.3, 0.6, 0.9)  # shares of a spinner's replacements drawn from Moby, see ``moby_share``


@dataclass(frozen=True)
class ChannelParams:
    lm_weight: float = 0.9
    # Share of a candidate's unigram advantage over the observed word that is discounted: a trigram
    # model backs off to unigrams around rare words, which would otherwise flag every rare word.
    frequency_discount: float = 0.2
    rate_prior_a: float = 0.5
    rate_prior_b: float = 20.0
    form_strength: float = 16.0  # pseudo-counts tying a word's own spin rate to the document's
    choice_strength: float = 2.0  # pseudo-counts tying a word's replacement to the thesaurus, until fitted
    class_strength: float = 20.0  # pseudo-counts tying a form class's spin rate to the document's
    relation_strength: float = 10.0  # pseudo-counts tying the document's mix of relations to the thesaurus's
    topic_weight: float = 0.1  # weight of the document's own vocabulary in a word's probability
    em_iterations: int = 4

    def context(self, gain, unigram_gap):
        """Weighted LM gain of a candidate, less the discounted part of its unigram advantage over the
        observed word; on numbers and on arrays alike."""
        return self.lm_weight * gain - self.frequency_discount * unigram_gap

    def topic(self, doc_share, log_unigram):
        """log10 boost of an original whose lemma makes up ``doc_share`` of the document's kept words,
        against its background frequency: the cache-model mixture ``(1 - w) P + w P_doc`` taken at
        the unigram level, so a rare word the document is about ("demand" in a text on demands)
        gains and a common one ("have") hardly moves."""
        w = self.topic_weight
        return np.log10(1.0 - w + w * doc_share / 10.0 ** log_unigram)

    def kin(self, doc_share, log_unigram):
        """log10 boost of keeping an observed word whose *other* forms make up ``doc_share`` of the
        document's kept words ("demands" in a text that also says "demanded"): ``topic`` against no
        kin at all, so never negative.  Its own form is left out as far as it counts as evidence, or a
        spinner's repeated replacement would vouch for itself; what its identical repeats count for
        less (see ``repeats``) stays in, so boilerplate vouches for itself.  Leaving that out too
        flags release-note boilerplate and costs sparse and synonym-only spun text 0.01-0.03 F1."""
        return self.topic(doc_share, log_unigram) - math.log10(1.0 - self.topic_weight)


@dataclass(frozen=True)
class Vocabulary:
    """How often each form and each lemma occurs in the document as it reads."""

    forms: Mapping[str, int]
    lemmas: Mapping[str, int]
    total: int

    @classmethod
    def count(cls, words: Iterable[str], lemma: Callable[[str], str]) -> "Vocabulary":
        forms = Counter(words)
        lemmas: Counter[str] = Counter()
        for form, n in forms.items():
            lemmas[lemma(form)] += n
        return cls(forms, lemmas, max(1, sum(forms.values())))


N_CLASSES = 8
MIN_CLASS_RATE = 0.005
RELATIONS = {name: i for i, name in enumerate(RELATION_NAMES)}
MIN_RELATION_LIFT = 0.05
MAX_RELATION_LIFT = 1.5  # see module docstring
REPEAT_EXPONENT = 0.5  # see module docstring
CHOICE_STRENGTHS = (2.0, 4.0, 8.0, 16.0)  # see ``DocumentChannel._choice_strength``
# Replacement counts below this are left out of that fit: posteriors spread thinly over many
# candidates would otherwise read as a spinner that draws afresh at every use.
_CHOICE_COUNT_FLOOR = 0.5
_NO_PAIR = np.iinfo(np.int64).max  # see DocumentChannel.__init__


def form_class(capitalized: bool, inflected: bool, moby_only: bool = False) -> int:
    """Index of a hypothesised original's form class; see the module docstring.  ``moby_only``: only
    the Moby thesaurus links the word to any original, so only a spinner drawing on Moby touches it;
    its own rate keeps such words from diluting the rate of a spinner that does not."""
    return 4 * moby_only + 2 * capitalized + inflected


_lgamma_of_each = np.frompyfunc(math.lgamma, 1, 1)


def _lgamma(x: np.ndarray) -> np.ndarray:
    """log Gamma of each element (numpy has none of its own)."""
    return np.asarray(_lgamma_of_each(x), dtype=float)


def sigmoid(z: float) -> float:
    """The logistic function, clamped so that extreme log odds never overflow."""
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


@dataclass
class _Table:
    """Slots and their candidates as padded (slots x candidates) arrays.

    ``cand`` and ``obs`` index the fitted document's words, ``lemma_*`` its lemmas, and ``pair`` its
    distinct (candidate, observed) pairs; an id one past the last stands for a word, lemma or pair
    the fitted document does not have (see ``DocumentChannel._table``).
    """

    context: np.ndarray  # weighted LM gain of a candidate, less the discounted part of its unigram advantage
    log_q: np.ndarray
    prior: np.ndarray  # (slots,)
    mask: np.ndarray  # real candidate, not padding
    cand: np.ndarray
    pair: np.ndarray
    obs: np.ndarray  # (slots,)
    cls_obs: np.ndarray  # (slots,) form class of the observed word as an original
    cls_cand: np.ndarray  # form class of each candidate original
    lemma_obs: np.ndarray  # (slots,) lemma id of the observed word
    lemma_cand: np.ndarray  # lemma id of each candidate original
    log_unigram: np.ndarray  # of each candidate original
    log_unigram_obs: np.ndarray  # (slots,) of the observed word
    relation: np.ndarray  # thesaurus relation of each candidate to the observed word, see ``RELATIONS``

    @classmethod
    def build(cls, evidence: Sequence[tuple[Slot, Sequence[float]]], word_id: Callable[[str], int],
              lemma_id: Callable[[str], int], params: ChannelParams, poll: Callable[[], None],
              moby_share: float) -> "_Table":
        """The table of ``evidence``; ``pair`` is left for the caller, who knows the pairs' ids.  A
        candidate's channel probability is its link's, times the share of the document's replacements
        drawn from the link's source (``moby_share``, see ``source_log_q``)."""
        n, k = len(evidence), max(len(s.candidates) for s, _ in evidence)
        gain, log_q, log_uni = np.zeros((n, k)), np.zeros((n, k)), np.zeros((n, k))
        lemma_obs, lemma_cand = np.zeros(n, dtype=np.int32), np.zeros((n, k), dtype=np.int32)
        log_uni_obs = np.zeros(n)
        mask = np.zeros((n, k), dtype=bool)
        cand = np.zeros((n, k), dtype=np.int32)
        obs, prior = np.zeros(n, dtype=np.int32), np.zeros(n)
        cls_obs, cls_cand = np.zeros(n, dtype=np.int8), np.zeros((n, k), dtype=np.int8)
        relation = np.zeros((n, k), dtype=np.int8)
        for i, (slot, gains) in enumerate(evidence):
            if i % _POLL_ROWS == 0:
                poll()
            obs[i] = word_id(slot.observed)
            lemma_obs[i] = lemma_id(slot.lemma)
            log_uni_obs[i] = slot.log_unigram
            prior[i] = slot.log_prior
            moby_only = all(c.relation == "moby" for c in slot.candidates)
            cls_obs[i] = form_class(slot.capitalized, slot.inflected, moby_only)
            m = len(gains)
            gain[i, :m] = gains
            mask[i, :m] = True
            for j, c in enumerate(slot.candidates):
                log_q[i, j] = source_log_q(c, moby_share)
                log_uni[i, j] = c.log_unigram
                lemma_cand[i, j] = lemma_id(c.lemma)
                cls_cand[i, j] = form_class(slot.capitalized, c.inflected, moby_only)
                relation[i, j] = RELATIONS[c.relation]
                cand[i, j] = word_id(c.word)
        context = params.context(gain, log_uni - log_uni_obs[:, None])  # padding is masked out downstream
        return cls(context, log_q, prior, mask, cand, np.zeros((n, k), dtype=np.int32), obs, cls_obs, cls_cand,
                   lemma_obs, lemma_cand, log_uni, log_uni_obs, relation)


def source_log_q(c: Candidate, moby_share: float) -> float:
    """log10 channel probability of a candidate when the spinner draws ``moby_share`` of its replacements
    from Moby and the rest from the thesaurus: a link both list counts under both."""
    if c.relation == "moby":
        return c.log_q + math.log10(moby_share)
    q = (1.0 - moby_share) * 10.0 ** c.log_q
    if c.log_q_moby is not None:
        q += moby_share * 10.0 ** c.log_q_moby
    return math.log10(q)


def repeats(evidence: list[tuple[Slot, Sequence[float]]]) -> np.ndarray:
    """For each slot, how many slots of the document read like it: the same word, case and prior
    with the same LM gains, that is in a local context the model tells from no other."""
    keys = [(slot.observed, slot.capitalized, slot.log_prior, array("d", gains).tobytes()) for slot, gains in evidence]
    seen = Counter(keys)
    return np.array([seen[k] for k in keys], dtype=float)


def evidence_weights(repeated: np.ndarray) -> np.ndarray:
    """Each slot's weight as evidence, from its ``repeats``; see the module docstring."""
    return repeated ** -REPEAT_EXPONENT


def _with_topic(scores: np.ndarray, topic: np.ndarray) -> np.ndarray:
    """Candidate scores (rows of log10 values) re-weighted by their topic boosts, each row's total
    kept: the document's vocabulary tells which original it was, not whether the word was spun."""
    top = scores.max(axis=1, keepdims=True)
    before = np.log10(np.sum(10.0 ** (scores - top), axis=1, keepdims=True))
    boosted = scores + topic
    after = np.log10(np.sum(10.0 ** (boosted - top), axis=1, keepdims=True))
    return boosted - after + before


def pair_key(cand, obs):
    """One int64 for a (candidate id, observed id) pair; works on arrays and on ints."""
    return cand * (1 << 32) + obs


def spin_explanations(evidence: Iterable[tuple[Slot, Sequence[float]]]) -> tuple[array, array]:
    """How well a spinner's candidate originals explain each slot, relative to keeping it: the sum over
    the thesaurus's candidates and over Moby's (see ``MOBY_SHARES``), for ``spin_log_likelihoods``."""
    thesaurus, moby = array("d"), array("d")
    for slot, gains in evidence:
        s = m = 0.0
        for g, c in zip(gains, slot.candidates):
            context = DOC_LM_WEIGHT * g + slot.log_prior
            if c.relation == "moby":
                m += 10 ** (context + c.log_q)
                continue
            s += 10 ** (context + c.log_q)
            if c.log_q_moby is not None:
                m += 10 ** (context + c.log_q_moby)
        thesaurus.append(s)
        moby.append(m)
    return thesaurus, moby


def spin_log_likelihoods(thesaurus: np.ndarray, moby: np.ndarray, moby_share: float,
                         rate: float = REFERENCE_RATE) -> np.ndarray:
    """How much better (nats) a spinner at ``rate`` explains each slot than no spinner, when it draws
    ``moby_share`` of its replacements from Moby and the rest from the thesaurus.  A word only Moby
    links to any original is touched only by the Moby share of the spinner's replacements, so it is
    weighed at that share of the rate (see ``eligibility``)."""
    only = eligibility(thesaurus, moby_share)
    s = np.where(only < 1.0, moby, (1.0 - moby_share) * thesaurus + moby_share * moby)
    rate = rate * only
    return np.log(1 - rate + rate * s)


def eligibility(thesaurus: np.ndarray, moby_share: float) -> np.ndarray:
    """How far each slot is open to the spinner: 1, or ``moby_share`` where only Moby reaches it (no
    thesaurus candidate explains it at all).  A slot counts as that much of a candidate word wherever
    the number of them sets a bar (``document_probability``, ``sections``)."""
    return np.where(thesaurus > 0.0, 1.0, moby_share)


def moby_share(thesaurus: np.ndarray, moby: np.ndarray, weights: np.ndarray) -> float:
    """Which of ``MOBY_SHARES`` explains the document best: a spinner draws its replacements from one
    thesaurus or another, and the words it replaced say which (``spin_explanations``)."""
    fits = [float(weights @ spin_log_likelihoods(thesaurus, moby, m)) for m in MOBY_SHARES]
    return MOBY_SHARES[int(np.argmax(fits))]


def document_probability(log_likelihood: float, n_slots: float, floor: float = SLOT_COST_FLOOR) -> float:
    """P(the document is spun), from the summed ``spin_log_likelihoods`` of its slots (each weighted
    by ``evidence_weights``, as is their number).  ``floor``: what clean prose of the document's kind
    yields per candidate word at most, on average (``SLOT_COST_FLOOR`` for modern prose; more for old
    prose, see ``sections.old_register_probability``)."""
    return sigmoid(PRIOR_LOG_ODDS + log_likelihood - document_cost(n_slots, floor))


def document_cost(n_slots: float, floor: float = SLOT_COST_FLOOR) -> float:
    """The nats that ``n_slots`` candidate words must yield for a spinner to explain them better than
    none (see ``document_probability``): it grows as the square root of a long document's length."""
    return min(SLOT_COST * n_slots, floor * n_slots + SLOT_SPREAD * math.sqrt(n_slots))


class DocumentChannel:
    """Spin probabilities for one document; ``scores`` turns LM gains into log10 hypothesis scores.

    EM runs on whole-document arrays; each slot's posterior leaves its own previous posterior out of
    the counts it is judged by (so a word cannot confirm itself).  A slot the channel was not fitted
    on (a sentence edited since) is scored by the same arithmetic, on a table of its own.
    """

    def __init__(self, params: ChannelParams, doc_probability: float, moby_share: float = MOBY_SHARES[0]) -> None:
        self.params = params
        self.doc_probability = doc_probability
        self.moby_share = moby_share  # of the spinner's replacements drawn from Moby, see ``moby_share``
        self.rate = MIN_RATE
        self.class_rates = np.full(N_CLASSES, MIN_RATE)
        self.relation_lift = np.ones(len(RELATIONS))
        self.choice_strength = params.choice_strength
        # id(slot) -> row of the fitted slots, which are held in ``_fitted_slots`` so that no id is
        # reused by another slot while the rows are kept.
        self._rows: dict[int, int] = {}
        self._fitted_slots: tuple[Slot, ...] = ()
        # Ids of the fitted document's words, of the lemmas of its words and candidates, and of its
        # (candidate, observed) pairs (the index of their sorted ``pair_key``).  The statistics below
        # have one entry more than there are ids: a zero for what the document does not have, whose
        # pair key is the sentinel closing ``_pair_keys``.
        self._words: dict[str, int] = {}
        self._lemmas: dict[str, int] = {}
        self._pair_keys = np.array([_NO_PAIR])
        self._spun = self._kept = self._choice = self._lemma_share = np.zeros(1)
        self._own = np.zeros((0, 0))  # last E-step posteriors, left out when a slot is scored
        self._group = np.zeros(0)  # each fitted slot's and its repeats' share of the counts, see ``repeats``
        self._total = 1  # words in the document
        self._final: tuple[np.ndarray, np.ndarray] | None = None  # log10 keep and candidate scores per slot

    def fit(self, evidence: list[tuple[Slot, Sequence[float]]], vocabulary: Vocabulary,
            poll: Callable[[], None] = lambda: None, repeated: np.ndarray | None = None,
            presence: np.ndarray | None = None) -> "DocumentChannel":
        """EM on the document's slots.  ``poll`` is called now and then; it may raise to abandon the fit.
        ``repeated``: the slots' ``repeats``, if the caller has them already.  ``presence``: each slot's
        probability of lying where the spinner was at work (``sections``); the spinner's rates are
        learned there, not diluted by the clean part of a mixed document."""
        p = self.params
        if not evidence:
            return self
        words, lemmas = self._words, self._lemmas
        t = _Table.build(evidence, lambda w: words.setdefault(w, len(words)),
                         lambda w: lemmas.setdefault(w, len(lemmas)), p, poll, self.moby_share)
        keys, pair = np.unique(pair_key(t.cand.astype(np.int64), t.obs[:, None]), return_inverse=True)
        self._pair_keys = np.append(keys, _NO_PAIR)
        t.pair = pair.reshape(t.cand.shape).astype(np.int32)
        self._fitted_slots = tuple(slot for slot, _ in evidence)
        self._rows = {id(slot): i for i, slot in enumerate(self._fitted_slots)}
        n_words, n_pairs, n_lemmas = len(words) + 1, len(self._pair_keys), len(lemmas) + 1
        repeated = repeats(evidence) if repeated is None else repeated
        weight = evidence_weights(repeated)
        self._group = weight * repeated
        counts = np.array([vocabulary.forms.get(w, 0) for w in words] + [0], dtype=float)
        counts = np.maximum(0.0, counts - np.bincount(t.obs, 1.0 - weight, n_words))
        if presence is not None:
            weight = weight * presence
        lemma_counts = np.array([vocabulary.lemmas.get(w, 0) for w in lemmas] + [0], dtype=float)
        self._lemma_share = lemma_counts / vocabulary.total
        self._total = vocabulary.total
        hopeful = np.where(t.mask, t.context, -np.inf).max(axis=1) + t.prior > HOPELESS
        self._own = np.zeros(t.context.shape)
        self._spun, self._kept = np.zeros(n_words), np.zeros(n_words)
        self._choice = np.zeros(n_pairs)
        self.rate = max(MIN_RATE, p.rate_prior_a / (p.rate_prior_a + p.rate_prior_b))
        self.class_rates = np.full(N_CLASSES, self.rate)
        joint = np.where(t.mask, 10.0 ** (t.log_q + t.log_unigram), 0.0)
        prior_mix = joint / np.maximum(joint.sum(axis=1, keepdims=True), 1e-300)
        for _ in range(p.em_iterations):
            poll()
            spun_p, probs = normalized(*self._log_scores(t, self._own, self._group, poll))
            spun_p, probs = np.where(hopeful, spun_p, 0.0), np.where(hopeful[:, None], probs, 0.0)
            # A slot's own posterior is its whole group's share of the counts (see ``repeats``), so
            # leaving it out when the slot is next judged leaves out its repeats as well.
            self._own = probs * self._group[:, None]
            spun_p, probs = spun_p * weight, probs * weight[:, None]
            m = t.mask
            self._spun = np.bincount(t.cand[m], probs[m], n_words)
            self._kept = counts - np.bincount(t.obs, spun_p, n_words)
            self._choice = np.bincount(t.pair[m], probs[m], n_pairs)
            kept_lemma = lemma_counts - np.bincount(t.lemma_obs, spun_p, n_lemmas)
            self._lemma_share = np.maximum(0.0, kept_lemma) / vocabulary.total
            self.rate = max(MIN_RATE, (spun_p.sum() + p.rate_prior_a) / (weight.sum() + p.rate_prior_a
                                                                           + p.rate_prior_b))
            spun_by_class = np.bincount(t.cls_cand[m], probs[m], N_CLASSES)
            originals_by_class = spun_by_class + np.bincount(t.cls_obs, weight - spun_p, N_CLASSES)
            self.class_rates = np.maximum(MIN_CLASS_RATE, (spun_by_class + p.class_strength * self.rate)
                                          / (originals_by_class + p.class_strength))
            self.relation_lift = self._relation_lift(t, spun_p, probs, prior_mix)
            self.choice_strength = self._choice_strength(t)
        self._final = self._log_scores(t, self._own, self._group, poll)
        return self

    def _relation_lift(self, t: _Table, spun_p: np.ndarray, probs: np.ndarray,
                       prior_mix: np.ndarray) -> np.ndarray:
        """How much likelier each thesaurus relation is in this document's substitutions than the
        thesaurus's own mix would have it, for the words judged spun."""
        m, s, n = t.mask, self.params.relation_strength, len(RELATIONS)
        spun = spun_p.sum()
        if spun <= 0:
            return np.ones(n)
        expected = np.bincount(t.relation[m], (spun_p[:, None] * prior_mix)[m], n) / spun
        seen = np.bincount(t.relation[m], probs[m], n)
        lift = (seen + s * expected) / np.maximum((spun + s) * expected, 1e-12)
        return np.where(expected > 1e-9, np.clip(lift, MIN_RELATION_LIFT, MAX_RELATION_LIFT), 1.0)

    def _choice_strength(self, t: _Table) -> float:
        """Which of ``CHOICE_STRENGTHS`` makes the document's replacement counts likeliest: per original,
        a Dirichlet-multinomial over the words it became, centred on the thesaurus's own probabilities.
        A spinner that keeps one replacement per word concentrates the counts (a weak tie fits); one
        that draws at every use spreads them as the thesaurus does (a strong tie fits)."""
        m = t.mask
        pair_cand = np.zeros(len(self._choice), dtype=np.int64)
        pair_q = np.ones(len(self._choice))
        pair_cand[t.pair[m]] = t.cand[m]
        pair_q[t.pair[m]] = 10.0 ** t.log_q[m] * self.relation_lift[t.relation[m]]
        used = self._choice >= _CHOICE_COUNT_FLOOR
        counts, q = self._choice[used], pair_q[used]
        if not len(counts):
            return self.choice_strength
        per_original = np.bincount(pair_cand[used], counts)
        spun = per_original[per_original > 0.0]
        fits = [float(math.lgamma(a) * len(spun) - _lgamma(a + spun).sum()
                      + (_lgamma(a * q + counts) - _lgamma(a * q)).sum()) for a in CHOICE_STRENGTHS]
        return CHOICE_STRENGTHS[int(np.argmax(fits))]

    def _log_scores(self, t: _Table, own: np.ndarray, group: np.ndarray,
                    poll: Callable[[], None] = lambda: None) -> tuple[np.ndarray, np.ndarray]:
        """log10 score of keeping each slot's observed word and of each candidate original, under the
        current counts less each slot's ``own`` posteriors and its ``group``'s share of the kept counts.

        Computed in blocks of rows: the arithmetic needs a dozen temporaries of the table's size,
        which for a long document would otherwise double the process's peak memory.  ``poll`` is
        called between blocks (it may raise to abandon the fit).
        """
        keep, scores = np.empty(len(t.context)), np.empty(t.context.shape)
        for start in range(0, len(t.context), _BLOCK):
            poll()
            rows = slice(start, start + _BLOCK)
            keep[rows], scores[rows] = self._log_scores_rows(t, rows, own[rows], group[rows])
        return keep, scores

    def _log_scores_rows(self, t: _Table, rows: slice, mine: np.ndarray,
                         group: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        p = self.params
        k = p.form_strength
        cand, obs, mask = t.cand[rows], t.obs[rows], t.mask[rows]
        spun_c = np.maximum(0.0, self._spun[cand] - mine)
        chosen = np.maximum(0.0, self._choice[t.pair[rows]] - mine)
        a = self.choice_strength
        q = (a * 10.0 ** t.log_q[rows] * self.relation_lift[t.relation[rows]] + chosen) / (a + spun_c)
        rate_c = (self.class_rates[t.cls_cand[rows]] * k + spun_c) / (k + spun_c + np.maximum(0.0, self._kept[cand]))
        scores = np.where(mask, t.context[rows] + np.log10(rate_c) + np.log10(q) + t.prior[rows, None], -np.inf)
        scores = _with_topic(scores, p.topic(self._lemma_share[t.lemma_cand[rows]], t.log_unigram[rows]))
        spun_o = np.maximum(0.0, self._spun[obs])
        kept_o = np.maximum(0.0, self._kept[obs] - (group - mine.sum(axis=1)))
        rate_o = self.class_rates[t.cls_obs[rows]]
        keep = np.log10(np.maximum(1e-9, 1.0 - (rate_o * k + spun_o) / (k + spun_o + kept_o)))
        kin = self._lemma_share[t.lemma_obs[rows]] - np.maximum(0.0, self._kept[obs]) / self._total
        return keep + p.kin(np.maximum(0.0, kin), t.log_unigram_obs[rows]), scores

    def _table(self, evidence: Sequence[tuple[Slot, Sequence[float]]]) -> _Table:
        """``evidence`` as a table under the fitted document's ids, for slots it was not fitted on."""
        words, lemmas = self._words, self._lemmas
        t = _Table.build(evidence, lambda w: words.get(w, len(words)), lambda w: lemmas.get(w, len(lemmas)),
                         self.params, lambda: None, self.moby_share)
        keys = pair_key(t.cand.astype(np.int64), t.obs[:, None])
        at = np.searchsorted(self._pair_keys, keys)
        t.pair = np.where(self._pair_keys[at] == keys, at, len(self._pair_keys) - 1).astype(np.int32)
        return t

    def scores(self, evidence: Sequence[tuple[Slot, Sequence[float]]]) -> tuple[np.ndarray, np.ndarray]:
        """log10 score of keeping each slot's observed word (slots,) and of each of its candidate
        originals (slots x the most candidates, -inf as padding), given its LM gains.

        A slot the channel was fitted on (its gains are then those it was fitted with) is judged
        without its own share of the counts, as in the last EM step; any other (a sentence edited
        since the fit) by the counts as they are.
        """
        width = max((len(slot.candidates) for slot, _ in evidence), default=0)
        keep, scores = np.zeros(len(evidence)), np.full((len(evidence), width), -np.inf)
        rows = [self._rows.get(id(slot)) if self._final is not None else None for slot, _ in evidence]
        fitted = [i for i, row in enumerate(rows) if row is not None]
        if fitted:
            at = [rows[i] for i in fitted]
            keep[fitted] = self._final[0][at]
            scores[fitted] = self._final[1][at][:, :width]
        fresh = [i for i, row in enumerate(rows) if row is None]
        if fresh:
            t = self._table([evidence[i] for i in fresh])
            keep[fresh], scores[fresh, : t.context.shape[1]] = self._log_scores(t, np.zeros(t.context.shape),
                                                                               np.ones(len(fresh)))
        return keep, scores

    def posteriors(self, evidence: Sequence[tuple[Slot, Sequence[float]]]) -> tuple[np.ndarray, np.ndarray]:
        """P(spun) per slot and P(original = c) per candidate, given the slots' LM gains."""
        return normalized(*self.scores(evidence))
