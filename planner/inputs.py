"""Reading and validating the branch and supervisor files: the only reader of user files.

Files are read as text, headers are mapped from English keys or Chinese names, each cell is
parsed leniently (是/否, 、-separated lists, GB18030 CSV), and the typed frame is checked by a
pandera schema. Every problem is collected in one pass and raised together as InputError.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pandera.pandas as pa

from planner.errors import InputError, Problem
from planner.schema import (
    BRANCH_COLUMNS,
    DIMENSIONS,
    FALSE_WORDS,
    HISTORY_COLUMNS,
    LIST_SEPARATORS,
    ORG_TYPES,
    OUTCOME_COLUMNS,
    SUPERVISOR_COLUMNS,
    TRUE_WORDS,
    ColumnSpec,
    dimension_key,
)

FIRST_DATA_ROW = 2  # the header is row 1 in Excel


@dataclass(frozen=True)
class Inputs:
    """Validated inputs: typed frames indexed 0..n-1 in file order, and the files' digests."""

    branches: pd.DataFrame
    supervisors: pd.DataFrame
    sources: Mapping[str, str]
    # the history (督导台账) of visits that happened: branch_id, supervisor_id, date, focus;
    # only rows of known branches and supervisors (the others are counted in `warnings`)
    history: pd.DataFrame | None = None
    warnings: tuple[str, ...] = ()


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def read_table(path: Path) -> pd.DataFrame:
    """A CSV (UTF-8, UTF-8 with BOM or GB18030) or the first sheet of an XLSX, all as text."""
    path = Path(path)
    if not path.is_file():
        raise InputError([Problem(path.name, f"does not exist ({path}).")])
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        try:
            frame = pd.read_excel(path, sheet_name=0, dtype=object)
        except Exception as exc:  # openpyxl raises many types for damaged files
            raise InputError([Problem(path.name, f"is not a readable Excel file: {exc}.")]) from exc
        return frame.map(_excel_cell_text).astype(object)
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise InputError(
            [
                Problem(
                    path.name,
                    "is neither UTF-8 nor GB18030 text; save it as CSV UTF-8 or as an Excel workbook.",
                )
            ]
        )
    if not text.strip():
        raise InputError([Problem(path.name, "is empty.")])
    from io import StringIO

    try:
        return pd.read_csv(StringIO(text), dtype=str, keep_default_na=False, skipinitialspace=True)
    except pd.errors.ParserError as exc:
        raise InputError([Problem(path.name, f"is not a well-formed CSV file: {exc}.")]) from exc


def _excel_cell_text(value: Any) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return ""
    if isinstance(value, dt.datetime | pd.Timestamp):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _map_headers(
    frame: pd.DataFrame, specs: tuple[ColumnSpec, ...], file: str, problems: list[Problem]
) -> pd.DataFrame:
    by_name = {s.zh: s.key for s in specs} | {s.key: s.key for s in specs}
    renamed: dict[str, str] = {}
    seen: dict[str, str] = {}
    for col in frame.columns:
        label = str(col).strip()
        key = by_name.get(label, by_name.get(label.lower()))
        if key is None:
            continue  # extra columns are kept out of the model and ignored
        if key in seen:
            problems.append(
                Problem(
                    file,
                    f"the column appears twice (as '{seen[key]}' and '{label}'); keep one.",
                    column=label,
                )
            )
            continue
        seen[key] = label
        renamed[col] = key
    typed = frame[list(renamed)].rename(columns=renamed).astype(str)
    typed = typed.apply(lambda s: s.str.strip())
    # blank rows are dropped but the index keeps each row's place: row numbers stay true
    return typed.loc[~(typed == "").all(axis=1)]


_DATE = re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]0{1,2}:00(?::00)?)?$")


def _parse_number(text: str) -> float | None:
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return None
    return value if value == value else None


def _parse_cell(kind: str, text: str) -> tuple[Any, str | None]:
    """(value, None) or (None, what is wrong) for one non-blank cell."""
    if kind in ("text", "org_type"):
        return text, None
    if kind in ("int", "score"):
        value = _parse_number(text)
        if value is None:
            return None, f"'{text}' is not a number."
        if kind == "int" and not value.is_integer():
            return None, f"'{text}' is not a whole number."
        return (int(value) if kind == "int" else value), None
    if kind == "date":
        m = _DATE.match(text)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3])), None
            except ValueError:
                pass
        return None, f"'{text}' is not a date like 2026-03-31."
    if kind == "bool":
        word = text.lower()
        if word in TRUE_WORDS:
            return True, None
        if word in FALSE_WORDS:
            return False, None
        return None, f"'{text}' is not 是/否 (yes/no)."
    items = tuple(x for x in re.split(LIST_SEPARATORS, text) if x)
    if kind == "weeks":
        weeks = []
        for item in items:
            value = _parse_number(item)
            if value is None or not value.is_integer():
                return None, f"'{item}' is not a week number."
            weeks.append(int(value))
        return tuple(sorted(set(weeks))), None
    return items, None


_BLANK: dict[str, Callable[[], Any]] = {
    "text": lambda: None,
    "org_type": lambda: "党支部",
    "int": lambda: None,
    "score": lambda: None,
    "date": lambda: None,
    "bool": lambda: False,
    "list": tuple,
    "weeks": tuple,
}


def _parse_columns(
    text: pd.DataFrame, specs: tuple[ColumnSpec, ...], file: str, problems: list[Problem]
) -> pd.DataFrame:
    out = {}
    for spec in specs:
        if spec.key not in text.columns:
            continue
        values = []
        for i, cell in text[spec.key].items():
            if cell == "":
                values.append(_BLANK[spec.kind]())
                continue
            value, error = _parse_cell(spec.kind, cell)
            if error:
                problems.append(Problem(file, error, row=int(str(i)) + FIRST_DATA_ROW, column=spec.zh))
            values.append(value)
        series = pd.Series(values, index=text.index, dtype=object)
        if spec.kind in ("int", "score"):
            series = pd.to_numeric(series, errors="coerce")
            if spec.kind == "int":
                series = series.astype("Int64")
        out[spec.key] = series
    return pd.DataFrame(out, index=text.index)


def _schema(specs: tuple[ColumnSpec, ...], id_key: str) -> pa.DataFrameSchema:
    columns = {}
    for s in specs:
        checks: list[pa.Check] = []
        if s.kind == "score":
            checks.append(pa.Check.in_range(0, 100))
        elif s.kind == "int":
            checks.append(pa.Check.ge(0))
        elif s.kind == "org_type":
            checks.append(pa.Check.isin(ORG_TYPES))
        columns[s.key] = pa.Column(
            nullable=not (s.required and s.kind in ("text", "org_type", "int", "score")),
            unique=s.key == id_key,
            required=s.required,
            checks=checks,
        )
    return pa.DataFrameSchema(columns)


def _pandera_problems(
    frame: pd.DataFrame, specs: tuple[ColumnSpec, ...], id_key: str, file: str
) -> list[Problem]:
    zh = {s.key: s.zh for s in specs}
    try:
        _schema(specs, id_key).validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        problems = []
        for case in exc.failure_cases.itertuples(index=False):
            check, column, value, index = str(case.check), case.column, case.failure_case, case.index
            if check == "column_in_dataframe":
                problems.append(
                    Problem(
                        file, f"the required column '{value}' ({zh[value]}) is missing.", column=zh[value]
                    )
                )
                continue
            if pd.isna(index):
                continue
            row = int(index) + FIRST_DATA_ROW
            col = zh[column]
            if check == "not_nullable":
                message = "is empty; a value is required."
            elif check == "field_uniqueness":
                rows = [int(i) + FIRST_DATA_ROW for i in frame.index[frame[column] == value]]
                others = ", ".join(str(r) for r in rows if r != row)
                message = f"duplicate id '{value}' (also on row {others})."
            elif check.startswith("in_range"):
                message = f"{value:g} is outside 0–100."
            elif check.startswith("greater_than_or_equal_to"):
                message = f"{value} is negative; a count must be 0 or more."
            elif check.startswith("isin"):
                message = f"'{value}' is not one of {' / '.join(ORG_TYPES)}."
            else:
                message = f"fails check {check} with '{value}'."
            problems.append(Problem(file, message, row=row, column=col))
        return problems
    return []


def _validate_frame(
    raw: pd.DataFrame, specs: tuple[ColumnSpec, ...], id_key: str, file: str
) -> tuple[pd.DataFrame, list[Problem]]:
    problems: list[Problem] = []
    text = _map_headers(raw, specs, file, problems)
    if text.empty:
        problems.append(Problem(file, "has no data rows."))
        return text, problems
    typed = _parse_columns(text, specs, file, problems)
    typed = typed.replace({"": None}) if not typed.empty else typed
    parsed = {(p.row, p.column) for p in problems}
    # a cell that could not be parsed is also blank to pandera: report it once
    problems += [
        p
        for p in _pandera_problems(typed, specs, id_key, file)
        if not (p.message.startswith("is empty") and (p.row, p.column) in parsed)
    ]
    return typed, problems


def _cross_checks(
    branches: pd.DataFrame, supervisors: pd.DataFrame, horizon_weeks: int, file: str
) -> list[Problem]:
    problems: list[Problem] = []
    districts = set(branches.get("district", pd.Series(dtype=object)).dropna())
    branch_ids = set(branches.get("branch_id", pd.Series(dtype=object)).dropna())
    zh = {s.key: s.zh for s in SUPERVISOR_COLUMNS}
    for i, row in supervisors.iterrows():
        r = int(str(i)) + FIRST_DATA_ROW
        home = row.get("home_district")
        if home is not None and districts and home not in districts:
            problems.append(
                Problem(
                    file,
                    f"district '{home}' has no branches; known districts: "
                    f"{', '.join(sorted(districts)[:12])}.",
                    r,
                    zh["home_district"],
                )
            )
        for skill in row.get("skills") or ():
            if dimension_key(skill) is None:
                problems.append(
                    Problem(
                        file,
                        f"'{skill}' is not a health dimension (use one of "
                        f"{', '.join(DIMENSIONS)} or their Chinese names).",
                        r,
                        zh["skills"],
                    )
                )
        for week in row.get("unavailable_weeks") or ():
            if not 1 <= week <= horizon_weeks:
                problems.append(
                    Problem(
                        file,
                        f"week {week} is outside the plan's weeks 1–{horizon_weeks}.",
                        r,
                        zh["unavailable_weeks"],
                    )
                )
        for bid in row.get("excluded_branches") or ():
            if bid not in branch_ids:
                problems.append(
                    Problem(file, f"branch '{bid}' is not in the branch file.", r, zh["excluded_branches"])
                )
    problems += _contact_checks(branches, supervisors, file)
    return problems


def _contact_checks(branches: pd.DataFrame, supervisors: pd.DataFrame, file: str) -> list[Problem]:
    """A contact point (联系点) is a branch of the file, of one supervisor only, who may visit it."""
    if "contact_branches" not in supervisors.columns:
        return []
    problems: list[Problem] = []
    column = "联系点"
    counties = branches["county"] if "county" in branches.columns else pd.Series(None, index=branches.index)
    county = dict(zip(branches["branch_id"], counties, strict=True))
    owner: dict[str, tuple[str, int]] = {}
    for i, row in supervisors.iterrows():
        r = int(str(i)) + FIRST_DATA_ROW
        sid = row.get("supervisor_id")
        for bid in row.get("contact_branches") or ():
            if bid not in county:
                problems.append(Problem(file, f"contact point '{bid}' is not in the branch file.", r, column))
            elif bid in owner:
                problems.append(
                    Problem(
                        file,
                        f"'{bid}' is already the contact point of '{owner[bid][0]}' (row {owner[bid][1]}); "
                        "a branch has one 责任人.",
                        r,
                        column,
                    )
                )
            elif bid in (row.get("excluded_branches") or ()):
                problems.append(
                    Problem(
                        file, f"'{bid}' is both a contact point and excluded (回避) for {sid}.", r, column
                    )
                )
            elif county[bid] and row.get("county") and county[bid] != row.get("county"):
                problems.append(
                    Problem(
                        file,
                        f"contact point '{bid}' is in county '{county[bid]}', not in {sid}'s.",
                        r,
                        column,
                    )
                )
            owner.setdefault(bid, (str(sid), r))
    return problems


def validate_frames(
    branches_raw: pd.DataFrame | None,
    supervisors_raw: pd.DataFrame | None,
    *,
    horizon_weeks: int,
    names: tuple[str, str] = ("branches", "supervisors"),
    sources: Mapping[str, str] | None = None,
    problems: list[Problem] | None = None,
) -> Inputs:
    """Validate raw (text) frames as read from files; raise InputError with every problem.

    A frame that could not be read is None; the other is still checked, and `problems` holds
    what was found while reading.
    """
    problems = list(problems or [])
    branches = supervisors = pd.DataFrame()
    if branches_raw is not None:
        branches, found = _validate_frame(branches_raw, BRANCH_COLUMNS, "branch_id", names[0])
        problems += found
    if supervisors_raw is not None:
        supervisors, found = _validate_frame(supervisors_raw, SUPERVISOR_COLUMNS, "supervisor_id", names[1])
        problems += found
    if not supervisors.empty and not branches.empty:
        problems += _cross_checks(branches, supervisors, horizon_weeks, names[1])
    if problems:
        raise InputError(problems)
    return Inputs(
        branches=_finish_branches(branches),
        supervisors=_finish_supervisors(supervisors),
        sources=dict(sources or {}),
    )


def _finish_branches(b: pd.DataFrame) -> pd.DataFrame:
    b = b.reset_index(drop=True)
    for col, default in (
        ("org_type", "党支部"),
        ("last_visit", None),
        ("weak_lax", False),
        ("county", None),
        ("responsible_supervisor", None),
        ("rectified_on", None),
    ):
        if col not in b.columns:
            b[col] = default
    b["responsible_supervisor"] = b["responsible_supervisor"].fillna("")
    b["rectified_on"] = b["rectified_on"].astype(object).where(b["rectified_on"].notna(), None)
    b["members"] = b["members"].astype(int)
    for d in DIMENSIONS:
        b[d] = b[d].astype(float)
    b["weak_lax"] = b["weak_lax"].astype(bool)
    b["county"] = b["county"].fillna("")
    b["last_visit"] = b["last_visit"].astype(object).where(b["last_visit"].notna(), None)
    return b


def _finish_supervisors(s: pd.DataFrame) -> pd.DataFrame:
    s = s.reset_index(drop=True)
    for col in ("skills", "unavailable_weeks", "excluded_branches", "contact_branches"):
        if col not in s.columns:
            s[col] = [() for _ in range(len(s))]
    if "county" not in s.columns:
        s["county"] = ""
    s["county"] = s["county"].fillna("")
    s["weekly_capacity"] = s["weekly_capacity"].astype(int)
    s["skills"] = [
        tuple(k for k in DIMENSIONS if k in {dimension_key(x) for x in sk}) if sk else DIMENSIONS
        for sk in s["skills"]
    ]
    return s


def load_inputs(
    branches: Path,
    supervisors: Path,
    *,
    horizon_weeks: int,
    history: Path | None = None,
    horizon_start: dt.date | None = None,
) -> Inputs:
    """Read and validate the files; every problem in any of them is reported at once.

    `history` (督导台账) needs `horizon_start`: no visit in it may be later.
    """
    problems: list[Problem] = []
    frames: list[pd.DataFrame | None] = []
    for path in (branches, supervisors):
        try:
            frames.append(read_table(path))
        except InputError as exc:
            problems += exc.problems
            frames.append(None)
    history_raw = None
    if history is not None:
        try:
            history_raw = read_table(history)
        except InputError as exc:
            problems += exc.problems
    paths = [p for p in (branches, supervisors, history) if p is not None]
    name = Path(history).name if history is not None else "history"
    found: list[Problem] = []
    table = _validate_history(history_raw, name, horizon_start, found) if history_raw is not None else None
    try:
        inputs = validate_frames(
            frames[0],
            frames[1],
            horizon_weeks=horizon_weeks,
            names=(Path(branches).name, Path(supervisors).name),
            sources={Path(p).name: sha256(p) for p in paths if Path(p).is_file()},
            problems=problems,
        )
    except InputError as exc:
        raise InputError(exc.problems + found) from exc
    if found:
        raise InputError(found)
    return inputs if table is None else with_history(inputs, table, name)


def _validate_history(
    raw: pd.DataFrame, file: str, horizon_start: dt.date | None, problems: list[Problem]
) -> pd.DataFrame:
    """The history's rows, typed; problems (file, row, column) are added to `problems`."""
    typed, found = _validate_frame(raw, HISTORY_COLUMNS, "", file)
    problems += found
    if typed.empty or found:
        return typed
    if "focus" not in typed.columns:
        typed["focus"] = None
    focus = []
    for i, (day, word) in enumerate(zip(typed["date"], typed["focus"], strict=True)):
        r = int(str(typed.index[i])) + FIRST_DATA_ROW
        if horizon_start is not None and day is not None and day > horizon_start:
            problems.append(
                Problem(
                    file,
                    f"{day} is after the plan's start ({horizon_start}); the history holds visits "
                    "that happened.",
                    r,
                    "走访日期",
                )
            )
        key = dimension_key(word) if word else None
        if word and key is None:
            problems.append(
                Problem(
                    file,
                    f"'{word}' is not a health dimension (use one of {', '.join(DIMENSIONS)}).",
                    r,
                    "督导重点",
                )
            )
        focus.append(key or "")
    typed["focus"] = focus
    typed["row"] = typed.index + FIRST_DATA_ROW
    return typed.reset_index(drop=True)[["branch_id", "supervisor_id", "date", "focus", "row"]]


def with_history(inputs: Inputs, history: pd.DataFrame, file: str = "history") -> Inputs:
    """The inputs with a validated history: a later visit in it sets the branch's last visit.

    Rows of branches or supervisors not in the files are kept out of planning and counted in a
    warning.
    """
    b = inputs.branches.copy()
    known = history["branch_id"].isin(set(b["branch_id"])) & history["supervisor_id"].isin(
        set(inputs.supervisors["supervisor_id"])
    )
    warnings = list(inputs.warnings)
    if (~known).any():
        warnings.append(
            f"{file}: {int((~known).sum())} visits are to branches or by supervisors no longer in the "
            "files; they are kept in the history but not counted for planning."
        )
    used = history.loc[known, ["branch_id", "supervisor_id", "date", "focus"]].reset_index(drop=True)
    latest = used.groupby("branch_id")["date"].max()
    for i, (bid, last) in enumerate(zip(b["branch_id"], b["last_visit"], strict=True)):
        seen = latest.get(bid)
        if seen is not None and (last is None or seen > last):
            b.at[i, "last_visit"] = seen
    return replace(inputs, branches=b, history=used, warnings=tuple(warnings))


def scaled_capacity(inputs: Inputs, factor: float, overrides: dict[str, int] | None = None) -> Inputs:
    """The inputs with every weekly capacity scaled by `factor`, then some set outright."""
    sups = inputs.supervisors.copy()
    # halves round up: half of a one-visit week is still a visit
    sups["weekly_capacity"] = np.floor(sups["weekly_capacity"] * factor + 0.5).astype(int)
    for sid, cap in (overrides or {}).items():
        sups.loc[sups["supervisor_id"] == sid, "weekly_capacity"] = int(cap)
    return replace(inputs, supervisors=sups)


def load_outcomes(
    path: Path, *, plan_visits: pd.DataFrame, branch_ids: set[str], first_day: dt.date, last_day: dt.date
) -> pd.DataFrame:
    """The visit log of a plan: one row per reported visit, validated against the plan.

    Columns of the result: row, branch_id, date, happened, and the dimensions (NaN: not assessed).
    """
    path = Path(path)
    file = path.name
    raw = read_table(path)
    headers = {str(c).strip(): c for c in raw.columns}
    for label in ("happened", "是否完成"):
        if label in headers:  # blank means the visit happened
            col = headers[label]
            raw[col] = raw[col].map(lambda x: "是" if str(x).strip() == "" else x)
    typed, problems = _validate_frame(raw, OUTCOME_COLUMNS, "", file)
    if typed.empty or any(p.row is None for p in problems):
        raise InputError(problems)
    for col in ("visit_id", "branch_id"):
        if col not in typed.columns:
            typed[col] = None
    if "happened" not in typed.columns:
        typed["happened"] = True
    planned = plan_visits.set_index("visit_id")["branch_id"].to_dict()
    zh = {s.key: s.zh for s in OUTCOME_COLUMNS}
    branch = []
    for i, row in typed.iterrows():
        r = int(str(i)) + FIRST_DATA_ROW
        vid, bid = row["visit_id"], row["branch_id"]
        if vid and vid not in planned:
            problems.append(Problem(file, f"visit '{vid}' is not in the plan.", r, zh["visit_id"]))
        elif vid and bid and planned[vid] != bid:
            problems.append(
                Problem(
                    file,
                    f"visit '{vid}' is planned for branch '{planned[vid]}', not '{bid}'.",
                    r,
                    zh["branch_id"],
                )
            )
        elif not vid and not bid:
            problems.append(
                Problem(file, "give the visit_id or the branch_id of the visit.", r, zh["visit_id"])
            )
        bid = bid or planned.get(vid)
        if bid and bid not in branch_ids:
            problems.append(Problem(file, f"branch '{bid}' is not in the branch file.", r, zh["branch_id"]))
        day = row["date"]
        if (
            row["happened"]
            and day is None
            and not any(p.row == r and p.column == zh["date"] for p in problems)
        ):
            problems.append(Problem(file, "a visit that happened needs its date.", r, zh["date"]))
        elif day is not None and not first_day <= day <= last_day:
            problems.append(
                Problem(file, f"{day} is outside the plan ({first_day} – {last_day}).", r, zh["date"])
            )
        branch.append(bid)
    if problems:
        raise InputError(problems)
    out = pd.DataFrame(
        {
            "row": typed.index + FIRST_DATA_ROW,
            "visit_id": typed["visit_id"].fillna("").astype(str).to_numpy(),
            "branch_id": branch,
            "date": typed["date"],
            "happened": typed["happened"].astype(bool),
        }
    )
    for d in DIMENSIONS:
        out[d] = pd.to_numeric(typed[d], errors="coerce") if d in typed.columns else float("nan")
    return out


def raw_branch_table(
    path: Path, specs: tuple[ColumnSpec, ...] = BRANCH_COLUMNS
) -> tuple[pd.DataFrame, dict[str, str]]:
    """The branch file (or another input) as its user wrote it (all text) and where each key's
    column is."""
    raw = read_table(path)
    by_name = {s.zh: s.key for s in specs} | {s.key: s.key for s in specs}
    where = {}
    for col in raw.columns:
        key = by_name.get(str(col).strip(), by_name.get(str(col).strip().lower()))
        if key and key not in where:
            where[key] = col
    return raw, where


def load_branches(path: Path) -> pd.DataFrame:
    """One branch file read and validated on its own (no supervisors), as `planner impact` needs."""
    path = Path(path)
    branches, problems = _validate_frame(read_table(path), BRANCH_COLUMNS, "branch_id", path.name)
    if problems:
        raise InputError(problems)
    return _finish_branches(branches)
