"""Running a scan on Dask distributed: an existing cluster (``--scheduler``) or a ``LocalCluster`` (``--workers``).

Dask does the scheduling, retries and worker bookkeeping; unspin only submits one task per document.
Each Dask worker process keeps one engine (``scan.worker_engine``) for all the documents it is given.
Workers read files by the paths the client lists, so a cluster's workers must see the same file system.
"""
from __future__ import annotations

from typing import Any

from .corpus_inputs import Source
from .scan import ScanOptions, scan_source


class DaskRunner:
    """Submits documents to a Dask cluster; closing it stops the ``LocalCluster`` it started, if any."""

    def __init__(self, options: ScanOptions, scheduler: str | None = None, workers: int | None = None) -> None:
        from dask.distributed import Client, LocalCluster

        self.options = options
        self._cluster = None
        if scheduler:
            self.client = Client(scheduler, timeout="30s")
        else:
            # One thread per worker: the engine analyses one document at a time, so processes give the parallelism.
            self._cluster = LocalCluster(n_workers=workers or 1, threads_per_worker=1, processes=True,
                                         dashboard_address=":0", silence_logs=40)
            self.client = Client(self._cluster)
        self.slots = max(4, 4 * sum(self.client.nthreads().values()))

    def submit(self, source: Source) -> Any:
        return self.client.submit(scan_source, source, self.options, pure=False)

    def recover(self, error: BaseException) -> bool:
        return False  # Dask reschedules a lost worker's tasks itself

    def close(self) -> None:
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()
