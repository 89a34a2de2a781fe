"""Spun sections: each sentence's probability of lying where the spinner was at work."""
from unspin.sections import SentenceEvidence, section_probabilities, spin_presence

CLEAN = SentenceEvidence(-1.0, 10.0)  # clean prose: the spinner hypothesis loses a little per sentence
SPUN = SentenceEvidence(15.0, 10.0)  # a densely spun sentence


def test_a_spun_section_inside_clean_text_is_found_and_the_clean_text_around_it_stays_quiet():
    doc = [CLEAN] * 40 + [SPUN] * 4 + [CLEAN] * 40
    p = section_probabilities(doc)
    assert min(p[40:44]) > 0.9
    assert max(p[:35] + p[49:]) < 0.01


def test_a_wholly_spun_document_is_spun_throughout_even_where_a_sentence_says_little():
    doc = [SPUN] * 10 + [CLEAN] + [SPUN] * 10
    assert min(section_probabilities(doc)) > 0.9


def test_one_odd_sentence_in_clean_prose_is_no_section():
    doc = [CLEAN] * 30 + [SentenceEvidence(8.0, 5.0)] + [CLEAN] * 30
    assert max(section_probabilities(doc)) < 0.2


def test_sparse_spinning_spread_through_a_long_document_is_weighed_as_a_whole():
    """No section anywhere (each sentence falls short of a section's cost per word), yet a thousand
    sentences each a little better explained by a spinner."""
    sparse = SentenceEvidence(0.06 * 10, 10.0)
    assert max(section_probabilities([sparse] * 1000)) < 0.5
    assert min(spin_presence([sparse] * 1000)) > 0.9
    assert max(spin_presence([CLEAN] * 1000)) < 0.01


def test_a_document_spun_throughout_with_little_evidence_a_word_is_spun_between_its_sections_too():
    """A spinner picking uniformly from Moby leaves little evidence per word: some runs of sentences
    pay a section's cost, the ones between them do not, yet the whole document is plainly spun. The
    sentences outside the sections are weighed as their continuation, not as a document of their own."""
    weak = SentenceEvidence(0.05 * 10, 10.0)
    doc = ([SentenceEvidence(2.5, 10.0)] * 20 + [weak] * 50) * 4
    local = section_probabilities(doc)
    assert min(local) < 0.5 < max(local)
    assert min(spin_presence(doc)) > 0.9


def test_clean_text_between_spun_sections_stays_clean():
    doc = [SPUN] * 20 + [CLEAN] * 100 + [SPUN] * 20
    presence = spin_presence(doc)
    assert max(presence[25:115]) < 0.01
    assert min(presence[:20] + presence[120:]) > 0.9


def test_no_sentences():
    assert spin_presence([]) == []
