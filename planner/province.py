"""The report of a province: one page summarising county by county, linking one report per county.

A plan whose branches come from more than one county gets, instead of one page with every visit
of the province, `report.html` with a row per county (branches, visits, risk covered, mandatory
visits met, the optimizer against ranking by hand) and `counties/<county>/`, a plan folder per
county (its visits, branches, baseline and KPIs) with that county's own report. The county
reports are rendered in parallel; each is the size of a county's, whatever the province's size.
"""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.plan import PlanFolder, read_plan_folder
from planner.scenario import scenario_to_toml

TEXT: dict[str, dict[str, str]] = {
    "title": {"zh": "督导走访计划（全省汇总）", "en": "Supervisory visit plan: province overview"},
    "intro": {
        "zh": "{n} 个县区分别求解（各县区督导员只走访本县区组织）。各县区的完整报告见链接。",
        "en": "{n} counties, solved separately (supervisors visit only their own county). "
        "Each county's full report is linked.",
    },
    "total": {"zh": "全省合计", "en": "Province"},
    "objective_line": {
        "zh": "目标值 {objective:.1f}，人工排序 {baseline:.1f}（{gain:+.2%}）；求解状态：{status}",
        "en": "objective {objective:.1f}, ranking by hand {baseline:.1f} ({gain:+.2%}); status: {status}",
    },
}
COLUMNS: dict[str, dict[str, str]] = {
    "county": {"zh": "县区", "en": "County"},
    "branches": {"zh": "组织数", "en": "Branches"},
    "supervisors": {"zh": "督导员", "en": "Supervisors"},
    "visits": {"zh": "走访次数", "en": "Visits"},
    "branches_visited": {"zh": "覆盖组织数", "en": "Branches visited"},
    "high_risk_visited_share": {"zh": "高风险组织覆盖率", "en": "High-risk visited"},
    "risk_share_of_visited_branches": {"zh": "风险覆盖率", "en": "Risk covered"},
    "mandatory": {"zh": "必访落实", "en": "Mandatory met"},
    "gain": {"zh": "优化相对人工", "en": "Gain over hand ranking"},
    "report": {"zh": "报告", "en": "Report"},
}
_UNSAFE = re.compile(r"[^\w.-]")


def counties(p: PlanFolder) -> list[str]:
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


def split(p: PlanFolder, out: Path) -> list[tuple[str, Path, dict[str, Any]]]:
    """counties/<county>/: a plan folder per county; (county, folder, its summary) in order."""
    names = counties(p)
    folders = _folder_names(names)
    figures = {c["county"]: c for c in p.summary.get("counties", [])}
    by_branch = pd.Series(
        p.branches["county"].astype(str).to_numpy(), index=p.branches["branch_id"].to_numpy()
    )
    visit_groups = p.visits.groupby(p.visits["branch_id"].map(by_branch)).indices
    base_groups = p.baseline_visits.groupby(p.baseline_visits["branch_id"].map(by_branch)).indices
    branch_groups = p.branches.groupby(p.branches["county"].astype(str)).indices
    toml = scenario_to_toml(p.scenario)
    marginal = p.summary.get("marginal_values")
    none = np.array([], dtype=int)
    done = []
    for name in names:
        folder = out / "counties" / folders[name]
        folder.mkdir(parents=True)
        branches = p.branches.iloc[branch_groups[name]]
        visits = p.visits.iloc[visit_groups.get(name, none)]
        base = p.baseline_visits.iloc[base_groups.get(name, none)]
        f = figures.get(name)
        if f is None:
            raise ValueError(f"summary.json has no figures for county {name}; re-plan with this version")
        plan_k, base_k = f["kpis"], f["baseline"]
        summary = {
            **{k: v for k, v in p.summary.items() if k not in ("marginal_values", "counties")},
            "scenario": f"{p.summary.get('scenario', p.scenario.name)} · {name}",
            "county": name,
            "objective": plan_k["objective"],
            "bound": plan_k["objective"],  # the province's bound and gap are in its summary
            "gap": 0.0 if p.summary["status"] == "optimal" else p.summary["gap"],
            "n_branches": f["n_branches"],
            "n_supervisors": f["n_supervisors"],
            "n_visits": len(visits),
            "independent_parts": 1,
            "kpis": plan_k,
            "baseline": base_k,
            "improvement_over_baseline": round(
                (plan_k["objective"] - base_k["objective"]) / max(abs(base_k["objective"]), 1e-9), 6
            ),
        }
        if marginal:
            keep = set(f["supervisors"])
            summary["marginal_values"] = {
                **marginal,
                "one_more_visit_per_week_by_supervisor": {
                    s: v for s, v in marginal["one_more_visit_per_week_by_supervisor"].items() if s in keep
                },
                "best_single_extra_slot_by_supervisor": {
                    s: v for s, v in marginal["best_single_extra_slot_by_supervisor"].items() if s in keep
                },
            }
        visits.to_csv(folder / "visits.csv", index=False, encoding="utf-8-sig")
        branches.to_csv(folder / "branches.csv", index=False, encoding="utf-8-sig")
        base.to_csv(folder / "baseline_visits.csv", index=False, encoding="utf-8-sig")
        (folder / "summary.json").write_text(
            json.dumps(summary, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
        )
        (folder / "scenario.toml").write_text(toml, encoding="utf-8")
        done.append((name, folder, summary))
    return done


def overview(p: PlanFolder, parts: list[tuple[str, Path, dict[str, Any]]], out: Path, lang: str) -> str:
    """The province page: a row per county, linked to its report."""
    rows = []
    for name, folder, s in parts:
        k = s["kpis"]
        rows.append(
            {
                "county": name,
                "branches": s["n_branches"],
                "supervisors": s["n_supervisors"],
                "visits": k["visits"],
                "branches_visited": k["branches_visited"],
                "high_risk_visited_share": f"{k['high_risk_visited_share']:.1%}",
                "risk_share_of_visited_branches": f"{k['risk_share_of_visited_branches']:.1%}",
                "mandatory": f"{k['mandatory_visits_met']}/{k['mandatory_visits_required']}",
                "gain": f"{s['improvement_over_baseline']:+.2%}",
                "report": (folder / "report.html").relative_to(out).as_posix(),
            }
        )
    head = "".join(f"<th>{html.escape(COLUMNS[c][lang])}</th>" for c in COLUMNS)
    body = []
    for r in rows:
        cells = [f"<td>{html.escape(str(r[c]))}</td>" for c in COLUMNS if c != "report"]
        link = html.escape(str(r["report"]), quote=True)
        cells.append(f'<td><a href="{link}">{html.escape(str(r["county"]))}</a></td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    s = p.summary
    k = s["kpis"]
    total = [
        TEXT["total"][lang],
        s["n_branches"],
        s["n_supervisors"],
        k["visits"],
        k["branches_visited"],
        f"{k['high_risk_visited_share']:.1%}",
        f"{k['risk_share_of_visited_branches']:.1%}",
        f"{k['mandatory_visits_met']}/{k['mandatory_visits_required']}",
        f"{s['improvement_over_baseline']:+.2%}",
        "",
    ]
    body.append("<tr>" + "".join(f"<th>{html.escape(str(v))}</th>" for v in total) + "</tr>")
    status = {"optimal": {"zh": "已证明最优", "en": "proven optimal"}}.get(s["status"], {}).get(
        lang, s["status"]
    )
    line = TEXT["objective_line"][lang].format(
        objective=s["objective"],
        baseline=s["baseline"]["objective"],
        gain=s["improvement_over_baseline"],
        status=status,
    )
    title = TEXT["title"][lang]
    return (
        f"<h1>{html.escape(title)}</h1>"
        f"<p class='lead'>{html.escape(p.scenario.name)}<br>{html.escape(line)}<br>"
        f"{html.escape(TEXT['intro'][lang].format(n=len(rows)))}</p>"
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
    p = read_plan_folder(plan_dir)
    if (plan_dir / "counties").exists():
        import shutil

        shutil.rmtree(plan_dir / "counties")  # re-rendering: the county folders derive from the plan
    parts = split(p, plan_dir)
    run_map(_render_county, [(folder, lang) for _, folder, _ in parts], workers=workers)
    page = (
        f'<!DOCTYPE html>\n<html lang="{"zh-CN" if lang == "zh" else "en"}">\n<head>\n'
        f'<meta charset="utf-8">\n<title>{html.escape(p.scenario.name)}</title>\n<style>{CSS}</style>\n'
        f"</head>\n<body>\n{overview(p, parts, plan_dir, lang)}\n</body>\n</html>\n"
    )
    out = plan_dir / "report.html"
    partial = out.with_name(f".{out.name}.partial-{os.getpid()}")
    partial.write_text(page, encoding="utf-8")
    partial.replace(out)
    return out
