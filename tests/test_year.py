"""The office's year: visits owed, never too late, keep pace, contact points, follow-up, standing
责任人, the history, and a year of quarters planned and recorded one after the other."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from planner import datasets, year
from planner.errors import InfeasibleError, InputError
from planner.folder import write_plan
from planner.inputs import load_inputs
from planner.plan import plan
from planner.scenario import parse_scenario, scenario_to_dict
from tests.checker import check_plan_folder
from tests.conftest import BRANCH_HEADER, SUPERVISOR_HEADER, branch_row

START = dt.date(2027, 1, 4)


def planner(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "planner.cli", *args], capture_output=True, text=True, check=False
    )


def scenario(**tables: dict) -> object:
    data = {"horizon": {"start": START, "weeks": 13}, "solver": {"gap": 0.0}, "year": {}}
    for key, table in tables.items():
        data[key] = {**data.get(key, {}), **table}
    return parse_scenario(data)


def county(tmp: Path, branches: list[str], supervisors: list[str], extra_b: str = "", extra_s: str = ""):
    bf, sf = tmp / "b.csv", tmp / "s.csv"
    bf.write_text("\n".join([BRANCH_HEADER + extra_b, *branches]) + "\n", encoding="utf-8")
    sf.write_text("\n".join([SUPERVISOR_HEADER + extra_s, *supervisors]) + "\n", encoding="utf-8")
    return bf, sf


# ---------------------------------------------------------------- arithmetic of the year


def test_year_window_and_never_too_late_by_hand():
    # quarter 4 of a year starting 2027-01-01: the plan ends with the year, nothing after it
    sc = parse_scenario({"horizon": {"start": dt.date(2027, 10, 4), "weeks": 13}})
    w = year.window(sc)
    assert (w.start, w.inside, w.remaining, w.after) == (dt.date(2027, 1, 1), 13, 13, 0)
    assert year.late_cap(0, sc.rules) == 0
    # quarter 1: 39 weeks after it hold 1 + 38 // 3 = 13 visits, capped at 3 per branch
    w1 = year.window(scenario())
    assert (w1.inside, w1.remaining, w1.after) == (13, 52, 39)
    assert year.late_cap(39, scenario().rules) == 3
    assert year.late_cap(4, scenario().rules) == 2  # weeks 1 and 4 of the 4 left
    # a plan running past the year's end: only its weeks inside the year count
    w2 = year.window(parse_scenario({"horizon": {"start": dt.date(2027, 11, 29), "weeks": 13}}))
    assert (w2.inside, w2.remaining, w2.after) == (5, 5, 0)


def test_without_a_year_table_or_history_plans_are_as_before(tmp_path):
    # one supervisor with 4 slots cannot visit 40 branches in a year: only the year's rules say so
    rows = [branch_row(f"B{i:02d}", "东", 90, last="2026-12-01") for i in range(40)]
    bf, sf = county(tmp_path, rows, ["S1,甲,东,1,,1 2 3 4 5 6 7 8 9,"])
    plain = parse_scenario({"horizon": {"start": START}})
    p = plan(load_inputs(bf, sf, horizon_weeks=13), plain)
    assert p.summary.kpis.visits == 4 and "year" not in scenario_to_dict(plain)
    assert (p.branches["visits_owed_this_year"] == 0).all()
    with pytest.raises(InfeasibleError):
        plan(load_inputs(bf, sf, horizon_weeks=13), scenario())


def test_a_plan_outside_its_year_is_refused():
    with pytest.raises(InputError, match=r"year\.start"):
        parse_scenario({"horizon": {"start": START}, "year": {"start": dt.date(2027, 2, 1)}})


def test_owed_visits_pace_and_reasons_on_a_tiny_county(tmp_path):
    # A visited this year (history), B never, C a contact point of S1, D rectified in the autumn
    bf, sf = county(
        tmp_path,
        [
            branch_row("A", "东", 90, last="2026-12-01") + ",,",
            branch_row("B", "东", 90) + ",,",
            branch_row("C", "东", 90) + ",S1,",
            branch_row("D", "东", 90) + ",,2026-10-15",
        ],
        ["S1,甲,东,1,,,,C", "S2,乙,东,1,,,,"],
        extra_b=",responsible_supervisor,rectified_on",
        extra_s=",contact_branches",
    )
    hist = tmp_path / "h.csv"
    hist.write_text("branch_id,supervisor_id,date\nA,S1,2027-01-02\nZ,S9,2026-05-01\n", encoding="utf-8")
    sc = scenario()
    inputs = load_inputs(bf, sf, horizon_weeks=13, history=hist, horizon_start=START)
    assert inputs.warnings and "1 visits" in inputs.warnings[0]  # the unknown row is counted
    d = year.demand(inputs, sc)
    assert d.done.tolist() == [1, 0, 0, 0]
    assert d.owed.tolist() == [0, 1, 2, 1]  # a contact point owes contact_min_visits = 2
    assert d.pace == 1  # ceil(4 owed x 13 / 52)
    assert d.followup.tolist() == [False, False, False, True]
    assert d.reason.tolist() == ["", "", "", "followup"]
    # the last quarter: everything owed is due now (never too late)
    q4 = scenario(horizon={"start": dt.date(2027, 10, 4)})
    d4 = year.demand(load_inputs(bf, sf, horizon_weeks=13, history=hist, horizon_start=START), q4)
    assert d4.must.tolist() == [0, 1, 2, 1]
    assert d4.reason.tolist() == ["", "coverage", "coverage, contact", "coverage, followup"]
    p = plan(load_inputs(bf, sf, horizon_weeks=13), q4)
    v = p.branches.set_index("branch_id")
    assert v.loc["C", "visits"] >= 2 and v.loc["C", "responsible_supervisor_id"] == "S1"
    assert (v["visits_owed_this_year"] == 0).all()
    folder = write_plan(p, tmp_path / "plan")
    assert check_plan_folder(folder, bf, sf) == []


def test_history_problems_name_file_row_and_column(tmp_path):
    bf, sf = county(tmp_path, [branch_row("A", "东", 50)], ["S1,甲,东,1,,,"])
    hist = tmp_path / "台账.csv"
    hist.write_text(
        "组织编号,督导员编号,走访日期,督导重点\nA,S1,2027-13-01,planning\nA,S1,2027-02-01,读书\n,S1,2026-01-01,\n",
        encoding="gb18030",
    )
    with pytest.raises(InputError) as err:
        load_inputs(bf, sf, horizon_weeks=13, history=hist, horizon_start=START)
    text = "\n".join(str(p) for p in err.value.problems)
    assert "台账.csv, row 2, column 走访日期" in text
    assert "台账.csv, row 4, column 组织编号" in text
    hist.write_text("branch_id,supervisor_id,date,focus\nA,S1,2027-02-01,读书\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_inputs(bf, sf, horizon_weeks=13, history=hist, horizon_start=START)
    text = "\n".join(str(p) for p in err.value.problems)
    assert "row 2, column 走访日期" in text and "after the plan's start" in text
    assert "row 2, column 督导重点" in text


def test_history_later_than_last_visit_wins(tmp_path):
    bf, sf = county(tmp_path, [branch_row("A", "东", 50, last="2026-01-01")], ["S1,甲,东,1,,,"])
    hist = tmp_path / "h.xlsx"
    pd.DataFrame(
        {"组织编号": ["A", "A"], "督导员编号": ["S1", "S1"], "走访日期": ["2026-06-01", "2025-01-01"]}
    ).to_excel(hist, index=False)
    inputs = load_inputs(bf, sf, horizon_weeks=13, history=hist, horizon_start=START)
    assert inputs.branches.loc[0, "last_visit"] == dt.date(2026, 6, 1)
    assert not inputs.warnings


# ---------------------------------------------------------------- standing 责任人 and contact points


def test_standing_responsible_is_kept_or_changed_with_a_reason(tmp_path):
    bf, sf = county(
        tmp_path,
        [
            branch_row("A", "东", 20, weak="是") + ",S2",  # S2 is far away but stays 责任人
            branch_row("B", "东", 20, weak="是") + ",S9",  # S9 left the office
            branch_row("C", "东", 20, weak="是") + ",S3",  # S3 is on leave all quarter
            branch_row("W", "西", 90) + ",S2",
        ],
        ["S1,甲,东,3,,,", "S2,乙,西,3,,,", "S3,丙,东,3,,1 2 3 4 5 6 7 8 9 10 11 12 13,"],
        extra_b=",responsible_supervisor",
    )
    p = plan(load_inputs(bf, sf, horizon_weeks=13), scenario(rules={"travel_penalty": 5.0}))
    t = p.branches.set_index("branch_id")
    assert t.loc["A", "responsible_supervisor_id"] == "S2" and t.loc["A", "responsible_changed"] == ""
    assert t.loc["B", "responsible_changed"] == "not_in_file: S9 → S1"
    assert t.loc["C", "responsible_changed"] == "no_capacity: S3 → S1"
    # without keep_responsible the travel penalty sends S1 to A, and says so
    free = plan(
        load_inputs(bf, sf, horizon_weeks=13),
        scenario(rules={"travel_penalty": 5.0, "keep_responsible": False}),
    )
    assert free.branches.set_index("branch_id").loc["A", "responsible_changed"] == "rule_off: S2 → S1"
    assert free.summary.objective > p.summary.objective


def test_an_overloaded_responsible_hands_the_least_risky_branches_on(tmp_path):
    # 8 weak-and-lax branches need 16 visits of S1, who has 13 slots: the two least risky move
    rows = [branch_row(f"B{i}", "东", 20 + i, weak="是") + ",S1" for i in range(8)]
    bf, sf = county(tmp_path, rows, ["S1,甲,东,1,,,", "S2,乙,东,3,,,"], extra_b=",responsible_supervisor")
    t = plan(load_inputs(bf, sf, horizon_weeks=13), scenario()).branches.set_index("branch_id")
    moved = t[t["responsible_changed"] != ""]
    assert moved["responsible_changed"].tolist() == ["overloaded: S1 → S2"] * 2
    assert sorted(moved.index) == ["B6", "B7"]  # scores 26 and 27: the healthiest, least risky
    assert (t.drop(index=moved.index)["responsible_supervisor_id"] == "S1").all()


def test_overloaded_contact_points_are_infeasible_with_numbers(tmp_path):
    rows = [branch_row(f"B{i}", "东", 20, weak="是") for i in range(8)]
    contact = " ".join(f"B{i}" for i in range(8))
    bf, sf = county(
        tmp_path, rows, [f"S1,甲,东,1,,,,{contact}", "S2,乙,东,3,,,,"], extra_s=",contact_branches"
    )
    with pytest.raises(InfeasibleError) as err:
        plan(load_inputs(bf, sf, horizon_weeks=13), scenario())
    text = " ".join(f"{c.rule} {c.message}" for c in err.value.conflicts)
    assert "rules.keep_responsible" in text and "S1 needs 16 with 13" in text
    done = planner("plan", "--branches", str(bf), "--supervisors", str(sf), "--out", str(tmp_path / "x"))
    assert done.returncode == 3 and "contact points" in done.stderr
    assert not (tmp_path / "x").exists()


def test_keep_pace_shortfall_is_named_with_numbers(tmp_path):
    # 40 branches owe a visit; a quarter must make ceil(40 x 13/52) = 10, one supervisor has 4 slots
    rows = [branch_row(f"B{i:02d}", "东", 90, last="2026-12-01") for i in range(40)]
    bf, sf = county(tmp_path, rows, ["S1,甲,东,1,,1 2 3 4 5 6 7 8 9,"])
    with pytest.raises(InfeasibleError) as err:
        plan(load_inputs(bf, sf, horizon_weeks=13), scenario())
    text = " ".join(f"{c.rule} {c.message}" for c in err.value.conflicts)
    assert "year.min_visits" in text and "must make 10 of the 40 visits owed" in text


def test_contact_point_problems_in_the_supervisor_file(tmp_path):
    bf, sf = county(
        tmp_path,
        [branch_row("A", "东", 50), branch_row("B", "东", 50)],
        ["S1,甲,东,1,,,A,A", "S2,乙,东,1,,,,B", "S3,丙,东,1,,,,B X"],
        extra_s=",contact_branches",
    )
    with pytest.raises(InputError) as err:
        load_inputs(bf, sf, horizon_weeks=13)
    text = "\n".join(str(p) for p in err.value.problems)
    assert "row 2, column 联系点" in text and "excluded" in text
    assert "row 4, column 联系点" in text and "already the contact point of 'S2'" in text
    assert "'X' is not in the branch file" in text


# ---------------------------------------------------------------- sensible assignments


def test_tie_break_keeps_the_objective_and_stays_home():
    from planner import instance, risk
    from planner.solver import solve

    bf, sf, _ = datasets.sample_paths()
    sc = scenario(solver={"gap": 0.0001})
    inputs = load_inputs(bf, sf, horizon_weeks=13)
    scores = risk.score(inputs.branches, sc)
    need = instance.mandatory(inputs, sc, scores["risk_tier"])
    inst = instance.build(inputs, sc, scores["risk_score"], need.visits)
    with_ties = solve(inst, gap=0.0001)
    without = solve(inst, gap=0.0001, tie_break=False)
    assert with_ties.objective == pytest.approx(without.objective, rel=1e-9)
    away = {}
    for label, a in (("with", with_ties), ("without", without)):
        away[label] = sum(
            n for (g, s, k), n in a.served.items() if k == 1 and inst.home[s] != inst.groups[g].district
        )
    assert away["with"] < away["without"]


# ---------------------------------------------------------------- a whole year


def test_a_whole_year_plan_of_the_sample_is_fast_and_covers_everyone(tmp_path):
    bf, sf, _ = datasets.sample_paths()
    # at a 1 % gap; the default 0.1 % takes HiGHS ~20 s on a year (README)
    sc = scenario(horizon={"weeks": 52}, solver={"gap": 0.01})
    started = time.perf_counter()
    inputs = load_inputs(
        bf, sf, horizon_weeks=52, history=datasets.sample_history_path(), horizon_start=START
    )
    p = plan(inputs, sc, marginals=False)
    assert time.perf_counter() - started < 10
    assert (p.branches["visits"] >= 1).all()  # 全覆盖
    contact = {b for ids in inputs.supervisors["contact_branches"] for b in ids}
    t = p.branches.set_index("branch_id")
    assert (t.loc[sorted(contact), "visits"] >= 2).all()
    assert (t["visits_owed_this_year"] == 0).all()
    assert p.summary.year is not None and p.summary.year.plan.covered_after == len(t)


def test_quarter_record_quarter_loop_over_a_year(tmp_path):
    c = datasets.generate(150, 6, seed=11, year=True)
    # the same people all year (week numbers of leave would mean other weeks each quarter), and
    # enough of them: each must make every visit of the branches they stand for
    c.supervisors["unavailable_weeks"] = ""
    c.supervisors["weekly_capacity"] += 1
    files = datasets.write_county(c, tmp_path / "q0")
    branches, supervisors, history = files
    starts = [START + dt.timedelta(weeks=13 * q) for q in range(4)]
    standing_before = {}
    for q, start in enumerate(starts, 1):
        sc = tmp_path / f"q{q}.toml"
        sc.write_text(
            f'name = "Q{q}"\n[horizon]\nstart = {start}\nweeks = 13\n[year]\nstart = 2027-01-01\n'
            "[solver]\ngap = 0.001\n",
            encoding="utf-8",
        )
        out = tmp_path / f"plan{q}"
        done = planner(
            "plan", "--branches", str(branches), "--supervisors", str(supervisors), "--history", str(history),
            "--scenario", str(sc), "--out", str(out), "--no-report",
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        table = pd.read_csv(out / "branches.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
        before = pd.read_csv(branches, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        standing_before = dict(zip(before["branch_id"], before["responsible_supervisor"], strict=True))
        for row in table.itertuples():
            old = standing_before[row.branch_id]
            if old and int(row.visits) and row.responsible_supervisor_id != old:
                assert row.responsible_changed, f"Q{q}: {row.branch_id} changed 责任人 without a reason"
        visits = pd.read_csv(out / "visits.csv", dtype=str, encoding="utf-8-sig")
        # one visit in ten does not happen (except in the last quarter): the next quarter catches up
        log = pd.DataFrame(
            {
                "visit_id": visits["visit_id"],
                "date": visits["week_start"],
                "happened": ["否" if i % 10 == 3 and q < 4 else "是" for i in range(len(visits))],
            }
        )
        log.to_csv(tmp_path / f"log{q}.csv", index=False)
        nxt_b, nxt_h = tmp_path / f"branches{q}.csv", tmp_path / f"history{q}.csv"
        done = planner(
            "record", str(out), str(tmp_path / f"log{q}.csv"), "--branches", str(branches),
            "--history", str(history), "--out", str(nxt_b), "--history-out", str(nxt_h),
        )  # fmt: skip
        assert done.returncode == 0, done.stderr
        recorded = pd.read_csv(nxt_b, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        mine = dict(zip(table["branch_id"], table["responsible_supervisor_id"], strict=True))
        for bid, sid in zip(recorded["branch_id"], recorded["responsible_supervisor"], strict=True):
            assert sid == (mine[bid] or standing_before[bid])
        branches, history = nxt_b, nxt_h
    final = pd.read_csv(history, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    in_year = final[final["date"] >= "2027-01-01"]
    per_branch = c.branches["branch_id"].map(in_year["branch_id"].value_counts()).fillna(0)
    assert (per_branch >= 1).all(), "全覆盖: every branch visited in the year"
    contact = [b for ids in c.supervisors["contact_branches"] for b in str(ids).split()]
    assert contact and (per_branch[c.branches["branch_id"].isin(contact)] >= 2).all()
    by_contact = {
        b: sid
        for sid, ids in zip(c.supervisors["supervisor_id"], c.supervisors["contact_branches"], strict=True)
        for b in str(ids).split()
    }
    for row in in_year.itertuples():
        if row.branch_id in by_contact:
            assert row.supervisor_id == by_contact[row.branch_id]  # a contact point's visits are theirs


def test_the_elastic_fallback_names_keep_pace_with_numbers(tmp_path):
    # counting alone cannot see it: S2 has the slots but must avoid every branch; S1 has 4
    rows = [branch_row(f"B{i:02d}", "东", 90, last="2026-12-01") for i in range(40)]
    avoid = " ".join(f"B{i:02d}" for i in range(40))
    bf, sf = county(tmp_path, rows, ["S1,甲,东,1,,1 2 3 4 5 6 7 8 9,", f"S2,乙,东,3,,,{avoid}"])
    with pytest.raises(InfeasibleError) as err:
        plan(load_inputs(bf, sf, horizon_weeks=13), scenario())
    conflicts = {c.rule: c.message for c in err.value.conflicts}
    assert "keeping the year's pace falls 6 owed visits short" in conflicts["year.min_visits"]


def test_replanning_with_pins_keeps_the_years_rules(tmp_path):
    from planner.folder import read_plan
    from planner.replan import pins_from
    from planner.scenario import load_scenario

    bf, sf, scf = datasets.sample_paths()
    sc = load_scenario(scf)
    inputs = load_inputs(
        bf, sf, horizon_weeks=13, history=datasets.sample_history_path(), horizon_start=START
    )
    first = write_plan(plan(inputs, sc, marginals=False), tmp_path / "q1")
    again = plan(inputs, sc, pins=pins_from(read_plan(first), inputs, sc, 6), marginals=False)
    assert again.summary.year is not None
    y = again.summary.year.plan
    assert y.pace_made >= y.pace_required == 160
    assert y.followups_met == y.followups_due == 10
    assert y.standing_changed == 0 and y.standing_kept == 517
    sups = inputs.supervisors
    owner = {
        b: sid for sid, ids in zip(sups["supervisor_id"], sups["contact_branches"], strict=True) for b in ids
    }
    contact = set(owner)
    v = again.visits[again.visits["branch_id"].isin(contact)]
    assert (v["supervisor_id"] == v["branch_id"].map(owner)).all()


def test_the_app_and_the_workbook_file_show_the_year(tmp_path):
    import openpyxl

    from planner.exports import write_workbook
    from planner.workbook import Workbook

    app = Workbook.from_files(lang="en")
    assert app.inputs.history is not None  # the sample county comes with its history
    p = app.solve()
    assert p is not None
    table = app.year_table()
    assert table.loc["Follow-ups: due / planned", "Plan"] == "10 / 10"
    assert table.loc["Branches covered after this plan", "Plan"].endswith("/ 600")
    write_workbook(p, tmp_path, "zh")
    sheet = openpyxl.load_workbook(tmp_path / "plan.xlsx")["本年度进度"]
    labels = [row[0] for row in sheet.iter_rows(values_only=True)]
    assert "回头看：应走访 / 已安排" in labels and "片区" in labels
    # the branch sheet says per branch what the year still owes, to filter on
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    header = [c.value for c in next(book["组织"].iter_rows(min_row=1, max_row=1))]
    assert {"本年已走访", "本年尚欠", "责任人变更"} <= set(header)
    owed = header.index("本年尚欠")
    total = sum(row[owed] for row in book["组织"].iter_rows(min_row=2, values_only=True))
    assert total == int(p.branches["visits_owed_this_year"].sum())


@pytest.mark.parametrize("one_responsible", [True, False])
def test_a_plan_past_the_years_end_makes_the_owed_visits_before_it(tmp_path, one_responsible):
    # weeks 1-5 of a plan starting 2027-11-29 lie in the year, weeks 6-13 in the next one. Twelve
    # risky branches were visited this year; the healthy L was not, so it owes its visit now. The
    # riskiest branches get the earliest weeks unless a rule says otherwise: the year's end does.
    rows = [branch_row(f"H{i:02d}", "东", 20, last="2027-06-01") for i in range(12)]
    rows.append(branch_row("L", "东", 95, last="2026-06-01"))
    bf, sf = county(tmp_path, rows, ["S1,甲,东,1,,,"])
    late = dt.date(2027, 11, 29)
    sc = scenario(
        horizon={"start": late},
        rules={"max_visits_per_branch": 1, "one_responsible_supervisor": one_responsible},
    )
    p = plan(load_inputs(bf, sf, horizon_weeks=13, horizon_start=late), sc)
    visits = p.visits.set_index("branch_id")
    assert int(visits.loc["L", "week"]) <= 5  # 2027-12-27 at the latest
    assert p.branches.set_index("branch_id").loc["L", "visits_owed_this_year"] == 0
    assert check_plan_folder(write_plan(p, tmp_path / f"plan{one_responsible}"), bf, sf) == []
    # the same plan with leave in every week of the year left cannot make it: refused, named
    bf2, sf2 = county(tmp_path, rows, ["S1,甲,东,1,,1 2 3 4 5,"])
    with pytest.raises(InfeasibleError) as err:
        plan(load_inputs(bf2, sf2, horizon_weeks=13, horizon_start=late), sc)
    text = " ".join(f"{c.rule} {c.message}" for c in err.value.conflicts)
    assert "year.min_visits" in text and "before the office's year ends" in text


def test_a_responsible_the_plan_cannot_keep_is_named_when_read(tmp_path):
    # B names S11 (not in the file: a typo of S1?); C is S1's contact point but names S2
    bf, sf = county(
        tmp_path,
        [
            branch_row("A", "东", 20) + ",S1",
            branch_row("B", "东", 20) + ",S11",
            branch_row("C", "东", 20) + ",S2",
        ],
        ["S1,甲,东,3,,,,C", "S2,乙,东,3,,,,"],
        extra_b=",responsible_supervisor",
        extra_s=",contact_branches",
    )
    inputs = load_inputs(bf, sf, horizon_weeks=13)
    said = "\n".join(inputs.warnings)
    assert "row 3, column 责任人: 'S11' is not in the supervisor file (did you mean 'S1'?)" in said
    assert "row 4, column 责任人: 'C' is a contact point (联系点) of 'S1'" in said
    t = plan(inputs, scenario()).branches.set_index("branch_id")
    assert t.loc["B", "responsible_changed"].startswith("not_in_file: S11 → ")
    assert t.loc["C", "responsible_changed"] == "contact_point: S2 → S1"
    done = planner("validate", "--branches", str(bf), "--supervisors", str(sf))
    assert (
        done.returncode == 0 and (done.stdout + done.stderr).count("'S11' is not in the supervisor file") == 1
    )


def test_a_blank_history_date_or_a_future_acceptance_is_refused_with_its_row(tmp_path):
    bf, sf = county(
        tmp_path,
        [branch_row("A", "东", 20) + ",", branch_row("B", "东", 20) + ",2027-03-01"],
        ["S1,甲,东,3,,,"],
        extra_b=",rectified_on",
    )
    hist = tmp_path / "h.csv"
    hist.write_text("branch_id,supervisor_id,date\nA,S1,\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_inputs(bf, sf, horizon_weeks=13, history=hist, horizon_start=START)
    found = {(p.file, p.row, p.column) for p in err.value.problems}
    assert ("h.csv", 2, "走访日期") in found  # the blank date
    assert ("b.csv", 3, "整顿销号日期") in found  # accepted (销号) after the plan's start


def test_record_writes_nothing_unless_both_files_can_be_written_and_keeps_the_history(tmp_path):
    bf, sf = county(tmp_path, [branch_row("A", "东", 20), branch_row("B", "东", 30)], ["S1,甲,东,1,,,"])
    hist = tmp_path / "h.csv"
    hist.write_text("branch_id,supervisor_id,date\nA,S1,2026-05-01\n", encoding="utf-8")
    sc = tmp_path / "s.toml"
    sc.write_text(f"[horizon]\nstart = {START}\nweeks = 13\n", encoding="utf-8")
    out = tmp_path / "plan"
    done = planner(
        "plan", "--branches", str(bf), "--supervisors", str(sf), "--history", str(hist),
        "--scenario", str(sc), "--out", str(out), "--no-report",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    visits = pd.read_csv(out / "visits.csv", dtype=str, encoding="utf-8-sig")
    log = tmp_path / "log.csv"
    rows = "".join(f"{v},{d},是\n" for v, d in zip(visits["visit_id"], visits["week_start"], strict=True))
    log.write_text("visit_id,date,happened\n" + rows, encoding="utf-8")
    nxt = tmp_path / "next.csv"
    # the plan was made with a history: without it the next history would lose its visits
    done = planner("record", str(out), str(log), "--branches", str(bf), "--out", str(nxt))
    assert done.returncode == 2 and "--history" in done.stderr and not nxt.exists()
    # a history-out that cannot be written: the branch file is not written either
    blocked = tmp_path / "h.csv" / "next-h.csv"  # a path under a file
    done = planner(
        "record", str(out), str(log), "--branches", str(bf), "--history", str(hist),
        "--out", str(nxt), "--history-out", str(blocked),
    )  # fmt: skip
    assert done.returncode == 2 and not nxt.exists()
    done = planner(
        "record", str(out), str(log), "--branches", str(bf), "--history", str(hist),
        "--out", str(nxt), "--history-out", str(tmp_path / "next-h.csv"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    kept = pd.read_csv(tmp_path / "next-h.csv", dtype=str, encoding="utf-8-sig")
    assert len(kept) == 1 + len(visits)  # the old visit and the plan's


def test_a_district_spanning_two_counties_still_reports_each_county(tmp_path):
    rows = [branch_row("A", "东", 20) + ",甲县", branch_row("B", "东", 30) + ",乙县"]
    rows += [branch_row("C", "西", 40) + ",乙县"]
    bf, sf = county(
        tmp_path, rows, ["S1,甲,东,2,,,,甲县", "S2,乙,东,2,,,,乙县"], extra_b=",county", extra_s=",county"
    )
    p = plan(load_inputs(bf, sf, horizon_weeks=13), parse_scenario({"horizon": {"start": START}}))
    assert sorted(c.county for c in p.summary.counties) == ["乙县", "甲县"]
