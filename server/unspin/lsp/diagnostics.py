"""Findings -> LSP diagnostics, hover text and edits."""
from __future__ import annotations

from dataclasses import replace

from lsprotocol import types

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
    return types.Diagnostic(
        range=positions.range(f.start, f.end), message=message(f), severity=severity, source=SOURCE, code=CODE,
        data={"suggestions": [s.text for s in f.suggestions]},
    )


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
