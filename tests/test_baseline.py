"""The hand-ranking baseline on instances small enough to follow by hand."""

from __future__ import annotations

from planner.baseline import hand_ranking
from tests.helpers import tiny_instance


def test_mandatory_first_then_by_risk():
    inst = tiny_instance([10, 1, 5], capacity=[[1, 1]], min_visits=[0, 1, 0], max_visits=1)
    visits = hand_ranking(inst)
    # the mandatory branch takes week 1, the riskiest the next free week; branch 2 is left out
    assert visits.sort_values("week")["branch"].tolist() == [1, 0]
    assert visits.sort_values("week")["week"].tolist() == [1, 2]


def test_home_supervisor_is_preferred():
    inst = tiny_instance([10], capacity=[[1], [1]], district=[1], home=[0, 1], max_visits=1)
    assert hand_ranking(inst)["supervisor"].tolist() == [1]


def test_spacing_is_kept_and_one_supervisor_serves_a_branch():
    inst = tiny_instance([10], capacity=[[1, 1, 1, 1], [1, 1, 1, 1]], gap=3, max_visits=3)
    visits = hand_ranking(inst)
    assert visits["week"].tolist() == [1, 4]
    assert visits["supervisor"].nunique() == 1
