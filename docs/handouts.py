"""Retake the README's pictures of the handouts: the report printed on A4 (first page and a task
sheet, Chinese and English) and plan.xlsx printed by LibreOffice; print their page counts.

Run by hand from the project root (`.venv/bin/python docs/handouts.py`); needs Debian's chromium,
LibreOffice (soffice) and poppler-utils (pdftoppm, pdftotext). Writes docs/handout-*.png.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent


def run(*cmd: str) -> str:
    return subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=600).stdout


def pages(pdf: Path) -> list[str]:
    return [p for p in run("pdftotext", "-layout", str(pdf), "-").split("\f") if p.strip()]


def png(pdf: Path, page: int, out: Path, dpi: int = 80) -> None:
    """One page of a PDF as a PNG (pdftoppm numbers its output; keep the one page)."""
    stem = out.with_suffix("")
    run(
        "pdftoppm",
        "-r",
        str(dpi),
        "-png",
        "-singlefile",
        "-f",
        str(page),
        "-l",
        str(page),
        str(pdf),
        str(stem),
    )


def main() -> None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or "chromium"
    with tempfile.TemporaryDirectory() as tmp:
        t = Path(tmp)
        for lang, sheet in (("zh", "督导任务单"), ("en", "Task sheet")):
            folder = t / lang
            run(sys.executable, "-m", "planner.cli", "plan", "--lang", lang, "--out", str(folder))
            pdf = t / f"report-{lang}.pdf"
            run(
                browser,
                *("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run"),
                f"--user-data-dir={t / 'profile'}",
                "--no-pdf-header-footer",
                f"--print-to-pdf={pdf}",
                (folder / "report.html").as_uri(),
            )
            texts = pages(pdf)
            sheets = [i for i, p in enumerate(texts, 1) if p.lstrip().startswith(sheet)]
            print(
                f"report.html ({lang}): {len(texts)} A4 pages: {len(sheets)} task sheets, "
                f"{len(texts) - len(sheets)} other pages"
            )
            png(pdf, 1, DOCS / f"handout-report-{lang}-1.png")
            png(pdf, sheets[0], DOCS / f"handout-report-{lang}-task.png")
            if lang == "zh":
                run(
                    "soffice",
                    f"-env:UserInstallation=file://{t / 'lo'}",
                    *("--headless", "--convert-to", "pdf", "--outdir", str(t)),
                    str(folder / "plan.xlsx"),
                )
                xlsx = t / "plan.pdf"
                texts = pages(xlsx)
                print(f"plan.xlsx ({lang}) printed by LibreOffice: {len(texts)} A4 pages")
                png(xlsx, 2, DOCS / "handout-xlsx-visits.png", dpi=70)
                first_sup = next(i for i, p in enumerate(texts, 1) if "（S001）" in p)
                png(xlsx, first_sup, DOCS / "handout-xlsx-supervisor.png", dpi=70)


if __name__ == "__main__":
    main()
