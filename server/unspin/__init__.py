"""unspin: find words an article spinner swapped for thesaurus neighbours.

The engine is imported on first use, so that light users (the language server's main process)
do not pay for numpy and the language model.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

__version__ = "0.1.0"
__all__ = ["Engine", "EngineSettings", "Finding", "Suggestion", "analyze"]

if TYPE_CHECKING:
    from .engine import Engine, EngineSettings, analyze
    from .findings import Finding, Suggestion


def __getattr__(name: str):
    if name in ("Engine", "EngineSettings", "analyze"):
        from . import engine

        return getattr(engine, name)
    if name in ("Finding", "Suggestion"):
        from . import findings

        return getattr(findings, name)
    raise AttributeError(name)
