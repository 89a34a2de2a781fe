"""The analysis worker's delta protocol and cancellation, without a language server around them."""
import pytest
from unspin.engine import Cancelled
from unspin.findings import Finding, Suggestion
from unspin.lsp.worker import Delta, apply, diff


def _finding(start: int, word: str = "helium", best: str = "he", confidence: float = 0.9) -> Finding:
    return Finding(start, start + len(word), word, confidence, (Suggestion(best, 0.8, "rel"),), "evidence")


def _delta(old: list[Finding], new: list[Finding], shift: int) -> Delta:
    prefix, suffix = diff(old, new, shift)
    return Delta(2, 1, prefix, suffix, shift, tuple(new[prefix: len(new) - suffix]))


@pytest.mark.parametrize("new", [
    [_finding(0), _finding(20), _finding(43), _finding(63)],  # a finding added in the middle, tail shifted by 3
    [_finding(0), _finding(43), _finding(63)],  # the text grew by 3, nothing else changed
    [_finding(0), _finding(20, confidence=0.7), _finding(43), _finding(63)],  # one changed
    [_finding(43), _finding(63)],  # leading finding gone
    [],
])
def test_a_delta_rebuilds_the_new_findings(new):
    old = [_finding(0), _finding(40), _finding(60)]
    delta = _delta(old, new, 3)
    assert apply(old, delta) == new
    assert len(delta.middle) <= len(new)


def test_a_one_word_edit_travels_as_one_finding():
    old = [_finding(10 * k) for k in range(1000)]
    new = old[:500] + [_finding(5003, "oregon", "or")] + [f.shifted(3) for f in old[500:]]
    delta = _delta(old, new, 3)
    assert (delta.prefix, delta.suffix, len(delta.middle)) == (500, 500, 1)
    assert apply(old, delta) == new


def test_cancelled_analysis_stops_and_leaves_the_engine_consistent(engine):
    from conftest import SPUN

    text = SPUN + " A caller sentence oregon two."
    with pytest.raises(Cancelled):
        engine.analyze(text, document="cancel-test", cancelled=lambda: True)
    assert engine.analyze(text, document="cancel-test") == engine.analyze(text)


async def test_interrupt_abandons_a_long_analysis_and_the_worker_goes_on():
    import asyncio
    import random
    import time

    from unspin.lexicon import shared_lexicon
    from unspin.lsp.worker import AnalysisWorker

    words = [w for w in shared_lexicon().observed_lemmas() if w.isalpha()]
    rng = random.Random(7)
    text = "\n".join(" ".join(rng.choices(words, k=15)) + "." for _ in range(3000))  # minutes of analysis
    worker = AnalysisWorker()
    try:
        assert (await worker.analyze("A warm up.", 0.5, "w", False)) is not None
        long = asyncio.ensure_future(worker.analyze(text, 0.5, "long", False))
        await asyncio.sleep(0.5)
        started = time.monotonic()
        worker.interrupt("elsewhere")
        await asyncio.sleep(0.3)
        assert not long.done()  # an edit to another document does not cancel it
        worker.interrupt("long")
        assert await asyncio.wait_for(long, 30) is None
        assert time.monotonic() - started < 5
        _, findings = await worker.analyze("Officials said helium volition not attend.", 0.5, "short", False)
        assert any(f.text == "helium" for f in findings)
    finally:
        worker.shutdown()
