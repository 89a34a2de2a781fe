from unspin.findings import Finding, Suggestion
from unspin.screening import screen


def _finding(text, start, kind, best="x"):
    return Finding(start, start + len(text), text, 0.9, (Suggestion(best, 0.9, ""),), "", kind)


def test_counts_distinct_phrases_density_and_most_frequent():
    text = "word " * 200
    findings = [_finding("Irregular woodland", 0, "phrase", "random forest"),
                _finding("irregular  woodland", 30, "phrase", "random forest"),
                _finding("bosom peril", 60, "fingerprint", "breast cancer"),
                _finding("helium", 90, "spun-word", "he")]
    s = screen(text, findings)
    assert (s.phrases, s.occurrences, s.words, s.per_1k_words, s.verdict) == (2, 3, 200, 15.0, "pass")
    assert s.most_frequent[0] == ("irregular woodland", "random forest", 2)
    assert s.as_json()["most_frequent"][1] == {"phrase": "bosom peril", "expected": "breast cancer", "count": 1}


def test_verdict_flags_at_the_screeners_threshold():
    phrases = ["a b", "c d", "e f", "g h", "i j"]
    findings = [_finding(p, 4 * k, "phrase") for k, p in enumerate(phrases)]
    assert screen("text " * 50, findings).verdict == "flag"
    assert screen("text " * 50, findings[:4]).verdict == "pass"
    assert screen("text " * 50, findings[:4], threshold=4).verdict == "flag"


def test_empty_text():
    s = screen("", [])
    assert (s.phrases, s.words, s.per_1k_words, s.verdict) == (0, 0, 0.0, "pass")


def test_check_json_carries_the_screening_summary(tmp_path):
    import json
    import subprocess
    import sys

    listed = tmp_path / "list.tsv"
    listed.write_text("bosom peril\tbreast cancer\nirregular woodland\trandom forest\n", encoding="utf-8")
    paper = tmp_path / "paper.txt"
    paper.write_text("Bosom peril is common. An irregular woodland predicts bosom peril.\n", encoding="utf-8")
    r = subprocess.run([sys.executable, "-m", "unspin.cli", "check", "--format", "json",
                        "--fingerprints", str(listed), str(paper)], capture_output=True, text=True)
    entry = json.loads(r.stdout)["files"][0]
    assert len(entry["findings"]) == 3
    s = entry["screening"]
    assert (s["phrases"], s["occurrences"], s["verdict"], s["threshold"]) == (2, 3, "pass", 5)
    assert s["most_frequent"][0] == {"phrase": "bosom peril", "expected": "breast cancer", "count": 2}
