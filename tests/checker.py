"""An independent checker: re-reads a plan folder and verifies every rule and the objective.

It uses nothing of the planner but the input reader: the rules and the objective are
re-implemented here from DOMAIN.md, so a bug in the model or the calendar cannot hide.
"""

from __future__ import annotations

import datetime as dt
import json
import tomllib
from itertools import combinations
from pathlib import Path

import pandas as pd

from planner.inputs import load_inputs

DIMS = [
    "planning",
    "function",
    "management",
    "publicity",
    "understanding",
    "training",
    "positioning",
    "implementation",
]


def check_plan_folder(folder: Path, branches_file: Path, supervisors_file: Path) -> list[str]:
    """Every rule the plan breaks, as sentences; empty when the plan is valid."""
    sc = tomllib.loads((folder / "scenario.toml").read_text(encoding="utf-8"))
    rules, weights, horizon = sc["rules"], sc["weights"], sc["horizon"]
    weeks, start = horizon["weeks"], horizon["start"]
    inputs = load_inputs(branches_file, supervisors_file, horizon_weeks=weeks)
    b = inputs.branches.set_index("branch_id")
    s = inputs.supervisors.set_index("supervisor_id")
    visits = pd.read_csv(
        folder / "visits.csv", dtype={"branch_id": str, "supervisor_id": str}, encoding="utf-8-sig"
    )
    table = pd.read_csv(
        folder / "branches.csv", dtype={"branch_id": str}, keep_default_na=False, encoding="utf-8-sig"
    )
    summary = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    errors: list[str] = []

    if sorted(table["branch_id"]) != sorted(b.index):
        errors.append("branches.csv does not have one row per input branch")
    if visits["visit_id"].duplicated().any():
        errors.append("visit ids repeat")
    for v in visits.itertuples():
        sup = s.loc[v.supervisor_id]
        if not 1 <= v.week <= weeks:
            errors.append(f"{v.visit_id}: week {v.week} outside the horizon")
        if v.week_start != (start + dt.timedelta(weeks=v.week - 1)).isoformat():
            errors.append(f"{v.visit_id}: week_start {v.week_start} is not week {v.week}'s Monday")
        if v.week in sup["unavailable_weeks"]:
            errors.append(f"{v.visit_id}: {v.supervisor_id} is unavailable in week {v.week}")
        if v.branch_id in sup["excluded_branches"]:
            errors.append(f"{v.visit_id}: {v.supervisor_id} must not visit {v.branch_id}")
        if v.focus not in sup["skills"]:
            errors.append(f"{v.visit_id}: focus {v.focus} is not a skill of {v.supervisor_id}")
        deficits = {d: weights[d] * (100 - b.loc[v.branch_id, d]) for d in sup["skills"]}
        if deficits[v.focus] < max(deficits.values()) - 1e-9:
            errors.append(f"{v.visit_id}: focus {v.focus} is not the weakest of the skills")
        bc, sc_ = b.loc[v.branch_id, "county"], sup["county"]
        if bc and sc_ and bc != sc_:
            errors.append(f"{v.visit_id}: supervisor from another county")
    load = visits.groupby(["supervisor_id", "week"]).size()
    for (sid, week), n in load.items():
        if n > s.loc[sid, "weekly_capacity"]:
            errors.append(f"{sid} has {n} visits in week {week}, capacity {s.loc[sid, 'weekly_capacity']}")
    per_branch = visits.groupby("branch_id")
    for bid, group in per_branch:
        if len(group) > rules["max_visits_per_branch"]:
            errors.append(f"{bid}: {len(group)} visits, more than the maximum")
        for w1, w2 in combinations(sorted(group["week"]), 2):
            if w2 - w1 < rules["min_weeks_between_visits"]:
                errors.append(f"{bid}: visits in weeks {w1} and {w2} are too close")
        if rules["one_responsible_supervisor"] and group["supervisor_id"].nunique() > 1:
            errors.append(f"{bid}: visited by several supervisors")
    counts = visits["branch_id"].value_counts().reindex(b.index, fill_value=0)
    plan_start = pd.Timestamp(start)
    for bid, row in b.iterrows():
        need = 0
        if row["weak_lax"]:
            need = rules["weak_lax_min_visits"]
        overdue_days = rules["overdue_days"]
        if overdue_days and (
            row["last_visit"] is None or (plan_start - pd.Timestamp(row["last_visit"])).days > overdue_days
        ):
            need = max(need, 1)
        if counts[bid] < need:
            errors.append(f"{bid}: mandatory {need} visits, got {counts[bid]}")
    audited = table[table["mandatory_reason"].astype(str).str.contains("audit")]["branch_id"]
    for bid in audited:
        if counts[bid] < 1:
            errors.append(f"{bid}: drawn for an audit visit but not visited")
    share = rules["district_min_share"]
    for district, ids in b.groupby("district").groups.items():
        visited = int((counts[list(ids)] > 0).sum())
        if visited < share * len(ids) - 1e-9:
            errors.append(f"{district}: {visited} of {len(ids)} branches visited, below the share")
    year = sc.get("year")
    if year and year.get("min_visits", 1) > 0:
        # the office's year: a plan that reaches the year's end leaves no branch uncovered in it
        year_end = year["start"] + dt.timedelta(weeks=52)
        if start + dt.timedelta(weeks=weeks) >= year_end:
            in_year = visits[pd.to_datetime(visits["week_start"]) < pd.Timestamp(year_end)]
            made = in_year["branch_id"].value_counts().reindex(b.index, fill_value=0)
            done = table.set_index("branch_id")["visits_done_this_year"].reindex(b.index)
            for bid in b.index[(done + made) < year.get("min_visits", 1)]:
                errors.append(f"{bid}: not visited in the year that ends {year_end}")
    listed = table.set_index("branch_id")["visits"].reindex(b.index)
    if not (listed == counts).all():
        errors.append("branches.csv visits disagree with visits.csv")

    risk = table.set_index("branch_id")["risk_score"].reindex(b.index)
    cumulative = [sum(rules["repeat_value"][:n]) for n in range(rules["max_visits_per_branch"] + 1)]
    addressed = sum(risk[bid] * cumulative[min(n, len(cumulative) - 1)] for bid, n in counts.items())
    away = sum(
        s.loc[v.supervisor_id, "home_district"] != b.loc[v.branch_id, "district"] for v in visits.itertuples()
    )
    objective = addressed - rules["travel_penalty"] * away
    if abs(objective - summary["objective"]) > 1e-6 * max(1.0, abs(objective)):
        errors.append(f"objective {summary['objective']} but the files give {objective}")
    if summary["bound"] < summary["objective"] - 1e-6:
        errors.append("bound below objective")
    if summary["status"] == "optimal" and summary["gap"] > sc["solver"]["gap"] + 1e-9:
        errors.append(f"status optimal with gap {summary['gap']}")
    return errors
