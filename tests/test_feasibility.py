"""Counting checks that prove a scenario infeasible before the solver runs."""

from __future__ import annotations

from planner.feasibility import precheck
from tests.helpers import tiny_instance


def test_feasible_instance_has_no_conflict():
    assert precheck(tiny_instance([10, 5], capacity=[[1, 1]], min_visits=[1, 1]), ["A", "B"]) == []


def test_more_weak_lax_visits_than_allowed_per_branch():
    conflicts = precheck(tiny_instance([10], capacity=[[1] * 13], min_visits=[3], max_visits=2), ["A"])
    assert conflicts[0].rule == "rules.weak_lax_min_visits"
    assert "3 visits" in conflicts[0].message and "allows 2" in conflicts[0].message


def test_spacing_longer_than_the_horizon():
    conflicts = precheck(tiny_instance([10], capacity=[[1, 1, 1]], min_visits=[2], gap=3), ["A"])
    assert conflicts, "two visits 3 weeks apart cannot fit in 3 weeks"


def test_mandatory_visits_beyond_all_capacity():
    conflicts = precheck(tiny_instance([10, 5, 3], capacity=[[1, 1]], min_visits=[1, 1, 1]), ["A", "B", "C"])
    assert conflicts
    assert any("3" in c.message and "2" in c.message for c in conflicts)
