"""Server settings: one typed, fully defaulted model, fed from every configuration channel."""
from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from lsprotocol import types

from .markup import canonical_language

log = logging.getLogger(__name__)

WORKSPACE_FILE = ".unspin.json"
SECTION = "unspin"
PROSE_LANGUAGES = ("plaintext", "markdown", "latex", "tex", "restructuredtext", "html", "asciidoc", "gitcommit",
                   "git-commit", "text", "mail")
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

    def enables(self, language_id: str) -> bool:
        """Whether documents of ``language_id`` are checked; editors' aliases ("rst", "tex") count."""
        return canonical_language(language_id) in {canonical_language(lang) for lang in self.languages}

    @property
    def diagnostic_severity(self) -> types.DiagnosticSeverity:
        return SEVERITIES[self.severity]

    def merged(self, raw: Any) -> "Settings":
        """These settings updated from a client's JSON object; bad values are logged and ignored."""
        if not isinstance(raw, dict):
            return self
        raw = raw.get(SECTION, raw) if isinstance(raw.get(SECTION), dict) else raw
        changes: dict[str, Any] = {}
        names = {f.name: f.name for f in fields(self)} | {"maxFileSize": "max_file_size", "debounceMs": "debounce_ms"}
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
    v = int(value)
    if v < 0:
        raise ValueError("must not be negative")
    return v


def read_workspace_allowlist(root: Path | None) -> frozenset[str]:
    if root is None:
        return frozenset()
    try:
        data = json.loads((root / WORKSPACE_FILE).read_text(encoding="utf-8"))
        return frozenset(str(w).lower() for w in data.get("allowlist", []))
    except FileNotFoundError:
        return frozenset()
    except (OSError, ValueError, AttributeError) as e:
        log.warning("cannot read %s: %s", root / WORKSPACE_FILE, e)
        return frozenset()


def add_to_workspace_allowlist(root: Path, word: str) -> frozenset[str]:
    """Add ``word`` to the workspace's allowlist file, keeping its other contents."""
    path = root / WORKSPACE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, dict):
            data = {}
    except (OSError, ValueError):
        data = {}
    words = sorted(set(data.get("allowlist", [])) | {word.lower()})
    data["allowlist"] = words
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    tmp.replace(path)
    return frozenset(words)
