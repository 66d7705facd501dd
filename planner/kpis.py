"""What a planner reads off a plan: computed from the visit list alone, for plan and baseline."""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.scenario import Rules
from planner.summary import County, Kpis


def visit_counts(visits: pd.DataFrame, branch_ids: pd.Series) -> pd.Series:
    counts = visits["branch_id"].value_counts()
    return branch_ids.map(counts).fillna(0).astype(int)


def objective(
    visits: pd.DataFrame, branches: pd.DataFrame, supervisors: pd.DataFrame, rules: Rules
) -> tuple[float, float, int]:
    """(objective, risk addressed, visits away from home) exactly as DOMAIN.md defines them."""
    counts = visit_counts(visits, branches["branch_id"]).to_numpy()
    cumulative = np.cumsum([0.0, *rules.repeat_value])
    worth = cumulative[np.minimum(counts, len(cumulative) - 1)]
    addressed = float((branches["risk_score"].to_numpy() * worth).sum())
    home = supervisors.set_index("supervisor_id")["home_district"]
    district = branches.set_index("branch_id")["district"]
    away = int((visits["supervisor_id"].map(home) != visits["branch_id"].map(district)).sum())
    return addressed - rules.travel_penalty * away, addressed, away


def kpis(visits: pd.DataFrame, branches: pd.DataFrame, supervisors: pd.DataFrame, rules: Rules) -> Kpis:
    """branches: branch_id, district, risk_score, risk_tier, mandatory_visits."""
    counts = visit_counts(visits, branches["branch_id"])
    visited = counts > 0
    high = branches["risk_tier"] == "高"
    need = branches["mandatory_visits"]
    per_sup = supervisors["supervisor_id"].map(visits["supervisor_id"].value_counts()).fillna(0)
    total_risk = float(branches["risk_score"].sum())
    obj, addressed, away = objective(visits, branches, supervisors, rules)
    share = visited.groupby(branches["district"]).mean()
    below = int((share < rules.district_min_share - 1e-9).sum())
    return Kpis(
        objective=round(obj, 4),
        risk_addressed=round(addressed, 4),
        visits=len(visits),
        branches_visited=int(visited.sum()),
        high_risk_branches=int(high.sum()),
        high_risk_visited_share=round(float(visited[high].mean()) if high.any() else 1.0, 4),
        risk_share_of_visited_branches=round(
            float(branches.loc[visited, "risk_score"].sum()) / total_risk if total_risk else 0.0, 4
        ),
        mandatory_visits_required=int(need.sum()),
        mandatory_visits_met=int(np.minimum(counts, need).sum()),
        mandatory_branches_short=int((counts < need).sum()),
        visits_per_supervisor_min=int(per_sup.min()) if len(per_sup) else 0,
        visits_per_supervisor_max=int(per_sup.max()) if len(per_sup) else 0,
        visits_outside_home_district=away,
        districts_below_share=below,
    )


def obeys_mandatory_rules(k: Kpis) -> bool:
    """Whether a plan with these KPIs meets every mandatory visit and district share."""
    return k.mandatory_branches_short == 0 and k.districts_below_share == 0


def by_county(
    visits: pd.DataFrame,
    baseline_visits: pd.DataFrame,
    branches: pd.DataFrame,
    supervisors: pd.DataFrame,
    rules: Rules,
    county: pd.Series,
) -> tuple[County, ...]:
    """The KPIs of each county of a province (plan and baseline), for its own report.

    `county` is the county of each row of `branches`; a supervisor belongs to the county of
    the branches they visit (or to their own `county` column).
    """
    county = county.astype(str).reset_index(drop=True)
    branches = branches.reset_index(drop=True)
    of_branch = pd.Series(county.to_numpy(), index=branches["branch_id"].to_numpy())
    sup_county = supervisors["county"].astype(str) if "county" in supervisors else None
    v_groups = visits.groupby(visits["branch_id"].map(of_branch)).indices
    b_groups = baseline_visits.groupby(baseline_visits["branch_id"].map(of_branch)).indices
    s_groups = supervisors.groupby(sup_county).indices if sup_county is not None else {}
    empty = np.array([], dtype=int)
    out: list[County] = []
    for name, rows in sorted(branches.groupby(county).indices.items()):
        mine = visits.iloc[v_groups.get(name, empty)]
        base = baseline_visits.iloc[b_groups.get(name, empty)]
        if name in s_groups:
            sups = supervisors.iloc[s_groups[name]]
        else:
            sups = supervisors[supervisors["supervisor_id"].isin(set(mine["supervisor_id"]))]
        table = branches.iloc[rows]
        out.append(
            County(
                county=str(name),
                n_branches=len(table),
                n_supervisors=len(sups),
                supervisors=tuple(sups["supervisor_id"].tolist()),
                kpis=kpis(mine, table, sups, rules),
                baseline=kpis(base, table, sups, rules),
            )
        )
    return tuple(out)
