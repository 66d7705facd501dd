"""The pieces of the visit schedule report, in Chinese or English, from a plan folder alone.

`notebooks/report.ipynb` lays these out; `render` executes that notebook with papermill and turns
it into one standalone HTML file (no input cells, no external scripts, fonts or images).
Every text that comes from users' spreadsheets goes through escaping: nothing in a branch name
can run as code in the report.
"""

from __future__ import annotations

import html
import os
import shutil
import tempfile
from pathlib import Path

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure

from planner.plan import PlanFolder, read_plan_folder
from planner.resources import notebook
from planner.schema import DIMENSION_ZH, DIMENSIONS

CJK_FONTS = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans SC",
    "WenQuanYi Zen Hei",
    "Source Han Sans SC",
    "SimHei",
    "Microsoft YaHei",
)

TEXT: dict[str, dict[str, str]] = {
    "title": {"zh": "督导走访计划", "en": "Supervisory visit plan"},
    "scenario": {"zh": "方案", "en": "Scenario"},
    "horizon": {"zh": "计划周期", "en": "Horizon"},
    "weeks_from": {"zh": "{weeks} 周，自 {start} 起", "en": "{weeks} weeks from {start}"},
    "status": {"zh": "求解状态", "en": "Solver status"},
    "optimal": {"zh": "已证明最优", "en": "proven optimal"},
    "feasible": {"zh": "可行（未证明最优）", "en": "feasible (not proven optimal)"},
    "objective_line": {
        "zh": "目标值 {objective:.1f}，上界 {bound:.1f}，差距 {gap:.3%}（{solver}，{seconds:.2f} 秒）",
        "en": "objective {objective:.1f}, bound {bound:.1f}, gap {gap:.3%} ({solver}, {seconds:.2f} s)",
    },
    "rules": {"zh": "方案规则", "en": "The scenario's rules"},
    "kpis": {"zh": "关键指标：优化计划与人工排序对比", "en": "Key figures: the plan against ranking by hand"},
    "districts": {"zh": "各片区风险与督导覆盖", "en": "Risk and coverage by district"},
    "weekly": {"zh": "每周走访次数", "en": "Visits per week"},
    "by_week": {"zh": "逐周走访安排", "en": "The schedule week by week"},
    "by_supervisor": {"zh": "督导员安排", "en": "The schedule supervisor by supervisor"},
    "grid": {"zh": "督导员 × 周次（走访次数）", "en": "Supervisor × week (visits)"},
    "unvisited": {"zh": "本期未安排走访的组织", "en": "Branches left without a visit"},
    "unvisited_intro": {
        "zh": "共 {n} 个组织未安排走访。其中 {lower} 个的风险低于所有被选中的组织；"
        "{rule} 个风险不低，但因规则（督导员容量、回避、跨片区成本或间隔要求）让位于其他组织。"
        "下表列出风险最高的 {shown} 个。",
        "en": "{n} branches get no visit. {lower} have lower risk than every branch chosen; "
        "{rule} are not lower, but a rule (capacity, conflicts of interest, travel cost or "
        "spacing) made other branches worth more. The {shown} riskiest are listed.",
    },
    "mandatory": {"zh": "必访组织及落实情况", "en": "Mandatory visits and how they are met"},
    "mandatory_intro": {
        "zh": "必访走访 {met}/{required} 次已落实。",
        "en": "{met} of {required} mandatory visits are planned.",
    },
    "reason_lower": {"zh": "风险较低", "en": "lower risk"},
    "reason_rule": {"zh": "受规则限制", "en": "a rule"},
    "weak_lax": {"zh": "软弱涣散", "en": "weak and lax"},
    "overdue": {"zh": "超期未督导", "en": "overdue"},
    "audit": {"zh": "随机抽查", "en": "audit draw"},
    "coverage": {"zh": "全覆盖", "en": "coverage"},
    "contact": {"zh": "联系点", "en": "contact point"},
    "followup": {"zh": "回头看", "en": "follow-up"},
    "met": {"zh": "已落实", "en": "met"},
    "short": {"zh": "未落实", "en": "short"},
    "plan": {"zh": "优化计划", "en": "Optimised plan"},
    "baseline": {"zh": "人工排序", "en": "Ranking by hand"},
    "difference": {"zh": "差异", "en": "Difference"},
    "compare_title": {"zh": "方案对比", "en": "Scenario comparison"},
    "marginal": {"zh": "增加督导力量的边际价值", "en": "What more capacity would add"},
    "marginal_intro": {
        "zh": "由线性松弛的对偶值估算（变化率，对整次走访为下限估计；精确数字请用 planner sweep 重新求解）。"
        "全队每周多一次走访约可多化解风险 {team:.1f}。",
        "en": "Estimated from the LP relaxation's duals (rates; a lower estimate for a whole visit — "
        "planner sweep re-solves for exact figures). One more team visit every week would "
        "address about {team:.1f} more risk.",
    },
    "binding": {"zh": "约束代价（放宽后可多化解的风险）", "en": "What the rules cost"},
    "per_week": {"zh": "每周多一次走访", "en": "One more visit a week"},
    "best_slot": {"zh": "最佳单次加派", "en": "Best single extra visit"},
}

COLUMNS: dict[str, dict[str, str]] = {
    "visit_id": {"zh": "走访编号", "en": "Visit"},
    "week": {"zh": "周次", "en": "Week"},
    "week_start": {"zh": "周一日期", "en": "Week of"},
    "supervisor_id": {"zh": "督导员编号", "en": "Supervisor ID"},
    "supervisor_name": {"zh": "督导员", "en": "Supervisor"},
    "branch_id": {"zh": "组织编号", "en": "Branch ID"},
    "branch_name": {"zh": "组织名称", "en": "Branch"},
    "name": {"zh": "组织名称", "en": "Branch"},
    "district": {"zh": "片区", "en": "District"},
    "focus": {"zh": "督导重点", "en": "Focus"},
    "risk_score": {"zh": "风险分", "en": "Risk"},
    "risk_tier": {"zh": "风险等级", "en": "Tier"},
    "top_factors": {"zh": "主要风险因素", "en": "Top factors"},
    "visits": {"zh": "走访次数", "en": "Visits"},
    "visit_no": {"zh": "第几次", "en": "Visit no."},
    "mandatory_reason": {"zh": "必访原因", "en": "Why mandatory"},
    "mandatory_visits": {"zh": "应访次数", "en": "Required"},
    "reason": {"zh": "未访原因", "en": "Why not"},
    "responsible_supervisor_id": {"zh": "责任人", "en": "Responsible"},
    "result": {"zh": "落实情况", "en": "Result"},
    "branches": {"zh": "组织数", "en": "Branches"},
    "visited": {"zh": "已安排组织", "en": "Visited"},
    "high": {"zh": "高风险组织", "en": "High risk"},
    "high_visited": {"zh": "高风险已安排", "en": "High risk visited"},
    "total_risk": {"zh": "风险合计", "en": "Total risk"},
    "risk_visited": {"zh": "已安排组织风险", "en": "Risk of visited"},
    "coverage": {"zh": "风险覆盖率", "en": "Risk covered"},
    "weeks_used": {"zh": "走访周次", "en": "Weeks"},
    "rule": {"zh": "规则", "en": "Rule"},
    "value": {"zh": "取值", "en": "Value"},
    "kpi": {"zh": "指标", "en": "Figure"},
}

KPI_LABELS: dict[str, dict[str, str]] = {
    "objective": {"zh": "目标值（风险化解量）", "en": "Objective (risk addressed, net)"},
    "visits": {"zh": "走访总次数", "en": "Visits"},
    "branches_visited": {"zh": "覆盖组织数", "en": "Branches visited"},
    "high_risk_visited_share": {"zh": "高风险组织覆盖率", "en": "High-risk branches visited"},
    "risk_share_of_visited_branches": {"zh": "风险覆盖率", "en": "Share of total risk visited"},
    "mandatory_visits_met": {"zh": "必访走访落实", "en": "Mandatory visits met"},
    "visits_per_supervisor_min": {"zh": "人均走访最少", "en": "Visits per supervisor, min"},
    "visits_per_supervisor_max": {"zh": "人均走访最多", "en": "Visits per supervisor, max"},
    "visits_outside_home_district": {"zh": "跨片区走访", "en": "Visits outside home district"},
}

RULE_LABELS: dict[str, dict[str, str]] = {
    "max_visits_per_branch": {"zh": "每个组织最多走访次数", "en": "Most visits per branch"},
    "min_weeks_between_visits": {"zh": "两次走访最少间隔（周）", "en": "Weeks between two visits"},
    "weak_lax_min_visits": {"zh": "软弱涣散组织最少走访", "en": "Visits to each weak-and-lax branch"},
    "overdue_days": {"zh": "超期未督导天数", "en": "Overdue after (days)"},
    "district_min_share": {"zh": "各片区最低覆盖比例", "en": "Least share visited per district"},
    "repeat_value": {"zh": "第 1/2/3 次走访的价值", "en": "Worth of the 1st/2nd/3rd visit"},
    "one_responsible_supervisor": {"zh": "每个组织一名责任人", "en": "One responsible supervisor"},
    "travel_penalty": {"zh": "跨片区走访成本", "en": "Travel penalty per visit"},
    "audit_share": {"zh": "随机抽查占用容量比例", "en": "Share of slots for audit visits"},
}


def t(key: str, lang: str, **fmt: object) -> str:
    text = TEXT[key][lang]
    return text.format(**fmt) if fmt else text


def dimension_label(key: str, lang: str) -> str:
    return DIMENSION_ZH.get(key, key) if lang == "zh" else key


def _use_cjk_font() -> None:
    installed = {f.name for f in font_manager.fontManager.ttflist}
    if not any(f in installed for f in CJK_FONTS) and shutil.which("fc-list"):
        # fonts installed after matplotlib cached its font list are found only on a rebuild
        fresh = font_manager.FontManager()
        if any(f.name in CJK_FONTS for f in fresh.ttflist):
            font_manager.fontManager = fresh
            installed = {f.name for f in fresh.ttflist}
    chosen = [f for f in CJK_FONTS if f in installed]
    plt.rcParams["font.sans-serif"] = [*chosen, "DejaVu Sans"]
    plt.rcParams["font.family"] = "sans-serif"
    plt.rcParams["axes.unicode_minus"] = False
    plt.rcParams["svg.hashsalt"] = "dudao"


_use_cjk_font()


def table_html(frame: pd.DataFrame, lang: str, *, classes: str = "") -> str:
    """An escaped HTML table with headers in the report's language."""
    shown = frame.rename(columns={c: COLUMNS[c][lang] for c in frame.columns if c in COLUMNS})
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


def load(plan_dir: str | Path | None) -> PlanFolder:
    """The plan folder to report on; none given: the sample county, planned now."""
    if plan_dir:
        return read_plan_folder(Path(plan_dir))
    from planner.datasets import sample_paths
    from planner.inputs import load_inputs
    from planner.plan import plan, write_plan
    from planner.scenario import load_scenario

    branches, supervisors, scenario_file = sample_paths()
    scenario = load_scenario(scenario_file)
    result = plan(load_inputs(branches, supervisors, horizon_weeks=scenario.horizon.weeks), scenario)
    folder = Path(tempfile.mkdtemp(prefix="dudao-sample-")) / "plan"
    return read_plan_folder(write_plan(result, folder))


def header(p: PlanFolder, lang: str) -> str:
    s, sc = p.summary, p.scenario
    horizon = t("weeks_from", lang, weeks=sc.horizon.weeks, start=sc.horizon.start)
    solved = t(
        "objective_line",
        lang,
        objective=s["objective"],
        bound=s["bound"],
        gap=s["gap"],
        solver=s["solver"],
        seconds=s["solve_seconds"],
    )
    return (
        f"<h1>{_esc(t('title', lang))}</h1>"
        f"<p class='lead'><b>{_esc(t('scenario', lang))}</b>：{_esc(sc.name)}<br>"
        f"<b>{_esc(t('horizon', lang))}</b>：{_esc(horizon)}<br>"
        f"<b>{_esc(t('status', lang))}</b>：{_esc(t(s['status'], lang))}；{_esc(solved)}</p>"
    )


def marginal_values(p: PlanFolder, lang: str) -> str:
    m = p.summary.get("marginal_values")
    if not m:
        return ""
    names = p.visits.drop_duplicates("supervisor_id").set_index("supervisor_id")["supervisor_name"]
    table = pd.DataFrame(
        {
            "supervisor_id": list(m["one_more_visit_per_week_by_supervisor"]),
            t("per_week", lang): list(m["one_more_visit_per_week_by_supervisor"].values()),
            t("best_slot", lang): list(m["best_single_extra_slot_by_supervisor"].values()),
        }
    )
    table.insert(1, "supervisor_name", table["supervisor_id"].map(names).fillna(""))
    table = table.sort_values([t("per_week", lang), "supervisor_id"], ascending=[False, True])
    rules = pd.DataFrame(m["binding_rules"]).rename(
        columns={"rule": COLUMNS["rule"][lang], "cost": t("binding", lang)}
    )
    intro = t("marginal_intro", lang, team=m["one_more_team_visit_every_week"])
    return (
        f"<p>{_esc(intro)}</p>"
        + table_html(table, lang, classes="narrow")
        + table_html(rules, lang, classes="narrow")
    )


def heading(key: str, lang: str, *, new_page: bool = False) -> str:
    """A section heading; `new_page` starts it on a new sheet when printed."""
    cls = ' class="page"' if new_page else ""
    return f"<h2{cls}>{_esc(t(key, lang))}</h2>"


def rules_table(p: PlanFolder, lang: str) -> str:
    r = p.scenario.rules
    rows = []
    for key, label in RULE_LABELS.items():
        value = getattr(r, key)
        if isinstance(value, tuple):
            value = " / ".join(f"{v:g}" for v in value)
        elif isinstance(value, bool):
            value = ("是" if value else "否") if lang == "zh" else ("yes" if value else "no")
        rows.append({"rule": label[lang], "value": str(value)})
    weights = "、".join(f"{dimension_label(d, lang)} {p.scenario.weights[d]:g}" for d in DIMENSIONS)
    rows.append({"rule": "维度权重" if lang == "zh" else "Dimension weights", "value": weights})
    return table_html(pd.DataFrame(rows), lang, classes="narrow")


def kpi_table(p: PlanFolder, lang: str) -> str:
    plan_k, base_k = p.summary["kpis"], p.summary["baseline"]
    rows = []
    for key in KPI_LABELS:
        a, b = plan_k[key], base_k[key]
        if key == "mandatory_visits_met":
            fa = f"{a}/{plan_k['mandatory_visits_required']}"
            fb = f"{b}/{base_k['mandatory_visits_required']}"
            diff = f"{a - b:+d}"
        elif key in ("high_risk_visited_share", "risk_share_of_visited_branches"):
            fa, fb, diff = f"{a:.1%}", f"{b:.1%}", f"{(a - b) * 100:+.1f} pp"
        elif isinstance(a, float):
            fa, fb = f"{a:.1f}", f"{b:.1f}"
            diff = f"{a - b:+.1f} ({(a - b) / abs(b):+.2%})" if b else f"{a - b:+.1f}"
        else:
            fa, fb, diff = str(a), str(b), f"{a - b:+d}"
        rows.append({t("plan", lang): fa, t("baseline", lang): fb, t("difference", lang): diff})
    frame = pd.DataFrame(rows)
    frame.insert(0, COLUMNS["kpi"][lang], [label[lang] for label in KPI_LABELS.values()])
    return table_html(frame, lang, classes="narrow")


def district_summary(p: PlanFolder) -> pd.DataFrame:
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


def district_table(p: PlanFolder, lang: str) -> str:
    return table_html(district_summary(p), lang)


def district_chart(p: PlanFolder, lang: str) -> Figure:
    d = district_summary(p).sort_values("total_risk", ascending=True)
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


def weekly_chart(p: PlanFolder, lang: str) -> Figure:
    weeks = p.scenario.horizon.weeks
    counts = p.visits["week"].value_counts().reindex(range(1, weeks + 1), fill_value=0)
    base = (
        p.baseline_visits["week"].value_counts().reindex(range(1, weeks + 1), fill_value=0)
        if len(p.baseline_visits)
        else counts * 0
    )
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


def schedule_by_week(p: PlanFolder, lang: str) -> str:
    v = _with_focus_label(p.visits, lang)
    cols = ["week", "week_start", "supervisor_name", "branch_name", "district", "focus", "risk_score"]
    return table_html(v[cols], lang, classes="schedule")


def supervisor_grid(p: PlanFolder, lang: str) -> str:
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


def schedule_by_supervisor(p: PlanFolder, lang: str) -> str:
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


def unvisited(p: PlanFolder, lang: str, limit: int = 30) -> str:
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
    names = {**DIMENSION_ZH, "staleness": "久未督导"}
    out = frame.copy()
    out["top_factors"] = out["top_factors"].map(
        lambda s: "、".join(
            " ".join([names.get(w.split(" ")[0], w.split(" ")[0]), *w.split(" ")[1:]])
            for w in str(s).split(", ")
            if w
        )
    )
    return out


def mandatory(p: PlanFolder, lang: str) -> str:
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
    title = read_plan_folder(plan_dir).scenario.name
    with tempfile.TemporaryDirectory(prefix="dudao-report-") as tmp:
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
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    partial.write_text(page, encoding="utf-8")
    shutil.move(partial, out)
    return out


def comparison(folders: list[PlanFolder], lang: str) -> pd.DataFrame:
    """The KPIs of several plans side by side: one column per plan."""
    rows: dict[str, list[object]] = {
        COLUMNS["kpi"][lang]: [
            t("scenario", lang),
            t("status", lang),
            t("horizon", lang),
            *[label[lang] for label in KPI_LABELS.values()],
            f"{t('baseline', lang)} · {KPI_LABELS['objective'][lang]}",
            "优化相对人工提升" if lang == "zh" else "Gain over ranking by hand",
            "gap",
        ]
    }
    for i, f in enumerate(folders, start=1):
        s, k = f.summary, f.summary["kpis"]
        values: list[object] = [
            f.scenario.name,
            t(s["status"], lang),
            t("weeks_from", lang, weeks=f.scenario.horizon.weeks, start=f.scenario.horizon.start),
        ]
        for key in KPI_LABELS:
            value = k[key]
            if key in ("high_risk_visited_share", "risk_share_of_visited_branches"):
                value = f"{value:.1%}"
            elif key == "mandatory_visits_met":
                value = f"{value}/{k['mandatory_visits_required']}"
            values.append(value)
        values += [s["baseline"]["objective"], f"{s['improvement_over_baseline']:+.2%}", f"{s['gap']:.4%}"]
        label = f.path.name if f.path.name not in rows else f"{i}. {f.path}"
        rows[label] = values
    return pd.DataFrame(rows)


def write_comparison(folders: list[PlanFolder], out: Path, lang: str = "zh") -> Path:
    table = comparison(folders, lang)
    title = t("compare_title", lang)
    body = f"<h1>{_esc(title)}</h1>" + table.to_html(index=False, escape=True, border=0, classes="dudao")
    page = (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>{_esc(title)}</title>\n<style>{CSS}</style>\n'
        f"</head>\n<body>\n{body}\n</body>\n</html>\n"
    )
    if out.exists():
        raise FileExistsError(f"{out} already exists; choose a new --out.")
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    partial.write_text(page, encoding="utf-8")
    partial.rename(out)
    return out
