"""What planners hand out besides the report: `plan.xlsx` and one iCalendar file per supervisor
(`planner.calendars`).

`handouts` lists every file written into a plan folder beyond its tables: the one place to add
a new output file (the plan command and the workbook's export both write this list).
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from openpyxl.utils import get_column_letter

from planner import calendars
from planner.folder import NamedWriter, Plan
from planner.labels import KPIS, column, dimension_label, format_kpi_of, t

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def handouts(lang: str = "zh", *, report: bool = True) -> list[NamedWriter]:
    """The writers of a plan folder's handouts, named by the file they write: workbook, calendars
    and (unless not) the report."""
    writers: list[NamedWriter] = [
        ("plan.xlsx", lambda p, d: write_workbook(p, d, lang)),
        ("calendars", lambda p, d: write_calendars(p, d, lang)),
    ]
    if report:
        writers.append(("report.html", lambda p, d: _render(d, lang)))
    return writers


def _render(folder: Path, lang: str) -> Path:
    from planner.report import render  # matplotlib and papermill: only when a report is written

    return render(folder, lang)


def _sheet_name(text: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("_", text)[:31] or "sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f"~{n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _labelled(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    out = frame.copy()
    if "focus" in out:
        out["focus"] = out["focus"].map(lambda f: dimension_label(f, lang))
    return out.rename(columns={c: column(c, lang) for c in out.columns})


def _as_text(sheet: object) -> None:
    """Names from spreadsheets stay text: a cell starting with '=' must not become a formula."""
    for row in sheet.iter_rows():  # type: ignore[attr-defined]
        for cell in row:
            if cell.data_type == "f":
                cell.data_type = "s"


def _fit_columns(sheet: object, frame: pd.DataFrame) -> None:
    for i, col in enumerate(frame.columns, start=1):
        values = [str(col), *(str(v) for v in frame[col].head(500))]
        # CJK characters are about two Latin characters wide
        width = max(sum(2 if ord(ch) > 0x2E80 else 1 for ch in v) for v in values)
        sheet.column_dimensions[get_column_letter(i)].width = min(60, width + 2)  # type: ignore[attr-defined]


def write_workbook(p: Plan, folder: Path, lang: str = "zh") -> Path:
    """An overview sheet (KPIs and every visit) and one sheet per supervisor."""
    path = folder / "plan.xlsx"
    cols = [
        "week",
        "week_start",
        "supervisor_id",
        "supervisor_name",
        "branch_id",
        "branch_name",
        "district",
        "focus",
        "risk_score",
        "visit_no",
    ]
    plan_k, base_k = p.summary.kpis, p.summary.baseline
    kpis = pd.DataFrame(
        {
            column("kpi", lang): [k.label(lang) for k in KPIS],
            t("plan", lang): [format_kpi_of(plan_k, k.key, lang) for k in KPIS],
            t("baseline", lang): [format_kpi_of(base_k, k.key, lang) for k in KPIS],
        }
    )
    used: set[str] = set()
    with pd.ExcelWriter(path, engine="openpyxl") as xl:
        overview = _sheet_name(t("overview_sheet", lang), used)
        title = pd.DataFrame({t("scenario", lang): [p.scenario.name]})
        title.to_excel(xl, sheet_name=overview, index=False)
        kpis.to_excel(xl, sheet_name=overview, index=False, startrow=3)
        visits = _labelled(p.visits[cols], lang)
        visits.to_excel(xl, sheet_name=overview, index=False, startrow=len(kpis) + 6)
        _fit_columns(xl.sheets[overview], visits)
        _as_text(xl.sheets[overview])
        for (sid, name), rows in p.visits.groupby(["supervisor_id", "supervisor_name"], sort=True):
            sheet = _sheet_name(f"{sid} {name}", used)
            mine = _labelled(rows[[c for c in cols if c not in ("supervisor_id", "supervisor_name")]], lang)
            mine.to_excel(xl, sheet_name=sheet, index=False)
            _fit_columns(xl.sheets[sheet], mine)
            _as_text(xl.sheets[sheet])
    return path


def write_calendars(p: Plan, folder: Path, lang: str = "zh") -> Path:
    """calendars/<supervisor_id>.ics: one all-day event over the working week of each visit."""
    return calendars.write_calendars(p.visits, folder, p.scenario.name, p.scenario.horizon.start, lang)
