from unspin.candidates import is_spelling_variant
from unspin.casing import match_case


def _cands(engine, word):
    return [c.word for c in engine._candidates().candidates(word)]


def test_reverse_thesaurus_finds_the_original(engine):
    assert "be" in _cands(engine, "beryllium")
    assert "he" in _cands(engine, "helium")
    assert "will" in _cands(engine, "volition")


def test_names_reach_their_own_synset_but_not_the_classes_above_them(engine):
    """'he' -> 'helium' (the symbol He); but 'more' is no candidate for 'author' (Thomas More is one),
    nor 'nice' for 'city'."""
    assert "he" in _cands(engine, "helium")
    assert not {"more", "london", "day"} & set(_cands(engine, "author"))
    assert "nice" not in _cands(engine, "city")


def test_inflection_is_carried_over(engine):
    assert "demands" in _cands(engine, "requests")


def test_candidates_carry_relation(engine):
    cand = next(c for c in engine._candidates().candidates("successful") if c.word == "in")
    assert cand.relation in {"sim", "syn"} and cand.log_q < 0


def test_spelling_variants_are_never_candidates(engine):
    assert is_spelling_variant("organised", "organized")
    assert is_spelling_variant("theatre", "theater")
    assert not is_spelling_variant("helium", "he")
    assert "theater" not in _cands(engine, "theatre")


def test_contractions_and_derivations_are_not_spelling_variants(engine):
    assert not is_spelling_variant("never", "ne'er")
    assert not is_spelling_variant("direct", "directly")
    assert not is_spelling_variant("historic", "historical")
    assert "never" in _cands(engine, "ne'er")
    assert "direct" in _cands(engine, "directly")


def test_only_a_and_i_are_one_letter_originals(engine):
    assert "a" in _cands(engine, "ampere")
    assert "i" in _cands(engine, "iodine")
    assert not [w for w in _cands(engine, "constant") + _cands(engine, "farad") if len(w) == 1]


def test_case_pattern_kept():
    assert match_case("Successful", "in") == "In"
    assert match_case("HELIUM", "he") == "HE"
    assert match_case("helium", "he") == "he"


def test_shipped_inflection_tables_agree_with_lemminflect(engine):
    """The tables tools/build_morphology.py wrote are what lemminflect says (it is not needed at run time)."""
    import lemminflect
    from unspin.morphology import shared_morphology

    morphology = shared_morphology()
    for lemma, tag in [("run", "VBD"), ("go", "VBN"), ("child", "NNS"), ("criterion", "NNS"), ("good", "JJR"),
                       ("demand", "VBZ"), ("fly", "VBG")]:
        assert morphology.inflect(lemma, tag) == lemminflect.getInflection(lemma, tag)[0]
    for form in ["went", "children", "better", "demands", "flying"]:
        inflected, analyses = morphology.analyses(form)
        lemmas = {lemma for forms in lemminflect.getAllLemmas(form).values() for lemma in forms}
        assert inflected == (form not in lemmas)
        assert lemmas <= {lemma for lemma, _, _ in analyses} | {form}


def test_candidates_say_whether_they_were_re_inflected(engine):
    gen = engine._candidates()
    assert gen.is_inflected("demands") and gen.is_inflected("began") and not gen.is_inflected("request")
    by_word = {c.word: c for c in engine._candidates().candidates("requests")}
    assert by_word["demands"].inflected
    assert not next(c for c in engine._candidates().candidates("request") if c.word == "demand").inflected


def test_distant_originals_are_two_steps_away_and_not_among_the_candidates(engine):
    gen = engine._candidates()
    distant = {c.word: c for c in gen.distant("subordinate")}
    assert distant["member"].via == "associate" and distant["member"].relation == "chain"
    assert not distant.keys() & set(_cands(engine, "subordinate"))
    assert distant["member"].log_q < min(c.log_q for c in gen.candidates("subordinate"))
    assert "demands" in {c.word for c in gen.distant("requests")} | set(_cands(engine, "requests"))


def test_moby_originals_follow_the_thesaurus_ones_without_crowding_them_out(engine):
    """'sleet' for 'storm' is a Moby link WordNet lacks; the close synonyms keep their places."""
    cands = engine._candidates().candidates("sleet")
    assert "storm" in [c.word for c in cands if c.relation == "moby"]
    wordnet = [c for c in cands if c.relation != "moby"]
    assert cands[: len(wordnet)] == tuple(wordnet)
    assert "forest" in [c.word for c in engine._candidates().candidates("woodland")][:3]


def test_the_commonest_words_get_no_moby_originals(engine):
    gen = engine._candidates()
    assert not [c for c in gen.candidates("and") if c.relation == "moby"]
    assert [c for c in gen.candidates("sleet") if c.relation == "moby"]


def test_moby_originals_beyond_the_first_eight_are_offered(engine):
    """Moby lists 'genial' under a hundred headwords; a uniform Moby spinner wrote it for 'tropical'
    ("genial storm"), the sixteenth of them by prior."""
    moby = [c.word for c in engine._candidates().candidates("genial") if c.relation == "moby"]
    assert "tropical" in moby


def test_a_thesaurus_original_that_moby_lists_too_carries_both_links(engine):
    """'metropolis' for 'city' is a WordNet synonym and a Moby link: a spinner drawing on either may have
    written it, so the candidate keeps the Moby link's q beside its own."""
    cands = {c.word: c for c in engine._candidates().candidates("metropolis")}
    assert cands["city"].relation == "syn"
    assert cands["city"].log_q_moby is not None and cands["city"].log_q_moby < cands["city"].log_q
    assert cands["trojan"].log_q_moby is None
