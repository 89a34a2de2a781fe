"""``unspin scan``: screen a corpus, one JSON record per document, on every core or a Dask cluster.

The output file is the run's memory: records are appended and flushed one by one, so a run killed
at any point loses at most the line being written, and a rerun skips every id already recorded.
Records hold no timings, so two runs over the same corpus write the same records whatever ran them.
"""
from __future__ import annotations

import hashlib
import json
import os
import sys
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from .allowlist import Allowlist, AllowlistError
from .checking import Checker
from .corpus_inputs import Source, load
from .documents import InputError
from .engine import Engine
from .findings import Finding
from .loaded_once import loaded_once
from .markup import prose_view
from .positions import LineIndex
from .reports import finding_json
from .screening import screen

TOP_FINDINGS = 10
VERDICT_RANK = {"spun": 0, "clean": 1, "error": 2}  # how a report orders documents, before their score


@dataclass(frozen=True)
class ScanOptions:
    """How each document is checked (``check``'s options, as a ``Checker`` without its engine: each worker
    process brings its own) and how much of it a record holds."""

    checking: Checker = field(default_factory=lambda: Checker(None))  # type: ignore[arg-type]
    top: int = TOP_FINDINGS  # findings given in full per record (every finding's span is kept)

    @property
    def max_bytes(self) -> int:
        return self.checking.max_bytes


@dataclass
class ScanSummary:
    listed: int = 0
    skipped: int = 0  # already in the output file
    scanned: int = 0
    spun: int = 0
    errors: int = 0
    words: int = 0
    seconds: float = 0.0

    def line(self) -> str:
        rate = f", {self.words / self.seconds:,.0f} words/s" if self.seconds > 0 and self.words else ""
        skipped = f", {self.skipped} already done" if self.skipped else ""
        return (f"scanned {self.scanned} of {self.listed} documents in {self.seconds:.1f} s{rate}: "
                f"{self.spun} spun, {self.errors} errors{skipped}")


# -- one document -----------------------------------------------------------------------------------

worker_engine = loaded_once(Engine)  # one per process: a pool worker or a Dask worker


def scan_source(source: Source, options: ScanOptions) -> dict:
    """The record of one document, checked exactly as ``check`` would; every failure becomes an error record."""
    check = replace(options.checking, engine=worker_engine())
    markup = check.language or source.markup
    warning = ""
    try:
        doc = load(source, options.max_bytes)
        try:
            allowed = check.allowlist_for(source.path)
        except AllowlistError as e:
            allowed, warning = Allowlist(), f"{e}; no words allowed"
        findings = check.findings(doc.text, markup, allowed)
        prose = prose_view(doc.text, markup)
        score = check.engine.channel(prose).doc_probability
    except InputError as e:
        return error_record(source, str(e))
    except Exception as e:  # noqa: BLE001 - an engine bug on one document must not end a long run
        return error_record(source, f"{source.id}: analysis failed ({type(e).__name__}: {e})")
    record = document_record(source, doc.text, prose, findings, score, options.top, doc.positions, markup)
    if warning:
        record["warning"] = warning
    return record


def _where(source: Source) -> dict:
    out: dict[str, Any] = {"id": source.id, "source": source.path}
    if source.line:
        out["line"] = source.line
    return out


def error_record(source: Source, error: str, transient: bool = False) -> dict:
    """``transient``: the worker died, not the document; a rerun tries it again."""
    out = {**_where(source), "verdict": "error", "error": error}
    if transient:
        out["transient"] = True
    return out


def document_record(source: Source, text: str, prose: str, findings: list[Finding], spin_score: float,
                    top: int = TOP_FINDINGS, positions: str = "", markup: str | None = None) -> dict:
    """What a reader needs of one analysed document: counts, its worst findings in full, every finding's span."""
    screening = screen(prose, findings)
    lines = LineIndex(text)
    worst = sorted(findings, key=lambda f: (-f.confidence, f.start))[:top]
    out = {
        **_where(source),
        "markup": markup or source.markup,
        "sha1": hashlib.sha1(text.encode("utf-8")).hexdigest(),
        "words": screening.words,
        "verdict": "spun" if findings else "clean",
        "spin_score": round(spin_score, 4),
        "findings": len(findings),
        "density": round(1000.0 * len(findings) / screening.words, 2) if screening.words else 0.0,
        "tortured_phrases": screening.occurrences,
        "screening": screening.as_json(),
        "top_findings": [finding_json(f, lines) for f in sorted(worst, key=lambda f: f.start)],
        "spans": [[f.start, f.end - f.start, f.best or ""] for f in findings],
    }
    if positions:
        out["positions"] = positions
    return out


def rank_key(record: dict) -> tuple:
    """Spun documents first, likeliest spun first; then clean ones; errors last."""
    return (VERDICT_RANK.get(record.get("verdict", "error"), 3), -float(record.get("spin_score", 0.0)),
            -float(record.get("density", 0.0)), str(record.get("id", "")))


# -- the output file --------------------------------------------------------------------------------

def read_records(out: Path, repair: bool = False) -> list[dict]:
    """The records in the file ``out``. A last line without its newline was torn by a kill: ``repair`` cuts it off
    so that appending continues cleanly; otherwise it is ignored. Any other bad line is an ``InputError``."""
    if not out.is_file():  # not there yet, or a pipe or device (/dev/stdout) that holds nothing to resume
        if out.is_dir():
            raise InputError(f"{out}: is a directory")
        return []
    records: list[dict] = []
    kept = 0  # bytes of whole lines
    try:
        with open(out, "rb") as fh:
            for number, raw in enumerate(fh, 1):
                if not raw.endswith(b"\n"):
                    break  # torn by a kill
                kept += len(raw)
                if raw.strip():
                    records.append(_record(raw, f"{out}:{number}"))
            torn = fh.tell() > kept
        if torn and repair:
            with open(out, "r+b") as fh:
                fh.truncate(kept)
    except OSError as e:
        raise InputError(f"{out}: cannot read ({e.strerror or e})") from None
    return records


def _record(raw: bytes, where: str) -> dict:
    try:
        record = json.loads(raw)
    except ValueError:
        record = None
    if not isinstance(record, dict) or "id" not in record:
        raise InputError(f"{where}: not a scan record; refusing to append to this file")
    return record


def finished_ids(records: Iterable[dict]) -> set[str]:
    return {str(r["id"]) for r in records if not r.get("transient")}


# -- running ----------------------------------------------------------------------------------------

class Runner(Protocol):
    """Where documents are analysed: this process, a local process pool, or a Dask cluster."""

    slots: int  # how many documents may be in flight at once

    def submit(self, source: Source) -> Any: ...  # a future with ``result()``

    def recover(self, error: BaseException) -> bool: ...  # True: restarted, resubmit what was in flight


class InlineRunner:
    """One process, no pool: for ``--jobs 1`` and for tests."""

    slots = 1

    def __init__(self, options: ScanOptions) -> None:
        self.options = options

    def submit(self, source: Source) -> Future:
        fut: Future = Future()
        fut.set_result(scan_source(source, self.options))
        return fut

    def recover(self, error: BaseException) -> bool:
        return False

    def close(self) -> None:
        pass


_WARM_UP = "Officials said helium volition not beryllium able to attend."  # touches every table the engine loads


def _warm(options: ScanOptions | None = None) -> None:
    """Load everything a check loads lazily (model, thesaurus, inflections) now: before forking, so that
    every worker shares those pages instead of loading them again."""
    engine = worker_engine()
    _ = engine.model
    if options is not None:
        check = replace(options.checking, engine=engine, use_allowlist=False)
        check.load_models()
        check.findings(_WARM_UP, "plaintext", Allowlist())


class PoolRunner:
    """Forked worker processes sharing the model the parent loaded (each keeps its own caches)."""

    def __init__(self, options: ScanOptions, jobs: int) -> None:
        self.options, self.jobs, self.slots = options, jobs, 4 * jobs
        _warm(options)
        self._pool = self._start()

    def _start(self):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        methods = multiprocessing.get_all_start_methods()
        context = multiprocessing.get_context("fork" if "fork" in methods else None)
        pool = ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_warm)
        for fut in [pool.submit(_warm) for _ in range(self.jobs)]:  # fork now, before the progress bar's thread
            fut.result()
        return pool

    def submit(self, source: Source) -> Future:
        return self._pool.submit(scan_source, source, self.options)

    def recover(self, error: BaseException) -> bool:
        if not isinstance(error, BrokenProcessPool):
            return False
        self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = self._start()
        return True

    def close(self) -> None:
        self._pool.shutdown(cancel_futures=True)


def local_runner(options: ScanOptions, jobs: int | None = None) -> InlineRunner | PoolRunner:
    jobs = jobs or os.cpu_count() or 1
    return InlineRunner(options) if jobs < 2 else PoolRunner(options, jobs)


def _progress(total: int, enabled: bool | None):
    from tqdm import tqdm

    disable = None if enabled is None else not enabled  # None: shown on a terminal only
    return tqdm(total=total, unit="doc", desc="scan", file=sys.stderr, disable=disable, smoothing=0.1,
                dynamic_ncols=True)


def run(sources: Iterable[Source], out: Path, runner: Runner, progress: bool | None = None,
        on_record: Callable[[dict], None] | None = None) -> ScanSummary:
    """Analyse every source not yet recorded in ``out`` and append its record, in the sources' order."""
    started = time.monotonic()
    done = finished_ids(read_records(out, repair=True))
    todo: list[Source] = []
    summary = ScanSummary()
    for src in sources:
        summary.listed += 1
        if src.id in done:
            summary.skipped += 1
        else:
            done.add(src.id)
            todo.append(src)
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        fh = open(out, "a", encoding="utf-8")  # noqa: SIM115 - closed below, with the bar
    except OSError as e:
        raise InputError(f"{out}: cannot write ({e.strerror or e})") from None
    with fh, _progress(len(todo), progress) as bar:
        for record in _ordered_results(todo, runner):
            try:
                fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                fh.flush()
            except OSError as e:
                raise InputError(f"{out}: cannot write ({e.strerror or e}); rerun to resume") from None
            summary.scanned += 1
            summary.words += int(record.get("words", 0))
            summary.spun += record.get("verdict") == "spun"
            summary.errors += record.get("verdict") == "error"
            if on_record is not None:
                on_record(record)
            bar.update(1)
    summary.seconds = time.monotonic() - started
    return summary


def _ordered_results(todo: list[Source], runner: Runner) -> Iterator[dict]:
    """Results in submission order, with at most ``runner.slots`` documents in flight."""
    queue = iter(todo)
    pending: deque[tuple[Source, Any]] = deque()

    def refill() -> None:
        while len(pending) < runner.slots:
            src = next(queue, None)
            if src is None:
                return
            pending.append((src, runner.submit(src)))

    refill()
    while pending:
        src, fut = pending.popleft()
        try:
            record = fut.result()
        except Exception as e:  # noqa: BLE001 - a lost worker costs one record, not the run
            record = error_record(src, f"{src.id}: the worker analysing it failed ({type(e).__name__}: {e})",
                                  transient=True)
            if runner.recover(e):
                pending = deque((s, runner.submit(s)) for s, _ in pending)
        yield record
        refill()
