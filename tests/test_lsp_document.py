"""The server's document model against an independent model of what an LSP editor holds.

LSP breaks lines at CRLF, CR and LF only, a character past a line's end is the line's end, and a line
past the last is the document's end.  The reference below applies edits the way an editor does,
written for clarity, not speed; the seeded random edits are shared with the end-to-end test in
test_lsp_edits.py.
"""
import random
import re

import pytest
from lsprotocol import types
from unspin.lsp.document import Document
from unspin.lsp.positions import PositionMap

ENCODINGS = ["utf-8", "utf-16", "utf-32"]
# Characters str.splitlines breaks at and LSP does not, LSP's own breaks, astral and combining characters.
ODD = ["\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x85", "\u2028", "\u2029", "\r\n", "\r", "\n", "😀", "𝔘", "e\u0301",
       "—", "é"]
WORDS = ["helium", "volition", "beryllium", "the", "said", "not", "able", "oregon", "caller", "Officials", "meeting"]


def reference_lines(text: str) -> list[str]:
    """Lines without their breaks, as LSP counts them."""
    return re.split(r"\r\n|\r|\n", text)


def reference_offset(text: str, line: int, units: int, encoding: str) -> int:
    lines = reference_lines(text)
    if line >= len(lines):
        return len(text)
    start = 0
    for k in range(line):
        start += len(lines[k])
        start += 2 if text.startswith("\r\n", start) else 1
    count = 0
    for i, ch in enumerate(lines[line]):
        if count >= units:
            return start + i
        count += len(ch.encode("utf-8")) if encoding == "utf-8" else (
            len(ch.encode("utf-16-le")) // 2 if encoding == "utf-16" else 1)
    return start + len(lines[line])


def reference_units(line_text: str, chars: int, encoding: str) -> int:
    prefix = line_text[:chars]
    if encoding == "utf-8":
        return len(prefix.encode("utf-8"))
    if encoding == "utf-16":
        return len(prefix.encode("utf-16-le")) // 2
    return len(prefix)


def random_position(rng: random.Random, text: str, encoding: str) -> types.Position:
    """A position an editor could send: on a character boundary, or past its line's end, or past the
    last line."""
    lines = reference_lines(text)
    roll = rng.random()
    if roll < 0.05:
        return types.Position(len(lines) + rng.randrange(3), rng.randrange(5))
    line = rng.randrange(len(lines))
    if roll < 0.2:
        return types.Position(line, reference_units(lines[line], len(lines[line]), encoding) + rng.randrange(1, 6))
    return types.Position(line, reference_units(lines[line], rng.randrange(len(lines[line]) + 1), encoding))


def _further(text: str, pos: types.Position, chars: int, encoding: str) -> types.Position:
    """``chars`` characters on from ``pos`` on its line, past its end if it is shorter."""
    lines = reference_lines(text)
    if pos.line >= len(lines):
        return pos
    line = lines[pos.line]
    at = next((i for i in range(len(line) + 1) if reference_units(line, i, encoding) >= pos.character), len(line))
    extra = max(0, at + chars - len(line))
    return types.Position(pos.line, reference_units(line, min(at + chars, len(line)), encoding) + extra)


def random_edits(seed: int, text: str, encoding: str, count: int):
    """(change, text after it) pairs, the text computed by the reference.  Ranges are mostly short, as
    typing makes them, so that the document keeps its size."""
    rng = random.Random(seed)
    for _ in range(count):
        a = random_position(rng, text, encoding)
        roll = rng.random()
        if roll < 0.6:
            b = _further(text, a, rng.randrange(0, 8), encoding)  # may pass the line's end
        elif roll < 0.8:
            b = a
        elif roll < 0.97:
            b = _further(text, types.Position(a.line + 1, 0), rng.randrange(0, 10), encoding)
        else:
            b = random_position(rng, text, encoding)
        start = reference_offset(text, a.line, a.character, encoding)
        end = reference_offset(text, b.line, b.character, encoding)
        if end < start:
            a, b, start, end = b, a, end, start
        pieces = rng.choices(ODD + WORDS + [" "] * 6, k=rng.randrange(0, 6))
        new = "".join(pieces)
        text = text[:start] + new + text[end:]
        if rng.random() < 0.02:  # a whole-document change now and then
            yield types.TextDocumentContentChangeWholeDocument(text=text), text
        else:
            yield types.TextDocumentContentChangePartial(range=types.Range(a, b), text=new), text


START = "Officials said\r\nhelium volition\x0bnot\u2028beryllium\x85able 😀 to attend.\rThe end\n"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_random_edits_keep_the_editors_text(encoding):
    doc = Document("file:///r.txt", START)
    for k, (change, expected) in enumerate(random_edits(11, START, encoding, 1200)):
        doc.apply(change, encoding)
        assert doc.text == expected, f"edit {k}: {change}"


def test_only_crlf_cr_and_lf_break_lines():
    doc = Document("file:///a.txt", "a\x0bb\x85c\u2028d\ne")
    doc.apply(types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(1, 0), types.Position(1, 0)), text="X"), "utf-16")
    assert doc.text == "a\x0bb\x85c\u2028d\nXe"


def test_a_position_past_the_line_end_is_the_line_end_and_crlf_stays_whole():
    doc = Document("file:///a.txt", "ab\r\ncd\r\n")
    doc.apply(types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(0, 9), types.Position(0, 9)), text="X"), "utf-16")
    assert doc.text == "abX\r\ncd\r\n"
    doc.apply(types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(7, 0), types.Position(9, 3)), text="!"), "utf-16")
    assert doc.text == "abX\r\ncd\r\n!"


def test_last_line_past_its_end_appends_rather_than_landing_before_the_last_character():
    doc = Document("file:///a.txt", "one\ntwo")
    doc.apply(types.TextDocumentContentChangePartial(
        range=types.Range(types.Position(1, 50), types.Position(1, 50)), text="!"), "utf-16")
    assert doc.text == "one\ntwo!"


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_positions_of_a_long_line_are_counted_once(encoding):
    """The map walks on along a line; asked in order, it must agree with counting from the start."""
    line = ("word 😀 é " * 20_000)
    pm = PositionMap(line, encoding)
    offsets = list(range(0, len(line), 997))
    got = [pm.position(o).character for o in offsets]
    assert got == [reference_units(line, o, encoding) for o in offsets]
    assert [pm.offset(types.Position(0, c)) for c in got] == offsets
