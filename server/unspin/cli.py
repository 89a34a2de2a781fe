"""Command line: ``unspin check`` reports, ``unspin fix`` restores.

A thin front end: ``checking.Checker`` reads each file, keeps to its prose (markup, inline markers)
and the nearest ``.unspin.json``, exactly as the language server does; ``reports`` writes the
formats.  Subcommands are one ``add_*`` function for the parser and one ``run_*`` function each.
"""
from __future__ import annotations

import argparse
import difflib
import multiprocessing
import os
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

from . import __version__, collector
from .checking import Checker, FileResult
from .documents import DEFAULT_MAX_BYTES, InputError, expand_paths, write_atomic
from .engine import Engine
from .fingerprints import FingerprintError, load_fingerprints
from .fixes import restore
from .markup import is_known_language
from .reports import HUMAN_FORMATS, REPORTERS, finding_json, plural
from .scan_cli import add_scan_parsers

__all__ = ["finding_json", "main", "parser"]  # finding_json: the JSON shaping, for other front ends

EXIT_CLEAN, EXIT_FOUND, EXIT_ERROR = 0, 1, 2
BIG_RUN_BYTES = 1_000_000  # from this much text a single file gets a progress bar too

_EPILOG = """\
exit status:
  0  no findings (check) / nothing to restore (fix)
  1  findings (check) / words restored (fix)
  2  usage error, or a file that cannot be read, decoded or written (named on
     stderr; the other files are still processed)

paths:
  A file is checked whatever its name; its extension selects the markup
  (.md, .tex, .rst, .html, .adoc, COMMIT_EDITMSG, source files' comments and
  strings; anything else is plain text), or --language sets it for all.
  A directory is searched recursively for prose files (.txt .text .md
  .markdown .rst .tex .html .htm .adoc .asciidoc), hidden files and
  directories skipped, in sorted order; each file found is one entry of the
  output. '-' reads standard input.
  Words in the nearest .unspin.json ({"allowlist": [...]}) above each file
  (the working directory for stdin) are never reported; inline markers
  "unspin: disable", "unspin: enable" and "unspin: ignore-next-line" switch
  checking off and on, as in the editor.
  A leading byte-order mark is not counted in positions, and fix keeps it.
"""


def _probability(value: str) -> float:
    try:
        p = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {value!r}") from None
    if not 0.0 <= p <= 1.0:
        raise argparse.ArgumentTypeError("must be between 0 and 1")
    return p


def _language(value: str) -> str:
    if not is_known_language(value):
        raise argparse.ArgumentTypeError(f"unknown language {value!r}")
    return value


def _common_options() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--threshold", type=_probability, default=None,
                        help="report words spun with at least this probability (default 0.5)")
    common.add_argument("--language", type=_language, default=None, metavar="LANG",
                        help="markup of every input (markdown, latex, restructuredtext, html, asciidoc, gitcommit, "
                             "plaintext, or a source language such as python); default: from each file's name")
    common.add_argument("--no-allowlist", dest="use_allowlist", action="store_false",
                        help="ignore .unspin.json files")
    common.add_argument("--progress", choices=("auto", "always", "never"), default="auto",
                        help="progress bar on stderr (auto: on a terminal, for several files or a big one)")
    common.add_argument("--fingerprints", default=None, metavar="FILE",
                        help="also report the tortured phrases listed in FILE (the Problematic Paper Screener's "
                             "CSV export, or tortured phrase<TAB>expected term lines)")
    common.add_argument("--phrases", action="store_const", const="always", default="auto",
                        help="look for tortured phrases (\"irregular woodland\" for random forest) in every text; by "
                             "default only texts that read as research writing are read for them, since the neural "
                             "model reads every sentence, which is slow (see docs/tortured.md)")
    common.add_argument("--no-phrases", dest="phrases", action="store_const", const="never",
                        help="never look for tortured phrases")
    common.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES, help=argparse.SUPPRESS)
    common.add_argument("--model", choices=("neural", "trigram"), default="neural",
                        help="neural (default): SmolLM2 reads each finding's whole sentence, confirms or "
                             "withdraws it and re-ranks its suggestions; trigram: faster, the trigram model alone")
    return common


def add_check_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    check = sub.add_parser("check", parents=[common], help="report spun words", epilog=_EPILOG,
                           formatter_class=argparse.RawDescriptionHelpFormatter,
                           description="Report words an article spinner may have swapped, with likely originals.")
    check.add_argument("--format", choices=tuple(REPORTERS), default="text",
                       help="text (path:line:column: message, and a summary on stderr), json (the contract "
                            "of docs/cli.md), html (a self-contained report page) or sarif (SARIF 2.1.0)")
    check.add_argument("paths", nargs="+", metavar="PATH", help="files or directories; '-' reads standard input")
    check.set_defaults(run=run_check)


def add_fix_parser(sub: Any, common: argparse.ArgumentParser) -> None:
    fix = sub.add_parser("fix", parents=[common], help="restore the original words", epilog=_EPILOG,
                         formatter_class=argparse.RawDescriptionHelpFormatter,
                         description="Print the restored text of one file, or rewrite or diff several.")
    fix.add_argument("paths", nargs="+", metavar="PATH", help="files or directories; '-' reads standard input")
    mode = fix.add_mutually_exclusive_group()
    mode.add_argument("--in-place", action="store_true",
                      help="rewrite the files (atomically; symlinks, hard links, owner and mode kept; read-only "
                           "files refused)")
    mode.add_argument("--diff", action="store_true", help="print a unified diff instead")
    fix.set_defaults(run=run_fix)


def parser() -> argparse.ArgumentParser:
    ap = argparse.ArgumentParser(prog="unspin", description="Find and restore words swapped by an article spinner.",
                                 epilog="Run 'unspin COMMAND --help' for each command's options and exit status.")
    ap.add_argument("--version", action="version", version=f"unspin {__version__}")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    common = _common_options()
    add_check_parser(sub, common)
    add_fix_parser(sub, common)
    add_scan_parsers(sub, common)
    sub.add_parser("serve", help="run the language server (same as unspin-lsp)", add_help=False)
    return ap


def checker(args: argparse.Namespace, engine: Engine) -> Checker:
    return Checker(engine, threshold=args.threshold, language=args.language, max_bytes=args.max_bytes,
                   use_allowlist=args.use_allowlist, model=args.model, phrases=args.phrases,
                   fingerprints=load_fingerprints(args.fingerprints) if args.fingerprints else None)


# -- progress -----------------------------------------------------------------------------------
def _size(path: str) -> int:
    try:
        return os.path.getsize(path) if path != "-" else 0
    except OSError:
        return 0


class Progress:
    """A bar over the input's bytes on stderr; within one big file it keeps its clock running."""

    def __init__(self, paths: list[str], mode: str) -> None:
        self.sizes = [_size(p) for p in paths]
        total = sum(self.sizes)
        show = mode == "always" or (mode == "auto" and sys.stderr.isatty()
                                    and (len(paths) > 1 or total >= BIG_RUN_BYTES))
        self.bar: Any = None
        if show:
            from tqdm import tqdm

            self.bar = tqdm(total=total, unit="B", unit_scale=True, file=sys.stderr, leave=False,
                            dynamic_ncols=True, desc=plural(len(paths), "file"))
        self._last = 0.0

    def done(self, index: int) -> None:
        if self.bar is not None:
            self.bar.update(self.sizes[index])

    def tick(self) -> bool:
        """Polled by the engine between sentences: redraw now and then; never cancels."""
        if self.bar is not None and (now := time.monotonic()) - self._last > 0.5:
            self._last = now
            self.bar.refresh()
        return False

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# -- running files, several at once -------------------------------------------------------------
_worker_checker: Checker | None = None
_worker_task: Callable[[Checker, str], Any] | None = None


def _run_in_worker(path: str) -> Any:
    assert _worker_checker is not None and _worker_task is not None
    return _worker_task(_worker_checker, path)


def each_file(paths: list[str], check: Checker, task: Callable[[Checker, str], Any],
              progress: Progress) -> Iterator[Any]:
    """``task(check, path)`` for every path, in order; several files share the cores through forked
    workers holding the loaded model."""
    global _worker_checker, _worker_task
    jobs = min(len(paths), os.cpu_count() or 1)
    if jobs < 2 or "-" in paths or "fork" not in multiprocessing.get_all_start_methods():
        for k, path in enumerate(paths):
            yield task(check, path)
            progress.done(k)
        return
    _worker_checker, _worker_task = check, task
    _ = check.engine.model  # load before forking, so every worker shares it
    check.load_models()
    collector.freeze_loaded()  # the workers then do not copy the shared tables
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        for k, result in enumerate(pool.imap(_run_in_worker, paths, chunksize=1)):
            yield result
            progress.done(k)


def _paths(args: argparse.Namespace) -> list[str]:
    """The files to process; a directory without prose files is named on stderr."""
    paths = list(expand_paths(args.paths))
    for given in args.paths:
        if given != "-" and os.path.isdir(given) and not _has_files(given, paths):
            print(f"unspin: {given}: no prose files in this directory", file=sys.stderr)
    return paths


def _has_files(directory: str, paths: list[str]) -> bool:
    return any(p.startswith(os.path.join(directory, "")) for p in paths)


def _dirs_have_files(given: list[str], paths: list[str]) -> bool:
    return all(_has_files(p, paths) for p in given if p != "-" and os.path.isdir(p))


# -- check --------------------------------------------------------------------------------------
def _check_one(check: Checker, path: str, tick: Callable[[], bool] | None = None) -> FileResult:
    return check.check(path, tick)


def run_check(args: argparse.Namespace, engine: Engine) -> int:
    paths = _paths(args)
    if not paths:
        return EXIT_ERROR
    status = EXIT_CLEAN if _dirs_have_files(args.paths, paths) else EXIT_ERROR
    check = checker(args, engine)
    reporter = REPORTERS[args.format](sys.stdout)
    progress = Progress(paths, args.progress)
    found = files_with = checked = 0
    task = _check_one if len(paths) > 1 else (lambda c, p: _check_one(c, p, progress.tick))
    try:
        for result in each_file(paths, check, task, progress):
            if result.warning:
                print(f"unspin: {result.warning}", file=sys.stderr)
                status = EXIT_ERROR
            if result.document is None:
                print(f"unspin: {result.error}", file=sys.stderr)
                status = EXIT_ERROR
                reporter.file(result)
                continue
            checked += 1
            if result.findings:
                found += len(result.findings)
                files_with += 1
                if status == EXIT_CLEAN:
                    status = EXIT_FOUND
            reporter.file(result)
    finally:
        progress.close()
    reporter.finish()
    if args.format in HUMAN_FORMATS:
        print(_summary(found, files_with, checked, len(paths) - checked), file=sys.stderr)
    return status


def _summary(found: int, files_with: int, checked: int, unreadable: int) -> str:
    """"39 findings in 1 file", "5 findings in 2 of 4 files; 1 file not read"."""
    where = plural(checked, "file") if files_with in (0, checked) else f"{files_with} of {checked} files"
    tail = f"; {plural(unreadable, 'file')} not read" if unreadable else ""
    return f"{plural(found, 'finding') if found else 'no findings'} in {where}{tail}"



# -- fix ----------------------------------------------------------------------------------------
def _fix_one(check: Checker, path: str) -> tuple[FileResult, str]:
    """The file's result and its restored text ("" when it could not be read)."""
    result = check.check(path)
    if result.document is None:
        return result, ""
    return result, restore(result.document.text, result.findings)


def run_fix(args: argparse.Namespace, engine: Engine) -> int:
    paths = _paths(args)
    if not paths:
        return EXIT_ERROR
    if len(paths) > 1 and not (args.in_place or args.diff):
        print("unspin: fix prints the restored text of one file; use --in-place or --diff for several",
              file=sys.stderr)
        return EXIT_ERROR
    if args.in_place and "-" in paths:
        print("unspin: -: --in-place needs a file", file=sys.stderr)
        return EXIT_ERROR
    status = EXIT_CLEAN if _dirs_have_files(args.paths, paths) else EXIT_ERROR
    check = checker(args, engine)
    progress = Progress(paths, args.progress)
    restored = files_changed = 0
    try:
        for result, fixed in each_file(paths, check, _fix_one, progress):
            if result.warning:
                print(f"unspin: {result.warning}", file=sys.stderr)
                status = EXIT_ERROR
            doc = result.document
            if doc is None:
                print(f"unspin: {result.error}", file=sys.stderr)
                status = EXIT_ERROR
                continue
            changed = fixed != doc.text
            if args.in_place:
                if changed:
                    try:
                        write_atomic(result.path, doc.encoded(fixed))
                    except InputError as e:
                        print(f"unspin: {e}", file=sys.stderr)
                        status = EXIT_ERROR
                        continue
            elif args.diff:
                sys.stdout.writelines(difflib.unified_diff(doc.text.splitlines(True), fixed.splitlines(True),
                                                           result.path, result.path))
            else:
                sys.stdout.flush()
                sys.stdout.buffer.write(doc.encoded(fixed))
            if changed:
                restored += len([f for f in result.findings if f.best is not None])
                files_changed += 1
                if status == EXIT_CLEAN:
                    status = EXIT_FOUND
    finally:
        progress.close()
    sys.stdout.flush()
    if args.in_place or args.diff:
        verb = "restored" if args.in_place else "to restore"
        print(f"{plural(restored, 'word')} {verb} in {plural(files_changed, 'file')}"
              f"{f' of {len(paths)}' if files_changed != len(paths) else ''}", file=sys.stderr)
    return status


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["serve"]:
        from .lsp.__main__ import main as serve

        return serve(argv[1:])
    args = parser().parse_args(argv)
    collector.tune()
    try:
        return int(args.run(args, Engine()))
    except FingerprintError as e:
        print(f"unspin: {e}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
