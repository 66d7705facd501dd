"""Re-planning mid-quarter: kept visits stay as they are and count toward every rule."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from planner import datasets
from planner.kpis import obeys_mandatory_rules
from tests.checker import check_plan_folder
from tests.helpers import run_planner as planner
from tests.test_plan import _plan_generated, small_county


def visits(folder: Path) -> pd.DataFrame:
    return pd.read_csv(folder / "visits.csv", encoding="utf-8-sig", dtype=str)


@pytest.fixture(scope="module")
def q1(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("q1") / "plan"
    assert planner("plan", "--out", str(out), "--no-report").returncode == 0
    return out


def kept(v: pd.DataFrame, before: int) -> pd.DataFrame:
    rows = v[v["week"].astype(int) < before][["branch_id", "supervisor_id", "week"]]
    return rows.sort_values(["week", "supervisor_id", "branch_id"]).reset_index(drop=True)


def test_nothing_changed_keeps_the_plan_optimal(q1, tmp_path):
    done = planner("plan", "--pin", str(q1), "--from-week", "6", "--out", str(tmp_path / "re"), "--no-report")
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(kept(visits(tmp_path / "re"), 6), kept(visits(q1), 6))
    import json

    first = json.loads((q1 / "summary.json").read_text(encoding="utf-8"))
    again = json.loads((tmp_path / "re" / "summary.json").read_text(encoding="utf-8"))
    assert again["objective"] == pytest.approx(first["objective"], rel=2e-4)
    assert again["pinned"] == {
        "plan": "plan",
        "from_week": 6,
        "kept_visits": len(kept(visits(q1), 6)),
        "returned_visits": 0,
    }


def test_leave_and_a_new_weak_branch_are_planned_around_kept_visits(q1, tmp_path):
    bf, sf, scf = datasets.sample_paths()
    branches = pd.read_csv(bf, dtype=str, keep_default_na=False)
    sups = pd.read_csv(sf, dtype=str, keep_default_na=False)
    busy = visits(q1)["supervisor_id"].value_counts().index[0]
    sups.loc[sups["supervisor_id"] == busy, "unavailable_weeks"] = "6,7,8"
    newly_weak = branches.loc[branches["weak_lax"] == "否"].iloc[-1]["branch_id"]
    branches.loc[branches["branch_id"] == newly_weak, "weak_lax"] = "是"
    branches.to_csv(tmp_path / "b.csv", index=False)
    sups.to_csv(tmp_path / "s.csv", index=False)
    done = planner(
        "plan",
        "--branches",
        str(tmp_path / "b.csv"),
        "--supervisors",
        str(tmp_path / "s.csv"),
        "--scenario",
        str(scf),
        "--pin",
        str(q1),
        "--from-week",
        "6",
        "--out",
        str(tmp_path / "re"),
        "--no-report",
    )
    assert done.returncode == 0, done.stderr
    assert check_plan_folder(tmp_path / "re", tmp_path / "b.csv", tmp_path / "s.csv") == []
    after = visits(tmp_path / "re")
    pd.testing.assert_frame_equal(kept(after, 6), kept(visits(q1), 6))
    assert (after["branch_id"] == newly_weak).sum() >= 2
    late = after[after["week"].astype(int).between(6, 8)]
    assert busy not in set(late["supervisor_id"])


def test_kept_visits_beyond_the_new_maximum_are_infeasible_by_name(q1, tmp_path, write):
    scenario = (
        (datasets.sample_paths()[2])
        .read_text(encoding="utf-8")
        .replace("max_visits_per_branch = 3", "max_visits_per_branch = 1")
        .replace("weak_lax_min_visits = 2", "weak_lax_min_visits = 1")
    )
    sc = write("sc.toml", scenario)
    done = planner(
        "plan",
        "--scenario",
        str(sc),
        "--pin",
        str(q1),
        "--from-week",
        "13",
        "--out",
        str(tmp_path / "re"),
        "--no-report",
    )
    assert done.returncode == 3
    assert "rules.max_visits_per_branch" in done.stderr and "kept visits" in done.stderr
    assert not (tmp_path / "re").exists()


def test_pin_needs_the_same_horizon(q1, tmp_path, write):
    text = datasets.sample_paths()[2].read_text(encoding="utf-8").replace("2027-01-04", "2027-01-11")
    done = planner(
        "plan",
        "--scenario",
        str(write("sc.toml", text)),
        "--pin",
        str(q1),
        "--from-week",
        "3",
        "--out",
        str(tmp_path / "re"),
    )
    assert done.returncode == 2 and "re-plan the same horizon" in done.stderr
    lone = planner("plan", "--pin", str(q1), "--out", str(tmp_path / "re"))
    assert lone.returncode == 2 and "go together" in lone.stderr


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(small_county(), st.integers(2, 13))
def test_every_replan_keeps_its_pins_and_obeys_every_rule(tmp_path_factory, case, from_week):
    from planner.errors import InfeasibleError
    from planner.folder import read_plan, write_plan
    from planner.inputs import load_inputs
    from planner.plan import plan
    from planner.replan import pins_from

    tmp = tmp_path_factory.mktemp("pin")
    try:
        bf, sf, first = _plan_generated(tmp, case)
    except InfeasibleError:
        assume(False)
        return
    assume(from_week <= case["weeks"])
    folder = write_plan(first, tmp / "first")
    inputs = load_inputs(bf, sf, horizon_weeks=case["weeks"])
    pins = pins_from(read_plan(folder), inputs, first.scenario, from_week)
    again = plan(inputs, first.scenario, pins=pins)  # the first plan fits: never infeasible
    out = write_plan(again, tmp / "again")
    assert check_plan_folder(out, bf, sf) == []
    pd.testing.assert_frame_equal(kept(visits(out), from_week), kept(visits(folder), from_week))
    assert again.summary.objective <= first.summary.objective + 1e-6 + abs(
        first.summary.bound - first.summary.objective
    )
    if obeys_mandatory_rules(again.summary.baseline):  # a greedy pass may miss a rule
        assert again.summary.objective >= again.summary.baseline.objective - 1e-6


def test_kept_visits_stand_when_their_supervisor_has_left(tmp_path, write):
    from tests.conftest import BRANCH_HEADER, SUPERVISOR_HEADER, branch_row

    branches = write(
        "b.csv", "\n".join([BRANCH_HEADER, branch_row("A", "东", 40), branch_row("B", "东", 50)]) + "\n"
    )
    sc = write(
        "sc.toml",
        "[horizon]\nstart = 2027-01-04\nweeks = 8\n[rules]\n"
        "weak_lax_min_visits = 0\nmin_weeks_between_visits = 2\n",
    )
    before = write("s.csv", f"{SUPERVISOR_HEADER}\nS1,甲,东,2,,,\nS2,乙,东,0,,,\n")
    assert (
        planner(
            "plan",
            "--branches",
            str(branches),
            "--supervisors",
            str(before),
            "--scenario",
            str(sc),
            "--out",
            str(tmp_path / "p"),
            "--no-report",
        ).returncode
        == 0
    )
    gone = write("s2.csv", f"{SUPERVISOR_HEADER}\nS1,甲,东,0,,,\nS2,乙,东,1,,,\n")
    done = planner(
        "plan",
        "--branches",
        str(branches),
        "--supervisors",
        str(gone),
        "--scenario",
        str(sc),
        "--pin",
        str(tmp_path / "p"),
        "--from-week",
        "3",
        "--out",
        str(tmp_path / "re"),
        "--no-report",
    )
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(kept(visits(tmp_path / "re"), 3), kept(visits(tmp_path / "p"), 3))


def test_visits_logged_as_not_done_return_to_the_pool(q1, tmp_path):
    before = visits(q1)
    early = before[before["week"].astype(int) < 6]
    missed = early.iloc[0]
    log = tmp_path / "log.csv"
    log.write_text(
        "走访编号,走访日期,是否完成\n"
        f"{missed['visit_id']},,否\n"
        f"{early.iloc[1]['visit_id']},{early.iloc[1]['week_start']},是\n",
        encoding="utf-8",
    )
    out = tmp_path / "re"
    done = planner(
        "plan",
        "--pin",
        str(q1),
        "--from-week",
        "6",
        "--log",
        str(log),
        "--out",
        str(out),
        "--no-report",
        "--lang",
        "en",
    )
    assert done.returncode == 0, done.stderr
    assert f"kept {len(early) - 1} visits" in done.stderr
    assert "1 logged as not done return to the pool" in done.stderr
    after = visits(out)
    kept_now = after[after["week"].astype(int) < 6]
    assert len(kept_now) == len(early) - 1
    gone = (kept_now["branch_id"] == missed["branch_id"]) & (kept_now["week"] == missed["week"])
    assert not gone.any()  # the missed visit is not in the new plan's past weeks
    import json

    pinned = json.loads((out / "summary.json").read_text(encoding="utf-8"))["pinned"]
    assert pinned["kept_visits"] == len(early) - 1 and pinned["returned_visits"] == 1


def test_log_without_pin_is_a_usage_error(tmp_path):
    log = tmp_path / "log.csv"
    log.write_text("走访编号,走访日期,是否完成\n", encoding="utf-8")
    done = planner("plan", "--log", str(log), "--out", str(tmp_path / "x"), "--no-report")
    assert done.returncode == 2 and "--log goes with --pin" in done.stderr
