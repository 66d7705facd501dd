"""The web app end to end: Voilà serves the workbook, a planner changes a weight and solves."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def app_url():
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "planner.cli", "app", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as reply:
                    if reply.status == 200:
                        break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    out = server.stdout.read().decode(errors="replace") if server.stdout else ""
                    pytest.fail(f"the app did not start:\n{out}")
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_change_a_weight_press_solve_and_see_the_kpis_change(app_url, tmp_path_factory):
    screenshot = tmp_path_factory.mktemp("app") / "app.png"  # look at it: docs/app.png is one
    if CHROMIUM is None:
        pytest.fail("chromium is missing: `make test` installs it (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1280, "height": 1000})
        page.goto(app_url, timeout=90_000)
        solve = page.get_by_role("button", name="求解 Solve")
        solve.wait_for(timeout=90_000)
        status = page.locator(".widget-html-content").first
        before = status.inner_text()
        assert before.startswith("#1")
        objective_before = page.locator(".jp-OutputArea-output table").first.inner_text()
        weight = (
            page.locator(".widget-inline-hbox")
            .filter(has=page.locator("label", has_text="教育培训"))
            .locator("input")
        )
        weight.fill("5")
        weight.press("Enter")
        solve.click()
        page.get_by_text("#2：", exact=False).or_(page.get_by_text("#2:")).first.wait_for(timeout=60_000)
        after = status.inner_text()
        objective_after = page.locator(".jp-OutputArea-output table").first.inner_text()
        page.screenshot(path=str(screenshot))
        browser.close()
    assert after.startswith("#2")
    assert after != before
    assert objective_after != objective_before
