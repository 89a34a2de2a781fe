"""Phase 2's word re-ranking (``refine_words``; ``refine`` adds the phrase pass, tested with it) with a
stand-in scorer, and with the real model where installed."""
from __future__ import annotations

from dataclasses import replace

import pytest

from unspin import refine as refine_module
from unspin.engine import Cancelled
from unspin.findings import Finding, Suggestion
from unspin.neural import Request
from unspin.refine import Scored, Weights, judged, refine_words


class FakeScorer:
    """Scores an alternative by a fixed table; records what it was asked."""

    def __init__(self, table: dict[str, float]) -> None:
        self.table = table
        self.requests: list[Request] = []

    def score_many(self, requests, interrupt=None, whole=True):
        if interrupt is not None:
            interrupt()
        self.requests.extend(requests)
        return [[self.table.get(a, -10.0) for a in r.alternatives] for r in requests]


def finding(text: str, word: str, suggestions: list[tuple[str, float]], nth: int = 0) -> Finding:
    start = -1
    for _ in range(nth + 1):
        start = text.index(word, start + 1)
    return Finding(start, start + len(word), word, 0.7,
                   tuple(Suggestion(s, p, f"'{word}' is a synonym of '{s}'") for s, p in suggestions),
                   "the trigram model says so")


TEXT = "They can not hold to a new date. The talks went on."


def test_the_neural_model_reorders_close_suggestions_and_keeps_their_mass():
    f = finding(TEXT, "hold", [("have", 0.5), ("agree", 0.4), ("wait", 0.001)])
    out = refine_words(TEXT, [f], scorer=FakeScorer({"have": -12.0, "agree": -10.0, "hold": -11.0}))[0]
    assert [s.text for s in out.suggestions] == ["agree", "have", "wait"]
    assert sum(s.probability for s in out.suggestions) == pytest.approx(sum(s.probability for s in f.suggestions))
    assert out.suggestions[0].relation == "'hold' is a synonym of 'agree'"
    assert (out.start, out.end) == (f.start, f.end)
    assert out.evidence.startswith("the trigram model says so; SmolLM2: 'agree' 10 times likelier than 'hold'")


def test_a_far_weaker_suggestion_is_not_moved_ahead():
    f = finding(TEXT, "hold", [("have", 0.9), ("wait", 0.001)])
    out = refine_words(TEXT, [f], scorer=FakeScorer({"wait": 0.0, "have": -9.0, "hold": -12.0}))[0]
    assert [s.text for s in out.suggestions] == ["have", "wait"]


def test_the_model_withdraws_a_finding_it_reads_as_written():
    f = finding(TEXT, "hold", [("have", 0.5), ("agree", 0.4)])
    assert refine_words(TEXT, [f], scorer=FakeScorer({"hold": -9.0, "have": -10.0, "agree": -11.0})) == []


def test_the_model_confirms_a_finding_put_to_it_for_review():
    f = replace(finding(TEXT, "hold", [("have", 0.5), ("agree", 0.4)]), confidence=0.2)
    out = refine_words(TEXT, [f], scorer=FakeScorer({"hold": -14.0, "have": -12.0, "agree": -10.0}))
    assert [o.best for o in out] == ["agree"]
    assert out[0].confidence > 0.5
    weaker = refine_words(TEXT, [f], scorer=FakeScorer({"hold": -14.0, "have": -12.0, "agree": -10.0}), threshold=0.9)
    assert weaker == []


def test_the_judged_confidence_grows_with_the_models_preference_up_to_a_cap():
    f = finding(TEXT, "hold", [("agree", 0.9)])
    lifts = [0.0, 1.0, 2.0, 4.0, 6.0]
    confidence = [judged(Scored(f, (-10.0 + lift,), -10.0)) for lift in lifts]
    assert confidence == sorted(confidence) and confidence[0] < f.confidence < confidence[-1]
    assert confidence[-1] == confidence[-2]


def test_each_finding_is_read_with_the_others_restored():
    f1 = finding(TEXT, "hold", [("have", 0.5), ("agree", 0.4)])
    f2 = finding(TEXT, "new", [("fresh", 0.5), ("novel", 0.4)])
    f3 = finding(TEXT, "talks", [("chats", 0.5), ("meetings", 0.4)])
    fake = FakeScorer({})
    refine_words(TEXT, [f1, f2, f3], scorer=fake)
    texts = {r.text[r.start:r.end]: r for r in fake.requests}
    assert texts["fresh"].text == "They can not have to a fresh date."
    assert texts["fresh"].alternatives == ("fresh", "novel", "new")  # the observed word last
    assert texts["chats"].text == "The talks went on.".replace("talks", "chats")


def test_an_edit_rescores_only_the_changed_sentence():
    f1 = finding(TEXT, "hold", [("have", 0.5), ("agree", 0.4)])
    f2 = finding(TEXT, "talks", [("chats", 0.5), ("meetings", 0.4)])
    fake = FakeScorer({})
    refine_words(TEXT, [f1, f2], scorer=fake)
    edited = TEXT.replace("went on", "went on and on")
    f2b = finding(edited, "talks", [("chats", 0.5), ("meetings", 0.4)])
    fake.requests.clear()
    refine_words(edited, [f1, f2b], scorer=fake)
    assert [r.text for r in fake.requests] == ["The chats went on and on."]


def test_no_findings_cost_nothing(monkeypatch):
    monkeypatch.setattr(refine_module, "shared_scorer", lambda: pytest.fail("the model was loaded"))
    assert refine_words("Clean prose stays clean.", []) == []


def test_without_the_model_findings_come_back_unchanged(monkeypatch):
    monkeypatch.setattr(refine_module, "shared_scorer", lambda: None)
    f = finding(TEXT, "hold", [("have", 0.5), ("agree", 0.4)])
    assert refine_words(TEXT, [f]) == [f]


def test_a_cancelled_refinement_raises():
    f = finding(TEXT, "hold", [("have", 0.5), ("agree", 0.4)])
    with pytest.raises(Cancelled):
        refine_words(TEXT, [f], cancelled=lambda: True, scorer=FakeScorer({}))
    calls = iter([False, False, True])
    with pytest.raises(Cancelled):  # during the model's passes
        refine_words(TEXT, [f], cancelled=lambda: next(calls), scorer=FakeScorer({}))


@pytest.fixture(scope="module")
def scorer(neural_scorer):
    return neural_scorer


def test_smollm2_prefers_the_original_over_the_commoner_word(scorer):
    text = "The two sides could not hold to a new date for the talks."
    f = finding(text, "hold", [("have", 0.6), ("agree", 0.3)])
    out = refine_words(text, [f], scorer=scorer)[0]
    assert out.best == "agree"
    assert "SmolLM2: 'agree'" in out.evidence


def test_smollm2_reads_plain_prose(scorer):
    # a well-formed sentence scores far above the same words shuffled
    good = scorer.sentence_logprob("The committee met on Tuesday to review the budget.")
    bad = scorer.sentence_logprob("Budget the Tuesday review on met to committee the.")
    assert good > bad + 5


def test_every_occurrence_of_a_word_adds_its_evidence():
    text = "We heard the request. The request was clear. They made a request."
    fs = [finding(text, "request", [("claim", 0.5), ("demand", 0.45)], nth=i) for i in range(3)]

    class Split(FakeScorer):
        """'demand' clearly better twice, 'claim' slightly better once."""

        def score_many(self, requests, interrupt=None, whole=True):
            self.requests.extend(requests)
            return [[-10.0, -10.5, -12.0] if "was clear" in r.text else [-12.0, -10.0, -12.0] for r in requests]

    out = refine_words(text, fs, scorer=Split({}), weights=Weights(pool=True))
    assert [f.best for f in out] == ["demand", "demand", "demand"]
    alone = refine_words(text, fs, scorer=Split({}), weights=Weights(pool=False))
    assert [f.best for f in alone] == ["demand", "claim", "demand"]


def test_the_command_line_refines_unless_told_trigram(monkeypatch, tmp_path, capsys):
    from unspin import checking, cli
    calls = []
    name = "refine_words" if hasattr(checking, "refine_words") else "refine"
    monkeypatch.setattr(checking, name, lambda text, found, cancelled=None, **_: calls.append(len(found)) or found)
    monkeypatch.setattr(refine_module, "shared_scorer", lambda: object())
    spun = tmp_path / "spun.txt"
    spun.write_text("Officials said helium volition not beryllium able to attend the meeting, "
                    "and they tin not hold connected a caller date oregon time.\n", encoding="utf-8")
    assert cli.main(["check", "--progress", "never", "--model", "trigram", str(spun)]) == 1
    assert calls == []
    assert cli.main(["check", "--progress", "never", str(spun)]) == 1
    assert calls and calls[0] > 0
    capsys.readouterr()


def test_findings_whose_windows_overlap_are_read_in_one_text():
    words = [f"w{i}" for i in range(60)]
    text = " ".join(words) + "."
    near1 = finding(text, "w20", [("a", 0.5), ("b", 0.4)])
    near2 = finding(text, "w24", [("c", 0.5), ("d", 0.4)])  # its 12 words reach back past w20
    far = finding(text, "w50", [("e", 0.5), ("f", 0.4)])  # 12 words back stop after w24
    fake = FakeScorer({})
    refine_words(text, [near1, near2, far], scorer=fake)
    by_best = {r.alternatives[0]: r for r in fake.requests}
    assert by_best["a"].text == by_best["c"].text  # one text: the model reads its start once
    assert by_best["a"].text.startswith("w8 ")  # 12 words before the first
    assert by_best["c"].text[by_best["c"].start:by_best["c"].end] == "c"
    assert by_best["e"].text.startswith("w38 ")  # its own 12 words
    fake.requests.clear()
    refine_words(text, [near1, near2, far], scorer=fake, weights=Weights(share=False))
    assert {r.alternatives[0]: r for r in fake.requests}["c"].text.startswith("w12 ")


def test_a_finding_the_engine_is_sure_of_is_only_reranked_and_only_with_rivals():
    sure = replace(finding(TEXT, "hold", [("have", 0.5), ("agree", 0.4)]), confidence=0.95)
    alone = replace(finding(TEXT, "new", [("fresh", 0.9), ("novel", 0.01)]), confidence=0.95)
    fake = FakeScorer({"hold": -5.0, "have": -12.0, "agree": -10.0})
    out = refine_words(TEXT, [sure, alone], scorer=fake)
    assert [(f.text, f.confidence) for f in out] == [("hold", 0.95), ("new", 0.95)]  # not withdrawn
    assert out[0].best == "agree" and out[1] == alone
    assert [r.alternatives for r in fake.requests] == [("have", "agree")]  # the text as written is not asked


def test_suggestions_far_below_the_best_are_not_put_to_the_model():
    f = finding(TEXT, "hold", [("have", 0.8), ("agree", 0.1), ("wait", 0.001)])
    fake = FakeScorer({})
    refine_words(TEXT, [f], scorer=fake, weights=Weights(weigh=0.1))
    assert [r.alternatives for r in fake.requests] == [("have", "agree", "hold")]


def test_a_finding_not_judged_has_no_lift():
    f = finding(TEXT, "hold", [("have", 0.5), ("agree", 0.4)])
    with pytest.raises(ValueError):
        judged(Scored(f, (-10.0, -11.0), None))
