"""What planners hand out besides the report: `plan.xlsx` and one iCalendar file per supervisor.

`handouts` lists every file written into a plan folder beyond its tables: the one place to add
a new output file (the plan command and the workbook's export both write this list).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pandas as pd
from icalendar import Calendar, Event
from openpyxl.utils import get_column_letter

from planner.folder import Plan, Writer
from planner.labels import KPIS, column, dimension_label, format_kpi_of, t
from planner.report import render

_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def handouts(lang: str = "zh", *, report: bool = True) -> list[Writer]:
    """The writers of a plan folder's handouts: workbook, calendars and (unless not) the report."""
    writers: list[Writer] = [
        lambda p, d: write_workbook(p, d, lang),
        lambda p, d: write_calendars(p, d, lang),
    ]
    if report:
        writers.append(lambda p, d: render(d, lang))
    return writers


def _sheet_name(text: str, used: set[str]) -> str:
    base = _SHEET_FORBIDDEN.sub("_", text)[:31] or "sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f"~{n}"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    used.add(name.lower())
    return name


def _file_name(sid: str, used: set[str]) -> str:
    """A file name for a supervisor id: unsafe characters replaced, never two the same."""
    base = re.sub(r"[^\w.-]", "_", sid).strip(".") or "supervisor"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base}~{n}", n + 1
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
        if p.summary.year is not None:
            # the year's progress (coverage, owed visits by district, contact points, follow-ups)
            from planner import year_report

            sheet = _sheet_name(t("year_sheet", lang), used)
            figures = year_report.figures(p.summary.year, lang).reset_index()
            figures.to_excel(xl, sheet_name=sheet, index=False)
            owed = year_report.owed_by_district(p.summary.year, lang)
            owed.to_excel(xl, sheet_name=sheet, index=False, startrow=len(figures) + 2)
            listed = year_report.due(p.branches, lang)
            listed.to_excel(xl, sheet_name=sheet, index=False, startrow=len(figures) + len(owed) + 4)
            _fit_columns(xl.sheets[sheet], listed if len(listed) else figures)
            _as_text(xl.sheets[sheet])
    return path


def write_calendars(p: Plan, folder: Path, lang: str = "zh") -> Path:
    """calendars/<supervisor_id>.ics: one all-day event over the working week of each visit."""
    out = folder / "calendars"
    out.mkdir(exist_ok=True)
    # DTSTAMP is required; a fixed one keeps the files identical for identical plans
    stamp = dt.datetime.combine(p.scenario.horizon.start, dt.time(0, 0), tzinfo=dt.UTC)
    used: set[str] = set()
    for sid, rows in p.visits.groupby("supervisor_id", sort=True):
        cal = Calendar()
        cal.add("prodid", "-//Dudao planner//督导走访计划//ZH")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", f"{rows['supervisor_name'].iloc[0]} · {p.scenario.name}")
        for v in rows.itertuples():
            event = Event()
            start = dt.date.fromisoformat(str(v.week_start))
            focus = dimension_label(str(v.focus), lang)
            summary = t("calendar_event", lang, branch=v.branch_name, focus=focus)
            event.add("uid", f"{v.visit_id}-{v.branch_id}@dudao")
            event.add("dtstamp", stamp)
            event.add("dtstart", start)
            event.add("dtend", start + dt.timedelta(days=5))
            event.add("summary", summary)
            event.add("location", str(v.district))
            event.add(
                "description",
                t(
                    "calendar_description",
                    lang,
                    branch_id=v.branch_id,
                    visit_no=v.visit_no,
                    risk=v.risk_score,
                ),
            )
            event.add("transp", "TRANSPARENT")
            cal.add_component(event)
        (out / f"{_file_name(str(sid), used)}.ics").write_bytes(cal.to_ical())
    return out
