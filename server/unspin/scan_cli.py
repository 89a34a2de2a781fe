"""The ``scan`` and ``report`` subcommands, and ``check --format html``: thin glue over scan and report_html."""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from .corpus_inputs import DocumentText, Source, kind_and_markup, load, sources
from .documents import DEFAULT_MAX_BYTES, InputError, write_atomic
from .engine import Engine
from .report_html import Entry, render
from .scan import (
    ScanOptions,
    ScanSummary,
    local_runner,
    read_records,
    run,
)

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
TEXTS_SHOWN = 200


def _at_least(low: int):
    def parse(value: str) -> int:
        try:
            n = int(value)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a whole number: {value!r}") from None
        if n < low:
            raise argparse.ArgumentTypeError(f"must be at least {low}")
        return n

    return parse


_positive, _count = _at_least(1), _at_least(0)


def add_scan_parsers(sub: Any, common: argparse.ArgumentParser) -> None:
    """Register ``scan`` and ``report`` on the ``unspin`` command's subparsers (``common``: check's options)."""
    scan = sub.add_parser(
        "scan", parents=[common], help="screen a corpus: one JSON record per document", epilog=_SCAN_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        description="Analyse every document under PATH... and append one JSON record per document to --out.")
    scan.add_argument("paths", nargs="+", metavar="PATH", help="files, directories or quoted globs")
    scan.add_argument("--out", "-o", required=True, type=Path, help="JSONL file the records are appended to")
    scan.add_argument("--top", type=_count, default=10, help="findings given in full per record (default 10)")
    where = scan.add_mutually_exclusive_group()
    where.add_argument("--jobs", "-j", type=_positive, default=None,
                       help="local worker processes (default: one per core)")
    where.add_argument("--workers", type=_positive, default=None,
                       help="start a Dask LocalCluster with this many worker processes")
    where.add_argument("--scheduler", metavar="ADDRESS", default=None,
                       help="run on an existing Dask cluster, e.g. tcp://HOST:8786")
    scan.set_defaults(run=run_scan)
    report = sub.add_parser("report", help="write an HTML report of a scan's records",
                            description="Write a self-contained HTML page ranking the scanned documents, "
                                        "with the most suspicious documents' text and findings.")
    report.add_argument("results", type=Path, metavar="RESULTS.jsonl")
    report.add_argument("--output", "-o", required=True, help="HTML file to write ('-' for standard output)")
    report.add_argument("--texts", type=_count, default=TEXTS_SHOWN,
                        help=f"show the text of this many top-ranked documents (default {TEXTS_SHOWN})")
    report.add_argument("--title", default="unspin report")
    report.set_defaults(run=run_report)


_SCAN_EPILOG = """\
inputs:
  Files are read whatever their name: .pdf through its text layer (offsets
  then refer to the extracted text, and the record says so), .jsonl as one
  document per line ({"id": ..., "text": ..., "markup": optional}), anything
  else as UTF-8 text whose markup the extension selects, as in check.
  Directories are searched recursively for prose files, .pdf and .jsonl,
  hidden ones skipped, in sorted order. Quoted globs are expanded.

output:
  One JSON line per document, appended and flushed: id, source, words,
  verdict (spun, clean or error), spin_score, findings, density (per 1,000
  words), tortured_phrases, top_findings, spans. A rerun skips the ids
  already recorded, so an interrupted scan resumes where it stopped.

exit status:
  0  no document spun
  1  some documents spun
  2  some documents could not be analysed (each has an error record), or
     a usage error
"""
_PROGRESS = {"auto": None, "always": True, "never": False}


def run_scan(args: argparse.Namespace, engine: Engine) -> int:
    """Documents are checked as ``check`` checks files, but each worker process uses its own engine."""
    from .cli import checker  # the cli module imports this one

    options = ScanOptions(replace(checker(args, engine), engine=None), args.top)  # type: ignore[arg-type]
    try:
        if args.workers or args.scheduler:
            from .scan_cluster import DaskRunner

            runner: Any = DaskRunner(options, args.scheduler, args.workers)
        else:
            runner = local_runner(options, args.jobs)
    except OSError as e:  # no route to the scheduler, or a cluster that would not start
        print(f"unspin: cannot start the scan's workers: {e}", file=sys.stderr)
        return EXIT_ERROR
    try:
        summary = run(sources(args.paths, args.max_bytes), args.out, runner, _PROGRESS[args.progress])
    except InputError as e:
        print(f"unspin: {e}", file=sys.stderr)
        return EXIT_ERROR
    finally:
        runner.close()
    print(f"unspin: {summary.line()}", file=sys.stderr)
    return _status(summary)


def _status(summary: ScanSummary) -> int:
    if summary.errors:
        return EXIT_ERROR
    return EXIT_FOUND if summary.spun else EXIT_CLEAN


def reread(record: dict, max_bytes: int = DEFAULT_MAX_BYTES) -> Entry:
    """The record with the text its offsets refer to, if that text is still where the scan read it."""
    path, line = str(record.get("source", "")), int(record.get("line", 0) or 0)
    try:
        if line:
            doc = DocumentText(_jsonl_text(path, line))
        else:
            kind, markup = kind_and_markup(path)
            doc = load(Source(str(record.get("id")), path, kind, markup), max_bytes)
    except InputError as e:
        return Entry(record, None, str(e))
    if hashlib.sha1(doc.text.encode("utf-8")).hexdigest() != record.get("sha1"):
        return Entry(record, None, f"{path}: changed since the scan")
    return Entry(record, doc.text)


def _jsonl_text(path: str, line: int) -> str:
    try:
        with open(path, "rb") as fh:
            for number, raw in enumerate(fh, 1):
                if number == line:
                    text = json.loads(raw).get("text")
                    if isinstance(text, str):
                        return text
                    break
    except (OSError, ValueError, AttributeError) as e:
        raise InputError(f"{path}:{line}: cannot read the record again ({e})") from None
    raise InputError(f"{path}:{line}: the record is gone")


def run_report(args: argparse.Namespace, engine: Engine | None = None) -> int:
    try:
        records = read_records(args.results)
    except InputError as e:
        print(f"unspin: {e}", file=sys.stderr)
        return EXIT_ERROR
    if not records:
        print(f"unspin: {args.results}: no scan records", file=sys.stderr)
        return EXIT_ERROR
    from .scan import rank_key

    latest = {str(r["id"]): r for r in records}  # a document scanned again counts once, as last recorded
    ranked = sorted(latest.values(), key=rank_key)
    entries = [reread(r) if k < args.texts and r.get("verdict") != "error" else Entry(r)
               for k, r in enumerate(ranked)]
    page = render(entries, args.title)
    return _write_page(args.output, page)


def _write_page(output: str, page: str) -> int:
    try:
        if output == "-":
            sys.stdout.write(page)
        else:
            write_atomic(output, page)
    except InputError as e:
        print(f"unspin: {e}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_CLEAN
