"""What a planner reads off a plan: computed from the visit list alone, for plan and baseline."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from planner.scenario import Rules
from planner.summary import County, Kpis


def visit_counts(visits: pd.DataFrame, branch_ids: pd.Series) -> pd.Series:
    counts = visits["branch_id"].value_counts()
    return branch_ids.map(counts).fillna(0).astype(int)


def kpis(visits: pd.DataFrame, branches: pd.DataFrame, supervisors: pd.DataFrame, rules: Rules) -> Kpis:
    """branches: branch_id, district, risk_score, risk_tier, mandatory_visits."""
    facts = _Facts.of(visits, branches, supervisors)
    return facts.kpis(np.arange(len(branches)), np.arange(len(visits)), np.arange(len(supervisors)), rules)


@dataclass(frozen=True)
class _Facts:
    """A plan's visits, branches and supervisors as arrays, from which the KPIs of all of them
    or of a county (some rows of each) are read with the same sums in the same order."""

    counts: np.ndarray  # per branch: its visits
    risk: np.ndarray
    high: np.ndarray  # per branch: in the high risk tier
    need: np.ndarray  # per branch: its mandatory visits
    district: np.ndarray  # per branch: its district's code
    visit_branch: np.ndarray  # per visit: its branch's position (-1: unknown)
    visit_supervisor: np.ndarray  # per visit: its supervisor's position (-1: unknown)
    home: np.ndarray  # per supervisor: their home district's code (-1: none of the branches')

    @classmethod
    def of(cls, visits: pd.DataFrame, branches: pd.DataFrame, supervisors: pd.DataFrame) -> _Facts:
        codes, names = pd.factorize(branches["district"])
        home = pd.Index(names).get_indexer(supervisors["home_district"])
        return cls(
            counts=visit_counts(visits, branches["branch_id"]).to_numpy(),
            risk=branches["risk_score"].to_numpy(float),
            high=(branches["risk_tier"] == "高").to_numpy(),
            need=branches["mandatory_visits"].to_numpy(int),
            district=codes,
            visit_branch=pd.Index(branches["branch_id"]).get_indexer(visits["branch_id"]),
            visit_supervisor=pd.Index(supervisors["supervisor_id"]).get_indexer(visits["supervisor_id"]),
            home=home,
        )

    def kpis(
        self, rows: np.ndarray, visit_rows: np.ndarray, supervisor_rows: np.ndarray, rules: Rules
    ) -> Kpis:
        """The KPIs of the branches `rows`, their visits `visit_rows` and the supervisors
        `supervisor_rows` (a supervisor not among them, or a branch not among `rows`, makes a
        visit away from home)."""
        counts, risk, need = self.counts[rows], self.risk[rows], self.need[rows]
        high = self.high[rows]
        visited = counts > 0
        cumulative = np.cumsum([0.0, *rules.repeat_value])
        worth = cumulative[np.minimum(counts, len(cumulative) - 1)]
        addressed = float((risk * worth).sum())
        vb, vs = self.visit_branch[visit_rows], self.visit_supervisor[visit_rows]
        mine = np.zeros(len(self.home), dtype=bool)
        mine[supervisor_rows] = True
        in_rows = np.zeros(len(self.counts), dtype=bool)
        in_rows[rows] = True
        known = (vs >= 0) & (vb >= 0)
        ok = known.copy()
        ok[known] = mine[vs[known]] & in_rows[vb[known]]
        home_ = np.where(ok, self.home[np.where(ok, vs, 0)], -1)
        branch_district = np.where(ok, self.district[np.where(ok, vb, 0)], -2)
        away = int((~ok | (home_ != branch_district)).sum())
        per_sup = np.bincount(vs[vs >= 0], minlength=len(self.home))[supervisor_rows]
        total_risk = float(risk.sum())
        district = self.district[rows]
        _, local = np.unique(district, return_inverse=True)
        share = np.bincount(local, weights=visited) / np.bincount(local) if len(rows) else np.array([])
        obj = addressed - rules.travel_penalty * away
        return Kpis(
            objective=round(obj, 4),
            risk_addressed=round(addressed, 4),
            visits=len(visit_rows),
            branches_visited=int(visited.sum()),
            high_risk_branches=int(high.sum()),
            high_risk_visited_share=round(float(visited[high].mean()) if high.any() else 1.0, 4),
            risk_share_of_visited_branches=round(
                float(risk[visited].sum()) / total_risk if total_risk else 0.0, 4
            ),
            mandatory_visits_required=int(need.sum()),
            mandatory_visits_met=int(np.minimum(counts, need).sum()),
            mandatory_branches_short=int((counts < need).sum()),
            visits_per_supervisor_min=int(per_sup.min()) if len(per_sup) else 0,
            visits_per_supervisor_max=int(per_sup.max()) if len(per_sup) else 0,
            visits_outside_home_district=away,
            districts_below_share=int((share < rules.district_min_share - 1e-9).sum()),
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
    plan_facts = _Facts.of(visits, branches, supervisors)
    base_facts = _Facts.of(baseline_visits, branches, supervisors)
    empty = np.array([], dtype=int)
    out: list[County] = []
    for name, positions in sorted(branches.groupby(county).indices.items()):
        rows = np.asarray(positions)
        mine, base = np.asarray(v_groups.get(name, empty)), np.asarray(b_groups.get(name, empty))
        if name in s_groups:
            sups = np.asarray(s_groups[name])
        else:  # the supervisors who visit the county
            visiting = plan_facts.visit_supervisor[mine]
            sups = np.flatnonzero(np.isin(np.arange(len(supervisors)), visiting[visiting >= 0]))
        out.append(
            County(
                county=str(name),
                n_branches=len(rows),
                n_supervisors=len(sups),
                supervisors=tuple(supervisors["supervisor_id"].iloc[sups].tolist()),
                kpis=plan_facts.kpis(rows, mine, sups, rules),
                baseline=base_facts.kpis(rows, base, sups, rules),
            )
        )
    return tuple(out)
