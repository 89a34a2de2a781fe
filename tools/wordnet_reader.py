"""Minimal reader for the WordNet 3.0 database files (``data.*``, ``*.exc``).

Used only by ``build_thesaurus.py`` at build time; the installed package never
reads WordNet directly.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

POS_FILES = {"n": "noun", "v": "verb", "a": "adj", "r": "adv"}


@dataclass
class Synset:
    key: tuple[str, int]
    pos: str
    words: list[str]
    pointers: list[tuple[str, tuple[str, int], int, int]] = field(default_factory=list)
    gloss: str = ""


def _norm_pos(ss_type: str) -> str:
    return "a" if ss_type == "s" else ss_type


def read_wordnet(root: Path) -> dict[tuple[str, int], Synset]:
    """All synsets keyed by (pos, offset); adjective satellites count as 'a'."""
    synsets: dict[tuple[str, int], Synset] = {}
    for name in POS_FILES.values():
        with open(root / f"data.{name}", encoding="latin-1") as fh:
            for line in fh:
                if line.startswith("  "):
                    continue
                data, _, gloss = line.partition(" | ")
                parts = data.split()
                offset, ss_type = int(parts[0]), _norm_pos(parts[2])
                n_words = int(parts[3], 16)
                words = [parts[4 + 2 * i] for i in range(n_words)]
                idx = 4 + 2 * n_words
                n_ptrs = int(parts[idx])
                ptrs = []
                for j in range(n_ptrs):
                    sym, off, ppos, srctgt = parts[idx + 1 + 4 * j: idx + 5 + 4 * j]
                    ptrs.append((sym, (_norm_pos(ppos), int(off)), int(srctgt[:2], 16), int(srctgt[2:], 16)))
                synsets[(ss_type, offset)] = Synset((ss_type, offset), ss_type, words, ptrs, gloss.strip())
    return synsets


def clean_lemma(word: str) -> str:
    """'hold_on(a)' -> 'hold on'."""
    if word.endswith(")") and "(" in word:
        word = word[: word.index("(")]
    return word.replace("_", " ")


def read_exceptions(root: Path) -> dict[str, set[str]]:
    """Irregular inflected form -> base forms, all parts of speech."""
    out: dict[str, set[str]] = {}
    for name in POS_FILES.values():
        with open(root / f"{name}.exc", encoding="latin-1") as fh:
            for line in fh:
                form, *bases = line.split()
                out.setdefault(form, set()).update(bases)
    return out
