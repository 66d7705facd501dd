"""Closing the loop: what the visits found becomes the next cycle's branch file.

A visit that happened sets the branch's last visit date (the latest one wins) and replaces the
dimension scores the supervisor assessed; dimensions not assessed, and branches not visited,
stay as they were. The input file is never edited: a new file is written beside the old one's
columns, headers and extra columns.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path

import pandas as pd

from planner.atomic import atomic_output
from planner.errors import InputError, Problem
from planner.folder import read_plan
from planner.inputs import load_outcomes, raw_branch_table, sha256
from planner.safety import write_csv, write_xlsx_sheet
from planner.schema import BRANCH_COLUMNS, DIMENSIONS, SUPERVISOR_COLUMNS


def _keys(raw: pd.DataFrame) -> set[str]:
    """The column keys (English) a raw table's headers name, in either language."""
    names = {c.zh: c.key for c in SUPERVISOR_COLUMNS} | {c.key: c.key for c in SUPERVISOR_COLUMNS}
    return {names[h] for h in (str(c).strip() for c in raw.columns) if h in names}


def next_branches(
    raw: pd.DataFrame, where: dict[str, str], outcomes: pd.DataFrame
) -> tuple[pd.DataFrame, int]:
    """The raw branch table with outcomes applied; and how many branches changed."""
    out = raw.copy()
    if "last_visit" not in where:
        out["last_visit"] = ""
        where = {**where, "last_visit": "last_visit"}
    row_of = {str(b).strip(): i for i, b in enumerate(out[where["branch_id"]])}
    changed: set[str] = set()
    happened = outcomes[outcomes["happened"]].sort_values(["date", "row"], kind="stable")
    for visit in happened.to_dict("records"):
        i = row_of[str(visit["branch_id"])]
        last = str(out.at[i, where["last_visit"]]).strip()
        day = str(visit["date"])  # ISO, as datetime.date prints
        if not last or last[:10] < day:
            out.at[i, where["last_visit"]] = day
        for d in DIMENSIONS:
            value = float(visit[d])
            if not math.isnan(value):
                out.at[i, where[d]] = f"{value:g}"
        changed.add(str(visit["branch_id"]))
    return out, len(changed)


def record(plan_dir: Path, outcomes_file: Path, branches_file: Path, out: Path) -> tuple[Path, int]:
    """Validate the visit log against the plan and write the next cycle's branch file."""
    folder = read_plan(plan_dir)
    problems = []
    if out.exists():
        problems.append(
            Problem(str(out), "already exists; choose a new --out (nothing is ever overwritten).")
        )
    if out.resolve() == Path(branches_file).resolve():
        problems.append(Problem(str(out), "is the input branch file; inputs are never edited."))
    digest = sha256(branches_file) if Path(branches_file).is_file() else None
    if digest and digest not in folder.summary.input_digests():
        problems.append(
            Problem(
                Path(branches_file).name,
                "is not the branch file this plan was made from (its checksum differs from summary.json).",
            )
        )
    if problems:
        raise InputError(problems)
    weeks = folder.scenario.horizon
    raw, where = raw_branch_table(branches_file)
    missing = [k for k in ("branch_id", *DIMENSIONS) if k not in where]
    if missing:
        zh = {c.key: c.zh for c in BRANCH_COLUMNS}
        looks = " (it looks like the supervisor file)" if "supervisor_id" in _keys(raw) else ""
        raise InputError(
            [
                Problem(
                    Path(branches_file).name,
                    f"is not a branch file{looks}: it has no column "
                    + ", ".join(f"{k} ({zh[k]})" for k in missing[:3])
                    + (f" and {len(missing) - 3} more" if len(missing) > 3 else "")
                    + "; give --branches the branch file the plan was made from.",
                )
            ]
        )
    outcomes = load_outcomes(
        outcomes_file,
        plan_visits=folder.visits,
        branch_ids={str(b).strip() for b in raw[where["branch_id"]]},
        first_day=weeks.start,
        last_day=weeks.week_start(weeks.weeks) + dt.timedelta(days=6),
    )
    table, changed = next_branches(raw, where, outcomes)
    with atomic_output(out, flag="--out") as partial:
        # names that look like formulas stay text in either format (planner.safety)
        if out.suffix.lower() == ".xlsx":
            with pd.ExcelWriter(partial, engine="openpyxl") as xl:
                write_xlsx_sheet(xl, table, "Sheet1")
        else:
            write_csv(table, partial)
    return out, changed
