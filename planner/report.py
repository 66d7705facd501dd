"""The pieces of the visit schedule report, in Chinese or English, from a plan folder alone.

`notebooks/report.ipynb` lays these out; `render` executes that notebook with papermill and turns
it into one standalone HTML file (no input cells, no external scripts, fonts or images).
Every text that comes from users' spreadsheets goes through escaping: nothing in a branch name
can run as code in the report.
"""

from __future__ import annotations

import html
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from planner.atomic import atomic_output, temp_dir
from planner.charts import style
from planner.folder import Plan, read_plan
from planner.labels import (
    COLUMNS,
    KPIS,
    binding_rule_label,
    column,
    dimension_label,
    format_gain,
    format_gap,
    format_kpi_difference,
    format_kpi_of,
    kpi_value,
    t,
)
from planner.resources import notebook
from planner.scenario import section_settings
from planner.schema import DIMENSION_ZH, DIMENSIONS


def table_html(frame: pd.DataFrame, lang: str, *, classes: str = "") -> str:
    """An escaped HTML table with headers in the report's language."""
    shown = frame.rename(columns={c: column(c, lang) for c in frame.columns})
    return shown.to_html(
        index=False,
        escape=True,
        border=0,
        classes=f"dudao {classes}".strip(),
        na_rep="",
        float_format=lambda x: f"{x:.2f}",
    )


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


def header(p: Plan, lang: str) -> str:
    s, sc = p.summary, p.scenario
    horizon = t("weeks_from", lang, weeks=sc.horizon.weeks, start=sc.horizon.start)
    solved = t(
        "objective_line",
        lang,
        objective=s.objective,
        bound=s.bound,
        gap=s.gap,
        solver=s.solver,
        seconds=s.solve_seconds,
    )
    return (
        f"<h1>{_esc(t('title', lang))}</h1>"
        f"<p class='lead'><b>{_esc(t('scenario', lang))}</b>：{_esc(sc.name)}<br>"
        f"<b>{_esc(t('horizon', lang))}</b>：{_esc(horizon)}<br>"
        f"<b>{_esc(t('status', lang))}</b>：{_esc(t(s.status.value, lang))}；{_esc(solved)}</p>"
    )


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
        [{"rule": r.rule, "cost": r.cost} for r in m.binding_rules], columns=["rule", "cost"]
    )
    if len(rules):
        rules["rule"] = rules["rule"].map(lambda r: binding_rule_label(str(r), lang))
    rules = rules.rename(columns={"rule": COLUMNS["rule"][lang], "cost": t("binding", lang)})
    intro = t("marginal_intro", lang, team=m.one_more_team_visit_every_week)
    return (
        f"<p>{_esc(intro)}</p>"
        + table_html(table, lang, classes="narrow")
        + table_html(rules, lang, classes="narrow")
    )


def heading(key: str, lang: str, *, new_page: bool = False) -> str:
    """A section heading; `new_page` starts it on a new sheet when printed."""
    cls = ' class="page"' if new_page else ""
    return f"<h2{cls}>{_esc(t(key, lang))}</h2>"


def rules_table(p: Plan, lang: str) -> str:
    """Every rule of the scenario with its value, as the settings describe them."""
    sc = p.scenario
    rows = [
        {"rule": r.label(lang), "value": r.format(sc.value(r.key), lang)}
        for r in (*section_settings("rules"), *(section_settings("year") if sc.year.enabled else ()))
    ]
    weights = "、".join(f"{dimension_label(d, lang)} {sc.weights[d]:g}" for d in DIMENSIONS)
    rows.append({"rule": t("weights", lang), "value": weights})
    return table_html(pd.DataFrame(rows), lang, classes="narrow")


def kpi_table(p: Plan, lang: str) -> str:
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
    return table_html(pd.DataFrame(rows), lang, classes="narrow")


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
    fig, ax = plt.subplots(figsize=(8, max(2.5, 0.32 * len(d) + 1)), dpi=90)
    y = np.arange(len(d))
    ax.barh(y, d["total_risk"], color="#d9d9d9", label=COLUMNS["total_risk"][lang])
    ax.barh(y, d["risk_visited"], color="#c0392b", label=COLUMNS["risk_visited"][lang])
    ax.set_yticks(y, d["district"].tolist())
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
    fig, ax = plt.subplots(figsize=(8, 2.8), dpi=90)
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
    grid[COLUMNS["visits"][lang]] = grid.sum(axis=1)
    grid = grid.reset_index().replace({0: ""})
    return table_html(grid, lang, classes="grid")


def schedule_by_supervisor(p: Plan, lang: str) -> str:
    v = _with_focus_label(p.visits, lang)
    parts = []
    for (sid, name), rows in v.groupby(["supervisor_id", "supervisor_name"], sort=True):
        parts.append(f"<h3>{_esc(name)}（{_esc(sid)}）· {len(rows)}</h3>")
        parts.append(
            table_html(
                rows[["week", "week_start", "branch_name", "district", "focus", "visit_no"]],
                lang,
                classes="schedule",
            )
        )
    return "\n".join(parts)


def unvisited(p: Plan, lang: str, limit: int = 30) -> str:
    b = p.branches
    chosen = b[(b["visits"] > 0) & (b["mandatory_visits"] == 0)]
    cutoff = float(chosen["risk_score"].min()) if len(chosen) else float("inf")
    left = b[b["visits"] == 0].sort_values(["risk_score", "branch_id"], ascending=[False, True])
    lower = left["risk_score"] < cutoff
    left = left.assign(reason=np.where(lower, t("reason_lower", lang), t("reason_rule", lang)))
    shown = left.head(limit)
    intro = t(
        "unvisited_intro",
        lang,
        n=len(left),
        lower=int(lower.sum()),
        rule=int((~lower).sum()),
        shown=len(shown),
    )
    cols = ["branch_id", "name", "district", "risk_score", "risk_tier", "top_factors", "reason"]
    return f"<p>{_esc(intro)}</p>" + table_html(_factor_labels(shown[cols], lang), lang)


def _factor_labels(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    if lang != "zh" or "top_factors" not in frame:
        return frame
    names = {**DIMENSION_ZH, "staleness": t("staleness", "zh")}
    out = frame.copy()
    out["top_factors"] = out["top_factors"].map(
        lambda s: "、".join(
            " ".join([names.get(w.split(" ")[0], w.split(" ")[0]), *w.split(" ")[1:]])
            for w in str(s).split(", ")
            if w
        )
    )
    return out


def mandatory(p: Plan, lang: str) -> str:
    b = p.branches[p.branches["mandatory_visits"] > 0].copy()
    met = int(np.minimum(b["visits"], b["mandatory_visits"]).sum())
    required = int(b["mandatory_visits"].sum())
    b["mandatory_reason"] = b["mandatory_reason"].map(
        lambda r: "、".join(t(x.strip(), lang) for x in str(r).split(",") if x.strip())
    )
    b["result"] = np.where(b["visits"] >= b["mandatory_visits"], t("met", lang), t("short", lang))
    b = b.sort_values(["mandatory_visits", "risk_score", "branch_id"], ascending=[False, False, True])
    cols = [
        "branch_id",
        "name",
        "district",
        "risk_score",
        "mandatory_reason",
        "mandatory_visits",
        "visits",
        "responsible_supervisor_id",
        "result",
    ]
    intro = t("mandatory_intro", lang, met=met, required=required)
    return f"<p>{_esc(intro)}</p>" + table_html(b[cols], lang)


CSS = """
@page { size: A4; margin: 12mm; }
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", "PingFang SC",
       sans-serif; color: #222; max-width: 1050px; margin: 0 auto; padding: 16px; font-size: 11pt; }
h1 { color: #a61b1b; border-bottom: 3px solid #a61b1b; padding-bottom: 6px; }
h2 { color: #a61b1b; margin-top: 28px; border-bottom: 1px solid #ddd; }
h3 { margin: 18px 0 6px; font-size: 11pt; }
table.dudao { border-collapse: collapse; width: 100%; font-size: 9pt; margin: 8px 0 16px; }
table.dudao.narrow { width: auto; min-width: 60%; }
table.dudao th { background: #f3e5e5; text-align: left; padding: 3px 6px; }
table.dudao td { border-top: 1px solid #eee; padding: 3px 6px; word-break: break-word; }
table.dudao.grid td, table.dudao.grid th { text-align: center; padding: 2px 4px; }
img { max-width: 100%; height: auto; }
.jp-OutputArea-output, .output_area { overflow-x: visible; }
h2.page { break-before: page; }
@media print { body { max-width: none; padding: 0; font-size: 10pt; }
               h2 { break-after: avoid; } tr { break-inside: avoid; } }
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


def render(plan_dir: Path, lang: str = "zh", out: Path | None = None) -> Path:
    """Execute the report notebook on a plan folder and write standalone `report.html`."""
    import papermill

    plan_dir = Path(plan_dir)
    out = out or plan_dir / "report.html"
    title = read_plan(plan_dir).scenario.name
    with temp_dir("dudao-report-") as tmp:
        executed = Path(tmp) / "report.ipynb"
        papermill.execute_notebook(
            str(notebook("report.ipynb")),
            str(executed),
            parameters={"plan_dir": str(plan_dir.resolve()), "lang": lang},
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


def comparison(folders: list[Plan], lang: str) -> pd.DataFrame:
    """The KPIs of several plans side by side: one column per plan."""
    rows: dict[str, list[object]] = {
        COLUMNS["kpi"][lang]: [
            t("scenario", lang),
            t("status", lang),
            t("horizon", lang),
            *[k.label(lang) for k in KPIS],
            t("baseline_objective", lang),
            t("improvement_over_baseline", lang),
            t("gap", lang),
        ]
    }
    for i, f in enumerate(folders, start=1):
        s, k = f.summary, f.summary.kpis
        values: list[object] = [
            f.scenario.name,
            t(s.status.value, lang),
            t("weeks_from", lang, weeks=f.scenario.horizon.weeks, start=f.scenario.horizon.start),
            *[format_kpi_of(k, x.key, lang) for x in KPIS],
            format_kpi_of(s.baseline, "objective", lang),
            format_gain(s.improvement_over_baseline),
            format_gap(s.gap),
        ]
        label = f.name if f.name not in rows else f"{i}. {f.path or f.name}"
        rows[label] = values
    return pd.DataFrame(rows)


def write_comparison(folders: list[Plan], out: Path, lang: str = "zh") -> Path:
    table = comparison(folders, lang)
    title = t("compare_title", lang)
    body = f"<h1>{_esc(title)}</h1>" + table.to_html(index=False, escape=True, border=0, classes="dudao")
    page = (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>{_esc(title)}</title>\n<style>{CSS}</style>\n'
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    with atomic_output(out, flag="--out") as partial:
        partial.write_text(page, encoding="utf-8")
    return out
