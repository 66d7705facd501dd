"""The scenario workbook: ipywidgets wired to `planner.plan`, with no planning logic of its own.

Every control is an attribute and every button calls a method, so the workbook is tested without
a browser: set `.value`, call `solve()`, read `result`, `history` and the tables.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import re
import tempfile
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd
from IPython.display import display

from planner.datasets import sample_history_path, sample_paths
from planner.errors import InfeasibleError, InputError
from planner.folder import Plan, write_plan
from planner.inputs import Inputs, load_inputs, scaled_capacity
from planner.labels import KPIS, column, dimension_label, format_gain, format_kpi, format_kpi_of, t
from planner.plan import plan
from planner.report import weekly_chart
from planner.scenario import (
    SECTIONS,
    SETTINGS,
    Scenario,
    Setting,
    load_scenario,
    parse_scenario,
    scenario_to_dict,
    scenario_to_toml,
    section_settings,
)
from planner.schema import DIMENSIONS

APP_ENV = {"branches": "DUDAO_BRANCHES", "supervisors": "DUDAO_SUPERVISORS", "scenario": "DUDAO_SCENARIO"}
# the controls of the settings, by tab; every setting of the scenario has one
CONTROL_TABS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("wb_tab_weights", ("weights",)),
    ("wb_tab_rules", ("rules",)),
    ("wb_tab_horizon", ("", "horizon")),
    ("wb_tab_risk", ("risk", "solver")),
    ("wb_tab_year_rules", ("year",)),
)
# short names for the controls the tests and notebooks use most
ALIASES = {
    "start": "horizon.start",
    "weeks": "horizon.weeks",
    "max_visits": "rules.max_visits_per_branch",
    "spacing": "rules.min_weeks_between_visits",
    "weak_lax": "rules.weak_lax_min_visits",
    "overdue": "rules.overdue_days",
    "district_share": "rules.district_min_share",
    "repeat": "rules.repeat_value",
    "responsible": "rules.one_responsible_supervisor",
    "travel": "rules.travel_penalty",
    "audit": "rules.audit_share",
}


def bounds_text(s: Setting) -> str:
    """The allowed range in symbols, the same in both languages: "1–12", "> 0, ≤ 86400"."""
    g = "{:g}".format
    if s.choices:
        return " | ".join(s.choices)
    if s.low is None and s.high is None:
        return ""
    if s.low is not None and s.high is not None and not s.low_open:
        return f"{g(s.low)}–{g(s.high)}"
    parts = []
    if s.low is not None:
        parts.append(f"{'>' if s.low_open else '≥'} {g(s.low)}")
    if s.high is not None:
        parts.append(f"≤ {g(s.high)}")
    return ", ".join(parts)


def make_control(s: Setting, value: Any, lang: str, style: dict[str, str], layout: w.Layout) -> w.Widget:
    """The control of one setting: its label, its bounds, its help as the tooltip."""
    rng = bounds_text(s)
    common: dict[str, Any] = {
        "description": s.label(lang),
        "tooltip": f"{s.help(lang)} ({rng})" if rng else s.help(lang),
        "style": style,
        "layout": layout,
    }
    low = (s.low or 0) + (min(s.step, 1.0) if s.low_open else 0)  # an open bound: one step in
    if s.kind == "int":
        return w.BoundedIntText(value=value, min=int(low), max=int(s.high or 10**9), step=1, **common)
    if s.kind == "float":
        return w.BoundedFloatText(value=value, min=low, max=s.high or 1e9, step=s.step, **common)
    if s.kind == "bool":
        return w.Checkbox(value=bool(value), **common)
    if s.kind == "date":
        return w.DatePicker(value=value, **common)
    if s.kind == "choice":
        return w.Dropdown(options=list(s.choices), value=value, **common)
    return w.Text(value=show_value(s, value), **common)


def show_value(s: Setting, value: Any) -> Any:
    """A setting's value as its control holds it."""
    if s.kind == "floats":
        return ", ".join(f"{v:g}" for v in value)
    return value


def read_control(s: Setting, control: w.Widget) -> Any:
    """A control's value as TOML data, for the scenario parser to check."""
    value = control.value
    if s.kind == "floats":
        return [_number_or_text(x) for x in re.split(r"[,，;；、\s]+", str(value)) if x]
    return value


def _number_or_text(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


class Workbook:
    """Controls for one data set; `solve()` re-plans and refreshes every view."""

    def __init__(self, inputs: Inputs, scenario: Scenario, lang: str = "zh") -> None:
        self.inputs = inputs
        self.base = scenario
        self.lang = lang
        self.result: Plan | None = None
        self.history: list[tuple[str, Plan]] = []
        self.message = ""
        style = {"description_width": "170px"}
        layout = w.Layout(width="360px")
        self._style, self._layout = style, layout
        self.controls: dict[str, w.Widget] = {
            key: make_control(s, scenario.value(key), lang, style, layout) for key, s in SETTINGS.items()
        }
        self.weights = {d: self.controls[f"weights.{d}"] for d in DIMENSIONS}
        self.capacity_factor = w.BoundedFloatText(
            value=1.0,
            min=0,
            max=5,
            step=0.1,
            description=t("wb_capacity_factor", lang),
            style=style,
            layout=layout,
        )
        self.capacity: dict[str, w.BoundedIntText] = {}
        self.team_box = w.VBox()
        self._build_team()
        self.branches_file = w.Text(
            placeholder=t("wb_branches_placeholder", lang),
            description=t("wb_branches_file", lang),
            style=style,
            layout=layout,
        )
        self.supervisors_file = w.Text(description=t("wb_supervisors_file", lang), style=style, layout=layout)
        self.scenario_file = w.Text(description=t("wb_scenario_file", lang), style=style, layout=layout)
        self.load_button = w.Button(description=t("wb_load", lang), layout=w.Layout(width="auto"))
        self.load_button.on_click(lambda _: self.load())
        self.solve_button = w.Button(description=t("wb_solve", lang), button_style="danger")
        self.save_path = w.Text(
            value="scenario.toml", description=t("wb_save_path", lang), style=style, layout=layout
        )
        self.save_button = w.Button(description=t("wb_save", lang), layout=w.Layout(width="auto"))
        self.export_button = w.Button(description=t("wb_export", lang), layout=w.Layout(width="auto"))
        self.status = w.HTML()
        self.kpi_out = w.Output()
        self.district_out = w.Output()
        self.chart_out = w.Output()
        self.history_out = w.Output()
        self.year_out = w.Output()
        self.supervisor_filter = w.Dropdown(description=t("wb_supervisor", lang), options=[self.all_label])
        self.district_filter = w.Dropdown(description=t("wb_district", lang), options=[self.all_label])
        self.schedule_out = w.Output()
        self.solve_button.on_click(lambda _: self.solve())
        self.save_button.on_click(lambda _: self.save_scenario())
        self.export_button.on_click(lambda _: self.export_report())
        self.supervisor_filter.observe(lambda _: self.show_schedule(), names="value")
        self.district_filter.observe(lambda _: self.show_schedule(), names="value")

    def __getattr__(self, name: str) -> Any:
        if name in ALIASES and "controls" in self.__dict__:
            return self.__dict__["controls"][ALIASES[name]]
        raise AttributeError(name)

    @property
    def all_label(self) -> str:
        """The filter value that keeps every row."""
        return t("wb_all", self.lang)

    def _build_team(self) -> None:
        sups = self.inputs.supervisors
        self.capacity = {
            sid: w.BoundedIntText(
                value=int(cap),
                min=0,
                max=50,
                description=f"{sid} {name}",
                style=self._style,
                layout=self._layout,
            )
            for sid, name, cap in zip(
                sups["supervisor_id"], sups["name"], sups["weekly_capacity"], strict=True
            )
        }
        self.team_box.children = [self.capacity_factor, *self.capacity.values()]

    def _show_scenario(self, sc: Scenario) -> None:
        for key, s in SETTINGS.items():
            self.controls[key].value = show_value(s, sc.value(key))

    def load(self) -> bool:
        """Read the data files named in the controls (empty: the sample county)."""
        try:
            other = Workbook.from_files(
                self.branches_file.value.strip(),
                self.supervisors_file.value.strip(),
                self.scenario_file.value.strip(),
                self.lang,
            )
        except InputError as exc:
            self.message = str(exc)
            self.status.value = f"<b style='color:#a61b1b'>{_escape(self.message)}</b>"
            return False
        self.inputs, self.base = other.inputs, other.base
        self._build_team()
        self.capacity_factor.value = 1.0
        self._show_scenario(self.base)
        self.result = None
        self.message = t(
            "wb_loaded",
            self.lang,
            branches=len(self.inputs.branches),
            supervisors=len(self.inputs.supervisors),
        )
        self.status.value = _escape(self.message)
        return True

    @classmethod
    def from_files(
        cls,
        branches: str | Path = "",
        supervisors: str | Path = "",
        scenario: str | Path = "",
        lang: str = "zh",
    ) -> Workbook:
        """The workbook on these files; empty paths: those `planner app` was given, else the
        sample county."""
        branches = branches or os.environ.get(APP_ENV["branches"], "")
        supervisors = supervisors or os.environ.get(APP_ENV["supervisors"], "")
        scenario = scenario or os.environ.get(APP_ENV["scenario"], "")
        sample_b, sample_s, sample_sc = sample_paths()
        sc = load_scenario(Path(scenario) if scenario else (sample_sc if not branches else None))
        inputs = load_inputs(
            Path(branches or sample_b),
            Path(supervisors or sample_s),
            horizon_weeks=sc.horizon.weeks,
            history=None if branches else sample_history_path(),  # the sample's 督导台账
            horizon_start=sc.horizon.start,
        )
        return cls(inputs, sc, lang)

    def scenario(self) -> Scenario:
        """The scenario the controls describe, checked like a scenario file (InputError if not)."""
        data = scenario_to_dict(self.base)
        year: dict[str, Any] = {}
        for key, s in SETTINGS.items():
            value = read_control(s, self.controls[key])
            if s.kind == "date" and value is None:
                value = self.base.value(key)
            if s.section == "year":
                year[s.name] = value
            elif s.section:
                data[s.section][s.name] = value
            else:
                data[s.name] = value
        # the year's rules are on when the scenario had them, or a control of theirs was changed
        if "year" in data or any(v != self.base.value(f"year.{n}") for n, v in year.items()):
            data["year"] = {n: v for n, v in year.items() if v is not None}
        return parse_scenario(data, file=t("wb_source", self.lang))

    def planning_inputs(self) -> Inputs:
        overrides = {sid: box.value for sid, box in self.capacity.items()}
        base = dict(
            zip(
                self.inputs.supervisors["supervisor_id"],
                self.inputs.supervisors["weekly_capacity"],
                strict=True,
            )
        )
        changed = {sid: v for sid, v in overrides.items() if v != base[sid]}
        return scaled_capacity(self.inputs, float(self.capacity_factor.value), changed)

    def solve(self) -> Plan | None:
        """Re-plan with the controls' values; keep the plan in the session's history."""
        try:
            scenario = self.scenario()
            result = plan(self.planning_inputs(), scenario)
        except (InfeasibleError, InputError, ValueError) as exc:
            self.message = str(exc)
            self.status.value = f"<b style='color:#a61b1b'>{_escape(self.message)}</b>"
            return None
        self.result = result
        label = f"#{len(self.history) + 1}"
        self.history.append((label, result))
        s = result.summary
        self.message = t(
            "wb_solved",
            self.lang,
            label=label,
            status=t(s.status.value, self.lang),
            objective=format_kpi("objective", s.objective, self.lang),
            gain=format_gain(s.improvement_over_baseline),
        )
        self.status.value = _escape(self.message)
        self.supervisor_filter.options = [self.all_label, *sorted(result.visits["supervisor_name"].unique())]
        self.district_filter.options = [self.all_label, *sorted(result.visits["district"].unique())]
        self.refresh()
        return result

    def kpi_table(self) -> pd.DataFrame:
        """The plan's KPIs beside the hand-ranking baseline's, formatted for reading."""
        if self.result is None:
            return pd.DataFrame()
        k, b = self.result.summary.kpis, self.result.summary.baseline
        frame = pd.DataFrame(
            {
                t("plan", self.lang): [format_kpi_of(k, x.key, self.lang) for x in KPIS],
                t("baseline", self.lang): [format_kpi_of(b, x.key, self.lang) for x in KPIS],
            },
            index=[x.label(self.lang) for x in KPIS],
        )
        frame.index.name = column("kpi", self.lang)
        return frame

    def district_table(self) -> pd.DataFrame:
        if self.result is None:
            return pd.DataFrame()
        p = self.result
        rows = []
        for district, group in p.branches.groupby("district", sort=True):
            visited = group[group["visits"] > 0]
            rows.append(
                {
                    "district": district,
                    "branches": len(group),
                    "visited": len(visited),
                    "total_risk": round(float(group["risk_score"].sum()), 1),
                    "risk_visited": round(float(visited["risk_score"].sum()), 1),
                }
            )
        frame = pd.DataFrame(rows)
        frame["coverage"] = (frame["risk_visited"] / frame["total_risk"]).round(3)
        return frame.rename(columns={c: column(c, self.lang) for c in frame.columns})

    def year_table(self) -> pd.DataFrame:
        """The year's progress: coverage, owed visits, contact points, follow-ups, 责任人 kept."""
        if self.result is None or self.result.summary.year is None:
            return pd.DataFrame()
        from planner import year_report

        return year_report.figures(self.result.summary.year, self.lang)

    def schedule(self) -> pd.DataFrame:
        if self.result is None:
            return pd.DataFrame()
        v = self.result.visits
        if self.supervisor_filter.value != self.all_label:
            v = v[v["supervisor_name"] == self.supervisor_filter.value]
        if self.district_filter.value != self.all_label:
            v = v[v["district"] == self.district_filter.value]
        v = v.assign(focus=v["focus"].map(lambda f: dimension_label(f, self.lang)))
        cols = ["week", "week_start", "supervisor_name", "branch_name", "district", "focus", "risk_score"]
        return v[cols].rename(columns={c: column(c, self.lang) for c in cols})

    def comparison(self) -> pd.DataFrame:
        """Every scenario solved in this session, side by side."""
        rows = {}
        for label, p in self.history:
            s, k = p.summary, p.summary.kpis
            rows[label] = [
                *(format_kpi_of(k, x.key, self.lang) for x in KPIS),
                format_gain(s.improvement_over_baseline),
            ]
        index = [x.label(self.lang) for x in KPIS] + [t("improvement_over_baseline", self.lang)]
        return pd.DataFrame(rows, index=index)

    def show_schedule(self) -> None:
        self.schedule_out.clear_output()
        with self.schedule_out:
            display(self.schedule().head(200))

    def refresh(self) -> None:
        for out, content in (
            (self.kpi_out, self.kpi_table()),
            (self.district_out, self.district_table()),
            (self.year_out, self.year_table()),
            (self.history_out, self.comparison()),
        ):
            out.clear_output()
            with out:
                display(content)
        self.chart_out.clear_output()
        if self.result is not None:
            with self.chart_out:
                display(weekly_chart(self.result, self.lang))
        self.show_schedule()

    def save_scenario(self, path: str | Path | None = None) -> Path | None:
        """Write the controls' scenario as TOML; a scenario that does not validate is not saved."""
        target = Path(path or self.save_path.value)
        try:
            text = scenario_to_toml(self.scenario())
        except InputError as exc:
            self._error(str(exc))
            return None
        target.write_text(text, encoding="utf-8")
        self.message = t("wb_saved", self.lang, path=target)
        self.status.value = _escape(self.message)
        return target

    def export_report(self, out: str | Path | None = None) -> Path | None:
        """Write the current plan as a plan folder with report.html; return the report's path."""
        from planner.exports import handouts

        if self.result is None and self.solve() is None:
            return None
        assert self.result is not None
        folder = (
            Path(out)
            if out
            else Path(tempfile.mkdtemp(prefix="dudao-")) / (f"plan-{dt.datetime.now():%Y%m%d-%H%M%S}")
        )
        written = write_plan(self.result, folder, handouts(self.lang))
        path = written / "report.html"
        self.message = t("wb_exported", self.lang, path=path)
        self.status.value = _escape(self.message)
        return path

    def view(self) -> w.Widget:
        """The whole workbook as one widget."""
        tabs: list[tuple[str, w.Widget]] = [
            (t(title, self.lang), w.VBox([self.controls[x.key] for sec in sections for x in _settings(sec)]))
            for title, sections in CONTROL_TABS
        ]
        placed = {sec for _, sections in CONTROL_TABS for sec in sections}
        tabs += [  # a section without a tab of its own still gets its controls
            (f"[{sec}]", w.VBox([self.controls[x.key] for x in _settings(sec)]))
            for sec in SECTIONS
            if sec not in placed
        ]
        tabs.insert(2, (t("wb_tab_team", self.lang), self.team_box))
        files = w.VBox([self.branches_file, self.supervisors_file, self.scenario_file, self.load_button])
        tabs.append((t("wb_tab_files", self.lang), files))
        controls = w.Tab(children=[box for _, box in tabs])
        for i, (title, _) in enumerate(tabs):
            controls.set_title(i, title)
        actions = w.HBox([self.solve_button, self.save_button, self.export_button])
        results = w.Tab(
            children=[
                self.kpi_out,
                self.district_out,
                self.chart_out,
                w.VBox([w.HBox([self.supervisor_filter, self.district_filter]), self.schedule_out]),
                self.history_out,
                self.year_out,
            ]
        )
        titles = (
            "wb_tab_kpis",
            "wb_tab_districts",
            "wb_tab_weekly",
            "wb_tab_schedule",
            "wb_tab_history",
            "wb_tab_year",
        )
        for i, title in enumerate(titles):
            results.set_title(i, t(title, self.lang))
        return w.VBox([controls, actions, w.HBox([self.save_path]), self.status, results])

    def _error(self, message: str) -> None:
        self.message = message
        self.status.value = f"<b style='color:#a61b1b'>{_escape(message)}</b>"


def _settings(section: str) -> list[Setting]:
    return section_settings(section) if section else [SETTINGS["name"]]


def _escape(text: str) -> str:
    return html.escape(text)
