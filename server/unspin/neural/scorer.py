"""Sentence scores under the neural model: alternatives for a span, sharing the prefix and batching.

Every sentence is read after the model's ``<|endoftext|>`` token, the document separator it was
trained with, so its first word is scored too.  Scores are log10 probabilities, like the trigram
model's.
"""
from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from threadpoolctl import threadpool_limits
from tokenizers import Tokenizer

from .transformer import KVCache, Transformer

LN10 = float(np.log(10))
# Batches are bounded by positions held, padding included: a base group's rows times its longest
# row (its cache: 96 KB a position), and a continuation batch's rows times the positions each
# attends to (the cached ones are gathered per row, one layer at a time).
_BASE_POSITIONS = 1024
_ROW_POSITIONS = 16384


def _common(a: list[int], b: list[int]) -> int:
    """Length of the common prefix of two token lists."""
    n = 0
    for x, y in zip(a, b):
        if x != y:
            break
        n += 1
    return n


def _groups(lengths: list[int]) -> list[list[int]]:
    """Indices of ``lengths``, shortest first, in groups whose padded size (rows times the longest)
    stays within ``_BASE_POSITIONS``."""
    groups: list[list[int]] = [[]]
    for i in sorted(range(len(lengths)), key=lambda i: lengths[i]):
        if groups[-1] and (len(groups[-1]) + 1) * lengths[i] > _BASE_POSITIONS:
            groups.append([])
        groups[-1].append(i)
    return groups


@dataclass(frozen=True)
class Request:
    """Score ``text`` with ``text[start:end]`` replaced by each alternative.

    ``right_tokens``: score only this many tokens after the alternative (None: the whole rest).
    """

    text: str
    start: int
    end: int
    alternatives: tuple[str, ...]
    right_tokens: int | None = None


@dataclass
class _Row:
    request: int
    alternative: int
    base: int  # which base text's cache it continues
    prefix: int  # tokens shared with the base
    suffix: list[int]  # the tokens after the prefix that are scored


class Scorer:
    """The neural model and its tokenizer, scoring text variants."""

    def __init__(self, model: Transformer, tokenizer: Tokenizer, bos: int, threads: int | None = 1) -> None:
        """``threads``: BLAS threads during the model's passes (None: the library's default).  One is
        the default because on a busy machine more threads wait on each other: 3 s against 19 s for
        the same work on two shared cores."""
        self.model = model
        self.tokenizer = tokenizer
        self.bos = bos
        self.threads = threads
        self.tokens_run = 0  # tokens through the model so far (for benchmarks)

    def encode(self, text: str) -> list[int]:
        return [self.bos, *self.tokenizer.encode(text, add_special_tokens=False).ids]

    def sentence_logprob(self, text: str) -> float:
        """log10 P(text) as one sentence."""
        return self.score_alternatives(text, 0, 0, [""])[0]

    def score_alternatives(self, text: str, start: int, end: int, alternatives: Sequence[str],
                           right_tokens: int | None = None) -> list[float]:
        """log10 P(sentence) with ``text[start:end]`` replaced by each of ``alternatives``."""
        return self.score_many([Request(text, start, end, tuple(alternatives), right_tokens)])[0]

    def next_token_logprobs(self, left: str) -> np.ndarray:
        """log10 P(token | left) for every vocabulary token, in one pass over ``left``."""
        ids = np.array([self.encode(left)])
        with self._limits():
            hidden, _ = self.model.forward(ids)
        return self.model.log_softmax(hidden[0, -1:])[0] / LN10

    def score_many(self, requests: Sequence[Request], interrupt: Callable[[], None] | None = None,
                   whole: bool = True) -> list[list[float]]:
        """``score_alternatives`` for many requests at once: one pass per distinct text, then the
        alternatives of all requests batched, each continuing its text's cached prefix.

        ``interrupt`` is called between layers of every pass; raise from it to abandon the work.
        With ``whole`` False the text before the first token that differs between a request's
        alternatives is left out of its scores, and so is that token's normaliser over the
        vocabulary (both the same for each of them), which saves a fifth of the work on that text.
        """
        if not requests:
            return []
        for r in requests:
            if not 0 <= r.start <= r.end <= len(r.text):
                raise ValueError(f"span {r.start}:{r.end} is outside a text of {len(r.text)} characters")
        texts: dict[str, int] = {}
        bases: list[list[int]] = []
        rows: list[_Row] = []
        for qi, r in enumerate(requests):
            if r.text not in texts:
                texts[r.text] = len(bases)
                bases.append(self.encode(r.text))
            b = texts[r.text]
            base = bases[b]
            encoded = [self.tokenizer.encode(r.text[:r.start] + alt + r.text[r.end:], add_special_tokens=False)
                       for alt in r.alternatives]
            variants = [[self.bos, *e.ids] for e in encoded]
            # the prefix every variant and the base share; each variant keeps at least its last token to score
            p = min(_common(base, v) for v in variants) if variants else 1
            p = max(1, min(p, *(len(v) - 1 for v in variants))) if variants else 1
            for ai, (alt, enc, ids) in enumerate(zip(r.alternatives, encoded, variants)):
                suffix = ids[p:]
                if r.right_tokens is not None:
                    alt_end = r.start + len(alt)
                    offsets = [(0, 0), *enc.offsets]
                    n_alt = sum(1 for s, _ in offsets[p:] if s < alt_end)
                    suffix = suffix[:n_alt + r.right_tokens]
                rows.append(_Row(qi, ai, b, p, suffix))
        need = [0] * len(bases)
        for row in rows:
            need[row.base] = max(need[row.base], row.prefix)
        scores = [[0.0] * len(r.alternatives) for r in requests]
        with self._limits():
            self._score_groups(bases, need, rows, scores, interrupt, whole)
        return scores

    def _limits(self) -> contextlib.AbstractContextManager:
        if self.threads is None:
            return contextlib.nullcontext()
        return threadpool_limits(self.threads, user_api="blas")

    def _score_groups(self, bases: list[list[int]], need: list[int], rows: list[_Row], scores: list[list[float]],
                      interrupt: Callable[[], None] | None, whole: bool) -> None:
        for group in _groups(need):
            local = {b: i for i, b in enumerate(group)}
            read = [bases[b][:need[b]] for b in group]
            cum, cache, last = self._bases(read, interrupt, whole)
            mine = [_Row(r.request, r.alternative, local[r.base], r.prefix, r.suffix) for r in rows if r.base in local]
            for row, value in zip(mine, self._rows(mine, cum, cache, last, interrupt, read, whole)):
                scores[row.request][row.alternative] = value / LN10

    def _bases(self, bases: list[list[int]], interrupt: Callable[[], None] | None, whole: bool = True):
        """One causal pass over the base texts: per text, cumulative log P of its prefixes, the cache,
        and the hidden state at every position (to predict what follows a prefix)."""
        n, T = len(bases), max(len(b) for b in bases)
        tokens = np.zeros((n, T), np.int64)
        mask = np.zeros((n, T), bool)
        for i, b in enumerate(bases):
            tokens[i, :len(b)] = b
            mask[i, :len(b)] = True
        self.tokens_run += int(mask.sum())
        hidden, cache = self.model.forward(tokens, mask, extend_cache=True, interrupt=interrupt)
        # log P(token t | tokens < t) for t >= 1
        src = mask[:, 1:]
        lp = np.zeros((n, T), np.float64)
        if whole and src.any():
            vals = self.model.target_logprobs(hidden[:, :-1][src], tokens[:, 1:][src])
            inner = np.zeros((n, T - 1), np.float64)
            inner[src] = vals
            lp[:, 1:] = inner
        cum = np.cumsum(lp, axis=1)  # cum[i, p-1] = log P(base[:p])
        return cum, cache, hidden

    def _rows(self, rows: list[_Row], cum: np.ndarray, cache: KVCache, last: np.ndarray,
              interrupt: Callable[[], None] | None, read: list[list[int]], whole: bool) -> list[float]:
        """Each row's total: its prefix's log P plus its suffix's, the suffixes batched.

        A row whose suffix the base pass has already read (``read``: the tokens it ran), such as the
        best suggestion of a finding followed by another in the same text, is scored from that pass.
        Every token's normaliser over the vocabulary is computed in one go at the end, and the one
        before a request's alternatives (the same for all of them) only once, or with ``whole``
        False not at all.
        """
        out = [float(cum[r.base, r.prefix - 1]) for r in rows]
        states: list[np.ndarray] = []  # hidden states whose normaliser is taken from rows' totals
        owners: list[np.ndarray] = []  # per state, the rows it is taken from
        covered = [i for i, r in enumerate(rows) if r.suffix
                   and read[r.base][r.prefix:r.prefix + len(r.suffix)] == r.suffix]
        if covered and whole:
            for i in covered:
                out[i] = float(cum[rows[i].base, rows[i].prefix + len(rows[i].suffix) - 1])
        done = set(covered)
        # the first suffix token is predicted by the base's hidden state at the prefix's last position
        firsts = [i for i, r in enumerate(rows) if r.suffix and (i not in done or not whole)]
        if firsts:
            first = {(rows[i].base, rows[i].prefix): 0 for i in firsts}
            for j, key in enumerate(first):
                first[key] = j
            h = np.stack([last[b, p - 1] for b, p in first])
            which = np.array([first[rows[i].base, rows[i].prefix] for i in firsts])
            for i, v in zip(firsts, self.model.target_logits(h[which], np.array([rows[i].suffix[0] for i in firsts]))):
                out[i] += float(v)
            if whole:
                for j, group in enumerate(_members(which, len(first))):
                    states.append(h[j:j + 1])
                    owners.append(np.array([firsts[k] for k in group]))
        # the rest of a covered row from the base pass's states
        for i in (covered if not whole else []):
            r = rows[i]
            if len(r.suffix) > 1:
                h = last[r.base, r.prefix:r.prefix - 1 + len(r.suffix)]
                self._add_logits(out, i, h, r.suffix[1:])
                states.append(h)
                owners.extend(np.array([i]) for _ in range(len(h)))
        # the rest of the others: feed suffix[:-1], score suffix[1:]
        longer = [i for i in firsts if i not in done and len(rows[i].suffix) > 1]
        longer.sort(key=lambda i: len(rows[i].suffix))
        chunk: list[int] = []
        for n, i in enumerate(longer):
            chunk.append(i)
            if (len(chunk) * (cache.valid.shape[1] + len(rows[i].suffix)) >= _ROW_POSITIONS
                    or n == len(longer) - 1):
                self._suffix_pass([rows[j] for j in chunk], chunk, cache, out, states, owners, interrupt)
                chunk = []
        if states:
            z = self.model.log_partition(np.concatenate(states))
            for zj, who in zip(z, owners):
                for i in who:
                    out[i] -= float(zj)
        return out

    def _add_logits(self, out: list[float], i: int, hidden: np.ndarray, targets: list[int]) -> None:
        out[i] += float(self.model.target_logits(hidden, np.array(targets)).astype(np.float64).sum())

    def _suffix_pass(self, rows: list[_Row], where: list[int], cache: KVCache, out: list[float],
                     states: list[np.ndarray], owners: list[np.ndarray],
                     interrupt: Callable[[], None] | None) -> None:
        T = max(len(r.suffix) for r in rows) - 1
        tokens = np.zeros((len(rows), T), np.int64)
        mask = np.zeros((len(rows), T), bool)
        for j, r in enumerate(rows):
            n = len(r.suffix) - 1
            tokens[j, :n] = r.suffix[:-1]
            mask[j, :n] = True
        self.tokens_run += int(mask.sum())
        sub = cache.rows(np.array([r.base for r in rows]), np.array([r.prefix for r in rows]))
        hidden, _ = self.model.forward(tokens, mask, sub, interrupt=interrupt)
        for j, (i, r) in enumerate(zip(where, rows)):
            h = hidden[j, :len(r.suffix) - 1]
            self._add_logits(out, i, h, r.suffix[1:])
            states.append(h)
            owners.extend(np.array([i]) for _ in range(len(h)))


def _members(which: np.ndarray, n: int) -> list[list[int]]:
    """For each of ``n`` groups, the positions in ``which`` that name it."""
    out: list[list[int]] = [[] for _ in range(n)]
    for k, j in enumerate(which):
        out[int(j)].append(k)
    return out

