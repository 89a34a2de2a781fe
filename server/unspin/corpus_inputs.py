"""The documents of a corpus, as ``unspin scan`` finds and reads them.

Listing is cheap and happens in the main process: it names every document by a stable id
(a file's path as found, or a JSONL record's ``id``) so that a rerun can skip what is done.
Reading happens where the document is analysed (a worker process or a Dask worker), so that a
broken PDF or a binary file costs one error record, not the run.
"""
from __future__ import annotations

import glob
import json
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .documents import DEFAULT_MAX_BYTES, InputError, read_document
from .markup import is_known_language, is_prose_path, language_for_path

# How a file is read when not as text; a directory is searched for these and for prose files (``markup``).
KINDS = {".pdf": "pdf", ".jsonl": "jsonl", ".ndjson": "jsonl"}
PDF_POSITIONS = "offsets and lines refer to the text extracted from the PDF's text layer (pypdf)"
_GLOB_CHARS = frozenset("*?[")


@dataclass(frozen=True)
class Source:
    """One document: where it is and what it is, not yet read."""

    id: str
    path: str  # the file it is in, as the user named it (or as found under a named directory)
    kind: str  # "text", "pdf" or "jsonl": how it is read
    markup: str = "plaintext"  # the language whose non-prose is blanked before analysis, as in ``check``
    line: int = 0  # JSONL: 1-based line number of the record
    text: str | None = None  # JSONL: the record's text (other formats are read by ``load``)
    error: str = ""  # a problem already known from listing (missing file, bad JSONL line)


@dataclass(frozen=True)
class DocumentText:
    """A document's text as analysed: every offset of its findings indexes ``text``."""

    text: str
    positions: str = ""  # what offsets refer to, when that is not the file's own text


def kind_and_markup(path: str) -> tuple[str, str]:
    kind = KINDS.get(Path(path).suffix.lower(), "text")
    return kind, language_for_path(path) if kind == "text" else "plaintext"


def sources(paths: Iterable[str], max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Source]:
    """Every document under ``paths`` in a stable order: arguments as given, directories sorted.

    A path that matches nothing, an unreadable JSONL line or a repeated id becomes a ``Source``
    carrying its ``error``, so that it is reported rather than lost.
    """
    seen: dict[str, str] = {}
    for src in _listed(paths, max_bytes):
        first = seen.get(src.id)
        if first is not None:
            where = f"{src.path}:{src.line}" if src.line else src.path
            yield Source(where if where != src.id else f"{where}#{len(seen)}", src.path, src.kind, line=src.line,
                         error=f"{where}: duplicate id {src.id!r} (first in {first})")
            continue
        seen[src.id] = f"{src.path}:{src.line}" if src.line else src.path
        yield src


def _listed(paths: Iterable[str], max_bytes: int) -> Iterator[Source]:
    for arg in paths:
        if not os.path.lexists(arg) and _GLOB_CHARS & set(arg):
            matches = sorted(glob.glob(arg, recursive=True))
            if not matches:
                yield Source(arg, arg, "text", error=f"{arg}: no file matches")
            for match in matches:
                yield from _path_sources(match, max_bytes, named=False)
        else:
            yield from _path_sources(arg, max_bytes, named=True)


def _path_sources(path: str, max_bytes: int, named: bool) -> Iterator[Source]:
    p = Path(path)
    if p.is_dir():
        for root, dirs, files in os.walk(p):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(files):
                if not name.startswith(".") and (is_prose_path(name) or Path(name).suffix.lower() in KINDS):
                    yield from _file_sources(os.path.join(root, name), max_bytes)
    elif named or p.is_file():
        yield from _file_sources(os.path.normpath(path) if path != "-" else path, max_bytes)


def _file_sources(path: str, max_bytes: int) -> Iterator[Source]:
    if path == "-":  # a pipe of JSONL records
        lines = [(number, raw) for number, raw in enumerate(sys.stdin.buffer, 1) if raw.strip()]
        for number, raw in lines:
            yield _jsonl_source(path, number, raw, max_bytes)
        return
    kind, markup = kind_and_markup(path)
    if kind != "jsonl":
        yield Source(path, path, kind, markup)
        return
    try:
        with open(path, "rb") as fh:
            lines = [(number, raw) for number, raw in enumerate(fh, 1) if raw.strip()]
    except OSError as e:
        yield Source(path, path, kind, error=f"{path}: cannot read ({e.strerror or e})")
        return
    for number, raw in lines:
        yield _jsonl_source(path, number, raw, max_bytes)


def _jsonl_source(path: str, number: int, raw: bytes, max_bytes: int) -> Source:
    """One JSONL record: ``{"id": ..., "text": ...}``; ``markup`` (e.g. "markdown") is optional."""
    where = f"{path}:{number}"
    if len(raw) > max_bytes:
        return Source(where, path, "jsonl", line=number, error=f"{where}: record is too large ({len(raw):,} bytes; "
                                                          f"limit {max_bytes:,})")
    try:
        record = json.loads(raw)
    except (UnicodeDecodeError, ValueError) as e:
        return Source(where, path, "jsonl", line=number, error=f"{where}: not a JSON line ({e})")
    if not isinstance(record, dict):
        return Source(where, path, "jsonl", line=number, error=f"{where}: a JSON object with \"text\" is expected")
    ident = record.get("id", where)
    if isinstance(ident, bool) or not isinstance(ident, (str, int)):
        return Source(where, path, "jsonl", line=number, error=f"{where}: \"id\" must be a string or an integer")
    text = record.get("text")
    markup = record.get("markup", "plaintext")
    if not isinstance(text, str):
        return Source(str(ident), path, "jsonl", line=number, error=f"{where}: \"text\" must be a string")
    if not isinstance(markup, str) or not is_known_language(markup):
        return Source(str(ident), path, "jsonl", line=number, error=f"{where}: unknown \"markup\" {markup!r}")
    return Source(str(ident), path, "jsonl", markup, number, text)


def load(source: Source, max_bytes: int = DEFAULT_MAX_BYTES) -> DocumentText:
    """The document's text; ``InputError`` names what is wrong with it."""
    if source.error:
        raise InputError(source.error)
    if source.text is not None:
        return DocumentText(source.text)
    if source.kind == "jsonl":
        raise InputError(f"{source.id}: the record's text was not kept")
    if source.kind == "pdf":
        return DocumentText(_pdf_text(source.path, max_bytes), PDF_POSITIONS)
    return DocumentText(read_document(source.path, max_bytes).text)


def _pdf_text(path: str, max_bytes: int) -> str:
    """The PDF's text layer, pages separated by a blank line."""
    try:
        size = os.path.getsize(path)
    except OSError as e:
        raise InputError(f"{path}: cannot read ({e.strerror or e})") from None
    if size > max_bytes:
        raise InputError(f"{path}: file is too large ({size:,} bytes; limit {max_bytes:,})")
    import logging

    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.CRITICAL)
    try:
        reader = PdfReader(path)
        if reader.is_encrypted:
            raise InputError(f"{path}: encrypted PDF")
        pages = [page.extract_text() or "" for page in reader.pages]
    except InputError:
        raise
    except Exception as e:  # noqa: BLE001 - pypdf raises many kinds on a damaged file
        raise InputError(f"{path}: unreadable PDF ({type(e).__name__}: {e})") from None
    return "\n\n".join(page.strip("\n") for page in pages)
