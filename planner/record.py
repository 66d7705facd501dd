"""Closing the loop: what the visits found becomes the next cycle's branch file and history.

A visit that happened sets the branch's last visit date (the latest one wins) and replaces the
dimension scores the supervisor assessed; dimensions not assessed, and branches not visited,
stay as they were. Each branch's 责任人 (responsible_supervisor) becomes the plan's. The visits
that happened are appended to the history (督导台账). The input files are never edited: new files
are written with the old ones' columns, headers and extra columns.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from planner.atomic import atomic_output, check_writable
from planner.errors import InputError, Problem
from planner.folder import read_plan
from planner.inputs import load_outcomes, raw_branch_table, sha256
from planner.safety import write_csv, write_xlsx_sheet
from planner.schema import BRANCH_COLUMNS, DIMENSIONS, HISTORY_COLUMNS, SUPERVISOR_COLUMNS


def _keys(raw: pd.DataFrame) -> set[str]:
    """The column keys (English) a raw table's headers name, in either language."""
    names = {c.zh: c.key for c in SUPERVISOR_COLUMNS} | {c.key: c.key for c in SUPERVISOR_COLUMNS}
    return {names[h] for h in (str(c).strip() for c in raw.columns) if h in names}


@dataclass(frozen=True)
class Recorded:
    branches: Path  # the next cycle's branch file
    changed: int  # branches updated from the visit log
    history: Path  # the next cycle's history
    appended: int  # visits appended to it


def plan_responsible(plan_branches: pd.DataFrame) -> dict[str, str]:
    """branch_id -> the 责任人 the plan names (branches.csv `responsible_supervisor_id`), where it
    names one: what the next cycle's branch file keeps as `responsible_supervisor`."""
    return {
        str(b): str(s)
        for b, s in zip(plan_branches["branch_id"], plan_branches["responsible_supervisor_id"], strict=True)
        if str(s)
    }


def next_branches(
    raw: pd.DataFrame,
    where: dict[str, str],
    outcomes: pd.DataFrame,
    responsible: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, int]:
    """The raw branch table with outcomes applied and each branch's 责任人 set from `responsible`
    (branch_id -> supervisor_id, blank: unchanged); and how many branches the visits changed."""
    out = raw.copy()
    chinese = str(where.get("branch_id", "")).strip() == "组织编号"
    if "last_visit" not in where:
        out["last_visit"] = ""
        where = {**where, "last_visit": "last_visit"}
    if responsible and "responsible_supervisor" not in where:
        column = "责任人" if chinese else "responsible_supervisor"
        out[column] = ""
        where = {**where, "responsible_supervisor": column}
    if responsible:
        col = where["responsible_supervisor"]
        for i, bid in enumerate(out[where["branch_id"]]):
            sid = responsible.get(str(bid).strip(), "")
            if sid:
                out.at[i, col] = sid
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


def history_rows(
    outcomes: pd.DataFrame, plan_visits: pd.DataFrame, plan_branches: pd.DataFrame
) -> pd.DataFrame:
    """The visits that happened, as history rows: branch_id, supervisor_id, date, focus.

    A logged visit_id names its supervisor and focus; a visit logged by branch is credited to the
    branch's 责任人 in the plan.
    """
    by_visit = plan_visits.set_index("visit_id")[["supervisor_id", "focus"]].to_dict("index")
    owner = dict(zip(plan_branches["branch_id"], plan_branches["responsible_supervisor_id"], strict=True))
    rows, problems = [], []
    for v in outcomes[outcomes["happened"]].to_dict("records"):
        planned = by_visit.get(v["visit_id"]) if v["visit_id"] else None
        sid = planned["supervisor_id"] if planned else owner.get(v["branch_id"], "")
        if not sid:
            problems.append(
                Problem(
                    "visit log",
                    f"the visit to '{v['branch_id']}' has no visit_id and the branch has no 责任人 in the "
                    "plan; give the visit_id so the history knows who made it.",
                    int(v["row"]),
                    "走访编号",
                )
            )
        rows.append(
            {
                "branch_id": v["branch_id"],
                "supervisor_id": sid,
                "date": str(v["date"]),
                "focus": planned["focus"] if planned else "",
            }
        )
    if problems:
        raise InputError(problems)
    return pd.DataFrame(rows, columns=["branch_id", "supervisor_id", "date", "focus"])


def _write_new(table: pd.DataFrame, out: Path, flag: str) -> Path:
    with atomic_output(out, flag=flag) as partial:
        # names that look like formulas stay text in either format (planner.safety)
        if out.suffix.lower() == ".xlsx":
            with pd.ExcelWriter(partial, engine="openpyxl") as xl:
                write_xlsx_sheet(xl, table, "Sheet1")
        else:
            write_csv(table, partial)
    return out


def record(
    plan_dir: Path,
    outcomes_file: Path,
    branches_file: Path,
    out: Path,
    *,
    history: Path | None = None,
    history_out: Path | None = None,
) -> Recorded:
    """Validate the visit log against the plan; write the next cycle's branch file and history."""
    folder = read_plan(plan_dir)
    history_out = history_out or out.with_name(f"history-{out.stem}.csv")
    problems = []
    for path, flag in ((out, "--out"), (history_out, "--history-out")):
        if path.exists():
            problems.append(
                Problem(str(path), f"already exists; choose a new {flag} (nothing is ever overwritten).")
            )
        for given, what in ((branches_file, "branch file"), (history, "history")):
            if given is not None and path.resolve() == Path(given).resolve():
                problems.append(Problem(str(path), f"is the input {what}; inputs are never edited."))
    if out.resolve() == history_out.resolve():
        problems.append(Problem(str(out), "--out and --history-out name the same file."))
    if not problems:
        for path, flag in ((out, "--out"), (history_out, "--history-out")):
            try:  # both outputs can be written, before either is
                check_writable(path, flag)
            except InputError as exc:
                problems += exc.problems
    sources = folder.summary.input_digests()
    for given, what in ((branches_file, "branch file"), (history, "history")):
        digest = sha256(given) if given is not None and Path(given).is_file() else None
        if given is not None and digest and digest not in sources:
            problems.append(
                Problem(
                    Path(given).name,
                    f"is not the {what} this plan was made from (its checksum differs from summary.json).",
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
    made_with = folder.summary.history_file
    if history is None and made_with:
        raise InputError(
            [
                Problem(
                    "command line",
                    f"the plan was made with the history '{made_with}'; give it with --history so that "
                    "the next history keeps its visits (without it the next history would hold only "
                    "this plan's visits).",
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
    plan_branches = folder.branches
    table, changed = next_branches(raw, where, outcomes, plan_responsible(plan_branches))
    new_rows = history_rows(outcomes, folder.visits, plan_branches)
    if history is not None:
        old, at = raw_branch_table(history, HISTORY_COLUMNS)
        for key in ("branch_id", "supervisor_id", "date", "focus"):
            if key not in at:
                old[key] = ""
                at[key] = key
        added = pd.DataFrame("", index=range(len(new_rows)), columns=old.columns)
        for key in ("branch_id", "supervisor_id", "date", "focus"):
            added[at[key]] = new_rows[key].to_numpy()
        next_history = pd.concat([old, added], ignore_index=True)
    else:
        next_history = new_rows
    _write_new(table, out, "--out")
    _write_new(next_history, history_out, "--history-out")
    return Recorded(out, changed, history_out, len(new_rows))
