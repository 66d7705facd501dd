"""From validated inputs to the model's instance: groups of alike branches, independent parts."""

from __future__ import annotations

import io

import pandas as pd

from planner import instance, risk
from planner.inputs import validate_frames
from planner.scenario import parse_scenario
from tests.conftest import BRANCH_HEADER, SUPERVISOR_HEADER, branch_row

BRANCHES = "\n".join(
    [
        BRANCH_HEADER,
        branch_row("B1", "东镇", 40),
        branch_row("B2", "东镇", 60),
        branch_row("B3", "东镇", 50),  # S1 must not supervise B3 (conflict of interest)
        branch_row("B4", "西镇", 30, weak="是"),
    ]
)


def _inputs(supervisors: str):
    frame = lambda text: pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)  # noqa: E731
    return validate_frames(frame(BRANCHES), frame(supervisors), horizon_weeks=4)


def _build(supervisors: str):
    inputs = _inputs(supervisors)
    scenario = parse_scenario({"horizon": {"weeks": 4, "start": "2027-01-04"}})
    scores = risk.score(inputs.branches, scenario)
    need = instance.mandatory(inputs, scenario)
    return inputs, instance.build(inputs, scenario, scores["risk_score"], need.visits)


SHARED = "\n".join([SUPERVISOR_HEADER, "S1,甲,东镇,2,,,B3", "S2,乙,西镇,1,,2,"])


def test_alike_branches_share_a_group_and_exclusions_split_them():
    _, inst = _build(SHARED)
    group = [int(g) for g in inst.group_of]
    assert group[0] == group[1]  # B1 and B2: same district, nobody excluded
    assert group[2] != group[0]  # B3 excludes S1
    assert inst.groups[group[2]].candidates == (1,)
    assert inst.groups[group[0]].candidates == (0, 1)


def test_capacity_has_leave_weeks_and_weak_lax_is_mandatory():
    _, inst = _build(SHARED)
    assert inst.capacity.tolist() == [[2, 2, 2, 2], [1, 0, 1, 1]]
    assert list(inst.min_visits) == [0, 0, 0, 2]  # weak_lax_min_visits defaults to 2


def test_split_finds_independent_parts_only_when_nothing_links_them():
    _, inst = _build(SHARED)
    assert len(instance.split(inst)) == 1  # S2 may visit both towns
    provinces = "\n".join(
        [
            "supervisor_id,name,home_district,weekly_capacity,county",
            "S1,甲,东镇,2,东县",
            "S2,乙,西镇,1,西县",
        ]
    )
    branches = BRANCHES.replace(BRANCH_HEADER, BRANCH_HEADER + ",county")
    branches = "\n".join(
        line + ("" if i == 0 else (",东县" if "东镇" in line else ",西县"))
        for i, line in enumerate(branches.split("\n"))
    )
    frame = lambda text: pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)  # noqa: E731
    inputs = validate_frames(frame(branches), frame(provinces), horizon_weeks=4)
    scenario = parse_scenario({"horizon": {"weeks": 4, "start": "2027-01-04"}})
    scores = risk.score(inputs.branches, scenario)
    inst = instance.build(inputs, scenario, scores["risk_score"], instance.mandatory(inputs, scenario).visits)
    parts = instance.split(inst)
    assert len(parts) == 2
    assert sorted(len(p.branches) for p in parts) == [1, 3]
