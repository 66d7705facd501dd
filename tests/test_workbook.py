"""The scenario workbook driven as a planner would, without a browser: set values, press buttons,
upload files as bytes."""

from __future__ import annotations

import datetime as dt
import io
import re
import tomllib
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from planner import templates, year_report
from planner.datasets import sample_paths
from planner.folder import read_plan
from planner.inputs import load_inputs
from planner.labels import TEXT
from planner.schema import BRANCH_COLUMNS, HISTORY_COLUMNS, SUPERVISOR_COLUMNS
from planner.templates import TEMPLATE_NAMES
from planner.workbook import Workbook

from .conftest import BRANCH_HEADER, SUPERVISOR_HEADER, branch_row
from .helpers import run_planner


@pytest.fixture(scope="module")
def workbook() -> Workbook:
    wb = Workbook.from_files()
    assert wb.solve() is not None
    return wb


def small_files() -> tuple[bytes, bytes]:
    """Four branches in two districts, two supervisors: a county one can check by hand."""
    branches = "\n".join(
        [
            BRANCH_HEADER,
            branch_row("A1", "东区", 40, weak="是"),
            branch_row("A2", "东区", 60),
            branch_row("B1", "西区", 50),
            branch_row("B2", "西区", 90),
        ]
    )
    supervisors = "\n".join([SUPERVISOR_HEADER, "S1,甲,东区,1,,,", "S2,乙,西区,1,,2,"])
    return branches.encode("utf-8"), supervisors.encode("gb18030")


def test_changing_a_weight_and_solving_changes_the_plan(workbook):
    first = workbook.result
    workbook.weights["training"].value = 4.0
    workbook.solve_button.click()
    assert workbook.result is not first
    assert workbook.result.summary.objective != first.summary.objective
    assert workbook.result.scenario.weights["training"] == 4.0
    assert "#2" in workbook.status.value
    workbook.reset()
    assert workbook.weights["training"].value == workbook.base.weights["training"] != 4.0


def test_every_visit_is_in_the_schedule_grid_and_filters_narrow_it(workbook):
    workbook.solve()
    assert len(workbook.schedule_grid.data) == len(workbook.result.visits)
    assert f"data-total='{len(workbook.result.visits)}'" in workbook.schedule_count.value
    workbook.district_filter.value = workbook.district_filter.options[1]
    one = workbook.schedule()
    assert 0 < len(one) < len(workbook.result.visits)
    assert set(one["片区"]) == {workbook.district_filter.value}
    workbook.district_filter.value = "全部"
    assert list(workbook.schedule().columns)[:6] == [
        "周次",
        "周一日期",
        "督导员",
        "片区",
        "组织名称",
        "督导重点",
    ]


def test_branches_say_why_they_are_visited_or_not(workbook):
    workbook.solve()
    table = workbook.branch_table()
    assert len(table) == len(workbook.result.branches)
    unvisited = table[table["走访次数"] == 0]
    # every unvisited branch says why, in the plan's own words (branches.csv why_zh)
    assert len(unvisited) and (unvisited["说明"].str.len() > 0).all()
    assert set(unvisited["说明"]) <= set(workbook.result.branches["why_zh"])
    weak = table[table["说明"].str.contains("软弱涣散")]
    assert len(weak) and (weak["走访次数"] >= 2).all()


def test_the_comparison_names_the_changed_settings_and_the_kpi_differences(workbook):
    workbook.reset()
    workbook.solve()
    workbook.setting["rules.travel_penalty"].value = 9.0
    workbook.name.value = "远途更贵"
    workbook.capacity["S001"].value = workbook.capacity["S001"].value + 1
    workbook.solve()
    changed, figures = workbook.comparison()
    assert set(changed["设置"]) == {"跨片区走访成本", "方案名称", "林春梅 每周可督导次数"}
    row = changed.set_index("设置").loc["跨片区走访成本"]
    assert list(row) == ["3", "9"]
    a, b = (s.plan.summary.kpis.objective for s in workbook.history[-2:])
    objective = figures.set_index("指标").loc["目标值（风险化解量）"]
    assert objective["差异"].startswith(f"{b - a:+.1f} (")
    assert "远途更贵" in workbook.compare_out.value and "跨片区走访成本" in workbook.compare_out.value
    workbook.reset()


def test_invalid_values_are_explained_never_solved(workbook):
    kept = workbook.solve()
    workbook.setting["rules.max_visits_per_branch"].value = 20
    workbook.setting["rules.repeat_value"].value = "1, 半"
    workbook.leave["S002"].value = "3, 99"
    workbook.name.value = "  "
    assert workbook.solve() is None
    assert workbook.result is kept
    columns = {p.column for p in workbook.problems}
    assert {"rules.max_visits_per_branch", "rules.repeat_value", "leave.S002", "name"} <= columns
    shown = workbook.problem_box.value
    assert "每个组织最多走访次数" in shown and "必须是不小于1且不大于12的整数（现为 20）" in shown
    assert "“99”不是第 1–13 周内的周次" in shown and "S002 郭玉梅 不可用周次" in shown
    workbook.reset()
    assert workbook.setting["rules.max_visits_per_branch"].value == kept.scenario.rules.max_visits_per_branch
    assert workbook.solve() is not None and workbook.problem_box.value == ""


def test_infeasible_scenario_is_explained_and_keeps_the_last_plan(workbook):
    kept = workbook.solve()
    workbook.capacity_factor.value = 0.0
    assert workbook.solve() is None
    assert "无法同时满足" in workbook.message
    assert workbook.result is kept
    workbook.capacity_factor.value = 1.0


def test_uploads_a_bad_file_lists_the_problem_then_good_files_load():
    wb = Workbook.from_files()
    branches, supervisors = small_files()
    bad = branches.replace(b"B2,B2", b"B2,B2", 1).replace(b",90,90,", b",9O,90,", 1)
    assert not wb.upload("branches", "我的组织.csv", bad)
    (problem,) = wb.problems
    assert (problem.file, problem.row, problem.column) == ("我的组织.csv", 5, "主动谋划")
    assert "“9O”不是数字" in wb.problem_box.value
    assert wb.solve() is None  # nothing planned until fixed
    assert not wb.upload("branches", "我的组织.csv", branches)  # fine, but supervisors are missing
    assert wb.problems == [] and "督导员名单" in wb.data_status.value
    assert wb.upload("supervisors", "督导员.csv", supervisors)
    assert len(wb.inputs.branches) == 4 and set(wb.capacity) == {"S1", "S2"}
    assert wb.leave["S2"].value == "2"
    assert wb.history == []
    plan = wb.solve()
    assert plan is not None
    # 13 weeks, one visit a week each, S2 away in week 2: every branch gets visits
    assert set(plan.visits["branch_id"]) == {"A1", "A2", "B1", "B2"}
    assert (plan.visits["week"][plan.visits["supervisor_id"] == "S2"] != 2).all()
    assert {c.file for c in plan.summary.inputs} == {"我的组织.csv", "督导员.csv"}


def test_an_uploaded_scenario_sets_the_controls():
    wb = Workbook.from_files()
    text = 'name = "上传的方案"\n[rules]\ntravel_penalty = 4.5\n[solver]\ntime_limit_s = 7\n'
    assert wb.upload("scenario", "方案.toml", text.encode())
    assert wb.name.value == "上传的方案" and wb.setting["rules.travel_penalty"].value == 4.5
    solved = wb.solve()
    assert solved is not None and solved.scenario.solver.time_limit_s == 7  # not on the page, kept
    assert not wb.upload("scenario", "坏.toml", b"[rules]\nmax_visits_per_branch = 0\n")
    assert wb.problems[0].file == "坏.toml"
    assert not wb.upload("branches", "组织.pdf", b"%PDF")
    assert "组织.pdf" in wb.problem_box.value


def test_templates_come_from_the_schema_and_their_example_is_valid(tmp_path):
    kinds = (("branches", BRANCH_COLUMNS), ("supervisors", SUPERVISOR_COLUMNS), ("history", HISTORY_COLUMNS))
    for kind, specs in kinds:
        book = load_workbook(io.BytesIO(templates.template_xlsx(kind)))
        first, guide = book.worksheets
        assert [c.value for c in first[1]] == [s.zh for s in specs]
        assert [r[1].value for r in guide.iter_rows(min_row=2, max_row=len(specs) + 1)] == [
            s.key for s in specs
        ]
        (tmp_path / f"{kind}.xlsx").write_bytes(templates.template_xlsx(kind))
    inputs = load_inputs(
        tmp_path / "branches.xlsx",
        tmp_path / "supervisors.xlsx",
        horizon_weeks=13,
        history=tmp_path / "history.xlsx",
        horizon_start=dt.date(2027, 1, 4),
    )
    assert len(inputs.branches) == len(inputs.supervisors) == 1
    assert inputs.history is not None and len(inputs.history) == 1
    assert set(TEMPLATE_NAMES.values()) <= set(
        re.findall(r'download="([^"]+)"', Workbook.from_files().templates.value)
    )


def test_export_writes_a_new_session_folder_every_time_and_offers_downloads(workbook):
    workbook.solve()
    first = workbook.export()
    second = workbook.export()
    assert first != second and first.parent == second.parent
    assert workbook.session.path in first.parents
    names = {p.name for p in second.iterdir()}
    assert {"report.html", "plan.xlsx", "calendars.zip", "visits.csv", "scenario.toml"} <= names
    with zipfile.ZipFile(second / "calendars.zip") as z:
        assert len(z.namelist()) == len(list((second / "calendars").iterdir())) > 0
    html_links = workbook.download_out.value
    for name in ("report.html", "plan.xlsx", "calendars.zip", "visits.csv", "scenario.toml"):
        assert f'download="{name}"' in html_links
    saved = tomllib.loads((second / "scenario.toml").read_text(encoding="utf-8"))
    assert saved["name"] == workbook.result.scenario.name
    visits = pd.read_csv(second / "visits.csv", encoding="utf-8-sig")
    assert len(visits) == len(workbook.result.visits)


def test_one_language_at_a_time(workbook):
    workbook.solve()
    workbook.language.value = "en"
    try:
        assert workbook.solve_button.description == "Solve"
        assert "Objective (risk addressed, net)" in workbook.kpi_out.value
        assert list(workbook.schedule().columns)[:3] == ["Week", "Week of", "Supervisor"]
        texts = [workbook.status.value, workbook.kpi_out.value, workbook.data_status.value]
        texts += [c.description for c in workbook.setting.values()]
        texts += list(workbook.root.children[1].titles) + list(workbook.root.children[4].titles)
        cjk = [s for s in texts if any("\u4e00" <= ch <= "\u9fff" for ch in s.replace("示例县", ""))]
        assert cjk == [] or all("示例县 2027" in s for s in cjk)  # the scenario's own name is data
    finally:
        workbook.language.value = "zh"
    assert workbook.solve_button.description == "求解"


def test_the_session_folder_is_the_only_place_written(workbook, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    b, s, _ = sample_paths()
    wb = Workbook.from_files()
    assert wb.upload("branches", "../../etc/组织.csv", b.read_bytes()) is False
    assert wb.upload("supervisors", "/tmp/督导员.csv", s.read_bytes())
    wb.solve()
    wb.export()
    assert list(tmp_path.iterdir()) == []
    assert all(wb.session.path in u.path.parents for u in wb.uploads.values() if u)


def test_names_are_data_in_every_view():
    wb = Workbook.from_files()
    branches, supervisors = small_files()
    hostile = "<script>alert(1)</script>"
    branches = branches.replace("东区".encode(), f"=东区{hostile}".encode())
    supervisors = supervisors.replace("东区".encode("gb18030"), f"=东区{hostile}".encode("gb18030"))
    assert wb.upload("branches", f"{hostile}.csv", branches) is False
    assert wb.upload("supervisors", "督导员.csv", supervisors)
    wb.name.value = hostile
    assert wb.solve() is not None
    wb.solve()
    views = [
        wb.status.value,
        wb.kpi_out.value,
        wb.district_out.value,
        wb.compare_out.value,
        wb.data_status.value,
    ]
    assert not any(hostile in v for v in views)
    assert any("&lt;script&gt;" in v for v in views)
    assert f"=东区{hostile}" in set(wb.schedule()["片区"])  # intact in the grid, which shows text only


@pytest.mark.parametrize(
    ("message", "zh"),
    [
        (
            "must be a whole number at least 1 and at most 12, got 20.",
            "必须是不小于1且不大于12的整数（现为 20）。",
        ),
        ("must be a number greater than 0, got nan.", "必须是大于0的数字（现为 nan）。"),
        ("'8,5' is not a number.", "“8,5”不是数字。"),
        ("duplicate id 'B1' (also on row 3, 9).", "编号“B1”重复（另见第 3, 9 行）。"),
        ("a sentence the app has not learnt yet", "内容有误，请检查这一格。"),
    ],
)
def test_problems_read_in_chinese(message, zh):
    from planner.labels import problem_message

    assert problem_message(message, "zh") == zh
    assert problem_message(message, "en") == message


def test_every_setting_has_a_control_with_its_label_bounds_and_help(workbook):
    from planner.scenario import SETTINGS

    def walk(widget):
        yield widget
        for child in getattr(widget, "children", ()):
            yield from walk(child)

    controls = {
        "name": workbook.name,
        "horizon.start": workbook.start,
        "horizon.weeks": workbook.weeks,
        **{f"weights.{d}": box for d, box in workbook.weights.items()},
        **workbook.setting,
    }
    assert set(controls) == set(SETTINGS)
    shown = list(walk(workbook.view()))
    assert all(any(c is x for x in shown) for c in controls.values())
    helps = " ".join(x.value for x in shown if isinstance(x, type(workbook.status)))
    travel = SETTINGS["rules.travel_penalty"]
    assert workbook.setting["rules.travel_penalty"].description == travel.zh
    assert f"{travel.help_zh}（0–1000）" in helps


# a county whose office's year began in April: its history (督导台账) counts visits the branch
# file's 上次督导日期 alone does not show
YEAR_SCENARIO = """name = "年中"
[horizon]
start = 2027-01-04
weeks = 13
[year]
start = 2026-04-06
min_visits = 1
contact_min_visits = 2
"""
BEFORE_PLAN = ("year_covered_before", "year_owed_before", "year_contact_points", "year_followups")


@pytest.fixture(scope="module")
def county_with_history(tmp_path_factory) -> tuple[Path, dict[str, str]]:
    """Generated files with a history, and the year's figures `planner plan --history` gives."""
    root = tmp_path_factory.mktemp("year")
    made = run_planner(
        "generate", "--branches", "60", "--supervisors", "4", "--year", "--out", str(root / "in")
    )
    assert made.returncode == 0, made.stderr
    (root / "in" / "scenario.toml").write_text(YEAR_SCENARIO, encoding="utf-8")
    files = [f"--{k}={root / 'in' / f'{k}.{x}'}" for k, x in FILES]
    done = run_planner("plan", *files, "--out", str(root / "cli"), "--no-report")
    assert done.returncode == 0, done.stderr
    figures = year_report.figures(read_plan(root / "cli").summary.year, "zh")["优化方案"]
    return root / "in", {k: figures[TEXT_ZH[k]] for k in BEFORE_PLAN}


FILES = (("branches", "csv"), ("supervisors", "csv"), ("scenario", "toml"), ("history", "csv"))
TEXT_ZH = {k: v["zh"] for k, v in TEXT.items()}


def year_figures(wb: Workbook) -> dict[str, str]:
    table = wb.year_table()["优化方案"]
    return {k: table[TEXT_ZH[k]] for k in BEFORE_PLAN}


def test_an_uploaded_history_gives_the_years_figures_of_planner_plan(county_with_history):
    folder, cli = county_with_history
    wb = Workbook.from_files()
    assert wb.history_name() == "history.csv"  # the sample county's, shown as loaded
    assert "827" in wb.history_status.value
    for kind, suffix in FILES[:3]:
        wb.upload(kind, f"{kind}.{suffix}", (folder / f"{kind}.{suffix}").read_bytes())
    assert wb.problems == [] and wb.inputs.history is None and "未载入督导台账" in wb.history_status.value
    assert wb.solve() is not None
    without = year_figures(wb)
    assert without["year_owed_before"] != cli["year_owed_before"]  # 上次督导日期 alone says less
    assert "仅按“上次督导日期”计算" in wb.year_out.value
    assert wb.upload("history", "督导台账.csv", (folder / "history.csv").read_bytes())
    assert wb.history_name() == "督导台账.csv" and wb.result is None
    rows = len(wb.inputs.history)
    assert f"计入 {rows} 次走访" in wb.history_status.value
    assert wb.solve() is not None
    assert year_figures(wb) == cli
    assert "上次督导日期" not in wb.year_out.value
    assert "督导台账.csv" in {c.file for c in wb.result.summary.inputs}
    # a new branch list clears it; so does the remove button
    wb.upload("branches", "branches.csv", (folder / "branches.csv").read_bytes())
    assert wb.inputs.history is None and year_figures_after_solve(wb) == without
    wb.upload("history", "督导台账.csv", (folder / "history.csv").read_bytes())
    assert wb.inputs.history is not None
    wb.remove_history_button.click()
    assert wb.inputs.history is None and wb.remove_history_button.layout.display == "none"


def year_figures_after_solve(wb: Workbook) -> dict[str, str]:
    assert wb.solve() is not None
    return year_figures(wb)


def test_a_bad_history_row_is_named_by_file_row_and_column(county_with_history):
    folder, _ = county_with_history
    wb = Workbook.from_files()
    for kind, suffix in FILES[:3]:
        wb.upload(kind, f"{kind}.{suffix}", (folder / f"{kind}.{suffix}").read_bytes())
    lines = (folder / "history.csv").read_text(encoding="utf-8").splitlines()
    bad = [*lines[:2], ",".join([*lines[2].split(",")[:2], "2027-02-30", ""]), *lines[3:]]  # row 3
    assert not wb.upload("history", "台账.csv", "\n".join(bad).encode("gb18030"))
    assert [(p.file, p.row, p.column) for p in wb.problems] == [("台账.csv", 3, "走访日期")]
    assert "“2027-02-30”不是日期" in wb.problem_box.value
    late = [*lines[:4], ",".join([*lines[4].split(",")[:2], "2027-03-01", ""]), *lines[5:]]  # row 5
    assert not wb.upload("history", "台账.csv", "\n".join(late).encode())
    assert [(p.file, p.row, p.column) for p in wb.problems] == [("台账.csv", 5, "走访日期")]
    assert "2027-03-01 晚于计划起始日（2027-01-04）" in wb.problem_box.value
    assert wb.solve() is None
    wb.language.value = "en"
    assert "<td>date</td>" in wb.problem_box.value and "is after the plan" in wb.problem_box.value
    wb.remove_history()
    assert wb.problems == [] and wb.solve() is not None


def test_the_plan_folder_download_is_what_planner_record_reads(county_with_history, tmp_path):
    folder, _ = county_with_history
    wb = Workbook.from_files()
    for kind, suffix in FILES:
        wb.upload(kind, f"{kind}.{suffix}", (folder / f"{kind}.{suffix}").read_bytes())
    assert wb.solve() is not None
    written = wb.export()
    zipped = wb.downloads["folder"]
    assert zipped.parent == written.parent and not (written / zipped.name).exists()
    assert 'download="方案文件夹（用于登记走访）.zip"' in wb.download_out.value
    with zipfile.ZipFile(zipped) as z:
        z.extractall(tmp_path)
        names = {n.split("/", 1)[1] for n in z.namelist()}
    # the folder as planner plan writes it: nothing the app adds for the browser only
    assert {
        "summary.json",
        "branches.csv",
        "visits.csv",
        "scenario.toml",
        "plan.xlsx",
        "report.html",
    } <= names
    assert "calendars.zip" not in names and any(n.startswith("calendars/") for n in names)
    plan_dir = tmp_path / written.name
    visits = pd.read_csv(plan_dir / "visits.csv", encoding="utf-8-sig")
    log = pd.DataFrame({"走访编号": visits["visit_id"], "走访日期": visits["week_start"], "是否完成": ""})
    log.to_csv(tmp_path / "log.csv", index=False, encoding="utf-8-sig")
    done = run_planner(
        "record",
        str(plan_dir),
        str(tmp_path / "log.csv"),
        "--branches",
        str(folder / "branches.csv"),
        "--history",
        str(folder / "history.csv"),
        "--out",
        str(tmp_path / "next.csv"),
        "--history-out",
        str(tmp_path / "history-next.csv"),
        "--lang",
        "en",
    )
    assert done.returncode == 0, done.stderr
    history = pd.read_csv(tmp_path / "history-next.csv", encoding="utf-8-sig")
    before = pd.read_csv(folder / "history.csv", encoding="utf-8-sig")
    assert len(history) == len(before) + len(visits)
    wb.language.value = "en"
    assert 'download="Plan folder (for planner record).zip"' in wb.download_out.value


def test_planner_app_history_reaches_the_session(county_with_history, monkeypatch):
    from planner.workbook import APP_ENV

    folder, cli = county_with_history
    for kind, suffix in FILES:  # what `planner app --branches … --history …` sets for the kernels
        monkeypatch.setenv(APP_ENV[kind], str(folder / f"{kind}.{suffix}"))
    wb = Workbook.from_files()
    assert wb.history_name() == "history.csv" and wb.source == "files"
    assert year_figures_after_solve(wb) == cli
    # a scenario uploaded on top reads the start files again, with their history
    assert wb.upload("scenario", "s.toml", (folder / "scenario.toml").read_bytes())
    assert wb.history_name() == "history.csv" and year_figures_after_solve(wb) == cli
