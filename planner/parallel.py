"""Running independent solves: in this process, on local processes, or on a Dask cluster.

The same pure function runs on the same inputs in every case, so the results are identical;
only where they run differs. Results come back in the order of the jobs.

Local processes are started fresh ("spawn"), never forked: a fork copies whatever state the
parent's threads hold (a solver's thread pool, a notebook kernel's locks) into the workers. They
are started once per process and kept for later calls (a sweep after a plan, the workbook's next
Solve); `dask="local"` starts a Dask `LocalCluster` on this machine once,
any other value is the address of a running scheduler (tcp://host:8786).
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

J = TypeVar("J")
R = TypeVar("R")

LOCAL_DASK = "local"
_pool: ProcessPoolExecutor | None = None
_pool_workers = 0
_local_cluster: Any = None


def _processes(workers: int) -> ProcessPoolExecutor:
    """The process pool of this process, started on first use and kept."""
    global _pool, _pool_workers
    if _pool is None or _pool_workers != workers:
        if _pool is not None:
            _pool.shutdown(cancel_futures=True)
        _pool = ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))
        _pool_workers = workers
    return _pool


def _close() -> None:
    global _pool, _local_cluster
    if _pool is not None:
        _pool.shutdown(cancel_futures=True)
        _pool = None
    if _local_cluster is not None:
        _local_cluster.close()
        _local_cluster = None


atexit.register(_close)


def dask_address(dask: str) -> str:
    """The scheduler's address; "local" starts (once) a LocalCluster of one process per core."""
    global _local_cluster
    if dask != LOCAL_DASK:
        return dask
    if _local_cluster is None:
        from distributed import LocalCluster

        _local_cluster = LocalCluster(
            n_workers=os.cpu_count() or 1, threads_per_worker=1, processes=True, dashboard_address=None
        )
    return str(_local_cluster.scheduler_address)


def run_map(
    fn: Callable[[J], R],
    jobs: Sequence[J],
    *,
    workers: int | None = None,
    dask: str | None = None,
    progress: str | None = None,
) -> list[R]:
    """fn over jobs; `dask` is a scheduler address or "local"; `progress` a bar label."""
    from tqdm.auto import tqdm

    bar: Any = tqdm(total=len(jobs), desc=progress, disable=progress is None, leave=False)
    try:
        if dask:
            from distributed import Client
            from distributed import as_completed as dask_completed

            with Client(dask_address(dask)) as client:
                futures = client.map(fn, list(jobs), pure=False)
                for _ in dask_completed(futures):
                    bar.update()
                return list(client.gather(futures))
        workers = workers if workers is not None else (os.cpu_count() or 1)
        if workers > 1 and len(jobs) > 1:
            pool = _processes(workers)
            try:
                submitted = [pool.submit(fn, job) for job in jobs]
                for _ in as_completed(submitted):
                    bar.update()
                return [f.result() for f in submitted]
            except BrokenProcessPool:
                _close()  # a worker died (out of memory?): the next call starts a fresh pool
                raise
        results = []
        for job in jobs:
            results.append(fn(job))
            bar.update()
        return results
    finally:
        bar.close()
