"""User-facing text of the evidence tools (`planner simulate`, `planner impact`), zh and en.

Kept in one place so it moves into `planner/labels.py` as it is.
"""

from __future__ import annotations

from typing import Literal

Lang = Literal["zh", "en"]

TEXT: dict[str, tuple[str, str]] = {
    # policies
    "optimizer": ("优化模型", "optimizer"),
    "hand_ranking": ("人工排序", "hand ranking"),
    "round_robin": ("轮流走访", "round robin"),
    "random": ("随机", "random"),
    # dynamics
    "additive": ("固定加分", "additive"),
    "proportional": ("按差距比例", "proportional"),
    "deteriorating": ("无督导即下滑", "deteriorating"),
    # figures
    "mean_risk_end": ("期末平均风险", "mean risk at the end"),
    "risk_weeks": ("风险周数（各周平均风险之和）", "risk-weeks (Σ weekly mean risk)"),
    "high_tier_end": ("期末高风险组织数", "branches in 高 at the end"),
    "weakest_first_visit": ("最弱十分之一首次督导（周）", "weakest tenth: first visit (week)"),
    "coverage": ("年内覆盖率", "coverage in the year"),
    "weak_lax_lifted": ("软弱涣散脱离高风险比例", "weak-and-lax lifted out of 高"),
    "visits": ("督导次数", "visits"),
    # verdicts
    "ahead": ("领先", "ahead"),
    "level": ("持平", "level"),
    "behind": ("落后", "behind"),
    # table headers
    "dynamics": ("动态假设", "dynamics"),
    "policy": ("策略", "policy"),
    "figure": ("指标", "figure"),
    "versus": ("对比", "versus"),
    "mean": ("均值", "mean"),
    "difference": ("差值（优化模型 − 对比）", "difference (optimizer − other)"),
    "ci_low": ("95% 区间下限", "95% low"),
    "ci_high": ("95% 区间上限", "95% high"),
    "verdict": ("结论", "verdict"),
    "week": ("周", "week"),
    "weekly_mean_risk": ("平均风险", "mean risk"),
    # impact
    "dimension": ("维度", "dimension"),
    "all": ("全部维度", "all dimensions"),
    "effect": ("督导效果（分）", "effect (points)"),
    "std_error": ("标准误", "std. error"),
    "treated": ("有该重点督导的组织·期数", "branch-periods with a visit of that focus"),
    "excluded": ("无可比对象未计入", "left out: nothing comparable"),
    "observations": ("观测数", "observations"),
    "branches": ("组织数", "branches"),
}


def label(key: str, lang: Lang = "zh") -> str:
    zh, en = TEXT[key]
    return zh if lang == "zh" else en


def labels(keys: list[str] | tuple[str, ...], lang: Lang = "zh") -> dict[str, str]:
    return {k: label(k, lang) for k in keys}
