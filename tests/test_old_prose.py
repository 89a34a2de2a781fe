"""Old and literary prose is not spin (issue 12): Early Modern English is told by its grammar, and its own
level of spinner evidence under the modern trigram model is no sign of a spinner."""
from __future__ import annotations

from pathlib import Path

import pytest
from test_mixed_documents import SPUN_PARAGRAPH, SPUN_WORDS

from unspin.sections import OLD_REGISTER_EVIDENCE, SentenceEvidence, old_register_probability, spin_presence

PLAY = Path(__file__).resolve().parents[1] / "benchmarks" / "corpus" / "drama" / "shakespeare-twelfth-night.txt"


@pytest.fixture(scope="module")
def play() -> str:
    return PLAY.read_text(encoding="utf-8")


def test_a_shakespeare_play_is_not_read_as_spun(engine, play):
    assert engine.analyze(play) == []


def test_a_spun_paragraph_inside_old_prose_is_still_found(engine, play):
    speeches = play.split("\n\n")
    k = len(speeches) // 2
    text = "\n\n".join(speeches[:k] + [SPUN_PARAGRAPH] * 2 + speeches[k:])
    start = len("\n\n".join(speeches[:k]))
    end = start + 2 * (len(SPUN_PARAGRAPH) + 2)
    findings = engine.analyze(text)
    inside = {f.text for f in findings if start <= f.start < end}
    assert len(inside & SPUN_WORDS) >= len(SPUN_WORDS) // 2
    assert len([f for f in findings if not start <= f.start < end]) <= 5


@pytest.mark.parametrize("word", ["thou", "thee", "hath", "doth", "tis", "receiveth", "know'st", "turn'd"])
def test_early_modern_grammar_is_an_old_form(engine, word):
    assert engine._candidates().is_old_form(word)


@pytest.mark.parametrize("word", ["hither", "perchance", "o'er", "teeth", "beneath", "he'd", "we'd", "the", "seventh"])
def test_archaic_words_and_modern_forms_are_not(engine, word):
    """A thesaurus offers "hither" and "perchance", so a spinner may write them: they tell nothing."""
    assert not engine._candidates().is_old_form(word)


def test_old_register_needs_old_forms_throughout_not_a_quotation():
    assert old_register_probability(100, 5000) > 0.99  # a play: 20 per 1,000 words
    assert old_register_probability(1, 1500) < 0.01  # "hath" quoted once in a modern text
    assert old_register_probability(0, 0) == 0.0


def test_old_prose_level_of_evidence_is_no_spinner_but_dense_evidence_still_is():
    level = SentenceEvidence(OLD_REGISTER_EVIDENCE * 10, 10.0)
    assert min(spin_presence([level] * 1000)) > 0.9  # read as modern prose it would be sparse spinning
    assert max(spin_presence([level] * 1000, old_register=1.0)) < 0.01
    dense = SentenceEvidence(15.0, 10.0)
    doc = [level] * 100 + [dense] * 6 + [level] * 100
    p = spin_presence(doc, old_register=1.0)
    assert min(p[100:106]) > 0.9 and max(p[:95] + p[111:]) < 0.01
