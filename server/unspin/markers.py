"""Inline markers that switch checking off: ``unspin: disable`` / ``enable`` / ``ignore-next-line``.

They work in any language (in a comment of a source file, in an HTML or LaTeX comment, in plain
text), so they are applied to the characters of a document after its markup.  Lines are split as
LSP splits them (``\\r\\n``, ``\\r``, ``\\n``), so "next line" is the line the editor shows.
"""
from __future__ import annotations

import re

_MARKER = re.compile(r"unspin:\s*(disable|enable|ignore-next-line)\b")
_LINE = re.compile(r"[^\r\n]*(?:\r\n|\r|\n|\Z)")


def apply_markers(text: str, chars: list[str]) -> None:
    """Blank (in place) the characters of ``text`` that markers switch off; line breaks stay."""
    if "unspin:" not in text:
        return
    disabled = skip_next = False
    for line in _LINE.finditer(text):
        if line.start() == line.end():
            break
        m = _MARKER.search(line.group())
        blank = disabled or skip_next or m is not None
        skip_next = False
        if m is not None:
            if m.group(1) == "disable":
                disabled = True
            elif m.group(1) == "enable":
                disabled = False
            else:
                skip_next = True
        if blank:
            for i in range(line.start(), line.end()):
                if chars[i] not in "\r\n":
                    chars[i] = " "


def without_markers(text: str) -> str:
    """``text`` with what the markers switch off blanked, and nothing else."""
    chars = list(text)
    apply_markers(text, chars)
    return "".join(chars)
