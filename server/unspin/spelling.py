"""British and Commonwealth spellings in their American form, for the language model's reading.

The trigram model learned American English: it all but lacks "metres" and "harbour", so a British
text would look full of rare words that commoner synonyms could replace.  The engine lets the model
read such a word in its American spelling; the word itself, its candidates and its findings stay
as written.  The rules are the regular correspondences (colour/color, centre/center,
organise/organize, analyse/analyze, defence/defense, travelled/traveled, palaeo/paleo,
dialogue/dialog, programme/program, towards/toward) and a few single words; a rule's output
counts only if the model knows it far better (see ``LanguageModel.reading``), so "four" is never
read as "for".
"""
from __future__ import annotations

import re

_RULES = [
    (re.compile(r"(?<=[a-z]{2})our(s|ed|ing|ite|ites|able|ably|er|ers|ful|less|ism)?$"), r"or\1"),
    (re.compile(r"(?<=[a-z][b-df-hj-np-tv-z])re(s|d)?$"), r"er\1"),
    (re.compile(r"(?<=[a-z]{2})is(e|es|ed|ing|er|ers|ation|ations|ational)$"), r"iz\1"),
    (re.compile(r"ys(e|es|ed|ing)$"), r"yz\1"),
    (re.compile(r"(?<=[a-z]{2})ence(s)?$"), r"ense\1"),
    (re.compile(r"([aeiou][b-df-hj-np-tv-z]+[aeiou])ll(ed|ing|er|ers)$"), r"\1l\2"),
    (re.compile(r"(?<=[a-z])ae(?=[a-z])"), "e"),
    (re.compile(r"(?<=[a-z]{2})ogue(s)?$"), r"og\1"),
    (re.compile(r"(?<=[a-z]{3})mme(s)?$"), r"m\1"),
    (re.compile(r"^(after|to|for|back|up|down|in|out|on|home|east|west|north|south)wards$"), r"\1ward"),
]
_WORDS = {"grey": "gray", "greys": "grays", "tyre": "tire", "tyres": "tires", "plough": "plow",
          "ploughs": "plows", "ploughed": "plowed", "aluminium": "aluminum", "storey": "story",
          "storeys": "stories", "sceptic": "skeptic", "sceptical": "skeptical", "whilst": "while",
          "amongst": "among", "cheque": "check", "cheques": "checks", "kerb": "curb", "pyjamas": "pajamas"}
_AMERICAN_TOO = frozenset({"timbre", "timbres"})  # which the rules would take for a British "timber"


def american(word: str) -> str:
    """``word`` (lower case) with every British spelling pattern turned American; may not be a word."""
    if word in _AMERICAN_TOO:
        return word
    got = _WORDS.get(word)
    if got is not None:
        return got
    for pattern, repl in _RULES:
        word = pattern.sub(repl, word)
    return word
