"""Expanding the model's counts into visits: never fails, never loses value, obeys every rule."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from planner.schedule import build_chains, expand
from planner.solver import solve
from tests.helpers import tiny_instance


def test_chains_respect_the_spacing():
    chains = build_chains({1: [1, 2], 2: [4, 5]}, gap=3, max_visits=2)
    assert sorted(chains) == [[1, 4], [2, 5]]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    risk=st.lists(st.integers(1, 50), min_size=1, max_size=6),
    weeks=st.integers(1, 5),
    n_sup=st.integers(1, 3),
    gap=st.integers(1, 3),
    one_responsible=st.booleans(),
    seed=st.integers(0, 10_000),
)
def test_expansion_keeps_every_visit_and_every_rule(risk, weeks, n_sup, gap, one_responsible, seed):
    rng = np.random.default_rng(seed)
    capacity = rng.integers(0, 3, size=(n_sup, weeks)).tolist()
    inst = tiny_instance(risk, capacity=capacity, gap=gap, one_responsible=one_responsible)
    alloc = solve(inst)
    assert alloc.status == "optimal"
    deficits = np.ones((len(risk), 8))
    skills = np.ones((n_sup, 8), dtype=bool)
    visits = expand(inst, alloc, deficits, skills)
    # every visit the model counted is in the calendar
    assert visits.groupby("branch").size().reindex(range(len(risk)), fill_value=0).tolist() == list(
        alloc.visits
    )
    # the calendar is worth what the solver said
    value = sum(inst.risk[b] * sum(inst.repeat_value[:n]) for b, n in enumerate(alloc.visits))
    assert value == pytest.approx(alloc.objective)
    # weekly capacity
    load = visits.groupby(["supervisor", "week"]).size()
    for (s, w), n in load.items():
        assert n <= capacity[s][w - 1]
    # spacing and 责任人
    for _, mine in visits.groupby("branch"):
        weeks_seen = sorted(mine["week"])
        assert all(b - a >= gap for a, b in itertools.pairwise(weeks_seen))
        if one_responsible:
            assert mine["supervisor"].nunique() == 1
