"""Which texts the tortured-phrase pass reads unless told: those in the register of research writing.

Tortured phrases are what paraphrasing tools leave in scientific manuscripts ("irregular woodland"
for *random forest*), and that is where users screen for them.  The pass reads every sentence with
the neural model, which is slow, and on general prose (news, fiction, encyclopaedia articles) the
few phrases it flags are rare words read as mangled terms.  So by default it runs on texts that read
as research writing: abstracts and papers, which use a small vocabulary of method and result words
("we propose", "results", "patients", "model") at a rate general prose never reaches.  These cue
words are a register test, not tortured-phrase data.  See ``docs/tortured.md``.
"""
from __future__ import annotations

import re
from typing import Literal, get_args

PhraseMode = Literal["auto", "always", "never"]
PHRASE_MODES: tuple[str, ...] = get_args(PhraseMode)

_CUES = frozenset("""
we our propose proposed proposes method methods result results study studies analysis analyses data dataset
datasets model models performance approach approaches paper experiment experiments experimental patients
significant significantly algorithm algorithms framework evaluate evaluated evaluation demonstrate demonstrates
technique techniques parameters simulation simulations measurement measurements treatment clinical accuracy
outperforms baseline baselines empirical estimation optimization network networks learning task tasks novel
efficient efficiency compared comparison findings investigate investigated observed
""".split())
_WORD = re.compile(r"[^\W\d_]+")
MIN_SHARE = 0.04  # of a text's words that are cues: abstracts run at 9-13 %, general prose below 2.5 %
MIN_WORDS = 8  # fewer words say nothing of the register
_SAMPLE = 200_000  # characters read: a document's register shows in its first pages


def scientific(text: str) -> bool:
    """Whether ``text`` reads as research writing (an abstract, a paper, a set of their sentences)."""
    words = _WORD.findall(text[:_SAMPLE].lower())
    return len(words) >= MIN_WORDS and sum(w in _CUES for w in words) >= MIN_SHARE * len(words)


def reads_phrases(text: str, mode: PhraseMode) -> bool:
    """Whether the tortured-phrase pass reads ``text``: ``always``, ``never``, or (``auto``) when it
    reads as research writing."""
    return mode == "always" or (mode == "auto" and scientific(text))
