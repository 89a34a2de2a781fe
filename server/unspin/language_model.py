"""Trigram language model: pocketsphinx's English model plus a unigram back-off.

The pocketsphinx model (72k words, lower case, no punctuation) is read once
per process.  Words it lacks get their unigram probability from the shipped
lexicon, lowered by ``OOV_PENALTY``, so that rare spinner choices such as
"conscionable" still receive a sane score instead of log(0).
"""
from __future__ import annotations

import math
import os

from .lexicon import Lexicon, shared_lexicon
from .loaded_once import loaded_once
from .spelling import american

_LOG10_BASE = math.log10(1.0001)  # pocketsphinx scores are log base 1.0001
_ZERO = -536870912
OOV_PENALTY = -1.0
SPELLING_MARGIN = 0.3  # log10: an American spelling the model knows this much better is read instead
SENTENCE_START = "<s>"
SENTENCE_END = "</s>"
_CACHE_LIMIT = 50_000


class LanguageModel:
    """``logp(word, prev, prev2)`` in log10, memoised."""

    def __init__(self, lexicon: Lexicon, path: str | None = None) -> None:
        from pocketsphinx import Config, LogMath, NGramModel

        if path is None:
            import pocketsphinx

            path = os.path.join(os.path.dirname(pocketsphinx.__file__), "model", "en-us", "en-us.lm.bin")
        config = Config()
        config.set_string("-logfn", os.devnull)
        self._model = NGramModel(config, LogMath(1.0001), path)
        self._lexicon = lexicon
        self._cache: dict[tuple[str, str, str], float] = {}
        self._known: dict[str, bool] = {}
        self._readings: dict[str, str] = {}

    def known(self, word: str) -> bool:
        k = self._known.get(word)
        if k is None:
            k = self._known[word] = self._model.prob([word]) != _ZERO
        return k

    def reading(self, word: str) -> str:
        """The spelling the model should read ``word`` in: its American form where the model knows that
        far better ("meters" for "metres"), else ``word`` itself; see ``spelling``."""
        got = self._readings.get(word)
        if got is None:
            got = american(word)
            if got == word or not self.known(got) or \
                    self.logp(got, "", "") < self.logp(word, "", "") + SPELLING_MARGIN:
                got = word
            self._readings[word] = got
        return got

    def logps(self, words: list[str], prev: str, prev2: str) -> list[float]:
        """``logp`` of each of ``words`` after the same history (one call for a decoder's alternatives)."""
        get, logp = self._cache.get, self.logp
        out = []
        for word in words:
            v = get((word, prev, prev2))
            out.append(logp(word, prev, prev2) if v is None else v)
        return out

    def logp(self, word: str, prev: str, prev2: str) -> float:
        key = (word, prev, prev2)
        v = self._cache.get(key)
        if v is not None:
            return v
        v = self._logp(word, prev, prev2)
        if len(self._cache) > _CACHE_LIMIT:
            self._cache.clear()
        self._cache[key] = v
        return v

    def window_logps(self, words: list[str], prev2: str, prev: str, next1: str, next2: str | None) -> list[float]:
        """For each of ``words`` in the window ``prev2 prev _ next1 next2``, the summed ``logp`` of the
        trigrams that involve it (``next2`` None: ``next1`` is the sentence end).  Not memoised: the
        scoring of every word's candidates, where nearly every trigram is new."""
        known, prob, oov = self.known, self._model.prob, self._oov_logp
        # The histories as ``_logp`` builds them, with the context's known-ness looked up once.
        left = [prev, prev2] if prev and known(prev) and prev2 and known(prev2) else [prev] if prev and known(prev) \
            else []
        right1 = next1 and known(next1)
        right2 = next2 is not None and known(next2)
        keep_prev = [prev] if prev and known(prev) else []
        out = []
        for w in words:
            if not known(w):
                v = oov(w) + (oov(next1) if not right1 else prob([next1]) * _LOG10_BASE)
                if next2 is not None:
                    v += oov(next2) if not right2 else prob([next2, next1] if right1 else [next2]) * _LOG10_BASE
                out.append(v)
                continue
            v = prob([w, *left]) * _LOG10_BASE
            v += prob([next1, w, *keep_prev]) * _LOG10_BASE if right1 else oov(next1)
            if next2 is not None:
                v += (prob([next2, next1, w] if right1 else [next2]) * _LOG10_BASE) if right2 else oov(next2)
            out.append(v)
        return out

    def _oov_logp(self, word: str) -> float:
        return OOV_PENALTY + self._lexicon.log10_unigram(word)

    def _logp(self, word: str, prev: str, prev2: str) -> float:
        known = self.known
        if not known(word):
            return OOV_PENALTY + self._lexicon.log10_unigram(word)
        hist = [word]
        if prev and known(prev):
            hist.append(prev)
            if prev2 and known(prev2):
                hist.append(prev2)
        return self._model.prob(hist) * _LOG10_BASE


def _load_model() -> LanguageModel:
    return LanguageModel(shared_lexicon())


shared_model = loaded_once(_load_model)
