"""Re-planning mid-quarter: the visits of an earlier plan that are kept (`Pins`), checked
against today's inputs; `planner.plan.plan(..., pins=...)` plans the remaining weeks."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from planner.errors import InputError, Problem
from planner.folder import Plan
from planner.inputs import Inputs
from planner.scenario import Scenario


@dataclass(frozen=True)
class Pins:
    """Visits kept from an earlier plan when re-planning from `from_week` on."""

    visits: pd.DataFrame  # branch_id, supervisor_id, week (all before from_week)
    from_week: int
    source: str
    returned: int = 0  # visits before from_week logged as not done: back in the pool


def pins_from(
    folder: Plan,
    inputs: Inputs,
    scenario: Scenario,
    from_week: int,
    not_done: frozenset[str] = frozenset(),
) -> Pins:
    """The earlier plan's visits before `from_week`, checked against today's inputs.

    Visits in `not_done` (visit ids logged as not having happened) are not kept: their branches
    return to the pool and are planned again from `from_week`.
    """
    problems = []
    name = folder.name
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
    before = folder.visits[folder.visits["week"] < from_week]
    dropped = before["visit_id"].astype(str).isin(not_done)
    kept = before[~dropped]
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
    return Pins(
        kept[["branch_id", "supervisor_id", "week"]].reset_index(drop=True),
        from_week,
        name,
        int(dropped.sum()),
    )
