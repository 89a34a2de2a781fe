"""The neural tortured-phrase pass (``neural_phrases``), with the real model where installed: a
lone phrase in a clean abstract is found and restored, clean science stays quiet, sentences are
read once, and the document's rate is pooled."""
import pytest

from unspin.engine import Cancelled
from unspin.neural_phrases import NeuralPhraseFinder, NeuralPhraseSettings
from unspin.phrases import PhraseFinder

CLEAN = ("The results show that the proposed method performs well on the benchmark. "
         "We evaluate it on three public datasets and report the mean accuracy over five runs.")
TORTURED = "We train a profound learning model with stochastic gradient descent."


def _RARE(word: str) -> float:
    return 3.0


@pytest.fixture(scope="module")
def scorer(neural_scorer):
    return neural_scorer


@pytest.fixture()
def finder(scorer):
    words = PhraseFinder(neural=None)
    return NeuralPhraseFinder(scorer, words.weighed_originals, words._generator.zipf)


def test_one_phrase_in_a_clean_abstract_is_found_and_restored(finder):
    text = CLEAN + " " + TORTURED + " " + CLEAN
    found = finder.find(text)
    assert [(f.text, f.kind, f.best) for f in found] == [("profound learning", "phrase", "deep learning")]
    f = found[0]
    assert text[f.start:f.end] == f.text
    assert "neural language model" in f.evidence
    assert "profound" in f.suggestions[0].relation


def test_clean_science_text_stays_quiet(finder):
    assert finder.find(CLEAN) == []


def test_sentences_are_read_once(finder, scorer):
    text = CLEAN + " " + TORTURED
    first = finder.find(text)
    before = scorer.tokens_run
    assert finder.find(text) == first
    assert scorer.tokens_run == before  # nothing read again
    edited = text.replace("five runs", "ten runs")
    finder.find(edited)
    read = scorer.tokens_run - before
    assert 0 < read < len(scorer.encode(edited)) * 4  # the edited sentence, not the whole text again


def test_the_documents_rate_lowers_the_bar():
    finder = NeuralPhraseFinder(None, lambda word: (), _RARE)
    alone = finder.posteriors([2.5], 1000)[0]
    among_many = finder.posteriors([2.5] + [6.0] * 40, 1000)[0]
    assert alone < 0.5 < among_many


def test_a_stricter_prior_keeps_weak_evidence_quiet():
    lax = NeuralPhraseFinder(None, lambda word: (), _RARE, NeuralPhraseSettings(prior_rate=0.01))
    strict = NeuralPhraseFinder(None, lambda word: (), _RARE, NeuralPhraseSettings(prior_rate=0.0001))
    assert strict.posteriors([3.0], 500)[0] < lax.posteriors([3.0], 500)[0]


def test_cancelled_before_reading(finder):
    with pytest.raises(Cancelled):
        finder.find("A sentence that was never read before by this finder.", lambda: True)


def test_a_neighbour_without_originals_does_not_break_the_restoration(finder):
    """Widening a detected span by a neighbour that has no originals offers nothing to read; it used
    to leave an empty span whose best restoration could not be taken (ValueError)."""
    sent = NeuralPhraseFinder(finder.scorer, lambda word: (), _RARE)
    sent._read([TORTURED], None)
    memo = sent._sentences[TORTURED]
    spans = [sp for sp in finder._read([TORTURED], None)[0].spans if sp.gains]
    memo.words = finder._sentences[TORTURED].words[:1] + [
        type(w)(w.token, w.left, []) for w in finder._sentences[TORTURED].words[1:]]
    sent._restore([(TORTURED, memo, spans[0])], None)
    assert (spans[0].start, spans[0].end) in memo.restored


def test_names_acronym_expansions_and_function_words_are_never_suspects(finder):
    """Capitals inside a sentence are the author's (a title, "Truncated HORizon"); "the" is never a
    spinner's pick.  The lexicon once gave "the" the floor frequency, so it counted as rare."""
    text = "Results on the Truncated HORizon Policy benchmark improve when the learning rate decays."
    screened = {w.token.text for w in finder.screen([text])[0]}
    assert {"learning", "improve"} <= screened
    assert not screened & {"Truncated", "HORizon", "Policy", "the", "when"}
    assert "Results" in screened  # a sentence's first capital is no name


def test_a_word_the_document_repeats_needs_more_evidence():
    """An author's own term recurs ("semiaquatic" all through one article); the cost is capped, since
    a tool that tortures a term does so at every use."""
    from collections import Counter

    from unspin.neural_phrases import Original, _Alternative, _Span
    from unspin.tokens import tokenize

    finder = NeuralPhraseFinder(None, lambda word: (), _RARE)
    toks = tuple(t for t in tokenize("semiaquatic predators") if t.kind == "word")
    sp = _Span(toks, [_Alternative(("aquatic", "predators"), (Original("aquatic", -1.0, ""), None))], [5.0])
    assert finder._repetition(sp, Counter({"semiaquatic": 1, "predators": 9})) == 0.0  # the kept word may recur
    assert finder._repetition(sp, Counter({"semiaquatic": 3})) == 2 * finder.settings.repeat_cost
    assert finder._repetition(sp, Counter({"semiaquatic": 40})) == finder.settings.max_repeat_cost
