"""Server settings: one typed, fully defaulted model, fed from every configuration channel."""
from __future__ import annotations

import logging
import math
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from lsprotocol import types

from .. import allowlist
from ..markup import canonical_language
from ..register import PHRASE_MODES, PhraseMode

log = logging.getLogger(__name__)

WORKSPACE_FILE = allowlist.FILE_NAME
SECTION = "unspin"
PROSE_LANGUAGES = ("plaintext", "markdown", "latex", "tex", "restructuredtext", "html", "asciidoc", "gitcommit",
                   "git-commit", "text", "mail")
MODELS = ("neural", "trigram")  # "trigram": phase 1 only, no refinement (for slow machines)
ENCODINGS = ("utf-8", "utf-16", "utf-32")
# Bounds: a debounce of hours would mean diagnostics never arrive.
MAX_DEBOUNCE_MS = 10_000
MAX_FILE_SIZE = 100_000_000
SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "information": types.DiagnosticSeverity.Information,
    "hint": types.DiagnosticSeverity.Hint,
}


@dataclass(frozen=True)
class Settings:
    threshold: float = 0.5
    severity: str = "warning"
    languages: tuple[str, ...] = PROSE_LANGUAGES
    allowlist: frozenset[str] = field(default_factory=frozenset)
    max_file_size: int = 2_000_000  # characters; larger documents get a warning instead of analysis
    debounce_ms: int = 50
    model: str = "neural"
    phrases: PhraseMode = "auto"  # tortured phrases in phase 2: auto (research writing), always, never (as ``check``)
    fingerprints: str = ""  # a file of known tortured phrases (as ``unspin check --fingerprints``); "": none
    # Forces the position encoding for clients that cannot negotiate one and do not count UTF-16
    # (Vim's ALE counts bytes); read from initializationOptions only.
    position_encoding: str | None = None

    def enables(self, language_id: str) -> bool:
        """Whether documents of ``language_id`` are checked; editors' aliases ("rst", "tex") count."""
        return canonical_language(language_id) in {canonical_language(lang) for lang in self.languages}

    @property
    def diagnostic_severity(self) -> types.DiagnosticSeverity:
        return SEVERITIES[self.severity]

    def merged(self, raw: Any) -> Settings:
        """These settings updated from a client's JSON object; bad values are logged and ignored."""
        if not isinstance(raw, dict):
            return self
        raw = raw.get(SECTION, raw) if isinstance(raw.get(SECTION), dict) else raw
        changes: dict[str, Any] = {}
        names = {f.name: f.name for f in fields(self)} | {"maxFileSize": "max_file_size", "debounceMs": "debounce_ms",
                                                 "positionEncoding": "position_encoding"}
        for key, value in raw.items():
            name = names.get(key)
            if name is None:
                continue
            try:
                changes[name] = _coerce(name, value)
            except (TypeError, ValueError) as e:
                log.warning("ignoring setting %s=%r: %s", key, value, e)
        return replace(self, **changes)


def _coerce(name: str, value: Any) -> Any:
    if name == "threshold":
        v = float(value)
        if not 0.0 <= v <= 1.0:
            raise ValueError("must be between 0 and 1")
        return v
    if name == "severity":
        if str(value).lower() not in SEVERITIES:
            raise ValueError(f"must be one of {', '.join(SEVERITIES)}")
        return str(value).lower()
    if name == "languages":
        if not isinstance(value, list):
            raise TypeError("must be a list of language ids")
        return tuple(str(v) for v in value)
    if name == "allowlist":
        if not isinstance(value, list):
            raise TypeError("must be a list of words")
        return frozenset(str(v).lower() for v in value)
    if name == "model":
        if str(value).lower() not in MODELS:
            raise ValueError(f"must be one of {', '.join(MODELS)}")
        return str(value).lower()
    if name == "phrases":
        if isinstance(value, bool):  # the setting's first form: on or off
            return "always" if value else "never"
        if str(value).lower() not in PHRASE_MODES:
            raise ValueError(f"must be one of {', '.join(PHRASE_MODES)}")
        return str(value).lower()
    if name == "fingerprints":
        if not isinstance(value, str):
            raise TypeError("must be the path of a fingerprint list")
        return value
    if name == "position_encoding":
        if str(value).lower() not in ENCODINGS:
            raise ValueError(f"must be one of {', '.join(ENCODINGS)}")
        return str(value).lower()
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise TypeError("must be a number")
    number = float(value)
    if not math.isfinite(number):
        raise ValueError("must be a finite number")
    v = int(number)
    top = MAX_DEBOUNCE_MS if name == "debounce_ms" else MAX_FILE_SIZE
    if not 0 <= v <= top:
        raise ValueError(f"must be between 0 and {top:,}")
    return v


def read_workspace_allowlist(root: Path | None) -> frozenset[str]:
    """The words of the workspace's ``.unspin.json``; an unusable file is logged and reads as empty."""
    if root is None:
        return frozenset()
    try:
        return allowlist.read(root / WORKSPACE_FILE).words
    except allowlist.AllowlistError as e:
        log.warning("%s", e)
        return frozenset()


def add_to_workspace_allowlist(root: Path, word: str) -> frozenset[str]:
    """Add ``word`` to the workspace's ``.unspin.json``, keeping everything else in it; a file that
    cannot be parsed is never replaced (``allowlist.AllowlistError``)."""
    return allowlist.add_word(root / WORKSPACE_FILE, word).words
