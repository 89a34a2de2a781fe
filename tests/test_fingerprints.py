import json
import subprocess
import sys


import pytest
from unspin.fingerprints import FingerprintError, load_fingerprints, parse_fingerprints

PPS_CSV = (
    '"Fingerprint - Tortured Phrase","Expected Text","Nb. of papers"\n'
    '"counterfeit consciousness","artificial intelligence","1200"\n'
    '"bolster vector machine","support vector machine","800"\n'
    '"irregular woodland","random forest","300"\n'
    '"profound learning","deep learning; deep-learning","50"\n'
)
TSV = "tortured\texpected\nmean square blunder\tmean square error\nbosom peril\tbreast cancer\n"


def test_pps_csv_matches_case_blind_across_line_breaks_and_inflections():
    fps = parse_fingerprints(PPS_CSV, "pps.csv")
    assert len(fps) == 4
    text = ("We trained Bolster Vector\nMachines and an irregular-woodland model; "
            "COUNTERFEIT consciousness helps.")
    found = fps.find(text)
    assert [(f.text, f.best, f.kind) for f in found] == [
        ("Bolster Vector\nMachines", "Support vector machines", "fingerprint"),
        ("irregular-woodland", "random forest", "fingerprint"),
        ("COUNTERFEIT consciousness", "Artificial intelligence", "fingerprint"),
    ]
    assert all(text[f.start:f.end] == f.text for f in found)
    assert "pps.csv" in found[0].evidence


def test_several_expected_terms_become_ranked_suggestions():
    f, = parse_fingerprints(PPS_CSV, "pps.csv").find("profound learning works")
    assert [s.text for s in f.suggestions] == ["deep learning", "deep-learning"]


def test_plain_tsv_with_or_without_header(tmp_path):
    p = tmp_path / "list.tsv"
    p.write_text(TSV, encoding="utf-8")
    fps = load_fingerprints(p)
    found = fps.find("The mean square blunders fell; bosom perils rose.")
    assert [f.best for f in found] == ["mean square errors", "breast cancers"]
    p.write_text("bosom peril\tbreast cancer\n", encoding="utf-8")
    assert [f.best for f in load_fingerprints(p).find("bosom peril")] == ["breast cancer"]


def test_no_match_inside_other_words_or_across_sentences_punctuation():
    fps = parse_fingerprints(TSV)
    assert fps.find("a bosomy peril") == []
    assert fps.find("the bosom, peril") == []


def test_bad_files_say_what_is_wrong(tmp_path):
    with pytest.raises(FingerprintError, match="missing.tsv"):
        load_fingerprints(tmp_path / "missing.tsv")
    bad = tmp_path / "bad.csv"
    bad.write_text("a,b,c\n1,2,3\n", encoding="utf-8")
    with pytest.raises(FingerprintError, match="Fingerprint - Tortured Phrase"):
        load_fingerprints(bad)
    empty = tmp_path / "empty.tsv"
    empty.write_text("\n\n", encoding="utf-8")
    with pytest.raises(FingerprintError, match="no fingerprints"):
        load_fingerprints(empty)
    binary = tmp_path / "bin.tsv"
    binary.write_bytes(b"\xff\xfe\x00bad")
    with pytest.raises(FingerprintError, match="cannot read"):
        load_fingerprints(binary)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "unspin.cli", *args], capture_output=True, text=True)


def test_check_fingerprints_option_reports_listed_phrases_with_their_kind(tmp_path):
    listed = tmp_path / "pps.csv"
    listed.write_text(PPS_CSV, encoding="utf-8")
    paper = tmp_path / "paper.txt"
    paper.write_text("We compare an irregular\nwoodland with a bolster vector machine.\n", encoding="utf-8")
    r = _cli("check", "--format", "json", "--fingerprints", str(listed), str(paper))
    assert r.returncode == 1, r.stderr
    found = json.loads(r.stdout)["files"][0]["findings"]
    assert [(f["text"], f["suggestions"][0], f["kind"]) for f in found] == [
        ("irregular\nwoodland", "random forest", "fingerprint"),
        ("bolster vector machine", "support vector machine", "fingerprint")]


def test_check_with_an_unreadable_fingerprint_list_says_so(tmp_path):
    paper = tmp_path / "paper.txt"
    paper.write_text("Fine text.\n", encoding="utf-8")
    r = _cli("check", "--fingerprints", str(tmp_path / "nope.csv"), str(paper))
    assert r.returncode == 2 and "nope.csv" in r.stderr
