"""Reading and validating input files: encodings, header languages, and every bad-input kind."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from planner.errors import InputError
from planner.inputs import load_inputs
from planner.schema import DIMENSION_ZH, DIMENSIONS
from tests.conftest import BRANCH_HEADER, SUPERVISOR_HEADER, branch_row

SUPERVISORS = f"""
{SUPERVISOR_HEADER}
S1,王芳,东镇,2,"training、planning",3 4,B2
S2,李强,西镇,1,,,
"""

BRANCHES = (
    "\n".join(
        [
            BRANCH_HEADER,
            branch_row("B1", "东镇", 60, weak="是"),
            branch_row("B2", "东镇", 80, last=""),
            branch_row("B3", "西镇", 90),
        ]
    )
    + "\n"
)


def problems(exc: pytest.ExceptionInfo[InputError]) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, p.message) for p in exc.value.problems]


def test_english_headers_utf8(write):
    inputs = load_inputs(write("b.csv", BRANCHES), write("s.csv", SUPERVISORS), horizon_weeks=13)
    b, s = inputs.branches, inputs.supervisors
    assert list(b["branch_id"]) == ["B1", "B2", "B3"]
    assert list(b["weak_lax"]) == [True, False, False]
    assert b.loc[1, "last_visit"] is None
    assert s.loc[0, "skills"] == ("planning", "training")
    assert s.loc[0, "unavailable_weeks"] == (3, 4)
    assert s.loc[0, "excluded_branches"] == ("B2",)
    assert s.loc[1, "skills"] == DIMENSIONS  # blank = every dimension
    assert set(inputs.sources) == {"b.csv", "s.csv"}


def _to_chinese(text: str) -> str:
    header, *rest = text.strip().split("\n")
    zh = {
        "branch_id": "组织编号",
        "name": "组织名称",
        "district": "所属片区",
        "org_type": "组织类型",
        "members": "党员人数",
        "last_visit": "上次督导日期",
        "weak_lax": "软弱涣散",
        **DIMENSION_ZH,
    }
    cols = header.split(",")
    cols = [zh[c] for c in cols]
    # reversed column order: headers are matched by name, not position
    order = list(reversed(range(len(cols))))
    rows = [",".join(cols[i] for i in order)]
    for line in rest:
        cells = line.split(",")
        rows.append(",".join(cells[i] for i in order))
    return "\n".join(rows) + "\n"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030"])
def test_chinese_headers_any_order_and_encodings(write, encoding):
    chinese = _to_chinese(BRANCHES)
    zh_header = "督导员编号,姓名,所在片区,每周可督导次数,专长,不可用周次,回避组织"
    sup = SUPERVISORS.replace(SUPERVISOR_HEADER, zh_header)
    inputs = load_inputs(
        write("组织.csv", chinese, encoding), write("督导员.csv", sup, encoding), horizon_weeks=13
    )
    assert list(inputs.branches["name"]) == ["B1党支部", "B2党支部", "B3党支部"]
    assert list(inputs.branches["weak_lax"]) == [True, False, False]
    assert inputs.supervisors.loc[0, "name"] == "王芳"


def test_xlsx_first_sheet(tmp_path, write):
    csv = write("b.csv", BRANCHES)
    frame = pd.read_csv(csv, dtype=str, keep_default_na=False)
    frame["last_visit"] = pd.to_datetime(frame["last_visit"])  # Excel stores real dates
    frame["members"] = frame["members"].astype(int)
    xlsx = tmp_path / "b.xlsx"
    frame.to_excel(xlsx, index=False)
    inputs = load_inputs(xlsx, write("s.csv", SUPERVISORS), horizon_weeks=13)
    assert str(inputs.branches.loc[0, "last_visit"]) == "2026-06-01"
    assert inputs.branches["members"].tolist() == [10, 10, 10]


def test_booleans_and_separators(write):
    rows = [BRANCH_HEADER] + [
        branch_row(f"B{i}", "东镇", 70, weak=w)
        for i, w in enumerate(["yes", "TRUE", "1", "否", "no", "", "0"])
    ]
    sup = f'{SUPERVISOR_HEADER}\nS1,甲,东镇,2,"教育培训; planning,function","1，2;3","B0、B1"\n'
    inputs = load_inputs(write("b.csv", "\n".join(rows) + "\n"), write("s.csv", sup), horizon_weeks=13)
    assert inputs.branches["weak_lax"].tolist() == [True, True, True, False, False, False, False]
    s = inputs.supervisors.loc[0]
    assert s["skills"] == ("planning", "function", "training")
    assert s["unavailable_weeks"] == (1, 2, 3)
    assert s["excluded_branches"] == ("B0", "B1")


def test_every_problem_reported_with_row_and_column(write):
    bad_branches = (
        "\n".join(
            [
                BRANCH_HEADER,
                branch_row("B1", "东镇", 60),
                branch_row("B1", "东镇", 70),  # row 3: duplicate id
                branch_row("B3", "东镇", 70).replace(",10,", ",-4,", 1),  # row 4: negative members
                branch_row("B4", "东镇", 70).replace("70", "abc", 1),  # row 5: not a number
                branch_row("B5", "东镇", 70).replace("70", "130", 1),  # row 6: out of range
                branch_row("B6", "东镇", 70, last="2026-13-45"),  # row 7: bad date
                branch_row("B7", "东镇", 70, weak="maybe"),  # row 8: not yes/no
            ]
        )
        + "\n"
    )
    bad_sups = f"""
    {SUPERVISOR_HEADER}
    S1,甲,南镇,2,,,
    S2,乙,东镇,x,,,
    S3,丙,东镇,1,cooking,14,B99
    """
    with pytest.raises(InputError) as exc:
        load_inputs(write("b.csv", bad_branches), write("s.csv", bad_sups), horizon_weeks=13)
    found = problems(exc)
    where = {(row, col) for row, col, _ in found}
    assert (3, "组织编号") in where
    assert (4, "党员人数") in where
    assert (5, "主动谋划") in where
    assert (6, "主动谋划") in where
    assert (7, "上次督导日期") in where
    assert (8, "软弱涣散") in where
    assert (2, "所在片区") in where  # unknown district
    assert (3, "每周可督导次数") in where  # not a number
    assert (4, "专长") in where  # unknown skill
    assert (4, "不可用周次") in where  # week outside the horizon
    assert (4, "回避组织") in where  # unknown branch
    files = {p.file for p in exc.value.problems}
    assert files == {"b.csv", "s.csv"}
    dup = next(m for r, c, m in found if (r, c) == (3, "组织编号"))
    assert "row 2" in dup


def test_missing_column_and_empty_file(write):
    header = BRANCH_HEADER.replace(",members", "")
    text = header + "\n" + "B1,甲,东镇,党支部," + ",".join(["70"] * 8) + ",,否\n"
    with pytest.raises(InputError) as exc:
        load_inputs(write("b.csv", text), write("s.csv", ""), horizon_weeks=13)
    messages = [str(p) for p in exc.value.problems]
    assert any("members" in m and "党员人数" in m and "missing" in m for m in messages)
    assert any(m.startswith("s.csv") and "empty" in m for m in messages)


def test_header_only_file_has_no_rows(write):
    with pytest.raises(InputError) as exc:
        load_inputs(write("b.csv", BRANCH_HEADER + "\n"), write("s.csv", SUPERVISORS), horizon_weeks=13)
    assert any("no data rows" in str(p) for p in exc.value.problems)


def test_missing_file(tmp_path: Path, write):
    with pytest.raises(InputError) as exc:
        load_inputs(tmp_path / "nope.csv", write("s.csv", SUPERVISORS), horizon_weeks=13)
    assert "nope.csv" in str(exc.value)


def test_blank_required_numbers_are_reported(write):
    rows = [
        branch_row("B1", "东", 60).replace(",60,", ",,", 1),
        branch_row("B2", "东", 60).replace(",10,", ",,", 1),
    ]
    with pytest.raises(InputError) as exc:
        load_inputs(
            write("b.csv", "\n".join([BRANCH_HEADER, *rows]) + "\n"),
            write("s.csv", SUPERVISORS),
            horizon_weeks=13,
        )
    where = {(p.row, p.column) for p in exc.value.problems}
    assert (2, "主动谋划") in where and (3, "党员人数") in where


def test_value_checks_name_each_cell_column_by_column_in_row_order(write):
    scores = ",".join(["50"] * 7)
    text = "\n".join(
        [
            BRANCH_HEADER,
            f"B1,B1党支部,东镇,党委会,-4,101,{scores},2026-06-01,否",
            f"B2,,东镇,党支部,,-0.5,{scores},2026-06-01,否",
            f"B3,B3党支部,东镇,党支部,10,100.0000001,,{scores[3:]},2026-06-01,否",
            f"B4,B4党支部,东镇,x,3,50,{scores},2026-06-01,否",
        ]
    )
    with pytest.raises(InputError) as exc:
        load_inputs(write("b.csv", text + "\n"), write("s.csv", SUPERVISORS), horizon_weeks=13)
    assert [(p.row, p.column, p.message) for p in exc.value.problems if p.file == "b.csv"] == [
        (3, "组织名称", "is empty; a value is required."),
        (2, "组织类型", "'党委会' is not one of 党委 / 党总支 / 党支部."),
        (5, "组织类型", "'x' is not one of 党委 / 党总支 / 党支部."),
        (2, "党员人数", "-4 is negative; a count must be 0 or more."),
        (3, "党员人数", "is empty; a value is required."),
        (2, "主动谋划", "101 is outside 0–100."),
        (3, "主动谋划", "-0.5 is outside 0–100."),
        (4, "主动谋划", "100.0000001 is outside 0–100."),
        (4, "职能发挥", "is empty; a value is required."),
    ]


ONE_SUPERVISOR = f"{SUPERVISOR_HEADER}\nS1,王芳,东镇,2,,,\n"


def _with_cells(rows: list[str], cells: dict[tuple[int, int], str]) -> str:
    """The branch file of `rows` with some cells (row index, column index) written otherwise."""
    grid = [row.split(",") for row in rows]
    for (i, j), text in cells.items():
        grid[i][j] = text
    return "\n".join([BRANCH_HEADER, *(",".join(f'"{c}"' for c in row) for row in grid)]) + "\n"


def test_numbers_written_otherwise_among_plain_ones_are_read(write):
    rows = [branch_row(f"B{i}", "东镇", 60) for i in range(1, 8)]
    planning, members = 5, 4
    text = _with_cells(
        rows,
        {
            (1, planning): "８５",
            (2, planning): "62.5",
            (3, planning): "+7",
            (4, planning): "1e1",
            (5, planning): " 70 ",
            (6, members): "1,234",
        },
    )
    b = load_inputs(write("b.csv", text), write("s.csv", ONE_SUPERVISOR), horizon_weeks=13).branches
    assert b["planning"].tolist() == [60, 85, 62.5, 7, 10, 70, 60]
    assert b["members"].tolist() == [10, 10, 10, 10, 10, 10, 1234]


def test_a_bad_number_among_plain_ones_is_named_with_its_row(write):
    rows = [branch_row(f"B{i}", "东镇", 60) for i in range(1, 6)]
    text = _with_cells(rows, {(1, 5): "8,5", (3, 5): "85%", (4, 4): "2.5"})
    with pytest.raises(InputError) as exc:
        load_inputs(write("b.csv", text), write("s.csv", ONE_SUPERVISOR), horizon_weeks=13)
    assert [(p.row, p.column, p.message) for p in exc.value.problems if p.file == "b.csv"] == [
        (6, "党员人数", "'2.5' is not a whole number."),
        (3, "主动谋划", "'8,5' has a decimal comma; write it with a point (8.5)."),
        (5, "主动谋划", "'85%' is not a number."),
    ]
