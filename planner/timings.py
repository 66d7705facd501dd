"""Where the time of a plan goes: named stages in the order they ran (`planner plan --timings`).

Each stage has its wall time and the CPU time of this process (`time.process_time`); on a
shared machine the CPU time is the steadier figure. Work done in worker processes is added
with the seconds the workers report.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field


@dataclass
class Timings:
    """Seconds per stage; a stage entered twice adds up. A collector, filled as the plan runs."""

    wall: dict[str, float] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)
    worker_cpu: float = 0.0  # CPU seconds spent in worker processes (counted in their stages)

    def process_cpu(self) -> float:
        """CPU seconds of this process so far and of the work it sent to worker processes."""
        return time.process_time() + self.worker_cpu

    def add(self, name: str, wall: float, cpu: float | None = None) -> None:
        self.wall[name] = self.wall.get(name, 0.0) + wall
        self.cpu[name] = self.cpu.get(name, 0.0) + (wall if cpu is None else cpu)

    def seconds(self, name: str) -> tuple[float, float]:
        """A stage's wall and CPU seconds so far (0 if it has not run)."""
        return self.wall.get(name, 0.0), self.cpu.get(name, 0.0)

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            yield
        finally:
            self.add(name, time.perf_counter() - wall, time.process_time() - cpu)

    def as_json(self) -> dict[str, dict[str, float]]:
        return {
            "wall": {k: round(v, 4) for k, v in self.wall.items()},
            "cpu": {k: round(v, 4) for k, v in self.cpu.items()},
        }


@contextmanager
def stage(timings: Timings | None, name: str) -> Iterator[None]:
    """`timings.stage(name)`, or nothing when no one is measuring."""
    if timings is None:
        yield
    else:
        with timings.stage(name):
            yield
