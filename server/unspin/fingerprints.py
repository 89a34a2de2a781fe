"""User fingerprint lists: known tortured phrases and the terms they stand for.

unspin ships no such list (detection comes from its models); a user may bring one, such as the
Problematic Paper Screener's export CSV or a plain two-column TSV (tortured phrase, expected term).
A listed phrase is matched case-blind, across line breaks and hyphens, and in its inflected forms
("bolster vector machines" matches "bolster vector machine").
"""
from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from .casing import match_case
from .findings import Finding, Suggestion
from .tokens import Token, tokenize

KIND = "fingerprint"
_TORTURED_COLUMNS = ("fingerprint - tortured phrase", "tortured phrase", "tortured", "fingerprint")
_EXPECTED_COLUMNS = ("expected text", "expected", "expected term")
_JOIN = re.compile(r"[\s\-‐‑–]*")  # what may stand between two words of a phrase: blanks, line breaks, hyphens
_MATCHED_KINDS = ("word", "number")
_MAX_EXPECTED = 5


class FingerprintError(ValueError):
    """A fingerprint file that cannot be read; the message names the file and, where it can, the line."""


@dataclass(frozen=True, slots=True)
class Fingerprint:
    tortured: str
    expected: tuple[str, ...]  # the terms it may stand for, likeliest first (may be empty)
    keys: tuple[frozenset[str], ...]  # per word of ``tortured``, the base forms it matches


def word_bases(word: str) -> frozenset[str]:
    """The forms a word may be an inflection of, itself included: "machines" -> machine, machin(e)s ...

    Two words match when their bases meet, so "blunders" matches "blunder" and "studies" "study";
    crude on purpose, since a fingerprint is several words long and a wrong stem rarely lines up.
    """
    w = word.lower().replace("’", "'")
    out = {w}
    if len(w) > 3:
        if w.endswith("ies"):
            out.add(w[:-3] + "y")
        if w.endswith("es"):
            out.add(w[:-2])
        if w.endswith("s") and not w.endswith("ss"):
            out.add(w[:-1])
        if w.endswith("ied"):
            out.add(w[:-3] + "y")
        if w.endswith("ed"):
            out.update((w[:-2], w[:-1]))
        if w.endswith("ing") and len(w) > 5:
            out.update((w[:-3], w[:-3] + "e"))
        if w.endswith("'s"):
            out.add(w[:-2])
    return frozenset(out)


def _words(text: str) -> list[Token]:
    return [t for t in tokenize(text) if t.kind in _MATCHED_KINDS]


def fingerprint(tortured: str, expected: Iterable[str]) -> Fingerprint | None:
    """A fingerprint for ``tortured``; None if it holds no word."""
    words = _words(tortured)
    if not words:
        return None
    exp = tuple(dict.fromkeys(e.strip() for e in expected if e.strip()))[:_MAX_EXPECTED]
    return Fingerprint(" ".join(tortured.split()), exp, tuple(word_bases(t.text) for t in words))


@dataclass
class FingerprintList:
    """Fingerprints indexed by the bases of their first word."""

    source: str = "fingerprint list"
    items: list[Fingerprint] = field(default_factory=list)
    _index: dict[str, list[Fingerprint]] = field(default_factory=dict, repr=False)

    def add(self, fp: Fingerprint) -> None:
        self.items.append(fp)
        for base in fp.keys[0]:
            self._index.setdefault(base, []).append(fp)

    def __len__(self) -> int:
        return len(self.items)

    def find(self, text: str) -> list[Finding]:
        """Every listed phrase in ``text``, longest match first where two start at one word."""
        words = _words(text)
        out: list[Finding] = []
        taken = 0
        for i, tok in enumerate(words):
            if tok.start < taken:
                continue
            best: tuple[int, Fingerprint] | None = None
            seen: set[int] = set()
            for base in word_bases(tok.text):
                for fp in self._index.get(base, ()):
                    if id(fp) in seen:
                        continue
                    seen.add(id(fp))
                    end = self._match(text, words, i, fp)
                    if end is not None and (best is None or end > best[0]):
                        best = (end, fp)
            if best is None:
                continue
            end, fp = best
            out.append(self._finding(text, words, i, end, fp))
            taken = words[end - 1].end
        return out

    @staticmethod
    def _match(text: str, words: list[Token], i: int, fp: Fingerprint) -> int | None:
        """Index after the last word of ``fp`` matched from ``words[i]``, or None."""
        n = len(fp.keys)
        if i + n > len(words):
            return None
        for k in range(n):
            tok = words[i + k]
            if k and not _JOIN.fullmatch(text, words[i + k - 1].end, tok.start):
                return None
            if not (fp.keys[k] & word_bases(tok.text)):
                return None
        return i + n

    def _finding(self, text: str, words: list[Token], i: int, end: int, fp: Fingerprint) -> Finding:
        start, stop = words[i].start, words[end - 1].end
        written = text[start:stop]
        relation = f"listed in {self.source} as a tortured form of '{fp.expected[0]}'" if fp.expected else \
            f"listed in {self.source} as a tortured phrase"
        plural = _is_plural_of(words[end - 1].text, fp.tortured)
        suggestions = tuple(Suggestion(match_case(written, _plural(e) if plural else e), 1.0 if k == 0 else 0.0,
                                       relation)
                            for k, e in enumerate(fp.expected))
        evidence = f"the fingerprint '{fp.tortured}' from {self.source} matches here"
        return Finding(start, stop, written, 1.0, suggestions, evidence, KIND)


def _is_plural_of(written: str, tortured: str) -> bool:
    """Whether the text has the listed phrase's last word with a plural ending the list does not have."""
    last = tortured.split()[-1].lower() if tortured.split() else ""
    w = written.lower()
    return w != last and w.endswith("s") and not last.endswith("s") and last in word_bases(w)


def _plural(term: str) -> str:
    """``term`` with its last word in the plural ("support vector machine" -> "... machines")."""
    if not term or not term[-1].isalpha() or term.endswith("s"):
        return term
    if term.endswith(("x", "ch", "sh")):
        return term + "es"
    if term.endswith("y") and term[-2:-1] not in "aeiou":
        return term[:-1] + "ies"
    return term + "s"


def parse_fingerprints(content: str, source: str = "fingerprint list") -> FingerprintList:
    """A list from the text of a Problematic Paper Screener export CSV or a two-column TSV.

    Raises ``FingerprintError`` naming ``source`` when the text is neither.
    """
    lines = content.lstrip("\ufeff").splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    if not first:
        raise FingerprintError(f"{source}: no fingerprints in it")
    out = FingerprintList(source)
    if "\t" in first:
        rows = csv.reader(io.StringIO("\n".join(lines)), delimiter="\t", quoting=csv.QUOTE_NONE)
        _read_rows(out, rows, source, tabbed=True)
    else:
        rows = csv.reader(io.StringIO("\n".join(lines)))
        _read_rows(out, rows, source, tabbed=False)
    if not out:
        raise FingerprintError(f"{source}: no fingerprints in it")
    return out


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    cells = [h.strip().lower() for h in header]
    for name in names:
        if name in cells:
            return cells.index(name)
    return None


def _read_rows(out: FingerprintList, rows: Iterable[list[str]], source: str, tabbed: bool) -> None:
    it = iter(rows)
    try:
        header = next(it)
    except (StopIteration, csv.Error) as e:
        raise FingerprintError(f"{source}: unreadable ({e})") from None
    t_col, e_col = _column(header, _TORTURED_COLUMNS), _column(header, _EXPECTED_COLUMNS)
    line = 1
    if t_col is None:
        if not tabbed:
            raise FingerprintError(
                f"{source}: line 1: expected a CSV header with a 'Fingerprint - Tortured Phrase' column "
                "(the Problematic Paper Screener export) or a tab-separated file: tortured phrase<TAB>expected term")
        t_col, e_col = 0, 1
        it = _chain(header, it)
        line = 0
    try:
        for row in it:
            line += 1
            if not row or not any(c.strip() for c in row):
                continue
            if len(row) <= t_col:
                raise FingerprintError(f"{source}: line {line}: no tortured phrase in column {t_col + 1}")
            expected = row[e_col] if e_col is not None and e_col < len(row) else ""
            fp = fingerprint(row[t_col], re.split(r"\s*[;|]\s*", expected))
            if fp is not None:
                out.add(fp)
    except csv.Error as e:
        raise FingerprintError(f"{source}: line {line}: {e}") from None


def _chain(first: list[str], rest: Iterable[list[str]]) -> Iterable[list[str]]:
    yield first
    yield from rest


def load_fingerprints(path: str | Path) -> FingerprintList:
    """The list in the file at ``path``; ``FingerprintError`` if it cannot be read or holds none."""
    p = Path(path)
    try:
        content = p.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        raise FingerprintError(f"{path}: cannot read fingerprint list ({e})") from None
    return parse_fingerprints(content, str(path))
