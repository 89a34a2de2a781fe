"""Turn findings into text edits; everything outside the replaced ranges stays byte-for-byte."""
from __future__ import annotations

from collections.abc import Iterable

from .findings import Finding


def restore(text: str, findings: Iterable[Finding]) -> str:
    """``text`` with every finding replaced by its best suggestion."""
    parts, pos = [], 0
    for f in sorted(findings, key=lambda f: f.start):
        if f.best is None or f.start < pos:
            continue
        parts.append(text[pos:f.start])
        parts.append(f.best)
        pos = f.end
    parts.append(text[pos:])
    return "".join(parts)
