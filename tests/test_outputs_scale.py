"""The outputs written per visit or per supervisor: correct for hostile names, linear in size."""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from icalendar import Calendar

from planner.calendars import calendar_text, escape_text, fold, write_calendars

NASTY = 'Ünïcode 名字, with; a\\backslash\nnew line\r\nand \x07bell =cmd|"x" ' + "很长" * 40


def _visits(n: int, supervisors: int, name: str = "党支部") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "visit_id": [f"V{i + 1:05d}" for i in range(n)],
            "branch_id": [f"B{i}" for i in range(n)],
            "branch_name": [name] * n,
            "district": ["东区"] * n,
            "supervisor_id": [f"S{i % supervisors}" for i in range(n)],
            "supervisor_name": [f"督导员{i % supervisors}" for i in range(n)],
            "week": [1 + i % 13 for i in range(n)],
            "week_start": [(dt.date(2027, 1, 4) + dt.timedelta(weeks=i % 13)).isoformat() for i in range(n)],
            "focus": ["training"] * n,
            "risk_score": [55.5] * n,
            "visit_no": [1] * n,
        }
    )


def test_a_hostile_name_parses_back_intact_and_lines_stay_short():
    visits = _visits(3, 1, name=NASTY)
    text = calendar_text(visits, NASTY, "20270104T000000Z", "zh")
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    cal = Calendar.from_ical(text.encode("utf-8"))
    events = list(cal.walk("VEVENT"))
    assert len(events) == 3
    summary = str(events[0]["summary"])
    # the name comes back as it was; line breaks as \n; the bell visibly cleaned as U+FFFD
    expected = NASTY.replace(chr(13) + chr(10), chr(10)).replace(chr(7), chr(0xFFFD))
    assert summary == f"督导走访：{expected}（重点：教育培训）"
    assert events[0]["dtstart"].dt == dt.date(2027, 1, 4)
    assert events[0]["dtend"].dt == dt.date(2027, 1, 9)
    assert str(cal["x-wr-calname"]).startswith("Ünïcode 名字")


def test_folding_never_splits_a_character_or_an_escape():
    for line in ("X:" + "\\," * 60, "X:" + "名" * 40, "X:" + "a" * 73 + "\\;" + "b" * 10):
        folded = fold(line)
        parts = folded.split("\r\n ")
        assert "".join(parts) == line
        assert all(len(p.encode("utf-8")) <= (75 if i == 0 else 74) for i, p in enumerate(parts))
        assert all(re.fullmatch(r"(?:\\.|[^\\])*", p) for p in parts)  # whole escapes only
    assert escape_text("a,b;c\\d\ne") == "a\\,b\\;c\\\\d\\ne"


def test_calendars_are_linear_in_the_visits(tmp_path):
    """100,000 visits of 1,000 supervisors: the files, one event per visit, in seconds."""
    visits = _visits(100_000, 1000)
    started = time.perf_counter()
    write_calendars(visits, tmp_path, "方案", dt.date(2027, 1, 4), "zh")
    took = time.perf_counter() - started
    files = sorted((tmp_path / "calendars").glob("*.ics"))
    assert len(files) == 1000
    assert sum(f.read_bytes().count(b"BEGIN:VEVENT") for f in files) == 100_000
    small = _visits(10_000, 100)
    (tmp_path / "small").mkdir()
    started = time.perf_counter()
    write_calendars(small, tmp_path / "small", "方案", dt.date(2027, 1, 4), "zh")
    took_small = time.perf_counter() - started
    # ten times the visits takes about ten times as long (generous for a shared machine)
    assert took < 30 * max(took_small, 0.05), (took, took_small)


def test_a_province_report_is_an_overview_linking_one_report_per_county(tmp_path):
    """Three counties: report.html has a row per county and links each county's own report."""
    import json

    from tests.helpers import run_planner

    data = tmp_path / "province"
    assert run_planner("generate", "--branches", "240", "--supervisors", "9", "--counties", "3",
                       "--seed", "3", "--out", str(data)).returncode == 0  # fmt: skip
    out = tmp_path / "plan"
    done = run_planner(
        "plan", "--branches", str(data / "branches.csv"), "--supervisors", str(data / "supervisors.csv"),
        "--out", str(out), "--lang", "en", "--timings", str(tmp_path / "t.json"),
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    page = (out / "report.html").read_text(encoding="utf-8")
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    links = re.findall(r'href="([^"]+)"', page)
    assert len(links) == 3 and len(summary["counties"]) == 3
    visits = 0
    for link, county in zip(links, summary["counties"], strict=True):
        county_page = out / link
        assert county_page.is_file() and county_page.parent.parent.name == "counties"
        county_visits = (county_page.parent / "visits.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
        visits += len(county_visits)
        assert county["kpis"]["visits"] == len(county_visits)
        assert f">{county['county']}<" in page
    assert visits == summary["n_visits"]  # every visit is in exactly one county's report
    assert sum(c["kpis"]["objective"] for c in summary["counties"]) == pytest.approx(summary["objective"])
    timings = json.loads((tmp_path / "t.json").read_text(encoding="utf-8"))
    assert {"read", "build + solve", "visits.csv", "calendars", "report.html"} <= set(timings["wall"])
    assert set(timings["cpu"]) == set(timings["wall"])


def test_the_assignment_solver_loaded_on_its_own_agrees_with_scipy():
    import numpy as np
    from scipy.optimize import linear_sum_assignment as public

    from planner.schedule import _compiled_lsap

    compiled = _compiled_lsap()
    assert compiled is not None  # else plans pay for importing all of scipy.optimize
    rng = np.random.default_rng(0)
    for shape in [(1, 1), (5, 5), (7, 7), (30, 30)]:
        cost = rng.integers(0, 5, size=shape).astype(float)  # ties too
        rows, cols = compiled(cost)
        expected_rows, expected_cols = public(cost)
        assert cost[rows, cols].sum() == cost[expected_rows, expected_cols].sum()
        assert (cols == expected_cols).all()  # the same solver: the same tie-breaking


def test_a_province_split_and_its_baseline_by_county_match_the_whole():
    """The hand-ranking baseline county by county is the baseline of the whole province."""
    from planner import baseline, generate, instance, load_scenario, risk, validate_frames

    county = generate(1200, 30, n_counties=6, seed=5)
    inputs = validate_frames(county.branches.astype(str), county.supervisors.astype(str), horizon_weeks=13)
    scenario = load_scenario(None)
    scenario = scenario.with_changes(rules=replace(scenario.rules, district_min_share=0.1))
    scores = risk.score(inputs.branches, scenario)
    need = instance.mandatory(inputs, scenario, scores["risk_tier"])
    inst = instance.build(inputs, scenario, scores["risk_score"], need.visits)
    parts = instance.split(inst)
    assert len(parts) == 6
    assert sorted(b for p in parts for b in p.branches) == list(range(1200))
    assert all((p.branches == np.sort(p.branches)).all() for p in parts)
    pieces = []
    for p in parts:
        local = baseline.hand_ranking(p.instance)
        local["branch"] = p.branches[local["branch"].to_numpy(int)]
        local["supervisor"] = p.supervisors[local["supervisor"].to_numpy(int)]
        pieces.append(local)
    keys = ["branch", "visit_no"]
    by_county = pd.concat(pieces).sort_values(keys).reset_index(drop=True)
    whole = baseline.hand_ranking(inst).sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(by_county, whole)


def test_each_countys_kpis_are_those_of_its_own_tables():
    """The KPIs of every county of a province (read from the province's arrays at once) are the
    KPIs of that county's own visits, branches and supervisors; a visit by a supervisor of
    another county counts as away from home."""
    from planner import generate, load_scenario, validate_frames
    from planner.kpis import by_county, kpis
    from planner.plan import plan

    county = generate(900, 24, n_counties=3, seed=11)
    inputs = validate_frames(county.branches.astype(str), county.supervisors.astype(str), horizon_weeks=13)
    p = plan(inputs, load_scenario(None), marginals=False)
    s, rules = inputs.supervisors, load_scenario(None).rules
    b = p.branches
    assert len(p.summary.counties) == 3
    for c in p.summary.counties:
        mine = b[b["county"].astype(str) == c.county]
        sups = s[s["county"].astype(str) == c.county]
        v = p.visits[p.visits["branch_id"].isin(set(mine["branch_id"]))]
        base = p.baseline_visits[p.baseline_visits["branch_id"].isin(set(mine["branch_id"]))]
        assert c.kpis == kpis(v, mine, sups, rules)
        assert c.baseline == kpis(base, mine, sups, rules)
        assert c.kpis.visits > 0 and c.kpis.visits_outside_home_district < c.kpis.visits
    # a stranger's visit: the county's supervisors are given without the one who made it
    first = p.summary.counties[0]
    mine = b[b["county"].astype(str) == first.county]
    v = p.visits[p.visits["branch_id"].isin(set(mine["branch_id"]))]
    visitor = v["supervisor_id"].iloc[0]
    others = s[(s["county"].astype(str) == first.county) & (s["supervisor_id"] != visitor)]
    away = kpis(v, mine, others, rules).visits_outside_home_district
    assert away >= (v["supervisor_id"] == visitor).sum()
    again = by_county(p.visits, p.baseline_visits, b, s, rules, b["county"])
    assert again == p.summary.counties


def test_the_output_writers_do_not_import_the_report():
    """`planner plan --no-report` must not pay for matplotlib: exports imports the report lazily."""
    import subprocess
    import sys

    code = "import sys, planner.exports; print('planner.report' in sys.modules, 'matplotlib' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "False"]
