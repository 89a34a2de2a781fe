"""``unspin check --format sarif``: findings as SARIF 2.1.0, which CI systems and code-scanning dashboards read.

Columns and offsets count Unicode code points, as everywhere in unspin, and the run says so
(``columnKind``). Each finding carries its best suggestion as a SARIF fix; a file that could not
be read becomes a tool notification instead of a result.
"""
from __future__ import annotations

import json
import os
from collections.abc import Iterable
from pathlib import PurePath
from typing import TYPE_CHECKING, TextIO
from urllib.parse import quote

from . import __version__
from .findings import Finding
from .positions import LineIndex

if TYPE_CHECKING:
    from .checking import FileResult

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
_RULES = {
    "spun-word": ("SpunWord", "A word an article spinner may have swapped for a thesaurus neighbour.",
                  ("Automatic article spinners replace words with dictionary synonyms that read badly in context "
                  "('helium' for 'he'). Replace the word with the suggested original if it is what was meant.")),
    "phrase": ("TorturedPhrase", "A phrase a spinner may have made from an established term.",
               ("Tortured phrases ('counterfeit consciousness' for 'artificial intelligence') replace a fixed "
               "term word by word. Restore the established term.")),
    "fingerprint": ("KnownTorturedPhrase", "A phrase listed as a known tortured phrase.",
                    "The phrase is on the tortured-phrase list given to unspin; restore the expected term."),
}


def _uri(path: str) -> str:
    if path == "-":
        return "stdin"
    p = PurePath(path)
    if p.is_absolute():
        return p.as_uri()
    return quote(p.as_posix())


def _rule(kind: str) -> dict:
    name, short, full = _RULES.get(kind, (kind.title().replace("-", ""), f"A finding of kind {kind}.",
                                          f"A finding of kind {kind}."))
    return {"id": kind, "name": name, "shortDescription": {"text": short}, "fullDescription": {"text": full},
            "help": {"text": full}, "defaultConfiguration": {"level": "warning"}}


def _message(f: Finding) -> str:
    hint = f"'{f.best}'" if f.best else "an unknown original"
    return f"'{f.text}' may be a spun substitute for {hint} ({f.confidence:.0%})."


def sarif_log(results: Iterable[tuple[str, str | None, list[Finding], str]]) -> dict:
    """The SARIF log of one ``check`` run: ``results`` are (path, text or None, findings, error) per file."""
    rules: dict[str, int] = {}
    rule_list: list[dict] = []
    artifacts: list[dict] = []
    out: list[dict] = []
    notes: list[dict] = []
    for path, text, findings, error in results:
        location = {"uri": _uri(path)}
        if text is None:
            notes.append({"level": "error", "message": {"text": error or f"{path}: not analysed"},
                          "locations": [{"physicalLocation": {"artifactLocation": location}}]})
            continue
        index = len(artifacts)
        artifacts.append({"location": location, "length": len(text.encode("utf-8")), "encoding": "utf-8"})
        lines = LineIndex(text)
        for f in findings:
            if f.kind not in rules:
                rules[f.kind] = len(rule_list)
                rule_list.append(_rule(f.kind))
            out.append(_result(f, lines, {**location, "index": index}, rules[f.kind]))
    run = {
        "tool": {"driver": {"name": "unspin", "version": __version__, "semanticVersion": __version__,
                            "rules": rule_list}},
        "columnKind": "unicodeCodePoints",
        "artifacts": artifacts,
        "results": out,
        "invocations": [{"executionSuccessful": not notes, "toolExecutionNotifications": notes,
                         "workingDirectory": {"uri": PurePath(os.getcwd()).as_uri() + "/"}}],
    }
    return {"$schema": SCHEMA, "version": "2.1.0", "runs": [run]}


def _result(f: Finding, lines: LineIndex, location: dict, rule_index: int) -> dict:
    line, char = lines.position(f.start)
    end_line, end_char = lines.position(f.end)
    region = {"startLine": line + 1, "startColumn": char + 1, "endLine": end_line + 1, "endColumn": end_char + 1,
              "charOffset": f.start, "charLength": f.end - f.start, "snippet": {"text": f.text}}
    result = {
        "ruleId": f.kind, "ruleIndex": rule_index, "level": "warning",
        "message": {"text": _message(f)},
        "locations": [{"physicalLocation": {"artifactLocation": location, "region": region}}],
        "properties": {"confidence": round(f.confidence, 4), "suggestions": [s.text for s in f.suggestions],
                       "evidence": f.evidence},
    }
    if f.best:
        result["fixes"] = [{
            "description": {"text": f"Restore '{f.best}'"},
            "artifactChanges": [{"artifactLocation": location, "replacements": [{
                "deletedRegion": {"charOffset": f.start, "charLength": f.end - f.start},
                "insertedContent": {"text": f.best}}]}],
        }]
    return result


class SarifReporter:
    """``unspin check --format sarif``: one SARIF log, written once every file is in."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.files: list[tuple[str, str | None, list[Finding], str]] = []

    def file(self, result: FileResult) -> None:
        text = result.document.text if result.document is not None else None
        self.files.append((result.path, text, list(result.findings), result.error))

    def finish(self) -> None:
        json.dump(sarif_log(self.files), self.out, ensure_ascii=False, indent=1)
        self.out.write("\n")
        self.out.flush()
