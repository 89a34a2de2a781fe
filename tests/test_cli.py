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
    p.write_bytes(b"Helium volition not beryllium able to come,\r\n  officials said.\r\n")
    r = subprocess.run([sys.executable, "-m", "unspin.cli", "fix", str(p)], capture_output=True)
    assert r.stdout == b"He will not be able to come,\r\n  officials said.\r\n"


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


def test_missing_empty_huge_and_empty_directory(tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    huge = tmp_path / "huge.txt"
    with open(huge, "wb") as fh:
        fh.truncate(50 * 1024 * 1024)
    nothing = tmp_path / "nothing"
    (nothing / "sub").mkdir(parents=True)
    (nothing / "data.bin").write_bytes(b"x")
    r = run("check", str(tmp_path / "nope.txt"), str(nothing), str(huge), str(empty))
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "no such file" in r.stderr and "no prose files" in r.stderr and "too large" in r.stderr
    assert "no findings in 1 file; 2 files not read" in r.stderr
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


# -- in-process runs: one model load for all of them ----------------------------------------------
def cli(capsys, *args):
    """(exit status, stdout, stderr) of ``unspin ARGS`` run in this process."""
    from unspin.cli import main

    status = main(list(args))
    out = capsys.readouterr()
    return status, out.out, out.err


def test_version(capsys):
    from unspin import __version__
    from unspin.cli import main

    with pytest.raises(SystemExit) as e:
        main(["--version"])
    assert e.value.code == 0 and capsys.readouterr().out.strip() == f"unspin {__version__}"


def test_summary_on_stderr_for_text_only(capsys, tmp_path):
    p = tmp_path / "spun.txt"
    p.write_text(SPUN, encoding="utf-8")
    status, out, err = cli(capsys, "check", str(p))
    n = out.count(str(p))
    assert status == 1 and n > 1 and err.strip() == f"{n} findings in 1 file"
    status, out, err = cli(capsys, "check", "--format", "json", str(p))
    assert len(json.loads(out)["files"][0]["findings"]) == n and err == ""


def test_markdown_code_is_neither_flagged_nor_rewritten(capsys, tmp_path):
    code = "```\n" + SPUN + "\n```\n"
    p = tmp_path / "doc.md"
    p.write_text("# Notes\n\n" + code + "\n" + SPUN + "\n", encoding="utf-8")
    status, out, _ = cli(capsys, "check", "--format", "json", str(p))
    findings = json.loads(out)["files"][0]["findings"]
    assert findings and all(f["line"] == 6 for f in findings)
    # the same text read as plain text is flagged in the fence too
    status, out, _ = cli(capsys, "check", "--format", "json", "--language", "plaintext", str(p))
    assert {f["line"] for f in json.loads(out)["files"][0]["findings"]} == {3, 6}
    assert cli(capsys, "fix", "--in-place", str(p))[0] == 1
    fixed = p.read_text(encoding="utf-8")
    assert code in fixed and "Officials said he will not be able" in fixed


def test_markers_and_allowlist(capsys, tmp_path):
    (tmp_path / ".unspin.json").write_text('{"allowlist": ["Beryllium"]}', encoding="utf-8")
    sub = tmp_path / "sub"
    sub.mkdir()
    p = sub / "a.txt"
    p.write_text(f"unspin: ignore-next-line\n{SPUN}\n\n{SPUN}\n", encoding="utf-8")
    status, out, _ = cli(capsys, "check", "--format", "json", str(p))
    found = json.loads(out)["files"][0]["findings"]
    assert found and {f["line"] for f in found} == {3} and "beryllium" not in {f["text"] for f in found}
    status, out, _ = cli(capsys, "check", "--format", "json", "--no-allowlist", str(p))
    assert "beryllium" in {f["text"] for f in json.loads(out)["files"][0]["findings"]}


def test_unusable_allowlist_is_named_and_checking_goes_on(capsys, tmp_path):
    (tmp_path / ".unspin.json").write_text("{not json", encoding="utf-8")
    p = tmp_path / "a.txt"
    p.write_text(SPUN, encoding="utf-8")
    status, out, err = cli(capsys, "check", str(p))
    assert status == 2 and ".unspin.json: not valid JSON" in err and "'helium'" in out


def test_directory_is_searched_for_prose_files(capsys, tmp_path):
    for name in ("b.md", "a.txt", "sub/c.rst", ".hidden/d.txt", "code.py", "sub/.e.txt"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text(SPUN + "\n", encoding="utf-8")
    status, out, _ = cli(capsys, "check", "--format", "json", str(tmp_path), str(tmp_path / "code.py"))
    paths = [f["path"] for f in json.loads(out)["files"]]
    assert paths == [str(tmp_path / n) for n in ("a.txt", "b.md", "sub/c.rst", "code.py")]
    assert status == 1


def test_fix_several_files(capsys, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(SPUN, encoding="utf-8")
    b.write_text(CLEAN, encoding="utf-8")
    status, out, err = cli(capsys, "fix", str(a), str(b))
    assert status == 2 and "--in-place or --diff" in err and a.read_text(encoding="utf-8") == SPUN
    status, out, err = cli(capsys, "fix", "--diff", str(a), str(b))
    assert status == 1 and out.count("+++ ") == 1 and a.read_text(encoding="utf-8") == SPUN
    status, out, err = cli(capsys, "fix", "--in-place", str(a), str(b))
    assert status == 1 and "he will not be able" in a.read_text(encoding="utf-8")
    assert b.read_text(encoding="utf-8") == CLEAN and "restored in 1 file of 2" in err


def test_bom_is_no_column_and_fix_keeps_it(capsys, tmp_path):
    p = tmp_path / "bom.txt"
    p.write_bytes(("\ufeff" + SPUN).encode("utf-8"))
    status, out, _ = cli(capsys, "check", "--format", "json", str(p))
    findings = json.loads(out)["files"][0]["findings"]
    assert findings
    for f in findings:
        assert SPUN[f["offset"]:f["offset"] + f["length"]] == f["text"] and f["character"] == f["offset"]
    status, out, _ = cli(capsys, "check", str(p))
    first = findings[0]
    assert f"{p}:1:{first['character'] + 1}: '{first['text']}'" in out
    assert cli(capsys, "fix", "--in-place", str(p))[0] == 1
    data = p.read_bytes()
    assert data.startswith(b"\xef\xbb\xbfOfficials said he will not") and data.count(b"\xef\xbb\xbf") == 1


def test_progress_bar_goes_to_stderr(capsys, tmp_path):
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    a.write_text(SPUN, encoding="utf-8")
    b.write_text(CLEAN, encoding="utf-8")
    status, out, err = cli(capsys, "check", "--progress", "always", "--format", "json", str(a), str(b))
    assert "2 files:" in err and "%" in err
    assert len(json.loads(out)["files"]) == 2


def test_read_only_file_is_refused_untouched(capsys, tmp_path):
    p = tmp_path / "a.txt"
    p.write_text(SPUN, encoding="utf-8")
    p.chmod(0o444)
    status, out, err = cli(capsys, "fix", "--in-place", str(p))
    assert status == 2 and "read-only" in err and p.read_text(encoding="utf-8") == SPUN
    assert oct(p.stat().st_mode & 0o777) == oct(0o444)
