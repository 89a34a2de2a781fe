"""Findings -> LSP diagnostics, hover text and edits."""
from __future__ import annotations

from dataclasses import replace

from cattrs import Converter
from lsprotocol import types
from pygls.protocol import default_converter

from ..findings import Finding
from ..fixes import restore
from .positions import PositionMap

SOURCE = "unspin"
CODE = "spun-word"


def message(f: Finding) -> str:
    if f.best:
        return f"'{f.text}' may be a spun substitute for '{f.best}' ({f.confidence:.0%})"
    return f"'{f.text}' may be a spun substitute ({f.confidence:.0%})"


def diagnostic(f: Finding, positions: PositionMap, severity: types.DiagnosticSeverity) -> types.Diagnostic:
    return _diagnostic(f, positions.position(f.start), positions.position(f.end), severity)


def _diagnostic(f: Finding, start: types.Position, end: types.Position,
                severity: types.DiagnosticSeverity) -> types.Diagnostic:
    return types.Diagnostic(range=types.Range(start, end), message=message(f), severity=severity, source=SOURCE,
                            code=CODE, data={"suggestions": [s.text for s in f.suggestions]})


class DiagnosticCache:
    """A document's diagnostics from its last publish, reused for findings that did not move.

    A one-word edit in a densely flagged document changes one diagnostic of thousands; building
    the others again (lsprotocol objects validate every field) would cost more than the analysis.
    """

    def __init__(self) -> None:
        self._last: dict[tuple, types.Diagnostic] = {}

    def build(self, findings: list[Finding], positions: PositionMap,
              severity: types.DiagnosticSeverity) -> list[types.Diagnostic]:
        fresh: dict[tuple, types.Diagnostic] = {}
        out = []
        for f in findings:
            start, end = positions.position(f.start), positions.position(f.end)
            key = (f.text, f.confidence, f.suggestions, start.line, start.character, end.line, end.character,
                   severity)
            d = self._last.get(key) or fresh.get(key) or _diagnostic(f, start, end, severity)
            fresh[key] = d
            out.append(d)
        self._last = fresh
        return out


_PLAIN_FIELDS = ("code_description", "tags", "related_information")


def converter() -> Converter:
    """pygls's converter, with a direct path for the diagnostics this server sends (thousands per
    publish in a spun document; the generic hook takes four times as long)."""
    conv = default_converter()
    generic = conv.get_unstructure_hook(types.Diagnostic)

    def unstructure(d: types.Diagnostic) -> dict:
        if any(getattr(d, name) is not None for name in _PLAIN_FIELDS):
            return generic(d)
        r = d.range
        out: dict = {"range": {"start": {"line": r.start.line, "character": r.start.character},
                               "end": {"line": r.end.line, "character": r.end.character}},
                     "message": d.message}
        if d.severity is not None:
            out["severity"] = d.severity.value
        if d.code is not None:
            out["code"] = d.code
        if d.source is not None:
            out["source"] = d.source
        if d.data is not None:
            out["data"] = d.data
        return out

    conv.register_unstructure_hook(types.Diagnostic, unstructure)
    return conv


def hover_markdown(f: Finding, text: str, sentence: tuple[int, int], findings: list[Finding]) -> str:
    lines = [f"**unspin**: `{f.text}` looks like a spun substitute ({f.confidence:.0%} confidence)", ""]
    if f.suggestions:
        lines.append("Likely original:")
        lines += [f"{k}. **{s.text}** ({s.probability:.0%}) — {s.relation}" for k, s in enumerate(f.suggestions, 1)]
    else:
        lines.append("No original can be proposed.")
    if f.evidence:
        lines += ["", f"Evidence: {f.evidence}."]
    start, end = sentence
    inside = [g for g in findings if start <= g.start and g.end <= end]
    restored = restore(text[start:end], [replace(g, start=g.start - start, end=g.end - start) for g in inside]).strip()
    lines += ["", "Sentence restored:", "", f"> {' '.join(restored.split())}"]
    return "\n".join(lines)


def replace_edits(findings: list[Finding], positions: PositionMap) -> list[types.TextEdit]:
    return [types.TextEdit(positions.range(f.start, f.end), f.best) for f in findings if f.best]
