"""Tokenizer with exact code-point offsets, sentences and paragraphs.

Only ``word`` tokens are ever flagged; numbers, URLs, e-mail addresses and
punctuation are kept so that context and offsets stay exact.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

_TOKEN = re.compile(
    r"(?P<url>(?:https?://|www\.)\S+[^\s.,;:!?)\]}'\"’”])"
    r"|(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)"
    r"|(?P<number>\d+(?:[.,:/]\d+)*(?:st|nd|rd|th|s)?)"
    r"|(?P<word>[^\W\d_]+(?:['’][^\W\d_]+)*)"
    r"|(?P<end>[.!?]+)"
    r"|(?P<punct>\S)"
)
_BLANK_LINE = re.compile(r"\n[ \t\r]*\n")
# A full stop after these does not end a sentence.
_ABBREVIATIONS = frozenset(
    "mr mrs ms dr prof st jr sr vs etc inc ltd co corp gen gov sen rep col lt sgt capt no fig eq al e g i u s".split()
)


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int
    end: int
    kind: str  # word | number | url | email | end | punct
    sentence: int
    paragraph: int

    @property
    def is_word(self) -> bool:
        return self.kind == "word"


def tokenize(text: str) -> list[Token]:
    """Split ``text`` into tokens; sentence and paragraph ids are running counters.

    A sentence ends at ``.!?`` (not after an abbreviation or initial) or at a
    blank line; a single line break does not end one, so hard-wrapped prose
    keeps its context.
    """
    tokens: list[Token] = []
    sentence = paragraph = 0
    pos = 0
    prev: re.Match[str] | None = None
    for m in _TOKEN.finditer(text):
        if tokens and _BLANK_LINE.search(text, pos, m.start()):
            paragraph += 1
            sentence += 1
        kind = m.lastgroup or "punct"
        tokens.append(Token(m.group(), m.start(), m.end(), kind, sentence, paragraph))
        if kind == "end" and not _is_abbreviation(prev, m):
            sentence += 1
        prev = m
        pos = m.end()
    return tokens


def _is_abbreviation(prev: re.Match[str] | None, end: re.Match[str]) -> bool:
    if end.group() != "." or prev is None or prev.end() != end.start() or prev.lastgroup != "word":
        return False
    word = prev.group()
    return word.lower() in _ABBREVIATIONS or len(word) == 1



# A chunk ends at a blank line, or at a line that ends a sentence.  Chunks never share a sentence, so
# each can be tokenized and analysed on its own and cached by content.  (A line ending in an
# abbreviation, "Dr.", also closes a chunk: a rare loss of context, never of offsets.)
_CHUNK_END = re.compile(r"\n[ \t\r]*\n|[.!?][\"'”’)\]]*[ \t]*\r?\n")


# A chunk longer than this (a document written as one long line) is cut further at its sentence ends,
# so that an edit re-reads its own sentences, not the whole line.
LONG_CHUNK = 4_000
_SENTENCE_GAP = re.compile(r"[.!?]+[\"'”’)\]]*[ \t]+")


def chunks(text: str) -> list[tuple[int, str]]:
    """(offset, text) pieces of ``text`` that together cover it exactly."""
    out, start = [], 0
    for m in _CHUNK_END.finditer(text):
        out += _cut_long(text, start, m.end())
        start = m.end()
    if start < len(text) or not out:
        out += _cut_long(text, start, len(text))
    return out


def _is_letter(c: str) -> bool:
    return c.isalnum() and not c.isdecimal()  # the tokenizer's [^\W\d_]


def _word_before(text: str, start: int, end: int) -> str:
    """The word token ``tokenize`` would read just before ``end`` (scanned back: a regex searching a
    window for a word that ends there would try every start in it)."""
    j = end
    while j > start:
        c = text[j - 1]
        if _is_letter(c) or (c in "'’" and j < end and j - 1 > start and _is_letter(text[j - 2])):
            j -= 1
        else:
            break
    return text[j:end]


def _cut_long(text: str, start: int, end: int) -> list[tuple[int, str]]:
    """``text[start:end]`` as one chunk, or a long one cut where ``tokenize`` ends a sentence (so that
    the sentences, and every result, are the same as uncut)."""
    if end - start <= LONG_CHUNK:
        return [(start, text[start:end])]
    out = []
    for m in _SENTENCE_GAP.finditer(text, start, end):
        if m.group().startswith("..") or not m.group().startswith("."):
            cut = True
        else:  # a full stop ends no sentence after an abbreviation or an initial ("Dr.", "J.")
            word = _word_before(text, start, m.start())
            cut = not word or not (word.lower() in _ABBREVIATIONS or len(word) == 1)
        if cut and m.end() < end:
            out.append((start, text[start:m.end()]))
            start = m.end()
    out.append((start, text[start:end]))
    return out


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every sentence, from its first token to its last, as the engine reads them."""
    spans: list[tuple[int, int]] = []
    for offset, chunk in chunks(text):
        spans += _chunk_sentence_spans(chunk, offset)
    return spans


def sentence_span(text: str, offset: int) -> tuple[int, int]:
    """The sentence around ``offset`` (the next one when ``offset`` falls between sentences), as the
    engine splits ``text``: only the chunk holding ``offset`` is tokenized."""
    for start, chunk in chunks(text):
        if offset < start + len(chunk) or start + len(chunk) == len(text):
            spans = _chunk_sentence_spans(chunk, start)
            for span in spans:
                if offset < span[1] or (offset == span[1] and span is spans[-1]):
                    return span
            return spans[-1] if spans else (offset, offset)
    return offset, offset


def _chunk_sentence_spans(chunk: str, offset: int) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    current = -1
    for tok in tokenize(chunk):
        if tok.sentence != current:
            spans.append((offset + tok.start, offset + tok.end))
            current = tok.sentence
        else:
            spans[-1] = (spans[-1][0], offset + tok.end)
    return spans
