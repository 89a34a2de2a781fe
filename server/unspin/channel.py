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

from .decoder import Slot
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
HOPELESS = -3.0  # log10: a slot whose best candidate scores below this cannot be spun at any rate


@dataclass(frozen=True)
class ChannelParams:
    lm_weight: float = 0.9
    # Share of a candidate's unigram advantage over the observed word that is discounted: a trigram
    # model backs off to unigrams around rare words, which would otherwise flag every rare word.
    frequency_discount: float = 0.2
    rate_prior_a: float = 0.5
    rate_prior_b: float = 20.0
    form_strength: float = 16.0  # pseudo-counts tying a word's own spin rate to the document's
    choice_strength: float = 2.0  # pseudo-counts tying a word's replacement to the thesaurus
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
        kin at all, so never negative.  Its own form is left out, or a spinner's repeated
        replacement would vouch for itself."""
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


N_CLASSES = 4
MIN_CLASS_RATE = 0.005
RELATIONS = {name: i for i, name in enumerate(RELATION_NAMES)}
MIN_RELATION_LIFT = 0.05
MAX_RELATION_LIFT = 1.5  # see module docstring
REPEAT_EXPONENT = 0.5  # see module docstring


def form_class(capitalized: bool, inflected: bool) -> int:
    """Index of a hypothesised original's form class; see the module docstring."""
    return 2 * capitalized + inflected


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-60.0, min(60.0, z))))


@dataclass
class _Arrays:
    """The document's candidate table as padded (slots x candidates) arrays.

    ``cand`` and ``obs`` index ``words``; ``pair`` indexes ``pair_keys``, the sorted distinct
    (candidate, observed) pairs encoded as ``pair_key`` (no Python object per pair).
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
    counts: np.ndarray  # (words,) occurrences of each word as it reads in the document
    words: dict[str, int]
    pair_keys: np.ndarray
    lemma_obs: np.ndarray  # (slots,) lemma id of the observed word
    lemma_cand: np.ndarray  # lemma id of each candidate original
    log_unigram: np.ndarray  # of each candidate original
    log_unigram_obs: np.ndarray  # (slots,) of the observed word
    relation: np.ndarray  # thesaurus relation of each candidate to the observed word, see ``RELATIONS``
    weight: np.ndarray  # (slots,) a slot's weight in the counts, see ``evidence_weights``
    group: np.ndarray  # (slots,) weight times repeats: the share of the counts a slot and its repeats make
    lemma_counts: np.ndarray  # (lemmas,) occurrences of each lemma's forms in the document
    lemmas: dict[str, int]

    @classmethod
    def build(cls, evidence: list[tuple[Slot, Sequence[float]]], repeated: np.ndarray, vocabulary: Vocabulary,
              params: ChannelParams, poll: Callable[[], None]) -> "_Arrays":
        n, k = len(evidence), max(len(s.candidates) for s, _ in evidence)
        gain, log_q, log_uni = np.zeros((n, k)), np.zeros((n, k)), np.zeros((n, k))
        lemma_obs, lemma_cand = np.zeros(n, dtype=np.int32), np.zeros((n, k), dtype=np.int32)
        log_uni_obs = np.zeros(n)
        lemmas: dict[str, int] = {}
        mask = np.zeros((n, k), dtype=bool)
        cand = np.zeros((n, k), dtype=np.int32)
        obs, prior = np.zeros(n, dtype=np.int32), np.zeros(n)
        cls_obs, cls_cand = np.zeros(n, dtype=np.int8), np.zeros((n, k), dtype=np.int8)
        relation = np.zeros((n, k), dtype=np.int8)
        words: dict[str, int] = {}
        for i, (slot, gains) in enumerate(evidence):
            if i % _BLOCK == 0:
                poll()
            obs[i] = words.setdefault(slot.observed, len(words))
            lemma_obs[i] = lemmas.setdefault(slot.lemma, len(lemmas))
            log_uni_obs[i] = slot.log_unigram
            prior[i] = slot.log_prior
            cls_obs[i] = form_class(slot.capitalized, slot.inflected)
            m = len(gains)
            gain[i, :m] = gains
            mask[i, :m] = True
            for j, c in enumerate(slot.candidates):
                log_q[i, j] = c.log_q
                log_uni[i, j] = c.log_unigram
                lemma_cand[i, j] = lemmas.setdefault(c.lemma, len(lemmas))
                cls_cand[i, j] = form_class(slot.capitalized, c.inflected)
                relation[i, j] = RELATIONS[c.relation]
                cand[i, j] = words.setdefault(c.word, len(words))
        pair_keys, pair = np.unique(pair_key(cand.astype(np.int64), obs[:, None]), return_inverse=True)
        weight = evidence_weights(repeated)
        counts = np.array([vocabulary.forms.get(w, 0) for w in words], dtype=float)
        counts = np.maximum(0.0, counts - np.bincount(obs, 1.0 - weight, len(words)))
        lemma_counts = np.array([vocabulary.lemmas.get(w, 0) for w in lemmas], dtype=float)
        context = params.context(gain, log_uni - log_uni_obs[:, None])  # padding is masked out downstream
        return cls(context, log_q, prior, mask, cand, pair.reshape(n, k).astype(np.int32), obs, cls_obs, cls_cand,
                   counts, words, pair_keys, lemma_obs, lemma_cand, log_uni, log_uni_obs, relation, weight,
                   weight * repeated, lemma_counts, lemmas)


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


def spin_log_likelihoods(evidence: Iterable[tuple[Slot, Sequence[float]]]) -> array:
    """How much better (nats) a spinner at ``REFERENCE_RATE`` explains each slot than no spinner."""
    out = array("d")
    for slot, gains in evidence:
        s = sum(10 ** (DOC_LM_WEIGHT * g + c.log_q + slot.log_prior) for g, c in zip(gains, slot.candidates))
        out.append(math.log(1 - REFERENCE_RATE + REFERENCE_RATE * s))
    return out


def document_probability(log_likelihood: float, n_slots: float) -> float:
    """P(the document is spun), from the summed ``spin_log_likelihoods`` of its slots (each weighted
    by ``evidence_weights``, as is their number)."""
    cost = min(SLOT_COST * n_slots, SLOT_COST_FLOOR * n_slots + SLOT_SPREAD * math.sqrt(n_slots))
    return _sigmoid(PRIOR_LOG_ODDS + log_likelihood - cost)


class DocumentChannel:
    """Spin probabilities for one document; ``scores`` turns LM gains into log10 hypothesis scores.

    EM runs on whole-document arrays; each slot's posterior leaves its own previous posterior out of
    the counts it is judged by (so a word cannot confirm itself).
    """

    def __init__(self, params: ChannelParams, doc_probability: float) -> None:
        self.params = params
        self.doc_probability = doc_probability
        self.rate = MIN_RATE
        self.class_rates = np.full(N_CLASSES, MIN_RATE)
        self.relation_lift = np.ones(len(RELATIONS))
        self._rows: dict[int, int] = {}  # id(slot) -> row of the fitted slots
        self._words: dict[str, int] = {}  # ids of the fitted document's words
        self._pair_keys = np.zeros(0, dtype=np.int64)  # and of its (candidate, observed) pairs, see ``pair_key``
        self._own = np.zeros((0, 0))  # last E-step posteriors, left out when a slot is scored
        self._group = np.zeros(0)  # each fitted slot's and its repeats' share of the counts, see ``repeats``
        self._spun = self._kept = self._choice = np.zeros(0)
        self._lemmas: dict[str, int] = {}  # ids of the lemmas of its words and candidates
        self._lemma_share = np.zeros(0)  # share of the document's words that are kept forms of each lemma
        self._total = 1  # words in the document
        self._final: tuple[np.ndarray, np.ndarray] | None = None

    def fit(self, evidence: list[tuple[Slot, Sequence[float]]], vocabulary: Vocabulary,
            poll: Callable[[], None] = lambda: None, repeated: np.ndarray | None = None) -> "DocumentChannel":
        """EM on the document's slots.  ``poll`` is called now and then; it may raise to abandon the fit.
        ``repeated``: the slots' ``repeats``, if the caller has them already."""
        p = self.params
        if not evidence:
            return self
        a = _Arrays.build(evidence, repeats(evidence) if repeated is None else repeated, vocabulary, p, poll)
        self._rows = {id(slot): i for i, (slot, _) in enumerate(evidence)}
        self._words, self._pair_keys, self._lemmas = a.words, a.pair_keys, a.lemmas
        self._lemma_share = a.lemma_counts / vocabulary.total
        self._total = vocabulary.total
        context = a.context
        best = np.where(a.mask, context, -np.inf).max(axis=1)
        hopeful = best + a.prior > HOPELESS
        self._own = np.zeros(context.shape)
        self._group = a.group
        self._spun, self._kept = np.zeros(len(a.words)), np.zeros(len(a.words))
        self._choice = np.zeros(len(a.pair_keys))
        self.rate = max(MIN_RATE, p.rate_prior_a / (p.rate_prior_a + p.rate_prior_b))
        self.class_rates = np.full(N_CLASSES, self.rate)
        joint = np.where(a.mask, 10.0 ** (a.log_q + a.log_unigram), 0.0)
        prior_mix = joint / np.maximum(joint.sum(axis=1, keepdims=True), 1e-300)
        for _ in range(p.em_iterations):
            poll()
            spun_p, probs = self._estep(a, context)
            spun_p, probs = np.where(hopeful, spun_p, 0.0), np.where(hopeful[:, None], probs, 0.0)
            # A slot's own posterior is its whole group's share of the counts (see ``repeats``), so
            # leaving it out when the slot is next judged leaves out its repeats as well.
            self._own = probs * a.group[:, None]
            w = a.weight
            spun_p, probs = spun_p * w, probs * w[:, None]
            m = a.mask
            self._spun = np.bincount(a.cand[m], probs[m], len(a.words))
            self._kept = a.counts - np.bincount(a.obs, spun_p, len(a.words))
            self._choice = np.bincount(a.pair[m], probs[m], len(a.pair_keys))
            kept_lemma = a.lemma_counts - np.bincount(a.lemma_obs, spun_p, len(a.lemmas))
            self._lemma_share = np.maximum(0.0, kept_lemma) / vocabulary.total
            self.rate = max(MIN_RATE, (spun_p.sum() + p.rate_prior_a) / (w.sum() + p.rate_prior_a
                                                                          + p.rate_prior_b))
            spun_by_class = np.bincount(a.cls_cand[m], probs[m], N_CLASSES)
            originals_by_class = spun_by_class + np.bincount(a.cls_obs, w - spun_p, N_CLASSES)
            self.class_rates = np.maximum(MIN_CLASS_RATE, (spun_by_class + p.class_strength * self.rate)
                                          / (originals_by_class + p.class_strength))
            self.relation_lift = self._relation_lift(a, spun_p, probs, prior_mix)
        self._final = self._estep(a, context)
        return self

    def _relation_lift(self, a: _Arrays, spun_p: np.ndarray, probs: np.ndarray,
                       prior_mix: np.ndarray) -> np.ndarray:
        """How much likelier each thesaurus relation is in this document's substitutions than the
        thesaurus's own mix would have it, for the words judged spun."""
        m, s, n = a.mask, self.params.relation_strength, len(RELATIONS)
        spun = spun_p.sum()
        if spun <= 0:
            return np.ones(n)
        expected = np.bincount(a.relation[m], (spun_p[:, None] * prior_mix)[m], n) / spun
        seen = np.bincount(a.relation[m], probs[m], n)
        lift = (seen + s * expected) / np.maximum((spun + s) * expected, 1e-12)
        return np.where(expected > 1e-9, np.clip(lift, MIN_RELATION_LIFT, MAX_RELATION_LIFT), 1.0)

    def _estep(self, a: _Arrays, context: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """P(spun) per slot and P(original = c) per candidate under the current counts.

        Computed in blocks of rows: the arithmetic needs a dozen temporaries of the table's size,
        which for a long document would otherwise double the process's peak memory.
        """
        spun, probs = np.empty(len(context)), np.empty(context.shape)
        for start in range(0, len(context), _BLOCK):
            rows = slice(start, start + _BLOCK)
            spun[rows], probs[rows] = self._estep_rows(a, context, rows)
        return spun, probs

    def _estep_rows(self, a: _Arrays, context: np.ndarray, rows: slice) -> tuple[np.ndarray, np.ndarray]:
        p, mine = self.params, self._own[rows]
        k = p.form_strength
        cand, obs, mask = a.cand[rows], a.obs[rows], a.mask[rows]
        spun_c = np.maximum(0.0, self._spun[cand] - mine)
        chosen = np.maximum(0.0, self._choice[a.pair[rows]] - mine)
        q = (p.choice_strength * 10.0 ** a.log_q[rows] * self.relation_lift[a.relation[rows]] + chosen) \
            / (p.choice_strength + spun_c)
        rate_c = (self.class_rates[a.cls_cand[rows]] * k + spun_c) / (k + spun_c + np.maximum(0.0, self._kept[cand]))
        scores = np.where(mask, context[rows] + np.log10(rate_c) + np.log10(q) + a.prior[rows, None], -np.inf)
        scores = _with_topic(scores, p.topic(self._lemma_share[a.lemma_cand[rows]], a.log_unigram[rows]))
        spun_o = np.maximum(0.0, self._spun[obs])
        kept_o = np.maximum(0.0, self._kept[obs] - (self._group[rows] - mine.sum(axis=1)))
        rate_o = self.class_rates[a.cls_obs[rows]]
        keep = np.log10(np.maximum(1e-9, 1.0 - (rate_o * k + spun_o) / (k + spun_o + kept_o)))
        kin = self._lemma_share[a.lemma_obs[rows]] - np.maximum(0.0, self._kept[obs]) / self._total
        keep = keep + p.kin(np.maximum(0.0, kin), a.log_unigram_obs[rows])
        top = np.maximum(keep, scores.max(axis=1))
        pk = 10.0 ** (keep - top)
        pc = 10.0 ** (scores - top[:, None])
        z = pk + pc.sum(axis=1)
        probs = pc / z[:, None]
        return probs.sum(axis=1), probs

    def fitted(self, slot: Slot) -> tuple[float, list[float]] | None:
        """The posterior of ``slot`` in the document as it reads, from the last EM step."""
        row = self._rows.get(id(slot))
        if row is None or self._final is None:
            return None
        spun, probs = self._final
        return float(spun[row]), probs[row, : len(slot.candidates)].tolist()

    def scores(self, slot: Slot, gains: Sequence[float]) -> tuple[float, list[float]]:
        """log10 score of keeping the observed word, and of each candidate original, given ``gains``.

        A slot the channel was fitted on is judged without its own share of the counts; any other
        (a sentence edited since the fit) by the counts as they are.
        """
        p = self.params
        k, strength = p.form_strength, p.choice_strength
        row = self._rows.get(id(slot))
        fitted = row is not None and self._final is not None
        words = self._words

        def stat(arr: np.ndarray, i: int | None) -> float:
            return float(arr[i]) if i is not None else 0.0

        own = self._own[row, : len(gains)].tolist() if fitted else [0.0] * len(gains)
        group = float(self._group[row]) if fitted else 1.0
        o = words.get(slot.observed)
        spun_o = max(0.0, stat(self._spun, o))
        kept_o = max(0.0, stat(self._kept, o) - (group - sum(own)))
        rate_o = self.class_rates[form_class(slot.capitalized, slot.inflected)]
        keep = math.log10(max(1e-9, 1.0 - (rate_o * k + spun_o) / (k + spun_o + kept_o)))
        kin = stat(self._lemma_share, self._lemmas.get(slot.lemma)) - max(0.0, stat(self._kept, o)) / self._total
        keep += float(p.kin(max(0.0, kin), slot.log_unigram))
        out = []
        for c, g, mine in zip(slot.candidates, gains, own):
            w = words.get(c.word)
            spun_c = max(0.0, stat(self._spun, w) - mine)
            chosen = max(0.0, stat(self._choice, self._pair(w, o)) - mine)
            q = (strength * 10 ** c.log_q * self.relation_lift[RELATIONS[c.relation]] + chosen) / (strength + spun_c)
            rate = self.class_rates[form_class(slot.capitalized, c.inflected)]
            rate_c = (rate * k + spun_c) / (k + spun_c + max(0.0, stat(self._kept, w)))
            context = p.context(g, c.log_unigram - slot.log_unigram)
            out.append(context + math.log10(rate_c) + math.log10(q) + slot.log_prior)
        topic = [p.topic(stat(self._lemma_share, self._lemmas.get(c.lemma)), c.log_unigram) for c in slot.candidates]
        return keep, _with_topic(np.array([out]), np.array([topic]))[0].tolist()

    def emissions(self, slot: Slot, gains: Sequence[float]) -> tuple[float, list[float]]:
        """``scores`` less the weighted LM gains: the channel's own terms, for a decoder that brings its
        own language model.  ``gains`` (the sentence as it reads) only set how the topic term shares
        out the candidates' mass."""
        keep, scores = self.scores(slot, gains)
        w = self.params.lm_weight
        return keep, [s - w * g for s, g in zip(scores, gains)]

    def _pair(self, cand: int | None, obs: int | None) -> int | None:
        if cand is None or obs is None:
            return None
        key = pair_key(cand, obs)
        i = int(np.searchsorted(self._pair_keys, key))
        return i if i < len(self._pair_keys) and self._pair_keys[i] == key else None

    def posterior(self, slot: Slot, gains: Sequence[float]) -> tuple[float, list[float]]:
        """P(spun) and P(original = c) for each candidate, given ``gains``."""
        keep, scores = self.scores(slot, gains)
        top = max([keep, *scores])
        pk = 10 ** (keep - top)
        pc = [10 ** (s - top) for s in scores]
        z = pk + sum(pc)
        return sum(pc) / z, [x / z for x in pc]
