"""A document whose spinner draws on Moby is read with Moby's deeper originals; other documents are not.

The fixture is the first 3,000 words of benchmarks/corpus/fiction-19c/carroll-alice.txt (public domain)
spun by the benchmarks' spinner: ``spinner.Spinner(None, "moby", seed=2).spin(text)``.
"""
from __future__ import annotations

from pathlib import Path

import pytest

from unspin.candidates import MAX_MOBY, MAX_MOBY_DEEP
from unspin.engine import Engine

FIXTURE = Path(__file__).parent / "fixtures" / "alice-moby.spun.txt"
CLEAN = Path(__file__).resolve().parents[1] / "benchmarks" / "corpus" / "fiction-19c" / "carroll-alice.txt"
# Replacements in the fixture whose original Moby lists too deep for every document's candidates:
# "buttered toast" spun to "buttered curry", "how to speak" to "how to report".
DEEP_ONLY = {"curry": "toast", "report": "speak"}


@pytest.fixture(scope="module")
def spun() -> str:
    return FIXTURE.read_text(encoding="utf-8")


def _never() -> bool:
    return False


def test_deep_originals_are_out_of_every_documents_reach(engine: Engine):
    shallow, deep = engine._candidates(False), engine._candidates(True)
    assert (shallow.moby_depth, deep.moby_depth) == (MAX_MOBY, MAX_MOBY_DEEP)
    for observed, original in DEEP_ONLY.items():
        assert original not in {c.word for c in shallow.candidates(observed)}
        assert original in {c.word for c in deep.candidates(observed)}


def test_a_moby_spun_document_is_restored_from_deeper_originals(spun: str):
    findings = Engine().analyze(spun)
    offered = {f.text.lower(): [s.text.lower() for s in f.suggestions] for f in findings
               if f.text.lower() in DEEP_ONLY}
    assert any(DEEP_ONLY[word] in suggestions for word, suggestions in offered.items()), offered


def test_clean_text_is_read_as_deep_as_before(engine: Engine, spun: str):
    clean = CLEAN.read_text(encoding="utf-8")[: len(spun)]
    assert not engine._read(clean, None, False, _never)[1].deep
    assert engine._read(spun, None, False, _never)[1].deep


def test_an_edited_moby_spun_document_keeps_its_deep_reading(spun: str):
    engine = Engine()
    engine.analyze(spun, document="alice")
    edited = spun.replace("CHAPTER I.", "CHAPTER 1.", 1)
    assert edited != spun
    placed, fitted = engine._read(edited, "alice", False, _never)
    assert fitted.deep and all(sent.key[2] for _, sent in placed)
    offered = {f.text.lower(): [s.text.lower() for s in f.suggestions]
               for f in engine.analyze(edited, document="alice") if f.text.lower() in DEEP_ONLY}
    assert any(DEEP_ONLY[word] in suggestions for word, suggestions in offered.items()), offered
