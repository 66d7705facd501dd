"""`plan(inputs, scenario) -> Plan`: the one entry point from validated inputs to a visit plan.

Writing and reading plan folders is `planner.folder`; re-planning's kept visits `planner.replan`.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pandas as pd

from planner import baseline, feasibility, instance, kpis, risk, schedule, solver, why, year
from planner.errors import Conflict, InfeasibleError
from planner.folder import BRANCH_COLUMNS, VISIT_COLUMNS, Plan
from planner.inputs import Inputs
from planner.parallel import run_map
from planner.problem import Allocation, Instance, Marginals, SolveStatus
from planner.replan import Pins
from planner.scenario import Scenario
from planner.schema import DIMENSIONS
from planner.summary import (
    BindingRule,
    Capacity,
    County,
    InputChecksum,
    MarginalValues,
    Pinned,
    Summary,
    Year,
)
from planner.timings import Timings, stage

__all__ = ["Plan", "plan", "supervisor_skills", "visit_table"]

PARALLEL_FROM_BRANCHES = 4000
# a county this large computes its marginal values in a second solver process while the first
# solves the plan (measured on 10,000 branches: 1.1 s of LP beside 1.3 s of solve; on 1,000
# branches the LP takes 0.06 s, less than starting a process)
MARGINALS_APART_FROM_BRANCHES = 3000

Solved = tuple[Allocation, "Marginals | solver.Pending | None", pd.DataFrame]


def _solve_part(
    args: tuple[instance.Part, Scenario, bool], child: solver.Child | None = None
) -> tuple[Allocation, Marginals | None, pd.DataFrame]:
    """A part's allocation, marginal values and hand-ranking baseline (in a worker process:
    the baseline needs only the part, so it is computed where the part is solved)."""
    part, scenario, marginals = args
    s = scenario.solver
    request = solver.Request(part.instance, s.name, s.time_limit_s, s.gap, marginals=marginals)
    alloc, values = solver.run(request, child)
    return alloc, values, _baseline(part)


def _baseline(part: instance.Part) -> pd.DataFrame:
    """The hand-ranking baseline of a part, by position in the whole instance."""
    local = baseline.hand_ranking(part.instance)
    local["branch"] = part.branches[local["branch"].to_numpy(int)]
    local["supervisor"] = part.supervisors[local["supervisor"].to_numpy(int)]
    return local


def _solve_parts(
    parts: list[instance.Part],
    scenario: Scenario,
    workers: int | None,
    dask: str | None,
    marginals: bool,
    child: solver.Child | None = None,
    second: solver.Child | None = None,
    model_key: str = "",
    timings: Timings | None = None,
) -> list[Solved]:
    """Each part's allocation, marginal values (still being computed by `second`, when given,
    for a single part: `.result()` later) and baseline (county by county: the same visits as on
    the whole, nothing links two parts). A single part in this process: the baseline is
    computed here while the solver's process solves (stage "baseline")."""
    jobs = [(p, scenario, marginals) for p in parts]
    if _in_process(parts, workers, dask):
        workers = 1
    if child is not None and workers == 1 and len(parts) == 1:
        s = scenario.solver
        # the solver process keeps this model for the re-solve that prices a visit (`_pricing`)
        request = solver.Request(parts[0].instance, s.name, s.time_limit_s, s.gap, model_key=model_key)
        apart = second.marginal_values(request) if marginals and second is not None else None
        solving = child.submit(replace(request, marginals=marginals and apart is None))
        with stage(timings, "baseline"):
            base = _baseline(parts[0])
        alloc, values = solving.result()
        return [(alloc, apart if apart is not None else values, base)]
    solved: list[Solved] = list(run_map(_solve_part, jobs, workers=workers, dask=dask))
    return solved


def _in_process(parts: list[instance.Part], workers: int | None, dask: str | None) -> bool:
    """Whether the parts are solved in this process: starting processes costs more than a small solve."""
    n = sum(p.instance.n_branches for p in parts)
    if dask is not None:
        return False
    return len(parts) == 1 or n < PARALLEL_FROM_BRANCHES or workers == 1 or (os.cpu_count() or 1) == 1


def plan(
    inputs: Inputs,
    scenario: Scenario,
    *,
    pins: Pins | None = None,
    workers: int | None = None,
    dask: str | None = None,
    marginals: bool = True,
    timings: Timings | None = None,
) -> Plan:
    """The optimal visit plan; raises InfeasibleError naming the rules that conflict.

    With `pins`, the visits before `pins.from_week` are kept as they are and count toward
    every rule; only later weeks are planned. `timings` collects the seconds of each stage.
    """
    # the solver's processes start now (or are this process's idle ones, as in the app): their
    # start-up overlaps scoring and building the instance
    apart = (
        marginals
        and dask is None
        and len(inputs.branches) >= MARGINALS_APART_FROM_BRANCHES
        and inputs.branches["county"].nunique() <= 1
    )
    with (
        solver.borrowed() if dask is None else contextlib.nullcontext(None) as child,
        solver.borrowed() if apart else contextlib.nullcontext(None) as second,
    ):
        return _plan(inputs, scenario, pins, workers, dask, marginals, child, second, timings)


def _plan(
    inputs: Inputs,
    scenario: Scenario,
    pins: Pins | None,
    workers: int | None,
    dask: str | None,
    marginals: bool,
    child: solver.Child | None,
    second: solver.Child | None,
    timings: Timings | None,
) -> Plan:
    started = time.perf_counter()
    b, s = inputs.branches, inputs.supervisors
    with stage(timings, "score"):
        scores = risk.score(b, scenario)
        need = instance.mandatory(inputs, scenario, scores["risk_tier"], pins.from_week if pins else 1)
    with stage(timings, "instance"):
        inst = instance.build(
            inputs,
            scenario,
            scores["risk_score"],
            need.visits,
            pinned=pins.visits if pins else None,
            from_week=pins.from_week if pins else 1,
        )
        ids = b["branch_id"].tolist()
        conflicts = feasibility.precheck(inst, ids, need.reason.tolist(), s["supervisor_id"].tolist())
        if conflicts:
            raise InfeasibleError(conflicts)
        parts = instance.split(inst)
    solving_started = time.perf_counter(), time.process_time()
    model_key = f"{os.getpid()}-{time.monotonic_ns()}"
    base_before = timings.seconds("baseline") if timings is not None else (0.0, 0.0)
    solved = _solve_parts(parts, scenario, workers, dask, marginals, child, second, model_key, timings)
    if timings is not None:
        # the wait for the solver (the baseline computed meanwhile is a stage of its own)
        base_wall, base_cpu = (t - t0 for t, t0 in zip(timings.seconds("baseline"), base_before, strict=True))
        timings.add(
            "build + solve",
            time.perf_counter() - solving_started[0] - base_wall,
            max(0.0, time.process_time() - solving_started[1] - base_cpu),
        )
    allocs = [a for a, _, _ in solved]
    if timings is not None:
        timings.add("  solve (sum over counties, as the solver reports it)", sum(a.seconds for a in allocs))
    if not all(a.status.has_plan for a in allocs):
        raise _why_not(parts, allocs, scenario, inputs, workers, dask)

    with stage(timings, "visits (calendar of visits)"):
        deficits = risk.weighted_deficits(b, scenario).to_numpy()
        skills = supervisor_skills(s)
        pieces = []
        for part, alloc in zip(parts, allocs, strict=True):
            local = schedule.expand(part.instance, alloc, deficits[part.branches], skills[part.supervisors])
            local["branch"] = part.branches[local["branch"].to_numpy(int)]
            local["supervisor"] = part.supervisors[local["supervisor"].to_numpy(int)]
            pieces.append(local)
        visits = visit_table(pd.concat(pieces, ignore_index=True), inputs, scenario, scores)
    kpis_started = time.perf_counter(), time.process_time()
    assert need.year is not None
    stand = instance.resolve_standing(
        inputs,
        scenario,
        inst.capacity,
        need.visits,
        scores["risk_score"],
        pins.from_week if pins else 1,
        need.year,
    )
    responsible, changed = responsibility(visits, b["branch_id"], stand, s["supervisor_id"])
    counts = kpis.visit_counts(visits, b["branch_id"])
    made = year.made_in_year(visits, b["branch_id"], scenario)

    table = pd.DataFrame(
        {
            "branch_id": b["branch_id"],
            "name": b["name"],
            "district": b["district"],
            "risk_score": scores["risk_score"],
            "risk_tier": scores["risk_tier"],
            "top_factors": scores["top_factors"],
            "visits": counts,
            "responsible_supervisor_id": responsible,
            "mandatory_reason": need.reason,
            "mandatory_visits": need.visits,
            "county": b["county"],
            "visits_done_this_year": need.year.done,
            "visits_owed_this_year": (need.year.owed - made).clip(lower=0),
            "responsible_changed": changed,
        }
    )
    whys = why.explain(_facts(inst, inputs, table, visits, scenario))
    # what a visit to the riskiest unvisited branch would cost: re-solved by the solver's
    # process while this one computes the KPIs and the texts
    costs = _pricing(parts, allocs, scenario, child, why.to_price(whys) if marginals else [], model_key)
    base = visit_table(pd.concat([x for _, _, x in solved], ignore_index=True), inputs, scenario, scores)
    table["baseline_visits"] = kpis.visit_counts(base, b["branch_id"])
    plan_kpis = kpis.kpis(visits, table, s, scenario.rules)
    base_kpis = kpis.kpis(base, table, s, scenario.rules)
    objective = plan_kpis.objective
    solver_objective = sum(a.objective for a in allocs)
    if abs(solver_objective - objective) > 1e-6 * max(1.0, abs(objective)):
        raise schedule.CalendarError(f"the visits are worth {objective}, the solver said {solver_objective}")
    bound = max(sum(a.bound for a in allocs), objective)
    counties: tuple[County, ...] = ()
    if b["county"].nunique() > 1:
        # a province: each county's KPIs, for its own report (planner.province); also when a
        # district spanning two counties makes them one part of the model
        counties = kpis.by_county(visits, base, table, s, scenario.rules, b["county"])
    texts = why.columns(whys)
    # the priced branches' sentences are written again once their re-solves are in
    whys, texts = why.with_costs(whys, texts, costs())
    table = table.assign(**texts)[BRANCH_COLUMNS]
    if timings is not None:
        timings.add(
            "tables and KPIs", time.perf_counter() - kpis_started[0], time.process_time() - kpis_started[1]
        )
    with stage(timings, "marginal values (summary)"):
        marginal_values = (
            _marginal_summary(
                parts,
                [m.result() if isinstance(m, solver.Pending) else m for _, m, _ in solved],
                s,
                inst,
                instance.district_names(inputs),
            )
            if marginals
            else None
        )
    summary = Summary(
        scenario=scenario.name,
        status=SolveStatus.OPTIMAL
        if all(a.status == SolveStatus.OPTIMAL for a in allocs)
        else SolveStatus.FEASIBLE,
        objective=objective,
        bound=round(bound, 4),
        gap=round((bound - objective) / max(abs(objective), 1e-9), 6),
        solver=scenario.solver.name,
        solve_seconds=round(sum(a.seconds for a in allocs), 3),
        plan_seconds=round(time.perf_counter() - started, 3),
        n_branches=len(b),
        n_supervisors=len(s),
        n_visits=len(visits),
        independent_parts=len(parts),
        horizon_start=scenario.horizon.start,
        horizon_weeks=scenario.horizon.weeks,
        kpis=plan_kpis,
        baseline=base_kpis,
        improvement_over_baseline=round(
            (objective - base_kpis.objective) / max(abs(base_kpis.objective), 1e-9), 6
        ),
        inputs=tuple(InputChecksum(f, h) for f, h in inputs.sources.items()),
        history_file=inputs.history_file if inputs.history is not None else None,
        year=Year(
            min_visits=scenario.year.min_visits,
            plan=year.progress(b, need.year, visits, stand.named, changed, scenario),
            baseline=year.progress(
                b,
                need.year,
                base,
                stand.named,
                responsibility(base, b["branch_id"], stand, s["supervisor_id"])[1],
                scenario,
            ),
        ),
        warnings=tuple(inputs.warnings),
        marginal_values=marginal_values,
        pinned=Pinned(
            plan=pins.source,
            from_week=pins.from_week,
            kept_visits=len(pins.visits),
            returned_visits=pins.returned,
        )
        if pins
        else None,
        capacity=capacity_summary(inst, s),
        counties=counties,
    )
    return Plan(scenario=scenario, visits=visits, branches=table, baseline_visits=base, summary=summary)


def _marginal_summary(
    parts: list[instance.Part],
    marginals: list[Marginals | None],
    supervisors: pd.DataFrame,
    inst: Instance,
    district_names: list[str],
) -> MarginalValues:
    slot = np.zeros_like(inst.capacity, dtype=float)
    share: dict[int, float] = {}
    mandatory = 0.0
    for part, m in zip(parts, marginals, strict=True):
        if m is None:
            continue
        slot[part.supervisors] = m.slot
        share.update(m.district_share)
        mandatory += m.mandatory
    ids = supervisors["supervisor_id"].tolist()
    working = inst.capacity > 0
    per_week = {sid: round(float(slot[i][working[i]].sum()), 2) for i, sid in enumerate(ids)}
    best_slot = {sid: round(float(slot[i].max(initial=0.0)), 2) for i, sid in enumerate(ids)}
    costs = [("mandatory visits", round(mandatory, 2))]
    costs += [(f"district share ({district_names[d]})", round(c, 2)) for d, c in share.items() if c > 1e-9]
    costs.sort(key=lambda rc: -rc[1])
    return MarginalValues(
        method="duals of the LP relaxation: rates, a lower estimate for a whole extra visit; "
        "planner sweep re-solves for exact figures",
        one_more_visit_per_week_by_supervisor=per_week,
        best_single_extra_slot_by_supervisor=best_slot,
        one_more_team_visit_every_week=round(float(slot.max(axis=0, initial=0.0).sum()), 2),
        binding_rules=tuple(BindingRule(r, c) for r, c in costs),
    )


def capacity_summary(inst: Instance, supervisors: pd.DataFrame) -> Capacity:
    """The team's capacity as solved: weekly capacity per supervisor and the visit-slots in all."""
    return Capacity(
        visit_slots=int(inst.capacity[:, inst.from_week - 1 :].sum()),
        weekly_by_supervisor={
            str(sid): int(c)
            for sid, c in zip(supervisors["supervisor_id"], supervisors["weekly_capacity"], strict=True)
        },
        home_district_by_supervisor={
            str(sid): str(h)
            for sid, h in zip(supervisors["supervisor_id"], supervisors["home_district"], strict=True)
        },
    )


def _facts(
    inst: Instance, inputs: Inputs, table: pd.DataFrame, visits: pd.DataFrame, scenario: Scenario
) -> why.PlanFacts:
    s = inputs.supervisors
    return why.PlanFacts(
        inst=inst,
        branch_ids=table["branch_id"].tolist(),
        names=table["name"].astype(str).tolist(),
        districts=table["district"].astype(str).tolist(),
        counties=table["county"].astype(str).tolist(),
        visits_per_branch=table["visits"].to_numpy(int),
        responsible=table["responsible_supervisor_id"].astype(str).tolist(),
        mandatory_reason=table["mandatory_reason"].astype(str).tolist(),
        mandatory_visits=table["mandatory_visits"].to_numpy(int),
        supervisor_ids=s["supervisor_id"].astype(str).tolist(),
        supervisor_counties=s["county"].astype(str).tolist(),
        district_names=instance.district_names(inputs),
        excluded=[tuple(x) for x in s["excluded_branches"]],
        visits=visits,
        gap=scenario.solver.gap,
    )


def _pricing(
    parts: list[instance.Part],
    allocs: list[Allocation],
    scenario: Scenario,
    child: solver.Child | None,
    branches: list[int],
    model_key: str = "",
) -> Callable[[], dict[int, float]]:
    """Start re-solving with a visit forced to each of `branches` (the first in `child`, which
    works while the caller goes on); the function returned waits for the costs: the risk
    addressed given up when branch b must get a visit (inf: impossible)."""
    where: dict[int, tuple[int, int]] = {}  # branch -> (its part, its position there)
    for i, part in enumerate(parts):
        for b in branches:
            found = np.flatnonzero(part.branches == b)
            if len(found):
                where[b] = (i, int(found[0]))
    sv = scenario.solver

    def forced(b: int) -> solver.Request:
        i, j = where[b]
        # the solver process that solved this part (a single one) still has its model
        key = model_key if len(parts) == 1 else ""
        return solver.Request(
            parts[i].instance, sv.name, sv.time_limit_s, sv.gap, force_visit=j, model_key=key
        )

    def cost(b: int, answer: Allocation) -> float:
        if answer.status not in (SolveStatus.OPTIMAL, SolveStatus.FEASIBLE):
            return float("inf")
        return round(allocs[where[b][0]].objective - answer.objective, 4)

    if not branches:
        return dict
    first = child.submit(forced(branches[0])) if child is not None else None

    def collect() -> dict[int, float]:
        out: dict[int, float] = {}
        for b in branches:
            if first is not None and b == branches[0]:
                answer: Allocation = first.result()[0]
            else:
                answer = solver.run(forced(b), child)[0]
            out[b] = cost(b, answer)
        return out

    return collect


def supervisor_skills(supervisors: pd.DataFrame) -> np.ndarray:
    """skills[s, d] = 1 when supervisor s may take dimension d as a visit's focus."""
    return np.array([[d in sk for d in DIMENSIONS] for sk in supervisors["skills"]], dtype=float)


def _elastic(args: tuple[instance.Part, Scenario]) -> Allocation:
    part, scenario = args
    s = scenario.solver
    return solver.run(solver.Request(part.instance, s.name, s.time_limit_s, gap=0.0, elastic=True))[0]


def _why_not(
    parts: list[instance.Part],
    allocs: list[Allocation],
    scenario: Scenario,
    inputs: Inputs,
    workers: int | None,
    dask: str | None,
) -> InfeasibleError:
    if any(a.status == SolveStatus.NO_SOLUTION for a in allocs):
        return InfeasibleError(
            [
                Conflict(
                    "solver.time_limit_s",
                    f"the solver found no plan within {scenario.solver.time_limit_s:g} seconds.",
                    'raise solver.time_limit_s or try solver.name = "cbc".',
                )
            ]
        )
    failed = [p for p, a in zip(parts, allocs, strict=True) if a.status == SolveStatus.INFEASIBLE]
    elastic = run_map(
        _elastic, [(p, scenario) for p in failed], workers=workers if len(failed) > 1 else 1, dask=dask
    )
    counties = inputs.branches["county"].to_numpy()
    labels = [str(counties[p.branches[0]]) or f"part {i + 1}" for i, p in enumerate(failed)]
    return InfeasibleError(feasibility.explain(list(zip(labels, elastic, strict=True)), len(parts)))


def visit_table(raw: pd.DataFrame, inputs: Inputs, scenario: Scenario, scores: pd.DataFrame) -> pd.DataFrame:
    """Visits by position (branch, supervisor, week, visit_no) as the contract's table."""
    b, s = inputs.branches, inputs.supervisors
    deficits = risk.weighted_deficits(b, scenario).to_numpy()
    skills = supervisor_skills(s)
    bi, si = raw["branch"].to_numpy(int), raw["supervisor"].to_numpy(int)
    # focus: the supervisor's skill where the branch is weakest (ties: dimension order)
    masked = np.where(skills[si] > 0, deficits[bi], -1.0)
    focus = np.array(DIMENSIONS)[masked.argmax(axis=1)] if len(raw) else np.array([], dtype=str)
    table = pd.DataFrame(
        {
            "branch_id": b["branch_id"].to_numpy()[bi],
            "branch_name": b["name"].to_numpy()[bi],
            "district": b["district"].to_numpy()[bi],
            "supervisor_id": s["supervisor_id"].to_numpy()[si],
            "supervisor_name": s["name"].to_numpy()[si],
            "week": raw["week"].to_numpy(int),
            "week_start": [scenario.horizon.week_start(int(w)).isoformat() for w in raw["week"]],
            "focus": focus,
            "risk_score": scores["risk_score"].to_numpy()[bi],
            "visit_no": raw["visit_no"].to_numpy(int),
        }
    )
    table = table.sort_values(["week", "supervisor_id", "branch_id"], kind="stable")
    table.insert(0, "visit_id", [f"V{i + 1:05d}" for i in range(len(table))])
    return table.reset_index(drop=True)[VISIT_COLUMNS]


def responsibility(
    visits: pd.DataFrame, branch_ids: pd.Series, stand: year.Standing, supervisor_ids: pd.Series
) -> tuple[pd.Series, list[str]]:
    """Each branch's 责任人 after a plan's `visits` (branches.csv `responsible_supervisor_id`) and
    why it changed from the standing one (`responsible_changed`): the supervisor who makes the
    visits; a branch without visits keeps its standing 责任人 (who stays answerable for it)."""
    kept_on = pd.Series(
        [supervisor_ids.iloc[j] if j >= 0 else "" for j in stand.supervisor], index=branch_ids.index
    )
    responsible = _responsible(visits, branch_ids)
    responsible = responsible.where(responsible != "", kept_on)
    changed = year.responsible_changed(
        stand.named, stand.changed, responsible, kpis.visit_counts(visits, branch_ids)
    )
    return responsible, changed


def _responsible(visits: pd.DataFrame, branch_ids: pd.Series) -> pd.Series:
    """The supervisor with most visits to each branch (the only one under 责任人); ties by id."""
    if visits.empty:
        return pd.Series("", index=branch_ids.index)
    counts = visits.groupby(["branch_id", "supervisor_id"]).size().reset_index(name="n")
    counts = counts.sort_values(["branch_id", "n", "supervisor_id"], ascending=[True, False, True])
    first = counts.drop_duplicates("branch_id").set_index("branch_id")["supervisor_id"]
    return branch_ids.map(first).fillna("")
