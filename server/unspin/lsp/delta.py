"""A document's findings as a change to the findings sent for it before.

A one-word edit in a densely flagged document changes one finding of thousands; the worker sends
how many leading findings are the same, how many trailing ones are the same once shifted by the
change in length, and the new ones between.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..findings import Finding


@dataclass(frozen=True, slots=True)
class Delta:
    """``findings`` of result ``result`` as a change to the base result the request named."""

    result: int
    base: int | None  # None: ``middle`` is the whole list
    prefix: int  # leading findings of the base kept as they are
    suffix: int  # trailing findings of the base kept, shifted by ``shift``
    shift: int
    middle: tuple[Finding, ...]


def diff(old: list[Finding], new: list[Finding], shift: int) -> tuple[int, int]:
    """(prefix, suffix): how many leading findings ``new`` shares with ``old``, and how many trailing
    ones it shares once those of ``old`` move by ``shift`` code points."""
    prefix = 0
    for a, b in zip(old, new):
        if a != b:
            break
        prefix += 1
    suffix, room = 0, min(len(old), len(new)) - prefix
    while suffix < room:
        a, b = old[-1 - suffix], new[-1 - suffix]
        if not (a.start + shift == b.start and a.end + shift == b.end and a.confidence == b.confidence
                and a.text == b.text and a.suggestions == b.suggestions and a.evidence == b.evidence
                and a.kind == b.kind):
            break
        suffix += 1
    return prefix, suffix


def apply(base: list[Finding], delta: Delta) -> list[Finding]:
    if delta.base is None:
        return list(delta.middle)
    tail = base[len(base) - delta.suffix:] if delta.suffix else []
    shifted = [f.shifted(delta.shift) for f in tail] if delta.shift else tail
    return base[: delta.prefix] + list(delta.middle) + shifted
