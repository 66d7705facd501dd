"""Running independent solves: in this process, on local processes, or on a Dask cluster.

The same pure function runs on the same inputs in every case, so the results are identical;
only where they run differs. Results come back in the order of the jobs.

Local processes are started fresh ("spawn"), never forked: a fork copies whatever state the
parent's threads hold (a solver's thread pool, a notebook kernel's locks) into the workers.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from typing import Any, TypeVar

from tqdm.auto import tqdm

J = TypeVar("J")
R = TypeVar("R")


def run_map(
    fn: Callable[[J], R],
    jobs: Sequence[J],
    *,
    workers: int | None = None,
    dask: str | None = None,
    progress: str | None = None,
) -> list[R]:
    """fn over jobs; `dask` is a scheduler address (tcp://host:8786); `progress` a bar label."""
    bar: Any = tqdm(total=len(jobs), desc=progress, disable=progress is None, leave=False)
    try:
        if dask:
            from distributed import Client
            from distributed import as_completed as dask_completed

            with Client(dask) as client:
                futures = client.map(fn, list(jobs), pure=False)
                for _ in dask_completed(futures):
                    bar.update()
                return list(client.gather(futures))
        workers = workers if workers is not None else (os.cpu_count() or 1)
        if workers > 1 and len(jobs) > 1:
            spawn = multiprocessing.get_context("spawn")
            with ProcessPoolExecutor(max_workers=min(workers, len(jobs)), mp_context=spawn) as pool:
                submitted = [pool.submit(fn, job) for job in jobs]
                for _ in as_completed(submitted):
                    bar.update()
                return [f.result() for f in submitted]
        results = []
        for job in jobs:
            results.append(fn(job))
            bar.update()
        return results
    finally:
        bar.close()
