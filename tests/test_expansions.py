"""Phrases a spinner wrote for one word ("information technology" for *it*): found as one finding over
the phrase, kind "phrase", in text judged spun; the same phrases in clean prose and names stay quiet."""
from __future__ import annotations

from unspin.expansions import Expansions, gain
from unspin.lexicon import shared_lexicon
from unspin.moby import shared_moby

# The dev spinner's style, with the phrases a random-WordNet-sense spinner writes for "it" and "an".
SPUN = ("The city council volition ballot connected the caller fund adjacent week, and the politician said helium "
        "is assured that information technology tin beryllium passed earlier the extremity of the period. "
        "Residents who unrecorded successful the northbound of the municipality person complained for years that "
        "buses are dilatory oregon crowded, and information technology is associate in nursing issue that the "
        "council hopes to hole earlier the extremity of the twelvemonth.")
CLEAN = ("The information technology sector grew quickly in the city last year. Many firms hired staff to work "
         "on information technology projects, and the council said that the growth would continue. The mayor "
         "met officials from the United States and the European Union to discuss trade.")


def test_the_tables_name_the_words_a_phrase_may_stand_for():
    table = Expansions(shared_moby())
    assert ("it", "wordnet") in {(e.original, e.source) for e in table.of("information technology")}
    assert ("an", "wordnet") in {(e.original, e.source) for e in table.of("associate in nursing")}
    assert "to" in {e.original for e in table.of("in transit to") if e.source == "moby"}
    assert table.of("the city") == ()


def test_thesauri_list_hyphenated_compounds_as_one_item():
    table = Expansions(shared_moby(), shared_lexicon())
    assert {"coast", "shore"} <= {e.original for e in table.of("sea-coast") if e.source == "thesaurus"}
    assert "in" in {e.original for e in table.of("up-to-date")}


def test_a_phrase_reads_better_as_its_word(engine):
    words = tuple("information technology formed near the coast".split())
    assert gain(engine.model, words, 0, 2, "it") > 2.0


def test_phrases_written_for_one_word_are_found_in_spun_text(engine):
    found = engine.analyze(SPUN)
    phrases = [(f.text, f.kind, f.best) for f in found if f.kind == "phrase"]
    assert ("information technology", "phrase", "it") in phrases
    assert ("associate in nursing", "phrase", "an") in phrases
    for f in found:
        assert SPUN[f.start:f.end] == f.text
        if f.kind == "phrase":  # the phrase replaces the word findings it covers
            assert not any(g.kind != "phrase" and f.start <= g.start < f.end for g in found)


def test_the_same_phrases_in_clean_prose_and_names_stay_quiet(engine):
    assert engine.analyze(CLEAN) == []
    assert not [f for f in engine.analyze(SPUN + " " + CLEAN) if f.kind == "phrase" and f.text[0].isupper()]


def test_a_hyphenated_compound_written_for_one_word_is_one_finding(engine):
    """A thesaurus lists "up-to-date" beside *in*: a spinner writes the compound for the word."""
    text = SPUN + " The firm was founded up-to-date 1861, and its offices stood near the sea-coast."
    found = {(f.text, f.best) for f in engine.analyze(text) if f.kind == "phrase"}
    assert {("up-to-date", "in"), ("sea-coast", "coast")} <= found
    assert not [f for f in engine.analyze(text) if f.kind != "phrase" and f.text in ("up", "date", "sea", "coast")]
