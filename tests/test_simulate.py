"""The evidence simulation: deterministic for a seed, the same draws for every policy."""

from __future__ import annotations

import pytest

from planner import simulate


@pytest.fixture(scope="module")
def county():
    return simulate.generated_county(150, 5, seed=4)


def test_same_seed_same_figures(county):
    inputs, scenario = county
    a = simulate.simulate(inputs, scenario, quarters=2, seed=7)
    b = simulate.simulate(inputs, scenario, quarters=2, seed=7)
    assert a.figures.equals(b.figures)
    assert a.weekly_risk.equals(b.weekly_risk)
    assert list(a.figures.index) == list(simulate.POLICIES)
    assert a.figures.at["round_robin", "weeks_sooner_than_round_robin"] == 0


def test_policies_share_the_draws(county):
    inputs, scenario = county
    # with no visits at all the policies cannot differ: only the shared draws move the scores
    idle = inputs.supervisors.assign(weekly_capacity=0)
    from planner.inputs import Inputs

    none = Inputs(inputs.branches, idle, inputs.sources)
    sim = simulate.simulate(
        none,
        scenario.with_changes(rules=scenario.rules.__class__(overdue_days=0, weak_lax_min_visits=0)),
        quarters=1,
        seed=3,
        policies=("hand_ranking", "round_robin", "random"),
    )
    rows = sim.weekly_risk.T.drop_duplicates()
    assert len(rows) == 1


def test_the_optimizer_reaches_the_weakest_sooner(county):
    inputs, scenario = county
    sim = simulate.simulate(inputs, scenario, quarters=2, seed=1)
    f = sim.figures
    assert f.at["optimizer", "weeks_sooner_than_round_robin"] > 0
    assert f.at["optimizer", "weakest_first_visit_week"] < f.at["random", "weakest_first_visit_week"]
    assert f["visits_per_supervisor"].nunique() == 1  # every policy uses the same capacity
