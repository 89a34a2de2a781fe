"""The neural language model (SmolLM2-135M in plain numpy), scoring alternatives in whole sentences.

``shared_scorer()`` loads it once per process and returns it, or None when the weights are absent
(the engine then keeps to its trigram model; the reason is printed once on stderr).
"""
from __future__ import annotations

from ..loaded_once import loaded_once
from .scorer import Request, Scorer
from .weights import load_or_explain, load_scorer, locate

shared_scorer = loaded_once(load_or_explain)

__all__ = ["Request", "Scorer", "load_scorer", "locate", "shared_scorer"]
