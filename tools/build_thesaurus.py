"""Build unspin's reverse thesaurus from WordNet 3.0 and MyThes (en_US).

    python tools/build_thesaurus.py [--wordnet /usr/share/wordnet]
        [--mythes /usr/share/mythes/th_en_US_v2.dat] [--out server/unspin/data]

Sources are Debian's ``wordnet-base`` and ``mythes-en-us`` packages; they are
needed only to regenerate the table, never at run time.

A spinner replaces an original word ``c`` by a neighbour ``t`` drawn from a
thesaurus.  The table answers the reverse question: given the observed
lemma ``t``, which originals ``c`` could have produced it, and with what
channel probability ``q(t | c)`` (the chance that a spinner holding ``c``
picks ``t``).  ``q`` is the relation weight of ``t`` among all of ``c``'s
neighbours, so an original with many synonyms explains each of them weakly.

Output, gzipped UTF-8 TSV, one observed lemma per line::

    observed <TAB> pos <TAB> original:relation:log10q <TAB> ...

with the originals of a row ordered by q(observed | original) * P(original), most likely first.

and ``lexicon.tsv.gz``: word <TAB> zipf frequency (from wordfreq) for every
word in the table, used by the engine as its unigram back-off.
"""
from __future__ import annotations

import argparse
import gzip
import math
import re
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from wordnet_reader import clean_lemma, read_wordnet  # noqa: E402

# Relation weights: how readily a spinner moves from the original to a word
# in that relation.  Same-synset words are the spinner's first choice.
WEIGHTS = {
    "syn": 1.0,       # same WordNet synset
    "sim": 0.6,       # adjective similar-to cluster
    "hyper": 0.5,     # the original's hypernym
    "hypo": 0.15,     # one of the original's hyponyms
    "group": 0.4,     # verb group
    "also": 0.3,      # also-see
    "deriv": 0.25,    # derivationally related form
    "mythes": 0.5,    # MyThes synonym not linked in WordNet
    "two": 0.08,      # synonym of a synonym / similar word
}
RELATION_POINTERS = {"&": "sim", "@": "hyper", "@i": "hyper", "~": "hypo", "$": "group", "^": "also", "+": "deriv"}
WORD = re.compile(r"^[a-z][a-z'-]*$")
MAX_HYPONYMS = 40
# Originals are words of ordinary prose: rarer ones are seldom spun, and
# keeping them would only add false candidates.
MIN_ORIGINAL_ZIPF = 2.5
MIN_LOG10_Q = -2.5


def wordnet_neighbours(root: Path) -> dict[tuple[str, str], dict[str, str]]:
    """(original lemma, pos) -> {neighbour lemma: best relation}."""
    synsets = read_wordnet(root)
    out: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)

    def add(orig: str, pos: str, word: str, rel: str) -> None:
        word = clean_lemma(word).lower()
        if word == orig or not WORD.match(word):
            return
        have = out[(orig, pos)].get(word)
        if have is None or WEIGHTS[rel] > WEIGHTS[have]:
            out[(orig, pos)][word] = rel

    for ss in synsets.values():
        lemmas = [clean_lemma(w).lower() for w in ss.words]
        for i, orig in enumerate(lemmas):
            if not WORD.match(orig):
                continue
            for other in lemmas:
                add(orig, ss.pos, other, "syn")
            if ss.words[i][0].isupper():
                # A name ("More", "London") or symbol ("He"): a spinner that looks words up in lower
                # case reaches its synset ("he" -> "helium"), but the classes above a name ("author"
                # for More) are not senses of the common word.
                continue
            for sym, target, src, tgt in ss.pointers:
                rel = RELATION_POINTERS.get(sym)
                if rel is None:
                    continue
                words = synsets[target].words
                if src:
                    if src - 1 != i:
                        continue
                    words = [words[tgt - 1]]
                elif rel == "hypo" and len(words) * 1 > MAX_HYPONYMS:
                    continue
                for w in words:
                    add(orig, ss.pos, w, rel)
    return out


def mythes_neighbours(path: Path) -> dict[tuple[str, str], set[str]]:
    pos_map = {"noun": "n", "verb": "v", "adj": "a", "adv": "r"}
    out: dict[tuple[str, str], set[str]] = defaultdict(set)
    lines = path.read_text(encoding="utf-8").split("\n")
    i = 1
    while i < len(lines):
        if not lines[i]:
            i += 1
            continue
        head, n = lines[i].rsplit("|", 1)
        orig = head.lower()
        for meaning in lines[i + 1: i + 1 + int(n)]:
            pos, *words = meaning.split("|")
            p = pos_map.get(pos.strip("()"))
            if p is None or not WORD.match(orig):
                continue
            for w in words:
                if "(antonym)" in w or "(generic term)" in w or "(related term)" in w:
                    continue
                out[(orig, p)].add(re.sub(r" \(.*\)$", "", w).lower())
        i += int(n) + 1
    return out


def build(wordnet: Path, mythes: Path | None, zipf) -> dict[str, dict[str, dict[str, tuple[str, float]]]]:
    forward = wordnet_neighbours(wordnet)
    if mythes is not None:
        for key, words in mythes_neighbours(mythes).items():
            for w in words:
                if w != key[0] and WORD.match(w) and w not in forward[key]:
                    forward[key][w] = "mythes"
    two_step: dict[tuple[str, str], dict[str, str]] = defaultdict(dict)
    for (orig, pos), nbrs in forward.items():
        for mid, rel in list(nbrs.items()):
            if rel not in ("syn", "sim"):
                continue
            for far, rel2 in forward.get((mid, pos), {}).items():
                if rel2 in ("syn", "sim") and far != orig and far not in nbrs:
                    two_step[(orig, pos)][far] = "two"
    reverse: dict[str, dict[str, dict[str, tuple[str, float]]]] = defaultdict(lambda: defaultdict(dict))
    for (orig, pos), nbrs in forward.items():
        if zipf(orig) < MIN_ORIGINAL_ZIPF:
            continue
        allnb = {**two_step.get((orig, pos), {}), **nbrs}
        total = sum(WEIGHTS[r] for r in allnb.values())
        for word, rel in allnb.items():
            logq = math.log10(WEIGHTS[rel] / total)
            if logq < MIN_LOG10_Q:
                continue
            reverse[word][pos][orig] = (rel, logq)
    return reverse


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--wordnet", type=Path, default=Path("/usr/share/wordnet"))
    ap.add_argument("--mythes", type=Path, default=Path("/usr/share/mythes/th_en_US_v2.dat"))
    ap.add_argument("--out", type=Path, default=Path(__file__).parents[1] / "server/unspin/data")
    args = ap.parse_args()
    import wordfreq

    def zipf(word: str) -> float:
        return wordfreq.zipf_frequency(word, "en")

    reverse = build(args.wordnet, args.mythes if args.mythes.exists() else None, zipf)
    args.out.mkdir(parents=True, exist_ok=True)
    vocab: set[str] = set()
    with gzip.open(args.out / "reverse.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as fh:
        for word in sorted(reverse):
            for pos in sorted(reverse[word]):
                origs = reverse[word][pos]
                # Most likely originals first (q times the original's frequency): the engine reads only the head.
                ranked = sorted(origs.items(), key=lambda kv: (-(kv[1][1] + zipf(kv[0])), kv[0]))
                cells = [f"{o}:{rel}:{lq:.2f}" for o, (rel, lq) in ranked]
                fh.write(f"{word}\t{pos}\t" + "\t".join(cells) + "\n")
                vocab.add(word)
                vocab.update(origs)
    with gzip.open(args.out / "lexicon.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as fh:
        for w in sorted(vocab):
            fh.write(f"{w}\t{zipf(w):.2f}\n")
    print(f"{len(reverse)} observed lemmas, {len(vocab)} words -> {args.out}")


if __name__ == "__main__":
    main()
