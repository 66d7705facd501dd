"""Recording what visits found: the next cycle's branch file, validated, never in place."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from planner import datasets
from tests.conftest import BRANCH_HEADER, SUPERVISOR_HEADER, branch_row
from tests.helpers import run_planner as planner


@pytest.fixture(scope="module")
def q1(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("q1") / "plan"
    assert planner("plan", "--out", str(out), "--no-report").returncode == 0
    return out


def test_round_trip_plan_record_plan(q1, tmp_path):
    visits = pd.read_csv(q1 / "visits.csv", encoding="utf-8-sig")
    log = pd.DataFrame(
        {
            "走访编号": visits["visit_id"],
            "走访日期": visits["week_start"],
            "是否完成": ["否" if i % 10 == 0 else "" for i in range(len(visits))],
        }
    )
    log["教育培训"] = 95  # every supervisor assessed training
    log.to_csv(tmp_path / "log.csv", index=False, encoding="utf-8-sig")
    done = planner(
        "record", str(q1), str(tmp_path / "log.csv"), "--out", str(tmp_path / "q2.csv"), "--lang", "en"
    )
    assert done.returncode == 0, done.stderr
    before = pd.read_csv(datasets.sample_paths()[0], dtype=str, keep_default_na=False)
    after = pd.read_csv(tmp_path / "q2.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert list(after.columns) == list(before.columns)
    happened = log[log["是否完成"] == ""]
    visited = set(visits.loc[happened.index, "branch_id"])
    last = visits.loc[happened.index].groupby("branch_id")["week_start"].max()
    planned = pd.read_csv(q1 / "branches.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    responsible = dict(zip(planned["branch_id"], planned["responsible_supervisor_id"], strict=True))
    for i, row in after.iterrows():
        # each branch's 责任人 is the plan's (or stays as it was)
        assert row["responsible_supervisor"] == (
            responsible[row["branch_id"]] or before.loc[i, "responsible_supervisor"]
        )
        if row["branch_id"] in visited:
            assert row["last_visit"] == last[row["branch_id"]]
            assert row["training"] == "95"
        else:
            # untouched branches stay exactly as they were
            assert row.drop("responsible_supervisor").equals(before.loc[i].drop("responsible_supervisor"))
    assert f"{len(visited)} branches updated" in done.stdout
    # the next quarter starts when this one ends (a last visit after the start is an error)
    q2_scenario = tmp_path / "q2.toml"
    q2_scenario.write_text(
        datasets.sample_paths()[2].read_text(encoding="utf-8").replace("2027-01-04", "2027-04-05"),
        encoding="utf-8",
    )
    q2 = planner(
        "plan",
        "--branches",
        str(tmp_path / "q2.csv"),
        "--supervisors",
        str(datasets.sample_paths()[1]),
        "--scenario",
        str(q2_scenario),
        "--out",
        str(tmp_path / "q2plan"),
        "--no-report",
    )
    assert q2.returncode == 0, q2.stderr
    table = pd.read_csv(tmp_path / "q2plan" / "branches.csv", encoding="utf-8-sig")
    overdue_again = table[
        table["branch_id"].isin(visited) & table["mandatory_reason"].fillna("").str.contains("overdue")
    ]
    assert overdue_again.empty  # a visit this quarter means not overdue next quarter


def test_headers_and_extra_columns_are_kept(tmp_path):
    zh = BRANCH_HEADER.replace("branch_id", "组织编号") + ",备注"
    rows = [branch_row("A", "东", 50) + ",老党员多", branch_row("B", "东", 60) + ","]
    (tmp_path / "b.csv").write_text("\n".join([zh, *rows]) + "\n", encoding="gb18030")
    (tmp_path / "s.csv").write_text(f"{SUPERVISOR_HEADER}\nS1,甲,东,1,,,\n", encoding="utf-8")
    assert (
        planner(
            "plan",
            "--branches",
            str(tmp_path / "b.csv"),
            "--supervisors",
            str(tmp_path / "s.csv"),
            "--out",
            str(tmp_path / "p"),
            "--no-report",
        ).returncode
        == 0
    )
    (tmp_path / "log.csv").write_text("branch_id,date,planning\nA,2027-01-05,88\n", encoding="utf-8")
    done = planner(
        "record",
        str(tmp_path / "p"),
        str(tmp_path / "log.csv"),
        "--branches",
        str(tmp_path / "b.csv"),
        "--out",
        str(tmp_path / "next.csv"),
    )
    assert done.returncode == 0, done.stderr
    after = pd.read_csv(tmp_path / "next.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert after.columns[0] == "组织编号" and list(after.columns[-2:]) == ["备注", "责任人"]
    assert after.loc[0, "planning"] == "88" and after.loc[0, "last_visit"] == "2027-01-05"
    assert after.loc[0, "备注"] == "老党员多"
    assert after.loc[1, "planning"] == "60"


def test_bad_log_lists_every_problem_and_writes_nothing(q1, tmp_path):
    (tmp_path / "log.csv").write_text(
        "visit_id,branch_id,date,happened,training\n"
        "V99999,,2027-01-05,是,80\n"  # unknown visit
        "V00001,,2027-09-01,是,80\n"  # outside the plan
        "V00002,,2027-01-12,是,180\n"  # score out of range
        ",B00001,,是,\n"  # happened without a date
        ",NOPE,2027-01-12,是,\n",  # unknown branch
        encoding="utf-8",
    )
    done = planner("record", str(q1), str(tmp_path / "log.csv"), "--out", str(tmp_path / "n.csv"))
    assert done.returncode == 2
    for where in (
        "row 2, column 走访编号",
        "row 3, column 走访日期",
        "row 4, column 教育培训",
        "row 5, column 走访日期",
        "row 6, column 组织编号",
    ):
        assert where in done.stderr, where
    assert not (tmp_path / "n.csv").exists()


def test_wrong_branch_file_or_existing_out_is_refused(q1, tmp_path, write):
    other = write("other.csv", f"{BRANCH_HEADER}\n{branch_row('B1', '东', 50)}\n")
    log = write("log.csv", "visit_id,date\nV00001,2027-01-05\n")
    done = planner("record", str(q1), str(log), "--branches", str(other), "--out", str(tmp_path / "n.csv"))
    assert done.returncode == 2 and "not the branch file this plan was made from" in done.stderr
    (tmp_path / "exists.csv").write_text("keep", encoding="utf-8")
    done = planner("record", str(q1), str(log), "--out", str(tmp_path / "exists.csv"))
    assert done.returncode == 2 and "already exists" in done.stderr
    assert (tmp_path / "exists.csv").read_text(encoding="utf-8") == "keep"
