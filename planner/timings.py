"""Where the time of a plan goes: named stages in the order they ran (`planner plan --timings`)."""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Timings:
    """Seconds per stage; a stage entered twice adds up. A collector, filled as the plan runs."""

    stages: dict[str, float] = field(default_factory=dict)

    def add(self, name: str, seconds: float) -> None:
        self.stages[name] = self.stages.get(name, 0.0) + seconds

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        started = time.perf_counter()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - started)


@contextmanager
def stage(timings: Timings | None, name: str) -> Iterator[None]:
    """`timings.stage(name)`, or nothing when no one is measuring."""
    if timings is None:
        yield
    else:
        with timings.stage(name):
            yield
