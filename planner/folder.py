"""The plan folder: `Plan` (a plan in memory, with the folder it was read from, if any),
`write_plan` (puts a plan folder in place atomically) and `read_plan` (reads one back)."""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from planner.atomic import atomic_output
from planner.errors import InputError, Problem
from planner.safety import restored_frame, write_csv
from planner.scenario import Scenario, parse_scenario, scenario_to_toml
from planner.summary import Summary
from planner.timings import Timings, stage

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
    "county",
    "why_zh",
    "why_en",
    "visits_done_this_year",
    "visits_owed_this_year",
    "responsible_changed",
]
# what every plan folder has; the rest (report, workbook, calendars) is optional
REQUIRED_FILES = ("visits.csv", "branches.csv", "summary.json", "scenario.toml")


@dataclass(frozen=True)
class Plan:
    """A plan: solved now (`path` None) or read back from its folder."""

    scenario: Scenario
    visits: pd.DataFrame  # one row per visit, VISIT_COLUMNS
    branches: pd.DataFrame  # one row per input branch, BRANCH_COLUMNS
    baseline_visits: pd.DataFrame  # the hand-ranking baseline, VISIT_COLUMNS
    summary: Summary
    path: Path | None = None

    @property
    def name(self) -> str:
        """The plan folder's name, or the scenario's for a plan not written yet."""
        return self.path.name if self.path else self.scenario.name


Writer = Callable[[Plan, Path], object]
NamedWriter = Writer | tuple[str, Writer]


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


def write_plan(
    p: Plan,
    out: Path,
    extras: Sequence[NamedWriter] = (),
    *,
    flag: str | None = None,
    timings: Timings | None = None,
) -> Path:
    """Write the plan folder to a temporary sibling and rename it into place when complete.

    `out` must not exist or must be an empty folder: an earlier plan is never overwritten.
    `extras` write more files into the folder (workbook, calendars, report) before it is in place;
    they may be named `(name, writer)` pairs, so `timings` can tell them apart.
    """
    with atomic_output(Path(out), folder=True, flag=flag) as tmp:
        # text that a spreadsheet would evaluate (=, +, -, @ ...) is neutralised, see planner.safety
        for name, frame in (
            ("visits.csv", p.visits),
            ("branches.csv", p.branches),
            ("baseline_visits.csv", p.baseline_visits),
        ):
            with stage(timings, name):
                write_csv(frame, tmp / name)
        with stage(timings, "summary.json"):
            (tmp / "summary.json").write_text(
                json.dumps(p.summary.to_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
            )
        with stage(timings, "scenario.toml"):
            (tmp / "scenario.toml").write_text(scenario_to_toml(p.scenario), encoding="utf-8")
        written = replace(p, path=tmp)
        for i, extra in enumerate(extras):
            label, writer = extra if isinstance(extra, tuple) else (f"extra {i + 1}", extra)
            with stage(timings, label):
                writer(written, tmp)
    return Path(out)


def read_plan(path: Path) -> Plan:
    """A plan folder read back: what `planner report`, `compare`, `record` and `--pin` work from."""
    path = Path(path)
    missing = [f for f in REQUIRED_FILES if not (path / f).is_file()]
    if missing:
        raise InputError([Problem(str(path), f"is not a plan folder: {', '.join(missing)} missing.")])
    ids = {"branch_id": str, "supervisor_id": str, "responsible_supervisor_id": str, "county": str}

    def table(name: str) -> pd.DataFrame:
        frame = pd.read_csv(path / name, dtype=ids, keep_default_na=False, encoding="utf-8-sig")
        return restored_frame(frame)  # names as they were before write_csv neutralised them

    branches = table("branches.csv")
    for col in ("county", "why_zh", "why_en"):  # plan folders written before these columns
        if col not in branches:
            branches[col] = ""

    base = path / "baseline_visits.csv"
    try:
        summary = Summary.from_dict(json.loads((path / "summary.json").read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise InputError(
            [Problem(str(path / "summary.json"), f"is not a plan summary ({exc.__class__.__name__}: {exc}).")]
        ) from exc
    return Plan(
        scenario=parse_scenario(
            tomllib.loads((path / "scenario.toml").read_text(encoding="utf-8")),
            file=str(path / "scenario.toml"),
        ),
        visits=table("visits.csv"),
        branches=branches,
        baseline_visits=table("baseline_visits.csv")
        if base.is_file()
        else pd.DataFrame(columns=VISIT_COLUMNS),
        summary=summary,
        path=path,
    )
