"""The optimisation problem's plain data: what the model is given and what the solver answers.

No PuLP here: these types travel between processes (the guarded solve runs in a child process)
and are read by the calendar, the baseline and the feasibility checks.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np

Key = tuple[int, ...]


class SolveStatus(StrEnum):
    """How a solve ended; a plan's status is OPTIMAL or FEASIBLE."""

    OPTIMAL = "optimal"  # proven optimal within the scenario's gap
    FEASIBLE = "feasible"  # a plan, not proven optimal (time limit)
    INFEASIBLE = "infeasible"  # the rules cannot all hold
    NO_SOLUTION = "no_solution"  # the time limit passed before any plan was found

    @property
    def has_plan(self) -> bool:
        return self in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE)


@dataclass(frozen=True)
class Group:
    district: int
    candidates: tuple[int, ...]  # supervisors allowed to visit the group's branches
    pinned: bool = False  # a single branch with visits kept from an earlier plan
    standing: int = -1  # the branches' standing 责任人 (preferred when not binding), -1 none
    # the office's year: each branch's first `due` visits fall in weeks <= Instance.due_week
    due: int = 0


@dataclass(frozen=True)
class Instance:
    """Everything the model needs, as plain arrays indexed by position."""

    risk: np.ndarray  # per branch
    group_of: np.ndarray  # per branch: index into groups
    min_visits: np.ndarray  # per branch: mandatory visits (weak-and-lax, overdue)
    groups: tuple[Group, ...]
    district_min_branches: dict[int, int]  # district -> branches that must be visited
    capacity: np.ndarray  # supervisors x weeks: visits allowed (0 in unavailable weeks)
    home: np.ndarray  # per supervisor: district index
    max_visits: int
    gap: int  # min weeks between two visits to a branch
    repeat_value: tuple[float, ...]
    one_responsible: bool
    travel_penalty: float
    # re-planning: visits kept from an earlier plan, (supervisor, week) per branch, all in
    # weeks before `from_week`; new visits fall in `from_week` and later
    pinned: tuple[tuple[tuple[int, int], ...], ...] = ()
    from_week: int = 1
    # the office's year: per branch the visits still owed this year, and the share of the
    # owed visits this plan makes at least (keep pace: H / R of DOMAIN.md)
    owed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=int))
    pace_share: float = 0.0
    # the plan's last week inside the office's year (the plan runs past the year's end when
    # this is below `weeks`): visits owed this year (`Group.due`) fall in this week or before
    due_week: int = 0

    def owed_visits(self, b: int) -> int:
        return int(self.owed[b]) if len(self.owed) else 0

    @property
    def pace(self) -> int:
        """Owed visits the plan makes at least (ceil(owed_total x H / R))."""
        if not len(self.owed) or self.pace_share <= 0:
            return 0
        return math.ceil(int(self.owed.sum()) * self.pace_share - 1e-9)

    def pinned_visits(self, b: int) -> tuple[tuple[int, int], ...]:
        return self.pinned[b] if self.pinned else ()

    @property
    def n_branches(self) -> int:
        return len(self.risk)

    @property
    def weeks(self) -> int:
        return int(self.capacity.shape[1])

    def group_members(self) -> list[list[int]]:
        members: list[list[int]] = [[] for _ in self.groups]
        for b, g in enumerate(self.group_of):
            members[int(g)].append(b)
        return members


@dataclass(frozen=True)
class Allocation:
    """The solver's answer, still aggregated; `planner.schedule` expands it into visits."""

    status: SolveStatus
    visits: np.ndarray  # per branch: number of visits
    # one responsible supervisor: (group, supervisor, k) -> branches with >= k visits from s
    served: dict[Key, int] = field(default_factory=dict)
    # (supervisor, k, week) -> k-th visits by s in week, or (group, k, week) without 责任人
    kth_in_week: dict[Key, int] = field(default_factory=dict)
    # without 责任人: (group, supervisor, week) -> visits
    group_supervisor_week: dict[Key, int] = field(default_factory=dict)
    # new visits of branches with pinned visits: (branch, supervisor, week)
    pinned_new: tuple[Key, ...] = ()
    objective: float = 0.0
    bound: float = 0.0
    seconds: float = 0.0
    shortfall: dict[str, float] = field(default_factory=dict)  # elastic model only


@dataclass(frozen=True)
class Marginals:
    """What more capacity would add, and what the rules cost, from the LP relaxation's duals.

    Duals are rates of the relaxation's objective: exact for small changes of the relaxation,
    an estimate for one whole extra visit (the plan is integer). The relaxation is tight on our
    models (its bound is the optimum to within the gap), so the estimates are close; a test
    compares them with re-solving.
    """

    slot: np.ndarray  # supervisors x weeks: value of one more visit that week
    district_share: dict[int, float]  # district -> value lost to its share rule, per branch
    mandatory: float  # value given up to meet the mandatory visits (the LP's reduced costs)
