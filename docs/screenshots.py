"""Retake the README's screenshots: the workbook in JupyterLab and the app in Voilà.

Run by hand from the project root with the virtual environment (`.venv/bin/python
docs/screenshots.py`); needs Debian's chromium. Writes docs/workbook.png, docs/app.png (the
schedule grid) and docs/app-compare.png (two scenarios compared).
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from playwright.sync_api import sync_playwright

DOCS = Path(__file__).resolve().parent
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve(cmd: list[str], url: str) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    for _ in range(180):
        try:
            urllib.request.urlopen(url, timeout=5)
            return proc
        except OSError:
            time.sleep(0.5)
    raise RuntimeError(f"{cmd[2:4]} did not start")


def main() -> None:
    lab_port, app_port = free_port(), free_port()
    copy = Path(tempfile.mkdtemp(prefix="dudao-shots-"))  # JupyterLab saves what it opens
    shutil.copy(DOCS.parent / "planner" / "notebooks" / "scenario_workbook.ipynb", copy)
    lab = serve(
        [
            sys.executable,
            "-m",
            "jupyter",
            "lab",
            "--no-browser",
            f"--port={lab_port}",
            "--ServerApp.token=dudao",
            "--ServerApp.ip=127.0.0.1",
            "--allow-root",
            f"--ServerApp.root_dir={copy}",
        ],
        f"http://127.0.0.1:{lab_port}/api?token=dudao",
    )
    app = serve(
        [sys.executable, "-m", "planner.cli", "app", "--port", str(app_port)], f"http://127.0.0.1:{app_port}/"
    )
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(
                f"http://127.0.0.1:{lab_port}/lab/tree/scenario_workbook.ipynb?token=dudao",
                timeout=120_000,
            )
            page.locator(".jp-Notebook .jp-Cell").first.wait_for(timeout=120_000)
            page.get_by_text("Kernel status: Idle").first.wait_for(state="attached", timeout=120_000)
            page.locator("[data-command='notebook:restart-run-all']").first.click()
            page.get_by_role("button", name="Confirm Kernel Restart").or_(
                page.get_by_role("button", name="Restart", exact=True)
            ).first.click()
            try:
                page.get_by_role("button", name="求解").wait_for(timeout=180_000)
            except Exception:
                page.screenshot(path=str(DOCS / "workbook-failed.png"))  # to see why; not committed
                raise
            page.get_by_role("button", name="求解").scroll_into_view_if_needed()
            time.sleep(2)
            page.screenshot(path=str(DOCS / "workbook.png"))
            page.goto(f"http://127.0.0.1:{app_port}/", timeout=120_000)
            page.get_by_text("#1：").first.wait_for(timeout=120_000)
            page.get_by_role("tab", name="走访安排").click()
            time.sleep(2)
            page.screenshot(path=str(DOCS / "app.png"))
            page.get_by_role("tab", name="规则").click()
            travel = page.locator(".widget-inline-hbox", has=page.locator("label", has_text="跨片区走访成本"))
            travel.locator("input").fill("8")
            travel.locator("input").press("Tab")
            page.get_by_role("button", name="求解").click()
            page.get_by_text("#2：").first.wait_for(timeout=60_000)
            page.get_by_role("tab", name="方案对比").click()
            time.sleep(2)
            page.screenshot(path=str(DOCS / "app-compare.png"))
            browser.close()
    finally:
        for proc in (lab, app):
            os.killpg(proc.pid, signal.SIGTERM)
        shutil.rmtree(copy, ignore_errors=True)


if __name__ == "__main__":
    main()
