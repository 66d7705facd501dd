"""The web app end to end, as a planner uses it alone, in Debian's Chromium (Playwright):
their own two spreadsheets in, a downloaded report out; and the server's safety on a network."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from openpyxl import load_workbook

from planner.datasets import sample_history_path, sample_paths
from planner.schema import BRANCH_COLUMNS, HISTORY_COLUMNS, SUPERVISOR_COLUMNS

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children(pid: int) -> list[int]:
    """Every process below `pid` (the server's kernels and theirs)."""
    out = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True, check=True).stdout
    below: dict[int, list[int]] = {}
    for line in out.splitlines():
        child, parent = (int(x) for x in line.split())
        below.setdefault(parent, []).append(child)
    found, todo = [], [pid]
    while todo:
        for child in below.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    state = Path(f"/proc/{pid}/stat")
    return not (state.exists() and state.read_text().split(") ")[-1].startswith("Z"))


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    tmp = tmp_path_factory.mktemp("server")
    env = {**os.environ, "TMPDIR": str(tmp)}
    proc = subprocess.Popen(
        [sys.executable, "-m", "planner.cli", "app", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=tmp,
        env=env,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 120
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2):
                break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                out = proc.stdout.read().decode(errors="replace") if proc.stdout else ""
                pytest.fail(f"the app did not start:\n{out}")
            time.sleep(0.5)
    try:
        yield proc, url, tmp
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)


def test_a_host_header_of_another_site_is_refused(server):
    _, url, _ = server
    port = url.rsplit(":", 1)[1].strip("/")
    for host in ("evil.example", f"evil.example:{port}", "127.0.0.1.evil.example"):
        request = urllib.request.Request(url + "api/kernels", headers={"Host": host})
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 403
    ok = urllib.request.Request(url + "voila/static/voila.js", headers={"Host": f"localhost:{port}"})
    with urllib.request.urlopen(ok, timeout=30) as reply:
        assert reply.status == 200


def test_the_host_check_allows_only_this_machine_and_the_names_given():
    from planner.appserver import allowed_hosts, host_allowed

    local = allowed_hosts("127.0.0.1")
    for header in ("localhost:8866", "127.0.0.1:8866", "[::1]:8866", "LOCALHOST", "127.0.0.2:80"):
        assert host_allowed(header, local), header
    for header in ("evil.example", "evil.example:8866", "localhost.evil.example", "", None, "10.0.0.5:8866"):
        assert not host_allowed(header, local), header
    office = allowed_hosts("10.0.0.5", ["dudao.county.example"])
    assert host_allowed("10.0.0.5:8866", office) and host_allowed("dudao.county.example", office)
    assert not host_allowed("evil.example", office)


def test_the_kernel_cap_refuses_one_session_too_many():
    import asyncio

    from tornado.web import HTTPError

    from planner.appserver import SessionKernelManager

    manager = SessionKernelManager(max_kernels=2)
    culled: list[bool] = []

    async def cull() -> None:
        culled.append(True)

    manager.list_kernel_ids = lambda: ["k1", "k2"]  # type: ignore[method-assign]
    manager.cull_kernels = cull  # type: ignore[method-assign]
    with pytest.raises(HTTPError) as refused:
        asyncio.run(manager.start_kernel())
    assert refused.value.status_code == 503 and culled == [True]


def test_the_app_command_serves_localhost_with_culling_and_a_cap():
    from planner.appserver import voila_argv

    argv = voila_argv("/x/app.ipynb", host="127.0.0.1", port=1, max_sessions=3, idle_minutes=10)
    assert "--Voila.ip=127.0.0.1" in argv and "--SessionKernelManager.max_kernels=3" in argv
    assert "--MappingKernelManager.cull_idle_timeout=600" in argv


def _files(tmp: Path) -> dict[str, Path]:
    """A planner's own files: branches as XLSX with a deliberate error, then fixed; supervisors as
    GB18030 CSV with Chinese headers."""
    b, s, _ = sample_paths()
    branches = pd.read_csv(b, dtype=str, keep_default_na=False)
    zh_b = {c.key: c.zh for c in BRANCH_COLUMNS}
    good = tmp / "我的组织.xlsx"
    branches.rename(columns=zh_b).to_excel(good, index=False)
    bad = branches.copy()
    bad.loc[3, "planning"] = "很好"  # Excel row 5
    bad_path = tmp / "组织-有错.csv"
    bad.rename(columns=zh_b).to_csv(bad_path, index=False, encoding="utf-8-sig")
    sups = pd.read_csv(s, dtype=str, keep_default_na=False)
    sup_path = tmp / "督导员.csv"
    sups.rename(columns={c.key: c.zh for c in SUPERVISOR_COLUMNS}).to_csv(
        sup_path, index=False, encoding="gb18030"
    )
    history = pd.read_csv(sample_history_path(), dtype=str, keep_default_na=False)
    history_path = tmp / "督导台账.csv"
    history.rename(columns={c.key: c.zh for c in HISTORY_COLUMNS}).to_csv(
        history_path, index=False, encoding="utf-8-sig"
    )
    return {"good": good, "bad": bad_path, "supervisors": sup_path, "history": history_path}


def test_a_planner_goes_from_their_spreadsheets_to_a_downloaded_report(server, tmp_path):
    proc, url, _ = server
    if CHROMIUM is None:
        pytest.fail("chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    files = _files(tmp_path)
    shots = tmp_path / "shots"  # look at them: docs/app.png is one
    shots.mkdir()
    timings: dict[str, float] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100}, accept_downloads=True)
        started = time.monotonic()
        page.goto(url, timeout=180_000)
        solve = page.get_by_role("button", name="求解")
        solve.wait_for(timeout=180_000)
        timings["first paint"] = time.monotonic() - started
        status = page.locator(".widget-html-content", has_text="#1").first
        status.wait_for(timeout=60_000)

        # templates: Chinese headers from the schema, a column guide, a filled example row
        for name, specs in (("组织.xlsx", BRANCH_COLUMNS), ("督导员.xlsx", SUPERVISOR_COLUMNS)):
            with page.expect_download() as info:
                page.locator(f"a[download='{name}']").click()
            saved = tmp_path / f"template-{name}"
            info.value.save_as(saved)
            book = load_workbook(saved)
            first = book.worksheets[0]
            assert [c.value for c in first[1]] == [s.zh for s in specs]
            assert first.max_row == 2 and first.cell(2, 1).value
            assert "填写说明" in book.sheetnames

        # a branch file with a deliberate error: the problem row, nothing planned

        def upload(button: str, path: Path) -> None:
            with page.expect_file_chooser() as chooser:
                page.get_by_role("button", name=button).click()
            chooser.value.set_files(str(path))

        started = time.monotonic()
        upload("上传组织名单", files["bad"])
        problem = page.locator(".dudao-problems tr", has_text="组织-有错.csv")
        problem.wait_for(timeout=60_000)
        timings["upload + validate (with error)"] = time.monotonic() - started
        cells = problem.locator("td").all_inner_texts()
        assert cells[1:3] == ["5", "主动谋划"] and "很好" in cells[3]
        page.screenshot(path=str(shots / "problem.png"))
        solve.click()
        expect(page.get_by_text("请先修正上面列出的问题")).to_be_visible(timeout=30_000)

        # the good files: loaded, problems gone
        started = time.monotonic()
        upload("上传组织名单", files["good"])
        upload("上传督导员名单", files["supervisors"])
        page.get_by_text("已载入 600 个组织、16 名督导员").wait_for(timeout=90_000)
        timings["upload + validate (two files)"] = time.monotonic() - started
        assert page.locator(".dudao-problems").count() == 0
        # and the office's 督导台账: shown as loaded, counted by every solve
        upload("督导台账（可选）", files["history"])
        page.get_by_text("督导台账：“督导台账.csv”，计入 827 次走访").wait_for(timeout=90_000)
        expect(page.get_by_role("button", name="移除督导台账")).to_be_visible()
        page.screenshot(path=str(shots / "data.png"))
        solve.click()
        page.get_by_text("#1：").first.wait_for(timeout=60_000)

        # change a rule and the scenario name, solve again
        page.get_by_role("tab", name="规则").click()
        travel = page.locator(".widget-inline-hbox", has=page.locator("label", has_text="跨片区走访成本"))
        travel.locator("input").fill("6")
        travel.locator("input").press("Tab")
        page.get_by_role("tab", name="方案与周期").click()
        name = page.locator(".widget-inline-hbox", has=page.locator("label", has_text="方案名称"))
        name.locator("input").fill("测试方案：跨片区成本 6")
        name.locator("input").press("Tab")
        started = time.monotonic()
        solve.click()
        page.get_by_text("#2：").first.wait_for(timeout=60_000)
        timings["solve (click to answer)"] = time.monotonic() - started

        # every visit in the grid
        page.get_by_role("tab", name="走访安排").click()
        count = page.locator(".dudao-count")
        count.wait_for(timeout=30_000)
        total, shown = count.get_attribute("data-total"), count.get_attribute("data-shown")
        page.screenshot(path=str(shots / "schedule.png"))

        # the comparison names the changed rule and the name, with the figures
        page.get_by_role("tab", name="方案对比").click()
        compare = page.locator(".dudao-table").filter(has_text="跨片区走访成本").first
        compare.wait_for(timeout=30_000)
        assert "测试方案：跨片区成本 6" in compare.inner_text()
        assert page.locator(".dudao-table", has_text="目标值（风险化解量）").count() >= 1
        page.screenshot(path=str(shots / "compare.png"))

        # take it away
        page.get_by_role("tab", name="下载").click()
        started = time.monotonic()
        page.get_by_role("button", name="生成下载文件").click()
        page.locator("a[download='report.html']").wait_for(timeout=180_000)
        timings["export"] = time.monotonic() - started
        saved: dict[str, Path] = {}
        folder_zip = "方案文件夹（用于登记走访）.zip"
        for name in ("report.html", "visits.csv", "plan.xlsx", "calendars.zip", "scenario.toml", folder_zip):
            with page.expect_download() as info:
                page.locator(f"a[download='{name}']").click()
            saved[name] = tmp_path / f"download-{name}"
            info.value.save_as(saved[name])
        with saved["visits.csv"].open(encoding="utf-8-sig") as f:
            visits = list(csv.DictReader(f))
        assert int(total or -1) == int(shown or -1) == len(visits) > 0
        assert "travel_penalty = 6" in saved["scenario.toml"].read_text(encoding="utf-8")
        with zipfile.ZipFile(saved[folder_zip]) as z:  # what planner record reads
            assert {"summary.json", "branches.csv", "visits.csv", "scenario.toml"} <= {
                n.split("/", 1)[1] for n in z.namelist()
            }
        report = browser.new_page()
        report.goto(saved["report.html"].as_uri())
        expect(report.locator("h1")).to_have_text("督导走访计划")
        assert "测试方案：跨片区成本 6" in report.content()
        report.close()

        # one language at a time
        page.get_by_role("button", name="English").click()
        page.get_by_role("button", name="Solve").wait_for(timeout=30_000)
        page.get_by_role("tab", name="Compare").click()
        expect(page.locator(".dudao-table", has_text="Travel penalty per visit").first).to_be_visible()
        buttons = " ".join(
            page.get_by_role("button").all_inner_texts() + page.get_by_role("tab").all_inner_texts()
        )
        assert not any("\u4e00" <= ch <= "\u9fff" for ch in buttons.replace("中文", ""))
        page.screenshot(path=str(shots / "english.png"))
        browser.close()
    print("timings (s):", {k: round(v, 1) for k, v in timings.items()})

    # SIGTERM stops the server and every kernel; the sessions' folders are gone
    kernels = children(proc.pid)
    assert kernels, "the browser session had no kernel"
    proc.send_signal(signal.SIGTERM)
    proc.wait(timeout=60)
    deadline = time.monotonic() + 20
    while any(alive(k) for k in kernels) and time.monotonic() < deadline:
        time.sleep(0.5)
    assert not [k for k in kernels if alive(k)], "kernels outlived the server"
    assert not list(Path(server[2]).glob("dudao-app-*")), "the session folders were left behind"


def test_ctrl_c_stops_the_server_and_its_waiting_kernel(tmp_path):
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "planner.cli", "app", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=tmp_path,
        env={**os.environ, "TMPDIR": str(tmp_path)},
        start_new_session=True,
    )
    try:
        deadline = time.monotonic() + 120
        while not children(proc.pid) and time.monotonic() < deadline:  # the pre-heated kernel
            time.sleep(0.5)
        kernels = children(proc.pid)
        assert kernels, "no kernel was started"
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=60)
        deadline = time.monotonic() + 20
        while any(alive(k) for k in kernels) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not [k for k in kernels if alive(k)]
        assert not list(tmp_path.glob("dudao-app-*"))
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
