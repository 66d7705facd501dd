"""What planners hand out besides the report: `plan.xlsx` and one iCalendar file per supervisor
(`planner.calendars`).

`plan.xlsx` is written with xlsxwriter in its constant-memory mode (each row goes to a temporary
file once written; each cell format is made once per workbook), sheet by sheet, in time linear
in its size, and set up to print: landscape A4, one page wide, the header row repeated on every page,
panes frozen below the header, filters on it, real dates and percentages. A province (branches
in more than one county) gets a province overview in `plan.xlsx` and one workbook per county in
`counties/`, not thousands of sheets in one file.

`handouts` lists every file written into a plan folder beyond its tables: the one place to add
a new output file (the plan command and the workbook's export both write this list).
"""

from __future__ import annotations

import datetime as dt
import itertools
import numbers
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from math import isfinite
from pathlib import Path
from typing import Any

import pandas as pd
import xlsxwriter
from wcwidth import wcswidth

from planner import calendars
from planner.atomic import atomic_output, temp_dir
from planner.folder import Plan, Writer
from planner.labels import COLON, COLUMNS, KPIS, PAREN, SEP, dimension_label, kpi, kpi_value, t, tier_label
from planner.safety import utf16_prefix, xlsx_text
from planner.why import reasons_text

# what a sheet name may not hold: Excel's forbidden characters, control characters, and what XML
# cannot hold (U+FFFE, U+FFFF, lone surrogates: the sheet names stand in workbook.xml unescaped)
_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\\x00-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
DATE = "yyyy-mm-dd"


@dataclass(frozen=True)
class Percent:
    """A share written as a number that shows as a percentage."""

    value: float


@dataclass(frozen=True)
class Column:
    header: str
    number_format: str = ""
    wrap: bool = False
    max_width: int = 40


def handouts(lang: str = "zh", *, report: bool = True) -> list[tuple[str, Writer]]:
    """The writers of a plan folder's handouts, named by the file they write: workbook, calendars
    and (unless not) the report."""
    writers: list[tuple[str, Writer]] = [
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
    """A sheet name Excel takes: no []:*?/\\ or control characters, at most 31 UTF-16 units (an
    emoji counts two), no ' at either end, never two the same ignoring case."""
    base = utf16_prefix(_SHEET_FORBIDDEN.sub("_", text), 31).strip("'") or "sheet"
    name, n = base, 2
    while name.lower() in used:
        suffix = f"~{n}"
        name, n = utf16_prefix(base, 31 - len(suffix)) + suffix, n + 1
    used.add(name.lower())
    return name


def _file_name(sid: str, used: set[str]) -> str:
    """A file name for an id or a name: unsafe characters replaced, never two the same."""
    base = re.sub(r"[^\w.-]", "_", sid).strip(".")[:80] or "file"
    name, n = base, 2
    while name.lower() in used:
        name, n = f"{base}~{n}", n + 1
    used.add(name.lower())
    return name


def _safe(text: str) -> str:
    """Text a cell can hold: control characters shown as U+FFFD, an over-long text cut visibly
    (`planner.safety.xlsx_text`)."""
    return xlsx_text(text)


def _width(value: Any) -> int:
    """Columns a value takes on screen: CJK characters count two."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, Percent):
        text = f"{value.value:.1%}"
    elif isinstance(value, float):
        text = f"{value:.1f}"
    else:
        text = str(value)
    longest = max(text.split("\n"), key=len) if "\n" in text else text
    if longest.isascii() and longest.isprintable():
        return len(longest)  # the common case, without looking up each character
    w = wcswidth(longest)
    return w if w >= 0 else sum(2 if ord(ch) > 0x2E80 else 1 for ch in longest)


# a workbook of more cells than this streams its rows through temporary files (xlsxwriter's
# constant_memory, memory bounded whatever the size); a smaller one is put together in memory, a
# few tens of MB at most, which saves the temporary files' cost (half the time of a small book)
IN_MEMORY_CELLS = 100_000


class Book:
    """An xlsxwriter workbook being written, with its cell formats: each look is one Format,
    made the first time a cell needs it (xlsxwriter keeps every Format it is given)."""

    def __init__(self, path: Path, tmpdir: str | None) -> None:
        # tmpdir: stream the rows (constant_memory: each row is written to a temporary file as the
        # next one starts); None: in memory
        options = {"constant_memory": True, "tmpdir": tmpdir} if tmpdir else {"in_memory": True}
        self.wb = xlsxwriter.Workbook(str(path), options)
        self._formats: dict[tuple[tuple[str, Any], ...], Any] = {}

    def format(self, **props: Any) -> Any:
        key = tuple(sorted(props.items()))
        made = self._formats.get(key)
        if made is None:
            made = self._formats[key] = self.wb.add_format(props)
        return made


@contextmanager
def _book(path: Path, cells: int) -> Iterator[Book]:
    """A Book of about `cells` cells written to `path` atomically: a half-written workbook never
    takes its place; rows held in temporary files go with the block, whatever happens."""
    with atomic_output(path) as partial:
        if cells <= IN_MEMORY_CELLS:
            book = Book(partial, None)
            yield book
            book.wb.close()
            return
        with temp_dir("dudao-xlsx-") as tmp:
            book = Book(partial, tmp)
            yield book
            book.wb.close()


TITLE = {"bold": True, "font_size": 13, "font_color": "#A61B1B"}
HEADER = {"bold": True, "pattern": 1, "bg_color": "#F3E5E5"}
TOP = {"valign": "top"}
CENTRE = {"align": "center", "valign": "top"}
WRAP = {"text_wrap": True, "valign": "top"}
EXCEL_EPOCH = dt.date(1899, 12, 30)  # day 0 of Excel's dates (1900 date system, after 1900-02-28)


Looks = tuple[Any, Any, Any, Any]


def _looks(book: Book, col: Column) -> Looks:
    """A column's formats: for text and decimals; for whole numbers; for shares; for dates."""
    align = WRAP if col.wrap else (CENTRE if col.number_format == DATE else TOP)
    number = {"num_format": col.number_format} if col.number_format else {}
    whole = "#,##0" if "," in col.number_format else "0"
    return (
        book.format(**number, **align),
        book.format(num_format=whole, **CENTRE),
        book.format(num_format="0.0%"),
        book.format(**{"num_format": DATE, **number, **align}),
    )


def _text(ws: Any, r: int, c: int, text: str, look: Any) -> None:
    """A text cell, always written as text; an empty one keeps its look (a header's fill)."""
    if text:
        _write_text(ws, r, c, _safe(text), look)
    else:
        ws.write_blank(r, c, None, look)


def _write_text(ws: Any, r: int, c: int, text: str, look: Any) -> None:
    """Write a (safe) text as text. xlsxwriter takes a string that starts with `<r>` and ends with
    `</r>` for its own rich-string XML and writes it unescaped: such a name would come out empty,
    break the file, or (in constant-memory mode) add cells and formulas of its choosing. It is
    written as a rich string of three runs in the cell's font instead, which xlsxwriter escapes."""
    if text.startswith("<r>") and text.endswith("</r>"):
        ws.write_rich_string(r, c, look, text[:1], look, text[1:2], look, text[2:], look)
    else:
        ws.write_string(r, c, text, look)


def add_sheet(
    book: Book,
    name: str,
    columns: list[Column],
    rows: list[list[Any]],
    titles: list[str] | None = None,
    subheads: frozenset[int] = frozenset(),
) -> None:
    """A sheet ready to print: landscape A4, one page wide, header repeated on every page, frozen
    below the header, filters on it; optional title rows above the header. `subheads`: rows
    (positions in `rows`) that head a further table below the first, styled like the header; such
    a sheet repeats only its titles on each page and has no filter.

    Every text is written as text (a name starting with '=' is never a formula), dates as dates,
    `Percent` as a number shown as a percentage."""
    ws = book.wb.add_worksheet(name)
    titles = titles or []
    header_row = len(titles)  # zero-based, as xlsxwriter counts
    for i, col in enumerate(columns):
        width = max(_width(v) for v in [col.header, *(r[i] for r in rows[:300])]) + 3
        if col.number_format == DATE:
            width = max(width, 13)  # LibreOffice's fallback font sets dates wider than they count
        # in pixels of the default font's digit (7): the file holds this many characters of width
        ws.set_column_pixels(i, i, 7 * min(max(width, 6), col.max_width))
    ws.freeze_panes(header_row + 1, 0)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)  # one page wide, as many pages down as the rows need
    ws.hide_gridlines(0)  # gridlines shown and printed
    # the margins the sheets were laid out with (openpyxl's; xlsxwriter's are narrower): the same
    # rows on each printed page as before
    ws.set_margins(left=0.75, right=0.75, top=1, bottom=1)
    ws.set_header("", {"margin": 0.5})
    ws.set_footer("", {"margin": 0.5})
    ws.repeat_rows(0, header_row if not subheads else max(len(titles), 1) - 1)
    title, header = book.format(**TITLE), book.format(**HEADER)
    for r, text in enumerate(titles):
        _text(ws, r, 0, text, title)
    for c, col in enumerate(columns):
        _text(ws, header_row, c, col.header, header)
    looks = [_looks(book, col) for col in columns]
    write_string, write_number, write_blank = ws.write_string, ws.write_number, ws.write_blank
    for r, values in enumerate(rows, start=header_row + 1):
        if r - header_row - 1 in subheads:
            for c, value in enumerate(values):
                if value != "":
                    _text(ws, r, c, str(value), header)
            continue
        for c, value in enumerate(values):
            kind = type(value)  # the common types first, without isinstance
            if kind is str and value:
                if value[:3] == "<r>":  # xlsxwriter's rich-string XML look-alike: _write_text
                    _write_text(ws, r, c, _safe(value), looks[c][0])
                else:
                    write_string(r, c, _safe(value), looks[c][0])
            elif kind is int:
                write_number(r, c, value, looks[c][1])
            elif kind is float and isfinite(value):
                write_number(r, c, value, looks[c][0])
            elif kind is dt.date:
                write_number(r, c, (value - EXCEL_EPOCH).days, looks[c][3])
            elif kind is str:
                write_blank(r, c, None, looks[c][0])  # empty, with its column's look
            else:
                _write_other(ws, r, c, value, looks[c])
    if not subheads:
        ws.autofilter(header_row, 0, header_row + max(len(rows), 1), len(columns) - 1)
    if book.wb.constant_memory:
        # its rows are in its temporary file: close it until the workbook is put together (which
        # reopens it), or a county of 1,000 supervisors would hold 1,000 files open
        ws._opt_close()


def _write_other(ws: Any, r: int, c: int, value: Any, looks: Looks) -> None:
    """A cell of a less common type: a share, a yes/no, nothing, a subclass of the common ones."""
    if isinstance(value, str):
        _text(ws, r, c, value, looks[0])
    elif isinstance(value, Percent):  # a share; none (NaN) stays empty
        if isfinite(value.value):
            ws.write_number(r, c, value.value, looks[2])
        else:
            ws.write_blank(r, c, None, looks[2])
    elif isinstance(value, bool):
        ws.write_boolean(r, c, value, looks[0])
    elif isinstance(value, numbers.Integral):  # an int subclass, a numpy integer
        ws.write_number(r, c, int(value), looks[1])
    elif isinstance(value, numbers.Real) and isfinite(value):
        ws.write_number(r, c, float(value), looks[0])
    elif isinstance(value, dt.datetime):
        ws.write_datetime(r, c, value, looks[3])
    elif isinstance(value, dt.date):
        ws.write_number(r, c, (value - EXCEL_EPOCH).days, looks[3])
    elif value is None or isinstance(value, numbers.Real):  # nothing, NaN or infinity: empty
        ws.write_blank(r, c, None, looks[0])
    else:
        _text(ws, r, c, str(value), looks[0])


def _day(text: object) -> dt.date:
    return dt.date.fromisoformat(str(text)[:10])


def _tier(tier: object, lang: str) -> str:
    return tier_label(tier, lang)


def _kpi_value(k: Any, key: str) -> Any:
    """A KPI as a cell: shares as percentages, "met/required" as text, the rest as numbers."""
    x = kpi(key)
    value = kpi_value(k, key)
    if x.kind == "met" and x.of:
        return f"{value}/{kpi_value(k, x.of)}"
    if x.kind == "share":
        return Percent(float(value))
    return value


def _horizon(p: Plan, lang: str) -> str:
    return t("weeks_from", lang, weeks=p.scenario.horizon.weeks, start=p.scenario.horizon.start)


def _overview(book: Book, p: Plan, lang: str, used: set[str], title: str) -> None:
    s = p.summary
    rows = [[k.label(lang), _kpi_value(s.kpis, k.key), _kpi_value(s.baseline, k.key)] for k in KPIS]
    cols = [
        Column(COLUMNS["kpi"][lang], max_width=60),
        Column(t("plan", lang), "#,##0.0"),
        Column(t("baseline", lang), "#,##0.0"),
    ]
    titles = [
        title,
        f"{t('horizon', lang)}{COLON[lang]}{_horizon(p, lang)}{SEP[lang]}"
        f"{t('status', lang)}{COLON[lang]}{t(s.status.value, lang)}",
    ]
    add_sheet(book, _sheet_name(t("overview_sheet", lang), used), cols, rows, titles)


def _county_overview(
    book: Book, branches: pd.DataFrame, visits: pd.DataFrame, lang: str, used: set[str], title: str
) -> None:
    cols = [Column(COLUMNS["branches"][lang], "#,##0"), Column(COLUMNS["visits"][lang], "#,##0")]
    add_sheet(
        book,
        _sheet_name(t("overview_sheet", lang), used),
        [Column(COLUMNS["kpi"][lang], max_width=60), *cols[:1]],
        [
            [COLUMNS["branches"][lang], len(branches)],
            [COLUMNS["visited"][lang], int((branches["visits"] > 0).sum())],
            [COLUMNS["visits"][lang], len(visits)],
        ],
        [title],
    )


def _visit_columns(lang: str, *, who: bool) -> list[Column]:
    cols = [
        Column(COLUMNS["week"][lang], "0"),
        Column(COLUMNS["week_start"][lang], DATE),
        Column(COLUMNS["week_end"][lang], DATE),
    ]
    if who:
        cols += [Column(COLUMNS["supervisor_id"][lang]), Column(COLUMNS["supervisor_name"][lang])]
    return [
        *cols,
        Column(COLUMNS["branch_id"][lang]),
        Column(COLUMNS["branch_name"][lang]),
        Column(COLUMNS["district"][lang]),
        Column(COLUMNS["focus"][lang]),
        Column(COLUMNS["risk_score"][lang], "0.0"),
        Column(COLUMNS["visit_no"][lang], "0"),
        Column(COLUMNS["why"][lang], wrap=True, max_width=50),
    ]


def _texts(column: pd.Series) -> list[str]:
    """A column's values as text, each as `str` shows it."""
    return [str(x) for x in column.tolist()]


def _visit_rows(v: pd.DataFrame, why: dict[str, str], lang: str) -> list[list[Any]]:
    """The visits sheet's rows, in the order of `v`; a supervisor's sheet drops the two columns
    naming the supervisor (`_own`)."""
    starts, focuses, ids = _texts(v["week_start"]), _texts(v["focus"]), _texts(v["branch_id"])
    weeks = {s: _day(s) for s in set(starts)}
    focus = {f: dimension_label(f, lang) for f in set(focuses)}
    four = dt.timedelta(days=4)
    rows = []
    for week, start, sid, name, bid, bname, district, f, risk, no in zip(
        v["week"].tolist(),
        starts,
        _texts(v["supervisor_id"]),
        _texts(v["supervisor_name"]),
        ids,
        _texts(v["branch_name"]),
        _texts(v["district"]),
        focuses,
        v["risk_score"].tolist(),
        v["visit_no"].tolist(),
        strict=True,
    ):
        day = weeks[start]
        row = [int(week), day, day + four, sid, name, bid, bname, district, focus[f], float(risk), int(no)]
        rows.append([*row, why.get(bid, "")])
    return rows


def _own(row: list[Any]) -> list[Any]:
    """A visit's row on its supervisor's own sheet: without the supervisor's id and name."""
    return [*row[:3], *row[5:]]


def _branch_sheet(book: Book, branches: pd.DataFrame, lang: str, used: set[str], year: bool = False) -> None:
    """Every branch; with the office's year also its visits done and still owed this year and
    why its 责任人 changed, so a planner can filter who still owes visits."""
    from planner.year_report import changed_text

    b = branches.sort_values(["district", "risk_score", "branch_id"], ascending=[True, False, True])
    year_keys = ("visits_done_this_year", "visits_owed_this_year")
    cols = [
        Column(COLUMNS["branch_id"][lang]),
        Column(COLUMNS["name"][lang]),
        Column(COLUMNS["district"][lang]),
        Column(COLUMNS["risk_score"][lang], "0.0"),
        Column(COLUMNS["risk_tier"][lang]),
        Column(COLUMNS["visits"][lang], "0"),
        Column(COLUMNS["responsible_supervisor_id"][lang]),
        *([Column(COLUMNS[k][lang], "0") for k in year_keys] if year else []),
        *([Column(COLUMNS["responsible_changed"][lang], max_width=40)] if year else []),
        Column(COLUMNS["mandatory_reason"][lang]),
        Column(COLUMNS["why"][lang], wrap=True, max_width=70),
    ]
    tiers = {x: _tier(x, lang) for x in set(b["risk_tier"].tolist())}
    reasons = {x: reasons_text(x, lang) for x in set(_texts(b["mandatory_reason"]))}
    columns: list[list[Any]] = [
        _texts(b["branch_id"]),
        _texts(b["name"]),
        _texts(b["district"]),
        [float(x) for x in b["risk_score"].tolist()],
        [tiers[x] for x in b["risk_tier"].tolist()],
        [int(x) for x in b["visits"].tolist()],
        _texts(b["responsible_supervisor_id"]),
    ]
    if year:
        columns += [[int(x) for x in b[k].tolist()] for k in year_keys]
        columns.append([changed_text(x, lang) for x in _texts(b["responsible_changed"])])
    columns += [[reasons[x] for x in _texts(b["mandatory_reason"])], _texts(b[f"why_{lang}"])]
    rows = [list(r) for r in zip(*columns, strict=True)]
    add_sheet(book, _sheet_name(t("sheet_branches", lang), used), cols, rows)


def _plan_book(
    p: Plan, visits: pd.DataFrame, branches: pd.DataFrame, path: Path, lang: str, county: str | None
) -> Path:
    """Overview, every visit, every branch with why, and one sheet per supervisor."""
    cells = 2 * len(visits) * 12 + len(branches) * 14  # the visits twice (all, per supervisor)
    with _book(path, cells) as book:
        _plan_sheets(book, p, visits, branches, lang, county)
    return path


def _plan_sheets(
    book: Book, p: Plan, visits: pd.DataFrame, branches: pd.DataFrame, lang: str, county: str | None
) -> None:
    used: set[str] = set()
    title = f"{t('title', lang)}{SEP[lang]}{p.scenario.name}" + (f"{SEP[lang]}{county}" if county else "")
    if county is None:
        _overview(book, p, lang, used, title)
    else:
        _county_overview(book, branches, visits, lang, used, title)
    why = dict(zip(_texts(branches["branch_id"]), _texts(branches[f"why_{lang}"]), strict=True))
    rows = _visit_rows(visits, why, lang)
    add_sheet(book, _sheet_name(t("sheet_visits", lang), used), _visit_columns(lang, who=True), rows)
    _branch_sheet(book, branches, lang, used, year=p.summary.year is not None)
    horizon = _horizon(p, lang)
    # one sheet per supervisor, by id and name, each with its visits in the order of the visits sheet
    by_supervisor = sorted(rows, key=lambda row: (row[3], row[4]))  # stable
    for (sid, name), own in itertools.groupby(by_supervisor, key=lambda row: (row[3], row[4])):
        add_sheet(
            book,
            _sheet_name(f"{sid} {name}", used),
            _visit_columns(lang, who=False),
            [_own(row) for row in own],
            [f"{name}{PAREN[lang][0]}{sid}{PAREN[lang][1]}{SEP[lang]}{p.scenario.name}{SEP[lang]}{horizon}"],
        )
    if county is None and p.summary.year is not None:
        _year_sheet(book, p, branches, lang, used)


def _year_sheet(book: Book, p: Plan, branches: pd.DataFrame, lang: str, used: set[str]) -> None:
    """The year's progress (coverage, owed visits by district, contact points, follow-ups): three
    small tables one below the other."""
    from planner import year_report

    assert p.summary.year is not None
    figures = year_report.figures(p.summary.year, lang).reset_index()
    owed = year_report.owed_by_district(p.summary.year, lang)
    listed = year_report.due(branches, lang)
    width = max(len(figures.columns), len(owed.columns), len(listed.columns))

    def pad(values: list[Any]) -> list[Any]:
        return [*values, *([""] * (width - len(values)))]

    def cells(frame: pd.DataFrame) -> list[list[Any]]:
        return [
            pad([v if isinstance(v, int | float) else str(v) for v in r])
            for r in frame.itertuples(index=False)
        ]

    rows = [*cells(figures), pad([])]
    heads = {len(rows)}
    rows += [pad([str(c) for c in owed.columns]), *cells(owed)]
    if len(listed):
        rows.append(pad([]))
        heads.add(len(rows))
        rows += [pad([str(c) for c in listed.columns]), *cells(listed)]
    columns = [Column(str(h)) for h in pad([str(c) for c in figures.columns])]
    title = f"{t('year_title', lang)}{SEP[lang]}{p.scenario.name}{SEP[lang]}{_horizon(p, lang)}"
    add_sheet(book, _sheet_name(t("year_sheet", lang), used), columns, rows, [title], frozenset(heads))


# a province of this many counties or more writes its county workbooks in the worker processes
PARALLEL_BOOKS = 8
CountyBook = tuple[Plan, Path, str, str]  # the county's plan, its workbook, language, county


def _county_book(job: CountyBook) -> None:
    part, path, lang, county = job
    _plan_book(part, part.visits, part.branches, path, lang, county)


def write_workbook(p: Plan, folder: Path, lang: str = "zh") -> Path:
    """plan.xlsx; for a province also counties/<county>.xlsx, one per county."""
    branches = p.branches
    counties = sorted({str(c) for c in branches.get("county", pd.Series(dtype=str)) if str(c)})
    if len(counties) <= 1:
        return _plan_book(p, p.visits, branches, folder / "plan.xlsx", lang, None)
    out = folder / "counties"
    out.mkdir(exist_ok=True)
    county_of = dict(zip(branches["branch_id"], branches["county"].astype(str), strict=True))
    visits = p.visits.assign(_county=p.visits["branch_id"].map(county_of))
    used: set[str] = set()
    rows = []
    by_county = dict(tuple(visits.groupby("_county", sort=False)))
    empty = visits.iloc[:0]
    jobs: list[CountyBook] = []
    for county, b in branches.groupby(branches["county"].astype(str), sort=True):
        v = by_county.get(county, empty).drop(columns="_county")
        name = f"{_file_name(str(county), used)}.xlsx"
        # each job carries its county's tables only, not the province's
        part = replace(p, visits=v, branches=b, baseline_visits=p.baseline_visits.iloc[:0])
        jobs.append((part, out / name, lang, str(county)))
        rows.append([str(county), len(b), int((b["visits"] > 0).sum()), len(v), f"counties/{name}"])
    if len(jobs) >= PARALLEL_BOOKS:
        from planner.parallel import run_map

        run_map(_county_book, jobs)  # the workbooks in the worker processes planning used
    else:
        for job in jobs:
            _county_book(job)
    sheets: set[str] = set()
    with _book(folder / "plan.xlsx", len(rows) * 5) as book:
        _overview(book, p, lang, sheets, f"{t('title', lang)}{SEP[lang]}{p.scenario.name}")
        add_sheet(
            book,
            _sheet_name(t("sheet_counties", lang), sheets),
            [
                Column(COLUMNS["county"][lang]),
                Column(COLUMNS["branches"][lang], "#,##0"),
                Column(COLUMNS["visited"][lang], "#,##0"),
                Column(COLUMNS["visits"][lang], "#,##0"),
                Column(COLUMNS["file"][lang], max_width=60),
            ],
            rows,
        )
    return folder / "plan.xlsx"


def write_calendars(p: Plan, folder: Path, lang: str = "zh") -> Path:
    """calendars/<supervisor_id>.ics: one all-day event over the working week of each visit."""
    return calendars.write_calendars(p.visits, folder, p.scenario.name, p.scenario.horizon.start, lang)
