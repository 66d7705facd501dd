"""The year's progress as the report, the app and plan.xlsx show it (zh/en), self-contained:
tables built from `summary.json["year"]` and `branches.csv`, and one HTML section.

The text lives in YEAR_TEXT until the labels module takes it.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

YEAR_TEXT: dict[str, dict[str, str]] = {
    "title": {
        "zh": "本年度进度（全覆盖、联系点、回头看）",
        "en": "The year so far (coverage, contact points, follow-up)",
    },
    "intro": {
        "zh": "督导年度自 {start} 起。全覆盖：每个组织每年至少走访 {need} 次；"
        "本计划之后仍欠的走访按片区列出。",
        "en": "The office's year began on {start}. Coverage: every branch is visited at least {need} "
        "time(s) a year; the visits still owed after this plan are listed by district.",
    },
    "figure": {"zh": "指标", "en": "Figure"},
    "plan": {"zh": "优化方案", "en": "Plan"},
    "baseline": {"zh": "人工排序", "en": "Hand ranking"},
    "covered_before": {"zh": "本计划前已全覆盖的组织", "en": "Branches covered before this plan"},
    "covered_after": {"zh": "本计划后已全覆盖的组织", "en": "Branches covered after this plan"},
    "owed_before": {"zh": "本年尚欠走访（计划前）", "en": "Visits owed this year (before the plan)"},
    "owed_after": {"zh": "本年尚欠走访（计划后）", "en": "Visits owed this year (after the plan)"},
    "pace": {"zh": "保持进度：须完成 / 已安排", "en": "Keep pace: required / planned"},
    "contact_points": {"zh": "联系点数", "en": "Contact points"},
    "contact_owed_after": {"zh": "联系点尚欠走访（计划后）", "en": "Visits owed to contact points (after)"},
    "followups": {"zh": "回头看：应走访 / 已安排", "en": "Follow-ups: due / planned"},
    "standing": {
        "zh": "有固定责任人的组织：保持 / 更换",
        "en": "Branches with a standing 责任人: kept / changed",
    },
    "district": {"zh": "片区", "en": "District"},
    "owed": {"zh": "尚欠走访", "en": "Visits owed"},
    "due": {"zh": "本计划须走访的联系点与回头看", "en": "Contact points and follow-ups due in this plan"},
    "none_owed": {
        "zh": "本计划后本年度无尚欠走访。",
        "en": "No visits are owed for the year after this plan.",
    },
    "branch_id": {"zh": "组织编号", "en": "Branch"},
    "name": {"zh": "组织名称", "en": "Name"},
    "reason": {"zh": "原因", "en": "Reason"},
    "visits": {"zh": "安排走访", "en": "Visits"},
    "responsible": {"zh": "责任人", "en": "责任人"},
    "changed": {"zh": "责任人变更", "en": "责任人 changed"},
    "coverage": {"zh": "全覆盖", "en": "coverage"},
    "contact": {"zh": "联系点", "en": "contact point"},
    "followup": {"zh": "回头看", "en": "follow-up"},
}


def text(key: str, lang: str, **fmt: object) -> str:
    return YEAR_TEXT[key][lang].format(**fmt)


def figures(year: dict[str, Any], lang: str) -> pd.DataFrame:
    """The year's figures for the plan beside the hand-ranking baseline."""
    rows = []
    for side in ("plan", "baseline"):
        y = year[side]
        rows.append(
            {
                "covered_before": f"{y['covered_before']} / {y['branches']}",
                "covered_after": f"{y['covered_after']} / {y['branches']}",
                "owed_before": y["owed_before"],
                "owed_after": y["owed_after"],
                "pace": f"{y['pace_required']} / {y['pace_made']}",
                "contact_points": y["contact_points"],
                "contact_owed_after": y["contact_owed_after"],
                "followups": f"{y['followups_due']} / {y['followups_met']}",
                "standing": f"{y['standing_kept']} / {y['standing_changed']}",
            }
        )
    frame = pd.DataFrame(rows, index=[text("plan", lang), text("baseline", lang)]).T.astype(str)
    frame.index = [text(k, lang) for k in frame.index]
    frame.index.name = text("figure", lang)
    return frame


def owed_by_district(year: dict[str, Any], lang: str) -> pd.DataFrame:
    owed = year["plan"]["owed_by_district"]
    return pd.DataFrame(
        {text("district", lang): list(owed), text("owed", lang): list(owed.values())}
    ).sort_values(text("owed", lang), ascending=False, kind="stable")


def due(branches: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Contact points and follow-ups this plan must visit, and any 责任人 changed."""
    reason = branches["mandatory_reason"].astype(str)
    words = ("contact", "followup")
    mask = reason.map(lambda r: any(w in r.split(", ") for w in words))
    changed = branches.get("responsible_changed", pd.Series("", index=branches.index)).astype(str)
    mask |= changed != ""
    rows = branches[mask]
    return pd.DataFrame(
        {
            text("branch_id", lang): rows["branch_id"],
            text("name", lang): rows["name"],
            text("reason", lang): [
                "、".join(text(w, lang) for w in r.split(", ") if w in YEAR_TEXT) for r in reason[mask]
            ],
            text("visits", lang): rows["visits"],
            text("responsible", lang): rows["responsible_supervisor_id"],
            text("changed", lang): changed[mask],
        }
    )


def _table(frame: pd.DataFrame, index: bool = False) -> str:
    return frame.to_html(index=index, escape=True, classes="dudao narrow year", border=0)


def section(summary: dict[str, Any], branches: pd.DataFrame, lang: str) -> str:
    """The report's "year" section as HTML (every name escaped)."""
    year = summary.get("year")
    if not year:
        return ""
    plan = year["plan"]
    intro = text("intro", lang, start=plan["year_start"], need=year.get("min_visits", 1))
    parts = [
        f"<h2>{html.escape(text('title', lang))}</h2>",
        f"<p>{html.escape(intro)}</p>",
        _table(figures(year, lang), index=True),
    ]
    owed = owed_by_district(year, lang)
    parts.append(_table(owed) if len(owed) else f"<p>{html.escape(text('none_owed', lang))}</p>")
    listed = due(branches, lang)
    if len(listed):
        parts += [f"<h3>{html.escape(text('due', lang))}</h3>", _table(listed)]
    return "\n".join(parts)
