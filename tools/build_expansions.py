"""Build ``server/unspin/data/expansions.tsv.gz``: WordNet phrases that a spinner may write for one word.

A spinner that replaces a word by the first lemma of one of its WordNet synsets writes a phrase
whenever that lemma is one: "it" becomes "information technology", "an" becomes "associate in
nursing", "or" becomes "operating room".  For an observed phrase, unspin needs the single words it
may stand for, with the probability that such a spinner, holding the word, writes the phrase: the
share of the word's synsets (every part of speech) whose first lemma it is.  Each line is
``phrase<TAB>word:log10q<TAB>...`` in lower case, sorted by the phrase for ``SortedTable``, the
words likeliest first (q times the word's frequency).  Phrases a spinner writes for a *phrase*
("in order to" for "so as to") and Moby's phrases are read from ``moby.tsv.gz``.

    python tools/build_expansions.py [--wordnet DIR]   (WordNet 3.0 database files, as build_thesaurus.py)
"""
from __future__ import annotations

import argparse
import gzip
import math
import sys
from collections import Counter, defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from wordnet_reader import clean_lemma, read_wordnet  # noqa: E402

OUT = Path(__file__).resolve().parents[1] / "server" / "unspin" / "data" / "expansions.tsv.gz"


def expansions(root: Path) -> dict[str, dict[str, float]]:
    """phrase -> {word: q(phrase | word)} over every synset whose first lemma is a phrase."""
    senses: dict[str, list[str]] = defaultdict(list)  # word -> first lemma of each of its synsets
    for synset in read_wordnet(root).values():
        lemmas = [clean_lemma(w).lower() for w in synset.words]
        for lemma in dict.fromkeys(lemmas):
            senses[lemma].append(lemmas[0])
    out: dict[str, dict[str, float]] = defaultdict(dict)
    for word, firsts in senses.items():
        if " " in word or not word.isalpha():
            continue
        for phrase, n in Counter(firsts).items():
            if " " in phrase and phrase != word:
                out[phrase][word] = n / len(firsts)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--wordnet", type=Path, default=None, help="WordNet 3.0 database folder")
    args = ap.parse_args()
    root = args.wordnet
    if root is None:
        sys.path.insert(0, str(OUT.parents[3] / "benchmarks"))
        from spinner import wordnet_root

        root = wordnet_root()
    if root is None:
        sys.exit("no WordNet 3.0 database found: pass --wordnet DIR")
    sys.path.insert(0, str(OUT.parents[2]))
    from unspin.lexicon import shared_lexicon

    unigram = shared_lexicon().log10_unigram
    table = expansions(root)
    lines = []
    for phrase in sorted(table, key=lambda k: k.encode("utf-8")):
        words = sorted(table[phrase].items(), key=lambda wq: (-(math.log10(wq[1]) + unigram(wq[0])), wq[0]))
        lines.append(phrase + "\t" + "\t".join(f"{w}:{math.log10(q):.3f}" for w, q in words))
    OUT.write_bytes(gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), 9, mtime=0))
    print(f"{OUT}: {len(lines):,} phrases, {sum(len(v) for v in table.values()):,} links", file=sys.stderr)


if __name__ == "__main__":
    main()
