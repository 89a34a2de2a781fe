"""A document written as one long line: an edit re-reads its own sentences, not the whole line."""
import pytest
from conftest import CLEAN, SPUN
from unspin import tokens
from unspin.tokens import LONG_CHUNK, chunks, tokenize

LINE = " ".join([SPUN, CLEAN, "Mr. Page met Dr. J. Smith at 5 p.m. in the U.S. and left.", "It rained!"] * 120)


def _word_sentences(pieces):
    out = []
    for offset, chunk in pieces:
        current = None
        for tok in tokenize(chunk):
            if tok.kind in ("punct", "end"):
                continue
            if tok.sentence != current:
                out.append([])
                current = tok.sentence
            out[-1].append((offset + tok.start, tok.text))
    return out


def test_a_long_line_is_cut_at_sentence_ends_into_the_same_sentences():
    assert len(LINE) > 10 * LONG_CHUNK and "\n" not in LINE
    pieces = chunks(LINE)
    assert len(pieces) > 100
    assert "".join(p for _, p in pieces) == LINE and all(LINE[o:o + len(p)] == p for o, p in pieces)
    assert _word_sentences(pieces) == _word_sentences([(0, LINE)])
    assert not any(p.endswith(("Mr. ", "Dr. ", "J. ", "U.S. ")) for _, p in pieces)


def test_short_chunks_are_left_as_they_were():
    text = SPUN + " " + CLEAN + "\n"
    assert chunks(text) == [(0, text)]


def test_a_one_word_edit_in_a_long_line_rereads_a_sentence_not_the_line(engine, monkeypatch):
    engine.analyze(LINE, document="long-line")
    read = []
    original = type(engine)._chunk_sentences

    def counting(self, text, deep):
        read.append(len(text))
        return original(self, text, deep)

    monkeypatch.setattr(type(engine), "_chunk_sentences", counting)
    at = LINE.index("helium", len(LINE) // 2)
    edited = LINE[:at] + "he" + LINE[at + len("helium"):]
    engine.analyze(edited, document="long-line")
    assert 0 < sum(read) < len(LINE) / 50
    assert engine.analyze(edited, document="long-line", refit=True) == engine.analyze(edited)


@pytest.mark.parametrize("limit", [10 ** 9])
def test_cutting_changes_no_finding(engine, monkeypatch, limit):
    cut = engine.analyze(LINE[:20_000])
    monkeypatch.setattr(tokens, "LONG_CHUNK", limit)
    from unspin.engine import Engine

    whole = Engine().analyze(LINE[:20_000])
    assert [(f.start, f.end, f.text, f.best) for f in cut] == [(f.start, f.end, f.text, f.best) for f in whole]
    assert all(abs(a.confidence - b.confidence) < 1e-4 for a, b in zip(cut, whole))
