"""The optimisation model: the only module that imports PuLP.

Branches that are interchangeable for every rule (same district, same county, same excluded
supervisors) form a *group*. The model decides, per branch, how many visits it gets; per group
and supervisor, how many of the group's branches that supervisor serves; and per supervisor,
how many k-th visits fall in each week. It never enumerates branch × supervisor × week.

This aggregation is exact: any integer solution can be turned into a calendar of individual
visits that obeys every rule (see `planner.schedule`, whose tests check it), because

* branches of one group differ only in risk, which the per-branch visit variables carry;
* the spacing rule is a cumulative count: a supervisor's (k+1)-th visits up to week w can be
  paired with distinct k-th visits of at least `min_weeks_between_visits` weeks earlier exactly
  when, for every w, #(k+1)-th visits in weeks <= w <= #k-th visits in weeks <= w - gap.
"""

from __future__ import annotations

import math
import re
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

Key = tuple[int, ...]


@dataclass(frozen=True)
class Group:
    district: int
    candidates: tuple[int, ...]  # supervisors allowed to visit the group's branches
    pinned: bool = False  # a single branch with visits kept from an earlier plan


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

    status: str  # optimal | feasible | infeasible
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
    build_seconds: float = 0.0  # building the model (solving is `seconds`)
    cpu_seconds: float = 0.0  # CPU time of building and solving, where it ran


Var = int  # a column of the model
Pairs = list[tuple[Var, float]]
LE, EQ, GE = -1, 0, 1  # row senses (PuLP's values)


class Model:
    """A MIP as plain arrays: building it costs a fraction of PuLP objects, and HiGHS takes it
    in one call. Columns are integer unless said otherwise; rows are sparse (column, coefficient)
    lists with a sense and a right side."""

    def __init__(self, maximize: bool) -> None:
        self.maximize = maximize
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.cost: list[float] = []
        self.integer: list[bool] = []
        self.row_start: list[int] = [0]
        self.row_index: list[int] = []
        self.row_value: list[float] = []
        self.row_sense: list[int] = []
        self.row_rhs: list[float] = []
        self.row_names: list[str] = []

    def var(self, lo: float, hi: float, integer: bool = True) -> Var:
        self.lb.append(float(lo))
        self.ub.append(float(hi))
        self.cost.append(0.0)
        self.integer.append(integer)
        return len(self.lb) - 1

    def add(self, pairs: Pairs, sense: int, rhs: float, name: str) -> int:
        for v, c in pairs:
            self.row_index.append(v)
            self.row_value.append(c)
        self.row_start.append(len(self.row_index))
        self.row_sense.append(sense)
        self.row_rhs.append(float(rhs))
        self.row_names.append(name)
        return len(self.row_sense) - 1

    def set_objective(self, pairs: Pairs) -> None:
        for v, c in pairs:
            self.cost[v] += c

    @property
    def n_cols(self) -> int:
        return len(self.lb)

    @property
    def n_rows(self) -> int:
        return len(self.row_sense)


class _Builder:
    def __init__(self, inst: Instance, elastic: bool, explicit_capacity: bool = False) -> None:
        self.inst = inst
        self.elastic = elastic
        # marginal values need a capacity row (and its dual) even where a bound would do
        self.explicit_capacity = explicit_capacity
        self.capacity_rows: dict[tuple[int, int], int] = {}
        self.share_rows: dict[int, int] = {}
        self.m = Model(maximize=not elastic)
        self.objective: Pairs = []
        self.shortfall_vars: dict[str, list[Var]] = defaultdict(list)
        # (supervisor, week) -> visits that use that week's capacity
        self.load: dict[tuple[int, int], Pairs] = defaultdict(list)
        self.pinned_new: dict[Key, Var] = {}

    def add(self, pairs: Pairs, sense: int, rhs: float, name: str) -> int:
        return self.m.add(pairs, sense, rhs, name)

    def shortfall(self, rule: str, name: str) -> Var:
        var = self.m.var(0, math.inf, integer=False)
        self.shortfall_vars[rule].append(var)
        return var

    def build(self) -> None:
        inst = self.inst
        self.gets_visit = self._visit_variables()
        self._mandatory_visits()
        self._district_shares()
        if inst.one_responsible:
            self._responsible_supervisor_flows()
        else:
            self._shared_supervision_flows()
        self._pinned_branches()
        self._weekly_capacity()
        if self.elastic:
            self.m.set_objective([(v, 1.0) for vs in self.shortfall_vars.values() for v in vs])
        else:
            self.m.set_objective(self.objective)
        # what kept visits away from home cost: a constant, added to objective and bound
        self.offset = 0.0 if self.elastic else -inst.travel_penalty * self._pinned_visits_away()

    def _pinned_visits_away(self) -> int:
        inst = self.inst
        return sum(
            1
            for b in range(inst.n_branches)
            for s, _ in inst.pinned_visits(b)
            if inst.home[s] != inst.groups[int(inst.group_of[b])].district
        )

    def _weekly_capacity(self) -> None:
        for (s, w), pairs in sorted(self.load.items()):
            if len(pairs) > 1 or self.explicit_capacity:
                # a single variable already has the capacity as its bound
                name = f"supervisor_{s}_weekly_capacity_week_{w}"
                self.capacity_rows[s, w] = self.add(pairs, LE, int(self.inst.capacity[s, w - 1]), name)

    def _pinned_branches(self) -> None:
        """New visits of branches with kept visits, one by one: after the kept ones, spaced."""
        inst = self.inst
        gap = inst.gap
        for b in range(inst.n_branches):
            kept = inst.pinned_visits(b)
            if not kept:
                continue
            group = inst.groups[int(inst.group_of[b])]
            first = max(inst.from_week, max(w for _, w in kept) + gap)
            by_week: dict[int, Pairs] = defaultdict(list)
            for s in group.candidates:
                for w in range(first, inst.weeks + 1):
                    if inst.capacity[s, w - 1] <= 0:
                        continue
                    var = self.m.var(0, 1)
                    self.pinned_new[b, s, w] = var
                    by_week[w].append((var, 1.0))
                    self.load[s, w].append((var, 1.0))
                    if inst.travel_penalty and inst.home[s] != group.district:
                        self.objective.append((var, -inst.travel_penalty))
            new = [pair for pairs in by_week.values() for pair in pairs]
            more = [(self.gets_visit[b][k], -1.0) for k in range(len(kept), inst.max_visits)]
            self.add(new + more, EQ, 0, f"branch_{b}_new_visits_scheduled")
            for w in range(first, inst.weeks + 1):
                window = [
                    pair for ww in range(w, min(w + gap, inst.weeks + 1)) for pair in by_week.get(ww, [])
                ]
                if len(window) > 1:
                    self.add(window, LE, 1, f"branch_{b}_new_visits_spaced_from_week_{w}")

    def _visit_variables(self) -> list[list[Var]]:
        """gets_visit[b][k-1] = 1 when branch b gets at least k visits."""
        inst = self.inst
        gets: list[list[Var]] = []
        for b in range(inst.n_branches):
            has_candidates = bool(inst.groups[int(inst.group_of[b])].candidates)
            kept = len(inst.pinned_visits(b))
            row = []
            for k in range(1, inst.max_visits + 1):
                # kept visits stand even when no one may visit the branch any more
                var = self.m.var(0, 1 if has_candidates or k <= kept else 0)
                row.append(var)
                self.objective.append((var, float(inst.risk[b]) * inst.repeat_value[k - 1]))
                if k > 1:
                    self.add(
                        [(var, 1.0), (row[k - 2], -1.0)],
                        LE,
                        0,
                        f"visit_{k}_follows_visit_{k - 1}_branch_{b}",
                    )
            for k in range(min(len(inst.pinned_visits(b)), inst.max_visits)):
                self.m.lb[row[k]] = 1.0  # kept visits have happened or are agreed
            gets.append(row)
        return gets

    def _mandatory_visits(self) -> None:
        inst = self.inst
        for b in np.flatnonzero(inst.min_visits > 0):
            need = int(min(inst.min_visits[b], inst.max_visits))
            if self.elastic:
                short = self.shortfall("mandatory", f"mandatory_branch_{b}")
                pairs = [(self.gets_visit[b][k], 1.0) for k in range(need)]
                self.add([*pairs, (short, 1.0)], GE, need, f"mandatory_visits_branch_{b}")
            else:
                for k in range(need):
                    self.m.lb[self.gets_visit[b][k]] = 1.0

    def _district_shares(self) -> None:
        inst = self.inst
        by_district: dict[int, list[int]] = defaultdict(list)
        for b, g in enumerate(inst.group_of):
            by_district[inst.groups[int(g)].district].append(b)
        for d, need in sorted(inst.district_min_branches.items()):
            if need <= 0:
                continue
            pairs = [(self.gets_visit[b][0], 1.0) for b in by_district[d]]
            if self.elastic:
                pairs.append((self.shortfall("district_share", f"district_{d}"), 1.0))
            self.share_rows[d] = self.add(pairs, GE, need, f"district_{d}_min_branches_visited")

    def _week_vars(self, owner: str, k: int, cap: np.ndarray) -> dict[int, Var]:
        """k-th visits per week; none before the spacing rule allows a k-th visit."""
        first = max(1 + (k - 1) * self.inst.gap, self.inst.from_week)
        return {
            w: self.m.var(0, int(cap[w - 1])) for w in range(first, self.inst.weeks + 1) if cap[w - 1] > 0
        }

    def _spacing(self, kth: dict[int, dict[int, Var]], owner: str) -> None:
        """(k+1)-th visits up to week w never outnumber k-th visits up to week w - gap."""
        gap = self.inst.gap
        for k in range(1, self.inst.max_visits):
            later, earlier = kth[k + 1], kth[k]
            weeks = sorted(later)
            for i, w in enumerate(weeks):
                nxt = weeks[i + 1] if i + 1 < len(weeks) else None
                if nxt is not None and not any(w - gap < e <= nxt - gap for e in earlier):
                    continue  # the next week's constraint has the same right side: it implies this
                pairs = [(v, 1.0) for ww, v in later.items() if ww <= w]
                pairs += [(v, -1.0) for ww, v in earlier.items() if ww <= w - gap]
                self.add(pairs, LE, 0, f"{owner}_visit_{k + 1}_spacing_week_{w}")

    def _responsible_supervisor_flows(self) -> None:
        inst = self.inst
        members = inst.group_members()
        self.served: dict[Key, Var] = {}
        by_supervisor: dict[tuple[int, int], Pairs] = defaultdict(list)
        for g, group in enumerate(inst.groups):
            size = len(members[g])
            if not size or group.pinned:
                continue
            for k in range(1, inst.max_visits + 1):
                pairs: Pairs = []
                for s in group.candidates:
                    var = self.m.var(0, size)
                    self.served[g, s, k] = var
                    pairs.append((var, 1.0))
                    by_supervisor[s, k].append((var, 1.0))
                    if inst.travel_penalty and inst.home[s] != group.district:
                        self.objective.append((var, -inst.travel_penalty))
                    if k > 1:
                        self.add(
                            [(var, 1.0), (self.served[g, s, k - 1], -1.0)],
                            LE,
                            0,
                            f"group_{g}_supervisor_{s}_responsible_for_visit_{k}",
                        )
                pairs += [(self.gets_visit[b][k - 1], -1.0) for b in members[g]]
                self.add(pairs, EQ, 0, f"group_{g}_visit_{k}_has_a_supervisor")
        self.kth: dict[Key, Var] = {}
        for s in range(len(inst.home)):
            cap = inst.capacity[s]
            kth = {k: self._week_vars(f"supervisor_{s}", k, cap) for k in range(1, inst.max_visits + 1)}
            for k, weeks in kth.items():
                for w, var in weeks.items():
                    self.kth[s, k, w] = var
                pairs = [(v, 1.0) for v in weeks.values()] + [(v, -1.0) for v, _ in by_supervisor[s, k]]
                self.add(pairs, EQ, 0, f"supervisor_{s}_visit_{k}_scheduled")
            self._spacing(kth, f"supervisor_{s}")
            for weeks in kth.values():
                for w, var in weeks.items():
                    self.load[s, w].append((var, 1.0))

    def _shared_supervision_flows(self) -> None:
        inst = self.inst
        members = inst.group_members()
        self.kth = {}
        self.by_sup: dict[Key, Var] = {}
        for g, group in enumerate(inst.groups):
            if not members[g] or not group.candidates or group.pinned:
                continue
            cap = inst.capacity[list(group.candidates)].sum(axis=0)
            size = len(members[g])
            kth = {
                k: self._week_vars(f"group_{g}", k, np.minimum(cap, size))
                for k in range(1, inst.max_visits + 1)
            }
            for k, weeks in kth.items():
                for w, var in weeks.items():
                    self.kth[g, k, w] = var
                pairs = [(v, 1.0) for v in weeks.values()]
                pairs += [(self.gets_visit[b][k - 1], -1.0) for b in members[g]]
                self.add(pairs, EQ, 0, f"group_{g}_visit_{k}_scheduled")
            self._spacing(kth, f"group_{g}")
            for w in range(1, inst.weeks + 1):
                visits = [(kth[k][w], -1.0) for k in kth if w in kth[k]]
                if not visits:
                    continue
                pairs = []
                for s in group.candidates:
                    if inst.capacity[s, w - 1] <= 0:
                        continue
                    var = self.m.var(0, int(inst.capacity[s, w - 1]))
                    self.by_sup[g, s, w] = var
                    pairs.append((var, 1.0))
                    self.load[s, w].append((var, 1.0))
                    if inst.travel_penalty and inst.home[s] != group.district:
                        self.objective.append((var, -inst.travel_penalty))
                self.add(pairs + visits, EQ, 0, f"group_{g}_week_{w}_visits_have_supervisors")


_BANNER_SHOWN = False


def _silence_highs_banner() -> None:
    """HiGHS prints a banner on the first Highs() of a process, whatever output_flag says."""
    global _BANNER_SHOWN
    if _BANNER_SHOWN:
        return
    import os
    import sys

    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(devnull)
        os.close(saved)
    _BANNER_SHOWN = True


PRESOLVE_UP_TO_BRANCHES = 3000
INTEGRAL = 1e-6  # a column this close to an integer is integral


@dataclass(frozen=True)
class _Solution:
    """A solver's answer in the model's own sense (maximise, or minimise when elastic)."""

    status: str  # solved | infeasible | no_solution
    x: np.ndarray
    bound: float  # the proven bound on the objective
    row_dual: np.ndarray | None = None  # of the LP relaxation (HiGHS minimises; see _duals)
    col_dual: np.ndarray | None = None
    lp_seconds: float = 0.0  # the LP relaxation, which gives the marginal values


def _highs(model: Model, options: dict[str, float | str]) -> object:
    """The model as a continuous HiGHS model, passed in one call (HiGHS minimises)."""
    import highspy

    _silence_highs_banner()
    h = highspy.Highs()
    h.setOptionValue("output_flag", False)
    for key, value in options.items():
        h.setOptionValue(key, value)
    inf = highspy.kHighsInf
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = model.n_cols, model.n_rows
    lp.col_cost_ = np.array(model.cost) * (-1.0 if model.maximize else 1.0)
    lp.col_lower_ = np.array(model.lb)
    lp.col_upper_ = np.minimum(np.array(model.ub), inf)
    sense, rhs = np.array(model.row_sense, dtype=int), np.array(model.row_rhs)
    lp.row_lower_ = np.where(sense >= 0, rhs, -inf)
    lp.row_upper_ = np.where(sense <= 0, rhs, inf)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kRowwise
    lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = model.n_cols, model.n_rows
    lp.a_matrix_.start_ = np.array(model.row_start, dtype=np.int32)
    lp.a_matrix_.index_ = np.array(model.row_index, dtype=np.int32)
    lp.a_matrix_.value_ = np.array(model.row_value, dtype=float)
    h.passModel(lp)
    return h


def _highs_has_solution(h: object) -> bool:
    return int(h.getInfo().primal_solution_status) == 2  # type: ignore[attr-defined]


DIVE_STEPS = 60  # LP re-solves spent rounding fractional flows before the whole MIP


def _solve_highs(
    model: Model, primary: list[Var], time_limit_s: float, gap: float, presolve: bool
) -> _Solution:
    """The LP relaxation first: its duals are the marginal values, its optimum a proven bound.

    On our models the relaxation is tight and its vertex is integral or nearly so. Integral: it
    is the optimal plan. Nearly (fractions show up in the supervisor flows): the `primary`
    columns (how many visits each branch gets) that are integral are fixed, and the fractional
    columns rounded one at a time, each followed by an LP re-solve from the previous basis (a
    dive, milliseconds a step). An integral answer within the gap of the LP bound is proven
    optimal by that bound. Otherwise the whole MIP is solved.
    """
    import highspy

    started = time.perf_counter()
    options: dict[str, float | str] = {
        "threads": 1,  # forked worker processes must not inherit a HiGHS thread pool
        "random_seed": 0,
        "time_limit": float(time_limit_s),
        "mip_rel_gap": gap,
        "mip_feasibility_tolerance": 1e-7,
        # measured: presolve halves a 1,000-branch MIP but makes a 10,000-branch one four
        # times slower while removing about 1 % of the model; the LP gains nothing from it there
        "presolve": "on" if presolve else "off",
    }
    h: Any = _highs(model, options)
    h.run()
    lp_seconds = time.perf_counter() - started
    status = h.getModelStatus()
    integer = np.array(model.integer, dtype=bool)
    n = model.n_cols
    optimal = highspy.HighsModelStatus.kOptimal
    if status in (highspy.HighsModelStatus.kInfeasible, highspy.HighsModelStatus.kUnboundedOrInfeasible):
        return _Solution("infeasible", np.zeros(n), math.nan, lp_seconds=lp_seconds)
    row_dual = col_dual = None
    lp_bound = -math.inf  # HiGHS minimises
    if status == optimal:
        sol = h.getSolution()
        x = np.array(sol.col_value)
        row_dual, col_dual = np.array(sol.row_dual), np.array(sol.col_dual)
        lp_bound = float(h.getInfo().objective_function_value)
        first = np.zeros(n, dtype=bool)
        first[primary] = True
        fixed = np.flatnonzero(first & integer & (np.abs(x - np.round(x)) <= INTEGRAL)).astype(np.int32)
        h.changeColsBounds(len(fixed), fixed, np.round(x[fixed]), np.round(x[fixed]))
        h.run()  # the LP with the branches' visits fixed, from the previous basis
        for _ in range(DIVE_STEPS):
            if h.getModelStatus() != optimal or time.perf_counter() - started > time_limit_s:
                break
            x = np.array(h.getSolution().col_value)
            frac = np.flatnonzero(integer & (np.abs(x - np.round(x)) > INTEGRAL))
            if not len(frac):
                value = float(h.getInfo().objective_function_value)
                if value - lp_bound <= gap * max(abs(value), 1e-9) + 1e-9:
                    x = np.where(integer, np.round(x), x)
                    return _Solution("solved", x, _sense(model, lp_bound), row_dual, col_dual, lp_seconds)
                break
            # round the fractional column nearest to an integer (the other way if that fails)
            j = int(frac[np.argmin(np.abs(x[frac] - np.round(x[frac])))])
            near = float(np.round(x[j]))
            other = float(np.floor(x[j]) if near > x[j] else np.ceil(x[j]))
            for value in (near, other):
                h.changeColBounds(j, value, value)
                h.run()
                if h.getModelStatus() == optimal:
                    break
        # not proven: the whole MIP, on a fresh copy of the model
        h = _highs(model, options)
    cols = np.flatnonzero(integer).astype(np.int32)
    h.changeColsIntegrality(len(cols), cols, np.full(len(cols), highspy.HighsVarType.kInteger))
    h.setOptionValue("time_limit", max(0.1, time_limit_s - (time.perf_counter() - started)))
    h.run()
    status = h.getModelStatus()
    if status == highspy.HighsModelStatus.kInfeasible:
        return _Solution("infeasible", np.zeros(n), math.nan, lp_seconds=lp_seconds)
    if not _highs_has_solution(h):
        return _Solution("no_solution", np.zeros(n), math.nan, lp_seconds=lp_seconds)
    x = np.array(h.getSolution().col_value)
    x = np.where(integer, np.round(x), x)
    mip_bound = float(h.getInfo().mip_dual_bound)
    bound = max(lp_bound, mip_bound) if math.isfinite(mip_bound) else lp_bound
    return _Solution("solved", x, _sense(model, bound), row_dual, col_dual, lp_seconds)


def _sense(model: Model, minimised: float) -> float:
    """A value of HiGHS's minimisation in the model's own sense."""
    return -minimised if model.maximize else minimised


def _solve_cbc(model: Model, time_limit_s: float, gap: float) -> _Solution:
    """CBC through PuLP (the alternative solver): the arrays become a PuLP problem."""
    import pulp

    prob = pulp.LpProblem("visit_plan", pulp.LpMaximize if model.maximize else pulp.LpMinimize)
    xs = [
        pulp.LpVariable(
            f"x{i}",
            lo,
            hi if math.isfinite(hi) else None,
            pulp.LpInteger if integer else pulp.LpContinuous,
        )
        for i, (lo, hi, integer) in enumerate(zip(model.lb, model.ub, model.integer, strict=True))
    ]
    # pairs go to LpAffineExpression: lpSum of (var, coef) pairs builds the wrong expression
    prob.setObjective(pulp.LpAffineExpression([(xs[i], c) for i, c in enumerate(model.cost) if c]))
    for r in range(model.n_rows):
        lo, hi = model.row_start[r], model.row_start[r + 1]
        expr = pulp.LpAffineExpression(
            [(xs[j], c) for j, c in zip(model.row_index[lo:hi], model.row_value[lo:hi], strict=True)]
        )
        prob.addConstraint(pulp.LpConstraint(expr, model.row_sense[r], f"r{r}", model.row_rhs[r]))
    with tempfile.TemporaryDirectory() as tmp:
        log = Path(tmp) / "cbc.log"
        prob.solve(
            pulp.PULP_CBC_CMD(msg=False, timeLimit=time_limit_s, gapRel=gap, threads=1, logPath=str(log))
        )
        status = pulp.LpStatus[prob.status]
        has_solution = prob.sol_status in (pulp.LpSolutionOptimal, pulp.LpSolutionIntegerFeasible)
        if status == "Infeasible" or not has_solution:
            return _Solution("infeasible" if status == "Infeasible" else "no_solution", np.zeros(0), math.nan)
        x = np.array([v.varValue or 0.0 for v in xs])
        x = np.where(np.array(model.integer), np.round(x), x)
        objective = float(np.dot(model.cost, x))
        bound = _cbc_bound(log, objective, prob.sol_status == pulp.LpSolutionOptimal)
    return _Solution("solved", x, bound if model.maximize else objective)


def _cbc_bound(log: Path, objective: float, optimal: bool) -> float:
    text = log.read_text(errors="replace") if log.exists() else ""
    # CBC reports in its own (minimisation) sense; with -max the values are negated in the log
    found = re.findall(r"(?:Lower|Upper) bound:\s*(-?[\d.eE+]+)", text)
    if found:
        return max(abs(float(found[-1])), objective)
    return objective if optimal else math.inf


def _lp_duals(model: Model) -> tuple[np.ndarray, np.ndarray, float]:
    """Row and column duals of the LP relaxation (for CBC plans, whose MIP gives none)."""
    started = time.perf_counter()
    h: Any = _highs(model, {"threads": 1})
    h.run()
    sol = h.getSolution()
    return np.array(sol.row_dual), np.array(sol.col_dual), time.perf_counter() - started


def solve(
    inst: Instance,
    *,
    solver: str = "highs",
    time_limit_s: float = 60.0,
    gap: float = 0.001,
    elastic: bool = False,
) -> Allocation:
    """Maximise risk addressed under every rule (or, elastic, minimise the rules' shortfall)."""
    return solve_with_marginals(
        inst, solver=solver, time_limit_s=time_limit_s, gap=gap, elastic=elastic, marginals=False
    )[0]


def solve_with_marginals(
    inst: Instance,
    *,
    solver: str = "highs",
    time_limit_s: float = 60.0,
    gap: float = 0.001,
    elastic: bool = False,
    marginals: bool = True,
) -> tuple[Allocation, Marginals | None]:
    """`solve`, and (when feasible) the LP relaxation's duals on the same model.

    With HiGHS the relaxation is the first step of the solve, so its duals cost nothing extra.
    """
    started, cpu_started = time.perf_counter(), time.process_time()
    # capacity rows even where a bound would do: their duals are the marginal values, and the
    # LP takes a quarter of the iterations with them (measured on a 10,000-branch county)
    builder = _Builder(inst, elastic, explicit_capacity=True)
    builder.build()
    built = time.perf_counter()
    if solver == "cbc":
        sol = _solve_cbc(builder.m, time_limit_s, gap)
    else:
        primary = [v for row in builder.gets_visit for v in row]
        presolve = inst.n_branches <= PRESOLVE_UP_TO_BRANCHES
        sol = _solve_highs(builder.m, primary, time_limit_s, gap, presolve)
    seconds = time.perf_counter() - built
    if sol.status == "no_solution" and seconds < 0.9 * time_limit_s:
        raise RuntimeError(f"the {solver} solver stopped without an answer after {seconds:.1f} s")
    if sol.status != "solved":
        return Allocation(status=sol.status, visits=np.zeros(inst.n_branches, int), seconds=seconds), None
    x = sol.x
    m = builder.m
    objective = float(np.dot(m.cost, x)) + builder.offset
    bound = sol.bound + builder.offset if math.isfinite(sol.bound) else objective

    def counts(variables: dict[Key, Var]) -> dict[Key, int]:
        return {k: int(x[v]) for k, v in variables.items() if x[v] >= 0.5}

    visits = np.array([sum(int(x[v]) for v in row) for row in builder.gets_visit], dtype=int)
    rel_gap = abs(bound - objective) / max(abs(objective), 1e-9)
    proven = rel_gap <= gap + 1e-9
    alloc = Allocation(
        status="optimal" if proven else "feasible",
        visits=visits,
        objective=objective,
        bound=bound,
        seconds=seconds,
        kth_in_week=counts(builder.kth),
        served=counts(getattr(builder, "served", {})),
        group_supervisor_week=counts(getattr(builder, "by_sup", {})),
        pinned_new=tuple(sorted(k for k, v in builder.pinned_new.items() if x[v] >= 0.5)),
        shortfall={rule: float(sum(x[v] for v in vs)) for rule, vs in builder.shortfall_vars.items()},
        build_seconds=built - started,
        cpu_seconds=time.process_time() - cpu_started,
    )
    if not marginals:
        return alloc, None
    if sol.row_dual is None or sol.col_dual is None:
        row_dual, col_dual, lp_seconds = _lp_duals(m)
    else:
        row_dual, col_dual, lp_seconds = sol.row_dual, sol.col_dual, sol.lp_seconds
    return alloc, _duals(builder, row_dual, col_dual, lp_seconds)


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
    seconds: float = 0.0  # the LP relaxation that gave them


def _duals(builder: _Builder, row_dual: np.ndarray, col_dual: np.ndarray, seconds: float) -> Marginals:
    """Marginal values from the duals of the LP relaxation (HiGHS minimises -objective)."""
    inst = builder.inst
    slot = np.zeros_like(inst.capacity, dtype=float)
    for (s, w), row in builder.capacity_rows.items():
        slot[s, w - 1] = max(0.0, -float(row_dual[row]))
    share = {d: max(0.0, float(row_dual[row])) for d, row in builder.share_rows.items()}
    mandatory = 0.0
    for b in range(inst.n_branches):
        need = max(int(inst.min_visits[b]), len(inst.pinned_visits(b)))
        for k in range(min(need, inst.max_visits)):
            mandatory += max(0.0, float(col_dual[builder.gets_visit[b][k]]))
    return Marginals(slot=slot, district_share=share, mandatory=mandatory, seconds=seconds)
