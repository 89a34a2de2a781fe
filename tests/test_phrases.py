"""Tortured-phrase detection: trigram evidence alone (the neural pass is tested in
``test_neural_phrases.py``), and how phrase findings replace the word findings they cover."""
import pytest

from unspin.engine import Cancelled
from unspin.findings import Finding, Suggestion
from unspin.phrases import PhraseFinder, find_phrases, merge_phrases

CLEAN = ("The results show that the proposed method performs well on the benchmark. "
         "We evaluate it on three public datasets and report the mean accuracy over five runs.")
TORTURED = "Counterfeit consciousness is changing how hospitals read scans."


@pytest.fixture(scope="module")
def trigram_only():
    return PhraseFinder(neural=None)


def test_established_term_restored_over_the_whole_phrase(trigram_only):
    found = trigram_only.find(TORTURED)
    assert len(found) == 1
    f = found[0]
    assert (f.text, f.kind, f.best) == ("Counterfeit consciousness", "phrase", "Artificial intelligence")
    assert TORTURED[f.start:f.end] == f.text
    assert "established term" in f.evidence and "artificial intelligence" in f.evidence
    assert "Moby" in f.suggestions[0].relation or "WordNet" in f.suggestions[0].relation


def test_clean_science_text_stays_quiet(trigram_only):
    assert trigram_only.find(CLEAN) == []


def test_one_phrase_in_a_clean_abstract_is_reported_on_its_own(trigram_only):
    text = CLEAN + " " + TORTURED + " " + CLEAN
    found = trigram_only.find(text)
    assert [text[f.start:f.end] for f in found] == ["Counterfeit consciousness"]


def test_phrase_replaces_the_word_findings_it_agrees_with():
    word = Finding(0, 11, "Counterfeit", 0.9, (Suggestion("Artificial", 0.9, ""),), "")
    other = Finding(52, 57, "scans", 0.9, (Suggestion("images", 0.9, ""),), "")
    phrase = Finding(0, 25, "Counterfeit consciousness", 0.99, (Suggestion("Artificial intelligence", 1.0, ""),),
                     "", "phrase")
    assert merge_phrases([word, other], [phrase]) == [phrase, other]


def test_a_phrase_that_adds_nothing_to_the_word_findings_is_dropped():
    """"helium volition" -> "he will" where both words are flagged already: the words stay as they are."""
    he = Finding(0, 6, "helium", 0.9, (Suggestion("he", 0.9, ""),), "")
    will = Finding(7, 15, "volition", 0.9, (Suggestion("will", 0.9, ""),), "")
    phrase = Finding(0, 15, "helium volition", 0.99, (Suggestion("he will", 1.0, ""),), "", "phrase")
    assert merge_phrases([he, will], [phrase]) == [he, will]


def test_word_findings_stand_where_a_phrase_disagrees():
    """In a densely spun text the document's word findings know better than one sentence's phrase."""
    word = Finding(0, 11, "Counterfeit", 0.9, (Suggestion("Fake", 0.9, ""),), "")
    phrase = Finding(0, 25, "Counterfeit consciousness", 0.99, (Suggestion("Artificial intelligence", 1.0, ""),),
                     "", "phrase")
    assert merge_phrases([word], [phrase]) == [word]


def test_find_phrases_cancels():
    with pytest.raises(Cancelled):
        find_phrases(TORTURED + " A sentence never read before.", [], lambda: True)
