import json
import os
import signal
import subprocess
import sys
import time
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

import pytest
from conftest import CLEAN, SPUN
from unspin.checking import Checker
from unspin.corpus_inputs import PDF_POSITIONS, sources
from unspin.scan import InlineRunner, ScanOptions, read_records, run, scan_source


OPTIONS = ScanOptions(Checker(None, model="trigram"))  # the neural re-ranking has tests of its own


def scan_cli(*args, **kw):
    return subprocess.run([sys.executable, "-m", "unspin.cli", "scan", "--model", "trigram", *args], check=False,
                          capture_output=True, text=True, **kw)


def minimal_pdf(lines: list[str]) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (Helvetica, one line each)."""
    text = " ".join(f"({line}) Tj T*" for line in lines)
    stream = f"BT /F1 11 Tf 14 TL 72 720 Td {text} ET".encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        (b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        b"/Resources << /Font << /F1 5 0 R >> >> >>"),
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % off for off in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


@pytest.fixture
def corpus(tmp_path):
    root = tmp_path / "corpus"
    (root / "sub").mkdir(parents=True)
    (root / ".hidden").mkdir()
    (root / "a-spun.txt").write_text(SPUN + "\n", encoding="utf-8")
    (root / "sub" / "clean.md").write_text("# Budget\n\n" + CLEAN + "\n\n```\nhelium volition beryllium\n```\n",
                                           encoding="utf-8")
    (root / "sub" / "ignored.png").write_bytes(b"\x89PNG\0\0")
    (root / ".hidden" / "x.txt").write_text(SPUN, encoding="utf-8")
    (root / "paper.pdf").write_bytes(minimal_pdf(["Officials said helium volition not beryllium able to",
                                                  "attend the meeting, and they tin not hold connected a caller",
                                                  "date oregon time."]))
    (root / "broken.pdf").write_bytes(b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R")
    (root / "binary.txt").write_bytes(bytes(range(256)) * 4)
    with open(root / "huge.txt", "wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # 50 MB, sparse
    (root / "records.jsonl").write_text(
        json.dumps({"id": "j1", "text": SPUN}) + "\n"
        + "{not json\n"
        + json.dumps({"id": 2, "text": CLEAN}) + "\n"
        + "\n"
        + json.dumps({"id": "j1", "text": "a repeated id"}) + "\n"
        + json.dumps({"id": "j3", "text": 7}) + "\n",
        encoding="utf-8")
    return root


def by_id(records):
    return {r["id"]: r for r in records}


def test_listing_is_recursive_sorted_and_names_problems(corpus, tmp_path):
    listed = list(sources([str(corpus), str(tmp_path / "missing.txt"), str(corpus / "sub" / "*.md"),
                           str(tmp_path / "nothing*.txt")]))
    ids = [s.id for s in listed]
    root = str(corpus)
    assert ids[:5] == [f"{root}/a-spun.txt", f"{root}/binary.txt", f"{root}/broken.pdf", f"{root}/huge.txt",
                       f"{root}/paper.pdf"]
    assert ids[5:10] == ["j1", f"{root}/records.jsonl:2", "2", f"{root}/records.jsonl:5", "j3"]
    assert ids[10] == f"{root}/sub/clean.md"
    assert not any("hidden" in i or i.endswith(".png") for i in ids)  # hidden folders, unknown extensions skipped
    errors = {s.id: s.error for s in listed if s.error}
    assert "duplicate id 'j1'" in errors[f"{root}/records.jsonl:5"]
    assert "not a JSON line" in errors[f"{root}/records.jsonl:2"]
    assert '"text" must be a string' in errors["j3"]
    assert "no file matches" in errors[str(tmp_path / "nothing*.txt")]
    # the glob matched a file already listed under its directory: one document, reported once
    assert ids.count(f"{root}/sub/clean.md") == 1 and "duplicate id" in listed[-2].error
    assert listed[-3].id == str(tmp_path / "missing.txt") and not listed[-3].error  # reading it will say why


def test_scan_records_every_document_and_goes_on_after_bad_ones(corpus, tmp_path):
    out = tmp_path / "results.jsonl"
    summary = run(sources([str(corpus)]), out, InlineRunner(OPTIONS), progress=False)
    records = by_id(read_records(out))
    root = str(corpus)
    assert summary.scanned == summary.listed == len(records) == 11
    spun = records[f"{root}/a-spun.txt"]
    assert spun["verdict"] == "spun" and spun["spin_score"] > 0.5 and spun["findings"] >= 3
    assert spun["words"] == len(SPUN.split()) and spun["density"] == round(1000 * spun["findings"] / spun["words"], 2)
    assert spun["tortured_phrases"] == 0 and spun["screening"]["verdict"] == "pass"
    first = spun["top_findings"][0]
    assert {"offset", "length", "text", "suggestions", "confidence", "kind", "line", "character"} <= set(first)
    text = SPUN + "\n"
    assert any(f["text"] == "helium" and f["suggestions"][0] == "he" for f in spun["top_findings"])
    assert len(spun["spans"]) == spun["findings"] and all(text[o:o + n].isalpha() for o, n, _ in spun["spans"])
    clean = records[f"{root}/sub/clean.md"]
    assert clean["verdict"] == "clean" and clean["findings"] == 0 and clean["markup"] == "markdown"  # code fence
    pdf = records[f"{root}/paper.pdf"]
    assert pdf["verdict"] == "spun" and pdf["positions"] == PDF_POSITIONS
    assert any(f["text"] == "helium" for f in pdf["top_findings"])
    assert records["j1"]["verdict"] == "spun" and records["j1"]["line"] == 1
    assert records["2"]["verdict"] == "clean"
    errors = {k: r["error"] for k, r in records.items() if r["verdict"] == "error"}
    assert "binary file" in errors[f"{root}/binary.txt"]
    assert "unreadable PDF" in errors[f"{root}/broken.pdf"]
    assert "too large" in errors[f"{root}/huge.txt"]
    assert len(errors) == 6


def test_rerun_skips_finished_ids_and_repairs_a_torn_last_line(corpus, tmp_path):
    out = tmp_path / "results.jsonl"
    run(sources([str(corpus / "a-spun.txt"), str(corpus / "records.jsonl")]), out, InlineRunner(OPTIONS),
        progress=False)
    before = out.read_text(encoding="utf-8")
    with open(out, "a", encoding="utf-8") as fh:
        fh.write('{"id": "half-writ')  # killed mid-line
    summary = run(sources([str(corpus / "a-spun.txt"), str(corpus / "records.jsonl"), str(corpus / "sub")]),
                  out, InlineRunner(OPTIONS), progress=False)
    assert summary.skipped == 6 and summary.scanned == 1
    after = out.read_text(encoding="utf-8")
    assert after.startswith(before) and "half-writ" not in after and len(read_records(out)) == 7


def test_a_file_that_is_not_scan_output_is_refused_untouched(tmp_path, corpus):
    out = tmp_path / "notes.txt"
    out.write_text("my notes\nmore\n", encoding="utf-8")
    r = scan_cli(str(corpus / "a-spun.txt"), "--out", str(out))
    assert r.returncode == 2 and "not a scan record" in r.stderr
    assert out.read_text(encoding="utf-8") == "my notes\nmore\n"


def test_cli_exit_status_progress_and_summary(corpus, tmp_path):
    out = tmp_path / "r.jsonl"
    r = scan_cli(str(corpus / "a-spun.txt"), str(corpus / "sub"), "--out", str(out), "--progress", "always", "--jobs",
                 "1")
    assert r.returncode == 1, r.stderr
    assert "doc/s" in r.stderr and "scanned 2 of 2 documents" in r.stderr
    r = scan_cli(str(corpus / "sub"), "--out", str(tmp_path / "clean.jsonl"), "--progress", "never")
    assert r.returncode == 0 and "doc/s" not in r.stderr
    r = scan_cli(str(corpus / "binary.txt"), "--out", str(tmp_path / "bad.jsonl"))
    assert r.returncode == 2


def write_corpus(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        for i in range(n):
            text = SPUN if i % 100 == 0 else f"Item {i}."  # mostly texts with nothing to weigh: quick
            fh.write(json.dumps({"id": f"doc-{i:04d}", "text": text}) + "\n")


def test_killed_halfway_then_rerun_gives_every_document_exactly_once(tmp_path):
    corpus, out = tmp_path / "c.jsonl", tmp_path / "out.jsonl"
    write_corpus(corpus, 1000)
    args = [sys.executable, "-m", "unspin.cli", "scan", str(corpus), "--out", str(out), "--jobs", "2", "--model",
            "trigram"]
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 300
        while proc.poll() is None and time.monotonic() < deadline:
            if out.exists() and out.read_bytes().count(b"\n") >= 400:
                break
            time.sleep(0.05)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait()
    assert proc.returncode == -signal.SIGKILL, "the scan ended before it could be killed"
    done = out.read_bytes().count(b"\n")
    assert 400 <= done < 1000
    r = subprocess.run(args, check=False, capture_output=True, text=True)
    assert r.returncode in (0, 1), r.stderr
    ids = [rec["id"] for rec in read_records(out)]
    assert len(ids) == 1000 and set(ids) == {f"doc-{i:04d}" for i in range(1000)}
    assert f"scanned {1000 - done} of 1000 documents" in r.stderr and f"{done} already done" in r.stderr


def test_runs_are_deterministic_and_dask_local_cluster_gives_the_same_records(corpus, tmp_path):
    pytest.importorskip("dask.distributed")
    from unspin.scan_cluster import DaskRunner

    paths = [str(corpus)]
    local = tmp_path / "local.jsonl"
    run(sources(paths), local, InlineRunner(OPTIONS), progress=False)
    pooled = tmp_path / "pool.jsonl"
    r = scan_cli(*paths, "--out", str(pooled), "--jobs", "2")
    assert r.returncode == 2, r.stderr
    assert pooled.read_bytes() == local.read_bytes()
    dask_out, remote_out = tmp_path / "dask.jsonl", tmp_path / "remote.jsonl"
    runner = DaskRunner(OPTIONS, workers=2)  # what --workers 2 starts
    try:
        run(sources(paths), dask_out, runner, progress=False)
        r = scan_cli(*paths, "--out", str(remote_out), "--scheduler", runner.client.scheduler.address)
    finally:
        runner.close()
    assert dask_out.read_bytes() == local.read_bytes()
    assert r.returncode == 2, r.stderr
    assert remote_out.read_bytes() == local.read_bytes()


def test_standard_input_is_read_as_jsonl(tmp_path):
    out = tmp_path / "out.jsonl"
    lines = json.dumps({"id": "a", "text": SPUN}) + "\n" + json.dumps({"id": "b", "text": CLEAN}) + "\n"
    r = scan_cli("-", "--out", str(out), input=lines)
    assert r.returncode == 1, r.stderr
    assert [(rec["id"], rec["verdict"]) for rec in read_records(out)] == [("a", "spun"), ("b", "clean")]


class DyingRunner:
    """Its worker dies on document "b" once, taking what was in flight with it, as a killed pool does."""

    slots = 3

    def __init__(self):
        self.restarts = 0

    def submit(self, source):
        fut = Future()
        if source.id == "b" and not self.restarts:
            fut.set_exception(BrokenProcessPool("a worker was killed"))
        else:
            fut.set_result(scan_source(source, OPTIONS))
        return fut

    def recover(self, error):
        self.restarts += 1
        return True


def test_a_dead_worker_costs_a_transient_record_that_a_rerun_retries(tmp_path):
    corpus, out = tmp_path / "c.jsonl", tmp_path / "out.jsonl"
    corpus.write_text("".join(json.dumps({"id": i, "text": SPUN}) + "\n" for i in "abc"), encoding="utf-8")
    summary = run(sources([str(corpus)]), out, DyingRunner(), progress=False)
    first = read_records(out)
    assert [r["id"] for r in first] == ["a", "b", "c"] and summary.errors == 1
    assert first[1]["transient"] and "worker" in first[1]["error"] and first[2]["verdict"] == "spun"
    summary = run(sources([str(corpus)]), out, InlineRunner(OPTIONS), progress=False)
    assert summary.skipped == 2 and summary.scanned == 1
    assert [(r["id"], r["verdict"]) for r in read_records(out)][3:] == [("b", "spun")]
