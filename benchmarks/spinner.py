"""A synthetic article spinner, for tuning and testing unspin on text of any genre.

    python benchmarks/spinner.py INPUT.txt OUT_PREFIX [--rate 0.25] [--style consistent|verbatim|varied]
                                 [--relations syn,sim] [--seed 1]

writes OUT_PREFIX.spun.txt and OUT_PREFIX.gold.json in the format that
``../shared/eval/score.py`` reads.  It walks the shipped thesaurus forwards:
each eligible word is, with probability ``rate``, replaced by a neighbour
drawn with the channel weights q(neighbour | word), re-inflected.

Three styles imitate the family of spinners seen in the wild:
``consistent`` leaves capitalised words and 'the', 'a', 'of' alone and keeps
one replacement per word per document; ``verbatim`` does the same but looks
words up as written, so it never touches an inflected form ("demands") and
writes its replacements uninflected; ``varied`` also replaces capitalised
words and draws a fresh replacement at every occurrence.  ``--relations``
limits the links followed (``syn,sim``: a spinner that takes only synonyms).
"""
from __future__ import annotations

import argparse
import json
import random
import re
from collections import defaultdict
from pathlib import Path

import lemminflect
from unspin.casing import match_case
from unspin.lexicon import shared_lexicon

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
_GOLD_TOKEN = re.compile(r"\w+(?:[’']\w+)*")
_KEEP = {"the", "a", "an", "of"}


def forward_table(relations: set[str] | None = None) -> dict[str, list[tuple[str, str, float, str]]]:
    """original lemma -> [(neighbour lemma, pos, q, relation)], over ``relations`` (all by default)."""
    table: dict[str, list[tuple[str, str, float, str]]] = defaultdict(list)
    for observed, pos, original, relation, log_q in shared_lexicon().links():
        if relations is None or relation in relations:
            table[original].append((observed, pos, 10 ** log_q, relation))
    return table


def _tag_of(word: str) -> tuple[str, str | None, str | None]:
    """(lemma, WordNet pos, Penn tag); pos and tag are None for a base form."""
    for upos, lemmas in lemminflect.getAllLemmas(word).items():
        for lemma in lemmas:
            if lemma == word:
                return word, None, None
            for tag, forms in lemminflect.getAllInflections(lemma, upos).items():
                if word in forms:
                    return lemma, {"NOUN": "n", "VERB": "v", "AUX": "v", "ADJ": "a", "ADV": "r"}.get(upos), tag
    return word, None, None


class Spinner:
    def __init__(self, rate: float, style: str, seed: int, relations: set[str] | None = None) -> None:
        self.rate, self.style = rate, style
        self.rng = random.Random(seed)
        self.table = forward_table(relations)

    def _replacement(self, word: str, chosen: dict[str, str | None]) -> str | None:
        if self.style != "varied" and word in chosen:
            return chosen[word]
        lemma, wn_pos, tag = (word, None, None) if self.style == "verbatim" else _tag_of(word)
        options = [o for o in self.table.get(lemma, []) if wn_pos is None or (o[1] == wn_pos and o[3] != "deriv")]
        out = None
        if options:
            nb, *_ = self.rng.choices(options, weights=[o[2] for o in options])[0]
            if tag is None:
                out = nb
            else:
                forms = lemminflect.getInflection(nb, tag, inflect_oov=True)
                out = forms[0] if forms else None
        chosen[word] = out
        return out

    def spin(self, text: str) -> tuple[str, list[dict]]:
        out, gold, pos = [], [], 0
        chosen: dict[str, str | None] = {}
        for m in _WORD.finditer(text):
            word = m.group()
            low = word.lower()
            if self.style != "varied" and (word[0].isupper() or low in _KEEP):
                continue
            if self.rng.random() >= self.rate:
                continue
            rep = self._replacement(low, chosen)
            if not rep or rep == low:
                continue
            out.append(text[pos:m.start()])
            gold.append((sum(len(s) for s in out), match_case(word, rep), low))
            out.append(match_case(word, rep))
            pos = m.end()
        out.append(text[pos:])
        spun = "".join(out)
        return spun, _gold_json(spun, gold)


def _gold_json(spun: str, subs: list[tuple[int, str, str]]) -> list[dict]:
    starts = [0] + [m.end() for m in re.finditer("\n", spun)]
    gold = []
    for offset, rep, orig in subs:
        line = max(i for i, s in enumerate(starts) if s <= offset)
        for t in _GOLD_TOKEN.finditer(rep):
            gold.append({"line": line, "col": offset - starts[line] + t.start(), "word": t.group(),
                         "status": "sub", "orig": [orig] if t.start() == 0 and len(t.group()) == len(rep) else None})
    return gold


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", type=Path)
    ap.add_argument("prefix")
    ap.add_argument("--rate", type=float, default=0.25)
    ap.add_argument("--style", choices=("consistent", "verbatim", "varied"), default="consistent")
    ap.add_argument("--relations", help="comma-separated thesaurus relations to follow (default: all)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    relations = set(args.relations.split(",")) if args.relations else None
    spun, gold = Spinner(args.rate, args.style, args.seed, relations).spin(args.input.read_text(encoding="utf-8"))
    Path(f"{args.prefix}.spun.txt").write_text(spun, encoding="utf-8")
    Path(f"{args.prefix}.gold.json").write_text(json.dumps(gold, indent=0), encoding="utf-8")


if __name__ == "__main__":
    main()
