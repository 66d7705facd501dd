"""The year's progress as the report, the app and plan.xlsx show it (zh/en), self-contained:
tables built from the summary's `year` (`summary.json["year"]`) and `branches.csv`, and one HTML section.

Its words are `planner.labels`' "year_…" texts.
"""

from __future__ import annotations

import datetime as dt
import html
import math

import pandas as pd

from planner.labels import CHANGE_REASONS, JOIN, TEXT, t
from planner.summary import Summary, Year
from planner.year import YEAR_WEEKS


def text(key: str, lang: str, **fmt: object) -> str:
    return t(f"year_{key}", lang, **fmt)


def figures(year: Year, lang: str) -> pd.DataFrame:
    """The year's figures for the plan beside the hand-ranking baseline."""
    rows = []
    for y in (year.plan, year.baseline):
        rows.append(
            {
                "covered_before": f"{y.covered_before} / {y.branches}",
                "covered_after": f"{y.covered_after} / {y.branches}",
                "owed_before": y.owed_before,
                "owed_after": y.owed_after,
                "pace": f"{y.pace_required} / {y.pace_made}",
                "contact_points": y.contact_points,
                "contact_owed_after": y.contact_owed_after,
                "followups": f"{y.followups_due} / {y.followups_met}",
                "standing": f"{y.standing_kept} / {y.standing_changed}",
            }
        )
    frame = pd.DataFrame(rows, index=[text("plan", lang), text("baseline", lang)]).T.astype(str)
    frame.index = [text(k, lang) for k in frame.index]
    frame.index.name = text("figure", lang)
    return frame


def owed_by_district(year: Year, lang: str) -> pd.DataFrame:
    owed = year.plan.owed_by_district
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
                "、".join(text(w, lang) for w in r.split(", ") if f"year_{w}" in TEXT) for r in reason[mask]
            ],
            text("visits", lang): rows["visits"],
            text("responsible", lang): rows["responsible_supervisor_id"],
            text("changed", lang): [changed_text(c, lang) for c in changed[mask]],
        }
    )


def changed_text(code: str, lang: str) -> str:
    """'excluded: S02 → S04' in the reader's words: '须回避该组织：S02 → S04'."""
    if not code or code == "nan":
        return ""
    key, _, move = code.partition(": ")
    if key not in CHANGE_REASONS:
        return code
    return f"{CHANGE_REASONS[key][lang]}{'：' if lang == 'zh' else ': '}{move}"


def past_year_end(summary: Summary, lang: str) -> str:
    """A sentence when the plan runs past the office's year's end, else ''."""
    if summary.year is None:
        return ""
    end = summary.year.plan.year_start + dt.timedelta(weeks=YEAR_WEEKS)
    start, weeks = summary.horizon_start, summary.horizon_weeks
    inside = math.ceil((end - start).days / 7)
    if not 0 < inside < weeks:
        return ""
    last = (end - dt.timedelta(days=1)).isoformat()
    return text("past_end", lang, inside=inside, last=last, after=inside + 1, weeks=weeks)


def _owed_line(year: Year, lang: str) -> str:
    """The visits still owed by district as one sentence (a table would fill half a page)."""
    owed = sorted(year.plan.owed_by_district.items(), key=lambda kv: (-kv[1], kv[0]))
    if not owed:
        return text("none_owed", lang)
    return text("owed_line", lang, districts=JOIN[lang].join(f"{d} {n}" for d, n in owed))


def _table(frame: pd.DataFrame, index: bool = False) -> str:
    return frame.to_html(index=index, escape=True, classes="dudao narrow year", border=0)


def section(summary: Summary, branches: pd.DataFrame, lang: str) -> str:
    """The report's "year" section as HTML (every name escaped), its headings kept with what
    follows them when printed, like the report's other sections."""
    year = summary.year
    if year is None:
        return ""
    intro = text("intro", lang, start=year.plan.year_start.isoformat(), need=year.min_visits)
    parts = [
        f"<section class='sec page'><h2>{html.escape(text('title', lang))}</h2>",
        f"<p>{html.escape(intro)}</p>",
        *(f"<p><b>{html.escape(x)}</b></p>" for x in [past_year_end(summary, lang)] if x),
        _table(figures(year, lang).reset_index()),
        f"<p>{html.escape(_owed_line(year, lang))}</p>",
        "</section>",
    ]
    listed = due(branches, lang)
    if len(listed):
        parts.append(
            f"<section class='sec keep'><h3>{html.escape(text('due', lang))}</h3>{_table(listed)}</section>"
        )
    return "\n".join(parts)
