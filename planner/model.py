"""The optimisation model as plain arrays: building it, and reading its answer back.

The model is a MIP held as NumPy-ready lists (column bounds, costs, integrality; rows as sparse
(column, coefficient) lists with a sense and a right side): building it costs a fraction of PuLP
objects, and HiGHS takes it in one call. CBC gets it as a PuLP problem (`to_pulp`). Running it
(solver options, status, bound, the time guard) is `planner.solver`; the plain data it is built
from and answers with is `planner.problem`.

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

import copy
import math
from collections import defaultdict
from typing import Any

import numpy as np

from planner.problem import Allocation, Group, Instance, Key, Marginals, SolveStatus

Var = int  # a column of the model
Pairs = list[tuple[Var, float]]
LE, EQ, GE = -1, 0, 1  # row senses (PuLP's values)


class Model:
    """A built model: its columns and rows as lists, and the columns and rows to read back.

    Columns have bounds, a cost and integrality; rows are sparse (column, coefficient) lists
    with a sense (LE, EQ, GE) and a right side, stored row by row as HiGHS takes them.
    """

    def __init__(
        self,
        inst: Instance,
        elastic: bool,
        explicit_capacity: bool = False,
        gap: float = 0.0,
        lower: float = 0.0,
    ) -> None:
        self.inst = inst
        self.elastic = elastic
        self.epsilon = 0.0 if elastic else _tie_break_unit(inst, gap, lower)
        self.maximize = not elastic
        self.tie_break: Pairs = []
        self.balance_rows: list[int] = []
        # one responsible supervisor: each supervisor's visits, by group (for the balance term)
        self.visits_of: dict[int, Pairs] = defaultdict(list)
        # marginal values need a capacity row (and its dual) even where a bound would do
        self.explicit_capacity = explicit_capacity
        self.capacity_rows: dict[tuple[int, int], int] = {}
        self.share_rows: dict[int, int] = {}
        # columns
        self.lb: list[float] = []
        self.ub: list[float] = []
        self.cost: list[float] = []
        self.integer: list[bool] = []
        # rows
        self.row_start: list[int] = [0]
        self.row_index: list[int] = []
        self.row_value: list[float] = []
        self.row_sense: list[int] = []
        self.row_rhs: list[float] = []
        self.row_names: list[str] = []
        self.objective: Pairs = []
        self.shortfall_vars: dict[str, list[Var]] = defaultdict(list)
        # (supervisor, week) -> visits that use that week's capacity
        self.load: dict[tuple[int, int], Pairs] = defaultdict(list)
        self.pinned_new: dict[Key, Var] = {}
        self.served: dict[Key, Var] = {}  # one responsible supervisor
        self.kth: dict[Key, Var] = {}
        self.by_sup: dict[Key, Var] = {}  # shared supervision
        self.offset = 0.0

    @property
    def n_cols(self) -> int:
        return len(self.lb)

    @property
    def n_rows(self) -> int:
        return len(self.row_sense)

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

    def shortfall(self, rule: str, name: str) -> Var:
        var = self.var(0, math.inf, integer=False)
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
        self._keep_pace()
        self._balance()
        # a variable may carry several terms (travel penalty, tie-break): they add up
        if self.elastic:
            terms = [(v, 1.0) for vs in self.shortfall_vars.values() for v in vs]
        else:
            terms = self.objective + self.tie_break
        for var, coef in terms:
            self.cost[var] += coef
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

    def _prefer(self, var: Var, s: int, group: Group) -> None:
        """Tie-break: a visit by the standing 责任人 is worth 3 units, by a supervisor of the
        branch's district 1 (see `_tie_break_unit` for why this never costs objective)."""
        if not self.epsilon:
            return
        units = 3.0 * (s == group.standing) + 1.0 * (self.inst.home[s] == group.district)
        if units:
            self.tie_break.append((var, units * self.epsilon))

    def _balance(self) -> None:
        """Tie-break, last: the busiest supervisor's share of their own slots is kept low."""
        if not self.epsilon:
            return
        inst = self.inst
        # the busiest supervisor's share, at most 1 by the capacity rows: no upper bound, which
        # would take the capacity rows' duals when someone is fully booked (marginal values)
        peak = self.var(0, 1, integer=False)
        slots = inst.capacity[:, inst.from_week - 1 :].sum(axis=1)
        for s in range(len(inst.home)):
            # a supervisor's visits: their groups' visits (fewer entries than week by week)
            pairs = self.visits_of.get(s) or [
                pair for w in range(inst.from_week, inst.weeks + 1) for pair in self.load.get((s, w), [])
            ]
            if pairs and slots[s] > 0:
                row = self.add([*pairs, (peak, -float(slots[s]))], LE, 0, f"supervisor_{s}_share")
                self.balance_rows.append(row)
        self.tie_break.append((peak, -self.epsilon))

    def _keep_pace(self) -> None:
        """The year's keep-pace rule: at least `pace` of the owed visits are made in this plan."""
        inst = self.inst
        need = inst.pace
        if need <= 0:
            return
        pairs = [
            (self.gets_visit[b][k], 1.0)
            for b in np.flatnonzero(inst.owed > 0)
            for k in range(min(int(inst.owed[b]), inst.max_visits))
        ]
        if self.elastic:
            pairs.append((self.shortfall("keep_pace", "year_keep_pace"), 1.0))
        self.add(pairs, GE, need, "year_keep_pace")

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
                    var = self.var(0, 1)  # branch b's new visit by s in week w
                    self.pinned_new[b, s, w] = var
                    self.visits_of[s].append((var, 1.0))
                    by_week[w].append((var, 1.0))
                    self.load[s, w].append((var, 1.0))
                    if inst.travel_penalty and inst.home[s] != group.district:
                        self.objective.append((var, -inst.travel_penalty))
                    self._prefer(var, s, group)
            new = [pair for pairs in by_week.values() for pair in pairs]
            more = [(self.gets_visit[b][k], -1.0) for k in range(len(kept), inst.max_visits)]
            self.add(new + more, EQ, 0, f"branch_{b}_new_visits_scheduled")
            due_new = group.due - sum(1 for _, w in kept if w <= inst.due_week)
            if due_new > 0:  # visits owed this year: made before the year's end
                in_year = [pair for w, pairs in by_week.items() if w <= inst.due_week for pair in pairs]
                self.add(in_year, GE, due_new, f"branch_{b}_owed_visits_in_the_year")
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
                var = self.var(0, 1 if has_candidates or k <= kept else 0)
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
                self.lb[row[k]] = 1.0  # kept visits have happened or are agreed
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
                    self.lb[self.gets_visit[b][k]] = 1.0

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

    def _week_vars(self, k: int, cap: np.ndarray, due: int = 0) -> dict[int, Var]:
        """k-th visits per week; none before the spacing rule allows a k-th visit, and none
        after the office's year ends when the branches owe a k-th visit this year (k <= due)."""
        first = max(1 + (k - 1) * self.inst.gap, self.inst.from_week)
        last = self.inst.due_week if k <= due and self.inst.due_week else self.inst.weeks
        return {w: self.var(0, int(cap[w - 1])) for w in range(first, last + 1) if cap[w - 1] > 0}

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
        # a supervisor's k-th visits, by the visits their branches owe inside the year (`due`):
        # each (supervisor, due) pool is scheduled and spaced on its own, so that every branch
        # of a pool with due m gets its first m visits before the year's end
        by_supervisor: dict[tuple[int, int, int], Pairs] = defaultdict(list)
        for g, group in enumerate(inst.groups):
            size = len(members[g])
            if not size or group.pinned:
                continue
            for k in range(1, inst.max_visits + 1):
                pairs: Pairs = []
                for s in group.candidates:
                    var = self.var(0, size)  # group g's k-th visits by supervisor s
                    self.served[g, s, k] = var
                    pairs.append((var, 1.0))
                    by_supervisor[s, group.due, k].append((var, 1.0))
                    if inst.travel_penalty and inst.home[s] != group.district:
                        self.objective.append((var, -inst.travel_penalty))
                    self._prefer(var, s, group)
                    self.visits_of[s].append((var, 1.0))
                    if k > 1:
                        self.add(
                            [(var, 1.0), (self.served[g, s, k - 1], -1.0)],
                            LE,
                            0,
                            f"group_{g}_supervisor_{s}_responsible_for_visit_{k}",
                        )
                pairs += [(self.gets_visit[b][k - 1], -1.0) for b in members[g]]
                self.add(pairs, EQ, 0, f"group_{g}_visit_{k}_has_a_supervisor")
        pools = sorted({(s, due) for s, due, _ in by_supervisor} | {(s, 0) for s in range(len(inst.home))})
        for s, due in pools:
            cap = inst.capacity[s]
            owner = f"supervisor_{s}" if not due else f"supervisor_{s}_owing_{due}"
            kth = {k: self._week_vars(k, cap, due) for k in range(1, inst.max_visits + 1)}
            for k, weeks in kth.items():
                for w, var in weeks.items():
                    self.kth[s, due, k, w] = var
                pairs = [(v, 1.0) for v in weeks.values()] + [(v, -1.0) for v, _ in by_supervisor[s, due, k]]
                self.add(pairs, EQ, 0, f"{owner}_visit_{k}_scheduled")
            self._spacing(kth, owner)
            for weeks in kth.values():
                for w, var in weeks.items():
                    self.load[s, w].append((var, 1.0))

    def _shared_supervision_flows(self) -> None:
        inst = self.inst
        members = inst.group_members()
        for g, group in enumerate(inst.groups):
            if not members[g] or not group.candidates or group.pinned:
                continue
            cap = inst.capacity[list(group.candidates)].sum(axis=0)
            size = len(members[g])
            room = np.minimum(cap, size)
            kth = {k: self._week_vars(k, room, group.due) for k in range(1, inst.max_visits + 1)}
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
                    var = self.var(0, int(inst.capacity[s, w - 1]))  # group g's visits by s in week w
                    self.by_sup[g, s, w] = var
                    self.visits_of[s].append((var, 1.0))
                    pairs.append((var, 1.0))
                    self.load[s, w].append((var, 1.0))
                    if inst.travel_penalty and inst.home[s] != group.district:
                        self.objective.append((var, -inst.travel_penalty))
                    self._prefer(var, s, group)
                self.add(pairs + visits, EQ, 0, f"group_{g}_week_{w}_visits_have_supervisors")


def _tie_break_unit(inst: Instance, gap: float, known: float = 0.0) -> float:
    """The worth of one tie-break unit: small enough never to cost objective beyond the gap.

    Among equally good plans the model prefers the standing 责任人 (3 units a visit), then a
    supervisor of the branch's district (1 unit a visit), then balanced workloads (at most 1
    unit in all). Every visit earns at most 4 units, and a plan has at most `slots` visits, so
    the tie-break T of any plan lies in [-e, 4 e slots] with e this unit.

    Proof that it does not lower the objective beyond the solver's gap: let f be the contract's
    objective, f* its optimum, L <= f* a lower bound (below), and e = gap L / (2 (4 slots + 1)),
    so |T| <= gap L / 2 <= gap f* / 2. The solver stops at z = f + T with z >= (1 - gap) B, and
    its bound B >= max(f + T) >= f* - e. Hence f >= (1 - gap) f* - gap f* / 2 - e: the plan is
    within the solver's own tolerance (1.5 x gap, plus e) of the optimum of f, and B + e is still
    a proven bound on f*. With HiGHS these models close the gap, and then f = f*
    (a test compares the sample's objective with and without the tie-break).

    L: every feasible plan makes the mandatory visits, so f* >= their worth minus the travel
    penalty on every slot; or `known`, the objective of a plan already found (`planner.solver`
    solves again with it when the first L is not positive). When L is not positive (or gap = 0)
    there is no tie-break.
    """
    if gap <= 0 or not inst.n_branches:
        return 0.0
    slots = float(inst.capacity[:, inst.from_week - 1 :].sum())
    kept = np.array([len(inst.pinned_visits(b)) for b in range(inst.n_branches)], dtype=int)
    need = np.minimum(np.maximum(inst.min_visits, kept), inst.max_visits)
    worth = np.cumsum([0.0, *inst.repeat_value])[need]
    lower = float((inst.risk * worth).sum()) - inst.travel_penalty * (slots + float(kept.sum()))
    lower = max(lower, known)
    if lower <= 0 or slots <= 0:
        return 0.0
    return gap * lower / (2.0 * (4.0 * slots + 1.0))


def build(
    inst: Instance,
    *,
    elastic: bool = False,
    explicit_capacity: bool = False,
    gap: float = 0.0,
    lower: float = 0.0,
) -> Model:
    """The model of an instance: maximise risk addressed (elastic: minimise shortfall).

    `explicit_capacity` keeps a capacity row (and its dual) where a bound would do; marginal
    values need it. `gap` > 0 adds the tie-break (standing 责任人, home district, balanced
    load) worth less than the gap (see `_tie_break_unit`; `lower`: a known lower bound on the
    optimum, the objective of a feasible plan, for its unit). `planner.solver` runs the model;
    `allocation`, `contract_objective` and `marginals` read it back.
    """
    model = Model(inst, elastic, explicit_capacity, gap, lower)
    model.build()
    return model


def allocation(
    model: Model, x: np.ndarray, status: SolveStatus, *, objective: float, bound: float, seconds: float
) -> Allocation:
    """The solved model's answer (`x`: a value per column, integral where integer), still aggregated."""
    xi = np.rint(x).astype(np.int64)

    def values(variables: dict[Key, Var]) -> dict[Key, int]:
        return {k: int(xi[v]) for k, v in variables.items() if xi[v]}

    rows = np.array(model.gets_visit, dtype=np.int64).reshape(len(model.gets_visit), model.inst.max_visits)
    visits = xi[rows].sum(axis=1).astype(int) if rows.size else np.zeros(len(rows), dtype=int)
    return Allocation(
        status=status,
        visits=visits,
        objective=objective,
        bound=bound,
        seconds=seconds,
        kth_in_week=values(model.kth),
        served=values(model.served),
        group_supervisor_week=values(model.by_sup),
        pinned_new=tuple(sorted(k for k, v in model.pinned_new.items() if xi[v])),
        shortfall={rule: float(sum(x[v] for v in vs)) for rule, vs in model.shortfall_vars.items()},
    )


def solver_objective(model: Model, x: np.ndarray) -> float:
    """The objective the solver optimises (with the tie-break), of the values `x`."""
    return float(np.dot(model.cost, x)) + model.offset


def contract_objective(model: Model, x: np.ndarray) -> float:
    """The objective as the contract defines it, of the values `x`: without the tie-break."""
    if model.elastic:
        return solver_objective(model, x)
    return sum(c * float(x[v]) for v, c in model.objective) + model.offset


def with_visit_forced(model: Model, b: int) -> Model:
    """The model with a visit to branch `b` required (the re-solve that prices a visit there):
    its first visit column's lower bound is 1. Everything else is shared with `model`, whose
    tie-break unit it keeps: the unit built anew would be larger (the required visit raises the
    lower bound it is worked out from), so the kept one is as safe (see `_tie_break_unit`)."""
    forced = copy.copy(model)
    forced.lb = list(model.lb)
    forced.lb[model.gets_visit[b][0]] = max(1.0, forced.lb[model.gets_visit[b][0]])
    return forced


def marginals(model: Model, row_dual: np.ndarray, col_dual: np.ndarray) -> Marginals:
    """Marginal values from the duals of the model's LP relaxation (with explicit capacity rows
    and without the balance rows, which sum the capacity rows and would take their duals).

    The duals are HiGHS's, which minimises -objective: a capacity row's dual is negated.
    """
    inst = model.inst
    slot = np.zeros_like(inst.capacity, dtype=float)
    for (s, w), row in model.capacity_rows.items():
        slot[s, w - 1] = max(0.0, -float(row_dual[row]))
    share = {d: max(0.0, float(row_dual[row])) for d, row in model.share_rows.items()}
    mandatory = 0.0
    for b in range(inst.n_branches):
        need = max(int(inst.min_visits[b]), len(inst.pinned_visits(b)))
        for k in range(min(need, inst.max_visits)):
            mandatory += max(0.0, float(col_dual[model.gets_visit[b][k]]))
    return Marginals(slot=slot, district_share=share, mandatory=mandatory)


def to_pulp(model: Model) -> tuple[Any, list[Any]]:
    """The model as a PuLP problem (for CBC) and its variables, column by column."""
    import pulp

    prob = pulp.LpProblem("visit_plan", pulp.LpMaximize if model.maximize else pulp.LpMinimize)
    xs = [
        pulp.LpVariable(
            f"x{i}", lo, hi if math.isfinite(hi) else None, pulp.LpInteger if integer else pulp.LpContinuous
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
        prob.addConstraint(pulp.LpConstraint(expr, model.row_sense[r], model.row_names[r], model.row_rhs[r]))
    return prob, xs
