"""The risk model: how much a branch needs supervision, on a 0–100 scale, and why.

For a branch with dimension scores s_d (0–100, higher is healthier) and dimension weights w_d,
plus a staleness weight w_t:

    deficit_d   = (100 - s_d) / 100                       in [0, 1]
    staleness   = min(days since last visit / full_days, 1)   (never visited: 1)
    W           = sum_d w_d + w_t
    contrib_d   = 100 * w_d * deficit_d / W
    contrib_t   = 100 * w_t * staleness / W
    risk_score  = sum_d contrib_d + contrib_t              in [0, 100]

The eight dimensions are the weaknesses the source essay names: planning 二（一）, function
二（二）, management 二（三）, publicity 二（四）, understanding 三（一）, training 三（二）,
positioning and implementation 三（三）; staleness is the supervision gap of 三（四）.

So the score is additive (the contributions are the explanation), monotone (a lower dimension
score never lowers the risk), and a weight of 0 removes a dimension. The tier is 高 from
`risk.high_from`, 中 from `risk.medium_from`, else 低; `top_factors` lists the three largest
contributions with their share of the score.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from planner.scenario import Scenario
from planner.schema import DIMENSIONS

STALENESS = "staleness"
FACTORS: tuple[str, ...] = (*DIMENSIONS, STALENESS)


def days_since_visit(branches: pd.DataFrame, scenario: Scenario) -> pd.Series:
    """Days from each branch's last visit to the plan's start; NaN for never visited."""
    start = pd.Timestamp(scenario.horizon.start)
    last = pd.to_datetime(branches["last_visit"], errors="coerce")
    return (start - last).dt.days.clip(lower=0).astype(float)


def score(branches: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """One row per branch (same index): risk_score, risk_tier, top_factors, contrib_<factor>."""
    weights = {d: float(scenario.weights[d]) for d in DIMENSIONS}
    w_t = scenario.risk.staleness_weight
    total = sum(weights.values()) + w_t
    out = pd.DataFrame(index=branches.index)
    out["branch_id"] = branches["branch_id"]
    for d in DIMENSIONS:
        out[f"contrib_{d}"] = 100.0 * weights[d] * (100.0 - branches[d]) / 100.0 / total
    days = days_since_visit(branches, scenario)
    staleness = (days / scenario.risk.staleness_full_days).clip(upper=1.0).fillna(1.0)
    out[f"contrib_{STALENESS}"] = 100.0 * w_t * staleness / total
    contrib = out[[f"contrib_{f}" for f in FACTORS]].to_numpy()
    out["risk_score"] = contrib.sum(axis=1).round(2)
    out["days_since_visit"] = days
    out["risk_tier"] = tier(out["risk_score"], scenario)
    out["top_factors"] = _top_factors(contrib)
    return out


def tier(risk: pd.Series, scenario: Scenario) -> pd.Series:
    return pd.Series(
        np.where(
            risk >= scenario.risk.high_from, "高", np.where(risk >= scenario.risk.medium_from, "中", "低")
        ),
        index=risk.index,
    )


def _top_factors(contrib: np.ndarray, n: int = 3) -> list[str]:
    """Each row's n largest contributions as "factor share%" (the share of the row's total),
    largest first; none for a row without any."""
    # stable sort on the negated values keeps the dimension order for ties
    order = np.argsort(-contrib, axis=1, kind="stable")[:, :n]
    top = np.take_along_axis(contrib, order, axis=1)
    total = contrib.sum(axis=1, keepdims=True)
    share = np.divide(top, total, out=np.zeros_like(top), where=top > 0)
    # a row's total summed as a row (`row.sum()`) can differ from this one in the last digit,
    # which decides a share that is a whole half percent: those rows are worked out as before
    near_half = (np.abs(share * 100 % 1 - 0.5) < 1e-6).any(axis=1)
    for i in np.flatnonzero(near_half):
        share[i] = np.divide(top[i], contrib[i].sum(), out=np.zeros_like(top[i]), where=top[i] > 0)
    # whole percents, rounded as "{:.0%}" rounds (half to even, on the same product); every
    # "factor share%" is written once and picked by its code (0: none)
    percent = np.rint(share * 100).astype(int)
    words = np.array(["", *(f"{f} {p}%" for f in FACTORS for p in range(101))], dtype=object)
    code = np.where(top > 0, 1 + order * 101 + percent, 0)
    columns = [words[code[:, k]].tolist() for k in range(code.shape[1])]
    return [", ".join(filter(None, row)) for row in zip(*columns, strict=True)]


def weighted_deficits(branches: pd.DataFrame, scenario: Scenario) -> pd.DataFrame:
    """w_d * (100 - s_d) per dimension: what a visit's focus is chosen by."""
    return pd.DataFrame(
        {d: float(scenario.weights[d]) * (100.0 - branches[d]) for d in DIMENSIONS},
        index=branches.index,
    )
