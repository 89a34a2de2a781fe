"""The analysis worker's delta protocol and cancellation, without a language server around them."""
import pytest
from unspin.engine import Cancelled
from unspin.findings import Finding, Suggestion
from unspin.lsp.delta import Delta, apply, diff


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


async def test_an_edit_preempts_a_long_analysis_of_another_document():
    import asyncio
    import random
    import time

    from unspin.lexicon import shared_lexicon
    from unspin.lsp.worker import AnalysisWorker

    words = sorted({observed for observed, *_ in shared_lexicon().links() if observed.isalpha()})
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
        assert not long.done()  # interrupting another document does not cancel it
        worker.preempt("short")  # an edit to "short": what runs for "long" makes way
        _, findings = await asyncio.wait_for(
            worker.analyze("Officials said helium volition not attend.", 0.5, "short", False), 30)
        assert time.monotonic() - started < 5
        assert any(f.text == "helium" for f in findings)
        assert long.done() and long.result() is None
    finally:
        worker.shutdown()


async def test_turns_serve_urgent_requests_first_and_survive_cancelled_waiters():
    import asyncio

    from unspin.lsp.worker import _Turns

    turns, served = _Turns(), []

    async def ask(name: str, urgency: int) -> None:
        await turns.acquire(urgency)
        served.append(name)
        await asyncio.sleep(0.01)
        turns.release()

    await turns.acquire(0)  # a request is in the process
    waiting = [asyncio.ensure_future(ask(n, u)) for n, u in [("refit", 1), ("gone", 0), ("edit", 0)]]
    await asyncio.sleep(0.01)
    waiting[1].cancel()  # its caller went away while it waited
    turns.release()
    await asyncio.gather(waiting[0], waiting[2])
    assert served == ["edit", "refit"]
