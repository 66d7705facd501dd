"""Issue 11: hostile and odd inputs. Each test is one thing a tester did to the planner."""

from __future__ import annotations

import csv
import io
import random
import re
import subprocess
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from icalendar import Calendar

from planner import datasets, inputs
from planner.errors import InputError
from planner.folder import read_plan
from planner.inputs import load_inputs, read_table
from planner.safety import file_stem, restore_text, spreadsheet_text, xlsx_text
from tests.conftest import BRANCH_HEADER, DIMS, SUPERVISOR_HEADER, branch_row
from tests.helpers import run_planner
from tests.test_report import Page


def planner(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return run_planner(*args, timeout=timeout)


def write_csv_rows(path: Path, header: list[str], rows: list[list[str]], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    return path


SCORES = ["60"] * 8


def branch_cells(
    bid: str, name: str, district: str, score: str = "60", last: str = "2026-06-01"
) -> list[str]:
    return [bid, name, district, "党支部", "10", *([score] * 8), last, "否"]


SUP_HEADER = SUPERVISOR_HEADER.split(",")
B_HEADER = BRANCH_HEADER.split(",")


def problems_of(exc: pytest.ExceptionInfo[InputError]) -> str:
    return "\n".join(str(p) for p in exc.value.problems)


# ---------------------------------------------------------------- item 4 (and 3): hostile names

FORMULA_NAMES = [
    "=1+1",
    '=HYPERLINK("http://evil.example","点我")',
    "+SUM(1,2)",
    "-2+3",
    "@cmd",
    "\t制表开头",
]
HOSTILE_BRANCHES = [
    *FORMULA_NAMES,
    "<script>alert(1)</script>",
    "第一行\n第二行",  # Excel's Alt+Enter
    "控\x07制\x1b字符",
    "'=已加引号",
]
DOLLAR_DISTRICT = "$x^2$镇"
LONG_ID = "S" + "长" * 100  # 301 bytes: longer than a file name may be
HOSTILE_SUPERVISORS = [
    ("S1", "王\n芳", "东镇"),
    (LONG_ID, "=cmd|' /C calc'!A0", DOLLAR_DISTRICT),
    ("S/3", "李\x01强", "东镇"),
]
SCENARIO_NAME = "季度\n计划 $a$ <b>x</b>"
# as the planner reads them: surrounding blanks trimmed, and a quote that neutralised a formula
# (what a spreadsheet-safe export writes) removed
READ_AS = {n: restore_text(n.strip()) for n in HOSTILE_BRANCHES}


def ics_unescape(text: str) -> str:
    """An iCalendar TEXT value as RFC 5545 3.3.11 reads it."""
    return re.sub(r"\\([nN,;\\])", lambda m: "\n" if m[1] in "nN" else m[1], text)


def visible(text: str) -> str:
    """What an XLSX shows for a text: control characters replaced by U+FFFD."""
    return "".join("\ufffd" if ord(c) < 32 and c not in "\t\n\r" else c for c in text)


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("hostile")
    rows = [
        branch_cells(f"B{i}", name, DOLLAR_DISTRICT if i % 2 else "东镇", score=str(30 + i))
        for i, name in enumerate(HOSTILE_BRANCHES)
    ]
    rows.append(branch_cells("=B99", "-3.5", "东镇", score="20"))  # a formula-like id, a numeric name
    b = write_csv_rows(tmp / "b.csv", B_HEADER, rows)
    # only the supervisor with the very long id may visit the '$' district: every calendar is written
    odd = " ".join(f"B{i}" for i in range(1, len(HOSTILE_BRANCHES), 2))
    s = write_csv_rows(
        tmp / "s.csv",
        SUP_HEADER,
        [[sid, n, d, "2", "", "", "" if d == DOLLAR_DISTRICT else odd] for sid, n, d in HOSTILE_SUPERVISORS],
    )
    sc = tmp / "sc.toml"
    sc.write_text(
        f'name = "{SCENARIO_NAME.encode("unicode_escape").decode()}"\n'
        "[horizon]\nstart = 2027-01-04\nweeks = 6\n",
        encoding="utf-8",
    )
    out = tmp / "plan"
    done = planner(
        "plan", "--branches", str(b), "--supervisors", str(s), "--scenario", str(sc), "--out", str(out)
    )
    assert done.returncode == 0, done.stderr
    return out, b


def test_hostile_names_plan_end_to_end(hostile):
    out, _ = hostile
    folder = read_plan(out)
    names = set(folder.visits["branch_name"])
    # every branch visited, every name intact (surrounding blanks are trimmed on reading)
    assert set(READ_AS.values()) | {"-3.5"} <= names
    assert {n for _, n, _ in HOSTILE_SUPERVISORS} <= set(folder.visits["supervisor_name"])
    assert DOLLAR_DISTRICT in set(folder.visits["district"])
    assert folder.scenario.name == SCENARIO_NAME

    # plan.xlsx: every cell is text, never a formula; names intact (control characters shown as �)
    book = openpyxl.load_workbook(out / "plan.xlsx")
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells}
    assert {visible(n) for n in READ_AS.values()} <= texts
    # the scenario's name stands in the sheets' title rows, intact
    assert any(isinstance(x, str) and visible(SCENARIO_NAME) in x for x in texts)

    # calendars: parsed back, the names are there, no injected property or event
    files = sorted((out / "calendars").glob("*.ics"))
    assert len(files) == len(HOSTILE_SUPERVISORS)
    assert all(len(f.name.encode()) <= 100 for f in files)
    summaries, calnames, locations = [], [], set()
    for f in files:
        cal = Calendar.from_ical(f.read_bytes())
        calnames.append(ics_unescape(str(cal["x-wr-calname"])))  # an X- property: parsed raw
        for event in cal.walk("VEVENT"):
            summaries.append(str(event["summary"]))
            locations.add(str(event["location"]))
        raw = f.read_bytes().decode()
        assert raw.count("BEGIN:VEVENT") == len(list(cal.walk("VEVENT")))
    for name in READ_AS.values():
        clean = name.replace("\x07", "\ufffd").replace("\x1b", "\ufffd")
        assert any(clean in s for s in summaries), name
    assert any("王\n芳" in c for c in calnames) and any("李\ufffd强" in c for c in calnames)
    assert DOLLAR_DISTRICT in locations

    # report.html as a browser reads it: the names are text
    page = Page((out / "report.html").read_text(encoding="utf-8"))
    assert page.scripts() == []
    text = "".join(page.text)
    for name in [*FORMULA_NAMES, "<script>alert(1)</script>", DOLLAR_DISTRICT, "=已加引号"]:
        assert name.strip() in text, name


def test_a_text_longer_than_a_cell_holds_is_cut_visibly():
    # a cell holds 32,767 UTF-16 units: the text's start is kept and … shows the cut
    for long in ("长" * 40_000, "😀" * 20_000, "x" * 32_768):
        cut = xlsx_text(long)
        assert len(cut.encode("utf-16-le")) <= 2 * 32_767 and cut.endswith("…")
        assert long.startswith(cut[:-1]) and len(cut) > 16_000
    assert xlsx_text("x" * 32_767) == "x" * 32_767  # one that fits is left alone
    assert xlsx_text("a\x07b") == "a\ufffdb"


def test_over_long_and_emoji_names_fit_the_workbook(tmp_path):
    """A 40,000-character branch name (more than a cell holds), a supervisor named in emoji (a
    sheet name counts each as two): the plan is written, the names as whole as a cell allows."""
    long_name = "=" + "长" * 40_000
    rows = [branch_row("B1", "东镇", 30, name=long_name), branch_row("B2", "东镇", 40)]
    (tmp_path / "b.csv").write_text("\n".join([BRANCH_HEADER, *rows]) + "\n", encoding="utf-8")
    emoji = "😀" * 20
    (tmp_path / "s.csv").write_text(f"{SUPERVISOR_HEADER}\nS1,{emoji},东镇,1,,,\n", encoding="utf-8")
    (tmp_path / "sc.toml").write_text("[horizon]\nstart = 2027-01-04\nweeks = 2\n", encoding="utf-8")
    done = planner(
        "plan",
        *("--branches", str(tmp_path / "b.csv"), "--supervisors", str(tmp_path / "s.csv")),
        *("--scenario", str(tmp_path / "sc.toml"), "--out", str(tmp_path / "p"), "--no-report"),
    )
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(tmp_path / "p" / "plan.xlsx")
    own = book.sheetnames[3]
    assert own.startswith("S1 😀") and len(own.encode("utf-16-le")) <= 2 * 31
    names = {r[1].value: r[1].data_type for r in book["组织"].iter_rows(min_row=2)}
    cut = next(n for n in names if n.startswith("=长"))
    assert names[cut] == "s" and cut.endswith("…") and long_name.startswith(cut[:-1])
    assert len(cut) == 32_767


def test_csv_outputs_are_safe_in_a_spreadsheet(hostile):
    out, _ = hostile
    for name in ("visits.csv", "branches.csv", "baseline_visits.csv"):
        with (out / name).open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f))
        cells = [c for row in rows[1:] for c in row]
        # no cell a spreadsheet would evaluate; plain numbers stay numbers
        assert not [c for c in cells if c[:1] in ("=", "+", "@", "\t", "\r")], name
        assert not [c for c in cells if c[:1] == "-" and c != "-3.5"], name
        if name != "baseline_visits.csv":  # the hand ranking need not visit every branch
            assert "'=1+1" in cells and "'-2+3" in cells and "'=已加引号" in cells and "-3.5" in cells
    visits = pd.read_csv(out / "visits.csv", encoding="utf-8-sig")
    assert pd.api.types.is_float_dtype(visits["risk_score"])  # numbers are not touched


@pytest.mark.parametrize("text", ["=1+1", "-3.5", "+7", "@x", "'=x", "''=x", "'abc", "-", "\tx", "abc", ""])
def test_neutralising_is_exactly_undone(text):
    assert restore_text(spreadsheet_text(text)) == text


def test_calendar_file_names_are_bounded_and_unique():
    used: set[str] = set()
    names = [file_stem(x, used) for x in ["a/b", "a_b", "长" * 200, "长" * 200 + "x", "CON", "..", "A_B"]]
    assert len(set(n.lower() for n in names)) == len(names)
    assert all(0 < len(n.encode()) <= 100 for n in names)
    assert names[4] != "CON"


def test_record_writes_text_not_formulas(hostile, tmp_path):
    out, branches = hostile
    visits = read_plan(out).visits
    log = pd.DataFrame({"走访编号": visits["visit_id"], "走访日期": visits["week_start"]})
    log.to_csv(tmp_path / "log.csv", index=False)
    for target in ("next.xlsx", "next.csv"):
        done = planner(
            "record",
            str(out),
            str(tmp_path / "log.csv"),
            "--branches",
            str(branches),
            "--out",
            str(tmp_path / target),
            "--history-out",
            str(tmp_path / f"history-{target}.csv"),
        )
        assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(tmp_path / "next.xlsx")
    cells = [c for row in book.active.iter_rows() for c in row if c.value is not None]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert {visible(restore_text(n)) for n in HOSTILE_BRANCHES} <= {c.value for c in cells}
    raw = (tmp_path / "next.csv").read_text(encoding="utf-8-sig")
    assert "\n=" not in raw and ",=" not in raw and "'=1+1" in raw
    # the next cycle reads the recorded file back with the names as they were
    again = read_table(tmp_path / "next.csv")
    assert {restore_text(n) for n in HOSTILE_BRANCHES} <= set(again["name"])


# ---------------------------------------------------------------- item 5: huge resources


def test_ten_thousand_rows_one_duplicate_answers_fast(tmp_path):
    rows = [branch_cells(f"B{i:05d}", f"组织{i}", "东镇") for i in range(10_000)]
    rows[-1][0] = "B00007"
    b = write_csv_rows(tmp_path / "b.csv", B_HEADER, rows)
    s = write_csv_rows(tmp_path / "s.csv", SUP_HEADER, [["S1", "甲", "东镇", "2", "", "", ""]])
    started = time.perf_counter()
    with pytest.raises(InputError) as exc:
        load_inputs(b, s, horizon_weeks=13)
    assert time.perf_counter() - started < 15
    text = problems_of(exc)
    assert len(exc.value.problems) == 2 and len(text) < 400
    assert "row 9" in text and "row 10001" in text


def test_every_row_the_same_id_gives_a_short_message(tmp_path):
    rows = [branch_cells("B1", f"组织{i}", "东镇") for i in range(10_000)]
    b = write_csv_rows(tmp_path / "b.csv", B_HEADER, rows)
    s = write_csv_rows(tmp_path / "s.csv", SUP_HEADER, [["S1", "甲", "东镇", "2", "", "", ""]])
    started = time.perf_counter()
    with pytest.raises(InputError) as exc:
        load_inputs(b, s, horizon_weeks=13)
    assert time.perf_counter() - started < 15
    assert len(exc.value.problems) == 21  # 20 shown, then how many more
    assert "9980 more problems" in problems_of(exc) and len(problems_of(exc)) < 5000


def _xlsx_with_sheet_xml(path: Path, sheet_xml_chunks, size_hint: int = 0) -> Path:
    """A workbook whose first sheet's XML is written from chunks (for very large sheets)."""
    book = openpyxl.Workbook()
    book.active.append(["branch_id"])
    buffer = io.BytesIO()
    book.save(buffer)
    with zipfile.ZipFile(buffer) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with dst.open(item.filename, "w", force_zip64=True) as f:
                    for chunk in sheet_xml_chunks():
                        f.write(chunk)
            else:
                dst.writestr(item, src.read(item))
    return path


def test_zip_bomb_xlsx_is_refused_fast(tmp_path):
    row = b'<row><c t="inlineStr"><is><t>B1</t></is></c></row>' * 1000

    def chunks():
        yield b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
        for _ in range((inputs.MAX_XLSX_UNCOMPRESSED // len(row)) + 10):
            yield row
        yield b"</sheetData></worksheet>"

    bomb = _xlsx_with_sheet_xml(tmp_path / "bomb.xlsx", chunks)
    assert bomb.stat().st_size < 5 * 2**20  # a small file ...
    started = time.perf_counter()
    with pytest.raises(InputError) as exc:
        read_table(bomb)
    assert time.perf_counter() - started < 5  # ... refused before it is parsed
    assert "unpacked" in problems_of(exc)


def test_too_many_rows_refused_while_reading(tmp_path, monkeypatch):
    monkeypatch.setattr(inputs, "MAX_ROWS", 50)
    frame = pd.DataFrame({"branch_id": [f"B{i}" for i in range(60)]})
    frame.to_excel(tmp_path / "b.xlsx", index=False)
    frame.to_csv(tmp_path / "b.csv", index=False)
    for name in ("b.xlsx", "b.csv"):
        with pytest.raises(InputError) as exc:
            read_table(tmp_path / name)
        assert "more than 50 rows" in problems_of(exc)
        assert "--max-rows" in problems_of(exc)  # and says how to read a larger province
    # a province larger than the default: allowed when asked for, in that block only
    with inputs.size_limits(100):
        assert len(read_table(tmp_path / "b.csv")) == 60
    with pytest.raises(InputError):
        read_table(tmp_path / "b.csv")
    with pytest.raises(InputError) as exc, inputs.size_limits(7_000_000):
        pass
    assert "--max-rows must be 1 to 6,000,000" in problems_of(exc)


# ---------------------------------------------------------------- item 6: encodings

TRADITIONAL = [
    branch_cells("B1", "城關鎮東莊村黨支部", "城關鎮"),
    branch_cells("B2", "青山鎮中心小學黨支部", "青山鎮"),
]


def test_big5_file_is_refused_not_garbled(tmp_path):
    b = write_csv_rows(tmp_path / "b.csv", B_HEADER, TRADITIONAL, encoding="big5")
    s = write_csv_rows(tmp_path / "s.csv", SUP_HEADER, [["S1", "王芳", "城關鎮", "2", "", "", ""]])
    done = planner("validate", "--branches", str(b), "--supervisors", str(s))
    assert done.returncode == 2
    assert "b.csv" in done.stderr and "Big5" in done.stderr


def test_latin1_file_is_refused_not_garbled(tmp_path):
    b = write_csv_rows(tmp_path / "b.csv", B_HEADER, [branch_cells("B1", "Zweigstelle Köln", "Köln")])
    rows = [
        ["S1", "Jürgen Müller", "Köln", "2", "", "", ""],
        ["S2", "François Lefèvre", "Köln", "1", "", "", ""],
    ]
    s = write_csv_rows(tmp_path / "s.csv", SUP_HEADER, rows, encoding="latin-1")
    done = planner("validate", "--branches", str(b), "--supervisors", str(s))
    assert done.returncode == 2
    assert "s.csv" in done.stderr and ("Latin-1" in done.stderr or "Windows-1252" in done.stderr)


def test_gb18030_file_is_read_and_said_so(tmp_path):
    b = write_csv_rows(
        tmp_path / "b.csv", B_HEADER, [branch_cells("B1", "城关镇东庄村党支部", "城关镇")], "gb18030"
    )
    s = write_csv_rows(tmp_path / "s.csv", SUP_HEADER, [["S1", "王芳", "城关镇", "2", "", "", ""]], "gb18030")
    done = planner("validate", "--branches", str(b), "--supervisors", str(s))
    assert done.returncode == 0, done.stderr
    assert "b.csv: read as GB18030" in done.stderr and "s.csv: read as GB18030" in done.stderr


# ---------------------------------------------------------------- item 7: silent acceptances


def _one_branch(tmp_path: Path, cells: list[str], header: list[str] = B_HEADER) -> Path:
    return write_csv_rows(tmp_path / "b.csv", header, [cells])


@pytest.fixture
def sups(tmp_path) -> Path:
    return write_csv_rows(tmp_path / "s.csv", SUP_HEADER, [["S1", "甲", "东镇", "2", "", "", ""]])


@pytest.mark.parametrize(
    ("cell", "words"),
    [("8,5", "decimal comma"), ("8_5", "is not a number"), ("1" + "0" * 19, "is not a number")],
)
def test_numbers_are_not_guessed(tmp_path, sups, cell, words):
    cells = branch_cells("B1", "甲", "东镇")
    cells[5] = cell  # planning score
    with pytest.raises(InputError) as exc:
        load_inputs(_one_branch(tmp_path, cells), sups, horizon_weeks=13)
    assert words in problems_of(exc) or "outside 0–100" in problems_of(exc)


def test_thousands_separator_and_full_width_digits_still_read(tmp_path, sups):
    cells = branch_cells("B1", "甲", "东镇")
    cells[4] = "1,234"
    cells[5] = "８５"
    got = load_inputs(_one_branch(tmp_path, cells), sups, horizon_weeks=13).branches.iloc[0]
    assert got["members"] == 1234 and got["planning"] == 85


def test_huge_count_is_a_sentence_not_a_crash(tmp_path, sups):
    cells = branch_cells("B1", "甲", "东镇")
    cells[4] = str(2**63)
    done = planner("validate", "--branches", str(_one_branch(tmp_path, cells)), "--supervisors", str(sups))
    assert done.returncode == 2 and "too large" in done.stderr and "row 2" in done.stderr


@pytest.mark.parametrize("cell", ["-1e300", "-1" + "0" * 19])
def test_huge_negative_count_is_a_sentence_not_a_crash(tmp_path, sups, cell):
    cells = branch_cells("B1", "甲", "东镇")
    cells[4] = cell
    with pytest.raises(InputError) as exc:
        load_inputs(_one_branch(tmp_path, cells), sups, horizon_weeks=13)
    said = f"b.csv, row 2, column 党员人数: '{cell}' is negative; a count must be 0 or more."
    assert problems_of(exc) == said


def test_exact_duplicate_header_column(tmp_path, sups):
    header = [*B_HEADER, "name"]
    cells = [*branch_cells("B1", "甲", "东镇"), "乙"]
    with pytest.raises(InputError) as exc:
        load_inputs(_one_branch(tmp_path, cells, header), sups, horizon_weeks=13)
    assert "appears twice" in problems_of(exc) and "columns B and P" in problems_of(exc)


def test_last_visit_in_the_future(tmp_path, sups):
    import datetime as dt

    cells = branch_cells("B1", "甲", "东镇", last="2027-02-01")
    with pytest.raises(InputError) as exc:
        load_inputs(_one_branch(tmp_path, cells), sups, horizon_weeks=13, horizon_start=dt.date(2027, 1, 4))
    assert "row 2, column 上次督导日期: 2027-02-01 is after the plan's start (2027-01-04)" in problems_of(exc)


def test_start_that_is_not_a_monday(tmp_path):
    sc = tmp_path / "sc.toml"
    sc.write_text("[horizon]\nstart = 2027-01-06\n", encoding="utf-8")
    done = planner("validate", "--scenario", str(sc))
    assert done.returncode == 2
    assert "2027-01-06 is a Wednesday" in done.stderr and "2027-01-04" in done.stderr


def test_gbk_scenario_is_a_sentence(tmp_path):
    sc = tmp_path / "方案.toml"
    sc.write_text('name = "第一季度"\n', encoding="gbk")
    done = planner("validate", "--scenario", str(sc))
    assert done.returncode == 2 and "方案.toml" in done.stderr and "UTF-8" in done.stderr
    assert "Traceback" not in done.stderr


def test_record_with_the_supervisor_file(tmp_path):
    plan = tmp_path / "plan"
    assert planner("plan", "--out", str(plan), "--no-report").returncode == 0
    log = tmp_path / "log.csv"
    log.write_text("走访编号,走访日期\nV00001,2027-01-04\n", encoding="utf-8")
    sup_file = datasets.sample_paths()[1]
    done = planner(
        "record", str(plan), str(log), "--branches", str(sup_file), "--out", str(tmp_path / "n.csv")
    )
    assert done.returncode == 2, done.stderr
    assert "supervisors.csv: is not a branch file (it looks like the supervisor file)" in done.stderr


# ---------------------------------------------------------------- item 8: determinism


def test_row_order_does_not_change_the_plan(tmp_path):
    bf, sf, scf = datasets.sample_paths()
    rng = random.Random(11)
    folders = []
    for k, shuffle in enumerate((False, True)):
        paths = []
        for src in (bf, sf):
            lines = src.read_text(encoding="utf-8-sig").splitlines()
            body = lines[1:]
            if shuffle:
                rng.shuffle(body)
            dst = tmp_path / f"{k}-{src.name}"
            dst.write_text("\n".join([lines[0], *body]) + "\n", encoding="utf-8")
            paths.append(dst)
        out = tmp_path / f"plan{k}"
        done = planner(
            "plan",
            "--branches",
            str(paths[0]),
            "--supervisors",
            str(paths[1]),
            "--scenario",
            str(scf),
            "--out",
            str(out),
            "--no-report",
        )
        assert done.returncode == 0, done.stderr
        folders.append(out)
    assert (folders[0] / "visits.csv").read_bytes() == (folders[1] / "visits.csv").read_bytes()


# ---------------------------------------------------------------- item 9: generate


def test_generate_many_supervisors_ends(tmp_path):
    done = planner(
        "generate", "--branches", "3000", "--supervisors", "2000", "--out", str(tmp_path / "g"), timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert len(pd.read_csv(tmp_path / "g" / "supervisors.csv")) == 2000


# ---------------------------------------------------------------- item 10: messages that mislead


def test_semicolon_delimiter_is_named(tmp_path, sups):
    text = ";".join(B_HEADER) + "\n" + ";".join(branch_cells("B1", "甲", "东镇")) + "\n"
    (tmp_path / "b.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_inputs(tmp_path / "b.csv", sups, horizon_weeks=13)
    assert "separated by semicolons" in problems_of(exc) and "no data rows" not in problems_of(exc)


def test_title_row_above_the_header_is_named(tmp_path, sups):
    text = "示例县基层党组织名单\n\n" + BRANCH_HEADER + "\n" + branch_row("B1", "东镇", 60) + "\n"
    (tmp_path / "b.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_inputs(tmp_path / "b.csv", sups, horizon_weeks=13)
    assert "headers are on row 3, not on row 1" in problems_of(exc)


def test_data_on_another_sheet_is_named(tmp_path, sups):
    book = openpyxl.Workbook()
    book.active.title = "说明"
    data = book.create_sheet("组织")
    data.append(B_HEADER)
    data.append(branch_cells("B1", "甲", "东镇"))
    book.save(tmp_path / "b.xlsx")
    with pytest.raises(InputError) as exc:
        load_inputs(tmp_path / "b.xlsx", sups, horizon_weeks=13)
    assert "on sheet '组织'" in problems_of(exc) and "first sheet '说明'" in problems_of(exc)


def test_just_above_100_shows_its_digits(tmp_path, sups):
    cells = branch_cells("B1", "甲", "东镇")
    cells[5] = "100.0000001"
    with pytest.raises(InputError) as exc:
        load_inputs(_one_branch(tmp_path, cells), sups, horizon_weeks=13)
    assert "100.0000001 is outside 0–100" in problems_of(exc)


def test_formula_without_saved_value_is_named(tmp_path, sups):
    book = openpyxl.Workbook()
    book.active.append(B_HEADER)
    book.active.append(branch_cells("B1", "甲", "东镇"))
    book.active["F2"] = "=50+10"  # written by a program: no value was ever computed
    book.save(tmp_path / "b.xlsx")
    with pytest.raises(InputError) as exc:
        load_inputs(tmp_path / "b.xlsx", sups, horizon_weeks=13)
    text = problems_of(exc)
    assert "cell F2 holds a formula without a saved value" in text and "Excel/WPS" in text
    assert "row 2, column planning" in text


def test_dims_header_constant_matches():
    assert DIMS.split(",") == B_HEADER[5:13] and SCORES


def test_unquoted_comma_in_a_name_is_named(tmp_path, sups):
    text = (
        BRANCH_HEADER + "\n" + branch_row("B1", "东镇", 60).replace("B1党支部", "B1党支部,第一党小组") + "\n"
    )
    (tmp_path / "b.csv").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as exc:
        load_inputs(tmp_path / "b.csv", sups, horizon_weeks=13)
    assert "b.csv, row 2: has 16 cells but the header has 15" in problems_of(exc)


def test_excel_unicode_text_is_named(tmp_path, sups):
    text = BRANCH_HEADER.replace(",", "\t") + "\n" + branch_row("B1", "东镇", 60).replace(",", "\t") + "\n"
    (tmp_path / "b.csv").write_bytes(text.encode("utf-16"))  # Excel's "Unicode Text"
    with pytest.raises(InputError) as exc:
        load_inputs(tmp_path / "b.csv", sups, horizon_weeks=13)
    assert "separated by tabs" in problems_of(exc)


# ---------------------------------------------------------------- issue 15: plan.xlsx by xlsxwriter

RICH_LOOKALIKES = [
    "<r>城关镇东屯村党支部</r>",  # comes out empty if written as xlsxwriter's rich-string XML
    '<r><t>x</t></r></is></c><c r="Z2" t="str"><f>HYPERLINK("http://evil.example","点我")</f>'
    '<v>点我</v></c><c r="Z3" t="inlineStr"><is><r><t>y</t></r>',  # cells of its own when streamed
    "<r></t></r>",  # not well-formed XML
]


@pytest.mark.parametrize("streamed", [False, True], ids=["in-memory", "constant-memory"])
def test_names_shaped_like_rich_string_xml_stay_text(tmp_path, streamed):
    """A name that starts with <r> and ends with </r> is what xlsxwriter takes for its own rich-
    string XML: plan.xlsx must still show it as written, add no cell and hold no formula, whether
    the workbook is put together in memory or streamed (a large plan)."""
    rows = [branch_cells(f"B{i}", n, "东镇", score=str(30 + i)) for i, n in enumerate(RICH_LOOKALIKES)]
    write_csv_rows(tmp_path / "b.csv", B_HEADER, rows)
    (tmp_path / "s.csv").write_text(f"{SUPERVISOR_HEADER}\nS1,<r>王芳</r>,东镇,3,,,\n", encoding="utf-8")
    (tmp_path / "sc.toml").write_text("[horizon]\nstart = 2027-01-04\nweeks = 2\n", encoding="utf-8")
    done = run_planner(
        "plan",
        *("--branches", str(tmp_path / "b.csv"), "--supervisors", str(tmp_path / "s.csv")),
        *("--scenario", str(tmp_path / "sc.toml"), "--out", str(tmp_path / "p"), "--no-report"),
        prelude="import planner.exports\nplanner.exports.IN_MEMORY_CELLS = 0\n" if streamed else "",
    )
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(tmp_path / "p" / "plan.xlsx")
    cells = [c for ws in book.worksheets for row in ws.iter_rows() for c in row if c.value is not None]
    assert not [f"{c.parent.title}!{c.coordinate}" for c in cells if c.data_type == "f"]
    names = [r[1].value for r in book["组织"].iter_rows(min_row=2)]
    assert sorted(names) == sorted(RICH_LOOKALIKES)
    # no cell of its own: nothing right of the header's columns
    assert all(ws.max_column == sum(c.value is not None for c in ws[1]) for ws in book.worksheets[1:3])
    assert "<r>王芳</r>" in {c.value for c in cells}


@pytest.mark.parametrize("cell", ["12¹", "1²", "①", "⑫", "½"])
def test_footnote_marks_and_circled_numbers_are_not_digits(tmp_path, sups, cell):
    """NFKC turns ¹ into 1 and ⑫ into 12: a member count with a footnote mark (12¹) must not be
    read as 121, nor a circled number as a count, silently."""
    cells = branch_cells("B1", "甲", "东镇")
    cells[4] = cell  # members
    with pytest.raises(InputError) as exc:
        load_inputs(_one_branch(tmp_path, cells), sups, horizon_weeks=13)
    assert f"row 2, column 党员人数: '{cell}' is not a number." in problems_of(exc)


def test_noncharacters_in_a_supervisor_name_leave_the_workbook_well_formed(tmp_path):
    """U+FFFE and U+FFFF are valid UTF-8 but not allowed in XML: in a sheet name (workbook.xml)
    they made plan.xlsx a file no spreadsheet opens."""
    rows = [branch_cells("B1", "甲\ufffe乙", "东镇", score="30"), branch_cells("B2", "丙", "东镇")]
    write_csv_rows(tmp_path / "b.csv", B_HEADER, rows)
    write_csv_rows(tmp_path / "s.csv", SUP_HEADER, [["S1", "王\ufffe芳\uffff", "东镇", "2", "", "", ""]])
    (tmp_path / "sc.toml").write_text("[horizon]\nstart = 2027-01-04\nweeks = 2\n", encoding="utf-8")
    done = planner(
        "plan",
        *("--branches", str(tmp_path / "b.csv"), "--supervisors", str(tmp_path / "s.csv")),
        *("--scenario", str(tmp_path / "sc.toml"), "--out", str(tmp_path / "p"), "--no-report"),
    )
    assert done.returncode == 0, done.stderr
    book = openpyxl.load_workbook(tmp_path / "p" / "plan.xlsx")
    assert book.sheetnames[3] == "S1 王_芳_"


def test_csv_with_lone_carriage_returns_is_read(tmp_path, sups):
    """Excel's "CSV (Macintosh)" ends lines with a lone CR: it was an unexpected error (exit 1).
    It reads as the same file with line feeds; a line break inside a quoted name stays as written."""
    rows = [branch_cells("B1", "第一行\r\n第二行", "东镇"), branch_cells("B2", "乙", "东镇", score="40")]
    lf = write_csv_rows(tmp_path / "lf.csv", B_HEADER, rows)
    (tmp_path / "cr.csv").write_bytes(lf.read_bytes().replace(b"\r\n", b"\n").replace(b"\n", b"\r"))
    got = load_inputs(tmp_path / "cr.csv", sups, horizon_weeks=13).branches
    assert list(got["name"]) == ["第一行\r第二行", "乙"]
    assert list(load_inputs(lf, sups, horizon_weeks=13).branches["name"]) == ["第一行\r\n第二行", "乙"]
    done = planner("validate", "--branches", str(tmp_path / "cr.csv"), "--supervisors", str(sups))
    assert done.returncode == 0, done.stderr


def _damaged(tmp_path: Path, source: Path, cut: bool) -> Path:
    """`source` with its sheet's XML cut in half, or its compressed bytes garbled (CRC and
    deflate errors while the sheet is read)."""
    out = tmp_path / ("cut.xlsx" if cut else "garbled.xlsx")
    with zipfile.ZipFile(source) as zin, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml" and cut:
                data = data[: len(data) // 2]
            zout.writestr(item, data)
    if not cut:
        raw = bytearray(out.read_bytes())
        start = raw.find(b"xl/worksheets/sheet1.xml") + 40
        raw[start : start + 200] = bytes(200)
        out.write_bytes(bytes(raw))
    return out


@pytest.mark.parametrize("cut", [True, False], ids=["sheet-cut", "bytes-garbled"])
def test_damaged_xlsx_is_a_sentence_not_a_crash(tmp_path, sups, cut):
    """A workbook whose sheet is damaged (a copy cut short, bytes garbled on a USB stick) opened
    but failed while its rows were read: 'Unexpected error: ParseError' (exit 1)."""
    book = openpyxl.Workbook()
    book.active.append(B_HEADER)
    for i in range(300):
        book.active.append(branch_cells(f"B{i:04}", f"第{i}支部", "东镇"))
    book.save(tmp_path / "b.xlsx")
    damaged = _damaged(tmp_path, tmp_path / "b.xlsx", cut)
    done = planner("validate", "--branches", str(damaged), "--supervisors", str(sups))
    assert done.returncode == 2, done.stderr
    assert f"{damaged.name}: is not a readable Excel file" in done.stderr
    assert "Traceback" not in done.stderr and "Unexpected" not in done.stderr
