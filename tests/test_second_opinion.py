"""The neural model's second opinion on the engine's findings (issue 13): the engine reports the words
of text judged spun from a lower posterior on (``review``), the model confirms or withdraws them, and
words reported on their own evidence in clean text can only be withdrawn."""
from __future__ import annotations

from pathlib import Path

from conftest import SPUN
from unspin import checking
from unspin import refine as refine_module
from unspin.allowlist import Allowlist
from unspin.checking import Checker
from unspin.engine import Engine, EngineSettings
from unspin.refine import REVIEW, Weights

EMMA = Path(__file__).resolve().parents[1] / "benchmarks" / "corpus" / "fiction-19c" / "austen-emma.txt"


def spans(findings):
    return {(f.start, f.end) for f in findings}


def test_review_adds_less_likely_words_of_spun_text_to_the_findings():
    engine = Engine(EngineSettings(calibrated=False))
    shown, reviewed = engine.analyze(SPUN), engine.analyze(SPUN, review=REVIEW)
    assert spans(shown) < spans(reviewed)
    assert all(f.confidence >= 0.5 for f in shown)
    assert any(REVIEW <= f.confidence < 0.5 for f in reviewed)


def test_review_keeps_words_reported_on_their_own_evidence_to_the_threshold(engine):
    page = EMMA.read_text(encoding="utf-8")[:6000]
    at = page.index(" would be felt ") + len(" would ")
    spun = page[:at] + "glucinium" + page[at + len("be"):]
    assert engine.analyze(spun, review=REVIEW) == engine.analyze(spun)
    assert engine.analyze(spun, threshold=0.999, review=REVIEW) == []


class Prefers:
    """A stand-in neural model that finds every suggestion ``lift`` log10 likelier than the text as written."""

    def __init__(self, lift: float) -> None:
        self.lift = lift

    def score_many(self, requests, interrupt=None, whole=True):
        return [[-10.0 + self.lift] * (len(r.alternatives) - 1) + [-10.0] for r in requests]


def _checked(monkeypatch, lift: float):
    monkeypatch.setattr(refine_module, "shared_scorer", lambda: Prefers(lift))
    return Checker(Engine()).findings(SPUN, "plaintext", Allowlist())


def test_the_checker_shows_what_the_neural_model_confirms(monkeypatch):
    trigram = spans(Checker(Engine(), model="trigram").findings(SPUN, "plaintext", Allowlist()))
    confirmed = spans(_checked(monkeypatch, 4.0))
    assert trigram < confirmed  # words below the engine's own bar, confirmed
    withdrawn = _checked(monkeypatch, -6.0)  # the model reads the text as written
    assert spans(withdrawn) <= trigram  # what the engine alone was not sure of is gone
    assert withdrawn and all(f.confidence >= Weights().sure for f in withdrawn)  # only the sure ones stand


def test_without_the_models_weights_the_checker_shows_the_engines_findings(monkeypatch):
    monkeypatch.setattr(refine_module, "shared_scorer", lambda: None)
    monkeypatch.setattr(checking, "refine_words", lambda *a, **k: [])
    assert Checker(Engine()).findings(SPUN, "plaintext", Allowlist()) == Engine().analyze(SPUN)
