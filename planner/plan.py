"""`plan(inputs, scenario) -> Plan`: the one entry point from validated inputs to a visit plan,
and `write_plan`, which puts a plan folder in place atomically."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import time
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner import baseline, feasibility, instance, kpis, risk, schedule, year
from planner.errors import Conflict, InfeasibleError, InputError, Problem
from planner.inputs import Inputs
from planner.model import Allocation, Instance, Marginals, solve, solve_with_marginals
from planner.parallel import run_map
from planner.scenario import Scenario, parse_scenario, scenario_to_toml
from planner.schema import DIMENSIONS

VISIT_COLUMNS = [
    "visit_id",
    "branch_id",
    "branch_name",
    "district",
    "supervisor_id",
    "supervisor_name",
    "week",
    "week_start",
    "focus",
    "risk_score",
    "visit_no",
]
BRANCH_COLUMNS = [
    "branch_id",
    "name",
    "district",
    "risk_score",
    "risk_tier",
    "top_factors",
    "visits",
    "responsible_supervisor_id",
    "mandatory_reason",
    "mandatory_visits",
    "baseline_visits",
    "visits_done_this_year",
    "visits_owed_this_year",
    "responsible_changed",
]
PARALLEL_FROM_BRANCHES = 4000


@dataclass(frozen=True)
class Plan:
    scenario: Scenario
    visits: pd.DataFrame  # one row per visit, VISIT_COLUMNS
    branches: pd.DataFrame  # one row per input branch, BRANCH_COLUMNS
    baseline_visits: pd.DataFrame  # the hand-ranking baseline, VISIT_COLUMNS
    summary: dict[str, Any]


def _solve_part(args: tuple[instance.Part, Scenario, bool]) -> tuple[Allocation, Marginals | None]:
    part, scenario, marginals = args
    s = scenario.solver
    return solve_with_marginals(
        part.instance, solver=s.name, time_limit_s=s.time_limit_s, gap=s.gap, marginals=marginals
    )


def _solve_parts(
    parts: list[instance.Part], scenario: Scenario, workers: int | None, dask: str | None, marginals: bool
) -> list[tuple[Allocation, Marginals | None]]:
    jobs = [(p, scenario, marginals) for p in parts]
    n = sum(p.instance.n_branches for p in parts)
    if dask is None and (len(parts) == 1 or n < PARALLEL_FROM_BRANCHES):
        workers = 1  # starting processes costs more than a small solve
    return run_map(_solve_part, jobs, workers=workers, dask=dask)


@dataclass(frozen=True)
class Pins:
    """Visits kept from an earlier plan when re-planning from `from_week` on."""

    visits: pd.DataFrame  # branch_id, supervisor_id, week (all before from_week)
    from_week: int
    source: str


def pins_from(folder: PlanFolder, inputs: Inputs, scenario: Scenario, from_week: int) -> Pins:
    """The earlier plan's visits before `from_week`, checked against today's inputs."""
    problems = []
    name = folder.path.name
    if folder.scenario.horizon.start != scenario.horizon.start:
        problems.append(
            Problem(
                name,
                f"starts on {folder.scenario.horizon.start}, the scenario "
                f"on {scenario.horizon.start}; re-plan the same horizon.",
                column="horizon.start",
            )
        )
    if not 1 <= from_week <= scenario.horizon.weeks:
        problems.append(
            Problem(
                "command line",
                f"--from-week must be a week from 1 to {scenario.horizon.weeks}, got {from_week}.",
            )
        )
    kept = folder.visits[folder.visits["week"] < from_week]
    branches = set(inputs.branches["branch_id"])
    sups = set(inputs.supervisors["supervisor_id"])
    for i, v in kept.iterrows():
        row = int(str(i)) + 2
        if v["branch_id"] not in branches:
            problems.append(
                Problem(
                    f"{name}/visits.csv",
                    f"kept visit {v['visit_id']} is to "
                    f"branch '{v['branch_id']}', which the branch file no longer "
                    "has.",
                    row,
                    "branch_id",
                )
            )
        if v["supervisor_id"] not in sups:
            problems.append(
                Problem(
                    f"{name}/visits.csv",
                    f"kept visit {v['visit_id']} is by "
                    f"supervisor '{v['supervisor_id']}', who is not in the "
                    "supervisor file.",
                    row,
                    "supervisor_id",
                )
            )
    if problems:
        raise InputError(problems)
    return Pins(kept[["branch_id", "supervisor_id", "week"]].reset_index(drop=True), from_week, name)


def plan(
    inputs: Inputs,
    scenario: Scenario,
    *,
    pins: Pins | None = None,
    workers: int | None = None,
    dask: str | None = None,
    marginals: bool = True,
) -> Plan:
    """The optimal visit plan; raises InfeasibleError naming the rules that conflict.

    With `pins`, the visits before `pins.from_week` are kept as they are and count toward
    every rule; only later weeks are planned.
    """
    started = time.perf_counter()
    b, s = inputs.branches, inputs.supervisors
    scores = risk.score(b, scenario)
    need = instance.mandatory(inputs, scenario, scores["risk_tier"], pins.from_week if pins else 1)
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
    solved = _solve_parts(parts, scenario, workers, dask, marginals)
    allocs = [a for a, _ in solved]
    if any(a.status in ("infeasible", "no_solution") for a in allocs):
        raise _why_not(parts, allocs, scenario, inputs, workers, dask)

    deficits = risk.weighted_deficits(b, scenario).to_numpy()
    skills = supervisor_skills(s)
    pieces = []
    for part, alloc in zip(parts, allocs, strict=True):
        local = schedule.expand(part.instance, alloc, deficits[part.branches], skills[part.supervisors])
        local["branch"] = part.branches[local["branch"].to_numpy(int)]
        local["supervisor"] = part.supervisors[local["supervisor"].to_numpy(int)]
        pieces.append(local)
    visits = visit_table(pd.concat(pieces, ignore_index=True), inputs, scenario, scores)
    base = visit_table(baseline.hand_ranking(inst), inputs, scenario, scores)
    assert need.year is not None
    stand = instance.resolve_standing(
        inputs, scenario, inst.capacity, need.visits, scores["risk_score"], pins.from_week if pins else 1
    )
    responsible = _responsible(visits, b["branch_id"])
    # a branch without visits keeps its standing 责任人 (who stays answerable for it)
    kept_on = pd.Series(
        [s["supervisor_id"].iloc[j] if j >= 0 else "" for j in stand.supervisor], index=b.index
    )
    responsible = responsible.where(responsible != "", kept_on)
    counts = kpis.visit_counts(visits, b["branch_id"])
    changed = year.responsible_changed(stand.named, stand.changed, responsible, counts)
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
            "baseline_visits": kpis.visit_counts(base, b["branch_id"]),
            "visits_done_this_year": need.year.done,
            "visits_owed_this_year": (need.year.owed - made).clip(lower=0),
            "responsible_changed": changed,
        }
    )[BRANCH_COLUMNS]
    plan_kpis = kpis.kpis(visits, table, s, scenario.rules)
    base_kpis = kpis.kpis(base, table, s, scenario.rules)
    objective = plan_kpis["objective"]
    solver_objective = sum(a.objective for a in allocs)
    if abs(solver_objective - objective) > 1e-6 * max(1.0, abs(objective)):
        raise schedule.CalendarError(f"the visits are worth {objective}, the solver said {solver_objective}")
    bound = max(sum(a.bound for a in allocs), objective)
    summary = {
        "scenario": scenario.name,
        "status": "optimal" if all(a.status == "optimal" for a in allocs) else "feasible",
        "objective": objective,
        "bound": round(bound, 4),
        "gap": round((bound - objective) / max(abs(objective), 1e-9), 6),
        "solver": scenario.solver.name,
        "solve_seconds": round(sum(a.seconds for a in allocs), 3),
        "plan_seconds": round(time.perf_counter() - started, 3),
        "n_branches": len(b),
        "n_supervisors": len(s),
        "n_visits": len(visits),
        "independent_parts": len(parts),
        "horizon": {"start": scenario.horizon.start.isoformat(), "weeks": scenario.horizon.weeks},
        "kpis": plan_kpis,
        "baseline": base_kpis,
        "improvement_over_baseline": round(
            (objective - base_kpis["objective"]) / max(abs(base_kpis["objective"]), 1e-9), 6
        ),
        "inputs": dict(inputs.sources),
        "year": {
            "min_visits": scenario.year.min_visits,
            "plan": year.progress(b, need.year, visits, stand.named, changed, scenario).as_dict(),
            "baseline": year.progress(
                b,
                need.year,
                base,
                stand.named,
                year.responsible_changed(
                    stand.named,
                    stand.changed,
                    _responsible(base, b["branch_id"]).where(lambda r: r != "", kept_on),
                    kpis.visit_counts(base, b["branch_id"]),
                ),
                scenario,
            ).as_dict(),
        },
    }
    if inputs.warnings:
        summary["warnings"] = list(inputs.warnings)
    if marginals:
        summary["marginal_values"] = _marginal_summary(
            parts, [m for _, m in solved], s, inst, instance.district_names(inputs)
        )
    if pins:
        summary["pinned"] = {
            "plan": pins.source,
            "from_week": pins.from_week,
            "kept_visits": len(pins.visits),
        }
    return Plan(scenario=scenario, visits=visits, branches=table, baseline_visits=base, summary=summary)


def _marginal_summary(
    parts: list[instance.Part],
    marginals: list[Marginals | None],
    supervisors: pd.DataFrame,
    inst: Instance,
    district_names: list[str],
) -> dict[str, Any]:
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
    rules = [{"rule": r, "cost": c} for r, c in costs]
    return {
        "method": "duals of the LP relaxation: rates, a lower estimate for a whole extra visit; "
        "planner sweep re-solves for exact figures",
        "one_more_visit_per_week_by_supervisor": per_week,
        "best_single_extra_slot_by_supervisor": best_slot,
        "one_more_team_visit_every_week": round(float(slot.max(axis=0, initial=0.0).sum()), 2),
        "binding_rules": rules,
    }


def supervisor_skills(supervisors: pd.DataFrame) -> np.ndarray:
    """skills[s, d] = 1 when supervisor s may take dimension d as a visit's focus."""
    return np.array([[d in sk for d in DIMENSIONS] for sk in supervisors["skills"]], dtype=float)


def _elastic(args: tuple[instance.Part, Scenario]) -> Allocation:
    part, scenario = args
    return solve(
        part.instance,
        solver=scenario.solver.name,
        time_limit_s=scenario.solver.time_limit_s,
        gap=0.0,
        elastic=True,
    )


def _why_not(
    parts: list[instance.Part],
    allocs: list[Allocation],
    scenario: Scenario,
    inputs: Inputs,
    workers: int | None,
    dask: str | None,
) -> InfeasibleError:
    if any(a.status == "no_solution" for a in allocs):
        return InfeasibleError(
            [
                Conflict(
                    "solver.time_limit_s",
                    f"the solver found no plan within {scenario.solver.time_limit_s:g} seconds.",
                    'raise solver.time_limit_s or try solver.name = "cbc".',
                )
            ]
        )
    failed = [p for p, a in zip(parts, allocs, strict=True) if a.status == "infeasible"]
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


def _responsible(visits: pd.DataFrame, branch_ids: pd.Series) -> pd.Series:
    """The supervisor with most visits to each branch (the only one under 责任人); ties by id."""
    if visits.empty:
        return pd.Series("", index=branch_ids.index)
    counts = visits.groupby(["branch_id", "supervisor_id"]).size().reset_index(name="n")
    counts = counts.sort_values(["branch_id", "n", "supervisor_id"], ascending=[True, False, True])
    first = counts.drop_duplicates("branch_id").set_index("branch_id")["supervisor_id"]
    return branch_ids.map(first).fillna("")


def _folder_name(scenario: Scenario, now: dt.datetime) -> str:
    safe = re.sub(r"[\\/:*?\"<>|\s]+", "_", scenario.name).strip("_.")[:60] or "plan"
    return f"{now:%Y%m%d-%H%M%S}-{safe}"


def default_out(scenario: Scenario, root: Path = Path("plans")) -> Path:
    out = root / _folder_name(scenario, dt.datetime.now())
    n = 2
    while out.exists():
        out = root / f"{_folder_name(scenario, dt.datetime.now())}-{n}"
        n += 1
    return out


Writer = Callable[[Plan, Path], object]


def write_plan(p: Plan, out: Path, extras: Sequence[Writer] = ()) -> Path:
    """Write the plan folder to a temporary sibling and rename it into place when complete.

    `out` must not exist or must be an empty folder: an earlier plan is never overwritten.
    """
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise FileExistsError(
            f"{out} already exists and is not empty; plans are never overwritten. Choose another --out."
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.partial-{os.getpid()}"
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir()
    try:
        p.visits.to_csv(tmp / "visits.csv", index=False, encoding="utf-8-sig")
        p.branches.to_csv(tmp / "branches.csv", index=False, encoding="utf-8-sig")
        p.baseline_visits.to_csv(tmp / "baseline_visits.csv", index=False, encoding="utf-8-sig")
        (tmp / "summary.json").write_text(
            json.dumps(p.summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        (tmp / "scenario.toml").write_text(scenario_to_toml(p.scenario), encoding="utf-8")
        for extra in extras:
            extra(p, tmp)
        if out.exists():
            out.rmdir()
        tmp.rename(out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return out


@dataclass(frozen=True)
class PlanFolder:
    """A plan as read back from its folder: what `planner report` and `compare` work from."""

    path: Path
    scenario: Scenario
    visits: pd.DataFrame
    branches: pd.DataFrame
    baseline_visits: pd.DataFrame
    summary: dict[str, Any]


def read_plan_folder(path: Path) -> PlanFolder:
    path = Path(path)
    missing = [
        f for f in ("visits.csv", "branches.csv", "summary.json", "scenario.toml") if not (path / f).is_file()
    ]
    if missing:
        raise InputError([Problem(str(path), f"is not a plan folder: {', '.join(missing)} missing.")])
    ids = {"branch_id": str, "supervisor_id": str, "responsible_supervisor_id": str}

    def table(name: str) -> pd.DataFrame:
        return pd.read_csv(path / name, dtype=ids, keep_default_na=False, encoding="utf-8-sig")

    base = path / "baseline_visits.csv"
    return PlanFolder(
        path=path,
        scenario=parse_scenario(
            tomllib.loads((path / "scenario.toml").read_text(encoding="utf-8")),
            file=str(path / "scenario.toml"),
        ),
        visits=table("visits.csv"),
        branches=table("branches.csv"),
        baseline_visits=table("baseline_visits.csv")
        if base.is_file()
        else pd.DataFrame(columns=VISIT_COLUMNS),
        summary=json.loads((path / "summary.json").read_text(encoding="utf-8")),
    )
