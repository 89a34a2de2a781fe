"""Command line: ``unspin check`` reports, ``unspin fix`` restores."""
from __future__ import annotations

import argparse
import difflib
import json
import multiprocessing
import os
import sys
from collections.abc import Iterator

from .documents import DEFAULT_MAX_BYTES, InputError, read_text, write_atomic
from .engine import Engine
from .findings import Finding
from .fixes import restore
from .positions import LineIndex

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2


def _probability(value: str) -> float:
    p = float(value)
    if not 0.0 <= p <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return p


def _parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="unspin", description="Find and restore words swapped by an article spinner.")
    sub = ap.add_subparsers(dest="command", required=True)
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--threshold", type=_probability, default=None,
                        help="report words spun with at least this probability (default 0.5)")
    common.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help=argparse.SUPPRESS)
    check = sub.add_parser("check", parents=[common], help="report spun words")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument("paths", nargs="+", metavar="PATH", help="files to check; '-' reads standard input")
    fix = sub.add_parser("fix", parents=[common], help="print the restored text")
    fix.add_argument("path", metavar="PATH")
    mode = fix.add_mutually_exclusive_group()
    mode.add_argument("--in-place", action="store_true", help="rewrite the file (atomically)")
    mode.add_argument("--diff", action="store_true", help="print a unified diff instead")
    sub.add_parser("serve", help="run the language server (same as unspin-lsp)", add_help=False)
    return ap


def finding_json(f: Finding, lines: LineIndex) -> dict:
    line, char = lines.position(f.start)
    end_line, end_char = lines.position(f.end)
    return {
        "line": line, "character": char, "end_line": end_line, "end_character": end_char,
        "offset": f.start, "length": f.end - f.start, "text": f.text,
        "suggestions": [s.text for s in f.suggestions], "confidence": round(f.confidence, 4), "kind": f.kind,
        "relation": f.suggestions[0].relation if f.suggestions else "", "evidence": f.evidence,
    }


def _progress(paths: list[str]) -> Iterator[str]:
    """Yield paths, drawing a bar on stderr for long runs on a terminal."""
    show = sys.stderr.isatty() and len(paths) > 1
    for k, path in enumerate(paths, 1):
        if show:
            done = 30 * k // len(paths)
            sys.stderr.write(f"\r[{'#' * done}{'.' * (30 - done)}] {k}/{len(paths)} {path[-40:]:40s}")
            sys.stderr.flush()
        yield path
    if show:
        sys.stderr.write("\r" + " " * 80 + "\r")


_worker_engine: Engine | None = None
_worker_options: tuple[float | None, int] = (None, DEFAULT_MAX_BYTES)


def _analyze_path(path: str) -> tuple[str, str | None, list[Finding], str]:
    """(path, text or None, findings, error) for one file; runs in a worker process."""
    assert _worker_engine is not None
    threshold, max_bytes = _worker_options
    try:
        text = read_text(path, max_bytes)
    except InputError as e:
        return path, None, [], str(e)
    return path, text, _worker_engine.analyze(text, threshold), ""


def _results(paths: list[str], engine: Engine, threshold: float | None,
             max_bytes: int) -> Iterator[tuple[str, str | None, list[Finding], str]]:
    """Analyse files in order; several files share the cores through forked workers holding the loaded model."""
    global _worker_engine, _worker_options
    _worker_engine, _worker_options = engine, (threshold, max_bytes)
    jobs = min(len(paths), os.cpu_count() or 1)
    if jobs < 2 or "-" in paths or "fork" not in multiprocessing.get_all_start_methods():
        yield from map(_analyze_path, _progress(paths))
        return
    engine.model  # load before forking, so every worker shares it
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(_analyze_path, _progress(paths), chunksize=1)


def _check(args: argparse.Namespace, engine: Engine) -> int:
    status, files = EXIT_CLEAN, []
    for path, text, findings, error in _results(args.paths, engine, args.threshold, args.max_bytes):
        if text is None:
            print(f"unspin: {error}", file=sys.stderr)
            files.append({"path": path, "findings": [], "error": error})
            status = EXIT_ERROR
            continue
        lines = LineIndex(text)
        if findings and status == EXIT_CLEAN:
            status = EXIT_FOUND
        if args.format == "json":
            files.append({"path": path, "findings": [finding_json(f, lines) for f in findings]})
        else:
            for f in findings:
                line, char = lines.position(f.start)
                hint = f"'{f.best}'" if f.best else "an unknown original"
                print(f"{path}:{line + 1}:{char + 1}: '{f.text}' may be a spun substitute for {hint} "
                      f"({f.confidence:.0%})")
    if args.format == "json":
        json.dump({"files": files}, sys.stdout, ensure_ascii=False)
        sys.stdout.write("\n")
    return status


def _fix(args: argparse.Namespace, engine: Engine) -> int:
    try:
        text = read_text(args.path, args.max_bytes)
        fixed = restore(text, engine.analyze(text, args.threshold))
        if args.in_place:
            if args.path == "-":
                raise InputError("-: --in-place needs a file")
            if fixed != text:
                write_atomic(args.path, fixed)
        elif args.diff:
            sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), fixed.splitlines(True),
                                                       args.path, args.path))
        else:
            sys.stdout.flush()
            sys.stdout.buffer.write(fixed.encode("utf-8"))
    except InputError as e:
        print(f"unspin: {e}", file=sys.stderr)
        return EXIT_ERROR
    return EXIT_FOUND if fixed != text else EXIT_CLEAN


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        from .lsp.__main__ import main as serve

        return serve(argv[1:])
    args = _parser().parse_args(argv)
    engine = Engine()
    try:
        return _check(args, engine) if args.command == "check" else _fix(args, engine)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
