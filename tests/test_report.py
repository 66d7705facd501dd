"""What planners hand out: the HTML report (as a browser shows it), plan.xlsx, calendars."""

from __future__ import annotations

import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from icalendar import Calendar
from PIL import Image

from planner.folder import read_plan
from tests.conftest import BRANCH_HEADER, SUPERVISOR_HEADER, branch_row
from tests.helpers import run_planner as planner

HOSTILE = "<script>alert('x')</script>"
HOSTILE_IMG = '<img src="https://evil.example/x.png" onerror="alert(1)">'
EXTERNAL_URL = re.compile(r"^\s*(?:https?:)?//|url\(\s*[\"']?(?:https?:)?//|@import", re.IGNORECASE)


class Page(HTMLParser):
    """The page as a browser sees it: its elements, their attributes, and its text."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.styles: list[str] = []
        self._in_style = False
        self.feed(text)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_style = tag == "style"

    def handle_endtag(self, tag: str) -> None:
        self._in_style = False

    def handle_data(self, data: str) -> None:
        (self.styles if self._in_style else self.text).append(data)

    def external_loads(self) -> list[str]:
        found = [
            f"<{tag} {name}={value}>"
            for tag, attrs in self.tags
            for name, value in attrs.items()
            if name in ("src", "href", "srcset", "data", "action", "style")
            and value
            and EXTERNAL_URL.search(value)
        ]
        found += [css for css in self.styles if EXTERNAL_URL.search(css) or "url(" in css]
        return found

    def scripts(self) -> list[str]:
        return [
            f"<{tag}>"
            for tag, attrs in self.tags
            if tag in ("script", "iframe", "object", "embed") or any(name.startswith("on") for name in attrs)
        ]


@pytest.fixture(scope="module")
def hostile_plan(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("hostile")
    rows = [
        branch_row("B1", "东镇", 30, name=HOSTILE.replace(",", " ")),
        branch_row("B2", "东镇", 40, name=HOSTILE_IMG),
        branch_row("B3", "西镇", 50),
    ]
    (tmp / "b.csv").write_text("\n".join([BRANCH_HEADER, *rows]) + "\n", encoding="utf-8")
    (tmp / "s.csv").write_text(f"{SUPERVISOR_HEADER}\nS1,<b>王</b>,东镇,1,,,\n", encoding="utf-8")
    (tmp / "sc.toml").write_text(
        'name = "<i>季度</i>"\n[horizon]\nstart = 2027-01-04\nweeks = 4\n', encoding="utf-8"
    )
    done = planner(
        "plan",
        "--branches",
        str(tmp / "b.csv"),
        "--supervisors",
        str(tmp / "s.csv"),
        "--scenario",
        str(tmp / "sc.toml"),
        "--out",
        str(tmp / "plan"),
    )
    assert done.returncode == 0, done.stderr
    return tmp / "plan"


@pytest.fixture(scope="module")
def sample_plan(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("sample") / "plan"
    done = planner("plan", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(out)  # the contract: the folder last
    assert f"report: {out / 'report.html'}" in done.stdout
    return out


def test_report_shows_kpis_and_every_visit(hostile_plan):
    page = (hostile_plan / "report.html").read_text(encoding="utf-8")
    summary = read_plan(hostile_plan).summary
    assert f"{summary.objective:.1f}" in page
    assert f"{summary.baseline.objective:.1f}" in page
    assert "督导走访计划" in page and "督导任务单" in page
    visits = (hostile_plan / "visits.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    assert len(visits) == 4  # one slot a week, four weeks
    assert page.count("B3") >= 1


def test_hostile_names_show_as_text(hostile_plan):
    page = Page((hostile_plan / "report.html").read_text(encoding="utf-8"))
    assert page.scripts() == []
    assert not any(tag == "i" for tag, _ in page.tags)  # the scenario name is text, not markup
    text = "".join(page.text)
    assert HOSTILE in text and HOSTILE_IMG in text
    assert "<i>季度</i>" in text and "<b>王</b>" in text


def test_report_loads_nothing_from_outside(hostile_plan, sample_plan):
    for folder in (hostile_plan, sample_plan):
        page = Page((folder / "report.html").read_text(encoding="utf-8"))
        assert page.external_loads() == []
        assert page.scripts() == []
        images = [attrs.get("src") or "" for tag, attrs in page.tags if tag == "img"]
        assert images and all(src.startswith("data:image/png;base64,") for src in images)


def test_report_rerenders_in_english(hostile_plan):
    before = (hostile_plan / "visits.csv").read_bytes()
    done = planner("report", str(hostile_plan), "--lang", "en")
    assert done.returncode == 0, done.stderr
    page = (hostile_plan / "report.html").read_text(encoding="utf-8")
    assert "Supervisory visit plan" in page and "Task sheet" in page
    assert (hostile_plan / "visits.csv").read_bytes() == before


def test_report_of_a_non_plan_folder_exits_2(tmp_path):
    done = planner("report", str(tmp_path))
    assert done.returncode == 2
    assert "not a plan folder" in done.stderr


def test_workbook_has_overview_and_a_sheet_per_supervisor(sample_plan):
    wb = openpyxl.load_workbook(sample_plan / "plan.xlsx")
    visits = (sample_plan / "visits.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    supervisors = {line.split(",")[4] for line in visits}
    assert wb.sheetnames[:3] == ["总览", "全部走访", "组织"]
    assert wb.sheetnames[-1] == "本年度进度"  # the year's progress last
    assert len(wb.sheetnames) == 4 + len(supervisors)
    sheet = wb[wb.sheetnames[3]]
    assert str(sheet["A1"].value).startswith("林春梅（S001）")  # a title row per supervisor
    headers = [c.value for c in sheet[2]]
    assert headers[:4] == ["周次", "周一日期", "周五日期", "组织编号"]
    assert sheet.column_dimensions["E"].width > 10  # names get room
    rows_total = sum(wb[name].max_row - 2 for name in wb.sheetnames[3:-1])
    assert rows_total == len(visits)
    assert wb["全部走访"].max_row - 1 == len(visits)


def test_calendars_parse_back_with_one_event_per_visit(sample_plan):
    visits = (sample_plan / "visits.csv").read_text(encoding="utf-8-sig").splitlines()[1:]
    events = 0
    for ics in sorted((sample_plan / "calendars").glob("*.ics")):
        cal = Calendar.from_ical(ics.read_bytes())
        for event in cal.walk("VEVENT"):
            events += 1
            assert event["dtstart"].dt.weekday() == 0  # the Monday of the visit's week
            assert str(event["summary"]).startswith("督导走访：")
    assert events == len(visits)


def test_compare_prints_side_by_side_and_writes_a_page(sample_plan, hostile_plan, tmp_path):
    out = tmp_path / "cmp.html"
    done = planner("compare", str(sample_plan), str(hostile_plan), "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().splitlines()[-1] == str(out)
    assert "示例县 2027 年第一季度督导计划" in done.stdout
    page = Page(out.read_text(encoding="utf-8"))
    assert "<i>季度</i>" in "".join(page.text)
    assert page.external_loads() == [] and page.scripts() == []


def test_report_renders_in_chromium(sample_plan, tmp_path):
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if browser is None:
        pytest.fail("chromium is missing: `make test` installs it (apt-get install chromium)")
    shot = sample_plan.parent / "report.png"
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-sync",
            "--disable-component-update",
            f"--user-data-dir={tmp_path / 'profile'}",
            "--hide-scrollbars",
            "--window-size=1100,1600",
            f"--screenshot={shot}",
            (sample_plan / "report.html").as_uri(),
        ],
        capture_output=True,
        timeout=120,
        check=True,
    )
    image = Image.open(shot).convert("RGB")
    assert image.size == (1100, 1600)
    import numpy as np

    px = np.asarray(image, dtype=int)
    dark = int((px.sum(axis=2) < 300).sum())
    red = int(((px[..., 0] > 150) & (px[..., 1] < 90) & (px[..., 2] < 90)).sum())
    assert dark > 20000, "the page looks blank: no text rendered"
    assert red > 5000, "the headings are missing"
