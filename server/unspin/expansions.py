"""Phrases a spinner wrote for one word: "information technology" for *it*, "associate in nursing"
for *an*, "in transit to" for *to*, and hyphenated compounds, which thesauri list as one item:
"up-to-date" for *in*, "sea-coast" for *coast*.

A spinner that takes the first lemma of a random WordNet sense writes a phrase whenever that lemma is
one, and one that picks from a Moby entry writes the entry's phrases.  Such a phrase is found in a
part of the document already judged spun (``sections``), where the trigram model reads the sentence
far better with the single word than with the phrase.  The document's own spin rate and the
spinner's source (``DocumentChannel.moby_share``) set the prior, as they do for single words;
clean prose, whose sections are judged clean, is never read for them.

The WordNet side is ``data/expansions.tsv.gz`` (``tools/build_expansions.py``); Moby's reversed
table already holds its phrases, and the thesaurus's (``lexicon``) its hyphenated compounds.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache

from .language_model import SENTENCE_END, SENTENCE_START, LanguageModel
from .lexicon import Lexicon, shared_lexicon
from .loaded_once import loaded_once
from .moby import Moby, shared_moby
from .sorted_table import SortedTable

KIND = "phrase"
LONGEST = 4  # words in the longest phrase looked up


@dataclass(frozen=True, slots=True)
class Expansion:
    """A single word that a spinner may have written ``phrase`` for."""

    phrase: str
    original: str
    log_q: float  # log10 probability that a spinner holding ``original`` writes ``phrase``, within its source
    source: str  # "wordnet", "thesaurus" (a hyphenated compound) or "moby"

    @property
    def relation(self) -> str:
        if self.source == "moby":
            return f"'{self.phrase}' is listed in the Moby thesaurus under '{self.original}'"
        if self.source == "thesaurus":
            return f"'{self.phrase}' is listed in the thesaurus beside '{self.original}'"
        return f"'{self.phrase}' is WordNet's name for a sense of '{self.original}'"


@dataclass(frozen=True, slots=True)
class Reading:
    """A phrase of a sentence read as one of its ``Expansion``s: which words, and how much likelier."""

    first: int  # index of the phrase's first word in the sentence's words
    length: int  # its number of words
    expansion: Expansion
    gain: float  # log10 trigram gain of the sentence with the single word


class Expansions:
    """Lookup of the phrases a spinner may write for one word; shared, loaded once."""

    def __init__(self, moby: Moby | None = None, lexicon: Lexicon | None = None) -> None:
        self._wordnet = SortedTable.packaged("expansions.tsv.gz")
        self._moby = moby
        self._lexicon = lexicon
        self.of = lru_cache(maxsize=100_000)(self._of)

    def _of(self, phrase: str) -> tuple[Expansion, ...]:
        """The single words ``phrase`` (lower case, words joined by one space, or by hyphens in a
        compound) may stand for."""
        found = [Expansion(phrase, word, float(log_q), "wordnet")
                 for row in self._wordnet.rows(phrase) for word, log_q in (cell.rsplit(":", 1) for cell in row)]
        if self._lexicon is not None and "-" in phrase:
            found += [Expansion(phrase, e.original, e.log_q, "thesaurus") for e in self._lexicon.originals(phrase)
                      if e.original.isalpha()]
        if self._moby is not None:
            found += [Expansion(phrase, original, log_q, "moby")
                      for original, log_q in self._moby.single_words(phrase, 20)]
        return tuple(found)


def _expansions() -> Expansions:
    return Expansions(shared_moby(), shared_lexicon())


shared_expansions = loaded_once(_expansions)


def read_phrases(model: LanguageModel, expansions: Expansions, words: tuple[str, ...],
                 separators: list[str | None]) -> list[Reading]:
    """Every phrase of 2 to ``LONGEST`` words of a sentence (``words`` as the language model reads them)
    with a single word it may stand for, each read as its best single word.  ``separators[k]``: what
    joins word k to word k + 1 within a phrase, " " (blanks) or "-" (a compound), or None (nothing
    does: other punctuation, a paragraph break)."""
    out = []
    for i in range(len(words) - 1):
        if words[i].startswith("<"):  # a number or a word the tokenizer could not read
            continue
        sep = separators[i]
        for n in range(2, LONGEST + 1):
            if (sep is None or i + n > len(words) or separators[i + n - 2] != sep
                    or words[i + n - 1].startswith("<")):
                break
            found = expansions.of(sep.join(words[i:i + n]))
            options = [e for e in found if model.known(e.original)]
            if not options:
                continue
            gains = [gain(model, words, i, n, e.original) for e in options]
            best = max(range(len(options)), key=lambda k: gains[k] + options[k].log_q)
            out.append(Reading(i, n, options[best], gains[best]))
    return out


def gain(model: LanguageModel, words: tuple[str, ...], first: int, length: int, word: str) -> float:
    """log10 P(sentence with ``word`` for ``words[first:first + length]``) / P(sentence as written), under
    the trigram model: only the trigrams that touch the phrase differ."""
    written = [SENTENCE_START, *words, SENTENCE_END]
    read = [SENTENCE_START, *words[:first], word, *words[first + length:], SENTENCE_END]
    lo = first + 1
    return _run(model, read, lo, min(len(read), lo + 3)) - _run(model, written, lo, min(len(written), lo + length + 2))


def _run(model: LanguageModel, seq: list[str], lo: int, hi: int) -> float:
    """Summed log10 P(seq[j] | the two words before it) over ``lo <= j < hi`` (seq[0] is the start)."""
    return sum(model.logp(seq[j], seq[j - 1], seq[j - 2] if j >= 2 else "") for j in range(lo, hi))


def log_prior(expansion: Expansion, rate: float, moby_share: float) -> float:
    """log10 prior odds that a phrase was written for ``expansion.original``: the document's spin rate,
    the spinner's source share and the link's own probability."""
    share = moby_share if expansion.source == "moby" else 1.0 - moby_share
    return math.log10(rate / (1.0 - rate)) + math.log10(share) + expansion.log_q
