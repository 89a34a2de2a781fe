"""Tortured phrases judged by the neural model: a screen from one causal pass per sentence, a
check of the few suspects with their right context, and a spin rate pooled over the document.

The trigram model knows "breast cancer" but not "random forest" or "exploding gradient", so it
cannot tell which of a word's hundred thesaurus originals a science sentence wants.  The neural
model can, and one pass over a sentence gives, at every word, the probability of each original's
first token after the words before it.  A word whose likeliest original is far likelier there
than the word itself ("a *irregular* woodland": "random") is a suspect.  Each suspect is then
read with its right context, alone and paired with its neighbour's originals ("random forest"),
which costs a few tokens per alternative rather than a pass per sentence.

The evidence of a span is the log-likelihood ratio of its best restoration: the sentence's gain
under the neural model plus the channel's log q(word | original) (a spinner picks uniformly
from the original's thesaurus entry).  Whether that is enough depends on how much of the document
is tortured, which is fitted per document (empirical Bayes): a lone phrase in a clean abstract
must carry strong evidence on its own, while in a manuscript full of them weaker ones count.
"""
from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from collections import Counter, OrderedDict
from dataclasses import dataclass, field, replace

import numpy as np

from .casing import match_case
from .engine import Cancelled
from .findings import Finding, Suggestion
from .tokens import Token, tokenize

KIND = "phrase"
LN10 = math.log(10)
_POSITIONS = 2048  # padded positions per causal pass (rows times the longest row)


@dataclass(frozen=True)
class NeuralPhraseSettings:
    suspect_gain: float = 2.0  # log10: best original's first token against the written word, left context only
    suspects: int = 3  # strongest suspects per sentence that are checked (a densely spun one has dozens)
    later_token: float = 1.0  # log10 the screen charges each token of an original after its first (unread)
    singles: int = 8  # originals per suspect word read with the right context
    pair_originals: int = 2  # originals per word of a suspect pair read together
    pair_gain: float = 0.0  # log10 gain the neighbour of a suspect needs for the pair to be checked
    restore_originals: int = 6  # per word, when a detected span's restoration is chosen
    neighbour_originals: int = 3  # per word added beside a detected span when its restoration is chosen
    right_tokens: int = 3  # tokens after a span that the check reads
    max_frequency: float = 6.0  # zipf: words commoner than this ("the", "of") are never replaced
    prior_rate: float = 1 / 20000  # tortured phrases per word, before the document is read
    prior_words: float = 4000.0  # the prior's weight, in words
    threshold: float = 0.7  # posterior from which a span is reported
    repeat_cost: float = 0.5  # log10 evidence a span loses per further use of its replaced word in the document
    max_repeat_cost: float = 2.0  # at most (a tool that tortures a term does so at every use)
    rounds: int = 8  # EM iterations for the document's rate


@dataclass(frozen=True, slots=True)
class Original:
    word: str  # lower case
    log_q: float  # log10 channel probability of the written word given this original
    why: str


@dataclass
class _Word:
    token: Token
    left: float  # log10 P(word | words before it), summed over its tokens
    ranked: list[tuple[float, Original]]  # (log10 first-token gain over the word, original), best first

    @property
    def gain(self) -> float:
        return self.ranked[0][0] if self.ranked else -math.inf


@dataclass(frozen=True, slots=True)
class _Alternative:
    words: tuple[str, ...]
    originals: tuple[Original | None, ...]  # per word; None: kept as written

    @property
    def log_q(self) -> float:
        return sum(o.log_q for o in self.originals if o is not None)

    @property
    def changed(self) -> int:
        return sum(o is not None for o in self.originals)


@dataclass
class _Span:
    tokens: tuple[Token, ...]  # offsets into the sentence
    alternatives: list[_Alternative]
    gains: list[float] = field(default_factory=list)  # log10 neural gain per alternative

    @property
    def start(self) -> int:
        return self.tokens[0].start

    @property
    def end(self) -> int:
        return self.tokens[-1].end

    def evidence(self) -> tuple[float, _Alternative]:
        """log10 likelihood ratio of the best restoration: neural gain plus channel."""
        best = max(range(len(self.alternatives)), key=lambda i: self.gains[i] + self.alternatives[i].log_q)
        return self.gains[best] + self.alternatives[best].log_q, self.alternatives[best]


@dataclass
class _Sentence:
    """One sentence read on its own: its suspects checked, cached by its text."""

    words: list[_Word]
    spans: list[_Span]
    n_words: int
    restored: dict[tuple[int, int], _Span] = field(default_factory=dict)


class NeuralPhraseFinder:
    """Finds tortured phrases with a neural ``scorer`` (``unspin.neural.Scorer``); ``originals(word)``
    gives a word's candidate originals as ``Original``s, likeliest first.

    Sentences are read on their own and remembered by their text, so after an edit only the
    changed sentences cost a pass; the document's rate is then refitted from all of them.
    """

    def __init__(self, scorer, originals: Callable[[str], Sequence[Original]], zipf: Callable[[str], float],
                 settings: NeuralPhraseSettings | None = None, remembered: int = 4096) -> None:
        self.scorer = scorer
        self.originals = originals
        self.zipf = zipf
        self.settings = settings or NeuralPhraseSettings()
        self._first: dict[str, tuple[int, int]] = {}
        self._remembered = remembered
        self._sentences: OrderedDict[str, _Sentence] = OrderedDict()

    # --- the screen -----------------------------------------------------------------------------

    def _replaceable(self, word: str, first: bool) -> bool:
        """Whether ``word`` may stand for a thesaurus neighbour: not a function word, and in lower case
        but for a sentence's first capital (names, titles and acronym expansions such as "Truncated
        HORizon" are the author's own)."""
        if len(word) < 2 or not word.isalpha() or not (word.islower() or (first and word[1:].islower())):
            return False
        return self.zipf(word.lower()) < self.settings.max_frequency

    def _first_token(self, text: str) -> tuple[int, int]:
        """(first token, number of tokens) of ``text``."""
        got = self._first.get(text)
        if got is None:
            ids = self.scorer.tokenizer.encode(text, add_special_tokens=False).ids
            got = self._first[text] = (ids[0], len(ids))
        return got

    def screen(self, texts: list[str], interrupt: Callable[[], None] | None = None) -> list[list[_Word]]:
        """Per sentence, its words with their originals ranked by left-context gain: one causal pass
        per sentence, sentences of similar length batched."""
        encoded = []
        for text in texts:
            enc = self.scorer.tokenizer.encode(text, add_special_tokens=False)
            encoded.append(([self.scorer.bos, *enc.ids], [(0, 0), *enc.offsets]))
        out: list[list[_Word]] = [[] for _ in texts]
        order = sorted(range(len(texts)), key=lambda i: len(encoded[i][0]))
        group: list[int] = []
        for i in order:
            if group and (len(group) + 1) * len(encoded[i][0]) > _POSITIONS:
                self._screen_group(texts, encoded, group, out, interrupt)
                group = []
            group.append(i)
        if group:
            self._screen_group(texts, encoded, group, out, interrupt)
        return out

    def _screen_group(self, texts, encoded, group, out, interrupt) -> None:
        model, s = self.scorer.model, self.settings
        n, T = len(group), max(len(encoded[i][0]) for i in group)
        ids = np.zeros((n, T), np.int64)
        mask = np.zeros((n, T), bool)
        for r, i in enumerate(group):
            ids[r, :len(encoded[i][0])] = encoded[i][0]
            mask[r, :len(encoded[i][0])] = True
        hidden, _ = model.forward(ids, mask, interrupt=interrupt)
        self.scorer.tokens_run += int(mask.sum())
        token_lp = np.zeros((n, T))
        src = mask[:, 1:]
        inner = np.zeros((n, T - 1))
        inner[src] = model.target_logprobs(hidden[:, :-1][src], ids[:, 1:][src]) / LN10
        token_lp[:, 1:] = inner
        for r, i in enumerate(group):
            text, offsets = texts[i], encoded[i][1]
            starts: dict[int, int] = {}
            for k in range(1, len(offsets)):
                a = offsets[k][0]
                starts.setdefault(a + text[a:a + 1].isspace(), k)
            places = []
            words = [tok for tok in tokenize(text) if tok.kind == "word"]
            for tok in words:
                at = starts.get(tok.start)
                if at is None or not self._replaceable(tok.text, tok is words[0]):
                    continue
                last = at
                while last + 1 < len(offsets) and offsets[last + 1][0] < tok.end:
                    last += 1
                places.append((tok, at, last))
            if not places:
                continue
            dist = model.log_softmax(hidden[r, [k - 1 for _, k, _ in places]]) / LN10
            for row, (tok, k, last) in enumerate(places):
                left = float(token_lp[r, k:last + 1].sum())
                space = " " if tok.start > 0 and text[tok.start - 1] == " " else ""
                ranked = []
                for o in self.originals(tok.text.lower()):
                    first, n = self._first_token(space + match_case(tok.text, o.word))
                    ranked.append((float(dist[row, first]) - s.later_token * (n - 1) - left, o))
                ranked.sort(key=lambda g: -(g[0] + g[1].log_q))
                out[i].append(_Word(tok, left, ranked))

    # --- the check ------------------------------------------------------------------------------

    def _spans(self, text: str, words: list[_Word]) -> list[_Span]:
        """The suspects of a sentence as spans to check: each suspect word alone, and with each
        adjacent word when both may be replaced."""
        s = self.settings
        strongest = sorted((w.gain for w in words), reverse=True)[:s.suspects]
        bar = max(s.suspect_gain, strongest[-1]) if strongest else math.inf
        spans = []
        for k, w in enumerate(words):
            if w.gain < bar:
                continue
            spans.append(_Span((w.token,), [_Alternative((o.word,), (o,)) for _, o in w.ranked[:s.singles]]))
            for j in (k - 1, k + 1):
                if not 0 <= j < len(words):
                    continue
                a, b = (words[j], w) if j < k else (w, words[j])
                if not adjacent(text, a.token, b.token):
                    continue
                if j < k and words[j].gain >= bar:
                    continue  # that pair is made from the other suspect's side
                if words[j].gain < s.pair_gain:
                    continue  # a word that reads well as written: the suspect alone is checked
                alts = []
                for _, oa in [(0.0, None), *a.ranked[:s.pair_originals]]:
                    for _, ob in [(0.0, None), *b.ranked[:s.pair_originals]]:
                        if oa is None and ob is None:
                            continue
                        alts.append(_Alternative((oa.word if oa else a.token.text.lower(),
                                                  ob.word if ob else b.token.text.lower()), (oa, ob)))
                spans.append(_Span((a.token, b.token), alts))
        return spans

    def _check(self, texts: list[str], spans: list[list[_Span]], interrupt: Callable[[], None] | None) -> None:
        """Each span's neural gain per alternative, all spans of all sentences in one batch."""
        from .neural import Request

        requests, owners = [], []
        for text, some in zip(texts, spans):
            for sp in some:
                options = (text[sp.start:sp.end], *(respell(text, sp.tokens, a.words) for a in sp.alternatives))
                requests.append(Request(text, sp.start, sp.end, options, self.settings.right_tokens))
                owners.append(sp)
        for sp, got in zip(owners, self.scorer.score_many(requests, interrupt=interrupt, whole=False)):
            sp.gains = [g - got[0] for g in got[1:]]

    def _read(self, texts: list[str], interrupt: Callable[[], None] | None) -> list[_Sentence]:
        """The sentences ``texts``, from memory or read now (all unread ones in one batch)."""
        fresh = [t for t in dict.fromkeys(texts) if t not in self._sentences]
        if fresh:
            words = self.screen(fresh, interrupt)
            spans = [self._spans(t, w) for t, w in zip(fresh, words)]
            self._check(fresh, spans, interrupt)
            for t, w, sp in zip(fresh, words, spans):
                self._sentences[t] = _Sentence(w, sp, sum(1 for tok in tokenize(t) if tok.kind == "word"))
        out = []
        for t in texts:
            self._sentences.move_to_end(t)
            out.append(self._sentences[t])
        while len(self._sentences) > max(self._remembered, len(set(texts))):
            self._sentences.popitem(last=False)
        return out

    # --- the document ---------------------------------------------------------------------------

    def posteriors(self, evidence: list[float], words: int) -> list[float]:
        """P(tortured) per span from its log10 evidence, the document's rate fitted by EM under a
        beta prior (``prior_rate`` over ``prior_words``)."""
        s = self.settings
        a = s.prior_rate * s.prior_words
        rate = s.prior_rate
        post = [0.0] * len(evidence)
        for _ in range(s.rounds):
            odds = math.log10(rate / (1 - rate))
            post = [1 / (1 + 10 ** -min(50.0, max(-50.0, e + odds))) for e in evidence]
            rate = min(0.5, (a + sum(post)) / (s.prior_words + words))
        return post

    def find(self, text: str, cancelled: Callable[[], bool] | None = None) -> list[Finding]:
        """Tortured-phrase findings in ``text``, by offset; raises ``Cancelled``."""
        def interrupt() -> None:
            if cancelled is not None and cancelled():
                raise Cancelled

        tokens = tokenize(text)
        bounds = _sentence_bounds(tokens)
        texts = [text[lo:hi] for lo, hi in bounds]
        read = self._read(texts, interrupt)
        spans = [(lo, t, sent, sp) for (lo, _), t, sent in zip(bounds, texts, read) for sp in sent.spans if sp.gains]
        if not spans:
            return []
        uses = Counter(t.text.lower() for t in tokens if t.kind == "word")
        evidence = [sp.evidence()[0] - self._repetition(sp, uses) for *_, sp in spans]
        post = self.posteriors(evidence, sum(s.n_words for s in read))
        chosen: list[tuple[float, int, str, _Sentence, _Span]] = []
        for p, (lo, t, sent, sp) in sorted(zip(post, spans), key=lambda x: -x[0]):
            if p < self.settings.threshold:
                break
            if all(lo + sp.end <= c_lo + c.start or lo + sp.start >= c_lo + c.end for _, c_lo, _, _, c in chosen):
                chosen.append((p, lo, t, sent, sp))
        chosen.sort(key=lambda x: x[1] + x[4].start)
        self._restore([(t, sent, sp) for _, _, t, sent, sp in chosen], interrupt)
        return [self._finding(text, lo, sent.restored[(sp.start, sp.end)], p) for p, lo, _, sent, sp in chosen]

    def _repetition(self, sp: _Span, uses: Counter[str]) -> float:
        """log10 evidence ``sp`` loses when the document repeats a word its restoration replaces: an
        author's own term recurs ("semiaquatic" all through an article on early tetrapods), while a
        rare word the neural model reads as a mangled term is otherwise indistinguishable from one."""
        s = self.settings
        _, best = sp.evidence()
        n = max((uses[t.text.lower()] for t, o in zip(sp.tokens, best.originals) if o is not None), default=1)
        return min(s.max_repeat_cost, s.repeat_cost * max(0, n - 1))

    def _restore(self, chosen: list[tuple[str, _Sentence, _Span]], interrupt: Callable[[], None] | None) -> None:
        """The detected spans re-read with more originals per word, and widened by a word on either
        side ("profound learning" may be all that was checked of "irregular woodland"-like pairs), to
        choose their restorations; remembered with their sentence."""
        todo: list[tuple[str, _Sentence, _Span, list[_Span]]] = []
        for text, sent, sp in chosen:
            if (sp.start, sp.end) in sent.restored:
                continue
            words = sent.words
            at = {w.token.start: k for k, w in enumerate(words)}
            first, last = at.get(sp.tokens[0].start), at.get(sp.tokens[-1].start)
            options = [self._widened(text, sp, words, [])]
            if first is not None and first > 0 and adjacent(text, words[first - 1].token, sp.tokens[0]):
                options.append(self._widened(text, sp, words, [words[first - 1]], before=True))
            if last is not None and last + 1 < len(words) and adjacent(text, sp.tokens[-1], words[last + 1].token):
                options.append(self._widened(text, sp, words, [words[last + 1]]))
            todo.append((text, sent, sp, [o for o in options if o.alternatives]))
        if not todo:
            return
        texts = [text for text, _, _, opts in todo for _ in opts]
        self._check(texts, [[o] for *_, opts in todo for o in opts], interrupt)
        for _, sent, sp, opts in todo:
            sent.restored[(sp.start, sp.end)] = max(opts, key=lambda o: o.evidence()[0])

    def _widened(self, text: str, sp: _Span, words: list[_Word], extra: list[_Word], before: bool = False) -> _Span:
        """``sp`` with ``extra`` words added before or after it, every combination of its words'
        originals (``restore_originals`` each; ``neighbour_originals`` for an added word, which always changes)."""
        s = self.settings
        by_token = {w.token.start: w for w in words}
        options: list[list[Original | None]] = []
        for tok in sp.tokens:
            w = by_token.get(tok.start)
            options.append([None, *(o for _, o in (w.ranked[:s.restore_originals] if w else []))])
        added: list[list[Original | None]] = [[o for _, o in w.ranked[:s.neighbour_originals]] for w in extra]
        tokens = tuple(w.token for w in extra) + sp.tokens if before else sp.tokens + tuple(w.token for w in extra)
        options = added + options if before else options + added
        alts = set(sp.alternatives) if not extra else set()
        for combo in _product(options):
            if any(o is not None for o in combo):
                alts.add(_Alternative(tuple(o.word if o else t.text.lower() for o, t in zip(combo, tokens)),
                                      tuple(combo)))
        return _Span(tokens, sorted(alts, key=lambda a: a.words))

    def _finding(self, text: str, at: int, sp: _Span, posterior: float) -> Finding:
        """The finding of span ``sp`` of the sentence that starts at offset ``at`` of ``text``."""
        order = sorted(range(len(sp.alternatives)), key=lambda i: -(sp.gains[i] + sp.alternatives[i].log_q))
        top = sp.gains[order[0]] + sp.alternatives[order[0]].log_q
        weights = [10 ** (sp.gains[i] + sp.alternatives[i].log_q - top) for i in order[:3]]
        total = sum(weights)
        start, end = at + sp.start, at + sp.end
        shifted = tuple(replace(t, start=t.start + at, end=t.end + at) for t in sp.tokens)
        suggestions = tuple(
            Suggestion(respell(text, shifted, sp.alternatives[i].words), w / total,
                       "; ".join(o.why for o in sp.alternatives[i].originals if o is not None))
            for i, w in zip(order, weights))
        best = sp.alternatives[order[0]]
        written = text[start:end]
        evidence = (f"'{' '.join(best.words)}' makes this sentence {10 ** sp.gains[order[0]]:,.0f} times likelier "
                    f"than '{written.lower()}' under the neural language model")
        return Finding(start, end, written, posterior, suggestions, evidence, KIND)


def _product(options: list[list[Original | None]]) -> list[tuple[Original | None, ...]]:
    combos: list[tuple[Original | None, ...]] = [()]
    for opts in options:
        combos = [c + (o,) for c in combos for o in opts]
    return combos


def respell(text: str, tokens: tuple[Token, ...], words: tuple[str, ...]) -> str:
    """``words`` in the place of ``tokens``, keeping what stood between them and each word's case."""
    out = []
    for k, (tok, w) in enumerate(zip(tokens, words)):
        if k:
            out.append(text[tokens[k - 1].end:tok.start])
        out.append(tok.text if w == tok.text.lower() else match_case(tok.text, w))
    return "".join(out)


def adjacent(text: str, a: Token, b: Token) -> bool:
    """Two words of one phrase: only blanks or one hyphen between them."""
    between = text[a.end:b.start]
    return between.strip() in ("", "-") and "\n\n" not in between


def _sentence_bounds(tokens: list[Token]) -> list[tuple[int, int]]:
    """Each sentence's (start, end) in the text of ``tokens``, in order."""
    bounds: dict[int, tuple[int, int]] = {}
    for t in tokens:
        lo, _ = bounds.get(t.sentence, (t.start, t.end))
        bounds[t.sentence] = (lo, t.end)
    return [bounds[k] for k in sorted(bounds)]
