"""The scenario workbook: ipywidgets wired to `planner.plan`, with no planning logic of its own.

Every control is an attribute and every button calls a method, so the workbook is tested without
a browser: set `.value`, call `solve()`, read `result`, `history` and the tables.
"""

from __future__ import annotations

import datetime as dt
import html
import os
import tempfile
from dataclasses import replace
from pathlib import Path

import ipywidgets as w
import pandas as pd
from IPython.display import display

from planner.datasets import sample_history_path, sample_paths
from planner.errors import InfeasibleError, InputError
from planner.inputs import Inputs, load_inputs, scaled_capacity
from planner.plan import Plan, plan, write_plan
from planner.report import COLUMNS, KPI_LABELS, dimension_label, t, weekly_chart
from planner.scenario import Horizon, Scenario, load_scenario, scenario_to_toml
from planner.schema import DIMENSIONS

KPI_KEYS = (
    "objective",
    "visits",
    "branches_visited",
    "high_risk_visited_share",
    "risk_share_of_visited_branches",
    "mandatory_visits_met",
    "visits_outside_home_district",
)
ALL = "全部"
APP_ENV = {"branches": "DUDAO_BRANCHES", "supervisors": "DUDAO_SUPERVISORS", "scenario": "DUDAO_SCENARIO"}


def parse_repeat_value(text: str) -> tuple[float, ...]:
    values = tuple(float(x) for x in text.replace("，", ",").split(",") if x.strip())
    if not values or any(v < 0 for v in values):
        raise ValueError("repeat value must be numbers ≥ 0 separated by commas, like 1, 0.5, 0.25")
    return values


class Workbook:
    """Controls for one data set; `solve()` re-plans and refreshes every view."""

    def __init__(self, inputs: Inputs, scenario: Scenario, lang: str = "zh") -> None:
        self.inputs = inputs
        self.base = scenario
        self.lang = lang
        self.result: Plan | None = None
        self.history: list[tuple[str, Plan]] = []
        self.message = ""
        r = scenario.rules
        style = {"description_width": "170px"}
        layout = w.Layout(width="360px")
        self.weights = {
            d: w.BoundedFloatText(
                value=float(scenario.weights[d]),
                min=0,
                max=10,
                step=0.1,
                description=dimension_label(d, lang),
                style=style,
                layout=layout,
            )
            for d in DIMENSIONS
        }
        self.capacity_factor = w.BoundedFloatText(
            value=1.0, min=0, max=5, step=0.1, description="团队容量倍数", style=style, layout=layout
        )
        self._style, self._layout = style, layout
        self.capacity: dict[str, w.BoundedIntText] = {}
        self.team_box = w.VBox()
        self._build_team()
        self.branches_file = w.Text(
            placeholder="空：示例县 · empty: the sample county",
            description="组织文件",
            style=style,
            layout=layout,
        )
        self.supervisors_file = w.Text(description="督导员文件", style=style, layout=layout)
        self.scenario_file = w.Text(description="方案文件 (TOML)", style=style, layout=layout)
        self.load_button = w.Button(description="载入数据 Load", layout=w.Layout(width="auto"))
        self.load_button.on_click(lambda _: self.load())
        self.start = w.DatePicker(
            value=scenario.horizon.start, description="计划起始（周一）", style=style, layout=layout
        )
        self.weeks = w.BoundedIntText(
            value=scenario.horizon.weeks, min=1, max=104, description="计划周数", style=style, layout=layout
        )
        self.max_visits = w.BoundedIntText(
            value=r.max_visits_per_branch,
            min=1,
            max=12,
            description="每个组织最多走访",
            style=style,
            layout=layout,
        )
        self.spacing = w.BoundedIntText(
            value=r.min_weeks_between_visits,
            min=1,
            max=52,
            description="两次走访最少间隔（周）",
            style=style,
            layout=layout,
        )
        self.weak_lax = w.BoundedIntText(
            value=r.weak_lax_min_visits,
            min=0,
            max=12,
            description="软弱涣散最少走访",
            style=style,
            layout=layout,
        )
        self.overdue = w.BoundedIntText(
            value=r.overdue_days,
            min=0,
            max=3650,
            description="超期天数（0=不限）",
            style=style,
            layout=layout,
        )
        self.district_share = w.BoundedFloatText(
            value=r.district_min_share,
            min=0,
            max=1,
            step=0.05,
            description="片区最低覆盖比例",
            style=style,
            layout=layout,
        )
        self.repeat = w.Text(
            value=", ".join(f"{v:g}" for v in r.repeat_value),
            description="第1/2/3次走访价值",
            style=style,
            layout=layout,
        )
        self.responsible = w.Checkbox(
            value=r.one_responsible_supervisor, description="每个组织一名责任人", style=style
        )
        self.travel = w.BoundedFloatText(
            value=r.travel_penalty,
            min=0,
            max=100,
            step=0.5,
            description="跨片区走访成本",
            style=style,
            layout=layout,
        )
        self.audit = w.BoundedFloatText(
            value=r.audit_share,
            min=0,
            max=1,
            step=0.05,
            description="随机抽查容量比例",
            style=style,
            layout=layout,
        )
        self.solve_button = w.Button(description="求解 Solve", button_style="danger")
        self.save_path = w.Text(value="scenario.toml", description="方案文件", style=style, layout=layout)
        self.save_button = w.Button(description="保存方案 Save TOML", layout=w.Layout(width="auto"))
        self.export_button = w.Button(description="导出报告 Export report", layout=w.Layout(width="auto"))
        self.status = w.HTML()
        self.kpi_out = w.Output()
        self.district_out = w.Output()
        self.chart_out = w.Output()
        self.history_out = w.Output()
        self.year_out = w.Output()
        self.supervisor_filter = w.Dropdown(description="督导员", options=[ALL])
        self.district_filter = w.Dropdown(description="片区", options=[ALL])
        self.schedule_out = w.Output()
        self.solve_button.on_click(lambda _: self.solve())
        self.save_button.on_click(lambda _: self.save_scenario())
        self.export_button.on_click(lambda _: self.export_report())
        self.supervisor_filter.observe(lambda _: self.show_schedule(), names="value")
        self.district_filter.observe(lambda _: self.show_schedule(), names="value")

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
        for d in DIMENSIONS:
            self.weights[d].value = float(sc.weights[d])
        r = sc.rules
        self.start.value, self.weeks.value = sc.horizon.start, sc.horizon.weeks
        self.max_visits.value, self.spacing.value = (r.max_visits_per_branch, r.min_weeks_between_visits)
        self.weak_lax.value, self.overdue.value = r.weak_lax_min_visits, r.overdue_days
        self.district_share.value = r.district_min_share
        self.repeat.value = ", ".join(f"{v:g}" for v in r.repeat_value)
        self.responsible.value, self.travel.value = (r.one_responsible_supervisor, r.travel_penalty)
        self.audit.value = r.audit_share

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
        self.message = f"已载入 {len(self.inputs.branches)} 个组织、{len(self.inputs.supervisors)} 名督导员"
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
        """The scenario the controls describe."""
        rules = replace(
            self.base.rules,
            max_visits_per_branch=int(self.max_visits.value),
            min_weeks_between_visits=int(self.spacing.value),
            weak_lax_min_visits=int(self.weak_lax.value),
            overdue_days=int(self.overdue.value),
            district_min_share=float(self.district_share.value),
            repeat_value=parse_repeat_value(self.repeat.value),
            one_responsible_supervisor=bool(self.responsible.value),
            travel_penalty=float(self.travel.value),
            audit_share=float(self.audit.value),
        )
        if len(rules.repeat_value) < rules.max_visits_per_branch:
            rules = replace(
                rules,
                repeat_value=rules.repeat_value
                + (rules.repeat_value[-1],) * (rules.max_visits_per_branch - len(rules.repeat_value)),
            )
        start = self.start.value or self.base.horizon.start
        return replace(
            self.base,
            horizon=Horizon(start=start, weeks=int(self.weeks.value)),
            weights={d: float(self.weights[d].value) for d in DIMENSIONS},
            rules=rules,
        )

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
        self.message = (
            f"{label}: {t(s['status'], self.lang)}，目标值 {s['objective']:.1f}，"
            f"较人工排序 {s['improvement_over_baseline']:+.2%}"
        )
        self.status.value = _escape(self.message)
        self.supervisor_filter.options = [ALL, *sorted(result.visits["supervisor_name"].unique())]
        self.district_filter.options = [ALL, *sorted(result.visits["district"].unique())]
        self.refresh()
        return result

    def kpi_table(self) -> pd.DataFrame:
        """The plan's KPIs beside the hand-ranking baseline's, formatted for reading."""
        if self.result is None:
            return pd.DataFrame()
        k, b = self.result.summary["kpis"], self.result.summary["baseline"]
        frame = pd.DataFrame(
            {
                t("plan", self.lang): [_fmt(key, k) for key in KPI_KEYS],
                t("baseline", self.lang): [_fmt(key, b) for key in KPI_KEYS],
            },
            index=[KPI_LABELS[key][self.lang] for key in KPI_KEYS],
        )
        frame.index.name = COLUMNS["kpi"][self.lang]
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
        return frame.rename(columns={c: COLUMNS[c][self.lang] for c in frame.columns})

    def year_table(self) -> pd.DataFrame:
        """The year's progress: coverage, owed visits, contact points, follow-ups, 责任人 kept."""
        if self.result is None or not self.result.summary.get("year"):
            return pd.DataFrame()
        from planner import year_report

        return year_report.figures(self.result.summary["year"], self.lang)

    def schedule(self) -> pd.DataFrame:
        if self.result is None:
            return pd.DataFrame()
        v = self.result.visits
        if self.supervisor_filter.value != ALL:
            v = v[v["supervisor_name"] == self.supervisor_filter.value]
        if self.district_filter.value != ALL:
            v = v[v["district"] == self.district_filter.value]
        v = v.assign(focus=v["focus"].map(lambda f: dimension_label(f, self.lang)))
        cols = ["week", "week_start", "supervisor_name", "branch_name", "district", "focus", "risk_score"]
        return v[cols].rename(columns={c: COLUMNS[c][self.lang] for c in cols})

    def comparison(self) -> pd.DataFrame:
        """Every scenario solved in this session, side by side."""
        rows = {}
        for label, p in self.history:
            s, k = p.summary, p.summary["kpis"]
            rows[label] = {
                "objective": s["objective"],
                "visits": k["visits"],
                "branches_visited": k["branches_visited"],
                "high_risk_visited_share": k["high_risk_visited_share"],
                "mandatory_visits_met": k["mandatory_visits_met"],
                "gain_over_hand_ranking": s["improvement_over_baseline"],
            }
        return pd.DataFrame(rows)

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
            from planner.plan import PlanFolder

            folder = PlanFolder(
                Path("."),
                self.result.scenario,
                self.result.visits,
                self.result.branches,
                self.result.baseline_visits,
                self.result.summary,
            )
            with self.chart_out:
                display(weekly_chart(folder, self.lang))
        self.show_schedule()

    def save_scenario(self, path: str | Path | None = None) -> Path:
        target = Path(path or self.save_path.value)
        target.write_text(scenario_to_toml(self.scenario()), encoding="utf-8")
        self.status.value = _escape(f"已保存 {target}")
        return target

    def export_report(self, out: str | Path | None = None) -> Path | None:
        """Write the current plan as a plan folder with report.html; return the report's path."""
        from planner import exports, report

        if self.result is None and self.solve() is None:
            return None
        assert self.result is not None
        folder = (
            Path(out)
            if out
            else Path(tempfile.mkdtemp(prefix="dudao-")) / (f"plan-{dt.datetime.now():%Y%m%d-%H%M%S}")
        )
        lang = self.lang
        written = write_plan(
            self.result,
            folder,
            [
                lambda p, d: exports.write_workbook(p, d, lang),
                lambda p, d: exports.write_calendars(p, d, lang),
                lambda p, d: report.render(d, lang),
            ],
        )
        path = written / "report.html"
        self.status.value = _escape(f"报告已导出：{path}")
        return path

    def view(self) -> w.Widget:
        """The whole workbook as one widget."""
        rules = w.VBox(
            [
                self.max_visits,
                self.spacing,
                self.weak_lax,
                self.overdue,
                self.district_share,
                self.repeat,
                self.responsible,
                self.travel,
                self.audit,
            ]
        )
        horizon = w.VBox([self.start, self.weeks])
        files = w.VBox([self.branches_file, self.supervisors_file, self.scenario_file, self.load_button])
        controls = w.Tab(children=[w.VBox(list(self.weights.values())), rules, self.team_box, horizon, files])
        for i, title in enumerate(("维度权重", "规则", "督导员容量", "计划周期", "数据文件")):
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
        for i, title in enumerate(("关键指标", "各片区", "每周走访", "走访安排", "方案对比", "本年度进度")):
            results.set_title(i, title)
        return w.VBox([controls, actions, w.HBox([self.save_path]), self.status, results])


def _fmt(key: str, kpis: dict[str, float]) -> str:
    value = kpis[key]
    if key == "objective":
        return f"{value:.1f}"
    if key.endswith("share") or key == "risk_share_of_visited_branches":
        return f"{value:.1%}"
    if key == "mandatory_visits_met":
        return f"{value}/{kpis['mandatory_visits_required']}"
    return str(value)


def _escape(text: str) -> str:
    return html.escape(text)
