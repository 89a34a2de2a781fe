"""Checking a document the same way in every front end: markup and inline markers first (only
prose is analysed), then the engine, then the nearest ``.unspin.json`` allowlist."""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import allowlist
from .documents import DEFAULT_MAX_BYTES, Document, InputError, read_document
from .engine import Engine
from .findings import Finding
from .fingerprints import FingerprintList
from .markup import language_for_path, prose_view
from .neural import shared_scorer
from .phrases import find_phrases, merge_phrases
from .refine import for_review, refine_words
from .register import PhraseMode, reads_phrases


@dataclass
class FileResult:
    """One file's outcome: its document and findings, or the error that stopped it (``document`` None)."""

    path: str
    document: Document | None
    findings: list[Finding] = field(default_factory=list)
    error: str = ""
    warning: str = ""  # a problem that did not stop the check (an unusable allowlist file)


@dataclass
class Checker:
    """What a front end asks of the engine for one file; shared by ``check`` and ``fix``."""

    engine: Engine
    threshold: float | None = None
    language: str | None = None  # markup for every file; None: from each file's name
    max_bytes: int = DEFAULT_MAX_BYTES
    use_allowlist: bool = True
    model: str = "neural"  # "trigram": skip the neural model's second opinion (``refine``)
    phrases: PhraseMode = "auto"  # the tortured-phrase pass (``phrases``); auto: on research writing (``register``)
    fingerprints: FingerprintList | None = None  # the user's list of known tortured phrases
    _allowlists: dict[Path, Path | None] = field(default_factory=dict, repr=False)

    def language_of(self, path: str) -> str:
        return self.language or ("plaintext" if path == "-" else language_for_path(path))

    def allowlist_for(self, path: str) -> allowlist.Allowlist:
        """The nearest ``.unspin.json`` above ``path`` (the working directory for stdin)."""
        if not self.use_allowlist:
            return allowlist.Allowlist()
        directory = Path.cwd() if path == "-" else Path(os.path.abspath(path)).parent
        if directory not in self._allowlists:
            self._allowlists[directory] = allowlist.find(directory)
        found = self._allowlists[directory]
        return allowlist.read(found) if found is not None else allowlist.Allowlist()

    def findings(self, text: str, language: str, allowed: allowlist.Allowlist,
                 tick: Callable[[], bool] | None = None) -> list[Finding]:
        """Findings in the prose of ``text``, offsets into ``text``; ``tick`` is polled as analysis goes."""
        prose = prose_view(text, language)
        threshold = self.engine.settings.threshold if self.threshold is None else self.threshold
        try:
            reviewed = for_review(self.engine, prose, threshold, cancelled=tick) if self.model == "neural" else None
            if reviewed is not None:
                found = refine_words(prose, reviewed, cancelled=tick, threshold=threshold)
            else:
                found = self.engine.analyze(prose, threshold, cancelled=tick)
        finally:
            self.engine.forget_texts()  # each file is checked once: see ``Engine.forget_texts``
        if self.reads_phrases(prose):
            found = find_phrases(prose, found, tick)
        if self.fingerprints is not None:
            found = merge_phrases(found, self.fingerprints.find(prose), overrule=True)
        return allowed.filter(found)

    def reads_phrases(self, prose: str) -> bool:
        """Whether the tortured-phrase pass reads ``prose``: as asked, where ``auto`` also needs the
        neural model (``--model trigram`` is asked for speed)."""
        return (self.model == "neural" or self.phrases != "auto") and reads_phrases(prose, self.phrases)

    def load_models(self) -> None:
        """Load the neural model now (if used), e.g. before forking workers that then share it."""
        if self.model == "neural":
            shared_scorer()

    def check(self, path: str, tick: Callable[[], bool] | None = None) -> FileResult:
        try:
            doc = read_document(path, self.max_bytes)
        except InputError as e:
            return FileResult(path, None, error=str(e))
        warning = ""
        try:
            allowed = self.allowlist_for(path)
        except allowlist.AllowlistError as e:
            allowed, warning = allowlist.Allowlist(), f"{e}; no words allowed"
        return FileResult(path, doc, self.findings(doc.text, self.language_of(path), allowed, tick), warning=warning)
