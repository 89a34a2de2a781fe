"""The ``.unspin.json`` allowlist: words never reported, shared by the CLI and the language server.

The file is a JSON object ``{"allowlist": ["word", ...]}``; other keys are kept as they are.
Reading is lenient (a file that cannot be used is reported and read as empty); adding a word
never replaces a file it could not parse, and keeps every entry it does not understand.
"""
from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .documents import InputError, write_atomic
from .findings import Finding

FILE_NAME = ".unspin.json"
KEY = "allowlist"


class AllowlistError(Exception):
    """An allowlist file that cannot be read or updated; the message names the file and says why."""


@dataclass(frozen=True)
class Allowlist:
    words: frozenset[str] = frozenset()
    path: Path | None = None  # the file the words came from

    def allows(self, word: str) -> bool:
        return word.lower() in self.words

    def filter(self, findings: Iterable[Finding]) -> list[Finding]:
        """The findings whose text is not allowed."""
        return [f for f in findings if f.text.lower() not in self.words]


def _load(path: Path) -> dict[str, Any]:
    """The file's object; AllowlistError when it is not a usable allowlist file."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise AllowlistError(f"{path}: not UTF-8 text") from None
    except OSError as e:
        raise AllowlistError(f"{path}: cannot read ({e.strerror or e})") from None
    try:
        data = json.loads(raw)
    except ValueError as e:
        raise AllowlistError(f"{path}: not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise AllowlistError(f"{path}: expected a JSON object like {{\"{KEY}\": [\"word\"]}}, "
                             f"found a {type(data).__name__}")
    entries = data.get(KEY, [])
    if not isinstance(entries, (list, str)):
        raise AllowlistError(f"{path}: \"{KEY}\" must be a list of words, found a {type(entries).__name__}")
    return data


def _entries(data: dict[str, Any]) -> list[Any]:
    """The allowlist entries as a list; a lone string is one word, never its letters."""
    entries = data.get(KEY, [])
    return [entries] if isinstance(entries, str) else list(entries)


def _words(entries: Iterable[Any]) -> frozenset[str]:
    return frozenset(e.strip().lower() for e in entries if isinstance(e, str) and e.strip())


def read(path: Path) -> Allowlist:
    """The allowlist in ``path``; an absent file is empty, a bad one raises AllowlistError."""
    if not path.exists():
        return Allowlist(path=path)
    return Allowlist(_words(_entries(_load(path))), path)


def find(start: Path) -> Path | None:
    """The nearest ``.unspin.json`` in ``start`` (a directory) or its parents, as typos finds its config."""
    for directory in (start, *start.parents):
        candidate = directory / FILE_NAME
        if candidate.is_file():
            return candidate
    return None


def add_word(path: Path, word: str) -> Allowlist:
    """Add ``word`` to the file at ``path`` (created if absent), keeping everything else in it."""
    word = word.strip().lower()
    if not word:
        raise AllowlistError("cannot allow an empty word")
    data = _load(path) if path.exists() else {}
    entries = _entries(data)
    if word not in _words(entries):
        entries.append(word)
    data[KEY] = entries
    try:
        write_atomic(str(path), json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    except InputError as e:
        raise AllowlistError(str(e)) from None
    return Allowlist(_words(entries), path)
