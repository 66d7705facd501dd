"""The model on instances small enough to solve by hand."""

from __future__ import annotations

import pytest

from planner.solver import solve
from tests.helpers import tiny_instance


def test_one_slot_goes_to_the_riskiest_branch():
    alloc = solve(tiny_instance([10, 5], capacity=[[1]]))
    assert alloc.status == "optimal"
    assert list(alloc.visits) == [1, 0]
    assert alloc.objective == pytest.approx(10)


def test_repeat_visits_are_worth_less_each_time():
    # visits to A are worth 10, 5, 2.5; to B 8, 4, 2. Four slots (weeks 1-4, gap 1):
    # the four best values are 10, 8, 5, 4: two visits each = 27 (A three times + B once: 25.5)
    alloc = solve(tiny_instance([10, 8], capacity=[[1, 1, 1, 1]], gap=1))
    assert list(alloc.visits) == [2, 2]
    assert alloc.objective == pytest.approx(27)


def test_spacing_limits_visits_within_the_horizon():
    # visits at least 3 weeks apart in a 3-week horizon: one visit each at most
    alloc = solve(tiny_instance([10], capacity=[[1, 1, 1]], gap=3))
    assert list(alloc.visits) == [1]
    # 4 weeks: weeks 1 and 4
    alloc = solve(tiny_instance([10], capacity=[[1, 1, 1, 1]], gap=3))
    assert list(alloc.visits) == [2]
    assert alloc.objective == pytest.approx(15)


def test_mandatory_visit_beats_risk():
    alloc = solve(tiny_instance([10, 1], capacity=[[1]], min_visits=[0, 1]))
    assert list(alloc.visits) == [0, 1]
    assert alloc.objective == pytest.approx(1)


def test_more_mandatory_visits_than_slots_is_infeasible():
    alloc = solve(tiny_instance([10, 1], capacity=[[1]], min_visits=[1, 1]))
    assert alloc.status == "infeasible"


def test_travel_penalty_can_make_a_visit_not_worth_it():
    # the only supervisor lives in district 0; the branch is in district 1
    inst = dict(capacity=[[1]], district=[1], home=[0])
    assert list(solve(tiny_instance([2], travel_penalty=3, **inst)).visits) == [0]
    assert list(solve(tiny_instance([4], travel_penalty=3, **inst)).visits) == [1]


def test_district_share_sends_a_visit_to_a_weaker_district():
    inst = tiny_instance([10, 1], capacity=[[1]], district=[0, 1], district_min_branches={1: 1})
    alloc = solve(inst)
    assert list(alloc.visits) == [0, 1]


def test_excluded_supervisor_never_serves_the_branch():
    # supervisor 0 is excluded from branch 0 (only supervisor 1 may go), and 1 has no time
    inst = tiny_instance([10, 5], capacity=[[1], [0]], candidates={0: (1,)})
    alloc = solve(inst)
    assert list(alloc.visits) == [0, 1]


def test_weekly_capacity_is_per_week():
    # two slots in week 1, none in week 2: two branches once each, not one branch twice
    alloc = solve(tiny_instance([10, 9], capacity=[[2, 0]], gap=1))
    assert list(alloc.visits) == [1, 1]


@pytest.mark.parametrize("one_responsible", [True, False])
def test_responsible_rule_does_not_change_a_one_supervisor_optimum(one_responsible):
    alloc = solve(tiny_instance([10, 8, 3], capacity=[[1, 1, 1]], one_responsible=one_responsible))
    # three slots: 10 and 8, then a second visit to the first (5) beats a first visit to 3
    assert alloc.objective == pytest.approx(23)
    assert list(alloc.visits) == [2, 1, 0]


def test_cbc_agrees_with_highs():
    inst = tiny_instance([10, 8, 3, 7], capacity=[[1, 1, 1], [1, 0, 1]], district=[0, 0, 1, 1], home=[0, 1])
    assert solve(inst, solver="cbc").objective == pytest.approx(solve(inst).objective)
