import pytest
from conftest import CLEAN, SPUN
from unspin.fixes import restore


def test_spun_sentence_is_caught_and_restored(engine):
    findings = engine.analyze(SPUN)
    best = {f.text: f.best for f in findings}
    assert best.get("helium") == "he"
    assert best.get("volition") == "will"
    assert best.get("beryllium") == "be"
    assert best.get("oregon") == "or"
    for f in findings:
        assert SPUN[f.start:f.end] == f.text
        assert 0.0 < f.confidence <= 1.0
        assert f.suggestions and f.suggestions[0].relation and f.evidence


def test_clean_prose_stays_silent(engine):
    assert engine.analyze(CLEAN) == []


def test_clean_long_document_stays_silent(engine):
    text = " ".join([CLEAN] * 20)
    assert engine.analyze(text) == []


def test_threshold_filters(engine):
    assert len(engine.analyze(SPUN, threshold=1.0)) < len(engine.analyze(SPUN, threshold=0.5))


def test_restore_keeps_everything_else_byte_for_byte(engine):
    text = SPUN.replace(" ", "  ", 1) + "\r\n\tTail!"
    fixed = restore(text, engine.analyze(text))
    assert fixed.endswith("\r\n\tTail!")
    assert "he will not be able" in fixed


def test_capitalised_spun_word_keeps_case(engine):
    text = "Helium volition not beryllium able to attend the meeting, officials said on Monday."
    findings = engine.analyze(text)
    assert any(f.text == "Helium" and f.best == "He" for f in findings)


def test_names_stay_unflagged_where_the_spinner_leaves_capitals_alone(engine):
    """'Young' could read 'New' and 'Hope' 'Trust'; but this spinner never touched a capitalised word."""
    text = ("Officials said helium volition not beryllium able to attend the meeting with Mr. Page, and they tin not "
            "hold connected a caller date oregon time. Governor Hope said the Bush administration would reply "
            "successful writing, and Baker added that the Young report was wide. Analysts expected Page and Hope to "
            "speak astatine the summit, but Smith said the talks would beryllium difficult.")
    findings = engine.analyze(text, 0.05)
    assert {"helium", "volition", "oregon", "astatine"} <= {f.text for f in findings}
    assert not [f for f in findings if f.text[0].isupper()]


def test_reanalysis_is_cached_and_identical(engine):
    first = engine.analyze(SPUN)
    assert engine.analyze(SPUN) == first


def test_empty_and_symbol_only_text(engine):
    assert engine.analyze("") == []
    assert engine.analyze("!!! 123 ... https://example.com") == []


def test_edited_document_finds_new_spins_and_refits_to_the_fresh_result(engine):
    from unspin.engine import Engine

    base = "\n".join([SPUN, CLEAN] * 10)
    engine.analyze(base, document="doc")
    edited = base.replace("report will be published", "report volition be published", 1)
    quick = engine.analyze(edited, document="doc")
    assert any(f.text == "volition" and edited[f.start:f.end] == "volition" and f.best == "will" for f in quick)
    settled = engine.analyze(edited, document="doc", refit=True)
    assert settled == Engine().analyze(edited)


def test_channel_learns_which_forms_the_spinner_touches(engine):
    """A spinner that looks words up verbatim leaves inflected forms alone; the document shows it."""
    from unspin.channel import form_class

    text = ("Officials said helium volition not beryllium able to attend the meetings, and they tin not hold "
            "connected a caller date oregon time. The ministers said they had rejected the proposals, but helium "
            "volition beryllium successful the capital adjacent week. Analysts expected the talks to continue, and "
            "the leaders hoped that the countries tin find a caller way successful the coming months.")
    rates = engine.channel(text).class_rates
    assert rates[form_class(False, True)] < 0.75 * rates[form_class(False, False)]


def test_context_evidence_reads_right_whichever_way_the_context_leans():
    from unspin.engine import context_evidence

    assert "5,226 times likelier than 'helium'" in context_evidence("he", "helium", 3.7182)
    assert "about as well as 'hold'" in context_evidence("agree", "hold", 0.05)
    assert "favour 'process' 10 times over 'tank'" in context_evidence("tank", "process", -1.0)


def test_window_scores_equal_the_sum_of_their_trigrams(engine):
    """``window_logps`` looks the context up once per call; it must add up what ``_logp`` says."""
    import random

    model = engine.model
    vocab = "the of a storm hurricane zzqx moved rapidly west to helium is assured that per cent".split()
    rng = random.Random(1)
    for _ in range(2000):
        words = [rng.choice(vocab) for _ in range(3)]
        prev2, prev, next1 = (rng.choice([*vocab, ""]) for _ in range(3))
        next2 = rng.choice([*vocab, None])
        f = model._logp
        expected = [f(w, prev, prev2) + f(next1, w, prev) + (f(next2, next1, w) if next2 is not None else 0.0)
                    for w in words]
        assert model.window_logps(words, prev2, prev, next1, next2) == pytest.approx(expected, abs=1e-9)


def test_a_batch_check_keeps_nothing_of_the_texts_it_checked():
    """The command line checks each file once: what the engine keeps per text for an editor's next edit
    would otherwise grow the process with every file of a batch."""
    from unspin.allowlist import Allowlist
    from unspin.checking import Checker
    from unspin.engine import Engine

    engine = Engine()
    engine.analyze(CLEAN, document="buffer")
    assert engine._chunks and engine._fitted
    engine.forget_texts()
    assert not (engine._chunks or engine._gains or engine._explanations or engine._fitted)
    Checker(engine, model="trigram").findings(SPUN + "\n\n" + CLEAN, "plaintext", Allowlist())
    assert not (engine._chunks or engine._gains or engine._explanations)
