"""The engine in a process of its own.

Analysis is CPU-bound Python; run in a thread it would hold the interpreter lock and make hover
and code actions wait.  One worker process owns the engine and its caches; the server's event
loop only sends text and receives findings.

Two things keep an edit cheap on a big, densely flagged document:

* **Deltas.**  The worker remembers the findings it last sent for each document and answers
  with what changed (``delta.py``).
* **Cancellation.**  Every request carries its document's generation when it was sent; the
  server bumps the document's counter (in an array shared with the worker) when the document
  changes, and the worker abandons a run whose generation has passed: a refit of a whole document
  must not delay the next keystroke, and an edit elsewhere must not cancel it.

One request is in the process at a time, the urgent ones first; an edit preempts whatever runs
for another document, which is then asked again behind it.
"""
from __future__ import annotations

import asyncio
import heapq
import itertools
import multiprocessing
import zlib
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from ..findings import Finding
from .delta import Delta, apply, diff

if TYPE_CHECKING:
    from ..engine import Engine


_engine: Engine | None = None
_generations = None  # multiprocessing.Array shared with the server: a counter per document slot
_SLOTS = 256
# document -> result id -> (findings, length of the text analysed): the newest result, and the one it
# was sent against (the server still holds that one if it found the newest stale on arrival)
_results: dict[str, dict[int, tuple[list[Finding], int]]] = {}
_ids = itertools.count(1)


def _init(generations) -> None:
    global _generations
    _generations = generations


def _slot(document: str) -> int:
    """The document's counter; documents that share one only cancel each other needlessly."""
    return zlib.crc32(document.encode("utf-8")) % _SLOTS


def _analyze(text: str, threshold: float, document: str, refit: bool, generation: int,
             base: int | None) -> Delta | None:
    """Runs in the worker.  None when the request's generation passed before the analysis finished."""
    from ..engine import Cancelled

    slot = _slot(document)

    def cancelled() -> bool:
        return _generations is not None and _generations[slot] != generation

    try:
        findings = _the_engine().analyze(text, threshold, document, refit, cancelled)
    except Cancelled:
        return None
    result = next(_ids)
    known = _results.get(document, {}).get(base) if base is not None else None
    _results[document] = {result: (findings, len(text)), **({base: known} if known else {})}
    if known is None:
        return Delta(result, None, 0, 0, 0, tuple(findings))
    old, old_length = known
    shift = len(text) - old_length
    prefix, suffix = diff(old, findings, shift)
    return Delta(result, base, prefix, suffix, shift, tuple(findings[prefix: len(findings) - suffix]))


def _forget(document: str) -> None:
    _results.pop(document, None)
    if _engine is not None:
        _engine.forget(document)


def _the_engine() -> Engine:
    """The worker's engine; it is imported here only, keeping the server process light."""
    global _engine
    if _engine is None:
        from ..engine import Engine

        _engine = Engine()
    return _engine


def _warm_up() -> None:
    """Load the models and tables (not cancellable: every later request needs them)."""
    _the_engine().analyze("Warm up.", 1.0)


class _Turns:
    """Who may send the worker process a request next: one at a time, the most urgent first, then in
    order of asking."""

    def __init__(self) -> None:
        self._busy = False
        self._waiting: list[tuple[int, int, asyncio.Future]] = []
        self._order = itertools.count()

    async def acquire(self, urgency: int) -> None:
        """Wait for the turn; lower ``urgency`` goes first."""
        if not self._busy and not self._waiting:
            self._busy = True
            return
        turn = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (urgency, next(self._order), turn))
        try:
            await turn
        except asyncio.CancelledError:
            if turn.done() and not turn.cancelled():  # handed the turn just as the caller was cancelled
                self.release()
            raise

    def release(self) -> None:
        while self._waiting:
            _, _, turn = heapq.heappop(self._waiting)
            if not turn.done():
                turn.set_result(None)  # handed over: still busy
                return
        self._busy = False


class AnalysisWorker:
    def __init__(self) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._generations = self._context.Array("q", _SLOTS, lock=False)
        self._pool = self._new_pool()
        self._warm = False
        self._turns = _Turns()
        self._running: str | None = None  # the document whose request is in the process

    def _new_pool(self) -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=1, mp_context=self._context, initializer=_init,
                                   initargs=(self._generations,))

    def warm_up(self) -> None:
        """Start the process and load the models now, before the first document arrives."""
        if not self._warm:
            self._warm = True
            self._pool.submit(_warm_up)

    def interrupt(self, document: str) -> None:
        """Abandon the analyses of ``document`` sent so far (their callers get None)."""
        self._generations[_slot(document)] += 1

    def preempt(self, document: str) -> None:
        """``document`` was edited: abandon its analyses of older text, and what runs for another."""
        self.interrupt(document)
        if self._running is not None and self._running != document:
            self.interrupt(self._running)

    async def analyze(self, text: str, threshold: float, document: str, refit: bool,
                      base: tuple[int, list[Finding]] | None = None,
                      urgent: bool = True) -> tuple[int, list[Finding]] | None:
        """(result id, findings), or None if ``interrupt`` was called meanwhile.  ``base`` is an earlier
        result of this worker for the same document, so that only the difference travels back;
        requests that are not ``urgent`` wait for the urgent ones."""
        loop = asyncio.get_running_loop()
        await self._turns.acquire(0 if urgent else 1)
        self._running = document
        try:
            args = (text, threshold, document, refit, self._generations[_slot(document)], base[0] if base else None)
            try:
                delta = await loop.run_in_executor(self._pool, _analyze, *args)
            except BrokenProcessPool:  # the worker died (killed, out of memory): start a new one, try once more
                self._pool = self._new_pool()
                delta = await loop.run_in_executor(self._pool, _analyze, *args[:-1], None)
        finally:
            self._running = None
            self._turns.release()
        if delta is None:
            return None
        return delta.result, apply(base[1] if base else [], delta)

    def forget(self, document: str) -> None:
        """Let the worker drop what it keeps for a closed document."""
        self._pool.submit(_forget, document)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


_shared: AnalysisWorker | None = None


def shared_worker() -> AnalysisWorker:
    """The process-wide worker (its process starts on first use)."""
    global _shared
    if _shared is None:
        _shared = AnalysisWorker()
    return _shared
