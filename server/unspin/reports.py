"""Output formats of ``unspin check``: each reporter takes file results as they come and writes
its format to a stream.  A new format is one more entry in ``REPORTERS``."""
from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Protocol, TextIO

from .checking import FileResult
from .findings import Finding
from .positions import LineIndex
from .screening import screen


class Reporter(Protocol):
    def file(self, result: FileResult) -> None: ...

    def finish(self) -> None: ...


def finding_json(f: Finding, lines: LineIndex) -> dict[str, Any]:
    """One finding in the JSON contract the benchmarks read (docs/cli.md): add fields, never rename or drop."""
    line, char = lines.position(f.start)
    end_line, end_char = lines.position(f.end)
    return {
        "line": line, "character": char, "end_line": end_line, "end_character": end_char,
        "offset": f.start, "length": f.end - f.start, "text": f.text,
        "suggestions": [s.text for s in f.suggestions], "confidence": round(f.confidence, 4), "kind": f.kind,
        "relation": f.suggestions[0].relation if f.suggestions else "", "evidence": f.evidence,
    }


def file_json(result: FileResult) -> dict[str, Any]:
    if result.document is None:
        return {"path": result.path, "findings": [], "error": result.error}
    lines = LineIndex(result.document.text)
    return {"path": result.path, "findings": [finding_json(f, lines) for f in result.findings],
            "screening": screen(result.document.text, result.findings).as_json()}


class TextReporter:
    """``path:line:column: message`` lines, 1-based, as compilers and editors' quickfix lists read them."""

    def __init__(self, out: TextIO) -> None:
        self.out = out

    def file(self, result: FileResult) -> None:
        if result.document is None:
            return
        lines = LineIndex(result.document.text)
        for f in result.findings:
            line, char = lines.position(f.start)
            hint = f"'{f.best}'" if f.best else "an unknown original"
            self.out.write(f"{result.path}:{line + 1}:{char + 1}: '{f.text}' may be a spun substitute for {hint} "
                           f"({f.confidence:.0%})\n")

    def finish(self) -> None:
        self.out.flush()


class JsonReporter:
    """One JSON object, ``{"files": [...]}``, written once every file is in."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.files: list[dict[str, Any]] = []

    def file(self, result: FileResult) -> None:
        self.files.append(file_json(result))

    def finish(self) -> None:
        json.dump({"files": self.files}, self.out, ensure_ascii=False)
        self.out.write("\n")
        self.out.flush()


def _html(out: TextIO) -> Reporter:
    from .report_html import HtmlReporter  # imported when asked for: it imports the scan module, which imports this

    return HtmlReporter(out)


def _sarif(out: TextIO) -> Reporter:
    from .sarif import SarifReporter

    return SarifReporter(out)


REPORTERS: dict[str, Callable[[TextIO], Reporter]] = {"text": TextReporter, "json": JsonReporter, "html": _html,
                                                      "sarif": _sarif}
# Formats for people, which get a summary line on stderr; the others are read by programs.
HUMAN_FORMATS = {"text"}


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
