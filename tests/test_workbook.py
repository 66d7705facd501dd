"""The scenario workbook driven as a planner would, without a browser: set values, press buttons."""

from __future__ import annotations

import pytest

from planner.scenario import load_scenario
from planner.workbook import Workbook


@pytest.fixture(scope="module")
def workbook() -> Workbook:
    wb = Workbook.from_files()
    assert wb.solve() is not None
    return wb


def test_changing_a_weight_and_solving_changes_the_plan(workbook):
    first = workbook.result
    workbook.weights["training"].value = 4.0
    workbook.solve_button.click()
    assert workbook.result is not first
    assert workbook.result.summary["objective"] != first.summary["objective"]
    assert workbook.result.scenario.weights["training"] == 4.0
    assert list(workbook.comparison().columns)[-2:] == ["#1", "#2"]
    assert "#2" in workbook.status.value
    workbook.weights["training"].value = 1.2


def test_more_team_capacity_never_lowers_the_objective(workbook):
    workbook.capacity_factor.value = 1.0
    base = workbook.solve().summary["objective"]
    workbook.capacity_factor.value = 1.5
    more = workbook.solve().summary["objective"]
    workbook.capacity_factor.value = 1.0
    assert more >= base
    assert float(workbook.kpi_table().iloc[0, 0]) == pytest.approx(more, abs=0.05)


def test_infeasible_scenario_is_explained_and_keeps_the_last_plan(workbook):
    kept = workbook.solve()
    workbook.capacity_factor.value = 0.0
    assert workbook.solve() is None
    assert "visit-slots" in workbook.message
    assert workbook.result is kept
    workbook.capacity_factor.value = 1.0


def test_schedule_filters(workbook):
    workbook.solve()
    everyone = len(workbook.schedule())
    workbook.district_filter.value = workbook.district_filter.options[1]
    one_district = workbook.schedule()
    assert 0 < len(one_district) < everyone
    assert set(one_district["片区"]) == {workbook.district_filter.value}
    workbook.district_filter.value = "全部"


def test_save_scenario_round_trips(workbook, tmp_path):
    workbook.travel.value = 7.5
    workbook.repeat.value = "1, 0.6, 0.3"
    path = workbook.save_scenario(tmp_path / "方案.toml")
    saved = load_scenario(path)
    assert saved.rules.travel_penalty == 7.5
    assert saved.rules.repeat_value == (1.0, 0.6, 0.3)
    workbook.travel.value = 3.0
    workbook.repeat.value = "1, 0.5, 0.25"


def test_export_report_with_one_click(workbook, tmp_path):
    workbook.solve()
    report = workbook.export_report(tmp_path / "plan")
    assert report is not None and report.is_file()
    assert "督导走访计划" in report.read_text(encoding="utf-8")
    assert (tmp_path / "plan" / "plan.xlsx").is_file()


def test_load_other_data_files(tmp_path):
    from planner import datasets, generate

    wb = Workbook.from_files()
    county = generate(120, 4, seed=9)
    bf, sf = datasets.write_county(county, tmp_path)
    wb.branches_file.value, wb.supervisors_file.value = str(bf), str(sf)
    assert wb.load()
    assert len(wb.inputs.branches) == 120
    assert set(wb.capacity) == set(county.supervisors["supervisor_id"])
    assert wb.max_visits.value == 3 and wb.travel.value == 0.0  # a file-less scenario: defaults
    assert wb.solve() is not None
    assert wb.result.summary["n_branches"] == 120
    wb.branches_file.value = str(tmp_path / "missing.csv")
    assert not wb.load()
    assert "missing.csv" in wb.message
    assert len(wb.inputs.branches) == 120  # a failed load keeps what was loaded


def test_every_setting_has_a_control_with_its_bounds_and_help(workbook):
    from planner.scenario import SETTINGS

    assert set(workbook.controls) == set(SETTINGS)
    travel = workbook.controls["rules.travel_penalty"]
    assert (travel.min, travel.max) == (0, 1000)
    assert travel.description == "跨片区走访成本"
    assert travel.tooltip == "督导员到本片区以外走访一次所扣的风险分。 (0–1000)"
    assert workbook.controls["solver.name"].options == ("highs", "cbc")


def test_the_workbook_validates_like_a_scenario_file_and_does_not_solve(workbook):
    kept = workbook.solve()
    workbook.repeat.value = "1, nan, 0.25"
    assert workbook.solve() is None
    assert "rules.repeat_value" in workbook.message and "got nan" in workbook.message
    assert workbook.result is kept
    workbook.repeat.value = "1, 0.5, 0.25"
    workbook.max_visits.value = 4  # three values for four visits
    assert workbook.solve() is None
    assert "needs a value for each of the 4 visits" in workbook.message
    assert workbook.save_scenario() is None  # an invalid scenario is not saved either
    workbook.max_visits.value = 3
    assert workbook.solve() is not None


def test_the_view_shows_every_control(workbook):
    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)

    shown = {id(x) for x in walk(workbook.view())}
    assert all(id(c) in shown for c in workbook.controls.values())
