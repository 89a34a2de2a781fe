"""Build unspin's inflection tables from the shipped reverse thesaurus and lemminflect.

    python tools/build_morphology.py [--data server/unspin/data]

Run after ``build_thesaurus.py``.  The engine needs two things from
morphology, both answered here once so that it never loads lemminflect (whose
tables cost 0.7 s and 50 MB per process):

``analyses.tsv.gz``, one line per word form that is a thesaurus lemma or an
inflection of one::

    form <TAB> inflected (1/0) <TAB> lemma:pos:tag <TAB> ...

``inflected`` says the form is not its own lemma under any part of speech
("demands", "began"); each analysis says the form is the Penn ``tag``
inflection of the thesaurus lemma of WordNet part of speech ``pos``.

``inflections.tsv.gz``, one line per original lemma of the thesaurus::

    lemma <TAB> tag:form <TAB> ...

the form of ``lemma`` for every Penn tag of its parts of speech.
"""
from __future__ import annotations

import argparse
import gzip
from collections import defaultdict
from pathlib import Path

import lemminflect

WN_TO_UPOS = {"n": "NOUN", "v": "VERB", "a": "ADJ", "r": "ADV"}
TAGS = {"n": ("NN", "NNS"), "v": ("VB", "VBD", "VBG", "VBN", "VBP", "VBZ"), "a": ("JJ", "JJR", "JJS"),
        "r": ("RB", "RBR", "RBS")}


def read_reverse(path: Path) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(observed lemma -> its parts of speech, original lemma -> its parts of speech)."""
    observed: dict[str, set[str]] = defaultdict(set)
    originals: dict[str, set[str]] = defaultdict(set)
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            word, pos, *cells = line.rstrip("\n").split("\t")
            observed[word].add(pos)
            for cell in cells:
                originals[cell.rsplit(":", 2)[0]].add(pos)
    return observed, originals


def is_inflected(word: str) -> bool:
    lemmas = lemminflect.getAllLemmas(word)
    return bool(lemmas) and not any(word in forms for forms in lemmas.values())


def analyses(observed: dict[str, set[str]]) -> dict[str, list[tuple[str, str, str]]]:
    """form -> [(thesaurus lemma, WordNet pos, Penn tag)], for every lemma and each of its inflections."""
    out: dict[str, list[tuple[str, str, str]]] = {word: [] for word in observed}
    for lemma, parts in sorted(observed.items()):
        for pos in sorted(parts):
            for tag, forms in lemminflect.getAllInflections(lemma, WN_TO_UPOS[pos]).items():
                for form in forms:
                    if form != lemma and (lemma, pos, tag) not in out.get(form, ()):
                        out.setdefault(form, []).append((lemma, pos, tag))
    return out


def inflect(lemma: str, tag: str) -> str | None:
    upos = {"N": "NOUN", "V": "VERB", "J": "ADJ", "R": "ADV"}[tag[0]]
    forms = lemminflect.getAllInflections(lemma, upos).get(tag) or lemminflect.getInflection(
        lemma, tag, inflect_oov=True)
    return forms[0] if forms else None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=Path(__file__).parents[1] / "server/unspin/data")
    args = ap.parse_args()
    observed, originals = read_reverse(args.data / "reverse.tsv.gz")
    table = analyses(observed)
    with gzip.open(args.data / "analyses.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as fh:
        for form in sorted(table):
            cells = [f"{lemma}:{pos}:{tag}" for lemma, pos, tag in table[form]]
            fh.write("\t".join([form, "1" if is_inflected(form) else "0", *cells]) + "\n")
    with gzip.open(args.data / "inflections.tsv.gz", "wt", encoding="utf-8", compresslevel=9) as fh:
        for lemma in sorted(originals):
            cells = [f"{tag}:{form}" for pos in sorted(originals[lemma]) for tag in TAGS[pos]
                     if (form := inflect(lemma, tag))]
            fh.write("\t".join([lemma, *cells]) + "\n")
    print(f"{len(table)} analysed forms, {len(originals)} original lemmas -> {args.data}")


if __name__ == "__main__":
    main()
