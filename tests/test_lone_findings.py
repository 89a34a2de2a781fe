"""A single strong substitution in otherwise clean text is reported on its own evidence (issue 12):
"glucinium" for *be* in a page of Austen, which the whole-document and section tests judge clean."""
from __future__ import annotations

from pathlib import Path

import pytest

EMMA = Path(__file__).resolve().parents[1] / "benchmarks" / "corpus" / "fiction-19c" / "austen-emma.txt"


@pytest.fixture(scope="module")
def page() -> str:
    return EMMA.read_text(encoding="utf-8")[:6000]


def test_a_lone_sense_wrong_neighbour_is_reported_in_clean_text(engine, page):
    at = page.index(" would be felt ") + len(" would ")
    spun = page[:at] + "glucinium" + page[at + len("be"):]
    found = engine.analyze(spun)
    assert [(f.text, f.best) for f in found] == [("glucinium", "be")]
    assert spun[found[0].start:found[0].end] == "glucinium"
    assert "alone" in found[0].evidence


def test_the_clean_page_stays_quiet(engine, page):
    assert engine.analyze(page) == []
