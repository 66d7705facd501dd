"""The risk model: a hand-checked value, additivity, monotonicity, and weights of zero."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from planner.risk import FACTORS, score
from planner.scenario import parse_scenario
from planner.schema import DIMENSIONS

START = dt.date(2027, 1, 4)


def frame(scores: list[float], last: dt.date | None = None) -> pd.DataFrame:
    row = {"branch_id": "B1", **dict(zip(DIMENSIONS, scores, strict=True)), "last_visit": last}
    return pd.DataFrame([row])


def scenario(weights: dict[str, float] | None = None, staleness: float = 1.0):
    return parse_scenario(
        {"horizon": {"start": START}, "weights": weights or {}, "risk": {"staleness_weight": staleness}}
    )


def test_hand_computed_value():
    # all dimensions at 70 (deficit 0.3), last visit 365 days ago (staleness 0.5), 9 equal weights
    r = score(frame([70] * 8, START - dt.timedelta(days=365)), scenario())
    assert r.loc[0, "risk_score"] == pytest.approx(100 * (8 * 0.3 + 0.5) / 9, abs=0.005)
    never = score(frame([100] * 8, None), scenario())
    assert never.loc[0, "risk_score"] == pytest.approx(100 / 9, abs=0.005)


def test_top_factors_name_the_weakest():
    r = score(frame([90, 90, 40, 90, 90, 60, 90, 90], START), scenario())
    assert r.loc[0, "top_factors"].startswith("management")
    assert r.loc[0, "top_factors"].split(", ")[1].startswith("training")


def test_zero_weight_removes_dimension():
    low, high = [50] * 8, [50] * 8
    high[0] = 100
    s = scenario({"planning": 0.0})
    assert (
        score(frame(low, START), s).loc[0, "risk_score"] == score(frame(high, START), s).loc[0, "risk_score"]
    )
    assert "planning" not in score(frame(low, START), s).loc[0, "top_factors"]


scores_st = st.lists(st.floats(0, 100, allow_nan=False), min_size=8, max_size=8)
weights_st = st.lists(st.floats(0, 5, allow_nan=False), min_size=8, max_size=8)


@settings(max_examples=200, deadline=None)
@given(scores_st, weights_st, st.integers(0, 3000), st.floats(0, 3))
def test_additive_and_bounded(scores, weights, days, staleness):
    if sum(weights) + staleness == 0:
        return
    s = scenario(dict(zip(DIMENSIONS, weights, strict=True)), staleness)
    r = score(frame(scores, START - dt.timedelta(days=days)), s).loc[0]
    total = sum(r[f"contrib_{f}"] for f in FACTORS)
    assert r["risk_score"] == pytest.approx(total, abs=0.006)
    assert 0 <= r["risk_score"] <= 100


@settings(max_examples=200, deadline=None)
@given(scores_st, weights_st, st.integers(0, 7), st.floats(0, 100), st.integers(0, 3000))
def test_monotone_in_every_dimension(scores, weights, dim, lower_by, days):
    s = scenario(dict(zip(DIMENSIONS, weights, strict=True)))
    worse = list(scores)
    worse[dim] = max(0.0, worse[dim] - lower_by)
    last = START - dt.timedelta(days=days)
    assert (
        score(frame(worse, last), s).loc[0, "risk_score"]
        >= score(frame(scores, last), s).loc[0, "risk_score"]
    )


def test_top_factors_read_as_each_share_formatted_on_its_own():
    """The top factors are picked from arrays; their words are what formatting each row's shares
    one by one gives, also where a share is a whole half percent (12.5 % in one summation order,
    a hair above in another)."""
    import numpy as np

    from planner.risk import FACTORS, _top_factors

    rng = np.random.default_rng(7)
    rows = rng.random((3000, len(FACTORS))) * (rng.random((3000, len(FACTORS))) > 0.3)
    rows[0] = 0.0  # no factor at all
    rows[1] = 1.0  # all tied: dimension order
    rows[2, :3] = [2.0, 1.0, 5.0]  # 62.5 % and 12.5 %: halves
    rows[2, 3:] = 0.0
    expected = []
    for row in rows:
        order = np.argsort(-row, kind="stable")[:3]
        expected.append(", ".join(f"{FACTORS[i]} {row[i] / row.sum():.0%}" for i in order if row[i] > 0))
    assert _top_factors(rows) == expected
    assert expected[0] == "" and expected[2].endswith("12%")
