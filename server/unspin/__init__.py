"""unspin: find words an article spinner swapped for thesaurus neighbours."""
from .engine import Engine, EngineSettings, analyze
from .findings import Finding, Suggestion

__all__ = ["Engine", "EngineSettings", "Finding", "Suggestion", "analyze"]
__version__ = "0.1.0"
