"""Report rendering time and size for generated counties (run by hand; prints figures).

The report is rendered from a plan folder planned with --no-report; the planning time of the
same instance is printed beside it as the baseline of the ratio.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def planner(*args: str) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "planner.cli", *args], check=True, capture_output=True)
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000])
    args = ap.parse_args()
    print("branches  plan_s  report_s  report/plan  report_MB")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for size in args.sizes:
            data = tmp / f"c{size}"
            planner(
                "generate",
                "--branches",
                str(size),
                "--supervisors",
                str(max(20, size // 160)),
                "--seed",
                "1",
                "--out",
                str(data),
            )
            out = tmp / f"plan{size}"
            plan_s = planner(
                "plan",
                "--branches",
                str(data / "branches.csv"),
                "--supervisors",
                str(data / "supervisors.csv"),
                "--out",
                str(out),
                "--no-report",
            )
            report_s = planner("report", str(out))
            size_mb = (out / "report.html").stat().st_size / 1e6
            print(f"{size:<9} {plan_s:<7.2f} {report_s:<9.2f} {report_s / plan_s:<12.2f} {size_mb:.2f}")


if __name__ == "__main__":
    main()
