"""Which texts the tortured-phrase pass reads by default: research writing, not general prose."""
from __future__ import annotations

from pathlib import Path

import pytest
from unspin import checking
from unspin.checking import Checker
from unspin.engine import EngineSettings
from unspin.register import reads_phrases, scientific

CORPUS = Path(__file__).resolve().parents[1] / "benchmarks" / "corpus"
ABSTRACT = ("Deep neural networks have shown strong performance on many tasks. In this paper we propose a "
            "framework for estimating uncertainty, and we evaluate it on two datasets. Our experiments "
            "demonstrate that the proposed method outperforms the baselines.")
CLINICAL = ("Patients with type 2 diabetes were enrolled in a randomised study. Treatment significantly "
            "reduced blood glucose compared with placebo, and no serious adverse events were observed.")
NEWS = ("The mayor said on Tuesday that the bridge would reopen next month, after repairs that took longer "
        "than the city had hoped. Drivers have been using a ferry in the meantime.")


@pytest.mark.parametrize("text", [ABSTRACT, CLINICAL])
def test_abstracts_read_as_research_writing(text):
    assert scientific(text)


@pytest.mark.parametrize("text", [NEWS, "We propose."])
def test_general_prose_and_scraps_do_not(text):
    assert not scientific(text)


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*/*.txt")), ids=lambda p: p.name)
def test_old_fiction_drama_and_law_do_not(path):
    assert not scientific(path.read_text(encoding="utf-8"))


def test_modes():
    assert reads_phrases(ABSTRACT, "auto") and not reads_phrases(NEWS, "auto")
    assert reads_phrases(NEWS, "always") and not reads_phrases(ABSTRACT, "never")


@pytest.mark.parametrize("model, mode, text, read", [
    ("neural", "auto", ABSTRACT, True), ("neural", "auto", NEWS, False), ("trigram", "auto", ABSTRACT, False),
    ("trigram", "always", NEWS, True), ("neural", "never", ABSTRACT, False)])
def test_checker_reads_phrases_in_research_writing_unless_told(monkeypatch, model, mode, text, read):
    asked = []
    monkeypatch.setattr(checking, "find_phrases", lambda prose, found, tick: asked.append(prose) or found)
    monkeypatch.setattr(checking, "refine_words", lambda prose, found, cancelled=None, **_: found)

    class Quiet:
        settings = EngineSettings()

        def analyze(self, text, threshold=None, document=None, refit=False, cancelled=None, review=None):
            return []

        def forget_texts(self):
            pass

    Checker(Quiet(), model=model, phrases=mode).findings(text, "plaintext", checking.allowlist.Allowlist())
    assert asked == ([text] if read else [])


@pytest.mark.parametrize("argv, mode", [
    (["check", "x.txt"], "auto"), (["check", "--phrases", "x.txt"], "always"),
    (["fix", "--no-phrases", "x.txt"], "never"), (["scan", "--phrases", "x.txt", "--out", "o.jsonl"], "always")])
def test_command_line_sets_the_phrase_mode(argv, mode):
    from unspin.cli import checker, parser

    assert checker(parser().parse_args(argv), None).phrases == mode  # type: ignore[arg-type]
