"""Every text a planner reads, in Chinese (the default) and English, and the one way KPIs are
ordered and formatted.

The report, the workbook, `plan.xlsx`, the calendars, `planner compare`, `planner sweep` and the
command line take their words from here. The scenario's settings carry their own labels and help
texts in their descriptions (`planner.scenario.SETTINGS`), so that a rule is described once.

Importing this module imports nothing but the standard library and `planner.schema`, and changes
no global state (tested).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from planner.schema import DIMENSION_ZH

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

TEXT: Mapping[str, Mapping[str, str]] = {
    # the report
    "title": {"zh": "督导走访计划", "en": "Supervisory visit plan"},
    "scenario": {"zh": "方案", "en": "Scenario"},
    "horizon": {"zh": "计划周期", "en": "Horizon"},
    "weeks_from": {"zh": "{weeks} 周，自 {start} 起", "en": "{weeks} weeks from {start}"},
    "status": {"zh": "求解状态", "en": "Solver status"},
    "optimal": {"zh": "已证明最优", "en": "proven optimal"},
    "feasible": {"zh": "可行（未证明最优）", "en": "feasible (not proven optimal)"},
    "infeasible": {"zh": "规则无法同时满足", "en": "infeasible"},
    "objective_line": {
        "zh": "目标值 {objective:.1f}，上界 {bound:.1f}，差距 {gap:.3%}（{solver}，{seconds:.2f} 秒）",
        "en": "objective {objective:.1f}, bound {bound:.1f}, gap {gap:.3%} ({solver}, {seconds:.2f} s)",
    },
    "rules": {"zh": "方案规则", "en": "The scenario's rules"},
    "weights": {"zh": "维度权重", "en": "Dimension weights"},
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
    "staleness": {"zh": "久未督导", "en": "staleness"},
    "met": {"zh": "已落实", "en": "met"},
    "short": {"zh": "未落实", "en": "short"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "plan": {"zh": "优化计划", "en": "Optimised plan"},
    "baseline": {"zh": "人工排序", "en": "Ranking by hand"},
    "difference": {"zh": "差异", "en": "Difference"},
    "marginal": {"zh": "增加督导力量的边际价值", "en": "What more capacity would add"},
    "marginal_intro": {
        "zh": "由线性松弛的对偶值估算（变化率，对整次走访为下限估计；精确数字请用 planner sweep 重新求解）。"
        "全队每周多一次走访约可多化解风险 {team:.1f}。",
        "en": "Estimated from the LP relaxation's duals (rates; a lower estimate for a whole visit — "
        "planner sweep re-solves for exact figures). One more team visit every week would "
        "address about {team:.1f} more risk.",
    },
    "binding": {"zh": "约束代价（放宽后可多化解的风险）", "en": "What the rules cost"},
    "binding_mandatory": {"zh": "必访走访", "en": "mandatory visits"},
    "binding_share": {"zh": "片区最低覆盖比例（{district}）", "en": "district share ({district})"},
    "per_week": {"zh": "每周多一次走访", "en": "One more visit a week"},
    "best_slot": {"zh": "最佳单次加派", "en": "Best single extra visit"},
    "weakest": {"zh": "最弱维度", "en": "weakest"},
    # planner compare
    "compare_title": {"zh": "方案对比", "en": "Scenario comparison"},
    "baseline_objective": {"zh": "人工排序 · 目标值（风险化解量）", "en": "Ranking by hand · Objective"},
    "improvement_over_baseline": {"zh": "优化相对人工提升", "en": "Gain over ranking by hand"},
    "gap": {"zh": "最优性差距", "en": "gap"},
    "bound": {"zh": "上界", "en": "bound"},
    "solve_seconds": {"zh": "求解用时（秒）", "en": "solve seconds"},
    # plan.xlsx and the calendars
    "overview_sheet": {"zh": "总览", "en": "Overview"},
    "calendar_event": {
        "zh": "督导走访：{branch}（重点：{focus}）",
        "en": "Supervisory visit: {branch} (focus: {focus})",
    },
    "calendar_description": {
        "zh": "{branch_id} · 第 {visit_no} 次 · 风险分 {risk}",
        "en": "{branch_id} · visit {visit_no} · risk {risk}",
    },
    # planner sweep
    "sweep_optimizer": {"zh": "优化计划", "en": "optimizer"},
    "sweep_baseline": {"zh": "人工排序", "en": "ranking by hand"},
    "sweep_objective": {"zh": "目标值（风险化解量）", "en": "objective (risk addressed)"},
    "sweep_value": {"zh": "参数取值", "en": "value"},
    # the command line
    "cli_plan_solved": {
        "zh": "{scenario}：{status}，目标值 {objective}（上界 {bound}，差距 {gap}），求解 {seconds:.2f} 秒",
        "en": "{scenario}: {status} plan, objective {objective} (bound {bound}, gap {gap}), "
        "solved in {seconds:.2f} s",
    },
    "cli_plan_figures": {
        "zh": "{visits} 次走访，覆盖 {branches_visited}/{n_branches} 个组织；必访落实 {met}；"
        "人工排序可达 {baseline}（优化 {gain}）",
        "en": "{visits} visits to {branches_visited} of {n_branches} branches; mandatory visits met {met}; "
        "hand ranking would reach {baseline} ({gain} for the optimizer)",
    },
    "cli_valid": {
        "zh": "OK：{branches} 个组织（{districts} 个片区），{supervisors} 名督导员；"
        "方案“{scenario}”，{weeks}。",
        "en": "OK: {branches} branches in {districts} districts, {supervisors} supervisors; "
        "scenario '{scenario}', {weeks}.",
    },
    "cli_recorded": {
        "zh": "按走访记录更新了 {changed} 个组织，其余不变。",
        "en": "{changed} branches updated from the visit log; the others are unchanged.",
    },
    "cli_history_appended": {
        "zh": "督导台账追加了 {appended} 次走访：{path}",
        "en": "{appended} visits appended to the history: {path}",
    },
    # scripts read this line: the same in both languages
    "cli_report": {"zh": "report: {path}", "en": "report: {path}"},
    # the office's year (report, app, plan.xlsx)
    "year_title": {
        "zh": "本年度进度（全覆盖、联系点、回头看）",
        "en": "The year so far (coverage, contact points, follow-up)",
    },
    "year_intro": {
        "zh": "督导年度自 {start} 起。全覆盖：每个组织每年至少走访 {need} 次；"
        "本计划之后仍欠的走访按片区列出。",
        "en": "The office's year began on {start}. Coverage: every branch is visited at least {need} "
        "time(s) a year; the visits still owed after this plan are listed by district.",
    },
    "year_figure": {"zh": "指标", "en": "Figure"},
    "year_plan": {"zh": "优化方案", "en": "Plan"},
    "year_baseline": {"zh": "人工排序", "en": "Hand ranking"},
    "year_covered_before": {"zh": "本计划前已全覆盖的组织", "en": "Branches covered before this plan"},
    "year_covered_after": {"zh": "本计划后已全覆盖的组织", "en": "Branches covered after this plan"},
    "year_owed_before": {"zh": "本年尚欠走访（计划前）", "en": "Visits owed this year (before the plan)"},
    "year_owed_after": {"zh": "本年尚欠走访（计划后）", "en": "Visits owed this year (after the plan)"},
    "year_pace": {"zh": "保持进度：须完成 / 已安排", "en": "Keep pace: required / planned"},
    "year_contact_points": {"zh": "联系点数", "en": "Contact points"},
    "year_contact_owed_after": {
        "zh": "联系点尚欠走访（计划后）",
        "en": "Visits owed to contact points (after)",
    },
    "year_followups": {"zh": "回头看：应走访 / 已安排", "en": "Follow-ups: due / planned"},
    "year_standing": {
        "zh": "有固定责任人的组织：保持 / 更换",
        "en": "Branches with a standing 责任人: kept / changed",
    },
    "year_district": {"zh": "片区", "en": "District"},
    "year_owed": {"zh": "尚欠走访", "en": "Visits owed"},
    "year_due": {
        "zh": "本计划须走访的联系点与回头看",
        "en": "Contact points and follow-ups due in this plan",
    },
    "year_none_owed": {
        "zh": "本计划后本年度无尚欠走访。",
        "en": "No visits are owed for the year after this plan.",
    },
    "year_branch_id": {"zh": "组织编号", "en": "Branch"},
    "year_name": {"zh": "组织名称", "en": "Name"},
    "year_reason": {"zh": "原因", "en": "Reason"},
    "year_visits": {"zh": "安排走访", "en": "Visits"},
    "year_responsible": {"zh": "责任人", "en": "责任人"},
    "year_changed": {"zh": "责任人变更", "en": "责任人 changed"},
    "year_coverage": {"zh": "全覆盖", "en": "coverage"},
    "year_contact": {"zh": "联系点", "en": "contact point"},
    "year_followup": {"zh": "回头看", "en": "follow-up"},
    "year_sheet": {"zh": "本年度进度", "en": "Year"},
    # the workbook
    "wb_all": {"zh": "全部", "en": "All"},
    "wb_capacity_factor": {"zh": "团队容量倍数", "en": "Team capacity ×"},
    "wb_branches_file": {"zh": "组织文件", "en": "Branches file"},
    "wb_branches_placeholder": {
        "zh": "空：示例县 · empty: the sample county",
        "en": "empty: the sample county",
    },
    "wb_supervisors_file": {"zh": "督导员文件", "en": "Supervisors file"},
    "wb_scenario_file": {"zh": "方案文件 (TOML)", "en": "Scenario file (TOML)"},
    "wb_save_path": {"zh": "方案文件", "en": "Scenario file"},
    "wb_load": {"zh": "载入数据 Load", "en": "Load"},
    "wb_solve": {"zh": "求解 Solve", "en": "Solve"},
    "wb_save": {"zh": "保存方案 Save TOML", "en": "Save TOML"},
    "wb_export": {"zh": "导出报告 Export report", "en": "Export report"},
    "wb_supervisor": {"zh": "督导员", "en": "Supervisor"},
    "wb_district": {"zh": "片区", "en": "District"},
    "wb_tab_weights": {"zh": "维度权重", "en": "Weights"},
    "wb_tab_rules": {"zh": "规则", "en": "Rules"},
    "wb_tab_team": {"zh": "督导员容量", "en": "Team capacity"},
    "wb_tab_horizon": {"zh": "计划周期", "en": "Horizon"},
    "wb_tab_risk": {"zh": "风险与求解", "en": "Risk and solver"},
    "wb_tab_files": {"zh": "数据文件", "en": "Data files"},
    "wb_tab_kpis": {"zh": "关键指标", "en": "Key figures"},
    "wb_tab_districts": {"zh": "各片区", "en": "Districts"},
    "wb_tab_weekly": {"zh": "每周走访", "en": "Visits per week"},
    "wb_tab_schedule": {"zh": "走访安排", "en": "Schedule"},
    "wb_tab_history": {"zh": "方案对比", "en": "Comparison"},
    "wb_tab_year": {"zh": "本年度进度", "en": "The year so far"},
    "wb_tab_year_rules": {"zh": "督导年度", "en": "The year's rules"},
    "wb_loaded": {
        "zh": "已载入 {branches} 个组织、{supervisors} 名督导员",
        "en": "Loaded {branches} branches and {supervisors} supervisors",
    },
    "wb_solved": {
        "zh": "{label}: {status}，目标值 {objective}，较人工排序 {gain}",
        "en": "{label}: {status}, objective {objective}, {gain} over ranking by hand",
    },
    "wb_saved": {"zh": "已保存 {path}", "en": "Saved {path}"},
    "wb_exported": {"zh": "报告已导出：{path}", "en": "Report exported: {path}"},
    "wb_source": {"zh": "工作簿", "en": "workbook"},
}

COLUMNS: Mapping[str, Mapping[str, str]] = {
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

# `planner simulate` and `planner impact`: policies, dynamics, figures, verdicts, headers
EVIDENCE_TEXT: Mapping[str, Mapping[str, str]] = {
    # policies
    "optimizer": {"zh": "优化模型", "en": "optimizer"},
    "hand_ranking": {"zh": "人工排序", "en": "hand ranking"},
    "round_robin": {"zh": "轮流走访", "en": "round robin"},
    "random": {"zh": "随机", "en": "random"},
    # dynamics
    "additive": {"zh": "固定加分", "en": "additive"},
    "proportional": {"zh": "按差距比例", "en": "proportional"},
    "deteriorating": {"zh": "无督导即下滑", "en": "deteriorating"},
    # figures
    "mean_risk_end": {"zh": "期末平均风险", "en": "mean risk at the end"},
    "risk_weeks": {"zh": "风险周数（各周平均风险之和）", "en": "risk-weeks (Σ weekly mean risk)"},
    "high_tier_end": {"zh": "期末高风险组织数", "en": "branches in 高 at the end"},
    "weakest_first_visit": {"zh": "最弱十分之一首次督导（周）", "en": "weakest tenth: first visit (week)"},
    "coverage": {"zh": "年内覆盖率", "en": "coverage in the year"},
    "weak_lax_lifted": {"zh": "软弱涣散脱离高风险比例", "en": "weak-and-lax lifted out of 高"},
    "visits": {"zh": "督导次数", "en": "visits"},
    # verdicts
    "ahead": {"zh": "领先", "en": "ahead"},
    "level": {"zh": "持平", "en": "level"},
    "behind": {"zh": "落后", "en": "behind"},
    # table headers
    "dynamics": {"zh": "动态假设", "en": "dynamics"},
    "policy": {"zh": "策略", "en": "policy"},
    "figure": {"zh": "指标", "en": "figure"},
    "versus": {"zh": "对比", "en": "versus"},
    "mean": {"zh": "均值", "en": "mean"},
    "difference": {"zh": "差值（优化模型 − 对比）", "en": "difference (optimizer − other)"},
    "ci_low": {"zh": "95% 区间下限", "en": "95% low"},
    "ci_high": {"zh": "95% 区间上限", "en": "95% high"},
    "verdict": {"zh": "结论", "en": "verdict"},
    "week": {"zh": "周", "en": "week"},
    "weekly_mean_risk": {"zh": "平均风险", "en": "mean risk"},
    # impact
    "dimension": {"zh": "维度", "en": "dimension"},
    "all": {"zh": "全部维度", "en": "all dimensions"},
    "effect": {"zh": "督导效果（分）", "en": "effect (points)"},
    "std_error": {"zh": "标准误", "en": "std. error"},
    "treated": {"zh": "有该重点督导的组织·期数", "en": "branch-periods with a visit of that focus"},
    "excluded": {"zh": "无可比对象未计入", "en": "left out: nothing comparable"},
    "observations": {"zh": "观测数", "en": "observations"},
    "branches": {"zh": "组织数", "en": "branches"},
}

KpiKind = Literal["risk", "count", "share", "met"]


@dataclass(frozen=True)
class Kpi:
    """One key figure of a plan: its key in the summary's KPIs, how it reads, how it is shown."""

    key: str
    zh: str
    en: str
    kind: KpiKind
    of: str | None = None  # for "met": the KPI it is a part of ("3/5")

    def label(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


# The one KPI order: every table of key figures (report, workbook, plan.xlsx, compare, sweep,
# command line) lists them so. Figures not shown on their own (e.g. the required count shown
# as "met/required") are in KPI_DETAILS.
KPIS: tuple[Kpi, ...] = (
    Kpi("objective", "目标值（风险化解量）", "Objective (risk addressed, net)", "risk"),
    Kpi("visits", "走访总次数", "Visits", "count"),
    Kpi("branches_visited", "覆盖组织数", "Branches visited", "count"),
    Kpi("high_risk_visited_share", "高风险组织覆盖率", "High-risk branches visited", "share"),
    Kpi("risk_share_of_visited_branches", "风险覆盖率", "Share of total risk visited", "share"),
    Kpi(
        "mandatory_visits_met", "必访走访落实", "Mandatory visits met", "met", of="mandatory_visits_required"
    ),
    Kpi("visits_per_supervisor_min", "人均走访最少", "Visits per supervisor, min", "count"),
    Kpi("visits_per_supervisor_max", "人均走访最多", "Visits per supervisor, max", "count"),
    Kpi("visits_outside_home_district", "跨片区走访", "Visits outside home district", "count"),
)
KPI_DETAILS: tuple[Kpi, ...] = (
    Kpi("risk_addressed", "风险化解量（未扣跨片区成本）", "Risk addressed, gross", "risk"),
    Kpi("high_risk_branches", "高风险组织数", "High-risk branches", "count"),
    Kpi("mandatory_visits_required", "必访走访应访次数", "Mandatory visits required", "count"),
    Kpi("mandatory_branches_short", "必访未落实组织数", "Branches short of mandatory visits", "count"),
    Kpi("districts_below_share", "低于最低覆盖比例的片区数", "Districts below their share", "count"),
)
KPI_ORDER: tuple[str, ...] = tuple(k.key for k in KPIS)
_KPI = {k.key: k for k in (*KPIS, *KPI_DETAILS)}


def t(key: str, lang: str, **fmt: object) -> str:
    """The text `key` in `lang`, with `fmt` filled in."""
    text = TEXT[key][lang]
    return text.format(**fmt) if fmt else text


def evidence_label(key: str, lang: str = "zh") -> str:
    """A text of the evidence tools (`planner simulate`, `planner impact`)."""
    return EVIDENCE_TEXT[key][lang]


def column(key: str, lang: str) -> str:
    """A column header; a key without a label is shown as it is."""
    return COLUMNS[key][lang] if key in COLUMNS else key


def dimension_label(key: str, lang: str) -> str:
    return DIMENSION_ZH.get(key, key) if lang == "zh" else key


def binding_rule_label(name: str, lang: str) -> str:
    """A rule named in summary.json's `binding_rules` ("mandatory visits", "district share (X)")."""
    if name == "mandatory visits":
        return t("binding_mandatory", lang)
    if name.startswith("district share (") and name.endswith(")"):
        return t("binding_share", lang, district=name.removeprefix("district share (")[:-1])
    return name


def yes_no(value: bool, lang: str) -> str:
    return t("yes" if value else "no", lang)


def kpi(key: str) -> Kpi:
    return _KPI[key]


def kpi_label(key: str, lang: str) -> str:
    return _KPI[key].label(lang)


def kpi_value(kpis: Any, key: str) -> Any:
    """One figure of a KPI record (a mapping or an object with the figures as attributes)."""
    return kpis[key] if isinstance(kpis, Mapping) else getattr(kpis, key)


def format_kpi(key: str, value: Any, lang: str = "zh", *, of: Any = None) -> str:
    """A KPI as a planner reads it: risk to one decimal, counts whole, shares in %, "met/of"."""
    del lang  # the same digits in both languages; kept so that callers need not know
    kind = _KPI[key].kind
    if kind == "share":
        return f"{float(value):.1%}"
    if kind == "risk":
        return f"{float(value):.1f}"
    if kind == "met" and of is not None:
        return f"{int(value)}/{int(of)}"
    return f"{int(value)}"


def format_kpi_of(kpis: Any, key: str, lang: str = "zh") -> str:
    """`format_kpi` for the figure `key` of a KPI record (a "met" figure with its total)."""
    k = _KPI[key]
    of = kpi_value(kpis, k.of) if k.of else None
    return format_kpi(key, kpi_value(kpis, key), lang, of=of)


def format_kpi_difference(key: str, a: Any, b: Any, lang: str = "zh") -> str:
    """How far plan `a` is from baseline `b` in the KPI `key`."""
    del lang
    kind = _KPI[key].kind
    if kind == "share":
        return f"{(float(a) - float(b)) * 100:+.1f} pp"
    if kind == "risk":
        d = float(a) - float(b)
        return f"{d:+.1f} ({d / abs(float(b)):+.2%})" if b else f"{d:+.1f}"
    return f"{int(a) - int(b):+d}"


def format_gain(value: float) -> str:
    """The optimizer's relative gain over ranking by hand."""
    return f"{value:+.2%}"


def format_gap(value: float) -> str:
    return f"{value:.4%}"


def plan_lines(summary: Any, lang: str = "zh") -> list[str]:
    """What `planner plan` prints about the plan it made."""
    k, base = kpi_value(summary, "kpis"), kpi_value(summary, "baseline")
    status = str(getattr(kpi_value(summary, "status"), "value", kpi_value(summary, "status")))
    return [
        t(
            "cli_plan_solved",
            lang,
            scenario=kpi_value(summary, "scenario"),
            status=t(status, lang) if lang == "zh" else status,  # en: "optimal plan"
            objective=format_kpi("objective", kpi_value(summary, "objective"), lang),
            bound=format_kpi("objective", kpi_value(summary, "bound"), lang),
            gap=format_gap(kpi_value(summary, "gap")),
            seconds=kpi_value(summary, "solve_seconds"),
        ),
        t(
            "cli_plan_figures",
            lang,
            visits=format_kpi_of(k, "visits", lang),
            branches_visited=format_kpi_of(k, "branches_visited", lang),
            n_branches=kpi_value(summary, "n_branches"),
            met=format_kpi_of(k, "mandatory_visits_met", lang),
            baseline=format_kpi_of(base, "objective", lang),
            gain=format_gain(kpi_value(summary, "improvement_over_baseline")),
        ),
    ]
