"""The data before planning: risk distribution, weakest dimensions by district, mandatory lists."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
from matplotlib.figure import Figure

from planner.charts import style
from planner.inputs import Inputs
from planner.instance import mandatory
from planner.labels import column, dimension_label, t
from planner.risk import score
from planner.scenario import Scenario
from planner.schema import DIMENSIONS


def scored(inputs: Inputs, scenario: Scenario) -> pd.DataFrame:
    """Each branch with its risk, tier, top factors and why it must be visited."""
    b = inputs.branches
    risk = score(b, scenario)
    need = mandatory(inputs, scenario, risk["risk_tier"])
    return pd.DataFrame(
        {
            "branch_id": b["branch_id"],
            "name": b["name"],
            "district": b["district"],
            "risk_score": risk["risk_score"],
            "risk_tier": risk["risk_tier"],
            "top_factors": risk["top_factors"],
            "days_since_visit": risk["days_since_visit"],
            "mandatory_reason": need.reason,
            "mandatory_visits": need.visits,
        }
    )


def tier_counts(table: pd.DataFrame) -> pd.DataFrame:
    counts = table["risk_tier"].value_counts().reindex(["高", "中", "低"], fill_value=0)
    return counts.rename_axis("risk_tier").reset_index(name="branches")


def risk_histogram(table: pd.DataFrame, scenario: Scenario, lang: str = "zh") -> Figure:
    with style():
        fig, ax = plt.subplots(figsize=(8, 3), dpi=90)
        ax.hist(table["risk_score"], bins=[x * 2.5 for x in range(41)], color="#c0392b", alpha=0.85)
        for threshold in (scenario.risk.medium_from, scenario.risk.high_from):
            ax.axvline(threshold, color="#555", linestyle="--", linewidth=1)
        ax.set_xlabel(column("risk_score", lang))
        ax.set_ylabel(column("branches", lang))
        ax.spines[["top", "right"]].set_visible(False)
        fig.tight_layout()
    plt.close(fig)
    return fig


def weakest_by_district(inputs: Inputs, lang: str = "zh") -> pd.DataFrame:
    """Mean score of each dimension per district (lower is weaker), weakest dimension named."""
    b = inputs.branches
    means = b.groupby("district", sort=True)[list(DIMENSIONS)].mean().round(1)
    weakest = means.idxmin(axis=1).map(lambda d: dimension_label(d, lang))
    means = means.rename(columns={d: dimension_label(d, lang) for d in DIMENSIONS})
    means.insert(0, t("weakest", lang), weakest)
    return means.reset_index().rename(columns={"district": column("district", lang)})


def mandatory_list(table: pd.DataFrame, reason: str) -> pd.DataFrame:
    """Branches whose mandatory reason includes `reason` (weak_lax or overdue), riskiest first."""
    rows = table[table["mandatory_reason"].str.contains(reason)]
    cols = [
        "branch_id",
        "name",
        "district",
        "risk_score",
        "risk_tier",
        "days_since_visit",
        "mandatory_visits",
    ]
    return rows.sort_values(["risk_score", "branch_id"], ascending=[False, True])[cols].reset_index(drop=True)
