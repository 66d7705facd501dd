"""The documents a supervisor acts on: why each branch, plan.xlsx as printed, compare, inputs
that tell the truth, sweeps in visit-slots, and both languages with nothing of the other."""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from wcwidth import wcswidth

from planner import exports, sweep
from planner.folder import read_plan
from planner.inputs import load_inputs
from planner.scenario import load_scenario
from planner.schema import BRANCH_COLUMNS, HISTORY_COLUMNS, SUPERVISOR_COLUMNS
from tests.conftest import BRANCH_HEADER, SUPERVISOR_HEADER, branch_row
from tests.helpers import run_planner as planner
from tests.test_report import Page

ROOT = Path(__file__).resolve().parents[1]
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def branches(folder: Path) -> pd.DataFrame:
    return pd.read_csv(
        folder / "branches.csv", encoding="utf-8-sig", dtype={"branch_id": str}, keep_default_na=False
    )


# ---------------------------------------------------------------- why, from the solved plan


@pytest.fixture(scope="module")
def tiny(tmp_path_factory) -> Path:
    """One supervisor, one visit a week, two weeks: two visits for four branches.

    东镇: B1 (riskiest), B2, B3 (weak and lax, least risky). B3 is mandatory, B1 takes the other
    slot, so B2 is riskier than a visited branch (B3) and left out: S1 is full.
    西镇: B4, which S1 must keep away from (conflict of interest): no one may visit it.
    """
    tmp = tmp_path_factory.mktemp("tiny")
    rows = [
        branch_row("B1", "东镇", 20),
        branch_row("B2", "东镇", 40),
        branch_row("B3", "东镇", 80, weak="是"),
        branch_row("B4", "西镇", 10),
    ]
    (tmp / "b.csv").write_text("\n".join([BRANCH_HEADER, *rows]) + "\n", encoding="utf-8")
    (tmp / "s.csv").write_text(f"{SUPERVISOR_HEADER}\nS1,王,东镇,1,,,B4\n", encoding="utf-8")
    (tmp / "sc.toml").write_text(
        "[horizon]\nstart = 2027-01-04\nweeks = 2\n[rules]\nweak_lax_min_visits = 1\n", encoding="utf-8"
    )
    out = tmp / "plan"
    done = planner(
        "plan",
        *("--branches", str(tmp / "b.csv"), "--supervisors", str(tmp / "s.csv")),
        *("--scenario", str(tmp / "sc.toml"), "--out", str(out), "--no-report"),
    )
    assert done.returncode == 0, done.stderr
    return out


def test_every_branch_says_why(tiny):
    b = branches(tiny).set_index("branch_id")
    assert list(b["visits"]) == [1, 0, 1, 0]
    assert b.at["B1", "why_en"] == f"risk {b.at['B1', 'risk_score']:.1f}, rank 1 of 3 in 东镇"
    assert b.at["B3", "why_en"] == "mandatory: weak and lax"
    assert b.at["B3", "why_zh"] == "必访：软弱涣散"
    # B2: riskier than B3, which was visited; the only allowed supervisor is full
    why = b.at["B2", "why_en"]
    assert why.startswith("S1, the only supervisor allowed, is full in weeks 1–2")
    assert f"the least valuable visit they could give up is worth {b.at['B1', 'risk_score']:.1f}" in why
    assert (
        f"the last branch visited in 东镇 has risk {b.at['B3', 'risk_score']:.1f} (mandatory: weak and lax)"
        in why
    )
    assert "re-solved with a visit forced here" in why  # the riskiest such branch is re-solved
    assert b.at["B2", "why_zh"].startswith("唯一可派的督导员 S1 第 1–2 周已满")
    assert b.at["B4", "why_en"] == "conflict of interest: every supervisor who could go (S1) is excluded"
    assert b.at["B4", "why_zh"] == "利益回避：所有可派督导员（S1）均须回避"


def test_the_re_solve_cost_is_what_forcing_the_visit_loses(tiny):
    b = branches(tiny).set_index("branch_id")
    cost = float(re.search(r"forced here: ([\d.]+) less", b.at["B2", "why_en"])[1])
    # forcing B2 in drops B1 (the only optional visit): the loss is their risk difference
    assert cost == pytest.approx(b.at["B1", "risk_score"] - b.at["B2", "risk_score"], abs=0.06)


def test_why_is_in_the_workbook_in_both_languages(tiny, tmp_path):
    wb = openpyxl.load_workbook(tiny / "plan.xlsx")
    sheet = wb["组织"]
    header = [c.value for c in sheet[1]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["B4"]["原因"] == "利益回避：所有可派督导员（S1）均须回避"


# ---------------------------------------------------------------- both languages, nothing of the other


@pytest.fixture(scope="module")
def sample_both(tmp_path_factory) -> dict[str, Path]:
    tmp = tmp_path_factory.mktemp("langs")
    out = {}
    for lang in ("zh", "en"):
        done = planner("plan", "--lang", lang, "--out", str(tmp / lang))
        assert done.returncode == 0, done.stderr
        out[lang] = tmp / lang
    return out


def _data_names(folder: Path) -> list[str]:
    b = branches(folder)
    v = pd.read_csv(folder / "visits.csv", encoding="utf-8-sig", dtype=str)
    s = json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    names = {*b["name"], *b["district"], *v["supervisor_name"], s["scenario"]}
    return sorted((str(n) for n in names if str(n)), key=len, reverse=True)


def _xlsx_text(path: Path) -> str:
    wb = openpyxl.load_workbook(path)
    parts = list(wb.sheetnames)
    for ws in wb:
        for row in ws.iter_rows(values_only=True):
            parts += [str(v) for v in row if v is not None]
    return "\n".join(parts)


def _without_data(text: str, names: list[str]) -> str:
    for name in names:
        text = text.replace(name, " ")
    return text


# solver names and the command `planner sweep`; ids like S001 / B00012 / V00001 are matched separately
ZH_CODES = {"highs", "cbc", "planner", "sweep"}


def test_english_documents_hold_no_chinese_but_data_names(sample_both):
    folder = sample_both["en"]
    names = _data_names(folder)
    page = "".join(Page((folder / "report.html").read_text(encoding="utf-8")).text)
    for where, text in (("report.html", page), ("plan.xlsx", _xlsx_text(folder / "plan.xlsx"))):
        left = _without_data(text, names)
        found = sorted(set(CJK.findall(left)))
        assert not found, f"{where}: Chinese outside data names: {found[:20]}"


def test_chinese_documents_hold_no_english_but_codes(sample_both):
    folder = sample_both["zh"]
    names = _data_names(folder)
    page = "".join(Page((folder / "report.html").read_text(encoding="utf-8")).text)
    for where, text in (("report.html", page), ("plan.xlsx", _xlsx_text(folder / "plan.xlsx"))):
        left = re.sub(r"\b[SBV]\d{3,5}\b", " ", _without_data(text, names))
        words = {w for w in re.findall(r"[A-Za-z]{2,}", left) if w.lower() not in ZH_CODES}
        assert not words, f"{where}: English words in the Chinese document: {sorted(words)[:20]}"


def test_the_report_shows_the_years_progress_in_either_language(sample_both):
    # the sample's first quarter: 340 of 600 branches covered, all 10 follow-ups planned
    for lang, title, followups in (
        ("zh", "本年度进度", "回头看：应走访 / 已安排"),
        ("en", "The year so far", "Follow-ups: due / planned"),
    ):
        page = " ".join(Page((sample_both[lang] / "report.html").read_text(encoding="utf-8")).text)
        assert title in page and followups in page, lang
        assert "340 / 600" in page and "10 / 10" in page, lang


def test_report_page_counts(sample_both, tmp_path):
    """One A4 page per supervisor's task sheet; everything else in at most 8 pages."""
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None or shutil.which("pdftotext") is None:
        pytest.skip("chromium and pdftotext (poppler-utils) are needed to print the report")
    for lang, heading in (("zh", "督导任务单"), ("en", "Task sheet")):
        pdf = tmp_path / f"{lang}.pdf"
        subprocess.run(
            [
                browser,
                *("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"),
                f"--user-data-dir={tmp_path / 'profile'}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                (sample_both[lang] / "report.html").as_uri(),
            ],
            capture_output=True,
            timeout=180,
            check=True,
        )
        pages = _pdf_pages(pdf)
        sheets = [i for i, text in enumerate(pages) if text.lstrip().startswith(heading)]
        supervisors = pd.read_csv(sample_both[lang] / "visits.csv", encoding="utf-8-sig")["supervisor_id"]
        assert len(sheets) == supervisors.nunique()
        assert sheets == list(range(sheets[0], sheets[0] + len(sheets))), "a task sheet runs over a page"
        assert len(pages) - len(sheets) <= 8


def _pdf_pages(pdf: Path) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True).stdout
    return [p for p in text.split("\f") if p.strip()]


# ---------------------------------------------------------------- plan.xlsx, ready to print and use


def test_workbook_is_set_up_to_use(sample_both):
    wb = openpyxl.load_workbook(sample_both["zh"] / "plan.xlsx")
    for ws in wb:
        assert ws.page_setup.orientation == "landscape" and int(ws.page_setup.paperSize) == 9
        # one page wide: fitToWidth 1, which the file may leave out (1 is the format's default)
        assert ws.sheet_properties.pageSetUpPr.fitToPage and (ws.page_setup.fitToWidth or 1) == 1
        assert ws.page_setup.fitToHeight == 0  # as many pages down as the rows need
        assert ws.print_title_rows and ws.freeze_panes
        # every list can be filtered; the year's sheet is three small tables, not one list
        assert ws.auto_filter.ref or ws.title == "本年度进度"
    overview = wb["总览"]
    assert overview.column_dimensions["A"].width >= 16  # KPI labels are not cut off
    shares = [r for r in overview.iter_rows(min_row=4) if r[0].value == "风险覆盖率"]
    assert shares and shares[0][1].number_format == "0.0%" and 0 < shares[0][1].value < 1
    sup = wb[wb.sheetnames[3]]
    assert sup.freeze_panes == "A3" and sup.print_title_rows == "$1:$2"
    assert isinstance(sup["B3"].value, dt.datetime) and sup["B3"].number_format == "yyyy-mm-dd"


def test_workbook_prints_without_column_strips(sample_both, tmp_path):
    if shutil.which("soffice") is None or shutil.which("pdftotext") is None:
        pytest.skip("LibreOffice (soffice) and pdftotext are not installed: make system-deps installs them")
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{tmp_path / 'lo'}",
            *("--headless", "--convert-to", "pdf", "--outdir", str(tmp_path)),
            str(sample_both["zh"] / "plan.xlsx"),
        ],
        capture_output=True,
        timeout=240,
        check=True,
    )
    pages = _pdf_pages(tmp_path / "plan.pdf")
    wb = openpyxl.load_workbook(sample_both["zh"] / "plan.xlsx")
    first_headers = {"指标", "周次", "组织编号", "本年度进度"}  # the year's sheet repeats its title
    assert all(any(h in page for h in first_headers) for page in pages), "a page lacks the first column"
    assert len(pages) < 3 * len(wb.sheetnames)  # 600 branches and 368 visits, not 50 strips


def test_names_stay_text_in_the_workbook(tmp_path):
    rows = [branch_row("B1", "东镇", 30, name="=1+1"), branch_row("B2", "东镇", 40, name="bell\x07")]
    (tmp_path / "b.csv").write_text("\n".join([BRANCH_HEADER, *rows]) + "\n", encoding="utf-8")
    (tmp_path / "s.csv").write_text(f"{SUPERVISOR_HEADER}\nS1,王,东镇,1,,,\n", encoding="utf-8")
    (tmp_path / "sc.toml").write_text("[horizon]\nstart = 2027-01-04\nweeks = 2\n", encoding="utf-8")
    done = planner(
        "plan",
        *("--branches", str(tmp_path / "b.csv"), "--supervisors", str(tmp_path / "s.csv")),
        *("--scenario", str(tmp_path / "sc.toml"), "--out", str(tmp_path / "p"), "--no-report"),
    )
    assert done.returncode == 0, done.stderr
    sheet = openpyxl.load_workbook(tmp_path / "p" / "plan.xlsx")["组织"]
    names = {r[1].value: r[1].data_type for r in sheet.iter_rows(min_row=2)}
    assert names["=1+1"] == "s" and "bell\ufffd" in names


def test_a_province_gets_one_workbook_per_county(tmp_path, monkeypatch):
    assert (
        planner(
            "generate",
            *("--branches", "120", "--supervisors", "6", "--counties", "3", "--out", str(tmp_path / "in")),
        ).returncode
        == 0
    )
    done = planner(
        "plan",
        *(
            "--branches",
            str(tmp_path / "in" / "branches.csv"),
            "--supervisors",
            str(tmp_path / "in" / "supervisors.csv"),
        ),
        *("--out", str(tmp_path / "p"), "--no-report"),
    )
    assert done.returncode == 0, done.stderr
    overview = openpyxl.load_workbook(tmp_path / "p" / "plan.xlsx")
    assert overview.sheetnames == ["总览", "各县区"]
    files = [r[4] for r in overview["各县区"].iter_rows(min_row=2, values_only=True)]
    assert len(files) == 3
    visits = pd.read_csv(tmp_path / "p" / "visits.csv", encoding="utf-8-sig")
    total = 0
    for name in files:
        wb = openpyxl.load_workbook(tmp_path / "p" / name)
        total += wb["全部走访"].max_row - 1
    assert total == len(visits)
    # written in the worker processes (as for a province of many counties), the same workbooks
    plan = read_plan(tmp_path / "p")
    for many, folder in ((1, tmp_path / "pool"), (100, tmp_path / "one")):
        folder.mkdir()
        monkeypatch.setattr(exports, "PARALLEL_BOOKS", many)
        exports.write_workbook(plan, folder, "zh")
    for name in files:
        pooled = openpyxl.load_workbook(tmp_path / "pool" / name)
        alone = openpyxl.load_workbook(tmp_path / "one" / name)
        assert pooled.sheetnames == alone.sheetnames
        for a, b in zip(pooled, alone, strict=True):
            assert list(a.iter_rows(values_only=True)) == list(b.iter_rows(values_only=True))


def test_workbook_looks_as_a_planner_reads_and_prints_it(sample_both):
    wb = openpyxl.load_workbook(sample_both["zh"] / "plan.xlsx")
    for ws in wb:
        assert ws.print_options.gridLines  # gridlines printed
    # a supervisor's sheet: a bold red title, the header bold on its fill, both repeated on print
    sup = wb[wb.sheetnames[3]]
    title, head = sup["A1"], sup["A2"]
    assert title.font.b and title.font.sz == 13 and title.font.color.rgb.endswith("A61B1B")
    assert head.font.b and head.fill.fill_type == "solid" and head.fill.fgColor.rgb.endswith("F3E5E5")
    # every visit: the header row repeated on every printed page, frozen, filtered
    visits = wb["全部走访"]
    assert visits.print_title_rows == "$1:$1" and visits.freeze_panes == "A2"
    assert visits.auto_filter.ref == f"A1:L{visits.max_row}"
    header = [c.value for c in visits[1]]
    row = dict(zip(header, visits[2], strict=True))
    week, start, risk, why = row["周次"], row["周一日期"], row["风险分"], row["原因"]
    assert isinstance(week.value, int) and week.number_format == "0"
    assert week.alignment.horizontal == "center"
    assert isinstance(start.value, dt.datetime) and start.number_format == "yyyy-mm-dd"
    assert isinstance(risk.value, float) and risk.number_format == "0.0"
    assert why.alignment.wrap_text and why.alignment.vertical == "top"
    # columns as wide as their text, a CJK character counting two
    assert header[6] == "组织名称"
    names = [r[0] for r in visits.iter_rows(min_row=2, max_row=301, min_col=7, max_col=7, values_only=True)]
    widest = max(wcswidth(n) for n in [*names, header[6]])
    assert widest > max(len(n) for n in names) and visits.column_dimensions["G"].width == min(widest + 3, 40)
    # the year's three small tables: each table's header styled like the first, the title repeated
    year = wb["本年度进度"]
    assert year.print_title_rows == "$1:$1" and not year.auto_filter.ref
    heads = [r[0] for r in year.iter_rows(min_row=3) if r[0].fill.fill_type == "solid"]
    assert len(heads) >= 2 and all(c.font.b for c in heads)


def test_a_big_workbook_streamed_holds_what_a_small_one_does(sample_both, tmp_path, monkeypatch):
    """A workbook over IN_MEMORY_CELLS streams its rows through temporary files: the same cells."""
    plan = read_plan(sample_both["zh"])
    for cells, name in ((0, "streamed"), (10**9, "in memory")):
        (tmp_path / name).mkdir()
        monkeypatch.setattr(exports, "IN_MEMORY_CELLS", cells)
        exports.write_workbook(plan, tmp_path / name, "zh")
    streamed, memory = (openpyxl.load_workbook(tmp_path / n / "plan.xlsx") for n in ("streamed", "in memory"))
    assert streamed.sheetnames == memory.sheetnames
    for a, b in zip(streamed, memory, strict=True):
        assert (a.print_title_rows, a.freeze_panes, a.auto_filter.ref) == (
            b.print_title_rows,
            b.freeze_panes,
            b.auto_filter.ref,
        )
        for ra, rb in zip(a.iter_rows(), b.iter_rows(), strict=True):
            assert [(c.value, c.number_format, c.font.b) for c in ra] == [
                (c.value, c.number_format, c.font.b) for c in rb
            ]
            assert [c.data_type for c in ra if c.value is not None] == [
                c.data_type for c in rb if c.value is not None
            ]


@pytest.mark.parametrize("cells", [0, 10**9], ids=["streamed", "in memory"])
def test_odd_values_are_cells_not_errors(tmp_path, cells, monkeypatch):
    """numpy numbers are numbers; a missing share or figure (NaN, infinity) is an empty cell,
    never an error or a formula; a date with a time is still a date."""
    import numpy as np

    monkeypatch.setattr(exports, "IN_MEMORY_CELLS", cells)
    cols = [exports.Column(h) for h in ("n", "x", "share", "day", "nan", "text")]
    cols[0], cols[3] = exports.Column("n", "0"), exports.Column("day", exports.DATE)
    rows = [
        [
            np.int64(3),
            np.float64(2.5),
            exports.Percent(0.25),
            dt.datetime(2027, 1, 4, 9),
            float("nan"),
            "=1+1",
        ],
        [7, float("inf"), exports.Percent(float("nan")), dt.date(2027, 1, 5), None, ""],
    ]
    with exports._book(tmp_path / "x.xlsx", cells) as book:
        exports.add_sheet(book, "odd", cols, rows)
    ws = openpyxl.load_workbook(tmp_path / "x.xlsx")["odd"]
    got = [[(c.value, c.data_type) for c in row] for row in ws.iter_rows(min_row=2)]
    assert got[0] == [
        (3, "n"),
        (2.5, "n"),
        (0.25, "n"),
        (dt.datetime(2027, 1, 4, 9), "d"),
        (None, "n"),
        ("=1+1", "s"),
    ]
    assert got[1] == [
        (7, "n"),
        (None, "n"),
        (None, "n"),
        (dt.datetime(2027, 1, 5), "d"),
        (None, "n"),
        (None, "n"),
    ]
    assert ws["C2"].number_format == "0.0%" and ws["D3"].number_format == "yyyy-mm-dd"


# ---------------------------------------------------------------- compare


def _second_column(line: str) -> int:
    """The display column where a terminal table's second column starts on this line."""
    m = re.search(r"\S\s{2,}(?=\S)", line)
    assert m, line
    return wcswidth(line[: m.end()])


def test_compare_names_the_setting_that_differs(tmp_path):
    base, travel = tmp_path / "q1", tmp_path / "q1-travel"
    assert planner("plan", "--out", str(base), "--no-report").returncode == 0
    done = planner(
        "plan", "--scenario", str(ROOT / "data" / "scenario-travel.toml"), "--out", str(travel), "--no-report"
    )
    assert done.returncode == 0, done.stderr
    for lang, label in (("zh", "跨片区走访成本"), ("en", "Travel penalty per visit")):
        done = planner(
            "compare", str(base), str(travel), "--lang", lang, "--out", str(tmp_path / f"{lang}.html")
        )
        assert done.returncode == 0, done.stderr
        lines = done.stdout.splitlines()
        row = next(line for line in lines if "rules.travel_penalty" in line)
        assert label in row and re.search(r"\b3\s+10\b", row)
        assert any("sha256" in line for line in lines)  # the scenario files differ
        # columns line up by display width, Chinese text included
        settings = [x for i, x in enumerate(lines[1 : lines.index("")]) if i != 1]  # not the dashes
        assert len({_second_column(x) for x in settings}) == 1
        kpis = lines[lines.index(next(x for x in lines if x.startswith(("关键指标", "Key figures")))) :]
        starts = {
            wcswidth(line[: line.index(m[0])]) for line in kpis[3:] if (m := re.search(r"\s{2}\S", line))
        }
        assert len(starts) == 1
        page = Page((tmp_path / f"{lang}.html").read_text(encoding="utf-8"))
        assert "rules.travel_penalty" in "".join(page.text)
    en = planner("compare", str(base), str(travel), "--lang", "en", "--out", str(tmp_path / "x.html")).stdout
    assert not CJK.search(en.replace("示例县 2027 年第一季度督导计划", ""))


def test_readme_compare_example_works_as_written(tmp_path):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    lines = [
        line.split("#")[0].strip()
        for line in readme.splitlines()
        if line.startswith(".venv/bin/planner")
        and "plans/q1" in line
        and "my/" not in line
        and "..." not in line
    ]
    compare = [x for x in lines if " compare " in x]
    assert compare, "the README has no compare example"
    shutil.copytree(ROOT / "data", tmp_path / "data")
    for line in lines:
        args = line.split()[1:]
        if args[0] == "plan":
            args.append("--no-report")  # the report is not what this test checks
        if args[0] == "report":
            continue
        done = planner(*args, cwd=tmp_path)
        assert done.returncode == 0, f"{line}: {done.stderr}"


# ---------------------------------------------------------------- inputs that tell the truth


def test_near_miss_column_is_named_and_its_absence_explained(tmp_path):
    text = (ROOT / "data" / "example_zh" / "branches.csv").read_text(encoding="utf-8-sig")
    (tmp_path / "b.csv").write_text(text.replace("上次督导日期", "上次督导时间", 1), encoding="utf-8")
    sups = str(ROOT / "data" / "example_zh" / "supervisors.csv")
    done = planner("validate", "--branches", str(tmp_path / "b.csv"), "--supervisors", sups, "--lang", "en")
    assert done.returncode == 0, done.stderr
    assert (
        "the column '上次督导时间' is not one Dudao reads and is ignored; did you mean '上次督导日期'"
        in done.stdout
    )
    assert (
        "there is no '上次督导日期' (last_visit) column: every branch counts as never visited" in done.stdout
    )
    assert done.stdout.splitlines()[-1].startswith("OK (2 warnings)")
    done = planner(
        "plan", "--branches", str(tmp_path / "b.csv"), "--supervisors", sups, "--out", str(tmp_path / "p")
    )
    assert "did you mean '上次督导日期'" in done.stderr


def test_sample_data_is_the_packaged_sample_and_the_chinese_example_is_the_same_county():
    for name in ("branches.csv", "supervisors.csv", "scenario.toml"):
        assert (ROOT / "data" / name).read_bytes() == (ROOT / "planner" / "sample" / name).read_bytes()
    en = load_inputs(ROOT / "data" / "branches.csv", ROOT / "data" / "supervisors.csv", horizon_weeks=13)
    zh = load_inputs(
        ROOT / "data" / "example_zh" / "branches.csv",
        ROOT / "data" / "example_zh" / "supervisors.csv",
        horizon_weeks=13,
    )
    pd.testing.assert_frame_equal(en.branches, zh.branches[en.branches.columns])
    pd.testing.assert_frame_equal(en.supervisors, zh.supervisors[en.supervisors.columns])
    assert en.warnings == zh.warnings == ()
    # the history (督导台账) in Chinese headers and dimension names is the same history
    start = dt.date(2027, 1, 4)
    en_h = load_inputs(
        ROOT / "data" / "branches.csv",
        ROOT / "data" / "supervisors.csv",
        horizon_weeks=13,
        history=ROOT / "data" / "history.csv",
        horizon_start=start,
    ).history
    zh_h = load_inputs(
        ROOT / "data" / "example_zh" / "branches.csv",
        ROOT / "data" / "example_zh" / "supervisors.csv",
        horizon_weeks=13,
        history=ROOT / "data" / "example_zh" / "history.csv",
        horizon_start=start,
    ).history
    assert en_h is not None and zh_h is not None and len(en_h) > 800
    pd.testing.assert_frame_equal(en_h, zh_h)
    # the empty templates carry every column the schema reads, in Chinese
    for name, specs in (
        ("template_branches_zh.csv", BRANCH_COLUMNS),
        ("template_supervisors_zh.csv", SUPERVISOR_COLUMNS),
        ("template_history_zh.csv", HISTORY_COLUMNS),
    ):
        header = (ROOT / "data" / name).read_text(encoding="utf-8-sig").strip().split(",")
        assert header == [s.zh for s in specs], name


# ---------------------------------------------------------------- sweeps in visit-slots


def test_capacity_sweep_reports_the_slots_rounding_gives(tmp_path):
    rows = [branch_row(f"B{i}", "东镇", 20 + i) for i in range(1, 9)]
    (tmp_path / "b.csv").write_text("\n".join([BRANCH_HEADER, *rows]) + "\n", encoding="utf-8")
    (tmp_path / "s.csv").write_text(f"{SUPERVISOR_HEADER}\nS1,王,东镇,1,,,\n", encoding="utf-8")
    (tmp_path / "sc.toml").write_text("[horizon]\nstart = 2027-01-04\nweeks = 4\n", encoding="utf-8")
    scenario = load_scenario(tmp_path / "sc.toml")
    inputs = load_inputs(tmp_path / "b.csv", tmp_path / "s.csv", horizon_weeks=4)
    table = sweep.sweep(inputs, scenario, "capacity", [1.0, 1.25, 1.5], workers=1)
    # one visit a week: 1.25 rounds back to 1 (4 slots), 1.5 rounds up to 2 (8 slots)
    assert table["visit_slots"].tolist() == [4, 4, 8]
    assert table["visits"].tolist() == [4, 4, 8]
