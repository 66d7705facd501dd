"""The report of a province: one page summarising county by county, linking one report per county.

A plan whose branches come from more than one county gets, instead of one page with every visit
of the province, `report.html` with a row per county (branches, visits, risk covered, mandatory
visits met, the optimizer against ranking by hand) and `counties/<county>/`, a plan folder per
county (its visits, branches, baseline and KPIs) with that county's own report. The county
reports are rendered in parallel; each is the size of a county's, whatever the province's size.
"""

from __future__ import annotations

import html
import re
import shutil
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from planner.atomic import atomic_output
from planner.folder import Plan, read_plan, write_plan
from planner.labels import column, format_gain, format_kpi_of, t
from planner.problem import SolveStatus
from planner.summary import Summary

# the overview's columns, in order (labels in planner.labels.COLUMNS)
OVERVIEW_COLUMNS = (
    "county",
    "branches",
    "supervisors",
    "visits",
    "branches_visited",
    "high_risk_visited_share",
    "risk_share_of_visited_branches",
    "mandatory_visits_met",
    "gain",
    "report",
)
_UNSAFE = re.compile(r"[^\w.-]")


def counties(p: Plan) -> list[str]:
    """The plan's counties, when it has more than one; else an empty list."""
    if "county" not in p.branches:
        return []
    names = sorted({str(c) for c in p.branches["county"]})
    return names if len(names) > 1 else []


def _folder_names(names: list[str]) -> dict[str, str]:
    used: set[str] = set()
    out = {}
    for name in names:
        base = _UNSAFE.sub("_", name).strip(".")[:60] or "county"
        safe, n = base, 2
        while safe.lower() in used:
            safe, n = f"{base}~{n}", n + 1
        used.add(safe.lower())
        out[name] = safe
    return out


def split(p: Plan, out: Path) -> list[tuple[str, Path, Summary]]:
    """counties/<county>/: a plan folder per county; (county, folder, its summary) in order."""
    names = counties(p)
    folders = _folder_names(names)
    figures = {c.county: c for c in p.summary.counties}
    by_branch = pd.Series(
        p.branches["county"].astype(str).to_numpy(), index=p.branches["branch_id"].to_numpy()
    )
    visit_groups = p.visits.groupby(p.visits["branch_id"].map(by_branch)).indices
    base_groups = p.baseline_visits.groupby(p.baseline_visits["branch_id"].map(by_branch)).indices
    branch_groups = p.branches.groupby(p.branches["county"].astype(str)).indices
    marginal = p.summary.marginal_values
    none = np.array([], dtype=int)
    done = []
    for name in names:
        folder = out / "counties" / folders[name]
        f = figures.get(name)
        if f is None:
            raise ValueError(f"summary.json has no figures for county {name}; re-plan with this version")
        visits = p.visits.iloc[visit_groups.get(name, none)]
        summary = replace(
            p.summary,
            scenario=f"{p.summary.scenario} · {name}",
            county=name,
            objective=f.kpis.objective,
            bound=f.kpis.objective,  # the province's bound and gap are in its summary
            gap=0.0 if p.summary.status == SolveStatus.OPTIMAL else p.summary.gap,
            n_branches=f.n_branches,
            n_supervisors=f.n_supervisors,
            n_visits=len(visits),
            independent_parts=1,
            kpis=f.kpis,
            baseline=f.baseline,
            improvement_over_baseline=round(
                (f.kpis.objective - f.baseline.objective) / max(abs(f.baseline.objective), 1e-9), 6
            ),
            marginal_values=None,
            counties=(),
        )
        if marginal is not None:
            keep = set(f.supervisors)
            summary = replace(
                summary,
                marginal_values=replace(
                    marginal,
                    one_more_visit_per_week_by_supervisor={
                        s: v for s, v in marginal.one_more_visit_per_week_by_supervisor.items() if s in keep
                    },
                    best_single_extra_slot_by_supervisor={
                        s: v for s, v in marginal.best_single_extra_slot_by_supervisor.items() if s in keep
                    },
                ),
            )
        county_plan = Plan(
            scenario=p.scenario,
            visits=visits,
            branches=p.branches.iloc[branch_groups[name]],
            baseline_visits=p.baseline_visits.iloc[base_groups.get(name, none)],
            summary=summary,
        )
        folder.parent.mkdir(parents=True, exist_ok=True)
        write_plan(county_plan, folder)
        done.append((name, folder, summary))
    return done


def overview(p: Plan, parts: list[tuple[str, Path, Summary]], out: Path, lang: str) -> str:
    """The province page: a row per county, linked to its report."""

    def row(name: str, s: Summary) -> dict[str, str]:
        k = s.kpis
        return {
            "county": name,
            "branches": str(s.n_branches),
            "supervisors": str(s.n_supervisors),
            **{
                key: format_kpi_of(k, key, lang)
                for key in (
                    "visits",
                    "branches_visited",
                    "high_risk_visited_share",
                    "risk_share_of_visited_branches",
                    "mandatory_visits_met",
                )
            },
            "gain": format_gain(s.improvement_over_baseline),
        }

    head = "".join(f"<th>{html.escape(column(c, lang))}</th>" for c in OVERVIEW_COLUMNS)
    body = []
    for name, folder, s in parts:
        r = row(name, s)
        cells = [f"<td>{html.escape(r[c])}</td>" for c in OVERVIEW_COLUMNS if c != "report"]
        link = html.escape((folder / "report.html").relative_to(out).as_posix(), quote=True)
        cells.append(f'<td><a href="{link}">{html.escape(name)}</a></td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    s = p.summary
    total = row(t("province_total", lang), s)
    body.append(
        "<tr>"
        + "".join(f"<th>{html.escape(total[c])}</th>" for c in OVERVIEW_COLUMNS if c != "report")
        + "<th></th></tr>"
    )
    status = t(s.status.value, lang) if s.status.value in ("optimal", "feasible") else s.status.value
    line = t(
        "province_objective_line",
        lang,
        objective=f"{s.objective:.1f}",
        baseline=f"{s.baseline.objective:.1f}",
        gain=format_gain(s.improvement_over_baseline),
        status=status,
    )
    return (
        f"<h1>{html.escape(t('province_title', lang))}</h1>"
        f"<p class='lead'>{html.escape(p.scenario.name)}<br>{html.escape(line)}<br>"
        f"{html.escape(t('province_intro', lang, n=len(parts)))}</p>"
        f"<table class='dudao'><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def _render_county(job: tuple[Path, str]) -> Path:
    from planner import report

    folder, lang = job
    return report.render(folder, lang)


def render(plan_dir: Path, lang: str = "zh", workers: int | None = None) -> Path:
    """report.html of a province: the overview page, and every county's report (in parallel)."""
    from planner.parallel import run_map
    from planner.report import CSS

    plan_dir = Path(plan_dir)
    p = read_plan(plan_dir)
    if (plan_dir / "counties").exists():
        shutil.rmtree(plan_dir / "counties")  # re-rendering: the county folders derive from the plan
    parts = split(p, plan_dir)
    run_map(_render_county, [(folder, lang) for _, folder, _ in parts], workers=workers)
    page = (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>{html.escape(p.scenario.name)}</title>\n<style>{CSS}</style>\n'
        f"</head>\n<body>\n{overview(p, parts, plan_dir, lang)}\n</body>\n</html>\n"
    )
    out = plan_dir / "report.html"
    # `planner report` re-renders a plan's report in place
    with atomic_output(out, replace=True) as partial:
        partial.write_text(page, encoding="utf-8")
    return out
