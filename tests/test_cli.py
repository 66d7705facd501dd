"""The command line as a planner uses it: exit codes, messages, and nothing lost on errors."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd

from planner import datasets
from planner.cli import main
from tests.checker import check_plan_folder
from tests.conftest import BRANCH_HEADER, SUPERVISOR_HEADER, branch_row
from tests.helpers import run_planner as run


def test_plan_sample_prints_folder_last(tmp_path):
    done = run("plan", "--out", str(tmp_path / "q1"), "--no-report")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(tmp_path / "q1")
    assert "HiGHS" not in done.stdout  # no solver banner or log
    bf, sf, _ = datasets.sample_paths()
    assert check_plan_folder(tmp_path / "q1", bf, sf) == []


def test_default_folder_is_new_each_run(tmp_path):
    first = run("plan", "--no-report", cwd=tmp_path)
    second = run("plan", "--no-report", cwd=tmp_path)
    a, b = (Path(tmp_path, r.stdout.strip().splitlines()[-1]) for r in (first, second))
    assert a != b and a.parent.name == "plans" and a.is_dir() and b.is_dir()


def test_validate_lists_every_problem_and_exits_2(write, tmp_path, capsys):
    branches = write(
        "b.csv",
        "\n".join(
            [
                BRANCH_HEADER,
                branch_row("B1", "东", 50),
                branch_row("B1", "东", 50),
                branch_row("B3", "东", 50).replace("50", "x", 1),
            ]
        )
        + "\n",
    )
    sups = write("s.csv", f"{SUPERVISOR_HEADER}\nS1,甲,北,2,,99,\n")
    code = main(["validate", "--branches", str(branches), "--supervisors", str(sups)])
    err = capsys.readouterr().err
    assert code == 2
    assert "5 problems" in err  # the duplicate is named on both of its rows
    assert "b.csv, row 2, column 组织编号" in err
    assert "b.csv, row 3, column 组织编号" in err
    assert "b.csv, row 4, column 主动谋划" in err
    assert "s.csv, row 2, column 所在片区" in err
    assert "s.csv, row 2, column 不可用周次" in err
    assert "Traceback" not in err
    # in Chinese (the default language) each problem is also said in Chinese under its line
    assert "输入有误（5 处），未写入任何文件" in err
    assert "b.csv，第 4 行，「主动谋划」列：“x”不是数字。" in err
    code = main(["validate", "--branches", str(branches), "--supervisors", str(sups), "--lang", "en"])
    err = capsys.readouterr().err
    assert code == 2 and "5 problems" in err and "输入有误" not in err and "不是数字" not in err


def test_bad_input_writes_nothing(write, tmp_path):
    branches = write("b.csv", f"{BRANCH_HEADER}\n{branch_row('B1', '东', 500)}\n")
    sups = write("s.csv", f"{SUPERVISOR_HEADER}\nS1,甲,东,2,,,\n")
    done = run(
        "plan", "--branches", str(branches), "--supervisors", str(sups), "--out", str(tmp_path / "out")
    )
    assert done.returncode == 2
    assert "500 is outside 0–100" in done.stderr
    assert not (tmp_path / "out").exists()


def test_infeasible_exits_3_and_writes_nothing(write, tmp_path):
    rows = [branch_row(f"B{i}", "东", 40, weak="是") for i in range(30)]
    branches = write("b.csv", "\n".join([BRANCH_HEADER, *rows]) + "\n")
    sups = write("s.csv", f"{SUPERVISOR_HEADER}\nS1,甲,东,1,,,\n")
    scenario = write("sc.toml", "[horizon]\nweeks = 13\n")
    done = run(
        "plan",
        "--branches",
        str(branches),
        "--supervisors",
        str(sups),
        "--scenario",
        str(scenario),
        "--out",
        str(tmp_path / "out"),
    )
    assert done.returncode == 3
    assert "weak-and-lax branches need 60 visits" in done.stderr
    assert "13 visit-slots" in done.stderr
    assert not (tmp_path / "out").exists()
    assert not list(tmp_path.glob(".out*"))  # no partial folder left behind


def test_existing_plan_is_never_overwritten(tmp_path):
    out = tmp_path / "q1"
    out.mkdir()
    (out / "visits.csv").write_text("keep me", encoding="utf-8")
    done = run("plan", "--out", str(out), "--no-report")
    assert done.returncode == 2
    assert "never overwritten" in done.stderr
    assert (out / "visits.csv").read_text(encoding="utf-8") == "keep me"


def test_unknown_scenario_key_exits_2(write):
    scenario = write("sc.toml", "[rules]\ntravel_penallty = 1\n")
    done = run("validate", "--scenario", str(scenario))
    assert done.returncode == 2
    assert "Did you mean 'travel_penalty'" in done.stderr


def test_generate_is_deterministic_and_the_sample_is_generated(tmp_path):
    for name in ("a", "b"):
        assert (
            run(
                "generate",
                "--branches",
                "300",
                "--supervisors",
                "8",
                "--seed",
                "5",
                "--out",
                str(tmp_path / name),
            ).returncode
            == 0
        )
    for f in ("branches.csv", "supervisors.csv"):
        assert (tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes()
    sample = datasets.sample_county()
    bf, sf, _ = datasets.sample_paths()
    pd.testing.assert_frame_equal(
        pd.read_csv(bf, dtype=str, keep_default_na=False), sample.branches.astype(str)
    )
    pd.testing.assert_frame_equal(
        pd.read_csv(sf, dtype=str, keep_default_na=False), sample.supervisors.astype(str)
    )
    assert sample.history is not None
    pd.testing.assert_frame_equal(
        pd.read_csv(datasets.sample_history_path(), dtype=str, keep_default_na=False),
        sample.history.astype(str),
    )


def test_generated_province_keeps_supervisors_in_their_county(tmp_path):
    done = run(
        "generate",
        "--branches",
        "400",
        "--supervisors",
        "12",
        "--counties",
        "4",
        "--out",
        str(tmp_path / "p"),
    )
    assert done.returncode == 0
    plan_done = run(
        "plan",
        "--branches",
        str(tmp_path / "p/branches.csv"),
        "--supervisors",
        str(tmp_path / "p/supervisors.csv"),
        "--out",
        str(tmp_path / "plan"),
        "--no-report",
    )
    assert plan_done.returncode == 0, plan_done.stderr
    assert (
        check_plan_folder(tmp_path / "plan", tmp_path / "p/branches.csv", tmp_path / "p/supervisors.csv")
        == []
    )
    from planner.folder import read_plan

    assert read_plan(tmp_path / "plan").summary.independent_parts == 4


def test_row_numbers_stay_true_after_blank_rows(write):
    text = (
        "\n".join(
            [
                BRANCH_HEADER,
                branch_row("B1", "东", 50),
                ",,,,,,,,,,,,,,",
                branch_row("B3", "东", 50).replace(",10,", ",-1,", 1),
            ]
        )
        + "\n"
    )
    sups = write("s.csv", f"{SUPERVISOR_HEADER}\nS1,甲,东,2,,,\n")
    done = run("validate", "--branches", str(write("b.csv", text)), "--supervisors", str(sups))
    assert done.returncode == 2
    assert "row 4, column 党员人数" in done.stderr  # the blank row 3 still counts


def test_outputs_never_overwrite_a_file(tmp_path, write):
    existing = write("keep.csv", "keep")
    assert run("generate", "--branches", "50", "--supervisors", "2", "--out", str(existing)).returncode == 2
    done = run("plan", "--out", str(tmp_path / "p"), "--no-report")
    assert done.returncode == 0
    clash = run("compare", str(tmp_path / "p"), "--out", str(existing))
    assert clash.returncode == 2 and "never overwritten" in clash.stderr
    assert existing.read_text(encoding="utf-8") == "keep"


def test_spreadsheet_names_stay_text_and_calendars_stay_apart(tmp_path, write):
    import openpyxl

    rows = [branch_row("B1", "东", 40, name='=HYPERLINK("http://x"，"y")'), branch_row("B2", "东", 50)]
    branches = write("b.csv", "\n".join([BRANCH_HEADER, *rows]) + "\n")
    sups = write("s.csv", f"{SUPERVISOR_HEADER}\nS/1,甲,东,1,,,\nS_1,乙,东,1,,,\n")
    one_week = write("sc.toml", "[horizon]\nstart = 2027-01-04\nweeks = 1\n")  # both must work
    done = run(
        "plan",
        "--branches",
        str(branches),
        "--supervisors",
        str(sups),
        "--scenario",
        str(one_week),
        "--out",
        str(tmp_path / "p"),
        "--no-report",
    )
    assert done.returncode == 0, done.stderr
    wb = openpyxl.load_workbook(tmp_path / "p" / "plan.xlsx")
    cells = [c for ws in wb for row in ws.iter_rows() for c in row]
    assert not [c for c in cells if c.data_type == "f"]
    assert any(str(c.value).startswith("=HYPERLINK") for c in cells)
    assert len(list((tmp_path / "p" / "calendars").glob("*.ics"))) == 2


def test_repo_example_data_is_the_packaged_sample():
    """`data/` is the user-facing copy of what the package ships; the program reads only the latter."""
    repo_data = Path(__file__).resolve().parent.parent / "data"
    packaged = datasets.sample_paths()[0].parent
    for name in ("branches.csv", "supervisors.csv", "scenario.toml", "history.csv"):
        assert (repo_data / name).read_bytes() == (packaged / name).read_bytes(), name


def test_column_guide_is_generated_from_the_schema():
    from planner.guide import column_guide
    from planner.schema import BRANCH_COLUMNS, OUTCOME_COLUMNS, SUPERVISOR_COLUMNS

    for spec in (*BRANCH_COLUMNS, *SUPERVISOR_COLUMNS, *OUTCOME_COLUMNS):
        assert spec.help_en and spec.help_zh, f"column {spec.key} has no help text"
    committed = (Path(__file__).resolve().parent.parent / "docs" / "columns.md").read_text(encoding="utf-8")
    assert committed == column_guide(), "docs/columns.md is stale: python -m planner.guide > docs/columns.md"


def test_nan_in_the_scenario_exits_2_at_once_and_writes_nothing(write, tmp_path):
    scenario = write("nan.toml", "[weights]\nplanning = nan\n")
    done = run("plan", "--scenario", str(scenario), "--out", str(tmp_path / "p"), timeout=120)
    assert done.returncode == 2, done.stderr
    assert "nan.toml, column weights.planning: must be a number at least 0 and at most 100, got nan." in (
        done.stderr
    )
    assert not (tmp_path / "p").exists()


def test_plan_without_report_loads_no_charting_notebook_or_statistics_library(tmp_path):
    prelude = """
    import atexit, sys
    atexit.register(lambda: print("loaded:", *{m.split(".")[0] for m in sys.modules}, file=sys.stderr))
    """
    done = run("plan", "--out", str(tmp_path / "q"), "--no-report", prelude=prelude)
    assert done.returncode == 0, done.stderr
    loaded = set(done.stderr.split("loaded:")[-1].split())
    unused = {"matplotlib", "papermill", "nbconvert", "statsmodels", "dask", "icalendar", "scipy", "pandera"}
    assert "pandas" in loaded and not loaded & unused


def test_the_command_starts_without_pandas_and_the_package_names_stay():
    code = """
    import sys
    import planner.cli
    assert not {"pandas", "numpy", "openpyxl"} & set(sys.modules), "loaded at start"
    import planner.plan  # the module: `planner.plan` stays the function, as the README uses it
    import planner
    from planner import plan
    assert plan is planner.plan and plan.__module__ == "planner.plan"
    print(all(getattr(planner, name) is not None for name in planner.__all__))
    """
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True, check=False
    )
    assert done.stdout.strip() == "True", done.stderr
