"""Shared test helpers: the one way tests run the `planner` command, and tiny model instances."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from planner.problem import Group, Instance


def planner_command(*args: str, prelude: str = "") -> list[str]:
    """The command line of `planner ARGS`; `prelude` is Python run first (a test's patch)."""
    if not prelude:
        return [sys.executable, "-m", "planner.cli", *args]
    main = "\nimport sys\nfrom planner.cli import main\nsys.exit(main(sys.argv[1:]))\n"
    return [sys.executable, "-c", textwrap.dedent(prelude) + main, *args]


def run_planner(
    *args: str, cwd: Path | None = None, timeout: float = 600, prelude: str = ""
) -> subprocess.CompletedProcess[str]:
    """`planner ARGS` as a user runs it: a new process, output captured, never raising on exit codes."""
    return subprocess.run(
        planner_command(*args, prelude=prelude),
        capture_output=True,
        text=True,
        check=False,
        cwd=cwd,
        timeout=timeout,
    )


def tiny_instance(
    risk: Sequence[float],
    *,
    capacity: Sequence[Sequence[int]],
    district: Sequence[int] | None = None,
    home: Sequence[int] | None = None,
    candidates: dict[int, tuple[int, ...]] | None = None,
    min_visits: Sequence[int] | None = None,
    district_min_branches: dict[int, int] | None = None,
    max_visits: int = 3,
    gap: int = 1,
    repeat_value: tuple[float, ...] = (1.0, 0.5, 0.25),
    one_responsible: bool = True,
    travel_penalty: float = 0.0,
) -> Instance:
    """An instance small enough to solve by hand: one group per branch.

    `capacity` is supervisors x weeks; every supervisor may visit every branch unless
    `candidates` (branch -> supervisors) says otherwise; districts default to 0.
    """
    n = len(risk)
    n_sup = len(capacity)
    district = list(district) if district is not None else [0] * n
    groups = tuple(
        Group(district=district[b], candidates=(candidates or {}).get(b, tuple(range(n_sup))))
        for b in range(n)
    )
    return Instance(
        risk=np.asarray(risk, dtype=float),
        group_of=np.arange(n),
        min_visits=np.asarray(min_visits if min_visits is not None else [0] * n, dtype=int),
        groups=groups,
        district_min_branches=dict(district_min_branches or {}),
        capacity=np.asarray(capacity, dtype=int),
        home=np.asarray(home if home is not None else [0] * n_sup, dtype=int),
        max_visits=max_visits,
        gap=gap,
        repeat_value=repeat_value[:max_visits],
        one_responsible=one_responsible,
        travel_penalty=travel_penalty,
    )
