import json
import os
import subprocess
import sys

import pytest
from conftest import CLEAN, SPUN


def run(*args, stdin=None):
    return subprocess.run([sys.executable, "-m", "unspin.cli", *args], capture_output=True, text=True,
                          input=stdin)


@pytest.fixture
def files(tmp_path):
    spun = tmp_path / "spun.txt"
    spun.write_text("Heading\n" + SPUN + "\n", encoding="utf-8")
    clean = tmp_path / "clean.txt"
    clean.write_text(CLEAN, encoding="utf-8")
    return spun, clean


def test_check_text_format_and_exit_codes(files):
    spun, clean = files
    r = run("check", str(spun))
    assert r.returncode == 1
    assert f"{spun}:2:" in r.stdout and "'helium' may be a spun substitute for 'he'" in r.stdout
    assert run("check", str(clean)).returncode == 0


def test_json_contract(files):
    spun, clean = files
    r = run("check", "--format", "json", str(spun), str(clean))
    out = json.loads(r.stdout)
    assert [f["path"] for f in out["files"]] == [str(spun), str(clean)]
    text = spun.read_text(encoding="utf-8")
    findings = out["files"][0]["findings"]
    assert findings and out["files"][1]["findings"] == []
    lines = text.split("\n")
    for f in findings:
        assert {"line", "character", "end_line", "end_character", "offset", "length", "text", "suggestions",
                "confidence", "kind"} <= set(f)
        assert text[f["offset"]:f["offset"] + f["length"]] == f["text"]
        assert lines[f["line"]][f["character"]:f["end_character"]] == f["text"]
        assert f["kind"] == "spun-word" and 0 < f["confidence"] <= 1


def test_stdin(files):
    r = run("check", "--format", "json", "-", stdin=SPUN)
    assert r.returncode == 1 and json.loads(r.stdout)["files"][0]["path"] == "-"


def test_fix_prints_restored_text_and_keeps_case(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes("Helium volition not beryllium able to come,\r\n  officials said.\r\n".encode())
    r = subprocess.run([sys.executable, "-m", "unspin.cli", "fix", str(p)], capture_output=True)
    assert r.stdout == "He will not be able to come,\r\n  officials said.\r\n".encode()


def test_fix_in_place_and_diff(tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(SPUN, encoding="utf-8")
    d = run("fix", "--diff", str(p))
    assert d.stdout.startswith("---") and "+Officials said he will not be able" in d.stdout
    assert p.read_text(encoding="utf-8") == SPUN
    assert run("fix", "--in-place", str(p)).returncode == 1
    assert "he will not be able" in p.read_text(encoding="utf-8")
    assert not list(tmp_path.glob(".*unspin-tmp"))


@pytest.mark.parametrize("content, message", [
    (b"\xff\xfe\x00bad", "binary file"),
    (b"caf\xe9 ok", "not UTF-8"),
])
def test_bad_files_are_reported_and_others_still_checked(tmp_path, files, content, message):
    bad = tmp_path / "bad.bin"
    bad.write_bytes(content)
    spun, _ = files
    r = run("check", "--format", "json", str(bad), str(spun))
    assert r.returncode == 2
    assert message in r.stderr and str(bad) in r.stderr and "Traceback" not in r.stderr
    out = json.loads(r.stdout)
    assert out["files"][0]["findings"] == [] and out["files"][1]["findings"]


def test_missing_directory_empty_and_huge(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    r = run("check", str(tmp_path / "nope.txt"), str(tmp_path), str(huge), str(empty))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "no such file" in r.stderr and "is a directory" in r.stderr and "too large" in r.stderr
    assert run("check", str(empty)).returncode == 0


def test_fix_failure_leaves_input_untouched(tmp_path):
    p = tmp_path / "a.txt"
    p.write_bytes(b"caf\xe9 helium")
    r = run("fix", "--in-place", str(p))
    assert r.returncode == 2 and p.read_bytes() == b"caf\xe9 helium"


def test_usage_errors():
    assert run("check").returncode == 2
    assert run("check", "--threshold", "7", "x").returncode == 2
    assert run("frobnicate").returncode == 2


@pytest.mark.skipif(not os.path.isdir(os.path.join(os.path.dirname(__file__), "..", "..", "shared", "eval", "dev")),
                    reason="../shared/eval/dev is not present")
def test_dev_figures_do_not_regress():
    """The figures reached on the development data (see README); they must not silently fall."""
    root = os.path.join(os.path.dirname(__file__), "..", "..", "shared", "eval")
    r = subprocess.run([sys.executable, os.path.join(root, "score.py"), "--json",
                        "--cmd", f"{sys.executable} -m unspin.cli check --format json", os.path.join(root, "dev")],
                       capture_output=True, text=True)
    figures = json.loads(r.stdout.strip().splitlines()[-1])
    assert figures["spun"]["f1"] >= 0.93
    assert figures["spun"]["restore"] >= 0.85
    assert figures["clean"]["alarms_per_1k_words"] <= 0.1
