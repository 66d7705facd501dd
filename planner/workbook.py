"""The scenario workbook, the web app a planner uses alone: ipywidgets wired to `planner.plan`.

Every control is an attribute and every button calls a method, so the workbook is tested without
a browser: set `.value`, call `upload(...)`, `solve()`, `export()`, read `result`, `problems`,
`history` and the tables. Nothing is planned while a problem is listed. The workbook writes only
inside its session folder (uploads and exports), never overwriting, and deletes it at exit.
"""

from __future__ import annotations

import atexit
import base64
import datetime as dt
import html
import os
import re
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ipywidgets as w
import numpy as np
import pandas as pd
from IPython.display import display

from planner.atomic import atomic_output, pid_alive
from planner.datasets import sample_history_path, sample_paths
from planner.errors import InfeasibleError, InputError, Problem
from planner.folder import Plan, write_plan
from planner.inputs import (
    Inputs,
    check_table,
    load_inputs,
    read_table,
    scaled_capacity,
    sha256,
    validate_history,
    with_history,
)
from planner.labels import (
    KPIS,
    TEXT,
    column,
    dimension_label,
    format_kpi_difference,
    format_kpi_of,
    kpi_value,
    problem_message,
    t,
)
from planner.plan import plan
from planner.report import weekly_chart
from planner.resources import SESSION_ROOT_ENV
from planner.scenario import SETTINGS, Scenario, Setting, load_scenario, parse_scenario, scenario_to_dict
from planner.schema import (
    BRANCH_COLUMNS,
    DIMENSION_ZH,
    DIMENSIONS,
    HISTORY_COLUMNS,
    LIST_SEPARATORS,
    SUPERVISOR_COLUMNS,
)
from planner.templates import TEMPLATE_NAMES, template_xlsx

APP_ENV = {
    "branches": "DUDAO_BRANCHES",
    "supervisors": "DUDAO_SUPERVISORS",
    "scenario": "DUDAO_SCENARIO",
    "history": "DUDAO_HISTORY",
}
UPLOAD_SUFFIXES: dict[str, tuple[str, ...]] = {
    "branches": (".xlsx", ".xlsm", ".csv"),
    "supervisors": (".xlsx", ".xlsm", ".csv"),
    "scenario": (".toml",),
    "history": (".xlsx", ".xlsm", ".csv"),  # 督导台账, optional
}
MAX_UPLOAD_BYTES = 8 * 1024 * 1024  # under the websocket message limit (10 MiB)
# Every described setting besides name, horizon and weights (which have tabs of their own), in
# the TOML's order: the rules tab shows each with its label, help and bounds.
RULE_TAB: tuple[str, ...] = tuple(
    key for key, st in SETTINGS.items() if st.section not in ("", "horizon", "weights")
)
DOWNLOADS = (
    ("report", "report.html", "text/html"),
    ("xlsx", "plan.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ("calendars", "calendars.zip", "application/zip"),
    ("visits", "visits.csv", "text/csv"),
    ("scenario", "scenario.toml", "application/toml"),
    ("folder", "", "application/zip"),  # the whole plan folder; its name is in the page's language
)
# what the app adds to a plan folder for the browser only: not in the folder's zip
APP_ONLY_FILES = ("calendars.zip",)
ERROR_STYLE = "color:#a61b1b"
CSS = """<style>
.dudao-table { border-collapse: collapse; font-size: 13px; margin: 4px 0 10px; }
.dudao-table th { background: #f3e5e5; text-align: left; padding: 3px 8px; }
.dudao-table td { border-top: 1px solid #eee; padding: 3px 8px; vertical-align: top; }
.dudao-help { color: #666; font-size: 12px; line-height: 1.3; }
.dudao-links a { display: inline-block; margin: 4px 14px 4px 0; padding: 5px 10px; border: 1px solid #a61b1b;
                 border-radius: 4px; color: #a61b1b; text-decoration: none; }
.dudao-links a:hover { background: #f3e5e5; }
</style>"""


# --------------------------------------------------------------------------- session folder


class SessionFolder:
    """This browser session's own folder: uploads and exports; removed when the kernel exits."""

    def __init__(self) -> None:
        self._path: Path | None = None

    @property
    def path(self) -> Path:
        if self._path is None:
            root = Path(os.environ.get(SESSION_ROOT_ENV) or tempfile.gettempdir())
            root.mkdir(parents=True, exist_ok=True)
            for stale in root.glob("dudao-session-*"):  # left by a kernel that was killed
                match = re.match(r"dudao-session-(\d+)-", stale.name)
                if match and not pid_alive(int(match.group(1))):
                    shutil.rmtree(stale, ignore_errors=True)
            self._path = Path(tempfile.mkdtemp(prefix=f"dudao-session-{os.getpid()}-", dir=root))
            atexit.register(shutil.rmtree, self._path, True)
        return self._path

    def new_path(self, sub: str, stem: str, suffix: str = "") -> Path:
        """A path in `sub` that does not exist yet (numbered), its name built by the app."""
        folder = self.path / sub
        folder.mkdir(exist_ok=True)
        n = 1
        while (folder / f"{stem}-{n}{suffix}").exists():
            n += 1
        return folder / f"{stem}-{n}{suffix}"

    def write_new(self, sub: str, stem: str, suffix: str, content: bytes) -> Path:
        while True:
            target = self.new_path(sub, stem, suffix)
            try:
                with atomic_output(target) as tmp:  # never overwrites, even under a race
                    tmp.write_bytes(content)
                return target
            except InputError:
                if target.exists():
                    continue
                raise


@dataclass(frozen=True)
class Upload:
    name: str  # as the planner's computer called it: shown, never used as a path
    path: Path  # where the app stored it, in the session folder


@dataclass(frozen=True)
class Solved:
    label: str
    plan: Plan
    settings: dict[str, str]  # setting key -> value as shown, for the comparison


# --------------------------------------------------------------------------- pure helpers


def tx(key: str, lang: str, **fmt: object) -> str:
    """A text of the web app (`app_<key>` in the labels module)."""
    return t(f"app_{key}", lang, **fmt)


def setting_label(key: str, lang: str) -> str:
    return SETTINGS[key].label(lang) if key in SETTINGS else key


def bounds_text(st: Setting) -> str:
    """The allowed range in symbols, the same in both languages: "1–12", "> 0"."""
    g = "{:g}".format
    if st.choices:
        return " | ".join(st.choices)
    if st.low is not None and st.high is not None and not st.low_open:
        return f"{g(st.low)}–{g(st.high)}"
    parts = []
    if st.low is not None:
        parts.append(f"{'>' if st.low_open else '≥'} {g(st.low)}")
    if st.high is not None:
        parts.append(f"≤ {g(st.high)}")
    return ", ".join(parts)


def setting_help(key: str, lang: str) -> str:
    st = SETTINGS[key]
    rng = bounds_text(st)
    if not rng:
        return st.help(lang)
    return f"{st.help(lang)}（{rng}）" if lang == "zh" else f"{st.help(lang)} ({rng})"


_COLUMN_KEYS = {c.zh: c.key for c in (*HISTORY_COLUMNS, *BRANCH_COLUMNS, *SUPERVISOR_COLUMNS)}


def problem_column(problem: Problem, lang: str) -> str:
    """The column (a header of the file) or the setting, named in the page's language."""
    col = problem.column or ""
    if col in _COLUMN_KEYS:
        return col if lang == "zh" else _COLUMN_KEYS[col]
    return setting_label(col, lang) if col else ""


def parse_number_list(text: str) -> list[float] | None:
    parts = [p for p in re.split(r"[,，;；、\s]+", text.strip()) if p]
    try:
        return [float(p) for p in parts]
    except ValueError:
        return None


def parse_weeks(text: str, weeks: int) -> tuple[tuple[int, ...], str | None]:
    """Week numbers from text like '3, 7'; the first bad item, if any."""
    out: list[int] = []
    for item in (p for p in re.split(LIST_SEPARATORS, text.strip()) if p):
        if not item.isdigit() or not 1 <= int(item) <= weeks:
            return (), item
        out.append(int(item))
    return tuple(sorted(set(out))), None


def data_uri(path: Path, mime: str) -> str:
    return f"data:{mime};base64,{base64.b64encode(path.read_bytes()).decode('ascii')}"


def link(uri: str, filename: str, label: str) -> str:
    return (
        f'<a download="{html.escape(filename)}" href="{uri}" target="_blank" '
        f'data-file="{html.escape(filename)}">{html.escape(label)}</a>'
    )


def table_html(rows: list[list[str]], header: list[str], *, titles: list[list[str]] | None = None) -> str:
    """A small escaped HTML table."""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = []
    for i, row in enumerate(rows):
        cells = []
        for j, cell in enumerate(row):
            title = titles[i][j] if titles else ""
            attr = f' title="{html.escape(title)}"' if title else ""
            cells.append(f"<td{attr}>{html.escape(cell)}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<table class='dudao-table'><tr>{head}</tr>{''.join(body)}</table>"


def reason_label(reason: str, lang: str) -> str:
    words = [r.strip() for r in str(reason).split(",") if r.strip()]
    return ("、" if lang == "zh" else ", ").join(t(r, lang) if r in TEXT else r for r in words)


def why_column(branches: pd.DataFrame, lang: str) -> pd.Series:
    """Why each branch is visited or not, the way the report explains it."""
    for given in (f"why_{lang}", "why"):  # the plan's own explanation, when it has one
        if given in branches.columns:
            return branches[given].fillna("").astype(str)
    b = branches
    chosen = b[(b["visits"] > 0) & (b["mandatory_visits"] == 0)]
    cutoff = float(chosen["risk_score"].min()) if len(chosen) else float("inf")
    out = []
    for visits, risk_score, reason in zip(b["visits"], b["risk_score"], b["mandatory_reason"], strict=True):
        if visits > 0 and str(reason).strip():
            out.append(tx("why_mandatory", lang, reason=reason_label(reason, lang)))
        elif visits > 0:
            out.append(tx("why_risk", lang))
        else:
            out.append(tx("why_lower", lang) if risk_score < cutoff else tx("why_rule", lang))
    return pd.Series(out, index=b.index)


def factor_labels(text: str, lang: str) -> str:
    if lang != "zh":
        return str(text)
    names = {**DIMENSION_ZH, "staleness": "久未督导"}
    parts = []
    for item in str(text).split(", "):
        if item:
            word, *rest = item.split(" ")
            parts.append(" ".join([names.get(word, word), *rest]))
    return "、".join(parts)


# --------------------------------------------------------------------------- the workbook


def _grid() -> Any:
    """An empty sortable, filterable grid for the schedule or the branches."""
    from ipydatagrid import DataGrid  # loaded with the app only

    return DataGrid(
        pd.DataFrame({"-": []}),
        base_row_size=24,
        base_column_size=110,
        header_visibility="column",
        selection_mode="cell",
        layout=w.Layout(height="460px", width="100%"),
    )


class Workbook:
    """Controls for one data set; `solve()` re-plans and refreshes every view."""

    def __init__(
        self,
        inputs: Inputs,
        scenario: Scenario,
        lang: str = "zh",
        source: str = "sample",
        files: tuple[Path, Path, Path | None] | None = None,
    ) -> None:
        self.inputs, self.base, self.lang, self.source = inputs, scenario, lang, source
        # the files the app started with (branches, supervisors, history or None), read again
        # when a scenario or a history is uploaded without branch and supervisor files
        self.start_files = files
        self.result: Plan | None = None
        self.history: list[Solved] = []
        self.problems: list[Problem] = []  # what stops solving: bad uploads or bad settings
        self.data_problems: list[Problem] = []
        self.message = ""
        self.session = SessionFolder()
        self.uploads: dict[str, Upload | None] = dict.fromkeys(UPLOAD_SUFFIXES)
        self.downloads: dict[str, Path] = {}
        self.timings: dict[str, float] = {}

        self.language = w.ToggleButtons(options=[("中文", "zh"), ("English", "en")], value=lang)
        self.language.style.button_width = "80px"
        self.title = w.HTML()
        # data
        self.upload_widgets = {
            kind: w.FileUpload(accept=",".join(UPLOAD_SUFFIXES[kind]), multiple=False)
            for kind in UPLOAD_SUFFIXES
        }
        self.sample_button = w.Button(layout=w.Layout(width="auto"))
        self.remove_history_button = w.Button(icon="times", layout=w.Layout(width="auto"))
        self.history_status = w.HTML()
        self.templates = w.HTML()
        self.data_status = w.HTML()
        # scenario and horizon
        wide = w.Layout(width="420px")
        self._style = {"description_width": "190px"}
        self.name = w.Text(style=self._style, layout=w.Layout(width="560px"))
        self.start = w.DatePicker(style=self._style, layout=wide)
        self.weeks = w.IntText(style=self._style, layout=wide)
        self.reset_button = w.Button(layout=w.Layout(width="280px"))
        # rules, risk, weights
        self.setting: dict[str, w.ValueWidget] = {}
        for key in RULE_TAB:  # plain inputs: a value out of bounds is explained, never clamped
            control = SETTINGS[key].kind
            widget: w.ValueWidget
            if control == "bool":
                widget = w.Checkbox(indent=False)
            elif control == "int":
                widget = w.IntText(style=self._style, layout=wide)
            elif control == "float":
                widget = w.FloatText(style=self._style, layout=wide)
            elif control == "choice":
                widget = w.Dropdown(options=list(SETTINGS[key].choices), style=self._style, layout=wide)
            elif control == "date":
                widget = w.DatePicker(style=self._style, layout=wide)
            else:
                widget = w.Text(style=self._style, layout=wide)
            self.setting[key] = widget
        self.weights = {d: w.FloatText(style=self._style, layout=wide) for d in DIMENSIONS}
        # team
        self.capacity_factor = w.FloatText(value=1.0, style=self._style, layout=wide)
        self.capacity: dict[str, w.IntText] = {}
        self.leave: dict[str, w.Text] = {}
        self.team_box = w.VBox()
        # actions and messages
        self.solve_button = w.Button(button_style="danger", icon="play")
        self.export_button = w.Button(icon="download")
        self.progress = w.IntProgress(value=0, min=0, max=5, layout=w.Layout(width="160px", display="none"))
        self.status = w.HTML()
        self.problem_box = w.HTML()
        # results
        self.kpi_out = w.HTML()
        self.district_out = w.HTML()
        self.year_out = w.HTML()
        self.chart_out = w.Output()
        self.supervisor_filter = w.Dropdown()
        self.district_filter = w.Dropdown()
        self.schedule_grid = _grid()
        self.schedule_count = w.HTML()
        self.branch_grid = _grid()
        self.branch_count = w.HTML()
        self.compare_a = w.Dropdown(layout=w.Layout(width="160px"))
        self.compare_b = w.Dropdown(layout=w.Layout(width="160px"))
        self.compare_out = w.HTML()
        self.download_out = w.HTML()
        self.root = Page()

        self.language.observe(lambda c: self.set_language(c["new"]), names="value")
        for kind, widget in self.upload_widgets.items():
            widget.observe(lambda c, kind=kind: self._on_upload(kind, c["new"]), names="value")
        self.sample_button.on_click(lambda _: self.use_sample())
        self.remove_history_button.on_click(lambda _: self.remove_history())
        self.reset_button.on_click(lambda _: self.reset())
        self.solve_button.on_click(lambda _: self.solve())
        self.export_button.on_click(lambda _: self.export())
        self.supervisor_filter.observe(lambda _: self.show_schedule(), names="value")
        self.district_filter.observe(lambda _: self.show_schedule(), names="value")
        self.schedule_grid.observe(lambda _: self._count_rows(), names="_transforms")
        self.branch_grid.observe(lambda _: self._count_rows(), names="_transforms")
        for box in (self.compare_a, self.compare_b):
            box.observe(lambda _: self.show_comparison(), names="value")

        self._build_team()
        self._show_scenario(scenario)
        self._layout()

    # ---------------------------------------------------------------- loading data

    @classmethod
    def from_files(
        cls,
        branches: str | Path = "",
        supervisors: str | Path = "",
        scenario: str | Path = "",
        lang: str = "zh",
        history: str | Path = "",
    ) -> Workbook:
        """The workbook on files given by whoever started the app (empty: the sample county, with
        its 督导台账 unless another history is given), as `planner plan` reads them."""
        branches = branches or os.environ.get(APP_ENV["branches"], "")
        supervisors = supervisors or os.environ.get(APP_ENV["supervisors"], "")
        scenario = scenario or os.environ.get(APP_ENV["scenario"], "")
        history = history or os.environ.get(APP_ENV["history"], "")
        sample_b, sample_s, sample_sc = sample_paths()
        sc = load_scenario(Path(scenario) if scenario else (sample_sc if not branches else None))
        files = (
            Path(branches or sample_b),
            Path(supervisors or sample_s),
            Path(history) if history else (None if branches else sample_history_path()),
        )
        inputs = load_inputs(
            *files[:2], horizon_weeks=sc.horizon.weeks, history=files[2], horizon_start=sc.horizon.start
        )
        return cls(inputs, sc, lang, "files" if branches else "sample", files)

    def upload(self, kind: str, name: str, content: bytes) -> bool:
        """Take one uploaded file (`branches`, `supervisors`, `scenario` or `history`); True when
        the data now in use changed without problems. New branches remove the history uploaded."""
        started = time.perf_counter()
        suffix = Path(name).suffix.lower()
        problems: list[Problem] = []
        if suffix not in UPLOAD_SUFFIXES[kind]:
            want = " / ".join(UPLOAD_SUFFIXES[kind])
            problems.append(Problem(name, f"is not a {want} file."))
        elif len(content) > MAX_UPLOAD_BYTES:
            problems.append(Problem(name, f"is larger than {MAX_UPLOAD_BYTES // 2**20} MB."))
        if problems:
            self._set_data_problems(problems)
            return False
        self._busy(tx("checking", self.lang, name=name))
        path = self.session.write_new("uploads", kind, suffix, content)
        self.uploads[kind] = Upload(name, path)
        if kind == "branches":  # a history belongs to its branch list
            self.uploads["history"] = None
        try:
            changed = self._load_uploads()
        finally:
            self._busy(None)
        self.timings["upload_validate"] = time.perf_counter() - started
        return changed

    def _on_upload(self, kind: str, value: Any) -> None:
        if not value:
            return
        item = value[0]
        name, content = str(item["name"]), bytes(item["content"])
        self.upload_widgets[kind].value = ()  # the bytes live in the session folder, not twice
        self.upload(kind, name, content)

    def _renamed(self, problems: list[Problem]) -> list[Problem]:
        names = {u.path.name: u.name for u in self.uploads.values() if u is not None}
        return [replace(p, file=names.get(p.file, p.file)) for p in problems]

    def _load_uploads(self) -> bool:
        b, s, sc, h = (self.uploads[k] for k in ("branches", "supervisors", "scenario", "history"))
        problems: list[Problem] = []
        scenario = self.base
        if sc is not None:
            try:
                scenario = load_scenario(sc.path)
            except InputError as exc:
                problems += exc.problems
        start = scenario.horizon.start
        if b is not None and s is not None:
            try:  # read as `planner plan --history` reads them
                inputs = load_inputs(
                    b.path,
                    s.path,
                    horizon_weeks=scenario.horizon.weeks,
                    history=h.path if h else None,
                    horizon_start=start,
                )
            except InputError as exc:
                problems += exc.problems
            else:
                if not problems:
                    sources = {u.name: sha256(u.path) for u in (b, s, h) if u is not None}
                    self._adopt(replace(inputs, sources=sources), scenario, "uploads")
                    return True
        elif b is not None or s is not None:
            one = b or s
            assert one is not None
            try:
                problems += check_table(
                    read_table(one.path), "branches" if b else "supervisors", one.path.name
                )
            except InputError as exc:
                problems += exc.problems
            if h is not None:
                problems += self._history_problems(h, start)
            if not problems:
                other = tx("other_supervisors" if b else "other_branches", self.lang)
                self._set_data_problems([])
                self.data_status.value = html.escape(
                    tx("uploaded_one", self.lang, name=one.name, other=other)
                )
                return False
        elif not problems:  # the data the app started with, with this scenario and history
            try:
                inputs = self._start_inputs(scenario, h)
            except InputError as exc:
                problems += exc.problems
            else:
                self._adopt(inputs, scenario, self.source)
                return True
        self._set_data_problems(problems)
        return False

    def _history_problems(self, h: Upload, start: dt.date) -> list[Problem]:
        """A history's problems on its own (file, row, column), before its branch list is there."""
        try:
            validate_history(read_table(h.path), start, h.path.name)
        except InputError as exc:
            return exc.problems
        return []

    def _start_inputs(self, scenario: Scenario, h: Upload | None) -> Inputs:
        """The files the app started with, read again for `scenario`, with the uploaded history
        `h` in place of the one they came with (if any)."""
        if self.start_files is None:  # built from inputs in memory: only a history can be added
            if h is None:
                return self.inputs
            table = validate_history(read_table(h.path), scenario.horizon.start, h.path.name)
            inputs = with_history(self.inputs, table, h.name)
            return replace(inputs, sources={**inputs.sources, h.name: sha256(h.path)})
        branches, supervisors, history = self.start_files
        inputs = load_inputs(
            branches,
            supervisors,
            horizon_weeks=scenario.horizon.weeks,
            history=h.path if h else history,
            horizon_start=scenario.horizon.start,
        )
        if h is None:
            return inputs
        sources = {(h.name if k == h.path.name else k): v for k, v in inputs.sources.items()}
        return replace(inputs, sources=sources)

    def remove_history(self) -> None:
        """No history of visits: neither the one uploaded nor the one the app started with."""
        self.uploads["history"] = None
        if self.start_files is not None:
            self.start_files = (*self.start_files[:2], None)
        elif self.inputs.history is not None:
            self.inputs = replace(self.inputs, history=None)
        if self._load_uploads():
            self.message = tx("history_removed", self.lang)
            self.status.value = html.escape(self.message)
        self._show_data_status()

    def history_name(self) -> str:
        """The name of the history of visits in use ("" when there is none)."""
        if self.inputs.history is None:
            return ""
        h = self.uploads["history"]
        if h is not None:
            return h.name
        history = self.start_files[2] if self.start_files else None
        return history.name if history is not None else "history"

    def _adopt(self, inputs: Inputs, scenario: Scenario, source: str) -> None:
        self.inputs, self.base, self.source = inputs, scenario, source
        self.result, self.history, self.downloads = None, [], {}
        self._build_team()
        self.capacity_factor.value = 1.0
        self._show_scenario(scenario)
        self._set_data_problems([])
        self.message = tx(
            "loaded", self.lang, branches=len(inputs.branches), supervisors=len(inputs.supervisors)
        )
        self.status.value = html.escape(self.message)
        self.refresh()
        self._layout()

    def use_sample(self) -> None:
        """The sample county with its scenario and its 督导台账, as `planner plan` uses them."""
        b, s, sc = sample_paths()
        scenario = load_scenario(sc)
        self.uploads = dict.fromkeys(UPLOAD_SUFFIXES)
        self.start_files = (b, s, sample_history_path())
        self._adopt(self._start_inputs(scenario, None), scenario, "sample")

    def _set_data_problems(self, problems: list[Problem]) -> None:
        self.data_problems = self._renamed(problems)
        self.problems = list(self.data_problems)
        self._show_problems()
        self._show_data_status()

    # ---------------------------------------------------------------- settings

    def _show_scenario(self, sc: Scenario) -> None:
        self.name.value = sc.name
        self.start.value = sc.horizon.start
        self.weeks.value = sc.horizon.weeks
        for d in DIMENSIONS:
            self.weights[d].value = float(sc.weights[d])
        for key, widget in self.setting.items():
            value = sc.value(key)
            widget.value = ", ".join(f"{v:g}" for v in value) if SETTINGS[key].kind == "floats" else value

    def _build_team(self) -> None:
        sups = self.inputs.supervisors
        self.capacity, self.leave = {}, {}
        for sid, cap, away in zip(
            sups["supervisor_id"], sups["weekly_capacity"], sups["unavailable_weeks"], strict=True
        ):
            self.capacity[sid] = w.IntText(value=int(cap), layout=w.Layout(width="90px"))
            self.leave[sid] = w.Text(value=", ".join(str(x) for x in away), layout=w.Layout(width="180px"))

    def reset(self) -> None:
        """Every control back to the loaded scenario and team."""
        self._show_scenario(self.base)
        self.capacity_factor.value = 1.0
        sups = self.inputs.supervisors
        for sid, cap, away in zip(
            sups["supervisor_id"], sups["weekly_capacity"], sups["unavailable_weeks"], strict=True
        ):
            self.capacity[sid].value = int(cap)
            self.leave[sid].value = ", ".join(str(x) for x in away)
        self.problems = list(self.data_problems)
        self._show_problems()
        self.message = tx("reset_done", self.lang)
        self.status.value = html.escape(self.message)

    def scenario_data(self) -> tuple[dict[str, Any], list[Problem]]:
        """The controls as a scenario table (what a TOML file would hold) and what is wrong."""
        problems: list[Problem] = []
        here = tx("settings", self.lang)
        sections: dict[str, dict[str, Any]] = {}
        for key, widget in self.setting.items():
            section, name = key.split(".")
            value = widget.value
            if SETTINGS[key].kind == "floats":
                numbers = parse_number_list(str(value))
                if not numbers:
                    problems.append(Problem(here, "must be a list of numbers like 1, 0.5, 0.25.", column=key))
                    numbers = list(self.base.value(key))
                value = numbers
            elif SETTINGS[key].kind == "date":
                value = value or ""
            sections.setdefault(section, {})[name] = value
        # what the page does not show (solver settings, tables other modules add) stays as loaded
        data = scenario_to_dict(self.base)
        data["name"] = self.name.value
        data["horizon"] = {**data["horizon"], "start": self.start.value or "", "weeks": self.weeks.value}
        data["weights"] = {d: self.weights[d].value for d in DIMENSIONS}
        # the year's rules are on when the scenario had them, or a control of theirs was changed
        year = {n: (v if v != "" else None) for n, v in sections.pop("year", {}).items()}
        if "year" in data or any(v != self.base.value(f"year.{n}") for n, v in year.items()):
            data["year"] = {**data.get("year", {}), **{n: v for n, v in year.items() if v is not None}}
        for section, values in sections.items():
            data[section] = {**data.get(section, {}), **values}
        return data, problems

    def scenario(self) -> Scenario:
        """The scenario the controls describe; InputError lists every invalid value."""
        data, problems = self.scenario_data()
        try:
            scenario = parse_scenario(data, file=tx("settings", self.lang))
        except InputError as exc:
            problems += exc.problems
        if problems:
            raise InputError(problems)
        return scenario

    def planning_inputs(self, weeks: int) -> Inputs:
        """The loaded data with the team tab's capacities and leave; InputError when invalid."""
        here = tx("settings", self.lang)
        problems: list[Problem] = []
        sups = self.inputs.supervisors
        base = dict(zip(sups["supervisor_id"], sups["weekly_capacity"], strict=True))
        factor = self.capacity_factor.value
        if not (np.isfinite(factor) and factor >= 0):
            problems.append(Problem(here, f"must be at least 0, got {factor}.", column="capacity_factor"))
            factor = 1.0
        changed: dict[str, int] = {}
        away: dict[str, tuple[int, ...]] = {}
        for sid, box in self.capacity.items():
            if box.value < 0:
                problems.append(Problem(here, tx("capacity_bad", "en"), column=f"capacity.{sid}"))
            elif box.value != base[sid]:
                changed[sid] = int(box.value)
            weeks_away, bad = parse_weeks(self.leave[sid].value, weeks)
            if bad is not None:
                problems.append(
                    Problem(here, tx("leave_bad", "en", value=bad, weeks=weeks), column=f"leave.{sid}")
                )
            away[sid] = weeks_away
        if problems:
            raise InputError(problems)
        scaled = scaled_capacity(self.inputs, float(factor), changed)
        team = scaled.supervisors.copy()
        team["unavailable_weeks"] = [away[sid] for sid in team["supervisor_id"]]
        return replace(scaled, supervisors=team)  # the history (督导台账) goes with them

    def settings_shown(self, scenario: Scenario, inputs: Inputs) -> dict[str, str]:
        """Every setting of a solve as the page shows it, for naming what changed."""
        out: dict[str, str] = {}
        for key, st in SETTINGS.items():
            value = scenario.value(key)
            if st.kind == "bool":
                out[key] = "yes" if value else "no"
            elif st.kind == "floats":
                out[key] = ", ".join(f"{v:g}" for v in value)
            else:
                out[key] = f"{value:g}" if isinstance(value, float) else str(value)
        sups = inputs.supervisors
        for sid, cap, away in zip(
            sups["supervisor_id"], sups["weekly_capacity"], sups["unavailable_weeks"], strict=True
        ):
            out[f"capacity.{sid}"] = str(int(cap))
            out[f"leave.{sid}"] = ", ".join(str(x) for x in away)
        return out

    # ---------------------------------------------------------------- solving and exporting

    def _busy(self, text: str | None, step: int | None = None) -> None:
        for button in (
            self.solve_button,
            self.export_button,
            self.sample_button,
            self.reset_button,
            self.remove_history_button,
        ):
            button.disabled = text is not None
        self.progress.layout.display = "none" if text is None else ""
        if step is not None:
            self.progress.value = step
        busy = "<span class='dudao-busy'>"
        if text is not None:
            if not self.status.value.startswith(busy):
                self._before_busy = self.status.value
            self.status.value = f"{busy}⏳ {html.escape(text)}</span>"
        elif self.status.value.startswith(busy):  # nothing new to say: back to what was shown
            self.status.value = getattr(self, "_before_busy", "")

    def _fail(self, text: str) -> None:
        self.message = text
        self.status.value = f"<b style='{ERROR_STYLE}'>{html.escape(text)}</b>"

    def solve(self) -> Plan | None:
        """Re-plan with the controls' values; keep the plan in the session's history."""
        if self.data_problems:
            self._show_problems()
            self._fail(tx("fix_first", self.lang))
            return None
        started = time.perf_counter()
        problems: list[Problem] = []
        scenario: Scenario | None = None
        try:
            scenario = self.scenario()
        except InputError as exc:
            problems += exc.problems
        try:
            inputs = self.planning_inputs(scenario.horizon.weeks if scenario else max(1, self.weeks.value))
        except InputError as exc:
            problems += exc.problems
        if problems or scenario is None:
            self.problems = problems
            self._show_problems()
            self._fail(tx("fix_first", self.lang))
            return None
        self.problems = []
        self._show_problems()
        self._busy(tx("solving", self.lang), 1)
        self.progress.max = 2
        try:
            result = plan(inputs, scenario)
        except InfeasibleError as exc:
            self._busy(None)
            self._fail(self._infeasible_text(exc))
            return None
        except InputError as exc:
            self._busy(None)
            self.problems = exc.problems
            self._show_problems()
            self._fail(tx("fix_first", self.lang))
            return None
        except Exception as exc:  # the page must say something, never freeze silently
            self._busy(None)
            self._fail(tx("unexpected", self.lang, error=f"{exc.__class__.__name__}: {exc}"))
            return None
        self._busy(None)
        self.result = result
        label = f"#{len(self.history) + 1}"
        self.history.append(Solved(label, result, self.settings_shown(scenario, inputs)))
        self.downloads = {}
        seconds = time.perf_counter() - started
        self.timings["solve"] = seconds
        self._solved_message(seconds)
        self.refresh()
        return result

    def _solved_message(self, seconds: float) -> None:
        if not self.history:
            self.message = tx("not_solved", self.lang)
        else:
            last = self.history[-1]
            s = last.plan.summary
            self.message = tx(
                "solved",
                self.lang,
                label=last.label,
                status=t(str(getattr(kpi_value(s, "status"), "value", kpi_value(s, "status"))), self.lang),
                objective=kpi_value(s, "objective"),
                gain=kpi_value(s, "improvement_over_baseline"),
                seconds=seconds,
            )
        self.status.value = html.escape(self.message)

    def _infeasible_text(self, exc: InfeasibleError) -> str:
        parts = [tx("infeasible", self.lang)]
        for c in exc.conflicts:
            if self.lang == "en":
                parts.append(
                    tx("infeasible_rule", "en", rule=c.rule, message=c.message, suggestion=c.suggestion)
                )
            else:
                rule = setting_label(c.rule, "zh") if "." in c.rule else tx("mandatory_rule", "zh")
                if c.rule == "rules":
                    rule = tx("capacity_rule", "zh")
                parts.append(tx("infeasible_rule", "zh", rule=rule))
        return " ".join(parts)

    def export(self) -> Path | None:
        """Write the current plan (report.html, plan.xlsx, calendars, visits.csv, scenario.toml)
        to a new folder of the session and offer each file as a download, and the whole folder as
        `planner plan` writes it (what `planner record` reads) as a zip; return the folder."""
        from planner.exports import handouts

        if self.result is None:
            self._fail(tx("export_first", self.lang))
            return None
        started = time.perf_counter()
        lang, result = self.lang, self.result
        stem = re.sub(r"[^\w\-]+", "_", result.scenario.name).strip("_")[:40] or "plan"
        folder = self.session.new_path("plans", stem)
        named = dict(handouts(lang))  # (file, writer) pairs
        steps: list[tuple[str, Callable[[Plan, Path], object]]] = [
            ("plan.xlsx", named["plan.xlsx"]),
            ("calendars", named["calendars"]),
            ("calendars.zip", lambda p, d: _zip_folder(d / "calendars", d / "calendars.zip")),
            ("report.html", named["report.html"]),
        ]

        def announced(
            i: int, what: str, fn: Callable[[Plan, Path], object]
        ) -> Callable[[Plan, Path], object]:
            def run(p: Plan, d: Path) -> object:
                self._busy(tx("exporting", lang, what=what), i + 1)
                return fn(p, d)

            return run

        self.progress.max = len(steps) + 1
        try:
            written = write_plan(
                result, folder, [announced(i, what, fn) for i, (what, fn) in enumerate(steps)]
            )
        except Exception as exc:
            self._busy(None)
            self._fail(tx("unexpected", lang, error=f"{exc.__class__.__name__}: {exc}"))
            return None
        try:
            folder_zip = _zip_plan(written, self.session.new_path("plans", stem, ".zip"))
        except Exception as exc:
            self._busy(None)
            self._fail(tx("unexpected", lang, error=f"{exc.__class__.__name__}: {exc}"))
            return None
        self._busy(None)
        self.downloads = {
            key: written / filename
            for key, filename, _ in DOWNLOADS
            if filename and (written / filename).is_file()
        }
        self.downloads["folder"] = folder_zip
        seconds = time.perf_counter() - started
        self.timings["export"] = seconds
        self.message = tx("exported", lang, seconds=seconds)
        self.status.value = html.escape(self.message)
        self.show_downloads()
        return written

    # ---------------------------------------------------------------- views

    def kpi_table(self) -> pd.DataFrame:
        """The plan's KPIs beside the hand-ranking baseline's, with the report's labels."""
        if self.result is None:
            return pd.DataFrame()
        lang, summary = self.lang, self.result.summary
        k, b = kpi_value(summary, "kpis"), kpi_value(summary, "baseline")
        frame = pd.DataFrame(
            {
                t("plan", lang): [format_kpi_of(k, x.key, lang) for x in KPIS],
                t("baseline", lang): [format_kpi_of(b, x.key, lang) for x in KPIS],
                t("difference", lang): [
                    format_kpi_difference(x.key, kpi_value(k, x.key), kpi_value(b, x.key), lang) for x in KPIS
                ],
            },
            index=[x.label(lang) for x in KPIS],
        )
        frame.index.name = column("kpi", lang)
        return frame

    def schedule(self) -> pd.DataFrame:
        """The whole schedule (as filtered), with the page's column names."""
        if self.result is None:
            return pd.DataFrame()
        v = self.result.visits
        everyone = tx("all", self.lang)
        if self.supervisor_filter.value not in (None, everyone):
            v = v[v["supervisor_name"] == self.supervisor_filter.value]
        if self.district_filter.value not in (None, everyone):
            v = v[v["district"] == self.district_filter.value]
        why = why_column(self.result.branches, self.lang)
        why.index = self.result.branches["branch_id"]
        frame = pd.DataFrame(
            {
                column("week", self.lang): v["week"].astype(int),
                column("week_start", self.lang): v["week_start"].astype(str),
                column("supervisor_name", self.lang): v["supervisor_name"].astype(str),
                column("district", self.lang): v["district"].astype(str),
                column("branch_name", self.lang): v["branch_name"].astype(str),
                column("focus", self.lang): v["focus"].map(lambda f: dimension_label(f, self.lang)),
                tx("why", self.lang): v["branch_id"].map(why).fillna(""),
                column("risk_score", self.lang): v["risk_score"].astype(float).round(1),
            }
        )
        return frame.reset_index(drop=True)

    def branch_table(self) -> pd.DataFrame:
        """Every branch with its risk, tier, top factors, visits and why (not) visited."""
        if self.result is None:
            return pd.DataFrame()
        b = self.result.branches.sort_values(["risk_score", "branch_id"], ascending=[False, True])
        frame = pd.DataFrame(
            {
                column("branch_id", self.lang): b["branch_id"].astype(str),
                column("name", self.lang): b["name"].astype(str),
                column("district", self.lang): b["district"].astype(str),
                column("risk_score", self.lang): b["risk_score"].astype(float).round(1),
                column("risk_tier", self.lang): b["risk_tier"].map(
                    lambda x: x if self.lang == "zh" else _TIER_EN.get(x, x)
                ),
                column("top_factors", self.lang): b["top_factors"].map(lambda x: factor_labels(x, self.lang)),
                column("visits", self.lang): b["visits"].astype(int),
                column("responsible_supervisor_id", self.lang): b["responsible_supervisor_id"].astype(str),
                tx("why", self.lang): why_column(b, self.lang),
            }
        )
        return frame.reset_index(drop=True)

    def year_table(self) -> pd.DataFrame:
        """The year's progress: coverage, owed visits, contact points, follow-ups, 责任人 kept."""
        if self.result is None or self.result.summary.year is None:
            return pd.DataFrame()
        from planner import year_report

        return year_report.figures(self.result.summary.year, self.lang)

    def district_table(self) -> str:
        from planner import report

        return "" if self.result is None else report.district_table(self.result, self.lang)

    def changed_settings(self, a: Solved, b: Solved) -> list[tuple[str, str, str]]:
        """(setting, value in a, value in b) for every setting that differs, as the page names them."""
        names = dict(
            zip(self.inputs.supervisors["supervisor_id"], self.inputs.supervisors["name"], strict=True)
        )
        rows = []
        for key in dict.fromkeys([*a.settings, *b.settings]):
            x, y = a.settings.get(key, ""), b.settings.get(key, "")
            if x == y:
                continue
            section, _, sid = key.partition(".")
            if section in ("capacity", "leave"):
                label = tx(
                    "capacity_of" if section == "capacity" else "leave_of",
                    self.lang,
                    name=names.get(sid, sid),
                )
            else:
                label = setting_label(key, self.lang)
            rows.append((label, self._shown(x), self._shown(y)))
        return rows

    def _shown(self, value: str) -> str:
        if value in ("yes", "no"):
            return t(value, self.lang)
        return value if value else tx("none", self.lang)

    def comparison(self, a: str | None = None, b: str | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
        """(settings that changed, KPI differences) between two solved scenarios (default: the
        last two), in the page's language."""
        by_label = {s.label: s for s in self.history}
        if len(self.history) < 2:
            return pd.DataFrame(), pd.DataFrame()
        first = by_label.get(a or "", self.history[-2])
        second = by_label.get(b or "", self.history[-1])
        changed = pd.DataFrame(
            self.changed_settings(first, second),
            columns=[tx("setting", self.lang), first.label, second.label],
        )
        lang = self.lang
        ka, kb = kpi_value(first.plan.summary, "kpis"), kpi_value(second.plan.summary, "kpis")
        figures = pd.DataFrame(
            {
                column("kpi", lang): [x.label(lang) for x in KPIS],
                first.label: [format_kpi_of(ka, x.key, lang) for x in KPIS],
                second.label: [format_kpi_of(kb, x.key, lang) for x in KPIS],
                t("difference", lang): [
                    format_kpi_difference(x.key, kpi_value(kb, x.key), kpi_value(ka, x.key), lang)
                    for x in KPIS
                ],
            }
        )
        return changed, figures

    def show_comparison(self) -> None:
        if len(self.history) < 2:
            self.compare_out.value = f"<p>{html.escape(tx('compare_need_two', self.lang))}</p>"
            return
        changed, figures = self.comparison(self.compare_a.value, self.compare_b.value)
        parts = [f"<h4>{html.escape(tx('changed', self.lang))}</h4>"]
        if changed.empty:
            parts.append(f"<p>{html.escape(tx('no_change', self.lang))}</p>")
        else:
            parts.append(table_html(changed.astype(str).values.tolist(), list(changed.columns)))
        parts.append(f"<h4>{html.escape(tx('kpi_diff', self.lang))}</h4>")
        parts.append(table_html(figures.astype(str).values.tolist(), list(figures.columns)))
        self.compare_out.value = "".join(parts)

    def show_schedule(self) -> None:
        frame = self.schedule()
        self.schedule_grid.data = frame if not frame.empty else pd.DataFrame({"-": []})
        self.schedule_grid.column_widths = self._widths(frame)
        self._count_rows()

    def _widths(self, frame: pd.DataFrame) -> dict[str, int]:
        wide = {
            column("branch_name", self.lang): 230,
            column("name", self.lang): 230,
            column("top_factors", self.lang): 270,
            tx("why", self.lang): 330,
            column("week", self.lang): 60,
        }
        return {c: wide[c] for c in frame.columns if c in wide}

    def _count_rows(self) -> None:
        if self.result is None:
            self.schedule_count.value = self.branch_count.value = ""
            return
        shown = len(self.schedule_grid.get_visible_data()) if len(self.schedule_grid.data) else 0
        self.schedule_count.value = (
            f"<span class='dudao-count' data-total='{len(self.result.visits)}' data-shown='{shown}'>"
            f"{html.escape(tx('rows_shown', self.lang, shown=shown, total=len(self.result.visits)))}</span>"
        )
        shown_b = len(self.branch_grid.get_visible_data()) if len(self.branch_grid.data) else 0
        self.branch_count.value = html.escape(
            tx("branches_shown", self.lang, shown=shown_b, total=len(self.result.branches))
        )

    def show_downloads(self) -> None:
        if not self.downloads:
            self.download_out.value = (
                f"<p class='dudao-help'>{html.escape(tx('downloads_help', self.lang))}</p>"
            )
            return
        links = [
            link(
                data_uri(self.downloads[key], mime),
                filename or tx(f"{key}_zip", self.lang),
                tx(f"download_{key}", self.lang),
            )
            for key, filename, mime in DOWNLOADS
            if key in self.downloads
        ]
        self.download_out.value = f"<div class='dudao-links'>{''.join(links)}</div>"

    def _column_label(self, p: Problem) -> str:
        section, _, sid = (p.column or "").partition(".")
        if section in ("capacity", "leave") and sid:
            names = dict(
                zip(self.inputs.supervisors["supervisor_id"], self.inputs.supervisors["name"], strict=True)
            )
            key = "capacity_of" if section == "capacity" else "leave_of"
            return tx(key, self.lang, name=f"{sid} {names.get(sid, '')}".strip())
        if p.column == "capacity_factor":
            return tx("factor_kpi", self.lang)
        return problem_column(p, self.lang)

    def _show_problems(self) -> None:
        if not self.problems:
            self.problem_box.value = ""
            return
        lang = self.lang
        rows, titles = [], []
        for p in self.problems:
            rows.append(
                [
                    p.file,
                    "" if p.row is None else str(p.row),
                    self._column_label(p),
                    problem_message(p.message, lang),
                ]
            )
            titles.append(["", "", "", p.message if lang == "zh" else ""])
        header = [tx(k, lang) for k in ("p_file", "p_row", "p_column", "p_message")]
        self.problem_box.value = (
            f"<div class='dudao-problems'><b style='{ERROR_STYLE}'>"
            f"{html.escape(tx('problems_title', lang, n=len(self.problems)))}</b>"
            + table_html(rows, header, titles=titles)
            + "</div>"
        )

    def _show_data_status(self) -> None:
        if self.source == "uploads":
            b, s = self.uploads["branches"], self.uploads["supervisors"]
            source = tx("source_files", self.lang, b=b.name if b else "", s=s.name if s else "")
        else:
            source = tx("source_sample" if self.source == "sample" else "source_start", self.lang)
        self.data_status.value = html.escape(
            tx(
                "data_now",
                self.lang,
                source=source,
                branches=len(self.inputs.branches),
                supervisors=len(self.inputs.supervisors),
            )
        )
        name = self.history_name()
        if name and self.inputs.history is not None:
            text = tx("history_now", self.lang, name=name, rows=len(self.inputs.history))
        else:
            text = tx("history_none", self.lang)
        self.history_status.value = f"<span class='dudao-history'>{html.escape(text)}</span>"
        self.remove_history_button.layout.display = "" if name else "none"

    def year_note(self) -> str:
        """What the year tab says when the year's rules are on without a history of visits."""
        if self.result is None or not self.result.scenario.year.enabled or self.inputs.history is not None:
            return ""
        return tx("year_no_history", self.lang)

    def refresh(self) -> None:
        """Every result view from the current plan, in the page's language."""
        everyone = tx("all", self.lang)
        if self.result is None:
            for out in (self.kpi_out, self.district_out, self.year_out):
                out.value = f"<p>{html.escape(tx('not_solved', self.lang))}</p>"
            self.chart_out.clear_output()
            self.supervisor_filter.options = self.district_filter.options = [everyone]
            self.show_schedule()
            self.branch_grid.data = pd.DataFrame({"-": []})
        else:
            self.kpi_out.value = _frame_html(self.kpi_table().reset_index())
            self.district_out.value = self.district_table()
            year = self.year_table()
            note = self.year_note()
            self.year_out.value = (f"<p class='dudao-year-note'>{html.escape(note)}</p>" if note else "") + (
                _frame_html(year.reset_index()) if len(year) else ""
            )
            self.chart_out.clear_output(wait=True)
            with self.chart_out:
                display(weekly_chart(self.result, self.lang))
            v = self.result.visits
            self.supervisor_filter.options = [everyone, *sorted(v["supervisor_name"].unique())]
            self.district_filter.options = [everyone, *sorted(v["district"].unique())]
            self.supervisor_filter.value = self.district_filter.value = everyone
            self.show_schedule()
            self.branch_grid.data = self.branch_table()
            self.branch_grid.column_widths = self._widths(self.branch_grid.data)
        labels = [s.label for s in self.history]
        self.compare_a.options, self.compare_b.options = labels, labels
        if len(labels) >= 2:
            self.compare_a.value, self.compare_b.value = labels[-2], labels[-1]
        self.show_comparison()
        self.show_downloads()
        self._count_rows()

    def set_language(self, lang: str) -> None:
        """Switch every text of the page (controls, messages, tables) to `lang`."""
        self.lang = lang
        if self.language.value != lang:
            self.language.value = lang
            return
        self._show_problems()
        self._show_data_status()
        self._solved_message(self.timings.get("solve", 0.0))
        self.refresh()
        self._layout()

    def _help(self, text: str) -> w.HTML:
        return w.HTML(
            f"<div class='dudao-help'>{html.escape(text)}</div>", layout=w.Layout(margin="0 0 6px 196px")
        )

    def _layout(self) -> None:
        """(Re)build the page's containers and every label in the page's language."""
        lang = self.lang
        self.title.value = (
            CSS + f"<h2 style='color:#a61b1b;margin:4px 0'>{html.escape(tx('title', lang))}</h2>"
            f"<p>{html.escape(tx('intro', lang))}</p>"
        )
        for kind, widget in self.upload_widgets.items():
            widget.description = tx(f"upload_{kind}", lang)
            widget.layout.width = "260px"
        self.sample_button.description = tx("use_sample", lang)
        self.remove_history_button.description = tx("remove_history", lang)
        self.templates.value = (
            f"<div class='dudao-links'>{html.escape(tx('templates', lang))}"
            + "".join(
                link(
                    "data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"
                    + base64.b64encode(_template(kind)).decode("ascii"),
                    name,
                    name,
                )
                for kind, name in TEMPLATE_NAMES.items()
            )
            + "</div>"
        )
        self._show_data_status()
        data = w.VBox(
            [
                w.HBox([self.upload_widgets[k] for k in ("branches", "supervisors", "scenario")]),
                w.HBox(
                    [self.upload_widgets["history"], self.history_status, self.remove_history_button],
                    layout=w.Layout(align_items="center"),
                ),
                self._help(tx("upload_help", lang)),
                self.templates,
                w.HBox([self.data_status, self.sample_button]),
            ]
        )
        self.name.description = tx("name", lang)
        self.start.description = tx("start", lang)
        self.weeks.description = tx("weeks", lang)
        self.reset_button.description = tx("reset", lang)
        scenario = w.VBox(
            [self.name, self.start, self.weeks, self._help(tx("weeks_help", lang)), self.reset_button]
        )
        rules = []
        for key, widget in self.setting.items():
            widget.description = setting_label(key, lang)
            rules += [widget, self._help(setting_help(key, lang))]
        for d, box in self.weights.items():
            box.description = dimension_label(d, lang)
        weights = w.VBox(
            [self._help(SETTINGS[f"weights.{DIMENSIONS[0]}"].help(lang)), *self.weights.values()]
        )
        self.capacity_factor.description = tx("capacity_factor", lang)
        sups = self.inputs.supervisors
        head = w.HBox(
            [
                w.HTML(f"<b>{html.escape(tx(k, lang))}</b>", layout=w.Layout(width=wd))
                for k, wd in (
                    ("team_supervisor", "240px"),
                    ("team_capacity", "100px"),
                    ("team_leave", "180px"),
                )
            ]
        )
        rows = [
            w.HBox(
                [
                    w.Label(f"{sid} {name}", layout=w.Layout(width="240px")),
                    self.capacity[sid],
                    self.leave[sid],
                ]
            )
            for sid, name in zip(sups["supervisor_id"], sups["name"], strict=True)
        ]
        self.team_box.children = [
            self.capacity_factor,
            self._help(tx("capacity_factor_help", lang)),
            head,
            *rows,
        ]
        controls = w.Tab(
            children=[data, scenario, w.VBox(rules), weights, self.team_box],
            titles=[
                tx(k, lang) for k in ("tab_data", "tab_scenario", "tab_rules", "tab_weights", "tab_team")
            ],
        )
        self.solve_button.description = tx("solve", lang)
        self.export_button.description = tx("export", lang)
        self.supervisor_filter.description = tx("filter_supervisor", lang)
        self.district_filter.description = tx("filter_district", lang)
        self.compare_a.description = tx("compare_a", lang)
        self.compare_b.description = tx("compare_b", lang)
        grid_help = self._help(tx("grid_help", lang))
        grid_help.layout.margin = "0"
        results = w.Tab(
            children=[
                self.kpi_out,
                w.VBox(
                    [
                        w.HBox([self.supervisor_filter, self.district_filter]),
                        grid_help,
                        self.schedule_grid,
                        self.schedule_count,
                    ]
                ),
                w.VBox([grid_help, self.branch_grid, self.branch_count]),
                self.chart_out,
                self.district_out,
                self.year_out,
                w.VBox([w.HBox([self.compare_a, self.compare_b]), self.compare_out]),
                w.VBox([self.export_button, self.download_out]),
            ],
            titles=[
                tx(k, lang)
                for k in (
                    "tab_kpis",
                    "tab_schedule",
                    "tab_branches",
                    "tab_weekly",
                    "tab_districts",
                    "tab_year",
                    "tab_compare",
                    "tab_downloads",
                )
            ],
        )
        if len(self.root.children) == 5:  # a language switch keeps the tabs the planner had open
            controls.selected_index = self.root.children[1].selected_index
            results.selected_index = self.root.children[4].selected_index
        self.root.children = [
            w.HBox([self.title, self.language], layout=w.Layout(justify_content="space-between")),
            controls,
            w.HBox([self.solve_button, self.progress, self.status], layout=w.Layout(align_items="center")),
            self.problem_box,
            results,
        ]

    def view(self) -> w.Widget:
        """The whole page as one widget."""
        return self.root


class Page(w.VBox):
    """The app's page; its text form is short (a notebook stores it with the output)."""

    def __repr__(self) -> str:
        return "Page()"


_TIER_EN = {"高": "high", "中": "medium", "低": "low"}
_TEMPLATES: dict[str, bytes] = {}


def _template(kind: str) -> bytes:
    if kind not in _TEMPLATES:
        _TEMPLATES[kind] = template_xlsx(kind)
    return _TEMPLATES[kind]


def _frame_html(frame: pd.DataFrame) -> str:
    return table_html(frame.astype(str).values.tolist(), [str(c) for c in frame.columns])


def _zip_plan(folder: Path, target: Path) -> Path:
    """The plan folder as `planner plan` writes it, zipped under its own name (a new file)."""
    with zipfile.ZipFile(target, "x", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.rglob("*")):
            if f.is_file() and f.relative_to(folder).as_posix() not in APP_ONLY_FILES:
                z.write(f, f"{folder.name}/{f.relative_to(folder).as_posix()}")
    return target


def _zip_folder(folder: Path, target: Path) -> Path:
    with zipfile.ZipFile(target, "x", zipfile.ZIP_DEFLATED) as z:
        for f in sorted(folder.iterdir()):
            z.write(f, f"calendars/{f.name}")
    return target
