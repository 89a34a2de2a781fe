"""The engine in a process of its own.

Analysis is CPU-bound Python; run in a thread it would hold the interpreter lock and make hover
and code actions wait.  One worker process owns the engine and its caches; the server's event
loop only sends text and receives findings.
"""
from __future__ import annotations

import asyncio
import multiprocessing
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..engine import Engine
    from ..findings import Finding

_engine: Engine | None = None


def _analyze(text: str, threshold: float, document: str, refit: bool) -> list[Finding]:
    """Runs in the worker; the engine is imported there only, keeping the server process light."""
    global _engine
    if _engine is None:
        from ..engine import Engine

        _engine = Engine()
    return _engine.analyze(text, threshold, document, refit)


def _warm_up() -> None:
    _analyze("Warm up.", 1.0, "", True)


class AnalysisWorker:
    def __init__(self) -> None:
        self._pool = self._new_pool()
        self._warm = False

    @staticmethod
    def _new_pool() -> ProcessPoolExecutor:
        return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"))

    def warm_up(self) -> None:
        """Start the process and load the models now, before the first document arrives."""
        if not self._warm:
            self._warm = True
            self._pool.submit(_warm_up)

    async def analyze(self, text: str, threshold: float, document: str, refit: bool) -> list[Finding]:
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(self._pool, _analyze, text, threshold, document, refit)
        except BrokenProcessPool:  # the worker died (killed, out of memory): start a new one, try once more
            self._pool = self._new_pool()
            return await loop.run_in_executor(self._pool, _analyze, text, threshold, document, refit)

    def shutdown(self) -> None:
        self._pool.shutdown(wait=False, cancel_futures=True)


_shared: AnalysisWorker | None = None


def shared_worker() -> AnalysisWorker:
    """The process-wide worker (its process starts on first use)."""
    global _shared
    if _shared is None:
        _shared = AnalysisWorker()
    return _shared
