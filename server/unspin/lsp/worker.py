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

Phase 2 (``refine``) takes a result the worker sent and refines it with ``unspin.refine.refine`` (a
stronger model: slower, so it runs after the findings are shown): the engine's findings for review
(``refine.for_review``: from a lower posterior on) are confirmed, withdrawn and re-ranked.  It is
cancelled like an analysis, and where that module is missing there is no phase 2.

The worker must not outlive the server, however the server ends (SIGKILL leaves no chance to clean
up): the kernel kills it when its parent dies (Linux), and a watchdog thread checks the parent too.
Once the worker is gone, multiprocessing's resource tracker sees its pipe close and exits as well.
"""
from __future__ import annotations

import asyncio
import ctypes
import heapq
import itertools
import multiprocessing
import os
import signal
import sys
import threading
import time
import zlib
from collections.abc import Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

from .. import collector
from ..findings import Finding
from .delta import Delta, apply, diff

if TYPE_CHECKING:
    from ..engine import Engine


_engine: Engine | None = None
_generations = None  # multiprocessing.Array shared with the server: a counter per document slot
_SLOTS = 256
# document -> result id -> (findings, the text analysed): the newest result, and the one it was sent
# against (the server still holds that one if it found the newest stale on arrival)
_results: dict[str, dict[int, tuple[list[Finding], str]]] = {}
_ids = itertools.count(1)
UNAVAILABLE = "unavailable"  # what ``_refine`` answers where there is no phase 2
NO_WEIGHTS = "no weights"  # what it answers where only a phrase pass could change a result (no neural model)
_PR_SET_PDEATHSIG = 1
_WATCH_SECONDS = 0.5


def _init(generations, parent: int | None) -> None:
    """Worker start-up; ``parent`` is the server's process id (None: the worker is a thread of it)."""
    global _generations
    _generations = generations
    if parent is not None:
        _die_with(parent)
        collector.tune()


def _die_with(parent: int) -> None:
    """Exit as soon as the server process ``parent`` is gone, whatever ended it."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # it died before the kernel was told
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(_WATCH_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="unspin-parent-watch", daemon=True).start()


def _slot(document: str) -> int:
    """The document's counter; documents that share one only cancel each other needlessly."""
    return zlib.crc32(document.encode("utf-8")) % _SLOTS


def _analyze(text: str, language: str | None, threshold: float, document: str, refit: bool, generation: int,
             base: int | None) -> Delta | None:
    """Runs in the worker.  None when the request's generation passed before the analysis finished.
    With a ``language``, its non-prose is blanked here first (a long document's markup would
    otherwise hold up the server's event loop at every keystroke)."""
    from ..engine import Cancelled
    from ..markup import prose_view

    if language is not None:
        text = prose_view(text, language)

    slot = _slot(document)

    def cancelled() -> bool:
        return _generations is not None and _generations[slot] != generation

    try:
        findings = _the_engine().analyze(text, threshold, document, refit, cancelled)
    except Cancelled:
        return None
    return _answer(document, text, findings, base)


def _answer(document: str, text: str, findings: list[Finding], base: int | None) -> Delta:
    """Keep ``findings`` as the document's newest result and send them as a change to ``base``."""
    result = next(_ids)
    known = _results.get(document, {}).get(base) if base is not None else None
    _results[document] = {result: (findings, text)}
    if known is None or base is None:
        return Delta(result, None, 0, 0, 0, tuple(findings))
    _results[document][base] = known
    old, old_text = known
    shift = len(text) - len(old_text)
    prefix, suffix = diff(old, findings, shift)
    return Delta(result, base, prefix, suffix, shift, tuple(findings[prefix: len(findings) - suffix]))


def _refiner(phrases: bool = False) -> Callable | None:
    """Phase 2's function, or None where its module is missing: the findings judged again and their
    suggestions re-ranked, and with ``phrases`` the tortured-phrase pass after it (slow, so asked for,
    as on the command line)."""
    try:
        from .. import refine
    except ImportError:
        return None
    return getattr(refine, "refine" if phrases else "refine_words", None)


def _for_review(document: str, text: str, threshold: float, cancelled: Callable[[], bool]) -> list[Finding] | None:
    """The engine's findings put to phase 2's model, None where it has no weights (see ``refine.for_review``)."""
    from ..refine import for_review

    return for_review(_the_engine(), text, threshold, document, cancelled)


def _refine(document: str, generation: int, base: int, phrases: bool = False,
            threshold: float = 0.5) -> Delta | str | None:
    """Runs in the worker: result ``base`` refined (None if cancelled or ``base`` is no longer kept)."""
    from ..engine import Cancelled

    known = _results.get(document, {}).get(base)
    if known is None:
        return None
    refine = _refiner(phrases)
    if refine is None:
        return UNAVAILABLE
    slot = _slot(document)

    def cancelled() -> bool:
        return _generations is not None and _generations[slot] != generation

    findings, text = known
    try:
        reviewed = _for_review(document, text, threshold, cancelled)
        if reviewed is None and not phrases:
            return NO_WEIGHTS  # the words' phase 2 would hand phase 1's findings back unchanged
        refined = refine(text, list(findings if reviewed is None else reviewed), cancelled, threshold=threshold)
    except Cancelled:
        return None
    return _answer(document, text, list(refined), base)


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
    collector.freeze_loaded()


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
    """``in_process``: run the engine in a thread of this process instead (tests that patch it)."""

    def __init__(self, in_process: bool = False) -> None:
        self._context = multiprocessing.get_context("spawn")
        self._generations = self._context.Array("q", _SLOTS, lock=False)
        self._in_process = in_process
        self._pool = self._new_pool()
        self._warm = False
        self._turns = _Turns()
        self._running: str | None = None  # the document whose request is in the process
        self.refines = True  # False once the worker said there is no phase 2
        self.weighs = True  # False once it said it has no neural weights: phase 2 is then for phrases only
        self._preempted: set[str] = set()  # documents whose request made way for another's edit

    def _new_pool(self) -> Executor:
        if self._in_process:
            return ThreadPoolExecutor(max_workers=1, initializer=_init, initargs=(self._generations, None))
        return ProcessPoolExecutor(max_workers=1, mp_context=self._context, initializer=_init,
                                   initargs=(self._generations, os.getpid()))

    def warm_up(self) -> None:
        """Start the process and load the models now, before the first document arrives."""
        if not self._warm:
            self._warm = True
            self._pool.submit(_warm_up)

    def interrupt(self, document: str) -> None:
        """Abandon the analyses of ``document`` sent so far (their callers get None)."""
        self._generations[_slot(document)] += 1
        self._preempted.discard(document)

    def preempt(self, document: str) -> None:
        """``document`` was edited: abandon its analyses of older text, and what runs for another."""
        self.interrupt(document)
        if self._running is not None and self._running != document:
            self.interrupt(self._running)
            self._preempted.add(self._running)

    def was_preempted(self, document: str) -> bool:
        """Whether ``document``'s last request got None only to make way for an edit elsewhere (it
        may then ask again); the answer is given once."""
        if document in self._preempted:
            self._preempted.discard(document)
            return True
        return False

    async def analyze(self, text: str, threshold: float, document: str, refit: bool,
                      base: tuple[int, list[Finding]] | None = None,
                      urgent: bool = True, language: str | None = None) -> tuple[int, list[Finding]] | None:
        """(result id, findings), or None if ``interrupt`` was called meanwhile.  ``base`` is an earlier
        result of this worker for the same document, so that only the difference travels back;
        requests that are not ``urgent`` wait for the urgent ones.  ``language``: the document's, whose
        markup the worker leaves out (None: ``text`` is all prose)."""
        args = (text, language, threshold, document, refit, self._generations[_slot(document)],
                base[0] if base else None)
        delta = await self._run(document, 0 if urgent else 1, _analyze, args, args[:-1] + (None,))
        if not isinstance(delta, Delta):
            return None
        return delta.result, apply(base[1] if base else [], delta)

    async def refine(self, document: str, base: tuple[int, list[Finding]], phrases: bool = False,
                     threshold: float = 0.5) -> tuple[int, list[Finding]] | None:
        """Phase 2 of result ``base``: (result id, refined findings), or None if it was interrupted, the
        worker no longer keeps ``base``, or there is no phase 2 (``refines`` is then False), or it could
        only hand ``base`` back (no neural weights and no ``phrases``: ``weighs`` is then False, and
        later requests without ``phrases`` are not sent).  It waits for every urgent request."""
        if not self.refines or not (phrases or self.weighs):
            return None
        args = (document, self._generations[_slot(document)], base[0], phrases, threshold)
        delta = await self._run(document, 1, _refine, args, None)
        if delta == UNAVAILABLE:
            self.refines = False
            return None
        if delta == NO_WEIGHTS:
            self.weighs = False
            return None
        if not isinstance(delta, Delta):
            return None
        return delta.result, apply(base[1], delta)

    async def _run(self, document: str, urgency: int, function: Callable, args: tuple,
                   retry: tuple | None) -> object:
        """``function(*args)`` in the worker when its turn comes; if the worker died meanwhile (killed, out
        of memory) a new one is started and ``retry`` (arguments that need nothing it kept) tried once."""
        loop = asyncio.get_running_loop()
        await self._turns.acquire(urgency)
        self._running = document
        try:
            try:
                return await loop.run_in_executor(self._pool, function, *args)
            except asyncio.CancelledError:  # nobody waits for it: stop it, so that it frees the worker
                self.interrupt(document)
                raise
            except BrokenProcessPool:
                self._pool = self._new_pool()
                if retry is None:
                    return None
                return await loop.run_in_executor(self._pool, function, *retry)
        finally:
            self._running = None
            self._turns.release()

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
