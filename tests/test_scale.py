"""Sweeps, marginal values and planning on a Dask cluster."""

from __future__ import annotations

import pandas as pd
import pytest

from planner import datasets, generate, load_inputs, load_scenario, plan, validate_frames
from planner.errors import InputError
from planner.inputs import scaled_capacity
from planner.sweep import parse_values, sweep


@pytest.fixture(scope="module")
def sample():
    bf, sf, scf = datasets.sample_paths()
    scenario = load_scenario(scf)
    return load_inputs(bf, sf, horizon_weeks=scenario.horizon.weeks), scenario


def test_capacity_frontier_never_decreases(sample):
    inputs, scenario = sample
    table = sweep(inputs, scenario, "capacity", parse_values("0.5:1.5:0.25"), workers=2)
    assert list(table["value"]) == [0.5, 0.75, 1.0, 1.25, 1.5]
    assert (table["status"] == "optimal").all()
    assert table["objective"].is_monotonic_increasing
    assert (table["objective"] >= table["baseline_objective"] - 1e-6).all()


def test_a_costlier_rule_never_helps(sample):
    inputs, scenario = sample
    table = sweep(inputs, scenario, "rules.travel_penalty", [0, 5, 10], workers=1)
    assert table["objective"].is_monotonic_decreasing
    assert table["visits_outside_home_district"].is_monotonic_decreasing


def test_infeasible_points_are_reported_not_fatal(sample):
    inputs, scenario = sample
    table = sweep(inputs, scenario, "capacity", [0.0, 1.0], workers=1)
    assert list(table["status"]) == ["infeasible", "optimal"]
    assert table.loc[0, "note"].startswith("mandatory visits")


def test_bad_sweep_arguments(sample):
    inputs, scenario = sample
    with pytest.raises(InputError, match=r"rules\.travel_penalty"):
        sweep(inputs, scenario, "rules.travel_penalty_x", [1.0])
    with pytest.raises(InputError, match=r"at most 1"):
        sweep(inputs, scenario, "rules.district_min_share", [2.0])
    with pytest.raises(InputError, match="A:B:STEP"):
        parse_values("3:1:1")


def test_marginal_values_point_where_capacity_pays(sample):
    inputs, scenario = sample
    first = plan(inputs, scenario)
    m = first.summary.marginal_values
    assert m is not None
    per_week = m.one_more_visit_per_week_by_supervisor
    assert set(per_week) == set(inputs.supervisors["supervisor_id"])
    assert m.one_more_team_visit_every_week > 0
    assert m.binding_rules[0].rule == "mandatory visits"
    top = max(per_week, key=lambda sid: (per_week[sid], sid))
    more = plan(
        scaled_capacity(
            inputs,
            1.0,
            {top: int(inputs.supervisors.set_index("supervisor_id").loc[top, "weekly_capacity"]) + 1},
        ),
        scenario,
        marginals=False,
    )
    gained = more.summary.objective - first.summary.objective
    assert 0.5 * per_week[top] <= gained <= 2 * per_week[top]


@pytest.fixture(scope="module")
def cluster():
    from distributed import LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None) as local:
        yield local.scheduler_address


def test_province_on_dask_equals_local(cluster):
    county = generate(600, 16, n_counties=4, seed=11)
    inputs = validate_frames(county.branches.astype(str), county.supervisors.astype(str), horizon_weeks=13)
    scenario = load_scenario(None).with_changes(horizon=load_scenario(datasets.sample_paths()[2]).horizon)
    local = plan(inputs, scenario, workers=1)
    remote = plan(inputs, scenario, dask=cluster)
    assert remote.summary.independent_parts == 4
    pd.testing.assert_frame_equal(local.visits, remote.visits)
    pd.testing.assert_frame_equal(local.branches, remote.branches)
    assert local.summary.objective == remote.summary.objective


def test_sweep_on_dask_equals_local(sample, cluster):
    inputs, scenario = sample
    values = [0.75, 1.0]
    local = sweep(inputs, scenario, "capacity", values, workers=1)
    remote = sweep(inputs, scenario, "capacity", values, dask=cluster)
    cols = ["value", "status", "objective", "visits", "branches_visited"]
    pd.testing.assert_frame_equal(local[cols], remote[cols])


def test_an_infeasible_province_names_the_counties_once_per_rule():
    from planner.errors import InfeasibleError
    from planner.scenario import parse_scenario

    county = generate(400, 8, n_counties=4, seed=2)
    inputs = validate_frames(county.branches.astype(str), county.supervisors.astype(str), horizon_weeks=13)
    scenario = parse_scenario(
        {
            "horizon": {"start": "2027-01-04"},
            "rules": {"district_min_share": 0.9, "overdue_days": 0, "weak_lax_min_visits": 0},
        }
    )
    with pytest.raises(InfeasibleError) as exc:
        plan(inputs, scenario, workers=1)
    rules = [c.rule for c in exc.value.conflicts]
    assert len(rules) == len(set(rules))  # one conflict per rule, not one per county


def test_a_county_short_of_capacity_is_named(write):
    from planner.errors import InfeasibleError
    from planner.scenario import parse_scenario
    from tests.conftest import BRANCH_HEADER, SUPERVISOR_HEADER, branch_row

    rows = [branch_row(f"{c}{i}", f"{c}镇", 50) + f",{c}县" for c in "AB" for i in range(10)]
    branches = write("b.csv", "\n".join([BRANCH_HEADER + ",county", *rows]) + "\n")
    sups = write("s.csv", f"{SUPERVISOR_HEADER},county\nS1,甲,A镇,1,,,,A县\nS2,乙,B镇,3,,,,B县\n")
    inputs = load_inputs(branches, sups, horizon_weeks=4)
    scenario = parse_scenario(
        {
            "horizon": {"start": "2027-01-04", "weeks": 4},
            "rules": {"district_min_share": 0.6, "overdue_days": 0, "weak_lax_min_visits": 0},
        }
    )
    with pytest.raises(InfeasibleError) as exc:  # 16 slots for 12 branches, but not in 县 A
        plan(inputs, scenario, workers=1)
    (conflict,) = exc.value.conflicts
    assert conflict.rule == "rules.district_min_share"
    assert "miss 2 branches" in conflict.message
    assert "in 1 of 2 independent counties: A县 2" in conflict.message
