"""The pieces of the visit schedule report, in Chinese or English, from a plan folder alone.

`notebooks/report.ipynb` lays these out; `render` executes that notebook with papermill and turns
it into one standalone HTML file (no input cells, no external scripts, fonts or images).
Every text that comes from users' spreadsheets goes through escaping: nothing in a branch name
can run as code in the report.
"""

from __future__ import annotations

import datetime as dt
import html
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from planner.atomic import atomic_output, temp_dir
from planner.charts import style
from planner.folder import Plan, read_plan
from planner.labels import (
    COLON,
    COLUMNS,
    JOIN,
    KPIS,
    MANDATORY_PREFIX,
    SEMI,
    SEP,
    binding_rule_label,
    dimension_label,
    format_gain,
    format_gap,
    format_kpi_difference,
    format_kpi_of,
    kpi_value,
    t,
    tier_label,
)
from planner.resources import notebook
from planner.scenario import SETTINGS, section_settings
from planner.schema import DIMENSION_ZH, DIMENSIONS
from planner.why import reasons_text

NUMERIC = frozenset(
    {
        "week",
        "risk_score",
        "visits",
        "visit_no",
        "mandatory_visits",
        "branches",
        "visited",
        "high",
        "high_visited",
        "total_risk",
        "risk_visited",
        "coverage",
        "required",
        "planned",
    }
)


def table_html(
    frame: pd.DataFrame,
    lang: str,
    *,
    classes: str = "",
    numeric: Iterable[str] = (),
    widths: Iterable[int] = (),
) -> str:
    """An escaped HTML table with headers in the report's language; numbers never wrap.

    Headers are repeated on every printed page (thead); a row never splits across pages.
    Cells that are `Markup` are already safe HTML (built here from escaped parts).
    """
    num = set(numeric) | {c for c in frame.columns if c in NUMERIC}
    heads = "".join(
        f'<th class="num">{_esc(COLUMNS.get(c, {}).get(lang, c))}</th>'
        if c in num
        else f"<th>{_esc(COLUMNS.get(c, {}).get(lang, c))}</th>"
        for c in frame.columns
    )
    body = []
    for row in frame.itertuples(index=False):
        cells = []
        for c, value in zip(frame.columns, row, strict=True):
            text = value if isinstance(value, Markup) else _esc(_fmt_cell(value))
            cells.append(f'<td class="num">{text}</td>' if c in num else f"<td>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cls = f"dudao {classes}".strip()
    cols = "".join(f'<col style="width:{w}%">' for w in widths)
    cols = f"<colgroup>{cols}</colgroup>" if cols else ""
    return f'<table class="{cls}">{cols}<thead><tr>{heads}</tr></thead><tbody>{"".join(body)}</tbody></table>'


class Markup(str):
    """Text that is already safe HTML."""


def _fmt_cell(value: object) -> str:
    if isinstance(value, float):
        return "" if value != value else f"{value:.1f}"
    return str(value)


def _esc(value: object) -> str:
    return html.escape(str(value))


def load(plan_dir: str | Path | None) -> Plan:
    """The plan folder to report on; none given: the sample county, planned now."""
    if plan_dir:
        return read_plan(Path(plan_dir))
    from planner.datasets import sample_paths
    from planner.folder import write_plan
    from planner.inputs import load_inputs
    from planner.plan import plan
    from planner.scenario import load_scenario

    branches, supervisors, scenario_file = sample_paths()
    scenario = load_scenario(scenario_file)
    result = plan(load_inputs(branches, supervisors, horizon_weeks=scenario.horizon.weeks), scenario)
    folder = Path(tempfile.mkdtemp(prefix="dudao-sample-")) / "plan"
    return read_plan(write_plan(result, folder))


def _status(p: Plan, lang: str) -> str:
    return t(p.summary.status.value, lang)


def header(p: Plan, lang: str) -> str:
    """Title, scenario, horizon and one line of what the plan does."""
    s, sc, k = p.summary, p.scenario, p.summary.kpis
    horizon = t("weeks_from", lang, weeks=sc.horizon.weeks, start=sc.horizon.start)
    line = t(
        "summary_line",
        lang,
        visits=k.visits,
        visited=k.branches_visited,
        branches=s.n_branches,
        met=k.mandatory_visits_met,
        required=k.mandatory_visits_required,
        status=_status(p, lang),
    )
    pinned = s.pinned
    extra = ""
    if pinned is not None:
        extra = "<br>" + _esc(
            t(
                "pinned_line",
                lang,
                last=pinned.from_week - 1,
                kept=pinned.kept_visits,
                plan=pinned.plan,
                first=pinned.from_week,
            )
        )
    c = COLON[lang]
    return (
        f"<h1>{_esc(t('title', lang))}</h1>"
        f"<p class='lead'><b>{_esc(t('scenario', lang))}</b>{c}{_esc(sc.name)}<br>"
        f"<b>{_esc(t('horizon', lang))}</b>{c}{_esc(horizon)}<br>{_esc(line)}{extra}</p>"
    )


def _dates(p: Plan, week: int, lang: str) -> str:
    """Monday to Friday of a week, as month/day (the same in both languages)."""
    start = p.scenario.horizon.week_start(week)
    end = start + dt.timedelta(days=4)
    return f"{start.month}/{start.day}–{end.month}/{end.day}"


def first_week(p: Plan) -> int:
    """The first week the plan decides: 1, or the week re-planning started from."""
    pinned = p.summary.pinned
    return pinned.from_week if pinned is not None else 1


def week_page(p: Plan, lang: str, week: int | None = None, ahead: int = 3) -> str:
    """Per supervisor: this week's visits and those of the next weeks."""
    w0 = week or first_week(p)
    last = min(p.scenario.horizon.weeks, w0 + ahead)
    v = p.visits
    rows = []
    sups = _supervisors(p)
    join = _esc(JOIN[lang])
    for sid, name in sups:
        mine = v[v["supervisor_id"] == sid]
        now = mine[mine["week"] == w0]
        this = join.join(_esc(x) for x in now["branch_name"])
        later = []
        ahead_rows = mine[(mine["week"] > w0) & (mine["week"] <= last)]
        for wk in sorted(set(ahead_rows["week"].astype(int))):
            names = join.join(_esc(x) for x in ahead_rows.loc[ahead_rows["week"] == wk, "branch_name"])
            later.append(f"<span class='w'>{wk}</span>{names}")
        rows.append(
            {
                "supervisor_name": Markup(f"{_esc(name)} <span class='d'>{_esc(sid)}</span>"),
                t("this_week", lang, week=w0, dates=_dates(p, w0, lang)): Markup(this or t("no_visit", lang)),
                t("next_weeks", lang, a=w0 + 1, b=last): Markup(" ".join(later) or t("no_visit", lang)),
            }
        )
    title = f"<h2>{_esc(t('week_page', lang, week=w0))}</h2>"
    return title + table_html(pd.DataFrame(rows), lang, classes="weekpage", widths=(14, 30, 56))


def _supervisors(p: Plan) -> list[tuple[str, str]]:
    """Every supervisor with visits, and those of the plan's capacity without any, by id."""
    first = p.visits.drop_duplicates("supervisor_id")
    named = dict(zip(first["supervisor_id"].astype(str), first["supervisor_name"].astype(str), strict=True))
    caps = _weekly(p)
    ids = set(named) | set(caps)
    return [(sid, str(named.get(sid, sid))) for sid in sorted(ids) if sid in named or caps.get(sid, 0) > 0]


def _weekly(p: Plan) -> dict[str, int]:
    c = p.summary.capacity
    return dict(c.weekly_by_supervisor) if c is not None else {}


def _why_of(p: Plan, lang: str) -> dict[str, str]:
    b = p.branches
    col = f"why_{lang}"
    return dict(zip(b["branch_id"].astype(str), b[col].astype(str), strict=True)) if col in b else {}


def _factors_of(p: Plan, lang: str) -> dict[str, str]:
    b = _factor_labels(p.branches[["branch_id", "top_factors"]], lang)
    top = b["top_factors"].astype(str).map(lambda x: x.split(JOIN[lang])[0])
    return dict(zip(b["branch_id"].astype(str), top, strict=True))


def task_sheets(p: Plan, lang: str) -> str:
    """One printable page per supervisor: week, dates, branch, district, focus, why this branch."""
    why, factors = _why_of(p, lang), _factors_of(p, lang)
    c = p.summary.capacity
    homes = dict(c.home_district_by_supervisor) if c is not None else {}
    caps = _weekly(p)
    parts = []
    for sid, name in _supervisors(p):
        mine = p.visits[p.visits["supervisor_id"] == sid]
        line = t(
            "task_line",
            lang,
            home=homes.get(sid, "—"),
            cap=caps.get(sid, "—"),
            n=len(mine),
            m=mine["branch_id"].nunique(),
            scenario=p.scenario.name,
        )
        rows = []
        for r in mine.to_dict("records"):
            reason = why.get(str(r["branch_id"]), "")
            factor = factors.get(str(r["branch_id"]), "")
            no = (
                f" <span class='d'>{_esc(t('nth', lang, n=int(r['visit_no'])))}</span>"
                if r["visit_no"] > 1
                else ""
            )
            mandatory_visit = str(reason).startswith(MANDATORY_PREFIX[lang])
            extra = "" if mandatory_visit or not factor else f"{SEMI[lang]}{factor}"
            rows.append(
                {
                    "week": int(r["week"]),
                    "dates": Markup(f"<span class='nw'>{_esc(_dates(p, int(r['week']), lang))}</span>"),
                    "branch_name": Markup(
                        f"{_esc(r['branch_name'])}{no} <span class='d'>{_esc(r['branch_id'])}</span>"
                    ),
                    "district": r["district"],
                    "focus": dimension_label(str(r["focus"]), lang),
                    "why_here": Markup(f"{_esc(reason)}<span class='d'>{_esc(extra)}</span>"),
                }
            )
        parts.append(
            f"<section class='sheet'><h2>{_esc(t('task_sheet', lang, name=name, sid=sid))}</h2>"
            f"<p class='small'>{_esc(line)}</p>"
            + table_html(pd.DataFrame(rows), lang, classes="tasks", widths=(6, 10, 29, 9, 9, 37))
            + f"<p class='small sign'>{_esc(t('task_sign', lang))}</p></section>"
        )
    return "\n".join(parts)


def marginal_values(p: Plan, lang: str) -> str:
    m = p.summary.marginal_values
    if m is None:
        return ""
    names = p.visits.drop_duplicates("supervisor_id").set_index("supervisor_id")["supervisor_name"]
    table = pd.DataFrame(
        {
            "supervisor_id": list(m.one_more_visit_per_week_by_supervisor),
            t("per_week", lang): list(m.one_more_visit_per_week_by_supervisor.values()),
            t("best_slot", lang): list(m.best_single_extra_slot_by_supervisor.values()),
        }
    )
    table.insert(1, "supervisor_name", table["supervisor_id"].map(names).fillna(""))
    table = table.sort_values([t("per_week", lang), "supervisor_id"], ascending=[False, True])
    rules = pd.DataFrame(
        {
            "rule": [binding_rule_label(r.rule, lang) for r in m.binding_rules],
            t("binding", lang): [float(r.cost) for r in m.binding_rules],
        }
    )
    intro = t("marginal_intro", lang, team=m.one_more_team_visit_every_week)
    nums = (t("per_week", lang), t("best_slot", lang), t("binding", lang))
    return (
        f"<p>{_esc(intro)}</p>"
        + "<div class='two'>"
        + table_html(table, lang, classes="narrow", numeric=nums)
        + table_html(rules, lang, classes="narrow", numeric=nums)
        + "</div>"
    )


def heading(key: str, lang: str, *, new_page: bool = False) -> str:
    """A section heading; `new_page` starts it on a new sheet when printed."""
    cls = ' class="page"' if new_page else ""
    return f"<h2{cls}>{_esc(t(key, lang))}</h2>"


def section(key: str, lang: str, body: str, *, new_page: bool = False, level: int = 2) -> str:
    """A heading kept on the same page as the start of what follows it."""
    cls = "sec page" if new_page else ("sec keep" if level > 2 else "sec")
    return f"<section class='{cls}'><h{level}>{_esc(t(key, lang))}</h{level}>{body}</section>"


def rules_table(p: Plan, lang: str) -> str:
    """Every rule of the scenario with its value, as the settings describe them."""
    sc = p.scenario
    rows = [
        {"rule": r.label(lang), "value": r.format(sc.value(r.key), lang)}
        for r in (*section_settings("rules"), *(section_settings("year") if sc.year.enabled else ()))
    ]
    weights = JOIN[lang].join(f"{dimension_label(d, lang)} {sc.weights[d]:g}" for d in DIMENSIONS)
    rows.append({"rule": t("weights", lang), "value": weights})
    return table_html(pd.DataFrame(rows), lang, classes="narrow")


def kpi_table(p: Plan, lang: str) -> str:
    """The KPIs in the one order: the plan, the hand ranking and the difference."""
    plan_k, base_k = p.summary.kpis, p.summary.baseline
    rows = [
        {
            "kpi": k.label(lang),
            t("plan", lang): format_kpi_of(plan_k, k.key, lang),
            t("baseline", lang): format_kpi_of(base_k, k.key, lang),
            t("difference", lang): format_kpi_difference(
                k.key, kpi_value(plan_k, k.key), kpi_value(base_k, k.key), lang
            ),
        }
        for k in KPIS
    ]
    nums = (t("plan", lang), t("baseline", lang), t("difference", lang))
    return table_html(pd.DataFrame(rows), lang, classes="narrow", numeric=nums)


def solver_details(p: Plan, lang: str) -> str:
    s = p.summary
    solved = t(
        "objective_line",
        lang,
        objective=s.objective,
        bound=s.bound,
        gap=s.gap,
        solver=s.solver,
        seconds=s.solve_seconds,
    )
    return f"<p>{_esc(t('status', lang))}{COLON[lang]}{_esc(_status(p, lang))}{SEP[lang]}{_esc(solved)}</p>"


def district_summary(p: Plan) -> pd.DataFrame:
    b = p.branches.copy()
    b["is_visited"] = b["visits"] > 0
    b["is_high"] = b["risk_tier"] == "高"
    b["is_high_visited"] = b["is_high"] & b["is_visited"]
    b["risk_if_visited"] = b["risk_score"].where(b["is_visited"], 0.0)
    g = b.groupby("district", sort=True)
    out = pd.DataFrame(
        {
            "branches": g.size(),
            "visited": g["is_visited"].sum(),
            "high": g["is_high"].sum(),
            "high_visited": g["is_high_visited"].sum(),
            "visits": g["visits"].sum(),
            "total_risk": g["risk_score"].sum().round(1),
            "risk_visited": g["risk_if_visited"].sum().round(1),
        }
    )
    out["coverage"] = (out["risk_visited"] / out["total_risk"]).map(lambda x: f"{x:.0%}")
    return out.reset_index()


def district_table(p: Plan, lang: str) -> str:
    return table_html(district_summary(p), lang)


def district_chart(p: Plan, lang: str) -> Figure:
    d = district_summary(p).sort_values("total_risk", ascending=True)
    with style():
        return _district_chart(d, lang)


def _district_chart(d: pd.DataFrame, lang: str) -> Figure:
    fig, ax = plt.subplots(figsize=(8, max(2.2, 0.26 * len(d) + 0.9)), dpi=90)
    y = np.arange(len(d))
    ax.barh(y, d["total_risk"], color="#d9d9d9", label=COLUMNS["total_risk"][lang])
    ax.barh(y, d["risk_visited"], color="#c0392b", label=COLUMNS["risk_visited"][lang])
    ax.set_yticks(y, d["district"].tolist(), parse_math=False)  # a '$' in a name is text
    ax.set_xlabel(COLUMNS["risk_score"][lang])
    ax.legend(loc="lower right", frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    plt.close(fig)
    return fig


def weekly_chart(p: Plan, lang: str) -> Figure:
    weeks = p.scenario.horizon.weeks
    counts = p.visits["week"].value_counts().reindex(range(1, weeks + 1), fill_value=0)
    base = (
        p.baseline_visits["week"].value_counts().reindex(range(1, weeks + 1), fill_value=0)
        if len(p.baseline_visits)
        else counts * 0
    )
    with style():
        return _weekly_chart(counts, base, weeks, lang)


def _weekly_chart(counts: pd.Series, base: pd.Series, weeks: int, lang: str) -> Figure:
    fig, ax = plt.subplots(figsize=(8, 2.4), dpi=90)
    x = np.arange(1, weeks + 1)
    ax.bar(x - 0.2, counts.to_numpy(), width=0.4, color="#c0392b", label=t("plan", lang))
    ax.bar(x + 0.2, base.to_numpy(), width=0.4, color="#95a5a6", label=t("baseline", lang))
    ax.set_xticks(x)
    ax.set_xlabel(COLUMNS["week"][lang])
    ax.set_ylabel(COLUMNS["visits"][lang])
    ax.legend(frameon=False, ncols=2, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    ax.spines[["top", "right"]].set_visible(False)
    fig.tight_layout()
    plt.close(fig)
    return fig


def _with_focus_label(visits: pd.DataFrame, lang: str) -> pd.DataFrame:
    v = visits.copy()
    v["focus"] = v["focus"].map(lambda f: dimension_label(f, lang))
    return v


def schedule_by_week(p: Plan, lang: str) -> str:
    v = _with_focus_label(p.visits, lang)
    cols = ["week", "week_start", "supervisor_name", "branch_name", "district", "focus", "risk_score"]
    return table_html(v[cols], lang, classes="schedule")


def supervisor_grid(p: Plan, lang: str) -> str:
    v = p.visits
    if v.empty:
        return ""
    grid = v.pivot_table(
        index=["supervisor_id", "supervisor_name"],
        columns="week",
        values="visit_id",
        aggfunc="count",
        fill_value=0,
    )
    grid = grid.reindex(columns=range(1, p.scenario.horizon.weeks + 1), fill_value=0)
    grid.columns = [str(c) for c in grid.columns]
    grid["visits"] = grid.sum(axis=1)
    grid = grid.reset_index().replace({0: ""})
    return table_html(
        grid, lang, classes="grid", numeric=[str(w) for w in range(1, p.scenario.horizon.weeks + 1)]
    )


def unvisited(p: Plan, lang: str, limit: int = 25) -> str:
    """The riskiest branches without a visit, each with the reason the solved plan gives."""
    b = p.branches
    left = b[b["visits"] == 0].sort_values(["risk_score", "branch_id"], ascending=[False, True])
    visited = b[b["visits"] > 0]
    lowest = visited.groupby("district")["risk_score"].min()
    lower = left["risk_score"] <= left["district"].map(lowest).fillna(-1.0)
    col = f"why_{lang}"
    reason = left[col] if col in left else pd.Series("", index=left.index)
    left = left.assign(reason=reason, risk_tier=left["risk_tier"].map(lambda x: tier_label(x, lang)))
    shown = left.head(limit)
    intro = t(
        "unvisited_intro",
        lang,
        n=len(left),
        lower=int(lower.sum()),
        rule=int((~lower).sum()),
        shown=len(shown),
    )
    cols = ["branch_id", "name", "district", "risk_score", "risk_tier", "reason"]
    shown = shown.assign(branch_id=[Markup(f"<span class='nw'>{_esc(x)}</span>") for x in shown["branch_id"]])
    return f"<p>{_esc(intro)}</p>" + table_html(
        shown[cols], lang, classes="unvisited", widths=(8, 18, 8, 6, 5, 55)
    )


def _factor_labels(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    if "top_factors" not in frame:
        return frame
    names = (
        {**DIMENSION_ZH, "staleness": t("staleness", "zh")}
        if lang == "zh"
        else {"staleness": t("factor_staleness_en", "en")}
    )
    out = frame.copy()
    out["top_factors"] = out["top_factors"].map(
        lambda s: JOIN[lang].join(
            " ".join([names.get(w.split(" ")[0], w.split(" ")[0]), *w.split(" ")[1:]])
            for w in str(s).split(", ")
            if w
        )
    )
    return out


def mandatory(p: Plan, lang: str) -> str:
    """Mandatory visits by reason: how many are required and planned; any shortfall by name."""
    b = p.branches[p.branches["mandatory_visits"] > 0].copy()
    met = int(np.minimum(b["visits"], b["mandatory_visits"]).sum())
    required = int(b["mandatory_visits"].sum())
    b["mandatory_reason"] = b["mandatory_reason"].map(lambda r: reasons_text(str(r), lang))
    b["planned"] = np.minimum(b["visits"], b["mandatory_visits"])
    table = (
        b.groupby("mandatory_reason", sort=True)
        .agg(branches=("branch_id", "size"), required=("mandatory_visits", "sum"), planned=("planned", "sum"))
        .reset_index()
    )
    table["result"] = np.where(table["planned"] >= table["required"], t("met", lang), t("short", lang))
    intro = t("mandatory_intro", lang, met=met, required=required)
    out = f"<p>{_esc(intro)}</p>" + table_html(table, lang, classes="narrow")
    short = b[b["visits"] < b["mandatory_visits"]]
    if len(short):
        cols = ["branch_id", "name", "district", "mandatory_reason", "mandatory_visits", "visits"]
        out += table_html(short[cols], lang)
    return out


CSS = """
@page { size: A4; margin: 10mm 10mm; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC",
       sans-serif; color: #222; max-width: 1050px; margin: 0 auto; padding: 16px; font-size: 10.5pt; }
h1 { color: #a61b1b; border-bottom: 3px solid #a61b1b; padding-bottom: 6px; margin: 0 0 8px; }
h2 { color: #a61b1b; margin: 18px 0 6px; border-bottom: 1px solid #ddd; font-size: 14pt; }
h3 { margin: 12px 0 4px; font-size: 11pt; }
h1, h2, h3 { break-after: avoid; page-break-after: avoid; }
p { margin: 4px 0 8px; }
.small { font-size: 9pt; color: #444; }
.d { color: #777; font-size: 8pt; }
.w { display: inline-block; min-width: 1.6em; color: #a61b1b; font-weight: bold; }
.nw, td.num, th.num { white-space: nowrap; }
td.num, th.num { text-align: right; }
table.dudao { border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 6px 0 12px; }
table.dudao.narrow { width: auto; min-width: 50%; }
table.dudao th { background: #f3e5e5; text-align: left; padding: 2px 5px; vertical-align: bottom; }
table.dudao td { border-top: 1px solid #e4e4e4; padding: 2px 5px; vertical-align: top;
                 overflow-wrap: anywhere; }
table.dudao thead { display: table-header-group; }
table.dudao tr { break-inside: avoid; page-break-inside: avoid; }
table.dudao.grid td, table.dudao.grid th { text-align: center; padding: 1px 3px; }
table.dudao.tasks, table.dudao.weekpage, table.dudao.unvisited { table-layout: fixed; }
table.dudao.tasks { font-size: 8pt; }
table.dudao.tasks td { padding: 1px 3px; line-height: 1.2; }
table.dudao.tasks .d { font-size: 7pt; }
table.dudao.weekpage td { line-height: 1.35; }
div.two { display: flex; gap: 16px; align-items: flex-start; }
div.two table.dudao.narrow { min-width: 0; }
img { max-width: 100%; height: auto; }
.jp-OutputArea-output, .output_area { overflow-x: visible; }
section.keep { break-inside: avoid; page-break-inside: avoid; }
section.sheet, .page { break-before: page; page-break-before: always; }
section.sec > h2 + * , section.sec > h2 + p + * { break-before: avoid; }
.sign { margin-top: 10px; border-top: 1px dashed #bbb; padding-top: 4px; }
@media print { body { max-width: none; padding: 0; font-size: 9.5pt; } }
"""


def _notebook_html(executed: Path) -> str:
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="basic",
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
        exclude_markdown=True,
    )
    body, _ = exporter.from_notebook_node(nbformat.read(executed, as_version=4))
    return body


def render(plan_dir: Path, lang: str = "zh", out: Path | None = None, week: int = 0) -> Path:
    """Execute the report notebook on a plan folder and write standalone `report.html`."""
    import papermill

    plan_dir = Path(plan_dir)
    folder = read_plan(plan_dir)
    if out is None:
        from planner import province

        if province.counties(folder):  # a province: an overview page linking a report per county
            return province.render(plan_dir, lang)
    out = out or plan_dir / "report.html"
    title = folder.scenario.name
    with temp_dir("dudao-report-") as tmp:
        executed = Path(tmp) / "report.ipynb"
        papermill.execute_notebook(
            str(notebook("report.ipynb")),
            str(executed),
            parameters={"plan_dir": str(plan_dir.resolve()), "lang": lang, "week": week},
            progress_bar=False,
            log_output=False,
            kernel_name="python3",
            cwd=tmp,
            extra_arguments=["--IPKernelApp.log_level=ERROR"],
        )
        body = _notebook_html(executed)
    page = (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>{_esc(title)}</title>\n<style>{CSS}</style>\n'
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    # `planner report` re-renders a plan's report in place: the one output that is replaced
    with atomic_output(out, replace=True) as partial:
        partial.write_text(page, encoding="utf-8")
    return out


def _flat(data: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def _setting_label(key: str, lang: str) -> str:
    section, _, name = key.partition(".")
    if key in SETTINGS:
        return f"{SETTINGS[key].label(lang)} ({key})"
    if section == "weights":
        return f"{t('weights', lang)}{SEP[lang].strip()}{dimension_label(name, lang)} ({key})"
    labels = {
        "name": t("scenario", lang),
        "horizon.start": t("horizon", lang),
        "horizon.weeks": t("horizon", lang),
    }
    return f"{labels[key]} ({key})" if key in labels else key


def _show(value: Any) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, float):
        return f"{value:g}"
    if isinstance(value, list | tuple):
        return " / ".join(_show(v) for v in value)
    return str(value)


def setting_differences(folders: list[Plan], lang: str) -> pd.DataFrame:
    """Every setting that differs between the plans: scenario keys, capacities, data files."""
    from planner.scenario import scenario_to_dict

    columns = _plan_labels(folders)
    rows: list[list[str]] = []
    flats = [_flat(scenario_to_dict(f.scenario)) for f in folders]
    for key in sorted(set().union(*flats)):
        values = [_show(fl.get(key, "—")) for fl in flats]
        if len(set(values)) > 1:
            rows.append([_setting_label(key, lang), *values])
    caps = [f.summary.capacity for f in folders]
    slots = [str(c.visit_slots) if c is not None else "—" for c in caps]
    if len(set(slots)) > 1:
        rows.append([t("visit_slots", lang), *slots])
    weekly = [dict(c.weekly_by_supervisor) if c is not None else {} for c in caps]
    for sid in sorted(set().union(*weekly)):
        values = [str(w.get(sid, "—")) for w in weekly]
        if len(set(values)) > 1:
            rows.append([f"{t('weekly_capacity', lang)} {sid}", *values])
    # input files in the order they were read (branches, supervisors, scenario), compared by place
    files = [[(c.file, c.sha256) for c in f.summary.inputs] for f in folders]
    for i in range(max((len(fl) for fl in files), default=0)):
        entries = [fl[i] if i < len(fl) else ("—", "—") for fl in files]
        if len({sha for _, sha in entries}) > 1:
            names = " | ".join(dict.fromkeys(name for name, _ in entries))
            rows.append(
                [f"{t('data_file', lang)} {i + 1}: {names} (sha256)", *[sha[:12] for _, sha in entries]]
            )
    return pd.DataFrame(rows, columns=[t("setting", lang), *columns])


def _plan_labels(folders: list[Plan]) -> list[str]:
    labels: list[str] = []
    for i, f in enumerate(folders, start=1):
        label = f.name
        labels.append(label if label not in labels else f"{i}. {f.path or f.name}")
    return labels


def comparison(folders: list[Plan], lang: str) -> pd.DataFrame:
    """The KPIs of several plans side by side (the one KPI order), each one's difference from the first."""
    labels = _plan_labels(folders)
    names = [
        t("scenario", lang),
        t("status", lang),
        t("horizon", lang),
        *[k.label(lang) for k in KPIS],
        t("baseline_objective", lang),
        t("improvement_over_baseline", lang),
        t("gap", lang),
    ]
    table: dict[str, list[str]] = {COLUMNS["kpi"][lang]: names}
    first = folders[0].summary
    for i, (label, f) in enumerate(zip(labels, folders, strict=True)):
        s, k = f.summary, f.summary.kpis
        table[label] = [
            f.scenario.name,
            t(s.status.value, lang),
            t("weeks_from", lang, weeks=f.scenario.horizon.weeks, start=f.scenario.horizon.start),
            *[format_kpi_of(k, x.key, lang) for x in KPIS],
            format_kpi_of(s.baseline, "objective", lang),
            format_gain(s.improvement_over_baseline),
            format_gap(s.gap),
        ]
        if i:
            diffs = [
                "",
                "",
                "",
                *[
                    format_kpi_difference(x.key, kpi_value(k, x.key), kpi_value(first.kpis, x.key), lang)
                    for x in KPIS
                ],
                f"{s.baseline.objective - first.baseline.objective:+.1f}",
                "",
                "",
            ]
            table[f"{t('difference', lang)} {i + 1}−1" if len(folders) > 2 else t("difference", lang)] = diffs
    return pd.DataFrame(table)


def text_table(frame: pd.DataFrame) -> str:
    """A table for the terminal, aligned by display width (CJK characters take two columns)."""
    from wcwidth import wcswidth

    def width(text: str) -> int:
        w = wcswidth(text)
        return w if w >= 0 else len(text)

    rows = [[str(c) for c in frame.columns], *[[str(v) for v in r] for r in frame.itertuples(index=False)]]
    widths = [max(width(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for n, r in enumerate(rows):
        cells = [v + " " * (w - width(v)) for v, w in zip(r, widths, strict=True)]
        lines.append("  ".join(cells).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def write_comparison(folders: list[Plan], out: Path, lang: str = "zh") -> Path:
    table = comparison(folders, lang)
    title = t("compare_title", lang)
    settings = setting_differences(folders, lang)
    body = f"<h1>{_esc(title)}</h1><h2>{_esc(t('settings_differ', lang))}</h2>"
    body += table_html(settings, lang) if len(settings) else f"<p>{_esc(t('no_differences', lang))}</p>"
    body += f"<h2>{_esc(t('kpis_compared', lang))}</h2>" + table_html(table, lang)
    page = (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>{_esc(title)}</title>\n<style>{CSS}</style>\n'
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    with atomic_output(out, flag="--out") as partial:
        partial.write_text(page, encoding="utf-8")
    return out
