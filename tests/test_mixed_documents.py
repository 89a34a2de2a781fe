"""Mixed documents: a spun paragraph inside a long clean document is found, and the clean text around it
stays quiet (issue 12).  The clean text is the dev set's Wikipedia, read from ../shared."""
from __future__ import annotations

from pathlib import Path

import pytest

CLEAN_DIR = Path(__file__).resolve().parents[2] / "shared" / "eval" / "dev" / "clean"

# The project's own example paragraph (examples/spun.txt), spun in the dev spinner's style.
SPUN_PARAGRAPH = (
    "The city council volition ballot connected the caller fund adjacent week, and the politician said helium is "
    "assured that the program tin beryllium passed earlier the extremity of the period. Residents who unrecorded "
    "successful the northbound of the municipality person complained for years that buses are dilatory oregon "
    "crowded, and the council hopes to summation work connected the busiest routes.")
SPUN_WORDS = {"volition", "connected", "caller", "adjacent", "helium", "tin", "beryllium", "unrecorded",
              "successful", "oregon", "person", "dilatory", "summation"}

@pytest.fixture(scope="module")
def long_clean_paragraphs() -> list[str]:
    if not CLEAN_DIR.exists():
        pytest.skip("../shared/eval/dev/clean not present")
    paragraphs = []
    for name in ("wiki11.txt", "wiki12.txt"):
        text = (CLEAN_DIR / name).read_text(encoding="utf-8")
        paragraphs += [p for p in text.split("\n") if p.strip()]
    return paragraphs


def _mixed(paragraphs: list[str], where: float) -> tuple[str, int, int]:
    """The clean paragraphs with the spun one inserted at ``where`` (0..1); returns text and its span."""
    k = int(len(paragraphs) * where)
    before = "\n".join(paragraphs[:k]) + "\n"
    text = before + SPUN_PARAGRAPH + "\n" + "\n".join(paragraphs[k:]) + "\n"
    return text, len(before), len(before) + len(SPUN_PARAGRAPH)


@pytest.fixture(scope="module")
def analysed(engine, long_clean_paragraphs):
    """where -> (findings, start, end) of the spun paragraph, each document analysed once."""
    cache: dict[float, tuple[list, int, int]] = {}

    def get(where: float):
        if where not in cache:
            text, start, end = _mixed(long_clean_paragraphs, where)
            cache[where] = (engine.analyze(text), start, end)
        return cache[where]

    return get


@pytest.mark.parametrize("where", [0.0, 0.5, 1.0])
def test_a_spun_paragraph_inside_a_long_clean_document_is_found(analysed, where):
    findings, start, end = analysed(where)
    inside = {f.text.lower() for f in findings if start <= f.start and f.end <= end}
    assert len(inside & SPUN_WORDS) >= 0.7 * len(SPUN_WORDS), sorted(inside)


# At 0.5 the paragraph after the spun one opens with a sentence of rare compass words ("eastward",
# "northwestward") whose own evidence leans spun, and the section takes it in.
@pytest.mark.parametrize("where", [0.0, pytest.param(0.5, marks=pytest.mark.xfail(
    strict=True, reason="a neighbouring sentence whose own evidence leans spun joins the section")), 1.0])
def test_the_clean_paragraphs_around_it_stay_quiet(analysed, where):
    findings, start, end = analysed(where)
    outside = [f.text for f in findings if f.end <= start or f.start >= end]
    assert outside == []


def test_a_clean_article_before_a_spun_one_stays_quiet(engine, long_clean_paragraphs):
    """A clean article followed by a spun one (the benchmarks' spinner, dev style): the clean part has no
    findings and most of the spun part is found."""
    import importlib
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    spinner = importlib.import_module("spinner")
    clean = "\n".join(long_clean_paragraphs[:40]) + "\n"
    spun, gold = spinner.Spinner(0.25, "consistent", seed=1).spin((CLEAN_DIR / "wiki09.txt").read_text("utf-8"))
    findings = engine.analyze(clean + spun)
    assert [f.text for f in findings if f.start < len(clean)] == []
    found = {f.start - len(clean) for f in findings if f.start >= len(clean)}
    starts = [0] + [i + 1 for i, c in enumerate(spun) if c == "\n"]
    subs = {starts[g["line"]] + g["col"] for g in gold}
    assert len(found & subs) >= 0.5 * len(subs)
